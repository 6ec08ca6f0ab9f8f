/*
 * awsc/sigv4.h - AWS Signature Version 4 (HMAC-SHA256): Authorization
 * header signing, presigned URLs (query signing) and S3 aws-chunked
 * streaming uploads (STREAMING-AWS4-HMAC-SHA256-PAYLOAD).
 *
 * The signer is a pure function of its inputs: it never sends anything,
 * never logs, and never puts a secret (secret key, session token,
 * signature) into an error message.
 *
 * Typical use (header signing of an S3 GET):
 *
 *   awsc_sigv4_params p = AWSC_SIGV4_PARAMS_INIT;
 *   p.access_key_id = ak; p.secret_access_key = sk; p.session_token = tok;
 *   p.region = "us-east-1"; p.service = "s3"; p.cache = cache;
 *
 *   awsc_http_header hdrs[] = {{"Host", "bucket.s3.amazonaws.com"}};
 *   awsc_sigv4_param q[] = {{"versionId", "3/L4kqtJl40Nr8X8gdRQBpUMLUo"}};
 *   awsc_sigv4_request r = AWSC_SIGV4_REQUEST_INIT;
 *   r.method = "GET"; r.path = "/photos/cat.jpg";
 *   r.query = q; r.query_count = 1; r.headers = hdrs; r.header_count = 1;
 *   r.flags = AWSC_SIGV4_S3 | AWSC_SIGV4_UNSIGNED_PAYLOAD;
 *
 *   awsc_sigv4_result out = AWSC_SIGV4_RESULT_INIT;
 *   if (awsc_sigv4_sign_headers(&out, &p, &r, &err) == 0) {
 *     // send hdrs + out.headers[0..out.header_count), URL path "?" out.query
 *   }
 *   awsc_sigv4_result_cleanup(&out);  // once, after the last reuse
 *
 * Thread safety: every function may be called from any thread. A result is
 * caller storage: use one per thread (or per call). A key cache may be
 * shared by any number of threads.
 */
#ifndef AWSC_SIGV4_H
#define AWSC_SIGV4_H

#include <stddef.h>
#include <stdint.h>

#include "awsc/body.h"
#include "awsc/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Special payload hashes (the last line of a canonical request). */
#define AWSC_SIGV4_UNSIGNED_PAYLOAD_HASH "UNSIGNED-PAYLOAD"
#define AWSC_SIGV4_STREAMING_PAYLOAD_HASH "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
/* Hex SHA-256 of the empty string. */
#define AWSC_SIGV4_EMPTY_PAYLOAD_HASH                                          \
  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* Limits of a presigned URL's lifetime, in seconds (SigV4 allows 7 days). */
#define AWSC_SIGV4_MIN_EXPIRES 1
#define AWSC_SIGV4_MAX_EXPIRES 604800

/*
 * Request flags (awsc_sigv4_request.flags). Zero gives the behaviour every
 * AWS service except S3 expects: the path is normalized and double-encoded,
 * the payload hash is SHA-256 of `body` and is not sent as a header.
 */
enum {
  /* Payload hash "UNSIGNED-PAYLOAD" (S3 over HTTPS, presigned S3 URLs). */
  AWSC_SIGV4_UNSIGNED_PAYLOAD = 1u << 0,
  /* Add (and sign) "x-amz-content-sha256: <payload hash>" (S3 requires
   * it). Header signing only; ignored by awsc_sigv4_presign. */
  AWSC_SIGV4_SIGN_CONTENT_SHA256 = 1u << 1,
  /* aws-chunked upload: payload hash STREAMING-AWS4-HMAC-SHA256-PAYLOAD,
   * implies AWSC_SIGV4_SIGN_CONTENT_SHA256. See awsc_sigv4_chunked_*. */
  AWSC_SIGV4_STREAMING = 1u << 2,
  /* Do not remove "." / ".." segments and empty segments from the path
   * (S3: "a//b" and "a/./b" are distinct keys). */
  AWSC_SIGV4_NO_NORMALIZE_PATH = 1u << 3,
  /* Encode the path once instead of twice (S3). */
  AWSC_SIGV4_NO_DOUBLE_ENCODE = 1u << 4,
  /* `path` is raw (not percent-encoded): the signer encodes it first with
   * RFC 3986 rules (A-Z a-z 0-9 - _ . ~ and '/' kept, everything else
   * %XX), which is how the path must then appear in the URL. */
  AWSC_SIGV4_PATH_RAW = 1u << 5,
  /* Add the session token after signing instead of signing it (some
   * services, e.g. IoT presigned WebSocket URLs, want it unsigned). */
  AWSC_SIGV4_OMIT_SESSION_TOKEN = 1u << 6,
  /* Keep the canonical request and string to sign in the result
   * (canonical_request / string_to_sign) for tests and debugging. They
   * can contain the session token: never log them. */
  AWSC_SIGV4_DEBUG = 1u << 7,
  /* awsc_sigv4_presign: sign any expires_s, also 0, negatives and beyond
   * 604800 (as botocore does: the service, not the signer, refuses such
   * a URL). */
  AWSC_SIGV4_ANY_EXPIRES = 1u << 8,
  /* What S3 needs: no normalization, single encoding, content header. */
  AWSC_SIGV4_S3 = AWSC_SIGV4_NO_NORMALIZE_PATH | AWSC_SIGV4_NO_DOUBLE_ENCODE |
                  AWSC_SIGV4_SIGN_CONTENT_SHA256
};

