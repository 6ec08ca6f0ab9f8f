/*
 * Multipart uploads a transfer made without knowing it: when the answer
 * to CreateMultipartUpload is lost (connection reset, timeout, 5xx after
 * the server acted), the engine's retry creates a second upload and the
 * first would stay, billed, until a lifecycle rule removes it. The
 * transfer knows this happened from the output's RetryAttempts (or from a
 * failed create), lists the uploads of its key and aborts those that
 * began since it did and are not the one it uses.
 *
 * "Since it did" is measured in the server's clock: the Date of the
 * ListMultipartUploads answer less the local time elapsed since the
 * transfer began, so a skewed local clock does not matter; a slack of
 * XFER_STRAY_SLACK_MS covers Date's one-second resolution. An upload of
 * the same key that another client began in that window would be
 * aborted too: two writers of one key race anyway, and the window is the
 * transfer's own lifetime so far.
 *
 * Here too: the CreateMultipartUpload and the abort after a failure that
 * uploads and copies share (xfer_create_upload, xfer_abort_mine).
 */
#include <string.h>

#include "client/client_internal.h"
#include "transfer/transfer_internal.h"

#define STRAY_MAX_PAGES 20

/* The earliest Initiated (ms, server clock) that counts as ours. */
static int64_t since_ms(const xfer *x, const awsc_response_metadata *meta) {
  int64_t elapsed = awsc_time_now_ms() - x->start_ms;
  for (size_t i = 0; meta && i < meta->header_count; i++) {
    int64_t date;
    if (strcmp(meta->headers[i].name, "date") == 0 &&
        awsc_time_parse_rfc1123(awsc_sv_from_cstr(meta->headers[i].value),
                                &date) == 0)
      return date - elapsed - XFER_STRAY_SLACK_MS;
  }
  return x->start_ms + x->client->clock_offset_ms - XFER_STRAY_NO_DATE_SLACK_MS;
}

/* The stray uploads of one page of the listing, into ids (arena
 * strings); how many. */
static size_t strays_of(xfer *x, const awsc_s3_ListMultipartUploadsOutput *o,
                        const char *keep, const char **ids, size_t room) {
  int64_t since = since_ms(x, awsc_output_metadata(o));
  size_t n = 0;
  for (size_t i = 0; i < o->uploads_count && n < room; i++) {
    const awsc_s3_MultipartUpload *u = &o->uploads[i];
    if (!u->key || strcmp(u->key, x->key) != 0 || !u->upload_id ||
        (keep && strcmp(u->upload_id, keep) == 0))
      continue;
    /* without Initiated there is no telling whose it is: left alone */
    if (!u->has_initiated || u->initiated < since)
      continue;
    if ((ids[n] = awsc_arena_strdup(x->arena, u->upload_id)))
      n++;
  }
  return n;
}

void xfer_abort_strays(xfer *x, const char *keep) {
  static const xfer_arg list_args[] = {{"RequestPayer", NULL},
                                       {"ExpectedBucketOwner", NULL}};
  awsc_error lerr = AWSC_ERROR_INIT;
  awsc_error *keep_err = x->err;
  x->err = &lerr; /* xfer_input's failures must not replace the caller's */
  awsc_s3_ListMultipartUploadsRequest *in = NULL;
  int rc = xfer_input(x, "ListMultipartUploads", list_args,
                      AWSC_ARRAY_LEN(list_args), false, (void **)&in);
  x->err = keep_err;
  const char *ids[64];
  for (int page = 0; !rc && page < STRAY_MAX_PAGES; page++) {
    in->prefix = x->key;
    awsc_s3_ListMultipartUploadsOutput *o = NULL;
    for (int round = 0; round < XFER_ABORT_ROUNDS; round++) {
      rc = awsc_s3_list_multipart_uploads(&o, x->client, in, &lerr);
      if (!rc || !xfer_transient(rc, &lerr))
        break;
    }
    if (rc)
      break;
    size_t n = strays_of(x, o, keep, ids, AWSC_ARRAY_LEN(ids));
    bool more = o->has_is_truncated && o->is_truncated && o->next_key_marker &&
                o->next_upload_id_marker;
    in->key_marker =
        more ? awsc_arena_strdup(x->arena, o->next_key_marker) : NULL;
    in->upload_id_marker =
        more ? awsc_arena_strdup(x->arena, o->next_upload_id_marker) : NULL;
    awsc_mem_free(o);
    for (size_t i = 0; i < n; i++) {
      awsc_log(x->client->logger, AWSC_LOG_INFO,
               "%s: aborting upload %s of %s, made by a retried "
               "CreateMultipartUpload",
               x->what, ids[i], x->key);
      xfer_abort(x, x->bucket, x->key, ids[i]);
    }
    if (!more || !in->key_marker || !in->upload_id_marker)
      return;
  }
  if (rc)
    awsc_log(x->client->logger, AWSC_LOG_WARN,
             "%s: cannot list the uploads of %s to abort those a retried "
             "CreateMultipartUpload may have made (%s)",
             x->what, x->key, lerr.message);
}

/* Whether a failed CreateMultipartUpload may still have made an upload:
 * a request went out and no attempt was refused outright (a 4xx on the
 * first and only attempt). */
static bool create_may_have_happened(const awsc_error *err, int rc) {
  bool sent = rc == AWSC_ENETWORK || rc == AWSC_ETIMEOUT ||
              rc == AWSC_ESERVICE || rc == AWSC_EPARSE || rc == AWSC_ECHECKSUM;
  bool refused = rc == AWSC_ESERVICE && err->http_status >= 400 &&
                 err->http_status < 500 && err->retry_attempts == 0;
  return sent && !refused;
}

int xfer_create_upload(xfer *x, const awsc_s3_CreateMultipartUploadRequest *in,
                       const char **upload_id) {
  *upload_id = NULL;
  awsc_s3_CreateMultipartUploadOutput *out = NULL;
  int rc = awsc_s3_create_multipart_upload(&out, x->client, in, x->err);
  if (rc) {
    if (create_may_have_happened(x->err, rc))
      xfer_abort_strays(x, NULL);
    return rc;
  }
  bool no_id = !out->upload_id || !*out->upload_id;
  const char *id = no_id ? NULL : awsc_arena_strdup(x->arena, out->upload_id);
  const awsc_response_metadata *meta = awsc_output_metadata(out);
  bool retried = meta && meta->retry_attempts > 0;
  awsc_mem_free(out);
  if (no_id || !id) {
    xfer_abort_strays(x, NULL); /* it may have made one all the same */
    return no_id ? awsc_error_set(x->err, AWSC_EPARSE, AWSC_ERROR_PARSE,
                                  "CreateMultipartUpload answered without an "
                                  "UploadId")
                 : awsc_error_set(x->err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                                  "out of memory");
  }
  /* an attempt whose answer was lost may have made an upload too */
  if (retried)
    xfer_abort_strays(x, id);
  *upload_id = id;
  return 0;
}

void xfer_abort_mine(xfer *x, const char *upload_id, int rc) {
  bool unknown =
      rc == AWSC_ESERVICE && strcmp(x->err->service_code, "NoSuchUpload") == 0;
  if (xfer_abort(x, x->bucket, x->key, upload_id) != 0 || unknown)
    xfer_abort_strays(x, NULL);
}
