/*
 * tests/unit/runtime/test_runtime_value.c - the value tree: builder and
 * lookup, boto3-shaped JSON in (with botocore's validation messages) and
 * out, Python float formatting, and allocation failures without leaks.
 *
 * usage: test_runtime_value <models dir>
 */
#include <math.h>

#include "runtime/descriptor.h"
#include "runtime/jtree.h"
#include "runtime/value.h"
#include "test.h"

static const char *models_dir;
static awsc_arena *model_arena;
static awsc_service *s3, *sts;

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

static const awsc_shape *input_of(awsc_service *svc, const char *op) {
  const awsc_operation *o = awsc_service_find_operation(svc, op);
  return o ? o->input : NULL;
}

static void test_builder(void) {
  awsc_arena *a = awsc_arena_new(0);
  awsc_value_builder *b = awsc_vb_new(a);
  CHECK(b != NULL);
  CHECK_INT(awsc_vb_begin_map(b), 0);
  CHECK_INT(awsc_vb_key(b, "Name", 4), 0);
  CHECK_INT(awsc_vb_string(b, "x\0y", 3), 0);
  CHECK_INT(awsc_vb_key(b, "Items", 5), 0);
  CHECK_INT(awsc_vb_begin_list(b), 0);
  for (int i = 0; i < 100; i++)
    CHECK_INT(awsc_vb_int(b, i), 0);
  CHECK_INT(awsc_vb_end(b), 0);
  CHECK_INT(awsc_vb_key(b, "Flag", 4), 0);
  CHECK_INT(awsc_vb_bool(b, true), 0);
  CHECK_INT(awsc_vb_key(b, "When", 4), 0);
  CHECK_INT(awsc_vb_timestamp(b, 1000), 0);
  CHECK_INT(awsc_vb_key(b, "Data", 4), 0);
  CHECK_INT(awsc_vb_blob(b, "\x01\x00\x02", 3), 0);
  CHECK_INT(awsc_vb_key(b, "Nothing", 7), 0);
  CHECK_INT(awsc_vb_null(b), 0);
  CHECK_INT(awsc_vb_key(b, "Pi", 2), 0);
  CHECK_INT(awsc_vb_double(b, 3.25), 0);
  CHECK_INT(awsc_vb_end(b), 0);
  awsc_value root;
  CHECK_INT(awsc_vb_finish(b, &root), 0);
  awsc_vb_free(b);
  CHECK_INT(root.type, AWSC_V_MAP);
  CHECK_INT(root.u.map.n, 7);
  const awsc_value *name = awsc_value_get(&root, "Name");
  CHECK(name && name->type == AWSC_V_STRING && name->u.s.n == 3 &&
        memcmp(name->u.s.p, "x\0y", 4) == 0);
  const awsc_value *items = awsc_value_get(&root, "Items");
  CHECK(items && items->type == AWSC_V_LIST && items->u.list.n == 100 &&
        items->u.list.items[99].u.i == 99);
  const awsc_value *data = awsc_value_get(&root, "Data");
  CHECK(data && data->type == AWSC_V_BLOB && data->u.s.n == 3 &&
        data->u.s.p[2] == 2);
  CHECK(awsc_value_get(&root, "Nope") == NULL);
  CHECK(awsc_value_get(items, "Name") == NULL);
  CHECK(awsc_value_get(&root, "Nothing")->type == AWSC_V_NULL);

  /* JSON out: member order kept, blob base64, timestamp ISO 8601 */
  awsc_buf out = AWSC_BUF_INIT;
  awsc_value small;
  b = awsc_vb_new(a);
  awsc_vb_begin_map(b);
  awsc_vb_key(b, "When", 4);
  awsc_vb_timestamp(b, 1500);
  awsc_vb_key(b, "Data", 4);
  awsc_vb_blob(b, "hi", 2);
  awsc_vb_key(b, "Inf", 3);
  awsc_vb_double(b, INFINITY);
  awsc_vb_key(b, "Q", 1);
  awsc_vb_string(b, "a\"\n\x01", 4);
  awsc_vb_end(b);
  CHECK_INT(awsc_vb_finish(b, &small), 0);
  awsc_vb_free(b);
  CHECK_INT(awsc_value_to_json(&out, &small, NULL, false), 0);
  CHECK_STR(out.p, "{\"When\":\"1970-01-01T00:00:01.500Z\",\"Data\":\"aGk=\","
                   "\"Inf\":\"Infinity\",\"Q\":\"a\\\"\\n\\u0001\"}");
  awsc_buf_reset(&out);
  CHECK_INT(awsc_value_to_json(&out, &small, NULL, true), 0);
  CHECK(strstr(out.p, "\n  \"Data\": \"aGk=\"") != NULL);
  awsc_buf_free(&out);
  awsc_arena_free(a);
}

