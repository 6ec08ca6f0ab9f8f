/*
 * The generated descriptor tables must say exactly what the run-time model
 * loader says for the same model: every operation, every reachable shape,
 * every member trait. One engine, two ways to build its data.
 */
#include <stdio.h>
#include <string.h>

#include "client/client_internal.h"
#include "runtime/descriptor.h"
#include "test.h"

static const char *models_dir;
static int mismatches;

#define SAME_STR(what, a, b)                                                   \
  do {                                                                         \
    const char *a_ = (a), *b_ = (b);                                           \
    if ((a_ == NULL) != (b_ == NULL) || (a_ && strcmp(a_, b_) != 0)) {         \
      if (mismatches++ < 20)                                                   \
        fprintf(stderr, "  %s: %s: generated \"%s\" vs loaded \"%s\"\n", ctx,  \
                what, a_ ? a_ : "(null)", b_ ? b_ : "(null)");                 \
    }                                                                          \
  } while (0)

#define SAME_INT(what, a, b)                                                   \
  do {                                                                         \
    long long a_ = (long long)(a), b_ = (long long)(b);                        \
    if (a_ != b_) {                                                            \
      if (mismatches++ < 20)                                                   \
        fprintf(stderr, "  %s: %s: generated %lld vs loaded %lld\n", ctx,      \
                what, a_, b_);                                                 \
    }                                                                          \
  } while (0)

static void cmp_shape(const char *ctx0, const awsc_shape *g,
                      const awsc_shape *l, int depth);

static void cmp_member(const char *ctx0, const awsc_member *g,
                       const awsc_member *l, int depth) {
  char ctx[512];
  snprintf(ctx, sizeof(ctx), "%s.%s", ctx0, g->name);
  SAME_STR("name", g->name, l->name);
  SAME_STR("location_name", g->location_name, l->location_name);
  SAME_STR("query_name", g->query_name, l->query_name);
  SAME_STR("xml_ns_uri", g->xml_ns_uri, l->xml_ns_uri);
  SAME_STR("xml_ns_prefix", g->xml_ns_prefix, l->xml_ns_prefix);
  SAME_INT("flags", g->flags, l->flags);
  SAME_INT("location", g->location, l->location);
  SAME_INT("timestamp_format", g->timestamp_format, l->timestamp_format);
  cmp_shape(ctx, g->shape, l->shape, depth + 1);
}

static void cmp_shape(const char *ctx0, const awsc_shape *g,
                      const awsc_shape *l, int depth) {
  if (!g || !l) {
    const char *ctx = ctx0;
    SAME_INT("shape presence", g != NULL, l != NULL);
    return;
  }
  char ctx[512];
  snprintf(ctx, sizeof(ctx), "%s<%s>", ctx0, g->name);
  SAME_STR("shape name", g->name, l->name);
  SAME_INT("type", g->type, l->type);
  SAME_INT("shape flags", g->flags, l->flags);
  SAME_INT("shape timestamp_format", g->timestamp_format, l->timestamp_format);
  SAME_STR("shape location_name", g->location_name, l->location_name);
  SAME_STR("shape xml_ns_uri", g->xml_ns_uri, l->xml_ns_uri);
  SAME_INT("payload_index", g->payload_index, l->payload_index);
  SAME_INT("enum_count", g->enum_count, l->enum_count);
  SAME_INT("min", g->min, l->min);
  SAME_INT("max", g->max, l->max);
  SAME_STR("error_code", g->error_code, l->error_code);
  SAME_INT("error_status", g->error_status, l->error_status);
  if (depth > 6) /* recursive shapes: six levels prove the wiring */
    return;
  SAME_INT("member_count", g->member_count, l->member_count);
  for (uint32_t i = 0; i < g->member_count && i < l->member_count; i++)
    cmp_member(ctx, &g->members[i], &l->members[i], depth);
  if (g->list_member && l->list_member)
    cmp_member(ctx, g->list_member, l->list_member, depth);
  if (g->map_key && l->map_key) {
    cmp_member(ctx, g->map_key, l->map_key, depth);
    cmp_member(ctx, g->map_value, l->map_value, depth);
  }
}

