/*
 * tests/unit/paginate/test_contract.c - the public contract of
 * docs/ABI.md: typed paginators over the one runtime, every options
 * struct's version checked as 0 < version <= current, and awsc_mem_free
 * for typed outputs and strings alike.
 */
#include <string.h>

#include "awsc/s3.h"
#include "fake.h"
#include "test.h"

#define S3_NS "http://s3.amazonaws.com/doc/2006-03-01/"

static const fake_reply two_pages[] = {
    {200, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
          "<ListBucketResult xmlns=\"" S3_NS "\"><Name>bkt</Name>"
          "<KeyCount>2</KeyCount><IsTruncated>true</IsTruncated>"
          "<NextContinuationToken>tok1</NextContinuationToken>"
          "<Contents><Key>a</Key><Size>1</Size></Contents>"
          "<Contents><Key>b</Key><Size>2</Size></Contents>"
          "</ListBucketResult>"},
    {200, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
          "<ListBucketResult xmlns=\"" S3_NS "\"><Name>bkt</Name>"
          "<KeyCount>1</KeyCount><IsTruncated>false</IsTruncated>"
          "<Contents><Key>c</Key><Size>3</Size></Contents>"
          "</ListBucketResult>"},
};

static void test_typed_paginator(void) {
  awsc_client *c = fake_client("s3");
  CHECK(c != NULL);
  if (!c)
    return;
  fake_reset(two_pages, 2);
  awsc_s3_ListObjectsV2Request in;
  memset(&in, 0, sizeof(in));
  in.bucket = "bkt";
  in.prefix = "p/";
  awsc_s3_list_objects_v2_paginator *p = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_s3_list_objects_v2_paginator_new(&p, c, &in, NULL, &err), 0);
  in.prefix = "changed"; /* the paginator copied the input */
  CHECK_INT(fake_sends(), 0);
  awsc_s3_ListObjectsV2Output *page = NULL;
  CHECK_INT(awsc_s3_list_objects_v2_paginator_next_page(&page, p, &err), 0);
  CHECK(page != NULL);
  if (page) {
    CHECK_INT(page->contents_count, 2);
    CHECK_STR(page->contents[1].key, "b");
    CHECK_STR(page->next_continuation_token, "tok1");
    CHECK(awsc_output_metadata(page) != NULL);
  }
  awsc_s3_ListObjectsV2Output *second = NULL;
  CHECK_INT(awsc_s3_list_objects_v2_paginator_next_page(&second, p, &err), 0);
  CHECK(second != NULL);
  if (second) {
    CHECK_INT(second->contents_count, 1);
    CHECK_STR(second->contents[0].key, "c");
  }
  /* the first page stays valid after the next one came */
  if (page)
    CHECK_STR(page->contents[0].key, "a");
  CHECK_INT(fake_sends(), 2);
  CHECK(strstr(fake_url(1), "continuation-token=tok1") != NULL);
  CHECK(strstr(fake_url(1), "prefix=p%2F") != NULL);
  awsc_s3_ListObjectsV2Output *end = (awsc_s3_ListObjectsV2Output *)1;
  CHECK_INT(awsc_s3_list_objects_v2_paginator_next_page(&end, p, &err), 0);
  CHECK(end == NULL);
  CHECK_INT(fake_sends(), 2);
  awsc_mem_free(page);
  awsc_mem_free(second);
  awsc_s3_list_objects_v2_paginator_free(p);

  /* a typed paginator checks its input like a typed call */
  memset(&in, 0, sizeof(in));
  CHECK_INT(awsc_s3_list_objects_v2_paginator_new(&p, c, &in, NULL, &err),
            AWSC_EVALIDATION);
  CHECK(p == NULL);
  awsc_client_free(c);
}

