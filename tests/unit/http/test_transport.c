/* Unit tests of the transport-independent part of lib/http: the argument
 * checks of awsc_transport_send, response storage and lookup, the curl
 * transport's option checks, and the helpers that keep URLs' query strings
 * out of messages. No network. */
#include "http/http_internal.h"
#include "http_test_util.h"

/* ---- a fake transport that records what reaches it ---- */
typedef struct fake {
  awsc_transport base;
  int calls;
  int destroyed;
  int fail_with; /* returned by send when nonzero */
  int response_was_zero;
} fake;

static int fake_send(awsc_transport *t, const awsc_http_request *req,
                     awsc_http_response *resp, awsc_error *err) {
  fake *f = t->impl;
  (void)req;
  f->calls++;
  awsc_http_response zero;
  memset(&zero, 0, sizeof(zero));
  f->response_was_zero = memcmp(resp, &zero, sizeof(zero)) == 0;
  resp->status = 503;
  awsc_http_response_add_header(resp, "X-Amz-Request-Id", "r1");
  awsc_http_response_append_body(resp, "<Error/>", 8);
  if (f->fail_with) {
    awsc_error_set(err, f->fail_with, AWSC_ERROR_NETWORK, "fake failure");
    return f->fail_with;
  }
  return 0;
}

static void fake_destroy(awsc_transport *t) {
  fake *f = t->impl;
  f->destroyed++;
}

static const awsc_transport_vtable fake_vtable = {fake_send, fake_destroy};

static void fake_init(fake *f) {
  memset(f, 0, sizeof(*f));
  f->base.vtable = &fake_vtable;
  f->base.impl = f;
}

static void test_response_headers(void) {
  int64_t live = test_alloc_live();
  awsc_http_response r;
  memset(&r, 0, sizeof(r));
  CHECK_INT(awsc_http_response_add_header(&r, "Content-Type", " text/xml "), 0);
  CHECK_INT(awsc_http_response_add_header(&r, "X-Amz-Meta-A", "1"), 0);
  CHECK_INT(awsc_http_response_add_header(&r, "x-amz-meta-a", "2"), 0);
  CHECK_INT(awsc_http_response_add_header(&r, "Empty", ""), 0);
  CHECK_INT(r.header_count, 4);
  CHECK_STR(r.headers[0].name, "content-type");
  CHECK_STR(r.headers[0].value, "text/xml");
  CHECK_STR(r.headers[1].name, "x-amz-meta-a");
  CHECK_STR(r.headers[2].value, "2");
  CHECK_STR(awsc_http_response_header(&r, "CONTENT-TYPE"), "text/xml");
  CHECK_STR(awsc_http_response_header(&r, "X-Amz-Meta-A"), "1");
  CHECK_STR(awsc_http_response_header(&r, "empty"), "");
  CHECK(awsc_http_response_header(&r, "content") == NULL);
  CHECK(awsc_http_response_header(&r, "content-type-x") == NULL);
  CHECK(awsc_http_response_header(&r, NULL) == NULL);
  CHECK(awsc_http_response_header(NULL, "a") == NULL);
  CHECK_INT(awsc_http_response_add_header(&r, NULL, "x"), AWSC_EINVAL);
  CHECK_INT(awsc_http_response_add_header(NULL, "a", "x"), AWSC_EINVAL);
  /* Many headers: the array grows and earlier pointers stay right. */
  char name[32];
  for (int i = 0; i < 100; i++) {
    snprintf(name, sizeof(name), "H-%d", i);
    CHECK_INT(awsc_http_response_add_header(&r, name, name), 0);
  }
  CHECK_STR(awsc_http_response_header(&r, "h-57"), "H-57");
  CHECK_STR(awsc_http_response_header(&r, "content-type"), "text/xml");
  awsc_http_response_cleanup(&r);
  CHECK(r.headers == NULL && r.header_count == 0 && r.internal_ == NULL);
  CHECK_INT(test_alloc_live(), live);
}

