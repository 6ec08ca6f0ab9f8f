/*
 * tests/unit/credentials/test_http_providers.c - the container and IMDS
 * providers through the libcurl transport against fake_server.c on
 * 127.0.0.1, plus a recording in-test transport for the cases whose URL
 * must never be contacted from a test (169.254.170.2, other hosts).
 *
 * Every environment built here points IMDS at the fake server (or turns
 * it off), so no test ever sends a packet to a link-local address.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsc/sys/transport.h"
#include "creds_test_util.h"
#include "fake_server.h"

static log_capture cap;
static awsc_logger logger;
static char *dir;
static fake_server *srv;
static awsc_transport *curl;

static char creds_json[1024];   /* container reply, 6 h ahead */
static char imds_json[1024];    /* IMDS reply, 6 h ahead */
static char container_url[128]; /* FULL_URI to the fake server */
static const char *const NO_PROXY = "127.0.0.1,localhost";

/* A base environment: IMDS at the fake server; container unset. */
static void base_env(test_env *e) {
  memset(e, 0, sizeof(*e));
  tenv_set(e, "AWS_EC2_METADATA_SERVICE_ENDPOINT", fake_server_url(srv));
}

static awsc_provider_options fast_opts(void) {
  awsc_provider_options o = AWSC_PROVIDER_OPTIONS_INIT;
  o.logger = &logger;
  o.retry_delay_ms = 10;
  return o;
}

static int container_get(test_env *env, awsc_transport *t,
                         const awsc_provider_options *o, awsc_credentials **out,
                         awsc_error *err) {
  awsc_config *cfg = tcfg_load(env, NULL, NULL, NULL);
  if (!cfg)
    return -999;
  awsc_credentials_provider *p = NULL;
  int rc = awsc_provider_container_new_ex(&p, cfg, t, o);
  if (rc == 0)
    rc = awsc_credentials_provider_get(out, p, err);
  awsc_credentials_provider_free(p);
  awsc_config_free(cfg);
  return rc;
}

static int imds_get(test_env *env, const char *config_text,
                    awsc_credentials **out, awsc_error *err) {
  char *cfgpath = NULL;
  if (config_text)
    cfgpath = tdir_write(dir, "config", config_text, 0600);
  awsc_config *cfg = tcfg_load(env, NULL, cfgpath, NULL);
  free(cfgpath);
  if (!cfg)
    return -999;
  awsc_provider_options o = AWSC_PROVIDER_OPTIONS_INIT;
  o.logger = &logger;
  awsc_credentials_provider *p = NULL;
  int rc = awsc_provider_imds_new_ex(&p, cfg, curl, &o);
  if (rc == 0)
    rc = awsc_credentials_provider_get(out, p, err);
  awsc_credentials_provider_free(p);
  awsc_config_free(cfg);
  return rc;
}

static fake_request req_at(size_t i) {
  fake_request r;
  memset(&r, 0, sizeof(r));
  fake_server_request(srv, i, &r);
  return r;
}

/* ---- a recording transport (no network) ---- */

typedef struct rec_transport {
  awsc_transport base;
  int calls;
  char url[512];
  char authorization[256];
  int status;
  const char *body;
} rec_transport;

static int rec_send(awsc_transport *t, const awsc_http_request *req,
                    awsc_http_response *resp, awsc_error *err) {
  (void)err;
  rec_transport *r = (rec_transport *)t;
  r->calls++;
  snprintf(r->url, sizeof(r->url), "%s", req->url);
  r->authorization[0] = '\0';
  for (size_t i = 0; i < req->header_count; i++)
    if (strcmp(req->headers[i].name, "Authorization") == 0)
      snprintf(r->authorization, sizeof(r->authorization), "%s",
               req->headers[i].value);
  resp->status = r->status;
  size_t n = strlen(r->body);
  resp->body = awsc_malloc(n + 1);
  if (!resp->body)
    return AWSC_ENOMEM;
  memcpy(resp->body, r->body, n + 1);
  resp->body_len = n;
  return AWSC_OK;
}

static void rec_destroy(awsc_transport *t) {
  (void)t;
}

static const awsc_transport_vtable rec_vtable = {rec_send, rec_destroy};

