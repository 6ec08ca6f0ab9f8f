/*
 * lib/client/pipeline_internal.h - internal: the state of one call as it
 * goes through the steps of the request pipeline, shared by the build
 * steps (pipeline_build.c: prepare, serialize, checksum, payload hash)
 * and the attempt steps and driver (pipeline.c: credentials, sign, send,
 * on success, on failure).
 */
#ifndef AWSC_CLIENT_PIPELINE_INTERNAL_H
#define AWSC_CLIENT_PIPELINE_INTERNAL_H

#include "auth/aws_chunked.h"
#include "client/client_internal.h"
#include "client/hooks_internal.h"
#include "client/resp_checksum.h"
#include "client/sink_once.h"

#define AWSC_USER_AGENT "awsc/" AWSC_VERSION_STRING
#define STREAMING_TRAILER_HASH "STREAMING-UNSIGNED-PAYLOAD-TRAILER"

/* The request's headers, growing in the call's arena. */
typedef struct awsc_hdr_list {
  awsc_http_header *items;
  size_t n, cap;
} awsc_hdr_list;

int awsc_hdr_push(awsc_arena *a, awsc_hdr_list *l, const char *name,
                  const char *value);
/* Whether a header of that name (any case) is there. */
bool awsc_hdr_has(const awsc_hdr_list *l, const char *name);

/* What one call carries from step to step (on the stack of invoke). */
typedef struct awsc_call_state {
  awsc_client *c;
  awsc_call *call;
  awsc_call_ws *ws;
  const awsc_operation *op;
  const awsc_service_hooks *hooks; /* NULL: no customisation */
  awsc_arena *a;
  awsc_error *err;
  /* prepare */
  const awsc_value *input; /* after the prepare-input hook */
  bool validate;           /* check the response body's checksum */
  /* serialize */
  awsc_serialized_request sr;
  awsc_call_target tgt;
  awsc_body_source body;
  const void *mem_body;
  size_t mem_len;
  bool streaming_in;
  awsc_hdr_list hl;
  size_t base_headers; /* headers before signing (each attempt restarts) */
  /* checksum and payload hash */
  awsc_aws_chunked chunked;
  bool chunked_live;
  const char *payload_hash;
  bool unsigned_body;
  awsc_sigv4_param *qp;
  /* credentials and transport */
  bool anonymous;
  awsc_credentials *creds;
  awsc_transport *transport;
  const awsc_member *stream_out;
  /* attempts */
  const char *region; /* the redirect hook may move it, once */
  bool redirected;
  int attempt;
  awsc_http_response resp;
  awsc_resp_checksum rcs;
  awsc_sink_once once; /* a callback sink gets each byte once */
  int trc;             /* the transport's status of this attempt */
  awsc_error terr;     /* and its details */
  awsc_service_error se;
  /* the client's total_timeout_ms as a point on the monotonic clock
   * (0: no deadline), and whether it stopped the attempt in flight */
  int64_t deadline_ms;
  bool deadline_hit;
  /* why the last attempt failed ("HTTP 503 SlowDown: ...", "network:
   * ...", "damaged answer: ..."), for the retry log and the deadline's
   * message; filled on failure paths only */
  char cause[200];
  /* the caller's hooks for this call (hooks.c); hook.set NULL: none */
  awsc_hook_call hook;
} awsc_call_state;

/* AWSC_ENOMEM with "out of memory" in the call's error. */
int awsc_call_oom(awsc_call_state *st);

/* The build steps (pipeline_build.c), in order; each returns 0 or a
 * status with st->err filled. */
int awsc_step_prepare(awsc_call_state *st);
int awsc_step_serialize(awsc_call_state *st);
int awsc_step_checksum(awsc_call_state *st);
int awsc_step_payload_hash(awsc_call_state *st);

#endif
