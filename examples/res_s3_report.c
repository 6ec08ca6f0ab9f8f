/*
 * res_s3_report - publish a small report site with Object handles:
 *   res_s3_report BUCKET [PREFIX]        (PREFIX default: site/)
 * puts PREFIX/report.html and PREFIX/chart.png public-read with their
 * ContentType (object.put), then builds PREFIX/index.html from the
 * collection bucket.objects.filter(Prefix=PREFIX): a row per object with
 * its key, last modified time and size. Prints the index's public URL.
 */
#include "example.h"

#include <time.h>

#include <awsc/s3_resources.h>

/* A 16x12 bar chart, as a PNG file. */
static const unsigned char chart_png[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d,
    0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x0c,
    0x08, 0x02, 0x00, 0x00, 0x00, 0xe4, 0x85, 0xaa, 0xd6, 0x00, 0x00, 0x00,
    0x22, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0x78, 0x47, 0x04, 0x90,
    0x2f, 0xdf, 0x02, 0x47, 0x0c, 0x03, 0xa7, 0x01, 0x59, 0xd1, 0x00, 0x6a,
    0xc0, 0xa5, 0x88, 0xce, 0x1a, 0x88, 0x51, 0x44, 0x5f, 0x0d, 0x00, 0x02,
    0xa4, 0x63, 0x90, 0xb6, 0x98, 0xb0, 0x18, 0x00, 0x00, 0x00, 0x00, 0x49,
    0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};

/* bucket.Object(key).put(Body=data, ContentType=type, ACL="public-read") */
static int publish(awsc_s3_bucket *bucket, const char *prefix, const char *name,
                   const void *data, size_t len, const char *type) {
  char key[512], ids[600];
  snprintf(key, sizeof(key), "%s%s", prefix, name);
  snprintf(ids, sizeof(ids), "{\"Key\":\"%s\"}", key);
  awsc_s3_PutObjectRequest in = {0};
  in.body.data = data;
  in.body.len = len;
  in.content_type = type;
  in.acl = "public-read";
  awsc_error err = AWSC_ERROR_INIT;
  awsc_s3_object *o = NULL;
  int rc = awsc_s3_bucket_ref_object(&o, bucket, ids, &err);
  if (!rc)
    rc = awsc_s3_object_put(NULL, NULL, NULL, o, &in, &err);
  awsc_s3_object_free(o);
  if (rc)
    return example_fail(key, &err);
  printf("published %s (%s, %zu bytes)\n", key, type, len);
  return 0;
}

/* The index page: one row per object under prefix (index.html aside).
 * Returns its length, 0 on error. */
static size_t build_index(char *page, size_t cap, awsc_s3_bucket *bucket,
                          const char *prefix) {
  char filter[512];
  snprintf(filter, sizeof(filter), "{\"Prefix\":\"%s\"}", prefix);
  awsc_error err = AWSC_ERROR_INIT;
  awsc_resource_collection *objects = NULL;
  if (awsc_s3_bucket_objects(&objects, bucket, filter, NULL, &err) != 0) {
    example_fail("bucket.objects", &err);
    return 0;
  }
  size_t n = (size_t)snprintf(page, cap,
                              "<!doctype html><html><head><title>Index of %s"
                              "</title></head><body><table>\n<tr><th>Key</th>"
                              "<th>LastModified</th><th>Size</th></tr>\n",
                              prefix);
  awsc_resource *item = NULL;
  int rc;
  while ((rc = awsc_resource_collection_next(&item, objects, &err)) == 0 &&
         item) {
    awsc_s3_object_summary *o = (awsc_s3_object_summary *)item;
    const awsc_s3_Object *d = awsc_s3_object_summary_data(o, &err);
    const char *name = awsc_s3_object_summary_key(o) + strlen(prefix);
    if (d && strcmp(name, "index.html") != 0 && n < cap - 512) {
      char when[32];
      time_t t = (time_t)(d->last_modified / 1000);
      strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", gmtime(&t));
      n += (size_t)snprintf(page + n, cap - n,
                            "<tr><td><a href=\"%s\">%s</a></td><td>%s</td>"
                            "<td>%lld</td></tr>\n",
                            name, name, when, (long long)d->size);
    }
    awsc_s3_object_summary_free(o);
  }
  awsc_resource_collection_free(objects);
  if (rc != 0) {
    example_fail("bucket.objects.filter()", &err);
    return 0;
  }
  n += (size_t)snprintf(page + n, cap - n, "</table></body></html>\n");
  return n;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s BUCKET [PREFIX]\n", argv[0]);
    return 2;
  }
  const char *prefix = argc > 2 ? argv[2] : "site/";
  awsc_session *session;
  awsc_client *client;
  if (example_client("s3", &session, &client))
    return 1;
  awsc_error err = AWSC_ERROR_INIT;
  awsc_s3_bucket *bucket = NULL;
  if (awsc_s3_bucket_new(&bucket, client, argv[1], &err) != 0) {
    example_cleanup(session, client);
    return example_fail("bucket", &err);
  }
  int status = publish(bucket, prefix, "chart.png", chart_png,
                       sizeof(chart_png), "image/png");
  char report[512];
  int len = snprintf(report, sizeof(report),
                     "<!doctype html><html><head><title>Report</title>"
                     "</head><body><h1>Monthly report</h1><p>Generated "
                     "by awsc %s.</p><img src=\"chart.png\" alt=\"chart\">"
                     "</body></html>\n",
                     awsc_version());
  status |=
      publish(bucket, prefix, "report.html", report, (size_t)len, "text/html");

  static char index[65536];
  size_t n = status ? 0 : build_index(index, sizeof(index), bucket, prefix);
  if (n)
    status |= publish(bucket, prefix, "index.html", index, n, "text/html");
  else
    status = 1;
  char key[512], *url = NULL;
  snprintf(key, sizeof(key), "%sindex.html", prefix);
  if (!status && awsc_s3_object_url(&url, client, argv[1], key, 0, &err) == 0)
    printf("public URL: %s\n", url);
  awsc_mem_free(url);
  awsc_s3_bucket_free(bucket);
  example_cleanup(session, client);
  return status;
}
