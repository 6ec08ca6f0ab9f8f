/*
 * A JMESPath subset over awsc_value, for paginators and waiters.
 *
 * The parser is a Pratt parser with jmespath.py's binding powers and AST,
 * so the expressions it accepts mean exactly what they mean in botocore.
 *
 * Expressions the shipped models use (every models/SERVICE/VERSION/
 * paginators-1.json with its sdk-extras merged, and
 * models/s3/2006-03-01/waiters-2.json):
 *   output_token    NextMarker || Contents[-1].Key, NextContinuationToken,
 *                   ContinuationToken, NextKeyMarker, NextUploadIdMarker,
 *                   NextVersionIdMarker, NextPartNumberMarker, NextToken,
 *                   nextToken
 *   more_results    IsTruncated
 *   result_key      Contents, CommonPrefixes, Uploads, Versions,
 *                   DeleteMarkers, Parts, Buckets, Annotations, Topics,
 *                   Subscriptions, Endpoints, PlatformApplications,
 *                   phoneNumbers, PhoneNumbers, QueueUrls, queueUrls, and
 *                   comprehend's *PropertiesList keys
 *   non_aggregate   RequestCharged, Prefix, Owner, Initiator, ...
 *   waiters         status matchers only (no path arguments)
 * No shipped model uses filters, comparisons or functions; they are here
 * for the path / pathAll / pathAny acceptors of other botocore models
 * (e.g. "length(Reservations[]) > `0`", "Table.TableStatus",
 * "Stacks[].StackStatus").
 *
 * Supported: identifiers (bare and "quoted"), @, a.b, [n] / [-n], a[] and
 * [] (flatten projections), a[*] / [*] and a.* / * (wildcard projections),
 * [?cond] filters, |, ||, &&, !, ( ), == != < <= > >=, `json` and 'raw'
 * literals, multi-select lists [a, b] and a.[b, c] (boto3's resource models
 * use "[Versions,DeleteMarkers]|[]"), length(x), contains(subject, x),
 * keys(obj), values(obj) (the
 * functions botocore-style waiters use, e.g. "contains(keys(DBClusters[0]),
 * 'PendingModifiedValues')").
 * Refused with a clear error: multi-select hashes {k: v}, slices [a:b:c],
 * &expression references, every other function. None of them is used by
 * the shipped models.
 */
#include <stdio.h>
#include <string.h>

#include "client/jmespath.h"

/* Nesting limit: keeps the recursive parser and evaluator off the end of
 * the stack whatever the input. */
#define JP_MAX_DEPTH 64

enum {
  T_EOF = 0,
  T_UNQUOTED,
  T_QUOTED,
  T_LITERAL,
  T_NUMBER,
  T_DOT,
  T_STAR,
  T_FLATTEN,
  T_FILTER,
  T_LBRACKET,
  T_RBRACKET,
  T_LBRACE,
  T_RBRACE,
  T_LPAREN,
  T_RPAREN,
  T_COMMA,
  T_COLON,
  T_PIPE,
  T_OR,
  T_AND,
  T_EXPREF,
  T_NOT,
  T_EQ,
  T_NE,
  T_LT,
  T_LTE,
  T_GT,
  T_GTE,
  T_CURRENT,
  T_COUNT_
};

static const char *const tok_names[T_COUNT_] = {"end of expression",
                                                "identifier",
                                                "quoted identifier",
                                                "literal",
                                                "number",
                                                "'.'",
                                                "'*'",
                                                "'[]'",
                                                "'[?'",
                                                "'['",
                                                "']'",
                                                "'{'",
                                                "'}'",
                                                "'('",
                                                "')'",
                                                "','",
                                                "':'",
                                                "'|'",
                                                "'||'",
                                                "'&&'",
                                                "'&'",
                                                "'!'",
                                                "'=='",
                                                "'!='",
                                                "'<'",
                                                "'<='",
                                                "'>'",
                                                "'>='",
                                                "'@'"};

