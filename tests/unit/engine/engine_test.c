/*
 * tests/unit/engine/engine_test.c - see engine_test.h.
 */
#include <stdio.h>
#include <time.h>

#include "engine_test.h"

es_server *srv;

static const char *env_none(const char *name, void *ud) {
  (void)name;
  (void)ud;
  return NULL;
}

awsc_session *et_session(int max_attempts) {
  awsc_session_options so = AWSC_SESSION_OPTIONS_INIT;
  so.access_key_id = "AKIDEXAMPLE";
  so.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  so.region = "us-east-1";
  so.getenv_fn = env_none;
  so.retry_mode = AWSC_RETRY_STANDARD;
  so.max_attempts = max_attempts;
  so.read_timeout_ms = 10000;
  so.addressing_style = AWSC_S3_ADDRESSING_PATH;
  so.endpoint_url = es_url(srv);
  awsc_error err = AWSC_ERROR_INIT;
  awsc_session *s = NULL;
  if (awsc_session_new(&s, &so, &err) != 0)
    fprintf(stderr, "session: %s\n", err.message);
  return s;
}

awsc_client *et_client(awsc_session *s) {
  awsc_error err = AWSC_ERROR_INIT;
  awsc_client *c = NULL;
  if (s && awsc_client_new(&c, s, "s3", NULL, &err) != 0)
    fprintf(stderr, "client: %s\n", err.message);
  return c;
}

double et_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