/* Stored names are lowercased eight bytes at a time: every byte value,
 * at every position of names of every length up to 40, against a byte
 * by byte reference (only A-Z change; bytes with the top bit set stay). */
static void test_response_name_lowercase(void) {
  int64_t live = test_alloc_live();
  awsc_http_response r;
  memset(&r, 0, sizeof(r));
  char name[40], want[41];
  int bad = 0;
  for (int v = 1; v < 256; v++) {
    for (size_t len = 1; len <= sizeof(name); len++) {
      for (size_t i = 0; i < len; i++) /* a mix around the letters */
        name[i] = (char)("@AZ[`az{\x80\xc1"[(i + len) % 10]);
      name[(v + len) % len] = (char)v;
      for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        want[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
      }
      want[len] = '\0';
      if (v == ':' || v == ' ' || v == '\t' || v == '\r' || v == '\n')
        continue; /* trimmed or cut at by the caller, not stored as is */
      awsc_http_response_clear_headers(&r);
      CHECK_INT(awsc_http_response_add_header_n(&r, name, len, "v", 1), 0);
      if (r.header_count != 1 || memcmp(r.headers[0].name, want, len + 1))
        bad++;
    }
  }
  CHECK_INT(bad, 0);
  awsc_http_response_cleanup(&r);
  CHECK_INT(test_alloc_live(), live);
}

/* The first body buffer is sized from the first Content-Length header
 * (one allocation for the whole body), also when other headers come
 * before it, from the final response's after a 100 Continue's were
 * cleared (and not from the cleared ones), and not from a later repeat
 * of the header. Allocator calls (allocations
 * and growths) while 3,000 bytes are appended are counted by failing the
 * k-th one: the first k that does not fire is one past their number. */
static bool body_fill_fails_at(const char *const *names,
                               const char *const *values, size_t n,
                               bool clear_after, uint64_t k) {
  awsc_http_response r;
  memset(&r, 0, sizeof(r));
  for (size_t i = 0; i < n; i++)
    CHECK_INT(awsc_http_response_add_header(&r, names[i], values[i]), 0);
  if (clear_after) { /* a final response after an interim one */
    awsc_http_response_clear_headers(&r);
    CHECK_INT(awsc_http_response_add_header(&r, "Content-Length", "3000"), 0);
  }
  char piece[100];
  memset(piece, 'b', sizeof(piece));
  test_alloc_fail_at(k);
  int rc = 0;
  for (int i = 0; i < 30 && !rc; i++)
    rc = awsc_http_response_append_body(&r, piece, sizeof(piece));
  bool fired = test_alloc_failure_fired();
  test_alloc_fail_at(0);
  CHECK(fired ? rc == AWSC_ENOMEM : rc == 0 && r.body_len == 3000);
  awsc_http_response_cleanup(&r);
  return fired;
}

static uint64_t body_fill_calls(const char *const *names,
                                const char *const *values, size_t n,
                                bool clear_after) {
  uint64_t k = 1;
  while (k < 20 && body_fill_fails_at(names, values, n, clear_after, k))
    k++;
  return k - 1;
}

static void test_response_body_presize(void) {
  int64_t live = test_alloc_live();
  const char *names[] = {"Date", "Content-Length", "content-length"};
  const char *values[] = {"x", "3000", "10"};
  const char *small_first[] = {"10", "3000"};
  uint64_t sized = body_fill_calls(names, values, 2, false);
  uint64_t unsized = body_fill_calls(names, values, 1, false);
  const char *interim[] = {"x", "60"};
  uint64_t cleared = body_fill_calls(names, interim, 2, true);
  uint64_t repeat = body_fill_calls(names + 1, small_first, 2, false);
  if (sized != 1 || unsized < 3 || cleared != 1 || repeat < 2)
    printf("  allocator calls: sized %llu, unsized %llu, cleared %llu, "
           "small first %llu\n",
           (unsigned long long)sized, (unsigned long long)unsized,
           (unsigned long long)cleared, (unsigned long long)repeat);
  CHECK_INT(sized, 1); /* the body buffer, once */
  CHECK(unsized >= 3); /* 256 bytes, then doubled up to 4,096 */
  CHECK_INT(cleared, 1);
  CHECK(repeat >= 2); /* 11 bytes first, then grown */
  CHECK_INT(test_alloc_live(), live);
}

