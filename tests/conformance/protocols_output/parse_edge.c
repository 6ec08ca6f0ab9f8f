/*
 * tests/conformance/protocols_output/parse_edge.c - the response parsers
 * beyond what the botocore suites cover:
 *   - our XML scanner gives exactly expat's events on every XML body of
 *     the suites and fixtures, and agrees with expat on thousands of
 *     mutated documents (same events, or both refuse);
 *   - XML corner cases (CDATA, references, CR LF, prefixes, flattened
 *     lists in pieces, map value before key, unions, attributes,
 *     encodings, DTD, malformed and deep documents);
 *   - JSON corner cases, HTTP-bound members;
 *   - errors of every protocol, S3's error inside a 200, request ids;
 *   - every allocation failing in turn (no crash, no leak, ENOMEM).
 *
 * usage: parse_edge <tests/data>
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
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
static const awsc_xml_handler rec_h = {r_start, r_text, r_end};

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
      "protocols/output/query.json",        "protocols/output/ec2.json",
      "protocols/output/rest-xml.json",     "protocols/legacy/output/query.json",
      "protocols/legacy/output/ec2.json",   "protocols/legacy/output/rest-xml.json",
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
  const char *latin1 = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>\xe9</a>";
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

/* ---------------------------------------------------------------- */
/* model helpers                                                      */

typedef struct model {
  awsc_arena *arena;
  awsc_service *svc;
} model;

static bool load_model(model *m, const char *meta, const char *shapes,
                       const char *op) {
  m->arena = awsc_arena_new(0);
  awsc_error err = AWSC_ERROR_INIT;
  size_t ol = strlen(op);
  int rc = awsc_service_from_parts(&m->svc, m->arena, meta, strlen(meta),
                                   shapes, strlen(shapes), &op, &ol, 1, &err);
  if (rc)
    printf("model: %s\n", err.message);
  return rc == 0;
}

static bool parse_ok(model *m, int status, const awsc_http_header *h,
                     size_t nh, const char *body, const char *want_json,
                     int tokenizer) {
  awsc_raw_response r = {status, h, nh, body, body ? strlen(body) : 0};
  awsc_arena *a = awsc_arena_new(0);
  awsc_value out;
  awsc_error err = AWSC_ERROR_INIT;
  bool ok = awsc_parse_output_with(m->svc, &m->svc->operations[0], &r, a, &out,
                                   &err, tokenizer) == 0;
  if (!ok)
    printf("parse failed: %s\n", err.message);
  awsc_jnode *want = NULL;
  if (ok && awsc_jtree_parse(&want, a, want_json, strlen(want_json), 0, NULL))
    ok = false;
  awsc_buf why = AWSC_BUF_INIT;
  if (ok && !cmp_value(&out, want, false, &why)) {
    printf("mismatch: %s\n", why.p);
    ok = false;
  }
  awsc_buf_free(&why);
  awsc_arena_free(a);
  return ok;
}

static int parse_rc(model *m, const char *body, awsc_error *err) {
  awsc_raw_response r = {200, NULL, 0, body, strlen(body)};
  awsc_arena *a = awsc_arena_new(0);
  awsc_value out;
  int rc = awsc_protocol_parse_output(m->svc, &m->svc->operations[0], &r, a,
                                      &out, err);
  awsc_arena_free(a);
  return rc;
}

