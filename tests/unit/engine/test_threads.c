/*
 * Thread rules (awsc/loop.h): a loop belongs to one thread; clients,
 * sessions and transports are shared. Four threads each drive a loop of
 * their own with calls on one shared client (retries on timers
 * included), while a fifth makes blocking calls on the same client.
 * Meant to run under ThreadSanitizer too (a -Db_sanitize=thread build).
 */
#include <pthread.h>

#include "awsc/awsc.h"
#include "engine_test.h"
#include "test.h"

#define THREADS 4
#define PER_THREAD 25

typedef struct worker {
  awsc_client *c;
  int id;
  int ok;
  int failed;
} worker;

static void on_done(int status, char *json, const awsc_error *err, void *ud) {
  worker *w = ud;
  (void)err;
  if (status == 0 && json && strstr(json, "\"HTTPStatusCode\":200"))
    w->ok++;
  else
    w->failed++;
  awsc_mem_free(json);
}

static void *loop_thread(void *arg) {
  worker *w = arg;
  awsc_loop *loop = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  if (awsc_loop_new(&loop, NULL, &err) != 0) {
    w->failed = PER_THREAD;
    return NULL;
  }
  for (int i = 0; i < PER_THREAD; i++) {
    char params[128];
    snprintf(params, sizeof(params), "{\"Bucket\":\"b\",\"Key\":\"%s-t%d-%d\"}",
             i % 5 == 0 ? "503once" : "slow-20", w->id, i);
    if (awsc_call_json_async(NULL, loop, w->c, "GetObject", params, on_done, w,
                             &err) != 0)
      w->failed++;
  }
  if (awsc_loop_run(loop, &err) != 0)
    w->failed++;
  awsc_loop_free(loop);
  return NULL;
}

static void *blocking_thread(void *arg) {
  worker *w = arg;
  for (int i = 0; i < PER_THREAD; i++) {
    char *json = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    char params[96];
    snprintf(params, sizeof(params), "{\"Bucket\":\"b\",\"Key\":\"ok-b%d\"}",
             i);
    if (awsc_call_json(&json, w->c, "GetObject", params, &err) == 0)
      w->ok++;
    else
      w->failed++;
    awsc_mem_free(json);
  }
  return NULL;
}

static void test_loops_on_threads_share_a_client(void) {
  awsc_session *s = et_session(3);
  awsc_client *c = et_client(s);
  CHECK(c != NULL);
  if (!c)
    return;
  worker w[THREADS + 1];
  pthread_t t[THREADS + 1];
  for (int i = 0; i <= THREADS; i++) {
    w[i].c = c;
    w[i].id = i;
    w[i].ok = w[i].failed = 0;
    pthread_create(&t[i], NULL, i < THREADS ? loop_thread : blocking_thread,
                   &w[i]);
  }
  int ok = 0, failed = 0;
  for (int i = 0; i <= THREADS; i++) {
    pthread_join(t[i], NULL);
    ok += w[i].ok;
    failed += w[i].failed;
  }
  CHECK_INT(ok, (THREADS + 1) * PER_THREAD);
  CHECK_INT(failed, 0);
  awsc_client_free(c);
  awsc_session_free(s);
}

int main(void) {
  srv = es_start();
  if (!srv) {
    fprintf(stderr, "cannot start the test server on 127.0.0.1\n");
    return 1;
  }
  RUN(test_loops_on_threads_share_a_client);
  es_stop(srv);
  return test_summary();
}
