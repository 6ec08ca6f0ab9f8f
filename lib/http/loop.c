/*
 * lib/http/loop.c - awsc_loop: many HTTP exchanges on one thread over one
 * curl multi handle, one-shot timers, and the two ways of driving them
 * (the loop's own run/run_once on curl_multi_poll, or the application's
 * event loop through socket and timer hooks, curl_multi_socket_action).
 *
 * The loop owns its connections (the multi handle's cache) and a pool of
 * easy handles reused from exchange to exchange; DNS and TLS sessions are
 * shared with the transport's other users through its share handle. The
 * exchange itself (callbacks, headers, body) is the blocking transport's
 * (curl_io.c, curl_transport.c), so both paths send the same bytes.
 *
 * Transports other than libcurl have no multi handle: their blocking
 * send runs from a zero-delay timer, so even then a completion is never
 * reported from inside the call that started the exchange.
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/epoll.h>
#include <sys/socket.h>
#define HAVE_EPOLL 1
#endif

#include "http/curl_internal.h"
#include "http/loop_internal.h"

#define DEFAULT_LOOP_CONNECTIONS 64L
#define IDLE_EASY_MAX 64
#define POLL_CAP_MS 60000L
#define PROGRESS_TICK_MS 1000L
#define EPOLL_BATCH 64

typedef struct awsc_xfer_impl {
  struct awsc_xfer_impl *next_idle;
  CURL *easy;
  exchange ex;
  curl_hdr_store hdrs; /* the header list, kept with the handle */
  /* the transport the handle is set up for (its options, its curl
   * share), referenced while it is */
  curl_transport *configured;
  curl_transport *t;
  awsc_loop_xfer *x;
  long read_ms;
  bool stale_retried;
  char errbuf[CURL_ERROR_SIZE];
} awsc_xfer_impl;

struct awsc_loop {
  CURLM *multi;
  awsc_loop_options opt;
  bool hooked;
  bool in_curl;            /* inside a libcurl call (its callbacks may run) */
  awsc_loop_timer *timers; /* sorted by due_ms, earliest first */
  awsc_loop_timer *timers_tail; /* the latest: where most arms land */
  /* awsc_loop_defer's queue (first, last) and whether finished exchanges
   * are being delivered (drain: nested depth) */
  awsc_loop_timer *deferred, *deferred_tail;
  int draining;
  awsc_loop_op *ops;
  size_t n_ops;
  awsc_xfer_impl *idle;
  int n_idle;
  awsc_loop_xfer *pauses; /* pause changes asked from inside callbacks */
  int64_t curl_due_ms;    /* hooked: libcurl's timer, -1 = none */
  int64_t reported_due;   /* hooked: what the timer hook was told, -1 none */
  size_t n_xfers;         /* transfers running */
  size_t peak_xfers;      /* most running at once: the idle handles kept */
  /* spare call blocks (awsc_loop_spare_*), linked through their first
   * pointer, all of spare_size bytes */
  void *spare;
  size_t n_spare, spare_size;
  int guard_depth;     /* nested stretches that may write to sockets */
  sigpipe_guard guard; /* SIGPIPE blocked for the outermost one */
  bool guard_needed;   /* TLS or a caller's callback may raise SIGPIPE */
  /* Loops the application runs itself watch their sockets with epoll and
   * curl_multi_socket_action: each wake-up costs what happened, not what
   * is in flight (curl_multi_poll and curl_multi_perform look at every
   * transfer, perform even polls each one's socket). -1: the poll way
   * (hooked loops, the blocking send's one-transfer loops, no epoll). */
  int epfd;
  /* epoll loops: the connection sockets, by descriptor (epoll_socket_cb) */
  struct sock_state *socks;
  int n_socks;
};

#ifdef HAVE_EPOLL
/* What an epoll loop knows of a connection socket libcurl opened through
 * open_socket_cb (and so closes through close_socket_cb): what the epoll
 * set has for it (EPOLLIN/EPOLLOUT, 0: not in the set) and whether
 * libcurl still watches it (no CURL_POLL_REMOVE since). */
typedef struct sock_state {
  uint8_t ours;
  uint8_t wanted;
  uint16_t in_set;
} sock_state;
#endif

/* ---- SIGPIPE ----
 * libcurl writes to plain sockets with MSG_NOSIGNAL; only a TLS library's
 * write (or close_notify) to a socket the peer closed, or a caller's own
 * callback run inside a send, can raise SIGPIPE. So the signal is blocked
 * (curl_transport.c: awsc_sigpipe_block) only once the loop may hold a
 * TLS connection or has run a request with callbacks, and once for the
 * outermost
 * stretch that may touch sockets (a call started from a completion inside
 * run_once is covered by it): each block and restore costs four system
 * calls, a tenth of a small request's own. */
static void guard_enter(awsc_loop *l) {
  l->guard_depth++;
  if (l->guard_needed && !l->guard.active)
    awsc_sigpipe_block(&l->guard);
}

static void guard_exit(awsc_loop *l) {
  if (--l->guard_depth == 0 && l->guard.active) {
    awsc_sigpipe_restore(&l->guard);
    l->guard.active = false;
  }
}

/* Whether a request may put TLS on the loop's connections (an https URL,
 * any proxy: given or from the environment, which libcurl reads) or runs
 * the caller's code inside a send (body, sink or progress callbacks);
 * from then on the loop blocks SIGPIPE. */
static void note_tls(awsc_loop *l, const awsc_transport *transport,
                     const awsc_http_request *req, bool sink_ours) {
  if (l->guard_needed)
    return;
  const curl_transport *t =
      awsc_transport_is_curl(transport) ? transport->impl : NULL;
  l->guard_needed = strncmp(req->url, "http:", 5) != 0 || !t ||
                    t->proxy_possible || req->progress ||
                    req->body.kind == AWSC_BODY_CALLBACK ||
                    (req->sink.kind == AWSC_SINK_CALLBACK && !sink_ours);
}

