/*
 * lib/credentials/provider_imds.c - EC2 instance metadata credentials
 * (botocore's InstanceMetadataProvider / InstanceMetadataFetcher), IMDSv2
 * first: PUT  latest/api/token (X-aws-ec2-metadata-token-ttl-seconds: 21600)
 *   GET  latest/meta-data/iam/security-credentials/        -> role name
 *   GET  latest/meta-data/iam/security-credentials/ROLE    -> JSON
 * with the token in X-aws-ec2-metadata-token. A token PUT answered 403,
 * 404 or 405 (or timing out) falls back to IMDSv1 (the GETs without a
 * token) unless ec2_metadata_v1_disabled. Like botocore, failures to reach
 * the service mean "no credentials here" (AWSC_ENOTFOUND), not an error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "credentials/credentials_internal.h"

#define PNAME AWSC_PROVIDER_NAME_IMDS
#define IMDS_BASE_IPV4 "http://169.254.169.254/"
#define IMDS_BASE_IPV6 "http://[fd00:ec2::254]/"
#define TOKEN_PATH "latest/api/token"
#define CREDS_PATH "latest/meta-data/iam/security-credentials/"
#define TOKEN_TTL "21600"
/* botocore's ec2_credential_refresh_window: the advisory window. */
#define REFRESH_WINDOW_MS (15 * 60 * 1000)

typedef struct imds_impl {
  const awsc_config *cfg;
  awsc_transport *transport;
  const awsc_logger *logger;
  long timeout_ms; /* 0: from the environment / config */
  int attempts;    /* 0: from the environment / config */
} imds_impl;

/* Settings resolved for one get(): environment over config file over
 * default, as botocore's config chain. */
typedef struct imds_settings {
  char *base; /* ends with '/' */
  long timeout_ms;
  int attempts;
  bool v1_disabled;
} imds_settings;

static const char *setting(const awsc_config *cfg, const char *env,
                           const char *key) {
  const char *v = awsc_config_getenv(cfg, env);
  if (!v)
    v = awsc_config_get_scoped(cfg, key);
  return v && *v ? v : NULL;
}

static bool valid_base(const char *url) {
  const char *sep = strstr(url, "://");
  if (!sep)
    return false;
  size_t slen = (size_t)(sep - url);
  if (!((slen == 4 && strncasecmp(url, "http", 4) == 0) ||
        (slen == 5 && strncasecmp(url, "https", 5) == 0)))
    return false;
  const char *host = sep + 3;
  return *host && *host != '/' && *host != '?' && *host != '#';
}

