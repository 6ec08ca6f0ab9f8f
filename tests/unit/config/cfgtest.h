/*
 * tests/unit/config/cfgtest.h - helpers of the config tests: a fake
 * environment for the getenv hooks and files under a private temp dir.
 */
#ifndef AWSC_TESTS_CFGTEST_H
#define AWSC_TESTS_CFGTEST_H

#include <stddef.h>

#define TEST_ENV_MAX 64

/* A fake environment: only what a test puts in it is visible, so the
 * developer's own AWS_* variables and ~/.aws never leak into a test. */
typedef struct test_env {
  const char *names[TEST_ENV_MAX];
  char *values[TEST_ENV_MAX];
  size_t n;
} test_env;

/* Set (value non-NULL) or remove (NULL) a variable; values are copied. */
void test_env_set(test_env *env, const char *name, const char *value);
void test_env_clear(test_env *env);
/* The hook: user_data is a test_env *. */
const char *test_env_get(const char *name, void *user_data);

/* The private directory of this test run (mkdtemp, made on first use). */
const char *test_tmpdir(void);
/* Write `content` to tmpdir/name (sub-directories made as needed) and
 * return the full path (static storage per call slot: copy it if it must
 * survive 8 more calls). NULL content removes the file. */
const char *test_write_file(const char *name, const char *content);
/* Full path of tmpdir/name without touching the file (same storage). */
const char *test_path(const char *name);
/* Remove the temp dir and everything in it. */
void test_tmp_cleanup(void);

/* test_read_file: tests/common/test.h */

#endif