/* ---- timers ---- */

void awsc_loop_timer_stop(awsc_loop *l, awsc_loop_timer *t) {
  if (!t->armed)
    return;
  awsc_loop_timer **head = t->deferred ? &l->deferred : &l->timers;
  awsc_loop_timer **tail = t->deferred ? &l->deferred_tail : &l->timers_tail;
  if (t->prev)
    t->prev->next = t->next;
  else
    *head = t->next;
  if (t->next)
    t->next->prev = t->prev;
  else
    *tail = t->prev;
  t->prev = t->next = NULL;
  t->armed = t->deferred = false;
}

bool awsc_loop_defer(awsc_loop *l, awsc_loop_timer *t,
                     awsc_loop_timer_cb fire) {
  if (!l->draining)
    return false;
  awsc_loop_timer_stop(l, t);
  t->fire = fire;
  t->prev = l->deferred_tail;
  t->next = NULL;
  if (l->deferred_tail)
    l->deferred_tail->next = t;
  else
    l->deferred = t;
  l->deferred_tail = t;
  t->armed = t->deferred = true;
  return true;
}

static void report_timer(awsc_loop *l);

void awsc_loop_timer_arm(awsc_loop *l, awsc_loop_timer *t, long delay_ms,
                         awsc_loop_timer_cb fire) {
  awsc_loop_timer_stop(l, t);
  t->fire = fire;
  t->due_ms = awsc_http_mono_ms() + (delay_ms > 0 ? delay_ms : 0);
  /* most timers are later than all the others (same delays): look for
   * the place from the end, so arming is O(1) however many are armed */
  awsc_loop_timer *after = l->timers_tail;
  while (after && after->due_ms > t->due_ms)
    after = after->prev;
  t->prev = after;
  t->next = after ? after->next : l->timers;
  if (t->next)
    t->next->prev = t;
  else
    l->timers_tail = t;
  if (after)
    after->next = t;
  else
    l->timers = t;
  t->armed = true;
  report_timer(l);
}

/* Fire the timers due by now; how many fired. */
static int fire_due(awsc_loop *l) {
  int64_t now = awsc_http_mono_ms();
  int n = 0;
  while (l->timers && l->timers->due_ms <= now) {
    awsc_loop_timer *t = l->timers;
    awsc_loop_timer_stop(l, t);
    t->fire(t);
    n++;
  }
  return n;
}

/* Hooked loops: tell the application when to call awsc_loop_timeout
 * (the earlier of libcurl's timer and the loop's own). */
static void report_timer(awsc_loop *l) {
  if (!l->hooked)
    return;
  int64_t due = l->curl_due_ms;
  if (l->timers && (due < 0 || l->timers->due_ms < due))
    due = l->timers->due_ms;
  if (due == l->reported_due)
    return;
  l->reported_due = due;
  long ms = -1;
  if (due >= 0) {
    int64_t left = due - awsc_http_mono_ms();
    ms = left <= 0 ? 0 : (left > LONG_MAX ? LONG_MAX : (long)left);
  }
  l->opt.timer_hook(l, ms, l->opt.hook_user_data);
}

/* ---- calls in flight ---- */

void awsc_loop_op_add(awsc_loop *l, awsc_loop_op *op) {
  op->prev = NULL;
  op->next = l->ops;
  if (l->ops)
    l->ops->prev = op;
  l->ops = op;
  op->linked = true;
  l->n_ops++;
}

void awsc_loop_op_remove(awsc_loop *l, awsc_loop_op *op) {
  if (!op->linked)
    return;
  if (op->prev)
    op->prev->next = op->next;
  else
    l->ops = op->next;
  if (op->next)
    op->next->prev = op->prev;
  op->linked = false;
  l->n_ops--;
}

bool awsc_loop_is_quiet(const awsc_loop *l) {
  return l && !l->hooked && l->n_xfers == 0 && l->n_ops == 0 && !l->timers &&
         !l->pauses;
}

bool awsc_loop_is_hooked(const awsc_loop *l) {
  return l && l->hooked;
}

size_t awsc_loop_pending(const awsc_loop *l) {
  return l ? l->n_ops : 0;
}

void awsc_loop_cancel_all(awsc_loop *l) {
  if (!l)
    return;
  /* cancel only defers: the list does not change under us */
  for (awsc_loop_op *op = l->ops; op; op = op->next)
    op->cancel(op);
}

/* ---- spare call blocks ---- */

void *awsc_loop_spare_take(awsc_loop *l, size_t size) {
  void *b = l->spare;
  if (!b || size != l->spare_size)
    return NULL;
  memcpy(&l->spare, b, sizeof(void *));
  l->n_spare--;
  return b;
}

bool awsc_loop_spare_give(awsc_loop *l, void *block, size_t size) {
  if (size < sizeof(void *) || (l->n_spare && size != l->spare_size))
    return false;
  /* as many as were ever in flight at once (at least IDLE_EASY_MAX), as
   * the idle handles */
  if (l->n_spare >= l->peak_xfers && l->n_spare >= IDLE_EASY_MAX)
    return false;
  memcpy(block, &l->spare, sizeof(void *));
  l->spare = block;
  l->spare_size = size;
  l->n_spare++;
  return true;
}

/* ---- easy handles ---- */

static awsc_xfer_impl *impl_take(awsc_loop *l) {
  awsc_xfer_impl *im = l->idle;
  if (im) {
    l->idle = im->next_idle;
    l->n_idle--;
    return im;
  }
  im = awsc_calloc(1, sizeof(*im));
  if (im && !(im->easy = curl_easy_init())) {
    awsc_free(im);
    im = NULL;
  }
  return im;
}

