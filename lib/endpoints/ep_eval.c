/*
 * lib/endpoints/ep_eval.c - evaluation of a compiled rule set.
 *
 * Semantics (the rules-language specification; botocore's
 * EndpointProvider where the spec leaves room):
 *  - parameters: a value not given takes the default, then a required
 *    parameter still without value is an error;
 *  - rules run in order; a rule matches when every condition gives a
 *    value other than false or "not set" (an empty string counts as a
 *    value); a condition's `assign` binds its result for the later
 *    conditions and the rule's body only (scoping was checked at
 *    compile time, so a slot is always written before it is read);
 *  - a matching endpoint or error rule ends evaluation; a matching tree
 *    rule is terminal too: when none of its rules matches, resolution
 *    fails (the spec; botocore would go on with the tree's siblings,
 *    which no valid rule set relies on);
 *  - `not` negates truthiness (not set -> true); booleanEquals and
 *    stringEquals need two set values of their type; string functions
 *    given an unset value give "not set"; aws.partition of an unset
 *    region gives the "aws" partition (as botocore);
 *  - templates insert string values only.
 * Evaluation allocates only in the caller's arena; strings are views
 * until they are copied into the result.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "endpoints/ep_internal.h"

typedef struct ev {
  const awsc_ep_ruleset *rs;
  awsc_ep_value *slots;
  awsc_arena *a;
  awsc_ep_result *out;
  bool is_error; /* the terminal reached was an error rule */
} ev;

/* Evaluation failure with a message (into out->error). */
static int ev_fail(ev *e, const char *fmt, ...) AWSC_PRINTF(2, 3);
static int ev_fail(ev *e, const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  e->out->error = awsc_arena_strdup(e->a, msg);
  return e->out->error ? AWSC_EVALIDATION : AWSC_ENOMEM;
}

static const char *type_name(awsc_ep_type t) {
  switch (t) {
  case AWSC_EP_NONE:
    return "unset";
  case AWSC_EP_BOOL:
    return "boolean";
  case AWSC_EP_STRING:
    return "string";
  case AWSC_EP_INT:
    return "integer";
  case AWSC_EP_DOUBLE:
    return "number";
  case AWSC_EP_ARRAY:
    return "array";
  case AWSC_EP_OBJECT:
    return "object";
  }
  return "?";
}

/* A condition holds unless its value is false or not set. */
static bool cond_holds(const awsc_ep_value *v) {
  return !(v->type == AWSC_EP_NONE || (v->type == AWSC_EP_BOOL && !v->b));
}

/* Python truthiness, for `not`. */
static bool truthy(const awsc_ep_value *v) {
  switch (v->type) {
  case AWSC_EP_NONE:
    return false;
  case AWSC_EP_BOOL:
    return v->b;
  case AWSC_EP_STRING:
    return v->len > 0;
  case AWSC_EP_INT:
    return v->i != 0;
  case AWSC_EP_DOUBLE:
    return v->d != 0;
  case AWSC_EP_ARRAY:
    return v->count > 0;
  case AWSC_EP_OBJECT:
    return v->nmembers > 0;
  }
  return false;
}

static const char *copy_str(ev *e, const awsc_ep_value *v) {
  return awsc_arena_memdup0(e->a, v->str, v->len);
}

/* ---- templates ---- */

static int tpart_value(ev *e, const ep_tpart *p, awsc_ep_value *v) {
  *v = e->slots[p->slot];
  if (p->path)
    *v = ep_get_attr(v, p->path);
  if (v->type != AWSC_EP_STRING)
    return ev_fail(e, "template reference to \"%s\" is %s, not a string",
                   e->rs->slot_names[p->slot], type_name(v->type));
  return 0;
}

/* With `copy`, the result is always a fresh NUL-terminated arena string;
 * otherwise a lone reference comes back as the referenced view. */
