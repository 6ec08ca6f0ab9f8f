/*
 * lib/config/settings.h - internal: the settings a session, a client and
 * the endpoint builtins read, as one table ({name, environment variables,
 * profile key [and sub-key of a nested block such as "s3 ="], type,
 * default}) and one resolver: explicit value > environment > profile >
 * default, as botocore's config chain.
 */
#ifndef AWSC_CONFIG_SETTINGS_H
#define AWSC_CONFIG_SETTINGS_H

#include <stdbool.h>

#include "config/config.h"
#include "core/core.h"

typedef enum awsc_setting_id {
  AWSC_SETTING_REGION,
  AWSC_SETTING_RETRY_MODE,
  AWSC_SETTING_MAX_ATTEMPTS,
  AWSC_SETTING_ADDRESSING_STYLE,
  AWSC_SETTING_CA_BUNDLE,
  AWSC_SETTING_IGNORE_CONFIGURED_ENDPOINT_URLS,
  AWSC_SETTING_USE_FIPS_ENDPOINT,
  AWSC_SETTING_USE_DUALSTACK_ENDPOINT,
  AWSC_SETTING_S3_USE_DUALSTACK_ENDPOINT,
  AWSC_SETTING_S3_USE_ACCELERATE_ENDPOINT,
  AWSC_SETTING_S3_US_EAST_1_REGIONAL_ENDPOINT,
  AWSC_SETTING_S3_USE_ARN_REGION,
  AWSC_SETTING_S3_DISABLE_MULTIREGION_ACCESS_POINTS,
  AWSC_SETTING_S3_DISABLE_EXPRESS_SESSION_AUTH,
  AWSC_SETTING_STS_REGIONAL_ENDPOINTS,
  AWSC_SETTING_REQUEST_CHECKSUM_CALCULATION,
  AWSC_SETTING_RESPONSE_CHECKSUM_VALIDATION,
  AWSC_SETTING_S3_PAYLOAD_SIGNING_ENABLED,
  AWSC_SETTING_TOTAL_TIMEOUT_MS,
  AWSC_SETTING_VERIFY_ETAG_MD5,
  AWSC_SETTING_COUNT
} awsc_setting_id;

typedef enum awsc_setting_type {
  AWSC_SETTING_STRING,
  AWSC_SETTING_BOOL, /* "true" in any case is true, anything else false */
  AWSC_SETTING_INT,  /* a decimal integer >= 1, blanks around allowed */
  AWSC_SETTING_ENUM  /* one of choices */
} awsc_setting_type;

/* ENUM flags: compare ignoring case; an unknown value means the default
 * (botocore reads some settings that way) instead of an error. */
#define AWSC_SETTING_NOCASE 1u
#define AWSC_SETTING_LENIENT 2u

typedef struct awsc_setting_def {
  const char *name;   /* botocore's name, for messages */
  const char *env[2]; /* environment variables, in order; NULL: none */
  const char *key;    /* profile key; NULL: none */
  const char *subkey; /* nested key under `key` ("s3"); NULL: plain */
  awsc_setting_type type;
  const char *dflt;           /* default as text; NULL: unset */
  const char *const *choices; /* ENUM: NULL-terminated */
  unsigned flags;
} awsc_setting_def;

typedef enum awsc_setting_source {
  AWSC_SETTING_FROM_DEFAULT = 0, /* or unset, when the table has none */
  AWSC_SETTING_FROM_EXPLICIT,
  AWSC_SETTING_FROM_ENV,
  AWSC_SETTING_FROM_PROFILE
} awsc_setting_source;

/* A resolved setting. Strings are borrowed: from the explicit value, the
 * config (lives as long as it) or the static table. */
typedef struct awsc_setting_value {
  const char *text; /* NULL: unset (no default) */
  awsc_setting_source source;
  char origin[96]; /* for messages: "AWS_REGION", ... */
  bool b;          /* BOOL (and false when unset) */
  int i;           /* INT (0 when unset) */
  int choice;      /* ENUM: index in choices, -1 when unset */
} awsc_setting_value;

/* Choice indexes of the enum settings (the order of their table rows'
 * choices): s3.us_east_1_regional_endpoint and sts_regional_endpoints;
 * request_checksum_calculation and response_checksum_validation. */
enum { AWSC_SETTING_LEGACY = 0, AWSC_SETTING_REGIONAL = 1 };
enum { AWSC_SETTING_WHEN_SUPPORTED = 0, AWSC_SETTING_WHEN_REQUIRED = 1 };

const awsc_setting_def *awsc_setting_def_get(awsc_setting_id id);
/* The text of an ENUM setting's choice (NULL when out of range): how an
 * explicit value held as an enum becomes the resolver's explicit text, and
 * how a resolved choice becomes a stable string. */
const char *awsc_setting_choice_name(awsc_setting_id id, int choice);

/*
 * Resolve one setting: `explicit_text` (NULL or "" = not given; an
 * explicit enum or bool is passed as its text, e.g. the choice's name or
 * "true"), else the first environment variable set, else the profile
 * (botocore's scoped config: credentials file's [NAME], then the config
 * file's profile), else the default. Empty values count as unset.
 * A value of the wrong form is AWSC_EINVAL (AWSC_ERROR_VALIDATION) when
 * explicit, AWSC_ECONFIG (AWSC_ERROR_CONFIG) otherwise; the message
 * names the setting, the value (cut at 64 bytes) and where it came from.
 * No allocation.
 */
int awsc_setting_resolve(const awsc_config *cfg, awsc_setting_id id,
                         const char *explicit_text, awsc_setting_value *out,
                         awsc_error *err);

/* Error-free forms for settings that cannot be malformed (strings, bools,
 * lenient enums): the value, or the default. */
const char *awsc_setting_string(const awsc_config *cfg, awsc_setting_id id);
bool awsc_setting_bool(const awsc_config *cfg, awsc_setting_id id);
/* ENUM: the index of the choice, -1 when unset without a default. */
int awsc_setting_choice(const awsc_config *cfg, awsc_setting_id id);

#endif
