#include "fake_transport.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "client/client_internal.h"
#include "core/core.h"

static int fake_send(awsc_transport *t, const awsc_http_request *req,
                     awsc_http_response *resp, awsc_error *err) {
  fake_transport *f = (fake_transport *)t;
  if (f->n_sent >= f->n_replies || f->n_sent >= FAKE_MAX)
    return awsc_error_set(err, AWSC_ENETWORK, AWSC_ERROR_NETWORK,
                          "fake transport: no reply scripted");
  fake_sent *s = &f->sent[f->n_sent];
  const fake_reply *r = &f->replies[f->n_sent];
  f->n_sent++;
  snprintf(s->method, sizeof(s->method), "%s", req->method);
  snprintf(s->url, sizeof(s->url), "%s", req->url);
  size_t o = 0;
  for (size_t i = 0; i < req->header_count && o < sizeof(s->headers); i++)
    o += (size_t)snprintf(s->headers + o, sizeof(s->headers) - o, "%s: %s\n",
                          req->headers[i].name, req->headers[i].value);
  if (req->body.kind == AWSC_BODY_MEMORY) {
    s->body_len =
        req->body.len < sizeof(s->body) ? req->body.len : sizeof(s->body) - 1;
    memcpy(s->body, req->body.data, s->body_len);
    s->body_total = req->body.len;
  } else if (req->body.kind == AWSC_BODY_CALLBACK) {
    /* drain it as a transport would, in odd-sized reads */
    s->content_length = req->body.content_length;
    char buf[5000];
    for (;;) {
      int64_t n = req->body.read(buf, sizeof(buf), req->body.user_data);
      if (n < 0)
        return awsc_error_set(err, (int)n, AWSC_ERROR_IO,
                              "fake transport: body read failed");
      if (n == 0)
        break;
      size_t keep = sizeof(s->body) - 1 - s->body_len;
      if ((size_t)n < keep)
        keep = (size_t)n;
      memcpy(s->body + s->body_len, buf, keep);
      s->body_len += keep;
      s->body_total += (uint64_t)n;
    }
  }
  if (!r->status)
    return awsc_error_set(err, r->error, AWSC_ERROR_NETWORK,
                          "fake transport: scripted failure");
  resp->status = r->status;
  const char *h = r->headers ? r->headers : "";
  while (*h) {
    const char *nl = strchr(h, '\n');
    size_t len = nl ? (size_t)(nl - h) : strlen(h);
    char line[512];
    snprintf(line, sizeof(line), "%.*s", (int)len, h);
    char *colon = strchr(line, ':');
    if (colon) {
      *colon = '\0';
      const char *v = colon + 1;
      while (*v == ' ')
        v++;
      awsc_http_response_add_header(resp, line, v);
    }
    h += len + (nl ? 1 : 0);
  }
  size_t blen = r->body ? strlen(r->body) : 0;
  bool ok2xx = r->status >= 200 && r->status < 300;
  if (ok2xx && req->sink.kind == AWSC_SINK_CALLBACK) {
    /* as the real transport: headers first, then the body in pieces */
    for (size_t o = 0; o < blen; o += 1000) {
      size_t n = blen - o < 1000 ? blen - o : 1000;
      int wrc = req->sink.write(r->body + o, n, req->sink.user_data);
      if (wrc)
        return awsc_error_set(err, wrc, AWSC_ERROR_IO,
                              "fake transport: sink refused the body");
    }
  } else if (ok2xx && req->sink.kind == AWSC_SINK_FILE) {
    FILE *f = fopen(req->sink.path, "wb");
    if (!f || fwrite(r->body ? r->body : "", 1, blen, f) != blen) {
      if (f)
        fclose(f);
      return awsc_error_set(err, AWSC_EIO, AWSC_ERROR_IO,
                            "fake transport: cannot write the sink file");
    }
    fclose(f);
  } else if (r->body) {
    awsc_http_response_append_body(resp, r->body, blen);
  }
  resp->bytes_received = r->body ? strlen(r->body) : 0;
  return 0;
}

static void fake_destroy(awsc_transport *t) {
  (void)t;
}

static const awsc_transport_vtable fake_vtable = {fake_send, fake_destroy};

void fake_init(fake_transport *f) {
  memset(f, 0, sizeof(*f));
  f->base.vtable = &fake_vtable;
  f->base.impl = f;
}

void fake_reply_add(fake_transport *f, int status, const char *headers,
                    const char *body) {
  fake_reply *r = &f->replies[f->n_replies++];
  r->status = status;
  r->headers = headers;
  r->body = body;
}

void fake_error_add(fake_transport *f, int error) {
  fake_reply *r = &f->replies[f->n_replies++];
  r->status = 0;
  r->error = error;
}

const char *fake_sent_header(fake_transport *f, int i, const char *name) {
  static char value[512];
  const char *h = f->sent[i].headers;
  size_t nl = strlen(name);
  while (*h) {
    const char *e = strchr(h, '\n');
    if (strncasecmp(h, name, nl) == 0 && h[nl] == ':') {
      const char *v = h + nl + 2;
      snprintf(value, sizeof(value), "%.*s", (int)(e - v), v);
      return value;
    }
    h = e + 1;
  }
  return NULL;
}

void fake_no_sleep(long ms) {
  (void)ms;
}

const char *fake_env_none(const char *name, void *ud) {
  (void)name;
  (void)ud;
  return NULL;
}

awsc_client *fake_client_new(awsc_transport *t, const char *service,
                             awsc_session **s) {
  awsc_session_options so = AWSC_SESSION_OPTIONS_INIT;
  so.access_key_id = "AKIDEXAMPLE";
  so.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  so.region = "us-east-1";
  so.transport = t;
  so.getenv_fn = fake_env_none;
  so.config_file = "/nonexistent/awsc-test/config";
  so.credentials_file = "/nonexistent/awsc-test/credentials";
  awsc_error err = AWSC_ERROR_INIT;
  *s = NULL;
  if (awsc_session_new(s, &so, &err) != 0) {
    fprintf(stderr, "session: %s\n", err.message);
    return NULL;
  }
  awsc_client *c = NULL;
  if (awsc_client_new(&c, *s, service, NULL, &err) != 0) {
    fprintf(stderr, "%s client: %s\n", service, err.message);
    awsc_session_free(*s);
    *s = NULL;
    return NULL;
  }
  c->sleep_ms = fake_no_sleep;
  return c;
}
