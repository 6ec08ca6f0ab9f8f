/*
 * awsc/hooks.h - request/response hooks on a client, as botocore's event
 * system (client.meta.events.register) gives them, for language bindings
 * and C programs that need to see or change a call on its way:
 *
 *   AWSC_HOOK_PROVIDE_CLIENT_PARAMS  JSON doors only (awsc_call_json*,
 *       awsc_call_json_async, awsc_body_reader_open):
 *       the caller's parameters as JSON, before they are validated; the
 *       hook may replace them (botocore's provide-client-params).
 *   AWSC_HOOK_BEFORE_CALL  every call (typed and JSON doors): the
 *       validated parameters as JSON; the hook may replace them (they are
 *       validated again) or answer the call itself, without anything being
 *       sent (awsc_hook_set_response_json), as botocore's before-call
 *       handler that returns a response.
 *   AWSC_HOOK_BEFORE_SIGN  every attempt, the request built and about to
 *       be signed: add, change or remove request headers (If-Match, a raw
 *       x-amz-* header); the change is signed (botocore's before-sign).
 *   AWSC_HOOK_AFTER_CALL  once per call that received an HTTP answer,
 *       success or error, before the call returns: the raw status,
 *       headers and body of the last answer (botocore's after-call with
 *       its http_response).
 *
 * Hooks are plain C functions with a user pointer; what they see and
 * change goes through the context's functions below (strings and simple
 * values), so that an FFI binding calls them as easily as C does.
 *
 * Cost: a client with no hook registered does no work for hooks on a
 * call (one atomic load); with hooks, a call takes a reference on the set
 * registered when it started (a mutex, no allocation) and what a hook
 * asks for (parameters as JSON, changed headers) lives in the call's
 * memory.
 *
 * Threads and lifetimes: hooks run on the thread that makes the call,
 * synchronously, inside it. A client used from several threads may run
 * the same hook on several threads at once: the hook and its user_data
 * must allow that. Registering and removing may happen at any time from
 * any thread; a call in flight keeps using the hooks registered when it
 * started, so user_data must stay valid until the hook is removed and
 * every call started before the removal has returned (or the client is
 * freed). The context and every pointer a context function returns live
 * only during the hook's run. A hook must not free the client; it may make
 * other calls, on this client too (hooks run for those as well).
 */
#ifndef AWSC_HOOKS_H
#define AWSC_HOOKS_H

#include <stddef.h>

#include "awsc/client.h"
#include "awsc/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum awsc_hook_event {
  AWSC_HOOK_PROVIDE_CLIENT_PARAMS = 1,
  AWSC_HOOK_BEFORE_CALL = 2,
  AWSC_HOOK_BEFORE_SIGN = 3,
  AWSC_HOOK_AFTER_CALL = 4
} awsc_hook_event;

typedef struct awsc_hook_context awsc_hook_context;

/*
 * A hook. Return 0 to let the call go on; any other value stops the call,
 * which then fails with AWSC_ECANCELLED and a message naming the event,
 * the operation, the value returned and the text the hook gave with
 * awsc_hook_set_error. Hooks of one event run in the order they were
 * registered; the first that stops the call ends it.
 */
typedef int (*awsc_hook_fn)(awsc_hook_context *ctx, void *user_data);

/*
 * Register a hook for `event` on every operation (operation NULL) or on
 * one ("PutObject" or "put_object"). *id_out (may be NULL) is the hook's
 * id for awsc_client_hook_remove, never 0 and never reused by the client.
 * Errors: AWSC_EINVAL (NULL client or fn, unknown event), AWSC_ENOTFOUND
 * (no such operation in the client's model), AWSC_ENOMEM.
 */
AWSC_API int awsc_client_hook_add(int *id_out, awsc_client *client,
                                  awsc_hook_event event, const char *operation,
                                  awsc_hook_fn fn, void *user_data,
                                  awsc_error *err);

/* Remove a hook (botocore's unregister). Calls that start afterwards do
 * not run it. AWSC_ENOTFOUND when the client has no hook of that id. */
AWSC_API int awsc_client_hook_remove(awsc_client *client, int id,
                                     awsc_error *err);

/* Client-side checks a caller may switch off. */
typedef enum awsc_client_check {
  /* S3: the bucket name must match [a-zA-Z0-9.\-_]{1,255} or be an ARN
   * (botocore's validate_bucket_name, which test suites unregister to
   * send bad names to the server). */
  AWSC_CHECK_BUCKET_NAME = 1
} awsc_client_check;

/* Switch a client-side check on (AWSC_TOGGLE_ON, AWSC_TOGGLE_DEFAULT) or
 * off (AWSC_TOGGLE_OFF) for the calls that start afterwards.
 * AWSC_EINVAL for an unknown check or state. */
