/*
 * tests/common/test.h - a tiny test harness for awsc's C tests.
 *
 * Usage:
 *   static void test_something(void) { CHECK(1 + 1 == 2); }
 *   int main(void) { RUN(test_something); return test_summary(); }
 *
 * Every CHECK that fails prints file:line and the expression and marks the
 * running test failed; test_summary() prints "N passed, N failed" (counting
 * tests, not checks) and returns the process exit status.
 */
#ifndef AWSC_TEST_H
#define AWSC_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern int test_current_failed;
extern int test_passed;
extern int test_failed;
extern int test_skipped;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      test_current_failed = 1;                                                 \
    }                                                                          \
  } while (0)

#define CHECK_INT(a, b)                                                        \
  do {                                                                         \
    long long va_ = (long long)(a), vb_ = (long long)(b);                      \
    if (va_ != vb_) {                                                          \
      fprintf(stderr, "%s:%d: CHECK_INT failed: %s == %lld, %s == %lld\n",     \
              __FILE__, __LINE__, #a, va_, #b, vb_);                           \
      test_current_failed = 1;                                                 \
    }                                                                          \
  } while (0)

#define CHECK_STR(a, b)                                                        \
  do {                                                                         \
    const char *sa_ = (a), *sb_ = (b);                                         \
    if (!sa_ || !sb_ || strcmp(sa_, sb_) != 0) {                               \
      fprintf(stderr, "%s:%d: CHECK_STR failed: %s == \"%s\", %s == \"%s\"\n", \
              __FILE__, __LINE__, #a, sa_ ? sa_ : "(null)", #b,                \
              sb_ ? sb_ : "(null)");                                           \
      test_current_failed = 1;                                                 \
    }                                                                          \
  } while (0)

#define RUN(fn)                                                                \
  do {                                                                         \
    test_current_failed = 0;                                                   \
    fn();                                                                      \
    if (test_current_failed) {                                                 \
      test_failed++;                                                           \
      printf("FAIL %s\n", #fn);                                                \
    } else {                                                                   \
      test_passed++;                                                           \
      printf("ok   %s\n", #fn);                                                \
    }                                                                          \
    fflush(stdout);                                                            \
  } while (0)

/* Record a skipped test with its reason (printed). */
#define SKIP(name, reason)                                                     \
  do {                                                                         \
    test_skipped++;                                                            \
    printf("skip %s: %s\n", name, reason);                                     \
  } while (0)

/* Prints the closing line and returns the exit status: 1 if anything
 * failed, 77 (meson's "skipped") if tests were only skipped, else 0. */
int test_summary(void);

/* A whole file (or pipe), NUL-terminated, in plain malloc'd memory (free
 * with free); *len (may be NULL) gets its size. NULL on error. */
char *test_read_file(const char *path, size_t *len);

/* ---- leak-tracing, failure-injecting allocator (test_alloc.c) ---- */
/* Install the counting allocator through awsc_set_allocator. */
void test_alloc_install(void);
/* Allocations made and frees done since install (or the last reset). */
uint64_t test_alloc_count(void);
uint64_t test_free_count(void);
/* Blocks currently live. */
int64_t test_alloc_live(void);
void test_alloc_reset_counts(void);
/* Make the Nth allocation from now fail (1 = the next one); 0 = never. */
void test_alloc_fail_at(uint64_t n);
/* Whether the injected failure has fired since the last fail_at. */
int test_alloc_failure_fired(void);

#endif
