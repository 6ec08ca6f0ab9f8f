/*
 * End to end: the SNS client (typed API, and the JSON door for one call)
 * against the local SNS server (fauxqs behind a SigV4-checking front):
 * topics (idempotent create, ListTopics pages with NextToken, attributes,
 * delete), subscriptions of every protocol the emulator stores, publish
 * (subject, attributes, MessageStructure json, direct SMS) and the
 * service errors. Needs AWSC_E2E_SNS_ENDPOINT (scripts/test.sh sets it).
 */
#include "sns_util.h"

#include "awsc/sns.h"
#include "awsc/sqs.h"

static const char *endpoint;
static awsc_client *sns;
static char prefix[64];

static char *create_topic(const char *suffix) {
  char name[128];
  snprintf(name, sizeof(name), "%s-%s", prefix, suffix);
  awsc_sns_CreateTopicInput in = {0};
  in.name = name;
  awsc_sns_CreateTopicResponse *out = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  if (awsc_sns_create_topic(&out, sns, &in, &err) != 0) {
    fprintf(stderr, "create_topic %s: %s\n", name, err.message);
    return NULL;
  }
  char *arn = strdup(out->topic_arn);
  awsc_mem_free(out);
  return arn;
}

static int delete_topic(const char *arn, awsc_error *err) {
  awsc_sns_DeleteTopicInput in = {0};
  in.topic_arn = arn;
  return awsc_sns_delete_topic(NULL, sns, &in, err);
}

/* Topics whose ARN contains `part`, over all pages; *pages counts them. */
static int count_topics(const char *part, int *pages, int *first_page) {
  int n = 0;
  *pages = 0;
  char *token = NULL;
  do {
    awsc_sns_ListTopicsInput in = {0};
    in.next_token = token;
    awsc_sns_ListTopicsResponse *out = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    if (awsc_sns_list_topics(&out, sns, &in, &err) != 0) {
      fprintf(stderr, "list_topics: %s\n", err.message);
      free(token);
      return -1;
    }
    if (++*pages == 1 && first_page)
      *first_page = (int)out->topics_count;
    for (size_t i = 0; i < out->topics_count; i++)
      n += strstr(out->topics[i].topic_arn, part) != NULL;
    free(token);
    token = out->next_token ? strdup(out->next_token) : NULL;
    awsc_mem_free(out);
  } while (token && *pages < 100);
  free(token);
  return n;
}

static void test_create_topic_idempotent(void) {
  char *a = create_topic("idem");
  char *b = create_topic("idem");
  CHECK(a && b && strcmp(a, b) == 0);
  CHECK(a && strstr(a, "arn:aws:sns:us-east-1:") == a);
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(delete_topic(a, &err), 0);
  free(a);
  free(b);
}

static void test_list_topics_pages(void) {
  /* more than one page (the emulator, like SNS, returns 100 a page) */
  enum { N = 105 };
  char *arns[N] = {0};
  int made = 0;
  for (int i = 0; i < N; i++) {
    char suffix[32];
    snprintf(suffix, sizeof(suffix), "page-%03d", i);
    arns[i] = create_topic(suffix);
    made += arns[i] != NULL;
  }
  CHECK_INT(made, N);
  char part[96];
  snprintf(part, sizeof(part), ":%s-page-", prefix);
  int pages = 0, first = 0;
  CHECK_INT(count_topics(part, &pages, &first), N);
  CHECK(pages >= 2);
  CHECK_INT(first, 100);

  /* the same through the paginator of the JSON door */
  awsc_page_iterator *it = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  char *all = NULL;
  CHECK_INT(awsc_paginator_new(&it, sns, "ListTopics", NULL, NULL, &err), 0);
  if (it) {
    CHECK_INT(awsc_paginator_build_full_result_json(&all, it, &err), 0);
    int seen = 0;
    for (const char *p = all; p && (p = strstr(p, part)) != NULL; p++)
      seen++;
    CHECK_INT(seen, N);
    awsc_mem_free(all);
    awsc_paginator_free(it);
  }
  for (int i = 0; i < N; i++) {
    if (arns[i])
      CHECK_INT(delete_topic(arns[i], &err), 0);
    free(arns[i]);
  }
  CHECK_INT(count_topics(part, &pages, NULL), 0);
}

