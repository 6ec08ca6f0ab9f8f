/*
 * awsc_resource_describe_json against the boto3 resource models it was
 * generated from (models/<svc>/<version>/resources-1.json, given as
 * arguments "svc=path"): for s3, sns and sqs, every resource with the
 * same identifiers, shape, load, actions, batch actions, references,
 * collections and waiters, by name and count; and what a binding reads
 * beyond the counts (inputs of sub-resources, plural actions, paging,
 * attribute types).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsc/awsc.h"
#include "runtime/jtree.h"
#include "test.h"

static const char *paths[3];
static const char *const services[3] = {"s3", "sns", "sqs"};

static const char *env_none(const char *name, void *ud) {
  (void)name;
  (void)ud;
  return NULL;
}

static awsc_client *client_of(const char *service) {
  awsc_session_options so = AWSC_SESSION_OPTIONS_INIT;
  so.region = "us-east-1";
  so.getenv_fn = env_none;
  so.config_file = "/nonexistent/awsc-test/config";
  so.credentials_file = "/nonexistent/awsc-test/credentials";
  awsc_session *s = NULL;
  awsc_client *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  if (awsc_session_new(&s, &so, &err) == 0)
    awsc_client_new(&c, s, service, NULL, &err);
  awsc_session_free(s);
  if (!c)
    fprintf(stderr, "client %s: %s\n", service, err.message);
  return c;
}

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *p = n >= 0 ? malloc((size_t)n + 1) : NULL;
  if (p && fread(p, 1, (size_t)n, f) != (size_t)n) {
    free(p);
    p = NULL;
  }
  fclose(f);
  if (p) {
    p[n] = 0;
    *len = (size_t)n;
  }
  return p;
}

static const awsc_jnode *parse(awsc_arena *a, const char *text, size_t len) {
  awsc_jnode *root = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  int rc =
      text ? awsc_jtree_parse(&root, a, text, len, AWSC_JPARSE_SKIP_DOCS, &err)
           : AWSC_EINVAL;
  CHECK_INT(rc, 0);
  if (rc)
    fprintf(stderr, "parse: %s\n", err.message);
  return rc ? NULL : root;
}

static size_t count(const awsc_jnode *n) {
  return n && (n->type == AWSC_J_OBJECT || n->type == AWSC_J_ARRAY) ? n->count
                                                                    : 0;
}

/* Same keys, in the same order, in the model's object and ours. */
static void same_keys(const char *what, const char *rname,
                      const awsc_jnode *model, const awsc_jnode *ours) {
  CHECK_INT((long)count(ours), (long)count(model));
  if (count(ours) != count(model)) {
    fprintf(stderr, "%s of %s: %zu, model %zu\n", what, rname, count(ours),
            count(model));
    return;
  }
  for (size_t i = 0; model && i < model->count; i++)
    CHECK_STR(ours->members[i].key, model->members[i].key);
}