/* A builder on the stack nests deeper than its inline stack (the rest
 * continues in the arena) and never touches the heap itself. */
static void test_builder_deep(void) {
  awsc_arena *a = awsc_arena_new(64 * 1024);
  awsc_value_builder b;
  awsc_vb_init(&b, a);
  uint64_t before = test_alloc_count();
  enum { DEPTH = 3 * AWSC_VB_INLINE_DEPTH + 1 };
  int rc = 0;
  for (int d = 0; d < DEPTH && !rc; d++) {
    rc = awsc_vb_begin_map(&b);
    if (!rc)
      rc = awsc_vb_key(&b, "k", 1);
  }
  if (!rc)
    rc = awsc_vb_string(&b, "leaf", 4);
  for (int d = 0; d < DEPTH && !rc; d++)
    rc = awsc_vb_end(&b);
  awsc_value root;
  if (!rc)
    rc = awsc_vb_finish(&b, &root);
  CHECK_INT(rc, 0);
  CHECK_INT(test_alloc_count(), before); /* 64 KiB arena: room enough */
  const awsc_value *v = &root;
  for (int d = 0; rc == 0 && d < DEPTH; d++) {
    CHECK(v && v->type == AWSC_V_MAP && v->u.map.n == 1);
    v = v ? awsc_value_get(v, "k") : NULL;
  }
  CHECK(v && v->type == AWSC_V_STRING && strcmp(v->u.s.p, "leaf") == 0);
  /* no arena: every call refuses */
  awsc_value_builder nb;
  awsc_vb_init(&nb, NULL);
  CHECK_INT(awsc_vb_begin_map(&nb), AWSC_EINVAL);
  awsc_arena_free(a);
}

static void test_builder_misuse(void) {
  awsc_arena *a = awsc_arena_new(0);
  awsc_value v;
  awsc_value_builder *b = awsc_vb_new(a);
  CHECK_INT(awsc_vb_end(b), AWSC_EINVAL);
  awsc_vb_free(b);

  b = awsc_vb_new(a);
  awsc_vb_begin_map(b);
  CHECK_INT(awsc_vb_int(b, 1), AWSC_EINVAL); /* value without a key */
  CHECK_INT(awsc_vb_finish(b, &v), AWSC_EINVAL);
  awsc_vb_free(b);

  b = awsc_vb_new(a);
  awsc_vb_begin_list(b);
  CHECK_INT(awsc_vb_key(b, "k", 1), AWSC_EINVAL); /* key in a list */
  awsc_vb_free(b);

  b = awsc_vb_new(a);
  CHECK_INT(awsc_vb_int(b, 1), 0);
  CHECK_INT(awsc_vb_int(b, 2), AWSC_EINVAL); /* two roots */
  awsc_vb_free(b);

  b = awsc_vb_new(a);
  awsc_vb_begin_map(b);
  CHECK_INT(awsc_vb_finish(b, &v), AWSC_EINVAL); /* still open */
  awsc_vb_free(b);
  CHECK(awsc_vb_new(NULL) == NULL);
  awsc_arena_free(a);
}

