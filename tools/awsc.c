/*
 * awsc - command-line client over libawsc's generic (JSON) door.
 *
 *   awsc [--endpoint-url URL] [--region R] [--profile P] [--no-verify-ssl]
 *        [--debug] SERVICE OPERATION [JSON-PARAMS]
 *   awsc SERVICE OPERATION --help
 *   awsc s3 generate_presigned_url '{"ClientMethod": "get_object",
 *        "Params": {...}, "ExpiresIn": 3600}'
 *
 * Prints the boto3-shaped JSON response (ResponseMetadata included). On
 * failure prints one line "error: CODE: message (RequestId: ...)" to
 * stderr and exits non-zero (1 service error, 2 usage, 3 other).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsc_s3_extras.h"
#include <awsc/awsc.h>

static void usage(FILE *f) {
  fprintf(f, "usage: awsc [--endpoint-url URL] [--region REGION] "
             "[--profile PROFILE]\n"
             "            [--no-verify-ssl] [--debug] SERVICE OPERATION "
             "[JSON-PARAMS]\n"
             "       awsc --version\n"
             "Operations are named as in boto3 (list_objects_v2) or the API "
             "(ListObjectsV2).\n");
}

static void log_stderr(awsc_log_level level, const char *msg, void *ud) {
  (void)ud;
  static const char *names[] = {"trace", "debug", "info", "warn", "error"};
  fprintf(stderr, "[%s] %s\n", level <= AWSC_LOG_ERROR ? names[level] : "?",
          msg);
}

static int fail(const awsc_error *err) {
  if (err->kind == AWSC_ERROR_SERVICE)
    fprintf(stderr, "error: %s: %s (HTTP %d, RequestId: %s)\n",
            err->service_code, err->message, err->http_status,
            err->request_id[0] ? err->request_id : "-");
  else
    fprintf(stderr, "error: %s: %s\n", awsc_error_kind_name(err->kind),
            err->message);
  return err->kind == AWSC_ERROR_SERVICE      ? 1
         : err->kind == AWSC_ERROR_VALIDATION ? 2
                                              : 3;
}

/* Minimal extraction of a top-level string / number / object member from
 * the presign parameters ({"ClientMethod":..., "Params":{...},
 * "ExpiresIn":N}); the JSON was produced by a person, so be strict. */
static char *json_member(const char *json, const char *key, int *is_obj) {
  char pat[64];
  snprintf(pat, sizeof(pat), "\"%s\"", key);
  const char *p = strstr(json, pat);
  if (!p)
    return NULL;
  p += strlen(pat);
  while (*p == ' ' || *p == '\t' || *p == '\n' || *p == ':')
    p++;
  const char *s = p, *e;
  *is_obj = 0;
  if (*p == '"') {
    s = ++p;
    while (*p && *p != '"')
      p += (*p == '\\' && p[1]) ? 2 : 1;
    e = p;
  } else if (*p == '{') {
    int depth = 0, instr = 0;
    *is_obj = 1;
    for (; *p; p++) {
      if (instr) {
        if (*p == '\\' && p[1])
          p++;
        else if (*p == '"')
          instr = 0;
      } else if (*p == '"') {
        instr = 1;
      } else if (*p == '{') {
        depth++;
      } else if (*p == '}' && --depth == 0) {
        p++;
        break;
      }
    }
    e = p;
  } else {
    while (*p && *p != ',' && *p != '}' && *p != ' ')
      p++;
    e = p;
  }
  char *out = malloc((size_t)(e - s) + 1);
  if (out) {
    memcpy(out, s, (size_t)(e - s));
    out[e - s] = '\0';
  }
  return out;
}

