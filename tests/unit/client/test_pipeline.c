/*
 * The request pipeline against a scripted transport: retries and their
 * count, service vs transport errors, S3 customizations (checksum header,
 * Content-MD5, LocationConstraint, wrong-region redirect), typed outputs
 * and ResponseMetadata, presigned URLs, no leaks.
 */
#include <string.h>
#include <unistd.h>

#include "awsc/s3.h"
#include "awsc/sns.h"
#include "awsc/sts.h"
#include "client/client_internal.h"
#include "fake_transport.h"
#include "test.h"

static fake_transport ft;

/* A session on the fake transport with the test keys, no environment
 * but what `env` answers (NULL: none). NULL + message on failure. */
static awsc_session *session_on_fake(const char *region,
                                     awsc_retry_mode retry_mode,
                                     awsc_session_getenv_fn env) {
  awsc_session_options so = AWSC_SESSION_OPTIONS_INIT;
  so.access_key_id = "AKIDEXAMPLE";
  so.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  so.region = region;
  so.transport = &ft.base;
  so.getenv_fn = env ? env : fake_env_none;
  so.retry_mode = retry_mode;
  awsc_error err = AWSC_ERROR_INIT;
  awsc_session *s = NULL;
  if (awsc_session_new(&s, &so, &err) != 0)
    fprintf(stderr, "session: %s\n", err.message);
  return s;
}

/* A client of `service` on such a session with options co (may be NULL). */
static awsc_client *client_on(awsc_session *s, const char *service,
                              const awsc_client_options *co) {
  awsc_error err = AWSC_ERROR_INIT;
  awsc_client *c = NULL;
  if (s && awsc_client_new(&c, s, service, co, &err) != 0) {
    fprintf(stderr, "client: %s\n", err.message);
    return NULL;
  }
  if (c)
    c->sleep_ms = fake_no_sleep;
  return c;
}

static awsc_client *make(const char *service, const char *region,
                         awsc_retry_mode retry_mode, awsc_session **s) {
  *s = session_on_fake(region, retry_mode, NULL);
  return client_on(*s, service, NULL);
}

static void done(awsc_client *c, awsc_session *s) {
  awsc_client_free(c);
  awsc_session_free(s);
}

static const char list_buckets_xml[] =
    "<ListAllMyBucketsResult><Buckets><Bucket><Name>b1</Name>"
    "<CreationDate>2026-01-02T03:04:05.000Z</CreationDate></Bucket>"
    "<Bucket><Name>b2</Name></Bucket></Buckets></ListAllMyBucketsResult>";

static void test_typed_output_and_metadata(void) {
  fake_init(&ft);
  fake_reply_add(&ft, 200, "x-amz-request-id: RID1\nx-amz-id-2: HID1\n",
                 list_buckets_xml);
  awsc_session *s;
  awsc_client *c = make("s3", "us-east-1", AWSC_RETRY_DEFAULT, &s);
  awsc_s3_ListBucketsOutput *out = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_s3_list_buckets(&out, c, NULL, &err), 0);
  CHECK(out && out->buckets_count == 2);
  if (out && out->buckets_count == 2) {
    CHECK_STR(out->buckets[0].name, "b1");
    CHECK(out->buckets[0].has_creation_date);
    CHECK_INT(out->buckets[0].creation_date, 1767323045000LL);
    CHECK(!out->buckets[1].has_creation_date);
    const awsc_response_metadata *md = awsc_output_metadata(out);
    CHECK_STR(md->request_id, "RID1");
    CHECK_STR(md->host_id, "HID1");
    CHECK_INT(md->http_status, 200);
    CHECK_INT(md->retry_attempts, 0);
  }
  awsc_mem_free(out);
  CHECK(strncmp(ft.sent[0].url, "https://s3.amazonaws.com/", 25) == 0 ||
        strncmp(ft.sent[0].url, "https://s3.us-east-1.amazonaws.com/", 35) ==
            0);
  CHECK(fake_sent_header(&ft, 0, "Authorization") != NULL);
  CHECK(fake_sent_header(&ft, 0, "x-amz-content-sha256") != NULL);
  done(c, s);
}

static void test_retry_then_success(void) {
  fake_init(&ft);
  fake_reply_add(&ft, 503, NULL,
                 "<Error><Code>SlowDown</Code><Message>m</Message></Error>");
  fake_error_add(&ft, AWSC_ENETWORK);
  fake_reply_add(&ft, 200, "x-amz-request-id: R3\n", list_buckets_xml);
  awsc_session *s;
  awsc_client *c = make("s3", "us-east-1", AWSC_RETRY_STANDARD, &s);
  char *json = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_call_json(&json, c, "ListBuckets", NULL, &err), 0);
  CHECK_INT(ft.n_sent, 3);
  CHECK(json && strstr(json, "\"RetryAttempts\":2"));
  awsc_mem_free(json);
  done(c, s);
}

static void test_retries_exhausted_service_error(void) {
  fake_init(&ft);
  for (int i = 0; i < 3; i++)
    fake_reply_add(&ft, 500, "x-amz-request-id: RX\n",
                   "<Error><Code>InternalError</Code><Message>boom</Message>"
                   "<RequestId>RX</RequestId></Error>");
  awsc_session *s;
  awsc_client *c = make("s3", "us-east-1", AWSC_RETRY_STANDARD, &s);
  char *json = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_call_json(&json, c, "ListBuckets", NULL, &err), AWSC_ESERVICE);
  CHECK_INT(ft.n_sent, 3); /* standard mode: 3 attempts */
  CHECK_INT(err.kind, AWSC_ERROR_SERVICE);
  CHECK_STR(err.service_code, "InternalError");
  CHECK_INT(err.http_status, 500);
  CHECK_INT(err.retry_attempts, 2);
  CHECK(strstr(err.message, "boom") != NULL);
  done(c, s);
}

static void test_not_retried_4xx(void) {
  fake_init(&ft);
  fake_reply_add(&ft, 404, NULL,
                 "<Error><Code>NoSuchBucket</Code><Message></Message></Error>");
  awsc_session *s;
  awsc_client *c = make("s3", "us-east-1", AWSC_RETRY_DEFAULT, &s);
  char *json = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(
      awsc_call_json(&json, c, "list_objects_v2", "{\"Bucket\":\"nb\"}", &err),
      AWSC_ESERVICE);
  CHECK_INT(ft.n_sent, 1);
  CHECK_STR(err.service_code, "NoSuchBucket");
  done(c, s);
}

static void test_validation_sends_nothing(void) {
  fake_init(&ft);
  awsc_session *s;
  awsc_client *c = make("s3", "us-east-1", AWSC_RETRY_DEFAULT, &s);
  char *json = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(
      awsc_call_json(&json, c, "ListObjectsV2", "{\"Prefix\":\"p\"}", &err),
      AWSC_EVALIDATION);
  CHECK(strstr(err.message, "Bucket") != NULL);
  CHECK_INT(awsc_call_json(&json, c, "ListObjectsV2",
                           "{\"Bucket\":\"b\",\"Bogus\":1}", &err),
            AWSC_EVALIDATION);
  CHECK(strstr(err.message, "Bogus") != NULL);
  awsc_s3_GetObjectRequest gi = {0};
  gi.bucket = "b"; /* Key missing */
  CHECK_INT(awsc_s3_get_object(NULL, c, &gi, &err), AWSC_EVALIDATION);
  CHECK(strstr(err.message, "Key") != NULL);
  CHECK_INT(ft.n_sent, 0);
  CHECK_INT(awsc_call_json(&json, c, "NoSuchOperation", NULL, &err),
            AWSC_ENOTFOUND);
  done(c, s);
}

