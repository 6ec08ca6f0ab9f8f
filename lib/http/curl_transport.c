/*
 * lib/http/curl_transport.c - the libcurl transport: a pool of private
 * awsc_loops (loop.c), each with its own multi handle and connections,
 * sharing DNS and TLS sessions through one share handle. A blocking send
 * is one transfer of the asynchronous engine run to its end on a loop
 * taken from the pool (awsc_loop_send_blocking).
 *
 * Why connections are not shared through CURL_LOCK_DATA_CONNECT: libcurl
 * says "it is not supported to share connections between multiple
 * concurrent threads" (CURLSHOPT_SHARE; KNOWN_BUGS "A shared connection
 * cache is not thread-safe"; crashes in curl issues #2219, #3391, #4915,
 * #13347, #13840, 7.57 through 8.x). Instead every pooled entry
 * keeps its connections in its own multi handle, and the pool hands out
 * the most recently used entry first, so sequential requests ride one
 * connection and N concurrent callers use about N connections.
 *
 * Why a loop (multi handle) per entry rather than curl_easy_perform: the easy
 * interface wakes up at most once a second when the socket is silent, so
 * a read timeout below a second would fire late; driving the transfer
 * ourselves lets it fire on time.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "http/curl_internal.h"
#include "http/loop_internal.h"

#define DEFAULT_CONNECT_TIMEOUT_MS 60000L
#define DEFAULT_READ_TIMEOUT_MS 60000L
#define DEFAULT_MAX_CONNECTIONS 10
#define DEFAULT_EXPECT_THRESHOLD ((int64_t)1 << 20)

static const awsc_transport_vtable curl_vtable;

/* ---- SIGPIPE ----
 * CURLOPT_NOSIGNAL stops libcurl from touching signal handlers (which is
 * process-wide and racy); libcurl then sends with MSG_NOSIGNAL, but a
 * TLS library writing to a socket the peer closed could still raise
 * SIGPIPE. So for the duration of a call that may write to a socket the
 * calling thread blocks SIGPIPE and discards one it caused (the libpq
 * approach): no process-wide state changes. */

void awsc_sigpipe_block(sigpipe_guard *g) {
  sigset_t set, pending;
  sigemptyset(&set);
  sigaddset(&set, SIGPIPE);
  g->active = pthread_sigmask(SIG_BLOCK, &set, &g->old) == 0;
  g->was_pending = false;
  if (g->active && sigpending(&pending) == 0)
    g->was_pending = sigismember(&pending, SIGPIPE) == 1;
}

void awsc_sigpipe_restore(sigpipe_guard *g) {
  if (!g->active)
    return;
  sigset_t set, pending;
  sigemptyset(&set);
  sigaddset(&set, SIGPIPE);
  if (!g->was_pending && sigpending(&pending) == 0 &&
      sigismember(&pending, SIGPIPE) == 1) {
    const struct timespec zero = {0, 0};
    while (sigtimedwait(&set, NULL, &zero) < 0 && errno == EINTR) {
    }
  }
  pthread_sigmask(SIG_SETMASK, &g->old, NULL);
}

/* ---- share handle locks: one mutex per kind of shared data ---- */
static void share_lock(CURL *h, curl_lock_data data, curl_lock_access access,
                       void *ud) {
  curl_transport *t = ud;
  (void)h;
  (void)access;
  if ((int)data >= 0 && data < CURL_LOCK_DATA_LAST)
    pthread_mutex_lock(&t->share_locks[data]);
}

static void share_unlock(CURL *h, curl_lock_data data, void *ud) {
  curl_transport *t = ud;
  (void)h;
  if ((int)data >= 0 && data < CURL_LOCK_DATA_LAST)
    pthread_mutex_unlock(&t->share_locks[data]);
}

/* ---- the pool: private loops, each with its own connections ---- */
static void entry_free(pool_entry *e) {
  if (!e)
    return;
  awsc_loop_free(e->loop); /* closes the entry's connections */
  awsc_free(e);
}

