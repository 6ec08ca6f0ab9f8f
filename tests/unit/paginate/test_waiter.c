/*
 * Waiters against canned responses: the S3 model's BucketExists /
 * ObjectNotExists (status matchers), the attempts running out, and, with
 * waiters of the test's own laid over the S3 descriptors, the error,
 * path, pathAll and pathAny matchers and the failure state, with
 * botocore's messages. Delays go through the client's sleep hook.
 */
#include <stdio.h>
#include <string.h>

#include "awsc/waiter.h"
#include "fake.h"
#include "test.h"

#define S3_NS "http://s3.amazonaws.com/doc/2006-03-01/"

static const fake_reply r404 = {404, NULL};
static const fake_reply r200 = {200, NULL};

static void test_has_waiter(void) {
  awsc_client *c = fake_client("s3");
  awsc_client *sns = fake_client("sns");
  CHECK(c && sns);
  if (c && sns) {
    CHECK_INT(awsc_client_has_waiter(c, "bucket_exists"), 1);
    CHECK_INT(awsc_client_has_waiter(c, "BucketExists"), 1);
    CHECK_INT(awsc_client_has_waiter(c, "object_not_exists"), 1);
    CHECK_INT(awsc_client_has_waiter(c, "table_exists"), 0);
    CHECK_INT(awsc_client_has_waiter(sns, "bucket_exists"), 0);
    awsc_error err = AWSC_ERROR_INIT;
    CHECK_INT(awsc_client_wait(c, "table_exists", NULL, NULL, &err),
              AWSC_ENOTFOUND);
    CHECK_STR(err.message, "Waiter does not exist: table_exists");
    /* parameters validated before anything is sent */
    fake_reset(NULL, 0);
    CHECK_INT(awsc_client_wait(c, "bucket_exists", "{}", NULL, &err),
              AWSC_EVALIDATION);
    CHECK_INT(fake_sends(), 0);
    awsc_waiter_config wc = AWSC_WAITER_CONFIG_INIT;
    wc.version = 0;
    CHECK_INT(
        awsc_client_wait(c, "bucket_exists", "{\"Bucket\":\"b\"}", &wc, &err),
        AWSC_EINVAL);
    wc.version = AWSC_WAITER_CONFIG_VERSION;
    wc.max_attempts = -1;
    CHECK_INT(
        awsc_client_wait(c, "bucket_exists", "{\"Bucket\":\"b\"}", &wc, &err),
        AWSC_EINVAL);
  }
  awsc_client_free(c);
  awsc_client_free(sns);
}

static void test_bucket_exists_after_404s(void) {
  awsc_client *c = fake_client("s3");
  CHECK(c != NULL);
  if (!c)
    return;
  const fake_reply replies[] = {r404, r404, r200};
  fake_reset(replies, 3);
  awsc_error err = AWSC_ERROR_INIT;
  int rc =
      awsc_client_wait(c, "bucket_exists", "{\"Bucket\":\"bkt\"}", NULL, &err);
  CHECK_INT(rc, 0);
  if (rc)
    fprintf(stderr, "  %s\n", err.message);
  CHECK_INT(fake_sends(), 3);
  CHECK_STR(fake_method(0), "HEAD");
  CHECK_INT(fake_sleeps(), 2);
  CHECK_INT(fake_slept_ms(), 10000); /* the model's 5 s delay */
  /* 403 is success too (the bucket exists, someone else's) */
  const fake_reply forbidden[] = {{403, NULL}};
  fake_reset(forbidden, 1);
  CHECK_INT(
      awsc_client_wait(c, "BucketExists", "{\"Bucket\":\"bkt\"}", NULL, &err),
      0);
  /* Delay from the config */
  fake_reset(replies, 3);
  awsc_waiter_config wc = AWSC_WAITER_CONFIG_INIT;
  wc.delay_s = 1;
  CHECK_INT(
      awsc_client_wait(c, "bucket_exists", "{\"Bucket\":\"bkt\"}", &wc, &err),
      0);
  CHECK_INT(fake_slept_ms(), 2000);
  awsc_client_free(c);
}

