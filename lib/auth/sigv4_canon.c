/*
 * lib/auth/sigv4_canon.c - the canonical forms SigV4 signs: header names
 * and values, header and query ordering, the canonical URI path.
 */
#include <stdlib.h>
#include <string.h>

#include "auth/sigv4_internal.h"

/* ---- header names ---- */

/* RFC 7230 token characters mapped to their lower-case form, 0 for every
 * other byte: one lookup both validates and lower-cases a name. */
static const unsigned char k_token_lower[256] = {
    ['!'] = '!',   ['#'] = '#', ['$'] = '$', ['%'] = '%', ['&'] = '&',
    ['\''] = '\'', ['*'] = '*', ['+'] = '+', ['-'] = '-', ['.'] = '.',
    ['^'] = '^',   ['_'] = '_', ['`'] = '`', ['|'] = '|', ['~'] = '~',
    ['0'] = '0',   ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4',
    ['5'] = '5',   ['6'] = '6', ['7'] = '7', ['8'] = '8', ['9'] = '9',
    ['a'] = 'a',   ['b'] = 'b', ['c'] = 'c', ['d'] = 'd', ['e'] = 'e',
    ['f'] = 'f',   ['g'] = 'g', ['h'] = 'h', ['i'] = 'i', ['j'] = 'j',
    ['k'] = 'k',   ['l'] = 'l', ['m'] = 'm', ['n'] = 'n', ['o'] = 'o',
    ['p'] = 'p',   ['q'] = 'q', ['r'] = 'r', ['s'] = 's', ['t'] = 't',
    ['u'] = 'u',   ['v'] = 'v', ['w'] = 'w', ['x'] = 'x', ['y'] = 'y',
    ['z'] = 'z',   ['A'] = 'a', ['B'] = 'b', ['C'] = 'c', ['D'] = 'd',
    ['E'] = 'e',   ['F'] = 'f', ['G'] = 'g', ['H'] = 'h', ['I'] = 'i',
    ['J'] = 'j',   ['K'] = 'k', ['L'] = 'l', ['M'] = 'm', ['N'] = 'n',
    ['O'] = 'o',   ['P'] = 'p', ['Q'] = 'q', ['R'] = 'r', ['S'] = 's',
    ['T'] = 't',   ['U'] = 'u', ['V'] = 'v', ['W'] = 'w', ['X'] = 'x',
    ['Y'] = 'y',   ['Z'] = 'z',
};

bool sigv4_lower_name(char *dst, const char *name, size_t n) {
  unsigned char bad = (n == 0);
  for (size_t i = 0; i < n; i++) {
    unsigned char l = k_token_lower[(unsigned char)name[i]];
    bad |= (l == 0);
    dst[i] = (char)l;
  }
  return !bad;
}

#define IS(lit) (n == sizeof(lit) - 1 && memcmp(name, lit, n) == 0)

sigv4_hclass sigv4_header_class(const char *name, size_t n) {
  /* Dispatch on the first letter so the common headers cost one or two
   * comparisons. */
  switch (name[0]) {
  case 'a':
    if (IS("authorization"))
      return SIGV4_H_AUTHORIZATION;
    break;
  case 'c':
    if (IS("connection"))
      return SIGV4_H_SKIP;
    break;
  case 'e':
    if (IS("expect"))
      return SIGV4_H_SKIP;
    break;
  case 'h':
    if (IS("host"))
      return SIGV4_H_HOST;
    break;
  case 'k':
    if (IS("keep-alive"))
      return SIGV4_H_SKIP;
    break;
  case 'p':
    if (IS("proxy-authenticate") || IS("proxy-authorization"))
      return SIGV4_H_SKIP;
    break;
  case 't':
    if (IS("te") || IS("trailer") || IS("transfer-encoding"))
      return SIGV4_H_SKIP;
    break;
  case 'u':
    if (IS("upgrade") || IS("user-agent"))
      return SIGV4_H_SKIP;
    break;
  case 'x':
    if (IS("x-amz-date"))
      return SIGV4_H_DATE;
    if (IS("x-amz-security-token"))
      return SIGV4_H_TOKEN;
    if (IS("x-amz-content-sha256"))
      return SIGV4_H_CONTENT_SHA256;
    if (IS("x-amzn-trace-id"))
      return SIGV4_H_SKIP;
    break;
  default:
    break;
  }
  return SIGV4_H_SIGN;
}

/* ---- header values ---- */

