/*
 * End to end: the resource layer's generic face (awsc/resource.h, what
 * bindings use) and typed data against the local Ceph RGW, each step
 * checked through the client layer (awsc_s3_* typed calls) on the same
 * client: a bucket made by ServiceResource.create_bucket, objects put
 * through Object handles, a collection over 25 keys with page_size and
 * limit (requests counted at the transport), pages(), attributes against
 * head_object, references, Object.get streamed (awsc_s3_object_get_to)
 * against get_object, an ObjectAcl, errors of loads, the batch delete
 * of several pages (requests counted), and the bucket's delete and waiter.
 * Needs AWSC_E2E_S3_ENDPOINT.
 */
#include "sns_util.h"

#include "awsc/s3.h"
#include "awsc/s3_resources.h"

static awsc_client *s3;
static awsc_transport *transport; /* the client's: requests are counted */
static awsc_resource *svc;        /* the generic ServiceResource */
static awsc_resource *bucket;     /* made by test_create_bucket */
static char bucket_name[64];

static uint64_t requests(void) {
  awsc_transport_stats st = {0};
  return awsc_transport_curl_stats(&st, transport) == 0 ? st.requests : 0;
}

/* The keys under prefix as the client layer lists them (one call; fewer
 * than 1000 here), joined with '\n'. Caller frees. */
static char *client_keys(const char *prefix) {
  awsc_s3_ListObjectsV2Request in = {0};
  in.bucket = bucket_name;
  in.prefix = prefix;
  awsc_s3_ListObjectsV2Output *out = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  if (awsc_s3_list_objects_v2(&out, s3, &in, &err) != 0) {
    fprintf(stderr, "list_objects_v2: %s\n", err.message);
    return NULL;
  }
  size_t cap = 1, len = 0;
  for (size_t i = 0; i < out->contents_count; i++)
    cap += strlen(out->contents[i].key) + 1;
  char *s = calloc(1, cap);
  for (size_t i = 0; s && i < out->contents_count; i++)
    len += (size_t)sprintf(s + len, "%s\n", out->contents[i].key);
  awsc_mem_free(out);
  return s;
}

/* Walk a collection; the keys of the items joined with '\n' (caller
 * frees) and their count. */
static char *collection_keys(awsc_resource_collection *c, int *count) {
  char *s = calloc(1, 4096);
  size_t len = 0;
  *count = 0;
  awsc_resource *it = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  int rc;
  while (s && (rc = awsc_resource_collection_next(&it, c, &err)) == 0 && it) {
    CHECK_STR(awsc_resource_type(it), "ObjectSummary");
    const char *key = awsc_s3_object_summary_key((awsc_s3_object_summary *)it);
    if (len + strlen(key) + 2 < 4096)
      len += (size_t)sprintf(s + len, "%s\n", key);
    (*count)++;
    awsc_resource_free(it);
  }
  if (rc != 0)
    fprintf(stderr, "collection: %s\n", err.message);
  CHECK_INT(rc, 0);
  return s;
}

static void test_create_bucket(void) {
  awsc_error err = AWSC_ERROR_INIT;
  char params[128], *json = NULL;
  awsc_resource **made = NULL;
  size_t n = 0;
  snprintf(params, sizeof(params), "{\"Bucket\":\"%s\"}", bucket_name);
  CHECK_INT(awsc_resource_action_json(&json, &made, &n, svc, "create_bucket",
                                      params, &err),
            0);
  CHECK_INT(n, 1);
  if (n == 1) {
    CHECK_STR(awsc_resource_type(made[0]), "Bucket");
    bucket = made[0];
    made[0] = NULL;
  }
  awsc_resource_array_free(made, n);
  awsc_mem_free(json);
  if (!bucket)
    return;
  char *ids = NULL;
  CHECK_INT(awsc_resource_identifiers_json(&ids, bucket, &err), 0);
  snprintf(params, sizeof(params), "{\"Name\":\"%s\"}", bucket_name);
  CHECK_STR(ids, params);
  awsc_mem_free(ids);
  CHECK_INT(awsc_resource_wait(bucket, "Exists", NULL, NULL, &err), 0);
  /* the client layer sees it */
  awsc_s3_HeadBucketRequest hb = {0};
  hb.bucket = bucket_name;
  CHECK_INT(awsc_s3_head_bucket(NULL, s3, &hb, &err), 0);
}

