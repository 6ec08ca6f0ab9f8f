/*
 * lib/protocols/parse_scalar.c - text to scalars for every protocol:
 * numbers (locale-independent), timestamps, base64.
 *
 * The rules follow botocore's parsers: a timestamp is accepted in any
 * format whatever its timestampFormat (parse_timestamp), XML booleans are
 * "true" or false, header booleans compare case-insensitively, blobs are
 * base64 with stray characters dropped (b64decode without validate).
 */
#include <ctype.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "protocols/parse_internal.h"

/* ------------------------------------------------------------------ */
/* numbers                                                              */

int awsc_parse_int64(const char *p, size_t n, int64_t *out) {
  size_t i = 0;
  bool neg = false;
  if (i < n && (p[i] == '-' || p[i] == '+')) {
    neg = p[i] == '-';
    i++;
  }
  if (i == n)
    return AWSC_EPARSE;
  uint64_t v = 0;
  uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
  for (; i < n; i++) {
    unsigned d = (unsigned)(unsigned char)p[i] - '0';
    if (d > 9)
      return AWSC_EPARSE;
    if (v > (limit - d) / 10)
      return AWSC_EPARSE;
    v = v * 10 + d;
  }
  *out = neg ? (int64_t)(0 - v) : (int64_t)v;
  return AWSC_OK;
}

static const double pow10_tab[23] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Decimal text -> double without the C library's locale-dependent strtod:
 * exact for up to 15 significant digits and small exponents (one
 * correctly-rounded IEEE operation, Clinger's fast path); otherwise
 * strtod_l in the "C" locale. Python float() spellings of the special
 * values are accepted ("nan", "inf", "infinity", any case and sign). */
int awsc_parse_double(const char *p, size_t n, double *out) {
  if (n == 0)
    return AWSC_EPARSE;
  size_t i = 0;
  bool neg = false;
  if (p[0] == '-' || p[0] == '+') {
    neg = p[0] == '-';
    i = 1;
  }
  if (awsc_pieq(p + i, n - i, "nan")) {
    *out = NAN;
    return AWSC_OK;
  }
  if (awsc_pieq(p + i, n - i, "inf") || awsc_pieq(p + i, n - i, "infinity")) {
    *out = neg ? -INFINITY : INFINITY;
    return AWSC_OK;
  }
  uint64_t mant = 0;
  int digits = 0, frac = 0, exp = 0;
  bool any = false, ok = true;
  for (; i < n && p[i] >= '0' && p[i] <= '9'; i++) {
    any = true;
    if (mant == 0 && p[i] == '0')
      continue;
    if (digits < 19)
      mant = mant * 10 + (uint64_t)(p[i] - '0');
    else
      ok = false;
    digits++;
  }
  if (i < n && p[i] == '.') {
    i++;
    for (; i < n && p[i] >= '0' && p[i] <= '9'; i++) {
      any = true;
      if (mant == 0 && p[i] == '0') {
        frac++;
        continue;
      }
      if (digits < 19)
        mant = mant * 10 + (uint64_t)(p[i] - '0');
      else
        ok = false;
      digits++;
      frac++;
    }
  }
  if (!any)
    return AWSC_EPARSE;
  if (i < n && (p[i] == 'e' || p[i] == 'E')) {
    i++;
    bool eneg = false;
    if (i < n && (p[i] == '-' || p[i] == '+')) {
      eneg = p[i] == '-';
      i++;
    }
    if (i == n)
      return AWSC_EPARSE;
    for (; i < n && p[i] >= '0' && p[i] <= '9'; i++)
      if (exp < 100000)
        exp = exp * 10 + (p[i] - '0');
    if (eneg)
      exp = -exp;
  }
  if (i != n)
    return AWSC_EPARSE;
  int e10 = exp - frac;
  if (ok && mant < (1ull << 53) && e10 >= -22 && e10 <= 22) {
    double d = (double)mant;
    d = e10 < 0 ? d / pow10_tab[-e10] : d * pow10_tab[e10];
    *out = neg ? -d : d;
    return AWSC_OK;
  }
  char stackbuf[128];
  char *tmp = n < sizeof(stackbuf) ? stackbuf : awsc_malloc(n + 1);
  if (!tmp)
    return AWSC_ENOMEM;
  memcpy(tmp, p, n);
  tmp[n] = '\0';
  /* glibc hands back its static "C" locale object for this request. */
  locale_t cl = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
  int rc = AWSC_EPARSE;
  if (cl) {
    char *end = NULL;
    double d = strtod_l(tmp, &end, cl);
    if (end == tmp + n) {
      *out = d;
      rc = AWSC_OK;
    }
    freelocale(cl);
  }
  if (tmp != stackbuf)
    awsc_free(tmp);
  return rc;
}

/* ------------------------------------------------------------------ */
/* timestamps                                                           */

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = (unsigned)(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int64_t)doe - 719468;
}

