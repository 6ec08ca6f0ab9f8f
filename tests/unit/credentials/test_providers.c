/*
 * tests/unit/credentials/test_providers.c - the environment and shared
 * file providers and the default chain (order, role slot, skip_env,
 * caching), with an injected environment and temp files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "creds_test_util.h"

static log_capture cap; /* all providers log here; checked for secrets */
static awsc_logger logger;
static char *dir; /* temp dir of this run */

static awsc_provider_options popts(void) {
  awsc_provider_options o = AWSC_PROVIDER_OPTIONS_INIT;
  o.logger = &logger;
  return o;
}

/* Get from a fresh provider made by ctor; returns the status. */
typedef int (*ctor_fn)(awsc_credentials_provider **, const awsc_config *,
                       const awsc_provider_options *);

static int get_with(ctor_fn ctor, awsc_config *cfg, awsc_credentials **out,
                    awsc_error *err) {
  awsc_credentials_provider *p = NULL;
  awsc_provider_options o = popts();
  int rc = ctor(&p, cfg, &o);
  if (rc)
    return rc;
  rc = awsc_credentials_provider_get(out, p, err);
  awsc_credentials_provider_free(p);
  return rc;
}

/* ---- env ---- */

static void test_env_full(void) {
  test_env env = {0};
  tenv_set(&env, "AWS_ACCESS_KEY_ID", T_AKID);
  tenv_set(&env, "AWS_SECRET_ACCESS_KEY", T_SECRET);
  tenv_set(&env, "AWS_SESSION_TOKEN", T_TOKEN);
  awsc_config *cfg = tcfg_load(&env, NULL, NULL, NULL);
  CHECK(cfg != NULL);
  awsc_credentials *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(get_with(awsc_provider_env_new_ex, cfg, &c, &err), 0);
  CHECK_STR(awsc_credentials_access_key_id(c), T_AKID);
  CHECK_STR(awsc_credentials_secret_access_key(c), T_SECRET);
  CHECK_STR(awsc_credentials_session_token(c), T_TOKEN);
  CHECK_STR(awsc_credentials_source(c), "env");
  CHECK_INT(awsc_credentials_expiration_ms(c), 0);
  CHECK(log_has(&cap, "Found credentials in environment variables."));
  awsc_credentials_free(c);

  /* botocore looks at the legacy AWS_SECURITY_TOKEN first. */
  tenv_set(&env, "AWS_SECURITY_TOKEN", T_TOKEN2);
  CHECK_INT(get_with(awsc_provider_env_new_ex, cfg, &c, &err), 0);
  CHECK_STR(awsc_credentials_session_token(c), T_TOKEN2);
  awsc_credentials_free(c);

  /* The plain constructor works as well. */
  awsc_credentials_provider *p = NULL;
  CHECK_INT(awsc_provider_env_new(&p, cfg), 0);
  CHECK_STR(p->vtable->name, "env");
  CHECK_INT(awsc_credentials_provider_get(&c, p, NULL), 0);
  awsc_credentials_free(c);
  awsc_credentials_provider_free(p);
  CHECK_INT(awsc_provider_env_new(&p, NULL), AWSC_EINVAL);
  awsc_config_free(cfg);
}

