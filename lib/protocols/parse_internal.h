/*
 * lib/protocols/parse_internal.h - shared machinery of the response
 * parsers (parse.c, parse_scalar.c, parse_http.c, parse_xml.c,
 * parse_xml_scan.c, parse_json.c, parse_eventstream.c, parse_error.c).
 * Not part of any contract; tests include it to pick a tokenizer.
 *
 * Every parser writes straight into an awsc_value_builder while a
 * streaming tokenizer (expat / our XML scanner / core/json.c) walks the body;
 * no document tree is ever built.
 */
#ifndef AWSC_PROTOCOLS_PARSE_INTERNAL_H
#define AWSC_PROTOCOLS_PARSE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "protocols/protocol.h"

/* ---- per-structure member index (parse.c) ----
 * Built once per parse for each structure shape met, in a scratch arena:
 * wire name -> member index through a small open-addressed table. A
 * member may have two names (see build_index in parse.c). */
typedef struct awsc_pslot {
  const char *name; /* wire name, NULL = empty slot */
  uint16_t len;
  int16_t member;
} awsc_pslot;

/* Most members an output filled directly by the typed door may have (a
 * bit each on the stack: the first header for a member wins). */
#define AWSC_TYPED_DIRECT_MAX 512

typedef struct awsc_pindex {
  const awsc_shape *shape;
  uint32_t mask; /* slots - 1 (power of two) */
  awsc_pslot *slots;
  uint16_t *name_lens; /* per member: strlen(member->name) */
  uint16_t *attrs;     /* members that are xml attributes */
  uint16_t attr_count;
  bool is_union;
  /* HTTP-bound members (header, header map, status code) in model
   * order, and the header members by lower-cased header name (hslots,
   * hmask + 1 of them): a response's headers are looked up once each
   * instead of every member looked for among them (parse_http.c). */
  uint16_t *http;
  uint16_t http_count;
  uint16_t other_count; /* of them not headers (maps, status code) */
  uint16_t *other;      /* those, in model order */
  uint32_t hmask;
  awsc_pslot *hslots;
  /* the typed door may fill the shape's C struct straight from the HTTP
   * message (awsc_parse_http_typed): it has a typed layout, and its
   * members are all header scalars, header maps of scalars, the status
   * code or a streamed payload */
  bool typed_direct;
} awsc_pindex;

/* Parse context: one per awsc_protocol_parse_* call. */
typedef struct awsc_pctx {
  const awsc_service *svc;
  awsc_arena *arena;     /* output arena (values live here) */
  awsc_value_builder *b; /* builder writing into arena */
  awsc_error *err;
  bool xml;         /* member wire names follow the xml rules */
  awsc_buf scratch; /* text accumulation, decoding */
  awsc_arena *tmp;  /* per-parse scratch (awsc_pctx_tmp) */
  awsc_arena *idx;  /* indexes; created lazily */
  struct awsc_pcache {
    const awsc_shape *shape;
    const awsc_pindex *idx;
  } * cache;
  uint32_t cache_cap; /* power of two */
  uint32_t cache_n;
  int xml_tokenizer; /* AWSC_XML_AUTO unless a test says */
  bool needs_merge;  /* a flattened list came in pieces */
  /* the caller's workspace (NULL: none): scratch, tmp and the index
   * cache are borrowed from it and given back by awsc_pctx_cleanup */
  awsc_proto_ws *ws;
  bool cache_borrowed;
  bool headers_kept; /* the response's awsc_raw_response.headers_kept */
} awsc_pctx;

void awsc_pctx_init(awsc_pctx *c, const awsc_service *svc, awsc_arena *arena,
                    awsc_value_builder *b, awsc_error *err, bool xml);
/* The same borrowing from a workspace (may be NULL). */
void awsc_pctx_init_ws(awsc_pctx *c, const awsc_service *svc, awsc_arena *arena,
                       awsc_value_builder *b, awsc_error *err, bool xml,
                       awsc_proto_ws *ws);
void awsc_pctx_cleanup(awsc_pctx *c);
/* Scratch arena for the length of the parse; NULL: out of memory. */
awsc_arena *awsc_pctx_tmp(awsc_pctx *c);

/* Index of `s` (a structure), built on first use. NULL only on ENOMEM. */
const awsc_pindex *awsc_pindex_get(awsc_pctx *c, const awsc_shape *s);

