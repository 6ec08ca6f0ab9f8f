/*
 * lib/credentials/provider_container.c - ECS / EKS Pod Identity container
 * credentials (botocore's ContainerProvider and ContainerMetadataFetcher).
 *
 * AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is fetched from 169.254.170.2;
 * AWS_CONTAINER_CREDENTIALS_FULL_URI from anywhere over https, or over
 * http only from a loopback address or the ECS / EKS agent hosts, so that
 * a planted variable cannot send the Authorization token to a stranger.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "credentials/credentials_internal.h"

#define PNAME AWSC_PROVIDER_NAME_CONTAINER
#define CONTAINER_HOST "169.254.170.2"
#define CONTAINER_TIMEOUT_MS 2000L
#define CONTAINER_ATTEMPTS 3
#define CONTAINER_RETRY_DELAY_MS 1000L
#define TOKEN_FILE_MAX (64 * 1024)

typedef struct container_impl {
  const awsc_config *cfg;
  awsc_transport *transport;
  const awsc_logger *logger;
  long timeout_ms;
  int attempts;
  long retry_delay_ms;
} container_impl;

/* ---- URL checks ---- */

/* Pull the scheme and the host (lower-cased, brackets of an IPv6 literal
 * removed) out of an absolute URL. */
static bool url_scheme_host(const char *url, char *scheme, size_t scheme_size,
                            char *host, size_t host_size) {
  const char *sep = strstr(url, "://");
  if (!sep || sep == url || (size_t)(sep - url) >= scheme_size)
    return false;
  for (size_t i = 0; url + i < sep; i++)
    scheme[i] = (char)((url[i] >= 'A' && url[i] <= 'Z') ? url[i] + 32 : url[i]);
  scheme[sep - url] = '\0';
  const char *a = sep + 3;
  size_t alen = strcspn(a, "/?#");
  /* Drop user:password@. */
  for (size_t i = alen; i > 0; i--) {
    if (a[i - 1] == '@') {
      a += i;
      alen -= i;
      break;
    }
  }
  size_t hlen;
  if (alen && a[0] == '[') {
    const char *close = memchr(a, ']', alen);
    if (!close)
      return false;
    a++;
    hlen = (size_t)(close - a);
  } else {
    const char *colon = memchr(a, ':', alen);
    hlen = colon ? (size_t)(colon - a) : alen;
  }
  if (hlen == 0 || hlen >= host_size)
    return false;
  for (size_t i = 0; i < hlen; i++)
    host[i] = (char)((a[i] >= 'A' && a[i] <= 'Z') ? a[i] + 32 : a[i]);
  host[hlen] = '\0';
  return true;
}

static bool is_loopback(const char *host) {
  unsigned char addr[16];
  if (inet_pton(AF_INET, host, addr) == 1)
    return addr[0] == 127;
  if (inet_pton(AF_INET6, host, addr) == 1) {
    static const unsigned char one[16] = {0, 0, 0, 0, 0, 0, 0, 0,
                                          0, 0, 0, 0, 0, 0, 0, 1};
    return memcmp(addr, one, 16) == 0;
  }
  return false;
}

static int check_full_uri(const char *url, awsc_error *err) {
  static const char *const allowed[] = {CONTAINER_HOST, "169.254.170.23",
                                        "fd00:ec2::23", "localhost"};
  char scheme[16], host[256];
  if (!url_scheme_host(url, scheme, sizeof(scheme), host, sizeof(host)) ||
      (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0))
    return awsc_error_set(err, AWSC_ECONFIG, AWSC_ERROR_CONFIG,
                          "AWS_CONTAINER_CREDENTIALS_FULL_URI is not an "
                          "http(s) URL");
  if (strcmp(scheme, "https") == 0 || is_loopback(host))
    return AWSC_OK;
  for (size_t i = 0; i < AWSC_ARRAY_LEN(allowed); i++) {
    if (strcmp(host, allowed[i]) == 0)
      return AWSC_OK;
  }
  return awsc_error_set(err, AWSC_ECONFIG, AWSC_ERROR_CONFIG,
                        "Unsupported host '%.200s'.  Can only retrieve "
                        "metadata from a loopback address or one of these "
                        "hosts: 169.254.170.2, 169.254.170.23, fd00:ec2::23, "
                        "localhost",
                        host);
}

/* ---- the Authorization header ---- */

/* The token file is read on every fetch: EKS Pod Identity rotates it. The
 * value is used as it is (botocore does not trim it either). */
