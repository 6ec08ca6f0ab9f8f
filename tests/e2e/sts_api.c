/*
 * End to end: STS and role credentials against Ceph RGW's STS gateway
 * (AssumeRole, role S3Access which test user 1 may assume) and the SNS
 * emulator (GetCallerIdentity):
 *  - the typed AssumeRole returns temporary credentials that then sign S3
 *    calls (with x-amz-security-token) that succeed;
 *  - a wrong role or a wrong source secret gives a clear service error;
 *  - a profile with role_arn + source_profile drives S3 through a session
 *    end to end (the role factory the STS module installs in sessions);
 *  - GetCallerIdentity against the SNS emulator.
 * Needs AWSC_E2E_STS_ENDPOINT (scripts/test.sh: the STS_ENDPOINT line of
 * rgw-up.sh); AWSC_E2E_STS_ROLE_ARN (default arn:aws:iam:::role/S3Access),
 * AWSC_E2E_S3_ENDPOINT and AWSC_E2E_SNS_ENDPOINT are used when set.
 */
#include <sys/stat.h>

#include "sns_util.h"

#include "awsc/s3.h"
#include "awsc/sts.h"

static const char *sts_ep, *s3_ep, *role_arn;
static char bucket[64];
static char dir[128];

/* Temporary credentials of role_arn for test user 1 (or NULL). */
static awsc_sts_AssumeRoleResponse *assume(const char *arn, const char *sk,
                                           int duration, awsc_error *err) {
  awsc_client *sts =
      e2e_client_ex("sts", sts_ep, e2e_session_ex(E2E_AK1, sk, NULL, 0));
  awsc_sts_AssumeRoleRequest in = {0};
  in.role_arn = arn;
  in.role_session_name = "awsc-e2e";
  if (duration) {
    in.duration_seconds = duration;
    in.has_duration_seconds = true;
  }
  awsc_sts_AssumeRoleResponse *out = NULL;
  if (sts && awsc_sts_assume_role(&out, sts, &in, err) != 0)
    out = NULL;
  awsc_client_free(sts);
  return out;
}

static void test_assume_role(void) {
  awsc_error err = AWSC_ERROR_INIT;
  awsc_sts_AssumeRoleResponse *out = assume(role_arn, E2E_SK1, 900, &err);
  CHECK(out != NULL);
  if (!out) {
    fprintf(stderr, "  %s\n", err.message);
    return;
  }
  const awsc_sts_Credentials *c = out->credentials;
  CHECK(c && c->access_key_id && *c->access_key_id);
  CHECK(c && c->secret_access_key && *c->secret_access_key);
  CHECK(c && c->session_token && strlen(c->session_token) > 20);
  CHECK(c && strcmp(c->access_key_id, E2E_AK1) != 0);
  CHECK(c && c->has_expiration);
  if (c) {
    int64_t left = c->expiration - (int64_t)time(NULL) * 1000;
    CHECK(left > 800 * 1000 && left <= 960 * 1000);
  }
  CHECK(out->assumed_role_user && out->assumed_role_user->arn &&
        strstr(out->assumed_role_user->arn, "S3Access/awsc-e2e"));
  awsc_mem_free(out);
}

/* S3 client at `endpoint` signing with explicit (temporary) keys. */
static awsc_client *s3_with(const char *endpoint, const char *ak,
                            const char *sk, const char *token) {
  return e2e_client_ex("s3", endpoint, e2e_session_ex(ak, sk, token, 0));
}

