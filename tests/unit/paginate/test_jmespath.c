/*
 * The JMESPath subset (lib/client/jmespath.c): every expression shape the
 * shipped paginators and waiters use, the rest of the supported grammar
 * with results as jmespath.py gives them, and clear errors (never a crash)
 * for what is not supported or not valid.
 */
#include <stdio.h>
#include <string.h>

#include "client/client_internal.h"
#include "client/jmespath.h"
#include "test.h"

static const char *doc =
    "{\"NextMarker\":null,\"Empty\":\"\",\"Zero\":0,\"T\":true,"
    "\"Contents\":[{\"Key\":\"a\",\"Size\":1,\"Tags\":[\"x\",\"y\"]},"
    "{\"Key\":\"b\",\"Size\":2,\"Tags\":[]},"
    "{\"Key\":\"c\\u00e9\",\"Size\":3,\"Tags\":[\"z\"]}],"
    "\"Nested\":[[1,2],[3,[4]],5],"
    "\"Obj\":{\"p\":{\"s\":\"on\"},\"q\":{\"s\":\"off\"},\"r\":7},"
    "\"a b\":\"spaced\",\"IsTruncated\":true,\"Num\":1.0}";

/* Evaluate expr on doc and return the result as compact JSON, or
 * "ERROR(<code>): <message>". */
static const char *eval_on(const char *json, const char *expr) {
  static char out[1024];
  awsc_arena *a = awsc_arena_new(0);
  if (!a)
    return "ERROR(-1): no arena";
  awsc_value data, res;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = awsc_value_from_json_ex(&data, a, NULL, json, strlen(json), 0, &err);
  if (!rc)
    rc = awsc_jmespath_eval(expr, &data, a, &res, &err);
  if (rc) {
    snprintf(out, sizeof out, "ERROR(%d): %s", rc, err.message);
  } else {
    awsc_buf b = AWSC_BUF_INIT;
    awsc_value_to_json(&b, &res, NULL, false);
    snprintf(out, sizeof out, "%s", b.p ? b.p : "?");
    awsc_buf_free(&b);
  }
  awsc_arena_free(a);
  return out;
}

static const char *eval(const char *expr) {
  return eval_on(doc, expr);
}

#define EXPECT(expr, want) CHECK_STR(eval(expr), want)

static bool is_error(const char *r, const char *needle) {
  if (strncmp(r, "ERROR(-2): ", 11) != 0) {
    fprintf(stderr, "  not an EINVAL error: %s\n", r);
    return false;
  }
  if (needle && !strstr(r, needle)) {
    fprintf(stderr, "  \"%s\" not in: %s\n", needle, r);
    return false;
  }
  return true;
}

static void test_model_expressions(void) {
  /* ListObjects' output token, with and without NextMarker */
  EXPECT("NextMarker || Contents[-1].Key", "\"c\u00e9\"");
  CHECK_STR(eval_on("{\"NextMarker\":\"m\",\"Contents\":[{\"Key\":\"k\"}]}",
                    "NextMarker || Contents[-1].Key"),
            "\"m\"");
  CHECK_STR(eval_on("{\"NextMarker\":\"\"}", "NextMarker || Contents[-1].Key"),
            "null");
  EXPECT("IsTruncated", "true");
  EXPECT("NextContinuationToken", "null");
  EXPECT("Contents[0].Key", "\"a\"");
  EXPECT("Contents[-2].Key", "\"b\"");
  EXPECT("Contents[3]", "null");
  EXPECT("Contents[-4]", "null");
}

static void test_projections(void) {
  EXPECT("Contents[].Key", "[\"a\",\"b\",\"c\u00e9\"]");
  EXPECT("Contents[*].Size", "[1,2,3]");
  EXPECT("Contents[].Tags[]", "[\"x\",\"y\",\"z\"]");
  EXPECT("Contents[].Tags", "[[\"x\",\"y\"],[],[\"z\"]]");
  EXPECT("Contents[].Tags[0]", "[\"x\",\"z\"]");
  EXPECT("Nested[]", "[1,2,3,[4],5]");
  EXPECT("Nested[][]", "[1,2,3,4,5]");
  EXPECT("Obj.*.s", "[\"on\",\"off\"]");
  EXPECT("Obj.*", "[{\"s\":\"on\"},{\"s\":\"off\"},7]");
  EXPECT("Contents[].Missing", "[]");
  EXPECT("Obj[]", "null"); /* flatten of a non-list */
  EXPECT("Zero[*]", "null");
  EXPECT("Contents[].Key | [0]", "\"a\"");
  EXPECT("Contents[].Key[0]", "[]"); /* projected: index of a string */
  EXPECT("@.Obj.r", "7");
  EXPECT("[*].x", "null");
  EXPECT("\"a b\"", "\"spaced\"");
}

