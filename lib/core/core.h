/*
 * lib/core/core.h - internal core services shared by every module:
 * allocation, byte views and buffers, arenas, errors, logging, time,
 * encodings and hashes. Nothing here is exported from libawsc (hidden
 * visibility); the public face of these lives in include/awsc/common.h.
 */
#ifndef AWSC_CORE_CORE_H
#define AWSC_CORE_CORE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "awsc/common.h"

#define AWSC_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define AWSC_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
/* An options struct's version is accepted when 0 < version <= the one this
 * library knows: an older caller's struct is a prefix of today's. */
#define AWSC_VERSION_OK(v, current) ((v) > 0 && (v) <= (current))

/* ---- allocation (alloc.c): every allocation goes through these ---- */
void *awsc_malloc(size_t size);
void *awsc_calloc(size_t count, size_t size); /* overflow-checked */
void *awsc_realloc(void *ptr, size_t size);
void awsc_free(void *ptr);
char *awsc_strdup(const char *s);            /* NULL in -> NULL out */
char *awsc_strndup(const char *s, size_t n); /* always NUL-terminates */
/* Grows an array whose first storage is the owner's inline array
 * (`inline_store`): the first growth copies the `used` elements into a new
 * heap block of `new_cap` elements, later ones realloc it. NULL when out of
 * memory or on overflow; the old storage is then unchanged. (buf.c) */
void *awsc_grow_array(void *cur, const void *inline_store, size_t used,
                      size_t new_cap, size_t elem);
/* Whether awsc_set_allocator installed hooks (lib/http/http_init.c then
 * routes libcurl's allocations through them too). */
bool awsc_allocator_is_custom(void);

/* ---- byte views ---- */
typedef struct awsc_sv {
  const char *p;
  size_t n;
} awsc_sv;

#define AWSC_SV_LIT(s) ((awsc_sv){(s), sizeof(s) - 1})
awsc_sv awsc_sv_from_cstr(const char *s); /* NULL -> {NULL, 0} */
bool awsc_sv_eq(awsc_sv a, awsc_sv b);
bool awsc_sv_eq_cstr(awsc_sv a, const char *b);
bool awsc_sv_ieq_cstr(awsc_sv a, const char *b); /* ASCII case-insensitive */
awsc_sv awsc_sv_trim(awsc_sv s);                 /* strips ' ', \t, \r, \n */

/* ---- growable buffer (buf.c). p is NUL-terminated whenever non-NULL.
 * All appenders return 0 or AWSC_ENOMEM and leave the buffer valid. ---- */
typedef struct awsc_buf {
  char *p;
  size_t len;
  size_t cap;
} awsc_buf;

#define AWSC_BUF_INIT                                                          \
  { NULL, 0, 0 }
int awsc_buf_reserve(awsc_buf *b, size_t extra);
int awsc_buf_append(awsc_buf *b, const void *data, size_t n);
int awsc_buf_puts(awsc_buf *b, const char *s);
int awsc_buf_putc(awsc_buf *b, char c);
int awsc_buf_printf(awsc_buf *b, const char *fmt, ...) AWSC_PRINTF(2, 3);
int awsc_buf_vprintf(awsc_buf *b, const char *fmt, va_list ap);
void awsc_buf_reset(awsc_buf *b);   /* len = 0, keeps memory */
void awsc_buf_free(awsc_buf *b);    /* frees and zeroes */
char *awsc_buf_detach(awsc_buf *b); /* caller frees with awsc_free */

/* ---- memory handed to the caller (alloc.c) ----
 * Everything the library returns for the caller to free (strings, typed
 * outputs) carries this tag in the 16 bytes before the pointer, so that
 * one function, awsc_mem_free, frees any of it: free_fn NULL = the tag
 * starts an awsc_malloc block; else free_fn(ptr) frees it (typed outputs:
 * their arena). */
#define AWSC_OUT_MAGIC_PLAIN 0x6177736373747231ULL  /* "awscstr1" */
#define AWSC_OUT_MAGIC_OUTPUT 0x617773636f757431ULL /* "awscout1" */
typedef struct awsc_out_tag {
  void (*free_fn)(void *ptr);
  uint64_t magic;
} awsc_out_tag;
#define AWSC_OUT_TAG_SIZE ((size_t)16)
/* A caller-owned copy of s[0..n) plus NUL (NULL: out of memory). */
char *awsc_out_strndup(const char *s, size_t n);
/* awsc_buf_detach as a caller-owned string; the buffer is freed either way
 * (NULL: out of memory). */
