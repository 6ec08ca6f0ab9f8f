#include "fake_s3.h"

#include <dirent.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "client/resp_checksum.h"
#include "core/core.h"

static const char *hdr(const awsc_http_request *r, const char *name) {
  for (size_t i = 0; i < r->header_count; i++)
    if (strcasecmp(r->headers[i].name, name) == 0)
      return r->headers[i].value;
  return NULL;
}

static void cp(char *dst, size_t n, const char *src) {
  size_t len = src ? strlen(src) : 0;
  if (len >= n)
    len = n - 1;
  if (len)
    memmove(dst, src, len);
  dst[len] = '\0';
}

static void md5_etag(const void *p, size_t n, char *out, size_t out_n,
                     bool quoted) {
  uint8_t m[AWSC_MD5_LEN];
  char hex[2 * AWSC_MD5_LEN + 1];
  awsc_md5(p, n, m);
  awsc_hex_encode(m, sizeof(m), hex);
  snprintf(out, out_n, quoted ? "\"%s\"" : "%s", hex);
}

/* The request body, read as the curl transport would. malloc'd. */
static uint8_t *read_body(const awsc_http_request *r, size_t *len) {
  const awsc_body_source *b = &r->body;
  uint8_t *p = NULL;
  *len = 0;
  if (b->kind == AWSC_BODY_MEMORY) {
    p = malloc(b->len + 1);
    memcpy(p, b->data, b->len);
    *len = b->len;
  } else if (b->kind == AWSC_BODY_FILE) {
    FILE *f = fopen(b->path, "rb");
    if (!f)
      return NULL;
    fseeko(f, (off_t)b->offset, SEEK_SET);
    size_t want = (size_t)b->content_length;
    p = malloc(want + 1);
    *len = fread(p, 1, want, f);
    fclose(f);
  } else if (b->kind == AWSC_BODY_CALLBACK) {
    size_t cap = 1 << 16;
    p = malloc(cap);
    for (;;) {
      if (*len == cap)
        p = realloc(p, cap *= 2);
      int64_t got = b->read(p + *len, cap - *len, b->user_data);
      if (got <= 0)
        break;
      *len += (size_t)got;
    }
  }
  return p;
}

/*
 * An aws-chunked body with a trailer (x-amz-trailer), decoded in place:
 * "<hex>\r\n<bytes>\r\n"... "0\r\n<name>:<value>\r\n\r\n". The trailer's
 * checksum lands in the request's header field, as if sent as a header.
 * false when the framing is wrong.
 */
static bool decode_chunked(fs3_req *q, uint8_t *body, size_t *len) {
  size_t in = 0, out = 0, n = *len;
  for (;;) {
    char *end;
    unsigned long sz = strtoul((const char *)body + in, &end, 16);
    const uint8_t *crlf = memchr(body + in, '\n', n - in);
    if (!crlf || (const uint8_t *)end > crlf)
      return false;
    in = (size_t)(crlf - body) + 1;
    if (sz == 0)
      break;
    if (in + sz + 2 > n)
      return false;
    memmove(body + out, body + in, sz);
    out += sz;
    in += sz + 2;
  }
  char trailer[160];
  size_t tl = n - in < sizeof(trailer) - 1 ? n - in : sizeof(trailer) - 1;
  memcpy(trailer, body + in, tl);
  trailer[tl] = '\0';
  char *colon = strchr(trailer, ':');
  char *eol = colon ? strstr(colon, "\r\n") : NULL;
  if (!eol)
    return false;
  *colon = '\0';
  *eol = '\0';
  if (strcasecmp(trailer, "x-amz-checksum-crc32") == 0)
    cp(q->h_checksum_crc32, sizeof(q->h_checksum_crc32), colon + 1);
  else if (strcasecmp(trailer, "x-amz-checksum-crc32c") == 0)
    cp(q->h_checksum_crc32c, sizeof(q->h_checksum_crc32c), colon + 1);
  else if (strcasecmp(trailer, "x-amz-checksum-crc64nvme") == 0)
    cp(q->h_checksum_crc64, sizeof(q->h_checksum_crc64), colon + 1);
  *len = out;
  return true;
}

static void add_meta_headers(awsc_http_response *resp, const char *meta) {
  char buf[128];
  cp(buf, sizeof(buf), meta);
  for (char *s = buf, *e; *s; s = e + 1) {
    e = strchr(s, ';');
    if (!e)
      break;
    *e = '\0';
    char *eq = strchr(s, '=');
    if (!eq)
      continue;
    *eq = '\0';
    char name[160];
    snprintf(name, sizeof(name), "x-amz-meta-%s", s);
    awsc_http_response_add_header(resp, name, eq + 1);
  }
}

