/*
 * What language bindings lean on beyond the operations (issue 11 point
 * 1), through a recording fake transport: anonymous (unsigned) clients,
 * with presigned URLs as botocore gives them unsigned; input timestamp
 * strings read as botocore reads them.
 */
#include <string.h>

#include "awsc/awsc.h"
#include "client/client_internal.h"
#include "fake_transport.h"
#include "runtime/timestamp.h"
#include "test.h"

static fake_transport ft;

/* No credentials anywhere: no environment (IMDS switched off so that a
 * lookup fails at once), no files. */
static const char *env_no_creds(const char *name, void *ud) {
  (void)ud;
  if (strcmp(name, "AWS_EC2_METADATA_DISABLED") == 0)
    return "true";
  return NULL;
}

static awsc_session *session_without_credentials(void) {
  awsc_session_options so = AWSC_SESSION_OPTIONS_INIT;
  so.region = "us-east-1";
  so.transport = &ft.base;
  so.getenv_fn = env_no_creds;
  so.config_file = "/nonexistent/awsc-test/config";
  so.credentials_file = "/nonexistent/awsc-test/credentials";
  awsc_session *s = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  if (awsc_session_new(&s, &so, &err) != 0)
    fprintf(stderr, "session: %s\n", err.message);
  return s;
}

/* A client of `service`; sign is the option's value, version the
 * struct's (3 = current). */
static awsc_client *client_with(awsc_session *s, const char *service,
                                awsc_toggle sign, int version,
                                awsc_error *err) {
  awsc_client_options co = AWSC_CLIENT_OPTIONS_INIT;
  co.version = version;
  co.sign_requests = sign;
  awsc_client *c = NULL;
  if (awsc_client_new(&c, s, service, &co, err) != 0)
    return NULL;
  return c;
}

/* Request i carries none of SigV4's headers. */
static bool sent_unsigned(int i) {
  static const char *const signing[] = {"Authorization", "X-Amz-Date",
                                        "X-Amz-Content-SHA256",
                                        "X-Amz-Security-Token"};
  for (size_t k = 0; k < sizeof(signing) / sizeof(signing[0]); k++)
    if (fake_sent_header(&ft, i, signing[k])) {
      fprintf(stderr, "request %d carries %s\n", i, signing[k]);
      return false;
    }
  return strstr(ft.sent[i].url, "X-Amz-") == NULL;
}

static void test_unsigned_calls_without_credentials(void) {
  fake_init(&ft);
  awsc_session *s = session_without_credentials();
  CHECK(s != NULL);
  awsc_error err = AWSC_ERROR_INIT;
  awsc_client *c = client_with(s, "s3", AWSC_TOGGLE_OFF, 3, &err);
  CHECK(c != NULL);
  if (!c) {
    awsc_session_free(s);
    return;
  }
  fake_reply_add(&ft, 200,
                 "x-amz-request-id: R1\nContent-Type: text/plain\n"
                 "Content-Length: 5\n",
                 "hello");
  fake_reply_add(&ft, 200, "x-amz-request-id: R2\nETag: \"e\"\n", "");
  fake_reply_add(&ft, 200, "x-amz-request-id: R3\n",
                 "<ListBucketResult><Name>b</Name><KeyCount>0</KeyCount>"
                 "<IsTruncated>false</IsTruncated></ListBucketResult>");
  char *out = NULL;
  CHECK_INT(awsc_call_json(&out, c, "get_object",
                           "{\"Bucket\": \"bkt\", \"Key\": \"k\"}", &err),
            0);
  CHECK(out && strstr(out, "\"RequestId\":\"R1\"") != NULL);
  awsc_mem_free(out);
  out = NULL;
  CHECK_INT(awsc_call_json(&out, c, "put_object",
                           "{\"Bucket\": \"bkt\", \"Key\": \"k\", "
                           "\"Body\": \"data\"}",
                           &err),
            0);
  awsc_mem_free(out);
  out = NULL;
  CHECK_INT(awsc_call_json(&out, c, "list_objects_v2",
                           "{\"Bucket\": \"bkt\", \"Prefix\": \"p/\"}", &err),
            0);
  awsc_mem_free(out);
  /* one request per call: no credential provider went to the network */
  CHECK_INT(ft.n_sent, 3);
  for (int i = 0; i < ft.n_sent; i++)
    CHECK(sent_unsigned(i));
  CHECK_STR(ft.sent[0].url, "https://bkt.s3.amazonaws.com/k");
  CHECK_STR(ft.sent[1].method, "PUT");
  CHECK(ft.sent[1].body_len == 4 && memcmp(ft.sent[1].body, "data", 4) == 0);
  CHECK(strstr(ft.sent[2].url, "list-type=2") != NULL);
  CHECK(strstr(ft.sent[2].url, "prefix=p%2F") != NULL);
  awsc_client_free(c);
  awsc_session_free(s);
}

