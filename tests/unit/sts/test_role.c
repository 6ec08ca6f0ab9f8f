/*
 * Role credentials through a session: profile parsing (role_arn +
 * source_profile / credential_source, chaining, loops, unsupported
 * settings), the AssumeRole request (signed with the source keys, the
 * profile's parameters, the configured STS endpoint), the credentials it
 * yields, and the cache refreshing them before they expire. STS is a
 * canned-reply transport.
 */
#include <string.h>

#include "fake.h"
#include "session/session_internal.h"
#include "sts/sts_internal.h"
#include "test.h"

#define SRC_AK "AKIDSOURCE0000000001"
#define SRC_SK "source-secret-not-real"

static const char *CREDS_FILE = "[base]\n"
                                "aws_access_key_id = " SRC_AK "\n"
                                "aws_secret_access_key = " SRC_SK "\n";

/* Get credentials through a fresh session of `profile`; returns the
 * status, *out when it succeeds. */
static int session_creds(awsc_session **s, const char *profile,
                         awsc_credentials **out, awsc_error *err) {
  *s = fake_session(profile);
  if (!*s)
    return AWSC_EINVAL;
  return awsc_session_get_credentials(out, *s, err);
}

static void test_factory_registered(void) {
  /* Nothing installed by the test: the STS module did it at load time. */
  fake_env_files("[profile r]\nrole_arn = arn:aws:iam::123456789012:role/R\n"
                 "source_profile = base\n",
                 CREDS_FILE);
  fake_reply r[] = {{200, NULL,
                     fake_sts_xml(0, "AssumeRole", "ASIATEMP1", "temp-secret-1",
                                  "token-1", 3600),
                     NULL, NULL}};
  fake_reset(r, 1);
  awsc_session *s;
  awsc_credentials *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(session_creds(&s, "r", &c, &err), 0);
  CHECK_INT(fake_sends(), 1);
  if (c) {
    CHECK_STR(awsc_credentials_access_key_id(c), "ASIATEMP1");
    CHECK_STR(awsc_credentials_secret_access_key(c), "temp-secret-1");
    CHECK_STR(awsc_credentials_session_token(c), "token-1");
    CHECK_STR(awsc_credentials_source(c), "assume-role");
    int64_t left = awsc_credentials_expiration_ms(c) - awsc_time_now_ms();
    CHECK(left > 3500 * 1000 && left <= 3600 * 1000);
  }
  awsc_credentials_free(c);
  awsc_session_free(s);
}

static void test_request_shape(void) {
  fake_env_files("[profile r]\n"
                 "role_arn = arn:aws:iam::123456789012:role/R\n"
                 "source_profile = base\n"
                 "role_session_name = my-session\n"
                 "duration_seconds = 900\n"
                 "external_id = ext-42\n"
                 "region = eu-west-1\n"
                 "endpoint_url = http://sts.example.test:8080\n",
                 CREDS_FILE);
  fake_reply r[] = {{200, NULL,
                     fake_sts_xml(0, "AssumeRole", "ASIATEMP1", "temp-secret-1",
                                  "token-1", 3600),
                     NULL, NULL}};
  fake_reset(r, 1);
  awsc_session *s;
  awsc_credentials *c = NULL;
  CHECK_INT(session_creds(&s, "r", &c, NULL), 0);
  CHECK_STR(fake_url(0), "http://sts.example.test:8080/");
  const char *b = fake_body(0);
  CHECK(strstr(b, "Action=AssumeRole") != NULL);
  CHECK(strstr(b, "RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2FR"));
  CHECK(strstr(b, "RoleSessionName=my-session") != NULL);
  CHECK(strstr(b, "DurationSeconds=900") != NULL);
  CHECK(strstr(b, "ExternalId=ext-42") != NULL);
  const char *auth = fake_header(0, "authorization");
  CHECK(strstr(auth, "Credential=" SRC_AK "/") != NULL);
  CHECK(strstr(auth, "/eu-west-1/sts/aws4_request") != NULL);
  CHECK_STR(fake_header(0, "x-amz-security-token"), "");
  awsc_credentials_free(c);
  awsc_session_free(s);

  /* AWS_ENDPOINT_URL_STS wins over the profile; no name: awsc-session-N */
  fake_env_files("[profile r]\nrole_arn = arn:aws:iam::1:role/R\n"
                 "source_profile = base\n"
                 "endpoint_url = http://wrong.test\n",
                 CREDS_FILE);
  fake_setenv("AWS_ENDPOINT_URL_STS", "http://sts.env.test");
  fake_reset(r, 1);
  c = NULL;
  CHECK_INT(session_creds(&s, "r", &c, NULL), 0);
  CHECK_STR(fake_url(0), "http://sts.env.test/");
  CHECK(strstr(fake_body(0), "RoleSessionName=awsc-session-") != NULL);
  CHECK(strstr(fake_body(0), "DurationSeconds") == NULL);
  awsc_credentials_free(c);
  awsc_session_free(s);

  /* nothing configured: STS in us-east-1 (regional endpoint, botocore's
   * default since sts_regional_endpoints became "regional") */
  fake_env_files("[profile r]\nrole_arn = arn:aws:iam::1:role/R\n"
                 "source_profile = base\n",
                 CREDS_FILE);
  fake_reset(r, 1);
  c = NULL;
  CHECK_INT(session_creds(&s, "r", &c, NULL), 0);
  CHECK_STR(fake_url(0), "https://sts.us-east-1.amazonaws.com/");
  CHECK(strstr(fake_header(0, "authorization"), "/us-east-1/sts/") != NULL);
  awsc_credentials_free(c);
  awsc_session_free(s);
}

