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

_Static_assert(sizeof(awsc_out_tag) <= AWSC_OUT_TAG_SIZE, "tag fits");

/* One free for all memory the library hands to the caller: the tag before
 * the pointer says how. A pointer without a tag is left alone (a leak is
 * better than a corrupted heap). */
void awsc_mem_free(void *ptr) {
  if (!ptr)
    return;
  awsc_out_tag *t = (awsc_out_tag *)((char *)ptr - AWSC_OUT_TAG_SIZE);
  if (t->magic == AWSC_OUT_MAGIC_PLAIN) {
    t->magic = 0;
    awsc_free(t);
  } else if (t->magic == AWSC_OUT_MAGIC_OUTPUT && t->free_fn) {
    t->magic = 0;
    t->free_fn(ptr);
  }
}

char *awsc_out_strndup(const char *s, size_t n) {
  if (n > SIZE_MAX - AWSC_OUT_TAG_SIZE - 1)
    return NULL;
  char *block = awsc_malloc(AWSC_OUT_TAG_SIZE + n + 1);
  if (!block)
    return NULL;
  awsc_out_tag *t = (awsc_out_tag *)block;
  t->free_fn = NULL;
  t->magic = AWSC_OUT_MAGIC_PLAIN;
  char *p = block + AWSC_OUT_TAG_SIZE;
  if (n)
    memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

char *awsc_out_from_buf(awsc_buf *b) {
  char *p = awsc_out_strndup(b->p ? b->p : "", b->len);
  awsc_buf_free(b);
  return p;
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
