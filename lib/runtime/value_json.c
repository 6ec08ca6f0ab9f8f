/* lib/runtime/value_json.c - boto3-shaped JSON text <-> awsc_value,
 * directed by shape descriptors, with botocore's parameter validation
 * (botocore/validate.py) and its messages. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/jtree.h"
#include "runtime/timestamp.h"
#include "runtime/validate.h"
#include "runtime/value.h"

/* ------------------------------------------------------------------ */
/* Number formatting as Python's repr(float), which botocore's bodies
 * (json.dumps, str()) use. */

size_t awsc_double_format(double d, char out[32]) {
  if (isnan(d))
    return (size_t)snprintf(out, 32, "NaN");
  if (isinf(d))
    return (size_t)snprintf(out, 32, d < 0 ? "-Infinity" : "Infinity");
  if (d == 0)
    return (size_t)snprintf(out, 32, signbit(d) ? "-0.0" : "0.0");
  /* Shortest round-tripping digits. */
  char sci[40];
  int prec;
  for (prec = 1; prec <= 17; prec++) {
    snprintf(sci, sizeof sci, "%.*e", prec - 1, d);
    if (strtod(sci, NULL) == d)
      break;
  }
  /* sci = [-]d[.ddd]e[+-]xx */
  char digits[24];
  size_t nd = 0;
  const char *p = sci;
  bool neg = *p == '-';
  if (neg)
    p++;
  for (; *p && *p != 'e'; p++)
    if (*p >= '0' && *p <= '9')
      digits[nd++] = *p;
  int exp10 = atoi(p + 1);
  while (nd > 1 && digits[nd - 1] == '0')
    nd--;
  char *o = out;
  if (neg)
    *o++ = '-';
  if (exp10 < -4 || exp10 >= 16) {
    *o++ = digits[0];
    if (nd > 1) {
      *o++ = '.';
      memcpy(o, digits + 1, nd - 1);
      o += nd - 1;
    }
    o += snprintf(o, 8, "e%c%02d", exp10 < 0 ? '-' : '+', abs(exp10));
  } else if (exp10 < 0) {
    *o++ = '0';
    *o++ = '.';
    for (int i = -1; i > exp10; i--)
      *o++ = '0';
    memcpy(o, digits, nd);
    o += nd;
  } else {
    size_t int_digits = (size_t)exp10 + 1;
    for (size_t i = 0; i < int_digits; i++)
      *o++ = i < nd ? digits[i] : '0';
    *o++ = '.';
    if (nd > int_digits) {
      memcpy(o, digits + int_digits, nd - int_digits);
      o += nd - int_digits;
    } else {
      *o++ = '0';
    }
  }
  *o = '\0';
  return (size_t)(o - out);
}

/* ------------------------------------------------------------------ */
/* JSON -> value */

typedef struct conv {
  awsc_arena *arena;
  awsc_error *err;
  unsigned flags;
  int rc;
  awsc_param_path path; /* botocore's name: "", ".Foo", ".Foo[0]" */
} conv;

static size_t path_push(conv *c, const char *s, size_t n) {
  return awsc_param_path_push(&c->path, s, n);
}

static void path_pop(conv *c, size_t mark) {
  awsc_param_path_pop(&c->path, mark);
}

static bool validating(const conv *c) {
  return !(c->flags & AWSC_VJ_NO_VALIDATE);
}

static const char *path_name(conv *c) {
  return awsc_param_path_name(&c->path);
}

static const char *py_type(const awsc_jnode *n) {
  switch (n->type) {
  case AWSC_J_NULL:
    return "NoneType";
  case AWSC_J_BOOL:
    return "bool";
  case AWSC_J_INT:
    return "int";
  case AWSC_J_DOUBLE:
    return "float";
  case AWSC_J_STRING:
    return "str";
  case AWSC_J_ARRAY:
    return "list";
  default:
    return "dict";
  }
}