static void impl_free(awsc_xfer_impl *im) {
  curl_easy_cleanup(im->easy); /* leaves the share first */
  if (im->configured)
    awsc_curl_transport_drop(im->configured);
  awsc_curl_hdr_store_free(&im->hdrs);
  awsc_free(im);
}

/* Set the handle up for transport t from scratch (first use, or another
 * transport's handle): out of the old share and its reference dropped,
 * then t's options, share and reference. */
#ifdef HAVE_EPOLL
static curl_socket_t open_socket_cb(void *clientp, curlsocktype purpose,
                                    struct curl_sockaddr *address);
static int close_socket_cb(void *clientp, curl_socket_t s);
#endif

static CURLcode impl_configure(awsc_loop *l, awsc_xfer_impl *im,
                               curl_transport *t) {
  if (im->configured) {
    curl_easy_setopt(im->easy, CURLOPT_SHARE, NULL);
    curl_easy_reset(im->easy);
    awsc_curl_transport_drop(im->configured);
    im->configured = NULL;
  }
  CURLcode c = awsc_curl_configure_handle(t, im->easy, &im->ex, im->errbuf);
  if (c == CURLE_OK)
    c = curl_easy_setopt(im->easy, CURLOPT_PRIVATE, im);
#ifdef HAVE_EPOLL
  /* the epoll set keeps a connection's socket between its transfers
   * (epoll_socket_cb): the loop must see each of its sockets open and
   * close, so that a descriptor number used again is not taken for one
   * still in the set (libcurl gives a connection the callbacks of the
   * handle that opened it, and closes it with them) */
  if (l->epfd >= 0) {
    if (c == CURLE_OK)
      c = curl_easy_setopt(im->easy, CURLOPT_OPENSOCKETFUNCTION,
                           open_socket_cb);
    if (c == CURLE_OK)
      c = curl_easy_setopt(im->easy, CURLOPT_OPENSOCKETDATA, l);
    if (c == CURLE_OK)
      c = curl_easy_setopt(im->easy, CURLOPT_CLOSESOCKETFUNCTION,
                           close_socket_cb);
    if (c == CURLE_OK)
      c = curl_easy_setopt(im->easy, CURLOPT_CLOSESOCKETDATA, l);
  }
#else
  (void)l;
#endif
  if (c == CURLE_OK) {
    awsc_curl_transport_hold(t);
    im->configured = t;
  }
  return c;
}

/* Back to the idle list with its options kept (start_curl sets what
 * changes from exchange to exchange). */
static void impl_give(awsc_loop *l, awsc_xfer_impl *im) {
  exchange_close(&im->ex);
  im->x = NULL;
  /* as many kept as were ever running at once (at least IDLE_EASY_MAX):
   * a loop with many calls in flight would otherwise free and make a
   * handle for most of them */
  if ((size_t)l->n_idle >= l->peak_xfers && l->n_idle >= IDLE_EASY_MAX) {
    impl_free(im);
    return;
  }
  im->next_idle = l->idle;
  l->idle = im;
  l->n_idle++;
}

/* ---- transfers ---- */

static void read_timer_fired(awsc_loop_timer *t);

/* Off the list of pauses to apply (the transfer is ending). */
static void unqueue_pause(awsc_loop *l, awsc_loop_xfer *x) {
  if (!x->pause_queued)
    return;
  awsc_loop_xfer **pp = &l->pauses;
  while (*pp && *pp != x)
    pp = &(*pp)->pause_next;
  if (*pp)
    *pp = x->pause_next;
  x->pause_queued = false;
}

/* The end of an exchange: the response as awsc_transport_send leaves it,
 * the handle back to the pool, then the caller's callback (last: it may
 * free x). */
static void xfer_complete(awsc_loop *l, awsc_loop_xfer *x, int rc) {
  x->running = false;
  l->n_xfers--;
  unqueue_pause(l, x);
  awsc_loop_timer_stop(l, &x->timer);
  if (x->impl) {
    impl_give(l, x->impl);
    x->impl = NULL;
  }
  if (rc) {
    int status = x->resp->status;
    awsc_http_response_cleanup(x->resp);
    if (x->err && status && !x->err->http_status)
      x->err->http_status = status;
  }
  x->done(x, rc);
}

static int add_to_multi(awsc_loop *l, awsc_xfer_impl *im) {
  CURLMcode mc = curl_multi_add_handle(l->multi, im->easy);
  if (mc != CURLM_OK)
    return awsc_error_set(
        im->x->err, mc == CURLM_OUT_OF_MEMORY ? AWSC_ENOMEM : AWSC_ENETWORK,
        AWSC_ERROR_INTERNAL, "curl_multi_add_handle: %s",
        curl_multi_strerror(mc));
  awsc_loop_timer_arm(l, &im->x->timer, im->read_ms, read_timer_fired);
  return 0;
}

/* libcurl says the exchange is over (result), as perform() in
 * curl_transport.c reads it: counters, the status, a stale pooled
 * connection sent again once. */
