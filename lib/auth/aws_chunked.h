/*
 * lib/auth/aws_chunked.h - internal: the one aws-chunked framer. A wrapper
 * turns a request body source into a CALLBACK source that produces
 *
 *   HEX(len)[;chunk-signature=SIG]\r\n<len bytes>\r\n   for each chunk,
 *   then the last, empty chunk:
 *   0\r\n<trailer-name>:<base64 checksum>\r\n\r\n   (unsigned, trailer:
 *       x-amz-content-sha256 STREAMING-UNSIGNED-PAYLOAD-TRAILER, as
 *       botocore's AwsChunkedWrapper writes it), or
 *   0;chunk-signature=SIG\r\n\r\n                   (signed chunks:
 *       STREAMING-AWS4-HMAC-SHA256-PAYLOAD, sigv4_chunked.c's signer).
 *
 * Every chunk but the last holds exactly chunk_size bytes, so the encoded
 * length follows from the decoded one and can be sent as Content-Length
 * (S3 refuses Transfer-Encoding: chunked).
 */
#ifndef AWSC_AUTH_AWS_CHUNKED_H
#define AWSC_AUTH_AWS_CHUNKED_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "auth/checksum.h"
#include "awsc/sys/transport.h"
#include "core/core.h"

/* Default size of a chunk, and S3's minimum for every chunk but the last. */
#define AWSC_AWS_CHUNKED_DEFAULT_SIZE ((size_t)64 * 1024)
#define AWSC_AWS_CHUNKED_MIN_SIZE ((size_t)8 * 1024)

/* Longest chunk extension a signer writes (";chunk-signature=" + 64 hex). */
#define AWSC_AWS_CHUNKED_EXT_MAX (17 + 64 + 1)

/* A chunk signer (signed chunks): writes the extension of the chunk
 * data[0..n) - the last chunk is empty - into ext, NUL-terminated, and
 * returns its length. Chunks are signed in order, each once per pass. */
typedef size_t (*awsc_aws_chunked_sign_fn)(void *signer, const uint8_t *data,
                                           size_t n, char *ext);

/*
 * Caller-owned storage (on the stack of the pipeline is fine); the fields
 * are private. Between init and cleanup it holds the open file of a FILE
 * source and at most one heap buffer (none for a MEMORY source).
 */
typedef struct awsc_aws_chunked {
  awsc_body_source inner;        /* copy; its pointers are borrowed */
  int algorithm;                 /* AWSC_CKSUM_*, -1: no trailer (signed) */
  awsc_aws_chunked_sign_fn sign; /* NULL: unsigned chunks */
  void *signer;
  bool strict_length; /* a source longer than its length fails */
  size_t chunk_size;
  int64_t decoded_len; /* -1 = unknown */
  FILE *file;          /* FILE sources */
  uint8_t *buf;        /* chunk buffer (FILE and CALLBACK sources) */
  size_t buf_size;
  /* Output position: the phase, the bytes of the current segment (chunk
   * line, chunk data or trailer) and how far into it the output is. */
  int phase;
  const uint8_t *seg;
  size_t seg_len;
  size_t seg_pos;
  const uint8_t *chunk; /* data of the current chunk */
  size_t chunk_len;
  uint64_t consumed;  /* body bytes taken from the source */
  bool inner_eof;     /* a source of unknown length has ended */
  bool inner_touched; /* the inner source was read since a rewind */
  int status;         /* sticky failure of a read, 0 if none */
  awsc_checksum hash;
  char text[128]; /* the current chunk line or the last chunk */
  char checksum[AWSC_CKSUM_B64_MAX]; /* base64, "" until the body was read */
  awsc_error error; /* details of the last failed read/rewind */
} awsc_aws_chunked;

