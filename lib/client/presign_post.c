/*
 * lib/client/presign_post.c - botocore's S3 generate_presigned_post: the
 * URL and the form fields with which a browser (or curl -F) uploads one
 * object with an HTML-form POST, signed with SigV4 (POST policy).
 *
 * What botocore does, and so what this does, byte for byte:
 *   url     CreateBucket's URL for the bucket (virtual-hosted or path
 *           style, as the client addresses buckets), on the region's host
 *           as awsc's presigned URLs (botocore: s3.amazonaws.com);
 *   policy  base64 of Python's json.dumps of {"expiration", "conditions"}
 *           (", " and ": " separators, non-ASCII as \uXXXX): the caller's
 *           conditions, then {"bucket"}, then {"key"} or, for a key ending
 *           in ${filename}, ["starts-with", "$key", prefix], then the
 *           x-amz-algorithm, -credential, -date (and -security-token);
 *   fields  the caller's fields, then key, x-amz-algorithm, x-amz-credential,
 *           x-amz-date, x-amz-security-token, policy, x-amz-signature (a
 *           name the caller gave keeps its place and takes the new value,
 *           as a Python dict does);
 *   x-amz-signature  hex HMAC-SHA256 of the base64 policy with the SigV4
 *           signing key of the day, region and "s3".
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "awsc/presign.h"
#include "client/client_internal.h"
#include "client/pipeline_internal.h"
#include "client/presign_internal.h"
#include "runtime/jtree.h"

#define FILENAME_VAR "${filename}"

/* ---- Python's json.dumps (ensure_ascii, default separators) ---- */

/* The code point of the UTF-8 sequence at s (n bytes left); *len its
 * length. Invalid bytes stand for themselves (the parser has checked). */
static uint32_t utf8_next(const unsigned char *s, size_t n, size_t *len) {
  int extra = s[0] >= 0xF0 ? 3 : s[0] >= 0xE0 ? 2 : s[0] >= 0xC0 ? 1 : 0;
  if ((size_t)extra >= n) {
    *len = 1;
    return s[0];
  }
  uint32_t cp = extra == 3   ? (s[0] & 0x07u)
                : extra == 2 ? (s[0] & 0x0Fu)
                             : (s[0] & 0x1Fu);
  for (int i = 1; i <= extra; i++)
    cp = (cp << 6) | (s[i] & 0x3Fu);
  *len = (size_t)extra + 1;
  return cp;
}

static int py_string(awsc_buf *b, const char *s, size_t n) {
  int rc = awsc_buf_putc(b, '"');
  const unsigned char *p = (const unsigned char *)s;
  for (size_t i = 0; !rc && i < n;) {
    unsigned char ch = p[i];
    const char *esc = ch == '"'    ? "\\\""
                      : ch == '\\' ? "\\\\"
                      : ch == '\n' ? "\\n"
                      : ch == '\r' ? "\\r"
                      : ch == '\t' ? "\\t"
                      : ch == '\b' ? "\\b"
                      : ch == '\f' ? "\\f"
                                   : NULL;
    if (esc) {
      rc = awsc_buf_puts(b, esc);
      i++;
    } else if (ch < 0x20) {
      rc = awsc_buf_printf(b, "\\u%04x", ch);
      i++;
    } else if (ch < 0x80) {
      rc = awsc_buf_putc(b, (char)ch);
      i++;
    } else {
      size_t len;
      uint32_t cp = utf8_next(p + i, n - i, &len);
      i += len;
      if (cp >= 0x10000) {
        cp -= 0x10000;
        rc = awsc_buf_printf(b, "\\u%04x\\u%04x", 0xD800u + (cp >> 10),
                             0xDC00u + (cp & 0x3FFu));
      } else {
        rc = awsc_buf_printf(b, "\\u%04x", cp);
      }
    }
  }
  return rc ? rc : awsc_buf_putc(b, '"');
}