AWSC_API int awsc_client_set_check(awsc_client *client, awsc_client_check check,
                                   awsc_toggle state, awsc_error *err);

/* ---- what a hook sees: every event ---- */

AWSC_API awsc_hook_event awsc_hook_event_type(const awsc_hook_context *ctx);
/* The operation's model name ("PutObject"). */
AWSC_API const char *awsc_hook_operation(const awsc_hook_context *ctx);
/* The client the call is made on (borrowed). */
AWSC_API awsc_client *awsc_hook_client(const awsc_hook_context *ctx);
/* The text that goes into the call's error message when this hook stops
 * the call (one line; truncated to fit awsc_error). */
AWSC_API void awsc_hook_set_error(awsc_hook_context *ctx, const char *message);

/* ---- PROVIDE_CLIENT_PARAMS and BEFORE_CALL: the parameters ---- */

/*
 * The parameters as JSON (boto3-shaped, as awsc_call_json takes them;
 * after an earlier hook's replacement, the replacement). BEFORE_CALL
 * gives the validated parameters as awsc_call_json prints values:
 * timestamps ISO 8601, blobs base64, except the payload member (S3's
 * Body), which is null there and kept as it is when the replacement has
 * it null or absent. NULL for other events, or when out of memory.
 */
AWSC_API const char *awsc_hook_params_json(awsc_hook_context *ctx);
/*
 * Replace the parameters (NULL or "" = {}); later hooks and the call see
 * the replacement. It is parsed and validated now (BEFORE_CALL) or with
 * the call's own validation (PROVIDE_CLIENT_PARAMS): AWSC_EVALIDATION /
 * AWSC_EPARSE when refused, and the call then fails with that error even
 * if the hook returns 0. Blob members are read as awsc_call_json reads
 * them (a string's bytes). AWSC_EINVAL for other events.
 */
AWSC_API int awsc_hook_set_params_json(awsc_hook_context *ctx,
                                       const char *json);
/*
 * BEFORE_CALL: answer the call without sending anything. `json` is the
 * operation's output as awsc_call_json would return it (members of the
 * output shape; others, ResponseMetadata included, are dropped; blob
 * members as a string's bytes). The call returns it with HTTPStatusCode
 * 200, no headers, no request id; later BEFORE_CALL hooks, BEFORE_SIGN and
 * AFTER_CALL do not run. AWSC_EPARSE when it is not JSON, AWSC_EINVAL for
 * other events.
 */
AWSC_API int awsc_hook_set_response_json(awsc_hook_context *ctx,
                                         const char *json);

/* ---- BEFORE_SIGN (the request) and AFTER_CALL (the answer) ---- */

/* BEFORE_SIGN: the request's method ("PUT") and URL without its query
 * string ("https://bucket.s3.amazonaws.com/key"). NULL otherwise. */
AWSC_API const char *awsc_hook_request_method(const awsc_hook_context *ctx);
AWSC_API const char *awsc_hook_request_url(const awsc_hook_context *ctx);

/* Headers: BEFORE_SIGN the request's (as they will be signed; the SigV4
 * headers are added after the hook), AFTER_CALL the answer's (lower-case
 * names, arrival order). 0 for other events. */
AWSC_API size_t awsc_hook_header_count(const awsc_hook_context *ctx);
/* Header i (< awsc_hook_header_count). AWSC_EINVAL when out of range. */
AWSC_API int awsc_hook_header(const char **name_out, const char **value_out,
                              const awsc_hook_context *ctx, size_t i);
/* The value of the header of that name (any case), NULL when absent. */
AWSC_API const char *awsc_hook_header_get(const awsc_hook_context *ctx,
                                          const char *name);
/*
 * BEFORE_SIGN: set a request header (replacing every header of that name,
 * any case) or, with value NULL, remove it. The header is signed with the
 * request. Names and values are copied. AWSC_EINVAL for other events or a
 * name or value with CR or LF; AWSC_ENOMEM.
 */
AWSC_API int awsc_hook_header_set(awsc_hook_context *ctx, const char *name,
                                  const char *value);

/* AFTER_CALL: the answer's HTTP status (0 otherwise). */
AWSC_API int awsc_hook_http_status(const awsc_hook_context *ctx);
/* AFTER_CALL: the answer's body as received (an error document, a parsed
 * output's XML or JSON; a payload streamed to a file or callback is not
 * there: empty). AWSC_EINVAL for other events. */
AWSC_API int awsc_hook_body(const void **data_out, size_t *len_out,
                            const awsc_hook_context *ctx);

#ifdef __cplusplus
}
#endif

#endif
