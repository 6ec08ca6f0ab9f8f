/*
 * lib/auth/aws_chunked.c - the one aws-chunked framer (see aws_chunked.h):
 * unsigned chunks with a trailing checksum for the client's uploads, and
 * signed chunks for awsc_sigv4_chunked_stream (sigv4_chunked.c signs).
 *
 * Each chunk is gathered whole before its line is written: the line needs
 * its length (and a signed line the signature of its data), and a chunk
 * shorter than chunk_size must be the last one for the encoded length
 * announced up front to hold. The checksum is updated once per chunk, and
 * the bytes go from the chunk (the buffer, or the caller's memory for a
 * MEMORY source) straight into the reader's buffer. The checksums
 * themselves are checksum.c's.
 */

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <string.h>
#include <strings.h>

#include "auth/aws_chunked.h"

/* Where the output is: each phase emits one segment (seg), then the next
 * phase begins. START and CRLF go on to the next chunk. */
enum { PH_START, PH_LINE, PH_DATA, PH_CRLF, PH_TRAILER, PH_DONE };

static unsigned hex_digits(uint64_t v) {
  unsigned d = 1;
  while (v >>= 4)
    d++;
  return d;
}

/* Bytes of the encoded stream for decoded_len body bytes: per chunk
 * "HEX" ext "\r\n" data "\r\n", then "0" ext "\r\n" [trailer "\r\n"]
 * "\r\n", where ext is a signature extension (signed) and the trailer
 * "name:base64" (alg >= 0). -1 when it does not fit. */
static int64_t encoded_length(int64_t decoded_len, size_t chunk_size, int alg,
                              bool is_signed) {
  if (decoded_len < 0 || chunk_size == 0 || (!is_signed && alg < 0))
    return -1;
  uint64_t ext = is_signed ? AWSC_AWS_CHUNKED_EXT_MAX - 1 : 0;
  uint64_t d = (uint64_t)decoded_len, c = chunk_size;
  uint64_t full = d / c, rem = d % c, total;
  if (__builtin_mul_overflow(full, hex_digits(c) + ext + 4, &total) ||
      __builtin_add_overflow(total, d, &total))
    return -1;
  uint64_t tail = (rem ? hex_digits(rem) + ext + 4 : 0) + 1 + ext + 4;
  if (alg >= 0)
    tail += strlen(awsc_checksum_header_name(alg)) + 1 +
            AWSC_BASE64_LEN(awsc_checksum_digest_len(alg)) + 2;
  if (__builtin_add_overflow(total, tail, &total) ||
      total > (uint64_t)INT64_MAX)
    return -1;
  return (int64_t)total;
}

int64_t awsc_aws_chunked_encoded_length(int64_t decoded_len, size_t chunk_size,
                                        const char *algorithm) {
  if (chunk_size == 0)
    chunk_size = AWSC_AWS_CHUNKED_DEFAULT_SIZE;
  if (chunk_size < AWSC_AWS_CHUNKED_MIN_SIZE)
    return -1;
  int alg = awsc_checksum_find(algorithm);
  return alg < 0 ? -1 : encoded_length(decoded_len, chunk_size, alg, false);
}

int64_t awsc_aws_chunked_signed_length(uint64_t decoded_len,
                                       size_t chunk_size) {
  if (decoded_len > (uint64_t)INT64_MAX)
    return -1;
  return encoded_length((int64_t)decoded_len, chunk_size, -1, true);
}

/* The last, empty chunk: its line (signed: with the signature of no
 * data), then the trailer with the checksum in base64 (into
 * ac->checksum), then the blank line. */
static void finish(awsc_aws_chunked *ac) {
  size_t n = 0;
  ac->text[n++] = '0';
  if (ac->sign)
    n += ac->sign(ac->signer, NULL, 0, ac->text + n);
  ac->text[n++] = '\r';
  ac->text[n++] = '\n';
  if (ac->algorithm >= 0) {
    awsc_checksum_final_b64(&ac->hash, ac->checksum);
    n += (size_t)snprintf(ac->text + n, sizeof(ac->text) - n, "%s:%s\r\n",
                          awsc_checksum_header_name(ac->algorithm),
                          ac->checksum);
  }
  ac->text[n++] = '\r';
  ac->text[n++] = '\n';
  ac->seg = (const uint8_t *)ac->text;
  ac->seg_len = n;
  ac->seg_pos = 0;
  ac->phase = PH_TRAILER;
}

