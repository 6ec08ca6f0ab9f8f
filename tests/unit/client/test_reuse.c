/*
 * What a client reuses from call to call (lib/client/client.c: output
 * arenas from a pool, call workspaces with the SigV4 result and the
 * protocols' buffers and indexes): a warm call allocates no more than the
 * transport does building the response, outputs outlive their client,
 * threads share one client, and every allocation failing in turn leaves
 * neither a leak nor a workspace that breaks the next call.
 */
#include <pthread.h>
#include <string.h>

#include "awsc/s3.h"
#include "awsc/sqs.h"
#include "client/client_internal.h"
#include "fake_transport.h"
#include "test.h"

static fake_transport ft;
/* Off while allocations fail: the fake transport drops a header it could
 * not add, which the checks of the output would take for a bug. */
static bool check_content = true;

static const char get_headers[] =
    "x-amz-request-id: RID1\nx-amz-id-2: HID1\nETag: \"abc\"\n"
    "Content-Type: text/plain\nLast-Modified: Wed, 12 Oct 2009 17:50:00 GMT\n";
static const char get_body[] = "hello, reused world";

/* The ETag's &quot; takes the XML scanner's decoding path. */
static const char list_body[] =
    "<ListBucketResult><Name>b</Name><KeyCount>2</KeyCount>"
    "<IsTruncated>false</IsTruncated>"
    "<Contents><Key>k1</Key><ETag>&quot;e1&quot;</ETag><Size>1</Size>"
    "</Contents><Contents><Key>k2</Key><ETag>&quot;e2&quot;</ETag>"
    "<Size>2</Size></Contents></ListBucketResult>";

static const char sqs_body[] =
    "{\"MD5OfMessageBody\":\"5d41402abc4b2a76b9719d911017c592\","
    "\"MessageId\":\"m-1\"}";

/* Allocations the transport itself makes answering with `headers` and
 * `body` (the response's storage), measured on a bare exchange. */
static uint64_t transport_allocs(const char *headers, const char *body) {
  fake_init(&ft);
  fake_reply_add(&ft, 200, headers, body);
  awsc_http_header h = {"Host", "example.com"};
  awsc_http_request req;
  memset(&req, 0, sizeof(req));
  req.method = "GET";
  req.url = "https://example.com/";
  req.headers = &h;
  req.header_count = 1;
  awsc_http_response resp;
  awsc_error err = AWSC_ERROR_INIT;
  uint64_t before = test_alloc_count();
  CHECK_INT(awsc_transport_send(&ft.base, &req, &resp, &err), 0);
  uint64_t n = test_alloc_count() - before;
  awsc_http_response_cleanup(&resp);
  return n;
}

static int get_object(awsc_client *c, const char *key) {
  awsc_s3_GetObjectRequest in;
  memset(&in, 0, sizeof(in));
  in.bucket = "bucket";
  in.key = key;
  awsc_s3_GetObjectOutput *out = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = awsc_s3_get_object(&out, c, &in, &err);
  if (rc == 0 && check_content &&
      (out->body.len != strlen(get_body) ||
       memcmp(out->body.data, get_body, out->body.len) != 0 ||
       strcmp(awsc_output_metadata(out)->request_id, "RID1") != 0))
    rc = -1;
  awsc_mem_free(out);
  return rc;
}

static int list_objects(awsc_client *c) {
  awsc_s3_ListObjectsV2Request in;
  memset(&in, 0, sizeof(in));
  in.bucket = "bucket";
  awsc_s3_ListObjectsV2Output *out = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = awsc_s3_list_objects_v2(&out, c, &in, &err);
  if (rc == 0 && (out->contents_count != 2 ||
                  strcmp(out->contents[1].e_tag, "\"e2\"") != 0))
    rc = -1;
  awsc_mem_free(out);
  return rc;
}

static int send_message(awsc_client *c) {
  awsc_sqs_SendMessageRequest in;
  memset(&in, 0, sizeof(in));
  in.queue_url = "https://sqs.us-east-1.amazonaws.com/123456789012/q";
  in.message_body = "hello";
  awsc_sqs_SendMessageResult *out = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = awsc_sqs_send_message(&out, c, &in, &err);
  if (rc == 0 && strcmp(out->message_id, "m-1") != 0)
    rc = -1;
  awsc_mem_free(out);
  return rc;
}

static int get_object_json(awsc_client *c) {
  char *json = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = awsc_call_json(&json, c, "get_object",
                          "{\"Bucket\":\"b\",\"Key\":\"k\"}", &err);
  if (rc == 0 && check_content && !strstr(json, "\"RequestId\":\"RID1\""))
    rc = -1;
  awsc_mem_free(json);
  return rc;
}

