/* lib/core/buf.c - growable NUL-terminated byte buffer. */
#include <stdio.h>
#include <string.h>

#include "core/core.h"

#define BUF_MIN_CAP 64

int awsc_buf_reserve(awsc_buf *b, size_t extra) {
  /* +1 keeps room for the terminating NUL. */
  if (extra > SIZE_MAX - b->len - 1)
    return AWSC_ENOMEM;
  size_t need = b->len + extra + 1;
  if (need <= b->cap)
    return AWSC_OK;
  /* Doubling keeps appends amortised O(1). */
  size_t cap = b->cap ? b->cap : BUF_MIN_CAP;
  while (cap < need)
    cap = cap > SIZE_MAX / 2 ? need : cap * 2;
  char *p = awsc_realloc(b->p, cap);
  if (!p)
    return AWSC_ENOMEM;
  if (!b->p)
    p[0] = '\0';
  b->p = p;
  b->cap = cap;
  return AWSC_OK;
}

void *awsc_grow_array(void *cur, const void *inline_store, size_t used,
                      size_t new_cap, size_t elem) {
  if (elem && new_cap > SIZE_MAX / elem)
    return NULL;
  if (cur != inline_store)
    return awsc_realloc(cur, new_cap * elem);
  void *p = awsc_malloc(new_cap * elem);
  if (p && used)
    memcpy(p, cur, used * elem);
  return p;
}

int awsc_buf_append(awsc_buf *b, const void *data, size_t n) {
  int rc = awsc_buf_reserve(b, n);
  if (rc)
    return rc;
  if (n)
    memcpy(b->p + b->len, data, n);
  b->len += n;
  b->p[b->len] = '\0';
  return AWSC_OK;
}

int awsc_buf_puts(awsc_buf *b, const char *s) {
  return awsc_buf_append(b, s, strlen(s));
}

int awsc_buf_putc(awsc_buf *b, char c) {
  return awsc_buf_append(b, &c, 1);
}

int awsc_buf_vprintf(awsc_buf *b, const char *fmt, va_list ap) {
  size_t avail = b->p ? b->cap - b->len : 0;
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(avail ? b->p + b->len : NULL, avail, fmt, ap2);
  va_end(ap2);
  if (n < 0) {
    if (b->p)
      b->p[b->len] = '\0';
    return AWSC_EINVAL;
  }
  if ((size_t)n >= avail) {
    int rc = awsc_buf_reserve(b, (size_t)n);
    if (rc) {
      if (b->p)
        b->p[b->len] = '\0';
      return rc;
    }
    va_copy(ap2, ap);
    vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap2);
    va_end(ap2);
  }
  b->len += (size_t)n;
  return AWSC_OK;
}

int awsc_buf_printf(awsc_buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int rc = awsc_buf_vprintf(b, fmt, ap);
  va_end(ap);
  return rc;
}

void awsc_buf_reset(awsc_buf *b) {
  b->len = 0;
  if (b->p)
    b->p[0] = '\0';
}

void awsc_buf_free(awsc_buf *b) {
  awsc_free(b->p);
  b->p = NULL;
  b->len = 0;
  b->cap = 0;
}

char *awsc_buf_detach(awsc_buf *b) {
  /* An empty, never-grown buffer still yields a string so that NULL only
   * ever means out of memory. */
  char *p = b->p ? b->p : awsc_strdup("");
  b->p = NULL;
  b->len = 0;
  b->cap = 0;
  return p;
}
