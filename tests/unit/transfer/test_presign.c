/*
 * generate_presigned_url in its two forms: the typed one (a generated
 * request struct, awsc/presign.h) gives the same URL as the JSON one for
 * the same parameters, credentials and second; S3 (parameters in the
 * path, query and signed headers) and SNS (query protocol: the form body
 * moves into the query); the same validation (expiry at least 1 and
 * signed beyond 7 days as botocore does, 0 = 3600,
 * missing required member, unknown operation, options version); nothing
 * is sent; the whole call as JSON (awsc_generate_presigned_url_json);
 * no leaks. Lives beside the transfer tests because it shares
 * their S3 client on the fake transport.
 */
#include "awsc/presign.h"
#include "awsc/sns.h"
#include "util.h"

static const char *model_path;

typedef struct form {
  const char *operation;
  const char *json;  /* JSON parameters */
  const void *typed; /* the same as the generated struct */
  int64_t expires_in;
} form;

/* Both forms of `f`, signed in the same second (X-Amz-Date has seconds):
 * a JSON URL before and after the typed one; when those two agree the
 * three were signed at the same time. */
static void same_url(awsc_client *c, const form *f, char **typed_url) {
  awsc_presign_options po = AWSC_PRESIGN_OPTIONS_INIT;
  po.expires_in = f->expires_in;
  *typed_url = NULL;
  for (int attempt = 0; attempt < 5; attempt++) {
    char *before = NULL, *typed = NULL, *after = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    CHECK_INT(awsc_generate_presigned_url(&before, c, f->operation, f->json,
                                          f->expires_in, &err),
              0);
    CHECK_INT(awsc_generate_presigned_url_typed(&typed, c, f->operation,
                                                f->typed, &po, &err),
              0);
    if (err.message[0])
      fprintf(stderr, "%s: %s\n", f->operation, err.message);
    CHECK_INT(awsc_generate_presigned_url(&after, c, f->operation, f->json,
                                          f->expires_in, &err),
              0);
    bool same_second = before && after && strcmp(before, after) == 0;
    if (same_second) {
      CHECK(typed != NULL);
      if (typed)
        CHECK_STR(typed, before);
    }
    awsc_mem_free(before);
    awsc_mem_free(after);
    if (same_second) {
      *typed_url = typed;
      return;
    }
    awsc_mem_free(typed);
  }
  CHECK(!"five tries never stayed within one second");
}

static void test_s3_same_url(void) {
  fs3_init(&fs);
  awsc_session *s;
  awsc_client *c = make_client("s3", &s);
  char *url = NULL;

  struct awsc_s3_GetObjectRequest get = {0};
  get.bucket = "bkt";
  get.key = "dir/a b.txt";
  get.version_id = "v1";
  get.response_content_type = "text/plain";
  form f = {"get_object",
            "{\"Bucket\": \"bkt\", \"Key\": \"dir/a b.txt\", \"VersionId\": "
            "\"v1\", \"ResponseContentType\": \"text/plain\"}",
            &get, 600};
  same_url(c, &f, &url);
  CHECK(url && strncmp(url, "http://s3.fake/bkt/dir/a%20b.txt?", 33) == 0);
  CHECK(url && strstr(url, "X-Amz-Expires=600") != NULL);
  CHECK(url && strstr(url, "versionId=v1") != NULL);
  CHECK(url && strstr(url, "response-content-type=text%2Fplain") != NULL);
  CHECK(url && strstr(url, "X-Amz-Signature=") != NULL);
  awsc_mem_free(url);

  /* headers the parameters make are signed in both; 0 = 3600 */
  const awsc_s3_Metadata_Entry meta[] = {{"owner", "qa"}};
  struct awsc_s3_PutObjectRequest put = {0};
  put.bucket = "bkt";
  put.key = "k";
  put.content_type = "text/csv";
  put.metadata = meta;
  put.metadata_count = 1;
  form p = {"PutObject",
            "{\"Bucket\": \"bkt\", \"Key\": \"k\", \"ContentType\": "
            "\"text/csv\", \"Metadata\": {\"owner\": \"qa\"}}",
            &put, 0};
  same_url(c, &p, &url);
  CHECK(url && strstr(url, "X-Amz-Expires=3600") != NULL);
  CHECK(url && strstr(url, "content-type") != NULL);
  CHECK(url && strstr(url, "x-amz-meta-owner") != NULL);
  awsc_mem_free(url);
  CHECK_INT(fs.n_req, 0);
  awsc_client_free(c);
  awsc_session_free(s);
  fs3_cleanup(&fs);
}

