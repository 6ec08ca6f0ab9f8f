/*
 * lib/protocols/parse_xml_scan.c - a small, strict XML tokenizer for the
 * documents AWS actually sends: UTF-8, no DTD.
 *
 * Why not expat alone: on a 1000-key ListObjectsV2 page (~400 KB) expat
 * by itself takes ~1.3 ms on our reference machine, more than the whole
 * parse budget. This scanner finds markup with memchr, hands text out as
 * views into the body (copying only when an entity or a CR needs
 * replacing) and runs several times faster. Anything outside its subset
 * is declined *before* the first event (declared non-UTF-8 encoding, a
 * DOCTYPE, invalid UTF-8 or control characters), and the caller then
 * runs expat on the whole document. After the first event the document
 * is known to be in the subset, so any problem is a malformed document
 * (AWSC_EPARSE), which expat would reject as well; the caller asks expat
 * for the wording. tests/conformance/protocols_output/parse_edge.c checks
 * both tokenizers give the same events on valid and broken inputs.
 *
 * Checked: one root element, matching end tags, attribute syntax and
 * uniqueness, entity and character references (the five predefined
 * entities; character references to valid XML characters), comments
 * (no "--" inside), CDATA sections, "]]>" in text, processing
 * instructions, end-of-line and attribute value normalization.
 * tests/fuzz/fuzz_xml_diff holds the scanner to expat's events on any
 * input (its corpus is replayed by the unit test fuzz_xml_diff_replay).
 */
#include <stdlib.h>
#include <string.h>

#include "protocols/parse_internal.h"
#include "protocols/ws_internal.h"

#define SCAN_MAX_DEPTH 65536
#define SCAN_INLINE_ATTRS 32

/* ---- input check (before any event) ---- */

/* True when every byte is valid UTF-8 forming XML characters; *has_cr
 * tells whether a CR occurs (end-of-line normalization needed), *has_high
 * whether any byte is non-ASCII. */
static bool text_ok(const unsigned char *p, size_t n, bool *has_cr,
                    bool *has_high) {
  *has_cr = false;
  *has_high = false;
  size_t i = 0;
  while (i < n) {
    /* Eight ASCII non-control bytes at a time. */
    while (i + 8 <= n) {
      uint64_t w;
      memcpy(&w, p + i, 8);
      uint64_t hi = w & 0x8080808080808080ull;
      uint64_t lt = (w - 0x2020202020202020ull) & ~w & 0x8080808080808080ull;
      if (hi | lt)
        break;
      i += 8;
    }
    if (i >= n)
      break;
    unsigned c = p[i];
    if (c < 0x80) {
      if (c < 0x20 && c != '\t' && c != '\n') {
        if (c != '\r')
          return false;
        *has_cr = true;
      }
      i++;
      continue;
    }
    *has_high = true;
    size_t need;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      need = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      need = 2;
      if (c == 0xE0)
        lo = 0xA0;
      else if (c == 0xED)
        hi = 0x9F; /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
      need = 3;
      if (c == 0xF0)
        lo = 0x90;
      else if (c == 0xF4)
        hi = 0x8F;
    } else {
      return false;
    }
    if (i + need >= n)
      return false;
    unsigned c1 = p[i + 1];
    if (c1 < lo || c1 > hi)
      return false;
    for (size_t k = 2; k <= need; k++)
      if ((p[i + k] & 0xC0) != 0x80)
        return false;
    /* U+FFFE and U+FFFF are not XML characters. */
    if (c == 0xEF && c1 == 0xBF && (p[i + 2] == 0xBE || p[i + 2] == 0xBF))
      return false;
    i += need + 1;
  }
  return true;
}

/* ---- scanner ---- */

typedef struct scan {
  const char *p;
  size_t n;
  size_t i;
  const awsc_xml_handler *h;
  void *ud;
  awsc_buf tbuf; /* decoded text */
  awsc_buf abuf; /* decoded attribute values */
  size_t depth, cap;
  bool has_cr;
  bool has_cdata_end; /* "]]>" occurs: text must be checked for it */
  bool has_high;      /* a non-ASCII byte occurs */
  struct sname {
    const char *p;
    size_t n;
  } * names, inline_names[32];
} scan;

