/*
 * tests/unit/credentials/test_process.c - credential_process with real
 * child processes: small shell scripts in a temp dir (good and bad JSON,
 * failing exits, versions, missing keys, expiration, quoting of
 * arguments, timeouts, signals, huge output, threads).
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "creds_test_util.h"

static log_capture cap;
static awsc_logger logger;
static char *dir;

#define GOOD_JSON                                                              \
  "{\"Version\": 1, \"AccessKeyId\": \"" T_AKID                                \
  "\", \"SecretAccessKey\": \"" T_SECRET "\", \"SessionToken\": \"" T_TOKEN    \
  "\"}"

/* Write dir/name as an executable script with body after the shebang. */
static char *script(const char *name, const char *body) {
  char text[4096];
  snprintf(text, sizeof(text), "#!/bin/sh\n%s\n", body);
  return tdir_write(dir, name, text, 0755);
}

/* A config whose default profile runs `command`; get once. */
static int run_process(const char *command, long timeout_ms,
                       awsc_credentials **out, awsc_error *err) {
  char text[4096];
  snprintf(text, sizeof(text), "[default]\ncredential_process = %s\n", command);
  char *cfgpath = tdir_write(dir, "config", text, 0600);
  test_env env = {0};
  awsc_config *cfg = tcfg_load(&env, NULL, cfgpath, NULL);
  free(cfgpath);
  if (!cfg)
    return -999;
  awsc_provider_options o = AWSC_PROVIDER_OPTIONS_INIT;
  o.logger = &logger;
  o.timeout_ms = timeout_ms;
  awsc_credentials_provider *p = NULL;
  int rc = awsc_provider_process_new_ex(&p, cfg, &o);
  if (rc == 0)
    rc = awsc_credentials_provider_get(out, p, err);
  awsc_credentials_provider_free(p);
  awsc_config_free(cfg);
  return rc;
}

/* Run a failing script; check code, message part and secret hygiene. */
static void expect_failure(const char *name, const char *body, int code,
                           const char *want) {
  char *path = script(name, body);
  awsc_credentials *c = (awsc_credentials *)1;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = run_process(path, 0, &c, &err);
  CHECK_INT(rc, code);
  CHECK(c == NULL);
  if (!strstr(err.message, want))
    fprintf(stderr, "%s: message '%s' lacks '%s'\n", name, err.message, want);
  CHECK(strstr(err.message, want) != NULL);
  CHECK(no_secret(err.message));
  free(path);
}

static void test_good_json(void) {
  char *path = script("good.sh", "echo '" GOOD_JSON "'\necho 'noise' >&2");
  awsc_credentials *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(run_process(path, 0, &c, &err), 0);
  CHECK_STR(awsc_credentials_access_key_id(c), T_AKID);
  CHECK_STR(awsc_credentials_secret_access_key(c), T_SECRET);
  CHECK_STR(awsc_credentials_session_token(c), T_TOKEN);
  CHECK_STR(awsc_credentials_source(c), "custom-process");
  CHECK_INT(awsc_credentials_expiration_ms(c), 0);
  CHECK(log_has(&cap, "Found credentials from credential_process"));
  awsc_credentials_free(c);
  free(path);
}

static void test_bad_json(void) {
  expect_failure("badjson.sh",
                 "echo '{\"Version\": 1, \"SecretAccessKey\": \"" T_SECRET
                 "\", oops'",
                 AWSC_ECREDENTIALS, "not a JSON object");
  expect_failure("empty.sh", "exit 0", AWSC_ECREDENTIALS, "not a JSON object");
}

static void test_exit_status(void) {
  expect_failure("fail.sh",
                 "echo '" GOOD_JSON "'\n"
                 "echo 'Token has expired; run sso login' >&2\n"
                 "echo 'second line' >&2\nexit 1",
                 AWSC_ECREDENTIALS,
                 "Error when retrieving credentials from custom-process: "
                 "credential_process exited with status 1: Token has "
                 "expired; run sso login");
  expect_failure("fail3.sh", "exit 3", AWSC_ECREDENTIALS,
                 "exited with status 3: (no error output)");
  expect_failure("signal.sh", "kill -9 $$", AWSC_ECREDENTIALS,
                 "killed by signal 9");
}

