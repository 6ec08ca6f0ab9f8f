/* tests/unit/http/http_test_util.h - small helpers shared by the http
 * tests: clocks, temporary files, request set-up, leak checks. */
#ifndef AWSC_HTTP_TEST_UTIL_H
#define AWSC_HTTP_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "awsc/sys/transport.h"
#include "test.h"

static inline long long tu_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A fresh path under $TMPDIR (or /tmp), unique per process and tag. */
static inline void tu_tmp_path(char *buf, size_t n, const char *tag) {
  const char *dir = getenv("TMPDIR");
  snprintf(buf, n, "%s/awsc-http-%ld-%s", dir && *dir ? dir : "/tmp",
           (long)getpid(), tag);
  unlink(buf);
}

static inline int tu_write_file(const char *path, const void *data,
                                size_t len) {
  FILE *f = fopen(path, "wb");
  if (!f)
    return -1;
  size_t w = len ? fwrite(data, 1, len, f) : 0;
  return (fclose(f) == 0 && w == len) ? 0 : -1;
}

/* Whole file, NUL-terminated, malloc'd; NULL if it can not be read. */
static inline char *tu_read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  size_t cap = 4096, n = 0;
  char *p = malloc(cap);
  size_t r;
  while (p && (r = fread(p + n, 1, cap - n - 1, f)) > 0) {
    n += r;
    if (cap - n - 1 == 0) {
      char *q = realloc(p, cap * 2);
      if (!q) {
        free(p);
        p = NULL;
        break;
      }
      p = q;
      cap *= 2;
    }
  }
  fclose(f);
  if (p) {
    p[n] = '\0';
    if (len)
      *len = n;
  }
  return p;
}

/* The tests talk to 127.0.0.1 directly: proxy settings of the machine
 * running them (which libcurl honours by design) must not interfere. */
static inline void tu_clear_proxy_env(void) {
  static const char *vars[] = {"http_proxy",  "HTTP_PROXY", "https_proxy",
                               "HTTPS_PROXY", "all_proxy",  "ALL_PROXY",
                               "no_proxy",    "NO_PROXY"};
  for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
    unsetenv(vars[i]);
}

static inline awsc_http_request tu_request(const char *method,
                                           const char *url) {
  awsc_http_request r;
  memset(&r, 0, sizeof(r));
  r.method = method;
  r.url = url;
  return r;
}

/* A pattern body of n bytes (malloc'd) that makes misplaced bytes show. */
static inline char *tu_pattern(size_t n) {
  char *p = malloc(n ? n : 1);
  if (!p)
    abort();
  for (size_t i = 0; i < n; i++)
    p[i] = (char)('a' + (i * 7 + i / 26) % 26);
  return p;
}

#endif
