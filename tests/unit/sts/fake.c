/* The canned-reply transport and scratch environment of tests/unit/sts. */
#include "fake.h"

#include "core/core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

typedef struct recorded {
  char *url, *body;
  char *headers; /* "name\nvalue\n" pairs */
  long read_timeout_ms;
} recorded;

static fake_reply replies[FAKE_MAX];
static size_t n_replies;
static int sends;
static recorded reqs[FAKE_MAX];

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
    free(reqs[i].url);
    free(reqs[i].body);
    free(reqs[i].headers);
    memset(&reqs[i], 0, sizeof(reqs[i]));
  }
}

void fake_reset(const fake_reply *r, size_t n) {
  fake_cleanup();
  if (n > FAKE_MAX)
    n = FAKE_MAX;
  if (n)
    memcpy(replies, r, n * sizeof(*r));
  n_replies = n;
  sends = 0;
}

int fake_sends(void) {
  return sends;
}
const char *fake_url(int i) {
  return i >= 0 && i < FAKE_MAX && reqs[i].url ? reqs[i].url : "";
}
const char *fake_body(int i) {
  return i >= 0 && i < FAKE_MAX && reqs[i].body ? reqs[i].body : "";
}
long fake_read_timeout_ms(int i) {
  return i >= 0 && i < FAKE_MAX ? reqs[i].read_timeout_ms : -1;
}

const char *fake_header(int i, const char *name) {
  static char value[4096];
  if (i < 0 || i >= FAKE_MAX || !reqs[i].headers)
    return "";
  const char *p = reqs[i].headers;
  while (*p) {
    const char *nl = strchr(p, '\n');
    const char *v = nl + 1;
    const char *vnl = strchr(v, '\n');
    if ((size_t)(nl - p) == strlen(name) && strncasecmp(p, name, nl - p) == 0) {
      size_t n = (size_t)(vnl - v) < sizeof(value) - 1 ? (size_t)(vnl - v)
                                                       : sizeof(value) - 1;
      memcpy(value, v, n);
      value[n] = '\0';
      return value;
    }
    p = vnl + 1;
  }
  return "";
}

static int fake_send(awsc_transport *t, const awsc_http_request *req,
                     awsc_http_response *resp, awsc_error *err) {
  (void)t;
  int i = sends++;
  if (i < FAKE_MAX) {
    reqs[i].url = dup_n(req->url, strlen(req->url));
    reqs[i].body = req->body.kind == AWSC_BODY_MEMORY
                       ? dup_n(req->body.data, req->body.len)
                       : dup_n("", 0);
    size_t total = 1;
    for (size_t h = 0; h < req->header_count; h++)
      total += strlen(req->headers[h].name) + strlen(req->headers[h].value) + 2;
    reqs[i].headers = malloc(total);
    if (reqs[i].headers) {
      char *o = reqs[i].headers;
      for (size_t h = 0; h < req->header_count; h++)
        o +=
            sprintf(o, "%s\n%s\n", req->headers[h].name, req->headers[h].value);
      *o = '\0';
    }
    reqs[i].read_timeout_ms = req->read_timeout_ms;
  }
  if ((size_t)i >= n_replies)
    return awsc_error_set(err, AWSC_ENETWORK, AWSC_ERROR_NETWORK,
                          "fake transport: no reply queued for request %d",
                          i + 1);
  const fake_reply *r = &replies[i];
  char rid[32];
  snprintf(rid, sizeof rid, "req-%d", i + 1);
  resp->status = r->status;
  int rc = awsc_http_response_add_header(resp, "x-amzn-requestid", rid);
  if (!rc && r->header_name)
    rc = awsc_http_response_add_header(resp, r->header_name, r->header_value);
  if (!rc && r->body && *r->body) {
    rc = awsc_http_response_add_header(
        resp, "content-type", r->content_type ? r->content_type : "text/xml");
    rc = rc ? rc
            : awsc_http_response_append_body(resp, r->body, strlen(r->body));
  }
  if (rc)
    return awsc_error_set(err, rc, AWSC_ERROR_INTERNAL, "out of memory");
  resp->bytes_received = resp->body_len;
  return 0;
}

static void fake_destroy(awsc_transport *t) {
  (void)t;
}
static const awsc_transport_vtable vtable = {fake_send, fake_destroy};
awsc_transport fake_transport = {&vtable, NULL};

