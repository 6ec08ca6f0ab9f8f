/*
 * tests/fuzz/fuzz_util.c - see fuzz_util.h.
 */
#include "fuzz_util.h"

#include <stdio.h>
#include <stdlib.h>

_Noreturn void fuzz_fail(const char *file, int line, const char *what) {
  fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
  abort();
}

char *fuzz_model_text(const char *rel, size_t *len) {
  char path[4096];
  snprintf(path, sizeof(path), "%s/%s", AWSC_FUZZ_MODELS_DIR, rel);
  FILE *f = fopen(path, "rb");
  char *p = NULL;
  long n = -1;
  if (f && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
      fseek(f, 0, SEEK_SET) == 0 && (p = malloc((size_t)n + 1)) != NULL &&
      fread(p, 1, (size_t)n, f) == (size_t)n) {
    p[n] = '\0';
    *len = (size_t)n;
    fclose(f);
    return p;
  }
  fprintf(stderr, "fuzz: cannot read %s\n", path);
  abort();
}

const awsc_service *fuzz_service(const char *rel) {
  size_t n;
  char *text = fuzz_model_text(rel, &n);
  awsc_arena *arena = awsc_arena_new(0);
  awsc_service *svc = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  if (!arena || awsc_service_from_json(&svc, arena, text, n, &err) != 0) {
    fprintf(stderr, "fuzz: cannot load %s: %s\n", rel, err.message);
    abort();
  }
  free(text);
  /* the arena stays for the process: svc lives in it */
  return svc;
}

const awsc_operation *fuzz_operation(const awsc_service *svc,
                                     const char *name) {
  const awsc_operation *op = awsc_service_find_operation(svc, name);
  if (!op) {
    fprintf(stderr, "fuzz: the model has no operation %s\n", name);
    abort();
  }
  return op;
}
