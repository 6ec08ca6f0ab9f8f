/*
 * Evaluation of compiled JMESPath expressions (jmespath.c parses them) over
 * awsc_value trees, with jmespath.py's semantics: a missing key or a wrong
 * type gives null, projections drop null results, comparisons of values
 * that can not be ordered give null.
 */
#include <string.h>

#include "client/jmespath.h"

typedef awsc_jp_node node;

bool awsc_jmespath_truthy(const awsc_value *v) {
  switch (v->type) {
  case AWSC_V_NULL:
    return false;
  case AWSC_V_BOOL:
    return v->u.b;
  case AWSC_V_STRING:
  case AWSC_V_BLOB:
    return v->u.s.n > 0;
  case AWSC_V_LIST:
    return v->u.list.n > 0;
  case AWSC_V_MAP:
    return v->u.map.n > 0;
  default:
    return true;
  }
}

static bool is_number(const awsc_value *v) {
  return v->type == AWSC_V_INT || v->type == AWSC_V_DOUBLE;
}

static double as_double(const awsc_value *v) {
  return v->type == AWSC_V_INT ? (double)v->u.i : v->u.d;
}

static const awsc_value *map_find(const awsc_value *m, const char *key,
                                  size_t len) {
  if (m->type != AWSC_V_MAP)
    return NULL;
  for (size_t i = 0; i < m->u.map.n; i++) {
    const awsc_kv *kv = &m->u.map.items[i];
    if (kv->key_len == len && memcmp(kv->key, key, len) == 0)
      return &kv->value;
  }
  return NULL;
}

bool awsc_jmespath_equal(const awsc_value *a, const awsc_value *b) {
  if (is_number(a) && is_number(b)) {
    if (a->type == AWSC_V_INT && b->type == AWSC_V_INT)
      return a->u.i == b->u.i;
    return as_double(a) == as_double(b);
  }
  /* different types never compare equal (true != 1, "x" != b"x") */
  if (a->type != b->type)
    return false;
  switch (a->type) {
  case AWSC_V_NULL:
    return true;
  case AWSC_V_BOOL:
    return a->u.b == b->u.b;
  case AWSC_V_STRING:
  case AWSC_V_BLOB:
    return a->u.s.n == b->u.s.n &&
           (a->u.s.n == 0 || memcmp(a->u.s.p, b->u.s.p, a->u.s.n) == 0);
  case AWSC_V_TIMESTAMP:
    return a->u.i == b->u.i;
  case AWSC_V_LIST:
    if (a->u.list.n != b->u.list.n)
      return false;
    for (size_t i = 0; i < a->u.list.n; i++)
      if (!awsc_jmespath_equal(&a->u.list.items[i], &b->u.list.items[i]))
        return false;
    return true;
  case AWSC_V_MAP:
    if (a->u.map.n != b->u.map.n)
      return false;
    for (size_t i = 0; i < a->u.map.n; i++) {
      const awsc_kv *kv = &a->u.map.items[i];
      const awsc_value *o = map_find(b, kv->key, kv->key_len);
      if (!o || !awsc_jmespath_equal(&kv->value, o))
        return false;
    }
    return true;
  default:
    return a == b;
  }
}

typedef struct evaluator {
  awsc_arena *a;
  awsc_error *err;
  const char *text;
} evaluator;

typedef struct vlist {
  awsc_value *items;
  size_t n, cap;
} vlist;

static int vl_push(awsc_arena *a, vlist *l, const awsc_value *v) {
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 8;
    awsc_value *items = awsc_arena_alloc(a, cap * sizeof(*items));
    if (!items)
      return AWSC_ENOMEM;
    if (l->n)
      memcpy(items, l->items, l->n * sizeof(*items));
    l->items = items;
    l->cap = cap;
  }
  l->items[l->n++] = *v;
  return 0;
}

static void vl_finish(const vlist *l, awsc_value *out) {
  memset(out, 0, sizeof(*out));
  out->type = AWSC_V_LIST;
  out->u.list.items = l->items;
  out->u.list.n = l->n;
}

