/*
 * Paginators: botocore's PageIterator (botocore/paginate.py), driven by
 * the awsc_paginator descriptors generated from paginators-1.json.
 *
 * The loop of PageIterator.__iter__ becomes a state machine: each
 * fetch_page() makes one request and then does what botocore does after
 * the `yield` (next token, MaxItems bookkeeping, repeated-token check), so
 * a failure botocore raises on the following next() is kept and returned
 * by the following call here.
 */
#include <stdio.h>
#include <string.h>

#include "awsc/paginator.h"
#include "client/jmespath.h"
#include "client/paginate_internal.h"
#include "client/typed.h"
#include "runtime/jtree.h"

/* What the request parameters hold for one input token (botocore mutates
 * its op_kwargs dict: a token is set, deleted, or never touched). */
enum { KW_KEEP = 0, KW_SET, KW_DELETE };

struct awsc_page_iterator {
  awsc_client *client;
  const awsc_operation *op;
  const awsc_paginator *pg;
  awsc_arena *arena;          /* expressions, input, first-page keys */
  awsc_value input;           /* the caller's parameters (MAP) */
  size_t ntok;                /* input tokens */
  awsc_jmespath **out_tokens; /* [ntok], NULL past output_token_count */
  awsc_jmespath *more_results;
  awsc_jmespath **result_keys;
  awsc_jmespath **non_aggregate;
  awsc_jmespath *item_expr; /* config.item_expression or NULL */
  int64_t max_items;        /* -1: none */
  awsc_value limit;         /* PageSize as the limit key wants it */
  bool has_limit;
  /* op_kwargs' token members */
  uint8_t *kw_state;
  char **kw_text;
  /* botocore's next_token / previous_next_token (JSON text, NULL = None) */
  char **next_token;
  char **prev_token;
  bool have_prev;
  bool started;
  bool has_starting;
  int64_t starting_truncation;
  int64_t total_items;
  bool done;
  int failed_rc; /* sticky failure, replayed */
  awsc_error failed_err;
  char *resume_token;
  awsc_value non_agg; /* MAP in arena, from the first page */
  /* the current page */
  awsc_arena *page_arena;
  awsc_arena *spare_arena; /* a page arena emptied for the next page */
  awsc_value page;
  awsc_response_metadata meta;
  awsc_value items; /* LIST being walked by next_item */
  size_t item_pos;
  bool items_ready;
  const awsc_shape *typed_output; /* typed paginators: the C layout */
};

static int oom(awsc_error *err) {
  return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL, "out of memory");
}

/* Python's truth value (botocore tests tokens and more_results with `if`):
 * unlike JMESPath's, 0 and 0.0 are false. */
static bool py_truthy(const awsc_value *v) {
  if (v->type == AWSC_V_INT)
    return v->u.i != 0;
  if (v->type == AWSC_V_DOUBLE)
    return v->u.d != 0;
  return awsc_jmespath_truthy(v);
}

static int set_expr(awsc_arena *a, awsc_value *m, const awsc_jmespath *e,
                    const awsc_value *v, awsc_error *err) {
  int rc = awsc_value_set_path(a, m, awsc_jmespath_text(e), v);
  if (rc == AWSC_EINVAL)
    return awsc_error_set(err, rc, AWSC_ERROR_VALIDATION,
                          "Invalid expression for setting a value: %s",
                          awsc_jmespath_text(e));
  return rc ? oom(err) : 0;
}

/* ------------------------------------------------------------------ */
/* requests */

static void set_text(char **slot, char *text) {
  awsc_free(*slot);
  *slot = text;
}

static char *dup_text(const char *t, bool *fail) {
  if (!t)
    return NULL;
  char *d = awsc_strdup(t);
  if (!d)
    *fail = true;
  return d;
}

/* botocore's _inject_token_into_kwargs. */
static int inject(awsc_page_iterator *p, char *const *tokens) {
  bool fail = false;
  for (size_t i = 0; i < p->ntok; i++) {
    const char *t = tokens[i];
    if (t && strcmp(t, "\"None\"") != 0) {
      set_text(&p->kw_text[i], dup_text(t, &fail));
      p->kw_state[i] = p->kw_text[i] ? KW_SET : KW_DELETE;
    } else {
      p->kw_state[i] = KW_DELETE;
      set_text(&p->kw_text[i], NULL);
    }
  }
  return fail ? AWSC_ENOMEM : 0;
}

