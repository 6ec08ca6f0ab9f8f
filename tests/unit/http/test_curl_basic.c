/* Round trips through the libcurl transport against the in-process test
 * server: methods, the exact headers sent, Expect handling, request bodies
 * from memory, files and callbacks, response sinks, response headers. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <sys/stat.h>

#include "http_test_util.h"
#include "test_server.h"

static ts_server *srv;
static awsc_transport *tp;
static int64_t live_at_start;

static void url(char *buf, size_t n, const char *path) {
  ts_url(srv, buf, n, path);
}

/* Send, expecting success; the response is the caller's. */
static int send_ok(const awsc_http_request *r, awsc_http_response *resp) {
  awsc_error err = AWSC_ERROR_INIT;
  int rc = awsc_transport_send(tp, r, resp, &err);
  if (rc)
    printf("  send failed: %d %s\n", rc, err.message);
  return rc;
}

static const char *hdr_or(const ts_request *q, const char *name,
                          const char *dflt) {
  const char *v = ts_request_header(q, name);
  return v ? v : dflt;
}

/* The header names the server saw, lower-case, comma-separated. */
static void header_names(const ts_request *q, char *out, size_t n) {
  out[0] = '\0';
  for (int i = 0; i < q->header_count; i++) {
    size_t l = strlen(out);
    snprintf(out + l, n - l, "%s%s", i ? "," : "", q->headers[i].name);
  }
  for (char *p = out; *p; p++)
    if (*p >= 'A' && *p <= 'Z')
      *p = (char)(*p - 'A' + 'a');
}

static void test_get(void) {
  ts_response sr = {.status = 200,
                    .body = "hello world",
                    .headers = "Content-Type: text/plain\r\n"};
  ts_set_response(srv, &sr);
  char u[256];
  url(u, sizeof(u), "/bucket/key%20x?list-type=2&prefix=a%2Fb");
  awsc_http_request r = tu_request("GET", u);
  awsc_http_response resp;
  CHECK_INT(send_ok(&r, &resp), 0);
  CHECK_INT(resp.status, 200);
  CHECK_STR(resp.body, "hello world");
  CHECK_INT(resp.body_len, 11);
  CHECK_INT(resp.bytes_received, 11);
  CHECK_STR(awsc_http_response_header(&resp, "content-type"), "text/plain");
  CHECK_STR(awsc_http_response_header(&resp, "Content-Length"), "11");
  ts_request q;
  CHECK_INT(ts_last_request(srv, &q), 0);
  CHECK_STR(q.method, "GET");
  CHECK_STR(q.target, "/bucket/key%20x?list-type=2&prefix=a%2Fb");
  /* Nothing but Host: no Accept, Expect, Content-Length, User-Agent. */
  char names[512];
  header_names(&q, names, sizeof(names));
  CHECK_STR(names, "host");
  CHECK_INT(q.body_len, 0);
  ts_request_free(&q);
  awsc_http_response_cleanup(&resp);
}

/* Dot segments belong to the key and must reach the server unchanged. */
static void test_path_as_is(void) {
  ts_response sr = {.status = 200, .echo_target = 1};
  ts_set_response(srv, &sr);
  char u[256];
  url(u, sizeof(u), "/bucket/a/../b/./c");
  awsc_http_request r = tu_request("GET", u);
  awsc_http_response resp;
  CHECK_INT(send_ok(&r, &resp), 0);
  CHECK_STR(resp.body, "/bucket/a/../b/./c");
  awsc_http_response_cleanup(&resp);
}

