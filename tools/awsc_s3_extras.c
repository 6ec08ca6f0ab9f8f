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
 * SIGTERM and SIGHUP stop a transfer cleanly (awsc_signals.h). When
 * stderr is a terminal (and without --no-progress) a progress bar is
 * redrawn on it in place, at most every 100 ms, and ended with a newline.
 */
#include "awsc_s3_extras.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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
             "max_concurrency, use_threads, num_download_attempts, "
             "verify_checksums, verify_etag_md5, resumable, resume_token\n"
             "A progress bar is drawn on stderr when it is a terminal "
             "(--no-progress: none).\n",
             help[i]);
  return 0;
}

/* The progress bar's state. */
typedef struct bar {
  int64_t last_ms, start_ms;
  int drawn;
} bar;

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void bar_draw(bar *b, uint64_t done, uint64_t total) {
  enum { WIDTH = 30 };
  int fill = total ? (int)(done * WIDTH / total) : WIDTH;
  char cells[WIDTH + 1];
  for (int i = 0; i < WIDTH; i++)
    cells[i] = i < fill ? '#' : '-';
  cells[WIDTH] = '\0';
  double secs = (double)(now_ms() - b->start_ms) / 1000.0;
  double mib = (double)done / 1048576.0;
  fprintf(stderr, "\r[%s] %3d%% %.1f/%.1f MiB %.1f MiB/s ", cells,
          total ? (int)(done * 100 / total) : 100, mib,
          (double)total / 1048576.0, secs > 0 ? mib / secs : 0.0);
  fflush(stderr);
  b->drawn = 1;
}

/* The transfer's progress callback with a bar: the signal check first. */
static int bar_progress(uint64_t done, uint64_t total, void *ud) {
  bar *b = ud;
  if (cli_signals_progress(done, total, NULL))
    return 1;
  int64_t t = now_ms();
  if (done == total || t - b->last_ms >= 100) {
    b->last_ms = t;
    bar_draw(b, done, total);
  }
  return 0;
}

int cli_s3_extras(awsc_session *session, awsc_client *client,
                  const char *operation, const char *params, int progress) {
  awsc_error err = AWSC_ERROR_INIT;
  char *out = NULL;
  /* a signal stops the transfer at its next progress call: the library
   * then removes its temporary file or aborts its upload */
  awsc_s3_transfer_config cfg = AWSC_S3_TRANSFER_CONFIG_INIT;
  cfg.progress = cli_signals_progress;
  bar b = {0, now_ms(), 0};
  if (progress && isatty(STDERR_FILENO)) {
    cfg.progress = bar_progress;
    cfg.progress_user_data = &b;
  }
  int rc = awsc_s3_transfer_json(&out, client, operation, params, &cfg, &err);
  if (b.drawn)
    fputc('\n', stderr);
  if (rc != 0)
    return cli_fail(session, &err);
  printf("%s\n", out);
  awsc_mem_free(out);
  return 0;
}
