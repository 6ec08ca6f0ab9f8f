/*
 * tests/unit/xml_scan/test_xml_scan.c - the XML scanner
 * (lib/protocols/parse_xml_scan.c) on the inputs where it once disagreed
 * with expat: each case checks the scanner's own verdict and that the
 * differential check of tests/fuzz (xml_diff.h) now passes.
 */
#include <string.h>

#include "../../fuzz/xml_diff.h"
#include "protocols/parse_internal.h"
#include "test.h"

/* Collected text of an accepted document. */
typedef struct txt {
  awsc_buf b;
} txt;

static int t_start(void *ud, const char *n, size_t l, const awsc_xml_attr *a,
                   size_t na) {
  (void)ud, (void)n, (void)l, (void)a, (void)na;
  return 0;
}
static int t_text(void *ud, const char *p, size_t n, bool stable) {
  (void)stable;
  return awsc_buf_append(&((txt *)ud)->b, p, n);
}
static int t_end(void *ud) {
  (void)ud;
  return 0;
}
static const awsc_xml_handler text_h = {t_start, t_text, t_end, NULL};

/* The scanner's return code on doc; its text (if accepted) in out. */
static int scan(const char *doc, char *out, size_t cap) {
  txt t = {AWSC_BUF_INIT};
  int rc = awsc_xml_scan(doc, strlen(doc), &text_h, &t);
  snprintf(out, cap, "%.*s", (int)t.b.len, t.b.p ? t.b.p : "");
  awsc_buf_free(&t.b);
  return rc;
}

static bool agrees(const char *doc) {
  char why[512];
  int rc = xml_diff_check(doc, strlen(doc), why, sizeof(why));
  if (rc != 0)
    fprintf(stderr, "difference on %s: %s\n", doc, why);
  return rc == 0;
}

/* "]]>" in character data is not well-formed (XML 1.0 [14]); the
 * scanner used to accept it. Escaped, in CDATA or in an attribute it is
 * fine. */
static void test_cdata_end_in_text(void) {
  char t[64];
  CHECK_INT(scan("<R>a]]>b</R>", t, sizeof(t)), AWSC_EPARSE);
  CHECK_INT(scan("<R><A/>]]></R>", t, sizeof(t)), AWSC_EPARSE);
  CHECK_INT(scan("<R><![CDATA[x]]>]]></R>", t, sizeof(t)), AWSC_EPARSE);
  CHECK_INT(scan("<R>a]]&gt;b<![CDATA[c]]]]></R>", t, sizeof(t)), 0);
  CHECK_STR(t, "a]]>bc]]");
  CHECK_INT(scan("<R a=\"]]>\">]] ]>]</R>", t, sizeof(t)), 0);
  CHECK_STR(t, "]] ]>]");
  CHECK(agrees("<R>a]]>b</R>"));
  CHECK(agrees("<R><![CDATA[x]]>]]></R>"));
  CHECK(agrees("<R>a]]&gt;b<![CDATA[c]]]]></R>"));
  CHECK(agrees("<R a=\"]]>\">]] ]>]</R>"));
}

/* "--" may only close a comment (XML 1.0 [15]); the scanner used to
 * accept it inside one. */
static void test_double_dash_in_comment(void) {
  char t[64];
  CHECK_INT(scan("<R><!-- a -- b --></R>", t, sizeof(t)), AWSC_EPARSE);
  CHECK_INT(scan("<R><!-- a --->x</R>", t, sizeof(t)), AWSC_EPARSE);
  CHECK_INT(scan("<R/><!-- -- -->", t, sizeof(t)), AWSC_EPARSE);
  CHECK_INT(scan("<R><!---->x<!-- - a-b -->y</R>", t, sizeof(t)), 0);
  CHECK_STR(t, "xy");
  CHECK(agrees("<R><!-- a -- b --></R>"));
  CHECK(agrees("<R><!-- a --->x</R>"));
  CHECK(agrees("<R/><!-- -- -->"));
  CHECK(agrees("<!-- a -- b --><R/>"));
  CHECK(agrees("<R><!---->x<!-- - a-b -->y</R>"));
}

/* A processing instruction's target ends at white space or "?>"
 * (XML 1.0 [16]); found by fuzz_xml_diff (corpus/xml/found-pi-target-*):
 * the scanner skipped to "?>" after any name. */