static pool_entry *pool_get(curl_transport *t) {
  pthread_mutex_lock(&t->pool_lock);
  pool_entry *e = t->idle;
  if (e) {
    t->idle = e->next;
    t->idle_count--;
  }
  pthread_mutex_unlock(&t->pool_lock);
  if (e)
    return e;
  /* None idle: make one. More callers than max_connections get a loop
   * each (like botocore's non-blocking pool); the extras are dropped when
   * they come back. */
  e = awsc_calloc(1, sizeof(*e));
  if (!e)
    return NULL;
  awsc_loop_options o = AWSC_LOOP_OPTIONS_INIT;
  o.max_connections = t->max_connections;
  if (awsc_loop_new_single(&e->loop, &o, NULL) != 0) {
    awsc_free(e);
    return NULL;
  }
  return e;
}

static void pool_put(curl_transport *t, pool_entry *e) {
  pthread_mutex_lock(&t->pool_lock);
  bool keep = t->idle_count < t->max_connections;
  if (keep) {
    e->next = t->idle;
    t->idle = e;
    t->idle_count++;
  }
  pthread_mutex_unlock(&t->pool_lock);
  if (!keep)
    entry_free(e);
}

/* ---- loops for transfers (loop_internal.h) ---- */
int awsc_transport_loop_take(awsc_transport *tp, awsc_loop **out,
                             awsc_error *err) {
  *out = NULL;
  if (tp && awsc_transport_is_curl(tp)) {
    curl_transport *t = tp->impl;
    pthread_mutex_lock(&t->pool_lock);
    if (t->n_xfer_loops > 0)
      *out = t->xfer_loops[--t->n_xfer_loops];
    pthread_mutex_unlock(&t->pool_lock);
    if (*out)
      return 0;
  }
  return awsc_loop_new(out, NULL, err);
}

void awsc_transport_loop_give(awsc_transport *tp, awsc_loop *l) {
  if (!l)
    return;
  if (tp && awsc_transport_is_curl(tp) && awsc_loop_is_quiet(l)) {
    curl_transport *t = tp->impl;
    pthread_mutex_lock(&t->pool_lock);
    if (t->n_xfer_loops < CURL_XFER_LOOPS_KEPT) {
      t->xfer_loops[t->n_xfer_loops++] = l;
      l = NULL;
    }
    pthread_mutex_unlock(&t->pool_lock);
  }
  awsc_loop_free(l);
}

/* ---- errors ---- */
int awsc_curl_map_code(CURLcode c) {
  switch (c) {
  case CURLE_OPERATION_TIMEDOUT:
    return AWSC_ETIMEOUT;
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SSL_CONNECT_ERROR:
  case CURLE_SSL_ENGINE_NOTFOUND:
  case CURLE_SSL_ENGINE_SETFAILED:
  case CURLE_SSL_CERTPROBLEM:
  case CURLE_SSL_CIPHER:
  case CURLE_SSL_ENGINE_INITFAILED:
  case CURLE_SSL_CACERT_BADFILE:
  case CURLE_SSL_SHUTDOWN_FAILED:
  case CURLE_SSL_CRL_BADFILE:
  case CURLE_SSL_ISSUER_ERROR:
  case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
  case CURLE_SSL_INVALIDCERTSTATUS:
  case CURLE_SSL_CLIENTCERT:
  case CURLE_USE_SSL_FAILED:
    return AWSC_ETLS;
  case CURLE_ABORTED_BY_CALLBACK:
    return AWSC_ECANCELLED;
  case CURLE_READ_ERROR:
  case CURLE_WRITE_ERROR:
  case CURLE_FILE_COULDNT_READ_FILE:
    return AWSC_EIO;
  case CURLE_SEND_FAIL_REWIND:
    return AWSC_EBODY;
  case CURLE_OUT_OF_MEMORY:
    return AWSC_ENOMEM;
  case CURLE_URL_MALFORMAT:
  case CURLE_UNSUPPORTED_PROTOCOL:
  case CURLE_BAD_FUNCTION_ARGUMENT:
    return AWSC_EINVAL;
  default:
    /* resolve, connect, send, recv, empty reply, proxy, HTTP framing */
    return AWSC_ENETWORK;
  }
}

