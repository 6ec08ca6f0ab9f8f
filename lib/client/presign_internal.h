/*
 * lib/client/presign_internal.h - internal: the one presign path both
 * public forms (JSON parameters in presign.c, a generated request struct
 * in presign_typed.c) end in once their input is a value.
 */
#ifndef AWSC_CLIENT_PRESIGN_INTERNAL_H
#define AWSC_CLIENT_PRESIGN_INTERNAL_H

#include <stdint.h>

#include "awsc/client.h"
#include "core/core.h"
#include "runtime/descriptor.h"
#include "runtime/value.h"

/*
 * *url_out (awsc_mem_free) signed for `op` of the client's service with
 * `input` (NULL when the operation has none; lives in `a`, which the
 * request is built in too). expires_in is signed as given, 0, negatives
 * and beyond SigV4's 604800 too, as botocore signs it (the public forms
 * turn their "default" into 3600 first).
 */
int awsc_presign_value(char **url_out, awsc_client *c, const awsc_operation *op,
                       const awsc_value *input, awsc_arena *a,
                       int64_t expires_in, awsc_error *err);

/* awsc_s3_generate_presigned_post and awsc_generate_presigned_post_json
 * at a given time (ms since the epoch): the tests' fixed clock. */
int awsc_presign_post_at(char **json_out, awsc_client *c, const char *bucket,
                         const char *key, const char *fields_json,
                         const char *conditions_json, int64_t expires_in,
                         int64_t now_ms, awsc_error *err);
int awsc_presign_post_json_at(char **json_out, awsc_client *c,
                              const char *call_json, int64_t now_ms,
                              awsc_error *err);

#endif
