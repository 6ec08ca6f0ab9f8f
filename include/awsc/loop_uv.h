/*
 * awsc/loop_uv.h - an awsc_loop driven by a libuv loop (the adapter in
 * lib/http/loop_uv.c, built when libuv is found: library awsc_uv, meson
 * option -Dlibuv=auto). The adapter watches libcurl's sockets with
 * uv_poll_t handles and runs the loop's timer on a uv_timer_t, through
 * awsc/loop.h's socket and timer hooks; calls started on the awsc_loop
 * then progress while the application runs uv_run, and their
 * completion callbacks run from libuv's callbacks.
 *
 * This header does not include <uv.h>: it names the libuv loop by its
 * struct tag (uv_loop_t is struct uv_loop_s). Thread rules are those of
 * awsc/loop.h: everything on the libuv loop's thread.
 */
#ifndef AWSC_LOOP_UV_H
#define AWSC_LOOP_UV_H

#include "awsc/loop.h"

#ifdef __cplusplus
extern "C" {
#endif

struct uv_loop_s;

typedef struct awsc_loop_uv awsc_loop_uv;

/*
 * An awsc_loop driven by libuv loop `uv` (borrowed: it must outlive the
 * adapter). *out is the caller's: free it with awsc_loop_uv_free.
 * Errors: AWSC_EINVAL, AWSC_ENOMEM, AWSC_EIO (libuv refused its timer).
 */
AWSC_API int awsc_loop_uv_new(awsc_loop_uv **out, struct uv_loop_s *uv,
                              awsc_error *err);
/* The awsc_loop to start calls on (borrowed: lives with the adapter). */
AWSC_API awsc_loop *awsc_loop_uv_loop(awsc_loop_uv *adapter);
/*
 * Free the adapter and its awsc_loop (calls still in flight complete with
 * AWSC_ECANCELLED from inside this function). The libuv handles close
 * asynchronously, as libuv closes handles: the memory is released when
 * the libuv loop next runs (uv_run), which the application must do before
 * uv_loop_close. NULL is a no-op.
 */
AWSC_API void awsc_loop_uv_free(awsc_loop_uv *adapter);

#ifdef __cplusplus
}
#endif

#endif
