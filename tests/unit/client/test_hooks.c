/*
 * Request/response hooks (awsc/hooks.h, issue 11 point 1) through a
 * recording fake transport: each event's effect on the wire, a hook that
 * stops the call, removal, per-operation hooks, the bucket-name check
 * switch, and no allocation for hooks on a client without any.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "awsc/awsc.h"
#include "awsc/s3.h"
#include "client/client_internal.h"
#include "fake_transport.h"
#include "test.h"

static fake_transport ft;

static awsc_session *sess;

static awsc_client *new_client(const char *service) {
  awsc_session_options so = AWSC_SESSION_OPTIONS_INIT;
  so.access_key_id = "AKIDEXAMPLE";
  so.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  so.region = "us-east-1";
  so.transport = &ft.base;
  so.getenv_fn = fake_env_none;
  so.config_file = "/nonexistent/awsc-test/config";
  so.credentials_file = "/nonexistent/awsc-test/credentials";
  awsc_error err = AWSC_ERROR_INIT;
  if (!sess && awsc_session_new(&sess, &so, &err) != 0) {
    fprintf(stderr, "session: %s\n", err.message);
    return NULL;
  }
  awsc_client *c = NULL;
  if (awsc_client_new(&c, sess, service, NULL, &err) != 0) {
    fprintf(stderr, "client: %s\n", err.message);
    return NULL;
  }
  c->sleep_ms = fake_no_sleep;
  return c;
}

/* ---- before-sign ---- */

typedef struct sign_seen {
  int runs;
  char method[16];
  char url[256];
  char content_type[64];
} sign_seen;

static int add_if_match(awsc_hook_context *ctx, void *ud) {
  sign_seen *seen = ud;
  seen->runs++;
  CHECK(awsc_hook_event_type(ctx) == AWSC_HOOK_BEFORE_SIGN);
  snprintf(seen->method, sizeof(seen->method), "%s",
           awsc_hook_request_method(ctx));
  snprintf(seen->url, sizeof(seen->url), "%s", awsc_hook_request_url(ctx));
  const char *ct = awsc_hook_header_get(ctx, "CONTENT-TYPE");
  snprintf(seen->content_type, sizeof(seen->content_type), "%s",
           ct ? ct : "(none)");
  /* the SigV4 headers come after the hook */
  CHECK(awsc_hook_header_get(ctx, "authorization") == NULL);
  CHECK_INT(awsc_hook_header_set(ctx, "If-Match", "\"etag-1\""), 0);
  CHECK_INT(awsc_hook_header_set(ctx, "x-amz-meta-raw", "v1"), 0);
  CHECK_INT(awsc_hook_header_set(ctx, "x-amz-meta-raw", "v2"), 0);
  CHECK_INT(awsc_hook_header_set(ctx, "content-type", NULL), 0);
  CHECK_INT(awsc_hook_header_set(ctx, "Bad\nName", "x"), AWSC_EINVAL);
  CHECK_INT(awsc_hook_header_set(ctx, "x-ok", "bad\r\nvalue"), AWSC_EINVAL);
  /* what is not this event's is refused or empty */
  CHECK(awsc_hook_params_json(ctx) == NULL);
  CHECK_INT(awsc_hook_http_status(ctx), 0);
  CHECK_INT(awsc_hook_set_response_json(ctx, "{}"), AWSC_EINVAL);
  return 0;
}

/* How many times `name:` starts a line of request i's headers. */
static int header_lines(int i, const char *name) {
  int n = 0;
  size_t nl = strlen(name);
  for (const char *h = ft.sent[i].headers; *h;) {
    if (strncasecmp(h, name, nl) == 0 && h[nl] == ':')
      n++;
    const char *e = strchr(h, '\n');
    h = e ? e + 1 : h + strlen(h);
  }
  return n;
}

