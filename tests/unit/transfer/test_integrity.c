/*
 * Integrity of managed transfers against the fake S3 (docs/integrity.md):
 * a byte flipped in a downloaded body is caught for every checksum the
 * object offers (full-object, over one GET or over ranges; composite,
 * part by part) and for a single-part object's ETag as its MD5, is
 * fetched again, and when it keeps coming back wrong the download fails
 * with AWSC_ECHECKSUM naming the object and the algorithm, leaving the
 * target untouched and no temporary file. Uploads: a
 * CreateMultipartUpload whose answer was lost leaves no second upload
 * behind.
 */
#include <stddef.h>

#include "client/resp_checksum.h"
#include "util.h"

static char target[160];

static void write_old(void) {
  FILE *f = fopen(target, "wb");
  fputs("old", f);
  fclose(f);
}

static bool still_old(void) {
  size_t n;
  uint8_t *p = slurp(target, &n);
  bool old = p && n == 3 && memcmp(p, "old", 3) == 0;
  free(p);
  return old;
}

static bool same_as(const char *path, const fs3_obj *o) {
  size_t n;
  uint8_t *p = slurp(path, &n);
  bool same = p && o && n == o->len && memcmp(p, o->data, n) == 0;
  free(p);
  return same;
}

static int count_flipped(void) {
  int n = 0;
  for (int i = 0; i < fs.n_req; i++)
    n += fs.req[i].flipped;
  return n;
}

static awsc_client *client_at(const char *endpoint, awsc_session **s) {
  awsc_client *c = make_client("s3", s);
  if (c && endpoint) { /* the fake answers whatever the scheme */
    awsc_client_free(c);
    awsc_session_free(*s);
    awsc_session_options so = AWSC_SESSION_OPTIONS_INIT;
    so.access_key_id = "AKIDEXAMPLE";
    so.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    so.region = "us-east-1";
    so.transport = &fs.base;
    so.getenv_fn = env_none;
    awsc_session_new(s, &so, NULL);
    awsc_client_options co = AWSC_CLIENT_OPTIONS_INIT;
    co.endpoint_url = endpoint;
    co.addressing_style = AWSC_S3_ADDRESSING_PATH;
    c = NULL;
    awsc_client_new(&c, *s, "s3", &co, NULL);
    if (c)
      c->sleep_ms = no_sleep;
  }
  return c;
}

/* An object of `len` pattern bytes with checksum `alg` (NULL: none). */
static void put_obj(const char *key, size_t len, unsigned seed,
                    const char *alg) {
  uint8_t *data = malloc(len + 1);
  pattern(data, len, seed);
  fs3_put(&fs, key, data, len, NULL);
  free(data);
  if (alg)
    fs3_set_checksum(&fs, key, alg);
}

/* Download with `flips` bodies corrupted; rc of the download. */
static int download(awsc_client *c, const char *key, int flips,
                    const awsc_s3_transfer_config *cfg, awsc_error *err) {
  fs.n_req = 0;
  fs.flip_next = flips;
  write_old();
  int rc = awsc_s3_download_file(NULL, c, "bkt", key, target, NULL, cfg, err);
  fs.flip_next = 0;
  return rc;
}

static const char *const algs[] = {"CRC32",  "CRC32C", "CRC64NVME", "SHA1",
                                   "SHA256", "SHA512", "MD5"};

/* Each full-object checksum, one GET: the client checks the answer's
 * header, the transfer fetches again, then gives up with ECHECKSUM. */