int awsc_curl_fail_exchange(const exchange *ex, CURLcode code, const char *text,
                            awsc_error *err) {
  char host[256], clean[300];
  awsc_http_url_host(host, sizeof(host), ex->req->url);
  int status;
  if (ex->abort_status) {
    status = ex->abort_status;
    awsc_http_scrub_query(clean, sizeof(clean), ex->abort_msg);
  } else if (code == CURLE_SEND_FAIL_REWIND && ex->rewind_failed) {
    status = AWSC_EBODY;
    snprintf(clean, sizeof(clean),
             "the request body had to be sent again (the connection was lost "
             "or the server asked for it) but it can not be rewound");
  } else {
    status = awsc_curl_map_code(code);
    awsc_http_scrub_query(clean, sizeof(clean),
                          text && *text ? text : curl_easy_strerror(code));
  }
  size_t n = strlen(clean);
  while (n > 0 && (clean[n - 1] == '\n' || clean[n - 1] == '\r'))
    clean[--n] = '\0';
  awsc_error_set(err, status, awsc_http_status_kind(status), "%s %s: %s",
                 ex->req->method, host, clean);
  if (err)
    err->http_status = ex->resp->status;
  return status;
}

/* ---- request setup ---- */
static bool name_is(const char *a, const char *b) {
  return strcasecmp(a, b) == 0;
}

/* Whether a caller's header is one libcurl must compute from the body
 * itself (a hand-set Content-Length that disagrees with the bytes sent
 * desynchronises keep-alive connections). */
static bool is_framing(const char *name) {
  char c = (char)(*name | 0x20);
  return (c == 'c' && name_is(name, "Content-Length")) ||
         (c == 't' && name_is(name, "Transfer-Encoding"));
}

/* Make room for n lines and len bytes of text; the store only grows, so
 * a handle kept from request to request allocates nothing once warm. */
static bool store_reserve(curl_hdr_store *st, size_t n, size_t len) {
  if (n > st->cap_nodes) {
    size_t cap = n < 16 ? 16 : n * 2;
    struct curl_slist *p = awsc_realloc(st->nodes, cap * sizeof(*p));
    if (!p)
      return false;
    st->nodes = p;
    st->cap_nodes = cap;
  }
  if (len > st->cap_text) {
    size_t cap = len < 1024 ? 1024 : len * 2;
    char *p = awsc_realloc(st->text, cap);
    if (!p)
      return false;
    st->text = p;
    st->cap_text = cap;
  }
  return true;
}

/* One line: name (nl bytes), then sep, then value (vl bytes), at *pos,
 * linked after the previous node. */
static void store_line(curl_hdr_store *st, size_t *n, size_t *pos,
                       const char *name, size_t nl, const char *sep,
                       const char *value, size_t vl) {
  char *line = st->text + *pos;
  char *w = line;
  memcpy(w, name, nl);
  w += nl;
  while (*sep)
    *w++ = *sep++;
  memcpy(w, value, vl);
  w += vl;
  *w++ = '\0';
  *pos += (size_t)(w - line);
  st->nodes[*n].data = line;
  st->nodes[*n].next = NULL;
  if (*n > 0)
    st->nodes[*n - 1].next = &st->nodes[*n];
  (*n)++;
}

static void store_fixed(curl_hdr_store *st, size_t *n, size_t *pos,
                        const char *line) {
  store_line(st, n, pos, line, strlen(line), "", "", 0);
}

void awsc_curl_hdr_store_free(curl_hdr_store *st) {
  awsc_free(st->nodes);
  awsc_free(st->text);
  memset(st, 0, sizeof(*st));
}

/* The caller's headers in order, minus the framing headers, plus the
 * suppression of curl's own defaults. The list is built by hand in st
 * (libcurl only reads a CURLOPT_HTTPHEADER list, never frees it): no
 * allocation per line, no formatting. */