static void test_env_absent_and_partial(void) {
  test_env env = {0};
  awsc_config *cfg = tcfg_load(&env, NULL, NULL, NULL);
  awsc_credentials *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(get_with(awsc_provider_env_new_ex, cfg, &c, &err), AWSC_ENOTFOUND);
  awsc_config_free(cfg);

  tenv_set(&env, "AWS_ACCESS_KEY_ID", T_AKID);
  tenv_set(&env, "AWS_SESSION_TOKEN", T_TOKEN);
  cfg = tcfg_load(&env, NULL, NULL, NULL);
  CHECK_INT(get_with(awsc_provider_env_new_ex, cfg, &c, &err),
            AWSC_ECREDENTIALS);
  CHECK_STR(err.message, "Partial credentials found in env, missing: "
                         "AWS_SECRET_ACCESS_KEY");
  CHECK_INT(err.kind, AWSC_ERROR_CREDENTIALS);
  CHECK(no_secret(err.message));
  awsc_config_free(cfg);

  /* A secret without a key is simply "not here" (botocore). */
  test_env env2 = {0};
  tenv_set(&env2, "AWS_SECRET_ACCESS_KEY", T_SECRET);
  cfg = tcfg_load(&env2, NULL, NULL, NULL);
  CHECK_INT(get_with(awsc_provider_env_new_ex, cfg, &c, &err), AWSC_ENOTFOUND);
  CHECK(no_secret(err.message));
  awsc_config_free(cfg);

  /* Empty values count as unset. */
  test_env env3 = {0};
  tenv_set(&env3, "AWS_ACCESS_KEY_ID", "");
  tenv_set(&env3, "AWS_SECRET_ACCESS_KEY", T_SECRET);
  cfg = tcfg_load(&env3, NULL, NULL, NULL);
  CHECK_INT(get_with(awsc_provider_env_new_ex, cfg, &c, &err), AWSC_ENOTFOUND);
  awsc_config_free(cfg);
}

static void test_env_expiration(void) {
  test_env env = {0};
  tenv_set(&env, "AWS_ACCESS_KEY_ID", T_AKID);
  tenv_set(&env, "AWS_SECRET_ACCESS_KEY", T_SECRET);
  tenv_set(&env, "AWS_CREDENTIAL_EXPIRATION", "2031-02-03T04:05:06Z");
  awsc_config *cfg = tcfg_load(&env, NULL, NULL, NULL);
  awsc_credentials *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(get_with(awsc_provider_env_new_ex, cfg, &c, &err), 0);
  CHECK_INT(awsc_credentials_expiration_ms(c), 1927857906000LL);
  awsc_credentials_free(c);
  awsc_config_free(cfg);

  tenv_set(&env, "AWS_CREDENTIAL_EXPIRATION", "next tuesday");
  cfg = tcfg_load(&env, NULL, NULL, NULL);
  CHECK_INT(get_with(awsc_provider_env_new_ex, cfg, &c, &err), AWSC_ECONFIG);
  CHECK(strstr(err.message, "AWS_CREDENTIAL_EXPIRATION") != NULL);
  CHECK(no_secret(err.message));
  awsc_config_free(cfg);
}

/* ---- shared files ---- */

static const char *creds_file_text = "[default]\n"
                                     "aws_access_key_id = AKIDCREDSFILE\n"
                                     "aws_secret_access_key = " T_SECRET "\n"
                                     "[dev]\n"
                                     "aws_access_key_id = AKIDDEV\n"
                                     "aws_secret_access_key = " T_SECRET2 "\n"
                                     "aws_session_token = " T_TOKEN "\n"
                                     "[both]\n"
                                     "aws_access_key_id = AKIDBOTH\n"
                                     "aws_secret_access_key = " T_SECRET2 "\n"
                                     "aws_session_token = " T_TOKEN "\n"
                                     "aws_security_token = " T_TOKEN2 "\n"
                                     "[partial]\n"
                                     "aws_access_key_id = AKIDPARTIAL\n"
                                     "aws_session_token = " T_TOKEN "\n"
                                     "[secretonly]\n"
                                     "aws_secret_access_key = " T_SECRET "\n";

static const char *config_file_text = "[default]\n"
                                      "region = us-east-1\n"
                                      "aws_access_key_id = AKIDCONFIG\n"
                                      "aws_secret_access_key = " T_SECRET "\n"
                                      "[profile dev]\n"
                                      "aws_access_key_id = AKIDCONFIGDEV\n"
                                      "aws_secret_access_key = " T_SECRET2 "\n"
                                      "aws_security_token = " T_TOKEN2 "\n"
                                      "[profile partial]\n"
                                      "aws_access_key_id = AKIDCONFIGPARTIAL\n"
                                      "[profile nokeys]\n"
                                      "region = eu-west-1\n";