static bool is_token_key(const awsc_page_iterator *p, const awsc_kv *kv,
                         size_t *which) {
  for (size_t i = 0; i < p->ntok; i++) {
    const char *name = p->pg->input_tokens[i];
    if (strlen(name) == kv->key_len &&
        memcmp(name, kv->key, kv->key_len) == 0) {
      *which = i;
      return true;
    }
  }
  return false;
}

/* This request's parameters: the caller's, with the tokens and limit of
 * op_kwargs laid over them. */
static int build_input(awsc_page_iterator *p, awsc_arena *a, awsc_value *in,
                       awsc_error *err) {
  size_t n = p->input.u.map.n;
  awsc_kv *items = awsc_arena_calloc(a, n + p->ntok + 1, sizeof(awsc_kv));
  if (!items)
    return oom(err);
  size_t k = 0, which;
  for (size_t i = 0; i < n; i++) {
    const awsc_kv *kv = &p->input.u.map.items[i];
    if (is_token_key(p, kv, &which) && p->kw_state[which] != KW_KEEP)
      continue;
    if (p->has_limit && strcmp(kv->key, p->pg->limit_key) == 0)
      continue;
    items[k++] = *kv;
  }
  for (size_t i = 0; i < p->ntok; i++) {
    if (p->kw_state[i] != KW_SET)
      continue;
    const char *name = p->pg->input_tokens[i];
    const awsc_member *m =
        awsc_shape_find_member(p->op->input, name, strlen(name));
    if (!m)
      return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_INTERNAL,
                            "Paginator of %s: input token %s is not a "
                            "parameter of the operation",
                            p->op->name, name);
    const char *t = p->kw_text[i];
    int rc = awsc_value_from_json_ex(&items[k].value, a, m->shape, t, strlen(t),
                                     AWSC_VJ_NO_VALIDATE, err);
    if (rc)
      return rc;
    items[k].key = name;
    items[k].key_len = strlen(name);
    k++;
  }
  if (p->has_limit) {
    items[k].key = p->pg->limit_key;
    items[k].key_len = strlen(p->pg->limit_key);
    items[k].value = p->limit;
    k++;
  }
  awsc_value_set_map(in, items, k);
  return 0;
}

/* ------------------------------------------------------------------ */
/* one page */

/* Remember a failure (botocore's generator is dead after raising) and
 * report it. */
static int fail(awsc_page_iterator *p, int rc, const awsc_error *e,
                awsc_error *err) {
  if (e != &p->failed_err) {
    p->failed_rc = rc;
    awsc_error_copy(&p->failed_err, e);
  }
  awsc_error_copy(err, e);
  return rc;
}

/* What a page arena keeps of its blocks for the next page: a 1000-item
 * page takes about 1 MiB. Freeing it and allocating the next one afresh
 * made malloc give the heap top back to the system and fault it in again
 * for every page, which cost more than parsing the page. */
#define PAGE_KEEP_BYTES (2u * 1024u * 1024u)

void awsc_paginator_recycle_arena(awsc_page_iterator *p, awsc_arena *a) {
  if (!a)
    return;
  if (p && a != p->page_arena) { /* a taken page: nothing may point there */
    memset(&p->page, 0, sizeof(p->page));
    p->items_ready = false;
  }
  if (p && !p->spare_arena) {
    awsc_arena_reset(a, PAGE_KEEP_BYTES);
    p->spare_arena = a;
  } else {
    awsc_arena_free(a);
  }
}

static void drop_page(awsc_page_iterator *p) {
  awsc_paginator_recycle_arena(p, p->page_arena);
  p->page_arena = NULL;
  memset(&p->page, 0, sizeof(p->page));
  memset(&p->meta, 0, sizeof(p->meta));
  p->items_ready = false;
}

static int64_t result_count(const awsc_value *v) {
  return v->type == AWSC_V_LIST ? (int64_t)v->u.list.n : 0;
}

/* botocore's _handle_first_request: drop the items a resume token says
 * were already returned, and empty the secondary result keys. */
