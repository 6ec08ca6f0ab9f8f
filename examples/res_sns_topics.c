/*
 * res_sns_topics - a topic per department and level, with Topic handles:
 *   res_sns_topics RUN DEPARTMENT...
 * creates RUN-DEPARTMENT-general and RUN-DEPARTMENT-critical for each
 * department (sns.create_topic, which returns a Topic), lists the RUN-*
 * topics through sns.topics.all(), deletes the general ones (topic.delete)
 * and prints "critical ARN" for each topic kept.
 */
#include "example.h"

#include <awsc/sns_resources.h>

/* sns.create_topic(Name=name): the Topic it returns; NULL on error. */
static awsc_sns_topic *create_topic(awsc_sns_service_resource *sns,
                                    const char *name) {
  awsc_sns_CreateTopicInput in = {0};
  in.name = name;
  awsc_resource **made = NULL;
  size_t n = 0;
  awsc_error err = AWSC_ERROR_INIT;
  if (awsc_sns_service_resource_create_topic(NULL, &made, &n, sns, &in, &err) !=
      0) {
    example_fail(name, &err);
    return NULL;
  }
  /* take the Topic out of the array: the NULL left in its slot is
   * skipped when the array is freed */
  awsc_sns_topic *t = n == 1 ? (awsc_sns_topic *)made[0] : NULL;
  if (t)
    made[0] = NULL;
  awsc_resource_array_free(made, n);
  return t;
}

/* The ARN's last part, the topic name. */
static const char *topic_name(const awsc_sns_topic *t) {
  const char *colon = strrchr(awsc_sns_topic_arn(t), ':');
  return colon ? colon + 1 : awsc_sns_topic_arn(t);
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s RUN DEPARTMENT...\n", argv[0]);
    return 2;
  }
  const char *run = argv[1];
  size_t run_len = strlen(run);
  awsc_session *session;
  awsc_client *client;
  if (example_client("sns", &session, &client))
    return 1;
  awsc_error err = AWSC_ERROR_INIT;
  awsc_sns_service_resource *sns = NULL;
  awsc_resource_collection *topics = NULL;
  int status = 0, rc = 0;
  if (awsc_sns_service_resource_new(&sns, client, &err) != 0) {
    status = example_fail("sns", &err);
    goto done;
  }
  for (int i = 2; i < argc && !status; i++) {
    static const char *const levels[] = {"general", "critical"};
    for (int l = 0; l < 2 && !status; l++) {
      char name[256];
      snprintf(name, sizeof(name), "%s-%s-%s", run, argv[i], levels[l]);
      awsc_sns_topic *t = create_topic(sns, name);
      if (!t)
        status = 1;
      else
        printf("created %s\n", awsc_sns_topic_arn(t));
      awsc_sns_topic_free(t);
    }
  }

  /* for t in sns.topics.all(): delete RUN-*-general, keep the others */
  if (!status &&
      awsc_sns_service_resource_topics(&topics, sns, NULL, NULL, &err) != 0)
    status = example_fail("sns.topics", &err);
  awsc_resource *item = NULL;
  while (!status &&
         (rc = awsc_resource_collection_next(&item, topics, &err)) == 0 &&
         item) {
    awsc_sns_topic *t = (awsc_sns_topic *)item;
    const char *name = topic_name(t);
    size_t len = strlen(name);
    if (strncmp(name, run, run_len) == 0 && name[run_len] == '-') {
      if (len > 8 && strcmp(name + len - 8, "-general") == 0) {
        if (awsc_sns_topic_delete(NULL, NULL, NULL, t, NULL, &err) != 0)
          status = example_fail("topic.delete", &err);
        else
          printf("deleted %s\n", awsc_sns_topic_arn(t));
      } else {
        printf("critical %s\n", awsc_sns_topic_arn(t));
      }
    }
    awsc_sns_topic_free(t);
  }
  if (rc != 0)
    status = example_fail("sns.topics.all()", &err);
done:
  awsc_resource_collection_free(topics);
  awsc_sns_service_resource_free(sns);
  example_cleanup(session, client);
  return status;
}
