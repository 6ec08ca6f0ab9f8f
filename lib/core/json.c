/* lib/core/json.c - the JSON pull tokenizer (lib/core/json.h).
 *
 * Hand-written rather than yajl, by measurement (callgrind instruction
 * counts of response parsing and of awsc_call_json input, docs/design.md):
 * a pull reader needs no callbacks, hands out unescaped strings as views
 * of the input, allocates nothing for them, and cannot be left in a
 * broken state by a failed allocation (yajl 2.1 dereferences what its
 * allocator returned, which took a longjmp allocator and a pre-sized
 * pool to survive).
 *
 * Linear in the input by construction: each byte is looked at a bounded
 * number of times (a string is scanned once, eight bytes at a time until
 * a quote, backslash, control or non-ASCII byte; an escape is decoded
 * where it stands and the scan goes on after it), the scratch block grows
 * geometrically, and nesting is a bit stack.
 */
#include "core/json.h"

#include <stddef.h>
#include <string.h>

enum {
  ST_VALUE,          /* a value must come (document start, after ':' / ',') */
  ST_VALUE_OR_CLOSE, /* after '[' */
  ST_KEY_OR_CLOSE,   /* after '{' */
  ST_NEXT,           /* after a value in a container: ',' or its close */
  ST_DONE,           /* after the root value */
  ST_FAILED
};

static const char too_deep[] = "nesting too deep";

void awsc_json_reader_init(awsc_json_reader *r, const char *text, size_t len,
                           unsigned flags, unsigned max_depth,
                           awsc_arena *scratch_arena) {
  memset(r, 0, offsetof(awsc_json_reader, kinds));
  r->start = r->p = text ? text : "";
  r->end = r->p + (text ? len : 0);
  r->flags = flags;
  r->max_depth = max_depth && max_depth < AWSC_JSON_MAX_DEPTH
                     ? max_depth
                     : AWSC_JSON_MAX_DEPTH;
  r->state = ST_VALUE;
  r->scratch_arena = scratch_arena;
}

static void drop_scratch(awsc_json_reader *r) {
  if (r->scratch && !r->scratch_arena) {
    if (r->flags & AWSC_JREAD_SECRET)
      awsc_secure_zero(r->scratch, r->scratch_cap);
    awsc_free(r->scratch);
  }
  r->scratch = NULL;
  r->scratch_cap = 0;
}

void awsc_json_reader_cleanup(awsc_json_reader *r) {
  drop_scratch(r);
}

bool awsc_json_too_deep(const awsc_json_reader *r) {
  return r->rc == AWSC_EPARSE && r->what == too_deep;
}

static int fail(awsc_json_reader *r, int rc, const char *what) {
  if (!r->rc) {
    r->rc = rc;
    r->what = what;
    r->error_at = (size_t)(r->p - r->start);
    r->state = ST_FAILED;
  }
  return r->rc;
}

/* Grow the scratch block to at least `need` bytes, keeping its first
 * `keep` bytes. */
static int grow_scratch_slow(awsc_json_reader *r, size_t need, size_t keep) {
  size_t cap = r->scratch_cap < 256 ? 256 : r->scratch_cap;
  while (cap < need) {
    if (cap > SIZE_MAX / 2)
      return fail(r, AWSC_ENOMEM, "out of memory");
    cap *= 2;
  }
  char *n = r->scratch_arena ? awsc_arena_alloc(r->scratch_arena, cap)
                             : awsc_malloc(cap);
  if (!n)
    return fail(r, AWSC_ENOMEM, "out of memory");
  if (keep)
    memcpy(n, r->scratch, keep);
  drop_scratch(r);
  r->scratch = n;
  r->scratch_cap = cap;
  return 0;
}

static inline int grow_scratch(awsc_json_reader *r, size_t need, size_t keep) {
  return need <= r->scratch_cap ? 0 : grow_scratch_slow(r, need, keep);
}

int awsc_json_reader_reserve(awsc_json_reader *r, size_t n) {
  return grow_scratch(r, n, 0);
}

