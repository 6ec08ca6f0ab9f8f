/*
 * Strict answers: a value in a success response that does not parse as
 * its member's type (a flipped byte, a cut) fails the parse with
 * AWSC_EPARSE naming the member instead of being dropped. Through the
 * pipeline (S3 over the fake transport), such an answer is retried like a
 * truncated one and ends in a clear error when every attempt is damaged;
 * through the JSON parser (a run-time model), the same holds for JSON
 * bodies.
 */
#include <string.h>

#include "awsc/s3.h"
#include "client/client_internal.h"
#include "fake_transport.h"
#include "protocols/protocol.h"
#include "test.h"

static fake_transport ft;

/* A ListObjectsV2 page with one member's text replaced by `bad`. */
static void page(char *out, size_t cap, const char *max_keys,
                 const char *truncated, const char *size,
                 const char *modified) {
  snprintf(out, cap,
           "<ListBucketResult><Name>b</Name><KeyCount>1</KeyCount>"
           "<MaxKeys>%s</MaxKeys><IsTruncated>%s</IsTruncated>"
           "<Contents><Key>k</Key><LastModified>%s</LastModified>"
           "<Size>%s</Size></Contents></ListBucketResult>",
           max_keys, truncated, modified, size);
}

static const char good_time[] = "2009-10-12T17:50:30.000Z";
static const char hdrs[] =
    "x-amz-request-id: R\nContent-Type: application/xml\n";

/* Every attempt answers with `body`: the call must fail naming `member`
 * after retrying. */
static void damaged_always(awsc_client *c, const char *body,
                           const char *member) {
  fake_init(&ft);
  for (int i = 0; i < c->max_attempts; i++)
    fake_reply_add(&ft, 200, hdrs, body);
  awsc_s3_ListObjectsV2Request in = {0};
  in.bucket = "b";
  awsc_s3_ListObjectsV2Output *out = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = awsc_s3_list_objects_v2(&out, c, &in, &err);
  CHECK_INT(rc, AWSC_EPARSE);
  CHECK(out == NULL);
  CHECK(strstr(err.message, member) != NULL);
  CHECK(strstr(err.message, "not a valid") != NULL);
  CHECK_INT(ft.n_sent, c->max_attempts);
  if (rc != AWSC_EPARSE || !strstr(err.message, member))
    fprintf(stderr, "  %s: rc %d, %s\n", member, rc, err.message);
  awsc_mem_free(out);
}

static void test_damaged_values_fail(void) {
  awsc_session *s = NULL;
  awsc_client *c = fake_client_new(&ft.base, "s3", &s);
  CHECK(c != NULL);
  if (!c)
    return;
  CHECK(c->max_attempts > 1);
  char body[1024];
  page(body, sizeof body, "10O0", "false", "3", good_time);
  damaged_always(c, body, "MaxKeys");
  page(body, sizeof body, "1000", "false", "12x3", good_time);
  damaged_always(c, body, "Size");
  page(body, sizeof body, "1000", "false", "3", "2009-13-45T99:00:00Z");
  damaged_always(c, body, "LastModified");
  page(body, sizeof body, "1000", "fals", "3", good_time);
  damaged_always(c, body, "IsTruncated");
  awsc_client_free(c);
  awsc_session_free(s);
}

/* One damaged answer, then a good one: the retry recovers. */
static void test_damaged_then_good(void) {
  awsc_session *s = NULL;
  awsc_client *c = fake_client_new(&ft.base, "s3", &s);
  CHECK(c != NULL);
  if (!c)
    return;
  char bad[1024], good[1024];
  page(bad, sizeof bad, "1000", "false", "12x3", good_time);
  page(good, sizeof good, "1000", "false", "123", good_time);
  fake_init(&ft);
  fake_reply_add(&ft, 200, hdrs, bad);
  fake_reply_add(&ft, 200, hdrs, good);
  awsc_s3_ListObjectsV2Request in = {0};
  in.bucket = "b";
  awsc_s3_ListObjectsV2Output *out = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_s3_list_objects_v2(&out, c, &in, &err), 0);
  CHECK_INT(ft.n_sent, 2);
  CHECK(out && out->contents_count == 1 && out->contents[0].size == 123);
  CHECK(out && out->max_keys == 1000 && out->has_max_keys);
  awsc_mem_free(out);
  /* an empty element is no value, as before: left out, not an error */
  page(good, sizeof good, "", "false", "1", good_time);
  fake_init(&ft);
  fake_reply_add(&ft, 200, hdrs, good);
  out = NULL;
  CHECK_INT(awsc_s3_list_objects_v2(&out, c, &in, &err), 0);
  CHECK(out && !out->has_max_keys);
  awsc_mem_free(out);
  awsc_client_free(c);
  awsc_session_free(s);
}

