/*
 * awsc/loop.h - the asynchronous engine: many calls in flight on one
 * thread over one curl multi handle, and the pull-style body reader.
 *
 * An awsc_loop drives the calls started on it. Either the application
 * runs it (awsc_loop_run, awsc_loop_run_once), or the loop is plugged
 * into the application's own event loop through two hooks, as libcurl's
 * curl_multi_socket_action: the socket hook says which descriptors to
 * watch for what, the timer hook when to call awsc_loop_timeout; the
 * application calls awsc_loop_socket_action when a descriptor is ready.
 * awsc/loop_uv.h is such an adapter for libuv.
 *
 * Threads: a loop, the calls started on it and the readers opened on it
 * belong to one thread at a time. Every awsc_loop_* / awsc_request_* /
 * awsc_body_reader_* function on one loop must be called from that
 * thread (or under the application's own lock), and the callbacks run
 * on it, from inside awsc_loop_run, awsc_loop_run_once,
 * awsc_loop_socket_action, awsc_loop_timeout, awsc_request_cancel's
 * next loop step, or awsc_loop_free. Clients, sessions and transports
 * stay thread-safe: several loops on several threads may share them.
 * A loop may outlive the clients and sessions whose calls it ran (its
 * idle connections keep what they need of the session's transport until
 * the loop is freed or reuses them).
 * From inside a callback of a loop, calls may be started on it and
 * cancelled, but the loop must not be run or freed, nor a reader on it
 * read (no re-entrancy). A call started there has its input copied at
 * once, as always, and is built, signed and handed to the connection
 * once the completions being delivered have all run, together with the
 * other calls started from them (each stage's code then stays in the
 * CPU's caches across the batch: docs/performance.md, seventh round).
 *
 * Completion: the callback is called exactly once per call started
 * successfully, always from the loop, never from inside the function
 * that started it. Retries wait on the loop's timers, never by sleeping.
 * What may block the loop's thread: a credentials refresh (bounded by
 * the provider's timeouts: docs/design.md "The asynchronous engine"),
 * and a transport other than the libcurl one (its blocking send runs at
 * the send step).
 */
#ifndef AWSC_LOOP_H
#define AWSC_LOOP_H

#include <stddef.h>
#include <stdint.h>

#include "awsc/client.h"
#include "awsc/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct awsc_loop awsc_loop;

/* What the socket hook asks the application to watch (a bit set). */
#define AWSC_LOOP_IN 1     /* readable */
#define AWSC_LOOP_OUT 2    /* writable */
#define AWSC_LOOP_REMOVE 4 /* stop watching this descriptor (alone) */

/*
 * Socket-interest hook: watch `fd` for `events` (AWSC_LOOP_IN and/or
 * AWSC_LOOP_OUT; replaces what was asked before for that descriptor), or
 * stop watching it (AWSC_LOOP_REMOVE). socket_data is what the
 * application attached to fd with awsc_loop_assign (NULL until then).
 * Return 0 (anything else is treated as 0: the hook cannot fail a call).
 */
typedef int (*awsc_loop_socket_fn)(awsc_loop *loop, int fd, int events,
                                   void *socket_data, void *user_data);
/*
 * Timer hook: call awsc_loop_timeout once, `timeout_ms` from now (0:
 * as soon as possible, from the application's loop, not from inside the
 * hook); -1: cancel the timer. A new call replaces the previous timer.
 */
typedef int (*awsc_loop_timer_fn)(awsc_loop *loop, long timeout_ms,
                                  void *user_data);

typedef struct awsc_loop_options {
  int version; /* AWSC_LOOP_OPTIONS_VERSION */
  /* Both or neither. With them the loop is driven by the application
   * (awsc_loop_socket_action / awsc_loop_timeout); awsc_loop_run and
   * awsc_loop_run_once then return AWSC_EINVAL. */
  awsc_loop_socket_fn socket_hook;
  awsc_loop_timer_fn timer_hook;
  void *hook_user_data;
  /* Connections kept open by the loop for reuse; 0 = 64. */
  int max_connections;
} awsc_loop_options;

#define AWSC_LOOP_OPTIONS_VERSION 1
#define AWSC_LOOP_OPTIONS_INIT                                                 \
  { AWSC_LOOP_OPTIONS_VERSION, NULL, NULL, NULL, 0 }

