/*
 * s3_csv - the CSV round trip of the seed workflows:
 *   s3_csv BUCKET LOCAL.csv
 * uploads LOCAL.csv as reports/<name> (ContentType text/csv, metadata),
 * lists the bucket with MaxKeys and Prefix, heads the object, downloads it
 * to LOCAL.csv.download (streamed to the file), compares, and deletes it.
 */
#include "example.h"

#include <sys/stat.h>

#include <awsc/s3.h>

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

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s BUCKET LOCAL.csv\n", argv[0]);
    return 2;
  }
  const char *bucket = argv[1], *path = argv[2];
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  char key[512], dl[1024];
  if (strlen(base) > 400 || strlen(path) > 1000) {
    fprintf(stderr, "path too long\n");
    return 2;
  }
  memcpy(key, "reports/", 8);
  memcpy(key + 8, base, strlen(base) + 1);
  memcpy(dl, path, strlen(path));
  memcpy(dl + strlen(path), ".download", 10);
  struct stat st;
  if (stat(path, &st) != 0) {
    perror(path);
    return 2;
  }

  awsc_session *session;
  awsc_client *s3;
  if (example_client("s3", &session, &s3))
    return 1;
  awsc_error err = AWSC_ERROR_INIT;
  int status = 0;

  /* upload, streamed from the file */
  awsc_body_source src = {0};
  src.kind = AWSC_BODY_FILE;
  src.path = path;
  src.content_length = (int64_t)st.st_size;
  awsc_s3_Metadata_Entry meta[] = {{"source", "s3_csv example"}};
  awsc_s3_PutObjectRequest put = {0};
  put.bucket = bucket;
  put.key = key;
  put.body_source = &src;
  put.content_type = "text/csv";
  put.metadata = meta;
  put.metadata_count = 1;
  awsc_s3_PutObjectOutput *po = NULL;
  if (awsc_s3_put_object(&po, s3, &put, &err) != 0) {
    status = example_fail("put_object", &err);
    goto done;
  }
  printf("uploaded s3://%s/%s (%lld bytes, ETag %s)\n", bucket, key,
         (long long)st.st_size, po->e_tag ? po->e_tag : "-");
  awsc_mem_free(po);

  /* list with MaxKeys and Prefix */
  awsc_s3_ListObjectsV2Request li = {0};
  li.bucket = bucket;
  li.prefix = "reports/";
  li.max_keys = 10;
  li.has_max_keys = true;
  awsc_s3_ListObjectsV2Output *lo = NULL;
  if (awsc_s3_list_objects_v2(&lo, s3, &li, &err) != 0) {
    status = example_fail("list_objects_v2", &err);
    goto done;
  }
  printf("list_objects_v2 Prefix=reports/ MaxKeys=10: %zu key(s)\n",
         lo->contents_count);
  for (size_t i = 0; i < lo->contents_count; i++)
    printf("  %-40s %8lld bytes\n", lo->contents[i].key,
           (long long)lo->contents[i].size);
  awsc_mem_free(lo);

  /* head */
  awsc_s3_HeadObjectRequest hi = {0};
  hi.bucket = bucket;
  hi.key = key;
  awsc_s3_HeadObjectOutput *ho = NULL;
  if (awsc_s3_head_object(&ho, s3, &hi, &err) != 0) {
    status = example_fail("head_object", &err);
    goto done;
  }
  printf("head_object: ContentType %s, ContentLength %lld, metadata %zu\n",
         ho->content_type ? ho->content_type : "-",
         (long long)ho->content_length, ho->metadata_count);
  if (!ho->content_type || strcmp(ho->content_type, "text/csv") != 0 ||
      ho->content_length != (int64_t)st.st_size)
    status = 1;
  awsc_mem_free(ho);

  /* download, streamed into the file */
  awsc_body_sink sink = {0};
  sink.kind = AWSC_SINK_FILE;
  sink.path = dl;
  awsc_s3_GetObjectRequest gi = {0};
  gi.bucket = bucket;
  gi.key = key;
  if (awsc_s3_get_object_to(NULL, s3, &gi, &sink, &err) != 0) {
    status = example_fail("get_object", &err);
    goto done;
  }
  int same = same_files(path, dl);
  printf("downloaded to %s: %s\n", dl, same ? "identical" : "DIFFERENT");
  if (!same)
    status = 1;

  /* delete */
  awsc_s3_DeleteObjectRequest di = {0};
  di.bucket = bucket;
  di.key = key;
  if (awsc_s3_delete_object(NULL, s3, &di, &err) != 0)
    status = example_fail("delete_object", &err);
  else
    printf("deleted s3://%s/%s\n", bucket, key);
done:
  example_cleanup(session, s3);
  return status;
}
