/*
 * The asynchronous engine against engine_server.c on 127.0.0.1: many
 * calls in flight on one thread, retries on a timer (the client's sleep
 * hook never called), cancellation of one and of all, errors through the
 * completion callback (never from inside the start), the loop freed with
 * calls in flight, and the same through an application loop driven by
 * the socket and timer hooks (a poll() loop of the test's own).
 */
#include <poll.h>
#include <time.h>

#include "awsc/awsc.h"
#include "awsc/s3.h"
#include "client/client_internal.h"
#include "client/pipeline_async.h"
#include "engine_server.h"
#include "engine_test.h"
#include "test.h"

static int sleeps; /* the client's back-off sleeps (never expected) */

static void count_sleep(long ms) {
  (void)ms;
  sleeps++;
}

static const char *env_none(const char *name, void *ud) {
  (void)name;
  (void)ud;
  return NULL;
}

/* A client of et_session's whose sleeps are counted. */
static awsc_client *counted_client(awsc_session *s) {
  awsc_client *c = et_client(s);
  if (c)
    c->sleep_ms = count_sleep;
  return c;
}

/* ---- completion records ---- */

typedef struct result {
  int done;   /* times the callback ran */
  int status; /* its status */
  char code[64];
  int http_status;
  int retry_attempts;
  char *json;
} result;

static int starting; /* set while a start call runs */
static int early;    /* callbacks that ran inside a start call */

static void on_done(int status, char *json, const awsc_error *err, void *ud) {
  result *r = ud;
  if (starting)
    early++;
  r->done++;
  r->status = status;
  if (err) {
    snprintf(r->code, sizeof(r->code), "%s", err->service_code);
    r->http_status = err->http_status;
    r->retry_attempts = err->retry_attempts;
  }
  awsc_mem_free(r->json);
  r->json = json;
}

static int start_get(awsc_loop *loop, awsc_client *c, const char *key,
                     result *r, awsc_request **req) {
  char params[256];
  snprintf(params, sizeof(params), "{\"Bucket\":\"b\",\"Key\":\"%s\"}", key);
  awsc_error err = AWSC_ERROR_INIT;
  starting = 1;
  int rc =
      awsc_call_json_async(req, loop, c, "GetObject", params, on_done, r, &err);
  starting = 0;
  if (rc)
    fprintf(stderr, "start %s: %s\n", key, err.message);
  return rc;
}

static void results_free(result *r, int n) {
  for (int i = 0; i < n; i++)
    awsc_mem_free(r[i].json);
}

/* ---- tests ---- */

#define MANY 100

static void test_hundred_in_flight(void) {
  awsc_session *s = et_session(0);
  awsc_client *c = counted_client(s);
  awsc_loop *loop = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_loop_new(&loop, NULL, &err), 0);
  static result r[MANY];
  memset(r, 0, sizeof(r));
  double t0 = et_now();
  int before = es_requests(srv);
  for (int i = 0; i < MANY; i++) {
    char key[32];
    snprintf(key, sizeof(key), "slow-300-%d", i);
    CHECK_INT(start_get(loop, c, key, &r[i], NULL), 0);
  }
  CHECK_INT(awsc_loop_pending(loop), MANY);
  CHECK_INT(awsc_loop_run(loop, &err), 0);
  double dt = et_now() - t0;
  int ok = 0;
  for (int i = 0; i < MANY; i++)
    ok += r[i].done == 1 && r[i].status == 0 && r[i].json &&
          strstr(r[i].json, "\"Body\":\"aGVsbG8=\"") &&
          strstr(r[i].json, "\"HTTPStatusCode\":200");
  CHECK_INT(ok, MANY);
  CHECK_INT(early, 0);
  CHECK_INT(es_requests(srv) - before, MANY);
  /* one after the other they take 30 s; together about 0.3 s */
  printf("  %d GETs of 300 ms each in %.2f s, up to %d connections open\n",
         MANY, dt, es_max_open(srv));
  CHECK(dt < 5.0);
  CHECK(es_max_open(srv) >= MANY / 2);
  CHECK_INT(sleeps, 0);
  CHECK_INT(awsc_loop_pending(loop), 0);
  results_free(r, MANY);
  awsc_loop_free(loop);
  awsc_client_free(c);
  awsc_session_free(s);
}