static void test_version_and_keys(void) {
  expect_failure("v2.sh",
                 "echo '{\"Version\": 2, \"AccessKeyId\": \"a\", "
                 "\"SecretAccessKey\": \"" T_SECRET "\"}'",
                 AWSC_ECREDENTIALS,
                 "Unsupported version '2' for credential process provider, "
                 "supported versions: 1");
  expect_failure("nosecret.sh",
                 "echo '{\"Version\": 1, \"AccessKeyId\": \"" T_AKID
                 "\", \"SessionToken\": \"" T_TOKEN "\"}'",
                 AWSC_ECREDENTIALS,
                 "Missing required key in response: 'SecretAccessKey'");
  expect_failure(
      "noversion.sh",
      "echo '{\"AccessKeyId\": \"a\", \"SecretAccessKey\": \"" T_SECRET "\"}'",
      AWSC_ECREDENTIALS, "<Version key not provided>");
}

static void test_expiration(void) {
  char exp[32], body[1024];
  iso_in(3600 * 1000LL, exp);
  snprintf(body, sizeof(body),
           "echo run >> '%s/exp_runs'\n"
           "echo '{\"Version\": 1, \"AccessKeyId\": \"" T_AKID
           "\", \"SecretAccessKey\": \"" T_SECRET
           "\", \"SessionToken\": \"" T_TOKEN "\", \"Expiration\": \"%s\"}'",
           dir, exp);
  char *path = script("exp.sh", body);
  awsc_credentials *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(run_process(path, 0, &c, &err), 0);
  int64_t want = awsc_time_now_ms() + 3600 * 1000LL;
  CHECK(awsc_credentials_expiration_ms(c) > want - 5000);
  CHECK(awsc_credentials_expiration_ms(c) < want + 5000);
  awsc_credentials_free(c);

  snprintf(body, sizeof(body),
           "echo '{\"Version\": 1, \"AccessKeyId\": \"a\", "
           "\"SecretAccessKey\": \"" T_SECRET "\", \"Expiration\": \"soon\"}'");
  free(path);
  expect_failure("badexp.sh", body, AWSC_ECREDENTIALS,
                 "Expiration 'soon' is not an ISO 8601 time");
}

/* Expiring process credentials behind the cache: fresh ones are reused,
 * ones inside the refresh window run the process again. */
static void test_expiration_cached_refresh(void) {
  char exp[32], body[1024];
  iso_in(90 * 1000LL, exp); /* 90 s left */
  char runs[600];
  snprintf(runs, sizeof(runs), "%s/cache_runs", dir);
  snprintf(body, sizeof(body),
           "echo run >> '%s'\n"
           "echo '{\"Version\": 1, \"AccessKeyId\": \"" T_AKID
           "\", \"SecretAccessKey\": \"" T_SECRET
           "\", \"Expiration\": \"%s\"}'",
           runs, exp);
  char *path = script("cached.sh", body);
  char text[1024];
  snprintf(text, sizeof(text), "[default]\ncredential_process = %s\n", path);
  char *cfgpath = tdir_write(dir, "config", text, 0600);
  test_env env = {0};
  awsc_config *cfg = tcfg_load(&env, NULL, cfgpath, NULL);
  awsc_credentials_provider *inner = NULL, *p = NULL;
  CHECK_INT(awsc_provider_process_new(&inner, cfg), 0);
  /* 60 s / 30 s windows: 90 s left is fresh. */
  awsc_cache_options co = {60000, 30000, &logger};
  CHECK_INT(awsc_provider_cached_new_ex(&p, inner, &co), 0);
  for (int i = 0; i < 3; i++) {
    awsc_credentials *c = NULL;
    CHECK_INT(awsc_credentials_provider_get(&c, p, NULL), 0);
    awsc_credentials_free(c);
  }
  awsc_credentials_provider_free(p);
  /* 120 s / 100 s windows: 90 s left is mandatory each time. */
  CHECK_INT(awsc_provider_process_new(&inner, cfg), 0);
  awsc_cache_options co2 = {120000, 100000, &logger};
  CHECK_INT(awsc_provider_cached_new_ex(&p, inner, &co2), 0);
  for (int i = 0; i < 2; i++) {
    awsc_credentials *c = NULL;
    CHECK_INT(awsc_credentials_provider_get(&c, p, NULL), 0);
    awsc_credentials_free(c);
  }
  awsc_credentials_provider_free(p);
  awsc_config_free(cfg);
  FILE *f = fopen(runs, "r");
  int n = 0, ch;
  while (f && (ch = fgetc(f)) != EOF)
    n += ch == '\n';
  if (f)
    fclose(f);
  CHECK_INT(n, 1 + 2); /* once for the first cache, twice for the second */
  free(path);
  free(cfgpath);
}

