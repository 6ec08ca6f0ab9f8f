/*
 * lib/transfer/transfer_internal.h - internal: what the managed transfers
 * (upload.c, download.c, copy.c, transfer_json.c) share (xfer.c).
 *
 * A transfer validates its ExtraArgs once, as the input of its "main"
 * operation (PutObject, GetObject, CopyObject: each has every allowed
 * name as a member), and keeps the result as a value tree. Each request
 * then takes the members that apply to it (s3transfer's filter lists)
 * turned into the generated typed input struct, so the requests go
 * through the typed S3 functions like any caller's.
 *
 * Parts are planned up front and each one is done by a function of its
 * index that writes only its own slots (parts[i], etags[i]); a multipart
 * transfer hands the indices to up to max_concurrency threads (the
 * caller's among them) through an atomic counter (xfer_run_parts). What
 * the parts share goes through x->lock: the first failure (copied into
 * the caller's awsc_error; each part works with its own), the byte count
 * and the progress callback (called under the lock: one call at a time,
 * never going down), and strings kept in the arena. After the first
 * failure no part is started; those in flight finish (a download's stop
 * at their next chunk of body).
 */
#ifndef AWSC_TRANSFER_INTERNAL_H
#define AWSC_TRANSFER_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "awsc/s3.h"

#include "auth/checksum.h"
#include "awsc/transfer.h"
#include "core/core.h"
#include "runtime/value.h"

#define XFER_MIB ((uint64_t)1 << 20)
#define XFER_MIN_PART (5 * XFER_MIB)
#define XFER_MAX_PART ((uint64_t)5 << 30)
#define XFER_MAX_PARTS 10000
#define XFER_IO_SIZE (256 * 1024)
#define XFER_DEFAULT_CONCURRENCY 10 /* s3transfer's max_concurrency */
#define XFER_MAX_THREADS 256        /* a larger max_concurrency is cut */

/* An ExtraArgs name as one request takes it: `from` in ExtraArgs becomes
 * member `to` of the request (NULL = same name). */
typedef struct xfer_arg {
  const char *from;
  const char *to;
} xfer_arg;

/* Checksum algorithms a transfer computes itself (ChecksumAlgorithm). */
typedef enum xfer_alg {
  XFER_ALG_NONE = 0,
  XFER_ALG_CRC32,
  XFER_ALG_CRC32C,
  XFER_ALG_SHA256,
  XFER_ALG_CRC64NVME,
  XFER_ALG_SHA1
} xfer_alg;

/* The flexible checksum member of any struct that has the three. */
#define SET_CHECKSUM(s, alg, v)                                                \
  do {                                                                         \
    if ((alg) == XFER_ALG_CRC32)                                               \
      (s)->checksum_crc32 = (v);                                               \
    else if ((alg) == XFER_ALG_CRC32C)                                         \
      (s)->checksum_crc32_c = (v);                                             \
    else if ((alg) == XFER_ALG_SHA256)                                         \
      (s)->checksum_sha256 = (v);                                              \
    else if ((alg) == XFER_ALG_CRC64NVME)                                      \
      (s)->checksum_crc64_nvme = (v);                                          \
    else if ((alg) == XFER_ALG_SHA1)                                           \
      (s)->checksum_sha1 = (v);                                                \
  } while (0)
/* ...and the value of that member. */
#define GET_CHECKSUM(s, alg)                                                   \
  ((alg) == XFER_ALG_CRC32       ? (s)->checksum_crc32                         \
   : (alg) == XFER_ALG_CRC32C    ? (s)->checksum_crc32_c                       \
   : (alg) == XFER_ALG_SHA256    ? (s)->checksum_sha256                        \
   : (alg) == XFER_ALG_CRC64NVME ? (s)->checksum_crc64_nvme                    \
   : (alg) == XFER_ALG_SHA1      ? (s)->checksum_sha1                          \
                                 : NULL)

/* Content-MD5 and flexible checksum of one stretch of bytes, base64. */
typedef struct xfer_digest {
  char md5[32];
  char checksum[AWSC_CKSUM_B64_MAX];
} xfer_digest;

/* Incremental form of the above (the checksums are lib/auth's). */
typedef struct xfer_hasher {
  bool md5_on;
  xfer_alg alg;
  awsc_md5_ctx md5;
  awsc_checksum ck;
} xfer_hasher;