static int first_page_truncation(awsc_page_iterator *p, awsc_arena *a,
                                 awsc_value *parsed, awsc_error *err) {
  awsc_value all, data;
  int rc = awsc_jmespath_search(p->result_keys[0], parsed, a, &all, err);
  if (rc)
    return rc;
  memset(&data, 0, sizeof(data));
  if (all.type == AWSC_V_LIST) {
    int64_t n = (int64_t)all.u.list.n, s = p->starting_truncation;
    s = s < 0 ? (s + n < 0 ? 0 : s + n) : (s > n ? n : s); /* a[s:] */
    data = all;
    data.u.list.items = all.u.list.items + s;
    data.u.list.n = (size_t)(n - s);
  } else if (all.type == AWSC_V_STRING) {
    size_t i = 0;
    for (int64_t cps = 0; i < all.u.s.n; i++) {
      if (((unsigned char)all.u.s.p[i] & 0xC0) != 0x80 &&
          cps++ == p->starting_truncation)
        break;
    }
    data = all;
    data.u.s.p += i;
    data.u.s.n -= i;
  }
  if ((rc = set_expr(a, parsed, p->result_keys[0], &data, err)))
    return rc;
  for (uint32_t k = 1; k < p->pg->result_key_count; k++) {
    awsc_value sample, empty;
    if ((rc = awsc_jmespath_search(p->result_keys[k], parsed, a, &sample, err)))
      return rc;
    memset(&empty, 0, sizeof(empty));
    if (sample.type == AWSC_V_LIST || sample.type == AWSC_V_STRING)
      empty.type = sample.type;
    else if (sample.type == AWSC_V_INT || sample.type == AWSC_V_DOUBLE ||
             sample.type == AWSC_V_BOOL) /* bool is an int in Python */
      empty.type = AWSC_V_INT;
    if (empty.type == AWSC_V_STRING)
      empty.u.s.p = "";
    if ((rc = set_expr(a, parsed, p->result_keys[k], &empty, err)))
      return rc;
  }
  return 0;
}

static int record_non_aggregate(awsc_page_iterator *p, const awsc_value *parsed,
                                awsc_arena *a, awsc_error *err) {
  memset(&p->non_agg, 0, sizeof(p->non_agg));
  p->non_agg.type = AWSC_V_MAP;
  for (uint32_t k = 0; k < p->pg->non_aggregate_key_count; k++) {
    awsc_value v, kept;
    int rc = awsc_jmespath_search(p->non_aggregate[k], parsed, a, &v, err);
    if (rc)
      return rc;
    if (awsc_value_clone(p->arena, &v, &kept))
      return oom(err);
    if ((rc = set_expr(p->arena, &p->non_agg, p->non_aggregate[k], &kept, err)))
      return rc;
  }
  return 0;
}

/* botocore's _get_next_token: texts[ntok] (awsc_malloc'd or NULL). */
static int next_tokens(awsc_page_iterator *p, const awsc_value *parsed,
                       awsc_arena *a, char **texts, awsc_error *err) {
  for (size_t i = 0; i < p->ntok; i++)
    texts[i] = NULL;
  awsc_value v;
  int rc;
  if (p->more_results) {
    if ((rc = awsc_jmespath_search(p->more_results, parsed, a, &v, err)))
      return rc;
    if (!py_truthy(&v))
      return 0;
  }
  for (size_t i = 0; i < p->ntok; i++) {
    if (!p->out_tokens[i])
      continue;
    if ((rc = awsc_jmespath_search(p->out_tokens[i], parsed, a, &v, err)))
      return rc;
    if (!py_truthy(&v)) /* "" is no token */
      continue;
    awsc_buf t = AWSC_BUF_INIT;
    rc = awsc_pyjson_dump(&t, &v);
    if (rc || !t.p) {
      awsc_buf_free(&t);
      return rc == AWSC_EUNSUPPORTED
                 ? awsc_error_set(err, rc, AWSC_ERROR_VALIDATION,
                                  "Pagination tokens with binary values are "
                                  "not supported")
                 : oom(err);
    }
    texts[i] = awsc_buf_detach(&t);
  }
  return 0;
}