static void test_headers_exact(void) {
  ts_response sr = {.status = 200};
  ts_set_response(srv, &sr);
  char u[256];
  url(u, sizeof(u), "/h");
  awsc_http_header h[] = {
      {"X-Amz-Date", "20150830T123600Z"},
      {"Authorization", "AWS4-HMAC-SHA256 Credential=AKID/x, Signature=00"},
      {"x-amz-meta-Empty", ""},
      {"Content-Type", "application/xml"},
      {"Content-Length", "999"}, /* wrong: libcurl computes the real one */
      {"x-amz-meta-dup", "1"},
      {"x-amz-meta-dup", "2"},
  };
  awsc_http_request r = tu_request("PUT", u);
  r.headers = h;
  r.header_count = sizeof(h) / sizeof(h[0]);
  r.body.kind = AWSC_BODY_MEMORY;
  r.body.data = "<a/>";
  r.body.len = 4;
  awsc_http_response resp;
  CHECK_INT(send_ok(&r, &resp), 0);
  ts_request q;
  CHECK_INT(ts_last_request(srv, &q), 0);
  CHECK_STR(q.method, "PUT");
  char names[512];
  header_names(&q, names, sizeof(names));
  CHECK_STR(names, "host,x-amz-date,authorization,x-amz-meta-empty,"
                   "content-type,x-amz-meta-dup,x-amz-meta-dup,"
                   "content-length");
  CHECK_STR(ts_request_header(&q, "x-amz-meta-empty"), "");
  CHECK_STR(ts_request_header(&q, "Content-Length"), "4");
  CHECK_STR(ts_request_header(&q, "Content-Type"), "application/xml");
  CHECK_STR(q.headers[5].value, "1");
  CHECK_STR(q.headers[6].value, "2");
  CHECK_INT(ts_request_header_count(&q, "Expect"), 0);
  CHECK_STR(q.body, "<a/>");
  ts_request_free(&q);
  awsc_http_response_cleanup(&resp);
}

static void test_methods(void) {
  static const char *methods[] = {"POST", "DELETE", "PATCH", "OPTIONS"};
  ts_response sr = {.status = 200, .body = "done"};
  ts_set_response(srv, &sr);
  char u[256];
  url(u, sizeof(u), "/m?uploads");
  for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
    awsc_http_request r = tu_request(methods[i], u);
    awsc_http_response resp;
    CHECK_INT(send_ok(&r, &resp), 0);
    CHECK_STR(resp.body, "done");
    ts_request q;
    CHECK_INT(ts_last_request(srv, &q), 0);
    CHECK_STR(q.method, methods[i]);
    CHECK_STR(q.target, "/m?uploads");
    /* curl's POST mode would add a form Content-Type: it must not. */
    CHECK(ts_request_header(&q, "Content-Type") == NULL);
    CHECK(ts_request_header(&q, "Transfer-Encoding") == NULL);
    bool bodyless_ok =
        strcmp(methods[i], "DELETE") == 0 || strcmp(methods[i], "OPTIONS") == 0;
    if (bodyless_ok)
      CHECK(ts_request_header(&q, "Content-Length") == NULL);
    else
      CHECK_STR(ts_request_header(&q, "Content-Length"), "0");
    ts_request_free(&q);
    awsc_http_response_cleanup(&resp);
  }
}

/* A pooled handle keeps its constant options from exchange to exchange
 * and sets only what changes: nothing of one exchange (method, upload
 * size, progress callback) may leak into the next on the same handle. */
static int reuse_progress_calls;
static int count_progress(uint64_t up, uint64_t down, void *ud) {
  (void)up;
  (void)down;
  (void)ud;
  reuse_progress_calls++;
  return 0;
}

static void test_handle_reuse_resets(void) {
  ts_response sr = {.status = 200, .body = "body!"};
  ts_set_response(srv, &sr);
  char u[256];
  url(u, sizeof(u), "/reuse");
  static const struct {
    const char *method;
    const char *body;
    bool progress;
  } seq[] = {{"PUT", "twelve bytes", true},
             {"GET", NULL, false},
             {"HEAD", NULL, false},
             {"DELETE", NULL, false},
             {"GET", NULL, false},
             {"POST", "x", false},
             {"HEAD", NULL, false},
             {"GET", NULL, false},
             /* the same again: options kept, none set */
             {"GET", NULL, false},
             {"HEAD", NULL, false},
             {"HEAD", NULL, false},
             {"GET", NULL, true},
             {"GET", NULL, false},
             {"HEAD", NULL, true},
             {"HEAD", NULL, false},
             {"PUT", "twelve bytes", false},
             {"GET", NULL, false},
             {"PATCH", NULL, false},
             {"HEAD", NULL, false}};
  for (size_t i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
    awsc_http_request r = tu_request(seq[i].method, u);
    if (seq[i].body) {
      r.body.kind = AWSC_BODY_MEMORY;
      r.body.data = seq[i].body;
      r.body.len = strlen(seq[i].body);
    }
    if (seq[i].progress)
      r.progress = count_progress;
    reuse_progress_calls = 0;
    awsc_http_response resp;
    CHECK_INT(send_ok(&r, &resp), 0);
    bool head = strcmp(seq[i].method, "HEAD") == 0;
    CHECK_INT(resp.body_len, head ? 0 : 5);
    CHECK_INT(reuse_progress_calls > 0, seq[i].progress);
    ts_request q;
    CHECK_INT(ts_last_request(srv, &q), 0);
    CHECK_STR(q.method, seq[i].method);
    CHECK_STR(q.body ? q.body : "", seq[i].body ? seq[i].body : "");
    /* (POST, PUT and PATCH always go with a body, empty or not) */
    if (!seq[i].body && strcmp(seq[i].method, "POST") != 0 &&
        strcmp(seq[i].method, "PATCH") != 0) {
      const char *cl = ts_request_header(&q, "Content-Length");
      if (cl)
        fprintf(stderr, "  step %zu %s: Content-Length %s\n", i, seq[i].method,
                cl);
      CHECK(cl == NULL);
    }
    ts_request_free(&q);
    awsc_http_response_cleanup(&resp);
  }
}

