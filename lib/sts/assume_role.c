/*
 * lib/sts/assume_role.c - the assume-role provider (botocore's
 * AssumeRoleProvider) and the role factory of the default chain.
 *
 * A profile with role_arn gets its source credentials either from
 * credential_source (Environment, EcsContainer, Ec2InstanceMetadata) or
 * from source_profile, which may itself assume a role (role chaining) or
 * hold keys / credential_process / web identity. Everything about the
 * configuration is checked when the chain is built, so a broken profile
 * fails at the first credentials lookup with a message naming it, as
 * botocore does; STS is only called on get().
 */
#include <limits.h>
#include <string.h>

#include "sts/sts_internal.h"

#define MAX_ROLE_CHAIN 16

typedef struct role_impl {
  const awsc_config *cfg; /* borrowed: settings of the STS client */
  awsc_transport *transport;
  awsc_credentials_provider *source;
  awsc_config *owned_cfg; /* the source profile's view, if any */
  char *profile, *role_arn, *session_name, *external_id;
  int duration_seconds;
  bool source_is_profile; /* for the message when the source is empty */
  char *source_name;      /* source profile or credential_source */
} role_impl;

static int role_get(awsc_credentials_provider *p, awsc_credentials **out,
                    awsc_error *err) {
  role_impl *r = p->impl;
  *out = NULL;
  awsc_credentials *src = NULL;
  awsc_error serr = AWSC_ERROR_INIT;
  int rc = awsc_credentials_provider_get(&src, r->source, &serr);
  if (rc == AWSC_ENOTFOUND) {
    if (r->source_is_profile)
      return awsc_error_set(err, AWSC_ECONFIG, AWSC_ERROR_CONFIG,
                            "The source profile \"%s\" must have "
                            "credentials.",
                            r->source_name);
    return awsc_creds_error(err, r->source_name,
                            "No credentials found in credential_source "
                            "referenced in profile %s",
                            r->profile);
  }
  if (rc) {
    awsc_error_copy(err, &serr);
    return rc;
  }

  awsc_client *sts = NULL;
  rc = awsc_sts_client_new(&sts, r->cfg, r->transport, src, err);
  awsc_credentials_free(src);
  if (rc)
    return rc;
  awsc_sts_AssumeRoleRequest in;
  memset(&in, 0, sizeof(in));
  in.role_arn = r->role_arn;
  in.role_session_name = r->session_name;
  in.external_id = r->external_id;
  if (r->duration_seconds > 0) {
    in.duration_seconds = r->duration_seconds;
    in.has_duration_seconds = true;
  }
  awsc_sts_AssumeRoleResponse *o = NULL;
  rc = awsc_sts_assume_role(&o, sts, &in, err);
  awsc_client_free(sts);
  if (rc)
    return rc;
  rc = awsc_sts_credentials_from(
      out, o->credentials, AWSC_PROVIDER_NAME_ASSUME_ROLE, "AssumeRole", err);
  awsc_sts_output_wipe(o->credentials);
  awsc_mem_free(o);
  return rc;
}

static void role_destroy(awsc_credentials_provider *p) {
  role_impl *r = p->impl;
  /* the source may borrow owned_cfg: it goes first */
  awsc_credentials_provider_free(r->source);
  awsc_config_free(r->owned_cfg);
  awsc_free(r->profile);
  awsc_free(r->role_arn);
  awsc_free(r->session_name);
  awsc_free(r->external_id);
  awsc_free(r->source_name);
  awsc_free(r);
  awsc_free(p);
}

static const awsc_credentials_provider_vtable role_vtable = {
    AWSC_PROVIDER_NAME_ASSUME_ROLE, role_get, role_destroy};

static bool dup_ok(char **dst, const char *src) {
  *dst = NULL;
  if (!src)
    return true;
  *dst = awsc_strdup(src);
  return *dst != NULL;
}