static void xfer_done(awsc_loop *l, awsc_xfer_impl *im, CURLcode result) {
  awsc_loop_xfer *x = im->x;
  exchange *ex = &im->ex;
  curl_multi_remove_handle(l->multi, im->easy);
  long conns = 0, code = 0;
  if (curl_easy_getinfo(im->easy, CURLINFO_NUM_CONNECTS, &conns) == CURLE_OK &&
      conns > 0)
    atomic_fetch_add(&im->t->connections_opened, (uint64_t)conns);
  if (curl_easy_getinfo(im->easy, CURLINFO_RESPONSE_CODE, &code) == CURLE_OK &&
      code > 0)
    x->resp->status = (int)code;
  int rc = 0;
  if (result != CURLE_OK || ex->abort_status) {
    bool stale = conns == 0 && !ex->abort_status && x->resp->status == 0 &&
                 x->resp->header_count == 0 && x->resp->bytes_received == 0 &&
                 (result == CURLE_SEND_ERROR || result == CURLE_RECV_ERROR ||
                  result == CURLE_GOT_NOTHING);
    if (stale && !im->stale_retried &&
        (ex->body_sent == 0 ||
         exchange_seek_cb(ex, 0, SEEK_SET) == CURL_SEEKFUNC_OK)) {
      /* as curl_send: a pooled connection the server had closed */
      im->stale_retried = true;
      im->errbuf[0] = '\0';
      ex->io_started = false;
      int arc = add_to_multi(l, im);
      if (arc == 0)
        return;
      xfer_complete(l, x, arc);
      return;
    }
    rc = awsc_curl_fail_exchange(ex, result, im->errbuf, x->err);
  } else {
    atomic_fetch_add(&im->t->requests, 1);
    rc = exchange_finish_sink(ex, x->err);
  }
  if (x->err && ex->sends > 1)
    x->err->retry_attempts = ex->sends - 1;
  xfer_complete(l, x, rc);
}

/* The read timeout (maximum silence once the connection is up), checked
 * lazily: the timer is re-armed for what is left after activity. */
static void read_timer_fired(awsc_loop_timer *t) {
  awsc_loop_xfer *x =
      (awsc_loop_xfer *)((char *)t - offsetof(awsc_loop_xfer, timer));
  awsc_xfer_impl *im = x->impl;
  awsc_loop *l = x->loop;
  if (!im || !x->running)
    return;
  int64_t left = im->read_ms;
  if (im->ex.io_started && !x->paused)
    left = im->ex.last_activity_ms + im->read_ms - awsc_http_coarse_ms();
  if (left > 0) {
    awsc_loop_timer_arm(l, t, (long)left, read_timer_fired);
    return;
  }
  /* removing an unfinished transfer closes its connection */
  curl_multi_remove_handle(l->multi, im->easy);
  char host[256];
  awsc_http_url_host(host, sizeof(host), x->req.url);
  awsc_error_set(x->err, AWSC_ETIMEOUT, AWSC_ERROR_TIMEOUT,
                 "%s %s: no data for %ld ms (read timeout)", x->req.method,
                 host, im->read_ms);
  if (x->err)
    x->err->http_status = x->resp->status;
  xfer_complete(l, x, AWSC_ETIMEOUT);
}

/* A transport without a multi handle: its blocking send, from the loop. */
static void blocking_send_fired(awsc_loop_timer *t) {
  awsc_loop_xfer *x =
      (awsc_loop_xfer *)((char *)t - offsetof(awsc_loop_xfer, timer));
  int rc = awsc_transport_send(x->transport, &x->req, x->resp, x->err);
  x->running = false;
  x->loop->n_xfers--;
  x->done(x, rc);
}

static int start_curl(awsc_loop *l, awsc_loop_xfer *x) {
  curl_transport *t = x->transport->impl;
  awsc_xfer_impl *im = impl_take(l);
  if (!im)
    return awsc_error_set(x->err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory creating a curl handle");
  im->x = x;
  im->t = t;
  im->stale_retried = false;
  im->errbuf[0] = '\0';
  curl_kept_opts kept = im->ex.kept; /* the handle's */
  memset(&im->ex, 0, sizeof(im->ex));
  im->ex.kept = kept;
  im->ex.req = &x->req;
  im->ex.resp = x->resp;
  im->ex.head = strcmp(x->req.method, "HEAD") == 0;
  im->read_ms =
      x->req.read_timeout_ms ? x->req.read_timeout_ms : t->read_timeout_ms;
  x->impl = im;
  int rc = exchange_open_body(&im->ex, x->err);
  bool upload = awsc_curl_wants_upload(&im->ex);
  struct curl_slist *headers = NULL;
  if (!rc)
    rc = awsc_curl_build_headers(t, &im->ex, upload, &im->hdrs, &headers,
                                 x->err);
  if (!rc) {
    CURLcode c = CURLE_OK;
    if (im->configured != t)
      c = impl_configure(l, im, t);
    if (c == CURLE_OK)
      c = awsc_curl_configure(t, im->easy, &im->ex, upload, headers);
    if (c != CURLE_OK)
      rc = awsc_curl_fail_exchange(&im->ex, c, NULL, x->err);
  }
  if (!rc)
    rc = add_to_multi(l, im);
  if (rc) {
    impl_give(l, im);
    x->impl = NULL;
  }
  return rc;
}

int awsc_loop_xfer_start(awsc_loop *l, awsc_loop_xfer *x,
                         awsc_transport *transport,
                         const awsc_http_request *req, awsc_http_response *resp,
                         awsc_error *err, awsc_loop_xfer_cb done) {
  /* zeroed but for storage set up by awsc_http_response_use_arena */
  awsc_http_response_reset_kept(resp);
  awsc_loop_timer tm = {0};
  x->timer = tm;
  x->loop = l;
  x->transport = transport;
  x->req = *req;
  x->resp = resp;
  x->err = err;
  x->done = done;
  x->impl = NULL;
  x->paused = x->pause_queued = false;
  x->pause_next = NULL;
  if (!transport || !transport->vtable || !transport->vtable->send)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "no transport");
  int rc = awsc_http_check_request(req, err);
  if (rc)
    return rc;
  if (awsc_transport_is_curl(transport)) {
    note_tls(l, transport, req, x->sink_ours);
    guard_enter(l);
    rc = start_curl(l, x);
    guard_exit(l);
  } else {
    awsc_loop_timer_arm(l, &x->timer, 0, blocking_send_fired);
  }
  if (!rc) {
    x->running = true;
    if (++l->n_xfers > l->peak_xfers)
      l->peak_xfers = l->n_xfers;
  }
  report_timer(l);
  return rc;
}