static void rec_init(rec_transport *r) {
  memset(r, 0, sizeof(*r));
  r->base.vtable = &rec_vtable;
  r->base.impl = r;
  r->status = 200;
  r->body = creds_json;
}

/* ---- container ---- */

static void test_container_relative_uri(void) {
  rec_transport rec;
  rec_init(&rec);
  test_env env;
  base_env(&env);
  tenv_set(&env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
           "/v2/credentials/abc?x=1");
  tenv_set(&env, "AWS_CONTAINER_CREDENTIALS_FULL_URI",
           "http://127.0.0.1:9/ignored");
  awsc_credentials *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  awsc_provider_options o = fast_opts();
  CHECK_INT(container_get(&env, &rec.base, &o, &c, &err), 0);
  CHECK_INT(rec.calls, 1);
  /* The relative URI wins over the full one and goes to the ECS agent. */
  CHECK_STR(rec.url, "http://169.254.170.2/v2/credentials/abc?x=1");
  CHECK_STR(rec.authorization, "");
  CHECK_STR(awsc_credentials_access_key_id(c), T_AKID);
  awsc_credentials_free(c);
}

static void test_container_host_policy(void) {
  static const struct {
    const char *url;
    bool allowed;
  } cases[] = {
      {"http://127.0.0.1:8080/creds", true},
      {"http://127.1.2.3/creds", true},
      {"http://[::1]:8080/creds", true},
      {"http://localhost/creds", true},
      {"http://LOCALHOST:99/creds", true},
      {"http://169.254.170.2/creds", true},
      {"http://169.254.170.23/v1/credentials", true},
      {"http://[fd00:ec2::23]/v1/credentials", true},
      {"https://creds.example.com/x", true},
      {"HTTPS://creds.example.com/x", true},
      {"http://user:pw@127.0.0.1/creds", true},
      {"http://169.254.170.3/creds", false},
      {"http://creds.example.com/x", false},
      {"http://127.0.0.1@evil.example.com/x", false},
      {"http://10.0.0.1/x", false},
      {"ftp://127.0.0.1/x", false},
      {"not a url", false},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    rec_transport rec;
    rec_init(&rec);
    test_env env;
    base_env(&env);
    tenv_set(&env, "AWS_CONTAINER_CREDENTIALS_FULL_URI", cases[i].url);
    awsc_credentials *c = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    awsc_provider_options o = fast_opts();
    int rc = container_get(&env, &rec.base, &o, &c, &err);
    if ((rc == 0) != cases[i].allowed)
      fprintf(stderr, "host policy case %s: rc %d (%s)\n", cases[i].url, rc,
              err.message);
    if (cases[i].allowed) {
      CHECK_INT(rc, 0);
      CHECK_INT(rec.calls, 1);
      CHECK_STR(rec.url, cases[i].url);
    } else {
      CHECK_INT(rc, AWSC_ECONFIG);
      CHECK_INT(rec.calls, 0);
    }
    awsc_credentials_free(c);
  }
  /* botocore's wording for a refused host. */
  rec_transport rec;
  rec_init(&rec);
  test_env env;
  base_env(&env);
  tenv_set(&env, "AWS_CONTAINER_CREDENTIALS_FULL_URI",
           "http://evil.example.com/");
  awsc_credentials *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(container_get(&env, &rec.base, NULL, &c, &err), AWSC_ECONFIG);
  CHECK(strstr(err.message, "Unsupported host 'evil.example.com'") != NULL);
}

