/* lib/core/hash.c - SHA-256, HMAC-SHA256 and MD5 over OpenSSL.
 *
 * Why the deprecated low-level API: SHA256_Init/Update/Final and MD5_* run
 * the same SHA-NI/AVX assembly as EVP but skip EVP's per-digest algorithm
 * fetch and context allocation (~1 us each). SigV4 signing performs 6-8
 * short digests per request (payload hash, canonical request, four-step
 * key derivation, signature), so that overhead would dominate. The
 * deprecation warning is silenced for this file only. */
#define OPENSSL_SUPPRESS_DEPRECATED

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/md5.h>
#include <openssl/sha.h>

#include "core/core.h"

_Static_assert(sizeof(SHA256_CTX) <= sizeof(awsc_sha256_ctx),
               "awsc_sha256_ctx too small for SHA256_CTX");
_Static_assert(sizeof(MD5_CTX) <= sizeof(awsc_md5_ctx),
               "awsc_md5_ctx too small for MD5_CTX");

#define SHA256_BLOCK 64

static SHA256_CTX *sha(awsc_sha256_ctx *ctx) {
  return (SHA256_CTX *)ctx->opaque;
}
static MD5_CTX *md5(awsc_md5_ctx *ctx) {
  return (MD5_CTX *)ctx->opaque;
}

void awsc_sha256_init(awsc_sha256_ctx *ctx) {
  SHA256_Init(sha(ctx));
}

void awsc_sha256_update(awsc_sha256_ctx *ctx, const void *data, size_t n) {
  if (n)
    SHA256_Update(sha(ctx), data, n);
}

void awsc_sha256_final(awsc_sha256_ctx *ctx, uint8_t out[AWSC_SHA256_LEN]) {
  SHA256_Final(out, sha(ctx));
}

void awsc_sha256(const void *data, size_t n, uint8_t out[AWSC_SHA256_LEN]) {
  awsc_sha256_ctx ctx;
  awsc_sha256_init(&ctx);
  awsc_sha256_update(&ctx, data, n);
  awsc_sha256_final(&ctx, out);
}

void awsc_sha256_hex(const void *data, size_t n, char out[65]) {
  uint8_t md[AWSC_SHA256_LEN];
  awsc_sha256(data, n, md);
  awsc_hex_encode(md, sizeof(md), out);
}

void awsc_hmac_key_init(awsc_hmac_key *k, const void *key, size_t key_len) {
  uint8_t block[SHA256_BLOCK];
  memset(block, 0, sizeof(block));
  if (key_len > SHA256_BLOCK)
    awsc_sha256(key, key_len, block); /* RFC 2104: long keys are hashed */
  else if (key_len)
    memcpy(block, key, key_len);
  uint8_t pad[SHA256_BLOCK];
  for (size_t i = 0; i < SHA256_BLOCK; i++)
    pad[i] = block[i] ^ 0x36;
  awsc_sha256_init(&k->inner);
  awsc_sha256_update(&k->inner, pad, sizeof(pad));
  for (size_t i = 0; i < SHA256_BLOCK; i++)
    pad[i] = block[i] ^ 0x5c;
  awsc_sha256_init(&k->outer);
  awsc_sha256_update(&k->outer, pad, sizeof(pad));
  awsc_secure_zero(block, sizeof(block));
  awsc_secure_zero(pad, sizeof(pad));
}

void awsc_hmac_sha256_with(const awsc_hmac_key *k, const void *data, size_t n,
                           uint8_t out[AWSC_SHA256_LEN]) {
  /* The pad states are key-equivalent: work on copies, then wipe them. */
  awsc_sha256_ctx ctx = k->inner;
  uint8_t ih[AWSC_SHA256_LEN];
  awsc_sha256_update(&ctx, data, n);
  awsc_sha256_final(&ctx, ih);
  ctx = k->outer;
  awsc_sha256_update(&ctx, ih, sizeof(ih));
  awsc_sha256_final(&ctx, out);
  awsc_secure_zero(&ctx, sizeof(ctx));
  awsc_secure_zero(ih, sizeof(ih));
}

void awsc_hmac_sha256(const void *key, size_t key_len, const void *data,
                      size_t n, uint8_t out[AWSC_SHA256_LEN]) {
  awsc_hmac_key k;
  awsc_hmac_key_init(&k, key, key_len);
  awsc_hmac_sha256_with(&k, data, n, out);
  awsc_secure_zero(&k, sizeof(k));
}

void awsc_md5_init(awsc_md5_ctx *ctx) {
  MD5_Init(md5(ctx));
}

void awsc_md5_update(awsc_md5_ctx *ctx, const void *data, size_t n) {
  if (n)
    MD5_Update(md5(ctx), data, n);
}

void awsc_md5_final(awsc_md5_ctx *ctx, uint8_t out[AWSC_MD5_LEN]) {
  MD5_Final(out, md5(ctx));
}

void awsc_md5(const void *data, size_t n, uint8_t out[AWSC_MD5_LEN]) {
  awsc_md5_ctx ctx;
  awsc_md5_init(&ctx);
  awsc_md5_update(&ctx, data, n);
  awsc_md5_final(&ctx, out);
}

int awsc_memcmp_ct(const void *a, const void *b, size_t n) {
  /* volatile keeps the compiler from turning the loop into an early-exit
   * comparison whose timing depends on the data. */
  const volatile unsigned char *pa = a, *pb = b;
  unsigned char diff = 0;
  for (size_t i = 0; i < n; i++)
    diff |= (unsigned char)(pa[i] ^ pb[i]);
  return diff != 0;
}

void awsc_secure_zero(void *p, size_t n) {
  if (p && n)
    OPENSSL_cleanse(p, n);
}