static int error(awsc_http_response *resp, int status, const char *code) {
  char body[256];
  snprintf(body, sizeof(body),
           "<Error><Code>%s</Code><Message>fake %s</Message>"
           "<RequestId>FAKE-REQ</RequestId></Error>",
           code, code);
  resp->status = status;
  awsc_http_response_add_header(resp, "x-amz-request-id", "FAKE-REQ");
  awsc_http_response_append_body(resp, body, strlen(body));
  return 0;
}

static int xml(awsc_http_response *resp, const char *body) {
  resp->status = 200;
  awsc_http_response_add_header(resp, "Content-Type", "application/xml");
  awsc_http_response_append_body(resp, body, strlen(body));
  return 0;
}

static fs3_obj *slot(fake_s3 *f, const char *key) {
  fs3_obj *o = fs3_get(f, key);
  for (int i = 0; !o && i < FS3_MAX_OBJ; i++)
    if (!f->obj[i].key[0])
      o = &f->obj[i];
  if (o) {
    free(o->data);
    memset(o, 0, sizeof(*o));
    cp(o->key, sizeof(o->key), key);
  }
  return o;
}

static fs3_upload *upload_of(fake_s3 *f, const char *query) {
  const char *u = strstr(query, "uploadId=");
  if (!u)
    return NULL;
  u += 9;
  for (int i = 0; i < f->n_up; i++)
    if (strncmp(f->up[i].id, u, strlen(f->up[i].id)) == 0 && !f->up[i].done)
      return &f->up[i];
  return NULL;
}

/* Deliver a GET body through the request's sink: a callback sink gets it
 * in 64 KiB pieces, or in the sizes f->pieces cycles through. */
static int deliver(const fake_s3 *f, const awsc_http_request *r,
                   awsc_http_response *resp, const uint8_t *p, size_t n,
                   size_t stop_after, awsc_error *err) {
  if (r->sink.kind == AWSC_SINK_MEMORY) {
    awsc_http_response_append_body(resp, p, n);
  } else if (r->sink.kind == AWSC_SINK_FILE) {
    FILE *out = fopen(r->sink.path, "wb");
    if (!out)
      return awsc_error_set(err, AWSC_EIO, AWSC_ERROR_IO, "fake: sink file");
    fwrite(p, 1, n, out);
    fclose(out);
  } else {
    size_t k = 0;
    for (size_t o = 0; o < n;) {
      if (o >= stop_after)
        return awsc_error_set(err, AWSC_ENETWORK, AWSC_ERROR_NETWORK,
                              "fake: connection broke mid-body");
      size_t want = f->n_pieces ? f->pieces[k++ % f->n_pieces] : 65536;
      size_t len = n - o < want ? n - o : want;
      int rc = r->sink.write(p + o, len, r->sink.user_data);
      if (rc)
        return awsc_error_set(err, rc, AWSC_ERROR_IO,
                              "fake: sink stopped the transfer");
      o += len;
    }
  }
  resp->bytes_received = n;
  return 0;
}

/* Where part pn (1-based) of a multipart object lies. */
static void part_range(const fs3_obj *o, int pn, size_t *off, size_t *len) {
  size_t first = o->first_part ? o->first_part : o->part_size;
  *off = pn == 1 ? 0 : first + (size_t)(pn - 2) * o->part_size;
  size_t end = pn == 1 ? first : *off + o->part_size;
  if (end > o->len || pn == o->n_parts)
    end = o->len;
  *len = end - *off;
}

/* A GET's answer; its body (a malloc'd copy in *out, *out_n bytes, to
 * break off after *stop) is delivered by the caller outside the lock. */
