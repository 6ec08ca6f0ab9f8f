/*
 * lib/resources/resource.c - the resource runtime: handles, identifiers,
 * load, actions, references and waiters, interpreted from the descriptor
 * tables (resources_desc.h) over the client's generic calls. The typed
 * wrappers of the generated sources call the *_at functions by index.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resources/resource_internal.h"

static int oom(awsc_error *err) {
  return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL, "out of memory");
}

const awsc_rsrc_type *awsc_rsrc_type_find(const awsc_rsrc_model *m,
                                          const char *name) {
  if (!m || !name)
    return NULL;
  if (strcmp(name, m->service_resource->name) == 0)
    return m->service_resource;
  size_t lo = 0, hi = m->n_resources;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    int c = strcmp(name, m->resources[mid].name);
    if (c == 0)
      return &m->resources[mid];
    if (c < 0)
      hi = mid;
    else
      lo = mid + 1;
  }
  return NULL;
}

int awsc_rsrc_alloc(awsc_resource **out, awsc_client *client,
                    const awsc_rsrc_model *model, const awsc_rsrc_type *type) {
  awsc_arena *a = awsc_arena_new(2048);
  if (!a)
    return AWSC_ENOMEM;
  awsc_resource *r = awsc_arena_calloc(a, 1, sizeof *r);
  size_t n = type->n_identifiers ? type->n_identifiers : 1;
  if (r) {
    r->ids = awsc_arena_calloc(a, n, sizeof(awsc_value));
    r->id_text = awsc_arena_calloc(a, n, sizeof(char *));
  }
  if (!r || !r->ids || !r->id_text) {
    awsc_arena_free(a);
    return AWSC_ENOMEM;
  }
  r->arena = a;
  r->model = model;
  r->type = type;
  r->client = awsc_client_ref(client);
  *out = r;
  return 0;
}

awsc_rsrc_page *awsc_rsrc_page_new(awsc_arena *arena) {
  awsc_rsrc_page *p = awsc_arena_alloc(arena, sizeof *p);
  if (!p) {
    awsc_arena_free(arena);
    return NULL;
  }
  atomic_init(&p->refs, 1);
  p->arena = arena;
  return p;
}

awsc_rsrc_page *awsc_rsrc_page_ref(awsc_rsrc_page *p) {
  if (p)
    atomic_fetch_add_explicit(&p->refs, 1, memory_order_relaxed);
  return p;
}

bool awsc_rsrc_page_sole(awsc_rsrc_page *p) {
  return atomic_load_explicit(&p->refs, memory_order_acquire) == 1;
}

void awsc_rsrc_page_unref(awsc_rsrc_page *p) {
  if (p && atomic_fetch_sub_explicit(&p->refs, 1, memory_order_acq_rel) == 1)
    awsc_arena_free(p->arena); /* p lives in it */
}

void awsc_resource_free(awsc_resource *r) {
  if (!r)
    return;
  awsc_rsrc_page_unref(r->page);
  awsc_client_free(r->client);
  awsc_arena_free(r->arena); /* r itself lives in it */
}

void awsc_resource_array_free(awsc_resource **arr, size_t n) {
  if (!arr)
    return;
  for (size_t i = 0; i < n; i++)
    awsc_resource_free(arr[i]);
  awsc_free(arr);
}

int awsc_rsrc_set_id(awsc_resource *r, size_t i, const awsc_value *v) {
  if (v->type != AWSC_V_STRING && v->type != AWSC_V_INT)
    return AWSC_EVALIDATION;
  int rc = awsc_rv_copy(&r->ids[i], r->arena, v);
  if (rc)
    return rc;
  if (v->type == AWSC_V_STRING) {
    r->id_text[i] = r->ids[i].u.s.p;
    return 0;
  }
  char num[32];
  snprintf(num, sizeof num, "%lld", (long long)v->u.i);
  r->id_text[i] = awsc_arena_strdup(r->arena, num);
  return r->id_text[i] ? 0 : AWSC_ENOMEM;
}

const char *awsc_rsrc_identifier_text(const awsc_resource *r, size_t i) {
  return r && i < r->type->n_identifiers ? r->id_text[i] : NULL;
}

const char *awsc_resource_type(const awsc_resource *r) {
  return r ? r->type->name : NULL;
}

static const awsc_rsrc_model *model_of(awsc_client *client, awsc_error *err) {
  const awsc_rsrc_model *m =
      awsc_rsrc_model_for(awsc_client_service_id(client));
  if (!m)
    awsc_error_set(err, AWSC_ENOTFOUND, AWSC_ERROR_VALIDATION,
                   "no resource model for service %s",
                   awsc_client_service_id(client));
  return m;
}