static int py_dumps(awsc_buf *b, const awsc_jnode *n) {
  int rc = 0;
  switch (n->type) {
  case AWSC_J_NULL:
    return awsc_buf_puts(b, "null");
  case AWSC_J_BOOL:
    return awsc_buf_puts(b, n->b ? "true" : "false");
  case AWSC_J_INT:
    return awsc_buf_puts(b, n->s);
  case AWSC_J_DOUBLE: {
    /* Python keeps big integers whole; floats as repr() */
    if (!strpbrk(n->s, ".eE"))
      return awsc_buf_puts(b, n->s);
    char num[32];
    awsc_double_format(n->d, num);
    return awsc_buf_puts(b, num);
  }
  case AWSC_J_STRING:
    return py_string(b, n->s, n->n);
  case AWSC_J_ARRAY:
    rc = awsc_buf_putc(b, '[');
    for (size_t i = 0; !rc && i < n->count; i++) {
      if (i)
        rc = awsc_buf_puts(b, ", ");
      rc = rc ? rc : py_dumps(b, n->items[i]);
    }
    return rc ? rc : awsc_buf_putc(b, ']');
  default:
    rc = awsc_buf_putc(b, '{');
    for (size_t i = 0; !rc && i < n->count; i++) {
      if (i)
        rc = awsc_buf_puts(b, ", ");
      rc = rc ? rc : py_string(b, n->members[i].key, n->members[i].key_len);
      rc = rc ? rc : awsc_buf_puts(b, ": ");
      rc = rc ? rc : py_dumps(b, n->members[i].value);
    }
    return rc ? rc : awsc_buf_putc(b, '}');
  }
}

/* {"name": "value"} in Python's form. */
static int py_pair(awsc_buf *b, const char *name, const char *value) {
  int rc = awsc_buf_putc(b, '{');
  rc = rc ? rc : py_string(b, name, strlen(name));
  rc = rc ? rc : awsc_buf_puts(b, ": ");
  rc = rc ? rc : py_string(b, value, strlen(value));
  return rc ? rc : awsc_buf_putc(b, '}');
}

/* ---- the fields, an ordered dict ---- */

/* The ordered list is a header list (name/value pairs in the arena). */
typedef awsc_hdr_list field_list;

/* Set name to value: in place when present (a Python dict keeps the
 * first position), else at the end. Strings must outlive the list. */
static int field_set(awsc_arena *a, field_list *l, const char *name,
                     const char *value) {
  for (size_t i = 0; i < l->n; i++)
    if (strcmp(l->items[i].name, name) == 0) {
      l->items[i].value = value;
      return 0;
    }
  return awsc_hdr_push(a, l, name, value);
}

typedef struct post_in {
  const char *bucket, *key;
  const awsc_jnode *fields;     /* object of strings, or NULL */
  const awsc_jnode *conditions; /* array, or NULL */
  int64_t expires_in;
  int64_t now_ms;
} post_in;

/* The URL: CreateBucket's for the bucket, as botocore's, except that
 * it is regional as awsc's presigned URLs are (botocore puts a
 * virtual-hosted bucket on the global s3.amazonaws.com when presigning). */
static int post_url(awsc_client *c, const char *bucket, awsc_arena *a,
                    awsc_buf *url, awsc_call_target *tgt, awsc_error *err) {
  const awsc_operation *op =
      awsc_service_find_operation(c->svc, "CreateBucket");
  if (!op)
    return awsc_error_set(err, AWSC_EUNSUPPORTED, AWSC_ERROR_VALIDATION,
                          "generate_presigned_post: S3 clients only");
  awsc_value_builder vb;
  awsc_vb_init(&vb, a);
  awsc_vb_begin_map(&vb);
  awsc_vb_key(&vb, "Bucket", 6);
  awsc_vb_string(&vb, bucket, strlen(bucket));
  awsc_vb_end(&vb);
  awsc_value in;
  if (awsc_vb_finish(&vb, &in))
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  awsc_call call;
  memset(&call, 0, sizeof(call));
  call.op = op;
  call.input = &in;
  call.arena = a;
  awsc_serialized_request sr;
  memset(&sr, 0, sizeof(sr));
  int rc = awsc_protocol_serialize(c->svc, op, &in, a, &sr, err);
  if (!rc)
    rc = awsc_client_target(c, &call, &sr, NULL, -1, tgt, err);
  if (!rc && awsc_buf_printf(url, "%s://%s%s", tgt->https ? "https" : "http",
                             tgt->host, tgt->path))
    rc = awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL, "out of memory");
  return rc;
}