static int on_get(fake_s3 *f, fs3_req *q, int seq, awsc_http_response *resp,
                  uint8_t **out, size_t *out_n, size_t *stop) {
  fs3_obj *o = fs3_get(f, q->key);
  if (!o)
    return error(resp, 404, "NoSuchKey");
  if (q->h_if_match[0] && !f->ignore_if_match &&
      strcmp(q->h_if_match, o->etag) != 0)
    return error(resp, 412, "PreconditionFailed");
  uint64_t start = 0, end = o->len ? o->len - 1 : 0;
  bool ranged = q->h_range[0] != '\0';
  int pn = q->part_number;
  if (ranged &&
      sscanf(q->h_range, "bytes=%" SCNu64 "-%" SCNu64, &start, &end) != 2)
    return error(resp, 400, "InvalidRange");
  if (pn && (pn > (o->n_parts ? o->n_parts : 1)))
    return error(resp, 416, "InvalidPartNumber");
  if (pn && o->n_parts) {
    size_t off, plen;
    part_range(o, pn, &off, &plen);
    ranged = true;
    start = off;
    end = off + plen - 1;
  }
  if (end >= o->len)
    end = o->len ? o->len - 1 : 0;
  size_t n = o->len ? (size_t)(end - start + 1) : 0;
  resp->status = ranged ? 206 : 200;
  char v[96];
  snprintf(v, sizeof(v), "%zu", n);
  awsc_http_response_add_header(resp, "Content-Length", v);
  awsc_http_response_add_header(resp, "ETag", o->etag);
  if (o->content_type[0])
    awsc_http_response_add_header(resp, "Content-Type", o->content_type);
  add_meta_headers(resp, o->meta);
  if (o->sse_kms)
    awsc_http_response_add_header(resp, "x-amz-server-side-encryption",
                                  "aws:kms");
  if (pn && o->n_parts) {
    snprintf(v, sizeof(v), "%d", o->n_parts);
    awsc_http_response_add_header(resp, "x-amz-mp-parts-count", v);
  }
  if (strcmp(q->h_checksum_mode, "ENABLED") == 0 && o->ck_header[0]) {
    if (pn && o->n_parts && o->part_ck[pn][0])
      awsc_http_response_add_header(resp, o->ck_header, o->part_ck[pn]);
    else if (!q->h_range[0] && !(pn && o->n_parts))
      awsc_http_response_add_header(resp, o->ck_header, o->ck_value);
  }
  if (ranged) {
    snprintf(v, sizeof(v), "bytes %" PRIu64 "-%" PRIu64 "/%zu", start, end,
             o->len);
    awsc_http_response_add_header(resp, "Content-Range", v);
  }
  if (strcmp(q->method, "HEAD") == 0) {
    if (f->replace_after_head) {
      f->replace_after_head = false;
      cp(o->etag, sizeof(o->etag), "\"0000000000000000000000000000beef\"");
    }
    return 0;
  }
  *stop = (size_t)-1;
  if (f->break_get_at && seq >= f->break_get_at &&
      seq < f->break_get_at + f->break_get_times)
    *stop = n / 2 ? n / 2 : 1;
  *out = malloc(n + 1);
  memcpy(*out, o->data + start, n);
  *out_n = n;
  if (f->flip_next > 0 && n && (!f->flip_part || f->flip_part == pn)) {
    f->flip_next--;
    (*out)[n / 2] ^= 0x20;
    q->flipped = true;
  }
  return 0;
}

/* Whether the query has parameter `name` (with or without a value). */
static bool has_param(const char *query, const char *name) {
  size_t n = strlen(name);
  for (const char *p = query; p && *p; p = strchr(p, '&'), p = p ? p + 1 : p)
    if (strncmp(p, name, n) == 0 &&
        (p[n] == '\0' || p[n] == '&' || p[n] == '='))
      return true;
  return false;
}

/* ListMultipartUploads (Prefix only), with a Date header as S3 has. */
static int on_list_uploads(fake_s3 *f, fs3_req *q, awsc_http_response *resp) {
  const char *pp = strstr(q->query, "prefix=");
  char prefix[256] = "";
  if (pp) {
    awsc_buf b = AWSC_BUF_INIT;
    const char *e = strchr(pp, '&');
    awsc_uri_decode(&b, pp + 7, e ? (size_t)(e - pp - 7) : strlen(pp + 7),
                    true);
    cp(prefix, sizeof(prefix), b.p);
    awsc_buf_free(&b);
  }
  char body[4096];
  size_t o = (size_t)snprintf(body, sizeof(body),
                              "<ListMultipartUploadsResult><Bucket>b</Bucket>"
                              "<Prefix>%s</Prefix><IsTruncated>false"
                              "</IsTruncated>",
                              prefix);
  for (int i = 0; i < f->n_up && o < sizeof(body); i++) {
    fs3_upload *u = &f->up[i];
    if (u->done || strncmp(u->key, prefix, strlen(prefix)) != 0)
      continue;
    char when[32];
    awsc_time_format_iso8601(u->initiated_ms, true, when);
    o += (size_t)snprintf(body + o, sizeof(body) - o,
                          "<Upload><Key>%s</Key><UploadId>%s</UploadId>"
                          "<Initiated>%s</Initiated></Upload>",
                          u->key, u->id, when);
  }
  if (o < sizeof(body))
    snprintf(body + o, sizeof(body) - o, "</ListMultipartUploadsResult>");
  char date[64];
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  awsc_http_response_add_header(resp, "Date", date);
  return xml(resp, body);
}