static void test_sns_same_url(void) {
  fs3_init(&fs);
  awsc_session *s;
  awsc_client *c = make_client("sns", &s);
  struct awsc_sns_PublishInput pub = {0};
  pub.topic_arn = "arn:aws:sns:us-east-1:123456789012:t";
  pub.message = "hello & bye";
  pub.subject = "s";
  form f = {"publish",
            "{\"TopicArn\": \"arn:aws:sns:us-east-1:123456789012:t\", "
            "\"Message\": \"hello & bye\", \"Subject\": \"s\"}",
            &pub, 60};
  char *url = NULL;
  same_url(c, &f, &url);
  CHECK(url && strstr(url, "Action=Publish") != NULL);
  CHECK(url && strstr(url, "Message=hello%20%26%20bye") != NULL);
  CHECK(url && strstr(url, "X-Amz-Expires=60") != NULL);
  awsc_mem_free(url);
  CHECK_INT(fs.n_req, 0);
  awsc_client_free(c);
  awsc_session_free(s);
  fs3_cleanup(&fs);
}

/* Refused in both forms alike, *url_out NULL, nothing sent. */
static void test_validation(void) {
  fs3_init(&fs);
  awsc_session *s;
  awsc_client *c = make_client("s3", &s);
  awsc_error err = AWSC_ERROR_INIT;
  char *url = (char *)"unset";
  struct awsc_s3_GetObjectRequest get = {0};
  get.bucket = "bkt";
  get.key = "k";
  awsc_presign_options po = AWSC_PRESIGN_OPTIONS_INIT;
  /* below 1 s: signed as botocore signs it, alike in both forms */
  po.expires_in = -5;
  CHECK_INT(
      awsc_generate_presigned_url_typed(&url, c, "get_object", &get, &po, &err),
      0);
  CHECK(url && strstr(url, "X-Amz-Expires=-5&") != NULL);
  awsc_mem_free(url);
  CHECK_INT(awsc_generate_presigned_url(&url, c, "get_object",
                                        "{\"Bucket\": \"bkt\", \"Key\": \"k\"}",
                                        -5, &err),
            0);
  CHECK(url && strstr(url, "X-Amz-Expires=-5&") != NULL);
  awsc_mem_free(url);
  /* beyond SigV4's 7 days: signed as botocore signs it (the service
   * refuses the URL), in both forms, up to the largest int64 */
  const int64_t long_lives[] = {604800, 604801, 31536000, INT64_MAX};
  for (size_t i = 0; i < sizeof(long_lives) / sizeof(long_lives[0]); i++) {
    char want[48];
    snprintf(want, sizeof(want), "X-Amz-Expires=%lld&",
             (long long)long_lives[i]);
    po.expires_in = long_lives[i];
    CHECK_INT(awsc_generate_presigned_url_typed(&url, c, "get_object", &get,
                                                &po, &err),
              0);
    CHECK(url && strstr(url, want) != NULL);
    awsc_mem_free(url);
    CHECK_INT(awsc_generate_presigned_url(
                  &url, c, "get_object",
                  "{\"Bucket\": \"bkt\", \"Key\": \"k\"}", long_lives[i], &err),
              0);
    CHECK(url && strstr(url, want) != NULL);
    awsc_mem_free(url);
  }
  po.expires_in = 604800;
  /* NULL options: the defaults */
  CHECK_INT(
      awsc_generate_presigned_url_typed(&url, c, "GetObject", &get, NULL, &err),
      0);
  CHECK(url && strstr(url, "X-Amz-Expires=3600") != NULL);
  awsc_mem_free(url);
  /* a required member missing; NULL input is every member absent */
  get.key = NULL;
  CHECK_INT(awsc_generate_presigned_url_typed(&url, c, "get_object", &get, NULL,
                                              &err),
            AWSC_EVALIDATION);
  CHECK(strstr(err.message, "Key") != NULL);
  CHECK(url == NULL);
  CHECK_INT(awsc_generate_presigned_url_typed(&url, c, "get_object", NULL, NULL,
                                              &err),
            AWSC_EVALIDATION);
  CHECK_INT(awsc_generate_presigned_url_typed(&url, c, "list_buckets", NULL,
                                              NULL, &err),
            0);
  CHECK(url && strncmp(url, "http://s3.fake/?", 16) == 0);
  awsc_mem_free(url);
  get.key = "k";
  /* unknown operation, NULL arguments */
  CHECK_INT(awsc_generate_presigned_url_typed(&url, c, "get_objekt", &get, NULL,
                                              &err),
            AWSC_ENOTFOUND);
  CHECK_INT(awsc_generate_presigned_url_typed(NULL, c, "get_object", &get, NULL,
                                              &err),
            AWSC_EINVAL);
  CHECK_INT(awsc_generate_presigned_url_typed(&url, NULL, "get_object", &get,
                                              NULL, &err),
            AWSC_EINVAL);
  CHECK_INT(awsc_generate_presigned_url_typed(&url, c, NULL, &get, NULL, NULL),
            AWSC_EINVAL);
  /* options version: 0 < version <= current */
  po = (awsc_presign_options)AWSC_PRESIGN_OPTIONS_INIT;
  po.version = 0;
  CHECK_INT(
      awsc_generate_presigned_url_typed(&url, c, "get_object", &get, &po, &err),
      AWSC_EINVAL);
  CHECK(strstr(err.message, "version is 0") != NULL);
  po.version = AWSC_PRESIGN_OPTIONS_VERSION + 1;
  CHECK_INT(
      awsc_generate_presigned_url_typed(&url, c, "get_object", &get, &po, &err),
      AWSC_EINVAL);
  CHECK(url == NULL);
  po.version = AWSC_PRESIGN_OPTIONS_VERSION;
  CHECK_INT(
      awsc_generate_presigned_url_typed(&url, c, "get_object", &get, &po, &err),
      0);
  awsc_mem_free(url);
  CHECK_INT(fs.n_req, 0);
  awsc_client_free(c);
  awsc_session_free(s);
  fs3_cleanup(&fs);
}