char *awsc_out_from_buf(awsc_buf *b);

/* ---- arena (arena.c): many allocations, one free. Outputs live here. ---- */
typedef struct awsc_arena awsc_arena;
awsc_arena *awsc_arena_new(size_t block_size);      /* 0 = default (4 KiB) */
void *awsc_arena_alloc(awsc_arena *a, size_t size); /* 16-byte aligned */
void *awsc_arena_calloc(awsc_arena *a, size_t count, size_t size);
char *awsc_arena_strndup(awsc_arena *a, const char *s, size_t n);
char *awsc_arena_strdup(awsc_arena *a, const char *s);
size_t awsc_arena_used(const awsc_arena *a);
/* The arena takes p (from awsc_malloc) and awsc_free's it when it is reset
 * or freed: a buffer filled elsewhere becomes part of an output without a
 * copy. 0, or AWSC_ENOMEM (p not taken: the caller still owns it). */
int awsc_arena_adopt(awsc_arena *a, void *p);
/* Free the arena; one from a pool goes back to it instead. */
void awsc_arena_free(awsc_arena *a);
/* Empty the arena for reuse: everything allocated from it is gone; its
 * first block and up to keep_bytes of its other regular-size blocks are
 * kept for the next allocations, the rest is freed. */
void awsc_arena_reset(awsc_arena *a, size_t keep_bytes);

/* A pool of arenas (all with the same block size) reused from call to
 * call: awsc_arena_free on one of them resets it (keep_bytes as above)
 * and keeps up to max_idle for the next awsc_arena_pool_get. Thread-safe.
 * awsc_arena_pool_free frees the idle arenas; arenas still out stay valid
 * and are freed by their awsc_arena_free, the last one taking the pool. */
typedef struct awsc_arena_pool awsc_arena_pool;
awsc_arena_pool *awsc_arena_pool_new(size_t block_size, unsigned max_idle,
                                     size_t keep_bytes);
awsc_arena *awsc_arena_pool_get(awsc_arena_pool *p); /* NULL: no memory */
/* Free the idle arenas now (the pool stays usable). */
void awsc_arena_pool_trim(awsc_arena_pool *p);
void awsc_arena_pool_free(awsc_arena_pool *p);

/* ---- errors (error.c) ---- */
/* Fill err (if non-NULL) with code, kind and a formatted message, clear
 * the other fields; returns code so callers can `return awsc_error_set(..)`. */
int awsc_error_set(awsc_error *err, int code, awsc_error_kind kind,
                   const char *fmt, ...) AWSC_PRINTF(4, 5);
/* Copy src into dst (either may be NULL): its numbers and strings, none
 * of the bytes after a string's end (src may be one only reset). */
void awsc_error_copy(awsc_error *dst, const awsc_error *src);
/* *err reads as AWSC_ERROR_INIT afterwards (no code, every string empty)
 * but only its numbers and each string's first byte are written: the call
 * path resets an error or two per call, and the whole struct is 976 bytes
 * (16 cache lines, cold in a call block not used for a while). */
static inline void awsc_error_reset(awsc_error *err) {
  err->code = 0;
  err->kind = AWSC_ERROR_NONE;
  err->http_status = 0;
  err->retry_attempts = 0;
  err->service_code[0] = '\0';
  err->message[0] = '\0';
  err->request_id[0] = '\0';
  err->host_id[0] = '\0';
}
/* Bounded string copy into a fixed field; always NUL-terminates. */
void awsc_strlcpy(char *dst, const char *src, size_t dst_size);

/* ---- logging (log.c) ---- */
typedef struct awsc_logger {
  awsc_log_fn fn; /* NULL = logging off */
  void *user_data;
  awsc_log_level level;
} awsc_logger;

/* Format and emit if logger && logger->fn && level >= logger->level.
 * The text passes through awsc_log_redact first. */
void awsc_log(const awsc_logger *logger, awsc_log_level level, const char *fmt,
              ...) AWSC_PRINTF(3, 4);
bool awsc_log_enabled(const awsc_logger *logger, awsc_log_level level);
/* Redact secrets in place: values after "Signature=", "X-Amz-Signature=",
 * "X-Amz-Security-Token=", "x-amz-security-token:", "Credential=.../"
 * secret-bearing forms, "aws_secret_access_key", "SecretAccessKey",
 * "SessionToken", "Authorization:" become "***". */
