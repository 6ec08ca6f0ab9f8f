/*
 * lib/protocols/parse_json.c - JSON bodies (json, rest-json) parsed with
 * the library's JSON reader (lib/core/json.h) straight into the value
 * builder.
 *
 * Each token asks the frame on top of the stack where the value
 * goes (a structure member, a map value, a list item, a document) and
 * which shape it has. Unknown members ("__type" included) and values of
 * the wrong JSON type are skipped (nested containers by the reader).
 * As botocore: null members are left out, null list items kept; unlike
 * botocore, null map values are dropped (Smithy: dense maps drop them;
 * the models carry no "sparse" trait to tell otherwise).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "core/json.h"
#include "protocols/parse_internal.h"

#define JSON_MAX_DEPTH AWSC_JSON_MAX_DEPTH

enum { J_ROOT, J_STRUCT, J_MAP, J_LIST, J_DOC_MAP, J_DOC_LIST };
enum { JF_NOCLOSE = 1, JF_ANY = 2, JF_UNKNOWN = 4 };

typedef struct jframe {
  uint8_t kind;
  uint8_t flags;
  int32_t pending; /* STRUCT: member index of the next value */
  const awsc_shape *shape;
  const awsc_pindex *ix;
} jframe;

typedef struct jstate {
  awsc_pctx *c;
  const awsc_shape *root_shape;
  bool root_fill; /* root structure fills the open map */
  bool root_done;
  bool skip; /* the container just begun is not wanted: skip it */
  jframe *st;
  uint32_t depth, cap;
  awsc_buf key; /* MAP: key waiting for its value */
  bool have_key;
  int rc;
  jframe inline_st[16];
} jstate;

static const awsc_shape document_shape = {
    .name = "Document", .type = AWSC_SHAPE_DOCUMENT, .payload_index = -1};

/* Where the next value goes. */
typedef struct slot {
  const awsc_shape *shape; /* NULL: skip the value */
  const char *key;         /* emitted before the value, or NULL */
  size_t key_len;
  bool root_fill;
  bool null_kept; /* a JSON null becomes a null value */
  jframe *owner;
} slot;

static slot next_slot(jstate *x) {
  slot s = {NULL, NULL, 0, false, false, NULL};
  jframe *f = &x->st[x->depth - 1];
  s.owner = f;
  switch (f->kind) {
  case J_ROOT:
    if (x->root_done)
      return s;
    x->root_done = true;
    s.shape = x->root_shape;
    s.root_fill = x->root_fill && x->root_shape->type == AWSC_SHAPE_STRUCTURE;
    return s;
  case J_STRUCT:
    if (f->pending >= 0) {
      const awsc_member *m = &f->shape->members[f->pending];
      s.shape = m->shape;
      s.key = m->name;
      s.key_len = strlen(m->name);
    }
    f->pending = -1;
    return s;
  case J_MAP:
    if (x->have_key) {
      s.shape = f->shape->map_value ? f->shape->map_value->shape : NULL;
      s.key = x->key.p ? x->key.p : "";
      s.key_len = x->key.len;
    }
    x->have_key = false;
    return s;
  case J_LIST:
    s.shape = f->shape->list_member ? f->shape->list_member->shape : NULL;
    s.null_kept = true;
    return s;
  default: /* document containers: the key is already out */
    s.shape = &document_shape;
    s.null_kept = true;
    return s;
  }
}

/* Shape to read a JSON object (or array) with. An object or array where
 * the model has a scalar is kept as a document: botocore's JSON parser
 * passes such values through untouched. NULL: skip the value. */
static const awsc_shape *container_shape(const awsc_shape *sh, bool array) {
  if (!sh)
    return NULL;
  switch (sh->type) {
  case AWSC_SHAPE_STRUCTURE:
  case AWSC_SHAPE_MAP:
    return array ? NULL : sh;
  case AWSC_SHAPE_LIST:
    return array ? sh : NULL;
  case AWSC_SHAPE_DOCUMENT:
    return sh;
  default:
    return &document_shape;
  }
}

static int put_key(jstate *x, const slot *s) {
  if (!s->key)
    return 0;
  s->owner->flags |= JF_ANY;
  return awsc_vb_key(x->c->b, s->key, s->key_len);
}

static int fail(jstate *x, int rc) {
  if (!x->rc)
    x->rc = rc;
  return 0; /* stop reading */
}

