/*
 * tests/unit/engine/engine_server.c - see engine_server.h.
 */
#include "engine_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_PATHS 4096

struct es_server {
  int lfd;
  int port;
  char url[64];
  pthread_t acceptor;
  pthread_mutex_t lock;
  int stopping;
  int requests, accepted, open, max_open, broken;
  int threads; /* connection threads alive */
  char *paths[MAX_PATHS];
  int counts[MAX_PATHS];
  int n_paths;
};

typedef struct conn {
  es_server *s;
  int fd;
} conn;

static int path_seen(es_server *s, const char *path) {
  pthread_mutex_lock(&s->lock);
  int n = 0;
  for (int i = 0; i < s->n_paths; i++)
    if (strcmp(s->paths[i], path) == 0) {
      n = ++s->counts[i];
      break;
    }
  if (!n && s->n_paths < MAX_PATHS) {
    s->paths[s->n_paths] = strdup(path);
    s->counts[s->n_paths++] = n = 1;
  }
  s->requests++;
  pthread_mutex_unlock(&s->lock);
  return n;
}

static int send_all(int fd, const char *p, size_t n) {
  while (n) {
    ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
    if (w <= 0) {
      if (w < 0 && errno == EINTR)
        continue;
      return -1;
    }
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

static void sleep_ms(int ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

static int send_head(int fd, int status, const char *reason,
                     unsigned long long len, const char *extra) {
  char h[512];
  int n = snprintf(h, sizeof(h),
                   "HTTP/1.1 %d %s\r\nContent-Length: %llu\r\n"
                   "x-amz-request-id: REQ-%d\r\n%s\r\n",
                   status, reason, len, status, extra ? extra : "");
  return send_all(fd, h, (size_t)n);
}

static int send_error(int fd, int status, const char *code, bool head) {
  char body[256];
  int n = snprintf(body, sizeof(body),
                   "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>%s"
                   "</Code><Message>m %s</Message></Error>",
                   code, code);
  if (send_head(fd, status, status == 404 ? "Not Found" : "Slow Down",
                (unsigned long long)n, "Content-Type: application/xml\r\n"))
    return -1;
  return head ? 0 : send_all(fd, body, (size_t)n);
}

/* N bytes of the pattern; `upto` < N: stop there (then close). */
static int send_pattern(es_server *s, int fd, unsigned long long n,
                        unsigned long long upto, bool head) {
  if (send_head(fd, 200, "OK", n, "ETag: \"v1\"\r\n"))
    return -1;
  if (head)
    return 0;
  static char block[251 * 64];
  static int ready;
  if (!ready) {
    for (size_t i = 0; i < sizeof(block); i++)
      block[i] = (char)(i % 251);
    ready = 1;
  }
  unsigned long long sent = 0;
  while (sent < upto) {
    size_t k = sizeof(block);
    if (upto - sent < k)
      k = (size_t)(upto - sent);
    /* pattern position: sent % 251 == 0 always, as the block is 251*64 */
    if (send_all(fd, block, k)) {
      pthread_mutex_lock(&s->lock);
      s->broken++;
      pthread_mutex_unlock(&s->lock);
      return -1;
    }
    sent += k;
  }
  return upto < n ? -1 : 0;
}

/* Wait for the peer to go away (hang-*). */
static void wait_gone(int fd) {
  char b[256];
  for (;;) {
    ssize_t r = recv(fd, b, sizeof(b), 0);
    if (r == 0 || (r < 0 && errno != EINTR))
      return;
  }
}

static int answer(es_server *s, int fd, const char *method, const char *path) {
  const char *key = strrchr(path, '/');
  key = key ? key + 1 : path;
  bool head = strcmp(method, "HEAD") == 0;
  int seen = path_seen(s, path);
  unsigned long long n = 0;
  if (strncmp(key, "ok-", 3) == 0) {
    if (send_head(fd, 200, "OK", 5, "ETag: \"v1\"\r\n"))
      return -1;
    return head ? 0 : send_all(fd, "hello", 5);
  }
  if (strncmp(key, "slow-", 5) == 0) {
    sleep_ms(atoi(key + 5));
    if (send_head(fd, 200, "OK", 5, "ETag: \"v1\"\r\n"))
      return -1;
    return head ? 0 : send_all(fd, "hello", 5);
  }
  if (strncmp(key, "drop-", 5) == 0) {
    /* answered on a kept-alive connection, which then closes while the
     * client holds it idle */
    if (send_head(fd, 200, "OK", 5, "ETag: \"v1\"\r\n") ||
        (!head && send_all(fd, "hello", 5)))
      return -1;
    sleep_ms(atoi(key + 5));
    return -1;
  }
  if (strncmp(key, "503once-", 8) == 0) {
    if (seen == 1)
      return send_error(fd, 503, "SlowDown", head);
    if (send_head(fd, 200, "OK", 5, "ETag: \"v1\"\r\n"))
      return -1;
    return head ? 0 : send_all(fd, "hello", 5);
  }
  if (strncmp(key, "503always-", 10) == 0)
    return send_error(fd, 503, "SlowDown", head);
  if (strncmp(key, "404-", 4) == 0)
    return send_error(fd, 404, "NoSuchKey", head);
  if (sscanf(key, "big-%llu", &n) == 1)
    return send_pattern(s, fd, n, n, head);
  if (sscanf(key, "cut-%llu", &n) == 1)
    return send_pattern(s, fd, n, n / 2, head);
  if (sscanf(key, "cutonce-%llu", &n) == 1)
    return send_pattern(s, fd, n, seen == 1 ? n / 2 : n, head);
  if (strncmp(key, "hang-", 5) == 0) {
    wait_gone(fd);
    return -1;
  }
  return send_error(fd, 404, "NoSuchKey", head);
}

/* Read one request's head (and skip its body); 0 or -1 (closed). */
static int read_request(int fd, char *buf, size_t cap, char *method,
                        char *path) {
  size_t len = 0;
  char *end = NULL;
  while (!(end = strstr(buf, "\r\n\r\n"))) {
    if (len + 1 >= cap)
      return -1;
    ssize_t r = recv(fd, buf + len, cap - 1 - len, 0);
    if (r <= 0) {
      if (r < 0 && errno == EINTR)
        continue;
      return -1;
    }
    len += (size_t)r;
    buf[len] = '\0';
  }
  if (sscanf(buf, "%15s %1023s", method, path) != 2)
    return -1;
  unsigned long long body = 0;
  for (char *l = strstr(buf, "\r\n"); l && l < end; l = strstr(l + 2, "\r\n"))
    if (strncasecmp(l + 2, "content-length:", 15) == 0)
      body = strtoull(l + 17, NULL, 10);
  size_t have = len - (size_t)(end + 4 - buf);
  while (have < body) {
    char tmp[4096];
    ssize_t r = recv(fd, tmp, sizeof(tmp), 0);
    if (r <= 0)
      return -1;
    have += (size_t)r;
  }
  buf[0] = '\0';
  return 0;
}

static void *conn_main(void *arg) {
  conn *c = arg;
  es_server *s = c->s;
  char buf[16384], method[16], path[1024];
  buf[0] = '\0';
  while (read_request(c->fd, buf, sizeof(buf), method, path) == 0)
    if (answer(s, c->fd, method, path))
      break;
  close(c->fd);
  pthread_mutex_lock(&s->lock);
  s->open--;
  s->threads--;
  pthread_mutex_unlock(&s->lock);
  free(c);
  return NULL;
}

static void *accept_main(void *arg) {
  es_server *s = arg;
  for (;;) {
    struct pollfd p = {s->lfd, POLLIN, 0};
    int pr = poll(&p, 1, 50);
    pthread_mutex_lock(&s->lock);
    int stop = s->stopping;
    pthread_mutex_unlock(&s->lock);
    if (stop)
      return NULL;
    if (pr <= 0)
      continue;
    int fd = accept(s->lfd, NULL, NULL);
    if (fd < 0)
      continue;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    conn *c = malloc(sizeof(*c));
    if (!c) {
      close(fd);
      continue;
    }
    c->s = s;
    c->fd = fd;
    pthread_mutex_lock(&s->lock);
    s->accepted++;
    s->threads++;
    if (++s->open > s->max_open)
      s->max_open = s->open;
    pthread_mutex_unlock(&s->lock);
    pthread_t t;
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&at, 256 * 1024);
    if (pthread_create(&t, &at, conn_main, c) != 0) {
      close(fd);
      free(c);
      pthread_mutex_lock(&s->lock);
      s->open--;
      s->threads--;
      pthread_mutex_unlock(&s->lock);
    }
    pthread_attr_destroy(&at);
  }
}

es_server *es_start(void) {
  es_server *s = calloc(1, sizeof(*s));
  if (!s)
    return NULL;
  pthread_mutex_init(&s->lock, NULL);
  s->lfd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof(a));
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t al = sizeof(a);
  if (s->lfd < 0 || bind(s->lfd, (struct sockaddr *)&a, sizeof(a)) ||
      listen(s->lfd, 512) || getsockname(s->lfd, (struct sockaddr *)&a, &al)) {
    if (s->lfd >= 0)
      close(s->lfd);
    free(s);
    return NULL;
  }
  s->port = ntohs(a.sin_port);
  snprintf(s->url, sizeof(s->url), "http://127.0.0.1:%d", s->port);
  if (pthread_create(&s->acceptor, NULL, accept_main, s) != 0) {
    close(s->lfd);
    free(s);
    return NULL;
  }
  return s;
}

void es_stop(es_server *s) {
  if (!s)
    return;
  pthread_mutex_lock(&s->lock);
  s->stopping = 1;
  pthread_mutex_unlock(&s->lock);
  pthread_join(s->acceptor, NULL);
  close(s->lfd);
  /* connection threads end when their clients close; wait a little */
  for (int i = 0; i < 200; i++) {
    pthread_mutex_lock(&s->lock);
    int t = s->threads;
    pthread_mutex_unlock(&s->lock);
    if (!t)
      break;
    sleep_ms(10);
  }
  pthread_mutex_lock(&s->lock);
  int left = s->threads;
  for (int i = 0; i < s->n_paths; i++)
    free(s->paths[i]);
  s->n_paths = 0;
  pthread_mutex_unlock(&s->lock);
  if (left)
    return; /* a thread still holds s: leave it (test process ends) */
  pthread_mutex_destroy(&s->lock);
  free(s);
}

const char *es_url(const es_server *s) {
  return s->url;
}

#define GETTER(name, field)                                                    \
  int name(es_server *s) {                                                     \
    pthread_mutex_lock(&s->lock);                                              \
    int v = s->field;                                                          \
    pthread_mutex_unlock(&s->lock);                                            \
    return v;                                                                  \
  }
GETTER(es_requests, requests)
GETTER(es_accepted, accepted)
GETTER(es_max_open, max_open)
GETTER(es_broken_sends, broken)

int es_path_count(es_server *s, const char *path) {
  pthread_mutex_lock(&s->lock);
  int n = 0;
  for (int i = 0; i < s->n_paths; i++)
    if (strcmp(s->paths[i], path) == 0)
      n = s->counts[i];
  pthread_mutex_unlock(&s->lock);
  return n;
}
