/*
 * The typed door: generated C structs <-> engine values, driven by the
 * offsets the code generator put in the descriptors.
 */
#include <stdio.h>
#include <string.h>

#include "client/client_internal.h"
#include "client/typed.h"
#include "runtime/validate.h"

#define FIELD(base, off, type) (*(type *)((const char *)(base) + (off)))

/* ---- struct -> value ---- */

typedef struct to_ctx {
  awsc_value_builder *vb;
  awsc_error *err;
  char path[256];
} to_ctx;

static int elem_to_value(to_ctx *x, const awsc_shape *s, const void *p);

static bool member_present(const awsc_member *m, const void *obj) {
  const awsc_shape *s = m->shape;
  switch (s->type) {
  case AWSC_SHAPE_STRUCTURE:
  case AWSC_SHAPE_STRING:
  case AWSC_SHAPE_DOCUMENT:
    return FIELD(obj, m->offset, const void *) != NULL;
  case AWSC_SHAPE_LIST:
  case AWSC_SHAPE_MAP:
    return FIELD(obj, m->offset, const void *) != NULL ||
           FIELD(obj, m->has_offset, size_t) > 0;
  case AWSC_SHAPE_BLOB:
    if (m->has_offset != UINT32_MAX &&
        FIELD(obj, m->has_offset, const void *) != NULL)
      return true;
    return FIELD(obj, m->offset, awsc_blob).data != NULL;
  default:
    return m->has_offset != UINT32_MAX && FIELD(obj, m->has_offset, bool);
  }
}

/* path[plen..] = "." (unless at the start) + name, cut to the buffer as
 * snprintf would (this runs for every member given, on every call). */
static void path_append(char *path, size_t cap, size_t plen, const char *name,
                        size_t nlen) {
  if (plen + 1 >= cap)
    return;
  if (plen)
    path[plen++] = '.';
  if (nlen > cap - plen - 1)
    nlen = cap - plen - 1;
  memcpy(path + plen, name, nlen);
  path[plen + nlen] = '\0';
}

static int struct_to_value(to_ctx *x, const awsc_shape *s, const void *obj) {
  int rc = awsc_vb_begin_map(x->vb);
  size_t plen = strlen(x->path);
  for (uint32_t i = 0; !rc && i < s->member_count; i++) {
    const awsc_member *m = &s->members[i];
    /* A member without a has_ field is a pointer (structure, string,
     * document) or an awsc_blob (data first), absent when NULL: known
     * without reading its shape, which most members of a call are */
    if (m->has_offset == UINT32_MAX && !FIELD(obj, m->offset, const void *))
      continue;
    if (!member_present(m, obj))
      continue; /* required ones: awsc_value_validate says which */
    size_t nlen = strlen(m->name);
    path_append(x->path, sizeof(x->path), plen, m->name, nlen);
    rc = awsc_vb_key_ref(x->vb, m->name, nlen);
    if (rc)
      break;
    const void *f = (const char *)obj + m->offset;
    const awsc_shape *t = m->shape;
    switch (t->type) {
    case AWSC_SHAPE_STRUCTURE:
      rc = struct_to_value(x, t, FIELD(obj, m->offset, const void *));
      break;
    case AWSC_SHAPE_LIST:
    case AWSC_SHAPE_MAP: {
      awsc_list l = {FIELD(obj, m->offset, const void *),
                     FIELD(obj, m->has_offset, size_t)};
      rc = elem_to_value(x, t, &l);
      break;
    }
    case AWSC_SHAPE_BLOB:
      if (m->has_offset != UINT32_MAX &&
          FIELD(obj, m->has_offset, const void *) != NULL) {
        rc = awsc_vb_stream(x->vb,
                            (void *)FIELD(obj, m->has_offset, const void *));
        break;
      }
      {
        const awsc_blob *bl = f;
        rc = awsc_vb_blob_ref(x->vb, bl->data ? bl->data : "", bl->len);
      }
      break;
    default:
      rc = elem_to_value(x, t, f);
    }
    x->path[plen] = '\0';
  }
  if (!rc)
    rc = awsc_vb_end(x->vb);
  return rc;
}

/* One value of shape s stored at p as an element (by value for structs,
 * awsc_list for lists and maps, plain scalars). */
