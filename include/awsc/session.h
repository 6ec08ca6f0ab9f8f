/*
 * awsc/session.h - a session: the settings, credentials and HTTP transport
 * that clients share (boto3.Session).
 *
 * Every setting is resolved once (when the session is made; endpoint URLs
 * on the first request for each service), in this order:
 *
 *   explicit option  >  environment variable  >  profile in the shared
 *   config/credentials files  >  default
 *
 *   setting            environment                     config file key
 *   profile            AWS_PROFILE, AWS_DEFAULT_PROFILE  -
 *   config_file        AWS_CONFIG_FILE                 (~/.aws/config)
 *   credentials_file   AWS_SHARED_CREDENTIALS_FILE     (~/.aws/credentials)
 *   region             AWS_REGION, AWS_DEFAULT_REGION  region
 *   retry_mode         AWS_RETRY_MODE                  retry_mode
 *   max_attempts       AWS_MAX_ATTEMPTS                max_attempts
 *   ca_bundle          AWS_CA_BUNDLE                   ca_bundle
 *   endpoint_url       AWS_ENDPOINT_URL_<SERVICE>,     [services] <svc> =
 *                      AWS_ENDPOINT_URL                  endpoint_url, then
 *                                                      endpoint_url
 *   ignore_configured_endpoint_urls
 *                      AWS_IGNORE_CONFIGURED_ENDPOINT_URLS  (same name)
 *   addressing_style   -                               s3 = addressing_style
 *   connect/read timeout, verify_ssl, proxy: options only (botocore has
 *   no environment or file setting for them). Without a proxy option the
 *   process environment's https_proxy / HTTPS_PROXY, http_proxy (lower
 *   case only), all_proxy / ALL_PROXY and no_proxy / NO_PROXY apply, by
 *   libcurl's rules, read once when the session's transport is made (as
 *   botocore reads them when a client is made).
 *
 * Profile values come from the config file's [default] / [profile NAME]
 * merged under the credentials file's [NAME] (the credentials file wins),
 * as botocore's scoped config. Credentials come from the chain: explicit
 * keys, else the default provider chain (environment, shared credentials
 * file, credential_process, config file, container, instance metadata).
 *
 * A session is reference counted and may be shared by any number of
 * threads; all accessors are thread-safe.
 */
#ifndef AWSC_SESSION_H
#define AWSC_SESSION_H

#include "awsc/common.h"
#include "awsc/credentials.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct awsc_session awsc_session;

/* botocore's retry modes (retry_mode in the config file, AWS_RETRY_MODE). */
typedef enum awsc_retry_mode {
  AWSC_RETRY_DEFAULT = 0, /* as configured, else legacy */
  AWSC_RETRY_LEGACY = 1,
  AWSC_RETRY_STANDARD = 2,
  AWSC_RETRY_ADAPTIVE = 3
} awsc_retry_mode;

/* How S3 buckets are addressed (s3.addressing_style in the config file). */
typedef enum awsc_s3_addressing_style {
  AWSC_S3_ADDRESSING_DEFAULT = 0, /* as configured, else auto */
  AWSC_S3_ADDRESSING_AUTO = 1,    /* virtual-hosted when the name allows */
  AWSC_S3_ADDRESSING_PATH = 2,
  AWSC_S3_ADDRESSING_VIRTUAL = 3
} awsc_s3_addressing_style;

/* The config-file spelling of a mode ("legacy", "standard", "adaptive");
 * NULL for AWSC_RETRY_DEFAULT or an unknown value. Static string. */
AWSC_API const char *awsc_retry_mode_name(awsc_retry_mode mode);
/* "auto", "path", "virtual"; NULL for the default or an unknown value. */
AWSC_API const char *
awsc_s3_addressing_style_name(awsc_s3_addressing_style style);

/* Environment lookup hook: return the value of `name` or NULL (an empty
 * value counts as unset). The string must stay valid at least until the
 * hook is next called from the same thread; callers copy what they keep.
 * When a session is shared, the hook is called from any thread using it
 * (credential providers read the environment when they run). */
