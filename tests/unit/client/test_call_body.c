/*
 * awsc_call_json_body (issue 11 point 1): the payload outside the JSON,
 * raw both ways, through a fake transport that keeps what is put and
 * answers gets with it: every byte value (NULs included) round-trips
 * put -> get in memory; a file body and a file sink; a callback body and
 * a callback sink; a non-streaming blob payload (a rest-json model made
 * here, as Lambda's Invoke); and the refusals.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "awsc/awsc.h"
#include "client/client_internal.h"
#include "test.h"

/* ---- a transport that stores PUT/POST bodies and serves them ---- */

#define STORE_MAX 65536

typedef struct store_transport {
  awsc_transport base;
  unsigned char data[STORE_MAX];
  size_t len;
  int requests;
  char last_method[16];
  char last_url[512];
  int status; /* of the next answer; 0 = 200 */
} store_transport;

static store_transport st;

static int read_body(const awsc_body_source *b, awsc_error *err) {
  st.len = 0;
  if (b->kind == AWSC_BODY_MEMORY) {
    if (b->len > STORE_MAX)
      return awsc_error_set(err, AWSC_EIO, AWSC_ERROR_IO, "too big");
    memcpy(st.data, b->data, b->len);
    st.len = b->len;
  } else if (b->kind == AWSC_BODY_FILE) {
    FILE *f = fopen(b->path, "rb");
    if (!f || fseek(f, (long)b->offset, SEEK_SET) != 0) {
      if (f)
        fclose(f);
      return awsc_error_set(err, AWSC_EIO, AWSC_ERROR_IO, "cannot open");
    }
    size_t want = b->content_length < 0 ? STORE_MAX : (size_t)b->content_length;
    st.len = fread(st.data, 1, want, f);
    fclose(f);
  } else if (b->kind == AWSC_BODY_CALLBACK) {
    for (;;) {
      int64_t n = b->read(st.data + st.len, 777, b->user_data);
      if (n < 0)
        return awsc_error_set(err, (int)n, AWSC_ERROR_IO, "read failed");
      if (n == 0)
        break;
      st.len += (size_t)n;
      if (st.len + 777 > STORE_MAX)
        return awsc_error_set(err, AWSC_EIO, AWSC_ERROR_IO, "too big");
    }
  }
  return 0;
}

/* The stored bytes as the answer's body, through the request's sink. */
static int answer_body(const awsc_http_request *req, awsc_http_response *resp,
                       awsc_error *err) {
  if (req->sink.kind == AWSC_SINK_CALLBACK) {
    for (size_t o = 0; o < st.len; o += 1000) {
      size_t n = st.len - o < 1000 ? st.len - o : 1000;
      int wrc = req->sink.write(st.data + o, n, req->sink.user_data);
      if (wrc)
        return awsc_error_set(err, wrc, AWSC_ERROR_IO, "sink refused");
    }
    return 0;
  }
  if (req->sink.kind == AWSC_SINK_FILE) {
    FILE *f = fopen(req->sink.path, "wb");
    bool ok = f && fwrite(st.data, 1, st.len, f) == st.len;
    if (f)
      fclose(f);
    return ok ? 0 : awsc_error_set(err, AWSC_EIO, AWSC_ERROR_IO, "sink file");
  }
  return awsc_http_response_append_body(resp, (const char *)st.data, st.len);
}

static int store_send(awsc_transport *t, const awsc_http_request *req,
                      awsc_http_response *resp, awsc_error *err) {
  (void)t;
  st.requests++;
  snprintf(st.last_method, sizeof(st.last_method), "%s", req->method);
  snprintf(st.last_url, sizeof(st.last_url), "%s", req->url);
  bool write =
      strcmp(req->method, "PUT") == 0 || strcmp(req->method, "POST") == 0;
  int rc = write ? read_body(&req->body, err) : 0;
  if (rc)
    return rc;
  resp->status = st.status ? st.status : 200;
  st.status = 0;
  awsc_http_response_add_header(resp, "x-amz-request-id", "RID");
  if (resp->status != 200) {
    const char *e = "<Error><Code>NoSuchKey</Code><Message>gone</Message>"
                    "</Error>";
    return awsc_http_response_append_body(resp, e, strlen(e));
  }
  char cl[32];
  snprintf(cl, sizeof(cl), "%zu", st.len);
  awsc_http_response_add_header(resp, "ETag", "\"etag\"");
  /* S3 PUT answers carry no body; Invoke (POST) echoes its payload */
  if (strcmp(req->method, "PUT") == 0)
    return 0;
  awsc_http_response_add_header(resp, "Content-Length", cl);
  awsc_http_response_add_header(resp, "X-Version", "7");
  return answer_body(req, resp, err);
}

