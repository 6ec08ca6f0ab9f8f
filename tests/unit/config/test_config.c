/* Unit tests of awsc_config_load: profile selection, file paths, profile
 * sections of the config and credentials files. */
#include "cfgtest.h"
#include "config/config.h"
#include "test.h"

static test_env env;

static awsc_config_source source(void) {
  awsc_config_source src = {0};
  src.getenv = test_env_get;
  src.getenv_user_data = &env;
  return src;
}

static const char *config_path;
static const char *creds_path;

static void write_files(const char *config, const char *creds) {
  static char cp[1024], kp[1024];
  snprintf(cp, sizeof(cp), "%s", test_write_file("cfg/config", config));
  snprintf(kp, sizeof(kp), "%s", test_write_file("cfg/credentials", creds));
  config_path = cp;
  creds_path = kp;
}

static awsc_config *load(awsc_config_source src) {
  awsc_config *cfg = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = awsc_config_load(&cfg, &src, &err);
  if (rc != 0)
    fprintf(stderr, "  awsc_config_load: %d %s\n", rc, err.message);
  return cfg;
}

static const char *profiles_config = "[default]\n"
                                     "region = default-region\n"
                                     "[profile dev]\n"
                                     "region = dev-region\n"
                                     "[profile prod]\n"
                                     "region = prod-region\n"
                                     "[profile legacy]\n"
                                     "region = legacy-region\n";

static void test_profile_selection(void) {
  write_files(profiles_config, "");
  test_env_clear(&env);
  awsc_config_source src = source();
  src.config_file = config_path;
  src.credentials_file = creds_path;

  awsc_config *cfg = load(src);
  CHECK_STR(awsc_config_profile_name(cfg), "default");
  CHECK_STR(awsc_config_get(cfg, "region"), "default-region");
  awsc_config_free(cfg);

  test_env_set(&env, "AWS_DEFAULT_PROFILE", "legacy");
  cfg = load(src);
  CHECK_STR(awsc_config_profile_name(cfg), "legacy");
  CHECK_STR(awsc_config_get(cfg, "region"), "legacy-region");
  awsc_config_free(cfg);

  /* AWS_PROFILE beats AWS_DEFAULT_PROFILE (AWS CLI order). */
  test_env_set(&env, "AWS_PROFILE", "dev");
  cfg = load(src);
  CHECK_STR(awsc_config_profile_name(cfg), "dev");
  CHECK_STR(awsc_config_get(cfg, "region"), "dev-region");
  awsc_config_free(cfg);

  /* Explicit beats both. */
  src.profile = "prod";
  cfg = load(src);
  CHECK_STR(awsc_config_profile_name(cfg), "prod");
  CHECK_STR(awsc_config_get(cfg, "region"), "prod-region");
  awsc_config_free(cfg);

  /* Empty values count as unset. */
  src.profile = "";
  test_env_set(&env, "AWS_PROFILE", "");
  cfg = load(src);
  CHECK_STR(awsc_config_profile_name(cfg), "legacy");
  awsc_config_free(cfg);
  test_env_clear(&env);
}

static void test_missing_profile(void) {
  write_files(profiles_config, "[creds-only]\naws_access_key_id = AKID\n");
  test_env_clear(&env);
  awsc_config_source src = source();
  src.config_file = config_path;
  src.credentials_file = creds_path;

  awsc_config *cfg = (awsc_config *)1;
  awsc_error err = AWSC_ERROR_INIT;
  src.profile = "nosuch";
  CHECK_INT(awsc_config_load(&cfg, &src, &err), AWSC_ENOTFOUND);
  CHECK(cfg == NULL);
  CHECK_STR(err.message, "The config profile (nosuch) could not be found");
  CHECK_INT(err.kind, AWSC_ERROR_CONFIG);

  /* Named through the environment: the same. */
  src.profile = NULL;
  test_env_set(&env, "AWS_PROFILE", "gone");
  CHECK_INT(awsc_config_load(&cfg, &src, &err), AWSC_ENOTFOUND);
  CHECK(strstr(err.message, "(gone)") != NULL);
  test_env_clear(&env);

  /* A profile only in the credentials file exists. */
  src.profile = "creds-only";
  cfg = load(src);
  CHECK(cfg != NULL);
  CHECK(awsc_config_profile_exists(cfg));
  CHECK_STR(awsc_config_get_credentials(cfg, "aws_access_key_id"), "AKID");
  CHECK(awsc_config_get(cfg, "region") == NULL);
  awsc_config_free(cfg);

  /* A "[creds-only]" section in the config file is not a profile. */
  write_files("[dev]\nregion = x\n", "");
  src.profile = "dev";
  CHECK_INT(awsc_config_load(&cfg, &src, &err), AWSC_ENOTFOUND);

  /* The implicit default may be absent, even with no files at all. */
  src.profile = NULL;
  src.config_file = test_path("cfg/none1");
  src.credentials_file = test_path("cfg/none2");
  cfg = load(src);
  CHECK(cfg != NULL);
  CHECK(!awsc_config_profile_exists(cfg));
  CHECK(awsc_config_get(cfg, "region") == NULL);
  awsc_config_free(cfg);
  /* But "default" named explicitly must exist (botocore). */
  src.profile = "default";
  CHECK_INT(awsc_config_load(&cfg, &src, &err), AWSC_ENOTFOUND);
}

