/*
 * Response checksum validation (botocore's response_checksum_validation):
 * operations with an httpChecksum requestValidationModeMember (S3
 * GetObject's ChecksumMode) are sent with it ENABLED by default
 * ("when_supported"), and the body that comes back is checked against the
 * x-amz-checksum-* header the service answers, whichever way the body
 * goes: memory, a file (read back once written) or the caller's callback
 * (hashed as it passes). Composite checksums of multipart objects
 * ("...-3") can not be checked against the whole body and are skipped, as
 * botocore does; so are algorithms awsc lacks (CRC64NVME).
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "client/resp_checksum.h"

#include <openssl/sha.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

_Static_assert(sizeof(SHA_CTX) <= sizeof(((awsc_resp_checksum *)0)->h.sha1),
               "SHA_CTX does not fit");

enum { ALG_NONE = 0, ALG_CRC32C, ALG_CRC32, ALG_SHA1, ALG_SHA256 };

/* botocore's priority order, restricted to what awsc computes */
static const struct {
  int alg;
  const char *name;   /* as in the model's responseAlgorithms */
  const char *header; /* response header */
} algs[] = {
    {ALG_CRC32C, "CRC32C", "x-amz-checksum-crc32c"},
    {ALG_CRC32, "CRC32", "x-amz-checksum-crc32"},
    {ALG_SHA1, "SHA1", "x-amz-checksum-sha1"},
    {ALG_SHA256, "SHA256", "x-amz-checksum-sha256"},
};

void awsc_resp_checksum_init(awsc_resp_checksum *rc, const awsc_operation *op,
                             const awsc_http_response *resp) {
  memset(rc, 0, sizeof(*rc));
  rc->op = op;
  rc->resp = resp;
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
  for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
    if (!op_lists(rc->op, algs[i].name))
      continue;
    const char *v = awsc_http_response_header(rc->resp, algs[i].header);
    if (!v || !*v)
      continue;
    if (strchr(v, '-'))
      return; /* composite (multipart): not a checksum of these bytes */
    snprintf(rc->expected, sizeof(rc->expected), "%s", v);
    rc->alg = algs[i].alg;
    rc->state = 1;
    switch (rc->alg) {
    case ALG_SHA1:
      SHA1_Init((SHA_CTX *)rc->h.sha1);
      break;
    case ALG_SHA256:
      awsc_sha256_init(&rc->h.sha256);
      break;
    default:
      rc->h.crc = 0;
    }
    return;
  }
}

static void update(awsc_resp_checksum *rc, const void *p, size_t n) {
  switch (rc->alg) {
  case ALG_CRC32:
    rc->h.crc = awsc_crc32(rc->h.crc, p, n);
    break;
  case ALG_CRC32C:
    rc->h.crc = awsc_crc32c(rc->h.crc, p, n);
    break;
  case ALG_SHA1:
    SHA1_Update((SHA_CTX *)rc->h.sha1, p, n);
    break;
  case ALG_SHA256:
    awsc_sha256_update(&rc->h.sha256, p, n);
    break;
  }
}

static void final_b64(awsc_resp_checksum *rc, char *out) {
  uint8_t d[AWSC_SHA256_LEN];
  size_t n = 4;
  switch (rc->alg) {
  case ALG_SHA1:
    SHA1_Final(d, (SHA_CTX *)rc->h.sha1);
    n = SHA_DIGEST_LENGTH;
    break;
  case ALG_SHA256:
    awsc_sha256_final(&rc->h.sha256, d);
    n = AWSC_SHA256_LEN;
    break;
  default:
    d[0] = (uint8_t)(rc->h.crc >> 24);
    d[1] = (uint8_t)(rc->h.crc >> 16);
    d[2] = (uint8_t)(rc->h.crc >> 8);
    d[3] = (uint8_t)rc->h.crc;
  }
  awsc_base64_encode(d, n, out);
}

static int wrapped_write(const void *data, size_t len, void *ud) {
  awsc_resp_checksum *rc = ud;
  if (rc->state == 0)
    pick(rc); /* the headers are in by the first byte of the body */
  if (rc->state == 1)
    update(rc, data, len);
  return rc->user.write(data, len, rc->user.user_data);
}

void awsc_resp_checksum_wrap(awsc_resp_checksum *rc,
                             const awsc_body_sink *user, awsc_body_sink *out) {
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
                        rc->alg == ALG_CRC32    ? "CRC32"
                        : rc->alg == ALG_CRC32C ? "CRC32C"
                        : rc->alg == ALG_SHA1   ? "SHA1"
                                                : "SHA256",
                        rc->op->name);
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
      FILE *f = fopen(sink->path, "rb");
      if (!f)
        return awsc_error_set(err, AWSC_EIO, AWSC_ERROR_IO,
                              "cannot read %s back to check its checksum",
                              sink->path);
      char buf[65536];
      size_t n;
      while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        update(rc, buf, n);
      bool bad = ferror(f) != 0;
      fclose(f);
      if (bad)
        return awsc_error_set(err, AWSC_EIO, AWSC_ERROR_IO,
                              "cannot read %s back to check its checksum",
                              sink->path);
    } else {
      update(rc, body ? body : "", body ? len : 0);
    }
  }
  char got[64];
  final_b64(rc, got);
  rc->state = 2;
  return strcmp(got, rc->expected) == 0 ? 0 : mismatch(rc, got, err);
}
