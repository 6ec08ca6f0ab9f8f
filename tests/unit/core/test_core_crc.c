/* Unit tests: CRC32 / CRC32C check values, incremental and unaligned use,
 * hardware vs table paths, combine. */
#include "core/core.h"
#include "test.h"

#ifdef AWSC_TEST_HAVE_ZLIB
#include <zlib.h>
#endif

static uint64_t rng_state = 0xDA942042E4DD58B5u;
static uint32_t rnd(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return (uint32_t)(rng_state >> 11);
}

#define BIG (1u << 20)
static uint8_t *big;

typedef uint32_t (*crc_fn)(uint32_t, const void *, size_t);
static const struct {
  const char *name;
  crc_fn fn;
} impls[] = {
    {"crc32", awsc_crc32},
    {"crc32_sw", awsc_crc32_sw},
    {"crc32c", awsc_crc32c},
    {"crc32c_sw", awsc_crc32c_sw},
};

static void test_check_values(void) {
  CHECK_INT(awsc_crc32(0, "123456789", 9), 0xCBF43926u);
  CHECK_INT(awsc_crc32_sw(0, "123456789", 9), 0xCBF43926u);
  CHECK_INT(awsc_crc32c(0, "123456789", 9), 0xE3069283u);
  CHECK_INT(awsc_crc32c_sw(0, "123456789", 9), 0xE3069283u);
  for (size_t i = 0; i < AWSC_ARRAY_LEN(impls); i++)
    CHECK_INT(impls[i].fn(0, "", 0), 0);
  const char *fox = "The quick brown fox jumps over the lazy dog";
  CHECK_INT(awsc_crc32(0, fox, strlen(fox)), 0x414FA339u);
  CHECK_INT(awsc_crc32c(0, fox, strlen(fox)), 0x22620404u);
}

/* RFC 3720 (iSCSI) appendix B.4 CRC32C examples. */
static void test_crc32c_rfc3720(void) {
  uint8_t b[32];
  memset(b, 0, 32);
  CHECK_INT(awsc_crc32c(0, b, 32), 0x8A9136AAu);
  CHECK_INT(awsc_crc32c_sw(0, b, 32), 0x8A9136AAu);
  memset(b, 0xff, 32);
  CHECK_INT(awsc_crc32c(0, b, 32), 0x62A8AB43u);
  for (int i = 0; i < 32; i++)
    b[i] = (uint8_t)i;
  CHECK_INT(awsc_crc32c(0, b, 32), 0x46DD794Eu);
  for (int i = 0; i < 32; i++)
    b[i] = (uint8_t)(31 - i);
  CHECK_INT(awsc_crc32c(0, b, 32), 0x113FDB5Cu);
}

/* Random chunkings from random (unaligned) starts equal one shot. */
static void test_incremental(void) {
  for (size_t f = 0; f < AWSC_ARRAY_LEN(impls); f++) {
    int ok = 1;
    for (int round = 0; round < 200; round++) {
      size_t start = rnd() % 64;
      size_t n = round < 100 ? rnd() % 2000 : rnd() % (BIG - 64);
      uint32_t one = impls[f].fn(0, big + start, n);
      uint32_t inc = 0;
      size_t off = 0;
      while (off < n) {
        size_t k = (round & 1) ? rnd() % 97 : rnd() % 70000;
        if (k > n - off)
          k = n - off;
        inc = impls[f].fn(inc, big + start + off, k);
        off += k;
      }
      if (one != inc) {
        if (ok)
          fprintf(stderr, "%s: start %zu len %zu differs\n", impls[f].name,
                  start, n);
        ok = 0;
      }
    }
    CHECK(ok);
  }
}

/* Every length up to a few blocks and around the interleaving thresholds
 * of the hardware paths, at every alignment. */