static void test_filters_comparisons(void) {
  EXPECT("Contents[?Size > `1`].Key", "[\"b\",\"c\u00e9\"]");
  EXPECT("Contents[?Size == `2`] | [0].Key", "\"b\"");
  EXPECT("Contents[?Key == 'a'].Size", "[1]");
  EXPECT("Contents[?Tags].Key", "[\"a\",\"c\u00e9\"]");
  EXPECT("Contents[?!Tags].Key", "[\"b\"]");
  EXPECT("Contents[?Size >= `2` && Size < `3`].Key", "[\"b\"]");
  EXPECT("Contents[?Size <= `1` || Key == 'b'].Key", "[\"a\",\"b\"]");
  EXPECT("Contents[?Size != `1`][]", "[{\"Key\":\"b\",\"Size\":2,\"Tags\":[]},"
                                     "{\"Key\":\"c\u00e9\",\"Size\":3,"
                                     "\"Tags\":[\"z\"]}]");
  EXPECT("Num == `1`", "true"); /* 1.0 == 1 */
  EXPECT("T == `1`", "false");  /* never a boolean equal to a number */
  EXPECT("Zero == `false`", "false");
  EXPECT("Obj.p == `{\"s\": \"on\"}`", "true");
  EXPECT("Contents[0].Tags == `[\"x\", \"y\"]`", "true");
  EXPECT("Empty < `1`", "null"); /* ordering a string with a number */
  EXPECT("'a' < 'b'", "true");
  EXPECT("Missing == `null`", "true");
  EXPECT("Zero || 'x'", "0"); /* 0 is truthy in JMESPath */
  EXPECT("Empty || 'x'", "\"x\"");
  EXPECT("Empty && 'x'", "\"\"");
  EXPECT("!Empty", "true");
  EXPECT("(Zero || T) && Obj.r", "7");
  EXPECT("`foo`", "\"foo\""); /* jmespath.py's deprecated form */
  EXPECT("'it\\'s'", "\"it's\"");
  EXPECT("`\"a\\`b\"`", "\"a`b\"");
}

static void test_functions(void) {
  EXPECT("length(Contents)", "3");
  EXPECT("length(Contents[].Key[])", "3"); /* strings kept by flatten */
  EXPECT("length(Contents[2].Key)", "2");  /* code points, not bytes */
  EXPECT("length(Obj)", "3");
  EXPECT("length(Contents[]) > `2`", "true");
  EXPECT("length(Contents[?Size > `5`]) == `0`", "true");
  EXPECT("contains(Contents[].Key, 'b')", "true");
  EXPECT("contains(Contents[].Key, 'x')", "false");
  EXPECT("contains(Contents[].Size, `2.0`)", "true");
  EXPECT("contains(Contents[2].Key, '\u00e9')", "true");
  EXPECT("contains('abc', '')", "true");
  EXPECT("keys(Obj)", "[\"p\",\"q\",\"r\"]");
  EXPECT("values(Obj.p)", "[\"on\"]");
  EXPECT("contains(keys(Contents[0]), 'Tags') && length(Contents[0].Tags) "
         "== `2`",
         "true");
  CHECK(is_error(eval("contains(Zero, `0`)"), "an array or string"));
  CHECK(is_error(eval("contains('abc', `1`)"), "contains() expects"));
  CHECK(is_error(eval("keys(Contents)"), "keys() expects an object"));
  CHECK(is_error(eval("values(Missing)"), "got null"));
  CHECK(is_error(eval("contains(Obj)"), "takes exactly 2 arguments"));
  CHECK(is_error(eval("length(Zero)"), "length() expects"));
  CHECK(is_error(eval("length(Missing)"), "got null"));
}

/* Multi-select lists, as jmespath.py evaluates them; boto3's S3
 * object_versions collection reads its items with the last one. */
