/*
 * Managed uploads (boto3's upload_file / upload_fileobj): one PutObject
 * below the multipart threshold, else CreateMultipartUpload, UploadPart
 * per part and CompleteMultipartUpload, aborting on any failure.
 *
 * A file is never read into memory: each request streams its stretch of
 * the file (AWSC_BODY_FILE with offset and length), so its parts are
 * independent and run as concurrent requests on xfer_run_parts' loop.
 * Each request carries a CRC32 (or the ChecksumAlgorithm asked for;
 * xfer_upload_checksums) rather than a Content-MD5 (about 25 times
 * cheaper here): over TLS the engine sends it in an aws-chunked trailer
 * computed as the body is sent (one read of the file), and the part's
 * checksum for CompleteMultipartUpload comes back in the answer; over
 * plain http it is computed beforehand in XFER_IO_SIZE steps and goes in
 * a header (a second read of the part, from the page cache). A stream
 * (upload_fileobj) can be read only once, in order: a part is read into
 * its slot's buffer (which also lets the engine retry the request) when
 * the part starts, and parts start in order, so memory is parts in
 * flight x part size.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client/client_internal.h"
#include "transfer/transfer_internal.h"

/* Where the bytes come from. */
typedef struct up_src {
  const char *path; /* file */
  int fd;
  awsc_read_fn read; /* stream */
  void *read_ud;
  uint64_t read_pos; /* bytes taken from the stream so far */
  uint8_t *buf;      /* stream below the threshold: the whole object */
  int64_t mtime_ns;  /* file: its modification time (resume tokens) */
  uint8_t *rbuf;     /* file: the checksum pass's buffer (xfer_digest_fd) */
} up_src;

/* s3transfer's UploadSubmissionTask.UPLOAD_PART_ARGS. */
static const xfer_arg part_args[] = {
    {"ChecksumAlgorithm", NULL},    {"SSECustomerKey", NULL},
    {"SSECustomerAlgorithm", NULL}, {"SSECustomerKeyMD5", NULL},
    {"RequestPayer", NULL},         {"ExpectedBucketOwner", NULL}};

static int oom(awsc_error *err) {
  return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL, "out of memory");
}

/* Fill `len` bytes of buf from the stream (one reader at a time). */
static int read_stream(xfer *x, up_src *s, uint8_t *buf, uint64_t len,
                       awsc_error *err) {
  uint64_t got = 0;
  while (got < len) {
    size_t want =
        len - got > ((size_t)1 << 30) ? (size_t)1 << 30 : (size_t)(len - got);
    int64_t r = s->read(buf + got, want, s->read_ud);
    if (r < 0) {
      int code = r >= AWSC_EBODY ? (int)r : AWSC_EBODY;
      return awsc_error_set(err, code, AWSC_ERROR_IO,
                            "%s: the read callback failed at byte %llu (%s)",
                            x->what, (unsigned long long)(s->read_pos + got),
                            awsc_strerror(code));
    }
    if (r == 0 || (uint64_t)r > want)
      return awsc_error_set(err, AWSC_EBODY, AWSC_ERROR_IO,
                            "%s: the source %s after %llu of %llu bytes",
                            x->what, r == 0 ? "ended" : "overran its buffer",
                            (unsigned long long)(s->read_pos + got),
                            (unsigned long long)x->total);
    got += (uint64_t)r;
  }
  s->read_pos += len;
  return 0;
}

/* Body and digests of the stretch [off, off+len): from `data` (the part
 * already read from a stream) or else from the file. */
static int part_body(xfer *x, up_src *s, const uint8_t *data, uint64_t off,
                     uint64_t len, awsc_body_source *body, xfer_digest *d,
                     awsc_error *err) {
  memset(body, 0, sizeof(*body));
  memset(d, 0, sizeof(*d));
  if (data) {
    xfer_hasher h;
    xfer_hasher_init(&h, x->md5, x->alg);
    xfer_hasher_update(&h, data, (size_t)len);
    xfer_hasher_final(&h, d);
    body->kind = AWSC_BODY_MEMORY;
    body->data = data;
    body->len = (size_t)len;
    return 0;
  }
  if (x->md5 || (x->alg && !x->alg_trailer)) {
    int rc = xfer_digest_fd(x, s->fd, s->path, off, len, &s->rbuf, d, err);
    if (rc)
      return rc;
  }
  body->kind = AWSC_BODY_FILE;
  body->path = s->path;
  body->offset = off;
  body->content_length = (int64_t)len;
  return 0;
}

