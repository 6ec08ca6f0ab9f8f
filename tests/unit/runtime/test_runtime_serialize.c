/*
 * tests/unit/runtime/test_runtime_serialize.c - request serialization
 * with the shipped models (S3 rest-xml, SQS json 1.0, SNS/STS query).
 * Expected values were produced with botocore 1.43's serializers for the
 * same parameters. Also: URI/host-label errors, idempotency tokens, and
 * allocation failures without leaks.
 *
 * usage: test_runtime_serialize <models dir>
 */
#include "protocols/protocol.h"
#include "test.h"

static const char *models_dir;
static awsc_arena *model_arena;
static awsc_service *s3, *sqs, *sns, *sts;

static awsc_service *load(const char *svc, const char *version) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s/%s/service-2.json", models_dir, svc,
           version);
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = malloc((size_t)n);
  awsc_service *out = NULL;
  if (b && fread(b, 1, (size_t)n, f) == (size_t)n)
    awsc_service_from_json(&out, model_arena, b, (size_t)n, NULL);
  free(b);
  fclose(f);
  return out;
}

static int ser(awsc_service *svc, const char *op_name, const char *json,
               awsc_arena *a, awsc_serialized_request *req, awsc_error *err) {
  const awsc_operation *op = awsc_service_find_operation(svc, op_name);
  if (!op)
    return AWSC_ENOTFOUND;
  awsc_value v;
  int rc = awsc_value_from_json(&v, a, op->input, json, strlen(json), err);
  return rc ? rc : awsc_protocol_serialize(svc, op, &v, a, req, err);
}

static const char *header(const awsc_serialized_request *r, const char *n) {
  for (size_t i = 0; i < r->header_count; i++)
    if (strcmp(r->headers[i].name, n) == 0)
      return r->headers[i].value;
  return NULL;
}

static const char *query(const awsc_serialized_request *r, const char *n) {
  for (size_t i = 0; i < r->query_count; i++)
    if (strcmp(r->query[i].name, n) == 0)
      return r->query[i].value ? r->query[i].value : "(bare)";
  return NULL;
}

static bool body_is(const awsc_serialized_request *r, const char *s) {
  size_t n = strlen(s);
  if (r->body_len != n || (n && memcmp(r->body, s, n) != 0)) {
    printf("  body: %.*s\n  want: %s\n", (int)r->body_len,
           r->body ? r->body : "", s);
    return false;
  }
  return true;
}

static void test_s3_list_objects_v2(void) {
  awsc_arena *a = awsc_arena_new(0);
  awsc_serialized_request r;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = ser(s3, "list_objects_v2",
               "{\"Bucket\":\"my bucket\",\"Prefix\":\"a b/c\",\"MaxKeys\":10,"
               "\"FetchOwner\":true}",
               a, &r, &err);
  CHECK_INT(rc, 0);
  if (rc == 0) {
    CHECK_STR(r.method, "GET");
    CHECK_STR(r.path, "/my%20bucket");
    CHECK_INT(r.query_count, 4);
    CHECK_STR(r.query[0].name, "list-type"); /* the template's own first */
    CHECK_STR(query(&r, "list-type"), "2");
    CHECK_STR(query(&r, "prefix"), "a b/c"); /* raw: the signer encodes */
    CHECK_STR(query(&r, "max-keys"), "10");
    CHECK_STR(query(&r, "fetch-owner"), "true");
    CHECK_INT(r.header_count, 0);
    CHECK_INT(r.body_len, 0);
    CHECK(r.payload_stream == NULL && r.host_prefix == NULL);
  }
  awsc_arena_free(a);
}

