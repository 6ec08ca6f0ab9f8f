/*
 * lib/endpoints/ep_params.c - parameter lookup and the parameter set of
 * one resolution.
 */
#include <string.h>

#include "endpoints/ep_internal.h"

size_t awsc_ep_ruleset_param_count(const awsc_ep_ruleset *rs) {
  return rs ? rs->nparams : 0;
}

const awsc_ep_param_info *awsc_ep_ruleset_param(const awsc_ep_ruleset *rs,
                                                size_t i) {
  return rs && i < rs->nparams ? &rs->params[i] : NULL;
}

int awsc_ep_ruleset_find_param(const awsc_ep_ruleset *rs, const char *name) {
  if (!rs || !name)
    return -1;
  uint32_t h = ep_hash(name, strlen(name));
  for (size_t i = 0; i < rs->nparams; i++)
    if (rs->name_hash[i] == h && strcmp(rs->params[i].name, name) == 0)
      return (int)i;
  return -1;
}

/* The first parameter at or after `from` bound to the builtIn, or -1. */
static int find_builtin_from(const awsc_ep_ruleset *rs, const char *builtin,
                             uint32_t h, size_t from) {
  for (size_t i = from; i < rs->nparams; i++)
    if (rs->builtin_hash[i] == h && rs->params[i].builtin &&
        strcmp(rs->params[i].builtin, builtin) == 0)
      return (int)i;
  return -1;
}

int awsc_ep_ruleset_find_builtin(const awsc_ep_ruleset *rs,
                                 const char *builtin) {
  if (!rs || !builtin)
    return -1;
  return find_builtin_from(rs, builtin, ep_hash(builtin, strlen(builtin)), 0);
}

int awsc_ep_params_init(awsc_ep_params *p, const awsc_ep_ruleset *rs,
                        awsc_arena *arena) {
  memset(p, 0, sizeof *p);
  if (!rs || !arena)
    return AWSC_EINVAL;
  p->values = awsc_arena_calloc(arena, rs->nparams ? rs->nparams : 1,
                                sizeof *p->values);
  if (!p->values)
    return AWSC_ENOMEM;
  p->rs = rs;
  p->arena = arena;
  return 0;
}

static const char *param_type_name(awsc_ep_param_type t) {
  switch (t) {
  case AWSC_EP_PARAM_STRING:
    return "string";
  case AWSC_EP_PARAM_BOOLEAN:
    return "boolean";
  case AWSC_EP_PARAM_STRING_ARRAY:
    return "stringArray";
  }
  return "?";
}

static bool value_fits(awsc_ep_param_type t, const awsc_ep_value *v) {
  switch (v->type) {
  case AWSC_EP_NONE:
    return true;
  case AWSC_EP_STRING:
    return t == AWSC_EP_PARAM_STRING;
  case AWSC_EP_BOOL:
    return t == AWSC_EP_PARAM_BOOLEAN;
  case AWSC_EP_ARRAY:
    if (t != AWSC_EP_PARAM_STRING_ARRAY)
      return false;
    for (size_t i = 0; i < v->count; i++)
      if (v->items[i].type != AWSC_EP_STRING)
        return false;
    return true;
  default:
    return false;
  }
}

int awsc_ep_params_set(awsc_ep_params *p, int index, awsc_ep_value v,
                       awsc_error *err) {
  if (!p || !p->rs || index < 0 || (size_t)index >= p->rs->nparams)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "endpoint parameters: bad parameter index");
  const awsc_ep_param_info *info = &p->rs->params[index];
  if (!value_fits(info->type, &v))
    return awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                          "Value (%s) is the wrong type. Must be %s.",
                          info->name, param_type_name(info->type));
  p->values[index] = v;
  return 0;
}

static int set_named(awsc_ep_params *p, const char *name, awsc_ep_value v,
                     awsc_error *err) {
  int i = p ? awsc_ep_ruleset_find_param(p->rs, name) : -1;
  if (i < 0)
    return awsc_error_set(err, AWSC_ENOTFOUND, AWSC_ERROR_VALIDATION,
                          "the endpoint rule set has no parameter %s",
                          name ? name : "(null)");
  return awsc_ep_params_set(p, i, v, err);
}

int awsc_ep_params_set_string(awsc_ep_params *p, const char *name,
                              const char *value, awsc_error *err) {
  return set_named(p, name, awsc_ep_string(value), err);
}

int awsc_ep_params_set_bool(awsc_ep_params *p, const char *name, bool value,
                            awsc_error *err) {
  return set_named(p, name, awsc_ep_bool(value), err);
}

int awsc_ep_params_set_string_array(awsc_ep_params *p, const char *name,
                                    const char *const *items, size_t n,
                                    awsc_error *err) {
  if (!p || !p->arena || (n && !items))
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "endpoint parameters: bad arguments");
  awsc_ep_value *vals = awsc_arena_alloc(p->arena, (n ? n : 1) * sizeof *vals);
  if (!vals)
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  for (size_t i = 0; i < n; i++) {
    if (!items[i])
      return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                            "endpoint parameters: NULL array item");
    vals[i] = awsc_ep_string(items[i]);
  }
  awsc_ep_value v = {.type = AWSC_EP_ARRAY};
  v.items = vals;
  v.count = n;
  return set_named(p, name, v, err);
}

/* Every parameter bound to the builtIn gets the value. */
static int set_builtin(awsc_ep_params *p, const char *builtin, awsc_ep_value v,
                       awsc_error *err) {
  if (!p || !p->rs || !builtin)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "endpoint parameters: bad arguments");
  int found = 0;
  uint32_t h = ep_hash(builtin, strlen(builtin));
  for (int i = find_builtin_from(p->rs, builtin, h, 0); i >= 0;
       i = find_builtin_from(p->rs, builtin, h, (size_t)i + 1)) {
    int rc = awsc_ep_params_set(p, i, v, err);
    if (rc)
      return rc;
    found = 1;
  }
  if (!found)
    return awsc_error_set(err, AWSC_ENOTFOUND, AWSC_ERROR_VALIDATION,
                          "the endpoint rule set has no builtIn %s", builtin);
  return 0;
}

int awsc_ep_params_set_builtin_string(awsc_ep_params *p, const char *builtin,
                                      const char *value, awsc_error *err) {
  return set_builtin(p, builtin, awsc_ep_string(value), err);
}

int awsc_ep_params_set_builtin_bool(awsc_ep_params *p, const char *builtin,
                                    bool value, awsc_error *err) {
  return set_builtin(p, builtin, awsc_ep_bool(value), err);
}