static int put_single(xfer *x, up_src *s) {
  awsc_s3_PutObjectRequest *in = NULL;
  int rc = xfer_input(x, "PutObject", NULL, 0, true, (void **)&in);
  if (!rc && s->read)
    rc = read_stream(x, s, s->buf, x->total, x->err);
  awsc_body_source body;
  xfer_digest d;
  rc = rc ? rc : part_body(x, s, s->buf, 0, x->total, &body, &d, x->err);
  if (rc)
    return rc;
  in->body_source = &body;
  in->content_length = (int64_t)x->total;
  in->has_content_length = true;
  if (d.md5[0])
    in->content_md5 = d.md5;
  if (d.checksum[0])
    SET_CHECKSUM(in, x->alg, d.checksum);
  if (!in->checksum_algorithm)
    in->checksum_algorithm = x->alg_name;
  awsc_s3_PutObjectOutput *out = NULL;
  rc = awsc_s3_put_object(&out, x->client, in, x->err);
  if (rc)
    return rc;
  xfer_result(x, x->total, 0, out->e_tag, out->version_id, false);
  awsc_mem_free(out);
  return xfer_progress_add(x, x->total, x->err);
}

/* The plan and the outcome of a multipart upload. */
typedef struct mpu {
  up_src *src;
  xfer_upload_plan p; /* parts[i] / etags[i] filled by the part's request */
  uint32_t *todo;     /* the parts to send (a resumed upload's), or NULL */
  const awsc_s3_UploadPartRequest *base;
  uint8_t **bufs; /* a stream's part buffers, one per slot, or NULL */
  size_t buf_size;
} mpu;

/* The part (0-based) the slot's run index s->i stands for. */
static uint32_t part_of(const mpu *m, const xfer_slot *s) {
  return m->todo ? m->todo[s->i] : s->i;
}

static uint64_t part_len(const xfer *x, const mpu *m, uint32_t i) {
  uint64_t off = (uint64_t)i * m->p.part_size;
  return x->total - off < m->p.part_size ? x->total - off : m->p.part_size;
}

/* What a slot's UploadPart request uses until it ends: its body (a
 * stretch of the file, or the slot's buffer holding a stream's part) and
 * digests. */
typedef struct up_slot {
  awsc_body_source body;
  xfer_digest d;
} up_slot;

/* UploadPart of a slot's part ended (on the loop): keep its ETag and
 * checksum (writes only m->p.parts[i] / m->p.etags[i]). */
static int keep_part(xfer *x, mpu *m, uint32_t i, const up_slot *u,
                     const awsc_s3_UploadPartOutput *out, awsc_error *err) {
  awsc_s3_CompletedPart *p = &m->p.parts[i];
  p->part_number = (int32_t)(i + 1);
  p->has_part_number = true;
  p->e_tag = xfer_strdup(x, out->e_tag);
  /* a trailer's checksum is known from the answer (s3transfer takes it
   * from there); a server that does not echo it gets none listed */
  const char *sum =
      u->d.checksum[0] ? u->d.checksum : GET_CHECKSUM(out, x->alg);
  bool has_sum = sum && *sum;
  const char *ck = has_sum ? xfer_strdup(x, sum) : NULL;
  SET_CHECKSUM(p, x->alg, ck);
  if (!out->e_tag || !*out->e_tag)
    return awsc_error_set(err, AWSC_EPARSE, AWSC_ERROR_PARSE,
                          "UploadPart of part %u of %s answered without an "
                          "ETag",
                          i + 1, x->key);
  if (!p->e_tag || (has_sum && !ck))
    return oom(err);
  m->p.etags[i] = p->e_tag;
  return xfer_progress_add(x, part_len(x, m, i), err);
}