static void test_refresh(void) {
  fake_env_files("[profile r]\nrole_arn = arn:aws:iam::1:role/R\n"
                 "source_profile = base\n",
                 CREDS_FILE);
  /* An hour of life: the second lookup is served from the cache. */
  fake_reply fresh[] = {
      {200, NULL, fake_sts_xml(0, "AssumeRole", "ASIA1", "s1", "t1", 3600),
       NULL, NULL},
      {200, NULL, fake_sts_xml(1, "AssumeRole", "ASIA2", "s2", "t2", 3600),
       NULL, NULL}};
  fake_reset(fresh, 2);
  awsc_session *s = fake_session("r");
  awsc_credentials *c1 = NULL, *c2 = NULL;
  CHECK_INT(awsc_session_get_credentials(&c1, s, NULL), 0);
  CHECK_INT(awsc_session_get_credentials(&c2, s, NULL), 0);
  CHECK_INT(fake_sends(), 1);
  CHECK(c1 && c2 && strcmp(awsc_credentials_access_key_id(c2), "ASIA1") == 0);
  awsc_credentials_free(c1);
  awsc_credentials_free(c2);
  awsc_session_free(s);

  /* Five minutes left (inside the 10-minute mandatory window): every
   * lookup assumes the role again and returns the new keys. */
  fake_reply expiring[] = {
      {200, NULL, fake_sts_xml(0, "AssumeRole", "ASIA1", "s1", "t1", 300), NULL,
       NULL},
      {200, NULL, fake_sts_xml(1, "AssumeRole", "ASIA2", "s2", "t2", 3600),
       NULL, NULL}};
  fake_reset(expiring, 2);
  s = fake_session("r");
  c1 = c2 = NULL;
  CHECK_INT(awsc_session_get_credentials(&c1, s, NULL), 0);
  CHECK_INT(awsc_session_get_credentials(&c2, s, NULL), 0);
  CHECK_INT(fake_sends(), 2);
  CHECK(c1 && strcmp(awsc_credentials_access_key_id(c1), "ASIA1") == 0);
  CHECK(c2 && strcmp(awsc_credentials_access_key_id(c2), "ASIA2") == 0);
  awsc_credentials_free(c1);
  awsc_credentials_free(c2);

  /* 12 minutes left (advisory window) and STS refusing: the old keys are
   * kept, no error. (Not a 5xx: that would be retried with backoff.) */
  awsc_session_free(s);
  fake_reply advisory[] = {
      {200, NULL, fake_sts_xml(0, "AssumeRole", "ASIA1", "s1", "t1", 720), NULL,
       NULL},
      {403, NULL,
       "<ErrorResponse><Error><Code>AccessDenied</Code>"
       "</Error></ErrorResponse>",
       NULL, NULL}};
  fake_reset(advisory, 2);
  s = fake_session("r");
  c1 = c2 = NULL;
  CHECK_INT(awsc_session_get_credentials(&c1, s, NULL), 0);
  CHECK_INT(awsc_session_get_credentials(&c2, s, NULL), 0);
  CHECK(c2 && strcmp(awsc_credentials_access_key_id(c2), "ASIA1") == 0);
  CHECK(fake_sends() >= 2);
  awsc_credentials_free(c1);
  awsc_credentials_free(c2);
  awsc_session_free(s);
}

