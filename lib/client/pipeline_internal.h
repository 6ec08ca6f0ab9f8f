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
  /* checksum and payload hash (the aws-chunked state is in the tail) */
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
  int trc; /* the transport's status of this attempt (details: terr) */
  awsc_service_error se;
  /* the client's total_timeout_ms as a point on the monotonic clock
   * (0: no deadline), and whether it stopped the attempt in flight */
  int64_t deadline_ms;
  bool deadline_hit;
  /* the caller's hooks for this call (hooks.c); hook.set NULL: none */
  awsc_hook_call hook;
  /* when the attempt's request was handed to the transport (for the log),
   * and whether its body goes to a callback sink */
  int64_t sent_ms;
  bool callback_sink;
  /* the outcome asks for a back-off (not an immediate retry) */
  bool backoff;
  /* The tail, 3.3 KB of the struct's 4: awsc_pipe_begin zeroes what is
   * above rcs only (an asynchronous call's state lives in its call
   * block, cold with many calls in flight), so each member below is set
   * where it starts to matter. */
  awsc_resp_checksum rcs;   /* each attempt: awsc_resp_checksum_init */
  awsc_sink_once once;      /* a callback sink's first attempt: init */
  awsc_aws_chunked chunked; /* valid while chunked_live */
  awsc_error terr;          /* reset at the start and at each attempt */
  /* why the last attempt failed ("HTTP 503 SlowDown: ...", "network:
   * ...", "damaged answer: ..."), for the retry log and the deadline's
   * message; "" at the start, filled on failure paths only */
  char cause[200];
} awsc_call_state;

/* AWSC_ENOMEM with "out of memory" in the call's error. */
int awsc_call_oom(awsc_call_state *st);

/* The build steps (pipeline_build.c), in order; each returns 0 or a
 * status with st->err filled. */
int awsc_step_prepare(awsc_call_state *st);
int awsc_step_serialize(awsc_call_state *st);
int awsc_step_checksum(awsc_call_state *st);
int awsc_step_payload_hash(awsc_call_state *st);

/* The pipeline as a state machine (pipeline.c), driven by the blocking
 * invoke and by the asynchronous engine (pipeline_async.c):
 *   awsc_pipe_begin, then per attempt awsc_pipe_attempt_request -> the
 *   transport fills st->trc, st->resp, st->terr -> awsc_pipe_attempt_outcome,
 *   then awsc_pipe_end (always, whatever came before). */
/* Start the call: the build steps and credentials. 0 or a status. */
int awsc_pipe_begin(awsc_call_state *st, awsc_client *c, awsc_call *call,
                    awsc_call_ws *ws, awsc_error *err);
/* The deadline, then sign the next attempt and fill *hr (strings in the
 * call's arena, sink state in st: valid until the next attempt). */
int awsc_pipe_attempt_request(awsc_call_state *st, awsc_http_request *hr);
/* The attempt's outcome: a status (the call ends), or 0 with *delay_ms -1
 * (the call ends well), 0 (try again now) or the back-off before the next
 * attempt (st->backoff set). */
int awsc_pipe_attempt_outcome(awsc_call_state *st, long *delay_ms);
/* A 2xx answer's headers have arrived (its streamed body is under way):
 * parse the output's non-body members into call->output and fill
 * call->meta from them. 0 or a status with st->err filled. */
int awsc_pipe_headers_output(awsc_call_state *st);
/* End the call: the kept service error, release what the steps hold.
 * Returns the call's final status. */
int awsc_pipe_end(awsc_call_state *st, int rc);

#endif
