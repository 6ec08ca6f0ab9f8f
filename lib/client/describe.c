/* Introspection of a client's model: operation names and the parameters of
 * one operation, as JSON (for the CLI's --help, bindings and tools). */
#include <string.h>

#include "client/client_internal.h"

static const char *type_name(uint8_t t) {
  static const char *const names[] = {
      "structure", "list",  "map",    "string",    "integer", "long",
      "boolean",   "float", "double", "timestamp", "blob",    "document"};
  return t < AWSC_ARRAY_LEN(names) ? names[t] : "?";
}

static const char *location_name(uint8_t l) {
  static const char *const names[] = {"body",   "uri",     "querystring",
                                      "header", "headers", "statusCode"};
  return l < AWSC_ARRAY_LEN(names) ? names[l] : "?";
}

static int put_str(awsc_buf *b, const char *s) {
  return awsc_json_put_string(b, s, strlen(s));
}

int awsc_describe_finish(char **json_out, awsc_buf *b, int rc,
                         awsc_error *err) {
  if (rc) {
    awsc_buf_free(b);
    return awsc_error_set(err, rc, AWSC_ERROR_INTERNAL, "out of memory");
  }
  if (!(*json_out = awsc_out_from_buf(b)))
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  return 0;
}

int awsc_client_list_operations(char **json_out, const awsc_client *c,
                                awsc_error *err) {
  if (!c || !json_out)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_client_list_operations: NULL argument");
  awsc_buf b = AWSC_BUF_INIT;
  int rc = awsc_buf_putc(&b, '[');
  for (uint32_t i = 0; !rc && i < c->svc->operation_count; i++) {
    const awsc_operation *op = c->svc->operations_by_py_name[i];
    if (i)
      rc = awsc_buf_putc(&b, ',');
    rc = rc ? rc : put_str(&b, op->py_name);
  }
  rc = rc ? rc : awsc_buf_putc(&b, ']');
  return awsc_describe_finish(json_out, &b, rc, err);
}

int awsc_client_describe_operation(char **json_out, const awsc_client *c,
                                   const char *name, awsc_error *err) {
  if (!c || !name || !json_out)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_client_describe_operation: NULL argument");
  const awsc_operation *op = awsc_service_find_operation(c->svc, name);
  if (!op)
    return awsc_error_set(err, AWSC_ENOTFOUND, AWSC_ERROR_VALIDATION,
                          "Operation %s not found in service %s", name,
                          c->svc->service_id ? c->svc->service_id : "?");
  awsc_buf b = AWSC_BUF_INIT;
  int rc = awsc_buf_puts(&b, "{\"Name\":");
  rc = rc ? rc : put_str(&b, op->name);
  rc = rc ? rc : awsc_buf_puts(&b, ",\"PythonName\":");
  rc = rc ? rc : put_str(&b, op->py_name);
  rc = rc ? rc : awsc_buf_puts(&b, ",\"HttpMethod\":");
  rc = rc ? rc : put_str(&b, op->http_method);
  rc = rc ? rc : awsc_buf_puts(&b, ",\"RequestUri\":");
  rc = rc ? rc : put_str(&b, op->request_uri);
  bool paginated = false;
  for (uint32_t i = 0; i < c->svc->paginator_count; i++)
    if (strcmp(c->svc->paginators[i].operation, op->name) == 0)
      paginated = true;
  rc =
      rc ? rc
         : awsc_buf_printf(&b, ",\"CanPaginate\":%s,\"Deprecated\":%s",
                           paginated ? "true" : "false",
                           (op->flags & AWSC_OF_DEPRECATED) ? "true" : "false");
  rc = rc ? rc : awsc_buf_puts(&b, ",\"Input\":{");
  const awsc_shape *in = op->input;
  for (uint32_t i = 0; !rc && in && i < in->member_count; i++) {
    const awsc_member *m = &in->members[i];
    if (i)
      rc = awsc_buf_putc(&b, ',');
    rc = rc ? rc : put_str(&b, m->name);
    rc = rc ? rc
            : awsc_buf_printf(&b,
                              ":{\"Type\":\"%s\",\"Required\":%s,"
                              "\"Location\":\"%s\"",
                              type_name(m->shape->type),
                              (m->flags & AWSC_MF_REQUIRED) ? "true" : "false",
                              location_name(m->location));
    if (!rc && m->shape->enum_count) {
      rc = awsc_buf_puts(&b, ",\"Enum\":[");
      for (uint32_t k = 0; !rc && k < m->shape->enum_count; k++) {
        if (k)
          rc = awsc_buf_putc(&b, ',');
        rc = rc ? rc : put_str(&b, m->shape->enum_values[k]);
      }
      rc = rc ? rc : awsc_buf_putc(&b, ']');
    }
    if (!rc && m->shape->type == AWSC_SHAPE_STRUCTURE) {
      rc = awsc_buf_puts(&b, ",\"Shape\":");
      rc = rc ? rc : put_str(&b, m->shape->name);
    }
    rc = rc ? rc : awsc_buf_putc(&b, '}');
  }
  rc = rc ? rc : awsc_buf_puts(&b, "},\"Output\":[");
  const awsc_shape *out = op->output;
  for (uint32_t i = 0; !rc && out && i < out->member_count; i++) {
    if (i)
      rc = awsc_buf_putc(&b, ',');
    rc = rc ? rc : put_str(&b, out->members[i].name);
  }
  rc = rc ? rc : awsc_buf_puts(&b, "]}");
  return awsc_describe_finish(json_out, &b, rc, err);
}