static inline bool is_ws(unsigned char c) {
  return c == ' ' || (c >= '\t' && c <= '\r'); /* \t \n \v \f \r */
}

/* Whether any byte is below 0x20 (tab, line breaks and other controls),
 * eight bytes at a time. */
static bool has_control(const char *v, size_t n) {
  const uint64_t ones = 0x0101010101010101ull;
  const uint64_t highs = 0x8080808080808080ull;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t x;
    memcpy(&x, v + i, 8);
    if ((x - ones * 0x20) & ~x & highs)
      return true;
  }
  for (; i < n; i++)
    if ((unsigned char)v[i] < 0x20)
      return true;
  return false;
}

/* Whether the value is already in canonical form: no control characters,
 * no leading, trailing or repeated spaces. Most values are. */
static bool is_canonical_value(const char *v, size_t n) {
  if (v[0] == ' ' || v[n - 1] == ' ' || has_control(v, n))
    return false;
  const char *end = v + n;
  for (const char *p = v; (p = memchr(p, ' ', (size_t)(end - p))) != NULL;
       p++) {
    if (p[1] == ' ') /* p + 1 < end: the last byte is not a space */
      return false;
  }
  return true;
}

size_t sigv4_write_value(char *dst, const char *v, size_t n) {
  if (n == 0)
    return 0;
  if (is_canonical_value(v, n)) {
    memcpy(dst, v, n);
    return n;
  }
  char *w = dst;
  bool pending = false; /* white space seen after some text */
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)v[i];
    if (is_ws(c)) {
      pending = (w != dst);
      continue;
    }
    if (pending) {
      *w++ = ' ';
      pending = false;
    }
    *w++ = (char)c;
  }
  return (size_t)(w - dst);
}

/* ---- header order ---- */

static int name_cmp(const sigv4_hdr *a, const sigv4_hdr *b) {
  size_t n = a->name_len < b->name_len ? a->name_len : b->name_len;
  int c = memcmp(a->name, b->name, n);
  if (c)
    return c;
  return a->name_len < b->name_len ? -1 : (a->name_len > b->name_len);
}

/* Total order: name, then position in the input (stability keeps repeated
 * headers in the order given, which their joined value depends on). */
static int hdr_cmp(const void *pa, const void *pb) {
  const sigv4_hdr *a = pa, *b = pb;
  int c = name_cmp(a, b);
  if (c)
    return c;
  return a->order < b->order ? -1 : (a->order > b->order);
}

void sigv4_sort_headers(sigv4_hdr *h, size_t n) {
  if (n > 16) {
    qsort(h, n, sizeof(*h), hdr_cmp);
    return;
  }
  /* Requests carry a handful of headers: insertion sort wins there. */
  for (size_t i = 1; i < n; i++) {
    sigv4_hdr t = h[i];
    size_t j = i;
    while (j > 0 && hdr_cmp(&h[j - 1], &t) > 0) {
      h[j] = h[j - 1];
      j--;
    }
    h[j] = t;
  }
}

/* ---- query order ---- */

static int sv_cmp(const char *a, size_t an, const char *b, size_t bn) {
  int c = memcmp(a, b, an < bn ? an : bn);
  if (c)
    return c;
  return an < bn ? -1 : (an > bn);
}

static int qp_cmp(const void *pa, const void *pb) {
  const sigv4_qp *a = pa, *b = pb;
  int c = sv_cmp(a->name, a->name_len, b->name, b->name_len);
  if (c)
    return c;
  return sv_cmp(a->value, a->value_len, b->value, b->value_len);
}

void sigv4_sort_query(sigv4_qp *q, size_t n) {
  if (n > 16) {
    qsort(q, n, sizeof(*q), qp_cmp);
    return;
  }
  for (size_t i = 1; i < n; i++) {
    sigv4_qp t = q[i];
    size_t j = i;
    while (j > 0 && qp_cmp(&q[j - 1], &t) > 0) {
      q[j] = q[j - 1];
      j--;
    }
    q[j] = t;
  }
}

/* ---- canonical path ---- */

static bool all_unreserved_or_slash(const char *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!awsc_uri_unreserved[(unsigned char)p[i]] && p[i] != '/')
      return false;
  return true;
}