typedef const char *(*awsc_session_getenv_fn)(const char *name,
                                              void *user_data);

/*
 * Session options. Start from AWSC_SESSION_OPTIONS_INIT; zero / NULL in
 * any field means "not given" (resolve from the environment, the files or
 * the default). Strings are copied; nothing here needs to outlive
 * awsc_session_new except `transport`, the getenv hook's and the log
 * callback's user data.
 */
typedef struct awsc_session_options {
  int version; /* AWSC_SESSION_OPTIONS_VERSION */

  /* Profile name. Naming it here (not through AWS_PROFILE) also leaves
   * the AWS_ACCESS_KEY_ID/... environment credentials out of the chain,
   * as boto3.Session(profile_name=...) does. */
  const char *profile;
  const char *region; /* e.g. "eu-west-1" */

  /* Explicit credentials: both keys or neither; session_token optional.
   * When given, no other credential source is consulted. */
  const char *access_key_id;
  const char *secret_access_key;
  const char *session_token;

  const char *config_file;      /* path; "~/" is expanded */
  const char *credentials_file; /* path; "~/" is expanded */

  /* Endpoint URL for every service (a client's own option wins over it).
   * Not affected by ignore_configured_endpoint_urls. */
  const char *endpoint_url;
  /* ON = ignore endpoint URLs from the environment and config files,
   * OFF = do not ignore (overrides the environment and file), DEFAULT =
   * resolve as usual. */
  awsc_toggle ignore_configured_endpoint_urls;

  awsc_retry_mode retry_mode; /* DEFAULT = as configured, else legacy */
  int max_attempts;           /* total attempts incl. the first; default
                                 5 (legacy) or 3 (standard, adaptive) */

  long connect_timeout_ms; /* default 60000 */
  long read_timeout_ms;    /* default 60000 */
  awsc_toggle verify_ssl;  /* DEFAULT = verify */
  const char *ca_bundle;   /* PEM file; default: the system store */
  const char *proxy;       /* "http://host:port" or "https://...",
                              used for both http and https URLs */
  const char *no_proxy;    /* comma-separated hosts not proxied */

  awsc_s3_addressing_style addressing_style; /* S3; DEFAULT = configured/auto */

  /* Logging: messages at or above log_level go to log_fn (NULL = off;
   * AWSC_LOG_TRACE, the zero value, passes everything). */
  awsc_log_fn log_fn;
  void *log_user_data;
  awsc_log_level log_level;

  /* A transport to use instead of creating the libcurl one. Borrowed: it
   * must outlive the session and every client made from it. */
  struct awsc_transport *transport;

  /* Read the environment through this hook instead of getenv() (tests,
   * embedders). NULL = the process environment. The function and its
   * user data must stay valid for the session's lifetime (credential
   * providers read the environment when they run). */
  awsc_session_getenv_fn getenv_fn;
  void *getenv_user_data;
} awsc_session_options;

#define AWSC_SESSION_OPTIONS_VERSION 1
/* Every field spelled out so -Wextra (missing-field-initializers) is quiet
 * in C and C++ alike. */
#define AWSC_SESSION_OPTIONS_INIT                                              \
  {                                                                            \
    AWSC_SESSION_OPTIONS_VERSION, NULL, NULL, NULL, NULL, NULL, NULL, NULL,    \
        NULL, AWSC_TOGGLE_DEFAULT, AWSC_RETRY_DEFAULT, 0, 0, 0,                \
        AWSC_TOGGLE_DEFAULT, NULL, NULL, NULL, AWSC_S3_ADDRESSING_DEFAULT,     \
        NULL, NULL, AWSC_LOG_TRACE, NULL, NULL, NULL                           \
  }

