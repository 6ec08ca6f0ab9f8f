/*
 * awsc/transfer.h - managed S3 transfers: boto3's upload_file,
 * upload_fileobj, download_file and copy (s3transfer semantics).
 *
 * A transfer picks one request or a multipart transfer by size:
 *   upload   size >= multipart_threshold: CreateMultipartUpload, one
 *            UploadPart per chunk streamed from the file (never the whole
 *            file in memory), CompleteMultipartUpload; on any failure
 *            AbortMultipartUpload and the original error comes back.
 *            Below the threshold: one PutObject streamed from the file.
 *   download HeadObject (size, ETag), then GetObject into a temporary file
 *            next to the target ("TARGET.awsctmp.XXXXXXXX") renamed over
 *            the target on success: the target is never left partial.
 *            At or above the threshold the object comes in ranged GETs;
 *            every GET carries If-Match with the ETag of the HeadObject,
 *            so an object replaced mid-download fails the download.
 *   copy     HeadObject of the source (size, ETag), then CopyObject below
 *            the threshold, or a multipart copy (UploadPartCopy per range,
 *            each with CopySourceIfMatch) at or above it.
 *
 * ExtraArgs (boto3's extra_args) come in two forms. In C, the generated
 * request struct of the operation they feed, NULL = none: PutObject's for
 * uploads, GetObject's for downloads, CopyObject's for copies (zero it,
 * e.g. `struct awsc_s3_PutObjectRequest extra = {0};`, then set
 * members). For bindings and the CLI, the `_json` forms take a JSON
 * object of boto3 names ({"ACL": "public-read", "ContentType": "text/csv",
 * "Metadata": {"k": "v"}}). Only the members boto3 allows for the
 * direction may be set (see each function); any other (Bucket, Key and
 * Body included: the call sets those) is AWSC_EVALIDATION "Invalid
 * extra_args key 'X', must be one of: ..." and nothing is sent. Both forms
 * are checked as the operation's input is, then take the same path. Each
 * request of a transfer gets the ExtraArgs that apply to it, as s3transfer
 * passes them (e.g. SSECustomerKey goes to every UploadPart, ContentType
 * only to CreateMultipartUpload). The struct is only read during the call.
 *
 * Integrity (docs/integrity.md says exactly what is and is not
 * verifiable): as botocore >= 1.36 / s3transfer >= 0.11, every PutObject /
 * UploadPart carries a flexible checksum: ExtraArgs ChecksumAlgorithm
 * (CRC32, CRC32C, CRC64NVME, SHA1, SHA256), else CRC32 unless the
 * client's request_checksum_calculation is when_required; the algorithm
 * is named on CreateMultipartUpload and the part checksums are listed in
 * CompleteMultipartUpload. Over TLS a file's checksum goes in an
 * aws-chunked trailer computed as the body is sent; over http (or with
 * checksum trailers off) it is computed beforehand (one extra read of the
 * part, in 256 KiB steps, from the page cache) and sent as a header.
 * Content-MD5 only with content_md5 ON.
 * Downloads ask for the object's checksum (ChecksumMode ENABLED) and
 * verify it: a full-object one (CRC64NVME, CRC32C, CRC32, SHA1, SHA256,
 * SHA512, MD5) as one GET's body passes, or over the complete file after
 * ranged GETs; a composite one ("<b64>-<n>", multipart objects) part by
 * part, fetching each part with GET ?partNumber= (after HeadObject
 * ?partNumber=1 for the part size) and then the composite from the
 * parts' checksums. Without a checksum, the ETag of a single-part object
 * that is neither SSE-KMS nor SSE-C is its MD5: checked over the file
 * (verify_etag_md5: off by default, as botocore). A GET that fails
 * its checksum is fetched again; a whole-file check that fails fetches
 * the whole object again; after num_download_attempts the download fails
 * with AWSC_ECHECKSUM naming the object and the algorithm, the target
 * untouched and the temporary file removed.
 * Orphaned uploads (uploads and multipart copies): a
 * CreateMultipartUpload that was retried (RetryAttempts > 0, or it failed
 * after a request went out) may have made an upload whose answer was
 * lost; the transfer lists the uploads of its key (ListMultipartUploads,
 * Prefix = key) and aborts those of exactly that key initiated since the
 * transfer began (server clock, from the listing's Date, 2 s slack) that
 * it does not use; so does a failed transfer whose own abort failed or
 * whose parts met NoSuchUpload. This needs s3:ListBucketMultipartUploads;
 * without it a warning is logged and the transfer goes on.
 *
 * Parts in flight (s3transfer's max_concurrency): the parts of a
 * multipart transfer (UploadPart, ranged GET, UploadPartCopy) run as up
 * to max_concurrency concurrent requests [10] on one awsc_loop (the
 * asynchronous engine, awsc/loop.h) that the call makes for the transfer
 * and runs on the calling thread: no thread is made, every callback
 * (progress, upload_fileobj's read) runs on the calling thread, and
 * nothing runs after the call returns. With max_concurrency 1 or
 * use_threads off, one part at a time. The first failing part decides
 * the error returned; no part starts after it, the requests of the parts
 * in flight are cancelled, then the upload is aborted or the temporary
 * file removed as above. The result does not depend on the number of
 * parts in flight: the same object, ETag and part list
 * (CompleteMultipartUpload lists the parts in order). With the curl
 * transport each part in flight uses a connection of the transfer's loop
 * (opened for the transfer, closed when it ends); with another transport
 * (whose send blocks) the parts go one after the other. Several
 * transfers may run at once on different threads with the same client.
 *
 * Cancel, pause and resume: a control (awsc_s3_transfer_control, below)
 * stops a transfer from any thread; a paused multipart upload_file keeps
 * its upload on the server and leaves a resume token, which a later call
 * (config resume_token) completes, sending only the parts the server
 * does not list (ListParts).
 *
 * Memory stays bounded whatever the object size: for files the parts
 * stream from and to the file (a 256 KiB I/O buffer per part being
 * hashed; a download gathers each range's bytes into 256 KiB writes,
 * one buffer per range in flight), the part list (about 200 bytes a
 * part), and for
 * upload_fileobj min(max_concurrency, parts) part buffers (80 MiB with
 * the defaults: 10 x 8 MiB).
 */