/* A query parameter: raw (not percent-encoded) name and value; the signer
 * encodes them. value NULL is the same as "" ("name="). */
typedef struct awsc_sigv4_param {
  const char *name;
  const char *value;
} awsc_sigv4_param;

/*
 * The request to sign. All pointers are borrowed for the duration of the
 * call only.
 *
 * Headers are signed under their lower-cased names with values trimmed and
 * inner whitespace runs (spaces, tabs, folded line breaks) collapsed to one
 * space; repeated names are joined with ',' in the order given. "host" is
 * always signed (from the headers, else from `host`). These headers are
 * never signed (as botocore): authorization, connection, expect,
 * keep-alive, proxy-authenticate, proxy-authorization, te, trailer,
 * transfer-encoding, upgrade, user-agent, x-amzn-trace-id.
 * Headers the signer produces replace input headers of the same name:
 * x-amz-date always, x-amz-security-token when a session token is given,
 * x-amz-content-sha256 when the signer adds it. The caller must then drop
 * those from what it sends and send the result's headers instead.
 */
typedef struct awsc_sigv4_request {
  int version;        /* AWSC_SIGV4_REQUEST_VERSION */
  const char *method; /* "GET", "PUT", ... (required) */
  /* URL path as sent, percent-encoded (e.g. "/my%20key"), or raw with
   * AWSC_SIGV4_PATH_RAW. NULL or "" means "/". No query part. */
  const char *path;
  const awsc_sigv4_param *query; /* query parameters, any order */
  size_t query_count;
  const awsc_http_header *headers; /* headers to send and sign */
  size_t header_count;
  /* Host header value (with a non-default ":port"), used when `headers`
   * has no Host. One of the two is required. */
  const char *host;
  /* Payload hash to sign: 64 lower-case hex digits or a special value.
   * NULL = SHA-256 of body/body_len (the flags UNSIGNED_PAYLOAD and
   * STREAMING take precedence over both). */
  const char *payload_hash;
  const void *body;
  size_t body_len;
  unsigned flags; /* AWSC_SIGV4_* flags */
} awsc_sigv4_request;

#define AWSC_SIGV4_REQUEST_VERSION 1
#define AWSC_SIGV4_REQUEST_INIT                                                \
  {                                                                            \
    AWSC_SIGV4_REQUEST_VERSION, NULL, NULL, NULL, 0, NULL, 0, NULL, NULL,      \
        NULL, 0, 0                                                             \
  }

/*
 * A signing-key cache: derived keys keyed by (access key id, a 64-bit
 * fingerprint of the secret, date, region, service), so that the four
 * HMACs of the key derivation run once per day and scope instead of once
 * per request. A small fixed-size table (least recently used entry
 * evicted) under a mutex; share one per session or process. Entries are
 * wiped when evicted and when the cache is freed.
 *
 * Each awsc_sigv4_result also remembers the last key it used (no lock), so
 * reusing a result gives the fastest path; the shared cache serves the
 * first call of a result and credential or scope changes.
 */
typedef struct awsc_sigv4_cache awsc_sigv4_cache;

/* Create a cache. *out is the caller's; free it with awsc_sigv4_cache_free
 * after the last signing call that uses it. AWSC_ENOMEM, AWSC_EINVAL. */