typedef struct xfer {
  awsc_client *client;
  awsc_error *err; /* the caller's, or local_err: never NULL */
  awsc_error local_err;
  awsc_arena *arena; /* everything of this transfer */
  const char *what;  /* "upload_file", ... for messages */
  const char *bucket, *key;
  awsc_value args; /* Bucket, Key, [CopySource], ExtraArgs */
  /* configuration, defaults applied */
  uint64_t threshold, chunksize;
  int attempts;
  bool md5;             /* Content-MD5 (content_md5 ON only) */
  xfer_alg alg;         /* flexible checksum of uploads, or NONE */
  const char *alg_name; /* ChecksumAlgorithm as given (or defaulted), NULL */
  /* uploads: the engine sends file bodies' checksums in an aws-chunked
   * trailer (TLS), so the transfer does not compute them beforehand */
  bool alg_trailer;
  awsc_s3_progress_fn progress;
  void *progress_ud;
  bool verify_checksums; /* downloads: the object's checksums */
  bool verify_etag_md5;  /* downloads: a single-part object's ETag */
  int64_t start_ms;      /* local clock when the transfer began */
  int concurrency;       /* threads for the parts of a multipart transfer */
  uint64_t total;
  awsc_s3_transfer_result *result;
  /* shared by the parts' threads */
  pthread_mutex_t lock;
  bool lock_ready;
  atomic_bool failed; /* set (under lock) with the first failure */
  int rc;             /* that failure's status */
  uint64_t done;      /* bytes done, as reported to the progress callback */
} xfer;

/* Lists of boto3 (s3transfer) allowed ExtraArgs names. */
extern const char *const xfer_upload_args[];
extern const size_t xfer_upload_args_n;
extern const char *const xfer_download_args[];
extern const size_t xfer_download_args_n;
extern const char *const xfer_copy_args[];
extern const size_t xfer_copy_args_n;

/* The ExtraArgs of a transfer in either of its public forms (both NULL
 * or a NULL pointer to this: none). */
typedef struct xfer_extra {
  const char *json;  /* a JSON object of boto3 names */
  const void *typed; /* the main operation's generated input struct */
} xfer_extra;

/*
 * Start a transfer: check the client and arguments, apply the config,
 * check the ExtraArgs names against `allowed` and validate them (with
 * Bucket, Key and, when not NULL, CopySource) as the input of `main_op`.
 * Both forms of ExtraArgs end as the same value in x->args. On failure x
 * is cleaned up and err filled.
 */
int xfer_begin(xfer *x, awsc_client *client, const char *what,
               const char *main_op, const char *bucket, const char *key,
               const char *copy_source, const xfer_extra *extra,
               const char *const *allowed, size_t n_allowed,
               const awsc_s3_transfer_config *config,
               awsc_s3_transfer_result *result, awsc_error *err);
void xfer_end(xfer *x);

/*
 * The typed input struct of operation `op` (e.g. "UploadPart") from the
 * validated arguments: with exclude false, only the names in `sel`
 * (renamed as they say); with exclude true, every argument except those
 * named. Bucket and Key (the destination) are always included unless
 * excluded; members the operation does not have are left out. The struct
 * lives in x->arena; the caller sets the per-request fields on it.
 */
int xfer_input(xfer *x, const char *op, const xfer_arg *sel, size_t n,
               bool exclude, void **out);

/* A string argument (ExtraArgs member, Bucket, Key) or NULL. */
const char *xfer_arg_str(const xfer *x, const char *name);

/* Part size for an upload/copy of `size` bytes (s3transfer's
 * ChunksizeAdjuster: at least 5 MiB, at most 5 GiB, <= 10000 parts). */
uint64_t xfer_part_size(uint64_t chunksize, uint64_t size);

/* `bytes` more are done: report the new total to the progress callback
 * (serialized, monotonic; not called any more once the transfer failed).
 * AWSC_ECANCELLED (err filled) when the callback asks. */
int xfer_progress_add(xfer *x, uint64_t bytes, awsc_error *err);

/* Record a failure: the first one's status and error (err, which may be
 * x->err) become the transfer's, later ones are dropped. Returns rc. */
int xfer_fail(xfer *x, int rc, const awsc_error *err);
static inline bool xfer_failed(xfer *x) {
  return atomic_load_explicit(&x->failed, memory_order_acquire);
}
/* awsc_arena_strdup into x->arena under the lock (from a part's thread).
 * NULL for NULL or out of memory. */
const char *xfer_strdup(xfer *x, const char *s);

/* One part of a multipart transfer: i is 0-based; err is the part's own
 * (never x->err); only the part's own slots may be written. */
typedef int (*xfer_part_fn)(xfer *x, void *ctx, uint32_t i, awsc_error *err);
/*
 * Run fn for every i in [0, n) on min(x->concurrency, n) threads: the
 * caller's plus new ones (none when that is 1; fewer when pthread_create
 * fails), which are joined before this returns. 0, or the first failure
 * (x->err filled as xfer_fail says).
 */
