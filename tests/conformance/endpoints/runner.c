/*
 * tests/conformance/endpoints/runner.c - botocore's endpoint rule tests
 * run through lib/endpoints at provider level.
 *
 *   endpoints_conformance service RULESET.json TESTS.json PARTITIONS.json
 *                         [SERVICE-2.json]
 *   endpoints_conformance engine RULES_ENGINE_DIR PARTITIONS.json
 *
 * Each case's "params" go straight to the rule set; the result must match
 * "expect": url, properties (structurally; absent = {}) and headers
 * (absent = {}), or the error message exactly. A case's operationInputs
 * are end-to-end client cases: with the service model given they are
 * resolved here at context-parameter level (builtIns, the operation's
 * staticContextParams and contextParam members, as the client will set
 * them) and compared with the same expectation; the request itself
 * (URL with path, signing) is left to the client, so such a case also
 * counts as skipped with that reason. The S3 run also prints the time of
 * one resolution (virtual-hosted bucket, us-west-2).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "endpoints/endpoints.h"
#include "runtime/jtree.h"
#include "test.h"

typedef struct counts {
  int passed, failed, skipped;
} counts;

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = n >= 0 ? malloc((size_t)n + 1) : NULL;
  if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
    free(buf);
    buf = NULL;
  }
  fclose(f);
  if (buf) {
    buf[n] = '\0';
    *len = (size_t)n;
  }
  return buf;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- JSON text of expected values (for messages) ---- */

static void jnode_json(const awsc_jnode *j, awsc_buf *b) {
  switch (j->type) {
  case AWSC_J_NULL:
    awsc_buf_puts(b, "null");
    break;
  case AWSC_J_BOOL:
    awsc_buf_puts(b, j->b ? "true" : "false");
    break;
  case AWSC_J_INT:
  case AWSC_J_DOUBLE:
    awsc_buf_puts(b, j->s);
    break;
  case AWSC_J_STRING: {
    awsc_ep_value v = awsc_ep_string_n(j->s, j->n);
    awsc_ep_value_to_json(&v, b);
    break;
  }
  case AWSC_J_ARRAY:
    awsc_buf_putc(b, '[');
    for (size_t i = 0; i < j->count; i++) {
      if (i)
        awsc_buf_putc(b, ',');
      jnode_json(j->items[i], b);
    }
    awsc_buf_putc(b, ']');
    break;
  case AWSC_J_OBJECT:
    awsc_buf_putc(b, '{');
    for (size_t i = 0; i < j->count; i++) {
      if (i)
        awsc_buf_putc(b, ',');
      awsc_ep_value k = awsc_ep_string(j->members[i].key);
      awsc_ep_value_to_json(&k, b);
      awsc_buf_putc(b, ':');
      jnode_json(j->members[i].value, b);
    }
    awsc_buf_putc(b, '}');
    break;
  }
}

/* Structural equality: objects ignore member order, arrays keep it. */
static bool same(const awsc_ep_value *v, const awsc_jnode *j) {
  switch (j->type) {
  case AWSC_J_NULL:
    return v->type == AWSC_EP_NONE;
  case AWSC_J_BOOL:
    return v->type == AWSC_EP_BOOL && v->b == j->b;
  case AWSC_J_INT:
    return (v->type == AWSC_EP_INT && v->i == j->i) ||
           (v->type == AWSC_EP_DOUBLE && v->d == (double)j->i);
  case AWSC_J_DOUBLE:
    return v->type == AWSC_EP_DOUBLE && v->d == j->d;
  case AWSC_J_STRING:
    return v->type == AWSC_EP_STRING && v->len == j->n &&
           memcmp(v->str, j->s, j->n) == 0;
  case AWSC_J_ARRAY:
    if (v->type != AWSC_EP_ARRAY || v->count != j->count)
      return false;
    for (size_t i = 0; i < j->count; i++)
      if (!same(&v->items[i], j->items[i]))
        return false;
    return true;
  case AWSC_J_OBJECT:
    if (v->type != AWSC_EP_OBJECT || v->nmembers != j->count)
      return false;
    for (size_t i = 0; i < j->count; i++) {
      const awsc_ep_value *m = awsc_ep_value_get(v, j->members[i].key);
      if (!m || !same(m, j->members[i].value))
        return false;
    }
    return true;
  }
  return false;
}

