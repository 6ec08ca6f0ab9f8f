/* Connection handling of the libcurl transport: keep-alive reuse (counted
 * on both sides), reuse after error statuses, servers that close, and many
 * threads sharing one transport. */
#include <pthread.h>

#include "http_test_util.h"
#include "test_server.h"

static ts_server *srv;

static awsc_transport *new_transport(void) {
  awsc_transport *t = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  if (awsc_transport_curl_new(&t, NULL, &err) != 0)
    printf("  transport: %s\n", err.message);
  return t;
}

static awsc_transport_stats stats(awsc_transport *t) {
  awsc_transport_stats st = {0, 0};
  awsc_transport_curl_stats(&st, t);
  return st;
}

/* A server of its own, so that the accept count is this test's alone. */
static void test_hundred_requests_one_connection(void) {
  ts_server *s = ts_start();
  awsc_transport *t = new_transport();
  ts_response sr = {.status = 200, .body = "ok"};
  ts_set_response(s, &sr);
  char u[256];
  ts_url(s, u, sizeof(u), "/k");
  int ok = 0;
  for (int i = 0; i < 100; i++) {
    awsc_http_request r = tu_request(i % 2 ? "GET" : "PUT", u);
    if (i % 2 == 0) {
      r.body.kind = AWSC_BODY_MEMORY;
      r.body.data = "payload";
      r.body.len = 7;
    }
    awsc_http_response resp;
    if (awsc_transport_send(t, &r, &resp, NULL) == 0 && resp.status == 200)
      ok++;
    awsc_http_response_cleanup(&resp);
  }
  CHECK_INT(ok, 100);
  CHECK_INT(ts_requests(s), 100);
  CHECK_INT(ts_accepted(s), 1);
  awsc_transport_stats st = stats(t);
  CHECK_INT(st.requests, 100);
  CHECK_INT(st.connections_opened, 1);
  awsc_transport_free(t);
  ts_stop(s);
}

/* Error statuses, with and without bodies, after uploads too, leave the
 * connection usable (no hand-set Content-Length to desynchronise it). */
static void test_error_statuses_keep_alive(void) {
  ts_server *s = ts_start();
  awsc_transport *t = new_transport();
  char u[256];
  ts_url(s, u, sizeof(u), "/k");
  static const int statuses[] = {404, 200, 403, 400, 500, 503, 204, 200};
  for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
    ts_response sr = {.status = statuses[i]};
    if (statuses[i] >= 400)
      sr.body = "<Error><Code>Denied</Code></Error>";
    ts_set_response(s, &sr);
    awsc_http_request r = tu_request(i % 2 ? "PUT" : "GET", u);
    if (i % 2) {
      r.body.kind = AWSC_BODY_MEMORY;
      r.body.data = "some body";
      r.body.len = 9;
    }
    awsc_http_response resp;
    CHECK_INT(awsc_transport_send(t, &r, &resp, NULL), 0);
    CHECK_INT(resp.status, statuses[i]);
    if (statuses[i] >= 400)
      CHECK_STR(resp.body, "<Error><Code>Denied</Code></Error>");
    awsc_http_response_cleanup(&resp);
  }
  CHECK_INT(ts_accepted(s), 1);
  CHECK_INT(stats(t).connections_opened, 1);
  awsc_transport_free(t);
  ts_stop(s);
}

/* The counters count: a server that closes forces a new connection per
 * request, whether it says so or just drops the connection. */