static const char *xml_shapes =
    "{\"Out\":{\"type\":\"structure\",\"members\":{"
    "\"Name\":{\"shape\":\"S\"},"
    "\"Count\":{\"shape\":\"I\"},"
    "\"When\":{\"shape\":\"T\"},"
    "\"Data\":{\"shape\":\"B\"},"
    "\"Ratio\":{\"shape\":\"D\"},"
    "\"Flag\":{\"shape\":\"Bool\"},"
    "\"Items\":{\"shape\":\"FlatList\",\"flattened\":true,\"locationName\":\"Item\"},"
    "\"Wrapped\":{\"shape\":\"List\"},"
    "\"Tags\":{\"shape\":\"Map\"},"
    "\"Choice\":{\"shape\":\"U\"},"
    "\"Grantee\":{\"shape\":\"G\"},"
    "\"ReqId\":{\"shape\":\"S\",\"location\":\"header\",\"locationName\":\"x-amz-request-id\"},"
    "\"Meta\":{\"shape\":\"SMap\",\"location\":\"headers\",\"locationName\":\"x-amz-meta-\"},"
    "\"Status\":{\"shape\":\"I\",\"location\":\"statusCode\"},"
    "\"HList\":{\"shape\":\"List\",\"location\":\"header\",\"locationName\":\"x-list\"},"
    "\"TList\":{\"shape\":\"TsList\",\"location\":\"header\",\"locationName\":\"x-dates\"},"
    "\"Json\":{\"shape\":\"S\",\"jsonvalue\":true,\"location\":\"header\",\"locationName\":\"x-json\"},"
    "\"HBool\":{\"shape\":\"Bool\",\"location\":\"header\",\"locationName\":\"x-bool\"}"
    "}},"
    "\"S\":{\"type\":\"string\"},\"I\":{\"type\":\"integer\"},"
    "\"T\":{\"type\":\"timestamp\"},\"B\":{\"type\":\"blob\"},"
    "\"D\":{\"type\":\"double\"},\"Bool\":{\"type\":\"boolean\"},"
    "\"FlatList\":{\"type\":\"list\",\"member\":{\"shape\":\"S\"}},"
    "\"List\":{\"type\":\"list\",\"member\":{\"shape\":\"S\"}},"
    "\"TsList\":{\"type\":\"list\",\"member\":{\"shape\":\"T\"}},"
    "\"Map\":{\"type\":\"map\",\"key\":{\"shape\":\"S\"},\"value\":{\"shape\":\"G\"}},"
    "\"SMap\":{\"type\":\"map\",\"key\":{\"shape\":\"S\"},\"value\":{\"shape\":\"S\"}},"
    "\"U\":{\"type\":\"structure\",\"union\":true,\"members\":{"
    "\"A\":{\"shape\":\"S\"},\"B\":{\"shape\":\"I\"}}},"
    "\"G\":{\"type\":\"structure\",\"members\":{"
    "\"Type\":{\"shape\":\"S\",\"xmlAttribute\":true,\"locationName\":\"xsi:type\"},"
    "\"ID\":{\"shape\":\"S\"}}}}";

static const char *xml_op =
    "{\"name\":\"Op\",\"http\":{\"method\":\"GET\",\"requestUri\":\"/\"},"
    "\"output\":{\"shape\":\"Out\"}}";

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
      "<Data>aGVs\nbG8=</Data><Ratio>-Infinity</Ratio><Flag>True</Flag>"
      "<Choice><Zed>1</Zed></Choice>"
      "<Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
      "xsi:type=\"Canonical&amp;User\"><ID>id1</ID></Grantee>"
      "</s3:Out>";
  const char *want =
      "{\"Name\":\"a<b&c\\u20ac\",\"Count\":42,\"Items\":[\"one\",\"two\"],"
      "\"When\":1709634030.5,\"Wrapped\":[\"w1\",\"w2\"],"
      "\"Tags\":{\"k1\":{\"ID\":\"v\"},\"k2\":{\"Type\":\"User\",\"ID\":\"w\"}},"
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
      {"x-dates", "Mon, 16 Dec 2019 23:48:18 GMT, Mon, 16 Dec 2019 23:48:19 GMT"},
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
  /* bad values are left out: the rest stays */
  CHECK(parse_ok(&m, 200, NULL, 0,
                 "<Out><Count>x</Count><When>never</When><Data>a</Data>"
                 "<Name>n</Name></Out>",
                 "{\"Name\":\"n\",\"Meta\":{},\"Status\":200}", AWSC_XML_AUTO));

  /* refused documents */
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(parse_rc(&m, "<Out><Name>x</Nam></Out>", &err), AWSC_EPARSE);
  CHECK(strstr(err.message, "line") != NULL);
  CHECK_INT(parse_rc(&m, "<Out><Name>&bogus;</Name></Out>", &err),
            AWSC_EPARSE);
  CHECK_INT(parse_rc(&m, "<!DOCTYPE Out [<!ENTITY a \"aaaa\">]><Out>"
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
                 "{\"Name\":\"ok\",\"Meta\":{},\"Status\":200}", AWSC_XML_AUTO));
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
  if (!load_model(&m, "{\"protocol\":\"query\"}",
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
                 "{\"TopicArn\":\"arn:aws:sns:us-east-1:1:t\"}", AWSC_XML_AUTO));
  awsc_raw_response r = {200, NULL, 0, body, strlen(body)};
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

