/*
 * Typed ExtraArgs (the generated request structs) against the fake S3:
 * allowed members reach the requests they belong to, as the JSON form's
 * do; both forms make the same internal value; a member boto3 does not
 * allow for the direction (Bucket, Key, Body among them) is refused by
 * name before anything is sent; the config version is checked as
 * 0 < version <= current; no leaks.
 */
#include "runtime/value.h"
#include "transfer/transfer_internal.h"
#include "util.h"

/* ---- both forms, one value ---- */

/* x.args of a transfer begun with `extra`, as JSON text (the member order
 * of the JSON form is the caller's: the tests write it in the shape's). */
static char *args_of(awsc_client *c, const char *main_op, const char *cs,
                     const xfer_extra *extra, const char *const *allowed,
                     size_t n_allowed, awsc_error *err) {
  xfer x;
  if (xfer_begin(&x, c, "test", main_op, "bkt", "k", cs, extra, allowed,
                 n_allowed, NULL, NULL, err) != 0)
    return NULL;
  const awsc_operation *op =
      awsc_service_find_operation(awsc_builtin_service("s3"), main_op);
  awsc_buf b = AWSC_BUF_INIT;
  int rc = awsc_value_to_json(&b, &x.args, op->input, false);
  xfer_end(&x);
  if (rc) {
    awsc_buf_free(&b);
    return NULL;
  }
  return awsc_buf_detach(&b);
}

static void test_same_value_as_json(void) {
  fs3_init(&fs);
  awsc_session *s;
  awsc_client *c = make_client("s3", &s);
  awsc_error err = AWSC_ERROR_INIT;

  /* upload: strings, a map, a timestamp */
  const awsc_s3_Metadata_Entry meta[] = {{"owner", "qa"}, {"run", "7"}};
  struct awsc_s3_PutObjectRequest put = {0};
  put.acl = "public-read";
  put.content_type = "text/csv";
  put.expires = INT64_C(1893553445000); /* 2030-01-02T03:04:05Z */
  put.has_expires = true;
  put.metadata = meta;
  put.metadata_count = 2;
  put.storage_class = "STANDARD_IA";
  xfer_extra typed = {NULL, &put};
  xfer_extra json = {"{\"ACL\": \"public-read\", \"ContentType\": "
                     "\"text/csv\", \"Expires\": \"2030-01-02T03:04:05Z\", "
                     "\"Metadata\": {\"owner\": \"qa\", \"run\": \"7\"}, "
                     "\"StorageClass\": \"STANDARD_IA\"}",
                     NULL};
  char *a = args_of(c, "PutObject", NULL, &typed, xfer_upload_args,
                    xfer_upload_args_n, &err);
  char *b = args_of(c, "PutObject", NULL, &json, xfer_upload_args,
                    xfer_upload_args_n, &err);
  CHECK(a && b);
  if (a && b)
    CHECK_STR(a, b);
  CHECK(a && strstr(a, "\"Metadata\":{\"owner\":\"qa\",\"run\":\"7\"}"));
  awsc_free(a);
  awsc_free(b);

  /* download: VersionId, ChecksumMode */
  struct awsc_s3_GetObjectRequest get = {0};
  get.version_id = "v1";
  get.checksum_mode = "ENABLED";
  typed.typed = &get;
  json.json = "{\"VersionId\": \"v1\", \"ChecksumMode\": \"ENABLED\"}";
  a = args_of(c, "GetObject", NULL, &typed, xfer_download_args,
              xfer_download_args_n, &err);
  b = args_of(c, "GetObject", NULL, &json, xfer_download_args,
              xfer_download_args_n, &err);
  CHECK(a && b);
  if (a && b)
    CHECK_STR(a, b);
  awsc_free(a);
  awsc_free(b);

  /* copy: the CopySource the call builds is there in both */
  struct awsc_s3_CopyObjectRequest cp = {0};
  cp.metadata_directive = "REPLACE";
  cp.copy_source_if_match = "\"e1\"";
  typed.typed = &cp;
  json.json = "{\"CopySourceIfMatch\": \"\\\"e1\\\"\", "
              "\"MetadataDirective\": \"REPLACE\"}";
  a = args_of(c, "CopyObject", "src/k", &typed, xfer_copy_args,
              xfer_copy_args_n, &err);
  b = args_of(c, "CopyObject", "src/k", &json, xfer_copy_args, xfer_copy_args_n,
              &err);
  CHECK(a && b);
  if (a && b) {
    /* the JSON form keeps the caller's order: compare member by member */
    CHECK(strstr(a, "\"CopySource\":\"src/k\"") != NULL);
    CHECK(strstr(b, "\"CopySource\":\"src/k\"") != NULL);
    CHECK(strstr(a, "\"MetadataDirective\":\"REPLACE\"") != NULL);
    CHECK(strstr(b, "\"MetadataDirective\":\"REPLACE\"") != NULL);
    CHECK(strstr(a, "\"CopySourceIfMatch\":\"\\\"e1\\\"\"") != NULL);
    CHECK(strstr(b, "\"CopySourceIfMatch\":\"\\\"e1\\\"\"") != NULL);
    CHECK_INT(strlen(a), strlen(b));
  }
  awsc_free(a);
  awsc_free(b);
  /* an all-zero struct is no ExtraArgs, as NULL is */
  struct awsc_s3_PutObjectRequest none = {0};
  typed.typed = &none;
  json.json = NULL;
  a = args_of(c, "PutObject", NULL, &typed, xfer_upload_args,
              xfer_upload_args_n, &err);
  b = args_of(c, "PutObject", NULL, &json, xfer_upload_args, xfer_upload_args_n,
              &err);
  CHECK(a && b);
  if (a && b)
    CHECK_STR(a, b);
  CHECK(a && strcmp(a, "{\"Bucket\":\"bkt\",\"Key\":\"k\"}") == 0);
  awsc_free(a);
  awsc_free(b);
  CHECK_INT(fs.n_req, 0);
  awsc_client_free(c);
  awsc_session_free(s);
  fs3_cleanup(&fs);
}

