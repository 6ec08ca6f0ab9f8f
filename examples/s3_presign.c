/*
 * s3_presign - a presigned link to a private object:
 *   s3_presign BUCKET KEY [EXPIRES_SECONDS]
 * prints the URL of generate_presigned_url("get_object") (the typed form:
 * the parameters are GetObject's request struct) and checks that a
 * plain unsigned GET of it succeeds while the bare object URL is refused.
 */
#include <awsc/s3.h>

#include "example.h"

static int plain_get(awsc_session *session, const char *url, size_t *len) {
  awsc_http_request req;
  memset(&req, 0, sizeof(req));
  req.method = "GET";
  req.url = url;
  awsc_http_response resp;
  memset(&resp, 0, sizeof(resp));
  awsc_error err = AWSC_ERROR_INIT;
  int status = 0;
  if (awsc_transport_send(awsc_session_transport(session), &req, &resp, &err) ==
      0) {
    status = resp.status;
    *len = resp.body_len;
  }
  awsc_http_response_cleanup(&resp);
  return status;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s BUCKET KEY [EXPIRES_SECONDS]\n", argv[0]);
    return 2;
  }
  awsc_session *session;
  awsc_client *s3;
  if (example_client("s3", &session, &s3))
    return 1;
  struct awsc_s3_GetObjectRequest get = {0};
  get.bucket = argv[1];
  get.key = argv[2];
  awsc_presign_options po = AWSC_PRESIGN_OPTIONS_INIT;
  if (argc > 3)
    po.expires_in = atoll(argv[3]);
  awsc_error err = AWSC_ERROR_INIT;
  char *url = NULL;
  int status = 0;
  if (awsc_generate_presigned_url_typed(&url, s3, "get_object", &get, &po,
                                        &err) != 0) {
    example_cleanup(session, s3);
    return example_fail("generate_presigned_url", &err);
  }
  printf("%s\n", url);
  size_t len = 0;
  int st = plain_get(session, url, &len);
  printf("GET presigned URL: %d (%zu bytes)\n", st, len);
  status |= st != 200;
  char bare[1024];
  snprintf(bare, sizeof(bare), "%.*s", (int)(strchr(url, '?') - url), url);
  st = plain_get(session, bare, &len);
  printf("GET without signature: %d (expect 403)\n", st);
  status |= st != 403;
  awsc_mem_free(url);
  example_cleanup(session, s3);
  return status;
}