static void test_s3_get_put_object(void) {
  awsc_arena *a = awsc_arena_new(0);
  awsc_serialized_request r;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = ser(s3, "GetObject",
               "{\"Bucket\":\"b\",\"Key\":\"dir/\\u00fc x+y~.txt\","
               "\"Range\":\"bytes=0-9\","
               "\"IfModifiedSince\":\"2015-08-30T12:36:00Z\"}",
               a, &r, &err);
  CHECK_INT(rc, 0);
  if (rc == 0) {
    CHECK_STR(r.path, "/b/dir/%C3%BC%20x%2By~.txt"); /* greedy keeps '/' */
    CHECK_INT(r.query_count, 0);
    CHECK_STR(header(&r, "Range"), "bytes=0-9");
    CHECK_STR(header(&r, "If-Modified-Since"), "Sun, 30 Aug 2015 12:36:00 GMT");
  }
  rc = ser(s3, "PutObject",
           "{\"Bucket\":\"b\",\"Key\":\"k\",\"Body\":\"hello\","
           "\"ContentType\":\"text/plain\",\"Metadata\":{\"foo\":\"bar\"},"
           "\"Expires\":1440938160}",
           a, &r, &err);
  CHECK_INT(rc, 0);
  if (rc == 0) {
    CHECK_STR(r.method, "PUT");
    CHECK_STR(r.path, "/b/k");
    CHECK(body_is(&r, "hello"));
    CHECK(r.payload_stream != NULL); /* streaming blob payload */
    CHECK_INT(r.header_count, 3);
    CHECK_STR(header(&r, "Content-Type"), "text/plain");
    CHECK_STR(header(&r, "x-amz-meta-foo"), "bar");
    CHECK_STR(header(&r, "Expires"), "Sun, 30 Aug 2015 12:36:00 GMT");
  }
  awsc_arena_free(a);
}

static void test_s3_xml_bodies(void) {
  awsc_arena *a = awsc_arena_new(0);
  awsc_serialized_request r;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = ser(s3, "PutBucketTagging",
               "{\"Bucket\":\"b\",\"Tagging\":{\"TagSet\":[{\"Key\":\"a&b\","
               "\"Value\":\"<c>\"}]}}",
               a, &r, &err);
  CHECK_INT(rc, 0);
  if (rc == 0) {
    CHECK_STR(r.path, "/b");
    CHECK_STR(query(&r, "tagging"), "(bare)");
    CHECK(body_is(&r, "<Tagging xmlns=\"http://s3.amazonaws.com/doc/"
                      "2006-03-01/\"><TagSet><Tag><Key>a&amp;b</Key><Value>"
                      "&lt;c&gt;</Value></Tag></TagSet></Tagging>"));
    CHECK(header(&r, "Content-Type") == NULL); /* as botocore: none */
  }
  rc = ser(s3, "DeleteObjects",
           "{\"Bucket\":\"b\",\"Delete\":{\"Objects\":[{\"Key\":\"x\"},"
           "{\"Key\":\"y\",\"VersionId\":\"1\"}],\"Quiet\":true}}",
           a, &r, &err);
  CHECK_INT(rc, 0);
  if (rc == 0)
    CHECK(body_is(&r, "<Delete xmlns=\"http://s3.amazonaws.com/doc/"
                      "2006-03-01/\"><Object><Key>x</Key></Object><Object>"
                      "<Key>y</Key><VersionId>1</VersionId></Object><Quiet>"
                      "true</Quiet></Delete>"));
  awsc_arena_free(a);
}

static void test_s3_host_prefix(void) {
  awsc_arena *a = awsc_arena_new(0);
  awsc_serialized_request r;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = ser(s3, "WriteGetObjectResponse",
               "{\"RequestRoute\":\"route-1\",\"RequestToken\":\"t\","
               "\"Body\":\"x\"}",
               a, &r, &err);
  CHECK_INT(rc, 0);
  if (rc == 0) {
    CHECK_STR(r.host_prefix, "route-1.");
    CHECK_STR(header(&r, "x-amz-request-route"), "route-1");
    CHECK(body_is(&r, "x"));
  }
  rc = ser(s3, "WriteGetObjectResponse",
           "{\"RequestRoute\":\"bad_route!\",\"RequestToken\":\"t\"}", a, &r,
           &err);
  CHECK_INT(rc, AWSC_EVALIDATION);
  CHECK_STR(err.message, "Invalid value for parameter(s): RequestRoute. Must "
                         "contain only alphanumeric characters, hyphen, or "
                         "period.");
  /* a URI label the caller left out (validation off) */
  const awsc_operation *op = awsc_service_find_operation(s3, "GetObject");
  awsc_value v;
  const char *json = "{\"Key\":\"k\"}";
  CHECK_INT(awsc_value_from_json_ex(&v, a, op->input, json, strlen(json),
                                    AWSC_VJ_NO_VALIDATE, NULL),
            0);
  CHECK_INT(awsc_protocol_serialize(s3, op, &v, a, &r, &err), AWSC_EVALIDATION);
  CHECK_STR(err.message, "Missing required parameter in input: \"Bucket\"");
  awsc_arena_free(a);
}