/* Member index for a wire name, or -1. */
static inline int awsc_pindex_hash(const char *p, size_t n) {
  uint32_t h = (uint32_t)n * 0x9E3779B1u;
  if (n) {
    h ^= (uint32_t)(unsigned char)p[0] * 0x85EBCA77u;
    h ^= (uint32_t)(unsigned char)p[n - 1] * 0xC2B2AE3Du;
    h ^= (uint32_t)(unsigned char)p[n >> 1] * 0x27D4EB2Fu;
  }
  return (int)((h ^ (h >> 15)) & 0x7fffffff);
}

static inline int awsc_pindex_find(const awsc_pindex *ix, const char *p,
                                   size_t n) {
  uint32_t i = (uint32_t)awsc_pindex_hash(p, n) & ix->mask;
  for (;;) {
    const awsc_pslot *sl = &ix->slots[i];
    if (!sl->name)
      return -1;
    if (sl->len == n && memcmp(sl->name, p, n) == 0)
      return sl->member;
    i = (i + 1) & ix->mask;
  }
}

/* ASCII case folding, inline and without locale: header names of every
 * response go through it. */
static inline unsigned char awsc_pascii_lower(unsigned char ch) {
  return (unsigned char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
}

static inline int awsc_pindex_header_hash(const char *p, size_t n) {
  uint32_t h = (uint32_t)n * 0x9E3779B1u;
  if (n) {
    h ^= (uint32_t)awsc_pascii_lower((unsigned char)p[0]) * 0x85EBCA77u;
    h ^= (uint32_t)awsc_pascii_lower((unsigned char)p[n - 1]) * 0xC2B2AE3Du;
    h ^= (uint32_t)awsc_pascii_lower((unsigned char)p[n >> 1]) * 0x27D4EB2Fu;
  }
  return (int)((h ^ (h >> 15)) & 0x7fffffff);
}

/* Header member for a response header name of any case, or -1
 * (ix->hslots hold lower-case names). */
static inline int awsc_pindex_find_header(const awsc_pindex *ix, const char *p,
                                          size_t n) {
  uint32_t i = (uint32_t)awsc_pindex_header_hash(p, n) & ix->hmask;
  for (;;) {
    const awsc_pslot *sl = &ix->hslots[i];
    if (!sl->name)
      return -1;
    if (sl->len == n) {
      size_t k = 0;
      while (k < n && awsc_pascii_lower((unsigned char)p[k]) == sl->name[k])
        k++;
      if (k == n)
        return sl->member;
    }
    i = (i + 1) & ix->hmask;
  }
}

/* ---- scalars (parse.c) ---- */
enum {
  AWSC_PSRC_XML = 0, /* element text: booleans are "true" or false */
  AWSC_PSRC_HEADER,  /* header value: booleans case-insensitive */
  AWSC_PSRC_JSON     /* a JSON string token */
};

typedef struct awsc_pscalar {
  uint8_t type; /* awsc_value_type */
  union {
    bool b;
    int64_t i; /* INT, TIMESTAMP (ms) */
    double d;
    struct {
      const char *p;
      size_t n;
    } s; /* STRING, BLOB (BLOB bytes in c->scratch) */
  } u;
} awsc_pscalar;

/* Convert text to the scalar `shape` calls for. Returns 0,
 * AWSC_PSCALAR_EMPTY when the text is empty or blank (the caller drops
 * the member), AWSC_PSCALAR_BAD when it is not a valid value of that type
 * (a response body then fails: awsc_pscalar_bad; a header is dropped), or
 * a negative AWSC_E*. Blob bytes are decoded into c->scratch: put the
 * value before touching the scratch buffer again. */
enum { AWSC_PSCALAR_EMPTY = 1, AWSC_PSCALAR_BAD = 2 };
int awsc_pscalar_from_text(awsc_pctx *c, const awsc_shape *shape, const char *p,
                           size_t n, int src, awsc_pscalar *out);
/* AWSC_EPARSE naming the member (or the shape) whose value `p` does not
 * parse: a damaged answer, retried like a truncated one, never dropped. */
int awsc_pscalar_bad(awsc_pctx *c, const char *member, const awsc_shape *shape,
                     const char *p, size_t n);
/* Same for a JSON number token (raw text). */
int awsc_pscalar_from_number(awsc_pctx *c, const awsc_shape *shape,
                             const char *p, size_t n, awsc_pscalar *out);
/* Append the scalar to the builder (copies strings/blobs to the arena). */
int awsc_pscalar_put(awsc_pctx *c, const awsc_pscalar *v);

/* Small text helpers. */
static inline bool awsc_pis_ws(char ch) {
  return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}
static inline void awsc_ptrim(const char **p, size_t *n) {
  while (*n && awsc_pis_ws(**p)) {
    (*p)++;
    (*n)--;
  }
  while (*n && awsc_pis_ws((*p)[*n - 1]))
    (*n)--;
}
/* ASCII case-insensitive equality of p[0..n) with lower-case `lit`. */
static inline bool awsc_pieq(const char *p, size_t n, const char *lit) {
  size_t i = 0;
  for (; i < n && lit[i]; i++) {
    char c = p[i];
    if (c >= 'A' && c <= 'Z')
      c = (char)(c - 'A' + 'a');
    if (c != lit[i])
      return false;
  }
  return i == n && lit[i] == '\0';
}

/* Numbers and times, locale-independent. 0 or AWSC_EPARSE. */
int awsc_parse_int64(const char *p, size_t n, int64_t *out);
int awsc_parse_double(const char *p, size_t n, double *out);
/* Any of: epoch seconds (with fraction), ISO 8601, RFC 822/1123 (as
 * botocore's parse_timestamp, whatever the member's timestampFormat). */
int awsc_parse_timestamp_any(const char *p, size_t n, int64_t *out_ms);
/* Lenient base64 (as Python's b64decode: characters outside the
 * alphabet are dropped) into c->scratch. 0 or AWSC_EPARSE/ENOMEM. */
int awsc_pdecode_base64(awsc_pctx *c, const char *p, size_t n);

/* Join the pieces of flattened lists that were interleaved with other
 * members: in every map of the tree, a later key equal to an earlier one
 * whose values are both lists (or both maps) is appended to it. */
int awsc_pvalue_merge_lists(awsc_arena *arena, awsc_value *v);

/* awsc_protocol_parse_output with a chosen XML tokenizer (tests). */
int awsc_parse_output_with(const awsc_service *svc, const awsc_operation *op,
                           const awsc_raw_response *resp, awsc_arena *arena,
                           awsc_value *out, awsc_error *err, int tokenizer);
/* ... and a workspace (may be NULL). */
int awsc_parse_output_with_ws(const awsc_service *svc, const awsc_operation *op,
                              const awsc_raw_response *resp, awsc_arena *arena,
                              awsc_value *out, awsc_error *err, int tokenizer,
                              awsc_proto_ws *ws);

/* Error helper: fills c->err with AWSC_EPARSE and returns AWSC_EPARSE. */
int awsc_perr(awsc_pctx *c, const char *fmt, ...) AWSC_PRINTF(2, 3);

/* ---- HTTP parts (parse.c) ---- */
/* Header value by name (ASCII case-insensitive), NULL if absent. */
const char *awsc_presp_header(const awsc_raw_response *r, const char *name);
/* Emit, into the open map, `shape`'s members bound to headers, header
 * prefixes and the status code (rest protocols). */
int awsc_parse_http_members(awsc_pctx *c, const awsc_shape *shape,
                            const awsc_raw_response *r);
/* JSON text -> one generic value (document), appended to the builder. */
int awsc_parse_json_document(awsc_pctx *c, const char *p, size_t n);

/* ---- XML (parse_xml.c) ----
 * Fill the builder's open map with the members of structure `shape`,
 * read from the XML document `body`. Element selection: the root
 * element, then `descend[0..n)` children in turn (matched by local
 * name); when root_name is set and the root's local name differs, the
 * root itself is the structure (botocore's _get_error_root). */
typedef struct awsc_xml_target {
  const char *root_name;
  const char *descend[2];
  size_t n_descend;
  /* The root element may itself be a scalar member of the shape, named
   * by its wire name; empty text then gives null (S3 GetBucketLocation:
   * <LocationConstraint>EU</LocationConstraint>, as botocore's
   * parse_get_bucket_location handler). */
  bool root_member;
} awsc_xml_target;

int awsc_parse_xml_struct(awsc_pctx *c, const awsc_shape *shape,
                          const char *body, size_t len,
                          const awsc_xml_target *target);

/* Which XML tokenizer to use (tests run both). */
enum {
  AWSC_XML_AUTO = 0, /* fast scanner, expat when it declines */
  AWSC_XML_EXPAT,    /* expat only */
  AWSC_XML_SCAN      /* scanner only: AWSC_EPARSE where it declines */
};
int awsc_parse_xml_struct_with(awsc_pctx *c, const awsc_shape *shape,
                               const char *body, size_t len,
                               const awsc_xml_target *target, int tokenizer);

/* Event callbacks shared by both XML tokenizers. Names are raw (may
 * carry a namespace prefix); text chunks are raw character data with
 * entities already replaced. `stable` chunks stay valid until the parse
 * ends; others only during the call. Return 0 or a negative AWSC_E*. */
typedef struct awsc_xml_attr {
  const char *name;
  size_t name_len;
  const char *value;
  size_t value_len;
} awsc_xml_attr;

typedef struct awsc_xml_handler {
  int (*start)(void *ud, const char *name, size_t len,
               const awsc_xml_attr *attrs, size_t n_attrs);
  int (*text)(void *ud, const char *p, size_t n, bool stable);
  int (*end)(void *ud);
  /* Optional (NULL: start, text, end): an element without attributes
   * whose content is character data alone (n == 0: empty), in one call,
   * meaning exactly start, text (when n > 0) and end. The scanner uses it
   * for "<Name>text</Name>", most of what AWS sends; expat never does. */
  int (*leaf)(void *ud, const char *name, size_t len, const char *p, size_t n,
              bool stable);
} awsc_xml_handler;

/* The fast scanner (parse_xml_scan.c): well-formed UTF-8 documents
 * without DTD. Returns 0, AWSC_XML_DECLINED when the document needs the
 * full parser (DTD, other encodings, unknown entities, anything
 * malformed: expat then gives the precise error), or a handler error. */
#define AWSC_XML_DECLINED 1
int awsc_xml_scan(const char *p, size_t n, const awsc_xml_handler *h, void *ud);
/* The same with its text buffers borrowed from a workspace (or NULL). */
int awsc_xml_scan_ws(const char *p, size_t n, const awsc_xml_handler *h,
                     void *ud, awsc_proto_ws *ws);
/* Expat driving the same handler (parse_xml.c). 0, AWSC_EPARSE (err says
 * where) or a handler error. */
int awsc_xml_expat(const char *p, size_t n, const awsc_xml_handler *h, void *ud,
                   awsc_error *err);

/* ---- JSON (parse_json.c) ---- */
/* Fill the open map with structure `shape` from a JSON object body. */
int awsc_parse_json_struct(awsc_pctx *c, const awsc_shape *shape,
                           const char *body, size_t len);
/* Append one value of `shape` (any type, document included) read from a
 * JSON body. */
int awsc_parse_json_value(awsc_pctx *c, const awsc_shape *shape,
                          const char *body, size_t len);
/* Top-level string members of a JSON object: for each wanted key the
 * first occurrence is copied into the arena (NULL when absent or not a
 * string). Returns 0, or AWSC_EPARSE when the body is not JSON. */
int awsc_json_top_strings(awsc_arena *arena, const char *body, size_t len,
                          const char *const *keys, const char **values,
                          size_t n_keys);

/* ---- event streams (parse_eventstream.c) ---- */
/* The eventstream member `stream_member` of structure `output`, from a
 * complete event-stream body: appends to the open map the member's key
 * and a LIST of events, each a MAP {EventType: {members}} (what
 * botocore's EventStream yields). An "initial-response" event (json
 * rpc) first fills the open map with `output`'s other members. */
int awsc_parse_event_stream(awsc_pctx *c, const awsc_shape *output,
                            const awsc_member *stream_member, const char *body,
                            size_t len);

/* ---- shape helpers ---- */
static inline bool awsc_pshape_is_flattened(const awsc_member *m) {
  return (m->flags & AWSC_MF_FLATTENED) ||
         (m->shape && (m->shape->flags & AWSC_SF_FLATTENED));
}

#endif
