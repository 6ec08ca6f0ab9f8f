/*
 * lib/http/http_init.c - awsc_global_init: core's init (OpenSSL) and
 * libcurl's, once. It lives here, not in core, so that core neither links
 * nor includes libcurl and no module calls a higher one; sessions and the
 * libcurl transport call it on creation, so a program that never calls it
 * still gets everything initialised before the first request.
 */
#include <pthread.h>

#include <curl/curl.h>

#include "http/http_internal.h"

static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static int g_init_status;

/* libcurl's memory callbacks carry no user data, so they forward to the
 * process-wide hooks. */
static void *curl_cb_malloc(size_t size) {
  return awsc_malloc(size);
}
static void curl_cb_free(void *p) {
  awsc_free(p);
}
static void *curl_cb_realloc(void *p, size_t size) {
  return awsc_realloc(p, size);
}
static char *curl_cb_strdup(const char *s) {
  return awsc_strdup(s);
}
static void *curl_cb_calloc(size_t n, size_t size) {
  return awsc_calloc(n, size);
}

static void do_init(void) {
  g_init_status = awsc_core_init();
  if (g_init_status != AWSC_OK)
    return;
  CURLcode cc;
  /* Only route libcurl through our hooks when the embedder installed
   * some: libcurl's hooks are process-wide and would also affect any
   * other libcurl user in the process. */
  if (awsc_allocator_is_custom())
    cc = curl_global_init_mem(CURL_GLOBAL_DEFAULT, curl_cb_malloc, curl_cb_free,
                              curl_cb_realloc, curl_cb_strdup, curl_cb_calloc);
  else
    cc = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (cc != CURLE_OK)
    g_init_status = cc == CURLE_OUT_OF_MEMORY ? AWSC_ENOMEM : AWSC_ENETWORK;
}

int awsc_global_init(void) {
  pthread_once(&g_once, do_init);
  return g_init_status;
}
