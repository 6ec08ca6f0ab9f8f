/* tests/conformance/protocols_output/compare.c - see compare.h */
#include "compare.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *cmp_slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  size_t cap = 1 << 16, n = 0;
  char *p = malloc(cap);
  while (p) {
    size_t r = fread(p + n, 1, cap - n - 1, f);
    n += r;
    if (n + 1 < cap)
      break;
    cap *= 2;
    char *q = realloc(p, cap);
    if (!q) {
      free(p);
      p = NULL;
    }
    p = q;
  }
  fclose(f);
  if (!p)
    return NULL;
  p[n] = '\0';
  if (len)
    *len = n;
  return p;
}

static int emit_string(awsc_buf *b, const char *s, size_t n) {
  int rc = awsc_buf_putc(b, '"');
  for (size_t i = 0; rc == 0 && i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\')
      rc = awsc_buf_printf(b, "\\%c", c);
    else if (c < 0x20)
      rc = awsc_buf_printf(b, "\\u%04x", c);
    else
      rc = awsc_buf_putc(b, (char)c);
  }
  return rc ? rc : awsc_buf_putc(b, '"');
}

int cmp_emit_json(awsc_buf *b, const awsc_jnode *n) {
  int rc = 0;
  switch (n->type) {
  case AWSC_J_NULL:
    return awsc_buf_puts(b, "null");
  case AWSC_J_BOOL:
    return awsc_buf_puts(b, n->b ? "true" : "false");
  case AWSC_J_INT:
  case AWSC_J_DOUBLE:
    return awsc_buf_append(b, n->s, n->n);
  case AWSC_J_STRING:
    return emit_string(b, n->s, n->n);
  case AWSC_J_ARRAY:
    rc = awsc_buf_putc(b, '[');
    for (size_t i = 0; rc == 0 && i < n->count; i++) {
      if (i)
        rc = awsc_buf_putc(b, ',');
      if (rc == 0)
        rc = cmp_emit_json(b, n->items[i]);
    }
    return rc ? rc : awsc_buf_putc(b, ']');
  case AWSC_J_OBJECT:
    rc = awsc_buf_putc(b, '{');
    for (size_t i = 0; rc == 0 && i < n->count; i++) {
      if (i)
        rc = awsc_buf_putc(b, ',');
      if (rc == 0)
        rc = emit_string(b, n->members[i].key, n->members[i].key_len);
      if (rc == 0)
        rc = awsc_buf_putc(b, ':');
      if (rc == 0)
        rc = cmp_emit_json(b, n->members[i].value);
    }
    return rc ? rc : awsc_buf_putc(b, '}');
  default:
    return AWSC_EINVAL;
  }
}

void cmp_print_value(awsc_buf *b, const awsc_value *v, int depth) {
  char ts[32];
  switch (v->type) {
  case AWSC_V_NULL:
    awsc_buf_puts(b, "null");
    break;
  case AWSC_V_BOOL:
    awsc_buf_puts(b, v->u.b ? "true" : "false");
    break;
  case AWSC_V_INT:
    awsc_buf_printf(b, "%" PRId64, v->u.i);
    break;
  case AWSC_V_DOUBLE:
    awsc_buf_printf(b, "%.17g", v->u.d);
    break;
  case AWSC_V_STRING:
    emit_string(b, v->u.s.p, v->u.s.n > 200 ? 200 : v->u.s.n);
    break;
  case AWSC_V_BLOB:
    awsc_buf_puts(b, "b");
    emit_string(b, v->u.s.p, v->u.s.n > 200 ? 200 : v->u.s.n);
    break;
  case AWSC_V_TIMESTAMP:
    awsc_time_format_iso8601(v->u.i, true, ts);
    awsc_buf_printf(b, "ts(%s)", ts);
    break;
  case AWSC_V_LIST:
    awsc_buf_putc(b, '[');
    for (size_t i = 0; i < v->u.list.n; i++) {
      if (i)
        awsc_buf_putc(b, ',');
      if (depth > 3 || i > 8) {
        awsc_buf_puts(b, "...");
        break;
      }
      cmp_print_value(b, &v->u.list.items[i], depth + 1);
    }
    awsc_buf_putc(b, ']');
    break;
  case AWSC_V_MAP:
    awsc_buf_putc(b, '{');
    for (size_t i = 0; i < v->u.map.n; i++) {
      if (i)
        awsc_buf_putc(b, ',');
      if (depth > 3 || i > 12) {
        awsc_buf_puts(b, "...");
        break;
      }
      emit_string(b, v->u.map.items[i].key, v->u.map.items[i].key_len);
      awsc_buf_putc(b, ':');
      cmp_print_value(b, &v->u.map.items[i].value, depth + 1);
    }
    awsc_buf_putc(b, '}');
    break;
  default:
    awsc_buf_puts(b, "<stream>");
  }
}

static void mismatch(awsc_buf *why, const char *path, const awsc_value *got,
                     const awsc_jnode *want, const char *what) {
  awsc_buf_printf(why, "%s: %s: expected ", path[0] ? path : "(root)", what);
  if (want) {
    awsc_buf w = AWSC_BUF_INIT;
    cmp_emit_json(&w, want);
    awsc_buf_append(why, w.p, w.len > 200 ? 200 : w.len);
    awsc_buf_free(&w);
  } else {
    awsc_buf_puts(why, "(absent)");
  }
  awsc_buf_puts(why, ", got ");
  if (got)
    cmp_print_value(why, got, 0);
  else
    awsc_buf_puts(why, "(absent)");
}

