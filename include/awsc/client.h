/*
 * awsc/client.h - service clients and the generic (JSON) call.
 *
 * A client binds a session (credentials, region, settings) to one service
 * model. Every operation of the model can be called through the typed
 * functions of the generated headers (awsc/s3.h, ...) or, with the same
 * engine underneath, through awsc_call_json with boto3-shaped JSON.
 * A client is reference counted and may be used from many threads at once.
 */
#ifndef AWSC_CLIENT_H
#define AWSC_CLIENT_H

#include "awsc/body.h"
#include "awsc/common.h"
#include "awsc/session.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct awsc_client awsc_client;

/*
 * boto3's ResponseMetadata. Strings and the header array are borrowed from
 * the output they come with and live as long as it does.
 */
typedef struct awsc_response_metadata {
  const char *request_id; /* "" when the service sent none */
  const char *host_id;    /* x-amz-id-2, "" when absent */
  int http_status;
  const awsc_http_header *headers; /* lower-case names, arrival order */
  size_t header_count;
  int retry_attempts;
} awsc_response_metadata;

/* S3, streamed uploads (file or callback bodies) of operations with a
 * flexible checksum: whether the checksum goes in an aws-chunked trailer
 * (STREAMING-UNSIGNED-PAYLOAD-TRAILER), as the AWS SDKs do. Bodies in
 * memory always carry the checksum in a header. */
typedef enum awsc_checksum_trailers {
  AWSC_CHECKSUM_TRAILERS_DEFAULT = 0, /* = AWSC_CHECKSUM_TRAILERS_TLS */
  AWSC_CHECKSUM_TRAILERS_TLS = 1,     /* trailer over TLS only */
  /* never (servers without trailer support, e.g. Ceph RGW: the body then
   * goes unsigned without a checksum) */
  AWSC_CHECKSUM_TRAILERS_NEVER = -1,
  AWSC_CHECKSUM_TRAILERS_ALSO_HTTP = 2 /* over plain HTTP too (test servers) */
} awsc_checksum_trailers;

/* Client settings; zero / NULL means "as the session says". */
typedef struct awsc_client_options {
  int version;                /* AWSC_CLIENT_OPTIONS_VERSION */
  const char *region;         /* overrides the session's region */
  const char *endpoint_url;   /* overrides every configured endpoint */
  awsc_retry_mode retry_mode; /* DEFAULT = the session's */
  int max_attempts;           /* total attempts, first included */
  awsc_s3_addressing_style addressing_style; /* S3; DEFAULT = session's */
  awsc_checksum_trailers checksum_trailers;  /* S3 streamed uploads */
  /* Version 2. A deadline for each call, in milliseconds, covering all its
   * attempts and the back-off sleeps between them (botocore has none; the
   * AWS SDKs' "API call timeout"). 0 = as configured: the setting
   * total_timeout_ms (environment AWSC_TOTAL_TIMEOUT_MS, profile key
   * total_timeout_ms), unset by default = no deadline; -1 = no deadline
   * whatever is configured. When it passes, the attempt in flight is
   * stopped (within about a second) and no further attempt is made; a back-off
   * that would end past it ends the call at once instead of sleeping. The call
   * then fails with AWSC_ETIMEOUT (kind timeout), a message naming the
   * deadline, the attempts made and the last cause, and retry_attempts
   * set. One call is one request with its retries: a managed transfer
   * makes many, each with the whole deadline. */
  long total_timeout_ms;
  /* Version 3. AWSC_TOGGLE_OFF: anonymous requests, botocore's
   * Config(signature_version=UNSIGNED) and the AWS CLI's
   * --no-sign-request: no credentials are looked up (a session without
   * any works) and no request is signed (no Authorization, X-Amz-Date,
   * X-Amz-Content-SHA256 or X-Amz-Security-Token); the service sees an
   * anonymous caller (public-read objects, public buckets).
   * awsc_generate_presigned_url then gives the plain URL, its query
   * parameters without any X-Amz-* signature parameter, as botocore does.
   * DEFAULT and ON: signed, except operations the model marks as needing
   * no authentication (e.g. STS AssumeRoleWithWebIdentity). botocore has
   * no configuration file or environment form of this, nor has awsc. */
  awsc_toggle sign_requests;
  /* Version 4. S3 GetObject: when the answer carries no checksum, check
   * the body against an ETag that is its MD5 (a whole single-part object,
   * not SSE-KMS or SSE-C; docs/integrity.md); also the default of
   * awsc_s3_transfer_config.verify_etag_md5. botocore makes no such
   * check. DEFAULT = as configured: the setting verify_etag_md5
   * (environment AWSC_VERIFY_ETAG_MD5, profile key verify_etag_md5,
   * "true" or "false"), off when unset; ON / OFF whatever is
   * configured. Costs one MD5 of the body (about 1.6 CPU s per GiB). */
  awsc_toggle verify_etag_md5;
} awsc_client_options;