static inline bool is_ws(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Name characters: 1 = may start a name, 2 = may continue one. Bytes
 * from 0x80 are UTF-8 (validated up front) and accepted as XML accepts
 * most non-ASCII characters in names. */
#define NS 3
#define NC 2
static const uint8_t name_tab[256] = {
    ['-'] = NC,       ['.'] = NC, ['0'] = NC, ['1'] = NC, ['2'] = NC,
    ['3'] = NC,       ['4'] = NC, ['5'] = NC, ['6'] = NC, ['7'] = NC,
    ['8'] = NC,       ['9'] = NC, [':'] = NS, ['_'] = NS, ['A'] = NS,
    ['B'] = NS,       ['C'] = NS, ['D'] = NS, ['E'] = NS, ['F'] = NS,
    ['G'] = NS,       ['H'] = NS, ['I'] = NS, ['J'] = NS, ['K'] = NS,
    ['L'] = NS,       ['M'] = NS, ['N'] = NS, ['O'] = NS, ['P'] = NS,
    ['Q'] = NS,       ['R'] = NS, ['S'] = NS, ['T'] = NS, ['U'] = NS,
    ['V'] = NS,       ['W'] = NS, ['X'] = NS, ['Y'] = NS, ['Z'] = NS,
    ['a'] = NS,       ['b'] = NS, ['c'] = NS, ['d'] = NS, ['e'] = NS,
    ['f'] = NS,       ['g'] = NS, ['h'] = NS, ['i'] = NS, ['j'] = NS,
    ['k'] = NS,       ['l'] = NS, ['m'] = NS, ['n'] = NS, ['o'] = NS,
    ['p'] = NS,       ['q'] = NS, ['r'] = NS, ['s'] = NS, ['t'] = NS,
    ['u'] = NS,       ['v'] = NS, ['w'] = NS, ['x'] = NS, ['y'] = NS,
    ['z'] = NS,
#define R16(x) x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x
    [0x80] = R16(NS), R16(NS),    R16(NS),    R16(NS),    R16(NS),
    R16(NS),          R16(NS),    R16(NS)
#undef R16
};

static inline bool name_start(unsigned char c) {
  return name_tab[c] & 1;
}
static inline bool name_char(unsigned char c) {
  return name_tab[c] != 0;
}

static inline void skip_ws(scan *s) {
  while (s->i < s->n && is_ws(s->p[s->i]))
    s->i++;
}

static bool starts(const scan *s, const char *lit) {
  size_t l = strlen(lit);
  return s->n - s->i >= l && memcmp(s->p + s->i, lit, l) == 0;
}

/* Position of `lit` at or after `from`, or SIZE_MAX. */
static size_t find(const scan *s, size_t from, const char *lit) {
  size_t l = strlen(lit);
  while (from < s->n) {
    const char *q = memchr(s->p + from, lit[0], s->n - from);
    if (!q)
      return SIZE_MAX;
    size_t at = (size_t)(q - s->p);
    if (s->n - at >= l && memcmp(q, lit, l) == 0)
      return at;
    from = at + 1;
  }
  return SIZE_MAX;
}

static inline size_t read_name(scan *s) {
  size_t st = s->i;
  const unsigned char *p = (const unsigned char *)s->p;
  if (st >= s->n || !name_start(p[st]))
    return 0;
  size_t i = st + 1, n = s->n;
  while (i < n && name_tab[p[i]])
    i++;
  s->i = i;
  return i - st;
}

/* Decode the reference at p[*i] == '&', writing to *o (room enough:
 * a reference is never shorter than what it stands for). */
static int decode_ref(const char *p, size_t n, size_t *i, char **o) {
  size_t st = *i + 1;
  /* no length cap: "&#x0000000041;" is a valid reference */
  const char *semi = memchr(p + st, ';', n - st);
  if (!semi)
    return AWSC_EPARSE;
  size_t len = (size_t)(semi - (p + st));
  const char *r = p + st;
  *i = st + len + 1;
  if (len >= 2 && r[0] == '#') {
    uint32_t cp = 0;
    size_t k = 1;
    bool hex = r[1] == 'x';
    if (hex)
      k = 2;
    if (k == len)
      return AWSC_EPARSE;
    for (; k < len; k++) {
      unsigned char ch = (unsigned char)r[k];
      unsigned d;
      if (ch >= '0' && ch <= '9')
        d = ch - '0';
      else if (hex && ch >= 'a' && ch <= 'f')
        d = ch - 'a' + 10;
      else if (hex && ch >= 'A' && ch <= 'F')
        d = ch - 'A' + 10;
      else
        return AWSC_EPARSE;
      cp = cp * (hex ? 16 : 10) + d;
      if (cp > 0x10FFFF)
        return AWSC_EPARSE;
    }
    if ((cp < 0x20 && cp != 0x9 && cp != 0xA && cp != 0xD) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF)
      return AWSC_EPARSE;
    char *u = *o;
    if (cp < 0x80) {
      *u++ = (char)cp;
    } else if (cp < 0x800) {
      *u++ = (char)(0xC0 | (cp >> 6));
      *u++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      *u++ = (char)(0xE0 | (cp >> 12));
      *u++ = (char)(0x80 | ((cp >> 6) & 0x3F));
      *u++ = (char)(0x80 | (cp & 0x3F));
    } else {
      *u++ = (char)(0xF0 | (cp >> 18));
      *u++ = (char)(0x80 | ((cp >> 12) & 0x3F));
      *u++ = (char)(0x80 | ((cp >> 6) & 0x3F));
      *u++ = (char)(0x80 | (cp & 0x3F));
    }
    *o = u;
    return 0;
  }
  char ch;
  if (len == 4 && memcmp(r, "quot", 4) == 0)
    ch = '"';
  else if (len == 3 && memcmp(r, "amp", 3) == 0)
    ch = '&';
  else if (len == 2 && r[0] == 'l' && r[1] == 't')
    ch = '<';
  else if (len == 2 && r[0] == 'g' && r[1] == 't')
    ch = '>';
  else if (len == 4 && memcmp(r, "apos", 4) == 0)
    ch = '\'';
  else
    return AWSC_EPARSE; /* no DTD, so no other entity exists */
  *(*o)++ = ch;
  return 0;
}

/* Text p[0..n) with references and/or CRs, decoded into s->tbuf. */
static int text_decode(scan *s, const char *p, size_t n, bool refs) {
  awsc_buf_reset(&s->tbuf);
  if (awsc_buf_reserve(&s->tbuf, n + 1) != AWSC_OK)
    return AWSC_ENOMEM;
  char *o = s->tbuf.p;
  size_t i = 0;
  while (i < n) {
    /* copy up to the next reference or CR */
    const char *amp = refs ? memchr(p + i, '&', n - i) : NULL;
    size_t stop = amp ? (size_t)(amp - p) : n;
    const char *cr = s->has_cr ? memchr(p + i, '\r', stop - i) : NULL;
    if (cr)
      stop = (size_t)(cr - p);
    memcpy(o, p + i, stop - i);
    o += stop - i;
    i = stop;
    if (i == n)
      break;
    if (p[i] == '\r') {
      /* end-of-line normalization: CR LF and lone CR become LF */
      *o++ = '\n';
      i++;
      if (i < n && p[i] == '\n')
        i++;
      continue;
    }
    int rc = decode_ref(p, n, &i, &o);
    if (rc)
      return rc;
  }
  s->tbuf.len = (size_t)(o - s->tbuf.p);
  s->tbuf.p[s->tbuf.len] = '\0';
  return 0;
}

static int text_slow(scan *s, const char *p, size_t n, bool refs) {
  int rc = text_decode(s, p, n, refs);
  return rc ? rc : s->h->text(s->ud, s->tbuf.p, s->tbuf.len, false);
}

/* "]]>" may not appear in character data (XML 1.0 [14]); only
 * documents that hold the sequence somewhere (CDATA ends, mostly) pay
 * for looking. */
static bool has_cdata_end(const char *p, size_t n) {
  const char *q = p, *e = p + n;
  while (e - q >= 3 && (q = memchr(q, ']', (size_t)(e - q - 2))) != NULL) {
    if (q[1] == ']' && q[2] == '>')
      return true;
    q++;
  }
  return false;
}

static int emit_text(scan *s, const char *p, size_t n) {
  if (s->has_cdata_end && has_cdata_end(p, n))
    return AWSC_EPARSE;
  /* memchr beats a byte loop even on short texts */
  if (!memchr(p, '&', n) && (!s->has_cr || !memchr(p, '\r', n)))
    return s->h->text(s->ud, p, n, true);
  return text_slow(s, p, n, true);
}

/* Attribute value p[0..n) -> abuf (normalized); its offset in *off. */
static int attr_value(scan *s, const char *p, size_t n, size_t *off) {
  *off = s->abuf.len;
  if (awsc_buf_reserve(&s->abuf, n + 1) != AWSC_OK)
    return AWSC_ENOMEM;
  char *o = s->abuf.p + s->abuf.len;
  size_t i = 0;
  while (i < n) {
    char ch = p[i];
    if (ch == '<')
      return AWSC_EPARSE;
    if (ch == '&') {
      int rc = decode_ref(p, n, &i, &o);
      if (rc)
        return rc;
      continue;
    }
    if (ch == '\r' && i + 1 < n && p[i + 1] == '\n')
      i++;
    if (ch == '\t' || ch == '\n' || ch == '\r')
      ch = ' ';
    *o++ = ch;
    i++;
  }
  s->abuf.len = (size_t)(o - s->abuf.p);
  s->abuf.p[s->abuf.len] = '\0';
  return 0;
}

static int push_name(scan *s, const char *p, size_t n) {
  if (s->depth == s->cap) {
    if (s->cap >= SCAN_MAX_DEPTH)
      return AWSC_EPARSE;
    size_t cap = s->cap * 2;
    struct sname *nn;
    if (s->names == s->inline_names) {
      nn = awsc_malloc(cap * sizeof(*nn));
      if (nn)
        memcpy(nn, s->names, s->depth * sizeof(*nn));
    } else {
      nn = awsc_realloc(s->names, cap * sizeof(*nn));
    }
    if (!nn)
      return AWSC_ENOMEM;
    s->names = nn;
    s->cap = cap;
  }
  s->names[s->depth].p = p;
  s->names[s->depth].n = n;
  s->depth++;
  return 0;
}

/* The attributes of one start tag: inline room for the usual few, the
 * heap past that (well-formed XML has no limit, and expat has none). */
typedef struct attr_list {
  awsc_xml_attr *a;
  size_t *off; /* decoded value's offset in abuf, or SIZE_MAX: a view */
  size_t n, cap;
  awsc_xml_attr inline_a[SCAN_INLINE_ATTRS];
  size_t inline_off[SCAN_INLINE_ATTRS];
} attr_list;

static int grow_attrs(attr_list *t) {
  size_t cap = t->cap * 2;
  /* one block: the attributes, then the offsets (both 8-aligned) */
  awsc_xml_attr *a =
      awsc_malloc(cap * (sizeof(awsc_xml_attr) + sizeof(size_t)));
  if (!a)
    return AWSC_ENOMEM;
  size_t *off = (size_t *)(a + cap);
  memcpy(a, t->a, t->n * sizeof(*a));
  memcpy(off, t->off, t->n * sizeof(*off));
  if (t->a != t->inline_a)
    awsc_free(t->a);
  t->a = a;
  t->off = off;
  t->cap = cap;
  return 0;
}

/* One attribute at s->i, appended to t. */
static int read_attr(scan *s, attr_list *t) {
  if (t->n == t->cap) {
    int rc = grow_attrs(t);
    if (rc)
      return rc;
  }
  const char *an = s->p + s->i;
  size_t anl = read_name(s);
  if (!anl)
    return AWSC_EPARSE;
  skip_ws(s);
  if (s->i >= s->n || s->p[s->i] != '=')
    return AWSC_EPARSE;
  s->i++;
  skip_ws(s);
  if (s->i >= s->n || (s->p[s->i] != '"' && s->p[s->i] != '\''))
    return AWSC_EPARSE;
  char q = s->p[s->i++];
  const char *vp = s->p + s->i;
  const char *ve = memchr(vp, q, s->n - s->i);
  if (!ve)
    return AWSC_EPARSE;
  size_t vl = (size_t)(ve - vp);
  s->i += vl + 1;
  /* past the inline room, duplicates are found by dups_sorted() */
  for (size_t k = 0; t->a == t->inline_a && k < t->n; k++)
    if (t->a[k].name_len == anl && memcmp(t->a[k].name, an, anl) == 0)
      return AWSC_EPARSE;
  awsc_xml_attr *a = &t->a[t->n];
  a->name = an;
  a->name_len = anl;
  t->off[t->n] = SIZE_MAX;
  bool plain = true;
  for (size_t k = 0; k < vl; k++) {
    char c = vp[k];
    if (c == '<')
      return AWSC_EPARSE;
    if (c == '&' || c == '\t' || c == '\n' || c == '\r')
      plain = false;
  }
  if (plain) {
    a->value = vp;
    a->value_len = vl;
  } else {
    /* abuf may still move: the pointer is set once the tag is read */
    int rc = attr_value(s, vp, vl, &t->off[t->n]);
    if (rc)
      return rc;
    a->value_len = s->abuf.len - t->off[t->n];
  }
  t->n++;
  return 0;
}

static int attr_name_cmp(const void *x, const void *y) {
  const awsc_xml_attr *a = x, *b = y;
  if (a->name_len != b->name_len)
    return a->name_len < b->name_len ? -1 : 1;
  return memcmp(a->name, b->name, a->name_len);
}

/* AWSC_EPARSE when two of many attributes share a name: sorted once,
 * where the pairwise check of read_attr would be quadratic in a hostile
 * document. */
static int dups_sorted(const attr_list *t) {
  awsc_xml_attr *c = awsc_malloc(t->n * sizeof(*c));
  if (!c)
    return AWSC_ENOMEM;
  memcpy(c, t->a, t->n * sizeof(*c));
  qsort(c, t->n, sizeof(*c), attr_name_cmp);
  int rc = 0;
  for (size_t k = 1; k < t->n && rc == 0; k++)
    if (attr_name_cmp(&c[k - 1], &c[k]) == 0)
      rc = AWSC_EPARSE;
  awsc_free(c);
  return rc;
}

/* s->i just past the '>' of start tag `name` (no attributes): when the
 * content is character data up to "</name>", hand the element to the
 * leaf handler whole and return 1 (s->i past the end tag), else 0 with
 * nothing consumed. The checks are emit_text's and end_tag's. */
static int try_leaf(scan *s, const char *name, size_t nl) {
  const char *tp = s->p + s->i, *e = s->p + s->n;
  const char *lt = memchr(tp, '<', (size_t)(e - tp));
  if (!lt || (size_t)(e - lt) < nl + 3 || lt[1] != '/' ||
      memcmp(lt + 2, name, nl) != 0 || lt[2 + nl] != '>')
    return 0;
  size_t tn = (size_t)(lt - tp);
  if (s->has_cdata_end && has_cdata_end(tp, tn))
    return AWSC_EPARSE;
  int rc;
  if (!memchr(tp, '&', tn) && (!s->has_cr || !memchr(tp, '\r', tn))) {
    rc = s->h->leaf(s->ud, name, nl, tp, tn, true);
  } else {
    rc = text_decode(s, tp, tn, true);
    if (rc == 0)
      rc = s->h->leaf(s->ud, name, nl, s->tbuf.p, s->tbuf.len, false);
  }
  if (rc)
    return rc < 0 ? rc : AWSC_EPARSE;
  s->i = (size_t)(lt - s->p) + nl + 3;
  return 1;
}

/* s->i at '<' of a start tag. */
static int start_tag(scan *s) {
  s->i++;
  const char *name = s->p + s->i;
  size_t nl = read_name(s);
  if (!nl)
    return AWSC_EPARSE;
  attr_list t;
  t.a = t.inline_a;
  t.off = t.inline_off;
  t.n = 0;
  t.cap = SCAN_INLINE_ATTRS;
  awsc_buf_reset(&s->abuf);
  bool empty = false;
  int rc = 0;
  for (;;) {
    size_t before = s->i;
    skip_ws(s);
    if (s->i >= s->n) {
      rc = AWSC_EPARSE;
      break;
    }
    char ch = s->p[s->i];
    if (ch == '>') {
      s->i++;
      if (t.n == 0 && s->h->leaf && s->depth > 0) {
        int lr = try_leaf(s, name, nl);
        if (lr != 0)
          return lr > 0 ? 0 : lr;
      }
      break;
    }
    if (ch == '/') {
      if (s->i + 1 >= s->n || s->p[s->i + 1] != '>')
        rc = AWSC_EPARSE;
      s->i += 2;
      empty = true;
      break;
    }
    if (s->i == before) {
      rc = AWSC_EPARSE; /* attributes need white space between them */
      break;
    }
    if ((rc = read_attr(s, &t)) != 0)
      break;
  }
  if (rc == 0 && t.a != t.inline_a)
    rc = dups_sorted(&t);
  if (rc == 0) {
    for (size_t k = 0; k < t.n; k++)
      if (t.off[k] != SIZE_MAX)
        t.a[k].value = s->abuf.p + t.off[k];
    rc = s->h->start(s->ud, name, nl, t.a, t.n);
  }
  if (t.a != t.inline_a)
    awsc_free(t.a);
  if (rc)
    return rc;
  if (empty)
    return s->h->end(s->ud);
  return push_name(s, name, nl);
}

static int end_tag(scan *s) {
  s->i += 2;
  if (s->depth == 0)
    return AWSC_EPARSE;
  /* The name must be the open element's: compare, then make sure the
   * name ends there. */
  struct sname *top = &s->names[s->depth - 1];
  size_t nl = top->n;
  if (s->n - s->i <= nl || memcmp(top->p, s->p + s->i, nl) != 0 ||
      name_char((unsigned char)s->p[s->i + nl]))
    return AWSC_EPARSE;
  s->i += nl;
  skip_ws(s);
  if (s->i >= s->n || s->p[s->i] != '>')
    return AWSC_EPARSE;
  s->i++;
  s->depth--;
  return s->h->end(s->ud);
}

/* Comment or PI at s->i; false when unterminated or misplaced. */
static bool skip_misc(scan *s) {
  if (starts(s, "<!--")) {
    size_t e = find(s, s->i + 4, "-->");
    /* "--" may only end a comment (XML 1.0 [15]) */
    if (e == SIZE_MAX || find(s, s->i + 4, "--") != e)
      return false;
    s->i = e + 3;
    return true;
  }
  if (starts(s, "<?")) {
    size_t st = s->i + 2;
    s->i = st;
    size_t tl = read_name(s);
    if (!tl)
      return false;
    /* "<?xml" is only allowed as the declaration at the very start. */
    if (tl == 3 && (s->p[st] | 0x20) == 'x' && (s->p[st + 1] | 0x20) == 'm' &&
        (s->p[st + 2] | 0x20) == 'l')
      return false;
    /* the target ends at white space or "?>" (XML 1.0 [16]) */
    if (!starts(s, "?>") && !(s->i < s->n && is_ws(s->p[s->i])))
      return false;
    size_t e = find(s, s->i, "?>");
    if (e == SIZE_MAX)
      return false;
    s->i = e + 2;
    return true;
  }
  return false;
}

/* ASCII case-insensitive equality with lower-case `lit`. Only letters
 * fold: or-ing 0x20 into any byte would take "\r" for "-" ("utf\r8"). */
static bool ieq_n(const char *a, size_t n, const char *lit) {
  if (strlen(lit) != n)
    return false;
  for (size_t i = 0; i < n; i++) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z')
      c = (char)(c - 'A' + 'a');
    if (c != lit[i])
      return false;
  }
  return true;
}

