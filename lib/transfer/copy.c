/*
 * Managed copy (boto3's copy): HeadObject of the source for its size and
 * ETag, then one CopyObject below the multipart threshold, or
 * CreateMultipartUpload + UploadPartCopy per range (each with
 * CopySourceIfMatch, so a source replaced mid-copy fails the copy) +
 * CompleteMultipartUpload, aborting on any failure. The part copies run
 * as concurrent requests on xfer_run_parts' loop.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "client/client_internal.h"
#include "client/typed.h"
#include "transfer/transfer_internal.h"

/* s3transfer's CopySubmissionTask lists. */
static const xfer_arg head_args[] = {
    {"CopySourceIfMatch", "IfMatch"},
    {"CopySourceIfModifiedSince", "IfModifiedSince"},
    {"CopySourceIfNoneMatch", "IfNoneMatch"},
    {"CopySourceIfUnmodifiedSince", "IfUnmodifiedSince"},
    {"CopySourceSSECustomerKey", "SSECustomerKey"},
    {"CopySourceSSECustomerAlgorithm", "SSECustomerAlgorithm"},
    {"CopySourceSSECustomerKeyMD5", "SSECustomerKeyMD5"},
    {"RequestPayer", NULL},
    {"ExpectedBucketOwner", NULL}};
static const xfer_arg part_copy_args[] = {
    {"CopySourceIfMatch", NULL},
    {"CopySourceIfModifiedSince", NULL},
    {"CopySourceIfNoneMatch", NULL},
    {"CopySourceIfUnmodifiedSince", NULL},
    {"CopySourceSSECustomerKey", NULL},
    {"CopySourceSSECustomerAlgorithm", NULL},
    {"CopySourceSSECustomerKeyMD5", NULL},
    {"SSECustomerKey", NULL},
    {"SSECustomerAlgorithm", NULL},
    {"SSECustomerKeyMD5", NULL},
    {"RequestPayer", NULL},
    {"ExpectedBucketOwner", NULL}};
static const xfer_arg create_blocklist[] = {
    {"CopySourceIfMatch", NULL},
    {"CopySourceIfModifiedSince", NULL},
    {"CopySourceIfNoneMatch", NULL},
    {"CopySourceIfUnmodifiedSince", NULL},
    {"CopySourceSSECustomerKey", NULL},
    {"CopySourceSSECustomerAlgorithm", NULL},
    {"CopySourceSSECustomerKeyMD5", NULL},
    {"MetadataDirective", NULL},
    {"TaggingDirective", NULL}};

/* CopyObject / UploadPartCopy with the CopySource this layer encoded
 * (xfer_copy_source_header), which the client must not encode again. */
static int invoke_copy(xfer *x, const char *operation, const void *in,
                       void **out, awsc_error *err) {
  const awsc_service *svc = awsc_builtin_service("s3");
  const awsc_operation *op =
      svc ? awsc_service_find_operation(svc, operation) : NULL;
  if (!op)
    return awsc_error_set(err, AWSC_ENOTFOUND, AWSC_ERROR_VALIDATION,
                          "S3 is not built into this library");
  return awsc_invoke_typed_ex(out, x->client, svc, op, in, NULL,
                              AWSC_TYPED_COPY_SOURCE_ENCODED, err);
}

static int copy_single(xfer *x) {
  awsc_s3_CopyObjectRequest *in = NULL;
  int rc = xfer_input(x, "CopyObject", NULL, 0, true, (void **)&in);
  if (rc)
    return rc;
  awsc_s3_CopyObjectOutput *out = NULL;
  if ((rc = invoke_copy(x, "CopyObject", in, (void **)&out, x->err)))
    return rc;
  xfer_result(x, x->total, 0,
              out->copy_object_result ? out->copy_object_result->e_tag : NULL,
              out->version_id, false);
  awsc_mem_free(out);
  return xfer_progress_add(x, x->total, x->err);
}

/* What CopyObject's default MetadataDirective COPY would keep, unless the
 * ExtraArgs say otherwise (strings borrowed from h, which outlives cin). */
