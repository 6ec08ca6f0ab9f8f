/*
 * lib/protocols/protocol.h - one serializer and one parser per wire
 * protocol (query, ec2, rest-xml, json, rest-json), all driven by the
 * descriptors in runtime/descriptor.h and the values in runtime/value.h.
 */
#ifndef AWSC_PROTOCOLS_PROTOCOL_H
#define AWSC_PROTOCOLS_PROTOCOL_H

#include "awsc/sys/transport.h"
#include "core/core.h"
#include "runtime/descriptor.h"
#include "runtime/value.h"

/*
 * A serialized request, before endpoint resolution and signing.
 * Everything lives in the arena passed to awsc_protocol_serialize.
 */
typedef struct awsc_serialized_request {
  const char *method;
  /* Path with URI labels already substituted and percent-encoded
   * (greedy labels keep '/'), starting with '/'; NO query string. */
  const char *path;
  /* Query parameters, raw (not percent-encoded): the signer and the URL
   * builder encode them. A name with value NULL is a bare key ("?acl"). */
  awsc_http_header *query;
  size_t query_count;
  awsc_http_header *headers; /* names as the model gives them */
  size_t header_count;
  const char *body; /* serialized body (may be NULL, len 0) */
  size_t body_len;
  /* Streaming payload member value (AWSC_V_STREAM or a blob to send
   * as-is), or NULL. When it is an in-memory blob/string, body/body_len
   * hold the same bytes; for AWSC_V_STREAM body is NULL. */
  const awsc_value *payload_stream;
  const char *host_prefix; /* expanded endpoint.hostPrefix or NULL */
} awsc_serialized_request;

/*
 * Working memory the serializers and parsers reuse from call to call
 * (buffers, a scratch arena, the member indexes of parsed structures), so
 * that a call with a warm workspace does not touch the heap. One user at
 * a time; between calls the owner calls awsc_proto_ws_reset. The index
 * cache is keyed by shape address: one workspace serves the shapes of
 * models that outlive it (a client's). NULL wherever a workspace is
 * taken means none (everything is then allocated for the call).
 */
typedef struct awsc_proto_ws awsc_proto_ws;
awsc_proto_ws *awsc_proto_ws_new(void); /* NULL: out of memory */
void awsc_proto_ws_free(awsc_proto_ws *ws);
/* After a call: empty the scratch arena, drop what grew too big. */
void awsc_proto_ws_reset(awsc_proto_ws *ws);
/* The workspace's scratch arena (created on first use; NULL: out of
 * memory), emptied by awsc_proto_ws_reset: memory for the length of one
 * call. */
awsc_arena *awsc_proto_ws_arena(awsc_proto_ws *ws);

/* Serialize `input` (a MAP value or NULL) for `op` of `svc`. Idempotency
 * tokens absent from the input are filled with a fresh UUID v4.
 * Returns 0, AWSC_EVALIDATION (e.g. missing URI label) or AWSC_ENOMEM. */
int awsc_protocol_serialize(const awsc_service *svc, const awsc_operation *op,
                            const awsc_value *input, awsc_arena *arena,
                            awsc_serialized_request *out, awsc_error *err);
/* The same with a workspace (may be NULL). */
int awsc_protocol_serialize_ws(const awsc_service *svc,
                               const awsc_operation *op,
                               const awsc_value *input, awsc_arena *arena,
                               awsc_proto_ws *ws, awsc_serialized_request *out,
                               awsc_error *err);

/* An HTTP response to parse (body fully in memory unless the output has a
 * streaming payload, in which case body is NULL and the pipeline hands
 * the stream to the caller). Header names lower-case. */
typedef struct awsc_raw_response {
  int status;
  const awsc_http_header *headers;
  size_t header_count;
  const char *body;
  size_t body_len;
  /* the header names and values live in the output's arena as long as
   * the output does (the call's metadata copy): the parser references
   * header text instead of copying it */
  bool headers_kept;
} awsc_raw_response;

