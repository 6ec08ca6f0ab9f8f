/*
 * tools/awsc_args.c - the awsc command line as data (see awsc_args.h).
 *
 * As the AWS CLI (argparse): options anywhere, "--opt value" or
 * "--opt=value", a following "--..." is never taken as a value, the last
 * of a repeated option counts, "--" ends the options. Messages name the
 * option but never echo a value: a misplaced argument may be a secret.
 */
#include "awsc_args.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef enum opt_kind { OPT_VALUE, OPT_FLAG } opt_kind;

typedef struct opt {
  const char *name;
  opt_kind kind;
  const char *meta; /* OPT_VALUE: what the value is, for the message */
} opt;

enum {
  O_ENDPOINT,
  O_REGION,
  O_PROFILE,
  O_NO_VERIFY_SSL,
  O_NO_SIGN_REQUEST,
  O_DEBUG,
  O_NO_PROGRESS,
  O_VERSION,
  O_HELP,
  O_COUNT
};

static const opt options[O_COUNT] = {
    [O_ENDPOINT] = {"--endpoint-url", OPT_VALUE, "URL"},
    [O_REGION] = {"--region", OPT_VALUE, "REGION"},
    [O_PROFILE] = {"--profile", OPT_VALUE, "PROFILE"},
    [O_NO_VERIFY_SSL] = {"--no-verify-ssl", OPT_FLAG, NULL},
    [O_NO_SIGN_REQUEST] = {"--no-sign-request", OPT_FLAG, NULL},
    [O_DEBUG] = {"--debug", OPT_FLAG, NULL},
    [O_NO_PROGRESS] = {"--no-progress", OPT_FLAG, NULL},
    [O_VERSION] = {"--version", OPT_FLAG, NULL},
    [O_HELP] = {"--help", OPT_FLAG, NULL},
};

static int usage_error(cli_args *out, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(out->message, sizeof(out->message), fmt, ap);
  va_end(ap);
  out->action = CLI_USAGE_ERROR;
  return CLI_EXIT_USAGE;
}

/* The option `arg` names (up to '='), or O_COUNT. */
static int find_option(const char *arg, size_t name_len) {
  for (int i = 0; i < O_COUNT; i++)
    if (strlen(options[i].name) == name_len &&
        memcmp(options[i].name, arg, name_len) == 0)
      return i;
  return O_COUNT;
}

/* An argument that is not a value: absent, empty or an option itself. */
static bool missing_value(const char *v) {
  return !v || !*v || strncmp(v, "--", 2) == 0;
}

/* One option at argv[*i]; advances *i past a separate value. Returns 0 or
 * the usage error's exit status. */
static int take_option(cli_args *out, int argc, char *const *argv, int *i,
                       bool *seen) {
  const char *arg = argv[*i];
  const char *eq = strchr(arg, '=');
  size_t name_len = eq ? (size_t)(eq - arg) : strlen(arg);
  int o = find_option(arg, name_len);
  if (o == O_COUNT) {
    /* shown as printable ASCII: no control or escape sequence reaches the
     * terminal */
    char shown[41];
    size_t n = name_len < 40 ? name_len : 40;
    for (size_t k = 0; k < n; k++)
      shown[k] = arg[k] >= ' ' && arg[k] <= '~' ? arg[k] : '?';
    shown[n] = '\0';
    return usage_error(out, "unknown option %s (awsc --help lists the options)",
                       shown);
  }
  if (options[o].kind == OPT_FLAG) {
    if (eq)
      return usage_error(out, "%s takes no value", options[o].name);
    seen[o] = true;
    return 0;
  }
  const char *value = eq ? eq + 1 : (*i + 1 < argc ? argv[*i + 1] : NULL);
  /* "--region=--x" is a value, spelled out; "--region --x" is not */
  if (eq ? !*value : missing_value(value))
    return usage_error(out, "%s needs a value (%s %s)", options[o].name,
                       options[o].name, options[o].meta);
  if (!eq)
    (*i)++;
  seen[o] = true;
  if (o == O_ENDPOINT)
    out->endpoint_url = value;
  else if (o == O_REGION)
    out->region = value;
  else
    out->profile = value;
  return 0;
}

int cli_args_parse(cli_args *out, int argc, char *const *argv) {
  memset(out, 0, sizeof(*out));
  bool seen[O_COUNT] = {false};
  const char *pos[3] = {NULL, NULL, NULL};
  int npos = 0;
  bool options_end = false;
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    if (!arg)
      break;
    if (!options_end && strcmp(arg, "--") == 0) {
      options_end = true;
    } else if (!options_end && arg[0] == '-' && arg[1] != '\0') {
      /* "-x": no short options; an option, so not a positional */
      if (arg[1] != '-')
        return usage_error(out,
                           "unknown option -%c (awsc --help lists the "
                           "options)",
                           arg[1] >= ' ' && arg[1] <= '~' ? arg[1] : '?');
      int rc = take_option(out, argc, argv, &i, seen);
      if (rc)
        return rc;
    } else if (npos < 3) {
      pos[npos++] = arg;
    } else {
      return usage_error(out, "unexpected argument after the JSON "
                              "parameters (quote them as one argument)");
    }
  }
  out->no_verify_ssl = seen[O_NO_VERIFY_SSL];
  out->no_sign_request = seen[O_NO_SIGN_REQUEST];
  out->debug = seen[O_DEBUG];
  out->no_progress = seen[O_NO_PROGRESS];
  out->service = pos[0];
  out->operation = pos[1];
  out->params = pos[2];
  if (seen[O_VERSION]) {
    out->action = CLI_VERSION;
    return CLI_EXIT_OK;
  }
  if (!out->service) {
    if (seen[O_HELP]) {
      out->action = CLI_USAGE;
      return CLI_EXIT_OK;
    }
    return usage_error(out, "missing SERVICE (awsc --help for usage)");
  }
  if (!*out->service)
    return usage_error(out, "SERVICE is empty");
  if (out->operation && !*out->operation)
    return usage_error(out, "OPERATION is empty");
  if (!out->operation) {
    out->action = CLI_LIST_OPS;
  } else if (seen[O_HELP]) {
    out->action = CLI_DESCRIBE_OP;
  } else {
    out->action = CLI_RUN;
  }
  return -1;
}