static bool same_headers(const awsc_ep_result *r, const awsc_jnode *exp) {
  size_t n = exp ? exp->count : 0;
  if (r->header_count != n)
    return false;
  for (size_t i = 0; i < n; i++) {
    const awsc_jmember *m = &exp->members[i];
    const awsc_ep_header *h = NULL;
    for (size_t k = 0; k < r->header_count; k++)
      if (strcmp(r->headers[k].name, m->key) == 0)
        h = &r->headers[k];
    if (!h || m->value->type != AWSC_J_ARRAY || h->count != m->value->count)
      return false;
    for (size_t k = 0; k < h->count; k++) {
      const awsc_jnode *e = m->value->items[k];
      if (e->type != AWSC_J_STRING || strcmp(h->values[k], e->s) != 0)
        return false;
    }
  }
  return true;
}

static void headers_json(const awsc_ep_result *r, awsc_buf *b) {
  awsc_buf_putc(b, '{');
  for (size_t i = 0; i < r->header_count; i++) {
    awsc_buf_printf(b, "%s\"%s\":[", i ? "," : "", r->headers[i].name);
    for (size_t k = 0; k < r->headers[i].count; k++) {
      awsc_ep_value v = awsc_ep_string(r->headers[i].values[k]);
      if (k)
        awsc_buf_putc(b, ',');
      awsc_ep_value_to_json(&v, b);
    }
    awsc_buf_putc(b, ']');
  }
  awsc_buf_putc(b, '}');
}

/* ---- one case ---- */

static const char *doc_of(const awsc_jnode *tc) {
  const char *d = awsc_jtree_get_str(tc, "documentation");
  return d ? d : "(no documentation)";
}

/* Set the case's params; false (with a message) if one can not be. */
static bool set_params(awsc_ep_params *p, const awsc_jnode *params,
                       awsc_arena *arena, awsc_buf *why) {
  for (size_t i = 0; params && i < params->count; i++) {
    const awsc_jmember *m = &params->members[i];
    const awsc_jnode *v = m->value;
    awsc_error err = AWSC_ERROR_INIT;
    int rc;
    if (v->type == AWSC_J_STRING) {
      rc = awsc_ep_params_set_string(p, m->key, v->s, &err);
    } else if (v->type == AWSC_J_BOOL) {
      rc = awsc_ep_params_set_bool(p, m->key, v->b, &err);
    } else if (v->type == AWSC_J_ARRAY) {
      const char **items =
          awsc_arena_calloc(arena, v->count + 1, sizeof *items);
      for (size_t k = 0; items && k < v->count; k++)
        items[k] = v->items[k]->type == AWSC_J_STRING ? v->items[k]->s : "";
      rc = items ? awsc_ep_params_set_string_array(p, m->key, items, v->count,
                                                   &err)
                 : AWSC_ENOMEM;
    } else {
      awsc_buf_printf(why, "param %s has an unsupported JSON type", m->key);
      return false;
    }
    if (rc == AWSC_ENOTFOUND) {
      /* botocore passes unknown parameters through; rules never see them */
      continue;
    }
    if (rc) {
      awsc_buf_printf(why, "param %s: %s", m->key, err.message);
      return false;
    }
  }
  return true;
}