/* A loop outlives the sessions and clients whose calls it ran: its idle
 * connections must not keep pointers into a freed session (its curl
 * share), whether the next call comes from another session or the loop
 * is freed last (the Python binding frees sessions in any order). */
static void test_loop_outlives_sessions(void) {
  awsc_loop *loop = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_loop_new(&loop, NULL, &err), 0);
  for (int round = 0; round < 3; round++) {
    awsc_session *s = et_session(0);
    awsc_client *c = et_client(s);
    CHECK(c != NULL);
    result r[4];
    memset(r, 0, sizeof(r));
    for (int i = 0; i < 4; i++)
      CHECK_INT(start_get(loop, c, "ok-outlives", &r[i], NULL), 0);
    CHECK_INT(awsc_loop_run(loop, &err), 0);
    for (int i = 0; i < 4; i++)
      CHECK(r[i].done == 1 && r[i].status == 0);
    results_free(r, 4);
    awsc_client_free(c);
    awsc_session_free(s);
  }
  awsc_loop_free(loop);
}

/* A kept connection the server closes while the loop holds it idle: the
 * loop's epoll set keeps an idle connection's socket (loop.c,
 * epoll_socket_cb), so the end of file there must take it out of the set
 * rather than wake the loop again and again while another call waits;
 * the next calls open a connection in its place (whose descriptor number
 * may be the dropped one's) and succeed. */
static void test_idle_connection_dropped(void) {
  awsc_session *s = et_session(0);
  awsc_client *c = counted_client(s);
  awsc_loop *loop = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_loop_new(&loop, NULL, &err), 0);
  result r[5];
  memset(r, 0, sizeof(r));
  int accepted = es_accepted(srv);
  CHECK_INT(start_get(loop, c, "drop-50-idle", &r[0], NULL), 0);
  CHECK_INT(start_get(loop, c, "slow-400-idle", &r[1], NULL), 0);
  int steps = 0;
  while (awsc_loop_run_once(loop, -1, &err) > 0 && steps < 100000)
    steps++;
  CHECK(r[0].done == 1 && r[0].status == 0);
  CHECK(r[1].done == 1 && r[1].status == 0);
  /* a handful of wake-ups (answers, the end of file), not a busy loop
   * over the dropped socket for 350 ms */
  printf("  %d loop steps while the dropped connection sat idle\n", steps);
  CHECK(steps < 50);
  CHECK(es_accepted(srv) - accepted >= 2);
  /* the same while the loop does not run, on a loop of its own: libcurl
   * finds the connection dead when it next looks, closes it while it is
   * still in the set (close_socket_cb) and opens a new one on the same
   * descriptor number (the lowest free), which must be watched anew */
  awsc_loop_free(loop);
  CHECK_INT(awsc_loop_new(&loop, NULL, &err), 0);
  CHECK_INT(start_get(loop, c, "drop-10-idle", &r[2], NULL), 0);
  CHECK_INT(awsc_loop_run(loop, &err), 0);
  CHECK(r[2].done == 1 && r[2].status == 0);
  struct timespec pause = {0, 150 * 1000 * 1000};
  nanosleep(&pause, NULL);
  for (int i = 3; i < 5; i++) {
    CHECK_INT(
        start_get(loop, c, i == 3 ? "ok-idle-a" : "ok-idle-b", &r[i], NULL), 0);
    double t0 = et_now();
    while (awsc_loop_run_once(loop, 1000, &err) > 0 && et_now() - t0 < 5.0) {
    }
    CHECK(r[i].done == 1 && r[i].status == 0 && r[i].json &&
          strstr(r[i].json, "\"HTTPStatusCode\":200"));
    CHECK(et_now() - t0 < 2.0);
  }
  CHECK_INT(sleeps, 0);
  results_free(r, 5);
  awsc_loop_free(loop);
  awsc_client_free(c);
  awsc_session_free(s);
}

