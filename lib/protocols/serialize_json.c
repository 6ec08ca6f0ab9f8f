/* lib/protocols/serialize_json.c - the json protocol (X-Amz-Target RPC)
 * and the JSON writer rest-json bodies and jsonvalue headers share
 * (botocore JSONSerializer). */
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "protocols/serialize_internal.h"

/* Append `s` (already a JSON literal) with every non-ASCII code point
 * as \uXXXX, as Python's json.dumps(ensure_ascii=True) writes it
 * (jsonvalue headers are the base64 of exactly those bytes). */
static int put_ascii(awsc_buf *b, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  for (size_t i = 0; i < n;) {
    unsigned char ch = (unsigned char)s[i];
    if (ch < 0x80) {
      if (awsc_buf_putc(b, (char)ch))
        return AWSC_ENOMEM;
      i++;
      continue;
    }
    uint32_t cp = 0xFFFD;
    size_t len = (ch & 0xE0) == 0xC0   ? 2
                 : (ch & 0xF0) == 0xE0 ? 3
                 : (ch & 0xF8) == 0xF0 ? 4
                                       : 1;
    if (len > 1 && i + len <= n) {
      cp = ch & (0x7F >> len);
      for (size_t k = 1; k < len; k++)
        cp = (cp << 6) | ((unsigned char)s[i + k] & 0x3F);
    } else if (len > 1) {
      len = n - i;
    }
    i += len;
    uint32_t units[2];
    size_t nu = 0;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      units[nu++] = 0xD800 | (cp >> 10);
      units[nu++] = 0xDC00 | (cp & 0x3FF);
    } else {
      units[nu++] = cp;
    }
    for (size_t k = 0; k < nu; k++) {
      char e[6] = {'\\',
                   'u',
                   hex[(units[k] >> 12) & 15],
                   hex[(units[k] >> 8) & 15],
                   hex[(units[k] >> 4) & 15],
                   hex[units[k] & 15]};
      if (awsc_buf_append(b, e, 6))
        return AWSC_ENOMEM;
    }
  }
  return 0;
}

typedef struct jw {
  awsc_buf *b;
  bool ascii;
  bool spaced; /* ", " and ": " as json.dumps' default separators */
} jw;

static int jw_string(jw *w, const char *s, size_t n);

static int jw_value(jw *w, const awsc_value *v, const awsc_shape *sh,
                    const awsc_member *m);

static int jw_untyped(jw *w, const awsc_value *v) {
  return jw_value(w, v, NULL, NULL);
}

static int jw_value(jw *w, const awsc_value *v, const awsc_shape *sh,
                    const awsc_member *m) {
  awsc_buf *b = w->b;
  char num[64];
  if (sh && sh->type == AWSC_SHAPE_DOCUMENT)
    sh = NULL;
  switch (v->type) {
  case AWSC_V_NULL:
  case AWSC_V_STREAM:
    return awsc_buf_append(b, "null", 4);
  case AWSC_V_BOOL:
    return v->u.b ? awsc_buf_append(b, "true", 4)
                  : awsc_buf_append(b, "false", 5);
  case AWSC_V_INT:
    if (sh && sh->type == AWSC_SHAPE_TIMESTAMP) {
      awsc_value t = {.type = AWSC_V_TIMESTAMP, .u.i = v->u.i * 1000};
      return jw_value(w, &t, sh, m);
    }
    return awsc_buf_printf(b, "%" PRId64, v->u.i);
  case AWSC_V_DOUBLE: {
    size_t n = awsc_double_format(v->u.d, num);
    if (isnan(v->u.d) || isinf(v->u.d))
      return jw_string(w, num, n);
    return awsc_buf_append(b, num, n);
  }
  case AWSC_V_STRING:
  case AWSC_V_BLOB:
    if ((sh && sh->type == AWSC_SHAPE_BLOB) || v->type == AWSC_V_BLOB) {
      awsc_buf tmp = AWSC_BUF_INIT;
      if (awsc_buf_reserve(&tmp, AWSC_BASE64_LEN(v->u.s.n) + 1))
        return AWSC_ENOMEM;
      size_t n = awsc_base64_encode((const uint8_t *)v->u.s.p, v->u.s.n, tmp.p);
      int rc = jw_string(w, tmp.p, n);
      awsc_buf_free(&tmp);
      return rc;
    }
    return jw_string(w, v->u.s.p, v->u.s.n);
  case AWSC_V_TIMESTAMP: {
    int fmt = ser_ts_format(m, sh, AWSC_TS_UNIX);
    size_t n = ser_format_timestamp(v->u.i, fmt, num);
    return fmt == AWSC_TS_UNIX ? awsc_buf_append(b, num, n)
                               : jw_string(w, num, n);
  }
  case AWSC_V_LIST: {
    const awsc_member *el =
        sh && sh->type == AWSC_SHAPE_LIST ? sh->list_member : NULL;
    if (awsc_buf_putc(b, '['))
      return AWSC_ENOMEM;
    for (size_t i = 0; i < v->u.list.n; i++) {
      if (i && awsc_buf_append(b, ", ", w->spaced ? 2 : 1))
        return AWSC_ENOMEM;
      int rc = el ? jw_value(w, &v->u.list.items[i], el->shape, el)
                  : jw_untyped(w, &v->u.list.items[i]);
      if (rc)
        return rc;
    }
    return awsc_buf_putc(b, ']');
  }
  case AWSC_V_MAP: {
    if (awsc_buf_putc(b, '{'))
      return AWSC_ENOMEM;
    bool first = true;
    for (size_t i = 0; i < v->u.map.n; i++) {
      const awsc_kv *kv = &v->u.map.items[i];
      const awsc_member *mm = NULL;
      const char *key = kv->key;
      size_t key_len = kv->key_len;
      if (sh && sh->type == AWSC_SHAPE_STRUCTURE) {
        /* structures drop unset members; maps keep null values */
        if (kv->value.type == AWSC_V_NULL)
          continue;
        mm = awsc_shape_find_member(sh, kv->key, kv->key_len);
        if (!mm)
          continue;
        key = awsc_member_wire_name(mm);
        key_len = strlen(key);
      } else if (sh && sh->type == AWSC_SHAPE_MAP) {
        mm = sh->map_value;
      }
      if ((!first && awsc_buf_append(b, ", ", w->spaced ? 2 : 1)) ||
          jw_string(w, key, key_len) ||
          awsc_buf_append(b, ": ", w->spaced ? 2 : 1))
        return AWSC_ENOMEM;
      first = false;
      int rc = mm ? jw_value(w, &kv->value, mm->shape, mm)
                  : jw_untyped(w, &kv->value);
      if (rc)
        return rc;
    }
    return awsc_buf_putc(b, '}');
  }
  default:
    return AWSC_EINVAL;
  }
}

