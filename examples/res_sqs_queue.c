/*
 * res_sqs_queue - a work queue with Queue and Message handles:
 *   res_sqs_queue QUEUE_NAME [WAIT_SECONDS [keep]]
 * creates the queue (sqs.create_queue returns a Queue), reads its
 * attributes (queue.load), sends four jobs (queue.send_message), receives
 * them as Message handles (queue.receive_messages, long polling
 * WAIT_SECONDS, default 2), deletes the first with message.delete() and
 * the others in one queue.delete_messages() batch, checks the queue is
 * empty (queue.reload: ApproximateNumberOfMessages*) and deletes it
 * (queue.delete), unless "keep" is given.
 */
#include "example.h"

#include <awsc/sqs_resources.h>

#define JOBS 4

/* queue.attributes[name] after a (re)load; NULL if absent or on error. */
static const char *attribute(awsc_sqs_queue *q, const char *name) {
  awsc_error err = AWSC_ERROR_INIT;
  const awsc_sqs_GetQueueAttributesResult *d = awsc_sqs_queue_data(q, &err);
  for (size_t i = 0; d && i < d->attributes_count; i++)
    if (strcmp(d->attributes[i].key, name) == 0)
      return d->attributes[i].value;
  if (!d)
    example_fail("queue.attributes", &err);
  return NULL;
}

/* queue.receive_messages() until `want` messages are in msgs (at most 5
 * polls); returns how many there are. */
