/*
 * tests/bench/raw_sigv4.h - a minimal SigV4 signer for the reference
 * programs (raw_curl_request.c, raw_curl_multi.c): what a careful
 * hand-written libcurl program would do for S3 GET/HEAD of one object,
 * with nothing from awsc. Header-only (static functions) so each program
 * stays one file and links only libcurl and OpenSSL.
 *
 * The signing key is derived once per UTC day and kept, as any long-lived
 * client (and awsc) does, as the two SHA-256 states after its HMAC inner
 * and outer pads, so a signature costs no pad blocks (awsc does the same).
 * SHA-256 through OpenSSL's low-level API, HMAC built on it by hand: the same
 * choice as lib/core/hash.c, because EVP's per-digest algorithm fetch would
 * dominate six short digests; the reference must not be slowed down by a choice
 * awsc does not make.
 *
 * Signed headers: host, x-amz-content-sha256, x-amz-date, and for GET
 * x-amz-checksum-mode (awsc asks for response checksums on GetObject, as
 * botocore >= 1.36 does): what awsc signs for these requests; User-Agent
 * is sent but not signed, as botocore does. Payload: the SHA-256 of the
 * empty body, as awsc sends over plain HTTP.
 */
#ifndef RAW_SIGV4_H
#define RAW_SIGV4_H

#define OPENSSL_SUPPRESS_DEPRECATED

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/sha.h>

#define RAW_EMPTY_SHA256                                                       \
  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

typedef struct raw_signer {
  const char *access_key;
  const char *secret_key;
  const char *region;
  char key_day[9];                 /* YYYYMMDD the key below was derived for */
  SHA256_CTX key_inner, key_outer; /* after the signing key's pads */
} raw_signer;

static void raw_hex(const unsigned char *p, size_t n, char *out) {
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = digits[p[i] >> 4];
    out[2 * i + 1] = digits[p[i] & 15];
  }
  out[2 * n] = '\0';
}

/* Not OpenSSL's one-shot SHA256(): in OpenSSL 3 it goes through
 * EVP_Q_digest, which fetches the algorithm on every call (~13,000
 * instructions, more than the digest of a canonical request itself). */
static void raw_sha256(const void *p, size_t n, unsigned char out[32]) {
  SHA256_CTX c;
  SHA256_Init(&c);
  SHA256_Update(&c, p, n);
  SHA256_Final(out, &c);
}

static void raw_hmac(const unsigned char *key, size_t key_len, const void *msg,
                     size_t msg_len, unsigned char out[32]) {
  unsigned char k[64] = {0}, pad[64], inner[32];
  if (key_len > 64) {
    raw_sha256(key, key_len, k);
  } else {
    memcpy(k, key, key_len);
  }
  SHA256_CTX c;
  for (int i = 0; i < 64; i++)
    pad[i] = (unsigned char)(k[i] ^ 0x36);
  SHA256_Init(&c);
  SHA256_Update(&c, pad, 64);
  SHA256_Update(&c, msg, msg_len);
  SHA256_Final(inner, &c);
  for (int i = 0; i < 64; i++)
    pad[i] = (unsigned char)(k[i] ^ 0x5c);
  SHA256_Init(&c);
  SHA256_Update(&c, pad, 64);
  SHA256_Update(&c, inner, 32);
  SHA256_Final(out, &c);
}

static void raw_derive_key(raw_signer *s, const char *day) {
  char k0[128];
  int n = snprintf(k0, sizeof(k0), "AWS4%s", s->secret_key);
  unsigned char a[32], b[32];
  raw_hmac((const unsigned char *)k0, (size_t)n, day, 8, a);
  raw_hmac(a, 32, s->region, strlen(s->region), b);
  raw_hmac(b, 32, "s3", 2, a);
  raw_hmac(a, 32, "aws4_request", 12, b);
  unsigned char pad[64] = {0};
  for (int i = 0; i < 64; i++)
    pad[i] = (unsigned char)((i < 32 ? b[i] : 0) ^ 0x36);
  SHA256_Init(&s->key_inner);
  SHA256_Update(&s->key_inner, pad, 64);
  for (int i = 0; i < 64; i++)
    pad[i] = (unsigned char)((i < 32 ? b[i] : 0) ^ 0x5c);
  SHA256_Init(&s->key_outer);
  SHA256_Update(&s->key_outer, pad, 64);
  memcpy(s->key_day, day, 8);
  s->key_day[8] = '\0';
}

/*
 * Sign METHOD http://HOST/PATH (PATH already URI-encoded, no query) with
 * an empty payload at time NOW; checksum_mode: the request carries
 * "x-amz-checksum-mode: ENABLED". Writes the x-amz-date value into
 * amz_date[17] and the whole Authorization value into auth (auth_size
 * bytes). Returns 0, or -1 if auth is too small.
 */
static int raw_sign(raw_signer *s, const char *method, const char *host,
                    const char *path, int checksum_mode, time_t now,
                    char amz_date[17], char *auth, size_t auth_size) {
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(amz_date, 17, "%Y%m%dT%H%M%SZ", &tm);
  if (memcmp(s->key_day, amz_date, 8) != 0)
    raw_derive_key(s, amz_date);

  const char *signed_headers =
      checksum_mode ? "host;x-amz-checksum-mode;x-amz-content-sha256;x-amz-date"
                    : "host;x-amz-content-sha256;x-amz-date";
  char creq[1024];
  int n = snprintf(
      creq, sizeof(creq),
      "%s\n%s\n\nhost:%s\n%sx-amz-content-sha256:%s\n"
      "x-amz-date:%s\n\n%s\n%s",
      method, path, host, checksum_mode ? "x-amz-checksum-mode:ENABLED\n" : "",
      RAW_EMPTY_SHA256, amz_date, signed_headers, RAW_EMPTY_SHA256);
  if (n <= 0 || (size_t)n >= sizeof(creq))
    return -1;
  unsigned char md[32];
  char creq_hex[65];
  raw_sha256(creq, (size_t)n, md);
  raw_hex(md, 32, creq_hex);

  char sts[256];
  n = snprintf(sts, sizeof(sts),
               "AWS4-HMAC-SHA256\n%s\n%.8s/%s/s3/aws4_request\n%s", amz_date,
               amz_date, s->region, creq_hex);
  if (n <= 0 || (size_t)n >= sizeof(sts))
    return -1;
  char sig_hex[65];
  unsigned char inner[32];
  SHA256_CTX c = s->key_inner;
  SHA256_Update(&c, sts, (size_t)n);
  SHA256_Final(inner, &c);
  c = s->key_outer;
  SHA256_Update(&c, inner, 32);
  SHA256_Final(md, &c);
  raw_hex(md, 32, sig_hex);

  n = snprintf(auth, auth_size,
               "AWS4-HMAC-SHA256 Credential=%s/%.8s/%s/s3/aws4_request, "
               "SignedHeaders=%s, Signature=%s",
               s->access_key, amz_date, s->region, signed_headers, sig_hex);
  return n > 0 && (size_t)n < auth_size ? 0 : -1;
}

#endif