int awsc_sts_assume_role_provider_new(awsc_credentials_provider **out,
                                      const awsc_config *cfg,
                                      awsc_transport *transport,
                                      const awsc_assume_role_params *params,
                                      awsc_credentials_provider *source,
                                      awsc_config *owned_cfg, awsc_error *err) {
  *out = NULL;
  if (!cfg || !params || !params->role_arn || !source) {
    awsc_credentials_provider_free(source);
    awsc_config_free(owned_cfg);
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "assume-role provider: cfg, role_arn and a source "
                          "are required");
  }
  awsc_credentials_provider *p = awsc_calloc(1, sizeof(*p));
  role_impl *r = awsc_calloc(1, sizeof(*r));
  if (!p || !r) {
    awsc_free(p);
    awsc_free(r);
    awsc_credentials_provider_free(source);
    awsc_config_free(owned_cfg);
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  }
  p->vtable = &role_vtable;
  p->impl = r;
  r->cfg = cfg;
  r->transport = transport;
  r->source = source;
  r->owned_cfg = owned_cfg;
  r->duration_seconds = params->duration_seconds;
  char name[64];
  awsc_sts_default_session_name(name, sizeof(name));
  const char *session_name =
      params->role_session_name ? params->role_session_name : name;
  const char *profile = params->profile ? params->profile : "default";
  if (!dup_ok(&r->profile, profile) ||
      !dup_ok(&r->role_arn, params->role_arn) ||
      !dup_ok(&r->session_name, session_name) ||
      !dup_ok(&r->external_id, params->external_id) ||
      !dup_ok(&r->source_name, "source")) {
    role_destroy(p);
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  }
  *out = p;
  return 0;
}

/* ---- the profile's role configuration ---- */

static const char *nonempty(const char *s) {
  return s && *s ? s : NULL;
}

static const char *scoped(const awsc_config *cfg, const char *key) {
  return nonempty(awsc_config_get_scoped(cfg, key));
}

/* Keys in either file (botocore's _has_static_credentials). */
static bool has_static_credentials(const awsc_config *cfg) {
  return scoped(cfg, "aws_access_key_id") ||
         scoped(cfg, "aws_secret_access_key");
}

/* botocore's _has_assume_role_config_vars: role_arn, and no
 * web_identity_token_file (then web identity is meant). */
static bool has_assume_role_vars(const awsc_config *cfg) {
  return scoped(cfg, "role_arn") && !scoped(cfg, "web_identity_token_file");
}

#define config_error(err, ...)                                                 \
  awsc_error_set((err), AWSC_ECONFIG, AWSC_ERROR_CONFIG, __VA_ARGS__)

static const char *profile_of(const awsc_config *cfg) {
  const char *p = awsc_config_profile_name(cfg);
  return p ? p : "default";
}

/* Python's int() of a setting: optional blanks and sign, digits. */
static bool parse_int(const char *s, int *out) {
  while (*s == ' ' || *s == '\t')
    s++;
  bool neg = *s == '-';
  if (*s == '+' || *s == '-')
    s++;
  if (*s < '0' || *s > '9')
    return false;
  long long v = 0;
  while (*s >= '0' && *s <= '9') {
    v = v * 10 + (*s++ - '0');
    if (v > INT_MAX)
      return false;
  }
  while (*s == ' ' || *s == '\t')
    s++;
  if (*s)
    return false;
  *out = neg ? -(int)v : (int)v;
  return true;
}

typedef struct visited {
  const char *names[MAX_ROLE_CHAIN];
  size_t n;
} visited;

static bool was_visited(const visited *v, const char *name) {
  for (size_t i = 0; i < v->n; i++)
    if (strcmp(v->names[i], name) == 0)
      return true;
  return false;
}

static int loop_error(awsc_error *err, const char *profile, const visited *v) {
  char list[256] = "";
  size_t used = 0;
  for (size_t i = 0; i < v->n && used < sizeof(list) - 1; i++) {
    int k = snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "",
                     v->names[i]);
    if (k < 0)
      break;
    used += (size_t)k;
  }
  return awsc_error_set(err, AWSC_ECONFIG, AWSC_ERROR_CONFIG,
                        "Infinite loop in credential configuration "
                        "detected. Attempting to load from profile %s which "
                        "has already been visited. Visited profiles: [%s]",
                        profile, list);
}

static int source_getenv_cfg(awsc_config **out, const awsc_config *top,
                             const char *profile, const char *parent,
                             awsc_error *err);

/* A provider for a source profile that does not itself assume a role
 * (botocore's ProfileProviderBuilder with the environment disabled): web
 * identity from that profile, its keys in the credentials file, its
 * credential_process, its keys in the config file. Cached. */