/* The XML declaration, if any, checked against its grammar
 *   '<?xml' S 'version' Eq ('"1.' [0-9]+ '"' | "'1." [0-9]+ "'")
 *   (S 'encoding' Eq quoted-name)? (S 'standalone' Eq quoted yes|no)? S? '?>'
 * DECLINED (expat decides) on anything else, on an encoding other than
 * UTF-8 or US-ASCII, and on US-ASCII with a non-ASCII byte. */
static bool decl_eq(scan *s) {
  skip_ws(s);
  if (s->i >= s->n || s->p[s->i] != '=')
    return false;
  s->i++;
  skip_ws(s);
  return true;
}

/* A quoted value; its text in *v, *vl. */
static bool decl_quoted(scan *s, const char **v, size_t *vl) {
  if (s->i >= s->n || (s->p[s->i] != '"' && s->p[s->i] != '\''))
    return false;
  char q = s->p[s->i++];
  const char *st = s->p + s->i;
  const char *e = memchr(st, q, s->n - s->i);
  if (!e)
    return false;
  *v = st;
  *vl = (size_t)(e - st);
  s->i += *vl + 1;
  return true;
}

static bool decl_word(scan *s, const char *w) {
  size_t l = strlen(w);
  if (s->n - s->i < l || memcmp(s->p + s->i, w, l) != 0)
    return false;
  s->i += l;
  return true;
}

