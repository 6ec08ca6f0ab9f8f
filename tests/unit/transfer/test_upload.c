/*
 * Managed uploads against the fake S3: the request sequence of a
 * multipart upload (create, parts with their lengths and numbers, complete
 * with the parts' ETags), which ExtraArgs go where, the single PutObject,
 * abort on failure with the original error, ExtraArgs rejection before
 * anything is sent, the RGW empty-ETag case, checksums, upload_fileobj,
 * cancellation, part sizing, the JSON door, and no leaks.
 */
#include "runtime/jtree.h"
#include "transfer/transfer_internal.h"
#include "util.h"

static const char extra[] =
    "{\"ACL\": \"public-read\", \"ContentType\": \"text/csv\", "
    "\"Metadata\": {\"owner\": \"qa\", \"run\": \"7\"}}";

static void test_multipart_sequence(void) {
  fs3_init(&fs);
  awsc_session *s;
  awsc_client *c = make_client("s3", &s);
  const char *path = make_file("big.bin", 20 * MIB, 1);
  awsc_s3_transfer_result r;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = awsc_s3_upload_file_json(&r, c, path, "bkt", "dir/big.bin", extra,
                                    NULL, &err);
  CHECK_INT(rc, 0);
  if (rc)
    fprintf(stderr, "upload: %s\n", err.message);
  CHECK_INT(fs.n_req, 5);
  /* 1: CreateMultipartUpload with the ExtraArgs that apply */
  fs3_req *q = &fs.req[0];
  CHECK_STR(q->method, "POST");
  CHECK(strncmp(q->query, "uploads", 7) == 0);
  CHECK_STR(q->key, "dir/big.bin");
  CHECK_STR(q->h_content_type, "text/csv");
  CHECK_STR(q->h_acl, "public-read");
  CHECK_STR(q->h_meta, "owner=qa;run=7;");
  CHECK_STR(q->h_create_algorithm, "CRC32"); /* as s3transfer */
  /* 2-4: three parts, 8 + 8 + 4 MiB, streamed from the file (on three
   * threads: in any order) */
  const uint64_t lens[] = {8 * MIB, 8 * MIB, 4 * MIB};
  for (int i = 0; i < 3; i++) {
    q = part_req(i + 1);
    CHECK(q && q >= &fs.req[1] && q <= &fs.req[3]);
    if (!q)
      continue;
    CHECK_STR(q->method, "PUT");
    CHECK_INT(q->part_number, i + 1);
    CHECK(q->has_upload_id);
    CHECK(strstr(q->query, "uploadId=UP1") != NULL);
    CHECK_INT(q->body_kind, AWSC_BODY_FILE);
    CHECK_INT(q->content_length, (int64_t)lens[i]);
    CHECK_INT(q->body_len, lens[i]);
    CHECK_INT(atoll(q->h_content_length), (long long)lens[i]);
    /* a CRC32 rather than a Content-MD5, in a header over http (the fake
     * checked it) */
    CHECK_STR(q->h_content_md5, "");
    CHECK(q->h_checksum_crc32[0] != '\0');
    CHECK_STR(q->h_sdk_algorithm, "CRC32");
    CHECK_STR(q->h_trailer, "");
    CHECK_INT(q->status, 200);
    /* ContentType, ACL, Metadata belong to the create only */
    CHECK_STR(q->h_acl, "");
    CHECK_STR(q->h_meta, "");
  }
  /* 5: complete with the three ETags, in order */
  q = &fs.req[4];
  CHECK_STR(q->method, "POST");
  CHECK(q->has_upload_id);
  CHECK_STR(q->complete_parts, "1,2,3");
  char want[512];
  snprintf(want, sizeof(want), "%s,%s,%s", fs.up[0].parts[1].etag,
           fs.up[0].parts[2].etag, fs.up[0].parts[3].etag);
  /* the XML writer may escape the quotes */
  char got[512];
  size_t o = 0;
  for (const char *p = q->complete_etags; *p && o + 1 < sizeof(got); p++) {
    if (strncmp(p, "&quot;", 6) == 0) {
      got[o++] = '"';
      p += 5;
    } else {
      got[o++] = *p;
    }
  }
  got[o] = '\0';
  CHECK_STR(got, want);
  /* ...and the parts' CRC32s, in order */
  snprintf(want, sizeof(want), "%s,%s,%s", part_req(1)->h_checksum_crc32,
           part_req(2)->h_checksum_crc32, part_req(3)->h_checksum_crc32);
  CHECK_STR(q->complete_checksums, want);
  /* the object and the result */
  fs3_obj *obj = fs3_get(&fs, "dir/big.bin");
  size_t n;
  uint8_t *bytes = slurp(path, &n);
  CHECK(obj && obj->len == n && memcmp(obj->data, bytes, n) == 0);
  CHECK_INT(r.size, 20 * MIB);
  CHECK_INT(r.parts, 3);
  CHECK(obj && strcmp(r.e_tag, obj->etag) == 0);
  CHECK_INT(r.e_tag_computed, 0);
  CHECK_INT(fs.aborts, 0);
  free(bytes);
  awsc_client_free(c);
  awsc_session_free(s);
  fs3_cleanup(&fs);
}

