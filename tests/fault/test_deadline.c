/*
 * The per-call deadline (total_timeout_ms) and the retry log, against a
 * scripted transport that can stall like a silent server (calling the
 * request's progress hook as libcurl does): the deadline stops a stalled
 * attempt and cuts back-offs, and fails with AWSC_ETIMEOUT naming the
 * deadline, the attempts and the last cause; the option and the setting
 * resolve as documented; without a deadline the request path is unchanged
 * (no progress hook); every retry is logged with its cause (service error,
 * transport error, damaged answer) and so is a quiet resend the transport
 * reports; no secret reaches a log line.
 */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "awsc/awsc.h"
#include "client/client_internal.h"
#include "test.h"

/* ---- a scripted transport ---- */
enum { ACT_REPLY, ACT_ERROR, ACT_STALL };

typedef struct action {
  int kind;
  int status;       /* ACT_REPLY */
  const char *body; /* ACT_REPLY */
  int error;        /* ACT_ERROR */
  int resends;      /* ACT_REPLY: quiet resends to report */
} action;

typedef struct script {
  awsc_transport base;
  action acts[16];
  int n, next;
  int sends, with_progress;
  char auth[512]; /* the last Authorization header sent */
} script;

static int64_t mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void nap_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

static int script_send(awsc_transport *t, const awsc_http_request *req,
                       awsc_http_response *resp, awsc_error *err) {
  script *s = (script *)t;
  s->sends++;
  if (req->progress)
    s->with_progress++;
  for (size_t i = 0; i < req->header_count; i++)
    if (strcmp(req->headers[i].name, "Authorization") == 0)
      snprintf(s->auth, sizeof(s->auth), "%s", req->headers[i].value);
  const action *a =
      &s->acts[s->next < s->n ? s->next++ : (s->n > 0 ? s->n - 1 : 0)];
  if (a->kind == ACT_ERROR)
    return awsc_error_set(err, a->error, AWSC_ERROR_NETWORK,
                          "GET fake: Recv failure: Connection reset by peer");
  if (a->kind == ACT_STALL) {
    /* a server that never answers: only the progress hook (or a test's
     * own limit of 5 s) ends it */
    int64_t end = mono_ms() + 5000;
    while (mono_ms() < end) {
      if (req->progress && req->progress(0, 0, req->progress_user_data))
        return awsc_error_set(err, AWSC_ECANCELLED, AWSC_ERROR_NETWORK,
                              "the progress callback cancelled the transfer");
      nap_ms(20);
    }
    return awsc_error_set(err, AWSC_ETIMEOUT, AWSC_ERROR_TIMEOUT,
                          "GET fake: no data (read timeout)");
  }
  resp->status = a->status;
  if (a->body)
    awsc_http_response_append_body(resp, a->body, strlen(a->body));
  if (a->resends && err)
    err->retry_attempts = a->resends;
  return 0;
}

static void script_destroy(awsc_transport *t) {
  (void)t;
}

static const awsc_transport_vtable script_vt = {script_send, script_destroy};

static script sc;

static void script_init(void) {
  memset(&sc, 0, sizeof(sc));
  sc.base.vtable = &script_vt;
  sc.base.impl = &sc;
}

static void add(int kind, int status, const char *body, int error,
                int resends) {
  action a = {kind, status, body, error, resends};
  sc.acts[sc.n++] = a;
}

static const char slowdown[] =
    "<Error><Code>SlowDown</Code><Message>Please reduce your request "
    "rate.</Message></Error>";
static const char buckets[] =
    "<ListAllMyBucketsResult><Buckets><Bucket><Name>b1</Name></Bucket>"
    "</Buckets></ListAllMyBucketsResult>";
/* cut short: the parser refuses it, S3 retries it as a damaged answer */
static const char buckets_cut[] =
    "<ListAllMyBucketsResult><Buckets><Bucket><Name>b1</Na";

