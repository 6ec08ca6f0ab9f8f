/* lib/protocols/serialize_xml.c - rest-xml bodies (botocore
 * RestXMLSerializer). A small element tree is built first because
 * botocore adds attributes after children (xmlAttribute members come in
 * caller order; a flattened list's namespace lands on its parent); then
 * it is written as ElementTree.tostring does, escapes included. */
#include <string.h>

#include "protocols/serialize_internal.h"
#include "runtime/jtree.h"

typedef struct xattr {
  const char *name;
  const char *value;
  size_t len;
  struct xattr *next;
} xattr;

typedef struct xnode {
  const char *name;
  xattr *attrs;
  const char *text;
  size_t text_len;
  struct xnode *first, *last, *next;
} xnode;

typedef struct xctx {
  ser_ctx *c;
} xctx;

static xnode *x_sub(xctx *x, xnode *parent, const char *name) {
  xnode *n = awsc_arena_calloc(x->c->arena, 1, sizeof *n);
  if (!n)
    return NULL;
  n->name = name;
  if (parent) {
    if (parent->last)
      parent->last->next = n;
    else
      parent->first = n;
    parent->last = n;
  }
  return n;
}

/* attrib[name] = value: replaces in place, else appends. */
static int x_attr(xctx *x, xnode *n, const char *name, const char *value,
                  size_t len) {
  xattr **pp = &n->attrs;
  for (; *pp; pp = &(*pp)->next) {
    if (strcmp((*pp)->name, name) == 0) {
      (*pp)->value = value;
      (*pp)->len = len;
      return 0;
    }
  }
  xattr *a = awsc_arena_calloc(x->c->arena, 1, sizeof *a);
  if (!a)
    return AWSC_ENOMEM;
  a->name = name;
  a->value = value;
  a->len = len;
  *pp = a;
  return 0;
}

static int x_ns(xctx *x, xnode *n, const char *uri, const char *prefix) {
  if (!uri)
    return 0;
  const char *name = "xmlns";
  if (prefix && *prefix) {
    size_t pl = strlen(prefix);
    char *nm = awsc_arena_alloc(x->c->arena, pl + 7);
    if (!nm)
      return AWSC_ENOMEM;
    memcpy(nm, "xmlns:", 6);
    memcpy(nm + 6, prefix, pl + 1);
    name = nm;
  }
  return x_attr(x, n, name, uri, strlen(uri));
}

/* Scalar text as botocore's _serialize_type_* (blob base64, timestamps
 * iso8601 unless the member says otherwise). */
static int x_text(xctx *x, const awsc_value *v, const awsc_shape *sh,
                  const awsc_member *m, const char **p, size_t *n) {
  char scratch[64];
  if (sh->type == AWSC_SHAPE_BLOB &&
      (v->type == AWSC_V_BLOB || v->type == AWSC_V_STRING)) {
    *p = ser_base64(x->c, v->u.s.p, v->u.s.n, n);
    return *p ? 0 : AWSC_ENOMEM;
  }
  if (v->type == AWSC_V_STRING || v->type == AWSC_V_BLOB) {
    *p = v->u.s.p;
    *n = v->u.s.n;
    return 0;
  }
  awsc_value tv = *v;
  if (sh->type == AWSC_SHAPE_TIMESTAMP && v->type == AWSC_V_INT) {
    tv.type = AWSC_V_TIMESTAMP;
    tv.u.i = v->u.i * 1000;
  }
  if (ser_scalar_text(&tv, ser_ts_format(m, sh, AWSC_TS_ISO8601), scratch, p,
                      n))
    return ser_fail(x->c, AWSC_EVALIDATION, "unsupported value for %s",
                    m ? m->name : sh->name);
  *p = awsc_arena_memdup0(x->c->arena, *p, *n);
  return *p ? 0 : AWSC_ENOMEM;
}

static int x_value(xctx *x, const awsc_value *v, const awsc_shape *sh,
                   const awsc_member *m, xnode *parent, const char *name,
                   const char *ns_uri, const char *ns_prefix);