static void part_uploaded(int status, void *output, const awsc_error *err,
                          void *ud) {
  xfer_slot *s = ud;
  s->req = NULL;
  int rc = status;
  if (rc)
    awsc_error_copy(&s->err, err);
  else
    rc = keep_part(s->x, s->ctx, part_of(s->ctx, s), s->state, output, &s->err);
  awsc_mem_free(output);
  xfer_slot_done(s, rc);
}

/* Before a part's checksum pass, ask the kernel to start reading the part
 * after it (the stretch from `off`): on a file not in the page cache the
 * pass otherwise reads every part cold, with the loop waiting on the disk
 * (1 GiB measured: 1.8-2.4 client CPU s without, 1.1-1.4 with;
 * docs/performance.md). Without the pass (a trailer, or no checksum) the
 * advice only cost CPU (0.85-1.0 s against 0.63-0.68), so it is not
 * given. Advice only: a failure changes nothing. */
static void prefetch_next(const xfer *x, const mpu *m, uint64_t off) {
#ifdef POSIX_FADV_WILLNEED
  if (off >= x->total)
    return;
  uint64_t len =
      x->total - off < m->p.part_size ? x->total - off : m->p.part_size;
  (void)posix_fadvise(m->src->fd, (off_t)off, (off_t)len, POSIX_FADV_WILLNEED);
#else
  (void)x;
  (void)m;
  (void)off;
#endif
}

/* Start the UploadPart of part s->i (0-based). A stream's part is read
 * first (parts start in order, so the stream is read in order) into the
 * slot's buffer: parts in flight x part size of memory at most. */
static int upload_part(xfer *x, void *ctx, xfer_slot *s) {
  mpu *m = ctx;
  up_slot *u = s->state;
  uint32_t i = part_of(m, s);
  uint64_t off = (uint64_t)i * m->p.part_size;
  uint64_t len = part_len(x, m, i);
  const uint8_t *data = NULL;
  if (m->src->read) {
    uint8_t **buf = &m->bufs[s->k];
    if (!*buf && !(*buf = awsc_malloc(m->buf_size)))
      return awsc_error_set(&s->err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                            "out of memory (part buffer of %zu bytes)",
                            m->buf_size);
    int rc = read_stream(x, m->src, *buf, len, &s->err);
    if (rc)
      return rc;
    data = *buf;
  }
  if (!data && (x->md5 || (x->alg && !x->alg_trailer)))
    prefetch_next(x, m, off + len);
  int rc = part_body(x, m->src, data, off, len, &u->body, &u->d, &s->err);
  if (rc)
    return rc;
  awsc_s3_UploadPartRequest in = *m->base;
  in.upload_id = m->p.upload_id;
  in.part_number = (int32_t)(i + 1);
  in.has_part_number = true;
  in.content_length = (int64_t)len;
  in.has_content_length = true;
  in.body_source = &u->body;
  if (u->d.md5[0])
    in.content_md5 = u->d.md5;
  if (u->d.checksum[0])
    SET_CHECKSUM(&in, x->alg, u->d.checksum);
  if (!in.checksum_algorithm)
    in.checksum_algorithm = x->alg_name;
  return awsc_s3_upload_part_async(&s->req, x->loop, x->client, &in,
                                   part_uploaded, s, &s->err);
}

/* A new upload: its plan and CreateMultipartUpload. */
static int start_upload(xfer *x, mpu *m) {
  xfer_upload_plan *p = &m->p;
  p->part_size = xfer_part_size(x->chunksize, x->total);
  p->n = (uint32_t)(x->total / p->part_size + (x->total % p->part_size != 0));
  if (p->n == 0)
    p->n = 1; /* an empty object (threshold 0 is not possible, but cheap) */
  p->parts = awsc_arena_calloc(x->arena, p->n, sizeof(*p->parts));
  p->etags = awsc_arena_calloc(x->arena, p->n, sizeof(*p->etags));
  if (!p->parts || !p->etags)
    return oom(x->err);
  awsc_s3_CreateMultipartUploadRequest *cin = NULL;
  int rc = xfer_input(x, "CreateMultipartUpload", NULL, 0, true, (void **)&cin);
  if (rc)
    return rc;
  /* s3transfer names the default algorithm on the create too: S3 then
   * expects (and keeps) a checksum for every part */
  if (!cin->checksum_algorithm)
    cin->checksum_algorithm = x->alg_name;
  return xfer_create_upload(x, cin, &p->upload_id);
}

