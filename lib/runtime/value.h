/*
 * lib/runtime/value.h - the engine's generic value tree.
 *
 * Serializers read an input as an awsc_value (a STRUCT/MAP of members);
 * parsers build outputs as awsc_values in an arena. The generic JSON API
 * converts boto3-shaped JSON text to and from values; the typed API
 * converts generated C structs to and from values using the descriptors'
 * offsets. Values are immutable once built; all memory is in one arena.
 */
#ifndef AWSC_RUNTIME_VALUE_H
#define AWSC_RUNTIME_VALUE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/core.h"
#include "runtime/descriptor.h"

typedef enum awsc_value_type {
  AWSC_V_NULL = 0,
  AWSC_V_BOOL,
  AWSC_V_INT,       /* int64 */
  AWSC_V_DOUBLE,    /* also "NaN", "Infinity", "-Infinity" */
  AWSC_V_STRING,    /* UTF-8, (p, n), NUL-terminated in the arena */
  AWSC_V_BLOB,      /* raw bytes (p, n) */
  AWSC_V_TIMESTAMP, /* ms since epoch (i); fractional ms dropped */
  AWSC_V_LIST,
  AWSC_V_MAP,   /* ordered key/value pairs: structures and maps */
  AWSC_V_STREAM /* a streaming body, handled by the pipeline */
} awsc_value_type;

typedef struct awsc_value awsc_value;
typedef struct awsc_kv awsc_kv;

struct awsc_value {
  uint8_t type; /* awsc_value_type */
  union {
    bool b;
    int64_t i; /* INT, TIMESTAMP (ms) */
    double d;
    struct {
      const char *p;
      size_t n;
    } s; /* STRING, BLOB */
    struct {
      awsc_value *items;
      size_t n;
    } list;
    struct {
      awsc_kv *items;
      size_t n;
    } map;
    void *stream; /* STREAM: an awsc_body_source or sink, pipeline-owned */
  } u;
};

struct awsc_kv {
  const char *key; /* NUL-terminated */
  size_t key_len;
  awsc_value value;
};

/* *v = a MAP value over items[0..n) (the array is referenced, not
 * copied): how a step that rebuilds an input or output map hands it on. */
static inline void awsc_value_set_map(awsc_value *v, awsc_kv *items, size_t n) {
  memset(v, 0, sizeof(*v));
  v->type = AWSC_V_MAP;
  v->u.map.items = items;
  v->u.map.n = n;
}

/* Lookup in a MAP value by key; NULL when absent or v is not a map. */
const awsc_value *awsc_value_get(const awsc_value *v, const char *key);

/*
 * Incremental construction in an arena. A builder keeps a stack of open
 * containers; lists and maps grow by doubling inside the arena.
 * Usage: awsc_vb_begin_map(b); awsc_vb_key(b, "Name", 4);
 * awsc_vb_string(b, "x", 1); awsc_vb_end(b); ... awsc_vb_finish(b, &root).
 * Each call returns 0 or AWSC_ENOMEM / AWSC_EINVAL (misuse).
 *
 * A builder never touches the heap: its stack of open containers is
 * inline (AWSC_VB_INLINE_DEPTH levels) and deeper nesting continues in
 * the arena. Either put one on the C stack (awsc_vb_init, nothing to
 * release) or take one from the arena (awsc_vb_new; awsc_vb_free is then
 * a no-op kept for symmetry: the arena holds it).
 */
#define AWSC_VB_INLINE_DEPTH 8

typedef struct awsc_vb_frame {
  void *items; /* awsc_kv[] or awsc_value[] in the arena */
  size_t n;
  size_t cap;
  const char *key; /* pending key of a map */
  size_t key_len;
  bool is_map;
  bool has_key;
} awsc_vb_frame;

typedef struct awsc_value_builder {
  awsc_arena *arena;
  awsc_vb_frame *stack; /* inline_stack or a copy in the arena */
  size_t depth;
  size_t cap;
  awsc_value root;
  bool have_root;
  int rc; /* sticky failure */
  awsc_vb_frame inline_stack[AWSC_VB_INLINE_DEPTH];
} awsc_value_builder;

