/* The canned-reply transport of the paginator and waiter tests. */
#include "fake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const fake_reply *replies;
static size_t n_replies;
static const fake_stream *streams;
static size_t n_streams;
static int sends;
static char *methods[FAKE_MAX], *urls[FAKE_MAX], *bodies[FAKE_MAX];
static int sleeps;
static long slept_ms;

static char *dup_n(const void *p, size_t n) {
  char *s = malloc(n + 1);
  if (s) {
    if (n)
      memcpy(s, p, n);
    s[n] = '\0';
  }
  return s;
}

void fake_cleanup(void) {
  for (int i = 0; i < FAKE_MAX; i++) {
    free(methods[i]);
    free(urls[i]);
    free(bodies[i]);
    methods[i] = urls[i] = bodies[i] = NULL;
  }
}

void fake_reset(const fake_reply *r, size_t n) {
  fake_cleanup();
  replies = r;
  n_replies = n;
  streams = NULL;
  n_streams = 0;
  sends = 0;
  sleeps = 0;
  slept_ms = 0;
}

void fake_streams(const fake_stream *s, size_t n) {
  streams = s;
  n_streams = n;
}

int fake_sends(void) {
  return sends;
}
const char *fake_method(int i) {
  return i >= 0 && i < FAKE_MAX && methods[i] ? methods[i] : "";
}
const char *fake_url(int i) {
  return i >= 0 && i < FAKE_MAX && urls[i] ? urls[i] : "";
}
const char *fake_body(int i) {
  return i >= 0 && i < FAKE_MAX && bodies[i] ? bodies[i] : "";
}
int fake_sleeps(void) {
  return sleeps;
}
long fake_slept_ms(void) {
  return slept_ms;
}

static int fake_send(awsc_transport *t, const awsc_http_request *req,
                     awsc_http_response *resp, awsc_error *err) {
  (void)t;
  int i = sends++;
  if (i < FAKE_MAX) {
    methods[i] = dup_n(req->method, strlen(req->method));
    urls[i] = dup_n(req->url, strlen(req->url));
    bodies[i] = req->body.kind == AWSC_BODY_MEMORY
                    ? dup_n(req->body.data, req->body.len)
                    : dup_n("", 0);
  }
  if ((size_t)i >= n_replies)
    return awsc_error_set(err, AWSC_ENETWORK, AWSC_ERROR_NETWORK,
                          "fake transport: no reply queued for request %d",
                          i + 1);
  const fake_reply *r = &replies[i];
  char rid[32];
  snprintf(rid, sizeof rid, "req-%d", i + 1);
  resp->status = r->status;
  int rc = awsc_http_response_add_header(resp, "x-amz-request-id", rid);
  fake_stream fs = {NULL, 0};
  if ((size_t)i < n_streams)
    fs = streams[i];
  if (!rc && fs.etag)
    rc = awsc_http_response_add_header(resp, "etag", fs.etag);
  size_t len = r->body ? strlen(r->body) : 0;
  if (fs.cut && fs.cut < len)
    len = fs.cut;
  bool to_sink = req->sink.kind == AWSC_SINK_CALLBACK && r->status >= 200 &&
                 r->status < 300;
  if (!rc && len) {
    rc = awsc_http_response_add_header(resp, "content-type", "text/xml");
    if (!rc && to_sink) {
      int wrc = req->sink.write(r->body, len, req->sink.user_data);
      if (wrc < 0)
        return awsc_error_set(err, wrc, AWSC_ERROR_NETWORK,
                              "fake transport: the sink stopped the body");
      resp->bytes_received = len;
    } else if (!rc) {
      rc = awsc_http_response_append_body(resp, r->body, len);
      resp->bytes_received = resp->body_len;
    }
  }
  if (rc)
    return awsc_error_set(err, rc, AWSC_ERROR_INTERNAL, "out of memory");
  if (fs.cut && fs.cut < (r->body ? strlen(r->body) : 0))
    return awsc_error_set(err, AWSC_ENETWORK, AWSC_ERROR_NETWORK,
                          "fake transport: body broke off after %zu bytes",
                          fs.cut);
  return 0;
}

static void fake_destroy(awsc_transport *t) {
  (void)t;
}

static const awsc_transport_vtable vtable = {fake_send, fake_destroy};
static awsc_transport transport = {&vtable, NULL};

static void fake_sleep(long ms) {
  sleeps++;
  slept_ms += ms;
}

/* Only what the test sets: no developer's AWS_* or ~/.aws leaks in. */
static const char *no_env(const char *name, void *user_data) {
  (void)user_data;
  if (strcmp(name, "AWS_CONFIG_FILE") == 0)
    return "/nonexistent/awsc-paginate-test/config";
  if (strcmp(name, "AWS_SHARED_CREDENTIALS_FILE") == 0)
    return "/nonexistent/awsc-paginate-test/credentials";
  if (strcmp(name, "AWS_EC2_METADATA_DISABLED") == 0)
    return "true";
  return NULL;
}

static awsc_session *session(void) {
  awsc_session_options o = AWSC_SESSION_OPTIONS_INIT;
  o.region = "us-east-1";
  o.access_key_id = "AKIDEXAMPLE";
  o.secret_access_key = "test-secret-not-real";
  o.transport = &transport;
  o.getenv_fn = no_env;
  awsc_session *s = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  if (awsc_session_new(&s, &o, &err) != 0) {
    fprintf(stderr, "awsc_session_new: %s\n", err.message);
    return NULL;
  }
  return s;
}

awsc_client *fake_client_for(const awsc_service *svc) {
  awsc_session *s = session();
  if (!s)
    return NULL;
  char url[128];
  snprintf(url, sizeof url, "http://%s.test",
           svc->endpoint_prefix ? svc->endpoint_prefix : "svc");
  awsc_client_options co = AWSC_CLIENT_OPTIONS_INIT;
  co.endpoint_url = url;
  awsc_client *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  if (awsc_client_new_for_service(&c, s, svc, NULL, &co, &err) != 0)
    fprintf(stderr, "awsc_client_new_for_service: %s\n", err.message);
  awsc_session_free(s); /* the client holds its own reference */
  if (c)
    c->sleep_ms = fake_sleep;
  return c;
}

awsc_client *fake_client(const char *service) {
  const awsc_service *svc = awsc_builtin_service(service);
  if (!svc) {
    fprintf(stderr, "service %s is not built in\n", service);
    return NULL;
  }
  return fake_client_for(svc);
}
