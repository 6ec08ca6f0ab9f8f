/* A small threaded HTTP/1.1 server for the transport tests (see .h). */
#include "test_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct conn {
  ts_server *srv;
  int fd; /* -1 once the thread closed it (under srv->lock) */
  pthread_t thread;
  char buf[65536];
  size_t len, pos;
  int served; /* requests answered on this connection */
} conn;

struct ts_server {
  int listen_fd;
  int port;
  pthread_t accept_thread;
  pthread_mutex_t lock;
  int stopping;
  int accepted;
  int requests;
  conn **conns;
  int conn_count, conn_cap;
  ts_response resp; /* strings owned */
  ts_request last;
  int has_last;
};

static char *dup_n(const char *s, size_t n) {
  char *p = malloc(n + 1);
  if (!p)
    abort();
  if (n)
    memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

static void free_response(ts_response *r) {
  free((char *)r->continue_headers);
  free((char *)r->headers);
  free((char *)r->body);
  memset(r, 0, sizeof(*r));
}

static void copy_response(ts_response *dst, const ts_response *src) {
  *dst = *src;
  if (src->body && !src->body_len)
    dst->body_len = strlen(src->body);
  dst->headers =
      src->headers ? dup_n(src->headers, strlen(src->headers)) : NULL;
  dst->body = src->body ? dup_n(src->body, dst->body_len) : NULL;
  dst->continue_headers =
      src->continue_headers
          ? dup_n(src->continue_headers, strlen(src->continue_headers))
          : NULL;
}

void ts_request_free(ts_request *r) {
  for (int i = 0; i < r->header_count; i++) {
    free(r->headers[i].name);
    free(r->headers[i].value);
  }
  free(r->headers);
  free(r->body);
  memset(r, 0, sizeof(*r));
}

static void copy_request(ts_request *dst, const ts_request *src) {
  *dst = *src;
  dst->headers = calloc((size_t)src->header_count + 1, sizeof(ts_header));
  if (!dst->headers)
    abort();
  for (int i = 0; i < src->header_count; i++) {
    dst->headers[i].name =
        dup_n(src->headers[i].name, strlen(src->headers[i].name));
    dst->headers[i].value =
        dup_n(src->headers[i].value, strlen(src->headers[i].value));
  }
  dst->body = dup_n(src->body ? src->body : "", src->body_len);
}

const char *ts_request_header(const ts_request *r, const char *name) {
  for (int i = 0; i < r->header_count; i++)
    if (strcasecmp(r->headers[i].name, name) == 0)
      return r->headers[i].value;
  return NULL;
}

int ts_request_header_count(const ts_request *r, const char *name) {
  int n = 0;
  for (int i = 0; i < r->header_count; i++)
    n += strcasecmp(r->headers[i].name, name) == 0;
  return n;
}

/* ---- buffered socket reading ---- */
static int fill(conn *c) {
  if (c->pos > 0) {
    memmove(c->buf, c->buf + c->pos, c->len - c->pos);
    c->len -= c->pos;
    c->pos = 0;
  }
  if (c->len == sizeof(c->buf))
    return -1;
  ssize_t n;
  do {
    n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
  } while (n < 0 && errno == EINTR);
  if (n <= 0)
    return -1;
  c->len += (size_t)n;
  return 0;
}

/* One line without its CRLF into out (NUL-terminated). */
static int read_line(conn *c, char *out, size_t out_size) {
  for (;;) {
    char *nl = memchr(c->buf + c->pos, '\n', c->len - c->pos);
    if (nl) {
      size_t n = (size_t)(nl - (c->buf + c->pos));
      size_t copy = n;
      if (copy && c->buf[c->pos + copy - 1] == '\r')
        copy--;
      if (copy >= out_size)
        copy = out_size - 1;
      memcpy(out, c->buf + c->pos, copy);
      out[copy] = '\0';
      c->pos += n + 1;
      return 0;
    }
    if (fill(c) != 0)
      return -1;
  }
}

static int read_bytes(conn *c, char **body, size_t *len, size_t *cap,
                      size_t n) {
  if (*len + n + 1 > *cap) {
    size_t nc = *cap ? *cap : 4096;
    while (nc < *len + n + 1)
      nc *= 2;
    char *p = realloc(*body, nc);
    if (!p)
      abort();
    *body = p;
    *cap = nc;
  }
  while (n > 0) {
    if (c->pos == c->len && fill(c) != 0)
      return -1;
    size_t take = c->len - c->pos;
    if (take > n)
      take = n;
    memcpy(*body + *len, c->buf + c->pos, take);
    c->pos += take;
    *len += take;
    n -= take;
  }
  (*body)[*len] = '\0';
  return 0;
}

static int send_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return -1;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

static const char *reason(int status) {
  switch (status) {
  case 200:
    return "OK";
  case 204:
    return "No Content";
  case 301:
    return "Moved Permanently";
  case 307:
    return "Temporary Redirect";
  case 400:
    return "Bad Request";
  case 403:
    return "Forbidden";
  case 404:
    return "Not Found";
  case 413:
    return "Payload Too Large";
  case 500:
    return "Internal Server Error";
  case 503:
    return "Service Unavailable";
  default:
    return "Status";
  }
}

static int stopping(ts_server *s) {
  pthread_mutex_lock(&s->lock);
  int v = s->stopping;
  pthread_mutex_unlock(&s->lock);
  return v;
}

static void sleep_ms(ts_server *s, int ms) {
  while (ms > 0 && !stopping(s)) {
    int step = ms < 10 ? ms : 10;
    struct timespec ts = {0, (long)step * 1000000L};
    nanosleep(&ts, NULL);
    ms -= step;
  }
}

/* A growable output buffer for building answers. */
typedef struct obuf {
  char *p;
  size_t len, cap;
} obuf;

static void ob_put(obuf *b, const void *data, size_t n) {
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 1024;
    while (cap < b->len + n + 1)
      cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p)
      abort();
    b->p = p;
    b->cap = cap;
  }
  if (n)
    memcpy(b->p + b->len, data, n);
  b->len += n;
}

