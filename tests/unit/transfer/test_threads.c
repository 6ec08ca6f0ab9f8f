/*
 * Multipart transfers with several parts in flight (max_concurrency) on
 * the engine's loop, against the fake S3 served over HTTP (fake_http.h)
 * so that the libcurl transport really overlaps requests: 1 and 8 in
 * flight give the same object, ETag and part list; 8 really overlap (the
 * fake counts requests in flight) and never exceed the setting; no
 * thread is made (the callbacks all come on the calling thread); a
 * failing part stops the rest, cancels the requests in flight, aborts
 * the upload (or removes a download's temporary file) and returns its
 * error; the progress callback is called one call at a time, going up to
 * the total; upload_fileobj reads its source on the calling thread in
 * order while parts are sent; the JSON door's max_concurrency and
 * use_threads; cancel and pause through a control from another thread;
 * pause and resume; nothing leaks (each test's allocations, client
 * included, are all freed at its end).
 */
#include <pthread.h>

#include "fake_http.h"
#include "util.h"

static fs3_http *srv;

/* The fake's state is reset only when the server is idle (fake_http.h). */
static void fake_init(void) {
  if (srv)
    fs3_http_idle(srv);
  fs3_init(&fs);
}

static void fake_cleanup(void) {
  if (srv)
    fs3_http_idle(srv);
  fs3_cleanup(&fs);
}

static awsc_client *make_client_http(awsc_session **s) {
  return make_client_url("s3", s, fs3_http_url(srv));
}

/* The XML writer may escape the quotes of the ETags. */
static void unquote(const char *in, char *out, size_t n) {
  size_t o = 0;
  for (const char *p = in; *p && o + 1 < n; p++) {
    if (strncmp(p, "&quot;", 6) == 0) {
      out[o++] = '"';
      p += 5;
    } else {
      out[o++] = *p;
    }
  }
  out[o] = '\0';
}

/* What an upload of 9 parts did with max_concurrency `conc`. */
typedef struct run_out {
  awsc_s3_transfer_result r;
  char complete_parts[256];
  char complete_etags[2048];
  int max_in_flight, parts_sent;
} run_out;

static void upload_9_parts(awsc_client *c, const char *path, int conc,
                           run_out *o) {
  fake_init();
  fs.delay_ms = 20; /* long enough for the parts to overlap */
  awsc_s3_transfer_config cfg = AWSC_S3_TRANSFER_CONFIG_INIT;
  cfg.multipart_threshold = 5 * MIB;
  cfg.multipart_chunksize = 5 * MIB;
  cfg.max_concurrency = conc;
  cfg.content_md5 = AWSC_TOGGLE_ON; /* both digests, in one pass */
  prog pr;
  memset(&pr, 0, sizeof(pr));
  cfg.progress = prog_fn;
  cfg.progress_user_data = &pr;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = awsc_s3_upload_file_json(&o->r, c, path, "bkt", "nine",
                                    "{\"ChecksumAlgorithm\": "
                                    "\"CRC32\"}",
                                    &cfg, &err);
  CHECK_INT(rc, 0);
  if (rc)
    fprintf(stderr, "upload (%d threads): %s\n", conc, err.message);
  prog_check(&pr, 42 * MIB);
  CHECK_INT(pr.calls, 9);
  const fs3_req *q = &fs.req[fs.n_req - 1];
  CHECK_STR(q->method, "POST");
  awsc_strlcpy(o->complete_parts, q->complete_parts, sizeof(o->complete_parts));
  unquote(q->complete_etags, o->complete_etags, sizeof(o->complete_etags));
  o->max_in_flight = fs.max_in_flight;
  o->parts_sent = fs3_count(&fs, "PUT", "partNumber=");
  /* every part carried its checksum and MD5 */
  for (int i = 1; i <= 9; i++)
    CHECK(part_req(i) && part_req(i)->h_content_md5[0] &&
          part_req(i)->h_checksum_crc32[0]);
  size_t n;
  uint8_t *bytes = slurp(path, &n);
  fs3_obj *obj = fs3_get(&fs, "nine");
  CHECK(obj && obj->len == n && memcmp(obj->data, bytes, n) == 0);
  free(bytes);
  fake_cleanup();
}

/* One thread or eight: the same object, ETag and part list; eight really
 * overlap (the fake saw several requests at once) and no more than eight. */
static void test_threads_same_result(void) {
  int64_t live = test_alloc_live();
  awsc_session *s;
  awsc_client *c = make_client_http(&s);
  const char *path = make_file("nine.bin", 42 * MIB, 30); /* 8x5 + 2 */
  run_out one, eight;
  upload_9_parts(c, path, 1, &one);
  upload_9_parts(c, path, 8, &eight);
  CHECK_INT(one.r.parts, 9);
  CHECK_INT(eight.r.parts, 9);
  CHECK_INT(eight.r.size, 42 * MIB);
  CHECK(strstr(one.r.e_tag, "-9\"") != NULL);
  CHECK_STR(eight.r.e_tag, one.r.e_tag);
  CHECK_STR(one.complete_parts, "1,2,3,4,5,6,7,8,9");
  CHECK_STR(eight.complete_parts, one.complete_parts);
  CHECK_STR(eight.complete_etags, one.complete_etags);
  CHECK_INT(one.parts_sent, 9);
  CHECK_INT(eight.parts_sent, 9);
  /* one: one request at a time; eight: overlapping, never more (no
   * thread made: prog_check saw every callback on this thread) */
  CHECK_INT(one.max_in_flight, 1);
  CHECK(eight.max_in_flight > 1 && eight.max_in_flight <= 8);
  printf("     8 in flight: %d requests in flight at most\n",
         eight.max_in_flight);
  fake_init();
  path = make_file("one.bin", MIB, 31);
  CHECK_INT(awsc_s3_upload_file(NULL, c, path, "bkt", "one", NULL, NULL, NULL),
            0);
  CHECK_INT(fs.max_in_flight, 1);
  fake_cleanup();
  awsc_client_free(c);
  awsc_session_free(s);
  CHECK_INT(test_alloc_live(), live); /* failures included: nothing leaked */
}

