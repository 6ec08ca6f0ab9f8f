/*
 * lib/client/resp_checksum.h - internal: checking a response body against
 * its x-amz-checksum-* header (response_checksum_validation), and the
 * digests that check uses, which the managed downloads (lib/transfer)
 * share to verify objects beyond one GET (ranges, parts, the ETag).
 *
 * Per call (storage on the pipeline's stack):
 *   awsc_resp_checksum_init(&rc, op, &resp);
 *   for a CALLBACK sink: awsc_resp_checksum_wrap(&rc, &call->sink, &sink)
 *     and give `sink` to the transport (hashes as the body passes; the
 *     header is read at the first byte, when the transport has it);
 *   after a 2xx: awsc_resp_checksum_verify(&rc, &call->sink, body, len)
 *     (memory body, or the file of a FILE sink read back).
 */
#ifndef AWSC_CLIENT_RESP_CHECKSUM_H
#define AWSC_CLIENT_RESP_CHECKSUM_H

#include <stdbool.h>
#include <stdint.h>

#include "auth/checksum.h"
#include "awsc/sys/transport.h"
#include "core/core.h"
#include "runtime/descriptor.h"

/* The algorithms a response can be checked with, in the order a response
 * carrying several is checked (botocore's, CRC64NVME first): S3's
 * flexible checksums that awsc computes, then MD5 (x-amz-checksum-md5;
 * also the digest of a single-part object's ETag). XXHASH* are not
 * computed: an object that has only those is not checked. */
enum {
  AWSC_RDIG_CRC64NVME = 0,
  AWSC_RDIG_CRC32C,
  AWSC_RDIG_CRC32,
  AWSC_RDIG_SHA1,
  AWSC_RDIG_SHA256,
  AWSC_RDIG_SHA512,
  AWSC_RDIG_MD5,
  AWSC_RDIG_COUNT
};

#define AWSC_RDIG_MAX_LEN 64 /* SHA-512 */
/* base64 of the longest digest, a "-NNNNN" composite suffix and NUL */
#define AWSC_RDIG_B64_MAX (AWSC_BASE64_LEN(AWSC_RDIG_MAX_LEN) + 8)

typedef struct awsc_rdigest {
  int alg;
  union {
    uint32_t crc;
    uint64_t crc64;
    awsc_sha256_ctx sha256;
    awsc_md5_ctx md5;    /* MD5 */
    uint64_t sha512[32]; /* SHA-512 or SHA-1 (OpenSSL contexts), size checked */
  } h;
} awsc_rdigest;

/* "CRC64NVME", ... and "x-amz-checksum-crc64nvme", ... of an algorithm. */
const char *awsc_rdigest_name(int alg);
const char *awsc_rdigest_header(int alg);
/* Bytes of the raw digest (4 for the CRC32s, 8 for CRC64NVME). */
size_t awsc_rdigest_len(int alg);

void awsc_rdigest_init(awsc_rdigest *d, int alg);
void awsc_rdigest_update(awsc_rdigest *d, const void *data, size_t n);
/* The raw digest (CRCs big-endian, as the headers carry them) into raw
 * (AWSC_RDIG_MAX_LEN bytes); returns its length. */
size_t awsc_rdigest_final(awsc_rdigest *d, uint8_t *raw);
/* The same in base64 into out (AWSC_RDIG_B64_MAX bytes). */
void awsc_rdigest_final_b64(awsc_rdigest *d, char *out);
/* awsc_crc64nvme is in auth/checksum.h. */

typedef struct awsc_resp_checksum {
  const awsc_operation *op;
  const awsc_http_response *resp;
  awsc_body_sink user; /* the caller's callback sink (wrapped) */
  bool streamed;       /* the body passed through the wrapper */
  int state;           /* 0 undecided, 1 hashing, 2 nothing (more) to do */
  bool etag_md5;       /* may fall back to the ETag as the body's MD5 */
  bool by_etag;        /* expected is that ETag's hex digits */
  /* set by pick() before state 1, read only in state 1 (init leaves
   * them: 300 bytes written per attempt for nothing) */
  char expected[AWSC_RDIG_B64_MAX];
  awsc_rdigest sum;
} awsc_resp_checksum;

void awsc_resp_checksum_init(awsc_resp_checksum *rc, const awsc_operation *op,
                             const awsc_http_response *resp);
/* Allow the ETag fallback (AWSC_HOOK_ETAG_MD5 over http://) for a body
 * held whole (memory or file; never for a callback sink, whose caller,
 * e.g. the managed download, checks what it needs itself): when the
 * answer has no checksum to check, is a 200 (the whole object) and its
 * ETag is 32 hex digits without SSE-KMS or SSE-C, the body's MD5 must be
 * that ETag. */
void awsc_resp_checksum_allow_etag(awsc_resp_checksum *rc);
void awsc_resp_checksum_wrap(awsc_resp_checksum *rc, const awsc_body_sink *user,
                             awsc_body_sink *out);
/* 0 (checked, or nothing to check), AWSC_ECHECKSUM with the expected and
 * calculated values in err, AWSC_EIO (file not readable). */
int awsc_resp_checksum_verify(awsc_resp_checksum *rc,
                              const awsc_body_sink *sink, const void *body,
                              size_t len, awsc_error *err);

#endif
