/* lib/protocols/serialize_rest.c - what rest-xml and rest-json share
 * (botocore BaseRestSerializer): members partitioned by location into the
 * URI template, the query string, headers and the body/payload. */
#include <string.h>

#include "protocols/serialize_internal.h"
#include "runtime/jtree.h"

typedef struct label {
  const char *name; /* wire name used in the template */
  size_t name_len;
  const char *value; /* unencoded text */
  size_t len;
} label;

typedef struct rest_parts {
  label *labels;
  size_t n_labels;
  awsc_kv *body; /* body members, caller order */
  size_t n_body;
} rest_parts;

/* botocore's _get_uri_and_query_string_value: booleans lower-case,
 * timestamps iso8601 unless the member says otherwise, floats as repr,
 * the rest as str(). Text lands in the arena. */
static int uri_text(ser_ctx *c, const awsc_value *v, const awsc_member *m,
                    const char **p, size_t *n) {
  char scratch[64];
  if (v->type == AWSC_V_STRING || v->type == AWSC_V_BLOB) {
    *p = v->u.s.p;
    *n = v->u.s.n;
    return 0;
  }
  awsc_value tv = *v;
  /* A timestamp member given as a plain number is epoch seconds. */
  if (m && m->shape->type == AWSC_SHAPE_TIMESTAMP && v->type == AWSC_V_INT) {
    tv.type = AWSC_V_TIMESTAMP;
    tv.u.i = v->u.i * 1000;
  }
  if (ser_scalar_text(&tv,
                      ser_ts_format(m, m ? m->shape : NULL, AWSC_TS_ISO8601),
                      scratch, p, n))
    return ser_fail(c, AWSC_EVALIDATION, "Invalid type for parameter %s",
                    m ? m->name : "?");
  *p = awsc_arena_memdup0(c->arena, *p, *n);
  return *p ? 0 : ser_oom(c);
}

/* A string inside a list header: quoted when it holds '"' or ','. */
static int header_list_string(awsc_buf *b, const char *s, size_t n) {
  if (!memchr(s, '"', n) && !memchr(s, ',', n))
    return awsc_buf_append(b, s, n);
  if (awsc_buf_putc(b, '"'))
    return AWSC_ENOMEM;
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '"' && awsc_buf_putc(b, '\\'))
      return AWSC_ENOMEM;
    if (awsc_buf_putc(b, s[i]))
      return AWSC_ENOMEM;
  }
  return awsc_buf_putc(b, '"');
}

/* botocore's _convert_header_value of a scalar: text in *p, *n (in
 * scratch, >= 64 bytes, or the value). */
static int header_scalar(ser_ctx *c, const awsc_value *v, const awsc_member *m,
                         const awsc_shape *sh, char *scratch, const char **p,
                         size_t *n) {
  awsc_value tv = *v;
  if (sh->type == AWSC_SHAPE_TIMESTAMP) {
    if (v->type == AWSC_V_INT) {
      tv.type = AWSC_V_TIMESTAMP;
      tv.u.i = v->u.i * 1000;
    }
    /* header timestamps are whole seconds in every format */
    if (tv.type == AWSC_V_TIMESTAMP) {
      int64_t ms = tv.u.i;
      tv.u.i = (ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000)) * 1000;
    }
  }
  if (ser_scalar_text(&tv, ser_ts_format(m, sh, AWSC_TS_RFC822), scratch, p, n))
    return ser_fail(c, AWSC_EVALIDATION, "Invalid type for header %s",
                    m ? awsc_member_wire_name(m) : "?");
  return 0;
}

/* Whether header_text needs a buffer (else header_scalar does it). */
static bool header_needs_buf(const awsc_value *v, const awsc_member *m,
                             const awsc_shape *sh) {
  return v->type == AWSC_V_LIST ||
         (sh->type == AWSC_SHAPE_STRING && m && (m->flags & AWSC_MF_JSONVALUE));
}

