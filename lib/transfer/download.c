/*
 * Managed download (boto3's download_file): HeadObject for the size and
 * ETag, then GetObject (ranged at or above the multipart threshold) into a
 * temporary file next to the target, renamed over it once complete.
 *
 * Every GET carries If-Match with the HeadObject's ETag, so a replaced
 * object is a PreconditionFailed rather than a file stitched from two
 * versions. Bytes go to the file with pwrite at their offset through a
 * callback sink that knows how many bytes its range holds: the engine
 * retries a GET whose body broke off by sending it again from its start,
 * which the sink sees as more bytes than the range has; it then stops the
 * request and the range is fetched again here (num_download_attempts).
 * The ranges of a multipart download go to xfer_run_parts' threads, each
 * writing its own stretch of the one temporary file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "transfer/transfer_internal.h"

/* What every GET of a download shares. */
typedef struct dl_job {
  int fd;
  const char *tmp;
  const awsc_s3_GetObjectRequest *base;
  const char *etag;
  uint64_t chunk; /* bytes per ranged GET */
} dl_job;

/* One GET in progress (one per thread). */
typedef struct dl {
  xfer *x;
  const dl_job *job;
  awsc_error *err;
  uint64_t start, len; /* the range being fetched */
  uint64_t pos;        /* bytes of it written so far */
  uint64_t counted;    /* bytes of it already added to the progress */
  bool restarted;      /* more bytes than the range holds arrived */
  bool cancelled;      /* by the progress callback */
  bool stopped;        /* because another range failed */
  int io_errno;
} dl;

static int sink_write(const void *data, size_t len, void *ud) {
  dl *d = ud;
  if (xfer_failed(d->x)) { /* the download is lost: stop early */
    d->stopped = true;
    return AWSC_ECANCELLED;
  }
  if (len > d->len - d->pos) {
    d->restarted = true;
    return AWSC_EIO;
  }
  const char *p = data;
  size_t left = len;
  while (left) {
    ssize_t w = pwrite(d->job->fd, p, left, (off_t)(d->start + d->pos));
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0) {
      d->io_errno = w < 0 ? errno : EIO;
      return AWSC_EIO;
    }
    p += w;
    left -= (size_t)w;
    d->pos += (uint64_t)w;
  }
  /* a GET restarted from its beginning counts its bytes once */
  if (d->pos > d->counted) {
    uint64_t more = d->pos - d->counted;
    d->counted = d->pos;
    if (xfer_progress_add(d->x, more, d->err)) {
      d->cancelled = true;
      return AWSC_ECANCELLED;
    }
  }
  return 0;
}

static int changed(xfer *x, awsc_error *err, int http_status) {
  awsc_error_set(err, AWSC_ESERVICE, AWSC_ERROR_SERVICE,
                 "Contents of stored object \"%s\" in bucket \"%s\" did not "
                 "match expected ETag.",
                 x->key, x->bucket);
  awsc_strlcpy(err->service_code, "PreconditionFailed",
               sizeof(err->service_code));
  err->http_status = http_status;
  return AWSC_ESERVICE;
}

/* One GET of [start, start+len) (ranged or the whole object), retried
 * while its body arrives restarted or short. err is never NULL. */
static int get_range(xfer *x, const dl_job *job, uint64_t start, uint64_t len,
                     bool ranged, awsc_error *err) {
  dl d;
  memset(&d, 0, sizeof(d));
  d.x = x;
  d.job = job;
  d.err = err;
  char range[64];
  snprintf(range, sizeof(range), "bytes=%llu-%llu", (unsigned long long)start,
           (unsigned long long)(start + len - 1));
  for (int attempt = 1;; attempt++) {
    d.start = start;
    d.len = len;
    d.pos = 0;
    d.restarted = false;
    awsc_s3_GetObjectRequest in = *job->base;
    if (job->etag)
      in.if_match = job->etag;
    if (ranged)
      in.range = range;
    awsc_body_sink sink;
    memset(&sink, 0, sizeof(sink));
    sink.kind = AWSC_SINK_CALLBACK;
    sink.write = sink_write;
    sink.user_data = &d;
    awsc_s3_GetObjectOutput *out = NULL;
    int rc = awsc_s3_get_object_to(&out, x->client, &in, &sink, err);
    if (rc) {
      if (d.cancelled) /* err now holds the transport's words */
        return awsc_error_set(err, AWSC_ECANCELLED, AWSC_ERROR_INTERNAL,
                              "%s cancelled by the progress callback", x->what);
      if (d.stopped) /* not the transfer's error: another range's is */
        return awsc_error_set(err, AWSC_ECANCELLED, AWSC_ERROR_INTERNAL,
                              "%s: stopped after another range failed",
                              x->what);
      if (d.io_errno)
        return awsc_error_set(err, AWSC_EIO, AWSC_ERROR_IO,
                              "cannot write %s: %s", job->tmp,
                              strerror(d.io_errno));
      if (rc == AWSC_ESERVICE &&
          strcmp(err->service_code, "PreconditionFailed") == 0)
        return changed(x, err, err->http_status);
      if (d.restarted && attempt < x->attempts)
        continue;
      if (d.restarted)
        return awsc_error_set(err, AWSC_EIO, AWSC_ERROR_NETWORK,
                              "%s: bytes %llu-%llu of %s kept breaking off "
                              "(%d attempts)",
                              x->what, (unsigned long long)start,
                              (unsigned long long)(start + len - 1), x->key,
                              attempt);
      return rc;
    }
    const awsc_response_metadata *meta = awsc_output_metadata(out);
    int status = meta ? meta->http_status : 200;
    bool other = job->etag && out->e_tag && strcmp(out->e_tag, job->etag) != 0;
    awsc_mem_free(out);
    if (other) /* a server that ignores If-Match */
      return changed(x, err, status);
    if (d.pos == len)
      return 0;
    if (attempt >= x->attempts)
      return awsc_error_set(err, AWSC_EIO, AWSC_ERROR_NETWORK,
                            "%s: got %llu of the %llu bytes at %llu of %s "
                            "(%d attempts)",
                            x->what, (unsigned long long)d.pos,
                            (unsigned long long)len, (unsigned long long)start,
                            x->key, attempt);
  }
}