int awsc_service_names_json(char **json_out, awsc_error *err) {
  if (!json_out)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_service_names_json: NULL argument");
  /* The generated registry keeps the names as one static "s3, sns" text
   * (the message of an unknown service); split it here rather than keep
   * a second list that could drift from it. */
  const char *p = awsc_builtin_service_names();
  awsc_buf b = AWSC_BUF_INIT;
  int rc = awsc_buf_putc(&b, '[');
  bool first = true;
  while (!rc && *p) {
    while (*p == ',' || *p == ' ')
      p++;
    size_t n = strcspn(p, ", ");
    if (!n)
      break;
    if (!first)
      rc = awsc_buf_putc(&b, ',');
    rc = rc ? rc : awsc_json_put_string(&b, p, n);
    first = false;
    p += n;
  }
  rc = rc ? rc : awsc_buf_putc(&b, ']');
  return awsc_describe_finish(json_out, &b, rc, err);
}

/* The shapes reachable from some operations, each once by name, in the
 * order found (breadth first, so recursive shapes end). Names are the
 * key: an operation's input or output may be a copy of its shape with the
 * reference's traits applied, and the copy is the one that counts. */
typedef struct shape_set {
  const awsc_shape **items;
  size_t n, cap;
  uint32_t *slots; /* index + 1 into items, 0 = empty */
  size_t nslots;   /* a power of two, at least 2 * cap */
} shape_set;

static size_t name_hash(const char *s) {
  size_t h = 2166136261u;
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 16777619u;
  return h;
}

static int set_grow(shape_set *s) {
  size_t cap = s->cap ? s->cap * 2 : 64;
  const awsc_shape **items = awsc_realloc(s->items, cap * sizeof(*items));
  if (!items)
    return AWSC_ENOMEM;
  s->items = items;
  uint32_t *slots = awsc_calloc(cap * 2, sizeof(*slots));
  if (!slots)
    return AWSC_ENOMEM;
  for (size_t i = 0; i < s->n; i++) {
    size_t k = name_hash(items[i]->name) & (cap * 2 - 1);
    while (slots[k])
      k = (k + 1) & (cap * 2 - 1);
    slots[k] = (uint32_t)i + 1;
  }
  awsc_free(s->slots);
  s->slots = slots;
  s->nslots = cap * 2;
  s->cap = cap;
  return 0;
}

/* Add sh unless a shape of its name is there; 0 or AWSC_ENOMEM. */
static int set_add(shape_set *s, const awsc_shape *sh) {
  if (!sh || !sh->name)
    return 0;
  if (s->n == s->cap && set_grow(s))
    return AWSC_ENOMEM;
  size_t k = name_hash(sh->name) & (s->nslots - 1);
  for (; s->slots[k]; k = (k + 1) & (s->nslots - 1))
    if (strcmp(s->items[s->slots[k] - 1]->name, sh->name) == 0)
      return 0;
  s->items[s->n] = sh;
  s->slots[k] = (uint32_t)++s->n;
  return 0;
}

static void set_free(shape_set *s) {
  awsc_free(s->items);
  awsc_free(s->slots);
}

/* Add what shape i of the set points to. */
static int set_add_children(shape_set *s, size_t i) {
  const awsc_shape *sh = s->items[i];
  int rc = 0;
  for (uint32_t k = 0;
       !rc && sh->type == AWSC_SHAPE_STRUCTURE && k < sh->member_count; k++)
    rc = set_add(s, sh->members[k].shape);
  if (!rc && sh->type == AWSC_SHAPE_LIST && sh->list_member)
    rc = set_add(s, sh->list_member->shape);
  if (!rc && sh->type == AWSC_SHAPE_MAP && sh->map_key)
    rc = set_add(s, sh->map_key->shape);
  if (!rc && sh->type == AWSC_SHAPE_MAP && sh->map_value)
    rc = set_add(s, sh->map_value->shape);
  return rc;
}

