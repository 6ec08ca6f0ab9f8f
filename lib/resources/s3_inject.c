/*
 * lib/resources/s3_inject.c - the S3 conveniences boto3 injects into its
 * Bucket and Object resources (boto3/s3/inject.py): upload_file,
 * download_file, copy, upload_fileobj, download_fileobj and Object.get
 * with a streaming body (get_to), with the bucket and key taken from the
 * handle, through the managed transfers of lib/transfer. Declared in the
 * generated awsc/s3_resources.h (codegen/gen_resources.py CONVENIENCES).
 * Built only with the s3 service.
 */
#include <string.h>

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

int awsc_s3_bucket_upload_fileobj(awsc_s3_transfer_result *result,
                                  awsc_s3_bucket *r, awsc_read_fn read,
                                  void *user_data, uint64_t size,
                                  const char *key,
                                  const struct awsc_s3_PutObjectRequest *extra,
                                  const awsc_s3_transfer_config *config,
                                  awsc_error *err) {
  if (!r)
    return null_handle(err);
  return awsc_s3_upload_fileobj(result, awsc_rsrc_client((awsc_resource *)r),
                                read, user_data, size, id(r, 0), key, extra,
                                config, err);
}

int awsc_s3_object_upload_fileobj(awsc_s3_transfer_result *result,
                                  awsc_s3_object *r, awsc_read_fn read,
                                  void *user_data, uint64_t size,
                                  const struct awsc_s3_PutObjectRequest *extra,
                                  const awsc_s3_transfer_config *config,
                                  awsc_error *err) {
  if (!r)
    return null_handle(err);
  return awsc_s3_upload_fileobj(result, awsc_rsrc_client((awsc_resource *)r),
                                read, user_data, size, id(r, 0), id(r, 1),
                                extra, config, err);
}

/* GetObject of bucket/key with the other members from `input`, the body
 * to `sink`; the output without its body is the caller's (or freed). */
static int get_to(awsc_s3_GetObjectOutput **output, awsc_client *client,
                  const char *bucket, const char *key,
                  const struct awsc_s3_GetObjectRequest *input,
                  const awsc_body_sink *sink, awsc_error *err) {
  awsc_s3_GetObjectRequest in;
  if (input)
    in = *input;
  else
    memset(&in, 0, sizeof(in));
  in.bucket = bucket;
  in.key = key;
  awsc_s3_GetObjectOutput *out = NULL;
  int rc = awsc_s3_get_object_to(&out, client, &in, sink, err);
  if (output)
    *output = out;
  else
    awsc_mem_free(out);
  return rc;
}

static int write_sink(awsc_body_sink *sink, awsc_write_fn write,
                      void *user_data, awsc_error *err) {
  if (!write)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "download_fileobj: write callback is NULL");
  memset(sink, 0, sizeof(*sink));
  sink->kind = AWSC_SINK_CALLBACK;
  sink->write = write;
  sink->user_data = user_data;
  return 0;
}

int awsc_s3_bucket_download_fileobj(
    awsc_s3_GetObjectOutput **output, awsc_s3_bucket *r, const char *key,
    awsc_write_fn write, void *user_data,
    const struct awsc_s3_GetObjectRequest *extra, awsc_error *err) {
  awsc_body_sink sink;
  if (output)
    *output = NULL;
  if (!r)
    return null_handle(err);
  int rc = write_sink(&sink, write, user_data, err);
  return rc ? rc
            : get_to(output, awsc_rsrc_client((awsc_resource *)r), id(r, 0),
                     key, extra, &sink, err);
}

int awsc_s3_object_download_fileobj(
    awsc_s3_GetObjectOutput **output, awsc_s3_object *r, awsc_write_fn write,
    void *user_data, const struct awsc_s3_GetObjectRequest *extra,
    awsc_error *err) {
  awsc_body_sink sink;
  if (output)
    *output = NULL;
  if (!r)
    return null_handle(err);
  int rc = write_sink(&sink, write, user_data, err);
  return rc ? rc
            : get_to(output, awsc_rsrc_client((awsc_resource *)r), id(r, 0),
                     id(r, 1), extra, &sink, err);
}

int awsc_s3_object_get_to(awsc_s3_GetObjectOutput **output, awsc_s3_object *r,
                          const struct awsc_s3_GetObjectRequest *input,
                          const awsc_body_sink *sink, awsc_error *err) {
  if (output)
    *output = NULL;
  if (!r)
    return null_handle(err);
  if (!sink)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "Object.get_to: sink is NULL");
  return get_to(output, awsc_rsrc_client((awsc_resource *)r), id(r, 0),
                id(r, 1), input, sink, err);
}
