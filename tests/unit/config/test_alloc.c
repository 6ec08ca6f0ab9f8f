/* Allocation tests of the config module with the counting allocator:
 * nothing leaks, and failing each allocation in turn never crashes or
 * leaks (SQLite / curl torture style). */
#include "awsc/session.h"
#include "cfgtest.h"
#include "config/config.h"
#include "session/session_internal.h"
#include "test.h"

static test_env env;
static char config_path[1024], creds_path[1024];

static const char ini_text[] =
    "\xEF\xBB\xBF# comment\n"
    "[default]\r\n"
    "region = us-east-1\n"
    "multi = a\n  b\n\n  c\n"
    "s3 =\n  addressing_style = path\n  signature_version = s3v4\n"
    "[profile dev]\n"
    "region = eu-west-1\n"
    "services = local\n"
    "[services local]\n"
    "s3 =\n  endpoint_url = http://localhost:9000\n"
    "[DEFAULT]\nx = 1\n"
    "[sso-session corp]\nsso_region = us-east-1\n"
    "[default]\noutput = json\n";

/* Fail allocation 1, 2, 3, ... of `op` until it gets through; every
 * failed run must report AWSC_ENOMEM and leave nothing allocated. */
static void torture(const char *what, int (*op)(void *), void *arg) {
  uint64_t n;
  int crashes_or_leaks = 0;
  for (n = 1; n < 100000; n++) {
    int64_t live0 = test_alloc_live();
    test_alloc_fail_at(n);
    int rc = op(arg);
    int fired = test_alloc_failure_fired();
    test_alloc_fail_at(0);
    if (test_alloc_live() != live0) {
      fprintf(stderr, "  %s: fail at %" PRIu64 ": %" PRId64 " blocks leaked\n",
              what, n, test_alloc_live() - live0);
      crashes_or_leaks++;
    }
    if (!fired) {
      CHECK_INT(rc, 0);
      break;
    }
    if (rc != AWSC_ENOMEM) {
      fprintf(stderr, "  %s: fail at %" PRIu64 ": rc %d, not AWSC_ENOMEM\n",
              what, n, rc);
      crashes_or_leaks++;
    }
  }
  printf("     %s: %" PRIu64 " allocation points failed in turn\n", what,
         n - 1);
  CHECK(n > 1);
  CHECK_INT(crashes_or_leaks, 0);
}

static int op_ini(void *arg) {
  (void)arg;
  awsc_ini *ini = NULL;
  int rc = awsc_ini_parse(&ini, ini_text, sizeof(ini_text) - 1, "t.ini", NULL);
  if (rc == 0 &&
      strcmp(awsc_ini_get_sub(ini, "default", "s3", "addressing_style"),
             "path") != 0)
    rc = -999;
  awsc_ini_free(ini);
  return rc;
}

/* Big enough for many arena blocks, array growth and the value buffer. */
static awsc_buf big_text = AWSC_BUF_INIT;

static int op_ini_big(void *arg) {
  (void)arg;
  awsc_ini *ini = NULL;
  int rc = awsc_ini_parse(&ini, big_text.p, big_text.len, "big.ini", NULL);
  if (rc == 0 && strcmp(awsc_ini_get(ini, "profile p99", "multi"),
                        "first\nsecond\n\nthird") != 0)
    rc = -999;
  awsc_ini_free(ini);
  return rc;
}

static awsc_config_source source(void) {
  awsc_config_source src = {0};
  src.getenv = test_env_get;
  src.getenv_user_data = &env;
  src.config_file = config_path;
  src.credentials_file = creds_path;
  src.profile = "dev";
  return src;
}

static int op_config(void *arg) {
  (void)arg;
  awsc_config_source src = source();
  awsc_config *cfg = NULL;
  int rc = awsc_config_load(&cfg, &src, NULL);
  if (rc == 0 && strcmp(awsc_config_section_get_sub(cfg, "services", "local",
                                                    "s3", "endpoint_url"),
                        "http://localhost:9000") != 0)
    rc = -999;
  awsc_config_free(cfg);
  return rc;
}

static int op_load_file(void *arg) {
  (void)arg;
  awsc_ini *ini = NULL;
  int rc = awsc_ini_load_file(&ini, config_path, NULL);
  awsc_ini_free(ini);
  return rc;
}

static int fake_send(awsc_transport *t, const awsc_http_request *req,
                     awsc_http_response *resp, awsc_error *err) {
  (void)t;
  (void)req;
  (void)resp;
  return awsc_error_set(err, AWSC_ENETWORK, AWSC_ERROR_NETWORK, "no network");
}
static void fake_destroy(awsc_transport *t) {
  (void)t;
}
static const awsc_transport_vtable fake_vtable = {fake_send, fake_destroy};
static awsc_transport fake_transport = {&fake_vtable, NULL};

