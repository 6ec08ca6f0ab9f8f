/*
 * lib/protocols/parse.c - response parsing: the output entry point, the
 * per-structure member indexes, and the request id. Scalars are in
 * parse_scalar.c, HTTP-bound members in parse_http.c, bodies in
 * parse_xml.c / parse_json.c / parse_eventstream.c, errors in
 * parse_error.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "protocols/parse_internal.h"
#include "protocols/ws_internal.h"

/* ------------------------------------------------------------------ */
/* context                                                              */

void awsc_pctx_init(awsc_pctx *c, const awsc_service *svc, awsc_arena *arena,
                    awsc_value_builder *b, awsc_error *err, bool xml) {
  awsc_pctx_init_ws(c, svc, arena, b, err, xml, NULL);
}

void awsc_pctx_init_ws(awsc_pctx *c, const awsc_service *svc, awsc_arena *arena,
                       awsc_value_builder *b, awsc_error *err, bool xml,
                       awsc_proto_ws *ws) {
  memset(c, 0, sizeof(*c));
  c->svc = svc;
  c->arena = arena;
  c->b = b;
  c->err = err;
  c->xml = xml;
  c->ws = ws;
  if (!ws)
    return;
  c->scratch = awsc_pws_take(ws, AWSC_PWS_PARSE);
  /* the indexes only depend on the shape and the xml rules: the
   * workspace's stay valid while it serves one kind of protocol */
  if (ws->cache_n && ws->cache_xml != xml) {
    awsc_free(ws->cache);
    awsc_arena_free(ws->idx);
    ws->cache = NULL;
    ws->idx = NULL;
    ws->cache_cap = ws->cache_n = 0;
  }
  /* moved out while lent: a nested parse starts empty */
  c->cache = ws->cache;
  c->cache_cap = ws->cache_cap;
  c->cache_n = ws->cache_n;
  c->idx = ws->idx;
  ws->cache = NULL;
  ws->idx = NULL;
  ws->cache_cap = ws->cache_n = 0;
  c->cache_borrowed = true;
}

void awsc_pctx_cleanup(awsc_pctx *c) {
  awsc_pws_give(c->ws, AWSC_PWS_PARSE, &c->scratch);
  if (c->cache_borrowed && !c->ws->cache && !c->ws->idx) {
    c->ws->cache = c->cache;
    c->ws->cache_cap = c->cache_cap;
    c->ws->cache_n = c->cache_n;
    c->ws->idx = c->idx;
    c->ws->cache_xml = c->xml;
  } else {
    awsc_free(c->cache);
    awsc_arena_free(c->idx);
  }
  c->cache = NULL;
  c->idx = NULL;
  if (c->tmp && !c->ws)
    awsc_arena_free(c->tmp);
  c->tmp = NULL;
}

awsc_arena *awsc_pctx_tmp(awsc_pctx *c) {
  if (!c->tmp)
    c->tmp = c->ws ? awsc_proto_ws_arena(c->ws) : awsc_arena_new(8192);
  return c->tmp;
}

/* ------------------------------------------------------------------ */
/* workspace                                                            */

/* What a workspace keeps between calls at most: the scratch arena's
 * blocks, each buffer, and the index arena (beyond which the indexes are
 * dropped and built again). */
#define PWS_KEEP_TMP (32 * 1024)
#define PWS_KEEP_BUF (16 * 1024)
#define PWS_KEEP_IDX (256 * 1024)

awsc_proto_ws *awsc_proto_ws_new(void) {
  return awsc_calloc(1, sizeof(awsc_proto_ws));
}

void awsc_proto_ws_free(awsc_proto_ws *ws) {
  if (!ws)
    return;
  for (int i = 0; i < AWSC_PWS_NBUF; i++)
    awsc_buf_free(&ws->bufs[i]);
  awsc_arena_free(ws->tmp);
  awsc_arena_free(ws->idx);
  awsc_free(ws->cache);
  awsc_free(ws);
}