static int elem_to_value(to_ctx *x, const awsc_shape *s, const void *p) {
  switch (s->type) {
  case AWSC_SHAPE_STRUCTURE:
    return struct_to_value(x, s, p);
  case AWSC_SHAPE_LIST: {
    const awsc_list *l = p;
    int rc = awsc_vb_begin_list(x->vb);
    size_t es = s->c_size;
    for (size_t i = 0; !rc && i < l->count; i++)
      rc = elem_to_value(x, s->list_member->shape,
                         (const char *)l->items + i * es);
    return rc ? rc : awsc_vb_end(x->vb);
  }
  case AWSC_SHAPE_MAP: {
    const awsc_list *l = p;
    int rc = awsc_vb_begin_map(x->vb);
    size_t es = s->c_size;
    for (size_t i = 0; !rc && i < l->count; i++) {
      const char *e = (const char *)l->items + i * es;
      const char *key = FIELD(e, s->map_key->offset, const char *);
      if (!key)
        return awsc_error_set(x->err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                              "Invalid parameter %s: map entry %zu has a "
                              "NULL key",
                              x->path, i);
      rc = awsc_vb_key(x->vb, key, strlen(key));
      if (!rc)
        rc = elem_to_value(x, s->map_value->shape, e + s->map_value->offset);
    }
    return rc ? rc : awsc_vb_end(x->vb);
  }
  case AWSC_SHAPE_STRING:
  case AWSC_SHAPE_DOCUMENT: {
    const char *v = *(const char *const *)p;
    return v ? awsc_vb_string(x->vb, v, strlen(v)) : awsc_vb_null(x->vb);
  }
  case AWSC_SHAPE_INTEGER:
    return awsc_vb_int(x->vb, *(const int32_t *)p);
  case AWSC_SHAPE_LONG:
    return awsc_vb_int(x->vb, *(const int64_t *)p);
  case AWSC_SHAPE_BOOLEAN:
    return awsc_vb_bool(x->vb, *(const bool *)p);
  case AWSC_SHAPE_FLOAT:
  case AWSC_SHAPE_DOUBLE:
    return awsc_vb_double(x->vb, *(const double *)p);
  case AWSC_SHAPE_TIMESTAMP:
    return awsc_vb_timestamp(x->vb, *(const int64_t *)p);
  case AWSC_SHAPE_BLOB: {
    const awsc_blob *b = p;
    return awsc_vb_blob(x->vb, b->data ? b->data : "", b->len);
  }
  }
  return AWSC_EINVAL;
}

int awsc_typed_to_value(const awsc_shape *shape, const void *in,
                        awsc_arena *arena, awsc_value *out, awsc_error *err) {
  to_ctx x;
  memset(&x, 0, sizeof(x));
  x.err = err;
  awsc_value_builder vb;
  awsc_vb_init(&vb, arena);
  x.vb = &vb;
  int rc = 0;
  if (!in) /* no input given: every member absent */
    in = awsc_arena_calloc(arena, 1, shape->c_size ? shape->c_size : 1);
  rc = in ? struct_to_value(&x, shape, in) : AWSC_ENOMEM;
  if (!rc)
    rc = awsc_vb_finish(x.vb, out);
  /* the checks every door shares, before anything is serialized */
  if (!rc)
    rc = awsc_value_validate(out, shape, err);
  if (rc == AWSC_ENOMEM)
    awsc_error_set(err, rc, AWSC_ERROR_INTERNAL, "out of memory");
  return rc;
}

/* ---- value -> struct ---- */

static int elem_from_value(const awsc_shape *s, const awsc_value *v,
                           awsc_arena *a, bool ref, void *p);

static int struct_fill(const awsc_shape *s, const awsc_value *v, awsc_arena *a,
                       bool ref, void *obj) {
  if (v->type != AWSC_V_MAP)
    return 0;
  uint32_t next = 0; /* values mostly list members in model order */
  for (size_t i = 0; i < v->u.map.n; i++) {
    const awsc_kv *kv = &v->u.map.items[i];
    const awsc_member *m =
        awsc_shape_find_member_hint(s, kv->key, kv->key_len, &next);
    if (!m || kv->value.type == AWSC_V_NULL)
      continue;
    void *f = (char *)obj + m->offset;
    const awsc_shape *t = m->shape;
    int rc = 0;
    switch (t->type) {
    case AWSC_SHAPE_STRUCTURE: {
      void *sub = awsc_arena_calloc(a, 1, t->c_size ? t->c_size : 1);
      if (!sub)
        return AWSC_ENOMEM;
      rc = struct_fill(t, &kv->value, a, ref, sub);
      *(void **)f = sub;
      break;
    }
    case AWSC_SHAPE_LIST:
    case AWSC_SHAPE_MAP: {
      awsc_list l = {NULL, 0};
      rc = elem_from_value(t, &kv->value, a, ref, &l);
      *(const void **)f = l.items;
      *(size_t *)((char *)obj + m->has_offset) = l.count;
      break;
    }
    case AWSC_SHAPE_STRING:
    case AWSC_SHAPE_DOCUMENT:
    case AWSC_SHAPE_BLOB:
      rc = elem_from_value(t, &kv->value, a, ref, f);
      break;
    default:
      rc = elem_from_value(t, &kv->value, a, ref, f);
      if (!rc && m->has_offset != UINT32_MAX)
        *(bool *)((char *)obj + m->has_offset) = true;
    }
    if (rc)
      return rc;
  }
  return 0;
}

