/*
 * tests/conformance/protocols_output/parse_edge_xml.c - the XML parser
 * beyond the botocore suites:
 *   - our XML scanner gives exactly expat's events on every XML body of
 *     the suites and fixtures, and agrees with expat on thousands of
 *     mutated documents (same events, or both refuse);
 *   - corner cases (CDATA, references, CR LF, prefixes, flattened lists
 *     in pieces, map value before key, unions, attributes, encodings,
 *     DTD, malformed and deep documents), query result wrappers, S3's
 *     GetBucketLocation, and no allocation per element.
 *
 * usage: parse_edge_xml <tests/data>
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "edge_common.h"
#include "protocols/parse_internal.h"
#include "protocols/protocol.h"
#include "test.h"

static const char *data_dir;

/* ---------------------------------------------------------------- */
/* event recorder                                                     */

typedef struct rec {
  awsc_buf out;
  bool in_text;
} rec;

static int r_start(void *ud, const char *n, size_t l, const awsc_xml_attr *a,
                   size_t na) {
  rec *r = ud;
  r->in_text = false;
  awsc_buf_printf(&r->out, "\n<%.*s", (int)l, n);
  for (size_t i = 0; i < na; i++)
    awsc_buf_printf(&r->out, " %.*s=[%.*s]", (int)a[i].name_len, a[i].name,
                    (int)a[i].value_len, a[i].value);
  return 0;
}
static int r_text(void *ud, const char *p, size_t n, bool stable) {
  (void)stable;
  rec *r = ud;
  if (!r->in_text)
    awsc_buf_puts(&r->out, "\nT:");
  r->in_text = true;
  return awsc_buf_append(&r->out, p, n);
}
static int r_end(void *ud) {
  rec *r = ud;
  r->in_text = false;
  return awsc_buf_puts(&r->out, "\n>");
}
static const awsc_xml_handler rec_h = {r_start, r_text, r_end, NULL};

/* 0 ok, 1 declined, -1 refused */
static int run_scan(const char *p, size_t n, awsc_buf *events) {
  rec r = {AWSC_BUF_INIT, false};
  int rc = awsc_xml_scan(p, n, &rec_h, &r);
  *events = r.out;
  return rc == 0 ? 0 : rc == AWSC_XML_DECLINED ? 1 : -1;
}
static int run_expat(const char *p, size_t n, awsc_buf *events) {
  rec r = {AWSC_BUF_INIT, false};
  int rc = awsc_xml_expat(p, n, &rec_h, &r, NULL);
  *events = r.out;
  return rc == 0 ? 0 : -1;
}

static int n_docs;

/* Scanner and expat agree on `doc`. `strict`: the scanner must accept. */
static void check_same(const char *doc, size_t n, bool strict,
                       const char *what) {
  awsc_buf a, b;
  int ra = run_scan(doc, n, &a);
  int rb = run_expat(doc, n, &b);
  n_docs++;
  bool ok = true;
  if (strict && ra != 0)
    ok = false;
  else if (ra == 0 && rb != 0) {
    /* Our documented leniencies: "]]>" in text, "--" in a comment. */
    ok = strstr(doc, "]]>") || strstr(doc, "--");
  } else if (ra == 0 && (a.len != b.len || memcmp(a.p, b.p, a.len) != 0))
    ok = false;
  else if (ra == -1 && rb == 0)
    ok = false;
  if (!ok) {
    printf("scanner/expat disagree on %s (scan %d, expat %d):\n%.*s\n--- "
           "scan:%.*s\n--- expat:%.*s\n",
           what, ra, rb, (int)(n > 300 ? 300 : n), doc,
           (int)(a.len > 400 ? 400 : a.len), a.p ? a.p : "",
           (int)(b.len > 400 ? 400 : b.len), b.p ? b.p : "");
    test_current_failed = 1;
  }
  awsc_buf_free(&a);
  awsc_buf_free(&b);
}