static void parse_complete(fs3_req *q, const uint8_t *body, size_t len) {
  char *text = malloc(len + 1);
  memcpy(text, body, len);
  text[len] = '\0';
  size_t o = 0;
  for (char *p = strstr(text, "<PartNumber>");
       p && o < sizeof(q->complete_parts); p = strstr(p + 1, "<PartNumber>"))
    o += (size_t)snprintf(q->complete_parts + o, sizeof(q->complete_parts) - o,
                          "%s%d", o ? "," : "", atoi(p + 12));
  o = 0;
  for (char *p = strstr(text, "<ETag>"); p; p = strstr(p, "<ETag>")) {
    p += 6;
    char *e = strstr(p, "</ETag>");
    if (!e)
      break;
    o += (size_t)snprintf(q->complete_etags + o, sizeof(q->complete_etags) - o,
                          "%s%.*s", o ? "," : "", (int)(e - p), p);
    if (o >= sizeof(q->complete_etags))
      break;
    p = e;
  }
  o = 0;
  for (char *p = strstr(text, "<Checksum"); p; p = strstr(p, "<Checksum")) {
    p = strchr(p, '>');
    char *e = p ? strstr(p, "</Checksum") : NULL;
    if (!e)
      break;
    p++;
    o += (size_t)snprintf(q->complete_checksums + o,
                          sizeof(q->complete_checksums) - o, "%s%.*s",
                          o ? "," : "", (int)(e - p), p);
    if (o >= sizeof(q->complete_checksums))
      break;
    p = e;
  }
  free(text);
}

/* The flexible checksum header of a request, checked against the body as
 * S3 does: 0, or the header's name when it does not match. */
static const char *bad_checksum(const fs3_req *q, const uint8_t *body,
                                size_t len) {
  static const struct {
    int alg;
    const char *name;
    size_t off;
  } h[] = {
      {AWSC_RDIG_CRC32, "x-amz-checksum-crc32",
       offsetof(fs3_req, h_checksum_crc32)},
      {AWSC_RDIG_CRC32C, "x-amz-checksum-crc32c",
       offsetof(fs3_req, h_checksum_crc32c)},
      {AWSC_RDIG_CRC64NVME, "x-amz-checksum-crc64nvme",
       offsetof(fs3_req, h_checksum_crc64)},
  };
  for (size_t i = 0; i < sizeof(h) / sizeof(h[0]); i++) {
    const char *want = (const char *)q + h[i].off;
    if (!want[0])
      continue;
    awsc_rdigest d;
    char b64[AWSC_RDIG_B64_MAX];
    awsc_rdigest_init(&d, h[i].alg);
    awsc_rdigest_update(&d, body, len);
    awsc_rdigest_final_b64(&d, b64);
    if (strcmp(b64, want) != 0)
      return h[i].name;
  }
  return NULL;
}

/* ListParts: every part uploaded so far (one page). */
static int on_list_parts(fs3_upload *u, awsc_http_response *resp) {
  char body[8192];
  size_t o = (size_t)snprintf(body, sizeof(body),
                              "<ListPartsResult><Bucket>b</Bucket><Key>%s"
                              "</Key><UploadId>%s</UploadId><IsTruncated>"
                              "false</IsTruncated>",
                              u->key, u->id);
  for (int pn = 1; pn <= FS3_MAX_PARTS && o < sizeof(body); pn++) {
    const fs3_part *p = &u->parts[pn];
    if (!p->etag[0])
      continue;
    o += (size_t)snprintf(body + o, sizeof(body) - o,
                          "<Part><PartNumber>%d</PartNumber><ETag>%s</ETag>"
                          "<Size>%zu</Size></Part>",
                          pn, p->etag, p->len);
  }
  if (o < sizeof(body))
    snprintf(body + o, sizeof(body) - o, "</ListPartsResult>");
  return xml(resp, body);
}

static int on_complete(fake_s3 *f, fs3_req *q, fs3_upload *u,
                       const uint8_t *body, size_t len,
                       awsc_http_response *resp) {
  parse_complete(q, body, len);
  size_t total = 0;
  int n = 0;
  awsc_md5_ctx md5;
  awsc_md5_init(&md5);
  for (int i = 1; i <= FS3_MAX_PARTS && u->parts[i].etag[0]; i++, n++) {
    total += u->parts[i].len;
    uint8_t raw[AWSC_MD5_LEN];
    awsc_md5(u->parts[i].data, u->parts[i].len, raw);
    awsc_md5_update(&md5, raw, sizeof(raw));
  }
  fs3_obj *o = slot(f, u->key);
  o->data = malloc(total + 1);
  for (int i = 1; i <= n; i++) {
    memcpy(o->data + o->len, u->parts[i].data, u->parts[i].len);
    o->len += u->parts[i].len;
  }
  uint8_t m[AWSC_MD5_LEN];
  char hex[2 * AWSC_MD5_LEN + 1];
  awsc_md5_final(&md5, m);
  awsc_hex_encode(m, sizeof(m), hex);
  snprintf(o->etag, sizeof(o->etag), "\"%s-%d\"", hex, n);
  cp(o->content_type, sizeof(o->content_type), u->content_type);
  cp(o->meta, sizeof(o->meta), u->meta);
  u->done = true;
  char out[512];
  snprintf(out, sizeof(out),
           "<CompleteMultipartUploadResult><Bucket>b</Bucket><Key>%s</Key>"
           "<ETag>%s</ETag></CompleteMultipartUploadResult>",
           u->key, f->rgw_empty_etag ? "" : o->etag);
  return xml(resp, out);
}