static int invalid_type(conv *c, const awsc_jnode *n, uint8_t shape_type) {
  const char *shown = n->type == AWSC_J_ARRAY    ? "[...]"
                      : n->type == AWSC_J_OBJECT ? "{...}"
                      : n->type == AWSC_J_NULL   ? "None"
                      : n->type == AWSC_J_BOOL   ? (n->b ? "True" : "False")
                                                 : n->s;
  c->rc = awsc_error_set(c->err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                         "Invalid type for parameter %s, value: %.100s, "
                         "type: %s, valid types: %s",
                         path_name(c), shown, py_type(n),
                         awsc_shape_valid_types(shape_type));
  return c->rc;
}

static int oom(conv *c) {
  c->rc =
      awsc_error_set(c->err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL, "out of memory");
  return c->rc;
}

static int conv_node(conv *c, const awsc_jnode *n, const awsc_shape *sh,
                     const awsc_member *m, awsc_value *out);

int awsc_value_from_jnode(awsc_value *out, awsc_arena *a, const awsc_jnode *n,
                          bool copy) {
  memset(out, 0, sizeof *out);
  switch (n->type) {
  case AWSC_J_NULL:
    out->type = AWSC_V_NULL;
    return 0;
  case AWSC_J_BOOL:
    out->type = AWSC_V_BOOL;
    out->u.b = n->b;
    return 0;
  case AWSC_J_INT:
    out->type = AWSC_V_INT;
    out->u.i = n->i;
    return 0;
  case AWSC_J_DOUBLE:
    out->type = AWSC_V_DOUBLE;
    out->u.d = n->d;
    return 0;
  case AWSC_J_STRING:
    out->type = AWSC_V_STRING;
    out->u.s.p = copy ? awsc_arena_memdup0(a, n->s, n->n) : n->s;
    out->u.s.n = n->n;
    return out->u.s.p ? 0 : AWSC_ENOMEM;
  case AWSC_J_ARRAY:
    out->type = AWSC_V_LIST;
    out->u.list.n = n->count;
    if (!n->count)
      return 0;
    out->u.list.items = awsc_arena_calloc(a, n->count, sizeof(awsc_value));
    if (!out->u.list.items)
      return AWSC_ENOMEM;
    for (size_t i = 0; i < n->count; i++) {
      int rc =
          awsc_value_from_jnode(&out->u.list.items[i], a, n->items[i], copy);
      if (rc)
        return rc;
    }
    return 0;
  default:
    out->type = AWSC_V_MAP;
    out->u.map.n = n->count;
    if (!n->count)
      return 0;
    out->u.map.items = awsc_arena_calloc(a, n->count, sizeof(awsc_kv));
    if (!out->u.map.items)
      return AWSC_ENOMEM;
    for (size_t i = 0; i < n->count; i++) {
      awsc_kv *kv = &out->u.map.items[i];
      kv->key =
          copy ? awsc_arena_memdup0(a, n->members[i].key, n->members[i].key_len)
               : n->members[i].key;
      kv->key_len = n->members[i].key_len;
      if (!kv->key)
        return AWSC_ENOMEM;
      int rc = awsc_value_from_jnode(&kv->value, a, n->members[i].value, copy);
      if (rc)
        return rc;
    }
    return 0;
  }
}

/* Untyped (document) conversion. */
static int conv_any(conv *c, const awsc_jnode *n, awsc_value *out) {
  return awsc_value_from_jnode(out, c->arena, n, true) ? oom(c) : 0;
}