static void test_sqs_json(void) {
  awsc_arena *a = awsc_arena_new(0);
  awsc_serialized_request r;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = ser(sqs, "send_message",
               "{\"QueueUrl\":\"https://q\",\"MessageBody\":\"hi \\u00e9\","
               "\"DelaySeconds\":5,\"MessageAttributes\":{\"a\":{\"DataType\":"
               "\"Binary\",\"BinaryValue\":\"\\u0000\\u0001\"}}}",
               a, &r, &err);
  CHECK_INT(rc, 0);
  if (rc == 0) {
    CHECK_STR(r.method, "POST");
    CHECK_STR(r.path, "/");
    CHECK_STR(header(&r, "X-Amz-Target"), "AmazonSQS.SendMessage");
    CHECK_STR(header(&r, "Content-Type"), "application/x-amz-json-1.0");
    CHECK_STR(header(&r, "x-amzn-query-mode"), "true");
    CHECK(body_is(&r, "{\"QueueUrl\": \"https://q\", \"MessageBody\": "
                      "\"hi \\u00e9\", \"DelaySeconds\": 5, "
                      "\"MessageAttributes\": {\"a\": {\"DataType\": "
                      "\"Binary\", \"BinaryValue\": \"AAE=\"}}}"));
  }
  rc = ser(sqs, "ListQueues", "{}", a, &r, &err);
  CHECK_INT(rc, 0);
  if (rc == 0)
    CHECK(body_is(&r, "{}"));
  awsc_arena_free(a);
}

static void test_query(void) {
  awsc_arena *a = awsc_arena_new(0);
  awsc_serialized_request r;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = ser(sns, "Publish",
               "{\"TopicArn\":\"arn:t\",\"Message\":\"hi there\","
               "\"MessageAttributes\":{\"k\":{\"DataType\":\"String\","
               "\"StringValue\":\"v/w\"}}}",
               a, &r, &err);
  CHECK_INT(rc, 0);
  if (rc == 0) {
    CHECK_STR(r.path, "/");
    CHECK_STR(header(&r, "Content-Type"),
              "application/x-www-form-urlencoded; charset=utf-8");
    CHECK(body_is(&r, "Action=Publish&Version=2010-03-31&TopicArn=arn%3At&"
                      "Message=hi+there&MessageAttributes.entry.1.Name=k&"
                      "MessageAttributes.entry.1.Value.DataType=String&"
                      "MessageAttributes.entry.1.Value.StringValue=v%2Fw"));
  }
  rc = ser(sts, "AssumeRole",
           "{\"RoleArn\":\"arn:aws:iam::123456789012:role/demo\","
           "\"RoleSessionName\":\"se\",\"PolicyArns\":[{\"arn\":"
           "\"arn:aws:iam::123456789012:policy/p1\"},{\"arn\":"
           "\"arn:aws:iam::123456789012:policy/p2\"}],\"Tags\":[],"
           "\"DurationSeconds\":900}",
           a, &r, &err);
  CHECK_INT(rc, 0);
  if (rc)
    printf("  %s\n", err.message);
  if (rc == 0)
    CHECK(body_is(
        &r, "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws"
            "%3Aiam%3A%3A123456789012%3Arole%2Fdemo&RoleSessionName"
            "=se&PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3A123456789012"
            "%3Apolicy%2Fp1&PolicyArns.member.2.arn=arn%3Aaws%3Aiam"
            "%3A%3A123456789012%3Apolicy%2Fp2&Tags=&"
            "DurationSeconds=900"));
  awsc_arena_free(a);
}

static bool is_uuid4(const char *s) {
  if (!s || strlen(s) != 36 || s[14] != '4')
    return false;
  for (int i = 0; i < 36; i++) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !strchr("0123456789abcdef", s[i]))
      return false;
  }
  return strchr("89ab", s[19]) != NULL;
}