static void test_object_not_exists(void) {
  awsc_client *c = fake_client("s3");
  CHECK(c != NULL);
  if (!c)
    return;
  const fake_reply replies[] = {r200, r200, r404};
  fake_reset(replies, 3);
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_client_wait(c, "object_not_exists",
                             "{\"Bucket\":\"bkt\",\"Key\":\"k\"}", NULL, &err),
            0);
  CHECK_INT(fake_sends(), 3);
  CHECK(strstr(fake_url(0), "/bkt/k") != NULL);
  /* an error no acceptor expects ends the wait */
  const fake_reply denied[] = {{403, NULL}};
  fake_reset(denied, 1);
  CHECK_INT(awsc_client_wait(c, "object_not_exists",
                             "{\"Bucket\":\"bkt\",\"Key\":\"k\"}", NULL, &err),
            AWSC_ESERVICE);
  CHECK_STR(err.message, "Waiter ObjectNotExists failed: An error occurred "
                         "(403): Forbidden");
  CHECK_STR(err.service_code, "403");
  CHECK_INT(err.http_status, 403);
  awsc_client_free(c);
}

static void test_max_attempts(void) {
  awsc_client *c = fake_client("s3");
  CHECK(c != NULL);
  if (!c)
    return;
  const fake_reply replies[] = {r404, r404, r404, r404};
  fake_reset(replies, 4);
  awsc_waiter_config wc = AWSC_WAITER_CONFIG_INIT;
  wc.max_attempts = 3;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(
      awsc_client_wait(c, "bucket_exists", "{\"Bucket\":\"bkt\"}", &wc, &err),
      AWSC_ETIMEOUT);
  CHECK_STR(err.message, "Waiter BucketExists failed: Max attempts exceeded. "
                         "Previously accepted state: Matched expected HTTP "
                         "status code: 404");
  CHECK_INT(err.http_status, 404);
  CHECK_INT(fake_sends(), 3);
  CHECK_INT(fake_sleeps(), 2);
  /* nothing ever matched: the short form */
  const fake_reply ok[] = {r200, r200};
  fake_reset(ok, 2);
  wc.max_attempts = 2;
  CHECK_INT(awsc_client_wait(c, "bucket_not_exists", "{\"Bucket\":\"bkt\"}",
                             &wc, &err),
            AWSC_ETIMEOUT);
  CHECK_STR(err.message, "Waiter BucketNotExists failed: Max attempts "
                         "exceeded");
  /* a transport failure is returned as it is, at once */
  fake_reset(NULL, 0);
  CHECK_INT(
      awsc_client_wait(c, "bucket_exists", "{\"Bucket\":\"bkt\"}", &wc, &err),
      AWSC_ENETWORK);
  awsc_client_free(c);
}

/* Waiters of our own over S3's operations. */
static const awsc_waiter_acceptor listing_acc[] = {
    {"success", "path", "length(Contents[]) > `2`", "true"},
    {"failure", "pathAny", "Contents[].Key", "\"bad\""},
    {"retry", "error", NULL, "\"NoSuchBucket\""},
    {"success", "pathAll", "Contents[].StorageClass", "\"GLACIER\""},
};
static const awsc_waiter_acceptor any_error_acc[] = {
    {"success", "error", NULL, "true"},
};
static const awsc_waiter_acceptor no_error_acc[] = {
    {"success", "error", NULL, "false"},
};
static const awsc_waiter_acceptor bad_acc[] = {
    {"success", "path", "Contents[0:1]", "true"},
};
static const awsc_waiter test_waiters[] = {
    {"AnyError", "HeadBucket", 2, 3, any_error_acc, 1},
    {"BadExpression", "ListObjectsV2", 2, 3, bad_acc, 1},
    {"Listing", "ListObjectsV2", 2, 5, listing_acc, 4},
    {"NoError", "HeadBucket", 2, 3, no_error_acc, 1},
};

