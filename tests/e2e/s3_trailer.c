/*
 * tests/e2e/s3_trailer.c - streamed uploads with the checksum in an
 * aws-chunked trailer (STREAMING-UNSIGNED-PAYLOAD-TRAILER), against real
 * servers.
 *
 * AWS SDKs send trailers over TLS only; neither local server speaks TLS,
 * so the clients here set checksum_trailers = 2 ("over plain HTTP too"),
 * which takes the same code path apart from the scheme check.
 *   - fauxqs (the S3 part of the SNS/SQS emulator, behind the SigV4
 *     front) decodes aws-chunked bodies, keeps the checksum it finds in
 *     the trailer and echoes it: the stored bytes (read back with GET)
 *     and the echoed checksum must match what this test computes
 *     independently (bitwise CRC32, OpenSSL's SHA-1/SHA-256).
 *   - Ceph RGW 16 does not support trailers (400
 *     XAmzContentSHA256Mismatch, ../shared/notes/local-servers.md): the
 *     test checks that, and that checksum_trailers = -1 uploads there.
 */
#include <stdint.h>

#include <openssl/sha.h>

#include "awsc/s3.h"
#include "sns_util.h"

static char bucket[64];
static unsigned char data[300000];
static char path[256];

static uint32_t crc32_bitwise(const unsigned char *p, size_t n, uint32_t poly) {
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; i++) {
    c ^= p[i];
    for (int k = 0; k < 8; k++)
      c = (c & 1) ? (c >> 1) ^ poly : c >> 1;
  }
  return c ^ 0xFFFFFFFFu;
}