/* ---- the log ---- */
static char logbuf[65536];
static size_t loglen;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static void log_sink(awsc_log_level level, const char *msg, void *ud) {
  (void)level;
  (void)ud;
  pthread_mutex_lock(&log_lock);
  int n = snprintf(logbuf + loglen, sizeof(logbuf) - loglen, "%s\n", msg);
  if (n > 0 && (size_t)n < sizeof(logbuf) - loglen)
    loglen += (size_t)n;
  pthread_mutex_unlock(&log_lock);
}

static const char *env_value; /* AWSC_TOTAL_TIMEOUT_MS, or NULL */

static const char *test_env(const char *name, void *ud) {
  (void)ud;
  if (strcmp(name, "AWSC_TOTAL_TIMEOUT_MS") == 0)
    return env_value;
  return NULL;
}

#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define TOKEN "FQoGZXIvYXdzEFAKESESSIONTOKENfortheFaultTests0123456789"

static void no_sleep(long ms) {
  (void)ms;
}

/* A client of S3 on the script; NULL and *err filled on failure. */
static awsc_client *client(awsc_session **s, long total_timeout_ms,
                           int options_version, bool real_sleep,
                           awsc_error *err) {
  awsc_session_options so = AWSC_SESSION_OPTIONS_INIT;
  so.access_key_id = "AKIDEXAMPLE";
  so.secret_access_key = SECRET;
  so.session_token = TOKEN;
  so.region = "us-east-1";
  so.transport = &sc.base;
  so.getenv_fn = test_env;
  so.log_fn = log_sink;
  so.log_level = AWSC_LOG_DEBUG;
  awsc_client_options co = AWSC_CLIENT_OPTIONS_INIT;
  co.version = options_version;
  co.total_timeout_ms = total_timeout_ms;
  co.endpoint_url = "http://127.0.0.1:9";
  awsc_client *c = NULL;
  *s = NULL;
  if (awsc_session_new(s, &so, err) != 0 ||
      awsc_client_new(&c, *s, "s3", &co, err) != 0) {
    awsc_session_free(*s);
    *s = NULL;
    return NULL;
  }
  if (!real_sleep)
    c->sleep_ms = no_sleep;
  loglen = 0;
  logbuf[0] = '\0';
  return c;
}

static int list_buckets(awsc_client *c, awsc_error *err) {
  char *json = NULL;
  int rc = awsc_call_json(&json, c, "ListBuckets", NULL, err);
  awsc_mem_free(json);
  return rc;
}

/* Without a deadline nothing changes on the request path: no progress
 * hook, retries as before, each logged with its cause. */
static void test_no_deadline_retries_logged_with_cause(void) {
  script_init();
  add(ACT_REPLY, 503, slowdown, 0, 0);
  add(ACT_ERROR, 0, NULL, AWSC_ENETWORK, 0);
  add(ACT_REPLY, 200, buckets_cut, 0, 0);
  add(ACT_REPLY, 200, buckets, 0, 0);
  awsc_session *s;
  awsc_error err = AWSC_ERROR_INIT;
  awsc_client *c = client(&s, 0, AWSC_CLIENT_OPTIONS_VERSION, false, &err);
  CHECK(c != NULL);
  if (!c)
    return;
  CHECK_INT(list_buckets(c, &err), 0);
  CHECK_INT(sc.sends, 4);
  CHECK_INT(sc.with_progress, 0);
  CHECK(strstr(logbuf, "retrying ListBuckets in ") != NULL);
  CHECK(strstr(logbuf, "(attempt 2 of 5): HTTP 503 SlowDown: Please reduce "
                       "your request rate.") != NULL);
  CHECK(strstr(logbuf, "(attempt 3 of 5): network: GET fake: Recv failure: "
                       "Connection reset by peer") != NULL);
  CHECK(strstr(logbuf, "(attempt 4 of 5): damaged answer: HTTP 200: ") != NULL);
  if (test_current_failed)
    fprintf(stderr, "log:\n%s", logbuf);
  awsc_client_free(c);
  awsc_session_free(s);
}

/* A stalled attempt is stopped at the deadline: AWSC_ETIMEOUT with the
 * deadline, the attempts and the cause, well before the stall ends. */