static awsc_client *custom_client(awsc_service *svc) {
  const awsc_service *s3 = awsc_builtin_service("s3");
  if (!s3)
    return NULL;
  *svc = *s3;
  svc->waiters = test_waiters;
  svc->waiter_count = 4;
  return fake_client_for(svc);
}

static const char *listing(char *buf, size_t size, const char *keys,
                           const char *klass) {
  size_t n = (size_t)snprintf(buf, size,
                              "<ListBucketResult xmlns=\"" S3_NS "\">"
                              "<Name>bkt</Name><IsTruncated>false"
                              "</IsTruncated>");
  for (const char *k = keys; *k; k += strlen(k) + 1)
    n += (size_t)snprintf(buf + n, size - n,
                          "<Contents><Key>%s</Key><StorageClass>%s"
                          "</StorageClass></Contents>",
                          k, klass);
  snprintf(buf + n, size - n, "</ListBucketResult>");
  return buf;
}

static void test_path_matchers(void) {
  awsc_service svc;
  awsc_client *c = custom_client(&svc);
  CHECK(c != NULL);
  if (!c)
    return;
  char b1[1024], b2[1024], b3[1024];
  awsc_error err = AWSC_ERROR_INIT;
  /* NoSuchBucket: retry; 2 keys: no match; 3 keys: success (path) */
  fake_reply seq[] = {
      {404, "<Error><Code>NoSuchBucket</Code><Message>The specified bucket "
            "does not exist</Message></Error>"},
      {200, listing(b1, sizeof b1, "a\0b\0", "STANDARD")},
      {200, listing(b2, sizeof b2, "a\0b\0c\0", "STANDARD")},
  };
  fake_reset(seq, 3);
  CHECK_INT(awsc_client_wait(c, "listing", "{\"Bucket\":\"bkt\"}", NULL, &err),
            0);
  CHECK_INT(fake_sends(), 3);
  CHECK_INT(fake_slept_ms(), 4000);
  /* pathAll: every storage class GLACIER */
  fake_reply all[] = {{200, listing(b1, sizeof b1, "a\0", "GLACIER")}};
  fake_reset(all, 1);
  CHECK_INT(awsc_client_wait(c, "Listing", "{\"Bucket\":\"bkt\"}", NULL, &err),
            0);
  /* pathAny: a key "bad" is a terminal failure */
  fake_reply fail[] = {{200, listing(b3, sizeof b3, "a\0bad\0", "STANDARD")}};
  fake_reset(fail, 1);
  CHECK_INT(awsc_client_wait(c, "Listing", "{\"Bucket\":\"bkt\"}", NULL, &err),
            AWSC_ESERVICE);
  CHECK_STR(err.message, "Waiter Listing failed: Waiter encountered a "
                         "terminal failure state: For expression "
                         "\"Contents[].Key\" we matched expected path: "
                         "\"bad\" at least once");
  CHECK_INT(err.http_status, 200);
  /* runs out after a retry: botocore names the loop's last acceptor */
  fake_reply retry[] = {
      {404, "<Error><Code>NoSuchBucket</Code><Message>x</Message></Error>"},
      {200, listing(b1, sizeof b1, "a\0", "STANDARD")},
  };
  fake_reset(retry, 2);
  awsc_waiter_config wc = AWSC_WAITER_CONFIG_INIT;
  wc.max_attempts = 2;
  CHECK_INT(awsc_client_wait(c, "Listing", "{\"Bucket\":\"bkt\"}", &wc, &err),
            AWSC_ETIMEOUT);
  CHECK_STR(err.message,
            "Waiter Listing failed: Max attempts exceeded. Previously "
            "accepted state: For expression \"Contents[].StorageClass\" all "
            "members matched excepted path: \"GLACIER\"");
  /* an expression the library can not evaluate: a clear error, no call */
  fake_reset(NULL, 0);
  CHECK_INT(
      awsc_client_wait(c, "BadExpression", "{\"Bucket\":\"bkt\"}", NULL, &err),
      AWSC_EINVAL);
  CHECK(strstr(err.message, "slices are not supported") != NULL);
  CHECK_INT(fake_sends(), 0);
  awsc_client_free(c);
}