#define AWSC_CLIENT_OPTIONS_VERSION 4
#define AWSC_CLIENT_OPTIONS_INIT                                               \
  {                                                                            \
    AWSC_CLIENT_OPTIONS_VERSION, NULL, NULL, AWSC_RETRY_DEFAULT, 0,            \
        AWSC_S3_ADDRESSING_DEFAULT, AWSC_CHECKSUM_TRAILERS_DEFAULT, 0,         \
        AWSC_TOGGLE_DEFAULT, AWSC_TOGGLE_DEFAULT                               \
  }

/*
 * Create a client for a service built into the library ("s3", "sns",
 * "sqs", "sts", or any other generated with -Dservices=...). Takes a
 * reference on the session. *out is the caller's: release it with
 * awsc_client_free.
 * Errors: AWSC_ENOTFOUND (service not built in: the message lists the
 * built-in ones), AWSC_EVALIDATION ("You must specify a region." when
 * the service needs one and none is configured), AWSC_ENOMEM.
 */
AWSC_API int awsc_client_new(awsc_client **out, awsc_session *session,
                             const char *service,
                             const awsc_client_options *options,
                             awsc_error *err);

/*
 * The services built into the library (-Dservices=..., default s3, sns,
 * sqs, sts), the names awsc_client_new takes, as a JSON array
 * (["s3","sns","sqs","sts"]). *json_out: free with awsc_mem_free.
 * Errors: AWSC_EINVAL (json_out NULL), AWSC_ENOMEM.
 */
AWSC_API int awsc_service_names_json(char **json_out, awsc_error *err);

/*
 * Create a client from a botocore service model file (service-2.json) at
 * run time: any service, no code generation. Errors as awsc_client_new,
 * plus AWSC_EIO / AWSC_EPARSE for the file.
 */
AWSC_API int awsc_client_new_from_model(awsc_client **out,
                                        awsc_session *session,
                                        const char *model_path,
                                        const awsc_client_options *options,
                                        awsc_error *err);

AWSC_API awsc_client *awsc_client_ref(awsc_client *client);
/* Drop a reference; NULL is a no-op. */
AWSC_API void awsc_client_free(awsc_client *client);

/* The region the client signs for (borrowed, lives with the client). */
AWSC_API const char *awsc_client_region(const awsc_client *client);
/* The endpoint URL the client uses ("https://sns.us-east-1.amazonaws.com"
 * or the configured one). Borrowed. */
AWSC_API const char *awsc_client_endpoint(const awsc_client *client);
/* The service's id from its model ("S3", "SNS"). Borrowed. */
AWSC_API const char *awsc_client_service_id(const awsc_client *client);

/* Whether the model has an operation of this name ("ListObjectsV2" or
 * "list_objects_v2"). */
AWSC_API int awsc_client_has_operation(const awsc_client *client,
                                       const char *operation);

/*
 * The operations of the client's service as a JSON array of boto3 names
 * (["abort_multipart_upload", ...]). *json_out: free with awsc_mem_free.
 */
AWSC_API int awsc_client_list_operations(char **json_out,
                                         const awsc_client *client,
                                         awsc_error *err);

/*
 * One operation described from the model, as JSON: {"Name", "PythonName",
 * "HttpMethod", "RequestUri", "CanPaginate", "Deprecated", "Input":
 * {member: {"Type", "Required", "Location", "Enum"?, "Shape"?}},
 * "Output": [member names]}. AWSC_ENOTFOUND for an unknown operation.
 * *json_out: free with awsc_mem_free.
 */
AWSC_API int awsc_client_describe_operation(char **json_out,
                                            const awsc_client *client,
                                            const char *operation,
                                            awsc_error *err);

