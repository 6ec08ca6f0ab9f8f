/*
 * lib/client/hooks.c - request/response hooks on a client (awsc/hooks.h):
 * the registry, the context functions a hook calls, and the call points
 * of the pipeline and the JSON door.
 *
 * The registered hooks are an immutable, reference-counted set: adding or
 * removing one builds a new set and swaps it in under the registry's
 * lock, and a call takes a reference on the set current when it starts.
 * So a call never sees a half-changed list, a hook removed mid-call still
 * has its entry until the call ends, and the per-call cost is a lock and
 * a reference count, no allocation.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "client/hooks_internal.h"
#include "client/pipeline_internal.h"
#include "runtime/jtree.h"

typedef struct hook_entry {
  int id;
  awsc_hook_event event;
  const awsc_operation *op; /* NULL: every operation */
  awsc_hook_fn fn;
  void *user_data;
} hook_entry;

typedef struct awsc_hook_set {
  atomic_int refs;
  unsigned events; /* bit (1 << event) when the set has one */
  size_t n;
  hook_entry e[];
} awsc_hook_set;

typedef struct awsc_hook_reg {
  pthread_mutex_t lock;
  awsc_hook_set *current; /* NULL: none */
  int next_id;
} awsc_hook_reg;

struct awsc_hook_context {
  awsc_hook_event event;
  awsc_client *client;
  const awsc_operation *op;
  awsc_arena *a;
  awsc_call_state *st; /* BEFORE_CALL, BEFORE_SIGN, AFTER_CALL */
  /* PROVIDE_CLIENT_PARAMS: the JSON text, replaced in place */
  const char **json;
  /* BEFORE_CALL: the JSON view of st->call->input (NULL: not made yet) */
  const char *params_view;
  const char *method, *url; /* BEFORE_SIGN */
  bool headers_copied;      /* BEFORE_SIGN: st->hl is the call's own copy */
  int failed;               /* a set_* refused: the call fails with it */
  awsc_error ferr;
  char message[300];
};

/* ---- the registry ---- */

static awsc_hook_reg *reg_get(awsc_client *c, bool create) {
  awsc_hook_reg *r = atomic_load(&c->hook_reg);
  if (r || !create)
    return r;
  awsc_hook_reg *n = awsc_calloc(1, sizeof(*n));
  if (!n)
    return NULL;
  pthread_mutex_init(&n->lock, NULL);
  n->next_id = 1;
  awsc_hook_reg *expected = NULL;
  if (atomic_compare_exchange_strong(&c->hook_reg, &expected, n))
    return n;
  pthread_mutex_destroy(&n->lock);
  awsc_free(n);
  return expected; /* another thread created it first */
}

awsc_hook_set *awsc_hooks_acquire(awsc_client *c) {
  awsc_hook_reg *r = atomic_load(&c->hook_reg);
  if (!r)
    return NULL;
  pthread_mutex_lock(&r->lock);
  awsc_hook_set *s = r->current;
  if (s)
    atomic_fetch_add(&s->refs, 1);
  pthread_mutex_unlock(&r->lock);
  return s;
}

void awsc_hooks_release(awsc_hook_set *s) {
  if (s && atomic_fetch_sub(&s->refs, 1) == 1)
    awsc_free(s);
}

bool awsc_hooks_has(const awsc_hook_set *s, awsc_hook_event event) {
  return s && (s->events & (1u << event));
}

void awsc_hooks_client_free(awsc_client *c) {
  awsc_hook_reg *r = atomic_load(&c->hook_reg);
  if (!r)
    return;
  awsc_hooks_release(r->current);
  pthread_mutex_destroy(&r->lock);
  awsc_free(r);
}

/* A new set: `old` without entry `drop_id` (0: none), plus `add` (NULL:
 * none). NULL when out of memory. */