static void test_idempotency_token(void) {
  awsc_arena *a = awsc_arena_new(0);
  awsc_serialized_request r;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = ser(s3, "RenameObject",
               "{\"Bucket\":\"b\",\"Key\":\"new\",\"RenameSource\":\"old\"}", a,
               &r, &err);
  CHECK_INT(rc, 0);
  if (rc == 0) {
    const char *tok = header(&r, "x-amz-client-token");
    CHECK(is_uuid4(tok));
    awsc_serialized_request r2;
    ser(s3, "RenameObject",
        "{\"Bucket\":\"b\",\"Key\":\"new\",\"RenameSource\":\"old\"}", a, &r2,
        &err);
    CHECK(tok && strcmp(tok, header(&r2, "x-amz-client-token")) != 0);
  }
  rc = ser(s3, "RenameObject",
           "{\"Bucket\":\"b\",\"Key\":\"new\",\"RenameSource\":\"old\","
           "\"ClientToken\":\"mine\"}",
           a, &r, &err);
  CHECK_INT(rc, 0);
  CHECK_STR(header(&r, "x-amz-client-token"), "mine");
  awsc_arena_free(a);
}

static void test_alloc_failures(void) {
  static const struct {
    awsc_service **svc;
    const char *op, *json;
  } cases[] = {
      {&s3, "PutBucketTagging",
       "{\"Bucket\":\"b\",\"Tagging\":{\"TagSet\":[{\"Key\":\"a\",\"Value\":"
       "\"b\"},{\"Key\":\"c\",\"Value\":\"d\"}]}}"},
      {&s3, "ListObjectsV2", "{\"Bucket\":\"b\",\"Prefix\":\"p\"}"},
      {&sns, "Publish",
       "{\"TopicArn\":\"t\",\"Message\":\"m\",\"MessageAttributes\":{\"k\":"
       "{\"DataType\":\"String\",\"StringValue\":\"v\"}}}"},
      {&sqs, "SendMessage", "{\"QueueUrl\":\"q\",\"MessageBody\":\"b\"}"},
  };
  int failures = 0;
  for (size_t c = 0; c < AWSC_ARRAY_LEN(cases); c++) {
    for (uint64_t n = 1; n < 2000; n++) {
      int64_t live = test_alloc_live();
      test_alloc_fail_at(n);
      awsc_arena *a = awsc_arena_new(256);
      awsc_serialized_request r;
      int rc = a ? ser(*cases[c].svc, cases[c].op, cases[c].json, a, &r, NULL)
                 : AWSC_ENOMEM;
      awsc_arena_free(a);
      int fired = test_alloc_failure_fired();
      test_alloc_fail_at(0);
      CHECK_INT(test_alloc_live(), live);
      if (!fired) {
        CHECK_INT(rc, 0);
        break;
      }
      if (rc != AWSC_ENOMEM)
        printf("  case %zu, allocation %llu: rc %d\n", c, (unsigned long long)n,
               rc);
      CHECK_INT(rc, AWSC_ENOMEM);
      failures++;
    }
  }
  printf("  %d injected allocation failures, all clean\n", failures);
  CHECK(failures >= 20);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s <models dir>\n", argv[0]);
    return 2;
  }
  models_dir = argv[1];
  test_alloc_install();
  model_arena = awsc_arena_new(64 * 1024);
  s3 = load("s3", "2006-03-01");
  sqs = load("sqs", "2012-11-05");
  sns = load("sns", "2010-03-31");
  sts = load("sts", "2011-06-15");
  if (!s3 || !sqs || !sns || !sts) {
    printf("cannot load models from %s\n", models_dir);
    return 1;
  }
  RUN(test_s3_list_objects_v2);
  RUN(test_s3_get_put_object);
  RUN(test_s3_xml_bodies);
  RUN(test_s3_host_prefix);
  RUN(test_sqs_json);
  RUN(test_query);
  RUN(test_idempotency_token);
  RUN(test_alloc_failures);
  awsc_arena_free(model_arena);
  if (test_alloc_live() != 0) {
    printf("leak: %lld blocks live\n", (long long)test_alloc_live());
    test_failed++;
  }
  return test_summary();
}