/* ---- allowed members reach the right requests ---- */

static void test_upload_typed(void) {
  fs3_init(&fs);
  awsc_session *s;
  awsc_client *c = make_client("s3", &s);
  const awsc_s3_Metadata_Entry meta[] = {{"owner", "qa"}, {"run", "7"}};
  struct awsc_s3_PutObjectRequest ea = {0};
  ea.acl = "public-read";
  ea.content_type = "text/csv";
  ea.metadata = meta;
  ea.metadata_count = 2;
  ea.sse_customer_algorithm = "AES256";
  ea.sse_customer_key = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
  /* one PutObject carries them all */
  const char *path = make_file("small.csv", MIB, 3);
  awsc_s3_transfer_result r;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(
      awsc_s3_upload_file(&r, c, path, "bkt", "small.csv", &ea, NULL, &err), 0);
  CHECK_INT(fs.n_req, 1);
  CHECK_STR(fs.req[0].method, "PUT");
  CHECK_STR(fs.req[0].h_content_type, "text/csv");
  CHECK_STR(fs.req[0].h_acl, "public-read");
  CHECK_STR(fs.req[0].h_meta, "owner=qa;run=7;");
  CHECK(fs.req[0].h_sse_c_key[0] != '\0');
  CHECK_INT(r.size, MIB);
  /* multipart: ContentType, ACL, Metadata go to the create only, the
   * customer key to every request */
  fs3_cleanup(&fs);
  path = make_file("big.bin", 11 * MIB, 6);
  awsc_s3_transfer_config cfg = AWSC_S3_TRANSFER_CONFIG_INIT;
  cfg.multipart_threshold = 5 * MIB;
  cfg.multipart_chunksize = 1; /* raised to the 5 MiB minimum */
  CHECK_INT(awsc_s3_upload_file(&r, c, path, "bkt", "big.bin", &ea, &cfg, &err),
            0);
  CHECK_INT(fs.n_req, 5); /* create, 5 + 5 + 1 MiB, complete */
  CHECK_INT(r.parts, 3);
  CHECK_STR(fs.req[0].h_content_type, "text/csv");
  CHECK_STR(fs.req[0].h_acl, "public-read");
  CHECK_STR(fs.req[0].h_meta, "owner=qa;run=7;");
  for (int i = 1; i < fs.n_req; i++) {
    CHECK(strcmp(fs.req[i].h_content_type, "text/csv") != 0);
    CHECK_STR(fs.req[i].h_acl, "");
    CHECK_STR(fs.req[i].h_meta, "");
  }
  for (int i = 0; i < fs.n_req; i++)
    CHECK(fs.req[i].h_sse_c_key[0] != '\0');
  fs3_obj *obj = fs3_get(&fs, "big.bin");
  CHECK(obj && obj->len == 11 * MIB && strcmp(r.e_tag, obj->etag) == 0);
  awsc_client_free(c);
  awsc_session_free(s);
  fs3_cleanup(&fs);
}

