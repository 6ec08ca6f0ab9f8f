/* lib/runtime/value.c - value lookup and the arena-backed builder. */
#include "runtime/value.h"

#include <string.h>

#include "runtime/jtree.h"

const awsc_value *awsc_value_get(const awsc_value *v, const char *key) {
  if (!v || v->type != AWSC_V_MAP || !key)
    return NULL;
  size_t kl = strlen(key);
  for (size_t i = 0; i < v->u.map.n; i++) {
    const awsc_kv *kv = &v->u.map.items[i];
    if (kv->key_len == kl && memcmp(kv->key, key, kl) == 0)
      return &kv->value;
  }
  return NULL;
}

typedef awsc_vb_frame vb_frame;

void awsc_vb_init(awsc_value_builder *b, awsc_arena *arena) {
  b->arena = arena;
  b->stack = b->inline_stack;
  b->depth = 0;
  b->cap = AWSC_VB_INLINE_DEPTH;
  memset(&b->root, 0, sizeof b->root);
  b->have_root = false;
  b->rc = arena ? 0 : AWSC_EINVAL;
}

awsc_value_builder *awsc_vb_new(awsc_arena *arena) {
  if (!arena)
    return NULL;
  awsc_value_builder *b = awsc_arena_alloc(arena, sizeof *b);
  if (b)
    awsc_vb_init(b, arena);
  return b;
}

void awsc_vb_free(awsc_value_builder *b) {
  (void)b; /* everything it holds is in its arena */
}

static int vb_fail(awsc_value_builder *b, int rc) {
  if (!b->rc)
    b->rc = rc;
  return rc;
}

/* Grow the open frame f to hold `cap` items. */
static int vb_grow(awsc_value_builder *b, vb_frame *f, size_t cap) {
  size_t elem = f->is_map ? sizeof(awsc_kv) : sizeof(awsc_value);
  void *items = awsc_arena_alloc(b->arena, cap * elem);
  if (!items)
    return vb_fail(b, AWSC_ENOMEM);
  if (f->n)
    memcpy(items, f->items, f->n * elem);
  f->items = items;
  f->cap = cap;
  return 0;
}

int awsc_vb_reserve(awsc_value_builder *b, size_t more) {
  if (!b)
    return AWSC_EINVAL;
  if (b->rc || b->depth == 0)
    return b->rc;
  vb_frame *f = &b->stack[b->depth - 1];
  return f->cap - f->n >= more ? 0 : vb_grow(b, f, f->n + more);
}

/* Append `v` to the open container (or make it the root). */
static int vb_add(awsc_value_builder *b, const awsc_value *v) {
  if (b->rc)
    return b->rc;
  if (b->depth == 0) {
    if (b->have_root)
      return vb_fail(b, AWSC_EINVAL);
    b->root = *v;
    b->have_root = true;
    return 0;
  }
  vb_frame *f = &b->stack[b->depth - 1];
  if (f->is_map && !f->has_key)
    return vb_fail(b, AWSC_EINVAL);
  if (f->n == f->cap && vb_grow(b, f, f->cap ? f->cap * 2 : 4))
    return b->rc;
  if (f->is_map) {
    awsc_kv *kv = &((awsc_kv *)f->items)[f->n];
    kv->key = f->key;
    kv->key_len = f->key_len;
    kv->value = *v;
    f->has_key = false;
  } else {
    ((awsc_value *)f->items)[f->n] = *v;
  }
  f->n++;
  return 0;
}

static int vb_begin(awsc_value_builder *b, bool is_map) {
  if (!b)
    return AWSC_EINVAL;
  if (b->rc)
    return b->rc;
  if (b->depth == 0 && b->have_root)
    return vb_fail(b, AWSC_EINVAL);
  if (b->depth > 0) {
    vb_frame *top = &b->stack[b->depth - 1];
    if (top->is_map && !top->has_key)
      return vb_fail(b, AWSC_EINVAL);
  }
  if (b->depth == b->cap) {
    size_t cap = b->cap * 2;
    vb_frame *s = awsc_arena_alloc(b->arena, cap * sizeof *s);
    if (!s)
      return vb_fail(b, AWSC_ENOMEM);
    memcpy(s, b->stack, b->depth * sizeof *s);
    b->stack = s;
    b->cap = cap;
  }
  vb_frame *f = &b->stack[b->depth++];
  memset(f, 0, sizeof *f);
  f->is_map = is_map;
  return 0;
}