static void test_retry_on_timer(void) {
  awsc_session *s = et_session(3);
  awsc_client *c = counted_client(s);
  awsc_loop *loop = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_loop_new(&loop, NULL, &err), 0);
  result r[21];
  memset(r, 0, sizeof(r));
  sleeps = 0;
  for (int i = 0; i < 20; i++) {
    char key[32];
    snprintf(key, sizeof(key), "503once-%d", i);
    CHECK_INT(start_get(loop, c, key, &r[i], NULL), 0);
  }
  /* never recovers: 3 attempts, then the service error */
  CHECK_INT(start_get(loop, c, "503always-x", &r[20], NULL), 0);
  CHECK_INT(awsc_loop_run(loop, &err), 0);
  int ok = 0;
  for (int i = 0; i < 20; i++) {
    char path[64];
    snprintf(path, sizeof(path), "/b/503once-%d", i);
    ok += r[i].done == 1 && r[i].status == 0 && r[i].json &&
          strstr(r[i].json, "\"RetryAttempts\":1") &&
          es_path_count(srv, path) == 2;
  }
  CHECK_INT(ok, 20);
  CHECK_INT(r[20].done, 1);
  CHECK_INT(r[20].status, AWSC_ESERVICE);
  CHECK_STR(r[20].code, "SlowDown");
  CHECK_INT(r[20].http_status, 503);
  CHECK_INT(r[20].retry_attempts, 2);
  CHECK_INT(es_path_count(srv, "/b/503always-x"), 3);
  CHECK_INT(sleeps, 0); /* the back-off was a timer, not a sleep */
  results_free(r, 21);
  awsc_loop_free(loop);
  awsc_client_free(c);
  awsc_session_free(s);
}

static void test_cancel_one_and_all(void) {
  awsc_session *s = et_session(0);
  awsc_client *c = counted_client(s);
  awsc_loop *loop = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_loop_new(&loop, NULL, &err), 0);
  result r[12];
  memset(r, 0, sizeof(r));
  awsc_request *hang = NULL;
  CHECK_INT(start_get(loop, c, "hang-one", &r[0], &hang), 0);
  CHECK_INT(start_get(loop, c, "ok-next", &r[1], NULL), 0);
  /* let both go out, then cancel the one that hangs */
  for (int i = 0; i < 20 && !r[1].done; i++)
    awsc_loop_run_once(loop, 50, &err);
  CHECK(hang != NULL);
  CHECK_INT(r[0].done, 0);
  starting = 1;
  awsc_request_cancel(hang);
  starting = 0;
  CHECK_INT(r[0].done, 0); /* not from inside cancel */
  CHECK_INT(awsc_loop_run(loop, &err), 0);
  CHECK_INT(r[0].done, 1);
  CHECK_INT(r[0].status, AWSC_ECANCELLED);
  CHECK_INT(r[1].status, 0);
  /* everything: ten that hang, cancelled together */
  for (int i = 2; i < 12; i++) {
    char key[32];
    snprintf(key, sizeof(key), "hang-%d", i);
    CHECK_INT(start_get(loop, c, key, &r[i], NULL), 0);
  }
  for (int i = 0; i < 5; i++)
    awsc_loop_run_once(loop, 20, &err);
  CHECK_INT(awsc_loop_pending(loop), 10);
  awsc_loop_cancel_all(loop);
  CHECK_INT(awsc_loop_run(loop, &err), 0);
  int cancelled = 0;
  for (int i = 2; i < 12; i++)
    cancelled += r[i].done == 1 && r[i].status == AWSC_ECANCELLED;
  CHECK_INT(cancelled, 10);
  CHECK_INT(early, 0);
  results_free(r, 12);
  awsc_loop_free(loop);
  awsc_client_free(c);
  awsc_session_free(s);
}

