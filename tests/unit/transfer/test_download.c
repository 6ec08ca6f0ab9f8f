/*
 * Managed download and copy against the fake S3: HeadObject then ranged
 * GETs with If-Match into a temporary file renamed at the end; a failure
 * or a changed object leaves neither a partial target nor a temporary
 * file (and an existing target untouched); a body broken off mid-way is
 * fetched again; copy by CopyObject or UploadPartCopy ranges; no leaks.
 */
#include <sys/stat.h>

#include "util.h"

static char target[160];

static bool saw_tmp_only;

/* During the download: the temporary file is there, the target is not. */
static int check_progress(uint64_t done, uint64_t total, void *ud) {
  (void)ud;
  (void)total;
  if (done > 0 && access(target, F_OK) != 0 && dir_count(".awsctmp.") == 1)
    saw_tmp_only = true;
  return 0;
}

static bool same_as(const char *path, const fs3_obj *o) {
  size_t n;
  uint8_t *p = slurp(path, &n);
  bool same = p && o && n == o->len && memcmp(p, o->data, n) == 0;
  free(p);
  return same;
}

static void test_ranged_download(void) {
  fs3_init(&fs);
  size_t len = 20 * MIB;
  uint8_t *data = malloc(len);
  pattern(data, len, 11);
  fs3_put(&fs, "big", data, len, "application/octet-stream");
  free(data);
  awsc_session *s;
  awsc_client *c = make_client("s3", &s);
  snprintf(target, sizeof(target), "%s/big.out", dir);
  awsc_s3_transfer_config cfg = AWSC_S3_TRANSFER_CONFIG_INIT;
  cfg.progress = check_progress;
  saw_tmp_only = false;
  awsc_s3_transfer_result r;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = awsc_s3_download_file(&r, c, "bkt", "big", target, NULL, &cfg, &err);
  CHECK_INT(rc, 0);
  if (rc)
    fprintf(stderr, "download: %s\n", err.message);
  fs3_obj *o = fs3_get(&fs, "big");
  CHECK(same_as(target, o));
  CHECK(saw_tmp_only);
  CHECK_INT(dir_count(".awsctmp."), 0);
  CHECK_INT(fs.n_req, 4);
  CHECK_STR(fs.req[0].method, "HEAD");
  const char *ranges[] = {"bytes=0-8388607", "bytes=8388608-16777215",
                          "bytes=16777216-20971519"};
  for (int i = 0; i < 3; i++) { /* on threads: in any order */
    fs3_req *q = range_req(ranges[i]);
    CHECK(q && q >= &fs.req[1]);
    if (!q)
      continue;
    CHECK_STR(q->h_if_match, o->etag);
    CHECK_INT(q->status, 206);
  }
  CHECK_INT(r.size, len);
  CHECK_INT(r.parts, 3);
  CHECK_STR(r.e_tag, o->etag);
  /* the file gets ordinary permissions (not mkstemp's 0600) */
  struct stat st;
  mode_t um = umask(0);
  umask(um);
  CHECK(stat(target, &st) == 0 && (st.st_mode & 0777) == (0666 & ~um));
  awsc_client_free(c);
  awsc_session_free(s);
  fs3_cleanup(&fs);
  unlink(target);
}

/* libcurl hands a body over in pieces of any size: the download's writes
 * (whole 32 KiB ones straight from the piece, the rest gathered) put
 * every byte at its place whatever the sizes, ranged or not. */
static void test_odd_pieces(void) {
  static const size_t pieces[] = {1,     40000, 70001, 32768, 5,
                                  32767, 98304, 65536, 3,     131072};
  const size_t sizes[] = {20 * MIB + 12345, 100 * 1024 + 7};
  for (size_t t = 0; t < 2; t++) {
    fs3_init(&fs);
    fs.pieces = pieces + t; /* the second round starts elsewhere */
    fs.n_pieces = sizeof(pieces) / sizeof(pieces[0]) - t;
    size_t len = sizes[t];
    uint8_t *data = malloc(len);
    pattern(data, len, 13 + (int)t);
    fs3_put(&fs, "odd", data, len, "application/octet-stream");
    free(data);
    awsc_session *s;
    awsc_client *c = make_client("s3", &s);
    snprintf(target, sizeof(target), "%s/odd.out", dir);
    awsc_s3_transfer_result r;
    awsc_error err = AWSC_ERROR_INIT;
    int rc =
        awsc_s3_download_file(&r, c, "bkt", "odd", target, NULL, NULL, &err);
    CHECK_INT(rc, 0);
    if (rc)
      fprintf(stderr, "download: %s\n", err.message);
    CHECK(same_as(target, fs3_get(&fs, "odd")));
    CHECK_INT(r.size, len);
    CHECK_INT(r.parts, t == 0 ? 3 : 0);
    awsc_client_free(c);
    awsc_session_free(s);
    fs3_cleanup(&fs);
    unlink(target);
  }
}