static void test_post_body(void) {
  ts_response sr = {.status = 200, .body = "<Ok/>"};
  ts_set_response(srv, &sr);
  char u[256];
  url(u, sizeof(u), "/");
  const char *form = "Action=Publish&Message=hi";
  awsc_http_header h[] = {
      {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  awsc_http_request r = tu_request("POST", u);
  r.headers = h;
  r.header_count = 1;
  r.body.kind = AWSC_BODY_MEMORY;
  r.body.data = form;
  r.body.len = strlen(form);
  awsc_http_response resp;
  CHECK_INT(send_ok(&r, &resp), 0);
  CHECK_STR(resp.body, "<Ok/>");
  ts_request q;
  CHECK_INT(ts_last_request(srv, &q), 0);
  CHECK_STR(q.method, "POST");
  CHECK_STR(q.body, form);
  CHECK_INT(ts_request_header_count(&q, "Content-Type"), 1);
  CHECK_INT(atoi(hdr_or(&q, "Content-Length", "0")), (int)strlen(form));
  ts_request_free(&q);
  awsc_http_response_cleanup(&resp);
}

static void test_head(void) {
  ts_response sr = {
      .status = 200, .body = "0123456789", .headers = "ETag: \"abc\"\r\n"};
  ts_set_response(srv, &sr);
  char u[256];
  url(u, sizeof(u), "/obj");
  awsc_http_request r = tu_request("HEAD", u);
  awsc_http_response resp;
  CHECK_INT(send_ok(&r, &resp), 0);
  CHECK_INT(resp.status, 200);
  CHECK_INT(resp.body_len, 0);
  CHECK_INT(resp.bytes_received, 0);
  CHECK_STR(awsc_http_response_header(&resp, "content-length"), "10");
  CHECK_STR(awsc_http_response_header(&resp, "etag"), "\"abc\"");
  ts_request q;
  CHECK_INT(ts_last_request(srv, &q), 0);
  CHECK_STR(q.method, "HEAD");
  ts_request_free(&q);
  awsc_http_response_cleanup(&resp);
  /* The connection is still good for a GET after the bodiless answer. */
  r.method = "GET";
  CHECK_INT(send_ok(&r, &resp), 0);
  CHECK_STR(resp.body, "0123456789");
  awsc_http_response_cleanup(&resp);
}

static void test_expect_continue(void) {
  ts_response sr = {.status = 200,
                    .body = "stored",
                    .continue_headers = "X-Interim: yes\r\n"};
  ts_set_response(srv, &sr);
  char u[256];
  url(u, sizeof(u), "/big");
  size_t n = 2u << 20;
  char *data = tu_pattern(n);
  awsc_http_request r = tu_request("PUT", u);
  r.body.kind = AWSC_BODY_MEMORY;
  r.body.data = data;
  r.body.len = n;
  awsc_http_response resp;
  CHECK_INT(send_ok(&r, &resp), 0);
  CHECK_STR(resp.body, "stored");
  /* Only the final response's headers are kept. */
  CHECK(awsc_http_response_header(&resp, "x-interim") == NULL);
  CHECK_STR(awsc_http_response_header(&resp, "content-length"), "6");
  ts_request q;
  CHECK_INT(ts_last_request(srv, &q), 0);
  CHECK_STR(ts_request_header(&q, "Expect"), "100-continue");
  CHECK(q.sent_100);
  CHECK_INT(q.body_len, n);
  CHECK(q.body_len == n && memcmp(q.body, data, n) == 0);
  ts_request_free(&q);
  awsc_http_response_cleanup(&resp);

  /* Just below the threshold: no Expect. */
  r.body.len = (1u << 20) - 1;
  CHECK_INT(send_ok(&r, &resp), 0);
  CHECK_INT(ts_last_request(srv, &q), 0);
  CHECK_INT(ts_request_header_count(&q, "Expect"), 0);
  CHECK_INT(q.body_len, r.body.len);
  ts_request_free(&q);
  awsc_http_response_cleanup(&resp);

  /* Threshold -1: never, whatever the size. */
  awsc_curl_options o = AWSC_CURL_OPTIONS_INIT;
  o.expect_continue_threshold = -1;
  awsc_transport *t2 = NULL;
  CHECK_INT(awsc_transport_curl_new(&t2, &o, NULL), 0);
  r.body.len = n;
  CHECK_INT(awsc_transport_send(t2, &r, &resp, NULL), 0);
  CHECK_INT(ts_last_request(srv, &q), 0);
  CHECK_INT(ts_request_header_count(&q, "Expect"), 0);
  CHECK(!q.sent_100);
  CHECK_INT(q.body_len, n);
  ts_request_free(&q);
  awsc_http_response_cleanup(&resp);
  awsc_transport_free(t2);
  free(data);
}

static void test_file_body(void) {
  ts_response sr = {.status = 200};
  ts_set_response(srv, &sr);
  char u[256], path[256];
  url(u, sizeof(u), "/file");
  tu_tmp_path(path, sizeof(path), "body");
  CHECK_INT(tu_write_file(path, "0123456789abcdef", 16), 0);
  awsc_http_request r = tu_request("PUT", u);
  r.body.kind = AWSC_BODY_FILE;
  r.body.path = path;
  r.body.offset = 3;
  r.body.content_length = 5;
  awsc_http_response resp;
  CHECK_INT(send_ok(&r, &resp), 0);
  ts_request q;
  CHECK_INT(ts_last_request(srv, &q), 0);
  CHECK_STR(q.body, "34567");
  CHECK_STR(ts_request_header(&q, "Content-Length"), "5");
  ts_request_free(&q);
  awsc_http_response_cleanup(&resp);

  /* Unknown length on a regular file: to EOF, with its real length. */
  r.body.offset = 10;
  r.body.content_length = -1;
  CHECK_INT(send_ok(&r, &resp), 0);
  CHECK_INT(ts_last_request(srv, &q), 0);
  CHECK_STR(q.body, "abcdef");
  CHECK_STR(ts_request_header(&q, "Content-Length"), "6");
  CHECK(!q.chunked);
  ts_request_free(&q);
  awsc_http_response_cleanup(&resp);

  /* Whole file, empty file. */
  r.body.offset = 0;
  CHECK_INT(send_ok(&r, &resp), 0);
  CHECK_INT(ts_last_request(srv, &q), 0);
  CHECK_STR(q.body, "0123456789abcdef");
  ts_request_free(&q);
  awsc_http_response_cleanup(&resp);
  CHECK_INT(tu_write_file(path, "", 0), 0);
  CHECK_INT(send_ok(&r, &resp), 0);
  CHECK_INT(ts_last_request(srv, &q), 0);
  CHECK_STR(ts_request_header(&q, "Content-Length"), "0");
  ts_request_free(&q);
  awsc_http_response_cleanup(&resp);
  unlink(path);
}

static void *fifo_writer(void *arg) {
  const char *path = arg;
  int fd = open(path, O_WRONLY);
  if (fd >= 0) {
    static const char msg[] = "streamed through a pipe";
    ssize_t w = write(fd, msg, sizeof(msg) - 1);
    (void)w;
    close(fd);
  }
  return NULL;
}

/* A file of unknown length that is not a regular file goes chunked. */
static void test_fifo_body_chunked(void) {
  ts_response sr = {.status = 200};
  ts_set_response(srv, &sr);
  char u[256], path[256];
  url(u, sizeof(u), "/fifo");
  tu_tmp_path(path, sizeof(path), "fifo");
  if (mkfifo(path, 0600) != 0) {
    SKIP("test_fifo_body_chunked", "mkfifo failed");
    return;
  }
  pthread_t th;
  pthread_create(&th, NULL, fifo_writer, path);
  awsc_http_request r = tu_request("PUT", u);
  r.body.kind = AWSC_BODY_FILE;
  r.body.path = path;
  r.body.content_length = -1;
  awsc_http_response resp;
  CHECK_INT(send_ok(&r, &resp), 0);
  pthread_join(th, NULL);
  ts_request q;
  CHECK_INT(ts_last_request(srv, &q), 0);
  CHECK(q.chunked);
  CHECK_STR(q.body, "streamed through a pipe");
  CHECK(ts_request_header(&q, "Content-Length") == NULL);
  ts_request_free(&q);
  awsc_http_response_cleanup(&resp);
  unlink(path);
}

typedef struct reader {
  const char *data;
  size_t len, pos, step;
  int rewinds;
} reader;

static int64_t read_step(void *buf, size_t size, void *ud) {
  reader *rd = ud;
  size_t n = rd->len - rd->pos;
  if (n > rd->step)
    n = rd->step;
  if (n > size)
    n = size;
  memcpy(buf, rd->data + rd->pos, n);
  rd->pos += n;
  return (int64_t)n;
}

static int rewind_reader(void *ud) {
  reader *rd = ud;
  rd->pos = 0;
  rd->rewinds++;
  return 0;
}

static void test_callback_body(void) {
  ts_response sr = {.status = 200};
  ts_set_response(srv, &sr);
  char u[256];
  url(u, sizeof(u), "/cb");
  size_t n = 100000;
  char *data = tu_pattern(n);
  reader rd = {data, n, 0, 7000, 0};
  awsc_http_request r = tu_request("PUT", u);
  r.body.kind = AWSC_BODY_CALLBACK;
  r.body.read = read_step;
  r.body.rewind = rewind_reader;
  r.body.user_data = &rd;
  r.body.content_length = (int64_t)n;
  awsc_http_response resp;
  CHECK_INT(send_ok(&r, &resp), 0);
  ts_request q;
  CHECK_INT(ts_last_request(srv, &q), 0);
  CHECK(!q.chunked);
  CHECK_INT(atol(hdr_or(&q, "Content-Length", "0")), (long)n);
  CHECK(q.body_len == n && memcmp(q.body, data, n) == 0);
  ts_request_free(&q);
  awsc_http_response_cleanup(&resp);

  /* Unknown length: chunked, decoded by the server to the same bytes. */
  rd.pos = 0;
  r.body.content_length = -1;
  CHECK_INT(send_ok(&r, &resp), 0);
  CHECK_INT(ts_last_request(srv, &q), 0);
  CHECK(q.chunked);
  CHECK_STR(ts_request_header(&q, "Transfer-Encoding"), "chunked");
  CHECK(ts_request_header(&q, "Content-Length") == NULL);
  CHECK(q.body_len == n && memcmp(q.body, data, n) == 0);
  ts_request_free(&q);
  awsc_http_response_cleanup(&resp);
  free(data);
}

static void test_sink_file(void) {
  char u[256], path[256];
  url(u, sizeof(u), "/download");
  tu_tmp_path(path, sizeof(path), "sink");
  size_t n = 300000;
  char *data = tu_pattern(n);
  ts_response sr = {.status = 200, .body = data, .body_len = n};
  ts_set_response(srv, &sr);
  awsc_http_request r = tu_request("GET", u);
  r.sink.kind = AWSC_SINK_FILE;
  r.sink.path = path;
  awsc_http_response resp;
  CHECK_INT(send_ok(&r, &resp), 0);
  CHECK(resp.body == NULL);
  CHECK_INT(resp.bytes_received, n);
  size_t got = 0;
  char *file = tu_read_file(path, &got);
  CHECK(file != NULL && got == n && memcmp(file, data, n) == 0);
  free(file);
  awsc_http_response_cleanup(&resp);

  /* A 404 leaves the file alone and its body lands in response.body. */
  CHECK_INT(tu_write_file(path, "previous", 8), 0);
  ts_response nf = {.status = 404,
                    .body = "<Error><Code>NoSuchKey</Code></Error>"};
  ts_set_response(srv, &nf);
  CHECK_INT(send_ok(&r, &resp), 0);
  CHECK_INT(resp.status, 404);
  CHECK_STR(resp.body, "<Error><Code>NoSuchKey</Code></Error>");
  file = tu_read_file(path, &got);
  CHECK(file != NULL);
  CHECK_STR(file, "previous");
  free(file);
  awsc_http_response_cleanup(&resp);

  /* An empty 2xx body still creates (truncates) the file. */
  ts_response empty = {.status = 200};
  ts_set_response(srv, &empty);
  CHECK_INT(send_ok(&r, &resp), 0);
  file = tu_read_file(path, &got);
  CHECK(file != NULL && got == 0);
  free(file);
  awsc_http_response_cleanup(&resp);
  unlink(path);
  free(data);
}

typedef struct collector {
  char buf[4096];
  size_t len;
  int calls;
} collector;

static int collect(const void *data, size_t len, void *ud) {
  collector *c = ud;
  c->calls++;
  if (c->len + len > sizeof(c->buf))
    return AWSC_EIO;
  memcpy(c->buf + c->len, data, len);
  c->len += len;
  return 0;
}

static void test_sink_callback(void) {
  char u[256];
  url(u, sizeof(u), "/stream");
  ts_response sr = {.status = 206, .body = "partial content", .chunked = 1};
  ts_set_response(srv, &sr);
  collector c = {{0}, 0, 0};
  awsc_http_request r = tu_request("GET", u);
  r.sink.kind = AWSC_SINK_CALLBACK;
  r.sink.write = collect;
  r.sink.user_data = &c;
  awsc_http_response resp;
  CHECK_INT(send_ok(&r, &resp), 0);
  CHECK_INT(resp.status, 206);
  CHECK(c.len == 15 && memcmp(c.buf, "partial content", 15) == 0);
  CHECK(resp.body == NULL);
  CHECK_INT(resp.bytes_received, 15);
  awsc_http_response_cleanup(&resp);

  /* Non-2xx: the callback is not called. */
  ts_response err = {.status = 503, .body = "<Error>SlowDown</Error>"};
  ts_set_response(srv, &err);
  memset(&c, 0, sizeof(c));
  CHECK_INT(send_ok(&r, &resp), 0);
  CHECK_INT(resp.status, 503);
  CHECK_INT(c.calls, 0);
  CHECK_STR(resp.body, "<Error>SlowDown</Error>");
  awsc_http_response_cleanup(&resp);
}

static void test_response_headers(void) {
  ts_response sr = {.status = 200,
                    .headers = "X-Amz-Request-Id:   ABC123  \r\n"
                               "X-Amz-Meta-Tag: one\r\n"
                               "x-amz-meta-tag: two\r\n"
                               "X-Folded: first\r\n"
                               "  second\r\n"
                               "X-Empty:\r\n"};
  ts_set_response(srv, &sr);
  char u[256];
  url(u, sizeof(u), "/hdr");
  awsc_http_request r = tu_request("GET", u);
  awsc_http_response resp;
  CHECK_INT(send_ok(&r, &resp), 0);
  CHECK_STR(awsc_http_response_header(&resp, "x-amz-request-id"), "ABC123");
  CHECK_STR(awsc_http_response_header(&resp, "X-AMZ-REQUEST-ID"), "ABC123");
  CHECK_STR(awsc_http_response_header(&resp, "x-folded"), "first second");
  CHECK_STR(awsc_http_response_header(&resp, "x-empty"), "");
  int tags = 0;
  for (size_t i = 0; i < resp.header_count; i++) {
    const char *nm = resp.headers[i].name;
    for (const char *p = nm; *p; p++)
      CHECK(!(*p >= 'A' && *p <= 'Z'));
    if (strcmp(nm, "x-amz-meta-tag") == 0) {
      CHECK_STR(resp.headers[i].value, tags == 0 ? "one" : "two");
      tags++;
    }
  }
  CHECK_INT(tags, 2);
  awsc_http_response_cleanup(&resp);
}

typedef struct progress_seen {
  uint64_t sent, received;
  int calls;
} progress_seen;

static int on_progress(uint64_t sent, uint64_t received, void *ud) {
  progress_seen *p = ud;
  p->calls++;
  p->sent = sent;
  p->received = received;
  return 0;
}

static void test_progress(void) {
  size_t n = 200000;
  char *data = tu_pattern(n);
  ts_response sr = {.status = 200, .body = data, .body_len = 1000};
  ts_set_response(srv, &sr);
  char u[256];
  url(u, sizeof(u), "/progress");
  progress_seen p = {0, 0, 0};
  awsc_http_request r = tu_request("PUT", u);
  r.body.kind = AWSC_BODY_MEMORY;
  r.body.data = data;
  r.body.len = n;
  r.progress = on_progress;
  r.progress_user_data = &p;
  awsc_http_response resp;
  CHECK_INT(send_ok(&r, &resp), 0);
  CHECK(p.calls > 0);
  CHECK_INT(p.sent, n);
  CHECK_INT(p.received, 1000);
  awsc_http_response_cleanup(&resp);
  free(data);
}

/* CURLOPT_RESOLVE: a virtual-hosted name reaches 127.0.0.1. */
static void test_resolve(void) {
  char entry[128], u[256];
  snprintf(entry, sizeof(entry), "mybucket.s3.localhost:%d:127.0.0.1",
           ts_port(srv));
  const char *resolve[] = {entry, NULL};
  awsc_curl_options o = AWSC_CURL_OPTIONS_INIT;
  o.resolve = resolve;
  awsc_transport *t2 = NULL;
  CHECK_INT(awsc_transport_curl_new(&t2, &o, NULL), 0);
  ts_response sr = {.status = 200, .body = "vhost"};
  ts_set_response(srv, &sr);
  snprintf(u, sizeof(u), "http://mybucket.s3.localhost:%d/key", ts_port(srv));
  awsc_http_request r = tu_request("GET", u);
  awsc_http_response resp;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_transport_send(t2, &r, &resp, &err), 0);
  CHECK_STR(resp.body, "vhost");
  ts_request q;
  CHECK_INT(ts_last_request(srv, &q), 0);
  char host[128];
  snprintf(host, sizeof(host), "mybucket.s3.localhost:%d", ts_port(srv));
  CHECK_STR(ts_request_header(&q, "Host"), host);
  ts_request_free(&q);
  awsc_http_response_cleanup(&resp);
  awsc_transport_free(t2);
}

/* Redirects are the caller's business (S3 answers 301/307 with the
 * region to use): the 3xx comes back as it is. */
static void test_no_redirect(void) {
  char loc[300];
  snprintf(loc, sizeof(loc), "Location: http://127.0.0.1:%d/elsewhere\r\n",
           ts_port(srv));
  ts_response sr = {.status = 307,
                    .headers = loc,
                    .body = "<Error><Code>TemporaryRedirect</Code></Error>"};
  ts_set_response(srv, &sr);
  char u[256];
  url(u, sizeof(u), "/here");
  int before = ts_requests(srv);
  awsc_http_request r = tu_request("GET", u);
  r.sink.kind = AWSC_SINK_FILE;
  r.sink.path = "/nonexistent-dir/never-written";
  awsc_http_response resp;
  CHECK_INT(send_ok(&r, &resp), 0);
  CHECK_INT(resp.status, 307);
  CHECK(strstr(resp.body, "TemporaryRedirect") != NULL);
  CHECK(awsc_http_response_header(&resp, "location") != NULL);
  CHECK_INT(ts_requests(srv) - before, 1);
  awsc_http_response_cleanup(&resp);
}

/* An HTTP proxy gets the absolute URL; no_proxy names go direct. */
static void test_proxy(void) {
  ts_response sr = {.status = 200, .echo_target = 1};
  ts_set_response(srv, &sr);
  char proxy[128], entry[128], u[256];
  snprintf(proxy, sizeof(proxy), "http://127.0.0.1:%d", ts_port(srv));
  snprintf(entry, sizeof(entry), "direct.test:%d:127.0.0.1", ts_port(srv));
  const char *resolve[] = {entry, NULL};
  awsc_curl_options o = AWSC_CURL_OPTIONS_INIT;
  o.proxy = proxy;
  o.no_proxy = "direct.test";
  o.resolve = resolve;
  awsc_transport *t2 = NULL;
  CHECK_INT(awsc_transport_curl_new(&t2, &o, NULL), 0);
  awsc_http_request r = tu_request("GET", "http://bucket.proxied.test/k?x=1");
  awsc_http_response resp;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_transport_send(t2, &r, &resp, &err), 0);
  CHECK_STR(resp.body, "http://bucket.proxied.test/k?x=1");
  awsc_http_response_cleanup(&resp);
  snprintf(u, sizeof(u), "http://direct.test:%d/k", ts_port(srv));
  r.url = u;
  CHECK_INT(awsc_transport_send(t2, &r, &resp, &err), 0);
  CHECK_STR(resp.body, "/k");
  awsc_http_response_cleanup(&resp);
  awsc_transport_free(t2);
}

