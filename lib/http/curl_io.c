/*
 * lib/http/curl_io.c - the libcurl callbacks of one exchange: request body
 * from memory, a file or a read callback (with rewind for curl's retries),
 * response status line and headers, response body to memory, a file or a
 * write callback, progress and the read-timeout clock.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <string.h>

#include "http/curl_internal.h"

void exchange_abort(exchange *ex, int status, const char *fmt, ...) {
  if (ex->abort_status)
    return;
  ex->abort_status = status;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(ex->abort_msg, sizeof(ex->abort_msg), fmt, ap);
  va_end(ap);
}

static void touch(exchange *ex) {
  ex->last_activity_ms = awsc_http_coarse_ms();
}

int exchange_open_body(exchange *ex, awsc_error *err) {
  const awsc_body_source *b = &ex->req->body;
  ex->body_sent = 0;
  switch (b->kind) {
  case AWSC_BODY_MEMORY:
    ex->body_len = (int64_t)b->len;
    return AWSC_OK;
  case AWSC_BODY_CALLBACK:
    ex->body_len = b->content_length;
    return AWSC_OK;
  case AWSC_BODY_FILE:
    break;
  default:
    ex->body_len = 0;
    return AWSC_OK;
  }
  return awsc_file_open_range(b->path, b->offset, b->content_length, &ex->in,
                              &ex->body_len, err);
}

int exchange_finish_sink(exchange *ex, awsc_error *err) {
  const awsc_body_sink *s = &ex->req->sink;
  char eb[128];
  int st = ex->resp->status;
  bool ok_status = st >= 200 && st < 300;
  if (s->kind == AWSC_SINK_FILE && ok_status && !ex->head && !ex->out &&
      ex->dest == DEST_UNDECIDED) {
    ex->out = fopen(s->path, "wb");
    if (!ex->out)
      return awsc_error_set(err, AWSC_EIO, AWSC_ERROR_IO,
                            "cannot create %s: %s", s->path,
                            awsc_errno_text(errno, eb, sizeof(eb)));
  }
  if (ex->out) {
    FILE *f = ex->out;
    ex->out = NULL;
    if (fclose(f) != 0)
      return awsc_error_set(err, AWSC_EIO, AWSC_ERROR_IO, "cannot write %s: %s",
                            s->path, awsc_errno_text(errno, eb, sizeof(eb)));
  }
  return AWSC_OK;
}

void exchange_close(exchange *ex) {
  if (ex->in)
    fclose(ex->in);
  if (ex->out)
    fclose(ex->out);
  ex->in = ex->out = NULL;
}

size_t exchange_read_cb(char *buf, size_t size, size_t nitems, void *ud) {
  exchange *ex = ud;
  const awsc_body_source *b = &ex->req->body;
  size_t n = size * nitems;
  if (ex->body_len >= 0) {
    uint64_t left = (uint64_t)ex->body_len - ex->body_sent;
    if (left < n)
      n = (size_t)left;
  }
  if (n == 0)
    return 0;
  size_t got = 0;
  switch (b->kind) {
  case AWSC_BODY_MEMORY:
    memcpy(buf, (const char *)b->data + ex->body_sent, n);
    got = n;
    break;
  case AWSC_BODY_FILE:
    got = fread(buf, 1, n, ex->in);
    if (got == 0) {
      if (ferror(ex->in)) {
        exchange_abort(ex, AWSC_EIO, "read error on request body file %s",
                       b->path);
        return CURL_READFUNC_ABORT;
      }
      if (ex->body_len >= 0) {
        exchange_abort(ex, AWSC_EIO,
                       "request body file %s ended after %" PRIu64
                       " of %" PRId64 " bytes",
                       b->path, ex->body_sent, ex->body_len);
        return CURL_READFUNC_ABORT;
      }
    }
    break;
  case AWSC_BODY_CALLBACK: {
    int64_t r = b->read(buf, n, b->user_data);
    if (r < 0) {
      int st = r >= INT_MIN ? (int)r : AWSC_EBODY;
      exchange_abort(ex, st, "request body callback stopped the transfer (%s)",
                     awsc_strerror(st));
      return CURL_READFUNC_ABORT;
    }
    if ((uint64_t)r > n) {
      exchange_abort(ex, AWSC_EBODY,
                     "request body callback returned %" PRId64
                     " bytes for a %zu-byte buffer",
                     r, n);
      return CURL_READFUNC_ABORT;
    }
    if (r == 0 && ex->body_len >= 0) {
      exchange_abort(ex, AWSC_EBODY,
                     "request body callback ended after %" PRIu64 " of %" PRId64
                     " bytes",
                     ex->body_sent, ex->body_len);
      return CURL_READFUNC_ABORT;
    }
    got = (size_t)r;
    break;
  }
  default:
    return 0;
  }
  ex->body_sent += got;
  if (got)
    touch(ex);
  return got;
}

int exchange_seek_cb(void *ud, curl_off_t offset, int origin) {
  exchange *ex = ud;
  const awsc_body_source *b = &ex->req->body;
  /* libcurl only ever rewinds (to replay a body on a new connection or
   * after an auth round); anything else is refused. */
  if (origin != SEEK_SET || offset < 0 ||
      (ex->body_len >= 0 && offset > ex->body_len))
    return CURL_SEEKFUNC_FAIL;
  switch (b->kind) {
  case AWSC_BODY_NONE:
  case AWSC_BODY_MEMORY:
    break;
  case AWSC_BODY_FILE:
    if (!ex->in ||
        fseeko(ex->in, (off_t)(b->offset + (uint64_t)offset), SEEK_SET) != 0) {
      ex->rewind_failed = true;
      return CURL_SEEKFUNC_CANTSEEK;
    }
    break;
  case AWSC_BODY_CALLBACK:
    if (offset != 0 || !b->rewind || b->rewind(b->user_data) != 0) {
      ex->rewind_failed = true;
      return CURL_SEEKFUNC_CANTSEEK;
    }
    break;
  }
  ex->body_sent = (uint64_t)offset;
  return CURL_SEEKFUNC_OK;
}

