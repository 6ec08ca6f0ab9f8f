/*
 * S3's flexible checksums, incrementally (see checksum.h). SHA-1 uses
 * OpenSSL's low-level API for the reason lib/core/hash.c gives (no
 * allocation per context).
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "auth/checksum.h"

#include <openssl/sha.h>
#include <strings.h>

_Static_assert(sizeof(SHA_CTX) <= sizeof(((awsc_checksum *)0)->h.sha1),
               "awsc_checksum too small for SHA_CTX");

static const struct {
  const char *name;
  const char *header;
  size_t digest_len;
} algs[AWSC_CKSUM_COUNT] = {
    [AWSC_CKSUM_CRC32] = {"CRC32", "x-amz-checksum-crc32", 4},
    [AWSC_CKSUM_CRC32C] = {"CRC32C", "x-amz-checksum-crc32c", 4},
    [AWSC_CKSUM_SHA256] = {"SHA256", "x-amz-checksum-sha256", AWSC_SHA256_LEN},
    [AWSC_CKSUM_SHA1] = {"SHA1", "x-amz-checksum-sha1", SHA_DIGEST_LENGTH},
    [AWSC_CKSUM_CRC64NVME] = {"CRC64NVME", "x-amz-checksum-crc64nvme", 8},
};

int awsc_checksum_find(const char *name) {
  for (int i = 0; name && i < AWSC_CKSUM_COUNT; i++)
    if (strcasecmp(name, algs[i].name) == 0)
      return i;
  return -1;
}

const char *awsc_checksum_name(int alg) {
  return algs[alg].name;
}
const char *awsc_checksum_header_name(int alg) {
  return algs[alg].header;
}
size_t awsc_checksum_digest_len(int alg) {
  return algs[alg].digest_len;
}

void awsc_checksum_init(awsc_checksum *c, int alg) {
  c->alg = alg;
  switch (alg) {
  case AWSC_CKSUM_SHA256:
    awsc_sha256_init(&c->h.sha256);
    break;
  case AWSC_CKSUM_SHA1:
    SHA1_Init((SHA_CTX *)c->h.sha1);
    break;
  case AWSC_CKSUM_CRC64NVME:
    c->h.crc64 = 0;
    break;
  default:
    c->h.crc = 0;
  }
}

void awsc_checksum_update(awsc_checksum *c, const void *p, size_t n) {
  switch (c->alg) {
  case AWSC_CKSUM_CRC32:
    c->h.crc = awsc_crc32(c->h.crc, p, n);
    break;
  case AWSC_CKSUM_CRC32C:
    c->h.crc = awsc_crc32c(c->h.crc, p, n);
    break;
  case AWSC_CKSUM_SHA256:
    awsc_sha256_update(&c->h.sha256, p, n);
    break;
  case AWSC_CKSUM_SHA1:
    SHA1_Update((SHA_CTX *)c->h.sha1, p, n);
    break;
  case AWSC_CKSUM_CRC64NVME:
    c->h.crc64 = awsc_crc64nvme(c->h.crc64, p, n);
    break;
  }
}

size_t awsc_checksum_final_b64(awsc_checksum *c, char *out) {
  uint8_t d[AWSC_SHA256_LEN];
  switch (c->alg) {
  case AWSC_CKSUM_SHA256:
    awsc_sha256_final(&c->h.sha256, d);
    break;
  case AWSC_CKSUM_SHA1:
    SHA1_Final(d, (SHA_CTX *)c->h.sha1);
    break;
  case AWSC_CKSUM_CRC64NVME: /* big-endian, as the header carries it */
    for (int i = 0; i < 8; i++)
      d[i] = (uint8_t)(c->h.crc64 >> (56 - 8 * i));
    break;
  default: /* big-endian, as the x-amz-checksum-crc32 header */
    d[0] = (uint8_t)(c->h.crc >> 24);
    d[1] = (uint8_t)(c->h.crc >> 16);
    d[2] = (uint8_t)(c->h.crc >> 8);
    d[3] = (uint8_t)c->h.crc;
  }
  return awsc_base64_encode(d, algs[c->alg].digest_len, out);
}
int awsc_checksum_header(awsc_arena *a, const char *algorithm, const void *body,
                         size_t len, const char **name, const char **value) {
  int alg = awsc_checksum_find(algorithm);
  if (alg < 0)
    return AWSC_EUNSUPPORTED;
  awsc_checksum c;
  awsc_checksum_init(&c, alg);
  awsc_checksum_update(&c, body ? body : "", body ? len : 0);
  char *b64 = awsc_arena_alloc(a, AWSC_CKSUM_B64_MAX);
  if (!b64)
    return AWSC_ENOMEM;
  awsc_checksum_final_b64(&c, b64);
  *name = algs[alg].header;
  *value = b64;
  return 0;
}