static void test_single_get_and_extra_args(void) {
  fs3_init(&fs);
  uint8_t data[3000];
  pattern(data, sizeof(data), 12);
  fs3_put(&fs, "small", data, sizeof(data), "text/plain");
  awsc_session *s;
  awsc_client *c = make_client("s3", &s);
  snprintf(target, sizeof(target), "%s/small.out", dir);
  awsc_s3_transfer_result r;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_s3_download_file_json(&r, c, "bkt", "small", target,
                                       "{\"SSECustomerAlgorithm\": \"AES256\", "
                                       "\"SSECustomerKey\": \"a2V5\"}",
                                       NULL, &err),
            0);
  CHECK_INT(fs.n_req, 2);
  CHECK_STR(fs.req[1].h_range, "");
  CHECK_INT(fs.req[1].status, 200);
  CHECK(fs.req[0].h_sse_c_key[0] && fs.req[1].h_sse_c_key[0]);
  CHECK(same_as(target, fs3_get(&fs, "small")));
  CHECK_INT(r.parts, 0);
  /* an empty object */
  fs3_put(&fs, "empty", "", 0, NULL);
  CHECK_INT(
      awsc_s3_download_file(&r, c, "bkt", "empty", target, NULL, NULL, &err),
      0);
  struct stat st;
  CHECK(stat(target, &st) == 0 && st.st_size == 0);
  awsc_client_free(c);
  awsc_session_free(s);
  fs3_cleanup(&fs);
  unlink(target);
}

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

/* A failed range: error back, target untouched, no temporary file. */
static void test_failure_leaves_nothing(void) {
  fs3_init(&fs);
  size_t len = 20 * MIB;
  uint8_t *data = malloc(len);
  pattern(data, len, 13);
  fs3_put(&fs, "big", data, len, NULL);
  free(data);
  awsc_session *s;
  awsc_client *c = make_client("s3", &s);
  snprintf(target, sizeof(target), "%s/keep.out", dir);
  write_old();
  fs.fail_at = 3; /* HEAD, range 1, range 2 <- */
  fs.fail_status = 403;
  fs.fail_code = "AccessDenied";
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(
      awsc_s3_download_file(NULL, c, "bkt", "big", target, NULL, NULL, &err),
      AWSC_ESERVICE);
  CHECK_STR(err.service_code, "AccessDenied");
  CHECK(still_old());
  CHECK_INT(dir_count(".awsctmp."), 0);
  /* missing object: HEAD 404, nothing created */
  char fresh[200];
  snprintf(fresh, sizeof(fresh), "%s/never.out", dir);
  fs.fail_at = 0;
  CHECK_INT(
      awsc_s3_download_file(NULL, c, "bkt", "nope", fresh, NULL, NULL, &err),
      AWSC_ESERVICE);
  CHECK_INT(err.http_status, 404);
  CHECK(access(fresh, F_OK) != 0);
  CHECK_INT(dir_count(".awsctmp."), 0);
  /* a directory that does not exist */
  snprintf(fresh, sizeof(fresh), "%s/no/such/dir/f", dir);
  CHECK_INT(
      awsc_s3_download_file(NULL, c, "bkt", "big", fresh, NULL, NULL, &err),
      AWSC_EIO);
  CHECK(strstr(err.message, "temporary file") != NULL);
  awsc_client_free(c);
  awsc_session_free(s);
  fs3_cleanup(&fs);
  unlink(target);
}

