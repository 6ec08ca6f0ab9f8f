/*
 * The resource runtime against canned replies: what each handle sends
 * (identifiers bound into requests), what it reads back (load, data from
 * listings), the resources actions and references yield, collections over
 * several pages with limit / page_size and one page alive at a time, S3's
 * batch delete one request per page of 1000, a waiter, the typed and the
 * generic faces sending the same bytes, and the fail-the-Nth-allocation
 * loop over a handle and a collection.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "awsc/resource.h"
#include "awsc/s3_resources.h"
#include "awsc/sns_resources.h"
#include "awsc/sqs_resources.h"
#include "fake.h"
#include "test.h"

#define S3_NS "http://s3.amazonaws.com/doc/2006-03-01/"
#define SNS_NS "http://sns.amazonaws.com/doc/2010-03-31/"
#define ARN "arn:aws:sns:us-east-1:123456789012:dept-sales"

static int count(const char *hay, const char *needle) {
  int n = 0;
  for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
    n++;
  return n;
}

/* A ListObjectsV2 page of keys [first, first + n), truncated or not. */
static char *listing(int first, int n, int truncated) {
  size_t cap = 256 + (size_t)n * 128;
  char *b = malloc(cap);
  if (!b)
    abort();
  size_t len = (size_t)snprintf(b, cap,
                                "<ListBucketResult xmlns=\"" S3_NS "\">"
                                "<Name>bkt</Name><KeyCount>%d</KeyCount>"
                                "<IsTruncated>%s</IsTruncated>",
                                n, truncated ? "true" : "false");
  for (int i = first; i < first + n; i++)
    len += (size_t)snprintf(b + len, cap - len,
                            "<Contents><Key>k%05d</Key><Size>%d</Size>"
                            "<ETag>\"e\"</ETag></Contents>",
                            i, i);
  if (truncated)
    len += (size_t)snprintf(b + len, cap - len,
                            "<NextContinuationToken>t%d"
                            "</NextContinuationToken>",
                            first + n);
  snprintf(b + len, cap - len, "</ListBucketResult>");
  return b;
}

static void test_identifiers_into_requests(void) {
  awsc_client *c = fake_client("s3");
  CHECK(c != NULL);
  if (!c)
    return;
  awsc_error err = AWSC_ERROR_INIT;
  awsc_resource *o = NULL;
  CHECK_INT(awsc_resource_new(&o, c, "Object",
                              "{\"BucketName\":\"bkt\",\"Key\":\"a/b.csv\"}",
                              &err),
            0);
  CHECK_STR(awsc_resource_type(o), "Object");
  char *ids = NULL;
  CHECK_INT(awsc_resource_identifiers_json(&ids, o, &err), 0);
  CHECK_STR(ids, "{\"BucketName\":\"bkt\",\"Key\":\"a/b.csv\"}");
  awsc_mem_free(ids);
  /* object.delete(): DELETE /bkt/a/b.csv, nothing else given */
  const fake_reply del[] = {{204, NULL}};
  fake_reset(del, 1);
  char *json = NULL;
  CHECK_INT(
      awsc_resource_action_json(&json, NULL, NULL, o, "delete", NULL, &err), 0);
  CHECK_INT(fake_sends(), 1);
  CHECK_STR(fake_method(0), "DELETE");
  CHECK(strstr(fake_url(0), "a/b.csv") != NULL);
  CHECK(strstr(fake_url(0), "bkt") != NULL);
  CHECK(json && strstr(json, "\"HTTPStatusCode\":204") != NULL);
  awsc_mem_free(json);
  /* missing identifier, unknown resource / action */
  awsc_resource *bad = NULL;
  CHECK_INT(
      awsc_resource_new(&bad, c, "Object", "{\"BucketName\":\"b\"}", &err),
      AWSC_EVALIDATION);
  CHECK(strstr(err.message, "Key") != NULL);
  CHECK(bad == NULL);
  CHECK_INT(awsc_resource_new(&bad, c, "Table", "{}", &err), AWSC_ENOTFOUND);
  CHECK_INT(awsc_resource_action_json(NULL, NULL, NULL, o, "Fly", NULL, &err),
            AWSC_ENOTFOUND);
  awsc_resource_free(o);
  awsc_client_free(c);
}

