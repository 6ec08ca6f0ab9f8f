/*
 * tests/fuzz/fuzz_json.c - libFuzzer target for the library's JSON
 * reader (lib/core/json.c) and the arena tree built on it
 * (lib/runtime/jtree.c), the readers every JSON consumer sits on.
 *
 * Checks beyond "no crash, no leak, no sanitizer report":
 *   - the token stream is balanced and holds at most one token per input
 *     byte (+ END), so reading is linear;
 *   - after a failure every further read returns the same status;
 *   - awsc_json_skip over the first value agrees with reading it token by
 *     token (same verdict for the whole document);
 *   - the tree parser accepts exactly what the reader accepts, and its
 *     tree converts to a value;
 *   - the flag variants (secret scratch, kept surrogates, no UTF-8
 *     check) never crash, and no UTF-8 check never refuses what the
 *     checked reader accepts.
 */
#include <stdbool.h>
#include <string.h>

#include "core/json.h"
#include "fuzz_util.h"
#include "runtime/jtree.h"
#include "runtime/value.h"

/* Read every token; 0 when the document is valid. */
static int read_all(const char *text, size_t size, unsigned flags) {
  awsc_json_reader r;
  awsc_json_reader_init(&r, text, size, flags, 0, NULL);
  awsc_jtok t;
  int rc;
  size_t ntok = 0;
  long depth = 0;
  for (;;) {
    rc = awsc_json_read(&r, &t);
    if (rc != 0 || t.type == AWSC_JTOK_END)
      break;
    ntok++;
    FUZZ_CHECK(ntok <= size);
    if (t.type == AWSC_JTOK_BEGIN_OBJECT || t.type == AWSC_JTOK_BEGIN_ARRAY)
      depth++;
    if (t.type == AWSC_JTOK_END_OBJECT || t.type == AWSC_JTOK_END_ARRAY)
      depth--;
    FUZZ_CHECK(depth >= 0 && depth <= AWSC_JSON_MAX_DEPTH);
    if (t.type == AWSC_JTOK_NUMBER || t.type == AWSC_JTOK_STRING ||
        t.type == AWSC_JTOK_KEY)
      FUZZ_CHECK(t.n == 0 || t.p != NULL);
    if (t.type == AWSC_JTOK_NUMBER)
      FUZZ_CHECK(t.n > 0);
  }
  if (rc == 0) {
    FUZZ_CHECK(depth == 0 && ntok > 0);
  } else {
    FUZZ_CHECK(rc == AWSC_EPARSE || rc == AWSC_ENOMEM);
    FUZZ_CHECK(r.what != NULL && r.error_at <= size);
    FUZZ_CHECK(awsc_json_read(&r, &t) == rc);
  }
  awsc_json_reader_cleanup(&r);
  return rc;
}

/* Skip the first value, then expect the end: 0 when the document is
 * valid (the skipping path checks without decoding). */
static int skip_all(const char *text, size_t size) {
  awsc_json_reader r;
  awsc_json_reader_init(&r, text, size, 0, 0, NULL);
  awsc_jtok t;
  int rc = awsc_json_read(&r, &t);
  if (rc == 0 && t.type == AWSC_JTOK_END)
    rc = AWSC_EPARSE; /* an empty document */
  if (rc == 0)
    rc = awsc_json_skip(&r, &t);
  if (rc == 0 && (rc = awsc_json_read(&r, &t)) == 0 && t.type != AWSC_JTOK_END)
    rc = AWSC_EPARSE;
  awsc_json_reader_cleanup(&r);
  return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *text = (const char *)data;
  int rc = read_all(text, size, 0);
  FUZZ_CHECK((skip_all(text, size) == 0) == (rc == 0));
  int rc_loose = read_all(text, size, AWSC_JREAD_NO_UTF8_CHECK);
  FUZZ_CHECK(rc != 0 || rc_loose == 0);
  (void)read_all(text, size, AWSC_JREAD_SECRET | AWSC_JREAD_KEEP_SURROGATES);

  awsc_arena *arena = awsc_arena_new(0);
  FUZZ_CHECK(arena != NULL);
  awsc_jnode *root = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  int trc = awsc_jtree_parse(&root, arena, text, size, 0, &err);
  FUZZ_CHECK((trc == 0) == (rc == 0));
  if (trc == 0) {
    FUZZ_CHECK(root != NULL);
    awsc_value v;
    FUZZ_CHECK(awsc_value_from_jnode(&v, arena, root, true) == 0);
  } else {
    FUZZ_CHECK(err.code == trc && err.message[0] != '\0');
  }
  awsc_arena_reset(arena, 0);
  /* the model-loading flavour: documentation skipped, no UTF-8 check */
  (void)awsc_jtree_parse(&root, arena, text, size,
                         AWSC_JPARSE_SKIP_DOCS | AWSC_JPARSE_NO_UTF8_CHECK,
                         &err);
  awsc_arena_free(arena);
  return 0;
}
