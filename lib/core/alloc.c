/* lib/core/alloc.c - the allocator hooks every allocation in awsc goes
 * through, so an embedder can account for or pool all of our memory. */
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

static void *default_malloc(size_t size, void *ud) {
  (void)ud;
  return malloc(size);
}

static void *default_realloc(void *ptr, size_t size, void *ud) {
  (void)ud;
  return realloc(ptr, size);
}

static void default_free(void *ptr, void *ud) {
  (void)ud;
  free(ptr);
}

/* Written once at start-up (before any other call, as common.h requires)
 * and only read afterwards, so no locking is needed. */
static awsc_allocator g_alloc = {default_malloc, default_realloc, default_free,
                                 NULL};
static bool g_custom;

int awsc_set_allocator(const awsc_allocator *allocator) {
  if (!allocator) {
    g_alloc =
        (awsc_allocator){default_malloc, default_realloc, default_free, NULL};
    g_custom = false;
    return AWSC_OK;
  }
  if (!allocator->malloc_fn || !allocator->realloc_fn || !allocator->free_fn)
    return AWSC_EINVAL;
  g_alloc = *allocator;
  g_custom = true;
  return AWSC_OK;
}

bool awsc_allocator_is_custom(void) {
  return g_custom;
}

/* Zero-size requests become one byte so that NULL always means failure. */
void *awsc_malloc(size_t size) {
  return g_alloc.malloc_fn(size ? size : 1, g_alloc.user_data);
}

void *awsc_calloc(size_t count, size_t size) {
  if (size && count > SIZE_MAX / size)
    return NULL;
  size_t total = count * size;
  void *p = awsc_malloc(total);
  if (p)
    memset(p, 0, total ? total : 1);
  return p;
}

void *awsc_realloc(void *ptr, size_t size) {
  return g_alloc.realloc_fn(ptr, size ? size : 1, g_alloc.user_data);
}

void awsc_free(void *ptr) {
  if (ptr)
    g_alloc.free_fn(ptr, g_alloc.user_data);
}

void awsc_mem_free(void *ptr) {
  awsc_free(ptr);
}

char *awsc_strdup(const char *s) {
  if (!s)
    return NULL;
  return awsc_strndup(s, strlen(s));
}

char *awsc_strndup(const char *s, size_t n) {
  if (!s && n)
    return NULL;
  size_t len = s ? strnlen(s, n) : 0;
  if (len == SIZE_MAX)
    return NULL;
  char *p = awsc_malloc(len + 1);
  if (!p)
    return NULL;
  if (len)
    memcpy(p, s, len);
  p[len] = '\0';
  return p;
}
