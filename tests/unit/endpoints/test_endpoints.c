/*
 * tests/unit/endpoints/test_endpoints.c - the rules language's functions
 * (parseURL, parseArn, substring, uriEncode, isValidHostLabel,
 * isVirtualHostableS3Bucket, split), the IP checks and the regex subset.
 * The engine tests (partitions, compile checks, evaluation, parameters,
 * leaks) are in test_endpoints_engine.c; main() is here.
 */
#include <string.h>

#include "endpoints/ep_internal.h"
#include "test.h"
#include "test_endpoints.h"

static awsc_arena *A;

static awsc_ep_value url(const char *s) {
  awsc_ep_value v;
  CHECK(ep_fn_parse_url(A, s, strlen(s), &v) == 0);
  return v;
}

static const char *sget(const awsc_ep_value *obj, const char *key) {
  const awsc_ep_value *v = awsc_ep_value_get(obj, key);
  if (!v || v->type != AWSC_EP_STRING)
    return NULL;
  return awsc_arena_memdup0(A, v->str, v->len);
}

static bool bget(const awsc_ep_value *obj, const char *key) {
  const awsc_ep_value *v = awsc_ep_value_get(obj, key);
  return v && v->type == AWSC_EP_BOOL && v->b;
}

static void check_url(const char *in, const char *scheme, const char *auth,
                      const char *path, const char *norm, bool is_ip) {
  awsc_ep_value v = url(in);
  if (v.type != AWSC_EP_OBJECT) {
    fprintf(stderr, "parseURL(%s) gave no value\n", in);
    test_current_failed = 1;
    return;
  }
  CHECK_STR(sget(&v, "scheme"), scheme);
  CHECK_STR(sget(&v, "authority"), auth);
  CHECK_STR(sget(&v, "path"), path);
  CHECK_STR(sget(&v, "normalizedPath"), norm);
  if (bget(&v, "isIp") != is_ip) {
    fprintf(stderr, "parseURL(%s).isIp != %d\n", in, is_ip);
    test_current_failed = 1;
  }
}

static void check_no_url(const char *in) {
  awsc_ep_value v = url(in);
  if (v.type != AWSC_EP_NONE) {
    fprintf(stderr, "parseURL(%s) should give no value\n", in);
    test_current_failed = 1;
  }
}

static void test_parse_url(void) {
  check_url("https://example.com", "https", "example.com", "", "/", false);
  check_url("https://example.com/", "https", "example.com", "/", "/", false);
  check_url("http://example.com:8443/a/b", "http", "example.com:8443", "/a/b",
            "/a/b/", false);
  check_url("https://example.com/a/", "https", "example.com", "/a/", "/a/",
            false);
  /* the scheme is case-insensitive and reported in lower case */
  check_url("HTTPS://Example.com/x", "https", "Example.com", "/x", "/x/",
            false);
  /* an empty query is no query; a fragment is ignored */
  check_url("https://a.com/p?", "https", "a.com", "/p", "/p/", false);
  check_url("https://a.com/p#frag", "https", "a.com", "/p", "/p/", false);
  check_url("https://a.com:", "https", "a.com:", "", "/", false);
  check_url("https://user@host:8080/p", "https", "user@host:8080", "/p", "/p/",
            false);
  /* the path is kept as written */
  check_url("https://a.com//x/../y", "https", "a.com", "//x/../y", "//x/../y/",
            false);
  check_url("http://192.168.1.1:1234/foo/", "http", "192.168.1.1:1234", "/foo/",
            "/foo/", true);
  /* botocore's IPV4_RE: four groups of 1-3 digits */
  check_url("http://999.1.1.1", "http", "999.1.1.1", "", "/", true);
  check_url("http://1.2.3", "http", "1.2.3", "", "/", false);
  check_url("http://1.2.3.4.5", "http", "1.2.3.4.5", "", "/", false);
  check_url("https://999.999.abc.blah", "https", "999.999.abc.blah", "", "/",
            false);
  check_url("https://[2001:db8:85a3:8d3:1319:8a2e:370:7348]:443", "https",
            "[2001:db8:85a3:8d3:1319:8a2e:370:7348]:443", "", "/", true);
  check_url("http://[::1]/", "http", "[::1]", "/", "/", true);
  check_url("http://[fe80::1%25en0]:80", "http", "[fe80::1%25en0]:80", "", "/",
            true);
  check_url("http://[::ffff:192.0.2.1]", "http", "[::ffff:192.0.2.1]", "", "/",
            true);
  check_url("http://99_ab-.com", "http", "99_ab-.com", "", "/", false);

  check_no_url("");
  check_no_url("acbd://example.com");
  check_no_url("ftp://example.com");
  check_no_url("https:/example.com");
  check_no_url("https:example.com");
  check_no_url("https://");
  check_no_url("https:///path");
  check_no_url("example.com");
  check_no_url("https://example.com/path?query1=foo");
  check_no_url("https://example.com?a");
  check_no_url("http://abc.com:a/foo");
  check_no_url("http://abc.com:65536");
  check_no_url("http://abc.com:1:2");
  check_no_url("https://a b.com");
  check_no_url("https://a.com/x y");
  check_no_url("https://a.com\t");
  check_no_url("http://[::1");
  check_no_url("http://[::g]");
  check_no_url("http://[1:2:3:4:5:6:7:8:9]");
  check_no_url("http://[::1]x");
  check_no_url("http://a]b.com");
  check_url("http://abc.com:65535", "http", "abc.com:65535", "", "/", false);
}

