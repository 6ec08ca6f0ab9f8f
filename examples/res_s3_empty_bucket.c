/*
 * res_s3_empty_bucket - empty a bucket with one batch action and delete
 * it:
 *   res_s3_empty_bucket BUCKET [PAGE_SIZE]
 * is bucket.objects.page_size(PAGE_SIZE).delete() (one DeleteObjects per
 * listing page: at most 1000 keys each, as S3 allows; PAGE_SIZE 0 = the
 * service's page), then bucket.delete() and
 * bucket.wait_until_not_exists(). A batch action answers with the JSON
 * array of its responses.
 */
#include "example.h"

#include <awsc/s3_resources.h>

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s BUCKET [PAGE_SIZE]\n", argv[0]);
    return 2;
  }
  awsc_collection_options opts = AWSC_COLLECTION_OPTIONS_INIT;
  opts.page_size = argc > 2 ? atoll(argv[2]) : 0;
  awsc_session *session;
  awsc_client *client;
  if (example_client("s3", &session, &client))
    return 1;
  awsc_error err = AWSC_ERROR_INIT;
  awsc_s3_bucket *bucket = NULL;
  char *responses = NULL;
  size_t requests = 0;
  int status = 0;
  if (awsc_s3_bucket_new(&bucket, client, argv[1], &err) != 0 ||
      awsc_s3_bucket_objects_delete(&responses, &requests, bucket, NULL, &opts,
                                    NULL, &err) != 0) {
    status = example_fail("bucket.objects.delete()", &err);
    goto done;
  }
  /* DeleteObjects answers 200 even when some keys failed: look at Errors */
  if (strstr(responses, "\"Errors\"")) {
    fprintf(stderr, "some keys were not deleted: %s\n", responses);
    status = 1;
    goto done;
  }
  printf("bucket.objects.delete(): %zu DeleteObjects request(s)\n", requests);
  if (awsc_s3_bucket_delete(NULL, NULL, NULL, bucket, NULL, &err) != 0 ||
      awsc_s3_bucket_wait_until_not_exists(bucket, NULL, NULL, &err) != 0) {
    status = example_fail("bucket.delete", &err);
    goto done;
  }
  printf("deleted bucket %s\n", argv[1]);
done:
  awsc_mem_free(responses);
  awsc_s3_bucket_free(bucket);
  example_cleanup(session, client);
  return status;
}