static int on_put(fake_s3 *f, fs3_req *q, fs3_upload *u, const uint8_t *body,
                  size_t len, awsc_http_response *resp) {
  if (q->h_content_md5[0]) {
    uint8_t m[AWSC_MD5_LEN];
    char b64[32];
    awsc_md5(body, len, m);
    awsc_base64_encode(m, sizeof(m), b64);
    if (strcmp(b64, q->h_content_md5) != 0)
      return error(resp, 400, "BadDigest");
  }
  if (bad_checksum(q, body, len))
    return error(resp, 400, "BadDigest");
  const uint8_t *src = body;
  size_t n = len;
  if (q->h_copy_source[0]) { /* CopyObject / UploadPartCopy */
    char src_key[256];
    const char *k = strchr(q->h_copy_source, '/');
    cp(src_key, sizeof(src_key), k ? k + 1 : "");
    char *v = strchr(src_key, '?'); /* ?versionId=: one version here */
    if (v)
      *v = '\0';
    fs3_obj *so = k ? fs3_get(f, src_key) : NULL;
    if (!so)
      return error(resp, 404, "NoSuchKey");
    if (q->h_copy_if_match[0] && strcmp(q->h_copy_if_match, so->etag) != 0)
      return error(resp, 412, "PreconditionFailed");
    uint64_t a = 0, b = so->len ? so->len - 1 : 0;
    if (q->h_copy_range[0])
      sscanf(q->h_copy_range, "bytes=%" SCNu64 "-%" SCNu64, &a, &b);
    src = so->data + a;
    n = so->len ? (size_t)(b - a + 1) : 0;
  }
  char etag[40];
  md5_etag(src, n, etag, sizeof(etag), true);
  if (u) {
    fs3_part *p = &u->parts[q->part_number];
    free(p->data);
    p->data = malloc(n + 1);
    memcpy(p->data, src, n);
    p->len = n;
    cp(p->etag, sizeof(p->etag), etag);
  } else {
    fs3_obj *o = slot(f, q->key);
    o->data = malloc(n + 1);
    memcpy(o->data, src, n);
    o->len = n;
    cp(o->etag, sizeof(o->etag), etag);
    cp(o->content_type, sizeof(o->content_type), q->h_content_type);
    cp(o->meta, sizeof(o->meta), q->h_meta);
  }
  if (q->h_copy_source[0]) {
    /* the ETag without its quotes, as Ceph RGW answers copies */
    char bare[40];
    md5_etag(src, n, bare, sizeof(bare), false);
    char out[256];
    snprintf(out, sizeof(out),
             "<%s><LastModified>2026-01-02T03:04:05.000Z</LastModified>"
             "<ETag>%s</ETag></%s>",
             u ? "CopyPartResult" : "CopyObjectResult", bare,
             u ? "CopyPartResult" : "CopyObjectResult");
    return xml(resp, out);
  }
  resp->status = 200;
  awsc_http_response_add_header(resp, "ETag", etag);
  /* S3 echoes the checksum it checked */
  if (q->h_checksum_crc32[0])
    awsc_http_response_add_header(resp, "x-amz-checksum-crc32",
                                  q->h_checksum_crc32);
  if (q->h_checksum_crc32c[0])
    awsc_http_response_add_header(resp, "x-amz-checksum-crc32c",
                                  q->h_checksum_crc32c);
  if (q->h_checksum_crc64[0])
    awsc_http_response_add_header(resp, "x-amz-checksum-crc64nvme",
                                  q->h_checksum_crc64);
  return 0;
}

