/*
 * tests/unit/credentials/test_credentials.c - the snapshot, the provider
 * wrappers, the static, chain and caching providers (refresh windows,
 * failures, 8 threads); leaks and allocation failures through the
 * counting allocator. The JSON picker and the credential_process reply
 * parser are in test_json.c.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "creds_test_util.h"

/* ---- a scripted inner provider ---- */

typedef struct script {
  atomic_int calls;
  atomic_int fail;        /* nonzero: get() fails */
  atomic_llong expiry_ms; /* offset from now of the next creds; 0 none */
  atomic_int sleep_ms;
  atomic_int fail_code; /* default AWSC_ECREDENTIALS */
} script;

static void sleep_ms(int ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

static int script_get(awsc_credentials_provider *p, awsc_credentials **out,
                      awsc_error *err) {
  script *s = p->impl;
  int call = atomic_fetch_add(&s->calls, 1) + 1;
  int sl = atomic_load(&s->sleep_ms);
  if (sl)
    sleep_ms(sl);
  if (atomic_load(&s->fail)) {
    int code = atomic_load(&s->fail_code);
    return awsc_error_set(err, code ? code : AWSC_ECREDENTIALS,
                          AWSC_ERROR_CREDENTIALS, "scripted failure %d", call);
  }
  char akid[32];
  snprintf(akid, sizeof(akid), "AKID-%d", call);
  long long off = atomic_load(&s->expiry_ms);
  int64_t exp = off ? awsc_time_now_ms() + off : 0;
  int rc = awsc_credentials_new(out, akid, T_SECRET, T_TOKEN, exp, "script");
  if (rc)
    return awsc_error_set(err, rc, AWSC_ERROR_INTERNAL, "oom");
  return AWSC_OK;
}

static void script_destroy(awsc_credentials_provider *p) {
  awsc_free(p);
}

static const awsc_credentials_provider_vtable script_vtable = {
    "script", script_get, script_destroy};

/* The provider is freed by whoever owns it; the script stays the test's. */
static awsc_credentials_provider *script_provider(script *s) {
  awsc_credentials_provider *p = awsc_calloc(1, sizeof(*p));
  p->vtable = &script_vtable;
  p->impl = s;
  return p;
}

static void script_init(script *s, long long expiry_ms) {
  atomic_init(&s->calls, 0);
  atomic_init(&s->fail, 0);
  atomic_init(&s->expiry_ms, expiry_ms);
  atomic_init(&s->sleep_ms, 0);
  atomic_init(&s->fail_code, 0);
}

/* ---- snapshot ---- */

static void test_snapshot_basics(void) {
  awsc_credentials *c = NULL;
  CHECK_INT(awsc_credentials_new(&c, T_AKID, T_SECRET, T_TOKEN, 1234, "env"),
            0);
  CHECK_STR(awsc_credentials_access_key_id(c), T_AKID);
  CHECK_STR(awsc_credentials_secret_access_key(c), T_SECRET);
  CHECK_STR(awsc_credentials_session_token(c), T_TOKEN);
  CHECK_INT(awsc_credentials_expiration_ms(c), 1234);
  CHECK_STR(awsc_credentials_source(c), "env");
  CHECK(awsc_credentials_ref(c) == c);
  awsc_credentials_free(c);
  CHECK_STR(awsc_credentials_access_key_id(c), T_AKID);
  awsc_credentials_free(c);
  awsc_credentials_free(NULL);

  CHECK_INT(awsc_credentials_new(&c, T_AKID, T_SECRET, NULL, 0, NULL), 0);
  CHECK(awsc_credentials_session_token(c) == NULL);
  CHECK_STR(awsc_credentials_source(c), "explicit");
  CHECK_INT(awsc_credentials_expiration_ms(c), 0);
  awsc_credentials_free(c);
  CHECK(awsc_credentials_access_key_id(NULL) == NULL);
  CHECK(awsc_credentials_ref(NULL) == NULL);
}

static void test_snapshot_invalid(void) {
  awsc_credentials *c = (awsc_credentials *)1;
  CHECK_INT(awsc_credentials_new(&c, NULL, T_SECRET, NULL, 0, NULL),
            AWSC_EINVAL);
  CHECK(c == NULL);
  CHECK_INT(awsc_credentials_new(&c, T_AKID, NULL, NULL, 0, NULL), AWSC_EINVAL);
  CHECK_INT(awsc_credentials_new(&c, "", T_SECRET, NULL, 0, NULL), AWSC_EINVAL);
  CHECK_INT(awsc_credentials_new(&c, T_AKID, "", NULL, 0, NULL), AWSC_EINVAL);
  CHECK_INT(awsc_credentials_new(&c, T_AKID, T_SECRET, NULL, -5, NULL),
            AWSC_EINVAL);
  CHECK_INT(awsc_credentials_new(NULL, T_AKID, T_SECRET, NULL, 0, NULL),
            AWSC_EINVAL);
}

static void test_snapshot_oom(void) {
  awsc_credentials *c = NULL;
  test_alloc_fail_at(1);
  CHECK_INT(awsc_credentials_new(&c, T_AKID, T_SECRET, NULL, 0, NULL),
            AWSC_ENOMEM);
  CHECK(test_alloc_failure_fired());
  CHECK(c == NULL);
  test_alloc_fail_at(0);
}

/* ---- wrappers and static ---- */

/* The Expiration of the container and IMDS providers' answers. */
static void test_parse_expiration(void) {
  int64_t ms = 0;
  awsc_error err = AWSC_ERROR_INIT;
  const char *ok = "2030-01-02T03:04:05Z";
  CHECK_INT(awsc_creds_parse_expiration(ok, strlen(ok), "p", &ms, &err), 0);
  CHECK(ms == 1893553445000LL);
  const char *bad = "soon\nsecond line";
  CHECK_INT(awsc_creds_parse_expiration(bad, strlen(bad), "p", &ms, &err),
            AWSC_ECREDENTIALS);
  CHECK_STR(err.message,
            "Error when retrieving credentials from p: Expiration 'soon' is "
            "not an ISO 8601 time");
  const char *epoch = "1970-01-01T00:00:00Z";
  CHECK_INT(awsc_creds_parse_expiration(epoch, strlen(epoch), "p", &ms, &err),
            AWSC_ECREDENTIALS);
}

static void test_provider_wrappers(void) {
  awsc_credentials *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_credentials_provider_get(&c, NULL, &err), AWSC_EINVAL);
  CHECK_INT(err.code, AWSC_EINVAL);
  awsc_credentials_provider empty = {NULL, NULL};
  CHECK_INT(awsc_credentials_provider_get(&c, &empty, NULL), AWSC_EINVAL);
  awsc_credentials_provider_free(NULL);

  awsc_credentials *src = NULL;
  CHECK_INT(awsc_credentials_new(&src, T_AKID, T_SECRET, NULL, 0, NULL), 0);
  awsc_credentials_provider *p = NULL;
  CHECK_INT(awsc_credentials_provider_static_new(&p, src), 0);
  awsc_credentials_free(src); /* the provider holds its own ref */
  CHECK_INT(awsc_credentials_provider_get(NULL, p, NULL), AWSC_EINVAL);
  CHECK_INT(awsc_credentials_provider_get(&c, p, &err), 0);
  CHECK_STR(awsc_credentials_access_key_id(c), T_AKID);
  awsc_credentials *c2 = NULL;
  CHECK_INT(awsc_credentials_provider_get(&c2, p, &err), 0);
  CHECK(c2 == c);
  awsc_credentials_free(c);
  awsc_credentials_free(c2);
  CHECK_STR(p->vtable->name, "static");
  awsc_credentials_provider_free(p);
  CHECK_INT(awsc_credentials_provider_static_new(&p, NULL), AWSC_EINVAL);
  CHECK(p == NULL);
}

