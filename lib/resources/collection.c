/*
 * lib/resources/collection.c - collections (boto3's hasMany) and batch
 * actions. A collection pages through the client's paginator when the
 * operation has one (one call otherwise) and keeps only the current page:
 * its parsed response, in an arena of its own (the paginator hands it
 * over), dropped when the next page comes. Each item becomes a handle
 * only when asked for, and the handles share the page (a reference each)
 * rather than copy their part: a page outlives the collection's use of it
 * while a handle made from it lives.
 */
#include <string.h>

#include "awsc/paginator.h"
#include "client/client_internal.h"
#include "resources/resource_internal.h"

struct awsc_resource_collection {
  awsc_resource *parent; /* a copy: the caller may free the original */
  const awsc_rsrc_collection *desc;
  awsc_page_iterator *pager; /* NULL: the operation does not paginate */
  char *params_json;
  bool single_done;
  bool ended;
  awsc_rsrc_page *page; /* the current page (a reference), or NULL */
  awsc_value page_v;
  awsc_rsrc_refvals rv;
  size_t next_item;
  int64_t limit;
  int64_t yielded;
  bool shape_known;             /* item_shape looked up (once) */
  const awsc_shape *item_shape; /* the items' resource shape */
};

static int oom(awsc_error *err) {
  return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL, "out of memory");
}

/* A handle with the same type, identifiers and data as r. */
static int clone_handle(awsc_resource **out, awsc_resource *r) {
  awsc_resource *c = NULL;
  int rc = awsc_rsrc_alloc(&c, r->client, r->model, r->type);
  for (size_t i = 0; !rc && i < r->type->n_identifiers; i++)
    if (r->ids[i].type != AWSC_V_NULL)
      rc = awsc_rsrc_set_id(c, i, &r->ids[i]);
  if (!rc && r->loaded) {
    rc = awsc_rv_copy(&c->data, c->arena, &r->data);
    c->loaded = true;
    c->data_typed = r->data_typed;
  }
  if (rc) {
    awsc_resource_free(c);
    return rc;
  }
  c->shape = r->shape;
  *out = c;
  return 0;
}

void awsc_resource_collection_free(awsc_resource_collection *c) {
  if (!c)
    return;
  awsc_paginator_free(c->pager);
  awsc_resource_free(c->parent);
  awsc_free(c->params_json);
  awsc_rsrc_page_unref(c->page);
  awsc_free(c);
}

static int open_collection(awsc_resource_collection **out, awsc_resource *r,
                           const awsc_rsrc_collection *desc,
                           const char *filter_json,
                           const awsc_collection_options *opts,
                           awsc_error *err) {
  if (opts &&
      (!AWSC_VERSION_OK(opts->version, AWSC_COLLECTION_OPTIONS_VERSION) ||
       opts->limit < 0 || opts->page_size < 0))
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_collection_options: version %d (expected "
                          "1..%d) or a negative limit/page_size",
                          opts->version, AWSC_COLLECTION_OPTIONS_VERSION);
  awsc_resource_collection *c = awsc_calloc(1, sizeof *c);
  if (!c)
    return oom(err);
  c->desc = desc;
  c->limit = opts ? opts->limit : 0;
  awsc_arena *tmp = awsc_arena_new(0);
  int rc = tmp ? clone_handle(&c->parent, r) : AWSC_ENOMEM;
  if (rc) {
    awsc_arena_free(tmp);
    awsc_resource_collection_free(c);
    return oom(err);
  }
  /* The request: the filter with the identifiers bound, validated now by
   * the paginator (or by the one call, for an operation without one). */
  awsc_value params;
  awsc_buf b = AWSC_BUF_INIT;
  rc = awsc_rsrc_request_params(&params, tmp, &desc->request, c->parent, 0,
                                filter_json, err);
  if (!rc && awsc_rv_to_json(&b, &params))
    rc = oom(err);
  if (!rc) {
    c->params_json = awsc_buf_detach(&b);
    if (!c->params_json)
      rc = oom(err);
  }
  awsc_buf_free(&b);
  if (!rc &&
      awsc_client_can_paginate(c->parent->client, desc->request.operation)) {
    awsc_paginator_config cfg = AWSC_PAGINATOR_CONFIG_INIT;
    cfg.page_size = opts ? opts->page_size : 0;
    cfg.max_items = c->limit;
    rc = awsc_paginator_new(&c->pager, c->parent->client,
                            desc->request.operation, c->params_json, &cfg, err);
  }
  awsc_arena_free(tmp);
  if (rc) {
    awsc_resource_collection_free(c);
    return rc;
  }
  *out = c;
  return 0;
}

