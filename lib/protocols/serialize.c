/* lib/protocols/serialize.c - request serialization entry point and the
 * helpers every protocol shares (headers/query vectors, timestamps,
 * scalar text, idempotency tokens, host prefix). Behaviour follows
 * botocore/serialize.py; the protocol files say where they differ. */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "protocols/serialize_internal.h"
#include "runtime/jtree.h"

int ser_fail(ser_ctx *c, int code, const char *fmt, ...) {
  if (c->err) {
    va_list ap;
    va_start(ap, fmt);
    char msg[sizeof c->err->message];
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    awsc_error_set(c->err, code,
                   code == AWSC_EVALIDATION ? AWSC_ERROR_VALIDATION
                                            : AWSC_ERROR_INTERNAL,
                   "%s", msg);
  }
  return code;
}

int ser_oom(ser_ctx *c) {
  return ser_fail(c, AWSC_ENOMEM, "out of memory");
}

/* Grow an arena array by doubling (old storage stays in the arena). */
static int grow(ser_ctx *c, awsc_http_header **arr, size_t n, size_t *cap) {
  if (n < *cap)
    return 0;
  size_t ncap = *cap ? *cap * 2 : 8;
  awsc_http_header *a = awsc_arena_alloc(c->arena, ncap * sizeof *a);
  if (!a)
    return ser_oom(c);
  if (n)
    memcpy(a, *arr, n * sizeof *a);
  *arr = a;
  *cap = ncap;
  return 0;
}

static int set_header(ser_ctx *c, const char *name, bool copy_name,
                      const char *value, size_t value_len) {
  awsc_serialized_request *o = c->out;
  const char *v = awsc_arena_memdup0(c->arena, value ? value : "", value_len);
  if (!v)
    return ser_oom(c);
  for (size_t i = 0; i < o->header_count; i++) {
    if (strcmp(o->headers[i].name, name) == 0) {
      o->headers[i].value = v;
      return 0;
    }
  }
  if (grow(c, &o->headers, o->header_count, &c->header_cap))
    return AWSC_ENOMEM;
  const char *n = copy_name ? awsc_arena_strdup(c->arena, name) : name;
  if (!n)
    return ser_oom(c);
  o->headers[o->header_count].name = n;
  o->headers[o->header_count].value = v;
  o->header_count++;
  return 0;
}

int ser_set_header(ser_ctx *c, const char *name, const char *value,
                   size_t value_len) {
  return set_header(c, name, false, value, value_len);
}

int ser_set_header_copy(ser_ctx *c, const char *name, const char *value,
                        size_t value_len) {
  return set_header(c, name, true, value, value_len);
}

const char *ser_get_header(const ser_ctx *c, const char *name) {
  for (size_t i = 0; i < c->out->header_count; i++)
    if (strcasecmp(c->out->headers[i].name, name) == 0)
      return c->out->headers[i].value;
  return NULL;
}

int ser_add_query(ser_ctx *c, const char *name, size_t name_len,
                  const char *value, size_t value_len) {
  awsc_serialized_request *o = c->out;
  if (grow(c, &o->query, o->query_count, &c->query_cap))
    return AWSC_ENOMEM;
  const char *n = awsc_arena_memdup0(c->arena, name, name_len);
  const char *v = value ? awsc_arena_memdup0(c->arena, value, value_len) : NULL;
  if (!n || (value && !v))
    return ser_oom(c);
  o->query[o->query_count].name = n;
  o->query[o->query_count].value = v;
  o->query_count++;
  return 0;
}

void ser_remove_query(ser_ctx *c, const char *name) {
  awsc_serialized_request *o = c->out;
  size_t k = 0;
  for (size_t i = 0; i < o->query_count; i++)
    if (strcmp(o->query[i].name, name) != 0)
      o->query[k++] = o->query[i];
  o->query_count = k;
}

size_t ser_format_timestamp(int64_t ms, int fmt, char *out) {
  int64_t sec = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
  int64_t frac = ms - sec * 1000;
  switch (fmt) {
  case AWSC_TS_UNIX:
    return (size_t)snprintf(out, 48, "%" PRId64, sec);
  case AWSC_TS_RFC822:
    awsc_time_format_rfc1123(sec * 1000, out);
    return strlen(out);
  default: {
    awsc_time_format_iso8601(sec * 1000, false, out);
    size_t n = strlen(out);
    if (frac && n > 0 && out[n - 1] == 'Z')
      n = n - 1 + (size_t)snprintf(out + n - 1, 16, ".%03d000Z", (int)frac);
    return n;
  }
  }
}

