/*
 * The awsc CLI's S3 extras: boto3's managed transfers, which are client
 * methods in boto3 rather than operations of the model.
 *
 *   awsc s3 upload_file '{"Filename": "f", "Bucket": "b", "Key": "k",
 *                         "ExtraArgs": {...}, "Config": {...}}'
 *   awsc s3 download_file '{"Bucket": "b", "Key": "k", "Filename": "f"}'
 *   awsc s3 copy '{"CopySource": {"Bucket": "b", "Key": "k"},
 *                  "Bucket": "b2", "Key": "k2"}'
 *
 * Prints {"Bucket":..,"Key":..,"Size":..,"Parts":..,"ETag":..}; errors as
 * one line on stderr in the same form as the CLI's other errors. SIGINT,
 * SIGTERM and SIGHUP stop a transfer cleanly (awsc_signals.h).
 */
#include "awsc_s3_extras.h"

#include <stdio.h>
#include <string.h>

#include "awsc_cli.h"
#include "awsc_signals.h"

static const char *const extras[] = {"upload_file", "download_file", "copy"};

static const char *const help[] = {
    "upload_file '{\"Filename\": PATH, \"Bucket\": B, \"Key\": K, "
    "\"ExtraArgs\": {...}, \"Config\": {...}}'",
    "download_file '{\"Bucket\": B, \"Key\": K, \"Filename\": PATH, "
    "\"ExtraArgs\": {...}, \"Config\": {...}}'",
    "copy '{\"CopySource\": {\"Bucket\": B, \"Key\": K, \"VersionId\": V}, "
    "\"Bucket\": B2, \"Key\": K2, \"ExtraArgs\": {...}, \"Config\": {...}}'"};

int cli_s3_is_extra(const char *operation) {
  for (size_t i = 0; i < sizeof(extras) / sizeof(extras[0]); i++)
    if (strcmp(operation, extras[i]) == 0)
      return 1;
  return 0;
}

int cli_s3_extras_help(const char *operation) {
  for (size_t i = 0; i < sizeof(extras) / sizeof(extras[0]); i++)
    if (strcmp(operation, extras[i]) == 0)
      printf("usage: awsc s3 %s\n"
             "Config: multipart_threshold, multipart_chunksize, "
             "max_concurrency, use_threads, num_download_attempts\n",
             help[i]);
  return 0;
}

int cli_s3_extras(awsc_session *session, awsc_client *client,
                  const char *operation, const char *params) {
  awsc_error err = AWSC_ERROR_INIT;
  char *out = NULL;
  /* a signal stops the transfer at its next progress call: the library
   * then removes its temporary file or aborts its upload */
  awsc_s3_transfer_config cfg = AWSC_S3_TRANSFER_CONFIG_INIT;
  cfg.progress = cli_signals_progress;
  if (awsc_s3_transfer_json(&out, client, operation, params, &cfg, &err) != 0)
    return cli_fail(session, &err);
  printf("%s\n", out);
  awsc_mem_free(out);
  return 0;
}
