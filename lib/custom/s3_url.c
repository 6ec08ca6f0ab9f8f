/*
 * lib/custom/s3_url.c - awsc_s3_object_url: the plain (unsigned) URL of an
 * object, addressed as the client's S3 endpoint would address GetObject.
 */
#include <string.h>

#include "custom/custom.h"

int awsc_s3_object_url(char **url_out, awsc_client *c, const char *bucket,
                       const char *key, awsc_s3_url_style style,
                       awsc_error *err) {
  if (!c || !bucket || !key || !url_out)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_s3_object_url: NULL argument");
  *url_out = NULL;
  if (c->svc->hooks != &awsc_s3_hooks)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_s3_object_url needs an S3 client");
  if ((int)style < 0 || (int)style > 2)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_s3_object_url: style must be 0, 1 or 2");
  const awsc_operation *op = awsc_service_find_operation(c->svc, "GetObject");
  if (!op)
    return awsc_error_set(err, AWSC_ENOTFOUND, AWSC_ERROR_VALIDATION,
                          "the S3 model has no GetObject");
  awsc_arena *a = awsc_arena_new(4096);
  awsc_value_builder *vb = a ? awsc_vb_new(a) : NULL;
  awsc_value in = {0};
  int rc = vb ? 0 : AWSC_ENOMEM;
  if (!rc)
    rc = awsc_vb_begin_map(vb);
  if (!rc)
    rc = awsc_vb_key(vb, "Bucket", 6);
  if (!rc)
    rc = awsc_vb_string(vb, bucket, strlen(bucket));
  if (!rc)
    rc = awsc_vb_key(vb, "Key", 3);
  if (!rc)
    rc = awsc_vb_string(vb, key, strlen(key));
  if (!rc)
    rc = awsc_vb_end(vb);
  if (!rc)
    rc = awsc_vb_finish(vb, &in);
  awsc_vb_free(vb);
  if (rc) {
    awsc_arena_free(a);
    return awsc_error_set(err, rc, AWSC_ERROR_INTERNAL, "out of memory");
  }
  awsc_call call;
  memset(&call, 0, sizeof(call));
  call.op = op;
  call.input = &in;
  call.arena = a;
  awsc_serialized_request sr;
  memset(&sr, 0, sizeof(sr));
  awsc_call_target t;
  rc = awsc_protocol_serialize(c->svc, op, &in, a, &sr, err);
  if (!rc)
    rc = awsc_client_target(c, &call, &sr, NULL,
                            style == 1   ? 1
                            : style == 2 ? 0
                                         : -1,
                            &t, err);
  if (!rc && style == 2) {
    /* virtual-hosted asked for: the host must start with the bucket */
    size_t bl = strlen(bucket);
    if (strncmp(t.host, bucket, bl) != 0 || t.host[bl] != '.')
      rc = awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                          "bucket name %s can not be used in a host name "
                          "here (virtual-hosted style)",
                          bucket);
  }
  if (!rc) {
    awsc_buf u = AWSC_BUF_INIT;
    rc = awsc_buf_printf(&u, "%s://%s%s", t.https ? "https" : "http", t.host,
                         t.path);
    if (rc) {
      awsc_buf_free(&u);
      awsc_error_set(err, rc, AWSC_ERROR_INTERNAL, "out of memory");
    } else {
      if (!(*url_out = awsc_out_from_buf(&u)))
        rc = awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                            "out of memory");
    }
  }
  awsc_arena_free(a);
  return rc;
}