/* The object is replaced between HEAD and GET. */
static void test_changed_object(void) {
  fs3_init(&fs);
  size_t len = 20 * MIB;
  uint8_t *data = malloc(len);
  pattern(data, len, 14);
  fs3_put(&fs, "big", data, len, NULL);
  awsc_session *s;
  awsc_client *c = make_client("s3", &s);
  snprintf(target, sizeof(target), "%s/changed.out", dir);
  write_old();
  fs.replace_after_head = true;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(
      awsc_s3_download_file(NULL, c, "bkt", "big", target, NULL, NULL, &err),
      AWSC_ESERVICE);
  CHECK_STR(err.service_code, "PreconditionFailed");
  CHECK_INT(err.http_status, 412);
  CHECK_STR(err.message, "Contents of stored object \"big\" in bucket "
                         "\"bkt\" did not match expected ETag.");
  CHECK(still_old());
  CHECK_INT(dir_count(".awsctmp."), 0);
  /* a server that ignores If-Match: caught from the GET's ETag */
  fs3_put(&fs, "big", data, len, NULL);
  fs.replace_after_head = true;
  fs.ignore_if_match = true;
  CHECK_INT(
      awsc_s3_download_file(NULL, c, "bkt", "big", target, NULL, NULL, &err),
      AWSC_ESERVICE);
  CHECK_STR(err.service_code, "PreconditionFailed");
  CHECK(still_old());
  CHECK_INT(dir_count(".awsctmp."), 0);
  free(data);
  awsc_client_free(c);
  awsc_session_free(s);
  fs3_cleanup(&fs);
  unlink(target);
}

/* A GET breaks off mid-body: the engine retries it from the start, the
 * sink notices, the range is fetched again; the file comes out right. */
static void test_broken_body_retried(void) {
  fs3_init(&fs);
  size_t len = 20 * MIB;
  uint8_t *data = malloc(len);
  pattern(data, len, 15);
  fs3_put(&fs, "big", data, len, NULL);
  free(data);
  awsc_session *s;
  awsc_client *c = make_client("s3", &s);
  snprintf(target, sizeof(target), "%s/retry.out", dir);
  fs.break_get_at = 3; /* the second range, once */
  fs.break_get_times = 1;
  awsc_s3_transfer_result r;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = awsc_s3_download_file(&r, c, "bkt", "big", target, NULL, NULL, &err);
  CHECK_INT(rc, 0);
  if (rc)
    fprintf(stderr, "download: %s\n", err.message);
  CHECK(same_as(target, fs3_get(&fs, "big")));
  CHECK(fs3_count(&fs, "GET", "") > 3);
  /* breaking every time gives up after num_download_attempts */
  fs.break_get_at = fs.n_req + 2;
  fs.break_get_times = 1000;
  awsc_s3_transfer_config cfg = AWSC_S3_TRANSFER_CONFIG_INIT;
  cfg.num_download_attempts = 2;
  write_old();
  rc = awsc_s3_download_file(&r, c, "bkt", "big", target, NULL, &cfg, &err);
  CHECK(rc != 0);
  CHECK(still_old());
  CHECK_INT(dir_count(".awsctmp."), 0);
  awsc_client_free(c);
  awsc_session_free(s);
  fs3_cleanup(&fs);
  unlink(target);
}

static int cancel_now(uint64_t done, uint64_t total, void *ud) {
  (void)done, (void)total, (void)ud;
  return 1;
}

static void test_download_cancel(void) {
  fs3_init(&fs);
  size_t len = 2 * MIB;
  uint8_t *data = malloc(len);
  pattern(data, len, 16);
  fs3_put(&fs, "obj", data, len, NULL);
  free(data);
  awsc_session *s;
  awsc_client *c = make_client("s3", &s);
  snprintf(target, sizeof(target), "%s/cancel.out", dir);
  awsc_s3_transfer_config cfg = AWSC_S3_TRANSFER_CONFIG_INIT;
  cfg.progress = cancel_now;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(
      awsc_s3_download_file(NULL, c, "bkt", "obj", target, NULL, &cfg, &err),
      AWSC_ECANCELLED);
  CHECK(access(target, F_OK) != 0);
  CHECK_INT(dir_count(".awsctmp."), 0);
  CHECK_INT(fs3_count(&fs, "GET", ""), 1); /* not retried */
  awsc_client_free(c);
  awsc_session_free(s);
  fs3_cleanup(&fs);
}

