/*
 * loop_uv - S3 requests in flight inside a libuv program: the awsc loop
 * is plugged into libuv's through awsc/loop_uv.h, and a libuv timer of
 * the program's own ticks beside the requests. Each key given is fetched
 * whole with GetObject and its size printed; the program ends when
 * libuv's loop has nothing left to do.
 *
 *   loop_uv BUCKET KEY [KEY...]
 */
#include "example.h"

#include <uv.h>

#include <awsc/loop_uv.h>

static int remaining;
static uv_timer_t ticker;

static void got_object(int status, char *json, const awsc_error *err,
                       void *user_data) {
  const char *key = user_data;
  if (status == 0)
    printf("%-40s %zu bytes of JSON (body as base64)\n", key, strlen(json));
  else
    printf("%-40s %s\n", key, err->message);
  awsc_mem_free(json);
  if (--remaining == 0)
    uv_timer_stop(&ticker); /* nothing keeps libuv's loop running now */
}

static void tick(uv_timer_t *t) {
  (void)t;
  printf("tick: %d request(s) in flight\n", remaining);
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
  uv_loop_t *uv = uv_default_loop();
  awsc_error err = AWSC_ERROR_INIT;
  awsc_loop_uv *adapter = NULL;
  if (awsc_loop_uv_new(&adapter, uv, &err)) {
    example_cleanup(session, s3);
    return example_fail("adapter", &err);
  }
  awsc_loop *loop = awsc_loop_uv_loop(adapter);
  for (int i = 2; i < argc; i++) {
    char params[1024];
    snprintf(params, sizeof(params), "{\"Bucket\":\"%s\",\"Key\":\"%s\"}",
             argv[1], argv[i]);
    if (awsc_call_json_async(NULL, loop, s3, "GetObject", params, got_object,
                             argv[i], &err) == 0)
      remaining++;
    else
      example_fail("start", &err);
  }
  uv_timer_init(uv, &ticker);
  if (remaining)
    uv_timer_start(&ticker, tick, 100, 100);
  uv_run(uv, UV_RUN_DEFAULT); /* returns when every request is done */
  awsc_loop_uv_free(adapter);
  uv_close((uv_handle_t *)&ticker, NULL);
  uv_run(uv, UV_RUN_DEFAULT); /* let the handles close */
  uv_loop_close(uv);
  example_cleanup(session, s3);
  return 0;
}