static void test_error_matchers(void) {
  awsc_service svc;
  awsc_client *c = custom_client(&svc);
  CHECK(c != NULL);
  if (!c)
    return;
  awsc_error err = AWSC_ERROR_INIT;
  /* expected true: any error; never one here */
  const fake_reply e[] = {r200, r200, r200};
  fake_reset(e, 3);
  awsc_waiter_config wc = AWSC_WAITER_CONFIG_INIT;
  CHECK_INT(awsc_client_wait(c, "any_error", "{\"Bucket\":\"b\"}", &wc, &err),
            AWSC_ETIMEOUT);
  CHECK_STR(err.message, "Waiter AnyError failed: Max attempts exceeded");
  CHECK_INT(fake_sends(), 3);
  /* 200 then 404: the 404 is "an error" */
  const fake_reply e2[] = {r200, r404};
  fake_reset(e2, 2);
  CHECK_INT(awsc_client_wait(c, "any_error", "{\"Bucket\":\"b\"}", &wc, &err),
            0);
  CHECK_INT(fake_sends(), 2);
  /* expected false: no error */
  const fake_reply e3[] = {r404, r200};
  fake_reset(e3, 2);
  CHECK_INT(awsc_client_wait(c, "no_error", "{\"Bucket\":\"b\"}", &wc, &err),
            AWSC_ESERVICE); /* the 404 matches nothing: fails at once */
  /* a bodiless HEAD 404 is named after HeadBucket's one modeled error */
  CHECK_STR(err.message,
            "Waiter NoError failed: An error occurred (NoSuchBucket): Not "
            "Found");
  fake_reset(e3 + 1, 1);
  CHECK_INT(awsc_client_wait(c, "no_error", "{\"Bucket\":\"b\"}", &wc, &err),
            0);
  awsc_client_free(c);
}

/* BucketExists with the Nth allocation failing, for every N: a clean
 * failure or success each time, nothing leaked. */
static void test_alloc_failures(void) {
  awsc_client *c = fake_client("s3");
  CHECK(c != NULL);
  if (!c)
    return;
  /* one run first: the client keeps the resolved endpoint */
  const fake_reply warm[] = {r200};
  fake_reset(warm, 1);
  awsc_error werr = AWSC_ERROR_INIT;
  CHECK_INT(
      awsc_client_wait(c, "bucket_exists", "{\"Bucket\":\"b\"}", NULL, &werr),
      0);
  fake_cleanup();
  int64_t live = test_alloc_live();
  int runs = 0;
  for (uint64_t n = 1; n < 5000; n++) {
    const fake_reply replies[] = {r404, r200};
    fake_reset(replies, 2);
    test_alloc_fail_at(n);
    awsc_error err = AWSC_ERROR_INIT;
    int rc =
        awsc_client_wait(c, "bucket_exists", "{\"Bucket\":\"b\"}", NULL, &err);
    int fired = test_alloc_failure_fired();
    test_alloc_fail_at(0);
    fake_cleanup();
    if (test_alloc_live() != live) {
      fprintf(stderr, "  leak with allocation %llu failing\n",
              (unsigned long long)n);
      test_current_failed = 1;
      break;
    }
    if (!fired) {
      CHECK_INT(rc, 0);
      break;
    }
    runs++;
  }
  CHECK(runs > 5);
  awsc_client_free(c);
}

int main(void) {
  test_alloc_install();
  awsc_client_free(fake_client("s3"));
  int64_t live = test_alloc_live();
  RUN(test_has_waiter);
  RUN(test_bucket_exists_after_404s);
  RUN(test_object_not_exists);
  RUN(test_max_attempts);
  RUN(test_path_matchers);
  RUN(test_error_matchers);
  RUN(test_alloc_failures);
  fake_cleanup();
  if (test_alloc_live() != live) {
    printf("FAIL leak: %lld blocks live\n",
           (long long)(test_alloc_live() - live));
    test_failed++;
  }
  return test_summary();
}