static void test_temporary_credentials_sign_s3(void) {
  awsc_error err = AWSC_ERROR_INIT;
  awsc_sts_AssumeRoleResponse *out = assume(role_arn, E2E_SK1, 900, &err);
  CHECK(out && out->credentials);
  if (!out || !out->credentials)
    return;
  const awsc_sts_Credentials *c = out->credentials;
  awsc_client *s3 =
      s3_with(sts_ep, c->access_key_id, c->secret_access_key, c->session_token);
  awsc_s3_ListBucketsOutput *lb = NULL;
  CHECK_INT(awsc_s3_list_buckets(&lb, s3, NULL, &err), 0);
  if (lb)
    CHECK(lb->owner && lb->owner->id &&
          strcmp(lb->owner->id, "testuser1") == 0);
  awsc_mem_free(lb);

  /* write and read with the role's keys */
  awsc_s3_CreateBucketRequest cb = {0};
  cb.bucket = bucket;
  CHECK_INT(awsc_s3_create_bucket(NULL, s3, &cb, &err), 0);
  awsc_s3_PutObjectRequest po = {0};
  po.bucket = bucket;
  po.key = "role/hello.txt";
  po.body.data = "written with a role";
  po.body.len = strlen("written with a role");
  CHECK_INT(awsc_s3_put_object(NULL, s3, &po, &err), 0);
  awsc_s3_GetObjectRequest go = {0};
  go.bucket = bucket;
  go.key = "role/hello.txt";
  awsc_s3_GetObjectOutput *got = NULL;
  CHECK_INT(awsc_s3_get_object(&got, s3, &go, &err), 0);
  CHECK(got && got->body.len == strlen("written with a role") &&
        memcmp(got->body.data, "written with a role", got->body.len) == 0);
  awsc_mem_free(got);

  /* the session token is what makes the keys valid */
  awsc_client *no_token =
      s3_with(sts_ep, c->access_key_id, c->secret_access_key, NULL);
  err = (awsc_error)AWSC_ERROR_INIT;
  CHECK_INT(awsc_s3_list_buckets(&lb, no_token, NULL, &err), AWSC_ESERVICE);
  CHECK_INT(err.http_status, 403);
  awsc_client_free(no_token);

  /* RGW's plain S3 gateway (no "rgw s3 auth use sts") does not know
   * session tokens, which is why these checks use the STS gateway (the
   * same cluster: the bucket is there too). */
  if (s3_ep) {
    awsc_client *plain = s3_with(s3_ep, c->access_key_id, c->secret_access_key,
                                 c->session_token);
    err = (awsc_error)AWSC_ERROR_INIT;
    int rc = awsc_s3_list_buckets(&lb, plain, NULL, &err);
    printf("note: the plain S3 port %s temporary credentials (%s)\n",
           rc == 0 ? "accepts" : "refuses", rc == 0 ? "200" : err.service_code);
    awsc_mem_free(lb);
    awsc_client_free(plain);
  }
  awsc_client_free(s3);
  awsc_mem_free(out);
}

static void test_wrong_role(void) {
  awsc_error err = AWSC_ERROR_INIT;
  awsc_sts_AssumeRoleResponse *out =
      assume("arn:aws:iam:::role/NoSuchRoleE2E", E2E_SK1, 0, &err);
  CHECK(out == NULL);
  CHECK_INT(err.code, AWSC_ESERVICE);
  CHECK_STR(err.service_code, "NoSuchEntity");
  CHECK_INT(err.http_status, 404);
  CHECK(strstr(err.message, "when calling the AssumeRole operation") != NULL);
  awsc_mem_free(out);

  err = (awsc_error)AWSC_ERROR_INIT;
  out = assume(role_arn, "wrong-wrong-wrong-wrong-wrong-wrong-wrong", 0, &err);
  CHECK(out == NULL);
  CHECK_INT(err.code, AWSC_ESERVICE);
  CHECK_INT(err.http_status, 403);
  CHECK(err.service_code[0] != '\0');
  CHECK(strstr(err.message, "wrong-wrong") == NULL);
  awsc_mem_free(out);
}

static const char *write_file(const char *name, const char *text) {
  static char path[256];
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  if (!f)
    return NULL;
  fputs(text, f);
  fclose(f);
  return path;
}