static int resolve_settings(const imds_impl *m, imds_settings *s,
                            awsc_error *err) {
  memset(s, 0, sizeof(*s));
  const char *base = setting(m->cfg, "AWS_EC2_METADATA_SERVICE_ENDPOINT",
                             "ec2_metadata_service_endpoint");
  if (!base) {
    const char *mode = setting(m->cfg, "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
                               "ec2_metadata_service_endpoint_mode");
    if (mode) {
      if (strcasecmp(mode, "ipv4") == 0)
        base = IMDS_BASE_IPV4;
      else if (strcasecmp(mode, "ipv6") == 0)
        base = IMDS_BASE_IPV6;
      else
        return awsc_error_set(err, AWSC_ECONFIG, AWSC_ERROR_CONFIG,
                              "Invalid EC2 metadata endpoint mode '%.40s'; "
                              "valid modes: ipv4, ipv6",
                              mode);
    } else if (awsc_creds_is_true(
                   setting(m->cfg, "AWS_IMDS_USE_IPV6", "imds_use_ipv6"))) {
      base = IMDS_BASE_IPV6;
    } else {
      base = IMDS_BASE_IPV4;
    }
  }
  if (!valid_base(base))
    return awsc_error_set(err, AWSC_ECONFIG, AWSC_ERROR_CONFIG,
                          "Invalid EC2 Instance Metadata endpoint: %.200s",
                          base);
  if (m->timeout_ms > 0) {
    s->timeout_ms = m->timeout_ms;
  } else {
    const char *v = setting(m->cfg, "AWS_METADATA_SERVICE_TIMEOUT",
                            "metadata_service_timeout");
    s->timeout_ms = 1000;
    if (v) {
      /* botocore takes whole seconds; a fraction is accepted as well. */
      char *end;
      double secs = strtod(v, &end);
      if (end == v || *end || !(secs > 0) || secs > 3600)
        return awsc_error_set(err, AWSC_ECONFIG, AWSC_ERROR_CONFIG,
                              "Invalid metadata_service_timeout '%.40s'", v);
      s->timeout_ms = (long)(secs * 1000.0);
      if (s->timeout_ms < 1)
        s->timeout_ms = 1;
    }
  }
  if (m->attempts > 0) {
    s->attempts = m->attempts;
  } else {
    const char *v = setting(m->cfg, "AWS_METADATA_SERVICE_NUM_ATTEMPTS",
                            "metadata_service_num_attempts");
    s->attempts = 1;
    if (v) {
      char *end;
      long n = strtol(v, &end, 10);
      if (end == v || *end || n < 1 || n > 100)
        return awsc_error_set(err, AWSC_ECONFIG, AWSC_ERROR_CONFIG,
                              "Invalid metadata_service_num_attempts '%.40s'",
                              v);
      s->attempts = (int)n;
    }
  }
  s->v1_disabled = awsc_creds_is_true(setting(
      m->cfg, "AWS_EC2_METADATA_V1_DISABLED", "ec2_metadata_v1_disabled"));
  size_t len = strlen(base);
  bool slash = len && base[len - 1] == '/';
  s->base = awsc_malloc(len + 2);
  if (!s->base)
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  memcpy(s->base, base, len);
  if (!slash)
    s->base[len++] = '/';
  s->base[len] = '\0';
  return AWSC_OK;
}

/* ---- HTTP ---- */

static void response_wipe(awsc_http_response *resp) {
  if (resp->body)
    awsc_secure_zero(resp->body, resp->body_len);
  awsc_http_response_cleanup(resp);
}

static int send_one(const imds_impl *m, const imds_settings *s,
                    const char *method, const char *url,
                    const awsc_http_header *headers, size_t nheaders,
                    awsc_http_response *resp, awsc_error *err) {
  awsc_http_request req;
  memset(&req, 0, sizeof(req));
  req.method = method;
  req.url = url;
  req.headers = headers;
  req.header_count = nheaders;
  req.connect_timeout_ms = s->timeout_ms;
  req.read_timeout_ms = s->timeout_ms;
  memset(resp, 0, sizeof(*resp));
  int rc = awsc_transport_send(m->transport, &req, resp, err);
  if (rc != AWSC_OK)
    response_wipe(resp);
  return rc;
}

enum token_result { TOKEN_OK, TOKEN_NONE, TOKEN_BAD_REQUEST, TOKEN_NOMEM };

/* botocore's _fetch_metadata_token: 200 gives the token; 403/404/405 and
 * a read timeout mean "no IMDSv2 here" (fall back to v1); 400 is a bad
 * request (give up); anything else is retried, then falls back. */