/* A typed waiter: the same runtime as awsc_client_wait, a typed input. */
static void test_typed_waiter(void) {
  awsc_client *c = fake_client("s3");
  CHECK(c != NULL);
  if (!c)
    return;
  static const fake_reply missing_then_there[] = {{404, ""}, {200, ""}};
  fake_reset(missing_then_there, 2);
  awsc_s3_HeadBucketRequest in;
  memset(&in, 0, sizeof(in));
  in.bucket = "bkt";
  awsc_waiter_config wc = AWSC_WAITER_CONFIG_INIT;
  wc.delay_s = 1;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_s3_wait_bucket_exists(c, &in, &wc, &err), 0);
  CHECK_INT(fake_sends(), 2);
  CHECK_STR(fake_method(1), "HEAD");
  CHECK(strstr(fake_url(1), "bkt") != NULL);
  CHECK_INT(fake_sleeps(), 1);
  memset(&in, 0, sizeof(in));
  CHECK_INT(awsc_s3_wait_bucket_exists(c, &in, NULL, &err), AWSC_EVALIDATION);
  awsc_client_free(c);
}

static void test_client_options_version(void) {
  awsc_client *c = fake_client("s3"); /* for its session */
  CHECK(c != NULL);
  if (!c)
    return;
  awsc_client_options co = AWSC_CLIENT_OPTIONS_INIT;
  awsc_client *x = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  co.version = 0;
  CHECK_INT(awsc_client_new(&x, c->session, "s3", &co, &err), AWSC_EINVAL);
  co.version = AWSC_CLIENT_OPTIONS_VERSION + 1;
  CHECK_INT(awsc_client_new(&x, c->session, "s3", &co, &err), AWSC_EINVAL);
  CHECK(x == NULL);
  co.version = AWSC_CLIENT_OPTIONS_VERSION;
  CHECK_INT(awsc_client_new(&x, c->session, "s3", &co, &err), 0);
  awsc_client_free(x);
  awsc_client_free(c);
}

static void test_paginator_and_waiter_config_version(void) {
  awsc_client *c = fake_client("s3");
  CHECK(c != NULL);
  if (!c)
    return;
  awsc_paginator_config pc = AWSC_PAGINATOR_CONFIG_INIT;
  awsc_page_iterator *p = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  const char *in = "{\"Bucket\":\"b\"}";
  pc.version = 0;
  CHECK_INT(awsc_paginator_new(&p, c, "list_objects_v2", in, &pc, &err),
            AWSC_EINVAL);
  pc.version = AWSC_PAGINATOR_CONFIG_VERSION + 1;
  CHECK_INT(awsc_paginator_new(&p, c, "list_objects_v2", in, &pc, &err),
            AWSC_EINVAL);
  pc.version = AWSC_PAGINATOR_CONFIG_VERSION;
  CHECK_INT(awsc_paginator_new(&p, c, "list_objects_v2", in, &pc, &err), 0);
  awsc_paginator_free(p);

  static const fake_reply ok = {200, ""};
  awsc_waiter_config wc = AWSC_WAITER_CONFIG_INIT;
  wc.version = 0;
  CHECK_INT(awsc_client_wait(c, "bucket_exists", in, &wc, &err), AWSC_EINVAL);
  wc.version = AWSC_WAITER_CONFIG_VERSION + 1;
  CHECK_INT(awsc_client_wait(c, "bucket_exists", in, &wc, &err), AWSC_EINVAL);
  fake_reset(&ok, 1);
  wc.version = AWSC_WAITER_CONFIG_VERSION;
  CHECK_INT(awsc_client_wait(c, "bucket_exists", in, &wc, &err), 0);
  awsc_client_free(c);
}

static const char *no_env(const char *name, void *ud) {
  (void)name;
  (void)ud;
  return NULL;
}

static void test_session_options_version(void) {
  awsc_session_options o = AWSC_SESSION_OPTIONS_INIT;
  o.region = "us-east-1";
  o.access_key_id = "AKIDEXAMPLE";
  o.secret_access_key = "test-secret-not-real";
  o.config_file = "/nonexistent/awsc-contract/config";
  o.credentials_file = "/nonexistent/awsc-contract/credentials";
  o.getenv_fn = no_env;
  awsc_session *s = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  o.version = 0;
  CHECK_INT(awsc_session_new(&s, &o, &err), AWSC_EINVAL);
  o.version = AWSC_SESSION_OPTIONS_VERSION + 1;
  CHECK_INT(awsc_session_new(&s, &o, &err), AWSC_EINVAL);
  CHECK(s == NULL);
  o.version = AWSC_SESSION_OPTIONS_VERSION;
  CHECK_INT(awsc_session_new(&s, &o, &err), 0);
  awsc_session_free(s);
}