static void test_before_sign_headers_signed(void) {
  fake_init(&ft);
  awsc_client *c = new_client("s3");
  CHECK(c != NULL);
  if (!c)
    return;
  sign_seen seen;
  memset(&seen, 0, sizeof(seen));
  int id = 0;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_client_hook_add(&id, c, AWSC_HOOK_BEFORE_SIGN, NULL,
                                 add_if_match, &seen, &err),
            0);
  CHECK(id > 0);
  /* a 503 first: the retry starts from the same headers, changed once */
  fake_reply_add(&ft, 503, "x-amz-request-id: R0\n",
                 "<Error><Code>SlowDown</Code></Error>");
  fake_reply_add(&ft, 200, "x-amz-request-id: R1\nETag: \"e2\"\n", "");
  char *out = NULL;
  CHECK_INT(awsc_call_json(&out, c, "put_object",
                           "{\"Bucket\": \"bkt\", \"Key\": \"k\", "
                           "\"Body\": \"data\", \"ContentType\": \"text/x\"}",
                           &err),
            0);
  awsc_mem_free(out);
  CHECK_INT(seen.runs, 2);
  CHECK_STR(seen.method, "PUT");
  CHECK_STR(seen.url, "https://bkt.s3.amazonaws.com/k");
  CHECK_STR(seen.content_type, "text/x");
  CHECK_INT(ft.n_sent, 2);
  for (int i = 0; i < ft.n_sent; i++) {
    CHECK_INT(header_lines(i, "If-Match"), 1);
    CHECK_INT(header_lines(i, "x-amz-meta-raw"), 1);
    CHECK_INT(header_lines(i, "Content-Type"), 0);
    CHECK_INT(header_lines(i, "Authorization"), 1);
    const char *v = fake_sent_header(&ft, i, "x-amz-meta-raw");
    CHECK(v && strcmp(v, "v2") == 0);
    /* the added headers are signed, the removed one is not */
    const char *auth = fake_sent_header(&ft, i, "Authorization");
    CHECK(auth && strstr(auth, "if-match;") != NULL);
    CHECK(auth && strstr(auth, "x-amz-meta-raw") != NULL);
    CHECK(auth && strstr(auth, "content-type") == NULL);
  }
  /* removed: the next call goes out as it was */
  CHECK_INT(awsc_client_hook_remove(c, id, &err), 0);
  CHECK_INT(awsc_client_hook_remove(c, id, &err), AWSC_ENOTFOUND);
  CHECK(strstr(err.message, "no hook with id") != NULL);
  fake_init(&ft);
  fake_reply_add(&ft, 200, "x-amz-request-id: R2\n", "");
  CHECK_INT(awsc_call_json(&out, c, "put_object",
                           "{\"Bucket\": \"bkt\", \"Key\": \"k\", "
                           "\"ContentType\": \"text/x\"}",
                           &err),
            0);
  awsc_mem_free(out);
  CHECK_INT(seen.runs, 2);
  CHECK_INT(header_lines(0, "If-Match"), 0);
  CHECK_INT(header_lines(0, "Content-Type"), 1);
  awsc_client_free(c);
}

/* ---- before-call: see, replace, answer ---- */

static char seen_params[512];

static int change_key(awsc_hook_context *ctx, void *ud) {
  (void)ud;
  const char *p = awsc_hook_params_json(ctx);
  snprintf(seen_params, sizeof(seen_params), "%s", p ? p : "(null)");
  return awsc_hook_set_params_json(
      ctx, "{\"Bucket\": \"bkt\", \"Key\": \"other\", \"Body\": null}");
}

static int answer_it(awsc_hook_context *ctx, void *ud) {
  (*(int *)ud)++;
  return awsc_hook_set_response_json(
      ctx, "{\"ETag\": \"\\\"cached\\\"\", \"ResponseMetadata\": {}}");
}

