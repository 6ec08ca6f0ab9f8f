/*
 * tests/unit/endpoints/test_endpoints_engine.c - partitions, compile-time
 * checks, evaluation semantics, the parameter API and the S3 rule set
 * through the client-facing calls (threads, leaks and allocation failures
 * are in test_endpoints_robust.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "endpoints/ep_internal.h"
#include "test.h"
#include "test_endpoints.h"

awsc_ep_partitions *g_parts;

char *slurp(const char *rel, size_t *len) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", g_models_dir, rel);
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "cannot open %s\n", path);
    return NULL;
  }
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = malloc((size_t)n + 1);
  if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
    free(b);
    b = NULL;
  }
  fclose(f);
  if (b) {
    b[n] = 0;
    *len = (size_t)n;
  }
  return b;
}

static awsc_ep_ruleset *compile_str(const char *json, awsc_error *err) {
  awsc_ep_ruleset *rs = NULL;
  if (awsc_ep_ruleset_new(&rs, json, strlen(json), g_parts, err) != 0)
    return NULL;
  return rs;
}

awsc_ep_ruleset *compile_model(const char *rel) {
  size_t len = 0;
  char *text = slurp(rel, &len);
  awsc_ep_ruleset *rs = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  if (text && awsc_ep_ruleset_new(&rs, text, len, g_parts, &err) != 0)
    fprintf(stderr, "compile %s: %s\n", rel, err.message);
  free(text);
  return rs;
}

/* Resolve with "Name=value" settings ("true"/"false" for booleans,
 * "a|b" for string arrays); gives the url, or "ERR:" + the message. */
static const char *resolve_kv(const awsc_ep_ruleset *rs, awsc_arena *a,
                              const char *const *kv, awsc_ep_result *res_out) {
  awsc_ep_params p;
  if (awsc_ep_params_init(&p, rs, a))
    return "ERR:init";
  for (; kv && *kv; kv++) {
    const char *eq = strchr(*kv, '=');
    char name[64];
    snprintf(name, sizeof name, "%.*s", (int)(eq - *kv), *kv);
    int idx = awsc_ep_ruleset_find_param(rs, name);
    CHECK(idx >= 0);
    const awsc_ep_param_info *info = awsc_ep_ruleset_param(rs, (size_t)idx);
    if (!info)
      return "ERR:no such param";
    if (info->type == AWSC_EP_PARAM_BOOLEAN) {
      CHECK(awsc_ep_params_set_bool(&p, name, strcmp(eq + 1, "true") == 0,
                                    NULL) == 0);
    } else if (info->type == AWSC_EP_PARAM_STRING_ARRAY) {
      const char *items[8];
      size_t n = 0;
      char *copy = awsc_arena_strdup(a, eq + 1);
      for (char *t = copy; t && *t && n < 8;) {
        items[n++] = t;
        char *bar = strchr(t, '|');
        if (!bar)
          break;
        *bar = 0;
        t = bar + 1;
      }
      CHECK(awsc_ep_params_set_string_array(&p, name, items, n, NULL) == 0);
    } else {
      CHECK(awsc_ep_params_set_string(&p, name, eq + 1, NULL) == 0);
    }
  }
  awsc_ep_result res;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = awsc_ep_resolve(rs, &res, &p, a, &err);
  if (res_out)
    *res_out = res;
  if (rc == 0)
    return res.url;
  CHECK_INT(rc, AWSC_EVALIDATION);
  CHECK(res.error != NULL);
  CHECK(res.url == NULL);
  CHECK(strncmp(err.message, res.error ? res.error : "", 100) == 0);
  size_t n = strlen(res.error ? res.error : "") + 5;
  char *s = awsc_arena_alloc(a, n);
  snprintf(s, n, "ERR:%s", res.error ? res.error : "");
  return s;
}

#define KV(...) ((const char *const[]){__VA_ARGS__, NULL})

/* ---- partitions ---- */

static const char *pname(const char *region) {
  const awsc_ep_value *v =
      awsc_ep_partition_of(g_parts, region, region ? strlen(region) : 0);
  return awsc_ep_value_get_str(v, "name");
}

