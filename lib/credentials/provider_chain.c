/*
 * lib/credentials/provider_chain.c - the provider chain (botocore's
 * CredentialResolver) and the default chain (create_credential_resolver).
 */
#include <string.h>

#include "credentials/credentials_internal.h"

typedef struct chain_impl {
  awsc_credentials_provider **providers;
  size_t n;
  const awsc_logger *logger;
} chain_impl;

/* First provider with credentials wins; AWSC_ENOTFOUND moves on, any other
 * failure (a broken credential_process, an unreachable container endpoint)
 * stops the search so the user hears about it instead of silently getting
 * other credentials. */
static int chain_get(awsc_credentials_provider *p, awsc_credentials **out,
                     awsc_error *err) {
  chain_impl *c = p->impl;
  for (size_t i = 0; i < c->n; i++) {
    awsc_credentials_provider *sub = c->providers[i];
    const char *name = sub->vtable->name ? sub->vtable->name : "(unnamed)";
    awsc_log(c->logger, AWSC_LOG_DEBUG, "Looking for credentials via: %s",
             name);
    awsc_error sub_err = AWSC_ERROR_INIT;
    int rc = awsc_credentials_provider_get(out, sub, &sub_err);
    if (rc == AWSC_OK)
      return AWSC_OK;
    if (rc != AWSC_ENOTFOUND) {
      awsc_error_copy(err, &sub_err);
      return rc;
    }
  }
  return awsc_error_set(err, AWSC_ENOTFOUND, AWSC_ERROR_CREDENTIALS,
                        "Unable to locate credentials");
}

static void chain_destroy(awsc_credentials_provider *p) {
  chain_impl *c = p->impl;
  for (size_t i = 0; i < c->n; i++)
    awsc_credentials_provider_free(c->providers[i]);
  awsc_free(c->providers);
  awsc_free(c);
  awsc_free(p);
}

static const awsc_credentials_provider_vtable chain_vtable = {
    "chain", chain_get, chain_destroy};

static void free_all(awsc_credentials_provider **providers, size_t n) {
  if (!providers)
    return;
  for (size_t i = 0; i < n; i++)
    awsc_credentials_provider_free(providers[i]);
}

int awsc_provider_chain_new_ex(awsc_credentials_provider **out,
                               awsc_credentials_provider **providers, size_t n,
                               const awsc_logger *logger) {
  if (out)
    *out = NULL;
  if (!out || (n && !providers)) {
    free_all(providers, n);
    return AWSC_EINVAL;
  }
  for (size_t i = 0; i < n; i++) {
    if (!providers[i] || !providers[i]->vtable || !providers[i]->vtable->get) {
      free_all(providers, n);
      return AWSC_EINVAL;
    }
  }
  awsc_credentials_provider *p = awsc_calloc(1, sizeof(*p));
  chain_impl *c = awsc_calloc(1, sizeof(*c));
  awsc_credentials_provider **list = awsc_calloc(n ? n : 1, sizeof(*list));
  if (!p || !c || !list) {
    awsc_free(p);
    awsc_free(c);
    awsc_free(list);
    free_all(providers, n);
    return AWSC_ENOMEM;
  }
  if (n)
    memcpy(list, providers, n * sizeof(*list));
  c->providers = list;
  c->n = n;
  c->logger = logger;
  p->vtable = &chain_vtable;
  p->impl = c;
  *out = p;
  return AWSC_OK;
}

int awsc_provider_chain_new(awsc_credentials_provider **out,
                            awsc_credentials_provider **providers, size_t n) {
  return awsc_provider_chain_new_ex(out, providers, n, NULL);
}

/* ---- the role slot when no STS client is built in ---- */

static int role_stub_get(awsc_credentials_provider *p, awsc_credentials **out,
                         awsc_error *err) {
  (void)p;
  (void)out;
  return awsc_error_set(err, AWSC_EUNSUPPORTED, AWSC_ERROR_CREDENTIALS,
                        "assume-role profiles need the STS client (not built "
                        "yet)");
}

static void role_stub_destroy(awsc_credentials_provider *p) {
  awsc_free(p);
}

static const awsc_credentials_provider_vtable role_stub_vtable = {
    "assume-role", role_stub_get, role_stub_destroy};

static int role_stub_new(awsc_credentials_provider **out) {
  awsc_credentials_provider *p = awsc_calloc(1, sizeof(*p));
  if (!p)
    return AWSC_ENOMEM;
  p->vtable = &role_stub_vtable;
  *out = p;
  return AWSC_OK;
}

