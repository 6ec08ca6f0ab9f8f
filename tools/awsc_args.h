/*
 * tools/awsc_args.h - the awsc command line as data: argv in, the options
 * and what to do (or the usage error and its exit status) out. Nothing is
 * printed, allocated or run here, so the fuzz target
 * tests/fuzz/fuzz_cli_args.c and the unit tests call it directly.
 */
#ifndef AWSC_TOOLS_ARGS_H
#define AWSC_TOOLS_ARGS_H

#include <stdbool.h>
#include <stddef.h>

/* The exit statuses of awsc (its --help and docs/guide.md list them). */
enum {
  CLI_EXIT_OK = 0,
  CLI_EXIT_SERVICE = 1, /* the service answered with an error */
  CLI_EXIT_USAGE = 2,   /* invalid user input: arguments, JSON, parameters */
  CLI_EXIT_OTHER = 3    /* anything else: network, credentials, files... */
};

typedef enum cli_action {
  CLI_RUN,         /* call OPERATION of SERVICE with PARAMS */
  CLI_USAGE,       /* --help without a service: print the usage */
  CLI_VERSION,     /* --version */
  CLI_LIST_OPS,    /* SERVICE --help, or SERVICE alone */
  CLI_DESCRIBE_OP, /* SERVICE OPERATION --help */
  CLI_USAGE_ERROR  /* message says what is wrong; exit CLI_EXIT_USAGE */
} cli_action;

typedef struct cli_args {
  cli_action action;
  /* option values and positionals: pointers into argv, NULL when absent */
  const char *endpoint_url;
  const char *region;
  const char *profile;
  bool no_verify_ssl;
  bool no_sign_request; /* anonymous: no credentials, nothing signed */
  bool debug;
  bool no_progress; /* transfers: no progress bar on stderr */
  const char *service;
  const char *operation;
  const char *params; /* the JSON parameters as given */
  /* CLI_USAGE_ERROR: one line, no newline, never an argument's value */
  char message[160];
} cli_args;

/*
 * Read argv[1..argc-1]. Options may come before, between or after the
 * positionals SERVICE OPERATION [JSON-PARAMS]; a value option takes the
 * next argument or "--opt=value", and a value that is empty or looks like
 * an option ("--...") is missing. Returns the exit status the action
 * implies when it ends the program at once (CLI_EXIT_USAGE for
 * CLI_USAGE_ERROR, 0 for --help / --version) and -1 when there is work to
 * do (CLI_RUN, CLI_LIST_OPS, CLI_DESCRIBE_OP).
 */
int cli_args_parse(cli_args *out, int argc, char *const *argv);

#endif
