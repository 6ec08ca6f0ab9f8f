/*
 * tests/bench/bench_concurrency_async.c - awsc's row of issue 12 point 5:
 * N S3 GETs of one small object with K calls in flight on one thread,
 * through the asynchronous engine (awsc/loop.h: awsc_loop_run_once and
 * the generated awsc_s3_get_object_async), against the same server and
 * with the same options and output as raw_curl_multi.c, the limit
 * (run_concurrency_bench.sh runs both). Each completion starts the next
 * call, so K stay in flight; the body is checked for its length.
 *
 * usage: bench_concurrency_async --endpoint http://127.0.0.1:PORT
 *          --bucket B --key K [-n N] [--inflight K] [--warmup W]
 *          [--access-key ID --secret-key SECRET] [--region R] [--size BYTES]
 *          [--api IGNORED]
 *
 * Output, one line: "awsc-async inflight K requests N wall_s S req_per_s R
 * user_s U sys_s Y us_cpu_per_request C maxrss_kb M" (CPU from getrusage,
 * user + system, over the N timed requests; connections are counted by
 * the server). Exit status 0 when every call succeeded with the expected
 * length.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "awsc/awsc.h"
#include "awsc/s3.h"

typedef struct bench {
  awsc_loop *loop;
  awsc_client *s3;
  awsc_s3_GetObjectRequest in;
  long size;
  long started, done, total;
  int failed;
} bench;

static const char *env_none(const char *name, void *ud) {
  (void)name, (void)ud;
  return NULL;
}

static void start_one(bench *b);

static void got(int status, void *output, const awsc_error *err, void *ud) {
  bench *b = ud;
  const awsc_s3_GetObjectOutput *o = output;
  if (status != 0 || !o || (b->size >= 0 && (long)o->body.len != b->size)) {
    if (!b->failed)
      fprintf(stderr, "bench_concurrency_async: GetObject: status %d: %s\n",
              status, err && err->message[0] ? err->message : "wrong length");
    b->failed = 1;
  }
  awsc_mem_free(output);
  b->done++;
  if (b->started < b->total)
    start_one(b);
}

static void start_one(bench *b) {
  awsc_error err = AWSC_ERROR_INIT;
  b->started++;
  if (awsc_s3_get_object_async(NULL, b->loop, b->s3, &b->in, got, b, &err)) {
    fprintf(stderr, "bench_concurrency_async: start: %s\n", err.message);
    b->failed = 1;
    b->done++;
  }
}

/* Run `count` calls with `inflight` at a time; 0 or -1. */
static int run(bench *b, long count, long inflight) {
  b->started = b->done = 0;
  b->total = count;
  for (long i = 0; i < inflight && b->started < count; i++)
    start_one(b);
  awsc_error err = AWSC_ERROR_INIT;
  while (b->done < count) {
    int rc = awsc_loop_run_once(b->loop, 1000, &err);
    if (rc < 0) {
      fprintf(stderr, "bench_concurrency_async: loop: %s\n", err.message);
      return -1;
    }
  }
  return b->failed ? -1 : 0;
}

static double seconds(const struct timeval *tv) {
  return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void usage(void) {
  fprintf(stderr, "usage: bench_concurrency_async --endpoint "
                  "http://127.0.0.1:PORT --bucket B --key K [-n N] "
                  "[--inflight K] [--warmup W] [--access-key ID --secret-key "
                  "SECRET] [--region R] [--size BYTES]\n");
}

int main(int argc, char **argv) {
  const char *endpoint = NULL, *bucket = NULL, *key = NULL;
  const char *region = "us-east-1", *ak = "AKIDEXAMPLE";
  const char *sk = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  long n = 10000, inflight = 64, warmup = -1, size = 1024;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!v) {
      usage();
      return 2;
    }
    if (strcmp(a, "--endpoint") == 0)
      endpoint = v;
    else if (strcmp(a, "--bucket") == 0)
      bucket = v;
    else if (strcmp(a, "--key") == 0)
      key = v;
    else if (strcmp(a, "-n") == 0)
      n = atol(v);
    else if (strcmp(a, "--inflight") == 0)
      inflight = atol(v);
    else if (strcmp(a, "--warmup") == 0)
      warmup = atol(v);
    else if (strcmp(a, "--access-key") == 0)
      ak = v;
    else if (strcmp(a, "--secret-key") == 0)
      sk = v;
    else if (strcmp(a, "--region") == 0)
      region = v;
    else if (strcmp(a, "--size") == 0)
      size = atol(v);
    else if (strcmp(a, "--api") != 0) {
      usage();
      return 2;
    }
    i++;
  }
  if (!endpoint || !bucket || !key || n < 1 || inflight < 1 ||
      inflight > 100000) {
    usage();
    return 2;
  }
  if (warmup < 0)
    warmup = inflight;

  awsc_session_options so = AWSC_SESSION_OPTIONS_INIT;
  so.access_key_id = ak;
  so.secret_access_key = sk;
  so.region = region;
  so.config_file = "/nonexistent/awsc-bench/config";
  so.credentials_file = "/nonexistent/awsc-bench/credentials";
  so.getenv_fn = env_none;
  awsc_client_options co = AWSC_CLIENT_OPTIONS_INIT;
  /* version 3 (no field of 4 is set): run_ab_bench.sh runs this binary
   * with an older libawsc too, which refuses a newer struct */
  co.version = 3;
  co.endpoint_url = endpoint;
  co.addressing_style = AWSC_S3_ADDRESSING_PATH;
  awsc_loop_options lo = AWSC_LOOP_OPTIONS_INIT;
  lo.max_connections = (int)inflight;
  awsc_session *session = NULL;
  bench b;
  memset(&b, 0, sizeof b);
  b.size = size;
  b.in.bucket = bucket;
  b.in.key = key;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = awsc_session_new(&session, &so, &err);
  if (rc == 0)
    rc = awsc_client_new(&b.s3, session, "s3", &co, &err);
  if (rc == 0)
    rc = awsc_loop_new(&b.loop, &lo, &err);
  if (rc) {
    fprintf(stderr, "bench_concurrency_async: set-up: %s\n", err.message);
    return 1;
  }
  int status = 0;
  if (warmup > 0 && run(&b, warmup, inflight))
    status = 1;
  struct rusage r0, r1;
  getrusage(RUSAGE_SELF, &r0);
  double t0 = now_s();
  if (!status && run(&b, n, inflight))
    status = 1;
  double wall = now_s() - t0;
  getrusage(RUSAGE_SELF, &r1);
  if (!status) {
    double user = seconds(&r1.ru_utime) - seconds(&r0.ru_utime);
    double sys = seconds(&r1.ru_stime) - seconds(&r0.ru_stime);
    printf("awsc-async inflight %ld requests %ld wall_s %.4f req_per_s %.0f "
           "user_s %.4f sys_s %.4f us_cpu_per_request %.2f maxrss_kb %ld\n",
           inflight, n, wall, (double)n / wall, user, sys,
           (user + sys) / (double)n * 1e6, r1.ru_maxrss);
  }
  awsc_loop_free(b.loop);
  awsc_client_free(b.s3);
  awsc_session_free(session);
  return status;
}
