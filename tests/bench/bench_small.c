/*
 * tests/bench/bench_small.c - awsc's side of issue 12 point 4: N
 * kept-alive S3 HeadObject or GetObject calls of one small object through
 * the typed API (awsc_s3_head_object / awsc_s3_get_object) and the real
 * libcurl transport, against a local endpoint with path-style addressing.
 * tests/bench/raw_curl_request.c sends the same requests with plain
 * libcurl; tests/bench/run_small_bench.sh runs both side by side.
 *
 * Public API only. Static credentials (the example pair unless given),
 * config and credentials paths that do not exist and an environment hook
 * that finds nothing, so nothing outside the command line is read. Each
 * call's output is checked (content length; for get, the body's length)
 * and freed, as an application would.
 *
 * usage: bench_small --endpoint http://127.0.0.1:PORT --bucket B --key K
 *          [--op head|get] [-n N] [--warmup W] [--threads T]
 *          [--access-key ID --secret-key SECRET] [--region R] [--size BYTES]
 * Output, as raw_curl_request's: "awsc <op> <N> requests <user_s> user_s
 * <sys_s> sys_s <us> us/request" - CPU time (getrusage, user + system, all
 * threads) of the N timed calls alone, after W warm-up calls per thread -
 * then "awsc-extra threads T wall_s S req_per_s R maxrss_kb M connections
 * C" (connections: TCP connections the transport opened, warm-up
 * included).
 *
 * --threads T: the blocking API from T threads sharing one client (issue
 * 12 point 5's extra row), N calls in all; the transport's pool keeps T
 * connections (max_connections = T, as boto3's max_pool_connections).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "awsc/client.h"
#include "awsc/s3.h"
#include "awsc/session.h"
#include "awsc/sys/transport.h"

typedef struct ctx {
  awsc_client *s3;
  const char *bucket, *key;
  long size;
} ctx;

static int fail(const char *what, int rc, const awsc_error *err) {
  fprintf(stderr, "bench_small: %s failed: %s (%d): %s\n", what,
          awsc_strerror(rc), rc, err->message);
  return rc ? rc : -1;
}

static int do_head(ctx *x) {
  awsc_s3_HeadObjectRequest in;
  memset(&in, 0, sizeof(in));
  in.bucket = x->bucket;
  in.key = x->key;
  awsc_s3_HeadObjectOutput *out = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = awsc_s3_head_object(&out, x->s3, &in, &err);
  if (rc)
    return fail("HeadObject", rc, &err);
  if (out->content_length != x->size) {
    fprintf(stderr, "bench_small: HeadObject: content length %lld\n",
            (long long)out->content_length);
    rc = -1;
  }
  awsc_mem_free(out);
  return rc;
}

static int do_get(ctx *x) {
  awsc_s3_GetObjectRequest in;
  memset(&in, 0, sizeof(in));
  in.bucket = x->bucket;
  in.key = x->key;
  awsc_s3_GetObjectOutput *out = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = awsc_s3_get_object(&out, x->s3, &in, &err);
  if (rc)
    return fail("GetObject", rc, &err);
  if ((long)out->body.len != x->size) {
    fprintf(stderr, "bench_small: GetObject: body of %zu bytes\n",
            out->body.len);
    rc = -1;
  }
  awsc_mem_free(out);
  return rc;
}

typedef struct worker {
  ctx *x;
  int (*call)(ctx *);
  long warmup, calls;
  pthread_barrier_t *ready, *go;
  int failed;
} worker;

/* Warm up (connection opened), wait for all, run the timed calls. */
static void *work(void *arg) {
  worker *w = arg;
  for (long i = 0; i < w->warmup && !w->failed; i++)
    w->failed = w->call(w->x);
  pthread_barrier_wait(w->ready);
  pthread_barrier_wait(w->go);
  for (long i = 0; i < w->calls && !w->failed; i++)
    w->failed = w->call(w->x);
  return NULL;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *env_none(const char *name, void *ud) {
  (void)name;
  (void)ud;
  return NULL;
}

static double tv_s(struct timeval tv) {
  return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static void usage(void) {
  fprintf(stderr,
          "usage: bench_small --endpoint http://127.0.0.1:PORT --bucket B "
          "--key K [--op head|get] [-n N] [--warmup W] [--access-key ID "
          "--secret-key SECRET] [--region R] [--size BYTES]\n");
}

int main(int argc, char **argv) {
  const char *endpoint = NULL, *op = "get", *region = "us-east-1";
  const char *access_key = "AKIAIOSFODNN7EXAMPLE";
  const char *secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  ctx x = {NULL, NULL, NULL, 1024};
  long n = 2000, warmup = 50, threads = 1;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!v) {
      usage();
      return 2;
    }
    i++;
    if (strcmp(a, "--endpoint") == 0)
      endpoint = v;
    else if (strcmp(a, "--bucket") == 0)
      x.bucket = v;
    else if (strcmp(a, "--key") == 0)
      x.key = v;
    else if (strcmp(a, "--op") == 0)
      op = v;
    else if (strcmp(a, "-n") == 0)
      n = atol(v);
    else if (strcmp(a, "--warmup") == 0)
      warmup = atol(v);
    else if (strcmp(a, "--size") == 0)
      x.size = atol(v);
    else if (strcmp(a, "--threads") == 0)
      threads = atol(v);
    else if (strcmp(a, "--access-key") == 0)
      access_key = v;
    else if (strcmp(a, "--secret-key") == 0)
      secret_key = v;
    else if (strcmp(a, "--region") == 0)
      region = v;
    else {
      usage();
      return 2;
    }
  }
  int head = strcmp(op, "head") == 0;
  if (!endpoint || !x.bucket || !x.key || n < 1 || warmup < 0 || threads < 1 ||
      threads > 4096 || (!head && strcmp(op, "get") != 0)) {
    usage();
    return 2;
  }

  awsc_session_options so = AWSC_SESSION_OPTIONS_INIT;
  so.access_key_id = access_key;
  so.secret_access_key = secret_key;
  so.region = region;
  so.config_file = "/nonexistent/awsc-bench/config";
  so.credentials_file = "/nonexistent/awsc-bench/credentials";
  so.getenv_fn = env_none;
  awsc_curl_options tco = AWSC_CURL_OPTIONS_INIT;
  tco.max_connections = threads > 10 ? (int)threads : 10;
  awsc_transport *transport = NULL;
  awsc_client_options co = AWSC_CLIENT_OPTIONS_INIT;
  /* version 3 (no field of 4 is set): run_ab_bench.sh runs this binary
   * with an older libawsc too, which refuses a newer struct */
  co.version = 3;
  co.endpoint_url = endpoint;
  co.addressing_style = AWSC_S3_ADDRESSING_PATH;
  awsc_session *session = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = awsc_transport_curl_new(&transport, &tco, &err);
  so.transport = transport;
  if (rc == 0)
    rc = awsc_session_new(&session, &so, &err);
  if (rc == 0)
    rc = awsc_client_new(&x.s3, session, "s3", &co, &err);
  if (rc) {
    fail("client setup", rc, &err);
    awsc_session_free(session);
    awsc_transport_free(transport);
    return 1;
  }

  worker *w = calloc((size_t)threads, sizeof(*w));
  pthread_t *tid = calloc((size_t)threads, sizeof(*tid));
  pthread_barrier_t ready, go;
  if (!w || !tid || pthread_barrier_init(&ready, NULL, (unsigned)threads + 1) ||
      pthread_barrier_init(&go, NULL, (unsigned)threads + 1)) {
    fprintf(stderr, "bench_small: out of memory\n");
    return 1;
  }
  long started = 0;
  for (long t = 0; t < threads; t++) {
    w[t] = (worker){&x,     head ? do_head : do_get,
                    warmup, n / threads + (t < n % threads),
                    &ready, &go,
                    0};
    if (pthread_create(&tid[t], NULL, work, &w[t]))
      break;
    started++;
  }
  if (started < threads) {
    fprintf(stderr, "bench_small: could not start %ld threads\n", threads);
    return 1; /* the started ones wait on the barrier: exit ends them */
  }
  pthread_barrier_wait(&ready);
  struct rusage r0, r1;
  getrusage(RUSAGE_SELF, &r0);
  double t0 = now_s();
  pthread_barrier_wait(&go);
  int failed = 0;
  for (long t = 0; t < threads; t++) {
    pthread_join(tid[t], NULL);
    failed |= w[t].failed != 0;
  }
  double wall = now_s() - t0;
  getrusage(RUSAGE_SELF, &r1);
  if (!failed) {
    double user = tv_s(r1.ru_utime) - tv_s(r0.ru_utime);
    double sys = tv_s(r1.ru_stime) - tv_s(r0.ru_stime);
    awsc_transport_stats st = {0, 0};
    awsc_transport_curl_stats(&st, transport);
    printf("awsc %s %ld requests %.4f user_s %.4f sys_s %.2f us/request\n", op,
           n, user, sys, (user + sys) / (double)n * 1e6);
    printf("awsc-extra threads %ld wall_s %.4f req_per_s %.0f maxrss_kb %ld "
           "connections %llu\n",
           threads, wall, (double)n / wall, r1.ru_maxrss,
           (unsigned long long)st.connections_opened);
  }
  pthread_barrier_destroy(&ready);
  pthread_barrier_destroy(&go);
  free(w);
  free(tid);
  awsc_client_free(x.s3);
  awsc_session_free(session);
  awsc_transport_free(transport);
  return failed ? 1 : 0;
}
