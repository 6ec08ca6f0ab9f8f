/*
 * lib/endpoints/ep_regex.c - a tiny matcher for the partitions'
 * regionRegex, exactly the shapes partitions.json uses:
 *
 *   ^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$     aws
 *   ^cn\-\w+\-\d+$                               aws-cn
 *   ^eusc\-(de)\-\w+\-\d+$                       aws-eusc
 *   ^us\-iso\-\w+\-\d+$    ^us\-isob\-\w+\-\d+$  aws-iso, aws-iso-b
 *   ^eu\-isoe\-\w+\-\d+$   ^us\-isof\-\w+\-\d+$  aws-iso-e, aws-iso-f
 *   ^us\-gov\-\w+\-\d+$                          aws-us-gov
 *
 * That is: a sequence of single-character atoms (a literal, an escaped
 * punctuation character, '.', \d \D \w \W \s \S with ASCII meaning), each
 * optionally followed by + * or ?, and groups of plain alternatives
 * (a|b|c) or (?:a|b); '^' first and '$' last (Python's: the end, or
 * before a final newline). Matching is Python's re.match (anchored at the
 * start). Anything else (classes [...], {m,n}, lazy or nested
 * quantifiers, nested groups, backreferences) is refused when the
 * partitions are compiled, never matched differently from Python.
 *
 * Why not regcomp/regexec: POSIX EREs have no \d or \w, and glibc's
 * regexec allocates with plain malloc and takes a lock per call, while
 * resolution must allocate only in the caller's arena. Compiled once
 * with the partitions; a match walks the atoms with bounded backtracking
 * (a quantified atom gives back characters one at a time; a step budget
 * stops pathological patterns, which partitions.json does not have).
 */
#include <string.h>

#include "endpoints/ep_internal.h"

enum { RX_SET, RX_ALTS };

typedef struct rx_atom {
  uint8_t kind;
  bool many;         /* + or *: unbounded */
  bool optional;     /* * or ?: may match nothing */
  uint8_t set[32];   /* RX_SET: bitmap of accepted bytes */
  const char **alts; /* RX_ALTS: the alternatives, in order */
  size_t *alt_len;
  size_t nalts;
} rx_atom;

struct ep_regex {
  rx_atom *atoms;
  size_t n;
  bool eol; /* ends with '$' */
};

#define RX_MAX_ATOMS 64
#define RX_MAX_ALTS 32
#define RX_STEP_BUDGET 100000

typedef struct rx_parser {
  const char *start, *p, *end;
  awsc_error *err;
} rx_parser;

static int rx_fail(rx_parser *rp, const char *what) {
  return awsc_error_set(
      rp->err, AWSC_EPARSE, AWSC_ERROR_PARSE, "regex /%.*s/: %s at offset %d",
      (int)(rp->end - rp->start), rp->start, what, (int)(rp->p - rp->start));
}

static void set_range(uint8_t *set, unsigned lo, unsigned hi) {
  for (unsigned c = lo; c <= hi; c++)
    set[c >> 3] |= (uint8_t)(1u << (c & 7));
}

/* \d \w \s and their negations (ASCII, as re.ASCII) into set; false when
 * c is not one of those letters. */
static bool class_escape(uint8_t *set, char c) {
  switch (c) {
  case 'd':
  case 'D':
    set_range(set, '0', '9');
    break;
  case 'w':
  case 'W':
    set_range(set, '0', '9');
    set_range(set, 'A', 'Z');
    set_range(set, 'a', 'z');
    set_range(set, '_', '_');
    break;
  case 's':
  case 'S':
    set_range(set, '\t', '\r');
    set_range(set, ' ', ' ');
    break;
  default:
    return false;
  }
  if (c >= 'A' && c <= 'Z')
    for (size_t i = 0; i < 32; i++)
      set[i] = (uint8_t)~set[i];
  return true;
}

static bool is_meta(char c) {
  return strchr("\\.^$|()[]{}*+?", c) != NULL;
}

/* One single-character atom at rp->p into a->set. */
static int parse_char(rx_parser *rp, rx_atom *a) {
  char c = *rp->p;
  a->kind = RX_SET;
  if (c == '.') {
    set_range(a->set, 0, 255);
    a->set['\n' >> 3] &= (uint8_t) ~(1u << ('\n' & 7));
  } else if (c == '\\') {
    if (rp->p + 1 >= rp->end)
      return rx_fail(rp, "trailing backslash");
    char e = rp->p[1];
    bool alnum = (e >= '0' && e <= '9') || (e >= 'A' && e <= 'Z') ||
                 (e >= 'a' && e <= 'z');
    if (!class_escape(a->set, e)) {
      if (alnum)
        return rx_fail(rp, "unsupported escape");
      set_range(a->set, (unsigned char)e, (unsigned char)e);
    }
    rp->p++;
  } else if (is_meta(c)) {
    return rx_fail(rp, "unsupported syntax");
  } else {
    set_range(a->set, (unsigned char)c, (unsigned char)c);
  }
  rp->p++;
  if (rp->p < rp->end && strchr("+*?", *rp->p)) {
    a->many = *rp->p != '?';
    a->optional = *rp->p != '+';
    rp->p++;
    if (rp->p < rp->end && strchr("+*?{", *rp->p))
      return rx_fail(rp, "unsupported quantifier");
  } else if (rp->p < rp->end && *rp->p == '{') {
    return rx_fail(rp, "unsupported quantifier");
  }
  return 0;
}