/* Compare a resolution with a case's "expect". */
static bool check_expect(int rc, const awsc_ep_result *res,
                         const awsc_error *err, const awsc_jnode *expect,
                         awsc_buf *why) {
  const awsc_jnode *exp_err = awsc_jtree_get(expect, "error");
  const awsc_jnode *exp_ep = awsc_jtree_get(expect, "endpoint");
  bool ok = true;
  if (exp_err) {
    if (rc != AWSC_EVALIDATION) {
      awsc_buf_printf(why, "expected error \"%s\", got %s", exp_err->s,
                      rc == 0 ? res->url : err->message);
      return false;
    }
    if (!res->error || strcmp(res->error, exp_err->s) != 0) {
      awsc_buf_printf(why,
                      "error message\n    got:      \"%s\"\n"
                      "    expected: \"%s\"",
                      res->error ? res->error : "(null)", exp_err->s);
      return false;
    }
    return true;
  }
  if (!exp_ep) {
    awsc_buf_puts(why, "\"expect\" has neither endpoint nor error");
    return false;
  }
  const char *url = awsc_jtree_get_str(exp_ep, "url");
  const awsc_jnode *props = awsc_jtree_get(exp_ep, "properties");
  const awsc_jnode *hdrs = awsc_jtree_get(exp_ep, "headers");
  if (rc != 0) {
    awsc_buf_printf(why, "expected endpoint %s, got error \"%s\"",
                    url ? url : "?", res->error ? res->error : err->message);
    return false;
  }
  if (!url || strcmp(res->url, url) != 0) {
    ok = false;
    awsc_buf_printf(why, "url\n    got:      %s\n    expected: %s\n", res->url,
                    url ? url : "(none)");
  }
  bool props_ok =
      props ? same(res->properties, props) : res->properties->nmembers == 0;
  if (!props_ok) {
    ok = false;
    awsc_buf_puts(why, "properties\n    got:      ");
    awsc_ep_value_to_json(res->properties, why);
    awsc_buf_puts(why, "\n    expected: ");
    if (props)
      jnode_json(props, why);
    else
      awsc_buf_puts(why, "{}");
    awsc_buf_putc(why, '\n');
  }
  if (!same_headers(res, hdrs)) {
    ok = false;
    awsc_buf_puts(why, "headers\n    got:      ");
    headers_json(res, why);
    awsc_buf_puts(why, "\n    expected: ");
    if (hdrs)
      jnode_json(hdrs, why);
    else
      awsc_buf_puts(why, "{}");
    awsc_buf_putc(why, '\n');
  }
  return ok;
}

static bool run_case(const awsc_ep_ruleset *rs, const awsc_jnode *tc,
                     awsc_buf *why) {
  const awsc_jnode *expect = awsc_jtree_get(tc, "expect");
  if (!expect) {
    awsc_buf_puts(why, "case has no \"expect\"");
    return false;
  }
  awsc_arena *arena = awsc_arena_new(0);
  awsc_ep_params p;
  if (!arena || awsc_ep_params_init(&p, rs, arena) != 0) {
    awsc_buf_puts(why, "out of memory");
    awsc_arena_free(arena);
    return false;
  }
  bool ok = set_params(&p, awsc_jtree_get(tc, "params"), arena, why);
  if (ok) {
    awsc_ep_result res;
    awsc_error err = AWSC_ERROR_INIT;
    int rc = awsc_ep_resolve(rs, &res, &p, arena, &err);
    ok = check_expect(rc, &res, &err, expect, why);
  }
  awsc_arena_free(arena);
  return ok;
}

/* ---- operationInputs at context-parameter level ----
 * What the client will do before sending: builtInParams by builtIn name,
 * then the operation's staticContextParams, then the input members that
 * carry a contextParam (service-2.json). The request itself (URL with
 * the key, headers, signing) is the client's part and not checked here. */

static int set_json_value(awsc_ep_params *p, const char *name, bool builtin,
                          const awsc_jnode *v, awsc_error *err) {
  if (v->type == AWSC_J_STRING)
    return builtin ? awsc_ep_params_set_builtin_string(p, name, v->s, err)
                   : awsc_ep_params_set_string(p, name, v->s, err);
  if (v->type == AWSC_J_BOOL)
    return builtin ? awsc_ep_params_set_builtin_bool(p, name, v->b, err)
                   : awsc_ep_params_set_bool(p, name, v->b, err);
  return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                        "unsupported JSON type for %s", name);
}

