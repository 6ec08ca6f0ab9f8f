/*
 * tests/unit/credentials/test_credentials.c - the snapshot, the provider
 * wrappers, the static, chain and caching providers (refresh windows,
 * failures, 8 threads), the flat JSON picker and the credential_process
 * reply parser; leaks and allocation failures through the counting
 * allocator.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "creds_test_util.h"

/* ---- a scripted inner provider ---- */

typedef struct script {
  atomic_int calls;
  atomic_int fail;          /* nonzero: get() fails */
  atomic_llong expiry_ms;   /* offset from now of the next creds; 0 none */
  atomic_int sleep_ms;
  atomic_int fail_code;     /* default AWSC_ECREDENTIALS */
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
                          AWSC_ERROR_CREDENTIALS, "scripted failure %d",
                          call);
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

static void script_destroy(awsc_credentials_provider *p) { awsc_free(p); }

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
  awsc_credentials_release(c);
  CHECK_STR(awsc_credentials_access_key_id(c), T_AKID);
  awsc_credentials_release(c);
  awsc_credentials_release(NULL);

  CHECK_INT(awsc_credentials_new(&c, T_AKID, T_SECRET, NULL, 0, NULL), 0);
  CHECK(awsc_credentials_session_token(c) == NULL);
  CHECK_STR(awsc_credentials_source(c), "explicit");
  CHECK_INT(awsc_credentials_expiration_ms(c), 0);
  awsc_credentials_release(c);
  CHECK(awsc_credentials_access_key_id(NULL) == NULL);
  CHECK(awsc_credentials_ref(NULL) == NULL);
}

static void test_snapshot_invalid(void) {
  awsc_credentials *c = (awsc_credentials *)1;
  CHECK_INT(awsc_credentials_new(&c, NULL, T_SECRET, NULL, 0, NULL),
            AWSC_EINVAL);
  CHECK(c == NULL);
  CHECK_INT(awsc_credentials_new(&c, T_AKID, NULL, NULL, 0, NULL),
            AWSC_EINVAL);
  CHECK_INT(awsc_credentials_new(&c, "", T_SECRET, NULL, 0, NULL),
            AWSC_EINVAL);
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

static void test_provider_wrappers(void) {
  awsc_credentials *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_credentials_provider_get(NULL, &c, &err), AWSC_EINVAL);
  CHECK_INT(err.code, AWSC_EINVAL);
  awsc_credentials_provider empty = {NULL, NULL};
  CHECK_INT(awsc_credentials_provider_get(&empty, &c, NULL), AWSC_EINVAL);
  awsc_credentials_provider_free(NULL);

  awsc_credentials *src = NULL;
  CHECK_INT(awsc_credentials_new(&src, T_AKID, T_SECRET, NULL, 0, NULL), 0);
  awsc_credentials_provider *p = NULL;
  CHECK_INT(awsc_credentials_provider_static_new(&p, src), 0);
  awsc_credentials_release(src); /* the provider holds its own ref */
  CHECK_INT(awsc_credentials_provider_get(p, NULL, NULL), AWSC_EINVAL);
  CHECK_INT(awsc_credentials_provider_get(p, &c, &err), 0);
  CHECK_STR(awsc_credentials_access_key_id(c), T_AKID);
  awsc_credentials *c2 = NULL;
  CHECK_INT(awsc_credentials_provider_get(p, &c2, &err), 0);
  CHECK(c2 == c);
  awsc_credentials_release(c);
  awsc_credentials_release(c2);
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
  awsc_credentials_provider *list[3] = {script_provider(&nf),
                                        script_provider(&a),
                                        script_provider(&b)};
  awsc_credentials_provider *chain = NULL;
  log_capture cap;
  awsc_logger logger;
  log_capture_init(&cap, &logger);
  CHECK_INT(awsc_provider_chain_new_ex(&chain, list, 3, &logger), 0);
  awsc_credentials *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_credentials_provider_get(chain, &c, &err), 0);
  CHECK_STR(awsc_credentials_access_key_id(c), "AKID-1");
  CHECK_INT(atomic_load(&nf.calls), 1);
  CHECK_INT(atomic_load(&a.calls), 1);
  CHECK_INT(atomic_load(&b.calls), 0);
  CHECK(log_has(&cap, "Looking for credentials via: script"));
  CHECK(no_secret(cap.text));
  awsc_credentials_release(c);
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
  awsc_credentials_provider *list[3] = {script_provider(&nf),
                                        script_provider(&bad),
                                        script_provider(&b)};
  awsc_credentials_provider *chain = NULL;
  CHECK_INT(awsc_provider_chain_new(&chain, list, 3), 0);
  awsc_credentials *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_credentials_provider_get(chain, &c, &err), AWSC_ECREDENTIALS);
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
  CHECK_INT(awsc_credentials_provider_get(chain, &c, &err), AWSC_ENOTFOUND);
  CHECK_STR(err.message, "Unable to locate credentials");
  CHECK_INT(err.kind, AWSC_ERROR_CREDENTIALS);
  awsc_credentials_provider_free(chain);

  CHECK_INT(awsc_provider_chain_new(&chain, NULL, 0), 0);
  CHECK_INT(awsc_credentials_provider_get(chain, &c, &err), AWSC_ENOTFOUND);
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
  *rc = awsc_credentials_provider_get(p, &c, err);
  if (*rc)
    return NULL;
  snprintf(buf, n, "%s", awsc_credentials_access_key_id(c));
  awsc_credentials_release(c);
  return buf;
}