static void record(fs3_req *q, const awsc_http_request *r) {
  cp(q->method, sizeof(q->method), r->method);
  const char *p = strstr(r->url, "://");
  p = p ? strchr(p + 3, '/') : NULL; /* /bucket[/key][?query] */
  const char *qm = p ? strchr(p, '?') : NULL;
  p = p ? strchr(p + 1, '/') : NULL; /* /key?query */
  if (p && qm && p > qm)
    p = NULL; /* a bucket's subresource: no key */
  if (p) {
    awsc_buf b = AWSC_BUF_INIT;
    awsc_uri_decode(&b, p + 1, qm ? (size_t)(qm - p - 1) : strlen(p + 1),
                    false);
    cp(q->key, sizeof(q->key), b.p);
    awsc_buf_free(&b);
  }
  cp(q->query, sizeof(q->query), qm ? qm + 1 : "");
  const char *pn = strstr(q->query, "partNumber=");
  q->part_number = pn ? atoi(pn + 11) : 0;
  q->has_upload_id = strstr(q->query, "uploadId=") != NULL;
  q->body_kind = r->body.kind;
  q->content_length = r->body.content_length;
  cp(q->h_content_length, sizeof(q->h_content_length),
     hdr(r, "Content-Length"));
  cp(q->h_content_md5, sizeof(q->h_content_md5), hdr(r, "Content-MD5"));
  cp(q->h_checksum_crc32, sizeof(q->h_checksum_crc32),
     hdr(r, "x-amz-checksum-crc32"));
  cp(q->h_checksum_crc32c, sizeof(q->h_checksum_crc32c),
     hdr(r, "x-amz-checksum-crc32c"));
  cp(q->h_checksum_crc64, sizeof(q->h_checksum_crc64),
     hdr(r, "x-amz-checksum-crc64nvme"));
  cp(q->h_sdk_algorithm, sizeof(q->h_sdk_algorithm),
     hdr(r, "x-amz-sdk-checksum-algorithm"));
  cp(q->h_create_algorithm, sizeof(q->h_create_algorithm),
     hdr(r, "x-amz-checksum-algorithm"));
  cp(q->h_trailer, sizeof(q->h_trailer), hdr(r, "x-amz-trailer"));
  cp(q->h_range, sizeof(q->h_range), hdr(r, "Range"));
  cp(q->h_if_match, sizeof(q->h_if_match), hdr(r, "If-Match"));
  cp(q->h_copy_source, sizeof(q->h_copy_source), hdr(r, "x-amz-copy-source"));
  cp(q->h_copy_range, sizeof(q->h_copy_range),
     hdr(r, "x-amz-copy-source-range"));
  cp(q->h_copy_if_match, sizeof(q->h_copy_if_match),
     hdr(r, "x-amz-copy-source-if-match"));
  cp(q->h_content_type, sizeof(q->h_content_type), hdr(r, "Content-Type"));
  cp(q->h_acl, sizeof(q->h_acl), hdr(r, "x-amz-acl"));
  cp(q->h_sse_c_key, sizeof(q->h_sse_c_key),
     hdr(r, "x-amz-server-side-encryption-customer-key"));
  cp(q->h_checksum_mode, sizeof(q->h_checksum_mode),
     hdr(r, "x-amz-checksum-mode"));
  size_t o = 0;
  for (size_t i = 0; i < r->header_count && o < sizeof(q->h_meta); i++)
    if (strncasecmp(r->headers[i].name, "x-amz-meta-", 11) == 0)
      o += (size_t)snprintf(q->h_meta + o, sizeof(q->h_meta) - o, "%s=%s;",
                            r->headers[i].name + 11, r->headers[i].value);
}

static atomic_uint_fast64_t arrivals;
static _Thread_local uint64_t arrival_here;

void fs3_stamp_arrival(void) {
  arrival_here = atomic_fetch_add(&arrivals, 1) + 1;
}

int fs3_threads_now(void) {
  DIR *d = opendir("/proc/self/task");
  int n = 0;
  struct dirent *e;
  while (d && (e = readdir(d)))
    n += e->d_name[0] != '.';
  if (d)
    closedir(d);
  return n;
}

static void sleep_ms(int ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0) {
  }
}

/* The answer to request number seq (1-based), under the lock. */
static int answer(fake_s3 *f, fs3_req *q, int seq, const uint8_t *body,
                  size_t len, awsc_http_response *resp, uint8_t **out,
                  size_t *out_n, size_t *stop, bool *lost) {
  bool part =
      q->has_upload_id && q->part_number && strcmp(q->method, "PUT") == 0;
  if (f->fail_at == seq ||
      (f->fail_part && part && q->part_number == f->fail_part) ||
      (f->fail_range && strcmp(q->method, "GET") == 0 &&
       strcmp(q->h_range, f->fail_range) == 0))
    return error(resp, f->fail_status, f->fail_code);
  if (strcmp(q->method, "GET") == 0 && has_param(q->query, "uploads"))
    return on_list_uploads(f, q, resp);
  if ((strcmp(q->method, "GET") == 0 && !q->has_upload_id) ||
      strcmp(q->method, "HEAD") == 0)
    return on_get(f, q, seq, resp, out, out_n, stop);
  if (strcmp(q->method, "POST") == 0 && strncmp(q->query, "uploads", 7) == 0) {
    fs3_upload *u = &f->up[f->n_up];
    snprintf(u->id, sizeof(u->id), "UP%d", ++f->n_up);
    cp(u->key, sizeof(u->key), q->key);
    cp(u->content_type, sizeof(u->content_type), q->h_content_type);
    cp(u->meta, sizeof(u->meta), q->h_meta);
    u->initiated_ms = awsc_time_now_ms();
    if (f->lose_create > 0) {
      f->lose_create--;
      *lost = true;
      return 0;
    }
    char x[512];
    snprintf(x, sizeof(x),
             "<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>%s</Key>"
             "<UploadId>%s%s</UploadId></InitiateMultipartUploadResult>",
             q->key, f->damage_upload_id ? "X" : "", u->id);
    return xml(resp, x);
  }
  if (q->has_upload_id) {
    fs3_upload *u = upload_of(f, q->query);
    if (!u)
      return error(resp, 404, "NoSuchUpload");
    if (strcmp(q->method, "POST") == 0)
      return on_complete(f, q, u, body, len, resp);
    if (strcmp(q->method, "GET") == 0)
      return on_list_parts(u, resp);
    if (strcmp(q->method, "DELETE") == 0) {
      if (f->fail_abort > 0) {
        f->fail_abort--;
        return error(resp, 503, "SlowDown");
      }
      u->done = true;
      f->aborts++;
      resp->status = 204;
      return 0;
    }
    if (q->part_number < 1 || q->part_number > FS3_MAX_PARTS)
      return error(resp, 400, "InvalidArgument");
    return on_put(f, q, u, body, len, resp);
  }
  if (strcmp(q->method, "PUT") == 0)
    return on_put(f, q, NULL, body, len, resp);
  return error(resp, 405, "MethodNotAllowed");
}