static void test_put_objects(void) {
  awsc_error err = AWSC_ERROR_INIT;
  for (int i = 1; i <= 25; i++) {
    char ids[64], body[64];
    snprintf(ids, sizeof(ids), "{\"Key\":\"page/k%02d\"}", i);
    snprintf(body, sizeof(body), "{\"Body\":\"value %d\"}", i);
    awsc_resource *o = NULL;
    CHECK_INT(awsc_resource_reference(&o, bucket, "Object", ids, &err), 0);
    if (o)
      CHECK_INT(
          awsc_resource_action_json(NULL, NULL, NULL, o, "Put", body, &err), 0);
    awsc_resource_free(o);
  }
  char *keys = client_keys("page/");
  CHECK(keys && strncmp(keys, "page/k01\npage/k02\n", 18) == 0);
  CHECK(keys && strlen(keys) == 25 * 9);
  free(keys);
}

/* one collection, its items, the requests it cost */
static void walk(const char *filter, int64_t page_size, int64_t limit,
                 int want_items, uint64_t want_requests) {
  awsc_collection_options o = AWSC_COLLECTION_OPTIONS_INIT;
  o.page_size = page_size;
  o.limit = limit;
  awsc_resource_collection *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  uint64_t before = requests();
  CHECK_INT(
      awsc_resource_collection_new(&c, bucket, "Objects", filter, &o, &err), 0);
  CHECK_INT(requests() - before, 0); /* nothing sent before the first next */
  int count = 0;
  char *got = c ? collection_keys(c, &count) : NULL;
  CHECK_INT(count, want_items);
  CHECK_INT(requests() - before, want_requests);
  char *want = client_keys("page/");
  if (want && (size_t)want_items * 9 <= strlen(want))
    want[want_items * 9] = 0; /* the first want_items keys */
  CHECK_STR(got, want);
  free(got);
  free(want);
  awsc_resource_collection_free(c);
}

static void test_collection_pages(void) {
  const char *f = "{\"Prefix\":\"page/\"}";
  walk(f, 10, 0, 25, 3);  /* page_size(10): 10 + 10 + 5 */
  walk(f, 10, 7, 7, 1);   /* limit(7) inside the first page */
  walk(f, 10, 15, 15, 2); /* limit(15) stops in the second */
  walk(f, 0, 0, 25, 1);   /* the service's page (1000) */
  walk(f, 25, 0, 25, 1);  /* exactly one full page: no empty second one */

  /* pages(): three page responses, then the end */
  awsc_collection_options o = AWSC_COLLECTION_OPTIONS_INIT;
  o.page_size = 10;
  awsc_resource_collection *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_resource_collection_new(&c, bucket, "objects", f, &o, &err),
            0);
  /* RGW sends no KeyCount: each page's first key and IsTruncated */
  const char *firsts[] = {"\"Contents\":[{\"Key\":\"page/k01\"",
                          "\"Contents\":[{\"Key\":\"page/k11\"",
                          "\"Contents\":[{\"Key\":\"page/k21\""};
  for (int p = 0; c && p < 3; p++) {
    char *page = NULL;
    CHECK_INT(awsc_resource_collection_next_page_json(&page, c, &err), 0);
    CHECK(page && strstr(page, firsts[p]));
    CHECK(page && strstr(page, p < 2 ? "\"IsTruncated\":true"
                                     : "\"IsTruncated\":false"));
    awsc_mem_free(page);
  }
  char *end = (char *)"x";
  if (c)
    CHECK_INT(awsc_resource_collection_next_page_json(&end, c, &err), 0);
  CHECK(end == NULL);
  awsc_resource_collection_free(c);
}