static int xml_decl(scan *s) {
  if (!(starts(s, "<?xml") && s->n - s->i > 5 && is_ws(s->p[s->i + 5])))
    return 0;
  s->i += 5;
  const char *v;
  size_t vl;
  skip_ws(s);
  if (!decl_word(s, "version") || !decl_eq(s) || !decl_quoted(s, &v, &vl) ||
      vl < 3 || memcmp(v, "1.", 2) != 0)
    return AWSC_XML_DECLINED;
  for (size_t k = 2; k < vl; k++)
    if (v[k] < '0' || v[k] > '9')
      return AWSC_XML_DECLINED;
  for (int part = 0; part < 2; part++) {
    size_t before = s->i;
    skip_ws(s);
    bool ws = s->i > before;
    if (ws && part == 0 && decl_word(s, "encoding")) {
      if (!decl_eq(s) || !decl_quoted(s, &v, &vl))
        return AWSC_XML_DECLINED;
      /* Expat's names only ("utf8" or "ascii" it refuses); declared
       * ASCII holds no other byte. */
      if (!ieq_n(v, vl, "utf-8") && !(ieq_n(v, vl, "us-ascii") && !s->has_high))
        return AWSC_XML_DECLINED;
      continue;
    }
    if (ws && decl_word(s, "standalone")) {
      if (!decl_eq(s) || !decl_quoted(s, &v, &vl))
        return AWSC_XML_DECLINED;
      bool yes = vl == 3 && memcmp(v, "yes", 3) == 0;
      bool no = vl == 2 && memcmp(v, "no", 2) == 0;
      if (!yes && !no)
        return AWSC_XML_DECLINED;
      break;
    }
    break;
  }
  skip_ws(s);
  if (!decl_word(s, "?>"))
    return AWSC_XML_DECLINED;
  return 0;
}

