/* Unit tests of the settings resolver (lib/config/settings.c): explicit >
 * environment (in the row's order) > profile (credentials file over config
 * file, nested s3 keys) > default; typed values; which values are errors
 * and what the error says. */
#include "cfgtest.h"
#include "config/settings.h"
#include "test.h"

static test_env env;

static awsc_config *load(const char *config, const char *creds) {
  static char cp[1024], kp[1024];
  snprintf(cp, sizeof(cp), "%s", test_write_file("set/config", config));
  snprintf(kp, sizeof(kp), "%s", test_write_file("set/credentials", creds));
  awsc_config_source src = {0};
  src.getenv = test_env_get;
  src.getenv_user_data = &env;
  src.config_file = cp;
  src.credentials_file = kp;
  awsc_config *cfg = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  if (awsc_config_load(&cfg, &src, &err) != 0)
    fprintf(stderr, "  awsc_config_load: %s\n", err.message);
  return cfg;
}

static void test_table_complete(void) {
  for (int i = 0; i < AWSC_SETTING_COUNT; i++) {
    const awsc_setting_def *d = awsc_setting_def_get((awsc_setting_id)i);
    CHECK(d != NULL && d->name != NULL);
    if (d && d->type == AWSC_SETTING_ENUM) {
      CHECK(d->choices != NULL && d->choices[0] != NULL);
      CHECK(d->dflt != NULL);
    }
  }
  CHECK(awsc_setting_def_get(AWSC_SETTING_COUNT) == NULL);
  CHECK_STR(awsc_setting_choice_name(AWSC_SETTING_RETRY_MODE, 1), "standard");
  CHECK(awsc_setting_choice_name(AWSC_SETTING_RETRY_MODE, 3) == NULL);
  CHECK(awsc_setting_choice_name(AWSC_SETTING_RETRY_MODE, -1) == NULL);
  CHECK(awsc_setting_choice_name(AWSC_SETTING_REGION, 0) == NULL);
}

static void test_precedence(void) {
  test_env_clear(&env);
  awsc_config *cfg = load("[default]\nregion = from-config\n", "");
  awsc_setting_value v;
  CHECK_INT(awsc_setting_resolve(cfg, AWSC_SETTING_REGION, NULL, &v, NULL), 0);
  CHECK_STR(v.text, "from-config");
  CHECK_INT(v.source, AWSC_SETTING_FROM_PROFILE);
  CHECK_STR(v.origin, "region of profile default");

  /* the second variable of the row, then the first */
  test_env_set(&env, "AWS_DEFAULT_REGION", "from-default-region");
  awsc_config_free(cfg);
  cfg = load("[default]\nregion = from-config\n", "");
  awsc_setting_resolve(cfg, AWSC_SETTING_REGION, NULL, &v, NULL);
  CHECK_STR(v.text, "from-default-region");
  CHECK_STR(v.origin, "AWS_DEFAULT_REGION");
  test_env_set(&env, "AWS_REGION", "from-region");
  awsc_setting_resolve(cfg, AWSC_SETTING_REGION, NULL, &v, NULL);
  CHECK_STR(v.text, "from-region");
  CHECK_INT(v.source, AWSC_SETTING_FROM_ENV);

  /* explicit wins; an empty explicit value is "not given" */
  awsc_setting_resolve(cfg, AWSC_SETTING_REGION, "explicit", &v, NULL);
  CHECK_STR(v.text, "explicit");
  CHECK_INT(v.source, AWSC_SETTING_FROM_EXPLICIT);
  awsc_setting_resolve(cfg, AWSC_SETTING_REGION, "", &v, NULL);
  CHECK_STR(v.text, "from-region");

  /* an empty environment value counts as unset */
  test_env_set(&env, "AWS_REGION", "");
  awsc_setting_resolve(cfg, AWSC_SETTING_REGION, NULL, &v, NULL);
  CHECK_STR(v.text, "from-default-region");
  awsc_config_free(cfg);
  test_env_clear(&env);
}

