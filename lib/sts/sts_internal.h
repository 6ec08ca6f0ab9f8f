/*
 * lib/sts/sts_internal.h - internal: credential providers that call STS
 * (botocore's AssumeRoleProvider and AssumeRoleWithWebIdentityProvider)
 * and the role factory sessions use for profiles with role_arn /
 * web_identity_token_file.
 *
 * The STS calls go through an awsc_client of the built-in "sts" service
 * (the typed awsc_sts_assume_role / awsc_sts_assume_role_with_web_identity),
 * made for each fetch on a short-lived session that reads the same files,
 * environment and profile as the session whose chain holds the provider:
 * so the STS endpoint and region come from the usual resolution
 * (AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, [services] sts, the profile's
 * endpoint_url; region from AWS_REGION / the profile, else STS's global
 * endpoint in us-east-1), and the HTTP transport is the session's own.
 */
#ifndef AWSC_STS_INTERNAL_H
#define AWSC_STS_INTERNAL_H

#include <stdbool.h>

#include "awsc/client.h"
#include "awsc/sts.h"
#include "config/config.h"
#include "core/core.h"
#include "credentials/credentials_internal.h"

/* Provider names and the source of the credentials they return
 * (botocore's METHOD strings). */
#define AWSC_PROVIDER_NAME_ASSUME_ROLE "assume-role"
#define AWSC_PROVIDER_NAME_WEB_IDENTITY "assume-role-with-web-identity"

/*
 * The factory of the default chain's role slot (awsc_role_provider_factory):
 *  - the profile has role_arn and no web_identity_token_file: an
 *    assume-role provider (source_profile chains resolved now, config
 *    errors reported now);
 *  - otherwise web identity, from AWS_WEB_IDENTITY_TOKEN_FILE /
 *    AWS_ROLE_ARN / AWS_ROLE_SESSION_NAME, each falling back to the
 *    profile's web_identity_token_file / role_arn / role_session_name;
 *    AWSC_ENOTFOUND (slot left out) when there is no token file at all.
 * cfg and transport are borrowed and must outlive the provider (the
 * session guarantees that). Registered as every session's default when
 * the STS module is linked in (sts_client.c).
 */
int awsc_sts_role_factory(awsc_credentials_provider **out,
                          const awsc_config *cfg, awsc_transport *transport,
                          awsc_error *err);

/* ---- the providers themselves (also used directly by the unit tests) ---- */

/* What one AssumeRole call needs. Strings are copied. */
typedef struct awsc_assume_role_params {
  const char *profile;           /* for messages: where role_arn came from */
  const char *role_arn;          /* required */
  const char *role_session_name; /* NULL: "awsc-session-<epoch seconds>" */
  const char *external_id;       /* NULL: none */
  int duration_seconds;          /* 0: STS's default (3600) */
} awsc_assume_role_params;

/*
 * An assume-role provider: each get() fetches credentials from `source`
 * (owned; it may borrow `owned_cfg`, which the provider then frees after
 * it) and calls AssumeRole with them through an STS client made with
 * `cfg`'s settings. Returns credentials with the Expiration STS gave
 * (source "assume-role"). Errors of the STS call come back as they are
 * (AWSC_ESERVICE with the code, e.g. AccessDenied / NoSuchEntity).
 * Takes ownership of source and owned_cfg also when it fails.
 */
int awsc_sts_assume_role_provider_new(awsc_credentials_provider **out,
                                      const awsc_config *cfg,
                                      awsc_transport *transport,
                                      const awsc_assume_role_params *params,
                                      awsc_credentials_provider *source,
                                      awsc_config *owned_cfg, awsc_error *err);

/* What one AssumeRoleWithWebIdentity call needs. Strings are copied. */
typedef struct awsc_web_identity_params {
  const char *token_file;        /* required; read on every fetch */
  const char *role_arn;          /* required */
  const char *role_session_name; /* NULL: "awsc-session-<epoch seconds>" */
} awsc_web_identity_params;

/* A web-identity provider: reads the token file and calls the unsigned
 * AssumeRoleWithWebIdentity (source "assume-role-with-web-identity"). */
int awsc_sts_web_identity_provider_new(awsc_credentials_provider **out,
                                       const awsc_config *cfg,
                                       awsc_transport *transport,
                                       const awsc_web_identity_params *params,
                                       awsc_error *err);

/*
 * Resolve the web-identity settings of cfg's profile: with use_env the
 * environment variables first, then the profile (botocore's
 * _get_config). AWSC_ENOTFOUND when there is no token file;
 * AWSC_ECONFIG when there is one but no role ARN. The strings are
 * borrowed from cfg.
 */
int awsc_sts_web_identity_params_resolve(const awsc_config *cfg, bool use_env,
                                         awsc_web_identity_params *out,
                                         awsc_error *err);

/* ---- shared helpers (sts_client.c) ---- */

/*
 * An STS client on a fresh session that sees cfg's files, environment and
 * profile, uses `transport`, and signs with `creds` (NULL: no credentials
 * at all, for the unsigned AssumeRoleWithWebIdentity). *out is the
 * caller's (awsc_client_free); it holds the only session reference.
 */
int awsc_sts_client_new(awsc_client **out, const awsc_config *cfg,
                        awsc_transport *transport, awsc_credentials *creds,
                        awsc_error *err);

/* Credentials from an STS Credentials structure (AWSC_ECREDENTIALS when a
 * key is missing). The output's secret strings are wiped afterwards by
 * awsc_sts_output_wipe. */
int awsc_sts_credentials_from(awsc_credentials **out,
                              const awsc_sts_Credentials *c, const char *source,
                              const char *operation, awsc_error *err);
/* Wipe the secret key and token of an STS output's credentials before
 * the output is freed (they live in the output's block). */
void awsc_sts_output_wipe(const awsc_sts_Credentials *c);

/* "awsc-session-<epoch seconds>" into buf. */
void awsc_sts_default_session_name(char *buf, size_t size);

#endif