/* botocore's _convert_header_value, appended to b. */
static int header_text(ser_ctx *c, awsc_buf *b, const awsc_value *v,
                       const awsc_member *m, const awsc_shape *sh) {
  char scratch[64];
  const char *p;
  size_t n;
  if (sh->type == AWSC_SHAPE_STRING && m && (m->flags & AWSC_MF_JSONVALUE)) {
    awsc_buf js = AWSC_BUF_INIT;
    int rc = ser_json_value(&js, v, NULL, true);
    if (!rc) {
      const char *b64 = ser_base64(c, js.p ? js.p : "", js.len, &n);
      rc = b64 ? awsc_buf_append(b, b64, n) : AWSC_ENOMEM;
    }
    awsc_buf_free(&js);
    return rc;
  }
  if (v->type == AWSC_V_LIST) {
    const awsc_member *el =
        sh->type == AWSC_SHAPE_LIST ? sh->list_member : NULL;
    bool first = true;
    for (size_t i = 0; i < v->u.list.n; i++) {
      const awsc_value *it = &v->u.list.items[i];
      if (it->type == AWSC_V_NULL)
        continue;
      if (!first && awsc_buf_putc(b, ','))
        return AWSC_ENOMEM;
      first = false;
      int rc;
      if (el && el->shape->type == AWSC_SHAPE_STRING &&
          it->type == AWSC_V_STRING)
        rc = header_list_string(b, it->u.s.p, it->u.s.n);
      else
        rc = header_text(c, b, it, el, el ? el->shape : sh);
      if (rc)
        return rc;
    }
    return 0;
  }
  int rc = header_scalar(c, v, m, sh, scratch, &p, &n);
  return rc ? rc : awsc_buf_append(b, p, n);
}

static int set_query_member(ser_ctx *c, const awsc_member *m,
                            const awsc_value *v) {
  const char *name = awsc_member_wire_name(m);
  const char *p;
  size_t n;
  int rc;
  if (v->type == AWSC_V_MAP) {
    /* a map of string (or list of string) spreads its own pairs */
    for (size_t i = 0; i < v->u.map.n; i++) {
      const awsc_kv *kv = &v->u.map.items[i];
      ser_remove_query(c, kv->key);
      if (kv->value.type == AWSC_V_LIST) {
        for (size_t k = 0; k < kv->value.u.list.n; k++) {
          const awsc_value *it = &kv->value.u.list.items[k];
          if ((rc = uri_text(c, it, NULL, &p, &n)) ||
              (rc = ser_add_query(c, kv->key, kv->key_len, p, n)))
            return rc;
        }
      } else if (kv->value.type != AWSC_V_NULL) {
        if ((rc = uri_text(c, &kv->value, NULL, &p, &n)) ||
            (rc = ser_add_query(c, kv->key, kv->key_len, p, n)))
          return rc;
      }
    }
    return 0;
  }
  ser_remove_query(c, name);
  if (v->type == AWSC_V_LIST) {
    const awsc_member *el =
        m->shape->type == AWSC_SHAPE_LIST ? m->shape->list_member : m;
    for (size_t k = 0; k < v->u.list.n; k++) {
      if ((rc = uri_text(c, &v->u.list.items[k], el, &p, &n)) ||
          (rc = ser_add_query(c, name, strlen(name), p, n)))
        return rc;
    }
    return 0;
  }
  if ((rc = uri_text(c, v, m, &p, &n)))
    return rc;
  return ser_add_query(c, name, strlen(name), p, n);
}

