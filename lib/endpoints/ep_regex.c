/*
 * lib/endpoints/ep_regex.c - a small backtracking matcher for the
 * partitions' regionRegex (Python `re` syntax, the subset listed in
 * ep_internal.h).
 *
 * Why not regcomp/regexec: POSIX EREs have no \d or \w, glibc's regexec
 * allocates with plain malloc and takes a lock per call, and evaluation
 * must allocate only in the caller's arena. The patterns are tiny and the
 * inputs short, so a compiled node tree walked with continuations is
 * both simple and fast. Anything outside the subset is refused at
 * compile time rather than matched differently from Python.
 */
#include <string.h>

#include "endpoints/ep_internal.h"

enum { RX_SET = 0, RX_GROUP, RX_BOL, RX_EOL, RX_END };

typedef struct rx_node rx_node;
typedef struct rx_seq {
  rx_node *nodes;
  size_t n;
} rx_seq;

struct rx_node {
  uint8_t kind;
  bool lazy;
  int min, max;    /* max < 0: unbounded */
  uint8_t set[32]; /* RX_SET: bitmap of accepted bytes */
  rx_seq *alts;    /* RX_GROUP */
  size_t nalts;
};

struct ep_regex {
  rx_node top; /* a group matched once */
};

/* ---- parsing ---- */

typedef struct rx_parser {
  awsc_arena *a;
  const char *p, *end;
  const char *start;
  awsc_error *err;
  int depth;
} rx_parser;

static int rx_fail(rx_parser *rp, const char *what) {
  return awsc_error_set(
      rp->err, AWSC_EPARSE, AWSC_ERROR_PARSE, "regex /%.*s/: %s at offset %d",
      (int)(rp->end - rp->start), rp->start, what, (int)(rp->p - rp->start));
}

static void set_bit(uint8_t *set, unsigned c) {
  set[c >> 3] |= (uint8_t)(1u << (c & 7));
}
static bool has_bit(const uint8_t *set, unsigned c) {
  return set[c >> 3] & (1u << (c & 7));
}

static void set_range(uint8_t *set, unsigned lo, unsigned hi) {
  for (unsigned c = lo; c <= hi; c++)
    set_bit(set, c);
}

/* \d \w \s and their negations (ASCII semantics, as re.ASCII) added to
 * set. Returns false if `c` is not one of those letters. */
static bool class_escape(uint8_t *set, char c) {
  uint8_t tmp[32];
  memset(tmp, 0, sizeof tmp);
  switch (c) {
  case 'd':
  case 'D':
    set_range(tmp, '0', '9');
    break;
  case 'w':
  case 'W':
    set_range(tmp, '0', '9');
    set_range(tmp, 'A', 'Z');
    set_range(tmp, 'a', 'z');
    set_bit(tmp, '_');
    break;
  case 's':
  case 'S':
    set_bit(tmp, ' ');
    set_range(tmp, '\t', '\r');
    break;
  default:
    return false;
  }
  bool neg = c >= 'A' && c <= 'Z';
  for (int i = 0; i < 32; i++)
    set[i] |= neg ? (uint8_t)~tmp[i] : tmp[i];
  return true;
}

/* A single escaped character (after the backslash) that stands for
 * itself: punctuation and the control escapes. -1 if unsupported. */
static int literal_escape(char c) {
  switch (c) {
  case 'n':
    return '\n';
  case 't':
    return '\t';
  case 'r':
    return '\r';
  case 'f':
    return '\f';
  case 'v':
    return '\v';
  default:
    break;
  }
  unsigned char u = (unsigned char)c;
  if (u < 0x80 && !(u >= '0' && u <= '9') && !(u >= 'A' && u <= 'Z') &&
      !(u >= 'a' && u <= 'z') && u != '_')
    return u;
  return -1;
}

static int parse_alts(rx_parser *rp, rx_node *group);