static void test_full_object_single_get(void) {
  fs3_init(&fs);
  awsc_session *s;
  awsc_client *c = make_client("s3", &s);
  snprintf(target, sizeof(target), "%s/one.out", dir);
  for (size_t i = 0; i < AWSC_ARRAY_LEN(algs); i++) {
    put_obj("one", 300 * 1000, (unsigned)i + 1, algs[i]);
    awsc_error err = AWSC_ERROR_INIT;
    /* clean: HEAD + GET, both asking for the checksum */
    CHECK_INT(download(c, "one", 0, NULL, &err), 0);
    CHECK(same_as(target, fs3_get(&fs, "one")));
    CHECK_INT(fs.n_req, 2);
    CHECK_STR(fs.req[0].h_checksum_mode, "ENABLED");
    CHECK_STR(fs.req[1].h_checksum_mode, "ENABLED");
    /* one flipped body: fetched again, right bytes */
    CHECK_INT(download(c, "one", 1, NULL, &err), 0);
    CHECK(same_as(target, fs3_get(&fs, "one")));
    CHECK_INT(fs.n_req, 3);
    CHECK_INT(count_flipped(), 1);
    /* always flipped: 5 GETs (num_download_attempts), then the error */
    int rc = download(c, "one", 100, NULL, &err);
    CHECK_INT(rc, AWSC_ECHECKSUM);
    CHECK_INT(fs.n_req, 6);
    CHECK(strstr(err.message, "s3://bkt/one") != NULL);
    CHECK(strstr(err.message, algs[i]) != NULL);
    if (rc != AWSC_ECHECKSUM || !strstr(err.message, algs[i]))
      fprintf(stderr, "  %s: %s\n", algs[i], err.message);
    CHECK(still_old());
    CHECK_INT(dir_count(".awsctmp."), 0);
  }
  awsc_client_free(c);
  awsc_session_free(s);
  fs3_cleanup(&fs);
  unlink(target);
}

/* Each full-object checksum over ranged GETs (no answer carries it): the
 * file is checked once complete, the whole object fetched again. */
static void test_full_object_ranged(void) {
  fs3_init(&fs);
  awsc_session *s;
  awsc_client *c = make_client("s3", &s);
  snprintf(target, sizeof(target), "%s/ranged.out", dir);
  awsc_s3_transfer_config cfg = AWSC_S3_TRANSFER_CONFIG_INIT;
  cfg.multipart_threshold = MIB;
  cfg.multipart_chunksize = MIB;
  cfg.num_download_attempts = 3;
  for (size_t i = 0; i < AWSC_ARRAY_LEN(algs); i++) {
    put_obj("r", 3 * MIB + 5, (unsigned)i + 7, algs[i]);
    awsc_error err = AWSC_ERROR_INIT;
    CHECK_INT(download(c, "r", 0, &cfg, &err), 0);
    CHECK(same_as(target, fs3_get(&fs, "r")));
    CHECK_INT(fs.n_req, 5); /* HEAD + 4 ranges */
    CHECK_INT(download(c, "r", 1, &cfg, &err), 0);
    CHECK(same_as(target, fs3_get(&fs, "r")));
    CHECK_INT(fs.n_req, 9); /* HEAD + 4 ranges + 4 ranges again */
    int rc = download(c, "r", 1000, &cfg, &err);
    CHECK_INT(rc, AWSC_ECHECKSUM);
    CHECK_INT(fs.n_req, 13); /* 3 rounds */
    CHECK(strstr(err.message, "s3://bkt/r") != NULL);
    CHECK(strstr(err.message, algs[i]) != NULL);
    if (rc != AWSC_ECHECKSUM || !strstr(err.message, algs[i]))
      fprintf(stderr, "  %s: %s\n", algs[i], err.message);
    CHECK(still_old());
    CHECK_INT(dir_count(".awsctmp."), 0);
  }
  awsc_client_free(c);
  awsc_session_free(s);
  fs3_cleanup(&fs);
  unlink(target);
}

static int cancel_at_half(uint64_t done, uint64_t total, void *ud) {
  (void)ud;
  return done * 2 >= total;
}

/* No checksum: the ETag is the MD5 of a single-part object. Checked when
 * asked for (verify_etag_md5 ON, or the client's verify_etag_md5); off by
 * default, as botocore, over http:// and https://. Over ranges (in-order
 * digest of the file), with parts in flight and one at a time alike, a
 * cancel half way leaves the target and no temporary file. */