static void test_before_call_replace_and_answer(void) {
  fake_init(&ft);
  awsc_client *c = new_client("s3");
  CHECK(c != NULL);
  if (!c)
    return;
  awsc_error err = AWSC_ERROR_INIT;
  int id = 0;
  CHECK_INT(awsc_client_hook_add(&id, c, AWSC_HOOK_BEFORE_CALL, "PutObject",
                                 change_key, NULL, &err),
            0);
  fake_reply_add(&ft, 200, "x-amz-request-id: R1\n", "");
  char *out = NULL;
  CHECK_INT(awsc_call_json(&out, c, "put_object",
                           "{\"Bucket\": \"bkt\", \"Key\": \"k\", "
                           "\"Body\": \"payload\"}",
                           &err),
            0);
  awsc_mem_free(out);
  /* the hook saw the validated parameters, the payload as null */
  CHECK_STR(seen_params, "{\"Bucket\":\"bkt\",\"Key\":\"k\",\"Body\":null}");
  CHECK_INT(ft.n_sent, 1);
  CHECK_STR(ft.sent[0].url, "https://bkt.s3.amazonaws.com/other");
  /* the payload was kept */
  CHECK(ft.sent[0].body_len == 7 && memcmp(ft.sent[0].body, "payload", 7) == 0);
  /* on another operation the hook does not run */
  seen_params[0] = '\0';
  fake_reply_add(&ft, 200, "x-amz-request-id: R2\n", "");
  CHECK_INT(awsc_call_json(&out, c, "delete_object",
                           "{\"Bucket\": \"bkt\", \"Key\": \"k\"}", &err),
            0);
  awsc_mem_free(out);
  CHECK_STR(seen_params, "");
  CHECK_STR(ft.sent[1].url, "https://bkt.s3.amazonaws.com/k");
  CHECK_INT(awsc_client_hook_remove(c, id, &err), 0);

  /* answered without sending: the typed door gets it too */
  int answered = 0;
  CHECK_INT(awsc_client_hook_add(&id, c, AWSC_HOOK_BEFORE_CALL, NULL, answer_it,
                                 &answered, &err),
            0);
  int sent_before = ft.n_sent;
  CHECK_INT(awsc_call_json(&out, c, "put_object",
                           "{\"Bucket\": \"bkt\", \"Key\": \"k\"}", &err),
            0);
  CHECK(out && strstr(out, "\"ETag\":\"\\\"cached\\\"\"") != NULL);
  CHECK(out && strstr(out, "\"HTTPStatusCode\":200") != NULL);
  awsc_mem_free(out);
  CHECK_INT(ft.n_sent, sent_before);
  CHECK_INT(answered, 1);
  awsc_s3_PutObjectRequest in;
  memset(&in, 0, sizeof(in));
  in.bucket = "bkt";
  in.key = "k";
  awsc_s3_PutObjectOutput *typed = NULL;
  CHECK_INT(awsc_s3_put_object(&typed, c, &in, &err), 0);
  CHECK(typed && typed->e_tag && strcmp(typed->e_tag, "\"cached\"") == 0);
  awsc_mem_free(typed);
  CHECK_INT(ft.n_sent, sent_before);
  CHECK_INT(answered, 2);
  CHECK_INT(awsc_client_hook_remove(c, id, &err), 0);
  awsc_client_free(c);
}

/* ---- provide-client-params (JSON door) ---- */

static int fix_params(awsc_hook_context *ctx, void *ud) {
  (void)ud;
  CHECK_STR(awsc_hook_params_json(ctx), "{\"Bucket\": \"b@d\"}");
  return awsc_hook_set_params_json(ctx, "{\"Bucket\": \"good\"}");
}

static void test_provide_client_params(void) {
  fake_init(&ft);
  awsc_client *c = new_client("s3");
  CHECK(c != NULL);
  if (!c)
    return;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_client_hook_add(NULL, c, AWSC_HOOK_PROVIDE_CLIENT_PARAMS,
                                 "ListObjectsV2", fix_params, NULL, &err),
            0);
  fake_reply_add(&ft, 200, "x-amz-request-id: R1\n",
                 "<ListBucketResult><Name>good</Name><KeyCount>0</KeyCount>"
                 "<IsTruncated>false</IsTruncated></ListBucketResult>");
  char *out = NULL;
  CHECK_INT(
      awsc_call_json(&out, c, "list_objects_v2", "{\"Bucket\": \"b@d\"}", &err),
      0);
  CHECK(out && strstr(out, "\"Name\":\"good\"") != NULL);
  awsc_mem_free(out);
  CHECK_INT(ft.n_sent, 1);
  CHECK(strncmp(ft.sent[0].url, "https://good.s3.amazonaws.com/", 30) == 0);
  awsc_client_free(c);
}

