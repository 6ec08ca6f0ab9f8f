/* Unit tests of awsc_session: every setting's precedence (explicit option >
 * environment > profile in the files > default), credentials through the
 * chain, the transport, reference counting and sharing across threads. */
#include <pthread.h>
#include <stdatomic.h>

#include "awsc/session.h"
#include "cfgtest.h"
#include "session/session_internal.h"
#include "test.h"

static test_env env;
static char config_path[1024], creds_path[1024];

/* A transport that never reaches the network. */
static atomic_int fake_sends, fake_destroyed;

static int fake_send(awsc_transport *t, const awsc_http_request *req,
                     awsc_http_response *resp, awsc_error *err) {
  (void)t;
  (void)req;
  (void)resp;
  atomic_fetch_add(&fake_sends, 1);
  return awsc_error_set(err, AWSC_ENETWORK, AWSC_ERROR_NETWORK,
                        "fake transport: no network");
}

static void fake_destroy(awsc_transport *t) {
  (void)t;
  atomic_fetch_add(&fake_destroyed, 1);
}

static const awsc_transport_vtable fake_vtable = {fake_send, fake_destroy};
static awsc_transport fake_transport = {&fake_vtable, NULL};

static void write_files(const char *config, const char *creds) {
  snprintf(config_path, sizeof(config_path), "%s",
           test_write_file("s/config", config));
  snprintf(creds_path, sizeof(creds_path), "%s",
           test_write_file("s/credentials", creds));
}

/* Options reading only the fake environment; files from write_files come
 * through AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE. */
static awsc_session_options base_options(void) {
  awsc_session_options o = AWSC_SESSION_OPTIONS_INIT;
  o.getenv_fn = test_env_get;
  o.getenv_user_data = &env;
  o.transport = &fake_transport;
  return o;
}

static void reset_env(void) {
  test_env_clear(&env);
  test_env_set(&env, "AWS_CONFIG_FILE", config_path);
  test_env_set(&env, "AWS_SHARED_CREDENTIALS_FILE", creds_path);
  /* Never wait for instance metadata in a unit test. */
  test_env_set(&env, "AWS_EC2_METADATA_DISABLED", "true");
}

static awsc_session *new_session(const awsc_session_options *o) {
  awsc_session *s = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = awsc_session_new(&s, o, &err);
  if (rc != 0) {
    fprintf(stderr, "  awsc_session_new: %d %s\n", rc, err.message);
    test_current_failed = 1;
  }
  return s;
}

static int new_session_err(const awsc_session_options *o, awsc_error *err) {
  awsc_session *s = (awsc_session *)1;
  int rc = awsc_session_new(&s, o, err);
  if (rc != 0 && s != NULL) {
    fprintf(stderr, "  *out not NULL after failure\n");
    test_current_failed = 1;
  }
  if (rc == 0)
    awsc_session_free(s);
  return rc;
}

static void test_defaults(void) {
  write_files("", "");
  reset_env();
  awsc_session_options o = base_options();
  awsc_session *s = new_session(&o);
  CHECK(awsc_session_region(s) == NULL);
  CHECK_STR(awsc_session_profile_name(s), "default");
  CHECK_STR(awsc_retry_mode_name(awsc_session_retry_mode(s)), "legacy");
  CHECK_INT(awsc_session_max_attempts(s), 5);
  CHECK_STR(awsc_s3_addressing_style_name(awsc_session_addressing_style(s)),
            "auto");
  CHECK(awsc_session_endpoint_url(s, "s3") == NULL);
  CHECK(awsc_session_get_config(s, "region", NULL) == NULL);
  CHECK_INT(awsc_session_connect_timeout_ms(s), 60000);
  CHECK_INT(awsc_session_read_timeout_ms(s), 60000);
  CHECK_INT(awsc_session_verify_ssl(s), 1);
  CHECK(awsc_session_ca_bundle(s) == NULL);
  CHECK(awsc_session_logger(s) != NULL);
  CHECK(awsc_session_config(s) != NULL);
  awsc_session_free(s);

  /* NULL options: all defaults from the process environment. */
  s = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  unsetenv("AWS_PROFILE");
  unsetenv("AWS_DEFAULT_PROFILE");
  setenv("AWS_CONFIG_FILE", config_path, 1);
  setenv("AWS_SHARED_CREDENTIALS_FILE", creds_path, 1);
  setenv("AWS_RETRY_MODE", "standard", 1);
  CHECK_INT(awsc_session_new(&s, NULL, &err), 0);
  CHECK_STR(awsc_retry_mode_name(awsc_session_retry_mode(s)), "standard");
  CHECK_INT(awsc_session_max_attempts(s), 3);
  awsc_session_free(s);
  unsetenv("AWS_RETRY_MODE");
  awsc_session_free(NULL);
}

