/*
 * The libuv adapter (awsc/loop_uv.h) against engine_server.c: calls on an
 * awsc_loop inside libuv's loop, retries on its timer, a cancellation,
 * and uv_run returning by itself once nothing is in flight (no handle of
 * the adapter keeps libuv's loop alive when idle).
 */
#include <uv.h>

#include "awsc/loop_uv.h"
#include "engine_test.h"
#include "test.h"

typedef struct tally {
  int ok, cancelled, other;
} tally;

static void on_done(int status, char *json, const awsc_error *err, void *ud) {
  tally *t = ud;
  (void)err;
  if (status == 0)
    t->ok++;
  else if (status == AWSC_ECANCELLED)
    t->cancelled++;
  else
    t->other++;
  awsc_mem_free(json);
}

static void test_calls_in_libuv(void) {
  awsc_session *s = et_session(3);
  awsc_client *c = et_client(s);
  uv_loop_t uv;
  CHECK_INT(uv_loop_init(&uv), 0);
  awsc_loop_uv *a = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_loop_uv_new(&a, &uv, &err), 0);
  awsc_loop *loop = awsc_loop_uv_loop(a);
  tally t = {0, 0, 0};
  for (int i = 0; i < 30; i++) {
    char params[96];
    snprintf(params, sizeof(params), "{\"Bucket\":\"b\",\"Key\":\"%s-uv%d\"}",
             i % 4 == 0 ? "503once" : "slow-50", i);
    CHECK_INT(awsc_call_json_async(NULL, loop, c, "GetObject", params, on_done,
                                   &t, &err),
              0);
  }
  awsc_request *hang = NULL;
  CHECK_INT(awsc_call_json_async(&hang, loop, c, "GetObject",
                                 "{\"Bucket\":\"b\",\"Key\":\"hang-uv\"}",
                                 on_done, &t, &err),
            0);
  awsc_request_cancel(hang);
  double t0 = et_now();
  uv_run(&uv, UV_RUN_DEFAULT); /* returns when nothing is left */
  CHECK_INT(t.ok, 30);
  CHECK_INT(t.cancelled, 1);
  CHECK_INT(t.other, 0);
  CHECK_INT(awsc_loop_pending(loop), 0);
  printf("  31 calls in libuv's loop: %.2f s\n", et_now() - t0);
  awsc_loop_uv_free(a);
  uv_run(&uv, UV_RUN_DEFAULT);
  CHECK_INT(uv_loop_close(&uv), 0); /* every handle closed */
  awsc_client_free(c);
  awsc_session_free(s);
}

int main(void) {
  srv = es_start();
  if (!srv) {
    fprintf(stderr, "cannot start the test server on 127.0.0.1\n");
    return 1;
  }
  RUN(test_calls_in_libuv);
  es_stop(srv);
  return test_summary();
}
