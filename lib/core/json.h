/*
 * lib/core/json.h - the library's one JSON reader: a pull tokenizer over
 * a complete text in memory, linear in its input.
 *
 * Every JSON consumer sits on it: the arena tree (lib/runtime/jtree.c:
 * models, boto3-shaped input, rule sets, conformance data), response
 * bodies straight into the value builder (lib/protocols/parse_json.c)
 * and the credential replies (lib/auth/credentials.c). It lives in core
 * because auth, the lowest of those, sits below runtime.
 *
 * The reader validates as it goes (structure, numbers, escapes, UTF-8 and
 * control characters in strings) and stops at the first error. It never
 * allocates unless a string holds escapes: then the decoded text goes to
 * one growable scratch block (from an arena when one is given, else
 * awsc_malloc), so a failed allocation is just AWSC_ENOMEM.
 */
#ifndef AWSC_CORE_JSON_H
#define AWSC_CORE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

/* The deepest nesting any caller accepts; callers may ask for less. */
#define AWSC_JSON_MAX_DEPTH 512

typedef enum awsc_jtok_type {
  AWSC_JTOK_END = 0, /* the document is complete (only whitespace after) */
  AWSC_JTOK_NULL,
  AWSC_JTOK_TRUE,
  AWSC_JTOK_FALSE,
  AWSC_JTOK_NUMBER, /* text: the number as written */
  AWSC_JTOK_STRING, /* text: decoded */
  AWSC_JTOK_KEY,    /* text: decoded member name; its value comes next */
  AWSC_JTOK_BEGIN_OBJECT,
  AWSC_JTOK_END_OBJECT,
  AWSC_JTOK_BEGIN_ARRAY,
  AWSC_JTOK_END_ARRAY
} awsc_jtok_type;

typedef struct awsc_jtok {
  awsc_jtok_type type;
  bool is_int; /* NUMBER: no fraction, no exponent */
  /* NUMBER, STRING, KEY: a view into the input or into the scratch block,
   * valid until the next call on the reader. Not NUL-terminated. */
  const char *p;
  size_t n;
} awsc_jtok;

/* Reader flags. */
enum {
  /* Trusted input (model files): skip the UTF-8 and control-character
   * checks of strings. */
  AWSC_JREAD_NO_UTF8_CHECK = 1u << 0,
  /* The text holds secrets: the scratch block is wiped before it is
   * freed or replaced. */
  AWSC_JREAD_SECRET = 1u << 1,
  /* A lone surrogate escape (\ud800) is kept as its 3-byte (WTF-8)
   * encoding instead of U+FFFD, so that input validation can refuse it
   * as Python's encoder does ("surrogates not allowed"). */
  AWSC_JREAD_KEEP_SURROGATES = 1u << 2
};

typedef struct awsc_json_reader {
  const char *start, *p, *end;
  unsigned flags;
  unsigned depth;     /* open containers */
  unsigned max_depth; /* <= AWSC_JSON_MAX_DEPTH */
  uint8_t state;
  bool no_decode; /* inside awsc_json_skip: check strings, do not copy */
  /* decoded strings with escapes */
  char *scratch;
  size_t scratch_cap;
  awsc_arena *scratch_arena; /* NULL: scratch is awsc_malloc'd */
  /* after a failure: AWSC_EPARSE or AWSC_ENOMEM, what and where */
  int rc;
  const char *what;
  size_t error_at; /* byte offset */
  /* bit d set: the container at depth d + 1 is an object (last: not
   * cleared by init, each bit is written before it is read) */
  uint8_t kinds[AWSC_JSON_MAX_DEPTH / 8];
} awsc_json_reader;

/* Start reading `len` bytes (`text` may be NULL when len is 0).
 * `scratch_arena`: where decoded strings go (NULL: awsc_malloc, freed by
 * awsc_json_reader_cleanup). max_depth 0 means AWSC_JSON_MAX_DEPTH. */
void awsc_json_reader_init(awsc_json_reader *r, const char *text, size_t len,
                           unsigned flags, unsigned max_depth,
                           awsc_arena *scratch_arena);

/* Size the scratch block up front (it never needs more than the input's
 * length + 1): for callers that want exactly one allocation. */
int awsc_json_reader_reserve(awsc_json_reader *r, size_t n);

/* The next token in *tok. Returns 0, AWSC_EPARSE (r->what, r->error_at)
 * or AWSC_ENOMEM; after a failure every call returns the same. */
int awsc_json_read(awsc_json_reader *r, awsc_jtok *tok);

/* Skip the value whose first token `first` was just read (a scalar: no
 * work; a container: up to its end), checking it without decoding. */
int awsc_json_skip(awsc_json_reader *r, const awsc_jtok *first);

/* Free (and for AWSC_JREAD_SECRET, wipe) the scratch block. */
void awsc_json_reader_cleanup(awsc_json_reader *r);

/* True when the failure was the nesting limit. */
bool awsc_json_too_deep(const awsc_json_reader *r);

#endif