static int elem_from_value(const awsc_shape *s, const awsc_value *v,
                           awsc_arena *a, bool ref, void *p) {
  switch (s->type) {
  case AWSC_SHAPE_STRUCTURE:
    return struct_fill(s, v, a, ref, p);
  case AWSC_SHAPE_LIST: {
    awsc_list *l = p;
    if (v->type != AWSC_V_LIST)
      return 0;
    size_t es = s->c_size ? s->c_size : sizeof(void *);
    char *items = awsc_arena_calloc(a, v->u.list.n ? v->u.list.n : 1, es);
    if (!items)
      return AWSC_ENOMEM;
    for (size_t i = 0; i < v->u.list.n; i++) {
      int rc = elem_from_value(s->list_member->shape, &v->u.list.items[i], a,
                               ref, items + i * es);
      if (rc)
        return rc;
    }
    l->items = items;
    l->count = v->u.list.n;
    return 0;
  }
  case AWSC_SHAPE_MAP: {
    awsc_list *l = p;
    if (v->type != AWSC_V_MAP)
      return 0;
    size_t es = s->c_size ? s->c_size : 2 * sizeof(void *);
    char *items = awsc_arena_calloc(a, v->u.map.n ? v->u.map.n : 1, es);
    if (!items)
      return AWSC_ENOMEM;
    for (size_t i = 0; i < v->u.map.n; i++) {
      char *e = items + i * es;
      *(const char **)(e + s->map_key->offset) = v->u.map.items[i].key;
      int rc = elem_from_value(s->map_value->shape, &v->u.map.items[i].value, a,
                               ref, e + s->map_value->offset);
      if (rc)
        return rc;
    }
    l->items = items;
    l->count = v->u.map.n;
    return 0;
  }
  case AWSC_SHAPE_STRING:
  case AWSC_SHAPE_DOCUMENT:
    if (v->type == AWSC_V_STRING && ref && v->u.s.p[v->u.s.n] == '\0') {
      *(const char **)p = v->u.s.p; /* lives as long as the value */
    } else if (v->type == AWSC_V_STRING || v->type == AWSC_V_BLOB) {
      char *s2 = awsc_arena_strndup(a, v->u.s.p, v->u.s.n);
      if (!s2)
        return AWSC_ENOMEM;
      *(const char **)p = s2;
    }
    return 0;
  case AWSC_SHAPE_INTEGER:
  case AWSC_SHAPE_LONG:
  case AWSC_SHAPE_TIMESTAMP:
  case AWSC_SHAPE_BOOLEAN:
  case AWSC_SHAPE_FLOAT:
  case AWSC_SHAPE_DOUBLE:
    awsc_typed_put_number(s->type, p, v->type, v->u.i, v->u.d,
                          v->type == AWSC_V_BOOL && v->u.b);
    return 0;
  case AWSC_SHAPE_BLOB:
    if (v->type == AWSC_V_BLOB || v->type == AWSC_V_STRING) {
      awsc_blob *b = p;
      b->data = v->u.s.p;
      b->len = v->u.s.n;
    }
    return 0;
  }
  return 0;
}

static int from_value(const awsc_shape *shape, const awsc_value *v,
                      awsc_arena *arena, bool ref, void **out) {
  void *obj = awsc_arena_calloc(arena, 1, shape->c_size ? shape->c_size : 1);
  if (!obj)
    return AWSC_ENOMEM;
  int rc = struct_fill(shape, v, arena, ref, obj);
  if (!rc)
    *out = obj;
  return rc;
}

int awsc_typed_from_value(const awsc_shape *shape, const awsc_value *v,
                          awsc_arena *arena, void **out) {
  return from_value(shape, v, arena, false, out);
}

int awsc_typed_from_value_ref(const awsc_shape *shape, const awsc_value *v,
                              awsc_arena *arena, void **out) {
  return from_value(shape, v, arena, true, out);
}

/* ---- outputs: one arena, a header in front of the struct ---- */

/* Block layout: [output_header, padded] [awsc_out_tag] [the struct]. The
 * tag right before the struct is what awsc_mem_free reads. */
typedef struct output_header {
  awsc_arena *arena;
  awsc_response_metadata meta;
} output_header;

#define HEADER_SIZE                                                            \
  (((sizeof(output_header) + 15) & ~(size_t)15) + AWSC_OUT_TAG_SIZE)

static awsc_out_tag *output_tag(const void *output) {
  return (awsc_out_tag *)((char *)output - AWSC_OUT_TAG_SIZE);
}

