/*
 * The pull-style body reader against engine_server.c: a 64 MiB body read
 * in 1000-byte pieces with the library's memory flat (an allocator of the
 * test's own counts live bytes and their peak), every byte checked; an
 * error mid-body; a body cut once and resumed by the retry (each byte
 * once); closing early; a service error at open; a reader sharing a loop
 * with other calls; reads larger than the reader's buffer (the bytes go
 * straight into the caller's); a BEFORE_CALL hook's answer read as the
 * body, through the reader and through awsc_call_json_body's sinks;
 * awsc_body_reader_read_some returning what has arrived without waiting
 * for the rest (against a server of this file that sends part of a body
 * and stalls).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "awsc/awsc.h"
#include "awsc/hooks.h"
#include "client/client_internal.h"
#include "engine_test.h"
#include "test.h"

/* ---- an allocator that counts live bytes ---- */

static _Atomic int64_t live_bytes, peak_bytes, live_blocks;

typedef union hdr {
  size_t size;
  max_align_t align;
} hdr;

static void note(int64_t delta) {
  int64_t now = atomic_fetch_add(&live_bytes, delta) + delta;
  int64_t p = atomic_load(&peak_bytes);
  while (now > p && !atomic_compare_exchange_weak(&peak_bytes, &p, now)) {
  }
}

static void *c_malloc(size_t n, void *ud) {
  (void)ud;
  hdr *h = malloc(sizeof(hdr) + n);
  if (!h)
    return NULL;
  h->size = n;
  note((int64_t)n);
  atomic_fetch_add(&live_blocks, 1);
  return h + 1;
}

static void c_free(void *p, void *ud) {
  (void)ud;
  if (!p)
    return;
  hdr *h = (hdr *)p - 1;
  note(-(int64_t)h->size);
  atomic_fetch_sub(&live_blocks, 1);
  free(h);
}

static void *c_realloc(void *p, size_t n, void *ud) {
  if (!p)
    return c_malloc(n, ud);
  hdr *h = (hdr *)p - 1;
  size_t old = h->size;
  hdr *nh = realloc(h, sizeof(hdr) + n);
  if (!nh)
    return NULL;
  nh->size = n;
  note((int64_t)n - (int64_t)old);
  return nh + 1;
}

/* ---- tests ---- */

#define BIG ((uint64_t)64 << 20)

static awsc_client *client_of(awsc_session **s, int attempts) {
  *s = et_session(attempts);
  return et_client(*s);
}

static void test_64mib_in_1000_byte_pieces(void) {
  awsc_session *s;
  awsc_client *c = client_of(&s, 0);
  awsc_error err = AWSC_ERROR_INIT;
  awsc_body_reader *rd = NULL;
  char *meta = NULL;
  char params[128];
  snprintf(params, sizeof(params), "{\"Bucket\":\"b\",\"Key\":\"big-%llu\"}",
           (unsigned long long)BIG);
  int64_t base = atomic_load(&live_bytes);
  atomic_store(&peak_bytes, base);
  double t0 = et_now();
  CHECK_INT(
      awsc_body_reader_open(&rd, &meta, c, "GetObject", params, NULL, &err), 0);
  if (!rd) {
    fprintf(stderr, "open: %s\n", err.message);
    goto out;
  }
  CHECK(meta && strstr(meta, "\"ContentLength\":67108864"));
  CHECK(meta && strstr(meta, "\"ETag\":\"\\\"v1\\\"\""));
  CHECK(meta && strstr(meta, "\"HTTPStatusCode\":200"));
  CHECK(meta && !strstr(meta, "\"Body\""));
  char piece[1000];
  uint64_t total = 0, wrong = 0, short_reads = 0;
  int64_t n;
  while ((n = awsc_body_reader_read(rd, piece, sizeof(piece), &err)) > 0) {
    for (int64_t i = 0; i < n; i++)
      wrong += (unsigned char)piece[i] != (total + (uint64_t)i) % 251;
    if (n < (int64_t)sizeof(piece) && total + (uint64_t)n < BIG)
      short_reads++;
    total += (uint64_t)n;
  }
  CHECK_INT(n, 0);
  CHECK_INT(total, BIG);
  CHECK_INT(wrong, 0);
  CHECK_INT(short_reads, 0); /* n bytes every time but the last */
  CHECK_INT(awsc_body_reader_read(rd, piece, sizeof(piece), &err), 0);
  double dt = et_now() - t0;
  int64_t peak = atomic_load(&peak_bytes) - base;
  printf("  64 MiB in 1000-byte reads: %.2f s (%.0f MiB/s), peak library "
         "memory %.2f MiB above the start\n",
         dt, 64 / dt, (double)peak / (1 << 20));
  /* the buffer (1 MiB) and what one loop step reads, not the body */
  CHECK(peak < (int64_t)4 << 20);
out:
  awsc_body_reader_close(rd);
  awsc_mem_free(meta);
  awsc_client_free(c);
  awsc_session_free(s);
}