static int ev_oom(evaluator *e) {
  return awsc_error_set(e->err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                        "out of memory");
}

static void set_null(awsc_value *out) {
  memset(out, 0, sizeof(*out));
}

static void set_bool(awsc_value *out, bool b) {
  memset(out, 0, sizeof(*out));
  out->type = AWSC_V_BOOL;
  out->u.b = b;
}

static const char *type_name(const awsc_value *v) {
  switch (v->type) {
  case AWSC_V_NULL:
    return "null";
  case AWSC_V_BOOL:
    return "boolean";
  case AWSC_V_INT:
  case AWSC_V_DOUBLE:
    return "number";
  case AWSC_V_STRING:
    return "string";
  case AWSC_V_LIST:
    return "array";
  case AWSC_V_MAP:
    return "object";
  case AWSC_V_TIMESTAMP:
    return "timestamp";
  case AWSC_V_BLOB:
    return "blob";
  default:
    return "stream";
  }
}

static int eval(evaluator *e, const node *n, const awsc_value *v,
                awsc_value *out);

/* r over each item (projection semantics: null results are dropped). */
/* Items come from a list (items) or from a map's values (kvs). */
static int project(evaluator *e, const node *n, const awsc_value *items,
                   const awsc_kv *kvs, size_t count, awsc_value *out) {
  vlist l = {NULL, 0, 0};
  for (size_t i = 0; i < count; i++) {
    const awsc_value *item = kvs ? &kvs[i].value : &items[i];
    if (n->c) {
      awsc_value cond;
      int rc = eval(e, n->c, item, &cond);
      if (rc)
        return rc;
      if (!awsc_jmespath_truthy(&cond))
        continue;
    }
    awsc_value r;
    int rc = eval(e, n->r, item, &r);
    if (rc)
      return rc;
    if (r.type != AWSC_V_NULL && vl_push(e->a, &l, &r))
      return ev_oom(e);
  }
  vl_finish(&l, out);
  return 0;
}

static int compare(const node *n, const awsc_value *x, const awsc_value *y,
                   awsc_value *out) {
  if (n->op == AWSC_JP_EQ || n->op == AWSC_JP_NE) {
    bool eq = awsc_jmespath_equal(x, y);
    set_bool(out, n->op == AWSC_JP_EQ ? eq : !eq);
    return 0;
  }
  int c;
  if (is_number(x) && is_number(y)) {
    if (x->type == AWSC_V_INT && y->type == AWSC_V_INT)
      c = x->u.i < y->u.i ? -1 : x->u.i > y->u.i;
    else {
      double a = as_double(x), b = as_double(y);
      if (a != a || b != b) { /* NaN: every ordering is false */
        set_bool(out, false);
        return 0;
      }
      c = a < b ? -1 : a > b;
    }
  } else if (x->type == AWSC_V_STRING && y->type == AWSC_V_STRING) {
    /* UTF-8 byte order is code point order */
    size_t m = x->u.s.n < y->u.s.n ? x->u.s.n : y->u.s.n;
    c = m ? memcmp(x->u.s.p, y->u.s.p, m) : 0;
    if (c == 0)
      c = x->u.s.n < y->u.s.n ? -1 : x->u.s.n > y->u.s.n;
  } else {
    set_null(out); /* ordering other types yields null */
    return 0;
  }
  bool r = n->op == AWSC_JP_LT    ? c < 0
           : n->op == AWSC_JP_LTE ? c <= 0
           : n->op == AWSC_JP_GT  ? c > 0
                                  : c >= 0;
  set_bool(out, r);
  return 0;
}

static int type_error(evaluator *e, const char *fn, const char *want,
                      const awsc_value *got) {
  return awsc_error_set(e->err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                        "JMESPath \"%s\": %s() expects %s, got %s", e->text, fn,
                        want, type_name(got));
}