/* A query protocol service: the form body goes as it is, unsigned. */
static void test_unsigned_query_protocol(void) {
  fake_init(&ft);
  awsc_session *s = session_without_credentials();
  awsc_error err = AWSC_ERROR_INIT;
  awsc_client *c = client_with(s, "sns", AWSC_TOGGLE_OFF, 3, &err);
  CHECK(c != NULL);
  if (!c) {
    awsc_session_free(s);
    return;
  }
  fake_reply_add(&ft, 200, "x-amzn-RequestId: R1\n",
                 "<PublishResponse><PublishResult><MessageId>m-1</MessageId>"
                 "</PublishResult><ResponseMetadata><RequestId>R1</RequestId>"
                 "</ResponseMetadata></PublishResponse>");
  char *out = NULL;
  CHECK_INT(awsc_call_json(&out, c, "Publish",
                           "{\"TopicArn\": \"arn:aws:sns:us-east-1:1:t\", "
                           "\"Message\": \"hi\"}",
                           &err),
            0);
  CHECK(out && strstr(out, "\"MessageId\":\"m-1\"") != NULL);
  awsc_mem_free(out);
  CHECK_INT(ft.n_sent, 1);
  CHECK(sent_unsigned(0));
  CHECK(strstr(ft.sent[0].body, "Action=Publish") != NULL);
  awsc_client_free(c);
  awsc_session_free(s);
}

/* The same session signing (the default, and a version-2 struct whose
 * memory past its end says OFF): credentials are looked up and missing. */
static void test_signed_needs_credentials(void) {
  fake_init(&ft);
  awsc_session *s = session_without_credentials();
  for (int v = 2; v <= 3; v++) {
    awsc_error err = AWSC_ERROR_INIT;
    awsc_client *c = client_with(
        s, "s3", v == 2 ? AWSC_TOGGLE_OFF : AWSC_TOGGLE_DEFAULT, v, &err);
    CHECK(c != NULL);
    if (!c)
      continue;
    char *out = NULL;
    CHECK_INT(awsc_call_json(&out, c, "get_object",
                             "{\"Bucket\": \"bkt\", \"Key\": \"k\"}", &err),
              AWSC_ECREDENTIALS);
    CHECK(out == NULL);
    CHECK_INT(awsc_generate_presigned_url(
                  &out, c, "get_object",
                  "{\"Bucket\": \"bkt\", \"Key\": \"k\"}", 60, &err),
              AWSC_ECREDENTIALS);
    awsc_client_free(c);
  }
  CHECK_INT(ft.n_sent, 0);
  awsc_error err = AWSC_ERROR_INIT;
  CHECK(client_with(s, "s3", (awsc_toggle)7, 3, &err) == NULL);
  CHECK_INT(err.code, AWSC_EINVAL);
  CHECK(strstr(err.message, "sign_requests") != NULL);
  awsc_session_free(s);
}

