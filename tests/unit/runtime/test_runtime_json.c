/*
 * tests/unit/runtime/test_runtime_json.c - the library's JSON reader
 * (lib/core/json.h) and the arena tree built on it (lib/runtime/jtree.h):
 * tokens, errors, limits, allocation failure, and linearity.
 *
 * Linearity: 16 MiB worst cases (escapes of every kind, nesting at the
 * limit, very long tokens) must each parse in well under a second of CPU
 * time; a quadratic step (such as re-searching for the closing quote
 * after every backslash) takes minutes on these. The bound is 1 s, 2 s
 * under AddressSanitizer; the times are printed.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/json.h"
#include "protocols/parse_internal.h"
#include "runtime/jtree.h"
#include "test.h"

static const char *models_dir;

#if defined(__SANITIZE_ADDRESS__)
#define LINEAR_LIMIT_S 2.0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LINEAR_LIMIT_S 2.0
#endif
#endif
#ifndef LINEAR_LIMIT_S
#define LINEAR_LIMIT_S 1.0
#endif

#define BIG (16u << 20)

/* Tokens of `json` as a compact string: o{ }o a[ ]a k:NAME s:TEXT n:NUM
 * t f z (null), separated by spaces; or "ERR:what@offset". */
static const char *tokens(const char *json, unsigned max_depth) {
  static char out[1024];
  size_t o = 0;
  awsc_json_reader r;
  awsc_json_reader_init(&r, json, strlen(json), 0, max_depth, NULL);
  awsc_jtok t;
  out[0] = '\0';
  while (awsc_json_read(&r, &t) == 0 && t.type != AWSC_JTOK_END) {
    static const char *const tag[] = {
        "", "z", "t", "f", "n:", "s:", "k:", "o{", "}o", "a[", "]a"};
    o += (size_t)snprintf(out + o, sizeof out - o, "%s%s", o ? " " : "",
                          tag[t.type]);
    if (t.type == AWSC_JTOK_NUMBER || t.type == AWSC_JTOK_STRING ||
        t.type == AWSC_JTOK_KEY)
      o += (size_t)snprintf(out + o, sizeof out - o, "%.*s", (int)t.n, t.p);
  }
  if (r.rc)
    snprintf(out, sizeof out, "ERR:%s@%zu", r.what, r.error_at);
  awsc_json_reader_cleanup(&r);
  return out;
}

static void test_tokens(void) {
  CHECK_STR(tokens("{\"a\": [1, -2.5e3, true, false, null], \"b\": {}}", 0),
            "o{ k:a a[ n:1 n:-2.5e3 t f z ]a k:b o{ }o }o");
  CHECK_STR(tokens(" \"x\\ty\\u00e9\\ud83d\\ude00\\/\" ", 0),
            "s:x\ty\xc3\xa9\xf0\x9f\x98\x80/");
  CHECK_STR(tokens("\"\\udc00\"", 0), "s:\xef\xbf\xbd"); /* lone surrogate */
  CHECK_STR(tokens("[]", 0), "a[ ]a");
  CHECK_STR(tokens("", 0), "ERR:unexpected end of input@0");
  CHECK_STR(tokens("[1,]", 0), "ERR:invalid number@3");
  CHECK_STR(tokens("{\"a\" 1}", 0), "ERR:expected ':'@5");
  CHECK_STR(tokens("{1:2}", 0), "ERR:expected a member name@1");
  CHECK_STR(tokens("[1 2]", 0), "ERR:expected ',' or ']'@3");
  CHECK_STR(tokens("{\"a\":1 ", 0), "ERR:expected ',' or '}'@7");
  CHECK_STR(tokens("1 2", 0), "ERR:trailing data after the value@2");
  CHECK_STR(tokens("tru", 0), "ERR:invalid literal@0");
  CHECK_STR(tokens("01", 0), "ERR:trailing data after the value@1");
  CHECK_STR(tokens("1.", 0), "ERR:invalid number@2");
  CHECK_STR(tokens("\"ab", 0), "ERR:unterminated string@3");
  CHECK_STR(tokens("\"a\\", 0), "ERR:unterminated string@2");
  CHECK_STR(tokens("\"a\\x\"", 0), "ERR:bad escape in string@2");
  CHECK_STR(tokens("\"a\\u12g4\"", 0), "ERR:bad escape in string@2");
  CHECK_STR(tokens("\"a\x01\"", 0), "ERR:control character in string@2");
  CHECK_STR(tokens("\"a\\n\x01\"", 0), "ERR:control character in string@4");
  CHECK_STR(tokens("\"\xc3(\"", 0), "ERR:invalid UTF-8 in string@1");
  CHECK_STR(tokens("\"\xed\xa0\x80\"", 0), "ERR:invalid UTF-8 in string@1");
  CHECK_STR(tokens("[[[1]]]", 3), "a[ a[ a[ n:1 ]a ]a ]a");
  CHECK_STR(tokens("[[[[1]]]]", 3), "ERR:nesting too deep@3");
}