/* A failing part with 8 threads: the part's error, an abort, no complete,
 * nothing leaked; with use_threads off the parts stop at the failure. */
static void test_failed_part_threads(void) {
  int64_t live = test_alloc_live();
  awsc_session *s;
  awsc_client *c = make_client_http(&s);
  const char *path = make_file("fail8.bin", 42 * MIB, 32);
  awsc_s3_transfer_config cfg = AWSC_S3_TRANSFER_CONFIG_INIT;
  cfg.multipart_threshold = 5 * MIB;
  cfg.multipart_chunksize = 5 * MIB;
  cfg.max_concurrency = 8;
  for (int round = 0; round < 2; round++) {
    fake_init();
    fs.delay_ms = 5;
    fs.fail_part = 3;
    fs.fail_status = 403;
    fs.fail_code = "AccessDenied";
    if (round == 1)
      cfg.use_threads = AWSC_TOGGLE_OFF;
    awsc_error err = AWSC_ERROR_INIT;
    int rc =
        awsc_s3_upload_file(NULL, c, path, "bkt", "fail8", NULL, &cfg, &err);
    CHECK_INT(rc, AWSC_ESERVICE);
    CHECK_STR(err.service_code, "AccessDenied");
    CHECK_INT(err.http_status, 403);
    CHECK_INT(fs.aborts, 1);
    /* a part whose body was already on its way may be read (and logged)
     * after the abort: order by arrival of the heads, which is the order
     * the client sent in, and wait until the server has read everything */
    fs3_http_idle(srv);
    const fs3_req *abort_req = NULL;
    for (int i = 0; i < fs.n_req; i++)
      if (strcmp(fs.req[i].method, "DELETE") == 0)
        abort_req = &fs.req[i];
    CHECK(abort_req && abort_req->arrival > 0);
    for (int i = 0; abort_req && i < fs.n_req; i++)
      if (fs.req[i].part_number)
        CHECK(fs.req[i].arrival < abort_req->arrival); /* none after it */
    CHECK_INT(fs3_count(&fs, "POST", "uploadId="), 0);
    CHECK(fs3_get(&fs, "fail8") == NULL);
    int sent = fs3_count(&fs, "PUT", "partNumber=");
    if (round == 0) {
      /* the failing part, and at most the 9 parts there are: a part
       * still on its way when the failure arrives is cut off by the
       * abort and never read whole, so never logged (the bound was 3,
       * which failed once under load: parts 1 and 2 cut off) */
      if (sent < 1 || sent > 9)
        fprintf(stderr, "  parts logged: %d\n", sent);
      CHECK(sent >= 1 && sent <= 9);
    } else
      CHECK_INT(sent, 3);
    if (round == 1)
      CHECK_INT(fs.max_in_flight, 1);
    fake_cleanup();
  }
  awsc_client_free(c);
  awsc_session_free(s);
  CHECK_INT(test_alloc_live(), live); /* failures included: nothing leaked */
}

/* upload_fileobj on threads: the source is read on the calling thread, in
 * order, one read at a time, while several parts are being sent. */
typedef struct seq_src {
  const uint8_t *p;
  size_t len, pos;
  pthread_t caller;
  atomic_int inside;
  bool overlapped, other_thread;
  int reads;
} seq_src;

static int64_t seq_read(void *buf, size_t size, void *ud) {
  seq_src *m = ud;
  if (atomic_fetch_add(&m->inside, 1) != 0)
    m->overlapped = true;
  if (!pthread_equal(pthread_self(), m->caller))
    m->other_thread = true;
  size_t n = m->len - m->pos < size ? m->len - m->pos : size;
  if (n > 1000000)
    n = 1000000;
  memcpy(buf, m->p + m->pos, n); /* in order: pos only goes up */
  m->pos += n;
  m->reads++;
  atomic_fetch_sub(&m->inside, 1);
  return (int64_t)n;
}