static void test_rgw_empty_etag(void) {
  fs3_init(&fs);
  fs.rgw_empty_etag = true;
  awsc_session *s;
  awsc_client *c = make_client("s3", &s);
  const char *path = make_file("rgw.bin", 20 * MIB, 2);
  awsc_s3_transfer_result r;
  CHECK_INT(
      awsc_s3_upload_file(&r, c, path, "bkt", "rgw.bin", NULL, NULL, NULL), 0);
  fs3_obj *obj = fs3_get(&fs, "rgw.bin");
  CHECK(obj && strcmp(r.e_tag, obj->etag) == 0); /* "\"hex-3\"" */
  CHECK(strstr(r.e_tag, "-3\"") != NULL);
  CHECK_INT(r.e_tag_computed, 1);
  awsc_client_free(c);
  awsc_session_free(s);
  fs3_cleanup(&fs);
}

static void test_single_put(void) {
  fs3_init(&fs);
  awsc_session *s;
  awsc_client *c = make_client("s3", &s);
  const char *path = make_file("small.csv", MIB, 3);
  awsc_s3_transfer_result r;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_s3_upload_file_json(&r, c, path, "bkt", "small.csv", extra,
                                     NULL, &err),
            0);
  CHECK_INT(fs.n_req, 1);
  fs3_req *q = &fs.req[0];
  CHECK_STR(q->method, "PUT");
  CHECK_STR(q->query, "");
  CHECK_INT(q->body_kind, AWSC_BODY_FILE);
  CHECK_INT(q->body_len, MIB);
  CHECK_STR(q->h_content_md5, "");
  CHECK(q->h_checksum_crc32[0] != '\0');
  CHECK_STR(q->h_content_type, "text/csv");
  CHECK_STR(q->h_acl, "public-read");
  CHECK_STR(q->h_meta, "owner=qa;run=7;");
  fs3_obj *obj = fs3_get(&fs, "small.csv");
  CHECK(obj && strcmp(r.e_tag, obj->etag) == 0);
  CHECK_INT(r.parts, 0);
  CHECK_INT(r.size, MIB);
  /* an empty file is one empty PutObject */
  path = make_file("empty", 0, 0);
  CHECK_INT(awsc_s3_upload_file(&r, c, path, "bkt", "empty", NULL, NULL, &err),
            0);
  obj = fs3_get(&fs, "empty");
  CHECK(obj && obj->len == 0);
  CHECK_STR(r.e_tag, "\"d41d8cd98f00b204e9800998ecf8427e\"");
  awsc_client_free(c);
  awsc_session_free(s);
  fs3_cleanup(&fs);
}

/* A failing part: abort is sent and the part's error comes back. One
 * part at a time, so that the sequence is exact (see
 * test_failed_part_threads for the same with threads). */
static void test_failed_part_aborts(void) {
  fs3_init(&fs);
  fs.fail_at = 3; /* create, part 1, part 2 <- */
  fs.fail_status = 403;
  fs.fail_code = "AccessDenied";
  awsc_session *s;
  awsc_client *c = make_client("s3", &s);
  const char *path = make_file("fail.bin", 20 * MIB, 4);
  awsc_s3_transfer_config seq = AWSC_S3_TRANSFER_CONFIG_INIT;
  seq.max_concurrency = 1;
  awsc_error err = AWSC_ERROR_INIT;
  int rc =
      awsc_s3_upload_file(NULL, c, path, "bkt", "fail.bin", NULL, &seq, &err);
  CHECK_INT(rc, AWSC_ESERVICE);
  CHECK_STR(err.service_code, "AccessDenied");
  CHECK_INT(err.http_status, 403);
  CHECK_INT(fs.n_req, 4);
  CHECK_STR(fs.req[3].method, "DELETE");
  CHECK(strstr(fs.req[3].query, "uploadId=UP1") != NULL);
  CHECK_INT(fs.aborts, 1);
  CHECK_INT(fs3_count(&fs, "POST", "uploadId="), 0); /* no complete */
  CHECK(fs3_get(&fs, "fail.bin") == NULL);

  /* a failing complete aborts too */
  fs3_cleanup(&fs);
  fs.fail_at = 5;
  fs.fail_status = 400;
  fs.fail_code = "InvalidPart";
  rc = awsc_s3_upload_file(NULL, c, path, "bkt", "fail.bin", NULL, &seq, &err);
  CHECK_INT(rc, AWSC_ESERVICE);
  CHECK_STR(err.service_code, "InvalidPart");
  CHECK_INT(fs.aborts, 1);
  CHECK_STR(fs.req[5].method, "DELETE");

  /* a failing create: nothing to abort */
  fs3_cleanup(&fs);
  fs.fail_at = 1;
  fs.fail_status = 403;
  fs.fail_code = "AccessDenied";
  rc = awsc_s3_upload_file(NULL, c, path, "bkt", "fail.bin", NULL, NULL, &err);
  CHECK_INT(rc, AWSC_ESERVICE);
  CHECK_INT(fs.n_req, 1);
  CHECK_INT(fs.aborts, 0);
  awsc_client_free(c);
  awsc_session_free(s);
  fs3_cleanup(&fs);
}