/* A new handle of `type` from a MAP of identifiers (JSON object). */
static int new_from_map(awsc_resource **out, awsc_client *client,
                        const awsc_rsrc_model *m, const awsc_rsrc_type *type,
                        const awsc_value *ids, awsc_error *err) {
  awsc_resource *r = NULL;
  if (awsc_rsrc_alloc(&r, client, m, type))
    return oom(err);
  for (size_t i = 0; i < type->n_identifiers; i++) {
    const awsc_value *v = awsc_value_get(ids, type->identifiers[i].name);
    int rc = v ? awsc_rsrc_set_id(r, i, v) : AWSC_EVALIDATION;
    if (rc) {
      awsc_resource_free(r);
      if (rc == AWSC_ENOMEM)
        return oom(err);
      return awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                            "%s needs identifier %s (a string or number)",
                            type->name, type->identifiers[i].name);
    }
  }
  *out = r;
  return 0;
}

int awsc_resource_new(awsc_resource **out, awsc_client *client,
                      const char *resource_name, const char *identifiers_json,
                      awsc_error *err) {
  if (!out || !client || !resource_name)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_resource_new: NULL argument");
  *out = NULL;
  const awsc_rsrc_model *m = model_of(client, err);
  if (!m)
    return AWSC_ENOTFOUND;
  const awsc_rsrc_type *type = awsc_rsrc_type_find(m, resource_name);
  if (!type)
    return awsc_error_set(err, AWSC_ENOTFOUND, AWSC_ERROR_VALIDATION,
                          "%s has no resource %s", m->service_id,
                          resource_name);
  awsc_arena *tmp = awsc_arena_new(0);
  if (!tmp)
    return oom(err);
  awsc_value ids = {.type = AWSC_V_MAP};
  int rc = 0;
  if (identifiers_json && *identifiers_json)
    rc = awsc_rv_parse(&ids, tmp, identifiers_json, strlen(identifiers_json),
                       err);
  if (rc == AWSC_EPARSE)
    rc = AWSC_EVALIDATION;
  if (!rc)
    rc = new_from_map(out, client, m, type, &ids, err);
  awsc_arena_free(tmp);
  return rc;
}

int awsc_resource_service(awsc_resource **out, awsc_client *client,
                          awsc_error *err) {
  if (!out || !client)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_resource_service: NULL argument");
  *out = NULL;
  const awsc_rsrc_model *m = model_of(client, err);
  if (!m)
    return AWSC_ENOTFOUND;
  if (awsc_rsrc_alloc(out, client, m, m->service_resource))
    return oom(err);
  return 0;
}

int awsc_rsrc_new_typed(awsc_resource **out, awsc_client *client,
                        const awsc_rsrc_type *type, const char *const *ids,
                        size_t n_ids, awsc_error *err) {
  if (!out || !client)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "resource constructor: NULL argument");
  *out = NULL;
  const awsc_rsrc_model *m = model_of(client, err);
  if (!m)
    return AWSC_ENOTFOUND;
  /* The typed header of one service used with another's client. */
  if (awsc_rsrc_type_find(m, type->name) != type)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "%s is not a resource of %s", type->name,
                          m->service_id);
  awsc_resource *r = NULL;
  if (awsc_rsrc_alloc(&r, client, m, type))
    return oom(err);
  for (size_t i = 0; i < n_ids; i++) {
    if (!ids[i]) {
      awsc_resource_free(r);
      return awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                            "%s needs identifier %s", type->name,
                            type->identifiers[i].name);
    }
    awsc_value v = {.type = AWSC_V_STRING};
    v.u.s.p = ids[i];
    v.u.s.n = strlen(ids[i]);
    if (awsc_rsrc_set_id(r, i, &v)) {
      awsc_resource_free(r);
      return oom(err);
    }
  }
  *out = r;
  return 0;
}

int awsc_resource_identifiers_json(char **json_out, const awsc_resource *r,
                                   awsc_error *err) {
  if (!json_out || !r)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_resource_identifiers_json: NULL argument");
  awsc_buf b = AWSC_BUF_INIT;
  int rc = awsc_buf_putc(&b, '{');
  for (size_t i = 0; !rc && i < r->type->n_identifiers; i++) {
    const char *name = r->type->identifiers[i].name;
    rc = (i ? awsc_buf_putc(&b, ',') : 0) ||
         awsc_json_put_string(&b, name, strlen(name)) ||
         awsc_buf_putc(&b, ':') || awsc_rv_to_json(&b, &r->ids[i]);
  }
  if (!rc)
    rc = awsc_buf_putc(&b, '}');
  *json_out = rc ? NULL : awsc_out_from_buf(&b);
  if (rc)
    awsc_buf_free(&b);
  return *json_out ? 0 : oom(err);
}
