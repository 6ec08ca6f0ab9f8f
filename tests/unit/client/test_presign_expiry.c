/*
 * Presigned URL lifetimes outside SigV4's 1..604800 (issue 11 point 1):
 * botocore signs 0, negatives and more than 7 days and lets the service
 * answer; so do the three presign forms. The C forms keep 0 as "the
 * default" (3600); the JSON call signs an explicit 0.
 */
#include <stdint.h>
#include <string.h>

#include "awsc/awsc.h"
#include "awsc/presign.h"
#include "awsc/s3.h"
#include "test.h"

static const char *env_none(const char *name, void *ud) {
  (void)name;
  (void)ud;
  return NULL;
}

static awsc_session *sess;
static awsc_client *s3;

static bool setup(void) {
  awsc_session_options so = AWSC_SESSION_OPTIONS_INIT;
  so.access_key_id = "AKIDEXAMPLE";
  so.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  so.region = "us-east-1";
  so.getenv_fn = env_none;
  so.config_file = "/nonexistent/awsc-test/config";
  so.credentials_file = "/nonexistent/awsc-test/credentials";
  awsc_error err = AWSC_ERROR_INIT;
  if (awsc_session_new(&sess, &so, &err) != 0 ||
      awsc_client_new(&s3, sess, "s3", NULL, &err) != 0) {
    fprintf(stderr, "setup: %s\n", err.message);
    return false;
  }
  return true;
}

/* The URL carries X-Amz-Expires=want and a signature. */
static void check_url(const char *what, char *url, const char *want) {
  char q[64];
  snprintf(q, sizeof(q), "X-Amz-Expires=%s&", want);
  if (!url || !strstr(url, q) || !strstr(url, "X-Amz-Signature=")) {
    fprintf(stderr, "%s: %s\n", what, url ? url : "(null)");
    CHECK(0);
  }
  awsc_mem_free(url);
}

static void test_json_params_form(void) {
  static const struct {
    int64_t expires;
    const char *want;
  } cases[] = {{0, "3600"},
               {-1, "-1"},
               {-3600, "-3600"},
               {604801, "604801"},
               {INT64_MIN, "-9223372036854775808"}};
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char *url = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    CHECK_INT(awsc_generate_presigned_url(&url, s3, "get_object",
                                          "{\"Bucket\": \"b\", \"Key\": \"k\"}",
                                          cases[i].expires, &err),
              0);
    check_url("json params", url, cases[i].want);
  }
}

static void test_json_call_form(void) {
  static const struct {
    const char *expires;
    const char *want;
  } cases[] = {
      {"null", "3600"}, {"0", "0"}, {"-1", "-1"}, {"-86400", "-86400"}};
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char call[200];
    snprintf(call, sizeof(call),
             "{\"ClientMethod\": \"get_object\", \"Params\": {\"Bucket\": "
             "\"b\", \"Key\": \"k\"}, \"ExpiresIn\": %s}",
             cases[i].expires);
    char *url = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    CHECK_INT(awsc_generate_presigned_url_json(&url, s3, call, &err), 0);
    check_url("json call", url, cases[i].want);
  }
  /* still an integer */
  char *url = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_generate_presigned_url_json(
                &url, s3,
                "{\"ClientMethod\": \"list_buckets\", \"ExpiresIn\": -1.5}",
                &err),
            AWSC_EVALIDATION);
  CHECK(strstr(err.message, "ExpiresIn") != NULL);
}

static void test_typed_form(void) {
  awsc_s3_GetObjectRequest get;
  memset(&get, 0, sizeof(get));
  get.bucket = "b";
  get.key = "k";
  awsc_presign_options po = AWSC_PRESIGN_OPTIONS_INIT;
  const int64_t lives[] = {-5, 0, 700000};
  const char *const want[] = {"-5", "3600", "700000"};
  for (size_t i = 0; i < 3; i++) {
    po.expires_in = lives[i];
    char *url = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    CHECK_INT(awsc_generate_presigned_url_typed(&url, s3, "get_object", &get,
                                                &po, &err),
              0);
    check_url("typed", url, want[i]);
  }
}

int main(void) {
  if (!setup()) {
    printf("0 passed, 1 failed\n");
    return 1;
  }
  RUN(test_json_params_form);
  RUN(test_json_call_form);
  RUN(test_typed_form);
  awsc_client_free(s3);
  awsc_session_free(sess);
  return test_summary();
}