static void test_server_closes(void) {
  ts_server *s = ts_start();
  awsc_transport *t = new_transport();
  char u[256];
  ts_url(s, u, sizeof(u), "/k");
  ts_response sr = {.status = 200, .body = "bye", .close = 1};
  ts_set_response(s, &sr);
  for (int i = 0; i < 3; i++) {
    awsc_http_request r = tu_request("GET", u);
    awsc_http_response resp;
    CHECK_INT(awsc_transport_send(t, &r, &resp, NULL), 0);
    CHECK_STR(resp.body, "bye");
    awsc_http_response_cleanup(&resp);
  }
  CHECK_INT(ts_accepted(s), 3);
  CHECK_INT(stats(t).connections_opened, 3);

  ts_response silent = {.status = 200, .body = "dropped", .close_silently = 1};
  ts_set_response(s, &silent);
  for (int i = 0; i < 3; i++) {
    awsc_http_request r = tu_request("PUT", u);
    r.body.kind = AWSC_BODY_MEMORY;
    r.body.data = "replayable";
    r.body.len = 10;
    awsc_http_response resp;
    awsc_error err = AWSC_ERROR_INIT;
    int rc = awsc_transport_send(t, &r, &resp, &err);
    if (rc)
      printf("  send %d: %s\n", i, err.message);
    CHECK_INT(rc, 0);
    CHECK_STR(resp.body, "dropped");
    awsc_http_response_cleanup(&resp);
  }
  CHECK_INT(ts_accepted(s), 6);
  CHECK_INT(stats(t).connections_opened, 6);
  awsc_transport_free(t);
  ts_stop(s);
}

typedef struct replay {
  const char *data;
  size_t len, pos;
  int rewinds;
} replay;

static int64_t replay_read(void *buf, size_t size, void *ud) {
  replay *r = ud;
  size_t n = r->len - r->pos;
  if (n > size)
    n = size;
  memcpy(buf, r->data + r->pos, n);
  r->pos += n;
  return (int64_t)n;
}

static int replay_rewind(void *ud) {
  replay *r = ud;
  r->pos = 0;
  r->rewinds++;
  return 0;
}

/* The server drops a reused connection after reading the request (the
 * keep-alive race): libcurl retries on a new connection, replaying the
 * body through the seek callback; a body that can not rewind fails with
 * AWSC_EBODY instead of sending garbage. */
static void test_replay_on_dropped_connection(void) {
  ts_server *s = ts_start();
  awsc_transport *t = new_transport();
  ts_response sr = {.status = 200, .body = "ok", .drop_reused = 1};
  ts_set_response(s, &sr);
  char u[256];
  ts_url(s, u, sizeof(u), "/r");
  awsc_http_request r = tu_request("PUT", u);
  r.body.kind = AWSC_BODY_MEMORY;
  r.body.data = "memory body";
  r.body.len = 11;
  awsc_http_response resp;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_transport_send(t, &r, &resp, &err), 0); /* new conn */
  awsc_http_response_cleanup(&resp);
  CHECK_INT(awsc_transport_send(t, &r, &resp, &err), 0); /* replayed */
  CHECK_STR(resp.body, "ok");
  awsc_http_response_cleanup(&resp);
  ts_request q;
  CHECK_INT(ts_last_request(s, &q), 0);
  CHECK_STR(q.body, "memory body");
  ts_request_free(&q);
  CHECK_INT(ts_accepted(s), 2);
  CHECK_INT(stats(t).connections_opened, 2);

  replay rp = {"callback body", 13, 0, 0};
  r.body.kind = AWSC_BODY_CALLBACK;
  r.body.read = replay_read;
  r.body.rewind = replay_rewind;
  r.body.user_data = &rp;
  r.body.content_length = 13;
  CHECK_INT(awsc_transport_send(t, &r, &resp, &err), 0);
  CHECK_INT(rp.rewinds, 1);
  CHECK_INT(ts_last_request(s, &q), 0);
  CHECK_STR(q.body, "callback body");
  ts_request_free(&q);
  awsc_http_response_cleanup(&resp);

  rp.pos = 0;
  r.body.rewind = NULL;
  int rc = awsc_transport_send(t, &r, &resp, &err);
  CHECK_INT(rc, AWSC_EBODY);
  if (rc)
    printf("  not replayable: %s\n", err.message);
  awsc_transport_free(t);
  ts_stop(s);
}

/* The server resets a kept-alive connection when the next request
 * arrives (it had timed the connection out): the request goes again on a
 * new connection, the body rewound; only a body that can not be rewound
 * makes it fail. */
