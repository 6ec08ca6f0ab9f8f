/*
 * sqs_queue - a work queue from start to end:
 *   sqs_queue QUEUE_NAME [WAIT_SECONDS]
 * creates the queue (visibility timeout 30 s), finds its URL by name,
 * sends one job with message attributes and a batch of three, reads them
 * back with long polling (WaitTimeSeconds, default 2), hands one back to
 * the queue at once (visibility timeout 0) and takes it again, deletes one
 * message alone and the others in a batch, checks the queue is empty
 * (ApproximateNumberOfMessages) and deletes the queue. SQS's MD5 digests
 * of bodies and attributes are checked by the library on every send and
 * receive.
 */
#include "example.h"

#include <awsc/sqs.h>

#define MAX_SEEN 16

static int queue_count(awsc_client *sqs, const char *url, long *n) {
  const char *names[] = {"ApproximateNumberOfMessages",
                         "ApproximateNumberOfMessagesNotVisible"};
  awsc_sqs_GetQueueAttributesRequest in = {0};
  in.queue_url = url;
  in.attribute_names = names;
  in.attribute_names_count = 2;
  awsc_sqs_GetQueueAttributesResult *out = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  if (awsc_sqs_get_queue_attributes(&out, sqs, &in, &err) != 0)
    return example_fail("get_queue_attributes", &err);
  *n = 0;
  for (size_t i = 0; i < out->attributes_count; i++)
    *n += atol(out->attributes[i].value);
  awsc_mem_free(out);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s QUEUE_NAME [WAIT_SECONDS]\n", argv[0]);
    return 2;
  }
  int wait = argc > 2 ? atoi(argv[2]) : 2;
  awsc_session *session;
  awsc_client *sqs;
  if (example_client("sqs", &session, &sqs))
    return 1;
  awsc_error err = AWSC_ERROR_INIT;
  int status = 0;

  awsc_sqs_QueueAttributeMap_Entry qattr = {"VisibilityTimeout", "30"};
  awsc_sqs_CreateQueueRequest cq = {0};
  cq.queue_name = argv[1];
  cq.attributes = &qattr;
  cq.attributes_count = 1;
  awsc_sqs_CreateQueueResult *created = NULL;
  if (awsc_sqs_create_queue(&created, sqs, &cq, &err) != 0) {
    example_cleanup(session, sqs);
    return example_fail("create_queue", &err);
  }
  printf("created %s\n", created->queue_url);
  awsc_mem_free(created);

  awsc_sqs_GetQueueUrlRequest gu = {0};
  gu.queue_name = argv[1];
  awsc_sqs_GetQueueUrlResult *found = NULL;
  if (awsc_sqs_get_queue_url(&found, sqs, &gu, &err) != 0) {
    example_cleanup(session, sqs);
    return example_fail("get_queue_url", &err);
  }
  char *url = strdup(found->queue_url);
  awsc_mem_free(found);

  /* one job with attributes */
  awsc_sqs_MessageBodyAttributeMap_Entry attrs[2] = {{0}};
  attrs[0].key = "job_type";
  attrs[0].value.data_type = "String";
  attrs[0].value.string_value = "resize";
  attrs[1].key = "priority";
  attrs[1].value.data_type = "Number";
  attrs[1].value.string_value = "5";
  awsc_sqs_SendMessageRequest sm = {0};
  sm.queue_url = url;
  sm.message_body = "{\"image\": \"photo-1.jpg\", \"width\": 640}";
  sm.message_attributes = attrs;
  sm.message_attributes_count = 2;
  awsc_sqs_SendMessageResult *sent = NULL;
  if (awsc_sqs_send_message(&sent, sqs, &sm, &err) != 0)
    status = example_fail("send_message", &err);
  else
    printf("sent %s (MD5 of body %s)\n", sent->message_id,
           sent->md5_of_message_body);
  awsc_mem_free(sent);

  /* and a batch of three */
  awsc_sqs_SendMessageBatchRequestEntry entries[3] = {{0}};
  const char *bodies[3] = {"photo-2.jpg", "photo-3.jpg", "photo-4.jpg"};
  const char *ids[3] = {"job2", "job3", "job4"};
  for (int i = 0; i < 3; i++) {
    entries[i].id = ids[i];
    entries[i].message_body = bodies[i];
  }
  awsc_sqs_SendMessageBatchRequest sb = {0};
  sb.queue_url = url;
  sb.entries = entries;
  sb.entries_count = 3;
  awsc_sqs_SendMessageBatchResult *batch = NULL;
  if (!status && awsc_sqs_send_message_batch(&batch, sqs, &sb, &err) != 0)
    status = example_fail("send_message_batch", &err);
  if (batch) {
    printf("batch: %zu sent, %zu failed\n", batch->successful_count,
           batch->failed_count);
    if (batch->failed_count)
      status = 1;
  }
  awsc_mem_free(batch);

  /* read all four back, long polling */
  char *handles[MAX_SEEN];
  int seen = 0, with_attrs = 0;
  const char *all[] = {"All"};
  for (int round = 0; round < 5 && seen < 4 && !status; round++) {
    awsc_sqs_ReceiveMessageRequest rm = {0};
    rm.queue_url = url;
    rm.max_number_of_messages = 10;
    rm.has_max_number_of_messages = true;
    rm.wait_time_seconds = wait;
    rm.has_wait_time_seconds = true;
    rm.message_attribute_names = all;
    rm.message_attribute_names_count = 1;
    awsc_sqs_ReceiveMessageResult *got = NULL;
    if (awsc_sqs_receive_message(&got, sqs, &rm, &err) != 0) {
      status = example_fail("receive_message", &err);
      break;
    }
    for (size_t i = 0; i < got->messages_count && seen < MAX_SEEN; i++) {
      const awsc_sqs_Message *m = &got->messages[i];
      printf("received %s: %s (%zu attribute(s))\n", m->message_id, m->body,
             m->message_attributes_count);
      with_attrs += m->message_attributes_count == 2;
      handles[seen++] = strdup(m->receipt_handle);
    }
    awsc_mem_free(got);
  }
  if (!status && (seen != 4 || with_attrs != 1)) {
    fprintf(stderr, "expected 4 messages (1 with attributes), got %d (%d)\n",
            seen, with_attrs);
    status = 1;
  }

  /* give the last one back at once, and take it again */
  if (!status) {
    awsc_sqs_ChangeMessageVisibilityRequest cv = {0};
    cv.queue_url = url;
    cv.receipt_handle = handles[seen - 1];
    cv.visibility_timeout = 0;
    cv.has_visibility_timeout = true;
    if (awsc_sqs_change_message_visibility(NULL, sqs, &cv, &err) != 0)
      status = example_fail("change_message_visibility", &err);
  }
  if (!status) {
    awsc_sqs_ReceiveMessageRequest rm = {0};
    rm.queue_url = url;
    rm.wait_time_seconds = wait;
    rm.has_wait_time_seconds = true;
    awsc_sqs_ReceiveMessageResult *got = NULL;
    if (awsc_sqs_receive_message(&got, sqs, &rm, &err) != 0) {
      status = example_fail("receive_message", &err);
    } else if (got->messages_count != 1) {
      fprintf(stderr, "the message given back did not come again\n");
      status = 1;
    } else {
      printf("visible again: %s\n", got->messages[0].body);
      free(handles[seen - 1]);
      handles[seen - 1] = strdup(got->messages[0].receipt_handle);
    }
    awsc_mem_free(got);
  }

  /* done with them: one alone, the rest in a batch */
  if (!status && seen > 0) {
    awsc_sqs_DeleteMessageRequest dm = {0};
    dm.queue_url = url;
    dm.receipt_handle = handles[0];
    if (awsc_sqs_delete_message(NULL, sqs, &dm, &err) != 0)
      status = example_fail("delete_message", &err);
  }
  if (!status && seen > 1) {
    awsc_sqs_DeleteMessageBatchRequestEntry de[MAX_SEEN] = {{0}};
    char idbuf[MAX_SEEN][8];
    for (int i = 1; i < seen; i++) {
      snprintf(idbuf[i], sizeof(idbuf[i]), "d%d", i);
      de[i - 1].id = idbuf[i];
      de[i - 1].receipt_handle = handles[i];
    }
    awsc_sqs_DeleteMessageBatchRequest db = {0};
    db.queue_url = url;
    db.entries = de;
    db.entries_count = (size_t)(seen - 1);
    awsc_sqs_DeleteMessageBatchResult *dout = NULL;
    if (awsc_sqs_delete_message_batch(&dout, sqs, &db, &err) != 0) {
      status = example_fail("delete_message_batch", &err);
    } else {
      printf("deleted %zu message(s) in a batch, %zu failed\n",
             dout->successful_count, dout->failed_count);
      status = dout->failed_count != 0;
    }
    awsc_mem_free(dout);
  }
  long left = -1;
  if (!status && queue_count(sqs, url, &left) == 0) {
    printf("messages left: %ld\n", left);
    status = left != 0;
  }

  awsc_sqs_DeleteQueueRequest dq = {0};
  dq.queue_url = url;
  if (awsc_sqs_delete_queue(NULL, sqs, &dq, &err) != 0)
    status = example_fail("delete_queue", &err);
  else
    printf("deleted queue %s\n", argv[1]);
  for (int i = 0; i < seen; i++)
    free(handles[i]);
  free(url);
  example_cleanup(session, sqs);
  return status;
}
