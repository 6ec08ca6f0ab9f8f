/*
 * lib/http/loop_uv.c - awsc/loop_uv.h: an awsc_loop on a libuv loop,
 * through the public socket and timer hooks only (awsc/loop.h), so the
 * adapter is its own small library (awsc_uv) and libawsc itself never
 * depends on libuv. One uv_poll_t per socket libcurl asks about, kept
 * with the socket through awsc_loop_assign; one uv_timer_t for the
 * loop's timer.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include <uv.h>

#include "awsc/loop_uv.h"

struct awsc_loop_uv {
  uv_loop_t *uv;
  uv_timer_t timer;
  awsc_loop *loop;
  bool timer_ready;
};

/* One watched socket. */
typedef struct uv_sock {
  uv_poll_t poll;
  int fd;
  awsc_loop_uv *a;
} uv_sock;

/* The adapter sees only the public API: its own error filler. */
static int fail(awsc_error *err, int code, awsc_error_kind kind,
                const char *msg) {
  if (err) {
    awsc_error_clear(err);
    err->code = code;
    err->kind = kind;
    snprintf(err->message, sizeof(err->message), "%s", msg);
  }
  return code;
}

static void sock_closed(uv_handle_t *h) {
  free(h->data);
}

static void poll_ready(uv_poll_t *p, int status, int events) {
  uv_sock *s = p->data;
  int ev = ((events & UV_READABLE) ? AWSC_LOOP_IN : 0) |
           ((events & UV_WRITABLE) ? AWSC_LOOP_OUT : 0);
  if (status < 0)
    ev = AWSC_LOOP_IN | AWSC_LOOP_OUT; /* let libcurl find the error */
  awsc_loop_socket_action(s->a->loop, s->fd, ev, NULL);
}

static int socket_hook(awsc_loop *loop, int fd, int events, void *sd,
                       void *ud) {
  awsc_loop_uv *a = ud;
  uv_sock *s = sd;
  if (events == AWSC_LOOP_REMOVE) {
    if (s) {
      uv_poll_stop(&s->poll);
      uv_close((uv_handle_t *)&s->poll, sock_closed);
      awsc_loop_assign(loop, fd, NULL);
    }
    return 0;
  }
  if (!s) {
    s = calloc(1, sizeof(*s));
    if (!s)
      return 0; /* the transfer then times out: nothing better to do */
    if (uv_poll_init_socket(a->uv, &s->poll, fd) != 0) {
      free(s);
      return 0;
    }
    s->fd = fd;
    s->a = a;
    s->poll.data = s;
    awsc_loop_assign(loop, fd, s);
  }
  int flags = ((events & AWSC_LOOP_IN) ? UV_READABLE : 0) |
              ((events & AWSC_LOOP_OUT) ? UV_WRITABLE : 0);
  uv_poll_start(&s->poll, flags, poll_ready);
  return 0;
}

static void timer_fired(uv_timer_t *t) {
  awsc_loop_uv *a = t->data;
  awsc_loop_timeout(a->loop, NULL);
}

static int timer_hook(awsc_loop *loop, long ms, void *ud) {
  awsc_loop_uv *a = ud;
  (void)loop;
  if (ms < 0)
    uv_timer_stop(&a->timer);
  else
    uv_timer_start(&a->timer, timer_fired, (uint64_t)ms, 0);
  return 0;
}

int awsc_loop_uv_new(awsc_loop_uv **out, struct uv_loop_s *uv,
                     awsc_error *err) {
  if (!out || !uv)
    return fail(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                "awsc_loop_uv_new: NULL argument");
  *out = NULL;
  awsc_loop_uv *a = calloc(1, sizeof(*a));
  if (!a)
    return fail(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL, "out of memory");
  a->uv = uv;
  if (uv_timer_init(uv, &a->timer) != 0) {
    free(a);
    return fail(err, AWSC_EIO, AWSC_ERROR_INTERNAL, "uv_timer_init failed");
  }
  a->timer.data = a;
  a->timer_ready = true;
  awsc_loop_options o = AWSC_LOOP_OPTIONS_INIT;
  o.socket_hook = socket_hook;
  o.timer_hook = timer_hook;
  o.hook_user_data = a;
  int rc = awsc_loop_new(&a->loop, &o, err);
  if (rc) {
    awsc_loop_uv_free(a);
    return rc;
  }
  *out = a;
  return 0;
}

awsc_loop *awsc_loop_uv_loop(awsc_loop_uv *a) {
  return a ? a->loop : NULL;
}

static void timer_closed(uv_handle_t *h) {
  free(h->data);
}

void awsc_loop_uv_free(awsc_loop_uv *a) {
  if (!a)
    return;
  awsc_loop_free(a->loop); /* removes every socket through the hook */
  a->loop = NULL;
  if (!a->timer_ready) {
    free(a);
    return;
  }
  uv_timer_stop(&a->timer);
  uv_close((uv_handle_t *)&a->timer, timer_closed);
}