static void test_put_object_checksum_header(void) {
  fake_init(&ft);
  fake_reply_add(&ft, 200, "ETag: \"e\"\n", "");
  awsc_session *s;
  awsc_client *c = make("s3", "us-east-1", AWSC_RETRY_DEFAULT, &s);
  awsc_s3_PutObjectRequest in = {0};
  in.bucket = "b";
  in.key = "k";
  in.body.data = "123456789";
  in.body.len = 9;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_s3_put_object(NULL, c, &in, &err), 0);
  /* CRC32("123456789") = 0xCBF43926 -> base64 "y/Q5Jg==" */
  const char *v = fake_sent_header(&ft, 0, "x-amz-checksum-crc32");
  CHECK(v && strcmp(v, "y/Q5Jg==") == 0);
  done(c, s);
}

static void test_delete_objects_content_md5(void) {
  fake_init(&ft);
  fake_reply_add(&ft, 200, NULL, "<DeleteResult></DeleteResult>");
  awsc_session *s;
  awsc_client *c = make("s3", "us-east-1", AWSC_RETRY_DEFAULT, &s);
  char *json = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_call_json(&json, c, "delete_objects",
                           "{\"Bucket\":\"b\",\"Delete\":{\"Objects\":"
                           "[{\"Key\":\"a\"}]}}",
                           &err),
            0);
  const char *md5 = fake_sent_header(&ft, 0, "Content-MD5");
  CHECK(md5 != NULL);
  if (md5) { /* check it is the MD5 of what was sent */
    uint8_t d[16];
    char b64[32];
    awsc_md5(ft.sent[0].body, ft.sent[0].body_len, d);
    awsc_base64_encode(d, 16, b64);
    CHECK_STR(md5, b64);
  }
  awsc_mem_free(json);
  done(c, s);
}

static void test_create_bucket_location_constraint(void) {
  fake_init(&ft);
  fake_reply_add(&ft, 200, NULL, "");
  fake_reply_add(&ft, 200, NULL, "");
  awsc_session *s;
  awsc_client *c = make("s3", "eu-west-1", AWSC_RETRY_DEFAULT, &s);
  awsc_s3_CreateBucketRequest in = {0};
  in.bucket = "my-bucket";
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_s3_create_bucket(NULL, c, &in, &err), 0);
  CHECK(strstr(ft.sent[0].body,
               "<LocationConstraint>eu-west-1</LocationConstraint>") != NULL);
  done(c, s);
  /* us-east-1 sends none */
  c = make("s3", "us-east-1", AWSC_RETRY_DEFAULT, &s);
  CHECK_INT(awsc_s3_create_bucket(NULL, c, &in, &err), 0);
  CHECK(strstr(ft.sent[1].body, "LocationConstraint") == NULL);
  done(c, s);
}

static void test_wrong_region_redirect(void) {
  fake_init(&ft);
  fake_reply_add(&ft, 301, "x-amz-bucket-region: eu-central-1\n",
                 "<Error><Code>PermanentRedirect</Code><Message>use the "
                 "right endpoint</Message></Error>");
  fake_reply_add(&ft, 200, NULL,
                 "<ListBucketResult><Name>b</Name><KeyCount>0</KeyCount>"
                 "</ListBucketResult>");
  awsc_session *s;
  awsc_client *c = make("s3", "us-east-1", AWSC_RETRY_DEFAULT, &s);
  char *json = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_call_json(&json, c, "list_objects_v2",
                           "{\"Bucket\":\"mybucket\"}", &err),
            0);
  CHECK_INT(ft.n_sent, 2);
  CHECK(strstr(ft.sent[1].url, "eu-central-1") != NULL);
  const char *auth = fake_sent_header(&ft, 1, "Authorization");
  CHECK(auth && strstr(auth, "/eu-central-1/s3/aws4_request") != NULL);
  awsc_mem_free(json);
  done(c, s);
}

static void test_sns_query_and_error(void) {
  fake_init(&ft);
  fake_reply_add(&ft, 200, NULL,
                 "<CreateTopicResponse xmlns=\"http://sns.amazonaws.com/doc/"
                 "2010-03-31/\"><CreateTopicResult><TopicArn>arn:aws:sns:us-"
                 "east-1:1:t</TopicArn></CreateTopicResult><ResponseMetadata>"
                 "<RequestId>Q1</RequestId></ResponseMetadata>"
                 "</CreateTopicResponse>");
  fake_reply_add(
      &ft, 404, NULL,
      "<ErrorResponse><Error><Type>Sender</Type><Code>NotFound</Code>"
      "<Message>Topic does not exist</Message></Error><RequestId>Q2"
      "</RequestId></ErrorResponse>");
  awsc_session *s;
  awsc_client *c = make("sns", "us-east-1", AWSC_RETRY_DEFAULT, &s);
  awsc_sns_CreateTopicInput in = {0};
  in.name = "t";
  awsc_sns_CreateTopicResponse *out = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_sns_create_topic(&out, c, &in, &err), 0);
  CHECK(out && out->topic_arn &&
        strcmp(out->topic_arn, "arn:aws:sns:us-east-1:1:t") == 0);
  CHECK(out && strcmp(awsc_output_metadata(out)->request_id, "Q1") == 0);
  awsc_mem_free(out);
  CHECK(strstr(ft.sent[0].body, "Action=CreateTopic") != NULL);
  CHECK(strstr(ft.sent[0].url, "https://sns.us-east-1.amazonaws.com/") ==
        ft.sent[0].url);
  awsc_sns_GetTopicAttributesInput ga = {0};
  ga.topic_arn = "arn:aws:sns:us-east-1:1:nope";
  CHECK_INT(awsc_sns_get_topic_attributes(NULL, c, &ga, &err), AWSC_ESERVICE);
  CHECK_STR(err.service_code, "NotFound");
  CHECK_STR(err.request_id, "Q2");
  CHECK(strstr(err.message, "Topic does not exist") != NULL);
  /* a typed S3 function refuses an SNS client */
  CHECK_INT(awsc_s3_list_buckets(NULL, c, NULL, &err), AWSC_EINVAL);
  done(c, s);
}

static void test_presign(void) {
  fake_init(&ft);
  awsc_session *s;
  awsc_client *c = make("s3", "us-east-1", AWSC_RETRY_DEFAULT, &s);
  char *url = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_generate_presigned_url(&url, c, "get_object",
                                        "{\"Bucket\":\"b\",\"Key\":\"a b\"}",
                                        600, &err),
            0);
  CHECK(url && strstr(url, "X-Amz-Expires=600") != NULL);
  CHECK(url && strstr(url, "/a%20b?") != NULL);
  CHECK(url && strstr(url, "X-Amz-Signature=") != NULL);
  awsc_mem_free(url);
  url = NULL;
  /* beyond 7 days and below 1 s signed as botocore signs them */
  CHECK_INT(awsc_generate_presigned_url(&url, c, "get_object",
                                        "{\"Bucket\":\"b\",\"Key\":\"k\"}",
                                        604801, &err),
            0);
  CHECK(url && strstr(url, "X-Amz-Expires=604801&") != NULL);
  awsc_mem_free(url);
  url = NULL;
  CHECK_INT(awsc_generate_presigned_url(&url, c, "get_object",
                                        "{\"Bucket\":\"b\",\"Key\":\"k\"}", -1,
                                        &err),
            0);
  CHECK(url && strstr(url, "X-Amz-Expires=-1&") != NULL);
  awsc_mem_free(url);
  CHECK_INT(ft.n_sent, 0);
  done(c, s);
}

