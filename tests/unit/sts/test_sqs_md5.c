/*
 * SQS customizations of the pipeline (lib/custom/sqs.c): the message
 * MD5 checks on SendMessage, SendMessageBatch and ReceiveMessage, and the
 * per-call read timeout of long polls. SQS is a canned-reply transport.
 * The attribute digests below were computed by fauxqs (an independent
 * implementation of SQS's algorithm) for the same attributes.
 */
#include <string.h>

#include "fake.h"
#include "test.h"

#include "awsc/sqs.h"

#define JSON "application/x-amz-json-1.0"
#define Q "http://sqs.test/000000000000/q"
#define MD5_HELLO "5d41402abc4b2a76b9719d911017c592"
/* {"a": String "x"} */
#define MD5_ATTR_A "a512aac9938034acb0b3c3d965944bf1"
/* {"b": Binary "xyz", "a": Number "12", "c": String.custom "ü"} */
#define MD5_ATTR_MIXED "d93de90c4d70654dafc74cef47d60da7"
#define WRONG "00000000000000000000000000000000"

static awsc_client *sqs_client(long read_timeout_ms) {
  fake_env_files(NULL, NULL);
  awsc_session_options o = AWSC_SESSION_OPTIONS_INIT;
  o.region = "us-east-1";
  o.access_key_id = "AKIDEXAMPLE";
  o.secret_access_key = "test-secret-not-real";
  o.transport = &fake_transport;
  o.getenv_fn = fake_getenv;
  o.read_timeout_ms = read_timeout_ms;
  o.endpoint_url = "http://sqs.test";
  awsc_session *s = NULL;
  awsc_client *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  if (awsc_session_new(&s, &o, &err) == 0)
    awsc_client_new(&c, s, "sqs", NULL, &err);
  if (!c)
    fprintf(stderr, "client: %s\n", err.message);
  awsc_session_free(s);
  return c;
}

/* Call op with params against one canned JSON reply; returns the status. */
static int call1(awsc_client *c, const char *op, const char *params,
                 const char *reply, awsc_error *err) {
  fake_reply r[] = {{200, JSON, reply, NULL, NULL}};
  fake_reset(r, 1);
  char *out = NULL;
  *err = (awsc_error)AWSC_ERROR_INIT;
  int rc = awsc_call_json(&out, c, op, params, err);
  awsc_mem_free(out);
  return rc;
}

static void test_send_message(void) {
  awsc_client *c = sqs_client(0);
  awsc_error err;
  const char *p = "{\"QueueUrl\":\"" Q "\",\"MessageBody\":\"hello\"}";
  CHECK_INT(call1(c, "SendMessage", p,
                  "{\"MessageId\":\"m1\",\"MD5OfMessageBody\":\"" MD5_HELLO
                  "\"}",
                  &err),
            0);
  /* upper-case hex is the same digest */
  CHECK_INT(call1(c, "SendMessage", p,
                  "{\"MessageId\":\"m1\",\"MD5OfMessageBody\":"
                  "\"5D41402ABC4B2A76B9719D911017C592\"}",
                  &err),
            0);
  CHECK_INT(call1(c, "SendMessage", p,
                  "{\"MessageId\":\"m1\",\"MD5OfMessageBody\":\"" WRONG "\"}",
                  &err),
            AWSC_EPARSE);
  CHECK_INT(err.kind, AWSC_ERROR_PARSE);
  CHECK(strncmp(err.message, "MD5 of message body does not match", 34) == 0);
  CHECK(strstr(err.message, "m1") != NULL);
  /* no digest returned: nothing to check */
  CHECK_INT(call1(c, "SendMessage", p, "{\"MessageId\":\"m1\"}", &err), 0);

  const char *pa = "{\"QueueUrl\":\"" Q "\",\"MessageBody\":\"hello\","
                   "\"MessageAttributes\":{"
                   "\"b\":{\"DataType\":\"Binary\",\"BinaryValue\":\"xyz\"},"
                   "\"a\":{\"DataType\":\"Number\",\"StringValue\":\"12\"},"
                   "\"c\":{\"DataType\":\"String.custom\","
                   "\"StringValue\":\"\\u00fc\"}}}";
  CHECK_INT(call1(c, "SendMessage", pa,
                  "{\"MessageId\":\"m2\",\"MD5OfMessageBody\":\"" MD5_HELLO
                  "\",\"MD5OfMessageAttributes\":\"" MD5_ATTR_MIXED "\"}",
                  &err),
            0);
  CHECK_INT(call1(c, "SendMessage", pa,
                  "{\"MessageId\":\"m2\",\"MD5OfMessageBody\":\"" MD5_HELLO
                  "\",\"MD5OfMessageAttributes\":\"" MD5_ATTR_A "\"}",
                  &err),
            AWSC_EPARSE);
  CHECK(strncmp(err.message, "MD5 of message attributes does not match", 40) ==
        0);
  awsc_client_free(c);
}