static void test_error_mid_body(void) {
  awsc_session *s;
  awsc_client *c = client_of(&s, 1); /* no retry: the break is the end */
  awsc_error err = AWSC_ERROR_INIT;
  awsc_body_reader *rd = NULL;
  char *meta = NULL;
  CHECK_INT(awsc_body_reader_open(&rd, &meta, c, "GetObject",
                                  "{\"Bucket\":\"b\",\"Key\":\"cut-2000000\"}",
                                  NULL, &err),
            0);
  char piece[4096];
  uint64_t total = 0;
  int64_t n = 0;
  while (rd && (n = awsc_body_reader_read(rd, piece, sizeof(piece), &err)) > 0)
    total += (uint64_t)n;
  CHECK_INT(total, 1000000); /* what came before the break */
  CHECK(n < 0);
  CHECK(n == AWSC_ENETWORK || n == AWSC_EIO);
  CHECK(err.message[0] != '\0');
  /* the error stays */
  awsc_error again = AWSC_ERROR_INIT;
  CHECK_INT(rd ? awsc_body_reader_read(rd, piece, sizeof(piece), &again) : 0,
            n);
  awsc_body_reader_close(rd);
  awsc_mem_free(meta);
  awsc_client_free(c);
  awsc_session_free(s);
}

static void test_cut_once_resumed(void) {
  awsc_session *s;
  awsc_client *c = client_of(&s, 3);
  awsc_error err = AWSC_ERROR_INIT;
  awsc_body_reader *rd = NULL;
  char *meta = NULL;
  CHECK_INT(awsc_body_reader_open(
                &rd, &meta, c, "GetObject",
                "{\"Bucket\":\"b\",\"Key\":\"cutonce-3000000\"}", NULL, &err),
            0);
  char piece[777];
  uint64_t total = 0, wrong = 0;
  int64_t n = 0;
  while (rd &&
         (n = awsc_body_reader_read(rd, piece, sizeof(piece), &err)) > 0) {
    for (int64_t i = 0; i < n; i++)
      wrong += (unsigned char)piece[i] != (total + (uint64_t)i) % 251;
    total += (uint64_t)n;
  }
  CHECK_INT(n, 0);
  CHECK_INT(total, 3000000);
  CHECK_INT(wrong, 0);
  CHECK_INT(es_path_count(srv, "/b/cutonce-3000000"), 2);
  awsc_body_reader_close(rd);
  awsc_mem_free(meta);
  awsc_client_free(c);
  awsc_session_free(s);
}

/* Open a 64 MiB body, read 10000 bytes, close. */
static void open_read_close(awsc_client *c) {
  awsc_error err = AWSC_ERROR_INIT;
  awsc_body_reader *rd = NULL;
  char *meta = NULL;
  awsc_body_reader_options o = AWSC_BODY_READER_OPTIONS_INIT;
  o.buffer_bytes = 64 * 1024;
  CHECK_INT(awsc_body_reader_open(&rd, &meta, c, "GetObject",
                                  "{\"Bucket\":\"b\",\"Key\":\"big-67108864\"}",
                                  &o, &err),
            0);
  char piece[10000];
  CHECK_INT(rd ? awsc_body_reader_read(rd, piece, sizeof(piece), &err) : 0,
            10000);
  awsc_body_reader_close(rd);
  awsc_mem_free(meta);
}

/* Wait (up to a second) for the server to count a send broken off. */
static int wait_broken(int before) {
  for (int i = 0; i < 100 && es_broken_sends(srv) == before; i++) {
    struct timespec ts = {0, 10 * 1000000L};
    nanosleep(&ts, NULL);
  }
  return es_broken_sends(srv);
}