static void test_load_and_attributes(void) {
  awsc_client *c = fake_client("sns");
  CHECK(c != NULL);
  if (!c)
    return;
  awsc_error err = AWSC_ERROR_INIT;
  awsc_resource *t = NULL;
  CHECK_INT(awsc_resource_new(&t, c, "Topic", "{\"Arn\":\"" ARN "\"}", &err),
            0);
  const fake_reply attrs[] = {
      {200, "<GetTopicAttributesResponse xmlns=\"" SNS_NS "\">"
            "<GetTopicAttributesResult><Attributes>"
            "<entry><key>Owner</key><value>123456789012</value></entry>"
            "<entry><key>DisplayName</key><value>Sales</value></entry>"
            "</Attributes></GetTopicAttributesResult>"
            "<ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata>"
            "</GetTopicAttributesResponse>"}};
  fake_reset(attrs, 1);
  char *json = NULL;
  /* loads on first use, once */
  CHECK_INT(awsc_resource_attributes_json(&json, t, &err), 0);
  CHECK(json && strstr(json, "\"DisplayName\":\"Sales\"") != NULL);
  awsc_mem_free(json);
  CHECK_INT(awsc_resource_attributes_json(&json, t, &err), 0);
  awsc_mem_free(json);
  CHECK_INT(fake_sends(), 1);
  CHECK(strstr(fake_body(0), "Action=GetTopicAttributes") != NULL);
  /* typed data: the load's output struct, no second request */
  const awsc_sns_GetTopicAttributesResponse *d =
      awsc_sns_topic_data((awsc_sns_topic *)t, &err);
  CHECK(d && d->attributes_count == 2);
  if (d && d->attributes_count == 2) {
    CHECK_STR(d->attributes[1].key, "DisplayName");
    CHECK_STR(d->attributes[1].value, "Sales");
  }
  CHECK_INT(fake_sends(), 1);
  CHECK(strstr(fake_body(0), "TopicArn=arn%3Aaws%3Asns") != NULL);
  /* a load that fails reports through err, data stay unloaded */
  awsc_resource *t2 = NULL;
  CHECK_INT(awsc_resource_new(&t2, c, "Topic", "{\"Arn\":\"x\"}", &err), 0);
  const fake_reply nf[] = {
      {404, "<ErrorResponse><Error><Type>Sender</Type><Code>NotFound</Code>"
            "<Message>Topic does not exist</Message></Error>"
            "<RequestId>r2</RequestId></ErrorResponse>"}};
  fake_reset(nf, 1);
  json = NULL;
  CHECK(awsc_sns_topic_data((awsc_sns_topic *)t2, &err) == NULL);
  CHECK_INT(err.code, AWSC_ESERVICE);
  fake_reset(nf, 1);
  CHECK_INT(awsc_resource_attributes_json(&json, t2, &err), AWSC_ESERVICE);
  CHECK(json == NULL);
  CHECK_STR(err.service_code, "NotFound");
  /* no load method (boto3's message) */
  awsc_resource *s = NULL;
  CHECK_INT(awsc_resource_service(&s, c, &err), 0);
  CHECK_INT(awsc_resource_load(s, &err), AWSC_EUNSUPPORTED);
  CHECK_STR(err.message, "ServiceResource has no load method");
  awsc_resource_free(s);
  awsc_resource_free(t2);
  awsc_resource_free(t);
  awsc_client_free(c);
}

static const fake_reply created[] = {
    {200, "<CreateTopicResponse xmlns=\"" SNS_NS "\"><CreateTopicResult>"
          "<TopicArn>" ARN "</TopicArn></CreateTopicResult>"
          "<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>"
          "</CreateTopicResponse>"}};

static void test_action_returns_resource(void) {
  awsc_client *c = fake_client("sns");
  CHECK(c != NULL);
  if (!c)
    return;
  awsc_error err = AWSC_ERROR_INIT;
  awsc_resource *sns = NULL;
  CHECK_INT(awsc_resource_service(&sns, c, &err), 0);
  fake_reset(created, 1);
  awsc_resource **res = NULL;
  size_t n = 0;
  CHECK_INT(awsc_resource_action_json(NULL, &res, &n, sns, "create_topic",
                                      "{\"Name\":\"dept-sales\"}", &err),
            0);
  CHECK(strstr(fake_body(0), "Action=CreateTopic") != NULL);
  CHECK(strstr(fake_body(0), "Name=dept-sales") != NULL);
  CHECK_INT(n, 1);
  if (n == 1) {
    CHECK_STR(awsc_resource_type(res[0]), "Topic");
    char *ids = NULL;
    CHECK_INT(awsc_resource_identifiers_json(&ids, res[0], &err), 0);
    CHECK_STR(ids, "{\"Arn\":\"" ARN "\"}");
    awsc_mem_free(ids);
  }
  awsc_resource_array_free(res, n);
  /* validation of the parameters happens before anything is sent */
  fake_reset(NULL, 0);
  CHECK_INT(awsc_resource_action_json(NULL, &res, &n, sns, "CreateTopic",
                                      "{\"Nom\":\"x\"}", &err),
            AWSC_EVALIDATION);
  CHECK(res == NULL && n == 0);
  CHECK_INT(fake_sends(), 0);
  awsc_resource_free(sns);
  awsc_client_free(c);
}

static void test_sqs_messages(void) {
  awsc_client *c = fake_client("sqs");
  CHECK(c != NULL);
  if (!c)
    return;
  awsc_error err = AWSC_ERROR_INIT;
  awsc_sqs_queue *q = NULL;
  CHECK_INT(awsc_sqs_queue_new(&q, c, "http://sqs.test/1/q", &err), 0);
  CHECK_STR(awsc_sqs_queue_url(q), "http://sqs.test/1/q");
  const fake_reply recv[] = {
      {200,
       "{\"Messages\":[{\"MessageId\":\"m1\",\"ReceiptHandle\":\"rh1\","
       "\"Body\":\"one\",\"MD5OfBody\":\"f97c5d29941bfb1b2fdab0874906ab82\"},"
       "{\"MessageId\":\"m2\",\"ReceiptHandle\":\"rh2\",\"Body\":\"two\","
       "\"MD5OfBody\":\"b8a9f715dbb64fd5c56e7783c6820a61\"}]}"},
      {200, "{}"}};
  fake_reset(recv, 2);
  awsc_resource **msgs = NULL;
  size_t n = 0;
  /* typed: the generated request struct, QueueUrl bound by the handle */
  awsc_sqs_ReceiveMessageRequest in;
  memset(&in, 0, sizeof in);
  in.max_number_of_messages = 2;
  in.has_max_number_of_messages = true;
  awsc_sqs_ReceiveMessageResult *out = NULL;
  int rc = awsc_sqs_queue_receive_messages(&out, &msgs, &n, q, &in, &err);
  CHECK_INT(rc, 0);
  if (rc)
    fprintf(stderr, "  %s\n", err.message);
  CHECK_INT(n, 2);
  CHECK(out && out->messages_count == 2);
  CHECK(strstr(fake_body(0), "\"MaxNumberOfMessages\": 2") != NULL);
  CHECK(strstr(fake_body(0), "\"QueueUrl\": \"http://sqs.test/1/q\"") != NULL);
  awsc_mem_free(out);
  if (n == 2) {
    awsc_sqs_message *m = (awsc_sqs_message *)msgs[1];
    CHECK_STR(awsc_sqs_message_queue_url(m), "http://sqs.test/1/q");
    CHECK_STR(awsc_sqs_message_receipt_handle(m), "rh2");
    char *data = NULL;
    CHECK_INT(awsc_resource_attributes_json(&data, msgs[1], &err), 0);
    CHECK(data && strstr(data, "\"Body\":\"two\"") != NULL);
    awsc_mem_free(data);
    /* message.delete(): both identifiers bound */
    CHECK_INT(awsc_sqs_message_delete(NULL, NULL, NULL, m, NULL, &err), 0);
    CHECK(strstr(fake_body(1), "\"QueueUrl\": \"http://sqs.test/1/q\"") !=
          NULL);
    CHECK(strstr(fake_body(1), "\"ReceiptHandle\": \"rh2\"") != NULL);
  }
  awsc_resource_array_free(msgs, n);
  awsc_sqs_queue_free(q);
  awsc_client_free(c);
}

