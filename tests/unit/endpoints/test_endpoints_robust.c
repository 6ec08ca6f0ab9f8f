/*
 * tests/unit/endpoints/test_endpoints_robust.c - one compiled rule set used
 * from several threads, no leaks (counting allocator), and every
 * allocation of loading and resolving failed in turn.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "endpoints/endpoints.h"
#include "test.h"
#include "test_endpoints.h"

/* ---- several threads on one compiled rule set ---- */

typedef struct thr {
  const awsc_ep_ruleset *rs;
  int id;
  int bad;
} thr;

static void *thread_main(void *arg) {
  thr *t = arg;
  static const char *regions[] = {"us-west-2", "eu-central-1", "cn-north-1",
                                  "us-gov-west-1"};
  static const char *hosts[] = {
      "s3.us-west-2.amazonaws.com", "s3.eu-central-1.amazonaws.com",
      "s3.cn-north-1.amazonaws.com.cn", "s3.us-gov-west-1.amazonaws.com"};
  for (int i = 0; i < 2000; i++) {
    int k = (t->id + i) % 4;
    char bucket[32], want[128];
    snprintf(bucket, sizeof bucket, "bucket-%d-%d", t->id, i);
    snprintf(want, sizeof want, "https://%s.%s", bucket, hosts[k]);
    awsc_arena *a = awsc_arena_new(0);
    awsc_ep_params p;
    awsc_ep_result res;
    if (!a || awsc_ep_params_init(&p, t->rs, a) ||
        awsc_ep_params_set_builtin_string(&p, "AWS::Region", regions[k],
                                          NULL) ||
        awsc_ep_params_set_string(&p, "Bucket", bucket, NULL) ||
        awsc_ep_resolve(t->rs, &res, &p, a, NULL) || strcmp(res.url, want) != 0)
      t->bad++;
    awsc_arena_free(a);
  }
  return NULL;
}

static void test_threads(void) {
  awsc_ep_ruleset *rs = compile_model(S3_RULES);
  CHECK(rs != NULL);
  if (!rs)
    return;
  pthread_t th[4];
  thr t[4];
  for (int i = 0; i < 4; i++) {
    t[i] = (thr){rs, i, 0};
    CHECK(pthread_create(&th[i], NULL, thread_main, &t[i]) == 0);
  }
  for (int i = 0; i < 4; i++) {
    pthread_join(th[i], NULL);
    CHECK_INT(t[i].bad, 0);
  }
  awsc_ep_ruleset_free(rs);
}

/* ---- leaks and allocation failures (counting allocator) ---- */

static void test_no_leaks(void) {
  int64_t base = test_alloc_live();
  size_t len = 0;
  char *text = slurp("partitions.json", &len);
  awsc_ep_partitions *parts = NULL;
  CHECK(text && awsc_ep_partitions_new(&parts, text, len, NULL) == 0);
  free(text);
  text = slurp(S3_RULES, &len);
  awsc_ep_ruleset *rs = NULL;
  CHECK(text && parts && awsc_ep_ruleset_new(&rs, text, len, parts, NULL) == 0);
  free(text);
  /* the rule set holds its own reference to the partitions */
  awsc_ep_partitions_free(parts);
  for (int i = 0; rs && i < 100; i++) {
    awsc_arena *a = awsc_arena_new(0);
    awsc_ep_params p;
    awsc_ep_result res;
    awsc_ep_params_init(&p, rs, a);
    awsc_ep_params_set_builtin_string(&p, "AWS::Region", "us-east-1", NULL);
    awsc_ep_params_set_string(&p, "Bucket",
                              i % 2 ? "arn:aws:s3:us-east-1:123456789012:"
                                      "accesspoint:myendpoint"
                                    : "bucket.with.dots",
                              NULL);
    CHECK(awsc_ep_resolve(rs, &res, &p, a, NULL) == 0);
    awsc_arena_free(a);
  }
  awsc_ep_ruleset_free(rs);
  CHECK_INT(test_alloc_live(), base);
}

/* Fail the 1st, 2nd, ... allocation of `fn` until it gets through: each
 * failure must be AWSC_ENOMEM and leave nothing allocated. */