/* hex HMAC-SHA256 of `data` with the SigV4 key of the scope. */
static void post_signature(const char *secret, const char *date,
                           const char *region, const char *service,
                           const char *data, char hex[65]) {
  uint8_t k[AWSC_SHA256_LEN];
  char seed[160];
  int n = snprintf(seed, sizeof(seed), "AWS4%s", secret);
  size_t sl = n < 0 ? 0 : (size_t)n < sizeof(seed) ? (size_t)n : sizeof(seed);
  awsc_hmac_sha256(seed, sl, date, strlen(date), k);
  awsc_hmac_sha256(k, sizeof(k), region, strlen(region), k);
  awsc_hmac_sha256(k, sizeof(k), service, strlen(service), k);
  awsc_hmac_sha256(k, sizeof(k), "aws4_request", 12, k);
  uint8_t sig[AWSC_SHA256_LEN];
  awsc_hmac_sha256(k, sizeof(k), data, strlen(data), sig);
  awsc_hex_encode(sig, sizeof(sig), hex);
  /* the derived key and the seed held the secret */
  awsc_secure_zero(k, sizeof(k));
  awsc_secure_zero(seed, sizeof(seed));
}

/* The policy document (Python's json.dumps) of the conditions so far,
 * base64 in `a`. */
static const char *policy_b64(awsc_arena *a, const post_in *in,
                              const awsc_buf *conds) {
  char exp[32];
  awsc_time_format_iso8601(in->now_ms + in->expires_in * 1000, false, exp);
  awsc_buf doc = AWSC_BUF_INIT;
  int rc =
      awsc_buf_printf(&doc, "{\"expiration\": \"%s\", \"conditions\": [%s]}",
                      exp, conds->p ? conds->p : "");
  char *b64 = rc ? NULL : awsc_arena_alloc(a, AWSC_BASE64_LEN(doc.len) + 1);
  if (b64)
    awsc_base64_encode((const uint8_t *)doc.p, doc.len, b64);
  awsc_buf_free(&doc);
  return b64;
}

/* The caller's conditions and fields, then the bucket's and key's. */
static int post_user_parts(awsc_arena *a, const post_in *in, awsc_buf *conds,
                           field_list *fl) {
  int rc = 0;
  for (size_t i = 0; !rc && in->fields && i < in->fields->count; i++)
    rc = field_set(a, fl, in->fields->members[i].key,
                   in->fields->members[i].value->s);
  for (size_t i = 0; !rc && in->conditions && i < in->conditions->count; i++) {
    rc = i ? awsc_buf_puts(conds, ", ") : 0;
    rc = rc ? rc : py_dumps(conds, in->conditions->items[i]);
  }
  rc = rc ? rc : awsc_buf_puts(conds, conds->len ? ", " : "");
  rc = rc ? rc : py_pair(conds, "bucket", in->bucket);
  rc = rc ? rc : awsc_buf_puts(conds, ", ");
  size_t kl = strlen(in->key), vl = strlen(FILENAME_VAR);
  if (!rc && kl >= vl && strcmp(in->key + kl - vl, FILENAME_VAR) == 0) {
    rc = awsc_buf_puts(conds, "[\"starts-with\", \"$key\", ");
    rc = rc ? rc : py_string(conds, in->key, kl - vl);
    rc = rc ? rc : awsc_buf_putc(conds, ']');
  } else if (!rc) {
    rc = py_pair(conds, "key", in->key);
  }
  return rc ? rc : field_set(a, fl, "key", in->key);
}