static void test_multi_select_list(void) {
  EXPECT("[Zero, T]", "[0,true]");
  EXPECT("[Missing, Zero]", "[null,0]");
  EXPECT("Obj.[r, p.s]", "[7,\"on\"]");
  EXPECT("Missing.[a]", "null");
  EXPECT("Contents[?Size < `3`].[Key, Size]", "[[\"a\",1],[\"b\",2]]");
  EXPECT("[Contents[0].Tags, Contents[2].Tags] | []", "[\"x\",\"y\",\"z\"]");
  CHECK_STR(eval_on("{\"Versions\":[{\"K\":1}],\"DeleteMarkers\":[{\"K\":2}]}",
                    "[Versions,DeleteMarkers]|[]"),
            "[{\"K\":1},{\"K\":2}]");
  CHECK_STR(
      eval_on("{\"Versions\":[{\"K\":1}]}", "[Versions,DeleteMarkers]|[]"),
      "[{\"K\":1}]"); /* the flatten projection drops the null */
}

/* Multi-select lists in stages share their values, so evaluating them is
 * cheap while the result doubles at each stage: whatever walks it (JSON
 * output here, a comparison, a projection) would take 2^k steps. Such
 * expressions are refused when compiled; up to the bound they work. */
static void test_multi_select_bound(void) {
  char expr[512];
  size_t n = 0;
  for (int i = 0; i < 8; i++) /* 2^8 = 256 copies: allowed */
    n += (size_t)snprintf(expr + n, sizeof expr - n, "%s[@,@]", i ? "|" : "");
  const char *r = eval_on("1", expr);
  CHECK(strncmp(r, "ERROR", 5) != 0);
  n += (size_t)snprintf(expr + n, sizeof expr - n, "|[@,@]"); /* 512 */
  CHECK(is_error(eval_on("1", expr), "repeat the input more than 256 times"));
  /* products through projections and sums across items are counted */
  CHECK(is_error(eval("Contents[*].[@,@,@,@][*].[@,@,@,@][*].[@,@,@,@]"
                      "[*].[@,@,@,@,@]"),
                 "more than 256"));
  EXPECT("Contents[*].[Key,[Key,Size]] | [0]", "[\"a\",[\"a\",1]]");
  /* the 391-byte expression fuzz_jmespath found running for minutes */
  static const char found[] =
      "*[[],o[],[],ein,[],[],[_coKey],te,[],[Key],teNxCo[],[],[],[Key]]\t[]"
      "[NxCoin,[],[],[Key],te,[],[Key],teNxCo[],[],[],[Key]]\t[][NxConno[],"
      "[],[],[Key]]\t[][NxConntConno[],[],[*][Key]]\t[][NxConnt[],[],[Key],"
      "tteN,[Key],te,[],[Key],teNxCo[],[],[],[Key]]\t[][NxCoin,[],[],[Key],"
      "te,[],[Key],teNxCo[],[],[],[Key]]\t[][NxConno[],[],[],[Key]]\t[]["
      "NxConntConno[],[],[*][Key]]\t[][NxConnt[],[],[Key],tteNxCxCos]";
  r = eval(found);
  CHECK(strncmp(r, "ERROR(-2): ", 11) == 0);
}

