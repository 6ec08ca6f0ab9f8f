/*
 * tests/unit/sigv4/test_sigv4.c - header signing and presigning: the S3
 * documentation examples, canonicalization rules the suites do not cover,
 * presign expiry validation, the signing-key cache, allocation behaviour
 * and that no error message ever carries a secret.
 */
#include <pthread.h>

#include "awsc/sigv4.h"
#include "core/core.h"
#include "test.h"

#define AK "AKIAIOSFODNN7EXAMPLE"
#define SK "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
#define TOKEN "FQoGZXIvYXdzEXAMPLETOKENzZWNyZXQ/+=="
#define T_20130524 1369353600000LL /* 2013-05-24T00:00:00Z */
#define DAY_MS 86400000LL

static awsc_sigv4_params params(const char *region, const char *service) {
  awsc_sigv4_params p = AWSC_SIGV4_PARAMS_INIT;
  p.access_key_id = AK;
  p.secret_access_key = SK;
  p.region = region;
  p.service = service;
  p.time_ms = T_20130524;
  return p;
}

#define STARTS(s, lit) (strncmp((s), lit, sizeof(lit) - 1) == 0)

static const char *out_header(const awsc_sigv4_result *r, const char *name) {
  for (size_t i = 0; i < r->header_count; i++)
    if (strcmp(r->headers[i].name, name) == 0)
      return r->headers[i].value;
  return NULL;
}

/* The S3 GET example of the SigV4 header-based-auth documentation. */
static const awsc_http_header s3_get_headers[] = {
    {"Host", "examplebucket.s3.amazonaws.com"}, {"Range", "bytes=0-9"}};

static awsc_sigv4_request s3_get(void) {
  awsc_sigv4_request r = AWSC_SIGV4_REQUEST_INIT;
  r.method = "GET";
  r.path = "/test.txt";
  r.headers = s3_get_headers;
  r.header_count = 2;
  r.flags = AWSC_SIGV4_S3;
  return r;
}

#define S3_GET_SIG                                                             \
  "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"

static void test_s3_doc_get_object(void) {
  awsc_sigv4_params p = params("us-east-1", "s3");
  awsc_sigv4_request r = s3_get();
  awsc_sigv4_result out = AWSC_SIGV4_RESULT_INIT;
  CHECK_INT(awsc_sigv4_sign_headers(&out, &p, &r, NULL), 0);
  CHECK_STR(out.signature, S3_GET_SIG);
  CHECK_STR(out_header(&out, "Authorization"),
            "AWS4-HMAC-SHA256 Credential=" AK "/20130524/us-east-1/s3/"
            "aws4_request, SignedHeaders=host;range;x-amz-content-sha256;"
            "x-amz-date, Signature=" S3_GET_SIG);
  CHECK_STR(out_header(&out, "X-Amz-Date"), "20130524T000000Z");
  CHECK_STR(out_header(&out, "x-amz-content-sha256"),
            AWSC_SIGV4_EMPTY_PAYLOAD_HASH);
  CHECK_STR(out.amz_date, "20130524T000000Z");
  CHECK_STR(out.query, "");
  CHECK(out.canonical_request == NULL); /* no AWSC_SIGV4_DEBUG */
  awsc_sigv4_result_cleanup(&out);
  CHECK(out.internal_ == NULL);
}