static int x_structure(xctx *x, const awsc_value *v, const awsc_shape *sh,
                       xnode *parent, const char *name, const char *ns_uri,
                       const char *ns_prefix) {
  xnode *node = x_sub(x, parent, name);
  if (!node || x_ns(x, node, ns_uri, ns_prefix))
    return AWSC_ENOMEM;
  if (v->type != AWSC_V_MAP)
    return 0;
  for (size_t i = 0; i < v->u.map.n; i++) {
    const awsc_kv *kv = &v->u.map.items[i];
    if (kv->value.type == AWSC_V_NULL)
      continue;
    const awsc_member *m = awsc_shape_find_member(sh, kv->key, kv->key_len);
    if (!m)
      return ser_fail(x->c, AWSC_EVALIDATION,
                      "Unknown parameter in input: \"%s\"", kv->key);
    const char *wire = awsc_member_wire_name(m);
    int rc;
    if (m->flags & AWSC_MF_XML_ATTRIBUTE) {
      const char *p;
      size_t n;
      if ((rc = x_text(x, &kv->value, m->shape, m, &p, &n)) ||
          (rc = x_attr(x, node, wire, p, n)))
        return rc;
      continue;
    }
    if ((rc = x_value(x, &kv->value, m->shape, m, node, wire, m->xml_ns_uri,
                      m->xml_ns_prefix)))
      return rc;
  }
  return 0;
}

static int x_list(xctx *x, const awsc_value *v, const awsc_shape *sh,
                  const awsc_member *m, xnode *parent, const char *name,
                  const char *ns_uri, const char *ns_prefix) {
  const awsc_member *el = sh->list_member;
  bool flat =
      (m && (m->flags & AWSC_MF_FLATTENED)) || (sh->flags & AWSC_SF_FLATTENED);
  xnode *list_node = parent;
  const char *element_name = name;
  if (!flat) {
    element_name = awsc_member_wire_name(el);
    list_node = x_sub(x, parent, name);
    if (!list_node)
      return AWSC_ENOMEM;
  }
  if (x_ns(x, list_node, ns_uri, ns_prefix))
    return AWSC_ENOMEM;
  for (size_t i = 0; i < v->u.list.n; i++) {
    int rc = x_value(x, &v->u.list.items[i], el->shape, el, list_node,
                     element_name, el->xml_ns_uri, el->xml_ns_prefix);
    if (rc)
      return rc;
  }
  return 0;
}

static int x_map(xctx *x, const awsc_value *v, const awsc_shape *sh,
                 const awsc_member *m, xnode *parent, const char *name,
                 const char *ns_uri, const char *ns_prefix) {
  bool flat =
      (m && (m->flags & AWSC_MF_FLATTENED)) || (sh->flags & AWSC_SF_FLATTENED);
  xnode *node = NULL;
  if (!flat) {
    node = x_sub(x, parent, name);
    if (!node || x_ns(x, node, ns_uri, ns_prefix))
      return AWSC_ENOMEM;
  }
  const awsc_member *km = sh->map_key, *vm = sh->map_value;
  for (size_t i = 0; i < v->u.map.n; i++) {
    const awsc_kv *kv = &v->u.map.items[i];
    xnode *entry = flat ? x_sub(x, parent, name) : x_sub(x, node, "entry");
    if (!entry)
      return AWSC_ENOMEM;
    awsc_value key = {.type = AWSC_V_STRING};
    key.u.s.p = kv->key;
    key.u.s.n = kv->key_len;
    int rc = x_value(x, &key, km->shape, km, entry, awsc_member_wire_name(km),
                     km->xml_ns_uri, km->xml_ns_prefix);
    if (!rc)
      rc =
          x_value(x, &kv->value, vm->shape, vm, entry,
                  awsc_member_wire_name(vm), vm->xml_ns_uri, vm->xml_ns_prefix);
    if (rc)
      return rc;
  }
  return 0;
}