static void store_destroy(awsc_transport *t) {
  (void)t;
}

static const awsc_transport_vtable store_vtable = {store_send, store_destroy};

static const char *env_none(const char *name, void *ud) {
  (void)name;
  (void)ud;
  return NULL;
}

static awsc_session *sess;

static awsc_session *session(void) {
  if (sess)
    return sess;
  st.base.vtable = &store_vtable;
  st.base.impl = &st;
  awsc_session_options so = AWSC_SESSION_OPTIONS_INIT;
  so.access_key_id = "AKIDEXAMPLE";
  so.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  so.region = "us-east-1";
  so.transport = &st.base;
  so.getenv_fn = env_none;
  so.config_file = "/nonexistent/awsc-test/config";
  so.credentials_file = "/nonexistent/awsc-test/credentials";
  awsc_error err = AWSC_ERROR_INIT;
  if (awsc_session_new(&sess, &so, &err) != 0)
    fprintf(stderr, "session: %s\n", err.message);
  return sess;
}

static awsc_client *s3_client(void) {
  awsc_client_options co = AWSC_CLIENT_OPTIONS_INIT;
  /* streamed bodies go plain: the store keeps the bytes as given */
  co.checksum_trailers = AWSC_CHECKSUM_TRAILERS_NEVER;
  awsc_client *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  if (!session() || awsc_client_new(&c, sess, "s3", &co, &err) != 0)
    fprintf(stderr, "client: %s\n", err.message);
  return c;
}

/* 1024 bytes: every byte value four times, NULs included. */
static unsigned char all_bytes[1024];

static void fill_all_bytes(void) {
  for (size_t i = 0; i < sizeof(all_bytes); i++)
    all_bytes[i] = (unsigned char)(i * 7 + (i >> 8));
}

static const char *const put_k = "{\"Bucket\": \"bkt\", \"Key\": \"k\"}";

static void test_memory_round_trip(void) {
  awsc_client *c = s3_client();
  CHECK(c != NULL);
  if (!c)
    return;
  fill_all_bytes();
  awsc_call_body_options o = AWSC_CALL_BODY_OPTIONS_INIT;
  o.request_body.kind = AWSC_BODY_MEMORY;
  o.request_body.data = all_bytes;
  o.request_body.len = sizeof(all_bytes);
  char *json = NULL;
  void *body = NULL;
  size_t len = 99;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(
      awsc_call_json_body(&json, &body, &len, c, "put_object", put_k, &o, &err),
      0);
  CHECK(json && strstr(json, "\"ETag\":\"\\\"etag\\\"\"") != NULL);
  CHECK(body == NULL && len == 0); /* PutObject answers no payload */
  awsc_mem_free(json);
  CHECK_STR(st.last_method, "PUT");
  CHECK_INT(st.len, sizeof(all_bytes));
  CHECK(memcmp(st.data, all_bytes, sizeof(all_bytes)) == 0);

  CHECK_INT(awsc_call_json_body(&json, &body, &len, c, "get_object", put_k,
                                NULL, &err),
            0);
  CHECK_INT(len, sizeof(all_bytes));
  CHECK(body && memcmp(body, all_bytes, sizeof(all_bytes)) == 0);
  /* the payload is not in the JSON; the rest of the output is */
  CHECK(json && strstr(json, "\"Body\"") == NULL);
  CHECK(json && strstr(json, "\"ContentLength\":1024") != NULL);
  CHECK(json && strstr(json, "\"HTTPStatusCode\":200") != NULL);
  awsc_mem_free(json);
  awsc_mem_free(body);

  /* body_out NULL: dropped; the old door still gives base64 */
  CHECK_INT(awsc_call_json_body(&json, NULL, NULL, c, "get_object", put_k, NULL,
                                &err),
            0);
  CHECK(json && strstr(json, "\"Body\"") == NULL);
  awsc_mem_free(json);
  CHECK_INT(awsc_call_json(&json, c, "get_object", put_k, &err), 0);
  CHECK(json && strstr(json, "\"Body\":\"AAcOFRwjKjE4P0ZN") != NULL);
  awsc_mem_free(json);

  /* an empty payload is an empty buffer, not NULL */
  o.request_body.len = 0;
  CHECK_INT(
      awsc_call_json_body(&json, NULL, NULL, c, "put_object", put_k, &o, &err),
      0);
  awsc_mem_free(json);
  CHECK_INT(awsc_call_json_body(&json, &body, &len, c, "get_object", put_k,
                                NULL, &err),
            0);
  CHECK(body != NULL && len == 0);
  awsc_mem_free(json);
  awsc_mem_free(body);
  awsc_client_free(c);
}