int awsc_vb_begin_map(awsc_value_builder *b) {
  return vb_begin(b, true);
}
int awsc_vb_begin_list(awsc_value_builder *b) {
  return vb_begin(b, false);
}

int awsc_vb_end(awsc_value_builder *b) {
  if (!b)
    return AWSC_EINVAL;
  if (b->rc)
    return b->rc;
  if (b->depth == 0)
    return vb_fail(b, AWSC_EINVAL);
  vb_frame f = b->stack[b->depth - 1];
  if (f.is_map && f.has_key)
    return vb_fail(b, AWSC_EINVAL);
  b->depth--;
  awsc_value v;
  memset(&v, 0, sizeof v);
  if (f.is_map) {
    v.type = AWSC_V_MAP;
    v.u.map.items = f.items;
    v.u.map.n = f.n;
  } else {
    v.type = AWSC_V_LIST;
    v.u.list.items = f.items;
    v.u.list.n = f.n;
  }
  return vb_add(b, &v);
}

static int vb_key(awsc_value_builder *b, const char *key, size_t len,
                  bool copy) {
  if (!b || !key)
    return AWSC_EINVAL;
  if (b->rc)
    return b->rc;
  if (b->depth == 0)
    return vb_fail(b, AWSC_EINVAL);
  vb_frame *f = &b->stack[b->depth - 1];
  if (!f->is_map || f->has_key)
    return vb_fail(b, AWSC_EINVAL);
  const char *k = copy ? awsc_arena_memdup0(b->arena, key, len) : key;
  if (!k)
    return vb_fail(b, AWSC_ENOMEM);
  f->key = k;
  f->key_len = len;
  f->has_key = true;
  return 0;
}

int awsc_vb_key(awsc_value_builder *b, const char *key, size_t len) {
  return vb_key(b, key, len, true);
}

int awsc_vb_key_ref(awsc_value_builder *b, const char *key, size_t len) {
  return vb_key(b, key, len, false);
}

static int vb_scalar(awsc_value_builder *b, awsc_value *v) {
  if (!b)
    return AWSC_EINVAL;
  return vb_add(b, v);
}

int awsc_vb_null(awsc_value_builder *b) {
  awsc_value v = {.type = AWSC_V_NULL};
  return vb_scalar(b, &v);
}

int awsc_vb_bool(awsc_value_builder *b, bool x) {
  awsc_value v = {.type = AWSC_V_BOOL, .u.b = x};
  return vb_scalar(b, &v);
}

int awsc_vb_int(awsc_value_builder *b, int64_t x) {
  awsc_value v = {.type = AWSC_V_INT, .u.i = x};
  return vb_scalar(b, &v);
}

int awsc_vb_double(awsc_value_builder *b, double x) {
  awsc_value v = {.type = AWSC_V_DOUBLE, .u.d = x};
  return vb_scalar(b, &v);
}

int awsc_vb_timestamp(awsc_value_builder *b, int64_t ms) {
  awsc_value v = {.type = AWSC_V_TIMESTAMP, .u.i = ms};
  return vb_scalar(b, &v);
}

static int vb_bytes(awsc_value_builder *b, uint8_t type, const void *p,
                    size_t n) {
  if (!b || (!p && n))
    return AWSC_EINVAL;
  if (b->rc)
    return b->rc;
  char *copy = awsc_arena_memdup0(b->arena, p, n);
  if (!copy)
    return vb_fail(b, AWSC_ENOMEM);
  awsc_value v = {.type = type};
  v.u.s.p = copy;
  v.u.s.n = n;
  return vb_add(b, &v);
}

int awsc_vb_string(awsc_value_builder *b, const char *p, size_t n) {
  return vb_bytes(b, AWSC_V_STRING, p, n);
}

