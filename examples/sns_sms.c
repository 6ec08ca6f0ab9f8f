/*
 * sns_sms - send one text message, no topic involved:
 *   sns_sms PHONE_NUMBER MESSAGE...
 * PHONE_NUMBER in E.164 form (+15551234567). Sent as a Transactional SMS
 * (the AWS.SNS.SMS.SMSType attribute: delivery is favoured over cost).
 * Prints the MessageId.
 */
#include "example.h"

#include <awsc/sns.h>

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s PHONE_NUMBER MESSAGE...\n", argv[0]);
    return 2;
  }
  char message[1600] = "";
  for (int i = 2; i < argc; i++) {
    if (i > 2)
      strncat(message, " ", sizeof(message) - strlen(message) - 1);
    strncat(message, argv[i], sizeof(message) - strlen(message) - 1);
  }
  awsc_session *session;
  awsc_client *sns;
  if (example_client("sns", &session, &sns))
    return 1;
  awsc_sns_MessageAttributeMap_Entry attr = {0};
  attr.key = "AWS.SNS.SMS.SMSType";
  attr.value.data_type = "String";
  attr.value.string_value = "Transactional";
  awsc_sns_PublishInput in = {0};
  in.phone_number = argv[1];
  in.message = message;
  in.message_attributes = &attr;
  in.message_attributes_count = 1;
  awsc_sns_PublishResponse *out = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  int status = 0;
  if (awsc_sns_publish(&out, sns, &in, &err) != 0)
    status = example_fail("publish", &err);
  else
    printf("SMS to %s: MessageId %s\n", argv[1], out->message_id);
  awsc_mem_free(out);
  example_cleanup(session, sns);
  return status;
}