static void test_attributes(void) {
  awsc_error err = AWSC_ERROR_INIT;
  char head_etag[128] = "";
  awsc_resource *o = NULL;
  CHECK_INT(awsc_resource_reference(&o, bucket, "Object",
                                    "{\"Key\":\"page/k07\"}", &err),
            0);
  if (!o)
    return;
  char *attrs = NULL;
  CHECK_INT(awsc_resource_attributes_json(&attrs, o, &err), 0); /* loads */
  awsc_s3_HeadObjectRequest hi = {0};
  hi.bucket = bucket_name;
  hi.key = "page/k07";
  awsc_s3_HeadObjectOutput *head = NULL;
  CHECK_INT(awsc_s3_head_object(&head, s3, &hi, &err), 0);
  if (head && attrs) {
    /* ETag comes with its quotes, escaped in the JSON */
    char want[160];
    size_t el = head->e_tag ? strlen(head->e_tag) : 0;
    CHECK(strstr(attrs, "\"ContentLength\":7"));
    CHECK(el > 2);
    snprintf(want, sizeof(want), "\"ETag\":\"\\\"%.*s\\\"\"",
             (int)(el > 2 ? el - 2 : 0), el > 2 ? head->e_tag + 1 : "");
    CHECK(strstr(attrs, want) != NULL);
    /* the typed data of the same handle */
    const awsc_s3_HeadObjectOutput *d =
        awsc_s3_object_data((awsc_s3_object *)o, &err);
    CHECK(d && d->content_length == head->content_length);
    CHECK(d && d->e_tag && strcmp(d->e_tag, head->e_tag) == 0);
    CHECK(d && d->last_modified == head->last_modified &&
          d->last_modified > 1600000000000LL);
  }
  if (head && head->e_tag)
    snprintf(head_etag, sizeof(head_etag), "%s", head->e_tag);
  awsc_mem_free(head);
  awsc_mem_free(attrs);

  /* object.Bucket(): a Bucket of the same name */
  awsc_resource *b = NULL;
  CHECK_INT(awsc_resource_reference(&b, o, "Bucket", NULL, &err), 0);
  CHECK(b && strcmp(awsc_resource_type(b), "Bucket") == 0 &&
        strcmp(awsc_s3_bucket_name((awsc_s3_bucket *)b), bucket_name) == 0);
  awsc_resource_free(b);
  awsc_resource_free(o);

  /* a missing object: the load fails with the service's answer */
  awsc_resource *missing = NULL;
  CHECK_INT(awsc_resource_reference(&missing, bucket, "Object",
                                    "{\"Key\":\"page/none\"}", &err),
            0);
  awsc_error_clear(&err);
  CHECK_INT(awsc_resource_load(missing, &err), AWSC_ESERVICE);
  CHECK_INT(err.http_status, 404);
  CHECK(awsc_s3_object_data((awsc_s3_object *)missing, &err) == NULL);
  awsc_resource_free(missing);

  /* an ObjectSummary from the collection carries the listing's data:
   * the same Size and ETag as the client layer's head_object */
  awsc_resource_collection *c = NULL;
  awsc_resource *it = NULL;
  awsc_collection_options one = AWSC_COLLECTION_OPTIONS_INIT;
  one.limit = 1;
  CHECK_INT(awsc_resource_collection_new(
                &c, bucket, "Objects", "{\"Prefix\":\"page/k07\"}", &one, &err),
            0);
  CHECK_INT(awsc_resource_collection_next(&it, c, &err), 0);
  const awsc_s3_Object *sd =
      it ? awsc_s3_object_summary_data((awsc_s3_object_summary *)it, &err)
         : NULL;
  CHECK(sd && sd->size == 7 && sd->e_tag && head_etag[0] &&
        strcmp(sd->e_tag, head_etag) == 0);
  awsc_resource_free(it);
  awsc_resource_collection_free(c);
}

