/*
 * The parts of a multipart transfer on several threads (s3transfer's
 * max_concurrency): a counter hands out part indices, the first failure
 * stops the handing out, progress goes through one lock.
 *
 * The threads live for one transfer and are joined before it returns
 * (nothing runs after the call, as the header promises). They are plain
 * pthreads with every signal blocked, so a program's signal handlers keep
 * running on its own threads. Each part sends through the shared client,
 * which is thread-safe; the curl transport gives each concurrent request
 * its own pooled handle, so N threads use about N connections.
 */
#include <signal.h>
#include <string.h>

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

int xfer_progress_add(xfer *x, uint64_t bytes, awsc_error *err) {
  if (!bytes || !x->progress) /* only the callback needs the count */
    return 0;
  int rc = 0;
  pthread_mutex_lock(&x->lock);
  x->done += bytes;
  /* under the lock: one call at a time and in increasing order, whichever
   * thread finished the bytes; none after a failure or a cancel (which
   * counts as failed at once, before other threads report) */
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

int xfer_threads_start(pthread_t *threads, int want, void *(*fn)(void *),
                       void *arg) {
  sigset_t all, old;
  sigfillset(&all);
  bool masked = pthread_sigmask(SIG_SETMASK, &all, &old) == 0;
  int n = 0;
  /* a refusal (EAGAIN: thread limits) leaves fewer threads, not an error */
  while (n < want && pthread_create(&threads[n], NULL, fn, arg) == 0)
    n++;
  if (masked)
    pthread_sigmask(SIG_SETMASK, &old, NULL);
  return n;
}

void xfer_threads_join(pthread_t *threads, int n) {
  for (int i = 0; i < n; i++)
    pthread_join(threads[i], NULL);
}

typedef struct run {
  xfer *x;
  uint32_t n;
  atomic_uint_fast32_t next;
  xfer_part_fn fn;
  void *ctx;
} run;

static void work(run *r) {
  while (!xfer_failed(r->x)) {
    uint_fast32_t i = atomic_fetch_add(&r->next, 1);
    if (i >= r->n)
      break;
    awsc_error err = AWSC_ERROR_INIT;
    int rc = r->fn(r->x, r->ctx, (uint32_t)i, &err);
    if (rc) {
      xfer_fail(r->x, rc, &err);
      break;
    }
  }
}

static void *worker(void *arg) {
  work(arg);
  return NULL;
}

int xfer_run_parts(xfer *x, uint32_t n, xfer_part_fn fn, void *ctx) {
  run r = {.x = x, .n = n, .fn = fn, .ctx = ctx};
  atomic_init(&r.next, 0);
  pthread_t threads[XFER_MAX_THREADS];
  int want = x->concurrency < (int64_t)n ? x->concurrency : (int)n;
  int started =
      want > 1 ? xfer_threads_start(threads, want - 1, worker, &r) : 0;
  work(&r);
  xfer_threads_join(threads, started);
  return xfer_failed(x) ? x->rc : 0;
}