static void test_etag_md5(void) {
  fs3_init(&fs);
  awsc_session *s;
  awsc_client *c = make_client("s3", &s); /* http:// */
  snprintf(target, sizeof(target), "%s/md5.out", dir);
  awsc_s3_transfer_config one = AWSC_S3_TRANSFER_CONFIG_INIT;
  one.verify_etag_md5 = AWSC_TOGGLE_ON;
  awsc_s3_transfer_config ranged = one;
  ranged.multipart_threshold = MIB;
  ranged.multipart_chunksize = MIB;
  awsc_s3_transfer_config serial = ranged;
  serial.use_threads = AWSC_TOGGLE_OFF;
  put_obj("m", 2 * MIB + 1, 3, NULL);
  awsc_error err = AWSC_ERROR_INIT;
  /* by default the flipped byte is not seen */
  CHECK_INT(download(c, "m", 1, NULL, &err), 0);
  CHECK(!same_as(target, fs3_get(&fs, "m")));
  const awsc_s3_transfer_config *cfgs[] = {&one, &ranged, &serial};
  for (int k = 0; k < 3; k++) {
    if (k > 0) { /* HEAD + 3 ranges */
      CHECK_INT(download(c, "m", 0, cfgs[k], &err), 0);
      CHECK(same_as(target, fs3_get(&fs, "m")));
      CHECK_INT(fs.n_req, 4);
    }
    CHECK_INT(download(c, "m", 1, cfgs[k], &err), 0);
    CHECK(same_as(target, fs3_get(&fs, "m")));
    CHECK_INT(count_flipped(), 1);
    if (k > 0) /* the 3 ranges again */
      CHECK_INT(fs.n_req, 7);
    int rc = download(c, "m", 1000, cfgs[k], &err);
    CHECK_INT(rc, AWSC_ECHECKSUM);
    CHECK(strstr(err.message, "MD5 (ETag) of s3://bkt/m") != NULL);
    if (rc != AWSC_ECHECKSUM)
      fprintf(stderr, "  %s\n", err.message);
    CHECK(still_old());
    CHECK_INT(dir_count(".awsctmp."), 0);
    if (k > 0) {
      awsc_s3_transfer_config stop = *cfgs[k];
      stop.progress = cancel_at_half;
      CHECK_INT(download(c, "m", 0, &stop, &err), AWSC_ECANCELLED);
      CHECK(still_old());
      CHECK_INT(dir_count(".awsctmp."), 0);
    }
  }
  /* the client's verify_etag_md5 is the default; OFF switches it off */
  c->verify_etag_md5 = true;
  CHECK_INT(download(c, "m", 1000, NULL, &err), AWSC_ECHECKSUM);
  CHECK(still_old());
  awsc_s3_transfer_config off = AWSC_S3_TRANSFER_CONFIG_INIT;
  off.verify_etag_md5 = AWSC_TOGGLE_OFF;
  CHECK_INT(download(c, "m", 1, &off, &err), 0);
  CHECK(!same_as(target, fs3_get(&fs, "m")));
  /* SSE-KMS: the ETag is not the MD5, nothing to check against */
  fs3_get(&fs, "m")->sse_kms = true;
  CHECK_INT(download(c, "m", 1, &one, &err), 0);
  CHECK(!same_as(target, fs3_get(&fs, "m")));
  fs3_get(&fs, "m")->sse_kms = false;
  awsc_client_free(c);
  awsc_session_free(s);
  /* over https:// too the default is off; ON checks */
  c = client_at("https://s3.fake", &s);
  CHECK(c != NULL);
  CHECK_INT(download(c, "m", 1, NULL, &err), 0);
  CHECK(!same_as(target, fs3_get(&fs, "m")));
  awsc_s3_transfer_config on = AWSC_S3_TRANSFER_CONFIG_INIT;
  on.verify_etag_md5 = AWSC_TOGGLE_ON;
  CHECK_INT(download(c, "m", 1000, &on, &err), AWSC_ECHECKSUM);
  CHECK(still_old());
  awsc_client_free(c);
  awsc_session_free(s);
  fs3_cleanup(&fs);
  unlink(target);
}

