/*
 * The aws-chunked encoder (lib/auth/aws_chunked.c): MEMORY, FILE and
 * CALLBACK sources of every interesting size read in pieces of 1 byte to
 * 1 MiB; the output is decoded here and every chunk length, the data and
 * the trailer checksum (computed independently: bitwise CRCs, OpenSSL EVP
 * digests and base64) checked; the announced length is the produced one;
 * rewinds replay the same bytes; short, failing and misbehaving sources;
 * allocation failures and leaks.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "auth/aws_chunked.h"
#include "test.h"

#define C8K ((size_t)8192)

static const char *const algorithms[] = {"CRC32", "CRC32C", "SHA256", "SHA1"};
static const size_t read_sizes[] = {1, 7, 4096, 1024 * 1024};

static char tmp_path[64];

/* ---- independent reference: bitwise CRCs, EVP digests, EVP base64 ---- */
static uint32_t crc_bitwise(uint32_t poly, const uint8_t *p, size_t n) {
  uint32_t c = 0xffffffffu;
  for (size_t i = 0; i < n; i++) {
    c ^= p[i];
    for (int k = 0; k < 8; k++)
      c = (c >> 1) ^ (poly & (0u - (c & 1u)));
  }
  return ~c;
}

static void expected_checksum(const char *alg, const uint8_t *p, size_t n,
                              char out[64]) {
  uint8_t md[EVP_MAX_MD_SIZE];
  unsigned len = 4;
  if (strcasecmp(alg, "CRC32") == 0 || strcasecmp(alg, "CRC32C") == 0) {
    uint32_t c = crc_bitwise(alg[5] ? 0x82F63B78u : 0xEDB88320u, p, n);
    md[0] = (uint8_t)(c >> 24);
    md[1] = (uint8_t)(c >> 16);
    md[2] = (uint8_t)(c >> 8);
    md[3] = (uint8_t)c;
  } else {
    EVP_Digest(p, n, md, &len,
               strcasecmp(alg, "SHA256") == 0 ? EVP_sha256() : EVP_sha1(),
               NULL);
  }
  EVP_EncodeBlock((unsigned char *)out, md, (int)len);
}

static void expected_name(const char *alg, char out[64]) {
  snprintf(out, 64, "x-amz-checksum-%s", alg);
  for (char *q = out; *q; q++)
    if (*q >= 'A' && *q <= 'Z')
      *q = (char)(*q - 'A' + 'a');
}

static uint8_t *make_data(size_t n, uint32_t seed) {
  uint8_t *d = malloc(n ? n : 1);
  uint32_t x = seed * 2654435761u + 1;
  for (size_t i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    d[i] = (uint8_t)x;
  }
  return d;
}

/* ---- decoding the output ---- */
/*
 * Parse an aws-chunked stream: every chunk line lower-case hex without
 * leading zeros, every chunk but the last exactly `chunk` bytes, each
 * followed by CRLF, then "0\r\nNAME:VALUE\r\n\r\n" and nothing after.
 * Returns 0 and the decoded bytes (malloc) or -1 with a reason printed.
 */
