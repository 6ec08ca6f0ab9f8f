/*
 * lib/auth/sigv4_chunked.c - S3 aws-chunked uploads signed chunk by chunk
 * (STREAMING-AWS4-HMAC-SHA256-PAYLOAD).
 *
 * Each chunk's signature covers the previous one (the first covers the
 * seed, the header signature), so the stream is a chain:
 *   sts = "AWS4-HMAC-SHA256-PAYLOAD\n" date "\n" scope "\n" previous "\n"
 *         hex(sha256("")) "\n" hex(sha256(chunk data))
 * A chunk's header carries its signature, so a whole chunk is read from the
 * source before anything of it is emitted: the stream buffers one chunk.
 */
#include <stdio.h>
#include <string.h>

#include "auth/sigv4_internal.h"

#define CHUNK_ALGORITHM "AWS4-HMAC-SHA256-PAYLOAD"
/* ";chunk-signature=" + 64 hex + "\r\n" + "\r\n" after the data */
#define CHUNK_OVERHEAD (17 + 64 + 2 + 2)

typedef enum phase {
  PH_FILL = 0, /* read the next chunk from the source */
  PH_HEAD,     /* emit "<hex>;chunk-signature=<sig>\r\n" */
  PH_DATA,     /* emit the chunk data */
  PH_CRLF,     /* emit "\r\n" */
  PH_DONE
} phase;

struct awsc_sigv4_chunked_stream {
  awsc_hmac_key key;
  char amz_date[17];
  char scope[8 + 1 + 2 * SIGV4_MAX_SCOPE_PART + 1 + 13];
  size_t scope_len;
  char seed[65];
  char prev[65]; /* signature of the previous chunk */
  size_t chunk_size;
  uint64_t decoded_length;
  uint64_t consumed; /* source bytes read so far */
  awsc_read_fn read;
  awsc_rewind_fn rewind;
  void *user_data;
  bool eof;
  int error; /* sticky: once failed, every read fails the same way */
  phase ph;
  size_t pos; /* bytes of the current piece already emitted */
  uint8_t *chunk;
  size_t chunk_len;
  char head[16 + CHUNK_OVERHEAD + 1];
  size_t head_len;
};

static size_t hex_digits(uint64_t v) {
  size_t n = 1;
  while (v >= 16) {
    v >>= 4;
    n++;
  }
  return n;
}

int awsc_sigv4_chunked_length(uint64_t *out, uint64_t decoded_length,
                              size_t chunk_size) {
  if (!out || chunk_size == 0)
    return AWSC_EINVAL;
  *out = 0;
  uint64_t full = decoded_length / chunk_size;
  uint64_t rem = decoded_length % chunk_size;
  uint64_t per_full = hex_digits(chunk_size) + CHUNK_OVERHEAD + chunk_size;
  uint64_t total;
  if (__builtin_mul_overflow(full, per_full, &total))
    return AWSC_EINVAL;
  uint64_t tail = (rem ? hex_digits(rem) + CHUNK_OVERHEAD + rem : 0) +
                  1 + CHUNK_OVERHEAD; /* the final "0;..." chunk */
  if (__builtin_add_overflow(total, tail, &total))
    return AWSC_EINVAL;
  *out = total;
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
  awsc_sigv4_chunked_stream *s = awsc_calloc(1, sizeof(*s));
  uint8_t *chunk = s ? awsc_malloc(chunk_size) : NULL;
  if (!chunk) {
    awsc_free(s);
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
  s->chunk_size = chunk_size;
  s->decoded_length = decoded_length;
  s->read = read;
  s->rewind = rewind;
  s->user_data = user_data;
  s->chunk = chunk;
  s->ph = PH_FILL;
  *out = s;
  return 0;
}

void awsc_sigv4_chunked_stream_free(awsc_sigv4_chunked_stream *s) {
  if (!s)
    return;
  awsc_free(s->chunk);
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
  s->consumed = 0;
  s->eof = false;
  s->error = 0;
  s->ph = PH_FILL;
  s->pos = 0;
  s->chunk_len = 0;
  return 0;
}

/* Sign the buffered chunk and format its header line. */
static void sign_chunk(awsc_sigv4_chunked_stream *s) {
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
  awsc_sha256_hex(s->chunk, s->chunk_len, w);
  w += 64;
  uint8_t mac[AWSC_SHA256_LEN];
  awsc_hmac_sha256_with(&s->key, sts, (size_t)(w - sts), mac);
  awsc_hex_encode(mac, sizeof(mac), s->prev);
  int n = snprintf(s->head, sizeof(s->head), "%zx;chunk-signature=%s\r\n",
                   s->chunk_len, s->prev);
  s->head_len = (size_t)n;
}

/* Read the next chunk (up to chunk_size bytes) from the source. */
static int fill(awsc_sigv4_chunked_stream *s) {
  s->chunk_len = 0;
  while (!s->eof && s->chunk_len < s->chunk_size) {
    size_t want = s->chunk_size - s->chunk_len;
    int64_t got = s->read(s->chunk + s->chunk_len, want, s->user_data);
    if (got < 0)
      return (int)got;
    if ((uint64_t)got > want)
      return AWSC_EBODY; /* a broken source: more than asked for */
    if (got == 0) {
      s->eof = true;
      break;
    }
    s->chunk_len += (size_t)got;
    s->consumed += (uint64_t)got;
    if (s->consumed > s->decoded_length)
      return AWSC_EBODY; /* longer than the signed decoded length */
  }
  if (s->eof && s->consumed != s->decoded_length)
    return AWSC_EBODY; /* shorter than the signed decoded length */
  return 0;
}

static size_t emit(void *dst, size_t room, const void *src, size_t len,
                   size_t *pos) {
  size_t n = len - *pos;
  if (n > room)
    n = room;
  memcpy(dst, (const char *)src + *pos, n);
  *pos += n;
  return n;
}

int64_t awsc_sigv4_chunked_stream_read(void *buf, size_t size, void *stream) {
  awsc_sigv4_chunked_stream *s = stream;
  if (!s || (!buf && size))
    return AWSC_EINVAL;
  char *out = buf;
  size_t done = 0;
  while (done < size && s->ph != PH_DONE) {
    if (s->error)
      break;
    switch (s->ph) {
    case PH_FILL: {
      int rc = fill(s);
      if (rc) {
        s->error = rc;
        break;
      }
      sign_chunk(s);
      s->ph = PH_HEAD;
      s->pos = 0;
      break;
    }
    case PH_HEAD:
      done += emit(out + done, size - done, s->head, s->head_len, &s->pos);
      if (s->pos == s->head_len) {
        s->ph = PH_DATA;
        s->pos = 0;
      }
      break;
    case PH_DATA:
      done += emit(out + done, size - done, s->chunk, s->chunk_len, &s->pos);
      if (s->pos == s->chunk_len) {
        s->ph = PH_CRLF;
        s->pos = 0;
      }
      break;
    case PH_CRLF:
      done += emit(out + done, size - done, "\r\n", 2, &s->pos);
      if (s->pos == 2) {
        /* The zero-length chunk ends the stream. */
        s->ph = s->chunk_len == 0 ? PH_DONE : PH_FILL;
        s->pos = 0;
      }
      break;
    case PH_DONE:
      break;
    }
  }
  /* Hand over what was produced before an error; the error comes with the
   * next call. */
  if (done == 0 && s->error)
    return s->error;
  return (int64_t)done;
}