static void test_sigv4_versions(void) {
  awsc_sigv4_params p = AWSC_SIGV4_PARAMS_INIT;
  p.access_key_id = "AKIDEXAMPLE";
  p.secret_access_key = "test-secret-not-real";
  p.region = "us-east-1";
  p.service = "s3";
  p.time_ms = 1440938160000LL;
  awsc_sigv4_request r = AWSC_SIGV4_REQUEST_INIT;
  r.method = "GET";
  r.host = "example.amazonaws.com";
  awsc_sigv4_result out = AWSC_SIGV4_RESULT_INIT;
  awsc_error err = AWSC_ERROR_INIT;
  int bad[2] = {0, 0};
  bad[1] = AWSC_SIGV4_PARAMS_VERSION + 1;
  for (int i = 0; i < 2; i++) {
    p.version = bad[i];
    CHECK_INT(awsc_sigv4_sign_headers(&out, &p, &r, &err), AWSC_EINVAL);
  }
  p.version = AWSC_SIGV4_PARAMS_VERSION;
  bad[1] = AWSC_SIGV4_REQUEST_VERSION + 1;
  for (int i = 0; i < 2; i++) {
    r.version = bad[i];
    CHECK_INT(awsc_sigv4_sign_headers(&out, &p, &r, &err), AWSC_EINVAL);
  }
  r.version = AWSC_SIGV4_REQUEST_VERSION;
  CHECK_INT(awsc_sigv4_sign_headers(&out, &p, &r, &err), 0);
  awsc_sigv4_result_cleanup(&out);
}

static void test_curl_options_version(void) {
  awsc_curl_options o = AWSC_CURL_OPTIONS_INIT;
  awsc_transport *t = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  o.version = 0;
  CHECK_INT(awsc_transport_curl_new(&t, &o, &err), AWSC_EINVAL);
  o.version = AWSC_CURL_OPTIONS_VERSION + 1;
  CHECK_INT(awsc_transport_curl_new(&t, &o, &err), AWSC_EINVAL);
  CHECK(t == NULL);
  o.version = AWSC_CURL_OPTIONS_VERSION;
  o.verify_ssl = AWSC_TOGGLE_ON;
  CHECK_INT(awsc_transport_curl_new(&t, &o, &err), 0);
  awsc_transport_free(t);
}

/* One free for every caller-owned result: a JSON string and a typed
 * output both go back through awsc_mem_free (the leak-tracing allocator
 * would catch either one leaking). */
static void test_mem_free_both(void) {
  awsc_client *c = fake_client("s3");
  CHECK(c != NULL);
  if (!c)
    return;
  char *ops = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_client_list_operations(&ops, c, &err), 0);
  CHECK(ops && strstr(ops, "\"list_objects_v2\"") != NULL);
  awsc_mem_free(ops);
  fake_reset(two_pages + 1, 1);
  awsc_s3_ListObjectsV2Request in;
  memset(&in, 0, sizeof(in));
  in.bucket = "bkt";
  awsc_s3_ListObjectsV2Output *out = NULL;
  CHECK_INT(awsc_s3_list_objects_v2(&out, c, &in, &err), 0);
  CHECK(out && out->contents_count == 1);
  awsc_mem_free(out);
  awsc_client_free(c);
}

int main(void) {
  test_alloc_install();
  /* the first session initialises the library once (kept for the run) */
  awsc_client_free(fake_client("s3"));
  int64_t live = test_alloc_live();
  RUN(test_typed_paginator);
  RUN(test_typed_waiter);
  RUN(test_client_options_version);
  RUN(test_paginator_and_waiter_config_version);
  RUN(test_session_options_version);
  RUN(test_sigv4_versions);
  RUN(test_curl_options_version);
  RUN(test_mem_free_both);
  fake_cleanup();
  CHECK_INT(test_alloc_live(), live);
  return test_summary();
}
