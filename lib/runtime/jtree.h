/*
 * lib/runtime/jtree.h - a small read-only JSON tree in an arena, built on
 * the library's JSON reader (lib/core/json.h): allocation failures come
 * back as AWSC_ENOMEM, every byte goes through the arena or awsc_malloc.
 *
 * Used by model_load.c (botocore models), value_json.c (boto3-shaped
 * input) and the conformance runners. Object members keep document order;
 * numbers keep their text as well as the converted value.
 */
#ifndef AWSC_RUNTIME_JTREE_H
#define AWSC_RUNTIME_JTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

typedef enum awsc_jtype {
  AWSC_J_NULL = 0,
  AWSC_J_BOOL,
  AWSC_J_INT,    /* fits int64 */
  AWSC_J_DOUBLE, /* has '.', 'e' or does not fit int64 */
  AWSC_J_STRING,
  AWSC_J_ARRAY,
  AWSC_J_OBJECT
} awsc_jtype;

typedef struct awsc_jnode awsc_jnode;

typedef struct awsc_jmember {
  const char *key; /* NUL-terminated */
  size_t key_len;
  awsc_jnode *value;
} awsc_jmember;

struct awsc_jnode {
  uint8_t type; /* awsc_jtype */
  bool b;       /* BOOL */
  union {
    size_t n;     /* STRING, INT, DOUBLE: length of s */
    size_t count; /* ARRAY: items; OBJECT: members */
  };
  union {
    /* STRING: the decoded text; INT/DOUBLE: the number as written.
     * NUL-terminated. */
    const char *s;
    awsc_jnode **items;
    awsc_jmember *members;
  };
  union {
    int64_t i; /* INT */
    double d;  /* DOUBLE */
  };
};

/* A number node as double / as int64 (clamped, NaN -> 0). */
static inline double awsc_jtree_as_double(const awsc_jnode *n) {
  return n->type == AWSC_J_INT ? (double)n->i : n->d;
}
static inline int64_t awsc_jtree_as_i64(const awsc_jnode *n) {
  if (n->type == AWSC_J_INT)
    return n->i;
  if (!(n->d == n->d))
    return 0;
  if (n->d >= 9.2e18)
    return INT64_MAX;
  if (n->d <= -9.2e18)
    return INT64_MIN;
  return (int64_t)n->d;
}

/* Parse flags. */
enum {
  /* Drop "documentation", "documentationUrl" and "examples" values of
   * every object (service models: most of S3's 1.4 MB). */
  AWSC_JPARSE_SKIP_DOCS = 1u << 0, /* values checked, not built */
  /* Trusted input (model files): skip the UTF-8 and control-character
   * checks of strings. */
  AWSC_JPARSE_NO_UTF8_CHECK = 1u << 1,
  /* Keep lone surrogate escapes as WTF-8 bytes (AWSC_JREAD_KEEP_SURROGATES):
   * user input, which the validator then refuses naming the parameter. */
  AWSC_JPARSE_KEEP_SURROGATES = 1u << 2
};

/* Parse `len` bytes of JSON into a tree allocated in `arena`.
 * Returns 0, AWSC_EPARSE (err->message says where) or AWSC_ENOMEM. */
int awsc_jtree_parse(awsc_jnode **out, awsc_arena *arena, const char *json,
                     size_t len, unsigned flags, awsc_error *err);

/* Copy n bytes (which may contain NULs) into the arena, NUL-terminated. */
char *awsc_arena_memdup0(awsc_arena *arena, const void *p, size_t n);

/* Member of an object by key (linear; objects are small); NULL if absent
 * or `obj` is not an object. */
const awsc_jnode *awsc_jtree_get(const awsc_jnode *obj, const char *key);
/* String value of member `key`, or NULL when absent / not a string. */
const char *awsc_jtree_get_str(const awsc_jnode *obj, const char *key);
/* Boolean member: true only for JSON true. */
bool awsc_jtree_get_bool(const awsc_jnode *obj, const char *key);

#endif