static int eval_template(ev *e, const ep_tmpl *t, bool copy,
                         awsc_ep_value *out) {
  if (t->count == 1 && t->parts[0].slot >= 0 && !copy)
    return tpart_value(e, &t->parts[0], out);
  awsc_ep_value vals[16];
  size_t total = 0;
  for (size_t i = 0; i < t->count; i++) {
    const ep_tpart *p = &t->parts[i];
    if (p->slot < 0) {
      total += p->lit_len;
      continue;
    }
    awsc_ep_value v;
    int rc = tpart_value(e, p, &v);
    if (rc)
      return rc;
    if (i < AWSC_ARRAY_LEN(vals))
      vals[i] = v;
    total += v.len;
  }
  char *buf = awsc_arena_alloc(e->a, total + 1);
  if (!buf)
    return AWSC_ENOMEM;
  size_t w = 0;
  for (size_t i = 0; i < t->count; i++) {
    const ep_tpart *p = &t->parts[i];
    if (p->slot < 0) {
      memcpy(buf + w, p->lit, p->lit_len);
      w += p->lit_len;
      continue;
    }
    awsc_ep_value v;
    if (i < AWSC_ARRAY_LEN(vals))
      v = vals[i];
    else if (tpart_value(e, p, &v))
      return AWSC_EVALIDATION;
    memcpy(buf + w, v.str, v.len);
    w += v.len;
  }
  buf[w] = '\0';
  *out = awsc_ep_string_n(buf, w);
  return 0;
}

/* ---- expressions and functions ---- */

static int eval_expr(ev *e, const ep_expr *x, awsc_ep_value *out);

static int arg_type(ev *e, const ep_expr *x, size_t i, const awsc_ep_value *v,
                    awsc_ep_type want) {
  if (v->type == want)
    return 0;
  return ev_fail(e, "%s: argument %zu is %s, expected %s", ep_fn_names[x->fn],
                 i + 1, type_name(v->type), type_name(want));
}

