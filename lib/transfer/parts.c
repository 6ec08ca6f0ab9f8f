/*
 * The parts of a multipart transfer as concurrent requests on one
 * awsc_loop on the calling thread (s3transfer's max_concurrency = parts
 * in flight): up to that many slots, each running one part at a time; a
 * slot whose part ends starts the next part index. No thread is made.
 *
 * The first failure becomes the transfer's and stops the handing out;
 * the requests of the other parts in flight are cancelled
 * (awsc_request_cancel: they end with AWSC_ECANCELLED at the loop's next
 * step, which is then ignored), so the loop empties and the caller aborts
 * the upload or removes the temporary file. A cancel asked from another
 * thread (awsc_s3_transfer_cancel through the config's cancel flag) is
 * seen between the loop's steps, at most XFER_CANCEL_POLL_MS late.
 */
#include <string.h>

#include "client/client_internal.h"
#include "client/typed.h"
#include "client/typed_async.h"
#include "http/loop_internal.h"
#include "session/session_internal.h"
#include "transfer/transfer_internal.h"

/* The first failure becomes the transfer's; x->lock held. */
static void fail_locked(xfer *x, int rc, const awsc_error *err) {
  if (xfer_failed(x))
    return;
  x->rc = rc;
  if (err && err != x->err)
    *x->err = *err;
  else if (!err)
    awsc_error_set(x->err, rc, AWSC_ERROR_INTERNAL, "%s: %s", x->what,
                   awsc_strerror(rc));
  atomic_store_explicit(&x->failed, true, memory_order_release);
}

int xfer_fail(xfer *x, int rc, const awsc_error *err) {
  pthread_mutex_lock(&x->lock);
  fail_locked(x, rc, err);
  pthread_mutex_unlock(&x->lock);
  return rc;
}

bool xfer_cancel_asked(const xfer *x) {
  return x->cancel && atomic_load(x->cancel) != 0;
}

bool xfer_pause_asked(const xfer *x) {
  return x->cancel && atomic_load(x->cancel) == XFER_PAUSE;
}

int xfer_cancelled(xfer *x, awsc_error *err) {
  int rc =
      awsc_error_set(err, AWSC_ECANCELLED, AWSC_ERROR_INTERNAL, "%s %s",
                     x->what, xfer_pause_asked(x) ? "paused" : "cancelled");
  return xfer_fail(x, rc, err);
}

int xfer_progress_add(xfer *x, uint64_t bytes, awsc_error *err) {
  if (xfer_cancel_asked(x))
    return xfer_cancelled(x, err);
  if (!bytes || !x->progress) /* only the callback needs the count */
    return 0;
  int rc = 0;
  pthread_mutex_lock(&x->lock);
  x->done += bytes;
  /* one call at a time and in increasing order; none after a failure or
   * a cancel (which counts as failed at once) */
  if (x->progress && !xfer_failed(x) &&
      x->progress(x->done, x->total, x->progress_ud)) {
    rc = awsc_error_set(err, AWSC_ECANCELLED, AWSC_ERROR_INTERNAL,
                        "%s cancelled by the progress callback", x->what);
    fail_locked(x, rc, err);
  }
  pthread_mutex_unlock(&x->lock);
  return rc;
}

const char *xfer_strdup(xfer *x, const char *s) {
  if (!s)
    return NULL;
  pthread_mutex_lock(&x->lock);
  const char *d = awsc_arena_strdup(x->arena, s);
  pthread_mutex_unlock(&x->lock);
  return d;
}

struct xfer_run {
  xfer *x;
  uint32_t n, next;
  xfer_part_start_fn start;
  void *ctx;
  xfer_slot *slots;
  int n_slots;
};

/* After a failure: the other parts' requests end (their completions come
 * back through xfer_slot_done and are ignored). */
static void cancel_all(xfer_run *run) {
  for (int k = 0; k < run->n_slots; k++)
    if (run->slots[k].busy && run->slots[k].req)
      awsc_request_cancel(run->slots[k].req);
}