void awsc_proto_ws_reset(awsc_proto_ws *ws) {
  if (!ws)
    return;
  for (int i = 0; i < AWSC_PWS_NBUF; i++)
    if (ws->bufs[i].cap > PWS_KEEP_BUF)
      awsc_buf_free(&ws->bufs[i]);
  awsc_arena_reset(ws->tmp, PWS_KEEP_TMP);
  if (awsc_arena_used(ws->idx) > PWS_KEEP_IDX) {
    awsc_free(ws->cache);
    awsc_arena_free(ws->idx);
    ws->cache = NULL;
    ws->idx = NULL;
    ws->cache_cap = ws->cache_n = 0;
  }
}

awsc_arena *awsc_proto_ws_arena(awsc_proto_ws *ws) {
  if (ws && !ws->tmp)
    ws->tmp = awsc_arena_new(8192);
  return ws ? ws->tmp : NULL;
}

int awsc_perr(awsc_pctx *c, const char *fmt, ...) {
  if (c->err) {
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    awsc_error_set(c->err, AWSC_EPARSE, AWSC_ERROR_PARSE, "%s", msg);
  }
  return AWSC_EPARSE;
}

/* ------------------------------------------------------------------ */
/* member indexes                                                       */

/* Whether a member is read from the body at all: not when it is bound
 * to a header or the status code. (A "uri" or "querystring" member of an
 * output is read from the body: botocore's KNOWN_LOCATIONS are only the
 * three above.) */
static bool in_body(const awsc_member *m) {
  return m->location != AWSC_LOC_HEADER && m->location != AWSC_LOC_HEADERS &&
         m->location != AWSC_LOC_STATUS_CODE;
}

static bool is_http(const awsc_member *m) {
  return m->location == AWSC_LOC_HEADER || m->location == AWSC_LOC_HEADERS ||
         m->location == AWSC_LOC_STATUS_CODE;
}

/* Name -> member into an open-addressed table of mask + 1 slots (a free
 * one is there: the tables are sized at least twice their names), at the
 * first free slot from the name's hash. */
static void slot_put(awsc_pslot *slots, uint32_t mask, int hash,
                     const char *name, size_t len, int member) {
  uint32_t h = (uint32_t)hash & mask;
  while (slots[h].name)
    h = (h + 1) & mask;
  slots[h].name = name;
  slots[h].len = (uint16_t)len;
  slots[h].member = (int16_t)member;
}

/* A scalar the typed door writes from header text (awsc_parse_http_typed). */
static bool typed_scalar(const awsc_shape *t) {
  if (!t)
    return false;
  switch (t->type) {
  case AWSC_SHAPE_STRING:
  case AWSC_SHAPE_BLOB:
  case AWSC_SHAPE_INTEGER:
  case AWSC_SHAPE_LONG:
  case AWSC_SHAPE_BOOLEAN:
  case AWSC_SHAPE_FLOAT:
  case AWSC_SHAPE_DOUBLE:
  case AWSC_SHAPE_TIMESTAMP:
    return true;
  default:
    return false;
  }
}

/* Whether member i of s is one the typed door writes directly: see
 * awsc_pindex.typed_direct. */
static bool typed_direct_member(const awsc_shape *s, uint32_t i) {
  const awsc_member *m = &s->members[i];
  const awsc_shape *t = m->shape;
  if (!t)
    return false;
  switch (m->location) {
  case AWSC_LOC_HEADER:
    return typed_scalar(t) && !(m->flags & AWSC_MF_JSONVALUE);
  case AWSC_LOC_HEADERS:
    return t->type == AWSC_SHAPE_MAP && t->map_key && t->map_value &&
           typed_scalar(t->map_value->shape) && m->has_offset != UINT32_MAX;
  case AWSC_LOC_STATUS_CODE:
    return t->type == AWSC_SHAPE_INTEGER || t->type == AWSC_SHAPE_LONG;
  case AWSC_LOC_BODY:
    /* the streamed payload: the pipeline hands the body over */
    return s->payload_index >= 0 && (uint32_t)s->payload_index == i &&
           ((m->flags & AWSC_MF_STREAMING) || (t->flags & AWSC_SF_STREAMING)) &&
           !(t->flags & AWSC_SF_EVENTSTREAM) &&
           (t->type == AWSC_SHAPE_BLOB || t->type == AWSC_SHAPE_STRING);
  default:
    return false;
  }
}