static int put_name_list(awsc_buf *b, const char *key, const awsc_member *m,
                         uint32_t n, uint16_t flag) {
  bool any = false;
  int rc = 0;
  for (uint32_t k = 0; !rc && k < n; k++) {
    if (!(m[k].flags & flag))
      continue;
    rc = any ? awsc_buf_putc(b, ',') : awsc_buf_printf(b, ",\"%s\":[", key);
    rc = rc ? rc : put_str(b, m[k].name);
    any = true;
  }
  return rc ? rc : (any ? awsc_buf_putc(b, ']') : 0);
}

/* The structure-only part of a shape's description. */
static int put_structure(awsc_buf *b, const awsc_shape *sh) {
  int rc = awsc_buf_puts(b, ",\"Members\":{");
  for (uint32_t k = 0; !rc && k < sh->member_count; k++) {
    const awsc_member *m = &sh->members[k];
    rc = k ? awsc_buf_putc(b, ',') : 0;
    rc = rc ? rc : put_str(b, m->name);
    rc = rc ? rc : awsc_buf_putc(b, ':');
    rc = rc ? rc : put_str(b, m->shape->name);
  }
  rc = rc ? rc : awsc_buf_putc(b, '}');
  rc = rc ? rc
          : put_name_list(b, "Required", sh->members, sh->member_count,
                          AWSC_MF_REQUIRED);
  rc = rc ? rc
          : put_name_list(b, "Streaming", sh->members, sh->member_count,
                          AWSC_MF_STREAMING);
  rc = rc ? rc
          : put_name_list(b, "JSONValue", sh->members, sh->member_count,
                          AWSC_MF_JSONVALUE);
  if (!rc && sh->payload_index >= 0 &&
      (uint32_t)sh->payload_index < sh->member_count) {
    rc = awsc_buf_puts(b, ",\"Payload\":");
    rc = rc ? rc : put_str(b, sh->members[sh->payload_index].name);
  }
  if (!rc && (sh->flags & AWSC_SF_UNION))
    rc = awsc_buf_puts(b, ",\"Union\":true");
  if (!rc && (sh->flags & AWSC_SF_EXCEPTION)) {
    rc = awsc_buf_puts(b, ",\"Error\":{\"Code\":");
    rc = rc ? rc : put_str(b, sh->error_code ? sh->error_code : sh->name);
    if (!rc && sh->error_status > 0)
      rc = awsc_buf_printf(b, ",\"HTTPStatusCode\":%d", (int)sh->error_status);
    rc =
        rc ? rc
           : awsc_buf_printf(b, ",\"Fault\":\"%s\"}",
                             (sh->flags & AWSC_SF_FAULT) ? "server" : "client");
  }
  return rc;
}

static int put_shape(awsc_buf *b, const awsc_shape *sh) {
  int rc = put_str(b, sh->name);
  rc = rc ? rc : awsc_buf_printf(b, ":{\"Type\":\"%s\"", type_name(sh->type));
  if (!rc && sh->type == AWSC_SHAPE_STRUCTURE)
    rc = put_structure(b, sh);
  if (!rc && sh->type == AWSC_SHAPE_LIST && sh->list_member) {
    rc = awsc_buf_puts(b, ",\"Member\":");
    rc = rc ? rc : put_str(b, sh->list_member->shape->name);
  }
  if (!rc && sh->type == AWSC_SHAPE_MAP && sh->map_key && sh->map_value) {
    rc = awsc_buf_puts(b, ",\"Key\":");
    rc = rc ? rc : put_str(b, sh->map_key->shape->name);
    rc = rc ? rc : awsc_buf_puts(b, ",\"Value\":");
    rc = rc ? rc : put_str(b, sh->map_value->shape->name);
  }
  if (!rc && (sh->flags & AWSC_SF_STREAMING))
    rc = awsc_buf_puts(b, ",\"Streaming\":true");
  if (!rc && (sh->flags & AWSC_SF_EVENTSTREAM))
    rc = awsc_buf_puts(b, ",\"EventStream\":true");
  if (!rc && (sh->flags & AWSC_SF_SENSITIVE))
    rc = awsc_buf_puts(b, ",\"Sensitive\":true");
  return rc ? rc : awsc_buf_putc(b, '}');
}