/* Allocations of one call on a warm client (the second of two). */
static uint64_t warm_call_allocs(awsc_client *c, int (*call)(awsc_client *),
                                 const char *headers, const char *body) {
  for (int i = 0; i < 2; i++) {
    fake_init(&ft);
    fake_reply_add(&ft, 200, headers, body);
    uint64_t before = test_alloc_count();
    CHECK_INT(call(c), 0);
    if (i == 1)
      return test_alloc_count() - before;
  }
  return 0;
}

static int get_k(awsc_client *c) {
  return get_object(c, "k");
}

/* Our standard: no allocation on the per-request path beyond what the
 * transport needs for the response. The one allowance is S3's
 * "/{Bucket}" path stripping in endpoint.c, which still encodes the
 * bucket into a heap buffer; the JSON door also returns a new string. */
static void test_warm_calls_allocate_little(void) {
  awsc_session *s;
  awsc_client *c = fake_client_new(&ft.base, "s3", &s);
  CHECK(c != NULL);
  if (!c)
    return;
  uint64_t t = transport_allocs(get_headers, get_body);
  CHECK(t > 0);
  CHECK(warm_call_allocs(c, get_k, get_headers, get_body) <= t + 1);
  CHECK(warm_call_allocs(c, get_object_json, get_headers, get_body) <= t + 2);
  t = transport_allocs("x-amz-request-id: R\n", list_body);
  CHECK(warm_call_allocs(c, list_objects, "x-amz-request-id: R\n", list_body) <=
        t + 1);
  awsc_client_free(c);
  awsc_session_free(s);

  c = fake_client_new(&ft.base, "sqs", &s);
  CHECK(c != NULL);
  if (!c)
    return;
  t = transport_allocs("x-amzn-RequestId: R\n", sqs_body);
  CHECK(warm_call_allocs(c, send_message, "x-amzn-RequestId: R\n", sqs_body) <=
        t);
  awsc_client_free(c);
  awsc_session_free(s);
}

/* An output keeps its arena (and the client's pool) after the client is
 * gone; freeing it last releases everything (main checks live == 0). */
static void test_output_outlives_client(void) {
  awsc_session *s;
  awsc_client *c = fake_client_new(&ft.base, "s3", &s);
  CHECK(c != NULL);
  if (!c)
    return;
  awsc_s3_GetObjectOutput *outs[3] = {NULL, NULL, NULL};
  for (int i = 0; i < 3; i++) {
    /* each answer its own header values: an output's strings are its own
     * (they reference its arena, not the client's reused buffers) */
    char headers[256];
    snprintf(headers, sizeof(headers),
             "x-amz-request-id: RID%d\nx-amz-id-2: HID%d\nETag: \"e%d\"\n"
             "Content-Type: text/t%d\n",
             i, i, i, i);
    fake_init(&ft);
    fake_reply_add(&ft, 200, headers, get_body);
    awsc_s3_GetObjectRequest in;
    memset(&in, 0, sizeof(in));
    in.bucket = "bucket";
    in.key = "k";
    CHECK_INT(awsc_s3_get_object(&outs[i], c, &in, NULL), 0);
  }
  awsc_mem_free(outs[1]); /* one back to the pool before the end */
  awsc_client_free(c);
  awsc_session_free(s);
  CHECK(test_alloc_live() > 0);
  for (int i = 0; i < 3; i += 2) {
    char want[32];
    CHECK(outs[i] && outs[i]->body.len == strlen(get_body));
    snprintf(want, sizeof(want), "\"e%d\"", i);
    CHECK_STR(outs[i]->e_tag, want);
    snprintf(want, sizeof(want), "text/t%d", i);
    CHECK_STR(outs[i]->content_type, want);
    snprintf(want, sizeof(want), "HID%d", i);
    CHECK_STR(awsc_output_metadata(outs[i])->host_id, want);
    snprintf(want, sizeof(want), "RID%d", i);
    CHECK_STR(awsc_output_metadata(outs[i])->request_id, want);
    awsc_mem_free(outs[i]);
  }
}

/* ---- threads ---- */

/* A canned answer for every request, safe on any number of threads. */
static int canned_send(awsc_transport *t, const awsc_http_request *req,
                       awsc_http_response *resp, awsc_error *err) {
  (void)t;
  (void)err;
  bool list = strstr(req->url, "list-type=2") != NULL;
  resp->status = 200;
  int rc = awsc_http_response_add_header(resp, "x-amz-request-id", "RID1");
  if (!rc && !list)
    rc = awsc_http_response_add_header(resp, "ETag", "\"abc\"");
  const char *body = list ? list_body : get_body;
  if (!rc)
    rc = awsc_http_response_append_body(resp, body, strlen(body));
  return rc;
}