/* A composite checksum: fetched by part number, each part checked
 * against its own checksum (a bad part alone fetched again), and the
 * parts' checksums against the object's "<b64>-N". */
static void test_composite(void) {
  fs3_init(&fs);
  awsc_session *s;
  awsc_client *c = make_client("s3", &s);
  snprintf(target, sizeof(target), "%s/mp.out", dir);
  put_obj("mp", 12 * MIB + 3, 5, NULL);
  fs3_set_parts(&fs, "mp", 5 * MIB, "CRC32C");
  fs3_obj *o = fs3_get(&fs, "mp");
  CHECK(strstr(o->ck_value, "-3") != NULL);
  awsc_error err = AWSC_ERROR_INIT;
  awsc_s3_transfer_result r;
  fs.n_req = 0;
  write_old();
  int rc = awsc_s3_download_file(&r, c, "bkt", "mp", target, NULL, NULL, &err);
  CHECK_INT(rc, 0);
  if (rc)
    fprintf(stderr, "  %s\n", err.message);
  CHECK(same_as(target, o));
  CHECK_INT(r.parts, 3);
  /* HEAD, HEAD ?partNumber=1, GET ?partNumber=1..3 */
  CHECK_INT(fs.n_req, 5);
  CHECK_INT(fs3_count(&fs, "GET", "partNumber="), 3);
  CHECK_INT(fs3_count(&fs, "HEAD", "partNumber=1"), 1);
  /* part 2 flipped once: only part 2 again */
  fs.flip_part = 2;
  CHECK_INT(download(c, "mp", 1, NULL, &err), 0);
  CHECK(same_as(target, o));
  CHECK_INT(fs3_count(&fs, "GET", "partNumber=2"), 2);
  CHECK_INT(fs3_count(&fs, "GET", "partNumber=1"), 1);
  /* always flipped: ECHECKSUM naming the object */
  rc = download(c, "mp", 1000, NULL, &err);
  CHECK_INT(rc, AWSC_ECHECKSUM);
  CHECK(strstr(err.message, "s3://bkt/mp") != NULL);
  CHECK(strstr(err.message, "CRC32C") != NULL);
  CHECK_INT(fs3_count(&fs, "GET", "partNumber=2"), 5);
  CHECK(still_old());
  CHECK_INT(dir_count(".awsctmp."), 0);
  /* answers without the parts' checksums: computed here, checked against
   * the composite; a bad part then costs a whole new round */
  for (int i = 1; i <= o->n_parts; i++)
    o->part_ck[i][0] = '\0';
  CHECK_INT(download(c, "mp", 1, NULL, &err), 0);
  CHECK(same_as(target, o));
  CHECK_INT(fs3_count(&fs, "GET", "partNumber="), 6);
  rc = download(c, "mp", 1000, NULL, &err);
  CHECK_INT(rc, AWSC_ECHECKSUM);
  CHECK(strstr(err.message, "CRC32C checksum of s3://bkt/mp") != NULL);
  CHECK(still_old());
  fs.flip_part = 0;
  /* parts of unequal sizes: each part's size asked */
  put_obj("odd", 11 * MIB, 9, NULL);
  o = fs3_get(&fs, "odd");
  o->first_part = 7 * MIB; /* 7 + 2 + 2: part 1 does not give the rest */
  fs3_set_parts(&fs, "odd", 2 * MIB, "SHA256");
  CHECK_INT(o->n_parts, 3);
  CHECK_INT(download(c, "odd", 0, NULL, &err), 0);
  CHECK(same_as(target, o));
  CHECK_INT(fs3_count(&fs, "HEAD", "partNumber="), 3);
  awsc_client_free(c);
  awsc_session_free(s);
  fs3_cleanup(&fs);
  unlink(target);
}

