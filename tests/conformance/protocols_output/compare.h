/*
 * tests/conformance/protocols_output/compare.h - helpers shared by the
 * output conformance runners: file loading, JSON re-emission, and a
 * structural comparison of a parsed awsc_value with an expected JSON
 * value the way botocore's runners compare dicts.
 */
#ifndef AWSC_TESTS_PROTOCOLS_OUTPUT_COMPARE_H
#define AWSC_TESTS_PROTOCOLS_OUTPUT_COMPARE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/core.h"
#include "runtime/jtree.h"
#include "runtime/value.h"

/* Whole file, NUL-terminated, malloc'ed (free with free()); NULL on error. */
char *cmp_slurp(const char *path, size_t *len);

/* JSON text of a tree node (compact). 0 or AWSC_ENOMEM. */
int cmp_emit_json(awsc_buf *b, const awsc_jnode *n);

/* Compare `got` with `want`.
 * - objects/maps: same key sets, values compared recursively;
 * - arrays/lists: same length and items;
 * - strings match strings and blobs byte for byte (botocore's runner
 *   turns bytes into str); "NaN", "Infinity", "-Infinity" match doubles;
 * - numbers match ints exactly, doubles at float precision (relative
 *   6e-8), and timestamps (expected seconds, 1 ms tolerance);
 * - when ts_strings, an expected string matches a timestamp denoting the
 *   same instant (identity timestamp parser fixtures).
 * On mismatch returns false and appends "path: what" to `why`. */
bool cmp_value(const awsc_value *got, const awsc_jnode *want, bool ts_strings,
               awsc_buf *why);

/* Short text of a value for messages (appended to b). */
void cmp_print_value(awsc_buf *b, const awsc_value *v, int depth);

#endif