/* ---- chain ---- */

static void test_chain_order(void) {
  script nf, a, b;
  script_init(&nf, 0);
  script_init(&a, 0);
  script_init(&b, 0);
  atomic_store(&nf.fail, 1);
  atomic_store(&nf.fail_code, AWSC_ENOTFOUND);
  awsc_credentials_provider *list[3] = {
      script_provider(&nf), script_provider(&a), script_provider(&b)};
  awsc_credentials_provider *chain = NULL;
  log_capture cap;
  awsc_logger logger;
  log_capture_init(&cap, &logger);
  CHECK_INT(awsc_provider_chain_new_ex(&chain, list, 3, &logger), 0);
  awsc_credentials *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_credentials_provider_get(&c, chain, &err), 0);
  CHECK_STR(awsc_credentials_access_key_id(c), "AKID-1");
  CHECK_INT(atomic_load(&nf.calls), 1);
  CHECK_INT(atomic_load(&a.calls), 1);
  CHECK_INT(atomic_load(&b.calls), 0);
  CHECK(log_has(&cap, "Looking for credentials via: script"));
  CHECK(no_secret(cap.text));
  awsc_credentials_free(c);
  awsc_credentials_provider_free(chain);
}

static void test_chain_error_stops(void) {
  script nf, bad, b;
  script_init(&nf, 0);
  script_init(&bad, 0);
  script_init(&b, 0);
  atomic_store(&nf.fail, 1);
  atomic_store(&nf.fail_code, AWSC_ENOTFOUND);
  atomic_store(&bad.fail, 1);
  awsc_credentials_provider *list[3] = {
      script_provider(&nf), script_provider(&bad), script_provider(&b)};
  awsc_credentials_provider *chain = NULL;
  CHECK_INT(awsc_provider_chain_new(&chain, list, 3), 0);
  awsc_credentials *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_credentials_provider_get(&c, chain, &err), AWSC_ECREDENTIALS);
  CHECK(c == NULL);
  CHECK(strstr(err.message, "scripted failure") != NULL);
  CHECK_INT(atomic_load(&b.calls), 0);
  awsc_credentials_provider_free(chain);
}

