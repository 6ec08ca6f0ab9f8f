/*
 * s3_public - make objects public-read two ways and fetch them without
 * credentials:
 *   s3_public BUCKET
 * 1. put_object (private), then put_object_acl ACL=public-read;
 * 2. put_object with ACL public-read directly (upload_file's ExtraArgs);
 * each is then fetched anonymously (plain HTTP GET of its public URL) and
 * must answer 200, while a private object answers 403.
 */
#include "example.h"

#include <awsc/s3.h>

/* GET a URL without signing; returns the HTTP status (0 on error). */
static int anonymous_get(awsc_session *session, const char *url) {
  awsc_http_request req;
  memset(&req, 0, sizeof(req));
  req.method = "GET";
  req.url = url;
  awsc_http_response resp;
  memset(&resp, 0, sizeof(resp));
  awsc_error err = AWSC_ERROR_INIT;
  int status = 0;
  if (awsc_transport_send(awsc_session_transport(session), &req, &resp, &err) ==
      0)
    status = resp.status;
  awsc_http_response_cleanup(&resp);
  return status;
}

/* The object's public URL, as the client addresses buckets. */
static void object_url(awsc_client *s3, const char *bucket, const char *key,
                       char *out, size_t n) {
  char *u = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  if (awsc_s3_object_url(&u, s3, bucket, key, 0, &err) == 0)
    snprintf(out, n, "%s", u);
  else
    snprintf(out, n, "invalid:");
  awsc_mem_free(u);
}

static int put(awsc_client *s3, const char *bucket, const char *key,
               const char *acl) {
  static const char html[] = "<html><body>public</body></html>\n";
  awsc_s3_PutObjectRequest in = {0};
  in.bucket = bucket;
  in.key = key;
  in.body.data = html;
  in.body.len = sizeof(html) - 1;
  in.content_type = "text/html";
  in.acl = acl;
  awsc_error err = AWSC_ERROR_INIT;
  if (awsc_s3_put_object(NULL, s3, &in, &err) != 0)
    return example_fail("put_object", &err);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s BUCKET\n", argv[0]);
    return 2;
  }
  const char *bucket = argv[1];
  awsc_session *session;
  awsc_client *s3;
  if (example_client("s3", &session, &s3))
    return 1;
  awsc_error err = AWSC_ERROR_INIT;
  int status = 0;
  char url[1024];

  /* private object: anonymous access refused */
  status |= put(s3, bucket, "public/private.html", NULL);
  object_url(s3, bucket, "public/private.html", url, sizeof(url));
  int st = anonymous_get(session, url);
  printf("private object, anonymous GET: %d (expect 403)\n", st);
  status |= st != 403;

  /* made public afterwards with put_object_acl */
  status |= put(s3, bucket, "public/acl.html", NULL);
  awsc_s3_PutObjectAclRequest acl = {0};
  acl.bucket = bucket;
  acl.key = "public/acl.html";
  acl.acl = AWSC_S3_OBJECT_CANNED_ACL_PUBLIC_READ;
  if (awsc_s3_put_object_acl(NULL, s3, &acl, &err) != 0)
    status |= example_fail("put_object_acl", &err);
  object_url(s3, bucket, "public/acl.html", url, sizeof(url));
  st = anonymous_get(session, url);
  printf("put_object_acl public-read, anonymous GET %s: %d\n", url, st);
  status |= st != 200;

  /* uploaded public-read in one go */
  status |= put(s3, bucket, "public/direct.html", "public-read");
  object_url(s3, bucket, "public/direct.html", url, sizeof(url));
  st = anonymous_get(session, url);
  printf("uploaded with ACL public-read, anonymous GET %s: %d\n", url, st);
  status |= st != 200;

  /* the grants as S3 reports them */
  awsc_s3_GetObjectAclRequest ga = {0};
  ga.bucket = bucket;
  ga.key = "public/direct.html";
  awsc_s3_GetObjectAclOutput *go = NULL;
  if (awsc_s3_get_object_acl(&go, s3, &ga, &err) == 0) {
    for (size_t i = 0; i < go->grants_count; i++) {
      const awsc_s3_Grant *g = &go->grants[i];
      printf("  grant %s to %s\n", g->permission ? g->permission : "?",
             g->grantee && g->grantee->uri  ? g->grantee->uri
             : g->grantee && g->grantee->id ? g->grantee->id
                                            : "?");
    }
    awsc_mem_free(go);
  } else {
    status |= example_fail("get_object_acl", &err);
  }
  example_cleanup(session, s3);
  return status;
}
