/*
 * Managed uploads (boto3's upload_file / upload_fileobj): one PutObject
 * below the multipart threshold, else CreateMultipartUpload, UploadPart
 * per part and CompleteMultipartUpload, aborting on any failure.
 *
 * A file is never read into memory: each request streams its stretch of
 * the file (AWSC_BODY_FILE with offset and length) and the digests are
 * computed beforehand in XFER_IO_SIZE steps. A stream (upload_fileobj)
 * can be read only once, so each part is read into one reused buffer,
 * which also lets the engine retry the request.
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
  uint8_t *buf;      /* file: I/O buffer; stream: part buffer */
} up_src;

/* s3transfer's UploadSubmissionTask.UPLOAD_PART_ARGS. */
static const xfer_arg part_args[] = {
    {"ChecksumAlgorithm", NULL},    {"SSECustomerKey", NULL},
    {"SSECustomerAlgorithm", NULL}, {"SSECustomerKeyMD5", NULL},
    {"RequestPayer", NULL},         {"ExpectedBucketOwner", NULL}};

/* Fill `len` bytes of the part buffer from the stream. */
static int read_stream(xfer *x, up_src *s, uint64_t len) {
  uint64_t got = 0;
  while (got < len) {
    size_t want =
        len - got > ((size_t)1 << 30) ? (size_t)1 << 30 : (size_t)(len - got);
    int64_t r = s->read(s->buf + got, want, s->read_ud);
    if (r < 0) {
      int code = r >= AWSC_EBODY ? (int)r : AWSC_EBODY;
      return awsc_error_set(x->err, code, AWSC_ERROR_IO,
                            "%s: the read callback failed at byte %llu (%s)",
                            x->what, (unsigned long long)(s->read_pos + got),
                            awsc_strerror(code));
    }
    if (r == 0 || (uint64_t)r > want)
      return awsc_error_set(x->err, AWSC_EBODY, AWSC_ERROR_IO,
                            "%s: the source %s after %llu of %llu bytes",
                            x->what, r == 0 ? "ended" : "overran its buffer",
                            (unsigned long long)(s->read_pos + got),
                            (unsigned long long)x->total);
    got += (uint64_t)r;
  }
  s->read_pos += len;
  return 0;
}