static void test_chain_none_found(void) {
  script nf;
  script_init(&nf, 0);
  atomic_store(&nf.fail, 1);
  atomic_store(&nf.fail_code, AWSC_ENOTFOUND);
  awsc_credentials_provider *list[1] = {script_provider(&nf)};
  awsc_credentials_provider *chain = NULL;
  CHECK_INT(awsc_provider_chain_new(&chain, list, 1), 0);
  awsc_credentials *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_credentials_provider_get(&c, chain, &err), AWSC_ENOTFOUND);
  CHECK_STR(err.message, "Unable to locate credentials");
  CHECK_INT(err.kind, AWSC_ERROR_CREDENTIALS);
  awsc_credentials_provider_free(chain);

  CHECK_INT(awsc_provider_chain_new(&chain, NULL, 0), 0);
  CHECK_INT(awsc_credentials_provider_get(&c, chain, &err), AWSC_ENOTFOUND);
  awsc_credentials_provider_free(chain);

  /* A NULL entry is refused and the others are freed (leak check). */
  script a;
  script_init(&a, 0);
  awsc_credentials_provider *bad[2] = {script_provider(&a), NULL};
  CHECK_INT(awsc_provider_chain_new(&chain, bad, 2), AWSC_EINVAL);
  CHECK(chain == NULL);
}

/* ---- caching ---- */

static awsc_credentials_provider *cached(script *s, int64_t advisory,
                                         int64_t mandatory,
                                         const awsc_logger *logger) {
  awsc_cache_options o = AWSC_CACHE_OPTIONS_INIT;
  o.advisory_refresh_ms = advisory;
  o.mandatory_refresh_ms = mandatory;
  o.logger = logger;
  awsc_credentials_provider *p = NULL;
  if (awsc_provider_cached_new_ex(&p, script_provider(s), &o) != 0)
    return NULL;
  return p;
}

static const char *get_akid(awsc_credentials_provider *p, int *rc,
                            awsc_error *err, char *buf, size_t n) {
  awsc_credentials *c = NULL;
  *rc = awsc_credentials_provider_get(&c, p, err);
  if (*rc)
    return NULL;
  snprintf(buf, n, "%s", awsc_credentials_access_key_id(c));
  awsc_credentials_free(c);
  return buf;
}

static void test_cache_no_expiry_forever(void) {
  script s;
  script_init(&s, 0);
  awsc_credentials_provider *p = NULL;
  CHECK_INT(awsc_credentials_provider_cached_new(&p, script_provider(&s)), 0);
  awsc_credentials *first = NULL, *c = NULL;
  CHECK_INT(awsc_credentials_provider_get(&first, p, NULL), 0);
  for (int i = 0; i < 5; i++) {
    CHECK_INT(awsc_credentials_provider_get(&c, p, NULL), 0);
    CHECK(c == first);
    awsc_credentials_free(c);
  }
  CHECK_INT(atomic_load(&s.calls), 1);
  awsc_credentials_free(first);
  awsc_credentials_provider_free(p);
}