int awsc_vb_blob(awsc_value_builder *b, const void *p, size_t n) {
  return vb_bytes(b, AWSC_V_BLOB, p, n);
}

/* A streaming body (pipeline-owned pointer, not copied). */
int awsc_vb_stream(awsc_value_builder *b, void *stream) {
  awsc_value v = {.type = AWSC_V_STREAM, .u.stream = stream};
  return vb_scalar(b, &v);
}

/* A blob borrowed from the caller for the life of the value (large request
 * bodies are not copied). */
int awsc_vb_blob_ref(awsc_value_builder *b, const void *p, size_t n) {
  awsc_value v = {.type = AWSC_V_BLOB, .u.s = {(const char *)p, n}};
  return vb_scalar(b, &v);
}

/* A string borrowed for the life of the value (NUL-terminated at n). */
int awsc_vb_string_ref(awsc_value_builder *b, const char *p, size_t n) {
  awsc_value v = {.type = AWSC_V_STRING, .u.s = {p, n}};
  return vb_scalar(b, &v);
}

int awsc_vb_value(awsc_value_builder *b, const awsc_value *v) {
  if (!b || !v)
    return AWSC_EINVAL;
  return vb_add(b, v);
}

int awsc_vb_finish(awsc_value_builder *b, awsc_value *out) {
  if (!b || !out)
    return AWSC_EINVAL;
  if (b->rc)
    return b->rc;
  if (b->depth != 0 || !b->have_root)
    return vb_fail(b, AWSC_EINVAL);
  *out = b->root;
  return 0;
}

size_t awsc_param_path_push(awsc_param_path *p, const char *s, size_t n) {
  size_t mark = p->len;
  size_t room = sizeof(p->s) - 1 - p->len;
  if (n > room)
    n = room;
  memcpy(p->s + p->len, s, n);
  p->len += n;
  p->s[p->len] = '\0';
  return mark;
}

const char *awsc_param_path_name(const awsc_param_path *p) {
  if (p->len == 0)
    return "input";
  return p->s[0] == '.' ? p->s + 1 : p->s;
}

/* botocore's "valid types" words for a shape type, in its
 * "Invalid type for parameter" message. */
const char *awsc_shape_valid_types(uint8_t shape_type) {
  switch (shape_type) {
  case AWSC_SHAPE_STRUCTURE:
  case AWSC_SHAPE_MAP:
    return "dict";
  case AWSC_SHAPE_LIST:
    return "list, tuple";
  case AWSC_SHAPE_STRING:
    return "str";
  case AWSC_SHAPE_INTEGER:
  case AWSC_SHAPE_LONG:
    return "int";
  case AWSC_SHAPE_BOOLEAN:
    return "bool";
  case AWSC_SHAPE_FLOAT:
  case AWSC_SHAPE_DOUBLE:
    return "float, Decimal, int";
  case AWSC_SHAPE_TIMESTAMP:
    return "datetime, timestamp-string";
  case AWSC_SHAPE_BLOB:
    return "bytes, bytearray, file-like object";
  default:
    return "str, int, bool, float, list, dict";
  }
}

bool awsc_typed_put_number(uint8_t st, void *f, uint8_t vt, int64_t i, double d,
                           bool b) {
  int64_t n = vt == AWSC_V_INT || vt == AWSC_V_TIMESTAMP ? i
              : vt == AWSC_V_DOUBLE                      ? (int64_t)d
              : vt == AWSC_V_BOOL                        ? b
                                                         : 0;
  switch (st) {
  case AWSC_SHAPE_INTEGER:
    *(int32_t *)f = (int32_t)n;
    return true;
  case AWSC_SHAPE_LONG:
  case AWSC_SHAPE_TIMESTAMP:
    *(int64_t *)f = n;
    return true;
  case AWSC_SHAPE_BOOLEAN:
    *(bool *)f = vt == AWSC_V_BOOL ? b : n != 0;
    return true;
  case AWSC_SHAPE_FLOAT:
  case AWSC_SHAPE_DOUBLE:
    *(double *)f = vt == AWSC_V_DOUBLE ? d : (double)n;
    return true;
  default:
    return false;
  }
}