static bool typed_direct_shape(const awsc_shape *s) {
  if (!s->c_size || s->member_count > AWSC_TYPED_DIRECT_MAX)
    return false;
  for (uint32_t i = 0; i < s->member_count; i++)
    if (!typed_direct_member(s, i))
      return false;
  return true;
}

/* The HTTP-bound members of s and its header names, lower-cased (the
 * first member wins a duplicated name, as a lookup in model order did). */
static bool build_http_index(awsc_pctx *c, awsc_pindex *ix,
                             const awsc_shape *s) {
  uint32_t n = s->member_count < INT16_MAX ? s->member_count : INT16_MAX;
  uint32_t nh = 0;
  for (uint32_t i = 0; i < n; i++)
    nh += is_http(&s->members[i]);
  uint32_t size = 4;
  while (size < nh * 2 + 2)
    size <<= 1;
  ix->http = awsc_arena_calloc(c->idx, nh ? nh : 1, sizeof(uint16_t));
  ix->other = awsc_arena_calloc(c->idx, nh ? nh : 1, sizeof(uint16_t));
  ix->hslots = awsc_arena_calloc(c->idx, size, sizeof(awsc_pslot));
  if (!ix->http || !ix->other || !ix->hslots)
    return false;
  ix->hmask = size - 1;
  ix->typed_direct = typed_direct_shape(s);
  for (uint32_t i = 0; i < n; i++) {
    const awsc_member *m = &s->members[i];
    if (!is_http(m))
      continue;
    ix->http[ix->http_count++] = (uint16_t)i;
    if (m->location != AWSC_LOC_HEADER) {
      ix->other[ix->other_count++] = (uint16_t)i;
      continue;
    }
    const char *w = awsc_member_wire_name(m);
    size_t len = strlen(w);
    if (len > UINT16_MAX || awsc_pindex_find_header(ix, w, len) >= 0)
      continue;
    char *lw = awsc_arena_alloc(c->idx, len + 1);
    if (!lw)
      return false;
    for (size_t k = 0; k < len; k++)
      lw[k] = (char)awsc_pascii_lower((unsigned char)w[k]);
    lw[len] = '\0';
    slot_put(ix->hslots, ix->hmask, awsc_pindex_header_hash(lw, len), lw, len,
             (int)i);
  }
  return true;
}

static void add_name(awsc_pindex *ix, const char *w, int member) {
  size_t len = strlen(w);
  /* the first member wins a duplicated wire name */
  if (len > UINT16_MAX || awsc_pindex_find(ix, w, len) >= 0)
    return;
  slot_put(ix->slots, ix->mask, awsc_pindex_hash(w, len), w, len, member);
}

/*
 * Element / key names of every body member. XML also answers to a
 * second name where botocore and the Smithy protocol tests disagree, so
 * both readings parse:
 *  - a flattened list: botocore names its elements by the list member's
 *    locationName (_member_key_name), Smithy by the member's own name;
 *  - a member whose only locationName is its target shape's: botocore
 *    merges the shape's into the member's, Smithy ignores it.
 * The botocore name goes in first, so it wins any clash.
 */
