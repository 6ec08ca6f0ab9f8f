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

/* download_fileobj: GetObject of `key` in the handle's bucket (the
 * handle's own key when NULL), the body to write(), in order, each once. */
static int download_fileobj(awsc_s3_GetObjectOutput **output, awsc_resource *r,
                            const char *key, awsc_write_fn write,
                            void *user_data,
                            const struct awsc_s3_GetObjectRequest *extra,
                            awsc_error *err) {
  if (output)
    *output = NULL;
  if (!r)
    return null_handle(err);
  if (!write)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "download_fileobj: write callback is NULL");
  awsc_body_sink sink;
  memset(&sink, 0, sizeof(sink));
  sink.kind = AWSC_SINK_CALLBACK;
  sink.write = write;
  sink.user_data = user_data;
  return get_to(output, awsc_rsrc_client(r), id(r, 0), key ? key : id(r, 1),
                extra, &sink, err);
}

int awsc_s3_bucket_download_fileobj(
    awsc_s3_GetObjectOutput **output, awsc_s3_bucket *r, const char *key,
    awsc_write_fn write, void *user_data,
    const struct awsc_s3_GetObjectRequest *extra, awsc_error *err) {
  /* a NULL key stays NULL (a Bucket has no key identifier): the call
   * refuses it as a missing Key */
  return download_fileobj(output, (awsc_resource *)r, key, write, user_data,
                          extra, err);
}

int awsc_s3_object_download_fileobj(
    awsc_s3_GetObjectOutput **output, awsc_s3_object *r, awsc_write_fn write,
    void *user_data, const struct awsc_s3_GetObjectRequest *extra,
    awsc_error *err) {
  return download_fileobj(output, (awsc_resource *)r, NULL, write, user_data,
                          extra, err);
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

/* boto3's bucket_load: ListBuckets and this bucket's entry; {} when it is
 * not listed or listing is denied (AccessDenied), as boto3. */
int awsc_rsrc_s3_bucket_load(awsc_resource *r, awsc_error *err) {
  awsc_arena *tmp = awsc_arena_new(0);
  if (!tmp)
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  awsc_value params = {.type = AWSC_V_MAP}, resp, found = {.type = AWSC_V_MAP};
  awsc_error e = AWSC_ERROR_INIT;
  int rc =
      awsc_rsrc_call(&resp, NULL, tmp, r->client, "ListBuckets", &params, &e);
  if (rc == AWSC_ESERVICE && strcmp(e.service_code, "AccessDenied") == 0) {
    rc = 0;
    resp.type = AWSC_V_NULL;
  }
  const awsc_value *list = rc ? NULL : awsc_value_get(&resp, "Buckets");
  for (size_t i = 0; list && list->type == AWSC_V_LIST && i < list->u.list.n;
       i++) {
    const awsc_value *b = &list->u.list.items[i];
    const awsc_value *name = awsc_value_get(b, "Name");
    if (name && name->type == AWSC_V_STRING &&
        strcmp(name->u.s.p, id(r, 0)) == 0) {
      found = *b;
      break;
    }
  }
  if (rc)
    awsc_error_copy(err, &e);
  else
    rc = awsc_rsrc_set_data(r, &found, err);
  awsc_arena_free(tmp);
  return rc;
}

/* boto3's object_summary_load: HeadObject, with ContentLength as Size. */
int awsc_rsrc_s3_object_summary_load(awsc_resource *r, awsc_error *err) {
  awsc_arena *tmp = awsc_arena_new(0);
  if (!tmp)
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  awsc_value params = {.type = AWSC_V_MAP}, resp;
  awsc_value bucket = {.type = AWSC_V_STRING}, key = {.type = AWSC_V_STRING};
  bucket.u.s.p = id(r, 0);
  bucket.u.s.n = strlen(bucket.u.s.p);
  key.u.s.p = id(r, 1);
  key.u.s.n = strlen(key.u.s.p);
  int rc = awsc_rv_map_put(&params, tmp, "Bucket", 6, &bucket);
  if (!rc)
    rc = awsc_rv_map_put(&params, tmp, "Key", 3, &key);
  if (rc)
    rc = awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL, "out of memory");
  else
    rc =
        awsc_rsrc_call(&resp, NULL, tmp, r->client, "HeadObject", &params, err);
  for (size_t i = 0; !rc && resp.type == AWSC_V_MAP && i < resp.u.map.n; i++)
    if (strcmp(resp.u.map.items[i].key, "ContentLength") == 0) {
      resp.u.map.items[i].key = "Size"; /* a key in the tmp arena's map */
      resp.u.map.items[i].key_len = 4;
    }
  if (!rc)
    rc = awsc_rsrc_set_data(r, &resp, err);
  awsc_arena_free(tmp);
  return rc;
}
