/*
 * lib/protocols/parse_xml.c - XML bodies (rest-xml, query, ec2) parsed
 * straight into the value builder.
 *
 * A tokenizer (our scanner, or expat) emits start / text / end events; a
 * stack of frames, one per open element that matters, says what each
 * element is: a structure, a list wrapper, a map wrapper or entry, or a
 * scalar whose text is converted at its end tag. Unknown elements are
 * skipped with a depth counter and cost no frame. Matching ignores
 * namespace prefixes (botocore strips "{uri}" from tags).
 *
 * Differences from botocore's DOM walk, all for malformed or unusual
 * input: a member element repeated where the model wants one value keeps
 * the first; a flattened list whose items are interleaved with other
 * members is merged afterwards (awsc_pvalue_merge_lists); a scalar whose
 * text is not a valid value of its type is left out instead of failing
 * the whole response.
 */
#include <expat.h>
#include <limits.h>
#include <string.h>

#include "protocols/parse_internal.h"
#include "protocols/ws_internal.h"

#define XML_MAX_DEPTH 512

enum { F_DOC, F_DESCEND, F_STRUCT, F_LIST, F_MAP, F_ENTRY, F_SCALAR };
enum { R_NONE, R_MEMBER, R_ITEM, R_KEY, R_VALUE };
enum {
  FL_NOCLOSE = 1,     /* STRUCT: the map was opened by the caller */
  FL_HAVE_KEY = 2,    /* ENTRY */
  FL_HAVE_VALUE = 4,  /* ENTRY */
  FL_DEFERRED = 8,    /* value built in a side builder (value before key) */
  FL_HAD_CHILD = 16,  /* SCALAR: text after a child element is ignored */
  FL_DONE = 32,       /* DESCEND: target already found */
  FL_UNKNOWN = 64,    /* STRUCT (union): SDK_UNKNOWN_MEMBER emitted */
  FL_NULL_EMPTY = 128 /* SCALAR: empty text is null (root member) */
};

typedef struct xframe {
  uint8_t kind;
  uint8_t role;
  uint8_t flags;
  uint8_t level;     /* DESCEND */
  int32_t open_flat; /* STRUCT: member whose flat list is open */
  size_t key_len;    /* SCALAR (R_MEMBER): strlen(member->name) */
  const awsc_shape *shape;
  const awsc_member *member;   /* SCALAR (R_MEMBER): for the key */
  const awsc_pindex *ix;       /* STRUCT */
  uint64_t seen;               /* STRUCT: members 0..63 already present */
  uint8_t *seen_big;           /* STRUCT: the others (tmp arena) */
  awsc_value_builder *saved_b; /* ENTRY: main builder while deferred */
  awsc_value dval;             /* ENTRY: deferred value */
} xframe;

typedef struct xstate {
  awsc_pctx *c;
  const awsc_xml_target *target;
  const awsc_shape *root_shape;
  xframe *st;
  uint32_t depth, cap;
  uint32_t skip;
  bool root_done;
  int failed; /* an event handler's error (err is set) */
  /* text of the open scalar */
  const char *tp;
  size_t tn;
  bool tcopy; /* text lives in tbuf */
  awsc_buf tbuf;
  xframe inline_st[16];
} xstate;

/* The part after the last ':' (names are short: a plain loop beats a
 * memchr call). */
static inline size_t local_len(const char *name, size_t len, const char **out) {
  size_t st = 0;
  for (size_t i = 0; i < len; i++)
    if (name[i] == ':')
      st = i + 1;
  *out = name + st;
  return len - st;
}

static int push(xstate *x, xframe **out) {
  if (x->depth == x->cap) {
    if (x->cap >= XML_MAX_DEPTH)
      return awsc_perr(x->c, "XML nesting deeper than %d", XML_MAX_DEPTH);
    uint32_t cap = x->cap * 2;
    xframe *n = awsc_grow_array(x->st, x->inline_st, x->depth, cap, sizeof(*n));
    if (!n)
      return AWSC_ENOMEM;
    x->st = n;
    x->cap = cap;
  }
  xframe *f = &x->st[x->depth++];
  memset(f, 0, offsetof(xframe, dval));
  f->open_flat = -1;
  *out = f;
  return 0;
}