static int conv_structure(conv *c, const awsc_jnode *n, const awsc_shape *sh,
                          awsc_value *out) {
  if (n->type != AWSC_J_OBJECT)
    return validating(c) ? invalid_type(c, n, sh->type) : 0;
  size_t present = 0;
  for (size_t i = 0; i < n->count; i++)
    if (n->members[i].value->type != AWSC_J_NULL)
      present++;
  if (validating(c) && (sh->flags & AWSC_SF_UNION) && present != 1) {
    awsc_buf names = AWSC_BUF_INIT;
    for (uint32_t i = 0; i < sh->member_count; i++)
      if (awsc_buf_printf(&names, "%s%s", i ? ", " : "", sh->members[i].name))
        break;
    if (present == 0)
      c->rc = awsc_error_set(c->err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                             "Must set one of the following keys for tagged "
                             "unionstructure %s: %s.",
                             path_name(c), names.p ? names.p : "");
    else
      c->rc = awsc_error_set(c->err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                             "Invalid number of parameters set for tagged "
                             "union structure %s. Can only set one of the "
                             "following keys: %s.",
                             path_name(c), names.p ? names.p : "");
    awsc_buf_free(&names);
    return c->rc;
  }
  if (validating(c)) {
    for (uint32_t i = 0; i < sh->member_count; i++) {
      const awsc_member *m = &sh->members[i];
      if (!(m->flags & AWSC_MF_REQUIRED))
        continue;
      if (!awsc_jtree_get(n, m->name)) {
        c->rc = awsc_error_set(c->err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                               "Missing required parameter in %s: \"%s\"",
                               path_name(c), m->name);
        return c->rc;
      }
    }
    for (size_t i = 0; i < n->count; i++) {
      const awsc_jmember *jm = &n->members[i];
      if (awsc_shape_find_member(sh, jm->key, jm->key_len))
        continue;
      awsc_buf names = AWSC_BUF_INIT;
      for (uint32_t k = 0; k < sh->member_count; k++)
        if (awsc_buf_printf(&names, "%s%s", k ? ", " : "", sh->members[k].name))
          break;
      c->rc = awsc_error_set(c->err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                             "Unknown parameter in %s: \"%s\", must be one "
                             "of: %s",
                             path_name(c), jm->key, names.p ? names.p : "");
      awsc_buf_free(&names);
      return c->rc;
    }
  }
  memset(out, 0, sizeof *out);
  out->type = AWSC_V_MAP;
  if (!present)
    return 0;
  awsc_kv *items = awsc_arena_calloc(c->arena, present, sizeof *items);
  if (!items)
    return oom(c);
  size_t k = 0;
  for (size_t i = 0; i < n->count; i++) {
    const awsc_jmember *jm = &n->members[i];
    if (jm->value->type == AWSC_J_NULL)
      continue;
    const awsc_member *m = awsc_shape_find_member(sh, jm->key, jm->key_len);
    if (!m)
      continue; /* lenient mode drops what it can't place */
    size_t mark = path_push(c, ".", 1);
    path_push(c, jm->key, jm->key_len);
    items[k].key = m->name;
    items[k].key_len = strlen(m->name);
    if (conv_node(c, jm->value, m->shape, m, &items[k].value))
      return c->rc;
    path_pop(c, mark);
    k++;
  }
  out->u.map.items = items;
  out->u.map.n = k;
  return 0;
}

static int conv_list(conv *c, const awsc_jnode *n, const awsc_shape *sh,
                     awsc_value *out) {
  if (n->type != AWSC_J_ARRAY)
    return validating(c) ? invalid_type(c, n, sh->type) : 0;
  memset(out, 0, sizeof *out);
  out->type = AWSC_V_LIST;
  out->u.list.n = n->count;
  if (!n->count)
    return 0;
  out->u.list.items = awsc_arena_calloc(c->arena, n->count, sizeof(awsc_value));
  if (!out->u.list.items)
    return oom(c);
  size_t k = 0;
  for (size_t i = 0; i < n->count; i++) {
    if (n->items[i]->type == AWSC_J_NULL && !validating(c))
      continue;
    char idx[32];
    int il = snprintf(idx, sizeof idx, "[%zu]", i);
    size_t mark = path_push(c, idx, (size_t)il);
    if (conv_node(c, n->items[i], sh->list_member->shape, sh->list_member,
                  &out->u.list.items[k]))
      return c->rc;
    path_pop(c, mark);
    k++;
  }
  out->u.list.n = k;
  return 0;
}