int awsc_curl_build_headers(const curl_transport *t, const exchange *ex,
                            bool upload, curl_hdr_store *st,
                            struct curl_slist **out, awsc_error *err) {
  const awsc_http_request *req = ex->req;
  bool has_expect = false, has_accept = false;
  /* the lengths of the first headers, measured once */
  enum { KEPT_LENS = 32 };
  size_t nlen[KEPT_LENS], vlen[KEPT_LENS];
  size_t lines = 2, len = sizeof("Expect: 100-continue") + sizeof("Accept:");
  for (size_t i = 0; i < req->header_count; i++) {
    const awsc_http_header *h = &req->headers[i];
    size_t nl = strlen(h->name), vl = strlen(h->value);
    if (i < KEPT_LENS) {
      nlen[i] = nl;
      vlen[i] = vl;
    }
    lines++;
    len += nl + vl + 3;
  }
  if (!store_reserve(st, lines, len))
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory building request headers");
  size_t n = 0, pos = 0;
  for (size_t i = 0; i < req->header_count; i++) {
    const awsc_http_header *h = &req->headers[i];
    if (is_framing(h->name))
      continue;
    char c = (char)(*h->name | 0x20);
    has_expect |= c == 'e' && name_is(h->name, "Expect");
    has_accept |= c == 'a' && name_is(h->name, "Accept");
    size_t nl = i < KEPT_LENS ? nlen[i] : strlen(h->name);
    size_t vl = i < KEPT_LENS ? vlen[i] : strlen(h->value);
    /* "Name;" is libcurl's spelling of a header with an empty value;
     * "Name:" would remove the header. */
    store_line(st, &n, &pos, h->name, nl, vl ? ": " : ";", h->value, vl);
  }
  if (!has_accept)
    store_fixed(st, &n, &pos, "Accept:");
  if (!has_expect) {
    bool expect = upload && t->expect_threshold >= 0 && ex->body_len >= 0 &&
                  ex->body_len >= t->expect_threshold;
    store_fixed(st, &n, &pos, expect ? "Expect: 100-continue" : "Expect:");
  }
  *out = n ? st->nodes : NULL;
  return AWSC_OK;
}

static bool method_is(const awsc_http_request *r, const char *m) {
  return strcmp(r->method, m) == 0;
}

bool awsc_curl_wants_upload(const exchange *ex) {
  const awsc_http_request *r = ex->req;
  return !ex->head && (r->body.kind != AWSC_BODY_NONE || method_is(r, "PUT") ||
                       method_is(r, "POST") || method_is(r, "PATCH"));
}

#define SETOPT(opt, val)                                                       \
  do {                                                                         \
    if (c == CURLE_OK)                                                         \
      c = curl_easy_setopt(easy, opt, val);                                    \
  } while (0)

/* The options that stay the same from exchange to exchange on a handle
 * kept by a loop (set once per handle and transport: libcurl keeps them
 * across transfers, and re-setting every option each time cost about as
 * much as a tenth of a small request). ex stays at the same address. */
