/* Unit tests: every core allocation goes through the installed hooks, and
 * each allocation failing in turn yields AWSC_ENOMEM / NULL, never a crash
 * or a leak. The counting allocator is installed before any other call. */
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
  /* caller-owned strings carry a tag; awsc_mem_free reads it */
  char *o = awsc_out_strndup("owned", 5);
  CHECK(o && strcmp(o, "owned") == 0);
  CHECK(test_alloc_live() > 0);
  awsc_free(d);
  awsc_arena_free(a);
  awsc_free(s);
  awsc_free(s2);
  awsc_free(z);
  awsc_mem_free(o);
  awsc_mem_free(NULL);
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

/* Arenas from a pool, given back, taken again, one outliving the pool. */
static int scenario_arena_pool(void) {
  awsc_arena_pool *p = awsc_arena_pool_new(256, 2, 4096);
  if (!p)
    return AWSC_ENOMEM;
  int rc = 0;
  awsc_arena *a = awsc_arena_pool_get(p);
  awsc_arena *b = a ? awsc_arena_pool_get(p) : NULL;
  for (int i = 0; b && !rc && i < 50; i++)
    if (!awsc_arena_alloc(a, (size_t)i * 7) ||
        !awsc_arena_alloc(b, i % 10 ? 10 : 1000))
      rc = AWSC_ENOMEM;
  if (!a || !b)
    rc = AWSC_ENOMEM;
  awsc_arena_free(a);
  awsc_arena *c = rc ? NULL : awsc_arena_pool_get(p);
  if (!rc && (!c || !awsc_arena_alloc(c, 100)))
    rc = AWSC_ENOMEM;
  awsc_arena_free(c);
  awsc_arena_pool_free(p);
  /* b is still valid after its pool's owner is gone */
  if (b && !awsc_arena_strdup(b, "after the pool"))
    rc = AWSC_ENOMEM;
  awsc_arena_free(b);
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
static void test_fail_nth_arena_pool(void) {
  torture("arena_pool", scenario_arena_pool);
}

/* A reset arena serves the same allocations again from the blocks it
 * kept; what is over keep_bytes (and any large block) is freed. */
static void test_arena_reset(void) {
  int64_t live0 = test_alloc_live();
  awsc_arena *a = awsc_arena_new(256);
  CHECK(a != NULL);
  uint64_t n0 = test_alloc_count();
  for (int i = 0; i < 40; i++)
    CHECK(awsc_arena_alloc(a, 48) != NULL); /* 5 a block: 7 more blocks */
  CHECK(awsc_arena_alloc(a, 5000) != NULL); /* a large one */
  CHECK_INT(test_alloc_count() - n0, 8);
  awsc_arena_reset(a, 1 << 20);
  CHECK_INT(awsc_arena_used(a), 0);
  CHECK_INT(test_alloc_live() - live0, 8); /* the arena and 7 spares */
  n0 = test_alloc_count();
  for (int i = 0; i < 40; i++) {
    char *p = awsc_arena_alloc(a, 48);
    CHECK(p != NULL);
    memset(p, i, 48);
  }
  CHECK_INT(test_alloc_count() - n0, 0);
  awsc_arena_reset(a, 3 * 256); /* three spares kept */
  CHECK_INT(test_alloc_live() - live0, 4);
  awsc_arena_reset(a, 0);
  CHECK_INT(test_alloc_live() - live0, 1);
  awsc_arena_reset(NULL, 0);
  awsc_arena_free(a);
  CHECK_INT(test_alloc_live(), live0);
}

/* Adopted heap blocks are freed with the arena: at a reset (a pooled
 * arena's return included) and at its free, each once. */
static void test_arena_adopt(void) {
  int64_t live0 = test_alloc_live();
  awsc_arena *a = awsc_arena_new(256);
  CHECK(a != NULL);
  for (int i = 0; i < 3; i++) {
    char *p = awsc_malloc(1000);
    CHECK(p != NULL);
    CHECK_INT(awsc_arena_adopt(a, p), 0);
  }
  CHECK_INT(test_alloc_live() - live0, 4);
  awsc_arena_reset(a, 0);
  CHECK_INT(test_alloc_live() - live0, 1); /* the arena only */
  awsc_arena_reset(a, 0);                  /* nothing freed twice */
  CHECK_INT(awsc_arena_adopt(a, awsc_malloc(10)), 0);
  awsc_arena_free(a);
  CHECK_INT(test_alloc_live(), live0);
  awsc_arena_pool *pool = awsc_arena_pool_new(1024, 2, 0);
  awsc_arena *b = awsc_arena_pool_get(pool);
  CHECK(b && awsc_arena_adopt(b, awsc_malloc(10)) == 0);
  awsc_arena_free(b);                      /* back to the pool: reset */
  CHECK_INT(test_alloc_live() - live0, 2); /* the pool and b */
  awsc_arena_pool_free(pool);
  CHECK_INT(test_alloc_live(), live0);
}

static void test_arena_pool(void) {
  int64_t live0 = test_alloc_live();
  awsc_arena_pool *p = awsc_arena_pool_new(1024, 2, 0);
  CHECK(p != NULL);
  awsc_arena *a = awsc_arena_pool_get(p);
  CHECK(a && awsc_arena_alloc(a, 100));
  awsc_arena_free(a); /* back to the pool */
  uint64_t n0 = test_alloc_count();
  awsc_arena *a2 = awsc_arena_pool_get(p);
  CHECK(a2 == a);
  CHECK_INT(test_alloc_count() - n0, 0);
  CHECK_INT(awsc_arena_used(a2), 0);
  awsc_arena *b = awsc_arena_pool_get(p);
  awsc_arena *c = awsc_arena_pool_get(p);
  CHECK(b && c && b != a2 && c != a2 && b != c);
  CHECK_INT(test_alloc_count() - n0, 2);
  int64_t live = test_alloc_live();
  awsc_arena_free(a2);
  awsc_arena_free(b);
  awsc_arena_free(c); /* over max_idle: freed */
  CHECK_INT(test_alloc_live(), live - 1);
  awsc_arena_pool_trim(p); /* idle ones freed, the pool stays */
  CHECK_INT(test_alloc_live(), live - 3);
  a = awsc_arena_pool_get(p);
  CHECK(a && awsc_arena_strdup(a, "x"));
  awsc_arena_pool_free(p);
  CHECK_INT(test_alloc_live() - live0, 2); /* a and the pool */
  CHECK_STR(awsc_arena_strdup(a, "still usable"), "still usable");
  awsc_arena_free(a);
  CHECK_INT(test_alloc_live(), live0);
  CHECK(awsc_arena_pool_get(NULL) == NULL);
  awsc_arena_pool_free(NULL);
  awsc_arena_pool_trim(NULL);
}

static void test_fail_nth_strings(void) {
  torture("strings", scenario_strings);
}
static void test_fail_nth_log(void) {
  torture("log", scenario_log);
}

int main(void) {
  test_alloc_install(); /* before any other awsc call */
  RUN(test_hooks_used);
  RUN(test_incomplete_allocator_rejected);
  RUN(test_fail_nth_buf);
  RUN(test_fail_nth_arena);
  RUN(test_fail_nth_arena_pool);
  RUN(test_arena_reset);
  RUN(test_arena_adopt);
  RUN(test_arena_pool);
  RUN(test_fail_nth_strings);
  RUN(test_fail_nth_log);
  return test_summary();
}