/* every XML body of the protocol suites and response-parsing fixtures */
typedef void (*doc_fn)(const char *doc, size_t n, const char *what);

static void each_suite_body(doc_fn fn) {
  static const char *const files[] = {
      "protocols/output/query.json",
      "protocols/output/ec2.json",
      "protocols/output/rest-xml.json",
      "protocols/legacy/output/query.json",
      "protocols/legacy/output/ec2.json",
      "protocols/legacy/output/rest-xml.json",
  };
  for (size_t f = 0; f < AWSC_ARRAY_LEN(files); f++) {
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", data_dir, files[f]);
    size_t len;
    char *text = cmp_slurp(path, &len);
    CHECK(text != NULL);
    if (!text)
      continue;
    awsc_arena *a = awsc_arena_new(0);
    awsc_jnode *root = NULL;
    CHECK(awsc_jtree_parse(&root, a, text, len, 0, NULL) == 0);
    for (size_t s = 0; root && s < root->count; s++) {
      const awsc_jnode *cases = awsc_jtree_get(root->items[s], "cases");
      for (size_t c = 0; cases && c < cases->count; c++) {
        const awsc_jnode *resp = awsc_jtree_get(cases->items[c], "response");
        const char *body = awsc_jtree_get_str(resp, "body");
        if (body && body[0] == '<')
          fn(body, strlen(body), files[f]);
      }
    }
    awsc_arena_free(a);
    free(text);
  }
}

static void same_strict(const char *doc, size_t n, const char *what) {
  check_same(doc, n, true, what);
}

static void test_scanner_equals_expat_on_suites(void) {
  n_docs = 0;
  each_suite_body(same_strict);
  /* fixtures */
  static const char *const fx[] = {
      "response-parsing/xml/responses/s3-list-objects.xml",
      "response-parsing/xml/responses/s3-get-bucket-acl.xml",
      "response-parsing/xml/responses/sns-list-topics.xml",
      "response-parsing/xml/responses/sts-get-session-token.xml",
      "response-parsing/xml/errors/s3-create-bucket.xml",
      "response-parsing/xml/errors/sns-delete-topic.xml"};
  for (size_t i = 0; i < AWSC_ARRAY_LEN(fx); i++) {
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", data_dir, fx[i]);
    size_t n;
    char *doc = cmp_slurp(path, &n);
    CHECK(doc != NULL);
    if (doc)
      check_same(doc, n, true, fx[i]);
    free(doc);
  }
  CHECK(n_docs > 100);
}

static uint64_t seed = 0x2545F4914F6CDD1Dull;
static uint32_t rnd(void) {
  seed ^= seed << 13;
  seed ^= seed >> 7;
  seed ^= seed << 17;
  return (uint32_t)(seed >> 16);
}

static void mutate_and_check(const char *doc, size_t n, const char *what) {
  static const char alphabet[] = "<>/&;#x\"'=?!-[]: \t\r\nabAZ09.";
  char *buf = malloc(n + 16);
  for (int round = 0; round < 40; round++) {
    memcpy(buf, doc, n);
    size_t m = n;
    int edits = 1 + (int)(rnd() % 3);
    for (int e = 0; e < edits; e++) {
      size_t at = m ? rnd() % m : 0;
      char ch = alphabet[rnd() % (sizeof(alphabet) - 1)];
      switch (rnd() % 3) {
      case 0: /* replace */
        if (m)
          buf[at] = ch;
        break;
      case 1: /* insert */
        memmove(buf + at + 1, buf + at, m - at);
        buf[at] = ch;
        m++;
        break;
      default: /* delete */
        if (m) {
          memmove(buf + at, buf + at + 1, m - at - 1);
          m--;
        }
      }
    }
    check_same(buf, m, false, what);
  }
  free(buf);
}