static void test_s3_doc_presigned_url(void) {
  awsc_sigv4_params p = params("us-east-1", "s3");
  p.expires_s = 86400;
  awsc_http_header h[] = {{"Host", "examplebucket.s3.amazonaws.com"}};
  awsc_sigv4_request r = AWSC_SIGV4_REQUEST_INIT;
  r.method = "GET";
  r.path = "/test.txt";
  r.headers = h;
  r.header_count = 1;
  r.flags = AWSC_SIGV4_S3 | AWSC_SIGV4_UNSIGNED_PAYLOAD;
  awsc_sigv4_result out = AWSC_SIGV4_RESULT_INIT;
  CHECK_INT(awsc_sigv4_presign(&out, &p, &r, NULL), 0);
  CHECK_STR(out.query,
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" AK
            "%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date="
            "20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
            "&X-Amz-Signature="
            "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
  CHECK_INT(out.header_count, 0);
  awsc_sigv4_result_cleanup(&out);
}

static void test_presign_expiry_validation(void) {
  awsc_sigv4_request r = s3_get();
  awsc_sigv4_result out = AWSC_SIGV4_RESULT_INIT;
  const int64_t bad[] = {0, -1, 604801, INT64_MAX, INT64_MIN};
  for (size_t i = 0; i < AWSC_ARRAY_LEN(bad); i++) {
    awsc_sigv4_params p = params("us-east-1", "s3");
    p.expires_s = bad[i];
    awsc_error err = AWSC_ERROR_INIT;
    CHECK_INT(awsc_sigv4_presign(&out, &p, &r, &err), AWSC_EVALIDATION);
    CHECK_INT(err.code, AWSC_EVALIDATION);
    CHECK_INT(err.kind, AWSC_ERROR_VALIDATION);
    CHECK(strstr(err.message, "604800") != NULL);
    CHECK(strstr(err.message, "expir") != NULL);
    CHECK(out.query == NULL && out.signature[0] == '\0');
  }
  const int64_t good[] = {1, 3600, 604800};
  for (size_t i = 0; i < AWSC_ARRAY_LEN(good); i++) {
    awsc_sigv4_params p = params("us-east-1", "s3");
    p.expires_s = good[i];
    CHECK_INT(awsc_sigv4_presign(&out, &p, &r, NULL), 0);
    char want[48];
    snprintf(want, sizeof(want), "X-Amz-Expires=%lld&", (long long)good[i]);
    CHECK(strstr(out.query, want) != NULL);
  }
  /* Header signing ignores expires_s. */
  awsc_sigv4_params p = params("us-east-1", "s3");
  p.expires_s = -5;
  CHECK_INT(awsc_sigv4_sign_headers(&out, &p, &r, NULL), 0);
  awsc_sigv4_result_cleanup(&out);
}

static void test_presign_token_and_conflicts(void) {
  awsc_sigv4_params p = params("us-east-1", "s3");
  p.expires_s = 60;
  p.session_token = TOKEN;
  awsc_http_header h[] = {{"Host", "b.s3.amazonaws.com"}};
  awsc_sigv4_param q[] = {{"versionId", "a b/c"}, {"acl", NULL}};
  awsc_sigv4_request r = AWSC_SIGV4_REQUEST_INIT;
  r.method = "GET";
  r.path = "/k";
  r.headers = h;
  r.header_count = 1;
  r.query = q;
  r.query_count = 2;
  r.flags = AWSC_SIGV4_S3 | AWSC_SIGV4_UNSIGNED_PAYLOAD | AWSC_SIGV4_DEBUG;
  awsc_sigv4_result out = AWSC_SIGV4_RESULT_INIT;
  CHECK_INT(awsc_sigv4_presign(&out, &p, &r, NULL), 0);
  /* Canonical order; token signed (part of the canonical query). */
  CHECK(STARTS(out.query, "X-Amz-Algorithm="));
  CHECK(strstr(out.query, "&X-Amz-Security-Token=FQoGZXIvYXdzEXAMPLETOKENzZW"
                          "NyZXQ%2F%2B%3D%3D&X-Amz-SignedHeaders=host&acl=&"
                          "versionId=a%20b%2Fc&X-Amz-Signature=") != NULL);
  CHECK(strstr(out.canonical_request, "X-Amz-Security-Token=") != NULL);

  /* Omitted: not in the canonical request, appended before the signature. */
  r.flags |= AWSC_SIGV4_OMIT_SESSION_TOKEN;
  CHECK_INT(awsc_sigv4_presign(&out, &p, &r, NULL), 0);
  CHECK(strstr(out.query, "&X-Amz-Security-Token=FQoG") != NULL);
  CHECK(strstr(out.query, "%3D%3D&X-Amz-Signature=") != NULL);

  awsc_sigv4_param bad[] = {{"x-amz-signature", "1"}};
  r.query = bad;
  r.query_count = 1;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_sigv4_presign(&out, &p, &r, &err), AWSC_EVALIDATION);
  CHECK(strstr(err.message, "X-Amz-Signature") != NULL);
  /* In header signing such a parameter is just a parameter. */
  CHECK_INT(awsc_sigv4_sign_headers(&out, &p, &r, NULL), 0);
  awsc_sigv4_result_cleanup(&out);
}