static void test_partitions(void) {
  CHECK_STR(pname("us-east-1"), "aws");
  CHECK_STR(pname("us-east-99"), "aws");  /* regex */
  CHECK_STR(pname("mars-global"), "aws"); /* no match: aws */
  CHECK_STR(pname(NULL), "aws");
  CHECK_STR(pname(""), "aws");
  CHECK_STR(pname("aws-global"), "aws");
  CHECK_STR(pname("cn-north-1"), "aws-cn");
  CHECK_STR(pname("cn-north-5"), "aws-cn");
  CHECK_STR(pname("aws-cn-global"), "aws-cn"); /* explicit list only */
  CHECK_STR(pname("us-gov-west-1"), "aws-us-gov");
  CHECK_STR(pname("us-gov-east-7"), "aws-us-gov");
  CHECK_STR(pname("us-iso-east-1"), "aws-iso");
  CHECK_STR(pname("us-isob-east-1"), "aws-iso-b");
  CHECK_STR(pname("eu-isoe-west-1"), "aws-iso-e");
  CHECK_STR(pname("us-isof-south-1"), "aws-iso-f");
  CHECK_STR(pname("eusc-de-east-1"), "aws-eusc");
  const awsc_ep_value *cn = awsc_ep_partition_of(g_parts, "cn-north-1", 10);
  CHECK_STR(awsc_ep_value_get_str(cn, "dnsSuffix"), "amazonaws.com.cn");
  CHECK_STR(awsc_ep_value_get_str(cn, "dualStackDnsSuffix"),
            "api.amazonwebservices.com.cn");
  const awsc_ep_value *f = awsc_ep_value_get(cn, "supportsFIPS");
  CHECK(f && f->type == AWSC_EP_BOOL && f->b);

  /* explicit regions win over an earlier partition's regex; region
   * overrides; "name" is the id; a region listed twice keeps the first */
  const char *custom =
      "{\"partitions\":[{\"id\":\"p1\",\"regionRegex\":\"^x\\\\-\\\\w+$\","
      "\"regions\":{\"dup\":{}},\"outputs\":{\"name\":\"other\","
      "\"dnsSuffix\":\"one\",\"supportsFIPS\":true}},"
      "{\"id\":\"aws\",\"regionRegex\":\"^a\",\"regions\":{\"x-special\":"
      "{\"description\":\"d\",\"supportsFIPS\":false,\"extra\":\"e\"},"
      "\"dup\":{}},\"outputs\":{\"dnsSuffix\":\"two\","
      "\"supportsFIPS\":true}}]}";
  awsc_ep_partitions *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK(awsc_ep_partitions_new(&c, custom, strlen(custom), &err) == 0);
  if (c) {
    const awsc_ep_value *v = awsc_ep_partition_of(c, "x-special", 9);
    CHECK_STR(awsc_ep_value_get_str(v, "name"), "aws");
    CHECK_STR(awsc_ep_value_get_str(v, "dnsSuffix"), "two");
    CHECK_STR(awsc_ep_value_get_str(v, "extra"), "e");
    const awsc_ep_value *fips = awsc_ep_value_get(v, "supportsFIPS");
    CHECK(fips && fips->type == AWSC_EP_BOOL && !fips->b);
    v = awsc_ep_partition_of(c, "x-other", 7);
    CHECK_STR(awsc_ep_value_get_str(v, "name"), "p1");
    v = awsc_ep_partition_of(c, "dup", 3);
    CHECK_STR(awsc_ep_value_get_str(v, "name"), "p1");
    v = awsc_ep_partition_of(c, "zzz", 3); /* fallback: id "aws" */
    CHECK_STR(awsc_ep_value_get_str(v, "dnsSuffix"), "two");
    awsc_ep_partitions_free(c);
  }
  static const char *bad[] = {
      "{",
      "[]",
      "{\"partitions\":[]}",
      "{\"partitions\":[{\"id\":1}]}",
      "{\"partitions\":[{\"id\":\"a\",\"outputs\":{},\"regionRegex\":\"(\"}]}",
      "{\"partitions\":[{\"id\":\"a\",\"outputs\":{},\"regions\":{\"r\":1}}]}",
  };
  for (size_t i = 0; i < AWSC_ARRAY_LEN(bad); i++) {
    c = NULL;
    CHECK_INT(awsc_ep_partitions_new(&c, bad[i], strlen(bad[i]), &err),
              AWSC_EPARSE);
    CHECK(c == NULL);
  }
}

/* ---- compile-time checks ---- */

#define RS_HEAD                                                                \
  "{\"version\":\"1.0\",\"parameters\":{\"Region\":{\"type\":\"string\","      \
  "\"builtIn\":\"AWS::Region\"}},\"rules\":["
#define RS_TAIL "]}"
#define EP_OK "\"type\":\"endpoint\",\"endpoint\":{\"url\":\"https://x\"}"

static void expect_compile_error(const char *json, const char *fragment) {
  awsc_error err = AWSC_ERROR_INIT;
  awsc_ep_ruleset *rs = compile_str(json, &err);
  if (rs || err.code != AWSC_EPARSE || !strstr(err.message, fragment)) {
    fprintf(stderr,
            "compile error expected (\"%s\"), got rc %d \"%s\" for\n"
            "  %s\n",
            fragment, err.code, err.message, json);
    test_current_failed = 1;
  }
  awsc_ep_ruleset_free(rs);
}

