/* lib/core/arena.c - bump allocator: many small allocations, one free.
 * Parsed outputs live in one so the caller frees a whole result at once. */
#include <stdint.h>
#include <string.h>

#include "core/core.h"

#define ARENA_ALIGN 16
#define ARENA_DEFAULT_BLOCK 4096
#define ARENA_MIN_BLOCK 256

/* Extra blocks are chained; the first block shares the allocation of the
 * arena itself so a small arena costs one malloc. */
typedef struct arena_block {
  struct arena_block *next;
} arena_block;

struct awsc_arena {
  arena_block *blocks;
  unsigned char *cur;
  unsigned char *end;
  size_t block_size;
  size_t used;
};

/* Hooks may return memory aligned to less than 16, so align by hand. */
static unsigned char *align_up(void *p) {
  uintptr_t u = (uintptr_t)p;
  return (unsigned char *)((u + (ARENA_ALIGN - 1)) &
                           ~(uintptr_t)(ARENA_ALIGN - 1));
}

awsc_arena *awsc_arena_new(size_t block_size) {
  if (block_size == 0)
    block_size = ARENA_DEFAULT_BLOCK;
  if (block_size < ARENA_MIN_BLOCK)
    block_size = ARENA_MIN_BLOCK;
  block_size = (block_size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
  if (block_size > SIZE_MAX / 2)
    return NULL;
  awsc_arena *a = awsc_malloc(sizeof(*a) + ARENA_ALIGN + block_size);
  if (!a)
    return NULL;
  a->blocks = NULL;
  a->block_size = block_size;
  a->used = 0;
  a->cur = align_up(a + 1);
  a->end = a->cur + block_size;
  return a;
}

/* A block with room for `size` bytes at a 16-byte boundary. */
static unsigned char *new_block(awsc_arena *a, size_t size) {
  if (size > SIZE_MAX - sizeof(arena_block) - ARENA_ALIGN)
    return NULL;
  arena_block *blk = awsc_malloc(sizeof(arena_block) + ARENA_ALIGN + size);
  if (!blk)
    return NULL;
  blk->next = a->blocks;
  a->blocks = blk;
  return align_up(blk + 1);
}

void *awsc_arena_alloc(awsc_arena *a, size_t size) {
  if (!a || size > SIZE_MAX - ARENA_ALIGN)
    return NULL;
  size_t r = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
  if (r == 0)
    r = ARENA_ALIGN;
  if ((size_t)(a->end - a->cur) >= r) {
    void *p = a->cur;
    a->cur += r;
    a->used += r;
    return p;
  }
  if (r > a->block_size / 2) {
    /* Large: a block of its own, leaving the current block to keep serving
     * small requests. */
    unsigned char *p = new_block(a, r);
    if (p)
      a->used += r;
    return p;
  }
  unsigned char *p = new_block(a, a->block_size);
  if (!p)
    return NULL;
  a->cur = p + r;
  a->end = p + a->block_size;
  a->used += r;
  return p;
}

void *awsc_arena_calloc(awsc_arena *a, size_t count, size_t size) {
  if (size && count > SIZE_MAX / size)
    return NULL;
  void *p = awsc_arena_alloc(a, count * size);
  if (p)
    memset(p, 0, count * size);
  return p;
}

char *awsc_arena_strndup(awsc_arena *a, const char *s, size_t n) {
  if (!s && n)
    return NULL;
  size_t len = s ? strnlen(s, n) : 0;
  if (len == SIZE_MAX)
    return NULL;
  char *p = awsc_arena_alloc(a, len + 1);
  if (!p)
    return NULL;
  if (len)
    memcpy(p, s, len);
  p[len] = '\0';
  return p;
}

char *awsc_arena_strdup(awsc_arena *a, const char *s) {
  if (!s)
    return NULL;
  return awsc_arena_strndup(a, s, strlen(s));
}

size_t awsc_arena_used(const awsc_arena *a) {
  return a ? a->used : 0;
}

void awsc_arena_free(awsc_arena *a) {
  if (!a)
    return;
  arena_block *b = a->blocks;
  while (b) {
    arena_block *next = b->next;
    awsc_free(b);
    b = next;
  }
  awsc_free(a);
}