static void test_topic_attributes(void) {
  char *arn = create_topic("attrs");
  awsc_sns_SetTopicAttributesInput in = {0};
  in.topic_arn = arn;
  in.attribute_name = "DisplayName";
  in.attribute_value = "Ops alerts";
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_sns_set_topic_attributes(NULL, sns, &in, &err), 0);
  awsc_sns_GetTopicAttributesInput gin = {0};
  gin.topic_arn = arn;
  awsc_sns_GetTopicAttributesResponse *out = NULL;
  CHECK_INT(awsc_sns_get_topic_attributes(&out, sns, &gin, &err), 0);
  int display = 0, topic_arn = 0;
  for (size_t i = 0; out && i < out->attributes_count; i++) {
    const char *k = out->attributes[i].key, *v = out->attributes[i].value;
    display += strcmp(k, "DisplayName") == 0 && strcmp(v, "Ops alerts") == 0;
    topic_arn += strcmp(k, "TopicArn") == 0 && strcmp(v, arn) == 0;
  }
  CHECK_INT(display, 1);
  CHECK_INT(topic_arn, 1);
  if (out) {
    const awsc_response_metadata *m = awsc_output_metadata(out);
    CHECK(m && m->http_status == 200 && m->request_id[0]);
  }
  awsc_mem_free(out);
  CHECK_INT(delete_topic(arn, &err), 0);
  free(arn);
}

/* The ARN of a new SQS queue on the same server. */
static char *queue_arn(const char *name, char **url_out) {
  awsc_client *sqs = e2e_client("sqs", endpoint);
  awsc_sqs_CreateQueueRequest cq = {0};
  cq.queue_name = name;
  awsc_sqs_CreateQueueResult *q = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  char *arn = NULL;
  if (sqs && awsc_sqs_create_queue(&q, sqs, &cq, &err) == 0) {
    const char *names[] = {"QueueArn"};
    awsc_sqs_GetQueueAttributesRequest ga = {0};
    ga.queue_url = q->queue_url;
    ga.attribute_names = names;
    ga.attribute_names_count = 1;
    awsc_sqs_GetQueueAttributesResult *a = NULL;
    if (awsc_sqs_get_queue_attributes(&a, sqs, &ga, &err) == 0 &&
        a->attributes_count == 1)
      arn = strdup(a->attributes[0].value);
    awsc_mem_free(a);
    *url_out = strdup(q->queue_url);
    awsc_mem_free(q);
  }
  awsc_client_free(sqs);
  return arn;
}

static void delete_queue(const char *url) {
  awsc_client *sqs = e2e_client("sqs", endpoint);
  awsc_sqs_DeleteQueueRequest dq = {0};
  dq.queue_url = url;
  if (sqs)
    awsc_sqs_delete_queue(NULL, sqs, &dq, NULL);
  awsc_client_free(sqs);
}