static void compare_service(const char *name, const char *model_rel) {
  mismatches = 0;
  const awsc_service *g = awsc_builtin_service(name);
  CHECK(g != NULL);
  if (!g)
    return;
  char path[1024];
  snprintf(path, sizeof(path), "%s/%s", models_dir, model_rel);
  FILE *f = fopen(path, "rb");
  CHECK(f != NULL);
  if (!f)
    return;
  awsc_buf text = AWSC_BUF_INIT;
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
    awsc_buf_append(&text, chunk, n);
  fclose(f);
  awsc_arena *arena = awsc_arena_new(0);
  awsc_service *l = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = awsc_service_from_json(&l, arena, text.p, text.len, &err);
  awsc_buf_free(&text);
  CHECK_INT(rc, 0);
  if (rc) {
    fprintf(stderr, "load %s: %s\n", path, err.message);
    awsc_arena_free(arena);
    return;
  }
  const char *ctx = name;
  SAME_STR("service_id", g->service_id, l->service_id);
  SAME_STR("api_version", g->api_version, l->api_version);
  SAME_INT("protocol", g->protocol, l->protocol);
  SAME_STR("json_version", g->json_version, l->json_version);
  SAME_STR("target_prefix", g->target_prefix, l->target_prefix);
  SAME_STR("xml_namespace", g->xml_namespace, l->xml_namespace);
  SAME_STR("signing_name", g->signing_name, l->signing_name);
  SAME_STR("endpoint_prefix", g->endpoint_prefix, l->endpoint_prefix);
  SAME_INT("aws_query_compatible", g->aws_query_compatible,
           l->aws_query_compatible);
  SAME_INT("operation_count", g->operation_count, l->operation_count);
  for (uint32_t i = 0; i < g->operation_count && i < l->operation_count; i++) {
    const awsc_operation *go = &g->operations[i], *lo = &l->operations[i];
    char octx[256];
    snprintf(octx, sizeof(octx), "%s.%s", name, go->name);
    ctx = octx;
    SAME_STR("op name", go->name, lo->name);
    SAME_STR("py_name", go->py_name, lo->py_name);
    SAME_STR("method", go->http_method, lo->http_method);
    SAME_STR("uri", go->request_uri, lo->request_uri);
    SAME_INT("response_code", go->response_code, lo->response_code);
    SAME_STR("result_wrapper", go->result_wrapper, lo->result_wrapper);
    SAME_STR("host_prefix", go->host_prefix, lo->host_prefix);
    SAME_INT("op flags", go->flags, lo->flags);
    SAME_INT("error_count", go->error_count, lo->error_count);
    SAME_STR("checksum member", go->checksum_algorithm_member,
             lo->checksum_algorithm_member);
    SAME_INT("static ctx params", go->static_context_param_count,
             lo->static_context_param_count);
    SAME_INT("ctx params", go->context_param_count, lo->context_param_count);
    cmp_shape(octx, go->input, lo->input, 0);
    cmp_shape(octx, go->output, lo->output, 0);
    /* lookups by both names agree */
    CHECK(awsc_service_find_operation(g, go->py_name) == go);
    CHECK(awsc_service_find_operation(g, go->name) == go);
  }
  CHECK_INT(mismatches, 0);
  printf("  %s: %u operations compared, %d mismatches\n", name,
         g->operation_count, mismatches);
  awsc_arena_free(arena);
}

static void test_s3(void) {
  compare_service("s3", "s3/2006-03-01/service-2.json");
  const awsc_service *g = awsc_builtin_service("s3");
  CHECK(g && g->paginator_count >= 5 && g->waiter_count == 4);
}
static void test_sns(void) {
  compare_service("sns", "sns/2010-03-31/service-2.json");
}
static void test_sqs(void) {
  compare_service("sqs", "sqs/2012-11-05/service-2.json");
}
static void test_sts(void) {
  compare_service("sts", "sts/2011-06-15/service-2.json");
}

static void test_unknown_service(void) {
  CHECK(awsc_builtin_service("no-such-service") == NULL);
  CHECK(strstr(awsc_builtin_service_names(), "s3") != NULL);
}

int main(int argc, char **argv) {
  models_dir = argc > 1 ? argv[1] : "models";
  RUN(test_s3);
  RUN(test_sns);
  RUN(test_sqs);
  RUN(test_sts);
  RUN(test_unknown_service);
  return test_summary();
}