static void test_extra_args_rejected(void) {
  fs3_init(&fs);
  awsc_session *s;
  awsc_client *c = make_client("s3", &s);
  const char *path = make_file("x.bin", 1000, 5);
  awsc_error err = AWSC_ERROR_INIT;
  int rc = awsc_s3_upload_file_json(NULL, c, path, "bkt", "x", "{\"Bogus\": 1}",
                                    NULL, &err);
  CHECK_INT(rc, AWSC_EVALIDATION);
  CHECK_INT(err.kind, AWSC_ERROR_VALIDATION);
  CHECK(strncmp(err.message,
                "Invalid extra_args key 'Bogus', must be one of: ACL, "
                "CacheControl, ChecksumAlgorithm, ",
                80) == 0);
  CHECK(strstr(err.message, "Tagging, WebsiteRedirectLocation") != NULL);
  /* a name of the other direction */
  rc = awsc_s3_download_file_json(NULL, c, "bkt", "x", "out",
                                  "{\"ACL\": \"private\"}", NULL, &err);
  CHECK_INT(rc, AWSC_EVALIDATION);
  CHECK_STR(err.message,
            "Invalid extra_args key 'ACL', must be one of: ChecksumMode, "
            "VersionId, SSECustomerAlgorithm, SSECustomerKey, "
            "SSECustomerKeyMD5, RequestPayer, ExpectedBucketOwner");
  rc = awsc_s3_upload_file_json(NULL, c, path, "bkt", "x",
                                "{\"VersionId\": \"v\"}", NULL, &err);
  CHECK_INT(rc, AWSC_EVALIDATION);
  /* the copy list is longer than the message: it ends visibly */
  awsc_s3_copy_source src = {"bkt", "x", NULL};
  rc = awsc_s3_copy_json(NULL, c, &src, "bkt", "y",
                         "{\"Range\": \"bytes=0-1\"}", NULL, &err);
  CHECK_INT(rc, AWSC_EVALIDATION);
  CHECK(strncmp(err.message, "Invalid extra_args key 'Range'", 30) == 0);
  CHECK(strcmp(err.message + strlen(err.message) - 5, ", ...") == 0);
  /* wrong types, bad JSON, not an object */
  rc = awsc_s3_upload_file_json(NULL, c, path, "bkt", "x",
                                "{\"ContentType\": 5}", NULL, &err);
  CHECK_INT(rc, AWSC_EVALIDATION);
  CHECK(strstr(err.message, "ContentType") != NULL);
  rc = awsc_s3_upload_file_json(NULL, c, path, "bkt", "x",
                                "{\"Metadata\": [1]}", NULL, &err);
  CHECK_INT(rc, AWSC_EVALIDATION);
  rc = awsc_s3_upload_file_json(NULL, c, path, "bkt", "x", "{\"ACL\": ", NULL,
                                &err);
  CHECK_INT(rc, AWSC_EVALIDATION);
  rc = awsc_s3_upload_file_json(NULL, c, path, "bkt", "x", "[]", NULL, &err);
  CHECK_INT(rc, AWSC_EVALIDATION);
  CHECK_STR(err.message, "extra_args must be a JSON object");
  rc = awsc_s3_upload_file_json(NULL, c, path, "bkt", "x",
                                "{\"ChecksumAlgorithm\": \"XXHASH64\"}", NULL,
                                &err);
  CHECK_INT(rc, AWSC_EUNSUPPORTED);
  /* and none of it was sent */
  CHECK_INT(fs.n_req, 0);
  /* empty ExtraArgs are fine, null too (boto3's ExtraArgs=None) */
  CHECK_INT(
      awsc_s3_upload_file_json(NULL, c, path, "bkt", "x", "null", NULL, &err),
      0);
  CHECK_INT(
      awsc_s3_upload_file_json(NULL, c, path, "bkt", "x", " { } ", NULL, &err),
      0);
  CHECK_INT(fs.n_req, 2);
  awsc_client_free(c);
  awsc_session_free(s);
  fs3_cleanup(&fs);
}

static void test_bad_arguments(void) {
  fs3_init(&fs);
  awsc_session *s;
  awsc_client *c = make_client("s3", &s);
  awsc_session *s2;
  awsc_client *sns = make_client("sns", &s2);
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_s3_upload_file(NULL, sns, "f", "b", "k", NULL, NULL, &err),
            AWSC_EINVAL);
  CHECK(strstr(err.message, "needs an S3 client") != NULL);
  CHECK_INT(awsc_s3_upload_file(NULL, c, NULL, "b", "k", NULL, NULL, &err),
            AWSC_EINVAL);
  CHECK_INT(awsc_s3_upload_file(NULL, c, "f", NULL, "k", NULL, NULL, NULL),
            AWSC_EINVAL);
  awsc_s3_transfer_config cfg = AWSC_S3_TRANSFER_CONFIG_INIT;
  cfg.version = 99;
  CHECK_INT(awsc_s3_upload_file(NULL, c, "f", "b", "k", NULL, &cfg, &err),
            AWSC_EINVAL);
  CHECK_INT(awsc_s3_upload_file(NULL, c, "/nonexistent/file", "b", "k", NULL,
                                NULL, &err),
            AWSC_EIO);
  CHECK(strstr(err.message, "/nonexistent/file") != NULL);
  CHECK_INT(awsc_s3_upload_file(NULL, c, dir, "b", "k", NULL, NULL, &err),
            AWSC_EIO);
  CHECK_INT(fs.n_req, 0);
  awsc_client_free(sns);
  awsc_session_free(s2);
  awsc_client_free(c);
  awsc_session_free(s);
}

