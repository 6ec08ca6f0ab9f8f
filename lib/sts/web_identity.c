/*
 * lib/sts/web_identity.c - the web-identity provider (botocore's
 * AssumeRoleWithWebIdentityProvider): an OIDC token from a file (EKS
 * service-account tokens, GitHub Actions ...) traded with STS
 * AssumeRoleWithWebIdentity, which is unsigned, for role credentials.
 * The file is read on every fetch since its owner rotates it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sts/sts_internal.h"

/* STS accepts tokens of up to 20000 characters; anything far larger is
 * not a token. */
#define MAX_TOKEN_BYTES (1024 * 1024)

typedef struct wi_impl {
  const awsc_config *cfg; /* borrowed: settings of the STS client */
  awsc_transport *transport;
  char *token_file, *role_arn, *session_name;
} wi_impl;

static int read_token(const char *path, awsc_buf *b, awsc_error *err) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return awsc_creds_error(err, AWSC_PROVIDER_NAME_WEB_IDENTITY,
                            "could not open the web identity token file "
                            "%.256s: %s",
                            path, strerror(errno));
  char chunk[4096];
  size_t n;
  int rc = 0;
  while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
    if (b->len + n > MAX_TOKEN_BYTES) {
      rc = awsc_creds_error(err, AWSC_PROVIDER_NAME_WEB_IDENTITY,
                            "the web identity token file %.256s is larger "
                            "than %d bytes",
                            path, MAX_TOKEN_BYTES);
      break;
    }
    if (awsc_buf_append_secret(b, chunk, n)) {
      rc = awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
      break;
    }
  }
  if (!rc && ferror(f))
    rc = awsc_creds_error(err, AWSC_PROVIDER_NAME_WEB_IDENTITY,
                          "could not read the web identity token file "
                          "%.256s",
                          path);
  awsc_secure_zero(chunk, sizeof(chunk));
  fclose(f);
  if (!rc && b->len == 0)
    rc = awsc_creds_error(err, AWSC_PROVIDER_NAME_WEB_IDENTITY,
                          "the web identity token file %.256s is empty", path);
  return rc;
}

static int wi_get(awsc_credentials_provider *p, awsc_credentials **out,
                  awsc_error *err) {
  wi_impl *w = p->impl;
  *out = NULL;
  awsc_buf token = AWSC_BUF_INIT;
  int rc = read_token(w->token_file, &token, err);
  if (rc) {
    awsc_buf_free_secret(&token);
    return rc;
  }
  awsc_client *sts = NULL;
  rc = awsc_sts_client_new(&sts, w->cfg, w->transport, NULL, err);
  if (rc) {
    awsc_buf_free_secret(&token);
    return rc;
  }
  awsc_sts_AssumeRoleWithWebIdentityRequest in;
  memset(&in, 0, sizeof(in));
  in.role_arn = w->role_arn;
  in.role_session_name = w->session_name;
  in.web_identity_token = token.p;
  awsc_sts_AssumeRoleWithWebIdentityResponse *o = NULL;
  rc = awsc_sts_assume_role_with_web_identity(&o, sts, &in, err);
  awsc_client_free(sts);
  awsc_buf_free_secret(&token);
  if (rc)
    return rc;
  rc = awsc_sts_credentials_from(out, o->credentials,
                                 AWSC_PROVIDER_NAME_WEB_IDENTITY,
                                 "AssumeRoleWithWebIdentity", err);
  awsc_sts_output_wipe(o->credentials);
  awsc_mem_free(o);
  return rc;
}

static void wi_destroy(awsc_credentials_provider *p) {
  wi_impl *w = p->impl;
  awsc_free(w->token_file);
  awsc_free(w->role_arn);
  awsc_free(w->session_name);
  awsc_free(w);
  awsc_free(p);
}

static const awsc_credentials_provider_vtable wi_vtable = {
    AWSC_PROVIDER_NAME_WEB_IDENTITY, wi_get, wi_destroy};

int awsc_sts_web_identity_provider_new(awsc_credentials_provider **out,
                                       const awsc_config *cfg,
                                       awsc_transport *transport,
                                       const awsc_web_identity_params *params,
                                       awsc_error *err) {
  *out = NULL;
  if (!cfg || !params || !params->token_file || !params->role_arn)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "web identity provider: cfg, token_file and "
                          "role_arn are required");
  awsc_credentials_provider *p = awsc_calloc(1, sizeof(*p));
  wi_impl *w = awsc_calloc(1, sizeof(*w));
  char name[64];
  awsc_sts_default_session_name(name, sizeof(name));
  if (p && w) {
    p->vtable = &wi_vtable;
    p->impl = w;
    w->cfg = cfg;
    w->transport = transport;
    w->token_file = awsc_strdup(params->token_file);
    w->role_arn = awsc_strdup(params->role_arn);
    w->session_name = awsc_strdup(
        params->role_session_name ? params->role_session_name : name);
    if (w->token_file && w->role_arn && w->session_name) {
      *out = p;
      return 0;
    }
    wi_destroy(p);
  } else {
    awsc_free(p);
    awsc_free(w);
  }
  return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL, "out of memory");
}

/* One setting: the environment variable (unless disabled), else the
 * profile's key (botocore's _get_config). */
static const char *setting(const awsc_config *cfg, bool use_env,
                           const char *env, const char *key) {
  const char *v = use_env ? awsc_config_getenv(cfg, env) : NULL;
  if (!v)
    v = awsc_config_get_scoped(cfg, key);
  return v && *v ? v : NULL;
}

int awsc_sts_web_identity_params_resolve(const awsc_config *cfg, bool use_env,
                                         awsc_web_identity_params *out,
                                         awsc_error *err) {
  memset(out, 0, sizeof(*out));
  out->token_file = setting(cfg, use_env, "AWS_WEB_IDENTITY_TOKEN_FILE",
                            "web_identity_token_file");
  if (!out->token_file)
    return awsc_error_set(err, AWSC_ENOTFOUND, AWSC_ERROR_CREDENTIALS,
                          "no web identity token file configured");
  out->role_arn = setting(cfg, use_env, "AWS_ROLE_ARN", "role_arn");
  if (!out->role_arn)
    return awsc_error_set(
        err, AWSC_ECONFIG, AWSC_ERROR_CONFIG,
        "The provided profile or the current environment is configured to "
        "assume role with web identity but has no role ARN configured. "
        "Ensure that the profile has the role_arn configuration set or the "
        "AWS_ROLE_ARN env var is set.");
  out->role_session_name =
      setting(cfg, use_env, "AWS_ROLE_SESSION_NAME", "role_session_name");
  return 0;
}
