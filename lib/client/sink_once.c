/*
 * lib/client/sink_once.c - see sink_once.h.
 */
#include "client/sink_once.h"

#include <string.h>

#include "awsc/common.h"

void awsc_sink_once_init(awsc_sink_once *so, const awsc_body_sink *user) {
  memset(so, 0, sizeof(*so));
  so->user = *user;
}

/* The answer's ETag: remembered from the first attempt that delivered
 * bytes, compared in every later one. */
static bool same_object(awsc_sink_once *so) {
  const char *etag = awsc_http_response_header(so->resp, "etag");
  if (so->delivered == 0) {
    size_t n = etag ? strlen(etag) : 0;
    so->have_etag = etag && n < sizeof(so->etag);
    if (so->have_etag)
      memcpy(so->etag, etag, n + 1);
    return true;
  }
  if (!so->have_etag)
    return true; /* nothing to compare with: as any GET without ETag */
  return etag && strcmp(etag, so->etag) == 0;
}

static int once_write(const void *data, size_t len, void *ud) {
  awsc_sink_once *so = ud;
  if (!so->attempt_checked) {
    so->attempt_checked = true;
    if (!same_object(so)) {
      so->changed = true;
      return AWSC_ECHECKSUM;
    }
  }
  uint64_t start = so->pos;
  so->pos += len;
  if (so->pos <= so->delivered)
    return 0; /* the caller has these bytes from an earlier attempt */
  size_t skip = start < so->delivered ? (size_t)(so->delivered - start) : 0;
  int rc =
      so->user.write((const char *)data + skip, len - skip, so->user.user_data);
  if (rc < 0)
    return rc;
  so->delivered = so->pos;
  return 0;
}

void awsc_sink_once_attempt(awsc_sink_once *so, const awsc_http_response *resp,
                            awsc_body_sink *out) {
  so->resp = resp;
  so->pos = 0;
  so->attempt_checked = false;
  memset(out, 0, sizeof(*out));
  out->kind = AWSC_SINK_CALLBACK;
  out->write = once_write;
  out->user_data = so;
}