static int conv_map(conv *c, const awsc_jnode *n, const awsc_shape *sh,
                    awsc_value *out) {
  if (n->type != AWSC_J_OBJECT)
    return validating(c) ? invalid_type(c, n, sh->type) : 0;
  memset(out, 0, sizeof *out);
  out->type = AWSC_V_MAP;
  out->u.map.n = n->count;
  if (!n->count)
    return 0;
  awsc_kv *items = awsc_arena_calloc(c->arena, n->count, sizeof *items);
  if (!items)
    return oom(c);
  for (size_t i = 0; i < n->count; i++) {
    const awsc_jmember *jm = &n->members[i];
    items[i].key = awsc_arena_memdup0(c->arena, jm->key, jm->key_len);
    items[i].key_len = jm->key_len;
    if (!items[i].key)
      return oom(c);
    size_t mark = path_push(c, ".", 1);
    path_push(c, jm->key, jm->key_len);
    if (conv_node(c, jm->value, sh->map_value->shape, sh->map_value,
                  &items[i].value))
      return c->rc;
    path_pop(c, mark);
  }
  out->u.map.items = items;
  return 0;
}

static bool special_float(const awsc_jnode *n, double *d) {
  if (n->type != AWSC_J_STRING)
    return false;
  if (strcmp(n->s, "NaN") == 0)
    *d = NAN;
  else if (strcmp(n->s, "Infinity") == 0)
    *d = INFINITY;
  else if (strcmp(n->s, "-Infinity") == 0)
    *d = -INFINITY;
  else
    return false;
  return true;
}

/* Epoch seconds (possibly fractional) to ms, sub-ms dropped. */
static int64_t epoch_to_ms(double s) {
  double us = nearbyint(s * 1e6);
  double ms = floor(us / 1000.0);
  if (ms > 9.2e18)
    return INT64_MAX;
  if (ms < -9.2e18)
    return INT64_MIN;
  return (int64_t)ms;
}

static int conv_scalar(conv *c, const awsc_jnode *n, const awsc_shape *sh,
                       awsc_value *out) {
  memset(out, 0, sizeof *out);
  bool lenient = !validating(c);
  switch (sh->type) {
  case AWSC_SHAPE_STRING:
    if (n->type == AWSC_J_STRING ||
        (lenient && (n->type == AWSC_J_INT || n->type == AWSC_J_DOUBLE))) {
      out->type = AWSC_V_STRING;
      out->u.s.p = awsc_arena_memdup0(c->arena, n->s, n->n);
      out->u.s.n = n->n;
      return out->u.s.p ? 0 : oom(c);
    }
    if (lenient && n->type == AWSC_J_BOOL) {
      out->type = AWSC_V_STRING;
      out->u.s.p = n->b ? "true" : "false";
      out->u.s.n = strlen(out->u.s.p);
      return 0;
    }
    break;
  case AWSC_SHAPE_INTEGER:
  case AWSC_SHAPE_LONG:
    if (n->type == AWSC_J_INT) {
      out->type = AWSC_V_INT;
      out->u.i = n->i;
      return 0;
    }
    if (lenient && n->type == AWSC_J_DOUBLE) {
      out->type = AWSC_V_INT;
      out->u.i = awsc_jtree_as_i64(n);
      return 0;
    }
    if (lenient && n->type == AWSC_J_STRING) {
      out->type = AWSC_V_INT;
      out->u.i = strtoll(n->s, NULL, 10);
      return 0;
    }
    break;
  case AWSC_SHAPE_BOOLEAN:
    if (n->type == AWSC_J_BOOL) {
      out->type = AWSC_V_BOOL;
      out->u.b = n->b;
      return 0;
    }
    if (lenient && n->type == AWSC_J_STRING) {
      out->type = AWSC_V_BOOL;
      out->u.b = strcmp(n->s, "true") == 0;
      return 0;
    }
    break;
  case AWSC_SHAPE_FLOAT:
  case AWSC_SHAPE_DOUBLE: {
    double d;
    if (n->type == AWSC_J_INT || n->type == AWSC_J_DOUBLE) {
      /* An integral number stays an INT, as a Python int passed for a
       * float stays an int in botocore ("1", not "1.0", on the wire). */
      if (n->type == AWSC_J_INT) {
        out->type = AWSC_V_INT;
        out->u.i = n->i;
      } else {
        out->type = AWSC_V_DOUBLE;
        out->u.d = n->d;
      }
      return 0;
    }
    if (special_float(n, &d)) {
      out->type = AWSC_V_DOUBLE;
      out->u.d = d;
      return 0;
    }
    if (lenient && n->type == AWSC_J_STRING) {
      out->type = AWSC_V_DOUBLE;
      out->u.d = strtod(n->s, NULL);
      return 0;
    }
    break;
  }
  case AWSC_SHAPE_TIMESTAMP:
    if (n->type == AWSC_J_INT || n->type == AWSC_J_DOUBLE) {
      out->type = AWSC_V_TIMESTAMP;
      out->u.i = n->type == AWSC_J_INT && n->i < INT64_MAX / 1000 &&
                         n->i > INT64_MIN / 1000
                     ? n->i * 1000
                     : epoch_to_ms(awsc_jtree_as_double(n));
      return 0;
    }
    if (n->type == AWSC_J_STRING) {
      int64_t ms;
      if (awsc_timestamp_parse_input((awsc_sv){n->s, n->n}, &ms) == 0) {
        out->type = AWSC_V_TIMESTAMP;
        out->u.i = ms;
        return 0;
      }
    }
    break;
  case AWSC_SHAPE_BLOB:
    if (n->type == AWSC_J_STRING) {
      out->type = AWSC_V_BLOB;
      out->u.s.p = awsc_arena_memdup0(c->arena, n->s, n->n);
      out->u.s.n = n->n;
      return out->u.s.p ? 0 : oom(c);
    }
    break;
  default:
    break;
  }
  if (lenient) {
    out->type = AWSC_V_NULL;
    return 0;
  }
  return invalid_type(c, n, sh->type);
}