static int eval_fn(ev *e, const ep_expr *x, awsc_ep_value *out) {
  awsc_ep_value a[4];
  int rc;
  *out = awsc_ep_none();
  /* coalesce and ite evaluate lazily */
  if (x->fn == EP_FN_COALESCE) {
    for (size_t i = 0; i < x->argc; i++) {
      if ((rc = eval_expr(e, &x->args[i], out)))
        return rc;
      if (out->type != AWSC_EP_NONE)
        break;
    }
    goto assign;
  }
  if (x->fn == EP_FN_ITE) {
    if ((rc = eval_expr(e, &x->args[0], &a[0])) ||
        (rc = arg_type(e, x, 0, &a[0], AWSC_EP_BOOL)))
      return rc;
    if ((rc = eval_expr(e, &x->args[a[0].b ? 1 : 2], out)))
      return rc;
    goto assign;
  }
  for (size_t i = 0; i < x->argc; i++)
    if ((rc = eval_expr(e, &x->args[i], &a[i])))
      return rc;
  switch (x->fn) {
  case EP_FN_IS_SET:
    *out = awsc_ep_bool(a[0].type != AWSC_EP_NONE);
    break;
  case EP_FN_NOT:
    *out = awsc_ep_bool(!truthy(&a[0]));
    break;
  case EP_FN_BOOLEAN_EQUALS:
    if ((rc = arg_type(e, x, 0, &a[0], AWSC_EP_BOOL)) ||
        (rc = arg_type(e, x, 1, &a[1], AWSC_EP_BOOL)))
      return rc;
    *out = awsc_ep_bool(a[0].b == a[1].b);
    break;
  case EP_FN_STRING_EQUALS:
    if ((rc = arg_type(e, x, 0, &a[0], AWSC_EP_STRING)) ||
        (rc = arg_type(e, x, 1, &a[1], AWSC_EP_STRING)))
      return rc;
    *out = awsc_ep_bool(a[0].len == a[1].len &&
                        memcmp(a[0].str, a[1].str, a[0].len) == 0);
    break;
  case EP_FN_GET_ATTR:
    *out = ep_get_attr(&a[0], x->path);
    break;
  case EP_FN_SUBSTRING:
    if (a[0].type == AWSC_EP_NONE)
      break;
    if ((rc = arg_type(e, x, 0, &a[0], AWSC_EP_STRING)) ||
        (rc = arg_type(e, x, 1, &a[1], AWSC_EP_INT)) ||
        (rc = arg_type(e, x, 2, &a[2], AWSC_EP_INT)) ||
        (rc = arg_type(e, x, 3, &a[3], AWSC_EP_BOOL)))
      return rc;
    *out = ep_fn_substring(a[0].str, a[0].len, a[1].i, a[2].i, a[3].b);
    break;
  case EP_FN_URI_ENCODE:
  case EP_FN_PARSE_URL:
  case EP_FN_PARSE_ARN:
    if (a[0].type == AWSC_EP_NONE)
      break;
    if ((rc = arg_type(e, x, 0, &a[0], AWSC_EP_STRING)))
      return rc;
    if (x->fn == EP_FN_URI_ENCODE)
      rc = ep_fn_uri_encode(e->a, a[0].str, a[0].len, out);
    else if (x->fn == EP_FN_PARSE_URL)
      rc = ep_fn_parse_url(e->a, a[0].str, a[0].len, out);
    else
      rc = ep_fn_parse_arn(e->a, a[0].str, a[0].len, out);
    if (rc)
      return rc;
    break;
  case EP_FN_IS_VALID_HOST_LABEL:
  case EP_FN_IS_VIRTUAL_HOSTABLE_S3_BUCKET:
    if ((rc = arg_type(e, x, 1, &a[1], AWSC_EP_BOOL)))
      return rc;
    if (a[0].type == AWSC_EP_NONE) {
      *out = awsc_ep_bool(false);
      break;
    }
    if ((rc = arg_type(e, x, 0, &a[0], AWSC_EP_STRING)))
      return rc;
    *out = awsc_ep_bool(
        x->fn == EP_FN_IS_VALID_HOST_LABEL
            ? ep_fn_is_valid_host_label(a[0].str, a[0].len, a[1].b)
            : ep_fn_is_virtual_hostable_s3_bucket(a[0].str, a[0].len, a[1].b));
    break;
  case EP_FN_PARTITION:
    if (a[0].type != AWSC_EP_NONE &&
        (rc = arg_type(e, x, 0, &a[0], AWSC_EP_STRING)))
      return rc;
    *out = *awsc_ep_partition_of(
        e->rs->parts, a[0].type == AWSC_EP_NONE ? NULL : a[0].str, a[0].len);
    break;
  case EP_FN_SPLIT:
    if (a[0].type == AWSC_EP_NONE)
      break;
    if ((rc = arg_type(e, x, 0, &a[0], AWSC_EP_STRING)) ||
        (rc = arg_type(e, x, 1, &a[1], AWSC_EP_STRING)) ||
        (rc = arg_type(e, x, 2, &a[2], AWSC_EP_INT)))
      return rc;
    if ((rc = ep_fn_split(e->a, a[0].str, a[0].len, a[1].str, a[1].len, a[2].i,
                          out)))
      return rc;
    break;
  default:
    return ev_fail(e, "function %u is not implemented", (unsigned)x->fn);
  }
assign:
  if (x->slot >= 0)
    e->slots[x->slot] = *out;
  return 0;
}

static int eval_expr(ev *e, const ep_expr *x, awsc_ep_value *out) {
  switch (x->kind) {
  case EP_X_LIT:
    *out = x->lit;
    return 0;
  case EP_X_REF:
    *out = e->slots[x->slot];
    return 0;
  case EP_X_TMPL:
    return eval_template(e, x->tmpl, false, out);
  default:
    return eval_fn(e, x, out);
  }
}

/* ---- conditions ----
 * Most conditions of real rule sets are isSet(ref), booleanEquals(ref,
 * true|false), stringEquals(ref|"{ref}", "literal") and not(...) of a
 * predicate, without assignment: compile time marked them (enum ep_op)
 * and they are decided here without building values. An operand of an
 * unexpected type falls back to eval_fn, which reports the error. */