static void carry_properties(xfer *x, awsc_s3_CreateMultipartUploadRequest *c,
                             const awsc_s3_HeadObjectOutput *h) {
  const char *md = xfer_arg_str(x, "MetadataDirective");
  if (md && strcasecmp(md, "REPLACE") == 0)
    return;
  if (!c->content_type)
    c->content_type = h->content_type;
  if (!c->cache_control)
    c->cache_control = h->cache_control;
  if (!c->content_disposition)
    c->content_disposition = h->content_disposition;
  if (!c->content_encoding)
    c->content_encoding = h->content_encoding;
  if (!c->content_language)
    c->content_language = h->content_language;
  if (!c->has_expires && h->has_expires) {
    c->expires = h->expires;
    c->has_expires = true;
  }
  if (!c->metadata_count && !c->metadata) {
    c->metadata = h->metadata;
    c->metadata_count = h->metadata_count;
  }
}

/* The plan and the outcome of a multipart copy. */
typedef struct mpc {
  const awsc_s3_UploadPartCopyRequest *base;
  const char *upload_id;
  uint64_t part_size;
  awsc_s3_CompletedPart *parts; /* [n] */
  const char **etags;           /* [n] */
} mpc;

/* A part's range text, kept until its request ends. */
typedef struct copy_slot {
  char range[64];
} copy_slot;

/* Keep the ETag and checksum of part i from its UploadPartCopy answer. */
static int keep_part(xfer *x, const mpc *m, uint32_t i,
                     const awsc_s3_UploadPartCopyOutput *out, awsc_error *err) {
  uint64_t off = (uint64_t)i * m->part_size;
  uint64_t len = x->total - off < m->part_size ? x->total - off : m->part_size;
  const awsc_s3_CopyPartResult *r = out->copy_part_result;
  const char *e = r && r->e_tag && *r->e_tag ? r->e_tag : NULL;
  const char *ck = r ? GET_CHECKSUM(r, x->alg) : NULL;
  /* the output dies after this: what is kept moves into the arena */
  const char *e_copy = xfer_strdup(x, e);
  const char *ck_copy = xfer_strdup(x, ck);
  if (!e)
    return awsc_error_set(err, AWSC_EPARSE, AWSC_ERROR_PARSE,
                          "UploadPartCopy of part %u of %s answered without "
                          "an ETag",
                          i + 1, x->key);
  if (!e_copy || (ck && !ck_copy))
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  awsc_s3_CompletedPart *p = &m->parts[i];
  p->part_number = (int32_t)(i + 1);
  p->has_part_number = true;
  p->e_tag = e_copy;
  SET_CHECKSUM(p, x->alg, ck_copy);
  m->etags[i] = e_copy;
  return xfer_progress_add(x, len, err);
}

/* UploadPartCopy of a slot's part ended (on the loop). */
static void part_copied(int status, void *output, const awsc_error *err,
                        void *ud) {
  xfer_slot *s = ud;
  s->req = NULL;
  int rc = status;
  if (rc)
    awsc_error_copy(&s->err, err);
  else
    rc = keep_part(s->x, s->ctx, s->i, output, &s->err);
  awsc_mem_free(output);
  xfer_slot_done(s, rc);
}

/* Start the UploadPartCopy of part s->i (0-based). */
static int copy_part(xfer *x, void *ctx, xfer_slot *s) {
  const mpc *m = ctx;
  copy_slot *cs = s->state;
  uint64_t off = (uint64_t)s->i * m->part_size;
  uint64_t len = x->total - off < m->part_size ? x->total - off : m->part_size;
  snprintf(cs->range, sizeof(cs->range), "bytes=%llu-%llu",
           (unsigned long long)off, (unsigned long long)(off + len - 1));
  awsc_s3_UploadPartCopyRequest in = *m->base;
  in.upload_id = m->upload_id;
  in.part_number = (int32_t)(s->i + 1);
  in.has_part_number = true;
  in.copy_source_range = cs->range;
  return xfer_start_typed(x, s, "UploadPartCopy", &in, NULL,
                          AWSC_TYPED_COPY_SOURCE_ENCODED, part_copied);
}