static void test_compile_errors(void) {
  expect_compile_error("{", "");
  expect_compile_error("[]", "must be a JSON object");
  expect_compile_error("{\"rules\":[]}", "\"parameters\"");
  expect_compile_error("{\"parameters\":{}}", "\"rules\"");
  expect_compile_error(RS_HEAD
                       "{\"conditions\":[{\"fn\":\"nope\",\"argv\":[]}]," EP_OK
                       "}" RS_TAIL,
                       "rules[0].conditions[0]: unknown function \"nope\"");
  expect_compile_error(RS_HEAD
                       "{\"conditions\":[{\"fn\":\"isSet\",\"argv\":[{\"ref\":"
                       "\"Region\"},true]}]," EP_OK "}" RS_TAIL,
                       "takes 1 argument");
  expect_compile_error(RS_HEAD
                       "{\"conditions\":[{\"fn\":\"isSet\",\"argv\":{}}]," EP_OK
                       "}" RS_TAIL,
                       "\"argv\" must be an array");
  expect_compile_error(RS_HEAD
                       "{\"conditions\":[{\"fn\":\"isSet\",\"argv\":[{\"ref\":"
                       "\"Nope\"}]}]," EP_OK "}" RS_TAIL,
                       "reference to \"Nope\"");
  expect_compile_error(RS_HEAD
                       "{\"conditions\":[],\"type\":\"endpoint\",\"endpoint\":"
                       "{\"url\":\"https://{Nope}\"}}" RS_TAIL,
                       "reference to \"Nope\"");
  expect_compile_error(RS_HEAD
                       "{\"conditions\":[],\"type\":\"endpoint\",\"endpoint\":"
                       "{\"url\":\"https://{Region\"}}" RS_TAIL,
                       "unterminated '{'");
  expect_compile_error(RS_HEAD
                       "{\"conditions\":[],\"type\":\"endpoint\",\"endpoint\":"
                       "{\"url\":\"https://a}{Region}\"}}" RS_TAIL,
                       "single '}'");
  expect_compile_error(RS_HEAD
                       "{\"conditions\":[],\"type\":\"endpoint\",\"endpoint\":"
                       "{\"url\":\"https://{}\"}}" RS_TAIL,
                       "bad template field");
  /* an assignment may not shadow a parameter or an enclosing variable */
  expect_compile_error(RS_HEAD
                       "{\"conditions\":[{\"fn\":\"aws.partition\",\"argv\":["
                       "\"x\"],\"assign\":\"Region\"}]," EP_OK "}" RS_TAIL,
                       "shadows");
  expect_compile_error(
      RS_HEAD "{\"conditions\":[{\"fn\":\"aws.partition\",\"argv\":["
              "\"x\"],\"assign\":\"p\"}],\"type\":\"tree\",\"rules\":[{"
              "\"conditions\":[{\"fn\":\"aws.partition\",\"argv\":[\"y\"],"
              "\"assign\":\"p\"}]," EP_OK "}]}" RS_TAIL,
      "shadows");
  expect_compile_error(
      RS_HEAD "{\"conditions\":[{\"fn\":\"aws.partition\",\"argv\":["
              "\"x\"],\"assign\":\"p\"},{\"fn\":\"aws.partition\",\"argv\":["
              "\"x\"],\"assign\":\"p\"}]," EP_OK "}" RS_TAIL,
      "shadows");
  /* a sibling's variable is out of scope */
  expect_compile_error(
      RS_HEAD "{\"conditions\":[{\"fn\":\"aws.partition\",\"argv\":["
              "\"x\"],\"assign\":\"p\"}]," EP_OK "},{\"conditions\":[{\"fn\":"
              "\"isSet\",\"argv\":[{\"ref\":\"p\"}]}]," EP_OK "}" RS_TAIL,
      "rules[1].conditions[0].isSet.argv[0]: reference to \"p\"");
  /* a variable is not visible to its own call */
  expect_compile_error(
      RS_HEAD "{\"conditions\":[{\"fn\":\"coalesce\",\"argv\":[{\"ref\":"
              "\"q\"},\"x\"],\"assign\":\"q\"}]," EP_OK "}" RS_TAIL,
      "reference to \"q\"");
  expect_compile_error(
      RS_HEAD "{\"conditions\":[{\"fn\":\"not\",\"argv\":[{\"fn\":\"isSet\","
              "\"argv\":[\"a\"],\"assign\":\"z\"}]}]," EP_OK "}" RS_TAIL,
      "only allowed on a condition");
  expect_compile_error(RS_HEAD "{\"conditions\":[{\"ref\":\"Region\"}]," EP_OK
                               "}" RS_TAIL,
                       "a condition must be a function call");
  expect_compile_error(
      RS_HEAD "{\"conditions\":[{\"fn\":\"getAttr\",\"argv\":[{\"ref\":"
              "\"Region\"},{\"ref\":\"Region\"}]}]," EP_OK "}" RS_TAIL,
      "path must be a literal string");
  expect_compile_error(
      RS_HEAD "{\"conditions\":[{\"fn\":\"getAttr\",\"argv\":[{\"ref\":"
              "\"Region\"},\"a..b\"]}]," EP_OK "}" RS_TAIL,
      "bad getAttr path");
  expect_compile_error(
      RS_HEAD "{\"conditions\":[{\"fn\":\"getAttr\",\"argv\":[{\"ref\":"
              "\"Region\"},\"a[x]\"]}]," EP_OK "}" RS_TAIL,
      "bad getAttr path");
  expect_compile_error(
      RS_HEAD
      "{\"conditions\":[{\"fn\":\"isSet\",\"argv\":[{\"other\":1}]}]," EP_OK
      "}" RS_TAIL,
      "{\"ref\": ...} or {\"fn\": ...}");
  expect_compile_error(RS_HEAD "{\"conditions\":[],\"type\":\"tree\","
                               "\"rules\":[]}" RS_TAIL,
                       "non-empty \"rules\"");
  expect_compile_error(RS_HEAD "{\"conditions\":[],\"type\":\"magic\"}" RS_TAIL,
                       "unknown rule type \"magic\"");
  expect_compile_error(RS_HEAD
                       "{\"conditions\":[],\"type\":\"endpoint\"}" RS_TAIL,
                       "needs an \"endpoint\" object");
  expect_compile_error(RS_HEAD "{\"conditions\":[],\"type\":\"endpoint\","
                               "\"endpoint\":{}}" RS_TAIL,
                       "endpoint without \"url\"");
  expect_compile_error(RS_HEAD "{\"conditions\":[],\"type\":\"error\"}" RS_TAIL,
                       "needs \"error\"");
  expect_compile_error(RS_HEAD "{\"conditions\":[],\"type\":\"endpoint\","
                               "\"endpoint\":{\"url\":\"https://x\","
                               "\"headers\":{\"h\":\"v\"}}}" RS_TAIL,
                       "values must be an array");
  expect_compile_error(
      "{\"parameters\":{\"A\":{\"type\":\"integer\"}},\"rules\":[]}",
      "parameters.A: unknown parameter type \"integer\"");
  expect_compile_error(
      "{\"parameters\":{\"A\":{\"type\":\"boolean\",\"default\":\"x\"}},"
      "\"rules\":[]}",
      "the default does not have the parameter's type");
  expect_compile_error(
      "{\"parameters\":{\"A\":{\"type\":\"stringArray\",\"default\":[1]}},"
      "\"rules\":[]}",
      "the default does not have the parameter's type");
  expect_compile_error(
      "{\"parameters\":{\"A\":{\"type\":\"string\",\"required\":\"yes\"}},"
      "\"rules\":[]}",
      "\"required\" must be a boolean");
  expect_compile_error(
      "{\"parameters\":{\"A\\u0000B\":{\"type\":\"string\"}},\"rules\":[]}",
      "one with a NUL");
  expect_compile_error(
      "{\"parameters\":{\"A\":{\"type\":\"string\"},\"A\":{\"type\":"
      "\"string\"}},\"rules\":[]}",
      "declared twice");

  /* accepted: a name reused by sibling rules, escapes, all functions */
  awsc_error err = AWSC_ERROR_INIT;
  awsc_ep_ruleset *rs = compile_str(
      RS_HEAD "{\"conditions\":[{\"fn\":\"aws.partition\",\"argv\":[\"x\"],"
              "\"assign\":\"p\"}]," EP_OK "},{\"conditions\":[{\"fn\":"
              "\"aws.partition\",\"argv\":[\"y\"],\"assign\":\"p\"}]," EP_OK
              "}" RS_TAIL,
      &err);
  CHECK(rs != NULL);
  awsc_ep_ruleset_free(rs);
  CHECK(awsc_ep_ruleset_new(&rs, "{}", 2, NULL, &err) == AWSC_EINVAL);
}

