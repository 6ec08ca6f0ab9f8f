/* A counting allocator for tests: counts live blocks so a test can prove
 * that every allocation went through the hooks and was freed, and fails
 * the Nth allocation on request (SQLite/curl-style torture). */
#include <stdatomic.h>
#include <stdlib.h>

#include "awsc/common.h"
#include "test.h"

static _Atomic uint64_t allocs;
static _Atomic uint64_t frees;
static _Atomic uint64_t fail_countdown;
static _Atomic int fired;

static int should_fail(void) {
  uint64_t n = atomic_load(&fail_countdown);
  while (n > 0) {
    if (atomic_compare_exchange_weak(&fail_countdown, &n, n - 1)) {
      if (n == 1) {
        atomic_store(&fired, 1);
        return 1;
      }
      return 0;
    }
  }
  return 0;
}

static void *t_malloc(size_t size, void *ud) {
  (void)ud;
  if (should_fail())
    return NULL;
  void *p = malloc(size ? size : 1);
  if (p)
    atomic_fetch_add(&allocs, 1);
  return p;
}

static void *t_realloc(void *ptr, size_t size, void *ud) {
  (void)ud;
  if (!ptr)
    return t_malloc(size, ud);
  if (should_fail())
    return NULL;
  return realloc(ptr, size ? size : 1);
}

static void t_free(void *ptr, void *ud) {
  (void)ud;
  if (!ptr)
    return;
  atomic_fetch_add(&frees, 1);
  free(ptr);
}

void test_alloc_install(void) {
  static const awsc_allocator a = {t_malloc, t_realloc, t_free, NULL};
  awsc_set_allocator(&a);
}

uint64_t test_alloc_count(void) {
  return atomic_load(&allocs);
}
uint64_t test_free_count(void) {
  return atomic_load(&frees);
}
int64_t test_alloc_live(void) {
  return (int64_t)(atomic_load(&allocs) - atomic_load(&frees));
}
void test_alloc_reset_counts(void) {
  atomic_store(&allocs, 0);
  atomic_store(&frees, 0);
}
void test_alloc_fail_at(uint64_t n) {
  atomic_store(&fired, 0);
  atomic_store(&fail_countdown, n);
}
int test_alloc_failure_fired(void) {
  return atomic_load(&fired);
}