static void test_errors_through_callback(void) {
  awsc_session *s = et_session(0);
  awsc_client *c = counted_client(s);
  awsc_loop *loop = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_loop_new(&loop, NULL, &err), 0);
  result r[4];
  memset(r, 0, sizeof(r));
  CHECK_INT(start_get(loop, c, "404-gone", &r[0], NULL), 0);
  starting = 1;
  /* Bucket missing: validation, reported by the callback */
  CHECK_INT(awsc_call_json_async(NULL, loop, c, "GetObject", "{\"Key\":\"k\"}",
                                 on_done, &r[1], &err),
            0);
  CHECK_INT(awsc_call_json_async(NULL, loop, c, "NoSuchOperation", NULL,
                                 on_done, &r[2], &err),
            0);
  starting = 0;
  /* a NULL argument is the only synchronous failure */
  CHECK_INT(
      awsc_call_json_async(NULL, loop, c, NULL, NULL, on_done, &r[3], &err),
      AWSC_EINVAL);
  CHECK_INT(awsc_loop_run(loop, &err), 0);
  CHECK_INT(r[0].status, AWSC_ESERVICE);
  CHECK_STR(r[0].code, "NoSuchKey");
  CHECK_INT(r[0].http_status, 404);
  CHECK(r[0].json == NULL);
  CHECK_INT(r[1].status, AWSC_EVALIDATION);
  CHECK_INT(r[2].status, AWSC_ENOTFOUND);
  CHECK_INT(r[3].done, 0);
  CHECK_INT(early, 0);
  /* the same errors as the blocking form */
  char *json = NULL;
  awsc_error berr = AWSC_ERROR_INIT;
  CHECK_INT(awsc_call_json(&json, c, "GetObject",
                           "{\"Bucket\":\"b\",\"Key\":\"404-gone\"}", &berr),
            AWSC_ESERVICE);
  CHECK_STR(berr.service_code, "NoSuchKey");
  results_free(r, 4);
  awsc_loop_free(loop);
  awsc_client_free(c);
  awsc_session_free(s);
}

static void test_connection_refused(void) {
  /* a port nobody listens on (bound, then closed) */
  awsc_session_options so = AWSC_SESSION_OPTIONS_INIT;
  so.access_key_id = "AKIDEXAMPLE";
  so.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  so.region = "us-east-1";
  so.getenv_fn = env_none;
  so.max_attempts = 2;
  so.retry_mode = AWSC_RETRY_STANDARD;
  so.endpoint_url = "http://127.0.0.1:9";
  so.addressing_style = AWSC_S3_ADDRESSING_PATH;
  awsc_error err = AWSC_ERROR_INIT;
  awsc_session *s = NULL;
  CHECK_INT(awsc_session_new(&s, &so, &err), 0);
  awsc_client *c = counted_client(s);
  awsc_loop *loop = NULL;
  CHECK_INT(awsc_loop_new(&loop, NULL, &err), 0);
  result r;
  memset(&r, 0, sizeof(r));
  CHECK_INT(start_get(loop, c, "ok-1", &r, NULL), 0);
  CHECK_INT(awsc_loop_run(loop, &err), 0);
  CHECK_INT(r.done, 1);
  CHECK_INT(r.status, AWSC_ENETWORK);
  CHECK_INT(r.retry_attempts, 1);
  awsc_loop_free(loop);
  awsc_client_free(c);
  awsc_session_free(s);
}