int xfer_run_parts(xfer *x, uint32_t n, xfer_part_fn fn, void *ctx);
/* Start up to `want` threads running fn(arg) with every signal blocked
 * (signals stay with the caller's threads); how many started. */
int xfer_threads_start(pthread_t *threads, int want, void *(*fn)(void *),
                       void *arg);
void xfer_threads_join(pthread_t *threads, int n);

/*
 * The integrity of an upload's requests, as botocore >= 1.36 and
 * s3transfer >= 0.11: ChecksumAlgorithm as given, else CRC32 unless the
 * client's request_checksum_calculation is when_required; Content-MD5
 * only when the config turns it ON. Sets x->alg, x->alg_name and
 * x->alg_trailer (the engine puts a streamed body's checksum in a trailer:
 * TLS, or trailers forced over http, and not switched off).
 */
void xfer_upload_checksums(xfer *x);

void xfer_hasher_init(xfer_hasher *h, bool md5, xfer_alg alg);
void xfer_hasher_update(xfer_hasher *h, const void *p, size_t n);
void xfer_hasher_final(xfer_hasher *h, xfer_digest *d);
/* Digest of `len` bytes of fd from `offset` (pread, XFER_IO_SIZE steps
 * through a buffer of its own): the MD5 when x->md5, the checksum unless
 * it goes in a trailer. AWSC_EIO with err filled when the file is short,
 * AWSC_ENOMEM. */
int xfer_digest_fd(xfer *x, int fd, const char *path, uint64_t offset,
                   uint64_t len, xfer_digest *d, awsc_error *err);

/* Fill x->result (when given). */
void xfer_result(xfer *x, uint64_t size, uint32_t parts, const char *e_tag,
                 const char *version_id, bool computed);
/* S3's ETag of a multipart object from its parts' ETags ("\"hex-N\""),
 * into out (>= 48 bytes). false when a part ETag is not an MD5 (e.g.
 * SSE-KMS objects), out then "". */
bool xfer_multipart_etag(const char *const *part_etags, size_t n, char *out,
                         size_t out_size);

/* CompleteMultipartUpload of x->bucket/x->key with the parts (in order,
 * etags[i] the ETag of parts[i]) and fill x->result. */
int xfer_complete(xfer *x, const char *upload_id,
                  const awsc_s3_CompletedPart *parts, const char **etags,
                  uint32_t n);

/* Abort a multipart upload after a failure; the original error in x->err
 * is kept (the abort's own error is only logged; returned: 0 = gone). Up to
 * XFER_ABORT_ROUNDS calls (each with the client's retries) while the failure is
 * transient; NoSuchUpload after a resend counts as done. */
#define XFER_ABORT_ROUNDS 3
/* A failure that a later call may not meet: network, timeout, damaged
 * answer, 5xx, 429. */
bool xfer_transient(int rc, const awsc_error *err);
int xfer_abort(xfer *x, const char *bucket, const char *key,
               const char *upload_id);

/*
 * Abort the multipart uploads of x->key other than `keep` (NULL: all)
 * that were initiated since the transfer began: those a retried
 * CreateMultipartUpload made when an earlier attempt's answer was lost.
 * Found with ListMultipartUploads (Prefix = the key, exact key match,
 * Initiated at or after the transfer's start in the server's clock, from
 * the listing's Date, less XFER_STRAY_SLACK_MS). x->err is kept; what
 * fails here is only logged.
 */
void xfer_abort_strays(xfer *x, const char *keep);
/*
 * CreateMultipartUpload of x->bucket/x->key with `in`: *upload_id (in
 * x->arena) or a failure in x->err. A call that was retried, or failed
 * after a request went out, is followed by xfer_abort_strays.
 */
int xfer_create_upload(xfer *x, const awsc_s3_CreateMultipartUploadRequest *in,
                       const char **upload_id);
/* After the failure rc of the multipart upload upload_id: abort it, and
 * sweep (xfer_abort_strays) when that abort failed or rc is NoSuchUpload
 * (the UploadId received is not the one the server made). */
void xfer_abort_mine(xfer *x, const char *upload_id, int rc);
#define XFER_STRAY_SLACK_MS 2000
/* Without a Date in the listing's answer: the local clock, less this. */
#define XFER_STRAY_NO_DATE_SLACK_MS (5 * 60 * 1000)

/* "bucket/key[?versionId=v]" with the key percent-encoded as botocore
 * sends CopySource. Arena string or NULL. */
const char *xfer_copy_source_header(awsc_arena *a, const char *bucket,
                                    const char *key, const char *version_id);

#endif
