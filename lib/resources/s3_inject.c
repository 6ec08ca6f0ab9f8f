/*
 * lib/resources/s3_inject.c - the S3 conveniences boto3 injects into its
 * Bucket and Object resources (boto3/s3/inject.py): upload_file,
 * download_file and copy, with the bucket and key taken from the handle,
 * through the managed transfers of lib/transfer. Declared in the
 * generated awsc/s3_resources.h (codegen/gen_resources.py CONVENIENCES).
 * Built only with the s3 service.
 */
#include "awsc/s3_resources.h"
#include "resources/resource_internal.h"

/* Identifier positions in the model: Bucket {Name}, Object {BucketName,
 * Key}. */
static const char *id(const void *r, size_t i) {
  return awsc_rsrc_identifier_text((const awsc_resource *)r, i);
}

static int null_handle(awsc_error *err) {
  return awsc_rsrc_null_handle(err);
}

int awsc_s3_bucket_upload_file(awsc_s3_transfer_result *result,
                               awsc_s3_bucket *r, const char *filename,
                               const char *key,
                               const struct awsc_s3_PutObjectRequest *extra,
                               const awsc_s3_transfer_config *config,
                               awsc_error *err) {
  if (!r)
    return null_handle(err);
  return awsc_s3_upload_file(result, awsc_rsrc_client((awsc_resource *)r),
                             filename, id(r, 0), key, extra, config, err);
}

int awsc_s3_bucket_download_file(awsc_s3_transfer_result *result,
                                 awsc_s3_bucket *r, const char *key,
                                 const char *filename,
                                 const struct awsc_s3_GetObjectRequest *extra,
                                 const awsc_s3_transfer_config *config,
                                 awsc_error *err) {
  if (!r)
    return null_handle(err);
  return awsc_s3_download_file(result, awsc_rsrc_client((awsc_resource *)r),
                               id(r, 0), key, filename, extra, config, err);
}

int awsc_s3_bucket_copy(awsc_s3_transfer_result *result, awsc_s3_bucket *r,
                        const awsc_s3_copy_source *source, const char *key,
                        const struct awsc_s3_CopyObjectRequest *extra,
                        const awsc_s3_transfer_config *config,
                        awsc_error *err) {
  if (!r)
    return null_handle(err);
  return awsc_s3_copy(result, awsc_rsrc_client((awsc_resource *)r), source,
                      id(r, 0), key, extra, config, err);
}

int awsc_s3_object_upload_file(awsc_s3_transfer_result *result,
                               awsc_s3_object *r, const char *filename,
                               const struct awsc_s3_PutObjectRequest *extra,
                               const awsc_s3_transfer_config *config,
                               awsc_error *err) {
  if (!r)
    return null_handle(err);
  return awsc_s3_upload_file(result, awsc_rsrc_client((awsc_resource *)r),
                             filename, id(r, 0), id(r, 1), extra, config, err);
}

int awsc_s3_object_download_file(awsc_s3_transfer_result *result,
                                 awsc_s3_object *r, const char *filename,
                                 const struct awsc_s3_GetObjectRequest *extra,
                                 const awsc_s3_transfer_config *config,
                                 awsc_error *err) {
  if (!r)
    return null_handle(err);
  return awsc_s3_download_file(result, awsc_rsrc_client((awsc_resource *)r),
                               id(r, 0), id(r, 1), filename, extra, config,
                               err);
}

int awsc_s3_object_copy(awsc_s3_transfer_result *result, awsc_s3_object *r,
                        const awsc_s3_copy_source *source,
                        const struct awsc_s3_CopyObjectRequest *extra,
                        const awsc_s3_transfer_config *config,
                        awsc_error *err) {
  if (!r)
    return null_handle(err);
  return awsc_s3_copy(result, awsc_rsrc_client((awsc_resource *)r), source,
                      id(r, 0), id(r, 1), extra, config, err);
}