void awsc_log_redact(char *text);
/* Details of the above: key-like markers (aws_secret_access_key,
 * SecretAccessKey, SessionToken, X-Amz-Security-Token, and also
 * aws_session_token and JSON "Token") count only when followed by '=',
 * ':' or '>' (INI, env, JSON, XML, header and query forms); an
 * Authorization value that is not AWS4-* is redacted to the end of the
 * line; Credential=AKID/scope is not secret and is kept. */

/* ---- time (time.c). Times are int64 milliseconds since the epoch. ---- */
int64_t awsc_time_now_ms(void);
/* "20150830T123600Z" + NUL (17 bytes). */
void awsc_time_format_amz(int64_t ms, char out[17]);
/* "20150830" + NUL (9 bytes). */
void awsc_time_format_date(int64_t ms, char out[9]);
/* ISO 8601 "2015-08-30T12:36:00Z", or with ".123Z" when ms % 1000 != 0
 * and with_ms is true. out >= 32 bytes. */
void awsc_time_format_iso8601(int64_t ms, bool with_ms, char out[32]);
/* RFC 1123 / RFC 7231 "Sun, 30 Aug 2015 12:36:00 GMT". out >= 32 bytes. */
void awsc_time_format_rfc1123(int64_t ms, char out[32]);
/* Parse ISO 8601 (with or without fraction, "Z" or +hh:mm offset),
 * RFC 1123 (and the obsolete RFC 850 / asctime forms servers send), or
 * epoch seconds with optional fraction. Return 0 or AWSC_EPARSE. */
int awsc_time_parse_iso8601(awsc_sv s, int64_t *out_ms);
int awsc_time_parse_rfc1123(awsc_sv s, int64_t *out_ms);
int awsc_time_parse_epoch(awsc_sv s, int64_t *out_ms);
/* Try all three formats in turn. */
int awsc_time_parse_any(awsc_sv s, int64_t *out_ms);

/* ---- encodings (encode.c) ---- */
/* Lower-case hex; out must hold 2*n + 1 bytes (NUL-terminated). */
void awsc_hex_encode(const uint8_t *in, size_t n, char *out);
/* Decode hex (either case); out holds n/2 bytes. 0 or AWSC_EPARSE. */
int awsc_hex_decode(const char *in, size_t n, uint8_t *out);
/* strerror_r that always gives text (buf may or may not be used). */
const char *awsc_errno_text(int e, char *buf, size_t n);
/* Open `path` to read `want` bytes from `offset` (want -1: to the end of a
 * regular file; of anything else: unknown, *len -1). Checks that a regular
 * file holds them; *len is what will be read. AWSC_EIO naming the path on
 * failure (nothing left open). */
int awsc_file_open_range(const char *path, uint64_t offset, int64_t want,
                         FILE **out, int64_t *len, awsc_error *err);
/* The value of one hex digit (either case), or -1. */
int awsc_hex_value(unsigned char c);
/* Standard base64 with padding. Encoded length for n bytes: */
#define AWSC_BASE64_LEN(n) ((((n) + 2) / 3) * 4)
/* Writes AWSC_BASE64_LEN(n) chars plus NUL; returns chars written. */
size_t awsc_base64_encode(const uint8_t *in, size_t n, char *out);
/* Decode standard base64 (padding optional, whitespace not allowed);
 * out holds at least n/4*3+3 bytes; *out_len set. 0 or AWSC_EPARSE. */
int awsc_base64_decode(const char *in, size_t n, uint8_t *out, size_t *out_len);
/* RFC 3986 percent-encoding as SigV4 and S3 define it: unreserved
 * A-Z a-z 0-9 - _ . ~ kept, everything else %XX upper-case; '/' kept when
 * keep_slash. Appends to b. */
int awsc_uri_encode(awsc_buf *b, const char *s, size_t n, bool keep_slash);
/* The same into w (room for 3 * n bytes, not NUL-terminated); returns
 * the end of what it wrote. */
char *awsc_uri_encode_to(char *w, const char *s, size_t n, bool keep_slash);
/* 1 for the RFC 9110 token characters (letters, digits,
 * !#$%&'*+-.^_`|~): what a method or header name may contain. */
extern const uint8_t awsc_token_char[256];
/* 1 for the RFC 3986 unreserved characters A-Z a-z 0-9 - _ . ~ */
extern const uint8_t awsc_uri_unreserved[256];
/* Percent-decode (and '+' -> ' ' when plus_is_space) appending to b.
 * Returns 0 or AWSC_EPARSE for a bad escape. */