/* ---- evaluation semantics ---- */

static const char *SEM =
    "{\"version\":\"1.0\",\"parameters\":{"
    "\"Region\":{\"type\":\"string\",\"builtIn\":\"AWS::Region\"},"
    "\"Flag\":{\"type\":\"boolean\"},"
    "\"Name\":{\"type\":\"string\",\"default\":\"dflt\",\"required\":true},"
    "\"List\":{\"type\":\"stringArray\"}},"
    "\"rules\":["
    "{\"conditions\":[{\"fn\":\"stringEquals\",\"argv\":[{\"ref\":\"Name\"},"
    "\"tree\"]}],\"type\":\"tree\",\"rules\":["
    " {\"conditions\":[{\"fn\":\"isSet\",\"argv\":[{\"ref\":\"Region\"}]}],"
    "  \"type\":\"endpoint\",\"endpoint\":{\"url\":\"https://tree.{Region}\"}}"
    "]},"
    "{\"conditions\":[{\"fn\":\"stringEquals\",\"argv\":[\"scope\","
    "\"{Name}\"]},{\"fn\":\"aws.partition\",\"argv\":[\"{Region}\"],"
    "\"assign\":\"p\"}],\"type\":\"tree\",\"rules\":["
    " {\"conditions\":[{\"fn\":\"getAttr\",\"argv\":[{\"ref\":\"p\"},"
    "\"name\"],\"assign\":\"pn\"}],\"type\":\"endpoint\",\"endpoint\":{"
    "  \"url\":\"https://{pn}.{p#dnsSuffix}\",\"properties\":{\"k\":\"{pn}\","
    "  \"const\":{\"a\":[1,true,null,2.5]},\"list\":[\"x\",\"{Region}\"]},"
    "  \"headers\":{\"h\":[\"{Region}\",\"lit\"],\"g\":[{\"ref\":\"pn\"}]}}}"
    "]},"
    "{\"conditions\":[{\"fn\":\"stringEquals\",\"argv\":[{\"ref\":\"Name\"},"
    "\"bool\"]},{\"fn\":\"booleanEquals\",\"argv\":[{\"ref\":\"Flag\"},true]}"
    "],\"type\":\"endpoint\",\"endpoint\":{\"url\":\"https://flag\"}},"
    "{\"conditions\":[{\"fn\":\"stringEquals\",\"argv\":[{\"ref\":\"Name\"},"
    "\"not\"]},{\"fn\":\"not\",\"argv\":[{\"ref\":\"Flag\"}]}],"
    "\"type\":\"endpoint\",\"endpoint\":{\"url\":\"https://notflag\"}},"
    "{\"conditions\":[{\"fn\":\"stringEquals\",\"argv\":[{\"ref\":\"Name\"},"
    "\"empty\"]},{\"fn\":\"coalesce\",\"argv\":[{\"ref\":\"Region\"},\"\"],"
    "\"assign\":\"r\"}],\"type\":\"endpoint\",\"endpoint\":{\"url\":"
    "\"https://empty-holds/{r}\"}},"
    "{\"conditions\":[{\"fn\":\"stringEquals\",\"argv\":[{\"ref\":\"Name\"},"
    "\"ite\"]},{\"fn\":\"ite\",\"argv\":[{\"fn\":\"isSet\",\"argv\":["
    "{\"ref\":\"Flag\"}]},\"set\",\"unset\"],\"assign\":\"i\"}],"
    "\"type\":\"endpoint\",\"endpoint\":{\"url\":\"https://{i}\"}},"
    "{\"conditions\":[{\"fn\":\"stringEquals\",\"argv\":[{\"ref\":\"Name\"},"
    "\"split\"]},{\"fn\":\"split\",\"argv\":[\"{Region}\",\"-\",0],"
    "\"assign\":\"parts\"},{\"fn\":\"getAttr\",\"argv\":[{\"ref\":\"parts\"},"
    "\"[1]\"],\"assign\":\"second\"}],\"type\":\"endpoint\",\"endpoint\":{"
    "\"url\":\"https://{second}.{parts#[0]}\"}},"
    "{\"conditions\":[{\"fn\":\"stringEquals\",\"argv\":[{\"ref\":\"Name\"},"
    "\"list\"]},{\"fn\":\"getAttr\",\"argv\":[{\"ref\":\"List\"},\"[0]\"],"
    "\"assign\":\"first\"}],\"type\":\"endpoint\",\"endpoint\":{\"url\":"
    "\"https://{first}\"}},"
    "{\"conditions\":[{\"fn\":\"stringEquals\",\"argv\":[{\"ref\":\"Name\"},"
    "\"errref\"]}],\"type\":\"error\",\"error\":{\"ref\":\"Region\"}},"
    "{\"conditions\":[{\"fn\":\"stringEquals\",\"argv\":[{\"ref\":\"Name\"},"
    "\"escape\"]}],\"type\":\"endpoint\",\"endpoint\":{\"url\":"
    "\"https://x/{{literal}}/{Name}\"}},"
    "{\"conditions\":[{\"fn\":\"stringEquals\",\"argv\":[{\"ref\":\"Name\"},"
    "\"urlref\"]}],\"type\":\"endpoint\",\"endpoint\":{\"url\":{\"ref\":"
    "\"Region\"}}},"
    "{\"conditions\":[{\"fn\":\"stringEquals\",\"argv\":[{\"ref\":\"Name\"},"
    "\"streq\"]},{\"fn\":\"stringEquals\",\"argv\":[{\"ref\":\"Region\"},"
    "\"x\"]}],\"type\":\"endpoint\",\"endpoint\":{\"url\":\"https://x\"}},"
    "{\"conditions\":[{\"fn\":\"stringEquals\",\"argv\":[{\"ref\":\"Name\"},"
    "\"dflt\"]}],\"type\":\"endpoint\",\"endpoint\":{\"url\":"
    "\"https://default\"}}"
    "]}";

