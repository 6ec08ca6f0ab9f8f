/*
 * awsc/presign.h - presigned URLs with the parameters as the generated
 * request struct of the operation (boto3's generate_presigned_url with
 * typed Params). awsc_generate_presigned_url (awsc/client.h) is the same
 * with the parameters as JSON, and awsc_generate_presigned_url_json the
 * whole boto3 call as one JSON object, for bindings and the CLI; all sign
 * the same request and give the same URL for the same parameters.
 */
#ifndef AWSC_PRESIGN_H
#define AWSC_PRESIGN_H

#include <stdint.h>

#include "awsc/client.h"
#include "awsc/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* How to presign. Zero means the default given in brackets. */
typedef struct awsc_presign_options {
  /* AWSC_PRESIGN_OPTIONS_VERSION of the header compiled against;
   * 1..that of the library is accepted, anything else is AWSC_EINVAL. */
  int version;
  /* Lifetime of the URL in seconds [0 = 3600, as boto3's ExpiresIn].
   * Negatives and values beyond 604800 (7 days, SigV4's limit) are signed
   * as botocore signs them, and the service refuses the URL when used. */
  int64_t expires_in;
} awsc_presign_options;

#define AWSC_PRESIGN_OPTIONS_VERSION 1
#define AWSC_PRESIGN_OPTIONS_INIT                                              \
  { AWSC_PRESIGN_OPTIONS_VERSION, 3600 }

/*
 * A URL with which anyone can call `operation` (as in the model,
 * "GetObject", or as in boto3, "get_object") of the client's service with
 * the parameters in `input` until it expires. `input` points to that
 * operation's generated request struct (e.g. a
 * `struct awsc_s3_GetObjectRequest` for "get_object"), zeroed and then
 * filled as for the typed call; it is only read during the call. NULL
 * means no parameters. options NULL = defaults. Headers the parameters
 * produce (e.g. ContentType) are signed and must be sent with the URL.
 * The URL is signed with the credentials the client has now (temporary
 * credentials end the URL's life when they expire). *url_out: free with
 * awsc_mem_free; NULL on failure.
 * Errors: AWSC_EINVAL (NULL argument, bad options version),
 * AWSC_ENOTFOUND (no such operation), AWSC_EVALIDATION (missing required
 * member), AWSC_EUNSUPPORTED (a client made from
 * a model file: its structs have no C layout; use the JSON form),
 * AWSC_ECREDENTIALS.
 */
AWSC_API int awsc_generate_presigned_url_typed(
    char **url_out, awsc_client *client, const char *operation,
    const void *input, const awsc_presign_options *options, awsc_error *err);

/*
 * boto3's generate_presigned_url call as one JSON object (the CLI's door):
 *   {"ClientMethod": "get_object", "Params": {"Bucket": "b", "Key": "k"},
 *    "ExpiresIn": 600}
 * ClientMethod (required) names the operation as the model or boto3
 * does; Params (absent or null: no parameters) are validated as for the
 * call; ExpiresIn (absent or null: 3600) must be an integer: fractions
 * (1.5, 1e3) and strings are refused. 0, negatives and values beyond
 * 604800 (7 days) are signed as botocore signs them and the service
 * refuses the URL when used. Of duplicate members the last counts (as
 * Python's json); any other member is refused. *url_out: free with
 * awsc_mem_free; NULL on failure.
 * Errors: AWSC_EINVAL (NULL argument), AWSC_EPARSE (call_json is not
 * JSON; kind AWSC_ERROR_PARSE with http_status 0), AWSC_EVALIDATION (a
 * member missing, unknown or invalid; the message names it),
 * AWSC_ENOTFOUND (no such operation), AWSC_ECREDENTIALS.
 */
AWSC_API int awsc_generate_presigned_url_json(char **url_out,
                                              awsc_client *client,
                                              const char *call_json,
                                              awsc_error *err);

/*
 * boto3's S3 generate_presigned_post: what an HTML form (or curl -F) needs
 * to upload one object with a POST, without credentials, until it
 * expires. *json_out is {"url": "...", "fields": {"name": "value", ...}}:
 * post to the URL a multipart/form-data body with every field, then the
 * file as the last part ("file"). As botocore (SigV4):
 *   - fields: the caller's `fields_json` (NULL or a JSON object of
 *     strings, e.g. {"acl": "public-read", "Content-Type": "text/html"}),
 *     then "key", "x-amz-algorithm", "x-amz-credential", "x-amz-date",
 *     "x-amz-security-token" (temporary credentials), "policy" (base64 of
 *     the policy document) and "x-amz-signature";
 *   - the policy's conditions: the caller's `conditions_json` (NULL or a
 *     JSON array: {"acl": "public-read"}, ["starts-with", "$key", "u/"],
 *     ["content-length-range", 1, 1048576]), then {"bucket": bucket},
 *     then {"key": key}, or, for a key ending in "${filename}",
 *     ["starts-with", "$key", the key before it] (the server puts the
 *     uploaded file's name there), then the signature's own fields.
 *     A field the caller gives is not made a condition by itself, nor a
 *     condition a field (as in botocore): give both.
 * expires_in in seconds: 0 = 3600; any other value is signed as given,
 * negatives too (the policy has expired: the server refuses the upload),
 * as long as the expiration falls within the years 1970..9999. The URL
 * addresses the bucket as the client does (virtual-hosted, or path-style
 * for a custom endpoint) on the region's host, as awsc's presigned URLs
 * (botocore uses the global s3.amazonaws.com for virtual-hosted buckets;
 * the fields and signature are the same). An unsigned client (sign_requests
 * OFF) gives the fields without policy and signature, as botocore's UNSIGNED.
 * *json_out: free with awsc_mem_free; NULL on failure.
 * Errors: AWSC_EINVAL (NULL argument), AWSC_EPARSE (fields_json or
 * conditions_json not JSON), AWSC_EVALIDATION (not an object of strings /
 * a list of objects and lists, expiry out of range), AWSC_EUNSUPPORTED (not
 * an S3 client), AWSC_ECREDENTIALS.
 */
AWSC_API int awsc_s3_generate_presigned_post(
    char **json_out, awsc_client *client, const char *bucket, const char *key,
    const char *fields_json, const char *conditions_json, int64_t expires_in,
    awsc_error *err);

/*
 * The same as one JSON object, boto3's call (the CLI's and bindings'
 * door):
 *   {"Bucket": "b", "Key": "u/${filename}", "Fields": {...},
 *    "Conditions": [...], "ExpiresIn": 600}
 * Bucket and Key required strings; Fields, Conditions, ExpiresIn (an
 * integer) optional, null = absent; any other member is refused
 * (AWSC_EVALIDATION naming it). Result and errors as
 * awsc_s3_generate_presigned_post.
 */
AWSC_API int awsc_generate_presigned_post_json(char **json_out,
                                               awsc_client *client,
                                               const char *call_json,
                                               awsc_error *err);

#ifdef __cplusplus
}
#endif

#endif