/* Canonical form details beyond the suites. */
static void test_canonical_rules(void) {
  awsc_sigv4_params p = params("eu-west-1", "sns");
  awsc_http_header h[] = {{"User-Agent", "awsc/0.1"},
                          {"X-Amzn-Trace-Id", "Root=1-abc"},
                          {"Expect", "100-continue"},
                          {"Connection", "keep-alive"},
                          {"Authorization", "stale"},
                          {"X-Amz-Date", "19990101T000000Z"},
                          {"Content-Type", " a\t\tb  "},
                          {"X-Multi", "x"},
                          {"x-multi", "y"}};
  awsc_sigv4_param q[] = {
      {"b", "2"}, {"a", "~-_."}, {"a", "1"}, {"sp ace", "+&="}};
  awsc_sigv4_request r = AWSC_SIGV4_REQUEST_INIT;
  r.method = "POST";
  r.path = "/a/./b/../c//d%20e/";
  r.host = "sns.eu-west-1.amazonaws.com";
  r.headers = h;
  r.header_count = AWSC_ARRAY_LEN(h);
  r.query = q;
  r.query_count = AWSC_ARRAY_LEN(q);
  r.body = "Action=Publish";
  r.body_len = 14;
  r.flags = AWSC_SIGV4_DEBUG;
  awsc_sigv4_result out = AWSC_SIGV4_RESULT_INIT;
  CHECK_INT(awsc_sigv4_sign_headers(&out, &p, &r, NULL), 0);
  char body_hash[65];
  awsc_sha256_hex("Action=Publish", 14, body_hash);
  char want[1024];
  snprintf(want, sizeof(want),
           "POST\n"
           "/a/c/d%%2520e/\n"
           "a=1&a=~-_.&b=2&sp%%20ace=%%2B%%26%%3D\n"
           "content-type:a b\n"
           "host:sns.eu-west-1.amazonaws.com\n"
           "x-amz-date:20130524T000000Z\n"
           "x-multi:x,y\n"
           "\n"
           "content-type;host;x-amz-date;x-multi\n"
           "%s",
           body_hash);
  CHECK_STR(out.canonical_request, want);
  CHECK_STR(out.query, "a=1&a=~-_.&b=2&sp%20ace=%2B%26%3D");
  CHECK_INT(out.header_count, 2); /* X-Amz-Date, Authorization */

  /* S3: no normalization, single encoding (escapes re-canonicalized). */
  r.path = "/a/./b/../c//d%20e%7e$/";
  r.flags = AWSC_SIGV4_S3 | AWSC_SIGV4_DEBUG;
  CHECK_INT(awsc_sigv4_sign_headers(&out, &p, &r, NULL), 0);
  CHECK(STARTS(out.canonical_request, "POST\n/a/./b/../c//d%20e~%24/\n"));
  /* Raw paths are encoded by the signer. */
  r.path = "/key with space/ü+";
  r.flags = AWSC_SIGV4_S3 | AWSC_SIGV4_PATH_RAW | AWSC_SIGV4_DEBUG;
  CHECK_INT(awsc_sigv4_sign_headers(&out, &p, &r, NULL), 0);
  CHECK(STARTS(out.canonical_request, "POST\n/key%20with%20space/%C3%BC%2B\n"));
  r.flags = AWSC_SIGV4_PATH_RAW | AWSC_SIGV4_DEBUG; /* double-encoded */
  CHECK_INT(awsc_sigv4_sign_headers(&out, &p, &r, NULL), 0);
  CHECK(STARTS(out.canonical_request,
               "POST\n/key%2520with%2520space/%25C3%25BC%252B\n"));
  /* Empty path. */
  r.path = NULL;
  r.flags = AWSC_SIGV4_DEBUG;
  CHECK_INT(awsc_sigv4_sign_headers(&out, &p, &r, NULL), 0);
  CHECK(STARTS(out.canonical_request, "POST\n/\n"));
  /* Explicit payload hash, unsigned payload. */
  r.payload_hash = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
  CHECK_INT(awsc_sigv4_sign_headers(&out, &p, &r, NULL), 0);
  CHECK(strstr(out.canonical_request, "\nSTREAMING-UNSIGNED-PAYLOAD-TRAILER") !=
        NULL);
  r.flags |= AWSC_SIGV4_UNSIGNED_PAYLOAD;
  CHECK_INT(awsc_sigv4_sign_headers(&out, &p, &r, NULL), 0);
  CHECK(strstr(out.canonical_request, "\nUNSIGNED-PAYLOAD") != NULL);
  awsc_sigv4_result_cleanup(&out);
}