static void test_ip(void) {
  CHECK(ep_is_ipv4("0.0.0.0", 7));
  CHECK(ep_is_ipv4("255.255.255.255", 15));
  CHECK(!ep_is_ipv4("1.2.3.4.", 8));
  CHECK(!ep_is_ipv4("1..3.4", 6));
  CHECK(!ep_is_ipv4("1234.1.1.1", 10));
  CHECK(!ep_is_ipv4("a.b.c.d", 7));
  static const char *good6[] = {
      "::",
      "::1",
      "1::",
      "1:2:3:4:5:6:7:8",
      "1::8",
      "fe80::1%25eth0",
      "fe80::1%eth0",
      "::ffff:1.2.3.4",
      "1:2:3:4:5:6:1.2.3.4",
      "ABCD::ef",
      "fe80::1%25", /* "%" then the zone "25" */
  };
  static const char *bad6[] = {
      "",
      ":",
      ":1::",
      "1:2:3:4:5:6:7:8:9",
      "1::2::3",
      "12345::",
      "1:",
      "g::",
      "1:2:3:4:5:6:7",
      "fe80::1%",
      "fe80::1%zz%4",
      "::1.2.3",
      "1:2:3:4:5:6:7:1.2.3.4",
  };
  for (size_t i = 0; i < AWSC_ARRAY_LEN(good6); i++)
    if (!ep_is_ipv6(good6[i], strlen(good6[i]))) {
      fprintf(stderr, "IPv6 %s rejected\n", good6[i]);
      test_current_failed = 1;
    }
  for (size_t i = 0; i < AWSC_ARRAY_LEN(bad6); i++)
    if (ep_is_ipv6(bad6[i], strlen(bad6[i]))) {
      fprintf(stderr, "IPv6 %s accepted\n", bad6[i]);
      test_current_failed = 1;
    }
}

static awsc_ep_value arn(const char *s) {
  awsc_ep_value v;
  CHECK(ep_fn_parse_arn(A, s, strlen(s), &v) == 0);
  return v;
}

static void check_ids(const awsc_ep_value *v, const char *const *ids,
                      size_t n) {
  const awsc_ep_value *r = awsc_ep_value_get(v, "resourceId");
  CHECK(r && r->type == AWSC_EP_ARRAY);
  if (!r || r->type != AWSC_EP_ARRAY)
    return;
  CHECK_INT(r->count, n);
  for (size_t i = 0; i < n && i < r->count; i++)
    CHECK_STR(awsc_arena_memdup0(A, r->items[i].str, r->items[i].len), ids[i]);
}