CURLcode awsc_curl_configure_handle(const curl_transport *t, CURL *easy,
                                    exchange *ex, char *errbuf) {
  CURLcode c = CURLE_OK;
  SETOPT(CURLOPT_SHARE, t->share);
  SETOPT(CURLOPT_ERRORBUFFER, errbuf);
  SETOPT(CURLOPT_NOSIGNAL, 1L);
  SETOPT(CURLOPT_PROTOCOLS_STR, "http,https");
  SETOPT(CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
  /* The signer encoded the path; "/../" in an S3 key is data. */
  SETOPT(CURLOPT_PATH_AS_IS, 1L);
  /* Bytes are handed over as stored (checksums are over them). */
  SETOPT(CURLOPT_HTTP_CONTENT_DECODING, 0L);
  SETOPT(CURLOPT_FOLLOWLOCATION, 0L);
  SETOPT(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
  if (t->verify_ssl < 0) {
    SETOPT(CURLOPT_SSL_VERIFYPEER, 0L);
    SETOPT(CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (t->ca_bundle)
    SETOPT(CURLOPT_CAINFO, t->ca_bundle);
  /* The transport's no_proxy list (and, per URL scheme, its proxy:
   * awsc_curl_configure): never unset, where libcurl would read the
   * environment again for every request. "" is an empty list. */
  SETOPT(CURLOPT_NOPROXY, t->no_proxy ? t->no_proxy : "");
  if (t->resolve)
    SETOPT(CURLOPT_RESOLVE, t->resolve);
  SETOPT(CURLOPT_READFUNCTION, exchange_read_cb);
  SETOPT(CURLOPT_READDATA, ex);
  SETOPT(CURLOPT_SEEKFUNCTION, exchange_seek_cb);
  SETOPT(CURLOPT_SEEKDATA, ex);
  SETOPT(CURLOPT_HEADERFUNCTION, exchange_header_cb);
  SETOPT(CURLOPT_HEADERDATA, ex);
  SETOPT(CURLOPT_WRITEFUNCTION, exchange_write_cb);
  SETOPT(CURLOPT_WRITEDATA, ex);
  SETOPT(CURLOPT_PREREQFUNCTION, exchange_prereq_cb);
  SETOPT(CURLOPT_PREREQDATA, ex);
  SETOPT(CURLOPT_XFERINFOFUNCTION, exchange_xferinfo_cb);
  SETOPT(CURLOPT_XFERINFODATA, ex);
  memset(&ex->kept, 0, sizeof(ex->kept)); /* as a new or reset handle */
  return c;
}

/* Large bodies (a transfer's parts) move through larger libcurl buffers:
 * on this paravirtualized test VM every system call is expensive, and a
 * 1 GiB upload_file took 0-0.1 CPU s less with a 128 KiB upload buffer
 * than with the 64 KiB default (a 2 MiB one cost 0.3 s more, probably as
 * the copies no longer stay in the CPU cache), a download_file about
 * 0.15 s less with a 64 KiB receive buffer than with 16 KiB (libcurl polls
 * the socket after every recv: a quarter of both calls;
 * docs/performance.md). Small requests keep the defaults, and so does a
 * streamed answer of unknown size: a body reader's memory bound counts
 * what one loop step receives (up to 100 buffers), so only a ranged GET
 * of at least a MiB, as a transfer's parts are, gets the larger receive
 * buffer. A handle keeps
 * its sizes between exchanges; setting UPLOAD_BUFFERSIZE frees libcurl's
 * buffer, so both are set only when they change. */
#define UPLOAD_BUFFER_LARGE (128L * 1024)
#define UPLOAD_BUFFER_DEFAULT (64L * 1024)
#define LARGE_BODY ((int64_t)1 << 20)
#define RECV_BUFFER_LARGE (64L * 1024)
#define RECV_BUFFER_DEFAULT (16L * 1024)

/* Whether the request asks for a range of at least LARGE_BODY bytes
 * ("Range: bytes=A-B"). */
static bool large_range(const awsc_http_request *req) {
  for (size_t i = 0; i < req->header_count; i++) {
    const awsc_http_header *h = &req->headers[i];
    if ((*h->name | 0x20) != 'r' || strcasecmp(h->name, "Range") != 0)
      continue;
    unsigned long long a, b;
    return sscanf(h->value, "bytes=%llu-%llu", &a, &b) == 2 && b >= a &&
           b - a + 1 >= (unsigned long long)LARGE_BODY;
  }
  return false;
}

static void set_buffers(CURL *easy, exchange *ex, bool upload, CURLcode *c) {
  const awsc_http_request *req = ex->req;
  long up = upload && ex->body_len >= LARGE_BODY ? UPLOAD_BUFFER_LARGE : 0;
  long recv = !upload && !ex->head && req->sink.kind != AWSC_SINK_MEMORY &&
                      large_range(req)
                  ? RECV_BUFFER_LARGE
                  : 0;
  if (*c == CURLE_OK && up != ex->kept.upload) {
    *c = curl_easy_setopt(easy, CURLOPT_UPLOAD_BUFFERSIZE,
                          up ? up : UPLOAD_BUFFER_DEFAULT);
    ex->kept.upload = up;
  }
  if (*c == CURLE_OK && recv != ex->kept.recv) {
    *c = curl_easy_setopt(easy, CURLOPT_BUFFERSIZE,
                          recv ? recv : RECV_BUFFER_DEFAULT);
    ex->kept.recv = recv;
  }
}

/* KEPT_GET / KEPT_HEAD for a plain GET / HEAD (no body, no other method),
 * else KEPT_UNKNOWN. */
static uint8_t plain_kind(const exchange *ex, bool upload) {
  if (upload)
    return KEPT_UNKNOWN;
  if (ex->head)
    return KEPT_HEAD;
  return method_is(ex->req, "GET") ? KEPT_GET : KEPT_UNKNOWN;
}

/* What changes with each exchange. Every option here has this exchange's
 * value (its default when unused) afterwards, so nothing of the previous
 * exchange on the handle carries over; those the handle already has
 * (ex->kept) are not set again. */
CURLcode awsc_curl_configure(const curl_transport *t, CURL *easy, exchange *ex,
                             bool upload, struct curl_slist *headers) {
  const awsc_http_request *req = ex->req;
  CURLcode c = CURLE_OK;
  long connect_ms =
      req->connect_timeout_ms ? req->connect_timeout_ms : t->connect_timeout_ms;
  curl_kept_opts *k = &ex->kept;
  SETOPT(CURLOPT_URL, req->url);
  if (!k->connect_known || k->connect_ms != connect_ms) {
    SETOPT(CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
    k->connect_ms = connect_ms;
    k->connect_known = c == CURLE_OK;
  }
  SETOPT(CURLOPT_HTTPHEADER, headers);

  /* Method. Bodies always go the PUT way (UPLOAD with the method name
   * replaced): curl's POST mode would add its own Content-Type. HTTPGET
   * first clears what the previous exchange set (upload, no body); a
   * plain GET or HEAD after the same on the handle has nothing to clear
   * or set. */
  uint8_t plain = plain_kind(ex, upload);
  if (plain == KEPT_UNKNOWN || plain != k->method) {
    const char *custom = NULL;
    SETOPT(CURLOPT_HTTPGET, 1L);
    if (ex->head) {
      SETOPT(CURLOPT_NOBODY, 1L);
    } else if (upload) {
      SETOPT(CURLOPT_UPLOAD, 1L);
      SETOPT(CURLOPT_INFILESIZE_LARGE, (curl_off_t)ex->body_len);
      if (!method_is(req, "PUT"))
        custom = req->method;
    } else if (!method_is(req, "GET")) {
      custom = req->method;
    }
    if (!upload)
      SETOPT(CURLOPT_INFILESIZE_LARGE, (curl_off_t)-1);
    SETOPT(CURLOPT_CUSTOMREQUEST, custom);
    k->method = c == CURLE_OK ? plain : KEPT_UNKNOWN;
  }
  /* the proxy for the URL's scheme ("https" or "http", the only ones
   * allowed), "" for none */
  uint8_t scheme = strncmp(req->url, "https:", 6) == 0 ? 2 : 1;
  if (k->proxy_for != scheme) {
    const char *p = t->proxy[scheme - 1];
    SETOPT(CURLOPT_PROXY, p ? p : "");
    k->proxy_for = c == CURLE_OK ? scheme : 0;
  }
  set_buffers(easy, ex, upload, &c);
  uint8_t noprogress = req->progress ? 1 : 2;
  if (k->noprogress != noprogress) {
    SETOPT(CURLOPT_NOPROGRESS, req->progress ? 0L : 1L);
    k->noprogress = c == CURLE_OK ? noprogress : 0;
  }
  return c;
}

#undef SETOPT

/* One exchange: one request on a private loop from the pool (the
 * asynchronous engine's transfer, run to its end: loop.c), so the
 * blocking and the asynchronous paths send the same way. */
static int curl_send(awsc_transport *tp, const awsc_http_request *req,
                     awsc_http_response *resp, awsc_error *err) {
  curl_transport *t = tp->impl;
  pool_entry *e = pool_get(t);
  if (!e)
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory creating a curl handle");
  int rc = awsc_loop_send_blocking(e->loop, tp, req, resp, err);
  pool_put(t, e);
  return rc;
}

/* ---- lifetime ---- */

/* What is left once no easy handle uses the transport. */
static void curl_final_free(curl_transport *t) {
  if (t->share) {
    sigpipe_guard guard;
    awsc_sigpipe_block(&guard);
    curl_share_cleanup(t->share);
    awsc_sigpipe_restore(&guard);
  }
  for (int i = 0; i < t->share_locks_ready; i++)
    pthread_mutex_destroy(&t->share_locks[i]);
  if (t->pool_lock_ready)
    pthread_mutex_destroy(&t->pool_lock);
  curl_slist_free_all(t->resolve);
  awsc_free(t->ca_bundle);
  awsc_free(t->proxy[0]);
  awsc_free(t->proxy[1]);
  awsc_free(t->no_proxy);
  awsc_free(t);
}

void awsc_curl_transport_hold(curl_transport *t) {
  atomic_fetch_add_explicit(&t->refs, 1, memory_order_relaxed);
}

void awsc_curl_transport_drop(curl_transport *t) {
  if (atomic_fetch_sub_explicit(&t->refs, 1, memory_order_acq_rel) == 1)
    curl_final_free(t);
}

/* The owner lets go: the pool's loops (and their handles' references)
 * go now; handles kept by the application's loops keep the rest until
 * they are freed or set up for another transport. */
static void curl_destroy(awsc_transport *tp) {
  curl_transport *t = tp->impl;
  sigpipe_guard guard;
  awsc_sigpipe_block(&guard);
  while (t->idle) {
    pool_entry *e = t->idle;
    t->idle = e->next;
    entry_free(e);
  }
  while (t->n_xfer_loops > 0)
    awsc_loop_free(t->xfer_loops[--t->n_xfer_loops]);
  awsc_sigpipe_restore(&guard);
  awsc_curl_transport_drop(t);
}

static const awsc_transport_vtable curl_vtable = {curl_send, curl_destroy};

static int check_options(const awsc_curl_options *o, awsc_error *err) {
  if (!AWSC_VERSION_OK(o->version, AWSC_CURL_OPTIONS_VERSION))
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_curl_options.version is %d, expected %d "
                          "(use AWSC_CURL_OPTIONS_INIT)",
                          o->version, AWSC_CURL_OPTIONS_VERSION);
  if (o->connect_timeout_ms < 0 || o->read_timeout_ms < 0)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "negative timeout in awsc_curl_options");
  if (o->verify_ssl < -1 || o->verify_ssl > 1)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "verify_ssl must be -1, 0 or 1 (got %d)",
                          o->verify_ssl);
  if (o->max_connections < 0)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "max_connections must not be negative (got %d)",
                          o->max_connections);
  if (o->expect_continue_threshold < -1)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "expect_continue_threshold must be >= -1");
  for (const char *const *r = o->resolve; r && *r; r++)
    if (!**r || strpbrk(*r, "\r\n"))
      return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                            "empty or multi-line resolve entry");
  return AWSC_OK;
}