static void b64(const unsigned char *b, size_t n, char *out) {
  static const char t[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t o = 0;
  for (size_t i = 0; i < n; i += 3) {
    uint32_t v = (uint32_t)b[i] << 16;
    if (i + 1 < n)
      v |= (uint32_t)b[i + 1] << 8;
    if (i + 2 < n)
      v |= b[i + 2];
    out[o++] = t[v >> 18];
    out[o++] = t[(v >> 12) & 63];
    out[o++] = i + 1 < n ? t[(v >> 6) & 63] : '=';
    out[o++] = i + 2 < n ? t[v & 63] : '=';
  }
  out[o] = '\0';
}

static void b64_crc(uint32_t crc, char out[16]) {
  unsigned char be[4] = {(unsigned char)(crc >> 24), (unsigned char)(crc >> 16),
                         (unsigned char)(crc >> 8), (unsigned char)crc};
  b64(be, 4, out);
}

static awsc_client *client_at(const char *endpoint, int trailers) {
  awsc_session *s = e2e_session_ex(NULL, NULL, NULL, 0);
  if (!s)
    return NULL;
  awsc_client_options co = AWSC_CLIENT_OPTIONS_INIT;
  co.endpoint_url = endpoint;
  co.checksum_trailers = trailers;
  awsc_client *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  if (awsc_client_new(&c, s, "s3", &co, &err) != 0)
    fprintf(stderr, "client: %s\n", err.message);
  awsc_session_free(s);
  return c;
}

/* PUT the test file (FILE body, streamed) as `key`. */
static int put_file(awsc_client *c, const char *key, const char *algorithm,
                    awsc_s3_PutObjectOutput **out, awsc_error *err) {
  awsc_body_source src = {0};
  src.kind = AWSC_BODY_FILE;
  src.path = path;
  src.content_length = (int64_t)sizeof(data);
  awsc_s3_PutObjectRequest in = {0};
  in.bucket = bucket;
  in.key = key;
  in.body_source = &src;
  in.content_type = "application/octet-stream";
  in.checksum_algorithm = algorithm;
  return awsc_s3_put_object(out, c, &in, err);
}

/* GET key whole and compare with data. The client asks for the checksum
 * (x-amz-checksum-mode: ENABLED, the default) and checks the body against
 * it; `checked` says whether the server answered one (fauxqs does for
 * CRC32/SHA1/SHA256, RGW never). */
static bool same_bytes_ex(awsc_client *c, const char *key, bool *checked) {
  awsc_s3_GetObjectRequest in = {0};
  in.bucket = bucket;
  in.key = key;
  awsc_s3_GetObjectOutput *out = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  if (awsc_s3_get_object(&out, c, &in, &err) != 0) {
    fprintf(stderr, "get %s: %s\n", key, err.message);
    return false;
  }
  if (checked)
    *checked = out->checksum_crc32 || out->checksum_sha1 ||
               out->checksum_sha256 || out->checksum_crc32_c;
  bool same = out->body.len == sizeof(data) &&
              memcmp(out->body.data, data, sizeof(data)) == 0;
  if (!same)
    fprintf(stderr, "get %s: %zu bytes, differ from the %zu sent\n", key,
            out->body.len, sizeof(data));
  awsc_mem_free(out);
  return same;
}

static bool same_bytes(awsc_client *c, const char *key) {
  return same_bytes_ex(c, key, NULL);
}

static void test_fauxqs_crc32_trailer(void) {
  awsc_client *c = client_at(e2e_sns_endpoint(), 2);
  CHECK(c != NULL);
  if (!c)
    return;
  awsc_error err = AWSC_ERROR_INIT;
  awsc_s3_CreateBucketRequest cb = {0};
  cb.bucket = bucket;
  CHECK_INT(awsc_s3_create_bucket(NULL, c, &cb, &err), 0);
  awsc_s3_PutObjectOutput *out = NULL;
  CHECK_INT(put_file(c, "trailer/crc32", NULL, &out, &err), 0);
  char want[16];
  b64_crc(crc32_bitwise(data, sizeof(data), 0xEDB88320u), want);
  CHECK(out && out->checksum_crc32 != NULL);
  if (out && out->checksum_crc32)
    CHECK_STR(out->checksum_crc32, want);
  awsc_mem_free(out);
  bool checked = false;
  CHECK(same_bytes_ex(c, "trailer/crc32", &checked));
  CHECK(checked); /* the GET's body was checked against the CRC32 */
  awsc_client_free(c);
}

static void test_fauxqs_other_algorithms(void) {
  awsc_client *c = client_at(e2e_sns_endpoint(), 2);
  CHECK(c != NULL);
  if (!c)
    return;
  awsc_error err = AWSC_ERROR_INIT;
  awsc_s3_PutObjectOutput *out = NULL;
  /* fauxqs 2.4 keeps CRC32, SHA1 and SHA256 checksums; a CRC32C trailer
   * is decoded (the bytes must match) but not echoed */
  CHECK_INT(put_file(c, "trailer/crc32c", "CRC32C", &out, &err), 0);
  awsc_mem_free(out);
  CHECK(same_bytes(c, "trailer/crc32c"));
  out = NULL;
  CHECK_INT(put_file(c, "trailer/sha1", "SHA1", &out, &err), 0);
  unsigned char md[SHA256_DIGEST_LENGTH];
  char want[64];
  SHA1(data, sizeof(data), md);
  b64(md, SHA_DIGEST_LENGTH, want);
  CHECK(out && out->checksum_sha1 != NULL);
  if (out && out->checksum_sha1)
    CHECK_STR(out->checksum_sha1, want);
  awsc_mem_free(out);
  CHECK(same_bytes(c, "trailer/sha1"));
  out = NULL;
  CHECK_INT(put_file(c, "trailer/sha256", "SHA256", &out, &err), 0);
  SHA256(data, sizeof(data), md);
  b64(md, SHA256_DIGEST_LENGTH, want);
  CHECK(out && out->checksum_sha256 != NULL);
  if (out && out->checksum_sha256)
    CHECK_STR(out->checksum_sha256, want);
  awsc_mem_free(out);
  CHECK(same_bytes(c, "trailer/sha256"));
  awsc_client_free(c);
}

static void test_rgw_has_no_trailers(void) {
  awsc_client *c = client_at(e2e_s3_endpoint(), 2);
  CHECK(c != NULL);
  if (!c)
    return;
  awsc_error err = AWSC_ERROR_INIT;
  awsc_s3_CreateBucketRequest cb = {0};
  cb.bucket = bucket;
  CHECK_INT(awsc_s3_create_bucket(NULL, c, &cb, &err), 0);
  /* RGW 16 refuses STREAMING-UNSIGNED-PAYLOAD-TRAILER (AWS accepts it) */
  CHECK_INT(put_file(c, "trailer/rgw", NULL, NULL, &err), AWSC_ESERVICE);
  CHECK_STR(err.service_code, "XAmzContentSHA256Mismatch");
  awsc_client_free(c);
  /* trailers off: the same upload goes through */
  c = client_at(e2e_s3_endpoint(), -1);
  CHECK(c != NULL);
  if (!c)
    return;
  CHECK_INT(put_file(c, "trailer/rgw", NULL, NULL, &err), 0);
  CHECK(same_bytes(c, "trailer/rgw"));
  awsc_s3_DeleteObjectRequest d = {0};
  d.bucket = bucket;
  d.key = "trailer/rgw";
  CHECK_INT(awsc_s3_delete_object(NULL, c, &d, &err), 0);
  awsc_s3_DeleteBucketRequest db = {0};
  db.bucket = bucket;
  CHECK_INT(awsc_s3_delete_bucket(NULL, c, &db, &err), 0);
  awsc_client_free(c);
}

int main(void) {
  if (!e2e_sns_endpoint() && !e2e_s3_endpoint()) {
    printf("skip: neither AWSC_E2E_SNS_ENDPOINT nor AWSC_E2E_S3_ENDPOINT is "
           "set (no local server was started)\n");
    return 77;
  }
  snprintf(bucket, sizeof(bucket), "e2e-trailer-%s", e2e_run_id());
  for (size_t i = 0; i < sizeof(data); i++)
    data[i] = (unsigned char)((i * 2654435761u) >> 13);
  snprintf(path, sizeof(path), "/tmp/awsc-e2e-trailer-%ld", (long)getpid());
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(data, 1, sizeof(data), f) != sizeof(data)) {
    printf("cannot write %s\n", path);
    return 1;
  }
  fclose(f);
  if (e2e_sns_endpoint()) {
    RUN(test_fauxqs_crc32_trailer);
    RUN(test_fauxqs_other_algorithms);
  } else {
    SKIP("fauxqs trailer uploads", "AWSC_E2E_SNS_ENDPOINT is not set");
  }
  if (e2e_s3_endpoint())
    RUN(test_rgw_has_no_trailers);
  else
    SKIP("RGW trailer refusal", "AWSC_E2E_S3_ENDPOINT is not set");
  unlink(path);
  return test_summary();
}
