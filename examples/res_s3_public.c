/*
 * res_s3_public - make an object public-read through its ObjectAcl:
 *   res_s3_public BUCKET KEY
 * puts KEY (private, object.put), checks that an anonymous GET of its URL
 * is refused (403), runs object.Acl().put(ACL="public-read"), checks the
 * anonymous GET now answers 200, and prints the grants (acl.load()).
 */
#include "example.h"

#include <awsc/s3_resources.h>

/* GET the object's URL without signing; the HTTP status (0 on error). */
static int anonymous_get(awsc_session *session, awsc_client *client,
                         awsc_s3_object *o) {
  char *url = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  if (awsc_s3_object_url(&url, client, awsc_s3_object_bucket_name(o),
                         awsc_s3_object_key(o), 0, &err) != 0)
    return 0;
  awsc_http_request req;
  memset(&req, 0, sizeof(req));
  req.method = "GET";
  req.url = url;
  awsc_http_response resp;
  memset(&resp, 0, sizeof(resp));
  int status = 0;
  if (awsc_transport_send(awsc_session_transport(session), &req, &resp, &err) ==
      0)
    status = resp.status;
  awsc_http_response_cleanup(&resp);
  awsc_mem_free(url);
  return status;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s BUCKET KEY\n", argv[0]);
    return 2;
  }
  awsc_session *session;
  awsc_client *client;
  if (example_client("s3", &session, &client))
    return 1;
  awsc_error err = AWSC_ERROR_INIT;
  awsc_s3_object *obj = NULL;
  awsc_s3_object_acl *acl = NULL;
  int status = 0;

  /* object.put(Body=..., ContentType="text/html"): private by default */
  static const char html[] = "<html><body>public</body></html>\n";
  awsc_s3_PutObjectRequest put = {0};
  put.body.data = html;
  put.body.len = sizeof(html) - 1;
  put.content_type = "text/html";
  if (awsc_s3_object_new(&obj, client, argv[1], argv[2], &err) != 0 ||
      awsc_s3_object_put(NULL, NULL, NULL, obj, &put, &err) != 0) {
    status = example_fail("object.put", &err);
    goto done;
  }
  int st = anonymous_get(session, client, obj);
  printf("private object, anonymous GET: %d (expect 403)\n", st);
  status |= st != 403;

  /* object.Acl().put(ACL="public-read") */
  awsc_s3_PutObjectAclRequest in = {0};
  in.acl = AWSC_S3_OBJECT_CANNED_ACL_PUBLIC_READ;
  if (awsc_s3_object_ref_acl(&acl, obj, NULL, &err) != 0 ||
      awsc_s3_object_acl_put(NULL, NULL, NULL, acl, &in, &err) != 0) {
    status = example_fail("object.Acl().put", &err);
    goto done;
  }
  st = anonymous_get(session, client, obj);
  printf("after Acl().put(ACL=public-read), anonymous GET: %d (expect 200)\n",
         st);
  status |= st != 200;

  /* acl.load(): the grants as S3 reports them (acl.grants) */
  const awsc_s3_GetObjectAclOutput *g = NULL;
  if (awsc_s3_object_acl_load(acl, &err) != 0 ||
      !(g = awsc_s3_object_acl_data(acl, &err))) {
    status = example_fail("acl.load", &err);
    goto done;
  }
  for (size_t i = 0; i < g->grants_count; i++) {
    const awsc_s3_Grant *gr = &g->grants[i];
    const awsc_s3_Grantee *who = gr->grantee;
    printf("  grant %s to %s\n", gr->permission ? gr->permission : "?",
           who && who->uri  ? who->uri
           : who && who->id ? who->id
                            : "?");
  }
done:
  awsc_s3_object_acl_free(acl);
  awsc_s3_object_free(obj);
  example_cleanup(session, client);
  return status;
}