#ifndef AWSC_TRANSFER_H
#define AWSC_TRANSFER_H

#include <stdint.h>

#include "awsc/client.h"
#include "awsc/common.h"
#include "awsc/sys/transport.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The generated request structs that carry typed ExtraArgs (awsc/s3.h
 * defines them; this header needs only their names). */
struct awsc_s3_PutObjectRequest;
struct awsc_s3_GetObjectRequest;
struct awsc_s3_CopyObjectRequest;

/*
 * Progress: bytes transferred so far and the object's size. Called after
 * each part for uploads and copies and as data arrives for downloads, on
 * the calling thread (the transfer's loop), one call at a time;
 * `bytes_done` never goes down and the last call has bytes_done ==
 * total. boto3's Callback takes the increment: keep the previous
 * bytes_done and pass the difference. A resumed upload starts from the
 * bytes of the parts already there. Return nonzero to cancel: no call
 * follows, the transfer stops (a multipart upload is aborted, a
 * download's temporary file is removed) and returns AWSC_ECANCELLED. The
 * callback may call awsc_s3_transfer_pause / _cancel on the control.
 */
typedef int (*awsc_s3_progress_fn)(uint64_t bytes_done, uint64_t total,
                                   void *user_data);

/*
 * A transfer's control: stop it from any thread, and keep what a paused
 * or failed multipart upload needs to be resumed. Make one with
 * awsc_s3_transfer_control_new, put it in the config's `control` (version
 * 3), and keep it alive until the transfer's call has returned; it may
 * serve one transfer after the other (each call clears its cancel and
 * pause requests and its resume token as it starts).
 */
typedef struct awsc_s3_transfer_control awsc_s3_transfer_control;