static int push(jstate *x, uint8_t kind, const awsc_shape *shape,
                uint8_t flags) {
  if (x->depth == x->cap) {
    if (x->cap >= JSON_MAX_DEPTH)
      return awsc_perr(x->c, "JSON nesting deeper than %d", JSON_MAX_DEPTH);
    uint32_t cap = x->cap * 2;
    jframe *n = awsc_grow_array(x->st, x->inline_st, x->depth, cap, sizeof(*n));
    if (!n)
      return AWSC_ENOMEM;
    x->st = n;
    x->cap = cap;
  }
  jframe *f = &x->st[x->depth++];
  f->kind = kind;
  f->flags = flags;
  f->pending = -1;
  f->shape = shape;
  f->ix = NULL;
  if (kind == J_STRUCT) {
    f->ix = awsc_pindex_get(x->c, shape);
    if (!f->ix)
      return AWSC_ENOMEM;
  }
  return 0;
}

static int put_scalar(jstate *x, const slot *s, awsc_pscalar *sc, int rc) {
  if (rc < 0)
    return fail(x, rc);
  if (rc > 0)
    return 1; /* not a value of that type: left out */
  if ((rc = put_key(x, s)) != 0 || (rc = awsc_pscalar_put(x->c, sc)) != 0)
    return fail(x, rc);
  return 1;
}

/* rc: of awsc_pscalar_from_text; p, n: the text, for the message */
static int put_scalar_text(jstate *x, const slot *s, awsc_pscalar *sc, int rc,
                           const char *p, size_t n) {
  if (rc == AWSC_PSCALAR_BAD) {
    char name[128];
    snprintf(name, sizeof name, "%.*s",
             (int)(s->key_len < 127 ? s->key_len : 127), s->key ? s->key : "");
    return fail(x,
                awsc_pscalar_bad(x->c, s->key ? name : NULL, s->shape, p, n));
  }
  return put_scalar(x, s, sc, rc);
}

static int j_null(void *ctx) {
  jstate *x = ctx;
  slot s = next_slot(x);
  if (!s.shape || !s.null_kept)
    return 1;
  int rc = put_key(x, &s);
  if (rc == 0)
    rc = awsc_vb_null(x->c->b);
  return rc ? fail(x, rc) : 1;
}

static int j_boolean(void *ctx, int v) {
  jstate *x = ctx;
  slot s = next_slot(x);
  if (!s.shape)
    return 1;
  awsc_pscalar sc = {AWSC_V_BOOL, {.b = v != 0}};
  if (s.shape->type != AWSC_SHAPE_BOOLEAN &&
      s.shape->type != AWSC_SHAPE_DOCUMENT)
    return 1;
  return put_scalar(x, &s, &sc, 0);
}

static int j_number(void *ctx, const char *p, size_t n) {
  jstate *x = ctx;
  slot s = next_slot(x);
  if (!s.shape)
    return 1;
  awsc_pscalar sc;
  if (s.shape->type == AWSC_SHAPE_DOCUMENT) {
    if (awsc_parse_int64(p, n, &sc.u.i) == AWSC_OK) {
      sc.type = AWSC_V_INT;
    } else {
      sc.type = AWSC_V_DOUBLE;
      int rc = awsc_parse_double(p, n, &sc.u.d);
      if (rc)
        return fail(x, rc == AWSC_ENOMEM ? rc : awsc_perr(x->c, "bad number"));
    }
    return put_scalar(x, &s, &sc, 0);
  }
  if (s.shape->type == AWSC_SHAPE_STRUCTURE ||
      s.shape->type == AWSC_SHAPE_LIST || s.shape->type == AWSC_SHAPE_MAP ||
      s.shape->type == AWSC_SHAPE_BLOB)
    return 1;
  int rc = awsc_pscalar_from_number(x->c, s.shape, p, n, &sc);
  return put_scalar(x, &s, &sc, rc);
}

static int j_string(void *ctx, const unsigned char *p, size_t n) {
  jstate *x = ctx;
  slot s = next_slot(x);
  if (!s.shape)
    return 1;
  awsc_pscalar sc;
  int rc;
  switch (s.shape->type) {
  case AWSC_SHAPE_DOCUMENT:
    sc.type = AWSC_V_STRING;
    sc.u.s.p = (const char *)p;
    sc.u.s.n = n;
    rc = 0;
    break;
  case AWSC_SHAPE_STRUCTURE:
  case AWSC_SHAPE_LIST:
  case AWSC_SHAPE_MAP:
    return 1;
  default:
    rc = awsc_pscalar_from_text(x->c, s.shape, (const char *)p, n,
                                AWSC_PSRC_JSON, &sc);
  }
  return put_scalar_text(x, &s, &sc, rc, (const char *)p, n);
}