static void test_send_typed(void) {
  awsc_client *c = sqs_client(0);
  awsc_sqs_MessageBodyAttributeMap_Entry attr = {0};
  attr.key = "a";
  attr.value.data_type = "String";
  attr.value.string_value = "x";
  awsc_sqs_SendMessageRequest in = {0};
  in.queue_url = Q;
  in.message_body = "hello";
  in.message_attributes = &attr;
  in.message_attributes_count = 1;
  fake_reply ok[] = {{200, JSON,
                      "{\"MessageId\":\"t1\",\"MD5OfMessageBody\":\"" MD5_HELLO
                      "\",\"MD5OfMessageAttributes\":\"" MD5_ATTR_A "\"}",
                      NULL, NULL}};
  fake_reset(ok, 1);
  awsc_sqs_SendMessageResult *out = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_sqs_send_message(&out, c, &in, &err), 0);
  if (out)
    CHECK_STR(out->message_id, "t1");
  awsc_mem_free(out);
  /* the server digested another body than the one sent */
  in.message_body = "hellO";
  fake_reset(ok, 1);
  out = NULL;
  CHECK_INT(awsc_sqs_send_message(&out, c, &in, &err), AWSC_EPARSE);
  CHECK(out == NULL);
  awsc_client_free(c);
}

static void test_batch(void) {
  awsc_client *c = sqs_client(0);
  awsc_error err;
  const char *p = "{\"QueueUrl\":\"" Q "\",\"Entries\":["
                  "{\"Id\":\"e1\",\"MessageBody\":\"hello\"},"
                  "{\"Id\":\"e2\",\"MessageBody\":\"other\","
                  "\"MessageAttributes\":{\"a\":{\"DataType\":\"String\","
                  "\"StringValue\":\"x\"}}}]}";
  /* results in another order than the entries: matched by Id */
  CHECK_INT(call1(c, "SendMessageBatch", p,
                  "{\"Successful\":[{\"Id\":\"e2\",\"MessageId\":\"m2\","
                  "\"MD5OfMessageBody\":\"795f3202b17cb6bc3d4b771d8c6c9eaf\","
                  "\"MD5OfMessageAttributes\":\"" MD5_ATTR_A "\"},"
                  "{\"Id\":\"e1\",\"MessageId\":\"m1\",\"MD5OfMessageBody\":"
                  "\"" MD5_HELLO "\"}],\"Failed\":[]}",
                  &err),
            0);
  CHECK_INT(call1(c, "SendMessageBatch", p,
                  "{\"Successful\":[{\"Id\":\"e1\",\"MessageId\":\"m1\","
                  "\"MD5OfMessageBody\":\"" MD5_HELLO "\"},"
                  "{\"Id\":\"e2\",\"MessageId\":\"m2\",\"MD5OfMessageBody\":"
                  "\"" WRONG "\"}],\"Failed\":[]}",
                  &err),
            AWSC_EPARSE);
  CHECK(strstr(err.message, "message body") != NULL);
  CHECK(strstr(err.message, "batch entry e2") != NULL);
  /* failed entries have no digest to check */
  CHECK_INT(call1(c, "SendMessageBatch", p,
                  "{\"Successful\":[],\"Failed\":[{\"Id\":\"e1\",\"Code\":"
                  "\"X\",\"SenderFault\":true}]}",
                  &err),
            0);
  awsc_client_free(c);
}