/* Body and digests of the stretch [off, off+len). */
static int part_body(xfer *x, up_src *s, uint64_t off, uint64_t len,
                     awsc_body_source *body, xfer_digest *d) {
  memset(body, 0, sizeof(*body));
  memset(d, 0, sizeof(*d));
  if (s->read) {
    int rc = read_stream(x, s, len);
    if (rc)
      return rc;
    xfer_hasher h;
    xfer_hasher_init(&h, x->md5, x->alg);
    xfer_hasher_update(&h, s->buf, (size_t)len);
    xfer_hasher_final(&h, d);
    body->kind = AWSC_BODY_MEMORY;
    body->data = s->buf;
    body->len = (size_t)len;
    return 0;
  }
  if (x->md5 || x->alg) {
    int rc = xfer_digest_fd(x, s->fd, s->path, off, len, s->buf, d);
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
  awsc_s3_put_object_input *in = NULL;
  int rc = xfer_input(x, "PutObject", NULL, 0, true, (void **)&in);
  awsc_body_source body;
  xfer_digest d;
  rc = rc ? rc : part_body(x, s, 0, x->total, &body, &d);
  if (rc)
    return rc;
  in->body_source = &body;
  in->content_length = (int64_t)x->total;
  in->has_content_length = true;
  if (d.md5[0])
    in->content_md5 = d.md5;
  SET_CHECKSUM(in, x->alg, d.checksum);
  awsc_s3_put_object_output *out = NULL;
  rc = awsc_s3_put_object(x->client, in, &out, x->err);
  if (rc)
    return rc;
  xfer_result(x, x->total, 0, out->e_tag, out->version_id, false);
  awsc_output_free(out);
  return xfer_progress(x, x->total);
}

/* The plan and the outcome of a multipart upload. */
typedef struct mpu {
  const char *upload_id;
  uint64_t part_size;
  uint32_t n;
  awsc_s3_completed_part *parts; /* [n], filled by upload_part */
  const char **etags;            /* [n] */
  const awsc_s3_upload_part_input *base;
} mpu;

/* Part i (0-based): writes only m->parts[i] / m->etags[i]. */
static int upload_part(xfer *x, up_src *s, mpu *m, uint32_t i) {
  uint64_t off = (uint64_t)i * m->part_size;
  uint64_t len = x->total - off < m->part_size ? x->total - off : m->part_size;
  awsc_body_source body;
  xfer_digest d;
  int rc = part_body(x, s, off, len, &body, &d);
  if (rc)
    return rc;
  awsc_s3_upload_part_input in = *m->base;
  in.upload_id = m->upload_id;
  in.part_number = (int32_t)(i + 1);
  in.has_part_number = true;
  in.content_length = (int64_t)len;
  in.has_content_length = true;
  in.body_source = &body;
  if (d.md5[0])
    in.content_md5 = d.md5;
  SET_CHECKSUM(&in, x->alg, d.checksum);
  awsc_s3_upload_part_output *out = NULL;
  rc = awsc_s3_upload_part(x->client, &in, &out, x->err);
  if (rc)
    return rc;
  awsc_s3_completed_part *p = &m->parts[i];
  p->part_number = (int32_t)(i + 1);
  p->has_part_number = true;
  p->e_tag = out->e_tag ? awsc_arena_strdup(x->arena, out->e_tag) : NULL;
  const char *ck =
      d.checksum[0] ? awsc_arena_strdup(x->arena, d.checksum) : NULL;
  SET_CHECKSUM(p, x->alg, ck);
  bool no_etag = !out->e_tag || !*out->e_tag;
  awsc_output_free(out);
  if (no_etag)
    return awsc_error_set(x->err, AWSC_EPARSE, AWSC_ERROR_PARSE,
                          "UploadPart of part %u of %s answered without an "
                          "ETag",
                          i + 1, x->key);
  if (!p->e_tag || (d.checksum[0] && !ck))
    return awsc_error_set(x->err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  m->etags[i] = p->e_tag;
  return xfer_progress(x, off + len);
}

static int put_multipart(xfer *x, up_src *s) {
  mpu m;
  memset(&m, 0, sizeof(m));
  m.part_size = xfer_part_size(x->chunksize, x->total);
  m.n = (uint32_t)(x->total / m.part_size + (x->total % m.part_size != 0));
  if (m.n == 0)
    m.n = 1; /* an empty object (threshold 0 is not possible, but cheap) */
  m.parts = awsc_arena_calloc(x->arena, m.n, sizeof(*m.parts));
  m.etags = awsc_arena_calloc(x->arena, m.n, sizeof(*m.etags));
  if (!m.parts || !m.etags)
    return awsc_error_set(x->err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  awsc_s3_upload_part_input *base = NULL;
  int rc = xfer_input(x, "UploadPart", part_args, AWSC_ARRAY_LEN(part_args),
                      false, (void **)&base);
  m.base = base;
  if (rc)
    return rc;
  if (s->read) {
    s->buf = awsc_malloc(m.part_size < x->total ? (size_t)m.part_size
                                                : (size_t)x->total + 1);
    if (!s->buf)
      return awsc_error_set(x->err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                            "out of memory (part buffer of %llu bytes)",
                            (unsigned long long)m.part_size);
  }

  awsc_s3_create_multipart_upload_input *cin = NULL;
  rc = xfer_input(x, "CreateMultipartUpload", NULL, 0, true, (void **)&cin);
  if (rc)
    return rc;
  awsc_s3_create_multipart_upload_output *cout = NULL;
  rc = awsc_s3_create_multipart_upload(x->client, cin, &cout, x->err);
  if (rc)
    return rc;
  m.upload_id =
      cout->upload_id ? awsc_arena_strdup(x->arena, cout->upload_id) : NULL;
  bool no_id = !cout->upload_id || !*cout->upload_id;
  awsc_output_free(cout);
  if (no_id)
    return awsc_error_set(x->err, AWSC_EPARSE, AWSC_ERROR_PARSE,
                          "CreateMultipartUpload answered without an "
                          "UploadId");
  if (!m.upload_id)
    rc = awsc_error_set(x->err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                        "out of memory");
  for (uint32_t i = 0; !rc && i < m.n; i++)
    rc = upload_part(x, s, &m, i);
  if (!rc)
    rc = xfer_complete(x, m.upload_id, m.parts, m.etags, m.n);
  if (rc && m.upload_id)
    xfer_abort(x, x->bucket, x->key, m.upload_id);
  return rc;
}

static int upload(xfer *x, up_src *s) {
  if (x->total >= x->threshold)
    return put_multipart(x, s);
  if (s->read) {
    s->buf = awsc_malloc(x->total ? (size_t)x->total : 1);
    if (!s->buf)
      return awsc_error_set(x->err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                            "out of memory");
  }
  return put_single(x, s);
}

int awsc_s3_upload_file(awsc_client *client, const char *filename,
                        const char *bucket, const char *key,
                        const char *extra_args_json,
                        const awsc_s3_transfer_config *config,
                        awsc_s3_transfer_result *result, awsc_error *err) {
  if (!filename)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "upload_file: NULL filename");
  xfer x;
  int rc = xfer_begin(&x, client, "upload_file", "PutObject", bucket, key, NULL,
                      extra_args_json, xfer_upload_args, xfer_upload_args_n,
                      config, result, err);
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
    s.buf = awsc_malloc(XFER_IO_SIZE);
    rc = s.buf ? upload(&x, &s)
               : awsc_error_set(x.err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                                "out of memory");
  }
  if (s.fd >= 0)
    close(s.fd);
  awsc_free(s.buf);
  xfer_end(&x);
  return rc;
}

int awsc_s3_upload_fileobj(awsc_client *client, awsc_read_fn read,
                           void *user_data, uint64_t size, const char *bucket,
                           const char *key, const char *extra_args_json,
                           const awsc_s3_transfer_config *config,
                           awsc_s3_transfer_result *result, awsc_error *err) {
  if (!read)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "upload_fileobj: NULL read callback");
  xfer x;
  int rc = xfer_begin(&x, client, "upload_fileobj", "PutObject", bucket, key,
                      NULL, extra_args_json, xfer_upload_args,
                      xfer_upload_args_n, config, result, err);
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