static void test_session_token_header(void) {
  awsc_sigv4_params p = params("us-east-1", "sts");
  p.session_token = TOKEN;
  awsc_http_header h[] = {{"Host", "sts.amazonaws.com"},
                          {"X-Amz-Security-Token", "old"}};
  awsc_sigv4_request r = AWSC_SIGV4_REQUEST_INIT;
  r.method = "POST";
  r.path = "/";
  r.headers = h;
  r.header_count = 2;
  r.flags = AWSC_SIGV4_DEBUG;
  awsc_sigv4_result out = AWSC_SIGV4_RESULT_INIT;
  CHECK_INT(awsc_sigv4_sign_headers(&out, &p, &r, NULL), 0);
  CHECK_INT(out.header_count, 3);
  CHECK_STR(out.headers[0].name, "X-Amz-Security-Token");
  CHECK_STR(out.headers[0].value, TOKEN);
  CHECK(strstr(out.canonical_request, "x-amz-security-token:" TOKEN "\n"));
  CHECK(strstr(out_header(&out, "Authorization"),
               "SignedHeaders=host;x-amz-date;x-amz-security-token,"));
  r.flags |= AWSC_SIGV4_OMIT_SESSION_TOKEN;
  CHECK_INT(awsc_sigv4_sign_headers(&out, &p, &r, NULL), 0);
  CHECK_STR(out.headers[0].value, TOKEN);
  CHECK(strstr(out.canonical_request, "security-token") == NULL);
  awsc_sigv4_result_cleanup(&out);
}

/* ---- the key cache ---- */

static void sign_with(awsc_sigv4_result *out, awsc_sigv4_params *p,
                      char sig[65]) {
  awsc_sigv4_request r = s3_get();
  CHECK_INT(awsc_sigv4_sign_headers(out, p, &r, NULL), 0);
  memcpy(sig, out->signature, 65);
}

/* The signature a fresh result computes without any cache. */
static void reference_sig(awsc_sigv4_params p, char sig[65]) {
  p.cache = NULL;
  awsc_sigv4_result out = AWSC_SIGV4_RESULT_INIT;
  sign_with(&out, &p, sig);
  awsc_sigv4_result_cleanup(&out);
}

