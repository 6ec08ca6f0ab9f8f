/*
 * lib/endpoints/ep_value.c - helpers over awsc_ep_value: constructors,
 * lookups, JSON output, getAttr paths and the authSchemes accessor.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "endpoints/ep_internal.h"

awsc_ep_value awsc_ep_string(const char *s) {
  if (!s)
    return awsc_ep_none();
  return awsc_ep_string_n(s, strlen(s));
}

awsc_ep_value awsc_ep_string_n(const char *s, size_t len) {
  awsc_ep_value v = {.type = AWSC_EP_STRING};
  v.str = s ? s : "";
  v.len = s ? len : 0;
  return v;
}

static const awsc_ep_value *member_n(const awsc_ep_value *obj, const char *key,
                                     size_t n) {
  if (!obj || obj->type != AWSC_EP_OBJECT)
    return NULL;
  for (size_t i = 0; i < obj->nmembers; i++) {
    const char *k = obj->members[i].key;
    if (strnlen(k, n + 1) == n && memcmp(k, key, n) == 0)
      return &obj->members[i].value;
  }
  return NULL;
}

const awsc_ep_value *awsc_ep_value_get(const awsc_ep_value *obj,
                                       const char *key) {
  return key ? member_n(obj, key, strlen(key)) : NULL;
}

const char *awsc_ep_value_get_str(const awsc_ep_value *obj, const char *key) {
  const awsc_ep_value *v = awsc_ep_value_get(obj, key);
  return v && v->type == AWSC_EP_STRING ? v->str : NULL;
}

/* getAttr: each part looks a key up in an object (an empty key keeps the
 * value) then, with an index, takes that item of an array. A missing
 * key, an index past the end or a value of the wrong type gives NONE. */
awsc_ep_value ep_get_attr(const awsc_ep_value *v, const ep_path *path) {
  awsc_ep_value cur = *v;
  for (size_t i = 0; i < path->count; i++) {
    const ep_path_part *p = &path->parts[i];
    if (p->key_len) {
      const awsc_ep_value *m = member_n(&cur, p->key, p->key_len);
      if (!m)
        return awsc_ep_none();
      cur = *m;
    }
    if (p->index >= 0) {
      if (cur.type != AWSC_EP_ARRAY || (uint64_t)p->index >= cur.count)
        return awsc_ep_none();
      cur = cur.items[p->index];
    }
  }
  return cur;
}

static int json_string(awsc_buf *b, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  int rc = awsc_buf_putc(b, '"');
  size_t run = 0;
  for (size_t i = 0; i < n && !rc; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c != '"' && c != '\\')
      continue;
    rc = awsc_buf_append(b, s + run, i - run);
    run = i + 1;
    if (rc)
      break;
    switch (c) {
    case '"':
      rc = awsc_buf_puts(b, "\\\"");
      break;
    case '\\':
      rc = awsc_buf_puts(b, "\\\\");
      break;
    case '\n':
      rc = awsc_buf_puts(b, "\\n");
      break;
    case '\r':
      rc = awsc_buf_puts(b, "\\r");
      break;
    case '\t':
      rc = awsc_buf_puts(b, "\\t");
      break;
    default: {
      char e[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
      rc = awsc_buf_puts(b, e);
    }
    }
  }
  if (!rc)
    rc = awsc_buf_append(b, s + run, n - run);
  if (!rc)
    rc = awsc_buf_putc(b, '"');
  return rc;
}

int awsc_ep_value_to_json(const awsc_ep_value *v, awsc_buf *out) {
  int rc = 0;
  switch (v->type) {
  case AWSC_EP_NONE:
    return awsc_buf_puts(out, "null");
  case AWSC_EP_BOOL:
    return awsc_buf_puts(out, v->b ? "true" : "false");
  case AWSC_EP_INT:
    return awsc_buf_printf(out, "%lld", (long long)v->i);
  case AWSC_EP_DOUBLE:
    if (!isfinite(v->d))
      return awsc_buf_puts(out, "null");
    return awsc_buf_printf(out, "%.17g", v->d);
  case AWSC_EP_STRING:
    return json_string(out, v->str, v->len);
  case AWSC_EP_ARRAY:
    rc = awsc_buf_putc(out, '[');
    for (size_t i = 0; i < v->count && !rc; i++) {
      if (i)
        rc = awsc_buf_putc(out, ',');
      if (!rc)
        rc = awsc_ep_value_to_json(&v->items[i], out);
    }
    return rc ? rc : awsc_buf_putc(out, ']');
  case AWSC_EP_OBJECT:
    rc = awsc_buf_putc(out, '{');
    for (size_t i = 0; i < v->nmembers && !rc; i++) {
      if (i)
        rc = awsc_buf_putc(out, ',');
      const char *k = v->members[i].key;
      if (!rc)
        rc = json_string(out, k, strlen(k));
      if (!rc)
        rc = awsc_buf_putc(out, ':');
      if (!rc)
        rc = awsc_ep_value_to_json(&v->members[i].value, out);
    }
    return rc ? rc : awsc_buf_putc(out, '}');
  }
  return AWSC_EINVAL;
}