static void test_region_precedence(void) {
  write_files("[default]\nregion = file-region\n", "");
  reset_env();
  awsc_session_options o = base_options();
  awsc_session *s = new_session(&o);
  CHECK_STR(awsc_session_region(s), "file-region");
  awsc_session_free(s);

  test_env_set(&env, "AWS_DEFAULT_REGION", "default-env-region");
  s = new_session(&o);
  CHECK_STR(awsc_session_region(s), "default-env-region");
  awsc_session_free(s);

  test_env_set(&env, "AWS_REGION", "env-region");
  s = new_session(&o);
  CHECK_STR(awsc_session_region(s), "env-region");
  awsc_session_free(s);

  o.region = "option-region";
  s = new_session(&o);
  CHECK_STR(awsc_session_region(s), "option-region");
  awsc_session_free(s);

  /* The credentials file's [default] wins over the config file's. */
  write_files("[default]\nregion = file-region\n",
              "[default]\nregion = creds-region\n");
  reset_env();
  o.region = NULL;
  s = new_session(&o);
  CHECK_STR(awsc_session_region(s), "creds-region");
  awsc_session_free(s);

  /* A region becomes part of a host name: it is validated. */
  awsc_error err = AWSC_ERROR_INIT;
  o.region = "evil.com/x";
  CHECK_INT(new_session_err(&o, &err), AWSC_EINVAL);
  CHECK(strstr(err.message, "region") != NULL);
  o.region = NULL;
  test_env_set(&env, "AWS_REGION", "-bad-");
  CHECK_INT(new_session_err(&o, &err), AWSC_ECONFIG);
  CHECK(strstr(err.message, "AWS_REGION") != NULL);
}

static void test_profile_precedence(void) {
  write_files("[default]\nregion = r-default\n"
              "[profile a]\nregion = r-a\n"
              "[profile b]\nregion = r-b\n"
              "[profile c]\nregion = r-c\n",
              "");
  reset_env();
  awsc_session_options o = base_options();
  awsc_session *s = new_session(&o);
  CHECK_STR(awsc_session_profile_name(s), "default");
  CHECK_STR(awsc_session_region(s), "r-default");
  awsc_session_free(s);

  test_env_set(&env, "AWS_DEFAULT_PROFILE", "c");
  s = new_session(&o);
  CHECK_STR(awsc_session_profile_name(s), "c");
  CHECK_STR(awsc_session_region(s), "r-c");
  awsc_session_free(s);

  test_env_set(&env, "AWS_PROFILE", "b");
  s = new_session(&o);
  CHECK_STR(awsc_session_profile_name(s), "b");
  CHECK_STR(awsc_session_region(s), "r-b");
  awsc_session_free(s);

  o.profile = "a";
  s = new_session(&o);
  CHECK_STR(awsc_session_profile_name(s), "a");
  CHECK_STR(awsc_session_region(s), "r-a");
  awsc_session_free(s);

  awsc_error err = AWSC_ERROR_INIT;
  o.profile = "missing";
  CHECK_INT(new_session_err(&o, &err), AWSC_ENOTFOUND);
  CHECK_STR(err.message, "The config profile (missing) could not be found");
  o.profile = NULL;
  test_env_set(&env, "AWS_PROFILE", "missing-env");
  CHECK_INT(new_session_err(&o, &err), AWSC_ENOTFOUND);
  CHECK(strstr(err.message, "(missing-env)") != NULL);
}

