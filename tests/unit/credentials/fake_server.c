/*
 * tests/unit/credentials/fake_server.c - see fake_server.h. One thread
 * accepts, a thread per connection answers; each reply closes the
 * connection ("Connection: close"), which keeps the parser trivial.
 * Plain malloc here: this is test scaffolding, not library code, and the
 * counting allocator must only see the library's allocations.
 */
#include "fake_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_ROUTES 64
#define MAX_REQUESTS 256

typedef struct route {
  char method[16];
  char path[512];
  int status;
  char *body;
  int delay_ms;
  bool used;
} route;

struct fake_server {
  int listen_fd;
  int port;
  char url[64];
  pthread_t thread;
  pthread_mutex_t lock;
  atomic_int stop;
  atomic_int active; /* connection threads still running */
  route routes[MAX_ROUTES];
  size_t nroutes;
  fake_request *requests;
  size_t nrequests;
};

static void sleep_ms(int ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

static const char *reason(int status) {
  switch (status) {
  case 200:
    return "OK";
  case 400:
    return "Bad Request";
  case 401:
    return "Unauthorized";
  case 403:
    return "Forbidden";
  case 404:
    return "Not Found";
  case 405:
    return "Method Not Allowed";
  case 500:
    return "Internal Server Error";
  case 503:
    return "Service Unavailable";
  default:
    return "Status";
  }
}

static void send_all(int fd, const char *p, size_t n) {
  while (n) {
    ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
    if (w <= 0) {
      if (w < 0 && errno == EINTR)
        continue;
      return;
    }
    p += w;
    n -= (size_t)w;
  }
}

/* Read a request head (and a Content-Length body) with a 5 s budget. */
static bool read_request(int fd, fake_request *r) {
  char buf[16384];
  size_t len = 0;
  char *end = NULL;
  memset(r, 0, sizeof(*r));
  for (;;) {
    struct pollfd p = {fd, POLLIN, 0};
    if (poll(&p, 1, 5000) <= 0)
      return false;
    ssize_t got = recv(fd, buf + len, sizeof(buf) - 1 - len, 0);
    if (got <= 0)
      return false;
    len += (size_t)got;
    buf[len] = '\0';
    end = strstr(buf, "\r\n\r\n");
    if (end)
      break;
    if (len >= sizeof(buf) - 1)
      return false;
  }
  *end = '\0';
  char *line = buf;
  char *nl = strstr(line, "\r\n");
  if (nl)
    *nl = '\0';
  if (sscanf(line, "%15s %511s", r->method, r->path) != 2)
    return false;
  size_t content_length = 0;
  while (nl) {
    line = nl + 2;
    nl = strstr(line, "\r\n");
    if (nl)
      *nl = '\0';
    char *colon = strchr(line, ':');
    if (!colon || r->header_count >= FAKE_MAX_HEADERS)
      continue;
    *colon = '\0';
    char *v = colon + 1;
    while (*v == ' ' || *v == '\t')
      v++;
    size_t i = r->header_count++;
    snprintf(r->header_names[i], sizeof(r->header_names[i]), "%s", line);
    for (char *c = r->header_names[i]; *c; c++)
      if (*c >= 'A' && *c <= 'Z')
        *c = (char)(*c + 32);
    snprintf(r->header_values[i], sizeof(r->header_values[i]), "%s", v);
    if (strcmp(r->header_names[i], "content-length") == 0)
      content_length = (size_t)strtoul(v, NULL, 10);
  }
  size_t have = len - (size_t)(end + 4 - buf);
  size_t copy = have < sizeof(r->body) - 1 ? have : sizeof(r->body) - 1;
  memcpy(r->body, end + 4, copy);
  while (have < content_length) {
    struct pollfd p = {fd, POLLIN, 0};
    if (poll(&p, 1, 5000) <= 0)
      break;
    ssize_t got = recv(fd, buf, sizeof(buf), 0);
    if (got <= 0)
      break;
    size_t room = sizeof(r->body) - 1 - copy;
    size_t take = (size_t)got < room ? (size_t)got : room;
    memcpy(r->body + copy, buf, take);
    copy += take;
    have += (size_t)got;
  }
  return true;
}

static void handle(fake_server *s, int fd) {
  fake_request req;
  if (!read_request(fd, &req))
    return;
  int status = 404;
  char *body = NULL;
  int delay = 0;
  pthread_mutex_lock(&s->lock);
  if (s->nrequests < MAX_REQUESTS)
    s->requests[s->nrequests++] = req;
  /* The first unused reply of the route, else its last one again. */
  route *last = NULL;
  for (size_t i = 0; i < s->nroutes; i++) {
    route *rt = &s->routes[i];
    if (strcmp(rt->method, req.method) || strcmp(rt->path, req.path))
      continue;
    last = rt;
    if (!rt->used) {
      rt->used = true;
      last = rt;
      break;
    }
  }
  if (last) {
    status = last->status;
    body = strdup(last->body ? last->body : "");
    delay = last->delay_ms;
  }
  pthread_mutex_unlock(&s->lock);
  if (delay)
    sleep_ms(delay);
  const char *b = body ? body : "";
  char head[256];
  int n = snprintf(head, sizeof(head),
                   "HTTP/1.1 %d %s\r\nContent-Length: %zu\r\n"
                   "Content-Type: text/plain\r\nConnection: close\r\n\r\n",
                   status, reason(status), strlen(b));
  send_all(fd, head, (size_t)n);
  if (strcmp(req.method, "HEAD") != 0)
    send_all(fd, b, strlen(b));
  free(body);
}

typedef struct conn {
  fake_server *s;
  int fd;
} conn;

/* One thread per connection, so a delayed reply does not hold up the
 * next request (a client that timed out retries at once). */
static void *serve_conn(void *arg) {
  conn *c = arg;
  handle(c->s, c->fd);
  shutdown(c->fd, SHUT_WR);
  /* Drain so the client sees a clean close, not a reset. */
  char sink[512];
  struct pollfd q = {c->fd, POLLIN, 0};
  while (poll(&q, 1, 100) > 0 && recv(c->fd, sink, sizeof(sink), 0) > 0) {
  }
  close(c->fd);
  atomic_fetch_sub(&c->s->active, 1);
  free(c);
  return NULL;
}

static void *serve(void *arg) {
  fake_server *s = arg;
  while (!s->stop) {
    struct pollfd p = {s->listen_fd, POLLIN, 0};
    int pr = poll(&p, 1, 50);
    if (pr <= 0)
      continue;
    int fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0)
      continue;
    conn *c = malloc(sizeof(*c));
    pthread_t th;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (c) {
      c->s = s;
      c->fd = fd;
      atomic_fetch_add(&s->active, 1);
      if (pthread_create(&th, &attr, serve_conn, c) != 0) {
        atomic_fetch_sub(&s->active, 1);
        free(c);
        close(fd);
      }
    } else {
      close(fd);
    }
    pthread_attr_destroy(&attr);
  }
  return NULL;
}

