/*
 * tests/conformance/protocols_output/response_parsing.c - botocore's
 * tests/unit/response_parsing fixtures (tests/data/response-parsing)
 * for the services whose models we ship: S3, SNS, STS.
 *
 * As botocore's runner: xml/responses/<service>-<operation>[#n].xml is a
 * 200 response body, xml/errors/ the same with status 400; headers are
 * empty; the operation is the one whose snake_case name is the kebab
 * name; timestamps are compared as instants with the expected strings
 * (botocore uses an identity timestamp parser there). The parsed output
 * gets the ResponseMetadata the pipeline would add (RequestId from
 * awsc_protocol_request_id); an error becomes {"Error": {Code, Message,
 * Type, other children}, "ResponseMetadata": {RequestId}}. botocore's
 * HTTPStatusCode / HTTPHeaders are set on both sides by its runner, so
 * they are left out on both here.
 *
 * usage: response_parsing <tests/data/response-parsing>
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "custom/custom.h"
#include "protocols/protocol.h"
#include "test.h"

static int n_pass, n_fail;

/* botocore's runner skips its SPECIAL_CASES, which need customized
 * handlers: s3-get-bucket-location (our parser has that handler, so the
 * fixture runs here) and three of services we do not ship. Fixtures of
 * other services are not ours to run (their models are not shipped). */

static const char *const services[][2] = {
    {"s3", "models/s3/2006-03-01/service-2.json"},
    {"sns", "models/sns/2010-03-31/service-2.json"},
    {"sts", "models/sts/2011-06-15/service-2.json"},
};

static awsc_service *svcs[3];

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int add_kv_value(awsc_value_builder *b, const char *k,
                        const awsc_value *v) {
  int rc = awsc_vb_key(b, k, strlen(k));
  return rc ? rc : awsc_vb_value(b, v);
}

static int add_kv_str(awsc_value_builder *b, const char *k, const char *v) {
  int rc = awsc_vb_key(b, k, strlen(k));
  return rc ? rc : awsc_vb_string(b, v, strlen(v));
}

static void run_fixture(const char *dir, const char *kind, const char *file) {
  char name[256];
  snprintf(name, sizeof(name), "%s", file);
  *strrchr(name, '.') = '\0';
  char id[300];
  snprintf(id, sizeof(id), "%s/%s", kind, name);
  char base[256];
  snprintf(base, sizeof(base), "%s", name);
  char *hash = strchr(base, '#');
  if (hash)
    *hash = '\0';
  int si = -1;
  for (size_t i = 0; i < AWSC_ARRAY_LEN(services); i++) {
    size_t l = strlen(services[i][0]);
    if (strncmp(base, services[i][0], l) == 0 && base[l] == '-')
      si = (int)i;
  }
  if (si < 0)
    return; /* a service whose model we do not ship */
  char py[256];
  snprintf(py, sizeof(py), "%s", base + strlen(services[si][0]) + 1);
  for (char *p = py; *p; p++)
    if (*p == '-')
      *p = '_';
  const awsc_operation *op = awsc_service_find_operation(svcs[si], py);
  if (!op) {
    printf("FAIL %s: no operation %s\n", id, py);
    n_fail++;
    return;
  }
  char path[1024];
  snprintf(path, sizeof(path), "%s/xml/%s/%s.xml", dir, kind, name);
  size_t blen, elen;
  char *body = cmp_slurp(path, &blen);
  snprintf(path, sizeof(path), "%s/xml/%s/%s.json", dir, kind, name);
  char *etext = cmp_slurp(path, &elen);
  awsc_arena *arena = awsc_arena_new(0);
  awsc_buf why = AWSC_BUF_INIT;
  awsc_jnode *expected = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  if (!body || !etext ||
      awsc_jtree_parse(&expected, arena, etext, elen, 0, &err) != 0) {
    printf("FAIL %s: cannot read fixture\n", id);
    n_fail++;
    goto done;
  }
  bool is_error = strcmp(kind, "errors") == 0;
  awsc_raw_response resp = {is_error ? 400 : 200, NULL, 0, body, blen, false};
  awsc_value_builder *b = awsc_vb_new(arena);
  awsc_value got;
  int rc = awsc_vb_begin_map(b);
  const char *rid = NULL;
  if (is_error) {
    awsc_service_error se;
    if ((rc = awsc_protocol_parse_error(svcs[si], op, &resp, arena, &se)) ==
        0) {
      rid = se.request_id;
      rc = awsc_vb_key(b, "Error", 5);
      if (rc == 0)
        rc = awsc_vb_begin_map(b);
      if (rc == 0)
        rc = add_kv_str(b, "Code", se.code);
      if (rc == 0)
        rc = add_kv_str(b, "Message", se.message);
      if (rc == 0 && se.type)
        rc = add_kv_str(b, "Type", se.type);
      for (size_t i = 0; rc == 0 && i < se.details.u.map.n; i++)
        rc = add_kv_value(b, se.details.u.map.items[i].key,
                          &se.details.u.map.items[i].value);
      if (rc == 0)
        rc = awsc_vb_end(b);
    }
  } else {
    awsc_value out;
    rc = awsc_protocol_parse_output(svcs[si], op, &resp, arena, &out, &err);
    for (size_t i = 0; rc == 0 && i < out.u.map.n; i++)
      rc = add_kv_value(b, out.u.map.items[i].key, &out.u.map.items[i].value);
    rid = awsc_protocol_request_id(svcs[si], &resp, arena);
  }
  if (rc == 0)
    rc = awsc_vb_key(b, "ResponseMetadata", 16);
  if (rc == 0)
    rc = awsc_vb_begin_map(b);
  if (rc == 0 && rid)
    rc = add_kv_str(b, "RequestId", rid);
  if (rc == 0)
    rc = awsc_vb_end(b);
  if (rc == 0)
    rc = awsc_vb_end(b);
  if (rc == 0)
    rc = awsc_vb_finish(b, &got);
  awsc_vb_free(b);
  if (rc != 0) {
    printf("FAIL %s: parse returned %d: %s\n", id, rc, err.message);
    n_fail++;
  } else if (!cmp_value(&got, expected, true, &why)) {
    printf("FAIL %s: %s\n", id, why.p);
    n_fail++;
  } else {
    n_pass++;
  }
done:
  awsc_buf_free(&why);
  awsc_arena_free(arena);
  free(body);
  free(etext);
}