static void test_cache_fresh_not_refreshed(void) {
  script s;
  script_init(&s, 3600 * 1000LL);
  awsc_credentials_provider *p = cached(&s, 0, 0, NULL); /* 15/10 min */
  char buf[32];
  int rc;
  for (int i = 0; i < 3; i++)
    CHECK_STR(get_akid(p, &rc, NULL, buf, sizeof(buf)), "AKID-1");
  CHECK_INT(atomic_load(&s.calls), 1);
  awsc_credentials_provider_free(p);

  /* Default windows: 14 minutes left is inside the advisory window. */
  script_init(&s, 14 * 60 * 1000LL);
  p = cached(&s, 0, 0, NULL);
  CHECK_STR(get_akid(p, &rc, NULL, buf, sizeof(buf)), "AKID-1");
  atomic_store(&s.expiry_ms, 3600 * 1000LL);
  CHECK_STR(get_akid(p, &rc, NULL, buf, sizeof(buf)), "AKID-2");
  CHECK_STR(get_akid(p, &rc, NULL, buf, sizeof(buf)), "AKID-2");
  CHECK_INT(atomic_load(&s.calls), 2);
  awsc_credentials_provider_free(p);
}

static void test_cache_bad_windows(void) {
  script s;
  script_init(&s, 0);
  awsc_cache_options o = {1000, 2000, NULL};
  awsc_credentials_provider *p = NULL;
  /* mandatory > advisory is refused; the inner provider is freed. */
  CHECK_INT(awsc_provider_cached_new_ex(&p, script_provider(&s), &o),
            AWSC_EINVAL);
  CHECK(p == NULL);
  CHECK_INT(awsc_provider_cached_new_ex(&p, NULL, NULL), AWSC_EINVAL);
}

static void test_cache_advisory_refresh(void) {
  script s;
  script_init(&s, 1500); /* inside advisory (2 s), outside mandatory (1 s) */
  awsc_credentials_provider *p = cached(&s, 2000, 1000, NULL);
  char buf[32];
  int rc;
  CHECK_STR(get_akid(p, &rc, NULL, buf, sizeof(buf)), "AKID-1");
  CHECK_INT(atomic_load(&s.calls), 1);
  atomic_store(&s.expiry_ms, 3600 * 1000LL);
  CHECK_STR(get_akid(p, &rc, NULL, buf, sizeof(buf)), "AKID-2");
  CHECK_STR(get_akid(p, &rc, NULL, buf, sizeof(buf)), "AKID-2");
  CHECK_INT(atomic_load(&s.calls), 2);
  awsc_credentials_provider_free(p);
}

static void test_cache_advisory_failure_keeps_old(void) {
  script s;
  script_init(&s, 1500);
  log_capture cap;
  awsc_logger logger;
  log_capture_init(&cap, &logger);
  awsc_credentials_provider *p = cached(&s, 2000, 1000, &logger);
  char buf[32];
  int rc;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_STR(get_akid(p, &rc, &err, buf, sizeof(buf)), "AKID-1");
  atomic_store(&s.fail, 1);
  CHECK_STR(get_akid(p, &rc, &err, buf, sizeof(buf)), "AKID-1");
  CHECK_INT(rc, 0);
  CHECK_INT(err.code, 0); /* untouched on success */
  CHECK_INT(atomic_load(&s.calls), 2);
  CHECK_INT(cap.warnings, 1);
  CHECK(log_has(&cap, "advisory refresh period"));
  CHECK(no_secret(cap.text));
  /* Once the provider recovers, the next get refreshes. */
  atomic_store(&s.fail, 0);
  atomic_store(&s.expiry_ms, 3600 * 1000LL);
  CHECK_STR(get_akid(p, &rc, &err, buf, sizeof(buf)), "AKID-3");
  awsc_credentials_provider_free(p);
}