static void test_pi_target_end(void) {
  char t[64];
  CHECK_INT(scan("<?xm=\"UTF-8\"?><R>x</R>", t, sizeof(t)), AWSC_XML_DECLINED);
  CHECK_INT(scan("<R><?pi=1?>x</R>", t, sizeof(t)), AWSC_EPARSE);
  CHECK_INT(scan("<R/><?pi\"?>", t, sizeof(t)), AWSC_EPARSE);
  CHECK_INT(scan("<?pi?><R><?pi a=1?>x<?pi\t?></R><?pi\n?>", t, sizeof(t)), 0);
  CHECK_STR(t, "x");
  CHECK(agrees("<?xm=\"UTF-8\"?><R>x</R>"));
  CHECK(agrees("<R><?pi=1?>x</R>"));
  CHECK(agrees("<R/><?pi\"?>"));
  CHECK(agrees("<?pi?><R><?pi a=1?>x<?pi\t?></R><?pi\n?>"));
}

/* Which non-ASCII characters may appear in names is expat's call (U+FEFF
 * is not a name character there); found by fuzz_xml_diff
 * (corpus/xml/found-pi-target-bom-char.xml). The scanner now declines
 * documents with a non-ASCII name before any event; non-ASCII text and
 * attribute values stay on the fast path. */
static void test_non_ascii_names_declined(void) {
  static const char *const declined[] = {
      "<?\xEF\xBB\xBFpi?><R/>",
      "<R/><?\xEF\xBB\xBFpi?>",
      "<R><\xC3\xA9>x</\xC3\xA9></R>",
      "<R \xC3\xA9='1'/>",
      "<R a='>' \xC3\xA9='1'/>",
      "<R a=\"'\" b='\"'><\xEF\xBB\xBF/></R>",
      "<R><!-- <a> --><\xF0\x9F\x98\x80/></R>",
      "<R><![CDATA[<a>]]><\xC3\xA9/></R>",
  };
  char t[64];
  for (size_t i = 0; i < AWSC_ARRAY_LEN(declined); i++) {
    CHECK_INT(scan(declined[i], t, sizeof(t)), AWSC_XML_DECLINED);
    CHECK(agrees(declined[i]));
  }
  static const char ok_doc[] =
      "\xEF\xBB\xBF<R a='\xC3\xA9>'><!-- \xC3\xA9 --><?pi \xC3\xA9?>"
      "\xC3\xA9<![CDATA[<\xC3\xA9>]]></R>";
  CHECK_INT(scan(ok_doc, t, sizeof(t)), 0);
  CHECK_STR(t, "\xC3\xA9<\xC3\xA9>");
  CHECK(agrees(ok_doc));
}

/* Attributes of one element: count and last value (checks the heap
 * path keeps every value right). */
typedef struct attrs_seen {
  size_t n;
  char last[16];
  char decoded[16];
} attrs_seen;

static int a_start(void *ud, const char *n, size_t l, const awsc_xml_attr *a,
                   size_t na) {
  (void)n, (void)l;
  attrs_seen *r = ud;
  r->n = na;
  if (na) {
    snprintf(r->last, sizeof(r->last), "%.*s", (int)a[na - 1].value_len,
             a[na - 1].value);
    snprintf(r->decoded, sizeof(r->decoded), "%.*s", (int)a[0].value_len,
             a[0].value);
  }
  return 0;
}
static const awsc_xml_handler attrs_h = {a_start, t_text, t_end, NULL};

/* Well-formed XML has no attribute limit; the scanner refused an
 * element with more than 32 (found reviewing the scanner for
 * fuzz_xml_diff; corpus/xml/found-33-attributes.xml). */
static void test_many_attributes(void) {
  static const size_t counts[] = {31, 32, 33, 64, 200};
  for (size_t c = 0; c < AWSC_ARRAY_LEN(counts); c++) {
    awsc_buf doc = AWSC_BUF_INIT;
    /* a decoded value first, so its text lives in the attribute buffer
     * while the list grows */
    CHECK(awsc_buf_puts(&doc, "<R a=\"&lt;&#x41;\"") == 0);
    for (size_t i = 1; i < counts[c]; i++)
      CHECK(awsc_buf_printf(&doc, " a%zu='%zu'", i, i) == 0);
    CHECK(awsc_buf_puts(&doc, "/>") == 0);
    attrs_seen r = {0, "", ""};
    CHECK_INT(awsc_xml_scan(doc.p, doc.len, &attrs_h, &r), 0);
    CHECK_INT(r.n, counts[c]);
    char want[16];
    snprintf(want, sizeof(want), "%zu", counts[c] - 1);
    CHECK_STR(r.last, want);
    CHECK_STR(r.decoded, "<A");
    CHECK(agrees(doc.p));
    awsc_buf_free(&doc);
  }
  CHECK_INT(scan("<R a='1' b='2' a='3'/>", (char[8]){0}, 8), AWSC_EPARSE);
  /* duplicates past the inline room (sorted check), first and last too */
  static const size_t dup_at[][2] = {{1, 40}, {35, 36}, {0, 99}, {40, 90}};
  for (size_t d = 0; d < AWSC_ARRAY_LEN(dup_at); d++) {
    awsc_buf doc = AWSC_BUF_INIT;
    CHECK(awsc_buf_puts(&doc, "<R") == 0);
    for (size_t i = 0; i < 100; i++)
      CHECK(awsc_buf_printf(&doc, " b%zu='x'",
                            i == dup_at[d][1] ? dup_at[d][0] : i) == 0);
    CHECK(awsc_buf_puts(&doc, "/>") == 0);
    attrs_seen r = {0, "", ""};
    CHECK_INT(awsc_xml_scan(doc.p, doc.len, &attrs_h, &r), AWSC_EPARSE);
    CHECK_INT(r.n, 0);
    CHECK(agrees(doc.p));
    awsc_buf_free(&doc);
  }
}