static void test_role_chaining(void) {
  fake_env_files("[profile a]\nrole_arn = arn:aws:iam::1:role/A\n"
                 "source_profile = b\n"
                 "[profile b]\nrole_arn = arn:aws:iam::1:role/B\n"
                 "source_profile = base\n",
                 CREDS_FILE);
  fake_reply r[] = {
      {200, NULL, fake_sts_xml(0, "AssumeRole", "ASIAB", "sb", "tok-b", 3600),
       NULL, NULL},
      {200, NULL, fake_sts_xml(1, "AssumeRole", "ASIAA", "sa", "tok-a", 3600),
       NULL, NULL}};
  fake_reset(r, 2);
  awsc_session *s;
  awsc_credentials *c = NULL;
  CHECK_INT(session_creds(&s, "a", &c, NULL), 0);
  CHECK_INT(fake_sends(), 2);
  /* first B's role with the static keys, then A's with B's credentials */
  CHECK(strstr(fake_body(0), "role%2FB") != NULL);
  CHECK(strstr(fake_header(0, "authorization"), SRC_AK) != NULL);
  CHECK(strstr(fake_body(1), "role%2FA") != NULL);
  CHECK(strstr(fake_header(1, "authorization"), "Credential=ASIAB/") != NULL);
  CHECK_STR(fake_header(1, "x-amz-security-token"), "tok-b");
  CHECK(c && strcmp(awsc_credentials_access_key_id(c), "ASIAA") == 0);
  awsc_credentials_free(c);
  awsc_session_free(s);

  /* A profile naming itself as source uses its own keys. */
  fake_env_files("[profile self]\nrole_arn = arn:aws:iam::1:role/S\n"
                 "source_profile = self\n",
                 "[self]\naws_access_key_id = AKIDSELF\n"
                 "aws_secret_access_key = self-secret\n");
  fake_reset(r, 1);
  c = NULL;
  CHECK_INT(session_creds(&s, "self", &c, NULL), 0);
  CHECK_INT(fake_sends(), 1);
  CHECK(strstr(fake_header(0, "authorization"), "Credential=AKIDSELF/"));
  awsc_credentials_free(c);
  awsc_session_free(s);
}

static void test_credential_source(void) {
  fake_env_files("[profile r]\nrole_arn = arn:aws:iam::1:role/R\n"
                 "credential_source = Environment\n",
                 NULL);
  fake_setenv("AWS_ACCESS_KEY_ID", "AKIDFROMENV");
  fake_setenv("AWS_SECRET_ACCESS_KEY", "env-secret");
  fake_setenv("AWS_PROFILE", "r");
  fake_reply r[] = {{200, NULL,
                     fake_sts_xml(0, "AssumeRole", "ASIAR", "sr", "tr", 3600),
                     NULL, NULL}};
  fake_reset(r, 1);
  awsc_session *s;
  awsc_credentials *c = NULL;
  /* AWS_PROFILE (not a profile named in code): the env provider comes
   * first in the chain, as in botocore, and wins. */
  CHECK_INT(session_creds(&s, NULL, &c, NULL), 0);
  CHECK(c && strcmp(awsc_credentials_access_key_id(c), "AKIDFROMENV") == 0);
  awsc_credentials_free(c);
  awsc_session_free(s);
  /* Named in code: the environment keys are the role's source. */
  fake_reset(r, 1);
  c = NULL;
  CHECK_INT(session_creds(&s, "r", &c, NULL), 0);
  CHECK_INT(fake_sends(), 1);
  CHECK(strstr(fake_header(0, "authorization"), "Credential=AKIDFROMENV/"));
  CHECK(c && strcmp(awsc_credentials_access_key_id(c), "ASIAR") == 0);
  awsc_credentials_free(c);
  awsc_session_free(s);

  /* credential_source with nothing there */
  fake_env_files("[profile r]\nrole_arn = arn:aws:iam::1:role/R\n"
                 "credential_source = Environment\n",
                 NULL);
  fake_reset(NULL, 0);
  awsc_error err = AWSC_ERROR_INIT;
  c = NULL;
  CHECK_INT(session_creds(&s, "r", &c, &err), AWSC_ECREDENTIALS);
  CHECK(strstr(err.message, "No credentials found in credential_source "
                            "referenced in profile r") != NULL);
  CHECK_INT(fake_sends(), 0);
  awsc_session_free(s);
}

