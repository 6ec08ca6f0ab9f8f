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
 * transfer runs up to max_concurrency of them at once as requests on one
 * awsc_loop on the calling thread (xfer_run_parts, parts.c): a part's
 * start function sends its request on x->loop and its completion calls
 * xfer_slot_done. The first failure (copied into the caller's
 * awsc_error; each part works with its own) stops the handing out of
 * parts and cancels the requests in flight. x->lock guards the failure,
 * the byte count and the progress callback, and strings kept in the
 * arena: everything runs on the calling thread now, but a cancel may be
 * asked from another.
 */
#ifndef AWSC_TRANSFER_INTERNAL_H
#define AWSC_TRANSFER_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "awsc/loop.h"
#include "awsc/s3.h"

#include "auth/checksum.h"
#include "awsc/transfer.h"
#include "core/core.h"
#include "runtime/descriptor.h"
#include "runtime/value.h"
#include "transfer/control.h"

#define XFER_MIB ((uint64_t)1 << 20)
#define XFER_MIN_PART (5 * XFER_MIB)
#define XFER_MAX_PART ((uint64_t)5 << 30)
#define XFER_MAX_PARTS 10000
#define XFER_IO_SIZE (256 * 1024)
#define XFER_DEFAULT_CONCURRENCY 10 /* s3transfer's max_concurrency */
#define XFER_MAX_THREADS 256        /* a larger max_concurrency is cut */
#define XFER_CANCEL_POLL_MS 100     /* a cancel flag is seen this late */

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
  bool verify_checksums;    /* downloads: the object's checksums */
  bool verify_etag_md5;     /* downloads: a single-part object's ETag */
  int64_t start_ms;         /* local clock when the transfer began */
  int concurrency;          /* parts in flight of a multipart transfer */
  awsc_loop *loop;          /* the parts' loop, while xfer_run_parts runs */
  const atomic_int *cancel; /* set from any thread: stop, or NULL */
  awsc_s3_transfer_control *control; /* the config's, or NULL */
  bool resumable;                    /* a failed multipart upload is kept */
  const char *resume_token;          /* upload_file: resume this upload */
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

/* Whether a cancel or pause was asked (x->cancel), a pause, and record
 * it as the failure (AWSC_ECANCELLED). */
bool xfer_cancel_asked(const xfer *x);
bool xfer_pause_asked(const xfer *x);
int xfer_cancelled(xfer *x, awsc_error *err);

/* One part in flight of a multipart transfer (xfer_run_parts). */
typedef struct xfer_run xfer_run;
typedef struct xfer_slot {
  xfer_run *run;
  xfer *x;
  void *ctx;  /* xfer_run_parts' */
  int k;      /* the slot's number, 0 .. parts in flight - 1 */
  uint32_t i; /* the part (0-based) */
  bool busy;
  awsc_request *req; /* the part's request in flight (for cancel), or NULL */
  awsc_error err;    /* the part's own error (never x->err) */
  void *state;       /* state_size bytes of the kind's, zeroed once: kept
                        from part to part of the slot */
} xfer_slot;
/* Start part s->i on x->loop: 0 when a request is in flight (its
 * completion ends with xfer_slot_done), else a failure (s->err filled). */
typedef int (*xfer_part_start_fn)(xfer *x, void *ctx, xfer_slot *s);
/* The part of slot s is over: rc 0, or a failure with s->err filled
 * (the first one becomes the transfer's; the others' requests are then
 * cancelled). Starts the next part in the slot. */
void xfer_slot_done(xfer_slot *s, int rc);
/*
 * Run every part in [0, n) with up to x->concurrency in flight on a loop
 * of this call's (x->loop meanwhile), on the calling thread. 0, or the
 * first failure (x->err filled as xfer_fail says).
 */
int xfer_run_parts(xfer *x, uint32_t n, xfer_part_start_fn start, void *ctx,
                   size_t state_size);
/* The S3 service's generated descriptor of `operation` (the typed
 * structs' layout), or NULL when S3 is not built in. */
const awsc_operation *xfer_s3_op(const char *operation,
                                 const awsc_service **svc);
/* Start the typed S3 `operation` on x->loop for slot s (its request goes
 * into s->req), with a sink for a streaming output (NULL: none) and
 * awsc_invoke_typed_ex's flags. */
int xfer_start_typed(xfer *x, xfer_slot *s, const char *operation,
                     const void *in, const awsc_body_sink *sink, unsigned flags,
                     awsc_typed_done_fn done);

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
/* Digest of `len` bytes of fd from `offset` (pread in XFER_IO_SIZE
 * steps through *buf, allocated here at the first call and kept for the
 * next ones: the caller frees it): the MD5 when x->md5, the checksum
 * unless it goes in a trailer. AWSC_EIO with err filled when the file is
 * short, AWSC_ENOMEM. */
int xfer_digest_fd(xfer *x, int fd, const char *path, uint64_t offset,
                   uint64_t len, uint8_t **buf, xfer_digest *d,
                   awsc_error *err);

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

/* A multipart upload's plan and outcome as a resume token holds it. */
typedef struct xfer_upload_plan {
  const char *upload_id;
  uint64_t part_size;
  uint32_t n;
  int64_t mtime_ns;             /* the file's modification time */
  awsc_s3_CompletedPart *parts; /* [n] */
  const char **etags;           /* [n]: NULL = the part is not done */
} xfer_upload_plan;
/* The resume token of the plan's done parts into x->control (nothing
 * without one). 0 or AWSC_ENOMEM (logged; the upload is kept anyway). */
int xfer_resume_token_make(xfer *x, const xfer_upload_plan *p);
/* Plan a resumed upload from x->resume_token for the file of x->total
 * bytes and p->mtime_ns: p's upload id, part size, n, and the parts the
 * server lists as the token has them (etags[i] set), in x->arena.
 * AWSC_EINVAL (a token that does not fit), or ListParts' failure. */
int xfer_resume_load(xfer *x, xfer_upload_plan *p);

/* "bucket/key[?versionId=v]" with the key percent-encoded as botocore
 * sends CopySource. Arena string or NULL. */
const char *xfer_copy_source_header(awsc_arena *a, const char *bucket,
                                    const char *key, const char *version_id);

#endif