static void test_cache_no_expiry_forever(void) {
  script s;
  script_init(&s, 0);
  awsc_credentials_provider *p = NULL;
  CHECK_INT(awsc_credentials_provider_cached_new(&p, script_provider(&s)), 0);
  awsc_credentials *first = NULL, *c = NULL;
  CHECK_INT(awsc_credentials_provider_get(p, &first, NULL), 0);
  for (int i = 0; i < 5; i++) {
    CHECK_INT(awsc_credentials_provider_get(p, &c, NULL), 0);
    CHECK(c == first);
    awsc_credentials_release(c);
  }
  CHECK_INT(atomic_load(&s.calls), 1);
  awsc_credentials_release(first);
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
    if (awsc_credentials_provider_get(t->p, &c, NULL) != 0) {
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
    awsc_credentials_release(c);
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

/* ---- JSON picking ---- */

static void test_json_pick(void) {
  awsc_json_field f[4] = {{"A", 0, NULL, 0},
                          {"B", 0, NULL, 0},
                          {"C", 0, NULL, 0},
                          {"D", 0, NULL, 0}};
  const char *doc = "{\"A\": \"x\\\"y\", \"N\": {\"B\": \"inner\"}, "
                    "\"B\": 12.5e1, \"C\": null, \"A2\": [1,{\"A\":3}], "
                    "\"D\": true, \"A\": \"last\"}";
  CHECK_INT(awsc_json_pick(doc, strlen(doc), f, 4, NULL), 0);
  CHECK_INT(f[0].type, AWSC_JSON_STRING);
  CHECK_STR(f[0].value, "last");
  CHECK_INT(f[1].type, AWSC_JSON_NUMBER);
  CHECK_STR(f[1].value, "12.5e1");
  CHECK_INT(f[2].type, AWSC_JSON_NULL);
  CHECK(f[2].value == NULL);
  CHECK_INT(f[3].type, AWSC_JSON_OTHER);
  awsc_json_fields_cleanup(f, 4);

  const char *nested = "{\"A\": {\"x\": 1}}";
  CHECK_INT(awsc_json_pick(nested, strlen(nested), f, 4, NULL), 0);
  CHECK_INT(f[0].type, AWSC_JSON_OTHER);
  CHECK_INT(f[1].type, AWSC_JSON_ABSENT);
  awsc_json_fields_cleanup(f, 4);

  static const char *const bad[] = {
      "", "[1,2]", "\"str\"", "42", "{\"A\": 1", "{\"A\": 1} x",
      "{\"A\": 1}{\"B\": 2}", "{A: 1}",
      "{\"SecretAccessKey\": \"" T_SECRET "\", oops}"};
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    awsc_error err = AWSC_ERROR_INIT;
    int rc = awsc_json_pick(bad[i], strlen(bad[i]), f, 4, &err);
    if (rc != AWSC_EPARSE)
      fprintf(stderr, "json case %zu: rc %d\n", i, rc);
    CHECK_INT(rc, AWSC_EPARSE);
    CHECK(no_secret(err.message));
    CHECK(err.message[0] != '\0');
    awsc_json_fields_cleanup(f, 4);
  }
}

/* ---- credential_process replies ---- */

static void test_process_parse_good(void) {
  char exp[32];
  iso_in(3600 * 1000LL, exp);
  char doc[512];
  snprintf(doc, sizeof(doc),
           "{\"Version\": 1, \"AccessKeyId\": \"" T_AKID "\", "
           "\"SecretAccessKey\": \"" T_SECRET "\", \"SessionToken\": \"" T_TOKEN
           "\", \"Expiration\": \"%s\", \"Extra\": [1, 2]}",
           exp);
  awsc_credentials *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_credential_process_parse(doc, strlen(doc), &c, &err), 0);
  CHECK_STR(awsc_credentials_access_key_id(c), T_AKID);
  CHECK_STR(awsc_credentials_secret_access_key(c), T_SECRET);
  CHECK_STR(awsc_credentials_session_token(c), T_TOKEN);
  CHECK_STR(awsc_credentials_source(c), "custom-process");
  int64_t want = awsc_time_now_ms() + 3600 * 1000LL;
  CHECK(awsc_credentials_expiration_ms(c) > want - 5000 &&
        awsc_credentials_expiration_ms(c) < want + 5000);
  awsc_credentials_release(c);

  const char *min = "{\"Version\": 1.0, \"AccessKeyId\": \"" T_AKID
                    "\", \"SecretAccessKey\": \"" T_SECRET
                    "\", \"SessionToken\": null, \"Expiration\": null}";
  CHECK_INT(awsc_credential_process_parse(min, strlen(min), &c, &err), 0);
  CHECK(awsc_credentials_session_token(c) == NULL);
  CHECK_INT(awsc_credentials_expiration_ms(c), 0);
  awsc_credentials_release(c);
}