static void test_subscriptions(void) {
  char *arn = create_topic("subs");
  char qname[96];
  snprintf(qname, sizeof(qname), "%s-subs-q", prefix);
  char *qurl = NULL;
  char *qarn = queue_arn(qname, &qurl);
  CHECK(qarn != NULL);
  struct {
    const char *protocol, *endpoint;
  } subs[] = {{"sms", "+15550001111"},
              {"email", "ops@example.com"},
              {"http", "http://127.0.0.1:9/hook"},
              {"https", "https://hooks.example.com/sns"},
              {"sqs", qarn ? qarn : "arn:aws:sqs:us-east-1:000000000000:x"}};
  enum { NSUBS = 5 };
  char *sub_arns[NSUBS] = {0};
  awsc_error err = AWSC_ERROR_INIT;
  for (int i = 0; i < NSUBS; i++) {
    awsc_sns_SubscribeInput in = {0};
    in.topic_arn = arn;
    in.protocol = subs[i].protocol;
    in.endpoint = subs[i].endpoint;
    in.return_subscription_arn = true;
    in.has_return_subscription_arn = true;
    awsc_sns_SubscribeResponse *out = NULL;
    CHECK_INT(awsc_sns_subscribe(&out, sns, &in, &err), 0);
    if (out) {
      CHECK(strncmp(out->subscription_arn, arn, strlen(arn)) == 0);
      sub_arns[i] = strdup(out->subscription_arn);
    }
    awsc_mem_free(out);
  }
  awsc_sns_ListSubscriptionsByTopicInput lin = {0};
  lin.topic_arn = arn;
  awsc_sns_ListSubscriptionsByTopicResponse *list = NULL;
  CHECK_INT(awsc_sns_list_subscriptions_by_topic(&list, sns, &lin, &err), 0);
  int matched = 0;
  for (size_t j = 0; list && j < list->subscriptions_count; j++) {
    const awsc_sns_Subscription *s = &list->subscriptions[j];
    for (int i = 0; i < NSUBS; i++)
      matched += strcmp(s->protocol, subs[i].protocol) == 0 &&
                 strcmp(s->endpoint, subs[i].endpoint) == 0 &&
                 strcmp(s->topic_arn, arn) == 0 && sub_arns[i] &&
                 strcmp(s->subscription_arn, sub_arns[i]) == 0;
  }
  CHECK_INT(matched, NSUBS);
  CHECK(list && list->next_token == NULL);
  awsc_mem_free(list);

  /* the account-wide list has them too */
  awsc_sns_ListSubscriptionsResponse *all = NULL;
  CHECK_INT(awsc_sns_list_subscriptions(&all, sns, NULL, &err), 0);
  int ours = 0;
  for (size_t j = 0; all && j < all->subscriptions_count; j++)
    ours += strcmp(all->subscriptions[j].topic_arn, arn) == 0;
  CHECK_INT(ours, NSUBS);
  awsc_mem_free(all);

  for (int i = 0; i < NSUBS; i++) {
    awsc_sns_UnsubscribeInput un = {0};
    un.subscription_arn = sub_arns[i];
    if (sub_arns[i])
      CHECK_INT(awsc_sns_unsubscribe(NULL, sns, &un, &err), 0);
    free(sub_arns[i]);
  }
  list = NULL;
  CHECK_INT(awsc_sns_list_subscriptions_by_topic(&list, sns, &lin, &err), 0);
  CHECK(list && list->subscriptions_count == 0);
  awsc_mem_free(list);
  CHECK_INT(delete_topic(arn, &err), 0);
  if (qurl)
    delete_queue(qurl);
  free(qurl);
  free(qarn);
  free(arn);
}

static void test_publish(void) {
  char *arn = create_topic("pub");
  awsc_error err = AWSC_ERROR_INIT;
  awsc_sns_PublishInput in = {0};
  in.topic_arn = arn;
  in.message = "3 reports are ready";
  in.subject = "Report count";
  awsc_sns_PublishResponse *out = NULL;
  CHECK_INT(awsc_sns_publish(&out, sns, &in, &err), 0);
  CHECK(out && out->message_id && strlen(out->message_id) >= 32);
  awsc_mem_free(out);

  /* message attributes of the three data types */
  static const unsigned char bytes[] = {0, 1, 2, 0xfe, 0xff};
  awsc_sns_MessageAttributeMap_Entry attrs[3] = {{0}};
  attrs[0].key = "dept";
  attrs[0].value.data_type = "String";
  attrs[0].value.string_value = "sales";
  attrs[1].key = "count";
  attrs[1].value.data_type = "Number";
  attrs[1].value.string_value = "3";
  attrs[2].key = "raw";
  attrs[2].value.data_type = "Binary";
  attrs[2].value.binary_value.data = bytes;
  attrs[2].value.binary_value.len = sizeof(bytes);
  in.message_attributes = attrs;
  in.message_attributes_count = 3;
  out = NULL;
  CHECK_INT(awsc_sns_publish(&out, sns, &in, &err), 0);
  awsc_mem_free(out);

  /* one message per protocol */
  in.message_attributes = NULL;
  in.message_attributes_count = 0;
  in.subject = NULL;
  in.message_structure = "json";
  in.message = "{\"default\": \"3 reports\", \"email\": \"3 reports are "
               "ready\", \"sqs\": \"{\\\"reports\\\": 3}\"}";
  out = NULL;
  CHECK_INT(awsc_sns_publish(&out, sns, &in, &err), 0);
  awsc_mem_free(out);
  CHECK_INT(delete_topic(arn, &err), 0);
  free(arn);
}

