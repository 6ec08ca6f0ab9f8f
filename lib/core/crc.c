/* lib/core/crc.c - CRC32 (IEEE 802.3, zlib's crc32) and CRC32C
 * (Castagnoli), the checksums S3 and the event-stream framing use.
 *
 * Portable path: slicing-by-8 tables built once. On x86-64 the CPU is
 * asked once at run time: CRC32 uses PCLMULQDQ folding (Intel, "Fast CRC
 * Computation for Generic Polynomials Using PCLMULQDQ", 2009); CRC32C uses
 * the SSE4.2 crc32 instruction on three interleaved streams (hiding its
 * 3-cycle latency). When the CPU and OS support AVX-512 with VPCLMULQDQ,
 * inputs of 1 KiB and more of both are folded on 512-bit registers.
 * Interleaved streams are joined with GF(2) "multiply by x^(8n) mod P"
 * operators, the same algebra as zlib's crc32_combine. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CRC_X86 1
#include <immintrin.h>
#endif

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define CRC_LE 1
#endif

#define POLY_CRC32 0xEDB88320u  /* reflected 0x04C11DB7 */
#define POLY_CRC32C 0x82F63B78u /* reflected 0x1EDC6F41 */

static uint32_t tab32[8][256];
static uint32_t tab32c[8][256];
/* x^(2^k) mod P, for the combine operators. */
static uint32_t x2n32[32];
static uint32_t x2n32c[32];

#if CRC_X86
/* Interleaved CRC32C block sizes, per stream. */
#define HW_LONG 8192
#define HW_SHORT 256
/* Smallest input for the 512-bit folding paths. */
#define VPCLMUL_MIN 1024
/* Byte-wise tables of "shift the register past LONG / SHORT zero bytes". */
static uint32_t shift_long[4][256];
static uint32_t shift_short[4][256];
static bool have_sse42;
static bool have_pclmul;
static bool have_vpclmul;
#endif

static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

/* a * b mod P in the reflected representation (bit 31 is x^0). */
static uint32_t multmodp(uint32_t a, uint32_t b, uint32_t poly) {
  uint32_t m = UINT32_C(1) << 31, p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) == 0)
        break;
    }
    m >>= 1;
    b = b & 1 ? (b >> 1) ^ poly : b >> 1;
  }
  return p;
}

/* x^(n * 2^k) mod P. */
static uint32_t x2nmodp(uint64_t n, unsigned k, const uint32_t *x2n,
                        uint32_t poly) {
  uint32_t p = UINT32_C(1) << 31; /* x^0 */
  while (n) {
    if (n & 1)
      p = multmodp(x2n[k & 31], p, poly);
    n >>= 1;
    k++;
  }
  return p;
}

static void build_tables(uint32_t t[8][256], uint32_t *x2n, uint32_t poly) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++)
      c = c & 1 ? (c >> 1) ^ poly : c >> 1;
    t[0][i] = c;
  }
  for (int s = 1; s < 8; s++)
    for (int i = 0; i < 256; i++)
      t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xff];
  uint32_t p = UINT32_C(1) << 30; /* x^1 */
  x2n[0] = p;
  for (int k = 1; k < 32; k++)
    x2n[k] = p = multmodp(p, p, poly);
}

#if CRC_X86
static void build_shift(uint32_t t[4][256], size_t len) {
  uint32_t op = x2nmodp(len, 3, x2n32c, POLY_CRC32C);
  for (int k = 0; k < 4; k++)
    for (uint32_t i = 0; i < 256; i++)
      t[k][i] = multmodp(op, i << (8 * k), POLY_CRC32C);
}
#endif