static void test_references(void) {
  awsc_client *c = fake_client("s3");
  CHECK(c != NULL);
  if (!c)
    return;
  awsc_error err = AWSC_ERROR_INIT;
  awsc_s3_object *o = NULL;
  CHECK_INT(awsc_s3_object_new(&o, c, "bkt", "k.txt", &err), 0);
  awsc_s3_bucket *b = NULL;
  awsc_s3_object_acl *acl = NULL;
  fake_reset(NULL, 0);
  CHECK_INT(awsc_s3_object_ref_bucket(&b, o, NULL, &err), 0);
  CHECK_STR(awsc_s3_bucket_name(b), "bkt");
  CHECK_INT(awsc_s3_object_ref_acl(&acl, o, NULL, &err), 0);
  CHECK_STR(awsc_s3_object_acl_bucket_name(acl), "bkt");
  CHECK_STR(awsc_s3_object_acl_object_key(acl), "k.txt");
  CHECK_INT(fake_sends(), 0); /* references send nothing */
  /* bucket.Object(key): the key is the caller's */
  awsc_resource *o2 = NULL;
  CHECK_INT(awsc_resource_reference(&o2, awsc_s3_bucket_as_resource(b),
                                    "Object", "{\"Key\":\"z\"}", &err),
            0);
  char *ids = NULL;
  CHECK_INT(awsc_resource_identifiers_json(&ids, o2, &err), 0);
  CHECK_STR(ids, "{\"BucketName\":\"bkt\",\"Key\":\"z\"}");
  awsc_mem_free(ids);
  awsc_resource *o3 = NULL;
  CHECK_INT(awsc_resource_reference(&o3, awsc_s3_bucket_as_resource(b),
                                    "Object", NULL, &err),
            AWSC_EVALIDATION);
  CHECK(o3 == NULL);
  /* object_acl.put(ACL=public-read) */
  const fake_reply ok[] = {{200, NULL}};
  fake_reset(ok, 1);
  awsc_s3_PutObjectAclRequest put;
  memset(&put, 0, sizeof put);
  put.acl = "public-read";
  CHECK_INT(awsc_s3_object_acl_put(NULL, NULL, NULL, acl, &put, &err), 0);
  CHECK_STR(fake_method(0), "PUT");
  CHECK(strstr(fake_url(0), "k.txt?acl") != NULL);
  awsc_resource_free(o2);
  awsc_s3_object_acl_free(acl);
  awsc_s3_bucket_free(b);
  awsc_s3_object_free(o);
  awsc_client_free(c);
}