static void test_semantics(void) {
  awsc_error err = AWSC_ERROR_INIT;
  awsc_ep_ruleset *rs = compile_str(SEM, &err);
  CHECK(rs != NULL);
  if (!rs) {
    fprintf(stderr, "%s\n", err.message);
    return;
  }
  awsc_arena *a = awsc_arena_new(0);
  awsc_ep_result res;
  /* defaults */
  CHECK_STR(resolve_kv(rs, a, NULL, NULL), "https://default");
  /* a matching tree is terminal */
  CHECK_STR(resolve_kv(rs, a, KV("Name=tree", "Region=r"), NULL),
            "https://tree.r");
  CHECK_STR(resolve_kv(rs, a, KV("Name=tree"), NULL),
            "ERR:Rules evaluation failed: no rule of a matching tree rule "
            "matched");
  /* assignments reach nested rules; properties and headers */
  CHECK_STR(resolve_kv(rs, a, KV("Name=scope", "Region=cn-north-1"), &res),
            "https://aws-cn.amazonaws.com.cn");
  awsc_buf b = AWSC_BUF_INIT;
  awsc_ep_value_to_json(res.properties, &b);
  CHECK_STR(b.p, "{\"k\":\"aws-cn\",\"const\":{\"a\":[1,true,null,2.5]},"
                 "\"list\":[\"x\",\"cn-north-1\"]}");
  awsc_buf_free(&b);
  CHECK_INT(res.header_count, 2);
  if (res.header_count == 2) {
    CHECK_STR(res.headers[0].name, "h");
    CHECK_INT(res.headers[0].count, 2);
    CHECK_STR(res.headers[0].values[0], "cn-north-1");
    CHECK_STR(res.headers[0].values[1], "lit");
    CHECK_STR(res.headers[1].values[0], "aws-cn");
  }
  CHECK_INT(awsc_ep_auth_scheme_count(&res), 0);
  /* booleanEquals on an unset value is an error; not(unset) is true */
  CHECK(strstr(resolve_kv(rs, a, KV("Name=bool"), NULL),
               "ERR:booleanEquals: argument 1 is unset") != NULL);
  CHECK_STR(resolve_kv(rs, a, KV("Name=bool", "Flag=true"), NULL),
            "https://flag");
  CHECK_STR(resolve_kv(rs, a, KV("Name=bool", "Flag=false"), NULL),
            "ERR:No endpoint found for the given parameters: no rule "
            "matched");
  CHECK_STR(resolve_kv(rs, a, KV("Name=not"), NULL), "https://notflag");
  CHECK_STR(resolve_kv(rs, a, KV("Name=not", "Flag=false"), NULL),
            "https://notflag");
  CHECK(strncmp(resolve_kv(rs, a, KV("Name=not", "Flag=true"), NULL),
                "ERR:No endpoint", 15) == 0);
  CHECK(strstr(resolve_kv(rs, a, KV("Name=streq"), NULL),
               "stringEquals: argument 1 is unset") != NULL);
  /* an empty string is a value: the condition holds */
  CHECK_STR(resolve_kv(rs, a, KV("Name=empty"), NULL), "https://empty-holds/");
  CHECK_STR(resolve_kv(rs, a, KV("Name=empty", "Region=r"), NULL),
            "https://empty-holds/r");
  CHECK_STR(resolve_kv(rs, a, KV("Name=ite", "Flag=false"), NULL),
            "https://set");
  CHECK_STR(resolve_kv(rs, a, KV("Name=ite"), NULL), "https://unset");
  CHECK_STR(resolve_kv(rs, a, KV("Name=split", "Region=us-west-2"), NULL),
            "https://west.us");
  CHECK_STR(resolve_kv(rs, a, KV("Name=list", "List=a|b"), NULL), "https://a");
  CHECK(strncmp(resolve_kv(rs, a, KV("Name=list"), NULL), "ERR:No endpoint",
                15) == 0);
  CHECK_STR(resolve_kv(rs, a, KV("Name=errref", "Region=boom!"), NULL),
            "ERR:boom!");
  CHECK_STR(resolve_kv(rs, a, KV("Name=errref"), NULL),
            "ERR:the error message is unset, not a string");
  CHECK_STR(resolve_kv(rs, a, KV("Name=escape"), NULL),
            "https://x/{literal}/escape");
  CHECK_STR(resolve_kv(rs, a, KV("Name=urlref", "Region=https://r"), NULL),
            "https://r");
  awsc_arena_free(a);
  awsc_ep_ruleset_free(rs);

  /* a required parameter without default */
  rs = compile_str("{\"parameters\":{\"R\":{\"type\":\"string\","
                   "\"required\":true},\"B\":{\"type\":\"boolean\"}},"
                   "\"rules\":[{\"conditions\":[],\"type\":\"endpoint\","
                   "\"endpoint\":{\"url\":\"https://{R}\"}}]}",
                   &err);
  CHECK(rs != NULL);
  a = awsc_arena_new(0);
  CHECK_STR(resolve_kv(rs, a, NULL, NULL),
            "ERR:Cannot find value for required parameter R");
  CHECK_STR(resolve_kv(rs, a, KV("R=x"), NULL), "https://x");
  /* NULL params: no values at all */
  CHECK_INT(awsc_ep_resolve(rs, &res, NULL, a, &err), AWSC_EVALIDATION);
  CHECK_STR(err.message, "Cannot find value for required parameter R");
  awsc_arena_free(a);
  awsc_ep_ruleset_free(rs);
}