static void test_copy(void) {
  fs3_init(&fs);
  size_t len = 20 * MIB;
  uint8_t *data = malloc(len);
  pattern(data, len, 17);
  fs3_put(&fs, "src/big", data, len, "text/csv");
  snprintf(fs3_get(&fs, "src/big")->meta, 128, "owner=qa;");
  fs3_put(&fs, "src/small", data, 1000, "text/plain");
  free(data);
  awsc_session *s;
  awsc_client *c = make_client("s3", &s);
  awsc_s3_copy_source src = {"bkt", "src/big", NULL};
  awsc_s3_transfer_result r;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = awsc_s3_copy_json(&r, c, &src, "bkt", "dst/big",
                             "{\"ACL\": \"public-read\"}", NULL, &err);
  CHECK_INT(rc, 0);
  if (rc)
    fprintf(stderr, "copy: %s\n", err.message);
  fs3_obj *so = fs3_get(&fs, "src/big");
  CHECK_INT(fs.n_req, 6); /* head, create, 3 part copies, complete */
  CHECK_STR(fs.req[0].method, "HEAD");
  CHECK_STR(fs.req[0].key, "src/big");
  CHECK(strncmp(fs.req[1].query, "uploads", 7) == 0);
  CHECK_STR(fs.req[1].h_acl, "public-read");
  /* the source's properties are kept, as CopyObject would */
  CHECK_STR(fs.req[1].h_content_type, "text/csv");
  CHECK_STR(fs.req[1].h_meta, "owner=qa;");
  const char *ranges[] = {"bytes=0-8388607", "bytes=8388608-16777215",
                          "bytes=16777216-20971519"};
  for (int i = 0; i < 3; i++) {
    fs3_req *q = part_req(i + 1);
    CHECK(q && q >= &fs.req[2] && q <= &fs.req[4]);
    if (!q)
      continue;
    CHECK_STR(q->h_copy_source, "bkt/src/big");
    CHECK_STR(q->h_copy_range, ranges[i]);
    CHECK_STR(q->h_copy_if_match, so->etag);
    CHECK_INT(q->body_len, 0);
  }
  CHECK_STR(fs.req[5].complete_parts, "1,2,3");
  fs3_obj *d = fs3_get(&fs, "dst/big");
  CHECK(d && d->len == len && memcmp(d->data, so->data, len) == 0);
  CHECK_INT(r.parts, 3);
  CHECK(d && strcmp(r.e_tag, d->etag) == 0);

  /* MetadataDirective REPLACE: only what the ExtraArgs say */
  fs3_cleanup(&fs);
  data = malloc(len);
  pattern(data, len, 17);
  fs3_put(&fs, "src/big", data, len, "text/csv");
  free(data);
  rc =
      awsc_s3_copy_json(&r, c, &src, "bkt", "dst/big2",
                        "{\"MetadataDirective\": \"REPLACE\", \"ContentType\": "
                        "\"image/png\"}",
                        NULL, &err);
  CHECK_INT(rc, 0);
  CHECK_STR(fs.req[1].h_content_type, "image/png");

  /* below the threshold: one CopyObject with every ExtraArg */
  fs3_put(&fs, "src/small", "tiny", 4, "text/plain");
  src.key = "src/small";
  src.version_id = "v 1";
  int before = fs.n_req;
  rc =
      awsc_s3_copy_json(&r, c, &src, "bkt", "dst/small",
                        "{\"MetadataDirective\": \"REPLACE\", \"ContentType\": "
                        "\"text/x-small\"}",
                        NULL, &err);
  CHECK_INT(rc, 0);
  CHECK_INT(fs.n_req - before, 2);
  fs3_req *q = &fs.req[before + 1];
  CHECK_STR(q->method, "PUT");
  CHECK_STR(q->h_copy_source, "bkt/src/small?versionId=v 1");
  CHECK_STR(q->h_content_type, "text/x-small");
  CHECK(strcmp(fs.req[before].query, "versionId=v%201") == 0);
  CHECK_INT(r.parts, 0);
  fs3_obj *small = fs3_get(&fs, "dst/small");
  CHECK(small && strcmp(r.e_tag, small->etag) == 0);

  /* a failing part copy aborts */
  fs3_cleanup(&fs);
  data = malloc(len);
  pattern(data, len, 18);
  fs3_put(&fs, "src/big", data, len, NULL);
  free(data);
  src.key = "src/big";
  src.version_id = NULL;
  fs.fail_at = 4;
  fs.fail_status = 403;
  fs.fail_code = "AccessDenied";
  CHECK_INT(awsc_s3_copy(&r, c, &src, "bkt", "dst/x", NULL, NULL, &err),
            AWSC_ESERVICE);
  CHECK_INT(fs.aborts, 1);
  CHECK(fs3_get(&fs, "dst/x") == NULL);
  awsc_client_free(c);
  awsc_session_free(s);
  fs3_cleanup(&fs);
}

