/*
 * s3_concat - read every CSV object under a prefix as a stream and
 * concatenate them (header line kept once):
 *   s3_concat BUCKET PREFIX [OUT]     (OUT default: standard output)
 * Bodies are never held whole in memory: each arrives through a write
 * callback. Listing pages are followed with ContinuationToken.
 */
#include "example.h"

#include <awsc/s3.h>

typedef struct sink_state {
  FILE *out;
  int skip_header; /* drop the first line of every file after the first */
  int at_line_start;
  size_t bytes;
} sink_state;

static int on_data(const void *data, size_t len, void *ud) {
  sink_state *s = ud;
  const char *p = data;
  for (size_t i = 0; i < len; i++) {
    if (s->skip_header) {
      if (p[i] == '\n')
        s->skip_header = 0;
      continue;
    }
    fputc(p[i], s->out);
    s->bytes++;
  }
  return ferror(s->out) ? AWSC_EIO : 0;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s BUCKET PREFIX [OUT]\n", argv[0]);
    return 2;
  }
  const char *bucket = argv[1], *prefix = argv[2];
  FILE *out = argc > 3 ? fopen(argv[3], "wb") : stdout;
  if (!out) {
    perror(argv[3]);
    return 2;
  }
  awsc_session *session;
  awsc_client *s3;
  if (example_client("s3", &session, &s3))
    return 1;
  awsc_error err = AWSC_ERROR_INIT;
  int status = 0, files = 0;
  sink_state st = {out, 0, 1, 0};
  char *token = NULL;
  do {
    awsc_s3_ListObjectsV2Request li = {0};
    li.bucket = bucket;
    li.prefix = prefix;
    li.continuation_token = token;
    awsc_s3_ListObjectsV2Output *lo = NULL;
    if (awsc_s3_list_objects_v2(&lo, s3, &li, &err) != 0) {
      status = example_fail("list_objects_v2", &err);
      break;
    }
    for (size_t i = 0; i < lo->contents_count && !status; i++) {
      const char *key = lo->contents[i].key;
      size_t kl = strlen(key);
      if (kl < 4 || strcmp(key + kl - 4, ".csv") != 0)
        continue;
      st.skip_header = files > 0;
      awsc_body_sink sink = {0};
      sink.kind = AWSC_SINK_CALLBACK;
      sink.write = on_data;
      sink.user_data = &st;
      awsc_s3_GetObjectRequest gi = {0};
      gi.bucket = bucket;
      gi.key = key;
      if (awsc_s3_get_object_to(NULL, s3, &gi, &sink, &err) != 0)
        status = example_fail(key, &err);
      files++;
    }
    free(token);
    token = lo->is_truncated && lo->next_continuation_token
                ? strdup(lo->next_continuation_token)
                : NULL;
    awsc_mem_free(lo);
  } while (token && !status);
  free(token);
  fprintf(stderr, "concatenated %d CSV object(s), %zu bytes\n", files,
          st.bytes);
  if (out != stdout)
    fclose(out);
  example_cleanup(session, s3);
  return status;
}
