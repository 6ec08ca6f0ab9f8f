/*
 * awsc/credentials.h - AWS credentials and credential providers.
 *
 * awsc_credentials is an immutable, reference-counted snapshot (access key,
 * secret, optional session token and expiry). Providers hand out new
 * references; release each with awsc_credentials_free().
 */
#ifndef AWSC_CREDENTIALS_H
#define AWSC_CREDENTIALS_H

#include "awsc/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct awsc_credentials awsc_credentials;

/* Make a credentials snapshot. access_key_id and secret_access_key are
 * required; session_token may be NULL; expiration_ms is milliseconds since
 * the epoch, 0 for "never expires"; source names where they came from
 * ("explicit", "env", ...; NULL allowed). *out holds one reference. */
AWSC_API int awsc_credentials_new(awsc_credentials **out,
                                  const char *access_key_id,
                                  const char *secret_access_key,
                                  const char *session_token,
                                  int64_t expiration_ms, const char *source);
/* Take another reference; returns creds. */
AWSC_API awsc_credentials *awsc_credentials_ref(awsc_credentials *creds);
/* Drop a reference; the last one wipes the secret and frees. NULL is ok. */
AWSC_API void awsc_credentials_free(awsc_credentials *creds);

/* Accessors. Borrowed strings, valid while the caller holds a reference.
 * session_token is NULL when there is none. */
AWSC_API const char *awsc_credentials_access_key_id(const awsc_credentials *c);
AWSC_API const char *
awsc_credentials_secret_access_key(const awsc_credentials *c);
AWSC_API const char *awsc_credentials_session_token(const awsc_credentials *c);
AWSC_API int64_t awsc_credentials_expiration_ms(const awsc_credentials *c);
AWSC_API const char *awsc_credentials_source(const awsc_credentials *c);

/* ---- providers (extension point) ---- */

typedef struct awsc_credentials_provider awsc_credentials_provider;

typedef struct awsc_credentials_provider_vtable {
  const char *name; /* "env", "shared-credentials-file", ... */
  /* Fetch credentials. Returns 0 with *out a new reference;
   * AWSC_ENOTFOUND when this provider has none (a chain moves on); any
   * other error stops a chain (e.g. a broken credential_process). Must be
   * safe to call from several threads. */
  int (*get)(awsc_credentials_provider *provider, awsc_credentials **out,
             awsc_error *err);
  void (*destroy)(awsc_credentials_provider *provider);
} awsc_credentials_provider_vtable;

struct awsc_credentials_provider {
  const awsc_credentials_provider_vtable *vtable;
  void *impl;
};

/* Call provider->vtable->get. */
AWSC_API int awsc_credentials_provider_get(awsc_credentials **out,
                                           awsc_credentials_provider *provider,
                                           awsc_error *err);
/* Destroy a provider (NULL is a no-op). */
AWSC_API void
awsc_credentials_provider_free(awsc_credentials_provider *provider);

/* A provider that always returns the given credentials (takes a ref). */
AWSC_API int
awsc_credentials_provider_static_new(awsc_credentials_provider **out,
                                     awsc_credentials *creds);

/*
 * A caching provider around `inner` (which it takes ownership of): returns
 * the cached snapshot while it is fresh and refreshes it ahead of expiry,
 * as botocore does (advisory refresh 15 minutes before expiry: refresh
 * failure keeps the old credentials; mandatory refresh 10 minutes before:
 * failure is an error). One thread refreshes at a time; the others wait
 * or keep using the still-valid snapshot. Thread-safe.
 */
AWSC_API int
awsc_credentials_provider_cached_new(awsc_credentials_provider **out,
                                     awsc_credentials_provider *inner);

#ifdef __cplusplus
}
#endif

#endif
