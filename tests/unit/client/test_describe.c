/*
 * Introspection for bindings (issue 11 point 1): the built-in services,
 * and the shape trees of operations with their types, checked by parsing
 * the JSON the library gives and looking at what a binding would read.
 */
#include <string.h>

#include "awsc/awsc.h"
#include "client/client_internal.h"
#include "runtime/jtree.h"
#include "test.h"

/* Parse json into a tree in arena a; NULL (and a failed check) if bad. */
static const awsc_jnode *parse(awsc_arena *a, const char *json) {
  awsc_jnode *root = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = json ? awsc_jtree_parse(&root, a, json, strlen(json), 0, &err)
                : AWSC_EINVAL;
  CHECK_INT(rc, 0);
  return rc ? NULL : root;
}

static bool array_has(const awsc_jnode *arr, const char *s) {
  for (size_t i = 0; arr && arr->type == AWSC_J_ARRAY && i < arr->count; i++)
    if (arr->items[i]->type == AWSC_J_STRING &&
        strcmp(arr->items[i]->s, s) == 0)
      return true;
  return false;
}

static void test_service_names(void) {
  char *json = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_service_names_json(&json, &err), 0);
  awsc_arena *a = awsc_arena_new(0);
  CHECK(a != NULL);
  const awsc_jnode *names = parse(a, json);
  CHECK(names && names->type == AWSC_J_ARRAY);
  /* every name listed makes a client, and it is exactly the registry's */
  size_t n = names && names->type == AWSC_J_ARRAY ? names->count : 0;
  CHECK(n >= 1);
  for (size_t i = 0; i < n; i++) {
    CHECK_INT(names->items[i]->type, AWSC_J_STRING);
    CHECK(awsc_builtin_service(names->items[i]->s) != NULL);
    CHECK(strchr(names->items[i]->s, ',') == NULL);
    CHECK(strchr(names->items[i]->s, ' ') == NULL);
  }
  size_t commas = 0;
  for (const char *p = awsc_builtin_service_names(); *p; p++)
    commas += *p == ',';
  CHECK_INT((long)n, (long)commas + 1);
  /* the default build's services */
  CHECK(array_has(names, "s3"));
  CHECK(array_has(names, "sns"));
  CHECK(array_has(names, "sqs"));
  CHECK(!array_has(names, "ec2"));
  CHECK_INT(awsc_service_names_json(NULL, &err), AWSC_EINVAL);
  awsc_mem_free(json);
  awsc_arena_free(a);
}

static const char *env_none(const char *name, void *ud) {
  (void)name;
  (void)ud;
  return NULL;
}

/* A client of `service` that never sends anything (nothing is called). */
static awsc_client *client_of(const char *service) {
  awsc_session_options so = AWSC_SESSION_OPTIONS_INIT;
  so.region = "us-east-1";
  so.getenv_fn = env_none;
  so.config_file = "/nonexistent/awsc-test/config";
  so.credentials_file = "/nonexistent/awsc-test/credentials";
  awsc_session *s = NULL;
  awsc_client *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  if (awsc_session_new(&s, &so, &err) == 0)
    awsc_client_new(&c, s, service, NULL, &err);
  awsc_session_free(s);
  if (!c)
    fprintf(stderr, "client %s: %s\n", service, err.message);
  return c;
}

/* Shapes[name], or NULL. */
static const awsc_jnode *shape(const awsc_jnode *root, const char *name) {
  return name ? awsc_jtree_get(awsc_jtree_get(root, "Shapes"), name) : NULL;
}

static const char *type_of(const awsc_jnode *root, const char *name) {
  return awsc_jtree_get_str(shape(root, name), "Type");
}

/* The shape of member `member` of structure `name`. */
static const char *member_shape(const awsc_jnode *root, const char *name,
                                const char *member) {
  return awsc_jtree_get_str(awsc_jtree_get(shape(root, name), "Members"),
                            member);
}

static const char *member_type(const awsc_jnode *root, const char *name,
                               const char *member) {
  return type_of(root, member_shape(root, name, member));
}

/* Every shape named anywhere (members, list and map elements, operation
 * inputs, outputs and errors) is described: a binding can follow any
 * name. Returns how many names were followed. */
