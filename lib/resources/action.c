/*
 * lib/resources/action.c - what a resource does: request parameters from
 * identifiers and data, load, actions and the resources their responses
 * name (boto3's ResourceHandler), references (has) and waiters.
 */
#include <stdlib.h>
#include <string.h>

#include "client/client_internal.h"
#include "client/typed.h"
#include "resources/resource_internal.h"

static int oom(awsc_error *err) {
  return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL, "out of memory");
}

static long id_index(const awsc_rsrc_type *t, const char *name) {
  for (size_t i = 0; i < t->n_identifiers; i++)
    if (strcmp(t->identifiers[i].name, name) == 0)
      return (long)i;
  return -1;
}

static int ensure_loaded(awsc_resource *r, awsc_error *err) {
  return r->loaded ? 0 : awsc_resource_load(r, err);
}

/* The value of one {source, name, path, value} for resource r (its data
 * loaded when needed). `input` (may be NULL) answers AWSC_RS_INPUT by
 * target name. Literals are built in `a`. */
static int param_value(awsc_value *out, awsc_arena *a, const awsc_rsrc_param *p,
                       awsc_resource *r, const awsc_value *input,
                       awsc_error *err) {
  memset(out, 0, sizeof *out);
  switch (p->source) {
  case AWSC_RS_IDENTIFIER: {
    long i = id_index(r->type, p->name);
    if (i < 0)
      return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_INTERNAL,
                            "%s has no identifier %s", r->type->name, p->name);
    *out = r->ids[i];
    return 0;
  }
  case AWSC_RS_DATA: {
    int rc = ensure_loaded(r, err);
    return rc ? rc : awsc_rv_search(out, a, p->path, &r->data, err);
  }
  case AWSC_RS_STRING:
    out->type = AWSC_V_STRING;
    out->u.s.p = p->value;
    out->u.s.n = strlen(p->value);
    return 0;
  case AWSC_RS_INTEGER:
    out->type = AWSC_V_INT;
    out->u.i = strtoll(p->value, NULL, 10);
    return 0;
  case AWSC_RS_BOOLEAN:
    out->type = AWSC_V_BOOL;
    out->u.b = strcmp(p->value, "true") == 0;
    return 0;
  case AWSC_RS_INPUT: {
    const awsc_value *v = input ? awsc_value_get(input, p->target) : NULL;
    if (v)
      *out = *v;
    return 0;
  }
  default:
    return 0;
  }
}

int awsc_rsrc_fill_params(awsc_value *params, awsc_arena *a,
                          const awsc_rsrc_param *p, size_t n, awsc_resource *r,
                          size_t index, awsc_error *err) {
  for (size_t i = 0; i < n; i++) {
    awsc_value v;
    int rc = param_value(&v, a, &p[i], r, NULL, err);
    if (rc)
      return rc;
    if (v.type == AWSC_V_NULL)
      continue; /* boto3 leaves absent data out of the request */
    /* A copy: a batch frees each item's handle once its params are in. */
    awsc_value copy;
    rc = awsc_rv_copy(&copy, a, &v);
    if (!rc)
      rc = awsc_rv_set(params, a, p[i].target, &copy, index);
    if (rc)
      return rc == AWSC_ENOMEM ? oom(err) : rc;
  }
  return 0;
}

int awsc_rsrc_request_params(awsc_value *out, awsc_arena *a,
                             const awsc_rsrc_request *req, awsc_resource *r,
                             size_t index, const char *params_json,
                             awsc_error *err) {
  /* boto3: the parameters the model binds first, then the caller's
   * (params.update(kwargs)): the same member order as the typed form. */
  memset(out, 0, sizeof *out);
  out->type = AWSC_V_MAP;
  int rc =
      awsc_rsrc_fill_params(out, a, req->params, req->n_params, r, index, err);
  if (rc || !params_json || !*params_json)
    return rc;
  awsc_value given;
  rc = awsc_rv_parse(&given, a, params_json, strlen(params_json), err);
  if (rc)
    return rc == AWSC_EPARSE ? AWSC_EVALIDATION : rc;
  if (given.type != AWSC_V_MAP)
    return awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                          "parameters must be a JSON object");
  for (size_t i = 0; i < given.u.map.n; i++) {
    const awsc_kv *kv = &given.u.map.items[i];
    if (awsc_rv_map_put(out, a, kv->key, kv->key_len, &kv->value))
      return oom(err);
  }
  return 0;
}