fake_server *fake_server_start(void) {
  fake_server *s = calloc(1, sizeof(*s));
  if (!s)
    return NULL;
  s->requests = calloc(MAX_REQUESTS, sizeof(fake_request));
  if (!s->requests) {
    free(s);
    return NULL;
  }
  s->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s->listen_fd < 0)
    goto fail;
  int one = 1;
  setsockopt(s->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  struct sockaddr_in a;
  memset(&a, 0, sizeof(a));
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t alen = sizeof(a);
  if (bind(s->listen_fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
      listen(s->listen_fd, 16) != 0 ||
      getsockname(s->listen_fd, (struct sockaddr *)&a, &alen) != 0)
    goto fail;
  s->port = ntohs(a.sin_port);
  snprintf(s->url, sizeof(s->url), "http://127.0.0.1:%d", s->port);
  pthread_mutex_init(&s->lock, NULL);
  if (pthread_create(&s->thread, NULL, serve, s) != 0) {
    pthread_mutex_destroy(&s->lock);
    goto fail;
  }
  return s;
fail:
  if (s->listen_fd >= 0)
    close(s->listen_fd);
  free(s->requests);
  free(s);
  return NULL;
}

void fake_server_stop(fake_server *s) {
  if (!s)
    return;
  s->stop = 1;
  pthread_join(s->thread, NULL);
  /* Let connection threads (a delayed reply, at most a few seconds)
   * finish before their server goes away. */
  while (atomic_load(&s->active) > 0)
    sleep_ms(10);
  close(s->listen_fd);
  fake_server_reset(s);
  pthread_mutex_destroy(&s->lock);
  free(s->requests);
  free(s);
}

int fake_server_port(const fake_server *s) {
  return s->port;
}
const char *fake_server_url(const fake_server *s) {
  return s->url;
}

void fake_server_add(fake_server *s, const char *method, const char *path,
                     int status, const char *body, int delay_ms) {
  pthread_mutex_lock(&s->lock);
  if (s->nroutes < MAX_ROUTES) {
    route *rt = &s->routes[s->nroutes++];
    snprintf(rt->method, sizeof(rt->method), "%s", method);
    snprintf(rt->path, sizeof(rt->path), "%s", path);
    rt->status = status;
    rt->body = body ? strdup(body) : NULL;
    rt->delay_ms = delay_ms;
    rt->used = false;
  }
  pthread_mutex_unlock(&s->lock);
}

void fake_server_reset(fake_server *s) {
  pthread_mutex_lock(&s->lock);
  for (size_t i = 0; i < s->nroutes; i++)
    free(s->routes[i].body);
  memset(s->routes, 0, sizeof(s->routes));
  s->nroutes = 0;
  s->nrequests = 0;
  pthread_mutex_unlock(&s->lock);
}

size_t fake_server_request_count(fake_server *s) {
  pthread_mutex_lock(&s->lock);
  size_t n = s->nrequests;
  pthread_mutex_unlock(&s->lock);
  return n;
}

int fake_server_request(fake_server *s, size_t i, fake_request *out) {
  int rc = -1;
  pthread_mutex_lock(&s->lock);
  if (i < s->nrequests) {
    *out = s->requests[i];
    rc = 0;
  }
  pthread_mutex_unlock(&s->lock);
  return rc;
}

const char *fake_request_header(const fake_request *r, const char *name) {
  for (size_t i = 0; i < r->header_count; i++)
    if (strcasecmp(r->header_names[i], name) == 0)
      return r->header_values[i];
  return NULL;
}