static int j_start_map(void *ctx) {
  jstate *x = ctx;
  slot s = next_slot(x);
  const awsc_shape *sh = container_shape(s.shape, false);
  if (!sh) {
    x->skip = true;
    return 1;
  }
  int rc = put_key(x, &s);
  if (rc == 0 && !s.root_fill)
    rc = awsc_vb_begin_map(x->c->b);
  if (rc == 0) {
    uint8_t kind = sh->type == AWSC_SHAPE_STRUCTURE ? J_STRUCT
                   : sh->type == AWSC_SHAPE_MAP     ? J_MAP
                                                    : J_DOC_MAP;
    rc = push(x, kind, sh, s.root_fill ? JF_NOCLOSE : 0);
  }
  return rc ? fail(x, rc) : 1;
}

static int emit_unknown_union(jstate *x, jframe *f, const unsigned char *k,
                              size_t n) {
  awsc_value_builder *b = x->c->b;
  f->flags |= JF_UNKNOWN | JF_ANY;
  int rc;
  if ((rc = awsc_vb_key(b, "SDK_UNKNOWN_MEMBER", 18)) != 0 ||
      (rc = awsc_vb_begin_map(b)) != 0 ||
      (rc = awsc_vb_key(b, "name", 4)) != 0 ||
      (rc = awsc_vb_string(b, (const char *)k, n)) != 0)
    return rc;
  return awsc_vb_end(b);
}

static int j_map_key(void *ctx, const unsigned char *k, size_t n) {
  jstate *x = ctx;
  jframe *f = &x->st[x->depth - 1];
  int rc = 0;
  switch (f->kind) {
  case J_STRUCT:
    f->pending = awsc_pindex_find(f->ix, (const char *)k, n);
    if (f->pending < 0 && f->ix->is_union && !(f->flags & JF_ANY) &&
        !(n == 6 && memcmp(k, "__type", 6) == 0))
      rc = emit_unknown_union(x, f, k, n);
    break;
  case J_MAP:
    awsc_buf_reset(&x->key);
    if (awsc_buf_append(&x->key, k, n) != AWSC_OK)
      rc = AWSC_ENOMEM;
    x->have_key = true;
    break;
  case J_DOC_MAP:
    rc = awsc_vb_key(x->c->b, (const char *)k, n);
    break;
  default:
    break;
  }
  return rc ? fail(x, rc) : 1;
}

static int j_end(void *ctx) {
  jstate *x = ctx;
  if (x->depth <= 1)
    return 1;
  jframe *f = &x->st[--x->depth];
  if (f->flags & JF_NOCLOSE)
    return 1;
  int rc = awsc_vb_end(x->c->b);
  return rc ? fail(x, rc) : 1;
}

static int j_start_array(void *ctx) {
  jstate *x = ctx;
  slot s = next_slot(x);
  const awsc_shape *sh = container_shape(s.shape, true);
  if (!sh) {
    x->skip = true;
    return 1;
  }
  int rc = put_key(x, &s);
  if (rc == 0)
    rc = awsc_vb_begin_list(x->c->b);
  if (rc == 0)
    rc = push(x, sh->type == AWSC_SHAPE_LIST ? J_LIST : J_DOC_LIST, sh, 0);
  return rc ? fail(x, rc) : 1;
}

/* Hand the reader's tokens to the handlers above. A container nobody
 * wants (x->skip set by its start handler) is skipped by the reader
 * itself, which checks it without decoding its strings. */
static int dispatch(jstate *x, awsc_json_reader *r, const awsc_jtok *t) {
  switch (t->type) {
  case AWSC_JTOK_NULL:
    return j_null(x);
  case AWSC_JTOK_TRUE:
  case AWSC_JTOK_FALSE:
    return j_boolean(x, t->type == AWSC_JTOK_TRUE);
  case AWSC_JTOK_NUMBER:
    return j_number(x, t->p, t->n);
  case AWSC_JTOK_STRING:
    return j_string(x, (const unsigned char *)t->p, t->n);
  case AWSC_JTOK_KEY:
    return j_map_key(x, (const unsigned char *)t->p, t->n);
  case AWSC_JTOK_BEGIN_OBJECT:
  case AWSC_JTOK_BEGIN_ARRAY: {
    int go =
        t->type == AWSC_JTOK_BEGIN_OBJECT ? j_start_map(x) : j_start_array(x);
    if (go && x->skip) {
      x->skip = false;
      if (awsc_json_skip(r, t))
        return 0; /* the reader's failure, reported by parse_json */
    }
    return go;
  }
  case AWSC_JTOK_END_OBJECT:
  case AWSC_JTOK_END_ARRAY:
    return j_end(x);
  default:
    return 1;
  }
}