static void test_key_cache(void) {
  awsc_sigv4_cache *cache = NULL;
  CHECK_INT(awsc_sigv4_cache_new(&cache, NULL), 0);
  uint64_t hits = 9, misses = 9;
  awsc_sigv4_cache_stats(&hits, &misses, cache);
  CHECK(hits == 0 && misses == 0);
  awsc_sigv4_params p = params("us-east-1", "s3");
  p.cache = cache;
  awsc_sigv4_result a = AWSC_SIGV4_RESULT_INIT, b = AWSC_SIGV4_RESULT_INIT;
  char sig[65], ref[65];

  sign_with(&a, &p, sig); /* derive */
  CHECK_STR(sig, S3_GET_SIG);
  awsc_sigv4_cache_stats(&hits, &misses, cache);
  CHECK(hits == 0 && misses == 1);
  sign_with(&b, &p, sig); /* another result: shared cache hit */
  CHECK_STR(sig, S3_GET_SIG);
  awsc_sigv4_cache_stats(&hits, &misses, cache);
  CHECK(hits == 1 && misses == 1);
  for (int i = 0; i < 5; i++)
    sign_with(&a, &p, sig); /* the result's own slot: no lookup */
  CHECK_STR(sig, S3_GET_SIG);
  awsc_sigv4_cache_stats(&hits, &misses, cache);
  CHECK(hits == 1 && misses == 1);

  /* Next day: a new key, still correct. */
  p.time_ms = T_20130524 + DAY_MS;
  sign_with(&a, &p, sig);
  reference_sig(p, ref);
  CHECK_STR(sig, ref);
  CHECK(strcmp(sig, S3_GET_SIG) != 0);
  awsc_sigv4_cache_stats(&hits, &misses, cache);
  CHECK(hits == 1 && misses == 2);
  sign_with(&b, &p, sig);
  CHECK_STR(sig, ref);
  awsc_sigv4_cache_stats(&hits, &misses, cache);
  CHECK(hits == 2 && misses == 2);
  /* Back to the first day: still cached. */
  p.time_ms = T_20130524;
  sign_with(&a, &p, sig);
  CHECK_STR(sig, S3_GET_SIG);
  awsc_sigv4_cache_stats(&hits, &misses, cache);
  CHECK(hits == 3 && misses == 2);

  /* Same access key, other secret (rotation): not served from cache. */
  p.secret_access_key = "another/secret+key+of+forty+chars+long00";
  sign_with(&a, &p, sig);
  reference_sig(p, ref);
  CHECK_STR(sig, ref);
  CHECK(strcmp(sig, S3_GET_SIG) != 0);
  awsc_sigv4_cache_stats(&hits, &misses, cache);
  CHECK(misses == 3);
  p.secret_access_key = SK;

  /* More scopes than slots: evictions keep results correct. */
  char region[32];
  for (int round = 0; round < 2; round++) {
    for (int i = 0; i < 40; i++) {
      snprintf(region, sizeof(region), "region-%d", i);
      p.region = region;
      sign_with(&b, &p, sig);
      reference_sig(p, ref);
      CHECK_STR(sig, ref);
    }
  }
  awsc_sigv4_result_cleanup(&a);
  awsc_sigv4_result_cleanup(&b);
  awsc_sigv4_cache_free(cache);
  awsc_sigv4_cache_free(NULL);
  awsc_sigv4_cache_stats(&hits, NULL, NULL);
  CHECK(hits == 0);
}

typedef struct thread_arg {
  awsc_sigv4_cache *cache;
  const char (*want)[65];
  int bad;
} thread_arg;

static void *thread_main(void *v) {
  thread_arg *t = v;
  static const char *const regions[] = {"us-east-1", "eu-west-1", "ap-south-1"};
  awsc_sigv4_result out = AWSC_SIGV4_RESULT_INIT;
  awsc_sigv4_request r = s3_get();
  for (int i = 0; i < 3000; i++) {
    awsc_sigv4_params p = params(regions[i % 3], "s3");
    p.cache = t->cache;
    if (awsc_sigv4_sign_headers(&out, &p, &r, NULL) != 0 ||
        strcmp(out.signature, t->want[i % 3]) != 0)
      t->bad++;
  }
  awsc_sigv4_result_cleanup(&out);
  return NULL;
}

