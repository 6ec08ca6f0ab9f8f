/*
 * tests/fuzz/fuzz_xml_output.c - libFuzzer target for the rest-xml
 * response parsers (lib/protocols/parse_xml.c over both tokenizers, the
 * scalar conversions of parse_scalar.c, the XML side of parse_error.c)
 * on S3's model: ListObjectsV2, ListBuckets and a few other shapes.
 *
 * Input: byte 0 picks the operation and whether the body is a success
 * (200) or an error answer (404); the rest is the body.
 * A success body is parsed twice, with the default tokenizer (our scanner,
 * expat when it declines) and with expat alone: both must give the same
 * status and, on success, the same value (printed as JSON). A failure
 * must name its reason. An error answer always gives a code.
 */
#include <string.h>

#include "fuzz_util.h"
#include "protocols/parse_internal.h"
#include "protocols/protocol.h"
#include "runtime/value.h"

static const char *const ops[] = {
    "ListObjectsV2",        "ListBuckets",
    "GetBucketLocation",    "DeleteObjects",
    "ListMultipartUploads", "GetBucketLifecycleConfiguration",
    "GetObjectTagging",     "ListObjectVersions",
};
#define N_OPS (sizeof(ops) / sizeof(ops[0]))

/* Parse with one tokenizer; *json gets the value as JSON on success. */
static int parse_with(const awsc_service *svc, const awsc_operation *op,
                      const awsc_raw_response *resp, int tokenizer,
                      awsc_buf *json) {
  awsc_arena *arena = awsc_arena_new(0);
  FUZZ_CHECK(arena != NULL);
  awsc_value out;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = awsc_parse_output_with(svc, op, resp, arena, &out, &err, tokenizer);
  if (rc == 0) {
    FUZZ_CHECK(out.type == AWSC_V_MAP);
    FUZZ_CHECK(awsc_value_to_json(json, &out, op->output, false) == 0);
  } else {
    FUZZ_CHECK(err.code == rc && err.message[0] != '\0');
  }
  awsc_arena_free(arena);
  return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const awsc_service *svc;
  static const awsc_operation *op_of[N_OPS];
  if (!svc) {
    svc = fuzz_service("s3/2006-03-01/service-2.json");
    for (size_t i = 0; i < N_OPS; i++)
      op_of[i] = fuzz_operation(svc, ops[i]);
  }
  if (size < 1)
    return 0;
  const awsc_operation *op = op_of[data[0] % N_OPS];
  bool error_answer = (data[0] & 0x80) != 0;
  static const awsc_http_header hdr[] = {
      {"Content-Type", "application/xml"},
      {"x-amz-request-id", "0123456789ABCDEF"}};
  awsc_raw_response resp = {error_answer ? 404 : 200, hdr,      2,
                            (const char *)data + 1,   size - 1, false};
  if (error_answer) {
    awsc_arena *arena = awsc_arena_new(0);
    FUZZ_CHECK(arena != NULL);
    awsc_service_error se;
    memset(&se, 0, sizeof(se));
    FUZZ_CHECK(awsc_protocol_parse_error(svc, op, &resp, arena, &se) == 0);
    FUZZ_CHECK(se.code != NULL && se.message != NULL);
    awsc_arena_free(arena);
    return 0;
  }
  awsc_buf a = {0}, b = {0};
  int rc_auto = parse_with(svc, op, &resp, AWSC_XML_AUTO, &a);
  int rc_expat = parse_with(svc, op, &resp, AWSC_XML_EXPAT, &b);
  FUZZ_CHECK(rc_auto == rc_expat);
  FUZZ_CHECK(a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0));
  awsc_buf_free(&a);
  awsc_buf_free(&b);
  return 0;
}
