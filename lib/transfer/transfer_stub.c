/*
 * The managed-transfer API when the library is built without the s3
 * service (-Dservices=...): every call says so, and programs written for
 * a full build still link.
 */
#include "awsc/transfer.h"
#include "core/core.h"

static int unsupported(awsc_error *err) {
  return awsc_error_set(err, AWSC_EUNSUPPORTED, AWSC_ERROR_CONFIG,
                        "managed S3 transfers need the s3 service, which "
                        "this build of awsc leaves out");
}

int awsc_s3_upload_file(awsc_s3_transfer_result *result, awsc_client *client,
                        const char *filename, const char *bucket,
                        const char *key,
                        const struct awsc_s3_PutObjectRequest *extra_args,
                        const awsc_s3_transfer_config *config,
                        awsc_error *err) {
  (void)result, (void)client, (void)filename, (void)bucket, (void)key;
  (void)extra_args, (void)config;
  return unsupported(err);
}

int awsc_s3_upload_file_json(awsc_s3_transfer_result *result,
                             awsc_client *client, const char *filename,
                             const char *bucket, const char *key,
                             const char *extra_args_json,
                             const awsc_s3_transfer_config *config,
                             awsc_error *err) {
  (void)result, (void)client, (void)filename, (void)bucket, (void)key;
  (void)extra_args_json, (void)config;
  return unsupported(err);
}

int awsc_s3_upload_fileobj(awsc_s3_transfer_result *result, awsc_client *client,
                           awsc_read_fn read, void *user_data, uint64_t size,
                           const char *bucket, const char *key,
                           const struct awsc_s3_PutObjectRequest *extra_args,
                           const awsc_s3_transfer_config *config,
                           awsc_error *err) {
  (void)result, (void)client, (void)read, (void)user_data, (void)size;
  (void)bucket, (void)key, (void)extra_args, (void)config;
  return unsupported(err);
}

int awsc_s3_upload_fileobj_json(awsc_s3_transfer_result *result,
                                awsc_client *client, awsc_read_fn read,
                                void *user_data, uint64_t size,
                                const char *bucket, const char *key,
                                const char *extra_args_json,
                                const awsc_s3_transfer_config *config,
                                awsc_error *err) {
  (void)result, (void)client, (void)read, (void)user_data, (void)size;
  (void)bucket, (void)key, (void)extra_args_json, (void)config;
  return unsupported(err);
}

int awsc_s3_download_file(awsc_s3_transfer_result *result, awsc_client *client,
                          const char *bucket, const char *key,
                          const char *filename,
                          const struct awsc_s3_GetObjectRequest *extra_args,
                          const awsc_s3_transfer_config *config,
                          awsc_error *err) {
  (void)result, (void)client, (void)bucket, (void)key, (void)filename;
  (void)extra_args, (void)config;
  return unsupported(err);
}

int awsc_s3_download_file_json(awsc_s3_transfer_result *result,
                               awsc_client *client, const char *bucket,
                               const char *key, const char *filename,
                               const char *extra_args_json,
                               const awsc_s3_transfer_config *config,
                               awsc_error *err) {
  (void)result, (void)client, (void)bucket, (void)key, (void)filename;
  (void)extra_args_json, (void)config;
  return unsupported(err);
}

int awsc_s3_copy(awsc_s3_transfer_result *result, awsc_client *client,
                 const awsc_s3_copy_source *source, const char *bucket,
                 const char *key,
                 const struct awsc_s3_CopyObjectRequest *extra_args,
                 const awsc_s3_transfer_config *config, awsc_error *err) {
  (void)result, (void)client, (void)source, (void)bucket, (void)key;
  (void)extra_args, (void)config;
  return unsupported(err);
}

int awsc_s3_copy_json(awsc_s3_transfer_result *result, awsc_client *client,
                      const awsc_s3_copy_source *source, const char *bucket,
                      const char *key, const char *extra_args_json,
                      const awsc_s3_transfer_config *config, awsc_error *err) {
  (void)result, (void)client, (void)source, (void)bucket, (void)key;
  (void)extra_args_json, (void)config;
  return unsupported(err);
}

int awsc_s3_transfer_json(char **json_out, awsc_client *client,
                          const char *operation, const char *params_json,
                          const awsc_s3_transfer_config *config,
                          awsc_error *err) {
  (void)client, (void)operation, (void)params_json, (void)config;
  if (json_out)
    *json_out = NULL;
  return unsupported(err);
}