void awsc_loop_xfer_abort(awsc_loop_xfer *x) {
  if (!x->running)
    return;
  awsc_loop *l = x->loop;
  x->running = false;
  l->n_xfers--;
  awsc_loop_timer_stop(l, &x->timer);
  unqueue_pause(l, x);
  if (x->impl) {
    guard_enter(l);
    curl_multi_remove_handle(l->multi, x->impl->easy);
    impl_give(l, x->impl);
    guard_exit(l);
    x->impl = NULL;
  }
  awsc_http_response_cleanup(x->resp);
  report_timer(l);
}

/* Apply the pause changes asked for, with libcurl's callbacks (which a
 * resume may run at once) seeing in_curl: a pause asked from there is
 * queued, never applied re-entrantly. */
static void apply_pauses(awsc_loop *l) {
  while (l->pauses) {
    awsc_loop_xfer *x = l->pauses;
    l->pauses = x->pause_next;
    x->pause_queued = false;
    if (!x->impl || !x->running)
      continue;
    if (!x->paused)
      x->impl->ex.last_activity_ms = awsc_http_coarse_ms();
    l->in_curl = true;
    curl_easy_pause(x->impl->easy, x->paused ? CURLPAUSE_RECV : CURLPAUSE_CONT);
    l->in_curl = false;
  }
}

void awsc_loop_xfer_pause(awsc_loop_xfer *x, bool pause) {
  if (!x->running || !x->impl || x->paused == pause)
    return;
  awsc_loop *l = x->loop;
  x->paused = pause;
  if (!x->pause_queued) {
    x->pause_queued = true;
    x->pause_next = l->pauses;
    l->pauses = x;
  }
  if (l->in_curl)
    return;
  guard_enter(l);
  apply_pauses(l);
  guard_exit(l);
  report_timer(l);
}

/* ---- driving ---- */

/* Pauses asked from callbacks, then the finished exchanges, then the
 * work their callbacks deferred (awsc_loop_defer: the calls they started,
 * built and signed together). */
static int drain(awsc_loop *l) {
  int n = 0;
  l->draining++;
  for (;;) {
    apply_pauses(l);
    CURLMsg *m;
    int left;
    if (!(m = curl_multi_info_read(l->multi, &left))) {
      if (!l->deferred)
        break;
      awsc_loop_timer *t = l->deferred;
      awsc_loop_timer_stop(l, t);
      t->fire(t);
      continue;
    }
    if (m->msg != CURLMSG_DONE)
      continue;
    char *priv = NULL;
    curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &priv);
    awsc_xfer_impl *im = (awsc_xfer_impl *)(void *)priv;
    CURLcode result = m->data.result;
    if (im && im->x) {
      xfer_done(l, im, result);
      n++;
    }
  }
  l->draining--;
  return n;
}

static int multi_failed(CURLMcode mc, awsc_error *err) {
  return awsc_error_set(
      err, mc == CURLM_OUT_OF_MEMORY ? AWSC_ENOMEM : AWSC_ENETWORK,
      AWSC_ERROR_NETWORK, "curl multi: %s", curl_multi_strerror(mc));
}

/* libcurl's own timer, if due (epoll and hooked loops, which follow it
 * through curl_due_ms). How many transfers it finished is drain's. */
static CURLMcode curl_timer_if_due(awsc_loop *l) {
  if (l->curl_due_ms < 0 || l->curl_due_ms > awsc_http_mono_ms())
    return CURLM_OK;
  l->curl_due_ms = -1;
  int running = 0;
  l->in_curl = true;
  CURLMcode mc =
      curl_multi_socket_action(l->multi, CURL_SOCKET_TIMEOUT, 0, &running);
  l->in_curl = false;
  return mc;
}

/* One pass without waiting: due timers, libcurl's work, completions. How
 * much happened, or a negative status. */
static int pass(awsc_loop *l, awsc_error *err) {
  int n = fire_due(l);
  int running = 0;
  l->in_curl = true;
  CURLMcode mc = curl_multi_perform(l->multi, &running);
  l->in_curl = false;
  if (mc != CURLM_OK)
    return multi_failed(mc, err);
  return n + drain(l);
}

/* A pass, then, if nothing happened and there is something to wait for,
 * a wait of at most timeout_ms (-1: long) and another pass. */
static int run_step(awsc_loop *l, long timeout_ms, awsc_error *err) {
  int rc = pass(l, err);
  if (rc == 0 && (l->n_ops > 0 || l->n_xfers > 0) && timeout_ms != 0) {
    long wait = timeout_ms < 0 ? POLL_CAP_MS : timeout_ms;
    /* libcurl calls a transfer's progress callback (the blocking path's
     * deadline check) only when driven: a silent transfer is looked at
     * at least once a second, as curl_easy_perform does */
    if (l->n_xfers > 0 && wait > PROGRESS_TICK_MS)
      wait = PROGRESS_TICK_MS;
    long ct = -1;
    if (curl_multi_timeout(l->multi, &ct) == CURLM_OK && ct >= 0 && ct < wait)
      wait = ct;
    if (l->timers) {
      int64_t left = l->timers->due_ms - awsc_http_mono_ms();
      if (left < wait)
        wait = left > 0 ? (long)left : 0;
    }
    CURLMcode mc = CURLM_OK;
    if (wait > 0)
      mc = curl_multi_poll(l->multi, NULL, 0, (int)wait, NULL);
    rc = mc != CURLM_OK ? multi_failed(mc, err) : pass(l, err);
  }
  return rc;
}