/* Length of the valid UTF-8 sequence at s (lead byte >= 0x80), or 0. */
static size_t utf8_seq(const unsigned char *s, const unsigned char *end) {
  unsigned char c = s[0];
  size_t len;
  uint32_t cp;
  if ((c & 0xE0) == 0xC0) {
    len = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if ((size_t)(end - s) < len)
    return 0;
  for (size_t k = 1; k < len; k++) {
    if ((s[k] & 0xC0) != 0x80)
      return 0;
    cp = (cp << 6) | (s[k] & 0x3F);
  }
  if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
      (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return len;
}

/* stop_byte[c]: 1 '"' and '\\' (always a stop), 2 control characters
 * and non-ASCII bytes (a stop unless the text is trusted). */
#define S8 2, 2, 2, 2, 2, 2, 2, 2
#define Z8 0, 0, 0, 0, 0, 0, 0, 0
static const uint8_t stop_byte[256] = {
    S8, S8, S8, S8,                             /* 0x00 - 0x1f */
    0,  0,  1,  0,  0,  0,  0,  0,  Z8, Z8, Z8, /* 0x20 - 0x3f: '"' */
    Z8, Z8, Z8, 0,  0,  0,  0,  1,  0,  0,  0,  /* 0x40 - 0x5f: '\\' */
    Z8, Z8, Z8, Z8,                             /* 0x60 - 0x7f */
    S8, S8, S8, S8, S8, S8, S8, S8, S8, S8, S8, S8, S8, S8, S8, S8};
#undef S8
#undef Z8

/* The first byte at or after p that plain copying must stop at: '"',
 * '\\', and unless the text is trusted a control character or a
 * non-ASCII byte (whose sequence is then checked). Eight bytes at a time
 * while none of them is such a byte. */
static const char *scan_plain(const char *p, const char *end, bool strict) {
  const uint64_t ones = 0x0101010101010101ull, highs = ones * 0x80;
  while (end - p >= 8) {
    uint64_t w, q, b;
    memcpy(&w, p, 8);
    q = w ^ (ones * '"');
    b = w ^ (ones * '\\');
    /* (x - 1) & ~x has the high bit set in (at least) each zero byte */
    uint64_t hit = ((q - ones) & ~q) | ((b - ones) & ~b);
    if (strict) /* bytes below 0x20, and bytes with the high bit */
      hit |= ((w - ones * 0x20) & ~w) | w;
    if (hit & highs)
      break;
    p += 8;
  }
  const uint8_t mask = strict ? 3 : 1;
  for (; p < end; p++)
    if (stop_byte[(unsigned char)*p] & mask)
      return p;
  return end;
}

/* Checked plain text from p up to the next '"' or '\\' (or the end), or
 * NULL after a failure (a control character, invalid UTF-8). */
static const char *plain_run(awsc_json_reader *r, const char *p) {
  bool strict = !(r->flags & AWSC_JREAD_NO_UTF8_CHECK);
  for (;;) {
    p = scan_plain(p, r->end, strict);
    if (p >= r->end || *p == '"' || *p == '\\')
      return p;
    r->p = p;
    if ((unsigned char)*p < 0x20) {
      fail(r, AWSC_EPARSE, "control character in string");
      return NULL;
    }
    size_t k =
        utf8_seq((const unsigned char *)p, (const unsigned char *)r->end);
    if (!k) {
      fail(r, AWSC_EPARSE, "invalid UTF-8 in string");
      return NULL;
    }
    p += k;
  }
}

static int hex4(const char *p, uint32_t *out) {
  uint32_t v = 0;
  for (int i = 0; i < 4; i++) {
    char c = p[i];
    v <<= 4;
    if (c >= '0' && c <= '9')
      v |= (uint32_t)(c - '0');
    else if (c >= 'a' && c <= 'f')
      v |= (uint32_t)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
      v |= (uint32_t)(c - 'A' + 10);
    else
      return -1;
  }
  *out = v;
  return 0;
}

static size_t put_utf8(char *o, uint32_t cp) {
  if (cp < 0x80) {
    o[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    o[0] = (char)(0xC0 | (cp >> 6));
    o[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    o[0] = (char)(0xE0 | (cp >> 12));
    o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  o[0] = (char)(0xF0 | (cp >> 18));
  o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  o[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

/* One escape at r->p (on the backslash) into out (room for 4 bytes);
 * returns the decoded length, or 0 after a failure. */
static size_t decode_escape(awsc_json_reader *r, char *out) {
  /* the one-letter escapes; 0: not one */
  static const char simple[256] = {
      ['"'] = '"',  ['\\'] = '\\', ['/'] = '/',  ['b'] = '\b',
      ['f'] = '\f', ['n'] = '\n',  ['r'] = '\r', ['t'] = '\t'};
  if (r->end - r->p < 2) {
    fail(r, AWSC_EPARSE, "unterminated string");
    return 0;
  }
  char e = r->p[1];
  if (simple[(unsigned char)e]) {
    out[0] = simple[(unsigned char)e];
    r->p += 2;
    return 1;
  }
  uint32_t cp;
  if (e != 'u' || r->end - r->p < 6 || hex4(r->p + 2, &cp)) {
    fail(r, AWSC_EPARSE, "bad escape in string");
    return 0;
  }
  r->p += 6;
  if (cp >= 0xD800 && cp <= 0xDBFF) {
    uint32_t lo;
    if (r->end - r->p >= 6 && r->p[0] == '\\' && r->p[1] == 'u' &&
        hex4(r->p + 2, &lo) == 0 && lo >= 0xDC00 && lo <= 0xDFFF) {
      cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
      r->p += 6;
    } else if (!(r->flags & AWSC_JREAD_KEEP_SURROGATES)) {
      cp = 0xFFFD; /* lone surrogate */
    }
  } else if (cp >= 0xDC00 && cp <= 0xDFFF &&
             !(r->flags & AWSC_JREAD_KEEP_SURROGATES)) {
    cp = 0xFFFD;
  }
  return put_utf8(out, cp);
}

/* The rest of a string with escapes: r->p is on the first backslash, the
 * text from s to it is plain. Decodes into the scratch block (or only
 * checks, in no_decode mode), one pass. */
static int read_escaped(awsc_json_reader *r, const char *s, awsc_jtok *tok) {
  bool out = !r->no_decode;
  size_t n = (size_t)(r->p - s);
  if (out && grow_scratch(r, n + 1, 0))
    return r->rc;
  if (out)
    memcpy(r->scratch, s, n);
  for (;;) {
    if (r->p >= r->end)
      return fail(r, AWSC_EPARSE, "unterminated string");
    if (*r->p == '"')
      break;
    if (*r->p == '\\') {
      char tmp[4];
      size_t k = decode_escape(r, tmp);
      if (!k)
        return r->rc;
      if (out && grow_scratch(r, n + k + 1, n))
        return r->rc;
      if (out)
        memcpy(r->scratch + n, tmp, k);
      n += k;
      continue;
    }
    const char *run = r->p;
    const char *e = plain_run(r, run);
    if (!e)
      return r->rc;
    r->p = e;
    size_t k = (size_t)(r->p - run);
    if (out && grow_scratch(r, n + k + 1, n))
      return r->rc;
    if (out)
      memcpy(r->scratch + n, run, k);
    n += k;
  }
  r->p++; /* closing quote */
  tok->p = out ? r->scratch : s;
  tok->n = out ? n : 0;
  return 0;
}

/* A string at r->p (on the opening quote) into tok: a view of the input
 * unless it holds escapes. */
static int read_string(awsc_json_reader *r, awsc_jtok *tok) {
  const char *s = r->p + 1;
  const char *e = plain_run(r, s);
  if (!e)
    return r->rc;
  r->p = e;
  if (e >= r->end)
    return fail(r, AWSC_EPARSE, "unterminated string");
  if (*e == '\\')
    return read_escaped(r, s, tok);
  tok->p = s;
  tok->n = (size_t)(e - s);
  r->p = e + 1;
  return 0;
}

static bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

static int read_number(awsc_json_reader *r, awsc_jtok *tok) {
  const char *s = r->p, *p = s, *end = r->end;
  if (p < end && *p == '-')
    p++;
  if (p >= end || !is_digit(*p))
    return fail(r, AWSC_EPARSE, "invalid number");
  if (*p == '0')
    p++;
  else
    while (p < end && is_digit(*p))
      p++;
  tok->is_int = true;
  if (p < end && *p == '.') {
    tok->is_int = false;
    p++;
    if (p >= end || !is_digit(*p)) {
      r->p = p;
      return fail(r, AWSC_EPARSE, "invalid number");
    }
    while (p < end && is_digit(*p))
      p++;
  }
  if (p < end && (*p == 'e' || *p == 'E')) {
    tok->is_int = false;
    p++;
    if (p < end && (*p == '+' || *p == '-'))
      p++;
    if (p >= end || !is_digit(*p)) {
      r->p = p;
      return fail(r, AWSC_EPARSE, "invalid number");
    }
    while (p < end && is_digit(*p))
      p++;
  }
  tok->type = AWSC_JTOK_NUMBER;
  tok->p = s;
  tok->n = (size_t)(p - s);
  r->p = p;
  return 0;
}

static int open_container(awsc_json_reader *r, bool object, awsc_jtok *tok) {
  if (r->depth >= r->max_depth)
    return fail(r, AWSC_EPARSE, too_deep);
  unsigned d = r->depth++;
  uint8_t bit = (uint8_t)(1u << (d & 7));
  if (object)
    r->kinds[d >> 3] |= bit;
  else
    r->kinds[d >> 3] &= (uint8_t)~bit;
  r->p++;
  r->state = object ? ST_KEY_OR_CLOSE : ST_VALUE_OR_CLOSE;
  tok->type = object ? AWSC_JTOK_BEGIN_OBJECT : AWSC_JTOK_BEGIN_ARRAY;
  return 0;
}

static bool in_object(const awsc_json_reader *r) {
  unsigned d = r->depth - 1;
  return (r->kinds[d >> 3] >> (d & 7)) & 1;
}

static int close_container(awsc_json_reader *r, awsc_jtok *tok) {
  tok->type = in_object(r) ? AWSC_JTOK_END_OBJECT : AWSC_JTOK_END_ARRAY;
  r->p++;
  r->depth--;
  r->state = r->depth ? ST_NEXT : ST_DONE;
  return 0;
}

static int read_literal(awsc_json_reader *r, awsc_jtok *tok) {
  static const struct {
    const char *w;
    size_t n;
    awsc_jtok_type type;
  } lit[] = {{"true", 4, AWSC_JTOK_TRUE},
             {"false", 5, AWSC_JTOK_FALSE},
             {"null", 4, AWSC_JTOK_NULL}};
  for (size_t i = 0; i < AWSC_ARRAY_LEN(lit); i++)
    if ((size_t)(r->end - r->p) >= lit[i].n &&
        memcmp(r->p, lit[i].w, lit[i].n) == 0) {
      r->p += lit[i].n;
      tok->type = lit[i].type;
      return 0;
    }
  return fail(r, AWSC_EPARSE, "invalid literal");
}

/* A value starting at r->p (whitespace skipped, not at the end). */
static int read_value(awsc_json_reader *r, awsc_jtok *tok) {
  int rc;
  switch (*r->p) {
  case '{':
    return open_container(r, true, tok);
  case '[':
    return open_container(r, false, tok);
  case '"':
    tok->type = AWSC_JTOK_STRING;
    rc = read_string(r, tok);
    break;
  case 't':
  case 'f':
  case 'n':
    rc = read_literal(r, tok);
    break;
  default:
    rc = read_number(r, tok);
  }
  if (rc == 0)
    r->state = r->depth ? ST_NEXT : ST_DONE;
  return rc;
}

static int read_key(awsc_json_reader *r, awsc_jtok *tok) {
  if (r->p >= r->end || *r->p != '"')
    return fail(r, AWSC_EPARSE, "expected a member name");
  tok->type = AWSC_JTOK_KEY;
  if (read_string(r, tok))
    return r->rc;
  while (r->p < r->end &&
         (*r->p == ' ' || *r->p == '\n' || *r->p == '\r' || *r->p == '\t'))
    r->p++;
  if (r->p >= r->end || *r->p != ':')
    return fail(r, AWSC_EPARSE, "expected ':'");
  r->p++;
  r->state = ST_VALUE;
  return 0;
}

int awsc_json_read(awsc_json_reader *r, awsc_jtok *tok) {
  if (r->state == ST_FAILED)
    return r->rc;
  while (r->p < r->end &&
         (*r->p == ' ' || *r->p == '\n' || *r->p == '\r' || *r->p == '\t'))
    r->p++;
  bool at_end = r->p >= r->end;
  char c = at_end ? 0 : *r->p;
  switch (r->state) {
  case ST_DONE:
    if (!at_end)
      return fail(r, AWSC_EPARSE, "trailing data after the value");
    tok->type = AWSC_JTOK_END;
    return 0;
  case ST_NEXT: {
    bool object = in_object(r);
    if (c == (object ? '}' : ']'))
      return close_container(r, tok);
    if (c != ',')
      return fail(r, AWSC_EPARSE,
                  object ? "expected ',' or '}'" : "expected ',' or ']'");
    r->p++;
    while (r->p < r->end &&
           (*r->p == ' ' || *r->p == '\n' || *r->p == '\r' || *r->p == '\t'))
      r->p++;
    if (object)
      return read_key(r, tok);
    break;
  }
  case ST_KEY_OR_CLOSE:
    if (c == '}')
      return close_container(r, tok);
    return read_key(r, tok);
  case ST_VALUE_OR_CLOSE:
    if (c == ']')
      return close_container(r, tok);
    break;
  default:
    break;
  }
  if (r->p >= r->end)
    return fail(r, AWSC_EPARSE, "unexpected end of input");
  return read_value(r, tok);
}

int awsc_json_skip(awsc_json_reader *r, const awsc_jtok *first) {
  if (first->type != AWSC_JTOK_BEGIN_OBJECT &&
      first->type != AWSC_JTOK_BEGIN_ARRAY)
    return 0;
  unsigned target = r->depth - 1;
  bool was = r->no_decode;
  r->no_decode = true;
  awsc_jtok t;
  int rc;
  while ((rc = awsc_json_read(r, &t)) == 0 && r->depth > target)
    ;
  r->no_decode = was;
  return rc;
}