/* A builder in caller storage writing into `arena` (not NULL). */
void awsc_vb_init(awsc_value_builder *b, awsc_arena *arena);
/* A builder allocated in `arena`; NULL when arena is NULL or full. */
awsc_value_builder *awsc_vb_new(awsc_arena *arena);
void awsc_vb_free(awsc_value_builder *b);
int awsc_vb_begin_map(awsc_value_builder *b);
/* Room for `more` items in the open container beyond those it has, in
 * one allocation (a caller that knows the count saves the growth by
 * doubling and its copies). 0, or the builder's failure. */
int awsc_vb_reserve(awsc_value_builder *b, size_t more);
int awsc_vb_begin_list(awsc_value_builder *b);
int awsc_vb_end(awsc_value_builder *b);
int awsc_vb_key(awsc_value_builder *b, const char *key, size_t len);
int awsc_vb_null(awsc_value_builder *b);
int awsc_vb_bool(awsc_value_builder *b, bool v);
int awsc_vb_int(awsc_value_builder *b, int64_t v);
int awsc_vb_double(awsc_value_builder *b, double v);
int awsc_vb_string(awsc_value_builder *b, const char *p, size_t n);
int awsc_vb_blob(awsc_value_builder *b, const void *p, size_t n);
int awsc_vb_timestamp(awsc_value_builder *b, int64_t ms);
int awsc_vb_value(awsc_value_builder *b, const awsc_value *v); /* deep ref */
/* A STREAM value: `stream` is an awsc_body_source (input) owned by the
 * caller for the duration of the call. */
int awsc_vb_stream(awsc_value_builder *b, void *stream);
/* A key that borrows `key` (NUL-terminated at len) instead of copying it:
 * for names that outlive the value, such as a descriptor's member names,
 * which the validator then recognises by address. */
int awsc_vb_key_ref(awsc_value_builder *b, const char *key, size_t len);
/* A BLOB that borrows (p, n) instead of copying it. */
int awsc_vb_blob_ref(awsc_value_builder *b, const void *p, size_t n);
/* A string borrowed the same way; p[n] must be its terminating NUL. */
int awsc_vb_string_ref(awsc_value_builder *b, const char *p, size_t n);
int awsc_vb_finish(awsc_value_builder *b, awsc_value *out);

/*
 * JSON text <-> values, shape-directed (value_json.c).
 * from_json: boto3-shaped input JSON for `shape`; validates against the
 * descriptors: unknown member, wrong type, bad enum value (warning only:
 * botocore does not reject unknown enum values), missing required member
 * -> AWSC_EVALIDATION with the member path in err->message
 * ("Missing required parameter in input: \"Bucket\"",
 * "Unknown parameter in input: \"Foo\", must be one of: ...",
 * "Invalid type for parameter Key, value: 1, type: int, valid types: str").
 * Timestamps accept ISO 8601 strings or epoch numbers; blobs accept a
 * string (its UTF-8 bytes, as boto3 does with str). Float/double members
 * accept numbers and "NaN" / "Infinity" / "-Infinity"; an integral JSON
 * number stays AWSC_V_INT (botocore writes a Python int as "1", not
 * "1.0"), so consumers of float members handle INT and DOUBLE.
 * Structures keep the caller's member order (botocore serializes in the
 * order of the params dict).
 * to_json: output JSON as boto3 prints it: timestamps ISO 8601, blobs
 * base64, maps/structures as objects in member order.
 */
int awsc_value_from_json(awsc_value *out, awsc_arena *arena,
                         const awsc_shape *shape, const char *json, size_t len,
                         awsc_error *err);
int awsc_value_to_json(awsc_buf *out, const awsc_value *v,
                       const awsc_shape *shape, bool pretty);

/* Flags of awsc_value_from_json_ex. */
enum {
  /* No validation: unknown members are dropped, missing required ones
   * ignored, and mismatched scalars converted where sensible (a number
   * for a string shape keeps its text, "5" for an integer parses) or
   * else left NULL. For test suites that pass odd values on purpose. */
  AWSC_VJ_NO_VALIDATE = 1u << 0
};
/* awsc_value_from_json with flags. JSON null members are treated as
 * absent (dropped) in both modes. */