/* jmespath.py Parser.BINDING_POWER */
static const int binding_power[T_COUNT_] = {
    [T_EOF] = 0,    [T_UNQUOTED] = 0, [T_QUOTED] = 0,  [T_LITERAL] = 0,
    [T_NUMBER] = 0, [T_RBRACKET] = 0, [T_RPAREN] = 0,  [T_COMMA] = 0,
    [T_RBRACE] = 0, [T_CURRENT] = 0,  [T_EXPREF] = 0,  [T_COLON] = 0,
    [T_PIPE] = 1,   [T_OR] = 2,       [T_AND] = 3,     [T_EQ] = 5,
    [T_NE] = 5,     [T_LT] = 5,       [T_LTE] = 5,     [T_GT] = 5,
    [T_GTE] = 5,    [T_FLATTEN] = 9,  [T_STAR] = 20,   [T_FILTER] = 21,
    [T_DOT] = 40,   [T_NOT] = 45,     [T_LBRACE] = 50, [T_LBRACKET] = 55,
    [T_LPAREN] = 60};
/* Tokens binding less than this end a projection's right-hand side. */
#define PROJECTION_STOP 10

typedef struct tok {
  uint8_t type;
  size_t pos;
  const char *s; /* identifier text (decoded for quoted ones) */
  size_t n;
  int64_t num;
  awsc_value lit;
} tok;

typedef awsc_jp_node node;

typedef struct parser {
  awsc_arena *a;
  awsc_error *err;
  const char *src;
  tok *toks;
  size_t ntok, i;
  int depth;
  int rc;
} parser;

static node *fail_at(parser *p, size_t pos, const char *fmt, const char *arg) {
  if (p->rc)
    return NULL;
  char what[160];
  snprintf(what, sizeof what, fmt, arg ? arg : "");
  /* what first: a long expression is cut, the reason never */
  size_t len = strlen(p->src);
  p->rc = awsc_error_set(p->err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                         "Invalid JMESPath expression (%s at position %zu): "
                         "\"%.*s%s\"",
                         what, pos, (int)(len > 200 ? 200 : len), p->src,
                         len > 200 ? "..." : "");
  return NULL;
}

static node *oom(parser *p) {
  if (!p->rc)
    p->rc = awsc_error_set(p->err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                           "out of memory");
  return NULL;
}

/* ------------------------------------------------------------------ */
/* lexer */

static bool is_ident_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_ident_char(char c) {
  return is_ident_start(c) || (c >= '0' && c <= '9');
}

/* JSON text -> value (a literal or a quoted identifier). */
static int json_value(parser *p, const char *s, size_t n, awsc_value *out) {
  awsc_error tmp = AWSC_ERROR_INIT;
  int rc = awsc_value_from_json_ex(out, p->a, NULL, s, n, 0, &tmp);
  if (rc == AWSC_ENOMEM)
    oom(p);
  return rc;
}

/* Copy s[from..to) into buf dropping the backslash of `\<quote>`. */
static int unescape_quote(awsc_buf *buf, const char *s, size_t from, size_t to,
                          char quote) {
  for (size_t j = from; j < to; j++) {
    if (s[j] == '\\' && j + 1 < to && s[j + 1] == quote)
      j++;
    if (awsc_buf_putc(buf, s[j]))
      return AWSC_ENOMEM;
  }
  return awsc_buf_reserve(buf, 1);
}

/* End of a quoted run starting after s[i] (the opening quote): index of the
 * closing quote, or n when unterminated. A backslash escapes one char. */
static size_t quoted_end(const char *s, size_t i, size_t n, char quote) {
  size_t j = i + 1;
  while (j < n && s[j] != quote)
    j += (s[j] == '\\' && j + 1 < n) ? 2 : 1;
  return j < n ? j : n;
}

/* An integer, optionally negative. */
static int lex_number(parser *p, size_t *ip, size_t n, tok *t) {
  const char *s = p->src;
  size_t i = *ip;
  char c = s[i];
  size_t j = c == '-' ? i + 1 : i;
  int64_t v = 0;
  for (; j < n && s[j] >= '0' && s[j] <= '9'; j++) {
    if (v > (INT64_MAX - (s[j] - '0')) / 10) {
      fail_at(p, i, "number out of range%s", NULL);
      return p->rc;
    }
    v = v * 10 + (s[j] - '0');
  }
  t->type = T_NUMBER;
  t->num = c == '-' ? -v : v;
  *ip = j;
  return 0;
}