/* GET url on t: the target the test server saw (the absolute URL when
 * the request went through it as a proxy, else the path), into out. */
static void target_of(awsc_transport *t, const char *url, char *out,
                      size_t cap) {
  awsc_http_request r = tu_request("GET", url);
  awsc_http_response resp;
  awsc_error err = AWSC_ERROR_INIT;
  out[0] = '\0';
  CHECK_INT(awsc_transport_send(t, &r, &resp, &err), 0);
  if (resp.body)
    snprintf(out, cap, "%s", resp.body);
  awsc_http_response_cleanup(&resp);
}

/* Without a proxy option the environment's proxy settings apply, by
 * libcurl's rules, as they were when the transport was made: http_proxy
 * (never HTTP_PROXY for http URLs), then all_proxy; no_proxy names go
 * direct. */
static void test_proxy_from_env(void) {
  ts_response sr = {.status = 200, .echo_target = 1};
  ts_set_response(srv, &sr);
  char proxy[128], entry[128], direct[256], got[512];
  snprintf(proxy, sizeof(proxy), "http://127.0.0.1:%d", ts_port(srv));
  snprintf(entry, sizeof(entry), "direct.test:%d:127.0.0.1", ts_port(srv));
  snprintf(direct, sizeof(direct), "http://direct.test:%d/k", ts_port(srv));
  const char *resolve[] = {entry, NULL};
  awsc_curl_options o = AWSC_CURL_OPTIONS_INIT;
  o.resolve = resolve;

  setenv("http_proxy", proxy, 1);
  setenv("no_proxy", "direct.test", 1);
  awsc_transport *t = NULL;
  CHECK_INT(awsc_transport_curl_new(&t, &o, NULL), 0);
  /* changed afterwards: the transport keeps what it read */
  setenv("http_proxy", "http://127.0.0.1:1", 1);
  unsetenv("no_proxy");
  target_of(t, "http://bucket.proxied.test/k?x=1", got, sizeof(got));
  CHECK_STR(got, "http://bucket.proxied.test/k?x=1");
  target_of(t, direct, got, sizeof(got));
  CHECK_STR(got, "/k");
  awsc_transport_free(t);
  tu_clear_proxy_env();

  /* HTTP_PROXY is not read for http URLs (libcurl's rule); all_proxy is */
  setenv("HTTP_PROXY", "http://127.0.0.1:1", 1);
  CHECK_INT(awsc_transport_curl_new(&t, &o, NULL), 0);
  target_of(t, direct, got, sizeof(got));
  CHECK_STR(got, "/k");
  awsc_transport_free(t);
  setenv("all_proxy", proxy, 1);
  CHECK_INT(awsc_transport_curl_new(&t, &o, NULL), 0);
  target_of(t, direct, got, sizeof(got));
  CHECK_STR(got, direct);
  awsc_transport_free(t);
  tu_clear_proxy_env();
}