static int decode(const uint8_t *p, size_t n, size_t chunk, uint8_t **out,
                  size_t *out_len, char name[64], char value[64]) {
  size_t i = 0, dl = 0;
  bool short_seen = false;
  uint8_t *d = malloc(n ? n : 1);
  *out = NULL;
  for (;;) {
    size_t len = 0, digits = 0;
    while (i < n && p[i] != '\r') {
      int v = (p[i] >= '0' && p[i] <= '9')   ? p[i] - '0'
              : (p[i] >= 'a' && p[i] <= 'f') ? p[i] - 'a' + 10
                                             : -1;
      if (v < 0 || (digits == 0 && v == 0 && i + 1 < n && p[i + 1] != '\r') ||
          digits > 15) {
        fprintf(stderr, "decode: bad chunk line at %zu\n", i);
        goto fail;
      }
      len = len * 16 + (size_t)v;
      digits++;
      i++;
    }
    if (digits == 0 || i + 1 >= n || p[i + 1] != '\n') {
      fprintf(stderr, "decode: chunk line not ended by CRLF at %zu\n", i);
      goto fail;
    }
    i += 2;
    if (len == 0)
      break;
    if (short_seen || len > chunk) {
      fprintf(stderr,
              "decode: chunk of %zu bytes after a short one or "
              "larger than %zu\n",
              len, chunk);
      goto fail;
    }
    short_seen = len < chunk;
    if (n - i < len + 2 || p[i + len] != '\r' || p[i + len + 1] != '\n') {
      fprintf(stderr, "decode: chunk data of %zu bytes not followed by CRLF\n",
              len);
      goto fail;
    }
    memcpy(d + dl, p + i, len);
    dl += len;
    i += len + 2;
  }
  const uint8_t *colon = memchr(p + i, ':', n - i);
  if (!colon || (size_t)(colon - (p + i)) >= 64) {
    fprintf(stderr, "decode: no trailer name\n");
    goto fail;
  }
  size_t nl = (size_t)(colon - (p + i));
  memcpy(name, p + i, nl);
  name[nl] = '\0';
  i += nl + 1;
  size_t vl = 0;
  while (i + vl < n && p[i + vl] != '\r')
    vl++;
  if (vl >= 64 || n - i != vl + 4 || memcmp(p + i + vl, "\r\n\r\n", 4) != 0) {
    fprintf(stderr, "decode: trailer not ended by CRLF CRLF at the end\n");
    goto fail;
  }
  memcpy(value, p + i, vl);
  value[vl] = '\0';
  *out = d;
  *out_len = dl;
  return 0;
fail:
  free(d);
  return -1;
}

/* ---- sources ---- */
typedef struct cb_src {
  const uint8_t *data;
  size_t len; /* bytes the callback really has */
  size_t pos;
  size_t max_read; /* 0 = as much as asked; else short reads */
  unsigned calls;
  size_t fail_at; /* return fail_code once pos reaches this */
  int64_t fail_code;
  bool overfill; /* claim one byte more than asked */
  int rewinds;
  bool ended; /* returned 0 */
  int reads_after_end;
} cb_src;

static int64_t cb_read(void *buf, size_t size, void *ud) {
  cb_src *s = ud;
  if (s->ended)
    s->reads_after_end++;
  if (s->pos >= s->fail_at)
    return s->fail_code;
  if (s->overfill)
    return (int64_t)size + 1;
  size_t k = s->len - s->pos;
  if (k > size)
    k = size;
  if (s->max_read) {
    size_t cap = 1 + (s->calls * 7919u) % s->max_read;
    if (k > cap)
      k = cap;
  }
  s->calls++;
  s->ended = k == 0;
  memcpy(buf, s->data + s->pos, k);
  s->pos += k;
  return (int64_t)k;
}

static int cb_rewind(void *ud) {
  cb_src *s = ud;
  s->pos = 0;
  s->ended = false;
  s->rewinds++;
  return 0;
}

static void cb_init(cb_src *s, const uint8_t *d, size_t n) {
  memset(s, 0, sizeof(*s));
  s->data = d;
  s->len = n;
  s->max_read = 3000;
  s->fail_at = SIZE_MAX;
}

enum {
  K_MEMORY,
  K_FILE,
  K_FILE_UNSIZED,
  K_CALLBACK,
  K_CALLBACK_UNSIZED,
  K_COUNT
};
static const char *const kind_names[] = {"MEMORY", "FILE", "FILE(-1)",
                                         "CALLBACK", "CALLBACK(-1)"};

/* The file holds 13 bytes of junk, then d. */
static void write_file(const uint8_t *d, size_t n) {
  FILE *f = fopen(tmp_path, "wb");
  fwrite("junk-before!!", 1, 13, f);
  if (n)
    fwrite(d, 1, n, f);
  fclose(f);
}

static awsc_body_source make_src(int kind, const uint8_t *d, size_t n,
                                 cb_src *cb) {
  awsc_body_source b;
  memset(&b, 0, sizeof(b));
  switch (kind) {
  case K_MEMORY:
    b.kind = AWSC_BODY_MEMORY;
    b.data = d;
    b.len = n;
    break;
  case K_FILE:
  case K_FILE_UNSIZED:
    write_file(d, n);
    b.kind = AWSC_BODY_FILE;
    b.path = tmp_path;
    b.offset = 13;
    b.content_length = kind == K_FILE ? (int64_t)n : -1;
    break;
  default:
    cb_init(cb, d, n);
    b.kind = AWSC_BODY_CALLBACK;
    b.read = cb_read;
    b.rewind = cb_rewind;
    b.user_data = cb;
    b.content_length = kind == K_CALLBACK ? (int64_t)n : -1;
  }
  return b;
}

