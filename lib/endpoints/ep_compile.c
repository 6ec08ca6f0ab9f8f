/*
 * lib/endpoints/ep_compile.c - endpoint-rule-set JSON -> compiled rules.
 *
 * The JSON is parsed into a scratch arena, checked and turned into the
 * immutable form of ep_internal.h in the rule set's own arena; the
 * scratch is dropped. Names (parameters and every "assign") become slot
 * numbers, templates are split into literal and reference parts, getAttr
 * paths are pre-split, and endpoint properties without templates become
 * constants shared by every resolution.
 *
 * Checked here rather than at each evaluation: rule and function
 * shapes, function names and argument counts, that every reference or
 * template names a parameter or a variable assigned by an enclosing
 * condition (the spec's scoping), that an assignment never shadows a
 * name in scope (parameters and their types and defaults: ep_ruleset.c).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "endpoints/ep_compile.h"

const char *const ep_fn_names[EP_FN_COUNT] = {
    [EP_FN_IS_SET] = "isSet",
    [EP_FN_NOT] = "not",
    [EP_FN_BOOLEAN_EQUALS] = "booleanEquals",
    [EP_FN_STRING_EQUALS] = "stringEquals",
    [EP_FN_GET_ATTR] = "getAttr",
    [EP_FN_SUBSTRING] = "substring",
    [EP_FN_URI_ENCODE] = "uriEncode",
    [EP_FN_PARSE_URL] = "parseURL",
    [EP_FN_IS_VALID_HOST_LABEL] = "isValidHostLabel",
    [EP_FN_PARTITION] = "aws.partition",
    [EP_FN_PARSE_ARN] = "aws.parseArn",
    [EP_FN_IS_VIRTUAL_HOSTABLE_S3_BUCKET] = "aws.isVirtualHostableS3Bucket",
    [EP_FN_COALESCE] = "coalesce",
    [EP_FN_SPLIT] = "split",
    [EP_FN_ITE] = "ite",
};

/* Argument counts (max 0xff = variadic). */
static const uint8_t fn_argc[EP_FN_COUNT][2] = {
    [EP_FN_IS_SET] = {1, 1},
    [EP_FN_NOT] = {1, 1},
    [EP_FN_BOOLEAN_EQUALS] = {2, 2},
    [EP_FN_STRING_EQUALS] = {2, 2},
    [EP_FN_GET_ATTR] = {2, 2},
    [EP_FN_SUBSTRING] = {4, 4},
    [EP_FN_URI_ENCODE] = {1, 1},
    [EP_FN_PARSE_URL] = {1, 1},
    [EP_FN_IS_VALID_HOST_LABEL] = {2, 2},
    [EP_FN_PARTITION] = {1, 1},
    [EP_FN_PARSE_ARN] = {1, 1},
    [EP_FN_IS_VIRTUAL_HOSTABLE_S3_BUCKET] = {2, 2},
    [EP_FN_COALESCE] = {2, 0xff},
    [EP_FN_SPLIT] = {3, 3},
    [EP_FN_ITE] = {3, 3},
};

int ep_cc_fail(ep_cc *c, const char *fmt, ...) {
  char msg[320];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return awsc_error_set(c->err, AWSC_EPARSE, AWSC_ERROR_PARSE,
                        "endpoint rule set: %s: %s",
                        c->wlen ? c->where : "(root)", msg);
}

int ep_cc_nomem(ep_cc *c) {
  return awsc_error_set(c->err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                        "out of memory");
}

size_t ep_cc_loc_push(ep_cc *c, const char *fmt, ...) {
  size_t old = c->wlen;
  if (c->wlen < sizeof c->where - 1) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(c->where + c->wlen, sizeof c->where - c->wlen, fmt, ap);
    va_end(ap);
    if (n > 0)
      c->wlen += (size_t)n;
    if (c->wlen > sizeof c->where - 1)
      c->wlen = sizeof c->where - 1;
  }
  return old;
}