/* The signature's conditions and fields (botocore's S3SigV4PostAuth). */
static int post_sign(awsc_client *c, awsc_arena *a, const post_in *in,
                     const awsc_call_target *tgt, awsc_buf *conds,
                     field_list *fl, awsc_error *err) {
  awsc_credentials *creds = NULL;
  int rc = awsc_session_get_credentials(&creds, c->session, err);
  if (rc)
    return rc;
  char amz[17], date[9];
  awsc_time_format_amz(in->now_ms, amz);
  awsc_time_format_date(in->now_ms, date);
  const char *token = awsc_credentials_session_token(creds);
  char *scope = awsc_arena_alloc(a, 300);
  char *amz_a = awsc_arena_strdup(a, amz);
  rc = scope && amz_a ? 0 : AWSC_ENOMEM;
  if (!rc)
    snprintf(scope, 300, "%s/%s/%s/%s/aws4_request",
             awsc_credentials_access_key_id(creds), date, tgt->signing_region,
             tgt->signing_name);
  rc = rc ? rc : field_set(a, fl, "x-amz-algorithm", "AWS4-HMAC-SHA256");
  rc = rc ? rc : field_set(a, fl, "x-amz-credential", scope);
  rc = rc ? rc : field_set(a, fl, "x-amz-date", amz_a);
  rc = rc ? rc : awsc_buf_puts(conds, ", ");
  rc = rc ? rc : py_pair(conds, "x-amz-algorithm", "AWS4-HMAC-SHA256");
  rc = rc ? rc : awsc_buf_puts(conds, ", ");
  rc = rc ? rc : py_pair(conds, "x-amz-credential", scope);
  rc = rc ? rc : awsc_buf_puts(conds, ", ");
  rc = rc ? rc : py_pair(conds, "x-amz-date", amz);
  const char *tok = (token && *token) ? awsc_arena_strdup(a, token) : NULL;
  if (!rc && token && *token) {
    rc = tok ? field_set(a, fl, "x-amz-security-token", tok) : AWSC_ENOMEM;
    rc = rc ? rc : awsc_buf_puts(conds, ", ");
    rc = rc ? rc : py_pair(conds, "x-amz-security-token", token);
  }
  const char *policy = rc ? NULL : policy_b64(a, in, conds);
  char *sig = awsc_arena_alloc(a, 65);
  if (!rc && policy && sig) {
    post_signature(awsc_credentials_secret_access_key(creds), date,
                   tgt->signing_region, tgt->signing_name, policy, sig);
    rc = field_set(a, fl, "policy", policy);
    rc = rc ? rc : field_set(a, fl, "x-amz-signature", sig);
  } else if (!rc) {
    rc = AWSC_ENOMEM;
  }
  awsc_credentials_free(creds);
  return rc ? awsc_error_set(err, rc, AWSC_ERROR_INTERNAL, "out of memory") : 0;
}

/* {"url": ..., "fields": {...}} for the caller. */
static int post_json(char **json_out, const awsc_buf *url, const field_list *fl,
                     awsc_error *err) {
  awsc_buf b = AWSC_BUF_INIT;
  int rc = awsc_buf_puts(&b, "{\"url\":");
  rc = rc ? rc : awsc_json_put_string(&b, url->p, url->len);
  rc = rc ? rc : awsc_buf_puts(&b, ",\"fields\":{");
  for (size_t i = 0; !rc && i < fl->n; i++) {
    rc = i ? awsc_buf_putc(&b, ',') : 0;
    rc = rc ? rc
            : awsc_json_put_string(&b, fl->items[i].name,
                                   strlen(fl->items[i].name));
    rc = rc ? rc : awsc_buf_putc(&b, ':');
    rc = rc ? rc
            : awsc_json_put_string(&b, fl->items[i].value,
                                   strlen(fl->items[i].value));
  }
  rc = rc ? rc : awsc_buf_puts(&b, "}}");
  if (!rc && !(*json_out = awsc_out_from_buf(&b)))
    rc = AWSC_ENOMEM;
  awsc_buf_free(&b);
  return rc ? awsc_error_set(err, rc, AWSC_ERROR_INTERNAL, "out of memory") : 0;
}