static awsc_hook_set *set_build(const awsc_hook_set *old, int drop_id,
                                const hook_entry *add) {
  size_t n = (old ? old->n : 0) + (add ? 1 : 0);
  awsc_hook_set *s = awsc_calloc(1, sizeof(*s) + n * sizeof(hook_entry));
  if (!s)
    return NULL;
  atomic_init(&s->refs, 1);
  for (size_t i = 0; old && i < old->n; i++)
    if (old->e[i].id != drop_id)
      s->e[s->n++] = old->e[i];
  if (add)
    s->e[s->n++] = *add;
  for (size_t i = 0; i < s->n; i++)
    s->events |= 1u << s->e[i].event;
  return s;
}

int awsc_client_hook_add(int *id_out, awsc_client *c, awsc_hook_event event,
                         const char *operation, awsc_hook_fn fn,
                         void *user_data, awsc_error *err) {
  if (!c || !fn || event < AWSC_HOOK_PROVIDE_CLIENT_PARAMS ||
      event > AWSC_HOOK_AFTER_CALL)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_client_hook_add: %s",
                          (!c || !fn) ? "NULL argument" : "unknown event");
  hook_entry e = {0, event, NULL, fn, user_data};
  if (operation && !(e.op = awsc_service_find_operation(c->svc, operation)))
    return awsc_error_set(err, AWSC_ENOTFOUND, AWSC_ERROR_VALIDATION,
                          "awsc_client_hook_add: operation %s not found in "
                          "service %s",
                          operation,
                          c->svc->service_id ? c->svc->service_id : "?");
  awsc_hook_reg *r = reg_get(c, true);
  if (!r)
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  pthread_mutex_lock(&r->lock);
  e.id = r->next_id;
  awsc_hook_set *s = set_build(r->current, 0, &e);
  if (s) {
    r->next_id++;
    awsc_hooks_release(r->current);
    r->current = s;
  }
  pthread_mutex_unlock(&r->lock);
  if (!s)
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  if (id_out)
    *id_out = e.id;
  return 0;
}

int awsc_client_hook_remove(awsc_client *c, int id, awsc_error *err) {
  if (!c)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_client_hook_remove: NULL client");
  awsc_hook_reg *r = reg_get(c, false);
  int rc = AWSC_ENOTFOUND;
  if (r) {
    pthread_mutex_lock(&r->lock);
    bool found = false;
    for (size_t i = 0; r->current && i < r->current->n; i++)
      found = found || r->current->e[i].id == id;
    awsc_hook_set *s = NULL;
    if (found && r->current->n > 1 && !(s = set_build(r->current, id, NULL)))
      rc = AWSC_ENOMEM;
    else if (found) {
      awsc_hooks_release(r->current);
      r->current = s; /* NULL when the last one went */
      rc = 0;
    }
    pthread_mutex_unlock(&r->lock);
  }
  if (rc == AWSC_ENOMEM)
    return awsc_error_set(err, rc, AWSC_ERROR_INTERNAL, "out of memory");
  if (rc)
    return awsc_error_set(err, rc, AWSC_ERROR_VALIDATION,
                          "awsc_client_hook_remove: no hook with id %d", id);
  return 0;
}

int awsc_client_set_check(awsc_client *c, awsc_client_check check,
                          awsc_toggle state, awsc_error *err) {
  if (!c || check != AWSC_CHECK_BUCKET_NAME ||
      (state != AWSC_TOGGLE_DEFAULT && state != AWSC_TOGGLE_ON &&
       state != AWSC_TOGGLE_OFF))
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_client_set_check: %s",
                          !c ? "NULL client" : "unknown check or state");
  atomic_store(&c->skip_bucket_check, state == AWSC_TOGGLE_OFF);
  return 0;
}

/* ---- running the hooks of one event ---- */