static void test_shared_credentials_file(void) {
  char *cpath = tdir_write(dir, "credentials", creds_file_text, 0600);
  test_env env = {0};
  awsc_credentials *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;

  awsc_config *cfg = tcfg_load(&env, NULL, NULL, cpath);
  CHECK_INT(get_with(awsc_provider_shared_credentials_new_ex, cfg, &c, &err),
            0);
  CHECK_STR(awsc_credentials_access_key_id(c), "AKIDCREDSFILE");
  CHECK_STR(awsc_credentials_secret_access_key(c), T_SECRET);
  CHECK(awsc_credentials_session_token(c) == NULL);
  CHECK_STR(awsc_credentials_source(c), "shared-credentials-file");
  CHECK(log_has(&cap, "shared credentials file"));
  CHECK(log_has(&cap, cpath));
  awsc_credentials_free(c);
  awsc_config_free(cfg);

  cfg = tcfg_load(&env, "dev", NULL, cpath);
  CHECK_INT(get_with(awsc_provider_shared_credentials_new_ex, cfg, &c, &err),
            0);
  CHECK_STR(awsc_credentials_access_key_id(c), "AKIDDEV");
  CHECK_STR(awsc_credentials_session_token(c), T_TOKEN);
  awsc_credentials_free(c);
  awsc_config_free(cfg);

  cfg = tcfg_load(&env, "both", NULL, cpath);
  CHECK_INT(get_with(awsc_provider_shared_credentials_new_ex, cfg, &c, &err),
            0);
  CHECK_STR(awsc_credentials_session_token(c), T_TOKEN2);
  awsc_credentials_free(c);
  awsc_config_free(cfg);

  cfg = tcfg_load(&env, "partial", NULL, cpath);
  CHECK_INT(get_with(awsc_provider_shared_credentials_new_ex, cfg, &c, &err),
            AWSC_ECREDENTIALS);
  CHECK_STR(err.message, "Partial credentials found in "
                         "shared-credentials-file, missing: "
                         "aws_secret_access_key");
  CHECK(no_secret(err.message));
  awsc_config_free(cfg);

  cfg = tcfg_load(&env, "secretonly", NULL, cpath);
  CHECK_INT(get_with(awsc_provider_shared_credentials_new_ex, cfg, &c, &err),
            AWSC_ENOTFOUND);
  CHECK(no_secret(err.message));
  awsc_config_free(cfg);

  /* No file at all. */
  cfg = tcfg_load(&env, NULL, NULL, NULL);
  CHECK_INT(get_with(awsc_provider_shared_credentials_new_ex, cfg, &c, &err),
            AWSC_ENOTFOUND);
  awsc_config_free(cfg);

  awsc_credentials_provider *p = NULL;
  CHECK_INT(awsc_provider_shared_credentials_new(&p, NULL), AWSC_EINVAL);
  free(cpath);
}