static void test_free_with_calls_in_flight(void) {
  awsc_session *s = et_session(0);
  awsc_client *c = counted_client(s);
  awsc_loop *loop = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_loop_new(&loop, NULL, &err), 0);
  result r[3];
  memset(r, 0, sizeof(r));
  CHECK_INT(start_get(loop, c, "hang-free-1", &r[0], NULL), 0);
  CHECK_INT(start_get(loop, c, "hang-free-2", &r[1], NULL), 0);
  CHECK_INT(start_get(loop, c, "503always-free", &r[2], NULL), 0);
  for (int i = 0; i < 5; i++)
    awsc_loop_run_once(loop, 20, &err);
  awsc_loop_free(loop);
  for (int i = 0; i < 3; i++) {
    CHECK_INT(r[i].done, 1);
    CHECK_INT(r[i].status, AWSC_ECANCELLED);
  }
  results_free(r, 3);
  awsc_client_free(c);
  awsc_session_free(s);
}

/* ---- the hooks: an application's own poll() loop ---- */

typedef struct app_loop {
  struct pollfd fds[512];
  int n;
  long timer_ms; /* -1 none */
  double timer_set_at;
  int socket_calls, timer_calls;
} app_loop;

static int app_socket(awsc_loop *loop, int fd, int events, void *sd, void *ud) {
  app_loop *a = ud;
  (void)loop;
  (void)sd;
  a->socket_calls++;
  int i = 0;
  while (i < a->n && a->fds[i].fd != fd)
    i++;
  if (events == AWSC_LOOP_REMOVE) {
    if (i < a->n)
      a->fds[i] = a->fds[--a->n];
    return 0;
  }
  if (i == a->n && a->n < 512)
    a->fds[a->n++].fd = fd;
  a->fds[i].events = (short)(((events & AWSC_LOOP_IN) ? POLLIN : 0) |
                             ((events & AWSC_LOOP_OUT) ? POLLOUT : 0));
  return 0;
}

static int app_timer(awsc_loop *loop, long ms, void *ud) {
  app_loop *a = ud;
  (void)loop;
  a->timer_calls++;
  a->timer_ms = ms;
  a->timer_set_at = et_now();
  return 0;
}

static void test_socket_and_timer_hooks(void) {
  awsc_session *s = et_session(3);
  awsc_client *c = counted_client(s);
  static app_loop app;
  memset(&app, 0, sizeof(app));
  app.timer_ms = -1;
  awsc_loop_options lo = AWSC_LOOP_OPTIONS_INIT;
  lo.socket_hook = app_socket;
  lo.timer_hook = app_timer;
  lo.hook_user_data = &app;
  awsc_loop *loop = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_loop_new(&loop, &lo, &err), 0);
  CHECK_INT(awsc_loop_run_once(loop, 0, &err), AWSC_EINVAL);
  result r[30];
  memset(r, 0, sizeof(r));
  sleeps = 0;
  for (int i = 0; i < 30; i++) {
    char key[32];
    snprintf(key, sizeof(key), i % 3 ? "slow-100-h%d" : "503once-h%d", i);
    CHECK_INT(start_get(loop, c, key, &r[i], NULL), 0);
  }
  double t0 = et_now();
  while (awsc_loop_pending(loop) > 0 && et_now() - t0 < 20) {
    int wait = 1000;
    if (app.timer_ms >= 0) {
      double left = app.timer_set_at + app.timer_ms / 1000.0 - et_now();
      wait = left <= 0 ? 0 : (int)(left * 1000) + 1;
    }
    int n = poll(app.fds, (nfds_t)app.n, wait);
    if (n > 0) {
      struct pollfd ready[512];
      int k = 0;
      for (int i = 0; i < app.n; i++)
        if (app.fds[i].revents)
          ready[k++] = app.fds[i];
      for (int i = 0; i < k; i++)
        awsc_loop_socket_action(
            loop, ready[i].fd,
            ((ready[i].revents & (POLLIN | POLLHUP | POLLERR)) ? AWSC_LOOP_IN
                                                               : 0) |
                ((ready[i].revents & POLLOUT) ? AWSC_LOOP_OUT : 0),
            &err);
    }
    if (app.timer_ms >= 0 &&
        et_now() >= app.timer_set_at + app.timer_ms / 1000.0) {
      app.timer_ms = -1;
      awsc_loop_timeout(loop, &err);
    }
  }
  int ok = 0;
  for (int i = 0; i < 30; i++)
    ok += r[i].done == 1 && r[i].status == 0;
  CHECK_INT(ok, 30);
  CHECK_INT(sleeps, 0);
  CHECK(app.socket_calls > 0);
  CHECK(app.timer_calls > 0);
  printf("  hooks: %d socket calls, %d timer calls, %.2f s\n", app.socket_calls,
         app.timer_calls, et_now() - t0);
  results_free(r, 30);
  awsc_loop_free(loop);
  CHECK_INT(app.n, 0); /* every descriptor removed */
  awsc_client_free(c);
  awsc_session_free(s);
}