/* ---- the parameter API ---- */

static void test_params(void) {
  awsc_error err = AWSC_ERROR_INIT;
  awsc_ep_ruleset *rs = compile_str(SEM, &err);
  awsc_ep_ruleset *other = compile_str(SEM, &err);
  CHECK(rs && other);
  if (!rs || !other) {
    awsc_ep_ruleset_free(rs);
    awsc_ep_ruleset_free(other);
    return;
  }
  CHECK_INT(awsc_ep_ruleset_param_count(rs), 4);
  const awsc_ep_param_info *pi = awsc_ep_ruleset_param(rs, 2);
  CHECK(pi != NULL);
  if (pi) {
    CHECK_STR(pi->name, "Name");
    CHECK(pi->required);
    CHECK(pi->default_value.type == AWSC_EP_STRING);
  }
  CHECK(awsc_ep_ruleset_param(rs, 4) == NULL);
  pi = awsc_ep_ruleset_param(rs, 0);
  CHECK(pi && pi->type == AWSC_EP_PARAM_STRING && !pi->required &&
        !pi->deprecated && strcmp(pi->builtin, "AWS::Region") == 0 &&
        pi->default_value.type == AWSC_EP_NONE);
  pi = awsc_ep_ruleset_param(rs, 3);
  CHECK(pi && pi->type == AWSC_EP_PARAM_STRING_ARRAY && !pi->builtin);
  CHECK_INT(awsc_ep_ruleset_find_param(rs, "Flag"), 1);
  CHECK_INT(awsc_ep_ruleset_find_param(rs, "flag"), -1);
  CHECK_INT(awsc_ep_ruleset_find_builtin(rs, "AWS::Region"), 0);
  CHECK_INT(awsc_ep_ruleset_find_builtin(rs, "AWS::UseFIPS"), -1);

  awsc_arena *a = awsc_arena_new(0);
  awsc_ep_params p;
  CHECK(awsc_ep_params_init(&p, rs, a) == 0);
  CHECK_INT(awsc_ep_params_set_bool(&p, "Name", true, &err), AWSC_EVALIDATION);
  CHECK_STR(err.message, "Value (Name) is the wrong type. Must be string.");
  CHECK_INT(awsc_ep_params_set_string(&p, "Flag", "true", &err),
            AWSC_EVALIDATION);
  CHECK_INT(awsc_ep_params_set_string(&p, "Nope", "x", &err), AWSC_ENOTFOUND);
  CHECK_INT(awsc_ep_params_set_builtin_bool(&p, "AWS::UseFIPS", true, &err),
            AWSC_ENOTFOUND);
  CHECK_INT(awsc_ep_params_set_builtin_bool(&p, "AWS::Region", true, &err),
            AWSC_EVALIDATION);
  CHECK_INT(
      awsc_ep_params_set_builtin_string(&p, "AWS::Region", "eu-west-1", &err),
      0);
  CHECK_INT(awsc_ep_params_set(&p, 9, awsc_ep_bool(true), &err), AWSC_EINVAL);
  CHECK_INT(awsc_ep_params_set(&p, -1, awsc_ep_bool(true), &err), AWSC_EINVAL);
  awsc_ep_value bad_items[1] = {awsc_ep_bool(true)};
  awsc_ep_value arr = {.type = AWSC_EP_ARRAY};
  arr.items = bad_items;
  arr.count = 1;
  CHECK_INT(awsc_ep_params_set(&p, 3, arr, &err), AWSC_EVALIDATION);
  const char *items[] = {"one", "two"};
  CHECK_INT(awsc_ep_params_set_string_array(&p, "List", items, 2, &err), 0);
  CHECK_INT(awsc_ep_params_set_string_array(&p, "Region", items, 2, &err),
            AWSC_EVALIDATION);
  CHECK_INT(awsc_ep_params_set_string(&p, "Name", "list", &err), 0);
  awsc_ep_result res;
  CHECK_INT(awsc_ep_resolve(rs, &res, &p, a, &err), 0);
  CHECK_STR(res.url, "https://one");
  /* NULL clears a value: the default applies again */
  CHECK_INT(awsc_ep_params_set_string(&p, "Name", NULL, &err), 0);
  CHECK_INT(awsc_ep_resolve(rs, &res, &p, a, &err), 0);
  CHECK_STR(res.url, "https://default");
  /* params of another rule set, missing arguments */
  CHECK_INT(awsc_ep_resolve(other, &res, &p, a, &err), AWSC_EINVAL);
  CHECK_INT(awsc_ep_resolve(rs, &res, &p, NULL, &err), AWSC_EINVAL);
  CHECK_INT(awsc_ep_resolve(NULL, &res, &p, a, &err), AWSC_EINVAL);
  awsc_arena_free(a);
  awsc_ep_ruleset_free(rs);
  awsc_ep_ruleset_free(other);
}

