/* Shared helpers of the end-to-end tests: where the local servers are. */
#ifndef AWSC_E2E_H
#define AWSC_E2E_H

#include <stdlib.h>

/* The S3 endpoint exported by scripts/test.sh when it started Ceph RGW, or
 * NULL (the test then prints why it skips). */
static inline const char *e2e_s3_endpoint(void) {
  const char *e = getenv("AWSC_E2E_S3_ENDPOINT");
  return (e && *e) ? e : NULL;
}
static inline const char *e2e_sns_endpoint(void) {
  const char *e = getenv("AWSC_E2E_SNS_ENDPOINT");
  return (e && *e) ? e : NULL;
}
/* The test users the server scripts create (fake keys, local only). */
#define E2E_AK1 "AKIDCEPHTEST0000001"
#define E2E_SK1 "cephtestsecretkey0000000000000000000001"
#define E2E_AK2 "AKIDCEPHTEST0000002"
#define E2E_SK2 "cephtestsecretkey0000000000000000000002"

#endif