static void test_response_fold_and_clear(void) {
  int64_t live = test_alloc_live();
  awsc_http_response r;
  memset(&r, 0, sizeof(r));
  CHECK_INT(awsc_http_response_add_header_n(&r, "X-Long", 6, "part1", 5), 0);
  CHECK_INT(awsc_http_response_fold_header(&r, "\t part2 ", 8), 0);
  CHECK_STR(awsc_http_response_header(&r, "x-long"), "part1 part2");
  awsc_http_response_clear_headers(&r);
  CHECK_INT(r.header_count, 0);
  CHECK(awsc_http_response_header(&r, "x-long") == NULL);
  CHECK_INT(awsc_http_response_add_header_n(&r, "A", 1, "b", 1), 0);
  CHECK_STR(awsc_http_response_header(&r, "a"), "b");
  awsc_http_response_cleanup(&r);
  CHECK_INT(test_alloc_live(), live);
}

static void test_response_body(void) {
  int64_t live = test_alloc_live();
  awsc_http_response r;
  memset(&r, 0, sizeof(r));
  CHECK_INT(awsc_http_response_append_body(&r, NULL, 0), 0);
  CHECK(r.body != NULL);
  CHECK_STR(r.body, "");
  CHECK_INT(awsc_http_response_append_body(&r, NULL, 3), AWSC_EINVAL);
  size_t total = 0;
  for (int i = 0; i < 1000; i++) {
    CHECK_INT(awsc_http_response_append_body(&r, "0123456789", 10), 0);
    total += 10;
  }
  CHECK_INT(r.body_len, total);
  CHECK_INT(r.body[r.body_len], '\0');
  CHECK(memcmp(r.body + 9990, "0123456789", 10) == 0);
  awsc_http_response_cleanup(&r);
  CHECK(r.body == NULL && r.body_len == 0);
  /* Cleanup of zeroed storage and of NULL is a no-op. */
  awsc_http_response_cleanup(&r);
  awsc_http_response_cleanup(NULL);
  CHECK_INT(test_alloc_live(), live);
}

/* A response whose storage is in an arena (awsc_http_response_use_arena,
 * the pipeline's): its headers and an announced body cost no allocation
 * of their own and outlive the response; a body longer than announced,
 * and a header array a transport set itself, are the response's as
 * usual. ASan checks that nothing of the arena is freed here. */