static void test_fileobj_threads(void) {
  int64_t live = test_alloc_live();
  awsc_session *s;
  awsc_client *c = make_client_http(&s);
  size_t len = 42 * MIB;
  uint8_t *data = malloc(len);
  pattern(data, len, 33);
  awsc_s3_transfer_config cfg = AWSC_S3_TRANSFER_CONFIG_INIT;
  cfg.multipart_threshold = 5 * MIB;
  cfg.multipart_chunksize = 5 * MIB;
  cfg.max_concurrency = 4;
  prog pr;
  memset(&pr, 0, sizeof(pr));
  cfg.progress = prog_fn;
  cfg.progress_user_data = &pr;
  fake_init();
  fs.delay_ms = 20;
  seq_src m;
  memset(&m, 0, sizeof(m));
  m.p = data;
  m.len = len;
  m.caller = pthread_self();
  awsc_s3_transfer_result r;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_s3_upload_fileobj(&r, c, seq_read, &m, len, "bkt", "obj", NULL,
                                   &cfg, &err),
            0);
  CHECK(!m.overlapped);
  CHECK(!m.other_thread);
  CHECK_INT(m.pos, len);
  CHECK_INT(r.parts, 9);
  prog_check(&pr, len);
  CHECK(fs.max_in_flight > 1 && fs.max_in_flight <= 4);
  printf("     fileobj, 4 threads: %d parts in flight at most\n",
         fs.max_in_flight);
  CHECK_STR(fs.req[fs.n_req - 1].complete_parts, "1,2,3,4,5,6,7,8,9");
  fs3_obj *obj = fs3_get(&fs, "obj");
  CHECK(obj && obj->len == len && memcmp(obj->data, data, len) == 0);
  char etag[128];
  awsc_strlcpy(etag, r.e_tag, sizeof(etag));
  fake_cleanup();

  /* the same with one thread: the same ETag */
  fake_init();
  memset(&m, 0, sizeof(m));
  m.p = data;
  m.len = len;
  m.caller = pthread_self();
  cfg.max_concurrency = 1;
  cfg.progress = NULL;
  CHECK_INT(awsc_s3_upload_fileobj(&r, c, seq_read, &m, len, "bkt", "obj", NULL,
                                   &cfg, &err),
            0);
  CHECK_STR(r.e_tag, etag);
  CHECK_INT(fs.max_in_flight, 1);
  fake_cleanup();

  /* a failing part: aborted, and the reading stops (4 buffers: the source
   * is not read to its end) */
  fake_init();
  fs.delay_ms = 50;
  fs.fail_part = 2;
  fs.fail_status = 403;
  fs.fail_code = "AccessDenied";
  memset(&m, 0, sizeof(m));
  m.p = data;
  m.len = len;
  m.caller = pthread_self();
  cfg.max_concurrency = 4;
  CHECK_INT(awsc_s3_upload_fileobj(&r, c, seq_read, &m, len, "bkt", "obj", NULL,
                                   &cfg, &err),
            AWSC_ESERVICE);
  CHECK_STR(err.service_code, "AccessDenied");
  CHECK_INT(fs.aborts, 1);
  CHECK(m.pos < len);
  CHECK(!m.overlapped && !m.other_thread);
  fake_cleanup();

  /* a source that ends early, with threads: AWSC_EBODY and an abort */
  fake_init();
  memset(&m, 0, sizeof(m));
  m.p = data;
  m.len = 7 * MIB;
  m.caller = pthread_self();
  CHECK_INT(awsc_s3_upload_fileobj(&r, c, seq_read, &m, len, "bkt", "obj", NULL,
                                   &cfg, &err),
            AWSC_EBODY);
  CHECK(strstr(err.message, "ended after 7340032 of 44040192 bytes") != NULL);
  CHECK_INT(fs.aborts, 1);
  fake_cleanup();
  free(data);
  awsc_client_free(c);
  awsc_session_free(s);
  CHECK_INT(test_alloc_live(), live); /* failures included: nothing leaked */
}

/* The JSON door's max_concurrency and use_threads reach the transfer. */
static void test_json_concurrency(void) {
  int64_t live = test_alloc_live();
  awsc_session *s;
  awsc_client *c = make_client_http(&s);
  const char *path = make_file("jc.bin", 42 * MIB, 34);
  const char *configs[] = {"\"max_concurrency\": 3",
                           "\"max_concurrency\": 8, \"use_threads\": false"};
  for (int i = 0; i < 2; i++) {
    fake_init();
    fs.delay_ms = 20;
    char params[512];
    snprintf(params, sizeof(params),
             "{\"Filename\": \"%s\", \"Bucket\": \"bkt\", \"Key\": \"jc\", "
             "\"Config\": {\"multipart_chunksize\": 5242880, %s}}",
             path, configs[i]);
    char *out = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    CHECK_INT(awsc_s3_transfer_json(&out, c, "upload_file", params, NULL, &err),
              0);
    CHECK(out && strstr(out, "\"Parts\":9") != NULL);
    awsc_mem_free(out);
    if (i == 0)
      CHECK(fs.max_in_flight > 1 && fs.max_in_flight <= 3);
    else
      CHECK_INT(fs.max_in_flight, 1);
    fake_cleanup();
  }
  awsc_client_free(c);
  awsc_session_free(s);
  CHECK_INT(test_alloc_live(), live); /* failures included: nothing leaked */
}

static bool file_is(const char *path, const uint8_t *data, size_t len) {
  size_t n;
  uint8_t *p = slurp(path, &n);
  bool same = p && n == len && memcmp(p, data, len) == 0;
  free(p);
  return same;
}

/* 20 ranges of 1 MiB with 1 and 8 threads: the same file, every range
 * fetched once with If-Match, the temporary file gone. */