static int read_auth_token(const container_impl *c, char **token,
                           awsc_error *err) {
  *token = NULL;
  const char *path =
      awsc_config_getenv(c->cfg, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
  if (path) {
    FILE *f = fopen(path, "rb");
    if (!f)
      return awsc_error_set(err, AWSC_EIO, AWSC_ERROR_IO,
                            "could not read "
                            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE %.200s: "
                            "%s",
                            path, strerror(errno));
    awsc_buf b = AWSC_BUF_INIT;
    char chunk[1024];
    size_t got;
    int rc = AWSC_OK;
    while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0) {
      if (b.len + got > TOKEN_FILE_MAX) {
        rc = awsc_error_set(err, AWSC_ECONFIG, AWSC_ERROR_CONFIG,
                            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE is "
                            "larger than %d bytes",
                            TOKEN_FILE_MAX);
        break;
      }
      if (awsc_buf_append_secret(&b, chunk, got)) {
        rc = awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                            "out of memory");
        break;
      }
    }
    if (rc == AWSC_OK && ferror(f))
      rc = awsc_error_set(err, AWSC_EIO, AWSC_ERROR_IO,
                          "could not read "
                          "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE %.200s",
                          path);
    awsc_secure_zero(chunk, sizeof(chunk));
    fclose(f);
    if (rc == AWSC_OK && strlen(b.p ? b.p : "") != b.len)
      rc = awsc_error_set(err, AWSC_ECONFIG, AWSC_ERROR_CONFIG,
                          "Auth token value is not a legal header value");
    if (rc) {
      awsc_buf_free_secret(&b);
      return rc;
    }
    *token = b.p ? b.p : awsc_strdup("");
    if (!*token)
      return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                            "out of memory");
  } else {
    const char *v =
        awsc_config_getenv(c->cfg, "AWS_CONTAINER_AUTHORIZATION_TOKEN");
    if (!v)
      return AWSC_OK;
    *token = awsc_strdup(v);
    if (!*token)
      return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                            "out of memory");
  }
  if (strchr(*token, '\r') || strchr(*token, '\n')) {
    awsc_free_secret(*token);
    *token = NULL;
    return awsc_error_set(err, AWSC_ECONFIG, AWSC_ERROR_CONFIG,
                          "Auth token value is not a legal header value");
  }
  return AWSC_OK;
}

/* ---- fetching ---- */

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

static void response_wipe(awsc_http_response *resp) {
  if (resp->body)
    awsc_secure_zero(resp->body, resp->body_len);
  awsc_http_response_cleanup(resp);
}

enum { F_AKID, F_SECRET, F_TOKEN, F_EXPIRATION, F_COUNT };

/* One GET. Returns 0 with the picked fields, or an error whose message is
 * botocore's MetadataRetrievalError text (the caller retries on it). */
static int fetch_once(const container_impl *c, const char *url,
                      const awsc_http_header *headers, size_t nheaders,
                      awsc_json_field *f, awsc_error *err) {
  awsc_http_request req;
  memset(&req, 0, sizeof(req));
  req.method = "GET";
  req.url = url;
  req.headers = headers;
  req.header_count = nheaders;
  req.connect_timeout_ms = c->timeout_ms;
  req.read_timeout_ms = c->timeout_ms;
  awsc_http_response resp;
  memset(&resp, 0, sizeof(resp));
  awsc_error terr = AWSC_ERROR_INIT;
  int rc = awsc_transport_send(c->transport, &req, &resp, &terr);
  if (rc != AWSC_OK) {
    response_wipe(&resp);
    return awsc_error_set(err, rc, terr.kind,
                          "Received error when attempting to retrieve "
                          "container metadata: %s",
                          terr.message);
  }
  if (resp.status != 200) {
    char line[200];
    awsc_creds_first_line(resp.body ? resp.body : "", resp.body_len, line,
                          sizeof(line));
    int status = resp.status;
    response_wipe(&resp);
    rc = awsc_error_set(err, AWSC_ECREDENTIALS, AWSC_ERROR_CREDENTIALS,
                        "Received non 200 response %d from container "
                        "metadata: %s",
                        status, line);
    if (err)
      err->http_status = status;
    return rc;
  }
  awsc_error jerr = AWSC_ERROR_INIT;
  rc = awsc_json_pick(resp.body ? resp.body : "", resp.body_len, f, F_COUNT,
                      &jerr);
  response_wipe(&resp);
  if (rc == AWSC_ENOMEM)
    return awsc_error_set(err, rc, AWSC_ERROR_INTERNAL, "out of memory");
  if (rc)
    return awsc_error_set(err, AWSC_EPARSE, AWSC_ERROR_PARSE,
                          "Unable to parse JSON returned from container "
                          "metadata services");
  return AWSC_OK;
}

