/* lib/core/arena.c - bump allocator: many small allocations, one free.
 * Parsed outputs live in one so the caller frees a whole result at once.
 *
 * Arenas can also be reused instead of freed (awsc_arena_reset, and the
 * pools of awsc_arena_pool_new that a client keeps), so that a call
 * through a warm client takes its memory from blocks it already has. */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "core/core.h"

#define ARENA_ALIGN 16
#define ARENA_DEFAULT_BLOCK 4096
#define ARENA_MIN_BLOCK 256

/* Under AddressSanitizer the unused part of a block is poisoned, so that
 * a pointer into an arena that was reset (or went back to its pool) is
 * still reported when it is used, as it would be after a real free. */
#if defined(__SANITIZE_ADDRESS__)
#define ARENA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_ASAN 1
#endif
#endif
#ifdef ARENA_ASAN
void __asan_poison_memory_region(void const volatile *addr, size_t size);
void __asan_unpoison_memory_region(void const volatile *addr, size_t size);
#define POISON(p, n) __asan_poison_memory_region((p), (n))
#define UNPOISON(p, n) __asan_unpoison_memory_region((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

/* Extra blocks are chained; the first block shares the allocation of the
 * arena itself so a small arena costs one malloc. `size` is the usable
 * size: block_size for regular blocks, more for a large allocation. */
typedef struct arena_block {
  struct arena_block *next;
  size_t size;
} arena_block;

/* A heap block the arena frees with itself (awsc_arena_adopt); the node
 * lives in the arena. */
typedef struct adopted {
  struct adopted *next;
  void *p;
} adopted;

struct awsc_arena {
  arena_block *blocks; /* extra blocks in use, newest first */
  adopted *adopted;    /* heap blocks freed at reset and free */
  arena_block *spare;  /* regular blocks kept by a reset, to use again */
  unsigned char *cur;
  unsigned char *end;
  size_t block_size;
  size_t used;
  awsc_arena_pool *pool; /* set: awsc_arena_free gives it back */
  awsc_arena *next_idle; /* in the pool's idle list */
};

struct awsc_arena_pool {
  pthread_mutex_t lock;
  awsc_arena *idle;
  unsigned idle_n;
  unsigned max_idle;
  size_t block_size;
  size_t keep_bytes;
  size_t live; /* arenas of this pool not destroyed yet (idle or out) */
  bool closed; /* owner gone: the last arena back frees the pool */
};

/* Hooks may return memory aligned to less than 16, so align by hand. */
static unsigned char *align_up(void *p) {
  uintptr_t u = (uintptr_t)p;
  return (unsigned char *)((u + (ARENA_ALIGN - 1)) &
                           ~(uintptr_t)(ARENA_ALIGN - 1));
}

static unsigned char *first_block(awsc_arena *a) {
  return align_up(a + 1);
}

static unsigned char *block_data(arena_block *b) {
  return align_up(b + 1);
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
  a->adopted = NULL;
  a->spare = NULL;
  a->block_size = block_size;
  a->used = 0;
  a->pool = NULL;
  a->next_idle = NULL;
  a->cur = first_block(a);
  a->end = a->cur + block_size;
  POISON(a->cur, block_size);
  return a;
}

/* A block with room for `size` bytes at a 16-byte boundary: a spare one
 * when the size is the regular one and a reset left some. */
static unsigned char *new_block(awsc_arena *a, size_t size) {
  arena_block *blk;
  if (size == a->block_size && a->spare) {
    blk = a->spare;
    a->spare = blk->next;
  } else {
    if (size > SIZE_MAX - sizeof(arena_block) - ARENA_ALIGN)
      return NULL;
    blk = awsc_malloc(sizeof(arena_block) + ARENA_ALIGN + size);
    if (!blk)
      return NULL;
    blk->size = size;
    POISON(block_data(blk), size);
  }
  blk->next = a->blocks;
  a->blocks = blk;
  return block_data(blk);
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
    UNPOISON(p, r);
    return p;
  }
  if (r > a->block_size / 2) {
    /* Large: a block of its own, leaving the current block to keep serving
     * small requests. */
    unsigned char *p = new_block(a, r);
    if (p) {
      a->used += r;
      UNPOISON(p, r);
    }
    return p;
  }
  unsigned char *p = new_block(a, a->block_size);
  if (!p)
    return NULL;
  a->cur = p + r;
  a->end = p + a->block_size;
  a->used += r;
  UNPOISON(p, r);
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

static void free_chain(arena_block *b) {
  while (b) {
    arena_block *next = b->next;
    awsc_free(b);
    b = next;
  }
}

int awsc_arena_adopt(awsc_arena *a, void *p) {
  adopted *n = awsc_arena_alloc(a, sizeof(*n));
  if (!n)
    return AWSC_ENOMEM;
  n->p = p;
  n->next = a->adopted;
  a->adopted = n;
  return 0;
}