static const awsc_pindex *build_index(awsc_pctx *c, const awsc_shape *s) {
  if (!c->idx) {
    c->idx = awsc_arena_new(8192);
    if (!c->idx)
      return NULL;
  }
  uint32_t n = s->member_count;
  uint32_t size = 8;
  while (size < n * 4 + 4)
    size <<= 1;
  awsc_pindex *ix = awsc_arena_calloc(c->idx, 1, sizeof(*ix));
  if (!ix)
    return NULL;
  ix->shape = s;
  ix->mask = size - 1;
  ix->is_union = (s->flags & AWSC_SF_UNION) != 0;
  ix->slots = awsc_arena_calloc(c->idx, size, sizeof(awsc_pslot));
  ix->attrs = awsc_arena_calloc(c->idx, n ? n : 1, sizeof(uint16_t));
  ix->name_lens = awsc_arena_calloc(c->idx, n ? n : 1, sizeof(uint16_t));
  if (!ix->slots || !ix->attrs || !ix->name_lens)
    return NULL;
  for (int pass = 0; pass < 2; pass++) {
    for (uint32_t i = 0; i < n && i < INT16_MAX; i++) {
      const awsc_member *m = &s->members[i];
      if (pass == 0) {
        size_t ml = strlen(m->name);
        ix->name_lens[i] = (uint16_t)(ml > UINT16_MAX ? UINT16_MAX : ml);
      }
      if (!in_body(m))
        continue;
      if (c->xml && (m->flags & AWSC_MF_XML_ATTRIBUTE)) {
        if (pass == 0)
          ix->attrs[ix->attr_count++] = (uint16_t)i;
        continue;
      }
      const char *wire = awsc_member_wire_name(m);
      const char *item = NULL;
      if (c->xml && m->shape && m->shape->type == AWSC_SHAPE_LIST &&
          awsc_pshape_is_flattened(m) && m->shape->list_member &&
          m->shape->list_member->location_name)
        item = m->shape->list_member->location_name;
      if (pass == 0) {
        add_name(ix, item ? item : wire, (int)i);
        continue;
      }
      if (!c->xml)
        continue;
      if (item)
        add_name(ix, wire, (int)i);
      if (m->location_name && m->shape && m->shape->location_name &&
          strcmp(m->location_name, m->shape->location_name) == 0)
        add_name(ix, m->name, (int)i);
    }
  }
  return build_http_index(c, ix, s) ? ix : NULL;
}

static inline uint32_t ptr_hash(const void *p) {
  uintptr_t u = (uintptr_t)p;
  u ^= u >> 17;
  u *= 0xed5ad4bbu;
  u ^= u >> 11;
  return (uint32_t)u;
}

const awsc_pindex *awsc_pindex_get(awsc_pctx *c, const awsc_shape *s) {
  if (c->cache_cap) {
    uint32_t i = ptr_hash(s) & (c->cache_cap - 1);
    while (c->cache[i].shape) {
      if (c->cache[i].shape == s)
        return c->cache[i].idx;
      i = (i + 1) & (c->cache_cap - 1);
    }
  }
  if ((c->cache_n + 1) * 2 > c->cache_cap) {
    uint32_t cap = c->cache_cap ? c->cache_cap * 2 : 16;
    struct awsc_pcache *nc = awsc_calloc(cap, sizeof(*nc));
    if (!nc)
      return NULL;
    for (uint32_t k = 0; k < c->cache_cap; k++) {
      if (!c->cache[k].shape)
        continue;
      uint32_t i = ptr_hash(c->cache[k].shape) & (cap - 1);
      while (nc[i].shape)
        i = (i + 1) & (cap - 1);
      nc[i] = c->cache[k];
    }
    awsc_free(c->cache);
    c->cache = nc;
    c->cache_cap = cap;
  }
  const awsc_pindex *ix = build_index(c, s);
  if (!ix)
    return NULL;
  uint32_t i = ptr_hash(s) & (c->cache_cap - 1);
  while (c->cache[i].shape)
    i = (i + 1) & (c->cache_cap - 1);
  c->cache[i].shape = s;
  c->cache[i].idx = ix;
  c->cache_n++;
  return ix;
}

/* ------------------------------------------------------------------ */
/* output                                                               */