static int conv_node(conv *c, const awsc_jnode *n, const awsc_shape *sh,
                     const awsc_member *m, awsc_value *out) {
  memset(out, 0, sizeof *out); /* AWSC_V_NULL when lenient mode gives up */
  if (!sh || sh->type == AWSC_SHAPE_DOCUMENT)
    return conv_any(c, n, out);
  /* A jsonvalue header member holds any JSON value. */
  if (m && (m->flags & AWSC_MF_JSONVALUE) && sh->type == AWSC_SHAPE_STRING &&
      n->type != AWSC_J_STRING)
    return conv_any(c, n, out);
  switch (sh->type) {
  case AWSC_SHAPE_STRUCTURE:
    return conv_structure(c, n, sh, out);
  case AWSC_SHAPE_LIST:
    return conv_list(c, n, sh, out);
  case AWSC_SHAPE_MAP:
    return conv_map(c, n, sh, out);
  default:
    return conv_scalar(c, n, sh, out);
  }
}

int awsc_value_from_json_ex(awsc_value *out, awsc_arena *arena,
                            const awsc_shape *shape, const char *json,
                            size_t len, unsigned flags, awsc_error *err) {
  return awsc_value_from_json_fix(out, arena, shape, json, len, flags, NULL,
                                  NULL, err);
}

int awsc_value_from_json_fix(awsc_value *out, awsc_arena *arena,
                             const awsc_shape *shape, const char *json,
                             size_t len, unsigned flags, awsc_jtree_fix_fn fix,
                             void *fix_data, awsc_error *err) {
  return awsc_value_from_json_tmp(out, arena, NULL, shape, json, len, flags,
                                  fix, fix_data, err);
}