/* The CA bundle option reaches libcurl: a missing file fails the TLS
 * set-up with AWSC_ETLS. */
static void test_ca_bundle(void) {
  char ca[256], u[256];
  tu_tmp_path(ca, sizeof(ca), "missing-ca.pem");
  awsc_curl_options o = AWSC_CURL_OPTIONS_INIT;
  o.ca_bundle = ca;
  awsc_transport *t2 = NULL;
  CHECK_INT(awsc_transport_curl_new(&t2, &o, NULL), 0);
  snprintf(u, sizeof(u), "https://127.0.0.1:%d/", ts_port(srv));
  awsc_http_request r = tu_request("GET", u);
  awsc_http_response resp;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_transport_send(t2, &r, &resp, &err), AWSC_ETLS);
  awsc_transport_free(t2);
}

int main(void) {
  tu_clear_proxy_env();
  test_alloc_install();
  srv = ts_start();
  if (!srv) {
    printf("cannot start the test server\n");
    return 1;
  }
  /* Measure after the one-time init: libcurl's global state stays. */
  awsc_global_init();
  live_at_start = test_alloc_live();
  if (awsc_transport_curl_new(&tp, NULL, NULL) != 0) {
    printf("cannot create the transport\n");
    return 1;
  }
  RUN(test_get);
  RUN(test_path_as_is);
  RUN(test_headers_exact);
  RUN(test_methods);
  RUN(test_handle_reuse_resets);
  RUN(test_post_body);
  RUN(test_head);
  RUN(test_expect_continue);
  RUN(test_file_body);
  RUN(test_fifo_body_chunked);
  RUN(test_callback_body);
  RUN(test_sink_file);
  RUN(test_sink_callback);
  RUN(test_response_headers);
  RUN(test_progress);
  RUN(test_resolve);
  RUN(test_no_redirect);
  RUN(test_proxy);
  RUN(test_proxy_from_env);
  RUN(test_ca_bundle);
  awsc_transport_free(tp);
  ts_stop(srv);
  /* The pool, its handles and connections, the share: all released. */
  if (test_alloc_live() != live_at_start) {
    printf("FAIL leak: %lld blocks still live\n",
           (long long)(test_alloc_live() - live_at_start));
    test_failed++;
  }
  return test_summary();
}