static void test_file_precedence(void) {
  test_write_file("h/.aws/config", "[default]\nregion = home-region\n");
  test_write_file("h/.aws/credentials", "[default]\nkey = home-creds\n");
  test_write_file("e/config", "[default]\nregion = env-region\n");
  test_write_file("e/credentials", "[default]\nkey = env-creds\n");
  test_write_file("o/config", "[default]\nregion = option-region\n");
  test_write_file("o/credentials", "[default]\nkey = option-creds\n");
  test_env_clear(&env);
  test_env_set(&env, "HOME", test_path("h"));
  awsc_session_options o = base_options();
  awsc_session *s = new_session(&o);
  CHECK_STR(awsc_session_region(s), "home-region");
  CHECK_STR(awsc_session_get_config(s, "key", NULL), "home-creds");
  awsc_session_free(s);

  test_env_set(&env, "AWS_CONFIG_FILE", test_path("e/config"));
  test_env_set(&env, "AWS_SHARED_CREDENTIALS_FILE", test_path("e/credentials"));
  s = new_session(&o);
  CHECK_STR(awsc_session_region(s), "env-region");
  CHECK_STR(awsc_session_get_config(s, "key", NULL), "env-creds");
  awsc_session_free(s);

  char oc[1024], ok[1024];
  snprintf(oc, sizeof(oc), "%s", test_path("o/config"));
  snprintf(ok, sizeof(ok), "%s", test_path("o/credentials"));
  o.config_file = oc;
  o.credentials_file = ok;
  s = new_session(&o);
  CHECK_STR(awsc_session_region(s), "option-region");
  CHECK_STR(awsc_session_get_config(s, "key", NULL), "option-creds");
  CHECK_STR(awsc_config_config_path(awsc_session_config(s)), oc);
  awsc_session_free(s);

  /* A file that does not parse fails the session with FILE:LINE. */
  test_write_file("o/config", "[default]\nbroken line\n");
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(new_session_err(&o, &err), AWSC_ECONFIG);
  char expect[1100];
  snprintf(expect, sizeof(expect), "%s:2: ", oc);
  CHECK(strncmp(err.message, expect, strlen(expect)) == 0);
}

static void test_retry_precedence(void) {
  write_files("[default]\nretry_mode = standard\nmax_attempts = 7\n", "");
  reset_env();
  awsc_session_options o = base_options();
  awsc_session *s = new_session(&o);
  CHECK_STR(awsc_retry_mode_name(awsc_session_retry_mode(s)), "standard");
  CHECK_INT(awsc_session_max_attempts(s), 7);
  awsc_session_free(s);

  test_env_set(&env, "AWS_RETRY_MODE", "adaptive");
  test_env_set(&env, "AWS_MAX_ATTEMPTS", " 4 ");
  s = new_session(&o);
  CHECK_STR(awsc_retry_mode_name(awsc_session_retry_mode(s)), "adaptive");
  CHECK_INT(awsc_session_max_attempts(s), 4);
  awsc_session_free(s);

  o.retry_mode = AWSC_RETRY_LEGACY;
  o.max_attempts = 2;
  s = new_session(&o);
  CHECK_STR(awsc_retry_mode_name(awsc_session_retry_mode(s)), "legacy");
  CHECK_INT(awsc_session_max_attempts(s), 2);
  awsc_session_free(s);

  /* Defaults per mode: legacy 5 (_retry.json), standard/adaptive 3. */
  write_files("", "");
  reset_env();
  o = base_options();
  o.retry_mode = AWSC_RETRY_STANDARD;
  s = new_session(&o);
  CHECK_INT(awsc_session_max_attempts(s), 3);
  awsc_session_free(s);
  o.retry_mode = AWSC_RETRY_ADAPTIVE;
  s = new_session(&o);
  CHECK_INT(awsc_session_max_attempts(s), 3);
  awsc_session_free(s);
  o.retry_mode = AWSC_RETRY_DEFAULT;
  s = new_session(&o);
  CHECK_INT(awsc_session_max_attempts(s), 5);
  awsc_session_free(s);

  /* Bad values say where they came from. */
  awsc_error err = AWSC_ERROR_INIT;
  o.retry_mode = (awsc_retry_mode)7; /* not a mode */
  CHECK_INT(new_session_err(&o, &err), AWSC_EINVAL);
  CHECK(strstr(err.message, "retry_mode") != NULL);
  o.retry_mode = AWSC_RETRY_DEFAULT;
  test_env_set(&env, "AWS_RETRY_MODE", "bogus");
  CHECK_INT(new_session_err(&o, &err), AWSC_ECONFIG);
  CHECK(strstr(err.message, "AWS_RETRY_MODE") != NULL);
  test_env_set(&env, "AWS_RETRY_MODE", NULL);
  write_files("[default]\nmax_attempts = zero\n", "");
  CHECK_INT(new_session_err(&o, &err), AWSC_ECONFIG);
  CHECK(strstr(err.message, "max_attempts of profile default") != NULL);
  test_env_set(&env, "AWS_MAX_ATTEMPTS", "0");
  CHECK_INT(new_session_err(&o, &err), AWSC_ECONFIG);
  CHECK(strstr(err.message, "AWS_MAX_ATTEMPTS") != NULL);
  test_env_set(&env, "AWS_MAX_ATTEMPTS", "99999999999");
  CHECK_INT(new_session_err(&o, &err), AWSC_ECONFIG);
  o.max_attempts = -1;
  CHECK_INT(new_session_err(&o, &err), AWSC_EINVAL);
  /* The option wins without the bad environment value being read. */
  o.max_attempts = 9;
  s = new_session(&o);
  CHECK_INT(awsc_session_max_attempts(s), 9);
  awsc_session_free(s);
}