static enum token_result fetch_token(const imds_impl *m, const imds_settings *s,
                                     const char *ua, char **token) {
  *token = NULL;
  awsc_buf url = AWSC_BUF_INIT;
  if (awsc_buf_printf(&url, "%s" TOKEN_PATH, s->base))
    return TOKEN_NOMEM;
  awsc_http_header h[2] = {{"X-aws-ec2-metadata-token-ttl-seconds", TOKEN_TTL},
                           {"User-Agent", ua}};
  enum token_result res = TOKEN_NONE;
  for (int i = 0; i < s->attempts; i++) {
    awsc_http_response resp;
    awsc_error terr = AWSC_ERROR_INIT;
    int rc = send_one(m, s, "PUT", url.p, h, 2, &resp, &terr);
    if (rc == AWSC_ETIMEOUT) {
      awsc_log(m->logger, AWSC_LOG_DEBUG, "IMDS token request timed out: %s",
               terr.message);
      break;
    }
    if (rc != AWSC_OK) {
      awsc_log(m->logger, AWSC_LOG_DEBUG,
               "Caught retryable HTTP exception while making metadata "
               "service request to %s: %s",
               url.p, terr.message);
      continue;
    }
    int status = resp.status;
    if (status == 200 && resp.body && resp.body_len &&
        strlen(resp.body) == resp.body_len && !strpbrk(resp.body, "\r\n")) {
      *token = awsc_strndup(resp.body, resp.body_len);
      res = *token ? TOKEN_OK : TOKEN_NOMEM;
      response_wipe(&resp);
      break;
    }
    response_wipe(&resp);
    if (status == 403 || status == 404 || status == 405)
      break;
    if (status == 400) {
      res = TOKEN_BAD_REQUEST;
      break;
    }
    awsc_log(m->logger, AWSC_LOG_DEBUG,
             "Metadata service returned status %d for the token request",
             status);
  }
  awsc_buf_free(&url);
  return res;
}

/* botocore's _get_request: retried while the answer is not 200, is empty
 * or (for the credentials) is not JSON; after the last attempt, give up. */
static int imds_get(const imds_impl *m, const imds_settings *s,
                    const char *path, const char *token, const char *ua,
                    bool want_json, char **body, awsc_error *err) {
  *body = NULL;
  awsc_buf url = AWSC_BUF_INIT;
  if (awsc_buf_printf(&url, "%s%s", s->base, path))
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  awsc_http_header h[2] = {{"User-Agent", ua},
                           {"X-aws-ec2-metadata-token", token}};
  size_t nh = token ? 2 : 1;
  int result = AWSC_ENOTFOUND;
  for (int i = 0; i < s->attempts && result == AWSC_ENOTFOUND; i++) {
    awsc_http_response resp;
    awsc_error terr = AWSC_ERROR_INIT;
    int rc = send_one(m, s, "GET", url.p, h, nh, &resp, &terr);
    if (rc != AWSC_OK) {
      awsc_log(m->logger, AWSC_LOG_DEBUG,
               "Caught retryable HTTP exception while making metadata "
               "service request to %s: %s",
               url.p, terr.message);
      continue;
    }
    if (resp.status != 200 || !resp.body || !resp.body_len ||
        strlen(resp.body) != resp.body_len) {
      awsc_log(m->logger, AWSC_LOG_DEBUG,
               "Metadata service returned %s response with status code of "
               "%d for url: %s",
               resp.status != 200 ? "non-200" : "no body", resp.status, url.p);
      response_wipe(&resp);
      continue;
    }
    if (want_json) {
      awsc_json_field probe = {"Code", AWSC_JSON_ABSENT, NULL, 0};
      int jrc = awsc_json_pick(resp.body, resp.body_len, &probe, 1, NULL);
      awsc_json_fields_cleanup(&probe, 1);
      if (jrc == AWSC_ENOMEM) {
        response_wipe(&resp);
        result = AWSC_ENOMEM;
        break;
      }
      if (jrc) {
        awsc_log(m->logger, AWSC_LOG_DEBUG,
                 "Metadata service returned invalid json response for url: "
                 "%s",
                 url.p);
        response_wipe(&resp);
        continue;
      }
    }
    *body = awsc_strndup(resp.body, resp.body_len);
    result = *body ? AWSC_OK : AWSC_ENOMEM;
    response_wipe(&resp);
  }
  awsc_buf_free(&url);
  if (result == AWSC_ENOMEM)
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  if (result != AWSC_OK)
    return awsc_error_set(err, AWSC_ENOTFOUND, AWSC_ERROR_CREDENTIALS,
                          "Max number of attempts exceeded (%d) when "
                          "attempting to retrieve data from metadata "
                          "service.",
                          s->attempts);
  return AWSC_OK;
}

/* ---- credentials ---- */