static void test_response_in_arena(void) {
  int64_t live = test_alloc_live();
  awsc_arena *a = awsc_arena_new(0);
  CHECK(a != NULL);
  if (!a)
    return;
  uint64_t calls = test_alloc_count();
  awsc_http_response r;
  memset(&r, 0, sizeof(r));
  CHECK_INT(awsc_http_response_use_arena(&r, a), 0);
  CHECK_INT(awsc_http_response_use_arena(&r, a), AWSC_EINVAL);
  awsc_http_response_reset_kept(&r); /* as a send starts: storage kept */
  char name[16];
  for (int i = 0; i < 40; i++) { /* past the inline array: grown in a */
    snprintf(name, sizeof(name), "X-H%d", i);
    CHECK_INT(awsc_http_response_add_header_n(&r, name, strlen(name), " v ", 3),
              0);
  }
  CHECK_INT(awsc_http_response_add_header_n(&r, "Content-Length", 14, "5", 1),
            0);
  CHECK_INT(awsc_http_response_append_body(&r, "he", 2), 0);
  CHECK_INT(awsc_http_response_append_body(&r, "llo", 3), 0);
  CHECK_INT(test_alloc_count() - calls, 0); /* all of it in the arena */
  CHECK(awsc_http_response_in_arena(&r, a));
  const awsc_http_header *kept = r.headers;
  size_t n = r.header_count;
  bool in_arena = false;
  char *body = awsc_http_response_take_body(&r, &in_arena);
  CHECK(in_arena && body && strcmp(body, "hello") == 0);
  awsc_http_response_cleanup(&r);
  /* the headers and the body are still there, in the arena */
  CHECK_INT(n, 41);
  CHECK_STR(kept[39].name, "x-h39");
  CHECK_STR(kept[39].value, "v");
  CHECK_STR(body, "hello");

  /* more than announced: the body moves to a buffer of its own */
  memset(&r, 0, sizeof(r));
  CHECK_INT(awsc_http_response_use_arena(&r, a), 0);
  CHECK_INT(awsc_http_response_add_header_n(&r, "content-length", 14, "2", 1),
            0);
  CHECK_INT(awsc_http_response_append_body(&r, "ab", 2), 0);
  CHECK_INT(awsc_http_response_append_body(&r, "cdef", 4), 0);
  CHECK_STR(r.body, "abcdef");
  body = awsc_http_response_take_body(&r, &in_arena);
  CHECK(!in_arena && body && strcmp(body, "abcdef") == 0);
  awsc_http_response_cleanup(&r);
  awsc_free(body); /* the taker's */

  /* a header array set by a transport itself is not the arena's */
  memset(&r, 0, sizeof(r));
  CHECK_INT(awsc_http_response_use_arena(&r, a), 0);
  r.headers = awsc_malloc(sizeof(*r.headers));
  r.headers[0].name = "n";
  r.headers[0].value = "v";
  r.header_count = 1;
  CHECK(!awsc_http_response_in_arena(&r, a));
  awsc_http_response_cleanup(&r); /* frees it */
  awsc_arena_free(a);
  CHECK_INT(test_alloc_live(), live);
}

/* Every allocation of the response builders may fail; each failure is
 * reported and leaves nothing behind. */
static void test_response_oom(void) {
  int64_t live = test_alloc_live();
  int failures = 0;
  for (uint64_t n = 1; n < 50; n++) {
    awsc_http_response r;
    memset(&r, 0, sizeof(r));
    test_alloc_fail_at(n);
    int rc = 0;
    for (int i = 0; i < 20 && !rc; i++)
      rc = awsc_http_response_add_header(&r, "Name", "value");
    for (int i = 0; i < 20 && !rc; i++)
      rc = awsc_http_response_append_body(&r, "0123456789abcdef0123456789", 26);
    int fired = test_alloc_failure_fired();
    test_alloc_fail_at(0);
    if (fired) {
      failures++;
      CHECK_INT(rc, AWSC_ENOMEM);
    } else {
      CHECK_INT(rc, 0);
    }
    awsc_http_response_cleanup(&r);
    CHECK_INT(test_alloc_live(), live);
    if (!fired)
      break;
  }
  CHECK(failures > 3);
}