static int partition(ser_ctx *c, const awsc_value *input, rest_parts *parts) {
  const awsc_shape *sh = c->op->input;
  size_t cnt = input ? input->u.map.n : 0;
  if (!cnt)
    return 0;
  parts->labels = awsc_arena_calloc(c->arena, cnt, sizeof *parts->labels);
  parts->body = awsc_arena_calloc(c->arena, cnt, sizeof *parts->body);
  if (!parts->labels || !parts->body)
    return ser_oom(c);
  awsc_buf hb = awsc_pws_take(c->ws, AWSC_PWS_BODY);
  int rc = 0;
  uint32_t hint = 0;
  for (size_t i = 0; i < cnt && !rc; i++) {
    const awsc_kv *kv = &input->u.map.items[i];
    if (kv->value.type == AWSC_V_NULL)
      continue;
    const awsc_member *m =
        awsc_shape_find_member_hint(sh, kv->key, kv->key_len, &hint);
    if (!m) {
      rc = ser_fail(c, AWSC_EVALIDATION, "Unknown parameter in input: \"%s\"",
                    kv->key);
      break;
    }
    const char *wire = awsc_member_wire_name(m);
    switch (m->location) {
    case AWSC_LOC_URI: {
      label *l = &parts->labels[parts->n_labels];
      l->name = wire;
      l->name_len = strlen(wire);
      if (!(rc = uri_text(c, &kv->value, m, &l->value, &l->len)))
        parts->n_labels++;
      break;
    }
    case AWSC_LOC_QUERYSTRING:
      rc = set_query_member(c, m, &kv->value);
      break;
    case AWSC_LOC_HEADER:
      if (kv->value.type == AWSC_V_LIST && kv->value.u.list.n == 0)
        break; /* empty lists are not sent */
      if (!header_needs_buf(&kv->value, m, m->shape)) {
        char scratch[64];
        const char *p;
        size_t n;
        rc = header_scalar(c, &kv->value, m, m->shape, scratch, &p, &n);
        if (!rc)
          rc = ser_set_header(c, wire, p, n);
        break;
      }
      awsc_buf_reset(&hb);
      rc = header_text(c, &hb, &kv->value, m, m->shape);
      if (!rc)
        rc = ser_set_header(c, wire, hb.p ? hb.p : "", hb.len);
      break;
    case AWSC_LOC_HEADERS:
      if (kv->value.type != AWSC_V_MAP)
        break;
      for (size_t k = 0; k < kv->value.u.map.n && !rc; k++) {
        const awsc_kv *h = &kv->value.u.map.items[k];
        const char *p;
        size_t n;
        awsc_buf_reset(&hb);
        if ((rc = uri_text(c, &h->value, NULL, &p, &n)))
          break;
        if (awsc_buf_puts(&hb, wire) ||
            awsc_buf_append(&hb, h->key, h->key_len)) {
          rc = AWSC_ENOMEM;
          break;
        }
        rc = ser_set_header_copy(c, hb.p, p, n);
      }
      break;
    default:
      parts->body[parts->n_body++] = *kv;
      break;
    }
  }
  awsc_pws_give(c->ws, AWSC_PWS_BODY, &hb);
  return rc == AWSC_ENOMEM ? ser_oom(c) : rc;
}

/* Percent-decode s[0..n) into out (n + 1 bytes); -1 on a bad escape. */
static long uri_decode_to(char *out, const char *s, size_t n) {
  char *o = out;
  for (size_t i = 0; i < n; i++) {
    if (s[i] != '%') {
      *o++ = s[i];
      continue;
    }
    int hi = n - i < 3 ? -1 : awsc_hex_value((unsigned char)s[i + 1]);
    int lo = n - i < 3 ? -1 : awsc_hex_value((unsigned char)s[i + 2]);
    if (hi < 0 || lo < 0)
      return -1;
    *o++ = (char)(hi << 4 | lo);
    i += 2;
  }
  *o = '\0';
  return (long)(o - out);
}

/* Split "path?a=1&b" into the path and literal query pairs. `uri` is
 * copied, unless it is the caller's arena text (then it is cut in place). */
