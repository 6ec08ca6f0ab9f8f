/*
 * Helpers of the paginator and the waiter: boto3-shaped input, and the
 * few edits botocore makes to parsed responses (deep copies, setting a
 * dotted key, merging dicts), done on copies since values are immutable.
 */
#include <string.h>

#include "client/paginate_internal.h"
#include "runtime/jtree.h"

int awsc_client_input_from_json(const awsc_operation *op, const char *json,
                                awsc_arena *arena, awsc_value *out,
                                awsc_error *err) {
  const char *text = (json && *json) ? json : "{}";
  memset(out, 0, sizeof(*out));
  if (op->input) {
    int rc =
        awsc_value_from_json(out, arena, op->input, text, strlen(text), err);
    if (!rc && out->type != AWSC_V_MAP)
      return awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                            "Parameters of %s must be a JSON object", op->name);
    return rc;
  }
  awsc_sv t = awsc_sv_trim(awsc_sv_from_cstr(text));
  if (!awsc_sv_eq_cstr(t, "{}") && !awsc_sv_eq_cstr(t, "null"))
    return awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                          "Operation %s takes no parameters", op->name);
  out->type = AWSC_V_MAP;
  return 0;
}

int awsc_value_clone(awsc_arena *a, const awsc_value *v, awsc_value *out) {
  *out = *v;
  switch (v->type) {
  case AWSC_V_STRING:
  case AWSC_V_BLOB:
    if (v->u.s.p) { /* blobs may hold NULs */
      out->u.s.p = awsc_arena_memdup0(a, v->u.s.p, v->u.s.n);
      if (!out->u.s.p)
        return AWSC_ENOMEM;
    }
    return 0;
  case AWSC_V_LIST:
    if (!v->u.list.n)
      return 0;
    out->u.list.items = awsc_arena_alloc(a, v->u.list.n * sizeof(awsc_value));
    if (!out->u.list.items)
      return AWSC_ENOMEM;
    for (size_t i = 0; i < v->u.list.n; i++)
      if (awsc_value_clone(a, &v->u.list.items[i], &out->u.list.items[i]))
        return AWSC_ENOMEM;
    return 0;
  case AWSC_V_MAP:
    if (!v->u.map.n)
      return 0;
    out->u.map.items = awsc_arena_alloc(a, v->u.map.n * sizeof(awsc_kv));
    if (!out->u.map.items)
      return AWSC_ENOMEM;
    for (size_t i = 0; i < v->u.map.n; i++) {
      const awsc_kv *kv = &v->u.map.items[i];
      awsc_kv *o = &out->u.map.items[i];
      o->key_len = kv->key_len;
      o->key = awsc_arena_strndup(a, kv->key, kv->key_len);
      if (!o->key || awsc_value_clone(a, &kv->value, &o->value))
        return AWSC_ENOMEM;
    }
    return 0;
  case AWSC_V_STREAM:
    memset(out, 0, sizeof(*out));
    return 0;
  default:
    return 0;
  }
}

/* m[key] = v on a copy of m's item array (values are immutable). */
int awsc_value_map_put(awsc_arena *a, awsc_value *m, const char *key,
                       size_t klen, const awsc_value *v) {
  if (m->type != AWSC_V_MAP) {
    memset(m, 0, sizeof(*m));
    m->type = AWSC_V_MAP;
  }
  size_t n = m->u.map.n, at = n;
  for (size_t i = 0; i < n; i++)
    if (m->u.map.items[i].key_len == klen &&
        memcmp(m->u.map.items[i].key, key, klen) == 0)
      at = i;
  awsc_kv *items = awsc_arena_alloc(a, (n + 1) * sizeof(awsc_kv));
  if (!items)
    return AWSC_ENOMEM;
  if (n)
    memcpy(items, m->u.map.items, n * sizeof(awsc_kv));
  if (at == n) {
    items[n].key = awsc_arena_strndup(a, key, klen);
    items[n].key_len = klen;
    if (!items[n].key)
      return AWSC_ENOMEM;
    m->u.map.n = n + 1;
  }
  items[at].value = *v;
  m->u.map.items = items;
  return 0;
}

/* botocore's set_value_from_jmespath: dotted keys only, missing levels
 * made as empty objects. AWSC_EINVAL for an empty key. */