static int fake_send(awsc_transport *t, const awsc_http_request *r,
                     awsc_http_response *resp, awsc_error *err) {
  fake_s3 *f = (fake_s3 *)t;
  pthread_mutex_lock(&f->lock);
  if (f->n_req >= FS3_MAX_REQ) {
    pthread_mutex_unlock(&f->lock);
    return awsc_error_set(err, AWSC_ENETWORK, AWSC_ERROR_NETWORK,
                          "fake: too many requests");
  }
  int seq = ++f->n_req;
  fs3_req *q = &f->req[seq - 1];
  memset(q, 0, sizeof(*q));
  q->arrival = arrival_here;
  arrival_here = 0;
  if (++f->in_flight > f->max_in_flight)
    f->max_in_flight = f->in_flight;
  int threads = fs3_threads_now();
  if (threads > f->max_threads)
    f->max_threads = threads;
  int delay = f->delay_ms;
  pthread_mutex_unlock(&f->lock);

  /* this request's own slot and body: no lock needed */
  record(q, r);
  size_t len = 0;
  uint8_t *body = read_body(r, &len);
  if (body && q->h_trailer[0] && !decode_chunked(q, body, &len))
    len = 0; /* damaged framing: the checksum will not match */
  q->body_len = len;
  /* a scripted failure answers at once (its fields are set before the
   * transfer starts): tests of "nothing new starts after a failure" then
   * do not depend on how threads happen to be scheduled */
  bool failing = (f->fail_range && q->h_range[0] &&
                  strcmp(q->h_range, f->fail_range) == 0) ||
                 (f->fail_part && q->part_number == f->fail_part);
  if (delay && !failing && (q->part_number || q->h_range[0]))
    sleep_ms(delay);

  uint8_t *out = NULL;
  size_t out_n = 0, stop = (size_t)-1;
  pthread_mutex_lock(&f->lock);
  bool lost = false;
  int rc = answer(f, q, seq, body, len, resp, &out, &out_n, &stop, &lost);
  pthread_mutex_unlock(&f->lock);
  if (lost)
    rc = awsc_error_set(err, AWSC_ENETWORK, AWSC_ERROR_NETWORK,
                        "fake: connection reset before the answer");
  if (!rc && out)
    rc = deliver(f, r, resp, out, out_n, stop, err);
  free(out);
  free(body);
  pthread_mutex_lock(&f->lock);
  q->status = rc ? 0 : resp->status;
  f->in_flight--;
  pthread_mutex_unlock(&f->lock);
  return rc;
}

static void fake_destroy(awsc_transport *t) {
  (void)t;
}

static const awsc_transport_vtable fake_vtable = {fake_send, fake_destroy};

void fs3_init(fake_s3 *f) {
  memset(f, 0, sizeof(*f));
  f->base.vtable = &fake_vtable;
  f->base.impl = f;
  pthread_mutex_init(&f->lock, NULL);
}

void fs3_cleanup(fake_s3 *f) {
  pthread_mutex_destroy(&f->lock);
  for (int i = 0; i < FS3_MAX_OBJ; i++)
    free(f->obj[i].data);
  for (int i = 0; i < FS3_MAX_UPLOADS; i++)
    for (int j = 0; j <= FS3_MAX_PARTS; j++)
      free(f->up[i].parts[j].data);
  fs3_init(f);
}