/* 1 when member mi was already present, 0 when not (now it is), or
 * AWSC_ENOMEM. */
static int seen_test_set(awsc_pctx *c, xframe *f, int mi) {
  if (mi < 64) {
    uint64_t bit = 1ull << mi;
    int was = (f->seen & bit) != 0;
    f->seen |= bit;
    return was;
  }
  if (!f->seen_big) {
    awsc_arena *tmp = awsc_pctx_tmp(c);
    if (!tmp)
      return AWSC_ENOMEM;
    f->seen_big = awsc_arena_calloc(tmp, f->shape->member_count, 1);
    if (!f->seen_big)
      return AWSC_ENOMEM;
  }
  int was = f->seen_big[mi] != 0;
  f->seen_big[mi] = 1;
  return was;
}

/* Attribute `want` (a member's locationName, maybe "prefix:local") among
 * the element's attributes; a different prefix for the same local name
 * matches too, since botocore rewrites "{uri}" to the wanted prefix. */
static const awsc_xml_attr *find_attr(const char *want,
                                      const awsc_xml_attr *attrs, size_t n) {
  size_t wl = strlen(want);
  for (size_t i = 0; i < n; i++)
    if (attrs[i].name_len == wl && memcmp(attrs[i].name, want, wl) == 0)
      return &attrs[i];
  const char *wc = memchr(want, ':', wl);
  if (!wc)
    return NULL;
  const char *wlocal = wc + 1;
  size_t wll = wl - (size_t)(wlocal - want);
  for (size_t i = 0; i < n; i++) {
    const char *an = attrs[i].name;
    const char *ac = memchr(an, ':', attrs[i].name_len);
    if (!ac || (ac - an == 5 && memcmp(an, "xmlns", 5) == 0))
      continue;
    size_t all = attrs[i].name_len - (size_t)(ac + 1 - an);
    if (all == wll && memcmp(ac + 1, wlocal, wll) == 0)
      return &attrs[i];
  }
  return NULL;
}

static int struct_attrs(xstate *x, xframe *f, const awsc_xml_attr *attrs,
                        size_t n) {
  awsc_pctx *c = x->c;
  for (uint16_t k = 0; k < f->ix->attr_count; k++) {
    int mi = f->ix->attrs[k];
    const awsc_member *m = &f->shape->members[mi];
    const awsc_xml_attr *a = find_attr(awsc_member_wire_name(m), attrs, n);
    if (!a || !m->shape)
      continue;
    awsc_pscalar sc;
    int rc = awsc_pscalar_from_text(c, m->shape, a->value, a->value_len,
                                    AWSC_PSRC_XML, &sc);
    if (rc < 0)
      return rc;
    if (rc == AWSC_PSCALAR_BAD)
      return awsc_pscalar_bad(c, m->name, m->shape, a->value, a->value_len);
    if (rc > 0)
      continue;
    if ((rc = seen_test_set(c, f, mi)) < 0)
      return rc;
    /* Member names are the descriptor's (static, or the run-time model's,
     * which outlives its client's values): referenced, not copied, here
     * and below. */
    if ((rc = awsc_vb_key_ref(c->b, m->name, f->ix->name_lens[mi])) != 0 ||
        (rc = awsc_pscalar_put(c, &sc)) != 0)
      return rc;
  }
  return 0;
}

static int push_struct(xstate *x, const awsc_shape *s, uint8_t role,
                       uint8_t flags, const awsc_xml_attr *attrs, size_t n) {
  const awsc_pindex *ix = awsc_pindex_get(x->c, s);
  if (!ix)
    return AWSC_ENOMEM;
  xframe *f = NULL;
  int rc = push(x, &f);
  if (rc)
    return rc;
  f->kind = F_STRUCT;
  f->role = role;
  f->flags = flags;
  f->shape = s;
  f->ix = ix;
  return ix->attr_count ? struct_attrs(x, f, attrs, n) : 0;
}

/* Begin a value of shape `s` for the element just opened. `key` (a
 * member name) is emitted now for containers, at the end for scalars. */
