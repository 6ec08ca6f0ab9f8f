/*
 * awsc/body.h - request bodies and response sinks: where the bytes of an
 * operation come from and go to (a buffer, a file, callbacks), and the
 * header pair. Stable API (docs/ABI.md): the generated service headers
 * and the transport interface (awsc/sys/transport.h) both use these.
 */
#ifndef AWSC_BODY_H
#define AWSC_BODY_H

#include <stddef.h>
#include <stdint.h>

#include "awsc/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct awsc_http_header {
  const char *name;
  const char *value;
} awsc_http_header;

/*
 * Read callback for request bodies: copy up to `size` bytes into `buf`.
 * Return the number of bytes copied, 0 at the end of the body, or a
 * negative awsc_status to abort the request.
 */
typedef int64_t (*awsc_read_fn)(void *buf, size_t size, void *user_data);
/* Rewind a callback body to its start so a request can be retried.
 * Return 0 on success; any other value means "can not replay". */
typedef int (*awsc_rewind_fn)(void *user_data);
/* Write callback for response bodies. Return 0 to go on, a negative
 * awsc_status to abort the transfer (the send then fails with it). */
typedef int (*awsc_write_fn)(const void *data, size_t len, void *user_data);

typedef enum awsc_body_kind {
  AWSC_BODY_NONE = 0,
  AWSC_BODY_MEMORY,  /* data/len, borrowed for the duration of send */
  AWSC_BODY_FILE,    /* path, from offset, `content_length` bytes */
  AWSC_BODY_CALLBACK /* read (+ optional rewind) */
} awsc_body_kind;

/* Where a request body comes from. */
typedef struct awsc_body_source {
  awsc_body_kind kind;
  const void *data;      /* MEMORY */
  size_t len;            /* MEMORY */
  const char *path;      /* FILE: opened and closed by the transport */
  uint64_t offset;       /* FILE: first byte to send */
  awsc_read_fn read;     /* CALLBACK */
  awsc_rewind_fn rewind; /* CALLBACK, may be NULL (not replayable) */
  void *user_data;       /* CALLBACK */
  /* FILE and CALLBACK: bytes to send; -1 = unknown (chunked encoding).
   * MEMORY: ignored (len is used). */
  int64_t content_length;
} awsc_body_source;

typedef enum awsc_sink_kind {
  AWSC_SINK_MEMORY = 0, /* collected into awsc_http_response.body */
  AWSC_SINK_FILE,       /* written to path (created/truncated) */
  AWSC_SINK_CALLBACK    /* passed to write() as it arrives */
} awsc_sink_kind;

/*
 * Where a response body goes. The sink receives the body only for 2xx
 * responses; the body of any other status is always collected into
 * awsc_http_response.body so that the caller can parse the error.
 */
typedef struct awsc_body_sink {
  awsc_sink_kind kind;
  const char *path;    /* FILE */
  awsc_write_fn write; /* CALLBACK */
  void *user_data;     /* CALLBACK */
} awsc_body_sink;

/* Progress: bytes of body sent and received so far. Return nonzero to
 * cancel (the send fails with AWSC_ECANCELLED). */
typedef int (*awsc_progress_fn)(uint64_t sent, uint64_t received,
                                void *user_data);

#ifdef __cplusplus
}
#endif

#endif
