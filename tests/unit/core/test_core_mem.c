/* Unit tests: growable buffers, arenas, byte views and string copies. */
#include <stdint.h>

#include "core/core.h"
#include "test.h"

static void test_buf_growth(void) {
  awsc_buf b = AWSC_BUF_INIT;
  for (int i = 0; i < 10000; i++)
    CHECK_INT(awsc_buf_putc(&b, (char)('a' + i % 26)), 0);
  CHECK_INT(b.len, 10000);
  CHECK(b.cap >= b.len + 1);
  CHECK_INT(b.p[b.len], '\0');
  int ok = 1;
  for (int i = 0; i < 10000; i++)
    if (b.p[i] != (char)('a' + i % 26))
      ok = 0;
  CHECK(ok);
  awsc_buf_free(&b);
  CHECK(b.p == NULL && b.len == 0 && b.cap == 0);
}

static void test_buf_append_puts(void) {
  awsc_buf b = AWSC_BUF_INIT;
  CHECK_INT(awsc_buf_append(&b, NULL, 0), 0);
  CHECK(b.p != NULL);
  CHECK_STR(b.p, "");
  CHECK_INT(awsc_buf_puts(&b, "hello"), 0);
  CHECK_INT(awsc_buf_append(&b, ", world!!", 7), 0);
  CHECK_STR(b.p, "hello, world");
  CHECK_INT(b.len, 12);
  /* Embedded NULs are bytes like any other. */
  CHECK_INT(awsc_buf_append(&b, "\0x", 2), 0);
  CHECK_INT(b.len, 14);
  CHECK(memcmp(b.p + 12, "\0x", 3) == 0);
  awsc_buf_free(&b);
}

static void test_buf_reserve(void) {
  awsc_buf b = AWSC_BUF_INIT;
  CHECK_INT(awsc_buf_reserve(&b, 1000), 0);
  CHECK(b.cap >= 1001);
  char *p = b.p;
  for (int i = 0; i < 1000; i++)
    awsc_buf_putc(&b, 'x');
  CHECK(b.p == p); /* no reallocation within the reservation */
  CHECK_INT(awsc_buf_reserve(&b, SIZE_MAX), AWSC_ENOMEM);
  CHECK_INT(awsc_buf_reserve(&b, SIZE_MAX - 10), AWSC_ENOMEM);
  CHECK_INT(b.len, 1000); /* still valid */
  CHECK_INT(b.p[1000], '\0');
  awsc_buf_free(&b);
}

static void test_buf_printf(void) {
  awsc_buf b = AWSC_BUF_INIT;
  CHECK_INT(awsc_buf_printf(&b, "%s-%d", "abc", 42), 0);
  CHECK_STR(b.p, "abc-42");
  /* Longer than the initial capacity and than the space left. */
  CHECK_INT(awsc_buf_printf(&b, "[%0500d]", 7), 0);
  CHECK_INT(b.len, 6 + 502);
  CHECK(b.p[6] == '[' && b.p[506] == '7' && b.p[507] == ']');
  CHECK_INT(b.p[b.len], '\0');
  CHECK_INT(awsc_buf_printf(&b, "%s", ""), 0);
  CHECK_INT(b.len, 508);
  awsc_buf_reset(&b);
  CHECK_INT(b.len, 0);
  CHECK_STR(b.p, "");
  CHECK(b.cap > 0);
  for (int i = 0; i < 100; i++)
    CHECK_INT(awsc_buf_printf(&b, "%d,", i), 0);
  CHECK(strncmp(b.p, "0,1,2,3,", 8) == 0);
  CHECK(strcmp(b.p + b.len - 3, "99,") == 0);
  awsc_buf_free(&b);
}

static void test_buf_detach(void) {
  awsc_buf b = AWSC_BUF_INIT;
  awsc_buf_puts(&b, "owned");
  char *s = awsc_buf_detach(&b);
  CHECK_STR(s, "owned");
  CHECK(b.p == NULL && b.len == 0 && b.cap == 0);
  awsc_free(s);
  /* Detaching a never-used buffer still gives a string. */
  s = awsc_buf_detach(&b);
  CHECK_STR(s, "");
  awsc_free(s);
  /* Reusable after detach. */
  CHECK_INT(awsc_buf_puts(&b, "again"), 0);
  CHECK_STR(b.p, "again");
  awsc_buf_free(&b);
  awsc_buf_free(&b); /* double free of a zeroed buffer is harmless */
}

static void test_arena_alignment(void) {
  awsc_arena *a = awsc_arena_new(0);
  CHECK(a != NULL);
  unsigned char *ptrs[300];
  size_t sizes[300];
  for (int i = 0; i < 300; i++) {
    sizes[i] = (size_t)(i % 37) + (i % 5 == 0 ? 0 : 1);
    ptrs[i] = awsc_arena_alloc(a, sizes[i]);
    CHECK(ptrs[i] != NULL);
    CHECK(((uintptr_t)ptrs[i] % 16) == 0);
    memset(ptrs[i], i & 0xff, sizes[i]);
  }
  /* Nothing overlapped: each block still holds its own pattern. */
  int ok = 1;
  for (int i = 0; i < 300; i++)
    for (size_t k = 0; k < sizes[i]; k++)
      if (ptrs[i][k] != (unsigned char)(i & 0xff))
        ok = 0;
  CHECK(ok);
  /* Zero-size allocations are distinct, valid pointers. */
  void *z1 = awsc_arena_alloc(a, 0), *z2 = awsc_arena_alloc(a, 0);
  CHECK(z1 && z2 && z1 != z2);
  awsc_arena_free(a);
}

