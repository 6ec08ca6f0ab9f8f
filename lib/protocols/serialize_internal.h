/*
 * lib/protocols/serialize_internal.h - shared by the request serializers
 * (serialize*.c). Not used by the parsers.
 */
#ifndef AWSC_PROTOCOLS_SERIALIZE_INTERNAL_H
#define AWSC_PROTOCOLS_SERIALIZE_INTERNAL_H

#include "protocols/protocol.h"
#include "protocols/ws_internal.h"
#include "runtime/jtree.h"

typedef struct ser_ctx {
  const awsc_service *svc;
  const awsc_operation *op;
  awsc_arena *arena;
  awsc_error *err;
  awsc_serialized_request *out;
  /* grown in the arena by doubling */
  size_t header_cap;
  size_t query_cap;
  awsc_proto_ws *ws; /* buffers to borrow (see ws_internal.h), or NULL */
} ser_ctx;

/* Set header `name` (replacing an earlier one of the exact same name, as
 * botocore's dict does); the value is copied into the arena, the name is
 * referenced: it must outlive the request (a literal or the model's). */
int ser_set_header(ser_ctx *c, const char *name, const char *value,
                   size_t value_len);
/* The same with the name copied too (a name built in a buffer). */
int ser_set_header_copy(ser_ctx *c, const char *name, const char *value,
                        size_t value_len);
/* Find a header set so far (ASCII case-insensitive); NULL if none. */
const char *ser_get_header(const ser_ctx *c, const char *name);
/* Append a query pair (value NULL = bare key). Copies into the arena. */
int ser_add_query(ser_ctx *c, const char *name, size_t name_len,
                  const char *value, size_t value_len);
/* Drop every query pair named `name` (dict assignment semantics). */
void ser_remove_query(ser_ctx *c, const char *name);

/* Timestamp as botocore writes it: fmt AWSC_TS_ISO8601 (".ffffffZ"
 * microseconds only when the time has a fraction), RFC822 (RFC 1123, whole
 * seconds), UNIX (whole seconds, floor). out >= 48 bytes. */
size_t ser_format_timestamp(int64_t ms, int fmt, char *out);
/* Resolve a member's timestamp format against a protocol default. */
int ser_ts_format(const awsc_member *m, const awsc_shape *sh, int dflt);

/* Scalar value to text the way botocore's str()/conversions write it
 * (booleans "true"/"false", doubles as Python repr with NaN/Infinity,
 * ints in decimal, strings as is, timestamps per `ts_fmt`, blobs raw).
 * Result in *p and *n (may point into `scratch` (>= 64 bytes) or the value). */
int ser_scalar_text(const awsc_value *v, int ts_fmt, char *scratch,
                    const char **p, size_t *n);

/* base64 of bytes, arena-allocated. */
const char *ser_base64(ser_ctx *c, const char *p, size_t n, size_t *out_len);

/* JSON writer shared by json and rest-json bodies (and jsonvalue
 * headers): the value for `shape` (NULL = untyped document). */
int ser_json_value(awsc_buf *b, const awsc_value *v, const awsc_shape *shape,
                   bool ascii);

int ser_query(ser_ctx *c, const awsc_value *input, bool ec2);
int ser_json(ser_ctx *c, const awsc_value *input);
int ser_rest(ser_ctx *c, const awsc_value *input);
/* rest bodies: serialize `v` of `shape` as the body (xml: root element
 * `root_name` with the namespace given). */
int ser_rest_json_body(ser_ctx *c, const awsc_value *v, const awsc_shape *shape,
                       awsc_buf *body);
int ser_rest_xml_body(ser_ctx *c, const awsc_value *v, const awsc_shape *shape,
                      const char *root_name, const char *ns_uri,
                      const char *ns_prefix, awsc_buf *body);

int ser_fail(ser_ctx *c, int code, const char *fmt, ...) AWSC_PRINTF(3, 4);
int ser_oom(ser_ctx *c);

#endif
