/*
 * Paginators against canned responses: S3 ListObjectsV2 (continuation
 * tokens, IsTruncated), ListObjects (NextMarker || Contents[-1].Key), SNS
 * ListTopics (query protocol, NextToken), MaxItems truncation and resume
 * tokens exactly as botocore's PageIterator writes them, PageSize, the
 * repeated-token error, build_full_result, and no leaks (counting
 * allocator, allocation failures injected one by one).
 */
#include <stdio.h>
#include <string.h>

#include "awsc/paginator.h"
#include "fake.h"
#include "test.h"

#define S3_NS "http://s3.amazonaws.com/doc/2006-03-01/"

/* ListObjectsV2 pages: a,b -> tok1; c,d -> tok2; e (last). */
static const fake_reply v2_pages[] = {
    {200, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
          "<ListBucketResult xmlns=\"" S3_NS "\"><Name>bkt</Name>"
          "<Prefix></Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys>"
          "<IsTruncated>true</IsTruncated>"
          "<NextContinuationToken>tok1</NextContinuationToken>"
          "<Contents><Key>a</Key><Size>1</Size>"
          "<StorageClass>STANDARD</StorageClass></Contents>"
          "<Contents><Key>b</Key><Size>2</Size>"
          "<StorageClass>STANDARD</StorageClass></Contents>"
          "</ListBucketResult>"},
    {200, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
          "<ListBucketResult xmlns=\"" S3_NS "\"><Name>bkt</Name>"
          "<Prefix></Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys>"
          "<IsTruncated>true</IsTruncated>"
          "<ContinuationToken>tok1</ContinuationToken>"
          "<NextContinuationToken>tok2</NextContinuationToken>"
          "<Contents><Key>c</Key><Size>3</Size></Contents>"
          "<Contents><Key>d</Key><Size>4</Size></Contents>"
          "</ListBucketResult>"},
    {200, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
          "<ListBucketResult xmlns=\"" S3_NS "\"><Name>bkt</Name>"
          "<Prefix></Prefix><KeyCount>1</KeyCount><MaxKeys>2</MaxKeys>"
          "<IsTruncated>false</IsTruncated>"
          "<ContinuationToken>tok2</ContinuationToken>"
          "<Contents><Key>e</Key><Size>5</Size></Contents>"
          "</ListBucketResult>"},
};

static awsc_page_iterator *start(awsc_client *c, const char *op,
                                 const char *input,
                                 const awsc_paginator_config *cfg) {
  awsc_page_iterator *p = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = awsc_paginator_new(&p, c, op, input, cfg, &err);
  if (rc) {
    fprintf(stderr, "  awsc_paginator_new: %d %s\n", rc, err.message);
    test_current_failed = 1;
  }
  return p;
}

/* Walk every item; keys of the items ("Key" values) joined by ','. */
static int walk_keys(awsc_page_iterator *p, char *out, size_t size) {
  out[0] = '\0';
  char *item;
  int rc;
  awsc_error err = AWSC_ERROR_INIT;
  while ((rc = awsc_paginator_next_item_json(&item, p, &err)) == 0 && item) {
    const char *k = strstr(item, "\"Key\":\"");
    if (k) {
      k += 7;
      size_t n = strcspn(k, "\"");
      size_t len = strlen(out);
      snprintf(out + len, size - len, "%s%.*s", len ? "," : "", (int)n, k);
    }
    awsc_mem_free(item);
  }
  if (rc)
    fprintf(stderr, "  next_item: %d %s\n", rc, err.message);
  return rc;
}

static char *b64(const char *s) {
  static char out[512];
  awsc_base64_encode((const uint8_t *)s, strlen(s), out);
  return out;
}

