/*
 * tests/unit/sigv4/test_sigv4_chunked.c - aws-chunked streaming signing:
 * the S3 documentation example (65 KiB of 'a' in 64 KiB chunks), the
 * encoded-length helper, short/long sources and rewinding.
 */
#include "awsc/sigv4.h"
#include "core/core.h"
#include "test.h"

#define AK "AKIAIOSFODNN7EXAMPLE"
#define SK "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
#define T_20130524 1369353600000LL /* 2013-05-24T00:00:00Z */

#define BODY_LEN (65 * 1024)
#define CHUNK (64 * 1024)

#define SEED "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
#define SIG1 "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648"
#define SIG2 "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497"
#define SIG3 "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"

/* A memory body source that hands out at most `step` bytes a call. */
typedef struct memsrc {
  const uint8_t *p;
  size_t len;
  size_t pos;
  size_t step;
  int reads_after_eof;
  bool eof;
} memsrc;

static int64_t mem_read(void *buf, size_t size, void *ud) {
  memsrc *m = ud;
  if (m->eof)
    m->reads_after_eof++;
  size_t n = m->len - m->pos;
  if (n > size)
    n = size;
  if (n > m->step)
    n = m->step;
  memcpy(buf, m->p + m->pos, n);
  m->pos += n;
  if (n == 0)
    m->eof = true;
  return (int64_t)n;
}

static int mem_rewind(void *ud) {
  memsrc *m = ud;
  m->pos = 0;
  m->eof = false;
  return 0;
}

static int64_t failing_read(void *buf, size_t size, void *ud) {
  (void)buf;
  (void)size;
  (void)ud;
  return AWSC_EIO;
}

static awsc_sigv4_params s3_params(void) {
  awsc_sigv4_params p = AWSC_SIGV4_PARAMS_INIT;
  p.access_key_id = AK;
  p.secret_access_key = SK;
  p.region = "us-east-1";
  p.service = "s3";
  p.time_ms = T_20130524;
  return p;
}