static void test_stale_connection_retried(void) {
  ts_server *s = ts_start();
  awsc_curl_options o = AWSC_CURL_OPTIONS_INIT;
  o.expect_continue_threshold = -1;
  awsc_transport *t = NULL;
  CHECK_INT(awsc_transport_curl_new(&t, &o, NULL), 0);
  ts_response sr = {.status = 200, .body = "ok", .reset_reused = 1};
  ts_set_response(s, &sr);
  char u[256];
  ts_url(s, u, sizeof(u), "/stale");
  size_t n = 256u << 10;
  char *data = tu_pattern(n);
  awsc_http_request r = tu_request("PUT", u);
  r.body.kind = AWSC_BODY_MEMORY;
  r.body.data = data;
  r.body.len = n;
  awsc_http_response resp;
  awsc_error err = AWSC_ERROR_INIT;
  for (int i = 0; i < 3; i++) {
    int rc = awsc_transport_send(t, &r, &resp, &err);
    if (rc)
      printf("  memory body, send %d: %s\n", i, err.message);
    CHECK_INT(rc, 0);
    CHECK_STR(resp.body, "ok");
    awsc_http_response_cleanup(&resp);
  }
  ts_request q;
  CHECK_INT(ts_last_request(s, &q), 0);
  CHECK(q.body_len == n && memcmp(q.body, data, n) == 0);
  ts_request_free(&q);
  /* the first on a new connection, then one more per reset */
  CHECK_INT(ts_accepted(s), 3);
  CHECK_INT(stats(t).connections_opened, 3);

  replay rp = {data, n, 0, 0};
  r.body.kind = AWSC_BODY_CALLBACK;
  r.body.read = replay_read;
  r.body.rewind = replay_rewind;
  r.body.user_data = &rp;
  r.body.content_length = (int64_t)n;
  CHECK_INT(awsc_transport_send(t, &r, &resp, &err), 0);
  CHECK_INT(ts_last_request(s, &q), 0);
  CHECK(q.body_len == n && memcmp(q.body, data, n) == 0);
  ts_request_free(&q);
  awsc_http_response_cleanup(&resp);

  /* Without rewind the request is sent again only if none of the body had
   * been read yet; either way the server never gets a mangled body. */
  int fails = 0;
  for (int i = 0; i < 4; i++) {
    rp.pos = 0;
    r.body.rewind = NULL;
    int before = ts_requests(s);
    int rc = awsc_transport_send(t, &r, &resp, &err);
    if (rc) {
      fails++;
      CHECK(rc == AWSC_ENETWORK || rc == AWSC_EBODY);
    } else {
      CHECK_INT(ts_last_request(s, &q), 0);
      CHECK(ts_requests(s) > before);
      CHECK(q.body_len == n && memcmp(q.body, data, n) == 0);
      ts_request_free(&q);
    }
    awsc_http_response_cleanup(&resp);
  }
  printf("  non-rewindable body: %d of 4 failed\n", fails);
  awsc_http_response_cleanup(&resp);
  free(data);
  awsc_transport_free(t);
  ts_stop(s);
}

typedef struct resetting_reader {
  ts_server *srv;
  replay rp;
  int reset_done;
} resetting_reader;

static int64_t read_after_reset(void *buf, size_t size, void *ud) {
  resetting_reader *rr = ud;
  if (!rr->reset_done) {
    /* libcurl has picked the pooled connection and sent the headers; now
     * the server drops it, before the body goes out. */
    rr->reset_done = 1;
    ts_reset_connections(rr->srv);
    struct timespec ts = {0, 100 * 1000000L};
    nanosleep(&ts, NULL);
  }
  return replay_read(buf, size, &rr->rp);
}

static int rewind_after_reset(void *ud) {
  resetting_reader *rr = ud;
  return replay_rewind(&rr->rp);
}

/* The write of the body fails on the reused connection: the transport
 * sends the request again on a new connection, with the body rewound. */