int ser_ts_format(const awsc_member *m, const awsc_shape *sh, int dflt) {
  if (m && m->timestamp_format)
    return m->timestamp_format;
  if (sh && sh->timestamp_format)
    return sh->timestamp_format;
  return dflt;
}

int ser_scalar_text(const awsc_value *v, int ts_fmt, char *scratch,
                    const char **p, size_t *n) {
  switch (v->type) {
  case AWSC_V_BOOL:
    *p = v->u.b ? "true" : "false";
    *n = strlen(*p);
    return 0;
  case AWSC_V_INT:
    *n = (size_t)snprintf(scratch, 64, "%" PRId64, v->u.i);
    *p = scratch;
    return 0;
  case AWSC_V_DOUBLE:
    *n = awsc_double_format(v->u.d, scratch);
    *p = scratch;
    return 0;
  case AWSC_V_TIMESTAMP:
    *n = ser_format_timestamp(v->u.i, ts_fmt, scratch);
    *p = scratch;
    return 0;
  case AWSC_V_STRING:
  case AWSC_V_BLOB:
    *p = v->u.s.p ? v->u.s.p : "";
    *n = v->u.s.n;
    return 0;
  default:
    *p = "";
    *n = 0;
    return AWSC_EINVAL;
  }
}

const char *ser_base64(ser_ctx *c, const char *p, size_t n, size_t *out_len) {
  char *o = awsc_arena_alloc(c->arena, AWSC_BASE64_LEN(n) + 1);
  if (!o) {
    ser_oom(c);
    return NULL;
  }
  *out_len = awsc_base64_encode((const uint8_t *)p, n, o);
  return o;
}

/* Random (v4) UUID, lower-case as Python's str(uuid.uuid4()). */
static int uuid4(char out[37]) {
  uint8_t b[16];
  size_t got = 0;
  while (got < sizeof b) {
    ssize_t r = getrandom(b + got, sizeof b - got, 0);
    if (r <= 0)
      return AWSC_EUNSUPPORTED;
    got += (size_t)r;
  }
  b[6] = (uint8_t)((b[6] & 0x0F) | 0x40);
  b[8] = (uint8_t)((b[8] & 0x3F) | 0x80);
  static const char hex[] = "0123456789abcdef";
  size_t o = 0;
  for (size_t i = 0; i < 16; i++) {
    if (i == 4 || i == 6 || i == 8 || i == 10)
      out[o++] = '-';
    out[o++] = hex[b[i] >> 4];
    out[o++] = hex[b[i] & 15];
  }
  out[o] = '\0';
  return 0;
}

/* botocore's generate_idempotent_uuid handler: top-level members marked
 * idempotencyToken that the caller left out get a fresh UUID, appended
 * after the given parameters. */
static int fill_idempotency(ser_ctx *c, const awsc_value **input) {
  const awsc_shape *sh = c->op->input;
  if (!sh || sh->type != AWSC_SHAPE_STRUCTURE)
    return 0;
  size_t missing = 0;
  for (uint32_t i = 0; i < sh->member_count; i++)
    if ((sh->members[i].flags & AWSC_MF_IDEMPOTENCY_TOKEN) &&
        !awsc_value_get(*input, sh->members[i].name))
      missing++;
  if (!missing)
    return 0;
  size_t have = *input ? (*input)->u.map.n : 0;
  awsc_value *v = awsc_arena_alloc(c->arena, sizeof *v);
  awsc_kv *items = awsc_arena_calloc(c->arena, have + missing, sizeof *items);
  if (!v || !items)
    return ser_oom(c);
  if (have)
    memcpy(items, (*input)->u.map.items, have * sizeof *items);
  size_t k = have;
  for (uint32_t i = 0; i < sh->member_count; i++) {
    const awsc_member *m = &sh->members[i];
    if (!(m->flags & AWSC_MF_IDEMPOTENCY_TOKEN) ||
        awsc_value_get(*input, m->name))
      continue;
    char *u = awsc_arena_alloc(c->arena, 37);
    if (!u)
      return ser_oom(c);
    if (uuid4(u))
      return ser_fail(c, AWSC_EUNSUPPORTED, "no random source for a UUID");
    items[k].key = m->name;
    items[k].key_len = strlen(m->name);
    items[k].value.type = AWSC_V_STRING;
    items[k].value.u.s.p = u;
    items[k].value.u.s.n = 36;
    k++;
  }
  awsc_value_set_map(v, items, k);
  *input = v;
  return 0;
}