static bool operation_params(awsc_ep_params *p, const awsc_jnode *model,
                             const awsc_jnode *oi, awsc_buf *why) {
  const char *op_name = awsc_jtree_get_str(oi, "operationName");
  const awsc_jnode *op = awsc_jtree_get(awsc_jtree_get(model, "operations"),
                                        op_name ? op_name : "");
  if (!op) {
    awsc_buf_printf(why, "operation %s not in the model",
                    op_name ? op_name : "?");
    return false;
  }
  awsc_error err = AWSC_ERROR_INIT;
  const awsc_jnode *bi = awsc_jtree_get(oi, "builtInParams");
  for (size_t i = 0; bi && i < bi->count; i++) {
    int rc =
        set_json_value(p, bi->members[i].key, true, bi->members[i].value, &err);
    if (rc && rc != AWSC_ENOTFOUND) {
      awsc_buf_printf(why, "builtIn %s: %s", bi->members[i].key, err.message);
      return false;
    }
  }
  const awsc_jnode *st = awsc_jtree_get(op, "staticContextParams");
  for (size_t i = 0; st && i < st->count; i++) {
    const awsc_jnode *v = awsc_jtree_get(st->members[i].value, "value");
    if (v && set_json_value(p, st->members[i].key, false, v, &err)) {
      awsc_buf_printf(why, "staticContextParam %s: %s", st->members[i].key,
                      err.message);
      return false;
    }
  }
  const char *input = awsc_jtree_get_str(awsc_jtree_get(op, "input"), "shape");
  const awsc_jnode *shape =
      input ? awsc_jtree_get(awsc_jtree_get(model, "shapes"), input) : NULL;
  const awsc_jnode *members = awsc_jtree_get(shape, "members");
  const awsc_jnode *given = awsc_jtree_get(oi, "operationParams");
  for (size_t i = 0; members && i < members->count; i++) {
    const char *cp = awsc_jtree_get_str(
        awsc_jtree_get(members->members[i].value, "contextParam"), "name");
    const awsc_jnode *v = awsc_jtree_get(given, members->members[i].key);
    if (cp && v && set_json_value(p, cp, false, v, &err)) {
      awsc_buf_printf(why, "contextParam %s: %s", cp, err.message);
      return false;
    }
  }
  return true;
}

static bool run_operation_input(const awsc_ep_ruleset *rs,
                                const awsc_jnode *model, const awsc_jnode *oi,
                                const awsc_jnode *expect, awsc_buf *why) {
  awsc_arena *arena = awsc_arena_new(0);
  awsc_ep_params p;
  if (!arena || awsc_ep_params_init(&p, rs, arena) != 0) {
    awsc_buf_puts(why, "out of memory");
    awsc_arena_free(arena);
    return false;
  }
  bool ok = operation_params(&p, model, oi, why);
  if (ok) {
    awsc_ep_result res;
    awsc_error err = AWSC_ERROR_INIT;
    int rc = awsc_ep_resolve(rs, &res, &p, arena, &err);
    ok = check_expect(rc, &res, &err, expect, why);
  }
  awsc_arena_free(arena);
  return ok;
}

/* Run every case of one test file against a compiled rule set; with a
 * service model, also the operationInputs at context-parameter level. */