/* Signed chunks promise an exact length: a source that still has bytes
 * after it is an error (one byte read to find out). */
static int check_longer(awsc_aws_chunked *ac) {
  const awsc_body_source *b = &ac->inner;
  if (!ac->strict_length || b->kind != AWSC_BODY_CALLBACK)
    return 0;
  uint8_t one;
  int64_t r = b->read(&one, 1, b->user_data);
  if (r < 0)
    return awsc_error_set(&ac->error, r >= INT_MIN ? (int)r : AWSC_EBODY,
                          AWSC_ERROR_IO, "request body callback failed");
  if (r > 0)
    return awsc_error_set(&ac->error, AWSC_EBODY, AWSC_ERROR_IO,
                          "request body is longer than %" PRId64 " bytes",
                          ac->decoded_len);
  return 0;
}

/* Read up to `want` bytes into the chunk buffer, looping over short
 * reads; *got < want only where the source ended. */
static int fill(awsc_aws_chunked *ac, size_t want, size_t *got) {
  const awsc_body_source *b = &ac->inner;
  size_t n = 0;
  ac->inner_touched = true;
  while (n < want) {
    if (b->kind == AWSC_BODY_FILE) {
      size_t r = fread(ac->buf + n, 1, want - n, ac->file);
      if (r == 0) {
        if (ferror(ac->file))
          return awsc_error_set(&ac->error, AWSC_EIO, AWSC_ERROR_IO,
                                "read error on request body file %s", b->path);
        break;
      }
      n += r;
      continue;
    }
    int64_t r = b->read(ac->buf + n, want - n, b->user_data);
    if (r < 0) {
      int st = r >= INT_MIN ? (int)r : AWSC_EBODY;
      return awsc_error_set(&ac->error, st, AWSC_ERROR_IO,
                            "request body callback failed (%s)",
                            awsc_strerror(st));
    }
    if ((uint64_t)r > want - n)
      return awsc_error_set(&ac->error, AWSC_EBODY, AWSC_ERROR_IO,
                            "request body callback returned %" PRId64
                            " bytes for a %zu-byte buffer",
                            r, want - n);
    if (r == 0)
      break;
    n += (size_t)r;
  }
  *got = n;
  return 0;
}

/* Gather the next chunk and set its line as the segment, or the trailer
 * when the body is done. */
static int next_chunk(awsc_aws_chunked *ac) {
  size_t want = ac->chunk_size, got = 0;
  if (ac->decoded_len >= 0) {
    uint64_t left = (uint64_t)ac->decoded_len - ac->consumed;
    if (left < want)
      want = (size_t)left;
  }
  if (ac->inner_eof)
    want = 0;
  const uint8_t *data = ac->buf;
  if (want > 0 && ac->inner.kind == AWSC_BODY_MEMORY) {
    data = (const uint8_t *)ac->inner.data + ac->consumed;
    got = want;
  } else if (want > 0) {
    int rc = fill(ac, want, &got);
    if (rc)
      return rc;
  }
  if (got < want) {
    if (ac->decoded_len >= 0)
      return awsc_error_set(&ac->error, AWSC_EBODY, AWSC_ERROR_IO,
                            "request body ended after %" PRIu64 " of %" PRId64
                            " bytes",
                            ac->consumed + got, ac->decoded_len);
    ac->inner_eof = true;
  }
  if (got == 0) {
    int rc = ac->decoded_len >= 0 ? check_longer(ac) : 0;
    if (rc)
      return rc;
    finish(ac);
    return 0;
  }
  if (ac->algorithm >= 0)
    awsc_checksum_update(&ac->hash, data, got);
  ac->consumed += got;
  ac->chunk = data;
  ac->chunk_len = got;
  /* lower-case hex without leading zeros, as botocore's hex(len)[2:] */
  static const char digits[] = "0123456789abcdef";
  unsigned nd = hex_digits(got);
  for (unsigned i = 0; i < nd; i++)
    ac->text[i] = digits[(got >> (4 * (nd - 1 - i))) & 0xf];
  size_t n = nd;
  if (ac->sign)
    n += ac->sign(ac->signer, data, got, ac->text + n);
  ac->text[n] = '\r';
  ac->text[n + 1] = '\n';
  ac->seg = (const uint8_t *)ac->text;
  ac->seg_len = n + 2;
  ac->seg_pos = 0;
  ac->phase = PH_LINE;
  return 0;
}

