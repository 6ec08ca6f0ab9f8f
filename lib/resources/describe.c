/* Introspection of the resource models built in, as JSON: what a binding
 * needs to build its resource classes (identifiers, attributes, actions,
 * references, collections, waiters) without reading resources-1.json.
 * Everything comes from the generated descriptors (resources_desc.h) and
 * the client's service model (attribute types). */
#include <string.h>

#include "client/client_internal.h"
#include "resources/resource_internal.h"

static const char *type_name(uint8_t t) {
  static const char *const names[] = {
      "structure", "list",  "map",    "string",    "integer", "long",
      "boolean",   "float", "double", "timestamp", "blob",    "document"};
  return t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}

static int put_str(awsc_buf *b, const char *s) {
  return awsc_json_put_string(b, s, strlen(s));
}

/* ,"key":"value" when value is set. */
static int put_opt(awsc_buf *b, const char *key, const char *value) {
  if (!value)
    return 0;
  int rc = awsc_buf_printf(b, ",\"%s\":", key);
  return rc ? rc : put_str(b, value);
}

/* Whether a reference names many resources: a list in one of its
 * response paths (the rule action.c applies when it builds them). */
static bool ref_plural(const awsc_rsrc_ref *ref) {
  if (ref->path && strchr(ref->path, '['))
    return true;
  for (size_t i = 0; i < ref->n_identifiers; i++) {
    const awsc_rsrc_param *p = &ref->identifiers[i];
    if (p->source == AWSC_RS_RESPONSE && p->path && strchr(p->path, '['))
      return true;
  }
  return false;
}

/* "Resource":"Topic","Plural":false of a reference yielding a resource;
 * nothing when it yields none. */
static int put_ref(awsc_buf *b, const awsc_rsrc_ref *ref) {
  if (!ref->type)
    return 0;
  int rc = put_opt(b, "Resource", ref->type);
  return rc ? rc
            : awsc_buf_printf(b, ",\"Plural\":%s",
                              ref_plural(ref) ? "true" : "false");
}

/* {"Name":{"Operation":...,"Resource"?:...,"Plural"?:...},...} */
static int put_actions(awsc_buf *b, const char *key, const awsc_rsrc_action *a,
                       size_t n) {
  int rc = awsc_buf_printf(b, ",\"%s\":{", key);
  for (size_t i = 0; !rc && i < n; i++) {
    rc = i ? awsc_buf_putc(b, ',') : 0;
    rc = rc ? rc : put_str(b, a[i].name);
    rc = rc ? rc : awsc_buf_puts(b, ":{\"Operation\":");
    rc = rc ? rc : put_str(b, a[i].request.operation);
    rc = rc ? rc : put_ref(b, &a[i].resource);
    rc = rc ? rc : awsc_buf_putc(b, '}');
  }
  return rc ? rc : awsc_buf_putc(b, '}');
}

/* has: the resource, the identifiers the caller gives (bucket.Object(key))
 * and whether the parent's data are needed (a property then, as boto3). */
static int put_has(awsc_buf *b, const awsc_rsrc_type *t) {
  int rc = awsc_buf_puts(b, ",\"Has\":{");
  for (size_t i = 0; !rc && i < t->n_has; i++) {
    const awsc_rsrc_ref *ref = &t->has[i].resource;
    bool data = false;
    rc = i ? awsc_buf_putc(b, ',') : 0;
    rc = rc ? rc : put_str(b, t->has[i].name);
    rc = rc ? rc : awsc_buf_puts(b, ":{\"Inputs\":[");
    bool first = true;
    for (size_t k = 0; !rc && k < ref->n_identifiers; k++) {
      data = data || ref->identifiers[k].source == AWSC_RS_DATA;
      if (ref->identifiers[k].source != AWSC_RS_INPUT)
        continue;
      rc = first ? 0 : awsc_buf_putc(b, ',');
      rc = rc ? rc : put_str(b, ref->identifiers[k].target);
      first = false;
    }
    rc = rc ? rc
            : awsc_buf_printf(b, "],\"NeedsData\":%s", data ? "true" : "false");
    rc = rc ? rc : put_ref(b, ref);
    rc = rc ? rc : awsc_buf_putc(b, '}');
  }
  return rc ? rc : awsc_buf_putc(b, '}');
}

/* hasMany: the items' resource, the operation, whether the client pages
 * it, and the batch actions of the items' type. */
static int put_has_many(awsc_buf *b, const awsc_client *c,
                        const awsc_rsrc_model *m, const awsc_rsrc_type *t) {
  int rc = awsc_buf_puts(b, ",\"HasMany\":{");
  for (size_t i = 0; !rc && i < t->n_has_many; i++) {
    const awsc_rsrc_collection *col = &t->has_many[i];
    rc = i ? awsc_buf_putc(b, ',') : 0;
    rc = rc ? rc : put_str(b, col->name);
    rc = rc ? rc : awsc_buf_puts(b, ":{\"Operation\":");
    rc = rc ? rc : put_str(b, col->request.operation);
    rc = rc ? rc : put_opt(b, "Resource", col->resource.type);
    rc = rc ? rc
            : awsc_buf_printf(
                  b, ",\"Paginated\":%s,\"BatchActions\":[",
                  awsc_client_can_paginate(c, col->request.operation) == 1
                      ? "true"
                      : "false");
    const awsc_rsrc_type *item =
        col->resource.type ? awsc_rsrc_type_find(m, col->resource.type) : NULL;
    for (size_t k = 0; !rc && item && k < item->n_batch_actions; k++) {
      rc = k ? awsc_buf_putc(b, ',') : 0;
      rc = rc ? rc : put_str(b, item->batch_actions[k].name);
    }
    rc = rc ? rc : awsc_buf_puts(b, "]}");
  }
  return rc ? rc : awsc_buf_putc(b, '}');
}