/*
 * Read the encoded stream to its end in reads of rs bytes (at most `limit`
 * bytes in all). Every read must fill its buffer unless the stream ends;
 * one more read after the end must return 0. Returns the bytes (malloc)
 * and their count, or NULL with *status set to a failing read's status.
 */
static uint8_t *read_all(const awsc_body_source *s, size_t rs, size_t limit,
                         size_t *out_len, int64_t *status) {
  size_t cap = 1 << 16, len = 0;
  uint8_t *all = malloc(cap);
  uint8_t *piece = malloc(rs);
  bool ended = false;
  *status = 0;
  while (len < limit) {
    size_t want = rs < limit - len ? rs : limit - len;
    int64_t r = s->read(piece, want, s->user_data);
    if (r < 0) {
      *status = r;
      free(all);
      all = NULL;
      break;
    }
    if (r == 0) {
      ended = true;
      break;
    }
    CHECK(!ended);
    if ((size_t)r < want)
      ended = true;
    if (len + (size_t)r > cap) {
      while (len + (size_t)r > cap)
        cap *= 2;
      all = realloc(all, cap);
    }
    memcpy(all + len, piece, (size_t)r);
    len += (size_t)r;
  }
  if (all && ended)
    CHECK_INT(s->read(piece, rs, s->user_data), 0);
  free(piece);
  *out_len = len;
  return all;
}

/* Check an encoded stream against the data it came from. */
static void check_encoded(const uint8_t *enc, size_t enc_len, size_t chunk,
                          const char *alg, const uint8_t *d, size_t n) {
  uint8_t *dec = NULL;
  size_t dec_len = 0;
  char name[64], value[64], want_name[64], want_value[64];
  CHECK_INT(decode(enc, enc_len, chunk, &dec, &dec_len, name, value), 0);
  if (!dec)
    return;
  CHECK_INT(dec_len, n);
  CHECK(dec_len == n && (n == 0 || memcmp(dec, d, n) == 0));
  expected_name(alg, want_name);
  expected_checksum(alg, d, n, want_value);
  CHECK_STR(name, want_name);
  CHECK_STR(value, want_value);
  free(dec);
}

/* One encoding of d (n bytes) with chunk size `chunk`, read rs at a time. */
static void run_case(int kind, const char *alg, size_t chunk, const uint8_t *d,
                     size_t n, size_t rs) {
  cb_src cb;
  awsc_body_source inner = make_src(kind, d, n, &cb), src;
  awsc_aws_chunked ac;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = awsc_aws_chunked_init(&ac, &inner, alg, chunk, &err);
  CHECK_INT(rc, 0);
  if (rc) {
    fprintf(stderr, "init: %s\n", err.message);
    return;
  }
  bool sized = kind != K_CALLBACK_UNSIZED;
  int64_t want_len = awsc_aws_chunked_encoded_length((int64_t)n, chunk, alg);
  awsc_aws_chunked_source(&ac, &src);
  CHECK_INT(src.kind, AWSC_BODY_CALLBACK);
  CHECK_INT(awsc_aws_chunked_decoded_length(&ac), sized ? (int64_t)n : -1);
  CHECK_INT(src.content_length, sized ? want_len : -1);
  CHECK(awsc_aws_chunked_checksum(&ac) == NULL);
  uint64_t allocs = test_alloc_count();
  size_t enc_len = 0;
  int64_t st;
  uint8_t *enc = read_all(&src, rs, SIZE_MAX, &enc_len, &st);
  CHECK_INT(st, 0);
  CHECK_INT(test_alloc_count(), allocs); /* reads never allocate */
  if (enc) {
    CHECK_INT((int64_t)enc_len, want_len);
    check_encoded(enc, enc_len, chunk ? chunk : 65536, alg, d, n);
    char want_value[64];
    expected_checksum(alg, d, n, want_value);
    CHECK_STR(awsc_aws_chunked_checksum(&ac), want_value);
  }
  /* a source that said it ended is not asked again */
  if (kind >= K_CALLBACK)
    CHECK_INT(cb.reads_after_end, 0);
  if (test_current_failed)
    fprintf(stderr, "  in case %s %s chunk=%zu n=%zu read=%zu\n",
            kind_names[kind], alg, chunk, n, rs);
  free(enc);
  awsc_aws_chunked_cleanup(&ac);
}