/* Whether removing dot segments / empty segments changes the path. */
static bool needs_normalizing(const char *p, size_t n) {
  size_t seg = 0; /* start of the current segment */
  for (size_t i = 0; i <= n; i++) {
    if (i == n || p[i] == '/') {
      size_t len = i - seg;
      const char *s = p + seg;
      /* An empty segment is harmless only as the leading '/' or as the
       * single trailing one. */
      if (len == 0 && seg != 0 && i != n)
        return true;
      if ((len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' && s[1] == '.'))
        return true;
      seg = i + 1;
    }
  }
  return false;
}

/* RFC 3986 5.2.4 plus removal of empty segments, as botocore's
 * remove_dot_segments (AWS services collapse repeated slashes). */
static int remove_dot_segments(awsc_buf *out, const char *p, size_t n) {
  awsc_buf_reset(out);
  int rc = awsc_buf_reserve(out, n + 2);
  if (rc)
    return rc;
  char *o = out->p;
  size_t len = 0;
  bool absolute = n > 0 && p[0] == '/';
  size_t seg = 0;
  for (size_t i = 0; i <= n; i++) {
    if (i < n && p[i] != '/')
      continue;
    size_t sl = i - seg;
    const char *s = p + seg;
    seg = i + 1;
    if (sl == 0 || (sl == 1 && s[0] == '.'))
      continue;
    if (sl == 2 && s[0] == '.' && s[1] == '.') {
      while (len > 0 && o[len - 1] != '/')
        len--;
      if (len > 0)
        len--; /* the '/' that preceded the popped segment */
      continue;
    }
    if (len > 0 || absolute)
      o[len++] = '/';
    memcpy(o + len, s, sl);
    len += sl;
  }
  if (len == 0) {
    if (absolute)
      o[len++] = '/';
  } else if (p[n - 1] == '/') {
    o[len++] = '/';
  }
  o[len] = '\0';
  out->len = len;
  return 0;
}

int sigv4_canonical_path(awsc_buf *a, awsc_buf *b, const char *path,
                         unsigned flags, awsc_sv *out, awsc_error *err) {
  awsc_sv cur = awsc_sv_from_cstr(path);
  if (cur.n == 0)
    cur = AWSC_SV_LIT("/");
  const bool raw = flags & AWSC_SIGV4_PATH_RAW;
  const bool normalize = !(flags & AWSC_SIGV4_NO_NORMALIZE_PATH);
  const bool twice = !(flags & AWSC_SIGV4_NO_DOUBLE_ENCODE);
  /* Paths of unreserved characters and '/' (most of them) encode to
   * themselves, whatever the mode. */
  const bool plain = all_unreserved_or_slash(cur.p, cur.n);
  awsc_buf *next = a; /* the buffer cur does not live in */
  int rc;

  if (raw && !plain) {
    awsc_buf_reset(next);
    if ((rc = awsc_uri_encode(next, cur.p, cur.n, true)) != 0)
      goto oom;
    cur = (awsc_sv){next->p, next->len};
    next = (next == a) ? b : a;
  }
  if (normalize && needs_normalizing(cur.p, cur.n)) {
    if ((rc = remove_dot_segments(next, cur.p, cur.n)) != 0)
      goto oom;
    cur = (awsc_sv){next->p, next->len};
    next = (next == a) ? b : a;
  }
  if (plain) {
    *out = cur;
    return 0;
  }
  if (twice) {
    /* Non-S3 services sign the encoded path encoded once more. */
    awsc_buf_reset(next);
    if ((rc = awsc_uri_encode(next, cur.p, cur.n, true)) != 0)
      goto oom;
    *out = (awsc_sv){next->p, next->len};
    return 0;
  }
  if (raw) {
    *out = cur; /* encoded exactly once, by us */
    return 0;
  }
  /* S3 signs the path as the server reads it: decode what the caller
   * encoded and encode it the SigV4 way, so "%7e", "$" or "%2f" sign as the
   * server expects ("~", "%24", "%2F"). */
  awsc_buf_reset(next);
  rc = awsc_uri_decode(next, cur.p, cur.n, false);
  if (rc == AWSC_ENOMEM)
    goto oom;
  if (rc)
    return awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                          "sigv4: the request path has a malformed "
                          "percent-escape");
  awsc_buf *dec = next;
  next = (next == a) ? b : a;
  awsc_buf_reset(next);
  if ((rc = awsc_uri_encode(next, dec->p, dec->len, true)) != 0)
    goto oom;
  *out = (awsc_sv){next->p, next->len};
  return 0;
oom:
  return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                        "sigv4: out of memory building the canonical path");
}