static int x_value(xctx *x, const awsc_value *v, const awsc_shape *sh,
                   const awsc_member *m, xnode *parent, const char *name,
                   const char *ns_uri, const char *ns_prefix) {
  if (v->type == AWSC_V_NULL)
    return 0;
  if (sh->type == AWSC_SHAPE_STRUCTURE)
    return x_structure(x, v, sh, parent, name, ns_uri, ns_prefix);
  if (sh->type == AWSC_SHAPE_LIST && v->type == AWSC_V_LIST)
    return x_list(x, v, sh, m, parent, name, ns_uri, ns_prefix);
  if (sh->type == AWSC_SHAPE_MAP && v->type == AWSC_V_MAP)
    return x_map(x, v, sh, m, parent, name, ns_uri, ns_prefix);
  xnode *node = x_sub(x, parent, name);
  if (!node)
    return AWSC_ENOMEM;
  int rc = x_text(x, v, sh, m, &node->text, &node->text_len);
  if (!rc)
    rc = x_ns(x, node, ns_uri, ns_prefix);
  return rc;
}

/* ElementTree's _escape_cdata / _escape_attrib. */
static int x_escape(awsc_buf *b, const char *s, size_t n, bool attr) {
  size_t run = 0;
  for (size_t i = 0; i < n; i++) {
    const char *rep = NULL;
    switch (s[i]) {
    case '&':
      rep = "&amp;";
      break;
    case '<':
      rep = "&lt;";
      break;
    case '>':
      rep = "&gt;";
      break;
    case '"':
      rep = attr ? "&quot;" : NULL;
      break;
    case '\r':
      rep = attr ? "&#13;" : NULL;
      break;
    case '\n':
      rep = attr ? "&#10;" : NULL;
      break;
    case '\t':
      rep = attr ? "&#09;" : NULL;
      break;
    default:
      break;
    }
    if (!rep)
      continue;
    if (awsc_buf_append(b, s + run, i - run) || awsc_buf_puts(b, rep))
      return AWSC_ENOMEM;
    run = i + 1;
  }
  return awsc_buf_append(b, s + run, n - run);
}

static int x_write(awsc_buf *b, const xnode *n) {
  if (awsc_buf_putc(b, '<') || awsc_buf_puts(b, n->name))
    return AWSC_ENOMEM;
  for (const xattr *a = n->attrs; a; a = a->next) {
    if (awsc_buf_putc(b, ' ') || awsc_buf_puts(b, a->name) ||
        awsc_buf_append(b, "=\"", 2) || x_escape(b, a->value, a->len, true) ||
        awsc_buf_putc(b, '"'))
      return AWSC_ENOMEM;
  }
  if (!n->first && !n->text_len)
    return awsc_buf_append(b, " />", 3);
  if (awsc_buf_putc(b, '>') ||
      (n->text_len && x_escape(b, n->text, n->text_len, false)))
    return AWSC_ENOMEM;
  for (const xnode *ch = n->first; ch; ch = ch->next)
    if (x_write(b, ch))
      return AWSC_ENOMEM;
  if (awsc_buf_append(b, "</", 2) || awsc_buf_puts(b, n->name) ||
      awsc_buf_putc(b, '>'))
    return AWSC_ENOMEM;
  return 0;
}

int ser_rest_xml_body(ser_ctx *c, const awsc_value *v, const awsc_shape *shape,
                      const char *root_name, const char *ns_uri,
                      const char *ns_prefix, awsc_buf *body) {
  xctx x = {c};
  xnode pseudo = {0};
  /* the payload member itself gives the root's flattening, if any */
  int rc = x_value(&x, v, shape, NULL, &pseudo, root_name, ns_uri, ns_prefix);
  if (rc)
    return rc == AWSC_ENOMEM ? ser_oom(c) : rc;
  /* botocore writes list(pseudo_root)[0]: the first element only */
  if (pseudo.first && x_write(body, pseudo.first))
    return ser_oom(c);
  return 0;
}