static void output_free(void *output) {
  output_header *h = (output_header *)((char *)output - HEADER_SIZE);
  awsc_arena_free(h->arena);
}

const awsc_response_metadata *awsc_output_metadata(const void *output) {
  if (!output)
    return NULL;
  const output_header *h =
      (const output_header *)((const char *)output - HEADER_SIZE);
  const awsc_out_tag *t = output_tag(output);
  return t->magic == AWSC_OUT_MAGIC_OUTPUT && t->free_fn == output_free
             ? &h->meta
             : NULL;
}

void *awsc_typed_output_alloc(const awsc_shape *os, awsc_arena *arena) {
  size_t sz = os && os->c_size ? os->c_size : sizeof(awsc_empty);
  char *block = awsc_arena_calloc(arena, 1, HEADER_SIZE + sz);
  return block ? block + HEADER_SIZE : NULL;
}

int awsc_typed_output_finish(void **output, void *obj, const awsc_shape *os,
                             const awsc_value *v,
                             const awsc_response_metadata *meta,
                             awsc_arena *arena) {
  /* the value's strings live in this arena (or are static): referenced */
  int rc = os && v ? struct_fill(os, v, arena, true, obj) : 0;
  if (rc)
    return rc;
  output_header *hdr = (output_header *)((char *)obj - HEADER_SIZE);
  hdr->arena = arena;
  hdr->meta = *meta;
  awsc_out_tag *t = output_tag(obj);
  t->free_fn = output_free;
  t->magic = AWSC_OUT_MAGIC_OUTPUT;
  *output = obj;
  return 0;
}

int awsc_typed_output_make(void **output, const awsc_shape *os,
                           const awsc_value *v,
                           const awsc_response_metadata *meta,
                           awsc_arena *arena) {
  void *obj = awsc_typed_output_alloc(os, arena);
  if (!obj)
    return AWSC_ENOMEM;
  return awsc_typed_output_finish(output, obj, os, v, meta, arena);
}

int awsc_invoke_typed(void **output, awsc_client *c, const awsc_service *svc,
                      const awsc_operation *op, const void *input,
                      const awsc_body_sink *sink, awsc_error *err) {
  return awsc_invoke_typed_ex(output, c, svc, op, input, sink, 0, err);
}

int awsc_invoke_typed_ex(void **output, awsc_client *c, const awsc_service *svc,
                         const awsc_operation *op, const void *input,
                         const awsc_body_sink *sink, unsigned flags,
                         awsc_error *err) {
  if (output)
    *output = NULL;
  if (!c)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "%s: NULL client", op->name);
  if (c->svc != svc && (!c->svc->service_id || !svc->service_id ||
                        strcmp(c->svc->service_id, svc->service_id) != 0))
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "%s is an operation of %s, called with a %s client",
                          op->name, svc->service_id ? svc->service_id : "?",
                          c->svc->service_id ? c->svc->service_id : "?");
  /* the client's own descriptor of the operation (same service model) */
  const awsc_operation *cop =
      c->svc == svc ? op : awsc_service_find_operation(c->svc, op->name);
  if (!cop)
    return awsc_error_set(err, AWSC_ENOTFOUND, AWSC_ERROR_VALIDATION,
                          "operation %s not in the client's model", op->name);
  awsc_arena *arena = awsc_client_arena(c);
  if (!arena)
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  int rc = 0;
  awsc_value in = {0};
  if (op->input)
    rc = awsc_typed_to_value(op->input, input, arena, &in, err);
  awsc_call call;
  memset(&call, 0, sizeof(call));
  call.op = cop;
  call.input = op->input ? &in : NULL;
  call.arena = arena;
  if (sink)
    call.sink = *sink;
  call.copy_source_encoded = (flags & AWSC_TYPED_COPY_SOURCE_ENCODED) != 0;
  /* header and struct in one block (awsc_mem_free finds the arena just
   * before the pointer it is given), which the pipeline may fill itself
   * when the model is the client's (the struct's layout is op's) */
  void *obj = NULL;
  if (!rc && output && (!(obj = awsc_typed_output_alloc(op->output, arena))))
    rc = awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL, "out of memory");
  if (cop == op)
    call.typed_out = obj;
  if (!rc)
    rc = awsc_client_invoke(c, &call, err);
  if (!rc && output) {
    rc = awsc_typed_output_finish(output, obj, op->output,
                                  call.typed_filled ? NULL : &call.output,
                                  &call.meta, arena);
    if (!rc)
      return 0;
    awsc_error_set(err, rc, AWSC_ERROR_INTERNAL, "out of memory");
  }
  awsc_arena_free(arena);
  return rc;
}
