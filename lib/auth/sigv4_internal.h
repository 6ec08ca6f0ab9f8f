/*
 * lib/auth/sigv4_internal.h - pieces shared by the SigV4 sources:
 * signing-key derivation and caching (sigv4_key.c), canonicalization
 * helpers (sigv4_canon.c), used by sigv4.c and sigv4_chunked.c.
 */
#ifndef AWSC_AUTH_SIGV4_INTERNAL_H
#define AWSC_AUTH_SIGV4_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "awsc/sigv4.h"
#include "core/core.h"

#define SIGV4_ALGORITHM "AWS4-HMAC-SHA256"
#define SIGV4_TERMINATOR "aws4_request"

/* Longest access key id / region / service a key slot can remember; longer
 * ones still sign, they just derive their key on every call. */
#define SIGV4_SLOT_MAX_AK 128
#define SIGV4_SLOT_MAX_REGION 64
#define SIGV4_SLOT_MAX_SERVICE 64
/* Longest region / service accepted at all (the string to sign is built in
 * a fixed buffer). Real names are under 30 characters. */
#define SIGV4_MAX_SCOPE_PART 255

/* What a signing key depends on. */
typedef struct sigv4_scope {
  awsc_sv access_key;
  awsc_sv secret;
  awsc_sv region;
  awsc_sv service;
  char date[8]; /* YYYYMMDD, not NUL-terminated */
} sigv4_scope;

/* A remembered signing key with the identity it was derived for. The key
 * is kept as precomputed HMAC pad states, so signing with it costs only
 * the message blocks. */
typedef struct sigv4_key_slot {
  bool valid;
  uint8_t ak_len, region_len, service_len;
  char date[8];
  uint64_t secret_fp;
  char ak[SIGV4_SLOT_MAX_AK];
  char region[SIGV4_SLOT_MAX_REGION];
  char service[SIGV4_SLOT_MAX_SERVICE];
  awsc_hmac_key key;
} sigv4_key_slot;

/* Check params (struct version, required strings, lengths) and fill the
 * scope (date from amz_date). The characters are checked by
 * sigv4_signing_key, only when the scope is not the remembered one. */
int sigv4_scope_from_params(sigv4_scope *scope, const awsc_sigv4_params *p,
                            const char *amz_date, awsc_error *err);

/* The signing key for `scope`: from `l1` (the caller's own one-entry
 * cache, no lock), else from `cache` (may be NULL), else derived. *out
 * points into l1, valid until l1 is reused. Returns 1 when l1 already held
 * the key, 0 when it was (re)loaded, AWSC_EVALIDATION for characters a
 * credential scope can not hold. */
int sigv4_signing_key(awsc_sigv4_cache *cache, sigv4_key_slot *l1,
                      const sigv4_scope *scope, const awsc_hmac_key **out,
                      awsc_error *err);

/* Append "<date>/<region>/<service>/aws4_request" to dst (no NUL);
 * returns the number of bytes written. dst must hold 22 + region +
 * service bytes. */
size_t sigv4_write_scope(char *dst, const sigv4_scope *scope);

/* ---- canonicalization (sigv4_canon.c) ---- */

/* How the signer treats an input header. */
typedef enum sigv4_hclass {
  SIGV4_H_SIGN = 0,      /* sign it */
  SIGV4_H_SKIP,          /* never signed (hop-by-hop, user-agent...) */
  SIGV4_H_HOST,          /* host: signed, and marks Host as present */
  SIGV4_H_AUTHORIZATION, /* replaced by the signer's output */
  SIGV4_H_DATE,          /* x-amz-date: replaced */
  SIGV4_H_TOKEN,         /* x-amz-security-token */
  SIGV4_H_CONTENT_SHA256 /* x-amz-content-sha256 */
} sigv4_hclass;

/* Class of a lower-cased header name. */
sigv4_hclass sigv4_header_class(const char *name, size_t n);
/* Write name lower-cased into dst (n bytes); false unless it is a non-empty
 * RFC 7230 token. */
bool sigv4_lower_name(char *dst, const char *name, size_t n);

/* A header to sign. */
typedef struct sigv4_hdr {
  const char *name; /* lower-cased */
  const char *value;
  size_t name_len;
  size_t value_len;
  size_t order;  /* input position: keeps repeated headers in order */
  bool repeated; /* after sorting: same name as the previous entry */
} sigv4_hdr;

/* Sort by name, stable for equal names. */
void sigv4_sort_headers(sigv4_hdr *h, size_t n);

/* Write the value trimmed, white-space runs (including folded line
 * breaks) collapsed to one space. dst holds n bytes; returns bytes written. */
size_t sigv4_write_value(char *dst, const char *v, size_t n);

/* An encoded query parameter. Offsets index the buffer the encoded text
 * was written to; name/value are set from them once it stops moving. */
typedef struct sigv4_qp {
  const char *name;
  const char *value;
  size_t name_off, name_len;
  size_t value_off, value_len;
} sigv4_qp;

/* Sort by encoded name, then encoded value (byte order). */
void sigv4_sort_query(sigv4_qp *q, size_t n);

/* The canonical URI path of `path` under the AWSC_SIGV4_* path flags.
 * a and b are scratch buffers; *out may point into them or into path.
 * Returns 0, AWSC_EVALIDATION (malformed escape) or AWSC_ENOMEM. */
int sigv4_canonical_path(awsc_buf *a, awsc_buf *b, const char *path,
                         unsigned flags, awsc_sv *out, awsc_error *err);

/* Bytes of working memory a result holds (sigv4.c): callers that keep a
 * result for reuse drop one that grew too big. */
size_t sigv4_result_bytes(const awsc_sigv4_result *result);

#endif /* AWSC_AUTH_SIGV4_INTERNAL_H */