/* The current segment is spent: move to the next one. */
static int advance(awsc_aws_chunked *ac) {
  switch (ac->phase) {
  case PH_START:
  case PH_CRLF:
    return next_chunk(ac);
  case PH_LINE:
    ac->seg = ac->chunk;
    ac->seg_len = ac->chunk_len;
    ac->phase = PH_DATA;
    break;
  case PH_DATA:
    ac->seg = (const uint8_t *)"\r\n";
    ac->seg_len = 2;
    ac->phase = PH_CRLF;
    break;
  default:
    ac->seg_len = 0;
    ac->phase = PH_DONE;
    break;
  }
  ac->seg_pos = 0;
  return 0;
}

static int64_t chunked_read(void *buf, size_t size, void *user_data) {
  return awsc_aws_chunked_read(user_data, buf, size);
}

int64_t awsc_aws_chunked_read(awsc_aws_chunked *ac, void *buf, size_t size) {
  uint8_t *out = buf;
  size_t n = 0;
  if (ac->status)
    return ac->status;
  while (n < size && ac->phase != PH_DONE) {
    if (ac->seg_pos == ac->seg_len) {
      int rc = advance(ac);
      if (rc) {
        ac->status = rc;
        return rc;
      }
      continue;
    }
    size_t k = ac->seg_len - ac->seg_pos;
    if (k > size - n)
      k = size - n;
    memcpy(out + n, ac->seg + ac->seg_pos, k);
    n += k;
    ac->seg_pos += k;
  }
  return (int64_t)n;
}

static void reset(awsc_aws_chunked *ac) {
  ac->phase = PH_START;
  ac->seg = NULL;
  ac->seg_len = ac->seg_pos = 0;
  ac->chunk = NULL;
  ac->chunk_len = 0;
  ac->consumed = 0;
  ac->inner_eof = false;
  ac->inner_touched = false;
  ac->status = 0;
  ac->checksum[0] = '\0';
  if (ac->algorithm >= 0)
    awsc_checksum_init(&ac->hash, ac->algorithm);
}

void awsc_aws_chunked_restart(awsc_aws_chunked *ac) {
  reset(ac);
}

static int chunked_rewind(void *user_data) {
  awsc_aws_chunked *ac = user_data;
  const awsc_body_source *b = &ac->inner;
  /* Nothing read from the source yet: it is still at its start, so even
   * a pipe or a callback without rewind can be "rewound". */
  if (ac->inner_touched) {
    if (b->kind == AWSC_BODY_FILE) {
      clearerr(ac->file);
      if (fseeko(ac->file, (off_t)b->offset, SEEK_SET) != 0) {
        char eb[128];
        awsc_error_set(&ac->error, AWSC_EBODY, AWSC_ERROR_IO,
                       "cannot rewind request body file %s: %s", b->path,
                       awsc_errno_text(errno, eb, sizeof(eb)));
        return -1;
      }
    } else if (b->kind == AWSC_BODY_CALLBACK &&
               (!b->rewind || b->rewind(b->user_data) != 0)) {
      awsc_error_set(&ac->error, AWSC_EBODY, AWSC_ERROR_IO,
                     "the request body callback can not be rewound");
      return -1;
    }
  }
  reset(ac);
  return 0;
}

static int open_file(awsc_aws_chunked *ac, awsc_error *err) {
  const awsc_body_source *b = &ac->inner;
  if (!b->path)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "aws-chunked: FILE body without a path");
  return awsc_file_open_range(b->path, b->offset, b->content_length, &ac->file,
                              &ac->decoded_len, err);
}

static int check_source(awsc_aws_chunked *ac, awsc_error *err) {
  awsc_body_source *b = &ac->inner;
  switch (b->kind) {
  case AWSC_BODY_NONE:
    b->kind = AWSC_BODY_MEMORY;
    b->data = NULL;
    b->len = 0;
    ac->decoded_len = 0;
    return 0;
  case AWSC_BODY_MEMORY:
    if ((!b->data && b->len) || b->len > (uint64_t)INT64_MAX)
      return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                            "aws-chunked: bad MEMORY body");
    ac->decoded_len = (int64_t)b->len;
    return 0;
  case AWSC_BODY_CALLBACK:
    if (!b->read)
      return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                            "aws-chunked: CALLBACK body without a read");
    ac->decoded_len = b->content_length < 0 ? -1 : b->content_length;
    return 0;
  case AWSC_BODY_FILE:
    return open_file(ac, err);
  }
  return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                        "aws-chunked: unknown body kind %d", (int)b->kind);
}