static void test_scanner_agrees_with_expat_on_mutations(void) {
  n_docs = 0;
  each_suite_body(mutate_and_check);
  CHECK(n_docs > 4000);
  printf("     %d mutated documents\n", n_docs);
}

static void test_scanner_declines(void) {
  awsc_buf ev;
  /* declared non-UTF-8 encoding, DTD, invalid UTF-8, control char, BOM */
  const char *latin1 =
      "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>\xe9</a>";
  CHECK(run_scan(latin1, strlen(latin1), &ev) == 1);
  awsc_buf_free(&ev);
  const char *dtd = "<!DOCTYPE a [<!ENTITY e \"x\">]><a>&e;</a>";
  CHECK(run_scan(dtd, strlen(dtd), &ev) == 1);
  awsc_buf_free(&ev);
  const char *bad = "<a>\xc3\x28</a>";
  CHECK(run_scan(bad, strlen(bad), &ev) == 1);
  awsc_buf_free(&ev);
  const char *ctl = "<a>\x01</a>";
  CHECK(run_scan(ctl, strlen(ctl), &ev) == 1);
  awsc_buf_free(&ev);
  const char *bom = "\xEF\xBB\xBF<a>x</a>";
  CHECK(run_scan(bom, strlen(bom), &ev) == 0);
  CHECK(strstr(ev.p, "T:x") != NULL);
  awsc_buf_free(&ev);
  /* CR LF normalization, references, CDATA, attribute normalization */
  const char *doc = "<a k=\"x&amp;y\tz\">l1\r\nl2\rl3&#x41;&#66;&lt;"
                    "<![CDATA[<raw>&amp;]]></a>";
  CHECK(run_scan(doc, strlen(doc), &ev) == 0);
  CHECK(strstr(ev.p, "k=[x&y z]") != NULL);
  CHECK(strstr(ev.p, "T:l1\nl2\nl3AB<<raw>&amp;") != NULL);
  awsc_buf_free(&ev);
  check_same(doc, strlen(doc), true, "normalization");
}

