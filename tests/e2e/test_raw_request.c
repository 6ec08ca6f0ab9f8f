/*
 * End to end against the local S3 server (Ceph RGW): a request signed by
 * hand with the library's SigV4 signer and sent through its libcurl
 * transport lists buckets; a wrong secret gets 403 SignatureDoesNotMatch;
 * the same two through the client pipeline (S3 model loaded at run time)
 * surface as a success with ResponseMetadata and as a service error.
 */
#include <stdio.h>
#include <string.h>

#include "awsc/awsc.h"
#include "e2e.h"
#include "test.h"

static const char *endpoint;
static const char *model_path;

static awsc_session *make_session(const char *ak, const char *sk) {
  awsc_session_options so = AWSC_SESSION_OPTIONS_INIT;
  so.access_key_id = ak;
  so.secret_access_key = sk;
  so.region = "us-east-1";
  so.config_file = "/nonexistent/awsc-e2e-config";
  so.credentials_file = "/nonexistent/awsc-e2e-credentials";
  awsc_session *s = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  if (awsc_session_new(&s, &so, &err) != 0)
    fprintf(stderr, "session: %s\n", err.message);
  return s;
}

/* Sign GET / by hand and send it; returns the HTTP status (0 on error). */
static int raw_list_buckets(const char *ak, const char *sk,
                            awsc_http_response *resp) {
  awsc_session *s = make_session(ak, sk);
  if (!s)
    return 0;
  const char *host = strstr(endpoint, "://") + 3;
  awsc_sigv4_params sp = AWSC_SIGV4_PARAMS_INIT;
  sp.access_key_id = ak;
  sp.secret_access_key = sk;
  sp.region = "us-east-1";
  sp.service = "s3";
  awsc_sigv4_request sq = AWSC_SIGV4_REQUEST_INIT;
  sq.method = "GET";
  sq.path = "/";
  sq.host = host;
  sq.flags = AWSC_SIGV4_S3;
  awsc_sigv4_result sig = AWSC_SIGV4_RESULT_INIT;
  awsc_error err = AWSC_ERROR_INIT;
  int status = 0;
  if (awsc_sigv4_sign_headers(&sig, &sp, &sq, &err) == 0) {
    char url[512];
    snprintf(url, sizeof(url), "%s/", endpoint);
    awsc_http_request req;
    memset(&req, 0, sizeof(req));
    req.method = "GET";
    req.url = url;
    req.headers = sig.headers;
    req.header_count = sig.header_count;
    if (awsc_transport_send(awsc_session_transport(s), &req, resp, &err) == 0)
      status = resp->status;
    else
      fprintf(stderr, "send: %s\n", err.message);
  }
  awsc_sigv4_result_cleanup(&sig);
  awsc_session_free(s);
  return status;
}

static void test_raw_signed_list_buckets(void) {
  awsc_http_response resp;
  memset(&resp, 0, sizeof(resp));
  CHECK_INT(raw_list_buckets(E2E_AK1, E2E_SK1, &resp), 200);
  CHECK(resp.body && strstr(resp.body, "ListAllMyBucketsResult"));
  CHECK(awsc_http_response_header(&resp, "x-amz-request-id") != NULL);
  awsc_http_response_cleanup(&resp);
}

static void test_raw_wrong_secret(void) {
  awsc_http_response resp;
  memset(&resp, 0, sizeof(resp));
  CHECK_INT(raw_list_buckets(E2E_AK1, "wrong-secret-wrong-secret-wrong-secret!",
                             &resp),
            403);
  CHECK(resp.body && strstr(resp.body, "<Code>SignatureDoesNotMatch</Code>"));
  awsc_http_response_cleanup(&resp);
}

static awsc_client *model_client(awsc_session *s) {
  awsc_client_options co = AWSC_CLIENT_OPTIONS_INIT;
  co.endpoint_url = endpoint;
  co.max_attempts = 1;
  awsc_client *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  if (awsc_client_new_from_model(&c, s, model_path, &co, &err) != 0)
    fprintf(stderr, "client: %s\n", err.message);
  return c;
}

static void test_pipeline_list_buckets(void) {
  awsc_session *s = make_session(E2E_AK1, E2E_SK1);
  awsc_client *c = s ? model_client(s) : NULL;
  CHECK(c != NULL);
  if (c) {
    char *out = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    int rc = awsc_call_json(&out, c, "list_buckets", NULL, &err);
    if (rc)
      fprintf(stderr, "list_buckets: %s\n", err.message);
    CHECK_INT(rc, 0);
    CHECK(out && strstr(out, "\"ResponseMetadata\""));
    CHECK(out && strstr(out, "\"HTTPStatusCode\":200"));
    CHECK(out && strstr(out, "\"RetryAttempts\":0"));
    CHECK(out && strstr(out, "\"Buckets\""));
    awsc_mem_free(out);
  }
  awsc_client_free(c);
  awsc_session_free(s);
}

static void test_pipeline_wrong_secret_is_service_error(void) {
  const char *bad = "wrong-secret-wrong-secret-wrong-secret!";
  awsc_session *s = make_session(E2E_AK1, bad);
  awsc_client *c = s ? model_client(s) : NULL;
  CHECK(c != NULL);
  if (c) {
    char *out = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    int rc = awsc_call_json(&out, c, "ListBuckets", "{}", &err);
    CHECK_INT(rc, AWSC_ESERVICE);
    CHECK_INT(err.kind, AWSC_ERROR_SERVICE);
    CHECK_INT(err.http_status, 403);
    CHECK_STR(err.service_code, "SignatureDoesNotMatch");
    CHECK(err.request_id[0] != '\0');
    CHECK(strstr(err.message, bad) == NULL); /* no secret in messages */
    CHECK(out == NULL);
  }
  awsc_client_free(c);
  awsc_session_free(s);
}

int main(int argc, char **argv) {
  endpoint = e2e_s3_endpoint();
  model_path = argc > 1 ? argv[1] : NULL;
  if (!endpoint) {
    SKIP("e2e_raw_request",
         "AWSC_E2E_S3_ENDPOINT is not set: the local S3 server was not "
         "started (run scripts/test.sh, which starts it)");
    return test_summary();
  }
  RUN(test_raw_signed_list_buckets);
  RUN(test_raw_wrong_secret);
  RUN(test_pipeline_list_buckets);
  RUN(test_pipeline_wrong_secret_is_service_error);
  return test_summary();
}