typedef struct mem_src {
  const uint8_t *p;
  size_t len, off;
} mem_src;

static int64_t mem_read(void *buf, size_t cap, void *ud) {
  mem_src *m = ud;
  size_t n = m->len - m->off < cap ? m->len - m->off : cap;
  memcpy(buf, m->p + m->off, n);
  m->off += n;
  return (int64_t)n;
}

static void test_fileobj_typed(void) {
  fs3_init(&fs);
  awsc_session *s;
  awsc_client *c = make_client("s3", &s);
  size_t len = 12 * MIB;
  uint8_t *data = malloc(len);
  pattern(data, len, 21);
  mem_src m = {data, len, 0};
  struct awsc_s3_PutObjectRequest ea = {0};
  ea.checksum_algorithm = "CRC32";
  ea.content_type = "application/x-obj";
  awsc_s3_transfer_config cfg = AWSC_S3_TRANSFER_CONFIG_INIT;
  cfg.multipart_threshold = 5 * MIB;
  cfg.multipart_chunksize = 1; /* raised to the 5 MiB minimum */
  cfg.use_threads = AWSC_TOGGLE_OFF;
  cfg.content_md5 = AWSC_TOGGLE_OFF;
  awsc_s3_transfer_result r;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_s3_upload_fileobj(&r, c, mem_read, &m, len, "bkt", "obj", &ea,
                                   &cfg, &err),
            0);
  CHECK_INT(r.parts, 3);
  CHECK_STR(fs.req[0].h_content_type, "application/x-obj");
  /* the checksum of every part, and no Content-MD5 (content_md5 OFF) */
  for (int i = 1; i <= 3; i++) {
    fs3_req *q = part_req(i);
    CHECK(q && q->h_checksum_crc32[0] != '\0');
    CHECK(q && q->h_content_md5[0] == '\0');
  }
  CHECK_INT(fs.max_in_flight, 1); /* use_threads OFF */
  fs3_obj *obj = fs3_get(&fs, "obj");
  CHECK(obj && obj->len == len && memcmp(obj->data, data, len) == 0);
  free(data);
  awsc_client_free(c);
  awsc_session_free(s);
  fs3_cleanup(&fs);
}

static void test_download_typed(void) {
  fs3_init(&fs);
  uint8_t data[3000];
  pattern(data, sizeof(data), 12);
  fs3_put(&fs, "small", data, sizeof(data), "text/plain");
  awsc_session *s;
  awsc_client *c = make_client("s3", &s);
  char target[256];
  snprintf(target, sizeof(target), "%s/small.out", dir);
  struct awsc_s3_GetObjectRequest ea = {0};
  ea.sse_customer_algorithm = "AES256";
  ea.sse_customer_key = "a2V5";
  ea.version_id = "v 1";
  awsc_s3_transfer_result r;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(
      awsc_s3_download_file(&r, c, "bkt", "small", target, &ea, NULL, &err), 0);
  CHECK_INT(fs.n_req, 2); /* HEAD, GET */
  for (int i = 0; i < fs.n_req; i++) {
    CHECK(fs.req[i].h_sse_c_key[0] != '\0');
    CHECK_STR(fs.req[i].query, "versionId=v%201");
  }
  size_t n = 0;
  uint8_t *got = slurp(target, &n);
  CHECK(got && n == sizeof(data) && memcmp(got, data, n) == 0);
  free(got);
  CHECK_INT(r.size, sizeof(data));
  unlink(target);
  awsc_client_free(c);
  awsc_session_free(s);
  fs3_cleanup(&fs);
}

static void test_copy_typed(void) {
  fs3_init(&fs);
  fs3_put(&fs, "src/small", "tiny", 4, "text/plain");
  awsc_session *s;
  awsc_client *c = make_client("s3", &s);
  awsc_s3_copy_source src = {"bkt", "src/small", NULL};
  struct awsc_s3_CopyObjectRequest ea = {0};
  ea.metadata_directive = "REPLACE";
  ea.content_type = "text/x-small";
  ea.acl = "public-read";
  awsc_s3_transfer_result r;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_s3_copy(&r, c, &src, "bkt", "dst/small", &ea, NULL, &err), 0);
  CHECK_INT(fs.n_req, 2); /* HEAD, CopyObject */
  fs3_req *q = &fs.req[1];
  CHECK_STR(q->method, "PUT");
  CHECK_STR(q->h_copy_source, "bkt/src/small");
  CHECK_STR(q->h_content_type, "text/x-small");
  CHECK_STR(q->h_acl, "public-read");
  fs3_obj *d = fs3_get(&fs, "dst/small");
  CHECK(d && d->len == 4 && strcmp(r.e_tag, d->etag) == 0);
  awsc_client_free(c);
  awsc_session_free(s);
  fs3_cleanup(&fs);
}

