/*
 * lib/client/call_body.h - internal: the payload of the JSON door outside
 * the JSON (awsc_call_json_body): the request's from a body source, the
 * response's raw to memory, a file or a callback.
 */
#ifndef AWSC_CLIENT_CALL_BODY_H
#define AWSC_CLIENT_CALL_BODY_H

#include "client/client_internal.h"
#include "runtime/jtree.h"

/* What awsc_call_json_body asks of the JSON door. */
typedef struct awsc_call_payload {
  const awsc_body_source *source; /* NULL: no request payload */
  const awsc_body_sink *sink;     /* the response payload's destination */
  void **body_out;                /* MEMORY sink: NULL = dropped */
  size_t *body_len_out;
} awsc_call_payload;

/* The JSON door (call_json.c): payload NULL = awsc_call_json. */
int awsc_call_json_run(char **json_out, awsc_client *c, const char *opname,
                       const char *json_in, bool keep_error,
                       const awsc_call_payload *payload, awsc_error *err);

/* boto3's ClientError.response of a call that kept its service error
 * (call->keep_service_error) as JSON into b (reset first). */
int awsc_call_error_json(awsc_buf *b, const awsc_call *call);

/* The blob payload member of a structure (streaming or not), or NULL. */
const awsc_member *awsc_call_blob_payload(const awsc_shape *sh);

/* In the parsed JSON input: refuse the member given twice, else add a
 * placeholder for it (so that a required payload passes validation). */
int awsc_call_body_placeholder(awsc_jnode *root, awsc_arena *tmp,
                               const awsc_member *pm, awsc_error *err);
/* *in with member pm set to the caller's body source (a STREAM). */
int awsc_call_body_attach(awsc_value *in, awsc_arena *a, const awsc_member *pm,
                          const awsc_body_source *src, awsc_error *err);
/* After a successful call: take the payload member out of call->output
 * and deliver it as the payload asks (a streamed one went to a file or
 * callback sink already). */
int awsc_call_body_deliver(awsc_call *call, const awsc_member *pm,
                           const awsc_call_payload *payload, awsc_error *err);

#endif
