/* Unit tests: every core allocation goes through the installed hooks, and
 * each allocation failing in turn yields AWSC_ENOMEM / NULL, never a crash
 * or a leak. The counting allocator is installed before any other call. */
#include <curl/curl.h>

#include "core/core.h"
#include "test.h"

static void noop_log(awsc_log_level level, const char *msg, void *ud) {
  (void)level;
  (void)msg;
  (*(int *)ud)++;
}

static void test_hooks_used(void) {
  test_alloc_reset_counts();
  CHECK(awsc_allocator_is_custom());
  awsc_buf b = AWSC_BUF_INIT;
  for (int i = 0; i < 1000; i++)
    awsc_buf_printf(&b, "%d;", i);
  char *d = awsc_buf_detach(&b);
  CHECK(d != NULL);
  awsc_arena *a = awsc_arena_new(512);
  for (int i = 0; i < 100; i++)
    CHECK(awsc_arena_alloc(a, (size_t)i * 13) != NULL);
  CHECK(awsc_arena_alloc(a, 100000) != NULL);
  char *s = awsc_strdup("hooked");
  char *s2 = awsc_strndup("hooked", 3);
  void *z = awsc_calloc(10, 10);
  CHECK(test_alloc_live() > 0);
  awsc_free(d);
  awsc_arena_free(a);
  awsc_free(s);
  awsc_free(s2);
  awsc_mem_free(z);
  CHECK(test_alloc_count() > 5);
  CHECK(test_free_count() == test_alloc_count());
  CHECK_INT(test_alloc_live(), 0);
}

static void test_incomplete_allocator_rejected(void) {
  awsc_allocator incomplete = {NULL, NULL, NULL, NULL};
  CHECK_INT(awsc_set_allocator(&incomplete), AWSC_EINVAL);
  /* The counting hooks are still the ones in use. */
  test_alloc_reset_counts();
  char *s = awsc_strdup("x");
  CHECK_INT(test_alloc_count(), 1);
  awsc_free(s);
  CHECK_INT(test_alloc_live(), 0);
}

/* Each scenario returns 0 on success or the first failure it saw, and
 * frees everything it allocated either way. */
static int scenario_buf(void) {
  awsc_buf b = AWSC_BUF_INIT;
  int rc = 0;
  for (int i = 0; i < 300 && !rc; i++)
    rc = awsc_buf_puts(&b, "0123456789abcdef");
  if (!rc)
    rc = awsc_buf_printf(&b, "[%0900d]", 1);
  if (!rc)
    rc = awsc_uri_encode(&b, "a b/c\xc3\xa9", 8, false);
  if (!rc)
    rc = awsc_uri_decode(&b, "%41%42", 6, false);
  /* On failure the buffer is still valid and terminated. */
  if (rc && b.p && b.p[b.len] != '\0')
    rc = 1;
  if (!rc) {
    char *d = awsc_buf_detach(&b);
    if (!d)
      rc = AWSC_ENOMEM;
    awsc_free(d);
  }
  awsc_buf_free(&b);
  return rc;
}

static int scenario_arena(void) {
  awsc_arena *a = awsc_arena_new(256);
  if (!a)
    return AWSC_ENOMEM;
  int rc = 0;
  for (int i = 0; i < 200 && !rc; i++) {
    size_t n = (size_t)(i % 10 == 0 ? 3000 : i);
    if (!awsc_arena_alloc(a, n))
      rc = AWSC_ENOMEM;
  }
  if (!rc && !awsc_arena_strdup(a, "string in the arena"))
    rc = AWSC_ENOMEM;
  if (!rc && !awsc_arena_calloc(a, 50, 50))
    rc = AWSC_ENOMEM;
  awsc_arena_free(a);
  return rc;
}

static int scenario_strings(void) {
  char *a = awsc_strdup("one");
  char *b = a ? awsc_strndup("two three", 3) : NULL;
  void *c = b ? awsc_calloc(3, 100) : NULL;
  void *d = c ? awsc_realloc(NULL, 50) : NULL;
  int rc = d ? 0 : AWSC_ENOMEM;
  awsc_free(a);
  awsc_free(b);
  awsc_free(c);
  awsc_free(d);
  return rc;
}

/* Logging never fails outward; when the heap line cannot be had it falls
 * back to the truncated stack copy. */
static int scenario_log(void) {
  int calls = 0;
  awsc_logger lg = {noop_log, &calls, AWSC_LOG_TRACE};
  char big[4000];
  memset(big, 'x', sizeof(big) - 1);
  big[sizeof(big) - 1] = '\0';
  awsc_log(&lg, AWSC_LOG_INFO, "%s", big);
  return calls == 1 ? 0 : 1;
}

static void torture(const char *name, int (*fn)(void)) {
  int ok = 1;
  uint64_t n;
  for (n = 1; n < 10000; n++) {
    test_alloc_reset_counts();
    test_alloc_fail_at(n);
    int rc = fn();
    int fired = test_alloc_failure_fired();
    test_alloc_fail_at(0);
    if (test_alloc_live() != 0) {
      fprintf(stderr, "%s: leak with allocation %llu failing\n", name,
              (unsigned long long)n);
      ok = 0;
    }
    if (!fired) {
      if (rc != 0) {
        fprintf(stderr, "%s: failed with no injected failure\n", name);
        ok = 0;
      }
      break; /* every allocation point has been failed once */
    }
    if (fn != scenario_log && rc != AWSC_ENOMEM) {
      fprintf(stderr, "%s: allocation %llu failed but rc = %d\n", name,
              (unsigned long long)n, rc);
      ok = 0;
    }
    if (fn == scenario_log && rc != 0)
      ok = 0;
  }
  CHECK(ok);
  CHECK(n > 1); /* the scenario allocated at least once */
}

static void test_fail_nth_buf(void) {
  torture("buf", scenario_buf);
}
static void test_fail_nth_arena(void) {
  torture("arena", scenario_arena);
}
static void test_fail_nth_strings(void) {
  torture("strings", scenario_strings);
}
static void test_fail_nth_log(void) {
  torture("log", scenario_log);
}

/* With custom hooks installed, libcurl's allocations go through them too. */
static void test_curl_uses_hooks(void) {
  CHECK_INT(awsc_global_init(), 0);
  test_alloc_reset_counts();
  CURL *h = curl_easy_init();
  CHECK(h != NULL);
  CHECK(test_alloc_count() > 0);
  curl_easy_cleanup(h);
  CHECK_INT(test_alloc_live(), 0);
}

int main(void) {
  test_alloc_install(); /* before any other awsc call */
  RUN(test_hooks_used);
  RUN(test_incomplete_allocator_rejected);
  RUN(test_fail_nth_buf);
  RUN(test_fail_nth_arena);
  RUN(test_fail_nth_strings);
  RUN(test_fail_nth_log);
  RUN(test_curl_uses_hooks);
  return test_summary();
}
