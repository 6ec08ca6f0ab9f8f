/*
 * example.h - the few lines every example shares: a session and an S3
 * client configured the boto3 way (environment, ~/.aws/config and
 * ~/.aws/credentials: AWS_ENDPOINT_URL, AWS_REGION, AWS_PROFILE, keys...),
 * and printing an error.
 */
#ifndef AWSC_EXAMPLE_H
#define AWSC_EXAMPLE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <awsc/awsc.h>

static inline int example_fail(const char *what, const awsc_error *err) {
  if (err->kind == AWSC_ERROR_SERVICE)
    fprintf(stderr, "%s: %s (HTTP %d, RequestId %s)\n", what, err->message,
            err->http_status, err->request_id[0] ? err->request_id : "-");
  else
    fprintf(stderr, "%s: %s\n", what, err->message);
  return 1;
}

/* A session and a client of `service` from the standard configuration.
 * Returns 0 or prints the error and returns 1. */
static inline int example_client(const char *service, awsc_session **session,
                                 awsc_client **client) {
  awsc_error err = AWSC_ERROR_INIT;
  *session = NULL;
  *client = NULL;
  if (awsc_session_new(session, NULL, &err) != 0)
    return example_fail("session", &err);
  awsc_client_options co = AWSC_CLIENT_OPTIONS_INIT;
  /* Servers without trailing-checksum support (Ceph RGW) get plain
   * signed payloads: set AWSC_NO_CHECKSUM_TRAILERS=1. */
  const char *nt = getenv("AWSC_NO_CHECKSUM_TRAILERS");
  if (nt && strcmp(nt, "1") == 0)
    co.checksum_trailers = AWSC_CHECKSUM_TRAILERS_NEVER;
  if (awsc_client_new(client, *session, service, &co, &err) != 0) {
    awsc_session_free(*session);
    *session = NULL;
    return example_fail("client", &err);
  }
  return 0;
}

static inline void example_cleanup(awsc_session *session, awsc_client *client) {
  awsc_client_free(client);
  awsc_session_free(session);
}

#endif