static int push_value(xstate *x, const awsc_shape *s, const awsc_member *m,
                      size_t key_len, uint8_t role, const awsc_xml_attr *attrs,
                      size_t n) {
  awsc_pctx *c = x->c;
  int rc;
  xframe *f;
  if (!s) {
    x->skip = 1;
    return 0;
  }
  switch (s->type) {
  case AWSC_SHAPE_STRUCTURE:
  case AWSC_SHAPE_LIST:
  case AWSC_SHAPE_MAP:
    if (role == R_MEMBER && (rc = awsc_vb_key_ref(c->b, m->name, key_len)) != 0)
      return rc;
    rc = s->type == AWSC_SHAPE_LIST ? awsc_vb_begin_list(c->b)
                                    : awsc_vb_begin_map(c->b);
    if (rc)
      return rc;
    if (s->type == AWSC_SHAPE_STRUCTURE)
      return push_struct(x, s, role, 0, attrs, n);
    if ((rc = push(x, &f)) != 0)
      return rc;
    f->kind = s->type == AWSC_SHAPE_LIST ? F_LIST : F_MAP;
    f->role = role;
    f->shape = s;
    return 0;
  case AWSC_SHAPE_DOCUMENT:
    x->skip = 1; /* no XML form */
    return 0;
  default:
    if ((rc = push(x, &f)) != 0)
      return rc;
    f->kind = F_SCALAR;
    f->role = role;
    f->shape = s;
    f->member = m;
    f->key_len = key_len;
    x->tp = NULL;
    x->tn = 0;
    x->tcopy = false;
    return 0;
  }
}

static int push_entry(xstate *x, const awsc_shape *map) {
  xframe *f;
  int rc = push(x, &f);
  if (rc)
    return rc;
  f->kind = F_ENTRY;
  f->shape = map;
  return 0;
}

static bool name_is(const char *p, size_t n, const char *want) {
  size_t wl = strlen(want);
  return wl == n && memcmp(p, want, n) == 0;
}

static int emit_unknown_union(xstate *x, xframe *f, const char *name,
                              size_t n) {
  awsc_pctx *c = x->c;
  f->flags |= FL_UNKNOWN;
  int rc;
  if ((rc = awsc_vb_key(c->b, "SDK_UNKNOWN_MEMBER", 18)) != 0 ||
      (rc = awsc_vb_begin_map(c->b)) != 0 ||
      (rc = awsc_vb_key(c->b, "name", 4)) != 0 ||
      (rc = awsc_vb_string(c->b, name, n)) != 0)
    return rc;
  return awsc_vb_end(c->b);
}

/* The member of structure frame f an element names (-1: none); *name
 * and *n the name without its prefix. Most names carry no prefix: the
 * raw name is tried first. */
static int struct_member(const xframe *f, const char *rawname, size_t rawlen,
                         const char **name, size_t *n) {
  *name = rawname;
  *n = rawlen;
  int mi = awsc_pindex_find(f->ix, rawname, rawlen);
  if (mi < 0) {
    *n = local_len(rawname, rawlen, name);
    if (*n != rawlen)
      mi = awsc_pindex_find(f->ix, *name, *n);
  }
  return mi;
}

static int start_in_struct(xstate *x, xframe *f, const char *rawname,
                           size_t rawlen, const awsc_xml_attr *attrs,
                           size_t na) {
  awsc_pctx *c = x->c;
  const char *name;
  size_t n;
  int mi = struct_member(f, rawname, rawlen, &name, &n);
  int rc;
  if (mi < 0) {
    x->skip = 1;
    if (f->ix->is_union && f->seen == 0 && !f->seen_big &&
        !(f->flags & FL_UNKNOWN)) {
      if (f->open_flat >= 0) {
        if ((rc = awsc_vb_end(c->b)) != 0)
          return rc;
        f->open_flat = -1;
      }
      return emit_unknown_union(x, f, name, n);
    }
    return 0;
  }
  const awsc_member *m = &f->shape->members[mi];
  const awsc_shape *ms = m->shape;
  bool flat = ms &&
              (ms->type == AWSC_SHAPE_LIST || ms->type == AWSC_SHAPE_MAP) &&
              awsc_pshape_is_flattened(m);
  if (flat && f->open_flat == mi)
    goto item;
  if (f->open_flat >= 0) {
    if ((rc = awsc_vb_end(c->b)) != 0)
      return rc;
    f->open_flat = -1;
  }
  if ((rc = seen_test_set(c, f, mi)) < 0)
    return rc;
  if (rc) {
    if (!flat) {
      x->skip = 1; /* first occurrence wins */
      return 0;
    }
    c->needs_merge = true;
  }
  if (!flat)
    return push_value(x, ms, m, f->ix->name_lens[mi], R_MEMBER, attrs, na);
  if ((rc = awsc_vb_key_ref(c->b, m->name, f->ix->name_lens[mi])) != 0)
    return rc;
  rc = ms->type == AWSC_SHAPE_LIST ? awsc_vb_begin_list(c->b)
                                   : awsc_vb_begin_map(c->b);
  if (rc)
    return rc;
  f->open_flat = mi;
item:
  if (ms->type == AWSC_SHAPE_MAP)
    return push_entry(x, ms);
  return push_value(x, ms->list_member ? ms->list_member->shape : NULL, NULL, 0,
                    R_ITEM, attrs, na);
}