static int profile_chain_new(awsc_credentials_provider **out,
                             const awsc_config *top, const awsc_config *qcfg,
                             awsc_transport *transport, awsc_error *err) {
  awsc_credentials_provider *list[4];
  size_t n = 0;
  int rc = 0;
  awsc_web_identity_params wp;
  awsc_error werr = AWSC_ERROR_INIT;
  rc = awsc_sts_web_identity_params_resolve(qcfg, false, &wp, &werr);
  if (rc == 0) {
    /* the STS client of the web-identity call keeps the top session's
     * settings, as botocore's client_creator does */
    rc = awsc_sts_web_identity_provider_new(&list[n], top, transport, &wp, err);
    if (rc)
      return rc;
    n++;
  } else if (rc != AWSC_ENOTFOUND) {
    awsc_error_copy(err, &werr);
    return rc;
  }
  rc = awsc_provider_shared_credentials_new(&list[n], qcfg);
  if (rc == 0) {
    n++;
    rc = awsc_provider_process_new(&list[n], qcfg);
  }
  if (rc == 0) {
    n++;
    rc = awsc_provider_shared_config_new(&list[n], qcfg);
  }
  if (rc) {
    for (size_t i = 0; i < n; i++)
      awsc_credentials_provider_free(list[i]);
    return awsc_error_set(err, rc, AWSC_ERROR_INTERNAL,
                          "source profile providers: %s", awsc_strerror(rc));
  }
  n++;
  awsc_credentials_provider *chain = NULL;
  rc = awsc_provider_chain_new(&chain, list, n);
  if (rc == 0)
    rc = awsc_credentials_provider_cached_new(out, chain);
  if (rc)
    return awsc_error_set(err, rc, AWSC_ERROR_INTERNAL,
                          "source profile providers: %s", awsc_strerror(rc));
  return 0;
}

/* credential_source: which provider, on the top session's view. */
static int credential_source_new(awsc_credentials_provider **out,
                                 const awsc_config *top,
                                 awsc_transport *transport, const char *name,
                                 const char *profile, awsc_error *err) {
  int rc;
  if (strcmp(name, "Environment") == 0) {
    rc = awsc_provider_env_new(out, top);
  } else if (strcmp(name, "EcsContainer") == 0 ||
             strcmp(name, "Ec2InstanceMetadata") == 0) {
    if (!transport)
      return awsc_error_set(err, AWSC_EUNSUPPORTED, AWSC_ERROR_CONFIG,
                            "credential_source %s of profile %s needs an "
                            "HTTP transport",
                            name, profile);
    awsc_credentials_provider *inner = NULL;
    rc = name[1] == 'c' ? awsc_provider_container_new(&inner, top, transport)
                        : awsc_provider_imds_new(&inner, top, transport);
    if (rc == 0)
      rc = awsc_credentials_provider_cached_new(out, inner);
  } else {
    return config_error(err,
                        "The credential source \"%s\" referenced in profile "
                        "\"%s\" is not valid. Valid sources are "
                        "Environment, EcsContainer, Ec2InstanceMetadata.",
                        name, profile);
  }
  if (rc)
    return awsc_error_set(err, rc, AWSC_ERROR_INTERNAL,
                          "credential_source %s: %s", name, awsc_strerror(rc));
  return 0;
}

/*
 * The assume-role provider for the profile pcfg shows (its scoped view
 * must have role_arn). top: the session's view, for the STS client and
 * credential_source. Recurses for source profiles that assume a role.
 */