/* SSE-C keys go to every request of the upload, ContentType only to the
 * create (s3transfer's lists). */
static void test_args_per_request(void) {
  fs3_init(&fs);
  awsc_session *s;
  awsc_client *c = make_client("s3", &s);
  const char *path = make_file("ssec.bin", 11 * MIB, 6);
  awsc_s3_transfer_config cfg = AWSC_S3_TRANSFER_CONFIG_INIT;
  cfg.multipart_threshold = 5 * MIB;
  cfg.multipart_chunksize = 1; /* raised to the 5 MiB minimum */
  const char *ssec =
      "{\"SSECustomerAlgorithm\": \"AES256\", \"SSECustomerKey\": "
      "\"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=\", "
      "\"ContentType\": \"application/x-test\"}";
  awsc_s3_transfer_result r;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(
      awsc_s3_upload_file_json(&r, c, path, "bkt", "ssec", ssec, &cfg, &err),
      0);
  CHECK_INT(fs.n_req, 5); /* create, 5 + 5 + 1 MiB, complete */
  CHECK_INT(r.parts, 3);
  CHECK(part_req(3) && part_req(3)->body_len == MIB);
  for (int i = 0; i < fs.n_req; i++)
    CHECK(fs.req[i].h_sse_c_key[0] != '\0');
  CHECK_STR(fs.req[0].h_content_type, "application/x-test");
  CHECK(strcmp(fs.req[1].h_content_type, "application/x-test") != 0);
  awsc_client_free(c);
  awsc_session_free(s);
  fs3_cleanup(&fs);
}

static void test_checksum_algorithm(void) {
  fs3_init(&fs);
  awsc_session *s;
  awsc_client *c = make_client("s3", &s);
  const char *path = make_file("ck.bin", 1000, 7);
  size_t n;
  uint8_t *bytes = slurp(path, &n);
  uint32_t crc = awsc_crc32(0, bytes, n);
  uint8_t be[4] = {(uint8_t)(crc >> 24), (uint8_t)(crc >> 16),
                   (uint8_t)(crc >> 8), (uint8_t)crc};
  char want[16];
  awsc_base64_encode(be, 4, want);
  CHECK_INT(awsc_s3_upload_file_json(NULL, c, path, "bkt", "ck",
                                     "{\"ChecksumAlgorithm\": \"CRC32\"}", NULL,
                                     NULL),
            0);
  CHECK_STR(fs.req[0].h_checksum_crc32, want);
  free(bytes);
  awsc_client_free(c);
  awsc_session_free(s);
  fs3_cleanup(&fs);
}

/* A client on the fake at `endpoint` with these trailers and, when
 * `when_required`, request_checksum_calculation = when_required. */
static const char *env_when_required(const char *name, void *ud) {
  (void)ud;
  return strcmp(name, "AWS_REQUEST_CHECKSUM_CALCULATION") == 0 ? "when_required"
                                                               : NULL;
}

static awsc_client *client_with(const char *endpoint, int trailers,
                                bool when_required, awsc_session **s) {
  awsc_session_options so = AWSC_SESSION_OPTIONS_INIT;
  so.access_key_id = "AKIDEXAMPLE";
  so.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  so.region = "us-east-1";
  so.transport = &fs.base;
  so.getenv_fn = when_required ? env_when_required : env_none;
  *s = NULL;
  if (awsc_session_new(s, &so, NULL) != 0)
    return NULL;
  awsc_client_options co = AWSC_CLIENT_OPTIONS_INIT;
  co.endpoint_url = endpoint;
  co.addressing_style = AWSC_S3_ADDRESSING_PATH;
  co.checksum_trailers = (awsc_checksum_trailers)trailers;
  awsc_client *c = NULL;
  if (awsc_client_new(&c, *s, "s3", &co, NULL) != 0) {
    awsc_session_free(*s);
    return NULL;
  }
  c->sleep_ms = no_sleep;
  return c;
}

/* The CRC32 of part n (1-based, 8 MiB parts) of a file, base64. */
static void part_crc(const uint8_t *bytes, size_t n_bytes, int n, char *out) {
  size_t off = (size_t)(n - 1) * 8 * MIB;
  size_t len = n_bytes - off < 8 * MIB ? n_bytes - off : 8 * MIB;
  uint32_t crc = awsc_crc32(0, bytes + off, len);
  uint8_t be[4] = {(uint8_t)(crc >> 24), (uint8_t)(crc >> 16),
                   (uint8_t)(crc >> 8), (uint8_t)crc};
  awsc_base64_encode(be, 4, out);
}

/* Over TLS the engine sends each part's CRC32 in an aws-chunked trailer
 * (one read of the file, nothing computed beforehand) and the checksums
 * listed in CompleteMultipartUpload are those the server answered. */