static void test_download_threads(void) {
  int64_t live = test_alloc_live();
  awsc_session *s;
  awsc_client *c = make_client_http(&s);
  size_t len = 20 * MIB;
  uint8_t *data = malloc(len);
  pattern(data, len, 40);
  char target[200];
  snprintf(target, sizeof(target), "%s/dl.out", dir);
  const int concs[] = {1, 8};
  for (int k = 0; k < 2; k++) {
    fake_init();
    fs3_put(&fs, "obj", data, len, NULL);
    fs.delay_ms = 10;
    awsc_s3_transfer_config cfg = AWSC_S3_TRANSFER_CONFIG_INIT;
    cfg.multipart_threshold = MIB;
    cfg.multipart_chunksize = MIB;
    cfg.max_concurrency = concs[k];
    prog pr;
    memset(&pr, 0, sizeof(pr));
    cfg.progress = prog_fn;
    cfg.progress_user_data = &pr;
    awsc_s3_transfer_result r;
    awsc_error err = AWSC_ERROR_INIT;
    int rc =
        awsc_s3_download_file(&r, c, "bkt", "obj", target, NULL, &cfg, &err);
    CHECK_INT(rc, 0);
    if (rc)
      fprintf(stderr, "download (%d threads): %s\n", concs[k], err.message);
    CHECK(file_is(target, data, len));
    CHECK_INT(dir_count(".awsctmp."), 0);
    CHECK_INT(r.parts, 20);
    CHECK_INT(r.size, len);
    CHECK_STR(r.e_tag, fs3_get(&fs, "obj")->etag);
    prog_check(&pr, len);
    CHECK_INT(fs3_count(&fs, "GET", ""), 20);
    for (int i = 0; i < 20; i++) {
      char range[64];
      snprintf(range, sizeof(range), "bytes=%zu-%zu", i * MIB,
               (i + 1) * MIB - 1);
      fs3_req *q = range_req(range);
      CHECK(q && q->status == 206 &&
            strcmp(q->h_if_match, fs3_get(&fs, "obj")->etag) == 0);
    }
    if (concs[k] == 1) {
      CHECK_INT(fs.max_in_flight, 1);
    } else {
      CHECK(fs.max_in_flight > 1 && fs.max_in_flight <= 8);
      printf("     download, 8 threads: %d ranges in flight at most\n",
             fs.max_in_flight);
    }
    unlink(target);
    fake_cleanup();
  }
  free(data);
  awsc_client_free(c);
  awsc_session_free(s);
  CHECK_INT(test_alloc_live(), live); /* failures included: nothing leaked */
}

static void write_text(const char *path, const char *text) {
  FILE *f = fopen(path, "wb");
  if (f) {
    fputs(text, f);
    fclose(f);
  }
}

/* A failing range or a cancel with 8 threads: the error, the target
 * untouched, no temporary file, nothing leaked. */
static void test_download_failure_threads(void) {
  int64_t live = test_alloc_live();
  awsc_session *s;
  awsc_client *c = make_client_http(&s);
  size_t len = 20 * MIB;
  uint8_t *data = malloc(len);
  pattern(data, len, 41);
  char target[200];
  snprintf(target, sizeof(target), "%s/keep8.out", dir);
  awsc_s3_transfer_config cfg = AWSC_S3_TRANSFER_CONFIG_INIT;
  cfg.multipart_threshold = MIB;
  cfg.multipart_chunksize = MIB;
  cfg.max_concurrency = 8;
  for (int round = 0; round < 2; round++) {
    fake_init();
    fs3_put(&fs, "obj", data, len, NULL);
    fs.delay_ms = 20; /* waves of 8 ranges 20 ms apart */
    prog pr;
    memset(&pr, 0, sizeof(pr));
    if (round == 0) {
      fs.fail_range = "bytes=5242880-6291455";
      fs.fail_status = 403;
      fs.fail_code = "AccessDenied";
    } else {
      pr.cancel_at = 3;
      cfg.progress = prog_fn;
      cfg.progress_user_data = &pr;
    }
    write_text(target, "old");
    awsc_error err = AWSC_ERROR_INIT;
    int rc =
        awsc_s3_download_file(NULL, c, "bkt", "obj", target, NULL, &cfg, &err);
    CHECK(file_is(target, (const uint8_t *)"old", 3));
    CHECK_INT(dir_count(".awsctmp."), 0);
    if (round == 0) {
      CHECK_INT(rc, AWSC_ESERVICE);
      CHECK_STR(err.service_code, "AccessDenied");
      CHECK_INT(err.http_status, 403);
    } else {
      CHECK_INT(rc, AWSC_ECANCELLED);
      CHECK_STR(err.message, "download_file cancelled by the progress "
                             "callback");
      CHECK_INT(pr.calls, 3); /* never called after the cancel */
      CHECK(!pr.overlapped);
    }
    /* nothing started after the failure was known */
    CHECK(fs3_count(&fs, "GET", "") < 20);
    fake_cleanup();
  }
  unlink(target);
  free(data);
  awsc_client_free(c);
  awsc_session_free(s);
  CHECK_INT(test_alloc_live(), live); /* failures included: nothing leaked */
}

/* A multipart copy of 9 parts with 1 and 8 threads; a failing part copy
 * with 8 threads aborts. */
