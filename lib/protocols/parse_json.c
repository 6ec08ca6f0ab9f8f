/*
 * lib/protocols/parse_json.c - JSON bodies (json, rest-json) parsed with
 * yajl's event API straight into the value builder.
 *
 * Each yajl event asks the frame on top of the stack where the value
 * goes (a structure member, a map value, a list item, a document) and
 * which shape it has. Unknown members ("__type" included) and values of
 * the wrong JSON type are skipped, nested containers by a depth count.
 * As botocore: null members are left out, null list items kept; unlike
 * botocore, null map values are dropped (Smithy: dense maps drop them;
 * the models carry no "sparse" trait to tell otherwise).
 */
#include <setjmp.h>
#include <stddef.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "protocols/parse_internal.h"

#define JSON_MAX_DEPTH 512

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
  uint32_t skip;
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
  return 0; /* stop yajl */
}

static int push(jstate *x, uint8_t kind, const awsc_shape *shape,
                uint8_t flags) {
  if (x->depth == x->cap) {
    if (x->cap >= JSON_MAX_DEPTH)
      return awsc_perr(x->c, "JSON nesting deeper than %d", JSON_MAX_DEPTH);
    uint32_t cap = x->cap * 2;
    jframe *n;
    if (x->st == x->inline_st) {
      n = awsc_malloc(cap * sizeof(*n));
      if (n)
        memcpy(n, x->st, x->depth * sizeof(*n));
    } else {
      n = awsc_realloc(x->st, cap * sizeof(*n));
    }
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

static int j_null(void *ctx) {
  jstate *x = ctx;
  if (x->skip)
    return 1;
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
  if (x->skip)
    return 1;
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
  if (x->skip)
    return 1;
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
  if (x->skip)
    return 1;
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
  return put_scalar(x, &s, &sc, rc);
}

static int j_start_map(void *ctx) {
  jstate *x = ctx;
  if (x->skip) {
    x->skip++;
    return 1;
  }
  slot s = next_slot(x);
  const awsc_shape *sh = container_shape(s.shape, false);
  if (!sh) {
    x->skip = 1;
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
  if (x->skip)
    return 1;
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
  if (x->skip) {
    x->skip--;
    return 1;
  }
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
  if (x->skip) {
    x->skip++;
    return 1;
  }
  slot s = next_slot(x);
  const awsc_shape *sh = container_shape(s.shape, true);
  if (!sh) {
    x->skip = 1;
    return 1;
  }
  int rc = put_key(x, &s);
  if (rc == 0)
    rc = awsc_vb_begin_list(x->c->b);
  if (rc == 0)
    rc = push(x, sh->type == AWSC_SHAPE_LIST ? J_LIST : J_DOC_LIST, sh, 0);
  return rc ? fail(x, rc) : 1;
}

static const yajl_callbacks jcb = {
    j_null,      j_boolean, NULL,  NULL,          j_number, j_string,
    j_start_map, j_map_key, j_end, j_start_array, j_end};

/*
 * yajl does not survive a failed allocation (yajl_alloc and its buffers
 * use the memory without checking). So every block it asks for is
 * tracked here, and a failure jumps straight back to run_yajl, which
 * frees them all and reports AWSC_ENOMEM. Our callbacks never hold a
 * resource of their own across a call into yajl, so nothing else leaks.
 */
/* Block header; the union keeps what follows it maximally aligned. */
typedef union yblock {
  struct {
    union yblock *prev, *next;
  } l;
  max_align_t align_;
} yblock;

typedef struct yalloc {
  yblock head; /* circular list of live blocks */
  jmp_buf oom;
  /* set: blocks come from this arena instead (a workspace's scratch,
   * emptied after the call); a block's size is kept in its header */
  awsc_arena *arena;
} yalloc;

/* Arena blocks: the size before the memory, for realloc. */
typedef union ysized {
  size_t size;
  max_align_t align_;
} ysized;

static void *ya_arena_alloc(yalloc *ya, size_t n) {
  ysized *b = n < SIZE_MAX - sizeof(ysized)
                  ? awsc_arena_alloc(ya->arena, sizeof(*b) + n)
                  : NULL;
  if (!b)
    longjmp(ya->oom, 1);
  b->size = n;
  return b + 1;
}

static void y_link(yalloc *ya, yblock *b) {
  b->l.next = ya->head.l.next;
  b->l.prev = &ya->head;
  ya->head.l.next->l.prev = b;
  ya->head.l.next = b;
}

static void y_unlink(yblock *b) {
  b->l.prev->l.next = b->l.next;
  b->l.next->l.prev = b->l.prev;
}

static void *y_malloc(void *ctx, size_t n) {
  yalloc *ya = ctx;
  if (ya->arena)
    return ya_arena_alloc(ya, n);
  yblock *b =
      n < SIZE_MAX - sizeof(yblock) ? awsc_malloc(sizeof(*b) + n) : NULL;
  if (!b)
    longjmp(ya->oom, 1);
  y_link(ya, b);
  return b + 1;
}

static void *y_realloc(void *ctx, void *p, size_t n) {
  yalloc *ya = ctx;
  if (!p)
    return y_malloc(ctx, n);
  if (ya->arena) {
    size_t old = ((ysized *)p - 1)->size;
    if (n <= old)
      return p;
    void *np = ya_arena_alloc(ya, n);
    memcpy(np, p, old);
    return np;
  }
  yblock *b = (yblock *)p - 1;
  y_unlink(b);
  yblock *nb =
      n < SIZE_MAX - sizeof(yblock) ? awsc_realloc(b, sizeof(*b) + n) : NULL;
  if (!nb) {
    y_link(ya, b); /* still ours: freed with the rest */
    longjmp(ya->oom, 1);
  }
  y_link(ya, nb);
  return nb + 1;
}

static void y_free(void *ctx, void *p) {
  yalloc *ya = ctx;
  if (!p || ya->arena)
    return;
  yblock *b = (yblock *)p - 1;
  y_unlink(b);
  awsc_free(b);
}

static void y_release_all(yalloc *ya) {
  while (ya->head.l.next != &ya->head) {
    yblock *b = ya->head.l.next;
    y_unlink(b);
    awsc_free(b);
  }
}

/* The yajl part of run_yajl, apart so that setjmp's frame holds nothing
 * that changes after it. */
static int yajl_run_body(const yajl_callbacks *cb, void *ud,
                         const int *status_rc, const char *body, size_t len,
                         awsc_error *err, yalloc *ya) {
  yajl_alloc_funcs af = {y_malloc, y_realloc, y_free, ya};
  yajl_handle h = yajl_alloc(cb, &af, ud);
  yajl_status st = yajl_parse(h, (const unsigned char *)body, len);
  if (st == yajl_status_ok)
    st = yajl_complete_parse(h);
  int rc = 0;
  if (*status_rc) {
    rc = *status_rc;
  } else if (st != yajl_status_ok) {
    unsigned char *msg = yajl_get_error(h, 0, (const unsigned char *)body, len);
    rc = awsc_error_set(err, AWSC_EPARSE, AWSC_ERROR_PARSE,
                        "invalid JSON in response: %s",
                        msg ? (const char *)msg : "?");
    if (msg)
      yajl_free_error(h, msg);
    /* yajl's message ends with a newline */
    size_t l = err ? strlen(err->message) : 0;
    while (l && (err->message[l - 1] == '\n' || err->message[l - 1] == ' '))
      err->message[--l] = '\0';
  }
  yajl_free(h);
  return rc;
}

/* Run yajl over the whole body with callbacks `cb`; `status_rc` is where
 * a callback left its error. */
static int run_yajl(const yajl_callbacks *cb, void *ud, const int *status_rc,
                    const char *body, size_t len, awsc_arena *arena,
                    awsc_error *err) {
  yalloc ya;
  ya.head.l.next = ya.head.l.prev = &ya.head;
  ya.arena = arena;
  if (setjmp(ya.oom)) {
    y_release_all(&ya);
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  }
  int rc = yajl_run_body(cb, ud, status_rc, body, len, err, &ya);
  y_release_all(&ya);
  return rc;
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
  awsc_arena *ya_arena = NULL;
  if (c->ws && !(ya_arena = awsc_pctx_tmp(c)))
    return awsc_error_set(c->err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  int rc = run_yajl(&jcb, &x, &x.rc, body, len, ya_arena, c->err);
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

typedef struct tstate {
  awsc_arena *arena;
  const char *const *keys;
  const char **values;
  size_t n;
  int depth;
  int want; /* index of the key whose value comes next */
  int rc;
} tstate;

static int t_scalar(tstate *t) {
  t->want = -1;
  return 1;
}
static int t_null(void *ctx) {
  return t_scalar(ctx);
}
static int t_bool(void *ctx, int v) {
  (void)v;
  return t_scalar(ctx);
}
static int t_number(void *ctx, const char *p, size_t n) {
  (void)p;
  (void)n;
  return t_scalar(ctx);
}
static int t_string(void *ctx, const unsigned char *p, size_t n) {
  tstate *t = ctx;
  if (t->depth == 1 && t->want >= 0 && !t->values[t->want]) {
    t->values[t->want] = awsc_arena_strndup(t->arena, (const char *)p, n);
    if (!t->values[t->want]) {
      t->rc = AWSC_ENOMEM;
      return 0;
    }
  }
  t->want = -1;
  return 1;
}
static int t_open(void *ctx) {
  tstate *t = ctx;
  t->depth++;
  t->want = -1;
  return 1;
}
static int t_close(void *ctx) {
  tstate *t = ctx;
  t->depth--;
  return 1;
}
static int t_key(void *ctx, const unsigned char *k, size_t n) {
  tstate *t = ctx;
  t->want = -1;
  if (t->depth != 1)
    return 1;
  for (size_t i = 0; i < t->n; i++)
    if (strlen(t->keys[i]) == n && memcmp(t->keys[i], k, n) == 0) {
      t->want = (int)i;
      break;
    }
  return 1;
}

static const yajl_callbacks tcb = {t_null,   t_bool,   NULL,   NULL,
                                   t_number, t_string, t_open, t_key,
                                   t_close,  t_open,   t_close};

int awsc_json_top_strings(awsc_arena *arena, const char *body, size_t len,
                          const char *const *keys, const char **values,
                          size_t n_keys) {
  tstate t = {arena, keys, values, n_keys, 0, -1, 0};
  for (size_t i = 0; i < n_keys; i++)
    values[i] = NULL;
  return run_yajl(&tcb, &t, &t.rc, body, len, NULL, NULL);
}