/* awsc_json_skip passes over a container, checking it. */
static void test_skip(void) {
  const char *doc = "[{\"a\":[1,{\"b\":\"\\n\"}]}, 7]";
  awsc_json_reader r;
  awsc_json_reader_init(&r, doc, strlen(doc), 0, 0, NULL);
  awsc_jtok t;
  CHECK_INT(awsc_json_read(&r, &t), 0);
  CHECK_INT(awsc_json_read(&r, &t), 0);
  CHECK_INT(t.type, AWSC_JTOK_BEGIN_OBJECT);
  CHECK_INT(awsc_json_skip(&r, &t), 0);
  CHECK_INT(r.depth, 1);
  CHECK_INT(awsc_json_read(&r, &t), 0);
  CHECK_INT(t.type, AWSC_JTOK_NUMBER);
  CHECK(t.n == 1 && t.p[0] == '7');
  awsc_json_reader_cleanup(&r);
  const char *bad = "[{\"a\":[1,{\"b\":\"\\q\"}]}]";
  awsc_json_reader_init(&r, bad, strlen(bad), 0, 0, NULL);
  CHECK_INT(awsc_json_read(&r, &t), 0);
  CHECK_INT(awsc_json_read(&r, &t), 0);
  CHECK_INT(awsc_json_skip(&r, &t), AWSC_EPARSE);
  CHECK_STR(r.what, "bad escape in string");
  awsc_json_reader_cleanup(&r);
}

/* The tree: nesting exactly at the limit works, one more is an error
 * with today's message; every allocation failed in turn is ENOMEM. */
static void test_tree_limits_and_oom(void) {
  char doc[2 * AWSC_JSON_MAX_DEPTH + 8];
  for (int extra = 0; extra < 2; extra++) {
    size_t n = AWSC_JSON_MAX_DEPTH + (size_t)extra, k = 0;
    for (size_t i = 0; i < n; i++)
      doc[k++] = '[';
    for (size_t i = 0; i < n; i++)
      doc[k++] = ']';
    awsc_arena *a = awsc_arena_new(0);
    awsc_jnode *root;
    awsc_error err = AWSC_ERROR_INIT;
    int rc = awsc_jtree_parse(&root, a, doc, k, 0, &err);
    CHECK_INT(rc, extra ? AWSC_EPARSE : 0);
    if (extra)
      CHECK_STR(err.message, "invalid JSON near byte 512: nesting too deep");
    awsc_arena_free(a);
  }
  const char *j = "{\"k\\u00e9\": [\"a\\nb\", 1, 2.5, {\"documentation\": "
                  "\"x\\ty\", \"z\": null}], \"long\": \"" /* 300 bytes */
                  "\\u0041\\u0041\\u0041\\u0041\\u0041\\u0041\\u0041\\u0041"
                  "\\u0041\\u0041\\u0041\\u0041\\u0041\\u0041\\u0041\\u0041"
                  "\\u0041\\u0041\\u0041\\u0041\\u0041\\u0041\\u0041\\u0041"
                  "\\u0041\\u0041\\u0041\\u0041\\u0041\\u0041\\u0041\\u0041"
                  "\\u0041\\u0041\\u0041\\u0041\\u0041\\u0041\\u0041\\u0041"
                  "\\u0041\\u0041\\u0041\\u0041\\u0041\\u0041\\u0041\\u0041"
                  "\\u0041\\u0041\\u0041\\u0041\\u0041\\u0041\"}";
  int64_t live = test_alloc_live();
  int failures = 0;
  for (uint64_t n = 1; n < 100; n++) {
    awsc_arena *a = awsc_arena_new(64);
    if (!a)
      continue;
    awsc_jnode *root = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    test_alloc_fail_at(n);
    int rc =
        awsc_jtree_parse(&root, a, j, strlen(j), AWSC_JPARSE_SKIP_DOCS, &err);
    int fired = test_alloc_failure_fired();
    test_alloc_fail_at(0);
    if (!fired) {
      CHECK_INT(rc, 0);
      const awsc_jnode *arr = awsc_jtree_get(root, "k\xc3\xa9");
      CHECK(arr && arr->type == AWSC_J_ARRAY && arr->count == 4);
      CHECK(arr && arr->items[3]->count == 1); /* documentation dropped */
      const char *l = awsc_jtree_get_str(root, "long");
      CHECK(l && strlen(l) == 54 && l[53] == 'A');
      awsc_arena_free(a);
      break;
    }
    failures++;
    CHECK_INT(rc, AWSC_ENOMEM);
    CHECK_STR(err.message, "out of memory");
    awsc_arena_free(a);
  }
  CHECK(failures > 2);
  CHECK_INT(test_alloc_live(), live);
}