static void test_matrix(void) {
  const size_t c = C8K;
  const size_t sizes[] = {0, 1, c - 1, c, c + 1, 3 * c + 5};
  uint8_t *d = make_data(3 * c + 5, 1);
  for (int kind = 0; kind < K_COUNT; kind++)
    for (size_t a = 0; a < AWSC_ARRAY_LEN(algorithms); a++)
      for (size_t si = 0; si < AWSC_ARRAY_LEN(sizes); si++)
        for (size_t ri = 0; ri < AWSC_ARRAY_LEN(read_sizes); ri++)
          run_case(kind, algorithms[a], c, d, sizes[si], read_sizes[ri]);
  free(d);
}

/* The default chunk size (64 KiB) and a 1 MiB one, with larger bodies. */
static void test_larger_chunks(void) {
  const size_t c = 65536, m = 1024 * 1024;
  const size_t sizes[] = {c - 1, c, c + 1, 3 * c + 5};
  uint8_t *d = make_data(3 * m + 5, 2);
  for (int kind = 0; kind < K_COUNT; kind++) {
    for (size_t si = 0; si < AWSC_ARRAY_LEN(sizes); si++) {
      run_case(kind, "CRC32", 0, d, sizes[si], 4096);
      run_case(kind, "crc32c", 0, d, sizes[si], 1024 * 1024);
      run_case(kind, "sha256", c, d, sizes[si], 7);
    }
    run_case(kind, "CRC32", m, d, 3 * m + 5, 1024 * 1024);
    run_case(kind, "SHA256", m, d, m - 1, 16384);
  }
  free(d);
}

/* Exact bytes for known inputs. */
static void test_literal(void) {
  static const char hello[] = "hello world";
  struct {
    const char *data, *alg, *want;
  } cases[] = {
      {"", "CRC32", "0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n"},
      {hello, "CRC32",
       "b\r\nhello world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n"},
  };
  for (size_t i = 0; i < AWSC_ARRAY_LEN(cases); i++) {
    awsc_body_source inner = {.kind = AWSC_BODY_MEMORY,
                              .data = cases[i].data,
                              .len = strlen(cases[i].data)};
    awsc_aws_chunked ac;
    awsc_body_source src;
    CHECK_INT(awsc_aws_chunked_init(&ac, &inner, cases[i].alg, 0, NULL), 0);
    CHECK_STR(awsc_aws_chunked_trailer_name(&ac), "x-amz-checksum-crc32");
    awsc_aws_chunked_source(&ac, &src);
    char out[128];
    int64_t r = src.read(out, sizeof(out), src.user_data);
    CHECK_INT(r, (int64_t)strlen(cases[i].want));
    CHECK_INT(src.content_length, r);
    CHECK(r > 0 && memcmp(out, cases[i].want, (size_t)r) == 0);
    awsc_aws_chunked_cleanup(&ac);
  }
  /* A NONE body is an empty one. */
  awsc_body_source none = {.kind = AWSC_BODY_NONE};
  awsc_aws_chunked ac;
  CHECK_INT(awsc_aws_chunked_init(&ac, &none, "CRC32", 0, NULL), 0);
  CHECK_INT(awsc_aws_chunked_decoded_length(&ac), 0);
  awsc_aws_chunked_cleanup(&ac);
}