typedef struct collected {
  char bytes[64];
  size_t len;
  int calls;
} collected;

static int collect(const void *data, size_t len, void *ud) {
  collected *c = ud;
  if (c->len + len >= sizeof(c->bytes))
    return AWSC_EIO;
  memcpy(c->bytes + c->len, data, len);
  c->len += len;
  c->calls++;
  return 0;
}

/* object.get() with a streaming body (awsc_s3_object_get_to): the bytes
 * the client layer's get_object returns, whole and ranged */
static void test_object_get_to(void) {
  awsc_error err = AWSC_ERROR_INIT;
  awsc_s3_object *o = NULL;
  CHECK_INT(awsc_s3_object_new(&o, s3, bucket_name, "page/k12", &err), 0);
  collected got = {{0}, 0, 0};
  awsc_body_sink sink = {0};
  sink.kind = AWSC_SINK_CALLBACK;
  sink.write = collect;
  sink.user_data = &got;
  awsc_s3_GetObjectOutput *out = NULL;
  CHECK_INT(awsc_s3_object_get_to(&out, o, NULL, &sink, &err), 0);
  CHECK(out && out->content_length == 8);
  awsc_mem_free(out);
  awsc_s3_GetObjectRequest in = {0};
  in.bucket = bucket_name;
  in.key = "page/k12";
  awsc_s3_GetObjectOutput *whole = NULL;
  CHECK_INT(awsc_s3_get_object(&whole, s3, &in, &err), 0);
  CHECK(whole && whole->body.len == got.len &&
        memcmp(whole->body.data, got.bytes, got.len) == 0);
  CHECK(got.len == 8 && memcmp(got.bytes, "value 12", 8) == 0);
  awsc_mem_free(whole);
  /* the handle fills Bucket and Key; the request adds a Range */
  collected part = {{0}, 0, 0};
  sink.user_data = &part;
  awsc_s3_GetObjectRequest ranged = {0};
  ranged.range = "bytes=6-7";
  CHECK_INT(awsc_s3_object_get_to(NULL, o, &ranged, &sink, &err), 0);
  CHECK(part.len == 2 && memcmp(part.bytes, "12", 2) == 0);
  /* a missing key: the service's error, nothing written */
  awsc_s3_object *missing = NULL;
  collected none = {{0}, 0, 0};
  sink.user_data = &none;
  CHECK_INT(awsc_s3_object_new(&missing, s3, bucket_name, "page/none", &err),
            0);
  awsc_error_clear(&err);
  CHECK_INT(awsc_s3_object_get_to(NULL, missing, NULL, &sink, &err),
            AWSC_ESERVICE);
  CHECK_STR(err.service_code, "NoSuchKey");
  CHECK_INT(none.calls, 0);
  awsc_s3_object_free(missing);
  awsc_s3_object_free(o);
}