/* Arguments are split as shlex.split does and passed without a shell. */
static void test_quoted_arguments(void) {
  char body[1024];
  snprintf(body, sizeof(body),
           "printf '%%s\\n' \"$#\" \"$@\" > '%s/args.txt'\n"
           "echo '" GOOD_JSON "'",
           dir);
  char *path = script("args.sh", body);
  char cmd[2048];
  snprintf(cmd, sizeof(cmd),
           "%s 'a b' \"c \\\"d\\\" \\\\e \\n\" f\\ g \"\" 'x\"y'\tlast$HOME "
           "glob* ';' '|'",
           path);
  awsc_credentials *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(run_process(cmd, 0, &c, &err), 0);
  awsc_credentials_free(c);
  char apath[600];
  snprintf(apath, sizeof(apath), "%s/args.txt", dir);
  FILE *f = fopen(apath, "r");
  char got[1024] = "";
  if (f) {
    size_t n = fread(got, 1, sizeof(got) - 1, f);
    got[n] = '\0';
    fclose(f);
  }
  CHECK_STR(got, "9\n"
                 "a b\n"
                 "c \"d\" \\e \\n\n"
                 "f g\n"
                 "\n"
                 "x\"y\n"
                 "last$HOME\n"
                 "glob*\n"
                 ";\n"
                 "|\n");
  free(path);
}

static void test_bad_command_lines(void) {
  awsc_credentials *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(run_process("/bin/echo 'unterminated", 0, &c, &err), AWSC_ECONFIG);
  CHECK(strstr(err.message, "No closing quotation") != NULL);
  CHECK_INT(run_process("/bin/echo trailing\\", 0, &c, &err), AWSC_ECONFIG);
  CHECK(strstr(err.message, "No escaped character") != NULL);
  CHECK_INT(run_process("/nonexistent/awsc-helper --secret-arg", 0, &c, &err),
            AWSC_ECREDENTIALS);
  CHECK(strstr(err.message, "command not found: /nonexistent/awsc-helper") !=
        NULL);
  /* The rest of the command line may hold a secret: never echoed. */
  CHECK(strstr(err.message, "--secret-arg") == NULL);
  CHECK(strstr(cap.text, "--secret-arg") == NULL);

  /* No credential_process at all. */
  test_env env = {0};
  awsc_config *cfg = tcfg_load(&env, NULL, NULL, NULL);
  awsc_credentials_provider *p = NULL;
  CHECK_INT(awsc_provider_process_new(&p, cfg), 0);
  CHECK_INT(awsc_credentials_provider_get(&c, p, &err), AWSC_ENOTFOUND);
  awsc_credentials_provider_free(p);
  awsc_config_free(cfg);
  CHECK_INT(awsc_provider_process_new(&p, NULL), AWSC_EINVAL);
}

static void test_timeout(void) {
  char *path = script("slow.sh", "exec sleep 10");
  awsc_credentials *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  int64_t t0 = awsc_time_now_ms();
  CHECK_INT(run_process(path, 300, &c, &err), AWSC_ECREDENTIALS);
  int64_t took = awsc_time_now_ms() - t0;
  CHECK(strstr(err.message, "timed out after 300 ms") != NULL);
  CHECK(took >= 250 && took < 5000);
  free(path);

  /* Output closed but the helper lingers: still stopped at the limit. */
  path = script("linger.sh", "exec >&- 2>&-\nexec sleep 10");
  t0 = awsc_time_now_ms();
  CHECK_INT(run_process(path, 300, &c, &err), AWSC_ECREDENTIALS);
  took = awsc_time_now_ms() - t0;
  CHECK(strstr(err.message, "timed out after 300 ms") != NULL);
  CHECK(took >= 250 && took < 5000);
  free(path);
}

static void test_huge_output(void) {
  expect_failure("huge.sh", "head -c 2000000 /dev/zero | tr '\\0' 'a'",
                 AWSC_ECREDENTIALS, "wrote more than 1048576 bytes");
}

/* credential_process in the credentials file wins over the config file's
 * (botocore merges the credentials file over the profile). */
