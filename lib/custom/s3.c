/*
 * lib/custom/s3.c - S3's hook table: what S3 needs beyond its model
 * (botocore's S3 handlers and the other SDKs' S3 customisations) at each
 * step of a call. The input rewrites are in s3_input.c.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "custom/custom.h"

/* botocore's S3 payload signing: over TLS, an upload (streaming input
 * member) that carries a checksum header goes UNSIGNED-PAYLOAD (the
 * checksum and TLS protect it; no SHA-256 pass over the body), unless
 * s3.payload_signing_enabled says otherwise. */
static bool s3_unsigned_payload(const awsc_client *c, const awsc_operation *op,
                                bool https, const awsc_http_header *h,
                                size_t n) {
  if (!https || !(op->flags & AWSC_OF_HAS_STREAMING_INPUT))
    return false;
  if (c->s3_payload_signing != 0)
    return c->s3_payload_signing < 0;
  for (size_t i = 0; i < n; i++) {
    if (strcasecmp(h[i].name, "content-md5") == 0)
      return true;
    if (strncasecmp(h[i].name, "x-amz-checksum-", 15) == 0 &&
        strcasecmp(h[i].name, "x-amz-checksum-mode") != 0)
      return true;
  }
  return false;
}

static int s3_after_parse(awsc_client *c, awsc_call *call, awsc_value *out,
                          awsc_error *err) {
  (void)c;
  (void)err;
  if (call->encoding_type_auto)
    awsc_custom_s3_decode_listing(call, out);
  return 0;
}

static bool s3_after_parse_wanted(const awsc_call *call) {
  return call->encoding_type_auto;
}

/* Local name of the root element, skipping BOM, declaration, comments
 * and PIs; false when there is none. */
static bool root_name(const char *p, size_t n, const char **name, size_t *len) {
  size_t i = 0;
  if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
    i = 3;
  for (;;) {
    while (i < n && isspace((unsigned char)p[i]))
      i++;
    if (i + 1 >= n || p[i] != '<')
      return false;
    if (p[i + 1] == '?' || p[i + 1] == '!') {
      const char *end = p[i + 1] == '?' ? "?>" : ">";
      if (n - i >= 4 && memcmp(p + i, "<!--", 4) == 0)
        end = "-->";
      size_t el = strlen(end);
      size_t j = i + 2;
      while (j + el <= n && memcmp(p + j, end, el) != 0)
        j++;
      if (j + el > n)
        return false;
      i = j + el;
      continue;
    }
    size_t st = ++i;
    while (i < n && !isspace((unsigned char)p[i]) && p[i] != '>' && p[i] != '/')
      i++;
    *name = p + st;
    *len = i - st;
    return true;
  }
}

/* S3 may answer 200 with an <Error> document (CopyObject,
 * CompleteMultipartUpload, UploadPartCopy): never for event streams or
 * a blob/string payload, which may hold any XML. */
static bool s3_error_in_200(const awsc_operation *op,
                            const awsc_raw_response *resp) {
  if (!op || !resp || resp->status != 200 || !resp->body || resp->body_len == 0)
    return false;
  const awsc_shape *out = op->output;
  if (!out)
    return false;
  /* a blob or string payload first: it is one test, where the event
   * stream check walks every member (GetObjectOutput has 43) */
  if (out->payload_index >= 0 &&
      (uint32_t)out->payload_index < out->member_count) {
    const awsc_shape *ps = out->members[out->payload_index].shape;
    if (ps && (ps->type == AWSC_SHAPE_BLOB || ps->type == AWSC_SHAPE_STRING))
      return false;
  }
  for (uint32_t i = 0; i < out->member_count; i++)
    if (out->members[i].shape &&
        (out->members[i].shape->flags & AWSC_SF_EVENTSTREAM))
      return false;
  const char *name;
  size_t len;
  if (!root_name(resp->body, resp->body_len, &name, &len))
    return false;
  return len == 5 && memcmp(name, "Error", 5) == 0;
}

/* A HEAD answer carries no body, so the parser can only say "404". S3's
 * HEAD operations model one error each (HeadObject: NoSuchKey,
 * HeadBucket: NoSuchBucket): name it, as the Java and Go SDKs do; the
 * HTTP status stays 404. (botocore leaves the code "404".) */
static void s3_classify_error(const awsc_operation *op, int status,
                              awsc_service_error *se) {
  if (status != 404 || strcmp(op->http_method, "HEAD") != 0 ||
      op->error_count != 1 || !se->code || strcmp(se->code, "404") != 0)
    return;
  se->code = op->errors[0]->error_code ? op->errors[0]->error_code
                                       : op->errors[0]->name;
  se->shape = op->errors[0];
}

/* The region S3 says the bucket lives in, from a 301/307 answer or a
 * 400 AuthorizationHeaderMalformed: the x-amz-bucket-region header, else
 * <Region> in the error body. NULL when neither is there. */
static const char *s3_redirect_region(const awsc_operation *op, int status,
                                      const awsc_service_error *se,
                                      const awsc_http_response *resp,
                                      awsc_arena *a) {
  (void)op;
  if (!(status == 301 || status == 307 ||
        (status == 400 && se->code &&
         strcmp(se->code, "AuthorizationHeaderMalformed") == 0)))
    return NULL;
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

/* GetBucketLocation answers with a bare <LocationConstraint> root, which
 * its model cannot describe (botocore has a handler for it). */
static bool s3_xml_root_is_member(const awsc_operation *op) {
  return op->name && strcmp(op->name, "GetBucketLocation") == 0;
}

/* The bucket goes into the host (virtual-hosted style) or stays first in
 * the path: the endpoint rules and the legacy addressing need it. */
static const char *s3_endpoint_host_label(const awsc_operation *op,
                                          const awsc_value *input) {
  (void)op;
  const awsc_value *b = input ? awsc_value_get(input, "Bucket") : NULL;
  return b && b->type == AWSC_V_STRING ? b->u.s.p : NULL;
}

/* GetBucketLocation is asked path-style, as botocore does: the bucket's
 * region is not known yet, so its virtual host may not answer. */
static bool s3_force_path_style(const awsc_operation *op) {
  return op && strcmp(op->name, "GetBucketLocation") == 0;
}

const awsc_service_hooks awsc_s3_hooks = {
    .name = "s3",
    .flags = AWSC_HOOK_SIGV4_S3 | AWSC_HOOK_RETRY_UNPARSABLE_2XX |
             AWSC_HOOK_S3_SETTINGS | AWSC_HOOK_PRESIGN_KEEP_BODY |
             AWSC_HOOK_ETAG_MD5,
    .default_region = "us-east-1",
    .prepare_input = awsc_custom_s3_prepare_input,
    .json_input = awsc_custom_s3_json_input,
    .unsigned_payload = s3_unsigned_payload,
    .after_parse = s3_after_parse,
    .after_parse_wanted = s3_after_parse_wanted,
    .error_in_200 = s3_error_in_200,
    .classify_error = s3_classify_error,
    .redirect_region = s3_redirect_region,
    .xml_root_is_member = s3_xml_root_is_member,
    .endpoint_host_label = s3_endpoint_host_label,
    .force_path_style = s3_force_path_style,
};

/* S3 Control signs as S3 (signatureVersion s3v4, signing name "s3") and,
 * as before hooks, defaults to us-east-1; the rest of S3's
 * customisations are for buckets and objects, not for it. */
const awsc_service_hooks awsc_s3control_hooks = {
    .name = "s3control",
    .flags = AWSC_HOOK_SIGV4_S3,
    .default_region = "us-east-1",
};