/*
 * Create a loop (options NULL = run by the application with
 * awsc_loop_run / awsc_loop_run_once). *out is the caller's: free it
 * with awsc_loop_free. Errors: AWSC_EINVAL (one hook without the other,
 * bad version), AWSC_ENOMEM.
 */
AWSC_API int awsc_loop_new(awsc_loop **out, const awsc_loop_options *options,
                           awsc_error *err);
/*
 * Free a loop. Calls still in flight are cancelled: their completion
 * callbacks run from inside this function with AWSC_ECANCELLED. A body
 * reader opened on the loop stays the caller's to close; its reads then
 * give what was buffered, then AWSC_ECANCELLED. NULL is a no-op.
 */
AWSC_API void awsc_loop_free(awsc_loop *loop);

/*
 * Run one step: wait at most timeout_ms (-1: until something happens, 0:
 * not at all) for network activity or a timer, then handle what is
 * ready (completion callbacks run from here). Returns the number of calls
 * still in flight (0: nothing left), or a negative status (AWSC_EINVAL:
 * a loop with hooks; AWSC_ENETWORK: the multi handle failed).
 */
AWSC_API int awsc_loop_run_once(awsc_loop *loop, long timeout_ms,
                                awsc_error *err);
/* Run until no call is in flight. 0 or a negative status as above. */
AWSC_API int awsc_loop_run(awsc_loop *loop, awsc_error *err);
/* Calls in flight on the loop (started, completion not yet called). */
AWSC_API size_t awsc_loop_pending(const awsc_loop *loop);

/* Hooked loops: descriptor `fd` is ready for `events` (AWSC_LOOP_IN /
 * AWSC_LOOP_OUT; 0 if not known). Returns the calls still in flight or a
 * negative status. */
AWSC_API int awsc_loop_socket_action(awsc_loop *loop, int fd, int events,
                                     awsc_error *err);
/* Hooked loops: the timer the timer hook set has fired. Returns the calls
 * still in flight or a negative status. */
AWSC_API int awsc_loop_timeout(awsc_loop *loop, awsc_error *err);
/* Hooked loops: attach the application's pointer to descriptor fd (given
 * back to the socket hook). 0 or AWSC_EINVAL. */
AWSC_API int awsc_loop_assign(awsc_loop *loop, int fd, void *socket_data);

/* Cancel every call in flight: each completes with AWSC_ECANCELLED at
 * the loop's next step. */
AWSC_API void awsc_loop_cancel_all(awsc_loop *loop);

/* ---- asynchronous calls ---- */

/* One call in flight; the handle is borrowed: valid from its start until
 * its completion callback returns. */
typedef struct awsc_request awsc_request;

/*
 * Completion of awsc_call_json_async. status is 0 or the negative status
 * the blocking awsc_call_json would have returned. json_out (NULL on
 * failure) is the callback's: free it with awsc_mem_free (as the blocking
 * form's *json_out). err is borrowed for the callback's duration and is
 * filled on failure as the blocking form fills it.
 */
typedef void (*awsc_json_done_fn)(int status, char *json_out,
                                  const awsc_error *err, void *user_data);

/*
 * awsc_call_json without blocking: start `operation` with boto3-shaped
 * JSON parameters on the loop; `done` is called from the loop with the
 * result. *request_out (may be NULL) gets the call's handle for
 * awsc_request_cancel. The client is referenced until completion; the
 * JSON text is read before this returns. Returns 0 (done will be called)
 * or, for a NULL argument or no memory, a negative status with err filled
 * (done will not be called). Every other failure, validation included,
 * comes through done.
 */
AWSC_API int awsc_call_json_async(awsc_request **request_out, awsc_loop *loop,
                                  awsc_client *client, const char *operation,
                                  const char *json_in, awsc_json_done_fn done,
                                  void *user_data, awsc_error *err);

/*
 * Completion of a typed asynchronous call (the generated
 * awsc_<service>_<operation>_async functions, e.g. awsc_s3_head_object_async,
 * which take the same input struct as the blocking form plus the loop,
 * the callback and its user data, and return as awsc_call_json_async).
 * status is 0 or what the blocking form would have returned. output (NULL
 * on failure) is the operation's output struct (cast it to
 * awsc_s3_HeadObjectOutput * and the like), the callback's: free it with
 * awsc_mem_free; its metadata through awsc_output_metadata. A streaming
 * body is in the output, in memory. err is borrowed for the callback's
 * duration. The input struct is read before the start function returns.
 */