void ep_cc_loc_pop(ep_cc *c, size_t old) {
  c->wlen = old;
  c->where[old] = '\0';
}

int ep_cc_find_slot(const ep_cc *c, const char *name, size_t n) {
  for (size_t i = 0; i < c->nnames; i++)
    if (strnlen(c->names[i], n + 1) == n && memcmp(c->names[i], name, n) == 0)
      return (int)i;
  return -1;
}

int ep_cc_add_slot(ep_cc *c, const char *name, size_t n, int *slot) {
  if (c->nnames == c->cap) {
    size_t cap = c->cap ? 2 * c->cap : 32;
    const char **nn = awsc_realloc(c->names, cap * sizeof *nn);
    if (!nn)
      return ep_cc_nomem(c);
    c->names = nn;
    bool *nv = awsc_realloc(c->visible, cap * sizeof *nv);
    if (!nv)
      return ep_cc_nomem(c);
    c->visible = nv;
    c->cap = cap;
  }
  char *copy = awsc_arena_memdup0(c->a, name, n);
  if (!copy)
    return ep_cc_nomem(c);
  c->names[c->nnames] = copy;
  c->visible[c->nnames] = false;
  *slot = (int)c->nnames++;
  return 0;
}

/* The slot of a name in scope, or an error naming it. */
static int ref_slot(ep_cc *c, const char *name, size_t n, int32_t *out) {
  int s = ep_cc_find_slot(c, name, n);
  if (s < 0 || !c->visible[s])
    return ep_cc_fail(c,
                      "reference to \"%.*s\", which is neither a parameter "
                      "nor assigned by an enclosing condition",
                      (int)n, name);
  *out = s;
  return 0;
}

/* ---- getAttr paths: "a.b[2]", "[0]"; '#' also separates (templates) */
static int compile_path(ep_cc *c, const char *s, size_t n,
                        const ep_path **out) {
  size_t count = 1;
  for (size_t i = 0; i < n; i++)
    if (s[i] == '.' || s[i] == '#')
      count++;
  ep_path_part *parts = awsc_arena_calloc(c->a, count, sizeof *parts);
  ep_path *path = awsc_arena_alloc(c->a, sizeof *path);
  if (!parts || !path)
    return ep_cc_nomem(c);
  size_t start = 0, w = 0;
  for (size_t i = 0; i <= n; i++) {
    if (i < n && s[i] != '.' && s[i] != '#')
      continue;
    const char *p = s + start;
    size_t len = i - start;
    const char *br = memchr(p, '[', len);
    size_t klen = br ? (size_t)(br - p) : len;
    int64_t index = -1;
    if (br) {
      size_t j = klen + 1;
      int64_t v = 0;
      size_t digits = 0;
      while (j < len && p[j] >= '0' && p[j] <= '9' && digits < 12) {
        v = v * 10 + (p[j] - '0');
        j++;
        digits++;
      }
      if (!digits || j + 1 != len || p[j] != ']')
        return ep_cc_fail(c, "bad getAttr path \"%.*s\"", (int)n, s);
      index = v;
    }
    if (klen == 0 && index < 0)
      return ep_cc_fail(c, "bad getAttr path \"%.*s\" (empty part)", (int)n, s);
    for (size_t k = 0; k < klen; k++)
      if (p[k] == ']' || p[k] == '{' || p[k] == '}')
        return ep_cc_fail(c, "bad getAttr path \"%.*s\"", (int)n, s);
    parts[w].key = klen ? awsc_arena_memdup0(c->a, p, klen) : "";
    if (!parts[w].key)
      return ep_cc_nomem(c);
    parts[w].key_len = klen;
    parts[w].index = index;
    w++;
    start = i + 1;
  }
  path->parts = parts;
  path->count = w;
  *out = path;
  return 0;
}

