/*
 * lib/client/resp_checksum.h - internal: checking a response body against
 * its x-amz-checksum-* header (response_checksum_validation).
 *
 * Per call (storage on the pipeline's stack):
 *   awsc_resp_checksum_init(&rc, op, &resp);
 *   for a CALLBACK sink: awsc_resp_checksum_wrap(&rc, &call->sink, &sink)
 *     and give `sink` to the transport (hashes as the body passes; the
 *     header is read at the first byte, when the transport has it);
 *   after a 2xx: awsc_resp_checksum_verify(&rc, &call->sink, body, len)
 *     (memory body, or the file of a FILE sink read back).
 */
#ifndef AWSC_CLIENT_RESP_CHECKSUM_H
#define AWSC_CLIENT_RESP_CHECKSUM_H

#include <stdbool.h>
#include <stdint.h>

#include "auth/checksum.h"
#include "awsc/sys/transport.h"
#include "core/core.h"
#include "runtime/descriptor.h"

typedef struct awsc_resp_checksum {
  const awsc_operation *op;
  const awsc_http_response *resp;
  awsc_body_sink user; /* the caller's callback sink (wrapped) */
  bool streamed;       /* the body passed through the wrapper */
  int state;           /* 0 undecided, 1 hashing, 2 nothing (more) to do */
  char expected[96];
  awsc_checksum sum;
} awsc_resp_checksum;

void awsc_resp_checksum_init(awsc_resp_checksum *rc, const awsc_operation *op,
                             const awsc_http_response *resp);
void awsc_resp_checksum_wrap(awsc_resp_checksum *rc, const awsc_body_sink *user,
                             awsc_body_sink *out);
/* 0 (checked, or nothing to check), AWSC_ECHECKSUM with the expected and
 * calculated values in err, AWSC_EIO (file not readable). */
int awsc_resp_checksum_verify(awsc_resp_checksum *rc,
                              const awsc_body_sink *sink, const void *body,
                              size_t len, awsc_error *err);

#endif
