/*
 * tests/fuzz/fuzz_pagination_token.c - libFuzzer target for the reader of
 * user-supplied pagination StartingTokens (lib/client/paginate_token.c:
 * base64 of a JSON object as botocore writes it, else botocore's old
 * "a___b___index" form, else the token itself), a JSON reader fed by the
 * caller.
 *
 * Input: byte 0 picks the paginator's input token names (one, as
 * ListObjectsV2; three, as ListObjectVersions); the rest is the token (up
 * to its first NUL, as a C string). Checks: a failure is a documented
 * status with a message; a success gives JSON texts that the JSON reader
 * accepts, and encoding them again as a resume token decodes to the same
 * texts and index.
 */
#include <stdlib.h>
#include <string.h>

#include "client/paginate_internal.h"
#include "fuzz_util.h"
#include "runtime/jtree.h"

static const char *const one[] = {"ContinuationToken"};
static const char *const three[] = {"KeyMarker", "VersionIdMarker", "Marker"};

static void free_texts(char **t, size_t n) {
  for (size_t i = 0; i < n; i++)
    awsc_free(t[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  const char *const *names = (data[0] & 1) ? three : one;
  size_t n = (data[0] & 1) ? 3 : 1;
  char *token = malloc(size);
  FUZZ_CHECK(token != NULL);
  memcpy(token, data + 1, size - 1);
  token[size - 1] = '\0';

  char *texts[3];
  int64_t index = 0;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = awsc_starting_token_decode(token, names, n, texts, &index, &err);
  if (rc != 0) {
    FUZZ_CHECK(rc == AWSC_EINVAL || rc == AWSC_EUNSUPPORTED ||
               rc == AWSC_ENOMEM);
    FUZZ_CHECK(err.code == rc && err.message[0] != '\0');
    for (size_t i = 0; i < n; i++)
      FUZZ_CHECK(texts[i] == NULL);
    free(token);
    return 0;
  }
  awsc_arena *a = awsc_arena_new(0);
  FUZZ_CHECK(a != NULL);
  for (size_t i = 0; i < n; i++) {
    if (!texts[i])
      continue;
    awsc_jnode *root;
    FUZZ_CHECK(
        awsc_jtree_parse(&root, a, texts[i], strlen(texts[i]), 0, NULL) == 0);
  }
  awsc_arena_free(a);
  if (index >= 0) {
    char *again = NULL;
    FUZZ_CHECK(awsc_resume_token_encode(&again, names, texts, n, index) == 0);
    char *texts2[3];
    int64_t index2 = -1;
    FUZZ_CHECK(awsc_starting_token_decode(again, names, n, texts2, &index2,
                                          &err) == 0);
    FUZZ_CHECK(index2 == index);
    for (size_t i = 0; i < n; i++)
      FUZZ_CHECK((texts[i] == NULL && texts2[i] == NULL) ||
                 (texts[i] && texts2[i] && strcmp(texts[i], texts2[i]) == 0));
    free_texts(texts2, n);
    awsc_free(again);
  }
  free_texts(texts, n);
  free(token);
  return 0;
}