static void test_cache_threads(void) {
  static const char *const regions[] = {"us-east-1", "eu-west-1", "ap-south-1"};
  char want[3][65];
  for (int i = 0; i < 3; i++)
    reference_sig(params(regions[i], "s3"), want[i]);
  awsc_sigv4_cache *cache = NULL;
  CHECK_INT(awsc_sigv4_cache_new(&cache, NULL), 0);
  pthread_t th[4];
  thread_arg args[4];
  for (int i = 0; i < 4; i++) {
    args[i] = (thread_arg){cache, (const char(*)[65])want, 0};
    CHECK_INT(pthread_create(&th[i], NULL, thread_main, &args[i]), 0);
  }
  for (int i = 0; i < 4; i++) {
    pthread_join(th[i], NULL);
    CHECK_INT(args[i].bad, 0);
  }
  uint64_t hits, misses;
  awsc_sigv4_cache_stats(&hits, &misses, cache);
  CHECK(misses >= 3);
  CHECK(hits + misses > 0);
  awsc_sigv4_cache_free(cache);
}

/* ---- allocation behaviour ---- */

static void test_no_allocations_when_reused(void) {
  awsc_sigv4_params p = params("us-east-1", "s3");
  awsc_sigv4_param q[] = {{"list-type", "2"}, {"prefix", "photos/"}};
  awsc_sigv4_request r = s3_get();
  r.query = q;
  r.query_count = 2;
  r.flags |= AWSC_SIGV4_UNSIGNED_PAYLOAD;
  awsc_sigv4_result out = AWSC_SIGV4_RESULT_INIT;
  CHECK_INT(awsc_sigv4_sign_headers(&out, &p, &r, NULL), 0);
  uint64_t before = test_alloc_count();
  for (int i = 0; i < 100; i++) {
    p.time_ms = T_20130524 + i * 1000;
    CHECK_INT(awsc_sigv4_sign_headers(&out, &p, &r, NULL), 0);
  }
  CHECK(test_alloc_count() == before);
  awsc_sigv4_result_cleanup(&out);
}

/* ---- errors never carry secrets ---- */

static void check_clean(const awsc_error *err) {
  CHECK(err->message[0] != '\0');
  CHECK(strstr(err->message, SK) == NULL);
  CHECK(strstr(err->message, "wJalrXUtnFEMI") == NULL);
  CHECK(strstr(err->message, TOKEN) == NULL);
  CHECK(strstr(err->message, "FQoGZXIvYXdz") == NULL);
}

static void test_errors_without_secrets(void) {
  awsc_sigv4_result out = AWSC_SIGV4_RESULT_INIT;
  awsc_error err;
  awsc_http_header bad_name[] = {{"Bad Name", "v"}};
  awsc_http_header null_value[] = {{"Host", NULL}};
  awsc_http_header host_only[] = {{"Host", "h"}};
  for (int c = 0; c < 14; c++) {
    awsc_sigv4_params p = params("us-east-1", "s3");
    p.session_token = TOKEN;
    p.expires_s = 60;
    awsc_sigv4_request r = AWSC_SIGV4_REQUEST_INIT;
    r.method = "GET";
    r.headers = host_only;
    r.header_count = 1;
    bool presign = false;
    int want = AWSC_EVALIDATION;
    switch (c) {
    case 0:
      p.expires_s = 0;
      presign = true;
      break;
    case 1:
      r.header_count = 0;
      break; /* no host */
    case 2:
      p.region = "us/east";
      break;
    case 3:
      p.service = "s 3";
      break;
    case 4:
      r.headers = bad_name;
      break;
    case 5:
      r.payload_hash = "not a hash";
      break;
    case 6:
      r.method = "GE T";
      break;
    case 7:
      r.path = "/bad%zzescape";
      r.flags = AWSC_SIGV4_S3;
      break;
    case 8:
      p.access_key_id = "AK/ID";
      break;
    case 9:
      r.headers = null_value;
      want = AWSC_EINVAL;
      break;
    case 10:
      p.secret_access_key = "";
      want = AWSC_EINVAL;
      break;
    case 11:
      p.version = 7;
      want = AWSC_EINVAL;
      break;
    case 12:
      r.version = 0;
      want = AWSC_EINVAL;
      break;
    case 13:
      p.time_ms = -5;
      break;
    }
    awsc_error_clear(&err);
    int rc = presign ? awsc_sigv4_presign(&out, &p, &r, &err)
                     : awsc_sigv4_sign_headers(&out, &p, &r, &err);
    if (rc != want)
      fprintf(stderr, "error case %d: rc %d\n", c, rc);
    CHECK_INT(rc, want);
    CHECK_INT(err.code, want);
    check_clean(&err);
    CHECK(out.header_count == 0 && out.query == NULL);
  }
  CHECK_INT(awsc_sigv4_sign_headers(NULL, NULL, NULL, &err), AWSC_EINVAL);
  check_clean(&err);
  awsc_sigv4_result_cleanup(&out);
}