/* Identifiers, in the model's order (the order of constructor
 * arguments): {"Name":..., "MemberName"?:...}. */
static int put_identifiers(awsc_buf *b, const awsc_rsrc_type *t) {
  int rc = awsc_buf_puts(b, "\"Identifiers\":[");
  for (size_t i = 0; !rc && i < t->n_identifiers; i++) {
    rc = i ? awsc_buf_putc(b, ',') : 0;
    rc = rc ? rc : awsc_buf_puts(b, "{\"Name\":");
    rc = rc ? rc : put_str(b, t->identifiers[i].name);
    rc = rc ? rc : put_opt(b, "MemberName", t->identifiers[i].member_name);
    rc = rc ? rc : awsc_buf_putc(b, '}');
  }
  return rc ? rc : awsc_buf_putc(b, ']');
}

/* "Shape" and its members' types ("Attributes"), "Load". */
static int put_data(awsc_buf *b, const awsc_client *c,
                    const awsc_rsrc_type *t) {
  int rc = put_opt(b, "Shape", t->shape);
  rc =
      rc ? rc : put_opt(b, "Load", t->load ? t->load->request.operation : NULL);
  rc = rc ? rc : awsc_buf_puts(b, ",\"Attributes\":{");
  const awsc_shape *sh = awsc_rsrc_shape(c, t);
  for (uint32_t i = 0; !rc && sh && i < sh->member_count; i++) {
    rc = i ? awsc_buf_putc(b, ',') : 0;
    rc = rc ? rc : put_str(b, sh->members[i].name);
    rc = rc ? rc : awsc_buf_putc(b, ':');
    rc = rc ? rc : put_str(b, type_name(sh->members[i].shape->type));
  }
  return rc ? rc : awsc_buf_putc(b, '}');
}

static int put_waiters(awsc_buf *b, const awsc_rsrc_type *t) {
  int rc = awsc_buf_puts(b, ",\"Waiters\":{");
  for (size_t i = 0; !rc && i < t->n_waiters; i++) {
    rc = i ? awsc_buf_putc(b, ',') : 0;
    rc = rc ? rc : put_str(b, t->waiters[i].name);
    rc = rc ? rc : awsc_buf_puts(b, ":{\"Waiter\":");
    rc = rc ? rc : put_str(b, t->waiters[i].waiter_name);
    rc = rc ? rc : awsc_buf_putc(b, '}');
  }
  return rc ? rc : awsc_buf_putc(b, '}');
}

static int put_type(awsc_buf *b, const awsc_client *c, const awsc_rsrc_model *m,
                    const awsc_rsrc_type *t) {
  int rc = put_str(b, t->name);
  rc = rc ? rc : awsc_buf_putc(b, ':');
  rc = rc ? rc : awsc_buf_putc(b, '{');
  rc = rc ? rc : put_identifiers(b, t);
  rc = rc ? rc : put_data(b, c, t);
  rc = rc ? rc : put_actions(b, "Actions", t->actions, t->n_actions);
  rc =
      rc ? rc
         : put_actions(b, "BatchActions", t->batch_actions, t->n_batch_actions);
  rc = rc ? rc : put_has(b, t);
  rc = rc ? rc : put_has_many(b, c, m, t);
  rc = rc ? rc : put_waiters(b, t);
  return rc ? rc : awsc_buf_putc(b, '}');
}

int awsc_resource_describe_json(char **json_out, awsc_client *client,
                                const char *resource_name, awsc_error *err) {
  if (!json_out || !client)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_resource_describe_json: NULL argument");
  const char *sid = awsc_client_service_id(client);
  const awsc_rsrc_model *m = awsc_rsrc_model_for(sid);
  if (!m)
    return awsc_error_set(err, AWSC_ENOTFOUND, AWSC_ERROR_VALIDATION,
                          "no resource model for service %s", sid);
  const awsc_rsrc_type *one = NULL;
  if (resource_name && !(one = awsc_rsrc_type_find(m, resource_name)))
    return awsc_error_set(err, AWSC_ENOTFOUND, AWSC_ERROR_VALIDATION,
                          "no resource %s in the %s resource model",
                          resource_name, m->service);
  awsc_buf b = AWSC_BUF_INIT;
  int rc = awsc_buf_puts(&b, "{\"Service\":");
  rc = rc ? rc : put_str(&b, m->service);
  rc = rc ? rc : awsc_buf_puts(&b, ",\"Resources\":{");
  if (one) {
    rc = rc ? rc : put_type(&b, client, m, one);
  } else {
    rc = rc ? rc : put_type(&b, client, m, m->service_resource);
    for (size_t i = 0; !rc && i < m->n_resources; i++) {
      rc = awsc_buf_putc(&b, ',');
      rc = rc ? rc : put_type(&b, client, m, &m->resources[i]);
    }
  }
  rc = rc ? rc : awsc_buf_puts(&b, "}}");
  return awsc_describe_finish(json_out, &b, rc, err);
}