static void test_close_early(void) {
  awsc_session *s;
  awsc_client *c = client_of(&s, 0);
  /* the first round leaves what the session keeps (its DNS cache); a
   * second must give back all it took */
  int broken = es_broken_sends(srv);
  open_read_close(c);
  /* the server sees the connection go away in the middle of its send */
  CHECK_INT(wait_broken(broken), broken + 1);
  awsc_client_drop_idle(c);
  broken = es_broken_sends(srv);
  int64_t blocks = atomic_load(&live_blocks);
  open_read_close(c);
  CHECK_INT(wait_broken(broken), broken + 1);
  awsc_client_drop_idle(c);
  CHECK_INT(atomic_load(&live_blocks), blocks);
  awsc_client_free(c);
  awsc_session_free(s);
}

static void test_open_errors(void) {
  awsc_session *s;
  awsc_client *c = client_of(&s, 0);
  awsc_error err = AWSC_ERROR_INIT;
  awsc_body_reader *rd = NULL;
  char *meta = NULL;
  CHECK_INT(awsc_body_reader_open(&rd, &meta, c, "GetObject",
                                  "{\"Bucket\":\"b\",\"Key\":\"404-r\"}", NULL,
                                  &err),
            AWSC_ESERVICE);
  /* no reader; the error document, as awsc_call_json_response gives it */
  CHECK(rd == NULL && meta != NULL);
  CHECK(meta && strstr(meta, "{\"Error\":{\"Code\":\"NoSuchKey\""));
  CHECK(meta && strstr(meta, "\"HTTPStatusCode\":404"));
  CHECK(meta && strstr(meta, "\"HTTPHeaders\":{"));
  awsc_mem_free(meta);
  meta = NULL;
  CHECK_STR(err.service_code, "NoSuchKey");
  CHECK_INT(err.http_status, 404);
  CHECK_INT(
      awsc_body_reader_open(&rd, &meta, c, "ListBuckets", NULL, NULL, &err),
      AWSC_EINVAL);
  CHECK_INT(awsc_body_reader_open(&rd, &meta, c, "GetObject", "{\"Key\":1}",
                                  NULL, &err),
            AWSC_EVALIDATION);
  CHECK(rd == NULL && meta == NULL);
  awsc_client_free(c);
  awsc_session_free(s);
}

/* PROVIDE_CLIENT_PARAMS runs on the reader's door (the JSON door): the
 * hook turns a key that does not exist into one that does. */
static int fix_key(awsc_hook_context *ctx, void *ud) {
  (*(int *)ud)++;
  const char *p = awsc_hook_params_json(ctx);
  if (!p || !strstr(p, "404-r"))
    return 1;
  return awsc_hook_set_params_json(ctx, "{\"Bucket\":\"b\",\"Key\":"
                                        "\"big-100\"}");
}

static void test_provide_params_hook(void) {
  awsc_session *s;
  awsc_client *c = client_of(&s, 0);
  awsc_error err = AWSC_ERROR_INIT;
  int runs = 0;
  CHECK_INT(awsc_client_hook_add(NULL, c, AWSC_HOOK_PROVIDE_CLIENT_PARAMS,
                                 "GetObject", fix_key, &runs, &err),
            0);
  awsc_body_reader *rd = NULL;
  char *meta = NULL;
  CHECK_INT(awsc_body_reader_open(&rd, &meta, c, "GetObject",
                                  "{\"Bucket\":\"b\",\"Key\":\"404-r\"}", NULL,
                                  &err),
            0);
  CHECK_INT(runs, 1);
  CHECK(meta && strstr(meta, "\"ContentLength\":100"));
  char buf[256];
  int64_t got = 0, n;
  while (rd && (n = awsc_body_reader_read(rd, buf, sizeof(buf), &err)) > 0)
    got += n;
  CHECK(got == 100);
  awsc_body_reader_close(rd);
  awsc_mem_free(meta);
  awsc_client_free(c);
  awsc_session_free(s);
}

static int others_done;
static void other_done(int status, char *json, const awsc_error *err,
                       void *ud) {
  (void)err;
  (void)ud;
  others_done += status == 0;
  awsc_mem_free(json);
}

