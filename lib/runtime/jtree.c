/* lib/runtime/jtree.c - JSON text to an arena tree, on the library's one
 * JSON reader (lib/core/json.h).
 *
 * Builds straight into the arena: one scratch stack holds the children of
 * the open containers, and a container's node is made (with its exact
 * member or item array) when it closes. Documentation values of models
 * are checked and skipped without being built (most of S3's 1.4 MB). */
#include "runtime/jtree.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"

typedef struct jbuilder {
  awsc_json_reader r;
  awsc_arena *arena;
  int rc; /* AWSC_ENOMEM once an arena allocation failed */
  /* children of the open containers, innermost last; entry 0 holds the
   * root */
  awsc_jmember *stack; /* inline_stack until it outgrows it */
  size_t top;
  size_t cap;
  /* bases[d]: index in stack of the first child of the container at
   * depth d + 1 */
  size_t bases[AWSC_JSON_MAX_DEPTH];
  awsc_jmember inline_stack[16];
} jbuilder;

char *awsc_arena_memdup0(awsc_arena *arena, const void *p, size_t n) {
  if (n == SIZE_MAX)
    return NULL;
  char *d = awsc_arena_alloc(arena, n + 1);
  if (!d)
    return NULL;
  if (n)
    memcpy(d, p, n);
  d[n] = '\0';
  return d;
}

static int nomem(jbuilder *j) {
  j->rc = AWSC_ENOMEM;
  return AWSC_ENOMEM;
}

static bool is_doc_key(const char *k, size_t len) {
  return (len == 13 && memcmp(k, "documentation", 13) == 0) ||
         (len == 16 && memcmp(k, "documentationUrl", 16) == 0) ||
         (len == 8 && memcmp(k, "examples", 8) == 0);
}

static int push(jbuilder *j, const char *key, size_t key_len,
                awsc_jnode *value) {
  if (j->top == j->cap) {
    size_t cap = j->cap < 64 ? 64 : j->cap * 2;
    awsc_jmember *s =
        awsc_grow_array(j->stack, j->inline_stack, j->top, cap, sizeof *s);
    if (!s)
      return nomem(j);
    j->stack = s;
    j->cap = cap;
  }
  j->stack[j->top].key = key;
  j->stack[j->top].key_len = key_len;
  j->stack[j->top].value = value;
  j->top++;
  return 0;
}

static awsc_jnode *new_node(jbuilder *j, uint8_t type) {
  awsc_jnode *n = awsc_arena_alloc(j->arena, sizeof *n);
  if (!n) {
    nomem(j);
    return NULL;
  }
  memset(n, 0, sizeof *n);
  n->type = type;
  return n;
}

/* A node with its text (NUL-terminated) right after it: one arena
 * allocation instead of two. */
static awsc_jnode *text_node(jbuilder *j, uint8_t type, const awsc_jtok *t) {
  awsc_jnode *n = t->n < SIZE_MAX - sizeof *n - 1
                      ? awsc_arena_alloc(j->arena, sizeof *n + t->n + 1)
                      : NULL;
  if (!n) {
    nomem(j);
    return NULL;
  }
  memset(n, 0, sizeof *n);
  n->type = type;
  char *txt = (char *)(n + 1);
  if (t->n)
    memcpy(txt, t->p, t->n);
  txt[t->n] = '\0';
  n->s = txt;
  n->n = t->n;
  return n;
}

static awsc_jnode *number_node(jbuilder *j, const awsc_jtok *t) {
  awsc_jnode *n = text_node(j, AWSC_J_INT, t);
  if (!n)
    return NULL;
  const char *txt = n->s;
  bool is_int = t->is_int;
  if (is_int) {
    errno = 0;
    long long v = strtoll(txt, NULL, 10);
    if (errno == ERANGE)
      is_int = false;
    else
      n->i = v;
  }
  if (!is_int) {
    n->type = AWSC_J_DOUBLE;
    n->d = strtod(txt, NULL);
  }
  return n;
}

/* The node of a scalar token. */
static awsc_jnode *scalar_node(jbuilder *j, const awsc_jtok *t) {
  awsc_jnode *n;
  switch (t->type) {
  case AWSC_JTOK_NUMBER:
    return number_node(j, t);
  case AWSC_JTOK_STRING:
    return text_node(j, AWSC_J_STRING, t);
  case AWSC_JTOK_NULL:
    return new_node(j, AWSC_J_NULL);
  default:
    n = new_node(j, AWSC_J_BOOL);
    if (n)
      n->b = t->type == AWSC_JTOK_TRUE;
    return n;
  }
}

/* The container closed at depth j->r.depth + 1: its children become its
 * node, which takes their place on the stack. */