static void test_process_parse_errors(void) {
  static const struct {
    const char *doc;
    const char *want;
  } cases[] = {
      {"{\"Version\": 2, \"AccessKeyId\": \"a\", \"SecretAccessKey\": \"" T_SECRET
       "\"}",
       "Unsupported version '2' for credential process provider, supported "
       "versions: 1"},
      {"{\"AccessKeyId\": \"a\", \"SecretAccessKey\": \"" T_SECRET "\"}",
       "Unsupported version '<Version key not provided>'"},
      {"{\"Version\": \"1\", \"AccessKeyId\": \"a\", \"SecretAccessKey\": \"" T_SECRET
       "\"}",
       "Unsupported version '1'"},
      {"{\"Version\": 1, \"AccessKeyId\": \"a\"}",
       "Missing required key in response: 'SecretAccessKey'"},
      {"{\"Version\": 1, \"SecretAccessKey\": \"" T_SECRET "\"}",
       "Missing required key in response: 'AccessKeyId'"},
      {"{\"Version\": 1, \"AccessKeyId\": 5, \"SecretAccessKey\": \"" T_SECRET
       "\"}",
       "'AccessKeyId' in response is not a non-empty string"},
      {"{\"Version\": 1, \"AccessKeyId\": \"a\", \"SecretAccessKey\": \"" T_SECRET
       "\", \"Expiration\": \"tomorrow\"}",
       "Expiration 'tomorrow' is not an ISO 8601 time"},
      {"{\"Version\": 1, \"AccessKeyId\": \"a\", \"SecretAccessKey\": \"" T_SECRET
       "\", \"SessionToken\": 7}",
       "'SessionToken' in response is not a string"},
      {"not json " T_SECRET, "not a JSON object"},
      {"{\"Version\": 1, \"AccessKeyId\": \"a\", \"SecretAccessKey\": \"" T_SECRET
       "\"", "not a JSON object"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    awsc_credentials *c = (awsc_credentials *)1;
    awsc_error err = AWSC_ERROR_INIT;
    int rc = awsc_credential_process_parse(cases[i].doc, strlen(cases[i].doc),
                                           &c, &err);
    CHECK_INT(rc, AWSC_ECREDENTIALS);
    CHECK(c == NULL);
    if (!strstr(err.message, cases[i].want))
      fprintf(stderr, "case %zu: message '%s' lacks '%s'\n", i, err.message,
              cases[i].want);
    CHECK(strstr(err.message, cases[i].want) != NULL);
    CHECK(strstr(err.message, "Error when retrieving credentials from "
                              "custom-process: ") == err.message);
    CHECK(no_secret(err.message));
    CHECK_INT(err.kind, AWSC_ERROR_CREDENTIALS);
  }
  CHECK_INT(awsc_credential_process_parse("{}", 2, NULL, NULL), AWSC_EINVAL);
}

/* Fail each allocation in turn: never a crash or a leak, and ENOMEM is
 * reported (not a misleading parse error). */
static void test_process_parse_oom(void) {
  const char *doc = "{\"Version\": 1, \"AccessKeyId\": \"" T_AKID
                    "\", \"SecretAccessKey\": \"" T_SECRET
                    "\", \"SessionToken\": \"" T_TOKEN "\"}";
  int64_t live = test_alloc_live();
  int failures_seen = 0;
  for (uint64_t n = 1; n < 200; n++) {
    awsc_credentials *c = NULL;
    test_alloc_fail_at(n);
    int rc = awsc_credential_process_parse(doc, strlen(doc), &c, NULL);
    int fired = test_alloc_failure_fired();
    test_alloc_fail_at(0);
    if (!fired) {
      CHECK_INT(rc, 0);
      awsc_credentials_release(c);
      break;
    }
    failures_seen++;
    CHECK_INT(rc, AWSC_ENOMEM);
    CHECK(c == NULL);
    awsc_credentials_release(c);
  }
  CHECK(failures_seen > 2);
  CHECK_INT(test_alloc_live(), live);
}

/* Documents that make yajl grow its buffers (long escaped strings, a
 * token cut off by the end, deep nesting): every allocation failure is
 * reported as ENOMEM (yajl itself must never see one) and nothing leaks. */
static void test_json_pick_tricky_oom(void) {
  static char docs[4][70000];
  char *p = docs[0];
  p += sprintf(p, "{\"A\": \"");
  for (int i = 0; i < 6000; i++)
    p += sprintf(p, "\\u00e9\\n");
  sprintf(p, "\", \"B\": 1}");
  p = docs[1];
  p += sprintf(p, "{\"A\": 1");
  memset(p, '7', 60000);
  p[60000] = '\0';
  p = docs[2];
  p += sprintf(p, "{\"A\": \"");
  memset(p, 'x', 60000);
  p[60000] = '\0';
  p = docs[3];
  p += sprintf(p, "{\"A\": ");
  for (int i = 0; i < 62; i++)
    *p++ = '[';
  for (int i = 0; i < 62; i++)
    *p++ = ']';
  sprintf(p, ", \"B\": \"ok\"}");
  static const int want[4] = {0, AWSC_EPARSE, AWSC_EPARSE, 0};
  int64_t live = test_alloc_live();
  for (int d = 0; d < 4; d++) {
    for (uint64_t n = 1; n < 50; n++) {
      awsc_json_field f[2] = {{"A", 0, NULL, 0}, {"B", 0, NULL, 0}};
      test_alloc_fail_at(n);
      int rc = awsc_json_pick(docs[d], strlen(docs[d]), f, 2, NULL);
      int fired = test_alloc_failure_fired();
      test_alloc_fail_at(0);
      awsc_json_fields_cleanup(f, 2);
      if (!fired) {
        CHECK_INT(rc, want[d]);
        break;
      }
      CHECK_INT(rc, AWSC_ENOMEM);
    }
  }
  CHECK_INT(test_alloc_live(), live);
  /* Depth 65 is refused before yajl runs. */
  char deep[200] = "{\"A\": ";
  size_t k = strlen(deep);
  for (int i = 0; i < 64; i++)
    deep[k++] = '[';
  deep[k] = '\0';
  awsc_json_field f = {"A", 0, NULL, 0};
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_json_pick(deep, strlen(deep), &f, 1, &err), AWSC_EPARSE);
  CHECK(strstr(err.message, "nested deeper than 64") != NULL);
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

static void test_helpers(void) {
  char out[16];
  awsc_creds_first_line("  hello\tworld\nsecond", 20, out, sizeof(out));
  CHECK_STR(out, "hello?world");
  awsc_creds_first_line("abcdefghijklmnopqrstuvwxyz", 26, out, sizeof(out));
  CHECK_STR(out, "abcdefghijklmno");
  awsc_creds_first_line("", 0, out, sizeof(out));
  CHECK_STR(out, "");
  CHECK(awsc_creds_is_true("TRUE"));
  CHECK(awsc_creds_is_true("true"));
  CHECK(!awsc_creds_is_true("1"));
  CHECK(!awsc_creds_is_true(NULL));
  awsc_buf b = AWSC_BUF_INIT;
  for (int i = 0; i < 100; i++)
    CHECK_INT(awsc_buf_append_secret(&b, "0123456789", 10), 0);
  CHECK_INT(b.len, 1000);
  CHECK(b.p[1000] == '\0');
  CHECK(memcmp(b.p + 990, "0123456789", 10) == 0);
  awsc_buf_free_secret(&b);
  CHECK(b.p == NULL);
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_creds_error(&err, "x", "n=%d", 3), AWSC_ECREDENTIALS);
  CHECK_STR(err.message, "Error when retrieving credentials from x: n=3");
}

static void test_no_leaks(void) { CHECK_INT(test_alloc_live(), 0); }

int main(void) {
  test_alloc_install();
  RUN(test_snapshot_basics);
  RUN(test_snapshot_invalid);
  RUN(test_snapshot_oom);
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
  RUN(test_json_pick);
  RUN(test_process_parse_good);
  RUN(test_process_parse_errors);
  RUN(test_process_parse_oom);
  RUN(test_json_pick_tricky_oom);
  RUN(test_cache_oom);
  RUN(test_helpers);
  RUN(test_no_leaks);
  return test_summary();
}
