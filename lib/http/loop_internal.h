/*
 * lib/http/loop_internal.h - internal: what the client layer's
 * asynchronous calls use of an awsc_loop (loop.c): timers, calls in
 * flight (for cancel-all and run) and transfers. Everything here is
 * embedded in the caller's own object: the loop allocates nothing per
 * call but, for the libcurl transport, an easy handle it then reuses.
 */
#ifndef AWSC_HTTP_LOOP_INTERNAL_H
#define AWSC_HTTP_LOOP_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "awsc/loop.h"
#include "http/http_internal.h"

/* A one-shot timer on the loop's monotonic clock. */
typedef struct awsc_loop_timer awsc_loop_timer;
typedef void (*awsc_loop_timer_cb)(awsc_loop_timer *timer);
struct awsc_loop_timer {
  awsc_loop_timer *prev, *next; /* the loop's list, sorted by due_ms */
  int64_t due_ms;
  awsc_loop_timer_cb fire;
  bool armed;
  bool deferred; /* on the deferred list (awsc_loop_defer), not a timer */
};

/* Fire `fire` after delay_ms (0: at the loop's next step); re-arming an
 * armed timer moves it. */
void awsc_loop_timer_arm(awsc_loop *loop, awsc_loop_timer *t, long delay_ms,
                         awsc_loop_timer_cb fire);
/* Disarm (no-op when not armed), deferred work included. */
void awsc_loop_timer_stop(awsc_loop *loop, awsc_loop_timer *t);
/* Inside the delivery of finished exchanges (their callbacks, and what
 * those call), queue `fire` to run once every exchange finished so far has
 * been delivered, in the order queued, and return true; elsewhere return
 * false (the caller does the work itself, now). Calls started from
 * completion callbacks are built and signed this way one after the other,
 * after the completions, instead of each between two completions: the
 * code of each stage stays in the CPU's caches for the whole batch
 * (docs/performance.md, seventh round). t is disarmed first;
 * awsc_loop_timer_stop takes it off the queue. */
bool awsc_loop_defer(awsc_loop *loop, awsc_loop_timer *t,
                     awsc_loop_timer_cb fire);

/* A call in flight, counted by awsc_loop_pending and reached by
 * awsc_loop_cancel_all. */
typedef struct awsc_loop_op awsc_loop_op;
struct awsc_loop_op {
  awsc_loop_op *prev, *next;
  void (*cancel)(awsc_loop_op *op);
  bool linked;
};
void awsc_loop_op_add(awsc_loop *loop, awsc_loop_op *op);
void awsc_loop_op_remove(awsc_loop *loop, awsc_loop_op *op);

/* Spare blocks for the calls' own state (one size per loop, the
 * asynchronous call's): a call ending gives its block back, the next one
 * takes it, so calls in flight cost no heap allocation once the loop has
 * seen as many at once. take: a block of `size` bytes whose contents are
 * the last call's (zero them as needed), or NULL (none spare, or another
 * size: allocate). give: false when the loop keeps no more (free it
 * then); the loop frees what it keeps when it is freed. */
void *awsc_loop_spare_take(awsc_loop *loop, size_t size);
bool awsc_loop_spare_give(awsc_loop *loop, void *block, size_t size);

/* One HTTP exchange on the loop. */
typedef struct awsc_loop_xfer awsc_loop_xfer;
/* The exchange is over: rc as awsc_transport_send returns it (the
 * response filled on 0; on failure released, err filled). The callback
 * may start another transfer on the same struct, or free it. */
typedef void (*awsc_loop_xfer_cb)(awsc_loop_xfer *x, int rc);
struct awsc_loop_xfer {
  awsc_loop *loop;
  awsc_transport *transport;
  awsc_http_request req; /* a copy; its strings are the caller's */
  awsc_http_response *resp;
  awsc_error *err;
  awsc_loop_xfer_cb done;
  struct awsc_xfer_impl *impl; /* libcurl: the easy handle and its state */
  awsc_loop_timer timer;       /* read timeout, or the deferred send */
  awsc_loop_xfer *pause_next;  /* the loop's list of pauses to apply */
  bool running;
  bool paused;
  bool pause_queued;
  /* Set by the starter: a callback sink of the library's own (the body
   * reader's buffer), which runs no caller code, so it does not make the
   * loop block SIGPIPE. */
  bool sink_ours;
};

/* Start sending req (copied; its strings, headers and body must live
 * until `done`) into *resp: zeroed, or with storage set up by
 * awsc_http_response_use_arena, which is kept (its public fields are
 * zeroed here). Returns 0 (done will be
 * called from the loop) or a status with err filled (it will not). */
int awsc_loop_xfer_start(awsc_loop *loop, awsc_loop_xfer *x,
                         awsc_transport *transport,
                         const awsc_http_request *req, awsc_http_response *resp,
                         awsc_error *err, awsc_loop_xfer_cb done);
/* Stop a transfer in flight without calling done; its connection is
 * closed and *resp released. No-op when not running. */
void awsc_loop_xfer_abort(awsc_loop_xfer *x);
/* Pause or resume receiving (from inside a write callback too: the pause
 * is applied when libcurl returns). Transports other than libcurl ignore
 * it. */
void awsc_loop_xfer_pause(awsc_loop_xfer *x, bool pause);

/* awsc_loop_new for a loop that runs one transfer at a time (the
 * blocking send's): it waits with curl_multi_poll, which costs fewer
 * system calls for one transfer than epoll registrations do. */
int awsc_loop_new_single(awsc_loop **out, const awsc_loop_options *options,
                         awsc_error *err);

/* Whether the loop is driven through its hooks (run_once refused). */
bool awsc_loop_is_hooked(const awsc_loop *loop);

/* Whether nothing is left on the loop (no exchange, timer or operation):
 * then it may be kept and run again by another caller. */
bool awsc_loop_is_quiet(const awsc_loop *loop);

/* A loop for a caller that runs many exchanges at once on its thread (a
 * managed transfer's parts): one the transport kept, with the
 * connections an earlier caller left open (so a run of transfers does
 * not connect anew for each), or a new one. Give it back with
 * awsc_transport_loop_give (any thread, once nothing runs on it); the
 * transport keeps a few and frees the rest. Transports other than
 * libcurl's get a new loop each time. */
int awsc_transport_loop_take(awsc_transport *transport, awsc_loop **out,
                             awsc_error *err);
void awsc_transport_loop_give(awsc_transport *transport, awsc_loop *loop);

/* The blocking transport's send (curl_transport.c): one exchange on
 * loop `l`, run to its end (the loop waits for it alone). Returns as
 * awsc_transport_send's vtable send. */
int awsc_loop_send_blocking(awsc_loop *l, awsc_transport *transport,
                            const awsc_http_request *req,
                            awsc_http_response *resp, awsc_error *err);

#endif /* AWSC_HTTP_LOOP_INTERNAL_H */