static void free_texts(char **texts, size_t n) {
  for (size_t i = 0; i < n && texts; i++) {
    awsc_free(texts[i]);
    texts[i] = NULL;
  }
}

static bool tokens_equal(char *const *a, char *const *b, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (!a[i] != !b[i] || (a[i] && strcmp(a[i], b[i]) != 0))
      return false;
  }
  return true;
}

static int set_resume_token(awsc_page_iterator *p, char *const *tokens,
                            int64_t truncate, awsc_error *err) {
  char *t = NULL;
  if (awsc_resume_token_encode(&t, p->pg->input_tokens, tokens, p->ntok,
                               truncate))
    return oom(err);
  set_text(&p->resume_token, t);
  return 0;
}

/* "The same next token was received twice: {'NextToken': 'abc'}" */
static void repeated_token(awsc_page_iterator *p, char *const *tokens) {
  awsc_buf m = AWSC_BUF_INIT;
  awsc_buf_putc(&m, '{');
  for (size_t i = 0; i < p->ntok; i++) {
    const char *t = tokens[i] ? tokens[i] : "None";
    size_t n = strlen(t);
    /* a plain string as Python's repr writes it: 'abc' */
    bool plain = n >= 2 && t[0] == '"' && !strpbrk(t + 1, "\\'") &&
                 strchr(t + 1, '"') == t + n - 1;
    awsc_buf_printf(&m, "%s'%s': %s%.*s%s", i ? ", " : "",
                    p->pg->input_tokens[i], plain ? "'" : "",
                    (int)(plain ? n - 2 : n), plain ? t + 1 : t,
                    plain ? "'" : "");
  }
  awsc_buf_putc(&m, '}');
  p->failed_rc = awsc_error_set(&p->failed_err, AWSC_EPARSE, AWSC_ERROR_PARSE,
                                "The same next token was received twice: %s",
                                m.p ? m.p : "{...}");
  awsc_buf_free(&m);
}

/* The loop body of PageIterator.__iter__ after the response (parsed is
 * modified in place: truncation). */
static int after_response(awsc_page_iterator *p, awsc_arena *a,
                          awsc_value *parsed, awsc_error *err) {
  int rc;
  if (!p->started) {
    if (p->has_starting && (rc = first_page_truncation(p, a, parsed, err)))
      return rc;
    p->started = true;
    if ((rc = record_non_aggregate(p, parsed, a, err)))
      return rc;
  } else {
    p->starting_truncation = 0;
  }
  awsc_value cur;
  if ((rc = awsc_jmespath_search(p->result_keys[0], parsed, a, &cur, err)))
    return rc;
  int64_t num = result_count(&cur);
  int64_t truncate =
      p->max_items >= 0 ? p->total_items + num - p->max_items : 0;
  if (truncate > 0) {
    /* botocore's _truncate_response */
    int64_t keep = num - truncate;
    cur.u.list.n = (size_t)keep;
    if ((rc = set_expr(a, parsed, p->result_keys[0], &cur, err)))
      return rc;
    p->done = true;
    return set_resume_token(p, p->next_token, keep + p->starting_truncation,
                            err);
  }
  p->total_items += num;
  char **next = awsc_calloc(p->ntok ? p->ntok : 1, sizeof(char *));
  if (!next)
    return oom(err);
  rc = next_tokens(p, parsed, a, next, err);
  bool any = false;
  for (size_t i = 0; i < p->ntok; i++)
    any = any || next[i];
  if (rc || !any) {
    p->done = !rc;
  } else if (p->max_items >= 0 && p->total_items == p->max_items) {
    /* on a page boundary: the service's own token resumes */
    p->done = true;
    rc = set_resume_token(p, next, -1, err);
  } else if (p->have_prev && tokens_equal(p->prev_token, next, p->ntok)) {
    repeated_token(p, next); /* raised on the next call, after this page */
  } else if ((rc = inject(p, next)) != 0) {
    rc = oom(err);
  } else {
    /* previous_next_token = next_token = next */
    free_texts(p->prev_token, p->ntok);
    for (size_t i = 0; i < p->ntok; i++) {
      p->prev_token[i] = next[i];
      next[i] = NULL;
      bool f = false;
      set_text(&p->next_token[i], dup_text(p->prev_token[i], &f));
      if (f)
        rc = oom(err);
    }
    p->have_prev = true;
  }
  free_texts(next, p->ntok);
  awsc_free(next);
  return rc;
}

