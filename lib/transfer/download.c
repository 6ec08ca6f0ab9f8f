/*
 * Managed download (boto3's download_file): HeadObject for the size, ETag
 * and checksum, then GetObject (ranged at or above the multipart
 * threshold, by part number for a composite checksum) into a temporary
 * file next to the target, renamed over it once complete and verified.
 *
 * Every GET carries If-Match with the HeadObject's ETag, so a replaced
 * object is a PreconditionFailed rather than a file stitched from two
 * versions. Bytes go to the file with pwrite at their offset through a
 * callback sink that knows how many bytes its range holds, gathered into
 * writes of DL_GATHER (a buffer per range in flight: libcurl hands over
 * up to 64 KiB at a time, often less, in pieces of any size), written out when
 * full and when the GET ends (before the range is checked or hashed): the
 * engine retries a GET whose body broke off by sending it again from its
 * start, which the sink sees as more bytes than the range has; it then
 * stops the request and the range is fetched again here
 * (num_download_attempts).
 * The ranges of a multipart download are concurrent GETs on
 * xfer_run_parts' loop, each writing its own stretch of the one
 * temporary file.
 *
 * Integrity (docs/integrity.md): a GET whose answer carries a checksum is
 * checked by the client as the body passes (a mismatch is AWSC_ECHECKSUM,
 * retried here like a broken body). What no single answer can vouch for
 * is checked here from the file: the object's full-object checksum over
 * ranges and the ETag as the MD5 (dl_verify) by a digest made as the
 * ranges arrive, in order (hash_forward), the composite checksum from
 * its parts' checksums. A mismatch there fetches the whole object again,
 * up to num_download_attempts times in all, then fails with
 * AWSC_ECHECKSUM; the target is never touched.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <unistd.h>

#include "client/client_internal.h"
#include "client/resp_checksum.h"
#include "transfer/transfer_internal.h"

/* Bytes gathered per pwrite: 32 KiB. ext4 (Linux >= 6.x) sizes a new
 * page-cache folio by the write, and 32 KiB is the largest order (3) the
 * page allocator serves from its per-CPU lists of recently freed pages;
 * larger folios come from the zone's free lists. On the test VM
 * (a Firecracker guest whose free memory goes back to the host: free page
 * reporting) that is memory the host has to back again on first touch: a
 * 1 GiB download with 64 KiB writes took 0.52 system CPU s in some runs
 * and 1.0-3.6 s in 9 of 22, against 1 of 16 with 32 KiB and 1 of 12 with
 * 16 KiB (curl, whose writes are 4 and 12 KiB: 0 of 22), interleaved runs
 * in docs/performance.md (sixth round). Smaller writes cost syscalls:
 * 4 KiB ones 0.68-0.76 s. */
#define DL_GATHER ((size_t)32 * 1024)

/* The checksum member of a Head/GetObject output for an AWSC_RDIG_*. */
#define CHECKSUM_OF(o, alg)                                                    \
  ((alg) == AWSC_RDIG_CRC64NVME ? (o)->checksum_crc64_nvme                     \
   : (alg) == AWSC_RDIG_CRC32C  ? (o)->checksum_crc32_c                        \
   : (alg) == AWSC_RDIG_CRC32   ? (o)->checksum_crc32                          \
   : (alg) == AWSC_RDIG_SHA1    ? (o)->checksum_sha1                           \
   : (alg) == AWSC_RDIG_SHA256  ? (o)->checksum_sha256                         \
   : (alg) == AWSC_RDIG_SHA512  ? (o)->checksum_sha512                         \
                                : (o)->checksum_md5)

/* What the whole download is checked against (from the HeadObject). */
typedef struct dl_verify {
  int alg;              /* AWSC_RDIG_* of the object's checksum, -1: none */
  const char *expected; /* its value as S3 gives it ("<b64>[-N]") */
  uint32_t composite;   /* N of a composite checksum, 0 full-object */
  bool md5;             /* check the ETag as the MD5 of the bytes */
  char etag_hex[33];
} dl_verify;