static void test_can_paginate(void) {
  awsc_client *s3 = fake_client("s3");
  awsc_client *sns = fake_client("sns");
  CHECK(s3 && sns);
  if (!s3 || !sns)
    goto out;
  CHECK_INT(awsc_client_can_paginate(s3, "list_objects_v2"), 1);
  CHECK_INT(awsc_client_can_paginate(s3, "ListObjectsV2"), 1);
  CHECK_INT(awsc_client_can_paginate(s3, "list_objects"), 1);
  CHECK_INT(awsc_client_can_paginate(s3, "list_parts"), 1);
  CHECK_INT(awsc_client_can_paginate(s3, "get_object"), 0);
  CHECK_INT(awsc_client_can_paginate(s3, "PutObject"), 0);
  CHECK_INT(awsc_client_can_paginate(s3, "no_such_operation"), 0);
  CHECK_INT(awsc_client_can_paginate(s3, NULL), 0);
  CHECK_INT(awsc_client_can_paginate(sns, "list_topics"), 1);
  CHECK_INT(awsc_client_can_paginate(sns, "publish"), 0);
  /* not a paginated operation / unknown one */
  awsc_page_iterator *p = (awsc_page_iterator *)1;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_paginator_new(&p, s3, "get_object",
                               "{\"Bucket\":\"b\",\"Key\":\"k\"}", NULL, &err),
            AWSC_ENOTFOUND);
  CHECK(p == NULL);
  CHECK_STR(err.message, "Operation cannot be paginated: get_object");
  CHECK_INT(awsc_paginator_new(&p, s3, "nope", NULL, NULL, &err),
            AWSC_ENOTFOUND);
out:
  awsc_client_free(s3);
  awsc_client_free(sns);
}

static void test_v2_three_pages(void) {
  awsc_client *c = fake_client("s3");
  CHECK(c != NULL);
  if (!c)
    return;
  fake_reset(v2_pages, 3);
  awsc_page_iterator *p =
      start(c, "list_objects_v2", "{\"Bucket\":\"bkt\"}", NULL);
  if (!p)
    goto out;
  awsc_error err = AWSC_ERROR_INIT;
  char *page = NULL;
  int pages = 0, rc;
  while ((rc = awsc_paginator_next_page_json(&page, p, &err)) == 0 && page) {
    pages++;
    CHECK(strstr(page, "\"ResponseMetadata\":{\"RequestId\":\"req-") != NULL);
    CHECK(strstr(page, "\"HTTPStatusCode\":200") != NULL);
    if (pages == 1)
      CHECK(strstr(page, "\"NextContinuationToken\":\"tok1\"") != NULL);
    if (pages == 3)
      CHECK(strstr(page, "\"Key\":\"e\"") != NULL);
    awsc_mem_free(page);
  }
  CHECK_INT(rc, 0);
  CHECK_INT(pages, 3);
  CHECK_INT(fake_sends(), 3);
  CHECK(strstr(fake_url(0), "list-type=2") != NULL);
  CHECK(strstr(fake_url(0), "continuation-token") == NULL);
  CHECK(strstr(fake_url(1), "continuation-token=tok1") != NULL);
  CHECK(strstr(fake_url(2), "continuation-token=tok2") != NULL);
  /* the end stays the end, without another request */
  CHECK_INT(awsc_paginator_next_page_json(&page, p, &err), 0);
  CHECK(page == NULL);
  CHECK_INT(fake_sends(), 3);
  CHECK(awsc_paginator_resume_token(p) == NULL);
  awsc_paginator_free(p);

  /* items across the pages */
  fake_reset(v2_pages, 3);
  p = start(c, "ListObjectsV2", "{\"Bucket\":\"bkt\"}", NULL);
  char keys[256];
  if (p) {
    CHECK_INT(walk_keys(p, keys, sizeof keys), 0);
    CHECK_STR(keys, "a,b,c,d,e");
    awsc_paginator_free(p);
  }
  /* items through an expression (PageIterator.search) */
  fake_reset(v2_pages, 3);
  awsc_paginator_config cfg = AWSC_PAGINATOR_CONFIG_INIT;
  cfg.item_expression = "Contents[?Size > `1`].Key";
  p = start(c, "list_objects_v2", "{\"Bucket\":\"bkt\"}", &cfg);
  if (p) {
    char *item;
    awsc_buf all = AWSC_BUF_INIT;
    while (awsc_paginator_next_item_json(&item, p, &err) == 0 && item) {
      awsc_buf_puts(&all, item);
      awsc_mem_free(item);
    }
    CHECK_STR(all.p, "\"b\"\"c\"\"d\"\"e\"");
    awsc_buf_free(&all);
    awsc_paginator_free(p);
  }
out:
  awsc_client_free(c);
}

