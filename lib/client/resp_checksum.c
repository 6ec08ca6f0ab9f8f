/*
 * Response checksum validation (botocore's response_checksum_validation):
 * operations with an httpChecksum requestValidationModeMember (S3
 * GetObject's ChecksumMode) are sent with it ENABLED by default
 * ("when_supported"), and the body that comes back is checked against the
 * x-amz-checksum-* header the service answers, whichever way the body
 * goes: memory, a file (read back once written) or the caller's callback
 * (hashed as it passes). Composite checksums of multipart objects
 * ("...-3") can not be checked against the whole body and are skipped, as
 * botocore does; so are algorithms awsc lacks (CRC64NVME).
 */
#include "client/resp_checksum.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* botocore's priority order, restricted to what awsc computes */
static const int priority[] = {AWSC_CKSUM_CRC32C, AWSC_CKSUM_CRC32,
                               AWSC_CKSUM_SHA1, AWSC_CKSUM_SHA256};

void awsc_resp_checksum_init(awsc_resp_checksum *rc, const awsc_operation *op,
                             const awsc_http_response *resp) {
  memset(rc, 0, sizeof(*rc));
  rc->op = op;
  rc->resp = resp;
}

static bool op_lists(const awsc_operation *op, const char *name) {
  for (uint32_t i = 0; i < op->response_checksum_algorithm_count; i++)
    if (strcasecmp(op->response_checksum_algorithms[i], name) == 0)
      return true;
  return false;
}

/* Pick the header to check (first in priority order that the model lists
 * and the response carries, not composite); state 2 when none. */
static void pick(awsc_resp_checksum *rc) {
  rc->state = 2;
  for (size_t i = 0; i < sizeof(priority) / sizeof(priority[0]); i++) {
    int alg = priority[i];
    if (!op_lists(rc->op, awsc_checksum_name(alg)))
      continue;
    const char *v =
        awsc_http_response_header(rc->resp, awsc_checksum_header_name(alg));
    if (!v || !*v)
      continue;
    if (strchr(v, '-'))
      return; /* composite (multipart): not a checksum of these bytes */
    snprintf(rc->expected, sizeof(rc->expected), "%s", v);
    awsc_checksum_init(&rc->sum, alg);
    rc->state = 1;
    return;
  }
}

static int wrapped_write(const void *data, size_t len, void *ud) {
  awsc_resp_checksum *rc = ud;
  if (rc->state == 0)
    pick(rc); /* the headers are in by the first byte of the body */
  if (rc->state == 1)
    awsc_checksum_update(&rc->sum, data, len);
  return rc->user.write(data, len, rc->user.user_data);
}

void awsc_resp_checksum_wrap(awsc_resp_checksum *rc, const awsc_body_sink *user,
                             awsc_body_sink *out) {
  rc->user = *user;
  rc->streamed = true;
  memset(out, 0, sizeof(*out));
  out->kind = AWSC_SINK_CALLBACK;
  out->write = wrapped_write;
  out->user_data = rc;
}

static int mismatch(awsc_resp_checksum *rc, const char *got, awsc_error *err) {
  return awsc_error_set(err, AWSC_ECHECKSUM, AWSC_ERROR_PARSE,
                        "Expected checksum %s did not match calculated "
                        "checksum: %s (%s of the body of %s)",
                        rc->expected, got, awsc_checksum_name(rc->sum.alg),
                        rc->op->name);
}

int awsc_resp_checksum_verify(awsc_resp_checksum *rc,
                              const awsc_body_sink *sink, const void *body,
                              size_t len, awsc_error *err) {
  if (rc->state == 0)
    pick(rc); /* empty streamed body, or memory / file */
  if (rc->state != 1)
    return 0;
  if (!rc->streamed) {
    if (sink && sink->kind == AWSC_SINK_FILE) {
      FILE *f = fopen(sink->path, "rb");
      if (!f)
        return awsc_error_set(err, AWSC_EIO, AWSC_ERROR_IO,
                              "cannot read %s back to check its checksum",
                              sink->path);
      char buf[65536];
      size_t n;
      while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        awsc_checksum_update(&rc->sum, buf, n);
      bool bad = ferror(f) != 0;
      fclose(f);
      if (bad)
        return awsc_error_set(err, AWSC_EIO, AWSC_ERROR_IO,
                              "cannot read %s back to check its checksum",
                              sink->path);
    } else {
      awsc_checksum_update(&rc->sum, body ? body : "", body ? len : 0);
    }
  }
  char got[AWSC_CKSUM_B64_MAX];
  awsc_checksum_final_b64(&rc->sum, got);
  rc->state = 2;
  return strcmp(got, rc->expected) == 0 ? 0 : mismatch(rc, got, err);
}