static void test_arena_many(void) {
  awsc_arena *a = awsc_arena_new(256);
  CHECK(a != NULL);
  uint32_t **v = malloc(100000 * sizeof(*v));
  int ok = 1;
  for (uint32_t i = 0; i < 100000; i++) {
    v[i] = awsc_arena_alloc(a, sizeof(uint32_t) * (1 + i % 3));
    if (!v[i] || (uintptr_t)v[i] % 16) {
      ok = 0;
      break;
    }
    *v[i] = i;
  }
  CHECK(ok);
  for (uint32_t i = 0; ok && i < 100000; i++)
    if (*v[i] != i)
      ok = 0;
  CHECK(ok);
  CHECK(awsc_arena_used(a) >= 100000 * 16);
  free(v);
  awsc_arena_free(a);
}

static void test_arena_large(void) {
  awsc_arena *a = awsc_arena_new(4096);
  char *small1 = awsc_arena_alloc(a, 10);
  CHECK(small1 != NULL);
  size_t used = awsc_arena_used(a);
  char *big = awsc_arena_alloc(a, 1 << 20);
  CHECK(big != NULL);
  CHECK(((uintptr_t)big % 16) == 0);
  memset(big, 0x5a, 1 << 20);
  CHECK(awsc_arena_used(a) >= used + (1 << 20));
  char *big2 = awsc_arena_alloc(a, 5000); /* just over a block */
  CHECK(big2 != NULL);
  memset(big2, 0x33, 5000);
  char *small2 = awsc_arena_alloc(a, 10);
  CHECK(small2 != NULL);
  /* A large block does not waste the current one. */
  CHECK(small2 - small1 == 16);
  CHECK(big[0] == 0x5a && big[(1 << 20) - 1] == 0x5a);
  CHECK(awsc_arena_alloc(a, SIZE_MAX) == NULL);
  CHECK(awsc_arena_alloc(a, SIZE_MAX - 8) == NULL);
  awsc_arena_free(a);
  awsc_arena_free(NULL);
}

static void test_arena_calloc_strdup(void) {
  awsc_arena *a = awsc_arena_new(0);
  unsigned char *z = awsc_arena_calloc(a, 100, 7);
  CHECK(z != NULL);
  int ok = 1;
  for (int i = 0; i < 700; i++)
    if (z[i])
      ok = 0;
  CHECK(ok);
  CHECK(awsc_arena_calloc(a, SIZE_MAX / 2, 3) == NULL);
  CHECK_STR(awsc_arena_strdup(a, "hello"), "hello");
  CHECK_STR(awsc_arena_strndup(a, "hello world", 5), "hello");
  CHECK_STR(awsc_arena_strndup(a, "hi", 10), "hi");
  CHECK_STR(awsc_arena_strndup(a, NULL, 0), "");
  CHECK(awsc_arena_strdup(a, NULL) == NULL);
  awsc_arena_free(a);
}

static void test_strdup(void) {
  char *s = awsc_strdup("abc");
  CHECK_STR(s, "abc");
  awsc_free(s);
  CHECK(awsc_strdup(NULL) == NULL);
  s = awsc_strndup("abcdef", 3);
  CHECK_STR(s, "abc");
  awsc_free(s);
  /* Not NUL-terminated input: reads at most n bytes. */
  char raw[4] = {'w', 'x', 'y', 'z'};
  s = awsc_strndup(raw, 4);
  CHECK_STR(s, "wxyz");
  awsc_free(s);
  s = awsc_strndup(NULL, 0);
  CHECK_STR(s, "");
  awsc_free(s);
  CHECK(awsc_calloc(SIZE_MAX / 4, 8) == NULL);
  awsc_free(NULL);
}

static void test_sv(void) {
  awsc_sv n = awsc_sv_from_cstr(NULL);
  CHECK(n.p == NULL && n.n == 0);
  awsc_sv a = awsc_sv_from_cstr("Hello");
  CHECK_INT(a.n, 5);
  CHECK(awsc_sv_eq(a, AWSC_SV_LIT("Hello")));
  CHECK(!awsc_sv_eq(a, AWSC_SV_LIT("Hell")));
  CHECK(!awsc_sv_eq(a, AWSC_SV_LIT("hello")));
  CHECK(awsc_sv_eq(n, AWSC_SV_LIT("")));
  CHECK(awsc_sv_eq_cstr(a, "Hello"));
  CHECK(!awsc_sv_eq_cstr(a, "Hello!"));
  CHECK(awsc_sv_eq_cstr(n, NULL));
  CHECK(awsc_sv_ieq_cstr(a, "hELLO"));
  CHECK(!awsc_sv_ieq_cstr(a, "hELL0"));
  CHECK(!awsc_sv_ieq_cstr(AWSC_SV_LIT("@"), "`")); /* not ASCII-folded */
  awsc_sv t = awsc_sv_trim(AWSC_SV_LIT(" \t\r\n x y \n"));
  CHECK(awsc_sv_eq_cstr(t, "x y"));
  t = awsc_sv_trim(AWSC_SV_LIT(" \t \r\n"));
  CHECK_INT(t.n, 0);
  t = awsc_sv_trim(n);
  CHECK_INT(t.n, 0);
  /* A view into the middle of a longer string compares by length. */
  static const char kv[] = "keyvalue";
  awsc_sv mid = {kv + 3, 5};
  CHECK(awsc_sv_eq_cstr(mid, "value"));
}

int main(void) {
  RUN(test_buf_growth);
  RUN(test_buf_append_puts);
  RUN(test_buf_reserve);
  RUN(test_buf_printf);
  RUN(test_buf_detach);
  RUN(test_arena_alignment);
  RUN(test_arena_many);
  RUN(test_arena_large);
  RUN(test_arena_calloc_strdup);
  RUN(test_strdup);
  RUN(test_sv);
  return test_summary();
}
