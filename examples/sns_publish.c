/*
 * sns_publish - tell a topic's subscribers how many reports came in:
 *   sns_publish TOPIC_ARN COUNT [SUBJECT]
 * publishes "COUNT new report(s) are ready." with a subject (default
 * "Daily report count", as email subscribers see it) and the count as a
 * Number message attribute "report_count" (for subscription filter
 * policies). Prints the MessageId.
 */
#include "example.h"

#include <awsc/sns.h>

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s TOPIC_ARN COUNT [SUBJECT]\n", argv[0]);
    return 2;
  }
  char *end;
  long count = strtol(argv[2], &end, 10);
  if (*end || count < 0) {
    fprintf(stderr, "COUNT must be a whole number, not %s\n", argv[2]);
    return 2;
  }
  awsc_session *session;
  awsc_client *sns;
  if (example_client("sns", &session, &sns))
    return 1;
  char message[128], number[32];
  snprintf(message, sizeof(message), "%ld new report%s ready.", count,
           count == 1 ? " is" : "s are");
  snprintf(number, sizeof(number), "%ld", count);
  awsc_sns_MessageAttributeMap_Entry attr = {0};
  attr.key = "report_count";
  attr.value.data_type = "Number";
  attr.value.string_value = number;
  awsc_sns_PublishInput in = {0};
  in.topic_arn = argv[1];
  in.message = message;
  in.subject = argc > 3 ? argv[3] : "Daily report count";
  in.message_attributes = &attr;
  in.message_attributes_count = 1;
  awsc_sns_PublishResponse *out = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  int status = 0;
  if (awsc_sns_publish(&out, sns, &in, &err) != 0)
    status = example_fail("publish", &err);
  else
    printf("published \"%s\" (subject \"%s\"): MessageId %s\n", message,
           in.subject, out->message_id);
  awsc_mem_free(out);
  example_cleanup(session, sns);
  return status;
}