static void test_send_checks(void) {
  fake f;
  fake_init(&f);
  awsc_http_response resp;
  awsc_error err = AWSC_ERROR_INIT;
  awsc_http_request ok = tu_request("GET", "http://example.com/a?b=c");

  CHECK_INT(awsc_transport_send(NULL, &ok, &resp, &err), AWSC_EINVAL);
  CHECK_INT(err.code, AWSC_EINVAL);
  CHECK_INT(awsc_transport_send(&f.base, NULL, &resp, &err), AWSC_EINVAL);
  CHECK_INT(awsc_transport_send(&f.base, &ok, NULL, &err), AWSC_EINVAL);
  awsc_transport no_vtable = {NULL, NULL};
  CHECK_INT(awsc_transport_send(&no_vtable, &ok, &resp, NULL), AWSC_EINVAL);

  struct {
    const char *what;
    awsc_http_request r;
  } bad[20];
  int nb = 0;
  awsc_http_header crlf_value = {"X-A", "v\r\nX-Injected: 1"};
  awsc_http_header colon_name = {"X:A", "v"};
  awsc_http_header null_value = {"X-A", NULL};
  awsc_http_header empty_name = {"", "v"};
#define BAD(desc, init)                                                        \
  do {                                                                         \
    bad[nb].what = desc;                                                       \
    bad[nb].r = ok;                                                            \
    awsc_http_request *r = &bad[nb].r;                                         \
    init;                                                                      \
    nb++;                                                                      \
  } while (0)
  BAD("NULL method", r->method = NULL);
  BAD("empty method", r->method = "");
  BAD("method with space", r->method = "GE T");
  BAD("NULL url", r->url = NULL);
  BAD("url with CRLF", r->url = "http://a/\r\nX: y");
  BAD("headers NULL with count", r->header_count = 1);
  BAD("CRLF in header value", (r->headers = &crlf_value, r->header_count = 1));
  BAD("colon in header name", (r->headers = &colon_name, r->header_count = 1));
  BAD("NULL header value", (r->headers = &null_value, r->header_count = 1));
  BAD("empty header name", (r->headers = &empty_name, r->header_count = 1));
  BAD("memory body NULL data",
      (r->body.kind = AWSC_BODY_MEMORY, r->body.len = 5));
  BAD("file body without path", r->body.kind = AWSC_BODY_FILE);
  BAD("callback body without read", r->body.kind = AWSC_BODY_CALLBACK);
  BAD("content_length < -1",
      (r->body.kind = AWSC_BODY_FILE, r->body.path = "/x",
       r->body.content_length = -2));
  BAD("unknown body kind", r->body.kind = (awsc_body_kind)42);
  BAD("file sink without path", r->sink.kind = AWSC_SINK_FILE);
  BAD("callback sink without write", r->sink.kind = AWSC_SINK_CALLBACK);
  BAD("unknown sink kind", r->sink.kind = (awsc_sink_kind)9);
  BAD("negative read timeout", r->read_timeout_ms = -1);
  BAD("negative connect timeout", r->connect_timeout_ms = -5);
#undef BAD
  for (int i = 0; i < nb; i++) {
    awsc_error_clear(&err);
    int rc = awsc_transport_send(&f.base, &bad[i].r, &resp, &err);
    if (rc != AWSC_EINVAL || err.kind != AWSC_ERROR_VALIDATION ||
        !err.message[0])
      printf("  bad request accepted or misreported: %s (rc %d)\n", bad[i].what,
             rc);
    CHECK_INT(rc, AWSC_EINVAL);
    CHECK_INT(err.kind, AWSC_ERROR_VALIDATION);
  }
  CHECK_INT(f.calls, 0);
  /* The injection attempt is refused without echoing the header value. */
  CHECK(strstr(err.message, "Injected") == NULL);
  /* Every byte value in a header name: accepted exactly when it is an
   * RFC 9110 token character. */
  const char *tokens = "!#$%&'*+-.^_`|~0123456789"
                       "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  int wrong = 0;
  for (int v = 1; v < 256; v++) {
    char name[4] = {'X', (char)v, 'Y', '\0'};
    awsc_http_header h = {name, "v"};
    awsc_http_request r = ok;
    r.headers = &h;
    r.header_count = 1;
    int rc = awsc_transport_send(&f.base, &r, &resp, &err);
    bool want = strchr(tokens, v) != NULL;
    if ((rc == 0) != want)
      wrong++;
    if (rc == 0)
      awsc_http_response_cleanup(&resp);
  }
  CHECK_INT(wrong, 0);
  f.calls = 0;
  /* libcurl's transport makes the checks where it starts the transfer
   * (awsc_transport_send leaves them to it): the same refusals, through
   * awsc_transport_send and through its send called directly. */
  awsc_transport *curl = NULL;
  CHECK_INT(awsc_transport_curl_new(&curl, NULL, NULL), 0);
  for (int i = 0; curl && i < nb; i++) {
    for (int direct = 0; direct < 2; direct++) {
      awsc_error_clear(&err);
      memset(&resp, 0, sizeof(resp));
      int rc = direct ? curl->vtable->send(curl, &bad[i].r, &resp, &err)
                      : awsc_transport_send(curl, &bad[i].r, &resp, &err);
      if (rc != AWSC_EINVAL || err.kind != AWSC_ERROR_VALIDATION)
        printf("  curl (%s): bad request accepted: %s (rc %d)\n",
               direct ? "send" : "awsc_transport_send", bad[i].what, rc);
      CHECK_INT(rc, AWSC_EINVAL);
      CHECK_INT(err.kind, AWSC_ERROR_VALIDATION);
      CHECK(resp.status == 0 && resp.header_count == 0 && !resp.body);
      awsc_http_response_cleanup(&resp);
    }
  }
  awsc_transport_free(curl);
}