static void test_file_paths(void) {
  test_env_clear(&env);
  test_write_file("home/.aws/config", "[default]\nregion = from-home\n");
  test_write_file("home/.aws/credentials",
                  "[default]\naws_access_key_id = HOMEKEY\n");
  test_write_file("env/config", "[default]\nregion = from-env\n");
  test_write_file("env/credentials", "[default]\naws_access_key_id = ENVKEY\n");
  test_write_file("explicit/config", "[default]\nregion = from-explicit\n");
  test_write_file("explicit/credentials",
                  "[default]\naws_access_key_id = EXPLICITKEY\n");
  char home[1024];
  snprintf(home, sizeof(home), "%s", test_path("home"));

  /* No HOME through the hook: no default files, no error. */
  awsc_config_source src = source();
  awsc_config *cfg = load(src);
  CHECK(cfg != NULL);
  CHECK(awsc_config_config_path(cfg) == NULL);
  CHECK(awsc_config_get(cfg, "region") == NULL);
  awsc_config_free(cfg);

  /* ~/.aws/... from HOME. */
  test_env_set(&env, "HOME", home);
  cfg = load(src);
  CHECK_STR(awsc_config_get(cfg, "region"), "from-home");
  CHECK_STR(awsc_config_get_credentials(cfg, "aws_access_key_id"), "HOMEKEY");
  CHECK(strstr(awsc_config_config_path(cfg), "/home/.aws/config") != NULL);
  awsc_config_free(cfg);

  /* A trailing slash on HOME does not double up. */
  char home_slash[1100];
  snprintf(home_slash, sizeof(home_slash), "%s/", home);
  test_env_set(&env, "HOME", home_slash);
  cfg = load(src);
  CHECK(strstr(awsc_config_config_path(cfg), "//") == NULL);
  CHECK_STR(awsc_config_get(cfg, "region"), "from-home");
  awsc_config_free(cfg);
  test_env_set(&env, "HOME", home);

  /* Environment beats the default. */
  test_env_set(&env, "AWS_CONFIG_FILE", test_path("env/config"));
  test_env_set(&env, "AWS_SHARED_CREDENTIALS_FILE",
               test_path("env/credentials"));
  cfg = load(src);
  CHECK_STR(awsc_config_get(cfg, "region"), "from-env");
  CHECK_STR(awsc_config_get_credentials(cfg, "aws_access_key_id"), "ENVKEY");
  CHECK_STR(awsc_config_config_path(cfg), test_path("env/config"));
  CHECK_STR(awsc_config_credentials_path(cfg), test_path("env/credentials"));
  awsc_config_free(cfg);

  /* "~" in the environment's path is expanded too. */
  test_env_set(&env, "AWS_CONFIG_FILE", "~/.aws/config");
  cfg = load(src);
  CHECK_STR(awsc_config_get(cfg, "region"), "from-home");
  awsc_config_free(cfg);
  test_env_set(&env, "AWS_CONFIG_FILE", test_path("env/config"));

  /* Explicit beats the environment. */
  char ec[1024], ek[1024];
  snprintf(ec, sizeof(ec), "%s", test_path("explicit/config"));
  snprintf(ek, sizeof(ek), "%s", test_path("explicit/credentials"));
  src.config_file = ec;
  src.credentials_file = ek;
  cfg = load(src);
  CHECK_STR(awsc_config_get(cfg, "region"), "from-explicit");
  CHECK_STR(awsc_config_get_credentials(cfg, "aws_access_key_id"),
            "EXPLICITKEY");
  awsc_config_free(cfg);
  test_env_clear(&env);
}

