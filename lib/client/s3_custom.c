/*
 * What S3 needs beyond its model (botocore's handlers): flexible checksum
 * headers, the LocationConstraint of CreateBucket outside us-east-1, and
 * the region of a wrong-region redirect.
 */
#include <stdio.h>
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

/* A copy of MAP `in` with member `key` set to the string `value` (added
 * when absent). */
int awsc_value_with_member(awsc_arena *a, const awsc_value *in,
                           const char *key, const awsc_value *value,
                           const awsc_value **out) {
  awsc_value_builder *vb = awsc_vb_new(a);
  if (!vb)
    return AWSC_ENOMEM;
  int rc = awsc_vb_begin_map(vb);
  size_t kl = strlen(key);
  bool replaced = false;
  for (size_t i = 0; !rc && i < in->u.map.n; i++) {
    const awsc_kv *kv = &in->u.map.items[i];
    rc = awsc_vb_key(vb, kv->key, kv->key_len);
    bool same = kv->key_len == kl && memcmp(kv->key, key, kl) == 0;
    if (!rc)
      rc = awsc_vb_value(vb, same ? value : &kv->value);
    replaced = replaced || same;
  }
  if (!rc && !replaced) {
    rc = awsc_vb_key(vb, key, kl);
    if (!rc)
      rc = awsc_vb_value(vb, value);
  }
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

/* CreateBucket outside us-east-1 needs <LocationConstraint>REGION: add it
 * when the caller gave no CreateBucketConfiguration, so that a client made
 * for a region creates its buckets there. */
static int location_constraint(awsc_client *c, const awsc_operation *op,
                               const awsc_value *in, awsc_arena *a,
                               const awsc_value **out) {
  if (strcmp(op->name, "CreateBucket") != 0 || !c->region ||
      strcmp(c->region, "us-east-1") == 0 ||
      awsc_value_get(in, "CreateBucketConfiguration"))
    return 0;
  awsc_value_builder *vb = awsc_vb_new(a);
  if (!vb)
    return AWSC_ENOMEM;
  static const char k2[] = "LocationConstraint";
  int rc = awsc_vb_begin_map(vb);
  if (!rc)
    rc = awsc_vb_key(vb, k2, sizeof(k2) - 1);
  if (!rc)
    rc = awsc_vb_string(vb, c->region, strlen(c->region));
  if (!rc)
    rc = awsc_vb_end(vb);
  awsc_value cfg;
  if (!rc)
    rc = awsc_vb_finish(vb, &cfg);
  awsc_vb_free(vb);
  return rc ? rc : awsc_value_with_member(a, in, "CreateBucketConfiguration", &cfg, out);
}

/* botocore's handle_copy_source_param for a string CopySource:
 * percent-encode "bucket/key" (keeping '/' and -._~), but not a trailing
 * "?versionId=..." suffix. */
static int copy_source(const awsc_operation *op, const awsc_value *in,
                       awsc_arena *a, const awsc_value **out) {
  if (strcmp(op->name, "CopyObject") != 0 &&
      strcmp(op->name, "UploadPartCopy") != 0)
    return 0;
  const awsc_value *cs = awsc_value_get(in, "CopySource");
  if (!cs || cs->type != AWSC_V_STRING)
    return 0;
  const char *s = cs->u.s.p;
  size_t n = cs->u.s.n;
  const char *vid = NULL;
  for (const char *q = strstr(s, "?versionId="); q;
       q = strstr(q + 1, "?versionId="))
    vid = q;
  if (vid && (vid[11] == '\0' || strpbrk(vid + 11, " \t\r\n\f\v")))
    vid = NULL;
  size_t base = vid ? (size_t)(vid - s) : n;
  awsc_buf b = AWSC_BUF_INIT;
  int rc = awsc_uri_encode(&b, s, base, true);
  if (!rc && vid)
    rc = awsc_buf_append(&b, vid, n - base);
  if (!rc && b.len == n && memcmp(b.p, s, n) == 0) {
    awsc_buf_free(&b); /* nothing to encode */
    return 0;
  }
  awsc_value v;
  memset(&v, 0, sizeof(v));
  v.type = AWSC_V_STRING;
  v.u.s.p = rc ? NULL : awsc_arena_strndup(a, b.p, b.len);
  v.u.s.n = b.len;
  awsc_buf_free(&b);
  if (rc || !v.u.s.p)
    return AWSC_ENOMEM;
  return awsc_value_with_member(a, in, "CopySource", &v, out);
}

/* Listings: botocore asks for EncodingType=url unless the caller chose
 * one (keys may hold characters XML 1.0 can not carry) and decodes the
 * answer; which members per operation, as botocore's decode_list_object*. */
typedef struct listing_keys {
  const char *op;
  const char *top[4];
  const char *nested[3][2];
} listing_keys;

static const listing_keys listings[] = {
    {"ListObjects",
     {"Delimiter", "Marker", "NextMarker", NULL},
     {{"Contents", "Key"}, {"CommonPrefixes", "Prefix"}, {NULL, NULL}}},
    {"ListObjectsV2",
     {"Delimiter", "Prefix", "StartAfter", NULL},
     {{"Contents", "Key"}, {"CommonPrefixes", "Prefix"}, {NULL, NULL}}},
    {"ListObjectVersions",
     {"KeyMarker", "NextKeyMarker", "Prefix", "Delimiter"},
     {{"Versions", "Key"}, {"DeleteMarkers", "Key"}, {"CommonPrefixes", "Prefix"}}},
};

static const listing_keys *listing_of(const awsc_operation *op) {
  for (size_t i = 0; i < sizeof(listings) / sizeof(listings[0]); i++)
    if (strcmp(op->name, listings[i].op) == 0)
      return &listings[i];
  return NULL;
}

static int encoding_type(awsc_call *call, const awsc_value *in, awsc_arena *a,
                         const awsc_value **out) {
  if (!listing_of(call->op) || awsc_value_get(in, "EncodingType"))
    return 0;
  awsc_value v;
  memset(&v, 0, sizeof(v));
  v.type = AWSC_V_STRING;
  v.u.s.p = "url";
  v.u.s.n = 3;
  call->encoding_type_auto = true;
  return awsc_value_with_member(a, in, "EncodingType", &v, out);
}

/* urllib.parse.unquote_plus in place: '+' is a space, %XX a byte. */
static void unquote_plus(awsc_value *v) {
  if (!v || v->type != AWSC_V_STRING)
    return;
  char *s = (char *)v->u.s.p; /* the call's arena */
  size_t o = 0;
  for (size_t i = 0; i < v->u.s.n; i++) {
    char ch = s[i];
    int hi, lo;
    if (ch == '+') {
      ch = ' ';
    } else if (ch == '%' && i + 2 < v->u.s.n &&
               (hi = awsc_hex_value((unsigned char)s[i + 1])) >= 0 &&
               (lo = awsc_hex_value((unsigned char)s[i + 2])) >= 0) {
      ch = (char)(hi << 4 | lo);
      i += 2;
    }
    s[o++] = ch;
  }
  s[o] = '\0';
  v->u.s.n = o;
}

static awsc_value *member(awsc_value *map, const char *key) {
  return (awsc_value *)awsc_value_get(map, key);
}

void awsc_s3_decode_listing(const awsc_call *call, awsc_value *out) {
  const listing_keys *lk = listing_of(call->op);
  const awsc_value *et = awsc_value_get(out, "EncodingType");
  if (!lk || !call->encoding_type_auto || !et || et->type != AWSC_V_STRING ||
      strcmp(et->u.s.p, "url") != 0)
    return;
  for (size_t i = 0; i < 4 && lk->top[i]; i++)
    unquote_plus(member(out, lk->top[i]));
  for (size_t i = 0; i < 3 && lk->nested[i][0]; i++) {
    awsc_value *list = member(out, lk->nested[i][0]);
    if (!list || list->type != AWSC_V_LIST)
      continue;
    for (size_t k = 0; k < list->u.list.n; k++)
      unquote_plus(member(&list->u.list.items[k], lk->nested[i][1]));
  }
}

/* botocore's sse_md5: SSE-C keys are given raw; the header carries them
 * base64-encoded, with the MD5 of the key, unless the caller gave the MD5
 * (then the key is taken as already encoded). */
static int sse_customer_key(const char *prefix, const awsc_value *in,
                            awsc_arena *a, const awsc_value **out) {
  char kname[48], mname[48];
  snprintf(kname, sizeof(kname), "%sKey", prefix);
  snprintf(mname, sizeof(mname), "%sKeyMD5", prefix);
  const awsc_value *k = awsc_value_get(in, kname);
  if (!k || (k->type != AWSC_V_STRING && k->type != AWSC_V_BLOB) ||
      awsc_value_get(in, mname))
    return 0;
  uint8_t md5[AWSC_MD5_LEN];
  awsc_md5(k->u.s.p, k->u.s.n, md5);
  char *kb = awsc_arena_alloc(a, AWSC_BASE64_LEN(k->u.s.n) + 1);
  char *mb = awsc_arena_alloc(a, AWSC_BASE64_LEN(AWSC_MD5_LEN) + 1);
  if (!kb || !mb)
    return AWSC_ENOMEM;
  size_t kl = awsc_base64_encode((const uint8_t *)k->u.s.p, k->u.s.n, kb);
  size_t ml = awsc_base64_encode(md5, AWSC_MD5_LEN, mb);
  awsc_value kv, mv;
  memset(&kv, 0, sizeof(kv));
  memset(&mv, 0, sizeof(mv));
  kv.type = mv.type = AWSC_V_STRING;
  kv.u.s.p = kb;
  kv.u.s.n = kl;
  mv.u.s.p = mb;
  mv.u.s.n = ml;
  int rc = awsc_value_with_member(a, in, kname, &kv, out);
  return rc ? rc : awsc_value_with_member(a, *out, mname, &mv, out);
}

/* botocore's validate_bucket_name: [a-zA-Z0-9.\-_]{1,255}, or an ARN (the
 * endpoint rules check ARNs in detail and say what is wrong). */
static int check_bucket(const awsc_value *in, awsc_error *err) {
  const awsc_value *b = awsc_value_get(in, "Bucket");
  if (!b || b->type != AWSC_V_STRING)
    return 0;
  const char *s = b->u.s.p;
  size_t n = b->u.s.n;
  if (n >= 4 && memcmp(s, "arn:", 4) == 0)
    return 0;
  bool ok = n >= 1 && n <= 255;
  for (size_t i = 0; ok && i < n; i++) {
    char ch = s[i];
    ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
         (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '_';
  }
  if (ok)
    return 0;
  return awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                        "Parameter validation failed:\nInvalid bucket name "
                        "\"%.*s\": Bucket name must match the regex "
                        "\"^[a-zA-Z0-9.\\-_]{1,255}$\" or be an ARN",
                        (int)(n > 300 ? 300 : n), s);
}

int awsc_s3_prepare_input(awsc_client *c, awsc_call *call, awsc_arena *a,
                          const awsc_value **out, awsc_error *err) {
  const awsc_value *in = call->input;
  *out = in;
  if (!awsc_client_is_s3(c->svc) || !in || in->type != AWSC_V_MAP)
    return 0;
  int rc = check_bucket(in, err);
  if (rc)
    return rc;
  rc = location_constraint(c, call->op, *out, a, out);
  if (!rc && !call->copy_source_encoded)
    rc = copy_source(call->op, *out, a, out);
  if (!rc)
    rc = encoding_type(call, *out, a, out);
  if (!rc)
    rc = sse_customer_key("SSECustomer", *out, a, out);
  if (!rc)
    rc = sse_customer_key("CopySourceSSECustomer", *out, a, out);
  return rc ? awsc_error_set(err, rc, AWSC_ERROR_INTERNAL, "out of memory")
            : 0;
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