static void test_encoded_length(void) {
  /* "0\r\n" + name + ":" + base64 + "\r\n\r\n" */
  CHECK_INT(awsc_aws_chunked_encoded_length(0, 0, "CRC32"), 3 + 20 + 1 + 8 + 4);
  CHECK_INT(awsc_aws_chunked_encoded_length(0, 0, "crc32c"),
            3 + 21 + 1 + 8 + 4);
  CHECK_INT(awsc_aws_chunked_encoded_length(0, 0, "SHA256"),
            3 + 21 + 1 + 44 + 4);
  CHECK_INT(awsc_aws_chunked_encoded_length(0, 0, "SHA1"), 3 + 19 + 1 + 28 + 4);
  /* 2 full 64 KiB chunks ("10000\r\n" ... "\r\n") and one of 0x10 bytes */
  CHECK_INT(awsc_aws_chunked_encoded_length(2 * 65536 + 16, 0, "CRC32"),
            2 * (7 + 65536 + 2) + (4 + 16 + 2) + 36);
  CHECK_INT(awsc_aws_chunked_encoded_length(-1, 0, "CRC32"), -1);
  CHECK_INT(awsc_aws_chunked_encoded_length(10, 0, "MD5"), -1);
  CHECK_INT(awsc_aws_chunked_encoded_length(10, 100, "CRC32"), -1);
  CHECK_INT(awsc_aws_chunked_encoded_length(INT64_MAX, 0, "CRC32"), -1);
  /* 5 TiB, S3's largest object, fits */
  CHECK(awsc_aws_chunked_encoded_length(5LL << 40, 0, "SHA256") > 5LL << 40);
}

static void test_bad_arguments(void) {
  static const char d[] = "abc";
  awsc_body_source mem = {.kind = AWSC_BODY_MEMORY, .data = d, .len = 3};
  awsc_aws_chunked ac;
  awsc_error err = AWSC_ERROR_INIT;
  const char *bad[] = {"MD5", "XXHASH64", "", "CRC32 "};
  for (size_t i = 0; i < AWSC_ARRAY_LEN(bad); i++) {
    CHECK_INT(awsc_aws_chunked_init(&ac, &mem, bad[i], 0, &err),
              AWSC_EUNSUPPORTED);
    awsc_aws_chunked_cleanup(&ac);
  }
  CHECK(strstr(err.message, "CRC32 ") != NULL);
  CHECK_INT(awsc_aws_chunked_init(&ac, &mem, "CRC32", 8191, &err), AWSC_EINVAL);
  CHECK_INT(awsc_aws_chunked_init(&ac, &mem, "CRC32", 8192, &err), 0);
  awsc_aws_chunked_cleanup(&ac);
  CHECK_INT(awsc_aws_chunked_init(&ac, &mem, NULL, 0, &err), AWSC_EINVAL);
  CHECK_INT(awsc_aws_chunked_init(&ac, NULL, "CRC32", 0, &err), AWSC_EINVAL);
  awsc_body_source nulldata = {.kind = AWSC_BODY_MEMORY, .len = 3};
  CHECK_INT(awsc_aws_chunked_init(&ac, &nulldata, "CRC32", 0, &err),
            AWSC_EINVAL);
  awsc_body_source noread = {.kind = AWSC_BODY_CALLBACK, .content_length = 3};
  CHECK_INT(awsc_aws_chunked_init(&ac, &noread, "CRC32", 0, &err), AWSC_EINVAL);
  awsc_body_source nopath = {.kind = AWSC_BODY_FILE};
  CHECK_INT(awsc_aws_chunked_init(&ac, &nopath, "CRC32", 0, &err), AWSC_EINVAL);
  /* a missing file and a file shorter than announced: EIO naming it */
  awsc_body_source missing = {.kind = AWSC_BODY_FILE,
                              .path = "/nonexistent/awsc-chunked-body",
                              .content_length = -1};
  CHECK_INT(awsc_aws_chunked_init(&ac, &missing, "CRC32", 0, &err), AWSC_EIO);
  CHECK(strstr(err.message, "/nonexistent/awsc-chunked-body") != NULL);
  write_file((const uint8_t *)"0123456789", 10);
  awsc_body_source longer = {.kind = AWSC_BODY_FILE,
                             .path = tmp_path,
                             .offset = 13,
                             .content_length = 11};
  CHECK_INT(awsc_aws_chunked_init(&ac, &longer, "CRC32", 0, &err), AWSC_EIO);
  CHECK(strstr(err.message, tmp_path) != NULL);
  longer.offset = 24;
  longer.content_length = -1;
  CHECK_INT(awsc_aws_chunked_init(&ac, &longer, "CRC32", 0, &err), AWSC_EIO);
  CHECK(strstr(err.message, tmp_path) != NULL);
  awsc_aws_chunked_cleanup(&ac);
}