static int parse_class(rx_parser *rp, rx_node *n) {
  /* at '[' */
  rp->p++;
  bool neg = false;
  if (rp->p < rp->end && *rp->p == '^') {
    neg = true;
    rp->p++;
  }
  bool first = true;
  for (;;) {
    if (rp->p >= rp->end)
      return rx_fail(rp, "unterminated character class");
    char c = *rp->p;
    if (c == ']' && !first) {
      rp->p++;
      break;
    }
    first = false;
    int lo;
    if (c == '\\') {
      if (rp->p + 1 >= rp->end)
        return rx_fail(rp, "trailing backslash");
      char e = rp->p[1];
      rp->p += 2;
      if (class_escape(n->set, e))
        continue;
      lo = literal_escape(e);
      if (lo < 0)
        return rx_fail(rp, "unsupported escape in class");
    } else {
      lo = (unsigned char)c;
      rp->p++;
    }
    /* a range lo-hi (a '-' before ']' is literal) */
    if (rp->p + 1 < rp->end && *rp->p == '-' && rp->p[1] != ']') {
      int hi;
      if (rp->p[1] == '\\') {
        if (rp->p + 2 >= rp->end)
          return rx_fail(rp, "trailing backslash");
        hi = literal_escape(rp->p[2]);
        if (hi < 0)
          return rx_fail(rp, "bad range end");
        rp->p += 3;
      } else {
        hi = (unsigned char)rp->p[1];
        rp->p += 2;
      }
      if (hi < lo)
        return rx_fail(rp, "bad character range");
      set_range(n->set, (unsigned)lo, (unsigned)hi);
    } else {
      set_bit(n->set, (unsigned)lo);
    }
  }
  if (neg)
    for (int i = 0; i < 32; i++)
      n->set[i] = (uint8_t)~n->set[i];
  return 0;
}

static bool parse_int(rx_parser *rp, int *out) {
  const char *s = rp->p;
  long v = 0;
  while (rp->p < rp->end && *rp->p >= '0' && *rp->p <= '9') {
    v = v * 10 + (*rp->p - '0');
    if (v > 10000)
      return false;
    rp->p++;
  }
  *out = (int)v;
  return rp->p > s;
}

/* Quantifier after an atom, if any. */
static int parse_quant(rx_parser *rp, rx_node *n) {
  if (rp->p >= rp->end)
    return 0;
  char c = *rp->p;
  if (c == '*') {
    n->min = 0, n->max = -1;
  } else if (c == '+') {
    n->min = 1, n->max = -1;
  } else if (c == '?') {
    n->min = 0, n->max = 1;
  } else if (c == '{') {
    rp->p++;
    int lo, hi;
    if (!parse_int(rp, &lo))
      return rx_fail(rp, "unsupported '{'");
    hi = lo;
    if (rp->p < rp->end && *rp->p == ',') {
      rp->p++;
      if (!parse_int(rp, &hi))
        hi = -1;
    }
    if (rp->p >= rp->end || *rp->p != '}')
      return rx_fail(rp, "bad repetition");
    if (hi >= 0 && hi < lo)
      return rx_fail(rp, "bad repetition bounds");
    n->min = lo, n->max = hi;
  } else {
    return 0;
  }
  if (n->kind == RX_BOL || n->kind == RX_EOL)
    return rx_fail(rp, "nothing to repeat");
  rp->p++;
  if (rp->p < rp->end && *rp->p == '?') {
    n->lazy = true;
    rp->p++;
  }
  if (rp->p < rp->end &&
      (*rp->p == '*' || *rp->p == '+' || *rp->p == '?' || *rp->p == '{'))
    return rx_fail(rp, "multiple repeat");
  return 0;
}