static void test_checksum_trailer(void) {
  fs3_init(&fs);
  awsc_session *s;
  awsc_client *c = client_with("https://s3.fake", 0, false, &s);
  CHECK(c != NULL);
  const char *path = make_file("tr.bin", 20 * MIB, 11);
  size_t n;
  uint8_t *bytes = slurp(path, &n);
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_s3_upload_file(NULL, c, path, "bkt", "tr", NULL, NULL, &err),
            0);
  CHECK_INT(fs.n_req, 5);
  char want[128] = "", one[16];
  for (int i = 1; i <= 3; i++) {
    fs3_req *q = part_req(i);
    CHECK(q != NULL);
    if (!q)
      continue;
    CHECK_STR(q->h_trailer, "x-amz-checksum-crc32");
    CHECK_STR(q->h_content_md5, "");
    CHECK_INT(q->status, 200);
    part_crc(bytes, n, i, one);
    CHECK_STR(q->h_checksum_crc32, one); /* from the trailer */
    snprintf(want + strlen(want), sizeof(want) - strlen(want), "%s%s",
             i > 1 ? "," : "", one);
  }
  CHECK_STR(fs.req[4].complete_checksums, want);
  fs3_obj *obj = fs3_get(&fs, "tr");
  CHECK(obj && obj->len == n && memcmp(obj->data, bytes, n) == 0);
  /* a single PutObject too */
  path = make_file("tr1.bin", MIB, 12);
  CHECK_INT(awsc_s3_upload_file(NULL, c, path, "bkt", "tr1", NULL, NULL, &err),
            0);
  CHECK_STR(fs.req[5].h_trailer, "x-amz-checksum-crc32");
  CHECK_INT(fs.req[5].status, 200);
  awsc_client_free(c);
  awsc_session_free(s);
  /* trailers off (servers without them): computed beforehand, a header */
  c = client_with("https://s3.fake", AWSC_CHECKSUM_TRAILERS_NEVER, false, &s);
  CHECK(c != NULL);
  CHECK_INT(awsc_s3_upload_file(NULL, c, path, "bkt", "tr1", NULL, NULL, &err),
            0);
  CHECK_STR(fs.req[6].h_trailer, "");
  part_crc(fs3_get(&fs, "tr1")->data, MIB, 1, one);
  CHECK_STR(fs.req[6].h_checksum_crc32, one);
  free(bytes);
  awsc_client_free(c);
  awsc_session_free(s);
  fs3_cleanup(&fs);
}

/* Content-MD5 only when asked for (content_md5 ON, then beside the
 * CRC32); request_checksum_calculation when_required: no checksum at all
 * unless ChecksumAlgorithm asks (botocore >= 1.36). */
static void test_md5_when_asked(void) {
  fs3_init(&fs);
  awsc_session *s;
  awsc_client *c = make_client("s3", &s);
  const char *path = make_file("m5.bin", 9 * MIB, 13);
  awsc_s3_transfer_config cfg = AWSC_S3_TRANSFER_CONFIG_INIT;
  cfg.content_md5 = AWSC_TOGGLE_ON;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_s3_upload_file(NULL, c, path, "bkt", "m5", NULL, &cfg, &err),
            0);
  for (int i = 1; i <= 2; i++) {
    fs3_req *q = part_req(i);
    CHECK(q && q->h_content_md5[0] && q->h_checksum_crc32[0]);
  }
  awsc_client_free(c);
  awsc_session_free(s);
  fs3_cleanup(&fs);

  fs3_init(&fs);
  c = client_with("http://s3.fake", 0, true, &s);
  CHECK(c != NULL);
  CHECK_INT(awsc_s3_upload_file(NULL, c, path, "bkt", "m5", NULL, NULL, &err),
            0);
  CHECK_INT(fs.n_req, 4);
  for (int i = 0; i < fs.n_req; i++) {
    CHECK_STR(fs.req[i].h_content_md5, "");
    CHECK_STR(fs.req[i].h_checksum_crc32, "");
    CHECK_STR(fs.req[i].h_create_algorithm, "");
  }
  CHECK_STR(fs.req[3].complete_checksums, "");
  /* ...unless asked */
  CHECK_INT(awsc_s3_upload_file_json(NULL, c, path, "bkt", "m5",
                                     "{\"ChecksumAlgorithm\": \"CRC32C\"}",
                                     NULL, &err),
            0);
  CHECK_STR(fs.req[4].h_create_algorithm, "CRC32C");
  CHECK(fs.req[5].h_checksum_crc32c[0] && fs.req[6].h_checksum_crc32c[0]);
  CHECK_STR(fs.req[5].h_checksum_crc32, "");
  CHECK(strchr(fs.req[7].complete_checksums, ',') != NULL);
  awsc_client_free(c);
  awsc_session_free(s);
  fs3_cleanup(&fs);
}

/* CRC64NVME (S3's default for new objects) like the others: computed per
 * part, checked by the fake, listed in the completion; in a trailer over
 * TLS. */
