/*
 * res_sns_subscriptions - who hears a topic, with Topic and Subscription
 * handles:
 *   res_sns_subscriptions TOPIC_ARN ENDPOINT...
 * subscribes each ENDPOINT (topic.subscribe: "+1555..." as sms, an
 * address with '@' as email, an http(s):// URL, an SQS queue ARN as sqs),
 * publishes one message (topic.publish), lists topic.subscriptions.all()
 * with each subscription's attributes (loaded: Protocol, Endpoint), and
 * unsubscribes the sms ones (subscription.delete()).
 */
#include "example.h"

#include <awsc/sns_resources.h>

static const char *protocol_of(const char *endpoint) {
  if (endpoint[0] == '+')
    return "sms";
  if (strncmp(endpoint, "https://", 8) == 0)
    return "https";
  if (strncmp(endpoint, "http://", 7) == 0)
    return "http";
  if (strncmp(endpoint, "arn:aws:sqs:", 12) == 0)
    return "sqs";
  return strchr(endpoint, '@') ? "email" : NULL;
}

/* subscription.attributes[name] (loaded on first use); NULL if absent. */
static const char *attribute(awsc_sns_subscription *s, const char *name) {
  awsc_error err = AWSC_ERROR_INIT;
  const awsc_sns_GetSubscriptionAttributesResponse *d =
      awsc_sns_subscription_data(s, &err);
  if (!d) {
    example_fail("subscription.load", &err);
    return NULL;
  }
  for (size_t i = 0; i < d->attributes_count; i++)
    if (strcmp(d->attributes[i].key, name) == 0)
      return d->attributes[i].value;
  return NULL;
}

/* for s in topic.subscriptions.all(): print it; with `drop`, also
 * s.delete() those of that protocol. Returns how many were listed, -1 on
 * error. */
static int walk(awsc_sns_topic *topic, const char *drop) {
  awsc_error err = AWSC_ERROR_INIT;
  awsc_resource_collection *subs = NULL;
  if (awsc_sns_topic_subscriptions(&subs, topic, NULL, NULL, &err) != 0) {
    example_fail("topic.subscriptions", &err);
    return -1;
  }
  int count = 0, rc;
  awsc_resource *item = NULL;
  while (count >= 0 &&
         (rc = awsc_resource_collection_next(&item, subs, &err)) == 0 && item) {
    awsc_sns_subscription *s = (awsc_sns_subscription *)item;
    const char *protocol = attribute(s, "Protocol");
    const char *endpoint = attribute(s, "Endpoint");
    if (!protocol || !endpoint) {
      count = -1;
    } else if (drop && strcmp(protocol, drop) == 0) {
      if (awsc_sns_subscription_delete(NULL, NULL, NULL, s, NULL, &err) != 0) {
        example_fail("subscription.delete", &err);
        count = -1;
      } else {
        printf("unsubscribed %s %s\n", protocol, endpoint);
      }
    } else {
      printf("  %-6s %-32s %s\n", protocol, endpoint,
             awsc_sns_subscription_arn(s));
      count++;
    }
    awsc_sns_subscription_free(s);
  }
  awsc_resource_collection_free(subs);
  if (rc != 0) {
    example_fail("topic.subscriptions.all()", &err);
    return -1;
  }
  return count;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s TOPIC_ARN ENDPOINT...\n", argv[0]);
    return 2;
  }
  awsc_session *session;
  awsc_client *client;
  if (example_client("sns", &session, &client))
    return 1;
  awsc_error err = AWSC_ERROR_INIT;
  awsc_sns_topic *topic = NULL;
  int status = 0;
  if (awsc_sns_topic_new(&topic, client, argv[1], &err) != 0) {
    status = example_fail("topic", &err);
    goto done;
  }
  for (int i = 2; i < argc && !status; i++) {
    awsc_sns_SubscribeInput in = {0};
    in.protocol = protocol_of(argv[i]);
    in.endpoint = argv[i];
    /* the ARN even while the subscription awaits confirmation */
    in.return_subscription_arn = true;
    in.has_return_subscription_arn = true;
    if (!in.protocol) {
      fprintf(stderr, "%s: not a phone, email, URL or queue ARN\n", argv[i]);
      status = 2;
      break;
    }
    awsc_resource **sub = NULL; /* topic.subscribe() returns a Subscription */
    size_t n = 0;
    if (awsc_sns_topic_subscribe(NULL, &sub, &n, topic, &in, &err) != 0)
      status = example_fail("topic.subscribe", &err);
    else if (n == 1)
      printf("subscribed %s %s: %s\n", in.protocol, argv[i],
             awsc_sns_subscription_arn((awsc_sns_subscription *)sub[0]));
    awsc_resource_array_free(sub, n);
  }

  /* topic.publish(Subject=..., Message=...) */
  awsc_sns_PublishInput msg = {0};
  msg.subject = "Daily report";
  msg.message = "The daily report is ready.";
  awsc_sns_PublishResponse *sent = NULL;
  if (!status && awsc_sns_topic_publish(&sent, NULL, NULL, topic, &msg, &err))
    status = example_fail("topic.publish", &err);
  else if (sent)
    printf("published MessageId %s\n", sent->message_id);
  awsc_mem_free(sent);

  if (!status) {
    printf("subscriptions of %s:\n", argv[1]);
    if (walk(topic, NULL) < argc - 2 || walk(topic, "sms") < 0)
      status = 1;
  }
  if (!status) {
    printf("subscriptions left:\n");
    if (walk(topic, NULL) < 0)
      status = 1;
  }
done:
  awsc_sns_topic_free(topic);
  example_cleanup(session, client);
  return status;
}