static int set_path_and_literal_query(ser_ctx *c, char *uri, size_t len,
                                      bool own) {
  const char *q = memchr(uri, '?', len);
  size_t plen = q ? (size_t)(q - uri) : len;
  if (!q) {
    c->out->path = own ? uri : awsc_arena_memdup0(c->arena, uri, plen);
    return c->out->path ? 0 : ser_oom(c);
  }
  size_t before = c->out->query_count;
  const char *p = q + 1, *end = uri + len;
  /* decoded text never grows: one piece of scratch for every pair */
  char stack[256];
  size_t qlen = (size_t)(end - p);
  char *dec =
      qlen < sizeof stack ? stack : awsc_arena_alloc(c->arena, qlen + 1);
  if (!dec)
    return ser_oom(c);
  int rc = 0;
  while (p < end && !rc) {
    const char *amp = memchr(p, '&', (size_t)(end - p));
    const char *seg_end = amp ? amp : end;
    if (seg_end > p) {
      const char *eq = memchr(p, '=', (size_t)(seg_end - p));
      size_t kl = (size_t)((eq ? eq : seg_end) - p);
      long kn = uri_decode_to(dec, p, kl);
      long vn = 0;
      if (kn >= 0 && eq)
        vn = uri_decode_to(dec + kn + 1, eq + 1, (size_t)(seg_end - eq - 1));
      if (kn < 0 || vn < 0) {
        rc = ser_fail(c, AWSC_EVALIDATION, "bad query in request URI");
        break;
      }
      rc = ser_add_query(c, dec, (size_t)kn, eq ? dec + kn + 1 : NULL,
                         (size_t)vn);
    }
    p = amp ? amp + 1 : end;
  }
  if (!rc) {
    c->out->path = own ? uri : awsc_arena_memdup0(c->arena, uri, plen);
    if (!c->out->path)
      return ser_oom(c);
    if (own)
      uri[plen] = '\0';
  }
  if (!rc && before) {
    /* the template's literal pairs come first in botocore's URL: rotate
     * them in front of the members' pairs added earlier */
    awsc_http_header *qv = c->out->query;
    size_t total = c->out->query_count, lit = total - before;
    awsc_http_header *tmp = awsc_arena_alloc(c->arena, total * sizeof *tmp);
    if (!tmp)
      return ser_oom(c);
    memcpy(tmp, qv + before, lit * sizeof *tmp);
    memcpy(tmp + lit, qv, before * sizeof *tmp);
    memcpy(qv, tmp, total * sizeof *tmp);
  }
  return rc;
}

/* The label of the template named open[1..nl], or NULL. */
static const label *find_label(const rest_parts *parts, const char *name,
                               size_t nl) {
  const label *l = NULL;
  for (size_t i = 0; i < parts->n_labels; i++)
    if (parts->labels[i].name_len == nl &&
        memcmp(parts->labels[i].name, name, nl) == 0)
      l = &parts->labels[i];
  return l;
}

/* The label of template text "{name}" at open..close (greedy: "{name+}"),
 * or a validation error. */
static int template_label(ser_ctx *c, const rest_parts *parts, const char *open,
                          const char *close, bool *greedy, const label **out) {
  size_t nl = (size_t)(close - open - 1);
  *greedy = nl && open[nl] == '+';
  if (*greedy)
    nl--;
  *out = find_label(parts, open + 1, nl);
  if (*out)
    return 0;
  const awsc_member *m =
      awsc_shape_find_member_by_wire_name(c->op->input, open + 1, nl);
  return ser_fail(c, AWSC_EVALIDATION,
                  "Missing required parameter in input: \"%s\"",
                  m ? m->name : "(URI label)");
}

/* The template with its labels substituted, written once into the arena:
 * a first pass bounds the size (encoding at most triples a label). */
static int render_uri(ser_ctx *c, const rest_parts *parts) {
  const char *tpl = c->op->request_uri ? c->op->request_uri : "/";
  size_t bound = strlen(tpl) + 2;
  for (int pass = 0; pass < 2; pass++) {
    char *out = pass ? awsc_arena_alloc(c->arena, bound) : NULL;
    if (pass && !out)
      return ser_oom(c);
    char *w = out;
    const char *t = tpl;
    while (*t) {
      const char *open = strchr(t, '{');
      const char *close = open ? strchr(open, '}') : NULL;
      if (!open || !close) {
        if (pass) {
          size_t rest = strlen(t);
          memcpy(w, t, rest);
          w += rest;
        }
        break;
      }
      if (pass) {
        memcpy(w, t, (size_t)(open - t));
        w += open - t;
      }
      bool greedy;
      const label *l;
      int rc = template_label(c, parts, open, close, &greedy, &l);
      if (rc)
        return rc;
      if (!pass && l->len > (SIZE_MAX - bound) / 3)
        return ser_oom(c);
      if (pass)
        w = awsc_uri_encode_to(w, l->value, l->len, greedy);
      else
        bound += 3 * l->len;
      t = close + 1;
    }
    if (pass) {
      if (w == out) /* an empty template is the root */
        *w++ = '/';
      *w = '\0';
      return set_path_and_literal_query(c, out, (size_t)(w - out), true);
    }
  }
  return 0;
}