static size_t check_closed(const awsc_jnode *root) {
  size_t followed = 0;
  const awsc_jnode *shapes = awsc_jtree_get(root, "Shapes");
  for (size_t i = 0; shapes && i < shapes->count; i++) {
    const awsc_jnode *sh = shapes->members[i].value;
    const awsc_jnode *mem = awsc_jtree_get(sh, "Members");
    for (size_t k = 0; mem && k < mem->count; k++, followed++)
      CHECK(shape(root, mem->members[k].value->s) != NULL);
    static const char *const refs[] = {"Member", "Key", "Value"};
    for (size_t k = 0; k < 3; k++) {
      const char *r = awsc_jtree_get_str(sh, refs[k]);
      if (r) {
        CHECK(shape(root, r) != NULL);
        followed++;
      }
    }
    CHECK(awsc_jtree_get_str(sh, "Type") != NULL);
  }
  const awsc_jnode *ops = awsc_jtree_get(root, "Operations");
  for (size_t i = 0; ops && i < ops->count; i++) {
    const awsc_jnode *op = ops->members[i].value;
    const char *in = awsc_jtree_get_str(op, "Input");
    const char *out = awsc_jtree_get_str(op, "Output");
    CHECK(!in || shape(root, in) != NULL);
    CHECK(!out || shape(root, out) != NULL);
    const awsc_jnode *errs = awsc_jtree_get(op, "Errors");
    CHECK(errs && errs->type == AWSC_J_ARRAY);
    for (size_t k = 0; errs && k < errs->count; k++, followed++)
      CHECK(awsc_jtree_get(shape(root, errs->items[k]->s), "Error") != NULL);
  }
  return followed;
}

static void test_s3_get_object(void) {
  awsc_client *c = client_of("s3");
  CHECK(c != NULL);
  if (!c)
    return;
  char *json = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  /* boto3's name works as well as the model's */
  CHECK_INT(awsc_client_describe_shapes_json(&json, c, "get_object", &err), 0);
  awsc_arena *a = awsc_arena_new(0);
  const awsc_jnode *root = parse(a, json);
  const awsc_jnode *op =
      awsc_jtree_get(awsc_jtree_get(root, "Operations"), "GetObject");
  CHECK(op != NULL);
  CHECK_INT((long)awsc_jtree_get(root, "Operations")->count, 1);
  const char *out = awsc_jtree_get_str(op, "Output");
  const char *in = awsc_jtree_get_str(op, "Input");
  CHECK_STR(in, "GetObjectRequest");
  CHECK_STR(out, "GetObjectOutput");
  CHECK(array_has(awsc_jtree_get(op, "Errors"), "NoSuchKey"));
  CHECK_STR(awsc_jtree_get_str(
                awsc_jtree_get(shape(root, "NoSuchKey"), "Error"), "Code"),
            "NoSuchKey");
  /* the body: the payload, streaming, a blob */
  const awsc_jnode *o = shape(root, out);
  CHECK_STR(awsc_jtree_get_str(o, "Type"), "structure");
  CHECK_STR(awsc_jtree_get_str(o, "Payload"), "Body");
  CHECK(array_has(awsc_jtree_get(o, "Streaming"), "Body"));
  CHECK_STR(member_type(root, out, "Body"), "blob");
  /* the model marks the member streaming, not its shape: the
   * structure's "Streaming" list says so (botocore's merged traits) */
  CHECK(!awsc_jtree_get_bool(shape(root, member_shape(root, out, "Body")),
                             "Streaming"));
  /* what a binding converts: timestamps, numbers, the metadata map */
  CHECK_STR(member_type(root, out, "LastModified"), "timestamp");
  CHECK_STR(member_type(root, out, "Expires"), "timestamp");
  CHECK_STR(member_type(root, out, "ContentLength"), "long");
  CHECK_STR(member_type(root, out, "DeleteMarker"), "boolean");
  CHECK_STR(member_type(root, out, "ETag"), "string");
  const char *meta = member_shape(root, out, "Metadata");
  CHECK_STR(type_of(root, meta), "map");
  CHECK_STR(type_of(root, awsc_jtree_get_str(shape(root, meta), "Value")),
            "string");
  /* the input: required members, a timestamp, no streaming member */
  CHECK(array_has(awsc_jtree_get(shape(root, in), "Required"), "Bucket"));
  CHECK(array_has(awsc_jtree_get(shape(root, in), "Required"), "Key"));
  CHECK(!array_has(awsc_jtree_get(shape(root, in), "Required"), "Range"));
  CHECK_STR(member_type(root, in, "IfModifiedSince"), "timestamp");
  CHECK(awsc_jtree_get(shape(root, in), "Streaming") == NULL);
  CHECK(check_closed(root) > 40);
  const awsc_jnode *md = awsc_jtree_get(root, "Metadata");
  CHECK_STR(awsc_jtree_get_str(md, "Protocol"), "rest-xml");
  CHECK_STR(awsc_jtree_get_str(md, "ServiceId"), "S3");
  CHECK_STR(awsc_jtree_get_str(md, "ApiVersion"), "2006-03-01");
  CHECK(array_has(awsc_jtree_get(root, "Waiters"), "BucketExists"));
  CHECK(array_has(awsc_jtree_get(root, "Waiters"), "ObjectNotExists"));
  awsc_mem_free(json);
  json = NULL;
  /* PutObject: the streaming payload is on the input side */
  CHECK_INT(awsc_client_describe_shapes_json(&json, c, "PutObject", &err), 0);
  awsc_arena_free(a);
  a = awsc_arena_new(0);
  root = parse(a, json);
  CHECK(array_has(awsc_jtree_get(shape(root, "PutObjectRequest"), "Streaming"),
                  "Body"));
  CHECK_STR(awsc_jtree_get_str(shape(root, "PutObjectRequest"), "Payload"),
            "Body");
  awsc_mem_free(json);
  json = NULL;
  CHECK_INT(awsc_client_describe_shapes_json(&json, c, "NoSuchOp", &err),
            AWSC_ENOTFOUND);
  CHECK(json == NULL);
  CHECK(strstr(err.message, "NoSuchOp") != NULL);
  CHECK_INT(awsc_client_describe_shapes_json(NULL, c, NULL, &err), AWSC_EINVAL);
  CHECK_INT(awsc_client_describe_shapes_json(&json, NULL, NULL, &err),
            AWSC_EINVAL);
  awsc_arena_free(a);
  awsc_client_free(c);
}