static int parse_atom(rx_parser *rp, rx_node *n) {
  memset(n, 0, sizeof *n);
  n->min = n->max = 1;
  char c = *rp->p;
  switch (c) {
  case '(': {
    rp->p++;
    if (rp->p < rp->end && *rp->p == '?') {
      if (rp->p + 1 < rp->end && rp->p[1] == ':')
        rp->p += 2;
      else
        return rx_fail(rp, "unsupported group extension");
    }
    if (++rp->depth > 32)
      return rx_fail(rp, "groups nested too deeply");
    n->kind = RX_GROUP;
    int rc = parse_alts(rp, n);
    rp->depth--;
    if (rc)
      return rc;
    if (rp->p >= rp->end || *rp->p != ')')
      return rx_fail(rp, "missing ')'");
    rp->p++;
    break;
  }
  case '[':
    n->kind = RX_SET;
    return parse_class(rp, n) ? AWSC_EPARSE : parse_quant(rp, n);
  case '.':
    n->kind = RX_SET;
    memset(n->set, 0xff, sizeof n->set);
    n->set['\n' >> 3] &= (uint8_t) ~(1u << ('\n' & 7));
    rp->p++;
    break;
  case '^':
    n->kind = RX_BOL;
    rp->p++;
    break;
  case '$':
    n->kind = RX_EOL;
    rp->p++;
    break;
  case '\\': {
    if (rp->p + 1 >= rp->end)
      return rx_fail(rp, "trailing backslash");
    char e = rp->p[1];
    rp->p += 2;
    if (e == 'A') {
      n->kind = RX_BOL;
      break;
    }
    if (e == 'Z') {
      n->kind = RX_END;
      break;
    }
    n->kind = RX_SET;
    if (class_escape(n->set, e))
      break;
    int lit = literal_escape(e);
    if (lit < 0)
      return rx_fail(rp, "unsupported escape");
    set_bit(n->set, (unsigned)lit);
    break;
  }
  case '*':
  case '+':
  case '?':
  case '{':
    return rx_fail(rp, "nothing to repeat");
  default:
    n->kind = RX_SET;
    set_bit(n->set, (unsigned char)c);
    rp->p++;
    break;
  }
  if (n->kind == RX_END)
    return 0;
  return parse_quant(rp, n);
}