/*
 * The shape trees of one operation (its name as the model's or boto3's),
 * or of every operation when `operation` is NULL, for bindings that
 * convert values (which strings are timestamps, which are blobs, where a
 * streaming body is), with the service's metadata and waiter names (the
 * model's: the names awsc_client_wait takes). One JSON object:
 *   {"Metadata": {"Protocol": "rest-xml", "ServiceId": "S3",
 *                 "ApiVersion": "2006-03-01", "SigningName": "s3",
 *                 "EndpointPrefix": "s3", "JsonVersion"?, "TargetPrefix"?},
 *    "Waiters": ["BucketExists", ...],
 *    "Operations": {"GetObject": {"Input": "GetObjectRequest",
 *                                 "Output": "GetObjectOutput",
 *                                 "Errors": ["NoSuchKey", ...]}},
 *    "Shapes": {"GetObjectOutput": {"Type": "structure",
 *                 "Members": {"Body": "StreamingBody", ...},
 *                 "Required"?: [...], "Streaming"?: ["Body"],
 *                 "JSONValue"?: [...], "Payload"?: "Body", "Union"?: true,
 *                 "Error"?: {"Code", "HTTPStatusCode"?, "Fault":
 *                            "client" | "server"}},
 *               "StreamingBody": {"Type": "blob", "Streaming": true},
 *               "ObjectList": {"Type": "list", "Member": "Object"},
 *               "Metadata": {"Type": "map", "Key": "MetadataKey",
 *                            "Value": "MetadataValue"}, ...}}
 * "Input" / "Output" are absent when the operation has none. "Shapes"
 * holds every shape reachable from the operations' inputs, outputs and
 * errors, each once by name (recursive shapes refer to themselves by
 * name). Types: structure, list, map, string, integer, long, boolean,
 * float, double, timestamp, blob, document; shape flags "Streaming",
 * "EventStream", "Sensitive" appear only when true. Member names are the
 * model's (boto3's keys), never wire names.
 * *json_out: free with awsc_mem_free. Errors: AWSC_EINVAL, AWSC_ENOTFOUND
 * (no such operation), AWSC_ENOMEM.
 */
AWSC_API int awsc_client_describe_shapes_json(char **json_out,
                                              const awsc_client *client,
                                              const char *operation,
                                              awsc_error *err);

/*
 * Call an operation with boto3-shaped JSON parameters (NULL or "" = {}).
 * The operation is named as in the model ("ListObjectsV2") or as in boto3
 * ("list_objects_v2"). Parameters are validated first (unknown member,
 * wrong type, missing required member: AWSC_EVALIDATION, nothing sent).
 * On success *json_out is the response as boto3 returns it, with
 * ResponseMetadata {RequestId, HostId, HTTPStatusCode, HTTPHeaders,
 * RetryAttempts}; timestamps ISO 8601, blobs base64 (a streaming body is
 * read whole into "Body" as base64). Free it with awsc_mem_free.
 * Service errors return AWSC_ESERVICE with err filled (code, message,
 * HTTP status, request id, retry attempts); the whole error answer
 * (headers, the error document's other elements): awsc_call_json_response.
 */
AWSC_API int awsc_call_json(char **json_out, awsc_client *client,
                            const char *operation, const char *json_in,
                            awsc_error *err);

/*
 * awsc_call_json, and when the service answers with an error (return
 * AWSC_ESERVICE, err filled as by awsc_call_json) *json_out is that error
 * as boto3's ClientError.response holds it, for bindings to raise their
 * exception from and for callers that need the failed answer's headers:
 *   {"Error": {"Code": "NoSuchKey", "Message": "...", "Type"?: "Sender",
 *              ...the error document's other elements, as strings
 *              (S3: "Key", "BucketName", "Resource"...)},
 *    ...the modeled error's members ("QueueDoesNotExist" fields),
 *    "ResponseMetadata": {"RequestId", "HostId"?, "HTTPStatusCode",
 *                         "HTTPHeaders": {lower-case name: value, ...},
 *                         "RetryAttempts"}}
 * On success it is exactly awsc_call_json's answer; on any other failure
 * *json_out is NULL. Either way a non-NULL *json_out is freed with
 * awsc_mem_free.
 */
AWSC_API int awsc_call_json_response(char **json_out, awsc_client *client,
                                     const char *operation, const char *json_in,
                                     awsc_error *err);

/*
 * The payload of awsc_call_json_body: where the request's comes from and
 * where the response's goes. "The payload" is the operation's blob
 * payload member, streaming or not: S3 PutObject / UploadPart "Body" in,
 * GetObject "Body" out, a rest-json service's blob payload (Lambda's
 * Invoke "Payload"). It is never in the JSON then, in either direction,
 * and always raw bytes (any byte, NULs included), never base64.
 */
