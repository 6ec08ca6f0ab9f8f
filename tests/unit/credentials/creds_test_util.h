/*
 * tests/unit/credentials/creds_test_util.h - shared scaffolding for the
 * credential provider tests: an injected environment, temp files, a
 * config built from them, a capturing logger and the secrets to look for.
 */
#ifndef AWSC_TEST_CREDS_UTIL_H
#define AWSC_TEST_CREDS_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include "config/config.h"
#include "credentials/credentials_internal.h"
#include "test.h"

/* Distinctive secrets: every failure test checks they are not in the
 * error message, and every test checks they never reach the log. */
#define T_AKID "AKIDTESTEXAMPLE0001"
#define T_SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzSECRETzz1"
#define T_TOKEN "IQoJb3JpZ2luX2VjEXAMPLETOKENzzTOKENzz1"
#define T_SECRET2 "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzSECRETzz2"
#define T_TOKEN2 "IQoJb3JpZ2luX2VjEXAMPLETOKENzzTOKENzz2"

/* True when none of the test secrets occurs in s. */
bool no_secret(const char *s);

/* ---- an injected environment ---- */
#define TENV_MAX 48
typedef struct test_env {
  const char *names[TENV_MAX];
  const char *values[TENV_MAX];
  size_t n;
} test_env;

void tenv_set(test_env *e, const char *name, const char *value);
const char *tenv_get(const char *name, void *user_data);

/* ---- temp directory and files ---- */
/* A fresh directory under $TMPDIR or /tmp; free with tdir_remove. */
char *tdir_new(void);
void tdir_remove(char *dir);
/* Write dir/name (mode e.g. 0600 or 0755); returns the malloc'd path. */
char *tdir_write(const char *dir, const char *name, const char *content,
                 int mode);

/* awsc_config_load with env as the whole environment (HOME is left unset
 * so nothing from the real ~/.aws leaks in). Files may be NULL (an empty
 * placeholder path in dir is used). Returns NULL and prints on failure. */
awsc_config *tcfg_load(test_env *env, const char *profile,
                       const char *config_path, const char *creds_path);

/* ---- capturing logger ---- */
typedef struct log_capture {
  char text[262144];
  size_t len;
  int warnings;
} log_capture;

void log_capture_init(log_capture *c, awsc_logger *logger);
bool log_has(const log_capture *c, const char *needle);

/* ISO 8601 "YYYY-MM-DDTHH:MM:SSZ" for now + offset_ms. */
void iso_in(long long offset_ms, char out[32]);

#endif
