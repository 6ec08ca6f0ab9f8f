/*
 * lib/client/jmespath.h - internal: a JMESPath subset over awsc_value,
 * enough for the paginators (output_token, more_results, result_key,
 * non_aggregate_keys) and waiters (acceptor arguments) of botocore models.
 *
 * Supported (see jmespath.c for the grammar and why the rest is left out):
 *   identifiers (bare and "quoted"), a.b sub-expressions, @, a[0] / a[-1]
 *   indexes, a[] flatten and a[].b projections, a[*] and a.* wildcard
 *   projections, a[?cond] filters, || && ! and ( ), == != < <= > >=,
 *   `json` literals and 'raw string' literals, pipes a | b, and the
 *   functions length(), contains(), keys() and values(), and multi-select
 *   lists [a, b] (boto3's S3 object_versions collection path is
 *   "[Versions,DeleteMarkers]|[]"). Anything else
 * (multi-select hashes, slices, &expressions, other functions) is
 * refused at compile time with an AWSC_EINVAL error naming the position, never
 * evaluated.
 *
 * Results are values: plain copies of parts of the input (which must
 * outlive them) or values built in the arena given to the search.
 */
#ifndef AWSC_CLIENT_JMESPATH_H
#define AWSC_CLIENT_JMESPATH_H

#include <stdbool.h>
#include <stdint.h>

#include "core/core.h"
#include "runtime/value.h"

typedef struct awsc_jmespath awsc_jmespath;

/* An expression whose result could hold one piece of its input more than
 * this many times (multi-select lists in stages: "[@,@] | [@,@] | ...") is
 * refused at compile time with AWSC_EINVAL: walking such a result takes
 * time exponential in the expression. Model expressions stay below 4. */
#define AWSC_JMESPATH_MAX_COPIES 256

/* Compile `expr` into `arena` (the compiled form lives there).
 * Returns 0, AWSC_EINVAL (syntax error or unsupported syntax; err->message
 * says what and where) or AWSC_ENOMEM. */
int awsc_jmespath_compile(awsc_jmespath **out, awsc_arena *arena,
                          const char *expr, awsc_error *err);

/* Evaluate against `data`. *out is NULL-typed when nothing matches (JMESPath
 * null). New values (projections, literals, function results) go into
 * `arena`. Returns 0, AWSC_EINVAL (a type error: length() of a number) or
 * AWSC_ENOMEM. */
int awsc_jmespath_search(const awsc_jmespath *e, const awsc_value *data,
                         awsc_arena *arena, awsc_value *out, awsc_error *err);

/* Compile and evaluate in one go (compiled form goes into `arena`). */
int awsc_jmespath_eval(const char *expr, const awsc_value *data,
                       awsc_arena *arena, awsc_value *out, awsc_error *err);

/* The expression text as compiled. */
const char *awsc_jmespath_text(const awsc_jmespath *e);

/* JMESPath truthiness: false for null, false, "", [] and {}; every
 * number is true. */
bool awsc_jmespath_truthy(const awsc_value *v);

/* Deep equality as jmespath.py compares (Python ==): numbers by value
 * (1 == 1.0), maps regardless of key order, lists item by item, and never
 * a boolean equal to a number. */
bool awsc_jmespath_equal(const awsc_value *a, const awsc_value *b);

/* ---- compiled form: shared by the parser (jmespath.c) and the
 * evaluator (jmespath_eval.c) only ---- */
typedef enum awsc_jp_node_type {
  AWSC_JP_IDENTITY = 0, /* @, and the implicit left side of [0], [], ... */
  AWSC_JP_FIELD,
  AWSC_JP_SUB, /* r evaluated on the result of l (a.b, a[0], a | b) */
  AWSC_JP_INDEX,
  AWSC_JP_PROJECT,  /* r over each item of the list l; nulls dropped */
  AWSC_JP_VPROJECT, /* r over each value of the object l */
  AWSC_JP_FILTER,   /* r over each item of l for which c is truthy */
  AWSC_JP_FLATTEN,
  AWSC_JP_LITERAL,
  AWSC_JP_CMP,
  AWSC_JP_OR,
  AWSC_JP_AND,
  AWSC_JP_NOT,
  AWSC_JP_FUNC,      /* op(c) or op(c, r): awsc_jp_fn */
  AWSC_JP_MULTI_LIST /* [l, ...]: l one item, r the next MULTI_LIST */
} awsc_jp_node_type;

typedef enum awsc_jp_cmp {
  AWSC_JP_EQ = 0,
  AWSC_JP_NE,
  AWSC_JP_LT,
  AWSC_JP_LTE,
  AWSC_JP_GT,
  AWSC_JP_GTE
} awsc_jp_cmp;

typedef enum awsc_jp_fn {
  AWSC_JP_FN_LENGTH = 0,
  AWSC_JP_FN_CONTAINS,
  AWSC_JP_FN_KEYS,
  AWSC_JP_FN_VALUES
} awsc_jp_fn;

typedef struct awsc_jp_node {
  uint8_t type;     /* awsc_jp_node_type */
  uint8_t op;       /* CMP: awsc_jp_cmp; FUNC: awsc_jp_fn */
  const char *name; /* FIELD: (name, len), may hold NULs ("quoted") */
  size_t len;
  int64_t index;  /* INDEX: negative counts from the end */
  awsc_value lit; /* LITERAL */
  struct awsc_jp_node *l, *r, *c;
} awsc_jp_node;

struct awsc_jmespath {
  const char *text;
  awsc_jp_node *root;
};

#endif