/* Whole file as bytes; *n its length. */
static unsigned char *slurp(const char *path, size_t *n) {
  static unsigned char buf[STORE_MAX];
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  *n = fread(buf, 1, sizeof(buf), f);
  fclose(f);
  return buf;
}

static void test_file_body_and_sink(void) {
  awsc_client *c = s3_client();
  CHECK(c != NULL);
  if (!c)
    return;
  fill_all_bytes();
  char in_path[] = "/tmp/awsc-call-body-in-XXXXXX";
  char out_path[] = "/tmp/awsc-call-body-out-XXXXXX";
  int fd = mkstemp(in_path), fd2 = mkstemp(out_path);
  CHECK(fd >= 0 && fd2 >= 0);
  CHECK(write(fd, all_bytes, sizeof(all_bytes)) == (ssize_t)sizeof(all_bytes));
  close(fd);
  close(fd2);
  awsc_call_body_options o = AWSC_CALL_BODY_OPTIONS_INIT;
  o.request_body.kind = AWSC_BODY_FILE;
  o.request_body.path = in_path;
  o.request_body.offset = 24;
  o.request_body.content_length = 1000;
  char *json = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(
      awsc_call_json_body(&json, NULL, NULL, c, "put_object", put_k, &o, &err),
      0);
  awsc_mem_free(json);
  CHECK_INT(st.len, 1000);
  CHECK(memcmp(st.data, all_bytes + 24, 1000) == 0);

  awsc_call_body_options g = AWSC_CALL_BODY_OPTIONS_INIT;
  g.response_sink.kind = AWSC_SINK_FILE;
  g.response_sink.path = out_path;
  void *body = (void *)1;
  size_t len = 5;
  CHECK_INT(
      awsc_call_json_body(&json, &body, &len, c, "get_object", put_k, &g, &err),
      0);
  CHECK(body == NULL && len == 0);
  CHECK(json && strstr(json, "\"Body\"") == NULL);
  awsc_mem_free(json);
  size_t n = 0;
  unsigned char *got = slurp(out_path, &n);
  CHECK(got && n == 1000 && memcmp(got, all_bytes + 24, 1000) == 0);

  /* an error answer never reaches the sink file */
  remove(out_path);
  st.status = 404;
  g.error_response = AWSC_TOGGLE_ON;
  CHECK_INT(
      awsc_call_json_body(&json, &body, &len, c, "get_object", put_k, &g, &err),
      AWSC_ESERVICE);
  CHECK(json && strstr(json, "\"Code\":\"NoSuchKey\"") != NULL);
  awsc_mem_free(json);
  CHECK(access(out_path, F_OK) != 0);
  remove(in_path);
  awsc_client_free(c);
}

typedef struct reader {
  const unsigned char *p;
  size_t len, pos;
  int rewinds;
} reader;

