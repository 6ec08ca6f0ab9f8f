/*
 * Retry classification and backoff, as botocore's retry handlers define
 * them (botocore/retries/standard.py and data/_retry.json).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client/client_internal.h"

static bool in_list(const char *code, const char *const *list, size_t n) {
  if (!code)
    return false;
  for (size_t i = 0; i < n; i++)
    if (strcmp(code, list[i]) == 0)
      return true;
  return false;
}

bool awsc_retry_is_throttle_code(const char *code) {
  static const char *const codes[] = {
      "Throttling",
      "ThrottlingException",
      "ThrottledException",
      "RequestThrottledException",
      "TooManyRequestsException",
      "ProvisionedThroughputExceededException",
      "TransactionInProgressException",
      "RequestLimitExceeded",
      "BandwidthLimitExceeded",
      "LimitExceededException",
      "RequestThrottled",
      "SlowDown",
      "PriorRequestNotComplete",
      "EC2ThrottledException",
  };
  return in_list(code, codes, AWSC_ARRAY_LEN(codes));
}

bool awsc_retry_is_transient_code(const char *code) {
  static const char *const codes[] = {
      "RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete",
      "InternalError",  "ServiceUnavailable",      "IDPCommunicationError",
  };
  return in_list(code, codes, AWSC_ARRAY_LEN(codes));
}

bool awsc_retry_is_clock_skew_code(const char *code) {
  static const char *const codes[] = {
      "RequestTimeTooSkewed",      "RequestExpired", "RequestInTheFuture",
      "InvalidSignatureException", "AuthFailure",
  };
  return in_list(code, codes, AWSC_ARRAY_LEN(codes));
}

/* Full jitter: a uniformly random delay up to base * 2^attempt, capped at
 * 20 s (standard mode); legacy uses rand * 2^(attempt-1) seconds. */
long awsc_retry_delay_ms(awsc_retry_mode mode, int attempt) {
  unsigned int seed = (unsigned int)(awsc_time_now_ms() ^ (uintptr_t)&seed);
  double r = (double)rand_r(&seed) / ((double)RAND_MAX + 1.0);
  double cap_s = 20.0;
  (void)mode; /* both modes grow by 2x per attempt from a 1 s base */
  if (attempt < 1)
    attempt = 1;
  if (attempt > 16)
    attempt = 16;
  double exp = (double)(1L << (attempt - 1));
  double d = r * exp;
  if (d > cap_s)
    d = cap_s;
  return (long)(d * 1000.0);
}