static void test_publish_sms(void) {
  char phone[32];
  snprintf(phone, sizeof(phone), "+1555%07ld", (long)getpid() % 10000000);
  awsc_sns_PublishInput in = {0};
  in.phone_number = phone;
  in.message = "Your code is 123456";
  awsc_sns_PublishResponse *out = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_sns_publish(&out, sns, &in, &err), 0);
  char url[512];
  const char *sms_url = e2e_env("AWSC_E2E_SNS_SMS_URL");
  if (!sms_url) {
    snprintf(url, sizeof(url), "%s/_sns/sms", endpoint);
    sms_url = url;
  }
  char *list = e2e_http_get(sms_url);
  CHECK(list != NULL);
  if (out && list) {
    CHECK(strstr(list, out->message_id) != NULL);
    CHECK(strstr(list, phone) != NULL);
    CHECK(strstr(list, "Your code is 123456") != NULL);
  }
  free(list);
  awsc_mem_free(out);
}

/* Expect a service error with this code and status. */
static void expect_error(int rc, const awsc_error *err, const char *code,
                         int status) {
  CHECK_INT(rc, AWSC_ESERVICE);
  CHECK_INT(err->kind, AWSC_ERROR_SERVICE);
  CHECK_STR(err->service_code, code);
  CHECK_INT(err->http_status, status);
  CHECK(err->request_id[0] != '\0');
  if (rc != AWSC_ESERVICE || strcmp(err->service_code, code) != 0)
    fprintf(stderr, "  got: %s\n", err->message);
}

static void test_errors(void) {
  char missing[160];
  snprintf(missing, sizeof(missing),
           "arn:aws:sns:us-east-1:000000000000:%s-missing", prefix);
  awsc_error err = AWSC_ERROR_INIT;
  awsc_sns_GetTopicAttributesInput gin = {0};
  gin.topic_arn = missing;
  awsc_sns_GetTopicAttributesResponse *gout = NULL;
  expect_error(awsc_sns_get_topic_attributes(&gout, sns, &gin, &err), &err,
               "NotFound", 404);
  CHECK(strstr(err.message, "when calling the GetTopicAttributes operation: "
                            "Topic does not exist") != NULL);

  awsc_sns_PublishInput pin = {0};
  pin.topic_arn = missing;
  pin.message = "x";
  awsc_sns_PublishResponse *pout = NULL;
  err = (awsc_error)AWSC_ERROR_INIT;
  expect_error(awsc_sns_publish(&pout, sns, &pin, &err), &err, "NotFound", 404);

  awsc_sns_CreateTopicInput cin = {0};
  cin.name = "bad name!";
  awsc_sns_CreateTopicResponse *cout = NULL;
  err = (awsc_error)AWSC_ERROR_INIT;
  expect_error(awsc_sns_create_topic(&cout, sns, &cin, &err), &err,
               "InvalidParameter", 400);

  memset(&pin, 0, sizeof(pin));
  pin.phone_number = "12";
  pin.message = "x";
  err = (awsc_error)AWSC_ERROR_INIT;
  expect_error(awsc_sns_publish(&pout, sns, &pin, &err), &err,
               "InvalidParameter", 400);
  CHECK(strstr(err.message, "PhoneNumber") != NULL);

  /* missing Message: refused before sending, as botocore does */
  memset(&pin, 0, sizeof(pin));
  pin.topic_arn = missing;
  err = (awsc_error)AWSC_ERROR_INIT;
  CHECK_INT(awsc_sns_publish(&pout, sns, &pin, &err), AWSC_EVALIDATION);
}