static void test_xml_features(void) {
  model m;
  if (!load_model(&m, "{\"protocol\":\"rest-xml\"}", xml_shapes, xml_op)) {
    CHECK(0);
    return;
  }
  const char *doc =
      "<?xml version=\"1.0\"?>\r\n<!-- c --><s3:Out xmlns:s3=\"urn:x\">"
      "<s3:Name><![CDATA[a<b]]>&amp;c&#x20AC;</s3:Name>"
      "<Unknown><Name>deep</Name><x/></Unknown>"
      "<Count> 42 </Count><Count>7</Count>"
      "<Item>one</Item><When>2024-03-05T10:20:30.5Z</When><Item>two</Item>"
      "<Wrapped><member>w1</member><anything>w2</anything></Wrapped>"
      "<Tags><entry><value><ID>v</ID></value><key>k1</key></entry>"
      "<entry><key>k2</key><value xmlns:q=\"urn:i\" q:type=\"User\"><ID>w</ID>"
      "</value></entry></Tags>"
      "<Data>aGVs\nbG8=</Data><Ratio>-Infinity</Ratio><Flag>false</Flag>"
      "<Choice><Zed>1</Zed></Choice>"
      "<Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
      "xsi:type=\"Canonical&amp;User\"><ID>id1</ID></Grantee>"
      "</s3:Out>";
  const char *want =
      "{\"Name\":\"a<b&c\\u20ac\",\"Count\":42,\"Items\":[\"one\",\"two\"],"
      "\"When\":1709634030.5,\"Wrapped\":[\"w1\",\"w2\"],"
      "\"Tags\":{\"k1\":{\"ID\":\"v\"},\"k2\":{\"Type\":\"User\",\"ID\":\"w\"}}"
      ","
      "\"Data\":\"hello\",\"Ratio\":\"-Infinity\",\"Flag\":false,"
      "\"Choice\":{\"SDK_UNKNOWN_MEMBER\":{\"name\":\"Zed\"}},"
      "\"Grantee\":{\"Type\":\"Canonical&User\",\"ID\":\"id1\"},"
      "\"ReqId\":\"RID\",\"Meta\":{\"color\":\"blue\",\"Size\":\"1\"},"
      "\"Status\":200,\"HList\":[\"a,b\",\"c\"],"
      "\"TList\":[1576540098,1576540099],\"Json\":{\"k\":[1,true]},"
      "\"HBool\":true}";
  awsc_http_header h[] = {
      {"x-amz-request-id", "RID"},
      {"x-amz-meta-color", "blue"},
      {"X-Amz-Meta-Size", "1"},
      {"x-list", "\"a,b\", c"},
      {"x-dates",
       "Mon, 16 Dec 2019 23:48:18 GMT, Mon, 16 Dec 2019 23:48:19 GMT"},
      {"x-json", "eyJrIjpbMSx0cnVlXX0="},
      {"x-bool", "TRUE"}};
  CHECK(parse_ok(&m, 200, h, AWSC_ARRAY_LEN(h), doc, want, AWSC_XML_AUTO));
  CHECK(parse_ok(&m, 200, h, AWSC_ARRAY_LEN(h), doc, want, AWSC_XML_EXPAT));
  CHECK(parse_ok(&m, 200, h, AWSC_ARRAY_LEN(h), doc, want, AWSC_XML_SCAN));

  /* ISO-8859-1 goes through expat */
  CHECK(parse_ok(&m, 200, NULL, 0,
                 "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><Out>"
                 "<Name>caf\xe9</Name></Out>",
                 "{\"Name\":\"caf\\u00e9\",\"Meta\":{},\"Status\":200}",
                 AWSC_XML_AUTO));
  /* empty and blank bodies: no members */
  CHECK(parse_ok(&m, 200, NULL, 0, "", "{\"Meta\":{},\"Status\":200}",
                 AWSC_XML_AUTO));
  CHECK(parse_ok(&m, 200, NULL, 0, " \n", "{\"Meta\":{},\"Status\":200}",
                 AWSC_XML_AUTO));
  /* refused documents */
  awsc_error err = AWSC_ERROR_INIT;
  /* strict answers: a value that does not parse fails the parse, naming
   * the member (it used to be left out silently) */
  CHECK_INT(parse_rc(&m, "<Out><Count>x</Count><Name>n</Name></Out>", &err),
            AWSC_EPARSE);
  CHECK(strstr(err.message, "Count") != NULL);
  CHECK_INT(parse_rc(&m, "<Out><When>never</When></Out>", &err), AWSC_EPARSE);
  CHECK(strstr(err.message, "When") != NULL);
  CHECK_INT(parse_rc(&m, "<Out><Flag>True</Flag></Out>", &err), AWSC_EPARSE);
  CHECK(strstr(err.message, "Flag") != NULL);
  CHECK_INT(parse_rc(&m, "<Out><Name>x</Nam></Out>", &err), AWSC_EPARSE);
  CHECK(strstr(err.message, "line") != NULL);
  CHECK_INT(parse_rc(&m, "<Out><Name>&bogus;</Name></Out>", &err), AWSC_EPARSE);
  CHECK_INT(parse_rc(&m,
                     "<!DOCTYPE Out [<!ENTITY a \"aaaa\">]><Out>"
                     "<Name>&a;</Name></Out>",
                     &err),
            AWSC_EPARSE);
  CHECK(strstr(err.message, "DTD") != NULL);
  CHECK_INT(parse_rc(&m, "<Out><Name>x</Name>", &err), AWSC_EPARSE);
  CHECK_INT(parse_rc(&m, "<Out/><Out/>", &err), AWSC_EPARSE);
  CHECK_INT(parse_rc(&m, "not xml", &err), AWSC_EPARSE);

  /* deep nesting of unknown elements costs nothing; of known ones, a limit */
  awsc_buf deep = AWSC_BUF_INIT;
  awsc_buf_puts(&deep, "<Out>");
  for (int i = 0; i < 20000; i++)
    awsc_buf_puts(&deep, "<x>");
  for (int i = 0; i < 20000; i++)
    awsc_buf_puts(&deep, "</x>");
  awsc_buf_puts(&deep, "<Name>ok</Name></Out>");
  CHECK(parse_ok(&m, 200, NULL, 0, deep.p,
                 "{\"Name\":\"ok\",\"Meta\":{},\"Status\":200}",
                 AWSC_XML_AUTO));
  awsc_buf_free(&deep);
  awsc_arena_free(m.arena);

  /* recursive shape nested past the frame limit */
  model r;
  if (load_model(&r, "{\"protocol\":\"rest-xml\"}",
                 "{\"R\":{\"type\":\"structure\",\"members\":{"
                 "\"R\":{\"shape\":\"R\"}}}}",
                 "{\"name\":\"Op\",\"http\":{\"method\":\"GET\",\"requestUri\":"
                 "\"/\"},\"output\":{\"shape\":\"R\"}}")) {
    awsc_buf d = AWSC_BUF_INIT;
    awsc_buf_puts(&d, "<R>");
    for (int i = 0; i < 600; i++)
      awsc_buf_puts(&d, "<R>");
    for (int i = 0; i < 600; i++)
      awsc_buf_puts(&d, "</R>");
    awsc_buf_puts(&d, "</R>");
    CHECK_INT(parse_rc(&r, d.p, &err), AWSC_EPARSE);
    CHECK(strstr(err.message, "nesting") != NULL);
    awsc_buf_free(&d);
  } else {
    CHECK(0);
  }
  awsc_arena_free(r.arena);
}