/* Rewinding at any point (in a chunk line, in data, at a chunk boundary,
 * in the trailer, after the end) replays the same bytes. */
static void test_rewind(void) {
  const size_t c = C8K, n = 3 * c + 5;
  uint8_t *d = make_data(n, 3);
  int64_t total = awsc_aws_chunked_encoded_length((int64_t)n, c, "SHA256");
  const size_t stops[] = {
      1, 3, 100, c + 6, c + 7, (size_t)total - 20, (size_t)total};
  for (int kind = 0; kind < K_COUNT; kind++) {
    for (size_t si = 0; si < AWSC_ARRAY_LEN(stops); si++) {
      cb_src cb;
      awsc_body_source inner = make_src(kind, d, n, &cb), src;
      awsc_aws_chunked ac;
      CHECK_INT(awsc_aws_chunked_init(&ac, &inner, "SHA256", c, NULL), 0);
      awsc_aws_chunked_source(&ac, &src);
      size_t l1, l2, l3;
      int64_t st;
      uint8_t *first = read_all(&src, 4096, SIZE_MAX, &l1, &st);
      CHECK_INT(src.rewind(src.user_data), 0);
      CHECK(awsc_aws_chunked_checksum(&ac) == NULL);
      uint8_t *part = read_all(&src, 777, stops[si], &l2, &st);
      CHECK_INT(l2, stops[si]);
      CHECK(part && first && memcmp(part, first, l2) == 0);
      CHECK_INT(src.rewind(src.user_data), 0);
      uint8_t *again = read_all(&src, 1000, SIZE_MAX, &l3, &st);
      CHECK_INT(l3, l1);
      CHECK_INT((int64_t)l1, total);
      CHECK(again && first && l1 == l3 && memcmp(again, first, l1) == 0);
      if (kind >= K_CALLBACK)
        CHECK_INT(cb.rewinds, 2);
      if (first)
        check_encoded(first, l1, c, "SHA256", d, n);
      if (test_current_failed)
        fprintf(stderr, "  in rewind %s at %zu\n", kind_names[kind], stops[si]);
      free(first);
      free(part);
      free(again);
      awsc_aws_chunked_cleanup(&ac);
    }
  }
  free(d);
}

/* A callback without rewind: replayable only while nothing was read. */
static void test_rewind_unsupported(void) {
  uint8_t *d = make_data(100, 4);
  cb_src cb;
  awsc_body_source inner = make_src(K_CALLBACK, d, 100, &cb), src;
  inner.rewind = NULL;
  awsc_aws_chunked ac;
  CHECK_INT(awsc_aws_chunked_init(&ac, &inner, "CRC32", 0, NULL), 0);
  awsc_aws_chunked_source(&ac, &src);
  CHECK_INT(src.rewind(src.user_data), 0);
  char b[8];
  CHECK_INT(src.read(b, sizeof(b), src.user_data), 8);
  CHECK(src.rewind(src.user_data) != 0);
  CHECK_INT(awsc_aws_chunked_error(&ac)->code, AWSC_EBODY);
  awsc_aws_chunked_cleanup(&ac);
  free(d);
}