static void test_crc64nvme(void) {
  fs3_init(&fs);
  awsc_session *s;
  awsc_client *c = make_client("s3", &s);
  const char *path = make_file("c64.bin", 9 * MIB, 14);
  size_t n;
  uint8_t *bytes = slurp(path, &n);
  awsc_error err = AWSC_ERROR_INIT;
  const char *ea = "{\"ChecksumAlgorithm\": \"CRC64NVME\"}";
  CHECK_INT(
      awsc_s3_upload_file_json(NULL, c, path, "bkt", "c64", ea, NULL, &err), 0);
  CHECK_INT(fs.n_req, 4);
  CHECK_STR(fs.req[0].h_create_algorithm, "CRC64NVME");
  char want[64] = "";
  for (int i = 1; i <= 2; i++) {
    fs3_req *q = part_req(i);
    CHECK(q && q->status == 200 && q->h_checksum_crc64[0]);
    CHECK(q && strcmp(q->h_sdk_algorithm, "CRC64NVME") == 0);
    size_t off = (size_t)(i - 1) * 8 * MIB, len = i == 1 ? 8 * MIB : MIB;
    uint64_t crc = awsc_crc64nvme(0, bytes + off, len);
    uint8_t be[8];
    char one[16];
    for (int k = 0; k < 8; k++)
      be[k] = (uint8_t)(crc >> (56 - 8 * k));
    awsc_base64_encode(be, 8, one);
    if (q)
      CHECK_STR(q->h_checksum_crc64, one);
    snprintf(want + strlen(want), sizeof(want) - strlen(want), "%s%s",
             i > 1 ? "," : "", one);
  }
  CHECK_STR(fs.req[3].complete_checksums, want);
  awsc_client_free(c);
  awsc_session_free(s);
  c = client_with("https://s3.fake", 0, false, &s);
  CHECK(c != NULL);
  CHECK_INT(
      awsc_s3_upload_file_json(NULL, c, path, "bkt", "c64", ea, NULL, &err), 0);
  CHECK_STR(fs.req[5].h_trailer, "x-amz-checksum-crc64nvme");
  CHECK_STR(fs.req[7].complete_checksums, want);
  free(bytes);
  awsc_client_free(c);
  awsc_session_free(s);
  fs3_cleanup(&fs);
}

typedef struct mem_src {
  const uint8_t *p;
  size_t len, pos, stop_at;
} mem_src;

static int64_t mem_read(void *buf, size_t size, void *ud) {
  mem_src *m = ud;
  size_t end = m->stop_at ? m->stop_at : m->len;
  size_t n = end - m->pos < size ? end - m->pos : size;
  if (n > 100000)
    n = 100000; /* short reads, as a pipe gives */
  memcpy(buf, m->p + m->pos, n);
  m->pos += n;
  return (int64_t)n;
}

static void test_upload_fileobj(void) {
  fs3_init(&fs);
  awsc_session *s;
  awsc_client *c = make_client("s3", &s);
  size_t len = 12 * MIB;
  uint8_t *data = malloc(len);
  pattern(data, len, 8);
  mem_src m = {data, len, 0, 0};
  awsc_s3_transfer_config cfg = AWSC_S3_TRANSFER_CONFIG_INIT;
  cfg.multipart_threshold = 5 * MIB;
  cfg.multipart_chunksize = 5 * MIB;
  awsc_s3_transfer_result r;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_s3_upload_fileobj(&r, c, mem_read, &m, len, "bkt", "obj", NULL,
                                   &cfg, &err),
            0);
  CHECK_INT(r.parts, 3);
  CHECK(part_req(1) && part_req(1)->body_kind == AWSC_BODY_MEMORY);
  CHECK(part_req(3) && part_req(3)->body_len == 2 * MIB);
  fs3_obj *obj = fs3_get(&fs, "obj");
  CHECK(obj && obj->len == len && memcmp(obj->data, data, len) == 0);
  /* a source that ends early: AWSC_EBODY and the upload is aborted */
  fs3_cleanup(&fs);
  mem_src shortm = {data, len, 0, 7 * MIB};
  CHECK_INT(awsc_s3_upload_fileobj(&r, c, mem_read, &shortm, len, "bkt", "obj2",
                                   NULL, &cfg, &err),
            AWSC_EBODY);
  CHECK(strstr(err.message, "ended after 7340032 of 12582912 bytes") != NULL);
  CHECK_INT(fs.aborts, 1);
  /* below the threshold: one PutObject from memory */
  fs3_cleanup(&fs);
  mem_src small = {data, 3000, 0, 0};
  CHECK_INT(awsc_s3_upload_fileobj(&r, c, mem_read, &small, 3000, "bkt", "s",
                                   NULL, NULL, &err),
            0);
  CHECK_INT(fs.n_req, 1);
  obj = fs3_get(&fs, "s");
  CHECK(obj && obj->len == 3000 && memcmp(obj->data, data, 3000) == 0);
  free(data);
  awsc_client_free(c);
  awsc_session_free(s);
  fs3_cleanup(&fs);
}

static int progress_calls;
static uint64_t progress_last;

static int cancel_after_first(uint64_t done, uint64_t total, void *ud) {
  (void)ud;
  CHECK(done > progress_last);
  CHECK_INT(total, 20 * MIB);
  progress_last = done;
  return ++progress_calls >= 1;
}

static int count_progress(uint64_t done, uint64_t total, void *ud) {
  (void)ud;
  CHECK(done > progress_last && done <= total);
  progress_last = done;
  progress_calls++;
  return 0;
}