int awsc_rsrc_call(awsc_value *resp, char **json_out, awsc_arena *a,
                   awsc_client *client, const char *operation,
                   const awsc_value *params, awsc_error *err) {
  awsc_buf b = AWSC_BUF_INIT;
  if (awsc_rv_to_json(&b, params)) {
    awsc_buf_free(&b);
    return oom(err);
  }
  char *text = NULL;
  int rc = awsc_call_json(&text, client, operation, b.p, err);
  awsc_buf_free(&b);
  if (rc)
    return rc;
  rc = awsc_rv_parse(resp, a, text, strlen(text), err);
  if (!rc && json_out)
    *json_out = text;
  else
    awsc_mem_free(text);
  return rc;
}

int awsc_resource_load(awsc_resource *r, awsc_error *err) {
  if (!r)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_resource_load: NULL argument");
  const awsc_rsrc_action *load = r->type->load;
  if (!load) {
    awsc_rsrc_load_fn custom = awsc_rsrc_custom_load(r->model, r->type);
    if (custom)
      return custom(r, err);
    return awsc_error_set(err, AWSC_EUNSUPPORTED, AWSC_ERROR_VALIDATION,
                          "%s has no load method", r->type->name);
  }
  awsc_arena *tmp = awsc_arena_new(0);
  if (!tmp)
    return oom(err);
  awsc_value params, resp, data;
  int rc =
      awsc_rsrc_request_params(&params, tmp, &load->request, r, 0, NULL, err);
  if (!rc)
    rc = awsc_rsrc_call(&resp, NULL, tmp, r->client, load->request.operation,
                        &params, err);
  if (!rc)
    rc = awsc_rv_search(&data, tmp, load->path, &resp, err);
  if (!rc)
    rc = awsc_rsrc_set_data(r, &data, err);
  awsc_arena_free(tmp);
  return rc;
}

int awsc_rsrc_set_data(awsc_resource *r, const awsc_value *data,
                       awsc_error *err) {
  /* The old data stay in the handle's arena until it is freed: a reload
   * is rare, and readers may hold pointers into the previous data. */
  if (awsc_rv_copy(&r->data, r->arena, data))
    return oom(err);
  r->loaded = true;
  r->data_typed = false; /* read from JSON text, without the shape */
  r->typed = NULL;       /* converted again on the next typed read */
  return 0;
}

int awsc_resource_attributes_json(char **json_out, awsc_resource *r,
                                  awsc_error *err) {
  if (!json_out || !r)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_resource_attributes_json: NULL argument");
  *json_out = NULL;
  int rc = ensure_loaded(r, err);
  if (rc)
    return rc;
  awsc_buf b = AWSC_BUF_INIT;
  if (awsc_rv_to_json(&b, &r->data)) {
    awsc_buf_free(&b);
    return oom(err);
  }
  *json_out = awsc_out_from_buf(&b);
  return *json_out ? 0 : oom(err);
}

/* Whether a reference names many resources: a list in one of its
 * response paths ("Messages[].ReceiptHandle", "Buckets[]"). */
static bool ref_plural(const awsc_rsrc_ref *ref) {
  if (ref->path && strchr(ref->path, '['))
    return true;
  for (size_t i = 0; i < ref->n_identifiers; i++) {
    const awsc_rsrc_param *p = &ref->identifiers[i];
    if (p->source == AWSC_RS_RESPONSE && p->path && strchr(p->path, '['))
      return true;
  }
  return false;
}

/* Value i of a plural reference: item i of a list (NULL past its end);
 * a scalar (the parent's identifier, a literal) is every item's. */
static const awsc_value *item_at(const awsc_value *v, size_t i, bool plural) {
  if (!plural || v->type != AWSC_V_LIST)
    return v->type == AWSC_V_NULL ? NULL : v;
  return i < v->u.list.n ? &v->u.list.items[i] : NULL;
}

/* Identifier values of `ref` (lists when plural) and the data. */
static int ref_values(awsc_value *vals, awsc_value *data, awsc_arena *tmp,
                      awsc_resource *parent, const awsc_rsrc_ref *ref,
                      const awsc_value *params, const awsc_value *resp,
                      awsc_error *err) {
  for (size_t k = 0; k < ref->n_identifiers; k++) {
    const awsc_rsrc_param *p = &ref->identifiers[k];
    int rc;
    if (p->source == AWSC_RS_RESPONSE)
      rc = awsc_rv_search(&vals[k], tmp, p->path, resp, err);
    else if (p->source == AWSC_RS_REQUEST_PARAM)
      rc = awsc_rv_search(&vals[k], tmp, p->path, params, err);
    else
      rc = param_value(&vals[k], tmp, p, parent, params, err);
    if (rc)
      return rc;
  }
  memset(data, 0, sizeof *data);
  if (ref->path && resp)
    return awsc_rv_search(data, tmp, ref->path, resp, err);
  return 0;
}