static int start_in_entry(xstate *x, xframe *f, const char *name, size_t n,
                          const awsc_xml_attr *attrs, size_t na) {
  const awsc_shape *map = f->shape;
  const awsc_member *km = map->map_key, *vm = map->map_value;
  const char *kn = km && km->location_name ? km->location_name : "key";
  const char *vn = vm && vm->location_name ? vm->location_name : "value";
  if (name_is(name, n, kn) && !(f->flags & FL_HAVE_KEY)) {
    xframe *k;
    int rc = push(x, &k);
    if (rc)
      return rc;
    k->kind = F_SCALAR;
    k->role = R_KEY;
    k->shape = km ? km->shape : NULL;
    x->tp = NULL;
    x->tn = 0;
    x->tcopy = false;
    return 0;
  }
  if (name_is(name, n, vn) && !(f->flags & (FL_HAVE_VALUE | FL_DEFERRED)) &&
      vm) {
    uint32_t entry_depth = x->depth;
    if (!(f->flags & FL_HAVE_KEY)) {
      /* Value before key: build it aside until the key is known. */
      awsc_value_builder *sb = awsc_vb_new(x->c->arena);
      if (!sb)
        return AWSC_ENOMEM;
      f->saved_b = x->c->b;
      f->flags |= FL_DEFERRED;
      x->c->b = sb;
    }
    int rc = push_value(x, vm->shape, NULL, 0, R_VALUE, attrs, na);
    if (rc == 0 && x->depth == entry_depth && (f->flags & FL_DEFERRED)) {
      /* value skipped (no XML form): undo the side builder */
      awsc_vb_free(x->c->b);
      x->c->b = f->saved_b;
      f->flags &= (uint8_t)~FL_DEFERRED;
    }
    return rc;
  }
  x->skip = 1;
  return 0;
}

static int x_start_impl(void *ud, const char *rawname, size_t rawlen,
                        const awsc_xml_attr *attrs, size_t na) {
  xstate *x = ud;
  if (x->skip) {
    x->skip++;
    return 0;
  }
  xframe *f = &x->st[x->depth - 1];
  if (f->kind == F_STRUCT)
    return start_in_struct(x, f, rawname, rawlen, attrs, na);
  const char *name;
  size_t n = local_len(rawname, rawlen, &name);
  switch (f->kind) {
  case F_DOC: {
    const awsc_xml_target *t = x->target;
    if (x->root_done) {
      x->skip = 1;
      return 0;
    }
    x->root_done = true;
    if (t->root_member) {
      const awsc_pindex *ix = awsc_pindex_get(x->c, x->root_shape);
      if (!ix)
        return AWSC_ENOMEM;
      int mi = awsc_pindex_find(ix, name, n);
      const awsc_member *m = mi >= 0 ? &x->root_shape->members[mi] : NULL;
      if (m && m->shape && m->shape->type != AWSC_SHAPE_STRUCTURE &&
          m->shape->type != AWSC_SHAPE_LIST &&
          m->shape->type != AWSC_SHAPE_MAP) {
        int rc =
            push_value(x, m->shape, m, ix->name_lens[mi], R_MEMBER, attrs, na);
        if (rc == 0 && x->depth > 1)
          x->st[x->depth - 1].flags |= FL_NULL_EMPTY;
        return rc;
      }
    }
    if ((t->root_name && !name_is(name, n, t->root_name)) || t->n_descend == 0)
      return push_struct(x, x->root_shape, R_NONE, FL_NOCLOSE, attrs, na);
    xframe *d;
    int rc = push(x, &d);
    if (rc)
      return rc;
    d->kind = F_DESCEND;
    return 0;
  }
  case F_DESCEND: {
    const awsc_xml_target *t = x->target;
    if ((f->flags & FL_DONE) || !name_is(name, n, t->descend[f->level])) {
      x->skip = 1;
      return 0;
    }
    f->flags |= FL_DONE;
    if ((size_t)f->level + 1 >= t->n_descend)
      return push_struct(x, x->root_shape, R_NONE, FL_NOCLOSE, attrs, na);
    uint8_t level = (uint8_t)(f->level + 1);
    xframe *d;
    int rc = push(x, &d);
    if (rc)
      return rc;
    d->kind = F_DESCEND;
    d->level = level;
    return 0;
  }
  case F_LIST: /* any child is an item, as botocore iterates children */
    return push_value(
        x, f->shape->list_member ? f->shape->list_member->shape : NULL, NULL, 0,
        R_ITEM, attrs, na);
  case F_MAP:
    return push_entry(x, f->shape);
  case F_ENTRY:
    return start_in_entry(x, f, name, n, attrs, na);
  case F_SCALAR:
  default:
    f->flags |= FL_HAD_CHILD;
    x->skip = 1;
    return 0;
  }
}