/* ---- after-call: the raw answer, success and error ---- */

typedef struct after_seen {
  int runs;
  int status;
  char rid[32];
  char body[256];
  size_t headers;
} after_seen;

static int record_answer(awsc_hook_context *ctx, void *ud) {
  after_seen *a = ud;
  a->runs++;
  a->status = awsc_hook_http_status(ctx);
  a->headers = awsc_hook_header_count(ctx);
  const char *name = NULL, *value = NULL;
  CHECK_INT(awsc_hook_header(&name, &value, ctx, 0), 0);
  CHECK_INT(awsc_hook_header(&name, &value, ctx, a->headers), AWSC_EINVAL);
  const char *rid = awsc_hook_header_get(ctx, "x-amz-request-id");
  snprintf(a->rid, sizeof(a->rid), "%s", rid ? rid : "");
  const void *body = NULL;
  size_t len = 0;
  CHECK_INT(awsc_hook_body(&body, &len, ctx), 0);
  snprintf(a->body, sizeof(a->body), "%.*s", (int)len, (const char *)body);
  CHECK_STR(awsc_hook_operation(ctx), "GetObject");
  CHECK(awsc_hook_client(ctx) != NULL);
  return 0;
}

static void test_after_call_raw_answer(void) {
  fake_init(&ft);
  awsc_client *c = new_client("s3");
  CHECK(c != NULL);
  if (!c)
    return;
  after_seen a;
  memset(&a, 0, sizeof(a));
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_client_hook_add(NULL, c, AWSC_HOOK_AFTER_CALL, "get_object",
                                 record_answer, &a, &err),
            0);
  fake_reply_add(&ft, 200, "x-amz-request-id: R1\nContent-Length: 5\n",
                 "hello");
  fake_reply_add(&ft, 404, "x-amz-request-id: R2\n",
                 "<Error><Code>NoSuchKey</Code><Message>gone</Message>"
                 "</Error>");
  char *out = NULL;
  CHECK_INT(awsc_call_json(&out, c, "get_object",
                           "{\"Bucket\": \"bkt\", \"Key\": \"k\"}", &err),
            0);
  awsc_mem_free(out);
  CHECK_INT(a.runs, 1);
  CHECK_INT(a.status, 200);
  CHECK_STR(a.rid, "R1");
  CHECK_STR(a.body, "hello");
  CHECK_INT(a.headers, 2);
  CHECK_INT(awsc_call_json(&out, c, "get_object",
                           "{\"Bucket\": \"bkt\", \"Key\": \"k\"}", &err),
            AWSC_ESERVICE);
  CHECK_STR(err.service_code, "NoSuchKey");
  CHECK_INT(a.runs, 2);
  CHECK_INT(a.status, 404);
  CHECK_STR(a.rid, "R2");
  CHECK(strstr(a.body, "<Code>NoSuchKey</Code>") != NULL);
  /* no answer at all (network failure): no after-call */
  fake_error_add(&ft, AWSC_ENETWORK);
  fake_error_add(&ft, AWSC_ENETWORK);
  fake_error_add(&ft, AWSC_ENETWORK);
  fake_error_add(&ft, AWSC_ENETWORK);
  fake_error_add(&ft, AWSC_ENETWORK);
  CHECK_INT(awsc_call_json(&out, c, "get_object",
                           "{\"Bucket\": \"bkt\", \"Key\": \"k\"}", &err),
            AWSC_ENETWORK);
  CHECK_INT(a.runs, 2);
  awsc_client_free(c);
}

/* ---- a hook that stops the call ---- */

static int refuse(awsc_hook_context *ctx, void *ud) {
  (void)ud;
  awsc_hook_set_error(ctx, "no writes\nallowed");
  return 7;
}

static int bad_replacement(awsc_hook_context *ctx, void *ud) {
  (void)ud;
  awsc_hook_set_params_json(ctx, "{\"Bucket\": \"bkt\", \"Nope\": 1}");
  return 0;
}