static void test_v1_marker(void) {
  /* no NextMarker on page 1: the last key is the marker; page 2 names
   * its NextMarker (with a delimiter S3 does) */
  static const fake_reply pages[] = {
      {200, "<ListBucketResult xmlns=\"" S3_NS "\"><Name>bkt</Name>"
            "<Prefix></Prefix><Marker></Marker><MaxKeys>2</MaxKeys>"
            "<IsTruncated>true</IsTruncated>"
            "<Contents><Key>k1</Key></Contents>"
            "<Contents><Key>k2</Key></Contents></ListBucketResult>"},
      {200, "<ListBucketResult xmlns=\"" S3_NS "\"><Name>bkt</Name>"
            "<Prefix></Prefix><Marker>k2</Marker><MaxKeys>2</MaxKeys>"
            "<NextMarker>p/</NextMarker><IsTruncated>true</IsTruncated>"
            "<Contents><Key>k3</Key></Contents>"
            "<CommonPrefixes><Prefix>p/</Prefix></CommonPrefixes>"
            "</ListBucketResult>"},
      {200, "<ListBucketResult xmlns=\"" S3_NS "\"><Name>bkt</Name>"
            "<Prefix></Prefix><Marker>p/</Marker><MaxKeys>2</MaxKeys>"
            "<IsTruncated>false</IsTruncated>"
            "<Contents><Key>z</Key></Contents></ListBucketResult>"},
  };
  awsc_client *c = fake_client("s3");
  CHECK(c != NULL);
  if (!c)
    return;
  fake_reset(pages, 3);
  awsc_page_iterator *p =
      start(c, "list_objects", "{\"Bucket\":\"bkt\"}", NULL);
  if (p) {
    char keys[128];
    CHECK_INT(walk_keys(p, keys, sizeof keys), 0);
    CHECK_STR(keys, "k1,k2,k3,z");
    CHECK_INT(fake_sends(), 3);
    CHECK(strstr(fake_url(0), "marker") == NULL);
    CHECK(strstr(fake_url(1), "marker=k2") != NULL);
    CHECK(strstr(fake_url(2), "marker=p%2F") != NULL);
    awsc_paginator_free(p);
  }
  /* build_full_result merges both result keys */
  fake_reset(pages, 3);
  p = start(c, "list_objects", "{\"Bucket\":\"bkt\"}", NULL);
  if (p) {
    char *full = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    CHECK_INT(awsc_paginator_build_full_result_json(&full, p, &err), 0);
    CHECK_STR(full, "{\"Contents\":[{\"Key\":\"k1\"},{\"Key\":\"k2\"},"
                    "{\"Key\":\"k3\"},{\"Key\":\"z\"}],"
                    "\"CommonPrefixes\":[{\"Prefix\":\"p/\"}],"
                    "\"RequestCharged\":null,\"Prefix\":\"\"}");
    awsc_mem_free(full);
    awsc_paginator_free(p);
  }
  awsc_client_free(c);
}

static void test_sns_list_topics(void) {
  static const fake_reply pages[] = {
      {200, "<ListTopicsResponse xmlns=\"http://sns.amazonaws.com/doc/"
            "2010-03-31/\"><ListTopicsResult><Topics>"
            "<member><TopicArn>arn:aws:sns:us-east-1:1:t1</TopicArn></member>"
            "<member><TopicArn>arn:aws:sns:us-east-1:1:t2</TopicArn></member>"
            "</Topics><NextToken>n+1/=</NextToken></ListTopicsResult>"
            "<ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata>"
            "</ListTopicsResponse>"},
      {200, "<ListTopicsResponse xmlns=\"http://sns.amazonaws.com/doc/"
            "2010-03-31/\"><ListTopicsResult><Topics>"
            "<member><TopicArn>arn:aws:sns:us-east-1:1:t3</TopicArn></member>"
            "</Topics></ListTopicsResult>"
            "<ResponseMetadata><RequestId>r2</RequestId></ResponseMetadata>"
            "</ListTopicsResponse>"},
  };
  awsc_client *c = fake_client("sns");
  CHECK(c != NULL);
  if (!c)
    return;
  fake_reset(pages, 2);
  awsc_page_iterator *p = start(c, "list_topics", NULL, NULL);
  if (p) {
    char *item;
    awsc_error err = AWSC_ERROR_INIT;
    awsc_buf all = AWSC_BUF_INIT;
    int rc;
    while ((rc = awsc_paginator_next_item_json(&item, p, &err)) == 0 && item) {
      awsc_buf_puts(&all, item);
      awsc_mem_free(item);
    }
    CHECK_INT(rc, 0);
    CHECK_STR(all.p, "{\"TopicArn\":\"arn:aws:sns:us-east-1:1:t1\"}"
                     "{\"TopicArn\":\"arn:aws:sns:us-east-1:1:t2\"}"
                     "{\"TopicArn\":\"arn:aws:sns:us-east-1:1:t3\"}");
    awsc_buf_free(&all);
    CHECK_INT(fake_sends(), 2);
    CHECK_STR(fake_method(1), "POST");
    CHECK(strstr(fake_body(0), "Action=ListTopics") != NULL);
    CHECK(strstr(fake_body(0), "NextToken") == NULL);
    CHECK(strstr(fake_body(1), "NextToken=n%2B1%2F%3D") != NULL);
    awsc_paginator_free(p);
  }
  awsc_client_free(c);
}