/* verify_checksums OFF: the transfer asks for nothing itself. */
static void test_checks_off(void) {
  fs3_init(&fs);
  awsc_session *s;
  awsc_client *c = make_client("s3", &s);
  snprintf(target, sizeof(target), "%s/off.out", dir);
  put_obj("mp", 11 * MIB, 5, NULL);
  fs3_set_parts(&fs, "mp", 5 * MIB, "CRC32");
  awsc_s3_transfer_config cfg = AWSC_S3_TRANSFER_CONFIG_INIT;
  cfg.verify_checksums = AWSC_TOGGLE_OFF;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(download(c, "mp", 0, &cfg, &err), 0);
  CHECK(same_as(target, fs3_get(&fs, "mp")));
  CHECK_INT(fs3_count(&fs, "GET", "partNumber="), 0);
  CHECK_STR(fs.req[0].h_checksum_mode, "");
  /* the JSON door's Config takes the switches (booleans) */
  char json[512];
  snprintf(json, sizeof(json),
           "{\"Bucket\":\"bkt\",\"Key\":\"mp\",\"Filename\":\"%s\","
           "\"Config\":{\"verify_checksums\":false}}",
           target);
  char *out = NULL;
  fs.n_req = 0;
  CHECK_INT(awsc_s3_transfer_json(&out, c, "download_file", json, NULL, &err),
            0);
  awsc_mem_free(out);
  CHECK_INT(fs3_count(&fs, "GET", "partNumber="), 0);
  snprintf(json, sizeof(json),
           "{\"Bucket\":\"bkt\",\"Key\":\"mp\",\"Filename\":\"%s\","
           "\"Config\":{\"verify_etag_md5\":1}}",
           target);
  CHECK_INT(awsc_s3_transfer_json(&out, c, "download_file", json, NULL, &err),
            AWSC_EVALIDATION);
  CHECK(strstr(err.message, "Config.verify_etag_md5") != NULL);
  /* a version-1 config (older callers) gets the defaults */
  cfg.version = 1;
  CHECK_INT(download(c, "mp", 0, &cfg, &err), 0);
  CHECK_INT(fs3_count(&fs, "GET", "partNumber="), 3);
  /* ...through the JSON door too (read only up to its own size) */
  awsc_s3_transfer_config *v1 =
      malloc(offsetof(awsc_s3_transfer_config, verify_checksums));
  memcpy(v1, &cfg, offsetof(awsc_s3_transfer_config, verify_checksums));
  snprintf(json, sizeof(json),
           "{\"Bucket\":\"bkt\",\"Key\":\"mp\",\"Filename\":\"%s\"}", target);
  fs.n_req = 0;
  CHECK_INT(awsc_s3_transfer_json(&out, c, "download_file", json, v1, &err), 0);
  awsc_mem_free(out);
  CHECK_INT(fs3_count(&fs, "GET", "partNumber="), 3);
  free(v1);
  awsc_client_free(c);
  awsc_session_free(s);
  fs3_cleanup(&fs);
  unlink(target);
}

/* CreateMultipartUpload acted but its answer was lost: the retry made a
 * second upload; the first is found and aborted. */