static int content(scan *s) {
  while (s->depth > 0) {
    if (s->i >= s->n)
      return AWSC_EPARSE;
    const char *lt = memchr(s->p + s->i, '<', s->n - s->i);
    if (!lt)
      return AWSC_EPARSE;
    size_t at = (size_t)(lt - s->p);
    int rc;
    if (at > s->i && (rc = emit_text(s, s->p + s->i, at - s->i)) != 0)
      return rc;
    s->i = at;
    if (at + 1 >= s->n)
      return AWSC_EPARSE;
    char c1 = s->p[at + 1];
    if (c1 == '/') {
      rc = end_tag(s);
    } else if (c1 == '!') {
      if (starts(s, "<![CDATA[")) {
        size_t st = at + 9;
        size_t e = find(s, st, "]]>");
        if (e == SIZE_MAX)
          return AWSC_EPARSE;
        const char *cp = s->p + st;
        size_t cl = e - st;
        if (memchr(cp, '\r', cl))
          rc = text_slow(s, cp, cl, false);
        else
          rc = cl ? s->h->text(s->ud, cp, cl, true) : 0;
        s->i = e + 3;
      } else {
        rc = skip_misc(s) ? 0 : AWSC_EPARSE;
      }
    } else if (c1 == '?') {
      rc = skip_misc(s) ? 0 : AWSC_EPARSE;
    } else {
      rc = start_tag(s);
    }
    if (rc)
      return rc;
  }
  return 0;
}

