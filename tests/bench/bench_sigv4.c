/*
 * tests/bench/bench_sigv4.c - SigV4 signing rate (signatures per second).
 *
 *   bench_sigv4            rates, best of 5 one-second runs each
 *   bench_sigv4 --check    the Authorization values at a fixed time, to
 *                          compare with tests/bench/sigv4_botocore.py
 *
 * Requests (the same as sigv4_botocore.py signs):
 *   s3-get      GET of an S3 object, virtual-hosted, two query parameters,
 *               x-amz-content-sha256: UNSIGNED-PAYLOAD (S3 over HTTPS)
 *   sns-post    SNS Publish, form body hashed into the signature
 *   s3-presign  presigned GET URL (1 hour)
 * Each signs at the current time (as a client does), reusing one result and
 * a shared key cache; "s3-get-fresh" starts from a new result every time
 * (the allocation cost of not reusing one).
 *
 * Rates are signatures per second of this thread's CPU time, best of 5
 * runs. Output lines: "sigv4 <name> <signatures/s>".
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "awsc/sigv4.h"

#define AK "AKIAIOSFODNN7EXAMPLE"
#define SK "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
#define FIXED_MS 1440938160000LL /* 2015-08-30T12:36:00Z, for --check */

static const awsc_http_header s3_headers[] = {
    {"Host", "examplebucket.s3.us-east-1.amazonaws.com"}};
static const awsc_sigv4_param s3_query[] = {
    {"versionId", "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY"},
    {"response-content-type", "image/jpeg"}};

static const awsc_http_header sns_headers[] = {
    {"Host", "sns.us-east-1.amazonaws.com"},
    {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
static const char sns_body[] =
    "Action=Publish&Version=2010-03-31&TopicArn=arn%3Aaws%3Asns%3Aus-east-1"
    "%3A123456789012%3Amy-topic&Message=Hello%20from%20awsc";

static awsc_sigv4_request s3_get(void) {
  awsc_sigv4_request r = AWSC_SIGV4_REQUEST_INIT;
  r.method = "GET";
  r.path = "/photos/2024/cat.jpg";
  r.headers = s3_headers;
  r.header_count = 1;
  r.query = s3_query;
  r.query_count = 2;
  r.flags = AWSC_SIGV4_S3 | AWSC_SIGV4_UNSIGNED_PAYLOAD;
  return r;
}

static awsc_sigv4_request sns_post(void) {
  awsc_sigv4_request r = AWSC_SIGV4_REQUEST_INIT;
  r.method = "POST";
  r.path = "/";
  r.headers = sns_headers;
  r.header_count = 2;
  r.body = sns_body;
  r.body_len = sizeof(sns_body) - 1;
  return r;
}

static awsc_sigv4_params params(const char *service, awsc_sigv4_cache *c) {
  awsc_sigv4_params p = AWSC_SIGV4_PARAMS_INIT;
  p.access_key_id = AK;
  p.secret_access_key = SK;
  p.region = "us-east-1";
  p.service = service;
  p.cache = c;
  p.expires_s = 3600;
  return p;
}

/* This thread's CPU time: the rate does not depend on what else the machine
 * runs (sigv4_botocore.py measures with time.thread_time the same way). */
static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef enum mode { SIGN, PRESIGN, SIGN_FRESH } mode;

/* Best rate of `rounds` runs of one CPU-second each. */
static double bench(const awsc_sigv4_params *p, const awsc_sigv4_request *r,
                    mode m, int rounds) {
  awsc_sigv4_result out = AWSC_SIGV4_RESULT_INIT;
  double best = 0;
  for (int round = 0; round < rounds; round++) {
    unsigned long n = 0;
    double t0 = now_s(), t;
    do {
      for (int i = 0; i < 512; i++) {
        int rc;
        if (m == SIGN_FRESH) {
          awsc_sigv4_result fresh = AWSC_SIGV4_RESULT_INIT;
          rc = awsc_sigv4_sign_headers(&fresh, p, r, NULL);
          awsc_sigv4_result_cleanup(&fresh);
        } else if (m == PRESIGN) {
          rc = awsc_sigv4_presign(&out, p, r, NULL);
        } else {
          rc = awsc_sigv4_sign_headers(&out, p, r, NULL);
        }
        if (rc) {
          fprintf(stderr, "signing failed: %d\n", rc);
          return 0;
        }
      }
      n += 512;
      t = now_s();
    } while (t - t0 < 1.0);
    double rate = (double)n / (t - t0);
    if (rate > best)
      best = rate;
  }
  awsc_sigv4_result_cleanup(&out);
  return best;
}

static int check(void) {
  awsc_sigv4_result out = AWSC_SIGV4_RESULT_INIT;
  awsc_sigv4_request r = s3_get();
  awsc_sigv4_params p = params("s3", NULL);
  p.time_ms = FIXED_MS;
  int rc = awsc_sigv4_sign_headers(&out, &p, &r, NULL);
  for (size_t i = 0; rc == 0 && i < out.header_count; i++)
    if (strcmp(out.headers[i].name, "Authorization") == 0)
      printf("s3-get %s\n", out.headers[i].value);
  r = sns_post();
  p = params("sns", NULL);
  p.time_ms = FIXED_MS;
  rc |= awsc_sigv4_sign_headers(&out, &p, &r, NULL);
  for (size_t i = 0; rc == 0 && i < out.header_count; i++)
    if (strcmp(out.headers[i].name, "Authorization") == 0)
      printf("sns-post %s\n", out.headers[i].value);
  r = s3_get();
  p = params("s3", NULL);
  p.time_ms = FIXED_MS;
  rc |= awsc_sigv4_presign(&out, &p, &r, NULL);
  if (rc == 0)
    printf("s3-presign %s\n", strstr(out.query, "X-Amz-Signature="));
  awsc_sigv4_result_cleanup(&out);
  return rc ? 1 : 0;
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "--check") == 0)
    return check();
  int rounds = 5;
  awsc_sigv4_cache *cache = NULL;
  if (awsc_sigv4_cache_new(&cache, NULL) != 0)
    return 1;
  awsc_sigv4_request s3 = s3_get(), sns = sns_post();
  awsc_sigv4_params ps3 = params("s3", cache), psns = params("sns", cache);
  printf("sigv4 s3-get %.0f\n", bench(&ps3, &s3, SIGN, rounds));
  fflush(stdout);
  printf("sigv4 sns-post %.0f\n", bench(&psns, &sns, SIGN, rounds));
  fflush(stdout);
  printf("sigv4 s3-presign %.0f\n", bench(&ps3, &s3, PRESIGN, rounds));
  fflush(stdout);
  printf("sigv4 s3-get-fresh %.0f\n", bench(&ps3, &s3, SIGN_FRESH, rounds));
  awsc_sigv4_cache_free(cache);
  return 0;
}