static int copy_multipart(xfer *x, const awsc_s3_HeadObjectOutput *h,
                          const char *copy_source, const char *etag) {
  uint64_t ps = xfer_part_size(x->chunksize, x->total);
  uint32_t n = (uint32_t)(x->total / ps + (x->total % ps != 0));
  awsc_s3_CompletedPart *parts = awsc_arena_calloc(x->arena, n, sizeof(*parts));
  const char **etags = awsc_arena_calloc(x->arena, n, sizeof(*etags));
  if (!parts || !etags)
    return awsc_error_set(x->err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  awsc_s3_UploadPartCopyRequest *base = NULL;
  awsc_s3_CreateMultipartUploadRequest *cin = NULL;
  int rc = xfer_input(x, "UploadPartCopy", part_copy_args,
                      AWSC_ARRAY_LEN(part_copy_args), false, (void **)&base);
  rc = rc ? rc
          : xfer_input(x, "CreateMultipartUpload", create_blocklist,
                       AWSC_ARRAY_LEN(create_blocklist), true, (void **)&cin);
  if (rc)
    return rc;
  base->copy_source = copy_source;
  if (etag)
    base->copy_source_if_match = etag;
  carry_properties(x, cin, h);

  const char *upload_id = NULL;
  if ((rc = xfer_create_upload(x, cin, &upload_id)))
    return rc;
  mpc m = {base, upload_id, ps, parts, etags};
  rc = xfer_run_parts(x, n, copy_part, &m, sizeof(copy_slot));
  if (!rc)
    rc = xfer_complete(x, upload_id, parts, etags, n);
  if (rc)
    xfer_abort_mine(x, upload_id, rc);
  return rc;
}

static int copy(xfer *x, const awsc_s3_copy_source *src,
                const char *copy_source) {
  awsc_s3_HeadObjectRequest *hin = NULL;
  int rc = xfer_input(x, "HeadObject", head_args, AWSC_ARRAY_LEN(head_args),
                      false, (void **)&hin);
  if (rc)
    return rc;
  hin->bucket = src->bucket;
  hin->key = src->key;
  hin->version_id = src->version_id;
  awsc_s3_HeadObjectOutput *h = NULL;
  if ((rc = awsc_s3_head_object(&h, x->client, hin, x->err)))
    return rc;
  x->total = h->has_content_length && h->content_length > 0
                 ? (uint64_t)h->content_length
                 : 0;
  if (x->total < x->threshold)
    rc = copy_single(x);
  else
    rc = copy_multipart(x, h, copy_source,
                        h->e_tag && *h->e_tag ? h->e_tag : NULL);
  awsc_mem_free(h);
  return rc;
}

static int managed_copy(awsc_s3_transfer_result *result, awsc_client *client,
                        const awsc_s3_copy_source *source, const char *bucket,
                        const char *key, const xfer_extra *extra,
                        const awsc_s3_transfer_config *config,
                        awsc_error *err) {
  if (!source || !source->bucket || !source->key)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "copy: the copy source needs a bucket and a key");
  awsc_arena *a = awsc_arena_new(0);
  const char *cs = a ? xfer_copy_source_header(a, source->bucket, source->key,
                                               source->version_id)
                     : NULL;
  if (!cs) {
    awsc_arena_free(a);
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  }
  xfer x;
  int rc = xfer_begin(&x, client, "copy", "CopyObject", bucket, key, cs, extra,
                      xfer_copy_args, xfer_copy_args_n, config, result, err);
  if (!rc) {
    rc = copy(&x, source, cs);
    xfer_end(&x);
  }
  awsc_arena_free(a);
  return rc;
}

int awsc_s3_copy(awsc_s3_transfer_result *result, awsc_client *client,
                 const awsc_s3_copy_source *source, const char *bucket,
                 const char *key,
                 const struct awsc_s3_CopyObjectRequest *extra_args,
                 const awsc_s3_transfer_config *config, awsc_error *err) {
  xfer_extra extra = {NULL, extra_args};
  return managed_copy(result, client, source, bucket, key, &extra, config, err);
}

int awsc_s3_copy_json(awsc_s3_transfer_result *result, awsc_client *client,
                      const awsc_s3_copy_source *source, const char *bucket,
                      const char *key, const char *extra_args_json,
                      const awsc_s3_transfer_config *config, awsc_error *err) {
  xfer_extra extra = {extra_args_json, NULL};
  return managed_copy(result, client, source, bucket, key, &extra, config, err);
}