/* A response body through the value builder (lib/protocols/parse_json.c):
 * escapes decoded, unknown members skipped by the reader, and a bad
 * escape inside a skipped member still reported with its message. */
static void test_response_path(void) {
  char path[1024];
  snprintf(path, sizeof path, "%s/sqs/2012-11-05/service-2.json", models_dir);
  FILE *f = fopen(path, "rb");
  CHECK(f != NULL);
  if (!f)
    return;
  static char model[1 << 20];
  size_t mlen = fread(model, 1, sizeof model, f);
  fclose(f);
  awsc_arena *ma = awsc_arena_new(0);
  awsc_service *svc = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_service_from_json(&svc, ma, model, mlen, &err), 0);
  const awsc_operation *op =
      svc ? awsc_service_find_operation(svc, "ReceiveMessage") : NULL;
  CHECK(op != NULL);
  if (!op) {
    awsc_arena_free(ma);
    return;
  }
  static const struct {
    const char *body;
    int rc;
    const char *body_or_msg;
  } cases[] = {
      {"{\"Messages\":[{\"Other\":{\"x\":[\"\\n\"]},\"Body\":\"a\\\"b\\u00e9\"}"
       "]}",
       0, "a\"b\xc3\xa9"},
      {"{\"Messages\":[{\"Other\":{\"x\":[\"\\q\"]},\"Body\":\"b\"}]}",
       AWSC_EPARSE,
       "invalid JSON in response: bad escape in string near byte 29"},
      {"{\"Messages\":[{\"Body\":\"b\"}]", AWSC_EPARSE,
       "invalid JSON in response: expected ',' or '}' near byte 26"},
  };
  awsc_http_header hdrs[] = {{"content-type", "application/x-amz-json-1.0"}};
  for (size_t i = 0; i < AWSC_ARRAY_LEN(cases); i++) {
    awsc_raw_response resp = {
        200, hdrs, 1, cases[i].body, strlen(cases[i].body), false};
    awsc_arena *a = awsc_arena_new(0);
    awsc_value out;
    awsc_error e = AWSC_ERROR_INIT;
    int rc = awsc_parse_output_with(svc, op, &resp, a, &out, &e, 0);
    CHECK_INT(rc, cases[i].rc);
    if (rc == 0) {
      const awsc_value *m = awsc_value_get(&out, "Messages");
      const awsc_value *b =
          m && m->u.list.n ? awsc_value_get(&m->u.list.items[0], "Body") : NULL;
      CHECK(b && b->type == AWSC_V_STRING);
      if (b && b->type == AWSC_V_STRING)
        CHECK(b->u.s.n == strlen(cases[i].body_or_msg) &&
              memcmp(b->u.s.p, cases[i].body_or_msg, b->u.s.n) == 0);
    } else {
      CHECK_STR(e.message, cases[i].body_or_msg);
    }
    awsc_arena_free(a);
  }
  awsc_arena_free(ma);
}

/* ---- linearity ---- */

/* `unit` repeated to fill `n` bytes between `head` and `tail`. */
static char *repeat(const char *head, const char *unit, const char *tail,
                    size_t n, size_t *len) {
  size_t h = strlen(head), u = strlen(unit), t = strlen(tail);
  size_t reps = (n - h - t) / u;
  char *s = malloc(h + reps * u + t + 1);
  if (!s)
    return NULL;
  memcpy(s, head, h);
  for (size_t i = 0; i < reps; i++)
    memcpy(s + h + i * u, unit, u);
  memcpy(s + h + reps * u, tail, t + 1);
  *len = h + reps * u + t;
  return s;
}