/* JSON bodies: a run-time model of the JSON protocol. */
static const char meta[] =
    "{\"protocol\":\"json\",\"jsonVersion\":\"1.0\",\"targetPrefix\":\"T\","
    "\"serviceId\":\"X\",\"signatureVersion\":\"v4\",\"endpointPrefix\":\"x\","
    "\"apiVersion\":\"2020-01-01\"}";
static const char shapes[] =
    "{\"Out\":{\"type\":\"structure\",\"members\":{\"N\":{\"shape\":\"Int\"},"
    "\"T\":{\"shape\":\"Ts\"},\"B\":{\"shape\":\"Bool\"},"
    "\"D\":{\"shape\":\"Dbl\"},\"L\":{\"shape\":\"Ints\"}}},"
    "\"Int\":{\"type\":\"integer\"},\"Ts\":{\"type\":\"timestamp\"},"
    "\"Bool\":{\"type\":\"boolean\"},\"Dbl\":{\"type\":\"double\"},"
    "\"Ints\":{\"type\":\"list\",\"member\":{\"shape\":\"Int\"}}}";
static const char opj[] =
    "{\"name\":\"Op\",\"http\":{\"method\":\"POST\","
    "\"requestUri\":\"/\"},\"output\":{\"shape\":\"Out\"}}";

static int parse_json_body(const awsc_service *svc, const char *body,
                           awsc_error *err) {
  awsc_arena *a = awsc_arena_new(0);
  awsc_value out;
  awsc_raw_response r = {200, NULL, 0, body, strlen(body), false};
  int rc =
      a ? awsc_protocol_parse_output(svc, &svc->operations[0], &r, a, &out, err)
        : AWSC_ENOMEM;
  awsc_arena_free(a);
  return rc;
}

static void test_json_bodies(void) {
  awsc_arena *a = awsc_arena_new(0);
  awsc_service *svc = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  const char *ops[] = {opj};
  size_t lens[] = {strlen(opj)};
  CHECK_INT(awsc_service_from_parts(&svc, a, meta, strlen(meta), shapes,
                                    strlen(shapes), ops, lens, 1, &err),
            0);
  if (!svc) {
    awsc_arena_free(a);
    return;
  }
  static const struct {
    const char *body;
    const char *member; /* NULL: parses */
  } cases[] = {
      {"{\"N\":12,\"T\":1500000000,\"B\":true,\"D\":1.5}", NULL},
      {"{\"N\":\"12\",\"T\":\"2009-10-12T17:50:30Z\",\"B\":\"false\"}", NULL},
      {"{\"N\":\"\"}", NULL},
      {"{\"N\":\"10O0\"}", "N"},
      {"{\"N\":\"12x3\"}", "N"},
      {"{\"T\":\"yesterday\"}", "T"},
      {"{\"B\":\"maybe\"}", "B"},
      {"{\"D\":\"1.5.2\"}", "D"},
      {"{\"L\":[1,\"2z\"]}", "member Int:"}, /* an item: its shape */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int rc = parse_json_body(svc, cases[i].body, &err);
    if (!cases[i].member) {
      CHECK_INT(rc, 0);
      continue;
    }
    CHECK_INT(rc, AWSC_EPARSE);
    CHECK(strstr(err.message, cases[i].member) != NULL);
    if (!strstr(err.message, cases[i].member))
      fprintf(stderr, "  %s: %s\n", cases[i].body, err.message);
    CHECK(strstr(err.message, "not a valid") != NULL);
  }
  awsc_arena_free(a);
}

int main(void) {
  RUN(test_damaged_values_fail);
  RUN(test_damaged_then_good);
  RUN(test_json_bodies);
  return test_summary();
}