static int container_get(awsc_credentials_provider *p, awsc_credentials **out,
                         awsc_error *err) {
  container_impl *c = p->impl;
  const char *rel =
      awsc_config_getenv(c->cfg, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
  const char *full =
      awsc_config_getenv(c->cfg, "AWS_CONTAINER_CREDENTIALS_FULL_URI");
  if (!rel && !full)
    return awsc_error_set(err, AWSC_ENOTFOUND, AWSC_ERROR_CREDENTIALS,
                          "No container credentials URI in the environment");
  char *url = NULL;
  if (rel) {
    size_t n = strlen(rel) + sizeof("http://" CONTAINER_HOST);
    url = awsc_malloc(n);
    if (url)
      snprintf(url, n, "http://" CONTAINER_HOST "%s", rel);
  } else {
    int rc = check_full_uri(full, err);
    if (rc)
      return rc;
    url = awsc_strdup(full);
  }
  if (!url)
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  char *token = NULL;
  int rc = read_auth_token(c, &token, err);
  if (rc) {
    awsc_free(url);
    return rc;
  }
  char ua[64];
  snprintf(ua, sizeof(ua), "awsc/%s", awsc_version());
  awsc_http_header headers[3] = {{"Accept", "application/json"},
                                 {"User-Agent", ua},
                                 {"Authorization", token}};
  size_t nheaders = token ? 3 : 2;

  awsc_json_field f[F_COUNT] = {
      {"AccessKeyId", AWSC_JSON_ABSENT, NULL, 0},
      {"SecretAccessKey", AWSC_JSON_ABSENT, NULL, 0},
      {"Token", AWSC_JSON_ABSENT, NULL, 0},
      {"Expiration", AWSC_JSON_ABSENT, NULL, 0},
  };
  awsc_error last = AWSC_ERROR_INIT;
  rc = AWSC_ECREDENTIALS;
  for (int attempt = 1; attempt <= c->attempts; attempt++) {
    awsc_json_fields_cleanup(f, F_COUNT);
    rc = fetch_once(c, url, headers, nheaders, f, &last);
    if (rc == AWSC_OK || rc == AWSC_ENOMEM)
      break;
    awsc_log(c->logger, AWSC_LOG_DEBUG,
             "container-role attempt %d of %d failed: %s", attempt, c->attempts,
             last.message);
    if (attempt < c->attempts && c->retry_delay_ms > 0)
      sleep_ms(c->retry_delay_ms);
  }
  awsc_free_secret(token);
  if (rc == AWSC_ENOMEM) {
    awsc_error_copy(err, &last);
    goto done;
  }
  if (rc != AWSC_OK) {
    rc = awsc_creds_error(err, PNAME, "%s", last.message);
    if (err)
      err->http_status = last.http_status;
    goto done;
  }
  for (int i = 0; i < F_COUNT; i++) {
    if (f[i].type == AWSC_JSON_ABSENT) {
      rc = awsc_creds_error(
          err, PNAME, "Missing required key in response: '%s'", f[i].name);
      goto done;
    }
    if (f[i].type != AWSC_JSON_STRING || !f[i].len ||
        strlen(f[i].value) != f[i].len) {
      rc = awsc_creds_error(
          err, PNAME, "'%s' in response is not a non-empty string", f[i].name);
      goto done;
    }
  }
  int64_t expiration = 0;
  rc = awsc_creds_parse_expiration(f[F_EXPIRATION].value, f[F_EXPIRATION].len,
                                   PNAME, &expiration, err);
  if (rc)
    goto done;
  rc = awsc_credentials_new(out, f[F_AKID].value, f[F_SECRET].value,
                            f[F_TOKEN].value, expiration, PNAME);
  if (rc) {
    awsc_error_set(err, rc, AWSC_ERROR_INTERNAL, "%s", awsc_strerror(rc));
    goto done;
  }
  {
    char scheme[16], host[256];
    if (!url_scheme_host(url, scheme, sizeof(scheme), host, sizeof(host)))
      awsc_strlcpy(host, "?", sizeof(host));
    awsc_log(c->logger, AWSC_LOG_DEBUG,
             "Found credentials from container-role (%s, host %s)",
             rel ? "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"
                 : "AWS_CONTAINER_CREDENTIALS_FULL_URI",
             host);
  }
done:
  awsc_json_fields_cleanup(f, F_COUNT);
  awsc_free(url);
  return rc;
}

static const awsc_credentials_provider_vtable container_vtable = {
    PNAME, container_get, awsc_provider_free_simple};

int awsc_provider_container_new_ex(awsc_credentials_provider **out,
                                   const awsc_config *cfg,
                                   awsc_transport *transport,
                                   const awsc_provider_options *opts) {
  if (!out)
    return AWSC_EINVAL;
  *out = NULL;
  if (!cfg || !transport)
    return AWSC_EINVAL;
  awsc_credentials_provider *p = NULL;
  container_impl *c = awsc_provider_alloc(&p, &container_vtable, sizeof(*c));
  if (!c)
    return AWSC_ENOMEM;
  c->cfg = cfg;
  c->transport = transport;
  c->logger = opts ? opts->logger : NULL;
  c->timeout_ms =
      opts && opts->timeout_ms > 0 ? opts->timeout_ms : CONTAINER_TIMEOUT_MS;
  c->attempts =
      opts && opts->max_attempts > 0 ? opts->max_attempts : CONTAINER_ATTEMPTS;
  c->retry_delay_ms = !opts || opts->retry_delay_ms == 0
                          ? CONTAINER_RETRY_DELAY_MS
                          : opts->retry_delay_ms;
  *out = p;
  return AWSC_OK;
}

int awsc_provider_container_new(awsc_credentials_provider **out,
                                const awsc_config *cfg,
                                awsc_transport *transport) {
  return awsc_provider_container_new_ex(out, cfg, transport, NULL);
}