static void test_json_features(void) {
  model m;
  if (!load_model(&m, "{\"protocol\":\"json\",\"jsonVersion\":\"1.1\"}",
                  "{\"O\":{\"type\":\"structure\",\"members\":{"
                  "\"S\":{\"shape\":\"S\"},\"L\":{\"shape\":\"Long\"},"
                  "\"D\":{\"shape\":\"D\"},\"T\":{\"shape\":\"T\"},"
                  "\"M\":{\"shape\":\"M\"},\"Li\":{\"shape\":\"Li\"},"
                  "\"Doc\":{\"shape\":\"Doc\"},\"N\":{\"shape\":\"O\"}}},"
                  "\"S\":{\"type\":\"string\"},\"Long\":{\"type\":\"long\"},"
                  "\"D\":{\"type\":\"double\"},\"T\":{\"type\":\"timestamp\"},"
                  "\"M\":{\"type\":\"map\",\"key\":{\"shape\":\"S\"},"
                  "\"value\":{\"shape\":\"S\"}},"
                  "\"Li\":{\"type\":\"list\",\"member\":{\"shape\":\"S\"}},"
                  "\"Doc\":{\"type\":\"structure\",\"members\":{},"
                  "\"document\":true}}",
                  "{\"name\":\"Op\",\"http\":{\"method\":\"POST\","
                  "\"requestUri\":\"/\"},\"output\":{\"shape\":\"O\"}}")) {
    CHECK(0);
    return;
  }
  CHECK(parse_ok(&m, 200, NULL, 0,
                 "{\"__type\":\"x\",\"S\":\"\\u00e9\\n\",\"L\":9007199254740993,"
                 "\"D\":1e-3,\"T\":1.5,\"M\":{\"a\":\"1\",\"b\":null},"
                 "\"Li\":[\"x\",null],\"Unknown\":{\"deep\":[[{}]]},"
                 "\"Doc\":{\"a\":[1,2.5,null,\"s\",{\"b\":false}]},"
                 "\"N\":{\"S\":\"inner\",\"N\":null}}",
                 "{\"S\":\"\\u00e9\\n\",\"L\":9007199254740993,\"D\":0.001,"
                 "\"T\":1.5,\"M\":{\"a\":\"1\"},\"Li\":[\"x\",null],"
                 "\"Doc\":{\"a\":[1,2.5,null,\"s\",{\"b\":false}]},"
                 "\"N\":{\"S\":\"inner\"}}",
                 AWSC_XML_AUTO));
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(parse_rc(&m, "{\"S\":", &err), AWSC_EPARSE);
  CHECK(strstr(err.message, "JSON") != NULL);
  CHECK_INT(parse_rc(&m, "{\"S\":\"\xff\"}", &err), AWSC_EPARSE);
  awsc_arena_free(m.arena);
}

/* ---------------------------------------------------------------- */
/* errors                                                             */

static const char *err_shapes =
    "{\"O\":{\"type\":\"structure\",\"members\":{\"X\":{\"shape\":\"S\"}}},"
    "\"S\":{\"type\":\"string\"},"
    "\"NoSuchKey\":{\"type\":\"structure\",\"exception\":true,\"members\":{"
    "\"Key\":{\"shape\":\"S\"},\"Hdr\":{\"shape\":\"S\",\"location\":\"header\","
    "\"locationName\":\"x-hdr\"}}},"
    "\"Throttled\":{\"type\":\"structure\",\"exception\":true,"
    "\"error\":{\"code\":\"Throttling\",\"httpStatusCode\":400},"
    "\"members\":{\"message\":{\"shape\":\"S\"}}}}";

static const char *err_op(const char *name, const char *method) {
  static char buf[512];
  snprintf(buf, sizeof(buf),
           "{\"name\":\"%s\",\"http\":{\"method\":\"%s\",\"requestUri\":\"/\"},"
           "\"output\":{\"shape\":\"O\"},\"errors\":[{\"shape\":\"NoSuchKey\"},"
           "{\"shape\":\"Throttled\"}]}",
           name, method);
  return buf;
}