/*
 * Prepare to encode `inner` (copied; what it points to - data, path,
 * user_data - must outlive the wrapper). algorithm is "CRC32", "CRC32C",
 * "SHA256" or "SHA1" in any case (anything else: AWSC_EUNSUPPORTED).
 * chunk_size 0 means AWSC_AWS_CHUNKED_DEFAULT_SIZE; below
 * AWSC_AWS_CHUNKED_MIN_SIZE it is AWSC_EINVAL.
 *
 * The decoded length is the source's: MEMORY len; FILE content_length, or
 * when that is -1 the rest of a regular file after offset; CALLBACK
 * content_length (-1 = unknown, the body then ends where the callback
 * does). A FILE is opened here and seeked to offset: failures are AWSC_EIO
 * naming the path, as is a regular file holding fewer bytes than
 * content_length. AWSC_ENOMEM if the chunk buffer can not be allocated
 * (MEMORY sources need none). AWSC_EINVAL for a malformed source (NULL
 * path or read callback, NULL data with len > 0). On failure nothing is
 * left to release; awsc_aws_chunked_cleanup is safe either way.
 */
int awsc_aws_chunked_init(awsc_aws_chunked *ac, const awsc_body_source *inner,
                          const char *algorithm, size_t chunk_size,
                          awsc_error *err);

/*
 * Signed chunks (no trailer) over `inner` (a CALLBACK of known length, as
 * awsc_sigv4_chunked_stream gives it): chunk_size may be any size from 1;
 * `sign` gives each chunk its extension. A source longer than its
 * content_length fails with AWSC_EBODY. Otherwise as awsc_aws_chunked_init.
 */
int awsc_aws_chunked_init_signed(awsc_aws_chunked *ac,
                                 const awsc_body_source *inner,
                                 size_t chunk_size,
                                 awsc_aws_chunked_sign_fn sign, void *signer,
                                 awsc_error *err);

/* Start the encoded stream over without touching the source (the caller
 * rewound it); a sticky failure is cleared. */
void awsc_aws_chunked_restart(awsc_aws_chunked *ac);

/* The next bytes of the encoded stream (the read of
 * awsc_aws_chunked_source). */
int64_t awsc_aws_chunked_read(awsc_aws_chunked *ac, void *buf, size_t size);

/* "x-amz-checksum-crc32", "-crc32c", "-sha256" or "-sha1": the name that
 * x-amz-trailer must announce (NULL for signed chunks). Static storage. */
const char *awsc_aws_chunked_trailer_name(const awsc_aws_chunked *ac);

/* Bytes of the body before encoding (x-amz-decoded-content-length), -1 if
 * unknown. */
int64_t awsc_aws_chunked_decoded_length(const awsc_aws_chunked *ac);

/* Exact encoded length for a body of decoded_len bytes (the value of
 * Content-Length). -1 when decoded_len is negative, the algorithm is
 * unknown, chunk_size is below the minimum (0 = default) or the result
 * would not fit. */
int64_t awsc_aws_chunked_encoded_length(int64_t decoded_len, size_t chunk_size,
                                        const char *algorithm);

/* Exact encoded length of signed chunks (no trailer) for decoded_len
 * bytes in chunks of chunk_size (from 1); -1 when it does not fit. */
int64_t awsc_aws_chunked_signed_length(uint64_t decoded_len, size_t chunk_size);

/*
 * Fill *out with a CALLBACK source reading the encoded stream through ac
 * (content_length = the encoded length, or -1 when the decoded one is
 * unknown). Its read accepts any size and fills the buffer unless the
 * stream ends; it fails with AWSC_EBODY when a source of known length ends
 * early or a callback returns more than asked, AWSC_EIO on a file read
 * error, and a negative status of the inner callback as it is; a failure
 * sticks until a rewind. Its rewind restarts everything (checksum
 * included): it re-seeks a FILE, calls the inner rewind of a CALLBACK
 * (failing, nonzero, when there is none and the source was already read).
 * The details of a failure are in awsc_aws_chunked_error.
 */
void awsc_aws_chunked_source(awsc_aws_chunked *ac, awsc_body_source *out);

/* Once the whole body was read: the base64 checksum sent in the trailer.
 * NULL before. Borrowed: valid until the next rewind or cleanup. */
const char *awsc_aws_chunked_checksum(const awsc_aws_chunked *ac);

/* Details of the last failed read or rewind of the encoded source (code 0
 * if none). Borrowed from ac. */
const awsc_error *awsc_aws_chunked_error(const awsc_aws_chunked *ac);

/* Close the file and free the buffer; ac may then be initialised again.
 * Safe on a zeroed or failed-to-init wrapper. */
void awsc_aws_chunked_cleanup(awsc_aws_chunked *ac);

#endif
