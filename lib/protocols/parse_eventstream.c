/*
 * lib/protocols/parse_eventstream.c - a complete event-stream body
 * (application/vnd.amazon.eventstream) turned into a list of events.
 *
 * The pipeline streams event streams from the network; this decodes one
 * that is fully in memory (tests, small responses), giving what
 * botocore's EventStream yields: [{EventType: {members}}, ...].
 *
 * Message layout (big-endian): total length u32, headers length u32,
 * prelude CRC32 u32, headers, payload, message CRC32 u32. A header is
 * name length u8, name, type u8, value (0 true, 1 false, 2 i8, 3 i16,
 * 4 i32, 5 i64, 6 bytes u16+data, 7 string u16+data, 8 timestamp i64 ms,
 * 9 uuid 16 bytes).
 *
 * Event members marked eventheader come from the message headers, the
 * eventpayload member is the payload; without an eventpayload member
 * the payload is a document holding the other members.
 */
#include <string.h>

#include "protocols/parse_internal.h"

typedef struct es_header {
  const char *name;
  size_t name_len;
  uint8_t type;
  int64_t i;
  const char *p; /* bytes/string/uuid */
  size_t n;
} es_header;

#define ES_MAX_HEADERS 64

static uint32_t be32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
         (uint32_t)p[3];
}

static int64_t be_int(const unsigned char *p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; i++)
    v = v << 8 | p[i];
  /* sign-extend */
  if (n < 8 && (v >> (n * 8 - 1)) & 1)
    v |= ~0ull << (n * 8);
  return (int64_t)v;
}

static int parse_headers(awsc_pctx *c, const unsigned char *p, size_t n,
                         es_header *h, size_t *count) {
  size_t i = 0, k = 0;
  static const uint8_t fixed[] = {0, 0, 1, 2, 4, 8, 0, 0, 8, 16};
  while (i < n) {
    if (k == ES_MAX_HEADERS)
      return awsc_perr(c, "event stream message with too many headers");
    size_t nl = p[i++];
    if (i + nl + 1 > n)
      return awsc_perr(c, "truncated event stream header");
    h[k].name = (const char *)p + i;
    h[k].name_len = nl;
    i += nl;
    uint8_t t = p[i++];
    h[k].type = t;
    h[k].p = NULL;
    h[k].n = 0;
    h[k].i = 0;
    if (t > 9)
      return awsc_perr(c, "unknown event stream header type %u", t);
    if (t == 6 || t == 7) {
      if (i + 2 > n)
        return awsc_perr(c, "truncated event stream header");
      size_t vl = (size_t)p[i] << 8 | p[i + 1];
      i += 2;
      if (i + vl > n)
        return awsc_perr(c, "truncated event stream header");
      h[k].p = (const char *)p + i;
      h[k].n = vl;
      i += vl;
    } else {
      size_t vl = fixed[t];
      if (i + vl > n)
        return awsc_perr(c, "truncated event stream header");
      if (t == 0 || t == 1)
        h[k].i = t == 0;
      else if (t == 9) {
        h[k].p = (const char *)p + i;
        h[k].n = 16;
      } else
        h[k].i = be_int(p + i, vl);
      i += vl;
    }
    k++;
  }
  *count = k;
  return 0;
}

static const es_header *find_header(const es_header *h, size_t n,
                                    const char *name) {
  size_t l = strlen(name);
  for (size_t i = 0; i < n; i++)
    if (h[i].name_len == l && memcmp(h[i].name, name, l) == 0)
      return &h[i];
  return NULL;
}

/* A header's value as a scalar of `s`. 1 when it does not fit. */
static int header_scalar(awsc_pctx *c, const awsc_shape *s, const es_header *h,
                         awsc_pscalar *out) {
  switch (h->type) {
  case 0:
  case 1:
    out->type = AWSC_V_BOOL;
    out->u.b = h->i != 0;
    return s->type == AWSC_SHAPE_BOOLEAN ? 0 : 1;
  case 2:
  case 3:
  case 4:
  case 5:
  case 8:
    if (s->type == AWSC_SHAPE_TIMESTAMP) {
      out->type = AWSC_V_TIMESTAMP;
      out->u.i = h->i; /* milliseconds on the wire */
      return 0;
    }
    if (s->type == AWSC_SHAPE_FLOAT || s->type == AWSC_SHAPE_DOUBLE) {
      out->type = AWSC_V_DOUBLE;
      out->u.d = (double)h->i;
      return 0;
    }
    out->type = AWSC_V_INT;
    out->u.i = h->i;
    return 0;
  case 6:
  case 9:
    out->type = AWSC_V_BLOB;
    out->u.s.p = h->p;
    out->u.s.n = h->n;
    return 0;
  default:
    if (s->type == AWSC_SHAPE_BLOB) {
      out->type = AWSC_V_BLOB;
      out->u.s.p = h->p;
      out->u.s.n = h->n;
      return 0;
    }
    return awsc_pscalar_from_text(c, s, h->p, h->n, AWSC_PSRC_HEADER, out);
  }
}

static int parse_payload_struct(awsc_pctx *c, const awsc_shape *s,
                                const char *p, size_t n) {
  static const awsc_xml_target root = {NULL, {NULL, NULL}, 0, false};
  if (n == 0)
    return 0;
  return c->xml ? awsc_parse_xml_struct(c, s, p, n, &root)
                : awsc_parse_json_struct(c, s, p, n);
}

