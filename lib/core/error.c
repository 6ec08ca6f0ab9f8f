/* lib/core/error.c - status texts and the caller-owned error record. */
#include <stdio.h>
#include <string.h>

#include "core/core.h"

const char *awsc_strerror(int status) {
  switch (status) {
  case AWSC_OK:
    return "success";
  case AWSC_ENOMEM:
    return "out of memory";
  case AWSC_EINVAL:
    return "invalid argument";
  case AWSC_ENETWORK:
    return "network error";
  case AWSC_ETIMEOUT:
    return "timed out";
  case AWSC_ECREDENTIALS:
    return "credentials unavailable or invalid";
  case AWSC_ESERVICE:
    return "service returned an error";
  case AWSC_EVALIDATION:
    return "parameter validation failed";
  case AWSC_EPARSE:
    return "could not parse data";
  case AWSC_EIO:
    return "local I/O error";
  case AWSC_ENOTFOUND:
    return "not found";
  case AWSC_ECONFIG:
    return "invalid configuration";
  case AWSC_EUNSUPPORTED:
    return "not supported";
  case AWSC_ETLS:
    return "TLS error";
  case AWSC_ECANCELLED:
    return "cancelled by callback";
  case AWSC_EBODY:
    return "request body cannot be read or replayed";
  case AWSC_ECHECKSUM:
    return "response checksum mismatch";
  }
  return "unknown error";
}

const char *awsc_error_kind_name(awsc_error_kind kind) {
  switch (kind) {
  case AWSC_ERROR_NONE:
    return "none";
  case AWSC_ERROR_NETWORK:
    return "network";
  case AWSC_ERROR_TIMEOUT:
    return "timeout";
  case AWSC_ERROR_CREDENTIALS:
    return "credentials";
  case AWSC_ERROR_SERVICE:
    return "service";
  case AWSC_ERROR_VALIDATION:
    return "validation";
  case AWSC_ERROR_PARSE:
    return "parse";
  case AWSC_ERROR_IO:
    return "io";
  case AWSC_ERROR_CONFIG:
    return "config";
  case AWSC_ERROR_INTERNAL:
    return "internal";
  }
  return "unknown";
}

void awsc_error_clear(awsc_error *err) {
  if (err)
    *err = (awsc_error)AWSC_ERROR_INIT;
}

int awsc_error_set(awsc_error *err, int code, awsc_error_kind kind,
                   const char *fmt, ...) {
  if (!err)
    return code;
  memset(err, 0, sizeof(*err));
  err->code = code;
  err->kind = kind;
  if (fmt) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
  } else {
    awsc_strlcpy(err->message, awsc_strerror(code), sizeof(err->message));
  }
  /* The message is documented as one line and secret-free; enforce both
   * here rather than trusting every caller's format arguments. */
  awsc_log_redact(err->message);
  for (char *p = err->message; *p; p++)
    if (*p == '\n' || *p == '\r')
      *p = ' ';
  return code;
}

void awsc_error_copy(awsc_error *dst, const awsc_error *src) {
  if (!dst)
    return;
  if (!src) {
    awsc_error_clear(dst);
    return;
  }
  if (dst == src)
    return;
  /* field by field: src may have been only reset (awsc_error_reset), its
   * bytes past each string's end left-overs that must not be copied */
  awsc_error_clear(dst);
  dst->code = src->code;
  dst->kind = src->kind;
  dst->http_status = src->http_status;
  dst->retry_attempts = src->retry_attempts;
  awsc_strlcpy(dst->service_code, src->service_code, sizeof(dst->service_code));
  awsc_strlcpy(dst->message, src->message, sizeof(dst->message));
  awsc_strlcpy(dst->request_id, src->request_id, sizeof(dst->request_id));
  awsc_strlcpy(dst->host_id, src->host_id, sizeof(dst->host_id));
}

void awsc_strlcpy(char *dst, const char *src, size_t dst_size) {
  if (!dst || dst_size == 0)
    return;
  size_t n = src ? strnlen(src, dst_size - 1) : 0;
  if (n)
    memcpy(dst, src, n);
  dst[n] = '\0';
}

const char *awsc_version(void) {
  return AWSC_VERSION_STRING;
}

unsigned awsc_version_num(void) {
  return AWSC_VERSION_NUM;
}