static void test_json_door(void) {
  fs3_init(&fs);
  fs3_put(&fs, "j", "hello", 5, NULL);
  awsc_session *s;
  awsc_client *c = make_client("s3", &s);
  snprintf(target, sizeof(target), "%s/j.out", dir);
  char params[400];
  snprintf(params, sizeof(params),
           "{\"Bucket\": \"bkt\", \"Key\": \"j\", \"Filename\": \"%s\"}",
           target);
  char *out = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_s3_transfer_json(&out, c, "download_file", params, NULL, &err),
            0);
  CHECK(out && strstr(out, "\"Size\":5,\"Parts\":0") != NULL);
  awsc_mem_free(out);
  CHECK_INT(awsc_s3_transfer_json(&out, c, "copy",
                                  "{\"CopySource\": {\"Bucket\": \"bkt\", "
                                  "\"Key\": \"j\"}, \"Bucket\": \"bkt\", "
                                  "\"Key\": \"j2\"}",
                                  NULL, &err),
            0);
  CHECK(out &&
        strstr(out, "{\"Bucket\":\"bkt\",\"Key\":\"j2\",\"Size\":5,") == out);
  awsc_mem_free(out);
  CHECK_INT(awsc_s3_transfer_json(&out, c, "copy",
                                  "{\"CopySource\": {\"Bucket\": \"bkt\", "
                                  "\"Key\": \"j\", \"Version\": \"1\"}, "
                                  "\"Bucket\": \"bkt\", \"Key\": \"j2\"}",
                                  NULL, &err),
            AWSC_EVALIDATION);
  CHECK(strstr(err.message, "Unknown parameter in CopySource") != NULL);
  awsc_client_free(c);
  awsc_session_free(s);
  fs3_cleanup(&fs);
  unlink(target);
}

/* Every allocation failing in turn: an error or a success, never a
 * crash, a leak, a partial target or a temporary file left behind. */
static void test_allocation_failures(void) {
  fs3_init(&fs);
  awsc_session *s;
  awsc_client *c = make_client("s3", &s);
  snprintf(target, sizeof(target), "%s/oom.out", dir);
  awsc_s3_transfer_config cfg = AWSC_S3_TRANSFER_CONFIG_INIT;
  cfg.multipart_threshold = MIB; /* 3 ranges of 1 MiB */
  cfg.multipart_chunksize = MIB;
  /* one thread: the client keeps idle call workspaces for as many calls
   * as ran at once, so live blocks are comparable only without threads
   * (test_threads.c has the threaded loop) */
  cfg.max_concurrency = 1;
  size_t len = 3 * MIB;
  uint8_t *data = malloc(len);
  pattern(data, len, 21);
  fs3_put(&fs, "obj", data, len, NULL);
  CHECK_INT(
      awsc_s3_download_file(NULL, c, "bkt", "obj", target, NULL, &cfg, NULL),
      0);
  /* what the client keeps for reuse depends on how many parts ran at
   * once: dropped before each count, so failures hit its making too */
  awsc_client_drop_idle(c);
  int64_t live = test_alloc_live();
  int failures = 0;
  for (uint64_t n = 1; n < 10000; n++) {
    write_old();
    fs.n_req = 0;
    awsc_error err = AWSC_ERROR_INIT;
    test_alloc_fail_at(n);
    int rc =
        awsc_s3_download_file(NULL, c, "bkt", "obj", target, NULL, &cfg, &err);
    int fired = test_alloc_failure_fired();
    test_alloc_fail_at(0);
    awsc_client_drop_idle(c);
    CHECK_INT(test_alloc_live(), live);
    CHECK_INT(dir_count(".awsctmp."), 0);
    if (rc) {
      failures++;
      CHECK(still_old());
    } else {
      CHECK(same_as(target, fs3_get(&fs, "obj")));
    }
    if (!fired) {
      CHECK_INT(rc, 0);
      break;
    }
  }
  /* each allocation of a 3-part download failed once (the client reuses
   * its call workspaces, so a download makes only a handful) */
  if (failures <= 10)
    fprintf(stderr, "  only %d runs with a failing allocation\n", failures);
  CHECK(failures > 10);
  free(data);
  awsc_client_free(c);
  awsc_session_free(s);
  fs3_cleanup(&fs);
  unlink(target);
}

int main(void) {
  test_alloc_install();
  dir_setup();
  RUN(test_ranged_download);
  RUN(test_odd_pieces);
  RUN(test_single_get_and_extra_args);
  RUN(test_failure_leaves_nothing);
  RUN(test_changed_object);
  RUN(test_broken_body_retried);
  RUN(test_download_cancel);
  RUN(test_copy);
  RUN(test_json_door);
  RUN(test_allocation_failures);
  dir_teardown();
  test_current_failed = 0;
  CHECK_INT(test_alloc_live(), 0);
  if (test_current_failed)
    test_failed++;
  return test_summary();
}