/* The profile `r` of this config fails with `code` and a message
 * containing `text`; nothing is sent. */
static void expect_config_error(const char *config, const char *credentials,
                                int code, const char *text) {
  fake_env_files(config, credentials);
  fake_reset(NULL, 0);
  awsc_session *s;
  awsc_credentials *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = session_creds(&s, "r", &c, &err);
  CHECK_INT(rc, code);
  if (!strstr(err.message, text)) {
    fprintf(stderr, "  message: %s\n  wanted:  %s\n", err.message, text);
    CHECK(0);
  }
  CHECK(c == NULL);
  CHECK_INT(fake_sends(), 0);
  /* no secret of the source profile in any message */
  CHECK(strstr(err.message, SRC_SK) == NULL);
  awsc_credentials_free(c);
  awsc_session_free(s);
}

static void test_config_errors(void) {
  const char *arn = "[profile r]\nrole_arn = arn:aws:iam::1:role/R\n";
  char cfg[512];
  snprintf(cfg, sizeof cfg,
           "%ssource_profile = base\n"
           "credential_source = Environment\n",
           arn);
  expect_config_error(cfg, CREDS_FILE, AWSC_ECONFIG,
                      "The profile \"r\" contains both source_profile and "
                      "credential_source.");
  expect_config_error(arn, CREDS_FILE, AWSC_ECREDENTIALS,
                      "missing: source_profile or credential_source");
  snprintf(cfg, sizeof cfg, "%ssource_profile = nope\n", arn);
  expect_config_error(cfg, CREDS_FILE, AWSC_ECONFIG,
                      "The source_profile \"nope\" referenced in the profile "
                      "\"r\" does not exist.");
  snprintf(cfg, sizeof cfg,
           "%ssource_profile = b\n[profile b]\n"
           "role_arn = arn:aws:iam::1:role/B\n"
           "source_profile = r\n",
           arn);
  expect_config_error(cfg, CREDS_FILE, AWSC_ECONFIG,
                      "Infinite loop in credential configuration detected. "
                      "Attempting to load from profile r");
  snprintf(cfg, sizeof cfg, "%ssource_profile = r\n", arn);
  expect_config_error(cfg, NULL, AWSC_ECONFIG, "Infinite loop");
  snprintf(cfg, sizeof cfg,
           "%ssource_profile = base\n"
           "mfa_serial = arn:aws:iam::1:mfa/me\n",
           arn);
  expect_config_error(cfg, CREDS_FILE, AWSC_EUNSUPPORTED,
                      "Profile \"r\" sets mfa_serial");
  snprintf(cfg, sizeof cfg,
           "%ssource_profile = base\n"
           "duration_seconds = an hour\n",
           arn);
  expect_config_error(cfg, CREDS_FILE, AWSC_ECONFIG,
                      "Invalid duration_seconds 'an hour' in profile \"r\"");
  snprintf(cfg, sizeof cfg, "%scredential_source = Laptop\n", arn);
  expect_config_error(cfg, NULL, AWSC_ECONFIG,
                      "The credential source \"Laptop\" referenced in "
                      "profile \"r\" is not valid.");
  snprintf(cfg, sizeof cfg,
           "%ssource_profile = empty\n[profile empty]\n"
           "region = us-east-1\n",
           arn);
  expect_config_error(cfg, NULL, AWSC_ECONFIG,
                      "The source profile \"empty\" must have credentials.");
}

