/*
 * tests/bench/bench_parse.c - response parsing speed: a 1000-key
 * ListObjectsV2 page (FetchOwner, ~400 KB) parsed into the output value
 * with the S3 model, best of N runs, microseconds per parse. Each run
 * includes the arena the output lives in, as a real call does.
 *
 * The page is generated here with a fixed seed (realistic keys, ETags,
 * sizes, LastModified, StorageClass, Owner) and written to --xml-out so
 * tests/bench/parse_botocore.py parses the very same bytes;
 * tests/bench/run_parse_bench.sh runs both and prints the ratio.
 *
 * usage: bench_parse <s3 service-2.json> [--runs N] [--xml-out FILE]
 *                    [--tokenizer auto|expat|scan]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "protocols/parse_internal.h"
#include "protocols/protocol.h"

#define N_KEYS 1000

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t next_rand(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

static const char *const dirs[] = {"photos",        "logs",    "backups",
                                   "assets",        "reports", "data/raw",
                                   "data/processed"};
static const char *const exts[] = {".jpg",     ".png",  ".json", ".csv.gz",
                                   ".parquet", ".html", ".log"};
static const char *const classes[] = {"STANDARD", "STANDARD",
                                      "STANDARD", "STANDARD_IA",
                                      "GLACIER",  "INTELLIGENT_TIERING"};

static int build_page(awsc_buf *b) {
  int rc = awsc_buf_puts(
      b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
         "<Name>example-company-data-lake</Name><Prefix></Prefix>"
         "<NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOw"
         "M=</NextContinuationToken><KeyCount>1000</KeyCount>"
         "<MaxKeys>1000</MaxKeys><IsTruncated>true</IsTruncated>");
  int64_t base_ms = 1704067200000; /* 2024-01-01 */
  for (int i = 0; rc == 0 && i < N_KEYS; i++) {
    uint64_t r = next_rand();
    char key[160], lm[32], etag[40];
    int64_t ms = base_ms + (int64_t)(next_rand() % (365ull * 86400000ull));
    snprintf(key, sizeof(key), "%s/%04d/%02d/%02d/object-%06d-%08llx%s",
             dirs[r % AWSC_ARRAY_LEN(dirs)], 2024, (int)(r >> 8) % 12 + 1,
             (int)(r >> 16) % 28 + 1, i,
             (unsigned long long)(next_rand() & 0xffffffff),
             exts[(r >> 24) % AWSC_ARRAY_LEN(exts)]);
    awsc_time_format_iso8601(ms - ms % 1000, false, lm);
    /* S3 sends milliseconds: "2024-03-05T10:20:30.000Z" */
    lm[19] = '\0';
    uint64_t e1 = next_rand(), e2 = next_rand();
    snprintf(etag, sizeof(etag), "%016llx%016llx", (unsigned long long)e1,
             (unsigned long long)e2);
    rc = awsc_buf_printf(
        b,
        "<Contents><Key>%s</Key><LastModified>%s.000Z</LastModified>"
        "<ETag>&quot;%s&quot;</ETag><ChecksumAlgorithm>CRC32</"
        "ChecksumAlgorithm>"
        "<Size>%llu</Size><Owner><DisplayName>data-platform</DisplayName>"
        "<ID>75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a"
        "</ID></Owner><StorageClass>%s</StorageClass></Contents>",
        key, lm, etag, (unsigned long long)(next_rand() % 50000000ull),
        classes[next_rand() % AWSC_ARRAY_LEN(classes)]);
  }
  if (rc == 0)
    rc = awsc_buf_puts(b, "<StartAfter>photos/2023/</StartAfter>"
                          "</ListBucketResult>");
  return rc;
}

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *p = malloc((size_t)n + 1);
  if (p && fread(p, 1, (size_t)n, f) != (size_t)n) {
    free(p);
    p = NULL;
  }
  fclose(f);
  if (p) {
    p[n] = '\0';
    *len = (size_t)n;
  }
  return p;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr,
            "usage: %s <s3 service-2.json> [--runs N] [--xml-out FILE] "
            "[--tokenizer auto|expat|scan]\n",
            argv[0]);
    return 2;
  }
  int runs = 300;
  const char *xml_out = NULL;
  int tokenizer = AWSC_XML_AUTO;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--runs") == 0)
      runs = atoi(argv[i + 1]);
    else if (strcmp(argv[i], "--xml-out") == 0)
      xml_out = argv[i + 1];
    else if (strcmp(argv[i], "--tokenizer") == 0)
      tokenizer = strcmp(argv[i + 1], "expat") == 0  ? AWSC_XML_EXPAT
                  : strcmp(argv[i + 1], "scan") == 0 ? AWSC_XML_SCAN
                                                     : AWSC_XML_AUTO;
  }
  size_t mlen;
  char *model = slurp(argv[1], &mlen);
  if (!model) {
    fprintf(stderr, "cannot read %s\n", argv[1]);
    return 2;
  }
  awsc_arena *marena = awsc_arena_new(1 << 20);
  awsc_service *svc = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  if (awsc_service_from_json(&svc, marena, model, mlen, &err) != 0) {
    fprintf(stderr, "model: %s\n", err.message);
    return 2;
  }
  free(model);
  const awsc_operation *op = awsc_service_find_operation(svc, "ListObjectsV2");
  awsc_buf page = AWSC_BUF_INIT;
  if (!op || build_page(&page) != 0) {
    fprintf(stderr, "setup failed\n");
    return 2;
  }
  if (xml_out) {
    FILE *f = fopen(xml_out, "wb");
    if (!f || fwrite(page.p, 1, page.len, f) != page.len) {
      fprintf(stderr, "cannot write %s\n", xml_out);
      return 2;
    }
    fclose(f);
  }
  awsc_http_header hdrs[] = {
      {"x-amz-id-2", "4NHDKA2eGQ5fXfXv3Q8wGzUYcP7DVtLvhH2NdC2Uw3o5zH0WxKyb"},
      {"x-amz-request-id", "4X6V4XZ1Q0R6E9QM"},
      {"date", "Tue, 05 Mar 2024 10:20:30 GMT"},
      {"x-amz-bucket-region", "us-east-1"},
      {"content-type", "application/xml"},
      {"server", "AmazonS3"}};
  awsc_raw_response resp = {200,    hdrs,     AWSC_ARRAY_LEN(hdrs),
                            page.p, page.len, false};

  /* Check once that the parse is complete. */
  awsc_arena *a = awsc_arena_new(0);
  awsc_value out;
  if (awsc_parse_output_with(svc, op, &resp, a, &out, &err, tokenizer) != 0) {
    fprintf(stderr, "parse failed: %s\n", err.message);
    return 1;
  }
  const awsc_value *contents = awsc_value_get(&out, "Contents");
  const awsc_value *first =
      contents && contents->u.list.n ? &contents->u.list.items[0] : NULL;
  const awsc_value *lm = first ? awsc_value_get(first, "LastModified") : NULL;
  const awsc_value *owner = first ? awsc_value_get(first, "Owner") : NULL;
  if (!contents || contents->type != AWSC_V_LIST ||
      contents->u.list.n != N_KEYS || !lm || lm->type != AWSC_V_TIMESTAMP ||
      !owner || !awsc_value_get(owner, "ID") ||
      !awsc_value_get(&out, "NextContinuationToken")) {
    fprintf(stderr, "parse incomplete\n");
    return 1;
  }
  size_t arena_bytes = awsc_arena_used(a);
  awsc_arena_free(a);

  double best = 1e18, total = 0;
  for (int i = 0; i < runs; i++) {
    double t0 = now_us();
    a = awsc_arena_new(64 * 1024);
    int rc = awsc_parse_output_with(svc, op, &resp, a, &out, &err, tokenizer);
    awsc_arena_free(a);
    double dt = now_us() - t0;
    if (rc != 0) {
      fprintf(stderr, "parse failed: %s\n", err.message);
      return 1;
    }
    total += dt;
    if (dt < best)
      best = dt;
  }
  printf("awsc ListObjectsV2 %d keys, %zu bytes: best %.1f us, mean %.1f us "
         "over %d runs (%.0f MB/s, output arena %zu KB)\n",
         N_KEYS, page.len, best, total / runs, runs, (double)page.len / best,
         arena_bytes / 1024);
  awsc_buf_free(&page);
  awsc_arena_free(marena);
  return 0;
}
