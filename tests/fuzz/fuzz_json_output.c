/*
 * tests/fuzz/fuzz_json_output.c - libFuzzer target for the JSON protocol
 * response parsers (lib/protocols/parse_json.c and the JSON side of
 * parse_error.c) on SQS's model (awsJson 1.0).
 *
 * Input: byte 0 picks the operation and whether the body is a success
 * (200) or an error answer (400); the rest is the body. Checks: a success
 * is a MAP that prints back as JSON; a failure names its reason (err.code
 * is the status returned, the message is not empty); an error answer
 * always gives a code; the top-level string picker (used on error
 * bodies) returns only its documented statuses.
 */
#include <string.h>

#include "fuzz_util.h"
#include "protocols/parse_internal.h"
#include "protocols/protocol.h"
#include "runtime/value.h"

static const char *const ops[] = {
    "ReceiveMessage",       "ListQueues",         "GetQueueAttributes",
    "SendMessageBatch",     "GetQueueUrl",        "ListQueueTags",
    "ListMessageMoveTasks", "DeleteMessageBatch",
};
#define N_OPS (sizeof(ops) / sizeof(ops[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const awsc_service *svc;
  static const awsc_operation *op_of[N_OPS];
  if (!svc) {
    svc = fuzz_service("sqs/2012-11-05/service-2.json");
    for (size_t i = 0; i < N_OPS; i++)
      op_of[i] = fuzz_operation(svc, ops[i]);
  }
  if (size < 1)
    return 0;
  const awsc_operation *op = op_of[data[0] % N_OPS];
  bool error_answer = (data[0] & 0x80) != 0;
  static const awsc_http_header hdr[] = {
      {"Content-Type", "application/x-amz-json-1.0"},
      {"x-amzn-RequestId", "00000000-0000-0000-0000-000000000000"}};
  awsc_raw_response resp = {error_answer ? 400 : 200, hdr,      2,
                            (const char *)data + 1,   size - 1, false};
  awsc_arena *arena = awsc_arena_new(0);
  FUZZ_CHECK(arena != NULL);
  if (error_answer) {
    awsc_service_error se;
    memset(&se, 0, sizeof(se));
    FUZZ_CHECK(awsc_protocol_parse_error(svc, op, &resp, arena, &se) == 0);
    FUZZ_CHECK(se.code != NULL && se.message != NULL);
  } else {
    awsc_value out;
    awsc_error err = AWSC_ERROR_INIT;
    int rc = awsc_protocol_parse_output(svc, op, &resp, arena, &out, &err);
    if (rc == 0) {
      FUZZ_CHECK(out.type == AWSC_V_MAP);
      awsc_buf b = {0};
      FUZZ_CHECK(awsc_value_to_json(&b, &out, op->output, false) == 0);
      awsc_buf_free(&b);
    } else {
      FUZZ_CHECK(err.code == rc && err.message[0] != '\0');
    }
    static const char *const keys[] = {"__type", "message", "QueueUrl"};
    const char *vals[3];
    int trc =
        awsc_json_top_strings(arena, resp.body, resp.body_len, keys, vals, 3);
    FUZZ_CHECK(trc == 0 || trc == AWSC_EPARSE || trc == AWSC_ENOMEM);
  }
  awsc_arena_free(arena);
  return 0;
}