#ifdef HAVE_EPOLL
/* The state of descriptor s if the loop has one (grow: make room). */
static sock_state *sock_slot(awsc_loop *l, curl_socket_t s, bool grow) {
  if (s < 0)
    return NULL;
  if (s >= l->n_socks) {
    if (!grow || s >= INT_MAX / 2)
      return NULL;
    int n = l->n_socks ? l->n_socks : 64;
    while (n <= s)
      n *= 2;
    sock_state *p = awsc_realloc(l->socks, (size_t)n * sizeof(*p));
    if (!p)
      return NULL;
    memset(p + l->n_socks, 0, (size_t)(n - l->n_socks) * sizeof(*p));
    l->socks = p;
    l->n_socks = n;
  }
  return &l->socks[s];
}

/* libcurl opens a connection's socket as it would itself, and the loop
 * notes it as one it will see closed (without room to note it, the
 * socket is handled as any other: out of the set on CURL_POLL_REMOVE). */
static curl_socket_t open_socket_cb(void *clientp, curlsocktype purpose,
                                    struct curl_sockaddr *address) {
  awsc_loop *l = clientp;
  (void)purpose;
  curl_socket_t s =
      socket(address->family, address->socktype, address->protocol);
  sock_state *st = s != CURL_SOCKET_BAD ? sock_slot(l, s, true) : NULL;
  if (st) {
    memset(st, 0, sizeof(*st));
    st->ours = 1;
  }
  return s;
}

/* A connection's socket closes: out of the epoll set first (a copy of
 * the descriptor, as a forked child holds, would keep it there), then
 * its number is free for any socket. */
static int close_socket_cb(void *clientp, curl_socket_t s) {
  awsc_loop *l = clientp;
  sock_state *st = sock_slot(l, s, false);
  if (st && st->ours) {
    if (st->in_set)
      epoll_ctl(l->epfd, EPOLL_CTL_DEL, s, NULL);
    memset(st, 0, sizeof(*st));
  }
  return close(s);
}

/* Add, change or (op DEL) remove s in the epoll set; a number reused
 * behind the loop's back is added or changed the other way. */
static int epoll_set(awsc_loop *l, int op, curl_socket_t s, uint32_t events) {
  struct epoll_event ev;
  memset(&ev, 0, sizeof(ev));
  ev.events = events;
  ev.data.fd = s;
  if (epoll_ctl(l->epfd, op, s, &ev) == 0 || op == EPOLL_CTL_DEL)
    return 0;
  op = errno == EEXIST ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
  return epoll_ctl(l->epfd, op, s, &ev);
}

/* libcurl's socket interest, as epoll registrations. A connection's
 * socket (sock_state.ours) stays in the set when libcurl stops watching
 * it for reading (CURL_POLL_REMOVE at the end of each transfer on a kept
 * connection) and is taken out only if it wakes the loop while
 * unwatched (run_step_epoll: a server closing an idle connection): the
 * next transfer on the connection asks for the same reading, and the two
 * epoll_ctl calls a request (out at the end, in at the next) are saved.
 * Writing interest is never kept (a writable socket always wakes).
 * Other sockets (the threaded resolver's) are added and removed as
 * libcurl says (socketp marks one in the set; libcurl forgets it on
 * CURL_POLL_REMOVE). */
static int epoll_socket_cb(CURL *easy, curl_socket_t s, int what, void *userp,
                           void *socketp) {
  awsc_loop *l = userp;
  (void)easy;
  sock_state *st = sock_slot(l, s, false);
  if (st && !st->ours)
    st = NULL;
  if (what == CURL_POLL_REMOVE) {
    if (st) {
      st->wanted = 0;
      if (st->in_set == EPOLLIN || !st->in_set)
        return 0;
      st->in_set = 0;
    }
    epoll_ctl(l->epfd, EPOLL_CTL_DEL, s, NULL);
    return 0;
  }
  uint32_t events = ((what & CURL_POLL_IN) ? EPOLLIN : 0u) |
                    ((what & CURL_POLL_OUT) ? EPOLLOUT : 0u);
  if (st) {
    st->wanted = 1;
    if (st->in_set == events)
      return 0;
    if (epoll_set(l, st->in_set ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, s, events)) {
      st->in_set = 0;
      return -1;
    }
    st->in_set = (uint16_t)events;
    return 0;
  }
  if (epoll_set(l, socketp ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, s, events))
    return -1;
  if (!socketp)
    curl_multi_assign(l->multi, s, l);
  return 0;
}

/* Whether an event on fd is for libcurl; a kept socket libcurl no longer
 * watches leaves the set instead (level-triggered, it would wake the
 * loop again at once: a closed idle connection's EPOLLIN/EPOLLHUP). */
static bool event_wanted(awsc_loop *l, int fd) {
  sock_state *st = sock_slot(l, fd, false);
  if (!st || !st->ours || st->wanted)
    return true;
  if (st->in_set) {
    epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
    st->in_set = 0;
  }
  return false;
}

/* How long an epoll loop may sleep: the earlier of timeout_ms (-1: long),
 * libcurl's timer and the loop's first timer. */
static long epoll_wait_ms(const awsc_loop *l, long timeout_ms) {
  long wait = timeout_ms < 0 ? POLL_CAP_MS : timeout_ms;
  int64_t now = awsc_http_mono_ms();
  int64_t due = l->curl_due_ms;
  if (l->timers && (due < 0 || l->timers->due_ms < due))
    due = l->timers->due_ms;
  if (due >= 0 && due - now < wait)
    wait = due > now ? (long)(due - now) : 0;
  return wait;
}

