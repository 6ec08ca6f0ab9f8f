/* lib/core/init.c - one-time initialisation of what core uses (OpenSSL).
 * libcurl is lib/http's (http_init.c), which also defines awsc_global_init:
 * the public init is the highest one that exists, so core never calls up. */
#include <pthread.h>

#include <openssl/crypto.h>

#include "core/core.h"

static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static int g_init_status;

static void do_init(void) {
  if (OPENSSL_init_crypto(OPENSSL_INIT_ADD_ALL_CIPHERS |
                              OPENSSL_INIT_ADD_ALL_DIGESTS,
                          NULL) != 1) {
    g_init_status = AWSC_ETLS;
    return;
  }
  g_init_status = AWSC_OK;
}

int awsc_core_init(void) {
  pthread_once(&g_once, do_init);
  return g_init_status;
}
