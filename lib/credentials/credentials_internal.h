/*
 * lib/credentials/credentials_internal.h - internal: the built-in credential
 * providers and the default chain (botocore order).
 */
#ifndef AWSC_CREDENTIALS_CREDENTIALS_INTERNAL_H
#define AWSC_CREDENTIALS_CREDENTIALS_INTERNAL_H

#include <stdbool.h>

#include "awsc/credentials.h"
#include "awsc/sys/transport.h"
#include "config/config.h"
#include "core/core.h"

/* Provider names, as botocore's METHOD strings. Each built-in provider's
 * vtable name and the source of the credentials it returns. */
#define AWSC_PROVIDER_NAME_ENV "env"
#define AWSC_PROVIDER_NAME_SHARED_CREDENTIALS "shared-credentials-file"
#define AWSC_PROVIDER_NAME_SHARED_CONFIG "config-file"
#define AWSC_PROVIDER_NAME_PROCESS "custom-process"
#define AWSC_PROVIDER_NAME_CONTAINER "container-role"
#define AWSC_PROVIDER_NAME_IMDS "iam-role"

/* Each constructor returns 0 with *out, or an error. A provider whose
 * source is absent at get() time returns AWSC_ENOTFOUND from get(). The
 * config, transport and logger are borrowed and must outlive the provider. */
int awsc_provider_env_new(awsc_credentials_provider **out,
                          const awsc_config *cfg);
/* aws_access_key_id/... in the credentials file's [profile]. */
int awsc_provider_shared_credentials_new(awsc_credentials_provider **out,
                                         const awsc_config *cfg);
/* aws_access_key_id/... in the config file's profile section. */
int awsc_provider_shared_config_new(awsc_credentials_provider **out,
                                    const awsc_config *cfg);
/* credential_process in the profile. */
int awsc_provider_process_new(awsc_credentials_provider **out,
                              const awsc_config *cfg);
/* AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / FULL_URI. */
int awsc_provider_container_new(awsc_credentials_provider **out,
                                const awsc_config *cfg,
                                awsc_transport *transport);
/* EC2 instance metadata, IMDSv2 (AWS_EC2_METADATA_DISABLED,
 * AWS_EC2_METADATA_SERVICE_ENDPOINT, ec2_metadata_service_endpoint). */
int awsc_provider_imds_new(awsc_credentials_provider **out,
                           const awsc_config *cfg, awsc_transport *transport);
/* Try providers in order; takes ownership of all of them. */
int awsc_provider_chain_new(awsc_credentials_provider **out,
                            awsc_credentials_provider **providers, size_t n);

/*
 * Options of the built-in providers (the plain constructors above use the
 * defaults). Zero means "default" everywhere.
 *  - logger: where the provider says at DEBUG which source it used (never
 *    a secret); NULL = silent.
 *  - timeout_ms: credential_process run time limit (default 60000; botocore
 *    has none), container connect/read timeout (default 2000), IMDS
 *    connect/read timeout (default: AWS_METADATA_SERVICE_TIMEOUT /
 *    metadata_service_timeout seconds, else 1000).
 *  - max_attempts: container (default 3), IMDS (default:
 *    AWS_METADATA_SERVICE_NUM_ATTEMPTS / metadata_service_num_attempts,
 *    else 1).
 *  - retry_delay_ms: container pause between attempts (default 1000);
 *    negative = no pause.
 */
typedef struct awsc_provider_options {
  const awsc_logger *logger;
  long timeout_ms;
  int max_attempts;
  long retry_delay_ms;
} awsc_provider_options;

#define AWSC_PROVIDER_OPTIONS_INIT                                             \
  { NULL, 0, 0, 0 }

/* The same constructors with options (NULL = defaults). */
int awsc_provider_env_new_ex(awsc_credentials_provider **out,
                             const awsc_config *cfg,
                             const awsc_provider_options *opts);
int awsc_provider_shared_credentials_new_ex(awsc_credentials_provider **out,
                                            const awsc_config *cfg,
                                            const awsc_provider_options *opts);
int awsc_provider_shared_config_new_ex(awsc_credentials_provider **out,
                                       const awsc_config *cfg,
                                       const awsc_provider_options *opts);
int awsc_provider_process_new_ex(awsc_credentials_provider **out,
                                 const awsc_config *cfg,
                                 const awsc_provider_options *opts);
int awsc_provider_container_new_ex(awsc_credentials_provider **out,
                                   const awsc_config *cfg,
                                   awsc_transport *transport,
                                   const awsc_provider_options *opts);
int awsc_provider_imds_new_ex(awsc_credentials_provider **out,
                              const awsc_config *cfg, awsc_transport *transport,
                              const awsc_provider_options *opts);
int awsc_provider_chain_new_ex(awsc_credentials_provider **out,
                               awsc_credentials_provider **providers, size_t n,
                               const awsc_logger *logger);

/*
 * The caching provider with its refresh windows made explicit (tests use
 * short ones). 0 = botocore's defaults: advisory 15 min, mandatory 10 min
 * before expiry. mandatory_ms must not exceed advisory_ms (AWSC_EINVAL).
 * Warnings about failed advisory refreshes go to logger (NULL = silent).
 * Takes ownership of inner, also when it fails.
 */
typedef struct awsc_cache_options {
  int64_t advisory_refresh_ms;
  int64_t mandatory_refresh_ms;
  const awsc_logger *logger;
} awsc_cache_options;

#define AWSC_CACHE_OPTIONS_INIT                                                \
  { 0, 0, NULL }

int awsc_provider_cached_new_ex(awsc_credentials_provider **out,
                                awsc_credentials_provider *inner,
                                const awsc_cache_options *opts);