static bool body_blank(const char *p, size_t n) {
  if (!p)
    return true;
  for (size_t i = 0; i < n; i++)
    if (!awsc_pis_ws(p[i]))
      return false;
  return true;
}

static int parse_payload(awsc_pctx *c, const awsc_service *svc,
                         const awsc_shape *out_shape, const awsc_member *m,
                         const awsc_raw_response *r) {
  const awsc_shape *ps = m->shape;
  bool xml = svc->protocol == AWSC_PROTO_REST_XML;
  int rc;
  if (!r->body)
    return 0; /* streamed: the pipeline hands the body over */
  if (ps->flags & AWSC_SF_EVENTSTREAM)
    return awsc_parse_event_stream(c, out_shape, m, r->body, r->body_len);
  if (ps->type == AWSC_SHAPE_BLOB || ps->type == AWSC_SHAPE_STRING) {
    /* An empty body means the member is absent (Smithy's reading;
     * botocore would give b""). */
    if (r->body_len == 0)
      return 0;
    if ((rc = awsc_vb_key_ref(c->b, m->name, strlen(m->name))) != 0)
      return rc;
    return ps->type == AWSC_SHAPE_BLOB
               ? awsc_vb_blob(c->b, r->body, r->body_len)
               : awsc_vb_string(c->b, r->body, r->body_len);
  }
  if (body_blank(r->body, r->body_len))
    return 0;
  if ((rc = awsc_vb_key_ref(c->b, m->name, strlen(m->name))) != 0)
    return rc;
  if (ps->type == AWSC_SHAPE_DOCUMENT)
    return awsc_parse_json_document(c, r->body, r->body_len);
  if (ps->type != AWSC_SHAPE_STRUCTURE)
    return xml ? awsc_vb_null(c->b)
               : awsc_parse_json_value(c, ps, r->body, r->body_len);
  if ((rc = awsc_vb_begin_map(c->b)) != 0)
    return rc;
  static const awsc_xml_target root = {NULL, {NULL, NULL}, 0, false};
  rc = xml ? awsc_parse_xml_struct(c, ps, r->body, r->body_len, &root)
           : awsc_parse_json_struct(c, ps, r->body, r->body_len);
  if (rc != 0)
    return rc;
  return awsc_vb_end(c->b);
}

static int parse_output_body(awsc_pctx *c, const awsc_service *svc,
                             const awsc_operation *op,
                             const awsc_raw_response *r) {
  const awsc_shape *s = op->output;
  int rc;
  switch (svc->protocol) {
  case AWSC_PROTO_REST_XML:
  case AWSC_PROTO_REST_JSON:
    if ((rc = awsc_parse_http_members(c, s, r)) != 0)
      return rc;
    if (s->payload_index >= 0 && (uint32_t)s->payload_index < s->member_count)
      return parse_payload(c, svc, s, &s->members[s->payload_index], r);
    if (body_blank(r->body, r->body_len))
      return 0;
    if (svc->protocol == AWSC_PROTO_REST_XML) {
      awsc_xml_target root = {NULL, {NULL, NULL}, 0, false};
      /* a quirk of the service: the root element is the one member */
      root.root_member = svc->hooks && svc->hooks->xml_root_is_member &&
                         svc->hooks->xml_root_is_member(op);
      return awsc_parse_xml_struct(c, s, r->body, r->body_len, &root);
    }
    return awsc_parse_json_struct(c, s, r->body, r->body_len);
  case AWSC_PROTO_QUERY:
  case AWSC_PROTO_EC2: {
    if (body_blank(r->body, r->body_len))
      return 0;
    awsc_xml_target t = {NULL, {NULL, NULL}, 0, false};
    if (svc->protocol == AWSC_PROTO_QUERY && op->result_wrapper) {
      t.descend[0] = op->result_wrapper;
      t.n_descend = 1;
    }
    return awsc_parse_xml_struct(c, s, r->body, r->body_len, &t);
  }
  case AWSC_PROTO_JSON:
    for (uint32_t i = 0; i < s->member_count; i++) {
      const awsc_member *m = &s->members[i];
      if (m->shape && (m->shape->flags & AWSC_SF_EVENTSTREAM)) {
        if (!r->body)
          return 0;
        return awsc_parse_event_stream(c, s, m, r->body, r->body_len);
      }
    }
    if (body_blank(r->body, r->body_len))
      return 0;
    return awsc_parse_json_struct(c, s, r->body, r->body_len);
  default:
    return awsc_perr(c, "unknown protocol %d", svc->protocol);
  }
}

