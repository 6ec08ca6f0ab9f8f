/*
 * The transfer control (awsc/transfer.h): an atomic request word that
 * any thread may set (cancel, pause) and the transfers read between the
 * loop's steps and as bytes move, and the resume token a paused or
 * failed multipart upload leaves. Built with or without the s3 service.
 */
#include <string.h>

#include "core/core.h"
#include "transfer/control.h"

int awsc_s3_transfer_control_new(awsc_s3_transfer_control **out,
                                 awsc_error *err) {
  if (!out)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_s3_transfer_control_new: NULL argument");
  *out = awsc_calloc(1, sizeof(**out));
  if (!*out)
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  atomic_init(&(*out)->stop, XFER_GO);
  return 0;
}

void awsc_s3_transfer_control_free(awsc_s3_transfer_control *c) {
  if (!c)
    return;
  awsc_free(c->token);
  awsc_free(c);
}

void awsc_s3_transfer_cancel(awsc_s3_transfer_control *c) {
  if (c)
    atomic_store(&c->stop, XFER_CANCEL);
}

void awsc_s3_transfer_pause(awsc_s3_transfer_control *c) {
  if (c)
    atomic_store(&c->stop, XFER_PAUSE);
}

const char *awsc_s3_transfer_resume_token(const awsc_s3_transfer_control *c) {
  return c ? c->token : NULL;
}

void xfer_control_reset(awsc_s3_transfer_control *c) {
  atomic_store(&c->stop, XFER_GO);
  awsc_free(c->token);
  c->token = NULL;
}

int xfer_control_set_token(awsc_s3_transfer_control *c, const char *token,
                           size_t len) {
  char *t = awsc_malloc(len + 1);
  if (!t)
    return AWSC_ENOMEM;
  memcpy(t, token, len);
  t[len] = '\0';
  awsc_free(c->token);
  c->token = t;
  return 0;
}