static void ob_str(obuf *b, const char *s) {
  ob_put(b, s, strlen(s));
}

static int answer(conn *c, const ts_request *req, const ts_response *r) {
  int status = r->status ? r->status : 200;
  const char *body = r->echo_target ? req->target : r->body;
  size_t body_len = r->echo_target ? strlen(req->target) : r->body_len;
  char tmp[128];
  obuf b = {NULL, 0, 0};
  snprintf(tmp, sizeof(tmp), "HTTP/1.1 %d %s\r\n", status, reason(status));
  ob_str(&b, tmp);
  if (r->headers)
    ob_str(&b, r->headers);
  if (r->chunked) {
    ob_str(&b, "Transfer-Encoding: chunked\r\n");
  } else {
    snprintf(tmp, sizeof(tmp), "Content-Length: %zu\r\n", body_len);
    ob_str(&b, tmp);
  }
  if (r->close)
    ob_str(&b, "Connection: close\r\n");
  ob_str(&b, "\r\n");
  if (strcmp(req->method, "HEAD") != 0) {
    if (r->chunked) {
      /* two chunks, to exercise the client's de-chunking */
      size_t half = body_len / 2;
      size_t parts[2] = {half, body_len - half};
      const char *at = body;
      for (int i = 0; i < 2; i++) {
        if (!parts[i])
          continue;
        snprintf(tmp, sizeof(tmp), "%zx\r\n", parts[i]);
        ob_str(&b, tmp);
        ob_put(&b, at, parts[i]);
        ob_str(&b, "\r\n");
        at += parts[i];
      }
      ob_str(&b, "0\r\n\r\n");
    } else if (body_len) {
      ob_put(&b, body, body_len);
    }
  }
  int rc = send_all(c->fd, b.p, b.len);
  free(b.p);
  return rc;
}

static void record(ts_server *s, const ts_request *req) {
  pthread_mutex_lock(&s->lock);
  if (s->has_last)
    ts_request_free(&s->last);
  copy_request(&s->last, req);
  s->has_last = 1;
  s->requests++;
  pthread_mutex_unlock(&s->lock);
}