static int after_refuse(awsc_hook_context *ctx, void *ud) {
  (void)ctx;
  (void)ud;
  return -1;
}

static void test_hook_errors(void) {
  fake_init(&ft);
  awsc_client *c = new_client("s3");
  CHECK(c != NULL);
  if (!c)
    return;
  awsc_error err = AWSC_ERROR_INIT;
  int id = 0;
  CHECK_INT(awsc_client_hook_add(&id, c, AWSC_HOOK_BEFORE_SIGN, NULL, refuse,
                                 NULL, &err),
            0);
  char *out = NULL;
  CHECK_INT(awsc_call_json(&out, c, "put_object",
                           "{\"Bucket\": \"bkt\", \"Key\": \"k\"}", &err),
            AWSC_ECANCELLED);
  CHECK(out == NULL);
  CHECK_STR(err.message, "before-sign hook on PutObject stopped the call "
                         "(returned 7): no writes allowed");
  CHECK_INT(ft.n_sent, 0);
  CHECK_INT(awsc_client_hook_remove(c, id, &err), 0);

  CHECK_INT(awsc_client_hook_add(&id, c, AWSC_HOOK_BEFORE_CALL, NULL,
                                 bad_replacement, NULL, &err),
            0);
  CHECK_INT(
      awsc_call_json(&out, c, "list_objects_v2", "{\"Bucket\": \"bkt\"}", &err),
      AWSC_EVALIDATION);
  CHECK(strstr(err.message, "before-call hook on ListObjectsV2: replaced "
                            "parameters refused") != NULL);
  CHECK(strstr(err.message, "Nope") != NULL);
  CHECK_INT(ft.n_sent, 0);
  CHECK_INT(awsc_client_hook_remove(c, id, &err), 0);

  /* after-call stops a call that succeeded */
  CHECK_INT(awsc_client_hook_add(&id, c, AWSC_HOOK_AFTER_CALL, NULL,
                                 after_refuse, NULL, &err),
            0);
  fake_reply_add(&ft, 200, "x-amz-request-id: R1\n", "");
  CHECK_INT(awsc_call_json(&out, c, "delete_object",
                           "{\"Bucket\": \"bkt\", \"Key\": \"k\"}", &err),
            AWSC_ECANCELLED);
  CHECK(out == NULL);
  CHECK(strstr(err.message, "after-call hook on DeleteObject stopped the call "
                            "(returned -1)") != NULL);
  CHECK_INT(awsc_client_hook_remove(c, id, &err), 0);

  /* registration errors */
  CHECK_INT(awsc_client_hook_add(&id, c, AWSC_HOOK_BEFORE_CALL, "NoSuchOp",
                                 refuse, NULL, &err),
            AWSC_ENOTFOUND);
  CHECK(strstr(err.message, "NoSuchOp") != NULL);
  CHECK_INT(awsc_client_hook_add(&id, c, (awsc_hook_event)9, NULL, refuse, NULL,
                                 &err),
            AWSC_EINVAL);
  CHECK_INT(awsc_client_hook_add(&id, c, AWSC_HOOK_BEFORE_CALL, NULL, NULL,
                                 NULL, &err),
            AWSC_EINVAL);
  awsc_client_free(c);
}

/* ---- the bucket-name check ---- */