int awsc_value_set_path(awsc_arena *a, awsc_value *m, const char *path,
                        const awsc_value *v) {
  const char *dot = strchr(path, '.');
  size_t klen = dot ? (size_t)(dot - path) : strlen(path);
  if (!klen || (dot && !dot[1]))
    return AWSC_EINVAL;
  if (!dot)
    return awsc_value_map_put(a, m, path, klen, v);
  awsc_value child;
  memset(&child, 0, sizeof(child));
  for (size_t i = 0; m->type == AWSC_V_MAP && i < m->u.map.n; i++)
    if (m->u.map.items[i].key_len == klen &&
        memcmp(m->u.map.items[i].key, path, klen) == 0)
      child = m->u.map.items[i].value;
  int rc = awsc_value_set_path(a, &child, dot + 1, v);
  return rc ? rc : awsc_value_map_put(a, m, path, klen, &child);
}

/* botocore's merge_dicts(dst, src) without list appending. */
int awsc_value_merge(awsc_arena *a, awsc_value *dst, const awsc_value *src) {
  for (size_t i = 0; src->type == AWSC_V_MAP && i < src->u.map.n; i++) {
    const awsc_kv *kv = &src->u.map.items[i];
    awsc_value v = kv->value;
    if (v.type == AWSC_V_MAP) {
      for (size_t j = 0; dst->type == AWSC_V_MAP && j < dst->u.map.n; j++) {
        const awsc_kv *d = &dst->u.map.items[j];
        if (d->key_len == kv->key_len &&
            memcmp(d->key, kv->key, kv->key_len) == 0 &&
            d->value.type == AWSC_V_MAP) {
          v = d->value;
          if (awsc_value_merge(a, &v, &kv->value))
            return AWSC_ENOMEM;
        }
      }
    }
    if (awsc_value_map_put(a, dst, kv->key, kv->key_len, &v))
      return AWSC_ENOMEM;
  }
  return 0;
}

int awsc_value_accumulate(awsc_arena *a, awsc_value_acc *m, const awsc_value *r,
                          uint32_t *order) {
  if (r->type == AWSC_V_NULL)
    return 0;
  if (!m->set) {
    m->set = true;
    m->order = (*order)++;
    if (awsc_value_clone(a, r, &m->v))
      return AWSC_ENOMEM;
    m->cap = r->type == AWSC_V_LIST ? r->u.list.n : 0;
    return 0;
  }
  if (m->v.type == AWSC_V_LIST && r->type == AWSC_V_LIST) {
    size_t need = m->v.u.list.n + r->u.list.n;
    if (need > m->cap) {
      size_t cap = m->cap * 2 > need ? m->cap * 2 : need;
      awsc_value *items = awsc_arena_alloc(a, cap * sizeof(awsc_value));
      if (!items)
        return AWSC_ENOMEM;
      if (m->v.u.list.n)
        memcpy(items, m->v.u.list.items, m->v.u.list.n * sizeof(awsc_value));
      m->v.u.list.items = items;
      m->cap = cap;
    }
    for (size_t i = 0; i < r->u.list.n; i++)
      if (awsc_value_clone(a, &r->u.list.items[i],
                           &m->v.u.list.items[m->v.u.list.n++]))
        return AWSC_ENOMEM;
  } else if (m->v.type == AWSC_V_INT && r->type == AWSC_V_INT) {
    m->v.u.i += r->u.i;
  } else if ((m->v.type == AWSC_V_INT || m->v.type == AWSC_V_DOUBLE) &&
             (r->type == AWSC_V_INT || r->type == AWSC_V_DOUBLE)) {
    double s = (m->v.type == AWSC_V_INT ? (double)m->v.u.i : m->v.u.d) +
               (r->type == AWSC_V_INT ? (double)r->u.i : r->u.d);
    m->v.type = AWSC_V_DOUBLE;
    m->v.u.d = s;
  } else if (m->v.type == AWSC_V_STRING && r->type == AWSC_V_STRING) {
    char *s = awsc_arena_alloc(a, m->v.u.s.n + r->u.s.n + 1);
    if (!s)
      return AWSC_ENOMEM;
    memcpy(s, m->v.u.s.p, m->v.u.s.n);
    memcpy(s + m->v.u.s.n, r->u.s.p, r->u.s.n);
    s[m->v.u.s.n + r->u.s.n] = '\0';
    m->v.u.s.p = s;
    m->v.u.s.n += r->u.s.n;
  }
  /* other combinations raise TypeError in botocore; kept as first seen */
  return 0;
}