static void test_shared_loop(void) {
  awsc_session *s;
  awsc_client *c = client_of(&s, 0);
  awsc_error err = AWSC_ERROR_INIT;
  awsc_loop *loop = NULL;
  CHECK_INT(awsc_loop_new(&loop, NULL, &err), 0);
  others_done = 0;
  for (int i = 0; i < 10; i++) {
    char params[96];
    snprintf(params, sizeof(params),
             "{\"Bucket\":\"b\",\"Key\":\"slow-50-shared%d\"}", i);
    CHECK_INT(awsc_call_json_async(NULL, loop, c, "GetObject", params,
                                   other_done, NULL, &err),
              0);
  }
  awsc_body_reader_options o = AWSC_BODY_READER_OPTIONS_INIT;
  o.loop = loop;
  o.buffer_bytes = 256 * 1024;
  awsc_body_reader *rd = NULL;
  char *meta = NULL;
  CHECK_INT(awsc_body_reader_open(&rd, &meta, c, "GetObject",
                                  "{\"Bucket\":\"b\",\"Key\":\"big-8000000\"}",
                                  &o, &err),
            0);
  char piece[65536];
  uint64_t total = 0;
  int64_t n;
  while (rd && (n = awsc_body_reader_read(rd, piece, sizeof(piece), &err)) > 0)
    total += (uint64_t)n;
  CHECK_INT(total, 8000000);
  awsc_body_reader_close(rd);
  awsc_mem_free(meta);
  CHECK_INT(awsc_loop_run(loop, &err), 0);
  CHECK_INT(others_done, 10);
  awsc_loop_free(loop);
  awsc_client_free(c);
  awsc_session_free(s);
}

/* Reads of 6 MiB + 7 bytes, far larger than a 256 KiB buffer: every byte
 * in order, and the library's memory bounded by its buffer and what one
 * loop step brings (about 2 MiB here), not by the reads: the bytes go
 * straight into the caller's buffer. */
static void test_large_reads(void) {
  awsc_session *s;
  awsc_client *c = client_of(&s, 0);
  awsc_error err = AWSC_ERROR_INIT;
  awsc_body_reader_options o = AWSC_BODY_READER_OPTIONS_INIT;
  o.buffer_bytes = 256 * 1024;
  awsc_body_reader *rd = NULL;
  char *meta = NULL;
  const size_t piece_len = ((size_t)6 << 20) + 7;
  char *piece = malloc(piece_len);
  int64_t base = atomic_load(&live_bytes);
  atomic_store(&peak_bytes, base);
  CHECK_INT(awsc_body_reader_open(&rd, &meta, c, "GetObject",
                                  "{\"Bucket\":\"b\",\"Key\":\"big-33554432\"}",
                                  &o, &err),
            0);
  uint64_t total = 0, wrong = 0, short_reads = 0;
  int64_t n = 0;
  while (rd && piece &&
         (n = awsc_body_reader_read(rd, piece, piece_len, &err)) > 0) {
    for (int64_t i = 0; i < n; i++)
      wrong += (unsigned char)piece[i] != (total + (uint64_t)i) % 251;
    if (n < (int64_t)piece_len && total + (uint64_t)n < ((uint64_t)32 << 20))
      short_reads++;
    total += (uint64_t)n;
  }
  CHECK_INT(n, 0);
  CHECK_INT(total, (uint64_t)32 << 20);
  CHECK_INT(wrong, 0);
  CHECK_INT(short_reads, 0);
  int64_t peak = atomic_load(&peak_bytes) - base;
  printf("  32 MiB in reads of 6 MiB + 7: peak library memory %.2f MiB\n",
         (double)peak / (1 << 20));
  CHECK(peak < (int64_t)4 << 20);
  free(piece);
  awsc_body_reader_close(rd);
  awsc_mem_free(meta);
  awsc_client_free(c);
  awsc_session_free(s);
}

/* BEFORE_CALL answers GetObject: with a Body (ud non-NULL) or without. */
static int answer_get(awsc_hook_context *ctx, void *ud) {
  return awsc_hook_set_response_json(
      ctx, ud ? "{\"ContentType\":\"text/plain\",\"ContentLength\":17,"
                "\"Body\":\"answered, not sent\"}"
              : "{\"ContentType\":\"text/plain\"}");
}

struct collected {
  char buf[64];
  size_t len;
};

static int collect(const void *data, size_t len, void *ud) {
  struct collected *cl = ud;
  if (cl->len + len > sizeof(cl->buf))
    return -1;
  memcpy(cl->buf + cl->len, data, len);
  cl->len += len;
  return 0;
}