static awsc_session *profile_session(const char *profile) {
  char cfg[256], creds[256];
  snprintf(cfg, sizeof(cfg), "%s/config", dir);
  snprintf(creds, sizeof(creds), "%s/credentials", dir);
  awsc_session_options so = AWSC_SESSION_OPTIONS_INIT;
  so.profile = profile;
  so.config_file = cfg;
  so.credentials_file = creds;
  so.getenv_fn = e2e_no_env;
  awsc_session *s = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  if (awsc_session_new(&s, &so, &err) != 0)
    fprintf(stderr, "session: %s\n", err.message);
  return s;
}

static void write_profiles(void) {
  char cfg[1024];
  snprintf(cfg, sizeof(cfg),
           "[profile base]\nregion = us-east-1\n"
           "[profile role]\nrole_arn = %s\nsource_profile = base\n"
           "role_session_name = awsc-e2e-profile\nduration_seconds = 3600\n"
           "region = us-east-1\nendpoint_url = %s\n"
           "s3 =\n  addressing_style = path\n"
           "[profile badrole]\nrole_arn = arn:aws:iam:::role/NoSuchRoleE2E\n"
           "source_profile = base\nendpoint_url = %s\n",
           role_arn, sts_ep, sts_ep);
  write_file("config", cfg);
  write_file("credentials", "[base]\naws_access_key_id = " E2E_AK1 "\n"
                            "aws_secret_access_key = " E2E_SK1 "\n");
}

static void test_profile_drives_s3(void) {
  awsc_session *s = profile_session("role");
  CHECK(s != NULL);
  if (!s)
    return;
  awsc_credentials *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_session_get_credentials(&c, s, &err), 0);
  if (c) {
    CHECK_STR(awsc_credentials_source(c), "assume-role");
    CHECK(awsc_credentials_session_token(c) != NULL);
    CHECK(strcmp(awsc_credentials_access_key_id(c), E2E_AK1) != 0);
    int64_t left =
        awsc_credentials_expiration_ms(c) - (int64_t)time(NULL) * 1000;
    CHECK(left > 3000 * 1000 && left <= 3660 * 1000);
  } else {
    fprintf(stderr, "  %s\n", err.message);
  }
  awsc_credentials_free(c);

  /* the client of the session signs with the role's keys */
  awsc_client_options co = AWSC_CLIENT_OPTIONS_INIT;
  co.checksum_trailers = AWSC_CHECKSUM_TRAILERS_NEVER;
  awsc_client *s3 = NULL;
  CHECK_INT(awsc_client_new(&s3, s, "s3", &co, &err), 0);
  CHECK(s3 && strcmp(awsc_client_endpoint(s3), sts_ep) == 0);
  awsc_s3_ListObjectsV2Request lo = {0};
  lo.bucket = bucket;
  awsc_s3_ListObjectsV2Output *objs = NULL;
  CHECK_INT(awsc_s3_list_objects_v2(&objs, s3, &lo, &err), 0);
  int found = 0;
  for (size_t i = 0; objs && i < objs->contents_count; i++)
    found += strcmp(objs->contents[i].key, "role/hello.txt") == 0;
  CHECK_INT(found, 1);
  awsc_mem_free(objs);
  awsc_s3_PutObjectRequest po = {0};
  po.bucket = bucket;
  po.key = "role/profile.txt";
  po.body.data = "via profile";
  po.body.len = 11;
  CHECK_INT(awsc_s3_put_object(NULL, s3, &po, &err), 0);
  awsc_client_free(s3);
  awsc_session_free(s);

  /* the base user sees that object on the plain S3 port */
  if (s3_ep) {
    awsc_client *base = s3_with(s3_ep, E2E_AK1, E2E_SK1, NULL);
    awsc_s3_HeadObjectRequest ho = {0};
    ho.bucket = bucket;
    ho.key = "role/profile.txt";
    awsc_s3_HeadObjectOutput *h = NULL;
    CHECK_INT(awsc_s3_head_object(&h, base, &ho, &err), 0);
    CHECK(h && h->content_length == 11);
    awsc_mem_free(h);
    awsc_client_free(base);
  }

  /* a role that does not exist: the S3 call fails with STS's error */
  s = profile_session("badrole");
  s3 = NULL;
  if (s && awsc_client_new(&s3, s, "s3", &co, &err) == 0) {
    awsc_s3_ListBucketsOutput *lb = NULL;
    err = (awsc_error)AWSC_ERROR_INIT;
    CHECK_INT(awsc_s3_list_buckets(&lb, s3, NULL, &err), AWSC_ESERVICE);
    CHECK_STR(err.service_code, "NoSuchEntity");
    CHECK(strstr(err.message, "AssumeRole") != NULL);
    awsc_mem_free(lb);
  }
  awsc_client_free(s3);
  awsc_session_free(s);
}