static void test_shared_config_file(void) {
  char *cfgpath = tdir_write(dir, "config", config_file_text, 0600);
  char *cpath = tdir_write(dir, "credentials", creds_file_text, 0600);
  test_env env = {0};
  awsc_credentials *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;

  awsc_config *cfg = tcfg_load(&env, NULL, cfgpath, cpath);
  CHECK_INT(get_with(awsc_provider_shared_config_new_ex, cfg, &c, &err), 0);
  CHECK_STR(awsc_credentials_access_key_id(c), "AKIDCONFIG");
  CHECK_STR(awsc_credentials_source(c), "config-file");
  CHECK(log_has(&cap, "config file"));
  awsc_credentials_free(c);
  awsc_config_free(cfg);

  cfg = tcfg_load(&env, "dev", cfgpath, cpath);
  CHECK_INT(get_with(awsc_provider_shared_config_new_ex, cfg, &c, &err), 0);
  CHECK_STR(awsc_credentials_access_key_id(c), "AKIDCONFIGDEV");
  CHECK_STR(awsc_credentials_secret_access_key(c), T_SECRET2);
  CHECK_STR(awsc_credentials_session_token(c), T_TOKEN2);
  awsc_credentials_free(c);
  awsc_config_free(cfg);

  cfg = tcfg_load(&env, "partial", cfgpath, cpath);
  CHECK_INT(get_with(awsc_provider_shared_config_new_ex, cfg, &c, &err),
            AWSC_ECREDENTIALS);
  CHECK_STR(err.message, "Partial credentials found in config-file, missing: "
                         "aws_secret_access_key");
  awsc_config_free(cfg);

  /* The config provider does not read the credentials file's keys. */
  cfg = tcfg_load(&env, "nokeys", cfgpath, cpath);
  CHECK_INT(get_with(awsc_provider_shared_config_new_ex, cfg, &c, &err),
            AWSC_ENOTFOUND);
  awsc_config_free(cfg);
  cfg = tcfg_load(&env, "both", cfgpath, cpath);
  CHECK_INT(get_with(awsc_provider_shared_config_new_ex, cfg, &c, &err),
            AWSC_ENOTFOUND);
  awsc_config_free(cfg);

  awsc_credentials_provider *p = NULL;
  CHECK_INT(awsc_provider_shared_config_new(&p, NULL), AWSC_EINVAL);
  free(cfgpath);
  free(cpath);
}

/* ---- default chain ---- */

/* A credential_process script that counts its runs in dir/runs. */
static char *write_counting_process(const char *akid) {
  char script[1024];
  snprintf(script, sizeof(script),
           "#!/bin/sh\n"
           "echo run >> '%s/runs'\n"
           "printf '%%s' '{\"Version\": 1, \"AccessKeyId\": \"%s\", "
           "\"SecretAccessKey\": \"" T_SECRET "\"}'\n",
           dir, akid);
  return tdir_write(dir, "proc.sh", script, 0755);
}

static int count_runs(void) {
  char path[600];
  snprintf(path, sizeof(path), "%s/runs", dir);
  FILE *f = fopen(path, "r");
  if (!f)
    return 0;
  int n = 0, ch;
  while ((ch = fgetc(f)) != EOF)
    n += ch == '\n';
  fclose(f);
  return n;
}

static int chain_get(awsc_config *cfg, awsc_transport *transport,
                     const awsc_default_chain_options *opts,
                     awsc_credentials **out, awsc_error *err) {
  awsc_credentials_provider *p = NULL;
  int rc = opts ? awsc_credentials_default_chain_new_ex(&p, cfg, transport,
                                                        opts, err)
                : awsc_credentials_default_chain_new(&p, cfg, transport, NULL,
                                                     &logger, err);
  if (rc)
    return rc;
  rc = awsc_credentials_provider_get(out, p, err);
  awsc_credentials_provider_free(p);
  return rc;
}