AWSC_API int awsc_sigv4_cache_new(awsc_sigv4_cache **out, awsc_error *err);
/* Wipe and free a cache (NULL is a no-op). */
AWSC_API void awsc_sigv4_cache_free(awsc_sigv4_cache *cache);
/* Lookups of the shared table that found a key (hits) and that derived one
 * (misses). Either pointer may be NULL. */
AWSC_API void awsc_sigv4_cache_stats(uint64_t *hits, uint64_t *misses,
                                     awsc_sigv4_cache *cache);

/* Who signs, where and when. Strings are borrowed for the call only. */
typedef struct awsc_sigv4_params {
  int version;                   /* AWSC_SIGV4_PARAMS_VERSION */
  const char *access_key_id;     /* required */
  const char *secret_access_key; /* required */
  const char *session_token;     /* NULL or "" = none */
  const char *region;            /* e.g. "us-east-1" (required) */
  const char *service;           /* signing name, e.g. "s3" (required) */
  int64_t time_ms;               /* signing time, ms since epoch; 0 = now */
  /* awsc_sigv4_presign only: URL lifetime in seconds, 1..604800. */
  int64_t expires_s;
  awsc_sigv4_cache *cache; /* optional shared key cache */
} awsc_sigv4_params;

#define AWSC_SIGV4_PARAMS_VERSION 1
#define AWSC_SIGV4_PARAMS_INIT                                                 \
  { AWSC_SIGV4_PARAMS_VERSION, NULL, NULL, NULL, NULL, NULL, 0, 0, NULL }

#define AWSC_SIGV4_MAX_OUT_HEADERS 4

/*
 * What signing produced. Caller storage: start from AWSC_SIGV4_RESULT_INIT,
 * pass it to any number of signing calls (each overwrites the previous
 * output and reuses the memory, so after the first call signing allocates
 * nothing), then release it once with awsc_sigv4_result_cleanup. Every
 * pointer in it stays valid until the next signing call with this result
 * or the cleanup. On failure the output fields are cleared.
 */
typedef struct awsc_sigv4_result {
  /* Header signing: the headers to add, in this order when present:
   * X-Amz-Security-Token, X-Amz-Date, x-amz-content-sha256, Authorization.
   * Presigning: none (everything is in `query`). */
  awsc_http_header headers[AWSC_SIGV4_MAX_OUT_HEADERS];
  size_t header_count;
  /* The query string to send, without '?' ("" when there is none): the
   * request's parameters percent-encoded in canonical order; presigning
   * adds the X-Amz-* parameters and ends with X-Amz-Signature. */
  const char *query;
  char signature[65]; /* hex signature (a secret: never log it) */
  char amz_date[17];  /* signing time "20150830T123600Z" */
  /* Only with AWSC_SIGV4_DEBUG, else NULL. May hold the session token. */
  const char *canonical_request;
  const char *string_to_sign;
  void *internal_; /* reusable working memory, owned by the result */
} awsc_sigv4_result;

#define AWSC_SIGV4_RESULT_INIT                                                 \
  {                                                                            \
    {{NULL, NULL}, {NULL, NULL}, {NULL, NULL}, {NULL, NULL}}, 0, NULL, "", "", \
        NULL, NULL, NULL                                                       \
  }

/* Free the result's memory (wiping the key it remembers) and reset it to
 * AWSC_SIGV4_RESULT_INIT. Safe on an initialised, never-used result. */
AWSC_API void awsc_sigv4_result_cleanup(awsc_sigv4_result *result);

/*
 * Sign a request for the Authorization header. On success `out` holds the
 * headers to add (see awsc_sigv4_result) and the query string to send.
 * Returns 0, AWSC_EINVAL (NULL or missing argument, wrong struct version),
 * AWSC_EVALIDATION (input that can not be signed: no Host, a malformed
 * payload hash or path escape, region/service too long...) or AWSC_ENOMEM.
 */
AWSC_API int awsc_sigv4_sign_headers(awsc_sigv4_result *out,
                                     const awsc_sigv4_params *params,
                                     const awsc_sigv4_request *request,
                                     awsc_error *err);