static void test_bucket_name_check_switch(void) {
  fake_init(&ft);
  awsc_client *c = new_client("s3");
  CHECK(c != NULL);
  if (!c)
    return;
  awsc_error err = AWSC_ERROR_INIT;
  char *out = NULL;
  const char *in = "{\"Bucket\": \"bad#name\", \"Key\": \"k\"}";
  CHECK_INT(awsc_call_json(&out, c, "get_object", in, &err), AWSC_EVALIDATION);
  CHECK(strstr(err.message, "Invalid bucket name") != NULL);
  CHECK_INT(ft.n_sent, 0);
  CHECK_INT(
      awsc_client_set_check(c, AWSC_CHECK_BUCKET_NAME, AWSC_TOGGLE_OFF, &err),
      0);
  fake_reply_add(&ft, 400, "x-amz-request-id: R1\n",
                 "<Error><Code>InvalidBucketName</Code></Error>");
  CHECK_INT(awsc_call_json(&out, c, "get_object", in, &err), AWSC_ESERVICE);
  CHECK_STR(err.service_code, "InvalidBucketName");
  CHECK_INT(ft.n_sent, 1);
  CHECK(strstr(ft.sent[0].url, "bad%23name") != NULL);
  CHECK_INT(
      awsc_client_set_check(c, AWSC_CHECK_BUCKET_NAME, AWSC_TOGGLE_ON, &err),
      0);
  CHECK_INT(awsc_call_json(&out, c, "get_object", in, &err), AWSC_EVALIDATION);
  CHECK_INT(
      awsc_client_set_check(c, (awsc_client_check)5, AWSC_TOGGLE_OFF, &err),
      AWSC_EINVAL);
  awsc_client_free(c);
}

/* ---- no hook, no cost ---- */

static int head_k(awsc_client *c) {
  char *out = NULL;
  int rc = awsc_call_json(&out, c, "head_object",
                          "{\"Bucket\": \"bkt\", \"Key\": \"k\"}", NULL);
  awsc_mem_free(out);
  return rc;
}

/* Allocations of the second of two calls (a warm client). */
static uint64_t warm_allocs(awsc_client *c) {
  uint64_t n = 0;
  for (int i = 0; i < 2; i++) {
    fake_init(&ft);
    fake_reply_add(&ft, 200, "x-amz-request-id: R1\nETag: \"e\"\n", "");
    uint64_t before = test_alloc_count();
    CHECK_INT(head_k(c), 0);
    n = test_alloc_count() - before;
  }
  return n;
}

static int nothing(awsc_hook_context *ctx, void *ud) {
  (void)ctx;
  (void)ud;
  return 0;
}

static void test_no_hooks_no_allocation(void) {
  awsc_client *c = new_client("s3");
  CHECK(c != NULL);
  if (!c)
    return;
  uint64_t plain = warm_allocs(c);
  awsc_error err = AWSC_ERROR_INIT;
  int id = 0;
  CHECK_INT(awsc_client_hook_add(&id, c, AWSC_HOOK_AFTER_CALL, NULL, nothing,
                                 NULL, &err),
            0);
  /* hooks that change nothing: no heap allocation for them either */
  uint64_t with = warm_allocs(c);
  CHECK_INT(awsc_client_hook_remove(c, id, &err), 0);
  uint64_t removed = warm_allocs(c);
  printf("warm head_object allocations: %llu without hooks, %llu with an "
         "after-call hook, %llu after its removal\n",
         (unsigned long long)plain, (unsigned long long)with,
         (unsigned long long)removed);
  CHECK_INT(with, plain);
  CHECK_INT(removed, plain);
  awsc_client_free(c);
}

/* ---- threads: calls on several threads while hooks come and go ---- */

static atomic_int hook_runs, marked_requests, plain_requests, callers_done;

static int mt_send(awsc_transport *t, const awsc_http_request *req,
                   awsc_http_response *resp, awsc_error *err) {
  (void)t;
  (void)err;
  bool marked = false;
  for (size_t i = 0; i < req->header_count; i++)
    marked = marked || strcasecmp(req->headers[i].name, "x-hooked") == 0;
  atomic_fetch_add(marked ? &marked_requests : &plain_requests, 1);
  resp->status = 200;
  return awsc_http_response_add_header(resp, "x-amz-request-id", "T");
}

static void mt_destroy(awsc_transport *t) {
  (void)t;
}

static const awsc_transport_vtable mt_vtable = {mt_send, mt_destroy};

static int mark(awsc_hook_context *ctx, void *ud) {
  (void)ud;
  atomic_fetch_add(&hook_runs, 1);
  return awsc_hook_header_set(ctx, "x-hooked", "1");
}

enum { MT_THREADS = 4, MT_CALLS = 300 };