/* GetSessionToken: no local server serves it, so the protocol path is
 * checked here against AWS's documented response. */
static void test_sts_get_session_token(void) {
  fake_init(&ft);
  fake_reply_add(&ft, 200, "x-amzn-RequestId: S1\n",
                 "<GetSessionTokenResponse xmlns=\"https://sts.amazonaws.com/"
                 "doc/2011-06-15/\"><GetSessionTokenResult><Credentials>"
                 "<SessionToken>TOKEN</SessionToken><SecretAccessKey>SK"
                 "</SecretAccessKey><Expiration>2026-11-26T01:00:00Z"
                 "</Expiration><AccessKeyId>ASIAEXAMPLE</AccessKeyId>"
                 "</Credentials></GetSessionTokenResult><ResponseMetadata>"
                 "<RequestId>S1</RequestId></ResponseMetadata>"
                 "</GetSessionTokenResponse>");
  awsc_session *s;
  awsc_client *c = make("sts", "us-east-1", AWSC_RETRY_DEFAULT, &s);
  awsc_sts_GetSessionTokenRequest in = {0};
  in.duration_seconds = 900;
  in.has_duration_seconds = true;
  awsc_sts_GetSessionTokenResponse *out = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_sts_get_session_token(&out, c, &in, &err), 0);
  CHECK(out && out->credentials);
  if (out && out->credentials) {
    CHECK_STR(out->credentials->access_key_id, "ASIAEXAMPLE");
    CHECK_STR(out->credentials->session_token, "TOKEN");
    CHECK_INT(out->credentials->expiration, 1795654800000LL);
  }
  awsc_mem_free(out);
  CHECK(strstr(ft.sent[0].body, "Action=GetSessionToken") != NULL);
  CHECK(strstr(ft.sent[0].body, "DurationSeconds=900") != NULL);
  CHECK(strstr(ft.sent[0].url, "sts.") != NULL);
  done(c, s);
}

static void test_object_url(void) {
  fake_init(&ft);
  awsc_session *s;
  awsc_client *c = make("s3", "eu-west-1", AWSC_RETRY_DEFAULT, &s);
  char *u = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_s3_object_url(&u, c, "my-bucket", "dir/a b+c.html", 0, &err),
            0);
  CHECK_STR(u,
            "https://my-bucket.s3.eu-west-1.amazonaws.com/dir/a%20b%2Bc.html");
  awsc_mem_free(u);
  CHECK_INT(awsc_s3_object_url(&u, c, "my-bucket", "k", 1, &err), 0);
  CHECK_STR(u, "https://s3.eu-west-1.amazonaws.com/my-bucket/k");
  awsc_mem_free(u);
  CHECK_INT(awsc_s3_object_url(&u, c, "My_Bucket", "k", 2, &err),
            AWSC_EVALIDATION);
  done(c, s);
}

static void test_head_404_names_modeled_error(void) {
  fake_init(&ft);
  fake_reply_add(&ft, 404, "x-amz-request-id: H1\n", NULL);
  fake_reply_add(&ft, 404, "x-amz-request-id: H2\n", NULL);
  fake_reply_add(
      &ft, 404, NULL,
      "<Error><Code>NoSuchKey</Code><Message>gone</Message></Error>");
  awsc_session *s;
  awsc_client *c = make("s3", "us-east-1", AWSC_RETRY_DEFAULT, &s);
  char *json = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_call_json(&json, c, "head_object",
                           "{\"Bucket\":\"b\",\"Key\":\"k\"}", &err),
            AWSC_ESERVICE);
  CHECK_STR(err.service_code, "NoSuchKey");
  CHECK_INT(err.http_status, 404);
  CHECK_STR(err.request_id, "H1");
  CHECK(strstr(err.message, "Not Found") != NULL);
  CHECK_INT(awsc_call_json(&json, c, "head_bucket", "{\"Bucket\":\"b\"}", &err),
            AWSC_ESERVICE);
  CHECK_STR(err.service_code, "NoSuchBucket");
  CHECK_INT(err.http_status, 404);
  /* a GET keeps the code of its body */
  CHECK_INT(awsc_call_json(&json, c, "get_object",
                           "{\"Bucket\":\"b\",\"Key\":\"k\"}", &err),
            AWSC_ESERVICE);
  CHECK_STR(err.service_code, "NoSuchKey");
  CHECK(strstr(err.message, "gone") != NULL);
  done(c, s);
}

/* URL and signing scope of one S3 call made by a fresh client. */
static void s3_call_url(const char *region, const char *endpoint_url,
                        awsc_s3_addressing_style addressing, const char *op,
                        const char *params, char *url, size_t url_size,
                        char *scope, size_t scope_size) {
  fake_init(&ft);
  fake_reply_add(&ft, 200, NULL, "");
  url[0] = scope[0] = '\0';
  awsc_session *s = session_on_fake(region, AWSC_RETRY_DEFAULT, NULL);
  awsc_client_options co = AWSC_CLIENT_OPTIONS_INIT;
  co.endpoint_url = endpoint_url;
  co.addressing_style = addressing;
  awsc_error err = AWSC_ERROR_INIT;
  awsc_client *c = client_on(s, "s3", &co);
  if (c) {
    char *json = NULL;
    awsc_call_json(&json, c, op, params, &err);
    awsc_mem_free(json);
    if (ft.n_sent == 1) {
      snprintf(url, url_size, "%.400s", ft.sent[0].url);
      const char *auth = fake_sent_header(&ft, 0, "Authorization");
      const char *cr = auth ? strstr(auth, "Credential=") : NULL;
      if (cr) {
        cr = strchr(cr, '/');
        size_t n = cr ? strcspn(cr + 1, ",") : 0;
        snprintf(scope, scope_size, "%.*s", (int)n, cr ? cr + 1 : "");
      }
    } else {
      snprintf(url, url_size, "error: %.400s", err.message);
    }
  }
  awsc_client_free(c);
  awsc_session_free(s);
}