static int x_text_impl(void *ud, const char *p, size_t n, bool stable) {
  xstate *x = ud;
  if (x->skip || n == 0)
    return 0;
  xframe *f = &x->st[x->depth - 1];
  if (f->kind != F_SCALAR || (f->flags & FL_HAD_CHILD))
    return 0;
  if (!x->tp && !x->tcopy && stable) {
    x->tp = p;
    x->tn = n;
    return 0;
  }
  if (!x->tcopy) {
    awsc_buf_reset(&x->tbuf);
    if (x->tp && awsc_buf_append(&x->tbuf, x->tp, x->tn) != AWSC_OK)
      return AWSC_ENOMEM;
    x->tcopy = true;
  }
  if (awsc_buf_append(&x->tbuf, p, n) != AWSC_OK)
    return AWSC_ENOMEM;
  x->tp = x->tbuf.p;
  x->tn = x->tbuf.len;
  return 0;
}

/* The deferred value of entry `e` is complete in the side builder. */
static int finish_deferred(xstate *x, xframe *e) {
  awsc_pctx *c = x->c;
  int rc = awsc_vb_finish(c->b, &e->dval);
  awsc_vb_free(c->b);
  c->b = e->saved_b;
  e->flags &= (uint8_t)~FL_DEFERRED;
  if (rc)
    return rc;
  if (e->flags & FL_HAVE_KEY) {
    e->flags |= FL_HAVE_VALUE;
    return awsc_vb_value(c->b, &e->dval);
  }
  e->flags |= FL_HAVE_VALUE | FL_DEFERRED; /* value waiting for its key */
  return 0;
}

static int end_scalar(xstate *x, xframe *f, xframe *parent) {
  awsc_pctx *c = x->c;
  const char *p = x->tp ? x->tp : "";
  size_t n = x->tn;
  int rc;
  x->tp = NULL;
  x->tn = 0;
  x->tcopy = false;
  if (f->role == R_KEY) {
    if ((rc = awsc_vb_key(c->b, p, n)) != 0)
      return rc;
    parent->flags |= FL_HAVE_KEY;
    if ((parent->flags & (FL_HAVE_VALUE | FL_DEFERRED)) ==
        (FL_HAVE_VALUE | FL_DEFERRED)) {
      parent->flags &= (uint8_t)~FL_DEFERRED;
      return awsc_vb_value(c->b, &parent->dval);
    }
    return 0;
  }
  awsc_pscalar sc;
  if ((f->flags & FL_NULL_EMPTY) && n == 0) {
    sc.type = AWSC_V_NULL;
    rc = 0;
  } else {
    rc = awsc_pscalar_from_text(c, f->shape, p, n, AWSC_PSRC_XML, &sc);
  }
  if (rc < 0)
    return rc;
  if (rc == AWSC_PSCALAR_BAD)
    return awsc_pscalar_bad(c, f->member ? f->member->name : NULL, f->shape, p,
                            n);
  if (f->role == R_MEMBER) {
    if (rc > 0)
      return 0;
    if ((rc = awsc_vb_key_ref(c->b, f->member->name, f->key_len)) != 0)
      return rc;
    return awsc_pscalar_put(c, &sc);
  }
  if (rc > 0) {
    if (f->role != R_VALUE)
      return 0;
    return awsc_vb_null(c->b);
  }
  return awsc_pscalar_put(c, &sc);
}