/* The whole call as JSON: the same URL as the other forms; ExpiresIn a
 * positive integer read from the parsed object only (a Key named
 * "ExpiresIn" or "ClientMethod" is just a key); every bad value refused
 * naming its member; nothing sent. */
static void test_call_json(void) {
  fs3_init(&fs);
  awsc_session *s;
  awsc_client *c = make_client("s3", &s);
  awsc_error err = AWSC_ERROR_INIT;
  char *url = NULL, *want = NULL;
  for (int attempt = 0; attempt < 5; attempt++) {
    awsc_mem_free(want);
    awsc_mem_free(url);
    want = url = NULL;
    CHECK_INT(awsc_generate_presigned_url(&want, c, "get_object",
                                          "{\"Bucket\": \"b\", \"Key\": "
                                          "\"ExpiresIn\"}",
                                          600, &err),
              0);
    CHECK_INT(awsc_generate_presigned_url_json(
                  &url, c,
                  "{\"Params\": {\"Key\": \"ExpiresIn\", \"Bucket\": \"b\"}, "
                  "\"ExpiresIn\": 600, \"ClientMethod\": \"get_object\"}",
                  &err),
              0);
    if (want && url && strcmp(want, url) == 0)
      break;
  }
  CHECK(want && url && strcmp(want, url) == 0);
  CHECK(url && strstr(url, "/b/ExpiresIn?") != NULL);
  CHECK(url && strstr(url, "X-Amz-Expires=600&") != NULL);
  awsc_mem_free(want);
  awsc_mem_free(url);

  static const struct {
    const char *json;
    const char *expires; /* in the URL; NULL: refused */
    const char *words;   /* in the message when refused */
  } cases[] = {
      {"{\"ClientMethod\": \"get_object\", \"Params\": {\"Bucket\": \"b\", "
       "\"Key\": \"k\"}}",
       "X-Amz-Expires=3600&", NULL},
      {"{\"ClientMethod\": \"get_object\", \"Params\": {\"Bucket\": \"b\", "
       "\"Key\": \"k\"}, \"ExpiresIn\": null}",
       "X-Amz-Expires=3600&", NULL},
      {"{\"ClientMethod\": \"GetObject\", \"Params\": {\"Bucket\": \"b\", "
       "\"Key\": \"k\"}, \"ExpiresIn\": 1}",
       "X-Amz-Expires=1&", NULL},
      {"{\"ClientMethod\": \"get_object\", \"Params\": {\"Bucket\": \"b\", "
       "\"Key\": \"k\"}, \"ExpiresIn\": 604801}",
       "X-Amz-Expires=604801&", NULL},
      {"{\"ClientMethod\": \"list_buckets\", \"ExpiresIn\": 5, "
       "\"ExpiresIn\": 7}",
       "X-Amz-Expires=7&", NULL},
      {"{\"ClientMethod\": \"list_buckets\", \"ExpiresIn\": 0}",
       "X-Amz-Expires=0&", NULL},
      {"{\"ClientMethod\": \"list_buckets\", \"ExpiresIn\": -1}",
       "X-Amz-Expires=-1&", NULL},
      {"{\"ClientMethod\": \"list_buckets\", \"ExpiresIn\": "
       "99999999999999999999}",
       NULL, "Invalid value for parameter ExpiresIn, value: 9999"},
      {"{\"ClientMethod\": \"list_buckets\", \"ExpiresIn\": \"abc\"}", NULL,
       "Invalid type for parameter ExpiresIn, value: abc, type: str"},
      {"{\"ClientMethod\": \"list_buckets\", \"ExpiresIn\": \"600\"}", NULL,
       "Invalid type for parameter ExpiresIn, value: 600, type: str"},
      {"{\"ClientMethod\": \"list_buckets\", \"ExpiresIn\": 1e3}", NULL,
       "Invalid type for parameter ExpiresIn, value: 1e3, type: float"},
      {"{\"ClientMethod\": \"list_buckets\", \"ExpiresIn\": 1.5}", NULL,
       "Invalid type for parameter ExpiresIn, value: 1.5, type: float"},
      {"{\"ClientMethod\": \"list_buckets\", \"ExpiresIn\": 60.0}", NULL,
       "Invalid type for parameter ExpiresIn, value: 60.0, type: float"},
      {"{\"ClientMethod\": \"list_buckets\", \"ExpiresIn\": true}", NULL,
       "Invalid type for parameter ExpiresIn, value: True, type: bool"},
      {"{\"ClientMethod\": \"list_buckets\", \"ExpiresIn\": [1]}", NULL,
       "Invalid type for parameter ExpiresIn"},
      {"{\"Params\": {\"Bucket\": \"b\", \"Key\": \"ClientMethod\"}}", NULL,
       "Missing required parameter in generate_presigned_url: "
       "\"ClientMethod\""},
      {"{\"ClientMethod\": 3}", NULL,
       "Invalid type for parameter ClientMethod, value: 3, type: int"},
      {"{\"ClientMethod\": \"get_objekt\"}", NULL,
       "Operation get_objekt not found"},
      {"{\"ClientMethod\": \"get_object\", \"Params\": [1]}", NULL,
       "Invalid type for parameter Params, value: [...], type: list"},
      {"{\"ClientMethod\": \"get_object\", \"HttpMethod\": \"PUT\"}", NULL,
       "Unknown parameter in generate_presigned_url: \"HttpMethod\""},
      {"{\"ClientMethod\": \"get_object\", \"Params\": {\"Bucket\": \"b\", "
       "\"Key\": \"\"}}",
       NULL, "Invalid length for parameter Key"},
      {"{\"ClientMethod\": \"get_object\", \"Params\": {\"Bucket\": \"b\"}}",
       NULL, "Missing required parameter in input: \"Key\""},
      {"[\"get_object\"]", NULL,
       "Invalid type for parameter generate_presigned_url, value: [...]"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    url = (char *)"unset";
    awsc_error_clear(&err);
    int rc = awsc_generate_presigned_url_json(&url, c, cases[i].json, &err);
    if (cases[i].expires) {
      CHECK_INT(rc, 0);
      CHECK(url && strstr(url, cases[i].expires) != NULL);
      awsc_mem_free(url);
      continue;
    }
    CHECK_INT(rc, strstr(cases[i].words, "not found") ? AWSC_ENOTFOUND
                                                      : AWSC_EVALIDATION);
    CHECK_INT(err.kind, AWSC_ERROR_VALIDATION);
    CHECK(url == NULL);
    if (!strstr(err.message, cases[i].words))
      fprintf(stderr, "case %zu: %s\n", i, err.message);
    CHECK(strstr(err.message, cases[i].words) != NULL);
  }
  /* not JSON: a parse error with no HTTP status (the CLI's exit 2) */
  const char *broken[] = {"", "{", "{\"ClientMethod\": \"get_object\",}",
                          "{\"ClientMethod\": \"get_object\"} x"};
  for (size_t i = 0; i < sizeof(broken) / sizeof(broken[0]); i++) {
    url = (char *)"unset";
    CHECK_INT(awsc_generate_presigned_url_json(&url, c, broken[i], &err),
              AWSC_EPARSE);
    CHECK_INT(err.kind, AWSC_ERROR_PARSE);
    CHECK_INT(err.http_status, 0);
    CHECK(url == NULL);
  }
  CHECK_INT(awsc_generate_presigned_url_json(NULL, c, "{}", &err), AWSC_EINVAL);
  CHECK_INT(awsc_generate_presigned_url_json(&url, c, NULL, &err), AWSC_EINVAL);
  CHECK_INT(fs.n_req, 0);
  awsc_client_free(c);
  awsc_session_free(s);
  fs3_cleanup(&fs);
}

/* A client whose model was read at run time has no struct layout: the
 * typed form says so instead of reading the struct blind. */
static void test_model_client(void) {
  fs3_init(&fs);
  awsc_session *s;
  awsc_client *c = make_client("s3", &s);
  awsc_client *m = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_client_new_from_model(&m, s, model_path, NULL, &err), 0);
  struct awsc_sns_PublishInput pub = {0};
  pub.topic_arn = "arn:aws:sns:us-east-1:123456789012:t";
  pub.message = "m";
  char *url = NULL;
  CHECK_INT(
      awsc_generate_presigned_url_typed(&url, m, "publish", &pub, NULL, &err),
      AWSC_EUNSUPPORTED);
  CHECK(url == NULL);
  /* the JSON form serves it */
  CHECK_INT(awsc_generate_presigned_url(
                &url, m, "publish",
                "{\"TopicArn\": \"arn:aws:sns:us-east-1:123456789012:t\", "
                "\"Message\": \"m\"}",
                0, &err),
            0);
  awsc_mem_free(url);
  awsc_client_free(m);
  awsc_client_free(c);
  awsc_session_free(s);
  fs3_cleanup(&fs);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s models/sns/.../service-2.json\n", argv[0]);
    return 2;
  }
  model_path = argv[1];
  test_alloc_install();
  RUN(test_s3_same_url);
  RUN(test_sns_same_url);
  RUN(test_validation);
  RUN(test_call_json);
  RUN(test_model_client);
  /* everything the library allocated is released */
  test_current_failed = 0;
  CHECK_INT(test_alloc_live(), 0);
  return test_summary();
}