static int post_build(char **json_out, awsc_client *c, awsc_arena *a,
                      const post_in *in, awsc_error *err) {
  awsc_buf url = AWSC_BUF_INIT, conds = AWSC_BUF_INIT;
  awsc_call_target tgt;
  memset(&tgt, 0, sizeof(tgt));
  field_list fl = {NULL, 0, 0};
  int rc = post_url(c, in->bucket, a, &url, &tgt, err);
  if (!rc && post_user_parts(a, in, &conds, &fl))
    rc = awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL, "out of memory");
  /* botocore's UNSIGNED: the fields without policy or signature */
  if (!rc && !c->unsigned_requests)
    rc = post_sign(c, a, in, &tgt, &conds, &fl, err);
  if (!rc)
    rc = post_json(json_out, &url, &fl, err);
  awsc_buf_free(&url);
  awsc_buf_free(&conds);
  return rc;
}

/* Fields: an object of strings; Conditions: an array of objects and
 * arrays. NULL nodes are fine (none). */
static int check_parts(const awsc_jnode *fields, const awsc_jnode *conds,
                       awsc_error *err) {
  if (fields && fields->type != AWSC_J_OBJECT)
    return awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                          "Invalid type for parameter Fields: must be an "
                          "object of strings");
  for (size_t i = 0; fields && i < fields->count; i++)
    if (fields->members[i].value->type != AWSC_J_STRING)
      return awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                            "Invalid type for parameter Fields.%.100s: form "
                            "fields are strings",
                            fields->members[i].key);
  if (conds && conds->type != AWSC_J_ARRAY)
    return awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                          "Invalid type for parameter Conditions: must be a "
                          "list");
  for (size_t i = 0; conds && i < conds->count; i++)
    if (conds->items[i]->type != AWSC_J_OBJECT &&
        conds->items[i]->type != AWSC_J_ARRAY)
      return awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                            "Invalid type for parameter Conditions[%zu]: a "
                            "condition is an object or a list",
                            i);
  return 0;
}

/* Lifetime: 0 = 3600; any other value is signed as given (botocore), as
 * long as the expiration stays within years 1970..9999. */
static int check_expiry(int64_t now_ms, int64_t *expires_in, awsc_error *err) {
  if (*expires_in == 0)
    *expires_in = 3600;
  const int64_t max_s = INT64_C(253402300799); /* 9999-12-31T23:59:59Z */
  int64_t now_s = now_ms / 1000;
  if (*expires_in > max_s - now_s || *expires_in < -now_s)
    return awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                          "Invalid value for parameter ExpiresIn, value: "
                          "%" PRId64 ": the expiration must fall within the "
                          "years 1970 to 9999",
                          *expires_in);
  return 0;
}

/* Parse an optional JSON text (NULL or "" = none). */
static int parse_opt(const awsc_jnode **out, awsc_arena *a, const char *text,
                     const char *what, awsc_error *err) {
  *out = NULL;
  if (!text || !*text)
    return 0;
  awsc_jnode *n = NULL;
  awsc_error perr = AWSC_ERROR_INIT;
  int rc = awsc_jtree_parse(&n, a, text, strlen(text), 0, &perr);
  if (rc == AWSC_EPARSE)
    return awsc_error_set(err, rc, AWSC_ERROR_PARSE, "%s: %s", what,
                          perr.message);
  if (rc)
    return awsc_error_set(err, rc, AWSC_ERROR_INTERNAL, "out of memory");
  *out = n->type == AWSC_J_NULL ? NULL : n;
  return 0;
}

int awsc_presign_post_at(char **json_out, awsc_client *c, const char *bucket,
                         const char *key, const char *fields_json,
                         const char *conditions_json, int64_t expires_in,
                         int64_t now_ms, awsc_error *err) {
  if (!json_out || !c || !bucket || !key)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_s3_generate_presigned_post: NULL argument");
  *json_out = NULL;
  awsc_arena *a = awsc_arena_new(8192);
  if (!a)
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  post_in in = {bucket, key, NULL, NULL, expires_in, now_ms};
  int rc = parse_opt(&in.fields, a, fields_json, "Fields", err);
  rc = rc ? rc
          : parse_opt(&in.conditions, a, conditions_json, "Conditions", err);
  rc = rc ? rc : check_parts(in.fields, in.conditions, err);
  rc = rc ? rc : check_expiry(now_ms, &in.expires_in, err);
  rc = rc ? rc : post_build(json_out, c, a, &in, err);
  awsc_arena_free(a);
  return rc;
}

