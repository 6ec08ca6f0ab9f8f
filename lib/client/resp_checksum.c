/*
 * Response checksum validation (botocore's response_checksum_validation):
 * operations with an httpChecksum requestValidationModeMember (S3
 * GetObject's ChecksumMode) are sent with it ENABLED by default
 * ("when_supported"), and the body that comes back is checked against the
 * x-amz-checksum-* header the service answers, whichever way the body
 * goes: memory, a file (read back once written) or the caller's callback
 * (hashed as it passes). Composite checksums of multipart objects
 * ("...-3") can not be checked against the whole body and are skipped, as
 * botocore does (the managed download checks them part by part); so are
 * the algorithms awsc does not compute (XXHASH*).
 *
 * The digests (awsc_rdigest) are here rather than in lib/auth because
 * only responses need SHA-512 and MD5 as checksums; the managed downloads
 * above use the same ones. CRC-64/NVME is lib/auth's (requests send it
 * too).
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "client/resp_checksum.h"

#include <openssl/sha.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

_Static_assert(sizeof(SHA512_CTX) <= sizeof(((awsc_rdigest *)0)->h.sha512) &&
                   sizeof(SHA_CTX) <= sizeof(((awsc_rdigest *)0)->h.sha512),
               "awsc_rdigest too small for SHA512_CTX");

static const struct {
  const char *name;
  const char *header;
  size_t len;
} rdig[AWSC_RDIG_COUNT] = {
    [AWSC_RDIG_CRC64NVME] = {"CRC64NVME", "x-amz-checksum-crc64nvme", 8},
    [AWSC_RDIG_CRC32C] = {"CRC32C", "x-amz-checksum-crc32c", 4},
    [AWSC_RDIG_CRC32] = {"CRC32", "x-amz-checksum-crc32", 4},
    [AWSC_RDIG_SHA1] = {"SHA1", "x-amz-checksum-sha1", 20},
    [AWSC_RDIG_SHA256] = {"SHA256", "x-amz-checksum-sha256", 32},
    [AWSC_RDIG_SHA512] = {"SHA512", "x-amz-checksum-sha512", 64},
    [AWSC_RDIG_MD5] = {"MD5", "x-amz-checksum-md5", AWSC_MD5_LEN},
};

const char *awsc_rdigest_name(int alg) {
  return rdig[alg].name;
}
const char *awsc_rdigest_header(int alg) {
  return rdig[alg].header;
}
size_t awsc_rdigest_len(int alg) {
  return rdig[alg].len;
}

void awsc_rdigest_init(awsc_rdigest *d, int alg) {
  memset(d, 0, sizeof(*d));
  d->alg = alg;
  switch (alg) {
  case AWSC_RDIG_SHA1:
    SHA1_Init((SHA_CTX *)d->h.sha512);
    break;
  case AWSC_RDIG_SHA256:
    awsc_sha256_init(&d->h.sha256);
    break;
  case AWSC_RDIG_SHA512:
    SHA512_Init((SHA512_CTX *)d->h.sha512);
    break;
  case AWSC_RDIG_MD5:
    awsc_md5_init(&d->h.md5);
    break;
  default:
    break; /* the CRCs start from 0 */
  }
}

void awsc_rdigest_update(awsc_rdigest *d, const void *p, size_t n) {
  switch (d->alg) {
  case AWSC_RDIG_CRC64NVME:
    d->h.crc64 = awsc_crc64nvme(d->h.crc64, p, n);
    break;
  case AWSC_RDIG_CRC32C:
    d->h.crc = awsc_crc32c(d->h.crc, p, n);
    break;
  case AWSC_RDIG_CRC32:
    d->h.crc = awsc_crc32(d->h.crc, p, n);
    break;
  case AWSC_RDIG_SHA1:
    SHA1_Update((SHA_CTX *)d->h.sha512, p, n);
    break;
  case AWSC_RDIG_SHA256:
    awsc_sha256_update(&d->h.sha256, p, n);
    break;
  case AWSC_RDIG_SHA512:
    SHA512_Update((SHA512_CTX *)d->h.sha512, p, n);
    break;
  case AWSC_RDIG_MD5:
    awsc_md5_update(&d->h.md5, p, n);
    break;
  }
}