static void test_lost_create_answer(void) {
  fs3_init(&fs);
  awsc_session *s;
  awsc_client *c = make_client("s3", &s);
  const char *path = make_file("up.bin", 11 * MIB, 4);
  awsc_s3_transfer_config cfg = AWSC_S3_TRANSFER_CONFIG_INIT;
  cfg.max_concurrency = 1;
  fs.lose_create = 1;
  awsc_error err = AWSC_ERROR_INIT;
  int rc =
      awsc_s3_upload_file(NULL, c, path, "bkt", "up.bin", NULL, &cfg, &err);
  CHECK_INT(rc, 0);
  if (rc)
    fprintf(stderr, "  %s\n", err.message);
  CHECK_INT(fs.n_up, 2);
  CHECK_INT(fs.aborts, 1);
  CHECK(fs.up[0].done); /* the stray: aborted */
  CHECK_INT(fs3_open_uploads(&fs), 0);
  CHECK(fs3_get(&fs, "up.bin") != NULL); /* the second completed */
  CHECK_INT(fs3_count(&fs, "DELETE", "uploadId=UP1"), 1);
  CHECK_INT(fs3_count(&fs, "DELETE", "uploadId=UP2"), 0);
  CHECK_INT(fs3_count(&fs, "GET", "uploads"), 1);
  /* an upload of another key, begun earlier, is left alone */
  fs3_cleanup(&fs);
  fs3_init(&fs);
  fs.up[0].done = false;
  snprintf(fs.up[0].id, sizeof(fs.up[0].id), "OTHER");
  snprintf(fs.up[0].key, sizeof(fs.up[0].key), "up.bin.old");
  fs.up[0].initiated_ms = awsc_time_now_ms();
  snprintf(fs.up[1].id, sizeof(fs.up[1].id), "OLD");
  snprintf(fs.up[1].key, sizeof(fs.up[1].key), "up.bin");
  fs.up[1].initiated_ms = awsc_time_now_ms() - 3600 * 1000;
  fs.n_up = 2;
  fs.lose_create = 1;
  CHECK_INT(
      awsc_s3_upload_file(NULL, c, path, "bkt", "up.bin", NULL, &cfg, &err), 0);
  CHECK_INT(fs.aborts, 1); /* UP3, the lost one */
  CHECK(!fs.up[0].done && !fs.up[1].done && fs.up[2].done);
  CHECK_INT(fs3_count(&fs, "DELETE", "uploadId=UP3"), 1);
  /* every answer lost: the create fails, and what it made is aborted */
  fs3_cleanup(&fs);
  fs3_init(&fs);
  fs.lose_create = 100;
  rc = awsc_s3_upload_file(NULL, c, path, "bkt", "up.bin", NULL, &cfg, &err);
  CHECK_INT(rc, AWSC_ENETWORK);
  CHECK(fs.n_up >= 2);
  CHECK_INT(fs.aborts, fs.n_up);
  CHECK_INT(fs3_open_uploads(&fs), 0);
  /* a failed part: the upload it made is aborted, nothing open */
  fs3_cleanup(&fs);
  fs3_init(&fs);
  fs.fail_part = 2;
  fs.fail_status = 403;
  fs.fail_code = "AccessDenied";
  rc = awsc_s3_upload_file(NULL, c, path, "bkt", "up.bin", NULL, &cfg, &err);
  CHECK_INT(rc, AWSC_ESERVICE);
  CHECK_INT(fs3_open_uploads(&fs), 0);
  CHECK_INT(fs3_count(&fs, "GET", "uploads"), 0); /* no retry: no listing */
  /* the abort itself keeps failing for longer than one call's retries */
  fs3_cleanup(&fs);
  fs3_init(&fs);
  fs.fail_part = 2;
  fs.fail_status = 403;
  fs.fail_code = "AccessDenied";
  fs.fail_abort = c->max_attempts + 1;
  rc = awsc_s3_upload_file(NULL, c, path, "bkt", "up.bin", NULL, &cfg, &err);
  CHECK_INT(rc, AWSC_ESERVICE);
  CHECK_STR(err.service_code, "AccessDenied"); /* the first failure's */
  CHECK_INT(fs3_count(&fs, "DELETE", "uploadId=UP1"), c->max_attempts + 2);
  CHECK_INT(fs3_open_uploads(&fs), 0);
  /* the UploadId answered is not the server's (damaged on the way): the
   * parts fail NoSuchUpload, and the upload made is found and aborted */
  fs3_cleanup(&fs);
  fs3_init(&fs);
  fs.damage_upload_id = true;
  rc = awsc_s3_upload_file(NULL, c, path, "bkt", "up.bin", NULL, &cfg, &err);
  CHECK_INT(rc, AWSC_ESERVICE);
  CHECK_STR(err.service_code, "NoSuchUpload");
  CHECK_INT(fs3_count(&fs, "GET", "uploads"), 1);
  CHECK_INT(fs3_open_uploads(&fs), 0);
  /* a multipart copy the same way */
  fs3_cleanup(&fs);
  fs3_init(&fs);
  put_obj("src", 11 * MIB, 8, NULL);
  fs.lose_create = 1;
  awsc_s3_copy_source src = {"bkt", "src", NULL};
  rc = awsc_s3_copy(NULL, c, &src, "bkt", "dst", NULL, &cfg, &err);
  CHECK_INT(rc, 0);
  CHECK_INT(fs.n_up, 2);
  CHECK_INT(fs.aborts, 1);
  CHECK_INT(fs3_open_uploads(&fs), 0);
  CHECK(fs3_get(&fs, "dst") != NULL);
  awsc_client_free(c);
  awsc_session_free(s);
  fs3_cleanup(&fs);
}

