/*
 * lib/http/curl_internal.h - the state of one exchange over libcurl and
 * the libcurl callbacks that move its bytes (curl_io.c). The handle pool,
 * options and error mapping live in curl_transport.c.
 */
#ifndef AWSC_HTTP_CURL_INTERNAL_H
#define AWSC_HTTP_CURL_INTERNAL_H

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>

#include <curl/curl.h>

#include "http/http_internal.h"

/* Where the bytes of the response body go; decided at the first byte. */
typedef enum exchange_dest {
  DEST_UNDECIDED = 0,
  DEST_MEMORY, /* response.body: memory sink or any non-2xx status */
  DEST_FILE,
  DEST_CALLBACK
} exchange_dest;

/* Per-exchange options a handle already has, so that an exchange like the
 * one before it on the handle sets none of them again; all zero (nothing
 * known) for a new or reset handle. */
enum { KEPT_UNKNOWN = 0, KEPT_GET, KEPT_HEAD };
typedef struct curl_kept_opts {
  long upload;     /* CURLOPT_UPLOAD_BUFFERSIZE; 0 = libcurl's default */
  long recv;       /* CURLOPT_BUFFERSIZE; 0 = libcurl's default */
  long connect_ms; /* CURLOPT_CONNECTTIMEOUT_MS, when connect_known */
  uint8_t method;  /* KEPT_GET / KEPT_HEAD: a plain GET / HEAD is set */
  bool connect_known;
  uint8_t noprogress; /* CURLOPT_NOPROGRESS + 1; 0 = not known */
  uint8_t proxy_for;  /* CURLOPT_PROXY set for: 0 = not known, 1 = http,
                         2 = https URLs */
} curl_kept_opts;

typedef struct exchange {
  const awsc_http_request *req;
  awsc_http_response *resp;
  bool head; /* HEAD: no body expected */

  /* request body */
  int64_t body_len;   /* bytes to send; -1 = unknown (chunked) */
  uint64_t body_sent; /* bytes handed to libcurl since the last rewind */
  FILE *in;           /* FILE source */
  /* The per-exchange options the handle has (awsc_curl_configure): kept
   * from exchange to exchange on a handle, set only when they change. */
  curl_kept_opts kept;

  /* response body */
  exchange_dest dest;
  FILE *out; /* FILE sink, opened at the first byte of a 2xx body */

  /* Set by a callback that stops the transfer: the status send returns
   * and a message for the error (never holding a URL). */
  int abort_status;
  char abort_msg[200];

  /* The seek callback could not rewind the body for a replay. */
  bool rewind_failed;
  /* The transfer failed on a reused connection before any byte of the
   * answer arrived: the peer had closed it while it sat in the pool. */
  bool stale_connection;

  /* Times the request was handed to a connection (the prerequest
   * callback runs once per send): more than one means it went out again
   * without the caller asking, on libcurl's own "connection died,
   * retrying a fresh connect" or on curl_send's stale-connection resend. */
  int sends;

  /* Read timeout: silence is measured once the connection is ready. */
  bool io_started;
  int64_t last_activity_ms;
} exchange;

/* Open the request body (FILE: open, seek, measure). 0 or an error. */
int exchange_open_body(exchange *ex, awsc_error *err);
/* Finish the response body after a successful transfer: an empty 2xx
 * body still creates the FILE sink's file; closes it. 0 or AWSC_EIO. */
int exchange_finish_sink(exchange *ex, awsc_error *err);
/* Close whatever is still open (error paths). */
void exchange_close(exchange *ex);

/* Record why a callback stopped the transfer (first reason wins). */
void exchange_abort(exchange *ex, int status, const char *fmt, ...)
    AWSC_PRINTF(3, 4);

size_t exchange_read_cb(char *buf, size_t size, size_t nitems, void *ud);
int exchange_seek_cb(void *ud, curl_off_t offset, int origin);
size_t exchange_header_cb(char *buf, size_t size, size_t nitems, void *ud);
size_t exchange_write_cb(char *ptr, size_t size, size_t nmemb, void *ud);
int exchange_xferinfo_cb(void *ud, curl_off_t dltotal, curl_off_t dlnow,
                         curl_off_t ultotal, curl_off_t ulnow);
int exchange_prereq_cb(void *ud, char *primary_ip, char *local_ip,
                       int primary_port, int local_port);

/* ---- the transport (curl_transport.c), shared with the loop (loop.c) ---- */
/* A pooled private loop of the blocking send; its multi handle owns the
 * entry's connections. */