static bool starts_with(const char *p, size_t n, const char *lit) {
  size_t l = strlen(lit);
  return n >= l && memcmp(p, lit, l) == 0;
}

size_t exchange_header_cb(char *buf, size_t size, size_t nitems, void *ud) {
  exchange *ex = ud;
  size_t n = size * nitems, len = n;
  touch(ex);
  while (len > 0 && (buf[len - 1] == '\r' || buf[len - 1] == '\n'))
    len--;
  int rc = AWSC_OK;
  if (starts_with(buf, len, "HTTP/")) {
    /* A new response (after 100 Continue, a proxy's CONNECT answer or an
     * auth round): only the final response's headers are kept. */
    awsc_http_response_clear_headers(ex->resp);
    const char *sp = memchr(buf, ' ', len);
    int status = 0;
    if (sp) {
      for (const char *p = sp + 1;
           p < buf + len && *p >= '0' && *p <= '9' && status < 1000; p++)
        status = status * 10 + (*p - '0');
    }
    ex->resp->status = status;
  } else if (len == 0) {
    return n;
  } else if (buf[0] == ' ' || buf[0] == '\t') {
    rc = awsc_http_response_fold_header(ex->resp, buf, len);
  } else {
    const char *colon = memchr(buf, ':', len);
    if (!colon)
      return n;
    rc = awsc_http_response_add_header_n(ex->resp, buf, (size_t)(colon - buf),
                                         colon + 1,
                                         len - (size_t)(colon - buf) - 1);
  }
  if (rc) {
    exchange_abort(ex, rc, "out of memory storing response headers");
    return 0;
  }
  return n;
}

size_t exchange_write_cb(char *ptr, size_t size, size_t nmemb, void *ud) {
  exchange *ex = ud;
  const awsc_body_sink *s = &ex->req->sink;
  size_t n = size * nmemb;
  char eb[128];
  touch(ex);
  if (n == 0)
    return 0;
  if (ex->dest == DEST_UNDECIDED) {
    /* The error body of a non-2xx answer is always kept in memory, where
     * the caller parses it; a download file is never touched by it. */
    int st = ex->resp->status;
    if (st < 200 || st > 299 || s->kind == AWSC_SINK_MEMORY)
      ex->dest = DEST_MEMORY;
    else if (s->kind == AWSC_SINK_FILE)
      ex->dest = DEST_FILE;
    else
      ex->dest = DEST_CALLBACK;
  }
  switch (ex->dest) {
  case DEST_FILE:
    if (!ex->out) {
      ex->out = fopen(s->path, "wb");
      if (!ex->out) {
        exchange_abort(ex, AWSC_EIO, "cannot create %s: %s", s->path,
                       awsc_errno_text(errno, eb, sizeof(eb)));
        return 0;
      }
    }
    if (fwrite(ptr, 1, n, ex->out) != n) {
      exchange_abort(ex, AWSC_EIO, "cannot write %s: %s", s->path,
                     awsc_errno_text(errno, eb, sizeof(eb)));
      return 0;
    }
    break;
  case DEST_CALLBACK: {
    int rc = s->write(ptr, n, s->user_data);
    if (rc < 0) {
      exchange_abort(ex, rc,
                     "response body callback stopped the transfer "
                     "(%s)",
                     awsc_strerror(rc));
      return 0;
    }
    break;
  }
  default:
    if (awsc_http_response_append_body(ex->resp, ptr, n) != AWSC_OK) {
      exchange_abort(ex, AWSC_ENOMEM,
                     "out of memory storing the response "
                     "body (%zu bytes so far)",
                     ex->resp->body_len);
      return 0;
    }
    break;
  }
  ex->resp->bytes_received += n;
  return n;
}

int exchange_xferinfo_cb(void *ud, curl_off_t dltotal, curl_off_t dlnow,
                         curl_off_t ultotal, curl_off_t ulnow) {
  exchange *ex = ud;
  (void)dltotal;
  (void)ultotal;
  const awsc_http_request *r = ex->req;
  if (r->progress &&
      r->progress(ulnow > 0 ? (uint64_t)ulnow : 0,
                  dlnow > 0 ? (uint64_t)dlnow : 0, r->progress_user_data)) {
    exchange_abort(ex, AWSC_ECANCELLED,
                   "the progress callback cancelled the transfer");
    return 1;
  }
  return 0;
}

int exchange_prereq_cb(void *ud, char *primary_ip, char *local_ip,
                       int primary_port, int local_port) {
  exchange *ex = ud;
  (void)primary_ip;
  (void)local_ip;
  (void)primary_port;
  (void)local_port;
  /* The connection is up (new or reused): from now on the read timeout
   * measures silence; before this the connect timeout applies. */
  ex->io_started = true;
  ex->sends++;
  touch(ex);
  return CURL_PREREQFUNC_OK;
}
