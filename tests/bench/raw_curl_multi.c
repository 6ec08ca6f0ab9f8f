/*
 * tests/bench/raw_curl_multi.c - the limit for issue 12 point 5: N signed
 * S3 GETs of one small object with K transfers in flight on one thread,
 * through one curl multi handle driven by curl_multi_socket_action and
 * epoll (the event-loop model the issue names), each request signed with
 * SigV4 (tests/bench/raw_sigv4.h) and carrying the headers awsc sends
 * (as raw_curl_request.c), the body read into memory, only the status and
 * length looked at. Each of the K easy handles is reused for its next
 * request as soon as one completes, so K connections stay open.
 *
 * usage: raw_curl_multi --endpoint http://127.0.0.1:PORT --bucket B --key K
 *          [-n N] [--inflight K] [--warmup W] [--api socket|poll]
 *          [--access-key ID --secret-key SECRET] [--region R] [--size BYTES]
 *   -n          timed requests (default 10000)
 *   --inflight  transfers in flight (default 64)
 *   --warmup    requests before timing (default K: opens the connections)
 *   --api poll  drive the multi handle with curl_multi_poll +
 *               curl_multi_perform instead (for comparison)
 *   --epoll keep (default) a connection's socket stays in the epoll set
 *               between its transfers, as awsc's loop keeps it (loop.c):
 *               taken out only when it wakes the loop unwatched or is
 *               closed; plain: out at every CURL_POLL_REMOVE and in again
 *               at the next transfer, libcurl's documented pattern (two
 *               epoll_ctl a request when the client is ahead of the
 *               server: about 20 % more CPU here, docs/performance.md)
 *
 * Output, one line: "raw-multi inflight K requests N wall_s S req_per_s R
 * user_s U sys_s Y us_cpu_per_request C maxrss_kb M connections O" -
 * CPU (getrusage, user + system) and wall time over the N timed requests;
 * maxrss of the whole run; connections: new connections curl made,
 * warm-up included. Exit status 0 when every request answered 200 with
 * the expected length.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "raw_sigv4.h"

#ifndef RAW_USER_AGENT
#define RAW_USER_AGENT "awsc/0.1.0"
#endif

typedef struct xfer {
  CURL *easy;
  struct curl_slist *headers;
  char *body;
  size_t len, cap;
} xfer;

typedef struct bench {
  CURLM *multi;
  int epfd;
  long timeout_ms; /* -1 = none, as curl's timer callback says */
  raw_signer signer;
  const char *host, *path, *url;
  long size;
  long started, done, total; /* requests */
  long connects;
  int failed;
  int keep; /* --epoll keep */
  /* --epoll keep: by descriptor, the events in the epoll set (0: not in
   * it) and whether libcurl watches the socket */
  unsigned *in_set;
  unsigned char *wanted; /* 2: libcurl watches it, 1: opened, unwatched */
  int n_fds;
} bench;

static size_t on_body(char *p, size_t size, size_t n, void *ud) {
  xfer *x = ud;
  size_t len = size * n;
  if (x->len + len > x->cap) {
    size_t cap = x->cap ? 2 * x->cap : 4096;
    while (cap < x->len + len)
      cap *= 2;
    char *q = realloc(x->body, cap);
    if (!q)
      return 0;
    x->body = q;
    x->cap = cap;
  }
  memcpy(x->body + x->len, p, len);
  x->len += len;
  return len;
}

/* Sign and queue the next request on x's handle. */
static int start(bench *b, xfer *x) {
  char amz_date[17], auth[512], line[600];
  if (raw_sign(&b->signer, "GET", b->host, b->path, 1, time(NULL), amz_date,
               auth, sizeof(auth)))
    return -1;
  curl_slist_free_all(x->headers);
  x->headers = NULL;
  /* awsc's headers in awsc's order (as raw_curl_request.c). */
  struct curl_slist *h =
      curl_slist_append(NULL, "x-amz-checksum-mode: ENABLED");
  struct curl_slist *t =
      h ? curl_slist_append(h, "User-Agent: " RAW_USER_AGENT) : NULL;
  snprintf(line, sizeof(line), "X-Amz-Date: %s", amz_date);
  t = t ? curl_slist_append(h, line) : NULL;
  t = t ? curl_slist_append(h, "x-amz-content-sha256: " RAW_EMPTY_SHA256)
        : NULL;
  snprintf(line, sizeof(line), "Authorization: %s", auth);
  t = t ? curl_slist_append(h, line) : NULL;
  t = t ? curl_slist_append(h, "Accept:") : NULL;
  t = t ? curl_slist_append(h, "Expect:") : NULL;
  if (!t) {
    curl_slist_free_all(h);
    return -1;
  }
  x->headers = h;
  x->len = 0;
  curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, h);
  if (curl_multi_add_handle(b->multi, x->easy) != CURLM_OK)
    return -1;
  b->started++;
  return 0;
}