/* A source that ends before its announced length. */
static void test_short_body(void) {
  const size_t c = C8K;
  uint8_t *d = make_data(3 * c, 5);
  /* callback: says 2c + 10, has 2c + 3 (the end falls in the last chunk)
   * or c - 1 (the end falls in a full chunk) */
  const size_t has[] = {2 * c + 3, c - 1, 0};
  for (size_t i = 0; i < AWSC_ARRAY_LEN(has); i++) {
    cb_src cb;
    awsc_body_source inner = make_src(K_CALLBACK, d, has[i], &cb), src;
    inner.content_length = 2 * (int64_t)c + 10;
    awsc_aws_chunked ac;
    CHECK_INT(awsc_aws_chunked_init(&ac, &inner, "CRC32", c, NULL), 0);
    awsc_aws_chunked_source(&ac, &src);
    size_t len;
    int64_t st;
    uint8_t *out = read_all(&src, 4096, SIZE_MAX, &len, &st);
    CHECK(out == NULL);
    CHECK_INT(st, AWSC_EBODY);
    CHECK_INT(awsc_aws_chunked_error(&ac)->code, AWSC_EBODY);
    CHECK(strstr(awsc_aws_chunked_error(&ac)->message, "ended") != NULL);
    /* the failure sticks until a rewind */
    char b[16];
    CHECK_INT(src.read(b, sizeof(b), src.user_data), AWSC_EBODY);
    CHECK(awsc_aws_chunked_checksum(&ac) == NULL);
    awsc_aws_chunked_cleanup(&ac);
  }
  /* a file cut short after init */
  cb_src unused;
  awsc_body_source inner = make_src(K_FILE, d, 2 * c, &unused), src;
  awsc_aws_chunked ac;
  CHECK_INT(awsc_aws_chunked_init(&ac, &inner, "CRC32", c, NULL), 0);
  CHECK_INT(truncate(tmp_path, 13 + (off_t)c + 5), 0);
  awsc_aws_chunked_source(&ac, &src);
  size_t len;
  int64_t st;
  uint8_t *out = read_all(&src, 65536, SIZE_MAX, &len, &st);
  CHECK(out == NULL);
  CHECK_INT(st, AWSC_EBODY);
  awsc_aws_chunked_cleanup(&ac);
  free(d);
}

/* A callback with more than it announced is read only up to the length. */
static void test_long_body(void) {
  const size_t c = C8K;
  uint8_t *d = make_data(3 * c, 6);
  const size_t declared[] = {0, 100, c, 2 * c + 1};
  for (size_t i = 0; i < AWSC_ARRAY_LEN(declared); i++) {
    cb_src cb;
    awsc_body_source inner = make_src(K_CALLBACK, d, 3 * c, &cb), src;
    inner.content_length = (int64_t)declared[i];
    awsc_aws_chunked ac;
    CHECK_INT(awsc_aws_chunked_init(&ac, &inner, "CRC32C", c, NULL), 0);
    awsc_aws_chunked_source(&ac, &src);
    size_t len;
    int64_t st;
    uint8_t *out = read_all(&src, 5000, SIZE_MAX, &len, &st);
    CHECK_INT(st, 0);
    CHECK_INT(cb.pos, declared[i]);
    CHECK_INT((int64_t)len, src.content_length);
    if (out)
      check_encoded(out, len, c, "CRC32C", d, declared[i]);
    free(out);
    awsc_aws_chunked_cleanup(&ac);
  }
  free(d);
}

/* Failures of the inner callback reach the reader as they are. */
static void test_inner_errors(void) {
  const size_t c = C8K;
  uint8_t *d = make_data(3 * c, 7);
  const int64_t codes[] = {AWSC_ECANCELLED, AWSC_EIO, -1000, INT64_MIN};
  for (size_t i = 0; i < AWSC_ARRAY_LEN(codes); i++) {
    for (int sized = 0; sized < 2; sized++) {
      cb_src cb;
      awsc_body_source inner = make_src(sized ? K_CALLBACK : K_CALLBACK_UNSIZED,
                                        d, 3 * c, &cb),
                       src;
      cb.fail_at = c + 100;
      cb.fail_code = codes[i];
      awsc_aws_chunked ac;
      CHECK_INT(awsc_aws_chunked_init(&ac, &inner, "CRC32", c, NULL), 0);
      awsc_aws_chunked_source(&ac, &src);
      size_t len;
      int64_t st;
      uint8_t *out = read_all(&src, 4096, SIZE_MAX, &len, &st);
      CHECK(out == NULL);
      /* a status below INT_MIN can not be an awsc_status */
      int64_t want = codes[i] == INT64_MIN ? AWSC_EBODY : codes[i];
      CHECK_INT(st, want);
      CHECK_INT(awsc_aws_chunked_error(&ac)->code, want);
      /* the first chunk went out whole before the failure */
      CHECK(len >= c);
      /* the failure sticks even when the source would go on */
      cb.fail_at = SIZE_MAX;
      char b[16];
      CHECK_INT(src.read(b, sizeof(b), src.user_data), want);
      /* after a rewind the body can be read again */
      CHECK_INT(src.rewind(src.user_data), 0);
      out = read_all(&src, 4096, SIZE_MAX, &len, &st);
      CHECK_INT(st, 0);
      if (out)
        check_encoded(out, len, c, "CRC32", d, 3 * c);
      free(out);
      awsc_aws_chunked_cleanup(&ac);
    }
  }
  /* a callback claiming more bytes than asked for */
  cb_src cb;
  awsc_body_source inner = make_src(K_CALLBACK, d, 100, &cb), src;
  cb.overfill = true;
  awsc_aws_chunked ac;
  CHECK_INT(awsc_aws_chunked_init(&ac, &inner, "CRC32", c, NULL), 0);
  awsc_aws_chunked_source(&ac, &src);
  char b[64];
  CHECK_INT(src.read(b, sizeof(b), src.user_data), AWSC_EBODY);
  CHECK(strstr(awsc_aws_chunked_error(&ac)->message, "returned") != NULL);
  awsc_aws_chunked_cleanup(&ac);
  free(d);
}

