/*
 * lib/client/pipeline_async.c - the request pipeline as a state machine
 * on an awsc_loop: build and credentials at start, then per attempt sign
 * -> a transfer on the loop -> the outcome (pipeline.c's steps) -> done,
 * again at once, or again when the back-off timer fires. And the JSON
 * door's asynchronous form, awsc_call_json_async.
 *
 * Every completion goes through the request's timer or a transfer's
 * end, so it runs from the loop, never from inside the start call.
 */
#include <stdatomic.h>
#include <stddef.h>
#include <string.h>

#include "client/hooks_internal.h"
#include "client/pipeline_async.h"
#include "client/typed.h"
#include "client/typed_async.h"
#include "runtime/jtree.h"

/* call_json.c: ,"ResponseMetadata":{...} */
int awsc_response_metadata_json(awsc_buf *b, const awsc_response_metadata *m);

#define REQUEST_OF(ptr, member)                                                \
  ((awsc_request *)(void *)((char *)(ptr)-offsetof(awsc_request, member)))

static void attempt(awsc_request *r);
static void backoff_fired(awsc_loop_timer *t);
static void deadline_fired(awsc_loop_timer *t);

void awsc_request_release(awsc_request *r) {
  if (!r)
    return;
  if (r->ws)
    awsc_client_ws_give(r->c, r->ws);
  awsc_arena_free(r->arena);
  awsc_client_free(r->c);
  /* a call ends on its loop, which outlives it: the block goes back to
   * the loop for the next call */
  if (!awsc_loop_spare_give(r->loop, r, sizeof(*r)))
    awsc_free(r);
}

/* A call's block: a spare one of the loop's, or a new one. Everything is
 * zeroed but the pipeline state (st, 4 KB of the 5.8: awsc_pipe_begin
 * sets what is read before anything reads it) and err (reset by
 * awsc_request_new); until awsc_pipe_begin only st.attempt is read
 * (cancel_op), so it is zeroed here. */
static awsc_request *request_block(awsc_loop *loop) {
  awsc_request *r = awsc_loop_spare_take(loop, sizeof(*r));
  if (!r)
    return awsc_calloc(1, sizeof(*r));
  /* both write only what they need: the block may be cold */
  size_t tail = offsetof(awsc_request, err) + sizeof(r->err);
  memset(r, 0, offsetof(awsc_request, st));
  memset((char *)r + tail, 0, sizeof(*r) - tail);
  r->st.attempt = 0;
  return r;
}

/* The call's workspace (signing buffers, the protocol's parse indexes
 * and scratch) is needed to build, sign and read the answer, not while
 * the request is in flight: it goes back to the client once the attempt
 * is handed to the loop and one is taken again when the attempt is over.
 * So calls in flight share a few warm workspaces instead of holding one
 * each (at 256 in flight that was megabytes touched in turn). */