/* The digests the checks use: CRC-64/NVME's check value, and a
 * get_object through the client checking a CRC64NVME answer. */
static void test_get_object_crc64nvme(void) {
  CHECK(awsc_crc64nvme(0, "123456789", 9) == 0xae8b14860a799888ull);
  CHECK(awsc_crc64nvme(awsc_crc64nvme(0, "1234", 4), "56789", 5) ==
        0xae8b14860a799888ull);
  /* long runs (slice-by-8) agree with short ones (byte at a time) */
  size_t big = 3 * 4096 + 13;
  uint8_t *buf = malloc(big);
  pattern(buf, big, 99);
  uint64_t whole = awsc_crc64nvme(0, buf, big), pieces = 0;
  for (size_t o = 0; o < big; o += 1000)
    pieces = awsc_crc64nvme(pieces, buf + o, big - o < 1000 ? big - o : 1000);
  CHECK(whole == pieces);
  CHECK(awsc_crc64nvme(awsc_crc64nvme(0, buf, 5), buf + 5, big - 5) == whole);
  free(buf);
  uint8_t ramp[10240]; /* value from an independent bitwise model */
  for (size_t i = 0; i < sizeof(ramp); i++)
    ramp[i] = (uint8_t)(i * 7);
  CHECK(awsc_crc64nvme(0, ramp, sizeof(ramp)) == 0xcef22e81c0fa9f21ull);
  fs3_init(&fs);
  awsc_session *s;
  awsc_client *c = make_client("s3", &s);
  put_obj("g", 1000, 17, "CRC64NVME");
  awsc_s3_GetObjectRequest in = {0};
  in.bucket = "bkt";
  in.key = "g";
  awsc_s3_GetObjectOutput *out = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_s3_get_object(&out, c, &in, &err), 0);
  CHECK(out && out->body.len == 1000);
  CHECK(out && out->checksum_crc64_nvme &&
        strcmp(out->checksum_crc64_nvme, fs3_get(&fs, "g")->ck_value) == 0);
  awsc_mem_free(out);
  out = NULL;
  /* a body held in memory is fetched again after a mismatch */
  fs.flip_next = 1;
  CHECK_INT(awsc_s3_get_object(&out, c, &in, &err), 0);
  CHECK(out && out->body.len == 1000);
  awsc_mem_free(out);
  out = NULL;
  /* ... and reported when every attempt is damaged */
  fs.flip_next = 100;
  CHECK_INT(awsc_s3_get_object(&out, c, &in, &err), AWSC_ECHECKSUM);
  CHECK(out == NULL);
  CHECK(strstr(err.message, "CRC64NVME") != NULL);
  fs.flip_next = 0;
  awsc_client_free(c);
  awsc_session_free(s);
  fs3_cleanup(&fs);
}

int main(void) {
  test_alloc_install();
  dir_setup();
  RUN(test_get_object_crc64nvme);
  RUN(test_full_object_single_get);
  RUN(test_full_object_ranged);
  RUN(test_etag_md5);
  RUN(test_composite);
  RUN(test_checks_off);
  RUN(test_lost_create_answer);
  dir_teardown();
  test_current_failed = 0;
  CHECK_INT(test_alloc_live(), 0);
  if (test_current_failed)
    test_failed++;
  return test_summary();
}
