/*
 * lib/endpoints/ep_ruleset.c - the rule set object: parameters (types,
 * defaults, builtIns), the compile entry point and reference counting.
 * The rules themselves are compiled by ep_compile.c.
 */
#include <string.h>
#include <strings.h>

#include "endpoints/ep_compile.h"

/* ---- parameters ---- */

static bool default_fits(awsc_ep_param_type t, const awsc_jnode *d) {
  switch (t) {
  case AWSC_EP_PARAM_STRING:
    return d->type == AWSC_J_STRING;
  case AWSC_EP_PARAM_BOOLEAN:
    return d->type == AWSC_J_BOOL;
  case AWSC_EP_PARAM_STRING_ARRAY:
    if (d->type != AWSC_J_ARRAY)
      return false;
    for (size_t i = 0; i < d->count; i++)
      if (d->items[i]->type != AWSC_J_STRING)
        return false;
    return true;
  }
  return false;
}

static const char *opt_str(ep_cc *c, const awsc_jnode *obj, const char *key,
                           int *rc) {
  const awsc_jnode *v = awsc_jtree_get(obj, key);
  if (!v || v->type == AWSC_J_NULL)
    return NULL;
  if (v->type != AWSC_J_STRING) {
    *rc = ep_cc_fail(c, "\"%s\" must be a string", key);
    return NULL;
  }
  char *s = awsc_arena_memdup0(c->a, v->s, v->n);
  if (!s)
    *rc = ep_cc_nomem(c);
  return s;
}

/* Parameter i of the document (also slot i). */
static int compile_param(ep_cc *c, size_t i, const awsc_jmember *m,
                         awsc_ep_param_info *p) {
  const awsc_jnode *spec = m->value;
  if (spec->type != AWSC_J_OBJECT)
    return ep_cc_fail(c, "a parameter must be an object");
  p->name = c->names[i];
  const awsc_jnode *type = awsc_jtree_get(spec, "type");
  if (!type || type->type != AWSC_J_STRING)
    return ep_cc_fail(c, "a parameter needs a string \"type\"");
  /* case-insensitive, as botocore ("String", "string", "stringArray") */
  if (strcasecmp(type->s, "string") == 0)
    p->type = AWSC_EP_PARAM_STRING;
  else if (strcasecmp(type->s, "boolean") == 0)
    p->type = AWSC_EP_PARAM_BOOLEAN;
  else if (strcasecmp(type->s, "stringArray") == 0)
    p->type = AWSC_EP_PARAM_STRING_ARRAY;
  else
    return ep_cc_fail(c,
                      "unknown parameter type \"%s\" (string, boolean or "
                      "stringArray)",
                      type->s);
  int rc = 0;
  p->builtin = opt_str(c, spec, "builtIn", &rc);
  if (rc)
    return rc;
  const awsc_jnode *req = awsc_jtree_get(spec, "required");
  if (req && req->type != AWSC_J_BOOL && req->type != AWSC_J_NULL)
    return ep_cc_fail(c, "\"required\" must be a boolean");
  p->required = req && req->type == AWSC_J_BOOL && req->b;
  const awsc_jnode *def = awsc_jtree_get(spec, "default");
  p->default_value = awsc_ep_none();
  if (def && def->type != AWSC_J_NULL) {
    if (!default_fits(p->type, def))
      return ep_cc_fail(c, "the default does not have the parameter's type");
    if (ep_value_from_json(c->a, def, &p->default_value))
      return ep_cc_nomem(c);
  }
  const awsc_jnode *dep = awsc_jtree_get(spec, "deprecated");
  if (dep && dep->type != AWSC_J_NULL) {
    if (dep->type != AWSC_J_OBJECT)
      return ep_cc_fail(c, "\"deprecated\" must be an object");
    p->deprecated = true;
    p->deprecated_message = opt_str(c, dep, "message", &rc);
    if (!rc)
      p->deprecated_since = opt_str(c, dep, "since", &rc);
  }
  return rc;
}

