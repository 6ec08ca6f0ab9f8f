/*
 * lib/client/pipeline_async.h - internal: one asynchronous call on an
 * awsc_loop (pipeline_async.c), shared by the JSON door
 * (awsc_call_json_async) and the pull-style body reader
 * (pipeline_reader.c).
 */
#ifndef AWSC_CLIENT_PIPELINE_ASYNC_H
#define AWSC_CLIENT_PIPELINE_ASYNC_H

#include "client/pipeline_internal.h"
#include "http/loop_internal.h"

/* What happens when the call is over: rc is the call's final status
 * (st->err filled on failure). The hook must end with
 * awsc_request_release(r). */
typedef void (*awsc_request_complete_fn)(awsc_request *r, int rc);

/* One call in flight; one heap block, its arena and workspace the
 * client's (given back at the end). */
struct awsc_request {
  awsc_loop_op op; /* first: the loop's list points here */
  awsc_loop *loop;
  awsc_client *c; /* a reference, dropped at the end */
  awsc_arena *arena;
  awsc_call_ws *ws;
  awsc_call call;
  awsc_call_state st;
  awsc_error err; /* right after st: request_block zeroes neither */
  awsc_value in;
  awsc_http_request hr;
  awsc_loop_xfer xfer;
  awsc_loop_timer timer;    /* back-off, deferred start failure, completion */
  awsc_loop_timer deadline; /* the client's total_timeout_ms */
  int rc;                   /* the status a deferred completion reports */
  bool sink_ours; /* the sink runs no caller code (awsc_loop_xfer's) */
  bool begun;     /* awsc_pipe_begin ran: awsc_pipe_end is due */
  bool finishing; /* completion scheduled or under way */
  awsc_request_complete_fn complete;
  awsc_json_done_fn done; /* JSON door */
  /* typed door: the generated descriptor (its shapes carry the C layout)
   * and the callback */
  const awsc_operation *typed_op;
  awsc_typed_done_fn typed_done;
  void *user_data;
};

/* A call on the loop, not started: its arena, workspace and the sink;
 * the caller sets call.op and call.input, then awsc_request_go. 0 or a
 * status (nothing made). */
int awsc_request_new(awsc_request **out, awsc_loop *loop, awsc_client *c,
                     const awsc_body_sink *sink,
                     awsc_request_complete_fn complete, void *user_data,
                     awsc_error *err);
/* Start it: rc nonzero (r->err filled) completes it with rc at the loop's
 * next step; 0 runs the build steps and the first attempt, now or, from
 * inside a completion callback, once the completions being delivered are
 * (awsc_loop_defer). */
void awsc_request_go(awsc_request *r, int rc);
/* Start operation `opname` with JSON parameters on the loop; `sink` is
 * where a streaming output payload goes (sink_ours: a callback of the
 * library's own, which runs no caller code). On 0 the call is in flight and
 * `complete` will run from the loop; otherwise nothing was started (err
 * filled). */
int awsc_request_start(awsc_request **out, awsc_loop *loop, awsc_client *c,
                       const char *opname, const char *json_in,
                       const awsc_body_sink *sink, bool sink_ours,
                       awsc_request_complete_fn complete, void *user_data,
                       awsc_error *err);
/* End the call now, from outside libcurl: the transfer stopped, timers
 * stopped, `complete` called with AWSC_ECANCELLED. No-op when the call is
 * already completing. */
void awsc_request_abort_now(awsc_request *r);
/* The call's workspace, taken again from the client if the call gave it
 * back while its request was in flight (pipeline_async.c); before any
 * pipeline step that reads the answer in flight. 0 or AWSC_ENOMEM (r->err
 * filled). */
int awsc_request_ws_hold(awsc_request *r);
/* Free what the call holds (its arena, workspace, client reference) and
 * the call itself. */
void awsc_request_release(awsc_request *r);
/* The call's output (after success, or after awsc_pipe_headers_output) as
 * awsc_call_json writes it, without the member `skip` (NULL: none), into
 * a new string (*json_out, free with awsc_mem_free). */
int awsc_request_output_json(awsc_request *r, const char *skip,
                             char **json_out);

#endif
