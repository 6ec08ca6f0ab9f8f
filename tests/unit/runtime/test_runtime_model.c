/*
 * tests/unit/runtime/test_runtime_model.c - descriptors: botocore's
 * xform_name, loading the shipped service models (counts, lookups by
 * both names, traits, timing), from_parts, model errors, and an
 * allocation-failure sweep with a leak check.
 *
 * usage: test_runtime_model <models dir>
 */
#include <time.h>

#include "runtime/descriptor.h"
#include "test.h"

static const char *models_dir;

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = malloc((size_t)n + 1);
  if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
    free(b);
    b = NULL;
  }
  fclose(f);
  if (b)
    b[n] = '\0';
  *len = (size_t)n;
  return b;
}

static char *model_text(const char *svc, const char *version, size_t *len) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s/%s/service-2.json", models_dir, svc,
           version);
  return slurp(path, len);
}

/* Expected values computed with botocore.xform_name (botocore 1.43). */
static void test_xform_name(void) {
  static const char *const cases[][2] = {
      {"ListObjectsV2", "list_objects_v2"},
      {"CreateDBInstance", "create_db_instance"},
      {"DescribeDBInstances", "describe_db_instances"},
      {"GetObject", "get_object"},
      {"PutBucketAcl", "put_bucket_acl"},
      {"ListWebACLs", "list_web_acls"},
      {"GatewayARNs", "gateway_arns"},
      {"SomeCNAMEs", "some_cnames"},
      {"GetHITs", "get_hits"},
      {"HTTPSConfig", "https_config"},
      {"Ipv6Address", "ipv6_address"},
      {"AssumeRoleWithSAML", "assume_role_with_saml"},
      {"GetSessionToken", "get_session_token"},
      {"CreateCachediSCSIVolume", "create_cached_iscsi_volume"},
      {"ListHITsForQualificationType", "list_hits_for_qualification_type"},
      {"ExecutePartiQLStatement", "execute_partiql_statement"},
      {"SendWhatsAppMessage", "send_whatsapp_message"},
      {"already_snake", "already_snake"},
      {"ABs", "_abs"},
      {"As", "as"},
      {"A", "a"},
      {"", ""},
      {"X1Y", "x1_y"},
      {"S3Key", "s3_key"},
      {"PutObjectLockConfiguration", "put_object_lock_configuration"},
      {"DeleteMessageBatch", "delete_message_batch"},
  };
  awsc_arena *a = awsc_arena_new(0);
  for (size_t i = 0; i < AWSC_ARRAY_LEN(cases); i++) {
    char *got = awsc_xform_name(a, cases[i][0]);
    CHECK_STR(got, cases[i][1]);
  }
  awsc_arena_free(a);
}

typedef struct svc_case {
  const char *dir, *version;
  uint32_t ops;
  uint8_t protocol;
} svc_case;

static const svc_case services[] = {
    {"s3", "2006-03-01", 116, AWSC_PROTO_REST_XML},
    {"sns", "2010-03-31", 42, AWSC_PROTO_QUERY},
    {"sqs", "2012-11-05", 23, AWSC_PROTO_JSON},
    {"sts", "2011-06-15", 11, AWSC_PROTO_QUERY},
};

