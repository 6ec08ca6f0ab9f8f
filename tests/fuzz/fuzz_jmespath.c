/*
 * tests/fuzz/fuzz_jmespath.c - libFuzzer target for the JMESPath subset
 * of the paginators and waiters (lib/client/jmespath.c compiles,
 * jmespath_eval.c evaluates): the input is an expression, compiled and,
 * when it compiles, evaluated over a fixed document shaped like the
 * answers paginators and waiters read (nested maps and lists, numbers,
 * booleans, nulls, empty containers, strings with NULs).
 *
 * Checks: compile gives 0 or AWSC_EINVAL with a message (never another
 * status); a compiled expression keeps its text; evaluation gives 0 or
 * AWSC_EINVAL with a message; a result equals itself (deep equality),
 * and truthiness is defined for it.
 */
#include <stdlib.h>
#include <string.h>

#include "client/jmespath.h"
#include "fuzz_util.h"
#include "runtime/jtree.h"
#include "runtime/value.h"

static const char doc_json[] =
    "{\"Contents\":[{\"Key\":\"a\",\"Size\":1,\"Tags\":[\"x\",\"y\"]},"
    "{\"Key\":\"b\\u0000c\",\"Size\":2.5,\"Tags\":[]},{\"Key\":null}],"
    "\"IsTruncated\":true,\"NextContinuationToken\":\"tok\","
    "\"KeyCount\":3,\"CommonPrefixes\":[{\"Prefix\":\"p/\"}],"
    "\"Nested\":{\"a\":{\"b\":{\"c\":[[1,2],[3,[4,5]],{}]}}},"
    "\"Status\":\"ACTIVE\",\"Empty\":{},\"List\":[],\"Neg\":-7,"
    "\"Flags\":[true,false,null,0,\"\"],"
    "\"Reservations\":[{\"Instances\":[{\"State\":{\"Name\":\"running\"}},"
    "{\"State\":{\"Name\":\"stopped\"}}]}]}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static awsc_value doc;
  static bool have_doc;
  if (!have_doc) {
    static awsc_arena *keep;
    keep = awsc_arena_new(0);
    awsc_jnode *root = NULL;
    FUZZ_CHECK(keep != NULL);
    FUZZ_CHECK(awsc_jtree_parse(&root, keep, doc_json, sizeof(doc_json) - 1, 0,
                                NULL) == 0);
    FUZZ_CHECK(awsc_value_from_jnode(&doc, keep, root, true) == 0);
    have_doc = true; /* keep stays for the process: doc lives in it */
  }
  char *expr = malloc(size + 1);
  FUZZ_CHECK(expr != NULL);
  memcpy(expr, data, size);
  expr[size] = '\0';
  awsc_arena *arena = awsc_arena_new(0);
  FUZZ_CHECK(arena != NULL);
  awsc_jmespath *e = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = awsc_jmespath_compile(&e, arena, expr, &err);
  if (rc != 0) {
    FUZZ_CHECK(rc == AWSC_EINVAL || rc == AWSC_ENOMEM);
    FUZZ_CHECK(err.code == rc && err.message[0] != '\0');
  } else {
    FUZZ_CHECK(e != NULL && strcmp(awsc_jmespath_text(e), expr) == 0);
    awsc_value out;
    awsc_error err2 = AWSC_ERROR_INIT;
    int src = awsc_jmespath_search(e, &doc, arena, &out, &err2);
    if (src == 0) {
      FUZZ_CHECK(awsc_jmespath_equal(&out, &out));
      (void)awsc_jmespath_truthy(&out);
    } else {
      FUZZ_CHECK(src == AWSC_EINVAL || src == AWSC_ENOMEM);
      FUZZ_CHECK(err2.code == src && err2.message[0] != '\0');
    }
  }
  awsc_arena_free(arena);
  free(expr);
  return 0;
}