static void test_send_error_on_reused_connection(void) {
  ts_server *s = ts_start();
  awsc_transport *t = new_transport();
  ts_response sr = {.status = 200, .body = "ok"};
  ts_set_response(s, &sr);
  char u[256];
  ts_url(s, u, sizeof(u), "/r");
  awsc_http_request g = tu_request("GET", u);
  awsc_http_response resp;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_transport_send(t, &g, &resp, &err), 0);
  awsc_http_response_cleanup(&resp);

  size_t n = 64u << 10;
  char *data = tu_pattern(n);
  resetting_reader rr = {s, {data, n, 0, 0}, 0};
  awsc_http_request r = tu_request("PUT", u);
  r.body.kind = AWSC_BODY_CALLBACK;
  r.body.read = read_after_reset;
  r.body.rewind = rewind_after_reset;
  r.body.user_data = &rr;
  r.body.content_length = (int64_t)n;
  int rc = awsc_transport_send(t, &r, &resp, &err);
  if (rc)
    printf("  after reset: %s\n", err.message);
  CHECK_INT(rc, 0);
  CHECK_STR(resp.body, "ok");
  CHECK(rr.reset_done);
  CHECK_INT(rr.rp.rewinds, 1);
  ts_request q;
  CHECK_INT(ts_last_request(s, &q), 0);
  CHECK(q.body_len == n && memcmp(q.body, data, n) == 0);
  ts_request_free(&q);
  CHECK_INT(ts_accepted(s), 2);
  CHECK_INT(stats(t).connections_opened, 2);
  awsc_http_response_cleanup(&resp);
  free(data);
  awsc_transport_free(t);
  ts_stop(s);
}

/* A large upload refused before its body is sent (Expect: 100-continue
 * answered with a final status): the caller gets the answer, and the
 * transport goes on with a fresh connection. */
static void test_refused_before_body(void) {
  ts_server *s = ts_start();
  awsc_transport *t = new_transport();
  ts_response sr = {.status = 403,
                    .body = "<Error>AccessDenied</Error>",
                    .answer_before_body = 1};
  ts_set_response(s, &sr);
  char u[256];
  ts_url(s, u, sizeof(u), "/big");
  size_t n = 2u << 20;
  char *data = tu_pattern(n);
  awsc_http_request r = tu_request("PUT", u);
  r.body.kind = AWSC_BODY_MEMORY;
  r.body.data = data;
  r.body.len = n;
  awsc_http_response resp;
  awsc_error err = AWSC_ERROR_INIT;
  long long t0 = tu_now_ms();
  CHECK_INT(awsc_transport_send(t, &r, &resp, &err), 0);
  CHECK_INT(resp.status, 403);
  CHECK_STR(resp.body, "<Error>AccessDenied</Error>");
  CHECK(tu_now_ms() - t0 < 900); /* did not wait out the 100 timeout */
  awsc_http_response_cleanup(&resp);
  ts_request q;
  CHECK_INT(ts_last_request(s, &q), 0);
  CHECK_STR(ts_request_header(&q, "Expect"), "100-continue");
  ts_request_free(&q);

  ts_response ok = {.status = 200, .body = "ok"};
  ts_set_response(s, &ok);
  awsc_http_request g = tu_request("GET", u);
  CHECK_INT(awsc_transport_send(t, &g, &resp, &err), 0);
  CHECK_STR(resp.body, "ok");
  awsc_http_response_cleanup(&resp);
  free(data);
  awsc_transport_free(t);
  ts_stop(s);
}

typedef struct worker {
  awsc_transport *t;
  int id;
  int ok;
  char first_error[600];
} worker;