static int eval_cond(ev *e, const ep_expr *x, bool *holds) {
  const awsc_ep_value *v;
  switch (x->op) {
  case EP_OP_IS_SET_REF:
    *holds = e->slots[x->qslot].type != AWSC_EP_NONE;
    return 0;
  case EP_OP_BOOL_EQ_REF_LIT:
    v = &e->slots[x->qslot];
    if (v->type != AWSC_EP_BOOL)
      break;
    *holds = v->b == x->lit.b;
    return 0;
  case EP_OP_STR_EQ_REF_LIT:
    v = &e->slots[x->qslot];
    if (v->type != AWSC_EP_STRING)
      break;
    *holds = v->len == x->lit.len && memcmp(v->str, x->lit.str, v->len) == 0;
    return 0;
  case EP_OP_NOT_PRED: {
    /* a predicate's truthiness is its condition value */
    bool h;
    int rc = eval_cond(e, &x->args[0], &h);
    *holds = !h;
    return rc;
  }
  default:
    break;
  }
  awsc_ep_value r;
  int rc = eval_fn(e, x, &r);
  *holds = !rc && cond_holds(&r);
  return rc;
}

/* ---- results ---- */

static int eval_prop(ev *e, const ep_prop *p, awsc_ep_value *out) {
  switch (p->kind) {
  case EP_P_CONST:
    *out = p->cval;
    return 0;
  case EP_P_TMPL:
    return eval_template(e, p->tmpl, true, out);
  case EP_P_ARRAY: {
    awsc_ep_value *items = awsc_arena_alloc(e->a, p->count * sizeof *items + 1);
    if (!items)
      return AWSC_ENOMEM;
    for (size_t i = 0; i < p->count; i++) {
      int rc = eval_prop(e, &p->kids[i], &items[i]);
      if (rc)
        return rc;
    }
    out->type = AWSC_EP_ARRAY;
    out->items = items;
    out->count = p->count;
    return 0;
  }
  default: {
    awsc_ep_member *m = awsc_arena_alloc(e->a, p->count * sizeof *m + 1);
    if (!m)
      return AWSC_ENOMEM;
    for (size_t i = 0; i < p->count; i++) {
      m[i].key = p->keys[i];
      int rc = eval_prop(e, &p->kids[i], &m[i].value);
      if (rc)
        return rc;
    }
    out->type = AWSC_EP_OBJECT;
    out->members = m;
    out->nmembers = p->count;
    return 0;
  }
  }
}

/* A string for the result: a fresh NUL-terminated copy. */
static int result_string(ev *e, const ep_expr *x, const char *what,
                         const char **out) {
  awsc_ep_value v;
  int rc;
  if (x->kind == EP_X_TMPL) {
    if ((rc = eval_template(e, x->tmpl, true, &v)))
      return rc;
    *out = v.str;
    return 0;
  }
  if ((rc = eval_expr(e, x, &v)))
    return rc;
  if (v.type != AWSC_EP_STRING)
    return ev_fail(e, "the %s is %s, not a string", what, type_name(v.type));
  if (x->kind == EP_X_LIT) {
    *out = v.str; /* a NUL-terminated constant of the rule set */
    return 0;
  }
  *out = copy_str(e, &v);
  return *out ? 0 : AWSC_ENOMEM;
}