/* ---- refused members: named, nothing sent ---- */

/* The call's result is AWSC_EVALIDATION naming `name`, nothing was sent. */
static void refused(int rc, const awsc_error *err, const char *name) {
  char want[96];
  snprintf(want, sizeof(want),
           "Invalid extra_args key '%s', must be one of: ", name);
  CHECK_INT(rc, AWSC_EVALIDATION);
  CHECK_INT(err->kind, AWSC_ERROR_VALIDATION);
  if (strncmp(err->message, want, strlen(want)) != 0)
    fprintf(stderr, "message: %s\n", err->message);
  CHECK(strncmp(err->message, want, strlen(want)) == 0);
  CHECK_INT(fs.n_req, 0);
}

static void test_refused_members(void) {
  fs3_init(&fs);
  fs3_put(&fs, "src", "tiny", 4, "text/plain");
  awsc_session *s;
  awsc_client *c = make_client("s3", &s);
  const char *path = make_file("r.bin", 1000, 9);
  char target[256];
  snprintf(target, sizeof(target), "%s/r.out", dir);
  awsc_error err = AWSC_ERROR_INIT;
  awsc_s3_transfer_result r;
  struct awsc_s3_PutObjectRequest put = {0};
  put.acl = "private"; /* allowed, beside each refused one */
  put.bucket = "other";
  refused(awsc_s3_upload_file(&r, c, path, "bkt", "k", &put, NULL, &err), &err,
          "Bucket");
  put.bucket = NULL;
  put.key = "other";
  refused(awsc_s3_upload_file(&r, c, path, "bkt", "k", &put, NULL, &err), &err,
          "Key");
  put.key = NULL;
  put.body.data = "x";
  put.body.len = 1;
  refused(awsc_s3_upload_file(&r, c, path, "bkt", "k", &put, NULL, &err), &err,
          "Body");
  put.body.data = NULL;
  put.body.len = 0;
  put.content_length = 5;
  put.has_content_length = true;
  refused(awsc_s3_upload_file(&r, c, path, "bkt", "k", &put, NULL, &err), &err,
          "ContentLength");
  put.has_content_length = false;
  put.if_none_match = "*";
  refused(awsc_s3_upload_file(&r, c, path, "bkt", "k", &put, NULL, &err), &err,
          "IfNoneMatch");
  put.if_none_match = NULL;
  put.content_md5 = "AAAAAAAAAAAAAAAAAAAAAA==";
  refused(awsc_s3_upload_fileobj(&r, c, mem_read, &(mem_src){NULL, 0, 0}, 0,
                                 "bkt", "k", &put, NULL, &err),
          &err, "ContentMD5");
  put.content_md5 = NULL;
  /* still fine after all that: the struct was only read */
  CHECK_INT(awsc_s3_upload_file(&r, c, path, "bkt", "k", &put, NULL, &err), 0);
  CHECK_INT(fs.n_req, 1);
  CHECK_STR(fs.req[0].h_acl, "private");
  fs3_cleanup(&fs);
  fs3_put(&fs, "src", "tiny", 4, "text/plain");

  struct awsc_s3_GetObjectRequest get = {0};
  get.range = "bytes=0-1";
  refused(awsc_s3_download_file(&r, c, "bkt", "src", target, &get, NULL, &err),
          &err, "Range");
  CHECK(access(target, F_OK) != 0);
  get.range = NULL;
  get.part_number = 1;
  get.has_part_number = true;
  refused(awsc_s3_download_file(&r, c, "bkt", "src", target, &get, NULL, &err),
          &err, "PartNumber");

  awsc_s3_copy_source src = {"bkt", "src", NULL};
  struct awsc_s3_CopyObjectRequest cp = {0};
  cp.copy_source = "bkt/elsewhere";
  refused(awsc_s3_copy(&r, c, &src, "bkt", "dst", &cp, NULL, &err), &err,
          "CopySource");
  cp.copy_source = NULL;
  cp.expected_source_bucket_owner = "123456789012";
  refused(awsc_s3_copy(&r, c, &src, "bkt", "dst", &cp, NULL, &err), &err,
          "ExpectedSourceBucketOwner");
  cp.expected_source_bucket_owner = NULL;
  /* a value the transfer can not honour is refused the same way in both
   * forms */
  cp.checksum_algorithm = "XXHASH64";
  CHECK_INT(awsc_s3_copy(&r, c, &src, "bkt", "dst", &cp, NULL, &err),
            AWSC_EUNSUPPORTED);
  CHECK(strstr(err.message, "ChecksumAlgorithm XXHASH64") != NULL);
  CHECK_INT(fs.n_req, 0);
  awsc_client_free(c);
  awsc_session_free(s);
  fs3_cleanup(&fs);
}

