/*
 * res_s3_list_buckets - boto3's `for b in s3.buckets.all()` with the
 * resource API:
 *   res_s3_list_buckets
 * prints every bucket's name and creation date. The collection pages by
 * itself; each item is a Bucket handle carrying the listing's data.
 */
#include "example.h"

#include <time.h>

#include <awsc/s3_resources.h>

int main(void) {
  awsc_session *session;
  awsc_client *client;
  if (example_client("s3", &session, &client))
    return 1;
  awsc_error err = AWSC_ERROR_INIT;
  awsc_s3_service_resource *s3 = NULL;
  awsc_resource_collection *buckets = NULL;
  int status = 0, count = 0;
  if (awsc_s3_service_resource_new(&s3, client, &err) != 0 ||
      awsc_s3_service_resource_buckets(&buckets, s3, NULL, NULL, &err) != 0) {
    status = example_fail("s3.buckets", &err);
    goto done;
  }
  for (;;) {
    awsc_resource *item = NULL;
    if (awsc_resource_collection_next(&item, buckets, &err) != 0) {
      status = example_fail("s3.buckets.all()", &err);
      break;
    }
    if (!item)
      break; /* the end of the collection */
    awsc_s3_bucket *b = (awsc_s3_bucket *)item;
    /* the listing's data (Name, CreationDate) as the generated struct */
    const awsc_s3_Bucket *d = awsc_s3_bucket_data(b, &err);
    char when[32] = "-";
    if (d && d->has_creation_date) {
      time_t t = (time_t)(d->creation_date / 1000);
      strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", gmtime(&t));
    }
    printf("  %s  %s\n", awsc_s3_bucket_name(b), when);
    count++;
    awsc_s3_bucket_free(b);
  }
  printf("%d bucket(s)\n", count);
done:
  awsc_resource_collection_free(buckets);
  awsc_s3_service_resource_free(s3);
  example_cleanup(session, client);
  return status;
}
