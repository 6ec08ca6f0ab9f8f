/*
 * lib/credentials/provider_profile.c - static keys in the shared files
 * (botocore's SharedCredentialProvider and ConfigProvider): aws_access_key_id,
 * aws_secret_access_key, aws_security_token / aws_session_token in the
 * profile's section of the credentials file or of the config file.
 */
#include "credentials/credentials_internal.h"

typedef const char *(*profile_lookup_fn)(const awsc_config *cfg,
                                         const char *key);

typedef struct profile_kind {
  const char *name; /* provider name and credentials source */
  profile_lookup_fn lookup;
  const char *(*path)(const awsc_config *cfg);
  const char *found_in; /* for the log line: which file */
} profile_kind;

typedef struct profile_impl {
  const profile_kind *kind;
  const awsc_config *cfg;
  const awsc_logger *logger;
} profile_impl;

static const char *lookup(const profile_impl *pi, const char *key) {
  const char *v = pi->kind->lookup(pi->cfg, key);
  return v && *v ? v : NULL;
}

static int profile_get(awsc_credentials_provider *p, awsc_credentials **out,
                       awsc_error *err) {
  profile_impl *pi = p->impl;
  const char *profile = awsc_config_profile_name(pi->cfg);
  if (!profile)
    profile = "default";
  const char *ak = lookup(pi, "aws_access_key_id");
  if (!ak)
    return awsc_error_set(err, AWSC_ENOTFOUND, AWSC_ERROR_CREDENTIALS,
                          "No aws_access_key_id for profile %s in %s", profile,
                          pi->kind->name);
  const char *sk = lookup(pi, "aws_secret_access_key");
  if (!sk)
    return awsc_error_set(err, AWSC_ECREDENTIALS, AWSC_ERROR_CREDENTIALS,
                          "Partial credentials found in %s, missing: "
                          "aws_secret_access_key",
                          pi->kind->name);
  const char *token = lookup(pi, "aws_security_token");
  if (!token)
    token = lookup(pi, "aws_session_token");
  int rc = awsc_credentials_new(out, ak, sk, token, 0, pi->kind->name);
  if (rc)
    return awsc_error_set(err, rc, AWSC_ERROR_INTERNAL, "%s credentials: %s",
                          pi->kind->name, awsc_strerror(rc));
  const char *path = pi->kind->path(pi->cfg);
  awsc_log(pi->logger, AWSC_LOG_DEBUG,
           "Found credentials in %s: %s (profile %s)", pi->kind->found_in,
           path ? path : "(unknown)", profile);
  return AWSC_OK;
}

static const awsc_credentials_provider_vtable shared_credentials_vtable = {
    AWSC_PROVIDER_NAME_SHARED_CREDENTIALS, profile_get,
    awsc_provider_free_simple};
static const awsc_credentials_provider_vtable shared_config_vtable = {
    AWSC_PROVIDER_NAME_SHARED_CONFIG, profile_get, awsc_provider_free_simple};

static const profile_kind shared_credentials_kind = {
    AWSC_PROVIDER_NAME_SHARED_CREDENTIALS, awsc_config_get_credentials,
    awsc_config_credentials_path, "shared credentials file"};
static const profile_kind shared_config_kind = {
    AWSC_PROVIDER_NAME_SHARED_CONFIG, awsc_config_get, awsc_config_config_path,
    "config file"};

static int profile_new(awsc_credentials_provider **out,
                       const awsc_credentials_provider_vtable *vtable,
                       const profile_kind *kind, const awsc_config *cfg,
                       const awsc_provider_options *opts) {
  if (!out)
    return AWSC_EINVAL;
  *out = NULL;
  if (!cfg)
    return AWSC_EINVAL;
  awsc_credentials_provider *p = NULL;
  profile_impl *pi = awsc_provider_alloc(&p, vtable, sizeof(*pi));
  if (!pi)
    return AWSC_ENOMEM;
  pi->kind = kind;
  pi->cfg = cfg;
  pi->logger = opts ? opts->logger : NULL;
  *out = p;
  return AWSC_OK;
}

int awsc_provider_shared_credentials_new_ex(awsc_credentials_provider **out,
                                            const awsc_config *cfg,
                                            const awsc_provider_options *opts) {
  return profile_new(out, &shared_credentials_vtable, &shared_credentials_kind,
                     cfg, opts);
}

int awsc_provider_shared_credentials_new(awsc_credentials_provider **out,
                                         const awsc_config *cfg) {
  return awsc_provider_shared_credentials_new_ex(out, cfg, NULL);
}

int awsc_provider_shared_config_new_ex(awsc_credentials_provider **out,
                                       const awsc_config *cfg,
                                       const awsc_provider_options *opts) {
  return profile_new(out, &shared_config_vtable, &shared_config_kind, cfg,
                     opts);
}

int awsc_provider_shared_config_new(awsc_credentials_provider **out,
                                    const awsc_config *cfg) {
  return awsc_provider_shared_config_new_ex(out, cfg, NULL);
}