static int jw_string(jw *w, const char *s, size_t n) {
  if (!w->ascii)
    return awsc_json_put_string(w->b, s, n);
  bool plain = true;
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)s[i] >= 0x80)
      plain = false;
  if (plain)
    return awsc_json_put_string(w->b, s, n);
  /* Escape control characters and quotes first, then non-ASCII. */
  awsc_buf esc = AWSC_BUF_INIT;
  int rc = awsc_json_put_string(&esc, s, n);
  if (rc == 0)
    rc = put_ascii(w->b, esc.p, esc.len);
  awsc_buf_free(&esc);
  return rc;
}

int ser_json_value(awsc_buf *b, const awsc_value *v, const awsc_shape *shape,
                   bool ascii) {
  jw w = {b, ascii, false};
  return jw_value(&w, v, shape, NULL);
}

/* Bodies are byte-for-byte what botocore's json.dumps(body) writes
 * (default separators, ensure_ascii), so payload hashes and lengths
 * match botocore's too. */
static int body_json(awsc_buf *b, const awsc_value *v,
                     const awsc_shape *shape) {
  jw w = {b, true, true};
  return jw_value(&w, v, shape, NULL);
}

int ser_rest_json_body(ser_ctx *c, const awsc_value *v, const awsc_shape *shape,
                       awsc_buf *body) {
  int rc = body_json(body, v, shape);
  return rc == AWSC_ENOMEM ? ser_oom(c) : rc;
}

int ser_json(ser_ctx *c, const awsc_value *input) {
  const char *version = c->svc->json_version ? c->svc->json_version : "1.0";
  awsc_buf b = awsc_pws_take(c->ws, AWSC_PWS_BODY);
  int rc = 0;
  if (c->svc->target_prefix)
    rc = awsc_buf_printf(&b, "%s.%s", c->svc->target_prefix, c->op->name);
  else
    rc = awsc_buf_puts(&b, c->op->name);
  if (!rc)
    rc = ser_set_header(c, "X-Amz-Target", b.p, b.len);
  awsc_buf_reset(&b);
  if (!rc)
    rc = awsc_buf_printf(&b, "application/x-amz-json-%s", version);
  if (!rc)
    rc = ser_set_header(c, "Content-Type", b.p, b.len);
  if (!rc && c->svc->aws_query_compatible)
    rc = ser_set_header(c, "x-amzn-query-mode", "true", 4);
  awsc_buf_reset(&b);
  if (!rc) {
    if (c->op->input && input)
      rc = body_json(&b, input, c->op->input);
    else
      rc = awsc_buf_puts(&b, "{}");
  }
  if (!rc) {
    c->out->body = awsc_arena_memdup0(c->arena, b.p, b.len);
    c->out->body_len = b.len;
    if (!c->out->body)
      rc = AWSC_ENOMEM;
  }
  awsc_pws_give(c->ws, AWSC_PWS_BODY, &b);
  if (rc == AWSC_ENOMEM)
    return ser_oom(c);
  return rc;
}
