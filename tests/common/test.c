#include "test.h"

int test_current_failed;
int test_passed;
int test_failed;
int test_skipped;

int test_summary(void) {
  if (test_skipped)
    printf("%d passed, %d failed, %d skipped\n", test_passed, test_failed,
           test_skipped);
  else
    printf("%d passed, %d failed\n", test_passed, test_failed);
  if (test_failed)
    return 1;
  /* meson's "skipped" exit status: nothing ran, nothing failed */
  if (test_passed == 0 && test_skipped > 0)
    return 77;
  return 0;
}

char *test_read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap);
  size_t got;
  while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
    n += got;
    if (cap - n < 2) {
      char *nb = realloc(buf, cap * 2);
      if (!nb) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = nb;
      cap *= 2;
    }
  }
  fclose(f);
  if (buf) {
    buf[n] = '\0';
    if (len)
      *len = n;
  }
  return buf;
}
