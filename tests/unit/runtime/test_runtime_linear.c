/*
 * tests/unit/runtime/test_runtime_linear.c - every parser is linear in
 * its input (issue 14, point 8), after the JSON reader's test
 * (test_runtime_json.c): 16 MiB worst cases for the XML response parser
 * (the fast scanner and expat), the endpoint rules compiler and the INI
 * parser. Each case runs at 4 MiB and at 16 MiB and must finish the
 * 16 MiB input within LINEAR_LIMIT_S of CPU time: a quadratic step takes
 * minutes to hours on these (the JSON reader's old one: 0.5 s for
 * 128 KiB). The ratio of the two times is printed, not asserted: on a
 * shared machine cache and page-fault effects alone move it from 4 to
 * beyond 10 between runs.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "client/client_internal.h"
#include "config/config.h"
#include "endpoints/endpoints.h"
#include "protocols/parse_internal.h"
#include "protocols/protocol.h"
#include "test.h"

#if defined(__SANITIZE_ADDRESS__)
#define LINEAR_LIMIT_S 8.0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LINEAR_LIMIT_S 8.0
#endif
#endif
#ifndef LINEAR_LIMIT_S
#define LINEAR_LIMIT_S 4.0
#endif

#define BIG (16u << 20)
#define SMALL (BIG / 4)

static const char *models_dir;

/* `unit` repeated to fill about `n` bytes between `head` and `tail`; a
 * "%d" in unit (up to three) is replaced by the repetition's number. */
static char *repeat(const char *head, const char *unit, const char *tail,
                    size_t n, size_t *len) {
  size_t h = strlen(head), t = strlen(tail);
  char *s = malloc(n + 64);
  if (!s)
    return NULL;
  memcpy(s, head, h);
  size_t o = h;
  for (unsigned i = 0;; i++) {
    char u[512];
    int k = snprintf(u, sizeof u, unit, i, i, i);
    if (k < 0 || o + (size_t)k + t > n)
      break;
    memcpy(s + o, u, (size_t)k);
    o += (size_t)k;
  }
  memcpy(s + o, tail, t + 1);
  *len = o + t;
  return s;
}

static double cpu_s(clock_t t0) {
  return (double)(clock() - t0) / CLOCKS_PER_SEC;
}

/* One case at both sizes: run(n, ud, &rc) builds an input of about n
 * bytes, parses it and returns the CPU seconds of the parse. */
typedef double (*run_fn)(size_t n, const void *ud, int *rc);

static void measure(const char *what, const char *name, run_fn run,
                    const void *ud, int want) {
  int rc_small = 0, rc_big = 0;
  double small = run(SMALL, ud, &rc_small);
  double big = run(BIG, ud, &rc_big);
  printf("linear %-5s %-28s 4 MiB %.3f s  16 MiB %.3f s  x%.1f\n", what, name,
         small, big, small > 0 ? big / small : 0.0);
  if (rc_big != want || rc_small != want)
    fprintf(stderr, "%s %s: rc %d/%d, want %d\n", what, name, rc_small, rc_big,
            want);
  CHECK_INT(rc_small, want);
  CHECK_INT(rc_big, want);
  CHECK(big < LINEAR_LIMIT_S);
}

/* ---- XML: S3 ListObjectsV2 answers, through both tokenizers ---- */

typedef struct xml_case {
  const char *name, *head, *unit, *tail;
  int want;
  int tokenizer;
} xml_case;

static double run_xml(size_t n, const void *ud, int *rc) {
  const xml_case *c = ud;
  const awsc_service *s3 = awsc_builtin_service("s3");
  const awsc_operation *op = awsc_service_find_operation(s3, "ListObjectsV2");
  size_t len;
  char *s = repeat(c->head, c->unit, c->tail, n, &len);
  awsc_arena *a = awsc_arena_new(1 << 20);
  if (!s || !a || !op) {
    free(s);
    awsc_arena_free(a);
    *rc = AWSC_ENOMEM;
    return 0;
  }
  awsc_value out;
  awsc_error err = AWSC_ERROR_INIT;
  awsc_raw_response r = {200, NULL, 0, s, len, false};
  clock_t t0 = clock();
  *rc = awsc_parse_output_with(s3, op, &r, a, &out, &err, c->tokenizer);
  double secs = cpu_s(t0);
  awsc_arena_free(a);
  free(s);
  return secs;
}

static void test_xml(void) {
  static const xml_case cases[] = {
      {"many Contents", "<ListBucketResult><Name>b</Name>",
       "<Contents><Key>k%d</Key><Size>%d</Size><ETag>&quot;e&quot;</ETag>"
       "</Contents>",
       "</ListBucketResult>", 0, 0},
      {"entity references", "<ListBucketResult><Prefix>", "&amp;&lt;&#65;",
       "</Prefix></ListBucketResult>", 0, 0},
      {"long text", "<ListBucketResult><Prefix>", "abcdefgh",
       "</Prefix></ListBucketResult>", 0, 0},
      {"unknown elements", "<ListBucketResult>", "<X%d a=\"1\"><Y>z</Y></X%d>",
       "</ListBucketResult>", 0, 0},
      {"many attributes", "<ListBucketResult><Prefix ", "a%d=\"&amp;\" ",
       "/></ListBucketResult>", 0, 0},
      {"unterminated", "<ListBucketResult><Prefix>", "&amp;", "", AWSC_EPARSE,
       0},
  };
  static const struct {
    const char *name;
    int tokenizer;
  } toks[] = {{"scan", AWSC_XML_AUTO}, {"expat", AWSC_XML_EXPAT}};
  for (size_t i = 0; i < AWSC_ARRAY_LEN(cases); i++)
    for (size_t t = 0; t < AWSC_ARRAY_LEN(toks); t++) {
      xml_case c = cases[i];
      c.tokenizer = toks[t].tokenizer;
      char name[64];
      snprintf(name, sizeof name, "%s (%s)", c.name, toks[t].name);
      measure("xml", name, run_xml, &c, c.want);
    }
}