static void run_kind(const char *dir, const char *kind) {
  char path[1024];
  snprintf(path, sizeof(path), "%s/xml/%s", dir, kind);
  DIR *d = opendir(path);
  if (!d) {
    printf("FAIL cannot open %s\n", path);
    n_fail++;
    return;
  }
  char *names[1024];
  size_t n = 0;
  struct dirent *e;
  while ((e = readdir(d)) && n < AWSC_ARRAY_LEN(names)) {
    size_t l = strlen(e->d_name);
    if (l > 4 && strcmp(e->d_name + l - 4, ".xml") == 0)
      names[n++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(names, n, sizeof(names[0]), cmp_names);
  for (size_t i = 0; i < n; i++) {
    run_fixture(dir, kind, names[i]);
    free(names[i]);
  }
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s <response-parsing dir>\n", argv[0]);
    return 2;
  }
  test_alloc_install();
  awsc_arena *models = awsc_arena_new(1 << 20);
  for (size_t i = 0; i < AWSC_ARRAY_LEN(services); i++) {
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", argv[1], services[i][1]);
    size_t len;
    char *text = cmp_slurp(path, &len);
    awsc_error err = AWSC_ERROR_INIT;
    if (!text ||
        awsc_service_from_json(&svcs[i], models, text, len, &err) != 0) {
      fprintf(stderr, "cannot load %s: %s\n", path, err.message);
      return 2;
    }
    free(text);
    /* S3's parse quirks (GetBucketLocation) are its hooks, as a client
     * made from this model would carry them */
    if (strcmp(services[i][0], "s3") == 0)
      svcs[i]->hooks = &awsc_s3_hooks;
  }
  run_kind(argv[1], "responses");
  run_kind(argv[1], "errors");
  awsc_arena_free(models);
  printf("response-parsing: %d passed, %d failed, 0 skipped\n", n_pass, n_fail);
  int64_t live = test_alloc_live();
  if (live != 0) {
    printf("FAIL leak: %lld blocks still allocated\n", (long long)live);
    return 1;
  }
  return n_fail ? 1 : 0;
}