/* ---- templates: "{Name}", "{var#path}", "{{" and "}}" escapes ----
 * Sets *tmpl, or leaves it NULL and sets *lit when there is no reference
 * (escapes resolved). */
static int compile_template(ep_cc *c, const char *s, size_t n,
                            const ep_tmpl **tmpl, awsc_ep_value *lit) {
  *tmpl = NULL;
  size_t maxparts = 1;
  for (size_t i = 0; i < n; i++)
    if (s[i] == '{')
      maxparts += 2;
  ep_tpart *parts = awsc_arena_calloc(c->a, maxparts, sizeof *parts);
  char *text = awsc_arena_alloc(c->a, n + 1); /* unescaped literals */
  if (!parts || !text)
    return ep_cc_nomem(c);
  size_t np = 0, tw = 0, lit_start = 0;
  bool any_ref = false;
  for (size_t i = 0; i < n;) {
    char ch = s[i];
    if ((ch == '{' || ch == '}') && i + 1 < n && s[i + 1] == ch) {
      text[tw++] = ch;
      i += 2;
      continue;
    }
    if (ch == '}')
      return ep_cc_fail(c, "single '}' in template \"%.*s\"", (int)n, s);
    if (ch != '{') {
      text[tw++] = ch;
      i++;
      continue;
    }
    const char *close = memchr(s + i + 1, '}', n - i - 1);
    if (!close)
      return ep_cc_fail(c, "unterminated '{' in template \"%.*s\"", (int)n, s);
    const char *f = s + i + 1;
    size_t flen = (size_t)(close - f);
    if (flen == 0 || memchr(f, '{', flen))
      return ep_cc_fail(c, "bad template field in \"%.*s\"", (int)n, s);
    if (tw > lit_start) {
      parts[np].lit = text + lit_start;
      parts[np].lit_len = tw - lit_start;
      parts[np].slot = -1;
      np++;
      lit_start = tw;
    }
    const char *hash = memchr(f, '#', flen);
    size_t nlen = hash ? (size_t)(hash - f) : flen;
    int rc = ref_slot(c, f, nlen, &parts[np].slot);
    if (rc)
      return rc;
    if (hash) {
      rc = compile_path(c, hash + 1, flen - nlen - 1, &parts[np].path);
      if (rc)
        return rc;
    }
    np++;
    any_ref = true;
    i = (size_t)(close - s) + 1;
  }
  text[tw] = '\0';
  if (!any_ref) {
    *lit = awsc_ep_string_n(text, tw);
    return 0;
  }
  if (tw > lit_start) {
    parts[np].lit = text + lit_start;
    parts[np].lit_len = tw - lit_start;
    parts[np].slot = -1;
    np++;
  }
  ep_tmpl *t = awsc_arena_alloc(c->a, sizeof *t);
  if (!t)
    return ep_cc_nomem(c);
  t->parts = parts;
  t->count = np;
  *tmpl = t;
  return 0;
}

/* ---- expressions ---- */

static int compile_fn(ep_cc *c, const awsc_jnode *j, ep_expr *x,
                      bool condition);

static int compile_string(ep_cc *c, const char *s, size_t n, ep_expr *x) {
  if (!memchr(s, '{', n)) {
    char *copy = awsc_arena_memdup0(c->a, s, n);
    if (!copy)
      return ep_cc_nomem(c);
    x->kind = EP_X_LIT;
    x->lit = awsc_ep_string_n(copy, n);
    return 0;
  }
  int rc = compile_template(c, s, n, &x->tmpl, &x->lit);
  if (rc)
    return rc;
  x->kind = x->tmpl ? EP_X_TMPL : EP_X_LIT;
  return 0;
}