/* run_step for a loop on epoll: due timers and libcurl's work without
 * waiting; if nothing happened, one wait and the sockets that woke. */
static int run_step_epoll(awsc_loop *l, long timeout_ms, awsc_error *err) {
  int n = fire_due(l);
  CURLMcode mc = curl_timer_if_due(l);
  if (mc != CURLM_OK)
    return multi_failed(mc, err);
  n += drain(l);
  if (n > 0 || (l->n_ops == 0 && l->n_xfers == 0) || timeout_ms == 0)
    return n;
  struct epoll_event ev[EPOLL_BATCH];
  long wait = epoll_wait_ms(l, timeout_ms);
  int got = epoll_wait(l->epfd, ev, EPOLL_BATCH,
                       wait > INT_MAX ? INT_MAX : (int)wait);
  if (got < 0 && errno != EINTR)
    return awsc_error_set(err, AWSC_ENETWORK, AWSC_ERROR_NETWORK,
                          "epoll_wait failed (errno %d)", errno);
  for (int i = 0; i < got; i++) {
    if (!event_wanted(l, ev[i].data.fd))
      continue;
    int mask = ((ev[i].events & (EPOLLIN | EPOLLHUP)) ? CURL_CSELECT_IN : 0) |
               ((ev[i].events & EPOLLOUT) ? CURL_CSELECT_OUT : 0) |
               ((ev[i].events & EPOLLERR) ? CURL_CSELECT_ERR : 0);
    int running = 0;
    l->in_curl = true;
    mc = curl_multi_socket_action(l->multi, ev[i].data.fd, mask, &running);
    l->in_curl = false;
    if (mc != CURLM_OK)
      return multi_failed(mc, err);
  }
  mc = curl_timer_if_due(l);
  if (mc != CURLM_OK)
    return multi_failed(mc, err);
  n = drain(l);
  return n + fire_due(l);
}
#endif

int awsc_loop_run_once(awsc_loop *l, long timeout_ms, awsc_error *err) {
  if (!l || l->hooked)
    return awsc_error_set(
        err, AWSC_EINVAL, AWSC_ERROR_VALIDATION, "awsc_loop_run_once: %s",
        l ? "the loop is driven through its hooks" : "NULL loop");
  guard_enter(l);
  int rc;
#ifdef HAVE_EPOLL
  if (l->epfd >= 0)
    rc = run_step_epoll(l, timeout_ms, err);
  else
#endif
    rc = run_step(l, timeout_ms, err);
  guard_exit(l);
  return rc < 0 ? rc : (int)(l->n_ops > INT_MAX ? INT_MAX : l->n_ops);
}

typedef struct sync_xfer {
  awsc_loop_xfer x; /* first */
  bool done;
  int rc;
} sync_xfer;

static void sync_done(awsc_loop_xfer *x, int rc) {
  sync_xfer *w = (sync_xfer *)(void *)x;
  w->done = true;
  w->rc = rc;
}

int awsc_loop_send_blocking(awsc_loop *l, awsc_transport *transport,
                            const awsc_http_request *req,
                            awsc_http_response *resp, awsc_error *err) {
  sync_xfer w;
  memset(&w, 0, sizeof(w));
  if (req && req->url && transport)
    note_tls(l, transport, req, false);
  guard_enter(l);
  int rc = awsc_loop_xfer_start(l, &w.x, transport, req, resp, err, sync_done);
  while (!rc && !w.done) {
    int s;
#ifdef HAVE_EPOLL
    if (l->epfd >= 0)
      s = run_step_epoll(l, -1, err);
    else
#endif
      s = run_step(l, -1, err);
    if (s < 0) {
      awsc_loop_xfer_abort(&w.x);
      rc = s;
    }
  }
  guard_exit(l);
  return rc ? rc : w.rc;
}

int awsc_loop_run(awsc_loop *l, awsc_error *err) {
  for (;;) {
    int rc = awsc_loop_run_once(l, -1, err);
    if (rc <= 0)
      return rc;
  }
}

int awsc_loop_socket_action(awsc_loop *l, int fd, int events, awsc_error *err) {
  if (!l || !l->hooked)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_loop_socket_action: a loop without hooks");
  int mask = ((events & AWSC_LOOP_IN) ? CURL_CSELECT_IN : 0) |
             ((events & AWSC_LOOP_OUT) ? CURL_CSELECT_OUT : 0);
  guard_enter(l);
  int running = 0;
  l->in_curl = true;
  CURLMcode mc = curl_multi_socket_action(l->multi, fd, mask, &running);
  l->in_curl = false;
  int rc = mc != CURLM_OK ? multi_failed(mc, err) : 0;
  drain(l);
  fire_due(l);
  guard_exit(l);
  report_timer(l);
  return rc < 0 ? rc : (int)(l->n_ops > INT_MAX ? INT_MAX : l->n_ops);
}

int awsc_loop_timeout(awsc_loop *l, awsc_error *err) {
  if (!l || !l->hooked)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_loop_timeout: a loop without hooks");
  guard_enter(l);
  l->reported_due = -1; /* that timer is spent */
  CURLMcode mc = curl_timer_if_due(l);
  int rc = mc != CURLM_OK ? multi_failed(mc, err) : 0;
  drain(l);
  fire_due(l);
  drain(l);
  guard_exit(l);
  report_timer(l);
  return rc < 0 ? rc : (int)(l->n_ops > INT_MAX ? INT_MAX : l->n_ops);
}