/* Nested arrays at the depth limit, over and over, inside one array. */
static char *deep_runs(size_t n, size_t *len) {
  char unit[2 * AWSC_JSON_MAX_DEPTH + 2];
  size_t k = 0;
  for (int i = 0; i < AWSC_JSON_MAX_DEPTH - 1; i++)
    unit[k++] = '[';
  for (int i = 0; i < AWSC_JSON_MAX_DEPTH - 1; i++)
    unit[k++] = ']';
  unit[k++] = ',';
  unit[k] = '\0';
  char *s = repeat("[", unit, "0]", n, len);
  return s;
}

typedef struct linear_case {
  const char *name;
  const char *head, *unit, *tail;
  int want;  /* 0 or AWSC_EPARSE */
  bool tree; /* also build the tree (not for millions of tokens: memory) */
} linear_case;

static double cpu_s(clock_t t0) {
  return (double)(clock() - t0) / CLOCKS_PER_SEC;
}

/* Time the tree and a bare token loop over one document. */
static void time_doc(const char *name, const char *s, size_t len, int want,
                     bool tree) {
  double tree_s = 0;
  int rc;
  clock_t t0;
  if (tree) {
    t0 = clock();
    awsc_arena *a = awsc_arena_new(1 << 20);
    awsc_jnode *root = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    rc = awsc_jtree_parse(&root, a, s, len, 0, &err);
    tree_s = cpu_s(t0);
    awsc_arena_free(a);
    if (rc != want)
      fprintf(stderr, "%s: rc %d (%s)\n", name, rc, err.message);
    CHECK_INT(rc, want);
  }
  t0 = clock();
  awsc_json_reader r;
  awsc_json_reader_init(&r, s, len, 0, 0, NULL);
  awsc_jtok t;
  size_t tokens = 0;
  while ((rc = awsc_json_read(&r, &t)) == 0 && t.type != AWSC_JTOK_END)
    tokens++;
  awsc_json_reader_cleanup(&r);
  double read_s = cpu_s(t0);
  CHECK_INT(rc, want);
  if (tree)
    printf("linear %-22s %5.1f MiB  tree %.3f s  tokens %.3f s (%zu)\n", name,
           (double)len / (1 << 20), tree_s, read_s, tokens);
  else
    printf("linear %-22s %5.1f MiB  tree -        tokens %.3f s (%zu)\n", name,
           (double)len / (1 << 20), read_s, tokens);
  CHECK(tree_s < LINEAR_LIMIT_S);
  CHECK(read_s < LINEAR_LIMIT_S);
}

static void test_linear(void) {
  static const linear_case cases[] = {
      {"u0000 escapes", "[\"", "\\u0000", "\"]", 0, true},
      {"backslash escapes", "[\"", "\\\\", "\"]", 0, true},
      {"escaped quotes", "[\"", "\\\"", "\"]", 0, true},
      {"mixed escapes", "{\"k\":\"", "a\\n\\\"\\\\\\u00e9\\ud83d\\ude00b",
       "\"}", 0, true},
      {"unterminated escapes", "[\"", "\\u0000", "", AWSC_EPARSE, true},
      {"escapes in keys", "{", "\"\\u0041\\\"\":1,", "\"z\":0}", 0, false},
      {"long plain string", "[\"", "abcdefgh", "\"]", 0, true},
      {"long UTF-8 string", "[\"", "\xc3\xa9\xe2\x82\xac", "\"]", 0, true},
      {"long number", "[1", "0", "]", 0, true},
      {"long fraction", "[1.", "5", "]", 0, true},
      {"whitespace", "[", " \t\r\n", "1]", 0, true},
      {"many short items", "[", "\"a\\n\",1,", "0]", 0, false},
  };
  for (size_t i = 0; i < AWSC_ARRAY_LEN(cases); i++) {
    size_t len;
    char *s = repeat(cases[i].head, cases[i].unit, cases[i].tail, BIG, &len);
    CHECK(s != NULL);
    if (!s)
      continue;
    time_doc(cases[i].name, s, len, cases[i].want, cases[i].tree);
    free(s);
  }
  size_t len;
  char *s = deep_runs(BIG, &len);
  CHECK(s != NULL);
  if (s) {
    time_doc("nesting at the limit", s, len, 0, false);
    free(s);
  }
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s <models dir>\n", argv[0]);
    return 2;
  }
  models_dir = argv[1];
  test_alloc_install();
  RUN(test_tokens);
  RUN(test_skip);
  RUN(test_tree_limits_and_oom);
  RUN(test_response_path);
  RUN(test_linear);
  return test_summary();
}