int awsc_rsrc_ref_eval(awsc_rsrc_refvals *rv, awsc_arena *tmp,
                       awsc_resource *parent, const awsc_rsrc_ref *ref,
                       const awsc_value *params, const awsc_value *resp,
                       awsc_error *err) {
  memset(rv, 0, sizeof *rv);
  rv->ref = ref;
  if (!ref->type)
    return 0;
  rv->type = awsc_rsrc_type_find(parent->model, ref->type);
  if (!rv->type)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_INTERNAL,
                          "no resource %s in the model", ref->type);
  rv->vals = awsc_arena_calloc(tmp, ref->n_identifiers + 1, sizeof(awsc_value));
  if (!rv->vals)
    return oom(err);
  int rc = ref_values(rv->vals, &rv->data, tmp, parent, ref, params, resp, err);
  if (rc)
    return rc;
  rv->plural = ref_plural(ref);
  rv->n = 1;
  if (rv->plural) {
    rv->n = 0;
    for (size_t k = 0; k < ref->n_identifiers; k++)
      if (rv->vals[k].type == AWSC_V_LIST && rv->vals[k].u.list.n > rv->n)
        rv->n = rv->vals[k].u.list.n;
    if (rv->data.type == AWSC_V_LIST && rv->data.u.list.n > rv->n)
      rv->n = rv->data.u.list.n;
  }
  return 0;
}

int awsc_rsrc_ref_item(awsc_resource **out, const awsc_rsrc_refvals *rv,
                       awsc_resource *parent, size_t i, awsc_error *err) {
  const awsc_rsrc_ref *ref = rv->ref;
  awsc_resource *r = NULL;
  *out = NULL;
  if (awsc_rsrc_alloc(&r, parent->client, parent->model, rv->type))
    return oom(err);
  int rc = 0;
  /* a collection's page is shared, not copied (string values there are
   * NUL-terminated: they serve as the identifiers' text) */
  r->page = awsc_rsrc_page_ref(rv->page);
  for (size_t k = 0; !rc && k < ref->n_identifiers; k++) {
    const awsc_value *v = item_at(&rv->vals[k], i, rv->plural);
    long at = id_index(rv->type, ref->identifiers[k].target);
    if (at < 0)
      continue;
    if (v && r->page && v->type == AWSC_V_STRING) {
      r->ids[at] = *v;
      r->id_text[at] = v->u.s.p;
      continue;
    }
    rc = v ? awsc_rsrc_set_id(r, (size_t)at, v) : AWSC_EVALIDATION;
    if (rc == AWSC_EVALIDATION)
      rc = awsc_error_set(err, AWSC_EPARSE, AWSC_ERROR_PARSE,
                          "no %s for the %s in the response",
                          ref->identifiers[k].target, rv->type->name);
  }
  const awsc_value *d = item_at(&rv->data, i, rv->plural);
  if (!rc && d && d->type == AWSC_V_MAP) {
    if (r->page)
      r->data = *d;
    else
      rc = awsc_rv_copy(&r->data, r->arena, d);
    r->loaded = true;
    r->data_typed = rv->typed;
  }
  r->shape = rv->shape;
  if (rc == AWSC_ENOMEM)
    rc = oom(err);
  if (rc) {
    awsc_resource_free(r);
    return rc;
  }
  *out = r;
  return 0;
}

int awsc_rsrc_build(awsc_resource ***out, size_t *n_out, awsc_resource *parent,
                    const awsc_rsrc_ref *ref, const awsc_value *params,
                    const awsc_value *resp, awsc_arena *tmp, awsc_error *err) {
  *out = NULL;
  *n_out = 0;
  awsc_rsrc_refvals rv;
  int rc = awsc_rsrc_ref_eval(&rv, tmp, parent, ref, params, resp, err);
  if (rc || !rv.type || !rv.n)
    return rc;
  awsc_resource **arr = awsc_calloc(rv.n, sizeof *arr);
  if (!arr)
    return oom(err);
  for (size_t i = 0; !rc && i < rv.n; i++)
    rc = awsc_rsrc_ref_item(&arr[i], &rv, parent, i, err);
  if (rc) {
    awsc_resource_array_free(arr, rv.n);
    return rc;
  }
  *out = arr;
  *n_out = rv.n;
  return 0;
}