static int64_t read_cb(void *buf, size_t size, void *ud) {
  reader *r = ud;
  size_t n = r->len - r->pos < size ? r->len - r->pos : size;
  if (n > 301)
    n = 301; /* odd pieces */
  memcpy(buf, r->p + r->pos, n);
  r->pos += n;
  return (int64_t)n;
}

static int rewind_cb(void *ud) {
  reader *r = ud;
  r->pos = 0;
  r->rewinds++;
  return 0;
}

typedef struct collector {
  unsigned char data[STORE_MAX];
  size_t len;
  int pieces;
} collector;

static int write_cb(const void *data, size_t len, void *ud) {
  collector *c = ud;
  if (c->len + len > sizeof(c->data))
    return AWSC_EIO;
  memcpy(c->data + c->len, data, len);
  c->len += len;
  c->pieces++;
  return 0;
}

static void test_callback_body_and_sink(void) {
  awsc_client *c = s3_client();
  CHECK(c != NULL);
  if (!c)
    return;
  fill_all_bytes();
  reader r = {all_bytes, sizeof(all_bytes), 0, 0};
  awsc_call_body_options o = AWSC_CALL_BODY_OPTIONS_INIT;
  o.request_body.kind = AWSC_BODY_CALLBACK;
  o.request_body.read = read_cb;
  o.request_body.rewind = rewind_cb;
  o.request_body.user_data = &r;
  o.request_body.content_length = (int64_t)sizeof(all_bytes);
  char *json = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(
      awsc_call_json_body(&json, NULL, NULL, c, "put_object", put_k, &o, &err),
      0);
  awsc_mem_free(json);
  CHECK_INT(st.len, sizeof(all_bytes));
  CHECK(memcmp(st.data, all_bytes, sizeof(all_bytes)) == 0);

  collector *col = calloc(1, sizeof(*col));
  CHECK(col != NULL);
  if (!col)
    return;
  awsc_call_body_options g = AWSC_CALL_BODY_OPTIONS_INIT;
  g.response_sink.kind = AWSC_SINK_CALLBACK;
  g.response_sink.write = write_cb;
  g.response_sink.user_data = col;
  CHECK_INT(
      awsc_call_json_body(&json, NULL, NULL, c, "get_object", put_k, &g, &err),
      0);
  awsc_mem_free(json);
  CHECK_INT(col->len, sizeof(all_bytes));
  CHECK(col->pieces >= 2); /* streamed as it came */
  CHECK(memcmp(col->data, all_bytes, sizeof(all_bytes)) == 0);
  free(col);
  awsc_client_free(c);
}

/* ---- a non-streaming blob payload (rest-json, as Lambda's Invoke) ---- */

static const char blob_model[] =
    "{\"version\":\"2.0\",\"metadata\":{\"apiVersion\":\"2020-01-01\","
    "\"endpointPrefix\":\"blobsvc\",\"protocol\":\"rest-json\","
    "\"serviceId\":\"BlobSvc\",\"signatureVersion\":\"v4\","
    "\"uid\":\"blobsvc-2020-01-01\"},"
    "\"operations\":{\"Invoke\":{\"name\":\"Invoke\",\"http\":{\"method\":"
    "\"POST\",\"requestUri\":\"/fn/{Name}/invoke\"},\"input\":{\"shape\":"
    "\"InvokeRequest\"},\"output\":{\"shape\":\"InvokeResponse\"}}},"
    "\"shapes\":{\"InvokeRequest\":{\"type\":\"structure\",\"required\":"
    "[\"Name\",\"Payload\"],\"members\":{\"Name\":{\"shape\":\"String\","
    "\"location\":\"uri\",\"locationName\":\"Name\"},\"Payload\":{\"shape\":"
    "\"Blob\"}},\"payload\":\"Payload\"},"
    "\"InvokeResponse\":{\"type\":\"structure\",\"members\":{\"Status\":{"
    "\"shape\":\"Integer\",\"location\":\"statusCode\"},\"Version\":{"
    "\"shape\":\"String\",\"location\":\"header\",\"locationName\":"
    "\"X-Version\"},\"Payload\":{\"shape\":\"Blob\"}},\"payload\":"
    "\"Payload\"},\"String\":{\"type\":\"string\"},\"Integer\":{\"type\":"
    "\"integer\"},\"Blob\":{\"type\":\"blob\"}}}";