/* "quoted identifier" (JSON string rules). */
static int lex_quoted_ident(parser *p, size_t *ip, size_t n, tok *t) {
  const char *s = p->src;
  size_t i = *ip;
  size_t j = quoted_end(s, i, n, '"');
  if (j >= n) {
    fail_at(p, i, "unterminated quoted identifier%s", NULL);
    return p->rc;
  }
  awsc_value v;
  if (json_value(p, s + i, j + 1 - i, &v) || v.type != AWSC_V_STRING) {
    if (!p->rc)
      fail_at(p, i, "invalid quoted identifier%s", NULL);
    return p->rc;
  }
  t->type = T_QUOTED;
  t->s = v.u.s.p;
  t->n = v.u.s.n;
  *ip = j + 1;
  return 0;
}

/* The value of a `JSON literal` (text without the quotes in buf). */
static int json_literal(parser *p, size_t i, const awsc_buf *buf, tok *t) {
  int rc = json_value(p, buf->p, buf->len, &t->lit);
  if (!rc || rc == AWSC_ENOMEM)
    return rc;
  /* jmespath.py's deprecated fallback: `foo` means the string foo */
  awsc_buf q = AWSC_BUF_INIT;
  rc = awsc_buf_putc(&q, '"') || awsc_buf_append(&q, buf->p, buf->len) ||
               awsc_buf_putc(&q, '"')
           ? AWSC_ENOMEM
           : json_value(p, q.p, q.len, &t->lit);
  awsc_buf_free(&q);
  if (rc == AWSC_ENOMEM)
    oom(p);
  else if (rc)
    fail_at(p, i, "invalid JSON literal%s", NULL);
  return rc;
}

/* 'raw string' or `JSON literal`. */
static int lex_literal(parser *p, size_t *ip, size_t n, tok *t) {
  const char *s = p->src;
  size_t i = *ip;
  char c = s[i];
  size_t j = quoted_end(s, i, n, c);
  if (j >= n) {
    fail_at(p, i,
            c == '`' ? "unterminated JSON literal%s"
                     : "unterminated raw string literal%s",
            NULL);
    return p->rc;
  }
  awsc_buf buf = AWSC_BUF_INIT;
  if (unescape_quote(&buf, s, i + 1, j, c)) {
    awsc_buf_free(&buf);
    oom(p);
    return p->rc;
  }
  int rc = 0;
  t->type = T_LITERAL;
  if (c == '\'') {
    t->lit.type = AWSC_V_STRING;
    t->lit.u.s.n = buf.len;
    t->lit.u.s.p = awsc_arena_strndup(p->a, buf.p, buf.len);
    rc = t->lit.u.s.p ? 0 : AWSC_ENOMEM;
    if (rc)
      oom(p);
  } else {
    rc = json_literal(p, i, &buf, t);
  }
  awsc_buf_free(&buf);
  *ip = j + 1;
  return p->rc ? p->rc : rc;
}