static void test_parse_arn(void) {
  awsc_ep_value v = arn("arn:aws:s3:us-east-2:012345678:outpost:op-1234");
  CHECK(v.type == AWSC_EP_OBJECT);
  CHECK_STR(sget(&v, "partition"), "aws");
  CHECK_STR(sget(&v, "service"), "s3");
  CHECK_STR(sget(&v, "region"), "us-east-2");
  CHECK_STR(sget(&v, "accountId"), "012345678");
  static const char *const ids1[] = {"outpost", "op-1234"};
  check_ids(&v, ids1, 2);

  v = arn("arn:aws:s3:::bucket");
  CHECK_STR(sget(&v, "region"), "");
  CHECK_STR(sget(&v, "accountId"), "");
  static const char *const ids2[] = {"bucket"};
  check_ids(&v, ids2, 1);

  /* ':' and '/' both split the resource; empty parts are kept */
  v = arn("arn:aws:s3:us-west-2:1:a:b/c:d");
  static const char *const ids3[] = {"a", "b", "c", "d"};
  check_ids(&v, ids3, 4);
  v = arn("arn:aws:s3:us-east-2:012345678:outpost::");
  static const char *const ids4[] = {"outpost", "", ""};
  check_ids(&v, ids4, 3);
  v = arn("arn:aws:s3:us-east-2:012345678:outpost:");
  static const char *const ids5[] = {"outpost", ""};
  check_ids(&v, ids5, 2);
  v = arn("arn:aws:s3:us-east-1:abcd:accesspoint/my-ap");
  CHECK_STR(sget(&v, "accountId"), "abcd");
  static const char *const ids6[] = {"accesspoint", "my-ap"};
  check_ids(&v, ids6, 2);
  v = arn("arn:This is an error!:s3:us-east-2:012345678:outpost:op-1234");
  CHECK_STR(sget(&v, "partition"), "This is an error!");

  static const char *bad[] = {
      "",
      "asdf",
      "arn",
      "arn:",
      "ARN:aws:s3:us-east-1:1:r",
      "arn:aws:s3:us-west-2:123456789012:",
      "arn:aws::us-west-2:123456789012:resource-id",
      "arn::s3:us-west-2:123456789012:resource-id",
      "arn:aws:s3:us-west-2:123456789012",
      "arn:aws:s3",
  };
  for (size_t i = 0; i < AWSC_ARRAY_LEN(bad); i++)
    if (arn(bad[i]).type != AWSC_EP_NONE) {
      fprintf(stderr, "parseArn(%s) should give no value\n", bad[i]);
      test_current_failed = 1;
    }
}

static const char *sub(const char *s, int64_t a, int64_t b, bool rev) {
  awsc_ep_value v = ep_fn_substring(s, strlen(s), a, b, rev);
  if (v.type == AWSC_EP_NONE)
    return "(none)";
  return awsc_arena_memdup0(A, v.str, v.len);
}

static void test_substring(void) {
  CHECK_STR(sub("abcdefg", 0, 4, false), "abcd");
  CHECK_STR(sub("abcd", 0, 4, false), "abcd");
  CHECK_STR(sub("abc", 0, 4, false), "(none)");
  CHECK_STR(sub("", 0, 4, false), "(none)");
  CHECK_STR(sub("abcdefg", 0, 4, true), "defg");
  CHECK_STR(sub("defg", 0, 4, true), "defg");
  CHECK_STR(sub("defg", 1, 3, false), "ef");
  CHECK_STR(sub("abcd", 1, 3, true), "bc");
  CHECK_STR(sub("abc", 2, 2, false), "(none)");
  CHECK_STR(sub("abc", 2, 1, false), "(none)");
  CHECK_STR(sub("abc", -1, 2, false), "(none)");
  /* any non-ASCII character gives no value, even outside the range */
  CHECK_STR(sub("\xef\xb7\xbd", 0, 1, false), "(none)");
  CHECK_STR(sub("abcdef\xc2\x80", 0, 4, false), "(none)");
  CHECK_STR(sub("\x7f"
                "abcdef",
                0, 4, false),
            "\x7f"
            "abc");
  CHECK_STR(sub("bucket--use1-az1--x-s3", 0, 6, true), "--x-s3");
}