static const char *event_name(awsc_hook_event ev) {
  switch (ev) {
  case AWSC_HOOK_PROVIDE_CLIENT_PARAMS:
    return "provide-client-params";
  case AWSC_HOOK_BEFORE_CALL:
    return "before-call";
  case AWSC_HOOK_BEFORE_SIGN:
    return "before-sign";
  default:
    return "after-call";
  }
}

/* Run the set's hooks for ctx->event and ctx->op, in order. 0, the
 * status of a refused set_* call, or AWSC_ECANCELLED (err filled). */
static int run_hooks(const awsc_hook_set *s, awsc_hook_context *ctx,
                     awsc_error *err) {
  for (size_t i = 0; s && i < s->n; i++) {
    const hook_entry *e = &s->e[i];
    if (e->event != ctx->event || (e->op && e->op != ctx->op))
      continue;
    ctx->message[0] = '\0';
    int r = e->fn(ctx, e->user_data);
    if (ctx->failed) {
      awsc_error_copy(err, &ctx->ferr);
      return ctx->failed;
    }
    if (r != 0)
      return awsc_error_set(err, AWSC_ECANCELLED, AWSC_ERROR_VALIDATION,
                            "%s hook on %s stopped the call (returned %d)%s%s",
                            event_name(ctx->event), ctx->op->name, r,
                            ctx->message[0] ? ": " : "", ctx->message);
    if (ctx->st && ctx->st->hook.answered)
      break;
  }
  return 0;
}

static void ctx_init(awsc_hook_context *ctx, awsc_hook_event ev, awsc_client *c,
                     const awsc_operation *op, awsc_arena *a,
                     awsc_call_state *st) {
  memset(ctx, 0, sizeof(*ctx));
  ctx->event = ev;
  ctx->client = c;
  ctx->op = op;
  ctx->a = a;
  ctx->st = st;
}

/* A set_* call refused: the call fails with this once the hook returns. */
static int ctx_fail(awsc_hook_context *ctx, int code, const char *fmt, ...)
    AWSC_PRINTF(3, 4);
