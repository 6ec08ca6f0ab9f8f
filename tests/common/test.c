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
