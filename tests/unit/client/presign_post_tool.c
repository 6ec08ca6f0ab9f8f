/*
 * presign_post_tool: awsc_generate_presigned_post_json at a fixed time,
 * for presign_post_vs_botocore.py.
 *   presign_post_tool NOW_MS REGION ENDPOINT|- AKID SECRET TOKEN|- \
 *                     SIGN(1|0) CALL_JSON
 * prints the answer's JSON, or "ERROR <status> <message>" (exit 1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsc/awsc.h"
#include "client/presign_internal.h"

static const char *env_none(const char *name, void *ud) {
  (void)name;
  (void)ud;
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 9) {
    fprintf(stderr,
            "usage: %s NOW_MS REGION ENDPOINT|- AKID SECRET TOKEN|- "
            "SIGN CALL_JSON\n",
            argv[0]);
    return 2;
  }
  awsc_session_options so = AWSC_SESSION_OPTIONS_INIT;
  so.region = argv[2];
  so.access_key_id = argv[4];
  so.secret_access_key = argv[5];
  so.session_token = strcmp(argv[6], "-") ? argv[6] : NULL;
  so.getenv_fn = env_none;
  so.config_file = "/nonexistent/awsc-test/config";
  so.credentials_file = "/nonexistent/awsc-test/credentials";
  awsc_client_options co = AWSC_CLIENT_OPTIONS_INIT;
  co.endpoint_url = strcmp(argv[3], "-") ? argv[3] : NULL;
  co.sign_requests = strcmp(argv[7], "1") ? AWSC_TOGGLE_OFF : AWSC_TOGGLE_ON;
  awsc_session *s = NULL;
  awsc_client *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = awsc_session_new(&s, &so, &err);
  if (!rc)
    rc = awsc_client_new(&c, s, "s3", &co, &err);
  char *out = NULL;
  if (!rc)
    rc = awsc_presign_post_json_at(&out, c, argv[8], atoll(argv[1]), &err);
  if (rc)
    printf("ERROR %d %s\n", rc, err.message);
  else
    printf("%s\n", out);
  awsc_mem_free(out);
  awsc_client_free(c);
  awsc_session_free(s);
  return rc ? 1 : 0;
}