static void test_page_size(void) {
  awsc_client *c = fake_client("s3");
  CHECK(c != NULL);
  if (!c)
    return;
  fake_reset(v2_pages, 3);
  awsc_paginator_config cfg = AWSC_PAGINATOR_CONFIG_INIT;
  cfg.page_size = 2;
  /* the input's own MaxKeys is overridden, its Prefix kept */
  awsc_page_iterator *p =
      start(c, "list_objects_v2",
            "{\"Bucket\":\"bkt\",\"MaxKeys\":1000,\"Prefix\":\"x/\"}", &cfg);
  if (p) {
    char keys[64];
    CHECK_INT(walk_keys(p, keys, sizeof keys), 0);
    CHECK_STR(keys, "a,b,c,d,e");
    for (int i = 0; i < 3; i++) {
      CHECK(strstr(fake_url(i), "max-keys=2") != NULL);
      CHECK(strstr(fake_url(i), "max-keys=1000") == NULL);
      CHECK(strstr(fake_url(i), "prefix=x%2F") != NULL);
    }
    awsc_paginator_free(p);
  }
  /* SNS ListTopics has no limit key */
  awsc_client *sns = fake_client("sns");
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_paginator_new(&p, sns, "list_topics", NULL, &cfg, &err),
            AWSC_EINVAL);
  CHECK_STR(err.message, "PageSize parameter is not supported for the "
                         "pagination interface for this operation.");
  cfg.page_size = 2;
  cfg.version = 0;
  CHECK_INT(awsc_paginator_new(&p, c, "list_objects_v2", "{\"Bucket\":\"b\"}",
                               &cfg, &err),
            AWSC_EINVAL);
  CHECK(strstr(err.message, "AWSC_PAGINATOR_CONFIG_INIT") != NULL);
  cfg.version = AWSC_PAGINATOR_CONFIG_VERSION;
  cfg.page_size = -1;
  CHECK_INT(awsc_paginator_new(&p, c, "list_objects_v2", "{\"Bucket\":\"b\"}",
                               &cfg, &err),
            AWSC_EINVAL);
  /* parameters are validated up front, nothing sent */
  fake_reset(v2_pages, 3);
  cfg.page_size = 0;
  CHECK_INT(awsc_paginator_new(&p, c, "list_objects_v2", "{}", &cfg, &err),
            AWSC_EVALIDATION);
  CHECK(strstr(err.message, "Bucket") != NULL);
  CHECK_INT(fake_sends(), 0);
  awsc_client_free(sns);
  awsc_client_free(c);
}

