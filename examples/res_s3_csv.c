/*
 * res_s3_csv - the CSV round trip of the seed workflows, with Bucket and
 * Object handles:
 *   res_s3_csv BUCKET LOCAL.csv
 * uploads LOCAL.csv as reports/<name> (bucket.upload_file, ContentType
 * text/csv), lists bucket.objects.filter(Prefix="reports/"), loads the
 * object's attributes (object.content_length, e_tag, last_modified),
 * downloads it to LOCAL.csv.download (object.download_file), compares,
 * deletes it (object.delete) and waits until it is gone.
 */
#include "example.h"

#include <time.h>

#include <awsc/s3_resources.h>

static int same_files(const char *a, const char *b) {
  FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
  int same = fa && fb;
  while (same) {
    int ca = fgetc(fa), cb = fgetc(fb);
    if (ca != cb)
      same = 0;
    if (ca == EOF || cb == EOF)
      break;
  }
  if (fa)
    fclose(fa);
  if (fb)
    fclose(fb);
  return same;
}

/* for o in bucket.objects.filter(Prefix=prefix): print key and size */
static int list_prefix(awsc_s3_bucket *bucket, const char *prefix) {
  char filter[512];
  snprintf(filter, sizeof(filter), "{\"Prefix\":\"%s\"}", prefix);
  awsc_error err = AWSC_ERROR_INIT;
  awsc_resource_collection *objects = NULL;
  if (awsc_s3_bucket_objects(&objects, bucket, filter, NULL, &err) != 0)
    return example_fail("bucket.objects", &err);
  printf("bucket.objects.filter(Prefix=\"%s\"):\n", prefix);
  awsc_resource *item = NULL;
  int rc;
  while ((rc = awsc_resource_collection_next(&item, objects, &err)) == 0 &&
         item) {
    /* items are ObjectSummary handles with the listing's data */
    awsc_s3_object_summary *o = (awsc_s3_object_summary *)item;
    const awsc_s3_Object *d = awsc_s3_object_summary_data(o, &err);
    printf("  %-40s %8lld bytes\n", awsc_s3_object_summary_key(o),
           d ? (long long)d->size : -1LL);
    awsc_s3_object_summary_free(o);
  }
  awsc_resource_collection_free(objects);
  return rc ? example_fail("bucket.objects.filter()", &err) : 0;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s BUCKET LOCAL.csv\n", argv[0]);
    return 2;
  }
  const char *path = argv[2];
  const char *slash = strrchr(path, '/');
  char key[512], dl[1024];
  snprintf(key, sizeof(key), "reports/%s", slash ? slash + 1 : path);
  snprintf(dl, sizeof(dl), "%s.download", path);

  awsc_session *session;
  awsc_client *client;
  if (example_client("s3", &session, &client))
    return 1;
  awsc_error err = AWSC_ERROR_INIT;
  awsc_s3_bucket *bucket = NULL;
  awsc_s3_object *obj = NULL;
  int status = 0;
  if (awsc_s3_bucket_new(&bucket, client, argv[1], &err) != 0 ||
      awsc_s3_object_new(&obj, client, argv[1], key, &err) != 0) {
    status = example_fail("handles", &err);
    goto done;
  }

  /* bucket.upload_file(path, key, ExtraArgs={"ContentType": "text/csv"}) */
  awsc_s3_PutObjectRequest extra = {0};
  extra.content_type = "text/csv";
  awsc_s3_transfer_result up;
  if (awsc_s3_bucket_upload_file(&up, bucket, path, key, &extra, NULL, &err)) {
    status = example_fail("bucket.upload_file", &err);
    goto done;
  }
  printf("uploaded s3://%s/%s (%llu bytes)\n", argv[1], key,
         (unsigned long long)up.size);

  if (list_prefix(bucket, "reports/") != 0) {
    status = 1;
    goto done;
  }

  /* object.load(): HeadObject; the typed data is a borrowed struct */
  const awsc_s3_HeadObjectOutput *head = NULL;
  if (awsc_s3_object_load(obj, &err) != 0 ||
      !(head = awsc_s3_object_data(obj, &err))) {
    status = example_fail("object.load", &err);
    goto done;
  }
  char when[32] = "-";
  time_t t = (time_t)(head->last_modified / 1000);
  strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", gmtime(&t));
  printf("object: content_length %lld, e_tag %s, last_modified %s, "
         "content_type %s\n",
         (long long)head->content_length, head->e_tag ? head->e_tag : "-", when,
         head->content_type ? head->content_type : "-");
  if ((uint64_t)head->content_length != up.size || !head->content_type ||
      strcmp(head->content_type, "text/csv") != 0)
    status = 1;

  /* object.download_file(dl) */
  if (awsc_s3_object_download_file(NULL, obj, dl, NULL, NULL, &err) != 0) {
    status = example_fail("object.download_file", &err);
    goto done;
  }
  int same = same_files(path, dl);
  printf("downloaded to %s: %s\n", dl, same ? "identical" : "DIFFERENT");
  if (!same)
    status = 1;

  /* object.delete(); object.wait_until_not_exists() */
  if (awsc_s3_object_delete(NULL, NULL, NULL, obj, NULL, &err) != 0 ||
      awsc_s3_object_wait_until_not_exists(obj, NULL, NULL, &err) != 0)
    status = example_fail("object.delete", &err);
  else
    printf("deleted s3://%s/%s\n", argv[1], key);
done:
  awsc_s3_object_free(obj);
  awsc_s3_bucket_free(bucket);
  example_cleanup(session, client);
  return status;
}
