/*
 * The awsc command line as data (tools/awsc_args.c): options before,
 * between and after the positionals, both value spellings, the last of a
 * repeated option, "--"; every usage error exits 2 with a message naming
 * the option (a missing value says so, never "invalid JSON") and echoing
 * no value; --help / --version exit 0.
 */
#include <stdarg.h>

#include "awsc_args.h"
#include "test.h"

/* Parse the NULL-terminated arguments after "awsc". */
static int parse(cli_args *a, ...) {
  char *argv[32];
  int argc = 0;
  argv[argc++] = (char *)"awsc";
  va_list ap;
  va_start(ap, a);
  const char *s;
  while ((s = va_arg(ap, const char *)) != NULL && argc < 31)
    argv[argc++] = (char *)s;
  va_end(ap);
  argv[argc] = NULL;
  return cli_args_parse(a, argc, argv);
}

static void test_run(void) {
  cli_args a;
  CHECK_INT(parse(&a, "--endpoint-url", "http://127.0.0.1:1", "--region",
                  "eu-west-1", "--profile", "p", "--no-verify-ssl", "--debug",
                  "s3", "get_object", "{\"Bucket\": \"b\"}", NULL),
            -1);
  CHECK_INT(a.action, CLI_RUN);
  CHECK_STR(a.endpoint_url, "http://127.0.0.1:1");
  CHECK_STR(a.region, "eu-west-1");
  CHECK_STR(a.profile, "p");
  CHECK(a.no_verify_ssl && a.debug);
  CHECK_STR(a.service, "s3");
  CHECK_STR(a.operation, "get_object");
  CHECK_STR(a.params, "{\"Bucket\": \"b\"}");
  /* options after and between the positionals, --opt=value, last wins */
  CHECK_INT(parse(&a, "s3", "--region=us-east-1", "list_objects_v2", "{}",
                  "--endpoint-url=http://h:1", "--region", "eu-north-1", NULL),
            -1);
  CHECK_INT(a.action, CLI_RUN);
  CHECK_STR(a.operation, "list_objects_v2");
  CHECK_STR(a.params, "{}");
  CHECK_STR(a.region, "eu-north-1");
  CHECK_STR(a.endpoint_url, "http://h:1");
  CHECK(!a.debug && !a.no_verify_ssl && !a.profile && !a.no_sign_request);
  /* the AWS CLI's anonymous flag, anywhere */
  CHECK_INT(parse(&a, "s3", "get_object", "--no-sign-request", "{}", NULL), -1);
  CHECK(a.no_sign_request);
  CHECK_STR(a.params, "{}");
  CHECK_INT(parse(&a, "--no-sign-request=1", "s3", "list_buckets", NULL),
            CLI_EXIT_USAGE);
  CHECK_STR(a.message, "--no-sign-request takes no value");
  /* "--opt=--x" spells the value out */
  CHECK_INT(parse(&a, "--profile=--odd", "s3", "list_buckets", NULL), -1);
  CHECK_STR(a.profile, "--odd");
  /* "--" ends the options */
  CHECK_INT(parse(&a, "--", "s3", "list_buckets", "{}", NULL), -1);
  CHECK_STR(a.params, "{}");
  /* "-" alone is a positional */
  CHECK_INT(parse(&a, "s3", "put_object", "-", NULL), -1);
  CHECK_STR(a.params, "-");
}

static void test_help_version(void) {
  cli_args a;
  CHECK_INT(parse(&a, "--help", NULL), 0);
  CHECK_INT(a.action, CLI_USAGE);
  CHECK_INT(parse(&a, "s3", "--version", NULL), 0);
  CHECK_INT(a.action, CLI_VERSION);
  CHECK_INT(parse(&a, "s3", "--help", NULL), -1);
  CHECK_INT(a.action, CLI_LIST_OPS);
  CHECK_INT(parse(&a, "sns", NULL), -1);
  CHECK_INT(a.action, CLI_LIST_OPS);
  CHECK_INT(parse(&a, "s3", "put_object", "--help", NULL), -1);
  CHECK_INT(a.action, CLI_DESCRIBE_OP);
  CHECK_STR(a.operation, "put_object");
  CHECK_INT(parse(&a, "--help", "s3", "upload_file", "{}", NULL), -1);
  CHECK_INT(a.action, CLI_DESCRIBE_OP);
}

/* exit 2, the words, one line */
static void usage_error(cli_args *a, int rc, const char *words) {
  CHECK_INT(rc, CLI_EXIT_USAGE);
  CHECK_INT(a->action, CLI_USAGE_ERROR);
  if (!strstr(a->message, words))
    fprintf(stderr, "message: %s\n", a->message);
  CHECK(strstr(a->message, words) != NULL);
  CHECK(strchr(a->message, '\n') == NULL);
  CHECK(strstr(a->message, "JSON near") == NULL);
}

static void test_missing_value(void) {
  cli_args a;
  const char *opts[] = {"--endpoint-url", "--region", "--profile"};
  char want[64], eq[64];
  for (size_t i = 0; i < 3; i++) {
    snprintf(want, sizeof(want), "%s needs a value", opts[i]);
    snprintf(eq, sizeof(eq), "%s=", opts[i]);
    /* last argument, before the service, after the operation */
    usage_error(&a, parse(&a, opts[i], NULL), want);
    usage_error(&a, parse(&a, "s3", "list_buckets", opts[i], NULL), want);
    usage_error(&a, parse(&a, opts[i], "--debug", "s3", "list_buckets", NULL),
                want);
    usage_error(&a, parse(&a, "s3", opts[i], "", "list_buckets", NULL), want);
    usage_error(&a, parse(&a, eq, "s3", "list_buckets", NULL), want);
  }
}

static void test_usage_errors(void) {
  cli_args a;
  usage_error(&a, parse(&a, "--endpoint", "http://h", "s3", NULL),
              "unknown option --endpoint");
  /* the value of an unknown option is not repeated */
  usage_error(&a, parse(&a, "--secret=wJalrXUtnFEMI", "s3", NULL),
              "unknown option --secret");
  CHECK(strstr(a.message, "wJalr") == NULL);
  usage_error(&a, parse(&a, "-h", NULL), "unknown option -h");
  usage_error(&a, parse(&a, "--debug=1", "s3", "list_buckets", NULL),
              "--debug takes no value");
  usage_error(&a, parse(&a, "s3", "put_object", "{}", "wJalrXUtnFEMI", NULL),
              "unexpected argument");
  CHECK(strstr(a.message, "wJalr") == NULL);
  usage_error(&a, parse(&a, NULL), "missing SERVICE");
  usage_error(&a, parse(&a, "--region", "us-east-1", NULL), "missing SERVICE");
  usage_error(&a, parse(&a, "", NULL), "SERVICE is empty");
  usage_error(&a, parse(&a, "s3", "", NULL), "OPERATION is empty");
  /* an error anywhere wins over --help and --version */
  usage_error(&a, parse(&a, "--version", "--bogus", NULL),
              "unknown option --bogus");
}

int main(void) {
  RUN(test_run);
  RUN(test_help_version);
  RUN(test_missing_value);
  RUN(test_usage_errors);
  return test_summary();
}