/* Print the model's description of a service or one operation. */
static int show_help(awsc_client *client, const char *service,
                     const char *operation) {
  awsc_error err = AWSC_ERROR_INIT;
  char *json = NULL;
  if (!operation) {
    if (awsc_client_list_operations(&json, client, &err) != 0)
      return fail(&err);
    printf("%s operations (awsc %s OPERATION --help for one):\n", service,
           service);
    for (const char *p = json; *p; p++) {
      if (*p == '"') {
        const char *e = strchr(p + 1, '"');
        printf("  %.*s\n", (int)(e - p - 1), p + 1);
        p = e;
      }
    }
    if (strcmp(service, "s3") == 0)
      printf("S3 extras: upload_file, download_file, copy, "
             "generate_presigned_url\n");
    awsc_mem_free(json);
    return 0;
  }
  if (awsc_client_describe_operation(&json, client, operation, &err) != 0)
    return fail(&err);
  printf("%s\n", json);
  awsc_mem_free(json);
  return 0;
}

int main(int argc, char **argv) {
  awsc_session_options so = AWSC_SESSION_OPTIONS_INIT;
  awsc_client_options co = AWSC_CLIENT_OPTIONS_INIT;
  int i = 1;
  for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--endpoint-url") == 0 && i + 1 < argc)
      co.endpoint_url = argv[++i];
    else if (strcmp(a, "--region") == 0 && i + 1 < argc)
      so.region = argv[++i];
    else if (strcmp(a, "--profile") == 0 && i + 1 < argc)
      so.profile = argv[++i];
    else if (strcmp(a, "--no-verify-ssl") == 0)
      so.verify_ssl = AWSC_TOGGLE_OFF;
    else if (strcmp(a, "--debug") == 0) {
      so.log_fn = log_stderr;
      so.log_level = AWSC_LOG_DEBUG;
    } else if (strcmp(a, "--version") == 0) {
      printf("awsc %s\n", awsc_version());
      return 0;
    } else if (strcmp(a, "--help") == 0) {
      usage(stdout);
      return 0;
    } else {
      usage(stderr);
      return 2;
    }
  }
  if (argc - i < 1) {
    usage(stderr);
    return 2;
  }
  const char *service = argv[i];
  const char *operation = argc - i > 1 ? argv[i + 1] : "--help";
  const char *params = argc - i > 2 ? argv[i + 2] : NULL;
  /* `awsc SERVICE --help` lists operations; `awsc SERVICE OP --help`
   * describes one (no credentials or region needed) */
  int help = strcmp(operation, "--help") == 0 ||
             (params && strcmp(params, "--help") == 0);
  if (help && !so.region)
    so.region = "us-east-1";

  awsc_error err = AWSC_ERROR_INIT;
  awsc_session *session = NULL;
  awsc_client *client = NULL;
  int status = 0;
  if (awsc_session_new(&session, &so, &err) != 0 ||
      awsc_client_new(&client, session, service, &co, &err) != 0) {
    status = fail(&err);
    goto done;
  }
  if (strcmp(service, "s3") == 0 && cli_s3_is_extra(operation)) {
    status = cli_s3_extras(client, operation, params);
    goto done;
  }
  if (help) {
    status = show_help(client, service,
                       strcmp(operation, "--help") == 0 ? NULL : operation);
    goto done;
  }
  char *out = NULL;
  if (strcmp(operation, "generate_presigned_url") == 0) {
    int obj = 0;
    char *method = params ? json_member(params, "ClientMethod", &obj) : NULL;
    char *p = params ? json_member(params, "Params", &obj) : NULL;
    char *exp = params ? json_member(params, "ExpiresIn", &obj) : NULL;
    if (!method) {
      fprintf(stderr, "error: generate_presigned_url needs "
                      "{\"ClientMethod\": ..., \"Params\": {...}}\n");
      status = 2;
    } else if (awsc_generate_presigned_url(&out, client, method, p ? p : "{}",
                                           exp ? atoll(exp) : 3600,
                                           &err) != 0) {
      status = fail(&err);
    } else {
      printf("%s\n", out);
      awsc_mem_free(out);
    }
    free(method);
    free(p);
    free(exp);
    goto done;
  }
  if (!awsc_client_has_operation(client, operation)) {
    fprintf(stderr, "error: %s has no operation %s\n", service, operation);
    status = 2;
    goto done;
  }
  if (awsc_call_json(&out, client, operation, params, &err) != 0) {
    status = fail(&err);
    goto done;
  }
  printf("%s\n", out);
  awsc_mem_free(out);
done:
  awsc_client_free(client);
  awsc_session_free(session);
  return status;
}
