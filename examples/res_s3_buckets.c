/*
 * res_s3_buckets - create buckets and delete them again, with Bucket
 * handles:
 *   res_s3_buckets PREFIX [COUNT]
 * creates PREFIX-0 .. PREFIX-(COUNT-1) (default 1) with Bucket.create and
 * waits for each (bucket.wait_until_exists()), counts them in
 * s3.buckets.all(), then deletes each (Bucket.delete) and waits until it
 * is gone (bucket.wait_until_not_exists()).
 */
#include "example.h"

#include <awsc/s3_resources.h>

/* How many buckets of s3.buckets.all() have a name starting with prefix;
 * -1 on error. */
static int count_buckets(awsc_s3_service_resource *s3, const char *prefix) {
  awsc_error err = AWSC_ERROR_INIT;
  awsc_resource_collection *all = NULL;
  if (awsc_s3_service_resource_buckets(&all, s3, NULL, NULL, &err) != 0) {
    example_fail("s3.buckets", &err);
    return -1;
  }
  int seen = 0, rc;
  awsc_resource *b = NULL;
  while ((rc = awsc_resource_collection_next(&b, all, &err)) == 0 && b) {
    const char *name = awsc_s3_bucket_name((awsc_s3_bucket *)b);
    seen += strncmp(name, prefix, strlen(prefix)) == 0;
    awsc_resource_free(b);
  }
  awsc_resource_collection_free(all);
  if (rc != 0) {
    example_fail("s3.buckets.all()", &err);
    return -1;
  }
  return seen;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s PREFIX [COUNT]\n", argv[0]);
    return 2;
  }
  int count = argc > 2 ? atoi(argv[2]) : 1;
  awsc_session *session;
  awsc_client *client;
  if (example_client("s3", &session, &client))
    return 1;
  awsc_error err = AWSC_ERROR_INIT;
  int status = 0;
  char name[64];
  /* outside us-east-1 S3 wants the region as LocationConstraint */
  awsc_s3_CreateBucketConfiguration cfg = {0};
  awsc_s3_CreateBucketRequest create = {0};
  const char *region = awsc_client_region(client);
  if (region && strcmp(region, "us-east-1") != 0) {
    cfg.location_constraint = region;
    create.create_bucket_configuration = &cfg;
  }

  for (int i = 0; i < count && !status; i++) {
    snprintf(name, sizeof(name), "%s-%d", argv[1], i);
    awsc_s3_bucket *b = NULL;
    /* the handle fills in Bucket: create.bucket stays unset */
    if (awsc_s3_bucket_new(&b, client, name, &err) != 0 ||
        awsc_s3_bucket_create(NULL, NULL, NULL, b, &create, &err) != 0 ||
        awsc_s3_bucket_wait_until_exists(b, NULL, NULL, &err) != 0)
      status = example_fail(name, &err);
    awsc_s3_bucket_free(b);
  }
  printf("created %d bucket(s)\n", count);

  awsc_s3_service_resource *s3 = NULL;
  if (awsc_s3_service_resource_new(&s3, client, &err) != 0) {
    status = example_fail("service resource", &err);
  } else if (!status) {
    int seen = count_buckets(s3, argv[1]);
    printf("s3.buckets.all() shows %d bucket(s) named %s-*\n", seen, argv[1]);
    if (seen < count)
      status = 1;
  }

  for (int i = 0; i < count; i++) {
    snprintf(name, sizeof(name), "%s-%d", argv[1], i);
    awsc_s3_bucket *b = NULL;
    if (awsc_s3_bucket_new(&b, client, name, &err) != 0 ||
        awsc_s3_bucket_delete(NULL, NULL, NULL, b, NULL, &err) != 0 ||
        awsc_s3_bucket_wait_until_not_exists(b, NULL, NULL, &err) != 0)
      status = example_fail(name, &err);
    awsc_s3_bucket_free(b);
  }
  printf("deleted %d bucket(s)\n", count);
  if (s3 && !status && count_buckets(s3, argv[1]) != 0)
    status = 1;
  awsc_s3_service_resource_free(s3);
  example_cleanup(session, client);
  return status;
}
