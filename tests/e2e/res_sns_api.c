/*
 * End to end: the resource layer's generic face (awsc/resource.h) for SNS
 * and SQS against the local server (fauxqs behind the SigV4 front), each
 * step checked through the client layer (awsc_sns_* / awsc_sqs_* typed
 * calls) on the same clients: ServiceResource.create_topic, Topic
 * attributes, subscribe / subscriptions / Subscription.delete, publish,
 * Topic.delete; create_queue, messages sent by one layer and received by
 * the other, Message.delete, Queue.delete_messages, queue attributes and
 * Queue.delete. Needs AWSC_E2E_SNS_ENDPOINT (the server serves both).
 */
#include "sns_util.h"

#include "awsc/sns.h"
#include "awsc/sns_resources.h"
#include "awsc/sqs.h"
#include "awsc/sqs_resources.h"

static awsc_client *sns, *sqs;
static char run[64];

/* the subscription ARNs of a topic as the client layer lists them */
static size_t client_subscriptions(const char *topic_arn, char arns[][256],
                                   size_t max) {
  awsc_sns_ListSubscriptionsByTopicInput in = {0};
  in.topic_arn = topic_arn;
  awsc_sns_ListSubscriptionsByTopicResponse *out = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  if (awsc_sns_list_subscriptions_by_topic(&out, sns, &in, &err) != 0)
    return (size_t)-1;
  size_t n = 0;
  for (size_t i = 0; i < out->subscriptions_count && n < max; i++)
    snprintf(arns[n++], 256, "%s", out->subscriptions[i].subscription_arn);
  awsc_mem_free(out);
  return n;
}

static int client_has_topic(const char *arn) {
  awsc_sns_GetTopicAttributesInput in = {0};
  in.topic_arn = arn;
  awsc_error err = AWSC_ERROR_INIT;
  awsc_sns_GetTopicAttributesResponse *out = NULL;
  int rc = awsc_sns_get_topic_attributes(&out, sns, &in, &err);
  awsc_mem_free(out);
  return rc == 0;
}

static void test_topic(void) {
  awsc_error err = AWSC_ERROR_INIT;
  awsc_resource *svc = NULL, **made = NULL, *topic = NULL;
  size_t n = 0;
  char params[256];
  CHECK_INT(awsc_resource_service(&svc, sns, &err), 0);
  snprintf(params, sizeof(params), "{\"Name\":\"%s-topic\"}", run);
  CHECK_INT(awsc_resource_action_json(NULL, &made, &n, svc, "CreateTopic",
                                      params, &err),
            0);
  CHECK_INT(n, 1);
  if (n == 1) {
    topic = made[0];
    made[0] = NULL;
  }
  awsc_resource_array_free(made, n);
  awsc_resource_free(svc);
  if (!topic)
    return;
  CHECK_STR(awsc_resource_type(topic), "Topic");
  const char *arn = awsc_sns_topic_arn((awsc_sns_topic *)topic);
  CHECK(client_has_topic(arn));
  /* attributes load through GetTopicAttributes: the same ARN */
  char *attrs = NULL, want[300];
  CHECK_INT(awsc_resource_attributes_json(&attrs, topic, &err), 0);
  snprintf(want, sizeof(want), "\"TopicArn\":\"%s\"", arn);
  CHECK(attrs && strstr(attrs, want));
  awsc_mem_free(attrs);

  /* topic.subscribe() x 3: Subscription handles with the client's ARNs */
  static const char *const subs[][2] = {{"sms", "+15550102001"},
                                        {"email", "ops@example.com"},
                                        {"sms", "+15550102002"}};
  char mine[3][256] = {{0}};
  for (int i = 0; i < 3; i++) {
    snprintf(params, sizeof(params),
             "{\"Protocol\":\"%s\",\"Endpoint\":\"%s\","
             "\"ReturnSubscriptionArn\":true}",
             subs[i][0], subs[i][1]);
    CHECK_INT(awsc_resource_action_json(NULL, &made, &n, topic, "subscribe",
                                        params, &err),
              0);
    CHECK_INT(n, 1);
    if (n == 1) {
      CHECK_STR(awsc_resource_type(made[0]), "Subscription");
      snprintf(mine[i], 256, "%s",
               awsc_sns_subscription_arn((awsc_sns_subscription *)made[0]));
    }
    awsc_resource_array_free(made, n);
  }
  char listed[8][256];
  CHECK_INT(client_subscriptions(arn, listed, 8), 3);
  /* topic.subscriptions.all() yields the same three */
  awsc_resource_collection *c = NULL;
  CHECK_INT(awsc_resource_collection_new(&c, topic, "Subscriptions", NULL, NULL,
                                         &err),
            0);
  int seen = 0, found = 0, rc;
  awsc_resource *it = NULL;
  while (c && (rc = awsc_resource_collection_next(&it, c, &err)) == 0 && it) {
    const char *a = awsc_sns_subscription_arn((awsc_sns_subscription *)it);
    for (int i = 0; i < 3; i++)
      found += strcmp(a, mine[i]) == 0;
    seen++;
    /* the sms ones are unsubscribed through their handles */
    char *sattrs = NULL;
    CHECK_INT(awsc_resource_attributes_json(&sattrs, it, &err), 0);
    if (sattrs && strstr(sattrs, "\"Protocol\":\"sms\""))
      CHECK_INT(
          awsc_resource_action_json(NULL, NULL, NULL, it, "Delete", NULL, &err),
          0);
    awsc_mem_free(sattrs);
    awsc_resource_free(it);
  }
  awsc_resource_collection_free(c);
  CHECK_INT(seen, 3);
  CHECK_INT(found, 3);
  CHECK_INT(client_subscriptions(arn, listed, 8), 1);
  CHECK_STR(listed[0], mine[1]); /* the email one is left */

  /* topic.publish(): a MessageId */
  char *json = NULL;
  CHECK_INT(awsc_resource_action_json(&json, NULL, NULL, topic, "Publish",
                                      "{\"Message\":\"hello\"}", &err),
            0);
  CHECK(json && strstr(json, "\"MessageId\":\""));
  awsc_mem_free(json);

  /* topic.delete(): the client layer no longer finds it */
  CHECK_INT(
      awsc_resource_action_json(NULL, NULL, NULL, topic, "Delete", NULL, &err),
      0);
  CHECK(!client_has_topic(arn));
  /* and a load of the deleted topic reports the service's error */
  awsc_error_clear(&err);
  CHECK_INT(awsc_resource_load(topic, &err), AWSC_ESERVICE);
  CHECK_INT(err.http_status, 404);
  awsc_resource_free(topic);
}

