/* lib/runtime/jtree.c - JSON text to an arena tree.
 *
 * A small recursive-descent parser rather than yajl: yajl (2.1) does not
 * check its own allocations, so an allocation failure inside it crashes
 * instead of returning AWSC_ENOMEM, and yajl_tree mallocs every node
 * behind our allocator. This one builds straight into the arena, keeps
 * one scratch stack for the children of open containers, and can skip
 * documentation values without building them (most of S3's 1.4 MB). */
#include "runtime/jtree.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define JT_MAX_DEPTH 512
/* What a check-only parse (build == false) returns on success: any
 * non-NULL pointer will do, nothing reads it. */
#define CHECKED(j) ((awsc_jnode *)(void *)(j))

typedef struct jparser {
  const char *start;
  const char *p;
  const char *end;
  awsc_arena *arena;
  unsigned flags;
  int depth;
  int rc;           /* AWSC_EPARSE or AWSC_ENOMEM once failed */
  const char *what; /* parse error text */
  /* children of the open containers, innermost last */
  awsc_jmember *stack; /* inline_stack until it outgrows it */
  size_t top;
  size_t cap;
  awsc_jmember inline_stack[16];
} jparser;

char *awsc_arena_memdup0(awsc_arena *arena, const void *p, size_t n) {
  if (n == SIZE_MAX)
    return NULL;
  char *d = awsc_arena_alloc(arena, n + 1);
  if (!d)
    return NULL;
  if (n)
    memcpy(d, p, n);
  d[n] = '\0';
  return d;
}

static void *fail(jparser *j, int rc, const char *what) {
  if (!j->rc) {
    j->rc = rc;
    j->what = what;
  }
  return NULL;
}

static void skip_ws(jparser *j) {
  while (j->p < j->end &&
         (*j->p == ' ' || *j->p == '\n' || *j->p == '\r' || *j->p == '\t'))
    j->p++;
}

static awsc_jnode *new_node(jparser *j, uint8_t type) {
  awsc_jnode *n = awsc_arena_alloc(j->arena, sizeof *n);
  if (!n)
    return fail(j, AWSC_ENOMEM, "out of memory");
  memset(n, 0, sizeof *n);
  n->type = type;
  return n;
}

static bool utf8_valid(const unsigned char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    unsigned char c = s[i];
    if (c < 0x80) {
      i++;
      continue;
    }
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
      return false;
    }
    if (i + len > n)
      return false;
    for (size_t k = 1; k < len; k++) {
      if ((s[i + k] & 0xC0) != 0x80)
        return false;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += len;
  }
  return true;
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

/* Parse a string at j->p (on the opening quote). When `build` is false
 * the text is only checked. Decoded text never outgrows its source. */
static bool parse_string(jparser *j, bool build, const char **out,
                         size_t *out_len) {
  const char *s = ++j->p;
  bool escapes = false;
  bool strict = !(j->flags & AWSC_JPARSE_NO_UTF8_CHECK);
  /* memchr to the next quote; a backslash before it means escapes */
  for (;;) {
    const char *q = memchr(j->p, '"', (size_t)(j->end - j->p));
    if (!q) {
      j->p = j->end;
      break;
    }
    const char *bs = memchr(j->p, '\\', (size_t)(q - j->p));
    if (!bs) {
      j->p = q;
      break;
    }
    escapes = true;
    j->p = bs + 2 <= j->end ? bs + 2 : j->end;
  }
  if (strict) {
    for (const char *c = s; c < j->p; c++)
      if ((unsigned char)*c < 0x20) {
        fail(j, AWSC_EPARSE, "control character in string");
        return false;
      }
  }
  if (j->p >= j->end) {
    fail(j, AWSC_EPARSE, "unterminated string");
    return false;
  }
  size_t raw = (size_t)(j->p - s);
  j->p++; /* closing quote */
  if (!(j->flags & AWSC_JPARSE_NO_UTF8_CHECK) &&
      !utf8_valid((const unsigned char *)s, raw)) {
    fail(j, AWSC_EPARSE, "invalid UTF-8 in string");
    return false;
  }
  if (!escapes) {
    if (build) {
      *out = awsc_arena_memdup0(j->arena, s, raw);
      *out_len = raw;
      if (!*out) {
        fail(j, AWSC_ENOMEM, "out of memory");
        return false;
      }
    }
    return true;
  }
  char *o = build ? awsc_arena_alloc(j->arena, raw + 1) : NULL;
  if (build && !o) {
    fail(j, AWSC_ENOMEM, "out of memory");
    return false;
  }
  size_t n = 0;
  char tmp[4];
  for (size_t i = 0; i < raw;) {
    if (s[i] != '\\') {
      if (o)
        o[n] = s[i];
      n++;
      i++;
      continue;
    }
    char e = s[i + 1];
    const char *simple = strchr("\"\\/bfnrt", e);
    if (e && simple) {
      static const char map[] = "\"\\/\b\f\n\r\t";
      if (o)
        o[n] = map[simple - "\"\\/bfnrt"];
      n++;
      i += 2;
      continue;
    }
    uint32_t cp;
    if (e != 'u' || i + 6 > raw || hex4(s + i + 2, &cp)) {
      fail(j, AWSC_EPARSE, "bad escape in string");
      return false;
    }
    i += 6;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      uint32_t lo;
      if (i + 6 <= raw && s[i] == '\\' && s[i + 1] == 'u' &&
          hex4(s + i + 2, &lo) == 0 && lo >= 0xDC00 && lo <= 0xDFFF) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        i += 6;
      } else {
        cp = 0xFFFD; /* lone surrogate */
      }
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
      cp = 0xFFFD;
    }
    size_t k = put_utf8(o ? o + n : tmp, cp);
    n += k;
  }
  if (o) {
    o[n] = '\0';
    *out = o;
    *out_len = n;
  }
  return true;
}