static int x_end_impl(void *ud) {
  xstate *x = ud;
  awsc_pctx *c = x->c;
  if (x->skip) {
    x->skip--;
    return 0;
  }
  if (x->depth <= 1)
    return 0;
  xframe *f = &x->st[--x->depth];
  xframe *parent = &x->st[x->depth - 1];
  int rc = 0;
  switch (f->kind) {
  case F_STRUCT:
    if (f->open_flat >= 0 && (rc = awsc_vb_end(c->b)) != 0)
      return rc;
    if (!(f->flags & FL_NOCLOSE))
      rc = awsc_vb_end(c->b);
    break;
  case F_LIST:
  case F_MAP:
    rc = awsc_vb_end(c->b);
    break;
  case F_ENTRY:
    if ((f->flags & FL_HAVE_KEY) && !(f->flags & FL_HAVE_VALUE))
      rc = awsc_vb_null(c->b);
    break;
  case F_SCALAR:
    rc = end_scalar(x, f, parent);
    break;
  default:
    break;
  }
  if (rc)
    return rc;
  if (f->role == R_VALUE && parent->kind == F_ENTRY) {
    if (parent->flags & FL_DEFERRED)
      return finish_deferred(x, parent);
    parent->flags |= FL_HAVE_VALUE;
  }
  return 0;
}

/* A scalar member of the open structure given whole ("<Size>12</Size>"):
 * what start, text and end would do for it, without a frame. 1 when the
 * element is something else (the caller takes the general way). */
static int leaf_member(xstate *x, xframe *f, const char *rawname, size_t rawlen,
                       const char *p, size_t n) {
  awsc_pctx *c = x->c;
  const char *name;
  size_t nl;
  int mi = struct_member(f, rawname, rawlen, &name, &nl);
  if (mi < 0)
    return 1; /* skipped, or a union's unknown member */
  const awsc_member *m = &f->shape->members[mi];
  const awsc_shape *ms = m->shape;
  if (!ms || ms->type == AWSC_SHAPE_STRUCTURE || ms->type == AWSC_SHAPE_LIST ||
      ms->type == AWSC_SHAPE_MAP || ms->type == AWSC_SHAPE_DOCUMENT)
    return 1;
  int rc;
  if (f->open_flat >= 0) {
    if ((rc = awsc_vb_end(c->b)) != 0)
      return rc;
    f->open_flat = -1;
  }
  if ((rc = seen_test_set(c, f, mi)) != 0)
    return rc < 0 ? rc : 0; /* first occurrence wins */
  awsc_pscalar sc;
  rc = awsc_pscalar_from_text(c, ms, p, n, AWSC_PSRC_XML, &sc);
  if (rc < 0)
    return rc;
  if (rc == AWSC_PSCALAR_BAD)
    return awsc_pscalar_bad(c, m->name, ms, p, n);
  if (rc > 0)
    return 0;
  if ((rc = awsc_vb_key_ref(c->b, m->name, f->ix->name_lens[mi])) != 0)
    return rc;
  return awsc_pscalar_put(c, &sc);
}

static int x_start(void *ud, const char *name, size_t len,
                   const awsc_xml_attr *attrs, size_t na);
static int x_text(void *ud, const char *p, size_t n, bool stable);
static int x_end(void *ud);

static int x_leaf(void *ud, const char *name, size_t len, const char *p,
                  size_t n, bool stable) {
  xstate *x = ud;
  if (x->skip) /* start and end would cancel out */
    return 0;
  xframe *f = &x->st[x->depth - 1];
  if (f->kind == F_STRUCT) {
    int rc = leaf_member(x, f, name, len, p, n);
    if (rc <= 0) {
      if (rc)
        x->failed = rc;
      return rc;
    }
  }
  int rc = x_start(ud, name, len, NULL, 0);
  if (rc == 0 && n > 0)
    rc = x_text(ud, p, n, stable);
  return rc ? rc : x_end(ud);
}