int awsc_loop_assign(awsc_loop *l, int fd, void *socket_data) {
  if (!l || !l->hooked)
    return AWSC_EINVAL;
  return curl_multi_assign(l->multi, fd, socket_data) == CURLM_OK ? AWSC_OK
                                                                  : AWSC_EINVAL;
}

/* ---- hooks as libcurl calls them ---- */

static int socket_cb(CURL *easy, curl_socket_t s, int what, void *userp,
                     void *socketp) {
  awsc_loop *l = userp;
  (void)easy;
  int events = what == CURL_POLL_REMOVE
                   ? AWSC_LOOP_REMOVE
                   : ((what & CURL_POLL_IN) ? AWSC_LOOP_IN : 0) |
                         ((what & CURL_POLL_OUT) ? AWSC_LOOP_OUT : 0);
  l->opt.socket_hook(l, (int)s, events, socketp, l->opt.hook_user_data);
  return 0;
}

static int timer_cb(CURLM *multi, long timeout_ms, void *userp) {
  awsc_loop *l = userp;
  (void)multi;
  l->curl_due_ms = timeout_ms < 0 ? -1 : awsc_http_mono_ms() + timeout_ms;
  /* told to the application when the loop's call returns (report_timer):
   * libcurl must not be re-entered from its own callback */
  return 0;
}

/* ---- lifetime ---- */

static int loop_new(awsc_loop **out, const awsc_loop_options *options,
                    bool epoll_ok, awsc_error *err) {
  static const awsc_loop_options defaults = AWSC_LOOP_OPTIONS_INIT;
  const awsc_loop_options *o = options ? options : &defaults;
  if (!out)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_loop_new: out is NULL");
  *out = NULL;
  if (!AWSC_VERSION_OK(o->version, AWSC_LOOP_OPTIONS_VERSION))
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_loop_options.version is %d, expected %d "
                          "(use AWSC_LOOP_OPTIONS_INIT)",
                          o->version, AWSC_LOOP_OPTIONS_VERSION);
  if (!o->socket_hook != !o->timer_hook || o->max_connections < 0)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_loop_options: give both hooks or neither, "
                          "and max_connections >= 0");
  int rc = awsc_global_init();
  if (rc)
    return awsc_error_set(err, rc, awsc_http_status_kind(rc),
                          "awsc global initialisation failed: %s",
                          awsc_strerror(rc));
  awsc_loop *l = awsc_calloc(1, sizeof(*l));
  if (!l || !(l->multi = curl_multi_init())) {
    awsc_free(l);
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory creating a loop");
  }
  l->opt = *o;
  l->hooked = o->socket_hook != NULL;
  l->curl_due_ms = -1;
  l->reported_due = -1;
  l->epfd = -1;
#ifdef HAVE_EPOLL
  /* without epoll (out of descriptors) the loop runs the poll way */
  if (epoll_ok && !l->hooked)
    l->epfd = epoll_create1(EPOLL_CLOEXEC);
#else
  (void)epoll_ok;
#endif
  long maxc =
      o->max_connections ? o->max_connections : DEFAULT_LOOP_CONNECTIONS;
  CURLMcode mc = curl_multi_setopt(l->multi, CURLMOPT_MAXCONNECTS, maxc);
  /* libcurl's socket interest goes to the application's hooks, or to the
   * loop's epoll set; neither: the poll way (curl_multi_poll) */
  curl_socket_callback sockets = l->hooked ? socket_cb : NULL;
#ifdef HAVE_EPOLL
  if (l->epfd >= 0)
    sockets = epoll_socket_cb;
#endif
  if (mc == CURLM_OK && sockets) {
    mc = curl_multi_setopt(l->multi, CURLMOPT_SOCKETFUNCTION, sockets);
    if (mc == CURLM_OK)
      mc = curl_multi_setopt(l->multi, CURLMOPT_SOCKETDATA, l);
    if (mc == CURLM_OK)
      mc = curl_multi_setopt(l->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
    if (mc == CURLM_OK)
      mc = curl_multi_setopt(l->multi, CURLMOPT_TIMERDATA, l);
  }
  if (mc != CURLM_OK) {
    curl_multi_cleanup(l->multi);
    if (l->epfd >= 0)
      close(l->epfd);
    awsc_free(l);
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_INTERNAL,
                          "curl_multi_setopt: %s", curl_multi_strerror(mc));
  }
  *out = l;
  return AWSC_OK;
}

int awsc_loop_new(awsc_loop **out, const awsc_loop_options *options,
                  awsc_error *err) {
  return loop_new(out, options, true, err);
}

int awsc_loop_new_single(awsc_loop **out, const awsc_loop_options *options,
                         awsc_error *err) {
  return loop_new(out, options, false, err);
}

void awsc_loop_free(awsc_loop *l) {
  if (!l)
    return;
  guard_enter(l);
  /* every call completes (cancelled) from here, in the order its
   * cancellation timer fires */
  awsc_loop_cancel_all(l);
  while (l->n_ops && l->timers) {
    awsc_loop_timer *t = l->timers;
    awsc_loop_timer_stop(l, t);
    t->fire(t);
  }
  while (l->timers)
    awsc_loop_timer_stop(l, l->timers);
  while (l->idle) {
    awsc_xfer_impl *im = l->idle;
    l->idle = im->next_idle;
    impl_free(im);
  }
  for (void *b; (b = awsc_loop_spare_take(l, l->spare_size)) != NULL;)
    awsc_free(b);
  curl_multi_cleanup(l->multi); /* closes through close_socket_cb */
  if (l->epfd >= 0)
    close(l->epfd);
  awsc_free(l->socks);
  guard_exit(l);
  if (l->hooked && l->reported_due >= 0)
    l->opt.timer_hook(l, -1, l->opt.hook_user_data);
  awsc_free(l);
}
