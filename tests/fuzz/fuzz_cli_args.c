/*
 * libFuzzer target: the awsc command line (tools/awsc_args.c). The input
 * is argv after "awsc", each argument ended by a NUL byte (the last one
 * may omit it; "" is no argument, "\0" one empty one). Besides "no
 * crash, no leak, no read past an argument" it checks what
 * cli_args_parse promises: the status matches the action; values and
 * positionals point into argv and are not empty when used (JSON-PARAMS
 * "" is none); a value is never an option; a usage error is one
 * printable line, one of the known messages, repeating nothing of the
 * user's but an option's name; the same argv gives the same answer.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "awsc_args.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ARGS 128

/* Every message but "unknown option NAME ...", whole: nothing of the
 * user's in them. */
static const char *const fixed_messages[] = {
    "--endpoint-url needs a value (--endpoint-url URL)",
    "--region needs a value (--region REGION)",
    "--profile needs a value (--profile PROFILE)",
    "--no-verify-ssl takes no value",
    "--no-sign-request takes no value",
    "--debug takes no value",
    "--version takes no value",
    "--help takes no value",
    ("unexpected argument after the JSON parameters (quote them as one "
     "argument)"),
    "missing SERVICE (awsc --help for usage)",
    "SERVICE is empty",
    "OPERATION is empty",
};

#define UNKNOWN_PREFIX "unknown option "
#define UNKNOWN_SUFFIX " (awsc --help lists the options)"

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

/* Whether `name` (n bytes) is how a message shows some argument's
 * option name: "-c" for "-c...", else the part before any '=' of a
 * "--..." argument, at most 40 bytes, in printable ASCII. */
static bool shows_option_name(const char *name, size_t n, char *const *argv,
                              int argc) {
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    if (arg[0] != '-' || arg[1] == '\0')
      continue;
    if (arg[1] != '-') {
      if (n == 2 && name[0] == '-' && name[1] == shown(arg[1]))
        return true;
      continue;
    }
    const char *eq = strchr(arg, '=');
    size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
    if (len > 40)
      len = 40;
    if (len != n)
      continue;
    size_t k = 0;
    while (k < n && shown(arg[k]) == name[k])
      k++;
    if (k == n)
      return true;
  }
  return false;
}

/* One printable line, and one of the known messages: the only thing of
 * the user's it may hold is an option's name. */
static void check_error(const cli_args *a, char *const *argv, int argc) {
  const char *m = a->message;
  size_t n = strlen(m);
  if (n == 0 || n >= sizeof(a->message))
    abort();
  for (size_t i = 0; i < n; i++)
    if (m[i] < ' ' || m[i] > '~')
      abort();
  for (size_t i = 0; i < sizeof(fixed_messages) / sizeof(fixed_messages[0]);
       i++)
    if (strcmp(m, fixed_messages[i]) == 0)
      return;
  size_t pre = strlen(UNKNOWN_PREFIX), suf = strlen(UNKNOWN_SUFFIX);
  if (n <= pre + suf || strncmp(m, UNKNOWN_PREFIX, pre) != 0 ||
      strcmp(m + n - suf, UNKNOWN_SUFFIX) != 0 ||
      !shows_option_name(m + pre, n - pre - suf, argv, argc))
    abort();
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