static void test_copy_threads(void) {
  int64_t live = test_alloc_live();
  awsc_session *s;
  awsc_client *c = make_client_http(&s);
  size_t len = 42 * MIB;
  uint8_t *data = malloc(len);
  pattern(data, len, 42);
  awsc_s3_copy_source src = {"bkt", "src", NULL};
  char etag[128] = "", parts[256] = "";
  const int concs[] = {1, 8};
  for (int k = 0; k < 2; k++) {
    fake_init();
    fs3_put(&fs, "src", data, len, "text/csv");
    fs.delay_ms = 20;
    awsc_s3_transfer_config cfg = AWSC_S3_TRANSFER_CONFIG_INIT;
    cfg.multipart_threshold = 5 * MIB;
    cfg.multipart_chunksize = 5 * MIB;
    cfg.max_concurrency = concs[k];
    prog pr;
    memset(&pr, 0, sizeof(pr));
    cfg.progress = prog_fn;
    cfg.progress_user_data = &pr;
    awsc_s3_transfer_result r;
    awsc_error err = AWSC_ERROR_INIT;
    int rc = awsc_s3_copy(&r, c, &src, "bkt", "dst", NULL, &cfg, &err);
    CHECK_INT(rc, 0);
    if (rc)
      fprintf(stderr, "copy (%d threads): %s\n", concs[k], err.message);
    prog_check(&pr, len);
    fs3_obj *d = fs3_get(&fs, "dst");
    CHECK(d && d->len == len && memcmp(d->data, data, len) == 0);
    CHECK_INT(r.parts, 9);
    CHECK(d && strcmp(r.e_tag, d->etag) == 0);
    const fs3_req *q = &fs.req[fs.n_req - 1];
    CHECK_STR(q->complete_parts, "1,2,3,4,5,6,7,8,9");
    for (int i = 1; i <= 9; i++)
      CHECK(part_req(i) && part_req(i)->h_copy_if_match[0]);
    if (k == 0) {
      awsc_strlcpy(etag, r.e_tag, sizeof(etag));
      awsc_strlcpy(parts, q->complete_etags, sizeof(parts));
      CHECK_INT(fs.max_in_flight, 1);
    } else {
      CHECK_STR(r.e_tag, etag);
      CHECK(strncmp(q->complete_etags, parts, sizeof(parts) - 1) == 0);
      CHECK(fs.max_in_flight > 1 && fs.max_in_flight <= 8);
    }
    fake_cleanup();
  }
  /* a failing part copy */
  fake_init();
  fs3_put(&fs, "src", data, len, NULL);
  fs.delay_ms = 5;
  fs.fail_part = 4;
  fs.fail_status = 403;
  fs.fail_code = "AccessDenied";
  awsc_s3_transfer_config cfg = AWSC_S3_TRANSFER_CONFIG_INIT;
  cfg.multipart_threshold = 5 * MIB;
  cfg.multipart_chunksize = 5 * MIB;
  cfg.max_concurrency = 8;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_s3_copy(NULL, c, &src, "bkt", "dst", NULL, &cfg, &err),
            AWSC_ESERVICE);
  CHECK_STR(err.service_code, "AccessDenied");
  CHECK_INT(fs.aborts, 1);
  CHECK_INT(fs3_count(&fs, "POST", "uploadId="), 0);
  CHECK(fs3_get(&fs, "dst") == NULL);
  fake_cleanup();
  free(data);
  awsc_client_free(c);
  awsc_session_free(s);
  CHECK_INT(test_alloc_live(), live); /* failures included: nothing leaked */
}

/* Several transfers at once on one client, each with its own threads. */
typedef struct job {
  awsc_client *c;
  const char *path;
  char key[32];
  int rc;
} job;

static void *run_job(void *arg) {
  job *j = arg;
  awsc_s3_transfer_config cfg = AWSC_S3_TRANSFER_CONFIG_INIT;
  cfg.multipart_threshold = 5 * MIB;
  cfg.multipart_chunksize = 5 * MIB;
  cfg.max_concurrency = 4;
  j->rc =
      awsc_s3_upload_file(NULL, j->c, j->path, "bkt", j->key, NULL, &cfg, NULL);
  return NULL;
}

static void test_transfers_at_once(void) {
  int64_t live = test_alloc_live();
  awsc_session *s;
  awsc_client *c = make_client_http(&s);
  const char *path = make_file("many.bin", 16 * MIB, 43); /* 4 parts */
  fake_init();
  job jobs[3];
  pthread_t t[3];
  for (int i = 0; i < 3; i++) {
    jobs[i].c = c;
    jobs[i].path = path;
    snprintf(jobs[i].key, sizeof(jobs[i].key), "many-%d", i);
    pthread_create(&t[i], NULL, run_job, &jobs[i]);
  }
  for (int i = 0; i < 3; i++)
    pthread_join(t[i], NULL);
  size_t n;
  uint8_t *bytes = slurp(path, &n);
  for (int i = 0; i < 3; i++) {
    CHECK_INT(jobs[i].rc, 0);
    fs3_obj *o = fs3_get(&fs, jobs[i].key);
    CHECK(o && o->len == n && memcmp(o->data, bytes, n) == 0);
  }
  free(bytes);
  fake_cleanup();
  awsc_client_free(c);
  awsc_session_free(s);
  CHECK_INT(test_alloc_live(), live); /* failures included: nothing leaked */
}

/* A cancel from another thread while parts are in flight: AWSC_ECANCELLED,
 * the upload aborted, nothing completed. */
typedef struct canceller {
  awsc_s3_transfer_control *ctl;
  int after_ms;
} canceller;