static void test_collection_pages(void) {
  awsc_client *c = fake_client("s3");
  CHECK(c != NULL);
  if (!c)
    return;
  awsc_error err = AWSC_ERROR_INIT;
  char *p1 = listing(0, 2, 1), *p2 = listing(2, 2, 1), *p3 = listing(4, 2, 0);
  const fake_reply pages[] = {{200, p1}, {200, p2}, {200, p3}};
  awsc_s3_bucket *b = NULL;
  CHECK_INT(awsc_s3_bucket_new(&b, c, "bkt", &err), 0);
  /* bucket.objects.filter(Prefix="k").page_size(2).limit(5) */
  fake_reset(pages, 3);
  awsc_collection_options opts = AWSC_COLLECTION_OPTIONS_INIT;
  opts.limit = 5;
  opts.page_size = 2;
  awsc_resource_collection *col = NULL;
  CHECK_INT(awsc_s3_bucket_objects(&col, b, "{\"Prefix\":\"k\"}", &opts, &err),
            0);
  CHECK_INT(fake_sends(), 0); /* lazy */
  int n = 0;
  int64_t live_page1 = 0;
  for (;;) {
    awsc_resource *it = NULL;
    int rc = awsc_resource_collection_next(&it, col, &err);
    CHECK_INT(rc, 0);
    if (rc || !it)
      break;
    char want[16];
    snprintf(want, sizeof want, "k%05d", n);
    CHECK_STR(awsc_resource_type(it), "ObjectSummary");
    CHECK_STR(awsc_s3_object_summary_key((awsc_s3_object_summary *)it), want);
    /* data from the listing, no load */
    char *data = NULL;
    CHECK_INT(awsc_resource_attributes_json(&data, it, &err), 0);
    CHECK(data && strstr(data, "\"Size\":") != NULL);
    awsc_mem_free(data);
    /* the same data as the shape's generated struct (awsc_s3_Object) */
    const awsc_s3_Object *so =
        awsc_s3_object_summary_data((awsc_s3_object_summary *)it, &err);
    CHECK(so && so->key && strcmp(so->key, want) == 0);
    CHECK(so && so->has_size && so->size == n);
    awsc_resource_free(it);
    /* one page alive at a time: the same blocks on page 3 as on page 1 */
    if (n == 0)
      live_page1 = test_alloc_live();
    if (n == 4)
      CHECK(test_alloc_live() <= live_page1 + 2);
    n++;
  }
  CHECK_INT(n, 5);
  CHECK_INT(fake_sends(), 3);
  CHECK(strstr(fake_url(0), "max-keys=2") != NULL);
  CHECK(strstr(fake_url(0), "prefix=k") != NULL);
  /* the model's ListObjects pages by marker (the last key) */
  CHECK(strstr(fake_url(1), "marker=k00001") != NULL);
  awsc_resource_collection_free(col);
  /* handles share their page: kept past the next pages and past the
   * collection, each still has its identifiers and data */
  fake_reset(pages, 3);
  CHECK_INT(awsc_s3_bucket_objects(&col, b, NULL, NULL, &err), 0);
  awsc_resource *kept[6] = {NULL};
  int nk = 0;
  while (nk < 6 && awsc_resource_collection_next(&kept[nk], col, &err) == 0 &&
         kept[nk])
    nk++;
  CHECK_INT(nk, 6);
  awsc_resource_collection_free(col);
  for (int i = nk - 1; i >= 0; i--) { /* page 3 first, page 1 last */
    char want[16];
    snprintf(want, sizeof want, "k%05d", i);
    awsc_s3_object_summary *s = (awsc_s3_object_summary *)kept[i];
    CHECK_STR(awsc_s3_object_summary_key(s), want);
    const awsc_s3_Object *so = awsc_s3_object_summary_data(s, &err);
    CHECK(so && so->key && strcmp(so->key, want) == 0 && so->size == i);
    if (i % 2 == 0) { /* a page goes with its last handle */
      awsc_resource_free(kept[i + 1]);
      awsc_resource_free(kept[i]);
    }
  }
  /* pages(): the raw page JSON */
  fake_reset(pages, 3);
  CHECK_INT(awsc_resource_collection_new(&col, awsc_s3_bucket_as_resource(b),
                                         "objects", NULL, NULL, &err),
            0);
  int np = 0;
  char *page = NULL;
  while (awsc_resource_collection_next_page_json(&page, col, &err) == 0 &&
         page) {
    CHECK(strstr(page, "\"Contents\":[") != NULL);
    awsc_mem_free(page);
    np++;
  }
  CHECK_INT(np, 3);
  awsc_resource_collection_free(col);
  /* bad options */
  opts.version = 0;
  CHECK_INT(awsc_s3_bucket_objects(&col, b, NULL, &opts, &err), AWSC_EINVAL);
  CHECK(col == NULL);
  /* buckets.all() from the service resource, not paginated in one call */
  awsc_resource *s3 = NULL;
  CHECK_INT(awsc_resource_service(&s3, c, &err), 0);
  const fake_reply lb[] = {
      {200, "<ListAllMyBucketsResult xmlns=\"" S3_NS "\"><Buckets>"
            "<Bucket><Name>one</Name>"
            "<CreationDate>2024-01-01T00:00:00.000Z</CreationDate></Bucket>"
            "<Bucket><Name>two</Name>"
            "<CreationDate>2024-01-02T00:00:00.000Z</CreationDate></Bucket>"
            "</Buckets></ListAllMyBucketsResult>"}};
  fake_reset(lb, 1);
  CHECK_INT(awsc_resource_collection_new(&col, s3, "Buckets", NULL, NULL, &err),
            0);
  awsc_resource *it = NULL;
  const char *names[] = {"one", "two"};
  for (int i = 0; i < 2; i++) {
    CHECK_INT(awsc_resource_collection_next(&it, col, &err), 0);
    CHECK(it != NULL);
    if (it)
      CHECK_STR(awsc_s3_bucket_name((awsc_s3_bucket *)it), names[i]);
    awsc_resource_free(it);
  }
  CHECK_INT(awsc_resource_collection_next(&it, col, &err), 0);
  CHECK(it == NULL);
  CHECK_INT(awsc_resource_collection_next(&it, col, &err), 0);
  CHECK(it == NULL);
  CHECK_INT(fake_sends(), 1);
  awsc_resource_collection_free(col);
  awsc_resource_free(s3);
  awsc_s3_bucket_free(b);
  free(p1);
  free(p2);
  free(p3);
  awsc_client_free(c);
}

