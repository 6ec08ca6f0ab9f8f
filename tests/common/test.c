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
  return test_failed ? 1 : 0;
}