static void test_send_passes_through(void) {
  int64_t live = test_alloc_live();
  fake f;
  fake_init(&f);
  awsc_http_response resp;
  memset(&resp, 0x5a, sizeof(resp)); /* garbage: send zeroes it first */
  awsc_error err = AWSC_ERROR_INIT;
  awsc_http_header h[] = {{"X-Amz-Date", "20150830T123600Z"}, {"X-Empty", ""}};
  awsc_http_request r = tu_request("PUT", "http://example.com/k");
  r.headers = h;
  r.header_count = 2;
  r.body.kind = AWSC_BODY_MEMORY;
  r.body.data = "abc";
  r.body.len = 3;
  CHECK_INT(awsc_transport_send(&f.base, &r, &resp, &err), 0);
  CHECK_INT(f.calls, 1);
  CHECK(f.response_was_zero);
  CHECK_INT(resp.status, 503);
  CHECK_STR(awsc_http_response_header(&resp, "X-AMZ-REQUEST-ID"), "r1");
  CHECK_STR(resp.body, "<Error/>");
  awsc_http_response_cleanup(&resp);
  CHECK_INT(test_alloc_live(), live);
}

/* A failed send hands back a zeroed response and keeps the HTTP status
 * in the error. */
static void test_send_failure_releases_response(void) {
  int64_t live = test_alloc_live();
  fake f;
  fake_init(&f);
  f.fail_with = AWSC_ENETWORK;
  awsc_http_response resp;
  awsc_error err = AWSC_ERROR_INIT;
  awsc_http_request r = tu_request("GET", "http://example.com/");
  CHECK_INT(awsc_transport_send(&f.base, &r, &resp, &err), AWSC_ENETWORK);
  CHECK_INT(err.code, AWSC_ENETWORK);
  CHECK_INT(err.http_status, 503);
  CHECK(resp.body == NULL && resp.headers == NULL && resp.status == 0);
  awsc_http_response_cleanup(&resp);
  CHECK_INT(test_alloc_live(), live);
}

static void test_transport_free(void) {
  awsc_transport_free(NULL);
  fake f;
  fake_init(&f);
  awsc_transport_free(&f.base);
  CHECK_INT(f.destroyed, 1);
  awsc_transport_stats st;
  CHECK_INT(awsc_transport_curl_stats(&st, &f.base), AWSC_EINVAL);
  CHECK_INT(awsc_transport_curl_stats(&st, NULL), AWSC_EINVAL);
}