/* Fail each allocation in turn: ENOMEM, no secret, no leak. */
static void test_allocation_failures(void) {
  int64_t live = test_alloc_live();
  awsc_sigv4_cache *cache = NULL;
  CHECK_INT(awsc_sigv4_cache_new(&cache, NULL), 0);
  awsc_sigv4_params p = params("us-east-1", "s3");
  p.session_token = TOKEN;
  p.cache = cache;
  p.expires_s = 900;
  awsc_sigv4_param q[40];
  for (int i = 0; i < 40; i++)
    q[i] = (awsc_sigv4_param){"name", "va lue"};
  awsc_http_header h[40];
  for (int i = 0; i < 40; i++)
    h[i] = (awsc_http_header){"X-Meta", "v"};
  h[0] = (awsc_http_header){"Host", "b.s3.amazonaws.com"};
  awsc_sigv4_request r = AWSC_SIGV4_REQUEST_INIT;
  r.method = "PUT";
  r.path = "/a b/c";
  r.headers = h;
  r.header_count = 40;
  r.query = q;
  r.query_count = 40;
  r.flags =
      AWSC_SIGV4_PATH_RAW | AWSC_SIGV4_DEBUG | AWSC_SIGV4_OMIT_SESSION_TOKEN;
  for (int presign = 0; presign < 2; presign++) {
    int failures = 0;
    for (uint64_t n = 1; n < 200; n++) {
      awsc_sigv4_result out = AWSC_SIGV4_RESULT_INIT;
      awsc_error err = AWSC_ERROR_INIT;
      test_alloc_fail_at(n);
      int rc = presign ? awsc_sigv4_presign(&out, &p, &r, &err)
                       : awsc_sigv4_sign_headers(&out, &p, &r, &err);
      int fired = test_alloc_failure_fired();
      test_alloc_fail_at(0);
      if (!fired) {
        CHECK_INT(rc, 0);
        awsc_sigv4_result_cleanup(&out);
        break;
      }
      failures++;
      CHECK_INT(rc, AWSC_ENOMEM);
      check_clean(&err);
      awsc_sigv4_result_cleanup(&out);
    }
    CHECK(failures > 3);
  }
  awsc_sigv4_cache_free(cache);
  CHECK_INT(test_alloc_live(), live);
}

int main(void) {
  test_alloc_install();
  RUN(test_s3_doc_get_object);
  RUN(test_s3_doc_presigned_url);
  RUN(test_presign_expiry_validation);
  RUN(test_presign_token_and_conflicts);
  RUN(test_canonical_rules);
  RUN(test_session_token_header);
  RUN(test_key_cache);
  RUN(test_cache_threads);
  RUN(test_no_allocations_when_reused);
  RUN(test_errors_without_secrets);
  RUN(test_allocation_failures);
  return test_summary();
}