static void test_queue(void) {
  awsc_error err = AWSC_ERROR_INIT;
  awsc_resource *svc = NULL, **made = NULL, *queue = NULL;
  size_t n = 0;
  char params[256];
  CHECK_INT(awsc_resource_service(&svc, sqs, &err), 0);
  snprintf(params, sizeof(params), "{\"QueueName\":\"%s-q\"}", run);
  CHECK_INT(awsc_resource_action_json(NULL, &made, &n, svc, "create_queue",
                                      params, &err),
            0);
  if (n == 1) {
    queue = made[0];
    made[0] = NULL;
  }
  awsc_resource_array_free(made, n);
  awsc_resource_free(svc);
  CHECK(queue != NULL);
  if (!queue)
    return;
  CHECK_STR(awsc_resource_type(queue), "Queue");
  const char *url = awsc_sqs_queue_url((awsc_sqs_queue *)queue);
  char name[128];
  snprintf(name, sizeof(name), "%s-q", run);
  awsc_sqs_GetQueueUrlRequest gu = {0};
  gu.queue_name = name;
  awsc_sqs_GetQueueUrlResult *found = NULL;
  CHECK_INT(awsc_sqs_get_queue_url(&found, sqs, &gu, &err), 0);
  CHECK(found && strcmp(found->queue_url, url) == 0);
  awsc_mem_free(found);

  /* three sent by the client layer, received as Message handles */
  for (int i = 0; i < 3; i++) {
    char body[32];
    snprintf(body, sizeof(body), "client-%d", i);
    awsc_sqs_SendMessageRequest sm = {0};
    sm.queue_url = url;
    sm.message_body = body;
    CHECK_INT(awsc_sqs_send_message(NULL, sqs, &sm, &err), 0);
  }
  awsc_resource *msgs[3] = {0};
  int got = 0;
  for (int poll = 0; poll < 5 && got < 3; poll++) {
    CHECK_INT(awsc_resource_action_json(
                  NULL, &made, &n, queue, "ReceiveMessages",
                  "{\"MaxNumberOfMessages\":10,\"WaitTimeSeconds\":1}", &err),
              0);
    for (size_t i = 0; i < n && got < 3; i++) {
      CHECK_STR(awsc_resource_type(made[i]), "Message");
      msgs[got++] = made[i];
      made[i] = NULL;
    }
    awsc_resource_array_free(made, n);
  }
  CHECK_INT(got, 3);
  for (int i = 0; i < got; i++) {
    char *attrs = NULL;
    CHECK_INT(awsc_resource_attributes_json(&attrs, msgs[i], &err), 0);
    CHECK(attrs && strstr(attrs, "\"Body\":\"client-"));
    awsc_mem_free(attrs);
  }
  /* message.delete() for one, queue.delete_messages() for the others */
  if (got == 3) {
    CHECK_INT(awsc_resource_action_json(NULL, NULL, NULL, msgs[0], "Delete",
                                        NULL, &err),
              0);
    char batch[4096];
    snprintf(batch, sizeof(batch),
             "{\"Entries\":[{\"Id\":\"a\",\"ReceiptHandle\":\"%s\"},"
             "{\"Id\":\"b\",\"ReceiptHandle\":\"%s\"}]}",
             awsc_sqs_message_receipt_handle((awsc_sqs_message *)msgs[1]),
             awsc_sqs_message_receipt_handle((awsc_sqs_message *)msgs[2]));
    char *json = NULL;
    CHECK_INT(awsc_resource_action_json(&json, NULL, NULL, queue,
                                        "DeleteMessages", batch, &err),
              0);
    CHECK(json && strstr(json, "\"Successful\"") &&
          !strstr(json, "\"Failed\":[{"));
    awsc_mem_free(json);
  }
  for (int i = 0; i < got; i++)
    awsc_resource_free(msgs[i]);

  /* one sent through the Queue, received by the client layer */
  CHECK_INT(awsc_resource_action_json(NULL, NULL, NULL, queue, "SendMessage",
                                      "{\"MessageBody\":\"from-resource\"}",
                                      &err),
            0);
  awsc_sqs_ReceiveMessageRequest rm = {0};
  rm.queue_url = url;
  rm.wait_time_seconds = 2;
  rm.has_wait_time_seconds = true;
  awsc_sqs_ReceiveMessageResult *r = NULL;
  CHECK_INT(awsc_sqs_receive_message(&r, sqs, &rm, &err), 0);
  CHECK(r && r->messages_count == 1 &&
        strcmp(r->messages[0].body, "from-resource") == 0);
  if (r && r->messages_count == 1) {
    /* deleted through a Message handle made from its receipt handle */
    awsc_sqs_message *m = NULL;
    CHECK_INT(
        awsc_sqs_message_new(&m, sqs, url, r->messages[0].receipt_handle, &err),
        0);
    CHECK_INT(awsc_sqs_message_delete(NULL, NULL, NULL, m, NULL, &err), 0);
    awsc_sqs_message_free(m);
  }
  awsc_mem_free(r);

  /* queue.reload(): nothing left, as the client layer says too */
  char *attrs = NULL;
  CHECK_INT(awsc_resource_load(queue, &err), 0);
  CHECK_INT(awsc_resource_attributes_json(&attrs, queue, &err), 0);
  CHECK(attrs && strstr(attrs, "\"ApproximateNumberOfMessages\":\"0\"") &&
        strstr(attrs, "\"ApproximateNumberOfMessagesNotVisible\":\"0\""));
  awsc_mem_free(attrs);

  CHECK_INT(
      awsc_resource_action_json(NULL, NULL, NULL, queue, "Delete", NULL, &err),
      0);
  awsc_error_clear(&err);
  CHECK_INT(awsc_sqs_get_queue_url(&found, sqs, &gu, &err), AWSC_ESERVICE);
  CHECK(strstr(err.service_code, "NonExistentQueue") != NULL);
  awsc_resource_free(queue);
}

int main(void) {
  const char *endpoint = e2e_sns_endpoint();
  if (!endpoint) {
    printf("skip: AWSC_E2E_SNS_ENDPOINT is not set (the local SNS/SQS "
           "server was not started)\n");
    return 77;
  }
  snprintf(run, sizeof(run), "e2e-resapi-%s", e2e_run_id());
  sns = e2e_client("sns", endpoint);
  sqs = e2e_client("sqs", endpoint);
  if (!sns || !sqs)
    return 1;
  RUN(test_topic);
  RUN(test_queue);
  awsc_client_free(sns);
  awsc_client_free(sqs);
  return test_summary();
}