/* One resource (the model's definition md, ours od). */
static void check_resource(const char *rname, const awsc_jnode *md,
                           const awsc_jnode *od, const awsc_jnode *ours_all) {
  CHECK(od != NULL);
  if (!od)
    return;
  const awsc_jnode *mids = awsc_jtree_get(md, "identifiers");
  const awsc_jnode *oids = awsc_jtree_get(od, "Identifiers");
  CHECK_INT((long)count(oids), (long)count(mids));
  for (size_t i = 0; i < count(mids) && i < count(oids); i++) {
    CHECK_STR(awsc_jtree_get_str(oids->items[i], "Name"),
              awsc_jtree_get_str(mids->items[i], "name"));
    const char *mm = awsc_jtree_get_str(mids->items[i], "memberName");
    const char *om = awsc_jtree_get_str(oids->items[i], "MemberName");
    CHECK((mm == NULL) == (om == NULL));
    if (mm && om)
      CHECK_STR(om, mm);
  }
  const char *shape = awsc_jtree_get_str(md, "shape");
  CHECK((shape == NULL) == (awsc_jtree_get_str(od, "Shape") == NULL));
  if (shape)
    CHECK_STR(awsc_jtree_get_str(od, "Shape"), shape);
  /* a resource with a shape has its attributes typed */
  CHECK(!shape || count(awsc_jtree_get(od, "Attributes")) > 0);
  const awsc_jnode *load = awsc_jtree_get(md, "load");
  CHECK((load == NULL) == (awsc_jtree_get_str(od, "Load") == NULL));
  if (load)
    CHECK_STR(awsc_jtree_get_str(od, "Load"),
              awsc_jtree_get_str(awsc_jtree_get(load, "request"), "operation"));
  same_keys("actions", rname, awsc_jtree_get(md, "actions"),
            awsc_jtree_get(od, "Actions"));
  same_keys("batchActions", rname, awsc_jtree_get(md, "batchActions"),
            awsc_jtree_get(od, "BatchActions"));
  same_keys("has", rname, awsc_jtree_get(md, "has"), awsc_jtree_get(od, "Has"));
  same_keys("hasMany", rname, awsc_jtree_get(md, "hasMany"),
            awsc_jtree_get(od, "HasMany"));
  same_keys("waiters", rname, awsc_jtree_get(md, "waiters"),
            awsc_jtree_get(od, "Waiters"));
  /* each action's operation, each collection's resource and operation */
  const awsc_jnode *ma = awsc_jtree_get(md, "actions");
  const awsc_jnode *oa = awsc_jtree_get(od, "Actions");
  for (size_t i = 0; i < count(ma) && i < count(oa); i++)
    CHECK_STR(
        awsc_jtree_get_str(oa->members[i].value, "Operation"),
        awsc_jtree_get_str(awsc_jtree_get(ma->members[i].value, "request"),
                           "operation"));
  const awsc_jnode *mh = awsc_jtree_get(md, "hasMany");
  const awsc_jnode *oh = awsc_jtree_get(od, "HasMany");
  for (size_t i = 0; i < count(mh) && i < count(oh); i++) {
    const char *type = awsc_jtree_get_str(
        awsc_jtree_get(mh->members[i].value, "resource"), "type");
    CHECK_STR(awsc_jtree_get_str(oh->members[i].value, "Resource"), type);
    /* the items' batch actions, as the items' type lists them */
    const awsc_jnode *item = awsc_jtree_get(ours_all, type);
    CHECK_INT((long)count(awsc_jtree_get(oh->members[i].value, "BatchActions")),
              (long)count(awsc_jtree_get(item, "BatchActions")));
  }
}

static void check_service(size_t si) {
  if (!paths[si]) {
    SKIP(services[si], "no resources-1.json path given");
    return;
  }
  awsc_client *c = client_of(services[si]);
  if (!c) {
    SKIP(services[si], "service not built in");
    return;
  }
  size_t len = 0;
  char *text = slurp(paths[si], &len);
  CHECK(text != NULL);
  awsc_arena *a = awsc_arena_new(0);
  const awsc_jnode *model = parse(a, text, len);
  char *json = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_resource_describe_json(&json, c, NULL, &err), 0);
  const awsc_jnode *ours = parse(a, json, json ? strlen(json) : 0);
  CHECK_STR(awsc_jtree_get_str(ours, "Service"), services[si]);
  const awsc_jnode *ores = awsc_jtree_get(ours, "Resources");
  const awsc_jnode *mres = awsc_jtree_get(model, "resources");
  /* every resource of the model, and the service resource, nothing else */
  CHECK_INT((long)count(ores), (long)count(mres) + 1);
  CHECK_STR(count(ores) ? ores->members[0].key : "", "ServiceResource");
  check_resource("ServiceResource", awsc_jtree_get(model, "service"),
                 awsc_jtree_get(ores, "ServiceResource"), ores);
  for (size_t i = 0; i < count(mres); i++)
    check_resource(mres->members[i].key, mres->members[i].value,
                   awsc_jtree_get(ores, mres->members[i].key), ores);
  printf("%s: %zu resources described\n", services[si], count(ores));
  awsc_mem_free(json);
  free(text);
  awsc_arena_free(a);
  awsc_client_free(c);
}

