/*
 * Web identity credentials through a session: the environment
 * (AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_SESSION_NAME) and
 * profile (web_identity_token_file, role_arn, role_session_name) forms,
 * the unsigned AssumeRoleWithWebIdentity request carrying the token read
 * from the file on every fetch, errors, and web identity as the source
 * of an assume-role profile. STS is a canned-reply transport.
 */
#include <string.h>

#include "fake.h"
#include "session/session_internal.h"
#include "sts/sts_internal.h"
#include "test.h"

#define OP "AssumeRoleWithWebIdentity"

static void test_env_form(void) {
  fake_env_files(NULL, NULL);
  fake_setenv("AWS_ROLE_ARN", "arn:aws:iam::1:role/Web");
  fake_setenv("AWS_WEB_IDENTITY_TOKEN_FILE",
              fake_write("token", "eyJ.first-token.sig"));
  fake_setenv("AWS_ROLE_SESSION_NAME", "pod-1");
  fake_setenv("AWS_ENDPOINT_URL_STS", "http://sts.test");
  fake_reply r[] = {
      {200, NULL, fake_sts_xml(0, OP, "ASIAW1", "ws1", "wt1", 300), NULL, NULL},
      {200, NULL, fake_sts_xml(1, OP, "ASIAW2", "ws2", "wt2", 3600), NULL,
       NULL}};
  fake_reset(r, 2);
  awsc_session *s = fake_session(NULL);
  awsc_credentials *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_session_get_credentials(&c, s, &err), 0);
  CHECK_INT(fake_sends(), 1);
  CHECK_STR(fake_url(0), "http://sts.test/");
  const char *b = fake_body(0);
  CHECK(strstr(b, "Action=AssumeRoleWithWebIdentity") != NULL);
  CHECK(strstr(b, "RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2FWeb") != NULL);
  CHECK(strstr(b, "RoleSessionName=pod-1") != NULL);
  CHECK(strstr(b, "WebIdentityToken=eyJ.first-token.sig") != NULL);
  /* unsigned, as botocore sends it */
  CHECK_STR(fake_header(0, "authorization"), "");
  CHECK(c && strcmp(awsc_credentials_access_key_id(c), "ASIAW1") == 0);
  CHECK(c && strcmp(awsc_credentials_source(c),
                    "assume-role-with-web-identity") == 0);
  awsc_credentials_free(c);

  /* The first credentials expire in 5 minutes: the next lookup refreshes
   * and reads the token file again (its owner rotated it). */
  fake_write("token", "eyJ.second-token.sig");
  c = NULL;
  CHECK_INT(awsc_session_get_credentials(&c, s, &err), 0);
  CHECK_INT(fake_sends(), 2);
  CHECK(strstr(fake_body(1), "WebIdentityToken=eyJ.second-token.sig"));
  CHECK(c && strcmp(awsc_credentials_access_key_id(c), "ASIAW2") == 0);
  awsc_credentials_free(c);
  awsc_session_free(s);
}

static void test_profile_form(void) {
  const char *token = fake_write("token", "profile-token");
  char cfg[512];
  snprintf(cfg, sizeof cfg,
           "[profile w]\nweb_identity_token_file = %s\n"
           "role_arn = arn:aws:iam::1:role/P\nregion = eu-central-1\n"
           "endpoint_url = http://sts.profile.test\n",
           token);
  fake_env_files(cfg, NULL);
  fake_reply r[] = {
      {200, NULL, fake_sts_xml(0, OP, "ASIAP", "ps", "pt", 3600), NULL, NULL}};
  fake_reset(r, 1);
  awsc_session *s = fake_session("w");
  awsc_credentials *c = NULL;
  CHECK_INT(awsc_session_get_credentials(&c, s, NULL), 0);
  CHECK_STR(fake_url(0), "http://sts.profile.test/");
  CHECK(strstr(fake_body(0), "role%2FP") != NULL);
  CHECK(strstr(fake_body(0), "RoleSessionName=awsc-session-") != NULL);
  CHECK(strstr(fake_body(0), "WebIdentityToken=profile-token") != NULL);
  CHECK(c && strcmp(awsc_credentials_access_key_id(c), "ASIAP") == 0);
  awsc_credentials_free(c);
  awsc_session_free(s);
}