static void test_batch_delete(void) {
  awsc_client *c = fake_client("s3");
  CHECK(c != NULL);
  if (!c)
    return;
  awsc_error err = AWSC_ERROR_INIT;
  char *p1 = listing(0, 1000, 1), *p2 = listing(1000, 1000, 1),
       *p3 = listing(2000, 500, 0);
  const char *deleted = "<DeleteResult xmlns=\"" S3_NS "\"></DeleteResult>";
  const fake_reply replies[] = {{200, p1},      {200, deleted}, {200, p2},
                                {200, deleted}, {200, p3},      {200, deleted}};
  fake_reset(replies, 6);
  awsc_resource *b = NULL;
  CHECK_INT(awsc_resource_new(&b, c, "Bucket", "{\"Name\":\"bkt\"}", &err), 0);
  char *json = NULL;
  size_t nreq = 0;
  int rc = awsc_resource_batch_action_json(&json, &nreq, b, "objects",
                                           "{\"Prefix\":\"k\"}", NULL, "delete",
                                           NULL, &err);
  CHECK_INT(rc, 0);
  if (rc)
    fprintf(stderr, "  %s\n", err.message);
  CHECK_INT(nreq, 3);
  CHECK_INT(fake_sends(), 6);
  const int want[] = {1000, 1000, 500};
  for (int i = 0; i < 3; i++) {
    CHECK_STR(fake_method(2 * i + 1), "POST");
    CHECK(strstr(fake_url(2 * i + 1), "?delete") != NULL);
    CHECK_INT(count(fake_body(2 * i + 1), "<Key>"), want[i]);
  }
  CHECK(strstr(fake_body(5), "<Key>k02499</Key>") != NULL);
  CHECK(json && json[0] == '[' && count(json, "ResponseMetadata") == 3);
  awsc_mem_free(json);
  CHECK_INT(awsc_resource_batch_action_json(NULL, NULL, b, "objects", NULL,
                                            NULL, "explode", NULL, &err),
            AWSC_ENOTFOUND);
  /* the typed form: bucket.objects.filter(Prefix="k").page_size(2).delete() */
  char *q1 = listing(0, 2, 1), *q2 = listing(2, 1, 0);
  const fake_reply small[] = {
      {200, q1}, {200, deleted}, {200, q2}, {200, deleted}};
  fake_reset(small, 4);
  awsc_collection_options opts = AWSC_COLLECTION_OPTIONS_INIT;
  opts.page_size = 2;
  nreq = 0;
  CHECK_INT(awsc_s3_bucket_objects_delete(NULL, &nreq, (awsc_s3_bucket *)b,
                                          "{\"Prefix\":\"k\"}", &opts, NULL,
                                          &err),
            0);
  CHECK_INT(nreq, 2);
  CHECK(strstr(fake_url(0), "max-keys=2") != NULL);
  CHECK_INT(count(fake_body(1), "<Key>"), 2);
  CHECK_INT(count(fake_body(3), "<Key>"), 1);
  free(q1);
  free(q2);
  awsc_resource_free(b);
  free(p1);
  free(p2);
  free(p3);
  awsc_client_free(c);
}

static void test_waiter(void) {
  awsc_client *c = fake_client("s3");
  CHECK(c != NULL);
  if (!c)
    return;
  awsc_error err = AWSC_ERROR_INIT;
  awsc_s3_bucket *b = NULL;
  CHECK_INT(awsc_s3_bucket_new(&b, c, "bkt", &err), 0);
  const fake_reply replies[] = {{404, NULL}, {200, NULL}};
  fake_reset(replies, 2);
  CHECK_INT(awsc_s3_bucket_wait_until_exists(b, NULL, NULL, &err), 0);
  CHECK_INT(fake_sends(), 2);
  CHECK_STR(fake_method(0), "HEAD");
  CHECK(strstr(fake_url(0), "bkt") != NULL);
  fake_reset(replies, 1);
  awsc_waiter_config wc = AWSC_WAITER_CONFIG_INIT;
  wc.max_attempts = 1;
  CHECK_INT(awsc_resource_wait(awsc_s3_bucket_as_resource(b),
                               "wait_until_exists", NULL, &wc, &err),
            AWSC_ETIMEOUT);
  CHECK_INT(awsc_resource_wait(awsc_s3_bucket_as_resource(b), "Vanishes", NULL,
                               NULL, &err),
            AWSC_ENOTFOUND);
  awsc_s3_bucket_free(b);
  awsc_client_free(c);
}

/* The typed and the generic face send the same bytes. */
static void test_typed_equals_generic(void) {
  awsc_client *c = fake_client("sns");
  CHECK(c != NULL);
  if (!c)
    return;
  awsc_error err = AWSC_ERROR_INIT;
  const char *params = "{\"Message\":\"hello\",\"Subject\":\"s\"}";
  const fake_reply ok[] = {
      {200, "<PublishResponse xmlns=\"" SNS_NS "\"><PublishResult>"
            "<MessageId>m</MessageId></PublishResult></PublishResponse>"},
      {200, "<PublishResponse xmlns=\"" SNS_NS "\"><PublishResult>"
            "<MessageId>m</MessageId></PublishResult></PublishResponse>"}};
  fake_reset(ok, 2);
  awsc_sns_topic *t = NULL;
  awsc_resource *g = NULL;
  CHECK_INT(awsc_sns_topic_new(&t, c, ARN, &err), 0);
  CHECK_INT(awsc_resource_new(&g, c, "Topic", "{\"Arn\":\"" ARN "\"}", &err),
            0);
  awsc_sns_PublishInput pin;
  memset(&pin, 0, sizeof pin);
  pin.message = "hello";
  pin.subject = "s";
  awsc_sns_PublishResponse *out = NULL;
  char *j2 = NULL;
  CHECK_INT(awsc_sns_topic_publish(&out, NULL, NULL, t, &pin, &err), 0);
  CHECK_INT(
      awsc_resource_action_json(&j2, NULL, NULL, g, "Publish", params, &err),
      0);
  CHECK_INT(fake_sends(), 2);
  CHECK_STR(fake_body(0), fake_body(1));
  CHECK_STR(fake_url(0), fake_url(1));
  CHECK(strstr(fake_body(0), "Message=hello") != NULL);
  CHECK(out && out->message_id && strcmp(out->message_id, "m") == 0);
  CHECK(j2 && strstr(j2, "\"MessageId\":\"m\"") != NULL);
  awsc_mem_free(out);
  awsc_mem_free(j2);
  /* the JSON form of the typed header sends the same too */
  fake_reset(ok, 1);
  CHECK_INT(awsc_sns_topic_publish_json(NULL, NULL, NULL, t, params, &err), 0);
  CHECK(strstr(fake_body(0), "Message=hello") != NULL);
  /* typed create_topic returns the Topic as the generic form does */
  awsc_sns_service_resource *svc = NULL;
  CHECK_INT(awsc_sns_service_resource_new(&svc, c, &err), 0);
  fake_reset(created, 1);
  awsc_sns_CreateTopicInput cin;
  memset(&cin, 0, sizeof cin);
  cin.name = "dept-sales";
  awsc_resource **res = NULL;
  size_t n = 0;
  awsc_sns_CreateTopicResponse *cout = NULL;
  CHECK_INT(
      awsc_sns_service_resource_create_topic(&cout, &res, &n, svc, &cin, &err),
      0);
  CHECK(cout && cout->topic_arn && strcmp(cout->topic_arn, ARN) == 0);
  CHECK_INT(n, 1);
  if (n == 1)
    CHECK_STR(awsc_sns_topic_arn((awsc_sns_topic *)res[0]), ARN);
  awsc_resource_array_free(res, n);
  awsc_mem_free(cout);
  awsc_sns_service_resource_free(svc);
  CHECK_STR(awsc_sns_topic_arn(t), ARN);
  /* a typed constructor of one service with another's client */
  awsc_s3_bucket *wrong = NULL;
  CHECK_INT(awsc_s3_bucket_new(&wrong, c, "b", &err), AWSC_EINVAL);
  CHECK(wrong == NULL);
  awsc_resource_free(g);
  awsc_sns_topic_free(t);
  awsc_client_free(c);
}