/* The URLs botocore 1.43 gives with Config(signature_version=UNSIGNED). */
static void test_unsigned_presign(void) {
  static const struct {
    const char *service, *endpoint, *op, *params, *url;
  } cases[] = {
      {"s3", NULL, "get_object",
       "{\"Bucket\": \"bucket\", \"Key\": "
       "\"a b/c~d+e\"}",
       "https://bucket.s3.amazonaws.com/a%20b/c~d%2Be"},
      {"s3", NULL, "get_object",
       "{\"Bucket\": \"bucket\", \"Key\": \"k\", \"VersionId\": \"v 1\", "
       "\"ResponseContentType\": \"text/plain\"}",
       "https://bucket.s3.amazonaws.com/"
       "k?versionId=v%201&response-content-type=text%2Fplain"},
      {"s3", "http://127.0.0.1:9", "get_object",
       "{\"Bucket\": \"bucket\", \"Key\": \"k\"}",
       "http://127.0.0.1:9/bucket/k"},
      {"sns", NULL, "publish",
       "{\"TopicArn\": \"arn:aws:sns:us-east-1:1:t\", \"Message\": \"hi\"}",
       "https://sns.us-east-1.amazonaws.com/"},
  };
  fake_init(&ft);
  awsc_session *s = session_without_credentials();
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    awsc_client_options co = AWSC_CLIENT_OPTIONS_INIT;
    co.sign_requests = AWSC_TOGGLE_OFF;
    co.endpoint_url = cases[i].endpoint;
    awsc_error err = AWSC_ERROR_INIT;
    awsc_client *c = NULL;
    CHECK_INT(awsc_client_new(&c, s, cases[i].service, &co, &err), 0);
    if (!c)
      continue;
    char *url = NULL;
    CHECK_INT(awsc_generate_presigned_url(&url, c, cases[i].op, cases[i].params,
                                          3600, &err),
              0);
    CHECK_STR(url, cases[i].url);
    awsc_mem_free(url);
    awsc_client_free(c);
  }
  CHECK_INT(ft.n_sent, 0);
  awsc_session_free(s);
}

/* Each accepted form with the instant botocore 1.43 (dateutil 2.8)
 * gives it, and forms both refuse. */
static void test_timestamp_forms(void) {
  static const struct {
    const char *text;
    int64_t ms;
  } good[] = {
      {"2017-09-27", 1506470400000},
      {" 2017-09-27 ", 1506470400000},
      {"2017/09/27", 1506470400000},
      {"2017-9-7", 1504742400000},
      {"1970-01-01", 0},
      {"2017-09-27T10", 1506506400000},
      {"2017-09-27T10:00", 1506506400000},
      {"2017-09-27 10:00", 1506506400000},
      {"2017-09-27T1:00", 1506474000000},
      {"2017-09-27T10:00:00", 1506506400000},
      {"2017-09-27T10:00:00Z", 1506506400000},
      {"2017-09-27T10:00:00z", 1506506400000},
      {"2017-09-27T10:00:00.5", 1506506400500},
      {"2017-09-27T10:00:00,5", 1506506400500},
      {"2017-09-27T10:00:00.999999Z", 1506506400999},
      {"2017-09-27T10:00:00.123456+05:30", 1506486600123},
      {"2017-09-27T10:00:00+0530", 1506486600000},
      {"2017-09-27T10:00:00+05", 1506488400000},
      {"2017-09-27T10:00:00 +05:30", 1506486600000},
      {"2017-09-27 10:00:00-0100", 1506510000000},
      {"2017-09-27 10:00:00 UTC", 1506506400000},
      {"2017-09-27 10:00:00 GMT", 1506506400000},
      {"2017/9/7 10:00:00", 1504778400000},
      {"1969-12-31T23:59:59Z", -1000},
      {"1506470400", 1506470400000},
      {"1506470400.25", 1506470400250},
      {"+1506470400", 1506470400000},
      {"-1", -1000},
      {"Wed, 27 Sep 2017 10:00:00 GMT", 1506506400000},
      {"27 Sep 2017 10:00:00 GMT", 1506506400000},
      {"27 Sep 2017", 1506470400000},
      {"Sep 27 2017", 1506470400000},
      {"September 27, 2017", 1506470400000},
      {"Wed 27 Sep 2017", 1506470400000},
      {"Wed, 27 Sep 2017", 1506470400000},
      {"Sep 27, 2017 10:30", 1506508200000},
  };
  static const char *const bad[] = {
      "not a date",
      "",
      " ",
      "2017-09-27Z",
      "2017-09-27X",
      "2017-13-01",
      "2017-02-30",
      "2017-09-27T25:00",
      "2017-09-27T24:00:00",
      "2017-09-27T10:00:60",
      "2017-09-27T10:00:00Zjunk",
      "2017-09-27Tjunk",
      "2017-09-27T10:00:00+24:00",
      "2017-09/27",
      "27 Sepx 2017",
      "+",
  };
  for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
    int64_t ms = 42;
    int rc = awsc_timestamp_parse_input(
        (awsc_sv){good[i].text, strlen(good[i].text)}, &ms);
    if (rc != 0 || ms != good[i].ms) {
      fprintf(stderr, "\"%s\": rc %d, %lld ms, expected %lld\n", good[i].text,
              rc, (long long)ms, (long long)good[i].ms);
      CHECK(0);
    }
  }
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    int64_t ms = 42;
    if (awsc_timestamp_parse_input((awsc_sv){bad[i], strlen(bad[i])}, &ms) !=
        AWSC_EPARSE) {
      fprintf(stderr, "\"%s\" accepted as %lld\n", bad[i], (long long)ms);
      CHECK(0);
    }
  }
}