/* A parsed service error. */
typedef struct awsc_service_error {
  const char *code;        /* "NoSuchKey"; never NULL after parse */
  const char *message;     /* may be "" */
  const char *request_id;  /* may be NULL */
  const char *host_id;     /* may be NULL */
  const char *type;        /* query: "Sender"/"Receiver", or NULL */
  const awsc_shape *shape; /* modeled error shape, or NULL */
  awsc_value fields;       /* MAP of the modeled error's members */
  /* XML protocols: MAP of the other text children of the <Error>
   * element (S3's BucketName, Key, Resource, ...) as strings, which
   * botocore keeps in response['Error'] next to Code and Message.
   * Empty MAP otherwise. */
  awsc_value details;
} awsc_service_error;

/* Parse a 2xx response into a MAP value for op->output (empty MAP when the
 * operation has no output). Header/status members are filled from the
 * response. Returns 0, AWSC_EPARSE or AWSC_ENOMEM. */
int awsc_protocol_parse_output(const awsc_service *svc,
                               const awsc_operation *op,
                               const awsc_raw_response *resp, awsc_arena *arena,
                               awsc_value *out, awsc_error *err);
/* The same with a workspace (may be NULL). */
int awsc_protocol_parse_output_ws(const awsc_service *svc,
                                  const awsc_operation *op,
                                  const awsc_raw_response *resp,
                                  awsc_arena *arena, awsc_proto_ws *ws,
                                  awsc_value *out, awsc_error *err);

/* The typed door's direct way for a 2xx answer (rest protocols): an
 * output shape whose members are all HTTP-bound (header scalars, header
 * maps, the status code) or a streamed payload is written straight into
 * its C struct `obj` (shape->c_size bytes, zeroed here first; the
 * payload is left to the caller), without the value tree that
 * awsc_protocol_parse_output builds and typed.c reads: the same fields,
 * conversions and references (a string that ends where its header's
 * value does is referenced when resp->headers_kept, else copied into
 * `arena`). Returns 1 when the shape is not one of these (nothing
 * written: parse it the value way), 0, or AWSC_ENOMEM. */
int awsc_parse_http_typed(const awsc_service *svc, const awsc_shape *shape,
                          const awsc_raw_response *resp, awsc_arena *arena,
                          awsc_proto_ws *ws, void *obj, awsc_error *err);

/* Parse a non-2xx response (or an S3 error-in-200, see below) into *out
 * (code, message, ids, modeled shape and its fields). Bodies that can't
 * be parsed give code = the HTTP status as a number ("404": botocore
 * gives exactly that for S3 HEAD requests, there is no "NotFound") and
 * message = the reason phrase ("Not Found") for rest-xml and any 5xx,
 * "" otherwise. All strings live in `arena`. Returns 0 or AWSC_ENOMEM. */
int awsc_protocol_parse_error(const awsc_service *svc, const awsc_operation *op,
                              const awsc_raw_response *resp, awsc_arena *arena,
                              awsc_service_error *out);

/* ---- response metadata helpers (parse.c, parse_error.c) ---- */

/* The request id of a response, for ResponseMetadata.RequestId: the
 * x-amzn-requestid or x-amz-request-id header, else (query, ec2) the
 * RequestId / requestId / RequestID element of the body, as botocore.
 * Copied into `arena`; NULL when there is none. */
const char *awsc_protocol_request_id(const awsc_service *svc,
                                     const awsc_raw_response *resp,
                                     awsc_arena *arena);

/* The x-amz-id-2 header (S3's HostId), borrowed from resp; or NULL. */
const char *awsc_protocol_host_id(const awsc_raw_response *resp);

/* Whether a 2xx answer is an error document in disguise, which must be
 * handled as an error (botocore turns it into a 500, so it is retried,
 * then parses it as an error). Only services whose hooks say so
 * (awsc_service_hooks.error_in_200: S3's <Error> root, lib/custom/s3.c);
 * false for the others. A truncated 2xx body shows up as AWSC_EPARSE
 * from awsc_protocol_parse_output instead. */
bool awsc_protocol_is_error_in_200(const awsc_service *svc,
                                   const awsc_operation *op,
                                   const awsc_raw_response *resp);

#endif