static void test_receive(void) {
  awsc_client *c = sqs_client(0);
  awsc_error err;
  const char *p =
      "{\"QueueUrl\":\"" Q "\",\"MessageAttributeNames\":[\"All\"]}";
  CHECK_INT(call1(c, "ReceiveMessage", p,
                  "{\"Messages\":[{\"MessageId\":\"r1\",\"ReceiptHandle\":"
                  "\"h\",\"Body\":\"hello\",\"MD5OfBody\":\"" MD5_HELLO "\","
                  "\"MessageAttributes\":{"
                  "\"c\":{\"DataType\":\"String.custom\",\"StringValue\":"
                  "\"\\u00fc\"},"
                  "\"a\":{\"DataType\":\"Number\",\"StringValue\":\"12\"},"
                  "\"b\":{\"DataType\":\"Binary\",\"BinaryValue\":\"eHl6\"}},"
                  "\"MD5OfMessageAttributes\":\"" MD5_ATTR_MIXED "\"}]}",
                  &err),
            0);
  CHECK_INT(call1(c, "ReceiveMessage", p,
                  "{\"Messages\":[{\"MessageId\":\"r1\",\"Body\":\"hello\","
                  "\"MD5OfBody\":\"" MD5_HELLO "\"},{\"MessageId\":\"r2\","
                  "\"Body\":\"tampered\",\"MD5OfBody\":\"" MD5_HELLO "\"}]}",
                  &err),
            AWSC_EPARSE);
  CHECK(strncmp(err.message, "MD5 of message body does not match", 34) == 0);
  CHECK(strstr(err.message, "r2") != NULL);
  CHECK_INT(call1(c, "ReceiveMessage", p,
                  "{\"Messages\":[{\"MessageId\":\"r3\",\"Body\":\"hello\","
                  "\"MD5OfBody\":\"" MD5_HELLO "\",\"MessageAttributes\":{"
                  "\"a\":{\"DataType\":\"String\",\"StringValue\":\"y\"}},"
                  "\"MD5OfMessageAttributes\":\"" MD5_ATTR_A "\"}]}",
                  &err),
            AWSC_EPARSE);
  CHECK(strncmp(err.message, "MD5 of message attributes does not match", 40) ==
        0);
  /* no messages */
  CHECK_INT(call1(c, "ReceiveMessage", p, "{}", &err), 0);
  awsc_client_free(c);
}

static void test_read_timeout(void) {
  awsc_error err;
  const char *base = "{\"QueueUrl\":\"" Q "\"";
  char p[256];
  /* session read timeout 5 s: a 20 s poll gets 30 s, one of 3 s 13 s */
  awsc_client *c = sqs_client(5000);
  snprintf(p, sizeof p, "%s,\"WaitTimeSeconds\":20}", base);
  CHECK_INT(call1(c, "ReceiveMessage", p, "{}", &err), 0);
  CHECK_INT(fake_read_timeout_ms(0), 30000);
  snprintf(p, sizeof p, "%s,\"WaitTimeSeconds\":3}", base);
  CHECK_INT(call1(c, "ReceiveMessage", p, "{}", &err), 0);
  CHECK_INT(fake_read_timeout_ms(0), 13000);
  /* no WaitTimeSeconds: the queue's default may be up to 20 s */
  snprintf(p, sizeof p, "%s}", base);
  CHECK_INT(call1(c, "ReceiveMessage", p, "{}", &err), 0);
  CHECK_INT(fake_read_timeout_ms(0), 30000);
  snprintf(p, sizeof p, "%s,\"WaitTimeSeconds\":0}", base);
  CHECK_INT(call1(c, "ReceiveMessage", p, "{}", &err), 0);
  CHECK_INT(fake_read_timeout_ms(0), 0);
  /* other operations keep the transport's */
  snprintf(p, sizeof p, "%s,\"MessageBody\":\"hello\"}", base);
  CHECK_INT(call1(c, "SendMessage", p, "{\"MessageId\":\"x\"}", &err), 0);
  CHECK_INT(fake_read_timeout_ms(0), 0);
  awsc_client_free(c);
  /* default 60 s already covers a 20 s poll */
  c = sqs_client(0);
  snprintf(p, sizeof p, "%s,\"WaitTimeSeconds\":20}", base);
  CHECK_INT(call1(c, "ReceiveMessage", p, "{}", &err), 0);
  CHECK_INT(fake_read_timeout_ms(0), 0);
  awsc_client_free(c);
}

int main(void) {
  test_alloc_install();
  awsc_global_init();
  int64_t live0 = test_alloc_live();
  RUN(test_send_message);
  RUN(test_send_typed);
  RUN(test_batch);
  RUN(test_receive);
  RUN(test_read_timeout);
  fake_cleanup();
  fake_env_cleanup();
  int64_t leaked = test_alloc_live() - live0;
  if (leaked != 0) {
    printf("FAIL leak check: %lld blocks still allocated\n", (long long)leaked);
    test_failed++;
  }
  return test_summary();
}