static bool get_error(model *m, int status, const awsc_http_header *h,
                      size_t nh, const char *body, awsc_arena *a,
                      awsc_service_error *se) {
  awsc_raw_response r = {status, h, nh, body, body ? strlen(body) : 0};
  return awsc_protocol_parse_error(m->svc, &m->svc->operations[0], &r, a, se) ==
         0;
}

static void test_errors_xml(void) {
  model m;
  if (!load_model(&m, "{\"protocol\":\"rest-xml\",\"serviceId\":\"S3\"}",
                  err_shapes, err_op("GetObject", "GET"))) {
    CHECK(0);
    return;
  }
  awsc_arena *a = awsc_arena_new(0);
  awsc_service_error se;
  awsc_http_header h[] = {{"x-amz-request-id", "hdr-rid"},
                          {"x-amz-id-2", "hdr-host"},
                          {"x-hdr", "hv"}};
  /* S3 <Error>: ids from the headers only, details, modeled fields */
  CHECK(get_error(&m, 404, h, 3,
                  "<Error><Code>NoSuchKey</Code><Message>gone</Message>"
                  "<Key>k.txt</Key><RequestId>body-rid</RequestId>"
                  "<HostId>body-host</HostId><Nested><A>1</A></Nested></Error>",
                  a, &se));
  CHECK_STR(se.code, "NoSuchKey");
  CHECK_STR(se.message, "gone");
  CHECK_STR(se.request_id, "hdr-rid");
  CHECK_STR(se.host_id, "hdr-host");
  CHECK(se.shape && strcmp(se.shape->name, "NoSuchKey") == 0);
  CHECK(se.fields.u.map.n == 2);
  const awsc_value *k = awsc_value_get(&se.fields, "Key");
  CHECK(k && k->u.s.n == 5 && memcmp(k->u.s.p, "k.txt", 5) == 0);
  CHECK(awsc_value_get(&se.fields, "Hdr") != NULL);
  CHECK(se.details.type == AWSC_V_MAP && se.details.u.map.n == 1);
  CHECK(awsc_value_get(&se.details, "Key") != NULL);
  /* HEAD 404: no body */
  CHECK(get_error(&m, 404, NULL, 0, "", a, &se));
  CHECK_STR(se.code, "404");
  CHECK_STR(se.message, "Not Found");
  CHECK(se.shape == NULL && se.request_id == NULL);
  /* 503 HTML page */
  CHECK(get_error(&m, 503, NULL, 0, "  <html><body>busy</body></html>", a,
                  &se));
  CHECK_STR(se.code, "503");
  CHECK_STR(se.message, "Service Unavailable");
  /* not XML */
  CHECK(get_error(&m, 403, NULL, 0, "Forbidden!", a, &se));
  CHECK_STR(se.code, "403");
  CHECK_STR(se.message, "Forbidden");
  /* rest-xml <ErrorResponse> (CloudFront style): body request id */
  CHECK(get_error(&m, 400, NULL, 0,
                  "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling"
                  "</Code><Message>slow</Message></Error><RequestId>rid"
                  "</RequestId></ErrorResponse>",
                  a, &se));
  CHECK_STR(se.code, "Throttling");
  CHECK_STR(se.type, "Sender");
  CHECK_STR(se.request_id, "rid");
  CHECK(se.shape && strcmp(se.shape->name, "Throttled") == 0);

  /* S3 errors inside a 200 */
  const awsc_operation *op = &m.svc->operations[0];
  awsc_raw_response r200 = {200, NULL, 0,
                            "<?xml version=\"1.0\"?>\n<!-- x --><Error><Code>"
                            "InternalError</Code></Error>",
                            0};
  r200.body_len = strlen(r200.body);
  CHECK(awsc_protocol_is_error_in_200(m.svc, op, &r200));
  awsc_raw_response ok200 = {200, NULL, 0,
                             "<CompleteMultipartUploadResult/>", 32};
  CHECK(!awsc_protocol_is_error_in_200(m.svc, op, &ok200));
  r200.status = 201;
  CHECK(!awsc_protocol_is_error_in_200(m.svc, op, &r200));
  awsc_arena_free(a);
  awsc_arena_free(m.arena);

  /* not S3: never */
  model q;
  if (load_model(&q, "{\"protocol\":\"rest-xml\",\"serviceId\":\"CloudFront\"}",
                 err_shapes, err_op("Op", "GET"))) {
    r200.status = 200;
    CHECK(!awsc_protocol_is_error_in_200(q.svc, &q.svc->operations[0], &r200));
  }
  awsc_arena_free(q.arena);

  /* query and ec2 */
  static const char *const protos[] = {"query", "ec2"};
  for (size_t i = 0; i < 2; i++) {
    char meta[64];
    snprintf(meta, sizeof(meta), "{\"protocol\":\"%s\"}", protos[i]);
    model qm;
    if (!load_model(&qm, meta, err_shapes, err_op("Op", "POST"))) {
      CHECK(0);
      continue;
    }
    a = awsc_arena_new(0);
    const char *body =
        i == 0 ? "<ErrorResponse xmlns=\"x\"><Error><Type>Sender</Type>"
                 "<Code>Throttling</Code><Message>m &amp; m</Message>"
                 "<message>modeled</message></Error><RequestId>q-rid"
                 "</RequestId></ErrorResponse>"
               : "<Response><Errors><Error><Code>Throttling</Code>"
                 "<Message>m &amp; m</Message><message>modeled</message>"
                 "</Error></Errors><RequestID>q-rid</RequestID></Response>";
    CHECK(get_error(&qm, 400, NULL, 0, body, a, &se));
    CHECK_STR(se.code, "Throttling");
    CHECK_STR(se.message, "m & m");
    CHECK_STR(se.request_id, "q-rid");
    CHECK(se.shape != NULL);
    const awsc_value *mv = awsc_value_get(&se.fields, "message");
    CHECK(mv && mv->u.s.n == 7);
    /* unreadable 4xx body: the status */
    CHECK(get_error(&qm, 400, NULL, 0, "<oops", a, &se));
    CHECK_STR(se.code, "400");
    awsc_arena_free(a);
    awsc_arena_free(qm.arena);
  }
}