static void test_object_acl(void) {
  awsc_error err = AWSC_ERROR_INIT;
  awsc_resource *o = NULL, *acl = NULL;
  CHECK_INT(awsc_resource_reference(&o, bucket, "Object",
                                    "{\"Key\":\"page/k01\"}", &err),
            0);
  CHECK_INT(awsc_resource_reference(&acl, o, "Acl", NULL, &err), 0);
  CHECK(acl && strcmp(awsc_resource_type(acl), "ObjectAcl") == 0);
  CHECK_INT(awsc_resource_action_json(NULL, NULL, NULL, acl, "Put",
                                      "{\"ACL\":\"public-read\"}", &err),
            0);
  /* the client layer sees the grant */
  awsc_s3_GetObjectAclRequest in = {0};
  in.bucket = bucket_name;
  in.key = "page/k01";
  awsc_s3_GetObjectAclOutput *out = NULL;
  CHECK_INT(awsc_s3_get_object_acl(&out, s3, &in, &err), 0);
  int all_users = 0;
  for (size_t i = 0; out && i < out->grants_count; i++)
    all_users |= out->grants[i].grantee && out->grants[i].grantee->uri &&
                 strstr(out->grants[i].grantee->uri, "AllUsers") != NULL;
  CHECK(all_users);
  awsc_mem_free(out);
  /* and so does the ObjectAcl's own load */
  char *attrs = NULL;
  CHECK_INT(awsc_resource_load(acl, &err), 0);
  CHECK_INT(awsc_resource_attributes_json(&attrs, acl, &err), 0);
  CHECK(attrs && strstr(attrs, "AllUsers"));
  awsc_mem_free(attrs);
  awsc_resource_free(acl);
  awsc_resource_free(o);
}

static void test_batch_delete(void) {
  awsc_error err = AWSC_ERROR_INIT;
  awsc_collection_options o = AWSC_COLLECTION_OPTIONS_INIT;
  o.page_size = 10;
  char *json = NULL;
  size_t n = 0;
  uint64_t before = requests();
  /* bucket.objects.filter(Prefix="page/").page_size(10).delete() */
  CHECK_INT(awsc_resource_batch_action_json(&json, &n, bucket, "Objects",
                                            "{\"Prefix\":\"page/\"}", &o,
                                            "Delete", NULL, &err),
            0);
  CHECK_INT(n, 3);
  /* 3 listings + 3 DeleteObjects; a listing of the deleted keys would be
   * a fourth list: the pager stops on the last page's IsTruncated=false */
  CHECK_INT(requests() - before, 6);
  CHECK(json && json[0] == '[' && !strstr(json, "\"Errors\""));
  CHECK(json && strstr(json, "\"Key\":\"page/k25\""));
  awsc_mem_free(json);
  char *left = client_keys("");
  CHECK_STR(left, "");
  free(left);
}

static void test_delete_bucket(void) {
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(
      awsc_resource_action_json(NULL, NULL, NULL, bucket, "delete", NULL, &err),
      0);
  CHECK_INT(
      awsc_resource_wait(bucket, "wait_until_not_exists", NULL, NULL, &err), 0);
  awsc_s3_HeadBucketRequest hb = {0};
  hb.bucket = bucket_name;
  awsc_error_clear(&err);
  CHECK_INT(awsc_s3_head_bucket(NULL, s3, &hb, &err), AWSC_ESERVICE);
  CHECK_INT(err.http_status, 404);
}

int main(void) {
  const char *endpoint = e2e_s3_endpoint();
  if (!endpoint) {
    printf("skip: AWSC_E2E_S3_ENDPOINT is not set (the local S3 server was "
           "not started)\n");
    return 77;
  }
  snprintf(bucket_name, sizeof(bucket_name), "e2e-resapi-%s", e2e_run_id());
  awsc_session *s = e2e_session_ex(NULL, NULL, NULL, 0);
  transport = s ? awsc_session_transport(s) : NULL;
  s3 = e2e_client_ex("s3", endpoint, s); /* the client keeps the session */
  awsc_error err = AWSC_ERROR_INIT;
  if (!s3 || awsc_resource_service(&svc, s3, &err) != 0) {
    fprintf(stderr, "setup: %s\n", err.message);
    return 1;
  }
  RUN(test_create_bucket);
  if (bucket) {
    RUN(test_put_objects);
    RUN(test_collection_pages);
    RUN(test_attributes);
    RUN(test_object_get_to);
    RUN(test_object_acl);
    RUN(test_batch_delete);
    RUN(test_delete_bucket);
  }
  awsc_resource_free(bucket);
  awsc_resource_free(svc);
  awsc_client_free(s3);
  return test_summary();
}
