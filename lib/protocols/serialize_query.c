/* lib/protocols/serialize_query.c - the query and ec2 protocols:
 * Action=Op&Version=... form bodies (botocore QuerySerializer and
 * EC2Serializer). Parameters come out in the caller's order, exactly as
 * botocore walks the params dict; the body is urlencoded the way
 * Python's urlencode (quote_plus) does it. */
#include <string.h>

#include "protocols/serialize_internal.h"

typedef struct qwriter {
  ser_ctx *c;
  bool ec2;
  awsc_buf body;
  awsc_buf key; /* the current prefix, "Foo.member.1.Bar" */
} qwriter;

/* Python's quote_plus: unreserved kept, ' ' -> '+', the rest %XX. */
static int form_encode(awsc_buf *b, const char *s, size_t n) {
  static const char hex[] = "0123456789ABCDEF";
  if (awsc_buf_reserve(b, n))
    return AWSC_ENOMEM;
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)s[i];
    bool keep = awsc_uri_unreserved[ch];
    int rc;
    if (keep)
      rc = awsc_buf_putc(b, (char)ch);
    else if (ch == ' ')
      rc = awsc_buf_putc(b, '+');
    else {
      char e[3] = {'%', hex[ch >> 4], hex[ch & 15]};
      rc = awsc_buf_append(b, e, 3);
    }
    if (rc)
      return rc;
  }
  return 0;
}

static int put_pair(qwriter *w, const char *v, size_t vn) {
  if ((w->body.len && awsc_buf_putc(&w->body, '&')) ||
      form_encode(&w->body, w->key.p ? w->key.p : "", w->key.len) ||
      awsc_buf_putc(&w->body, '=') || form_encode(&w->body, v, vn))
    return AWSC_ENOMEM;
  return 0;
}

/* botocore's _get_serialized_name: query uses locationName; ec2 prefers
 * queryName, then locationName with its first letter upper-cased. */
static int push_name(qwriter *w, const awsc_member *m, const char *dflt,
                     bool dot) {
  if (dot && w->key.len && awsc_buf_putc(&w->key, '.'))
    return AWSC_ENOMEM;
  if (w->ec2 && m && (m->flags & AWSC_MF_QUERY_NAME) && m->query_name)
    return awsc_buf_puts(&w->key, m->query_name);
  if (m && m->location_name) {
    if (!w->ec2)
      return awsc_buf_puts(&w->key, m->location_name);
    size_t at = w->key.len;
    if (awsc_buf_puts(&w->key, m->location_name))
      return AWSC_ENOMEM;
    char ch = w->key.p[at];
    if (ch >= 'a' && ch <= 'z')
      w->key.p[at] = (char)(ch - 'a' + 'A');
    return 0;
  }
  return awsc_buf_puts(&w->key, dflt);
}

static void pop_to(qwriter *w, size_t mark) {
  w->key.len = mark;
  if (w->key.p)
    w->key.p[mark] = '\0';
}

static int q_value(qwriter *w, const awsc_value *v, const awsc_shape *sh,
                   const awsc_member *m);

static int q_structure(qwriter *w, const awsc_value *v, const awsc_shape *sh) {
  for (size_t i = 0; i < v->u.map.n; i++) {
    const awsc_kv *kv = &v->u.map.items[i];
    if (kv->value.type == AWSC_V_NULL)
      continue;
    const awsc_member *m = awsc_shape_find_member(sh, kv->key, kv->key_len);
    if (!m)
      return ser_fail(w->c, AWSC_EVALIDATION,
                      "Unknown parameter in input: \"%s\"", kv->key);
    size_t mark = w->key.len;
    if (push_name(w, m, m->name, true))
      return AWSC_ENOMEM;
    int rc = q_value(w, &kv->value, m->shape, m);
    if (rc)
      return rc;
    pop_to(w, mark);
  }
  return 0;
}

static int q_list(qwriter *w, const awsc_value *v, const awsc_shape *sh,
                  const awsc_member *m) {
  const awsc_member *el = sh->list_member;
  size_t mark = w->key.len;
  if (w->ec2) {
    /* ec2 lists are always "Prefix.N", and an empty one sends nothing */
  } else if (v->u.list.n == 0) {
    return put_pair(w, "", 0);
  } else if ((m && (m->flags & AWSC_MF_FLATTENED)) ||
             (sh->flags & AWSC_SF_FLATTENED)) {
    if (el->location_name) {
      /* "A.B.Original" -> "A.B.<element name>" */
      size_t cut = mark;
      while (cut > 0 && w->key.p[cut - 1] != '.')
        cut--;
      pop_to(w, cut);
      if (awsc_buf_puts(&w->key, el->location_name))
        return AWSC_ENOMEM;
    }
  } else {
    if (push_name(w, el, "member", true))
      return AWSC_ENOMEM;
  }
  size_t base = w->key.len;
  for (size_t i = 0; i < v->u.list.n; i++) {
    const awsc_value *item = &v->u.list.items[i];
    if (awsc_buf_printf(&w->key, ".%zu", i + 1))
      return AWSC_ENOMEM;
    int rc = q_value(w, item, el->shape, el);
    if (rc)
      return rc;
    pop_to(w, base);
  }
  pop_to(w, mark);
  return 0;
}