static void test_endpoint_rules(void) {
  char url[512], scope[128];
  const char *kb = "{\"Bucket\":\"my-bucket\",\"Key\":\"a b/c\"}";
  /* AWS: virtual-hosted; us-east-1 uses the global endpoint (botocore's
   * legacy default), other regions their own */
  s3_call_url("us-east-1", NULL, AWSC_S3_ADDRESSING_DEFAULT, "get_object", kb,
              url, sizeof(url), scope, sizeof(scope));
  CHECK_STR(url, "https://my-bucket.s3.amazonaws.com/a%20b/c");
  CHECK(strstr(scope, "/us-east-1/s3/aws4_request") != NULL);
  s3_call_url("eu-west-1", NULL, AWSC_S3_ADDRESSING_DEFAULT, "get_object", kb,
              url, sizeof(url), scope, sizeof(scope));
  CHECK_STR(url, "https://my-bucket.s3.eu-west-1.amazonaws.com/a%20b/c");
  CHECK(strstr(scope, "/eu-west-1/s3/aws4_request") != NULL);
  s3_call_url("eu-west-1", NULL, AWSC_S3_ADDRESSING_PATH, "get_object", kb, url,
              sizeof(url), scope, sizeof(scope));
  CHECK_STR(url, "https://s3.eu-west-1.amazonaws.com/my-bucket/a%20b/c");
  /* a bucket name with dots goes path-style over TLS */
  s3_call_url("eu-west-1", NULL, AWSC_S3_ADDRESSING_DEFAULT, "list_objects_v2",
              "{\"Bucket\":\"my.bucket\"}", url, sizeof(url), scope,
              sizeof(scope));
  CHECK_STR(url, "https://s3.eu-west-1.amazonaws.com/my.bucket?"
                 "encoding-type=url&list-type=2");
  /* China partition */
  s3_call_url("cn-north-1", NULL, AWSC_S3_ADDRESSING_DEFAULT, "get_object", kb,
              url, sizeof(url), scope, sizeof(scope));
  CHECK_STR(url, "https://my-bucket.s3.cn-north-1.amazonaws.com.cn/a%20b/c");
  /* access point ARN: its own host and region */
  s3_call_url("us-east-1", NULL, AWSC_S3_ADDRESSING_DEFAULT, "get_object",
              "{\"Bucket\":\"arn:aws:s3:us-west-2:123456789012:accesspoint/"
              "ap\",\"Key\":\"k\"}",
              url, sizeof(url), scope, sizeof(scope));
  CHECK_STR(url, "https://ap-123456789012.s3-accesspoint.us-west-2."
                 "amazonaws.com/k");
  CHECK(strstr(scope, "/us-west-2/s3/aws4_request") != NULL);
  /* custom endpoint: path-style unless virtual is asked for */
  s3_call_url("us-east-1", "http://localhost:7480", AWSC_S3_ADDRESSING_DEFAULT,
              "get_object", kb, url, sizeof(url), scope, sizeof(scope));
  CHECK_STR(url, "http://localhost:7480/my-bucket/a%20b/c");
  s3_call_url("us-east-1", "http://localhost:7480", AWSC_S3_ADDRESSING_VIRTUAL,
              "get_object", kb, url, sizeof(url), scope, sizeof(scope));
  CHECK_STR(url, "http://my-bucket.localhost:7480/a%20b/c");
  s3_call_url("us-east-1", "http://localhost:7480/base/",
              AWSC_S3_ADDRESSING_VIRTUAL, "list_objects_v2",
              "{\"Bucket\":\"my-bucket\"}", url, sizeof(url), scope,
              sizeof(scope));
  CHECK_STR(url, "http://my-bucket.localhost:7480/base/?encoding-type=url&"
                 "list-type=2");
  /* an IP address can not carry the bucket: path-style */
  s3_call_url("eu-west-1", "http://127.0.0.1:7480", AWSC_S3_ADDRESSING_VIRTUAL,
              "get_object", kb, url, sizeof(url), scope, sizeof(scope));
  CHECK_STR(url, "http://127.0.0.1:7480/my-bucket/a%20b/c");
  CHECK(strstr(scope, "/eu-west-1/s3/aws4_request") != NULL);
  /* keys that need care */
  s3_call_url("us-east-1", "http://127.0.0.1:7480", AWSC_S3_ADDRESSING_DEFAULT,
              "get_object", "{\"Bucket\":\"b1\",\"Key\":\"//x/../y+%\"}", url,
              sizeof(url), scope, sizeof(scope));
  CHECK_STR(url, "http://127.0.0.1:7480/b1///x/../y%2B%25");
  /* the rules' errors come back before anything is sent */
  s3_call_url("us-east-1", NULL, AWSC_S3_ADDRESSING_DEFAULT, "get_object",
              "{\"Bucket\":\"arn:aws:s3::123456789012:accesspoint/"
              "m.mrap\",\"Key\":\"k\"}",
              url, sizeof(url), scope, sizeof(scope));
  CHECK(strstr(url, "error: ") == url && strstr(url, "sigv4a") != NULL);
}

typedef struct mem_reader {
  const unsigned char *data;
  size_t len, pos;
} mem_reader;

static int64_t mem_read(void *buf, size_t size, void *ud) {
  mem_reader *m = ud;
  size_t n = m->len - m->pos < size ? m->len - m->pos : size;
  if (n > 1000)
    n = 1000; /* short reads */
  memcpy(buf, m->data + m->pos, n);
  m->pos += n;
  return (int64_t)n;
}

static int mem_rewind(void *ud) {
  ((mem_reader *)ud)->pos = 0;
  return 0;
}

/* Upload 100000 bytes from a callback through a client for `endpoint`;
 * returns the number of requests sent (ft.sent[0] is the upload). */
static int trailer_put(const char *endpoint, int trailers,
                       const char *algorithm, const unsigned char *data,
                       size_t len) {
  fake_init(&ft);
  fake_reply_add(&ft, 200, "ETag: \"e\"\n", "");
  awsc_session *s = session_on_fake("us-east-1", AWSC_RETRY_DEFAULT, NULL);
  awsc_client_options co = AWSC_CLIENT_OPTIONS_INIT;
  co.endpoint_url = endpoint;
  co.checksum_trailers = trailers;
  awsc_error err = AWSC_ERROR_INIT;
  awsc_client *c = client_on(s, "s3", &co);
  int sent = -1;
  if (c) {
    mem_reader m = {data, len, 0};
    awsc_body_source src = {0};
    src.kind = AWSC_BODY_CALLBACK;
    src.read = mem_read;
    src.rewind = mem_rewind;
    src.user_data = &m;
    src.content_length = (int64_t)len;
    awsc_s3_PutObjectRequest in = {0};
    in.bucket = "b";
    in.key = "k";
    in.body_source = &src;
    in.content_length = (int64_t)len;
    in.has_content_length = true;
    in.checksum_algorithm = algorithm;
    if (awsc_s3_put_object(NULL, c, &in, &err) == 0)
      sent = ft.n_sent;
    else
      fprintf(stderr, "put_object: %s\n", err.message);
  }
  awsc_client_free(c);
  awsc_session_free(s);
  return sent;
}