typedef struct pool_entry {
  struct awsc_loop *loop;
  struct pool_entry *next;
} pool_entry;

/* Transfer loops a transport keeps between transfers: a program that
 * runs transfers one after another (the common case) reuses one; two
 * cover a second thread's. Each holds up to its transfer's parts in
 * flight of idle connections and their easy handles. */
#define CURL_XFER_LOOPS_KEPT 2

typedef struct curl_transport {
  awsc_transport base; /* first: the public handle points here */
  long connect_timeout_ms;
  long read_timeout_ms;
  int verify_ssl;
  char *ca_bundle;
  /* The proxy for http and for https URLs and the no_proxy list: the
   * options, or else the environment's, read once when the transport is
   * made (as botocore reads them when a client is made) by libcurl's
   * rules (proxy_init); NULL where none. Every handle has them set, so
   * libcurl does not read five variables of the environment a request. */
  char *proxy[2]; /* [0] http, [1] https */
  char *no_proxy;
  int max_connections;
  int64_t expect_threshold; /* -1 = never */
  struct curl_slist *resolve;

  CURLSH *share;
  pthread_mutex_t share_locks[CURL_LOCK_DATA_LAST];
  int share_locks_ready; /* how many of share_locks are initialised */
  pthread_mutex_t pool_lock;
  bool pool_lock_ready;
  pool_entry *idle; /* LIFO: the warmest connection first */
  int idle_count;
  /* loops kept for transfers (awsc_transport_loop_take), each with the
   * connections its last transfer left open; under pool_lock */
  struct awsc_loop *xfer_loops[CURL_XFER_LOOPS_KEPT];
  int n_xfer_loops;

  _Atomic uint64_t requests;
  _Atomic uint64_t connections_opened;
  /* References: the owner's (dropped by awsc_transport_free) and one per
   * easy handle set up for this transport (its options and curl share),
   * kept in any awsc_loop's idle list. A loop may outlive the session
   * whose calls it ran: the share is cleaned up with the last one. */
  _Atomic int refs;
  /* A proxy was given or is in the environment (it may speak TLS even
   * for http:// URLs; loop.c then blocks SIGPIPE). */
  bool proxy_possible;
} curl_transport;

/* Take / drop a reference on t (any thread); the last drop frees it. */
void awsc_curl_transport_hold(curl_transport *t);
void awsc_curl_transport_drop(curl_transport *t);

typedef struct sigpipe_guard {
  sigset_t old;
  bool active;
  bool was_pending;
} sigpipe_guard;

/* Whether transport is the libcurl one (its impl is a curl_transport). */
bool awsc_transport_is_curl(const awsc_transport *transport);
/* Block SIGPIPE on this thread for a stretch that may write to sockets,
 * and restore (discarding a SIGPIPE raised meanwhile). */
void awsc_sigpipe_block(sigpipe_guard *g);
void awsc_sigpipe_restore(sigpipe_guard *g);
/* Storage for a handle's header list, kept and reused from exchange to
 * exchange (grows, never shrinks). */
typedef struct curl_hdr_store {
  struct curl_slist *nodes;
  size_t cap_nodes;
  char *text;
  size_t cap_text;
} curl_hdr_store;
void awsc_curl_hdr_store_free(curl_hdr_store *st);
/* The request's headers as a curl list (*out, in st: valid until st is
 * used again or freed). */
int awsc_curl_build_headers(const curl_transport *t, const exchange *ex,
                            bool upload, curl_hdr_store *st,
                            struct curl_slist **out, awsc_error *err);
/* Whether the request sends a body (curl's upload mode). */
bool awsc_curl_wants_upload(const exchange *ex);
/* The options of a handle that do not change from exchange to exchange
 * (transport t, callbacks on ex, the error buffer). */
CURLcode awsc_curl_configure_handle(const curl_transport *t, CURL *easy,
                                    exchange *ex, char *errbuf);
/* The options of one exchange, on a handle configured for its transport. */
CURLcode awsc_curl_configure(const curl_transport *t, CURL *easy, exchange *ex,
                             bool upload, struct curl_slist *headers);
/* A libcurl result as an awsc status. */
int awsc_curl_map_code(CURLcode c);
/* Fill err for a failed exchange (the abort reason first); the status. */
int awsc_curl_fail_exchange(const exchange *ex, CURLcode code, const char *text,
                            awsc_error *err);

#endif /* AWSC_HTTP_CURL_INTERNAL_H */