static void test_errors(void) {
  static const struct {
    const char *expr, *needle;
  } bad[] = {
      {"", "unexpected end"},
      {"a.", "expected an identifier"},
      {"a[0:1]", "slices are not supported"},
      {"a[::2]", "slices are not supported"},
      {"{a: b}", "multi-select hashes are not supported"},
      {"[a, b", "expected ','"},
      {"[a b]", "expected ','"},
      {"[]a", "unexpected"},
      {"sort(a)", "unknown or unsupported function sort()"},
      {"length(a, b)", "takes exactly 1 argument"},
      {"length()", "takes exactly 1 argument"},
      {"\"length\"(a)", "can not name a function"},
      {"&a", "expression references"},
      {"a = b", "unknown token '='"},
      {"a ==", "unexpected end"},
      {"a[?b", "expected ']'"},
      {"a[0", "expected ']'"},
      {"'open", "unterminated raw string"},
      {"`open", "unterminated JSON literal"},
      {"\"open", "unterminated quoted identifier"},
      {"a $ b", "unknown character '$'"},
      {"a b", "unexpected identifier"},
      {"a[99999999999999999999]", "number out of range"},
      {"a)", "unexpected ')'"},
      {"a*", "unexpected '*'"},
      {"(a", "expected ')'"},
      {"a.\"b", "unterminated"},
      {"-", "unknown character '-'"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    const char *r = eval(bad[i].expr);
    if (!is_error(r, bad[i].needle)) {
      fprintf(stderr, "  for expression \"%s\"\n", bad[i].expr);
      test_current_failed = 1;
    }
  }
  /* deep nesting is refused, not a stack overflow */
  char deep[4096];
  size_t n = 0;
  for (int i = 0; i < 1000; i++)
    deep[n++] = '(';
  deep[n++] = 'a';
  for (int i = 0; i < 1000; i++)
    deep[n++] = ')';
  deep[n] = '\0';
  CHECK(is_error(eval(deep), "nested too deeply"));
  n = 0;
  for (int i = 0; i < 1000; i++) {
    deep[n++] = '!';
  }
  deep[n++] = 'a';
  deep[n] = '\0';
  CHECK(is_error(eval(deep), "nested too deeply"));
  /* 60 levels are fine */
  n = 0;
  for (int i = 0; i < 30; i++)
    deep[n++] = '(';
  memcpy(deep + n, "Obj.r", 5);
  n += 5;
  for (int i = 0; i < 30; i++)
    deep[n++] = ')';
  deep[n] = '\0';
  CHECK_STR(eval(deep), "7");
}

static void test_truthy_equal(void) {
  awsc_value v;
  memset(&v, 0, sizeof v);
  CHECK(!awsc_jmespath_truthy(&v));
  v.type = AWSC_V_INT;
  CHECK(awsc_jmespath_truthy(&v)); /* 0 */
  v.type = AWSC_V_STRING;
  v.u.s.p = "";
  CHECK(!awsc_jmespath_truthy(&v));
  v.type = AWSC_V_LIST;
  CHECK(!awsc_jmespath_truthy(&v));
  awsc_value a, b;
  memset(&a, 0, sizeof a);
  memset(&b, 0, sizeof b);
  a.type = AWSC_V_INT;
  a.u.i = 2;
  b.type = AWSC_V_DOUBLE;
  b.u.d = 2.0;
  CHECK(awsc_jmespath_equal(&a, &b));
  b.type = AWSC_V_BOOL;
  b.u.b = true;
  a.u.i = 1;
  CHECK(!awsc_jmespath_equal(&a, &b));
  /* maps regardless of order */
  CHECK_STR(eval_on("{\"x\":{\"a\":1,\"b\":[1,2]}}",
                    "x == `{\"b\": [1, 2], \"a\": 1}`"),
            "true");
  CHECK_STR(eval_on("{\"x\":{\"a\":1,\"b\":[2,1]}}",
                    "x == `{\"b\": [1, 2], \"a\": 1}`"),
            "false");
}

static void test_compile_once(void) {
  /* a compiled expression is reusable over many documents */
  awsc_arena *a = awsc_arena_new(0);
  awsc_jmespath *e = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_jmespath_compile(&e, a, "NextToken || Items[-1].Id", &err), 0);
  CHECK_STR(awsc_jmespath_text(e), "NextToken || Items[-1].Id");
  const char *docs[] = {"{\"NextToken\":\"n\"}",
                        "{\"Items\":[{\"Id\":\"i1\"},{\"Id\":\"i2\"}]}", "{}",
                        "[]", "5"};
  const char *want[] = {"n", "i2", NULL, NULL, NULL};
  for (size_t i = 0; i < 5; i++) {
    awsc_value d, r;
    CHECK_INT(
        awsc_value_from_json_ex(&d, a, NULL, docs[i], strlen(docs[i]), 0, &err),
        0);
    CHECK_INT(awsc_jmespath_search(e, &d, a, &r, &err), 0);
    if (want[i])
      CHECK(r.type == AWSC_V_STRING && strcmp(r.u.s.p, want[i]) == 0);
    else
      CHECK(r.type == AWSC_V_NULL);
  }
  /* NULL data is null */
  awsc_value r;
  CHECK_INT(awsc_jmespath_search(e, NULL, a, &r, &err), 0);
  CHECK(r.type == AWSC_V_NULL);
  awsc_arena_free(a);
}

static int compile_ok(awsc_arena *a, const char *what, const char *expr) {
  awsc_jmespath *e = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  if (!expr)
    return 0;
  if (awsc_jmespath_compile(&e, a, expr, &err) != 0) {
    fprintf(stderr, "  %s: %s\n", what, err.message);
    test_current_failed = 1;
  }
  return 1;
}

/* Every expression of every built-in service's paginators and waiters
 * compiles. */
