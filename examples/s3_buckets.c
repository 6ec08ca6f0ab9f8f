/*
 * s3_buckets - create buckets and delete them again:
 *   s3_buckets PREFIX [COUNT]
 * creates PREFIX-0 .. PREFIX-(COUNT-1) (default 1), lists them, deletes
 * them, and checks they are gone (HeadBucket -> 404).
 */
#include "example.h"

#include <awsc/s3.h>

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s PREFIX [COUNT]\n", argv[0]);
    return 2;
  }
  int count = argc > 2 ? atoi(argv[2]) : 1;
  awsc_session *session;
  awsc_client *s3;
  if (example_client("s3", &session, &s3))
    return 1;
  awsc_error err = AWSC_ERROR_INIT;
  int status = 0;
  char name[64];
  for (int i = 0; i < count && !status; i++) {
    snprintf(name, sizeof(name), "%s-%d", argv[1], i);
    awsc_s3_CreateBucketRequest in = {0};
    in.bucket = name;
    /* outside us-east-1 S3 wants the region as LocationConstraint */
    const char *region = awsc_client_region(s3);
    awsc_s3_CreateBucketConfiguration cfg = {0};
    if (region && strcmp(region, "us-east-1") != 0) {
      cfg.location_constraint = region;
      in.create_bucket_configuration = &cfg;
    }
    if (awsc_s3_create_bucket(NULL, s3, &in, &err) != 0)
      status = example_fail("create_bucket", &err);
  }
  printf("created %d bucket(s)\n", count);

  awsc_s3_ListBucketsOutput *list = NULL;
  if (!status && awsc_s3_list_buckets(&list, s3, NULL, &err) == 0) {
    int seen = 0;
    for (size_t i = 0; i < list->buckets_count; i++)
      if (strncmp(list->buckets[i].name, argv[1], strlen(argv[1])) == 0)
        seen++;
    printf("list_buckets shows %d bucket(s) with prefix %s\n", seen, argv[1]);
    if (seen < count)
      status = 1;
    awsc_mem_free(list);
  } else if (!status) {
    status = example_fail("list_buckets", &err);
  }

  for (int i = 0; i < count; i++) {
    snprintf(name, sizeof(name), "%s-%d", argv[1], i);
    awsc_s3_DeleteBucketRequest in = {0};
    in.bucket = name;
    if (awsc_s3_delete_bucket(NULL, s3, &in, &err) != 0)
      status = example_fail("delete_bucket", &err);
    awsc_s3_HeadBucketRequest hb = {0};
    hb.bucket = name;
    if (awsc_s3_head_bucket(NULL, s3, &hb, &err) == 0 ||
        err.http_status != 404) {
      fprintf(stderr, "bucket %s still there after delete\n", name);
      status = 1;
    }
  }
  printf("deleted %d bucket(s)\n", count);
  example_cleanup(session, s3);
  return status;
}