typedef void (*awsc_typed_done_fn)(int status, void *output,
                                   const awsc_error *err, void *user_data);

/* Cancel one call: it completes with AWSC_ECANCELLED at the loop's next
 * step (a transfer in flight is stopped and its connection closed; a
 * back-off timer is stopped). A call already completing is left alone.
 * NULL is a no-op. */
AWSC_API void awsc_request_cancel(awsc_request *request);

/* ---- the pull-style body reader ---- */

typedef struct awsc_body_reader awsc_body_reader;

/* Options of awsc_body_reader_open; zero means default. */
typedef struct awsc_body_reader_options {
  int version; /* AWSC_BODY_READER_OPTIONS_VERSION */
  /* The transfer is paused when this many bytes wait unread, and resumed
   * when a read wants more than is there; default 1 MiB. Memory held is
   * about this plus what libcurl reads in one step before the pause
   * takes effect (measured: up to about 2 MiB more over loopback),
   * whatever the size of the reads: while a read waits, the bytes go
   * straight into its buffer. */
  size_t buffer_bytes;
  /* The loop to drive (NULL: a private loop made and freed by the
   * reader). With a shared loop, other calls progress during reads. Not
   * a loop with hooks (AWSC_EINVAL): the reader runs its loop itself. */
  awsc_loop *loop;
} awsc_body_reader_options;

#define AWSC_BODY_READER_OPTIONS_VERSION 1
#define AWSC_BODY_READER_OPTIONS_INIT                                          \
  { AWSC_BODY_READER_OPTIONS_VERSION, 0, NULL }

/*
 * Start an operation whose output has a streaming payload (S3 GetObject
 * and the like) and return once its metadata is there: *meta_json_out is
 * the response as awsc_call_json returns it without the payload member
 * (the status, headers and the parsed non-body members, ResponseMetadata
 * included); free it with awsc_mem_free. The body is then read with
 * awsc_body_reader_read. *reader_out: close with awsc_body_reader_close.
 * A service error, validation error or transport failure before the body
 * returns that status (as awsc_call_json) and no reader; on a service
 * error (AWSC_ESERVICE) *meta_json_out is the error document as
 * awsc_call_json_response gives it (Error, ResponseMetadata with the
 * headers), the caller's to free; otherwise NULL. The client's
 * PROVIDE_CLIENT_PARAMS hooks run on json_in, as on the JSON door. A call
 * a BEFORE_CALL hook answers (awsc_hook_set_response_json) sends nothing:
 * the answer is the metadata, and its payload member, if it has one (a
 * string's bytes), is the body the reads give.
 * AWSC_EINVAL: the operation has no streaming output payload.
 */
AWSC_API int awsc_body_reader_open(awsc_body_reader **reader_out,
                                   char **meta_json_out, awsc_client *client,
                                   const char *operation, const char *json_in,
                                   const awsc_body_reader_options *options,
                                   awsc_error *err);
/*
 * Read up to n bytes of the body into buf: returns the bytes read (n,
 * fewer only at the end of the body), 0 at the end, or a negative status
 * when the body failed (cut short and not resumable, a checksum mismatch
 * found at the end, cancelled), err filled; every later read returns it
 * again. Runs the reader's loop while it waits.
 */
AWSC_API int64_t awsc_body_reader_read(awsc_body_reader *reader, void *buf,
                                       size_t n, awsc_error *err);
/*
 * As awsc_body_reader_read, but waits only for `least` bytes (fewer only
 * at the end of the body) and also takes what has arrived beyond them, up
 * to n, without waiting for more: a binding that reads ahead for small
 * reads (least = the caller's read, n = its read-ahead) adds no wait.
 * least 0 is taken as 1; AWSC_EINVAL when least > n.
 */
AWSC_API int64_t awsc_body_reader_read_some(awsc_body_reader *reader, void *buf,
                                            size_t least, size_t n,
                                            awsc_error *err);
/* Close the reader; an unfinished body is abandoned (the transfer stopped,
 * its connection closed). NULL is a no-op. */
AWSC_API void awsc_body_reader_close(awsc_body_reader *reader);

#ifdef __cplusplus
}
#endif

#endif