static inline int dig2(const char *p) {
  unsigned a = (unsigned)(unsigned char)p[0] - '0';
  unsigned b = (unsigned)(unsigned char)p[1] - '0';
  return (a > 9 || b > 9) ? -1 : (int)(a * 10 + b);
}

/* "YYYY-MM-DDTHH:MM:SS[.f+]Z", by far the most common form on the wire. */
static bool iso_fast(const char *p, size_t n, int64_t *out) {
  if (n < 20 || p[4] != '-' || p[7] != '-' || (p[10] != 'T' && p[10] != 't') ||
      p[13] != ':' || p[16] != ':' || (p[n - 1] != 'Z' && p[n - 1] != 'z'))
    return false;
  int y1 = dig2(p), y2 = dig2(p + 2), mo = dig2(p + 5), d = dig2(p + 8);
  int h = dig2(p + 11), mi = dig2(p + 14), s = dig2(p + 17);
  if (y1 < 0 || y2 < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 ||
      h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60)
    return false;
  int ms = 0;
  size_t i = 19;
  if (i < n - 1) {
    if (p[i] != '.')
      return false;
    i++;
    if (i == n - 1)
      return false;
    int k = 0;
    for (; i < n - 1; i++, k++) {
      unsigned dd = (unsigned)(unsigned char)p[i] - '0';
      if (dd > 9)
        return false;
      if (k < 3)
        ms = ms * 10 + (int)dd;
    }
    for (; k < 3; k++)
      ms *= 10;
  }
  int64_t days = days_from_civil(y1 * 100 + y2, (unsigned)mo, (unsigned)d);
  *out = ((days * 24 + h) * 60 + mi) * 60000 + (int64_t)s * 1000 + ms;
  return true;
}

static bool looks_numeric(const char *p, size_t n) {
  size_t i = 0;
  if (i < n && (p[i] == '-' || p[i] == '+'))
    i++;
  if (i == n)
    return false;
  for (; i < n; i++)
    if (!((p[i] >= '0' && p[i] <= '9') || p[i] == '.' || p[i] == 'e' ||
          p[i] == 'E' || p[i] == '-' || p[i] == '+'))
      return false;
  return true;
}

static int epoch_to_ms(double secs, int64_t *out) {
  if (!(secs > -9.2e15 && secs < 9.2e15))
    return AWSC_EPARSE;
  *out = (int64_t)floor(secs * 1000.0 + 0.0000005);
  return AWSC_OK;
}

int awsc_parse_timestamp_any(const char *p, size_t n, int64_t *out_ms) {
  awsc_ptrim(&p, &n);
  if (n == 0)
    return AWSC_EPARSE;
  if (iso_fast(p, n, out_ms))
    return AWSC_OK;
  awsc_sv sv = {p, n};
  if (looks_numeric(p, n)) {
    if (awsc_time_parse_epoch(sv, out_ms) == AWSC_OK)
      return AWSC_OK;
    double d;
    if (awsc_parse_double(p, n, &d) == AWSC_OK)
      return epoch_to_ms(d, out_ms);
    return AWSC_EPARSE;
  }
  if (isalpha((unsigned char)p[0])) {
    if (awsc_time_parse_rfc1123(sv, out_ms) == AWSC_OK)
      return AWSC_OK;
    return awsc_time_parse_iso8601(sv, out_ms);
  }
  if (awsc_time_parse_iso8601(sv, out_ms) == AWSC_OK)
    return AWSC_OK;
  return awsc_time_parse_rfc1123(sv, out_ms);
}

/* ------------------------------------------------------------------ */
/* base64                                                               */

