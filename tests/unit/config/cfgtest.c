#include "cfgtest.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void test_env_set(test_env *env, const char *name, const char *value) {
  for (size_t i = 0; i < env->n; i++) {
    if (strcmp(env->names[i], name) == 0) {
      free(env->values[i]);
      if (value) {
        env->values[i] = strdup(value);
      } else {
        env->n--;
        env->names[i] = env->names[env->n];
        env->values[i] = env->values[env->n];
      }
      return;
    }
  }
  if (!value || env->n == TEST_ENV_MAX)
    return;
  env->names[env->n] = name;
  env->values[env->n] = strdup(value);
  env->n++;
}

void test_env_clear(test_env *env) {
  for (size_t i = 0; i < env->n; i++)
    free(env->values[i]);
  env->n = 0;
}

const char *test_env_get(const char *name, void *user_data) {
  const test_env *env = user_data;
  for (size_t i = 0; i < env->n; i++)
    if (strcmp(env->names[i], name) == 0)
      return env->values[i];
  return NULL;
}

static char tmpdir[256];

const char *test_tmpdir(void) {
  if (!tmpdir[0]) {
    const char *base = getenv("TMPDIR");
    snprintf(tmpdir, sizeof(tmpdir), "%s/awsc-config-test-XXXXXX",
             base && *base ? base : "/tmp");
    if (!mkdtemp(tmpdir)) {
      perror("mkdtemp");
      exit(2);
    }
  }
  return tmpdir;
}

static char slots[8][1024];
static unsigned slot;

const char *test_path(const char *name) {
  char *p = slots[slot++ % 8];
  snprintf(p, 1024, "%s/%s", test_tmpdir(), name);
  return p;
}

static void make_parents(const char *path) {
  char buf[1024];
  snprintf(buf, sizeof(buf), "%s", path);
  for (char *s = buf + strlen(test_tmpdir()) + 1; *s; s++) {
    if (*s == '/') {
      *s = '\0';
      mkdir(buf, 0700);
      *s = '/';
    }
  }
}

const char *test_write_file(const char *name, const char *content) {
  const char *p = test_path(name);
  if (!content) {
    unlink(p);
    return p;
  }
  make_parents(p);
  FILE *f = fopen(p, "wb");
  if (!f) {
    perror(p);
    exit(2);
  }
  fwrite(content, 1, strlen(content), f);
  fclose(f);
  return p;
}

static int rm_one(const char *path, const struct stat *st, int flag,
                  struct FTW *ftw) {
  (void)st;
  (void)flag;
  (void)ftw;
  return remove(path);
}

void test_tmp_cleanup(void) {
  if (tmpdir[0])
    nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}