/* The answer's Body is the body to read; the request is never sent. */
static void read_answer(awsc_client *c, bool with_body) {
  awsc_error err = AWSC_ERROR_INIT;
  awsc_body_reader *rd = NULL;
  char *meta = NULL;
  CHECK_INT(awsc_body_reader_open(&rd, &meta, c, "GetObject",
                                  "{\"Bucket\":\"b\",\"Key\":\"big-100\"}",
                                  NULL, &err),
            0);
  CHECK(meta && strstr(meta, "\"ContentType\":\"text/plain\""));
  CHECK(meta && strstr(meta, "\"HTTPStatusCode\":200"));
  CHECK(meta && !strstr(meta, "\"Body\""));
  char got[64];
  size_t len = 0;
  int64_t n;
  while (rd && len < sizeof(got) &&
         (n = awsc_body_reader_read(rd, got + len, 5, &err)) > 0)
    len += (size_t)n;
  const char *want = with_body ? "answered, not sent" : "";
  CHECK_INT(len, strlen(want));
  CHECK(len == strlen(want) && memcmp(got, want, len) == 0);
  CHECK_INT(rd ? awsc_body_reader_read(rd, got, sizeof(got), &err) : -1, 0);
  awsc_body_reader_close(rd);
  awsc_mem_free(meta);
}

static void test_hook_answer_body(void) {
  awsc_session *s;
  awsc_client *c = client_of(&s, 0);
  awsc_error err = AWSC_ERROR_INIT;
  int id = 0;
  int sent = es_requests(srv);
  CHECK_INT(awsc_client_hook_add(&id, c, AWSC_HOOK_BEFORE_CALL, "GetObject",
                                 answer_get, &id, &err),
            0);
  read_answer(c, true);
  /* awsc_call_json_body's callback and file sinks get it too */
  struct collected cl = {{0}, 0};
  awsc_call_body_options o = AWSC_CALL_BODY_OPTIONS_INIT;
  o.response_sink.kind = AWSC_SINK_CALLBACK;
  o.response_sink.write = collect;
  o.response_sink.user_data = &cl;
  char *out = NULL;
  CHECK_INT(awsc_call_json_body(&out, NULL, NULL, c, "GetObject",
                                "{\"Bucket\":\"b\",\"Key\":\"big-100\"}", &o,
                                &err),
            0);
  CHECK(cl.len == 18 && memcmp(cl.buf, "answered, not sent", 18) == 0);
  CHECK(out && !strstr(out, "\"Body\""));
  awsc_mem_free(out);
  char path[64];
  snprintf(path, sizeof(path), "/tmp/awsc-reader-answer-%d", (int)getpid());
  o.response_sink.kind = AWSC_SINK_FILE;
  o.response_sink.path = path;
  CHECK_INT(awsc_call_json_body(&out, NULL, NULL, c, "GetObject",
                                "{\"Bucket\":\"b\",\"Key\":\"big-100\"}", &o,
                                &err),
            0);
  awsc_mem_free(out);
  FILE *f = fopen(path, "rb");
  char fb[64] = {0};
  size_t fl = f ? fread(fb, 1, sizeof(fb), f) : 0;
  if (f)
    fclose(f);
  unlink(path);
  CHECK(fl == 18 && memcmp(fb, "answered, not sent", 18) == 0);
  CHECK_INT(awsc_client_hook_remove(c, id, &err), 0);
  /* an answer without a Body: an empty body */
  CHECK_INT(awsc_client_hook_add(&id, c, AWSC_HOOK_BEFORE_CALL, "GetObject",
                                 answer_get, NULL, &err),
            0);
  read_answer(c, false);
  CHECK_INT(awsc_client_hook_remove(c, id, &err), 0);
  CHECK_INT(es_requests(srv), sent); /* nothing was sent */
  awsc_client_free(c);
  awsc_session_free(s);
}

/* ---- a server that sends 1000 bytes of a 200000-byte body and stalls
 * until the client goes away ---- */