/* ---- the typed door and the deadline ---- */

typedef struct typed_result {
  int done, status;
  void *output;
  char code[64];
} typed_result;

static void on_typed(int status, void *output, const awsc_error *err,
                     void *ud) {
  typed_result *t = ud;
  if (starting)
    early++;
  t->done++;
  t->status = status;
  t->output = output;
  snprintf(t->code, sizeof(t->code), "%s", err ? err->service_code : "");
}

static void test_typed_async(void) {
  awsc_session *s = et_session(3);
  awsc_client *c = counted_client(s);
  awsc_loop *loop = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_loop_new(&loop, NULL, &err), 0);
  typed_result t[3];
  memset(t, 0, sizeof(t));
  awsc_s3_HeadObjectRequest head;
  memset(&head, 0, sizeof(head));
  head.bucket = "b";
  head.key = "503once-typed";
  awsc_s3_GetObjectRequest get;
  memset(&get, 0, sizeof(get));
  get.bucket = "b";
  get.key = "ok-typed";
  awsc_s3_HeadObjectRequest gone = head;
  gone.key = "404-typed";
  starting = 1;
  CHECK_INT(
      awsc_s3_head_object_async(NULL, loop, c, &head, on_typed, &t[0], &err),
      0);
  CHECK_INT(
      awsc_s3_get_object_async(NULL, loop, c, &get, on_typed, &t[1], &err), 0);
  CHECK_INT(
      awsc_s3_head_object_async(NULL, loop, c, &gone, on_typed, &t[2], &err),
      0);
  starting = 0;
  CHECK_INT(awsc_loop_run(loop, &err), 0);
  CHECK_INT(early, 0);
  CHECK_INT(t[0].status, 0);
  awsc_s3_HeadObjectOutput *ho = t[0].output;
  CHECK(ho && ho->has_content_length && ho->content_length == 5);
  const awsc_response_metadata *md = ho ? awsc_output_metadata(ho) : NULL;
  CHECK(md && md->retry_attempts == 1 && md->http_status == 200);
  awsc_s3_GetObjectOutput *go = t[1].output;
  CHECK_INT(t[1].status, 0);
  CHECK(go && go->body.len == 5 && memcmp(go->body.data, "hello", 5) == 0);
  CHECK_INT(t[2].status, AWSC_ESERVICE);
  CHECK(t[2].output == NULL);
  CHECK_STR(t[2].code, "NoSuchKey"); /* HEAD 404, named by the S3 hook */
  CHECK_INT(sleeps, 0);
  awsc_mem_free(t[0].output);
  awsc_mem_free(t[1].output);
  awsc_loop_free(loop);
  awsc_client_free(c);
  awsc_session_free(s);
}

/* ---- calls started from completion callbacks ---- */

#define CHAIN_WIDTH 8
#define CHAIN_TOTAL 120

typedef struct chain chain;
typedef struct chain_link { /* a call's user data: which call it is */
  chain *ch;
  int i;
} chain_link;

struct chain {
  awsc_loop *loop;
  awsc_client *c;
  awsc_s3_GetObjectRequest get[CHAIN_TOTAL];
  char keys[CHAIN_TOTAL][32];
  chain_link link[CHAIN_TOTAL];
  awsc_request *rq[CHAIN_TOTAL];
  bool finished[CHAIN_TOTAL];
  int started, done, ok;
  int handed_at_start;  /* started in a callback, already with the loop */
  typed_result side[3]; /* cancelled, invalid, aborted right after start */
  int sides_started;
};

