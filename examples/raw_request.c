/*
 * raw_request - the lowest layer by hand: take credentials from a session
 * (environment, profile, ...), sign "GET /" (S3 ListBuckets) with SigV4 and
 * send it through the library's transport.
 *
 *   raw_request ENDPOINT_URL [REGION]
 *
 * Prints the HTTP status, the request id and the bucket names found in the
 * response. Exit status 0 on HTTP 200.
 */
#include <stdio.h>
#include <string.h>

#include <awsc/awsc.h>

static void print_buckets(const char *xml) {
  const char *p = xml;
  while ((p = strstr(p, "<Name>")) != NULL) {
    p += 6;
    const char *e = strstr(p, "</Name>");
    if (!e)
      break;
    printf("  bucket: %.*s\n", (int)(e - p), p);
    p = e;
  }
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s ENDPOINT_URL [REGION]\n", argv[0]);
    return 2;
  }
  const char *endpoint = argv[1];
  const char *host = strstr(endpoint, "://");
  host = host ? host + 3 : endpoint;

  awsc_error err = AWSC_ERROR_INIT;
  awsc_session_options so = AWSC_SESSION_OPTIONS_INIT;
  so.region = argc > 2 ? argv[2] : NULL;
  awsc_session *session = NULL;
  awsc_credentials *creds = NULL;
  int rc = awsc_session_new(&session, &so, &err);
  if (!rc)
    rc = awsc_session_get_credentials(&creds, session, &err);
  if (rc) {
    fprintf(stderr, "error: %s\n", err.message);
    awsc_session_free(session);
    return 1;
  }
  const char *region = awsc_session_region(session);

  awsc_sigv4_params sp = AWSC_SIGV4_PARAMS_INIT;
  sp.access_key_id = awsc_credentials_access_key_id(creds);
  sp.secret_access_key = awsc_credentials_secret_access_key(creds);
  sp.session_token = awsc_credentials_session_token(creds);
  sp.region = region ? region : "us-east-1";
  sp.service = "s3";
  awsc_sigv4_request sq = AWSC_SIGV4_REQUEST_INIT;
  sq.method = "GET";
  sq.path = "/";
  sq.host = host;
  sq.flags = AWSC_SIGV4_S3;
  awsc_sigv4_result sig = AWSC_SIGV4_RESULT_INIT;
  rc = awsc_sigv4_sign_headers(&sig, &sp, &sq, &err);
  if (rc) {
    fprintf(stderr, "sign: %s\n", err.message);
    return 1;
  }

  char url[1024];
  snprintf(url, sizeof(url), "%s/", endpoint);
  awsc_http_request req;
  memset(&req, 0, sizeof(req));
  req.method = "GET";
  req.url = url;
  req.headers = sig.headers;
  req.header_count = sig.header_count;
  awsc_http_response resp;
  memset(&resp, 0, sizeof(resp));
  rc = awsc_transport_send(awsc_session_transport(session), &req, &resp, &err);
  if (rc) {
    fprintf(stderr, "send: %s\n", err.message);
  } else {
    const char *rid = awsc_http_response_header(&resp, "x-amz-request-id");
    printf("GET %s -> HTTP %d, RequestId %s\n", url, resp.status,
           rid ? rid : "-");
    if (resp.body)
      print_buckets(resp.body);
  }
  int status = (!rc && resp.status == 200) ? 0 : 1;
  awsc_http_response_cleanup(&resp);
  awsc_sigv4_result_cleanup(&sig);
  awsc_credentials_free(creds);
  awsc_session_free(session);
  return status;
}