/* A resumed upload: the plan from the token, the parts left to send, and
 * the bytes already there counted as done. */
static int resume_upload(xfer *x, mpu *m, uint32_t *n_todo) {
  int rc = xfer_resume_load(x, &m->p);
  if (rc)
    return rc;
  m->todo = awsc_arena_calloc(x->arena, m->p.n, sizeof(*m->todo));
  if (!m->todo)
    return oom(x->err);
  *n_todo = 0;
  for (uint32_t i = 0; i < m->p.n; i++) {
    if (!m->p.etags[i])
      m->todo[(*n_todo)++] = i;
    else
      x->done += part_len(x, m, i);
  }
  awsc_log(x->client->logger, AWSC_LOG_INFO,
           "%s: resuming upload %s of %s: %u of %u parts to send", x->what,
           m->p.upload_id, x->key, *n_todo, m->p.n);
  return 0;
}

/* After the failure rc: abort the upload, or keep it for a resume (a
 * pause, or any failure when resumable) with a token in the control. */
static void after_failure(xfer *x, mpu *m, int rc) {
  bool keep = !m->src->read && x->control &&
              (xfer_pause_asked(x) || (x->resumable && !xfer_cancel_asked(x)));
  if (keep && rc == AWSC_ESERVICE &&
      strcmp(x->err->service_code, "NoSuchUpload") == 0)
    keep = false;
  if (keep) {
    xfer_resume_token_make(x, &m->p);
    return;
  }
  xfer_abort_mine(x, m->p.upload_id, rc);
}

static int put_multipart(xfer *x, up_src *s) {
  mpu m;
  memset(&m, 0, sizeof(m));
  m.src = s;
  m.p.mtime_ns = s->mtime_ns;
  awsc_s3_UploadPartRequest *base = NULL;
  int rc = xfer_input(x, "UploadPart", part_args, AWSC_ARRAY_LEN(part_args),
                      false, (void **)&base);
  m.base = base;
  if (rc)
    return rc;
  uint32_t n_todo = 0;
  if (x->resume_token && !s->read) {
    rc = resume_upload(x, &m, &n_todo);
  } else {
    rc = start_upload(x, &m);
    n_todo = m.p.n;
  }
  if (rc)
    return rc;
  if (s->read) {
    m.buf_size =
        m.p.part_size < x->total ? (size_t)m.p.part_size : (size_t)x->total + 1;
    m.bufs = awsc_calloc(XFER_MAX_THREADS, sizeof(*m.bufs));
    if (!m.bufs)
      rc = oom(x->err);
  }
  if (!rc)
    rc = xfer_run_parts(x, n_todo, upload_part, &m, sizeof(up_slot));
  for (int b = 0; m.bufs && b < XFER_MAX_THREADS; b++)
    awsc_free(m.bufs[b]);
  awsc_free(m.bufs);
  if (!rc)
    rc = xfer_complete(x, m.p.upload_id, m.p.parts, m.p.etags, m.p.n);
  if (rc)
    after_failure(x, &m, rc);
  return rc;
}

static int upload(xfer *x, up_src *s) {
  xfer_upload_checksums(x);
  if (x->total >= x->threshold || (x->resume_token && !s->read))
    return put_multipart(x, s);
  if (s->read) {
    s->buf = awsc_malloc(x->total ? (size_t)x->total : 1);
    if (!s->buf)
      return oom(x->err);
  }
  return put_single(x, s);
}

