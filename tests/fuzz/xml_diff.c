/*
 * tests/fuzz/xml_diff.c - scanner vs expat, see xml_diff.h.
 *
 * Events are recorded as one length-prefixed string per tokenizer, so no
 * name, value or text can fake another event: "S<len>:name",
 * " A<len>:name=<len>:value" per attribute, "T<len>:text", "E". Text
 * chunks are merged until the next start or end (expat and the scanner cut
 * text at different places: expat at every line end and reference, the
 * scanner at CDATA boundaries), which is also how parse_xml.c consumes
 * them.
 */
#include "xml_diff.h"

#include <stdio.h>
#include <string.h>

#include "protocols/parse_internal.h"

typedef struct rec {
  awsc_buf ev;
  awsc_buf text; /* pending merged text */
  size_t events;
  int failed;
} rec;

static int flush_text(rec *r) {
  if (r->text.len == 0)
    return 0;
  int rc = awsc_buf_printf(&r->ev, "T%zu:", r->text.len);
  if (rc == 0)
    rc = awsc_buf_append(&r->ev, r->text.p, r->text.len);
  r->text.len = 0;
  return rc;
}

static int fail(rec *r, int rc) {
  if (rc)
    r->failed = 1;
  return rc;
}

static int r_start(void *ud, const char *name, size_t len,
                   const awsc_xml_attr *a, size_t na) {
  rec *r = ud;
  r->events++;
  int rc = flush_text(r);
  if (rc == 0)
    rc = awsc_buf_printf(&r->ev, "S%zu:", len);
  if (rc == 0)
    rc = awsc_buf_append(&r->ev, name, len);
  for (size_t i = 0; rc == 0 && i < na; i++) {
    rc = awsc_buf_printf(&r->ev, " A%zu:", a[i].name_len);
    if (rc == 0)
      rc = awsc_buf_append(&r->ev, a[i].name, a[i].name_len);
    if (rc == 0)
      rc = awsc_buf_printf(&r->ev, "=%zu:", a[i].value_len);
    if (rc == 0)
      rc = awsc_buf_append(&r->ev, a[i].value, a[i].value_len);
  }
  return fail(r, rc);
}

static int r_text(void *ud, const char *p, size_t n, bool stable) {
  (void)stable;
  rec *r = ud;
  r->events++;
  return fail(r, awsc_buf_append(&r->text, p, n));
}

static int r_end(void *ud) {
  rec *r = ud;
  r->events++;
  int rc = flush_text(r);
  if (rc == 0)
    rc = awsc_buf_puts(&r->ev, "E");
  return fail(r, rc);
}

/* The scanner's one-call form of "<a>text</a>", recorded as the three
 * events it stands for: the comparison with expat covers it too. */
static int r_leaf(void *ud, const char *name, size_t len, const char *p,
                  size_t n, bool stable) {
  int rc = r_start(ud, name, len, NULL, 0);
  if (rc == 0 && n > 0)
    rc = r_text(ud, p, n, stable);
  return rc ? rc : r_end(ud);
}

static const awsc_xml_handler rec_h = {r_start, r_text, r_end, r_leaf};

static void rec_free(rec *r) {
  awsc_buf_free(&r->ev);
  awsc_buf_free(&r->text);
}

/* The first differing event stream position, with some context. */
static void describe(char *why, size_t ws, const char *what, const rec *a,
                     const rec *b) {
  size_t i = 0;
  while (i < a->ev.len && i < b->ev.len && a->ev.p[i] == b->ev.p[i])
    i++;
  size_t st = i > 40 ? i - 40 : 0;
  int la = (int)((a->ev.len - st) > 120 ? 120 : a->ev.len - st);
  int lb = (int)((b->ev.len - st) > 120 ? 120 : b->ev.len - st);
  snprintf(why, ws, "%s at event byte %zu\n  scan:  ...%.*s\n  expat: ...%.*s",
           what, i, la, a->ev.p ? a->ev.p + st : "", lb,
           b->ev.p ? b->ev.p + st : "");
}

int xml_diff_check(const char *doc, size_t n, char *why, size_t why_size) {
  rec s = {AWSC_BUF_INIT, AWSC_BUF_INIT, 0, 0};
  rec e = {AWSC_BUF_INIT, AWSC_BUF_INIT, 0, 0};
  int rs = awsc_xml_scan(doc, n, &rec_h, &s);
  int re = awsc_xml_expat(doc, n, &rec_h, &e, NULL);
  int out = 0;
  if (s.failed || e.failed || rs == AWSC_ENOMEM || re == AWSC_ENOMEM) {
    snprintf(why, why_size, "out of memory");
    out = -1;
  } else if (rs == AWSC_XML_DECLINED) {
    if (s.events) {
      snprintf(why, why_size,
               "scanner declined after %zu events (parse_xml.c would run "
               "expat on top of them)",
               s.events);
      out = 1;
    }
  } else if (rs == 0 && re != 0) {
    snprintf(why, why_size, "scanner accepts a document expat refuses (%d)",
             re);
    out = 1;
  } else if (rs != 0 && re == 0) {
    snprintf(why, why_size, "scanner refuses (%d) a document expat accepts",
             rs);
    out = 1;
  } else if (rs == 0) {
    if (flush_text(&s) || flush_text(&e)) {
      snprintf(why, why_size, "out of memory");
      out = -1;
    } else if (s.ev.len != e.ev.len || memcmp(s.ev.p, e.ev.p, s.ev.len)) {
      describe(why, why_size, "different events", &s, &e);
      out = 1;
    }
  }
  rec_free(&s);
  rec_free(&e);
  return out;
}
