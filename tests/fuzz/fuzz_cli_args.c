/*
 * libFuzzer target: the awsc command line (tools/awsc_args.c). The input
 * is argv after "awsc", each argument ended by a NUL byte (the last one
 * may omit it; "" is no argument, "\0" one empty one). Besides "no crash, no
 * leak, no read past an argument" it checks what cli_args_parse promises: the
 * status matches the action, values and positionals point into argv and
 * are not empty when used (JSON-PARAMS "" is none), a value is never an option,
 * a usage error is one printable line that repeats nothing of the user's but an
 * option's name, and the same argv gives the same answer twice.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "awsc_args.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ARGS 128

/* Every fixed word a message may hold: an argument found in a message
 * must come from here (option names), never from what the user typed. */
static const char fixed_texts[] =
    "unknown option (awsc --help lists the options) takes no value "
    "needs a value --endpoint-url URL --region REGION --profile PROFILE "
    "--no-verify-ssl --debug --version --help unexpected argument after "
    "the JSON parameters (quote them as one argument) missing SERVICE "
    "(awsc --help for usage) SERVICE is empty OPERATION is empty";

static bool points_into(const char *p, char *const *argv, int argc) {
  for (int i = 1; i < argc; i++)
    if (p >= argv[i] && p <= argv[i] + strlen(argv[i]))
      return true;
  return false;
}

/* A value or positional: absent, or a string inside argv, not empty
 * unless `may_be_empty` (JSON-PARAMS "" is no parameters). */
static void check_value(const char *v, bool may_be_empty, char *const *argv,
                        int argc) {
  if (v && ((!*v && !may_be_empty) || !points_into(v, argv, argc)))
    abort();
}

/* One byte as a message shows it: printable ASCII, else '?'. */
static char shown(char c) {
  return c >= ' ' && c <= '~' ? c : '?';
}

/* Whether `s` occurs in the name part (before any '=') of an option
 * argument as a message shows it: the one thing of the user's a message
 * may repeat. */
static bool in_option_name(const char *s, char *const *argv, int argc) {
  size_t n = strlen(s);
  for (int i = 1; i < argc; i++) {
    if (argv[i][0] != '-')
      continue;
    const char *eq = strchr(argv[i], '=');
    size_t name_len = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
    for (size_t k = 0; k + n <= name_len; k++) {
      size_t j = 0;
      while (j < n && shown(argv[i][k + j]) == s[j])
        j++;
      if (j == n)
        return true;
    }
  }
  return false;
}

static void check_error(const cli_args *a, char *const *argv, int argc) {
  size_t n = strlen(a->message);
  if (n == 0 || n >= sizeof(a->message))
    abort();
  for (size_t i = 0; i < n; i++)
    if (a->message[i] < ' ' || a->message[i] > '~')
      abort();
  /* a value worth hiding is one word of some length; shorter ones or
   * ones with spaces may be made of the message's own words */
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    if (arg[0] == '-' || strlen(arg) < 8 || strchr(arg, ' '))
      continue;
    if (strstr(a->message, arg) && !strstr(fixed_texts, arg) &&
        !in_option_name(arg, argv, argc))
      abort();
  }
}

static void check(const cli_args *a, int rc, char *const *argv, int argc) {
  switch (a->action) {
  case CLI_USAGE_ERROR:
    if (rc != CLI_EXIT_USAGE)
      abort();
    check_error(a, argv, argc);
    return;
  case CLI_USAGE:
  case CLI_VERSION:
    if (rc != CLI_EXIT_OK)
      abort();
    break;
  case CLI_LIST_OPS:
    if (rc != -1 || !a->service || a->operation || a->params)
      abort();
    break;
  case CLI_RUN:
  case CLI_DESCRIBE_OP:
    if (rc != -1 || !a->service || !a->operation)
      abort();
    break;
  default:
    abort();
  }
  const char *values[] = {a->endpoint_url, a->region,    a->profile,
                          a->service,      a->operation, a->params};
  for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++)
    check_value(values[i],
                values[i] == a->params || a->action == CLI_VERSION ||
                    a->action == CLI_USAGE,
                argv, argc);
  /* a value taken from the next argument is never an option: only the
   * "--opt=--x" spelling may start with "--" */
  const char *opts[] = {a->endpoint_url, a->region, a->profile};
  for (size_t i = 0; i < 3; i++)
    if (opts[i] && strncmp(opts[i], "--", 2) == 0 && opts[i][-1] != '=')
      abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *buf = malloc(size + 1);
  if (!buf)
    return 0;
  memcpy(buf, data, size);
  buf[size] = '\0';
  char *argv[MAX_ARGS + 2];
  int argc = 0;
  argv[argc++] = (char *)"awsc";
  for (size_t i = 0; i <= size && argc <= MAX_ARGS;) {
    size_t len = strlen(buf + i);
    if (i == size)
      break; /* each argument ends in NUL; the last one may omit it */
    argv[argc++] = buf + i;
    i += len + 1;
  }
  argv[argc] = NULL;
  cli_args a, again;
  int rc = cli_args_parse(&a, argc, argv);
  check(&a, rc, argv, argc);
  if (cli_args_parse(&again, argc, argv) != rc ||
      memcmp(&a, &again, sizeof(a)) != 0)
    abort();
  free(buf);
  return 0;
}