static awsc_session_options session_options(void) {
  awsc_session_options o = AWSC_SESSION_OPTIONS_INIT;
  o.getenv_fn = test_env_get;
  o.getenv_user_data = &env;
  o.config_file = config_path;
  o.credentials_file = creds_path;
  o.profile = "dev";
  o.transport = &fake_transport;
  return o;
}

/* Session made, used (endpoint URL, credentials from the chain), freed. */
static int op_session(void *arg) {
  (void)arg;
  awsc_session_options o = session_options();
  awsc_session *s = NULL;
  int rc = awsc_session_new(&s, &o, NULL);
  if (rc)
    return rc;
  const char *url = NULL;
  rc = awsc_session_resolve_endpoint_url(s, "s3", &url, NULL);
  if (rc == 0 && (!url || strcmp(url, "http://localhost:9000") != 0))
    rc = -999;
  if (rc == 0) {
    awsc_credentials *c = NULL;
    rc = awsc_session_get_credentials(&c, s, NULL);
    awsc_credentials_free(c);
    /* The cache or chain may fold an allocation failure into "no
     * credentials"; report it as the ENOMEM it was. */
    if (rc != 0 && test_alloc_failure_fired())
      rc = AWSC_ENOMEM;
  }
  awsc_session_free(s);
  return rc;
}

static void test_session_no_leak(void) {
  awsc_session_options o = session_options();
  int64_t live0 = test_alloc_live();
  awsc_session *s = NULL;
  CHECK_INT(awsc_session_new(&s, &o, NULL), 0);
  awsc_session *s2 = awsc_session_ref(s);
  CHECK(awsc_session_endpoint_url(s, "s3") != NULL);
  CHECK(awsc_session_endpoint_url(s, "sqs") == NULL);
  awsc_credentials *c = NULL;
  CHECK_INT(awsc_session_get_credentials(&c, s, NULL), 0);
  awsc_credentials_free(c);
  awsc_session_free(s);
  CHECK(test_alloc_live() > live0); /* s2 still holds it */
  awsc_session_free(s2);
  CHECK_INT(test_alloc_live() - live0, 0);

  /* With the libcurl transport made lazily. */
  o.transport = NULL;
  live0 = test_alloc_live();
  CHECK_INT(awsc_session_new(&s, &o, NULL), 0);
  CHECK(awsc_session_transport(s) != NULL);
  awsc_session_free(s);
  CHECK_INT(test_alloc_live() - live0, 0);

  /* Explicit keys, and a session that fails to be made. */
  o.access_key_id = "AKID";
  o.secret_access_key = "SECRET";
  CHECK_INT(awsc_session_new(&s, &o, NULL), 0);
  awsc_session_free(s);
  o.profile = "nosuch";
  CHECK_INT(awsc_session_new(&s, &o, NULL), AWSC_ENOTFOUND);
  CHECK_INT(test_alloc_live() - live0, 0);
}

static void test_ini_torture(void) {
  torture("awsc_ini_parse", op_ini, NULL);
}
static void test_ini_big_torture(void) {
  test_alloc_fail_at(0);
  for (int i = 0; i < 100; i++) {
    awsc_buf_printf(&big_text,
                    "[profile p%d]\nregion = r%d\nmulti = first\n  second\n\n"
                    "  third\ns3 =\n",
                    i, i);
    for (int k = 0; k < 12; k++)
      awsc_buf_printf(&big_text, "  key%d = value%d\n", k, k);
  }
  torture("awsc_ini_parse (big)", op_ini_big, NULL);
  awsc_buf_free(&big_text);
}
static void test_load_file_torture(void) {
  torture("awsc_ini_load_file", op_load_file, NULL);
}
static void test_config_torture(void) {
  torture("awsc_config_load", op_config, NULL);
}
static void test_session_torture(void) {
  torture("awsc_session_new+use", op_session, NULL);
}

int main(void) {
  test_alloc_install();
  /* One-time init (libcurl, OpenSSL) keeps its memory for the process:
   * run it before counting. */
  CHECK_INT(awsc_global_init(), 0);
  snprintf(config_path, sizeof(config_path), "%s",
           test_write_file("a/config", ini_text));
  snprintf(creds_path, sizeof(creds_path), "%s",
           test_write_file("a/credentials",
                           "[dev]\naws_access_key_id = AKIDDEV\n"
                           "aws_secret_access_key = SECRETDEV\n"));
  test_env_set(&env, "AWS_EC2_METADATA_DISABLED", "true");
  RUN(test_session_no_leak);
  RUN(test_ini_torture);
  RUN(test_ini_big_torture);
  RUN(test_load_file_torture);
  RUN(test_config_torture);
  RUN(test_session_torture);
  test_env_clear(&env);
  test_tmp_cleanup();
  return test_summary();
}