static bool dup_opt(char **dst, const char *src) {
  if (!src)
    return true;
  *dst = awsc_strdup(src);
  return *dst != NULL;
}

/* The first of the environment variables names[0..n) that is set and not
 * empty (libcurl's curl_getenv), copied into *out, or NULL. */
static bool env_first(char **out, const char *const *names, size_t n) {
  for (size_t i = 0; i < n; i++) {
    const char *v = getenv(names[i]);
    if (v && *v)
      return dup_opt(out, v);
  }
  return true;
}

/* The proxies and the no_proxy list: the options', else the
 * environment's as libcurl 7.88 reads them for each request (url.c,
 * detect_proxy and the no_proxy lookup): http_proxy only in lower case
 * (the upper case one could be set by a CGI request's Proxy: header),
 * https_proxy or HTTPS_PROXY, then all_proxy or ALL_PROXY for either;
 * no_proxy or NO_PROXY. */
static bool proxy_init(curl_transport *t, const awsc_curl_options *o) {
  static const char *const http[] = {"http_proxy", "all_proxy", "ALL_PROXY"};
  static const char *const https[] = {"https_proxy", "HTTPS_PROXY", "all_proxy",
                                      "ALL_PROXY"};
  static const char *const none[] = {"no_proxy", "NO_PROXY"};
  if (!(o->no_proxy ? dup_opt(&t->no_proxy, o->no_proxy)
                    : env_first(&t->no_proxy, none, 2)))
    return false;
  if (o->proxy)
    return dup_opt(&t->proxy[0], o->proxy) && dup_opt(&t->proxy[1], o->proxy);
  return env_first(&t->proxy[0], http, 3) && env_first(&t->proxy[1], https, 4);
}