/* boto3's S3 injections through lib/transfer, bucket and key from the
 * handle. */
static void test_s3_conveniences(void) {
  awsc_client *c = fake_client("s3");
  CHECK(c != NULL);
  if (!c)
    return;
  awsc_error err = AWSC_ERROR_INIT;
  char path[] = "/tmp/awsc_res_XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  if (fd < 0) {
    awsc_client_free(c);
    return;
  }
  CHECK_INT(write(fd, "hello", 5), 5);
  close(fd);
  awsc_s3_object *o = NULL;
  awsc_s3_bucket *b = NULL;
  CHECK_INT(awsc_s3_object_new(&o, c, "bkt", "dir/up.txt", &err), 0);
  CHECK_INT(awsc_s3_bucket_new(&b, c, "bkt", &err), 0);
  const fake_reply ok[] = {{200, NULL}, {200, NULL}};
  fake_reset(ok, 2);
  awsc_s3_transfer_result res;
  int rc = awsc_s3_object_upload_file(&res, o, path, NULL, NULL, &err);
  CHECK_INT(rc, 0);
  if (rc)
    fprintf(stderr, "  %s\n", err.message);
  CHECK_STR(fake_method(0), "PUT");
  CHECK(strstr(fake_url(0), "bkt") && strstr(fake_url(0), "dir/up.txt"));
  CHECK(res.size == 5 && res.parts == 0); /* one PutObject of the file */
  CHECK_INT(
      awsc_s3_bucket_upload_file(&res, b, path, "other.txt", NULL, NULL, &err),
      0);
  CHECK(strstr(fake_url(1), "other.txt") != NULL);
  CHECK_INT(awsc_s3_object_upload_file(&res, NULL, path, NULL, NULL, &err),
            AWSC_EINVAL);
  unlink(path);
  awsc_s3_bucket_free(b);
  awsc_s3_object_free(o);
  awsc_client_free(c);
}

/* bucket.object_versions: one ListObjectVersions page holds versions and
 * delete markers; the collection yields both ("[Versions,DeleteMarkers]|[]"),
 * each an ObjectVersion by bucket, key and version id. */
static void test_object_versions(void) {
  awsc_client *c = fake_client("s3");
  CHECK(c != NULL);
  if (!c)
    return;
  awsc_error err = AWSC_ERROR_INIT;
  const fake_reply page[] = {
      {200, "<ListVersionsResult xmlns=\"" S3_NS "\">"
            "<Name>bkt</Name><IsTruncated>false</IsTruncated>"
            "<Version><Key>a</Key><VersionId>v1</VersionId>"
            "<IsLatest>true</IsLatest><Size>3</Size></Version>"
            "<Version><Key>a</Key><VersionId>v0</VersionId>"
            "<IsLatest>false</IsLatest><Size>2</Size></Version>"
            "<DeleteMarker><Key>b</Key><VersionId>d1</VersionId>"
            "<IsLatest>true</IsLatest></DeleteMarker>"
            "</ListVersionsResult>"}};
  fake_reset(page, 1);
  awsc_s3_bucket *b = NULL;
  CHECK_INT(awsc_s3_bucket_new(&b, c, "bkt", &err), 0);
  awsc_resource_collection *col = NULL;
  CHECK_INT(awsc_s3_bucket_object_versions(&col, b, NULL, NULL, &err), 0);
  const char *want[][2] = {{"a", "v1"}, {"a", "v0"}, {"b", "d1"}};
  int n = 0;
  for (;;) {
    awsc_resource *it = NULL;
    int rc = awsc_resource_collection_next(&it, col, &err);
    CHECK_INT(rc, 0);
    if (rc) {
      fprintf(stderr, "  %s\n", err.message);
      break;
    }
    if (!it)
      break;
    CHECK_STR(awsc_resource_type(it), "ObjectVersion");
    awsc_s3_object_version *v = (awsc_s3_object_version *)it;
    if (n < 3) {
      CHECK_STR(awsc_s3_object_version_object_key(v), want[n][0]);
      CHECK_STR(awsc_s3_object_version_id(v), want[n][1]);
    }
    n++;
    awsc_resource_free(it);
  }
  CHECK_INT(n, 3);
  CHECK(strstr(fake_url(0), "versions") != NULL);
  awsc_resource_collection_free(col);
  awsc_s3_bucket_free(b);
  awsc_client_free(c);
}

/* The loads boto3 injects: Bucket by its ListBuckets entry ({} when not
 * listed), ObjectSummary by HeadObject with ContentLength as Size. */