/* *out is the caller's: free it with awsc_s3_transfer_control_free.
 * AWSC_EINVAL (out NULL) or AWSC_ENOMEM. */
AWSC_API int awsc_s3_transfer_control_new(awsc_s3_transfer_control **out,
                                          awsc_error *err);
/* NULL is a no-op. Not while a transfer uses it. */
AWSC_API void awsc_s3_transfer_control_free(awsc_s3_transfer_control *c);
/*
 * Stop the transfer (thread-safe, async-signal-safe: one atomic store).
 * The requests in flight are cancelled (seen within 100 ms) and the call
 * returns AWSC_ECANCELLED; a multipart upload is aborted, a download's
 * temporary file removed, as after any failure. NULL is a no-op.
 */
AWSC_API void awsc_s3_transfer_cancel(awsc_s3_transfer_control *c);
/*
 * Pause a multipart upload (thread-safe, async-signal-safe): as cancel,
 * but the upload is not aborted: the parts done stay on the server and
 * awsc_s3_transfer_resume_token gives what resumes it. The call returns
 * AWSC_ECANCELLED (message "... paused"). Other transfers (downloads,
 * copies, single PutObjects) take it as a cancel.
 */
AWSC_API void awsc_s3_transfer_pause(awsc_s3_transfer_control *c);
/*
 * The resume token of the last multipart upload (upload_file only) under
 * this control that was paused, or that failed with `resumable` ON: a
 * NUL-terminated string to store as it is (JSON text: the bucket, key,
 * upload id, part size, the file's size and modification time, and each
 * finished part's number, ETag and checksum). NULL when there is none.
 * Borrowed: valid until the control is freed or serves another transfer.
 */
AWSC_API const char *
awsc_s3_transfer_resume_token(const awsc_s3_transfer_control *c);

/* boto3's TransferConfig. Zero means the default given in brackets. */
typedef struct awsc_s3_transfer_config {
  /* AWSC_S3_TRANSFER_CONFIG_VERSION of the header compiled against;
   * 1..that of the library is accepted, anything else is AWSC_EINVAL. */
  int version;
  /* Objects of at least this many bytes go multipart [8 MiB]. */
  uint64_t multipart_threshold;
  /* Part size [8 MiB]. For uploads and copies raised to 5 MiB at least
   * and doubled until the object fits in 10000 parts; downloads use it as
   * given for the size of each ranged GET. */
  uint64_t multipart_chunksize;
  /* Parts in flight at once, as concurrent requests on the calling
   * thread [10] (more than 256 is taken as 256). 1: one part after the
   * other. */
  int max_concurrency;
  /* boto3's use_threads: DEFAULT or ON = parts in flight as
   * max_concurrency says [on]; OFF = one at a time (as max_concurrency
   * 1). No thread is made either way. */
  awsc_toggle use_threads;
  /* GET attempts per range when the body arrives incomplete or is
   * restarted by a retry [5]. */
  int num_download_attempts;
  /* Content-MD5 on every PutObject / UploadPart [DEFAULT: off, the
   * flexible checksum protects the body; ON: also a Content-MD5]. */
  awsc_toggle content_md5;
  awsc_s3_progress_fn progress; /* optional */
  void *progress_user_data;
  /* Version 2. Downloads verify the object's checksums [on]: its
   * full-object checksum (CRC64NVME, CRC32C, CRC32, SHA1, SHA256, SHA512,
   * MD5) over the whole file, a composite one ("<b64>-<n>") part by part
   * (each part fetched with GET ?partNumber=). The requests carry
   * ChecksumMode ENABLED. OFF: no check beyond what the client's
   * response_checksum_validation does for each GET. */
  awsc_toggle verify_checksums;
  /* Version 2. Downloads check the ETag as the MD5 of the bytes when it
   * is one (a single-part object: 32 hex digits, no "-N", neither SSE-KMS
   * nor SSE-C) and no checksum is verified [DEFAULT: as the client's
   * verify_etag_md5 (awsc/client.h; off unless configured, as botocore);
   * ON: always; OFF: never]. */
  awsc_toggle verify_etag_md5;
  /* Version 3. Cancel, pause and the resume token (NULL: none). */
  awsc_s3_transfer_control *control;
  /* Version 3. upload_file: a multipart upload that fails keeps its
   * upload (not aborted) and leaves a resume token in `control` [OFF:
   * aborted as s3transfer does]. A pause always keeps it. */
  awsc_toggle resumable;
  /* Version 3. upload_file: resume the upload this token (from
   * awsc_s3_transfer_resume_token) describes instead of starting one. The
   * file must have the size and modification time it had; the parts the
   * server still lists (ListParts) with the token's ETags are not sent
   * again, the others are, then CompleteMultipartUpload. A token of
   * another bucket, key or file, or an upload gone, is AWSC_EINVAL /
   * the service's NoSuchUpload. NULL: a new upload. */
  const char *resume_token;
} awsc_s3_transfer_config;

