/*
 * tests/bench/fast_s3_server.c - a small, fast HTTP/1.1 server for
 * loopback client benchmarks (issue 12 points 4 and 5): it answers HEAD
 * and GET of any path-style /bucket/key with the same fixed bytes, keeps
 * connections alive and holds thousands of them on one thread (epoll,
 * level-triggered). A real S3 server (Ceph RGW spends ~1.2 ms CPU per
 * request here) would hide the client's own cost; this one spends about
 * 20 us, mostly in recv/send/epoll system calls (3,000 connections held
 * at once in a test). SigV4 headers are accepted unchecked.
 *
 * Listens on 127.0.0.1 only. Stops by itself: after --max-seconds
 * (default 900), when the process that started it exits (PR_SET_PDEATHSIG)
 * and on SIGTERM / SIGINT, printing its counters to stderr.
 *
 * usage: fast_s3_server [--port N] [--size BYTES] [--max-seconds S]
 *                       [--dump FILE] [--port-file FILE] [--file PATH]
 *   --port N         0 (default) = any free port; the port is printed on
 *                    stdout as "port N" once listening (and written alone
 *                    to --port-file if given)
 *   --size BYTES     object size (default 1024; at most 16 MiB)
 *   --file PATH      serve this file instead (any size; sent with
 *                    sendfile from the page cache, so the server costs
 *                    next to nothing per byte or per request: issue 12
 *                    point 3's downloads without RGW's cost); GET takes a
 *                    Range ("bytes=A-B", "bytes=A-": 206 with
 *                    Content-Range; 416 when it starts past the end); the
 *                    ETag is a multipart-style "<zeros>-1", as the file's
 *                    MD5 is not computed
 *   --dump FILE      append the head of every request (request line and
 *                    headers, as received) to FILE, for comparing what two
 *                    clients send; slows the server down
 *
 * Responses: 200 for HEAD/GET of /BUCKET/KEY (any non-empty key), with
 * Content-Length, ETag (the object's MD5, which awsc checks on GetObject
 * as S3's single-part ETag), Last-Modified, Content-Type, Accept-Ranges,
 * x-amz-request-id and Date, like S3 and RGW; 404 NoSuchKey (XML) for
 * other paths; 405 for other methods. A request body announced by
 * Content-Length is read and dropped. GET /__stats answers counters as
 * text and then resets the peak and the accepted count:
 *   "requests R accepted A open O peak P"
 * (open and peak include the connection asking; the scripts subtract it).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#define IN_CAP 16384
#define MAX_EVENTS 512

typedef struct conn {
  char in[IN_CAP];
  size_t in_len;
  long long body_left; /* request body bytes still to drop */
  char *out;           /* pending output (heap, grows) */
  size_t out_len, out_off, out_cap;
  off_t file_off; /* --file: the body still to send after out */
  long long file_left;
  int want_write;
} conn;

static conn **conns; /* indexed by fd */
static int conns_cap;
static char *object;
static size_t object_len;
static char etag[2 * EVP_MAX_MD_SIZE + 3]; /* the object's MD5, as S3's */
static int file_fd = -1;                   /* --file */
static long long file_size;
static unsigned long long n_requests, n_accepted, n_open, n_peak;
static FILE *dump;
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig) {
  stop_signal = sig;
}