static void test_streaming_trailer_checksum(void) {
  static unsigned char data[100000];
  for (size_t i = 0; i < sizeof(data); i++)
    data[i] = (unsigned char)(i * 7 + (i >> 9));
  CHECK_INT(trailer_put("https://127.0.0.1:9443", 0, NULL, data, sizeof(data)),
            1);
  CHECK_STR(fake_sent_header(&ft, 0, "x-amz-content-sha256"),
            "STREAMING-UNSIGNED-PAYLOAD-TRAILER");
  CHECK_STR(fake_sent_header(&ft, 0, "Content-Encoding"), "aws-chunked");
  CHECK_STR(fake_sent_header(&ft, 0, "x-amz-trailer"), "x-amz-checksum-crc32");
  CHECK_STR(fake_sent_header(&ft, 0, "x-amz-decoded-content-length"), "100000");
  CHECK_STR(fake_sent_header(&ft, 0, "x-amz-sdk-checksum-algorithm"), "CRC32");
  CHECK(fake_sent_header(&ft, 0, "Content-Length") == NULL);
  CHECK(fake_sent_header(&ft, 0, "x-amz-checksum-crc32") == NULL);
  const fake_sent *fs = &ft.sent[0];
  CHECK(fs->content_length > 100000 &&
        (uint64_t)fs->content_length == fs->body_total);
  /* decode: 65536 + 34464 bytes, then the trailer with the CRC32 */
  static const char head1[] = "10000\r\n";
  CHECK(fs->body_len == fs->body_total &&
        memcmp(fs->body, head1, sizeof(head1) - 1) == 0);
  const char *p = fs->body + sizeof(head1) - 1;
  CHECK(memcmp(p, data, 65536) == 0);
  p += 65536;
  static const char head2[] = "\r\n86a0\r\n";
  CHECK(memcmp(p, head2, sizeof(head2) - 1) == 0);
  p += sizeof(head2) - 1;
  CHECK(memcmp(p, data + 65536, 34464) == 0);
  p += 34464;
  uint32_t crc = awsc_crc32(0, data, sizeof(data));
  uint8_t be[4] = {(uint8_t)(crc >> 24), (uint8_t)(crc >> 16),
                   (uint8_t)(crc >> 8), (uint8_t)crc};
  char b64[16];
  awsc_base64_encode(be, 4, b64);
  char trailer[96];
  snprintf(trailer, sizeof(trailer), "\r\n0\r\nx-amz-checksum-crc32:%s\r\n\r\n",
           b64);
  CHECK_INT((long long)(fs->body_len - (size_t)(p - fs->body)),
            (long long)strlen(trailer));
  CHECK(memcmp(p, trailer, strlen(trailer)) == 0);

  /* the caller's algorithm */
  CHECK_INT(trailer_put("https://127.0.0.1:9443", 0, "SHA256", data, 5000), 1);
  CHECK_STR(fake_sent_header(&ft, 0, "x-amz-trailer"), "x-amz-checksum-sha256");
  /* trailers off (RGW): unsigned, no checksum, the plain body */
  CHECK_INT(trailer_put("https://127.0.0.1:9443", -1, NULL, data, 5000), 1);
  CHECK_STR(fake_sent_header(&ft, 0, "x-amz-content-sha256"),
            "UNSIGNED-PAYLOAD");
  CHECK(fake_sent_header(&ft, 0, "x-amz-trailer") == NULL);
  CHECK(ft.sent[0].body_total == 5000 &&
        memcmp(ft.sent[0].body, data, 5000) == 0);
  /* plain HTTP: no trailer either */
  CHECK_INT(trailer_put("http://127.0.0.1:9080", 0, NULL, data, 5000), 1);
  CHECK(fake_sent_header(&ft, 0, "x-amz-trailer") == NULL);
  CHECK_STR(fake_sent_header(&ft, 0, "Content-Length"), "5000");
}

/* CopySource as botocore sends it (expected values from botocore 1.43) */
static void test_copy_source_encoding(void) {
  static const struct {
    const char *params;
    const char *header;
  } cases[] = {
      {"{\"Bucket\":\"dst\",\"Key\":\"k\",\"CopySource\":\"src/a "
       "b+c?versionId=v1\"}",
       "src/a%20b%2Bc?versionId=v1"},
      {"{\"Bucket\":\"dst\",\"Key\":\"k\",\"CopySource\":{\"Bucket\":\"src\","
       "\"Key\":\"dir/\u00e4 b%+?x\",\"VersionId\":\"v 2\"}}",
       "src/dir/%C3%A4%20b%25%2B%3Fx?versionId=v 2"},
      {"{\"Bucket\":\"dst\",\"Key\":\"k\",\"CopySource\":\"src/k?versionId=\"}",
       "src/k%3FversionId%3D"},
      {"{\"Bucket\":\"dst\",\"Key\":\"k\",\"CopySource\":\"src/plain/key\"}",
       "src/plain/key"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    fake_init(&ft);
    fake_reply_add(&ft, 200, NULL,
                   "<CopyObjectResult><ETag>\"e\"</ETag></CopyObjectResult>");
    awsc_session *s;
    awsc_client *c = make("s3", "us-east-1", AWSC_RETRY_DEFAULT, &s);
    char *json = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    CHECK_INT(awsc_call_json(&json, c, "copy_object", cases[i].params, &err),
              0);
    CHECK_STR(fake_sent_header(&ft, 0, "x-amz-copy-source"), cases[i].header);
    awsc_mem_free(json);
    done(c, s);
  }
  /* a dict with an unknown key is refused before sending */
  fake_init(&ft);
  awsc_session *s;
  awsc_client *c = make("s3", "us-east-1", AWSC_RETRY_DEFAULT, &s);
  char *json = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_call_json(&json, c, "copy_object",
                           "{\"Bucket\":\"d\",\"Key\":\"k\",\"CopySource\":"
                           "{\"Bucket\":\"s\",\"Key\":\"k\",\"Bogus\":1}}",
                           &err),
            AWSC_EVALIDATION);
  CHECK_INT(ft.n_sent, 0);
  done(c, s);
}

/* Listings ask for EncodingType=url (unless the caller chose) and come
 * back decoded, as botocore's decode_list_object_v2 does. */
static void test_listing_url_decoding(void) {
  fake_init(&ft);
  fake_reply_add(&ft, 200, NULL,
                 "<ListBucketResult><Name>b</Name><Prefix>p%2F+x</Prefix>"
                 "<EncodingType>url</EncodingType><KeyCount>2</KeyCount>"
                 "<Contents><Key>p/a+b%01c%25</Key><Size>1</Size></Contents>"
                 "<Contents><Key>p/%E2%82%AC</Key><Size>1</Size></Contents>"
                 "<CommonPrefixes><Prefix>p/d+1/</Prefix></CommonPrefixes>"
                 "</ListBucketResult>");
  fake_reply_add(&ft, 200, NULL,
                 "<ListBucketResult><Name>b</Name><KeyCount>1</KeyCount>"
                 "<EncodingType>url</EncodingType>"
                 "<Contents><Key>a+b</Key></Contents></ListBucketResult>");
  awsc_session *s;
  awsc_client *c = make("s3", "us-east-1", AWSC_RETRY_DEFAULT, &s);
  awsc_s3_ListObjectsV2Request in = {0};
  in.bucket = "b";
  awsc_s3_ListObjectsV2Output *out = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_s3_list_objects_v2(&out, c, &in, &err), 0);
  CHECK(strstr(ft.sent[0].url, "encoding-type=url") != NULL);
  CHECK(out && out->contents_count == 2 && out->common_prefixes_count == 1);
  if (out && out->contents_count == 2 && out->common_prefixes_count == 1) {
    CHECK_STR(out->prefix, "p/ x");
    CHECK_STR(out->contents[0].key, "p/a b\001c%");
    CHECK_STR(out->contents[1].key, "p/\xe2\x82\xac");
    CHECK_STR(out->common_prefixes[0].prefix, "p/d 1/");
  }
  awsc_mem_free(out);
  /* the caller's own EncodingType: nothing decoded */
  in.encoding_type = "url";
  CHECK_INT(awsc_s3_list_objects_v2(&out, c, &in, &err), 0);
  CHECK(out && out->contents_count == 1);
  if (out && out->contents_count == 1)
    CHECK_STR(out->contents[0].key, "a+b");
  awsc_mem_free(out);
  done(c, s);
}

typedef struct collect {
  char buf[64];
  size_t len;
} collect;

static int collect_write(const void *data, size_t len, void *ud) {
  collect *c = ud;
  if (c->len + len < sizeof(c->buf)) {
    memcpy(c->buf + c->len, data, len);
    c->len += len;
  }
  return 0;
}

/* GetObject asks for x-amz-checksum-mode: ENABLED and checks the body
 * against the checksum the service answers, in memory, through a
 * callback sink and in a file. */