static void test_credentials_file_overrides(void) {
  char *good = script("good2.sh", "echo '" GOOD_JSON "'");
  char *bad = script("bad2.sh", "exit 7");
  char text[1024];
  snprintf(text, sizeof(text), "[default]\ncredential_process = %s\n", bad);
  char *cfgpath = tdir_write(dir, "config", text, 0600);
  snprintf(text, sizeof(text), "[default]\ncredential_process = %s\n", good);
  char *cpath = tdir_write(dir, "credentials", text, 0600);
  test_env env = {0};
  awsc_config *cfg = tcfg_load(&env, NULL, cfgpath, cpath);
  awsc_credentials_provider *p = NULL;
  awsc_credentials *c = NULL;
  CHECK_INT(awsc_provider_process_new(&p, cfg), 0);
  CHECK_INT(awsc_credentials_provider_get(&c, p, NULL), 0);
  CHECK_STR(awsc_credentials_access_key_id(c), T_AKID);
  awsc_credentials_free(c);
  awsc_credentials_provider_free(p);
  awsc_config_free(cfg);
  free(good);
  free(bad);
  free(cfgpath);
  free(cpath);
}

typedef struct tharg {
  awsc_credentials_provider *p;
  int ok;
} tharg;

static void *proc_thread(void *arg) {
  tharg *t = arg;
  for (int i = 0; i < 5; i++) {
    awsc_credentials *c = NULL;
    if (awsc_credentials_provider_get(&c, t->p, NULL) == 0 &&
        strcmp(awsc_credentials_secret_access_key(c), T_SECRET) == 0)
      t->ok++;
    awsc_credentials_free(c);
  }
  return NULL;
}

static void test_threads(void) {
  char *path = script("good3.sh", "echo '" GOOD_JSON "'");
  char text[1024];
  snprintf(text, sizeof(text), "[default]\ncredential_process = %s\n", path);
  char *cfgpath = tdir_write(dir, "config", text, 0600);
  test_env env = {0};
  awsc_config *cfg = tcfg_load(&env, NULL, cfgpath, NULL);
  awsc_credentials_provider *p = NULL;
  CHECK_INT(awsc_provider_process_new(&p, cfg), 0);
  pthread_t th[4];
  tharg args[4];
  for (int i = 0; i < 4; i++) {
    args[i].p = p;
    args[i].ok = 0;
    pthread_create(&th[i], NULL, proc_thread, &args[i]);
  }
  for (int i = 0; i < 4; i++) {
    pthread_join(th[i], NULL);
    CHECK_INT(args[i].ok, 5);
  }
  awsc_credentials_provider_free(p);
  awsc_config_free(cfg);
  free(path);
  free(cfgpath);
}

/* The helper gets stdin/stdout/stderr only (Python's close_fds=True). */
static void test_fds_not_inherited(void) {
  int fd = open("/dev/null", O_RDONLY); /* no O_CLOEXEC on purpose */
  CHECK(fd >= 0);
  CHECK_INT(dup2(fd, 77), 77);
  char *path = script("fds.sh", "if [ -e /proc/$$/fd/77 ]; then\n"
                                "  echo 'fd 77 leaked' >&2; exit 1\nfi\n"
                                "echo '" GOOD_JSON "'");
  awsc_credentials *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = run_process(path, 0, &c, &err);
  if (rc)
    fprintf(stderr, "fds: %s\n", err.message);
  CHECK_INT(rc, 0);
  awsc_credentials_free(c);
  close(77);
  close(fd);
  free(path);
}

static void test_log_has_no_secret(void) {
  CHECK(cap.len > 0);
  CHECK(no_secret(cap.text));
}

static void test_no_leaks(void) {
  CHECK_INT(test_alloc_live(), 0);
}

int main(void) {
  test_alloc_install();
  log_capture_init(&cap, &logger);
  dir = tdir_new();
  if (!dir) {
    printf("cannot make a temp dir\n");
    return 1;
  }
  RUN(test_good_json);
  RUN(test_bad_json);
  RUN(test_exit_status);
  RUN(test_version_and_keys);
  RUN(test_expiration);
  RUN(test_expiration_cached_refresh);
  RUN(test_quoted_arguments);
  RUN(test_bad_command_lines);
  RUN(test_timeout);
  RUN(test_huge_output);
  RUN(test_credentials_file_overrides);
  RUN(test_threads);
  RUN(test_fds_not_inherited);
  RUN(test_log_has_no_secret);
  RUN(test_no_leaks);
  tdir_remove(dir);
  return test_summary();
}