/* Serve one request; 0 to keep the connection, -1 to close it. */
static int serve_one(conn *c) {
  ts_server *s = c->srv;
  ts_request req;
  memset(&req, 0, sizeof(req));
  char line[8192];
  if (read_line(c, line, sizeof(line)) != 0)
    return -1;
  if (sscanf(line, "%31s %4095s", req.method, req.target) != 2)
    return -1;
  pthread_mutex_lock(&s->lock);
  int reset = s->resp.reset_reused && c->served > 0;
  pthread_mutex_unlock(&s->lock);
  if (reset) {
    struct linger lg = {1, 0};
    setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
    return -1;
  }
  int cap = 0;
  long long content_length = -1;
  for (;;) {
    if (read_line(c, line, sizeof(line)) != 0)
      goto fail;
    if (!line[0])
      break;
    char *colon = strchr(line, ':');
    if (!colon)
      continue;
    if (req.header_count == cap) {
      cap = cap ? cap * 2 : 16;
      req.headers = realloc(req.headers, (size_t)cap * sizeof(ts_header));
      if (!req.headers)
        abort();
    }
    char *v = colon + 1;
    while (*v == ' ' || *v == '\t')
      v++;
    ts_header *h = &req.headers[req.header_count++];
    h->name = dup_n(line, (size_t)(colon - line));
    h->value = dup_n(v, strlen(v));
    if (!strcasecmp(h->name, "Content-Length"))
      content_length = atoll(v);
    if (!strcasecmp(h->name, "Transfer-Encoding") && strstr(v, "chunked"))
      req.chunked = 1;
    if (!strcasecmp(h->name, "Expect") && !strcasecmp(v, "100-continue"))
      req.expect_100 = 1;
  }

  pthread_mutex_lock(&s->lock);
  ts_response r;
  copy_response(&r, &s->resp);
  pthread_mutex_unlock(&s->lock);

  int keep = !r.close && !r.close_silently;
  if (r.answer_before_body) {
    r.close = 1;
    record(s, &req);
    answer(c, &req, &r);
    keep = 0;
    goto done;
  }
  if (req.expect_100) {
    char cont[1024];
    snprintf(cont, sizeof(cont), "HTTP/1.1 100 Continue\r\n%s\r\n",
             r.continue_headers ? r.continue_headers : "");
    if (send_all(c->fd, cont, strlen(cont)) != 0)
      goto fail_r;
    req.sent_100 = 1;
  }
  size_t blen = 0, bcap = 0;
  if (req.chunked) {
    for (;;) {
      if (read_line(c, line, sizeof(line)) != 0)
        goto fail_r;
      size_t n = strtoul(line, NULL, 16);
      if (n == 0)
        break;
      if (read_bytes(c, &req.body, &blen, &bcap, n) != 0 ||
          read_line(c, line, sizeof(line)) != 0)
        goto fail_r;
    }
    do { /* trailers up to the empty line */
      if (read_line(c, line, sizeof(line)) != 0)
        goto fail_r;
    } while (line[0]);
  } else if (content_length > 0) {
    if (read_bytes(c, &req.body, &blen, &bcap, (size_t)content_length) != 0)
      goto fail_r;
  }
  req.body_len = blen;
  record(s, &req);
  if (r.drop_reused && c->served > 0) {
    keep = 0;
    goto done;
  }
  c->served++;
  if (r.delay_ms)
    sleep_ms(s, r.delay_ms);
  if (answer(c, &req, &r) != 0)
    keep = 0;
done:
  free_response(&r);
  ts_request_free(&req);
  return keep ? 0 : -1;
fail_r:
  free_response(&r);
fail:
  ts_request_free(&req);
  return -1;
}

static void *conn_main(void *arg) {
  conn *c = arg;
  while (!stopping(c->srv) && serve_one(c) == 0) {
  }
  pthread_mutex_lock(&c->srv->lock);
  close(c->fd);
  c->fd = -1;
  pthread_mutex_unlock(&c->srv->lock);
  return NULL;
}

