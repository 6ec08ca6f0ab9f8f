/*
 * loop_run - many S3 requests in flight on one thread, the loop run by
 * the program itself (awsc/loop.h): HEAD every key given, all at once,
 * print each answer as it completes, and give up on whatever is still
 * running after a deadline.
 *
 *   loop_run BUCKET KEY [KEY...]
 */
#include "example.h"

#include <time.h>

#include <awsc/loop.h>

typedef struct head {
  const char *key;
  int status;
  bool done;
} head;

/* Completion: from inside awsc_loop_run_once, on this thread. The JSON
 * answer is ours to free. */
static void head_done(int status, char *json, const awsc_error *err,
                      void *user_data) {
  head *h = user_data;
  h->status = status;
  h->done = true;
  if (status == 0) {
    const char *len = json ? strstr(json, "\"ContentLength\":") : NULL;
    printf("%-40s %lld bytes\n", h->key,
           len ? strtoll(len + 16, NULL, 10) : -1LL);
  } else {
    printf("%-40s %s\n", h->key, err->message);
  }
  awsc_mem_free(json);
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s BUCKET KEY [KEY...]\n", argv[0]);
    return 2;
  }
  awsc_session *session;
  awsc_client *s3;
  if (example_client("s3", &session, &s3))
    return 1;
  awsc_error err = AWSC_ERROR_INIT;
  awsc_loop *loop = NULL;
  if (awsc_loop_new(&loop, NULL, &err)) {
    example_cleanup(session, s3);
    return example_fail("loop", &err);
  }
  int n = argc - 2;
  head *heads = calloc((size_t)n, sizeof(*heads));
  if (!heads) {
    awsc_loop_free(loop);
    example_cleanup(session, s3);
    return 1;
  }
  for (int i = 0; i < n; i++) {
    char params[1024];
    heads[i].key = argv[i + 2];
    snprintf(params, sizeof(params), "{\"Bucket\":\"%s\",\"Key\":\"%s\"}",
             argv[1], argv[i + 2]);
    /* returns at once; the answer comes through head_done */
    if (awsc_call_json_async(NULL, loop, s3, "HeadObject", params, head_done,
                             &heads[i], &err))
      example_fail("start", &err);
  }
  /* run the loop ourselves, checking our own deadline between steps */
  double deadline = now_s() + 30.0;
  int pending;
  while ((pending = awsc_loop_run_once(loop, 100, &err)) > 0)
    if (now_s() > deadline) {
      fprintf(stderr, "%d still running after 30 s: cancelled\n", pending);
      awsc_loop_cancel_all(loop);
    }
  if (pending < 0)
    example_fail("loop", &err);
  int failed = 0;
  for (int i = 0; i < n; i++)
    failed += !heads[i].done || heads[i].status != 0;
  free(heads);
  awsc_loop_free(loop);
  example_cleanup(session, s3);
  return failed ? 1 : 0;
}