static double cpu_s(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
         (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* The Date header, rebuilt at most once a second. */
static const char *http_date(void) {
  static char buf[64];
  static time_t last = -1;
  time_t now = time(NULL);
  if (now != last) {
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    last = now;
  }
  return buf;
}

static int out_reserve(conn *c, size_t more) {
  if (c->out_len + more <= c->out_cap)
    return 0;
  size_t cap = c->out_cap ? c->out_cap : 4096;
  while (cap < c->out_len + more)
    cap *= 2;
  char *p = realloc(c->out, cap);
  if (!p)
    return -1;
  c->out = p;
  c->out_cap = cap;
  return 0;
}

static int out_add(conn *c, const char *p, size_t n) {
  if (out_reserve(c, n))
    return -1;
  memcpy(c->out + c->out_len, p, n);
  c->out_len += n;
  return 0;
}

static void close_conn(int epfd, int fd) {
  conn *c = conns[fd];
  epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
  close(fd);
  if (c) {
    free(c->out);
    free(c);
    conns[fd] = NULL;
  }
  n_open--;
}

/* The head of an answer (extra: more header lines, each ending in CRLF,
 * or ""), then the body if send_body and body. */
static int respond_x(conn *c, int status, const char *reason, const char *ctype,
                     const char *extra, const char *body, size_t body_len,
                     int send_body) {
  char head[1024];
  int n = snprintf(head, sizeof(head),
                   "HTTP/1.1 %d %s\r\n"
                   "Content-Length: %zu\r\n"
                   "%s"
                   "Accept-Ranges: bytes\r\n"
                   "Last-Modified: Wed, 12 Oct 2009 17:50:00 GMT\r\n"
                   "ETag: \"%s\"\r\n"
                   "x-amz-request-id: tx00000a1b2c3d4e5f60718-fast\r\n"
                   "Content-Type: %s\r\n"
                   "Date: %s\r\n"
                   "Connection: Keep-Alive\r\n\r\n",
                   status, reason, body_len, extra, etag, ctype, http_date());
  if (n <= 0 || (size_t)n >= sizeof(head))
    return -1;
  if (out_add(c, head, (size_t)n))
    return -1;
  return send_body && body ? out_add(c, body, body_len) : 0;
}

static int respond(conn *c, int status, const char *reason, const char *ctype,
                   const char *body, size_t body_len, int send_body) {
  return respond_x(c, status, reason, ctype, "", body, body_len, send_body);
}

/* The value of header name (with its colon) in the head, or NULL; *vlen
 * its length without the line end. */
static const char *header_value(const char *head, size_t len, const char *name,
                                size_t *vlen) {
  size_t nl = strlen(name);
  const char *p = head, *end = head + len;
  while (p < end) {
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    if (!eol)
      break;
    if ((size_t)(eol - p) > nl && strncasecmp(p, name, nl) == 0) {
      const char *v = p + nl;
      while (v < eol && (*v == ' ' || *v == '\t'))
        v++;
      const char *ve = eol;
      while (ve > v && (ve[-1] == '\r' || ve[-1] == ' '))
        ve--;
      *vlen = (size_t)(ve - v);
      return v;
    }
    p = eol + 1;
  }
  return NULL;
}

/* --file: a GET or HEAD of the file, whole or the Range asked for. */
static int respond_file(conn *c, const char *head, size_t len, int get) {
  long long a = 0, b = file_size - 1;
  size_t vl = 0;
  const char *v = get ? header_value(head, len, "Range:", &vl) : NULL;
  char extra[128] = "";
  int status = 200;
  if (v) {
    /* "bytes=A-B" or "bytes=A-"; the head ends in CRLF CRLF, so strtoll
     * stops inside it */
    char *e = NULL;
    bool ok =
        vl > 6 && strncmp(v, "bytes=", 6) == 0 && v[6] >= '0' && v[6] <= '9';
    if (ok) {
      a = strtoll(v + 6, &e, 10);
      ok = *e == '-';
    }
    if (ok && e + 1 < v + vl)
      b = strtoll(e + 1, NULL, 10);
    if (b > file_size - 1)
      b = file_size - 1;
    if (!ok || a >= file_size || b < a)
      return respond(c, 416, "Range Not Satisfiable", "text/plain", "", 0, 1);
    snprintf(extra, sizeof(extra), "Content-Range: bytes %lld-%lld/%lld\r\n", a,
             b, file_size);
    status = 206;
  }
  long long n = file_size ? b - a + 1 : 0;
  if (respond_x(c, status, status == 206 ? "Partial Content" : "OK",
                "binary/octet-stream", extra, NULL, (size_t)n, 0))
    return -1;
  if (get) {
    c->file_off = (off_t)a;
    c->file_left = n;
  }
  return 0;
}

static long long content_length(const char *head, size_t len) {
  size_t vl;
  const char *v = header_value(head, len, "Content-Length:", &vl);
  return v ? atoll(v) : 0;
}

/* One complete request head of len bytes at c->in: queue its answer. */
static int handle_request(conn *c, size_t len) {
  n_requests++;
  if (dump) {
    fwrite(c->in, 1, len, dump);
    fflush(dump);
  }
  c->body_left = content_length(c->in, len);
  const char *sp = memchr(c->in, ' ', len);
  if (!sp)
    return -1;
  size_t mlen = (size_t)(sp - c->in);
  const char *path = sp + 1;
  const char *pend = memchr(path, ' ', len - mlen - 1);
  if (!pend)
    return -1;
  size_t plen = (size_t)(pend - path);
  int head = mlen == 4 && memcmp(c->in, "HEAD", 4) == 0;
  int get = mlen == 3 && memcmp(c->in, "GET", 3) == 0;
  if (!head && !get) {
    static const char msg[] = "method not allowed\n";
    return respond(c, 405, "Method Not Allowed", "text/plain", msg,
                   sizeof(msg) - 1, 1);
  }
  if (plen >= 8 && memcmp(path, "/__stats", 8) == 0) {
    char text[160];
    int n = snprintf(text, sizeof(text),
                     "requests %llu accepted %llu open %llu peak %llu\n",
                     n_requests, n_accepted, n_open, n_peak);
    n_accepted = 0;
    n_peak = n_open;
    return respond(c, 200, "OK", "text/plain", text, (size_t)n, get);
  }
  /* /bucket/key: a slash after a non-empty bucket name, then a key. */
  const char *q = memchr(path, '?', plen);
  size_t upto = q ? (size_t)(q - path) : plen;
  const char *slash = upto > 1 ? memchr(path + 1, '/', upto - 1) : NULL;
  if (path[0] == '/' && slash && slash > path + 1 &&
      (size_t)(slash - path) + 1 < upto)
    return file_fd >= 0 ? respond_file(c, c->in, len, get)
                        : respond(c, 200, "OK", "binary/octet-stream", object,
                                  object_len, get);
  static const char nokey[] =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey"
      "</Code><Message>The specified key does not exist.</Message></Error>";
  return respond(c, 404, "Not Found", "application/xml", nokey,
                 sizeof(nokey) - 1, get);
}

static int flush_out(int epfd, int fd, conn *c) {
  /* the answer's buffered head (and fixed body), then its --file body */
  for (;;) {
    int buffered = c->out_off < c->out_len;
    ssize_t w;
    if (buffered)
      w = send(fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
    else if (c->file_left > 0)
      w = sendfile(fd, file_fd, &c->file_off,
                   c->file_left > (1 << 20) ? (size_t)1 << 20
                                            : (size_t)c->file_left);
    else
      break;
    if (w < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK)
        break;
      if (errno == EINTR)
        continue;
      return -1;
    }
    if (w == 0)
      return -1; /* the file shrank */
    if (!buffered)
      c->file_left -= w;
    else if ((c->out_off += (size_t)w) == c->out_len)
      c->out_off = c->out_len = 0;
  }
  int want = c->out_len > 0 || c->file_left > 0;
  if (want != c->want_write) {
    struct epoll_event ev = {.events = EPOLLIN | (want ? EPOLLOUT : 0),
                             .data.fd = fd};
    if (epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ev))
      return -1;
    c->want_write = want;
  }
  return 0;
}

/* Consume what has arrived: drop body bytes, answer complete heads. */
static int process_input(conn *c) {
  size_t off = 0;
  for (;;) {
    if (c->body_left > 0) {
      size_t take = c->in_len - off;
      if ((long long)take > c->body_left)
        take = (size_t)c->body_left;
      c->body_left -= (long long)take;
      off += take;
      if (c->body_left > 0)
        break;
    }
    if (c->file_left > 0)
      break; /* the next answer waits for this body (pipelining) */
    char *end = memmem(c->in + off, c->in_len - off, "\r\n\r\n", 4);
    if (!end)
      break;
    size_t len = (size_t)(end - (c->in + off)) + 4;
    if (off) {
      memmove(c->in, c->in + off, c->in_len - off);
      c->in_len -= off;
      off = 0;
    }
    if (handle_request(c, len))
      return -1;
    off = len;
  }
  if (off) {
    memmove(c->in, c->in + off, c->in_len - off);
    c->in_len -= off;
  }
  return c->in_len == IN_CAP ? -1 : 0; /* a head larger than the buffer */
}

/* Answer the complete heads that have arrived and send what is due; a
 * request that came in behind a --file body (pipelined) is answered once
 * that body is out. */
static int serve(int epfd, int fd, conn *c) {
  for (;;) {
    if (process_input(c))
      return -1;
    int sending_file = c->file_left > 0;
    if (flush_out(epfd, fd, c))
      return -1;
    if (!sending_file || c->file_left > 0 || !c->in_len)
      return 0;
  }
}

/* One read per event: level-triggered epoll calls again if more is
 * waiting, which keeps one busy connection from starving the others. */
static void on_readable(int epfd, int fd) {
  conn *c = conns[fd];
  ssize_t r;
  do
    r = recv(fd, c->in + c->in_len, IN_CAP - c->in_len, 0);
  while (r < 0 && errno == EINTR);
  if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
    close_conn(epfd, fd);
    return;
  }
  if (r > 0)
    c->in_len += (size_t)r;
  if (serve(epfd, fd, c))
    close_conn(epfd, fd);
}