static int compile_expr(ep_cc *c, const awsc_jnode *j, ep_expr *x) {
  memset(x, 0, sizeof *x);
  x->slot = -1;
  switch (j->type) {
  case AWSC_J_STRING:
    return compile_string(c, j->s, j->n, x);
  case AWSC_J_OBJECT: {
    const awsc_jnode *ref = awsc_jtree_get(j, "ref");
    if (ref) {
      if (ref->type != AWSC_J_STRING)
        return ep_cc_fail(c, "\"ref\" must be a string");
      x->kind = EP_X_REF;
      return ref_slot(c, ref->s, ref->n, &x->slot);
    }
    if (awsc_jtree_get(j, "fn"))
      return compile_fn(c, j, x, false);
    return ep_cc_fail(c, "an object argument must be {\"ref\": ...} or "
                         "{\"fn\": ...}");
  }
  default:
    /* booleans, numbers, arrays: constants as written (no templates
     * inside arrays, as botocore) */
    x->kind = EP_X_LIT;
    if (ep_value_from_json(c->a, j, &x->lit))
      return ep_cc_nomem(c);
    return 0;
  }
}

/* The slot of a plain reference or a template that is just "{ref}". */
static int32_t lone_ref(const ep_expr *x) {
  if (x->kind == EP_X_REF)
    return x->slot;
  if (x->kind == EP_X_TMPL && x->tmpl->count == 1 &&
      x->tmpl->parts[0].slot >= 0 && !x->tmpl->parts[0].path)
    return x->tmpl->parts[0].slot;
  return -1;
}

static bool is_predicate(uint8_t fn) {
  return fn == EP_FN_IS_SET || fn == EP_FN_NOT || fn == EP_FN_BOOLEAN_EQUALS ||
         fn == EP_FN_STRING_EQUALS || fn == EP_FN_IS_VALID_HOST_LABEL ||
         fn == EP_FN_IS_VIRTUAL_HOSTABLE_S3_BUCKET;
}

/* Pick an EP_OP_* form for a call without assignment (see ep_eval.c). */
static void specialise(ep_expr *x) {
  const ep_expr *a = x->args;
  x->op = EP_OP_GENERIC;
  x->qslot = -1;
  if (x->fn == EP_FN_IS_SET && a[0].kind == EP_X_REF) {
    x->op = EP_OP_IS_SET_REF;
    x->qslot = a[0].slot;
  } else if (x->fn == EP_FN_NOT && a[0].kind == EP_X_FN && a[0].slot < 0 &&
             is_predicate(a[0].fn)) {
    x->op = EP_OP_NOT_PRED;
  } else if (x->fn == EP_FN_BOOLEAN_EQUALS || x->fn == EP_FN_STRING_EQUALS) {
    awsc_ep_type want =
        x->fn == EP_FN_BOOLEAN_EQUALS ? AWSC_EP_BOOL : AWSC_EP_STRING;
    for (int i = 0; i < 2; i++) {
      int32_t s = x->fn == EP_FN_BOOLEAN_EQUALS
                      ? (a[i].kind == EP_X_REF ? a[i].slot : -1)
                      : lone_ref(&a[i]);
      const ep_expr *o = &a[1 - i];
      if (s >= 0 && o->kind == EP_X_LIT && o->lit.type == want) {
        x->op =
            want == AWSC_EP_BOOL ? EP_OP_BOOL_EQ_REF_LIT : EP_OP_STR_EQ_REF_LIT;
        x->qslot = s;
        x->lit = o->lit;
        break;
      }
    }
  }
}

