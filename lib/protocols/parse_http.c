/*
 * lib/protocols/parse_http.c - members bound to the HTTP message (rest
 * protocols): headers, header-prefix maps, the status code.
 */
#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "protocols/parse_internal.h"

/* ------------------------------------------------------------------ */
/* HTTP-bound members                                                   */

/* ASCII case folding inline: header lookups run for every header member
 * of every response (41 for GetObject), so no locale calls here. */
static inline unsigned char ascii_lower(unsigned char ch) {
  return (unsigned char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
}

static bool name_ieq(const char *a, const char *b) {
  for (; *a && *b; a++, b++)
    if (*a != *b &&
        ascii_lower((unsigned char)*a) != ascii_lower((unsigned char)*b))
      return false;
  return *a == *b;
}

const char *awsc_presp_header(const awsc_raw_response *r, const char *name) {
  for (size_t i = 0; i < r->header_count; i++)
    if (r->headers[i].name && name_ieq(r->headers[i].name, name))
      return r->headers[i].value ? r->headers[i].value : "";
  return NULL;
}

static bool has_iprefix(const char *s, const char *prefix, size_t plen) {
  for (size_t i = 0; i < plen; i++) {
    if (!s[i] ||
        tolower((unsigned char)s[i]) != tolower((unsigned char)prefix[i]))
      return false;
  }
  return true;
}

/* One header item; *pos advances past the item and its comma. Quoted
 * items ("a, b") keep their commas and lose the quotes and escapes, as
 * the Smithy HTTP binding tests expect. */
static int next_list_item(awsc_pctx *c, const char *s, size_t n, size_t *pos,
                          const char **ip, size_t *in) {
  size_t i = *pos;
  while (i < n && (s[i] == ' ' || s[i] == '\t'))
    i++;
  if (i < n && s[i] == '"') {
    awsc_buf_reset(&c->scratch);
    i++;
    while (i < n && s[i] != '"') {
      if (s[i] == '\\' && i + 1 < n)
        i++;
      if (awsc_buf_putc(&c->scratch, s[i]) != AWSC_OK)
        return AWSC_ENOMEM;
      i++;
    }
    if (i < n)
      i++;
    while (i < n && s[i] != ',')
      i++;
    *ip = c->scratch.p ? c->scratch.p : "";
    *in = c->scratch.len;
  } else {
    size_t st = i;
    while (i < n && s[i] != ',')
      i++;
    const char *p = s + st;
    size_t len = i - st;
    awsc_ptrim(&p, &len);
    *ip = p;
    *in = len;
  }
  if (i < n && s[i] == ',')
    i++;
  *pos = i;
  return 0;
}

static bool is_day_name(const char *p, size_t n) {
  static const char *days[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  if (n != 3)
    return false;
  for (size_t i = 0; i < 7; i++)
    if (awsc_pieq(p, n, days[i]))
      return true;
  return false;
}

/* A scalar read from header text v (n bytes): referenced when the text
 * outlives the output (c->headers_kept) and the scalar is a string that
 * ends where v does (so it is NUL-terminated), else put as a copy. */
static int put_header_scalar(awsc_pctx *c, const awsc_pscalar *sc,
                             const char *v, size_t n) {
  if (c->headers_kept && sc->type == AWSC_V_STRING) {
    uintptr_t p = (uintptr_t)sc->u.s.p, b = (uintptr_t)v;
    if (p >= b && p + sc->u.s.n == b + n)
      return awsc_vb_string_ref(c->b, sc->u.s.p, sc->u.s.n);
  }
  return awsc_pscalar_put(c, sc);
}

static int put_header_list(awsc_pctx *c, const awsc_member *m, const char *v) {
  const awsc_shape *item =
      m->shape->list_member ? m->shape->list_member->shape : NULL;
  int rc = awsc_vb_key_ref(c->b, m->name, strlen(m->name));
  if (rc == 0)
    rc = awsc_vb_begin_list(c->b);
  if (rc != 0)
    return rc;
  size_t n = strlen(v), pos = 0;
  while (item && pos < n) {
    const char *ip;
    size_t in;
    if ((rc = next_list_item(c, v, n, &pos, &ip, &in)) != 0)
      return rc;
    awsc_pscalar sc;
    if (item->type == AWSC_SHAPE_TIMESTAMP && ip >= v && ip < v + n &&
        is_day_name(ip, in)) {
      /* An HTTP date carries a comma of its own: "Mon, 16 Dec 2019 ..." */
      size_t st = (size_t)(ip - v), end = pos;
      while (end < n && v[end] != ',')
        end++;
      ip = v + st;
      in = end - st;
      pos = end < n ? end + 1 : end;
    }
    rc = awsc_pscalar_from_text(c, item, ip, in, AWSC_PSRC_HEADER, &sc);
    if (rc < 0)
      return rc;
    if (rc == 0 && (rc = awsc_pscalar_put(c, &sc)) != 0)
      return rc;
  }
  return awsc_vb_end(c->b);
}

static int put_header(awsc_pctx *c, const awsc_member *m, const char *v) {
  const awsc_shape *s = m->shape;
  if (!s)
    return 0;
  if (s->type == AWSC_SHAPE_LIST)
    return put_header_list(c, m, v);
  if (s->type == AWSC_SHAPE_STRING && (m->flags & AWSC_MF_JSONVALUE)) {
    int rc = awsc_pdecode_base64(c, v, strlen(v));
    if (rc < 0 && rc != AWSC_EPARSE)
      return rc;
    if (rc != 0)
      return 0;
    /* The decoded JSON is parsed from a copy: scratch is reused below. */
    char *json = awsc_arena_strndup(c->arena, c->scratch.p, c->scratch.len);
    if (!json)
      return AWSC_ENOMEM;
    if ((rc = awsc_vb_key_ref(c->b, m->name, strlen(m->name))) != 0)
      return rc;
    return awsc_parse_json_document(c, json, strlen(json));
  }
  awsc_pscalar sc;
  size_t vn = strlen(v);
  int rc = awsc_pscalar_from_text(c, s, v, vn, AWSC_PSRC_HEADER, &sc);
  if (rc != 0)
    return rc < 0 ? rc : 0;
  if ((rc = awsc_vb_key_ref(c->b, m->name, strlen(m->name))) != 0)
    return rc;
  return put_header_scalar(c, &sc, v, vn);
}

static int put_header_map(awsc_pctx *c, const awsc_member *m,
                          const awsc_raw_response *r) {
  const char *prefix = m->location_name ? m->location_name : "";
  size_t plen = strlen(prefix);
  const awsc_shape *vs =
      m->shape && m->shape->map_value ? m->shape->map_value->shape : NULL;
  int rc = awsc_vb_key_ref(c->b, m->name, strlen(m->name));
  if (rc == 0)
    rc = awsc_vb_begin_map(c->b);
  if (rc != 0)
    return rc;
  for (size_t i = 0; i < r->header_count; i++) {
    const char *name = r->headers[i].name;
    if (!name || !has_iprefix(name, prefix, plen))
      continue;
    const char *v = r->headers[i].value ? r->headers[i].value : "";
    size_t vn = strlen(v);
    awsc_pscalar sc = {AWSC_V_STRING, {.s = {v, vn}}};
    if (vs && vs->type != AWSC_SHAPE_STRING) {
      rc = awsc_pscalar_from_text(c, vs, v, vn, AWSC_PSRC_HEADER, &sc);
      if (rc < 0)
        return rc;
      if (rc > 0)
        continue;
    }
    /* The key is the rest of the header name, as botocore; header names
     * reach us lower-cased (awsc_raw_response), so S3's x-amz-meta-*
     * keys come out lower-case. */
    const char *key = name + plen;
    int kr = c->headers_kept ? awsc_vb_key_ref(c->b, key, strlen(key))
                             : awsc_vb_key(c->b, key, strlen(key));
    if ((rc = kr) != 0 || (rc = put_header_scalar(c, &sc, v, vn)) != 0)
      return rc;
  }
  return awsc_vb_end(c->b);
}

/* Members looked up per response header through the shape's index
 * (parse.c, kept in the caller's workspace between calls): one pass over
 * the dozen headers of a response, not a search among them for each
 * header member (GetObjectOutput has 41). The output keeps model order:
 * the members found are kept sorted and merged with the header maps and
 * the status code. Up to this many headers are handled on the stack. */
#define HITS_STACK_MAX 64

typedef struct http_hit {
  uint32_t member;
  uint32_t header;
} http_hit;

/* Insert (member, header) in hits[0..*n) sorted by member; a member
 * already there keeps its first header. */
static void hit_insert(http_hit *hits, size_t *n, uint32_t member,
                       uint32_t header) {
  size_t i = *n;
  while (i > 0 && hits[i - 1].member > member) {
    hits[i] = hits[i - 1];
    i--;
  }
  if (i > 0 && hits[i - 1].member == member) {
    memmove(&hits[i], &hits[i + 1], (*n - i) * sizeof(*hits));
    return;
  }
  hits[i].member = member;
  hits[i].header = header;
  (*n)++;
}

static int put_http_member(awsc_pctx *c, const awsc_member *m,
                           const awsc_raw_response *r, const char *v) {
  int rc = 0;
  switch (m->location) {
  case AWSC_LOC_HEADER:
    rc = put_header(c, m, v ? v : "");
    break;
  case AWSC_LOC_HEADERS:
    rc = put_header_map(c, m, r);
    break;
  case AWSC_LOC_STATUS_CODE:
    rc = awsc_vb_key_ref(c->b, m->name, strlen(m->name));
    if (rc == 0)
      rc = awsc_vb_int(c->b, r->status);
    break;
  default:
    break;
  }
  return rc;
}

int awsc_parse_http_members(awsc_pctx *c, const awsc_shape *shape,
                            const awsc_raw_response *r) {
  if (!shape || shape->type != AWSC_SHAPE_STRUCTURE)
    return 0;
  const awsc_pindex *ix = awsc_pindex_get(c, shape);
  if (!ix)
    return AWSC_ENOMEM;
  if (ix->http_count == 0)
    return 0;
  http_hit stack_hits[HITS_STACK_MAX];
  http_hit *hits = stack_hits;
  if (r->header_count > HITS_STACK_MAX) {
    awsc_arena *t = awsc_pctx_tmp(c);
    hits = t ? awsc_arena_alloc(t, r->header_count * sizeof(*hits)) : NULL;
    if (!hits)
      return AWSC_ENOMEM;
  }
  size_t nh = 0;
  if (ix->http_count > ix->other_count)
    for (size_t i = 0; i < r->header_count; i++) {
      const char *name = r->headers[i].name;
      if (!name)
        continue;
      int mi = awsc_pindex_find_header(ix, name, strlen(name));
      if (mi >= 0)
        hit_insert(hits, &nh, (uint32_t)mi, (uint32_t)i);
    }
  /* the members found, the header maps and the status code (a body's
   * members may follow and grow it further) */
  int rr = awsc_vb_reserve(c->b, nh + ix->other_count);
  if (rr)
    return rr;
  size_t h = 0, o = 0;
  while (h < nh || o < ix->other_count) {
    int rc;
    if (o == ix->other_count || (h < nh && hits[h].member < ix->other[o])) {
      rc = put_http_member(c, &shape->members[hits[h].member], r,
                           r->headers[hits[h].header].value);
      h++;
    } else {
      rc = put_http_member(c, &shape->members[ix->other[o]], r, NULL);
      o++;
    }
    if (rc != 0)
      return rc;
  }
  return 0;
}