static int role_provider_for(awsc_credentials_provider **out,
                             const awsc_config *top, const awsc_config *pcfg,
                             awsc_transport *transport, visited *seen,
                             awsc_error *err) {
  *out = NULL;
  const char *profile = profile_of(pcfg);
  awsc_assume_role_params ap;
  memset(&ap, 0, sizeof(ap));
  ap.profile = profile;
  ap.role_arn = scoped(pcfg, "role_arn");
  ap.role_session_name = scoped(pcfg, "role_session_name");
  ap.external_id = scoped(pcfg, "external_id");
  const char *source_profile = scoped(pcfg, "source_profile");
  const char *credential_source = scoped(pcfg, "credential_source");
  const char *duration = scoped(pcfg, "duration_seconds");

  if (scoped(pcfg, "mfa_serial"))
    return awsc_error_set(
        err, AWSC_EUNSUPPORTED, AWSC_ERROR_CONFIG,
        "Profile \"%s\" sets mfa_serial: assuming a role that needs an MFA "
        "token code is not supported by awsc (there is no prompt); use "
        "credentials obtained with the code, e.g. from credential_process",
        profile);
  if (duration &&
      (!parse_int(duration, &ap.duration_seconds) || ap.duration_seconds <= 0))
    return config_error(err,
                        "Invalid duration_seconds '%.32s' in profile \"%s\": "
                        "expected a positive number of seconds",
                        duration, profile);
  if (credential_source && source_profile)
    return config_error(err,
                        "The profile \"%s\" contains both source_profile and "
                        "credential_source.",
                        profile);
  if (!credential_source && !source_profile)
    return awsc_error_set(err, AWSC_ECREDENTIALS, AWSC_ERROR_CREDENTIALS,
                          "Partial credentials found in assume-role, "
                          "missing: source_profile or credential_source "
                          "(profile %s)",
                          profile);

  awsc_credentials_provider *source = NULL;
  awsc_config *qcfg = NULL;
  bool source_is_profile = false;
  int rc;
  if (credential_source) {
    rc = credential_source_new(&source, top, transport, credential_source,
                               profile, err);
    if (rc)
      return rc;
  } else {
    source_is_profile = true;
    if (was_visited(seen, source_profile)) {
      /* A profile may name itself to use its own keys (top level only,
       * since elsewhere its keys would already have won). */
      if (strcmp(source_profile, profile) != 0 || !has_static_credentials(pcfg))
        return loop_error(err, source_profile, seen);
    }
    if (seen->n == MAX_ROLE_CHAIN)
      return loop_error(err, source_profile, seen);
    seen->names[seen->n++] = source_profile;
    rc = source_getenv_cfg(&qcfg, top, source_profile, profile, err);
    if (rc)
      return rc;
    if (has_static_credentials(qcfg) || !has_assume_role_vars(qcfg)) {
      rc = profile_chain_new(&source, top, qcfg, transport, err);
    } else {
      awsc_credentials_provider *inner = NULL;
      rc = role_provider_for(&inner, top, qcfg, transport, seen, err);
      if (rc == 0) {
        /* each hop keeps its credentials until they near expiry */
        rc = awsc_credentials_provider_cached_new(&source, inner);
        if (rc)
          awsc_error_set(err, rc, AWSC_ERROR_INTERNAL, "out of memory");
      }
    }
    if (rc) {
      awsc_config_free(qcfg);
      return rc;
    }
  }
  rc = awsc_sts_assume_role_provider_new(out, top, transport, &ap, source, qcfg,
                                         err);
  if (rc)
    return rc;
  role_impl *r = (*out)->impl;
  r->source_is_profile = source_is_profile;
  char *name =
      awsc_strdup(source_is_profile ? source_profile : credential_source);
  if (!name) {
    awsc_credentials_provider_free(*out);
    *out = NULL;
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  }
  awsc_free(r->source_name);
  r->source_name = name;
  return 0;
}

static const char *top_getenv(const char *name, void *user_data) {
  return awsc_config_getenv((const awsc_config *)user_data, name);
}

/* The view of another profile, through the same files and environment. */
static int source_getenv_cfg(awsc_config **out, const awsc_config *top,
                             const char *profile, const char *parent,
                             awsc_error *err) {
  awsc_config_source src;
  memset(&src, 0, sizeof(src));
  src.getenv = top_getenv;
  src.getenv_user_data = (void *)top;
  src.profile = profile;
  src.config_file = awsc_config_config_path(top);
  src.credentials_file = awsc_config_credentials_path(top);
  awsc_error lerr = AWSC_ERROR_INIT;
  int rc = awsc_config_load(out, &src, &lerr);
  if (rc == AWSC_ENOTFOUND)
    return config_error(err,
                        "The source_profile \"%s\" referenced in the profile "
                        "\"%s\" does not exist.",
                        profile, parent);
  if (rc)
    awsc_error_copy(err, &lerr);
  return rc;
}

int awsc_sts_role_factory(awsc_credentials_provider **out,
                          const awsc_config *cfg, awsc_transport *transport,
                          awsc_error *err) {
  if (!out || !cfg)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "role factory: out and cfg are required");
  *out = NULL;
  if (has_assume_role_vars(cfg)) {
    visited seen;
    memset(&seen, 0, sizeof(seen));
    seen.names[seen.n++] = profile_of(cfg);
    return role_provider_for(out, cfg, cfg, transport, &seen, err);
  }
  awsc_web_identity_params wp;
  int rc = awsc_sts_web_identity_params_resolve(cfg, true, &wp, err);
  if (rc)
    return rc;
  return awsc_sts_web_identity_provider_new(out, cfg, transport, &wp, err);
}