/* A spread of 2..10 minutes without shared state: mix the clock and a
 * stack address (splitmix64). Not for security, only against a herd of
 * instances refreshing together. */
static int64_t jitter_ms(void) {
  int local = 0;
  uint64_t z = (uint64_t)awsc_time_now_ms() ^ (uint64_t)(uintptr_t)&local;
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return (int64_t)(120 + z % 481) * 1000;
}

enum { F_CODE, F_MESSAGE, F_AKID, F_SECRET, F_TOKEN, F_EXPIRATION, F_COUNT };

static int parse_role_credentials(const imds_impl *m, const char *role,
                                  const char *body, awsc_credentials **out,
                                  awsc_error *err) {
  awsc_json_field f[F_COUNT] = {
      {"Code", AWSC_JSON_ABSENT, NULL, 0},
      {"Message", AWSC_JSON_ABSENT, NULL, 0},
      {"AccessKeyId", AWSC_JSON_ABSENT, NULL, 0},
      {"SecretAccessKey", AWSC_JSON_ABSENT, NULL, 0},
      {"Token", AWSC_JSON_ABSENT, NULL, 0},
      {"Expiration", AWSC_JSON_ABSENT, NULL, 0},
  };
  int rc = awsc_json_pick(body, strlen(body), f, F_COUNT, err);
  if (rc)
    goto done;
  for (int i = F_AKID; i < F_COUNT; i++) {
    if (f[i].type != AWSC_JSON_STRING || !f[i].len ||
        strlen(f[i].value) != f[i].len) {
      /* A 200 with an error document (e.g. EC2 is not a trusted entity of
       * the role): botocore logs it and reports no credentials. */
      awsc_log(m->logger, AWSC_LOG_DEBUG,
               "Retrieved credentials is missing required field: %s "
               "(Code: %.60s, Message: %.200s)",
               f[i].name, f[F_CODE].value ? f[F_CODE].value : "-",
               f[F_MESSAGE].value ? f[F_MESSAGE].value : "-");
      rc = awsc_error_set(err, AWSC_ENOTFOUND, AWSC_ERROR_CREDENTIALS,
                          "Instance metadata credentials lack %s (Code: "
                          "%.60s)",
                          f[i].name, f[F_CODE].value ? f[F_CODE].value : "-");
      goto done;
    }
  }
  int64_t expiration = 0;
  rc = awsc_creds_parse_expiration(f[F_EXPIRATION].value, f[F_EXPIRATION].len,
                                   PNAME, &expiration, err);
  if (rc)
    goto done;
  /* botocore's static stability (_evaluate_expiration): when IMDS hands
   * out credentials that are about to expire (it does during an outage of
   * the credential service), pretend they last a little longer so callers
   * keep working and retry the refresh a few minutes later. */
  int64_t offset = REFRESH_WINDOW_MS + jitter_ms();
  int64_t now = awsc_time_now_ms();
  if (now >= expiration - offset) {
    expiration = now + offset;
    awsc_log(m->logger, AWSC_LOG_INFO,
             "Attempting credential expiration extension due to a "
             "credential service availability issue. A refresh of these "
             "credentials will be attempted again within the next %.0f "
             "minutes.",
             (double)offset / 60000.0);
  }
  rc = awsc_credentials_new(out, f[F_AKID].value, f[F_SECRET].value,
                            f[F_TOKEN].value, expiration, PNAME);
  if (rc) {
    awsc_error_set(err, rc, AWSC_ERROR_INTERNAL, "%s", awsc_strerror(rc));
    goto done;
  }
  awsc_log(m->logger, AWSC_LOG_DEBUG, "Found credentials from IAM Role: %s",
           role);
done:
  awsc_json_fields_cleanup(f, F_COUNT);
  return rc;
}