static void test_max_items_resume(void) {
  awsc_client *c = fake_client("s3");
  CHECK(c != NULL);
  if (!c)
    return;
  awsc_error err = AWSC_ERROR_INIT;
  /* MaxItems 3: a,b then c out of c,d; resume at tok1 dropping 1 item */
  fake_reset(v2_pages, 3);
  awsc_paginator_config cfg = AWSC_PAGINATOR_CONFIG_INIT;
  cfg.max_items = 3;
  awsc_page_iterator *p =
      start(c, "list_objects_v2", "{\"Bucket\":\"bkt\"}", &cfg);
  char token[512] = "";
  if (p) {
    char *page;
    int pages = 0;
    while (awsc_paginator_next_page_json(&page, p, &err) == 0 && page) {
      pages++;
      if (pages == 2) {
        CHECK(strstr(page, "\"Key\":\"c\"") != NULL);
        CHECK(strstr(page, "\"Key\":\"d\"") == NULL);
      }
      awsc_mem_free(page);
    }
    CHECK_INT(pages, 2);
    CHECK_INT(fake_sends(), 2);
    const char *t = awsc_paginator_resume_token(p);
    CHECK_STR(t, b64("{\"ContinuationToken\": \"tok1\", "
                     "\"boto_truncate_amount\": 1}"));
    if (t)
      snprintf(token, sizeof token, "%s", t);
    awsc_paginator_free(p);
  }
  /* resume: exactly the remaining items, from tok1's page */
  fake_reset(v2_pages + 1, 2);
  cfg.max_items = 0;
  cfg.starting_token = token;
  p = start(c, "list_objects_v2", "{\"Bucket\":\"bkt\"}", &cfg);
  if (p) {
    char keys[64];
    CHECK_INT(walk_keys(p, keys, sizeof keys), 0);
    CHECK_STR(keys, "d,e");
    CHECK(strstr(fake_url(0), "continuation-token=tok1") != NULL);
    CHECK(strstr(fake_url(1), "continuation-token=tok2") != NULL);
    awsc_paginator_free(p);
  }
  /* resume with MaxItems again, ending on the page boundary */
  fake_reset(v2_pages + 1, 2);
  cfg.max_items = 1;
  p = start(c, "list_objects_v2", "{\"Bucket\":\"bkt\"}", &cfg);
  if (p) {
    char keys[64];
    CHECK_INT(walk_keys(p, keys, sizeof keys), 0);
    CHECK_STR(keys, "d");
    CHECK_STR(awsc_paginator_resume_token(p),
              b64("{\"ContinuationToken\": \"tok2\"}"));
    awsc_paginator_free(p);
  }
  /* cut again inside the first page: the new amount counts the items
   * the starting token dropped too (botocore's left + right truncation) */
  static const fake_reply three[] = {
      {200, "<ListBucketResult xmlns=\"" S3_NS "\"><Name>bkt</Name>"
            "<IsTruncated>true</IsTruncated>"
            "<NextContinuationToken>tokZ</NextContinuationToken>"
            "<Contents><Key>x</Key></Contents><Contents><Key>y</Key>"
            "</Contents><Contents><Key>z</Key></Contents>"
            "</ListBucketResult>"},
  };
  char start_tok[520];
  snprintf(start_tok, sizeof start_tok, "%s",
           b64("{\"ContinuationToken\": null, \"boto_truncate_amount\": 1}"));
  fake_reset(three, 1);
  cfg.starting_token = start_tok;
  p = start(c, "list_objects_v2", "{\"Bucket\":\"bkt\"}", &cfg);
  if (p) {
    char keys[64];
    CHECK_INT(walk_keys(p, keys, sizeof keys), 0);
    CHECK_STR(keys, "y");
    CHECK(strstr(fake_url(0), "continuation-token") == NULL);
    CHECK_STR(awsc_paginator_resume_token(p),
              b64("{\"ContinuationToken\": null, "
                  "\"boto_truncate_amount\": 2}"));
    awsc_paginator_free(p);
  }
  /* and that token gives z, then the rest */
  fake_reset(three, 1);
  snprintf(start_tok, sizeof start_tok, "%s",
           b64("{\"ContinuationToken\": null, \"boto_truncate_amount\": 2}"));
  cfg.max_items = 0;
  const fake_reply last[] = {three[0], v2_pages[2]};
  fake_reset(last, 2);
  p = start(c, "list_objects_v2", "{\"Bucket\":\"bkt\"}", &cfg);
  if (p) {
    char keys[64];
    CHECK_INT(walk_keys(p, keys, sizeof keys), 0);
    CHECK_STR(keys, "z,e");
    CHECK(strstr(fake_url(1), "continuation-token=tokZ") != NULL);
    awsc_paginator_free(p);
  }
  /* first page cut: the token of the first request is None */
  fake_reset(v2_pages, 3);
  cfg.starting_token = NULL;
  cfg.max_items = 1;
  p = start(c, "list_objects_v2", "{\"Bucket\":\"bkt\"}", &cfg);
  if (p) {
    char *full = NULL;
    CHECK_INT(awsc_paginator_build_full_result_json(&full, p, &err), 0);
    const char *tok = b64("{\"ContinuationToken\": null, "
                          "\"boto_truncate_amount\": 1}");
    char want[640];
    snprintf(want, sizeof want,
             "{\"Contents\":[{\"Key\":\"a\",\"Size\":1,"
             "\"StorageClass\":\"STANDARD\"}],\"RequestCharged\":null,"
             "\"Prefix\":\"\",\"NextToken\":\"%s\"}",
             tok);
    CHECK_STR(full, want);
    awsc_mem_free(full);
    awsc_paginator_free(p);
  }
  /* on a page boundary the service's own token resumes */
  fake_reset(v2_pages, 3);
  cfg.max_items = 2;
  p = start(c, "list_objects_v2", "{\"Bucket\":\"bkt\"}", &cfg);
  if (p) {
    char keys[64];
    CHECK_INT(walk_keys(p, keys, sizeof keys), 0);
    CHECK_STR(keys, "a,b");
    CHECK_INT(fake_sends(), 1);
    CHECK_STR(awsc_paginator_resume_token(p),
              b64("{\"ContinuationToken\": \"tok1\"}"));
    awsc_paginator_free(p);
  }
  /* MaxItems past the end: no resume token */
  fake_reset(v2_pages, 3);
  cfg.max_items = 5;
  p = start(c, "list_objects_v2", "{\"Bucket\":\"bkt\"}", &cfg);
  if (p) {
    char keys[64];
    CHECK_INT(walk_keys(p, keys, sizeof keys), 0);
    CHECK_STR(keys, "a,b,c,d,e");
    CHECK(awsc_paginator_resume_token(p) == NULL);
    awsc_paginator_free(p);
  }
  awsc_client_free(c);
}