/* 1 = a page is in p->page, 0 = the end, < 0 = error. */
static int fetch_page(awsc_page_iterator *p, awsc_error *err) {
  if (p->failed_rc)
    return fail(p, p->failed_rc, &p->failed_err, err);
  drop_page(p);
  if (p->done)
    return 0;
  awsc_error e = AWSC_ERROR_INIT;
  awsc_arena *a = p->spare_arena ? p->spare_arena : awsc_arena_new(16 * 1024);
  p->spare_arena = NULL;
  if (!a)
    return fail(p, oom(&e), &e, err);
  awsc_call call;
  memset(&call, 0, sizeof(call));
  awsc_value in;
  int rc = build_input(p, a, &in, &e);
  if (!rc) {
    call.op = p->op;
    call.input = &in;
    call.arena = a;
    call.sink.kind = AWSC_SINK_MEMORY;
    rc = awsc_client_invoke(p->client, &call, &e);
  }
  if (!rc) {
    if (call.output.type != AWSC_V_MAP) {
      memset(&call.output, 0, sizeof(call.output));
      call.output.type = AWSC_V_MAP;
    }
    rc = after_response(p, a, &call.output, &e);
  }
  if (rc) {
    awsc_arena_free(a);
    return fail(p, rc, &e, err);
  }
  p->page_arena = a;
  p->page = call.output;
  p->meta = call.meta;
  return 1;
}

/* ------------------------------------------------------------------ */
/* public API */

int awsc_client_can_paginate(const awsc_client *client, const char *operation) {
  if (!client || !operation)
    return 0;
  const awsc_operation *op =
      awsc_service_find_operation(client->svc, operation);
  if (!op)
    return 0;
  for (uint32_t i = 0; i < client->svc->paginator_count; i++)
    if (strcmp(client->svc->paginators[i].operation, op->name) == 0)
      return 1;
  return 0;
}

static int compile_list(awsc_page_iterator *p, const char *const *exprs,
                        uint32_t n, size_t slots, awsc_jmespath ***out,
                        awsc_error *err) {
  *out = awsc_arena_calloc(p->arena, slots ? slots : 1, sizeof(**out));
  if (!*out)
    return oom(err);
  for (uint32_t i = 0; i < n && i < slots; i++) {
    int rc = awsc_jmespath_compile(&(*out)[i], p->arena, exprs[i], err);
    if (rc)
      return rc;
  }
  return 0;
}

/* The caller's parameters: boto3-shaped JSON, or a typed struct of the
 * generated layout `typed` (then `input` points to it). */
typedef struct start_input {
  const char *json;
  const awsc_shape *typed;
  const void *input;
} start_input;

