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
  if (rc) {
    awsc_buf_free(&b);
    return awsc_error_set(err, rc, AWSC_ERROR_INTERNAL, "out of memory");
  }
  if (!(*json_out = awsc_out_from_buf(&b)))
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  return 0;
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
  if (rc) {
    awsc_buf_free(&b);
    return awsc_error_set(err, rc, AWSC_ERROR_INTERNAL, "out of memory");
  }
  if (!(*json_out = awsc_out_from_buf(&b)))
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  return 0;
}