int awsc_value_from_json_tmp(awsc_value *out, awsc_arena *arena,
                             awsc_arena *tmp, const awsc_shape *shape,
                             const char *json, size_t len, unsigned flags,
                             awsc_jtree_fix_fn fix, void *fix_data,
                             awsc_error *err) {
  if (!out || !arena || (!json && len))
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_INTERNAL,
                          "invalid argument");
  memset(out, 0, sizeof *out);
  awsc_arena *own = NULL;
  if (!tmp) {
    tmp = own = awsc_arena_new(len < 2048 ? 0 : len * 2);
    if (!tmp)
      return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                            "out of memory");
  }
  awsc_jnode *root = NULL;
  /* input text: a lone surrogate stays visible to the validator */
  int rc = awsc_jtree_parse(&root, tmp, json ? json : "", len,
                            AWSC_JPARSE_KEEP_SURROGATES, err);
  if (rc == 0 && fix)
    rc = fix(root, tmp, fix_data, err);
  if (rc == 0) {
    if (shape && shape->type == AWSC_SHAPE_STRUCTURE &&
        root->type == AWSC_J_NULL) {
      out->type = AWSC_V_MAP; /* null input = no parameters */
    } else {
      conv c;
      c.arena = arena;
      c.err = err;
      c.flags = flags;
      c.rc = 0;
      awsc_param_path_reset(&c.path);
      rc = conv_node(&c, root, shape, NULL, out);
      /* lengths, ranges, labels, headers, UTF-8: the checks every door
       * shares (this one checked the JSON-only ones: names and types) */
      if (rc == 0 && !(flags & AWSC_VJ_NO_VALIDATE))
        rc = awsc_value_validate(out, shape, err);
    }
  }
  awsc_arena_free(own);
  return rc;
}

int awsc_value_from_json(awsc_value *out, awsc_arena *arena,
                         const awsc_shape *shape, const char *json, size_t len,
                         awsc_error *err) {
  return awsc_value_from_json_ex(out, arena, shape, json, len, 0, err);
}

/* ------------------------------------------------------------------ */
/* value -> JSON */

int awsc_json_put_string(awsc_buf *b, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  if (awsc_buf_reserve(b, n + 2))
    return AWSC_ENOMEM;
  int rc = awsc_buf_putc(b, '"');
  size_t run = 0;
  for (size_t i = 0; i < n && !rc; i++) {
    unsigned char ch = (unsigned char)s[i];
    if (ch >= 0x20 && ch != '"' && ch != '\\')
      continue;
    rc = awsc_buf_append(b, s + run, i - run);
    run = i + 1;
    if (rc)
      break;
    switch (ch) {
    case '"':
      rc = awsc_buf_append(b, "\\\"", 2);
      break;
    case '\\':
      rc = awsc_buf_append(b, "\\\\", 2);
      break;
    case '\n':
      rc = awsc_buf_append(b, "\\n", 2);
      break;
    case '\r':
      rc = awsc_buf_append(b, "\\r", 2);
      break;
    case '\t':
      rc = awsc_buf_append(b, "\\t", 2);
      break;
    case '\b':
      rc = awsc_buf_append(b, "\\b", 2);
      break;
    case '\f':
      rc = awsc_buf_append(b, "\\f", 2);
      break;
    default: {
      char e[6] = {'\\', 'u', '0', '0', hex[ch >> 4], hex[ch & 15]};
      rc = awsc_buf_append(b, e, 6);
    }
    }
  }
  if (!rc)
    rc = awsc_buf_append(b, s + run, n - run);
  return rc ? rc : awsc_buf_putc(b, '"');
}

typedef struct emitter {
  awsc_buf *out;
  bool pretty;
  int depth;
} emitter;

static int newline(emitter *e) {
  if (!e->pretty)
    return 0;
  if (awsc_buf_putc(e->out, '\n'))
    return AWSC_ENOMEM;
  for (int i = 0; i < e->depth; i++)
    if (awsc_buf_append(e->out, "  ", 2))
      return AWSC_ENOMEM;
  return 0;
}

static int emit(emitter *e, const awsc_value *v, const awsc_shape *sh);

