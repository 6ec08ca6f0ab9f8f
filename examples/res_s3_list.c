/*
 * res_s3_list - a collection with boto3's page_size() and limit():
 *   res_s3_list BUCKET PREFIX [PAGE_SIZE [LIMIT]]
 * is bucket.objects.filter(Prefix=PREFIX).page_size(PAGE_SIZE).limit(LIMIT)
 * (0 = the service's page size / no limit): prints each key and size, then
 * the count. The collection asks for PAGE_SIZE keys a request, follows the
 * continuation tokens itself and keeps only the current page in memory.
 */
#include "example.h"

#include <awsc/s3_resources.h>

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s BUCKET PREFIX [PAGE_SIZE [LIMIT]]\n", argv[0]);
    return 2;
  }
  awsc_collection_options opts = AWSC_COLLECTION_OPTIONS_INIT;
  opts.page_size = argc > 3 ? atoll(argv[3]) : 0;
  opts.limit = argc > 4 ? atoll(argv[4]) : 0;
  char filter[512];
  snprintf(filter, sizeof(filter), "{\"Prefix\":\"%s\"}", argv[2]);

  awsc_session *session;
  awsc_client *client;
  if (example_client("s3", &session, &client))
    return 1;
  awsc_error err = AWSC_ERROR_INIT;
  awsc_s3_bucket *bucket = NULL;
  awsc_resource_collection *objects = NULL;
  int status = 0, rc;
  long count = 0;
  if (awsc_s3_bucket_new(&bucket, client, argv[1], &err) != 0 ||
      awsc_s3_bucket_objects(&objects, bucket, filter, &opts, &err) != 0) {
    status = example_fail("bucket.objects", &err);
    goto done;
  }
  awsc_resource *item = NULL;
  while ((rc = awsc_resource_collection_next(&item, objects, &err)) == 0 &&
         item) {
    awsc_s3_object_summary *o = (awsc_s3_object_summary *)item;
    const awsc_s3_Object *d = awsc_s3_object_summary_data(o, &err);
    printf("  %-40s %8lld\n", awsc_s3_object_summary_key(o),
           d ? (long long)d->size : -1LL);
    count++;
    awsc_s3_object_summary_free(o);
  }
  if (rc != 0)
    status = example_fail("bucket.objects.filter()", &err);
  printf("%ld object(s)\n", count);
done:
  awsc_resource_collection_free(objects);
  awsc_s3_bucket_free(bucket);
  example_cleanup(session, client);
  return status;
}