static void test_blob_payload(void) {
  char path[] = "/tmp/awsc-blob-model-XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  CHECK(write(fd, blob_model, sizeof(blob_model) - 1) ==
        (ssize_t)(sizeof(blob_model) - 1));
  close(fd);
  awsc_client_options co = AWSC_CLIENT_OPTIONS_INIT;
  co.endpoint_url = "https://blob.example.com";
  awsc_client *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_client_new_from_model(&c, session(), path, &co, &err), 0);
  remove(path);
  if (!c) {
    fprintf(stderr, "model: %s\n", err.message);
    return;
  }
  fill_all_bytes();
  awsc_call_body_options o = AWSC_CALL_BODY_OPTIONS_INIT;
  o.request_body.kind = AWSC_BODY_MEMORY;
  o.request_body.data = all_bytes;
  o.request_body.len = 300;
  char *json = NULL;
  void *body = NULL;
  size_t len = 0;
  /* the required payload member comes from the body */
  CHECK_INT(awsc_call_json_body(&json, &body, &len, c, "Invoke",
                                "{\"Name\": \"f\"}", &o, &err),
            0);
  CHECK_STR(st.last_url, "https://blob.example.com/fn/f/invoke");
  CHECK_INT(st.len, 300);
  CHECK(memcmp(st.data, all_bytes, 300) == 0);
  CHECK_INT(len, 300);
  CHECK(body && memcmp(body, all_bytes, 300) == 0);
  CHECK(json && strstr(json, "\"Payload\"") == NULL);
  CHECK(json && strstr(json, "\"Version\":\"7\"") != NULL);
  CHECK(json && strstr(json, "\"Status\":200") != NULL);
  awsc_mem_free(json);
  awsc_mem_free(body);
  /* the same payload to a callback (one piece) and to a file */
  collector *col = calloc(1, sizeof(*col));
  CHECK(col != NULL);
  if (col) {
    o.response_sink.kind = AWSC_SINK_CALLBACK;
    o.response_sink.write = write_cb;
    o.response_sink.user_data = col;
    CHECK_INT(awsc_call_json_body(&json, &body, &len, c, "Invoke",
                                  "{\"Name\": \"f\"}", &o, &err),
              0);
    awsc_mem_free(json);
    CHECK(body == NULL);
    CHECK_INT(col->pieces, 1);
    CHECK(col->len == 300 && memcmp(col->data, all_bytes, 300) == 0);
    free(col);
  }
  char out_path[] = "/tmp/awsc-blob-out-XXXXXX";
  fd = mkstemp(out_path);
  CHECK(fd >= 0);
  close(fd);
  o.response_sink.kind = AWSC_SINK_FILE;
  o.response_sink.path = out_path;
  CHECK_INT(awsc_call_json_body(&json, NULL, NULL, c, "Invoke",
                                "{\"Name\": \"f\"}", &o, &err),
            0);
  awsc_mem_free(json);
  size_t n = 0;
  unsigned char *got = slurp(out_path, &n);
  CHECK(got && n == 300 && memcmp(got, all_bytes, 300) == 0);
  remove(out_path);
  /* without a body the required payload is missing, as in awsc_call_json */
  CHECK_INT(awsc_call_json_body(&json, NULL, NULL, c, "Invoke",
                                "{\"Name\": \"f\"}", NULL, &err),
            AWSC_EVALIDATION);
  CHECK(strstr(err.message, "Payload") != NULL);
  awsc_client_free(c);
}