/* Hook for later issues (STS assume-role, web identity): a constructor
 * the default chain consults for profiles with role_arn /
 * web_identity_token_file. NULL until the STS client exists. It may return
 * AWSC_ENOTFOUND to leave the slot out of the chain. */
typedef int (*awsc_role_provider_factory)(awsc_credentials_provider **out,
                                          const awsc_config *cfg,
                                          awsc_transport *transport,
                                          awsc_error *err);

/*
 * The default chain, botocore order: env, [role/web identity hook],
 * shared credentials file, credential_process, shared config file,
 * container, IMDS; wrapped in the caching provider. transport may be NULL
 * (then container and IMDS are left out).
 *
 * botocore's ProfileProviderBuilder puts credential_process before the
 * config file's static keys, so a profile holding both uses the process.
 *
 * The role slot is present when the profile (either file) has role_arn or
 * web_identity_token_file, or the environment has both AWS_ROLE_ARN and
 * AWS_WEB_IDENTITY_TOKEN_FILE. With no role_factory that slot answers
 * get() with AWSC_EUNSUPPORTED.
 */
int awsc_credentials_default_chain_new(awsc_credentials_provider **out,
                                       const awsc_config *cfg,
                                       awsc_transport *transport,
                                       awsc_role_provider_factory role_factory,
                                       const awsc_logger *logger,
                                       awsc_error *err);

/* Extra knobs of the default chain. */
typedef struct awsc_default_chain_options {
  awsc_role_provider_factory role_factory; /* NULL: see above */
  const awsc_logger *logger;               /* NULL: silent */
  /* The profile was named in code (boto3.Session(profile_name=...)):
   * botocore then leaves the env provider out so the profile wins. */
  bool skip_env;
  /* Options handed to every provider (logger replaced by the one above). */
  awsc_provider_options provider;
  awsc_cache_options cache; /* logger as above */
} awsc_default_chain_options;

int awsc_credentials_default_chain_new_ex(
    awsc_credentials_provider **out, const awsc_config *cfg,
    awsc_transport *transport, const awsc_default_chain_options *opts,
    awsc_error *err);

/*
 * Parse a credential_process reply: {"Version": 1, "AccessKeyId",
 * "SecretAccessKey", "SessionToken"?, "Expiration"? (ISO 8601)}. Returns
 * 0 with *out (source "custom-process"), AWSC_ECREDENTIALS for a reply
 * that is not JSON / not version 1 / lacks a key (the message names the
 * key, never a value), or AWSC_ENOMEM. Also the fuzz target's entry.
 */
int awsc_credential_process_parse(const char *json, size_t len,
                                  awsc_credentials **out, awsc_error *err);

/* ---- helpers shared by the provider files (credentials.c) ---- */

/* One wanted member of a flat JSON object. */
typedef enum awsc_json_type {
  AWSC_JSON_ABSENT = 0,
  AWSC_JSON_STRING,
  AWSC_JSON_NUMBER,
  AWSC_JSON_NULL,
  AWSC_JSON_OTHER /* boolean, object, array */
} awsc_json_type;

typedef struct awsc_json_field {
  const char *name;    /* in: member name */
  awsc_json_type type; /* out */
  char *value;         /* out: string or number text (NUL-terminated) */
  size_t len;          /* out */
} awsc_json_field;

/*
 * Parse a JSON document that must be an object and pick the top-level
 * members named in fields (later duplicates win; nested values are
 * skipped), with the library's JSON reader (lib/core/json.h). Every
 * allocation goes through awsc_malloc and is wiped before it is freed,
 * since the text holds secrets.
 * Returns 0, AWSC_EPARSE (err names the problem, never the text) or
 * AWSC_ENOMEM. Free the values with awsc_json_fields_cleanup, also after
 * a failure.
 */
int awsc_json_pick(const char *json, size_t len, awsc_json_field *fields,
                   size_t n, awsc_error *err);
void awsc_json_fields_cleanup(awsc_json_field *fields, size_t n);

/* A provider whose state is one zeroed block of impl_size bytes, set in
 * *out; returns that block, or NULL when out of memory (then nothing is
 * left allocated). The vtable's destroy should be
 * awsc_provider_free_simple. */
void *awsc_provider_alloc(awsc_credentials_provider **out,
                          const awsc_credentials_provider_vtable *vtable,
                          size_t impl_size);
/* destroy for providers made by awsc_provider_alloc. */
void awsc_provider_free_simple(awsc_credentials_provider *p);

/* Free a string that held a secret: wipe then free. NULL is ok. */
void awsc_free_secret(char *s);
/* Wipe and free a buffer that held a secret. */
void awsc_buf_free_secret(awsc_buf *b);
/* Append like awsc_buf_append, but wipe the old block when growing so no
 * stale copy of a secret stays in freed memory. */
int awsc_buf_append_secret(awsc_buf *b, const void *data, size_t n);

/* "Error when retrieving credentials from NAME: ..." (botocore's
 * CredentialRetrievalError), AWSC_ECREDENTIALS. */
int awsc_creds_error(awsc_error *err, const char *provider, const char *fmt,
                     ...) AWSC_PRINTF(3, 4);

/* Parse a boolean setting as botocore's ensure_boolean ("true" in any
 * case is true, everything else false). */
bool awsc_creds_is_true(const char *value);

/* Copy at most max bytes of the first line of text (trimmed) into out,
 * replacing control characters; for quoting peer output in messages. */
void awsc_creds_first_line(const char *text, size_t len, char *out,
                           size_t out_size);

/* A provider answer's "Expiration" (ISO 8601, after 1970) into *out;
 * otherwise awsc_creds_error naming the provider and quoting the value's
 * first line. */
int awsc_creds_parse_expiration(const char *text, size_t len,
                                const char *provider, int64_t *out,
                                awsc_error *err);

#endif