static void test_progress_and_cancel(void) {
  fs3_init(&fs);
  awsc_session *s;
  awsc_client *c = make_client("s3", &s);
  const char *path = make_file("p.bin", 20 * MIB, 9);
  awsc_s3_transfer_config cfg = AWSC_S3_TRANSFER_CONFIG_INIT;
  cfg.progress = count_progress;
  progress_calls = 0;
  progress_last = 0;
  CHECK_INT(awsc_s3_upload_file(NULL, c, path, "bkt", "p", NULL, &cfg, NULL),
            0);
  CHECK_INT(progress_calls, 3);
  CHECK_INT(progress_last, 20 * MIB);
  /* one part at a time: nothing after the part that cancelled */
  fs3_cleanup(&fs);
  cfg.progress = cancel_after_first;
  cfg.max_concurrency = 1;
  progress_calls = 0;
  progress_last = 0;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_s3_upload_file(NULL, c, path, "bkt", "p", NULL, &cfg, &err),
            AWSC_ECANCELLED);
  CHECK_INT(fs.aborts, 1);
  CHECK_INT(fs3_count(&fs, "PUT", "partNumber="), 1);
  /* on threads: the parts in flight finish, the callback is not called
   * again, the upload is aborted */
  fs3_cleanup(&fs);
  cfg.max_concurrency = 8;
  progress_calls = 0;
  progress_last = 0;
  CHECK_INT(awsc_s3_upload_file(NULL, c, path, "bkt", "p", NULL, &cfg, &err),
            AWSC_ECANCELLED);
  CHECK_STR(err.message, "upload_file cancelled by the progress callback");
  CHECK_INT(progress_calls, 1);
  CHECK_INT(fs.aborts, 1);
  CHECK_INT(fs3_count(&fs, "POST", "uploadId="), 0);
  awsc_client_free(c);
  awsc_session_free(s);
  fs3_cleanup(&fs);
}

static void test_part_size(void) {
  CHECK_INT(xfer_part_size(8 * MIB, 20 * MIB), 8 * MIB);
  CHECK_INT(xfer_part_size(MIB, 20 * MIB), 5 * MIB);
  /* 100 GiB in 8 MiB parts would be 12800 parts: doubled */
  CHECK_INT(xfer_part_size(8 * MIB, (uint64_t)100 << 30), 16 * MIB);
  /* exactly 10000 parts is fine */
  CHECK_INT(xfer_part_size(8 * MIB, (uint64_t)10000 * 8 * MIB), 8 * MIB);
  CHECK_INT(xfer_part_size((uint64_t)6 << 30, 1), (uint64_t)5 << 30);
  char e[64];
  const char *parts[] = {"\"d41d8cd98f00b204e9800998ecf8427e\"",
                         "d41d8cd98f00b204e9800998ecf8427e"};
  CHECK(xfer_multipart_etag(parts, 2, e, sizeof(e)));
  CHECK(strncmp(e, "\"", 1) == 0 && strstr(e, "-2\"") != NULL);
  const char *kms[] = {"\"not-an-md5\""};
  CHECK(!xfer_multipart_etag(kms, 1, e, sizeof(e)));
  CHECK_STR(e, "");
}

static void test_json_door(void) {
  fs3_init(&fs);
  awsc_session *s;
  awsc_client *c = make_client("s3", &s);
  const char *path = make_file("j.bin", 6 * MIB, 10);
  char params[512];
  snprintf(params, sizeof(params),
           "{\"Filename\": \"%s\", \"Bucket\": \"bkt\", \"Key\": \"j\", "
           "\"ExtraArgs\": {\"Metadata\": {\"a\": \"b\"}, \"ContentType\": "
           "\"text/plain\"}, \"Config\": {\"multipart_threshold\": 5242880, "
           "\"multipart_chunksize\": 5242880, \"use_threads\": false}}",
           path);
  char *out = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_s3_transfer_json(&out, c, "upload_file", params, NULL, &err),
            0);
  CHECK(out && strstr(out, "\"Bucket\":\"bkt\",\"Key\":\"j\"") != NULL);
  CHECK(out && strstr(out, "\"Size\":6291456,\"Parts\":2,\"ETag\":") != NULL);
  awsc_mem_free(out);
  CHECK_STR(fs.req[0].h_meta, "a=b;");
  out = NULL;
  CHECK_INT(awsc_s3_transfer_json(&out, c, "upload_file",
                                  "{\"Bucket\": \"b\", \"Key\": \"k\"}", NULL,
                                  &err),
            AWSC_EVALIDATION);
  CHECK_STR(err.message, "Missing required parameter in input: \"Filename\"");
  CHECK_INT(awsc_s3_transfer_json(&out, c, "upload_file",
                                  "{\"Bucket\": \"b\", \"Key\": \"k\", "
                                  "\"Filename\": \"f\", \"Extra\": {}}",
                                  NULL, &err),
            AWSC_EVALIDATION);
  CHECK(strstr(err.message, "Unknown parameter in input: \"Extra\"") != NULL);
  CHECK_INT(awsc_s3_transfer_json(&out, c, "copy",
                                  "{\"CopySource\": \"b/k\", \"Bucket\": "
                                  "\"b\", \"Key\": \"k\"}",
                                  NULL, &err),
            AWSC_EVALIDATION);
  CHECK_INT(awsc_s3_transfer_json(&out, c, "upload_file",
                                  "{\"Bucket\": \"b\", \"Key\": \"k\", "
                                  "\"Filename\": \"f\", \"Config\": "
                                  "{\"multipart_threshold\": -1}}",
                                  NULL, &err),
            AWSC_EVALIDATION);
  CHECK_INT(awsc_s3_transfer_json(&out, c, "upload_fileobj", "{}", NULL, &err),
            AWSC_ENOTFOUND);
  CHECK(out == NULL);
  awsc_client_free(c);
  awsc_session_free(s);
  fs3_cleanup(&fs);
}