static void test_refusals(void) {
  awsc_client *c = s3_client();
  CHECK(c != NULL);
  if (!c)
    return;
  int requests = st.requests;
  awsc_call_body_options o = AWSC_CALL_BODY_OPTIONS_INIT;
  o.request_body.kind = AWSC_BODY_MEMORY;
  o.request_body.data = "x";
  o.request_body.len = 1;
  char *json = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_call_json_body(&json, NULL, NULL, c, "list_objects_v2",
                                "{\"Bucket\": \"bkt\"}", &o, &err),
            AWSC_EVALIDATION);
  CHECK(strstr(err.message, "no blob payload") != NULL);
  CHECK_INT(awsc_call_json_body(&json, NULL, NULL, c, "put_object",
                                "{\"Bucket\": \"bkt\", \"Key\": \"k\", "
                                "\"Body\": \"twice\"}",
                                &o, &err),
            AWSC_EVALIDATION);
  CHECK(strstr(err.message, "Body given twice") != NULL);
  awsc_call_body_options bad = o;
  bad.version = AWSC_CALL_BODY_OPTIONS_VERSION + 1;
  CHECK_INT(awsc_call_json_body(&json, NULL, NULL, c, "put_object", put_k, &bad,
                                &err),
            AWSC_EINVAL);
  bad = o;
  bad.version = 0;
  CHECK_INT(awsc_call_json_body(&json, NULL, NULL, c, "put_object", put_k, &bad,
                                &err),
            AWSC_EINVAL);
  bad = o;
  bad.response_sink.kind = AWSC_SINK_FILE;
  CHECK_INT(awsc_call_json_body(&json, NULL, NULL, c, "put_object", put_k, &bad,
                                &err),
            AWSC_EINVAL);
  CHECK(strstr(err.message, "response_sink.path") != NULL);
  bad = o;
  bad.request_body.kind = AWSC_BODY_CALLBACK;
  CHECK_INT(awsc_call_json_body(&json, NULL, NULL, c, "put_object", put_k, &bad,
                                &err),
            AWSC_EINVAL);
  CHECK(json == NULL);
  CHECK_INT(st.requests, requests);
  awsc_client_free(c);
}

/* Every allocation of one call failing in turn (n = 0: a warm-up, then
 * the baseline): 0 or AWSC_ENOMEM, no output on failure, never a leak. */
static void alloc_loop(awsc_client *c, const char *op,
                       const awsc_call_body_options *o, bool get) {
  int64_t live = -1;
  bool fired = true;
  for (uint64_t n = 0; fired && n < 3000; n++) {
    char *json = NULL;
    void *body = NULL;
    size_t len = 0;
    awsc_error err = AWSC_ERROR_INIT;
    test_alloc_fail_at(n);
    int rc = awsc_call_json_body(&json, &body, &len, c, op, put_k, o, &err);
    fired = test_alloc_failure_fired();
    test_alloc_fail_at(0);
    if (rc == 0) {
      CHECK(json != NULL);
      if (get)
        CHECK(body && len == sizeof(all_bytes) &&
              memcmp(body, all_bytes, len) == 0);
    } else {
      CHECK_INT(rc, AWSC_ENOMEM);
      CHECK(json == NULL && body == NULL && len == 0);
    }
    awsc_mem_free(json);
    awsc_mem_free(body);
    awsc_client_drop_idle(c);
    if (n == 0) {
      CHECK_INT(rc, 0);
      fired = true;
      live = test_alloc_live();
    }
    CHECK_INT(test_alloc_live(), live);
  }
  CHECK(!fired);
}

static void test_alloc_failures(void) {
  awsc_client *c = s3_client();
  CHECK(c != NULL);
  if (!c)
    return;
  fill_all_bytes();
  awsc_call_body_options o = AWSC_CALL_BODY_OPTIONS_INIT;
  o.request_body.kind = AWSC_BODY_MEMORY;
  o.request_body.data = all_bytes;
  o.request_body.len = sizeof(all_bytes);
  alloc_loop(c, "put_object", &o, false);
  alloc_loop(c, "get_object", NULL, true);
  awsc_client_free(c);
}

int main(void) {
  test_alloc_install();
  RUN(test_memory_round_trip);
  RUN(test_file_body_and_sink);
  RUN(test_callback_body_and_sink);
  RUN(test_blob_payload);
  RUN(test_refusals);
  RUN(test_alloc_failures);
  awsc_session_free(sess);
  return test_summary();
}
