/*
 * lib/protocols/parse_http.c - members bound to the HTTP message (rest
 * protocols): headers, header-prefix maps, the status code.
 */
#include <stdint.h>
#include <string.h>

#include "awsc/types.h"
#include "protocols/parse_internal.h"
#include "runtime/jtree.h"

/* ------------------------------------------------------------------ */
/* HTTP-bound members                                                   */

static bool name_ieq(const char *a, const char *b) {
  for (; *a && *b; a++, b++)
    if (*a != *b && awsc_pascii_lower((unsigned char)*a) !=
                        awsc_pascii_lower((unsigned char)*b))
      return false;
  return *a == *b;
}

const char *awsc_presp_header(const awsc_raw_response *r, const char *name) {
  for (size_t i = 0; i < r->header_count; i++)
    if (r->headers[i].name && name_ieq(r->headers[i].name, name))
      return r->headers[i].value ? r->headers[i].value : "";
  return NULL;
}

/* Whether s starts with prefix (plen bytes), ASCII case folded: run for
 * every header of an answer whose output has a header map. */
static bool has_iprefix(const char *s, const char *prefix, size_t plen) {
  for (size_t i = 0; i < plen; i++) {
    if (s[i] != prefix[i] && awsc_pascii_lower((unsigned char)s[i]) !=
                                 awsc_pascii_lower((unsigned char)prefix[i]))
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

/* One entry of a header-prefix map (S3's x-amz-meta-*). */
typedef struct map_entry {
  const char *key; /* the rest of the header name, as botocore */
  const char *v;   /* the header's value, vn bytes */
  size_t vn;
  awsc_pscalar sc; /* v as the map's value shape (strings: v itself) */
} map_entry;

/* The next entry of the map with this prefix and value shape vs, from
 * header *i on (entries whose value is not of that type are skipped): 1
 * with *i past it, 0 at the end, or a negative AWSC_E*. */
static int map_entry_next(awsc_pctx *c, const awsc_raw_response *r,
                          const char *prefix, size_t plen, const awsc_shape *vs,
                          size_t *i, map_entry *e) {
  while (*i < r->header_count) {
    const awsc_http_header *h = &r->headers[(*i)++];
    if (!h->name || !has_iprefix(h->name, prefix, plen))
      continue;
    e->key = h->name + plen;
    e->v = h->value ? h->value : "";
    e->vn = strlen(e->v);
    e->sc.type = AWSC_V_STRING;
    e->sc.u.s.p = e->v;
    e->sc.u.s.n = e->vn;
    if (!vs || vs->type == AWSC_SHAPE_STRING)
      return 1;
    int rc =
        awsc_pscalar_from_text(c, vs, e->v, e->vn, AWSC_PSRC_HEADER, &e->sc);
    if (rc < 0)
      return rc;
    if (rc == 0)
      return 1;
  }
  return 0;
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
  size_t i = 0;
  map_entry e;
  while ((rc = map_entry_next(c, r, prefix, plen, vs, &i, &e)) > 0) {
    /* header names reach us lower-cased (awsc_raw_response), so S3's
     * x-amz-meta-* keys come out lower-case */
    int kr = c->headers_kept ? awsc_vb_key_ref(c->b, e.key, strlen(e.key))
                             : awsc_vb_key(c->b, e.key, strlen(e.key));
    if ((rc = kr) != 0 || (rc = put_header_scalar(c, &e.sc, e.v, e.vn)) != 0)
      return rc;
  }
  return rc < 0 ? rc : awsc_vb_end(c->b);
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

/* ------------------------------------------------------------------ */
/* The typed door's direct way (awsc_parse_http_typed)                 */

/* The scalar sc read as shape t from header text v (vn bytes, NUL after)
 * into the C field f, as typed.c writes the value the other way makes of
 * it: a string that ends where v does is referenced when the headers are
 * kept, any other string or blob is copied into the arena. */
static int typed_put(awsc_pctx *c, const awsc_shape *t, const awsc_pscalar *sc,
                     const char *v, size_t vn, void *f) {
  switch (t->type) {
  case AWSC_SHAPE_STRING:
  case AWSC_SHAPE_BLOB: {
    if (sc->type != AWSC_V_STRING && sc->type != AWSC_V_BLOB)
      return 0;
    const char *p = sc->u.s.p;
    size_t n = sc->u.s.n;
    uintptr_t pp = (uintptr_t)p, vp = (uintptr_t)v;
    if (!(c->headers_kept && sc->type == AWSC_V_STRING && pp >= vp &&
          pp + n == vp + vn) &&
        !(p = awsc_arena_memdup0(c->arena, p, n)))
      return AWSC_ENOMEM;
    if (t->type == AWSC_SHAPE_BLOB) {
      awsc_blob *b = f;
      b->data = p;
      b->len = n;
    } else {
      *(const char **)f = p;
    }
    return 0;
  }
  default:
    awsc_typed_put_number(t->type, f, sc->type, sc->u.i, sc->u.d,
                          sc->type == AWSC_V_BOOL && sc->u.b);
    return 0;
  }
}

/* A member's field, and its has_ flag for the kinds that have one. */
static int typed_member_put(awsc_pctx *c, const awsc_member *m,
                            const awsc_pscalar *sc, const char *v, size_t vn,
                            char *obj) {
  int rc = typed_put(c, m->shape, sc, v, vn, obj + m->offset);
  if (!rc && m->shape->type != AWSC_SHAPE_STRING &&
      m->shape->type != AWSC_SHAPE_BLOB && m->has_offset != UINT32_MAX)
    *(bool *)(obj + m->has_offset) = true;
  return rc;
}

/* A header member: dropped when its text is blank or not of its type. */
static int typed_header(awsc_pctx *c, const awsc_member *m, const char *v,
                        char *obj) {
  size_t vn = strlen(v);
  awsc_pscalar sc;
  int rc = awsc_pscalar_from_text(c, m->shape, v, vn, AWSC_PSRC_HEADER, &sc);
  if (rc != 0)
    return rc < 0 ? rc : 0;
  return typed_member_put(c, m, &sc, v, vn, obj);
}

/* A header-prefix map (S3's x-amz-meta-*): its entries in header order,
 * keyed by the rest of the header name; an empty map is still there. */
static int typed_header_map(awsc_pctx *c, const awsc_member *m,
                            const awsc_raw_response *r, char *obj) {
  const char *prefix = m->location_name ? m->location_name : "";
  size_t plen = strlen(prefix);
  const awsc_shape *ms = m->shape;
  const awsc_shape *vs = ms->map_value->shape;
  size_t n = 0;
  for (size_t i = 0; i < r->header_count; i++)
    n += r->headers[i].name && has_iprefix(r->headers[i].name, prefix, plen);
  size_t es = ms->c_size ? ms->c_size : 2 * sizeof(void *);
  char *items = awsc_arena_calloc(c->arena, n ? n : 1, es);
  if (!items)
    return AWSC_ENOMEM;
  size_t k = 0, i = 0;
  map_entry e;
  int rc = 0;
  while (k < n && (rc = map_entry_next(c, r, prefix, plen, vs, &i, &e)) > 0) {
    char *item = items + k * es;
    const char *key = e.key;
    if (!c->headers_kept && !(key = awsc_arena_strdup(c->arena, key)))
      return AWSC_ENOMEM;
    *(const char **)(item + ms->map_key->offset) = key;
    rc = typed_put(c, vs, &e.sc, e.v, e.vn, item + ms->map_value->offset);
    if (rc)
      return rc;
    k++;
  }
  if (rc < 0)
    return rc;
  *(const void **)(obj + m->offset) = items;
  *(size_t *)(obj + m->has_offset) = k;
  return 0;
}

static int typed_fill(awsc_pctx *c, const awsc_pindex *ix, const awsc_shape *s,
                      const awsc_raw_response *r, char *obj) {
  memset(obj, 0, s->c_size);
  int rc = 0;
  if (ix->http_count > ix->other_count) {
    /* the first header for a member wins, as awsc_parse_http_members'
     * hits keep it */
    uint64_t seen[AWSC_TYPED_DIRECT_MAX / 64] = {0};
    for (size_t i = 0; i < r->header_count && !rc; i++) {
      const char *name = r->headers[i].name;
      if (!name)
        continue;
      int mi = awsc_pindex_find_header(ix, name, strlen(name));
      if (mi < 0 || (seen[mi >> 6] >> (mi & 63)) & 1u)
        continue;
      seen[mi >> 6] |= (uint64_t)1 << (mi & 63);
      const char *v = r->headers[i].value ? r->headers[i].value : "";
      rc = typed_header(c, &s->members[mi], v, obj);
    }
  }
  for (size_t o = 0; o < ix->other_count && !rc; o++) {
    const awsc_member *m = &s->members[ix->other[o]];
    if (m->location == AWSC_LOC_HEADERS) {
      rc = typed_header_map(c, m, r, obj);
    } else if (m->location == AWSC_LOC_STATUS_CODE) {
      awsc_pscalar sc = {AWSC_V_INT, {.i = r->status}};
      rc = typed_member_put(c, m, &sc, "", 0, obj);
    }
  }
  return rc;
}

int awsc_parse_http_typed(const awsc_service *svc, const awsc_shape *shape,
                          const awsc_raw_response *resp, awsc_arena *arena,
                          awsc_proto_ws *ws, void *obj, awsc_error *err) {
  if (!svc || !shape || !resp || !arena || !obj ||
      shape->type != AWSC_SHAPE_STRUCTURE || !shape->c_size ||
      (svc->protocol != AWSC_PROTO_REST_XML &&
       svc->protocol != AWSC_PROTO_REST_JSON))
    return 1;
  awsc_pctx c;
  /* xml as awsc_parse_output_with_ws has it: the workspace's indexes
   * are kept for one kind */
  awsc_pctx_init_ws(&c, svc, arena, NULL, err,
                    svc->protocol == AWSC_PROTO_REST_XML, ws);
  c.headers_kept = resp->headers_kept;
  const awsc_pindex *ix = awsc_pindex_get(&c, shape);
  int rc = !ix                 ? AWSC_ENOMEM
           : !ix->typed_direct ? 1
                               : typed_fill(&c, ix, shape, resp, obj);
  awsc_pctx_cleanup(&c);
  if (rc == AWSC_ENOMEM)
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  return rc;
}