/* The members of the JSON call, checked as botocore's signature would:
 * Bucket and Key strings (required), Fields, Conditions, ExpiresIn
 * (an integer) optional, nothing else. */
static int call_members(const awsc_jnode *root, post_in *in, awsc_error *err) {
  static const char *const known[] = {"Bucket", "Key", "Fields", "Conditions",
                                      "ExpiresIn"};
  if (root->type != AWSC_J_OBJECT)
    return awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                          "generate_presigned_post: the call must be a JSON "
                          "object");
  for (size_t i = 0; i < root->count; i++) {
    const char *k = root->members[i].key;
    const awsc_jnode *v = root->members[i].value;
    size_t w = 0;
    while (w < 5 && strcmp(k, known[w]) != 0)
      w++;
    if (w == 5)
      return awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                            "generate_presigned_post: unknown parameter "
                            "\"%.100s\", must be one of: Bucket, Key, Fields, "
                            "Conditions, ExpiresIn",
                            k);
    bool null = v->type == AWSC_J_NULL;
    if (w < 2 && v->type != AWSC_J_STRING)
      return awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                            "Invalid type for parameter %s: a string", k);
    if (w == 4 && !null && v->type != AWSC_J_INT)
      return awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                            "Invalid type for parameter ExpiresIn, value: "
                            "%.40s: an integer",
                            v->type == AWSC_J_DOUBLE ? v->s : "(not a number)");
    if (w == 0)
      in->bucket = v->s;
    else if (w == 1)
      in->key = v->s;
    else if (w == 2)
      in->fields = null ? NULL : v;
    else if (w == 3)
      in->conditions = null ? NULL : v;
    else
      in->expires_in = null ? 0 : v->i;
  }
  if (!in->bucket || !in->key)
    return awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                          "Missing required parameter in input: \"%s\"",
                          in->bucket ? "Key" : "Bucket");
  return 0;
}

int awsc_presign_post_json_at(char **json_out, awsc_client *c,
                              const char *call_json, int64_t now_ms,
                              awsc_error *err) {
  if (!json_out || !c || !call_json)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_generate_presigned_post_json: NULL argument");
  *json_out = NULL;
  awsc_arena *a = awsc_arena_new(8192);
  if (!a)
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  post_in in = {NULL, NULL, NULL, NULL, 0, now_ms};
  const awsc_jnode *root = NULL;
  int rc = parse_opt(&root, a, call_json, "generate_presigned_post", err);
  if (!rc && !root)
    rc = awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                        "Missing required parameter in input: \"Bucket\"");
  rc = rc ? rc : call_members(root, &in, err);
  rc = rc ? rc : check_parts(in.fields, in.conditions, err);
  rc = rc ? rc : check_expiry(now_ms, &in.expires_in, err);
  rc = rc ? rc : post_build(json_out, c, a, &in, err);
  awsc_arena_free(a);
  return rc;
}

int awsc_generate_presigned_post_json(char **json_out, awsc_client *c,
                                      const char *call_json, awsc_error *err) {
  int64_t now = awsc_time_now_ms() + (c ? c->clock_offset_ms : 0);
  return awsc_presign_post_json_at(json_out, c, call_json, now, err);
}

int awsc_s3_generate_presigned_post(char **json_out, awsc_client *c,
                                    const char *bucket, const char *key,
                                    const char *fields_json,
                                    const char *conditions_json,
                                    int64_t expires_in, awsc_error *err) {
  int64_t now = awsc_time_now_ms() + (c ? c->clock_offset_ms : 0);
  return awsc_presign_post_at(json_out, c, bucket, key, fields_json,
                              conditions_json, expires_in, now, err);
}
