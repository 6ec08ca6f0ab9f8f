/*
 * What S3 needs beyond its model (botocore's handlers): flexible checksum
 * headers, the LocationConstraint of CreateBucket outside us-east-1, and
 * the region of a wrong-region redirect.
 */
#include <string.h>
#include <strings.h>

#include "client/client_internal.h"

int awsc_checksum_header(awsc_arena *a, const char *algorithm,
                         const void *body, size_t len, const char **name,
                         const char **value) {
  uint8_t digest[AWSC_SHA256_LEN];
  size_t dlen;
  const char *hname;
  if (!body)
    body = "";
  if (strcasecmp(algorithm, "CRC32") == 0 ||
      strcasecmp(algorithm, "CRC32C") == 0) {
    bool c = strcasecmp(algorithm, "CRC32C") == 0;
    uint32_t crc = c ? awsc_crc32c(0, body, len) : awsc_crc32(0, body, len);
    digest[0] = (uint8_t)(crc >> 24);
    digest[1] = (uint8_t)(crc >> 16);
    digest[2] = (uint8_t)(crc >> 8);
    digest[3] = (uint8_t)crc;
    dlen = 4;
    hname = c ? "x-amz-checksum-crc32c" : "x-amz-checksum-crc32";
  } else if (strcasecmp(algorithm, "SHA256") == 0) {
    awsc_sha256(body, len, digest);
    dlen = AWSC_SHA256_LEN;
    hname = "x-amz-checksum-sha256";
  } else {
    return AWSC_EUNSUPPORTED;
  }
  char *b64 = awsc_arena_alloc(a, AWSC_BASE64_LEN(dlen) + 1);
  if (!b64)
    return AWSC_ENOMEM;
  awsc_base64_encode(digest, dlen, b64);
  *name = hname;
  *value = b64;
  return 0;
}

/* CreateBucket outside us-east-1 needs <LocationConstraint>REGION: add it
 * when the caller gave no CreateBucketConfiguration, so that a client made
 * for a region creates its buckets there. */
int awsc_s3_location_constraint(awsc_client *c, const awsc_operation *op,
                                const awsc_value *in, awsc_arena *a,
                                const awsc_value **out) {
  *out = in;
  if (!awsc_client_is_s3(c->svc) || strcmp(op->name, "CreateBucket") != 0 ||
      !in || in->type != AWSC_V_MAP || !c->region ||
      strcmp(c->region, "us-east-1") == 0 ||
      awsc_value_get(in, "CreateBucketConfiguration"))
    return 0;
  awsc_value_builder *vb = awsc_vb_new(a);
  if (!vb)
    return AWSC_ENOMEM;
  int rc = awsc_vb_begin_map(vb);
  for (size_t i = 0; !rc && i < in->u.map.n; i++) {
    rc = awsc_vb_key(vb, in->u.map.items[i].key, in->u.map.items[i].key_len);
    if (!rc)
      rc = awsc_vb_value(vb, &in->u.map.items[i].value);
  }
  static const char k1[] = "CreateBucketConfiguration";
  static const char k2[] = "LocationConstraint";
  if (!rc)
    rc = awsc_vb_key(vb, k1, sizeof(k1) - 1);
  if (!rc)
    rc = awsc_vb_begin_map(vb);
  if (!rc)
    rc = awsc_vb_key(vb, k2, sizeof(k2) - 1);
  if (!rc)
    rc = awsc_vb_string(vb, c->region, strlen(c->region));
  if (!rc)
    rc = awsc_vb_end(vb);
  if (!rc)
    rc = awsc_vb_end(vb);
  awsc_value *v = awsc_arena_alloc(a, sizeof(*v));
  if (!rc && !v)
    rc = AWSC_ENOMEM;
  if (!rc)
    rc = awsc_vb_finish(vb, v);
  awsc_vb_free(vb);
  if (!rc)
    *out = v;
  return rc;
}

/* The region S3 says the bucket lives in, from a 301/307/400 answer:
 * the x-amz-bucket-region header, else <Region> in the error body. NULL
 * when neither is there. */
const char *awsc_s3_redirect_region(const awsc_http_response *resp,
                                    awsc_arena *a) {
  const char *h = awsc_http_response_header(resp, "x-amz-bucket-region");
  if (h && *h)
    return awsc_arena_strdup(a, h);
  if (!resp->body)
    return NULL;
  const char *p = strstr(resp->body, "<Region>");
  if (!p)
    return NULL;
  p += 8;
  const char *e = strstr(p, "</Region>");
  if (!e || e == p || e - p > 64)
    return NULL;
  return awsc_arena_strndup(a, p, (size_t)(e - p));
}

/* A HEAD answer carries no body, so the parser can only say "404". S3's
 * HEAD operations model one error each (HeadObject: NoSuchKey,
 * HeadBucket: NoSuchBucket): name it, as the Java and Go SDKs do; the
 * HTTP status stays 404. (botocore leaves the code "404".) */
void awsc_s3_head_error_code(const awsc_client *c, const awsc_operation *op,
                             int status, awsc_service_error *se) {
  if (!awsc_client_is_s3(c->svc) || status != 404 ||
      strcmp(op->http_method, "HEAD") != 0 || op->error_count != 1 ||
      !se->code || strcmp(se->code, "404") != 0)
    return;
  se->code = op->errors[0]->error_code ? op->errors[0]->error_code
                                      : op->errors[0]->name;
  se->shape = op->errors[0];
}
