/*
 * Managed uploads (boto3's upload_file / upload_fileobj): one PutObject
 * below the multipart threshold, else CreateMultipartUpload, UploadPart
 * per part and CompleteMultipartUpload, aborting on any failure.
 *
 * A file is never read into memory: each request streams its stretch of
 * the file (AWSC_BODY_FILE with offset and length), so its parts are
 * independent and go to xfer_run_parts' threads as they are. Each request
 * carries a CRC32 (or the ChecksumAlgorithm asked for; xfer_upload_checksums)
 * rather than a Content-MD5 (about 25 times cheaper here): over TLS the
 * engine sends it in an aws-chunked trailer computed as the body is sent
 * (one read of the file), and the part's checksum for
 * CompleteMultipartUpload comes back in the answer; over plain http it is
 * computed beforehand in XFER_IO_SIZE steps and goes in a header (a second
 * read of the part, from the page cache). A stream (upload_fileobj)
 * can be read only once, in order, so each part is read into a buffer
 * (which also lets the engine retry the request) on the calling thread,
 * and the threads send the buffers (stream_parts).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "transfer/transfer_internal.h"

/* Where the bytes come from. */
typedef struct up_src {
  const char *path; /* file */
  int fd;
  awsc_read_fn read; /* stream */
  void *read_ud;
  uint64_t read_pos; /* bytes taken from the stream so far */
  uint8_t *buf;      /* stream below the threshold: the whole object */
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
static int part_body(xfer *x, const up_src *s, const uint8_t *data,
                     uint64_t off, uint64_t len, awsc_body_source *body,
                     xfer_digest *d, awsc_error *err) {
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
    int rc = xfer_digest_fd(x, s->fd, s->path, off, len, d, err);
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
  const up_src *src;
  const char *upload_id;
  uint64_t part_size;
  uint32_t n;
  awsc_s3_CompletedPart *parts; /* [n], filled by upload_part */
  const char **etags;           /* [n] */
  const awsc_s3_UploadPartRequest *base;
} mpu;

static uint64_t part_len(const xfer *x, const mpu *m, uint32_t i) {
  uint64_t off = (uint64_t)i * m->part_size;
  return x->total - off < m->part_size ? x->total - off : m->part_size;
}

/* Part i (0-based) from `data` (a stream's part) or the file: writes only
 * m->parts[i] / m->etags[i]. Any thread. */
static int upload_part(xfer *x, const mpu *m, uint32_t i, const uint8_t *data,
                       awsc_error *err) {
  uint64_t off = (uint64_t)i * m->part_size;
  uint64_t len = part_len(x, m, i);
  awsc_body_source body;
  xfer_digest d;
  int rc = part_body(x, m->src, data, off, len, &body, &d, err);
  if (rc)
    return rc;
  awsc_s3_UploadPartRequest in = *m->base;
  in.upload_id = m->upload_id;
  in.part_number = (int32_t)(i + 1);
  in.has_part_number = true;
  in.content_length = (int64_t)len;
  in.has_content_length = true;
  in.body_source = &body;
  if (d.md5[0])
    in.content_md5 = d.md5;
  if (d.checksum[0])
    SET_CHECKSUM(&in, x->alg, d.checksum);
  if (!in.checksum_algorithm)
    in.checksum_algorithm = x->alg_name;
  awsc_s3_UploadPartOutput *out = NULL;
  rc = awsc_s3_upload_part(&out, x->client, &in, err);
  if (rc)
    return rc;
  awsc_s3_CompletedPart *p = &m->parts[i];
  p->part_number = (int32_t)(i + 1);
  p->has_part_number = true;
  p->e_tag = xfer_strdup(x, out->e_tag);
  /* a trailer's checksum is known from the answer (s3transfer takes it
   * from there); a server that does not echo it gets none listed */
  const char *sum = d.checksum[0] ? d.checksum : GET_CHECKSUM(out, x->alg);
  bool has_sum = sum && *sum;
  const char *ck = has_sum ? xfer_strdup(x, sum) : NULL;
  SET_CHECKSUM(p, x->alg, ck);
  bool no_etag = !out->e_tag || !*out->e_tag;
  awsc_mem_free(out);
  if (no_etag)
    return awsc_error_set(err, AWSC_EPARSE, AWSC_ERROR_PARSE,
                          "UploadPart of part %u of %s answered without an "
                          "ETag",
                          i + 1, x->key);
  if (!p->e_tag || (has_sum && !ck))
    return oom(err);
  m->etags[i] = p->e_tag;
  return xfer_progress_add(x, len, err);
}

static int file_part(xfer *x, void *ctx, uint32_t i, awsc_error *err) {
  return upload_part(x, ctx, i, NULL, err);
}

/*
 * The parts of a stream. The stream is read on the calling thread, part
 * after part into free part buffers, and the parts read are sent by
 * min(max_concurrency, parts) threads: at most that many buffers exist
 * (s3transfer's bounded queue of upload chunks), the reading waits for
 * one to come back, and after a failure nothing more is read.
 */
typedef struct stream_q {
  xfer *x;
  up_src *s;
  const mpu *m;
  size_t buf_size;
  pthread_cond_t can_read; /* a buffer came back, or a failure */
  pthread_cond_t can_send; /* a part was read, or the reading ended */
  int nbuf;
  uint8_t **bufs; /* [nbuf], allocated when first needed */
  int *free_bufs; /* stack of indices into bufs */
  int n_free;
  uint32_t *ready; /* FIFO of read parts: part index, buffer index */
  int *ready_buf;
  int ready_head, ready_count;
  bool reading_done;
} stream_q;

static void *stream_worker(void *arg) {
  stream_q *q = arg;
  xfer *x = q->x;
  pthread_mutex_lock(&x->lock);
  for (;;) {
    while (!q->ready_count && !q->reading_done && !xfer_failed(x))
      pthread_cond_wait(&q->can_send, &x->lock);
    if (xfer_failed(x) || !q->ready_count)
      break;
    uint32_t part = q->ready[q->ready_head];
    int b = q->ready_buf[q->ready_head];
    q->ready_head = (q->ready_head + 1) % q->nbuf;
    q->ready_count--;
    pthread_mutex_unlock(&x->lock);
    awsc_error err = AWSC_ERROR_INIT;
    int rc = upload_part(x, q->m, part, q->bufs[b], &err);
    if (rc)
      xfer_fail(x, rc, &err);
    pthread_mutex_lock(&x->lock);
    q->free_bufs[q->n_free++] = b;
    pthread_cond_signal(&q->can_read);
  }
  pthread_mutex_unlock(&x->lock);
  return NULL;
}

/* Read the parts and hand them to the threads (the calling thread). */
static void stream_read_parts(stream_q *q) {
  xfer *x = q->x;
  for (uint32_t i = 0; i < q->m->n; i++) {
    pthread_mutex_lock(&x->lock);
    while (!q->n_free && !xfer_failed(x))
      pthread_cond_wait(&q->can_read, &x->lock);
    int b = xfer_failed(x) ? -1 : q->free_bufs[--q->n_free];
    pthread_mutex_unlock(&x->lock);
    if (b < 0)
      return;
    awsc_error err = AWSC_ERROR_INIT;
    int rc = 0;
    if (!q->bufs[b] && !(q->bufs[b] = awsc_malloc(q->buf_size)))
      rc = awsc_error_set(&err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory (part buffer of %zu bytes)",
                          q->buf_size);
    rc = rc ? rc : read_stream(x, q->s, q->bufs[b], part_len(x, q->m, i), &err);
    if (rc) {
      xfer_fail(x, rc, &err);
      pthread_mutex_lock(&x->lock);
      pthread_cond_broadcast(&q->can_send);
      pthread_mutex_unlock(&x->lock);
      return;
    }
    pthread_mutex_lock(&x->lock);
    int tail = (q->ready_head + q->ready_count) % q->nbuf;
    q->ready[tail] = i;
    q->ready_buf[tail] = b;
    q->ready_count++;
    pthread_cond_signal(&q->can_send);
    pthread_mutex_unlock(&x->lock);
  }
}

static int stream_parts(xfer *x, up_src *s, const mpu *m) {
  stream_q q;
  memset(&q, 0, sizeof(q));
  q.x = x;
  q.s = s;
  q.m = m;
  q.buf_size =
      m->part_size < x->total ? (size_t)m->part_size : (size_t)x->total + 1;
  int want = x->concurrency < (int64_t)m->n ? x->concurrency : (int)m->n;
  if (want <= 1) { /* one buffer, read and send in turn */
    uint8_t *buf = awsc_malloc(q.buf_size);
    int rc = buf ? 0
                 : awsc_error_set(x->err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                                  "out of memory (part buffer of %zu bytes)",
                                  q.buf_size);
    for (uint32_t i = 0; !rc && i < m->n; i++) {
      rc = read_stream(x, s, buf, part_len(x, m, i), x->err);
      rc = rc ? rc : upload_part(x, m, i, buf, x->err);
    }
    awsc_free(buf);
    return rc;
  }
  q.nbuf = want;
  q.bufs = awsc_calloc((size_t)want, sizeof(*q.bufs));
  q.free_bufs = awsc_calloc((size_t)want, sizeof(*q.free_bufs));
  q.ready = awsc_calloc((size_t)want, sizeof(*q.ready));
  q.ready_buf = awsc_calloc((size_t)want, sizeof(*q.ready_buf));
  bool conds = false;
  int rc = 0;
  if (!q.bufs || !q.free_bufs || !q.ready || !q.ready_buf) {
    rc = oom(x->err);
  } else if (pthread_cond_init(&q.can_read, NULL) != 0) {
    rc = oom(x->err);
  } else if (pthread_cond_init(&q.can_send, NULL) != 0) {
    pthread_cond_destroy(&q.can_read);
    rc = oom(x->err);
  } else {
    conds = true;
  }
  pthread_t threads[XFER_MAX_THREADS];
  int started = 0;
  if (!rc) {
    for (int b = 0; b < want; b++)
      q.free_bufs[q.n_free++] = b;
    started = xfer_threads_start(threads, want, stream_worker, &q);
  }
  if (started) {
    stream_read_parts(&q);
    pthread_mutex_lock(&x->lock);
    q.reading_done = true;
    pthread_cond_broadcast(&q.can_send);
    pthread_mutex_unlock(&x->lock);
    xfer_threads_join(threads, started);
    rc = xfer_failed(x) ? x->rc : 0;
  }
  if (conds) {
    pthread_cond_destroy(&q.can_read);
    pthread_cond_destroy(&q.can_send);
  }
  for (int b = 0; q.bufs && b < want; b++)
    awsc_free(q.bufs[b]);
  awsc_free(q.bufs);
  awsc_free(q.free_bufs);
  awsc_free(q.ready);
  awsc_free(q.ready_buf);
  if (!rc && !started) { /* no thread could start: the plain way */
    x->concurrency = 1;
    return stream_parts(x, s, m);
  }
  return rc;
}

static int put_multipart(xfer *x, up_src *s) {
  mpu m;
  memset(&m, 0, sizeof(m));
  m.src = s;
  m.part_size = xfer_part_size(x->chunksize, x->total);
  m.n = (uint32_t)(x->total / m.part_size + (x->total % m.part_size != 0));
  if (m.n == 0)
    m.n = 1; /* an empty object (threshold 0 is not possible, but cheap) */
  m.parts = awsc_arena_calloc(x->arena, m.n, sizeof(*m.parts));
  m.etags = awsc_arena_calloc(x->arena, m.n, sizeof(*m.etags));
  if (!m.parts || !m.etags)
    return oom(x->err);
  awsc_s3_UploadPartRequest *base = NULL;
  int rc = xfer_input(x, "UploadPart", part_args, AWSC_ARRAY_LEN(part_args),
                      false, (void **)&base);
  m.base = base;
  if (rc)
    return rc;

  awsc_s3_CreateMultipartUploadRequest *cin = NULL;
  rc = xfer_input(x, "CreateMultipartUpload", NULL, 0, true, (void **)&cin);
  if (rc)
    return rc;
  /* s3transfer names the default algorithm on the create too: S3 then
   * expects (and keeps) a checksum for every part */
  if (!cin->checksum_algorithm)
    cin->checksum_algorithm = x->alg_name;
  if ((rc = xfer_create_upload(x, cin, &m.upload_id)))
    return rc;
  if (s->read)
    rc = stream_parts(x, s, &m);
  else
    rc = xfer_run_parts(x, m.n, file_part, &m);
  if (!rc)
    rc = xfer_complete(x, m.upload_id, m.parts, m.etags, m.n);
  if (rc)
    xfer_abort_mine(x, m.upload_id, rc);
  return rc;
}

static int upload(xfer *x, up_src *s) {
  xfer_upload_checksums(x);
  if (x->total >= x->threshold)
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
    rc = upload(&x, &s);
  }
  if (s.fd >= 0)
    close(s.fd);
  awsc_free(s.buf);
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