void fs3_put(fake_s3 *f, const char *key, const void *data, size_t len,
             const char *content_type) {
  fs3_obj *o = slot(f, key);
  o->data = malloc(len + 1);
  memcpy(o->data, data, len);
  o->len = len;
  md5_etag(data, len, o->etag, sizeof(o->etag), true);
  cp(o->content_type, sizeof(o->content_type), content_type);
}

fs3_obj *fs3_get(fake_s3 *f, const char *key) {
  for (int i = 0; i < FS3_MAX_OBJ; i++)
    if (f->obj[i].key[0] && strcmp(f->obj[i].key, key) == 0)
      return &f->obj[i];
  return NULL;
}

/* A transfer that failed or was cancelled returns while the server may
 * still be taking in a request it started (its connection closed under
 * it): wait until none is in flight, so that the count is final and the
 * log is not read while a connection thread writes it. */
static void settle_locked(fake_s3 *m) {
  for (int waited = 0;; waited++) {
    pthread_mutex_lock(&m->lock);
    if (m->in_flight == 0 || waited == 5000)
      return;
    pthread_mutex_unlock(&m->lock);
    sleep_ms(1);
  }
}

void fs3_settle(fake_s3 *f) {
  settle_locked(f);
  pthread_mutex_unlock(&f->lock);
}

int fs3_count(const fake_s3 *f, const char *method, const char *query_has) {
  fake_s3 *m = (fake_s3 *)f;
  settle_locked(m);
  int n = 0;
  for (int i = 0; i < m->n_req; i++)
    if (strcmp(m->req[i].method, method) == 0 &&
        strstr(m->req[i].query, query_has))
      n++;
  pthread_mutex_unlock(&m->lock);
  return n;
}

static void b64_digest(int alg, const void *p, size_t n, char *out) {
  awsc_rdigest d;
  awsc_rdigest_init(&d, alg);
  awsc_rdigest_update(&d, p, n);
  awsc_rdigest_final_b64(&d, out);
}

static int alg_of(const char *name) {
  for (int a = 0; a < AWSC_RDIG_COUNT; a++)
    if (strcmp(awsc_rdigest_name(a), name) == 0)
      return a;
  return -1;
}

void fs3_set_checksum(fake_s3 *f, const char *key, const char *alg) {
  fs3_obj *o = fs3_get(f, key);
  int a = alg_of(alg);
  if (!o || a < 0)
    return;
  cp(o->ck_header, sizeof(o->ck_header), awsc_rdigest_header(a));
  b64_digest(a, o->data, o->len, o->ck_value);
}

void fs3_set_parts(fake_s3 *f, const char *key, size_t part_size,
                   const char *alg) {
  fs3_obj *o = fs3_get(f, key);
  if (!o || !part_size)
    return;
  size_t first = o->first_part ? o->first_part : part_size;
  int n = o->len <= first
              ? 1
              : 1 + (int)((o->len - first + part_size - 1) / part_size);
  if (n > FS3_MAX_PARTS)
    return;
  o->n_parts = n;
  o->part_size = part_size;
  int a = alg ? alg_of(alg) : -1;
  awsc_md5_ctx md5;
  awsc_md5_init(&md5);
  awsc_rdigest all;
  if (a >= 0)
    awsc_rdigest_init(&all, a);
  for (int i = 1; i <= n; i++) {
    size_t off, len;
    part_range(o, i, &off, &len);
    uint8_t m[AWSC_MD5_LEN];
    awsc_md5(o->data + off, len, m);
    awsc_md5_update(&md5, m, sizeof(m));
    if (a >= 0) {
      awsc_rdigest d;
      uint8_t raw[AWSC_RDIG_MAX_LEN];
      awsc_rdigest_init(&d, a);
      awsc_rdigest_update(&d, o->data + off, len);
      size_t rn = awsc_rdigest_final(&d, raw);
      awsc_base64_encode(raw, rn, o->part_ck[i]);
      awsc_rdigest_update(&all, raw, rn);
    }
  }
  uint8_t m[AWSC_MD5_LEN];
  char hex[2 * AWSC_MD5_LEN + 1];
  awsc_md5_final(&md5, m);
  awsc_hex_encode(m, sizeof(m), hex);
  snprintf(o->etag, sizeof(o->etag), "\"%s-%d\"", hex, n);
  if (a >= 0) {
    char b64[AWSC_RDIG_B64_MAX];
    awsc_rdigest_final_b64(&all, b64);
    cp(o->ck_header, sizeof(o->ck_header), awsc_rdigest_header(a));
    snprintf(o->ck_value, sizeof(o->ck_value), "%s-%d", b64, n);
  }
}

int fs3_open_uploads(const fake_s3 *f) {
  int n = 0;
  for (int i = 0; i < f->n_up; i++)
    n += !f->up[i].done;
  return n;
}