static const awsc_rsrc_action *find_action(const awsc_rsrc_action *a, size_t n,
                                           const char *name) {
  for (size_t i = 0; name && i < n; i++)
    if (awsc_rsrc_name_eq(a[i].name, name))
      return &a[i];
  return NULL;
}

static int run_action(char **json_out, awsc_resource ***res_out, size_t *n_res,
                      awsc_resource *r, const awsc_rsrc_action *act,
                      const char *params_json, awsc_error *err) {
  awsc_arena *tmp = awsc_arena_new(0);
  if (!tmp)
    return oom(err);
  awsc_value params, resp;
  awsc_resource **arr = NULL;
  size_t n = 0;
  int rc = awsc_rsrc_request_params(&params, tmp, &act->request, r, 0,
                                    params_json, err);
  if (!rc)
    rc = awsc_rsrc_call(&resp, json_out, tmp, r->client, act->request.operation,
                        &params, err);
  if (!rc && res_out)
    rc = awsc_rsrc_build(&arr, &n, r, &act->resource, &params, &resp, tmp, err);
  if (rc && json_out && *json_out) {
    awsc_mem_free(*json_out);
    *json_out = NULL;
  }
  awsc_arena_free(tmp);
  if (res_out) {
    *res_out = arr;
    if (n_res)
      *n_res = n;
  }
  return rc;
}

int awsc_resource_action_json(char **json_out, awsc_resource ***resources_out,
                              size_t *n_resources, awsc_resource *r,
                              const char *action, const char *params_json,
                              awsc_error *err) {
  if (json_out)
    *json_out = NULL;
  if (resources_out)
    *resources_out = NULL;
  if (n_resources)
    *n_resources = 0;
  if (!r || !action)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_resource_action_json: NULL argument");
  const awsc_rsrc_action *act =
      find_action(r->type->actions, r->type->n_actions, action);
  if (!act)
    return awsc_error_set(err, AWSC_ENOTFOUND, AWSC_ERROR_VALIDATION,
                          "%s has no action %s", r->type->name, action);
  return run_action(json_out, resources_out, n_resources, r, act, params_json,
                    err);
}

int awsc_rsrc_action_at(char **json_out, awsc_resource ***resources_out,
                        size_t *n_resources, awsc_resource *r, size_t index,
                        const char *params_json, awsc_error *err) {
  if (json_out)
    *json_out = NULL;
  if (resources_out)
    *resources_out = NULL;
  if (n_resources)
    *n_resources = 0;
  if (!r || index >= r->type->n_actions)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "resource action: NULL handle");
  return run_action(json_out, resources_out, n_resources, r,
                    &r->type->actions[index], params_json, err);
}

static int run_reference(awsc_resource **out, awsc_resource *r,
                         const awsc_rsrc_has *h, const char *input_json,
                         awsc_error *err) {
  awsc_arena *tmp = awsc_arena_new(0);
  if (!tmp)
    return oom(err);
  awsc_value input = {.type = AWSC_V_MAP};
  int rc = 0;
  if (input_json && *input_json)
    rc = awsc_rv_parse(&input, tmp, input_json, strlen(input_json), err);
  if (rc == AWSC_EPARSE)
    rc = AWSC_EVALIDATION;
  awsc_resource **arr = NULL;
  size_t n = 0;
  if (!rc)
    rc = awsc_rsrc_build(&arr, &n, r, &h->resource, &input, NULL, tmp, err);
  if (rc == AWSC_EPARSE) /* an identifier neither held nor given */
    rc = awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                        "%s.%s: an identifier is missing (give it in "
                        "input_json)",
                        r->type->name, h->name);
  if (!rc && n == 1) {
    *out = arr[0];
    awsc_free(arr);
  } else {
    awsc_resource_array_free(arr, n);
    if (!rc)
      rc = awsc_error_set(err, AWSC_EPARSE, AWSC_ERROR_PARSE,
                          "%s.%s names %zu resources", r->type->name, h->name,
                          n);
  }
  awsc_arena_free(tmp);
  return rc;
}