static void test_injected_loads(void) {
  awsc_client *c = fake_client("s3");
  CHECK(c != NULL);
  if (!c)
    return;
  awsc_error err = AWSC_ERROR_INIT;
  const fake_reply buckets[] = {
      {200, "<ListAllMyBucketsResult xmlns=\"" S3_NS "\"><Buckets>"
            "<Bucket><Name>other</Name>"
            "<CreationDate>2020-01-01T00:00:00.000Z</CreationDate></Bucket>"
            "<Bucket><Name>bkt</Name>"
            "<CreationDate>2021-02-03T04:05:06.000Z</CreationDate></Bucket>"
            "</Buckets></ListAllMyBucketsResult>"},
      {200, "<ListAllMyBucketsResult xmlns=\"" S3_NS "\"><Buckets>"
            "</Buckets></ListAllMyBucketsResult>"}};
  fake_reset(buckets, 2);
  awsc_s3_bucket *b = NULL, *gone = NULL;
  CHECK_INT(awsc_s3_bucket_new(&b, c, "bkt", &err), 0);
  CHECK_INT(awsc_s3_bucket_new(&gone, c, "gone", &err), 0);
  const awsc_s3_Bucket *bd = awsc_s3_bucket_data(b, &err);
  CHECK(bd != NULL);
  CHECK(bd && bd->name && strcmp(bd->name, "bkt") == 0);
  CHECK(bd && bd->has_creation_date);
  CHECK_STR(fake_method(0), "GET");
  char *json = NULL;
  CHECK_INT(awsc_resource_attributes_json(&json, (awsc_resource *)gone, &err),
            0);
  CHECK_STR(json, "{}");
  awsc_mem_free(json);
  CHECK_INT(fake_sends(), 2);

  const fake_reply head[] = {{200, NULL}};
  const fake_stream etag[] = {{"\"e9\"", 0}};
  fake_reset(head, 1);
  fake_streams(etag, 1);
  awsc_resource *sum = NULL;
  CHECK_INT(awsc_resource_new(&sum, c, "ObjectSummary",
                              "{\"BucketName\":\"bkt\",\"Key\":\"k\"}", &err),
            0);
  CHECK_INT(awsc_resource_load(sum, &err), 0);
  CHECK_STR(fake_method(0), "HEAD");
  CHECK(strstr(fake_url(0), "/bkt/k") != NULL);
  json = NULL;
  CHECK_INT(awsc_resource_attributes_json(&json, sum, &err), 0);
  CHECK(json && strstr(json, "\"ETag\":\"\\\"e9\\\"\"") != NULL);
  CHECK(json && !strstr(json, "ContentLength"));
  awsc_mem_free(json);
  awsc_resource_free(sum);
  awsc_s3_bucket_free(gone);
  awsc_s3_bucket_free(b);
  awsc_client_free(c);
}

/* What a write callback collected. */
typedef struct collect {
  char buf[64];
  size_t len;
} collect;

static int collect_write(const void *data, size_t len, void *ud) {
  collect *c = ud;
  if (c->len + len > sizeof(c->buf))
    return AWSC_EIO;
  memcpy(c->buf + c->len, data, len);
  c->len += len;
  return 0;
}

typedef struct reader {
  const char *data;
  size_t len, pos;
} reader;

static int64_t reader_read(void *buf, size_t size, void *ud) {
  reader *r = ud;
  size_t n = r->len - r->pos < size ? r->len - r->pos : size;
  memcpy(buf, r->data + r->pos, n);
  r->pos += n;
  return (int64_t)n;
}

/* Object.get with a streaming body (get_to), download_fileobj and
 * upload_fileobj: a body that breaks off is retried and the callback
 * still gets every byte once, in order; a retry that finds another object
 * (another ETag) fails instead of joining the two. */
static void test_s3_streaming(void) {
  awsc_client *c = fake_client("s3");
  CHECK(c != NULL);
  if (!c)
    return;
  awsc_error err = AWSC_ERROR_INIT;
  awsc_s3_object *o = NULL;
  awsc_s3_bucket *b = NULL;
  CHECK_INT(awsc_s3_object_new(&o, c, "bkt", "data.csv", &err), 0);
  CHECK_INT(awsc_s3_bucket_new(&b, c, "bkt", &err), 0);
  const char *body = "a,b\n1,2\n3,4\n";
  const fake_reply broken[] = {{200, body}, {200, body}, {200, body}};
  const fake_stream cuts[] = {{"\"e1\"", 5}, {"\"e1\"", 9}, {"\"e1\"", 0}};
  fake_reset(broken, 3);
  fake_streams(cuts, 3);
  collect got = {{0}, 0};
  awsc_body_sink sink = {AWSC_SINK_CALLBACK, NULL, collect_write, &got};
  awsc_s3_GetObjectOutput *out = NULL;
  int rc = awsc_s3_object_get_to(&out, o, NULL, &sink, &err);
  CHECK_INT(rc, 0);
  if (rc)
    fprintf(stderr, "  %s\n", err.message);
  CHECK_INT(fake_sends(), 3);
  CHECK_INT((int)got.len, (int)strlen(body));
  CHECK(got.len == strlen(body) && memcmp(got.buf, body, got.len) == 0);
  CHECK(out != NULL && out->e_tag && strcmp(out->e_tag, "\"e1\"") == 0);
  CHECK(strstr(fake_url(0), "/bkt/data.csv") != NULL);
  awsc_mem_free(out);

  const fake_reply changed[] = {{200, body}, {200, "other bytes"}};
  const fake_stream other[] = {{"\"e1\"", 4}, {"\"e2\"", 0}};
  fake_reset(changed, 2);
  fake_streams(other, 2);
  got.len = 0;
  rc =
      awsc_s3_object_download_fileobj(NULL, o, collect_write, &got, NULL, &err);
  CHECK_INT(rc, AWSC_ECHECKSUM);
  CHECK(strstr(err.message, "changed") != NULL);
  CHECK_INT((int)got.len, 4); /* what came before the break, nothing else */

  const fake_reply whole[] = {{200, body}};
  fake_reset(whole, 1);
  got.len = 0;
  CHECK_INT(awsc_s3_bucket_download_fileobj(NULL, b, "k2", collect_write, &got,
                                            NULL, &err),
            0);
  CHECK(strstr(fake_url(0), "/bkt/k2") != NULL);
  CHECK(got.len == strlen(body));
  CHECK_INT(awsc_s3_object_get_to(NULL, o, NULL, NULL, &err), AWSC_EINVAL);
  CHECK_INT(awsc_s3_object_download_fileobj(NULL, o, NULL, NULL, NULL, &err),
            AWSC_EINVAL);

  const fake_reply ok[] = {{200, NULL}, {200, NULL}};
  fake_reset(ok, 2);
  reader rd = {"fileobj!", 8, 0};
  awsc_s3_transfer_result res;
  rc = awsc_s3_object_upload_fileobj(&res, o, reader_read, &rd, 8, NULL, NULL,
                                     &err);
  CHECK_INT(rc, 0);
  CHECK_STR(fake_method(0), "PUT");
  CHECK(res.size == 8);
  rd.pos = 0;
  CHECK_INT(awsc_s3_bucket_upload_fileobj(&res, b, reader_read, &rd, 8, "up2",
                                          NULL, NULL, &err),
            0);
  CHECK(strstr(fake_url(1), "/bkt/up2") != NULL);
  awsc_s3_bucket_free(b);
  awsc_s3_object_free(o);
  awsc_client_free(c);
}