/* ---- authSchemes ---- */

static const awsc_ep_value *auth_schemes(const awsc_ep_result *res) {
  if (!res || !res->properties)
    return NULL;
  const awsc_ep_value *a = awsc_ep_value_get(res->properties, "authSchemes");
  return a && a->type == AWSC_EP_ARRAY ? a : NULL;
}

size_t awsc_ep_auth_scheme_count(const awsc_ep_result *res) {
  const awsc_ep_value *a = auth_schemes(res);
  return a ? a->count : 0;
}

bool awsc_ep_auth_scheme_at(const awsc_ep_result *res, awsc_ep_auth_scheme *out,
                            size_t i) {
  memset(out, 0, sizeof *out);
  const awsc_ep_value *a = auth_schemes(res);
  if (!a || i >= a->count)
    return false;
  const awsc_ep_value *s = &a->items[i];
  out->name = awsc_ep_value_get_str(s, "name");
  if (!out->name)
    return false;
  out->signing_name = awsc_ep_value_get_str(s, "signingName");
  out->signing_region = awsc_ep_value_get_str(s, "signingRegion");
  const awsc_ep_value *set = awsc_ep_value_get(s, "signingRegionSet");
  if (set && set->type == AWSC_EP_ARRAY)
    out->signing_region_set = set;
  const awsc_ep_value *dde = awsc_ep_value_get(s, "disableDoubleEncoding");
  out->disable_double_encoding = dde && dde->type == AWSC_EP_BOOL && dde->b;
  return true;
}

/* ---- constants from JSON (rule sets, partitions) ---- */

int ep_value_from_json(awsc_arena *a, const awsc_jnode *j, awsc_ep_value *out) {
  memset(out, 0, sizeof *out);
  switch (j->type) {
  case AWSC_J_NULL:
    out->type = AWSC_EP_NONE;
    return 0;
  case AWSC_J_BOOL:
    *out = awsc_ep_bool(j->b);
    return 0;
  case AWSC_J_INT:
    out->type = AWSC_EP_INT;
    out->i = j->i;
    return 0;
  case AWSC_J_DOUBLE:
    out->type = AWSC_EP_DOUBLE;
    out->d = j->d;
    return 0;
  case AWSC_J_STRING: {
    char *c = awsc_arena_memdup0(a, j->s ? j->s : "", j->s ? j->n : 0);
    if (!c)
      return AWSC_ENOMEM;
    *out = awsc_ep_string_n(c, j->s ? j->n : 0);
    return 0;
  }
  case AWSC_J_ARRAY: {
    awsc_ep_value *items =
        awsc_arena_calloc(a, j->count ? j->count : 1, sizeof *items);
    if (!items)
      return AWSC_ENOMEM;
    for (size_t i = 0; i < j->count; i++) {
      int rc = ep_value_from_json(a, j->items[i], &items[i]);
      if (rc)
        return rc;
    }
    out->type = AWSC_EP_ARRAY;
    out->items = items;
    out->count = j->count;
    return 0;
  }
  case AWSC_J_OBJECT: {
    awsc_ep_member *m =
        awsc_arena_calloc(a, j->count ? j->count : 1, sizeof *m);
    if (!m)
      return AWSC_ENOMEM;
    for (size_t i = 0; i < j->count; i++) {
      m[i].key =
          awsc_arena_memdup0(a, j->members[i].key, j->members[i].key_len);
      if (!m[i].key)
        return AWSC_ENOMEM;
      int rc = ep_value_from_json(a, j->members[i].value, &m[i].value);
      if (rc)
        return rc;
    }
    out->type = AWSC_EP_OBJECT;
    out->members = m;
    out->nmembers = j->count;
    return 0;
  }
  }
  return AWSC_EPARSE;
}