static void test_cache_mandatory_failure_errors(void) {
  script s;
  script_init(&s, 500); /* inside the mandatory window, not expired */
  log_capture cap;
  awsc_logger logger;
  log_capture_init(&cap, &logger);
  awsc_credentials_provider *p = cached(&s, 2000, 1000, &logger);
  char buf[32];
  int rc;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_STR(get_akid(p, &rc, &err, buf, sizeof(buf)), "AKID-1");
  atomic_store(&s.fail, 1);
  CHECK(get_akid(p, &rc, &err, buf, sizeof(buf)) == NULL);
  CHECK_INT(rc, AWSC_ECREDENTIALS);
  CHECK(strstr(err.message, "scripted failure 2") != NULL);
  CHECK(no_secret(err.message));
  CHECK(log_has(&cap, "mandatory refresh period"));
  CHECK(no_secret(cap.text));
  awsc_credentials_provider_free(p);
}

static void test_cache_refreshed_still_expired(void) {
  script s;
  script_init(&s, 500);
  awsc_credentials_provider *p = cached(&s, 2000, 1000, NULL);
  char buf[32];
  int rc;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_STR(get_akid(p, &rc, &err, buf, sizeof(buf)), "AKID-1");
  atomic_store(&s.expiry_ms, -60000);
  CHECK(get_akid(p, &rc, &err, buf, sizeof(buf)) == NULL);
  CHECK_INT(rc, AWSC_ECREDENTIALS);
  CHECK(strstr(err.message, "still expired") != NULL);
  awsc_credentials_provider_free(p);
}

static void test_cache_initial_failure(void) {
  script s;
  script_init(&s, 0);
  atomic_store(&s.fail, 1);
  atomic_store(&s.fail_code, AWSC_ENOTFOUND);
  awsc_credentials_provider *p = cached(&s, 0, 0, NULL);
  char buf[32];
  int rc;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK(get_akid(p, &rc, &err, buf, sizeof(buf)) == NULL);
  CHECK_INT(rc, AWSC_ENOTFOUND);
  /* Nothing is cached: the next get asks again. */
  atomic_store(&s.fail, 0);
  CHECK_STR(get_akid(p, &rc, &err, buf, sizeof(buf)), "AKID-2");
  awsc_credentials_provider_free(p);
}

/* ---- 8 threads ---- */

#define NTHREADS 8
#define GETS_PER_THREAD 200

typedef struct thread_arg {
  awsc_credentials_provider *p;
  pthread_barrier_t *barrier;
  int failures;
  int bad_snapshots;
  char first_akid[32];
} thread_arg;

static void *hammer(void *arg) {
  thread_arg *t = arg;
  pthread_barrier_wait(t->barrier);
  for (int i = 0; i < GETS_PER_THREAD; i++) {
    awsc_credentials *c = NULL;
    if (awsc_credentials_provider_get(&c, t->p, NULL) != 0) {
      t->failures++;
      continue;
    }
    const char *ak = awsc_credentials_access_key_id(c);
    if (!ak || strncmp(ak, "AKID-", 5) != 0 ||
        strcmp(awsc_credentials_secret_access_key(c), T_SECRET) != 0 ||
        strcmp(awsc_credentials_session_token(c), T_TOKEN) != 0)
      t->bad_snapshots++;
    if (i == 0)
      snprintf(t->first_akid, sizeof(t->first_akid), "%s", ak ? ak : "");
    awsc_credentials_free(c);
  }
  return NULL;
}

static void run_threads(awsc_credentials_provider *p, thread_arg *args) {
  pthread_t th[NTHREADS];
  pthread_barrier_t barrier;
  pthread_barrier_init(&barrier, NULL, NTHREADS);
  for (int i = 0; i < NTHREADS; i++) {
    memset(&args[i], 0, sizeof(args[i]));
    args[i].p = p;
    args[i].barrier = &barrier;
    pthread_create(&th[i], NULL, hammer, &args[i]);
  }
  for (int i = 0; i < NTHREADS; i++)
    pthread_join(th[i], NULL);
  pthread_barrier_destroy(&barrier);
}

/* A snapshot inside the mandatory window and 8 threads: exactly one of
 * them refreshes, the others wait for it and all get the new snapshot. */