static void chain_start(chain *ch);

static void on_chain(int status, void *output, const awsc_error *err,
                     void *ud) {
  chain_link *link = ud;
  chain *ch = link->ch;
  (void)err;
  if (starting)
    early++;
  ch->finished[link->i] = true;
  ch->done++;
  awsc_s3_GetObjectOutput *o = output;
  ch->ok += status == 0 && o && o->body.len == 5 &&
            memcmp(o->body.data, "hello", 5) == 0;
  awsc_mem_free(output);
  if (ch->started < CHAIN_TOTAL)
    chain_start(ch);
  if (ch->sides_started == 0 && ch->done == CHAIN_WIDTH) {
    /* from a callback: one cancelled, one with an invalid input, one
     * aborted while queued: each completes through its own callback
     * (the first two later), and none reaches the server */
    awsc_s3_GetObjectRequest in;
    memset(&in, 0, sizeof(in));
    in.bucket = "b";
    in.key = "ok-chain-cancelled";
    awsc_request *rq = NULL;
    awsc_error e = AWSC_ERROR_INIT;
    starting = 1;
    if (awsc_s3_get_object_async(&rq, ch->loop, ch->c, &in, on_typed,
                                 &ch->side[0], &e) == 0)
      awsc_request_cancel(rq);
    in.key = NULL; /* Key is required */
    awsc_s3_get_object_async(NULL, ch->loop, ch->c, &in, on_typed, &ch->side[1],
                             &e);
    in.key = "ok-chain-aborted";
    int arc = awsc_s3_get_object_async(&rq, ch->loop, ch->c, &in, on_typed,
                                       &ch->side[2], &e);
    starting = 0;
    if (arc == 0) /* completes at once, by design (the bindings' abort) */
      awsc_request_abort_now(rq);
    ch->sides_started = 1;
  }
}

static void chain_start(chain *ch) {
  int i = ch->started++;
  snprintf(ch->keys[i], sizeof(ch->keys[i]), "ok-chain-%d", i);
  awsc_s3_GetObjectRequest *in = &ch->get[i];
  memset(in, 0, sizeof(*in));
  in->bucket = "b";
  in->key = ch->keys[i];
  awsc_error e = AWSC_ERROR_INIT;
  awsc_request *rq = NULL;
  ch->link[i].ch = ch;
  ch->link[i].i = i;
  starting = 1;
  int rc = awsc_s3_get_object_async(&rq, ch->loop, ch->c, in, on_chain,
                                    &ch->link[i], &e);
  starting = 0;
  CHECK_INT(rc, 0);
  ch->rq[i] = rc == 0 ? rq : NULL;
  if (rc == 0 && ch->done > 0) /* from a callback */
    ch->handed_at_start += rq->xfer.running;
}

/* Calls started from completion callbacks (the usual way to keep N in
 * flight) are built, signed and handed to the loop once the completions
 * being delivered are (awsc_loop_defer): all of them answered, none
 * handed over from inside its own start, cancels and validation errors
 * of calls so queued still completing through their callbacks, later. */