static double now_ms(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void test_load_models(void) {
  for (size_t i = 0; i < AWSC_ARRAY_LEN(services); i++) {
    const svc_case *sc = &services[i];
    size_t len;
    char *json = model_text(sc->dir, sc->version, &len);
    CHECK(json != NULL);
    if (!json)
      continue;
    double best = 1e9, best_cpu = 1e9;
    for (int rep = 0; rep < 5; rep++) {
      awsc_arena *a = awsc_arena_new(64 * 1024);
      awsc_service *svc = NULL;
      awsc_error err = AWSC_ERROR_INIT;
      double t0 = now_ms(CLOCK_MONOTONIC);
      double c0 = now_ms(CLOCK_PROCESS_CPUTIME_ID);
      int rc = awsc_service_from_json(&svc, a, json, len, &err);
      double dt = now_ms(CLOCK_MONOTONIC) - t0;
      double dc = now_ms(CLOCK_PROCESS_CPUTIME_ID) - c0;
      if (dt < best)
        best = dt;
      if (dc < best_cpu)
        best_cpu = dc;
      CHECK_INT(rc, 0);
      if (rc == 0) {
        CHECK_INT(svc->operation_count, sc->ops);
        CHECK_INT(svc->protocol, sc->protocol);
        /* every operation is found by both of its names */
        for (uint32_t k = 0; k < svc->operation_count; k++) {
          const awsc_operation *op = &svc->operations[k];
          CHECK(awsc_service_find_operation(svc, op->name) == op);
          CHECK(awsc_service_find_operation(svc, op->py_name) == op);
          if (k)
            CHECK(strcmp(svc->operations[k - 1].name, op->name) < 0);
        }
        CHECK(awsc_service_find_operation(svc, "NoSuchOperation") == NULL);
      }
      awsc_arena_free(a);
    }
    printf("  load %-4s %8zu bytes  best of 5: %.2f ms wall, %.2f ms CPU\n",
           sc->dir, len, best, best_cpu);
    free(json);
  }
}

static awsc_service *load(awsc_arena *a, const char *dir, const char *ver) {
  size_t len;
  char *json = model_text(dir, ver, &len);
  if (!json)
    return NULL;
  awsc_service *svc = NULL;
  int rc = awsc_service_from_json(&svc, a, json, len, NULL);
  free(json);
  return rc ? NULL : svc;
}

static void test_s3_traits(void) {
  awsc_arena *a = awsc_arena_new(0);
  awsc_service *s3 = load(a, "s3", "2006-03-01");
  CHECK(s3 != NULL);
  if (!s3) {
    awsc_arena_free(a);
    return;
  }
  CHECK_STR(s3->service_id, "S3");
  CHECK_STR(s3->api_version, "2006-03-01");
  CHECK_STR(s3->signing_name, "s3");
  CHECK_STR(s3->endpoint_prefix, "s3");
  CHECK_STR(s3->global_endpoint, "s3.amazonaws.com");

  const awsc_operation *lo = awsc_service_find_operation(s3, "list_objects_v2");
  CHECK(lo != NULL);
  if (lo) {
    CHECK_STR(lo->name, "ListObjectsV2");
    CHECK_STR(lo->http_method, "GET");
    CHECK_STR(lo->request_uri, "/{Bucket}?list-type=2");
    const awsc_member *b = awsc_shape_find_member(lo->input, "Bucket", 6);
    CHECK(b && b->location == AWSC_LOC_URI && (b->flags & AWSC_MF_REQUIRED));
    const awsc_member *p = awsc_shape_find_member(lo->input, "Prefix", 6);
    CHECK(p && p->location == AWSC_LOC_QUERYSTRING);
    CHECK_STR(p ? awsc_member_wire_name(p) : NULL, "prefix");
    CHECK(awsc_shape_find_member_by_wire_name(lo->input, "prefix", 6) == p);
    CHECK(lo->context_param_count >= 2);
  }

  const awsc_operation *put = awsc_service_find_operation(s3, "PutObject");
  CHECK(put != NULL);
  if (put) {
    CHECK_STR(put->http_method, "PUT");
    CHECK_STR(put->request_uri, "/{Bucket}/{Key+}");
    CHECK(put->input->payload_index >= 0);
    const awsc_member *body = &put->input->members[put->input->payload_index];
    CHECK_STR(body->name, "Body");
    CHECK(body->flags & AWSC_MF_STREAMING);
    CHECK(put->flags & AWSC_OF_HAS_STREAMING_INPUT);
    CHECK_STR(put->checksum_algorithm_member, "ChecksumAlgorithm");
    const awsc_member *meta = awsc_shape_find_member(put->input, "Metadata", 8);
    CHECK(meta && meta->location == AWSC_LOC_HEADERS);
    CHECK_STR(meta ? meta->location_name : NULL, "x-amz-meta-");
    const awsc_member *exp = awsc_shape_find_member(put->input, "Expires", 7);
    CHECK(exp && exp->location == AWSC_LOC_HEADER);
  }

  const awsc_operation *get = awsc_service_find_operation(s3, "GetObject");
  CHECK(get && (get->flags & AWSC_OF_HAS_STREAMING_OUTPUT));
  CHECK(get && get->response_checksum_algorithm_count >= 4);
  CHECK_STR(get ? get->checksum_validation_member : NULL, "ChecksumMode");
  if (get) {
    bool found = false;
    for (uint32_t i = 0; i < get->error_count; i++)
      if (strcmp(get->errors[i]->name, "NoSuchKey") == 0)
        found = (get->errors[i]->flags & AWSC_SF_EXCEPTION) != 0;
    CHECK(found);
  }

  const awsc_operation *acl = awsc_service_find_operation(s3, "PutBucketAcl");
  CHECK(acl && (acl->flags & AWSC_OF_CHECKSUM_REQUIRED));
  if (acl) {
    const awsc_member *pol =
        awsc_shape_find_member(acl->input, "AccessControlPolicy", 19);
    CHECK_STR(pol ? pol->xml_ns_uri : NULL,
              "http://s3.amazonaws.com/doc/2006-03-01/");
  }

  const awsc_operation *cb = awsc_service_find_operation(s3, "CreateBucket");
  CHECK(cb && cb->static_context_param_count == 2);
  if (cb && cb->static_context_param_count == 2) {
    CHECK_STR(cb->static_context_params[0].name, "DisableAccessPoints");
    CHECK_STR(cb->static_context_params[1].name, "UseS3ExpressControlEndpoint");
    CHECK_INT(cb->static_context_params[1].bool_value, 1);
    CHECK(cb->static_context_params[1].string_value == NULL);
  }

  /* flattened list with member name, enum values, timestamp format */
  const awsc_operation *lb = awsc_service_find_operation(s3, "ListBuckets");
  CHECK(lb && lb->output);
  const awsc_operation *lov = awsc_service_find_operation(s3, "ListObjects");
  if (lov) {
    const awsc_member *contents =
        awsc_shape_find_member(lov->output, "Contents", 8);
    CHECK(contents && (contents->flags & AWSC_MF_FLATTENED));
    const awsc_member *et =
        awsc_shape_find_member(lov->input, "EncodingType", 12);
    CHECK(et && et->shape->enum_count == 1);
  }
  const awsc_operation *wgor =
      awsc_service_find_operation(s3, "WriteGetObjectResponse");
  CHECK(wgor && (wgor->flags & AWSC_OF_UNSIGNED_PAYLOAD));
  CHECK_STR(wgor ? wgor->host_prefix : NULL, "{RequestRoute}.");
  if (wgor) {
    const awsc_member *rr =
        awsc_shape_find_member(wgor->input, "RequestRoute", 12);
    CHECK(rr && (rr->flags & AWSC_MF_HOST_LABEL));
  }
  awsc_arena_free(a);
}

static void test_query_json_traits(void) {
  awsc_arena *a = awsc_arena_new(0);
  awsc_service *sqs = load(a, "sqs", "2012-11-05");
  awsc_service *sts = load(a, "sts", "2011-06-15");
  awsc_service *sns = load(a, "sns", "2010-03-31");
  CHECK(sqs && sts && sns);
  if (sqs) {
    CHECK_STR(sqs->json_version, "1.0");
    CHECK_STR(sqs->target_prefix, "AmazonSQS");
    CHECK(sqs->aws_query_compatible);
    const awsc_operation *sm = awsc_service_find_operation(sqs, "send_message");
    CHECK(sm && sm->error_count > 0);
    if (sm && sm->error_count) {
      const awsc_shape *e = sm->errors[0];
      CHECK(e->flags & AWSC_SF_EXCEPTION);
    }
    const awsc_operation *gq = awsc_service_find_operation(sqs, "GetQueueUrl");
    bool found = false;
    for (uint32_t i = 0; gq && i < gq->error_count; i++)
      if (strcmp(gq->errors[i]->name, "QueueDoesNotExist") == 0)
        found = gq->errors[i]->error_code == NULL;
    CHECK(found);
  }
  if (sts) {
    CHECK(sts->global_endpoint &&
          strcmp(sts->global_endpoint, "sts.amazonaws.com") == 0);
    CHECK_STR(sts->xml_namespace, "https://sts.amazonaws.com/doc/2011-06-15/");
    const awsc_operation *ar = awsc_service_find_operation(sts, "AssumeRole");
    CHECK_STR(ar ? ar->result_wrapper : NULL, "AssumeRoleResult");
    const awsc_member *rsn =
        ar ? awsc_shape_find_member(ar->input, "RoleSessionName", 15) : NULL;
    CHECK(rsn && (rsn->shape->flags & AWSC_SF_HAS_MIN) &&
          rsn->shape->min == 2 && rsn->shape->max == 64);
    const awsc_operation *gci =
        awsc_service_find_operation(sts, "get_caller_identity");
    CHECK(gci != NULL);
    /* error code and status from the "error" trait */
    bool code = false;
    for (uint32_t i = 0; ar && i < ar->error_count; i++)
      if (strcmp(ar->errors[i]->name, "ExpiredTokenException") == 0)
        code =
            ar->errors[i]->error_code &&
            strcmp(ar->errors[i]->error_code, "ExpiredTokenException") == 0 &&
            ar->errors[i]->error_status == 400;
    CHECK(code);
  }
  if (sns) {
    CHECK_STR(sns->xml_namespace, "http://sns.amazonaws.com/doc/2010-03-31/");
    const awsc_operation *pub = awsc_service_find_operation(sns, "Publish");
    const awsc_member *attrs =
        pub ? awsc_shape_find_member(pub->input, "MessageAttributes", 17)
            : NULL;
    CHECK(attrs && attrs->shape->type == AWSC_SHAPE_MAP);
    CHECK_STR(attrs ? attrs->shape->map_key->location_name : NULL, "Name");
    CHECK_STR(attrs ? attrs->shape->map_value->location_name : NULL, "Value");
  }
  awsc_arena_free(a);
}

static const char meta_json[] =
    "{\"protocol\":\"rest-xml\",\"protocols\":[\"query\",\"rest-xml\"],"
    "\"apiVersion\":\"2020-01-01\",\"xmlNamespace\":\"urn:x\"}";
static const char shapes_json[] =
    "{\"Node\":{\"type\":\"structure\",\"members\":{"
    "\"Name\":{\"shape\":\"Str\",\"locationName\":\"n\"},"
    "\"Children\":{\"shape\":\"NodeList\"},"
    "\"Next\":{\"shape\":\"Node\",\"xmlNamespace\":{\"uri\":\"urn:p\","
    "\"prefix\":\"p\"}},"
    "\"When\":{\"shape\":\"Time\",\"location\":\"header\","
    "\"locationName\":\"x-when\"}},"
    "\"required\":[\"Name\"],\"documentation\":\"<p>skipped</p>\"},"
    "\"NodeList\":{\"type\":\"list\",\"member\":{\"shape\":\"Node\","
    "\"locationName\":\"item\"},\"flattened\":true},"
    "\"Str\":{\"type\":\"string\",\"min\":1,\"locationName\":\"ShapeName\"},"
    "\"Time\":{\"type\":\"timestamp\",\"timestampFormat\":\"unixTimestamp\"},"
    "\"Err\":{\"type\":\"structure\",\"members\":{},\"exception\":true,"
    "\"fault\":true,\"error\":{\"code\":\"Boom\",\"httpStatusCode\":503}}}";
static const char op_json[] =
    "{\"name\":\"PutNode\",\"http\":{\"method\":\"PUT\",\"requestUri\":"
    "\"/n/{Name}\",\"responseCode\":201},\"input\":{\"shape\":\"Node\","
    "\"locationName\":\"NodeRequest\",\"xmlNamespace\":{\"uri\":\"urn:in\"}},"
    "\"output\":{\"shape\":\"Node\",\"resultWrapper\":\"PutNodeResult\"},"
    "\"errors\":[{\"shape\":\"Err\"}],\"endpoint\":{\"hostPrefix\":\"{Name}.\"}"
    ","
    "\"httpChecksum\":{\"requestChecksumRequired\":true},"
    "\"authtype\":\"none\"}";

static void test_from_parts(void) {
  awsc_arena *a = awsc_arena_new(0);
  awsc_service *svc = NULL;
  const char *ops[] = {op_json};
  size_t lens[] = {sizeof op_json - 1};
  awsc_error err = AWSC_ERROR_INIT;
  int rc = awsc_service_from_parts(&svc, a, meta_json, sizeof meta_json - 1,
                                   shapes_json, sizeof shapes_json - 1, ops,
                                   lens, 1, &err);
  CHECK_INT(rc, 0);
  if (rc) {
    printf("  %s\n", err.message);
    awsc_arena_free(a);
    return;
  }
  /* "protocols" wins over "protocol", in botocore's priority order */
  CHECK_INT(svc->protocol, AWSC_PROTO_REST_XML);
  CHECK_STR(svc->xml_namespace, "urn:x");
  const awsc_operation *op = awsc_service_find_operation(svc, "put_node");
  CHECK(op != NULL);
  if (!op) {
    awsc_arena_free(a);
    return;
  }
  CHECK_INT(op->response_code, 201);
  CHECK(op->flags & AWSC_OF_CHECKSUM_REQUIRED);
  CHECK(op->flags & AWSC_OF_NO_AUTH);
  CHECK_STR(op->host_prefix, "{Name}.");
  CHECK_STR(op->result_wrapper, "PutNodeResult");
  /* the input reference's own traits make a copy of the shape */
  CHECK_STR(op->input->location_name, "NodeRequest");
  CHECK_STR(op->input->xml_ns_uri, "urn:in");
  CHECK(op->output->location_name == NULL);
  CHECK(op->input->members == op->output->members);
  const awsc_shape *node = op->output;
  CHECK_INT(node->member_count, 4);
  CHECK_STR(node->members[0].name, "Name");
  CHECK_STR(node->members[1].name, "Children");
  CHECK_STR(node->members[3].name, "When");
  CHECK_STR(node->members[0].location_name, "n");
  CHECK(node->members[0].flags & AWSC_MF_REQUIRED);
  CHECK(!(node->members[1].flags & AWSC_MF_REQUIRED));
  /* recursion resolves to the very same record */
  const awsc_shape *list = node->members[1].shape;
  CHECK(list->list_member->shape == node);
  CHECK(node->members[2].shape == node);
  CHECK_STR(node->members[2].xml_ns_prefix, "p");
  CHECK_STR(node->members[2].xml_ns_uri, "urn:p");
  /* effective member traits: the shape's flattening shows on the member */
  CHECK(node->members[1].flags & AWSC_MF_FLATTENED);
  CHECK_STR(list->list_member->location_name, "item");
  CHECK_INT(node->members[3].location, AWSC_LOC_HEADER);
  CHECK_INT(node->members[3].timestamp_format, AWSC_TS_UNIX);
  CHECK_INT(node->members[0].shape->min, 1);
  CHECK(op->error_count == 1 && (op->errors[0]->flags & AWSC_SF_FAULT));
  CHECK_STR(op->errors[0]->error_code, "Boom");
  CHECK_INT(op->errors[0]->error_status, 503);
  awsc_arena_free(a);
}

static int parts_with_shapes(const char *shapes, awsc_error *err) {
  awsc_arena *a = awsc_arena_new(0);
  awsc_service *svc = NULL;
  const char *ops[] = {op_json};
  size_t lens[] = {sizeof op_json - 1};
  int rc = awsc_service_from_parts(&svc, a, meta_json, sizeof meta_json - 1,
                                   shapes, strlen(shapes), ops, lens, 1, err);
  awsc_arena_free(a);
  return rc;
}

static void test_model_errors(void) {
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(parts_with_shapes("{\"Node\":", &err), AWSC_EPARSE);
  CHECK(strstr(err.message, "invalid JSON") != NULL);
  CHECK_INT(parts_with_shapes("{\"Node\":{\"type\":\"structure\",\"members\":"
                              "{\"A\":{\"shape\":\"Missing\"}}}}",
                              &err),
            AWSC_EPARSE);
  CHECK(strstr(err.message, "unknown shape") != NULL);
  CHECK_INT(parts_with_shapes("{\"Node\":{\"type\":\"wat\"}}", &err),
            AWSC_EPARSE);
  CHECK(strstr(err.message, "unknown type") != NULL);
  awsc_arena *a = awsc_arena_new(0);
  awsc_service *svc = NULL;
  const char bad_meta[] = "{\"protocol\":\"smoke-signals\"}";
  const char no_proto[] = "{\"metadata\":{},\"shapes\":{}}";
  CHECK_INT(
      awsc_service_from_json(&svc, a, no_proto, sizeof no_proto - 1, &err),
      AWSC_EPARSE);
  CHECK_INT(awsc_service_from_parts(&svc, a, bad_meta, sizeof bad_meta - 1,
                                    "{}", 2, NULL, NULL, 0, &err),
            AWSC_EPARSE);
  CHECK(svc == NULL);
  awsc_arena_free(a);
}

/* Every allocation failure is reported as AWSC_ENOMEM and leaks nothing. */
static void test_alloc_failures(void) {
  const char *ops[] = {op_json};
  size_t lens[] = {sizeof op_json - 1};
  int failures = 0;
  for (uint64_t n = 1; n < 5000; n++) {
    int64_t live = test_alloc_live();
    test_alloc_fail_at(n);
    /* small blocks: many more allocations to fail */
    awsc_arena *a = awsc_arena_new(256);
    awsc_service *svc = NULL;
    int rc = a ? awsc_service_from_parts(
                     &svc, a, meta_json, sizeof meta_json - 1, shapes_json,
                     sizeof shapes_json - 1, ops, lens, 1, NULL)
               : AWSC_ENOMEM;
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
  RUN(test_xform_name);
  RUN(test_load_models);
  RUN(test_s3_traits);
  RUN(test_query_json_traits);
  RUN(test_from_parts);
  RUN(test_model_errors);
  RUN(test_alloc_failures);
  if (test_alloc_live() != 0) {
    printf("leak: %lld blocks live\n", (long long)test_alloc_live());
    test_failed++;
  }
  return test_summary();
}