/* Operators and punctuation, one or two characters. */
static int lex_symbol(parser *p, size_t *ip, size_t n, tok *t) {
  const char *s = p->src;
  size_t i = *ip;
  char c = s[i];
  char next = i + 1 < n ? s[i + 1] : '\0';
  size_t len = 1;
  switch (c) {
  case '.':
    t->type = T_DOT;
    break;
  case '*':
    t->type = T_STAR;
    break;
  case ']':
    t->type = T_RBRACKET;
    break;
  case '{':
    t->type = T_LBRACE;
    break;
  case '}':
    t->type = T_RBRACE;
    break;
  case '(':
    t->type = T_LPAREN;
    break;
  case ')':
    t->type = T_RPAREN;
    break;
  case ',':
    t->type = T_COMMA;
    break;
  case ':':
    t->type = T_COLON;
    break;
  case '@':
    t->type = T_CURRENT;
    break;
  case '[':
    t->type = next == ']' ? T_FLATTEN : next == '?' ? T_FILTER : T_LBRACKET;
    len = t->type == T_LBRACKET ? 1 : 2;
    break;
  case '|':
    t->type = next == '|' ? T_OR : T_PIPE;
    len = next == '|' ? 2 : 1;
    break;
  case '&':
    t->type = next == '&' ? T_AND : T_EXPREF;
    len = next == '&' ? 2 : 1;
    break;
  case '!':
    t->type = next == '=' ? T_NE : T_NOT;
    len = next == '=' ? 2 : 1;
    break;
  case '<':
    t->type = next == '=' ? T_LTE : T_LT;
    len = next == '=' ? 2 : 1;
    break;
  case '>':
    t->type = next == '=' ? T_GTE : T_GT;
    len = next == '=' ? 2 : 1;
    break;
  case '=':
    if (next == '=') {
      t->type = T_EQ;
      len = 2;
      break;
    }
    fail_at(p, i, "unknown token '=' (did you mean '=='?)%s", NULL);
    return p->rc;
  default: {
    char ch[8];
    snprintf(ch, sizeof ch,
             (unsigned char)c < 0x20 || (unsigned char)c >= 0x7f ? "\\x%02x"
                                                                 : "%c",
             (unsigned char)c);
    fail_at(p, i, "unknown character '%s'", ch);
    return p->rc;
  }
  }
  *ip = i + len;
  return 0;
}

static int lex_one(parser *p, size_t *ip, size_t n, tok *t) {
  const char *s = p->src;
  size_t i = *ip;
  char c = s[i];
  char next = i + 1 < n ? s[i + 1] : '\0';
  t->pos = i;
  if (is_ident_start(c)) {
    size_t j = i;
    while (j < n && is_ident_char(s[j]))
      j++;
    t->type = T_UNQUOTED;
    t->s = s + i;
    t->n = j - i;
    *ip = j;
    return 0;
  }
  if ((c >= '0' && c <= '9') || (c == '-' && next >= '0' && next <= '9'))
    return lex_number(p, ip, n, t);
  if (c == '"')
    return lex_quoted_ident(p, ip, n, t);
  if (c == '\'' || c == '`')
    return lex_literal(p, ip, n, t);
  return lex_symbol(p, ip, n, t);
}

static int lex(parser *p) {
  size_t n = strlen(p->src);
  /* every token but the last consumes at least one character */
  p->toks = awsc_arena_calloc(p->a, n + 1, sizeof(tok));
  if (!p->toks) {
    oom(p);
    return p->rc;
  }
  size_t i = 0;
  while (i < n) {
    char c = p->src[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      i++;
      continue;
    }
    if (lex_one(p, &i, n, &p->toks[p->ntok]))
      return p->rc;
    p->ntok++;
  }
  p->toks[p->ntok].type = T_EOF;
  p->toks[p->ntok].pos = n;
  p->ntok++;
  return 0;
}

/* ------------------------------------------------------------------ */
/* parser */

static node *expression(parser *p, int rbp);

static const tok *cur(const parser *p) {
  return &p->toks[p->i];
}
static int cur_type(const parser *p) {
  return p->toks[p->i].type;
}
static int peek_type(const parser *p, size_t k) {
  return p->i + k < p->ntok ? p->toks[p->i + k].type : T_EOF;
}
static void advance(parser *p) {
  if (p->i + 1 < p->ntok)
    p->i++;
}

static node *unexpected(parser *p, const tok *t) {
  return fail_at(p, t->pos, "unexpected %s", tok_names[t->type]);
}

static node *unsupported(parser *p, const tok *t, const char *what) {
  return fail_at(p, t->pos, "%s are not supported by awsc", what);
}

static bool match(parser *p, int type) {
  if (cur_type(p) != type) {
    char what[64];
    snprintf(what, sizeof what, "expected %s, found %%s", tok_names[type]);
    fail_at(p, cur(p)->pos, what, tok_names[cur_type(p)]);
    return false;
  }
  advance(p);
  return true;
}

static node *mk(parser *p, awsc_jp_node_type type, node *l, node *r) {
  node *n = awsc_arena_calloc(p->a, 1, sizeof(node));
  if (!n)
    return oom(p);
  n->type = (uint8_t)type;
  n->l = l;
  n->r = r;
  return n;
}