static void test_auth_errors(void) {
  awsc_client *bad = e2e_client_ex(
      "sns", endpoint,
      e2e_session_ex(E2E_AK1, "wrong-wrong-wrong-wrong-wrong-wrong-wrong", NULL,
                     0));
  awsc_sns_ListTopicsResponse *out = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  expect_error(awsc_sns_list_topics(&out, bad, NULL, &err), &err,
               "SignatureDoesNotMatch", 403);
  CHECK(strstr(err.message, "wrong-wrong") == NULL);
  awsc_client_free(bad);
  bad = e2e_client_ex("sns", endpoint,
                      e2e_session_ex("AKIDNOSUCHKEY000000", E2E_SK1, NULL, 0));
  err = (awsc_error)AWSC_ERROR_INIT;
  expect_error(awsc_sns_list_topics(&out, bad, NULL, &err), &err,
               "InvalidClientTokenId", 403);
  awsc_client_free(bad);
}

static void test_delete_topic(void) {
  char *arn = create_topic("gone");
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(delete_topic(arn, &err), 0);
  awsc_sns_GetTopicAttributesInput gin = {0};
  gin.topic_arn = arn;
  awsc_sns_GetTopicAttributesResponse *gout = NULL;
  expect_error(awsc_sns_get_topic_attributes(&gout, sns, &gin, &err), &err,
               "NotFound", 404);
  /* deleting what is gone succeeds, as on AWS */
  err = (awsc_error)AWSC_ERROR_INIT;
  CHECK_INT(delete_topic(arn, &err), 0);
  int pages;
  CHECK_INT(count_topics(arn, &pages, NULL), 0);
  free(arn);
}

static void test_json_door(void) {
  char params[256];
  snprintf(params, sizeof(params), "{\"Name\":\"%s-json\"}", prefix);
  char *out = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_call_json(&out, sns, "create_topic", params, &err), 0);
  CHECK(out && strstr(out, "\"TopicArn\":\"arn:aws:sns:") != NULL);
  CHECK(out && strstr(out, "\"HTTPStatusCode\":200") != NULL);
  char arn[256] = "";
  const char *p = out ? strstr(out, "arn:aws:sns:") : NULL;
  if (p)
    sscanf(p, "%255[^\"]", arn);
  awsc_mem_free(out);
  CHECK_INT(delete_topic(arn, &err), 0);
}

int main(void) {
  endpoint = e2e_sns_endpoint();
  if (!endpoint) {
    printf("skip: AWSC_E2E_SNS_ENDPOINT is not set (the local SNS server "
           "was not started)\n");
    return 77;
  }
  snprintf(prefix, sizeof(prefix), "e2e-sns-%s", e2e_run_id());
  sns = e2e_client("sns", endpoint);
  if (!sns)
    return 1;
  RUN(test_create_topic_idempotent);
  RUN(test_list_topics_pages);
  RUN(test_topic_attributes);
  RUN(test_subscriptions);
  RUN(test_publish);
  RUN(test_publish_sms);
  RUN(test_errors);
  RUN(test_auth_errors);
  RUN(test_delete_topic);
  RUN(test_json_door);
  SKIP("AuthorizationError", "no local server produces it (fauxqs has no IAM "
                             "policies); its parsing is covered by "
                             "tests/unit/sts/test_sns_errors.c");
  SKIP("email/sms/http delivery", "fauxqs stores these subscriptions but "
                                  "delivers only to sqs ones (checked in "
                                  "sqs_api)");
  awsc_client_free(sns);
  return test_summary();
}
