/*
 * Bad input never reaches the wire: every case of
 * tests/data/validation/bad_inputs.json (operation, input, expected error
 * kind and words) goes through the JSON call and, unless the case is
 * JSON-only (wrong types, unknown names: a C struct can not hold them),
 * through the typed API (the input becomes the generated C struct through
 * the descriptors' offsets, then the same call the generated functions
 * make). Each must fail with AWSC_EVALIDATION and a message holding the
 * case's words, and the recording transport must have seen no request:
 * it has a 200 answer ready, so a request that did leave would succeed.
 */
#include <string.h>

#include "awsc/s3.h"
#include "awsc/sqs.h"
#include "client/client_internal.h"
#include "client/typed.h"
#include "fake_transport.h"
#include "runtime/jtree.h"
#include "test.h"

static fake_transport ft;
static int cases_run;
static int faces_run;

/* The text of the next "input" value from *pos on: the case's JSON as
 * written, lone surrogate escapes and all (a parsed-and-printed copy
 * would have lost them). Returns its length, 0 when there is none. */
static size_t next_input(const char *text, const char **pos,
                         const char **start) {
  const char *p = strstr(*pos, "\"input\":");
  if (!p)
    return 0;
  p += 8;
  while (*p == ' ')
    p++;
  *start = p;
  int depth = 0;
  bool in_str = false;
  for (; *p; p++) {
    if (in_str) {
      if (*p == '\\')
        p++;
      else if (*p == '"')
        in_str = false;
      continue;
    }
    if (*p == '"')
      in_str = true;
    else if (*p == '{' || *p == '[')
      depth++;
    else if ((*p == '}' || *p == ']') && --depth == 0) {
      *pos = p + 1;
      return (size_t)(p + 1 - *start);
    }
  }
  (void)text;
  return 0;
}

static bool has_face(const awsc_jnode *cs, const char *face) {
  const awsc_jnode *faces = awsc_jtree_get(cs, "faces");
  if (!faces)
    return true;
  for (size_t i = 0; i < faces->count; i++)
    if (strcmp(faces->items[i]->s, face) == 0)
      return true;
  return false;
}

static bool expect(const awsc_jnode *cs, size_t idx, const char *face, int rc,
                   const awsc_error *err) {
  bool ok = rc == AWSC_EVALIDATION && err->kind == AWSC_ERROR_VALIDATION;
  const awsc_jnode *words = awsc_jtree_get(cs, "words");
  for (size_t i = 0; ok && words && i < words->count; i++)
    ok = strstr(err->message, words->items[i]->s) != NULL;
  if (ft.n_sent != 0)
    ok = false;
  if (!ok)
    fprintf(stderr, "case %zu %s (%s): rc %d, %d sent, message: %s\n", idx,
            awsc_jtree_get_str(cs, "operation"), face, rc, ft.n_sent,
            err->message);
  faces_run++;
  return ok;
}

static void arm(void) {
  fake_init(&ft);
  fake_reply_add(&ft, 200, "x-amz-request-id: R\n", "");
}

static bool run_json(awsc_client *c, const awsc_jnode *cs, size_t idx,
                     const char *input) {
  awsc_error err = AWSC_ERROR_INIT;
  char *out = NULL;
  arm();
  int rc =
      awsc_call_json(&out, c, awsc_jtree_get_str(cs, "operation"), input, &err);
  awsc_mem_free(out);
  return expect(cs, idx, "json", rc, &err);
}

static bool run_typed(awsc_client *c, const awsc_jnode *cs, size_t idx,
                      const char *input, size_t len) {
  const awsc_service *svc =
      awsc_builtin_service(awsc_jtree_get_str(cs, "service"));
  const awsc_operation *op = svc ? awsc_service_find_operation(
                                       svc, awsc_jtree_get_str(cs, "operation"))
                                 : NULL;
  if (!op || !op->input || !op->input->c_size) {
    fprintf(stderr, "case %zu: no typed operation\n", idx);
    return false;
  }
  awsc_arena *a = awsc_arena_new(0);
  awsc_error err = AWSC_ERROR_INIT;
  awsc_value v;
  void *in = NULL;
  /* the C struct a caller would fill: no checks on the way in */
  int rc = a ? awsc_value_from_json_ex(&v, a, op->input, input, len,
                                       AWSC_VJ_NO_VALIDATE, &err)
             : AWSC_ENOMEM;
  if (!rc)
    rc = awsc_typed_from_value(op->input, &v, a, &in);
  bool ok = false;
  if (rc) {
    fprintf(stderr, "case %zu: no struct: %s\n", idx, err.message);
  } else {
    void *out = NULL;
    arm();
    rc = awsc_invoke_typed(&out, c, svc, op, in, NULL, &err);
    awsc_mem_free(out);
    ok = expect(cs, idx, "typed", rc, &err);
  }
  awsc_arena_free(a);
  return ok;
}