static void *work(void *arg) {
  worker *w = arg;
  char path[64], u[256];
  for (int i = 0; i < 50; i++) {
    snprintf(path, sizeof(path), "/t%d/r%d", w->id, i);
    ts_url(srv, u, sizeof(u), path);
    awsc_http_request r = tu_request(i % 3 ? "GET" : "PUT", u);
    if (i % 3 == 0) {
      r.body.kind = AWSC_BODY_MEMORY;
      r.body.data = path;
      r.body.len = strlen(path);
    }
    awsc_http_response resp;
    awsc_error err = AWSC_ERROR_INIT;
    int rc = awsc_transport_send(w->t, &r, &resp, &err);
    /* The echo proves each answer reached the thread that asked. */
    if (rc == 0 && resp.status == 200 && resp.body &&
        strcmp(resp.body, path) == 0)
      w->ok++;
    else if (!w->first_error[0])
      snprintf(w->first_error, sizeof(w->first_error), "rc %d: %s", rc,
               err.message);
    awsc_http_response_cleanup(&resp);
  }
  return NULL;
}

static void test_concurrent_threads(void) {
  awsc_transport *t = new_transport();
  ts_response sr = {.status = 200, .echo_target = 1};
  ts_set_response(srv, &sr);
  int accepted_before = ts_accepted(srv);
  enum { N = 4 };
  worker w[N];
  pthread_t th[N];
  for (int i = 0; i < N; i++) {
    memset(&w[i], 0, sizeof(w[i]));
    w[i].t = t;
    w[i].id = i;
    pthread_create(&th[i], NULL, work, &w[i]);
  }
  for (int i = 0; i < N; i++)
    pthread_join(th[i], NULL);
  for (int i = 0; i < N; i++) {
    if (w[i].ok != 50)
      printf("  thread %d: %d ok, first error %s\n", i, w[i].ok,
             w[i].first_error);
    CHECK_INT(w[i].ok, 50);
  }
  awsc_transport_stats st = stats(t);
  CHECK_INT(st.requests, N * 50);
  /* At most one connection per concurrent caller, all of them reused. */
  CHECK(st.connections_opened >= 1 && st.connections_opened <= N);
  CHECK_INT(ts_accepted(srv) - accepted_before, (int)st.connections_opened);
  awsc_transport_free(t);
}

/* A pool capped at 1 idle handle still serves 4 concurrent callers; the
 * extra handles are dropped when they come back. */
static void test_small_pool(void) {
  awsc_curl_options o = AWSC_CURL_OPTIONS_INIT;
  o.max_connections = 1;
  awsc_transport *t = NULL;
  CHECK_INT(awsc_transport_curl_new(&t, &o, NULL), 0);
  ts_response sr = {.status = 200, .echo_target = 1};
  ts_set_response(srv, &sr);
  enum { N = 4 };
  worker w[N];
  pthread_t th[N];
  for (int i = 0; i < N; i++) {
    memset(&w[i], 0, sizeof(w[i]));
    w[i].t = t;
    w[i].id = 10 + i;
    pthread_create(&th[i], NULL, work, &w[i]);
  }
  for (int i = 0; i < N; i++)
    pthread_join(th[i], NULL);
  for (int i = 0; i < N; i++)
    CHECK_INT(w[i].ok, 50);
  CHECK_INT(stats(t).requests, N * 50);
  awsc_transport_free(t);
}

int main(void) {
  tu_clear_proxy_env();
  test_alloc_install();
  awsc_global_init();
  int64_t live = test_alloc_live();
  srv = ts_start();
  if (!srv) {
    printf("cannot start the test server\n");
    return 1;
  }
  RUN(test_hundred_requests_one_connection);
  RUN(test_error_statuses_keep_alive);
  RUN(test_server_closes);
  RUN(test_replay_on_dropped_connection);
  RUN(test_stale_connection_retried);
  RUN(test_send_error_on_reused_connection);
  RUN(test_refused_before_body);
  RUN(test_concurrent_threads);
  RUN(test_small_pool);
  ts_stop(srv);
  if (test_alloc_live() != live) {
    printf("FAIL leak: %lld blocks still live\n",
           (long long)(test_alloc_live() - live));
    test_failed++;
  }
  return test_summary();
}