static const int8_t b64_tab[256] = {
    ['A'] = 1,  ['B'] = 2,  ['C'] = 3,  ['D'] = 4,  ['E'] = 5,  ['F'] = 6,
    ['G'] = 7,  ['H'] = 8,  ['I'] = 9,  ['J'] = 10, ['K'] = 11, ['L'] = 12,
    ['M'] = 13, ['N'] = 14, ['O'] = 15, ['P'] = 16, ['Q'] = 17, ['R'] = 18,
    ['S'] = 19, ['T'] = 20, ['U'] = 21, ['V'] = 22, ['W'] = 23, ['X'] = 24,
    ['Y'] = 25, ['Z'] = 26, ['a'] = 27, ['b'] = 28, ['c'] = 29, ['d'] = 30,
    ['e'] = 31, ['f'] = 32, ['g'] = 33, ['h'] = 34, ['i'] = 35, ['j'] = 36,
    ['k'] = 37, ['l'] = 38, ['m'] = 39, ['n'] = 40, ['o'] = 41, ['p'] = 42,
    ['q'] = 43, ['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47, ['v'] = 48,
    ['w'] = 49, ['x'] = 50, ['y'] = 51, ['z'] = 52, ['0'] = 53, ['1'] = 54,
    ['2'] = 55, ['3'] = 56, ['4'] = 57, ['5'] = 58, ['6'] = 59, ['7'] = 60,
    ['8'] = 61, ['9'] = 62, ['+'] = 63, ['/'] = 64};

int awsc_pdecode_base64(awsc_pctx *c, const char *p, size_t n) {
  awsc_buf_reset(&c->scratch);
  if (awsc_buf_reserve(&c->scratch, n / 4 * 3 + 4) != AWSC_OK)
    return AWSC_ENOMEM;
  uint8_t *o = (uint8_t *)c->scratch.p;
  size_t k = 0, quads = 0;
  uint32_t acc = 0;
  int have = 0;
  for (size_t i = 0; i < n; i++) {
    int v = b64_tab[(unsigned char)p[i]];
    if (p[i] == '=')
      break;
    if (!v)
      continue; /* not in the alphabet: dropped, as b64decode does */
    acc = acc << 6 | (uint32_t)(v - 1);
    if (++have == 4) {
      o[k++] = (uint8_t)(acc >> 16);
      o[k++] = (uint8_t)(acc >> 8);
      o[k++] = (uint8_t)acc;
      acc = 0;
      have = 0;
      quads++;
    }
  }
  if (have == 1)
    return AWSC_EPARSE;
  if (have == 2) {
    o[k++] = (uint8_t)(acc >> 4);
  } else if (have == 3) {
    o[k++] = (uint8_t)(acc >> 10);
    o[k++] = (uint8_t)(acc >> 2);
  }
  c->scratch.len = k;
  c->scratch.p[k] = '\0';
  return AWSC_OK;
}

/* ------------------------------------------------------------------ */
/* scalars                                                              */

static int from_text(awsc_pctx *c, const awsc_shape *shape, const char *p,
                     size_t n, int src, awsc_pscalar *out) {
  switch (shape->type) {
  case AWSC_SHAPE_STRING:
    out->type = AWSC_V_STRING;
    out->u.s.p = p;
    out->u.s.n = n;
    return 0;
  case AWSC_SHAPE_BOOLEAN:
    out->type = AWSC_V_BOOL;
    if (src == AWSC_PSRC_HEADER) {
      awsc_ptrim(&p, &n);
      out->u.b = awsc_pieq(p, n, "true");
      return 0;
    }
    /* a body's boolean is true or false: anything else is damage, not
     * false (botocore reads all but "true" as false) */
    if (src == AWSC_PSRC_JSON)
      awsc_ptrim(&p, &n);
    out->u.b = n == 4 && memcmp(p, "true", 4) == 0;
    return out->u.b || (n == 5 && memcmp(p, "false", 5) == 0) ? 0 : 1;
  case AWSC_SHAPE_INTEGER:
  case AWSC_SHAPE_LONG: {
    awsc_ptrim(&p, &n);
    out->type = AWSC_V_INT;
    if (awsc_parse_int64(p, n, &out->u.i) == AWSC_OK)
      return 0;
    double d;
    int rc = awsc_parse_double(p, n, &d);
    if (rc == AWSC_ENOMEM)
      return rc;
    if (rc != AWSC_OK || !(d > -9.2e18 && d < 9.2e18))
      return 1;
    out->u.i = (int64_t)d;
    return 0;
  }
  case AWSC_SHAPE_FLOAT:
  case AWSC_SHAPE_DOUBLE: {
    awsc_ptrim(&p, &n);
    out->type = AWSC_V_DOUBLE;
    int rc = awsc_parse_double(p, n, &out->u.d);
    if (rc == AWSC_ENOMEM)
      return rc;
    return rc == AWSC_OK ? 0 : 1;
  }
  case AWSC_SHAPE_TIMESTAMP:
    out->type = AWSC_V_TIMESTAMP;
    return awsc_parse_timestamp_any(p, n, &out->u.i) == AWSC_OK ? 0 : 1;
  case AWSC_SHAPE_BLOB: {
    int rc = awsc_pdecode_base64(c, p, n);
    if (rc == AWSC_ENOMEM)
      return rc;
    if (rc != AWSC_OK)
      return 1;
    out->type = AWSC_V_BLOB;
    out->u.s.p = c->scratch.p;
    out->u.s.n = c->scratch.len;
    return 0;
  }
  default:
    return 1;
  }
}

int awsc_pscalar_from_text(awsc_pctx *c, const awsc_shape *shape, const char *p,
                           size_t n, int src, awsc_pscalar *out) {
  int rc = from_text(c, shape, p, n, src, out);
  if (rc != AWSC_PSCALAR_EMPTY)
    return rc;
  for (size_t i = 0; i < n; i++)
    if (!awsc_pis_ws(p[i]))
      return AWSC_PSCALAR_BAD;
  return AWSC_PSCALAR_EMPTY;
}

int awsc_pscalar_bad(awsc_pctx *c, const char *member, const awsc_shape *shape,
                     const char *p, size_t n) {
  static const char *const types[] = {
      "structure", "list",  "map",    "string",    "integer", "long",
      "boolean",   "float", "double", "timestamp", "blob",    "document"};
  const char *type = shape->type < 12 ? types[shape->type] : "?";
  /* the value helps to see the damage; a sensitive one is not shown */
  if (shape->flags & AWSC_SF_SENSITIVE)
    return awsc_perr(c, "response member %s: not a valid %s value",
                     member ? member : shape->name, type);
  return awsc_perr(c, "response member %s: not a valid %s value: \"%.*s\"",
                   member ? member : shape->name, type, (int)(n < 40 ? n : 40),
                   p);
}

int awsc_pscalar_from_number(awsc_pctx *c, const awsc_shape *shape,
                             const char *p, size_t n, awsc_pscalar *out) {
  (void)c;
  switch (shape->type) {
  case AWSC_SHAPE_INTEGER:
  case AWSC_SHAPE_LONG:
  case AWSC_SHAPE_BOOLEAN:
  case AWSC_SHAPE_STRING:
    if (awsc_parse_int64(p, n, &out->u.i) == AWSC_OK) {
      out->type = AWSC_V_INT;
      if (shape->type == AWSC_SHAPE_BOOLEAN) {
        out->type = AWSC_V_BOOL;
        out->u.b = out->u.i != 0;
      } else if (shape->type == AWSC_SHAPE_STRING) {
        out->type = AWSC_V_STRING;
        out->u.s.p = p;
        out->u.s.n = n;
      }
      return 0;
    }
    if (shape->type == AWSC_SHAPE_STRING) {
      out->type = AWSC_V_STRING;
      out->u.s.p = p;
      out->u.s.n = n;
      return 0;
    }
    /* botocore keeps a JSON float as it is; we narrow to the type the
     * shape calls for so the typed layer can rely on it. */
    {
      double d;
      int rc = awsc_parse_double(p, n, &d);
      if (rc != AWSC_OK)
        return rc == AWSC_ENOMEM ? rc : 1;
      if (shape->type == AWSC_SHAPE_BOOLEAN) {
        out->type = AWSC_V_BOOL;
        out->u.b = d != 0;
        return 0;
      }
      if (!(d > -9.2e18 && d < 9.2e18)) {
        out->type = AWSC_V_DOUBLE;
        out->u.d = d;
        return 0;
      }
      out->type = AWSC_V_INT;
      out->u.i = (int64_t)d;
      return 0;
    }
  case AWSC_SHAPE_FLOAT:
  case AWSC_SHAPE_DOUBLE: {
    out->type = AWSC_V_DOUBLE;
    int rc = awsc_parse_double(p, n, &out->u.d);
    return rc == AWSC_OK ? 0 : (rc == AWSC_ENOMEM ? rc : 1);
  }
  case AWSC_SHAPE_TIMESTAMP: {
    out->type = AWSC_V_TIMESTAMP;
    int64_t secs;
    if (awsc_parse_int64(p, n, &secs) == AWSC_OK) {
      if (secs > INT64_MAX / 1000 || secs < INT64_MIN / 1000)
        return 1;
      out->u.i = secs * 1000;
      return 0;
    }
    if (awsc_time_parse_epoch((awsc_sv){p, n}, &out->u.i) == AWSC_OK)
      return 0;
    double d;
    if (awsc_parse_double(p, n, &d) != AWSC_OK)
      return 1;
    return epoch_to_ms(d, &out->u.i) == AWSC_OK ? 0 : 1;
  }
  default:
    return 1;
  }
}

int awsc_pscalar_put(awsc_pctx *c, const awsc_pscalar *v) {
  switch (v->type) {
  case AWSC_V_BOOL:
    return awsc_vb_bool(c->b, v->u.b);
  case AWSC_V_INT:
    return awsc_vb_int(c->b, v->u.i);
  case AWSC_V_DOUBLE:
    return awsc_vb_double(c->b, v->u.d);
  case AWSC_V_STRING:
    return awsc_vb_string(c->b, v->u.s.p, v->u.s.n);
  case AWSC_V_BLOB:
    return awsc_vb_blob(c->b, v->u.s.p, v->u.s.n);
  case AWSC_V_TIMESTAMP:
    return awsc_vb_timestamp(c->b, v->u.i);
  default:
    return awsc_vb_null(c->b);
  }
}