static int build_endpoint(ev *e, const ep_rule *r) {
  awsc_ep_result *out = e->out;
  int rc = result_string(e, &r->url, "endpoint url", &out->url);
  if (rc)
    return rc;
  if (!r->props) {
    out->properties = &e->rs->empty_object;
  } else if (r->props->kind == EP_P_CONST) {
    out->properties = &r->props->cval;
  } else {
    awsc_ep_value *v = awsc_arena_alloc(e->a, sizeof *v);
    if (!v)
      return AWSC_ENOMEM;
    if ((rc = eval_prop(e, r->props, v)))
      return rc;
    out->properties = v;
  }
  if (r->nhdrs) {
    awsc_ep_header *h = awsc_arena_alloc(e->a, r->nhdrs * sizeof *h);
    if (!h)
      return AWSC_ENOMEM;
    for (size_t i = 0; i < r->nhdrs; i++) {
      const ep_hdr *src = &r->hdrs[i];
      const char **vals = awsc_arena_alloc(e->a, src->count * sizeof *vals + 1);
      if (!vals)
        return AWSC_ENOMEM;
      for (size_t k = 0; k < src->count; k++)
        if ((rc = result_string(e, &src->vals[k], "header value", &vals[k])))
          return rc;
      h[i].name = src->name;
      h[i].values = vals;
      h[i].count = src->count;
    }
    out->headers = h;
    out->header_count = r->nhdrs;
  }
  return 1;
}

/* ---- rules ---- */

static int eval_rules(ev *e, const ep_rule *rules, size_t n);

/* 1: a terminal was reached (endpoint, or error with e->is_error);
 * 0: the rule does not match; < 0: failure (out->error says why). */
static int eval_rule(ev *e, const ep_rule *r) {
  for (size_t i = 0; i < r->ncond; i++) {
    bool holds;
    int rc = eval_cond(e, &r->conds[i], &holds);
    if (rc)
      return rc;
    if (!holds)
      return 0;
  }
  switch (r->type) {
  case EP_R_ENDPOINT:
    return build_endpoint(e, r);
  case EP_R_ERROR: {
    int rc = result_string(e, &r->error, "error message", &e->out->error);
    if (rc)
      return rc;
    e->is_error = true;
    return 1;
  }
  default: {
    int rc = eval_rules(e, r->kids, r->nkids);
    if (rc == 0)
      return ev_fail(e, "Rules evaluation failed: no rule of a matching "
                        "tree rule matched");
    return rc;
  }
  }
}

static int eval_rules(ev *e, const ep_rule *rules, size_t n) {
  for (size_t i = 0; i < n; i++) {
    int rc = eval_rule(e, &rules[i]);
    if (rc)
      return rc;
  }
  return 0;
}

int awsc_ep_resolve(const awsc_ep_ruleset *rs, awsc_ep_result *out,
                    const awsc_ep_params *params, awsc_arena *arena,
                    awsc_error *err) {
  if (out)
    memset(out, 0, sizeof *out);
  if (!rs || !arena || !out || (params && params->rs != rs))
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "endpoint resolution: bad arguments");
  ev e = {rs, NULL, arena, out, false};
  e.slots =
      awsc_arena_calloc(arena, rs->nslots ? rs->nslots : 1, sizeof *e.slots);
  int rc = 0;
  if (!e.slots)
    rc = AWSC_ENOMEM;
  for (size_t i = 0; !rc && i < rs->nparams; i++) {
    const awsc_ep_param_info *p = &rs->params[i];
    awsc_ep_value v = params ? params->values[i] : awsc_ep_none();
    if (v.type == AWSC_EP_NONE)
      v = p->default_value;
    if (v.type == AWSC_EP_NONE && p->required)
      rc = ev_fail(&e, "Cannot find value for required parameter %s", p->name);
    e.slots[i] = v;
  }
  if (!rc) {
    rc = eval_rules(&e, rs->rules, rs->nrules);
    if (rc == 0)
      rc = ev_fail(&e, "No endpoint found for the given parameters: no "
                       "rule matched");
  }
  if (rc == 1 && !e.is_error)
    return 0;
  if (rc == AWSC_ENOMEM) {
    memset(out, 0, sizeof *out);
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  }
  /* an error rule, or a failure with its message */
  out->url = NULL;
  out->properties = NULL;
  out->headers = NULL;
  out->header_count = 0;
  awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION, "%s",
                 out->error ? out->error : "endpoint resolution failed");
  return AWSC_EVALIDATION;
}