static int close_node(jbuilder *j, bool object) {
  size_t base = j->bases[j->r.depth];
  awsc_jnode *n = new_node(j, object ? AWSC_J_OBJECT : AWSC_J_ARRAY);
  if (!n)
    return AWSC_ENOMEM;
  size_t count = j->top - base;
  n->count = count;
  if (count && object) {
    n->members = awsc_arena_alloc(j->arena, count * sizeof *n->members);
    if (!n->members)
      return nomem(j);
    memcpy(n->members, j->stack + base, count * sizeof *n->members);
  } else if (count) {
    n->items = awsc_arena_alloc(j->arena, count * sizeof *n->items);
    if (!n->items)
      return nomem(j);
    for (size_t i = 0; i < count; i++)
      n->items[i] = j->stack[base + i].value;
  }
  j->top = base;
  j->stack[base - 1].value = n;
  return 0;
}

/* Read the whole document; the root ends up in stack[0]. */
static int build(jbuilder *j, unsigned flags) {
  const char *key = NULL;
  size_t key_len = 0;
  awsc_jtok t;
  int rc;
  while ((rc = awsc_json_read(&j->r, &t)) == 0) {
    switch (t.type) {
    case AWSC_JTOK_END:
      return 0;
    case AWSC_JTOK_KEY:
      if ((flags & AWSC_JPARSE_SKIP_DOCS) && is_doc_key(t.p, t.n)) {
        j->r.no_decode = true; /* checked, not decoded: nobody reads it */
        rc = awsc_json_read(&j->r, &t);
        if (rc == 0)
          rc = awsc_json_skip(&j->r, &t);
        j->r.no_decode = false;
        if (rc)
          return rc;
        continue;
      }
      key_len = t.n;
      if (!(key = awsc_arena_memdup0(j->arena, t.p, t.n)))
        return nomem(j);
      continue;
    case AWSC_JTOK_BEGIN_OBJECT:
    case AWSC_JTOK_BEGIN_ARRAY:
      if (push(j, key, key_len, NULL))
        return AWSC_ENOMEM;
      j->bases[j->r.depth - 1] = j->top;
      break;
    case AWSC_JTOK_END_OBJECT:
    case AWSC_JTOK_END_ARRAY:
      if (close_node(j, t.type == AWSC_JTOK_END_OBJECT))
        return AWSC_ENOMEM;
      break;
    default: {
      awsc_jnode *n = scalar_node(j, &t);
      if (!n || push(j, key, key_len, n))
        return AWSC_ENOMEM;
    }
    }
    key = NULL;
    key_len = 0;
  }
  return rc;
}

int awsc_jtree_parse(awsc_jnode **out, awsc_arena *arena, const char *json,
                     size_t len, unsigned flags, awsc_error *err) {
  *out = NULL;
  /* About 5 KiB (the depth table), in this one frame: nothing recurses. */
  jbuilder jb;
  jbuilder *j = &jb;
  memset(j, 0, offsetof(jbuilder, bases));
  j->stack = j->inline_stack;
  j->cap = AWSC_ARRAY_LEN(j->inline_stack);
  j->arena = arena;
  awsc_json_reader_init(
      &j->r, json, len,
      ((flags & AWSC_JPARSE_NO_UTF8_CHECK) ? AWSC_JREAD_NO_UTF8_CHECK : 0u) |
          ((flags & AWSC_JPARSE_KEEP_SURROGATES) ? AWSC_JREAD_KEEP_SURROGATES
                                                 : 0u),
      0, arena);
  int rc = build(j, flags);
  awsc_jnode *root = rc == 0 ? j->stack[0].value : NULL;
  if (j->stack != j->inline_stack)
    awsc_free(j->stack);
  awsc_json_reader_cleanup(&j->r);
  if (rc == AWSC_ENOMEM || j->rc == AWSC_ENOMEM)
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  if (rc)
    return awsc_error_set(err, AWSC_EPARSE, AWSC_ERROR_PARSE,
                          "invalid JSON near byte %zu: %s", j->r.error_at,
                          j->r.what);
  *out = root;
  return 0;
}

const awsc_jnode *awsc_jtree_get(const awsc_jnode *obj, const char *key) {
  if (!obj || obj->type != AWSC_J_OBJECT)
    return NULL;
  size_t kl = strlen(key);
  for (size_t i = 0; i < obj->count; i++) {
    const awsc_jmember *m = &obj->members[i];
    if (m->key_len == kl && memcmp(m->key, key, kl) == 0)
      return m->value;
  }
  return NULL;
}

const char *awsc_jtree_get_str(const awsc_jnode *obj, const char *key) {
  const awsc_jnode *n = awsc_jtree_get(obj, key);
  return n && n->type == AWSC_J_STRING ? n->s : NULL;
}

bool awsc_jtree_get_bool(const awsc_jnode *obj, const char *key) {
  const awsc_jnode *n = awsc_jtree_get(obj, key);
  return n && n->type == AWSC_J_BOOL && n->b;
}