static void test_s3_list_objects_v2(void) {
  awsc_client *c = client_of("s3");
  CHECK(c != NULL);
  if (!c)
    return;
  char *json = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_client_describe_shapes_json(&json, c, "ListObjectsV2", &err),
            0);
  awsc_arena *a = awsc_arena_new(0);
  const awsc_jnode *root = parse(a, json);
  const char *out = awsc_jtree_get_str(
      awsc_jtree_get(awsc_jtree_get(root, "Operations"), "ListObjectsV2"),
      "Output");
  CHECK_STR(out, "ListObjectsV2Output");
  /* Contents: a list of structures with a timestamp, a long and a
   * nested structure (Owner) and list (ChecksumAlgorithm) */
  const char *contents = member_shape(root, out, "Contents");
  CHECK_STR(type_of(root, contents), "list");
  const char *obj = awsc_jtree_get_str(shape(root, contents), "Member");
  CHECK_STR(obj, "Object");
  CHECK_STR(type_of(root, obj), "structure");
  CHECK_STR(member_type(root, obj, "LastModified"), "timestamp");
  CHECK_STR(member_type(root, obj, "Size"), "long");
  CHECK_STR(member_type(root, obj, "Owner"), "structure");
  CHECK_STR(member_type(root, obj, "ChecksumAlgorithm"), "list");
  CHECK_STR(member_type(root, out, "IsTruncated"), "boolean");
  CHECK_STR(member_type(root, out, "KeyCount"), "integer");
  CHECK(awsc_jtree_get(shape(root, out), "Payload") == NULL);
  CHECK(awsc_jtree_get(shape(root, out), "Streaming") == NULL);
  CHECK(check_closed(root) > 20);
  awsc_mem_free(json);
  awsc_arena_free(a);
  awsc_client_free(c);
}