size_t awsc_rdigest_final(awsc_rdigest *d, uint8_t *raw) {
  switch (d->alg) {
  case AWSC_RDIG_CRC64NVME:
    for (int i = 0; i < 8; i++)
      raw[i] = (uint8_t)(d->h.crc64 >> (56 - 8 * i));
    return 8;
  case AWSC_RDIG_CRC32C:
  case AWSC_RDIG_CRC32:
    for (int i = 0; i < 4; i++)
      raw[i] = (uint8_t)(d->h.crc >> (24 - 8 * i));
    return 4;
  case AWSC_RDIG_SHA1:
    SHA1_Final(raw, (SHA_CTX *)d->h.sha512);
    return 20;
  case AWSC_RDIG_SHA256:
    awsc_sha256_final(&d->h.sha256, raw);
    return AWSC_SHA256_LEN;
  case AWSC_RDIG_SHA512:
    SHA512_Final(raw, (SHA512_CTX *)d->h.sha512);
    return 64;
  case AWSC_RDIG_MD5:
    awsc_md5_final(&d->h.md5, raw);
    return AWSC_MD5_LEN;
  }
  return 0;
}

void awsc_rdigest_final_b64(awsc_rdigest *d, char *out) {
  uint8_t raw[AWSC_RDIG_MAX_LEN];
  size_t n = awsc_rdigest_final(d, raw);
  awsc_base64_encode(raw, n, out);
}

void awsc_resp_checksum_init(awsc_resp_checksum *rc, const awsc_operation *op,
                             const awsc_http_response *resp) {
  memset(rc, 0, offsetof(awsc_resp_checksum, expected));
  rc->op = op;
  rc->resp = resp;
}

void awsc_resp_checksum_allow_etag(awsc_resp_checksum *rc) {
  rc->etag_md5 = true;
}

/* The response headers pick looks at, found in one pass over them (a
 * lookup per algorithm and header walked them about ten times). */
typedef struct seen_headers {
  const char *sum[AWSC_RDIG_COUNT];
  const char *etag;
  const char *sse;
  bool sse_c;
} seen_headers;

static const char *set_once(const char *have, const char *v) {
  return have ? have : v;
}

/* The names are lower-case (awsc_http_response), so exact compares do:
 * a case-blind strncasecmp of two prefixes for every header was most of
 * this function's cost on every GET. */
static void scan_headers(const awsc_http_response *resp, seen_headers *h) {
  static const char amz[] = "x-amz-";
  static const char sum[] = "checksum-";
  static const char sse[] = "server-side-encryption";
  memset(h, 0, sizeof(*h));
  for (size_t i = 0; i < resp->header_count; i++) {
    const char *n = resp->headers[i].name, *v = resp->headers[i].value;
    if (n[0] == 'e') {
      if (strcmp(n, "etag") == 0)
        h->etag = set_once(h->etag, v);
      continue;
    }
    if (n[0] != 'x' || strncmp(n, amz, sizeof(amz) - 1) != 0)
      continue;
    const char *r = n + sizeof(amz) - 1;
    if (strncmp(r, sum, sizeof(sum) - 1) == 0) {
      for (int alg = 0; alg < AWSC_RDIG_COUNT; alg++)
        if (strcmp(n, rdig[alg].header) == 0)
          h->sum[alg] = set_once(h->sum[alg], v);
    } else if (strncmp(r, sse, sizeof(sse) - 1) == 0) {
      r += sizeof(sse) - 1;
      if (*r == '\0')
        h->sse = set_once(h->sse, v);
      else if (strcmp(r, "-customer-algorithm") == 0)
        h->sse_c = true;
    }
  }
}

/* The ETag of a whole, single-part object that is not SSE-KMS / SSE-C
 * encrypted is its MD5 (docs/integrity.md): then its 32 hex digits. */
static bool etag_is_md5(const awsc_http_response *resp, const seen_headers *h,
                        char hex[33]) {
  const char *e = h->etag;
  if (resp->status != 200 || !e || h->sse_c ||
      (h->sse && strncmp(h->sse, "aws:kms", 7) == 0))
    return false;
  if (*e == '"')
    e++;
  for (int i = 0; i < 32; i++) {
    if (awsc_hex_value((unsigned char)e[i]) < 0)
      return false;
    hex[i] = (char)(e[i] >= 'A' && e[i] <= 'F' ? e[i] + 32 : e[i]);
  }
  hex[32] = '\0';
  return e[32] == '\0' || (e[32] == '"' && e[33] == '\0');
}

static bool op_lists(const awsc_operation *op, const char *name) {
  for (uint32_t i = 0; i < op->response_checksum_algorithm_count; i++)
    if (strcasecmp(op->response_checksum_algorithms[i], name) == 0)
      return true;
  return false;
}