int awsc_protocol_parse_output(const awsc_service *svc,
                               const awsc_operation *op,
                               const awsc_raw_response *resp, awsc_arena *arena,
                               awsc_value *out, awsc_error *err) {
  return awsc_parse_output_with(svc, op, resp, arena, out, err, AWSC_XML_AUTO);
}

int awsc_protocol_parse_output_ws(const awsc_service *svc,
                                  const awsc_operation *op,
                                  const awsc_raw_response *resp,
                                  awsc_arena *arena, awsc_proto_ws *ws,
                                  awsc_value *out, awsc_error *err) {
  return awsc_parse_output_with_ws(svc, op, resp, arena, out, err,
                                   AWSC_XML_AUTO, ws);
}

int awsc_parse_output_with(const awsc_service *svc, const awsc_operation *op,
                           const awsc_raw_response *resp, awsc_arena *arena,
                           awsc_value *out, awsc_error *err, int tokenizer) {
  return awsc_parse_output_with_ws(svc, op, resp, arena, out, err, tokenizer,
                                   NULL);
}

int awsc_parse_output_with_ws(const awsc_service *svc, const awsc_operation *op,
                              const awsc_raw_response *resp, awsc_arena *arena,
                              awsc_value *out, awsc_error *err, int tokenizer,
                              awsc_proto_ws *ws) {
  if (!svc || !op || !resp || !arena || !out)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_INTERNAL,
                          "awsc_protocol_parse_output: NULL argument");
  awsc_value_builder vb;
  awsc_vb_init(&vb, arena);
  awsc_value_builder *b = &vb;
  awsc_pctx c;
  awsc_pctx_init_ws(&c, svc, arena, b, err,
                    svc->protocol != AWSC_PROTO_JSON &&
                        svc->protocol != AWSC_PROTO_REST_JSON,
                    ws);
  c.xml_tokenizer = tokenizer;
  c.headers_kept = resp->headers_kept;
  int rc = awsc_vb_begin_map(b);
  if (rc == 0 && op->output && op->output->type == AWSC_SHAPE_STRUCTURE)
    rc = parse_output_body(&c, svc, op, resp);
  if (rc == 0)
    rc = awsc_vb_end(b);
  if (rc == 0)
    rc = awsc_vb_finish(b, out);
  if (rc == 0 && c.needs_merge)
    rc = awsc_pvalue_merge_lists(arena, out);
  awsc_pctx_cleanup(&c);
  if (rc == AWSC_ENOMEM)
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  if (rc == AWSC_EINVAL)
    return awsc_error_set(err, AWSC_EPARSE, AWSC_ERROR_PARSE,
                          "response does not fit the output shape");
  return rc;
}

/* ------------------------------------------------------------------ */
/* flattened lists in pieces                                            */

static bool same_key(const awsc_kv *a, const awsc_kv *b) {
  return a->key_len == b->key_len && memcmp(a->key, b->key, a->key_len) == 0;
}