/* Check the source and get the chunk buffer (none for MEMORY sources; a
 * body shorter than a chunk needs no more than its length). */
static int init_source(awsc_aws_chunked *ac, const awsc_body_source *inner,
                       awsc_error *err) {
  ac->inner = *inner;
  int rc = check_source(ac, err);
  if (!rc && ac->inner.kind != AWSC_BODY_MEMORY) {
    ac->buf_size = ac->chunk_size;
    if (ac->decoded_len >= 0 && (uint64_t)ac->decoded_len < ac->chunk_size)
      ac->buf_size = (size_t)ac->decoded_len;
    if (ac->buf_size) {
      ac->buf = awsc_malloc(ac->buf_size);
      if (!ac->buf)
        rc = awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                            "out of memory");
    }
  }
  if (rc) {
    awsc_aws_chunked_cleanup(ac);
    return rc;
  }
  reset(ac);
  return 0;
}

int awsc_aws_chunked_init(awsc_aws_chunked *ac, const awsc_body_source *inner,
                          const char *algorithm, size_t chunk_size,
                          awsc_error *err) {
  if (ac)
    memset(ac, 0, sizeof(*ac));
  if (!ac || !inner || !algorithm)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "aws-chunked: NULL argument");
  int alg = awsc_checksum_find(algorithm);
  if (alg < 0)
    return awsc_error_set(err, AWSC_EUNSUPPORTED, AWSC_ERROR_VALIDATION,
                          "unsupported checksum algorithm for a streamed "
                          "body: %s",
                          algorithm);
  if (chunk_size == 0)
    chunk_size = AWSC_AWS_CHUNKED_DEFAULT_SIZE;
  if (chunk_size < AWSC_AWS_CHUNKED_MIN_SIZE)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "aws-chunked chunk size %zu is below S3's minimum "
                          "of %zu bytes",
                          chunk_size, AWSC_AWS_CHUNKED_MIN_SIZE);
  ac->algorithm = alg;
  ac->chunk_size = chunk_size;
  return init_source(ac, inner, err);
}

int awsc_aws_chunked_init_signed(awsc_aws_chunked *ac,
                                 const awsc_body_source *inner,
                                 size_t chunk_size,
                                 awsc_aws_chunked_sign_fn sign, void *signer,
                                 awsc_error *err) {
  if (ac)
    memset(ac, 0, sizeof(*ac));
  if (!ac || !inner || !sign || chunk_size == 0)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "aws-chunked: bad argument");
  ac->algorithm = -1;
  ac->sign = sign;
  ac->signer = signer;
  ac->strict_length = true;
  ac->chunk_size = chunk_size;
  return init_source(ac, inner, err);
}

const char *awsc_aws_chunked_trailer_name(const awsc_aws_chunked *ac) {
  return ac->algorithm >= 0 ? awsc_checksum_header_name(ac->algorithm) : NULL;
}

int64_t awsc_aws_chunked_decoded_length(const awsc_aws_chunked *ac) {
  return ac->decoded_len;
}

void awsc_aws_chunked_source(awsc_aws_chunked *ac, awsc_body_source *out) {
  memset(out, 0, sizeof(*out));
  out->kind = AWSC_BODY_CALLBACK;
  out->read = chunked_read;
  out->rewind = chunked_rewind;
  out->user_data = ac;
  out->content_length = encoded_length(ac->decoded_len, ac->chunk_size,
                                       ac->algorithm, ac->sign != NULL);
}

const char *awsc_aws_chunked_checksum(const awsc_aws_chunked *ac) {
  return ac->checksum[0] ? ac->checksum : NULL;
}

const awsc_error *awsc_aws_chunked_error(const awsc_aws_chunked *ac) {
  return &ac->error;
}

void awsc_aws_chunked_cleanup(awsc_aws_chunked *ac) {
  if (!ac)
    return;
  if (ac->file)
    fclose(ac->file);
  awsc_free(ac->buf);
  ac->file = NULL;
  ac->buf = NULL;
  ac->buf_size = 0;
}