static const char *enc(const char *s) {
  awsc_ep_value v;
  CHECK(ep_fn_uri_encode(A, s, strlen(s), &v) == 0);
  return awsc_arena_memdup0(A, v.str, v.len);
}

static void test_uri_encode(void) {
  CHECK_STR(enc(""), "");
  CHECK_STR(enc("abcdefg"), "abcdefg");
  CHECK_STR(enc("0123456789.underscore_dash-Tilda~"),
            "0123456789.underscore_dash-Tilda~");
  CHECK_STR(enc("abc:defg"), "abc%3Adefg");
  CHECK_STR(enc("a b/c"), "a%20b%2Fc");
  CHECK_STR(enc("bucket!"), "bucket%21");
  CHECK_STR(enc("\xf0\x9f\x98\xb9"), "%F0%9F%98%B9");
  CHECK_STR(enc("%2F"), "%252F");
  CHECK_STR(enc("/:,?#[]{}|@! $&'()*+;=%<>\"^`\\"),
            "%2F%3A%2C%3F%23%5B%5D%7B%7D%7C%40%21%20%24%26%27%28%29%2A%2B"
            "%3B%3D%25%3C%3E%22%5E%60%5C");
}

static bool hl(const char *s, bool sub) {
  return ep_fn_is_valid_host_label(s, strlen(s), sub);
}
static bool vh(const char *s, bool sub) {
  return ep_fn_is_virtual_hostable_s3_bucket(s, strlen(s), sub);
}

static void test_host_label(void) {
  char l63[64], l64[65];
  memset(l63, 'a', 63);
  l63[63] = 0;
  memset(l64, 'a', 64);
  l64[64] = 0;
  CHECK(hl("a", false));
  CHECK(hl("us-east-1", false));
  CHECK(hl("3aws4", false));
  CHECK(hl("A-Z", false));
  CHECK(hl(l63, false));
  CHECK(!hl(l64, false));
  CHECK(!hl("", false));
  CHECK(!hl("-a", false));
  CHECK(!hl("a-", false));
  CHECK(!hl("a_b", false));
  CHECK(!hl("part1 part2", false));
  CHECK(!hl("part1.part2", false));
  CHECK(hl("part1.part2", true));
  CHECK(!hl("a..b", true));
  CHECK(!hl(".a", true));
  CHECK(!hl("a.", true));
  CHECK(!hl("a.-b", true));
  CHECK(!hl("", true));
  CHECK(hl(l63, true));
}

static void test_virtual_hostable(void) {
  char l63[64], l64[65];
  memset(l63, 'a', 63);
  l63[63] = 0;
  memset(l64, 'a', 64);
  l64[64] = 0;
  CHECK(vh("bucket-name", false));
  CHECK(vh("abc", false));
  CHECK(vh("bucket-with-number-1", false));
  CHECK(vh(l63, false));
  CHECK(!vh(l64, false));
  CHECK(!vh("aa", false));
  CHECK(!vh("BucketName", false));
  CHECK(!vh("bucket_name", false));
  CHECK(!vh("-bucket-name", false));
  CHECK(!vh("bucket-name-", false));
  CHECK(!vh("bucket.name", false));
  CHECK(vh("bucket.name", true));
  CHECK(vh("bucket.name.multiple.dots1", true));
  CHECK(!vh(".bucket-name", true));
  CHECK(!vh("bucket-name.", true));
  CHECK(!vh("bucket-.name", true));
  CHECK(!vh("bucket.-name", true));
  CHECK(!vh("192.168.5.4", true));
  CHECK(!vh("192.168.5.4", false));
  CHECK(vh("192.168.5.a", true));
  /* 3 to 63 characters in all, whatever the labels */
  CHECK(!vh("a.b", false));
  CHECK(vh("a.b", true));
  char longdots[70];
  snprintf(longdots, sizeof longdots, "abc.%s", l63);
  CHECK(!vh(longdots, true));
}