static int imds_get_creds(awsc_credentials_provider *p, awsc_credentials **out,
                          awsc_error *err) {
  imds_impl *m = p->impl;
  if (awsc_creds_is_true(
          awsc_config_getenv(m->cfg, "AWS_EC2_METADATA_DISABLED"))) {
    awsc_log(m->logger, AWSC_LOG_DEBUG,
             "Access to EC2 metadata has been disabled.");
    return awsc_error_set(err, AWSC_ENOTFOUND, AWSC_ERROR_CREDENTIALS,
                          "Access to EC2 metadata has been disabled.");
  }
  imds_settings s;
  int rc = resolve_settings(m, &s, err);
  if (rc) {
    awsc_free(s.base);
    return rc;
  }
  char ua[64];
  snprintf(ua, sizeof(ua), "awsc/%s", awsc_version());
  char *token = NULL, *role_body = NULL, *creds_body = NULL;
  awsc_buf path = AWSC_BUF_INIT;
  char role[256];
  role[0] = '\0';

  enum token_result tr = fetch_token(m, &s, ua, &token);
  if (tr == TOKEN_NOMEM) {
    rc = awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL, "out of memory");
    goto done;
  }
  if (tr == TOKEN_BAD_REQUEST) {
    awsc_log(m->logger, AWSC_LOG_DEBUG, "Bad IMDS request: PUT %s" TOKEN_PATH,
             s.base);
    rc = awsc_error_set(err, AWSC_ENOTFOUND, AWSC_ERROR_CREDENTIALS,
                        "Bad IMDS request (token PUT answered 400)");
    goto done;
  }
  if (!token && s.v1_disabled) {
    rc = awsc_creds_error(err, PNAME,
                          "Unable to retrieve token for use in IMDSv2 call "
                          "and IMDSv1 has been disabled");
    goto done;
  }
  if (!token)
    awsc_log(m->logger, AWSC_LOG_DEBUG,
             "No IMDSv2 token; falling back to IMDSv1");
  rc = imds_get(m, &s, CREDS_PATH, token, ua, false, &role_body, err);
  if (rc)
    goto done;
  awsc_creds_first_line(role_body, strlen(role_body), role, sizeof(role));
  if (!role[0]) {
    rc = awsc_error_set(err, AWSC_ENOTFOUND, AWSC_ERROR_CREDENTIALS,
                        "Instance metadata lists no IAM role");
    goto done;
  }
  if (awsc_buf_puts(&path, CREDS_PATH) ||
      awsc_uri_encode(&path, role, strlen(role), false)) {
    rc = awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL, "out of memory");
    goto done;
  }
  rc = imds_get(m, &s, path.p, token, ua, true, &creds_body, err);
  if (rc)
    goto done;
  rc = parse_role_credentials(m, role, creds_body, out, err);
done:
  awsc_free_secret(token);
  awsc_free(role_body);
  awsc_free_secret(creds_body);
  awsc_buf_free(&path);
  awsc_free(s.base);
  return rc;
}

static const awsc_credentials_provider_vtable imds_vtable = {
    PNAME, imds_get_creds, awsc_provider_free_simple};

int awsc_provider_imds_new_ex(awsc_credentials_provider **out,
                              const awsc_config *cfg, awsc_transport *transport,
                              const awsc_provider_options *opts) {
  if (!out)
    return AWSC_EINVAL;
  *out = NULL;
  if (!cfg || !transport)
    return AWSC_EINVAL;
  awsc_credentials_provider *p = NULL;
  imds_impl *m = awsc_provider_alloc(&p, &imds_vtable, sizeof(*m));
  if (!m)
    return AWSC_ENOMEM;
  m->cfg = cfg;
  m->transport = transport;
  m->logger = opts ? opts->logger : NULL;
  m->timeout_ms = opts && opts->timeout_ms > 0 ? opts->timeout_ms : 0;
  m->attempts = opts && opts->max_attempts > 0 ? opts->max_attempts : 0;
  *out = p;
  return AWSC_OK;
}

int awsc_provider_imds_new(awsc_credentials_provider **out,
                           const awsc_config *cfg, awsc_transport *transport) {
  return awsc_provider_imds_new_ex(out, cfg, transport, NULL);
}