static void test_started_from_callbacks(void) {
  awsc_session *s = et_session(0);
  static chain ch;
  memset(&ch, 0, sizeof(ch));
  ch.c = counted_client(s);
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_loop_new(&ch.loop, NULL, &err), 0);
  int before = es_requests(srv);
  for (int i = 0; i < CHAIN_WIDTH; i++)
    chain_start(&ch);
  /* step by step: when a step returns, every call a callback started
   * during it has been handed to the loop (none still waiting) */
  int steps = 0, waiting = 0, rc;
  while ((rc = awsc_loop_run_once(ch.loop, 5000, &err)) > 0 && steps < 10000) {
    steps++;
    for (int i = 0; i < ch.started; i++)
      if (!ch.finished[i] && ch.rq[i] && !ch.rq[i]->xfer.running)
        waiting++;
  }
  CHECK_INT(rc, 0);
  CHECK_INT(waiting, 0);
  CHECK_INT(ch.done, CHAIN_TOTAL);
  CHECK_INT(ch.ok, CHAIN_TOTAL);
  CHECK_INT(ch.handed_at_start, 0);
  CHECK_INT(early, 0);
  CHECK_INT(ch.side[0].done, 1);
  CHECK_INT(ch.side[0].status, AWSC_ECANCELLED);
  CHECK_INT(ch.side[1].done, 1);
  CHECK_INT(ch.side[1].status, AWSC_EVALIDATION);
  CHECK_INT(ch.side[2].done, 1);
  CHECK_INT(ch.side[2].status, AWSC_ECANCELLED);
  CHECK_INT(es_path_count(srv, "/b/ok-chain-cancelled"), 0);
  CHECK_INT(es_path_count(srv, "/b/ok-chain-aborted"), 0);
  CHECK_INT(es_requests(srv) - before, CHAIN_TOTAL);
  CHECK_INT(awsc_loop_pending(ch.loop), 0);
  printf("  %d GETs, %d in flight, each started from a completion; %d loop "
         "steps, none ending with a call not handed over\n",
         CHAIN_TOTAL, CHAIN_WIDTH, steps);
  awsc_loop_free(ch.loop);
  awsc_client_free(ch.c);
  awsc_session_free(s);
}

static void test_deadline_on_the_loop(void) {
  awsc_session *s = et_session(0);
  awsc_client_options co = AWSC_CLIENT_OPTIONS_INIT;
  co.total_timeout_ms = 300;
  awsc_error err = AWSC_ERROR_INIT;
  awsc_client *c = NULL;
  CHECK_INT(awsc_client_new(&c, s, "s3", &co, &err), 0);
  awsc_loop *loop = NULL;
  CHECK_INT(awsc_loop_new(&loop, NULL, &err), 0);
  result r;
  memset(&r, 0, sizeof(r));
  double t0 = et_now();
  CHECK_INT(start_get(loop, c, "hang-deadline", &r, NULL), 0);
  CHECK_INT(awsc_loop_run(loop, &err), 0);
  double dt = et_now() - t0;
  CHECK_INT(r.done, 1);
  CHECK_INT(r.status, AWSC_ETIMEOUT);
  printf("  a silent server, total_timeout_ms 300: ended after %.2f s\n", dt);
  CHECK(dt >= 0.29 && dt < 1.5);
  /* the blocking form on the same engine: its deadline (a progress
   * check) stops the silent attempt within about a second */
  char *json = NULL;
  awsc_error berr = AWSC_ERROR_INIT;
  t0 = et_now();
  CHECK_INT(awsc_call_json(&json, c, "GetObject",
                           "{\"Bucket\":\"b\",\"Key\":\"hang-deadline2\"}",
                           &berr),
            AWSC_ETIMEOUT);
  dt = et_now() - t0;
  printf("  the same, blocking: ended after %.2f s\n", dt);
  CHECK(dt >= 0.29 && dt < 1.6);
  awsc_loop_free(loop);
  awsc_client_free(c);
  awsc_session_free(s);
}

int main(void) {
  srv = es_start();
  if (!srv) {
    fprintf(stderr, "cannot start the test server on 127.0.0.1\n");
    return 1;
  }
  RUN(test_hundred_in_flight);
  RUN(test_loop_outlives_sessions);
  RUN(test_idle_connection_dropped);
  RUN(test_retry_on_timer);
  RUN(test_cancel_one_and_all);
  RUN(test_errors_through_callback);
  RUN(test_connection_refused);
  RUN(test_free_with_calls_in_flight);
  RUN(test_socket_and_timer_hooks);
  RUN(test_typed_async);
  RUN(test_deadline_on_the_loop);
  RUN(test_started_from_callbacks);
  es_stop(srv);
  return test_summary();
}
