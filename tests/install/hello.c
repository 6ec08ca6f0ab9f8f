/*
 * tests/install/hello.c - the smallest program a user of an installed awsc
 * writes. install_test.sh builds it with nothing but
 * `pkg-config --cflags --libs awsc` against a staged install, so it proves
 * that the installed headers, pkg-config file and shared library fit
 * together (and that the header and the library agree on the version).
 */
#include <awsc/awsc.h>

#include <stdio.h>
#include <string.h>

int main(void) {
  const char *version = awsc_version();
  printf("awsc %s\n", version ? version : "(null)");
  if (!version || strcmp(version, AWSC_VERSION_STRING) != 0) {
    fprintf(stderr, "hello: library version %s, header version %s\n",
            version ? version : "(null)", AWSC_VERSION_STRING);
    return 1;
  }
  if (awsc_version_num() != AWSC_VERSION_NUM) {
    fprintf(stderr, "hello: awsc_version_num() 0x%06x, header 0x%06x\n",
            awsc_version_num(), (unsigned)AWSC_VERSION_NUM);
    return 1;
  }

  int rc = awsc_global_init();
  printf("awsc_global_init: %d (%s)\n", rc, awsc_strerror(rc));
  if (rc != AWSC_OK)
    return 1;

  const char *text = awsc_strerror(AWSC_ENOMEM);
  printf("awsc_strerror(AWSC_ENOMEM): %s\n", text ? text : "(null)");
  if (!text || !*text)
    return 1;

  printf("hello: ok\n");
  return 0;
}