/* The handlers remember their own failures, so a tokenizer's refusal
 * is never mistaken for ours (or the other way round). */
static int x_start(void *ud, const char *name, size_t len,
                   const awsc_xml_attr *attrs, size_t na) {
  int rc = x_start_impl(ud, name, len, attrs, na);
  if (rc)
    ((xstate *)ud)->failed = rc;
  return rc;
}

static int x_text(void *ud, const char *p, size_t n, bool stable) {
  int rc = x_text_impl(ud, p, n, stable);
  if (rc)
    ((xstate *)ud)->failed = rc;
  return rc;
}

static int x_end(void *ud) {
  int rc = x_end_impl(ud);
  if (rc)
    ((xstate *)ud)->failed = rc;
  return rc;
}

static const awsc_xml_handler engine = {x_start, x_text, x_end, x_leaf};

/* ------------------------------------------------------------------ */
/* expat                                                                */

typedef struct expat_ud {
  const awsc_xml_handler *h;
  void *ud;
  XML_Parser p;
  int rc;
  bool dtd;
} expat_ud;

static void stop(expat_ud *e, int rc) {
  if (!e->rc)
    e->rc = rc;
  XML_StopParser(e->p, XML_FALSE);
}

static void XMLCALL ex_start(void *u, const XML_Char *name,
                             const XML_Char **atts) {
  expat_ud *e = u;
  if (e->rc)
    return;
  size_t n = 0;
  while (atts[2 * n])
    n++;
  awsc_xml_attr small[8] = {{NULL, 0, NULL, 0}};
  awsc_xml_attr *a = n <= 8 ? small : awsc_calloc(n, sizeof(*a));
  if (!a) {
    stop(e, AWSC_ENOMEM);
    return;
  }
  for (size_t i = 0; i < n; i++) {
    a[i].name = atts[2 * i];
    a[i].name_len = strlen(atts[2 * i]);
    a[i].value = atts[2 * i + 1];
    a[i].value_len = strlen(atts[2 * i + 1]);
  }
  int rc = e->h->start(e->ud, name, strlen(name), a, n);
  if (a != small)
    awsc_free(a);
  if (rc)
    stop(e, rc);
}

static void XMLCALL ex_end(void *u, const XML_Char *name) {
  expat_ud *e = u;
  (void)name;
  if (e->rc)
    return;
  int rc = e->h->end(e->ud);
  if (rc)
    stop(e, rc);
}

static void XMLCALL ex_text(void *u, const XML_Char *s, int len) {
  expat_ud *e = u;
  if (e->rc || len <= 0)
    return;
  int rc = e->h->text(e->ud, s, (size_t)len, false);
  if (rc)
    stop(e, rc);
}

/* AWS never sends a DTD; refusing one keeps entity expansion out. */
static void XMLCALL ex_doctype(void *u, const XML_Char *name,
                               const XML_Char *sysid, const XML_Char *pubid,
                               int has_internal) {
  expat_ud *e = u;
  (void)name;
  (void)sysid;
  (void)pubid;
  (void)has_internal;
  e->dtd = true;
  stop(e, AWSC_EPARSE);
}

static void *ex_malloc(size_t n) {
  return awsc_malloc(n);
}
static void *ex_realloc(void *p, size_t n) {
  return awsc_realloc(p, n);
}
static void ex_free(void *p) {
  awsc_free(p);
}