static int setup(awsc_page_iterator *p, const start_input *in,
                 const awsc_paginator_config *cfg, awsc_error *err) {
  const awsc_paginator *pg = p->pg;
  int rc;
  if (!pg->result_key_count || !pg->input_token_count)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_INTERNAL,
                          "Paginator of %s has no result key or input token",
                          p->op->name);
  if (!AWSC_VERSION_OK(cfg->version, AWSC_PAGINATOR_CONFIG_VERSION))
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_paginator_config.version is %d, expected %d "
                          "(use AWSC_PAGINATOR_CONFIG_INIT)",
                          cfg->version, AWSC_PAGINATOR_CONFIG_VERSION);
  if (cfg->max_items < 0 || cfg->page_size < 0)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "MaxItems and PageSize must not be negative");
  p->ntok = pg->input_token_count;
  if (in->typed) {
    if ((rc = awsc_typed_to_value(in->typed, in->input, p->arena, &p->input,
                                  err)))
      return rc;
  } else if ((rc = awsc_client_input_from_json(p->op, in->json, p->arena,
                                               &p->input, err))) {
    return rc;
  }
  if ((rc = compile_list(p, pg->output_tokens, pg->output_token_count, p->ntok,
                         &p->out_tokens, err)) ||
      (rc = compile_list(p, pg->result_keys, pg->result_key_count,
                         pg->result_key_count, &p->result_keys, err)) ||
      (rc = compile_list(p, pg->non_aggregate_keys, pg->non_aggregate_key_count,
                         pg->non_aggregate_key_count, &p->non_aggregate, err)))
    return rc;
  if (pg->more_results &&
      (rc = awsc_jmespath_compile(&p->more_results, p->arena, pg->more_results,
                                  err)))
    return rc;
  if (cfg->item_expression &&
      (rc = awsc_jmespath_compile(&p->item_expr, p->arena, cfg->item_expression,
                                  err)))
    return rc;
  p->kw_state = awsc_arena_calloc(p->arena, p->ntok, 1);
  p->kw_text = awsc_calloc(p->ntok, sizeof(char *));
  p->next_token = awsc_calloc(p->ntok, sizeof(char *));
  p->prev_token = awsc_calloc(p->ntok, sizeof(char *));
  if (!p->kw_state || !p->kw_text || !p->next_token || !p->prev_token)
    return oom(err);
  p->max_items = cfg->max_items > 0 ? cfg->max_items : -1;
  if (cfg->page_size > 0) {
    const awsc_member *m =
        pg->limit_key ? awsc_shape_find_member(p->op->input, pg->limit_key,
                                               strlen(pg->limit_key))
                      : NULL;
    if (!m)
      return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                            "PageSize parameter is not supported for the "
                            "pagination interface for this operation.");
    p->has_limit = true;
    if (m->shape->type == AWSC_SHAPE_STRING) { /* as botocore: str() */
      char num[32];
      snprintf(num, sizeof num, "%lld", (long long)cfg->page_size);
      p->limit.type = AWSC_V_STRING;
      p->limit.u.s.n = strlen(num);
      p->limit.u.s.p = awsc_arena_strdup(p->arena, num);
      if (!p->limit.u.s.p)
        return oom(err);
    } else {
      p->limit.type = AWSC_V_INT;
      p->limit.u.i = cfg->page_size;
    }
  }
  if (cfg->starting_token) {
    rc = awsc_starting_token_decode(cfg->starting_token, pg->input_tokens,
                                    p->ntok, p->next_token,
                                    &p->starting_truncation, err);
    if (rc)
      return rc;
    p->has_starting = true;
    if (inject(p, p->next_token))
      return oom(err);
  }
  return 0;
}

static int start(awsc_page_iterator **out, awsc_client *client,
                 const char *operation, const start_input *in,
                 const awsc_paginator_config *config, awsc_error *err) {
  if (!out || !client || !operation)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_paginator_new: NULL argument");
  *out = NULL;
  awsc_paginator_config defaults = AWSC_PAGINATOR_CONFIG_INIT;
  const awsc_operation *op =
      awsc_service_find_operation(client->svc, operation);
  if (!op)
    return awsc_error_set(err, AWSC_ENOTFOUND, AWSC_ERROR_VALIDATION,
                          "Operation %s not found in service %s", operation,
                          client->svc->service_id ? client->svc->service_id
                                                  : "?");
  const awsc_paginator *pg = NULL;
  for (uint32_t i = 0; !pg && i < client->svc->paginator_count; i++)
    if (strcmp(client->svc->paginators[i].operation, op->name) == 0)
      pg = &client->svc->paginators[i];
  if (!pg)
    return awsc_error_set(err, AWSC_ENOTFOUND, AWSC_ERROR_VALIDATION,
                          "Operation cannot be paginated: %s", op->py_name);
  awsc_page_iterator *p = awsc_calloc(1, sizeof(*p));
  if (!p || !(p->arena = awsc_arena_new(0))) {
    awsc_free(p);
    return oom(err);
  }
  p->client = awsc_client_ref(client);
  p->op = op;
  p->pg = pg;
  int rc = setup(p, in, config ? config : &defaults, err);
  if (rc) {
    awsc_paginator_free(p);
    return rc;
  }
  *out = p;
  return 0;
}

int awsc_paginator_new(awsc_page_iterator **out, awsc_client *client,
                       const char *operation, const char *input_json,
                       const awsc_paginator_config *config, awsc_error *err) {
  start_input in = {input_json, NULL, NULL};
  return start(out, client, operation, &in, config, err);
}

