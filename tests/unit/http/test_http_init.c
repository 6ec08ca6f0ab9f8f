/* Unit tests of awsc_global_init, which lives in lib/http (core neither
 * links nor includes libcurl): it initialises OpenSSL through core and
 * libcurl once, from any number of threads, and with custom allocator
 * hooks installed libcurl's allocations go through them. */
#include <pthread.h>

#include <curl/curl.h>

#include "http/http_internal.h"
#include "test.h"

static void *init_thread(void *arg) {
  *(int *)arg = awsc_global_init();
  return NULL;
}

static void test_global_init_threads(void) {
  pthread_t th[8];
  int rc[8];
  for (int i = 0; i < 8; i++)
    CHECK(pthread_create(&th[i], NULL, init_thread, &rc[i]) == 0);
  for (int i = 0; i < 8; i++) {
    pthread_join(th[i], NULL);
    CHECK_INT(rc[i], 0);
  }
  CHECK_INT(awsc_global_init(), 0);
  CHECK_INT(awsc_core_init(), 0);
}

static void test_curl_uses_hooks(void) {
  CHECK_INT(awsc_global_init(), 0);
  test_alloc_reset_counts();
  CURL *h = curl_easy_init();
  CHECK(h != NULL);
  CHECK(test_alloc_count() > 0);
  curl_easy_cleanup(h);
  CHECK_INT(test_alloc_live(), 0);
}

int main(void) {
  test_alloc_install(); /* before any other awsc call */
  RUN(test_global_init_threads);
  RUN(test_curl_uses_hooks);
  return test_summary();
}