static int upload_file(awsc_s3_transfer_result *result, awsc_client *client,
                       const char *filename, const char *bucket,
                       const char *key, const xfer_extra *extra,
                       const awsc_s3_transfer_config *config, awsc_error *err) {
  if (!filename)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "upload_file: NULL filename");
  xfer x;
  int rc = xfer_begin(&x, client, "upload_file", "PutObject", bucket, key, NULL,
                      extra, xfer_upload_args, xfer_upload_args_n, config,
                      result, err);
  if (rc)
    return rc;
  up_src s;
  memset(&s, 0, sizeof(s));
  s.path = filename;
  s.fd = open(filename, O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (s.fd < 0 || fstat(s.fd, &st) != 0) {
    rc = awsc_error_set(x.err, AWSC_EIO, AWSC_ERROR_IO, "cannot open %s: %s",
                        filename, strerror(errno));
  } else if (!S_ISREG(st.st_mode)) {
    rc = awsc_error_set(x.err, AWSC_EIO, AWSC_ERROR_IO,
                        "%s is not a regular file", filename);
  } else {
    x.total = (uint64_t)st.st_size;
    s.mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
    rc = upload(&x, &s);
  }
  if (s.fd >= 0)
    close(s.fd);
  awsc_free(s.buf);
  awsc_free(s.rbuf);
  xfer_end(&x);
  return rc;
}

int awsc_s3_upload_file(awsc_s3_transfer_result *result, awsc_client *client,
                        const char *filename, const char *bucket,
                        const char *key,
                        const struct awsc_s3_PutObjectRequest *extra_args,
                        const awsc_s3_transfer_config *config,
                        awsc_error *err) {
  xfer_extra extra = {NULL, extra_args};
  return upload_file(result, client, filename, bucket, key, &extra, config,
                     err);
}

int awsc_s3_upload_file_json(awsc_s3_transfer_result *result,
                             awsc_client *client, const char *filename,
                             const char *bucket, const char *key,
                             const char *extra_args_json,
                             const awsc_s3_transfer_config *config,
                             awsc_error *err) {
  xfer_extra extra = {extra_args_json, NULL};
  return upload_file(result, client, filename, bucket, key, &extra, config,
                     err);
}

static int upload_fileobj(awsc_s3_transfer_result *result, awsc_client *client,
                          awsc_read_fn read, void *user_data, uint64_t size,
                          const char *bucket, const char *key,
                          const xfer_extra *extra,
                          const awsc_s3_transfer_config *config,
                          awsc_error *err) {
  if (!read)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "upload_fileobj: NULL read callback");
  xfer x;
  int rc = xfer_begin(&x, client, "upload_fileobj", "PutObject", bucket, key,
                      NULL, extra, xfer_upload_args, xfer_upload_args_n, config,
                      result, err);
  if (rc)
    return rc;
  up_src s;
  memset(&s, 0, sizeof(s));
  s.fd = -1;
  s.read = read;
  s.read_ud = user_data;
  x.total = size;
  rc = upload(&x, &s);
  awsc_free(s.buf);
  xfer_end(&x);
  return rc;
}

int awsc_s3_upload_fileobj(awsc_s3_transfer_result *result, awsc_client *client,
                           awsc_read_fn read, void *user_data, uint64_t size,
                           const char *bucket, const char *key,
                           const struct awsc_s3_PutObjectRequest *extra_args,
                           const awsc_s3_transfer_config *config,
                           awsc_error *err) {
  xfer_extra extra = {NULL, extra_args};
  return upload_fileobj(result, client, read, user_data, size, bucket, key,
                        &extra, config, err);
}

int awsc_s3_upload_fileobj_json(awsc_s3_transfer_result *result,
                                awsc_client *client, awsc_read_fn read,
                                void *user_data, uint64_t size,
                                const char *bucket, const char *key,
                                const char *extra_args_json,
                                const awsc_s3_transfer_config *config,
                                awsc_error *err) {
  xfer_extra extra = {extra_args_json, NULL};
  return upload_fileobj(result, client, read, user_data, size, bucket, key,
                        &extra, config, err);
}