static void run_file(const char *label, const awsc_ep_ruleset *rs,
                     const awsc_jnode *tests, const awsc_jnode *model,
                     counts *c, counts *ops) {
  const awsc_jnode *cases = awsc_jtree_get(tests, "testCases");
  if (!cases || cases->type != AWSC_J_ARRAY) {
    printf("FAIL %s: no testCases array\n", label);
    c->failed++;
    return;
  }
  for (size_t i = 0; i < cases->count; i++) {
    const awsc_jnode *tc = cases->items[i];
    awsc_buf why = AWSC_BUF_INIT;
    if (run_case(rs, tc, &why)) {
      c->passed++;
    } else {
      c->failed++;
      printf("FAIL %s #%zu \"%s\": %s\n", label, i, doc_of(tc),
             why.p ? why.p : "");
    }
    awsc_buf_free(&why);
    const awsc_jnode *oil = awsc_jtree_get(tc, "operationInputs");
    if (!oil || oil->type != AWSC_J_ARRAY || oil->count == 0)
      continue;
    /* the HTTP request of these cases is checked through the client by
     * client_runner.c (endpoints_client_<service>); here: the context
     * parameters the client derives */
    for (size_t k = 0; model && k < oil->count; k++) {
      const awsc_jnode *oi = oil->items[k];
      awsc_buf w = AWSC_BUF_INIT;
      if (run_operation_input(rs, model, oi, awsc_jtree_get(tc, "expect"),
                              &w)) {
        ops->passed++;
      } else {
        ops->failed++;
        printf("FAIL %s #%zu \"%s\" operationInputs[%zu] (%s): %s\n", label, i,
               doc_of(tc), k,
               awsc_jtree_get_str(oi, "operationName")
                   ? awsc_jtree_get_str(oi, "operationName")
                   : "?",
               w.p ? w.p : "");
      }
      awsc_buf_free(&w);
    }
  }
}

typedef struct loaded {
  char *text;
  awsc_arena *arena;
  awsc_jnode *root;
} loaded;

static bool load_json(const char *path, loaded *l) {
  size_t len = 0;
  memset(l, 0, sizeof *l);
  l->text = read_file(path, &len);
  l->arena = awsc_arena_new(65536);
  awsc_error err = AWSC_ERROR_INIT;
  if (!l->text || !l->arena ||
      awsc_jtree_parse(&l->root, l->arena, l->text, len, 0, &err) != 0) {
    printf("FAIL cannot read %s: %s\n", path, err.message);
    return false;
  }
  return true;
}

static void unload(loaded *l) {
  free(l->text);
  awsc_arena_free(l->arena);
}

static awsc_ep_ruleset *compile_file(const char *path,
                                     awsc_ep_partitions *parts, double *secs) {
  size_t len = 0;
  char *text = read_file(path, &len);
  if (!text) {
    printf("FAIL cannot read %s\n", path);
    return NULL;
  }
  awsc_ep_ruleset *rs = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  double t0 = now_s();
  int rc = awsc_ep_ruleset_new(&rs, text, len, parts, &err);
  *secs = now_s() - t0;
  free(text);
  if (rc) {
    printf("FAIL compile %s: %s\n", path, err.message);
    return NULL;
  }
  return rs;
}

/* Resolution time: S3, virtual-hosted bucket in us-west-2, with the
 * builtins a client sets. Informational, not a check. Batches are timed
 * separately and the best is reported as well (a loaded machine inflates
 * the median). */
static int s3_once(const awsc_ep_ruleset *rs, const awsc_ep_params *pre,
                   const char **url) {
  awsc_arena *arena = awsc_arena_new(0);
  awsc_ep_params p;
  awsc_ep_result res;
  int rc = arena ? 0 : AWSC_ENOMEM;
  if (!rc && pre) {
    rc = awsc_ep_resolve(rs, &res, pre, arena, NULL);
  } else if (!rc && !(rc = awsc_ep_params_init(&p, rs, arena))) {
    awsc_ep_params_set_builtin_string(&p, "AWS::Region", "us-west-2", NULL);
    awsc_ep_params_set_builtin_bool(&p, "AWS::UseFIPS", false, NULL);
    awsc_ep_params_set_builtin_bool(&p, "AWS::UseDualStack", false, NULL);
    awsc_ep_params_set_builtin_bool(&p, "AWS::S3::ForcePathStyle", false, NULL);
    awsc_ep_params_set_builtin_bool(&p, "AWS::S3::Accelerate", false, NULL);
    awsc_ep_params_set_string(&p, "Bucket", "my-example-bucket", NULL);
    awsc_ep_params_set_string(&p, "Key", "photos/2024/cat.jpg", NULL);
    rc = awsc_ep_resolve(rs, &res, &p, arena, NULL);
  }
  if (url && rc == 0)
    printf("perf: S3 GetObject endpoint: %s\n", res.url);
  awsc_arena_free(arena);
  return rc;
}

