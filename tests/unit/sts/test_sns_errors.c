/*
 * SNS service errors (Query protocol, <ErrorResponse>) surface with their
 * code, message, HTTP status and request id: AuthorizationError (which no
 * local server produces: fauxqs has no IAM), NotFound, InvalidParameter.
 */
#include <string.h>

#include "fake.h"
#include "test.h"

#include "awsc/sns.h"

static awsc_client *sns_client(void) {
  fake_env_files(NULL, NULL);
  awsc_session_options o = AWSC_SESSION_OPTIONS_INIT;
  o.region = "us-east-1";
  o.access_key_id = "AKIDEXAMPLE";
  o.secret_access_key = "test-secret-not-real";
  o.transport = &fake_transport;
  o.getenv_fn = fake_getenv;
  o.endpoint_url = "http://sns.test";
  awsc_session *s = NULL;
  awsc_client *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  if (awsc_session_new(&s, &o, &err) == 0)
    awsc_client_new(&c, s, "sns", NULL, &err);
  awsc_session_free(s);
  return c;
}

static const char *error_xml(const char *code, const char *message) {
  static char buf[1024];
  snprintf(buf, sizeof buf,
           "<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">"
           "<Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message>"
           "</Error><RequestId>rid-%s</RequestId></ErrorResponse>",
           code, message, code);
  return buf;
}

static void expect(awsc_client *c, int status, const char *code,
                   const char *message) {
  fake_reply r[] = {{status, NULL, error_xml(code, message), NULL, NULL}};
  fake_reset(r, 1);
  awsc_sns_PublishInput in = {0};
  in.topic_arn = "arn:aws:sns:us-east-1:123456789012:t";
  in.message = "m";
  awsc_sns_PublishResponse *out = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_sns_publish(&out, c, &in, &err), AWSC_ESERVICE);
  CHECK(out == NULL);
  CHECK_INT(err.kind, AWSC_ERROR_SERVICE);
  CHECK_STR(err.service_code, code);
  CHECK_INT(err.http_status, status);
  /* (the fake also sends x-amzn-requestid, which the parser prefers) */
  CHECK(err.request_id[0] != '\0');
  CHECK(strstr(err.message, "when calling the Publish operation") != NULL);
  CHECK(strstr(err.message, message) != NULL);
  /* 4xx client errors are not retried */
  CHECK_INT(fake_sends(), 1);
}

static void test_errors(void) {
  awsc_client *c = sns_client();
  expect(c, 403, "AuthorizationError",
         "User: arn:aws:iam::123456789012:user/u is not authorized to "
         "perform: SNS:Publish on resource: arn:aws:sns:us-east-1:"
         "123456789012:t");
  expect(c, 404, "NotFound", "Topic does not exist");
  expect(c, 400, "InvalidParameter",
         "Invalid parameter: PhoneNumber Reason: 12 is not valid");
  awsc_client_free(c);
}

int main(void) {
  test_alloc_install();
  awsc_global_init();
  int64_t live0 = test_alloc_live();
  RUN(test_errors);
  fake_cleanup();
  fake_env_cleanup();
  if (test_alloc_live() != live0) {
    printf("FAIL leak check\n");
    test_failed++;
  }
  return test_summary();
}