/* What every GET of a download shares. */
typedef struct dl_job {
  int fd;
  const char *tmp;
  const awsc_s3_GetObjectRequest *base;
  const char *etag;
  uint64_t chunk;    /* bytes per ranged GET */
  uint32_t n_ranges; /* ranged GETs (1: one plain GET) */
  const char *mode;  /* ChecksumMode to send, or NULL */
  const dl_verify *v;
  uint64_t *part_off;   /* by part number: [n + 1] offsets, else NULL */
  uint8_t *part_sum;    /* [n] raw digests of v->alg, by part */
  atomic_bool whole_ok; /* one GET's answer carried v->expected */
  bool quiet;           /* fetching again: progress counted already */
  bool single;          /* one plain GET of the whole object */
  uint8_t *wbufs;       /* DL_GATHER per part in flight (dl.wbuf) */
  /* The whole-file digest (hash_alg >= 0), made in order as the ranges
   * arrive (range_done): ranges [0, next_hash) are in `hd`; the GET
   * that completes range next_hash hashes forward, on the loop, between
   * the other GETs' network events (`hashing` guards against re-entry;
   * these under x->lock). */
  int hash_alg;
  awsc_rdigest hd;
  uint8_t *hbuf; /* XFER_IO_SIZE, for the hashing */
  bool *range_done;
  uint32_t next_hash;
  bool hashing;
  int hash_rc;
  awsc_error hash_err;
} dl_job;

/* One GET in progress (one per part in flight). */
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
  /* bytes accepted but not yet written: [pos - held, pos) of the range,
   * gathered into one pwrite of up to DL_GATHER (the slot's buffer) */
  uint8_t *wbuf;
  size_t held;
} dl;

/* Write n bytes at their place in the file (`at` bytes into the range). */
static int write_at(dl *d, const uint8_t *p, size_t n, uint64_t at) {
  at += d->start;
  while (n) {
    ssize_t w = pwrite(d->job->fd, p, n, (off_t)at);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0) {
      d->io_errno = w < 0 ? errno : EIO;
      return AWSC_EIO;
    }
    p += w;
    at += (uint64_t)w;
    n -= (size_t)w;
  }
  return 0;
}

/* Write what the GET's buffer holds. */
static int flush_held(dl *d) {
  int rc = write_at(d, d->wbuf, d->held, d->pos - d->held);
  d->held = 0;
  return rc;
}

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
  const uint8_t *p = data;
  size_t left = len;
  while (left) {
    if (!d->held && left >= DL_GATHER) {
      /* whole writes straight from libcurl's buffer, no copy */
      if (write_at(d, p, DL_GATHER, d->pos))
        return AWSC_EIO;
      d->pos += DL_GATHER;
      p += DL_GATHER;
      left -= DL_GATHER;
      continue;
    }
    size_t take = DL_GATHER - d->held < left ? DL_GATHER - d->held : left;
    memcpy(d->wbuf + d->held, p, take);
    d->held += take;
    d->pos += take;
    p += take;
    left -= take;
    if (d->held == DL_GATHER && flush_held(d))
      return AWSC_EIO;
  }
  /* a GET restarted from its beginning counts its bytes once */
  if (d->pos > d->counted && !d->job->quiet) {
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

/* Digest with `alg` of [start, start+len) of the temporary file, read
 * back (from the page cache, as a rule) in XFER_IO_SIZE steps. */
static int file_digest(xfer *x, const dl_job *job, int alg, uint64_t start,
                       uint64_t len, uint8_t *raw, size_t *raw_len,
                       awsc_error *err) {
  uint8_t *buf = awsc_malloc(XFER_IO_SIZE);
  if (!buf)
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  awsc_rdigest dg;
  awsc_rdigest_init(&dg, alg);
  uint64_t done = 0;
  int rc = 0;
  while (done < len) {
    size_t want =
        len - done < XFER_IO_SIZE ? (size_t)(len - done) : XFER_IO_SIZE;
    ssize_t got = pread(job->fd, buf, want, (off_t)(start + done));
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0) {
      rc = awsc_error_set(err, AWSC_EIO, AWSC_ERROR_IO,
                          "%s: cannot read %s back to verify it: %s", x->what,
                          job->tmp, got < 0 ? strerror(errno) : "short file");
      break;
    }
    awsc_rdigest_update(&dg, buf, (size_t)got);
    done += (uint64_t)got;
  }
  awsc_free(buf);
  if (!rc)
    *raw_len = awsc_rdigest_final(&dg, raw);
  return rc;
}

/* After a GET of part `pn` (1-based) answered `got` (its checksum of
 * v->alg, or NULL): keep the part's digest for the composite check. The
 * client checked `got` against the body when the answer had it. */