static void test_sqs_send_message(void) {
  awsc_client *c = client_of("sqs");
  CHECK(c != NULL);
  if (!c)
    return;
  char *json = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_client_describe_shapes_json(&json, c, "send_message", &err),
            0);
  awsc_arena *a = awsc_arena_new(0);
  const awsc_jnode *root = parse(a, json);
  const awsc_jnode *op =
      awsc_jtree_get(awsc_jtree_get(root, "Operations"), "SendMessage");
  const char *in = awsc_jtree_get_str(op, "Input");
  CHECK_STR(in, "SendMessageRequest");
  CHECK(array_has(awsc_jtree_get(op, "Errors"), "InvalidMessageContents"));
  /* MessageAttributes: a map of structures holding blobs and lists of
   * blobs, the values a binding turns into bytes */
  const char *attrs = member_shape(root, in, "MessageAttributes");
  CHECK_STR(type_of(root, attrs), "map");
  const char *value = awsc_jtree_get_str(shape(root, attrs), "Value");
  CHECK_STR(value, "MessageAttributeValue");
  CHECK_STR(member_type(root, value, "BinaryValue"), "blob");
  CHECK_STR(member_type(root, value, "StringValue"), "string");
  const char *blist = member_shape(root, value, "BinaryListValues");
  CHECK_STR(type_of(root, blist), "list");
  CHECK_STR(type_of(root, awsc_jtree_get_str(shape(root, blist), "Member")),
            "blob");
  CHECK_STR(member_type(root, in, "DelaySeconds"), "integer");
  CHECK(array_has(awsc_jtree_get(shape(root, in), "Required"), "QueueUrl"));
  CHECK(array_has(awsc_jtree_get(shape(root, in), "Required"), "MessageBody"));
  CHECK(check_closed(root) > 10);
  awsc_mem_free(json);
  awsc_arena_free(a);
  awsc_client_free(c);
}

/* Every operation at once: one entry per operation of the model, the
 * shapes closed under every reference. */
static void test_whole_service(void) {
  static const char *const services[] = {"s3", "sqs", "sns"};
  for (size_t i = 0; i < 3; i++) {
    awsc_client *c = client_of(services[i]);
    if (!c) {
      CHECK(strcmp(services[i], "sns") == 0); /* sns may be left out */
      continue;
    }
    char *json = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    CHECK_INT(awsc_client_describe_shapes_json(&json, c, NULL, &err), 0);
    awsc_arena *a = awsc_arena_new(0);
    const awsc_jnode *root = parse(a, json);
    const awsc_jnode *ops = awsc_jtree_get(root, "Operations");
    CHECK(ops != NULL);
    CHECK_INT((long)(ops ? ops->count : 0), (long)c->svc->operation_count);
    CHECK(check_closed(root) > 100);
    awsc_mem_free(json);
    awsc_arena_free(a);
    awsc_client_free(c);
  }
}

/* Every allocation of the descriptions failed in turn: AWSC_ENOMEM and
 * nothing leaked, or the whole answer. */
static void test_out_of_memory(void) {
  awsc_client *c = client_of("s3");
  CHECK(c != NULL);
  if (!c)
    return;
  static const char *const ops[] = {"GetObject", NULL};
  for (size_t o = 0; o < 2; o++) {
    uint64_t k = 1;
    for (; k < 10000; k++) {
      int64_t live = test_alloc_live();
      char *json = NULL;
      test_alloc_fail_at(k);
      int rc = awsc_client_describe_shapes_json(&json, c, ops[o], NULL);
      int fired = test_alloc_failure_fired();
      test_alloc_fail_at(0);
      CHECK(rc == 0 || rc == AWSC_ENOMEM);
      CHECK(rc == 0 || json == NULL);
      awsc_mem_free(json);
      CHECK_INT((long)test_alloc_live(), (long)live);
      if (!fired) {
        CHECK_INT(rc, 0);
        break;
      }
    }
    CHECK(k > 2 && k < 10000);
  }
  uint64_t k = 1;
  for (; k < 100; k++) {
    char *json = NULL;
    test_alloc_fail_at(k);
    int rc = awsc_service_names_json(&json, NULL);
    int fired = test_alloc_failure_fired();
    test_alloc_fail_at(0);
    CHECK(fired ? rc == AWSC_ENOMEM && !json : rc == 0 && json);
    awsc_mem_free(json);
    if (!fired)
      break;
  }
  CHECK(k > 1 && k < 100);
  awsc_client_free(c);
}

int main(void) {
  test_alloc_install();
  RUN(test_service_names);
  RUN(test_s3_get_object);
  RUN(test_s3_list_objects_v2);
  RUN(test_sqs_send_message);
  RUN(test_whole_service);
  RUN(test_out_of_memory);
  return test_summary();
}