int awsc_pvalue_merge_lists(awsc_arena *arena, awsc_value *v) {
  if (v->type == AWSC_V_LIST) {
    for (size_t i = 0; i < v->u.list.n; i++) {
      int rc = awsc_pvalue_merge_lists(arena, &v->u.list.items[i]);
      if (rc)
        return rc;
    }
    return 0;
  }
  if (v->type != AWSC_V_MAP)
    return 0;
  awsc_kv *kv = v->u.map.items;
  for (size_t i = 0; i < v->u.map.n; i++) {
    int rc = awsc_pvalue_merge_lists(arena, &kv[i].value);
    if (rc)
      return rc;
  }
  for (size_t i = 0; i < v->u.map.n; i++) {
    for (size_t j = i + 1; j < v->u.map.n; j++) {
      awsc_value *a = &kv[i].value, *b = &kv[j].value;
      if (!same_key(&kv[i], &kv[j]) || a->type != b->type ||
          (a->type != AWSC_V_LIST && a->type != AWSC_V_MAP))
        continue;
      size_t esz =
          a->type == AWSC_V_LIST ? sizeof(awsc_value) : sizeof(awsc_kv);
      size_t an = a->type == AWSC_V_LIST ? a->u.list.n : a->u.map.n;
      size_t bn = b->type == AWSC_V_LIST ? b->u.list.n : b->u.map.n;
      void *ai = a->type == AWSC_V_LIST ? (void *)a->u.list.items
                                        : (void *)a->u.map.items;
      void *bi = b->type == AWSC_V_LIST ? (void *)b->u.list.items
                                        : (void *)b->u.map.items;
      char *items = awsc_arena_alloc(arena, (an + bn) * esz + 1);
      if (!items)
        return AWSC_ENOMEM;
      if (an)
        memcpy(items, ai, an * esz);
      if (bn)
        memcpy(items + an * esz, bi, bn * esz);
      if (a->type == AWSC_V_LIST) {
        a->u.list.items = (awsc_value *)(void *)items;
        a->u.list.n = an + bn;
      } else {
        a->u.map.items = (awsc_kv *)(void *)items;
        a->u.map.n = an + bn;
      }
      memmove(&kv[j], &kv[j + 1], (v->u.map.n - j - 1) * sizeof(awsc_kv));
      v->u.map.n--;
      j--;
    }
  }
  return 0;
}

/* ------------------------------------------------------------------ */
/* request id                                                           */

/* Text of the first <Name>...</Name> element (any namespace prefix not
 * handled: the ids are never prefixed), scanning from the end of the
 * body where ResponseMetadata sits. */
static const char *xml_tail_element(awsc_arena *arena, const char *body,
                                    size_t len, const char *name) {
  size_t nl = strlen(name);
  if (!body || len < nl + 2)
    return NULL;
  for (size_t i = len - nl - 1; i-- > 0;) {
    if (body[i] != '<' || memcmp(body + i + 1, name, nl) != 0 ||
        body[i + 1 + nl] != '>')
      continue;
    const char *st = body + i + 2 + nl;
    const char *end = memchr(st, '<', len - (size_t)(st - body));
    if (!end)
      return NULL;
    const char *p = st;
    size_t n = (size_t)(end - st);
    awsc_ptrim(&p, &n);
    return awsc_arena_strndup(arena, p, n);
  }
  return NULL;
}

const char *awsc_protocol_request_id(const awsc_service *svc,
                                     const awsc_raw_response *resp,
                                     awsc_arena *arena) {
  if (!resp)
    return NULL;
  const char *h = awsc_presp_header(resp, "x-amzn-requestid");
  if (!h)
    h = awsc_presp_header(resp, "x-amz-request-id");
  if (h)
    return arena ? awsc_arena_strdup(arena, h) : NULL;
  if (!svc || !arena || !resp->body)
    return NULL;
  if (svc->protocol == AWSC_PROTO_QUERY || svc->protocol == AWSC_PROTO_EC2) {
    static const char *const names[] = {"RequestId", "requestId", "RequestID"};
    for (size_t i = 0; i < AWSC_ARRAY_LEN(names); i++) {
      const char *v =
          xml_tail_element(arena, resp->body, resp->body_len, names[i]);
      if (v)
        return v;
    }
  }
  return NULL;
}

const char *awsc_protocol_host_id(const awsc_raw_response *resp) {
  return resp ? awsc_presp_header(resp, "x-amz-id-2") : NULL;
}