static int cmp_dbl(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static void s3_perf(const awsc_ep_ruleset *rs) {
  const char *url = "";
  if (s3_once(rs, NULL, &url) != 0) {
    printf("perf: S3 resolution failed\n");
    return;
  }
  awsc_arena *keep = awsc_arena_new(0);
  awsc_ep_params pre;
  if (!keep || awsc_ep_params_init(&pre, rs, keep)) {
    awsc_arena_free(keep);
    return;
  }
  awsc_ep_params_set_builtin_string(&pre, "AWS::Region", "us-west-2", NULL);
  awsc_ep_params_set_string(&pre, "Bucket", "my-example-bucket", NULL);
  enum { BATCHES = 15, PER = 10000 };
  for (int mode = 0; mode < 2; mode++) {
    double t[BATCHES];
    for (int b = 0; b < BATCHES; b++) {
      double t0 = now_s();
      for (int i = 0; i < PER; i++)
        s3_once(rs, mode ? &pre : NULL, NULL);
      t[b] = (now_s() - t0) * 1e6 / PER;
    }
    qsort(t, BATCHES, sizeof *t, cmp_dbl);
    printf("perf: S3 virtual-hosted bucket, us-west-2: %.2f us per "
           "resolution (best batch; median %.2f) %s\n",
           t[0], t[BATCHES / 2],
           mode ? "resolve only (parameters prepared once)"
                : "incl. setting 7 parameters and a fresh arena");
  }
  awsc_arena_free(keep);
}

static int run_service(const char *ruleset, const char *tests,
                       const char *partitions, const char *model_path) {
  size_t plen = 0;
  char *ptext = read_file(partitions, &plen);
  awsc_ep_partitions *parts = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  if (!ptext || awsc_ep_partitions_new(&parts, ptext, plen, &err) != 0) {
    printf("FAIL partitions %s: %s\n", partitions, err.message);
    free(ptext);
    return 1;
  }
  free(ptext);
  double secs = 0;
  awsc_ep_ruleset *rs = compile_file(ruleset, parts, &secs);
  awsc_ep_partitions_free(parts);
  if (!rs)
    return 1;
  printf("compiled %s in %.2f ms\n", ruleset, secs * 1e3);
  loaded t, model;
  memset(&model, 0, sizeof model);
  counts c = {0, 0, 0}, ops = {0, 0, 0};
  bool have_model = model_path && load_json(model_path, &model);
  if (model_path && !have_model)
    c.failed++;
  const char *label = strstr(tests, "/s3/")    ? "s3"
                      : strstr(tests, "/sns/") ? "sns"
                      : strstr(tests, "/sqs/") ? "sqs"
                      : strstr(tests, "/sts/") ? "sts"
                                               : "tests";
  if (load_json(tests, &t))
    run_file(label, rs, t.root, have_model ? model.root : NULL, &c, &ops);
  else
    c.failed++;
  unload(&t);
  unload(&model);
  if (awsc_ep_ruleset_find_param(rs, "ForcePathStyle") >= 0 &&
      awsc_ep_ruleset_find_param(rs, "Bucket") >= 0)
    s3_perf(rs);
  awsc_ep_ruleset_free(rs);
  if (have_model)
    printf("operationInputs at context-parameter level: %d passed, "
           "%d failed\n",
           ops.passed, ops.failed);
  printf("%d passed, %d failed, %d skipped\n", c.passed, c.failed, c.skipped);
  return c.failed || ops.failed ? 1 : 0;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* rules-engine/test-cases/X.json runs against rules-engine/valid-rules/X.json
 */
static int run_engine(const char *dir, const char *partitions) {
  size_t plen = 0;
  char *ptext = read_file(partitions, &plen);
  awsc_ep_partitions *parts = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  if (!ptext || awsc_ep_partitions_new(&parts, ptext, plen, &err) != 0) {
    printf("FAIL partitions %s: %s\n", partitions, err.message);
    free(ptext);
    return 1;
  }
  free(ptext);
  char path[4096];
  snprintf(path, sizeof path, "%s/test-cases", dir);
  DIR *d = opendir(path);
  if (!d) {
    printf("FAIL cannot open %s\n", path);
    awsc_ep_partitions_free(parts);
    return 1;
  }
  char *names[256];
  size_t n = 0;
  struct dirent *de;
  while ((de = readdir(d)) && n < AWSC_ARRAY_LEN(names)) {
    size_t l = strlen(de->d_name);
    if (l > 5 && strcmp(de->d_name + l - 5, ".json") == 0)
      names[n++] = strdup(de->d_name);
  }
  closedir(d);
  qsort(names, n, sizeof *names, cmp_str);
  counts total = {0, 0, 0};
  for (size_t i = 0; i < n; i++) {
    counts c = {0, 0, 0};
    char label[256];
    snprintf(label, sizeof label, "%.*s", (int)(strlen(names[i]) - 5),
             names[i]);
    snprintf(path, sizeof path, "%s/valid-rules/%s", dir, names[i]);
    double secs;
    awsc_ep_ruleset *rs = compile_file(path, parts, &secs);
    snprintf(path, sizeof path, "%s/test-cases/%s", dir, names[i]);
    loaded t;
    if (rs && load_json(path, &t))
      run_file(label, rs, t.root, NULL, &c, NULL);
    else
      c.failed++;
    if (rs)
      unload(&t);
    awsc_ep_ruleset_free(rs);
    printf("%s: %d passed, %d failed, %d skipped\n", label, c.passed, c.failed,
           c.skipped);
    total.passed += c.passed;
    total.failed += c.failed;
    total.skipped += c.skipped;
    free(names[i]);
  }
  /* valid-rules without a test-cases file: they must at least compile */
  static const char *const compile_only[] = {"deprecated-param.json",
                                             "get-attr-type-inference.json",
                                             "minimal-ruleset.json"};
  for (size_t i = 0; i < AWSC_ARRAY_LEN(compile_only); i++) {
    snprintf(path, sizeof path, "%s/valid-rules/%s", dir, compile_only[i]);
    double secs;
    awsc_ep_ruleset *rs = compile_file(path, parts, &secs);
    if (rs)
      printf("compiled %s (no test-cases file)\n", compile_only[i]);
    else
      total.failed++;
    awsc_ep_ruleset_free(rs);
  }
  awsc_ep_partitions_free(parts);
  printf("%zu test files\n", n);
  printf("%d passed, %d failed, %d skipped\n", total.passed, total.failed,
         total.skipped);
  return total.failed || n == 0 ? 1 : 0;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  if ((argc == 5 || argc == 6) && strcmp(argv[1], "service") == 0)
    return run_service(argv[2], argv[3], argv[4], argc == 6 ? argv[5] : NULL);
  if (argc == 4 && strcmp(argv[1], "engine") == 0)
    return run_engine(argv[2], argv[3]);
  fprintf(stderr,
          "usage: %s service RULESET TESTS PARTITIONS [SERVICE-2.json]\n"
          "       %s engine RULES_ENGINE_DIR PARTITIONS\n",
          argv[0], argv[0]);
  return 2;
}
