/*
 * lib/auth/checksum.h - internal: the flexible checksums of S3
 * (x-amz-checksum-*), computed incrementally: one piece for the aws-chunked
 * trailer (aws_chunked.c, beside it in lib/auth), the checksum headers of
 * bodies in memory and the check of response bodies (lib/client).
 */
#ifndef AWSC_AUTH_CHECKSUM_H
#define AWSC_AUTH_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

enum {
  AWSC_CKSUM_CRC32 = 0,
  AWSC_CKSUM_CRC32C,
  AWSC_CKSUM_SHA256,
  AWSC_CKSUM_SHA1,
  AWSC_CKSUM_CRC64NVME,
  AWSC_CKSUM_COUNT
};

/* Base64 of the longest digest (SHA-256) plus NUL. */
#define AWSC_CKSUM_B64_MAX (AWSC_BASE64_LEN(AWSC_SHA256_LEN) + 1)

typedef struct awsc_checksum {
  int alg;
  union {
    uint32_t crc;
    uint64_t crc64;
    awsc_sha256_ctx sha256;
    uint64_t sha1[16]; /* >= sizeof(SHA_CTX) (96 bytes), checked in .c */
  } h;
} awsc_checksum;

/* The algorithm named "CRC32", "CRC32C", "SHA256", "SHA1" or "CRC64NVME"
 * (any case), or -1. */
int awsc_checksum_find(const char *name);
/* "CRC32"... and "x-amz-checksum-crc32"... of an algorithm id. */
const char *awsc_checksum_name(int alg);
const char *awsc_checksum_header_name(int alg);
/* Bytes of the digest (4 for the CRC32s, 8 for CRC64NVME). */
size_t awsc_checksum_digest_len(int alg);

void awsc_checksum_init(awsc_checksum *c, int alg);
void awsc_checksum_update(awsc_checksum *c, const void *data, size_t n);
/* The digest in base64 (CRCs big-endian, as the headers carry them) into
 * out (AWSC_CKSUM_B64_MAX bytes); returns its length. */
size_t awsc_checksum_final_b64(awsc_checksum *c, char *out);

/* Checksum header for a body with the named algorithm (any of the
 * above, case-insensitive): name "x-amz-checksum-crc32" and base64 value,
 * both in the arena. AWSC_EUNSUPPORTED for other algorithms. */
int awsc_checksum_header(awsc_arena *a, const char *algorithm, const void *body,
                         size_t len, const char **name, const char **value);

/* CRC-64/NVME of n bytes continuing from crc (0 to start): carry-less
 * multiply folding when the CPU has it (checksum_crc64.c), else tables. */
uint64_t awsc_crc64nvme(uint64_t crc, const void *data, size_t n);
/* The table code alone, and which path awsc_crc64nvme takes
 * ("vpclmulqdq", "pclmul" or "table"): for tests and benchmarks. */
uint64_t awsc_crc64nvme_sw(uint64_t crc, const void *data, size_t n);
const char *awsc_crc64nvme_impl(void);

#endif