/* ---- endpoint rules: a 16 MiB rule set compiled ---- */

static awsc_ep_partitions *parts;

static const char rules_head[] =
    "{\"version\":\"1.0\",\"parameters\":{\"Region\":{\"type\":\"String\","
    "\"builtIn\":\"AWS::Region\",\"required\":false},\"Bucket\":{\"type\":"
    "\"String\",\"required\":false}},\"rules\":[";
static const char rules_tail[] =
    "{\"conditions\":[],\"endpoint\":{\"url\":\"https://x.example.com\"},"
    "\"type\":\"endpoint\"}]}";

static double run_rules(size_t n, const void *ud, int *rc) {
  size_t len;
  char *s = repeat(rules_head, ud, rules_tail, n, &len);
  if (!s) {
    *rc = AWSC_ENOMEM;
    return 0;
  }
  awsc_ep_ruleset *rs = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  clock_t t0 = clock();
  *rc = awsc_ep_ruleset_new(&rs, s, len, parts, &err);
  double secs = cpu_s(t0);
  if (*rc)
    fprintf(stderr, "rules: %s\n", err.message);
  awsc_ep_ruleset_free(rs);
  free(s);
  return secs;
}

static void test_rules(void) {
  char path[1024];
  snprintf(path, sizeof path, "%s/partitions.json", models_dir);
  size_t plen = 0;
  char *pj = test_read_file(path, &plen);
  CHECK(pj != NULL);
  if (!pj)
    return;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_ep_partitions_new(&parts, pj, plen, &err), 0);
  free(pj);
  static const struct {
    const char *name, *unit;
  } cases[] = {
      {"many rules",
       "{\"conditions\":[{\"fn\":\"isSet\",\"argv\":[{\"ref\":\"Region\"}]},"
       "{\"fn\":\"stringEquals\",\"argv\":[{\"ref\":\"Region\"},\"r%d\"]}],"
       "\"endpoint\":{\"url\":\"https://{Region}.e%d.example.com\","
       "\"properties\":{},\"headers\":{}},\"type\":\"endpoint\"},"},
      {"many error rules",
       "{\"conditions\":[{\"fn\":\"isSet\",\"argv\":[{\"ref\":\"Bucket\"}]}],"
       "\"error\":\"bad bucket {Bucket} \\\"%d\\\" \\\\ escaped\","
       "\"type\":\"error\"},"},
      {"templates",
       "{\"conditions\":[],\"endpoint\":{\"url\":\"https://{Region}{Region}"
       "{Region}{Region}{Region}{Region}{Region}.x%d\"},\"type\":"
       "\"endpoint\"},"},
  };
  for (size_t i = 0; parts && i < AWSC_ARRAY_LEN(cases); i++)
    measure("rules", cases[i].name, run_rules, cases[i].unit, 0);
  awsc_ep_partitions_free(parts);
  parts = NULL;
}

/* ---- INI: config and credentials files ---- */

typedef struct ini_case {
  const char *name, *head, *unit, *tail;
  /* looked up after the parse: section, key[, subkey] */
  const char *section, *key, *sub;
} ini_case;

static double run_ini(size_t n, const void *ud, int *rc) {
  const ini_case *c = ud;
  size_t len;
  char *s = repeat(c->head, c->unit, c->tail, n, &len);
  if (!s) {
    *rc = AWSC_ENOMEM;
    return 0;
  }
  awsc_ini *ini = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  clock_t t0 = clock();
  *rc = awsc_ini_parse(&ini, s, len, "big", &err);
  double secs = cpu_s(t0);
  if (*rc)
    fprintf(stderr, "ini %s: %s\n", c->name, err.message);
  else if (c->sub)
    CHECK(awsc_ini_get_sub(ini, c->section, c->key, c->sub) != NULL);
  else
    CHECK(awsc_ini_get(ini, c->section, c->key) != NULL);
  awsc_ini_free(ini);
  free(s);
  return secs;
}

static void test_ini(void) {
  static const ini_case cases[] = {
      {"many sections", "", "[profile p%d]\nregion = r%d\n", "", "profile p7",
       "region", NULL},
      {"many keys in one section", "[default]\n", "k%d = v%d\n", "", "default",
       "k7", NULL},
      {"same key repeated", "[default]\n", "region = r%d\n", "", "default",
       "region", NULL},
      {"sub-properties", "[default]\ns3 =\n", "  k%d = v%d\n", "", "default",
       "s3", "k7"},
      {"comments and blank lines", "[default]\nregion = x\n",
       "# comment %d\n; another\n\n", "", "default", "region", NULL},
      {"one long line", "[default]\nregion = ", "abcdefgh", "\n", "default",
       "region", NULL},
      {"same section repeated", "", "[default]\nk%d = v\n", "", "default", "k7",
       NULL},
  };
  for (size_t i = 0; i < AWSC_ARRAY_LEN(cases); i++)
    measure("ini", cases[i].name, run_ini, &cases[i], 0);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s <models dir>\n", argv[0]);
    return 2;
  }
  models_dir = argv[1];
  RUN(test_xml);
  RUN(test_rules);
  RUN(test_ini);
  return test_summary();
}