static const char *data_path;

static void test_bad_inputs(void) {
  size_t len = 0;
  char *text = test_read_file(data_path, &len);
  CHECK(text != NULL);
  if (!text)
    return;
  awsc_arena *a = awsc_arena_new(0);
  awsc_jnode *root = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_jtree_parse(&root, a, text, len, 0, &err), 0);
  const awsc_jnode *cases = root ? awsc_jtree_get(root, "cases") : NULL;
  CHECK(cases && cases->count >= 100);
  awsc_session *s3s = NULL, *sqss = NULL;
  awsc_client *s3 = fake_client_new(&ft.base, "s3", &s3s),
              *sqs = fake_client_new(&ft.base, "sqs", &sqss);
  CHECK(s3 && sqs);
  const char *pos = text;
  for (size_t i = 0; cases && s3 && sqs && i < cases->count; i++) {
    const awsc_jnode *cs = cases->items[i];
    const char *start = NULL;
    size_t n = next_input(text, &pos, &start);
    CHECK(n > 0);
    if (!n)
      break;
    char *input = awsc_arena_memdup0(a, start, n);
    CHECK_STR(awsc_jtree_get_str(cs, "kind"), "validation");
    awsc_client *c =
        strcmp(awsc_jtree_get_str(cs, "service"), "sqs") == 0 ? sqs : s3;
    bool ok = run_json(c, cs, i, input);
    if (has_face(cs, "typed"))
      ok = run_typed(c, cs, i, input, n) && ok;
    CHECK(ok);
    cases_run++;
  }
  printf("%d bad inputs, %d calls refused with nothing sent\n", cases_run,
         faces_run);
  awsc_client_free(s3);
  awsc_client_free(sqs);
  awsc_session_free(s3s);
  awsc_session_free(sqss);
  awsc_arena_free(a);
  free(text);
}

/* The two data-loss cases of the issue, spelled as a C caller would. */
static void test_typed_empty_key(void) {
  awsc_session *s = NULL;
  awsc_client *c = fake_client_new(&ft.base, "s3", &s);
  CHECK(c != NULL);
  if (!c)
    return;
  awsc_error err = AWSC_ERROR_INIT;
  arm();
  awsc_s3_DeleteObjectRequest del = {0};
  del.bucket = "bucket";
  del.key = "";
  awsc_s3_DeleteObjectOutput *dout = NULL;
  CHECK_INT(awsc_s3_delete_object(&dout, c, &del, &err), AWSC_EVALIDATION);
  CHECK(strstr(err.message, "Invalid length for parameter Key, value: 0, "
                            "valid min length: 1") != NULL);
  CHECK_INT(ft.n_sent, 0);
  awsc_s3_GetObjectRequest get = {0};
  get.bucket = "bucket";
  get.key = "";
  awsc_s3_GetObjectOutput *gout = NULL;
  CHECK_INT(awsc_s3_get_object(&gout, c, &get, &err), AWSC_EVALIDATION);
  CHECK_INT(ft.n_sent, 0);
  /* and a good key still goes out */
  get.key = "k";
  CHECK_INT(awsc_s3_get_object(&gout, c, &get, &err), 0);
  CHECK_INT(ft.n_sent, 1);
  awsc_mem_free(gout);
  /* ContentLength must match an in-memory body; a matching one goes out */
  awsc_s3_PutObjectRequest put = {0};
  put.bucket = "bucket";
  put.key = "k";
  put.body.data = "abc";
  put.body.len = 3;
  put.content_length = 4;
  put.has_content_length = true;
  awsc_s3_PutObjectOutput *pout = NULL;
  arm();
  CHECK_INT(awsc_s3_put_object(&pout, c, &put, &err), AWSC_EVALIDATION);
  CHECK(strstr(err.message, "ContentLength, value: 4, the Body has 3 "
                            "bytes") != NULL);
  CHECK_INT(ft.n_sent, 0);
  put.content_length = 3;
  CHECK_INT(awsc_s3_put_object(&pout, c, &put, &err), 0);
  CHECK_INT(ft.n_sent, 1);
  awsc_mem_free(pout);
  awsc_client_free(c);
  awsc_session_free(s);
}

int main(int argc, char **argv) {
  data_path = argc > 1 ? argv[1] : "tests/data/validation/bad_inputs.json";
  RUN(test_typed_empty_key);
  RUN(test_bad_inputs);
  return test_summary();
}