/* "Name":{"Input":..., "Output":..., "Errors":[...]}, its shapes added. */
static int put_operation(awsc_buf *b, shape_set *s, const awsc_operation *op) {
  int rc = put_str(b, op->name);
  rc = rc ? rc : awsc_buf_putc(b, ':');
  rc = rc ? rc : awsc_buf_putc(b, '{');
  const char *sep = "";
  if (!rc && op->input && op->input->name) {
    rc = awsc_buf_puts(b, "\"Input\":");
    rc = rc ? rc : put_str(b, op->input->name);
    rc = rc ? rc : set_add(s, op->input);
    sep = ",";
  }
  if (!rc && op->output && op->output->name) {
    rc = awsc_buf_printf(b, "%s\"Output\":", sep);
    rc = rc ? rc : put_str(b, op->output->name);
    rc = rc ? rc : set_add(s, op->output);
    sep = ",";
  }
  rc = rc ? rc : awsc_buf_printf(b, "%s\"Errors\":[", sep);
  for (uint32_t k = 0; !rc && k < op->error_count; k++) {
    rc = k ? awsc_buf_putc(b, ',') : 0;
    rc = rc ? rc : put_str(b, op->errors[k]->name);
    rc = rc ? rc : set_add(s, op->errors[k]);
  }
  return rc ? rc : awsc_buf_puts(b, "]}");
}

/* {"Metadata":{...},"Waiters":[...] of the service. */
static int put_service(awsc_buf *b, const awsc_service *svc) {
  static const char *const protocols[] = {"query", "ec2", "rest-xml", "json",
                                          "rest-json"};
  int rc = awsc_buf_puts(b, "{\"Metadata\":{\"Protocol\":");
  rc = rc ? rc
          : put_str(b, svc->protocol < AWSC_ARRAY_LEN(protocols)
                           ? protocols[svc->protocol]
                           : "?");
  static const char *const keys[] = {"ServiceId",   "ApiVersion",
                                     "SigningName", "EndpointPrefix",
                                     "JsonVersion", "TargetPrefix"};
  const char *values[] = {svc->service_id,   svc->api_version,
                          svc->signing_name, svc->endpoint_prefix,
                          svc->json_version, svc->target_prefix};
  for (size_t i = 0; !rc && i < AWSC_ARRAY_LEN(keys); i++) {
    if (!values[i])
      continue;
    rc = awsc_buf_printf(b, ",\"%s\":", keys[i]);
    rc = rc ? rc : put_str(b, values[i]);
  }
  rc = rc ? rc : awsc_buf_puts(b, "},\"Waiters\":[");
  for (uint32_t i = 0; !rc && i < svc->waiter_count; i++) {
    rc = i ? awsc_buf_putc(b, ',') : 0;
    rc = rc ? rc : put_str(b, svc->waiters[i].name);
  }
  return rc ? rc : awsc_buf_putc(b, ']');
}

int awsc_client_describe_shapes_json(char **json_out, const awsc_client *c,
                                     const char *operation, awsc_error *err) {
  if (!c || !json_out)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_client_describe_shapes_json: NULL argument");
  const awsc_operation *one = NULL;
  if (operation && !(one = awsc_service_find_operation(c->svc, operation)))
    return awsc_error_set(err, AWSC_ENOTFOUND, AWSC_ERROR_VALIDATION,
                          "Operation %s not found in service %s", operation,
                          c->svc->service_id ? c->svc->service_id : "?");
  shape_set s = {0};
  awsc_buf b = AWSC_BUF_INIT;
  int rc = put_service(&b, c->svc);
  rc = rc ? rc : awsc_buf_puts(&b, ",\"Operations\":{");
  uint32_t n_ops = one ? 1 : c->svc->operation_count;
  for (uint32_t i = 0; !rc && i < n_ops; i++) {
    rc = i ? awsc_buf_putc(&b, ',') : 0;
    rc = rc ? rc : put_operation(&b, &s, one ? one : &c->svc->operations[i]);
  }
  for (size_t i = 0; !rc && i < s.n; i++)
    rc = set_add_children(&s, i);
  rc = rc ? rc : awsc_buf_puts(&b, "},\"Shapes\":{");
  for (size_t i = 0; !rc && i < s.n; i++) {
    rc = i ? awsc_buf_putc(&b, ',') : 0;
    rc = rc ? rc : put_shape(&b, s.items[i]);
  }
  rc = rc ? rc : awsc_buf_puts(&b, "}}");
  set_free(&s);
  return awsc_describe_finish(json_out, &b, rc, err);
}
