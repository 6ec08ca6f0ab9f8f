/*
 * lib/resources/rvalue.c - the value plumbing of the resource runtime:
 * shapeless JSON <-> awsc_value, deep copies into a handle's arena, and
 * setting boto3's request targets ("Delete.Objects[*].Key") in a
 * parameter tree. Parameters are built shapeless and validated once, by
 * awsc_call_json, against the operation's input shape.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/jmespath.h"
#include "resources/resource_internal.h"
#include "runtime/jtree.h"

int awsc_rv_parse(awsc_value *out, awsc_arena *arena, const char *json,
                  size_t len, awsc_error *err) {
  awsc_jnode *root = NULL;
  int rc = awsc_jtree_parse(&root, arena, json, len, 0, err);
  if (rc)
    return rc;
  rc = awsc_value_from_jnode(out, arena, root, false);
  if (rc)
    return awsc_error_set(err, rc, AWSC_ERROR_INTERNAL, "out of memory");
  return 0;
}

int awsc_rv_to_json(awsc_buf *b, const awsc_value *v) {
  return awsc_value_to_json(b, v, NULL, false);
}

int awsc_rv_copy(awsc_value *out, awsc_arena *a, const awsc_value *v) {
  *out = *v;
  switch (v->type) {
  case AWSC_V_STRING:
  case AWSC_V_BLOB: {
    char *p = awsc_arena_alloc(a, v->u.s.n + 1);
    if (!p)
      return AWSC_ENOMEM;
    if (v->u.s.n)
      memcpy(p, v->u.s.p, v->u.s.n);
    p[v->u.s.n] = '\0';
    out->u.s.p = p;
    return 0;
  }
  case AWSC_V_LIST:
    if (!v->u.list.n)
      return 0;
    out->u.list.items = awsc_arena_calloc(a, v->u.list.n, sizeof(awsc_value));
    if (!out->u.list.items)
      return AWSC_ENOMEM;
    for (size_t i = 0; i < v->u.list.n; i++) {
      int rc = awsc_rv_copy(&out->u.list.items[i], a, &v->u.list.items[i]);
      if (rc)
        return rc;
    }
    return 0;
  case AWSC_V_MAP:
    if (!v->u.map.n)
      return 0;
    out->u.map.items = awsc_arena_calloc(a, v->u.map.n, sizeof(awsc_kv));
    if (!out->u.map.items)
      return AWSC_ENOMEM;
    for (size_t i = 0; i < v->u.map.n; i++) {
      awsc_kv *d = &out->u.map.items[i];
      const awsc_kv *sk = &v->u.map.items[i];
      d->key = awsc_arena_strndup(a, sk->key, sk->key_len);
      d->key_len = sk->key_len;
      if (!d->key)
        return AWSC_ENOMEM;
      int rc = awsc_rv_copy(&d->value, a, &sk->value);
      if (rc)
        return rc;
    }
    return 0;
  case AWSC_V_STREAM:
    out->type = AWSC_V_NULL; /* a handle never keeps a body */
    return 0;
  default:
    return 0;
  }
}

/* The member `key` of a MAP, added (NULL-typed) when absent. Arrays grow
 * by copy into the arena: parameter maps are small. */
static awsc_value *map_slot(awsc_value *m, awsc_arena *a, const char *key,
                            size_t klen) {
  for (size_t i = 0; i < m->u.map.n; i++)
    if (m->u.map.items[i].key_len == klen &&
        memcmp(m->u.map.items[i].key, key, klen) == 0)
      return &m->u.map.items[i].value;
  awsc_kv *items = awsc_arena_calloc(a, m->u.map.n + 1, sizeof(awsc_kv));
  char *k = awsc_arena_strndup(a, key, klen);
  if (!items || !k)
    return NULL;
  if (m->u.map.n)
    memcpy(items, m->u.map.items, m->u.map.n * sizeof(awsc_kv));
  items[m->u.map.n].key = k;
  items[m->u.map.n].key_len = klen;
  m->u.map.items = items;
  return &items[m->u.map.n++].value;
}

/* Item i of a LIST, the list grown with NULL items up to it. */
static awsc_value *list_slot(awsc_value *l, awsc_arena *a, size_t i) {
  if (i < l->u.list.n)
    return &l->u.list.items[i];
  awsc_value *items = awsc_arena_calloc(a, i + 1, sizeof(awsc_value));
  if (!items)
    return NULL;
  if (l->u.list.n)
    memcpy(items, l->u.list.items, l->u.list.n * sizeof(awsc_value));
  l->u.list.items = items;
  l->u.list.n = i + 1;
  return &items[i];
}

int awsc_rv_map_put(awsc_value *map, awsc_arena *a, const char *key,
                    size_t klen, const awsc_value *v) {
  awsc_value *slot = map_slot(map, a, key, klen);
  if (!slot)
    return AWSC_ENOMEM;
  *slot = *v;
  return 0;
}

int awsc_rv_set(awsc_value *root, awsc_arena *a, const char *target,
                const awsc_value *v, size_t index) {
  awsc_value *cur = root;
  const char *p = target;
  while (*p) {
    size_t n = strcspn(p, ".[");
    if (cur->type != AWSC_V_MAP) {
      memset(cur, 0, sizeof *cur);
      cur->type = AWSC_V_MAP;
    }
    cur = map_slot(cur, a, p, n);
    if (!cur)
      return AWSC_ENOMEM;
    p += n;
    while (*p == '[') {
      const char *close = strchr(p, ']');
      if (!close)
        return AWSC_EINVAL;
      if (cur->type != AWSC_V_LIST) {
        memset(cur, 0, sizeof *cur);
        cur->type = AWSC_V_LIST;
      }
      size_t at;
      if (close == p + 1) /* [] appends */
        at = cur->u.list.n;
      else if (p[1] == '*') /* [*]: the batch item's own slot */
        at = index;
      else
        at = (size_t)strtoul(p + 1, NULL, 10);
      cur = list_slot(cur, a, at);
      if (!cur)
        return AWSC_ENOMEM;
      p = close + 1;
    }
    if (*p == '.')
      p++;
  }
  *cur = *v;
  return 0;
}

int awsc_rv_search(awsc_value *out, awsc_arena *a, const char *path,
                   const awsc_value *v, awsc_error *err) {
  if (!path || strcmp(path, "@") == 0) {
    *out = *v;
    return 0;
  }
  return awsc_jmespath_eval(path, v, a, out, err);
}

bool awsc_rsrc_name_eq(const char *m, const char *g) {
  while (*m || *g) {
    if (*g == '_') {
      g++;
      continue;
    }
    if (tolower((unsigned char)*m) != tolower((unsigned char)*g))
      return false;
    m++;
    g++;
  }
  return true;
}