static void test_query_wrapper(void) {
  model m;
  if (!load_model(
          &m, "{\"protocol\":\"query\"}",
          "{\"O\":{\"type\":\"structure\",\"members\":{"
          "\"TopicArn\":{\"shape\":\"S\"}}},\"S\":{\"type\":\"string\"}}",
          "{\"name\":\"CreateTopic\",\"http\":{\"method\":\"POST\","
          "\"requestUri\":\"/\"},\"output\":{\"shape\":\"O\","
          "\"resultWrapper\":\"CreateTopicResult\"}}")) {
    CHECK(0);
    return;
  }
  const char *body =
      "<CreateTopicResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">"
      "<TopicArn>wrong</TopicArn>"
      "<CreateTopicResult><TopicArn>arn:aws:sns:us-east-1:1:t</TopicArn>"
      "</CreateTopicResult><ResponseMetadata><RequestId>rid-1</RequestId>"
      "</ResponseMetadata></CreateTopicResponse>";
  CHECK(parse_ok(&m, 200, NULL, 0, body,
                 "{\"TopicArn\":\"arn:aws:sns:us-east-1:1:t\"}",
                 AWSC_XML_AUTO));
  awsc_raw_response r = {200, NULL, 0, body, strlen(body), false};
  awsc_arena *a = awsc_arena_new(0);
  CHECK_STR(awsc_protocol_request_id(m.svc, &r, a), "rid-1");
  awsc_http_header h[] = {{"x-amzn-requestid", "hdr-id"}};
  r.headers = h;
  r.header_count = 1;
  CHECK_STR(awsc_protocol_request_id(m.svc, &r, a), "hdr-id");
  r.headers = NULL;
  r.header_count = 0;
  r.body = "<X/>";
  r.body_len = 4;
  CHECK(awsc_protocol_request_id(m.svc, &r, a) == NULL);
  awsc_arena_free(a);
  awsc_arena_free(m.arena);
}