static void test_models(void) {
  for (size_t i = 0; i < 3; i++)
    check_service(i);
}

/* What the Python binding reads beyond the counts. */
static void test_s3_details(void) {
  awsc_client *c = client_of("s3");
  CHECK(c != NULL);
  if (!c)
    return;
  char *json = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_resource_describe_json(&json, c, "Bucket", &err), 0);
  awsc_arena *a = awsc_arena_new(0);
  const awsc_jnode *root = parse(a, json, json ? strlen(json) : 0);
  const awsc_jnode *res = awsc_jtree_get(root, "Resources");
  CHECK_INT((long)count(res), 1);
  const awsc_jnode *b = awsc_jtree_get(res, "Bucket");
  CHECK_STR(awsc_jtree_get_str(awsc_jtree_get(b, "Attributes"), "CreationDate"),
            "timestamp");
  CHECK_STR(awsc_jtree_get_str(awsc_jtree_get(b, "Attributes"), "Name"),
            "string");
  const awsc_jnode *obj = awsc_jtree_get(awsc_jtree_get(b, "Has"), "Object");
  CHECK(obj != NULL);
  const awsc_jnode *inputs = awsc_jtree_get(obj, "Inputs");
  CHECK_INT((long)count(inputs), 1);
  CHECK_STR(count(inputs) ? inputs->items[0]->s : "", "Key");
  CHECK(!awsc_jtree_get_bool(obj, "NeedsData"));
  CHECK_STR(awsc_jtree_get_str(obj, "Resource"), "Object");
  const awsc_jnode *objs =
      awsc_jtree_get(awsc_jtree_get(b, "HasMany"), "Objects");
  CHECK_STR(awsc_jtree_get_str(objs, "Resource"), "ObjectSummary");
  CHECK(awsc_jtree_get_bool(objs, "Paginated"));
  const awsc_jnode *batch = awsc_jtree_get(objs, "BatchActions");
  CHECK_INT((long)count(batch), 1);
  CHECK_STR(count(batch) ? batch->items[0]->s : "", "Delete");
  CHECK_STR(
      awsc_jtree_get_str(awsc_jtree_get(awsc_jtree_get(b, "Waiters"), "Exists"),
                         "Waiter"),
      "BucketExists");
  /* boto3 injects Bucket's load; the model has none */
  CHECK(awsc_jtree_get(b, "Load") == NULL);
  awsc_mem_free(json);
  json = NULL;
  CHECK_INT(awsc_resource_describe_json(&json, c, "NoSuch", &err),
            AWSC_ENOTFOUND);
  CHECK(json == NULL);
  CHECK_INT(awsc_resource_describe_json(NULL, c, NULL, &err), AWSC_EINVAL);
  awsc_arena_free(a);
  awsc_client_free(c);
}

/* Every allocation of the description failed in turn. */
static void test_out_of_memory(void) {
  awsc_client *c = client_of("s3");
  CHECK(c != NULL);
  if (!c)
    return;
  uint64_t k = 1;
  for (; k < 10000; k++) {
    int64_t live = test_alloc_live();
    char *json = NULL;
    test_alloc_fail_at(k);
    int rc = awsc_resource_describe_json(&json, c, NULL, NULL);
    int fired = test_alloc_failure_fired();
    test_alloc_fail_at(0);
    CHECK(fired ? rc == AWSC_ENOMEM && !json : rc == 0 && json);
    awsc_mem_free(json);
    CHECK_INT((long)test_alloc_live(), (long)live);
    if (!fired)
      break;
  }
  CHECK(k > 2 && k < 10000);
  awsc_client_free(c);
}

int main(int argc, char **argv) {
  test_alloc_install();
  for (int i = 1; i < argc; i++)
    for (size_t k = 0; k < 3; k++) {
      size_t n = strlen(services[k]);
      if (strncmp(argv[i], services[k], n) == 0 && argv[i][n] == '=')
        paths[k] = argv[i] + n + 1;
    }
  RUN(test_models);
  RUN(test_s3_details);
  RUN(test_out_of_memory);
  return test_summary();
}