static void on_accept(int epfd, int lfd) {
  for (;;) {
    int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0)
      return; /* EAGAIN, or out of descriptors: try again on the next event */
    if (fd >= conns_cap) {
      close(fd);
      continue;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    conn *c = calloc(1, sizeof(*c));
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
    if (!c || epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev)) {
      free(c);
      close(fd);
      continue;
    }
    conns[fd] = c;
    n_accepted++;
    if (++n_open > n_peak)
      n_peak = n_open;
  }
}

static int listen_on(int port, int *bound) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof(sa));
  sa.sin_family = AF_INET;
  sa.sin_port = htons((unsigned short)port);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t sl = sizeof(sa);
  if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 4096) ||
      getsockname(fd, (struct sockaddr *)&sa, &sl)) {
    close(fd);
    return -1;
  }
  *bound = ntohs(sa.sin_port);
  return fd;
}

static void usage(void) {
  fprintf(stderr, "usage: fast_s3_server [--port N] [--size BYTES] "
                  "[--max-seconds S] [--dump FILE] [--port-file FILE] "
                  "[--file PATH]\n");
}

int main(int argc, char **argv) {
  int port = 0;
  long size = 1024, max_s = 900;
  const char *dump_path = NULL, *port_file = NULL, *file_path = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--port") == 0 && i + 1 < argc)
      port = atoi(argv[++i]);
    else if (strcmp(argv[i], "--size") == 0 && i + 1 < argc)
      size = atol(argv[++i]);
    else if (strcmp(argv[i], "--max-seconds") == 0 && i + 1 < argc)
      max_s = atol(argv[++i]);
    else if (strcmp(argv[i], "--dump") == 0 && i + 1 < argc)
      dump_path = argv[++i];
    else if (strcmp(argv[i], "--port-file") == 0 && i + 1 < argc)
      port_file = argv[++i];
    else if (strcmp(argv[i], "--file") == 0 && i + 1 < argc)
      file_path = argv[++i];
    else {
      usage();
      return 2;
    }
  }
  if (port < 0 || port > 65535 || size < 0 || size > (16L << 20) || max_s < 1) {
    usage();
    return 2;
  }
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() == 1)
    return 1; /* the starter is already gone */
  signal(SIGPIPE, SIG_IGN);
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_signal;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGALRM, &sa, NULL);
  alarm((unsigned)max_s);

  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max > 65536 ? 65536 : rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  conns_cap = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 65536
                  ? (int)rl.rlim_cur
                  : 65536;
  conns = calloc((size_t)conns_cap, sizeof(*conns));
  object_len = (size_t)size;
  object = malloc(object_len ? object_len : 1);
  if (!conns || !object) {
    fprintf(stderr, "fast_s3_server: out of memory\n");
    return 1;
  }
  /* The bytes bench_request.c and the Python benchmarks use. */
  for (size_t i = 0; i < object_len; i++)
    object[i] = (char)('a' + i % 26);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned md_len = 0;
  if (!EVP_Digest(object, object_len, md, &md_len, EVP_md5(), NULL)) {
    fprintf(stderr, "fast_s3_server: MD5 failed\n");
    return 1;
  }
  for (unsigned i = 0; i < md_len; i++)
    snprintf(etag + 2 * i, 3, "%02x", md[i]);
  if (file_path) {
    struct stat st;
    file_fd = open(file_path, O_RDONLY | O_CLOEXEC);
    if (file_fd < 0 || fstat(file_fd, &st)) {
      perror(file_path);
      return 1;
    }
    file_size = (long long)st.st_size;
    snprintf(etag, sizeof(etag), "%032d-1", 0);
  }
  if (dump_path && !(dump = fopen(dump_path, "a"))) {
    perror(dump_path);
    return 1;
  }

  int bound = 0;
  int lfd = listen_on(port, &bound);
  int epfd = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event lev = {.events = EPOLLIN, .data.fd = lfd};
  if (lfd < 0 || epfd < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, lfd, &lev)) {
    perror("fast_s3_server: listen");
    return 1;
  }
  if (port_file) {
    FILE *pf = fopen(port_file, "w");
    if (!pf || fprintf(pf, "%d\n", bound) < 0 || fclose(pf)) {
      perror(port_file);
      return 1;
    }
  }
  printf("port %d\n", bound);
  fflush(stdout);

  struct epoll_event evs[MAX_EVENTS];
  while (!stop_signal) {
    int n = epoll_wait(epfd, evs, MAX_EVENTS, 1000);
    if (n < 0 && errno != EINTR) {
      perror("epoll_wait");
      break;
    }
    for (int i = 0; i < n; i++) {
      int fd = evs[i].data.fd;
      if (fd == lfd) {
        on_accept(epfd, lfd);
        continue;
      }
      if (!conns[fd])
        continue;
      if (evs[i].events & (EPOLLERR | EPOLLHUP)) {
        close_conn(epfd, fd);
        continue;
      }
      if (evs[i].events & EPOLLOUT && serve(epfd, fd, conns[fd])) {
        close_conn(epfd, fd);
        continue;
      }
      if (evs[i].events & EPOLLIN)
        on_readable(epfd, fd);
    }
  }
  fprintf(stderr, "fast_s3_server: stopped (%s): %llu requests, %.3f s CPU\n",
          stop_signal == SIGALRM ? "--max-seconds reached" : "signal",
          n_requests, cpu_s());
  return 0;
}