static void test_errors_json(void) {
  static const char *const protos[] = {"json", "rest-json"};
  for (size_t i = 0; i < 2; i++) {
    char meta[128];
    snprintf(meta, sizeof(meta),
             "{\"protocol\":\"%s\",\"jsonVersion\":\"1.0\","
             "\"awsQueryCompatible\":{}}",
             protos[i]);
    model m;
    if (!load_model(&m, meta, err_shapes, err_op("Op", "POST"))) {
      CHECK(0);
      continue;
    }
    awsc_arena *a = awsc_arena_new(0);
    awsc_service_error se;
    awsc_http_header h[] = {{"x-amzn-RequestId", "j-rid"}};
    CHECK(get_error(&m, 400, h, 1,
                    "{\"__type\":\"com.amazon#NoSuchKey:http://x\","
                    "\"message\":\"m1\",\"Key\":\"kk\"}",
                    a, &se));
    CHECK_STR(se.code, "NoSuchKey");
    CHECK_STR(se.message, "m1");
    CHECK_STR(se.request_id, "j-rid");
    CHECK(se.shape != NULL && awsc_value_get(&se.fields, "Key") != NULL);
    /* header wins */
    awsc_http_header h2[] = {{"x-amzn-errortype", "ns#Throttling:uri"}};
    CHECK(get_error(&m, 400, h2, 1, "{\"__type\":\"Other\",\"Message\":\"m2\"}",
                    a, &se));
    CHECK_STR(se.code, "Throttling");
    CHECK_STR(se.message, "m2");
    /* query-compatible code */
    awsc_http_header h3[] = {{"x-amzn-query-error", "AWS.SimpleQueueService."
                                                    "NonExistentQueue;Sender"}};
    CHECK(get_error(&m, 400, h3, 1, "{\"__type\":\"QueueDoesNotExist\"}", a,
                    &se));
    CHECK_STR(se.code, "AWS.SimpleQueueService.NonExistentQueue");
    CHECK_STR(se.type, "Sender");
    /* not JSON: the body is the message */
    CHECK(get_error(&m, 400, NULL, 0, "Bad things", a, &se));
    CHECK_STR(se.code, "400");
    CHECK_STR(se.message, "Bad things");
    CHECK(get_error(&m, 500, NULL, 0, "", a, &se));
    CHECK_STR(se.code, "500");
    CHECK_STR(se.message, "Internal Server Error");
    awsc_arena_free(a);
    awsc_arena_free(m.arena);
  }
}