static void test_response_checksum_validation(void) {
  /* CRC32("hello world") = 0x0d4a1185 -> DUoRhQ== */
  static const char good[] = "x-amz-checksum-crc32: DUoRhQ==\n";
  static const char bad[] = "x-amz-checksum-crc32: AAAAAA==\n";
  const char *kb = "{\"Bucket\":\"b\",\"Key\":\"k\"}";
  fake_init(&ft);
  fake_reply_add(&ft, 200, good, "hello world");
  fake_reply_add(&ft, 200, bad, "hello world");
  fake_reply_add(&ft, 200, good, "hello world");
  awsc_session *s;
  awsc_client *c = make("s3", "us-east-1", AWSC_RETRY_DEFAULT, &s);
  char *json = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_call_json(&json, c, "get_object", kb, &err), 0);
  CHECK_STR(fake_sent_header(&ft, 0, "x-amz-checksum-mode"), "ENABLED");
  awsc_mem_free(json);
  json = NULL;
  /* a body held in memory is fetched again after a mismatch */
  CHECK_INT(awsc_call_json(&json, c, "get_object", kb, &err), 0);
  CHECK_INT(ft.n_sent, 3);
  awsc_mem_free(json);
  json = NULL;
  /* ... and the mismatch reported when every attempt has it */
  fake_init(&ft);
  for (int i = 0; i < 8; i++)
    fake_reply_add(&ft, 200, bad, "hello world");
  CHECK_INT(awsc_call_json(&json, c, "get_object", kb, &err), AWSC_ECHECKSUM);
  CHECK(strstr(err.message, "AAAAAA==") && strstr(err.message, "DUoRhQ=="));
  CHECK(json == NULL);
  CHECK(ft.n_sent > 1);
  /* a composite (multipart) checksum is not checked */
  fake_init(&ft);
  fake_reply_add(&ft, 200, "x-amz-checksum-crc32: AAAAAA==-2\n", "hello world");
  CHECK_INT(awsc_call_json(&json, c, "get_object", kb, &err), 0);
  awsc_mem_free(json);

  /* callback sink: hashed as it passes */
  fake_init(&ft);
  fake_reply_add(&ft, 200, good, "hello world");
  fake_reply_add(&ft, 200, bad, "hello world");
  collect col = {{0}, 0};
  awsc_body_sink sink = {0};
  sink.kind = AWSC_SINK_CALLBACK;
  sink.write = collect_write;
  sink.user_data = &col;
  awsc_s3_GetObjectRequest gi = {0};
  gi.bucket = "b";
  gi.key = "k";
  awsc_s3_GetObjectOutput *out = NULL;
  CHECK_INT(awsc_s3_get_object_to(&out, c, &gi, &sink, &err), 0);
  CHECK(col.len == 11 && memcmp(col.buf, "hello world", 11) == 0);
  awsc_mem_free(out);
  out = NULL;
  CHECK_INT(awsc_s3_get_object_to(&out, c, &gi, &sink, &err), AWSC_ECHECKSUM);
  CHECK(out == NULL);

  /* file sink: read back and checked */
  char path[] = "/tmp/awsc-test-rcs-XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  if (fd >= 0)
    close(fd);
  fake_init(&ft);
  fake_reply_add(&ft, 200, good, "hello world");
  for (int i = 0; i < 8; i++)
    fake_reply_add(&ft, 200, bad, "hello world");
  awsc_body_sink fsink = {0};
  fsink.kind = AWSC_SINK_FILE;
  fsink.path = path;
  CHECK_INT(awsc_s3_get_object_to(&out, c, &gi, &fsink, &err), 0);
  awsc_mem_free(out);
  out = NULL;
  CHECK_INT(awsc_s3_get_object_to(&out, c, &gi, &fsink, &err), AWSC_ECHECKSUM);
  unlink(path);
  done(c, s);
}

/* The environment of a session with AWSC_VERIFY_ETAG_MD5=true. */
static const char *env_etag_on(const char *name, void *ud) {
  (void)ud;
  return strcmp(name, "AWSC_VERIFY_ETAG_MD5") == 0 ? "true" : NULL;
}

/* The client's awsc_toggle options take -1, 0 and 1; anything else is
 * refused with the option's name. */
static void test_toggle_options(void) {
  awsc_session *s = session_on_fake("us-east-1", AWSC_RETRY_DEFAULT, NULL);
  static const awsc_toggle ok[] = {AWSC_TOGGLE_OFF, AWSC_TOGGLE_DEFAULT,
                                   AWSC_TOGGLE_ON};
  for (int which = 0; which < 2; which++) {
    const char *name = which ? "verify_etag_md5" : "sign_requests";
    for (int i = 0; i < 3; i++) {
      awsc_client_options co = AWSC_CLIENT_OPTIONS_INIT;
      *(which ? &co.verify_etag_md5 : &co.sign_requests) = ok[i];
      awsc_client *c = client_on(s, "s3", &co);
      CHECK(c != NULL);
      awsc_client_free(c);
    }
    static const int bad[] = {-2, 2};
    for (int i = 0; i < 2; i++) {
      awsc_client_options co = AWSC_CLIENT_OPTIONS_INIT;
      *(which ? &co.verify_etag_md5 : &co.sign_requests) = (awsc_toggle)bad[i];
      awsc_error err = AWSC_ERROR_INIT;
      awsc_client *c = NULL;
      CHECK_INT(awsc_client_new(&c, s, "s3", &co, &err), AWSC_EINVAL);
      CHECK(c == NULL);
      CHECK(strstr(err.message, name) != NULL);
      awsc_client_free(c);
    }
  }
  awsc_session_free(s);
}

/* The ETag-MD5 check (verify_etag_md5) is off by default, as botocore;
 * once asked for (setting or client option), a GetObject body held whole
 * with no checksum header is checked against an ETag that is its MD5
 * (retried, then AWSC_ECHECKSUM), over http:// and https:// alike; never a
 * multipart or SSE-KMS ETag; a FILE sink that is no regular file
 * (/dev/null) is not read back. */