static const char *split_str(const char *s, const char *d, int64_t lim) {
  awsc_ep_value v;
  CHECK(ep_fn_split(A, s, strlen(s), d, strlen(d), lim, &v) == 0);
  if (v.type == AWSC_EP_NONE)
    return "(none)";
  awsc_buf b = AWSC_BUF_INIT;
  awsc_ep_value_to_json(&v, &b);
  char *r = awsc_arena_strdup(A, b.p);
  awsc_buf_free(&b);
  return r;
}

static void test_split(void) {
  CHECK_STR(split_str("a,b,c", ",", 0), "[\"a\",\"b\",\"c\"]");
  CHECK_STR(split_str("a,b,c", ",", 1), "[\"a,b,c\"]");
  CHECK_STR(split_str("a,b,c", ",", 2), "[\"a\",\"b,c\"]");
  CHECK_STR(split_str("a,b,c", ",", 5), "[\"a\",\"b\",\"c\"]");
  CHECK_STR(split_str("", ",", 0), "[\"\"]");
  CHECK_STR(split_str(",", ",", 0), "[\"\",\"\"]");
  CHECK_STR(split_str("a--b--", "--", 0), "[\"a\",\"b\",\"\"]");
  CHECK_STR(split_str("abc", "", 0), "(none)");
  CHECK_STR(split_str("abc", ",", -1), "(none)");
}

static bool rx(const char *pattern, const char *s) {
  ep_regex *re;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = ep_regex_compile(&re, A, pattern, strlen(pattern), &err);
  if (rc) {
    fprintf(stderr, "regex %s: %s\n", pattern, err.message);
    test_current_failed = 1;
    return false;
  }
  return ep_regex_match(re, s, strlen(s));
}

static bool rx_bad(const char *pattern) {
  ep_regex *re;
  awsc_error err = AWSC_ERROR_INIT;
  return ep_regex_compile(&re, A, pattern, strlen(pattern), &err) ==
             AWSC_EPARSE &&
         strstr(err.message, "regex") != NULL;
}