int awsc_request_ws_hold(awsc_request *r) {
  if (!r->ws && !(r->ws = awsc_client_ws_take(r->c)))
    return awsc_error_set(&r->err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  r->call.ws = r->st.ws = r->ws;
  return 0;
}

static void ws_drop(awsc_request *r) {
  if (!r->ws)
    return;
  awsc_client_ws_give(r->c, r->ws);
  r->ws = r->call.ws = r->st.ws = NULL;
}

/* The call is over: the pipeline's end, off the loop's list, the kind's
 * completion (which releases r). */
static void finish(awsc_request *r, int rc) {
  r->finishing = true;
  int hrc = awsc_request_ws_hold(r);
  if (hrc && !rc)
    rc = hrc;
  awsc_loop_timer_stop(r->loop, &r->timer);
  awsc_loop_timer_stop(r->loop, &r->deadline);
  if (r->begun)
    rc = awsc_pipe_end(&r->st, rc);
  r->begun = false;
  awsc_loop_op_remove(r->loop, &r->op);
  r->complete(r, rc);
}

static void finish_fired(awsc_loop_timer *t) {
  awsc_request *r = REQUEST_OF(t, timer);
  finish(r, r->rc);
}

/* Complete at the loop's next step with rc (err already filled). */
static void finish_later(awsc_request *r, int rc) {
  r->finishing = true;
  r->rc = rc;
  awsc_loop_timer_arm(r->loop, &r->timer, 0, finish_fired);
}

/* The transport's outcome of an attempt, as the blocking driver reads
 * awsc_transport_send's. */
static void on_sent(awsc_request *r, int trc) {
  awsc_call_state *st = &r->st;
  if (awsc_request_ws_hold(r)) { /* r->err (st->err) says why */
    finish(r, AWSC_ENOMEM);
    return;
  }
  st->trc = trc;
  st->backoff = false;
  long delay = -1;
  int rc = awsc_pipe_attempt_outcome(st, &delay);
  if (rc || delay < 0) {
    finish(r, rc);
    return;
  }
  if (st->backoff && delay > 0) {
    awsc_loop_timer_arm(r->loop, &r->timer, delay, backoff_fired);
    return;
  }
  attempt(r);
}

static void xfer_done(awsc_loop_xfer *x, int trc) {
  on_sent(REQUEST_OF(x, xfer), trc);
}

static void backoff_fired(awsc_loop_timer *t) {
  attempt(REQUEST_OF(t, timer));
}

static void start_failed_fired(awsc_loop_timer *t) {
  awsc_request *r = REQUEST_OF(t, timer);
  on_sent(r, r->rc);
}

/* Sign the next attempt and hand it to the loop. */
static void attempt(awsc_request *r) {
  awsc_call_state *st = &r->st;
  int rc = awsc_request_ws_hold(r);
  if (!rc)
    rc = awsc_pipe_attempt_request(st, &r->hr);
  if (rc) {
    finish_later(r, rc);
    return;
  }
  awsc_error_reset(&st->terr);
  r->xfer.sink_ours = r->sink_ours;
  rc = awsc_loop_xfer_start(r->loop, &r->xfer, st->transport, &r->hr, &st->resp,
                            &st->terr, xfer_done);
  if (rc) {
    /* as a transport's failure: the outcome decides, from the loop */
    r->rc = rc;
    awsc_loop_timer_arm(r->loop, &r->timer, 0, start_failed_fired);
    return;
  }
  ws_drop(r); /* in flight: taken again for the answer (on_sent) */
}

/* total_timeout_ms: the attempt in flight is stopped when the deadline
 * passes (a silent server included); the outcome then ends the call with
 * the deadline's error, as the blocking driver's progress check does. A
 * back-off never outlives the deadline (the outcome refuses it). */
static void deadline_fired(awsc_loop_timer *t) {
  awsc_request *r = REQUEST_OF(t, deadline);
  if (r->finishing || !r->xfer.running)
    return;
  awsc_loop_xfer_abort(&r->xfer);
  r->st.deadline_hit = true;
  awsc_error_set(&r->st.terr, AWSC_ETIMEOUT, AWSC_ERROR_TIMEOUT,
                 "deadline reached during the attempt");
  on_sent(r, AWSC_ETIMEOUT);
}

static void cancel_op(awsc_loop_op *op) {
  awsc_request *r = REQUEST_OF(op, op);
  if (r->finishing)
    return;
  awsc_loop_xfer_abort(&r->xfer);
  awsc_error_set(&r->err, AWSC_ECANCELLED, AWSC_ERROR_INTERNAL, "%s: cancelled",
                 r->call.op ? r->call.op->name : "call");
  if (r->st.attempt > 0)
    r->err.retry_attempts = r->st.attempt - 1;
  finish_later(r, AWSC_ECANCELLED);
}

void awsc_request_cancel(awsc_request *r) {
  if (r)
    cancel_op(&r->op);
}

void awsc_request_abort_now(awsc_request *r) {
  if (r->finishing)
    return;
  awsc_loop_xfer_abort(&r->xfer);
  awsc_error_set(&r->err, AWSC_ECANCELLED, AWSC_ERROR_INTERNAL, "%s: cancelled",
                 r->call.op ? r->call.op->name : "call");
  finish(r, AWSC_ECANCELLED);
}

/* The service's JSON-input hook, as an awsc_jtree_fix_fn (as call_json.c). */
typedef struct json_fix {
  const awsc_operation *op;
  const awsc_service_hooks *hooks;
  bool encoded;
} json_fix;

static int json_input_fix(awsc_jnode *root, awsc_arena *tmp, void *ud,
                          awsc_error *err) {
  json_fix *f = ud;
  return f->hooks->json_input(f->op, root, tmp, &f->encoded, err);
}

/* The parameters as a value in the call's arena. */
static int parse_input(awsc_request *r, const char *json_in) {
  const awsc_operation *op = r->call.op;
  const char *text = (json_in && *json_in) ? json_in : "{}";
  json_fix fix = {op, r->c->svc->hooks, false};
  /* the JSON door's PROVIDE_CLIENT_PARAMS hooks, as the blocking door */
  if (atomic_load(&r->c->hook_reg)) {
    int rc = awsc_hooks_provide_params(r->c, op, &text, r->arena, &r->err);
    if (rc)
      return rc;
  }
  if (!op->input) {
    awsc_sv t = awsc_sv_trim(awsc_sv_from_cstr(text));
    if (!awsc_sv_eq_cstr(t, "{}") && !awsc_sv_eq_cstr(t, "null"))
      return awsc_error_set(&r->err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                            "Operation %s takes no parameters", op->name);
    return 0;
  }
  bool hook = fix.hooks && fix.hooks->json_input;
  awsc_arena *tmp = awsc_proto_ws_arena(r->ws->proto);
  if (!tmp)
    return awsc_error_set(&r->err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  int rc = awsc_value_from_json_tmp(
      &r->in, r->arena, tmp, op->input, text, strlen(text), 0,
      hook ? json_input_fix : NULL, &fix, &r->err);
  r->call.input = &r->in;
  r->call.copy_source_encoded = fix.encoded;
  return rc;
}

int awsc_request_new(awsc_request **out, awsc_loop *loop, awsc_client *c,
                     const awsc_body_sink *sink,
                     awsc_request_complete_fn complete, void *user_data,
                     awsc_error *err) {
  *out = NULL;
  awsc_request *r = request_block(loop);
  if (!r)
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  r->c = awsc_client_ref(c);
  r->loop = loop;
  r->complete = complete;
  r->user_data = user_data;
  r->op.cancel = cancel_op;
  r->arena = awsc_client_arena(c);
  r->ws = r->arena ? awsc_client_ws_take(c) : NULL;
  if (!r->ws) {
    awsc_request_release(r);
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  }
  awsc_error_reset(&r->err);
  r->call.arena = r->arena;
  r->call.ws = r->ws;
  r->call.sink = *sink;
  awsc_loop_op_add(loop, &r->op);
  *out = r;
  return 0;
}

static void go(awsc_request *r, int rc) {
  if (!rc)
    rc = awsc_request_ws_hold(r);
  if (!rc) {
    r->begun = true;
    rc = awsc_pipe_begin(&r->st, r->c, &r->call, r->ws, &r->err);
  }
  bool answered = !rc && r->st.hook.answered; /* by a before-call hook */
  if (!rc && !answered && r->c->total_timeout_ms > 0)
    awsc_loop_timer_arm(r->loop, &r->deadline, r->c->total_timeout_ms,
                        deadline_fired);
  if (rc || answered)
    finish_later(r, rc);
  else
    attempt(r);
}

static void go_deferred(awsc_loop_timer *t) {
  go(REQUEST_OF(t, timer), 0);
}

void awsc_request_go(awsc_request *r, int rc) {
  /* started from a completion callback: built and signed after the
   * completions being delivered, with the other calls started there */
  if (!rc && awsc_loop_defer(r->loop, &r->timer, go_deferred)) {
    ws_drop(r); /* the calls queued there share the warm ones */
    return;
  }
  go(r, rc);
}

int awsc_request_start(awsc_request **out, awsc_loop *loop, awsc_client *c,
                       const char *opname, const char *json_in,
                       const awsc_body_sink *sink, bool sink_ours,
                       awsc_request_complete_fn complete, void *user_data,
                       awsc_error *err) {
  int rc = awsc_request_new(out, loop, c, sink, complete, user_data, err);
  if (rc)
    return rc;
  awsc_request *r = *out;
  r->sink_ours = sink_ours;
  r->call.op = awsc_service_find_operation(c->svc, opname);
  if (!r->call.op)
    rc = awsc_error_set(&r->err, AWSC_ENOTFOUND, AWSC_ERROR_VALIDATION,
                        "Operation %s not found in service %s", opname,
                        c->svc->service_id ? c->svc->service_id : "?");
  else
    rc = parse_input(r, json_in);
  awsc_request_go(r, rc);
  return 0;
}

int awsc_request_output_json(awsc_request *r, const char *skip,
                             char **json_out) {
  const awsc_operation *op = r->call.op;
  awsc_buf *out = &r->ws->text;
  awsc_buf_reset(out);
  const awsc_value *v = &r->call.output;
  awsc_value trimmed;
  if (skip && v->type == AWSC_V_MAP) {
    /* a shallow copy without the member (the items stay the call's) */
    trimmed = *v;
    awsc_kv *items =
        awsc_arena_alloc(r->arena, (v->u.map.n + 1) * sizeof(*items));
    if (!items)
      return AWSC_ENOMEM;
    size_t n = 0;
    for (size_t i = 0; i < v->u.map.n; i++)
      if (strcmp(v->u.map.items[i].key, skip) != 0)
        items[n++] = v->u.map.items[i];
    trimmed.u.map.items = items;
    trimmed.u.map.n = n;
    v = &trimmed;
  }
  int rc;
  if (op->output && v->type == AWSC_V_MAP)
    rc = awsc_value_to_json(out, v, op->output, false);
  else
    rc = awsc_buf_puts(out, "{}");
  if (!rc && out->len >= 2 && out->p[out->len - 1] == '}') {
    out->len--;
    out->p[out->len] = '\0';
    if (out->len > 1)
      rc = awsc_buf_putc(out, ',');
    rc = rc ? rc : awsc_response_metadata_json(out, &r->call.meta);
    rc = rc ? rc : awsc_buf_putc(out, '}');
  }
  char *s = rc ? NULL : awsc_out_strndup(out->p, out->len);
  if (!s)
    return AWSC_ENOMEM;
  *json_out = s;
  return 0;
}

/* The JSON door's completion: the output JSON, the caller's callback,
 * then everything released. */
static void json_complete(awsc_request *r, int rc) {
  char *json = NULL;
  if (!rc && awsc_request_output_json(r, NULL, &json))
    rc = awsc_error_set(&r->err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                        "out of memory");
  if (!rc)
    awsc_error_reset(&r->err);
  r->done(rc, json, &r->err, r->user_data);
  awsc_request_release(r);
}

int awsc_call_json_async(awsc_request **request_out, awsc_loop *loop,
                         awsc_client *client, const char *operation,
                         const char *json_in, awsc_json_done_fn done,
                         void *user_data, awsc_error *err) {
  if (request_out)
    *request_out = NULL;
  if (!loop || !client || !operation || !done)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_call_json_async: NULL argument");
  awsc_body_sink mem;
  memset(&mem, 0, sizeof(mem));
  mem.kind = AWSC_SINK_MEMORY;
  awsc_request *r = NULL;
  int rc = awsc_request_start(&r, loop, client, operation, json_in, &mem, false,
                              json_complete, user_data, err);
  if (rc)
    return rc;
  r->done = done;
  if (request_out)
    *request_out = r;
  return 0;
}

/* The typed door's completion: the output struct in the call's arena,
 * which the output then owns. */
static void typed_complete(awsc_request *r, int rc) {
  void *out = NULL;
  if (!rc) {
    /* filled by the pipeline already (typed_filled), or from the value */
    const awsc_shape *os = r->typed_op->output;
    void *obj = r->call.typed_out ? r->call.typed_out
                                  : awsc_typed_output_alloc(os, r->arena);
    rc = !obj
             ? AWSC_ENOMEM
             : awsc_typed_output_finish(
                   &out, obj, os, r->call.typed_filled ? NULL : &r->call.output,
                   &r->call.meta, r->arena);
    if (rc)
      awsc_error_set(&r->err, rc, AWSC_ERROR_INTERNAL, "out of memory");
    else
      r->arena = NULL; /* the output's now */
  }
  if (!rc)
    awsc_error_reset(&r->err);
  r->typed_done(rc, out, &r->err, r->user_data);
  awsc_request_release(r);
}

int awsc_invoke_typed_async(awsc_request **request_out, awsc_loop *loop,
                            awsc_client *c, const awsc_service *svc,
                            const awsc_operation *op, const void *input,
                            awsc_typed_done_fn done, void *user_data,
                            awsc_error *err) {
  return awsc_invoke_typed_async_ex(request_out, loop, c, svc, op, input, NULL,
                                    0, done, user_data, err);
}

int awsc_invoke_typed_async_ex(awsc_request **request_out, awsc_loop *loop,
                               awsc_client *c, const awsc_service *svc,
                               const awsc_operation *op, const void *input,
                               const awsc_body_sink *sink, unsigned flags,
                               awsc_typed_done_fn done, void *user_data,
                               awsc_error *err) {
  if (request_out)
    *request_out = NULL;
  if (!loop || !c || !done)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "%s: NULL argument", op->name);
  if (c->svc != svc && (!c->svc->service_id || !svc->service_id ||
                        strcmp(c->svc->service_id, svc->service_id) != 0))
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "%s is an operation of %s, called with a %s client",
                          op->name, svc->service_id ? svc->service_id : "?",
                          c->svc->service_id ? c->svc->service_id : "?");
  awsc_body_sink mem;
  memset(&mem, 0, sizeof(mem));
  mem.kind = AWSC_SINK_MEMORY;
  awsc_request *r = NULL;
  int rc = awsc_request_new(&r, loop, c, sink ? sink : &mem, typed_complete,
                            user_data, err);
  if (rc)
    return rc;
  r->call.copy_source_encoded = (flags & AWSC_TYPED_COPY_SOURCE_ENCODED) != 0;
  r->typed_op = op;
  r->typed_done = done;
  /* the client's own descriptor of the operation (same service model) */
  r->call.op =
      c->svc == svc ? op : awsc_service_find_operation(c->svc, op->name);
  if (!r->call.op)
    rc = awsc_error_set(&r->err, AWSC_ENOTFOUND, AWSC_ERROR_VALIDATION,
                        "operation %s not in the client's model", op->name);
  /* the output struct, which the pipeline may fill itself when the model
   * is the client's (the struct's layout is op's) */
  else if (r->call.op == op &&
           !(r->call.typed_out = awsc_typed_output_alloc(op->output, r->arena)))
    rc = awsc_error_set(&r->err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                        "out of memory");
  if (!rc && r->call.op && op->input) {
    rc = awsc_typed_to_value(op->input, input, r->arena, &r->in, &r->err);
    r->call.input = &r->in;
  }
  awsc_request_go(r, rc);
  if (request_out)
    *request_out = r;
  return 0;
}