static void test_get_caller_identity(void) {
  const char *sns_ep = e2e_sns_endpoint();
  awsc_client *sts = e2e_client("sts", sns_ep);
  awsc_sts_GetCallerIdentityResponse *id = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_sts_get_caller_identity(&id, sts, NULL, &err), 0);
  CHECK(id && id->account && strlen(id->account) == 12);
  CHECK(id && id->arn && strncmp(id->arn, "arn:aws:", 8) == 0);
  CHECK(id && id->user_id && *id->user_id);
  awsc_mem_free(id);
  awsc_client_free(sts);
}

static void cleanup(void) {
  awsc_client *s3 = s3_with(sts_ep, E2E_AK1, E2E_SK1, NULL);
  const char *keys[] = {"role/hello.txt", "role/profile.txt"};
  for (size_t i = 0; s3 && i < 2; i++) {
    awsc_s3_DeleteObjectRequest d = {0};
    d.bucket = bucket;
    d.key = keys[i];
    awsc_s3_delete_object(NULL, s3, &d, NULL);
  }
  awsc_s3_DeleteBucketRequest db = {0};
  db.bucket = bucket;
  if (s3)
    awsc_s3_delete_bucket(NULL, s3, &db, NULL);
  awsc_client_free(s3);
  char path[256];
  snprintf(path, sizeof(path), "%s/config", dir);
  unlink(path);
  snprintf(path, sizeof(path), "%s/credentials", dir);
  unlink(path);
  rmdir(dir);
}

int main(void) {
  sts_ep = e2e_env("AWSC_E2E_STS_ENDPOINT");
  if (!sts_ep) {
    printf("skip: AWSC_E2E_STS_ENDPOINT is not set (the local STS gateway "
           "of Ceph RGW was not started)\n");
    return 77;
  }
  s3_ep = e2e_s3_endpoint();
  role_arn = e2e_env("AWSC_E2E_STS_ROLE_ARN");
  if (!role_arn)
    role_arn = "arn:aws:iam:::role/S3Access";
  snprintf(bucket, sizeof(bucket), "e2e-sts-%s", e2e_run_id());
  snprintf(dir, sizeof(dir), "/tmp/awsc-e2e-sts-XXXXXX");
  if (!mkdtemp(dir))
    return 1;
  write_profiles();
  RUN(test_assume_role);
  RUN(test_temporary_credentials_sign_s3);
  RUN(test_wrong_role);
  RUN(test_profile_drives_s3);
  if (e2e_sns_endpoint())
    RUN(test_get_caller_identity);
  else
    SKIP("get_caller_identity", "AWSC_E2E_SNS_ENDPOINT is not set (the SNS "
                                "emulator serves GetCallerIdentity)");
  SKIP("AssumeRoleWithWebIdentity", "RGW needs an OpenID Connect provider "
                                    "whose JWKS it fetches over HTTP; covered "
                                    "by tests/unit/sts/test_web_identity.c");
  cleanup();
  return test_summary();
}