static void set_int(awsc_value *out, int64_t i) {
  memset(out, 0, sizeof(*out));
  out->type = AWSC_V_INT;
  out->u.i = i;
}

/* Code points of a UTF-8 string: the bytes that start one. */
static int64_t code_points(const awsc_value *s) {
  int64_t n = 0;
  for (size_t i = 0; i < s->u.s.n; i++)
    if (((unsigned char)s->u.s.p[i] & 0xC0) != 0x80)
      n++;
  return n;
}

static int call(evaluator *e, const node *n, const awsc_value *x,
                const awsc_value *y, awsc_value *out) {
  switch ((awsc_jp_fn)n->op) {
  case AWSC_JP_FN_LENGTH:
    if (x->type == AWSC_V_STRING)
      set_int(out, code_points(x));
    else if (x->type == AWSC_V_LIST)
      set_int(out, (int64_t)x->u.list.n);
    else if (x->type == AWSC_V_MAP)
      set_int(out, (int64_t)x->u.map.n);
    else
      return type_error(e, "length", "a string, array or object", x);
    return 0;
  case AWSC_JP_FN_CONTAINS:
    if (x->type == AWSC_V_LIST) {
      bool found = false;
      for (size_t i = 0; !found && i < x->u.list.n; i++)
        found = awsc_jmespath_equal(&x->u.list.items[i], y);
      set_bool(out, found);
    } else if (x->type == AWSC_V_STRING) {
      /* a non-string search is never in a string (jmespath.py: `in`
       * raises, its type check refuses it first) */
      if (y->type != AWSC_V_STRING)
        return type_error(e, "contains", "a string to search a string for", y);
      bool found = y->u.s.n == 0;
      for (size_t i = 0; !found && i + y->u.s.n <= x->u.s.n; i++)
        found = memcmp(x->u.s.p + i, y->u.s.p, y->u.s.n) == 0;
      set_bool(out, found);
    } else {
      return type_error(e, "contains", "an array or string", x);
    }
    return 0;
  case AWSC_JP_FN_KEYS:
  case AWSC_JP_FN_VALUES: {
    bool keys = n->op == AWSC_JP_FN_KEYS;
    if (x->type != AWSC_V_MAP)
      return type_error(e, keys ? "keys" : "values", "an object", x);
    vlist l = {NULL, 0, 0};
    for (size_t i = 0; i < x->u.map.n; i++) {
      awsc_value k;
      const awsc_kv *kv = &x->u.map.items[i];
      memset(&k, 0, sizeof(k));
      k.type = AWSC_V_STRING;
      k.u.s.p = kv->key;
      k.u.s.n = kv->key_len;
      if (vl_push(e->a, &l, keys ? &k : &kv->value))
        return ev_oom(e);
    }
    vl_finish(&l, out);
    return 0;
  }
  }
  return awsc_error_set(e->err, AWSC_EINVAL, AWSC_ERROR_INTERNAL,
                        "JMESPath: bad function");
}

