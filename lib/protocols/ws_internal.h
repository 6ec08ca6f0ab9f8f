/*
 * lib/protocols/ws_internal.h - the protocols' reusable workspace
 * (awsc_proto_ws, see protocol.h): what is in it and how the serializers
 * and parsers borrow its buffers. Implemented in parse.c.
 */
#ifndef AWSC_PROTOCOLS_WS_INTERNAL_H
#define AWSC_PROTOCOLS_WS_INTERNAL_H

#include "protocols/protocol.h"

/* The buffers, one per use that can be live at the same time. */
enum {
  AWSC_PWS_BODY = 0, /* serializers: the body being written */
  AWSC_PWS_KEY,      /* query serializer: the current member prefix */
  AWSC_PWS_PARSE,    /* parse context: text accumulation, decoding */
  AWSC_PWS_XSCAN,    /* XML scanner: decoded text */
  AWSC_PWS_XATTR,    /* XML scanner: decoded attribute values */
  AWSC_PWS_XTEXT,    /* XML parser: text split over several events */
  AWSC_PWS_NBUF
};

struct awsc_pcache;

struct awsc_proto_ws {
  awsc_buf bufs[AWSC_PWS_NBUF];
  /* scratch of one call (decoded JSON strings, parse flags), emptied by
   * awsc_proto_ws_reset; created on first use */
  awsc_arena *tmp;
  /* member indexes of the structures parsed so far (parse.c): they only
   * depend on the shape, so they outlive the call; one tokenizer family
   * per workspace (xml or not) */
  awsc_arena *idx;
  struct awsc_pcache *cache;
  uint32_t cache_cap; /* power of two */
  uint32_t cache_n;
  bool cache_xml;
};

/* Borrow buffer `i` (empty; its memory kept from earlier calls). With no
 * workspace, or when it is already lent, an empty new buffer. */
static inline awsc_buf awsc_pws_take(awsc_proto_ws *ws, int i) {
  awsc_buf b = AWSC_BUF_INIT;
  if (ws) {
    b = ws->bufs[i];
    ws->bufs[i] = (awsc_buf)AWSC_BUF_INIT;
    awsc_buf_reset(&b);
  }
  return b;
}

/* Return a borrowed buffer (freed when there is no place for it). */
static inline void awsc_pws_give(awsc_proto_ws *ws, int i, awsc_buf *b) {
  if (ws && !ws->bufs[i].p) {
    ws->bufs[i] = *b;
    *b = (awsc_buf)AWSC_BUF_INIT;
  } else {
    awsc_buf_free(b);
  }
}

#endif