static void *stall_serve(void *ud) {
  int ls = *(int *)ud;
  int fd = accept(ls, NULL, NULL);
  if (fd < 0)
    return NULL;
  char req[4096];
  size_t len = 0;
  while (len < sizeof(req) - 1) { /* the request's head */
    ssize_t r = recv(fd, req + len, sizeof(req) - 1 - len, 0);
    if (r <= 0)
      break;
    len += (size_t)r;
    req[len] = '\0';
    if (strstr(req, "\r\n\r\n"))
      break;
  }
  static const char head[] = "HTTP/1.1 200 OK\r\nContent-Length: 200000\r\n"
                             "ETag: \"stall\"\r\n\r\n";
  char part[1000];
  memset(part, 'p', sizeof(part));
  if (send(fd, head, sizeof(head) - 1, MSG_NOSIGNAL) > 0 &&
      send(fd, part, sizeof(part), MSG_NOSIGNAL) > 0) {
    struct pollfd pf = {fd, POLLIN, 0};
    char sink[256];
    while (poll(&pf, 1, 10000) > 0 && recv(fd, sink, sizeof(sink), 0) > 0) {
    }
  }
  close(fd);
  return NULL;
}

static const char *no_env(const char *name, void *ud) {
  (void)name;
  (void)ud;
  return NULL;
}

static void test_read_some(void) {
  int ls = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof(sa));
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t sl = sizeof(sa);
  if (ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
      listen(ls, 1) != 0 || getsockname(ls, (struct sockaddr *)&sa, &sl)) {
    CHECK(!"listening socket");
    if (ls >= 0)
      close(ls);
    return;
  }
  pthread_t th;
  CHECK_INT(pthread_create(&th, NULL, stall_serve, &ls), 0);
  char url[64];
  snprintf(url, sizeof(url), "http://127.0.0.1:%d", ntohs(sa.sin_port));
  awsc_session_options so = AWSC_SESSION_OPTIONS_INIT;
  so.access_key_id = "AKIDEXAMPLE";
  so.secret_access_key = "secret";
  so.region = "us-east-1";
  so.getenv_fn = no_env;
  so.max_attempts = 1;
  so.read_timeout_ms = 20000;
  so.addressing_style = AWSC_S3_ADDRESSING_PATH;
  so.endpoint_url = url;
  awsc_error err = AWSC_ERROR_INIT;
  awsc_session *s = NULL;
  awsc_client *c = NULL;
  CHECK_INT(awsc_session_new(&s, &so, &err), 0);
  if (s)
    CHECK_INT(awsc_client_new(&c, s, "s3", NULL, &err), 0);
  awsc_body_reader *rd = NULL;
  char *meta = NULL;
  if (c)
    CHECK_INT(awsc_body_reader_open(&rd, &meta, c, "GetObject",
                                    "{\"Bucket\":\"b\",\"Key\":\"k\"}", NULL,
                                    &err),
              0);
  char buf[4096];
  if (rd) {
    CHECK_INT(awsc_body_reader_read_some(rd, buf, 10, 5, &err), AWSC_EINVAL);
    /* 1000 bytes are there and no more will come: at least 10 asked, up
     * to 4096 taken, and it returns (awsc_body_reader_read of 4096 would
     * wait for the read timeout) */
    double t0 = et_now();
    int64_t got = 0, n;
    while (got < 1000 && (n = awsc_body_reader_read_some(
                              rd, buf, 10, sizeof(buf), &err)) > 0) {
      CHECK(n >= 10 || got + n == 1000);
      got += n;
    }
    CHECK_INT(got, 1000);
    CHECK(memchr(buf, 'p', 1) != NULL);
    CHECK(et_now() - t0 < 5.0);
  }
  awsc_body_reader_close(rd); /* the server sees the connection go */
  awsc_mem_free(meta);
  awsc_client_free(c);
  awsc_session_free(s);
  pthread_join(th, NULL);
  close(ls);
}

int main(void) {
  static const awsc_allocator counting = {c_malloc, c_realloc, c_free, NULL};
  if (awsc_set_allocator(&counting) != 0)
    return 1;
  srv = es_start();
  if (!srv) {
    fprintf(stderr, "cannot start the test server on 127.0.0.1\n");
    return 1;
  }
  RUN(test_64mib_in_1000_byte_pieces);
  RUN(test_error_mid_body);
  RUN(test_cut_once_resumed);
  RUN(test_close_early);
  RUN(test_open_errors);
  RUN(test_provide_params_hook);
  RUN(test_shared_loop);
  RUN(test_large_reads);
  RUN(test_hook_answer_body);
  RUN(test_read_some);
  es_stop(srv);
  return test_summary();
}