static node *identity(parser *p) {
  return mk(p, AWSC_JP_IDENTITY, NULL, NULL);
}

/* After '[' of a multi-select list: expression (',' expression)* ']'. */
static node *multi_list(parser *p) {
  node *first = NULL, **link = &first;
  for (;;) {
    node *item = expression(p, 0);
    node *n = item ? mk(p, AWSC_JP_MULTI_LIST, item, NULL) : NULL;
    if (!n)
      return NULL;
    *link = n;
    link = &n->r;
    if (cur_type(p) == T_RBRACKET) {
      advance(p);
      return first;
    }
    if (!match(p, T_COMMA))
      return NULL;
  }
}

static node *dot_rhs(parser *p, int rbp) {
  int t = cur_type(p);
  if (t == T_QUOTED || t == T_UNQUOTED || t == T_STAR)
    return expression(p, rbp);
  if (t == T_LBRACKET) {
    advance(p);
    return multi_list(p);
  }
  if (t == T_LBRACE)
    return unsupported(p, cur(p), "multi-select hashes");
  return fail_at(p, cur(p)->pos, "expected an identifier after '.', found %s",
                 tok_names[t]);
}

static node *projection_rhs(parser *p, int rbp) {
  int t = cur_type(p);
  if (binding_power[t] < PROJECTION_STOP)
    return identity(p);
  if (t == T_LBRACKET || t == T_FILTER)
    return expression(p, rbp);
  if (t == T_DOT) {
    advance(p);
    return dot_rhs(p, rbp);
  }
  return unexpected(p, cur(p));
}

/* After '[' when a number or ':' follows: [n] (slices refused). */
static node *index_expression(parser *p) {
  if (cur_type(p) == T_COLON || peek_type(p, 1) == T_COLON)
    return unsupported(p, cur(p), "slices");
  node *n = mk(p, AWSC_JP_INDEX, NULL, NULL);
  if (!n)
    return NULL;
  n->index = cur(p)->num;
  advance(p);
  return match(p, T_RBRACKET) ? n : NULL;
}

static node *filter(parser *p, node *left) {
  node *cond = expression(p, 0);
  if (!cond || !match(p, T_RBRACKET))
    return NULL;
  node *right = cur_type(p) == T_FLATTEN
                    ? identity(p)
                    : projection_rhs(p, binding_power[T_FILTER]);
  node *n = right ? mk(p, AWSC_JP_FILTER, left, right) : NULL;
  if (n)
    n->c = cond;
  return n;
}

static node *nud(parser *p, const tok *t) {
  node *n, *r;
  switch (t->type) {
  case T_LITERAL:
    n = mk(p, AWSC_JP_LITERAL, NULL, NULL);
    if (n)
      n->lit = t->lit;
    return n;
  case T_QUOTED:
    if (cur_type(p) == T_LPAREN)
      return fail_at(p, t->pos,
                     "a quoted identifier can not name a "
                     "function%s",
                     NULL);
    /* fall through */
  case T_UNQUOTED:
    n = mk(p, AWSC_JP_FIELD, NULL, NULL);
    if (n) {
      n->name = t->s;
      n->len = t->n;
    }
    return n;
  case T_STAR:
    r = cur_type(p) == T_RBRACKET ? identity(p)
                                  : projection_rhs(p, binding_power[T_STAR]);
    return r ? mk(p, AWSC_JP_VPROJECT, identity(p), r) : NULL;
  case T_FILTER:
    n = identity(p);
    return n ? filter(p, n) : NULL;
  case T_LPAREN:
    n = expression(p, 0);
    return n && match(p, T_RPAREN) ? n : NULL;
  case T_FLATTEN:
    n = mk(p, AWSC_JP_FLATTEN, identity(p), NULL);
    r = n ? projection_rhs(p, binding_power[T_FLATTEN]) : NULL;
    return r ? mk(p, AWSC_JP_PROJECT, n, r) : NULL;
  case T_NOT:
    n = expression(p, binding_power[T_NOT]);
    return n ? mk(p, AWSC_JP_NOT, n, NULL) : NULL;
  case T_LBRACKET:
    if (cur_type(p) == T_NUMBER || cur_type(p) == T_COLON)
      return index_expression(p);
    if (cur_type(p) == T_STAR && peek_type(p, 1) == T_RBRACKET) {
      advance(p);
      advance(p);
      r = projection_rhs(p, binding_power[T_STAR]);
      return r ? mk(p, AWSC_JP_PROJECT, identity(p), r) : NULL;
    }
    return multi_list(p);
  case T_LBRACE:
    return unsupported(p, t, "multi-select hashes");
  case T_EXPREF:
    return unsupported(p, t, "expression references (&)");
  case T_CURRENT:
    return identity(p);
  case T_EOF:
    return fail_at(p, t->pos, "unexpected end of expression%s", NULL);
  default:
    return unexpected(p, t);
  }
}