/* Completed transfers: check them and start the next request on each. */
static void harvest(bench *b) {
  CURLMsg *m;
  int left;
  while ((m = curl_multi_info_read(b->multi, &left)) != NULL) {
    if (m->msg != CURLMSG_DONE)
      continue;
    CURL *e = m->easy_handle;
    CURLcode res = m->data.result;
    xfer *x = NULL;
    long status = 0, connects = 0;
    curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&x);
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(e, CURLINFO_NUM_CONNECTS, &connects);
    curl_multi_remove_handle(b->multi, e);
    b->connects += connects;
    b->done++;
    if (res != CURLE_OK || status != 200 || (long)x->len != b->size) {
      fprintf(stderr, "raw_curl_multi: GET %s: %s, status %ld, %zu bytes\n",
              b->path, curl_easy_strerror(res), status, x->len);
      b->failed = 1;
      continue;
    }
    if (b->started < b->total && start(b, x))
      b->failed = 1;
  }
}

/* Room in --epoll keep's tables for descriptor s (1), or none (0). */
static int fd_slot(bench *b, curl_socket_t s) {
  if (s < 0)
    return 0;
  if (s >= b->n_fds) {
    int n = b->n_fds ? b->n_fds : 1024;
    while (n <= s)
      n *= 2;
    unsigned *in = realloc(b->in_set, (size_t)n * sizeof(*in));
    if (in)
      b->in_set = in;
    unsigned char *w = realloc(b->wanted, (size_t)n);
    if (w)
      b->wanted = w;
    if (!in || !w)
      return 0;
    memset(in + b->n_fds, 0, (size_t)(n - b->n_fds) * sizeof(*in));
    memset(w + b->n_fds, 0, (size_t)(n - b->n_fds));
    b->n_fds = n;
  }
  return 1;
}

static int on_socket(CURL *e, curl_socket_t s, int what, void *ud,
                     void *sockp) {
  bench *b = ud;
  (void)e;
  struct epoll_event ev = {0, {.fd = s}};
  ev.events = (what & CURL_POLL_IN ? EPOLLIN : 0u) |
              (what & CURL_POLL_OUT ? EPOLLOUT : 0u);
  /* only the connections' sockets (on_open), not the resolver's */
  if (b->keep && s >= 0 && s < b->n_fds && b->wanted[s]) {
    if (what == CURL_POLL_REMOVE) {
      b->wanted[s] = 1;
      if (b->in_set[s] == EPOLLIN || !b->in_set[s])
        return 0;
      epoll_ctl(b->epfd, EPOLL_CTL_DEL, s, NULL);
      b->in_set[s] = 0;
      return 0;
    }
    b->wanted[s] = 2;
    if (b->in_set[s] == ev.events)
      return 0;
    if (epoll_ctl(b->epfd, b->in_set[s] ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, s,
                  &ev))
      return -1;
    b->in_set[s] = ev.events;
    return 0;
  }
  if (what == CURL_POLL_REMOVE) {
    epoll_ctl(b->epfd, EPOLL_CTL_DEL, s, NULL);
    curl_multi_assign(b->multi, s, NULL);
    return 0;
  }
  /* sockp marks a socket already in the epoll set. */
  if (sockp)
    return epoll_ctl(b->epfd, EPOLL_CTL_MOD, s, &ev) ? -1 : 0;
  if (epoll_ctl(b->epfd, EPOLL_CTL_ADD, s, &ev))
    return -1;
  curl_multi_assign(b->multi, s, b);
  return 0;
}

/* --epoll keep: a connection's socket, opened as libcurl would, noted as
 * one on_close will see closed. */
static curl_socket_t on_open(void *ud, curlsocktype purpose,
                             struct curl_sockaddr *a) {
  bench *b = ud;
  (void)purpose;
  curl_socket_t s = socket(a->family, a->socktype, a->protocol);
  if (s != CURL_SOCKET_BAD && fd_slot(b, s)) {
    b->in_set[s] = 0;
    b->wanted[s] = 1;
  }
  return s;
}

/* --epoll keep: a socket closes (out of the set with it; its number is
 * free again). */