int awsc_resource_collection_new(awsc_resource_collection **out,
                                 awsc_resource *parent, const char *name,
                                 const char *filter_json,
                                 const awsc_collection_options *opts,
                                 awsc_error *err) {
  if (!out || !parent || !name)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_resource_collection_new: NULL argument");
  *out = NULL;
  for (size_t i = 0; i < parent->type->n_has_many; i++)
    if (awsc_rsrc_name_eq(parent->type->has_many[i].name, name))
      return open_collection(out, parent, &parent->type->has_many[i],
                             filter_json, opts, err);
  return awsc_error_set(err, AWSC_ENOTFOUND, AWSC_ERROR_VALIDATION,
                        "%s has no collection %s", parent->type->name, name);
}

int awsc_rsrc_collection_at(awsc_resource_collection **out, awsc_resource *r,
                            size_t index, const char *filter_json,
                            const awsc_collection_options *opts,
                            awsc_error *err) {
  if (!out || !r || index >= r->type->n_has_many)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "resource collection: NULL argument");
  *out = NULL;
  return open_collection(out, r, &r->type->has_many[index], filter_json, opts,
                         err);
}

/* The next page into c->page (the previous one dropped): from the
 * paginator as parsed (typed by the output shape, no JSON text in between;
 * *typed), or the one call's answer read back from its JSON. *text (when
 * wanted) the page as JSON; *got is false at the end. */
static int next_page(awsc_resource_collection *c, awsc_value *v, bool *typed,
                     char **text, bool *got, awsc_error *err) {
  char *json = NULL;
  awsc_arena *a = NULL;
  int rc = 0;
  *got = false;
  /* no handle holds the old page: its arena serves the next one */
  if (c->page && awsc_rsrc_page_sole(c->page))
    awsc_paginator_recycle_arena(c->pager, c->page->arena);
  else
    awsc_rsrc_page_unref(c->page);
  c->page = NULL;
  if (c->pager) {
    rc = awsc_paginator_take_page(v, &a, c->pager, err);
    if (!rc && a && text)
      rc = awsc_paginator_page_json(text, c->pager, err);
    *typed = true;
  } else if (!c->single_done) {
    c->single_done = true;
    rc = awsc_call_json(&json, c->parent->client, c->desc->request.operation,
                        c->params_json, err);
    if (!rc && !(a = awsc_arena_new(0)))
      rc = oom(err);
    if (!rc)
      rc = awsc_rv_parse(v, a, json, strlen(json), err);
    if (rc || !text)
      awsc_mem_free(json);
    else
      *text = json;
    *typed = false;
  }
  if (rc || !a) {
    awsc_arena_free(a);
    return rc;
  }
  if (!(c->page = awsc_rsrc_page_new(a))) { /* a is freed */
    if (text) {
      awsc_mem_free(*text);
      *text = NULL;
    }
    return oom(err);
  }
  *got = true;
  return 0;
}

static int fetch_page(awsc_resource_collection *c, char **text, bool *got,
                      awsc_error *err) {
  *got = false;
  if (text)
    *text = NULL;
  if (c->ended || (c->limit && c->yielded >= c->limit))
    return 0;
  bool typed = false;
  int rc = next_page(c, &c->page_v, &typed, text, got, err);
  memset(&c->rv, 0, sizeof c->rv); /* the old page may be gone */
  c->next_item = 0;
  if (rc || !*got) {
    c->ended = !rc;
    return rc;
  }
  rc = awsc_rsrc_ref_eval(&c->rv, c->page->arena, c->parent, &c->desc->resource,
                          NULL, &c->page_v, err);
  c->rv.page = c->page;
  if (!rc && c->rv.type) {
    if (!c->shape_known) { /* one search per collection, not per item */
      c->item_shape = awsc_rsrc_shape(c->parent->client, c->rv.type);
      c->shape_known = true;
    }
    c->rv.typed = typed;
    c->rv.shape = c->item_shape;
  }
  if (!rc && c->limit && (int64_t)c->rv.n > c->limit - c->yielded)
    c->rv.n = (size_t)(c->limit - c->yielded);
  if (rc && text) {
    awsc_mem_free(*text);
    *text = NULL;
  }
  *got = !rc;
  return rc;
}