/* A group of plain alternatives at rp->p (on '('). */
static int parse_alts(rx_parser *rp, awsc_arena *arena, rx_atom *a) {
  rp->p++;
  if (rp->end - rp->p >= 2 && rp->p[0] == '?' && rp->p[1] == ':')
    rp->p += 2;
  a->kind = RX_ALTS;
  a->alts = awsc_arena_alloc(arena, RX_MAX_ALTS * sizeof *a->alts);
  a->alt_len = awsc_arena_alloc(arena, RX_MAX_ALTS * sizeof *a->alt_len);
  if (!a->alts || !a->alt_len)
    return awsc_error_set(rp->err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  const char *alt = rp->p;
  for (;; rp->p++) {
    if (rp->p >= rp->end)
      return rx_fail(rp, "missing ')'");
    char c = *rp->p;
    if (c == '|' || c == ')') {
      if (a->nalts == RX_MAX_ALTS)
        return rx_fail(rp, "too many alternatives");
      a->alts[a->nalts] = alt;
      a->alt_len[a->nalts++] = (size_t)(rp->p - alt);
      alt = rp->p + 1;
      if (c == ')')
        break;
    } else if (is_meta(c)) {
      return rx_fail(rp, "unsupported syntax in a group");
    }
  }
  rp->p++;
  if (rp->p < rp->end && strchr("+*?{", *rp->p))
    return rx_fail(rp, "unsupported quantifier on a group");
  return 0;
}

int ep_regex_compile(ep_regex **out, awsc_arena *arena, const char *pattern,
                     size_t len, awsc_error *err) {
  /* The alternatives point into the pattern: keep a copy with them (the
   * caller's text is the parsed JSON, freed after compiling). */
  const char *copy = awsc_arena_strndup(arena, pattern, len);
  ep_regex *re = awsc_arena_alloc(arena, sizeof *re);
  rx_atom *atoms = awsc_arena_alloc(arena, RX_MAX_ATOMS * sizeof *atoms);
  if (!copy || !re || !atoms)
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  rx_parser rp = {copy, copy, copy + len, err};
  memset(re, 0, sizeof *re);
  memset(atoms, 0, RX_MAX_ATOMS * sizeof *atoms);
  re->atoms = atoms;
  if (rp.p < rp.end && *rp.p == '^')
    rp.p++;
  while (rp.p < rp.end) {
    if (*rp.p == '$' && rp.p + 1 == rp.end) {
      re->eol = true;
      break;
    }
    if (re->n == RX_MAX_ATOMS)
      return rx_fail(&rp, "pattern too long");
    rx_atom *a = &atoms[re->n++];
    int rc = *rp.p == '(' ? parse_alts(&rp, arena, a) : parse_char(&rp, a);
    if (rc)
      return rc;
  }
  *out = re;
  return 0;
}

static bool in_set(const rx_atom *a, unsigned char c) {
  return a->set[c >> 3] & (1u << (c & 7));
}

/* Atoms i.. against s[pos..len). */
static bool match_at(const ep_regex *re, size_t i, const char *s, size_t pos,
                     size_t len, long *budget) {
  if (--*budget < 0)
    return false;
  if (i == re->n)
    return !re->eol || pos == len || (pos + 1 == len && s[pos] == '\n');
  const rx_atom *a = &re->atoms[i];
  if (a->kind == RX_ALTS) {
    for (size_t k = 0; k < a->nalts; k++)
      if (len - pos >= a->alt_len[k] &&
          memcmp(s + pos, a->alts[k], a->alt_len[k]) == 0 &&
          match_at(re, i + 1, s, pos + a->alt_len[k], len, budget))
        return true;
    return false;
  }
  size_t max = a->many ? len - pos : (len > pos ? 1 : 0);
  size_t run = 0;
  while (run < max && in_set(a, (unsigned char)s[pos + run]))
    run++;
  size_t min = a->optional ? 0 : 1;
  for (size_t k = run + 1; k-- > min;) /* greedy: longest first */
    if (match_at(re, i + 1, s, pos + k, len, budget))
      return true;
  return false;
}

bool ep_regex_match(const ep_regex *re, const char *s, size_t len) {
  long budget = RX_STEP_BUDGET;
  return match_at(re, 0, s, 0, len, &budget);
}
