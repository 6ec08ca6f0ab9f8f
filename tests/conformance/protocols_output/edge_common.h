/*
 * tests/conformance/protocols_output/edge_common.h - helpers of the
 * parser corner-case tests (parse_edge_xml.c, parse_edge_misc.c): small
 * models built from JSON text, and parse-and-compare shortcuts.
 */
#ifndef AWSC_TESTS_PROTOCOLS_OUTPUT_EDGE_COMMON_H
#define AWSC_TESTS_PROTOCOLS_OUTPUT_EDGE_COMMON_H

#include <stdbool.h>

#include "protocols/protocol.h"

typedef struct model {
  awsc_arena *arena;
  awsc_service *svc;
} model;

/* Service from metadata / shapes / one operation (JSON text). */
bool load_model(model *m, const char *meta, const char *shapes, const char *op);
/* Parse a response for the model's operation and compare with JSON. */
bool parse_ok(model *m, int status, const awsc_http_header *h, size_t nh,
              const char *body, const char *want_json, int tokenizer);
/* Status of parsing a 200 `body`; err filled. */
int parse_rc(model *m, const char *body, awsc_error *err);

/* A rest-xml output shape using every XML feature, and its operation. */
extern const char *const xml_shapes;
extern const char *const xml_op;

#endif