/* Through the JSON door: a date alone goes out as botocore sends it, and
 * garbage is refused with the validator's words, nothing sent. */
static void test_timestamp_json_input(void) {
  fake_init(&ft);
  awsc_session *s = session_without_credentials();
  awsc_error err = AWSC_ERROR_INIT;
  awsc_client *c = client_with(s, "s3", AWSC_TOGGLE_OFF, 3, &err);
  CHECK(c != NULL);
  if (!c) {
    awsc_session_free(s);
    return;
  }
  fake_reply_add(&ft, 200, "x-amz-request-id: R1\n", "");
  char *out = NULL;
  CHECK_INT(awsc_call_json(&out, c, "put_object",
                           "{\"Bucket\": \"bkt\", \"Key\": \"k\", \"Body\": "
                           "\"x\", \"Expires\": \"2017-09-27\"}",
                           &err),
            0);
  awsc_mem_free(out);
  out = NULL;
  CHECK_INT(ft.n_sent, 1);
  CHECK_STR(fake_sent_header(&ft, 0, "Expires"),
            "Wed, 27 Sep 2017 00:00:00 GMT");
  CHECK_INT(awsc_call_json(&out, c, "put_object",
                           "{\"Bucket\": \"bkt\", \"Key\": \"k\", \"Body\": "
                           "\"x\", \"Expires\": \"2017-09-27T10:00:00X\"}",
                           &err),
            AWSC_EVALIDATION);
  CHECK(strstr(err.message, "Invalid type for parameter Expires") != NULL);
  CHECK_INT(ft.n_sent, 1);
  awsc_client_free(c);
  awsc_session_free(s);
}

/* boto3's e.response of a 404 NoSuchKey: the error document's elements
 * beside Code and Message, and every header of the answer, lower-case. */