static void test_errors(void) {
  /* token file but no role ARN anywhere */
  fake_env_files(NULL, NULL);
  fake_setenv("AWS_WEB_IDENTITY_TOKEN_FILE", fake_write("token", "t"));
  fake_setenv("AWS_ROLE_ARN", "arn:aws:iam::1:role/X");
  fake_reset(NULL, 0);
  /* the chain only has a role slot when both are set; direct check: */
  awsc_web_identity_params wp;
  awsc_error err = AWSC_ERROR_INIT;
  awsc_session *s = fake_session(NULL);
  fake_setenv("AWS_ROLE_ARN", NULL);
  CHECK_INT(awsc_sts_web_identity_params_resolve(awsc_session_config(s), true,
                                                 &wp, &err),
            AWSC_ECONFIG);
  CHECK(strstr(err.message, "has no role ARN configured") != NULL);
  awsc_session_free(s);

  /* profile with a token file and no role_arn: the session says so */
  char cfg[256];
  snprintf(cfg, sizeof cfg, "[profile w]\nweb_identity_token_file = %s\n",
           fake_path("token"));
  fake_env_files(cfg, NULL);
  s = fake_session("w");
  awsc_credentials *c = NULL;
  err = (awsc_error)AWSC_ERROR_INIT;
  CHECK_INT(awsc_session_get_credentials(&c, s, &err), AWSC_ECONFIG);
  CHECK(strstr(err.message, "role ARN") != NULL);
  awsc_session_free(s);

  /* token file missing: a credentials error naming the file */
  fake_env_files(NULL, NULL);
  fake_setenv("AWS_ROLE_ARN", "arn:aws:iam::1:role/X");
  fake_setenv("AWS_WEB_IDENTITY_TOKEN_FILE", fake_path("token2"));
  fake_reset(NULL, 0);
  s = fake_session(NULL);
  err = (awsc_error)AWSC_ERROR_INIT;
  CHECK_INT(awsc_session_get_credentials(&c, s, &err), AWSC_ECREDENTIALS);
  CHECK(strstr(err.message, "assume-role-with-web-identity") != NULL);
  CHECK(strstr(err.message, "token2") != NULL);
  CHECK_INT(fake_sends(), 0);
  awsc_session_free(s);

  /* STS refuses the token: its error, and never the token in a message */
  fake_setenv("AWS_WEB_IDENTITY_TOKEN_FILE",
              fake_write("token", "secret-jwt-value"));
  fake_reply r[] = {
      {400, NULL,
       "<ErrorResponse><Error><Type>Sender</Type>"
       "<Code>InvalidIdentityToken</Code><Message>Couldn't retrieve "
       "verification key from your identity provider</Message></Error>"
       "<RequestId>x</RequestId></ErrorResponse>",
       NULL, NULL}};
  fake_reset(r, 1);
  s = fake_session(NULL);
  err = (awsc_error)AWSC_ERROR_INIT;
  CHECK_INT(awsc_session_get_credentials(&c, s, &err), AWSC_ESERVICE);
  CHECK_STR(err.service_code, "InvalidIdentityToken");
  CHECK(strstr(err.message, "AssumeRoleWithWebIdentity") != NULL);
  CHECK(strstr(err.message, "secret-jwt-value") == NULL);
  awsc_session_free(s);
}

/* A source profile with web identity feeds an assume-role profile. */
static void test_as_source(void) {
  char cfg[512];
  snprintf(cfg, sizeof cfg,
           "[profile top]\nrole_arn = arn:aws:iam::1:role/Top\n"
           "source_profile = web\n"
           "[profile web]\nweb_identity_token_file = %s\n"
           "role_arn = arn:aws:iam::1:role/Web\n",
           fake_write("token", "chain-token"));
  fake_env_files(cfg, NULL);
  fake_setenv("AWS_ENDPOINT_URL", "http://sts.test");
  fake_reply r[] = {
      {200, NULL, fake_sts_xml(0, OP, "ASIAWEB", "ws", "wtok", 3600), NULL,
       NULL},
      {200, NULL, fake_sts_xml(1, "AssumeRole", "ASIATOP", "ts", "ttok", 3600),
       NULL, NULL}};
  fake_reset(r, 2);
  awsc_session *s = fake_session("top");
  awsc_credentials *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_session_get_credentials(&c, s, &err), 0);
  CHECK_INT(fake_sends(), 2);
  CHECK(strstr(fake_body(0), "Action=AssumeRoleWithWebIdentity") != NULL);
  CHECK(strstr(fake_body(1), "Action=AssumeRole&") != NULL);
  CHECK(strstr(fake_header(1, "authorization"), "Credential=ASIAWEB/"));
  CHECK_STR(fake_header(1, "x-amz-security-token"), "wtok");
  CHECK(c && strcmp(awsc_credentials_access_key_id(c), "ASIATOP") == 0);
  awsc_credentials_free(c);
  awsc_session_free(s);
}

int main(void) {
  test_alloc_install();
  awsc_global_init();
  int64_t live0 = test_alloc_live();
  RUN(test_env_form);
  RUN(test_profile_form);
  RUN(test_errors);
  RUN(test_as_source);
  fake_cleanup();
  fake_env_cleanup();
  int64_t leaked = test_alloc_live() - live0;
  if (leaked != 0) {
    printf("FAIL leak check: %lld blocks still allocated\n", (long long)leaked);
    test_failed++;
  }
  return test_summary();
}
