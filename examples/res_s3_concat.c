/*
 * res_s3_concat - concatenate the CSV objects under a prefix, streaming
 * each one (header line kept once):
 *   res_s3_concat BUCKET PREFIX [OUT]     (OUT default: standard output)
 * walks bucket.objects.filter(Prefix=PREFIX) and reads each *.csv with
 * object.get() (awsc_s3_object_get_to) into a write callback: no body is
 * ever held whole in memory, and the collection keeps only one listing
 * page.
 */
#include "example.h"

#include <awsc/s3_resources.h>

typedef struct concat_state {
  FILE *out;
  int skip_header; /* drop the first line of every file after the first */
  size_t bytes;
} concat_state;

static int on_data(const void *data, size_t len, void *ud) {
  concat_state *s = ud;
  const char *p = data;
  for (size_t i = 0; i < len; i++) {
    if (s->skip_header) {
      s->skip_header = p[i] != '\n';
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
  FILE *out = argc > 3 ? fopen(argv[3], "wb") : stdout;
  if (!out) {
    perror(argv[3]);
    return 2;
  }
  char filter[512];
  snprintf(filter, sizeof(filter), "{\"Prefix\":\"%s\"}", argv[2]);
  awsc_session *session;
  awsc_client *client;
  if (example_client("s3", &session, &client))
    return 1;
  awsc_error err = AWSC_ERROR_INIT;
  awsc_s3_bucket *bucket = NULL;
  awsc_resource_collection *objects = NULL;
  int status = 0, files = 0, rc = 0;
  concat_state st = {out, 0, 0};
  awsc_body_sink sink = {0};
  sink.kind = AWSC_SINK_CALLBACK;
  sink.write = on_data;
  sink.user_data = &st;
  if (awsc_s3_bucket_new(&bucket, client, argv[1], &err) != 0 ||
      awsc_s3_bucket_objects(&objects, bucket, filter, NULL, &err) != 0) {
    status = example_fail("bucket.objects", &err);
    goto done;
  }
  awsc_resource *item = NULL;
  while (!status &&
         (rc = awsc_resource_collection_next(&item, objects, &err)) == 0 &&
         item) {
    awsc_s3_object_summary *o = (awsc_s3_object_summary *)item;
    const char *key = awsc_s3_object_summary_key(o);
    size_t kl = strlen(key);
    if (kl >= 4 && strcmp(key + kl - 4, ".csv") == 0) {
      /* summary.Object().get()["Body"], streamed into the sink */
      awsc_s3_object *obj = NULL;
      st.skip_header = files++ > 0;
      if (awsc_s3_object_summary_ref_object(&obj, o, NULL, &err) != 0 ||
          awsc_s3_object_get_to(NULL, obj, NULL, &sink, &err) != 0)
        status = example_fail(key, &err);
      awsc_s3_object_free(obj);
    }
    awsc_s3_object_summary_free(o);
  }
  if (rc != 0)
    status = example_fail("bucket.objects.filter()", &err);
  fprintf(stderr, "concatenated %d CSV object(s), %zu bytes\n", files,
          st.bytes);
done:
  if (out != stdout)
    fclose(out);
  awsc_resource_collection_free(objects);
  awsc_s3_bucket_free(bucket);
  example_cleanup(session, client);
  return status;
}