/* Header signing of the documentation's PUT: the seed signature. */
static int sign_seed(awsc_sigv4_result *out, const awsc_sigv4_params *p) {
  static const awsc_http_header h[] = {
      {"Host", "s3.amazonaws.com"},
      {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
      {"Content-Encoding", "aws-chunked"},
      {"x-amz-decoded-content-length", "66560"},
      {"Content-Length", "66824"}};
  awsc_sigv4_request r = AWSC_SIGV4_REQUEST_INIT;
  r.method = "PUT";
  r.path = "/examplebucket/chunkObject.txt";
  r.headers = h;
  r.header_count = AWSC_ARRAY_LEN(h);
  r.flags = AWSC_SIGV4_S3 | AWSC_SIGV4_STREAMING | AWSC_SIGV4_DEBUG;
  return awsc_sigv4_sign_headers(out, p, &r, NULL);
}

/* Read a whole stream with reads of `bufsize` bytes. */
static uint8_t *drain(awsc_sigv4_chunked_stream *s, size_t bufsize, size_t *len,
                      int64_t *last) {
  size_t cap = 1 << 17, n = 0;
  uint8_t *out = malloc(cap);
  uint8_t *buf = malloc(bufsize);
  for (;;) {
    int64_t got = awsc_sigv4_chunked_stream_read(buf, bufsize, s);
    *last = got;
    if (got <= 0)
      break;
    if (n + (size_t)got > cap) {
      cap *= 2;
      out = realloc(out, cap);
    }
    memcpy(out + n, buf, (size_t)got);
    n += (size_t)got;
  }
  free(buf);
  *len = n;
  return out;
}

static void check_example_stream(const uint8_t *enc, size_t len,
                                 const uint8_t *body) {
  CHECK_INT(len, 66824);
  const char *h1 = "10000;chunk-signature=" SIG1 "\r\n";
  const char *h2 = "400;chunk-signature=" SIG2 "\r\n";
  const char *h3 = "0;chunk-signature=" SIG3 "\r\n\r\n";
  size_t o = 0;
  CHECK(memcmp(enc + o, h1, strlen(h1)) == 0);
  o += strlen(h1);
  CHECK(memcmp(enc + o, body, CHUNK) == 0);
  o += CHUNK;
  CHECK(memcmp(enc + o, "\r\n", 2) == 0);
  o += 2;
  CHECK(memcmp(enc + o, h2, strlen(h2)) == 0);
  o += strlen(h2);
  CHECK(memcmp(enc + o, body + CHUNK, 1024) == 0);
  o += 1024;
  CHECK(memcmp(enc + o, "\r\n", 2) == 0);
  o += 2;
  CHECK_INT(len - o, strlen(h3));
  CHECK(memcmp(enc + o, h3, strlen(h3)) == 0);
}

static void test_s3_doc_example(void) {
  awsc_sigv4_params p = s3_params();
  awsc_sigv4_result seed = AWSC_SIGV4_RESULT_INIT;
  CHECK_INT(sign_seed(&seed, &p), 0);
  CHECK_STR(seed.signature, SEED);
  CHECK(strstr(seed.canonical_request,
               "\nx-amz-content-sha256:STREAMING-AWS4-HMAC-SHA256-PAYLOAD\n"));
  CHECK(strstr(seed.canonical_request,
               "\nSTREAMING-AWS4-HMAC-SHA256-PAYLOAD") != NULL);

  uint8_t *body = malloc(BODY_LEN);
  memset(body, 'a', BODY_LEN);
  /* Different read sizes on both sides must give the same bytes. */
  const size_t steps[] = {BODY_LEN, 1000, 7};
  const size_t bufs[] = {1 << 20, 4096, 33};
  for (size_t i = 0; i < 3; i++) {
    memsrc m = {body, BODY_LEN, 0, steps[i], 0, false};
    awsc_sigv4_chunked_stream *s = NULL;
    CHECK_INT(awsc_sigv4_chunked_stream_new(&s, &p, &seed, CHUNK, BODY_LEN,
                                            mem_read, mem_rewind, &m, NULL),
              0);
    size_t len;
    int64_t last;
    uint8_t *enc = drain(s, bufs[i], &len, &last);
    CHECK_INT(last, 0);
    check_example_stream(enc, len, body);
    CHECK_INT(m.reads_after_eof, 0);
    /* After the end: still 0. */
    uint8_t one;
    CHECK_INT(awsc_sigv4_chunked_stream_read(&one, 1, s), 0);

    /* Rewind replays the same stream (retry). */
    CHECK_INT(awsc_sigv4_chunked_stream_rewind(s), 0);
    uint8_t *again = drain(s, bufs[i], &len, &last);
    check_example_stream(again, len, body);
    free(again);
    free(enc);
    awsc_sigv4_chunked_stream_free(s);
  }
  free(body);
  awsc_sigv4_result_cleanup(&seed);
}

static void test_encoded_length(void) {
  uint64_t n = 1;
  CHECK_INT(awsc_sigv4_chunked_length(&n, 66560, 65536), 0);
  CHECK_INT(n, 66824);
  CHECK_INT(awsc_sigv4_chunked_length(&n, 0, 65536), 0);
  CHECK_INT(n, 86); /* only "0;chunk-signature=<64>\r\n\r\n" */
  CHECK_INT(awsc_sigv4_chunked_length(&n, 65536, 65536), 0);
  CHECK_INT(n, 65626 + 86);
  CHECK_INT(awsc_sigv4_chunked_length(&n, 1, 8192), 0);
  CHECK_INT(n, (1 + 85 + 1) + 86);
  CHECK_INT(awsc_sigv4_chunked_length(&n, 10, 0), AWSC_EINVAL);
  CHECK_INT(awsc_sigv4_chunked_length(NULL, 10, 10), AWSC_EINVAL);
  CHECK_INT(awsc_sigv4_chunked_length(&n, UINT64_MAX, 1), AWSC_EINVAL);

  /* The helper agrees with what a stream really emits, for lengths
   * around chunk boundaries. */
  awsc_sigv4_params p = s3_params();
  awsc_sigv4_result seed = AWSC_SIGV4_RESULT_INIT;
  CHECK_INT(sign_seed(&seed, &p), 0);
  uint8_t *body = calloc(1, 3 * 8192 + 1);
  const size_t lens[] = {0, 1, 8191, 8192, 8193, 2 * 8192, 3 * 8192 + 1};
  for (size_t i = 0; i < AWSC_ARRAY_LEN(lens); i++) {
    memsrc m = {body, lens[i], 0, 5000, 0, false};
    awsc_sigv4_chunked_stream *s = NULL;
    CHECK_INT(awsc_sigv4_chunked_stream_new(&s, &p, &seed, 8192, lens[i],
                                            mem_read, NULL, &m, NULL),
              0);
    size_t len;
    int64_t last;
    uint8_t *enc = drain(s, 3000, &len, &last);
    CHECK_INT(last, 0);
    CHECK_INT(awsc_sigv4_chunked_length(&n, lens[i], 8192), 0);
    CHECK_INT(len, n);
    free(enc);
    awsc_sigv4_chunked_stream_free(s);
  }
  free(body);
  awsc_sigv4_result_cleanup(&seed);
}

static void test_stream_errors(void) {
  awsc_sigv4_params p = s3_params();
  awsc_sigv4_result seed = AWSC_SIGV4_RESULT_INIT;
  CHECK_INT(sign_seed(&seed, &p), 0);
  uint8_t body[20000] = {0};
  awsc_sigv4_chunked_stream *s = NULL;
  size_t len;
  int64_t last;

  /* Source shorter than the declared length. */
  memsrc m = {body, 10000, 0, 10000, 0, false};
  CHECK_INT(awsc_sigv4_chunked_stream_new(&s, &p, &seed, 8192, 12000, mem_read,
                                          NULL, &m, NULL),
            0);
  free(drain(s, 4096, &len, &last));
  CHECK_INT(last, AWSC_EBODY);
  uint8_t one;
  CHECK_INT(awsc_sigv4_chunked_stream_read(&one, 1, s), AWSC_EBODY);
  CHECK(awsc_sigv4_chunked_stream_rewind(s) != 0); /* no rewind callback */
  awsc_sigv4_chunked_stream_free(s);

  /* Longer. */
  m = (memsrc){body, 20000, 0, 20000, 0, false};
  CHECK_INT(awsc_sigv4_chunked_stream_new(&s, &p, &seed, 8192, 12000, mem_read,
                                          mem_rewind, &m, NULL),
            0);
  free(drain(s, 4096, &len, &last));
  CHECK_INT(last, AWSC_EBODY);
  /* A rewind clears the error; the source is still too long. */
  CHECK_INT(awsc_sigv4_chunked_stream_rewind(s), 0);
  free(drain(s, 4096, &len, &last));
  CHECK_INT(last, AWSC_EBODY);
  awsc_sigv4_chunked_stream_free(s);

  /* The source's own error comes through. */
  CHECK_INT(awsc_sigv4_chunked_stream_new(&s, &p, &seed, 8192, 5, failing_read,
                                          NULL, NULL, NULL),
            0);
  CHECK_INT(awsc_sigv4_chunked_stream_read(&one, 1, s), AWSC_EIO);
  awsc_sigv4_chunked_stream_free(s);
  awsc_sigv4_chunked_stream_free(NULL);

  /* Bad arguments. */
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_sigv4_chunked_stream_new(&s, &p, &seed, 0, 5, mem_read, NULL,
                                          &m, &err),
            AWSC_EINVAL);
  CHECK(s == NULL);
  CHECK_INT(awsc_sigv4_chunked_stream_new(&s, &p, &seed,
                                          AWSC_SIGV4_MAX_CHUNK_SIZE + 1, 5,
                                          mem_read, NULL, &m, &err),
            AWSC_EINVAL);
  CHECK_INT(awsc_sigv4_chunked_stream_new(&s, &p, &seed, 8192, 5, NULL, NULL,
                                          &m, &err),
            AWSC_EINVAL);
  awsc_sigv4_result unsigned_seed = AWSC_SIGV4_RESULT_INIT;
  CHECK_INT(awsc_sigv4_chunked_stream_new(&s, &p, &unsigned_seed, 8192, 5,
                                          mem_read, NULL, &m, &err),
            AWSC_EINVAL);
  awsc_sigv4_params nop = p;
  nop.secret_access_key = NULL;
  CHECK_INT(awsc_sigv4_chunked_stream_new(&s, &nop, &seed, 8192, 5, mem_read,
                                          NULL, &m, &err),
            AWSC_EINVAL);
  CHECK(strstr(err.message, SK) == NULL);
  CHECK_INT(awsc_sigv4_chunked_stream_read(&one, 1, NULL), AWSC_EINVAL);
  awsc_sigv4_result_cleanup(&seed);
}

static void test_stream_allocation_failure(void) {
  int64_t live = test_alloc_live();
  awsc_sigv4_params p = s3_params();
  awsc_sigv4_result seed = AWSC_SIGV4_RESULT_INIT;
  CHECK_INT(sign_seed(&seed, &p), 0);
  memsrc m = {(const uint8_t *)"x", 1, 0, 1, 0, false};
  for (uint64_t n = 1; n <= 2; n++) {
    awsc_sigv4_chunked_stream *s = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    test_alloc_fail_at(n);
    CHECK_INT(awsc_sigv4_chunked_stream_new(&s, &p, &seed, 8192, 1, mem_read,
                                            NULL, &m, &err),
              AWSC_ENOMEM);
    test_alloc_fail_at(0);
    CHECK(s == NULL);
    CHECK(strstr(err.message, SK) == NULL);
  }
  awsc_sigv4_result_cleanup(&seed);
  CHECK_INT(test_alloc_live(), live);
}

int main(void) {
  test_alloc_install();
  RUN(test_s3_doc_example);
  RUN(test_encoded_length);
  RUN(test_stream_errors);
  RUN(test_stream_allocation_failure);
  return test_summary();
}
