/*
 * tests/fuzz/fuzz_util.h - what several fuzz targets share: model files
 * loaded once per process (from the source tree, AWSC_FUZZ_MODELS_DIR, set
 * by tests/fuzz/meson.build), and a check that aborts with a reason so
 * that libFuzzer keeps the input and the replay names the failure.
 */
#ifndef AWSC_TESTS_FUZZ_UTIL_H
#define AWSC_TESTS_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "runtime/descriptor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Abort (after printing where and why) unless cond holds. */
#define FUZZ_CHECK(cond)                                                       \
  do {                                                                         \
    if (!(cond))                                                               \
      fuzz_fail(__FILE__, __LINE__, #cond);                                    \
  } while (0)
_Noreturn void fuzz_fail(const char *file, int line, const char *what);

/* models/<rel> as malloc'd, NUL-terminated text (kept for the process:
 * the rule sets borrow nothing, but loading is once anyway). Aborts when
 * the file can not be read: a target without its model tests nothing. */
char *fuzz_model_text(const char *rel, size_t *len);

/* The service of models/<rel> (a service-2.json), built once and kept. */
const awsc_service *fuzz_service(const char *rel);

/* Operation `name` of svc; aborts when the model lacks it. */
const awsc_operation *fuzz_operation(const awsc_service *svc, const char *name);

#endif