static void test_starting_token_forms(void) {
  awsc_client *c = fake_client("s3");
  CHECK(c != NULL);
  if (!c)
    return;
  awsc_error err = AWSC_ERROR_INIT;
  awsc_paginator_config cfg = AWSC_PAGINATOR_CONFIG_INIT;
  /* a raw service token (botocore's fallback) */
  fake_reset(v2_pages + 2, 1);
  cfg.starting_token = "tok2";
  awsc_page_iterator *p =
      start(c, "list_objects_v2", "{\"Bucket\":\"bkt\"}", &cfg);
  if (p) {
    char keys[64];
    CHECK_INT(walk_keys(p, keys, sizeof keys), 0);
    CHECK_STR(keys, "e");
    CHECK(strstr(fake_url(0), "continuation-token=tok2") != NULL);
    awsc_paginator_free(p);
  }
  /* old form "token___index" */
  fake_reset(v2_pages + 1, 2);
  cfg.starting_token = "tok1___1";
  p = start(c, "list_objects_v2", "{\"Bucket\":\"bkt\"}", &cfg);
  if (p) {
    char keys[64];
    CHECK_INT(walk_keys(p, keys, sizeof keys), 0);
    CHECK_STR(keys, "d,e");
    awsc_paginator_free(p);
  }
  /* a key the paginator does not take */
  char bad[520];
  snprintf(bad, sizeof bad, "%s", b64("{\"Marker\": \"x\"}"));
  cfg.starting_token = bad;
  CHECK_INT(awsc_paginator_new(&p, c, "list_objects_v2", "{\"Bucket\":\"b\"}",
                               &cfg, &err),
            AWSC_EINVAL);
  CHECK(strncmp(err.message, "Bad starting token: ", 20) == 0);
  /* too many old-form parts */
  cfg.starting_token = "a___b___c";
  CHECK_INT(awsc_paginator_new(&p, c, "list_objects_v2", "{\"Bucket\":\"b\"}",
                               &cfg, &err),
            AWSC_EINVAL);
  /* two input tokens (ListObjectVersions): both go out, in the token */
  snprintf(bad, sizeof bad, "%s",
           b64("{\"KeyMarker\": \"k\\u00e9\", \"VersionIdMarker\": null}"));
  cfg.starting_token = bad;
  static const fake_reply versions[] = {
      {200, "<ListVersionsResult xmlns=\"" S3_NS "\"><Name>bkt</Name>"
            "<IsTruncated>true</IsTruncated><NextKeyMarker>k2</NextKeyMarker>"
            "<NextVersionIdMarker>v2</NextVersionIdMarker>"
            "<Version><Key>k2</Key><VersionId>v1</VersionId></Version>"
            "</ListVersionsResult>"},
      {200, "<ListVersionsResult xmlns=\"" S3_NS "\"><Name>bkt</Name>"
            "<IsTruncated>false</IsTruncated>"
            "<Version><Key>k2</Key><VersionId>v2</VersionId></Version>"
            "</ListVersionsResult>"},
  };
  fake_reset(versions, 2);
  cfg.max_items = 1;
  p = start(c, "list_object_versions", "{\"Bucket\":\"bkt\"}", &cfg);
  if (p) {
    char *page;
    int n = 0;
    while (awsc_paginator_next_page_json(&page, p, &err) == 0 && page) {
      n++;
      awsc_mem_free(page);
    }
    CHECK_INT(n, 1);
    CHECK(strstr(fake_url(0), "key-marker=k%C3%A9") != NULL);
    CHECK(strstr(fake_url(0), "version-id-marker") == NULL);
    CHECK_STR(awsc_paginator_resume_token(p),
              b64("{\"KeyMarker\": \"k2\", \"VersionIdMarker\": \"v2\"}"));
    awsc_paginator_free(p);
  }
  awsc_client_free(c);
}