static void *cancel_later(void *arg) {
  canceller *k = arg;
  struct timespec ts = {0, (long)k->after_ms * 1000000L};
  nanosleep(&ts, NULL);
  awsc_s3_transfer_cancel(k->ctl);
  return NULL;
}

static void test_cancel_from_thread(void) {
  int64_t live = test_alloc_live();
  awsc_session *s;
  awsc_client *c = make_client_http(&s);
  const char *path = make_file("cancel.bin", 42 * MIB, 50);
  awsc_s3_transfer_control *ctl = NULL;
  CHECK_INT(awsc_s3_transfer_control_new(&ctl, NULL), 0);
  awsc_s3_transfer_config cfg = AWSC_S3_TRANSFER_CONFIG_INIT;
  cfg.multipart_threshold = 5 * MIB;
  cfg.multipart_chunksize = 5 * MIB;
  cfg.max_concurrency = 2;
  cfg.control = ctl;
  fake_init();
  fs.delay_ms = 40; /* 9 parts, 2 at a time: about 200 ms */
  canceller k = {ctl, 60};
  pthread_t t;
  pthread_create(&t, NULL, cancel_later, &k);
  awsc_error err = AWSC_ERROR_INIT;
  int rc =
      awsc_s3_upload_file(NULL, c, path, "bkt", "cancel", NULL, &cfg, &err);
  pthread_join(t, NULL);
  CHECK_INT(rc, AWSC_ECANCELLED);
  CHECK_STR(err.message, "upload_file cancelled");
  CHECK_INT(fs.aborts, 1);
  CHECK_INT(fs3_open_uploads(&fs), 0);
  CHECK_INT(fs3_count(&fs, "POST", "uploadId="), 0);
  CHECK(fs3_count(&fs, "PUT", "partNumber=") < 9);
  CHECK(awsc_s3_transfer_resume_token(ctl) == NULL); /* aborted: none */
  fake_cleanup();
  /* the control serves the next transfer afresh */
  fake_init();
  CHECK_INT(
      awsc_s3_upload_file(NULL, c, path, "bkt", "cancel", NULL, &cfg, &err), 0);
  fake_cleanup();
  awsc_s3_transfer_control_free(ctl);
  awsc_client_free(c);
  awsc_session_free(s);
  CHECK_INT(test_alloc_live(), live);
}

/* Pause after 3 parts (from the progress callback), then resume with the
 * token: the upload is kept (no abort), the resume asks ListParts, sends
 * only the 6 missing parts and completes with all 9; the object is the
 * file. */
typedef struct pauser {
  awsc_s3_transfer_control *ctl;
  int at, calls;
} pauser;

static int pause_at(uint64_t done, uint64_t total, void *ud) {
  pauser *p = ud;
  (void)done, (void)total;
  if (++p->calls == p->at)
    awsc_s3_transfer_pause(p->ctl);
  return 0;
}

static void test_pause_resume(void) {
  int64_t live = test_alloc_live();
  awsc_session *s;
  awsc_client *c = make_client_http(&s);
  const char *path = make_file("pause.bin", 42 * MIB, 51);
  awsc_s3_transfer_control *ctl = NULL;
  CHECK_INT(awsc_s3_transfer_control_new(&ctl, NULL), 0);
  awsc_s3_transfer_config cfg = AWSC_S3_TRANSFER_CONFIG_INIT;
  cfg.multipart_threshold = 5 * MIB;
  cfg.multipart_chunksize = 5 * MIB;
  cfg.max_concurrency = 1;
  cfg.control = ctl;
  pauser pz = {ctl, 3, 0};
  cfg.progress = pause_at;
  cfg.progress_user_data = &pz;
  fake_init();
  awsc_error err = AWSC_ERROR_INIT;
  int rc =
      awsc_s3_upload_file(NULL, c, path, "bkt", "paused", NULL, &cfg, &err);
  CHECK_INT(rc, AWSC_ECANCELLED);
  CHECK(strstr(err.message, "paused") != NULL);
  CHECK_INT(fs.aborts, 0);
  CHECK_INT(fs3_open_uploads(&fs), 1);
  CHECK_INT(fs3_count(&fs, "PUT", "partNumber="), 3);
  const char *tok = awsc_s3_transfer_resume_token(ctl);
  CHECK(tok && strstr(tok, "\"upload_id\":\"UP1\"") &&
        strstr(tok, "\"parts\":[[1,"));
  char *saved = tok ? strdup(tok) : NULL;
  /* a token for another key is refused, nothing sent */
  cfg.resume_token = saved;
  cfg.progress = NULL;
  int before = fs.n_req;
  CHECK_INT(
      awsc_s3_upload_file(NULL, c, path, "bkt", "other", NULL, &cfg, &err),
      AWSC_EINVAL);
  CHECK(strstr(err.message, "another bucket or key") != NULL);
  CHECK_INT(fs.n_req, before);
  /* resume: ListParts, the 6 missing parts, complete */
  prog pr;
  memset(&pr, 0, sizeof(pr));
  cfg.progress = prog_fn;
  cfg.progress_user_data = &pr;
  cfg.max_concurrency = 4;
  awsc_s3_transfer_result r;
  rc = awsc_s3_upload_file(&r, c, path, "bkt", "paused", NULL, &cfg, &err);
  CHECK_INT(rc, 0);
  if (rc)
    fprintf(stderr, "resume: %s\n", err.message);
  CHECK_INT(fs3_count(&fs, "PUT", "partNumber="), 9); /* 3 + 6 */
  CHECK_INT(fs3_count(&fs, "POST", "uploads"), 1);    /* no new upload */
  CHECK(fs3_count(&fs, "GET", "uploadId=UP1") == 1);  /* ListParts */
  CHECK_STR(fs.req[fs.n_req - 1].complete_parts, "1,2,3,4,5,6,7,8,9");
  CHECK_INT(r.parts, 9);
  prog_check(&pr, 42 * MIB);
  size_t n;
  uint8_t *bytes = slurp(path, &n);
  fs3_obj *o = fs3_get(&fs, "paused");
  CHECK(o && o->len == n && memcmp(o->data, bytes, n) == 0);
  free(bytes);
  CHECK_INT(fs3_open_uploads(&fs), 0);
  /* the file changed since: refused */
  make_file("pause.bin", 42 * MIB, 52);
  CHECK_INT(
      awsc_s3_upload_file(NULL, c, path, "bkt", "paused", NULL, &cfg, &err),
      AWSC_EINVAL);
  fake_cleanup();
  free(saved);
  awsc_s3_transfer_control_free(ctl);
  awsc_client_free(c);
  awsc_session_free(s);
  CHECK_INT(test_alloc_live(), live);
}

