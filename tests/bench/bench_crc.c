/* bench_crc - throughput of CRC32 / CRC32C (lib/core/crc.c) and CRC-64/NVME
 * (lib/auth/checksum_crc64.c), hardware and
 * table paths, with zlib's crc32 side by side when it was found at build
 * time. Best of N passes over a 64 MiB buffer (what streaming a large
 * object costs, often memory-bound) and over a 256 KiB cache-resident
 * slice of it (the compute speed of the code); one line per variant. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/checksum.h"
#include "core/core.h"

#ifdef BENCH_HAVE_ZLIB
#include <zlib.h>
#endif

#define BUF_SIZE ((size_t)64 << 20)
#define HOT_SIZE ((size_t)256 << 10)
#define REPS 7

typedef uint32_t (*crc_fn)(uint32_t, const void *, size_t);

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static volatile uint32_t sink;

/* Best-of-REPS throughput in GB/s (1e9 bytes per second) of `passes`
 * back-to-back checksums of buf[0..n). */
static double measure(crc_fn fn, const uint8_t *buf, size_t n, int passes,
                      uint32_t *out) {
  double best = 1e30;
  uint32_t c = 0;
  for (int r = 0; r < REPS; r++) {
    double t0 = now_s();
    for (int i = 0; i < passes; i++)
      c = fn(0, buf, n);
    double dt = now_s() - t0;
    sink ^= c;
    if (dt < best)
      best = dt;
  }
  *out = c;
  return (double)n * passes / best / 1e9;
}

typedef struct variant {
  const char *name;
  const char *impl;
  crc_fn fn;
  double big_gbs, hot_gbs;
  uint32_t crc;
} variant;

static void run(variant *v, const uint8_t *buf) {
  uint32_t hot;
  v->big_gbs = measure(v->fn, buf, BUF_SIZE, 1, &v->crc);
  v->hot_gbs = measure(v->fn, buf, HOT_SIZE, (int)(BUF_SIZE / HOT_SIZE), &hot);
  printf("%-16s %-8s %8.2f GB/s (64 MiB) %8.2f GB/s (256 KiB hot)  crc=%08x\n",
         v->name, v->impl, v->big_gbs, v->hot_gbs, v->crc);
}

#ifdef BENCH_HAVE_ZLIB
/* zlib takes uInt lengths; feed it in 1 GiB-safe pieces. */
static uint32_t zlib_crc32(uint32_t crc, const void *data, size_t n) {
  const Bytef *p = data;
  uLong c = crc;
  while (n) {
    uInt k = n > (1u << 30) ? (1u << 30) : (uInt)n;
    c = crc32(c, p, k);
    p += k;
    n -= k;
  }
  return (uint32_t)c;
}
#endif

/* CRC-64/NVME folded to 32 bits for the table below (the bench starts
 * every run from 0). */
static uint32_t crc64_hw(uint32_t crc, const void *data, size_t n) {
  uint64_t c = awsc_crc64nvme(crc, data, n);
  return (uint32_t)(c ^ (c >> 32));
}
static uint32_t crc64_sw(uint32_t crc, const void *data, size_t n) {
  uint64_t c = awsc_crc64nvme_sw(crc, data, n);
  return (uint32_t)(c ^ (c >> 32));
}

int main(void) {
  uint8_t *buf = malloc(BUF_SIZE);
  if (!buf) {
    fprintf(stderr, "bench_crc: out of memory\n");
    return 1;
  }
  uint64_t s = 0x9E3779B97F4A7C15u;
  for (size_t i = 0; i < BUF_SIZE; i += 8) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    memcpy(buf + i, &s, 8);
  }
  printf("bench_crc: %zu MiB buffer, best of %d\n", BUF_SIZE >> 20, REPS);

  variant v[] = {
      {"awsc_crc32", awsc_crc32_impl(), awsc_crc32, 0, 0, 0},
      {"awsc_crc32_sw", "table", awsc_crc32_sw, 0, 0, 0},
      {"awsc_crc32c", awsc_crc32c_impl(), awsc_crc32c, 0, 0, 0},
      {"awsc_crc32c_sw", "table", awsc_crc32c_sw, 0, 0, 0},
      {"awsc_crc64nvme", awsc_crc64nvme_impl(), crc64_hw, 0, 0, 0},
      {"awsc_crc64_sw", "table", crc64_sw, 0, 0, 0},
#ifdef BENCH_HAVE_ZLIB
      {"zlib crc32", zlibVersion(), zlib_crc32, 0, 0, 0},
#endif
  };
  for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
    run(&v[i], buf);
  int rc = v[0].crc != v[1].crc || v[2].crc != v[3].crc || v[4].crc != v[5].crc;
#ifdef BENCH_HAVE_ZLIB
  const variant *z = &v[6];
  rc |= z->crc != v[0].crc;
  printf("%-16s %-8s %8.2fx (64 MiB) %13.2fx (256 KiB hot)\n",
         "awsc_crc32/zlib", "ratio", v[0].big_gbs / z->big_gbs,
         v[0].hot_gbs / z->hot_gbs);
  printf("%-16s %-8s %8.2fx (64 MiB) %13.2fx (256 KiB hot)\n", "crc32_sw/zlib",
         "ratio", v[1].big_gbs / z->big_gbs, v[1].hot_gbs / z->hot_gbs);
#else
  printf("zlib crc32: skipped (zlib not found at build time)\n");
#endif
  if (rc)
    fprintf(stderr, "bench_crc: paths disagree on the checksum\n");
  free(buf);
  return rc;
}