/* Growable list built in a malloc'd scratch array, then copied. */
static int parse_seq(rx_parser *rp, rx_seq *seq) {
  size_t cap = 8, n = 0;
  rx_node *tmp = awsc_malloc(cap * sizeof *tmp);
  if (!tmp)
    return awsc_error_set(rp->err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  int rc = 0;
  while (rp->p < rp->end && *rp->p != '|' && *rp->p != ')') {
    if (n == cap) {
      rx_node *g = awsc_realloc(tmp, 2 * cap * sizeof *tmp);
      if (!g) {
        rc = awsc_error_set(rp->err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                            "out of memory");
        break;
      }
      tmp = g;
      cap *= 2;
    }
    rc = parse_atom(rp, &tmp[n]);
    if (rc)
      break;
    n++;
  }
  if (!rc) {
    seq->n = n;
    seq->nodes = awsc_arena_alloc(rp->a, (n ? n : 1) * sizeof *tmp);
    if (!seq->nodes)
      rc = awsc_error_set(rp->err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
    else if (n)
      memcpy(seq->nodes, tmp, n * sizeof *tmp);
  }
  awsc_free(tmp);
  return rc;
}

static int parse_alts(rx_parser *rp, rx_node *group) {
  rx_seq alts[16];
  size_t n = 0;
  for (;;) {
    if (n == AWSC_ARRAY_LEN(alts))
      return rx_fail(rp, "too many alternatives");
    int rc = parse_seq(rp, &alts[n]);
    if (rc)
      return rc;
    n++;
    if (rp->p < rp->end && *rp->p == '|') {
      rp->p++;
      continue;
    }
    break;
  }
  group->alts = awsc_arena_alloc(rp->a, n * sizeof *alts);
  if (!group->alts)
    return awsc_error_set(rp->err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  memcpy(group->alts, alts, n * sizeof *alts);
  group->nalts = n;
  return 0;
}

int ep_regex_compile(ep_regex **out, awsc_arena *arena, const char *pattern,
                     size_t len, awsc_error *err) {
  *out = NULL;
  ep_regex *re = awsc_arena_calloc(arena, 1, sizeof *re);
  if (!re)
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  rx_parser rp = {arena, pattern, pattern + len, pattern, err, 0};
  re->top.kind = RX_GROUP;
  re->top.min = re->top.max = 1;
  int rc = parse_alts(&rp, &re->top);
  if (rc)
    return rc;
  if (rp.p != rp.end)
    return rx_fail(&rp, "unbalanced ')'");
  *out = re;
  return 0;
}

/* ---- matching: depth-first with explicit continuations ---- */

typedef struct rx_k rx_k;
struct rx_k {
  const rx_seq *seq; /* continue with seq->nodes[idx...] */
  size_t idx;
  const rx_node *grp; /* or: one iteration of grp finished */
  int count;
  size_t start; /* where that iteration began */
  const rx_k *next;
};

typedef struct rx_m {
  const char *s;
  size_t len;
  long budget; /* bounds pathological backtracking */
  int depth;   /* bounds the C stack (a frame per node or iteration) */
} rx_m;

#define RX_MAX_DEPTH 2000

static bool m_seq(rx_m *m, const rx_seq *seq, size_t idx, size_t pos,
                  const rx_k *k);
static bool m_rep(rx_m *m, const rx_node *g, int count, size_t pos,
                  const rx_k *rest);

static bool m_cont(rx_m *m, const rx_k *k, size_t pos) {
  if (!k)
    return true;
  if (k->grp) {
    /* An empty iteration can not make progress: stop repeating. */
    if (pos == k->start)
      return m_cont(m, k->next, pos);
    return m_rep(m, k->grp, k->count, pos, k->next);
  }
  return m_seq(m, k->seq, k->idx, pos, k->next);
}

static bool m_try_iter(rx_m *m, const rx_node *g, int count, size_t pos,
                       const rx_k *rest) {
  for (size_t a = 0; a < g->nalts; a++) {
    rx_k k2 = {NULL, 0, g, count + 1, pos, rest};
    if (m_seq(m, &g->alts[a], 0, pos, &k2))
      return true;
  }
  return false;
}

static bool m_rep_body(rx_m *m, const rx_node *g, int count, size_t pos,
                       const rx_k *rest) {
  bool more = g->max < 0 || count < g->max;
  bool enough = count >= g->min;
  if (g->lazy) {
    if (enough && m_cont(m, rest, pos))
      return true;
    return more && m_try_iter(m, g, count, pos, rest);
  }
  if (more && m_try_iter(m, g, count, pos, rest))
    return true;
  return enough && m_cont(m, rest, pos);
}

static bool m_rep(rx_m *m, const rx_node *g, int count, size_t pos,
                  const rx_k *rest) {
  if (--m->budget < 0 || m->depth >= RX_MAX_DEPTH)
    return false;
  m->depth++;
  bool r = m_rep_body(m, g, count, pos, rest);
  m->depth--;
  return r;
}

static bool m_seq_body(rx_m *m, const rx_seq *seq, size_t idx, size_t pos,
                       const rx_k *k) {
  if (idx == seq->n)
    return m_cont(m, k, pos);
  const rx_node *n = &seq->nodes[idx];
  switch (n->kind) {
  case RX_BOL:
    return pos == 0 && m_seq(m, seq, idx + 1, pos, k);
  case RX_EOL:
    /* Python: at the end, or before a final newline */
    if (pos == m->len || (pos + 1 == m->len && m->s[pos] == '\n'))
      return m_seq(m, seq, idx + 1, pos, k);
    return false;
  case RX_END:
    return pos == m->len && m_seq(m, seq, idx + 1, pos, k);
  case RX_SET: {
    size_t avail = 0;
    size_t lim = n->max < 0 ? m->len - pos : (size_t)n->max;
    while (avail < lim && pos + avail < m->len &&
           has_bit(n->set, (unsigned char)m->s[pos + avail]))
      avail++;
    if (avail < (size_t)n->min)
      return false;
    if (n->lazy) {
      for (size_t c = (size_t)n->min; c <= avail; c++)
        if (m_seq(m, seq, idx + 1, pos + c, k))
          return true;
      return false;
    }
    for (size_t c = avail + 1; c-- > (size_t)n->min;)
      if (m_seq(m, seq, idx + 1, pos + c, k))
        return true;
    return false;
  }
  case RX_GROUP: {
    rx_k rest = {seq, idx + 1, NULL, 0, 0, k};
    return m_rep(m, n, 0, pos, &rest);
  }
  default:
    return false;
  }
}

static bool m_seq(rx_m *m, const rx_seq *seq, size_t idx, size_t pos,
                  const rx_k *k) {
  if (--m->budget < 0 || m->depth >= RX_MAX_DEPTH)
    return false;
  m->depth++;
  bool r = m_seq_body(m, seq, idx, pos, k);
  m->depth--;
  return r;
}

bool ep_regex_match(const ep_regex *re, const char *s, size_t len) {
  if (!re)
    return false;
  rx_m m = {s, len, 100000, 0};
  return m_rep(&m, &re->top, 0, 0, NULL);
}
