/*
 * A small in-memory S3 behind the transport interface, for the managed
 * transfer tests: one bucket's objects, multipart uploads (create, parts,
 * complete, abort, part copies), PutObject, CopyObject, HeadObject and
 * GetObject with Range and If-Match. Request bodies are read the way the
 * real transport reads them (FILE from path + offset, MEMORY, CALLBACK)
 * and Content-MD5 and the x-amz-checksum-crc32 / -crc32c / -crc64nvme
 * headers are checked (BadDigest) and the checksum echoed, as S3 does;
 * response bodies go to the request's sink.
 * Every request is recorded; failures can be injected.
 *
 * Thread-safe as a transport must be: the state is under `lock`, while
 * request bodies are read, delays slept and response bodies delivered
 * outside it, so concurrent requests overlap as on a real server; the
 * fake counts how many are in flight at once.
 */
#ifndef AWSC_TEST_FAKE_S3_H
#define AWSC_TEST_FAKE_S3_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "awsc/sys/transport.h"

#define FS3_MAX_REQ 256
#define FS3_MAX_OBJ 8
#define FS3_MAX_UPLOADS 8
#define FS3_MAX_PARTS 32

typedef struct fs3_req {
  char method[8];
  char key[256];   /* decoded */
  char query[256]; /* as sent */
  int part_number; /* from the query, 0 when none */
  bool has_upload_id;
  int body_kind;          /* awsc_body_kind */
  uint64_t body_len;      /* bytes read from the body */
  int64_t content_length; /* body.content_length for FILE/CALLBACK */
  bool flipped;           /* its answer's body had a byte flipped */
  char h_content_length[24];
  char h_content_md5[40];
  char h_checksum_crc32[16];
  char h_checksum_crc32c[16];
  char h_checksum_crc64[24];   /* x-amz-checksum-crc64nvme */
  char h_sdk_algorithm[16];    /* x-amz-sdk-checksum-algorithm */
  char h_create_algorithm[16]; /* x-amz-checksum-algorithm (create) */
  char h_trailer[32];          /* x-amz-trailer */
  char h_range[64];
  char h_if_match[80];
  char h_copy_source[256];
  char h_copy_range[64];
  char h_copy_if_match[80];
  char h_content_type[64];
  char h_acl[32];
  char h_meta[128];              /* "name=value;" for each x-amz-meta-* */
  char h_sse_c_key[64];          /* x-amz-server-side-encryption-customer-key */
  char h_checksum_mode[16];      /* x-amz-checksum-mode */
  char complete_etags[2048];     /* CompleteMultipartUpload: "e1,e2,..." */
  char complete_parts[256];      /* ...and its part numbers: "1,2,..." */
  char complete_checksums[1024]; /* ...and <Checksum*> values: "c1,c2,..." */
  int status; /* what the fake answered (0: transport error) */
  /* the order the request's head reached the HTTP server in (1, 2, ...;
   * 0 when it came another way): the order the client sent in, where
   * the log's order is the order the bodies were read in */
  uint64_t arrival;
} fs3_req;

typedef struct fs3_obj {
  char key[256];
  uint8_t *data;
  size_t len;
  char etag[80]; /* with quotes */
  char content_type[64];
  char meta[128]; /* "name=value;" */
  /* checksums, sent when asked with x-amz-checksum-mode: ENABLED (not
   * with a Range, as S3) */
  char ck_header[40]; /* "x-amz-checksum-crc32", ... or "" */
  char ck_value[128]; /* full-object, or composite "<b64>-N" */
  int n_parts;        /* a multipart object: GET/HEAD ?partNumber= */
  size_t part_size;   /* every part's but the last (and the first...) */
  size_t first_part;  /* ...when not 0: set before fs3_set_parts */
  char part_ck[FS3_MAX_PARTS + 1][96]; /* composite: each part's checksum */
  bool sse_kms; /* answers carry x-amz-server-side-encryption */
} fs3_obj;

typedef struct fs3_part {
  uint8_t *data;
  size_t len;
  char etag[40];
} fs3_part;

typedef struct fs3_upload {
  char id[16];
  char key[256];
  char content_type[64];
  char meta[128];
  int64_t initiated_ms;              /* wall clock */
  fs3_part parts[FS3_MAX_PARTS + 1]; /* by part number */
  bool done;                         /* completed or aborted */
} fs3_upload;

typedef struct fake_s3 {
  awsc_transport base;
  pthread_mutex_t lock;
  fs3_req req[FS3_MAX_REQ];
  int n_req;
  fs3_obj obj[FS3_MAX_OBJ];
  fs3_upload up[FS3_MAX_UPLOADS];
  int n_up;
  int aborts;
  /* failure injection */
  int fail_at;     /* 1-based request number answered with... */
  int fail_status; /* ...this status and fail_code (403 = no retry) */
  const char *fail_code;
  int break_get_at;        /* this request (a GET) breaks off mid-body */
  int break_get_times;     /* ...this many times in a row */
  bool rgw_empty_etag;     /* CompleteMultipartUpload without an ETag */
  bool replace_after_head; /* a HEAD changes the object's ETag afterwards */
  bool ignore_if_match;    /* a server that does not check If-Match */
  int fail_part;           /* UploadPart(Copy) of this part number and... */
  const char *fail_range;  /* ...a GET with this Range fail as fail_at */
  int delay_ms;   /* parts and ranged GETs take this long (outside the lock) */
  int flip_next;  /* the next this many GET bodies get one byte flipped */
  int flip_part;  /* ...only GETs of this part number (0: any GET) */
  int fail_abort; /* this many AbortMultipartUpload answer 503 first */
  bool damage_upload_id; /* CreateMultipartUpload answers a wrong id */
  const size_t *pieces;  /* GET bodies go to a callback sink in pieces of */
  size_t n_pieces;       /* these sizes in turn (none: 64 KiB each) */
  int lose_create;       /* this many CreateMultipartUpload act, then the
                            connection resets before the answer */
  /* concurrency seen */
  int in_flight, max_in_flight; /* requests inside send at once */
  int max_threads; /* most threads in the process during a request */
} fake_s3;

void fs3_init(fake_s3 *f);
void fs3_cleanup(fake_s3 *f);
/* Store an object (copied). */
void fs3_put(fake_s3 *f, const char *key, const void *data, size_t len,
             const char *content_type);
fs3_obj *fs3_get(fake_s3 *f, const char *key);
/* Give a stored object a full-object checksum ("CRC32", "CRC32C",
 * "CRC64NVME", "SHA1", "SHA256", "SHA512", "MD5") of its bytes. */
void fs3_set_checksum(fake_s3 *f, const char *key, const char *alg);
/* Make a stored object a multipart one of parts of part_size bytes (the
 * last shorter): S3's multipart ETag, and with alg (not NULL) a
 * composite checksum and each part's. */
void fs3_set_parts(fake_s3 *f, const char *key, size_t part_size,
                   const char *alg);
/* Uploads neither completed nor aborted. */
int fs3_open_uploads(const fake_s3 *f);
/* Threads of this process now (Linux /proc), 0 when unknown. */
int fs3_threads_now(void);
/* The HTTP server (fake_http.c) calls this on a connection thread as soon
 * as a request's head is in; that thread's next request gets the stamp. */
void fs3_stamp_arrival(void);
/* Requests with this method and an exact query prefix ("" = any). */
/* Waits (up to 5 s) until no request is being served: a failed or
 * cancelled transfer returns while a connection thread may still record a
 * request it was sent; read the log directly only after this. */
void fs3_settle(fake_s3 *f);
int fs3_count(const fake_s3 *f, const char *method, const char *query_has);

#endif