static int on_close(void *ud, curl_socket_t s) {
  bench *b = ud;
  if (s >= 0 && s < b->n_fds) {
    b->in_set[s] = 0;
    b->wanted[s] = 0;
  }
  return close(s);
}

static int on_timer(CURLM *m, long timeout_ms, void *ud) {
  (void)m;
  ((bench *)ud)->timeout_ms = timeout_ms;
  return 0;
}

static void run_socket(bench *b) {
  struct epoll_event evs[256];
  int running = 0;
  curl_multi_socket_action(b->multi, CURL_SOCKET_TIMEOUT, 0, &running);
  harvest(b);
  while (b->done < b->total && !b->failed) {
    int n = epoll_wait(b->epfd, evs, 256,
                       b->timeout_ms < 0 ? 1000 : (int)b->timeout_ms);
    if (n < 0 && errno != EINTR) {
      perror("epoll_wait");
      b->failed = 1;
      break;
    }
    if (n <= 0) {
      /* libcurl's timer is one-shot: spent once it fires. Kept, a 0 ms
       * timeout libcurl does not replace (it reports only a changed
       * expiry) made every epoll_wait return at once: 12-28 of them a
       * request at 64 in flight, inflating this program's CPU. */
      b->timeout_ms = -1;
      curl_multi_socket_action(b->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    } else {
      for (int i = 0; i < n; i++) {
        int fd = evs[i].data.fd;
        if (b->keep && fd < b->n_fds && b->wanted[fd] == 1) {
          /* kept, unwatched, and woke: a closing idle connection */
          epoll_ctl(b->epfd, EPOLL_CTL_DEL, fd, NULL);
          b->in_set[fd] = 0;
          continue;
        }
        int flags =
            (evs[i].events & EPOLLIN ? CURL_CSELECT_IN : 0) |
            (evs[i].events & EPOLLOUT ? CURL_CSELECT_OUT : 0) |
            (evs[i].events & (EPOLLERR | EPOLLHUP) ? CURL_CSELECT_ERR : 0);
        curl_multi_socket_action(b->multi, evs[i].data.fd, flags, &running);
      }
    }
    harvest(b);
  }
}

static void run_poll(bench *b) {
  while (b->done < b->total && !b->failed) {
    int running = 0;
    if (curl_multi_perform(b->multi, &running) != CURLM_OK) {
      b->failed = 1;
      break;
    }
    harvest(b);
    if (b->done < b->total && running &&
        curl_multi_poll(b->multi, NULL, 0, 1000, NULL) != CURLM_OK)
      b->failed = 1;
  }
}

/* Run requests until b->total have completed. */
static void run(bench *b, xfer *xs, long inflight, int use_poll) {
  for (long i = 0; i < inflight && b->started < b->total && !b->failed; i++)
    if (start(b, &xs[i]))
      b->failed = 1;
  if (use_poll)
    run_poll(b);
  else
    run_socket(b);
}

static double tv_s(struct timeval tv) {
  return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void usage(void) {
  fprintf(stderr, "usage: raw_curl_multi --endpoint http://127.0.0.1:PORT "
                  "--bucket B --key K [-n N] [--inflight K] [--warmup W] "
                  "[--api socket|poll] [--epoll keep|plain] "
                  "[--access-key ID --secret-key SECRET] "
                  "[--region R] [--size BYTES]\n");
}

int main(int argc, char **argv) {
  const char *endpoint = NULL, *bucket = NULL, *key = NULL, *api = "socket";
  const char *epoll_mode = "keep";
  bench b;
  memset(&b, 0, sizeof(b));
  b.signer =
      (raw_signer){.access_key = "AKIAIOSFODNN7EXAMPLE",
                   .secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                   .region = "us-east-1"};
  b.size = 1024;
  b.timeout_ms = -1;
  long n = 10000, inflight = 64, warmup = -1;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!v) {
      usage();
      return 2;
    }
    i++;
    if (strcmp(a, "--endpoint") == 0)
      endpoint = v;
    else if (strcmp(a, "--bucket") == 0)
      bucket = v;
    else if (strcmp(a, "--key") == 0)
      key = v;
    else if (strcmp(a, "-n") == 0)
      n = atol(v);
    else if (strcmp(a, "--inflight") == 0)
      inflight = atol(v);
    else if (strcmp(a, "--warmup") == 0)
      warmup = atol(v);
    else if (strcmp(a, "--api") == 0)
      api = v;
    else if (strcmp(a, "--epoll") == 0)
      epoll_mode = v;
    else if (strcmp(a, "--size") == 0)
      b.size = atol(v);
    else if (strcmp(a, "--access-key") == 0)
      b.signer.access_key = v;
    else if (strcmp(a, "--secret-key") == 0)
      b.signer.secret_key = v;
    else if (strcmp(a, "--region") == 0)
      b.signer.region = v;
    else {
      usage();
      return 2;
    }
  }
  int use_poll = strcmp(api, "poll") == 0;
  b.keep = !use_poll && strcmp(epoll_mode, "keep") == 0;
  if (warmup < 0)
    warmup = inflight;
  if (!endpoint || !bucket || !key || n < 1 || inflight < 1 ||
      inflight > 10000 || strncmp(endpoint, "http://", 7) != 0 ||
      (!use_poll && strcmp(api, "socket") != 0) ||
      (strcmp(epoll_mode, "keep") != 0 && strcmp(epoll_mode, "plain") != 0)) {
    usage();
    return 2;
  }
  char host[256], path[1024], url[1400];
  snprintf(host, sizeof(host), "%s", endpoint + 7);
  size_t hl = strlen(host);
  while (hl > 0 && host[hl - 1] == '/')
    host[--hl] = '\0';
  snprintf(path, sizeof(path), "/%s/%s", bucket, key);
  snprintf(url, sizeof(url), "http://%s%s", host, path);
  b.host = host;
  b.path = path;
  b.url = url;

  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
    return 1;
  b.multi = curl_multi_init();
  b.epfd = epoll_create1(EPOLL_CLOEXEC);
  xfer *xs = calloc((size_t)inflight, sizeof(*xs));
  if (!b.multi || b.epfd < 0 || !xs)
    return 1;
  curl_multi_setopt(b.multi, CURLMOPT_MAXCONNECTS, inflight);
  curl_multi_setopt(b.multi, CURLMOPT_SOCKETFUNCTION, on_socket);
  curl_multi_setopt(b.multi, CURLMOPT_SOCKETDATA, &b);
  curl_multi_setopt(b.multi, CURLMOPT_TIMERFUNCTION, on_timer);
  curl_multi_setopt(b.multi, CURLMOPT_TIMERDATA, &b);
  for (long i = 0; i < inflight; i++) {
    CURL *e = xs[i].easy = curl_easy_init();
    if (!e)
      return 1;
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    /* no proxy, given once: unset, libcurl reads five proxy variables of
     * the environment for every request; awsc's transport reads them once
     * (none here: 127.0.0.1) and sets the same, so the reference does not
     * pay a cost awsc does not */
    curl_easy_setopt(e, CURLOPT_PROXY, "");
    curl_easy_setopt(e, CURLOPT_NOPROXY, "");
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(e, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt(e, CURLOPT_HTTP_CONTENT_DECODING, 0L);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &xs[i]);
    curl_easy_setopt(e, CURLOPT_PRIVATE, (char *)&xs[i]);
    if (b.keep) {
      curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, on_open);
      curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, &b);
      curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, on_close);
      curl_easy_setopt(e, CURLOPT_CLOSESOCKETDATA, &b);
    }
  }

  b.total = warmup;
  if (warmup > 0)
    run(&b, xs, inflight, use_poll);
  b.started = b.done = 0;
  b.total = n;
  struct rusage r0, r1;
  getrusage(RUSAGE_SELF, &r0);
  double t0 = now_s();
  if (!b.failed)
    run(&b, xs, inflight, use_poll);
  double wall = now_s() - t0;
  getrusage(RUSAGE_SELF, &r1);
  if (!b.failed) {
    double user = tv_s(r1.ru_utime) - tv_s(r0.ru_utime);
    double sys = tv_s(r1.ru_stime) - tv_s(r0.ru_stime);
    printf("raw-multi inflight %ld requests %ld wall_s %.4f req_per_s %.0f "
           "user_s %.4f sys_s %.4f us_cpu_per_request %.2f maxrss_kb %ld "
           "connections %ld\n",
           inflight, n, wall, (double)n / wall, user, sys,
           (user + sys) / (double)n * 1e6, r1.ru_maxrss, b.connects);
  }
  for (long i = 0; i < inflight; i++) {
    curl_multi_remove_handle(b.multi, xs[i].easy);
    curl_easy_cleanup(xs[i].easy);
    curl_slist_free_all(xs[i].headers);
    free(xs[i].body);
  }
  free(xs);
  curl_multi_cleanup(b.multi); /* closes through on_close */
  free(b.in_set);
  free(b.wanted);
  curl_global_cleanup();
  return b.failed ? 1 : 0;
}