static void test_hw_vs_table_lengths(void) {
  static const size_t around[] = {3 * 256, 3 * 8192, 64, 128, 3 * 256 + 64};
  int ok = 1;
  for (size_t align = 0; align < 16; align++) {
    for (size_t n = 0; n < 1100; n++) {
      if (awsc_crc32(7, big + align, n) != awsc_crc32_sw(7, big + align, n) ||
          awsc_crc32c(7, big + align, n) != awsc_crc32c_sw(7, big + align, n))
        ok = 0;
    }
    for (size_t a = 0; a < AWSC_ARRAY_LEN(around); a++)
      for (size_t n = around[a] - 20; n < around[a] + 20; n++)
        if (awsc_crc32(0, big + align, n) != awsc_crc32_sw(0, big + align, n) ||
            awsc_crc32c(0, big + align, n) != awsc_crc32c_sw(0, big + align, n))
          ok = 0;
  }
  CHECK(ok);
}

static void test_hw_vs_table_1mib(void) {
  CHECK_INT(awsc_crc32(0, big, BIG), awsc_crc32_sw(0, big, BIG));
  CHECK_INT(awsc_crc32c(0, big, BIG), awsc_crc32c_sw(0, big, BIG));
  CHECK_INT(awsc_crc32(0, big + 3, BIG - 3),
            awsc_crc32_sw(0, big + 3, BIG - 3));
  CHECK_INT(awsc_crc32c(0, big + 5, BIG - 5),
            awsc_crc32c_sw(0, big + 5, BIG - 5));
}

#ifdef AWSC_TEST_HAVE_ZLIB
static void test_vs_zlib(void) {
  int ok = 1;
  for (int round = 0; round < 100; round++) {
    size_t start = rnd() % 64, n = rnd() % (BIG - 64);
    uLong z = crc32(0, big + start, (uInt)n);
    if ((uint32_t)z != awsc_crc32(0, big + start, n) ||
        (uint32_t)z != awsc_crc32_sw(0, big + start, n))
      ok = 0;
  }
  CHECK(ok);
}
#endif

static void test_combine(void) {
  int ok = 1;
  for (int round = 0; round < 100; round++) {
    size_t n1 = rnd() % 5000, n2 = round < 10 ? 0 : rnd() % 100000;
    uint32_t a = awsc_crc32(0, big, n1), b = awsc_crc32(0, big + n1, n2);
    if (awsc_crc32_combine(a, b, n2) != awsc_crc32(0, big, n1 + n2))
      ok = 0;
    a = awsc_crc32c(0, big, n1);
    b = awsc_crc32c(0, big + n1, n2);
    if (awsc_crc32c_combine(a, b, n2) != awsc_crc32c(0, big, n1 + n2))
      ok = 0;
  }
  CHECK(ok);
}

int main(void) {
  big = malloc(BIG);
  if (!big)
    return 1;
  for (size_t i = 0; i < BIG; i++)
    big[i] = (uint8_t)rnd();
  RUN(test_check_values);
  RUN(test_crc32c_rfc3720);
  RUN(test_incremental);
  printf("     crc32 path: %s, crc32c path: %s\n", awsc_crc32_impl(),
         awsc_crc32c_impl());
  if (strcmp(awsc_crc32_impl(), "table") ||
      strcmp(awsc_crc32c_impl(), "table")) {
    RUN(test_hw_vs_table_lengths);
    RUN(test_hw_vs_table_1mib);
  } else {
    SKIP("test_hw_vs_table_lengths",
         "no hardware CRC path (CPU lacks one or AWSC_CRC_DISABLE=hw)");
    SKIP("test_hw_vs_table_1mib",
         "no hardware CRC path (CPU lacks one or AWSC_CRC_DISABLE=hw)");
  }
#ifdef AWSC_TEST_HAVE_ZLIB
  RUN(test_vs_zlib);
#else
  SKIP("test_vs_zlib", "zlib not available at build time");
#endif
  RUN(test_combine);
  free(big);
  return test_summary();
}