static void test_regex(void) {
  const char *aws = "^(us|eu|ap|sa|ca|me|af|il|mx)\\-\\w+\\-\\d+$";
  CHECK(rx(aws, "us-east-1"));
  CHECK(rx(aws, "us-east-10"));
  CHECK(rx(aws, "mx-central-1"));
  CHECK(!rx(aws, "us-gov-west-1"));
  CHECK(!rx(aws, "cn-north-1"));
  CHECK(!rx(aws, "us-east-"));
  CHECK(!rx(aws, "aus-east-1"));
  CHECK(!rx(aws, "us-east-1x"));
  CHECK(rx(aws, "us-east-1\n")); /* Python's '$' before a final newline */
  CHECK(rx("^eusc\\-(de)\\-\\w+\\-\\d+$", "eusc-de-east-1"));
  CHECK(rx("^us\\-isob\\-\\w+\\-\\d+$", "us-isob-east-1"));
  CHECK(!rx("^us\\-iso\\-\\w+\\-\\d+$", "us-isob-east-1"));
  CHECK(rx("^cn\\-\\w+\\-\\d+$", "cn-northwest-1"));
  CHECK(!rx("^cn\\-\\w+\\-\\d+$", "cn-north_west-"));
  CHECK(rx("^us\\-gov\\-\\w+\\-\\d+$", "us-gov-west-1"));
  /* re.match: anchored at the start only */
  CHECK(rx("ab", "abc"));
  CHECK(!rx("bc", "abc"));
  CHECK(rx("a*b?c+$", "aaacc"));
  CHECK(rx("a*b?c+$", "bc"));
  CHECK(!rx("a*b?c+$", "abbc"));
  CHECK(rx("(?:x|y)z$", "yz"));
  CHECK(rx("(ab|a)bc$", "abc")); /* the first alternative gives way */
  CHECK(!rx("(x|y)z$", "zz"));
  CHECK(rx("x()y$", "xy"));
  CHECK(rx(".\\.\\s\\S\\D\\W$", "x. y_!"));
  CHECK(!rx(".$", "\n"));
  CHECK(rx("\\w+\\w+$", "ab"));
  CHECK(!rx("\\w+\\w+$", "a"));
  /* outside the subset: refused, never matched differently */
  CHECK(rx_bad("(?P<n>a)"));
  CHECK(rx_bad("\\b"));
  CHECK(rx_bad("\\1"));
  CHECK(rx_bad("\\Aab"));
  CHECK(rx_bad("a**"));
  CHECK(rx_bad("a+?"));
  CHECK(rx_bad("*a"));
  CHECK(rx_bad("[a-c]"));
  CHECK(rx_bad("a{2}"));
  CHECK(rx_bad("(a"));
  CHECK(rx_bad("a)"));
  CHECK(rx_bad("(ab)*"));
  CHECK(rx_bad("((a))"));
  CHECK(rx_bad("(a+|b)"));
  CHECK(rx_bad("a$b"));
  CHECK(rx_bad("a^"));
  CHECK(rx_bad("\\"));
  /* long inputs: linear for the partition shapes, bounded otherwise */
  char big[5001];
  memset(big, 'a', 5000);
  big[5000] = 0;
  CHECK(rx("a*$", big));
  CHECK(rx("^\\w+$", big));
  big[4999] = '-';
  CHECK(!rx("^\\w+\\-\\d+$", big));
  (void)rx("a*a*a*a*b$", big); /* may give up; must not crash */
}

static void test_value_json(void) {
  awsc_ep_member m[3];
  awsc_ep_value items[2] = {awsc_ep_string("x\"y\n"), awsc_ep_bool(true)};
  awsc_ep_value arr = {.type = AWSC_EP_ARRAY};
  arr.items = items;
  arr.count = 2;
  m[0].key = "a";
  m[0].value = arr;
  m[1].key = "n";
  m[1].value = awsc_ep_none();
  m[2].key = "i";
  m[2].value.type = AWSC_EP_INT;
  m[2].value.i = -5;
  awsc_ep_value obj = {.type = AWSC_EP_OBJECT};
  obj.members = m;
  obj.nmembers = 3;
  awsc_buf b = AWSC_BUF_INIT;
  CHECK(awsc_ep_value_to_json(&obj, &b) == 0);
  CHECK_STR(b.p, "{\"a\":[\"x\\\"y\\n\",true],\"n\":null,\"i\":-5}");
  awsc_buf_free(&b);
  CHECK(awsc_ep_value_get(&obj, "i") == &m[2].value);
  CHECK(awsc_ep_value_get(&obj, "") == NULL);
  CHECK(awsc_ep_value_get(&arr, "a") == NULL);
  CHECK(awsc_ep_value_get_str(&obj, "a") == NULL);
  CHECK(awsc_ep_string(NULL).type == AWSC_EP_NONE);
}

const char *g_models_dir;

int main(int argc, char **argv) {
  /* before any allocation, so every block is counted */
  test_alloc_install();
  g_models_dir = argc > 1 ? argv[1] : "models";
  A = awsc_arena_new(0);
  RUN(test_parse_url);
  RUN(test_ip);
  RUN(test_parse_arn);
  RUN(test_substring);
  RUN(test_uri_encode);
  RUN(test_host_label);
  RUN(test_virtual_hostable);
  RUN(test_split);
  RUN(test_regex);
  RUN(test_value_json);
  awsc_arena_free(A);
  run_engine_tests();
  return test_summary();
}
