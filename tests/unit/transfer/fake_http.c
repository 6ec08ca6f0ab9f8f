/*
 * The fake S3 over HTTP (fake_http.h). Deliberately small: it parses
 * what libcurl sends (request line, headers, a Content-Length body) and
 * writes the fake's answer back with a Content-Length of its own.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "awsc/sys/transport.h"
#include "fake_http.h"

#define MAX_CONN 1024
#define MAX_HDR 64
#define HEAD_MAX 16384

struct fs3_http {
  fake_s3 *f;
  int lfd;
  char url[64];
  pthread_t acceptor;
  pthread_mutex_t lock;
  pthread_t threads[MAX_CONN];
  int fds[MAX_CONN];
  int n;
  atomic_bool stopping;
  atomic_int busy; /* requests being read or answered */
};

typedef struct conn {
  fs3_http *h;
  int fd;
  char buf[HEAD_MAX];
  size_t have;
} conn;

static int write_all(int fd, const void *p, size_t n) {
  const char *c = p;
  while (n) {
    ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return -1;
    c += w;
    n -= (size_t)w;
  }
  return 0;
}

/* Read more into c->buf; 0 at the end or on an error. */
static ssize_t fill(conn *c) {
  if (c->have >= sizeof(c->buf))
    return 0;
  ssize_t r;
  do
    r = recv(c->fd, c->buf + c->have, sizeof(c->buf) - c->have, 0);
  while (r < 0 && errno == EINTR);
  if (r > 0)
    c->have += (size_t)r;
  return r > 0 ? r : 0;
}

/* n bytes of body into out: first what is buffered, then the socket. */
static int read_body(conn *c, uint8_t *out, size_t n) {
  size_t take = c->have < n ? c->have : n;
  memcpy(out, c->buf, take);
  memmove(c->buf, c->buf + take, c->have - take);
  c->have -= take;
  while (take < n) {
    ssize_t r = recv(c->fd, out + take, n - take, 0);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      return -1;
    take += (size_t)r;
  }
  return 0;
}

/* The fake's answer as HTTP bytes (malloc'd, *n long): built before the
 * answer is released, so that everything the library allocated for it is
 * freed before the client can see the answer (the tests count blocks). */
static char *answer(const char *method, const awsc_http_response *resp,
                    size_t *n) {
  char head[HEAD_MAX];
  int o = snprintf(head, sizeof(head), "HTTP/1.1 %d X\r\n", resp->status);
  const char *len_hdr = NULL;
  for (size_t i = 0; i < resp->header_count && o < (int)sizeof(head); i++) {
    const awsc_http_header *hd = &resp->headers[i];
    if (strcasecmp(hd->name, "content-length") == 0) {
      len_hdr = hd->value;
      continue;
    }
    if (strcasecmp(hd->name, "transfer-encoding") == 0 ||
        strcasecmp(hd->name, "connection") == 0)
      continue;
    o += snprintf(head + o, sizeof(head) - (size_t)o, "%s: %s\r\n", hd->name,
                  hd->value);
  }
  bool is_head = strcmp(method, "HEAD") == 0;
  size_t body = is_head ? 0 : resp->body_len;
  if (o < (int)sizeof(head)) {
    if (is_head && len_hdr)
      o += snprintf(head + o, sizeof(head) - (size_t)o,
                    "Content-Length: %s\r\n\r\n", len_hdr);
    else
      o += snprintf(head + o, sizeof(head) - (size_t)o,
                    "Content-Length: %zu\r\n\r\n", body);
  }
  if (o >= (int)sizeof(head))
    return NULL;
  char *out = malloc((size_t)o + body + 1);
  if (!out)
    return NULL;
  memcpy(out, head, (size_t)o);
  if (body)
    memcpy(out + o, resp->body, body);
  *n = (size_t)o + body;
  return out;
}