static void test_container_success_with_token(void) {
  fake_server_reset(srv);
  fake_server_add(srv, "GET", "/creds?id=7", 200, creds_json, 0);
  test_env env;
  base_env(&env);
  char url[160];
  snprintf(url, sizeof(url), "%s?id=7", container_url);
  tenv_set(&env, "AWS_CONTAINER_CREDENTIALS_FULL_URI", url);
  tenv_set(&env, "AWS_CONTAINER_AUTHORIZATION_TOKEN", "Basic c2VjcmV0LXRva2Vu");
  awsc_credentials *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  awsc_provider_options o = fast_opts();
  CHECK_INT(container_get(&env, curl, &o, &c, &err), 0);
  CHECK_STR(awsc_credentials_access_key_id(c), T_AKID);
  CHECK_STR(awsc_credentials_secret_access_key(c), T_SECRET);
  CHECK_STR(awsc_credentials_session_token(c), T_TOKEN);
  CHECK_STR(awsc_credentials_source(c), "container-role");
  int64_t want = awsc_time_now_ms() + 6 * 3600 * 1000LL;
  CHECK(awsc_credentials_expiration_ms(c) > want - 5000 &&
        awsc_credentials_expiration_ms(c) < want + 5000);
  awsc_credentials_free(c);
  CHECK_INT(fake_server_request_count(srv), 1);
  fake_request r = req_at(0);
  CHECK_STR(r.method, "GET");
  CHECK_STR(r.path, "/creds?id=7");
  CHECK_STR(fake_request_header(&r, "Authorization"), "Basic c2VjcmV0LXRva2Vu");
  CHECK_STR(fake_request_header(&r, "Accept"), "application/json");
  CHECK(log_has(&cap, "Found credentials from container-role"));
  CHECK(!log_has(&cap, "c2VjcmV0LXRva2Vu"));
}