int awsc_paginator_new_typed(awsc_page_iterator **out, awsc_client *client,
                             const awsc_service *svc, const awsc_operation *op,
                             const void *input,
                             const awsc_paginator_config *config,
                             awsc_error *err) {
  if (out)
    *out = NULL;
  if (client && client->svc != svc &&
      (!client->svc->service_id || !svc->service_id ||
       strcmp(client->svc->service_id, svc->service_id) != 0))
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "%s is an operation of %s, called with a %s client",
                          op->name, svc->service_id ? svc->service_id : "?",
                          client->svc->service_id ? client->svc->service_id
                                                  : "?");
  awsc_empty none = {0};
  start_input in = {NULL, op->input, input ? input : (const void *)&none};
  int rc = start(out, client, op->name, &in, config, err);
  if (!rc)
    (*out)->typed_output = op->output;
  return rc;
}

int awsc_paginator_next_page_typed(void **page, awsc_page_iterator *p,
                                   awsc_error *err) {
  if (page)
    *page = NULL;
  if (!p || !page || !p->typed_output)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "next_page: NULL argument or not a typed paginator");
  int rc = fetch_page(p, err);
  if (rc <= 0)
    return rc;
  /* the page's arena becomes the output's: awsc_mem_free releases it */
  rc = awsc_typed_output_make(page, p->typed_output, &p->page, &p->meta,
                              p->page_arena);
  if (rc)
    return oom(err);
  p->page_arena = NULL;
  drop_page(p);
  return 0;
}

static int to_json(const awsc_value *v, const awsc_shape *shape,
                   const awsc_response_metadata *meta, char **out,
                   awsc_error *err) {
  awsc_buf b = AWSC_BUF_INIT;
  int rc = awsc_value_to_json(&b, v, shape, false);
  if (!rc && meta && b.len >= 2 && b.p[b.len - 1] == '}') {
    /* splice ResponseMetadata in before the closing brace */
    b.p[--b.len] = '\0';
    if (b.len > 1)
      rc = awsc_buf_putc(&b, ',');
    rc = rc ? rc : awsc_response_metadata_json(&b, meta);
    rc = rc ? rc : awsc_buf_putc(&b, '}');
  }
  if (!rc && !b.p)
    rc = awsc_buf_puts(&b, "null");
  if (rc) {
    awsc_buf_free(&b);
    return oom(err);
  }
  if (!(*out = awsc_out_from_buf(&b)))
    return oom(err);
  return 0;
}

int awsc_paginator_next_page_json(char **page_json, awsc_page_iterator *p,
                                  awsc_error *err) {
  if (page_json)
    *page_json = NULL;
  if (!p || !page_json)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_paginator_next_page_json: NULL argument");
  int rc = fetch_page(p, err);
  if (rc <= 0)
    return rc;
  return to_json(&p->page, p->op->output, &p->meta, page_json, err);
}

int awsc_paginator_next_page_value(const awsc_value **page,
                                   awsc_page_iterator *p, awsc_error *err) {
  *page = NULL;
  int rc = fetch_page(p, err);
  if (rc <= 0)
    return rc;
  *page = &p->page;
  return 0;
}

int awsc_paginator_take_page(awsc_value *page, awsc_arena **arena,
                             awsc_page_iterator *p, awsc_error *err) {
  *arena = NULL;
  memset(page, 0, sizeof(*page));
  int rc = fetch_page(p, err);
  if (rc <= 0)
    return rc;
  *page = p->page;
  *arena = p->page_arena;
  p->page_arena = NULL; /* p->page stays, for awsc_paginator_page_json */
  p->items_ready = false;
  return 0;
}

int awsc_paginator_page_json(char **page_json, awsc_page_iterator *p,
                             awsc_error *err) {
  return to_json(&p->page, p->op->output, &p->meta, page_json, err);
}

/* The items of the current page: the primary result key (ResultKeyIterator:
 * null = none) or item_expression (PageIterator.search: a non-list is one
 * item). */