/* One buffer per wrapper at most (none for memory, none for an empty
 * body, the body's length when shorter than a chunk); each failure of it
 * is a clean AWSC_ENOMEM with nothing left behind. */
static void test_allocations(void) {
  const size_t c = C8K;
  uint8_t *d = make_data(2 * c, 8);
  for (int kind = 0; kind < K_COUNT; kind++) {
    for (int sz = 0; sz < 3; sz++) {
      size_t n = sz == 0 ? 0 : sz == 1 ? 10 : 2 * c;
      uint64_t fail_at;
      for (fail_at = 1; fail_at < 10; fail_at++) {
        cb_src cb;
        awsc_body_source inner = make_src(kind, d, n, &cb), src;
        awsc_aws_chunked ac;
        awsc_error err = AWSC_ERROR_INIT;
        int64_t live = test_alloc_live();
        uint64_t before = test_alloc_count();
        test_alloc_fail_at(fail_at);
        int rc = awsc_aws_chunked_init(&ac, &inner, "SHA256", c, &err);
        bool fired = test_alloc_failure_fired();
        test_alloc_fail_at(0);
        if (fired) {
          CHECK_INT(rc, AWSC_ENOMEM);
          CHECK_INT(err.code, AWSC_ENOMEM);
          CHECK_INT(test_alloc_live(), live);
          awsc_aws_chunked_cleanup(&ac);
          continue;
        }
        CHECK_INT(rc, 0);
        /* an empty body needs no buffer unless its length is unknown */
        bool needs_buf =
            kind != K_MEMORY && (n > 0 || kind == K_CALLBACK_UNSIZED);
        CHECK_INT(test_alloc_count() - before, needs_buf ? 1 : 0);
        awsc_aws_chunked_source(&ac, &src);
        size_t len;
        int64_t st;
        uint8_t *out = read_all(&src, 3000, SIZE_MAX, &len, &st);
        CHECK_INT(st, 0);
        if (out)
          check_encoded(out, len, c, "SHA256", d, n);
        free(out);
        awsc_aws_chunked_cleanup(&ac);
        CHECK_INT(test_alloc_live(), live);
        break;
      }
      CHECK(fail_at < 10);
    }
  }
  free(d);
}

int main(void) {
  test_alloc_install();
  snprintf(tmp_path, sizeof(tmp_path), "/tmp/awsc-chunked-XXXXXX");
  int fd = mkstemp(tmp_path);
  if (fd < 0) {
    perror("mkstemp");
    return 1;
  }
  close(fd);
  RUN(test_literal);
  RUN(test_encoded_length);
  RUN(test_bad_arguments);
  RUN(test_matrix);
  RUN(test_larger_chunks);
  RUN(test_rewind);
  RUN(test_rewind_unsupported);
  RUN(test_short_body);
  RUN(test_long_body);
  RUN(test_inner_errors);
  RUN(test_allocations);
  unlink(tmp_path);
  /* every allocation above was released */
  test_current_failed = 0;
  CHECK_INT(test_alloc_live(), 0);
  if (test_current_failed)
    test_failed++;
  else
    test_passed++;
  return test_summary();
}
