/*
 * lib/credentials/provider_env.c - credentials from the environment (botocore's
 * EnvProvider): AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 * AWS_SECURITY_TOKEN / AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION.
 */
#include "credentials/credentials_internal.h"

typedef struct env_impl {
  const awsc_config *cfg;
  const awsc_logger *logger;
} env_impl;

static int env_get(awsc_credentials_provider *p, awsc_credentials **out,
                   awsc_error *err) {
  env_impl *e = p->impl;
  /* awsc_config_getenv treats empty values as unset, as botocore's
   * `environ.get(...) or ''` checks do. */
  const char *ak = awsc_config_getenv(e->cfg, "AWS_ACCESS_KEY_ID");
  if (!ak)
    return awsc_error_set(err, AWSC_ENOTFOUND, AWSC_ERROR_CREDENTIALS,
                          "No credentials in environment variables");
  const char *sk = awsc_config_getenv(e->cfg, "AWS_SECRET_ACCESS_KEY");
  if (!sk)
    return awsc_error_set(err, AWSC_ECREDENTIALS, AWSC_ERROR_CREDENTIALS,
                          "Partial credentials found in env, missing: "
                          "AWS_SECRET_ACCESS_KEY");
  /* botocore's order: the legacy name first. */
  const char *token = awsc_config_getenv(e->cfg, "AWS_SECURITY_TOKEN");
  if (!token)
    token = awsc_config_getenv(e->cfg, "AWS_SESSION_TOKEN");
  int64_t expiration = 0;
  const char *exp = awsc_config_getenv(e->cfg, "AWS_CREDENTIAL_EXPIRATION");
  if (exp && awsc_time_parse_iso8601(awsc_sv_from_cstr(exp), &expiration))
    return awsc_error_set(err, AWSC_ECONFIG, AWSC_ERROR_CONFIG,
                          "Invalid AWS_CREDENTIAL_EXPIRATION (not an ISO 8601 "
                          "time): '%.64s'",
                          exp);
  if (exp && expiration <= 0)
    return awsc_error_set(err, AWSC_ECONFIG, AWSC_ERROR_CONFIG,
                          "Invalid AWS_CREDENTIAL_EXPIRATION (before 1970): "
                          "'%.64s'",
                          exp);
  int rc = awsc_credentials_new(out, ak, sk, token, expiration,
                                AWSC_PROVIDER_NAME_ENV);
  if (rc)
    return awsc_error_set(err, rc, AWSC_ERROR_INTERNAL, "env credentials: %s",
                          awsc_strerror(rc));
  awsc_log(e->logger, AWSC_LOG_DEBUG,
           "Found credentials in environment variables.");
  return AWSC_OK;
}

static const awsc_credentials_provider_vtable env_vtable = {
    AWSC_PROVIDER_NAME_ENV, env_get, awsc_provider_free_simple};

int awsc_provider_env_new_ex(awsc_credentials_provider **out,
                             const awsc_config *cfg,
                             const awsc_provider_options *opts) {
  if (!out)
    return AWSC_EINVAL;
  *out = NULL;
  if (!cfg)
    return AWSC_EINVAL;
  awsc_credentials_provider *p = NULL;
  env_impl *e = awsc_provider_alloc(&p, &env_vtable, sizeof(*e));
  if (!e)
    return AWSC_ENOMEM;
  e->cfg = cfg;
  e->logger = opts ? opts->logger : NULL;
  *out = p;
  return AWSC_OK;
}

int awsc_provider_env_new(awsc_credentials_provider **out,
                          const awsc_config *cfg) {
  return awsc_provider_env_new_ex(out, cfg, NULL);
}