typedef struct awsc_call_body_options {
  int version; /* AWSC_CALL_BODY_OPTIONS_VERSION */
  /* The request's payload: AWSC_BODY_MEMORY (borrowed for the call),
   * AWSC_BODY_FILE or AWSC_BODY_CALLBACK as awsc/body.h says (a callback
   * body is retried only when it can rewind). AWSC_BODY_NONE: none (the
   * JSON may still give the member as a string, as awsc_call_json). Given
   * for an operation without a blob payload, or with the member in the
   * JSON too: AWSC_EVALIDATION. */
  awsc_body_source request_body;
  /* The response's payload: AWSC_SINK_MEMORY (default) into *body_out,
   * AWSC_SINK_FILE (created or truncated; only on success) or
   * AWSC_SINK_CALLBACK (pieces as they arrive for a streaming payload,
   * one piece for a non-streaming one; a retry after a cut never gives
   * the same byte twice). An error answer's body never goes there. */
  awsc_body_sink response_sink;
  /* AWSC_TOGGLE_ON: on AWSC_ESERVICE, *json_out is the error document as
   * awsc_call_json_response gives it. */
  awsc_toggle error_response;
} awsc_call_body_options;

#define AWSC_CALL_BODY_OPTIONS_VERSION 1
#define AWSC_CALL_BODY_OPTIONS_INIT                                            \
  {                                                                            \
    AWSC_CALL_BODY_OPTIONS_VERSION,                                            \
        {AWSC_BODY_NONE, NULL, 0, NULL, 0, NULL, NULL, NULL, 0},               \
        {AWSC_SINK_MEMORY, NULL, NULL, NULL}, AWSC_TOGGLE_DEFAULT              \
  }

/*
 * awsc_call_json with the payload outside the JSON (options NULL = all
 * defaults: no request payload, response payload into *body_out). On
 * success *json_out is awsc_call_json's answer without the payload
 * member, and, for an operation whose output has a blob payload and a
 * MEMORY sink, *body_out / *body_len_out are the payload's bytes
 * (*body_out non-NULL even when empty, NUL-terminated after its length
 * for convenience; free it with awsc_mem_free). body_out may be NULL:
 * the payload is then dropped. Otherwise *body_out is NULL and
 * *body_len_out 0. Errors as awsc_call_json, plus AWSC_EINVAL for a bad
 * options struct (version, kinds, a FILE without path, a CALLBACK without
 * function), AWSC_EIO when the sink file can not be written, and a
 * callback's own negative status.
 */
AWSC_API int awsc_call_json_body(char **json_out, void **body_out,
                                 size_t *body_len_out, awsc_client *client,
                                 const char *operation, const char *json_in,
                                 const awsc_call_body_options *options,
                                 awsc_error *err);

/*
 * boto3's generate_presigned_url: a URL with which anyone can call
 * `operation` (e.g. "get_object", "put_object") with `params_json` until
 * it expires. expires_in is in seconds; 0 means 3600 (boto3's default);
 * negatives and values beyond 604800 (7 days, SigV4's limit) are signed
 * as botocore signs them and the service refuses the URL when used. Headers the
 * parameters produce (e.g. ContentType) are signed and must be sent with
 * the URL. The URL is signed with the credentials the client has now
 * (temporary credentials end the URL's life when they expire). *url_out:
 * free with awsc_mem_free.
 * Errors: AWSC_EVALIDATION (bad parameters), AWSC_ENOTFOUND (no such
 * operation), AWSC_ECREDENTIALS.
 */
AWSC_API int awsc_generate_presigned_url(char **url_out, awsc_client *client,
                                         const char *operation,
                                         const char *params_json,
                                         int64_t expires_in, awsc_error *err);

/* How awsc_s3_object_url addresses the bucket. */
typedef enum awsc_s3_url_style {
  /* as the client addresses buckets (path-style for custom endpoints,
   * virtual-hosted for AWS) */
  AWSC_S3_URL_STYLE_CLIENT = 0,
  AWSC_S3_URL_STYLE_PATH = 1,   /* https://s3.REGION.amazonaws.com/BUCKET/KEY */
  AWSC_S3_URL_STYLE_VIRTUAL = 2 /* https://BUCKET.s3.REGION.amazonaws.com/KEY */
} awsc_s3_url_style;

/*
 * The plain (unsigned) URL of an S3 object, as a public-read object is
 * fetched, in the given style. The key is percent-encoded ('/' kept).
 * *url_out: free with awsc_mem_free. AWSC_EVALIDATION when the bucket can
 * not be a host name and AWSC_S3_URL_STYLE_VIRTUAL is asked for.
 */
AWSC_API int awsc_s3_object_url(char **url_out, awsc_client *client,
                                const char *bucket, const char *key,
                                awsc_s3_url_style style, awsc_error *err);

#ifdef __cplusplus
}
#endif

#endif