static void test_default_chain_order(void) {
  char *proc = write_counting_process("AKIDPROCESS");
  char cfgtext[2048];
  snprintf(cfgtext, sizeof(cfgtext),
           "[default]\n"
           "aws_access_key_id = AKIDCONFIG\n"
           "aws_secret_access_key = " T_SECRET "\n"
           "credential_process = %s\n"
           "[profile onlyconfig]\n"
           "aws_access_key_id = AKIDONLYCONFIG\n"
           "aws_secret_access_key = " T_SECRET "\n"
           "[profile empty]\n"
           "region = us-east-1\n",
           proc);
  char *cfgpath = tdir_write(dir, "config", cfgtext, 0600);
  char *cpath = tdir_write(dir, "credentials", creds_file_text, 0600);
  awsc_credentials *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;

  /* 1. env beats everything. */
  test_env env = {0};
  tenv_set(&env, "AWS_ACCESS_KEY_ID", T_AKID);
  tenv_set(&env, "AWS_SECRET_ACCESS_KEY", T_SECRET);
  awsc_config *cfg = tcfg_load(&env, NULL, cfgpath, cpath);
  CHECK_INT(chain_get(cfg, NULL, NULL, &c, &err), 0);
  CHECK_STR(awsc_credentials_source(c), "env");
  awsc_credentials_free(c);
  awsc_config_free(cfg);

  /* 2. then the credentials file. */
  test_env none = {0};
  cfg = tcfg_load(&none, NULL, cfgpath, cpath);
  CHECK_INT(chain_get(cfg, NULL, NULL, &c, &err), 0);
  CHECK_STR(awsc_credentials_source(c), "shared-credentials-file");
  CHECK_STR(awsc_credentials_access_key_id(c), "AKIDCREDSFILE");
  awsc_credentials_free(c);
  awsc_config_free(cfg);
  CHECK_INT(count_runs(), 0);

  /* 3. then credential_process, before the config file's keys (botocore's
   *    ProfileProviderBuilder order). */
  cfg = tcfg_load(&none, NULL, cfgpath, NULL);
  CHECK_INT(chain_get(cfg, NULL, NULL, &c, &err), 0);
  CHECK_STR(awsc_credentials_source(c), "custom-process");
  CHECK_STR(awsc_credentials_access_key_id(c), "AKIDPROCESS");
  awsc_credentials_free(c);
  awsc_config_free(cfg);
  CHECK_INT(count_runs(), 1);

  /* 4. then the config file. */
  cfg = tcfg_load(&none, "onlyconfig", cfgpath, NULL);
  CHECK_INT(chain_get(cfg, NULL, NULL, &c, &err), 0);
  CHECK_STR(awsc_credentials_source(c), "config-file");
  awsc_credentials_free(c);
  awsc_config_free(cfg);

  /* 5. nothing: container and IMDS are left out without a transport, even
   *    when the container variable is set. */
  test_env ctr = {0};
  tenv_set(&ctr, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/creds");
  cfg = tcfg_load(&ctr, "empty", cfgpath, NULL);
  CHECK_INT(chain_get(cfg, NULL, NULL, &c, &err), AWSC_ENOTFOUND);
  CHECK_STR(err.message, "Unable to locate credentials");
  awsc_config_free(cfg);

  /* 6. a partial env stops the chain (no silent fall-through). */
  test_env partial = {0};
  tenv_set(&partial, "AWS_ACCESS_KEY_ID", T_AKID);
  cfg = tcfg_load(&partial, NULL, cfgpath, cpath);
  CHECK_INT(chain_get(cfg, NULL, NULL, &c, &err), AWSC_ECREDENTIALS);
  CHECK(strstr(err.message, "Partial credentials found in env") != NULL);
  awsc_config_free(cfg);

  free(proc);
  free(cfgpath);
  free(cpath);
}

static void test_default_chain_caches(void) {
  char path[600];
  snprintf(path, sizeof(path), "%s/runs", dir);
  remove(path);
  char *proc = write_counting_process("AKIDPROCESS");
  char cfgtext[1024];
  snprintf(cfgtext, sizeof(cfgtext), "[default]\ncredential_process = %s\n",
           proc);
  char *cfgpath = tdir_write(dir, "config", cfgtext, 0600);
  test_env none = {0};
  awsc_config *cfg = tcfg_load(&none, NULL, cfgpath, NULL);
  awsc_credentials_provider *p = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(
      awsc_credentials_default_chain_new(&p, cfg, NULL, NULL, &logger, &err),
      0);
  for (int i = 0; i < 3; i++) {
    awsc_credentials *c = NULL;
    CHECK_INT(awsc_credentials_provider_get(&c, p, &err), 0);
    CHECK_STR(awsc_credentials_access_key_id(c), "AKIDPROCESS");
    awsc_credentials_free(c);
  }
  CHECK_INT(count_runs(), 1); /* no expiry: cached for good */
  awsc_credentials_provider_free(p);
  awsc_config_free(cfg);
  CHECK_INT(
      awsc_credentials_default_chain_new(NULL, cfg, NULL, NULL, NULL, &err),
      AWSC_EINVAL);
  free(proc);
  free(cfgpath);
}

/* ---- the role slot ---- */

static int factory_calls;

static int static_factory(awsc_credentials_provider **out,
                          const awsc_config *cfg, awsc_transport *transport,
                          awsc_error *err) {
  (void)cfg;
  (void)transport;
  (void)err;
  factory_calls++;
  awsc_credentials *c = NULL;
  int rc = awsc_credentials_new(&c, "AKIDROLE", T_SECRET2, T_TOKEN2, 0,
                                "assume-role");
  if (rc)
    return rc;
  rc = awsc_credentials_provider_static_new(out, c);
  awsc_credentials_free(c);
  return rc;
}

static int notfound_factory(awsc_credentials_provider **out,
                            const awsc_config *cfg, awsc_transport *transport,
                            awsc_error *err) {
  (void)out;
  (void)cfg;
  (void)transport;
  factory_calls++;
  return awsc_error_set(err, AWSC_ENOTFOUND, AWSC_ERROR_CREDENTIALS, "no");
}

static int failing_factory(awsc_credentials_provider **out,
                           const awsc_config *cfg, awsc_transport *transport,
                           awsc_error *err) {
  (void)out;
  (void)cfg;
  (void)transport;
  factory_calls++;
  return awsc_error_set(err, AWSC_ECONFIG, AWSC_ERROR_CONFIG,
                        "source_profile loops");
}

static void test_default_chain_role_slot(void) {
  const char *text = "[profile role]\n"
                     "role_arn = arn:aws:iam::123456789012:role/x\n"
                     "source_profile = base\n"
                     "[profile base]\n"
                     "aws_access_key_id = AKIDBASE\n"
                     "aws_secret_access_key = " T_SECRET "\n"
                     "[profile webid]\n"
                     "role_arn = arn:aws:iam::123456789012:role/w\n"
                     "web_identity_token_file = /var/run/token\n";
  char *cfgpath = tdir_write(dir, "config", text, 0600);
  char *cpath = tdir_write(dir, "credentials",
                           "[role]\naws_access_key_id = AKIDROLECREDS\n"
                           "aws_secret_access_key = " T_SECRET "\n",
                           0600);
  test_env none = {0};
  awsc_credentials *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;

  /* No STS yet: a clear "unsupported" at get() time, before the
   * credentials file (botocore tries assume-role first). */
  awsc_config *cfg = tcfg_load(&none, "role", cfgpath, cpath);
  CHECK_INT(chain_get(cfg, NULL, NULL, &c, &err), AWSC_EUNSUPPORTED);
  CHECK_STR(err.message,
            "assume-role profiles need the STS client (not built yet)");

  /* With a factory: its provider answers. */
  awsc_default_chain_options o;
  memset(&o, 0, sizeof(o));
  o.logger = &logger;
  o.role_factory = static_factory;
  factory_calls = 0;
  CHECK_INT(chain_get(cfg, NULL, &o, &c, &err), 0);
  CHECK_STR(awsc_credentials_access_key_id(c), "AKIDROLE");
  CHECK_INT(factory_calls, 1);
  awsc_credentials_free(c);

  /* A factory that declines leaves the slot out. */
  o.role_factory = notfound_factory;
  CHECK_INT(chain_get(cfg, NULL, &o, &c, &err), 0);
  CHECK_STR(awsc_credentials_access_key_id(c), "AKIDROLECREDS");
  awsc_credentials_free(c);

  /* A failing factory fails the construction with its error. */
  o.role_factory = failing_factory;
  awsc_credentials_provider *p = NULL;
  CHECK_INT(awsc_credentials_default_chain_new_ex(&p, cfg, NULL, &o, &err),
            AWSC_ECONFIG);
  CHECK(p == NULL);
  CHECK_STR(err.message, "source_profile loops");
  awsc_config_free(cfg);

  /* Env credentials still come first. */
  test_env env = {0};
  tenv_set(&env, "AWS_ACCESS_KEY_ID", T_AKID);
  tenv_set(&env, "AWS_SECRET_ACCESS_KEY", T_SECRET);
  cfg = tcfg_load(&env, "role", cfgpath, cpath);
  CHECK_INT(chain_get(cfg, NULL, NULL, &c, &err), 0);
  CHECK_STR(awsc_credentials_source(c), "env");
  awsc_credentials_free(c);
  awsc_config_free(cfg);

  /* web_identity_token_file in the profile. */
  cfg = tcfg_load(&none, "webid", cfgpath, cpath);
  CHECK_INT(chain_get(cfg, NULL, NULL, &c, &err), AWSC_EUNSUPPORTED);
  awsc_config_free(cfg);

  /* AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE, but not one alone. */
  test_env wenv = {0};
  tenv_set(&wenv, "AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/w");
  cfg = tcfg_load(&wenv, "base", cfgpath, cpath);
  CHECK_INT(chain_get(cfg, NULL, NULL, &c, &err), 0);
  CHECK_STR(awsc_credentials_access_key_id(c), "AKIDBASE");
  awsc_credentials_free(c);
  awsc_config_free(cfg);
  tenv_set(&wenv, "AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/token");
  cfg = tcfg_load(&wenv, "base", cfgpath, cpath);
  CHECK_INT(chain_get(cfg, NULL, NULL, &c, &err), AWSC_EUNSUPPORTED);
  awsc_config_free(cfg);

  free(cfgpath);
  free(cpath);
}

static void test_default_chain_skip_env(void) {
  char *cpath = tdir_write(dir, "credentials", creds_file_text, 0600);
  test_env env = {0};
  tenv_set(&env, "AWS_ACCESS_KEY_ID", T_AKID);
  tenv_set(&env, "AWS_SECRET_ACCESS_KEY", T_SECRET);
  awsc_config *cfg = tcfg_load(&env, "dev", NULL, cpath);
  awsc_default_chain_options o;
  memset(&o, 0, sizeof(o));
  o.logger = &logger;
  o.skip_env = true;
  awsc_credentials *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(chain_get(cfg, NULL, &o, &c, &err), 0);
  CHECK_STR(awsc_credentials_access_key_id(c), "AKIDDEV");
  awsc_credentials_free(c);
  awsc_config_free(cfg);
  free(cpath);
}

static void test_default_chain_oom(void) {
  char *cpath = tdir_write(dir, "credentials", creds_file_text, 0600);
  test_env none = {0};
  awsc_config *cfg = tcfg_load(&none, NULL, NULL, cpath);
  int64_t live = test_alloc_live();
  int fired_count = 0;
  for (uint64_t n = 1; n < 100; n++) {
    awsc_credentials_provider *p = NULL;
    awsc_credentials *c = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    test_alloc_fail_at(n);
    int rc =
        awsc_credentials_default_chain_new(&p, cfg, NULL, NULL, NULL, &err);
    if (rc == 0)
      rc = awsc_credentials_provider_get(&c, p, &err);
    int fired = test_alloc_failure_fired();
    test_alloc_fail_at(0);
    awsc_credentials_free(c);
    awsc_credentials_provider_free(p);
    if (!fired) {
      CHECK_INT(rc, 0);
      break;
    }
    fired_count++;
    CHECK_INT(rc, AWSC_ENOMEM);
  }
  CHECK(fired_count > 5);
  CHECK_INT(test_alloc_live(), live);
  awsc_config_free(cfg);
  free(cpath);
}

static void test_log_has_no_secret(void) {
  CHECK(no_secret(cap.text));
  CHECK(cap.len > 0);
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
  RUN(test_env_full);
  RUN(test_env_absent_and_partial);
  RUN(test_env_expiration);
  RUN(test_shared_credentials_file);
  RUN(test_shared_config_file);
  RUN(test_default_chain_order);
  RUN(test_default_chain_caches);
  RUN(test_default_chain_role_slot);
  RUN(test_default_chain_skip_env);
  RUN(test_default_chain_oom);
  RUN(test_log_has_no_secret);
  RUN(test_no_leaks);
  tdir_remove(dir);
  return test_summary();
}