typedef int (*alloc_step)(void *ctx);

static void torture(const char *what, alloc_step fn, void *ctx,
                    uint64_t stride) {
  int64_t base = test_alloc_live();
  for (uint64_t n = 1; n < 1000000; n += stride) {
    test_alloc_fail_at(n);
    int rc = fn(ctx);
    int fired = test_alloc_failure_fired();
    test_alloc_fail_at(0);
    if (!fired) {
      CHECK_INT(rc, 0);
      break;
    }
    if (rc != AWSC_ENOMEM) {
      fprintf(stderr, "%s: allocation %llu failed, rc %d\n", what,
              (unsigned long long)n, rc);
      test_current_failed = 1;
    }
    if (test_alloc_live() != base) {
      fprintf(stderr, "%s: leak after failing allocation %llu\n", what,
              (unsigned long long)n);
      test_current_failed = 1;
      break;
    }
  }
  CHECK_INT(test_alloc_live(), base);
}

typedef struct text {
  char *p;
  size_t n;
} text;

static int step_partitions(void *ctx) {
  text *t = ctx;
  awsc_ep_partitions *parts = NULL;
  int rc = awsc_ep_partitions_new(&parts, t->p, t->n, NULL);
  CHECK(rc == 0 || parts == NULL);
  awsc_ep_partitions_free(parts);
  return rc;
}

static int step_ruleset(void *ctx) {
  text *t = ctx;
  awsc_ep_ruleset *rs = NULL;
  int rc = awsc_ep_ruleset_new(&rs, t->p, t->n, g_parts, NULL);
  CHECK(rc == 0 || rs == NULL);
  awsc_ep_ruleset_free(rs);
  return rc;
}

static const awsc_ep_ruleset *g_rs;

/* A small arena block size makes resolution allocate often. */
static int step_resolve(void *ctx) {
  (void)ctx;
  awsc_arena *a = awsc_arena_new(256);
  if (!a)
    return AWSC_ENOMEM;
  awsc_ep_params p;
  awsc_ep_result res;
  int rc = awsc_ep_params_init(&p, g_rs, a);
  if (!rc)
    rc =
        awsc_ep_params_set_builtin_string(&p, "AWS::Region", "us-west-2", NULL);
  if (!rc)
    rc = awsc_ep_params_set_string(
        &p, "Bucket",
        "arn:aws:s3-outposts:us-west-2:123456789012:outpost/"
        "op-01234567890123456/accesspoint/reports",
        NULL);
  if (!rc)
    rc = awsc_ep_resolve(g_rs, &res, &p, a, NULL);
  if (!rc)
    CHECK_STR(res.url, "https://reports-123456789012.op-01234567890123456."
                       "s3-outposts.us-west-2.amazonaws.com");
  awsc_arena_free(a);
  return rc;
}

static void test_alloc_failures(void) {
  text t;
  t.p = slurp("partitions.json", &t.n);
  CHECK(t.p != NULL);
  if (t.p)
    torture("partitions", step_partitions, &t, 1);
  free(t.p);
  t.p = slurp("sns/2010-03-31/endpoint-rule-set-1.json", &t.n);
  CHECK(t.p != NULL);
  if (t.p)
    torture("sns rule set", step_ruleset, &t, 1);
  free(t.p);
  /* few allocations (big arena blocks), so every one of them, even for S3 */
  t.p = slurp(S3_RULES, &t.n);
  CHECK(t.p != NULL);
  if (t.p)
    torture("s3 rule set", step_ruleset, &t, 1);
  awsc_ep_ruleset *rs = NULL;
  if (t.p)
    CHECK(awsc_ep_ruleset_new(&rs, t.p, t.n, g_parts, NULL) == 0);
  free(t.p);
  g_rs = rs;
  if (rs)
    torture("s3 resolve", step_resolve, NULL, 1);
  awsc_ep_ruleset_free(rs);
}

void run_robust_tests(void) {
  RUN(test_threads);
  RUN(test_no_leaks);
  RUN(test_alloc_failures);
}
