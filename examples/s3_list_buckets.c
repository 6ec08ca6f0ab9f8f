/*
 * s3_list_buckets - boto3's s3.list_buckets(): print each bucket's name and
 * creation date, then the ResponseMetadata.
 */
#include "example.h"

#include <time.h>

#include <awsc/s3.h>

int main(void) {
  awsc_session *session;
  awsc_client *s3;
  if (example_client("s3", &session, &s3))
    return 1;
  awsc_error err = AWSC_ERROR_INIT;
  awsc_s3_ListBucketsOutput *out = NULL;
  int rc = awsc_s3_list_buckets(&out, s3, NULL, &err);
  if (rc) {
    example_cleanup(session, s3);
    return example_fail("list_buckets", &err);
  }
  printf("%zu bucket(s)\n", out->buckets_count);
  for (size_t i = 0; i < out->buckets_count; i++) {
    char when[32] = "-";
    if (out->buckets[i].has_creation_date) {
      time_t t = (time_t)(out->buckets[i].creation_date / 1000);
      strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", gmtime(&t));
    }
    printf("  %-40s %s\n", out->buckets[i].name, when);
  }
  const awsc_response_metadata *md = awsc_output_metadata(out);
  printf("ResponseMetadata:\n  RequestId: %s\n  HostId: %s\n"
         "  HTTPStatusCode: %d\n  RetryAttempts: %d\n  HTTPHeaders:\n",
         md->request_id, md->host_id, md->http_status, md->retry_attempts);
  for (size_t i = 0; i < md->header_count; i++)
    printf("    %s: %s\n", md->headers[i].name, md->headers[i].value);
  awsc_mem_free(out);
  example_cleanup(session, s3);
  return 0;
}