static void test_deadline_stops_a_stall(void) {
  script_init();
  add(ACT_STALL, 0, NULL, 0, 0);
  awsc_session *s;
  awsc_error err = AWSC_ERROR_INIT;
  awsc_client *c = client(&s, 400, AWSC_CLIENT_OPTIONS_VERSION, false, &err);
  CHECK(c != NULL);
  if (!c)
    return;
  int64_t t0 = mono_ms();
  CHECK_INT(list_buckets(c, &err), AWSC_ETIMEOUT);
  int64_t took = mono_ms() - t0;
  CHECK(took >= 390 && took < 1400);
  CHECK_INT(err.kind, AWSC_ERROR_TIMEOUT);
  CHECK_INT(err.retry_attempts, 0);
  CHECK_INT(sc.with_progress, 1);
  CHECK(strstr(err.message, "ListBuckets: deadline of 400 ms "
                            "(total_timeout_ms) reached after 1 attempt; "
                            "last cause: attempt 1 had no complete answer "
                            "yet") != NULL);
  CHECK(strchr(err.message, '\n') == NULL);
  if (test_current_failed)
    fprintf(stderr, "took %lld ms: %s\n", (long long)took, err.message);
  awsc_client_free(c);
  awsc_session_free(s);

  /* after a failed attempt: the earlier cause is kept (the first
   * back-off, at most 1 s in legacy mode, fits in the deadline) */
  script_init();
  add(ACT_REPLY, 500,
      "<Error><Code>InternalError</Code><Message>boom</Message></Error>", 0, 0);
  add(ACT_STALL, 0, NULL, 0, 0);
  c = client(&s, 1500, AWSC_CLIENT_OPTIONS_VERSION, false, &err);
  CHECK(c != NULL);
  if (!c)
    return;
  t0 = mono_ms();
  CHECK_INT(list_buckets(c, &err), AWSC_ETIMEOUT);
  took = mono_ms() - t0;
  CHECK(took >= 1490 && took < 2500);
  CHECK_INT(err.retry_attempts, 1);
  CHECK_INT(sc.with_progress, 2);
  CHECK(strstr(err.message,
               "ListBuckets: deadline of 1500 ms "
               "(total_timeout_ms) reached after 2 attempts") != NULL);
  CHECK(strstr(err.message, "attempt 2 had no complete answer yet; before "
                            "it: HTTP 500 InternalError: boom") != NULL);
  CHECK(strchr(err.message, '\n') == NULL);
  if (test_current_failed)
    fprintf(stderr, "took %lld ms: %s\n", (long long)took, err.message);
  awsc_client_free(c);
  awsc_session_free(s);
}

/* Back-offs are never slept past the deadline (real sleeps here): the
 * call ends at once when the next one would. */
static void test_deadline_cuts_backoff(void) {
  script_init();
  for (int i = 0; i < 8; i++)
    add(ACT_REPLY, 503, slowdown, 0, 0);
  awsc_session *s;
  awsc_error err = AWSC_ERROR_INIT;
  awsc_client *c = client(&s, 300, AWSC_CLIENT_OPTIONS_VERSION, true, &err);
  CHECK(c != NULL);
  if (!c)
    return;
  int64_t t0 = mono_ms();
  CHECK_INT(list_buckets(c, &err), AWSC_ETIMEOUT);
  int64_t took = mono_ms() - t0;
  CHECK(took < 300 + 250);
  CHECK(strstr(err.message, "deadline of 300 ms (total_timeout_ms)") != NULL);
  CHECK(strstr(err.message, "last cause: HTTP 503 SlowDown") != NULL);
  CHECK(err.retry_attempts == sc.sends - 1);
  if (test_current_failed)
    fprintf(stderr, "took %lld ms, %d sends: %s\n", (long long)took, sc.sends,
            err.message);
  awsc_client_free(c);
  awsc_session_free(s);
}