static node *function_call(parser *p, const tok *t, node *left) {
  if (left->type != AWSC_JP_FIELD)
    return fail_at(p, t->pos, "invalid function name%s", NULL);
  node *args[2] = {NULL, NULL};
  size_t nargs = 0;
  while (cur_type(p) != T_RPAREN) {
    node *a = expression(p, 0);
    if (!a)
      return NULL;
    if (cur_type(p) == T_COMMA)
      advance(p);
    if (nargs < AWSC_ARRAY_LEN(args))
      args[nargs] = a;
    nargs++;
  }
  if (!match(p, T_RPAREN))
    return NULL;
  static const struct {
    const char *name;
    size_t nargs;
  } fns[] = {[AWSC_JP_FN_LENGTH] = {"length", 1},
             [AWSC_JP_FN_CONTAINS] = {"contains", 2},
             [AWSC_JP_FN_KEYS] = {"keys", 1},
             [AWSC_JP_FN_VALUES] = {"values", 1}};
  for (size_t f = 0; f < AWSC_ARRAY_LEN(fns); f++) {
    if (strlen(fns[f].name) != left->len ||
        memcmp(left->name, fns[f].name, left->len) != 0)
      continue;
    if (nargs != fns[f].nargs) {
      char what[80];
      snprintf(what, sizeof what, "%s() takes exactly %zu argument%s%%s",
               fns[f].name, fns[f].nargs, fns[f].nargs > 1 ? "s" : "");
      return fail_at(p, t->pos, what, NULL);
    }
    node *n = mk(p, AWSC_JP_FUNC, NULL, args[1]);
    if (n) {
      n->op = (uint8_t)f;
      n->c = args[0];
    }
    return n;
  }
  char name[64];
  snprintf(name, sizeof name, "%.*s", (int)(left->len > 40 ? 40 : left->len),
           left->name);
  return fail_at(p, t->pos, "unknown or unsupported function %s()", name);
}