int awsc_resource_reference(awsc_resource **out, awsc_resource *r,
                            const char *name, const char *input_json,
                            awsc_error *err) {
  if (!out || !r || !name)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_resource_reference: NULL argument");
  *out = NULL;
  for (size_t i = 0; i < r->type->n_has; i++)
    if (awsc_rsrc_name_eq(r->type->has[i].name, name))
      return run_reference(out, r, &r->type->has[i], input_json, err);
  return awsc_error_set(err, AWSC_ENOTFOUND, AWSC_ERROR_VALIDATION,
                        "%s has no reference %s", r->type->name, name);
}

int awsc_rsrc_reference_at(awsc_resource **out, awsc_resource *r, size_t index,
                           const char *input_json, awsc_error *err) {
  if (!out || !r || index >= r->type->n_has)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "resource reference: NULL argument");
  *out = NULL;
  return run_reference(out, r, &r->type->has[index], input_json, err);
}

static int run_waiter(awsc_resource *r, const awsc_rsrc_waiter *w,
                      const char *params_json, const awsc_waiter_config *config,
                      awsc_error *err) {
  awsc_arena *tmp = awsc_arena_new(0);
  if (!tmp)
    return oom(err);
  awsc_rsrc_request req = {w->waiter_name, w->params, w->n_params};
  awsc_value params;
  awsc_buf b = AWSC_BUF_INIT;
  int rc = awsc_rsrc_request_params(&params, tmp, &req, r, 0, params_json, err);
  if (!rc && awsc_rv_to_json(&b, &params))
    rc = oom(err);
  if (!rc)
    rc = awsc_client_wait(r->client, w->waiter_name, b.p, config, err);
  awsc_buf_free(&b);
  awsc_arena_free(tmp);
  return rc;
}

int awsc_resource_wait(awsc_resource *r, const char *name,
                       const char *params_json,
                       const awsc_waiter_config *config, awsc_error *err) {
  if (!r || !name)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_resource_wait: NULL argument");
  for (size_t i = 0; i < r->type->n_waiters; i++) {
    const awsc_rsrc_waiter *w = &r->type->waiters[i];
    /* "Exists", "exists" and boto3's "wait_until_exists" */
    const char *n = strncmp(name, "wait_until_", 11) == 0 ? name + 11 : name;
    if (awsc_rsrc_name_eq(w->name, n))
      return run_waiter(r, w, params_json, config, err);
  }
  return awsc_error_set(err, AWSC_ENOTFOUND, AWSC_ERROR_VALIDATION,
                        "%s has no waiter %s", r->type->name, name);
}

int awsc_rsrc_wait_at(awsc_resource *r, size_t index, const char *params_json,
                      const awsc_waiter_config *config, awsc_error *err) {
  if (!r || index >= r->type->n_waiters)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "resource waiter: NULL argument");
  return run_waiter(r, &r->type->waiters[index], params_json, config, err);
}

awsc_client *awsc_rsrc_client(awsc_resource *r) {
  return r->client;
}

int awsc_rsrc_null_handle(awsc_error *err) {
  return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                        "resource action: NULL handle");
}

int awsc_rsrc_typed_resources(awsc_resource ***resources_out,
                              size_t *n_resources, awsc_resource *r,
                              size_t index, const void *input,
                              const void *output, awsc_error *err) {
  size_t n = 0;
  *resources_out = NULL;
  const awsc_rsrc_action *act = &r->type->actions[index];
  if (!act->resource.type)
    return 0;
  const awsc_operation *op =
      awsc_service_find_operation(r->client->svc, act->request.operation);
  if (!op)
    return awsc_error_set(err, AWSC_ENOTFOUND, AWSC_ERROR_INTERNAL,
                          "no operation %s", act->request.operation);
  awsc_arena *tmp = awsc_arena_new(0);
  if (!tmp)
    return oom(err);
  /* The resources come from the request and response as values, the
   * same path the JSON form takes. */
  awsc_value in = {.type = AWSC_V_MAP}, out = {.type = AWSC_V_MAP};
  int rc = 0;
  if (op->input)
    rc = awsc_typed_to_value(op->input, input, tmp, &in, err);
  if (!rc && op->output && output)
    rc = awsc_typed_to_value(op->output, output, tmp, &out, err);
  if (!rc)
    rc = awsc_rsrc_build(resources_out, &n, r, &act->resource, &in, &out, tmp,
                         err);
  if (n_resources)
    *n_resources = n;
  awsc_arena_free(tmp);
  return rc;
}