static void test_double_format(void) {
  static const struct {
    double d;
    const char *s;
  } cases[] = {
      {1.0, "1.0"},
      {1.1, "1.1"},
      {-2.5, "-2.5"},
      {0.1 + 0.2, "0.30000000000000004"},
      {1e16, "1e+16"},
      {1e15, "1000000000000000.0"},
      {0.0001, "0.0001"},
      {0.00001, "1e-05"},
      {1.5e-7, "1.5e-07"},
      {123456789.125, "123456789.125"},
      {1e300, "1e+300"},
      {-0.0, "-0.0"},
      {0.0, "0.0"},
      {5e-324, "5e-324"},
      {1.7976931348623157e308, "1.7976931348623157e+308"},
  };
  char buf[32];
  for (size_t i = 0; i < AWSC_ARRAY_LEN(cases); i++) {
    awsc_double_format(cases[i].d, buf);
    CHECK_STR(buf, cases[i].s);
  }
  awsc_double_format(NAN, buf);
  CHECK_STR(buf, "NaN");
  awsc_double_format(-INFINITY, buf);
  CHECK_STR(buf, "-Infinity");
}

static int from_json(const awsc_shape *sh, const char *json, awsc_value *v,
                     awsc_arena *a, awsc_error *err) {
  return awsc_value_from_json(v, a, sh, json, strlen(json), err);
}

static void expect_error(const awsc_shape *sh, const char *json,
                         const char *message) {
  awsc_arena *a = awsc_arena_new(0);
  awsc_value v;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = from_json(sh, json, &v, a, &err);
  CHECK_INT(rc, AWSC_EVALIDATION);
  CHECK_INT(err.kind, AWSC_ERROR_VALIDATION);
  CHECK_STR(err.message, message);
  awsc_arena_free(a);
}

static void test_validation_messages(void) {
  const awsc_shape *put = input_of(s3, "PutObject");
  const awsc_shape *tag = input_of(s3, "PutBucketTagging");
  const awsc_shape *ar = input_of(sts, "AssumeRole");
  CHECK(put && tag && ar);
  if (!put || !tag || !ar)
    return;
  expect_error(put, "{\"Key\":\"k\"}",
               "Missing required parameter in input: \"Bucket\"");
  expect_error(input_of(s3, "GetBucketAcl"), "{\"Bucket\":\"b\",\"Foo\":1}",
               "Unknown parameter in input: \"Foo\", must be one of: Bucket, "
               "ExpectedBucketOwner");
  expect_error(put, "{\"Bucket\":\"b\",\"Key\":1}",
               "Invalid type for parameter Key, value: 1, type: int, valid "
               "types: str");
  expect_error(put, "{\"Bucket\":\"b\",\"Key\":\"k\",\"ContentLength\":\"5\"}",
               "Invalid type for parameter ContentLength, value: 5, type: "
               "str, valid types: int");
  expect_error(put, "{\"Bucket\":\"b\",\"Key\":\"k\",\"Metadata\":{\"a\":1}}",
               "Invalid type for parameter Metadata.a, value: 1, type: int, "
               "valid types: str");
  expect_error(put, "{\"Bucket\":\"b\",\"Key\":\"k\",\"Expires\":\"soon\"}",
               "Invalid type for parameter Expires, value: soon, type: str, "
               "valid types: datetime, timestamp-string");
  expect_error(put, "[]",
               "Invalid type for parameter input, value: [...], type: list, "
               "valid types: dict");
  expect_error(tag,
               "{\"Bucket\":\"b\",\"Tagging\":{\"TagSet\":[{\"Key\":\"a\","
               "\"Value\":\"b\"},{\"Value\":\"c\"}]}}",
               "Missing required parameter in Tagging.TagSet[1]: \"Key\"");
  expect_error(tag, "{\"Bucket\":\"b\",\"Tagging\":{\"TagSet\":{}}}",
               "Invalid type for parameter Tagging.TagSet, value: {...}, "
               "type: dict, valid types: list, tuple");
  expect_error(ar,
               "{\"RoleArn\":\"arn:aws:iam::123456789012:role/r\","
               "\"RoleSessionName\":\"a\"}",
               "Invalid length for parameter RoleSessionName, value: 1, "
               "valid min length: 2");
  expect_error(ar,
               "{\"RoleArn\":\"arn:aws:iam::123456789012:role/demo\","
               "\"RoleSessionName\":\"ab\",\"DurationSeconds\":60}",
               "Invalid value for parameter DurationSeconds, value: 60, "
               "valid min value: 900");
  /* bad JSON is a parse error, not a validation error */
  awsc_arena *a = awsc_arena_new(0);
  awsc_value v;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(from_json(put, "{\"Bucket\":", &v, a, &err), AWSC_EPARSE);
  const awsc_shape *acl = input_of(s3, "GetBucketAcl");
  /* a lone surrogate escape is refused naming the parameter (Python's
   * encoder refuses it: it used to be sent as U+FFFD); raw invalid UTF-8
   * fails the parse */
  CHECK_INT(from_json(acl, "{\"Bucket\":\"\\ud800x\"}", &v, a, &err),
            AWSC_EVALIDATION);
  CHECK(strstr(err.message, "Invalid value for parameter Bucket: not valid "
                            "UTF-8") != NULL);
  CHECK_INT(from_json(acl, "{\"Bucket\":\"x\\udc00\"}", &v, a, &err),
            AWSC_EVALIDATION);
  CHECK_INT(from_json(acl, "{\"Bucket\":\"\\ud83d\\ude00\"}", &v, a, &err), 0);
  CHECK(strcmp(v.u.map.items[0].value.u.s.p, "\xf0\x9f\x98\x80") == 0);
  CHECK_INT(from_json(acl, "{\"Bucket\":\"\xff\"}", &v, a, &err), AWSC_EPARSE);
  CHECK_INT(from_json(acl, "{\"Bucket\":\"b\"} x", &v, a, &err), AWSC_EPARSE);
  CHECK(strstr(err.message, "trailing data") != NULL);
  awsc_arena_free(a);
}