static void test_error_response_headers(void) {
  fake_init(&ft);
  awsc_session *s = session_without_credentials();
  awsc_error err = AWSC_ERROR_INIT;
  awsc_client *c = client_with(s, "s3", AWSC_TOGGLE_OFF, 3, &err);
  CHECK(c != NULL);
  if (!c) {
    awsc_session_free(s);
    return;
  }
  static const char headers[] =
      "x-amz-request-id: REQ404\nx-amz-id-2: HOST404\n"
      "Content-Type: application/xml\nX-Custom-Thing: custom value\n"
      "Date: Sat, 05 Dec 2026 12:00:00 GMT\n";
  static const char body[] =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey"
      "</Code><Message>The specified key does not exist.</Message><Key>"
      "missing.csv</Key><RequestId>REQ404</RequestId><HostId>HOST404"
      "</HostId></Error>";
  const char *params = "{\"Bucket\": \"bkt\", \"Key\": \"missing.csv\"}";
  fake_reply_add(&ft, 404, headers, body);
  fake_reply_add(&ft, 404, headers, body);
  char *out = (char *)"unset";
  /* the plain door: no document, err as always */
  CHECK_INT(awsc_call_json(&out, c, "get_object", params, &err), AWSC_ESERVICE);
  CHECK(out == NULL);
  err = (awsc_error)AWSC_ERROR_INIT;
  CHECK_INT(awsc_call_json_response(&out, c, "get_object", params, &err),
            AWSC_ESERVICE);
  CHECK_INT(err.http_status, 404);
  CHECK_STR(err.service_code, "NoSuchKey");
  CHECK_STR(err.request_id, "REQ404");
  /* what botocore 1.43's parser gives for the same answer, plus the
   * RetryAttempts its client adds */
  CHECK_STR(out,
            "{\"Error\":{\"Code\":\"NoSuchKey\",\"Message\":\"The specified "
            "key does not exist.\",\"Key\":\"missing.csv\"},"
            "\"ResponseMetadata\":{\"RequestId\":\"REQ404\",\"HostId\":"
            "\"HOST404\",\"HTTPStatusCode\":404,\"HTTPHeaders\":{"
            "\"x-amz-request-id\":\"REQ404\",\"x-amz-id-2\":\"HOST404\","
            "\"content-type\":\"application/xml\",\"x-custom-thing\":"
            "\"custom value\",\"date\":\"Sat, 05 Dec 2026 12:00:00 GMT\"},"
            "\"RetryAttempts\":0}}");
  awsc_mem_free(out);
  /* success: the same answer as awsc_call_json */
  fake_reply_add(&ft, 200, "x-amz-request-id: R1\nContent-Length: 2\n", "ok");
  fake_reply_add(&ft, 200, "x-amz-request-id: R1\nContent-Length: 2\n", "ok");
  char *plain = NULL;
  out = NULL;
  CHECK_INT(awsc_call_json_response(&out, c, "get_object", params, &err), 0);
  CHECK_INT(awsc_call_json(&plain, c, "get_object", params, &err), 0);
  CHECK(out && strstr(out, "\"Body\":\"b2s=\"") != NULL);
  CHECK_STR(out, plain);
  awsc_mem_free(out);
  awsc_mem_free(plain);
  /* failures that are not the service's: no document */
  out = (char *)"unset";
  CHECK_INT(
      awsc_call_json_response(&out, c, "get_object", "{\"Bucket\": 1}", &err),
      AWSC_EVALIDATION);
  CHECK(out == NULL);
  fake_error_add(&ft, AWSC_ENETWORK);
  fake_error_add(&ft, AWSC_ENETWORK);
  fake_error_add(&ft, AWSC_ENETWORK);
  fake_error_add(&ft, AWSC_ENETWORK);
  fake_error_add(&ft, AWSC_ENETWORK);
  c->sleep_ms = fake_no_sleep;
  out = (char *)"unset";
  CHECK_INT(awsc_call_json_response(&out, c, "get_object", params, &err),
            AWSC_ENETWORK);
  CHECK(out == NULL);
  awsc_client_free(c);
  awsc_session_free(s);
}

/* A JSON protocol's modeled error: its members at the top, as botocore's
 * endpoint adds them; retries counted. */