int awsc_value_from_json_ex(awsc_value *out, awsc_arena *arena,
                            const awsc_shape *shape, const char *json,
                            size_t len, unsigned flags, awsc_error *err);

/* awsc_value_from_json_ex with a hook that may rewrite the parsed JSON
 * tree (nodes are in `tmp`, an arena that lives until the conversion is
 * done) before it is converted: boto3-style conveniences such as S3's
 * CopySource given as {Bucket, Key, VersionId}. A nonzero return aborts. */
typedef struct awsc_jnode awsc_jnode;
typedef int (*awsc_jtree_fix_fn)(awsc_jnode *root, awsc_arena *tmp,
                                 void *fix_data, awsc_error *err);
int awsc_value_from_json_fix(awsc_value *out, awsc_arena *arena,
                             const awsc_shape *shape, const char *json,
                             size_t len, unsigned flags, awsc_jtree_fix_fn fix,
                             void *fix_data, awsc_error *err);
/* The same with the JSON tree in `tmp` (the caller's scratch arena, which
 * keeps it until the caller empties it; NULL = a temporary one). */
int awsc_value_from_json_tmp(awsc_value *out, awsc_arena *arena,
                             awsc_arena *tmp, const awsc_shape *shape,
                             const char *json, size_t len, unsigned flags,
                             awsc_jtree_fix_fn fix, void *fix_data,
                             awsc_error *err);

/* A double as Python's repr() writes it ("1.0", "1e+16", "0.0001"),
 * which is what botocore's bodies carry; NaN / Infinity / -Infinity as
 * those words. Returns the length; out is NUL-terminated. */
size_t awsc_double_format(double d, char out[32]);
/* Append s as a JSON string literal (quotes, escapes; UTF-8 kept). */
int awsc_json_put_string(awsc_buf *b, const char *s, size_t n);

/* A JSON tree (runtime/jtree.h) as an untyped value in arena `a`: strings
 * and keys copied into `a`, or (copy false) shared with the tree, which
 * must then live in `a` too. AWSC_ENOMEM on allocation failure. */
struct awsc_jnode;
int awsc_value_from_jnode(awsc_value *out, awsc_arena *a,
                          const struct awsc_jnode *n, bool copy);

/* The Python types botocore lists as valid for a shape type (e.g. "list,
 * tuple"), for "Invalid type for parameter X, valid types: ..." messages. */
const char *awsc_shape_valid_types(uint8_t shape_type);

/* botocore's name of a parameter inside an input ("Foo", "Foo.Bar[0]"),
 * built while walking the input for error messages only: a fixed buffer,
 * a longer path is cut (no message could show it) rather than allocated. */
typedef struct awsc_param_path {
  size_t len;
  char s[400];
} awsc_param_path;

static inline void awsc_param_path_reset(awsc_param_path *p) {
  p->len = 0;
  p->s[0] = '\0';
}
/* Append n bytes of s; returns the length to go back to. */
size_t awsc_param_path_push(awsc_param_path *p, const char *s, size_t n);
static inline void awsc_param_path_pop(awsc_param_path *p, size_t mark) {
  p->len = mark;
  p->s[mark] = '\0';
}
/* The path without a leading '.', or "input" when empty. */
const char *awsc_param_path_name(const awsc_param_path *p);

/* A number (value type vt: AWSC_V_INT, AWSC_V_TIMESTAMP, AWSC_V_DOUBLE or
 * AWSC_V_BOOL, with i, d or b its payload; any other type reads as 0)
 * into the C field f of a typed struct member of shape type st: INTEGER
 * as int32_t, LONG and TIMESTAMP as int64_t, BOOLEAN as bool, FLOAT and
 * DOUBLE as double. False (nothing written) for any other shape type.
 * The typed layout's one rule for numbers, from a parsed value (typed.c)
 * or straight from a header (parse_http.c). */
bool awsc_typed_put_number(uint8_t st, void *f, uint8_t vt, int64_t i, double d,
                           bool b);

#endif