int awsc_uri_decode(awsc_buf *b, const char *s, size_t n, bool plus_is_space);

/* ---- hashes (hash.c). OpenSSL-backed where it is fastest. ---- */
#define AWSC_SHA256_LEN 32
#define AWSC_MD5_LEN 16

typedef struct awsc_sha256_ctx {
  /* Opaque state, big enough for OpenSSL's SHA256_CTX (112 bytes). */
  uint64_t opaque[16];
} awsc_sha256_ctx;

void awsc_sha256_init(awsc_sha256_ctx *ctx);
void awsc_sha256_update(awsc_sha256_ctx *ctx, const void *data, size_t n);
void awsc_sha256_final(awsc_sha256_ctx *ctx, uint8_t out[AWSC_SHA256_LEN]);
void awsc_sha256(const void *data, size_t n, uint8_t out[AWSC_SHA256_LEN]);
/* Hex SHA-256: out = 64 hex chars + NUL. */
void awsc_sha256_hex(const void *data, size_t n, char out[65]);

/* HMAC-SHA256 one shot. */
void awsc_hmac_sha256(const void *key, size_t key_len, const void *data,
                      size_t n, uint8_t out[AWSC_SHA256_LEN]);

/* HMAC-SHA256 with a key prepared once: the inner/outer pad states are
 * precomputed so each MAC costs only the message blocks + 2 blocks. */
typedef struct awsc_hmac_key {
  awsc_sha256_ctx inner;
  awsc_sha256_ctx outer;
} awsc_hmac_key;
void awsc_hmac_key_init(awsc_hmac_key *k, const void *key, size_t key_len);
void awsc_hmac_sha256_with(const awsc_hmac_key *k, const void *data, size_t n,
                           uint8_t out[AWSC_SHA256_LEN]);

typedef struct awsc_md5_ctx {
  uint64_t opaque[14]; /* >= sizeof(MD5_CTX) (92 bytes) */
} awsc_md5_ctx;
void awsc_md5_init(awsc_md5_ctx *ctx);
void awsc_md5_update(awsc_md5_ctx *ctx, const void *data, size_t n);
void awsc_md5_final(awsc_md5_ctx *ctx, uint8_t out[AWSC_MD5_LEN]);
void awsc_md5(const void *data, size_t n, uint8_t out[AWSC_MD5_LEN]);

/* CRC32 (IEEE, as zlib) and CRC32C (Castagnoli). Start with crc = 0 and
 * feed chunks: crc = awsc_crc32(crc, data, n). */
uint32_t awsc_crc32(uint32_t crc, const void *data, size_t n);
uint32_t awsc_crc32c(uint32_t crc, const void *data, size_t n);
/* The portable table (slicing-by-8) paths. The two above switch to
 * carry-less-multiply folding (PCLMULQDQ / VPCLMULQDQ) or the SSE4.2 crc32
 * instruction when the CPU has them. For tests and benchmarks. */
uint32_t awsc_crc32_sw(uint32_t crc, const void *data, size_t n);
uint32_t awsc_crc32c_sw(uint32_t crc, const void *data, size_t n);
/* Which path awsc_crc32 / awsc_crc32c use: "vpclmulqdq", "pclmul",
 * "sse4.2" or "table". The environment variable AWSC_CRC_DISABLE=avx512
 * (or =hw) read at first use rules out the 512-bit (or all hardware)
 * paths. */
const char *awsc_crc32_impl(void);
const char *awsc_crc32c_impl(void);
/* CRC of A||B from crc(A), crc(B) and len(B), as zlib's crc32_combine
 * (S3 full-object checksums of multipart uploads). */
uint32_t awsc_crc32_combine(uint32_t crc1, uint32_t crc2, uint64_t len2);
uint32_t awsc_crc32c_combine(uint32_t crc1, uint32_t crc2, uint64_t len2);

/* Constant-time comparison; 0 when equal. */
int awsc_memcmp_ct(const void *a, const void *b, size_t n);
/* Overwrite memory with zeros in a way the compiler keeps. */
void awsc_secure_zero(void *p, size_t n);

/* ---- one-time init (init.c) ---- */
/* Initialise what core uses (OpenSSL) once; thread-safe, returns the
 * status of the first run. awsc_global_init (lib/http) calls it, with
 * libcurl's init: modules above http call awsc_global_init instead. */
int awsc_core_init(void);

#endif /* AWSC_CORE_CORE_H */