static void test_error_response_modeled(void) {
  fake_init(&ft);
  awsc_session *s = session_without_credentials();
  awsc_error err = AWSC_ERROR_INIT;
  awsc_client *c = client_with(s, "sqs", AWSC_TOGGLE_OFF, 3, &err);
  CHECK(c != NULL);
  if (!c) {
    awsc_session_free(s);
    return;
  }
  c->sleep_ms = fake_no_sleep;
  fake_reply_add(&ft, 503, "x-amzn-RequestId: R1\n", "");
  fake_reply_add(&ft, 400,
                 "x-amzn-RequestId: R2\n"
                 "Content-Type: application/x-amz-json-1.0\n",
                 "{\"__type\":\"com.amazonaws.sqs#QueueDoesNotExist\","
                 "\"message\":\"The specified queue does not exist.\"}");
  char *out = NULL;
  CHECK_INT(awsc_call_json_response(&out, c, "get_queue_url",
                                    "{\"QueueName\": \"q\"}", &err),
            AWSC_ESERVICE);
  CHECK(out &&
        strncmp(out, "{\"Error\":{\"Code\":\"QueueDoesNotExist\"", 36) == 0);
  CHECK(out && strstr(out, "},\"message\":\"The specified queue does not "
                           "exist.\",\"ResponseMetadata\":{") != NULL);
  CHECK(out && strstr(out, "\"HTTPStatusCode\":400,\"HTTPHeaders\":{"
                           "\"x-amzn-requestid\":\"R2\",") != NULL);
  CHECK(out && strstr(out, "\"RetryAttempts\":1}}") != NULL);
  awsc_mem_free(out);
  awsc_client_free(c);
  awsc_session_free(s);
}

/* Every allocation of a call that ends in a service error failing in
 * turn: AWSC_ENOMEM (no document) or the whole error, never a leak. */
static void test_error_response_alloc_failures(void) {
  fake_init(&ft);
  awsc_session *s = session_without_credentials();
  awsc_error err = AWSC_ERROR_INIT;
  awsc_client *c = client_with(s, "s3", AWSC_TOGGLE_OFF, 3, &err);
  CHECK(c != NULL);
  if (!c) {
    awsc_session_free(s);
    return;
  }
  const char *params = "{\"Bucket\": \"bkt\", \"Key\": \"k\"}";
  int64_t live = -1;
  bool fired = true;
  /* n = 0: a warm-up (what the client and session keep after a first
   * call), then the baseline */
  for (uint64_t n = 0; fired && n < 2000; n++) {
    ft.n_sent = ft.n_replies = 0;
    fake_reply_add(&ft, 404, "x-amz-request-id: R\nX-Custom: v\n",
                   "<Error><Code>NoSuchKey</Code><Message>m</Message>"
                   "<Key>k</Key></Error>");
    char *out = NULL;
    test_alloc_fail_at(n);
    int rc = awsc_call_json_response(&out, c, "get_object", params, &err);
    fired = test_alloc_failure_fired();
    test_alloc_fail_at(0);
    /* (the fake transport drops a header it fails to add: not checked) */
    if (rc == AWSC_ESERVICE)
      CHECK(out && strncmp(out, "{\"Error\":{\"Code\":", 17) == 0);
    else if (rc == AWSC_ENOMEM)
      CHECK(out == NULL);
    else
      CHECK_INT(rc, AWSC_ENOMEM);
    awsc_mem_free(out);
    awsc_client_drop_idle(c);
    if (n == 0) {
      CHECK_INT(rc, AWSC_ESERVICE);
      fired = true;
      live = test_alloc_live();
    }
    CHECK_INT(test_alloc_live(), live);
  }
  CHECK(!fired);
  awsc_client_free(c);
  awsc_session_free(s);
}

int main(void) {
  test_alloc_install();
  RUN(test_unsigned_calls_without_credentials);
  RUN(test_unsigned_query_protocol);
  RUN(test_signed_needs_credentials);
  RUN(test_unsigned_presign);
  RUN(test_timestamp_forms);
  RUN(test_timestamp_json_input);
  RUN(test_error_response_headers);
  RUN(test_error_response_modeled);
  RUN(test_error_response_alloc_failures);
  return test_summary();
}