/* A character reference may carry any number of leading zeros; the
 * scanner looked for the ';' in the next 12 bytes only (found reviewing
 * the scanner; corpus/xml/found-long-char-ref.xml). */
static void test_long_char_refs(void) {
  char t[64];
  CHECK_INT(scan("<R>&#x0000000041;&#0000000000066;</R>", t, sizeof(t)), 0);
  CHECK_STR(t, "AB");
  CHECK(agrees("<R>&#x0000000041;&#0000000000066;</R>"));
  CHECK(agrees("<R a='&#x000000000000043;'/>"));
  CHECK_INT(scan("<R>&#x00000000110000;</R>", t, sizeof(t)), AWSC_EPARSE);
  CHECK(agrees("<R>&#x00000000110000;</R>"));
  CHECK(agrees("<R>&amp </R>"));
  CHECK(agrees("<R>&#x41 and more text;</R>"));
}

/* Declared encodings: expat knows "UTF-8" and "US-ASCII" (any case) but
 * refuses "utf8" and "ascii", and refuses non-ASCII bytes in a document
 * declared US-ASCII; the scanner accepted all of those (found reviewing
 * the scanner; corpus/xml/found-encoding-*.xml). */
static void test_declared_encodings(void) {
  char t[64];
  CHECK_INT(
      scan("<?xml version=\"1.0\" encoding=\"utf8\"?><R>x</R>", t, sizeof(t)),
      AWSC_XML_DECLINED);
  CHECK_INT(
      scan("<?xml version=\"1.0\" encoding=\"ascii\"?><R>x</R>", t, sizeof(t)),
      AWSC_XML_DECLINED);
  CHECK_INT(scan("<?xml version=\"1.0\" encoding=\"US-ASCII\"?>"
                 "<R>\xC3\xA9</R>",
                 t, sizeof(t)),
            AWSC_XML_DECLINED);
  CHECK_INT(scan("<?xml version=\"1.0\" encoding=\"us-ascii\"?><R>x</R>", t,
                 sizeof(t)),
            0);
  CHECK_INT(scan("<?xml version=\"1.0\" encoding=\"Utf-8\"?>"
                 "<R>\xC3\xA9</R>",
                 t, sizeof(t)),
            0);
  CHECK_STR(t, "\xC3\xA9");
  /* only letters fold: "utf\r8" is not "UTF-8" (expat refuses it; found by
   * fuzz_xml_diff, corpus/xml/found-encoding-utf-cr-8.xml) */
  CHECK_INT(
      scan("<?xml version=\"1.0\" encoding=\"utf\r8\"?><R>x</R>", t, sizeof(t)),
      AWSC_XML_DECLINED);
  static const char *const docs[] = {
      "<?xml version=\"1.0\" encoding=\"utf\r8\"?><R>x</R>",
      "<?xml version=\"1.0\" encoding=\"utf8\"?><R>x</R>",
      "<?xml version=\"1.0\" encoding=\"ascii\"?><R>x</R>",
      "<?xml version=\"1.0\" encoding=\"US-ASCII\"?><R>\xC3\xA9</R>",
      "<?xml version=\"1.0\" encoding=\"us-ascii\"?><R>x</R>",
      "<?xml version=\"1.0\" encoding=\"Utf-8\"?><R>\xC3\xA9</R>",
  };
  for (size_t i = 0; i < AWSC_ARRAY_LEN(docs); i++)
    CHECK(agrees(docs[i]));
}

int main(void) {
  RUN(test_cdata_end_in_text);
  RUN(test_double_dash_in_comment);
  RUN(test_pi_target_end);
  RUN(test_non_ascii_names_declined);
  RUN(test_many_attributes);
  RUN(test_long_char_refs);
  RUN(test_declared_encodings);
  return test_summary();
}