static void test_container_token_file(void) {
  char *tok = tdir_write(dir, "token", "eks-pod-identity-token", 0600);
  fake_server_reset(srv);
  fake_server_add(srv, "GET", "/creds", 200, creds_json, 0);
  test_env env;
  base_env(&env);
  tenv_set(&env, "AWS_CONTAINER_CREDENTIALS_FULL_URI", container_url);
  tenv_set(&env, "AWS_CONTAINER_AUTHORIZATION_TOKEN", "from-env");
  tenv_set(&env, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", tok);
  awsc_credentials *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  awsc_provider_options o = fast_opts();
  CHECK_INT(container_get(&env, curl, &o, &c, &err), 0);
  awsc_credentials_free(c);
  fake_request r = req_at(0);
  /* The file wins over the variable. */
  CHECK_STR(fake_request_header(&r, "Authorization"), "eks-pod-identity-token");

  /* A token with a line break is refused before anything is sent. */
  free(tdir_write(dir, "token", "eks-token\n", 0600));
  fake_server_reset(srv);
  CHECK_INT(container_get(&env, curl, &o, &c, &err), AWSC_ECONFIG);
  CHECK(strstr(err.message, "not a legal header value") != NULL);
  CHECK_INT(fake_server_request_count(srv), 0);

  tenv_set(&env, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
           "/nonexistent/awsc/token");
  CHECK_INT(container_get(&env, curl, &o, &c, &err), AWSC_EIO);
  CHECK(strstr(err.message, "/nonexistent/awsc/token") != NULL);
  free(tok);
}

static void test_container_retries(void) {
  fake_server_reset(srv);
  fake_server_add(srv, "GET", "/creds", 500, "busy", 0);
  fake_server_add(srv, "GET", "/creds", 503, "still busy", 0);
  fake_server_add(srv, "GET", "/creds", 200, creds_json, 0);
  test_env env;
  base_env(&env);
  tenv_set(&env, "AWS_CONTAINER_CREDENTIALS_FULL_URI", container_url);
  awsc_credentials *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  awsc_provider_options o = fast_opts();
  CHECK_INT(container_get(&env, curl, &o, &c, &err), 0);
  CHECK_INT(fake_server_request_count(srv), 3);
  awsc_credentials_free(c);

  /* Three failures: botocore's message, with the status. */
  fake_server_reset(srv);
  fake_server_add(srv, "GET", "/creds", 500, "{\"message\":\"agent down\"}", 0);
  CHECK_INT(container_get(&env, curl, &o, &c, &err), AWSC_ECREDENTIALS);
  CHECK_INT(fake_server_request_count(srv), 3);
  CHECK(strstr(err.message,
               "Error when retrieving credentials from container-role: "
               "Received non 200 response 500 from container metadata: "
               "{\"message\":\"agent down\"}") != NULL);
  CHECK_INT(err.http_status, 500);

  /* Not JSON, three times. */
  fake_server_reset(srv);
  fake_server_add(srv, "GET", "/creds", 200, "<html>" T_SECRET "</html>", 0);
  CHECK_INT(container_get(&env, curl, &o, &c, &err), AWSC_ECREDENTIALS);
  CHECK_INT(fake_server_request_count(srv), 3);
  CHECK(strstr(err.message, "Unable to parse JSON returned from container "
                            "metadata services") != NULL);
  CHECK(no_secret(err.message));

  /* Default attempts with a real pause: 3 tries, 2 pauses of 1 s. */
  fake_server_reset(srv);
  fake_server_add(srv, "GET", "/creds", 500, "x", 0);
  int64_t t0 = awsc_time_now_ms();
  CHECK_INT(container_get(&env, curl, NULL, &c, &err), AWSC_ECREDENTIALS);
  int64_t took = awsc_time_now_ms() - t0;
  CHECK_INT(fake_server_request_count(srv), 3);
  CHECK(took >= 1900 && took < 10000);
}

static void test_container_bad_replies(void) {
  char doc[512];
  snprintf(doc, sizeof(doc),
           "{\"AccessKeyId\": \"" T_AKID "\", \"SecretAccessKey\": \"" T_SECRET
           "\", \"Expiration\": \"2031-01-01T00:00:00Z\"}");
  fake_server_reset(srv);
  fake_server_add(srv, "GET", "/creds", 200, doc, 0);
  test_env env;
  base_env(&env);
  tenv_set(&env, "AWS_CONTAINER_CREDENTIALS_FULL_URI", container_url);
  awsc_credentials *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  awsc_provider_options o = fast_opts();
  CHECK_INT(container_get(&env, curl, &o, &c, &err), AWSC_ECREDENTIALS);
  CHECK(strstr(err.message, "Missing required key in response: 'Token'") !=
        NULL);
  CHECK(no_secret(err.message));
  CHECK_INT(fake_server_request_count(srv), 1); /* not retried */

  snprintf(doc, sizeof(doc),
           "{\"AccessKeyId\": \"" T_AKID "\", \"SecretAccessKey\": \"" T_SECRET
           "\", \"Token\": \"" T_TOKEN "\", \"Expiration\": \"later\"}");
  fake_server_reset(srv);
  fake_server_add(srv, "GET", "/creds", 200, doc, 0);
  CHECK_INT(container_get(&env, curl, &o, &c, &err), AWSC_ECREDENTIALS);
  CHECK(strstr(err.message, "Expiration 'later'") != NULL);
  CHECK(no_secret(err.message));
}

static void test_container_unreachable(void) {
  test_env env;
  base_env(&env);
  tenv_set(&env, "AWS_CONTAINER_CREDENTIALS_FULL_URI",
           "http://127.0.0.1:1/creds");
  awsc_credentials *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  awsc_provider_options o = fast_opts();
  CHECK_INT(container_get(&env, curl, &o, &c, &err), AWSC_ECREDENTIALS);
  CHECK(strstr(err.message, "Received error when attempting to retrieve "
                            "container metadata") != NULL);

  /* A slow agent: each attempt times out. */
  fake_server_reset(srv);
  fake_server_add(srv, "GET", "/creds", 200, creds_json, 1500);
  tenv_set(&env, "AWS_CONTAINER_CREDENTIALS_FULL_URI", container_url);
  o.timeout_ms = 300;
  o.max_attempts = 2;
  int64_t t0 = awsc_time_now_ms();
  CHECK_INT(container_get(&env, curl, &o, &c, &err), AWSC_ECREDENTIALS);
  int64_t took = awsc_time_now_ms() - t0;
  CHECK(took < 4500);
  CHECK_INT(fake_server_request_count(srv), 2);

  /* Neither variable: not found, nothing sent. */
  test_env none;
  base_env(&none);
  fake_server_reset(srv);
  CHECK_INT(container_get(&none, curl, &o, &c, &err), AWSC_ENOTFOUND);
  CHECK_INT(fake_server_request_count(srv), 0);
  awsc_credentials_provider *p = NULL;
  CHECK_INT(awsc_provider_container_new(&p, NULL, curl), AWSC_EINVAL);
}

/* ---- IMDS ---- */

#define ROLE_PATH "/latest/meta-data/iam/security-credentials/"

static void imds_routes(int token_status, const char *role, const char *creds) {
  fake_server_reset(srv);
  fake_server_add(srv, "PUT", "/latest/api/token", token_status,
                  token_status == 200 ? "AQAEAtoken-123==" : "", 0);
  fake_server_add(srv, "GET", ROLE_PATH, 200, role, 0);
  char path[256];
  snprintf(path, sizeof(path), ROLE_PATH "%s", role);
  fake_server_add(srv, "GET", path, 200, creds, 0);
}

static void test_imds_v2(void) {
  imds_routes(200, "my-role", imds_json);
  test_env env;
  base_env(&env);
  awsc_credentials *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(imds_get(&env, NULL, &c, &err), 0);
  CHECK_STR(awsc_credentials_access_key_id(c), T_AKID);
  CHECK_STR(awsc_credentials_secret_access_key(c), T_SECRET);
  CHECK_STR(awsc_credentials_session_token(c), T_TOKEN);
  CHECK_STR(awsc_credentials_source(c), "iam-role");
  int64_t want = awsc_time_now_ms() + 6 * 3600 * 1000LL;
  CHECK(awsc_credentials_expiration_ms(c) > want - 5000 &&
        awsc_credentials_expiration_ms(c) < want + 5000);
  awsc_credentials_free(c);
  CHECK_INT(fake_server_request_count(srv), 3);
  fake_request r0 = req_at(0), r1 = req_at(1), r2 = req_at(2);
  CHECK_STR(r0.method, "PUT");
  CHECK_STR(r0.path, "/latest/api/token");
  CHECK_STR(fake_request_header(&r0, "x-aws-ec2-metadata-token-ttl-seconds"),
            "21600");
  CHECK(fake_request_header(&r0, "x-aws-ec2-metadata-token") == NULL);
  CHECK_STR(r1.method, "GET");
  CHECK_STR(r1.path, ROLE_PATH);
  CHECK_STR(fake_request_header(&r1, "x-aws-ec2-metadata-token"),
            "AQAEAtoken-123==");
  CHECK_STR(r2.path, ROLE_PATH "my-role");
  CHECK_STR(fake_request_header(&r2, "x-aws-ec2-metadata-token"),
            "AQAEAtoken-123==");
  CHECK(log_has(&cap, "Found credentials from IAM Role: my-role"));
}

static void test_imds_v1_fallback(void) {
  static const int statuses[] = {403, 404, 405};
  for (size_t i = 0; i < 3; i++) {
    imds_routes(statuses[i], "fallback-role", imds_json);
    test_env env;
    base_env(&env);
    awsc_credentials *c = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    CHECK_INT(imds_get(&env, NULL, &c, &err), 0);
    CHECK_STR(awsc_credentials_access_key_id(c), T_AKID);
    awsc_credentials_free(c);
    CHECK_INT(fake_server_request_count(srv), 3);
    fake_request r1 = req_at(1), r2 = req_at(2);
    CHECK_STR(r1.path, ROLE_PATH);
    CHECK(fake_request_header(&r1, "x-aws-ec2-metadata-token") == NULL);
    CHECK_STR(r2.path, ROLE_PATH "fallback-role");
    CHECK(fake_request_header(&r2, "x-aws-ec2-metadata-token") == NULL);
  }
}

static void test_imds_v1_disabled(void) {
  imds_routes(403, "r", imds_json);
  test_env env;
  base_env(&env);
  awsc_credentials *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(
      imds_get(&env, "[default]\nec2_metadata_v1_disabled = true\n", &c, &err),
      AWSC_ECREDENTIALS);
  CHECK(strstr(err.message, "Unable to retrieve token for use in IMDSv2 call "
                            "and IMDSv1 has been disabled") != NULL);
  CHECK_INT(fake_server_request_count(srv), 1);

  imds_routes(405, "r", imds_json);
  tenv_set(&env, "AWS_EC2_METADATA_V1_DISABLED", "TRUE");
  CHECK_INT(imds_get(&env, NULL, &c, &err), AWSC_ECREDENTIALS);

  /* With a token, v1_disabled does not matter. */
  imds_routes(200, "r", imds_json);
  CHECK_INT(imds_get(&env, NULL, &c, &err), 0);
  awsc_credentials_free(c);
}

static void test_imds_not_available(void) {
  test_env env;
  awsc_credentials *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;

  /* Disabled: nothing is sent. */
  imds_routes(200, "r", imds_json);
  base_env(&env);
  tenv_set(&env, "AWS_EC2_METADATA_DISABLED", "True");
  CHECK_INT(imds_get(&env, NULL, &c, &err), AWSC_ENOTFOUND);
  CHECK_INT(fake_server_request_count(srv), 0);

  /* Token PUT 400: a bad request, give up. */
  imds_routes(400, "r", imds_json);
  base_env(&env);
  CHECK_INT(imds_get(&env, NULL, &c, &err), AWSC_ENOTFOUND);
  CHECK_INT(fake_server_request_count(srv), 1);

  /* No role: 404 on the listing, retried num_attempts times. */
  fake_server_reset(srv);
  fake_server_add(srv, "PUT", "/latest/api/token", 200, "tok", 0);
  fake_server_add(srv, "GET", ROLE_PATH, 404, "not found", 0);
  tenv_set(&env, "AWS_METADATA_SERVICE_NUM_ATTEMPTS", "3");
  CHECK_INT(imds_get(&env, NULL, &c, &err), AWSC_ENOTFOUND);
  CHECK_INT(fake_server_request_count(srv), 4);
  CHECK(strstr(err.message, "Max number of attempts exceeded (3)") != NULL);

  /* An error document instead of credentials. */
  fake_server_reset(srv);
  fake_server_add(srv, "PUT", "/latest/api/token", 200, "tok", 0);
  fake_server_add(srv, "GET", ROLE_PATH, 200, "r", 0);
  fake_server_add(srv, "GET", ROLE_PATH "r", 200,
                  "{\"Code\": \"AssumeRoleUnauthorizedAccess\", \"Message\": "
                  "\"EC2 cannot assume the role\", \"LastUpdated\": "
                  "\"2024-01-01T00:00:00Z\"}",
                  0);
  base_env(&env);
  CHECK_INT(imds_get(&env, NULL, &c, &err), AWSC_ENOTFOUND);
  CHECK(log_has(&cap, "AssumeRoleUnauthorizedAccess"));

  /* Nobody listening. */
  test_env closed = {0};
  tenv_set(&closed, "AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1");
  int64_t t0 = awsc_time_now_ms();
  CHECK_INT(imds_get(&closed, NULL, &c, &err), AWSC_ENOTFOUND);
  CHECK(awsc_time_now_ms() - t0 < 3000);
}

static void test_imds_retries_bad_json(void) {
  fake_server_reset(srv);
  fake_server_add(srv, "PUT", "/latest/api/token", 200, "tok", 0);
  fake_server_add(srv, "GET", ROLE_PATH, 200, "r", 0);
  fake_server_add(srv, "GET", ROLE_PATH "r", 200, "{not json " T_SECRET, 0);
  fake_server_add(srv, "GET", ROLE_PATH "r", 200, imds_json, 0);
  test_env env;
  base_env(&env);
  tenv_set(&env, "AWS_METADATA_SERVICE_NUM_ATTEMPTS", "2");
  awsc_credentials *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(imds_get(&env, NULL, &c, &err), 0);
  CHECK_INT(fake_server_request_count(srv), 4);
  awsc_credentials_free(c);

  /* One attempt (the default): the bad JSON means "no credentials". */
  fake_server_reset(srv);
  fake_server_add(srv, "PUT", "/latest/api/token", 200, "tok", 0);
  fake_server_add(srv, "GET", ROLE_PATH, 200, "r", 0);
  fake_server_add(srv, "GET", ROLE_PATH "r", 200, "{not json " T_SECRET, 0);
  base_env(&env);
  CHECK_INT(imds_get(&env, NULL, &c, &err), AWSC_ENOTFOUND);
  CHECK(no_secret(err.message));
}

static void test_imds_expiration_extension(void) {
  char old[32], doc[1024];
  iso_in(-3600 * 1000LL, old); /* expired an hour ago */
  snprintf(doc, sizeof(doc),
           "{\"Code\": \"Success\", \"AccessKeyId\": \"" T_AKID
           "\", \"SecretAccessKey\": \"" T_SECRET "\", \"Token\": \"" T_TOKEN
           "\", \"Expiration\": \"%s\"}",
           old);
  imds_routes(200, "r", doc);
  test_env env;
  base_env(&env);
  awsc_credentials *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(imds_get(&env, NULL, &c, &err), 0);
  int64_t left = awsc_credentials_expiration_ms(c) - awsc_time_now_ms();
  /* 15 min refresh window + 2..10 min jitter. */
  CHECK(left > 16 * 60 * 1000LL && left <= 25 * 60 * 1000LL);
  CHECK(log_has(&cap, "Attempting credential expiration extension"));
  awsc_credentials_free(c);
}

static void test_imds_settings(void) {
  awsc_credentials *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  char text[512];

  /* Endpoint from the config file (with a trailing slash). */
  imds_routes(200, "cfg-role", imds_json);
  test_env env = {0};
  snprintf(text, sizeof(text),
           "[default]\nec2_metadata_service_endpoint = %s/\n",
           fake_server_url(srv));
  CHECK_INT(imds_get(&env, text, &c, &err), 0);
  awsc_credentials_free(c);
  CHECK_INT(fake_server_request_count(srv), 3);

  /* The environment wins over the file. */
  imds_routes(200, "env-role", imds_json);
  base_env(&env);
  CHECK_INT(imds_get(&env,
                     "[default]\nec2_metadata_service_endpoint = "
                     "http://127.0.0.1:1\n",
                     &c, &err),
            0);
  awsc_credentials_free(c);

  test_env bad = {0};
  tenv_set(&bad, "AWS_EC2_METADATA_SERVICE_ENDPOINT", "not a url");
  CHECK_INT(imds_get(&bad, NULL, &c, &err), AWSC_ECONFIG);
  CHECK(strstr(err.message, "Invalid EC2 Instance Metadata endpoint: not a "
                            "url") != NULL);
  test_env mode = {0};
  tenv_set(&mode, "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "ipv5");
  CHECK_INT(imds_get(&mode, NULL, &c, &err), AWSC_ECONFIG);
  base_env(&env);
  tenv_set(&env, "AWS_METADATA_SERVICE_TIMEOUT", "soon");
  CHECK_INT(imds_get(&env, NULL, &c, &err), AWSC_ECONFIG);
  base_env(&env);
  CHECK_INT(imds_get(&env, "[default]\nmetadata_service_num_attempts = 0\n", &c,
                     &err),
            AWSC_ECONFIG);

  /* A token PUT that times out (1 s timeout from the file) falls back to
   * IMDSv1, as botocore treats a read timeout. */
  fake_server_reset(srv);
  fake_server_add(srv, "PUT", "/latest/api/token", 200, "late", 2500);
  fake_server_add(srv, "GET", ROLE_PATH, 200, "slowtok", 0);
  fake_server_add(srv, "GET", ROLE_PATH "slowtok", 200, imds_json, 0);
  base_env(&env);
  int64_t t0 = awsc_time_now_ms();
  CHECK_INT(
      imds_get(&env, "[default]\nmetadata_service_timeout = 1\n", &c, &err), 0);
  int64_t took = awsc_time_now_ms() - t0;
  CHECK(took >= 900 && took < 4000);
  awsc_credentials_free(c);
  fake_request r1 = req_at(1);
  CHECK(fake_request_header(&r1, "x-aws-ec2-metadata-token") == NULL);

  awsc_credentials_provider *p = NULL;
  CHECK_INT(awsc_provider_imds_new(&p, NULL, curl), AWSC_EINVAL);
}

/* ---- the default chain with a transport ---- */

static void test_default_chain_http(void) {
  awsc_credentials *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  awsc_credentials_provider *p = NULL;

  /* Container before IMDS. */
  fake_server_reset(srv);
  fake_server_add(srv, "GET", "/creds", 200, creds_json, 0);
  test_env env;
  base_env(&env);
  tenv_set(&env, "AWS_CONTAINER_CREDENTIALS_FULL_URI", container_url);
  awsc_config *cfg = tcfg_load(&env, NULL, NULL, NULL);
  CHECK_INT(
      awsc_credentials_default_chain_new(&p, cfg, curl, NULL, &logger, &err),
      0);
  CHECK_INT(awsc_credentials_provider_get(&c, p, &err), 0);
  CHECK_STR(awsc_credentials_source(c), "container-role");
  awsc_credentials_free(c);
  /* Fresh (6 h): the cache answers without another request. */
  CHECK_INT(awsc_credentials_provider_get(&c, p, &err), 0);
  awsc_credentials_free(c);
  CHECK_INT(fake_server_request_count(srv), 1);
  awsc_credentials_provider_free(p);
  awsc_config_free(cfg);

  /* Then IMDS. */
  imds_routes(200, "chain-role", imds_json);
  base_env(&env);
  cfg = tcfg_load(&env, NULL, NULL, NULL);
  CHECK_INT(
      awsc_credentials_default_chain_new(&p, cfg, curl, NULL, &logger, &err),
      0);
  CHECK_INT(awsc_credentials_provider_get(&c, p, &err), 0);
  CHECK_STR(awsc_credentials_source(c), "iam-role");
  awsc_credentials_free(c);
  awsc_credentials_provider_free(p);
  awsc_config_free(cfg);

  /* Nothing anywhere: IMDS has no role, the chain ends empty-handed. */
  fake_server_reset(srv);
  base_env(&env);
  cfg = tcfg_load(&env, NULL, NULL, NULL);
  CHECK_INT(
      awsc_credentials_default_chain_new(&p, cfg, curl, NULL, &logger, &err),
      0);
  CHECK_INT(awsc_credentials_provider_get(&c, p, &err), AWSC_ENOTFOUND);
  CHECK_STR(err.message, "Unable to locate credentials");
  awsc_credentials_provider_free(p);
  awsc_config_free(cfg);
}

static void test_log_has_no_secret(void) {
  CHECK(cap.len > 0);
  CHECK(no_secret(cap.text));
}

int main(void) {
  test_alloc_install();
  log_capture_init(&cap, &logger);
  /* libcurl's global state (allocated through our hooks) lives until the
   * process ends: count from after it. */
  awsc_global_init();
  int64_t live = test_alloc_live();
  dir = tdir_new();
  srv = fake_server_start();
  awsc_curl_options co = AWSC_CURL_OPTIONS_INIT;
  co.no_proxy = NO_PROXY;
  awsc_error err = AWSC_ERROR_INIT;
  if (!dir || !srv || awsc_transport_curl_new(&curl, &co, &err) != 0) {
    printf("setup failed: %s\n", err.message);
    return 1;
  }
  snprintf(container_url, sizeof(container_url), "%s/creds",
           fake_server_url(srv));
  char exp[32];
  iso_in(6 * 3600 * 1000LL, exp);
  snprintf(creds_json, sizeof(creds_json),
           "{\"AccessKeyId\": \"" T_AKID "\", \"SecretAccessKey\": \"" T_SECRET
           "\", \"Token\": \"" T_TOKEN "\", \"Expiration\": \"%s\", "
           "\"RoleArn\": \"arn:aws:iam::123456789012:role/task\"}",
           exp);
  snprintf(imds_json, sizeof(imds_json),
           "{\"Code\": \"Success\", \"LastUpdated\": \"2024-01-01T00:00:00Z\", "
           "\"Type\": \"AWS-HMAC\", \"AccessKeyId\": \"" T_AKID
           "\", \"SecretAccessKey\": \"" T_SECRET "\", \"Token\": \"" T_TOKEN
           "\", \"Expiration\": \"%s\"}",
           exp);

  RUN(test_container_relative_uri);
  RUN(test_container_host_policy);
  RUN(test_container_success_with_token);
  RUN(test_container_token_file);
  RUN(test_container_retries);
  RUN(test_container_bad_replies);
  RUN(test_container_unreachable);
  RUN(test_imds_v2);
  RUN(test_imds_v1_fallback);
  RUN(test_imds_v1_disabled);
  RUN(test_imds_not_available);
  RUN(test_imds_retries_bad_json);
  RUN(test_imds_expiration_extension);
  RUN(test_imds_settings);
  RUN(test_default_chain_http);
  RUN(test_log_has_no_secret);

  /* Everything is back once the transport is gone. */
  awsc_transport_free(curl);
  test_current_failed = 0;
  int64_t now_live = test_alloc_live();
  if (now_live != live)
    fprintf(stderr, "live blocks: before %lld, after %lld\n", (long long)live,
            (long long)now_live);
  CHECK_INT(now_live, live);
  if (test_current_failed) {
    test_failed++;
    printf("FAIL no_leaks\n");
  } else {
    test_passed++;
    printf("ok   no_leaks\n");
  }
  fake_server_stop(srv);
  tdir_remove(dir);
  return test_summary();
}