static int compile_params(ep_cc *c, const awsc_jnode *params,
                          awsc_ep_ruleset *rs) {
  if (!params || params->type != AWSC_J_OBJECT)
    return ep_cc_fail(c, "\"parameters\" must be an object");
  for (size_t i = 0; i < params->count; i++) {
    const awsc_jmember *m = &params->members[i];
    if (m->key_len == 0 || memchr(m->key, '\0', m->key_len))
      return ep_cc_fail(c, "empty parameter name, or one with a NUL");
    if (ep_cc_find_slot(c, m->key, m->key_len) >= 0)
      return ep_cc_fail(c, "parameter \"%s\" declared twice", m->key);
    int s;
    int rc = ep_cc_add_slot(c, m->key, m->key_len, &s);
    if (rc)
      return rc;
    c->visible[s] = true;
  }
  rs->nparams = params->count;
  rs->params = awsc_arena_calloc(c->a, params->count ? params->count : 1,
                                 sizeof *rs->params);
  if (!rs->params)
    return ep_cc_nomem(c);
  rs->name_hash = awsc_arena_calloc(c->a, rs->nparams + 1, sizeof(uint32_t));
  rs->builtin_hash = awsc_arena_calloc(c->a, rs->nparams + 1, sizeof(uint32_t));
  if (!rs->name_hash || !rs->builtin_hash)
    return ep_cc_nomem(c);
  for (size_t i = 0; i < params->count; i++) {
    size_t old = ep_cc_loc_push(c, "parameters.%s", params->members[i].key);
    int rc = compile_param(c, i, &params->members[i], &rs->params[i]);
    ep_cc_loc_pop(c, old);
    if (rc)
      return rc;
    const awsc_ep_param_info *p = &rs->params[i];
    rs->name_hash[i] = ep_hash(p->name, strlen(p->name));
    if (p->builtin)
      rs->builtin_hash[i] = ep_hash(p->builtin, strlen(p->builtin));
  }
  return 0;
}

static int compile_ruleset(ep_cc *c, const awsc_jnode *root,
                           awsc_ep_ruleset *rs) {
  if (root->type != AWSC_J_OBJECT)
    return ep_cc_fail(c, "the rule set must be a JSON object");
  const awsc_jnode *version = awsc_jtree_get(root, "version");
  if (version && version->type != AWSC_J_STRING)
    return ep_cc_fail(c, "\"version\" must be a string");
  int rc = compile_params(c, awsc_jtree_get(root, "parameters"), rs);
  if (rc)
    return rc;
  const awsc_jnode *rules = awsc_jtree_get(root, "rules");
  if (!rules || rules->type != AWSC_J_ARRAY)
    return ep_cc_fail(c, "\"rules\" must be an array");
  rc = ep_cc_compile_rules(c, rules, &rs->rules, &rs->nrules);
  if (rc)
    return rc;
  const char **names =
      awsc_arena_alloc(c->a, (c->nnames ? c->nnames : 1) * sizeof *names);
  if (!names)
    return ep_cc_nomem(c);
  memcpy(names, c->names, c->nnames * sizeof *names);
  rs->slot_names = names;
  rs->nslots = c->nnames;
  return 0;
}

int awsc_ep_ruleset_new(awsc_ep_ruleset **out, const char *json, size_t len,
                        awsc_ep_partitions *parts, awsc_error *err) {
  if (!out || !json || !parts)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "endpoint rule set: NULL argument");
  *out = NULL;
  awsc_ep_ruleset *rs = awsc_calloc(1, sizeof *rs);
  awsc_arena *tmp = awsc_arena_new(64 * 1024);
  awsc_arena *a = awsc_arena_new(16 * 1024);
  ep_cc c;
  memset(&c, 0, sizeof c);
  c.a = a;
  c.err = err;
  int rc;
  if (!rs || !tmp || !a) {
    rc = ep_cc_nomem(&c);
  } else {
    awsc_jnode *root;
    rc = awsc_jtree_parse(&root, tmp, json, len, AWSC_JPARSE_SKIP_DOCS, err);
    if (rc == 0)
      rc = compile_ruleset(&c, root, rs);
  }
  awsc_free(c.names);
  awsc_free(c.visible);
  awsc_arena_free(tmp);
  if (rc) {
    awsc_arena_free(a);
    awsc_free(rs);
    return rc;
  }
  atomic_init(&rs->refs, 1);
  rs->arena = a;
  rs->parts = parts;
  ep_partitions_ref(parts);
  rs->empty_object.type = AWSC_EP_OBJECT;
  *out = rs;
  return 0;
}

awsc_ep_ruleset *awsc_ep_ruleset_ref(awsc_ep_ruleset *rs) {
  if (rs)
    atomic_fetch_add_explicit(&rs->refs, 1, memory_order_relaxed);
  return rs;
}

void awsc_ep_ruleset_free(awsc_ep_ruleset *rs) {
  if (!rs || atomic_fetch_sub_explicit(&rs->refs, 1, memory_order_acq_rel) != 1)
    return;
  awsc_ep_partitions_free(rs->parts);
  awsc_arena_free(rs->arena);
  awsc_free(rs);
}