int awsc_transport_curl_new(awsc_transport **out,
                            const awsc_curl_options *options, awsc_error *err) {
  static const awsc_curl_options defaults = AWSC_CURL_OPTIONS_INIT;
  if (!out)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_transport_curl_new: out is NULL");
  *out = NULL;
  const awsc_curl_options *o = options ? options : &defaults;
  int rc = check_options(o, err);
  if (rc)
    return rc;
  rc = awsc_global_init();
  if (rc)
    return awsc_error_set(err, rc, awsc_http_status_kind(rc),
                          "awsc global initialisation failed: %s",
                          awsc_strerror(rc));

  curl_transport *t = awsc_calloc(1, sizeof(*t));
  if (!t)
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory creating the curl transport");
  t->base.vtable = &curl_vtable;
  t->base.impl = t;
  t->connect_timeout_ms = o->connect_timeout_ms ? o->connect_timeout_ms
                                                : DEFAULT_CONNECT_TIMEOUT_MS;
  t->read_timeout_ms =
      o->read_timeout_ms ? o->read_timeout_ms : DEFAULT_READ_TIMEOUT_MS;
  t->verify_ssl = o->verify_ssl;
  t->max_connections =
      o->max_connections ? o->max_connections : DEFAULT_MAX_CONNECTIONS;
  t->expect_threshold = o->expect_continue_threshold
                            ? o->expect_continue_threshold
                            : DEFAULT_EXPECT_THRESHOLD;
  atomic_init(&t->refs, 1);
  atomic_init(&t->requests, 0);
  atomic_init(&t->connections_opened, 0);

  bool ok = dup_opt(&t->ca_bundle, o->ca_bundle) && proxy_init(t, o);
  t->proxy_possible = t->proxy[0] || t->proxy[1];
  for (const char *const *r = o->resolve; ok && r && *r; r++) {
    struct curl_slist *l = curl_slist_append(t->resolve, *r);
    if (l)
      t->resolve = l;
    else
      ok = false;
  }
  if (ok)
    ok = pthread_mutex_init(&t->pool_lock, NULL) == 0;
  t->pool_lock_ready = ok;
  while (ok && t->share_locks_ready < CURL_LOCK_DATA_LAST) {
    ok = pthread_mutex_init(&t->share_locks[t->share_locks_ready], NULL) == 0;
    if (ok)
      t->share_locks_ready++;
  }
  if (ok)
    ok = (t->share = curl_share_init()) != NULL;
  if (ok)
    ok = curl_share_setopt(t->share, CURLSHOPT_LOCKFUNC, share_lock) ==
             CURLSHE_OK &&
         curl_share_setopt(t->share, CURLSHOPT_UNLOCKFUNC, share_unlock) ==
             CURLSHE_OK &&
         curl_share_setopt(t->share, CURLSHOPT_USERDATA, t) == CURLSHE_OK &&
         curl_share_setopt(t->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS) ==
             CURLSHE_OK &&
         curl_share_setopt(t->share, CURLSHOPT_SHARE,
                           CURL_LOCK_DATA_SSL_SESSION) == CURLSHE_OK;
  if (!ok) {
    curl_destroy(&t->base);
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of resources creating the curl transport");
  }
  *out = &t->base;
  return AWSC_OK;
}

int awsc_transport_curl_stats(awsc_transport_stats *stats,
                              awsc_transport *transport) {
  if (!transport || !stats || transport->vtable != &curl_vtable)
    return AWSC_EINVAL;
  curl_transport *t = transport->impl;
  stats->requests = atomic_load(&t->requests);
  stats->connections_opened = atomic_load(&t->connections_opened);
  return AWSC_OK;
}

bool awsc_transport_is_curl(const awsc_transport *transport) {
  return transport && transport->vtable == &curl_vtable;
}