static int set_body(ser_ctx *c, awsc_buf *b) {
  c->out->body = awsc_arena_memdup0(c->arena, b->p ? b->p : "", b->len);
  c->out->body_len = b->len;
  return c->out->body ? 0 : ser_oom(c);
}

static int serialize_body(ser_ctx *c, const awsc_value *input,
                          const rest_parts *parts, bool *raw_payload) {
  const awsc_shape *sh = c->op->input;
  bool xml = c->svc->protocol == AWSC_PROTO_REST_XML;
  int rc = 0;
  *raw_payload = false;
  const awsc_member *pm =
      sh->payload_index >= 0 ? &sh->members[sh->payload_index] : NULL;
  const awsc_value *pv = pm ? awsc_value_get(input, pm->name) : NULL;
  if (pv && pv->type == AWSC_V_NULL)
    pv = NULL;
  if (pm) {
    if (pm->shape->type == AWSC_SHAPE_BLOB ||
        pm->shape->type == AWSC_SHAPE_STRING) {
      *raw_payload = true;
      if (pv && pv->type == AWSC_V_STREAM) {
        c->out->payload_stream = pv;
        return 0;
      }
      if (pv && (pv->type == AWSC_V_STRING || pv->type == AWSC_V_BLOB)) {
        c->out->body = pv->u.s.p;
        c->out->body_len = pv->u.s.n;
        if (pm->flags & AWSC_MF_STREAMING)
          c->out->payload_stream = pv;
      } else {
        c->out->body = "";
        c->out->body_len = 0;
      }
      return 0;
    }
  }
  awsc_buf b = awsc_pws_take(c->ws, AWSC_PWS_BODY);
  if (pm) {
    if (pv) {
      if (xml) {
        const char *root = pm->location_name ? pm->location_name : pm->name;
        rc = ser_rest_xml_body(c, pv, pm->shape, root, pm->xml_ns_uri,
                               pm->xml_ns_prefix, &b);
      } else {
        rc = ser_rest_json_body(c, pv, pm->shape, &b);
      }
    } else if (!xml) {
      rc = awsc_buf_puts(&b, "{}");
    }
  } else if (parts->n_body) {
    awsc_value body = {.type = AWSC_V_MAP};
    body.u.map.items = parts->body;
    body.u.map.n = parts->n_body;
    if (xml) {
      const char *root = sh->location_name ? sh->location_name : sh->name;
      rc = ser_rest_xml_body(c, &body, sh, root, sh->xml_ns_uri,
                             sh->xml_ns_prefix, &b);
    } else {
      rc = ser_rest_json_body(c, &body, sh, &b);
    }
  } else if (!xml) {
    /* rest-json sends "{}" when the input has any body member at all */
    for (uint32_t i = 0; i < sh->member_count; i++)
      if (sh->members[i].location == AWSC_LOC_BODY) {
        rc = awsc_buf_puts(&b, "{}");
        break;
      }
  }
  if (!rc)
    rc = set_body(c, &b);
  awsc_pws_give(c->ws, AWSC_PWS_BODY, &b);
  return rc == AWSC_ENOMEM ? ser_oom(c) : rc;
}

int ser_rest(ser_ctx *c, const awsc_value *input) {
  const awsc_shape *sh = c->op->input;
  if (!sh || sh->type != AWSC_SHAPE_STRUCTURE) {
    const char *uri = c->op->request_uri ? c->op->request_uri : "/";
    return set_path_and_literal_query(c, (char *)uri, strlen(uri), false);
  }
  rest_parts parts = {0};
  int rc = partition(c, input, &parts);
  if (!rc)
    rc = render_uri(c, &parts);
  bool raw_payload = false;
  if (!rc)
    rc = serialize_body(c, input, &parts, &raw_payload);
  if (!rc && c->svc->protocol == AWSC_PROTO_REST_JSON && !raw_payload &&
      c->out->body_len > 0 && !ser_get_header(c, "Content-Type"))
    rc = ser_set_header(c, "Content-Type", "application/json", 16);
  return rc;
}
