/*
 * tests/fuzz/fuzz_json_input.c - libFuzzer target for the JSON value
 * converter behind awsc_call_json and the CLI (awsc_value_from_json*,
 * lib/runtime/value_json.c): boto3-shaped input JSON checked and
 * converted against an operation's input shape.
 *
 * Input: byte 0 picks the operation (S3 and SQS inputs with nested
 * structures, lists, maps, blobs, timestamps, enums and numbers) and
 * whether to validate; the rest is the JSON. Checks: a success is a MAP
 * that prints back as JSON; a failure is one of the documented statuses
 * and names its reason.
 */
#include <string.h>

#include "fuzz_util.h"
#include "runtime/value.h"

static const struct {
  const char *model;
  const char *op;
} ops[] = {
    {"s3/2006-03-01/service-2.json", "PutObject"},
    {"s3/2006-03-01/service-2.json", "DeleteObjects"},
    {"s3/2006-03-01/service-2.json", "PutBucketLifecycleConfiguration"},
    {"s3/2006-03-01/service-2.json", "CompleteMultipartUpload"},
    {"s3/2006-03-01/service-2.json", "ListObjectsV2"},
    {"s3/2006-03-01/service-2.json", "SelectObjectContent"},
    {"sqs/2012-11-05/service-2.json", "SendMessageBatch"},
    {"sqs/2012-11-05/service-2.json", "ReceiveMessage"},
};
#define N_OPS (sizeof(ops) / sizeof(ops[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const awsc_operation *op_of[N_OPS];
  if (!op_of[0]) {
    const awsc_service *s3 = fuzz_service(ops[0].model);
    const awsc_service *sqs = fuzz_service(ops[N_OPS - 1].model);
    for (size_t i = 0; i < N_OPS; i++)
      op_of[i] = fuzz_operation(strcmp(ops[i].model, ops[0].model) ? sqs : s3,
                                ops[i].op);
  }
  if (size < 1)
    return 0;
  const awsc_operation *op = op_of[data[0] % N_OPS];
  unsigned flags = (data[0] & 0x80) ? AWSC_VJ_NO_VALIDATE : 0;
  awsc_arena *arena = awsc_arena_new(0);
  FUZZ_CHECK(arena != NULL);
  awsc_value v;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = awsc_value_from_json_ex(&v, arena, op->input, (const char *)data + 1,
                                   size - 1, flags, &err);
  if (rc == 0) {
    FUZZ_CHECK(v.type == AWSC_V_MAP || v.type == AWSC_V_NULL);
    awsc_buf b = {0};
    FUZZ_CHECK(awsc_value_to_json(&b, &v, op->input, true) == 0);
    awsc_buf_free(&b);
  } else {
    FUZZ_CHECK(rc == AWSC_EPARSE || rc == AWSC_EVALIDATION ||
               rc == AWSC_ENOMEM || rc == AWSC_EINVAL);
    FUZZ_CHECK(err.code == rc && err.message[0] != '\0');
  }
  awsc_arena_free(arena);
  return 0;
}