/* ---------------------------------------------------------------- */
/* event streams                                                      */

static void test_event_stream_damage(void) {
  model m;
  if (!load_model(&m, "{\"protocol\":\"rest-xml\"}",
                  "{\"O\":{\"type\":\"structure\",\"payload\":\"P\",\"members\":"
                  "{\"P\":{\"shape\":\"ES\"}}},\"ES\":{\"type\":\"structure\","
                  "\"eventstream\":true,\"members\":{\"A\":{\"shape\":\"E\"}}},"
                  "\"E\":{\"type\":\"structure\",\"event\":true,\"members\":{"
                  "\"P\":{\"shape\":\"B\",\"eventpayload\":true}}},"
                  "\"B\":{\"type\":\"blob\"}}",
                  "{\"name\":\"Op\",\"http\":{\"method\":\"GET\",\"requestUri\":"
                  "\"/\"},\"output\":{\"shape\":\"O\"}}")) {
    CHECK(0);
    return;
  }
  /* one message: headers :event-type=A, :message-type=event, payload "hi" */
  uint8_t msg[128];
  size_t hl = 0;
  uint8_t hdr[64];
  const char *names[] = {":event-type", ":message-type"};
  const char *vals[] = {"A", "event"};
  for (int i = 0; i < 2; i++) {
    hdr[hl++] = (uint8_t)strlen(names[i]);
    memcpy(hdr + hl, names[i], strlen(names[i]));
    hl += strlen(names[i]);
    hdr[hl++] = 7;
    hdr[hl++] = 0;
    hdr[hl++] = (uint8_t)strlen(vals[i]);
    memcpy(hdr + hl, vals[i], strlen(vals[i]));
    hl += strlen(vals[i]);
  }
  size_t total = 12 + hl + 2 + 4;
  uint8_t *p = msg;
  uint32_t v[2] = {(uint32_t)total, (uint32_t)hl};
  for (int i = 0; i < 2; i++) {
    p[4 * i] = (uint8_t)(v[i] >> 24);
    p[4 * i + 1] = (uint8_t)(v[i] >> 16);
    p[4 * i + 2] = (uint8_t)(v[i] >> 8);
    p[4 * i + 3] = (uint8_t)v[i];
  }
  uint32_t crc = awsc_crc32(0, p, 8);
  p[8] = (uint8_t)(crc >> 24), p[9] = (uint8_t)(crc >> 16);
  p[10] = (uint8_t)(crc >> 8), p[11] = (uint8_t)crc;
  memcpy(p + 12, hdr, hl);
  memcpy(p + 12 + hl, "hi", 2);
  crc = awsc_crc32(0, p, total - 4);
  p[total - 4] = (uint8_t)(crc >> 24), p[total - 3] = (uint8_t)(crc >> 16);
  p[total - 2] = (uint8_t)(crc >> 8), p[total - 1] = (uint8_t)crc;

  awsc_arena *a = awsc_arena_new(0);
  awsc_value out;
  awsc_error err = AWSC_ERROR_INIT;
  awsc_raw_response r = {200, NULL, 0, (const char *)msg, total};
  CHECK(awsc_protocol_parse_output(m.svc, &m.svc->operations[0], &r, a, &out,
                                   &err) == 0);
  const awsc_value *list = awsc_value_get(&out, "P");
  CHECK(list && list->type == AWSC_V_LIST && list->u.list.n == 1);
  msg[total - 5] ^= 1; /* payload byte: message CRC fails */
  CHECK_INT(awsc_protocol_parse_output(m.svc, &m.svc->operations[0], &r, a,
                                       &out, &err),
            AWSC_EPARSE);
  msg[total - 5] ^= 1;
  r.body_len = total - 1; /* truncated */
  CHECK_INT(awsc_protocol_parse_output(m.svc, &m.svc->operations[0], &r, a,
                                       &out, &err),
            AWSC_EPARSE);
  r.body = NULL; /* streamed by the pipeline: member left to it */
  r.body_len = 0;
  CHECK(awsc_protocol_parse_output(m.svc, &m.svc->operations[0], &r, a, &out,
                                   &err) == 0 &&
        out.u.map.n == 0);
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
    awsc_buf_printf(&doc, "<entry><key>k%d</key><value><ID>%d</ID></value>"
                          "</entry>", i, i);
  awsc_buf_puts(&doc, "</Tags></Out>");
  static const int toks[] = {AWSC_XML_SCAN, AWSC_XML_EXPAT};
  for (size_t t = 0; t < 2; t++) {
    awsc_arena *a = awsc_arena_new(4 << 20);
    awsc_raw_response r = {200, NULL, 0, doc.p, doc.len};
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

/* ---------------------------------------------------------------- */
/* allocation failures                                                */

static void test_allocation_failures(void) {
  model m;
  if (!load_model(&m, "{\"protocol\":\"rest-xml\",\"serviceId\":\"S3\"}",
                  xml_shapes, xml_op)) {
    CHECK(0);
    return;
  }
  const char *doc =
      "<Out><Name>a&amp;b</Name><Item>1</Item><Count>2</Count><Item>3</Item>"
      "<Tags><entry><value><ID>v</ID></value><key>k</key></entry></Tags>"
      "<Data>aGk=</Data><Grantee xmlns:xsi=\"u\" xsi:type=\"T\"><ID>i</ID>"
      "</Grantee></Out>";
  awsc_http_header h[] = {{"x-amz-meta-a", "b"}, {"x-list", "a, \"b\""},
                          {"x-json", "eyJrIjpbMSx0cnVlXX0="}};
  awsc_raw_response r = {200, h, 3, doc, strlen(doc)};
  const char *edoc = "<Error><Code>NoSuchKey</Code><Message>m</Message>"
                     "<Key>k</Key></Error>";
  awsc_raw_response er = {404, h, 3, edoc, strlen(edoc)};
  static const int toks[] = {AWSC_XML_AUTO, AWSC_XML_EXPAT};
  for (size_t t = 0; t < 2; t++) {
    int completed = 0;
    for (uint64_t n = 1; n < 5000 && !completed; n++) {
      int64_t live = test_alloc_live();
      awsc_arena *a = awsc_arena_new(256);
      if (!a)
        continue;
      test_alloc_fail_at(n);
      awsc_value out;
      awsc_error err = AWSC_ERROR_INIT;
      int rc = awsc_parse_output_with(m.svc, &m.svc->operations[0], &r, a,
                                      &out, &err, toks[t]);
      bool fired = test_alloc_failure_fired();
      test_alloc_fail_at(0);
      if (fired && rc != AWSC_ENOMEM) {
        printf("allocation %llu failed but rc=%d\n", (unsigned long long)n, rc);
        CHECK(0);
        break;
      }
      if (!fired) {
        CHECK_INT(rc, 0);
        completed = 1;
      }
      awsc_arena_free(a);
      if (test_alloc_live() != live) {
        printf("leak after failing allocation %llu\n", (unsigned long long)n);
        CHECK(0);
        break;
      }
    }
    CHECK(completed);
  }
  int completed = 0;
  for (uint64_t n = 1; n < 5000 && !completed; n++) {
    int64_t live = test_alloc_live();
    awsc_arena *a = awsc_arena_new(256);
    if (!a)
      continue;
    test_alloc_fail_at(n);
    awsc_service_error se;
    int rc = awsc_protocol_parse_error(m.svc, &m.svc->operations[0], &er, a,
                                       &se);
    bool fired = test_alloc_failure_fired();
    test_alloc_fail_at(0);
    if (!fired) {
      CHECK_INT(rc, 0);
      completed = 1;
    } else if (rc == 0) {
      /* a failure inside an optional part (modeled fields) is tolerated
       * only if what came back is still consistent */
      CHECK(se.code != NULL && se.message != NULL);
    }
    awsc_arena_free(a);
    if (test_alloc_live() != live) {
      printf("leak after failing allocation %llu (error)\n",
             (unsigned long long)n);
      CHECK(0);
      break;
    }
  }
  CHECK(completed);
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
  RUN(test_json_features);
  RUN(test_errors_xml);
  RUN(test_errors_json);
  RUN(test_event_stream_damage);
  RUN(test_get_bucket_location);
  RUN(test_allocations_per_parse);
  RUN(test_allocation_failures);
  if (test_alloc_live() != 0) {
    printf("FAIL leak: %lld blocks\n", (long long)test_alloc_live());
    return 1;
  }
  return test_summary();
}