static void test_sts_error(void) {
  fake_env_files("[profile r]\nrole_arn = arn:aws:iam::1:role/Nope\n"
                 "source_profile = base\n",
                 CREDS_FILE);
  fake_reply r[] = {
      {403, NULL,
       "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
       "<Error><Type>Sender</Type><Code>AccessDenied</Code>"
       "<Message>User: arn:aws:iam::1:user/u is not authorized to perform: "
       "sts:AssumeRole on resource: arn:aws:iam::1:role/Nope</Message>"
       "</Error><RequestId>r-1</RequestId></ErrorResponse>",
       NULL, NULL}};
  fake_reset(r, 1);
  awsc_session *s;
  awsc_credentials *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(session_creds(&s, "r", &c, &err), AWSC_ESERVICE);
  CHECK_STR(err.service_code, "AccessDenied");
  CHECK_INT(err.http_status, 403);
  CHECK(strstr(err.message, "when calling the AssumeRole operation") != NULL);
  CHECK(strstr(err.message, "not authorized") != NULL);
  CHECK(strstr(err.message, SRC_SK) == NULL);
  awsc_session_free(s);

  /* a 200 without keys is not credentials */
  fake_reply empty[] = {
      {200, NULL,
       "<AssumeRoleResponse><AssumeRoleResult></AssumeRoleResult>"
       "</AssumeRoleResponse>",
       NULL, NULL}};
  fake_reset(empty, 1);
  err = (awsc_error)AWSC_ERROR_INIT;
  CHECK_INT(session_creds(&s, "r", &c, &err), AWSC_ECREDENTIALS);
  CHECK(strstr(err.message, "has no Credentials") != NULL);
  awsc_session_free(s);
}

/* An S3 call through a role profile signs with the role's keys. */
static void test_client_uses_role(void) {
  fake_env_files("[profile r]\nrole_arn = arn:aws:iam::1:role/R\n"
                 "source_profile = base\nregion = us-east-1\n"
                 "endpoint_url = http://local.test\n",
                 CREDS_FILE);
  fake_reply r[] = {
      {200, NULL,
       fake_sts_xml(0, "AssumeRole", "ASIAS3", "s3sec", "tok-s3", 3600), NULL,
       NULL},
      {200, "application/xml",
       "<ListAllMyBucketsResult><Buckets></Buckets></ListAllMyBucketsResult>",
       NULL, NULL}};
  fake_reset(r, 2);
  awsc_session *s = fake_session("r");
  awsc_client *s3 = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_client_new(&s3, s, "s3", NULL, &err), 0);
  char *json = NULL;
  CHECK_INT(awsc_call_json(&json, s3, "ListBuckets", NULL, &err), 0);
  CHECK_INT(fake_sends(), 2);
  CHECK(strstr(fake_url(0), "http://local.test/") == fake_url(0));
  CHECK(strstr(fake_header(1, "authorization"), "Credential=ASIAS3/"));
  CHECK(strstr(fake_header(1, "authorization"), "/s3/aws4_request"));
  CHECK_STR(fake_header(1, "x-amz-security-token"), "tok-s3");
  awsc_mem_free(json);
  awsc_client_free(s3);
  awsc_session_free(s);
}

/* The factory on its own: ENOTFOUND when nothing asks for a role. */
static void test_factory_direct(void) {
  fake_env_files("[profile plain]\nregion = us-east-1\n", NULL);
  awsc_session *s = fake_session("plain");
  awsc_credentials_provider *p = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(
      awsc_sts_role_factory(&p, awsc_session_config(s), &fake_transport, &err),
      AWSC_ENOTFOUND);
  CHECK(p == NULL);
  awsc_session_free(s);
}

int main(void) {
  test_alloc_install();
  awsc_global_init(); /* libcurl's own lasting allocations come first */
  int64_t live0 = test_alloc_live();
  RUN(test_factory_registered);
  RUN(test_request_shape);
  RUN(test_refresh);
  RUN(test_role_chaining);
  RUN(test_credential_source);
  RUN(test_config_errors);
  RUN(test_sts_error);
  RUN(test_client_uses_role);
  RUN(test_factory_direct);
  fake_cleanup();
  fake_env_cleanup();
  int64_t leaked = test_alloc_live() - live0;
  if (leaked != 0) {
    printf("FAIL leak check: %lld blocks still allocated\n", (long long)leaked);
    test_failed++;
  }
  return test_summary();
}