/* ---- awsc_s3_transfer_config.version: 0 < version <= current ---- */

static void test_config_version(void) {
  fs3_init(&fs);
  awsc_session *s;
  awsc_client *c = make_client("s3", &s);
  const char *path = make_file("v.bin", 100, 4);
  awsc_error err = AWSC_ERROR_INIT;
  awsc_s3_transfer_config cfg = AWSC_S3_TRANSFER_CONFIG_INIT;
  cfg.version = 0;
  CHECK_INT(awsc_s3_upload_file(NULL, c, path, "bkt", "v", NULL, &cfg, &err),
            AWSC_EINVAL);
  CHECK(strstr(err.message, "version is 0") != NULL);
  cfg.version = AWSC_S3_TRANSFER_CONFIG_VERSION + 1;
  CHECK_INT(awsc_s3_upload_file(NULL, c, path, "bkt", "v", NULL, &cfg, &err),
            AWSC_EINVAL);
  cfg.version = -1;
  CHECK_INT(awsc_s3_upload_file(NULL, c, path, "bkt", "v", NULL, &cfg, &err),
            AWSC_EINVAL);
  CHECK_INT(fs.n_req, 0);
  cfg.version = AWSC_S3_TRANSFER_CONFIG_VERSION;
  CHECK_INT(awsc_s3_upload_file(NULL, c, path, "bkt", "v", NULL, &cfg, &err),
            0);
  CHECK_INT(fs.n_req, 1);
  /* the INIT macro's toggles mean what they did as ints */
  CHECK_INT(cfg.use_threads, 1);
  CHECK_INT(cfg.content_md5, 0);
  CHECK_INT(AWSC_TOGGLE_OFF, -1);
  awsc_client_free(c);
  awsc_session_free(s);
  fs3_cleanup(&fs);
}

/* Every allocation of a typed-ExtraArgs upload failing in turn: an error
 * with a message or success, and nothing leaked either way. */
static void test_allocation_failures(void) {
  fs3_init(&fs);
  awsc_session *s;
  awsc_client *c = make_client("s3", &s);
  const char *path = make_file("oom.bin", 1000, 20);
  const awsc_s3_Metadata_Entry meta[] = {{"k", "v"}};
  struct awsc_s3_PutObjectRequest ea = {0};
  ea.content_type = "a/b";
  ea.metadata = meta;
  ea.metadata_count = 1;
  awsc_s3_transfer_config cfg = AWSC_S3_TRANSFER_CONFIG_INIT;
  cfg.max_concurrency = 1;
  /* warm up: credentials and caches that live as long as the client */
  CHECK_INT(awsc_s3_upload_file(NULL, c, path, "bkt", "oom", &ea, &cfg, NULL),
            0);
  awsc_client_drop_idle(c);
  int64_t live = test_alloc_live();
  int failures = 0;
  for (uint64_t n = 1; n < 10000; n++) {
    awsc_error err = AWSC_ERROR_INIT;
    test_alloc_fail_at(n);
    int rc = awsc_s3_upload_file(NULL, c, path, "bkt", "oom", &ea, &cfg, &err);
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
    }
  }
  CHECK(failures > 5);
  awsc_client_free(c);
  awsc_session_free(s);
  fs3_cleanup(&fs);
}

int main(void) {
  test_alloc_install();
  dir_setup();
  RUN(test_same_value_as_json);
  RUN(test_upload_typed);
  RUN(test_fileobj_typed);
  RUN(test_download_typed);
  RUN(test_copy_typed);
  RUN(test_refused_members);
  RUN(test_config_version);
  RUN(test_allocation_failures);
  dir_teardown();
  /* everything the library allocated is released */
  test_current_failed = 0;
  CHECK_INT(test_alloc_live(), 0);
  return test_summary();
}