static int mt_caller_once(awsc_client *c) {
  char *out = NULL;
  int rc = awsc_call_json(&out, c, "head_object",
                          "{\"Bucket\": \"bkt\", \"Key\": \"k\"}", NULL);
  awsc_mem_free(out);
  return rc;
}

static void *mt_caller(void *arg) {
  awsc_client *c = arg;
  intptr_t failures = 0;
  for (int i = 0; i < MT_CALLS; i++)
    if (mt_caller_once(c) != 0)
      failures++;
  atomic_fetch_add(&callers_done, 1);
  return (void *)failures;
}

static void test_threads_add_remove(void) {
  awsc_transport mt = {&mt_vtable, NULL};
  awsc_session_options so = AWSC_SESSION_OPTIONS_INIT;
  so.access_key_id = "AKIDEXAMPLE";
  so.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  so.region = "us-east-1";
  so.transport = &mt;
  so.getenv_fn = fake_env_none;
  so.config_file = "/nonexistent/awsc-test/config";
  so.credentials_file = "/nonexistent/awsc-test/credentials";
  awsc_session *s = NULL;
  awsc_client *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_session_new(&s, &so, &err), 0);
  CHECK_INT(awsc_client_new(&c, s, "s3", NULL, &err), 0);
  if (!c) {
    awsc_session_free(s);
    return;
  }
  /* one call with the hook and one without first: the threads below may
   * all finish between two toggles on a loaded machine, so they alone
   * can not be relied on to send both kinds */
  int first = 0;
  CHECK_INT(awsc_client_hook_add(&first, c, AWSC_HOOK_BEFORE_SIGN, NULL, mark,
                                 NULL, &err),
            0);
  CHECK(mt_caller_once(c) == 0);
  CHECK_INT(awsc_client_hook_remove(c, first, &err), 0);
  CHECK(mt_caller_once(c) == 0);
  pthread_t th[MT_THREADS];
  for (int i = 0; i < MT_THREADS; i++)
    CHECK_INT(pthread_create(&th[i], NULL, mt_caller, c), 0);
  /* add and remove until the callers are done (at least 50 times) */
  int adds = 0, removes = 0;
  struct timespec pause = {0, 100000};
  while (adds < 50 || atomic_load(&callers_done) < MT_THREADS) {
    int id = 0;
    if (awsc_client_hook_add(&id, c, AWSC_HOOK_BEFORE_SIGN, NULL, mark, NULL,
                             &err) == 0)
      adds++;
    nanosleep(&pause, NULL);
    if (awsc_client_hook_remove(c, id, &err) == 0)
      removes++;
    nanosleep(&pause, NULL);
  }
  intptr_t failures = 0;
  for (int i = 0; i < MT_THREADS; i++) {
    void *r = NULL;
    pthread_join(th[i], &r);
    failures += (intptr_t)r;
  }
  CHECK_INT(removes, adds);
  CHECK_INT(failures, 0);
  /* both kinds went out: the hook was there for some calls only */
  CHECK(atomic_load(&marked_requests) > 0);
  CHECK(atomic_load(&plain_requests) > 0);
  /* every hook run put its header on exactly one request */
  CHECK_INT(atomic_load(&hook_runs), atomic_load(&marked_requests));
  CHECK_INT(atomic_load(&marked_requests) + atomic_load(&plain_requests),
            MT_THREADS * MT_CALLS + 2);
  printf("%d calls on %d threads while a hook was added and removed %d "
         "times: %d went out with it\n",
         MT_THREADS * MT_CALLS, MT_THREADS, adds,
         atomic_load(&marked_requests));
  awsc_client_free(c);
  awsc_session_free(s);
}

int main(void) {
  test_alloc_install();
  RUN(test_before_sign_headers_signed);
  RUN(test_before_call_replace_and_answer);
  RUN(test_provide_client_params);
  RUN(test_after_call_raw_answer);
  RUN(test_hook_errors);
  RUN(test_bucket_name_check_switch);
  RUN(test_no_hooks_no_allocation);
  RUN(test_threads_add_remove);
  awsc_session_free(sess);
  return test_summary();
}