static void test_curl_options(void) {
  int64_t live = test_alloc_live();
  awsc_error err = AWSC_ERROR_INIT;
  awsc_transport *t = (awsc_transport *)1;
  CHECK_INT(awsc_transport_curl_new(NULL, NULL, &err), AWSC_EINVAL);

  awsc_curl_options o = AWSC_CURL_OPTIONS_INIT;
  o.version = 0;
  CHECK_INT(awsc_transport_curl_new(&t, &o, &err), AWSC_EINVAL);
  CHECK(t == NULL);
  CHECK(strstr(err.message, "version") != NULL);

  const char *bad_resolve[] = {"a.example:80:127.0.0.1\r\nx", NULL};
  struct {
    const char *what;
    awsc_curl_options o;
  } bad[6];
  for (int i = 0; i < 6; i++)
    bad[i].o = (awsc_curl_options)AWSC_CURL_OPTIONS_INIT;
  bad[0].what = "verify_ssl 2";
  bad[0].o.verify_ssl = 2;
  bad[1].what = "negative connect timeout";
  bad[1].o.connect_timeout_ms = -1;
  bad[2].what = "negative read timeout";
  bad[2].o.read_timeout_ms = -1;
  bad[3].what = "negative max_connections";
  bad[3].o.max_connections = -1;
  bad[4].what = "threshold -2";
  bad[4].o.expect_continue_threshold = -2;
  bad[5].what = "multi-line resolve entry";
  bad[5].o.resolve = bad_resolve;
  for (int i = 0; i < 6; i++) {
    int rc = awsc_transport_curl_new(&t, &bad[i].o, &err);
    if (rc != AWSC_EINVAL)
      printf("  accepted: %s\n", bad[i].what);
    CHECK_INT(rc, AWSC_EINVAL);
    CHECK(t == NULL);
  }

  CHECK_INT(awsc_transport_curl_new(&t, NULL, &err), 0);
  CHECK(t != NULL);
  awsc_transport_stats st = {9, 9};
  CHECK_INT(awsc_transport_curl_stats(&st, t), 0);
  CHECK_INT(st.requests, 0);
  CHECK_INT(st.connections_opened, 0);
  awsc_transport_free(t);

  const char *resolve[] = {"bucket.localhost:80:127.0.0.1",
                           "other.localhost:443:127.0.0.1", NULL};
  awsc_curl_options full = AWSC_CURL_OPTIONS_INIT;
  full.connect_timeout_ms = 1000;
  full.read_timeout_ms = 2000;
  full.verify_ssl = AWSC_TOGGLE_OFF;
  full.ca_bundle = "/etc/ssl/certs/ca-certificates.crt";
  full.proxy = "http://proxy.invalid:3128";
  full.no_proxy = "localhost,127.0.0.1";
  full.max_connections = 3;
  full.expect_continue_threshold = -1;
  full.resolve = resolve;
  CHECK_INT(awsc_transport_curl_new(&t, &full, &err), 0);
  awsc_transport_free(t);
  CHECK_INT(test_alloc_live(), live);
}

static void test_scrub_query(void) {
  char out[128];
  awsc_http_scrub_query(out, sizeof(out),
                        "GET http://h/k?X-Amz-Signature=secret&a=b failed");
  CHECK_STR(out, "GET http://h/k?... failed");
  awsc_http_scrub_query(out, sizeof(out), "what? no query here?");
  CHECK_STR(out, "what? no query here?");
  awsc_http_scrub_query(out, 8, "abc?secretsecret");
  CHECK_STR(out, "abc?...");
  awsc_http_scrub_query(out, sizeof(out), NULL);
  CHECK_STR(out, "");

  awsc_http_url_host(out, sizeof(out),
                     "https://user:pw@bucket.s3.amazonaws.com:443/k?Sig=x");
  CHECK_STR(out, "bucket.s3.amazonaws.com:443");
  awsc_http_url_host(out, sizeof(out), "http://127.0.0.1:8080?q=secret");
  CHECK_STR(out, "127.0.0.1:8080");
  awsc_http_url_host(out, sizeof(out), "http://h#frag");
  CHECK_STR(out, "h");
}

int main(void) {
  test_alloc_install();
  RUN(test_response_headers);
  RUN(test_response_name_lowercase);
  RUN(test_response_body_presize);
  RUN(test_response_fold_and_clear);
  RUN(test_response_body);
  RUN(test_response_in_arena);
  RUN(test_response_oom);
  RUN(test_send_checks);
  RUN(test_send_passes_through);
  RUN(test_send_failure_releases_response);
  RUN(test_transport_free);
  RUN(test_curl_options);
  RUN(test_scrub_query);
  return test_summary();
}