static void test_conversions(void) {
  const awsc_shape *put = input_of(s3, "PutObject");
  if (!put)
    return;
  awsc_arena *a = awsc_arena_new(0);
  awsc_value v;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = from_json(put,
                     "{\"Bucket\":\"b\",\"Key\":\"k/\\u00e9\",\"Body\":\"hi\","
                     "\"Expires\":\"2015-08-30T12:36:00.5Z\","
                     "\"ObjectLockRetainUntilDate\":1440938160.25,"
                     "\"ContentLength\":2,\"BucketKeyEnabled\":true,"
                     "\"ACL\":\"not-in-the-enum\",\"Metadata\":{\"a\":\"b\"},"
                     "\"SSECustomerKey\":null}",
                     &v, a, &err);
  CHECK_INT(rc, 0);
  if (rc) {
    printf("  %s\n", err.message);
    awsc_arena_free(a);
    return;
  }
  /* caller's order; nulls dropped */
  CHECK_INT(v.u.map.n, 9);
  CHECK_STR(v.u.map.items[0].key, "Bucket");
  CHECK_STR(v.u.map.items[8].key, "Metadata");
  const awsc_value *key = awsc_value_get(&v, "Key");
  CHECK(key && key->u.s.n == 4 && memcmp(key->u.s.p, "k/\xc3\xa9", 4) == 0);
  CHECK(awsc_value_get(&v, "Body")->type == AWSC_V_BLOB);
  CHECK_INT(awsc_value_get(&v, "Expires")->type, AWSC_V_TIMESTAMP);
  CHECK_INT(awsc_value_get(&v, "Expires")->u.i, INT64_C(1440938160500));
  CHECK_INT(awsc_value_get(&v, "ObjectLockRetainUntilDate")->u.i,
            INT64_C(1440938160250));
  CHECK_INT(awsc_value_get(&v, "ContentLength")->u.i, 2);
  CHECK(awsc_value_get(&v, "BucketKeyEnabled")->u.b);
  /* unknown enum values pass (botocore only warns) */
  CHECK(awsc_value_get(&v, "ACL") != NULL);
  CHECK(awsc_value_get(&v, "SSECustomerKey") == NULL);

  awsc_buf j1 = AWSC_BUF_INIT, j2 = AWSC_BUF_INIT;
  CHECK_INT(awsc_value_to_json(&j1, &v, put, false), 0);
  /* blobs go in as text, come out base64 (as boto3 prints them) */
  CHECK(strstr(j1.p, "\"Body\":\"aGk=\"") != NULL);
  CHECK(strstr(j1.p, "\"Expires\":\"2015-08-30T12:36:00.500Z\"") != NULL);
  CHECK(strstr(j1.p, "\"Key\":\"k/\xc3\xa9\"") != NULL);

  /* round trip without blobs: to_json, from_json, to_json is stable */
  awsc_buf_reset(&j1);
  const char *rt = "{\"Bucket\":\"b\",\"Key\":\"k\",\"ContentLength\":3,"
                   "\"Expires\":\"2015-08-30T12:36:00Z\",\"Metadata\":{\"z\":"
                   "\"1\",\"a\":\"2\"},\"BucketKeyEnabled\":false}";
  CHECK_INT(from_json(put, rt, &v, a, &err), 0);
  CHECK_INT(awsc_value_to_json(&j1, &v, put, false), 0);
  CHECK_STR(j1.p, rt);
  awsc_value v2;
  CHECK_INT(awsc_value_from_json(&v2, a, put, j1.p, j1.len, &err), 0);
  CHECK_INT(awsc_value_to_json(&j2, &v2, put, false), 0);
  CHECK_STR(j1.p, j2.p);
  awsc_buf_free(&j1);
  awsc_buf_free(&j2);

  /* null input means no parameters */
  CHECK_INT(from_json(input_of(s3, "ListBuckets"), "null", &v, a, &err), 0);
  CHECK_INT(v.type, AWSC_V_MAP);
  CHECK_INT(v.u.map.n, 0);
  awsc_arena_free(a);
}