static int page_items(awsc_page_iterator *p, awsc_error *err) {
  awsc_value v;
  int rc = awsc_jmespath_search(p->item_expr ? p->item_expr : p->result_keys[0],
                                &p->page, p->page_arena, &v, err);
  if (rc)
    return rc;
  if (v.type == AWSC_V_LIST) {
    p->items = v;
  } else if (v.type == AWSC_V_NULL && !p->item_expr) {
    memset(&p->items, 0, sizeof(p->items));
    p->items.type = AWSC_V_LIST;
  } else {
    awsc_value *one = awsc_arena_alloc(p->page_arena, sizeof(*one));
    if (!one)
      return oom(err);
    *one = v;
    memset(&p->items, 0, sizeof(p->items));
    p->items.type = AWSC_V_LIST;
    p->items.u.list.items = one;
    p->items.u.list.n = 1;
  }
  p->item_pos = 0;
  p->items_ready = true;
  return 0;
}

int awsc_paginator_next_item_json(char **item_json, awsc_page_iterator *p,
                                  awsc_error *err) {
  if (item_json)
    *item_json = NULL;
  if (!p || !item_json)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_paginator_next_item_json: NULL argument");
  while (!p->items_ready || p->item_pos >= p->items.u.list.n) {
    int rc = fetch_page(p, err);
    if (rc <= 0)
      return rc;
    awsc_error e = AWSC_ERROR_INIT;
    if ((rc = page_items(p, &e)))
      return fail(p, rc, &e, err);
  }
  return to_json(&p->items.u.list.items[p->item_pos++], NULL, NULL, item_json,
                 err);
}

int awsc_paginator_build_full_result_json(char **json, awsc_page_iterator *p,
                                          awsc_error *err) {
  if (json)
    *json = NULL;
  if (!p || !json)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_paginator_build_full_result_json: NULL "
                          "argument");
  uint32_t nk = p->pg->result_key_count, order = 0;
  awsc_arena *a = awsc_arena_new(64 * 1024);
  awsc_value_acc *m = awsc_calloc(nk, sizeof(awsc_value_acc));
  int rc = (!a || !m) ? oom(err) : 0;
  while (!rc && (rc = fetch_page(p, err)) == 1) {
    awsc_error e = AWSC_ERROR_INIT;
    rc = 0;
    for (uint32_t k = 0; !rc && k < nk; k++) {
      awsc_value r;
      rc = awsc_jmespath_search(p->result_keys[k], &p->page, p->page_arena, &r,
                                &e);
      if (!rc && awsc_value_accumulate(a, &m[k], &r, &order))
        rc = oom(&e);
    }
    if (rc)
      fail(p, rc, &e, err);
  }
  awsc_value full;
  memset(&full, 0, sizeof(full));
  full.type = AWSC_V_MAP;
  for (uint32_t o = 0; !rc && o < order; o++)
    for (uint32_t k = 0; !rc && k < nk; k++)
      if (m[k].set && m[k].order == o)
        rc = set_expr(a, &full, p->result_keys[k], &m[k].v, err);
  if (!rc && awsc_value_merge(a, &full, &p->non_agg))
    rc = oom(err);
  if (!rc && p->resume_token) {
    awsc_value t;
    memset(&t, 0, sizeof(t));
    t.type = AWSC_V_STRING;
    t.u.s.p = p->resume_token;
    t.u.s.n = strlen(p->resume_token);
    if (awsc_value_map_put(a, &full, "NextToken", 9, &t))
      rc = oom(err);
  }
  if (!rc)
    rc = to_json(&full, NULL, NULL, json, err);
  awsc_free(m);
  awsc_arena_free(a);
  return rc;
}

const char *awsc_paginator_resume_token(const awsc_page_iterator *p) {
  return p ? p->resume_token : NULL;
}

void awsc_paginator_free(awsc_page_iterator *p) {
  if (!p)
    return;
  drop_page(p);
  awsc_arena_free(p->spare_arena);
  free_texts(p->kw_text, p->ntok);
  free_texts(p->next_token, p->ntok);
  free_texts(p->prev_token, p->ntok);
  awsc_free(p->kw_text);
  awsc_free(p->next_token);
  awsc_free(p->prev_token);
  awsc_free(p->resume_token);
  awsc_arena_free(p->arena);
  awsc_client_free(p->client);
  awsc_free(p);
}