int awsc_xml_expat(const char *p, size_t n, const awsc_xml_handler *h, void *ud,
                   awsc_error *err) {
  static const XML_Memory_Handling_Suite mm = {ex_malloc, ex_realloc, ex_free};
  expat_ud e = {h, ud, NULL, 0, false};
  e.p = XML_ParserCreate_MM(NULL, &mm, NULL);
  if (!e.p)
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  XML_SetUserData(e.p, &e);
  XML_SetElementHandler(e.p, ex_start, ex_end);
  XML_SetCharacterDataHandler(e.p, ex_text);
  XML_SetStartDoctypeDeclHandler(e.p, ex_doctype);
  enum XML_Status st = XML_STATUS_OK;
  do {
    int chunk = n > (size_t)(INT_MAX / 2) ? INT_MAX / 2 : (int)n;
    bool last = (size_t)chunk == n;
    st = XML_Parse(e.p, p, chunk, last);
    p += chunk;
    n -= (size_t)chunk;
  } while (st == XML_STATUS_OK && n > 0);
  int rc = 0;
  if (e.rc == AWSC_EPARSE && e.dtd) {
    rc = awsc_error_set(err, AWSC_EPARSE, AWSC_ERROR_PARSE,
                        "XML response carries a DTD, refused");
  } else if (e.rc) {
    rc = e.rc; /* the handler filled err */
  } else if (st != XML_STATUS_OK &&
             XML_GetErrorCode(e.p) == XML_ERROR_NO_MEMORY) {
    rc = awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL, "out of memory");
  } else if (st != XML_STATUS_OK) {
    rc = awsc_error_set(err, AWSC_EPARSE, AWSC_ERROR_PARSE,
                        "invalid XML in response: %s at line %lu column %lu",
                        XML_ErrorString(XML_GetErrorCode(e.p)),
                        (unsigned long)XML_GetCurrentLineNumber(e.p),
                        (unsigned long)XML_GetCurrentColumnNumber(e.p));
  }
  XML_ParserFree(e.p);
  return rc;
}

/* ------------------------------------------------------------------ */
/* entry points                                                         */

static int noop_start(void *ud, const char *n, size_t l, const awsc_xml_attr *a,
                      size_t na) {
  (void)ud, (void)n, (void)l, (void)a, (void)na;
  return 0;
}
static int noop_text(void *ud, const char *p, size_t n, bool s) {
  (void)ud, (void)p, (void)n, (void)s;
  return 0;
}
static int noop_end(void *ud) {
  (void)ud;
  return 0;
}

int awsc_parse_xml_struct_with(awsc_pctx *c, const awsc_shape *shape,
                               const char *body, size_t len,
                               const awsc_xml_target *target, int tokenizer) {
  xstate x;
  memset(&x, 0, offsetof(xstate, inline_st));
  x.c = c;
  x.target = target;
  x.root_shape = shape;
  x.st = x.inline_st;
  x.cap = AWSC_ARRAY_LEN(x.inline_st);
  x.depth = 1;
  memset(&x.st[0], 0, sizeof(x.st[0]));
  x.st[0].kind = F_DOC;
  x.st[0].open_flat = -1;
  x.tbuf = awsc_pws_take(c->ws, AWSC_PWS_XTEXT);
  awsc_value_builder *main_b = c->b;
  int rc;
  if (tokenizer == AWSC_XML_EXPAT) {
    rc = awsc_xml_expat(body, len, &engine, &x, c->err);
  } else {
    rc = awsc_xml_scan_ws(body, len, &engine, &x, c->ws);
    if (rc == AWSC_XML_DECLINED) {
      rc = tokenizer == AWSC_XML_SCAN
               ? awsc_perr(c, "XML needs the full parser")
               : awsc_xml_expat(body, len, &engine, &x, c->err);
    } else if (rc == AWSC_EPARSE && !x.failed) {
      /* Malformed: expat words the error (where and what). */
      static const awsc_xml_handler noop = {noop_start, noop_text, noop_end,
                                            NULL};
      if (awsc_xml_expat(body, len, &noop, NULL, c->err) == 0)
        awsc_perr(c, "invalid XML in response");
    }
  }
  /* Unwind side builders of unfinished entries (error paths). */
  while (x.depth > 1) {
    xframe *f = &x.st[--x.depth];
    if (f->kind == F_ENTRY && (f->flags & FL_DEFERRED) && f->saved_b &&
        c->b != f->saved_b) {
      awsc_vb_free(c->b);
      c->b = f->saved_b;
    }
  }
  c->b = main_b;
  if (x.st != x.inline_st)
    awsc_free(x.st);
  awsc_pws_give(c->ws, AWSC_PWS_XTEXT, &x.tbuf);
  return rc;
}

int awsc_parse_xml_struct(awsc_pctx *c, const awsc_shape *shape,
                          const char *body, size_t len,
                          const awsc_xml_target *target) {
  return awsc_parse_xml_struct_with(c, shape, body, len, target,
                                    c->xml_tokenizer);
}