static bool host_label_ok(const char *s, size_t n) {
  if (!n)
    return false;
  for (size_t i = 0; i < n; i++) {
    char ch = s[i];
    if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
          (ch >= '0' && ch <= '9') || ch == '.' || ch == '-'))
      return false;
  }
  return true;
}

/* endpoint.hostPrefix with {Label} replaced by hostLabel members. */
static int expand_host_prefix(ser_ctx *c, const awsc_value *input) {
  const char *expr = c->op->host_prefix;
  if (!expr)
    return 0;
  if (!c->op->input) {
    c->out->host_prefix = expr;
    return 0;
  }
  awsc_buf b = AWSC_BUF_INIT;
  int rc = 0;
  for (const char *p = expr; *p && !rc;) {
    const char *open = strchr(p, '{');
    const char *close = open ? strchr(open, '}') : NULL;
    if (!open || !close) {
      rc = awsc_buf_puts(&b, p);
      break;
    }
    rc = awsc_buf_append(&b, p, (size_t)(open - p));
    if (rc)
      break;
    char label[128];
    size_t ll = (size_t)(close - open - 1);
    if (ll >= sizeof label)
      ll = sizeof label - 1;
    memcpy(label, open + 1, ll);
    label[ll] = '\0';
    const awsc_value *v = awsc_value_get(input, label);
    if (!v || v->type != AWSC_V_STRING) {
      rc =
          ser_fail(c, AWSC_EVALIDATION,
                   "Missing required parameter for host prefix: \"%s\"", label);
      break;
    }
    if (!host_label_ok(v->u.s.p, v->u.s.n)) {
      rc = ser_fail(c, AWSC_EVALIDATION,
                    "Invalid value for parameter(s): %s. Must contain only "
                    "alphanumeric characters, hyphen, or period.",
                    label);
      break;
    }
    rc = awsc_buf_append(&b, v->u.s.p, v->u.s.n);
    p = close + 1;
  }
  if (!rc) {
    c->out->host_prefix = awsc_arena_memdup0(c->arena, b.p ? b.p : "", b.len);
    if (!c->out->host_prefix)
      rc = ser_oom(c);
  } else if (rc == AWSC_ENOMEM) {
    rc = ser_oom(c);
  }
  awsc_buf_free(&b);
  return rc;
}

int awsc_protocol_serialize(const awsc_service *svc, const awsc_operation *op,
                            const awsc_value *input, awsc_arena *arena,
                            awsc_serialized_request *out, awsc_error *err) {
  return awsc_protocol_serialize_ws(svc, op, input, arena, NULL, out, err);
}

int awsc_protocol_serialize_ws(const awsc_service *svc,
                               const awsc_operation *op,
                               const awsc_value *input, awsc_arena *arena,
                               awsc_proto_ws *ws, awsc_serialized_request *out,
                               awsc_error *err) {
  if (!svc || !op || !arena || !out)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_INTERNAL,
                          "invalid argument");
  memset(out, 0, sizeof *out);
  if (input && input->type != AWSC_V_MAP)
    return awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                          "operation input must be a structure");
  ser_ctx c = {svc, op, arena, err, out, 0, 0, ws};
  int rc = fill_idempotency(&c, &input);
  if (rc)
    return rc;
  out->method = op->http_method ? op->http_method : "POST";
  out->path = "/";
  if ((rc = expand_host_prefix(&c, input)))
    return rc;
  switch (svc->protocol) {
  case AWSC_PROTO_QUERY:
    return ser_query(&c, input, false);
  case AWSC_PROTO_EC2:
    return ser_query(&c, input, true);
  case AWSC_PROTO_JSON:
    return ser_json(&c, input);
  case AWSC_PROTO_REST_JSON:
  case AWSC_PROTO_REST_XML:
    return ser_rest(&c, input);
  default:
    return awsc_error_set(err, AWSC_EUNSUPPORTED, AWSC_ERROR_INTERNAL,
                          "unsupported protocol %d", svc->protocol);
  }
}
