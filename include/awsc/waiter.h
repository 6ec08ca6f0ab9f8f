/*
 * awsc/waiter.h - waiters: botocore's Waiter.wait().
 *
 * A waiter polls an operation (HeadBucket for BucketExists, ...) until one
 * of the model's acceptors (waiters-2.json) says success or failure, or the
 * attempts run out. Acceptors match the HTTP status, the service error
 * code (or "any error" / "no error"), or a JMESPath expression over the
 * output (path, pathAll, pathAny), exactly as botocore matches them.
 *
 *   awsc_waiter_config wc = AWSC_WAITER_CONFIG_INIT;
 *   rc = awsc_client_wait(s3, "bucket_exists", "{\"Bucket\":\"b\"}", &wc,
 *                         &err);
 *   // rc == AWSC_ETIMEOUT: err.message is
 *   // "Waiter BucketExists failed: Max attempts exceeded. ..."
 */
#ifndef AWSC_WAITER_H
#define AWSC_WAITER_H

#include "awsc/client.h"
#include "awsc/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* boto3's WaiterConfig. Zero means "as the model says". */
typedef struct awsc_waiter_config {
  int version;      /* AWSC_WAITER_CONFIG_VERSION, else AWSC_EINVAL */
  int delay_s;      /* Delay: seconds between attempts; 0 = the model's */
  int max_attempts; /* MaxAttempts: 0 = the model's */
} awsc_waiter_config;

#define AWSC_WAITER_CONFIG_VERSION 1
#define AWSC_WAITER_CONFIG_INIT                                                \
  { AWSC_WAITER_CONFIG_VERSION, 0, 0 }

/* Whether the client's model has this waiter ("bucket_exists" or
 * "BucketExists"): 1 or 0. */
AWSC_API int awsc_client_has_waiter(const awsc_client *client,
                                    const char *waiter);

/*
 * Wait: call the waiter's operation with `input_json` (boto3-shaped, NULL
 * or "" = {}) until an acceptor reaches a final state, sleeping delay_s
 * between attempts. `config` may be NULL. Returns 0 when a success
 * acceptor matched.
 * Errors (err->message always starts "Waiter NAME failed: "):
 *   AWSC_ETIMEOUT  "Max attempts exceeded" (plus "Previously accepted
 *                  state: ..." when an acceptor had matched, as botocore);
 *   AWSC_ESERVICE  a failure acceptor matched ("Waiter encountered a
 *                  terminal failure state: ..."), or the service answered
 *                  an error no acceptor expects ("An error occurred (CODE):
 *                  MESSAGE"); err->service_code and err->http_status are
 *                  those of the last response when it was an error;
 *   AWSC_ENOTFOUND no such waiter; AWSC_EVALIDATION bad parameters (nothing
 *                  sent); AWSC_EINVAL bad config or an acceptor the library
 *                  can not evaluate; any non-service error of the call
 *                  itself (AWSC_ENETWORK, AWSC_ECREDENTIALS...), returned as
 *                  is, at once.
 */
AWSC_API int awsc_client_wait(awsc_client *client, const char *waiter,
                              const char *input_json,
                              const awsc_waiter_config *config,
                              awsc_error *err);

#ifdef __cplusplus
}
#endif

#endif