static void test_ca_bundle_precedence(void) {
  write_files("[default]\nca_bundle = /file/ca.pem\n", "");
  reset_env();
  awsc_session_options o = base_options();
  awsc_session *s = new_session(&o);
  CHECK_STR(awsc_session_ca_bundle(s), "/file/ca.pem");
  awsc_session_free(s);
  test_env_set(&env, "AWS_CA_BUNDLE", "/env/ca.pem");
  s = new_session(&o);
  CHECK_STR(awsc_session_ca_bundle(s), "/env/ca.pem");
  awsc_session_free(s);
  o.ca_bundle = "/option/ca.pem";
  s = new_session(&o);
  CHECK_STR(awsc_session_ca_bundle(s), "/option/ca.pem");
  awsc_session_free(s);
}

static void test_transport_settings(void) {
  write_files("[default]\nconnect_timeout = 5\nread_timeout = 5\n", "");
  reset_env();
  awsc_session_options o = base_options();
  /* Timeouts come from the options only (botocore has no file key). */
  awsc_session *s = new_session(&o);
  CHECK_INT(awsc_session_connect_timeout_ms(s), 60000);
  CHECK_INT(awsc_session_read_timeout_ms(s), 60000);
  awsc_session_free(s);
  o.connect_timeout_ms = 1500;
  o.read_timeout_ms = 2500;
  o.verify_ssl = AWSC_TOGGLE_OFF;
  s = new_session(&o);
  CHECK_INT(awsc_session_connect_timeout_ms(s), 1500);
  CHECK_INT(awsc_session_read_timeout_ms(s), 2500);
  CHECK_INT(awsc_session_verify_ssl(s), -1);
  awsc_session_free(s);

  awsc_error err = AWSC_ERROR_INIT;
  o.connect_timeout_ms = -1;
  CHECK_INT(new_session_err(&o, &err), AWSC_EINVAL);
  o.connect_timeout_ms = 0;
  o.verify_ssl = 2;
  CHECK_INT(new_session_err(&o, &err), AWSC_EINVAL);
}