static void test_lenient(void) {
  const awsc_shape *put = input_of(s3, "PutObject");
  if (!put)
    return;
  awsc_arena *a = awsc_arena_new(0);
  awsc_value v;
  const char *json = "{\"Key\":7,\"Foo\":1,\"ContentLength\":\"5\","
                     "\"BucketKeyEnabled\":\"true\",\"Expires\":{}}";
  int rc = awsc_value_from_json_ex(&v, a, put, json, strlen(json),
                                   AWSC_VJ_NO_VALIDATE, NULL);
  CHECK_INT(rc, 0);
  const awsc_value *key = awsc_value_get(&v, "Key");
  CHECK(key && key->type == AWSC_V_STRING && strcmp(key->u.s.p, "7") == 0);
  CHECK(awsc_value_get(&v, "Foo") == NULL);
  CHECK_INT(awsc_value_get(&v, "ContentLength")->u.i, 5);
  CHECK(awsc_value_get(&v, "BucketKeyEnabled")->u.b);
  CHECK_INT(awsc_value_get(&v, "Expires")->type, AWSC_V_NULL);
  awsc_arena_free(a);
}

static void test_documents(void) {
  const char shapes[] =
      "{\"In\":{\"type\":\"structure\",\"members\":{\"Doc\":{\"shape\":"
      "\"Doc\"},\"U\":{\"shape\":\"U\"},\"F\":{\"shape\":\"F\"}}},"
      "\"Doc\":{\"type\":\"structure\",\"members\":{},\"document\":true},"
      "\"U\":{\"type\":\"structure\",\"union\":true,\"members\":{"
      "\"A\":{\"shape\":\"S\"},\"B\":{\"shape\":\"S\"}}},"
      "\"S\":{\"type\":\"string\"},\"F\":{\"type\":\"double\"}}";
  const char meta[] = "{\"protocol\":\"json\",\"jsonVersion\":\"1.1\"}";
  const char op[] = "{\"name\":\"Op\",\"input\":{\"shape\":\"In\"}}";
  const char *ops[] = {op};
  size_t lens[] = {sizeof op - 1};
  awsc_arena *a = awsc_arena_new(0);
  awsc_service *svc = NULL;
  CHECK_INT(awsc_service_from_parts(&svc, a, meta, sizeof meta - 1, shapes,
                                    sizeof shapes - 1, ops, lens, 1, NULL),
            0);
  if (!svc) {
    awsc_arena_free(a);
    return;
  }
  const awsc_shape *in = svc->operations[0].input;
  CHECK_INT(awsc_shape_find_member(in, "Doc", 3)->shape->type,
            AWSC_SHAPE_DOCUMENT);
  awsc_value v;
  awsc_error err = AWSC_ERROR_INIT;
  const char *json = "{\"Doc\":{\"x\":[1,2.5,\"s\",null,true,{}]},"
                     "\"U\":{\"A\":\"a\"},\"F\":\"NaN\"}";
  CHECK_INT(from_json(in, json, &v, a, &err), 0);
  const awsc_value *doc = awsc_value_get(&v, "Doc");
  const awsc_value *x = awsc_value_get(doc, "x");
  CHECK(x && x->type == AWSC_V_LIST && x->u.list.n == 6);
  CHECK(isnan(awsc_value_get(&v, "F")->u.d));
  awsc_buf out = AWSC_BUF_INIT;
  CHECK_INT(awsc_value_to_json(&out, &v, in, false), 0);
  CHECK_STR(out.p, "{\"Doc\":{\"x\":[1,2.5,\"s\",null,true,{}]},"
                   "\"U\":{\"A\":\"a\"},\"F\":\"NaN\"}");
  awsc_buf_free(&out);
  /* an integral number for a double member stays an int */
  CHECK_INT(from_json(in, "{\"F\":2}", &v, a, &err), 0);
  CHECK_INT(awsc_value_get(&v, "F")->type, AWSC_V_INT);
  CHECK_INT(from_json(in, "{\"F\":2.5}", &v, a, &err), 0);
  CHECK_INT(awsc_value_get(&v, "F")->type, AWSC_V_DOUBLE);
  expect_error(in, "{\"F\":\"2\"}",
               "Invalid type for parameter F, value: 2, type: str, valid "
               "types: float, Decimal, int");
  expect_error(in, "{\"U\":{\"A\":\"a\",\"B\":\"b\"}}",
               "Invalid number of parameters set for tagged union structure "
               "U. Can only set one of the following keys: A, B.");
  awsc_arena_free(a);
}