static void canned_destroy(awsc_transport *t) {
  (void)t;
}

static const awsc_transport_vtable canned_vtable = {canned_send,
                                                    canned_destroy};

typedef struct worker {
  awsc_client *c;
  int id;
  int failures;
} worker;

static void *work(void *arg) {
  worker *w = arg;
  char key[32];
  for (int i = 0; i < 200; i++) {
    snprintf(key, sizeof(key), "t%d/k%d", w->id, i);
    int rc = i % 3 == 0   ? list_objects(w->c)
             : i % 3 == 1 ? get_object(w->c, key)
                          : get_object_json(w->c);
    if (rc)
      w->failures++;
  }
  return NULL;
}

static void test_threads_share_client(void) {
  awsc_transport canned = {&canned_vtable, NULL};
  awsc_session *s;
  awsc_client *c = fake_client_new(&canned, "s3", &s);
  CHECK(c != NULL);
  if (!c)
    return;
  worker w[6];
  pthread_t th[6];
  for (int i = 0; i < 6; i++) {
    w[i] = (worker){c, i, 0};
    CHECK_INT(pthread_create(&th[i], NULL, work, &w[i]), 0);
  }
  for (int i = 0; i < 6; i++) {
    pthread_join(th[i], NULL);
    CHECK_INT(w[i].failures, 0);
  }
  /* at most as many idle workspaces as threads ran at once */
  CHECK(c->ws_idle_n >= 1 && c->ws_idle_n <= 6);
  awsc_client_free(c);
  awsc_session_free(s);
}

/* ---- allocation failures ---- */

static int json_then_get(awsc_client *c) {
  int rc = get_object_json(c);
  return rc ? rc : get_k(c);
}

/* Every allocation of a call failing in turn, with the client's reuse
 * dropped before each run (so the failures hit making the workspace and
 * the arena) or kept warm: an error or a success, no leak, and the next
 * call works. */
static void torture(const char *name, int (*call)(awsc_client *), bool cold) {
  awsc_session *s;
  awsc_client *c = fake_client_new(&ft.base, "s3", &s);
  CHECK(c != NULL);
  if (!c)
    return;
  fake_init(&ft);
  fake_reply_add(&ft, 200, get_headers, get_body);
  fake_reply_add(&ft, 200, get_headers, get_body);
  CHECK_INT(call(c), 0); /* credentials, endpoint cache */
  awsc_client_drop_idle(c);
  int64_t live = test_alloc_live();
  int failures = 0;
  uint64_t n;
  for (n = 1; n < 5000; n++) {
    if (!cold) {
      fake_init(&ft);
      fake_reply_add(&ft, 200, get_headers, get_body);
      fake_reply_add(&ft, 200, get_headers, get_body);
      CHECK_INT(call(c), 0);
    }
    fake_init(&ft);
    fake_reply_add(&ft, 200, get_headers, get_body);
    fake_reply_add(&ft, 200, get_headers, get_body);
    check_content = false;
    test_alloc_fail_at(n);
    int rc = call(c);
    int fired = test_alloc_failure_fired();
    test_alloc_fail_at(0);
    check_content = true;
    if (rc) {
      failures++;
      CHECK_INT(rc, AWSC_ENOMEM);
    }
    /* the workspace that saw the failure serves the next call */
    fake_init(&ft);
    fake_reply_add(&ft, 200, get_headers, get_body);
    fake_reply_add(&ft, 200, get_headers, get_body);
    CHECK_INT(call(c), 0);
    awsc_client_drop_idle(c);
    if (test_alloc_live() != live) {
      fprintf(stderr, "%s: leak with allocation %llu failing\n", name,
              (unsigned long long)n);
      test_current_failed = 1;
      break;
    }
    if (!fired) {
      CHECK_INT(rc, 0);
      break;
    }
  }
  CHECK(failures > (cold ? 5 : 0));
  CHECK(n < 5000);
  awsc_client_free(c);
  awsc_session_free(s);
}

static void test_alloc_failures_cold(void) {
  torture("cold", json_then_get, true);
}

static void test_alloc_failures_warm(void) {
  torture("warm", json_then_get, false);
}

int main(void) {
  test_alloc_install();
  RUN(test_warm_calls_allocate_little);
  RUN(test_output_outlives_client);
  RUN(test_threads_share_client);
  RUN(test_alloc_failures_cold);
  RUN(test_alloc_failures_warm);
  test_current_failed = 0;
  if (test_alloc_live() != 0)
    fprintf(stderr, "live blocks after all tests: %lld\n",
            (long long)test_alloc_live());
  CHECK_INT(test_alloc_live(), 0);
  if (test_current_failed)
    test_failed++;
  else
    test_passed++;
  return test_summary();
}