/*
 * Create a session (options NULL = all defaults). Calls awsc_global_init.
 * Reads the config and credentials files once. *out is the caller's
 * reference; release it with awsc_session_free.
 * Errors: AWSC_EINVAL (bad option, e.g. only one of the two keys, an
 * unknown retry_mode, a negative timeout), AWSC_ENOTFOUND (a profile named
 * by option or environment exists in neither file: "The config profile
 * (NAME) could not be found"), AWSC_ECONFIG (a file does not parse:
 * "FILE:LINE: ..."; an invalid value in the environment or a file, the
 * message names where it came from), AWSC_EIO, AWSC_ENOMEM.
 */
AWSC_API int awsc_session_new(awsc_session **out,
                              const awsc_session_options *options,
                              awsc_error *err);
/* Take another reference; returns session. */
AWSC_API awsc_session *awsc_session_ref(awsc_session *session);
/* Drop a reference; the last one frees the session, its credential
 * provider and the transport it created. NULL is a no-op. */
AWSC_API void awsc_session_free(awsc_session *session);

/* Resolved settings. Strings are borrowed and live as long as the
 * session. */
/* Region, or NULL when none is configured (clients that need one then
 * fail with "You must specify a region."). */
AWSC_API const char *awsc_session_region(const awsc_session *session);
/* The profile in use ("default" unless one was named). */
AWSC_API const char *awsc_session_profile_name(const awsc_session *session);
/* AWSC_RETRY_LEGACY, _STANDARD or _ADAPTIVE (never _DEFAULT). */
AWSC_API awsc_retry_mode awsc_session_retry_mode(const awsc_session *session);
/* Total attempts per request, the first one included. */
AWSC_API int awsc_session_max_attempts(const awsc_session *session);
/* AWSC_S3_ADDRESSING_AUTO, _PATH or _VIRTUAL (never _DEFAULT). */
AWSC_API awsc_s3_addressing_style
awsc_session_addressing_style(const awsc_session *session);

/*
 * The endpoint URL configured for a service, or NULL when none is (then
 * the client resolves the AWS endpoint from the region). service_id is
 * the service's id or client name ("s3", "DynamoDB", "Elastic Beanstalk");
 * it becomes AWS_ENDPOINT_URL_<ID> (upper case, spaces and '-' as '_')
 * and the key <id> (lower case, likewise) of the profile's [services]
 * section. Order: the endpoint_url option; then, unless configured
 * endpoint URLs are ignored, AWS_ENDPOINT_URL_<ID>, AWS_ENDPOINT_URL,
 * the services section's <id>.endpoint_url, the profile's endpoint_url.
 * Also NULL when the profile names a services section that does not
 * exist (logged as an error).
 */
AWSC_API const char *awsc_session_endpoint_url(awsc_session *session,
                                               const char *service_id);

/*
 * A raw value of the profile, for settings the session does not model:
 * awsc_session_get_config(s, "sts_regional_endpoints", NULL), or a nested
 * one: awsc_session_get_config(s, "s3", "use_accelerate_endpoint").
 * Give keys in lower case (the files' keys are case-insensitive and read
 * as lower case); nested subkeys keep the case written in the file. NULL
 * when absent. Borrowed, lives as long as the session.
 */
AWSC_API const char *awsc_session_get_config(const awsc_session *session,
                                             const char *key,
                                             const char *subkey);

/*
 * Credentials from the session's provider chain (cached and refreshed
 * before they expire). *out is a new reference: release it with
 * awsc_credentials_free. AWSC_ECREDENTIALS "Unable to locate
 * credentials" when no source has any; a failing source (a broken
 * credential_process, say) gives its own error.
 */
AWSC_API int awsc_session_get_credentials(awsc_credentials **out,
                                          awsc_session *session,
                                          awsc_error *err);

/* The transport (the one given in the options, or a libcurl transport
 * made on first use with the session's timeouts, TLS and proxy settings).
 * Borrowed: valid while the session lives. NULL if it can not be made. */
AWSC_API struct awsc_transport *awsc_session_transport(awsc_session *session);

#ifdef __cplusplus
}
#endif

#endif