/* ---- entry points ---- */

/* End of `lit` at or after p, or NULL. */
static const char *skip_past(const char *p, const char *e, const char *lit) {
  size_t l = strlen(lit);
  while (e - p >= (ptrdiff_t)l) {
    const char *q = memchr(p, lit[0], (size_t)(e - p));
    if (!q || e - q < (ptrdiff_t)l)
      return NULL;
    if (memcmp(q, lit, l) == 0)
      return q + l;
    p = q + 1;
  }
  return NULL;
}

/* True when no element, attribute or processing-instruction name holds a
 * non-ASCII character. Which of those may appear in names is expat's
 * call (its tables follow XML 1.0 4th edition: U+FEFF or characters
 * past U+FFFF are not name characters there), so such documents are
 * declined rather than judged here. Exact for documents the scanner
 * accepts: outside markup there is no '<', and inside a start tag a '>'
 * can only hide in a quoted value. Only run on documents with a
 * non-ASCII byte. */
static bool names_ascii(const char *p, size_t n) {
  const char *e = p + n;
  while (p < e) {
    const char *lt = memchr(p, '<', (size_t)(e - p));
    if (!lt || e - lt < 2)
      return true;
    p = lt + 1;
    if (*p == '!') {
      /* searched from where the scanner searches (content of "<!-->"
       * starts after the "--") */
      if (e - p >= 3 && p[1] == '-' && p[2] == '-')
        p = skip_past(p + 3, e, "-->");
      else if (e - p >= 8 && memcmp(p, "![CDATA[", 8) == 0)
        p = skip_past(p + 8, e, "]]>");
      else
        p = skip_past(p, e, ">");
    } else if (*p == '?') {
      for (p++; p < e && !is_ws(*p) && *p != '?'; p++)
        if ((unsigned char)*p >= 0x80)
          return false;
      p = skip_past(p, e, "?>");
    } else {
      for (; p < e && *p != '>'; p++) {
        if (*p == '"' || *p == '\'') {
          p = memchr(p + 1, *p, (size_t)(e - p - 1));
          if (!p)
            return true;
        } else if ((unsigned char)*p >= 0x80) {
          return false;
        }
      }
    }
    if (!p)
      return true; /* unterminated: malformed, the scanner refuses it */
  }
  return true;
}

