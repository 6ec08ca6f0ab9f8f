/* Unit tests: SHA-256 (FIPS 180 examples), HMAC-SHA256 (RFC 4231), MD5
 * (RFC 1321), constant-time compare and secure zeroing. */
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "core/core.h"
#include "test.h"

static uint64_t rng_state = 0x853C49E6748FEA9Bu;
static uint32_t rnd(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return (uint32_t)(rng_state >> 11);
}

static void hex(const uint8_t *md, size_t n, char *out) {
  awsc_hex_encode(md, n, out);
}

static void test_sha256_vectors(void) {
  char h[65];
  awsc_sha256_hex("", 0, h);
  CHECK_STR(h,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  awsc_sha256_hex("abc", 3, h);
  CHECK_STR(h,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const char *m448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  awsc_sha256_hex(m448, strlen(m448), h);
  CHECK_STR(h,
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  /* One million 'a', fed in 1000-byte pieces. */
  char a[1000];
  memset(a, 'a', sizeof(a));
  awsc_sha256_ctx ctx;
  awsc_sha256_init(&ctx);
  for (int i = 0; i < 1000; i++)
    awsc_sha256_update(&ctx, a, sizeof(a));
  uint8_t md[AWSC_SHA256_LEN];
  awsc_sha256_final(&ctx, md);
  hex(md, sizeof(md), h);
  CHECK_STR(h,
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void test_sha256_incremental(void) {
  static uint8_t data[5000];
  for (size_t i = 0; i < sizeof(data); i++)
    data[i] = (uint8_t)rnd();
  uint8_t one[AWSC_SHA256_LEN], inc[AWSC_SHA256_LEN];
  int ok = 1;
  for (int round = 0; round < 50; round++) {
    size_t n = rnd() % sizeof(data);
    awsc_sha256(data, n, one);
    awsc_sha256_ctx ctx;
    awsc_sha256_init(&ctx);
    size_t off = 0;
    while (off < n) {
      size_t k = rnd() % 200;
      if (k > n - off)
        k = n - off;
      awsc_sha256_update(&ctx, data + off, k);
      off += k;
    }
    awsc_sha256_final(&ctx, inc);
    if (memcmp(one, inc, sizeof(one)) != 0)
      ok = 0;
  }
  CHECK(ok);
}

static void check_hmac(const uint8_t *key, size_t key_len, const char *data,
                       size_t n, const char *want) {
  uint8_t md[AWSC_SHA256_LEN];
  char h[65];
  awsc_hmac_sha256(key, key_len, data, n, md);
  hex(md, sizeof(md), h);
  CHECK_STR(h, want);
  /* Prepared key, used twice: the pad states must not be consumed. */
  awsc_hmac_key k;
  awsc_hmac_key_init(&k, key, key_len);
  for (int i = 0; i < 2; i++) {
    memset(md, 0, sizeof(md));
    awsc_hmac_sha256_with(&k, data, n, md);
    hex(md, sizeof(md), h);
    CHECK_STR(h, want);
  }
}

static void test_hmac_rfc4231(void) {
  uint8_t key[131];
  uint8_t data[50];
  /* Test case 1 */
  memset(key, 0x0b, 20);
  check_hmac(
      key, 20, "Hi There", 8,
      "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  /* Test case 2: key shorter than the output. */
  check_hmac(
      (const uint8_t *)"Jefe", 4, "what do ya want for nothing?", 28,
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  /* Test case 3 */
  memset(key, 0xaa, 20);
  memset(data, 0xdd, 50);
  check_hmac(
      key, 20, (const char *)data, 50,
      "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
  /* Test case 4 */
  for (int i = 0; i < 25; i++)
    key[i] = (uint8_t)(i + 1);
  memset(data, 0xcd, 50);
  check_hmac(
      key, 25, (const char *)data, 50,
      "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
  /* Test case 6: key larger than the block size is hashed first. */
  memset(key, 0xaa, 131);
  const char *d6 = "Test Using Larger Than Block-Size Key - Hash Key First";
  check_hmac(
      key, 131, d6, strlen(d6),
      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  /* Test case 7: large key and large data. */
  const char *d7 =
      "This is a test using a larger than block-size key and a larger than "
      "block-size data. The key needs to be hashed before being used by the "
      "HMAC algorithm.";
  check_hmac(
      key, 131, d7, strlen(d7),
      "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

/* Key lengths either side of the 64-byte block against OpenSSL's HMAC. */
static void test_hmac_vs_openssl(void) {
  uint8_t key[200], data[300];
  int ok = 1;
  for (size_t kl = 0; kl <= 150; kl++) {
    for (size_t i = 0; i < kl; i++)
      key[i] = (uint8_t)rnd();
    size_t n = rnd() % sizeof(data);
    for (size_t i = 0; i < n; i++)
      data[i] = (uint8_t)rnd();
    uint8_t want[EVP_MAX_MD_SIZE], got[AWSC_SHA256_LEN];
    unsigned wl = 0;
    HMAC(EVP_sha256(), key, (int)kl, data, n, want, &wl);
    awsc_hmac_sha256(key, kl, data, n, got);
    if (wl != 32 || memcmp(want, got, 32) != 0)
      ok = 0;
  }
  CHECK(ok);
}

/* The SigV4 signing-key chain from the AWS documentation example
 * (secret "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", 20120215,
 * us-east-1, iam). */
static void test_hmac_sigv4_key_chain(void) {
  const char *secret = "AWS4wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  uint8_t k[AWSC_SHA256_LEN];
  awsc_hmac_sha256(secret, strlen(secret), "20120215", 8, k);
  awsc_hmac_sha256(k, 32, "us-east-1", 9, k);
  awsc_hmac_sha256(k, 32, "iam", 3, k);
  awsc_hmac_sha256(k, 32, "aws4_request", 12, k);
  char h[65];
  hex(k, 32, h);
  CHECK_STR(h,
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

static void test_md5_rfc1321(void) {
  static const char *const vec[][2] = {
      {"", "d41d8cd98f00b204e9800998ecf8427e"},
      {"a", "0cc175b9c0f1b6a831c399e269772661"},
      {"abc", "900150983cd24fb0d6963f7d28e17f72"},
      {"message digest", "f96b697d7cb7938d525a2f31aaf161d0"},
      {"abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"},
      {"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
       "d174ab98d277d9f5a5611c2c9f419d9f"},
      {"1234567890123456789012345678901234567890123456789012345678901234567890"
       "1234567890",
       "57edf4a22be3c955ac49da2e2107b67a"},
  };
  for (size_t i = 0; i < AWSC_ARRAY_LEN(vec); i++) {
    uint8_t md[AWSC_MD5_LEN];
    char h[33];
    awsc_md5(vec[i][0], strlen(vec[i][0]), md);
    hex(md, sizeof(md), h);
    CHECK_STR(h, vec[i][1]);
    /* Byte at a time. */
    awsc_md5_ctx ctx;
    awsc_md5_init(&ctx);
    for (const char *p = vec[i][0]; *p; p++)
      awsc_md5_update(&ctx, p, 1);
    awsc_md5_final(&ctx, md);
    hex(md, sizeof(md), h);
    CHECK_STR(h, vec[i][1]);
  }
}

static void test_memcmp_ct(void) {
  uint8_t a[64], b[64];
  for (int i = 0; i < 64; i++)
    a[i] = b[i] = (uint8_t)i;
  CHECK_INT(awsc_memcmp_ct(a, b, 64), 0);
  CHECK_INT(awsc_memcmp_ct(a, b, 0), 0);
  b[0] ^= 1;
  CHECK(awsc_memcmp_ct(a, b, 64) != 0);
  b[0] ^= 1;
  b[63] ^= 0x80;
  CHECK(awsc_memcmp_ct(a, b, 64) != 0);
  CHECK_INT(awsc_memcmp_ct(a, b, 63), 0);
}

static void test_secure_zero(void) {
  uint8_t buf[100];
  memset(buf, 0xff, sizeof(buf));
  awsc_secure_zero(buf + 10, 80);
  CHECK(buf[9] == 0xff && buf[90] == 0xff);
  int ok = 1;
  for (int i = 10; i < 90; i++)
    if (buf[i])
      ok = 0;
  CHECK(ok);
  awsc_secure_zero(NULL, 0);
}

int main(void) {
  RUN(test_sha256_vectors);
  RUN(test_sha256_incremental);
  RUN(test_hmac_rfc4231);
  RUN(test_hmac_vs_openssl);
  RUN(test_hmac_sigv4_key_chain);
  RUN(test_md5_rfc1321);
  RUN(test_memcmp_ct);
  RUN(test_secure_zero);
  return test_summary();
}