static int compile_fn(ep_cc *c, const awsc_jnode *j, ep_expr *x,
                      bool condition) {
  memset(x, 0, sizeof *x);
  x->slot = -1;
  const awsc_jnode *fn = awsc_jtree_get(j, "fn");
  const awsc_jnode *argv = awsc_jtree_get(j, "argv");
  const awsc_jnode *assign = awsc_jtree_get(j, "assign");
  if (!fn || fn->type != AWSC_J_STRING)
    return ep_cc_fail(c, "a function call needs a string \"fn\"");
  int id = -1;
  for (int i = 0; i < EP_FN_COUNT; i++)
    if (strcmp(fn->s, ep_fn_names[i]) == 0)
      id = i;
  if (id < 0)
    return ep_cc_fail(c, "unknown function \"%s\"", fn->s);
  if (!argv || argv->type != AWSC_J_ARRAY)
    return ep_cc_fail(c, "%s: \"argv\" must be an array", fn->s);
  if (argv->count < fn_argc[id][0] ||
      (fn_argc[id][1] != 0xff && argv->count > fn_argc[id][1]))
    return ep_cc_fail(c, "%s takes %u argument(s), not %zu", fn->s,
                      (unsigned)fn_argc[id][0], argv->count);
  if (argv->count > 0xffff)
    return ep_cc_fail(c, "%s: too many arguments", fn->s);
  if (assign && !condition)
    return ep_cc_fail(c, "%s: \"assign\" is only allowed on a condition",
                      fn->s);
  x->kind = EP_X_FN;
  x->fn = (uint8_t)id;
  x->argc = (uint16_t)argv->count;
  ep_expr *args = awsc_arena_calloc(c->a, argv->count, sizeof *args);
  if (!args)
    return ep_cc_nomem(c);
  for (size_t i = 0; i < argv->count; i++) {
    size_t old = ep_cc_loc_push(c, ".%s.argv[%zu]", fn->s, i);
    int rc = compile_expr(c, argv->items[i], &args[i]);
    ep_cc_loc_pop(c, old);
    if (rc)
      return rc;
  }
  x->args = args;
  specialise(x);
  if (id == EP_FN_GET_ATTR) {
    const awsc_jnode *p = argv->items[1];
    if (p->type != AWSC_J_STRING || args[1].kind != EP_X_LIT)
      return ep_cc_fail(c, "getAttr: the path must be a literal string");
    int rc = compile_path(c, p->s, p->n, &x->path);
    if (rc)
      return rc;
  }
  if (assign) {
    if (assign->type != AWSC_J_STRING || assign->n == 0)
      return ep_cc_fail(c, "\"assign\" must be a non-empty string");
    int s = ep_cc_find_slot(c, assign->s, assign->n);
    if (s >= 0 && c->visible[s])
      return ep_cc_fail(c,
                        "assignment to \"%s\" shadows a name already in "
                        "scope",
                        assign->s);
    if (s < 0) {
      int rc = ep_cc_add_slot(c, assign->s, assign->n, &s);
      if (rc)
        return rc;
    }
    x->slot = s;
  }
  return 0;
}

/* ---- endpoint properties ---- */

static bool has_template(const awsc_jnode *j) {
  switch (j->type) {
  case AWSC_J_STRING:
    return j->s && memchr(j->s, '{', j->n) != NULL;
  case AWSC_J_ARRAY:
    for (size_t i = 0; i < j->count; i++)
      if (has_template(j->items[i]))
        return true;
    return false;
  case AWSC_J_OBJECT:
    for (size_t i = 0; i < j->count; i++)
      if (has_template(j->members[i].value))
        return true;
    return false;
  default:
    return false;
  }
}