static awsc_jnode *parse_number(jparser *j, bool build) {
  const char *s = j->p;
  const char *p = s;
  if (p < j->end && *p == '-')
    p++;
  if (p >= j->end || *p < '0' || *p > '9')
    return fail(j, AWSC_EPARSE, "invalid number");
  if (*p == '0')
    p++;
  else
    while (p < j->end && *p >= '0' && *p <= '9')
      p++;
  bool is_int = true;
  if (p < j->end && *p == '.') {
    is_int = false;
    p++;
    if (p >= j->end || *p < '0' || *p > '9')
      return fail(j, AWSC_EPARSE, "invalid number");
    while (p < j->end && *p >= '0' && *p <= '9')
      p++;
  }
  if (p < j->end && (*p == 'e' || *p == 'E')) {
    is_int = false;
    p++;
    if (p < j->end && (*p == '+' || *p == '-'))
      p++;
    if (p >= j->end || *p < '0' || *p > '9')
      return fail(j, AWSC_EPARSE, "invalid number");
    while (p < j->end && *p >= '0' && *p <= '9')
      p++;
  }
  j->p = p;
  if (!build)
    return CHECKED(j);
  awsc_jnode *n = new_node(j, AWSC_J_INT);
  char *txt = n ? awsc_arena_memdup0(j->arena, s, (size_t)(p - s)) : NULL;
  if (!txt)
    return fail(j, AWSC_ENOMEM, "out of memory");
  n->s = txt;
  n->n = (size_t)(p - s);
  if (is_int) {
    errno = 0;
    long long v = strtoll(txt, NULL, 10);
    if (errno == ERANGE) {
      is_int = false;
    } else {
      n->i = v;
    }
  }
  if (!is_int) {
    n->type = AWSC_J_DOUBLE;
    n->d = strtod(txt, NULL);
  }
  return n;
}

static bool match_word(jparser *j, const char *w, size_t n) {
  if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n) != 0)
    return false;
  j->p += n;
  return true;
}

static bool is_doc_key(const char *k, size_t len) {
  return (len == 13 && memcmp(k, "documentation", 13) == 0) ||
         (len == 16 && memcmp(k, "documentationUrl", 16) == 0) ||
         (len == 8 && memcmp(k, "examples", 8) == 0);
}

static int push(jparser *j, const char *key, size_t key_len,
                awsc_jnode *value) {
  if (j->top == j->cap) {
    size_t cap = j->cap < 64 ? 64 : j->cap * 2;
    awsc_jmember *s;
    if (j->stack == j->inline_stack) {
      s = awsc_malloc(cap * sizeof *s);
      if (s)
        memcpy(s, j->stack, j->top * sizeof *s);
    } else {
      s = awsc_realloc(j->stack, cap * sizeof *s);
    }
    if (!s) {
      fail(j, AWSC_ENOMEM, "out of memory");
      return -1;
    }
    j->stack = s;
    j->cap = cap;
  }
  j->stack[j->top].key = key;
  j->stack[j->top].key_len = key_len;
  j->stack[j->top].value = value;
  j->top++;
  return 0;
}

/* Parse one value. With build false nothing is allocated and the return
 * value is only NULL (failure) or non-NULL. */
static awsc_jnode *parse_value(jparser *j, bool build);