int awsc_resource_collection_next(awsc_resource **item,
                                  awsc_resource_collection *c,
                                  awsc_error *err) {
  if (!item || !c)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_resource_collection_next: NULL argument");
  *item = NULL;
  while (c->next_item >= c->rv.n) {
    bool got;
    int rc = fetch_page(c, NULL, &got, err);
    if (rc || !got)
      return rc;
  }
  int rc = awsc_rsrc_ref_item(item, &c->rv, c->parent, c->next_item, err);
  if (!rc) {
    c->next_item++;
    c->yielded++;
  }
  return rc;
}

int awsc_resource_collection_next_page_json(char **page_json,
                                            awsc_resource_collection *c,
                                            awsc_error *err) {
  if (!page_json || !c)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_resource_collection_next_page_json: NULL "
                          "argument");
  *page_json = NULL;
  bool got;
  int rc = fetch_page(c, page_json, &got, err);
  if (!rc && got) {
    c->yielded += (int64_t)c->rv.n;
    c->next_item = c->rv.n;
  }
  return rc;
}

/* One request of a batch action over the items of the current page. */
static int batch_page(awsc_buf *out, awsc_resource_collection *c,
                      const awsc_rsrc_action *act, const char *params_json,
                      awsc_error *err) {
  awsc_arena *tmp = awsc_arena_new(0);
  if (!tmp)
    return oom(err);
  awsc_value params, resp;
  char *json = NULL;
  int rc = awsc_rsrc_request_params(&params, tmp,
                                    &(awsc_rsrc_request){NULL, NULL, 0},
                                    c->parent, 0, params_json, err);
  for (size_t i = 0; !rc && i < c->rv.n; i++) {
    awsc_resource *it = NULL;
    rc = awsc_rsrc_ref_item(&it, &c->rv, c->parent, i, err);
    if (!rc)
      rc = awsc_rsrc_fill_params(&params, tmp, act->request.params,
                                 act->request.n_params, it, i, err);
    awsc_resource_free(it);
  }
  if (!rc)
    rc = awsc_rsrc_call(&resp, &json, tmp, c->parent->client,
                        act->request.operation, &params, err);
  if (!rc &&
      ((out->len > 1 && awsc_buf_putc(out, ',')) || awsc_buf_puts(out, json)))
    rc = oom(err);
  awsc_mem_free(json);
  awsc_arena_free(tmp);
  return rc;
}

int awsc_resource_batch_action_json(char **json_out, size_t *requests_out,
                                    awsc_resource *parent, const char *name,
                                    const char *filter_json,
                                    const awsc_collection_options *opts,
                                    const char *action, const char *params_json,
                                    awsc_error *err) {
  if (json_out)
    *json_out = NULL;
  if (requests_out)
    *requests_out = 0;
  if (!parent || !name || !action)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_resource_batch_action_json: NULL argument");
  awsc_resource_collection *c = NULL;
  int rc =
      awsc_resource_collection_new(&c, parent, name, filter_json, opts, err);
  if (rc)
    return rc;
  const awsc_rsrc_type *item =
      awsc_rsrc_type_find(parent->model, c->desc->resource.type);
  const awsc_rsrc_action *act = NULL;
  for (size_t i = 0; item && i < item->n_batch_actions; i++)
    if (awsc_rsrc_name_eq(item->batch_actions[i].name, action))
      act = &item->batch_actions[i];
  awsc_buf out = AWSC_BUF_INIT;
  if (!act)
    rc = awsc_error_set(err, AWSC_ENOTFOUND, AWSC_ERROR_VALIDATION,
                        "collection %s has no batch action %s", name, action);
  else if (awsc_buf_putc(&out, '['))
    rc = oom(err);
  while (!rc) {
    bool got;
    rc = fetch_page(c, NULL, &got, err);
    if (rc || !got)
      break;
    if (!c->rv.n)
      continue;
    c->yielded += (int64_t)c->rv.n;
    rc = batch_page(&out, c, act, params_json, err);
    if (!rc && requests_out)
      (*requests_out)++;
  }
  if (!rc && awsc_buf_putc(&out, ']'))
    rc = oom(err);
  if (!rc && json_out) {
    *json_out = awsc_out_from_buf(&out);
    if (!*json_out)
      rc = oom(err);
  } else {
    awsc_buf_free(&out);
  }
  awsc_resource_collection_free(c);
  return rc;
}