static int keep_part_sum(xfer *x, const dl_job *job, uint32_t pn,
                         const char *got, awsc_error *err) {
  const dl_verify *v = job->v;
  size_t n = awsc_rdigest_len(v->alg), have = 0;
  uint8_t *slot = job->part_sum + (size_t)(pn - 1) * n;
  if (got && !strchr(got, '-') && strlen(got) <= AWSC_BASE64_LEN(n) &&
      awsc_base64_decode(got, strlen(got), slot, &have) == 0 && have == n)
    return 0;
  /* the answer had no checksum of the part: compute it */
  uint64_t a = job->part_off[pn - 1], b = job->part_off[pn];
  return file_digest(x, job, v->alg, a, b - a, slot, &have, err);
}

/* Add [start, start+len) of the file to the whole-file digest. */
static int hash_range(xfer *x, dl_job *job, uint64_t start, uint64_t len) {
  uint64_t done = 0;
  while (done < len) {
    size_t want =
        len - done < XFER_IO_SIZE ? (size_t)(len - done) : XFER_IO_SIZE;
    ssize_t got = pread(job->fd, job->hbuf, want, (off_t)(start + done));
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0)
      return awsc_error_set(&job->hash_err, AWSC_EIO, AWSC_ERROR_IO,
                            "%s: cannot read %s back to verify it: %s", x->what,
                            job->tmp, got < 0 ? strerror(errno) : "short file");
    awsc_rdigest_update(&job->hd, job->hbuf, (size_t)got);
    done += (uint64_t)got;
  }
  return 0;
}

/* Range i of n (`len` bytes each but the last) is in the file: hash
 * every range from next_hash on that is, unless the hashing is already
 * under way (it then sees range i when it gets there). */
static void hash_forward(xfer *x, dl_job *job, uint32_t i, uint32_t n,
                         uint64_t len) {
  pthread_mutex_lock(&x->lock);
  job->range_done[i] = true;
  if (job->hashing) {
    pthread_mutex_unlock(&x->lock);
    return;
  }
  job->hashing = true;
  while (job->next_hash < n && job->range_done[job->next_hash] &&
         !job->hash_rc) {
    uint64_t start = (uint64_t)job->next_hash * len;
    uint64_t l = x->total - start < len ? x->total - start : len;
    pthread_mutex_unlock(&x->lock);
    int rc = hash_range(x, job, start, l);
    pthread_mutex_lock(&x->lock);
    job->hash_rc = rc;
    job->next_hash++;
  }
  job->hashing = false;
  pthread_mutex_unlock(&x->lock);
}

/* The error of a GET that kept failing its checksum, naming the object. */
static int still_mismatched(xfer *x, uint64_t start, uint64_t len, int attempt,
                            awsc_error *err) {
  char why[sizeof(err->message)];
  awsc_strlcpy(why, err->message, sizeof(why));
  return awsc_error_set(err, AWSC_ECHECKSUM, AWSC_ERROR_PARSE,
                        "%s: bytes %llu-%llu of s3://%s/%s failed their "
                        "checksum %d times: %.300s",
                        x->what, (unsigned long long)start,
                        (unsigned long long)(start + len - 1), x->bucket,
                        x->key, attempt, why);
}

/* A slot's GET: the range, its attempt and the sink's state. */
typedef struct dl_slot {
  dl d;
  dl_job *job;
  uint64_t start, len;
  bool ranged;
  uint32_t pn;
  int attempt;
  char range[64];
} dl_slot;

static int send_get(xfer *x, xfer_slot *s);

/* What a failed GET of the slot's range means: > 0 fetch it again, else
 * the range's failure (err filled). */