static const awsc_shape *member_shape_for(const awsc_shape *sh,
                                          const awsc_kv *kv) {
  if (!sh)
    return NULL;
  if (sh->type == AWSC_SHAPE_MAP)
    return sh->map_value->shape;
  if (sh->type == AWSC_SHAPE_STRUCTURE) {
    const awsc_member *m = awsc_shape_find_member(sh, kv->key, kv->key_len);
    return m ? m->shape : NULL;
  }
  return NULL;
}

static int emit(emitter *e, const awsc_value *v, const awsc_shape *sh) {
  awsc_buf *b = e->out;
  char num[48];
  switch (v->type) {
  case AWSC_V_NULL:
  case AWSC_V_STREAM:
    return awsc_buf_append(b, "null", 4);
  case AWSC_V_BOOL:
    return v->u.b ? awsc_buf_append(b, "true", 4)
                  : awsc_buf_append(b, "false", 5);
  case AWSC_V_INT:
    return awsc_buf_printf(b, "%" PRId64, v->u.i);
  case AWSC_V_DOUBLE: {
    size_t n = awsc_double_format(v->u.d, num);
    if (isnan(v->u.d) || isinf(v->u.d))
      return awsc_json_put_string(b, num, n);
    return awsc_buf_append(b, num, n);
  }
  case AWSC_V_STRING:
    return awsc_json_put_string(b, v->u.s.p, v->u.s.n);
  case AWSC_V_BLOB: {
    /* base64 needs no JSON escaping: encoded straight into the output */
    if (v->u.s.n > (SIZE_MAX - 3) / 4 * 3 - 3 ||
        awsc_buf_reserve(b, AWSC_BASE64_LEN(v->u.s.n) + 3))
      return AWSC_ENOMEM;
    b->p[b->len++] = '"';
    b->len +=
        awsc_base64_encode((const uint8_t *)v->u.s.p, v->u.s.n, b->p + b->len);
    b->p[b->len++] = '"';
    b->p[b->len] = '\0';
    return 0;
  }
  case AWSC_V_TIMESTAMP:
    awsc_time_format_iso8601(v->u.i, true, num);
    return awsc_json_put_string(b, num, strlen(num));
  case AWSC_V_LIST: {
    const awsc_shape *ish =
        sh && sh->type == AWSC_SHAPE_LIST ? sh->list_member->shape : NULL;
    if (awsc_buf_putc(b, '['))
      return AWSC_ENOMEM;
    e->depth++;
    for (size_t i = 0; i < v->u.list.n; i++) {
      if ((i && awsc_buf_putc(b, ',')) || newline(e) ||
          emit(e, &v->u.list.items[i], ish))
        return AWSC_ENOMEM;
    }
    e->depth--;
    if (v->u.list.n && newline(e))
      return AWSC_ENOMEM;
    return awsc_buf_putc(b, ']');
  }
  case AWSC_V_MAP: {
    if (awsc_buf_putc(b, '{'))
      return AWSC_ENOMEM;
    e->depth++;
    for (size_t i = 0; i < v->u.map.n; i++) {
      const awsc_kv *kv = &v->u.map.items[i];
      if ((i && awsc_buf_putc(b, ',')) || newline(e) ||
          awsc_json_put_string(b, kv->key, kv->key_len) ||
          awsc_buf_append(b, e->pretty ? ": " : ":", e->pretty ? 2 : 1) ||
          emit(e, &kv->value, member_shape_for(sh, kv)))
        return AWSC_ENOMEM;
    }
    e->depth--;
    if (v->u.map.n && newline(e))
      return AWSC_ENOMEM;
    return awsc_buf_putc(b, '}');
  }
  default:
    return AWSC_EINVAL;
  }
}

int awsc_value_to_json(awsc_buf *out, const awsc_value *v,
                       const awsc_shape *shape, bool pretty) {
  if (!out || !v)
    return AWSC_EINVAL;
  emitter e = {out, pretty, 0};
  size_t mark = out->len;
  int rc = emit(&e, v, shape);
  if (rc && out->p) {
    out->len = mark;
    out->p[mark] = '\0';
  }
  return rc;
}
