/*
 * awsc - command-line client over libawsc's generic (JSON) door.
 *
 *   awsc [OPTIONS] SERVICE OPERATION [JSON-PARAMS]
 *   awsc SERVICE [OPERATION] --help
 *   awsc s3 generate_presigned_url '{"ClientMethod": "get_object",
 *        "Params": {...}, "ExpiresIn": 3600}'
 *   awsc s3 generate_presigned_post '{"Bucket": "b", "Key": "k", ...}'
 *
 * Prints the boto3-shaped JSON response (ResponseMetadata included). On
 * failure prints one line "error: ..." to stderr and exits 1 (service
 * error), 2 (invalid user input) or 3 (anything else). Every JSON text is
 * read by the library's one JSON reader; the command line itself by
 * awsc_args.c.
 */
#include <stdio.h>
#include <string.h>

#include "awsc_args.h"
#include "awsc_cli.h"
#include "awsc_s3_extras.h"
#include "awsc_signals.h"
#include <awsc/awsc.h>

static void usage(FILE *f) {
  fprintf(f, "usage: awsc [--endpoint-url URL] [--region REGION] "
             "[--profile PROFILE]\n"
             "            [--no-verify-ssl] [--no-sign-request] [--debug] "
             "[--no-progress]\n"
             "            SERVICE"
             "            OPERATION [JSON-PARAMS]\n"
             "       awsc SERVICE [OPERATION] --help\n"
             "       awsc --version\n"
             "Operations are named as in boto3 (list_objects_v2) or the API "
             "(ListObjectsV2);\n"
             "JSON-PARAMS is one argument holding a JSON object. Options may "
             "also follow\n"
             "the operation; --opt=value works too. Transfers (s3 upload_file, "
             "download_file,\n"
             "copy) draw a progress bar on stderr when it is a terminal; "
             "--no-progress: none.\n"
             "Exit status: 0 success, 1 the service answered with an error,\n"
             "  2 invalid input (unknown option, missing option value, "
             "malformed JSON,\n"
             "  parameters the operation refuses), 3 anything else (network, "
             "credentials,\n"
             "  configuration, local files, a damaged answer). Interrupted by "
             "a signal\n"
             "  (SIGINT, SIGTERM, SIGHUP), a transfer removes its temporary "
             "file and ends\n"
             "  by that signal.\n");
}

static void log_stderr(awsc_log_level level, const char *msg, void *ud) {
  (void)ud;
  static const char *names[] = {"trace", "debug", "info", "warn", "error"};
  fprintf(stderr, "[%s] %s\n", level <= AWSC_LOG_ERROR ? names[level] : "?",
          msg);
}

int cli_exit_status(awsc_session *session, const awsc_error *err) {
  if (err->kind == AWSC_ERROR_SERVICE)
    return CLI_EXIT_SERVICE;
  if (err->kind == AWSC_ERROR_VALIDATION)
    return CLI_EXIT_USAGE;
  if (err->kind != AWSC_ERROR_PARSE || err->http_status != 0)
    return CLI_EXIT_OTHER;
  /* A parse failure before anything went over the wire: the only JSON
   * read then is the user's (answers, damaged or not, come over the
   * transport, credential documents included). */
  awsc_transport_stats st;
  awsc_transport *tp = session ? awsc_session_transport(session) : NULL;
  if (tp && awsc_transport_curl_stats(&st, tp) == 0 &&
      (st.requests || st.connections_opened))
    return CLI_EXIT_OTHER;
  return CLI_EXIT_USAGE;
}

int cli_fail(awsc_session *session, const awsc_error *err) {
  if (err->kind == AWSC_ERROR_SERVICE)
    fprintf(stderr, "error: %s: %s (HTTP %d, RequestId: %s)\n",
            err->service_code[0] ? err->service_code : "-", err->message,
            err->http_status, err->request_id[0] ? err->request_id : "-");
  else
    fprintf(stderr, "error: %s: %s\n", awsc_error_kind_name(err->kind),
            err->message);
  return cli_exit_status(session, err);
}

/* The operations of the service, one per line. The list is the library's
 * JSON array of boto3 names, printed item by item (identifiers: no
 * escapes to decode). */
static int list_operations(awsc_session *s, awsc_client *client,
                           const char *service) {
  awsc_error err = AWSC_ERROR_INIT;
  char *json = NULL;
  if (awsc_client_list_operations(&json, client, &err) != 0)
    return cli_fail(s, &err);
  printf("%s operations (awsc %s OPERATION --help for one):\n", service,
         service);
  for (const char *p = strchr(json, '"'); p; p = strchr(p, '"')) {
    const char *e = strchr(p + 1, '"');
    if (!e)
      break;
    printf("  %.*s\n", (int)(e - p - 1), p + 1);
    p = e + 1;
  }
  printf("Also: generate_presigned_url");
  if (strcmp(service, "s3") == 0)
    printf(", generate_presigned_post, upload_file, download_file, copy");
  printf("\n");
  awsc_mem_free(json);
  return 0;
}