/* parameter metadata: deprecation, types spelled as botocore accepts,
 * stringArray defaults; a shared rule set */
static void test_param_info(void) {
  awsc_error err = AWSC_ERROR_INIT;
  awsc_ep_ruleset *rs = compile_str(
      "{\"parameters\":{\"Region\":{\"type\":\"String\",\"deprecated\":"
      "{\"message\":\"use X\",\"since\":\"1.2\"}},\"L\":{\"type\":"
      "\"stringArray\",\"required\":true,\"default\":[\"d1\",\"d2\"]},"
      "\"B\":{\"type\":\"Boolean\",\"default\":true}},"
      "\"rules\":[{\"conditions\":[{\"fn\":\"getAttr\",\"argv\":["
      "{\"ref\":\"L\"},\"[1]\"],\"assign\":\"x\"},{\"fn\":"
      "\"booleanEquals\",\"argv\":[true,{\"ref\":\"B\"}]}],\"type\":"
      "\"endpoint\",\"endpoint\":{\"url\":\"https://{x}\"}}]}",
      &err);
  CHECK(rs != NULL);
  if (!rs) {
    fprintf(stderr, "%s\n", err.message);
    return;
  }
  const awsc_ep_param_info *pi = awsc_ep_ruleset_param(rs, 0);
  CHECK(pi && pi->deprecated);
  if (pi) {
    CHECK_STR(pi->deprecated_message, "use X");
    CHECK_STR(pi->deprecated_since, "1.2");
  }
  pi = awsc_ep_ruleset_param(rs, 1);
  CHECK(pi && pi->required && pi->default_value.type == AWSC_EP_ARRAY &&
        pi->default_value.count == 2);
  pi = awsc_ep_ruleset_param(rs, 2);
  CHECK(pi && pi->type == AWSC_EP_PARAM_BOOLEAN &&
        pi->default_value.type == AWSC_EP_BOOL && pi->default_value.b);
  awsc_arena *a = awsc_arena_new(0);
  CHECK_STR(resolve_kv(rs, a, NULL, NULL), "https://d2");
  CHECK_STR(resolve_kv(rs, a, KV("L=a|b|c"), NULL), "https://b");
  CHECK(strncmp(resolve_kv(rs, a, KV("L=a"), NULL), "ERR:No endpoint", 15) ==
        0);
  CHECK(strncmp(resolve_kv(rs, a, KV("B=false"), NULL), "ERR:No endpoint",
                15) == 0);
  awsc_arena_free(a);
  /* a second reference keeps it alive */
  CHECK(awsc_ep_ruleset_ref(rs) == rs);
  awsc_ep_ruleset_free(rs);
  CHECK_INT(awsc_ep_ruleset_param_count(rs), 3);
  awsc_ep_ruleset_free(rs);
  awsc_ep_ruleset_free(NULL);
  CHECK(awsc_ep_ruleset_ref(NULL) == NULL);
}

/* ---- the S3 rule set through the client-facing calls ---- */

static void set_s3_builtins(awsc_ep_params *p, const char *region) {
  CHECK(awsc_ep_params_set_builtin_string(p, "AWS::Region", region, NULL) == 0);
  CHECK(awsc_ep_params_set_builtin_bool(p, "AWS::UseFIPS", false, NULL) == 0);
  CHECK(awsc_ep_params_set_builtin_bool(p, "AWS::UseDualStack", false, NULL) ==
        0);
  CHECK(awsc_ep_params_set_builtin_bool(p, "AWS::S3::ForcePathStyle", false,
                                        NULL) == 0);
  CHECK(awsc_ep_params_set_builtin_bool(p, "AWS::S3::Accelerate", false,
                                        NULL) == 0);
  CHECK(awsc_ep_params_set_builtin_bool(p, "AWS::S3::UseGlobalEndpoint", false,
                                        NULL) == 0);
  CHECK(awsc_ep_params_set_builtin_bool(
            p, "AWS::S3::DisableMultiRegionAccessPoints", false, NULL) == 0);
  /* the other services' builtins are simply not there */
  CHECK(awsc_ep_params_set_builtin_bool(p, "AWS::STS::UseGlobalEndpoint", true,
                                        NULL) == AWSC_ENOTFOUND);
}

