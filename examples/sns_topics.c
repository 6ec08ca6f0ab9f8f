/*
 * sns_topics - topics for departments:
 *   sns_topics PREFIX [DEPARTMENT...]
 * creates a "general" and a "critical" topic for each department (default:
 * sales support engineering), named PREFIX-DEPARTMENT-general and
 * PREFIX-DEPARTMENT-critical; lists every topic (following NextToken) and
 * prints those of PREFIX; deletes the general ones and lists again, so
 * that only the critical topics remain. Prints each critical topic's ARN
 * on a line of its own: "critical ARN".
 */
#include "example.h"

#include <awsc/sns.h>

/* The topic name is what follows the last ':' of its ARN. */
static const char *topic_name(const char *arn) {
  const char *c = strrchr(arn, ':');
  return c ? c + 1 : arn;
}

static int has_prefix(const char *s, const char *prefix) {
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* List all topics, one page after another; print and count those whose
 * name starts with prefix-. Returns the count, -1 on error. */
static int list_prefixed(awsc_client *sns, const char *prefix) {
  char want[128];
  snprintf(want, sizeof(want), "%s-", prefix);
  int seen = 0, pages = 0;
  char *token = NULL;
  do {
    awsc_sns_ListTopicsInput in = {0};
    in.next_token = token;
    awsc_sns_ListTopicsResponse *out = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    if (awsc_sns_list_topics(&out, sns, &in, &err) != 0) {
      free(token);
      example_fail("list_topics", &err);
      return -1;
    }
    pages++;
    for (size_t i = 0; i < out->topics_count; i++) {
      const char *arn = out->topics[i].topic_arn;
      if (arn && has_prefix(topic_name(arn), want)) {
        printf("  %s\n", arn);
        seen++;
      }
    }
    free(token);
    token = out->next_token ? strdup(out->next_token) : NULL;
    awsc_mem_free(out);
  } while (token);
  printf("%d topic(s) of %s in %d page(s)\n", seen, prefix, pages);
  return seen;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s PREFIX [DEPARTMENT...]\n", argv[0]);
    return 2;
  }
  const char *prefix = argv[1];
  static const char *const default_depts[] = {"sales", "support",
                                              "engineering"};
  const char *const *depts =
      argc > 2 ? (const char *const *)argv + 2 : default_depts;
  int ndepts = argc > 2 ? argc - 2 : 3;
  static const char *const kinds[] = {"general", "critical"};

  awsc_session *session;
  awsc_client *sns;
  if (example_client("sns", &session, &sns))
    return 1;
  int status = 0;
  char **general = calloc((size_t)ndepts, sizeof(*general));
  char **critical = calloc((size_t)ndepts, sizeof(*critical));
  if (!general || !critical) {
    fprintf(stderr, "out of memory\n");
    return 1;
  }

  for (int d = 0; d < ndepts && !status; d++) {
    for (int k = 0; k < 2 && !status; k++) {
      char name[256];
      snprintf(name, sizeof(name), "%s-%s-%s", prefix, depts[d], kinds[k]);
      awsc_sns_CreateTopicInput in = {0};
      in.name = name;
      /* a display name, as SMS and email subscribers see it */
      awsc_sns_TopicAttributesMap_Entry attr = {"DisplayName", depts[d]};
      in.attributes = &attr;
      in.attributes_count = 1;
      awsc_sns_CreateTopicResponse *out = NULL;
      awsc_error err = AWSC_ERROR_INIT;
      if (awsc_sns_create_topic(&out, sns, &in, &err) != 0) {
        status = example_fail("create_topic", &err);
        break;
      }
      printf("created %s\n", out->topic_arn);
      (k ? critical : general)[d] = strdup(out->topic_arn);
      awsc_mem_free(out);
    }
  }

  if (!status && list_prefixed(sns, prefix) < 2 * ndepts)
    status = 1;

  for (int d = 0; d < ndepts; d++) {
    if (!general[d])
      continue;
    awsc_sns_DeleteTopicInput in = {0};
    in.topic_arn = general[d];
    awsc_error err = AWSC_ERROR_INIT;
    if (awsc_sns_delete_topic(NULL, sns, &in, &err) != 0)
      status = example_fail("delete_topic", &err);
    else
      printf("deleted %s\n", general[d]);
  }

  if (!status) {
    int left = list_prefixed(sns, prefix);
    if (left != ndepts) {
      fprintf(stderr, "expected %d critical topic(s), found %d\n", ndepts,
              left);
      status = 1;
    }
  }
  for (int d = 0; d < ndepts; d++) {
    if (critical[d] && !status)
      printf("critical %s\n", critical[d]);
    free(general[d]);
    free(critical[d]);
  }
  free(general);
  free(critical);
  example_cleanup(session, sns);
  return status;
}