static int q_map(qwriter *w, const awsc_value *v, const awsc_shape *sh,
                 const awsc_member *m) {
  size_t mark = w->key.len;
  bool flat =
      (m && (m->flags & AWSC_MF_FLATTENED)) || (sh->flags & AWSC_SF_FLATTENED);
  if (!flat && awsc_buf_puts(&w->key, ".entry"))
    return AWSC_ENOMEM;
  size_t base = w->key.len;
  for (size_t i = 0; i < v->u.map.n; i++) {
    const awsc_kv *kv = &v->u.map.items[i];
    if (awsc_buf_printf(&w->key, ".%zu.", i + 1) ||
        push_name(w, sh->map_key, "key", false))
      return AWSC_ENOMEM;
    int rc = put_pair(w, kv->key, kv->key_len);
    if (rc)
      return rc;
    pop_to(w, base);
    if (awsc_buf_printf(&w->key, ".%zu.", i + 1) ||
        push_name(w, sh->map_value, "value", false))
      return AWSC_ENOMEM;
    if ((rc = q_value(w, &kv->value, sh->map_value->shape, sh->map_value)))
      return rc;
    pop_to(w, base);
  }
  pop_to(w, mark);
  return 0;
}

static int q_value(qwriter *w, const awsc_value *v, const awsc_shape *sh,
                   const awsc_member *m) {
  switch (v->type) {
  case AWSC_V_NULL:
    return 0;
  case AWSC_V_MAP:
    if (sh->type == AWSC_SHAPE_STRUCTURE)
      return q_structure(w, v, sh);
    if (sh->type == AWSC_SHAPE_MAP)
      return q_map(w, v, sh, m);
    return ser_fail(w->c, AWSC_EVALIDATION, "unexpected object for %s",
                    w->key.len ? w->key.p : "input");
  case AWSC_V_LIST:
    if (sh->type != AWSC_SHAPE_LIST)
      return ser_fail(w->c, AWSC_EVALIDATION, "unexpected list for %s",
                      w->key.len ? w->key.p : "input");
    return q_list(w, v, sh, m);
  case AWSC_V_BLOB:
  case AWSC_V_STRING:
    if (sh->type == AWSC_SHAPE_BLOB) {
      size_t n;
      const char *b64 = ser_base64(w->c, v->u.s.p, v->u.s.n, &n);
      return b64 ? put_pair(w, b64, n) : AWSC_ENOMEM;
    }
    return put_pair(w, v->u.s.p, v->u.s.n);
  default: {
    char scratch[64];
    const char *p;
    size_t n;
    if (ser_scalar_text(v, ser_ts_format(m, sh, AWSC_TS_ISO8601), scratch, &p,
                        &n))
      return ser_fail(w->c, AWSC_EVALIDATION, "unsupported value for %s",
                      w->key.len ? w->key.p : "input");
    return put_pair(w, p, n);
  }
  }
}

int ser_query(ser_ctx *c, const awsc_value *input, bool ec2) {
  qwriter w = {c, ec2, awsc_pws_take(c->ws, AWSC_PWS_BODY),
               awsc_pws_take(c->ws, AWSC_PWS_KEY)};
  int rc = 0;
  const char *version = c->svc->api_version ? c->svc->api_version : "";
  if (awsc_buf_puts(&w.body, "Action=") ||
      form_encode(&w.body, c->op->name, strlen(c->op->name)) ||
      awsc_buf_puts(&w.body, "&Version=") ||
      form_encode(&w.body, version, strlen(version)))
    rc = AWSC_ENOMEM;
  if (!rc && input && c->op->input)
    rc = q_structure(&w, input, c->op->input);
  if (!rc) {
    c->out->body = awsc_arena_memdup0(c->arena, w.body.p, w.body.len);
    c->out->body_len = w.body.len;
    if (!c->out->body)
      rc = AWSC_ENOMEM;
  }
  if (!rc)
    rc = ser_set_header(c, "Content-Type",
                        "application/x-www-form-urlencoded; charset=utf-8", 48);
  awsc_pws_give(c->ws, AWSC_PWS_BODY, &w.body);
  awsc_pws_give(c->ws, AWSC_PWS_KEY, &w.key);
  if (rc == AWSC_ENOMEM)
    return ser_oom(c);
  return rc;
}