static int get_failed(xfer *x, dl_slot *g, int rc, awsc_error *err) {
  dl *d = &g->d;
  if (d->cancelled) /* err now holds the transport's words */
    return awsc_error_set(err, AWSC_ECANCELLED, AWSC_ERROR_INTERNAL,
                          "%s cancelled by the progress callback", x->what);
  if (d->stopped) /* not the transfer's error: another range's is */
    return awsc_error_set(err, AWSC_ECANCELLED, AWSC_ERROR_INTERNAL,
                          "%s: stopped after another range failed", x->what);
  if (d->io_errno)
    return awsc_error_set(err, AWSC_EIO, AWSC_ERROR_IO, "cannot write %s: %s",
                          g->job->tmp, strerror(d->io_errno));
  if (rc == AWSC_ESERVICE &&
      strcmp(err->service_code, "PreconditionFailed") == 0)
    return changed(x, err, err->http_status);
  uint64_t a = g->start, b = g->start + g->len - 1;
  if (rc == AWSC_ECHECKSUM && g->attempt < x->attempts) {
    awsc_log(x->client->logger, AWSC_LOG_WARN,
             "%s: fetching bytes %llu-%llu of %s again: %s", x->what,
             (unsigned long long)a, (unsigned long long)b, x->key,
             err->message);
    return 1;
  }
  if (rc == AWSC_ECHECKSUM)
    return still_mismatched(x, g->start, g->len, g->attempt, err);
  if (d->restarted && g->attempt < x->attempts)
    return 1;
  if (d->restarted)
    return awsc_error_set(err, AWSC_EIO, AWSC_ERROR_NETWORK,
                          "%s: bytes %llu-%llu of %s kept breaking off "
                          "(%d attempts)",
                          x->what, (unsigned long long)a, (unsigned long long)b,
                          x->key, g->attempt);
  return rc;
}

/* A GET of the slot's range answered: 0 the range is in the file, > 0
 * fetch it again, else its failure (err filled). */
static int got_answer(xfer *x, dl_slot *g, const awsc_s3_GetObjectOutput *out,
                      awsc_error *err) {
  dl_job *job = g->job;
  const awsc_response_metadata *meta = awsc_output_metadata(out);
  int status = meta ? meta->http_status : 200;
  bool other = job->etag && out->e_tag && strcmp(out->e_tag, job->etag) != 0;
  const dl_verify *v = job->v;
  int rc = 0;
  if (!other && g->d.pos == g->len && v->alg >= 0) {
    const char *got = CHECKSUM_OF(out, v->alg);
    if (g->pn)
      rc = keep_part_sum(x, job, g->pn, got, err);
    else if (!g->ranged && got && job->mode && strcmp(got, v->expected) == 0)
      atomic_store(&job->whole_ok, true);
  }
  if (rc)
    return rc;
  if (other) /* a server that ignores If-Match */
    return changed(x, err, status);
  if (g->d.pos == g->len)
    return 0;
  if (g->attempt >= x->attempts)
    return awsc_error_set(err, AWSC_EIO, AWSC_ERROR_NETWORK,
                          "%s: got %llu of the %llu bytes at %llu of %s "
                          "(%d attempts)",
                          x->what, (unsigned long long)g->d.pos,
                          (unsigned long long)g->len,
                          (unsigned long long)g->start, x->key, g->attempt);
  return 1;
}

/* A GET of a slot's range ended (on the loop): the range is done, failed
 * or fetched again (a body restarted, short or failing its checksum). */
static void get_done(int status, void *output, const awsc_error *err,
                     void *ud) {
  xfer_slot *s = ud;
  xfer *x = s->x;
  dl_slot *g = s->state;
  s->req = NULL;
  int rc;
  if (status) {
    awsc_error_copy(&s->err, err);
    rc = get_failed(x, g, status, &s->err);
  } else if (flush_held(&g->d)) {
    rc = awsc_error_set(&s->err, AWSC_EIO, AWSC_ERROR_IO, "cannot write %s: %s",
                        g->job->tmp, strerror(g->d.io_errno));
  } else {
    rc = got_answer(x, g, output, &s->err);
  }
  awsc_mem_free(output);
  if (rc > 0 && !xfer_failed(x)) {
    g->attempt++;
    rc = send_get(x, s);
    if (!rc)
      return;
  }
  if (rc > 0) /* the transfer failed meanwhile: this range is moot */
    rc = awsc_error_set(&s->err, AWSC_ECANCELLED, AWSC_ERROR_INTERNAL,
                        "%s: stopped after another range failed", x->what);
  if (!rc && !g->pn && g->job->hash_alg >= 0) {
    if (g->ranged)
      hash_forward(x, g->job, s->i, g->job->n_ranges, g->job->chunk);
    else if (!atomic_load(&g->job->whole_ok))
      hash_forward(x, g->job, 0, 1, x->total);
  }
  xfer_slot_done(s, rc);
}

/* Send one GET of the slot's range: the whole object (!ranged), a Range,
 * or part `pn` (> 0). */