#define AWSC_S3_TRANSFER_CONFIG_VERSION 3
#define AWSC_S3_TRANSFER_CONFIG_INIT                                           \
  {                                                                            \
    AWSC_S3_TRANSFER_CONFIG_VERSION, 8388608, 8388608, 10, AWSC_TOGGLE_ON, 5,  \
        AWSC_TOGGLE_DEFAULT, NULL, NULL, AWSC_TOGGLE_DEFAULT,                  \
        AWSC_TOGGLE_DEFAULT, NULL, AWSC_TOGGLE_DEFAULT, NULL                   \
  }

/* The source of a managed copy (boto3's CopySource dict). */
typedef struct awsc_s3_copy_source {
  const char *bucket;
  const char *key;
  const char *version_id; /* NULL = the current version */
} awsc_s3_copy_source;

/*
 * What a transfer did. Caller-owned storage (no allocation); zero it or
 * let the call do so. Filled on success only.
 */
typedef struct awsc_s3_transfer_result {
  uint64_t size; /* bytes of the object */
  /* Parts uploaded or copied, or ranged GETs made; 0 when one request
   * (PutObject, CopyObject, a plain GetObject) did it. */
  uint32_t parts;
  /* 1 when `e_tag` was computed here rather than returned by the service:
   * S3's multipart ETag ("MD5-of-part-MD5s-N") derived from the parts'
   * ETags because the CompleteMultipartUpload response had none (Ceph
   * RGW sends an empty one). */
  int e_tag_computed;
  char e_tag[128];      /* with its quotes, as S3 sends it; "" unknown */
  char version_id[256]; /* "" when the bucket is not versioned */
} awsc_s3_transfer_result;

/*
 * Upload a local file to s3://bucket/key (boto3's upload_file).
 * result may be NULL. extra_args: NULL or a PutObject request with any of
 * acl, cache_control, checksum_algorithm, content_disposition,
 * content_encoding, content_language, content_type,
 * expected_bucket_owner, expires, grant_full_control, grant_read,
 * grant_read_acp, grant_write_acp, metadata, object_lock_legal_hold_status,
 * object_lock_mode, object_lock_retain_until_date, request_payer,
 * server_side_encryption, storage_class, sse_customer_algorithm,
 * sse_customer_key, sse_customer_key_md5, ssekms_key_id,
 * ssekms_encryption_context, tagging, website_redirect_location set
 * (boto3's ALLOWED_UPLOAD_ARGS). config NULL = defaults.
 * Errors: AWSC_EINVAL (NULL argument, bad config, not an S3 client),
 * AWSC_EVALIDATION (ExtraArgs), AWSC_EIO (file cannot be read),
 * AWSC_EUNSUPPORTED (a ChecksumAlgorithm other than CRC32, CRC32C,
 * SHA256), AWSC_ECANCELLED, and whatever the requests return (AWSC_ESERVICE
 * with err filled, AWSC_ENETWORK, ...).
 */