/* One lifecycle: handle, load, action, reference, collection over two
 * pages. Returns the first failure. */
static int lifecycle(awsc_client *s3, awsc_client *sns, const char *p1,
                     const char *p2) {
  awsc_error err = AWSC_ERROR_INIT;
  const fake_reply replies[] = {created[0], {200, p1}, {200, p2}};
  fake_reset(replies, 3);
  awsc_resource *svc = NULL, *b = NULL, *o = NULL, *it = NULL;
  awsc_resource **res = NULL;
  size_t n = 0;
  awsc_resource_collection *col = NULL;
  char *json = NULL;
  int rc = awsc_resource_service(&svc, sns, &err);
  if (!rc)
    rc = awsc_resource_action_json(&json, &res, &n, svc, "CreateTopic",
                                   "{\"Name\":\"dept-sales\"}", &err);
  if (!rc)
    rc = awsc_resource_new(&b, s3, "Bucket", "{\"Name\":\"bkt\"}", &err);
  if (!rc)
    rc = awsc_resource_reference(&o, b, "Object", "{\"Key\":\"k\"}", &err);
  if (!rc)
    rc = awsc_resource_collection_new(&col, b, "Objects", NULL, NULL, &err);
  while (!rc) {
    rc = awsc_resource_collection_next(&it, col, &err);
    if (rc || !it)
      break;
    char *ids = NULL;
    rc = awsc_resource_identifiers_json(&ids, it, &err);
    awsc_mem_free(ids);
    if (!rc && !awsc_s3_object_summary_data((awsc_s3_object_summary *)it, &err))
      rc = err.code;
    awsc_resource_free(it);
    it = NULL;
  }
  awsc_resource_collection_free(col);
  awsc_resource_free(o);
  awsc_resource_free(b);
  awsc_resource_array_free(res, n);
  awsc_mem_free(json);
  awsc_resource_free(svc);
  return rc;
}

static void test_alloc_failures(void) {
  awsc_client *s3 = fake_client("s3");
  awsc_client *sns = fake_client("sns");
  CHECK(s3 && sns);
  char *p1 = listing(0, 3, 1), *p2 = listing(3, 3, 0);
  if (s3 && sns) {
    CHECK_INT(lifecycle(s3, sns, p1, p2), 0);
    int64_t base = test_alloc_live();
    int failures = 0;
    uint64_t k;
    for (k = 1; k < 100000; k++) {
      test_alloc_fail_at(k);
      int rc = lifecycle(s3, sns, p1, p2);
      int fired = test_alloc_failure_fired();
      test_alloc_fail_at(0);
      /* the transport's own allocations come back as other errors */
      if (fired && rc == 0)
        failures++; /* tolerated: a retried or optional allocation */
      if (!fired) {
        CHECK_INT(rc, 0);
        break;
      }
      CHECK(rc != 0 || fired);
      if (test_alloc_live() != base) {
        fprintf(stderr, "leak after failing allocation %llu: %lld blocks\n",
                (unsigned long long)k, (long long)(test_alloc_live() - base));
        CHECK(0);
        break;
      }
    }
    (void)failures;
    /* the loop walked every allocation of the lifecycle (about 70) */
    CHECK(k > 50);
    fprintf(stderr, "alloc-failure loop: %llu allocations failed in turn\n",
            (unsigned long long)(k - 1));
  }
  free(p1);
  free(p2);
  awsc_client_free(s3);
  awsc_client_free(sns);
}

int main(void) {
  test_alloc_install();
  RUN(test_identifiers_into_requests);
  RUN(test_load_and_attributes);
  RUN(test_action_returns_resource);
  RUN(test_sqs_messages);
  RUN(test_references);
  RUN(test_collection_pages);
  RUN(test_batch_delete);
  RUN(test_waiter);
  RUN(test_typed_equals_generic);
  RUN(test_s3_conveniences);
  RUN(test_s3_streaming);
  RUN(test_object_versions);
  RUN(test_injected_loads);
  RUN(test_alloc_failures);
  fake_cleanup();
  return test_summary();
}