/* One request on the connection: 0 to go on, -1 to close. */
static int serve_one(conn *c) {
  char *end;
  while (!(end = memmem(c->buf, c->have, "\r\n\r\n", 4)))
    if (!fill(c))
      return -1;
  *end = '\0';
  fs3_stamp_arrival();
  size_t head_len = (size_t)(end - c->buf) + 4;
  char method[16], path[4096];
  if (sscanf(c->buf, "%15s %4095s", method, path) != 2)
    return -1;
  awsc_http_header hdrs[MAX_HDR];
  size_t nh = 0;
  int64_t clen = 0;
  bool expect = false;
  char *line = strstr(c->buf, "\r\n");
  while (line && nh < MAX_HDR) {
    line += 2;
    char *next = strstr(line, "\r\n");
    if (next)
      *next = '\0';
    char *colon = strchr(line, ':');
    if (colon) {
      *colon = '\0';
      char *v = colon + 1;
      while (*v == ' ')
        v++;
      if (strcasecmp(line, "content-length") == 0)
        clen = atoll(v);
      if (strcasecmp(line, "expect") == 0)
        expect = true;
      hdrs[nh].name = line;
      hdrs[nh].value = v;
      nh++;
    }
    line = next;
  }
  /* the header strings live in c->buf: move the rest of it to a copy */
  char *head = malloc(head_len);
  if (!head)
    return -1;
  memcpy(head, c->buf, head_len);
  for (size_t i = 0; i < nh; i++) {
    hdrs[i].name = head + (hdrs[i].name - c->buf);
    hdrs[i].value = head + (hdrs[i].value - c->buf);
  }
  memmove(c->buf, c->buf + head_len, c->have - head_len);
  c->have -= head_len;
  if (expect && write_all(c->fd, "HTTP/1.1 100 Continue\r\n\r\n", 25) != 0) {
    free(head);
    return -1;
  }
  uint8_t *body = clen > 0 ? malloc((size_t)clen) : NULL;
  if ((clen > 0 && !body) || (body && read_body(c, body, (size_t)clen))) {
    free(body);
    free(head);
    return -1;
  }
  char url[4200];
  snprintf(url, sizeof(url), "http://s3.fake%s", path);
  awsc_http_request req;
  memset(&req, 0, sizeof(req));
  req.method = method;
  req.url = url;
  req.headers = hdrs;
  req.header_count = nh;
  if (clen > 0) {
    req.body.kind = AWSC_BODY_MEMORY;
    req.body.data = body;
    req.body.len = (size_t)clen;
  }
  req.sink.kind = AWSC_SINK_MEMORY;
  awsc_http_response resp;
  memset(&resp, 0, sizeof(resp));
  awsc_error err = AWSC_ERROR_INIT;
  fake_s3 *f = c->h->f;
  int rc = f->base.vtable->send(&f->base, &req, &resp, &err);
  size_t out_n = 0;
  char *out = rc ? NULL : answer(method, &resp, &out_n);
  awsc_http_response_cleanup(&resp);
  free(body);
  free(head);
  rc = out ? write_all(c->fd, out, out_n) : -1;
  free(out);
  return rc;
}

static void *conn_main(void *arg) {
  conn *c = arg;
  for (;;) {
    struct pollfd p = {c->fd, POLLIN, 0};
    if (!c->have && poll(&p, 1, -1) <= 0)
      break;
    atomic_fetch_add(&c->h->busy, 1);
    int rc = atomic_load(&c->h->stopping) ? -1 : serve_one(c);
    atomic_fetch_sub(&c->h->busy, 1);
    if (rc)
      break;
  }
  shutdown(c->fd, SHUT_RDWR);
  free(c);
  return NULL;
}

static void *accept_main(void *arg) {
  fs3_http *h = arg;
  for (;;) {
    int fd = accept(h->lfd, NULL, NULL);
    if (fd < 0) {
      if (errno == EINTR)
        continue;
      return NULL; /* the listening socket was shut down */
    }
    conn *c = calloc(1, sizeof(*c));
    pthread_mutex_lock(&h->lock);
    if (!c || h->n >= MAX_CONN || atomic_load(&h->stopping)) {
      pthread_mutex_unlock(&h->lock);
      free(c);
      close(fd);
      continue;
    }
    c->h = h;
    c->fd = fd;
    h->fds[h->n] = fd;
    if (pthread_create(&h->threads[h->n], NULL, conn_main, c) == 0)
      h->n++;
    else {
      free(c);
      close(fd);
    }
    pthread_mutex_unlock(&h->lock);
  }
}

fs3_http *fs3_http_start(fake_s3 *f) {
  fs3_http *h = calloc(1, sizeof(*h));
  if (!h)
    return NULL;
  h->f = f;
  pthread_mutex_init(&h->lock, NULL);
  h->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof(a));
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t al = sizeof(a);
  if (h->lfd < 0 || bind(h->lfd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
      listen(h->lfd, 64) != 0 ||
      getsockname(h->lfd, (struct sockaddr *)&a, &al) != 0 ||
      pthread_create(&h->acceptor, NULL, accept_main, h) != 0) {
    if (h->lfd >= 0)
      close(h->lfd);
    free(h);
    return NULL;
  }
  snprintf(h->url, sizeof(h->url), "http://127.0.0.1:%d",
           (int)ntohs(a.sin_port));
  return h;
}

const char *fs3_http_url(const fs3_http *h) {
  return h->url;
}

void fs3_http_idle(fs3_http *h) {
  int quiet = 0;
  for (int i = 0; i < 1000 && quiet < 5; i++) {
    quiet = atomic_load(&h->busy) ? 0 : quiet + 1;
    struct timespec ts = {0, 10 * 1000000L};
    nanosleep(&ts, NULL);
  }
}

void fs3_http_stop(fs3_http *h) {
  if (!h)
    return;
  atomic_store(&h->stopping, true);
  shutdown(h->lfd, SHUT_RDWR);
  pthread_join(h->acceptor, NULL);
  close(h->lfd);
  for (int i = 0; i < h->n; i++)
    shutdown(h->fds[i], SHUT_RDWR);
  for (int i = 0; i < h->n; i++) {
    pthread_join(h->threads[i], NULL);
    close(h->fds[i]);
  }
  pthread_mutex_destroy(&h->lock);
  free(h);
}