static int receive(awsc_sqs_queue *q, awsc_sqs_message **msgs, int want,
                   int wait) {
  awsc_sqs_ReceiveMessageRequest in = {0};
  in.max_number_of_messages = 10;
  in.has_max_number_of_messages = true;
  in.wait_time_seconds = wait;
  in.has_wait_time_seconds = true;
  int got = 0;
  for (int poll = 0; poll < 5 && got < want; poll++) {
    awsc_resource **batch = NULL;
    size_t n = 0;
    awsc_error err = AWSC_ERROR_INIT;
    if (awsc_sqs_queue_receive_messages(NULL, &batch, &n, q, &in, &err)) {
      example_fail("queue.receive_messages", &err);
      break;
    }
    /* keep the handles; the NULL slots are skipped by the array free */
    for (size_t i = 0; i < n && got < want; i++) {
      msgs[got++] = (awsc_sqs_message *)batch[i];
      batch[i] = NULL;
    }
    awsc_resource_array_free(batch, n);
  }
  return got;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s QUEUE_NAME [WAIT_SECONDS [keep]]\n", argv[0]);
    return 2;
  }
  int wait = argc > 2 ? atoi(argv[2]) : 2;
  int keep = argc > 3 && strcmp(argv[3], "keep") == 0;
  awsc_session *session;
  awsc_client *client;
  if (example_client("sqs", &session, &client))
    return 1;
  awsc_error err = AWSC_ERROR_INIT;
  awsc_sqs_service_resource *sqs = NULL;
  awsc_sqs_queue *queue = NULL;
  awsc_sqs_message *msgs[JOBS] = {0};
  int status = 0, got = 0;

  /* queue = sqs.create_queue(QueueName=..., Attributes={...}) */
  awsc_sqs_QueueAttributeMap_Entry qattr = {"VisibilityTimeout", "30"};
  awsc_sqs_CreateQueueRequest cq = {0};
  cq.queue_name = argv[1];
  cq.attributes = &qattr;
  cq.attributes_count = 1;
  awsc_resource **made = NULL;
  size_t n = 0;
  if (awsc_sqs_service_resource_new(&sqs, client, &err) != 0 ||
      awsc_sqs_service_resource_create_queue(NULL, &made, &n, sqs, &cq, &err) !=
          0 ||
      n != 1) {
    status = example_fail("sqs.create_queue", &err);
    goto done;
  }
  queue = (awsc_sqs_queue *)made[0];
  made[0] = NULL;
  awsc_resource_array_free(made, n);
  printf("queue %s\n", awsc_sqs_queue_url(queue));
  if (awsc_sqs_queue_load(queue, &err) != 0) {
    status = example_fail("queue.load", &err);
    goto done;
  }
  const char *vt = attribute(queue, "VisibilityTimeout");
  printf("VisibilityTimeout %s\n", vt ? vt : "?");

  for (int i = 0; i < JOBS && !status; i++) {
    char body[64];
    snprintf(body, sizeof(body), "{\"job\": %d, \"image\": \"photo-%d.jpg\"}",
             i + 1, i + 1);
    awsc_sqs_SendMessageRequest sm = {0};
    sm.message_body = body;
    awsc_sqs_SendMessageResult *sent = NULL;
    if (awsc_sqs_queue_send_message(&sent, NULL, NULL, queue, &sm, &err))
      status = example_fail("queue.send_message", &err);
    else
      printf("sent %s\n", sent->message_id);
    awsc_mem_free(sent);
  }

  got = status ? 0 : receive(queue, msgs, JOBS, wait);
  for (int i = 0; i < got; i++) {
    const awsc_sqs_Message *m = awsc_sqs_message_data(msgs[i], &err);
    printf("received %s\n", m && m->body ? m->body : "?");
  }
  if (got != JOBS) {
    fprintf(stderr, "received %d message(s), expected %d\n", got, JOBS);
    status = 1;
    goto done;
  }

  /* msgs[0].delete(), then queue.delete_messages(Entries=[...]) */
  if (awsc_sqs_message_delete(NULL, NULL, NULL, msgs[0], NULL, &err) != 0) {
    status = example_fail("message.delete", &err);
    goto done;
  }
  awsc_sqs_DeleteMessageBatchRequestEntry entries[JOBS - 1];
  char ids[JOBS - 1][8];
  for (int i = 1; i < JOBS; i++) {
    snprintf(ids[i - 1], sizeof(ids[i - 1]), "m%d", i);
    entries[i - 1].id = ids[i - 1];
    entries[i - 1].receipt_handle = awsc_sqs_message_receipt_handle(msgs[i]);
  }
  awsc_sqs_DeleteMessageBatchRequest batch = {0};
  batch.entries = entries;
  batch.entries_count = JOBS - 1;
  awsc_sqs_DeleteMessageBatchResult *deleted = NULL;
  if (awsc_sqs_queue_delete_messages(&deleted, NULL, NULL, queue, &batch,
                                     &err) != 0) {
    status = example_fail("queue.delete_messages", &err);
    goto done;
  }
  printf("deleted 1 message alone and %zu in a batch (%zu failed)\n",
         deleted->successful_count, deleted->failed_count);
  status = deleted->failed_count != 0;
  awsc_mem_free(deleted);

  /* queue.reload(): nothing visible, nothing in flight */
  if (awsc_sqs_queue_load(queue, &err) != 0) {
    status = example_fail("queue.reload", &err);
    goto done;
  }
  const char *visible = attribute(queue, "ApproximateNumberOfMessages");
  const char *inflight =
      attribute(queue, "ApproximateNumberOfMessagesNotVisible");
  printf("messages left: %s visible, %s in flight\n", visible ? visible : "?",
         inflight ? inflight : "?");
  if (!visible || !inflight || atoi(visible) || atoi(inflight))
    status = 1;
  if (!keep && awsc_sqs_queue_delete(NULL, NULL, NULL, queue, NULL, &err)) {
    status = example_fail("queue.delete", &err);
  } else if (!keep) {
    printf("deleted the queue\n");
  }
done:
  for (int i = 0; i < got; i++)
    awsc_sqs_message_free(msgs[i]);
  awsc_sqs_queue_free(queue);
  awsc_sqs_service_resource_free(sqs);
  example_cleanup(session, client);
  return status;
}