AWSC_API int
awsc_s3_upload_file(awsc_s3_transfer_result *result, awsc_client *client,
                    const char *filename, const char *bucket, const char *key,
                    const struct awsc_s3_PutObjectRequest *extra_args,
                    const awsc_s3_transfer_config *config, awsc_error *err);

/*
 * awsc_s3_upload_file with ExtraArgs as JSON text: NULL, "", "null" or an
 * object of boto3 names: ACL, CacheControl, ChecksumAlgorithm,
 * ContentDisposition, ContentEncoding, ContentLanguage, ContentType,
 * ExpectedBucketOwner, Expires, GrantFullControl, GrantRead, GrantReadACP,
 * GrantWriteACP, Metadata, ObjectLockLegalHoldStatus, ObjectLockMode,
 * ObjectLockRetainUntilDate, RequestPayer, ServerSideEncryption,
 * StorageClass, SSECustomerAlgorithm, SSECustomerKey, SSECustomerKeyMD5,
 * SSEKMSKeyId, SSEKMSEncryptionContext, Tagging, WebsiteRedirectLocation.
 * Values are type-checked as awsc_call_json checks parameters.
 */
AWSC_API int awsc_s3_upload_file_json(awsc_s3_transfer_result *result,
                                      awsc_client *client, const char *filename,
                                      const char *bucket, const char *key,
                                      const char *extra_args_json,
                                      const awsc_s3_transfer_config *config,
                                      awsc_error *err);

/*
 * Upload exactly `size` bytes produced by `read` (boto3's upload_fileobj
 * with a stream of known length). `read` is called on this thread only,
 * one call at a time, in order, never after the call returns. Each part
 * is read into a buffer of the part size before it is sent (so that it
 * can be hashed and retried); below the multipart threshold that is the
 * whole object. A part is read when it starts, in order, into a buffer
 * of its slot (at most min(max_concurrency, parts) buffers: memory is
 * max_concurrency x part size at most, 10 x 8 MiB = 80 MiB with the
 * defaults); the other parts' requests wait while it is read. A pause is
 * a cancel here (a stream cannot be resumed).
 * After a failure nothing more is read. A read that ends early or returns
 * a negative status fails the upload (AWSC_EBODY or that status).
 * Otherwise as awsc_s3_upload_file.
 */
AWSC_API int
awsc_s3_upload_fileobj(awsc_s3_transfer_result *result, awsc_client *client,
                       awsc_read_fn read, void *user_data, uint64_t size,
                       const char *bucket, const char *key,
                       const struct awsc_s3_PutObjectRequest *extra_args,
                       const awsc_s3_transfer_config *config, awsc_error *err);

/* awsc_s3_upload_fileobj with ExtraArgs as JSON text (as
 * awsc_s3_upload_file_json). */
AWSC_API int awsc_s3_upload_fileobj_json(awsc_s3_transfer_result *result,
                                         awsc_client *client, awsc_read_fn read,
                                         void *user_data, uint64_t size,
                                         const char *bucket, const char *key,
                                         const char *extra_args_json,
                                         const awsc_s3_transfer_config *config,
                                         awsc_error *err);

/*
 * Download s3://bucket/key to `filename` (boto3's download_file). The
 * file appears only when the whole object has arrived; on failure
 * nothing is left behind and an existing file of that name is untouched.
 * extra_args: NULL or a GetObject request with any of checksum_mode,
 * version_id, sse_customer_algorithm, sse_customer_key,
 * sse_customer_key_md5, request_payer, expected_bucket_owner set
 * (boto3's ALLOWED_DOWNLOAD_ARGS).
 * An object changed during the download fails with AWSC_ESERVICE,
 * service_code "PreconditionFailed". Other errors as awsc_s3_upload_file
 * (AWSC_EIO for the local file).
 */
AWSC_API int
awsc_s3_download_file(awsc_s3_transfer_result *result, awsc_client *client,
                      const char *bucket, const char *key, const char *filename,
                      const struct awsc_s3_GetObjectRequest *extra_args,
                      const awsc_s3_transfer_config *config, awsc_error *err);