static int compile_prop(ep_cc *c, const awsc_jnode *j, ep_prop *p) {
  memset(p, 0, sizeof *p);
  if (!has_template(j)) {
    p->kind = EP_P_CONST;
    return ep_value_from_json(c->a, j, &p->cval) ? ep_cc_nomem(c) : 0;
  }
  if (j->type == AWSC_J_STRING) {
    int rc = compile_template(c, j->s, j->n, &p->tmpl, &p->cval);
    if (rc)
      return rc;
    p->kind = p->tmpl ? EP_P_TMPL : EP_P_CONST;
    return 0;
  }
  ep_prop *kids = awsc_arena_calloc(c->a, j->count, sizeof *kids);
  if (!kids)
    return ep_cc_nomem(c);
  const char **keys = NULL;
  if (j->type == AWSC_J_OBJECT) {
    keys = awsc_arena_calloc(c->a, j->count, sizeof *keys);
    if (!keys)
      return ep_cc_nomem(c);
  }
  for (size_t i = 0; i < j->count; i++) {
    size_t old;
    const awsc_jnode *v;
    if (keys) {
      keys[i] =
          awsc_arena_memdup0(c->a, j->members[i].key, j->members[i].key_len);
      if (!keys[i])
        return ep_cc_nomem(c);
      old = ep_cc_loc_push(c, ".%s", keys[i]);
      v = j->members[i].value;
    } else {
      old = ep_cc_loc_push(c, "[%zu]", i);
      v = j->items[i];
    }
    int rc = compile_prop(c, v, &kids[i]);
    ep_cc_loc_pop(c, old);
    if (rc)
      return rc;
  }
  p->kind = keys ? EP_P_OBJECT : EP_P_ARRAY;
  p->keys = keys;
  p->kids = kids;
  p->count = j->count;
  return 0;
}

static int compile_endpoint(ep_cc *c, const awsc_jnode *ep, ep_rule *r) {
  if (!ep || ep->type != AWSC_J_OBJECT)
    return ep_cc_fail(c, "an endpoint rule needs an \"endpoint\" object");
  const awsc_jnode *url = awsc_jtree_get(ep, "url");
  if (!url)
    return ep_cc_fail(c, "endpoint without \"url\"");
  size_t old = ep_cc_loc_push(c, ".endpoint.url");
  int rc = compile_expr(c, url, &r->url);
  ep_cc_loc_pop(c, old);
  if (rc)
    return rc;
  const awsc_jnode *props = awsc_jtree_get(ep, "properties");
  if (props && props->type != AWSC_J_NULL) {
    if (props->type != AWSC_J_OBJECT)
      return ep_cc_fail(c, "endpoint \"properties\" must be an object");
    ep_prop *p = awsc_arena_alloc(c->a, sizeof *p);
    if (!p)
      return ep_cc_nomem(c);
    old = ep_cc_loc_push(c, ".endpoint.properties");
    rc = compile_prop(c, props, p);
    ep_cc_loc_pop(c, old);
    if (rc)
      return rc;
    r->props = p;
  }
  const awsc_jnode *hdrs = awsc_jtree_get(ep, "headers");
  if (hdrs && hdrs->type != AWSC_J_NULL) {
    if (hdrs->type != AWSC_J_OBJECT)
      return ep_cc_fail(c, "endpoint \"headers\" must be an object");
    ep_hdr *h =
        awsc_arena_calloc(c->a, hdrs->count ? hdrs->count : 1, sizeof *h);
    if (!h)
      return ep_cc_nomem(c);
    for (size_t i = 0; i < hdrs->count; i++) {
      const awsc_jmember *m = &hdrs->members[i];
      old = ep_cc_loc_push(c, ".endpoint.headers.%s", m->key);
      if (m->value->type != AWSC_J_ARRAY) {
        rc = ep_cc_fail(c, "a header's values must be an array");
        ep_cc_loc_pop(c, old);
        return rc;
      }
      h[i].name = awsc_arena_memdup0(c->a, m->key, m->key_len);
      ep_expr *vals = awsc_arena_calloc(
          c->a, m->value->count ? m->value->count : 1, sizeof *vals);
      if (!h[i].name || !vals) {
        ep_cc_loc_pop(c, old);
        return ep_cc_nomem(c);
      }
      for (size_t k = 0; k < m->value->count && !rc; k++)
        rc = compile_expr(c, m->value->items[k], &vals[k]);
      ep_cc_loc_pop(c, old);
      if (rc)
        return rc;
      h[i].vals = vals;
      h[i].count = m->value->count;
    }
    r->hdrs = h;
    r->nhdrs = hdrs->count;
  }
  return 0;
}