static void test_shipped_expressions(void) {
  const char *names = awsc_builtin_service_names();
  char list[256];
  snprintf(list, sizeof list, "%s", names);
  int count = 0;
  awsc_arena *a = awsc_arena_new(0);
  for (char *tok = strtok(list, ", "); tok; tok = strtok(NULL, ", ")) {
    const awsc_service *svc = awsc_builtin_service(tok);
    CHECK(svc != NULL);
    for (uint32_t i = 0; svc && i < svc->paginator_count; i++) {
      const awsc_paginator *pg = &svc->paginators[i];
      for (uint32_t k = 0; k < pg->output_token_count; k++)
        count += compile_ok(a, pg->operation, pg->output_tokens[k]);
      for (uint32_t k = 0; k < pg->result_key_count; k++)
        count += compile_ok(a, pg->operation, pg->result_keys[k]);
      for (uint32_t k = 0; k < pg->non_aggregate_key_count; k++)
        count += compile_ok(a, pg->operation, pg->non_aggregate_keys[k]);
      count += compile_ok(a, pg->operation, pg->more_results);
    }
    for (uint32_t i = 0; svc && i < svc->waiter_count; i++)
      for (uint32_t k = 0; k < svc->waiters[i].acceptor_count; k++)
        count += compile_ok(a, svc->waiters[i].name,
                            svc->waiters[i].acceptors[k].argument);
  }
  awsc_arena_free(a);
  CHECK(count > 50);
  printf("     %d expressions of the built-in services compile\n", count);
}

/* Random expressions from JMESPath's alphabet: each compiles and
 * evaluates to a value or fails with EINVAL, never anything else (run
 * under ASan/UBSan this is a small fuzzer). */
static void test_random_expressions(void) {
  static const char *const parts[] = {
      "a",   "Contents", "Key", ".",        "[",    "]",    "[]",  "[?",
      "[*]", "*",        "-1",  "0",        "2",    "|",    "||",  "&&",
      "!",   "(",        ")",   "==",       "<",    ">=",   "`1`", "'x'",
      "@",   "length",   ",",   "\"",       "`",    " ",    ":",   "{",
      "}",   "&",        "Obj", "contains", "keys", "Tags", "'"};
  uint32_t seed = 12345;
  int ok = 0, refused = 0;
  for (int i = 0; i < 20000; i++) {
    char expr[128];
    size_t n = 0;
    seed = seed * 1103515245u + 12345u;
    int len = 1 + (int)((seed >> 16) % 12);
    for (int k = 0; k < len; k++) {
      seed = seed * 1103515245u + 12345u;
      const char *p = parts[(seed >> 16) % (sizeof parts / sizeof parts[0])];
      size_t pl = strlen(p);
      if (n + pl >= sizeof expr)
        break;
      memcpy(expr + n, p, pl);
      n += pl;
    }
    expr[n] = '\0';
    const char *r = eval(expr);
    if (strncmp(r, "ERROR(", 6) != 0)
      ok++;
    else if (strncmp(r, "ERROR(-2)", 9) == 0)
      refused++;
    else {
      fprintf(stderr, "  \"%s\": %s\n", expr, r);
      test_current_failed = 1;
    }
  }
  CHECK(ok > 100);
  CHECK(refused > 100);
}

/* Compile and evaluate with the Nth allocation failing, for every N. */
static void test_alloc_failures(void) {
  int runs = 0;
  for (uint64_t n = 1; n < 1000; n++) {
    test_alloc_fail_at(n);
    const char *r =
        eval("Contents[?Size > `1` && length(Tags) > `0`].Key | [0] || "
             "`{\"fallback\": [1, 2]}`");
    int fired = test_alloc_failure_fired();
    test_alloc_fail_at(0);
    if (!fired) {
      CHECK_STR(r, "\"c\u00e9\"");
      break;
    }
    runs++;
    /* out of memory, or a failure absorbed on the way to the result */
    bool fine = strncmp(r, "ERROR(-1)", 9) == 0 ||
                strcmp(r, "\"c\u00e9\"") == 0 || strcmp(r, "?") == 0;
    if (!fine) {
      fprintf(stderr, "  allocation %llu failing: ", (unsigned long long)n);
      fputs(r, stderr);
      fputc('\n', stderr);
    }
    CHECK(fine);
    CHECK_INT(test_alloc_live(), 0);
  }
  CHECK(runs > 0);
}

int main(void) {
  test_alloc_install();
  RUN(test_shipped_expressions);
  RUN(test_model_expressions);
  RUN(test_projections);
  RUN(test_filters_comparisons);
  RUN(test_functions);
  RUN(test_multi_select_list);
  RUN(test_multi_select_bound);
  RUN(test_errors);
  RUN(test_random_expressions);
  RUN(test_truthy_equal);
  RUN(test_compile_once);
  RUN(test_alloc_failures);
  if (test_alloc_live() != 0) {
    printf("FAIL leak: %lld blocks live\n", (long long)test_alloc_live());
    test_failed++;
  }
  return test_summary();
}