/* resumable ON: a failing part keeps the upload and leaves a token of the
 * parts done; resuming sends the rest. */
static void test_resumable_failure(void) {
  int64_t live = test_alloc_live();
  awsc_session *s;
  awsc_client *c = make_client_http(&s);
  const char *path = make_file("rfail.bin", 42 * MIB, 53);
  awsc_s3_transfer_control *ctl = NULL;
  CHECK_INT(awsc_s3_transfer_control_new(&ctl, NULL), 0);
  awsc_s3_transfer_config cfg = AWSC_S3_TRANSFER_CONFIG_INIT;
  cfg.multipart_threshold = 5 * MIB;
  cfg.multipart_chunksize = 5 * MIB;
  cfg.max_concurrency = 1;
  cfg.control = ctl;
  cfg.resumable = AWSC_TOGGLE_ON;
  fake_init();
  fs.fail_part = 5;
  fs.fail_status = 403;
  fs.fail_code = "AccessDenied";
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_s3_upload_file(NULL, c, path, "bkt", "rf", NULL, &cfg, &err),
            AWSC_ESERVICE);
  CHECK_INT(fs.aborts, 0);
  const char *tok = awsc_s3_transfer_resume_token(ctl);
  char *saved = tok ? strdup(tok) : NULL;
  CHECK(saved && strstr(saved, "[4,") && !strstr(saved, "[5,"));
  fs.fail_part = 0;
  /* the control's own token, as it is (the call copies it first) */
  cfg.resume_token = awsc_s3_transfer_resume_token(ctl);
  CHECK_INT(awsc_s3_upload_file(NULL, c, path, "bkt", "rf", NULL, &cfg, &err),
            0);
  CHECK_INT(fs3_count(&fs, "PUT", "partNumber="), 10); /* 4 + failed 5 + 5 */
  size_t n;
  uint8_t *bytes = slurp(path, &n);
  fs3_obj *o = fs3_get(&fs, "rf");
  CHECK(o && o->len == n && memcmp(o->data, bytes, n) == 0);
  free(bytes);
  fake_cleanup();
  free(saved);
  awsc_s3_transfer_control_free(ctl);
  awsc_client_free(c);
  awsc_session_free(s);
  CHECK_INT(test_alloc_live(), live);
}

/* Every allocation failing in turn with threads (upload of 3 parts,
 * download of 3 ranges, copy of 3 parts): an error with a message or a
 * success, a started upload aborted or completed, never a temporary file
 * left; nothing leaked once the client is gone (live blocks cannot be
 * compared call by call: the client keeps idle workspaces for as many
 * calls as ran at once). */
static void test_allocation_failures_threads(void) {
  int64_t live = test_alloc_live();
  awsc_session *s;
  awsc_client *c = make_client("s3", &s);
  const char *path = make_file("oom8.bin", 11 * MIB, 44);
  char target[200];
  snprintf(target, sizeof(target), "%s/oom8.out", dir);
  awsc_s3_transfer_config cfg = AWSC_S3_TRANSFER_CONFIG_INIT;
  cfg.multipart_threshold = MIB;
  cfg.multipart_chunksize = MIB; /* uploads and copies: raised to 5 MiB */
  cfg.max_concurrency = 8;
  size_t len = 11 * MIB;
  uint8_t *data = slurp(path, &len);
  awsc_s3_copy_source src = {"bkt", "src", NULL};
  for (int kind = 0; kind < 3; kind++) {
    int failures = 0;
    uint64_t n;
    for (n = 1; n < 5000; n++) {
      fs3_cleanup(&fs);
      fs3_put(&fs, "src", data, kind == 1 ? 3 * MIB : len, NULL);
      write_text(target, "old");
      awsc_error err = AWSC_ERROR_INIT;
      test_alloc_fail_at(n);
      int rc = kind == 0 ? awsc_s3_upload_file(NULL, c, path, "bkt", "up", NULL,
                                               &cfg, &err)
               : kind == 1
                   ? awsc_s3_download_file(NULL, c, "bkt", "src", target, NULL,
                                           &cfg, &err)
                   : awsc_s3_copy(NULL, c, &src, "bkt", "cp", NULL, &cfg, &err);
      int fired = test_alloc_failure_fired();
      test_alloc_fail_at(0);
      CHECK_INT(dir_count(".awsctmp."), 0);
      if (rc) {
        failures++;
        CHECK(err.message[0] != '\0');
        if (kind == 1)
          CHECK(file_is(target, (const uint8_t *)"old", 3));
        /* an upload that sent parts is aborted or was completed (a
         * failure reading the create's answer leaves no UploadId) */
        bool started = fs3_count(&fs, "PUT", "partNumber=") > 0;
        CHECK(!started || fs.aborts == 1 ||
              fs3_count(&fs, "POST", "uploadId=") == 1);
      } else if (kind == 1) {
        CHECK(file_is(target, data, 3 * MIB));
      }
      if (!fired) {
        CHECK_INT(rc, 0);
        break;
      }
    }
    CHECK(failures > 0);
    CHECK(n < 5000);
  }
  free(data);
  unlink(target);
  fs3_cleanup(&fs);
  awsc_client_free(c);
  awsc_session_free(s);
  CHECK_INT(test_alloc_live(), live);
}