/* Every allocation failing in turn: an error (or a success when the
 * failure was absorbed), never a crash or a leak. */
static void test_allocation_failures(void) {
  fs3_init(&fs);
  awsc_session *s;
  awsc_client *c = make_client("s3", &s);
  const char *path = make_file("oom.bin", 6 * MIB, 20);
  awsc_s3_transfer_config cfg = AWSC_S3_TRANSFER_CONFIG_INIT;
  cfg.multipart_threshold = MIB; /* 5 + 1 MiB parts */
  /* one thread: the client keeps idle call workspaces for as many calls
   * as ran at once, so live blocks are comparable only without threads
   * (test_threads.c has the threaded loop) */
  cfg.max_concurrency = 1;
  const char *ea = "{\"ContentType\": \"a/b\", \"Metadata\": {\"k\": \"v\"}}";
  /* warm up: credentials and caches that live as long as the client */
  CHECK_INT(
      awsc_s3_upload_file_json(NULL, c, path, "bkt", "oom", ea, &cfg, NULL), 0);
  /* what the client keeps for reuse depends on how many parts ran at
   * once: dropped before each count, so failures hit its making too */
  awsc_client_drop_idle(c);
  int64_t live = test_alloc_live();
  int failures = 0;
  for (uint64_t n = 1; n < 10000; n++) {
    fs3_cleanup(&fs);
    awsc_error err = AWSC_ERROR_INIT;
    test_alloc_fail_at(n);
    int rc =
        awsc_s3_upload_file_json(NULL, c, path, "bkt", "oom", ea, &cfg, &err);
    int fired = test_alloc_failure_fired();
    test_alloc_fail_at(0);
    awsc_client_drop_idle(c);
    CHECK_INT(test_alloc_live(), live);
    if (!fired) {
      CHECK_INT(rc, 0);
      break;
    }
    if (rc) {
      failures++;
      CHECK(err.message[0] != '\0');
      /* an upload that had started is aborted, unless the failure hit
       * reading the create's answer (the UploadId is then unknown, as it
       * would be to boto3) */
      bool started = fs.n_req > 1;
      CHECK(!started || fs.aborts == 1 ||
            fs3_count(&fs, "POST", "uploadId=") == 1);
    }
  }
  CHECK(failures > 20);
  awsc_client_free(c);
  awsc_session_free(s);
  fs3_cleanup(&fs);
}

/* lib/transfer's name lists and defaults are s3transfer's. */
static const char *args_json;

static void check_list(const awsc_jnode *root, const char *name,
                       const char *const *list, size_t n) {
  const awsc_jnode *a = awsc_jtree_get(root, name);
  CHECK(a && a->type == AWSC_J_ARRAY && a->count == n);
  for (size_t i = 0; a && i < a->count && i < n; i++)
    CHECK_STR(list[i], a->items[i]->s);
}

static void test_lists_match_s3transfer(void) {
  size_t len;
  char *text = (char *)slurp(args_json, &len);
  CHECK(text != NULL);
  if (!text)
    return;
  awsc_arena *a = awsc_arena_new(0);
  awsc_jnode *root = NULL;
  CHECK_INT(awsc_jtree_parse(&root, a, text, len, 0, NULL), 0);
  if (root) {
    check_list(root, "ALLOWED_UPLOAD_ARGS", xfer_upload_args,
               xfer_upload_args_n);
    check_list(root, "ALLOWED_DOWNLOAD_ARGS", xfer_download_args,
               xfer_download_args_n);
    check_list(root, "ALLOWED_COPY_ARGS", xfer_copy_args, xfer_copy_args_n);
    const awsc_jnode *d = awsc_jtree_get(root, "defaults");
    awsc_s3_transfer_config cfg = AWSC_S3_TRANSFER_CONFIG_INIT;
    CHECK_INT(awsc_jtree_get(d, "multipart_threshold")->i,
              cfg.multipart_threshold);
    CHECK_INT(awsc_jtree_get(d, "multipart_chunksize")->i,
              cfg.multipart_chunksize);
    CHECK_INT(awsc_jtree_get(d, "max_concurrency")->i, cfg.max_concurrency);
    CHECK_INT(awsc_jtree_get(d, "num_download_attempts")->i,
              cfg.num_download_attempts);
  }
  awsc_arena_free(a);
  free(text);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s s3transfer-allowed-args.json\n", argv[0]);
    return 2;
  }
  args_json = argv[1];
  test_alloc_install();
  dir_setup();
  RUN(test_multipart_sequence);
  RUN(test_rgw_empty_etag);
  RUN(test_single_put);
  RUN(test_failed_part_aborts);
  RUN(test_extra_args_rejected);
  RUN(test_bad_arguments);
  RUN(test_args_per_request);
  RUN(test_checksum_algorithm);
  RUN(test_checksum_trailer);
  RUN(test_md5_when_asked);
  RUN(test_crc64nvme);
  RUN(test_upload_fileobj);
  RUN(test_progress_and_cancel);
  RUN(test_part_size);
  RUN(test_json_door);
  RUN(test_lists_match_s3transfer);
  RUN(test_allocation_failures);
  dir_teardown();
  /* everything the library allocated is released */
  test_current_failed = 0;
  CHECK_INT(test_alloc_live(), 0);
  if (test_current_failed)
    test_failed++;
  return test_summary();
}