/* awsc_s3_download_file with ExtraArgs as JSON text: ChecksumMode,
 * VersionId, SSECustomerAlgorithm, SSECustomerKey, SSECustomerKeyMD5,
 * RequestPayer, ExpectedBucketOwner. */
AWSC_API int awsc_s3_download_file_json(awsc_s3_transfer_result *result,
                                        awsc_client *client, const char *bucket,
                                        const char *key, const char *filename,
                                        const char *extra_args_json,
                                        const awsc_s3_transfer_config *config,
                                        awsc_error *err);

/*
 * Managed copy of `source` to s3://bucket/key (boto3's copy).
 * extra_args: NULL or a CopyObject request with the upload members (see
 * awsc_s3_upload_file) and copy_source_if_match,
 * copy_source_if_modified_since, copy_source_if_none_match,
 * copy_source_if_unmodified_since, copy_source_sse_customer_algorithm,
 * copy_source_sse_customer_key, copy_source_sse_customer_key_md5,
 * metadata_directive, tagging_directive set (boto3's ALLOWED_COPY_ARGS;
 * copy_source itself comes from `source`).
 * A multipart copy keeps the source's ContentType, CacheControl,
 * ContentDisposition, ContentEncoding, ContentLanguage, Expires and
 * Metadata unless ExtraArgs set them or MetadataDirective is REPLACE, so
 * that large and small copies agree (CopyObject's default "COPY");
 * boto3's multipart copy drops them. Tags are not carried over by a
 * multipart copy. Errors as awsc_s3_upload_file.
 */
AWSC_API int awsc_s3_copy(awsc_s3_transfer_result *result, awsc_client *client,
                          const awsc_s3_copy_source *source, const char *bucket,
                          const char *key,
                          const struct awsc_s3_CopyObjectRequest *extra_args,
                          const awsc_s3_transfer_config *config,
                          awsc_error *err);

/* awsc_s3_copy with ExtraArgs as JSON text: the upload names (see
 * awsc_s3_upload_file_json) plus CopySourceIfMatch,
 * CopySourceIfModifiedSince, CopySourceIfNoneMatch,
 * CopySourceIfUnmodifiedSince, CopySourceSSECustomerAlgorithm,
 * CopySourceSSECustomerKey, CopySourceSSECustomerKeyMD5,
 * MetadataDirective, TaggingDirective. */
AWSC_API int
awsc_s3_copy_json(awsc_s3_transfer_result *result, awsc_client *client,
                  const awsc_s3_copy_source *source, const char *bucket,
                  const char *key, const char *extra_args_json,
                  const awsc_s3_transfer_config *config, awsc_error *err);

/*
 * The transfers through boto3-shaped JSON (the CLI's door):
 *   "upload_file"   {"Filename", "Bucket", "Key", "ExtraArgs", "Config"}
 *   "download_file" {"Bucket", "Key", "Filename", "ExtraArgs", "Config"}
 *   "copy"          {"CopySource": {"Bucket", "Key", "VersionId"},
 *                    "Bucket", "Key", "ExtraArgs", "Config"}
 * "Config" (optional) holds TransferConfig fields: multipart_threshold,
 * multipart_chunksize, max_concurrency, use_threads (false: one part at
 * a time), num_download_attempts, verify_checksums, verify_etag_md5,
 * resumable (booleans, as the fields of that name), resume_token (a
 * string); they override `config` (NULL = defaults), whose progress
 * callback and control are kept. On success *json_out is
 * {"Bucket", "Key", ["Filename",] "Size", "Parts", "ETag"[, "VersionId"]}
 * (free it with awsc_mem_free). Errors: AWSC_ENOTFOUND (no such transfer
 * operation), AWSC_EVALIDATION (missing, unknown or mistyped parameter),
 * then as the function called.
 */
AWSC_API int awsc_s3_transfer_json(char **json_out, awsc_client *client,
                                   const char *operation,
                                   const char *params_json,
                                   const awsc_s3_transfer_config *config,
                                   awsc_error *err);

#ifdef __cplusplus
}
#endif

#endif