static void test_cache_threads_mandatory(void) {
  script s;
  script_init(&s, 500);
  awsc_credentials_provider *p = cached(&s, 2000, 1000, NULL);
  char buf[32];
  int rc;
  CHECK_STR(get_akid(p, &rc, NULL, buf, sizeof(buf)), "AKID-1");
  atomic_store(&s.expiry_ms, 3600 * 1000LL);
  atomic_store(&s.sleep_ms, 100);
  thread_arg args[NTHREADS];
  run_threads(p, args);
  CHECK_INT(atomic_load(&s.calls), 2); /* exactly one mandatory refresh */
  for (int i = 0; i < NTHREADS; i++) {
    CHECK_INT(args[i].failures, 0);
    CHECK_INT(args[i].bad_snapshots, 0);
    CHECK_STR(args[i].first_akid, "AKID-2");
  }
  awsc_credentials_provider_free(p);
}

static void test_cache_threads_first_load_once(void) {
  script s;
  script_init(&s, 3600 * 1000LL);
  atomic_store(&s.sleep_ms, 100);
  awsc_credentials_provider *p = cached(&s, 2000, 1000, NULL);
  thread_arg args[NTHREADS];
  run_threads(p, args);
  CHECK_INT(atomic_load(&s.calls), 1);
  for (int i = 0; i < NTHREADS; i++) {
    CHECK_INT(args[i].failures, 0);
    CHECK_INT(args[i].bad_snapshots, 0);
    CHECK_STR(args[i].first_akid, "AKID-1");
  }
  awsc_credentials_provider_free(p);
}

static void test_cache_threads_advisory(void) {
  script s;
  script_init(&s, 1500);
  awsc_credentials_provider *p = cached(&s, 2000, 1000, NULL);
  char buf[32];
  int rc;
  CHECK_STR(get_akid(p, &rc, NULL, buf, sizeof(buf)), "AKID-1");
  atomic_store(&s.expiry_ms, 3600 * 1000LL);
  atomic_store(&s.sleep_ms, 200);
  thread_arg args[NTHREADS];
  run_threads(p, args);
  CHECK_INT(atomic_load(&s.calls), 2); /* one advisory refresh */
  int saw_new = 0, saw_old = 0;
  for (int i = 0; i < NTHREADS; i++) {
    CHECK_INT(args[i].failures, 0);
    CHECK_INT(args[i].bad_snapshots, 0);
    saw_new += strcmp(args[i].first_akid, "AKID-2") == 0;
    saw_old += strcmp(args[i].first_akid, "AKID-1") == 0;
  }
  /* The refresher got the new one; the others did not wait for it. */
  CHECK(saw_new >= 1);
  CHECK(saw_old >= 1);
  CHECK_INT(saw_new + saw_old, NTHREADS);
  awsc_credentials_provider_free(p);
}

static void test_cache_oom(void) {
  script s;
  script_init(&s, 0);
  int64_t live = test_alloc_live();
  for (uint64_t n = 1; n < 10; n++) {
    awsc_credentials_provider *p = NULL;
    awsc_credentials_provider *inner = script_provider(&s);
    test_alloc_fail_at(n);
    int rc = awsc_provider_cached_new_ex(&p, inner, NULL);
    int fired = test_alloc_failure_fired();
    test_alloc_fail_at(0);
    if (!fired) {
      CHECK_INT(rc, 0);
      awsc_credentials_provider_free(p);
      break;
    }
    CHECK_INT(rc, AWSC_ENOMEM);
    CHECK(p == NULL);
  }
  CHECK_INT(test_alloc_live(), live);
}

static void test_no_leaks(void) {
  CHECK_INT(test_alloc_live(), 0);
}

int main(void) {
  test_alloc_install();
  RUN(test_snapshot_basics);
  RUN(test_snapshot_invalid);
  RUN(test_snapshot_oom);
  RUN(test_parse_expiration);
  RUN(test_provider_wrappers);
  RUN(test_chain_order);
  RUN(test_chain_error_stops);
  RUN(test_chain_none_found);
  RUN(test_cache_no_expiry_forever);
  RUN(test_cache_fresh_not_refreshed);
  RUN(test_cache_bad_windows);
  RUN(test_cache_advisory_refresh);
  RUN(test_cache_advisory_failure_keeps_old);
  RUN(test_cache_mandatory_failure_errors);
  RUN(test_cache_refreshed_still_expired);
  RUN(test_cache_initial_failure);
  RUN(test_cache_threads_first_load_once);
  RUN(test_cache_threads_mandatory);
  RUN(test_cache_threads_advisory);
  RUN(test_cache_oom);
  RUN(test_no_leaks);
  return test_summary();
}