/* The message for a reader failure (never quotes the body). */
static int reader_error(const awsc_json_reader *r, awsc_error *err) {
  if (r->rc == AWSC_ENOMEM)
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  return awsc_error_set(err, AWSC_EPARSE, AWSC_ERROR_PARSE,
                        "invalid JSON in response: %s near byte %zu", r->what,
                        r->error_at);
}

static int parse_json(awsc_pctx *c, const awsc_shape *shape, bool fill,
                      const char *body, size_t len) {
  jstate x;
  memset(&x, 0, offsetof(jstate, inline_st));
  x.c = c;
  x.root_shape = shape;
  x.root_fill = fill;
  x.st = x.inline_st;
  x.cap = AWSC_ARRAY_LEN(x.inline_st);
  x.depth = 1;
  x.st[0].kind = J_ROOT;
  x.st[0].flags = 0;
  x.st[0].pending = -1;
  /* Decoded strings go to the workspace's scratch arena when there is
   * one (emptied after the call: no heap allocation per request). */
  awsc_arena *scratch = NULL;
  if (c->ws && !(scratch = awsc_pctx_tmp(c)))
    return awsc_error_set(c->err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  awsc_json_reader r;
  awsc_json_reader_init(&r, body, len, 0, 0, scratch);
  awsc_jtok t;
  int rc;
  while ((rc = awsc_json_read(&r, &t)) == 0 && t.type != AWSC_JTOK_END &&
         dispatch(&x, &r, &t))
    ;
  if (x.rc)
    rc = x.rc;
  else if (r.rc)
    rc = reader_error(&r, c->err);
  awsc_json_reader_cleanup(&r);
  if (rc == 0 && !fill && !x.root_done)
    rc = awsc_vb_null(c->b);
  if (x.st != x.inline_st)
    awsc_free(x.st);
  awsc_buf_free(&x.key);
  return rc;
}

int awsc_parse_json_struct(awsc_pctx *c, const awsc_shape *shape,
                           const char *body, size_t len) {
  return parse_json(c, shape, true, body, len);
}

int awsc_parse_json_value(awsc_pctx *c, const awsc_shape *shape,
                          const char *body, size_t len) {
  return parse_json(c, shape, false, body, len);
}

int awsc_parse_json_document(awsc_pctx *c, const char *p, size_t n) {
  return parse_json(c, &document_shape, false, p, n);
}

/* ---- top-level strings (error bodies) ---- */

int awsc_json_top_strings(awsc_arena *arena, const char *body, size_t len,
                          const char *const *keys, const char **values,
                          size_t n_keys) {
  for (size_t i = 0; i < n_keys; i++)
    values[i] = NULL;
  awsc_json_reader r;
  awsc_json_reader_init(&r, body, len, 0, 0, NULL);
  awsc_jtok t;
  int want = -1; /* index of the key whose value comes next */
  int rc;
  while ((rc = awsc_json_read(&r, &t)) == 0 && t.type != AWSC_JTOK_END) {
    if (t.type == AWSC_JTOK_KEY && r.depth == 1) {
      want = -1;
      for (size_t i = 0; i < n_keys; i++)
        if (strlen(keys[i]) == t.n && memcmp(keys[i], t.p, t.n) == 0) {
          want = (int)i;
          break;
        }
      continue;
    }
    if (t.type == AWSC_JTOK_STRING && r.depth == 1 && want >= 0 &&
        !values[want]) {
      values[want] = awsc_arena_strndup(arena, t.p, t.n);
      if (!values[want]) {
        rc = AWSC_ENOMEM;
        break;
      }
    }
    want = -1;
    if (t.type == AWSC_JTOK_BEGIN_OBJECT && r.depth > 1)
      rc = awsc_json_skip(&r, &t);
    else if (t.type == AWSC_JTOK_BEGIN_ARRAY)
      rc = awsc_json_skip(&r, &t);
    if (rc)
      break;
  }
  awsc_json_reader_cleanup(&r);
  return rc;
}