static int eval(evaluator *e, const node *n, const awsc_value *v,
                awsc_value *out) {
  awsc_value x, y;
  const awsc_value *f;
  int rc;
  switch ((awsc_jp_node_type)n->type) {
  case AWSC_JP_IDENTITY:
    *out = *v;
    return 0;
  case AWSC_JP_FIELD:
    f = map_find(v, n->name, n->len);
    if (f)
      *out = *f;
    else
      set_null(out);
    return 0;
  case AWSC_JP_SUB:
    rc = eval(e, n->l, v, &x);
    return rc ? rc : eval(e, n->r, &x, out);
  case AWSC_JP_INDEX: {
    if (v->type != AWSC_V_LIST) {
      set_null(out);
      return 0;
    }
    int64_t count = (int64_t)v->u.list.n;
    int64_t i = n->index < 0 ? count + n->index : n->index;
    if (i < 0 || i >= count)
      set_null(out);
    else
      *out = v->u.list.items[i];
    return 0;
  }
  case AWSC_JP_PROJECT:
  case AWSC_JP_FILTER:
    if ((rc = eval(e, n->l, v, &x)))
      return rc;
    if (x.type != AWSC_V_LIST) {
      set_null(out);
      return 0;
    }
    return project(e, n, x.u.list.items, NULL, x.u.list.n, out);
  case AWSC_JP_VPROJECT:
    if ((rc = eval(e, n->l, v, &x)))
      return rc;
    if (x.type != AWSC_V_MAP) {
      set_null(out);
      return 0;
    }
    return project(e, n, NULL, x.u.map.items, x.u.map.n, out);
  case AWSC_JP_FLATTEN: {
    if ((rc = eval(e, n->l, v, &x)))
      return rc;
    if (x.type != AWSC_V_LIST) {
      set_null(out);
      return 0;
    }
    vlist l = {NULL, 0, 0};
    for (size_t i = 0; i < x.u.list.n; i++) {
      const awsc_value *it = &x.u.list.items[i];
      if (it->type == AWSC_V_LIST) {
        for (size_t j = 0; j < it->u.list.n; j++)
          if (vl_push(e->a, &l, &it->u.list.items[j]))
            return ev_oom(e);
      } else if (vl_push(e->a, &l, it)) {
        return ev_oom(e);
      }
    }
    vl_finish(&l, out);
    return 0;
  }
  case AWSC_JP_MULTI_LIST: {
    if (v->type == AWSC_V_NULL) { /* as jmespath.py: null in, null out */
      set_null(out);
      return 0;
    }
    vlist l = {NULL, 0, 0};
    for (const node *it = n; it; it = it->r) {
      if ((rc = eval(e, it->l, v, &x)))
        return rc;
      if (vl_push(e->a, &l, &x))
        return ev_oom(e);
    }
    vl_finish(&l, out);
    return 0;
  }
  case AWSC_JP_LITERAL:
    *out = n->lit;
    return 0;
  case AWSC_JP_CMP:
    if ((rc = eval(e, n->l, v, &x)) || (rc = eval(e, n->r, v, &y)))
      return rc;
    return compare(n, &x, &y, out);
  case AWSC_JP_OR:
    if ((rc = eval(e, n->l, v, &x)))
      return rc;
    if (awsc_jmespath_truthy(&x)) {
      *out = x;
      return 0;
    }
    return eval(e, n->r, v, out);
  case AWSC_JP_AND:
    if ((rc = eval(e, n->l, v, &x)))
      return rc;
    if (!awsc_jmespath_truthy(&x)) {
      *out = x;
      return 0;
    }
    return eval(e, n->r, v, out);
  case AWSC_JP_NOT:
    if ((rc = eval(e, n->l, v, &x)))
      return rc;
    set_bool(out, !awsc_jmespath_truthy(&x));
    return 0;
  case AWSC_JP_FUNC:
    if ((rc = eval(e, n->c, v, &x)))
      return rc;
    memset(&y, 0, sizeof(y));
    if (n->r && (rc = eval(e, n->r, v, &y)))
      return rc;
    return call(e, n, &x, &y, out);
  }
  return awsc_error_set(e->err, AWSC_EINVAL, AWSC_ERROR_INTERNAL,
                        "JMESPath: bad node");
}

int awsc_jmespath_search(const awsc_jmespath *je, const awsc_value *data,
                         awsc_arena *arena, awsc_value *out, awsc_error *err) {
  if (!je || !arena || !out)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_jmespath_search: NULL argument");
  static const awsc_value null_value = {0};
  evaluator e = {arena, err, je->text};
  return eval(&e, je->root, data ? data : &null_value, out);
}

int awsc_jmespath_eval(const char *expr, const awsc_value *data,
                       awsc_arena *arena, awsc_value *out, awsc_error *err) {
  awsc_jmespath *je = NULL;
  int rc = awsc_jmespath_compile(&je, arena, expr, err);
  return rc ? rc : awsc_jmespath_search(je, data, arena, out, err);
}