static void test_repeated_token(void) {
  static const fake_reply pages[] = {
      {200, "<ListBucketResult xmlns=\"" S3_NS "\"><Name>bkt</Name>"
            "<IsTruncated>true</IsTruncated>"
            "<NextContinuationToken>same</NextContinuationToken>"
            "<Contents><Key>a</Key></Contents></ListBucketResult>"},
      {200, "<ListBucketResult xmlns=\"" S3_NS "\"><Name>bkt</Name>"
            "<IsTruncated>true</IsTruncated>"
            "<NextContinuationToken>same</NextContinuationToken>"
            "<Contents><Key>b</Key></Contents></ListBucketResult>"},
      {200, "<ListBucketResult xmlns=\"" S3_NS "\"><Name>bkt</Name>"
            "<IsTruncated>false</IsTruncated></ListBucketResult>"},
  };
  awsc_client *c = fake_client("s3");
  CHECK(c != NULL);
  if (!c)
    return;
  fake_reset(pages, 3);
  awsc_page_iterator *p =
      start(c, "list_objects_v2", "{\"Bucket\":\"bkt\"}", NULL);
  if (p) {
    awsc_error err = AWSC_ERROR_INIT;
    char *page = NULL;
    CHECK_INT(awsc_paginator_next_page_json(&page, p, &err), 0);
    CHECK(page != NULL);
    awsc_mem_free(page);
    /* the page that repeats the token still comes back, as botocore
     * yields it before raising */
    CHECK_INT(awsc_paginator_next_page_json(&page, p, &err), 0);
    CHECK(page != NULL && strstr(page, "\"Key\":\"b\"") != NULL);
    awsc_mem_free(page);
    CHECK_INT(awsc_paginator_next_page_json(&page, p, &err), AWSC_EPARSE);
    CHECK(page == NULL);
    CHECK_STR(err.message, "The same next token was received twice: "
                           "{'ContinuationToken': 'same'}");
    CHECK_INT(fake_sends(), 2);
    /* and stays failed */
    awsc_error_clear(&err);
    CHECK_INT(awsc_paginator_next_item_json(&page, p, &err), AWSC_EPARSE);
    CHECK(strstr(err.message, "twice") != NULL);
    awsc_paginator_free(p);
  }
  awsc_client_free(c);
}

