/*
 * tests/e2e/sns_util.h - what the SNS, SQS and STS end-to-end programs
 * share: sessions and clients on the local servers with the test keys,
 * sealed from the machine's environment and ~/.aws, and a plain GET.
 */
#ifndef AWSC_E2E_SNS_UTIL_H
#define AWSC_E2E_SNS_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "awsc/awsc.h"
#include "e2e.h"
#include "test.h"

static inline const char *e2e_env(const char *name) {
  const char *e = getenv(name);
  return (e && *e) ? e : NULL;
}

/* No environment at all: only what the test sets in the options. */
static inline const char *e2e_no_env(const char *name, void *user_data) {
  (void)name;
  (void)user_data;
  return NULL;
}

/* A session with explicit keys (ak NULL: the test user 1) and options. */
static inline awsc_session *e2e_session_ex(const char *ak, const char *sk,
                                           const char *token,
                                           long read_timeout_ms) {
  awsc_session_options so = AWSC_SESSION_OPTIONS_INIT;
  so.access_key_id = ak ? ak : E2E_AK1;
  so.secret_access_key = sk ? sk : E2E_SK1;
  so.session_token = token;
  so.region = "us-east-1";
  so.config_file = "/nonexistent/awsc-e2e-config";
  so.credentials_file = "/nonexistent/awsc-e2e-credentials";
  so.getenv_fn = e2e_no_env;
  so.read_timeout_ms = read_timeout_ms;
  awsc_session *s = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  if (awsc_session_new(&s, &so, &err) != 0)
    fprintf(stderr, "session: %s\n", err.message);
  return s;
}

/* A client of `service` at `endpoint` on such a session (the client holds
 * the session). NULL + message on failure. */
static inline awsc_client *
e2e_client_ex(const char *service, const char *endpoint, awsc_session *s) {
  if (!s)
    return NULL;
  awsc_client_options co = AWSC_CLIENT_OPTIONS_INIT;
  co.endpoint_url = endpoint;
  co.checksum_trailers = AWSC_CHECKSUM_TRAILERS_NEVER;
  awsc_client *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  if (awsc_client_new(&c, s, service, &co, &err) != 0)
    fprintf(stderr, "client %s: %s\n", service, err.message);
  awsc_session_free(s);
  return c;
}

static inline awsc_client *e2e_client(const char *service,
                                      const char *endpoint) {
  return e2e_client_ex(service, endpoint, e2e_session_ex(NULL, NULL, NULL, 0));
}

/* GET url with the library's transport; the body (malloc'd, caller
 * frees) or NULL. */
static inline char *e2e_http_get(const char *url) {
  awsc_transport *t = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  if (awsc_transport_curl_new(&t, NULL, &err) != 0)
    return NULL;
  awsc_http_request req;
  memset(&req, 0, sizeof(req));
  req.method = "GET";
  req.url = url;
  awsc_http_response resp;
  memset(&resp, 0, sizeof(resp));
  char *body = NULL;
  if (awsc_transport_send(t, &req, &resp, &err) == 0 && resp.status == 200)
    body = strdup(resp.body ? resp.body : "");
  awsc_http_response_cleanup(&resp);
  awsc_transport_free(t);
  return body;
}

/* A per-run name suffix so reruns against a long-lived server do not
 * collide. */
static inline const char *e2e_run_id(void) {
  static char id[32];
  if (!id[0])
    snprintf(id, sizeof(id), "%ld-%ld", (long)getpid() % 100000,
             (long)(time(NULL) % 100000));
  return id;
}

#endif