static void test_addressing_style(void) {
  write_files("[default]\ns3 =\n  addressing_style = path\n", "");
  reset_env();
  awsc_session_options o = base_options();
  awsc_session *s = new_session(&o);
  CHECK_STR(awsc_s3_addressing_style_name(awsc_session_addressing_style(s)),
            "path");
  awsc_session_free(s);
  o.addressing_style = AWSC_S3_ADDRESSING_VIRTUAL;
  s = new_session(&o);
  CHECK_STR(awsc_s3_addressing_style_name(awsc_session_addressing_style(s)),
            "virtual");
  awsc_session_free(s);

  awsc_error err = AWSC_ERROR_INIT;
  o.addressing_style = (awsc_s3_addressing_style)9; /* not a style */
  CHECK_INT(new_session_err(&o, &err), AWSC_EINVAL);
  o.addressing_style = AWSC_S3_ADDRESSING_DEFAULT;
  write_files("[default]\ns3 =\n  addressing_style = Path\n", "");
  CHECK_INT(new_session_err(&o, &err), AWSC_ECONFIG);
  CHECK(strstr(err.message, "s3.addressing_style") != NULL);
}

static void test_endpoint_url(void) {
  write_files("[default]\n"
              "endpoint_url = http://profile-global\n"
              "services = svc\n"
              "[services svc]\n"
              "s3 =\n"
              "  endpoint_url = http://services-s3\n"
              "elastic_beanstalk =\n"
              "  endpoint_url = http://services-eb\n"
              "[profile nosvc]\n"
              "services = missing\n"
              "[profile ignore]\n"
              "endpoint_url = http://ignored\n"
              "ignore_configured_endpoint_urls = TRUE\n",
              "");
  reset_env();
  awsc_session_options o = base_options();
  awsc_session *s = new_session(&o);
  CHECK_STR(awsc_session_endpoint_url(s, "s3"), "http://services-s3");
  CHECK_STR(awsc_session_endpoint_url(s, "S3"), "http://services-s3");
  CHECK_STR(awsc_session_endpoint_url(s, "sqs"), "http://profile-global");
  CHECK_STR(awsc_session_endpoint_url(s, "Elastic Beanstalk"),
            "http://services-eb");
  CHECK(awsc_session_endpoint_url(s, "") == NULL);
  CHECK(awsc_session_endpoint_url(s, NULL) == NULL);
  awsc_session_free(s);

  test_env_set(&env, "AWS_ENDPOINT_URL", "http://env-global");
  s = new_session(&o);
  CHECK_STR(awsc_session_endpoint_url(s, "s3"), "http://env-global");
  awsc_session_free(s);

  test_env_set(&env, "AWS_ENDPOINT_URL_S3", "http://env-s3");
  test_env_set(&env, "AWS_ENDPOINT_URL_ELASTIC_BEANSTALK", "http://env-eb");
  s = new_session(&o);
  const char *first = awsc_session_endpoint_url(s, "s3");
  CHECK_STR(first, "http://env-s3");
  CHECK_STR(awsc_session_endpoint_url(s, "elastic-beanstalk"), "http://env-eb");
  CHECK_STR(awsc_session_endpoint_url(s, "sqs"), "http://env-global");
  /* Resolved once per service: stable, even if the environment changes. */
  test_env_set(&env, "AWS_ENDPOINT_URL_S3", "http://changed");
  CHECK(awsc_session_endpoint_url(s, "s3") == first);
  awsc_session_free(s);

  o.endpoint_url = "http://option";
  s = new_session(&o);
  CHECK_STR(awsc_session_endpoint_url(s, "s3"), "http://option");
  CHECK_STR(awsc_session_endpoint_url(s, "sqs"), "http://option");
  awsc_session_free(s);

  /* Ignoring configured URLs: env, file, option; the option URL stays. */
  test_env_set(&env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true");
  o.endpoint_url = NULL;
  s = new_session(&o);
  CHECK(awsc_session_endpoint_url(s, "s3") == NULL);
  awsc_session_free(s);
  o.endpoint_url = "http://option";
  s = new_session(&o);
  CHECK_STR(awsc_session_endpoint_url(s, "s3"), "http://option");
  awsc_session_free(s);
  /* -1 (do not ignore) beats the environment's "true". */
  o.endpoint_url = NULL;
  o.ignore_configured_endpoint_urls = AWSC_TOGGLE_OFF;
  s = new_session(&o);
  CHECK_STR(awsc_session_endpoint_url(s, "s3"), "http://changed");
  awsc_session_free(s);
  o.ignore_configured_endpoint_urls = AWSC_TOGGLE_ON;
  test_env_set(&env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false");
  s = new_session(&o);
  CHECK(awsc_session_endpoint_url(s, "s3") == NULL);
  awsc_session_free(s);
  o.ignore_configured_endpoint_urls = 0;
  test_env_set(&env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", NULL);
  test_env_set(&env, "AWS_ENDPOINT_URL", NULL);
  test_env_set(&env, "AWS_ENDPOINT_URL_S3", NULL);
  o.profile = "ignore";
  s = new_session(&o);
  CHECK(awsc_session_endpoint_url(s, "s3") == NULL);
  awsc_session_free(s);

  /* A services section that does not exist: botocore's error. */
  o.profile = "nosvc";
  s = new_session(&o);
  const char *url = (const char *)1;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_session_resolve_endpoint_url(s, "s3", &url, &err),
            AWSC_ECONFIG);
  CHECK(url == NULL);
  CHECK(strstr(err.message, "\"missing\" services configuration does not "
                            "exist") != NULL);
  CHECK(awsc_session_endpoint_url(s, "s3") == NULL);
  /* The environment answers before the file is consulted. */
  awsc_session_free(s);
  test_env_set(&env, "AWS_ENDPOINT_URL_S3", "http://env-s3");
  s = new_session(&o);
  CHECK_STR(awsc_session_endpoint_url(s, "s3"), "http://env-s3");
  awsc_session_free(s);
}

static void test_get_config(void) {
  write_files("[profile dev]\n"
              "sts_regional_endpoints = regional\n"
              "s3 =\n"
              "  use_accelerate_endpoint = true\n"
              "Mixed_Case = yes\n",
              "[dev]\nsts_regional_endpoints = legacy\n");
  reset_env();
  awsc_session_options o = base_options();
  o.profile = "dev";
  awsc_session *s = new_session(&o);
  CHECK_STR(awsc_session_get_config(s, "sts_regional_endpoints", NULL),
            "legacy");
  CHECK_STR(awsc_session_get_config(s, "s3", "use_accelerate_endpoint"),
            "true");
  CHECK(awsc_session_get_config(s, "s3", NULL) == NULL);
  CHECK_STR(awsc_session_get_config(s, "mixed_case", NULL), "yes");
  CHECK(awsc_session_get_config(s, "nosuch", NULL) == NULL);
  CHECK(awsc_session_get_config(s, NULL, NULL) == NULL);
  CHECK(awsc_session_get_config(NULL, "x", NULL) == NULL);
  awsc_session_free(s);
}

#define SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

static void check_creds(awsc_session *s, const char *ak, const char *source) {
  awsc_credentials *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = awsc_session_get_credentials(&c, s, &err);
  if (rc != 0) {
    fprintf(stderr, "  get_credentials: %d %s\n", rc, err.message);
    test_current_failed = 1;
    return;
  }
  CHECK_STR(awsc_credentials_access_key_id(c), ak);
  if (source)
    CHECK_STR(awsc_credentials_source(c), source);
  awsc_credentials_free(c);
}

static void test_credentials(void) {
  write_files("[profile other]\nregion = x\n",
              "[default]\naws_access_key_id = AKIDFILE\n"
              "aws_secret_access_key = " SECRET "\n"
              "[other]\naws_access_key_id = AKIDOTHER\n"
              "aws_secret_access_key = " SECRET "\n");
  reset_env();
  awsc_session_options o = base_options();
  awsc_session *s = new_session(&o);
  check_creds(s, "AKIDFILE", "shared-credentials-file");
  awsc_session_free(s);

  test_env_set(&env, "AWS_ACCESS_KEY_ID", "AKIDENV");
  test_env_set(&env, "AWS_SECRET_ACCESS_KEY", SECRET);
  s = new_session(&o);
  check_creds(s, "AKIDENV", "env");
  awsc_session_free(s);

  /* A profile named in code leaves the environment keys out (botocore). */
  o.profile = "other";
  s = new_session(&o);
  check_creds(s, "AKIDOTHER", "shared-credentials-file");
  awsc_session_free(s);
  /* ... named through AWS_PROFILE it does not. */
  o.profile = NULL;
  test_env_set(&env, "AWS_PROFILE", "other");
  s = new_session(&o);
  check_creds(s, "AKIDENV", "env");
  awsc_session_free(s);

  o.access_key_id = "AKIDOPTION";
  o.secret_access_key = SECRET;
  o.session_token = "TOKEN";
  s = new_session(&o);
  awsc_credentials *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_session_get_credentials(&c, s, &err), 0);
  CHECK_STR(awsc_credentials_access_key_id(c), "AKIDOPTION");
  CHECK_STR(awsc_credentials_secret_access_key(c), SECRET);
  CHECK_STR(awsc_credentials_session_token(c), "TOKEN");
  CHECK_STR(awsc_credentials_source(c), "explicit");
  awsc_credentials_free(c);
  /* The chain is not built: installing a role factory is still refused
   * because explicit keys already are the provider. */
  CHECK_INT(awsc_session_set_role_factory(s, NULL), AWSC_EINVAL);
  awsc_session_free(s);

  /* Partial explicit credentials. */
  o.secret_access_key = NULL;
  CHECK_INT(new_session_err(&o, &err), AWSC_EINVAL);
  CHECK(strstr(err.message, "partial") != NULL);
  o.access_key_id = NULL;
  o.secret_access_key = SECRET;
  CHECK_INT(new_session_err(&o, &err), AWSC_EINVAL);
  CHECK(strstr(err.message, SECRET) == NULL);
  o.secret_access_key = NULL;
  CHECK_INT(new_session_err(&o, &err), AWSC_EINVAL); /* token alone */
  o.session_token = NULL;

  /* Nothing anywhere: botocore's NoCredentialsError. */
  write_files("", "");
  reset_env();
  s = new_session(&o);
  c = (awsc_credentials *)1;
  CHECK_INT(awsc_session_get_credentials(&c, s, &err), AWSC_ECREDENTIALS);
  CHECK(c == NULL);
  CHECK_STR(err.message, "Unable to locate credentials");
  CHECK_INT(err.kind, AWSC_ERROR_CREDENTIALS);
  CHECK_INT(awsc_session_set_role_factory(s, NULL), AWSC_EINVAL);
  CHECK_INT(awsc_session_get_credentials(NULL, s, &err), AWSC_EINVAL);
  awsc_session_free(s);
}

static void test_transport(void) {
  write_files("", "");
  reset_env();
  atomic_store(&fake_destroyed, 0);
  awsc_session_options o = base_options();
  awsc_session *s = new_session(&o);
  CHECK(awsc_session_transport(s) == &fake_transport);
  awsc_session_free(s);
  /* Borrowed: not destroyed with the session. */
  CHECK_INT(atomic_load(&fake_destroyed), 0);

  /* Made lazily, once, with the session's settings. */
  o.transport = NULL;
  o.connect_timeout_ms = 1000;
  o.proxy = "http://127.0.0.1:9";
  s = new_session(&o);
  awsc_transport *t1 = awsc_session_transport(s);
  CHECK(t1 != NULL);
  CHECK(awsc_session_transport(s) == t1);
  awsc_transport_stats st;
  CHECK_INT(awsc_transport_curl_stats(&st, t1), 0);
  awsc_session_free(s);
  CHECK(awsc_session_transport(NULL) == NULL);
}

typedef struct thread_arg {
  awsc_session *s;
  awsc_transport *t;
  const char *url;
  int creds_ok;
} thread_arg;

static void *worker(void *p) {
  thread_arg *a = p;
  awsc_session *s = awsc_session_ref(a->s);
  for (int i = 0; i < 50; i++) {
    a->t = awsc_session_transport(s);
    a->url = awsc_session_endpoint_url(s, i % 2 ? "s3" : "sqs");
    awsc_credentials *c = NULL;
    if (awsc_session_get_credentials(&c, s, NULL) == 0)
      a->creds_ok++;
    awsc_credentials_free(c);
  }
  awsc_session_free(s);
  return NULL;
}

static void test_threads(void) {
  write_files("[default]\nendpoint_url = http://shared\n",
              "[default]\naws_access_key_id = AKIDTHREADS\n"
              "aws_secret_access_key = " SECRET "\n");
  reset_env();
  awsc_session_options o = base_options();
  o.transport = NULL;
  awsc_session *s = new_session(&o);
  enum { N = 8 };
  pthread_t th[N];
  thread_arg args[N];
  for (int i = 0; i < N; i++) {
    args[i] = (thread_arg){s, NULL, NULL, 0};
    CHECK_INT(pthread_create(&th[i], NULL, worker, &args[i]), 0);
  }
  for (int i = 0; i < N; i++)
    pthread_join(th[i], NULL);
  for (int i = 0; i < N; i++) {
    CHECK(args[i].t != NULL && args[i].t == args[0].t);
    CHECK_STR(args[i].url, "http://shared");
    CHECK_INT(args[i].creds_ok, 50);
  }
  awsc_session_free(s);
}

static void test_refcount(void) {
  write_files("[default]\nregion = rc-region\n", "");
  reset_env();
  awsc_session_options o = base_options();
  awsc_session *s = new_session(&o);
  CHECK(awsc_session_ref(s) == s);
  awsc_session_free(s);
  /* Still alive through the second reference. */
  CHECK_STR(awsc_session_region(s), "rc-region");
  awsc_session_free(s);
  CHECK(awsc_session_ref(NULL) == NULL);
}

static void test_invalid_options(void) {
  reset_env();
  awsc_error err = AWSC_ERROR_INIT;
  awsc_session_options o = base_options();
  o.version = 0;
  CHECK_INT(new_session_err(&o, &err), AWSC_EINVAL);
  CHECK(strstr(err.message, "version") != NULL);
  o.version = AWSC_SESSION_OPTIONS_VERSION + 1;
  CHECK_INT(new_session_err(&o, &err), AWSC_EINVAL);
  o = base_options();
  o.log_level = (awsc_log_level)42;
  CHECK_INT(new_session_err(&o, &err), AWSC_EINVAL);
  CHECK_INT(awsc_session_new(NULL, &o, &err), AWSC_EINVAL);
}

typedef struct log_capture {
  int lines;
  int leaked;
  int below_level;
} log_capture;

static void capture(awsc_log_level level, const char *msg, void *ud) {
  log_capture *lc = ud;
  lc->lines++;
  if (strstr(msg, SECRET) || strstr(msg, "TOKENVALUE"))
    lc->leaked++;
  if (level < AWSC_LOG_INFO)
    lc->below_level++;
}

static void test_logging(void) {
  write_files("[default]\nregion = log-region\n", "");
  reset_env();
  log_capture lc = {0, 0, 0};
  awsc_session_options o = base_options();
  o.log_fn = capture;
  o.log_user_data = &lc;
  o.log_level = AWSC_LOG_DEBUG;
  o.access_key_id = "AKIDLOG";
  o.secret_access_key = SECRET;
  o.session_token = "TOKENVALUE";
  awsc_session *s = new_session(&o);
  awsc_credentials *c = NULL;
  CHECK_INT(awsc_session_get_credentials(&c, s, NULL), 0);
  awsc_credentials_free(c);
  awsc_session_free(s);
  CHECK(lc.lines > 0);
  CHECK_INT(lc.leaked, 0);

  lc = (log_capture){0, 0, 0};
  o.log_level = AWSC_LOG_INFO;
  s = new_session(&o);
  awsc_session_free(s);
  CHECK_INT(lc.below_level, 0);
}

int main(void) {
  RUN(test_defaults);
  RUN(test_region_precedence);
  RUN(test_profile_precedence);
  RUN(test_file_precedence);
  RUN(test_retry_precedence);
  RUN(test_ca_bundle_precedence);
  RUN(test_transport_settings);
  RUN(test_addressing_style);
  RUN(test_endpoint_url);
  RUN(test_get_config);
  RUN(test_credentials);
  RUN(test_transport);
  RUN(test_threads);
  RUN(test_refcount);
  RUN(test_invalid_options);
  RUN(test_logging);
  test_env_clear(&env);
  test_tmp_cleanup();
  return test_summary();
}