static awsc_jnode *parse_container(jparser *j, bool build, bool object) {
  if (++j->depth > JT_MAX_DEPTH)
    return fail(j, AWSC_EPARSE, "nesting too deep");
  char close = object ? '}' : ']';
  size_t base = j->top;
  j->p++;
  skip_ws(j);
  if (j->p < j->end && *j->p == close) {
    j->p++;
  } else {
    for (;;) {
      const char *key = NULL;
      size_t key_len = 0;
      bool keep = build;
      skip_ws(j);
      if (object) {
        if (j->p >= j->end || *j->p != '"')
          return fail(j, AWSC_EPARSE, "expected a member name");
        if (!parse_string(j, build, &key, &key_len))
          return NULL;
        if (build && (j->flags & AWSC_JPARSE_SKIP_DOCS) &&
            is_doc_key(key, key_len))
          keep = false;
        skip_ws(j);
        if (j->p >= j->end || *j->p != ':')
          return fail(j, AWSC_EPARSE, "expected ':'");
        j->p++;
      }
      awsc_jnode *v = parse_value(j, keep);
      if (!v)
        return NULL;
      if (keep && push(j, key, key_len, v))
        return NULL;
      skip_ws(j);
      if (j->p < j->end && *j->p == ',') {
        j->p++;
        continue;
      }
      if (j->p < j->end && *j->p == close) {
        j->p++;
        break;
      }
      return fail(j, AWSC_EPARSE,
                  object ? "expected ',' or '}'" : "expected ',' or ']'");
    }
  }
  j->depth--;
  if (!build)
    return CHECKED(j);
  awsc_jnode *n = new_node(j, object ? AWSC_J_OBJECT : AWSC_J_ARRAY);
  if (!n)
    return NULL;
  size_t count = j->top - base;
  n->count = count;
  if (count) {
    if (object) {
      n->members = awsc_arena_alloc(j->arena, count * sizeof *n->members);
      if (!n->members)
        return fail(j, AWSC_ENOMEM, "out of memory");
      memcpy(n->members, j->stack + base, count * sizeof *n->members);
    } else {
      n->items = awsc_arena_alloc(j->arena, count * sizeof *n->items);
      if (!n->items)
        return fail(j, AWSC_ENOMEM, "out of memory");
      for (size_t i = 0; i < count; i++)
        n->items[i] = j->stack[base + i].value;
    }
  }
  j->top = base;
  return n;
}

static awsc_jnode *parse_value(jparser *j, bool build) {
  skip_ws(j);
  if (j->p >= j->end)
    return fail(j, AWSC_EPARSE, "unexpected end of input");
  switch (*j->p) {
  case '{':
    return parse_container(j, build, true);
  case '[':
    return parse_container(j, build, false);
  case '"': {
    const char *s = NULL;
    size_t n = 0;
    if (!parse_string(j, build, &s, &n))
      return NULL;
    if (!build)
      return CHECKED(j);
    awsc_jnode *node = new_node(j, AWSC_J_STRING);
    if (node) {
      node->s = s;
      node->n = n;
    }
    return node;
  }
  case 't':
  case 'f':
  case 'n': {
    uint8_t type;
    bool b = false;
    if (match_word(j, "true", 4)) {
      type = AWSC_J_BOOL;
      b = true;
    } else if (match_word(j, "false", 5)) {
      type = AWSC_J_BOOL;
    } else if (match_word(j, "null", 4)) {
      type = AWSC_J_NULL;
    } else {
      return fail(j, AWSC_EPARSE, "invalid literal");
    }
    if (!build)
      return CHECKED(j);
    awsc_jnode *node = new_node(j, type);
    if (node)
      node->b = b;
    return node;
  }
  default:
    return parse_number(j, build);
  }
}

int awsc_jtree_parse(awsc_jnode **out, awsc_arena *arena, const char *json,
                     size_t len, unsigned flags, awsc_error *err) {
  *out = NULL;
  jparser j;
  memset(&j, 0, offsetof(jparser, inline_stack));
  j.stack = j.inline_stack;
  j.cap = AWSC_ARRAY_LEN(j.inline_stack);
  j.start = j.p = json ? json : "";
  j.end = j.p + (json ? len : 0);
  j.arena = arena;
  j.flags = flags;
  awsc_jnode *root = parse_value(&j, true);
  if (root) {
    skip_ws(&j);
    if (j.p != j.end)
      root = fail(&j, AWSC_EPARSE, "trailing data after the value");
  }
  if (j.stack != j.inline_stack)
    awsc_free(j.stack);
  if (!root) {
    if (j.rc == AWSC_ENOMEM)
      return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                            "out of memory");
    return awsc_error_set(err, AWSC_EPARSE, AWSC_ERROR_PARSE,
                          "invalid JSON near byte %zu: %s",
                          (size_t)(j.p - j.start), j.what);
  }
  *out = root;
  return 0;
}

const awsc_jnode *awsc_jtree_get(const awsc_jnode *obj, const char *key) {
  if (!obj || obj->type != AWSC_J_OBJECT)
    return NULL;
  size_t kl = strlen(key);
  for (size_t i = 0; i < obj->count; i++) {
    const awsc_jmember *m = &obj->members[i];
    if (m->key_len == kl && memcmp(m->key, key, kl) == 0)
      return m->value;
  }
  return NULL;
}

const char *awsc_jtree_get_str(const awsc_jnode *obj, const char *key) {
  const awsc_jnode *n = awsc_jtree_get(obj, key);
  return n && n->type == AWSC_J_STRING ? n->s : NULL;
}

bool awsc_jtree_get_bool(const awsc_jnode *obj, const char *key) {
  const awsc_jnode *n = awsc_jtree_get(obj, key);
  return n && n->type == AWSC_J_BOOL && n->b;
}