/* Start the next part in slot s, or leave it idle. */
static void next_part(xfer_run *run, xfer_slot *s) {
  xfer *x = run->x;
  while (!xfer_failed(x) && run->next < run->n) {
    s->i = run->next++;
    s->busy = true;
    s->req = NULL;
    awsc_error e0 = AWSC_ERROR_INIT;
    s->err = e0;
    int rc = run->start(x, run->ctx, s);
    if (!rc)
      return;
    s->busy = false;
    xfer_fail(x, rc, &s->err);
    cancel_all(run);
  }
}

void xfer_slot_done(xfer_slot *s, int rc) {
  xfer_run *run = s->run;
  s->busy = false;
  s->req = NULL;
  if (rc)
    xfer_fail(run->x, rc, &s->err);
  if (xfer_failed(run->x)) {
    cancel_all(run);
    return;
  }
  next_part(run, s);
}

int xfer_run_parts(xfer *x, uint32_t n, xfer_part_start_fn start, void *ctx,
                   size_t state_size) {
  int want = x->concurrency < (int64_t)n ? x->concurrency : (int)n;
  if (want < 1)
    return 0;
  xfer_run run = {x, n, 0, start, ctx, NULL, want};
  run.slots = awsc_calloc((size_t)want, sizeof(*run.slots));
  uint8_t *states =
      state_size ? awsc_calloc((size_t)want, state_size) : (uint8_t *)NULL;
  awsc_loop *loop = NULL;
  awsc_transport *transport = NULL;
  awsc_error lerr = AWSC_ERROR_INIT;
  int rc = 0;
  if (!run.slots || (state_size && !states))
    rc = awsc_error_set(&lerr, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                        "out of memory");
  else
    rc = awsc_session_get_transport(x->client->session, &transport, &lerr);
  if (!rc)
    rc = awsc_transport_loop_take(transport, &loop, &lerr);
  if (rc) {
    awsc_free(run.slots);
    awsc_free(states);
    return xfer_fail(x, rc, &lerr);
  }
  x->loop = loop;
  for (int k = 0; k < want; k++) {
    run.slots[k].run = &run;
    run.slots[k].x = x;
    run.slots[k].ctx = ctx;
    run.slots[k].k = k;
    run.slots[k].state = states ? states + (size_t)k * state_size : NULL;
  }
  for (int k = 0; k < want && !xfer_failed(x); k++)
    next_part(&run, &run.slots[k]);
  for (;;) {
    int left = awsc_loop_run_once(loop, XFER_CANCEL_POLL_MS, &lerr);
    if (left < 0) {
      xfer_fail(x, left, &lerr);
      break;
    }
    if (left == 0)
      break;
    if (xfer_cancel_asked(x) && !xfer_failed(x)) {
      awsc_error cerr = AWSC_ERROR_INIT;
      xfer_cancelled(x, &cerr);
      cancel_all(&run);
    }
  }
  /* back to the transport with its connections, for the next transfer;
   * a loop with anything left (a loop failure) is freed, which cancels
   * it */
  awsc_transport_loop_give(transport, loop);
  x->loop = NULL;
  awsc_free(run.slots);
  awsc_free(states);
  return xfer_failed(x) ? x->rc : 0;
}

const awsc_operation *xfer_s3_op(const char *operation,
                                 const awsc_service **svc) {
  *svc = awsc_builtin_service("s3");
  return *svc ? awsc_service_find_operation(*svc, operation) : NULL;
}

int xfer_start_typed(xfer *x, xfer_slot *s, const char *operation,
                     const void *in, const awsc_body_sink *sink, unsigned flags,
                     awsc_typed_done_fn done) {
  const awsc_service *svc = NULL;
  const awsc_operation *op = xfer_s3_op(operation, &svc);
  if (!op)
    return awsc_error_set(&s->err, AWSC_ENOTFOUND, AWSC_ERROR_VALIDATION,
                          "S3 is not built into this library");
  return awsc_invoke_typed_async_ex(&s->req, x->loop, x->client, svc, op, in,
                                    sink, flags, done, s, &s->err);
}