static void test_profile_and_defaults(void) {
  test_env_clear(&env);
  /* the credentials file's [default] wins over the config file's */
  awsc_config *cfg = load("[default]\nretry_mode = standard\n"
                          "s3 =\n  addressing_style = path\n"
                          "  use_arn_region = false\n",
                          "[default]\nretry_mode = adaptive\n");
  awsc_setting_value v;
  CHECK_INT(awsc_setting_resolve(cfg, AWSC_SETTING_RETRY_MODE, NULL, &v, NULL),
            0);
  CHECK_INT(v.choice, 2);
  CHECK_INT(
      awsc_setting_resolve(cfg, AWSC_SETTING_ADDRESSING_STYLE, NULL, &v, NULL),
      0);
  CHECK_STR(v.text, "path");
  CHECK_INT(v.choice, 1);
  CHECK_STR(v.origin, "s3.addressing_style of profile default");
  CHECK(!awsc_setting_bool(cfg, AWSC_SETTING_S3_USE_ARN_REGION));
  /* defaults: use_arn_region true, fips false, sts regional */
  CHECK(!awsc_setting_bool(cfg, AWSC_SETTING_USE_FIPS_ENDPOINT));
  CHECK_INT(awsc_setting_choice(cfg, AWSC_SETTING_STS_REGIONAL_ENDPOINTS),
            AWSC_SETTING_REGIONAL);
  CHECK(awsc_setting_string(cfg, AWSC_SETTING_S3_PAYLOAD_SIGNING_ENABLED) ==
        NULL);
  CHECK_INT(
      awsc_setting_resolve(cfg, AWSC_SETTING_MAX_ATTEMPTS, NULL, &v, NULL), 0);
  CHECK(v.text == NULL);
  CHECK_INT(v.source, AWSC_SETTING_FROM_DEFAULT);
  awsc_config_free(cfg);
  cfg = load("[default]\n", "");
  CHECK(awsc_setting_bool(cfg, AWSC_SETTING_S3_USE_ARN_REGION));
  awsc_config_free(cfg);
}

static void test_types_and_errors(void) {
  test_env_clear(&env);
  awsc_config *cfg = load("[default]\nmax_attempts = 0\n", "");
  awsc_setting_value v;
  awsc_error err = AWSC_ERROR_INIT;
  /* INT: >= 1; from the profile an error is ECONFIG */
  CHECK_INT(
      awsc_setting_resolve(cfg, AWSC_SETTING_MAX_ATTEMPTS, NULL, &v, &err),
      AWSC_ECONFIG);
  CHECK(strstr(err.message, "Invalid max_attempts '0' from max_attempts of "
                            "profile default: expected an integer >= 1"));
  CHECK_INT(
      awsc_setting_resolve(cfg, AWSC_SETTING_MAX_ATTEMPTS, " 7 ", &v, NULL), 0);
  CHECK_INT(v.i, 7);
  /* strict ENUM, explicit: EINVAL naming every choice */
  err = (awsc_error)AWSC_ERROR_INIT;
  CHECK_INT(
      awsc_setting_resolve(cfg, AWSC_SETTING_RETRY_MODE, "Standard", &v, &err),
      AWSC_EINVAL);
  CHECK(strstr(err.message, "Invalid retry_mode 'Standard' from the session "
                            "options: expected legacy, standard or adaptive"));
  /* lenient ENUM: any case, unknown text means the default */
  test_env_set(&env, "AWS_STS_REGIONAL_ENDPOINTS", "LEGACY");
  CHECK_INT(awsc_setting_choice(cfg, AWSC_SETTING_STS_REGIONAL_ENDPOINTS),
            AWSC_SETTING_LEGACY);
  test_env_set(&env, "AWS_STS_REGIONAL_ENDPOINTS", "nonsense");
  CHECK_INT(awsc_setting_choice(cfg, AWSC_SETTING_STS_REGIONAL_ENDPOINTS),
            AWSC_SETTING_REGIONAL);
  /* BOOL: "true" in any case, anything else false */
  test_env_set(&env, "AWS_USE_FIPS_ENDPOINT", "TRUE");
  CHECK(awsc_setting_bool(cfg, AWSC_SETTING_USE_FIPS_ENDPOINT));
  test_env_set(&env, "AWS_USE_FIPS_ENDPOINT", "yes");
  CHECK(!awsc_setting_bool(cfg, AWSC_SETTING_USE_FIPS_ENDPOINT));
  /* an unknown id */
  CHECK_INT(awsc_setting_resolve(cfg, AWSC_SETTING_COUNT, NULL, &v, NULL),
            AWSC_EINVAL);
  awsc_config_free(cfg);
  test_env_clear(&env);
}

int main(void) {
  RUN(test_table_complete);
  RUN(test_precedence);
  RUN(test_profile_and_defaults);
  RUN(test_types_and_errors);
  test_env_clear(&env);
  test_tmp_cleanup();
  return test_summary();
}