static void test_s3(void) {
  awsc_ep_ruleset *rs = compile_model(S3_RULES);
  CHECK(rs != NULL);
  if (!rs)
    return;
  awsc_arena *a = awsc_arena_new(0);
  awsc_ep_params p;
  awsc_ep_result res;
  awsc_error err = AWSC_ERROR_INIT;
  awsc_ep_auth_scheme as;

  /* parameter strings are borrowed only during the call */
  char region[32] = "us-west-2", bucket[32] = "my-bucket";
  CHECK(awsc_ep_params_init(&p, rs, a) == 0);
  set_s3_builtins(&p, region);
  CHECK(awsc_ep_params_set_string(&p, "Bucket", bucket, NULL) == 0);
  CHECK_INT(awsc_ep_resolve(rs, &res, &p, a, &err), 0);
  memset(region, 'X', sizeof region - 1);
  memset(bucket, 'Y', sizeof bucket - 1);
  CHECK_STR(res.url, "https://my-bucket.s3.us-west-2.amazonaws.com");
  CHECK_INT(awsc_ep_auth_scheme_count(&res), 1);
  CHECK(awsc_ep_auth_scheme_at(&res, &as, 0));
  CHECK_STR(as.name, "sigv4");
  CHECK_STR(as.signing_name, "s3");
  CHECK_STR(as.signing_region, "us-west-2");
  CHECK(as.disable_double_encoding);
  CHECK(as.signing_region_set == NULL);
  CHECK(!awsc_ep_auth_scheme_at(&res, &as, 1));
  CHECK(awsc_ep_value_get(res.properties, "backend") == NULL);

  /* a multi-region access point: sigv4a over a region set */
  CHECK(awsc_ep_params_init(&p, rs, a) == 0);
  set_s3_builtins(&p, "us-east-1");
  awsc_ep_params_set_string(
      &p, "Bucket", "arn:aws:s3::123456789012:accesspoint:mfzwi23gnjvgw.mrap",
      NULL);
  CHECK_INT(awsc_ep_resolve(rs, &res, &p, a, &err), 0);
  CHECK_STR(res.url,
            "https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com");
  CHECK(awsc_ep_auth_scheme_at(&res, &as, 0));
  CHECK_STR(as.name, "sigv4a");
  CHECK(as.signing_region == NULL);
  CHECK(as.signing_region_set && as.signing_region_set->count == 1 &&
        strcmp(as.signing_region_set->items[0].str, "*") == 0);
  /* ... which the client may switch off */
  CHECK(awsc_ep_params_set_builtin_bool(
            &p, "AWS::S3::DisableMultiRegionAccessPoints", true, NULL) == 0);
  CHECK_INT(awsc_ep_resolve(rs, &res, &p, a, &err), AWSC_EVALIDATION);
  CHECK_STR(res.error, "Invalid configuration: Multi-Region Access Point "
                       "ARNs are disabled.");

  /* S3 Express: its own auth scheme and the backend property */
  CHECK(awsc_ep_params_init(&p, rs, a) == 0);
  set_s3_builtins(&p, "us-east-1");
  awsc_ep_params_set_string(&p, "Bucket", "mybucket--abcd-ab1--x-s3", NULL);
  CHECK_INT(awsc_ep_resolve(rs, &res, &p, a, &err), 0);
  CHECK_STR(res.url,
            "https://mybucket--abcd-ab1--x-s3.s3express-abcd-ab1.us-east-1."
            "amazonaws.com");
  CHECK_STR(awsc_ep_value_get_str(res.properties, "backend"), "S3Express");
  CHECK(awsc_ep_auth_scheme_at(&res, &as, 0));
  CHECK_STR(as.name, "sigv4-s3express");
  CHECK_STR(as.signing_name, "s3express");

  /* a custom endpoint, path style, FIPS refusal */
  CHECK(awsc_ep_params_init(&p, rs, a) == 0);
  set_s3_builtins(&p, "us-east-1");
  awsc_ep_params_set_builtin_string(&p, "SDK::Endpoint",
                                    "http://localhost:9000", NULL);
  awsc_ep_params_set_builtin_bool(&p, "AWS::S3::ForcePathStyle", true, NULL);
  awsc_ep_params_set_string(&p, "Bucket", "b1", NULL);
  CHECK_INT(awsc_ep_resolve(rs, &res, &p, a, &err), 0);
  CHECK_STR(res.url, "http://localhost:9000/b1");
  awsc_ep_params_set_builtin_bool(&p, "AWS::UseFIPS", true, NULL);
  CHECK_INT(awsc_ep_resolve(rs, &res, &p, a, &err), AWSC_EVALIDATION);
  CHECK_STR(res.error, "A custom endpoint cannot be combined with FIPS");
  CHECK_STR(err.message, "A custom endpoint cannot be combined with FIPS");
  CHECK(err.kind == AWSC_ERROR_VALIDATION);
  awsc_arena_free(a);
  awsc_ep_ruleset_free(rs);
}

void run_engine_tests(void) {
  size_t len = 0;
  char *text = slurp("partitions.json", &len);
  awsc_error err = AWSC_ERROR_INIT;
  if (!text || awsc_ep_partitions_new(&g_parts, text, len, &err) != 0) {
    fprintf(stderr, "partitions: %s\n", err.message);
    test_failed++;
    free(text);
    return;
  }
  free(text);
  RUN(test_partitions);
  RUN(test_compile_errors);
  RUN(test_semantics);
  RUN(test_params);
  RUN(test_param_info);
  RUN(test_s3);
  run_robust_tests();
  awsc_ep_partitions_free(g_parts);
}