static void test_etag_md5_opt_in(void) {
  /* MD5("hello world") */
  static const char good[] = "etag: \"5eb63bbbe01eeed093cb22bb8f5acdc3\"\n";
  static const char bad[] = "etag: \"00000000000000000000000000000000\"\n";
  const char *kb = "{\"Bucket\":\"b\",\"Key\":\"k\"}";
  awsc_error err = AWSC_ERROR_INIT;
  char *json = NULL;
  awsc_client_options co = AWSC_CLIENT_OPTIONS_INIT;
  co.endpoint_url = "http://127.0.0.1:9";
  co.addressing_style = AWSC_S3_ADDRESSING_PATH;

  /* default: not checked, one request */
  awsc_session *s = session_on_fake("us-east-1", AWSC_RETRY_DEFAULT, NULL);
  awsc_client *c = client_on(s, "s3", &co);
  CHECK(c != NULL && !c->verify_etag_md5);
  fake_init(&ft);
  fake_reply_add(&ft, 200, bad, "hello world");
  CHECK_INT(awsc_call_json(&json, c, "get_object", kb, &err), 0);
  CHECK_INT(ft.n_sent, 1);
  awsc_mem_free(json);
  json = NULL;
  done(c, s);

  /* the setting (environment): checked, the bad answer sent again */
  s = session_on_fake("us-east-1", AWSC_RETRY_DEFAULT, env_etag_on);
  c = client_on(s, "s3", &co);
  CHECK(c != NULL && c->verify_etag_md5);
  fake_init(&ft);
  fake_reply_add(&ft, 200, bad, "hello world");
  fake_reply_add(&ft, 200, good, "hello world");
  CHECK_INT(awsc_call_json(&json, c, "get_object", kb, &err), 0);
  CHECK_INT(ft.n_sent, 2);
  awsc_mem_free(json);
  json = NULL;
  awsc_client_free(c);
  /* the option OFF wins over the setting */
  co.verify_etag_md5 = AWSC_TOGGLE_OFF;
  c = client_on(s, "s3", &co);
  CHECK(c != NULL && !c->verify_etag_md5);
  done(c, s);

  /* the option ON */
  co.verify_etag_md5 = AWSC_TOGGLE_ON;
  s = session_on_fake("us-east-1", AWSC_RETRY_DEFAULT, NULL);
  c = client_on(s, "s3", &co);
  CHECK(c != NULL);
  fake_init(&ft);
  fake_reply_add(&ft, 200, good, "hello world");
  fake_reply_add(&ft, 200, bad, "hello world");
  fake_reply_add(&ft, 200, good, "hello world");
  CHECK_INT(awsc_call_json(&json, c, "get_object", kb, &err), 0);
  awsc_mem_free(json);
  json = NULL;
  CHECK_INT(awsc_call_json(&json, c, "get_object", kb, &err), 0);
  CHECK_INT(ft.n_sent, 3);
  awsc_mem_free(json);
  json = NULL;
  fake_init(&ft);
  for (int i = 0; i < 8; i++)
    fake_reply_add(&ft, 200, bad, "hello world");
  CHECK_INT(awsc_call_json(&json, c, "get_object", kb, &err), AWSC_ECHECKSUM);
  CHECK(strstr(err.message, "MD5 (ETag)") != NULL);
  CHECK(json == NULL);
  /* a multipart ETag and an SSE-KMS object are not MD5s of the body */
  fake_init(&ft);
  fake_reply_add(&ft, 200, "etag: \"00000000000000000000000000000000-2\"\n",
                 "hello world");
  fake_reply_add(&ft, 200,
                 "etag: \"00000000000000000000000000000000\"\n"
                 "x-amz-server-side-encryption: aws:kms\n",
                 "hello world");
  CHECK_INT(awsc_call_json(&json, c, "get_object", kb, &err), 0);
  awsc_mem_free(json);
  json = NULL;
  CHECK_INT(awsc_call_json(&json, c, "get_object", kb, &err), 0);
  awsc_mem_free(json);
  json = NULL;
  /* a FILE sink to /dev/null: written, not read back, not failed */
  awsc_s3_GetObjectRequest gi = {0};
  gi.bucket = "b";
  gi.key = "k";
  awsc_body_sink dn = {0};
  dn.kind = AWSC_SINK_FILE;
  dn.path = "/dev/null";
  awsc_s3_GetObjectOutput *out = NULL;
  fake_init(&ft);
  fake_reply_add(&ft, 200, good, "hello world");
  CHECK_INT(awsc_s3_get_object_to(&out, c, &gi, &dn, &err), 0);
  CHECK_INT(ft.n_sent, 1);
  awsc_mem_free(out);
  out = NULL;
  awsc_client_free(c);
  /* asked for, it is checked over https:// too */
  co.endpoint_url = "https://127.0.0.1:9";
  c = client_on(s, "s3", &co);
  fake_init(&ft);
  for (int i = 0; i < 8; i++)
    fake_reply_add(&ft, 200, bad, "hello world");
  CHECK_INT(awsc_call_json(&json, c, "get_object", kb, &err), AWSC_ECHECKSUM);
  CHECK(json == NULL);
  done(c, s);
}

static const char *env_when_required(const char *name, void *ud) {
  (void)ud;
  return strcmp(name, "AWS_RESPONSE_CHECKSUM_VALIDATION") == 0 ? "when_required"
                                                               : NULL;
}

static void test_response_checksum_when_required(void) {
  fake_init(&ft);
  for (int i = 0; i < 9; i++)
    fake_reply_add(&ft, 200, "x-amz-checksum-crc32: AAAAAA==\n", "hello world");
  awsc_session *s =
      session_on_fake("us-east-1", AWSC_RETRY_DEFAULT, env_when_required);
  awsc_client *c = client_on(s, "s3", NULL);
  CHECK(c != NULL);
  awsc_error err = AWSC_ERROR_INIT;
  char *json = NULL;
  /* not asked, not checked */
  CHECK_INT(awsc_call_json(&json, c, "get_object",
                           "{\"Bucket\":\"b\",\"Key\":\"k\"}", &err),
            0);
  CHECK(fake_sent_header(&ft, 0, "x-amz-checksum-mode") == NULL);
  awsc_mem_free(json);
  json = NULL;
  /* asked by the caller: checked */
  CHECK_INT(awsc_call_json(&json, c, "get_object",
                           "{\"Bucket\":\"b\",\"Key\":\"k\",\"ChecksumMode\":"
                           "\"ENABLED\"}",
                           &err),
            AWSC_ECHECKSUM);
  awsc_client_free(c);
  awsc_session_free(s);
}

/* One client, many buckets: the per-client endpoint cache (8 entries)
 * never hands one call another's endpoint. */
static void test_endpoint_cache(void) {
  awsc_session *s;
  awsc_client *c = make("s3", "eu-west-1", AWSC_RETRY_DEFAULT, &s);
  for (int round = 0; round < 3; round++) {
    for (int i = 0; i < 12; i++) {
      fake_init(&ft);
      fake_reply_add(&ft, 200, NULL, "");
      char params[128], want[160];
      const char *bucket_fmt = i % 3 == 2 ? "dot.bucket.%d" : "bucket-%d";
      char bucket[32];
      snprintf(bucket, sizeof(bucket), bucket_fmt, i);
      snprintf(params, sizeof(params), "{\"Bucket\":\"%s\",\"Key\":\"k%d\"}",
               bucket, i);
      if (i % 3 == 2) /* dots over TLS: path-style */
        snprintf(want, sizeof(want),
                 "https://s3.eu-west-1.amazonaws.com/%s/k%d", bucket, i);
      else
        snprintf(want, sizeof(want),
                 "https://%s.s3.eu-west-1.amazonaws.com/k%d", bucket, i);
      char *json = NULL;
      awsc_error err = AWSC_ERROR_INIT;
      awsc_call_json(&json, c, i % 2 ? "get_object" : "head_object", params,
                     &err);
      awsc_mem_free(json);
      CHECK_INT(ft.n_sent, 1);
      CHECK_STR(ft.sent[0].url, want);
    }
  }
  done(c, s);
}

/* An upload over TLS with a checksum header is not SHA-256 signed
 * (botocore's S3 rule); over plain HTTP it is. */