static void test_default_profile_forms(void) {
  test_env_clear(&env);
  awsc_config_source src = source();
  write_files("[profile default]\nregion = pd\n", "");
  src.config_file = config_path;
  src.credentials_file = creds_path;
  awsc_config *cfg = load(src);
  CHECK_STR(awsc_config_get(cfg, "region"), "pd");
  awsc_config_free(cfg);

  /* Both forms: the later section wins, whole (botocore's dict). */
  write_files("[default]\nregion = plain\noutput = json\n"
              "[profile default]\nregion = pd\n",
              "");
  cfg = load(src);
  CHECK_STR(awsc_config_get(cfg, "region"), "pd");
  CHECK(awsc_config_get(cfg, "output") == NULL);
  awsc_config_free(cfg);
  write_files("[profile default]\nregion = pd\n[default]\nregion = plain\n",
              "");
  cfg = load(src);
  CHECK_STR(awsc_config_get(cfg, "region"), "plain");
  awsc_config_free(cfg);
}

static void test_profile_name_forms(void) {
  test_env_clear(&env);
  write_files("[profile  spaced]\nregion = r-spaced\n"
              "[profile \"my profile\"]\nregion = r-quoted\n"
              "[profile 'single']\nregion = r-single\n"
              "[profile a b]\nregion = r-three-words\n"
              "[profileb]\nregion = r-glued\n"
              "[profile \"unbalanced]\nregion = r-unbalanced\n"
              "[profile \\x]\nregion = r-escaped\n",
              "");
  awsc_config_source src = source();
  src.config_file = config_path;
  src.credentials_file = creds_path;
  awsc_config *cfg = load(src);
  CHECK_STR(awsc_config_profile_get(cfg, "spaced", "region"), "r-spaced");
  CHECK_STR(awsc_config_profile_get(cfg, "my profile", "region"), "r-quoted");
  CHECK_STR(awsc_config_profile_get(cfg, "single", "region"), "r-single");
  CHECK_STR(awsc_config_profile_get(cfg, "x", "region"), "r-escaped");
  CHECK(awsc_config_profile_get(cfg, "a", "region") == NULL);
  CHECK(awsc_config_profile_get(cfg, "a b", "region") == NULL);
  CHECK(awsc_config_profile_get(cfg, "b", "region") == NULL);
  CHECK(awsc_config_profile_get(cfg, "\"unbalanced", "region") == NULL);
  CHECK(awsc_config_profile_get(cfg, "unbalanced", "region") == NULL);
  awsc_config_free(cfg);

  src.profile = "my profile";
  cfg = load(src);
  CHECK(cfg != NULL);
  CHECK_STR(awsc_config_get(cfg, "region"), "r-quoted");
  awsc_config_free(cfg);
}