/* Transfers one after another on one client reuse the connections the
 * first opened: the transport keeps the loop (and its connections) that
 * ran a transfer's parts for the next transfer. */
static void test_connections_reused(void) {
  int64_t live = test_alloc_live();
  awsc_session *s;
  awsc_client *c = make_client_http(&s);
  const char *path = make_file("reuse.bin", 20 * MIB, 33);
  const char *back = make_file("reuse.out", 0, 34);
  awsc_s3_transfer_config cfg = AWSC_S3_TRANSFER_CONFIG_INIT;
  cfg.multipart_threshold = 5 * MIB;
  cfg.multipart_chunksize = 5 * MIB;
  cfg.max_concurrency = 4;
  awsc_transport *t = awsc_session_transport(s);
  awsc_transport_stats st0, st1, st2;
  fake_init();
  CHECK_INT(awsc_transport_curl_stats(&st0, t), 0);
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_s3_upload_file(NULL, c, path, "bkt", "r1", NULL, &cfg, &err),
            0);
  CHECK_INT(awsc_transport_curl_stats(&st1, t), 0);
  uint64_t first = st1.connections_opened - st0.connections_opened;
  CHECK(first >= 1 && first <= 5); /* 4 parts in flight, 1 blocking call */
  for (int i = 0; i < 3; i++) {
    CHECK_INT(awsc_s3_upload_file(NULL, c, path, "bkt", "r2", NULL, &cfg, &err),
              0);
    CHECK_INT(
        awsc_s3_download_file(NULL, c, "bkt", "r2", back, NULL, &cfg, &err), 0);
  }
  CHECK_INT(awsc_transport_curl_stats(&st2, t), 0);
  /* 3 uploads and 3 downloads of 4 parts each: no new connection */
  CHECK_INT((int64_t)(st2.connections_opened - st1.connections_opened), 0);
  CHECK(st2.requests - st1.requests >= 3 * (4 + 2) + 3 * 4);
  fake_cleanup();
  awsc_client_free(c);
  awsc_session_free(s); /* frees the kept loop: nothing leaked */
  CHECK_INT(test_alloc_live(), live);
}

static const struct {
  const char *name;
  void (*fn)(void);
} tests[] = {
    {"test_threads_same_result", test_threads_same_result},
    {"test_failed_part_threads", test_failed_part_threads},
    {"test_fileobj_threads", test_fileobj_threads},
    {"test_json_concurrency", test_json_concurrency},
    {"test_download_threads", test_download_threads},
    {"test_download_failure_threads", test_download_failure_threads},
    {"test_copy_threads", test_copy_threads},
    {"test_transfers_at_once", test_transfers_at_once},
    {"test_cancel_from_thread", test_cancel_from_thread},
    {"test_pause_resume", test_pause_resume},
    {"test_resumable_failure", test_resumable_failure},
    {"test_allocation_failures_threads", test_allocation_failures_threads},
    {"test_connections_reused", test_connections_reused},
};

/* With arguments, only the tests named (the TSan run picks the ones that
 * share a client between threads and are small enough for it). */
static bool selected(int argc, char **argv, const char *name) {
  if (argc < 2)
    return true;
  for (int i = 1; i < argc; i++)
    if (strcmp(argv[i], name) == 0)
      return true;
  return false;
}

int main(int argc, char **argv) {
  test_alloc_install();
  dir_setup();
  srv = fs3_http_start(&fs);
  if (!srv) {
    fprintf(stderr, "cannot start the fake S3's HTTP server\n");
    return 1;
  }
  if (argc > 1)
    printf("     only the tests named on the command line\n");
  for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
    if (selected(argc, argv, tests[i].name)) {
      test_current_failed = 0;
      tests[i].fn();
      if (test_current_failed)
        test_failed++;
      else
        test_passed++;
      printf("%s %s\n", test_current_failed ? "FAIL" : "ok  ", tests[i].name);
      fflush(stdout);
    }
  fs3_http_stop(srv);
  dir_teardown();
  test_current_failed = 0;
  CHECK_INT(test_alloc_live(), 0);
  if (test_current_failed)
    test_failed++;
  return test_summary();
}
