/*
 * lib/auth/sigv4_chunked.c - S3 aws-chunked uploads signed chunk by chunk
 * (STREAMING-AWS4-HMAC-SHA256-PAYLOAD): the chunk signer, and the public
 * awsc_sigv4_chunked_stream over the one aws-chunked framer
 * (aws_chunked.c), which also frames the client's unsigned uploads.
 *
 * Each chunk's signature covers the previous one (the first covers the
 * seed, the header signature), so the stream is a chain:
 *   sts = "AWS4-HMAC-SHA256-PAYLOAD\n" date "\n" scope "\n" previous "\n"
 *         hex(sha256("")) "\n" hex(sha256(chunk data))
 * A chunk's header carries its signature, so a whole chunk is read from the
 * source before anything of it is emitted: the framer buffers one chunk.
 */
#include <stdio.h>
#include <string.h>

#include "auth/aws_chunked.h"
#include "auth/sigv4_internal.h"

#define CHUNK_ALGORITHM "AWS4-HMAC-SHA256-PAYLOAD"

struct awsc_sigv4_chunked_stream {
  awsc_aws_chunked framer;
  awsc_hmac_key key;
  char amz_date[17];
  char scope[8 + 1 + 2 * SIGV4_MAX_SCOPE_PART + 1 + 13];
  size_t scope_len;
  char seed[65];
  char prev[65]; /* signature of the previous chunk */
  awsc_read_fn read;
  awsc_rewind_fn rewind;
  void *user_data;
};

int awsc_sigv4_chunked_length(uint64_t *out, uint64_t decoded_length,
                              size_t chunk_size) {
  if (!out || chunk_size == 0)
    return AWSC_EINVAL;
  *out = 0;
  int64_t n = awsc_aws_chunked_signed_length(decoded_length, chunk_size);
  if (n < 0)
    return AWSC_EINVAL;
  *out = (uint64_t)n;
  return 0;
}

static bool is_hex64(const char *s) {
  for (size_t i = 0; i < 64; i++) {
    char c = s[i];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return false;
  }
  return s[64] == '\0';
}

/* The framer's signer: sign a chunk (the last one is empty), chain the
 * signature and write the chunk's extension. */
static size_t sign_chunk(void *signer, const uint8_t *data, size_t n,
                         char *ext) {
  awsc_sigv4_chunked_stream *s = signer;
  char sts[sizeof(CHUNK_ALGORITHM) + 17 + sizeof(s->scope) + 1 + 65 + 65 + 64];
  char *w = sts;
  memcpy(w, CHUNK_ALGORITHM "\n", sizeof(CHUNK_ALGORITHM));
  w += sizeof(CHUNK_ALGORITHM);
  memcpy(w, s->amz_date, 16);
  w += 16;
  *w++ = '\n';
  memcpy(w, s->scope, s->scope_len);
  w += s->scope_len;
  *w++ = '\n';
  memcpy(w, s->prev, 64);
  w += 64;
  *w++ = '\n';
  memcpy(w, AWSC_SIGV4_EMPTY_PAYLOAD_HASH "\n", 65);
  w += 65;
  awsc_sha256_hex(n ? (const void *)data : "", n, w);
  w += 64;
  uint8_t mac[AWSC_SHA256_LEN];
  awsc_hmac_sha256_with(&s->key, sts, (size_t)(w - sts), mac);
  awsc_hex_encode(mac, sizeof(mac), s->prev);
  memcpy(ext, ";chunk-signature=", 17);
  memcpy(ext + 17, s->prev, 64);
  ext[81] = '\0';
  return 81;
}

int awsc_sigv4_chunked_stream_new(awsc_sigv4_chunked_stream **out,
                                  const awsc_sigv4_params *params,
                                  const awsc_sigv4_result *seed,
                                  size_t chunk_size, uint64_t decoded_length,
                                  awsc_read_fn read, awsc_rewind_fn rewind,
                                  void *user_data, awsc_error *err) {
  if (!out)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "sigv4: chunked stream output pointer is NULL");
  *out = NULL;
  if (!seed || !read)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "sigv4: chunked stream needs a seed result and a "
                          "read callback");
  if (!is_hex64(seed->signature) || strlen(seed->amz_date) != 16)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "sigv4: the seed result holds no signature (sign "
                          "the headers with AWSC_SIGV4_STREAMING first)");
  if (chunk_size == 0 || chunk_size > AWSC_SIGV4_MAX_CHUNK_SIZE)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "sigv4: chunk size must be 1 to %zu bytes, got %zu",
                          AWSC_SIGV4_MAX_CHUNK_SIZE, chunk_size);
  sigv4_scope scope;
  int rc = sigv4_scope_from_params(&scope, params, seed->amz_date, err);
  if (rc)
    return rc;

  sigv4_key_slot slot;
  memset(&slot, 0, sizeof(slot));
  const awsc_hmac_key *key;
  rc = sigv4_signing_key(params->cache, &slot, &scope, &key, err);
  if (rc < 0)
    return rc;
  if (decoded_length > (uint64_t)INT64_MAX) {
    awsc_secure_zero(&slot, sizeof(slot));
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "sigv4: decoded length too large");
  }
  awsc_sigv4_chunked_stream *s = awsc_calloc(1, sizeof(*s));
  if (!s) {
    awsc_secure_zero(&slot, sizeof(slot));
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "sigv4: out of memory creating a chunked stream");
  }
  s->key = *key;
  awsc_secure_zero(&slot, sizeof(slot));
  memcpy(s->amz_date, seed->amz_date, 17);
  s->scope_len = sigv4_write_scope(s->scope, &scope);
  memcpy(s->seed, seed->signature, 65);
  memcpy(s->prev, seed->signature, 65);
  s->read = read;
  s->rewind = rewind;
  s->user_data = user_data;
  awsc_body_source src;
  memset(&src, 0, sizeof(src));
  src.kind = AWSC_BODY_CALLBACK;
  src.read = read;
  src.user_data = user_data;
  src.content_length = (int64_t)decoded_length;
  awsc_error ferr = AWSC_ERROR_INIT;
  rc = awsc_aws_chunked_init_signed(&s->framer, &src, chunk_size, sign_chunk, s,
                                    &ferr);
  if (rc) {
    awsc_secure_zero(s, sizeof(*s));
    awsc_free(s);
    return rc == AWSC_ENOMEM
               ? awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                                "sigv4: out of memory creating a chunked "
                                "stream")
               : awsc_error_set(err, rc, AWSC_ERROR_VALIDATION, "sigv4: %s",
                                ferr.message);
  }
  *out = s;
  return 0;
}

void awsc_sigv4_chunked_stream_free(awsc_sigv4_chunked_stream *s) {
  if (!s)
    return;
  awsc_aws_chunked_cleanup(&s->framer);
  awsc_secure_zero(s, sizeof(*s));
  awsc_free(s);
}

int awsc_sigv4_chunked_stream_rewind(void *stream) {
  awsc_sigv4_chunked_stream *s = stream;
  if (!s || !s->rewind)
    return -1;
  int rc = s->rewind(s->user_data);
  if (rc)
    return rc;
  memcpy(s->prev, s->seed, 65);
  awsc_aws_chunked_restart(&s->framer);
  return 0;
}

int64_t awsc_sigv4_chunked_stream_read(void *buf, size_t size, void *stream) {
  awsc_sigv4_chunked_stream *s = stream;
  if (!s || (!buf && size))
    return AWSC_EINVAL;
  return awsc_aws_chunked_read(&s->framer, buf, size);
}