static void test_service_error(void) {
  static const fake_reply pages[] = {
      {200, "<ListBucketResult xmlns=\"" S3_NS "\"><Name>bkt</Name>"
            "<IsTruncated>true</IsTruncated>"
            "<NextContinuationToken>t</NextContinuationToken>"
            "<Contents><Key>a</Key></Contents></ListBucketResult>"},
      {403, "<Error><Code>AccessDenied</Code><Message>Access Denied"
            "</Message><RequestId>rid</RequestId></Error>"},
  };
  awsc_client *c = fake_client("s3");
  CHECK(c != NULL);
  if (!c)
    return;
  fake_reset(pages, 2);
  awsc_page_iterator *p =
      start(c, "list_objects_v2", "{\"Bucket\":\"bkt\"}", NULL);
  if (p) {
    awsc_error err = AWSC_ERROR_INIT;
    char *item = NULL;
    CHECK_INT(awsc_paginator_next_item_json(&item, p, &err), 0);
    CHECK_STR(item, "{\"Key\":\"a\"}");
    awsc_mem_free(item);
    CHECK_INT(awsc_paginator_next_item_json(&item, p, &err), AWSC_ESERVICE);
    CHECK(item == NULL);
    CHECK_STR(err.service_code, "AccessDenied");
    CHECK_INT(err.http_status, 403);
    awsc_paginator_free(p);
  }
  awsc_client_free(c);
}

/* Paginate two pages with the Nth allocation failing, for every N: each
 * run fails cleanly or succeeds, and nothing leaks. */
static void test_alloc_failures(void) {
  awsc_client *c = fake_client("s3");
  CHECK(c != NULL);
  if (!c)
    return;
  {
    /* one run first: the client keeps the resolved endpoint (its cache
     * owns two blocks from then on) */
    fake_reset(v2_pages + 1, 2);
    awsc_paginator_config cfg = AWSC_PAGINATOR_CONFIG_INIT;
    cfg.max_items = 2;
    awsc_page_iterator *p = NULL;
    char *full = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    CHECK_INT(awsc_paginator_new(&p, c, "list_objects_v2", "{\"Bucket\":\"b\"}",
                                 &cfg, &err),
              0);
    CHECK_INT(awsc_paginator_build_full_result_json(&full, p, &err), 0);
    awsc_mem_free(full);
    awsc_paginator_free(p);
    fake_cleanup();
  }
  int64_t live = test_alloc_live();
  int failed_runs = 0;
  for (uint64_t n = 1; n < 5000; n++) {
    fake_reset(v2_pages + 1, 2);
    test_alloc_fail_at(n);
    awsc_paginator_config cfg = AWSC_PAGINATOR_CONFIG_INIT;
    cfg.max_items = 2;
    awsc_page_iterator *p = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    int rc = awsc_paginator_new(&p, c, "list_objects_v2", "{\"Bucket\":\"b\"}",
                                &cfg, &err);
    char *full = NULL;
    if (!rc)
      rc = awsc_paginator_build_full_result_json(&full, p, &err);
    awsc_mem_free(full);
    awsc_paginator_free(p);
    int fired = test_alloc_failure_fired();
    test_alloc_fail_at(0);
    fake_cleanup();
    if (test_alloc_live() != live) {
      fprintf(stderr, "  leak with allocation %llu failing: %lld blocks\n",
              (unsigned long long)n, (long long)(test_alloc_live() - live));
      test_current_failed = 1;
      break;
    }
    if (!fired) {
      CHECK_INT(rc, 0);
      break;
    }
    failed_runs++;
  }
  /* every allocation of the run failed once (arenas and the response's
   * own header store keep the count of blocks low: about 20) */
  if (failed_runs <= 10)
    fprintf(stderr, "  only %d runs with a failing allocation\n", failed_runs);
  CHECK(failed_runs > 10);
  awsc_client_free(c);
}

int main(void) {
  test_alloc_install();
  /* the first session initialises the library once (kept for the run) */
  awsc_client_free(fake_client("s3"));
  int64_t live = test_alloc_live();
  RUN(test_can_paginate);
  RUN(test_v2_three_pages);
  RUN(test_v1_marker);
  RUN(test_sns_list_topics);
  RUN(test_page_size);
  RUN(test_max_items_resume);
  RUN(test_starting_token_forms);
  RUN(test_repeated_token);
  RUN(test_service_error);
  fake_cleanup();
  RUN(test_alloc_failures);
  if (test_alloc_live() != live) {
    printf("FAIL leak: %lld blocks live\n",
           (long long)(test_alloc_live() - live));
    test_failed++;
  }
  return test_summary();
}
