/*
 * sns_subscriptions - who hears a topic:
 *   sns_subscriptions TOPIC_ARN ENDPOINT...
 * subscribes each ENDPOINT to the topic: a phone number (+15551234567)
 * as "sms", an address with '@' as "email", an http(s):// URL as
 * "http"/"https", an SQS queue ARN (arn:aws:sqs:...) as "sqs". Lists the
 * topic's subscriptions (following NextToken), unsubscribes every sms
 * one, and lists again.
 */
#include "example.h"

#include <awsc/sns.h>

static const char *protocol_of(const char *endpoint) {
  if (endpoint[0] == '+')
    return "sms";
  if (strncmp(endpoint, "https://", 8) == 0)
    return "https";
  if (strncmp(endpoint, "http://", 7) == 0)
    return "http";
  if (strncmp(endpoint, "arn:aws:sqs:", 12) == 0)
    return "sqs";
  if (strchr(endpoint, '@'))
    return "email";
  return NULL;
}

/* Print the topic's subscriptions; with unsubscribe_protocol, also
 * unsubscribe those of that protocol. Returns how many were listed (or
 * unsubscribed), -1 on error. */
static int walk(awsc_client *sns, const char *topic,
                const char *unsubscribe_protocol) {
  int count = 0;
  char *token = NULL;
  do {
    awsc_sns_ListSubscriptionsByTopicInput in = {0};
    in.topic_arn = topic;
    in.next_token = token;
    awsc_sns_ListSubscriptionsByTopicResponse *out = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    if (awsc_sns_list_subscriptions_by_topic(&out, sns, &in, &err) != 0) {
      free(token);
      example_fail("list_subscriptions_by_topic", &err);
      return -1;
    }
    for (size_t i = 0; i < out->subscriptions_count; i++) {
      const awsc_sns_Subscription *s = &out->subscriptions[i];
      if (!unsubscribe_protocol) {
        printf("  %-6s %-32s %s\n", s->protocol, s->endpoint,
               s->subscription_arn);
        count++;
      } else if (s->protocol &&
                 strcmp(s->protocol, unsubscribe_protocol) == 0) {
        awsc_sns_UnsubscribeInput un = {0};
        un.subscription_arn = s->subscription_arn;
        if (awsc_sns_unsubscribe(NULL, sns, &un, &err) != 0) {
          awsc_mem_free(out);
          free(token);
          example_fail("unsubscribe", &err);
          return -1;
        }
        printf("unsubscribed %s %s\n", s->protocol, s->endpoint);
        count++;
      }
    }
    free(token);
    token = out->next_token ? strdup(out->next_token) : NULL;
    awsc_mem_free(out);
  } while (token);
  return count;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s TOPIC_ARN ENDPOINT...\n", argv[0]);
    return 2;
  }
  const char *topic = argv[1];
  awsc_session *session;
  awsc_client *sns;
  if (example_client("sns", &session, &sns))
    return 1;
  int status = 0, sms = 0;
  for (int i = 2; i < argc && !status; i++) {
    const char *protocol = protocol_of(argv[i]);
    if (!protocol) {
      fprintf(stderr, "%s: not a phone number, email, URL or queue ARN\n",
              argv[i]);
      status = 2;
      break;
    }
    awsc_sns_SubscribeInput in = {0};
    in.topic_arn = topic;
    in.protocol = protocol;
    in.endpoint = argv[i];
    /* the ARN even while the subscription awaits confirmation */
    in.return_subscription_arn = true;
    in.has_return_subscription_arn = true;
    awsc_sns_SubscribeResponse *out = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    if (awsc_sns_subscribe(&out, sns, &in, &err) != 0) {
      status = example_fail("subscribe", &err);
      break;
    }
    printf("subscribed %s %s: %s\n", protocol, argv[i], out->subscription_arn);
    awsc_mem_free(out);
    sms += strcmp(protocol, "sms") == 0;
  }
  if (!status) {
    printf("subscriptions of %s:\n", topic);
    if (walk(sns, topic, NULL) < argc - 2)
      status = 1;
  }
  if (!status) {
    int gone = walk(sns, topic, "sms");
    if (gone != sms) {
      fprintf(stderr, "unsubscribed %d sms subscription(s), expected %d\n",
              gone, sms);
      status = 1;
    }
  }
  if (!status) {
    printf("subscriptions left:\n");
    if (walk(sns, topic, NULL) < 0)
      status = 1;
  }
  example_cleanup(session, sns);
  return status;
}