static int describe_operation(awsc_session *s, awsc_client *client,
                              const char *operation) {
  if (strcmp(operation, "generate_presigned_url") == 0) {
    printf("usage: awsc SERVICE generate_presigned_url '{\"ClientMethod\": "
           "OPERATION,\n"
           "         \"Params\": {...}, \"ExpiresIn\": SECONDS}'\n"
           "ExpiresIn: a positive integer [3600]; beyond 604800 (7 days) "
           "the URL is signed\n"
           "but the service refuses it.\n");
    return 0;
  }
  if (strcmp(operation, "generate_presigned_post") == 0) {
    printf("usage: awsc s3 generate_presigned_post '{\"Bucket\": BUCKET, "
           "\"Key\": KEY,\n"
           "         \"Fields\": {...}, \"Conditions\": [...], "
           "\"ExpiresIn\": SECONDS}'\n"
           "Prints {\"url\", \"fields\"} for an HTML-form POST upload; a "
           "Key ending in\n"
           "${filename} takes the uploaded file's name.\n");
    return 0;
  }
  awsc_error err = AWSC_ERROR_INIT;
  char *json = NULL;
  if (awsc_client_describe_operation(&json, client, operation, &err) != 0)
    return cli_fail(s, &err);
  printf("%s\n", json);
  awsc_mem_free(json);
  return 0;
}

/* OPERATION with JSON-PARAMS: a presigned URL or a call. */
static int run(awsc_session *s, awsc_client *client, const cli_args *a) {
  awsc_error err = AWSC_ERROR_INIT;
  char *out = NULL;
  int rc;
  if (strcmp(a->operation, "generate_presigned_url") == 0) {
    rc = awsc_generate_presigned_url_json(&out, client,
                                          a->params ? a->params : "{}", &err);
  } else if (strcmp(a->operation, "generate_presigned_post") == 0) {
    rc = awsc_generate_presigned_post_json(&out, client,
                                           a->params ? a->params : "{}", &err);
  } else if (!awsc_client_has_operation(client, a->operation)) {
    fprintf(stderr, "error: validation: %s has no operation %.100s\n",
            a->service, a->operation);
    return CLI_EXIT_USAGE;
  } else {
    rc = awsc_call_json(&out, client, a->operation, a->params, &err);
  }
  if (rc != 0)
    return cli_fail(s, &err);
  printf("%s\n", out);
  awsc_mem_free(out);
  return CLI_EXIT_OK;
}

int main(int argc, char **argv) {
  cli_args a;
  int status = cli_args_parse(&a, argc, argv);
  switch (a.action) {
  case CLI_USAGE_ERROR:
    fprintf(stderr, "error: usage: %s\n", a.message);
    return status;
  case CLI_VERSION:
    printf("awsc %s\n", awsc_version());
    return CLI_EXIT_OK;
  case CLI_USAGE:
    usage(stdout);
    return CLI_EXIT_OK;
  default:
    break;
  }
  awsc_session_options so = AWSC_SESSION_OPTIONS_INIT;
  awsc_client_options co = AWSC_CLIENT_OPTIONS_INIT;
  co.endpoint_url = a.endpoint_url;
  so.region = a.region;
  so.profile = a.profile;
  if (a.no_verify_ssl)
    so.verify_ssl = AWSC_TOGGLE_OFF;
  /* the AWS CLI's flag: no credentials looked up, nothing signed */
  if (a.no_sign_request)
    co.sign_requests = AWSC_TOGGLE_OFF;
  if (a.debug) {
    so.log_fn = log_stderr;
    so.log_level = AWSC_LOG_DEBUG;
  }
  /* help needs no credentials or region */
  if (a.action != CLI_RUN && !so.region)
    so.region = "us-east-1";
  bool transfer = a.action == CLI_RUN && strcmp(a.service, "s3") == 0 &&
                  cli_s3_is_extra(a.operation);
  /* before the session: every thread made later inherits the mask */
  if (transfer && cli_signals_begin() != 0)
    fprintf(stderr, "warning: cannot watch for signals: an interrupted "
                    "transfer may leave its temporary file\n");

  awsc_error err = AWSC_ERROR_INIT;
  awsc_session *session = NULL;
  awsc_client *client = NULL;
  if (awsc_session_new(&session, &so, &err) != 0 ||
      awsc_client_new(&client, session, a.service, &co, &err) != 0)
    status = cli_fail(session, &err);
  else if (a.action == CLI_LIST_OPS)
    status = list_operations(session, client, a.service);
  else if (a.action == CLI_DESCRIBE_OP && strcmp(a.service, "s3") == 0 &&
           cli_s3_is_extra(a.operation))
    status = cli_s3_extras_help(a.operation);
  else if (a.action == CLI_DESCRIBE_OP)
    status = describe_operation(session, client, a.operation);
  else if (transfer)
    status =
        cli_s3_extras(session, client, a.operation, a.params, !a.no_progress);
  else
    status = run(session, client, &a);
  if (transfer)
    cli_signals_end();
  awsc_client_free(client);
  awsc_session_free(session);
  return status;
}