static void *accept_main(void *arg) {
  ts_server *s = arg;
  for (;;) {
    int fd = accept(s->listen_fd, NULL, NULL);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED)
        continue;
      break;
    }
    pthread_mutex_lock(&s->lock);
    if (s->stopping) {
      pthread_mutex_unlock(&s->lock);
      close(fd);
      break;
    }
    s->accepted++;
    conn *c = calloc(1, sizeof(*c));
    if (!c)
      abort();
    c->srv = s;
    c->fd = fd;
    if (s->conn_count == s->conn_cap) {
      s->conn_cap = s->conn_cap ? s->conn_cap * 2 : 16;
      s->conns = realloc(s->conns, (size_t)s->conn_cap * sizeof(conn *));
      if (!s->conns)
        abort();
    }
    s->conns[s->conn_count++] = c;
    if (pthread_create(&c->thread, NULL, conn_main, c) != 0)
      abort();
    pthread_mutex_unlock(&s->lock);
  }
  return NULL;
}

ts_server *ts_start(void) {
  ts_server *s = calloc(1, sizeof(*s));
  if (!s)
    return NULL;
  pthread_mutex_init(&s->lock, NULL);
  s->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(s->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  struct sockaddr_in a;
  memset(&a, 0, sizeof(a));
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t alen = sizeof(a);
  if (s->listen_fd < 0 || bind(s->listen_fd, (struct sockaddr *)&a, alen) ||
      listen(s->listen_fd, 64) ||
      getsockname(s->listen_fd, (struct sockaddr *)&a, &alen)) {
    perror("test server");
    if (s->listen_fd >= 0)
      close(s->listen_fd);
    free(s);
    return NULL;
  }
  s->port = ntohs(a.sin_port);
  if (pthread_create(&s->accept_thread, NULL, accept_main, s) != 0)
    abort();
  return s;
}

void ts_stop(ts_server *s) {
  if (!s)
    return;
  pthread_mutex_lock(&s->lock);
  s->stopping = 1;
  shutdown(s->listen_fd, SHUT_RDWR);
  for (int i = 0; i < s->conn_count; i++)
    if (s->conns[i]->fd >= 0)
      shutdown(s->conns[i]->fd, SHUT_RDWR);
  pthread_mutex_unlock(&s->lock);
  pthread_join(s->accept_thread, NULL);
  close(s->listen_fd);
  for (int i = 0; i < s->conn_count; i++) {
    pthread_join(s->conns[i]->thread, NULL);
    free(s->conns[i]);
  }
  free(s->conns);
  free_response(&s->resp);
  if (s->has_last)
    ts_request_free(&s->last);
  pthread_mutex_destroy(&s->lock);
  free(s);
}

int ts_port(const ts_server *s) {
  return s->port;
}

void ts_url(const ts_server *s, char *buf, size_t n, const char *path) {
  snprintf(buf, n, "http://127.0.0.1:%d%s", s->port, path);
}

void ts_set_response(ts_server *s, const ts_response *r) {
  ts_response copy;
  copy_response(&copy, r);
  pthread_mutex_lock(&s->lock);
  free_response(&s->resp);
  s->resp = copy;
  pthread_mutex_unlock(&s->lock);
}

void ts_reset_connections(ts_server *s) {
  pthread_mutex_lock(&s->lock);
  for (int i = 0; i < s->conn_count; i++) {
    int fd = s->conns[i]->fd;
    if (fd < 0)
      continue;
    struct linger lg = {1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
    shutdown(fd, SHUT_RDWR);
  }
  pthread_mutex_unlock(&s->lock);
}

int ts_accepted(ts_server *s) {
  pthread_mutex_lock(&s->lock);
  int n = s->accepted;
  pthread_mutex_unlock(&s->lock);
  return n;
}

int ts_requests(ts_server *s) {
  pthread_mutex_lock(&s->lock);
  int n = s->requests;
  pthread_mutex_unlock(&s->lock);
  return n;
}

int ts_last_request(ts_server *s, ts_request *out) {
  memset(out, 0, sizeof(*out));
  pthread_mutex_lock(&s->lock);
  int has = s->has_last;
  if (has)
    copy_request(out, &s->last);
  pthread_mutex_unlock(&s->lock);
  return has ? 0 : -1;
}