/* Every allocation failure in from_json / to_json / the builder is
 * reported as AWSC_ENOMEM and leaks nothing. */
static void test_alloc_failures(void) {
  const awsc_shape *tag = input_of(s3, "PutBucketTagging");
  if (!tag)
    return;
  const char *json = "{\"Bucket\":\"b\",\"Tagging\":{\"TagSet\":["
                     "{\"Key\":\"a\",\"Value\":\"b\"},"
                     "{\"Key\":\"c\",\"Value\":\"d\"}]},"
                     "\"ContentMD5\":\"x\"}";
  int failures = 0;
  for (uint64_t n = 1; n < 2000; n++) {
    int64_t live = test_alloc_live();
    test_alloc_fail_at(n);
    /* small blocks: many more allocations to fail */
    awsc_arena *a = awsc_arena_new(256);
    awsc_value v;
    awsc_buf out = AWSC_BUF_INIT;
    int rc = a ? awsc_value_from_json(&v, a, tag, json, strlen(json), NULL)
               : AWSC_ENOMEM;
    if (rc == 0)
      rc = awsc_value_to_json(&out, &v, tag, true);
    awsc_value_builder *b = rc == 0 ? awsc_vb_new(a) : NULL;
    if (rc == 0 && !b)
      rc = AWSC_ENOMEM;
    for (int i = 0; rc == 0 && i < 40; i++)
      rc = i == 0 ? awsc_vb_begin_list(b) : awsc_vb_string(b, "abc", 3);
    if (rc == 0)
      rc = awsc_vb_end(b);
    awsc_vb_free(b);
    awsc_buf_free(&out);
    awsc_arena_free(a);
    int fired = test_alloc_failure_fired();
    test_alloc_fail_at(0);
    CHECK_INT(test_alloc_live(), live);
    if (!fired) {
      CHECK_INT(rc, 0);
      break;
    }
    CHECK_INT(rc, AWSC_ENOMEM);
    failures++;
  }
  printf("  %d injected allocation failures, all clean\n", failures);
  CHECK(failures >= 3);
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
  sts = load("sts", "2011-06-15");
  if (!s3 || !sts) {
    printf("cannot load models from %s\n", models_dir);
    return 1;
  }
  RUN(test_builder);
  RUN(test_builder_deep);
  RUN(test_builder_misuse);
  RUN(test_double_format);
  RUN(test_validation_messages);
  RUN(test_conversions);
  RUN(test_lenient);
  RUN(test_documents);
  RUN(test_alloc_failures);
  awsc_arena_free(model_arena);
  if (test_alloc_live() != 0) {
    printf("leak: %lld blocks live\n", (long long)test_alloc_live());
    test_failed++;
  }
  return test_summary();
}
