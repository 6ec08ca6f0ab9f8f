/*
 * lib/transfer/control.h - internal: the transfer control's insides
 * (control.c), shared with the transfers (xfer.c, parts.c, upload.c).
 */
#ifndef AWSC_TRANSFER_CONTROL_H
#define AWSC_TRANSFER_CONTROL_H

#include <stdatomic.h>

#include "awsc/transfer.h"

/* What was asked of a transfer: nothing, stop, stop keeping the upload. */
enum { XFER_GO = 0, XFER_CANCEL = 1, XFER_PAUSE = 2 };

struct awsc_s3_transfer_control {
  atomic_int stop;
  char *token; /* awsc_malloc'd, or NULL */
};

/* A transfer under c begins: no request, no token. */
void xfer_control_reset(awsc_s3_transfer_control *c);
/* Keep `token` (copied) as c's resume token. 0 or AWSC_ENOMEM. */
int xfer_control_set_token(awsc_s3_transfer_control *c, const char *token,
                           size_t len);

#endif