/* Relative tolerance of a float (2^-24): the suites write float-typed
 * values in decimal, which a double holds more exactly than the float
 * the service had; doubles are far inside it. */
static bool near(double a, double b) {
  if (a == b)
    return true;
  double d = fabs(a - b), m = fmax(fabs(a), fabs(b));
  return d <= m * 6e-8;
}

static bool special_double(const awsc_jnode *w, double d) {
  if (w->type != AWSC_J_STRING)
    return false;
  if (strcmp(w->s, "NaN") == 0)
    return isnan(d);
  if (strcmp(w->s, "Infinity") == 0)
    return isinf(d) && d > 0;
  if (strcmp(w->s, "-Infinity") == 0)
    return isinf(d) && d < 0;
  return false;
}

static bool cmp_at(const awsc_value *g, const awsc_jnode *w, bool tss,
                   awsc_buf *path, awsc_buf *why) {
  const char *ps = path->p ? path->p : "";
  switch (w->type) {
  case AWSC_J_OBJECT: {
    if (g->type != AWSC_V_MAP) {
      mismatch(why, ps, g, w, "type");
      return false;
    }
    bool ok = true;
    for (size_t i = 0; i < w->count; i++) {
      const awsc_jmember *m = &w->members[i];
      const awsc_value *gv = NULL;
      for (size_t k = 0; k < g->u.map.n; k++)
        if (g->u.map.items[k].key_len == m->key_len &&
            memcmp(g->u.map.items[k].key, m->key, m->key_len) == 0) {
          gv = &g->u.map.items[k].value;
          break;
        }
      size_t mark = path->len;
      awsc_buf_printf(path, ".%s", m->key);
      if (!gv) {
        mismatch(why, path->p, NULL, m->value, "missing");
        awsc_buf_puts(why, "; ");
        ok = false;
      } else if (!cmp_at(gv, m->value, tss, path, why)) {
        awsc_buf_puts(why, "; ");
        ok = false;
      }
      path->len = mark;
      if (path->p)
        path->p[mark] = '\0';
    }
    for (size_t k = 0; k < g->u.map.n; k++) {
      const awsc_kv *kv = &g->u.map.items[k];
      bool found = false;
      for (size_t i = 0; i < w->count && !found; i++)
        found = w->members[i].key_len == kv->key_len &&
                memcmp(w->members[i].key, kv->key, kv->key_len) == 0;
      if (!found) {
        size_t mark = path->len;
        awsc_buf_printf(path, ".%.*s", (int)kv->key_len, kv->key);
        mismatch(why, path->p, &kv->value, NULL, "unexpected");
        awsc_buf_puts(why, "; ");
        path->len = mark;
        if (path->p)
          path->p[mark] = '\0';
        ok = false;
      }
    }
    return ok;
  }
  case AWSC_J_ARRAY: {
    if (g->type != AWSC_V_LIST || g->u.list.n != w->count) {
      mismatch(why, ps, g, w, g->type != AWSC_V_LIST ? "type" : "length");
      return false;
    }
    bool ok = true;
    for (size_t i = 0; i < w->count; i++) {
      size_t mark = path->len;
      awsc_buf_printf(path, "[%zu]", i);
      if (!cmp_at(&g->u.list.items[i], w->items[i], tss, path, why)) {
        awsc_buf_puts(why, "; ");
        ok = false;
      }
      path->len = mark;
      if (path->p)
        path->p[mark] = '\0';
    }
    return ok;
  }
  case AWSC_J_STRING:
    if ((g->type == AWSC_V_STRING || g->type == AWSC_V_BLOB) &&
        g->u.s.n == w->n && memcmp(g->u.s.p, w->s, w->n) == 0)
      return true;
    if (g->type == AWSC_V_DOUBLE && special_double(w, g->u.d))
      return true;
    if (tss && g->type == AWSC_V_TIMESTAMP) {
      int64_t ms;
      if (awsc_time_parse_any((awsc_sv){w->s, w->n}, &ms) == AWSC_OK &&
          ms == g->u.i)
        return true;
    }
    mismatch(why, ps, g, w, "value");
    return false;
  case AWSC_J_INT:
  case AWSC_J_DOUBLE: {
    double e = w->type == AWSC_J_INT ? (double)w->i : w->d;
    bool ok = false;
    if (g->type == AWSC_V_INT)
      ok = w->type == AWSC_J_INT ? g->u.i == w->i : near((double)g->u.i, e);
    else if (g->type == AWSC_V_DOUBLE)
      ok = near(g->u.d, e);
    else if (g->type == AWSC_V_TIMESTAMP)
      ok = fabs((double)g->u.i / 1000.0 - e) < 0.0015;
    if (!ok)
      mismatch(why, ps, g, w, "value");
    return ok;
  }
  case AWSC_J_BOOL:
    if (g->type == AWSC_V_BOOL && g->u.b == w->b)
      return true;
    mismatch(why, ps, g, w, "value");
    return false;
  case AWSC_J_NULL:
    if (g->type == AWSC_V_NULL)
      return true;
    mismatch(why, ps, g, w, "value");
    return false;
  default:
    mismatch(why, ps, g, w, "unknown expected type");
    return false;
  }
}

bool cmp_value(const awsc_value *got, const awsc_jnode *want, bool ts_strings,
               awsc_buf *why) {
  awsc_buf path = AWSC_BUF_INIT;
  awsc_buf_puts(&path, "");
  bool ok = cmp_at(got, want, ts_strings, &path, why);
  awsc_buf_free(&path);
  return ok;
}