/* Pick the header to check (first in priority order that the model lists
 * and the response carries, not composite); state 2 when none. */
static void pick(awsc_resp_checksum *rc) {
  rc->state = 2;
  seen_headers h;
  scan_headers(rc->resp, &h);
  for (int alg = 0; alg < AWSC_RDIG_COUNT; alg++) {
    const char *v = h.sum[alg];
    if (!v || !*v || !op_lists(rc->op, awsc_rdigest_name(alg)))
      continue;
    if (strchr(v, '-'))
      return; /* composite (multipart): not a checksum of these bytes */
    size_t n = strlen(v);
    if (n >= sizeof(rc->expected))
      n = sizeof(rc->expected) - 1;
    memcpy(rc->expected, v, n);
    rc->expected[n] = '\0';
    awsc_rdigest_init(&rc->sum, alg);
    rc->state = 1;
    return;
  }
  char hex[33];
  if (rc->etag_md5 && !rc->streamed && etag_is_md5(rc->resp, &h, hex)) {
    memcpy(rc->expected, hex, sizeof(hex));
    awsc_rdigest_init(&rc->sum, AWSC_RDIG_MD5);
    rc->by_etag = true;
    rc->state = 1;
  }
}

static int wrapped_write(const void *data, size_t len, void *ud) {
  awsc_resp_checksum *rc = ud;
  if (rc->state == 0)
    pick(rc); /* the headers are in by the first byte of the body */
  if (rc->state == 1)
    awsc_rdigest_update(&rc->sum, data, len);
  return rc->user.write(data, len, rc->user.user_data);
}

void awsc_resp_checksum_wrap(awsc_resp_checksum *rc, const awsc_body_sink *user,
                             awsc_body_sink *out) {
  rc->user = *user;
  rc->streamed = true;
  memset(out, 0, sizeof(*out));
  out->kind = AWSC_SINK_CALLBACK;
  out->write = wrapped_write;
  out->user_data = rc;
}

static int mismatch(awsc_resp_checksum *rc, const char *got, awsc_error *err) {
  return awsc_error_set(err, AWSC_ECHECKSUM, AWSC_ERROR_PARSE,
                        "Expected checksum %s did not match calculated "
                        "checksum: %s (%s of the body of %s)",
                        rc->expected, got,
                        rc->by_etag ? "MD5 (ETag)"
                                    : awsc_rdigest_name(rc->sum.alg),
                        rc->op->name);
}

/* A FILE sink is hashed by reading the file back once written. A path
 * that is not a regular file (/dev/null, a FIFO, a terminal) cannot be
 * read back as what was written: 1 = not checked (docs/integrity.md). */
static int read_back(awsc_resp_checksum *rc, const char *path,
                     awsc_error *err) {
  struct stat sb; /* before opening: opening a FIFO would wait */
  if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode))
    return 1;
  FILE *f = fopen(path, "rb");
  if (!f)
    return awsc_error_set(err, AWSC_EIO, AWSC_ERROR_IO,
                          "cannot read %s back to check its checksum", path);
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
    awsc_rdigest_update(&rc->sum, buf, n);
  bool bad = ferror(f) != 0;
  fclose(f);
  if (bad)
    return awsc_error_set(err, AWSC_EIO, AWSC_ERROR_IO,
                          "cannot read %s back to check its checksum", path);
  return 0;
}

int awsc_resp_checksum_verify(awsc_resp_checksum *rc,
                              const awsc_body_sink *sink, const void *body,
                              size_t len, awsc_error *err) {
  if (rc->state == 0)
    pick(rc); /* empty streamed body, or memory / file */
  if (rc->state != 1)
    return 0;
  if (!rc->streamed) {
    if (sink && sink->kind == AWSC_SINK_FILE) {
      int r = read_back(rc, sink->path, err);
      if (r) {
        rc->state = 2;
        return r < 0 ? r : 0;
      }
    } else {
      awsc_rdigest_update(&rc->sum, body ? body : "", body ? len : 0);
    }
  }
  char got[AWSC_RDIG_B64_MAX];
  if (rc->by_etag) {
    uint8_t raw[AWSC_MD5_LEN];
    awsc_rdigest_final(&rc->sum, raw);
    awsc_hex_encode(raw, sizeof(raw), got);
  } else {
    awsc_rdigest_final_b64(&rc->sum, got);
  }
  rc->state = 2;
  return strcmp(got, rc->expected) == 0 ? 0 : mismatch(rc, got, err);
}
