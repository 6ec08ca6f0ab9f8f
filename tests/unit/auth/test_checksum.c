/* Unit tests: the flexible checksums of lib/auth (checksum.c,
 * checksum_crc64.c): CRC-64/NVME check values (the CRC catalogue's, the
 * AWS SDKs' "Hello world" vectors), every folding path against a
 * bit-serial reference at every length and alignment, incremental use,
 * and the header values of each algorithm. */
#include <stdlib.h>

#include "auth/checksum.h"
#include "test.h"

/* Bit at a time, straight from the definition: the reference. */
static uint64_t crc64_bits(const uint8_t *p, size_t n) {
  uint64_t c = ~(uint64_t)0;
  while (n--) {
    c ^= *p++;
    for (int k = 0; k < 8; k++)
      c = c & 1 ? (c >> 1) ^ 0x9a6c9329ac4bc9b5ull : c >> 1;
  }
  return ~c;
}

static uint64_t rng_state = 0x9E3779B97F4A7C15u;
static uint8_t rnd8(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return (uint8_t)(rng_state >> 29);
}

static void test_check_values(void) {
  fprintf(stderr, "CRC64NVME path: %s\n", awsc_crc64nvme_impl());
  CHECK(awsc_crc64nvme(0, "123456789", 9) == 0xae8b14860a799888ull);
  CHECK(awsc_crc64nvme_sw(0, "123456789", 9) == 0xae8b14860a799888ull);
  CHECK(awsc_crc64nvme(0, "", 0) == 0);
  uint8_t b[32];
  memset(b, 0, sizeof(b));
  CHECK(awsc_crc64nvme(0, b, 32) == 0xcf3473434d4ecf3bull);
  memset(b, 0xff, sizeof(b));
  CHECK(awsc_crc64nvme(0, b, 32) == 0xa0a06974c34d63c4ull);
}

/* Every length up to 4 KiB + 100 (the 128-bit, 512-bit and table paths
 * and their tails) from every start modulo 64; then long inputs. */
static void test_paths(void) {
  size_t cap = 3 * 1024 * 1024;
  uint8_t *buf = malloc(cap);
  CHECK(buf != NULL);
  if (!buf)
    return;
  for (size_t i = 0; i < cap; i++)
    buf[i] = rnd8();
  int bad = 0;
  for (size_t len = 0; len <= 4196 && bad < 5; len++)
    for (size_t off = 0; off < 64; off += len < 600 ? 1 : 13) {
      uint64_t want = crc64_bits(buf + off, len);
      if (awsc_crc64nvme(0, buf + off, len) != want ||
          awsc_crc64nvme_sw(0, buf + off, len) != want) {
        fprintf(stderr, "CRC64NVME wrong at length %zu offset %zu\n", len, off);
        bad++;
        break;
      }
    }
  CHECK_INT(bad, 0);
  size_t longs[] = {65536, 1000003, cap - 7};
  for (size_t i = 0; i < AWSC_ARRAY_LEN(longs); i++) {
    uint64_t want = crc64_bits(buf + 7, longs[i]);
    CHECK(awsc_crc64nvme(0, buf + 7, longs[i]) == want);
    CHECK(awsc_crc64nvme_sw(0, buf + 7, longs[i]) == want);
    /* in random pieces, as a streamed body is hashed */
    uint64_t c = 0;
    size_t done = 0;
    while (done < longs[i]) {
      size_t k = (size_t)rnd8() * (size_t)rnd8() * 3 + 1;
      if (k > longs[i] - done)
        k = longs[i] - done;
      c = awsc_crc64nvme(c, buf + 7 + done, k);
      done += k;
    }
    CHECK(c == want);
  }
  free(buf);
}

/* The AWS SDKs' flexible-checksum vectors for "Hello world", through the
 * incremental API and the header helper. */
static void test_headers(void) {
  static const struct {
    const char *alg, *header, *value;
  } v[] = {
      {"CRC32", "x-amz-checksum-crc32", "i9aeUg=="},
      {"crc32c", "x-amz-checksum-crc32c", "crUfeA=="},
      {"CRC64NVME", "x-amz-checksum-crc64nvme", "OOJZ0D8xKts="},
      {"SHA1", "x-amz-checksum-sha1", "e1AsOh9IyGCa4hLN+2Od7jlnP14="},
      {"SHA256", "x-amz-checksum-sha256",
       "ZOyIygCyaOW6GjVnihtTFtIS9PNmskdyMlNKiuyjfzw="},
  };
  awsc_arena *a = awsc_arena_new(0);
  CHECK(a != NULL);
  for (size_t i = 0; a && i < AWSC_ARRAY_LEN(v); i++) {
    const char *name = NULL, *value = NULL;
    CHECK_INT(
        awsc_checksum_header(a, v[i].alg, "Hello world", 11, &name, &value), 0);
    CHECK_STR(name, v[i].header);
    CHECK_STR(value, v[i].value);
    int alg = awsc_checksum_find(v[i].alg);
    CHECK(alg >= 0);
    if (alg < 0)
      continue;
    awsc_checksum c;
    char b64[AWSC_CKSUM_B64_MAX];
    awsc_checksum_init(&c, alg);
    awsc_checksum_update(&c, "Hello", 5);
    awsc_checksum_update(&c, " world", 6);
    awsc_checksum_final_b64(&c, b64);
    CHECK_STR(b64, v[i].value);
  }
  const char *name, *value;
  CHECK_INT(awsc_checksum_header(a, "MD5", "x", 1, &name, &value),
            AWSC_EUNSUPPORTED);
  CHECK_INT(awsc_checksum_find("XXHASH64"), -1);
  CHECK_INT((int)awsc_checksum_digest_len(awsc_checksum_find("CRC64NVME")), 8);
  awsc_arena_free(a);
}

int main(void) {
  RUN(test_check_values);
  RUN(test_paths);
  RUN(test_headers);
  return test_summary();
}