/*
 * Presign a request (signature in the query string, for a URL that anyone
 * can use until it expires). params->expires_s must be 1..604800 (any
 * value with AWSC_SIGV4_ANY_EXPIRES), else AWSC_EVALIDATION. The
 * URL to hand out is scheme://host + encoded path + "?" + out->query;
 * the headers that were signed (at least Host) must be sent as given. The
 * session token is signed (X-Amz-Security-Token) unless
 * AWSC_SIGV4_OMIT_SESSION_TOKEN.
 * Request parameters named like the X-Amz-* ones the signer adds are
 * refused (AWSC_EVALIDATION). Other errors as awsc_sigv4_sign_headers.
 */
AWSC_API int awsc_sigv4_presign(awsc_sigv4_result *out,
                                const awsc_sigv4_params *params,
                                const awsc_sigv4_request *request,
                                awsc_error *err);

/* ---- aws-chunked streaming uploads (S3) ----
 *
 * 1. Add the headers "Content-Encoding: aws-chunked",
 *    "x-amz-decoded-content-length: <body length>" and
 *    "Content-Length: <awsc_sigv4_chunked_length(body length, chunk size)>"
 *    and sign with AWSC_SIGV4_STREAMING (header signing): the signature is
 *    the seed of the chunk signature chain.
 * 2. Wrap the body source in awsc_sigv4_chunked_stream_new(.., &result, ..)
 *    with the same params and send awsc_sigv4_chunked_stream_read as the
 *    body (callback body with content_length = the encoded length).
 *
 * Each chunk is "<hex size>;chunk-signature=<64 hex>\r\n<data>\r\n"; every
 * chunk but the last carries chunk_size bytes; the stream ends with the
 * zero-length chunk "0;chunk-signature=<sig>\r\n\r\n". S3 wants chunks of
 * at least 8 KiB (64 KiB is usual).
 */

/* Encoded (wire) length of a decoded_length-byte body sent in chunks of
 * chunk_size bytes. Returns 0, or AWSC_EINVAL for chunk_size 0 or when the
 * length does not fit in 64 bits. */
AWSC_API int awsc_sigv4_chunked_length(uint64_t *out, uint64_t decoded_length,
                                       size_t chunk_size);

typedef struct awsc_sigv4_chunked_stream awsc_sigv4_chunked_stream;

/* Largest chunk size the stream accepts (it buffers one chunk). */
#define AWSC_SIGV4_MAX_CHUNK_SIZE ((size_t)64 * 1024 * 1024)

/*
 * Make an aws-chunked encoder over a body source. `seed` is the result of
 * the AWSC_SIGV4_STREAMING header signing (its signature and amz_date are
 * copied); `params` must be the same credentials, region and service
 * (time_ms, expires_s are ignored). The source `read` must produce exactly
 * decoded_length bytes, else reading the stream fails with AWSC_EBODY.
 * `rewind` may be NULL (then the stream can not be replayed). *out is the
 * caller's; free with awsc_sigv4_chunked_stream_free. Returns 0,
 * AWSC_EINVAL (chunk_size 0 or above AWSC_SIGV4_MAX_CHUNK_SIZE, seed
 * without a signature, missing argument), AWSC_EVALIDATION, AWSC_ENOMEM.
 */
AWSC_API int awsc_sigv4_chunked_stream_new(
    awsc_sigv4_chunked_stream **out, const awsc_sigv4_params *params,
    const awsc_sigv4_result *seed, size_t chunk_size, uint64_t decoded_length,
    awsc_read_fn read, awsc_rewind_fn rewind, void *user_data, awsc_error *err);

/* An awsc_read_fn: pass the stream as user_data. Copies up to size bytes
 * of the encoded stream into buf; returns the count, 0 at the end, or a
 * negative awsc_status (the source's own error, or AWSC_EBODY when the
 * source is shorter or longer than decoded_length). */
AWSC_API int64_t awsc_sigv4_chunked_stream_read(void *buf, size_t size,
                                                void *stream);

/* An awsc_rewind_fn: rewind the source and restart the chunk chain from
 * the seed (valid while the seed signature is; a re-signed request needs
 * a new stream). Returns 0, or nonzero when the source can not rewind. */
AWSC_API int awsc_sigv4_chunked_stream_rewind(void *stream);

/* Free a stream (NULL is a no-op). Does not touch the source. */
AWSC_API void awsc_sigv4_chunked_stream_free(awsc_sigv4_chunked_stream *stream);

#ifdef __cplusplus
}
#endif

#endif /* AWSC_SIGV4_H */