static node *led(parser *p, const tok *t, node *left) {
  node *r;
  switch (t->type) {
  case T_DOT:
    if (cur_type(p) != T_STAR) {
      r = dot_rhs(p, binding_power[T_DOT]);
      return r ? mk(p, AWSC_JP_SUB, left, r) : NULL;
    }
    advance(p);
    r = projection_rhs(p, binding_power[T_DOT]);
    return r ? mk(p, AWSC_JP_VPROJECT, left, r) : NULL;
  case T_PIPE:
    r = expression(p, binding_power[T_PIPE]);
    return r ? mk(p, AWSC_JP_SUB, left, r) : NULL;
  case T_OR:
    r = expression(p, binding_power[T_OR]);
    return r ? mk(p, AWSC_JP_OR, left, r) : NULL;
  case T_AND:
    r = expression(p, binding_power[T_AND]);
    return r ? mk(p, AWSC_JP_AND, left, r) : NULL;
  case T_LPAREN:
    return function_call(p, t, left);
  case T_FILTER:
    return filter(p, left);
  case T_EQ:
  case T_NE:
  case T_LT:
  case T_LTE:
  case T_GT:
  case T_GTE: {
    r = expression(p, binding_power[t->type]);
    node *n = r ? mk(p, AWSC_JP_CMP, left, r) : NULL;
    if (n)
      n->op = (uint8_t)(t->type == T_EQ    ? AWSC_JP_EQ
                        : t->type == T_NE  ? AWSC_JP_NE
                        : t->type == T_LT  ? AWSC_JP_LT
                        : t->type == T_LTE ? AWSC_JP_LTE
                        : t->type == T_GT  ? AWSC_JP_GT
                                           : AWSC_JP_GTE);
    return n;
  }
  case T_FLATTEN: {
    node *f = mk(p, AWSC_JP_FLATTEN, left, NULL);
    r = f ? projection_rhs(p, binding_power[T_FLATTEN]) : NULL;
    return r ? mk(p, AWSC_JP_PROJECT, f, r) : NULL;
  }
  case T_LBRACKET:
    if (cur_type(p) == T_NUMBER || cur_type(p) == T_COLON) {
      r = index_expression(p);
      return r ? mk(p, AWSC_JP_SUB, left, r) : NULL;
    }
    if (!match(p, T_STAR) || !match(p, T_RBRACKET))
      return NULL;
    r = projection_rhs(p, binding_power[T_STAR]);
    return r ? mk(p, AWSC_JP_PROJECT, left, r) : NULL;
  default:
    return unexpected(p, t);
  }
}

static node *expression(parser *p, int rbp) {
  if (++p->depth > JP_MAX_DEPTH)
    return fail_at(p, cur(p)->pos, "expression nested too deeply%s", NULL);
  const tok *t = cur(p);
  advance(p);
  node *left = nud(p, t);
  while (left && rbp < binding_power[cur_type(p)]) {
    t = cur(p);
    advance(p);
    left = led(p, t, left);
  }
  p->depth--;
  return left;
}

/*
 * How many times the result of n can hold one piece of its input, as an
 * upper bound: a multi-select list adds its items' bounds, everything else
 * multiplies its operands' (a projection repeats r's copies for each copy
 * l yields). Values are shared, not copied, so evaluating "[@,@] | [@,@] |
 * ..." is cheap, but whatever walks the result (a comparison, a projection,
 * JSON output) walks every copy: 2^k of them after k stages. Saturates at
 * limit + 1.
 */
static uint64_t dup_bound(const node *n, uint64_t limit) {
  if (!n)
    return 1;
  uint64_t d;
  if (n->type == AWSC_JP_MULTI_LIST) {
    d = 0;
    for (const node *it = n; it && d <= limit; it = it->r)
      d += dup_bound(it->l, limit);
    return d > limit ? limit + 1 : d;
  }
  d = 1;
  const node *kids[3] = {n->l, n->r, n->c};
  for (int i = 0; i < 3; i++) {
    uint64_t k = dup_bound(kids[i], limit);
    d = k > limit / d ? limit + 1 : d * k;
    if (d > limit)
      return limit + 1;
  }
  return d;
}

int awsc_jmespath_compile(awsc_jmespath **out, awsc_arena *arena,
                          const char *expr, awsc_error *err) {
  if (!out || !arena || !expr)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_jmespath_compile: NULL argument");
  *out = NULL;
  parser p = {arena, err, expr, NULL, 0, 0, 0, 0};
  if (lex(&p))
    return p.rc;
  node *root = expression(&p, 0);
  if (root && cur_type(&p) != T_EOF)
    root = unexpected(&p, cur(&p));
  if (!root)
    return p.rc ? p.rc : AWSC_EINVAL;
  if (dup_bound(root, AWSC_JMESPATH_MAX_COPIES) > AWSC_JMESPATH_MAX_COPIES)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "JMESPath \"%s\": multi-select lists repeat the "
                          "input more than %d times",
                          expr, AWSC_JMESPATH_MAX_COPIES);
  awsc_jmespath *e = awsc_arena_alloc(arena, sizeof(*e));
  char *text = awsc_arena_strdup(arena, expr);
  if (!e || !text)
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  e->text = text;
  e->root = root;
  *out = e;
  return 0;
}

const char *awsc_jmespath_text(const awsc_jmespath *e) {
  return e ? e->text : "";
}