static int compile_rule_body(ep_cc *c, const awsc_jnode *j, ep_rule *r) {
  const awsc_jnode *type = awsc_jtree_get(j, "type");
  if (!type || type->type != AWSC_J_STRING)
    return ep_cc_fail(c, "a rule needs a string \"type\"");
  if (strcmp(type->s, "endpoint") == 0) {
    r->type = EP_R_ENDPOINT;
    return compile_endpoint(c, awsc_jtree_get(j, "endpoint"), r);
  }
  if (strcmp(type->s, "error") == 0) {
    r->type = EP_R_ERROR;
    const awsc_jnode *e = awsc_jtree_get(j, "error");
    if (!e)
      return ep_cc_fail(c, "an error rule needs \"error\"");
    size_t old = ep_cc_loc_push(c, ".error");
    int rc = compile_expr(c, e, &r->error);
    ep_cc_loc_pop(c, old);
    return rc;
  }
  if (strcmp(type->s, "tree") == 0) {
    r->type = EP_R_TREE;
    const awsc_jnode *rules = awsc_jtree_get(j, "rules");
    if (!rules || rules->type != AWSC_J_ARRAY || rules->count == 0)
      return ep_cc_fail(c, "a tree rule needs a non-empty \"rules\" array");
    return ep_cc_compile_rules(c, rules, &r->kids, &r->nkids);
  }
  return ep_cc_fail(c, "unknown rule type \"%s\" (endpoint, error or tree)",
                    type->s);
}

static int compile_rule(ep_cc *c, const awsc_jnode *j, ep_rule *r) {
  memset(r, 0, sizeof *r);
  if (j->type != AWSC_J_OBJECT)
    return ep_cc_fail(c, "a rule must be an object");
  const awsc_jnode *conds = awsc_jtree_get(j, "conditions");
  if (conds && conds->type != AWSC_J_ARRAY)
    return ep_cc_fail(c, "\"conditions\" must be an array");
  size_t ncond = conds ? conds->count : 0;
  ep_expr *cx = awsc_arena_calloc(c->a, ncond ? ncond : 1, sizeof *cx);
  if (!cx)
    return ep_cc_nomem(c);
  int rc = 0;
  size_t done = 0;
  for (; done < ncond && !rc; done++) {
    size_t old = ep_cc_loc_push(c, ".conditions[%zu]", done);
    const awsc_jnode *cj = conds->items[done];
    if (cj->type != AWSC_J_OBJECT || !awsc_jtree_get(cj, "fn"))
      rc = ep_cc_fail(c, "a condition must be a function call");
    else
      rc = compile_fn(c, cj, &cx[done], true);
    ep_cc_loc_pop(c, old);
    if (!rc && cx[done].slot >= 0)
      c->visible[cx[done].slot] = true; /* seen by later conditions */
  }
  if (!rc)
    rc = compile_rule_body(c, j, r);
  /* names assigned here go out of scope after this rule */
  for (size_t i = 0; i < done; i++)
    if (cx[i].kind == EP_X_FN && cx[i].slot >= 0)
      c->visible[cx[i].slot] = false;
  r->conds = cx;
  r->ncond = ncond;
  return rc;
}

int ep_cc_compile_rules(ep_cc *c, const awsc_jnode *arr, const ep_rule **out,
                        size_t *count) {
  ep_rule *rules =
      awsc_arena_calloc(c->a, arr->count ? arr->count : 1, sizeof *rules);
  if (!rules)
    return ep_cc_nomem(c);
  for (size_t i = 0; i < arr->count; i++) {
    size_t old = ep_cc_loc_push(c, ".rules[%zu]", i);
    int rc = compile_rule(c, arr->items[i], &rules[i]);
    ep_cc_loc_pop(c, old);
    if (rc)
      return rc;
  }
  *out = rules;
  *count = arr->count;
  return 0;
}