int awsc_xml_scan(const char *p, size_t n, const awsc_xml_handler *h,
                  void *ud) {
  return awsc_xml_scan_ws(p, n, h, ud, NULL);
}

int awsc_xml_scan_ws(const char *p, size_t n, const awsc_xml_handler *h,
                     void *ud, awsc_proto_ws *ws) {
  bool has_cr, has_high;
  if (!p || !text_ok((const unsigned char *)p, n, &has_cr, &has_high) ||
      (has_high && !names_ascii(p, n)))
    return AWSC_XML_DECLINED;
  scan s;
  memset(&s, 0, offsetof(scan, inline_names));
  s.has_cr = has_cr;
  s.has_cdata_end = has_cdata_end(p, n);
  s.has_high = has_high;
  s.p = p;
  s.n = n;
  s.h = h;
  s.ud = ud;
  s.names = s.inline_names;
  s.cap = AWSC_ARRAY_LEN(s.inline_names);
  s.tbuf = awsc_pws_take(ws, AWSC_PWS_XSCAN);
  s.abuf = awsc_pws_take(ws, AWSC_PWS_XATTR);
  if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
    s.i = 3;
  int rc = xml_decl(&s);
  /* prolog: until the root element, everything may still be declined */
  while (rc == 0) {
    skip_ws(&s);
    if (s.i >= s.n || s.p[s.i] != '<') {
      rc = AWSC_XML_DECLINED;
      break;
    }
    if (starts(&s, "<!--") || starts(&s, "<?")) {
      if (!skip_misc(&s))
        rc = AWSC_XML_DECLINED;
      continue;
    }
    if (starts(&s, "<!") || s.i + 1 >= s.n ||
        !name_start((unsigned char)s.p[s.i + 1])) {
      rc = AWSC_XML_DECLINED; /* DOCTYPE, or not XML at all */
      break;
    }
    break;
  }
  if (rc == 0) {
    rc = start_tag(&s);
    if (rc == 0)
      rc = content(&s);
    /* epilogue */
    while (rc == 0) {
      skip_ws(&s);
      if (s.i >= s.n)
        break;
      if (!skip_misc(&s))
        rc = AWSC_EPARSE;
    }
  }
  if (s.names != s.inline_names)
    awsc_free(s.names);
  awsc_pws_give(ws, AWSC_PWS_XSCAN, &s.tbuf);
  awsc_pws_give(ws, AWSC_PWS_XATTR, &s.abuf);
  return rc;
}