/* The option's versions and values, and the setting. */
static void test_option_and_setting(void) {
  awsc_session *s;
  awsc_error err = AWSC_ERROR_INIT;
  script_init();
  add(ACT_REPLY, 200, buckets, 0, 0);
  env_value = NULL;
  CHECK(client(&s, -2, AWSC_CLIENT_OPTIONS_VERSION, false, &err) == NULL);
  CHECK_INT(err.code, AWSC_EINVAL);
  CHECK(strstr(err.message, "total_timeout_ms -2") != NULL);

  /* a version-1 struct has no such member: it is not read */
  awsc_client *c = client(&s, -2, 1, false, &err);
  CHECK(c != NULL);
  if (c) {
    CHECK_INT(c->total_timeout_ms, 0);
    awsc_client_free(c);
    awsc_session_free(s);
  }
  /* the environment (or profile) setting applies when the option is 0 */
  env_value = "250";
  c = client(&s, 0, AWSC_CLIENT_OPTIONS_VERSION, false, &err);
  CHECK(c != NULL);
  if (c) {
    CHECK_INT(c->total_timeout_ms, 250);
    CHECK_INT(list_buckets(c, &err), 0);
    CHECK_INT(sc.with_progress, 1);
    awsc_client_free(c);
    awsc_session_free(s);
  }
  /* -1: no deadline whatever is configured; >0 wins over the setting */
  c = client(&s, -1, AWSC_CLIENT_OPTIONS_VERSION, false, &err);
  CHECK(c && c->total_timeout_ms == 0);
  awsc_client_free(c);
  awsc_session_free(s);
  c = client(&s, 1234, AWSC_CLIENT_OPTIONS_VERSION, false, &err);
  CHECK(c && c->total_timeout_ms == 1234);
  awsc_client_free(c);
  awsc_session_free(s);
  env_value = "soon";
  CHECK(client(&s, 0, AWSC_CLIENT_OPTIONS_VERSION, false, &err) == NULL);
  CHECK_INT(err.code, AWSC_ECONFIG);
  CHECK(strstr(err.message, "AWSC_TOTAL_TIMEOUT_MS") != NULL);
  env_value = NULL;
}

/* A resend the transport made by itself is logged; no secret is in any
 * line of the log or in the error messages, presigned URLs included. */
static void test_quiet_resend_logged_and_no_secret(void) {
  script_init();
  add(ACT_REPLY, 200, buckets, 0, 1);
  add(ACT_REPLY, 403,
      "<Error><Code>AccessDenied</Code><Message>no</Message></Error>", 0, 0);
  awsc_session *s;
  awsc_error err = AWSC_ERROR_INIT;
  awsc_client *c = client(&s, 5000, AWSC_CLIENT_OPTIONS_VERSION, false, &err);
  CHECK(c != NULL);
  if (!c)
    return;
  CHECK_INT(list_buckets(c, &err), 0);
  CHECK(strstr(logbuf, "ListBuckets: quiet resend: attempt 1 went out 1 more "
                       "time on a new connection") != NULL);
  CHECK_INT(list_buckets(c, &err), AWSC_ESERVICE);
  char *url = NULL;
  CHECK_INT(awsc_generate_presigned_url(&url, c, "get_object",
                                        "{\"Bucket\":\"b\",\"Key\":\"k\"}", 60,
                                        &err),
            0);
  const char *sig = url ? strstr(url, "X-Amz-Signature=") : NULL;
  CHECK(sig != NULL);
  const char *hsig = strstr(sc.auth, "Signature=");
  CHECK(hsig != NULL);
  CHECK(loglen > 0);
  CHECK(strstr(logbuf, SECRET) == NULL);
  CHECK(strstr(logbuf, TOKEN) == NULL);
  CHECK(strstr(err.message, SECRET) == NULL);
  if (sig)
    CHECK(strstr(logbuf, sig + 16) == NULL);
  if (hsig)
    CHECK(strstr(logbuf, hsig + 10) == NULL);
  awsc_mem_free(url);
  awsc_client_free(c);
  awsc_session_free(s);
}

int main(void) {
  RUN(test_no_deadline_retries_logged_with_cause);
  RUN(test_deadline_stops_a_stall);
  RUN(test_deadline_cuts_backoff);
  RUN(test_option_and_setting);
  RUN(test_quiet_resend_logged_and_no_secret);
  return test_summary();
}