static int ctx_fail(awsc_hook_context *ctx, int code, const char *fmt, ...) {
  char msg[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  awsc_error_set(
      &ctx->ferr, code,
      code == AWSC_ENOMEM ? AWSC_ERROR_INTERNAL : AWSC_ERROR_VALIDATION,
      "%s hook on %s: %s", event_name(ctx->event), ctx->op->name, msg);
  ctx->failed = code;
  return code;
}

int awsc_hooks_provide_params(awsc_client *c, const awsc_operation *op,
                              const char **json, awsc_arena *arena,
                              awsc_error *err) {
  awsc_hook_set *s = awsc_hooks_acquire(c);
  int rc = 0;
  if (awsc_hooks_has(s, AWSC_HOOK_PROVIDE_CLIENT_PARAMS)) {
    awsc_hook_context ctx;
    ctx_init(&ctx, AWSC_HOOK_PROVIDE_CLIENT_PARAMS, c, op, arena, NULL);
    ctx.json = json;
    rc = run_hooks(s, &ctx, err);
  }
  awsc_hooks_release(s);
  return rc;
}

int awsc_hooks_before_call(awsc_call_state *st) {
  if (!awsc_hooks_has(st->hook.set, AWSC_HOOK_BEFORE_CALL))
    return 0;
  awsc_hook_context ctx;
  ctx_init(&ctx, AWSC_HOOK_BEFORE_CALL, st->c, st->op, st->a, st);
  int rc = run_hooks(st->hook.set, &ctx, st->err);
  if (!rc && st->hook.answered) {
    /* boto3's ResponseMetadata of an answer that was never sent */
    st->call->meta.http_status = 200;
    st->call->meta.request_id = "";
    st->call->meta.host_id = "";
  }
  return rc;
}

/* Each attempt starts from the same headers: the first attempt's, kept
 * aside; a hook that changes them works on a copy. */
int awsc_hooks_before_sign(awsc_call_state *st) {
  awsc_hook_call *h = &st->hook;
  if (!awsc_hooks_has(h->set, AWSC_HOOK_BEFORE_SIGN))
    return 0;
  if (!h->have_base) {
    h->base_items = st->hl.items;
    h->base_n = st->base_headers;
    h->base_cap = st->hl.cap;
    h->have_base = true;
  }
  st->hl.items = h->base_items;
  st->hl.n = h->base_n;
  st->hl.cap = h->base_cap;
  size_t ul = strlen(st->tgt.host) + strlen(st->tgt.path) + 9;
  char *u = awsc_arena_alloc(st->a, ul);
  if (!u)
    return awsc_call_oom(st);
  snprintf(u, ul, "%s://%s%s", st->tgt.https ? "https" : "http", st->tgt.host,
           st->tgt.path);
  awsc_hook_context ctx;
  ctx_init(&ctx, AWSC_HOOK_BEFORE_SIGN, st->c, st->op, st->a, st);
  ctx.method = st->sr.method;
  ctx.url = u;
  return run_hooks(h->set, &ctx, st->err);
}

int awsc_hooks_after_call(awsc_call_state *st, int rc) {
  if (!awsc_hooks_has(st->hook.set, AWSC_HOOK_AFTER_CALL) ||
      st->resp.status == 0)
    return rc;
  awsc_hook_context ctx;
  ctx_init(&ctx, AWSC_HOOK_AFTER_CALL, st->c, st->op, st->a, st);
  awsc_error herr = AWSC_ERROR_INIT;
  int hrc = run_hooks(st->hook.set, &ctx, &herr);
  if (!hrc)
    return rc;
  awsc_error_copy(st->err, &herr);
  return hrc;
}

/* ---- the context's functions ---- */

awsc_hook_event awsc_hook_event_type(const awsc_hook_context *ctx) {
  return ctx->event;
}

const char *awsc_hook_operation(const awsc_hook_context *ctx) {
  return ctx->op->name;
}

awsc_client *awsc_hook_client(const awsc_hook_context *ctx) {
  return ctx->client;
}

void awsc_hook_set_error(awsc_hook_context *ctx, const char *message) {
  awsc_strlcpy(ctx->message, message ? message : "", sizeof(ctx->message));
  for (char *p = ctx->message; *p; p++)
    if (*p == '\n' || *p == '\r')
      *p = ' ';
}

/* The payload member of the operation's input when it is a blob or a
 * stream (S3's Body), else NULL. */
static const awsc_member *payload_blob(const awsc_operation *op) {
  const awsc_shape *in = op->input;
  if (!in || in->payload_index < 0)
    return NULL;
  const awsc_member *m = &in->members[in->payload_index];
  return m->shape->type == AWSC_SHAPE_BLOB ? m : NULL;
}

const char *awsc_hook_params_json(awsc_hook_context *ctx) {
  if (ctx->event == AWSC_HOOK_PROVIDE_CLIENT_PARAMS)
    return (*ctx->json && **ctx->json) ? *ctx->json : "{}";
  if (ctx->event != AWSC_HOOK_BEFORE_CALL)
    return NULL;
  if (ctx->params_view)
    return ctx->params_view;
  const awsc_value *in = ctx->st->call->input;
  const awsc_member *pm = payload_blob(ctx->op);
  awsc_value null_v;
  memset(&null_v, 0, sizeof(null_v));
  if (in && in->type == AWSC_V_MAP && pm && awsc_value_get(in, pm->name) &&
      awsc_value_with_member(ctx->a, in, pm->name, &null_v, &in))
    return NULL;
  awsc_buf b = AWSC_BUF_INIT;
  int rc = (in && in->type == AWSC_V_MAP)
               ? awsc_value_to_json(&b, in, ctx->op->input, false)
               : awsc_buf_puts(&b, "{}");
  ctx->params_view = rc ? NULL : awsc_arena_strndup(ctx->a, b.p, b.len);
  awsc_buf_free(&b);
  return ctx->params_view;
}

typedef struct fix_data {
  const awsc_operation *op;
  const awsc_service_hooks *hooks;
  bool encoded;
} fix_data;

static int json_fix(awsc_jnode *root, awsc_arena *tmp, void *ud,
                    awsc_error *err) {
  fix_data *f = ud;
  return f->hooks->json_input(f->op, root, tmp, &f->encoded, err);
}

/* BEFORE_CALL: the replacement as the call's input, the payload kept
 * unless the replacement gives one. */
static int replace_input(awsc_hook_context *ctx, const char *json) {
  awsc_call *call = ctx->st->call;
  const awsc_operation *op = ctx->op;
  fix_data fd = {op, ctx->client->svc->hooks, false};
  bool fix = fd.hooks && fd.hooks->json_input;
  awsc_value *v = awsc_arena_calloc(ctx->a, 1, sizeof(*v));
  awsc_error e = AWSC_ERROR_INIT;
  if (!v)
    return ctx_fail(ctx, AWSC_ENOMEM, "out of memory");
  int rc =
      awsc_value_from_json_tmp(v, ctx->a, NULL, op->input, json, strlen(json),
                               0, fix ? json_fix : NULL, &fd, &e);
  if (rc)
    return ctx_fail(ctx, rc, "replaced parameters refused: %s", e.message);
  const awsc_value *in = v;
  const awsc_member *pm = payload_blob(op);
  const awsc_value *old =
      (pm && call->input) ? awsc_value_get(call->input, pm->name) : NULL;
  const awsc_value *now = pm ? awsc_value_get(v, pm->name) : NULL;
  if (old && (!now || now->type == AWSC_V_NULL) && v->type == AWSC_V_MAP &&
      awsc_value_with_member(ctx->a, v, pm->name, old, &in))
    return ctx_fail(ctx, AWSC_ENOMEM, "out of memory");
  call->input = in;
  call->copy_source_encoded = fd.encoded;
  ctx->params_view = NULL;
  return 0;
}

int awsc_hook_set_params_json(awsc_hook_context *ctx, const char *json) {
  const char *text = (json && *json) ? json : "{}";
  if (ctx->event == AWSC_HOOK_PROVIDE_CLIENT_PARAMS) {
    const char *copy = awsc_arena_strdup(ctx->a, text);
    if (!copy)
      return ctx_fail(ctx, AWSC_ENOMEM, "out of memory");
    *ctx->json = copy;
    return 0;
  }
  if (ctx->event != AWSC_HOOK_BEFORE_CALL)
    return AWSC_EINVAL;
  if (!ctx->op->input) {
    awsc_sv t = awsc_sv_trim(awsc_sv_from_cstr(text));
    return (awsc_sv_eq_cstr(t, "{}") || awsc_sv_eq_cstr(t, "null"))
               ? 0
               : ctx_fail(ctx, AWSC_EVALIDATION,
                          "Operation %s takes no parameters", ctx->op->name);
  }
  return replace_input(ctx, text);
}

int awsc_hook_set_response_json(awsc_hook_context *ctx, const char *json) {
  if (ctx->event != AWSC_HOOK_BEFORE_CALL)
    return AWSC_EINVAL;
  awsc_call *call = ctx->st->call;
  const char *text = (json && *json) ? json : "{}";
  awsc_error e = AWSC_ERROR_INIT;
  awsc_value out;
  memset(&out, 0, sizeof(out));
  if (ctx->op->output) {
    int rc = awsc_value_from_json_ex(&out, ctx->a, ctx->op->output, text,
                                     strlen(text), AWSC_VJ_NO_VALIDATE, &e);
    if (rc)
      return ctx_fail(ctx, rc, "answer refused: %s", e.message);
  }
  call->output = out;
  ctx->st->hook.answered = true;
  return 0;
}

const char *awsc_hook_request_method(const awsc_hook_context *ctx) {
  return ctx->event == AWSC_HOOK_BEFORE_SIGN ? ctx->method : NULL;
}

const char *awsc_hook_request_url(const awsc_hook_context *ctx) {
  return ctx->event == AWSC_HOOK_BEFORE_SIGN ? ctx->url : NULL;
}

/* The headers a context shows: the request's or the answer's. */
static const awsc_http_header *ctx_headers(const awsc_hook_context *ctx,
                                           size_t *n) {
  *n = 0;
  if (ctx->event == AWSC_HOOK_BEFORE_SIGN) {
    *n = ctx->st->hl.n;
    return ctx->st->hl.items;
  }
  if (ctx->event == AWSC_HOOK_AFTER_CALL) {
    *n = ctx->st->resp.header_count;
    return ctx->st->resp.headers;
  }
  return NULL;
}

size_t awsc_hook_header_count(const awsc_hook_context *ctx) {
  size_t n;
  ctx_headers(ctx, &n);
  return n;
}

int awsc_hook_header(const char **name_out, const char **value_out,
                     const awsc_hook_context *ctx, size_t i) {
  size_t n;
  const awsc_http_header *h = ctx_headers(ctx, &n);
  if (i >= n)
    return AWSC_EINVAL;
  if (name_out)
    *name_out = h[i].name;
  if (value_out)
    *value_out = h[i].value;
  return 0;
}

const char *awsc_hook_header_get(const awsc_hook_context *ctx,
                                 const char *name) {
  size_t n;
  const awsc_http_header *h = ctx_headers(ctx, &n);
  for (size_t i = 0; name && i < n; i++)
    if (strcasecmp(h[i].name, name) == 0)
      return h[i].value;
  return NULL;
}

int awsc_hook_header_set(awsc_hook_context *ctx, const char *name,
                         const char *value) {
  if (ctx->event != AWSC_HOOK_BEFORE_SIGN || !name || !*name ||
      strpbrk(name, "\r\n: ") || (value && strpbrk(value, "\r\n")))
    return AWSC_EINVAL;
  awsc_call_state *st = ctx->st;
  awsc_hdr_list *hl = &st->hl;
  if (!ctx->headers_copied) {
    /* the base list stays as it was for the next attempt */
    size_t cap = hl->n + 8;
    awsc_http_header *items = awsc_arena_alloc(st->a, cap * sizeof(*items));
    if (!items)
      return ctx_fail(ctx, AWSC_ENOMEM, "out of memory");
    if (hl->n)
      memcpy(items, hl->items, hl->n * sizeof(*items));
    hl->items = items;
    hl->cap = cap;
    ctx->headers_copied = true;
  }
  size_t kept = 0;
  for (size_t i = 0; i < hl->n; i++)
    if (strcasecmp(hl->items[i].name, name) != 0)
      hl->items[kept++] = hl->items[i];
  hl->n = kept;
  if (!value)
    return 0;
  const char *n = awsc_arena_strdup(st->a, name);
  const char *v = awsc_arena_strdup(st->a, value);
  if (!n || !v || awsc_hdr_push(st->a, hl, n, v))
    return ctx_fail(ctx, AWSC_ENOMEM, "out of memory");
  return 0;
}

int awsc_hook_http_status(const awsc_hook_context *ctx) {
  return ctx->event == AWSC_HOOK_AFTER_CALL ? ctx->st->resp.status : 0;
}

int awsc_hook_body(const void **data_out, size_t *len_out,
                   const awsc_hook_context *ctx) {
  if (ctx->event != AWSC_HOOK_AFTER_CALL)
    return AWSC_EINVAL;
  if (data_out)
    *data_out = ctx->st->resp.body ? ctx->st->resp.body : "";
  if (len_out)
    *len_out = ctx->st->resp.body ? ctx->st->resp.body_len : 0;
  return 0;
}