/* Free the adopted blocks (their nodes go with the arena's memory). */
static void free_adopted(awsc_arena *a) {
  for (adopted *n = a->adopted; n; n = n->next)
    awsc_free(n->p);
  a->adopted = NULL;
}

void awsc_arena_reset(awsc_arena *a, size_t keep_bytes) {
  if (!a)
    return;
  free_adopted(a);
  /* regular blocks (spare ones first) stay spares while they fit in
   * keep_bytes; large ones and the rest are freed */
  size_t kept = 0;
  arena_block *b = a->spare;
  a->spare = NULL;
  while (b) {
    arena_block *next = b->next;
    if (kept + b->size <= keep_bytes) {
      b->next = a->spare;
      a->spare = b;
      kept += b->size;
    } else {
      awsc_free(b);
    }
    b = next;
  }
  b = a->blocks;
  while (b) {
    arena_block *next = b->next;
    if (b->size == a->block_size && kept + b->size <= keep_bytes) {
      POISON(block_data(b), b->size);
      b->next = a->spare;
      a->spare = b;
      kept += b->size;
    } else {
      awsc_free(b);
    }
    b = next;
  }
  a->blocks = NULL;
  a->cur = first_block(a);
  a->end = a->cur + a->block_size;
  a->used = 0;
  POISON(a->cur, a->block_size);
}

static void arena_destroy(awsc_arena *a) {
  free_adopted(a);
  free_chain(a->blocks);
  free_chain(a->spare);
  awsc_free(a);
}

static void pool_destroy(awsc_arena_pool *p) {
  pthread_mutex_destroy(&p->lock);
  awsc_free(p);
}

/* An arena of pool p comes back: kept for the next call, or destroyed
 * (pool full or closed; a closed pool goes with its last arena). */
static void pool_put(awsc_arena_pool *p, awsc_arena *a) {
  bool keep = false, last = false;
  pthread_mutex_lock(&p->lock);
  if (!p->closed && p->idle_n < p->max_idle) {
    keep = true;
    a->next_idle = p->idle;
    p->idle = a;
    p->idle_n++;
    /* reset under the lock is fine: it touches this arena only, and
     * frees at most a few blocks */
    awsc_arena_reset(a, p->keep_bytes);
  } else {
    p->live--;
    last = p->closed && p->live == 0;
  }
  pthread_mutex_unlock(&p->lock);
  if (!keep)
    arena_destroy(a);
  if (last)
    pool_destroy(p);
}

void awsc_arena_free(awsc_arena *a) {
  if (!a)
    return;
  if (a->pool) {
    pool_put(a->pool, a);
    return;
  }
  arena_destroy(a);
}

awsc_arena_pool *awsc_arena_pool_new(size_t block_size, unsigned max_idle,
                                     size_t keep_bytes) {
  awsc_arena_pool *p = awsc_calloc(1, sizeof(*p));
  if (!p)
    return NULL;
  if (pthread_mutex_init(&p->lock, NULL) != 0) {
    awsc_free(p);
    return NULL;
  }
  p->block_size = block_size;
  p->max_idle = max_idle;
  p->keep_bytes = keep_bytes;
  return p;
}

awsc_arena *awsc_arena_pool_get(awsc_arena_pool *p) {
  if (!p)
    return NULL;
  pthread_mutex_lock(&p->lock);
  awsc_arena *a = p->idle;
  if (a) {
    p->idle = a->next_idle;
    p->idle_n--;
    a->next_idle = NULL;
  } else {
    p->live++; /* counted now so that a concurrent close waits for it */
  }
  pthread_mutex_unlock(&p->lock);
  if (a)
    return a;
  a = awsc_arena_new(p->block_size);
  if (!a) {
    pthread_mutex_lock(&p->lock);
    p->live--;
    bool last = p->closed && p->live == 0;
    pthread_mutex_unlock(&p->lock);
    if (last)
      pool_destroy(p);
    return NULL;
  }
  a->pool = p;
  return a;
}

/* Take the idle list out of an open or closing pool (lock held). */
static awsc_arena *pool_take_idle(awsc_arena_pool *p) {
  awsc_arena *idle = p->idle;
  p->live -= p->idle_n;
  p->idle = NULL;
  p->idle_n = 0;
  return idle;
}

static void destroy_list(awsc_arena *a) {
  while (a) {
    awsc_arena *next = a->next_idle;
    arena_destroy(a);
    a = next;
  }
}

void awsc_arena_pool_trim(awsc_arena_pool *p) {
  if (!p)
    return;
  pthread_mutex_lock(&p->lock);
  awsc_arena *idle = pool_take_idle(p);
  pthread_mutex_unlock(&p->lock);
  destroy_list(idle);
}

void awsc_arena_pool_free(awsc_arena_pool *p) {
  if (!p)
    return;
  pthread_mutex_lock(&p->lock);
  p->closed = true;
  awsc_arena *idle = pool_take_idle(p);
  bool last = p->live == 0;
  pthread_mutex_unlock(&p->lock);
  destroy_list(idle);
  if (last)
    pool_destroy(p);
}