/* S3 GetBucketLocation: the root element is the member */
static void test_get_bucket_location(void) {
  model m;
  if (!load_model(&m, "{\"protocol\":\"rest-xml\",\"serviceId\":\"S3\"}",
                  "{\"O\":{\"type\":\"structure\",\"members\":{"
                  "\"LocationConstraint\":{\"shape\":\"S\"}}},"
                  "\"S\":{\"type\":\"string\"}}",
                  "{\"name\":\"GetBucketLocation\",\"http\":{\"method\":"
                  "\"GET\",\"requestUri\":\"/{Bucket}?location\"},"
                  "\"output\":{\"shape\":\"O\"}}")) {
    CHECK(0);
    return;
  }
  CHECK(parse_ok(&m, 200, NULL, 0,
                 "<LocationConstraint xmlns=\"http://s3.amazonaws.com/doc/"
                 "2006-03-01/\">eu-west-1</LocationConstraint>",
                 "{\"LocationConstraint\":\"eu-west-1\"}", AWSC_XML_AUTO));
  /* us-east-1 buckets: empty, and botocore gives None */
  CHECK(parse_ok(&m, 200, NULL, 0, "<LocationConstraint/>",
                 "{\"LocationConstraint\":null}", AWSC_XML_AUTO));
  /* the modeled form still works */
  CHECK(parse_ok(&m, 200, NULL, 0,
                 "<O><LocationConstraint>x</LocationConstraint></O>",
                 "{\"LocationConstraint\":\"x\"}", AWSC_XML_AUTO));
  awsc_arena_free(m.arena);
}

/* No allocation per element: a 5000-item page costs a handful of
 * mallocs (arena blocks, the builder's and the parser's stacks). */
static void test_allocations_per_parse(void) {
  model m;
  if (!load_model(&m, "{\"protocol\":\"rest-xml\"}", xml_shapes, xml_op)) {
    CHECK(0);
    return;
  }
  awsc_buf doc = AWSC_BUF_INIT;
  awsc_buf_puts(&doc, "<Out>");
  for (int i = 0; i < 5000; i++)
    awsc_buf_printf(&doc, "<Item>item &amp; %d</Item>", i);
  awsc_buf_puts(&doc, "<Tags>");
  for (int i = 0; i < 1000; i++)
    awsc_buf_printf(&doc,
                    "<entry><key>k%d</key><value><ID>%d</ID></value>"
                    "</entry>",
                    i, i);
  awsc_buf_puts(&doc, "</Tags></Out>");
  static const int toks[] = {AWSC_XML_SCAN, AWSC_XML_EXPAT};
  for (size_t t = 0; t < 2; t++) {
    awsc_arena *a = awsc_arena_new(4 << 20);
    awsc_raw_response r = {200, NULL, 0, doc.p, doc.len, false};
    awsc_value out;
    uint64_t before = test_alloc_count();
    CHECK(awsc_parse_output_with(m.svc, &m.svc->operations[0], &r, a, &out,
                                 NULL, toks[t]) == 0);
    uint64_t n = test_alloc_count() - before;
    const awsc_value *items = awsc_value_get(&out, "Items");
    CHECK(items && items->u.list.n == 5000);
    if (n > 40) {
      printf("%llu allocations for one parse\n", (unsigned long long)n);
      CHECK(0);
    }
    awsc_arena_free(a);
  }
  awsc_buf_free(&doc);
  awsc_arena_free(m.arena);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s <tests/data>\n", argv[0]);
    return 2;
  }
  data_dir = argv[1];
  test_alloc_install();
  RUN(test_scanner_equals_expat_on_suites);
  RUN(test_scanner_agrees_with_expat_on_mutations);
  RUN(test_scanner_declines);
  RUN(test_xml_features);
  RUN(test_query_wrapper);
  RUN(test_get_bucket_location);
  RUN(test_allocations_per_parse);
  if (test_alloc_live() != 0) {
    printf("FAIL leak: %lld blocks\n", (long long)test_alloc_live());
    return 1;
  }
  return test_summary();
}