/* One event of structure `es` into the builder (a MAP value). */
static int put_event(awsc_pctx *c, const awsc_shape *es, const es_header *h,
                     size_t nh, const char *payload, size_t plen) {
  int rc = awsc_vb_begin_map(c->b);
  bool has_payload_member = false;
  for (uint32_t i = 0; rc == 0 && i < es->member_count; i++) {
    const awsc_member *m = &es->members[i];
    if (!m->shape)
      continue;
    if (m->flags & AWSC_MF_EVENT_PAYLOAD) {
      has_payload_member = true;
      if ((rc = awsc_vb_key(c->b, m->name, strlen(m->name))) != 0)
        break;
      if (m->shape->type == AWSC_SHAPE_BLOB)
        rc = awsc_vb_blob(c->b, payload, plen);
      else if (m->shape->type == AWSC_SHAPE_STRING)
        rc = awsc_vb_string(c->b, payload, plen);
      else if (m->shape->type == AWSC_SHAPE_STRUCTURE) {
        rc = awsc_vb_begin_map(c->b);
        if (rc == 0)
          rc = parse_payload_struct(c, m->shape, payload, plen);
        if (rc == 0)
          rc = awsc_vb_end(c->b);
      } else
        rc = awsc_vb_null(c->b);
      continue;
    }
    if (!(m->flags & AWSC_MF_EVENT_HEADER))
      continue;
    const es_header *hv = find_header(h, nh, awsc_member_wire_name(m));
    if (!hv)
      continue;
    awsc_pscalar sc;
    int r = header_scalar(c, m->shape, hv, &sc);
    if (r < 0)
      return r;
    if (r > 0)
      continue;
    if ((rc = awsc_vb_key(c->b, m->name, strlen(m->name))) == 0)
      rc = awsc_pscalar_put(c, &sc);
  }
  if (rc == 0 && !has_payload_member)
    rc = parse_payload_struct(c, es, payload, plen);
  if (rc == 0)
    rc = awsc_vb_end(c->b);
  return rc;
}

static bool hv_is(const es_header *h, const char *s) {
  return h && (h->type == 7) && h->n == strlen(s) && memcmp(h->p, s, h->n) == 0;
}

int awsc_parse_event_stream(awsc_pctx *c, const awsc_shape *output,
                            const awsc_member *stream_member, const char *body,
                            size_t len) {
  const awsc_shape *ss = stream_member->shape;
  const unsigned char *p = (const unsigned char *)body;
  size_t i = 0;
  bool list_open = false;
  int rc = 0;
  es_header hdrs[ES_MAX_HEADERS];
  while (rc == 0 && i < len) {
    if (len - i < 16)
      return awsc_perr(c, "truncated event stream message");
    uint32_t total = be32(p + i), hl = be32(p + i + 4);
    if (total < 16 || total > len - i || hl > total - 16)
      return awsc_perr(c, "bad event stream message length");
    if (awsc_crc32(0, p + i, 8) != be32(p + i + 8) ||
        awsc_crc32(0, p + i, total - 4) != be32(p + i + total - 4))
      return awsc_perr(c, "event stream message fails its CRC");
    size_t nh = 0;
    if ((rc = parse_headers(c, p + i + 12, hl, hdrs, &nh)) != 0)
      return rc;
    const char *payload = body + i + 12 + hl;
    size_t plen = total - 16 - hl;
    i += total;
    const es_header *mt = find_header(hdrs, nh, ":message-type");
    const es_header *et = find_header(hdrs, nh, ":event-type");
    if (mt && !hv_is(mt, "event")) {
      const es_header *code = find_header(hdrs, nh, ":error-code");
      if (!code)
        code = find_header(hdrs, nh, ":exception-type");
      const es_header *msg = find_header(hdrs, nh, ":error-message");
      return awsc_perr(c, "event stream error: %.*s: %.*s",
                       code ? (int)code->n : 0, code ? code->p : "",
                       msg ? (int)msg->n : 0, msg ? msg->p : "");
    }
    if (!et || et->type != 7)
      continue;
    if (hv_is(et, "initial-response")) {
      /* json rpc: the output's other members */
      if (!list_open && !c->xml)
        rc = parse_payload_struct(c, output, payload, plen);
      continue;
    }
    if (!list_open) {
      if ((rc = awsc_vb_key(c->b, stream_member->name,
                            strlen(stream_member->name))) != 0 ||
          (rc = awsc_vb_begin_list(c->b)) != 0)
        return rc;
      list_open = true;
    }
    int mi = -1;
    for (uint32_t k = 0; k < ss->member_count; k++) {
      const char *w = awsc_member_wire_name(&ss->members[k]);
      if (strlen(w) == et->n && memcmp(w, et->p, et->n) == 0) {
        mi = (int)k;
        break;
      }
    }
    if (mi < 0 || !ss->members[mi].shape)
      continue; /* an event this model does not know */
    const awsc_member *em = &ss->members[mi];
    if ((rc = awsc_vb_begin_map(c->b)) != 0 ||
        (rc = awsc_vb_key(c->b, em->name, strlen(em->name))) != 0)
      return rc;
    if ((rc = put_event(c, em->shape, hdrs, nh, payload, plen)) != 0)
      return rc;
    rc = awsc_vb_end(c->b);
  }
  if (rc)
    return rc;
  if (!list_open) {
    if ((rc = awsc_vb_key(c->b, stream_member->name,
                          strlen(stream_member->name))) != 0 ||
        (rc = awsc_vb_begin_list(c->b)) != 0)
      return rc;
  }
  return awsc_vb_end(c->b);
}
