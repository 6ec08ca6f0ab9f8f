/* tests/unit/credentials/creds_test_util.c - see creds_test_util.h. */
#include "creds_test_util.h"

#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

bool no_secret(const char *s) {
  if (!s)
    return true;
  static const char *const secrets[] = {T_SECRET, T_TOKEN,    T_SECRET2,
                                        T_TOKEN2, "SECRETzz", "TOKENzz"};
  for (size_t i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++)
    if (strstr(s, secrets[i]))
      return false;
  return true;
}

void tenv_set(test_env *e, const char *name, const char *value) {
  for (size_t i = 0; i < e->n; i++) {
    if (strcmp(e->names[i], name) == 0) {
      e->values[i] = value;
      return;
    }
  }
  if (e->n < TENV_MAX) {
    e->names[e->n] = name;
    e->values[e->n] = value;
    e->n++;
  }
}

const char *tenv_get(const char *name, void *user_data) {
  test_env *e = user_data;
  for (size_t i = 0; i < e->n; i++)
    if (strcmp(e->names[i], name) == 0)
      return e->values[i];
  return NULL;
}

char *tdir_new(void) {
  const char *base = getenv("TMPDIR");
  char tmpl[512];
  snprintf(tmpl, sizeof(tmpl), "%s/awsc-creds-XXXXXX",
           base && *base ? base : "/tmp");
  char *d = mkdtemp(tmpl);
  return d ? strdup(d) : NULL;
}

static int rm_one(const char *path, const struct stat *st, int flag,
                  struct FTW *ftw) {
  (void)st;
  (void)flag;
  (void)ftw;
  return remove(path);
}

void tdir_remove(char *dir) {
  if (!dir)
    return;
  nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
  free(dir);
}

char *tdir_write(const char *dir, const char *name, const char *content,
                 int mode) {
  size_t n = strlen(dir) + strlen(name) + 2;
  char *path = malloc(n);
  if (!path)
    return NULL;
  snprintf(path, n, "%s/%s", dir, name);
  FILE *f = fopen(path, "wb");
  if (!f) {
    free(path);
    return NULL;
  }
  fputs(content, f);
  fclose(f);
  chmod(path, (mode_t)mode);
  return path;
}

awsc_config *tcfg_load(test_env *env, const char *profile,
                       const char *config_path, const char *creds_path) {
  awsc_config_source src;
  memset(&src, 0, sizeof(src));
  src.getenv = tenv_get;
  src.getenv_user_data = env;
  src.profile = profile;
  src.config_file = config_path ? config_path : "/nonexistent/awsc/config";
  src.credentials_file =
      creds_path ? creds_path : "/nonexistent/awsc/credentials";
  awsc_config *cfg = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = awsc_config_load(&cfg, &src, &err);
  if (rc) {
    fprintf(stderr, "awsc_config_load failed: %d %s\n", rc, err.message);
    return NULL;
  }
  return cfg;
}

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static void capture_fn(awsc_log_level level, const char *message,
                       void *user_data) {
  log_capture *c = user_data;
  pthread_mutex_lock(&log_lock);
  if (level >= AWSC_LOG_WARN)
    c->warnings++;
  size_t n = strlen(message);
  if (c->len + n + 2 < sizeof(c->text)) {
    memcpy(c->text + c->len, message, n);
    c->len += n;
    c->text[c->len++] = '\n';
    c->text[c->len] = '\0';
  }
  pthread_mutex_unlock(&log_lock);
}

void log_capture_init(log_capture *c, awsc_logger *logger) {
  memset(c, 0, sizeof(*c));
  logger->fn = capture_fn;
  logger->user_data = c;
  logger->level = AWSC_LOG_TRACE;
}

bool log_has(const log_capture *c, const char *needle) {
  return strstr(c->text, needle) != NULL;
}

void iso_in(long long offset_ms, char out[32]) {
  time_t t = (time_t)((awsc_time_now_ms() + offset_ms) / 1000);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