/* botocore's AssumeRoleProvider and AssumeRoleWithWebIdentityProvider
 * look at the merged profile (config and credentials files), and the web
 * identity one also at the environment unless a profile was named in
 * code. */
static bool profile_needs_role(const awsc_config *cfg, bool skip_env) {
  static const char *const keys[] = {"role_arn", "web_identity_token_file"};
  for (size_t i = 0; i < AWSC_ARRAY_LEN(keys); i++) {
    const char *v = awsc_config_get_scoped(cfg, keys[i]);
    if (v && *v)
      return true;
  }
  return !skip_env && awsc_config_getenv(cfg, "AWS_ROLE_ARN") &&
         awsc_config_getenv(cfg, "AWS_WEB_IDENTITY_TOKEN_FILE");
}

#define MAX_DEFAULT_PROVIDERS 7

int awsc_credentials_default_chain_new_ex(
    awsc_credentials_provider **out, const awsc_config *cfg,
    awsc_transport *transport, const awsc_default_chain_options *opts,
    awsc_error *err) {
  if (out)
    *out = NULL;
  if (!out || !cfg)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "default credentials chain: out and cfg are "
                          "required");
  awsc_default_chain_options o;
  memset(&o, 0, sizeof(o));
  if (opts)
    o = *opts;
  awsc_provider_options po = o.provider;
  po.logger = o.logger;
  awsc_cache_options co = o.cache;
  co.logger = o.logger;

  awsc_credentials_provider *list[MAX_DEFAULT_PROVIDERS];
  size_t n = 0;
  int rc = AWSC_OK;
  const char *profile = awsc_config_profile_name(cfg);

  if (!o.skip_env) {
    rc = awsc_provider_env_new_ex(&list[n], cfg, &po);
    if (rc)
      goto fail;
    n++;
  } else {
    awsc_log(o.logger, AWSC_LOG_DEBUG,
             "Skipping environment variable credential check because "
             "profile name was explicitly set.");
  }
  if (profile_needs_role(cfg, o.skip_env)) {
    if (o.role_factory) {
      awsc_error ferr = AWSC_ERROR_INIT;
      awsc_credentials_provider *rp = NULL;
      rc = o.role_factory(&rp, cfg, transport, &ferr);
      if (rc == AWSC_OK && rp) {
        list[n++] = rp;
      } else if (rc != AWSC_ENOTFOUND && rc != AWSC_OK) {
        awsc_error_copy(err, &ferr);
        goto fail_quiet;
      }
      rc = AWSC_OK;
    } else {
      awsc_log(o.logger, AWSC_LOG_DEBUG,
               "Profile %s needs assume-role/web identity, which is not "
               "built yet",
               profile ? profile : "default");
      rc = role_stub_new(&list[n]);
      if (rc)
        goto fail;
      n++;
    }
  }
  rc = awsc_provider_shared_credentials_new_ex(&list[n], cfg, &po);
  if (rc)
    goto fail;
  n++;
  rc = awsc_provider_process_new_ex(&list[n], cfg, &po);
  if (rc)
    goto fail;
  n++;
  rc = awsc_provider_shared_config_new_ex(&list[n], cfg, &po);
  if (rc)
    goto fail;
  n++;
  if (transport) {
    rc = awsc_provider_container_new_ex(&list[n], cfg, transport, &po);
    if (rc)
      goto fail;
    n++;
    rc = awsc_provider_imds_new_ex(&list[n], cfg, transport, &po);
    if (rc)
      goto fail;
    n++;
  }

  awsc_credentials_provider *chain = NULL;
  rc = awsc_provider_chain_new_ex(&chain, list, n, o.logger);
  n = 0; /* owned by the chain (or freed by it on failure) */
  if (rc)
    goto fail;
  rc = awsc_provider_cached_new_ex(out, chain, &co);
  if (rc)
    goto fail;
  return AWSC_OK;

fail:
  awsc_error_set(
      err, rc, rc == AWSC_ENOMEM ? AWSC_ERROR_INTERNAL : AWSC_ERROR_VALIDATION,
      "default credentials chain: %s", awsc_strerror(rc));
fail_quiet:
  free_all(list, n);
  return rc;
}

int awsc_credentials_default_chain_new(awsc_credentials_provider **out,
                                       const awsc_config *cfg,
                                       awsc_transport *transport,
                                       awsc_role_provider_factory role_factory,
                                       const awsc_logger *logger,
                                       awsc_error *err) {
  awsc_default_chain_options o;
  memset(&o, 0, sizeof(o));
  o.role_factory = role_factory;
  o.logger = logger;
  return awsc_credentials_default_chain_new_ex(out, cfg, transport, &o, err);
}