static int send_get(xfer *x, xfer_slot *s) {
  dl_slot *g = s->state;
  dl_job *job = g->job;
  dl *d = &g->d;
  memset(d, 0, sizeof(*d));
  d->x = x;
  d->job = job;
  d->err = &s->err;
  d->start = g->start;
  d->len = g->len;
  d->wbuf = job->wbufs + (size_t)s->k * DL_GATHER;
  awsc_s3_GetObjectRequest in = *job->base;
  if (job->etag)
    in.if_match = job->etag;
  if (job->mode && !in.checksum_mode)
    in.checksum_mode = job->mode;
  if (g->pn) {
    in.part_number = (int32_t)g->pn;
    in.has_part_number = true;
  } else if (g->ranged) {
    in.range = g->range;
  }
  awsc_body_sink sink;
  memset(&sink, 0, sizeof(sink));
  sink.kind = AWSC_SINK_CALLBACK;
  sink.write = sink_write;
  sink.user_data = d;
  return xfer_start_typed(x, s, "GetObject", &in, &sink, 0, get_done);
}

/* Start range s->i: a part by number, a Range, or (job->n_ranges 0) the
 * one plain GET of the whole object. */
static int get_part(xfer *x, void *ctx, xfer_slot *s) {
  dl_job *job = ctx;
  dl_slot *g = s->state;
  uint32_t i = s->i;
  g->job = job;
  g->attempt = 1;
  g->pn = 0;
  g->ranged = false;
  if (job->part_off) {
    g->pn = i + 1;
    g->start = job->part_off[i];
    g->len = job->part_off[i + 1] - job->part_off[i];
  } else if (!job->single) {
    g->ranged = true;
    g->start = (uint64_t)i * job->chunk;
    g->len =
        x->total - g->start < job->chunk ? x->total - g->start : job->chunk;
  } else {
    g->start = 0;
    g->len = x->total;
  }
  snprintf(g->range, sizeof(g->range), "bytes=%llu-%llu",
           (unsigned long long)g->start,
           (unsigned long long)(g->start + g->len - 1));
  return send_get(x, s);
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
    *fd = open(p, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
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

/* The object's checksum from its HeadObject, and whether its ETag is the
 * MD5 of its bytes (single part, not SSE-KMS, not SSE-C). */
static void plan_verify(xfer *x, const awsc_s3_HeadObjectOutput *h,
                        dl_verify *v) {
  memset(v, 0, sizeof(*v));
  v->alg = -1;
  for (int alg = 0; x->verify_checksums && alg < AWSC_RDIG_COUNT; alg++) {
    const char *c = CHECKSUM_OF(h, alg);
    if (!c || !*c)
      continue;
    const char *dash = strchr(c, '-');
    long n = dash ? strtol(dash + 1, NULL, 10) : 0;
    if (dash && (n < 1 || n > XFER_MAX_PARTS))
      continue; /* not a composite value S3 makes */
    v->expected = awsc_arena_strdup(x->arena, c);
    v->alg = v->expected ? alg : -1;
    v->composite = (uint32_t)n;
    break;
  }
  const char *e = h->e_tag ? h->e_tag : "";
  size_t n = strlen(e);
  if (n == 34 && e[0] == '"' && e[33] == '"') {
    e++;
    n = 32;
  }
  bool hex = n == 32;
  for (size_t i = 0; hex && i < n; i++)
    hex = awsc_hex_value((unsigned char)e[i]) >= 0;
  bool kms = h->server_side_encryption &&
             strncasecmp(h->server_side_encryption, "aws:kms", 7) == 0;
  if (x->verify_etag_md5 && v->alg < 0 && hex && !kms &&
      !h->sse_customer_algorithm) {
    v->md5 = true;
    for (size_t i = 0; i < 32; i++)
      v->etag_hex[i] = (char)((e[i] >= 'A' && e[i] <= 'F') ? e[i] + 32 : e[i]);
  }
}

/* A composite checksum is checked part by part: the parts' offsets from
 * HeadObject ?partNumber= (part 1 gives the size every part but the last
 * has, as uploads make them; otherwise each part is asked). */
static int plan_parts(xfer *x, dl_job *job,
                      const awsc_s3_HeadObjectRequest *hin, uint32_t n) {
  job->part_off = awsc_arena_calloc(x->arena, (size_t)n + 1, sizeof(uint64_t));
  job->part_sum = awsc_arena_calloc(x->arena, n, awsc_rdigest_len(job->v->alg));
  if (!job->part_off || !job->part_sum)
    return awsc_error_set(x->err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  uint64_t size1 = 0;
  bool uniform = true;
  for (uint32_t pn = 1; pn <= n && (pn == 1 || !uniform); pn++) {
    awsc_s3_HeadObjectRequest in = *hin;
    in.part_number = (int32_t)pn;
    in.has_part_number = true;
    in.if_match = job->etag;
    awsc_s3_HeadObjectOutput *h = NULL;
    int rc = awsc_s3_head_object(&h, x->client, &in, x->err);
    if (rc)
      return rc == AWSC_ESERVICE &&
                     strcmp(x->err->service_code, "PreconditionFailed") == 0
                 ? changed(x, x->err, x->err->http_status)
                 : rc;
    uint64_t len = h->has_content_length && h->content_length > 0
                       ? (uint64_t)h->content_length
                       : 0;
    int32_t count = h->has_parts_count ? h->parts_count : (int32_t)n;
    awsc_mem_free(h);
    if (count != (int32_t)n || !len)
      return awsc_error_set(x->err, AWSC_EPARSE, AWSC_ERROR_PARSE,
                            "%s: part %u of s3://%s/%s: %d parts and %llu "
                            "bytes do not fit its checksum's %u parts",
                            x->what, pn, x->bucket, x->key, count,
                            (unsigned long long)len, n);
    if (pn == 1) {
      size1 = len;
      uniform = (uint64_t)(n - 1) * size1 < x->total &&
                x->total <= (uint64_t)n * size1;
    }
    job->part_off[pn] = job->part_off[pn - 1] + len;
  }
  for (uint32_t pn = 2; uniform && pn <= n; pn++)
    job->part_off[pn] = pn == n ? x->total : (uint64_t)pn * size1;
  if (job->part_off[n] != x->total)
    return awsc_error_set(x->err, AWSC_EPARSE, AWSC_ERROR_PARSE,
                          "%s: the parts of s3://%s/%s add up to %llu bytes, "
                          "not %llu",
                          x->what, x->bucket, x->key,
                          (unsigned long long)job->part_off[n],
                          (unsigned long long)x->total);
  return 0;
}

/* What no single answer vouched for, over the complete file: 0, or
 * AWSC_ECHECKSUM (x->err names the object, the algorithm and both
 * values). */
static int verify_whole(xfer *x, dl_job *job, int round) {
  const dl_verify *v = job->v;
  uint8_t raw[AWSC_RDIG_MAX_LEN];
  size_t n = 0;
  char got[AWSC_RDIG_B64_MAX], want[AWSC_RDIG_B64_MAX];
  if (v->alg >= 0 && v->composite) {
    /* S3's composite: the checksum of the parts' raw checksums, "-N" */
    awsc_rdigest dg;
    awsc_rdigest_init(&dg, v->alg);
    awsc_rdigest_update(&dg, job->part_sum,
                        v->composite * awsc_rdigest_len(v->alg));
    awsc_rdigest_final_b64(&dg, got);
    size_t k = strlen(got);
    snprintf(got + k, sizeof(got) - k, "-%u", v->composite);
    awsc_strlcpy(want, v->expected, sizeof(want));
  } else if (job->hash_alg >= 0) {
    if (atomic_load(&job->whole_ok))
      return 0; /* the one GET's answer carried it: checked on the way */
    if (job->hash_rc) {
      awsc_error_copy(x->err, &job->hash_err);
      return job->hash_rc;
    }
    n = awsc_rdigest_final(&job->hd, raw);
    if (v->alg >= 0)
      awsc_base64_encode(raw, n, got);
    else
      awsc_hex_encode(raw, n, got);
    awsc_strlcpy(want, v->alg >= 0 ? v->expected : v->etag_hex, sizeof(want));
  } else {
    return 0;
  }
  if (strcmp(got, want) == 0)
    return 0;
  return awsc_error_set(x->err, AWSC_ECHECKSUM, AWSC_ERROR_PARSE,
                        "%s: the %s%s of s3://%s/%s did not match: expected "
                        "%s, calculated %s (%d attempts)",
                        x->what,
                        v->alg >= 0 ? awsc_rdigest_name(v->alg) : "MD5",
                        v->alg >= 0 ? " checksum" : " (ETag)", x->bucket,
                        x->key, want, got, round);
}

/* Fetch every byte into the file: one GET, ranges or parts. */
static int fetch(xfer *x, dl_job *job, uint32_t *ranges) {
  job->single = false;
  if (job->part_off) {
    *ranges = job->v->composite;
    return xfer_run_parts(x, *ranges, get_part, job, sizeof(dl_slot));
  }
  if (job->hash_alg >= 0) { /* a new round: a new digest */
    awsc_rdigest_init(&job->hd, job->hash_alg);
    memset(job->range_done, 0, job->n_ranges * sizeof(bool));
    job->next_hash = 0;
    job->hash_rc = 0;
  }
  if (x->total < x->threshold) {
    *ranges = 0;
    job->single = true;
    return xfer_run_parts(x, 1, get_part, job, sizeof(dl_slot));
  }
  *ranges = job->n_ranges;
  return xfer_run_parts(x, *ranges, get_part, job, sizeof(dl_slot));
}

/* Fetch and verify, the whole object again after a mismatch that no
 * single GET could see (num_download_attempts in all). */
static int fetch_verified(xfer *x, dl_job *job, uint32_t *ranges) {
  for (int round = 1;; round++) {
    atomic_store(&job->whole_ok, false);
    int rc = fetch(x, job, ranges);
    if (rc)
      return rc; /* a GET's own checksum failures were retried in it */
    rc = verify_whole(x, job, round);
    if (rc != AWSC_ECHECKSUM || round >= x->attempts)
      return rc;
    awsc_log(x->client->logger, AWSC_LOG_WARN,
             "%s: fetching s3://%s/%s again (%d of %d): %s", x->what, x->bucket,
             x->key, round + 1, x->attempts, x->err->message);
    job->quiet = true;
  }
}

/* The in-order digest's storage: a flag per range in the arena, the read
 * buffer on the heap (download() frees it). */
static int hash_setup(xfer *x, dl_job *job) {
  job->range_done = awsc_arena_calloc(x->arena, job->n_ranges, sizeof(bool));
  job->hbuf = job->range_done ? awsc_malloc(XFER_IO_SIZE) : NULL;
  if (!job->hbuf)
    return awsc_error_set(x->err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  return 0;
}

static int download(xfer *x, const char *filename) {
  awsc_s3_HeadObjectRequest *hin = NULL;
  awsc_s3_GetObjectRequest *gin = NULL;
  int rc = xfer_input(x, "HeadObject", NULL, 0, true, (void **)&hin);
  rc = rc ? rc : xfer_input(x, "GetObject", NULL, 0, true, (void **)&gin);
  if (rc)
    return rc;
  const char *mode = x->verify_checksums ? "ENABLED" : NULL;
  if (mode && !hin->checksum_mode)
    hin->checksum_mode = mode;
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
  dl_verify v;
  plan_verify(x, h, &v);
  awsc_mem_free(h);
  if (lost || (v.alg < 0 && v.expected))
    return awsc_error_set(x->err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");

  dl_job job;
  memset(&job, 0, sizeof(job));
  job.base = gin;
  job.etag = etag;
  job.chunk = x->chunksize;
  job.mode = mode;
  job.v = &v;
  if (v.alg >= 0 && v.composite && (rc = plan_parts(x, &job, hin, v.composite)))
    return rc;
  job.n_ranges =
      x->total < x->threshold
          ? 1
          : (uint32_t)(x->total / job.chunk + (x->total % job.chunk != 0));
  job.hash_alg = -1;
  if (v.alg >= 0 && !v.composite)
    job.hash_alg = v.alg;
  else if (v.md5)
    job.hash_alg = AWSC_RDIG_MD5;
  if (job.hash_alg >= 0 && (rc = hash_setup(x, &job)))
    return rc;
  uint32_t most = job.part_off ? v.composite : job.n_ranges;
  size_t slots =
      (uint64_t)x->concurrency < most ? (size_t)x->concurrency : (size_t)most;
  job.wbufs = awsc_malloc((slots ? slots : 1) * DL_GATHER);
  if (!job.wbufs) {
    awsc_free(job.hbuf);
    return awsc_error_set(x->err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  }
  char *tmp = NULL;
  if ((rc = open_temp(x, filename, &tmp, &job.fd))) {
    awsc_free(job.hbuf);
    awsc_free(job.wbufs);
    return rc;
  }
  job.tmp = tmp;
  uint32_t ranges = 0;
  rc = fetch_verified(x, &job, &ranges);
  awsc_free(job.hbuf);
  awsc_free(job.wbufs);
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