static void test_sections_and_scoped(void) {
  test_env_clear(&env);
  write_files("[profile dev]\n"
              "region = cfg-region\n"
              "output = json\n"
              "sso_session = corp\n"
              "services = local\n"
              "s3 =\n"
              "  addressing_style = path\n"
              "[sso-session corp]\n"
              "sso_region = us-east-1\n"
              "sso_start_url = https://corp.awsapps.com/start\n"
              "[services local]\n"
              "s3 =\n"
              "  endpoint_url = http://localhost:9000\n"
              "dynamodb =\n"
              "  endpoint_url = http://localhost:8000\n"
              "[profile other]\n"
              "region = other-region\n",
              "[dev]\n"
              "aws_access_key_id = AKIDDEV\n"
              "region = creds-region\n"
              "[other]\n"
              "aws_access_key_id = AKIDOTHER\n");
  awsc_config_source src = source();
  src.config_file = config_path;
  src.credentials_file = creds_path;
  src.profile = "dev";
  awsc_config *cfg = load(src);
  CHECK(cfg != NULL);
  CHECK_STR(awsc_config_get(cfg, "region"), "cfg-region");
  CHECK_STR(awsc_config_get_credentials(cfg, "region"), "creds-region");
  /* botocore's scoped config: the credentials file wins. */
  CHECK_STR(awsc_config_get_scoped(cfg, "region"), "creds-region");
  CHECK_STR(awsc_config_get_scoped(cfg, "output"), "json");
  CHECK_STR(awsc_config_get_scoped(cfg, "aws_access_key_id"), "AKIDDEV");
  CHECK(awsc_config_get_scoped(cfg, "nosuch") == NULL);
  CHECK_STR(awsc_config_get_sub(cfg, "s3", "addressing_style"), "path");
  CHECK_STR(awsc_config_get_scoped_sub(cfg, "s3", "addressing_style"), "path");
  CHECK_STR(awsc_config_section_get(cfg, "sso-session", "corp", "sso_region"),
            "us-east-1");
  CHECK_STR(awsc_config_section_get_sub(cfg, "services", "local", "s3",
                                        "endpoint_url"),
            "http://localhost:9000");
  CHECK_STR(awsc_config_section_get_sub(cfg, "services", "local", "dynamodb",
                                        "endpoint_url"),
            "http://localhost:8000");
  CHECK(awsc_config_section_exists(cfg, "services", "local"));
  CHECK(!awsc_config_section_exists(cfg, "services", "remote"));
  CHECK(awsc_config_section_get(cfg, "sso-session", "nosuch", "x") == NULL);
  CHECK_STR(awsc_config_profile_get(cfg, "other", "region"), "other-region");
  CHECK_STR(
      awsc_config_profile_get_credentials(cfg, "other", "aws_access_key_id"),
      "AKIDOTHER");
  CHECK(awsc_config_profile_get(cfg, "nosuch", "region") == NULL);
  awsc_config_free(cfg);
}

static void test_getenv(void) {
  test_env_clear(&env);
  test_env_set(&env, "SOME_VAR", "value");
  test_env_set(&env, "EMPTY_VAR", "");
  write_files("", "");
  awsc_config_source src = source();
  src.config_file = config_path;
  src.credentials_file = creds_path;
  awsc_config *cfg = load(src);
  CHECK_STR(awsc_config_getenv(cfg, "SOME_VAR"), "value");
  CHECK(awsc_config_getenv(cfg, "EMPTY_VAR") == NULL);
  CHECK(awsc_config_getenv(cfg, "PATH") == NULL); /* hook only */
  /* Read live through the hook. */
  test_env_set(&env, "SOME_VAR", "changed");
  CHECK_STR(awsc_config_getenv(cfg, "SOME_VAR"), "changed");
  awsc_config_free(cfg);

  /* Without a hook: the process environment. */
  setenv("AWSC_TEST_CONFIG_VAR", "proc", 1);
  awsc_config_source plain = {0};
  plain.config_file = config_path;
  plain.credentials_file = creds_path;
  plain.profile = NULL;
  unsetenv("AWS_PROFILE");
  unsetenv("AWS_DEFAULT_PROFILE");
  cfg = load(plain);
  CHECK_STR(awsc_config_getenv(cfg, "AWSC_TEST_CONFIG_VAR"), "proc");
  awsc_config_free(cfg);
  test_env_clear(&env);
}

static void test_parse_errors_propagate(void) {
  test_env_clear(&env);
  write_files("[default]\nregion = x\nnot a line\n", "");
  awsc_config_source src = source();
  src.config_file = config_path;
  src.credentials_file = creds_path;
  awsc_config *cfg = (awsc_config *)1;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_config_load(&cfg, &src, &err), AWSC_ECONFIG);
  CHECK(cfg == NULL);
  char expect[1100];
  snprintf(expect, sizeof(expect), "%s:3: ", config_path);
  CHECK(strncmp(err.message, expect, strlen(expect)) == 0);

  write_files("", "[default]\n[x\n");
  CHECK_INT(awsc_config_load(&cfg, &src, &err), AWSC_ECONFIG);
  snprintf(expect, sizeof(expect), "%s:2: ", creds_path);
  CHECK(strncmp(err.message, expect, strlen(expect)) == 0);
  CHECK_INT(awsc_config_load(NULL, &src, &err), AWSC_EINVAL);
}

int main(void) {
  RUN(test_profile_selection);
  RUN(test_missing_profile);
  RUN(test_file_paths);
  RUN(test_default_profile_forms);
  RUN(test_profile_name_forms);
  RUN(test_sections_and_scoped);
  RUN(test_getenv);
  RUN(test_parse_errors_propagate);
  test_env_clear(&env);
  test_tmp_cleanup();
  return test_summary();
}