/* ---- environment ---- */

#define ENV_MAX 24
static char *env_names[ENV_MAX], *env_values[ENV_MAX];
static char scratch[256];

void fake_setenv(const char *name, const char *value) {
  for (int i = 0; i < ENV_MAX; i++) {
    if (env_names[i] && strcmp(env_names[i], name) == 0) {
      free(env_values[i]);
      env_values[i] = value ? strdup(value) : NULL;
      if (!value) {
        free(env_names[i]);
        env_names[i] = NULL;
      }
      return;
    }
  }
  if (!value)
    return;
  for (int i = 0; i < ENV_MAX; i++) {
    if (!env_names[i]) {
      env_names[i] = strdup(name);
      env_values[i] = strdup(value);
      return;
    }
  }
}

const char *fake_getenv(const char *name, void *user_data) {
  (void)user_data;
  for (int i = 0; i < ENV_MAX; i++)
    if (env_names[i] && strcmp(env_names[i], name) == 0)
      return env_values[i];
  return NULL;
}

static void env_clear(void) {
  for (int i = 0; i < ENV_MAX; i++) {
    free(env_names[i]);
    free(env_values[i]);
    env_names[i] = env_values[i] = NULL;
  }
}

const char *fake_path(const char *name) {
  static char path[512];
  if (!scratch[0]) {
    snprintf(scratch, sizeof scratch, "/tmp/awsc-sts-test-XXXXXX");
    if (!mkdtemp(scratch)) {
      perror("mkdtemp");
      exit(1);
    }
  }
  snprintf(path, sizeof path, "%s/%s", scratch, name);
  return path;
}

const char *fake_write(const char *name, const char *text) {
  const char *path = fake_path(name);
  FILE *f = fopen(path, "w");
  if (!f) {
    perror(path);
    exit(1);
  }
  fputs(text, f);
  fclose(f);
  return path;
}

void fake_env_files(const char *config, const char *credentials) {
  env_clear();
  fake_setenv("AWS_EC2_METADATA_DISABLED", "true");
  fake_setenv("HOME", fake_path(""));
  if (config)
    fake_setenv("AWS_CONFIG_FILE", fake_write("config", config));
  else
    fake_setenv("AWS_CONFIG_FILE", fake_path("no-config"));
  if (credentials)
    fake_setenv("AWS_SHARED_CREDENTIALS_FILE",
                fake_write("credentials", credentials));
  else
    fake_setenv("AWS_SHARED_CREDENTIALS_FILE", fake_path("no-credentials"));
}

void fake_env_cleanup(void) {
  env_clear();
  if (scratch[0]) {
    const char *names[] = {"config", "credentials", "token", "token2"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
      unlink(fake_path(names[i]));
    rmdir(scratch);
    scratch[0] = '\0';
  }
}

awsc_session *fake_session(const char *profile) {
  awsc_session_options o = AWSC_SESSION_OPTIONS_INIT;
  o.profile = profile;
  o.transport = &fake_transport;
  o.getenv_fn = fake_getenv;
  awsc_session *s = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  if (awsc_session_new(&s, &o, &err) != 0) {
    fprintf(stderr, "awsc_session_new: %s\n", err.message);
    return NULL;
  }
  return s;
}

const char *fake_sts_xml(int slot, const char *operation, const char *ak,
                         const char *sk, const char *token, long ttl_s) {
  static char bufs[4][2048];
  char when[32];
  time_t t = time(NULL) + ttl_s;
  strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
  snprintf(bufs[slot & 3], sizeof bufs[0],
           "<%sResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
           "<%sResult><Credentials><AccessKeyId>%s</AccessKeyId>"
           "<SecretAccessKey>%s</SecretAccessKey>"
           "<SessionToken>%s</SessionToken>"
           "<Expiration>%s</Expiration></Credentials>"
           "<AssumedRoleUser><AssumedRoleId>AROA:s</AssumedRoleId>"
           "<Arn>arn:aws:sts::123456789012:assumed-role/R/s</Arn>"
           "</AssumedRoleUser></%sResult>"
           "<ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata>"
           "</%sResponse>",
           operation, operation, ak, sk, token, when, operation, operation);
  return bufs[slot & 3];
}