static void crc_init(void) {
  build_tables(tab32, x2n32, POLY_CRC32);
  build_tables(tab32c, x2n32c, POLY_CRC32C);
#if CRC_X86
  build_shift(shift_long, HW_LONG);
  build_shift(shift_short, HW_SHORT);
  /* AWSC_CRC_DISABLE=avx512 keeps to 128-bit registers, =hw to the
   * tables (like OPENSSL_ia32cap): for tests, benchmarks and CPUs whose
   * clock drops under AVX-512 load. Read once, here. */
  const char *off = getenv("AWSC_CRC_DISABLE");
  bool no_hw = off && strstr(off, "hw");
  bool no_avx512 = no_hw || (off && strstr(off, "avx512"));
  __builtin_cpu_init();
  have_sse42 = !no_hw && __builtin_cpu_supports("sse4.2");
  have_pclmul = have_sse42 && __builtin_cpu_supports("pclmul");
  have_vpclmul = !no_avx512 && have_pclmul &&
                 __builtin_cpu_supports("avx512f") &&
                 __builtin_cpu_supports("avx512vl") &&
                 __builtin_cpu_supports("vpclmulqdq");
#endif
}

/* Table CRC on the raw (not inverted) register. */
static uint32_t crc_table_raw(const uint32_t t[8][256], uint32_t crc,
                              const uint8_t *p, size_t n) {
#if CRC_LE
  while (n >= 8) {
    uint32_t a, b;
    memcpy(&a, p, 4);
    memcpy(&b, p + 4, 4);
    a ^= crc;
    crc = t[7][a & 0xff] ^ t[6][(a >> 8) & 0xff] ^ t[5][(a >> 16) & 0xff] ^
          t[4][a >> 24] ^ t[3][b & 0xff] ^ t[2][(b >> 8) & 0xff] ^
          t[1][(b >> 16) & 0xff] ^ t[0][b >> 24];
    p += 8;
    n -= 8;
  }
#endif
  while (n--)
    crc = t[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
  return crc;
}

uint32_t awsc_crc32_sw(uint32_t crc, const void *data, size_t n) {
  pthread_once(&crc_once, crc_init);
  return ~crc_table_raw(tab32, ~crc, data, n);
}

uint32_t awsc_crc32c_sw(uint32_t crc, const void *data, size_t n) {
  pthread_once(&crc_once, crc_init);
  return ~crc_table_raw(tab32c, ~crc, data, n);
}

#if CRC_X86
static inline uint64_t load64(const uint8_t *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}

static inline uint32_t shift_by(const uint32_t t[4][256], uint32_t c) {
  return t[0][c & 0xff] ^ t[1][(c >> 8) & 0xff] ^ t[2][(c >> 16) & 0xff] ^
         t[3][c >> 24];
}

__attribute__((target("sse4.2"))) static uint32_t
crc32c_hw_raw(uint32_t crc, const uint8_t *p, size_t n) {
  uint64_t c0 = crc;
  while (n >= 3 * HW_LONG) {
    uint64_t c1 = 0, c2 = 0;
    const uint8_t *end = p + HW_LONG;
    do {
      c0 = _mm_crc32_u64(c0, load64(p));
      c1 = _mm_crc32_u64(c1, load64(p + HW_LONG));
      c2 = _mm_crc32_u64(c2, load64(p + 2 * HW_LONG));
      p += 8;
    } while (p < end);
    c0 = shift_by(shift_long, (uint32_t)c0) ^ (uint32_t)c1;
    c0 = shift_by(shift_long, (uint32_t)c0) ^ (uint32_t)c2;
    p += 2 * HW_LONG;
    n -= 3 * HW_LONG;
  }
  while (n >= 3 * HW_SHORT) {
    uint64_t c1 = 0, c2 = 0;
    const uint8_t *end = p + HW_SHORT;
    do {
      c0 = _mm_crc32_u64(c0, load64(p));
      c1 = _mm_crc32_u64(c1, load64(p + HW_SHORT));
      c2 = _mm_crc32_u64(c2, load64(p + 2 * HW_SHORT));
      p += 8;
    } while (p < end);
    c0 = shift_by(shift_short, (uint32_t)c0) ^ (uint32_t)c1;
    c0 = shift_by(shift_short, (uint32_t)c0) ^ (uint32_t)c2;
    p += 2 * HW_SHORT;
    n -= 3 * HW_SHORT;
  }
  while (n >= 8) {
    c0 = _mm_crc32_u64(c0, load64(p));
    p += 8;
    n -= 8;
  }
  uint32_t c = (uint32_t)c0;
  while (n--)
    c = _mm_crc32_u8(c, *p++);
  return c;
}

/* Folding constants (Intel paper, bit-reflected domain): for a fold
 * distance of D bits, lo = x^(D+32) mod P and hi = x^(D-32) mod P,
 * reflected and shifted left one bit; f64 = x^64 mod P likewise; poly is
 * P and mu = x^64 / P, both reflected over 33 bits, for the Barrett
 * reduction. The CRC32 set matches the paper and zlib-ng; both sets were
 * derived by the same script, and the tests check every path against the
 * table code. */
typedef struct fold_consts {
  int64_t f2048_lo, f2048_hi, f512_lo, f512_hi, f128_lo, f128_hi, f64, poly, mu;
} fold_consts;

static const fold_consts k_crc32 = {
    0x011542778a, 0x01322d1430, 0x0154442bd4, 0x01c6e41596, 0x01751997d0,
    0x00ccaa009e, 0x0163cd6124, 0x01db710641, 0x01f7011641,
};
static const fold_consts k_crc32c = {
    0x00dcb17aa4, 0x00b9e02b86, 0x00740eef02, 0x009e4addf8, 0x00f20c0dfe,
    0x014cd00bd6, 0x00dd45aab8, 0x0105ec76f1, 0x00dea713f1,
};

/* Fold four 128-bit lanes (x1 earliest) into one, fold in the remaining
 * n bytes (a multiple of 16) and reduce to the 32-bit raw register. */
__attribute__((target("sse4.2,pclmul"))) static uint32_t
fold_finish(const fold_consts *k, __m128i x1, __m128i x2, __m128i x3,
            __m128i x4, const uint8_t *p, size_t n) {
  const __m128i k3k4 = _mm_set_epi64x(k->f128_hi, k->f128_lo);
  const __m128i k5k0 = _mm_set_epi64x(0, k->f64);
  const __m128i poly = _mm_set_epi64x(k->mu, k->poly);
  const __m128i mask32 = _mm_setr_epi32(~0, 0, ~0, 0);
  __m128i x5;

  x5 = _mm_clmulepi64_si128(x1, k3k4, 0x00);
  x1 = _mm_clmulepi64_si128(x1, k3k4, 0x11);
  x1 = _mm_xor_si128(_mm_xor_si128(x1, x2), x5);
  x5 = _mm_clmulepi64_si128(x1, k3k4, 0x00);
  x1 = _mm_clmulepi64_si128(x1, k3k4, 0x11);
  x1 = _mm_xor_si128(_mm_xor_si128(x1, x3), x5);
  x5 = _mm_clmulepi64_si128(x1, k3k4, 0x00);
  x1 = _mm_clmulepi64_si128(x1, k3k4, 0x11);
  x1 = _mm_xor_si128(_mm_xor_si128(x1, x4), x5);

  while (n >= 16) {
    x2 = _mm_loadu_si128((const __m128i *)p);
    x5 = _mm_clmulepi64_si128(x1, k3k4, 0x00);
    x1 = _mm_clmulepi64_si128(x1, k3k4, 0x11);
    x1 = _mm_xor_si128(_mm_xor_si128(x1, x2), x5);
    p += 16;
    n -= 16;
  }

  /* 128 -> 64 bits. */
  x2 = _mm_clmulepi64_si128(x1, k3k4, 0x10);
  x1 = _mm_xor_si128(_mm_srli_si128(x1, 8), x2);
  x2 = _mm_srli_si128(x1, 4);
  x1 = _mm_and_si128(x1, mask32);
  x1 = _mm_clmulepi64_si128(x1, k5k0, 0x00);
  x1 = _mm_xor_si128(x1, x2);

  /* Barrett reduction to 32 bits. */
  x2 = _mm_and_si128(x1, mask32);
  x2 = _mm_clmulepi64_si128(x2, poly, 0x10);
  x2 = _mm_and_si128(x2, mask32);
  x2 = _mm_clmulepi64_si128(x2, poly, 0x00);
  x1 = _mm_xor_si128(x1, x2);
  return (uint32_t)_mm_extract_epi32(x1, 1);
}

/* PCLMULQDQ folding over n bytes, n >= 64 and a multiple of 16, on the
 * raw register: four independent 128-bit lanes, each folded 512 bits
 * forward per step, so the multiplier's latency overlaps. */
__attribute__((target("sse4.2,pclmul"))) static uint32_t
fold_pclmul_raw(const fold_consts *k, uint32_t crc, const uint8_t *p,
                size_t n) {
  const __m128i k1k2 = _mm_set_epi64x(k->f512_hi, k->f512_lo);
  __m128i x1, x2, x3, x4, x5, x6, x7, x8;

  x1 = _mm_loadu_si128((const __m128i *)(p + 0x00));
  x2 = _mm_loadu_si128((const __m128i *)(p + 0x10));
  x3 = _mm_loadu_si128((const __m128i *)(p + 0x20));
  x4 = _mm_loadu_si128((const __m128i *)(p + 0x30));
  x1 = _mm_xor_si128(x1, _mm_cvtsi32_si128((int)crc));
  p += 64;
  n -= 64;

  while (n >= 64) {
    x5 = _mm_clmulepi64_si128(x1, k1k2, 0x00);
    x6 = _mm_clmulepi64_si128(x2, k1k2, 0x00);
    x7 = _mm_clmulepi64_si128(x3, k1k2, 0x00);
    x8 = _mm_clmulepi64_si128(x4, k1k2, 0x00);
    x1 = _mm_clmulepi64_si128(x1, k1k2, 0x11);
    x2 = _mm_clmulepi64_si128(x2, k1k2, 0x11);
    x3 = _mm_clmulepi64_si128(x3, k1k2, 0x11);
    x4 = _mm_clmulepi64_si128(x4, k1k2, 0x11);
    x1 = _mm_xor_si128(_mm_xor_si128(x1, x5),
                       _mm_loadu_si128((const __m128i *)(p + 0x00)));
    x2 = _mm_xor_si128(_mm_xor_si128(x2, x6),
                       _mm_loadu_si128((const __m128i *)(p + 0x10)));
    x3 = _mm_xor_si128(_mm_xor_si128(x3, x7),
                       _mm_loadu_si128((const __m128i *)(p + 0x20)));
    x4 = _mm_xor_si128(_mm_xor_si128(x4, x8),
                       _mm_loadu_si128((const __m128i *)(p + 0x30)));
    p += 64;
    n -= 64;
  }
  return fold_finish(k, x1, x2, x3, x4, p, n);
}

/* The same folding on 512-bit registers (VPCLMULQDQ): four registers of
 * four lanes, 256 bytes per step. n >= 256 and a multiple of 16. */
__attribute__((
    target("avx512f,avx512vl,vpclmulqdq,pclmul,sse4.2"))) static uint32_t
fold_vpclmul_raw(const fold_consts *k, uint32_t crc, const uint8_t *p,
                 size_t n) {
  const __m512i f2048 =
      _mm512_set4_epi64(k->f2048_hi, k->f2048_lo, k->f2048_hi, k->f2048_lo);
  const __m512i f512 =
      _mm512_set4_epi64(k->f512_hi, k->f512_lo, k->f512_hi, k->f512_lo);
  __m512i z0 = _mm512_loadu_si512((const void *)(p + 0x00));
  __m512i z1 = _mm512_loadu_si512((const void *)(p + 0x40));
  __m512i z2 = _mm512_loadu_si512((const void *)(p + 0x80));
  __m512i z3 = _mm512_loadu_si512((const void *)(p + 0xc0));
  z0 = _mm512_xor_si512(z0, _mm512_inserti32x4(_mm512_setzero_si512(),
                                               _mm_cvtsi32_si128((int)crc), 0));
  p += 256;
  n -= 256;

/* a*k_lo ^ a*k_hi ^ b, per 128-bit lane (0x96 is a three-way xor). */
#define FOLD512(a, k, b)                                                       \
  _mm512_ternarylogic_epi64(_mm512_clmulepi64_epi128(a, k, 0x00),              \
                            _mm512_clmulepi64_epi128(a, k, 0x11), b, 0x96)
  while (n >= 256) {
    z0 = FOLD512(z0, f2048, _mm512_loadu_si512((const void *)(p + 0x00)));
    z1 = FOLD512(z1, f2048, _mm512_loadu_si512((const void *)(p + 0x40)));
    z2 = FOLD512(z2, f2048, _mm512_loadu_si512((const void *)(p + 0x80)));
    z3 = FOLD512(z3, f2048, _mm512_loadu_si512((const void *)(p + 0xc0)));
    p += 256;
    n -= 256;
  }
  /* Each register is 512 bits ahead of the previous one. */
  z1 = FOLD512(z0, f512, z1);
  z2 = FOLD512(z1, f512, z2);
  z3 = FOLD512(z2, f512, z3);
#undef FOLD512
  return fold_finish(
      k, _mm512_extracti32x4_epi32(z3, 0), _mm512_extracti32x4_epi32(z3, 1),
      _mm512_extracti32x4_epi32(z3, 2), _mm512_extracti32x4_epi32(z3, 3), p, n);
}
#endif /* CRC_X86 */

uint32_t awsc_crc32(uint32_t crc, const void *data, size_t n) {
  pthread_once(&crc_once, crc_init);
  const uint8_t *p = data;
  uint32_t c = ~crc;
#if CRC_X86
  if (have_pclmul && n >= 64) {
    size_t chunk = n & ~(size_t)15;
    /* Short inputs stay on 128-bit registers: not worth waking the
     * 512-bit units for. */
    c = have_vpclmul && chunk >= VPCLMUL_MIN
            ? fold_vpclmul_raw(&k_crc32, c, p, chunk)
            : fold_pclmul_raw(&k_crc32, c, p, chunk);
    p += chunk;
    n -= chunk;
  }
#endif
  return ~crc_table_raw(tab32, c, p, n);
}

uint32_t awsc_crc32c(uint32_t crc, const void *data, size_t n) {
  pthread_once(&crc_once, crc_init);
#if CRC_X86
  if (have_sse42) {
    const uint8_t *p = data;
    uint32_t c = ~crc;
    /* 512-bit folding outruns even three interleaved crc32 streams; on
     * 128-bit registers it would not, so those CPUs keep the instruction. */
    if (have_vpclmul && n >= VPCLMUL_MIN) {
      size_t chunk = n & ~(size_t)15;
      c = fold_vpclmul_raw(&k_crc32c, c, p, chunk);
      p += chunk;
      n -= chunk;
    }
    return ~crc32c_hw_raw(c, p, n);
  }
#endif
  return ~crc_table_raw(tab32c, ~crc, data, n);
}

const char *awsc_crc32_impl(void) {
  pthread_once(&crc_once, crc_init);
#if CRC_X86
  if (have_vpclmul)
    return "vpclmulqdq";
  if (have_pclmul)
    return "pclmul";
#endif
  return "table";
}

const char *awsc_crc32c_impl(void) {
  pthread_once(&crc_once, crc_init);
#if CRC_X86
  if (have_vpclmul)
    return "vpclmulqdq";
  if (have_sse42)
    return "sse4.2";
#endif
  return "table";
}

uint32_t awsc_crc32_combine(uint32_t crc1, uint32_t crc2, uint64_t len2) {
  pthread_once(&crc_once, crc_init);
  return multmodp(x2nmodp(len2, 3, x2n32, POLY_CRC32), crc1, POLY_CRC32) ^ crc2;
}

uint32_t awsc_crc32c_combine(uint32_t crc1, uint32_t crc2, uint64_t len2) {
  pthread_once(&crc_once, crc_init);
  return multmodp(x2nmodp(len2, 3, x2n32c, POLY_CRC32C), crc1, POLY_CRC32C) ^
         crc2;
}