/* Range i of a multipart download (any thread). */
static int get_part(xfer *x, void *ctx, uint32_t i, awsc_error *err) {
  const dl_job *job = ctx;
  uint64_t off = (uint64_t)i * job->chunk;
  uint64_t len = x->total - off < job->chunk ? x->total - off : job->chunk;
  return get_range(x, job, off, len, true, err);
}

/* "TARGET.awsctmp.XXXXXXXX", created exclusively (0666 less the umask, as
 * the target itself would be). */
static int open_temp(xfer *x, const char *target, char **path, int *fd) {
  static _Atomic unsigned counter;
  size_t n = strlen(target) + sizeof(".awsctmp.") + 8;
  char *p = awsc_arena_alloc(x->arena, n);
  if (!p)
    return awsc_error_set(x->err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  for (int tries = 0; tries < 100; tries++) {
    uint32_t r;
    if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r))
      r = (uint32_t)awsc_time_now_ms() * 2654435761u ^ (uint32_t)getpid() ^
          (atomic_fetch_add(&counter, 1) << 16);
    snprintf(p, n, "%s.awsctmp.%08x", target, r);
    *fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (*fd >= 0) {
      *path = p;
      return 0;
    }
    if (errno != EEXIST)
      break;
  }
  return awsc_error_set(x->err, AWSC_EIO, AWSC_ERROR_IO,
                        "cannot create a temporary file next to %s: %s", target,
                        strerror(errno));
}

static int download(xfer *x, const char *filename) {
  awsc_s3_HeadObjectRequest *hin = NULL;
  awsc_s3_GetObjectRequest *gin = NULL;
  int rc = xfer_input(x, "HeadObject", NULL, 0, true, (void **)&hin);
  rc = rc ? rc : xfer_input(x, "GetObject", NULL, 0, true, (void **)&gin);
  if (rc)
    return rc;
  awsc_s3_HeadObjectOutput *h = NULL;
  if ((rc = awsc_s3_head_object(&h, x->client, hin, x->err)))
    return rc;
  x->total = h->has_content_length && h->content_length > 0
                 ? (uint64_t)h->content_length
                 : 0;
  const char *etag =
      h->e_tag && *h->e_tag ? awsc_arena_strdup(x->arena, h->e_tag) : NULL;
  const char *version =
      h->version_id ? awsc_arena_strdup(x->arena, h->version_id) : NULL;
  bool lost = (h->e_tag && *h->e_tag && !etag) || (h->version_id && !version);
  awsc_mem_free(h);
  if (lost)
    return awsc_error_set(x->err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");

  dl_job job;
  memset(&job, 0, sizeof(job));
  job.base = gin;
  job.etag = etag;
  job.chunk = x->chunksize;
  char *tmp = NULL;
  if ((rc = open_temp(x, filename, &tmp, &job.fd)))
    return rc;
  job.tmp = tmp;
  uint32_t ranges = 0;
  if (x->total < x->threshold) {
    rc = get_range(x, &job, 0, x->total, false, x->err);
  } else {
    uint64_t cs = job.chunk;
    ranges = (uint32_t)(x->total / cs + (x->total % cs != 0));
    rc = xfer_run_parts(x, ranges, get_part, &job);
  }
  if (close(job.fd) != 0 && !rc)
    rc = awsc_error_set(x->err, AWSC_EIO, AWSC_ERROR_IO, "cannot write %s: %s",
                        tmp, strerror(errno));
  if (!rc && rename(tmp, filename) != 0)
    rc = awsc_error_set(x->err, AWSC_EIO, AWSC_ERROR_IO,
                        "cannot rename %s to %s: %s", tmp, filename,
                        strerror(errno));
  if (rc) {
    unlink(tmp);
    return rc;
  }
  xfer_result(x, x->total, ranges, etag, version, false);
  return 0;
}

static int download_file(awsc_s3_transfer_result *result, awsc_client *client,
                         const char *bucket, const char *key,
                         const char *filename, const xfer_extra *extra,
                         const awsc_s3_transfer_config *config,
                         awsc_error *err) {
  if (!filename || !*filename)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "download_file: no filename");
  xfer x;
  int rc = xfer_begin(&x, client, "download_file", "GetObject", bucket, key,
                      NULL, extra, xfer_download_args, xfer_download_args_n,
                      config, result, err);
  if (rc)
    return rc;
  rc = download(&x, filename);
  xfer_end(&x);
  return rc;
}

int awsc_s3_download_file(awsc_s3_transfer_result *result, awsc_client *client,
                          const char *bucket, const char *key,
                          const char *filename,
                          const struct awsc_s3_GetObjectRequest *extra_args,
                          const awsc_s3_transfer_config *config,
                          awsc_error *err) {
  xfer_extra extra = {NULL, extra_args};
  return download_file(result, client, bucket, key, filename, &extra, config,
                       err);
}

int awsc_s3_download_file_json(awsc_s3_transfer_result *result,
                               awsc_client *client, const char *bucket,
                               const char *key, const char *filename,
                               const char *extra_args_json,
                               const awsc_s3_transfer_config *config,
                               awsc_error *err) {
  xfer_extra extra = {extra_args_json, NULL};
  return download_file(result, client, bucket, key, filename, &extra, config,
                       err);
}