static void test_put_object_payload_signing(void) {
  const char *kb = "{\"Bucket\":\"b\",\"Key\":\"k\",\"Body\":\"hello\"}";
  s3_call_url("us-east-1", "https://127.0.0.1:9443", AWSC_S3_ADDRESSING_DEFAULT,
              "put_object", kb, (char[512]){0}, 512, (char[128]){0}, 128);
  CHECK_STR(fake_sent_header(&ft, 0, "x-amz-content-sha256"),
            "UNSIGNED-PAYLOAD");
  CHECK(fake_sent_header(&ft, 0, "x-amz-checksum-crc32") != NULL);
  s3_call_url("us-east-1", "http://127.0.0.1:9080", AWSC_S3_ADDRESSING_DEFAULT,
              "put_object", kb, (char[512]){0}, 512, (char[128]){0}, 128);
  /* SHA-256("hello") */
  CHECK_STR(fake_sent_header(&ft, 0, "x-amz-content-sha256"),
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
  /* other operations stay signed over TLS (DeleteObjects has Content-MD5) */
  s3_call_url("us-east-1", "https://127.0.0.1:9443", AWSC_S3_ADDRESSING_DEFAULT,
              "delete_objects",
              "{\"Bucket\":\"b\",\"Delete\":{\"Objects\":[{\"Key\":\"k\"}]}}",
              (char[512]){0}, 512, (char[128]){0}, 128);
  const char *h = fake_sent_header(&ft, 0, "x-amz-content-sha256");
  CHECK(h && strlen(h) == 64);
}

/* SSE-C keys go out base64-encoded with their MD5 (botocore's sse_md5);
 * a caller that gives the MD5 gives the key encoded already. */
static void test_sse_customer_key(void) {
  fake_init(&ft);
  fake_reply_add(&ft, 200, NULL, "");
  fake_reply_add(&ft, 200, NULL, "");
  awsc_session *s;
  awsc_client *c = make("s3", "us-east-1", AWSC_RETRY_DEFAULT, &s);
  char *json = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(
      awsc_call_json(&json, c, "head_object",
                     "{\"Bucket\":\"b\",\"Key\":\"k\",\"SSECustomerAlgorithm\":"
                     "\"AES256\",\"SSECustomerKey\":"
                     "\"0123456789abcdef0123456789abcdef\"}",
                     &err),
      0);
  awsc_mem_free(json);
  CHECK_STR(
      fake_sent_header(&ft, 0, "x-amz-server-side-encryption-customer-key"),
      "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");
  /* MD5("0123456789abcdef0123456789abcdef") */
  CHECK_STR(
      fake_sent_header(&ft, 0, "x-amz-server-side-encryption-customer-key-MD5"),
      "hRasmdxgYDKV3nvbahU1MA==");
  CHECK_INT(
      awsc_call_json(&json, c, "head_object",
                     "{\"Bucket\":\"b\",\"Key\":\"k\",\"SSECustomerAlgorithm\":"
                     "\"AES256\",\"SSECustomerKey\":\"ZW5jb2RlZA==\","
                     "\"SSECustomerKeyMD5\":\"bWQ1\"}",
                     &err),
      0);
  awsc_mem_free(json);
  CHECK_STR(
      fake_sent_header(&ft, 1, "x-amz-server-side-encryption-customer-key"),
      "ZW5jb2RlZA==");
  done(c, s);
}

static const char *s3_model_path;

/* A client made from service-2.json at run time finds the rule set beside
 * it and resolves as the built-in one does. */
static void test_runtime_model_rules(void) {
  if (!s3_model_path) {
    SKIP("runtime model", "no model path given");
    return;
  }
  fake_init(&ft);
  fake_reply_add(&ft, 200, NULL, "");
  awsc_session *s = session_on_fake("eu-west-1", AWSC_RETRY_DEFAULT, NULL);
  awsc_error err = AWSC_ERROR_INIT;
  awsc_client *c = NULL;
  CHECK_INT(awsc_client_new_from_model(&c, s, s3_model_path, NULL, &err), 0);
  if (c) {
    CHECK_STR(awsc_client_endpoint(c), "https://s3.eu-west-1.amazonaws.com");
    char *json = NULL;
    awsc_call_json(&json, c, "get_object", "{\"Bucket\":\"bkt\",\"Key\":\"k\"}",
                   &err);
    awsc_mem_free(json);
    CHECK_INT(ft.n_sent, 1);
    CHECK_STR(ft.sent[0].url, "https://bkt.s3.eu-west-1.amazonaws.com/k");
  }
  awsc_client_free(c);
  awsc_session_free(s);
}

/* Service customisations come with the descriptor (generated) or, for
 * a model loaded at run time, from the same table by service id; a
 * service without any has none. */
static void test_service_hooks(void) {
  const awsc_service *s3 = awsc_builtin_service("s3");
  const awsc_service *sqs = awsc_builtin_service("sqs");
  const awsc_service *sns = awsc_builtin_service("sns");
  CHECK(s3 && s3->hooks && s3->hooks == awsc_builtin_hooks("S3"));
  CHECK(s3 && s3->hooks && s3->hooks->prepare_input &&
        (s3->hooks->flags & AWSC_HOOK_SIGV4_S3));
  CHECK(sqs && sqs->hooks && sqs->hooks == awsc_builtin_hooks("SQS"));
  CHECK(sqs && sqs->hooks && sqs->hooks->after_parse &&
        sqs->hooks->read_timeout_ms && !sqs->hooks->prepare_input);
  CHECK(sns && sns->hooks == NULL);
  CHECK(awsc_builtin_hooks("SNS") == NULL);
  /* S3 Control signs as S3, and has nothing else of S3's */
  const awsc_service_hooks *s3c = awsc_builtin_hooks("S3 Control");
  CHECK(s3c && (s3c->flags & AWSC_HOOK_SIGV4_S3) && !s3c->prepare_input);
  CHECK(awsc_builtin_hooks(NULL) == NULL);
  if (!s3_model_path) {
    SKIP("runtime model hooks", "no model path given");
    return;
  }
  /* a run-time S3 model gets S3's hooks: HEAD 404 names the error */
  fake_init(&ft);
  fake_reply_add(&ft, 404, NULL, NULL);
  awsc_session *s = session_on_fake("eu-west-1", AWSC_RETRY_DEFAULT, NULL);
  awsc_error err = AWSC_ERROR_INIT;
  awsc_client *c = NULL;
  CHECK_INT(awsc_client_new_from_model(&c, s, s3_model_path, NULL, &err), 0);
  if (c) {
    CHECK(c->svc->hooks == awsc_builtin_hooks("S3"));
    char *json = NULL;
    CHECK_INT(awsc_call_json(&json, c, "head_object",
                             "{\"Bucket\":\"b\",\"Key\":\"k\"}", &err),
              AWSC_ESERVICE);
    CHECK_STR(err.service_code, "NoSuchKey");
  }
  awsc_client_free(c);
  awsc_session_free(s);
}

int main(int argc, char **argv) {
  s3_model_path = argc > 1 ? argv[1] : NULL;
  test_alloc_install();
  RUN(test_typed_output_and_metadata);
  RUN(test_retry_then_success);
  RUN(test_retries_exhausted_service_error);
  RUN(test_not_retried_4xx);
  RUN(test_validation_sends_nothing);
  RUN(test_put_object_checksum_header);
  RUN(test_delete_objects_content_md5);
  RUN(test_create_bucket_location_constraint);
  RUN(test_wrong_region_redirect);
  RUN(test_sns_query_and_error);
  RUN(test_presign);
  RUN(test_sts_get_session_token);
  RUN(test_object_url);
  RUN(test_head_404_names_modeled_error);
  RUN(test_endpoint_rules);
  RUN(test_streaming_trailer_checksum);
  RUN(test_copy_source_encoding);
  RUN(test_runtime_model_rules);
  RUN(test_service_hooks);
  RUN(test_listing_url_decoding);
  RUN(test_response_checksum_validation);
  RUN(test_response_checksum_when_required);
  RUN(test_etag_md5_opt_in);
  RUN(test_toggle_options);
  RUN(test_endpoint_cache);
  RUN(test_put_object_payload_signing);
  RUN(test_sse_customer_key);
  /* every allocation above was released */
  test_current_failed = 0;
  if (test_alloc_live() != 0)
    fprintf(stderr, "live blocks after all tests: %lld\n",
            (long long)test_alloc_live());
  CHECK_INT(test_alloc_live(), 0);
  if (test_current_failed)
    test_failed++;
  else
    test_passed++;
  return test_summary();
}
