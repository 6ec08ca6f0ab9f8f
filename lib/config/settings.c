/*
 * lib/config/settings.c - the settings table and its one resolver
 * (explicit > environment > profile > default). Adding a setting is one
 * row here and one id in settings.h; the readers (session, client,
 * endpoint builtins) never look at the environment or the files by hand.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "config/settings.h"

static const char *const retry_modes[] = {"legacy", "standard", "adaptive",
                                          NULL};
static const char *const addressing_styles[] = {"auto", "path", "virtual",
                                                NULL};
static const char *const us_east_1_modes[] = {"legacy", "regional", NULL};
static const char *const sts_modes[] = {"legacy", "regional", NULL};
static const char *const checksum_modes[] = {"when_supported", "when_required",
                                             NULL};

#define ENV1(a)                                                                \
  { a, NULL }
#define ENV2(a, b)                                                             \
  { a, b }
#define NOENV                                                                  \
  { NULL, NULL }
#define LENIENT (AWSC_SETTING_NOCASE | AWSC_SETTING_LENIENT)

/* Indexed by awsc_setting_id. Defaults are botocore's; max_attempts has
 * none here because it depends on the retry mode (the session applies
 * it). */
static const awsc_setting_def g_settings[AWSC_SETTING_COUNT] = {
    [AWSC_SETTING_REGION] = {"region", ENV2("AWS_REGION", "AWS_DEFAULT_REGION"),
                             "region", NULL, AWSC_SETTING_STRING, NULL, NULL,
                             0},
    [AWSC_SETTING_RETRY_MODE] = {"retry_mode", ENV1("AWS_RETRY_MODE"),
                                 "retry_mode", NULL, AWSC_SETTING_ENUM,
                                 "legacy", retry_modes, 0},
    [AWSC_SETTING_MAX_ATTEMPTS] = {"max_attempts", ENV1("AWS_MAX_ATTEMPTS"),
                                   "max_attempts", NULL, AWSC_SETTING_INT, NULL,
                                   NULL, 0},
    [AWSC_SETTING_ADDRESSING_STYLE] = {"addressing_style", NOENV, "s3",
                                       "addressing_style", AWSC_SETTING_ENUM,
                                       "auto", addressing_styles, 0},
    [AWSC_SETTING_CA_BUNDLE] = {"ca_bundle", ENV1("AWS_CA_BUNDLE"), "ca_bundle",
                                NULL, AWSC_SETTING_STRING, NULL, NULL, 0},
    [AWSC_SETTING_IGNORE_CONFIGURED_ENDPOINT_URLS] =
        {"ignore_configured_endpoint_urls",
         ENV1("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"),
         "ignore_configured_endpoint_urls", NULL, AWSC_SETTING_BOOL, "false",
         NULL, 0},
    [AWSC_SETTING_USE_FIPS_ENDPOINT] = {"use_fips_endpoint",
                                        ENV1("AWS_USE_FIPS_ENDPOINT"),
                                        "use_fips_endpoint", NULL,
                                        AWSC_SETTING_BOOL, "false", NULL, 0},
    [AWSC_SETTING_USE_DUALSTACK_ENDPOINT] = {"use_dualstack_endpoint",
                                             ENV1("AWS_USE_DUALSTACK_ENDPOINT"),
                                             "use_dualstack_endpoint", NULL,
                                             AWSC_SETTING_BOOL, "false", NULL,
                                             0},
    [AWSC_SETTING_S3_USE_DUALSTACK_ENDPOINT] = {"s3.use_dualstack_endpoint",
                                                NOENV, "s3",
                                                "use_dualstack_endpoint",
                                                AWSC_SETTING_BOOL, "false",
                                                NULL, 0},
    [AWSC_SETTING_S3_USE_ACCELERATE_ENDPOINT] = {"s3.use_accelerate_endpoint",
                                                 NOENV, "s3",
                                                 "use_accelerate_endpoint",
                                                 AWSC_SETTING_BOOL, "false",
                                                 NULL, 0},
    [AWSC_SETTING_S3_US_EAST_1_REGIONAL_ENDPOINT] =
        {"s3.us_east_1_regional_endpoint",
         ENV1("AWS_S3_US_EAST_1_REGIONAL_ENDPOINT"), "s3",
         "us_east_1_regional_endpoint", AWSC_SETTING_ENUM, "legacy",
         us_east_1_modes, LENIENT},
    [AWSC_SETTING_S3_USE_ARN_REGION] = {"s3.use_arn_region",
                                        ENV1("AWS_S3_USE_ARN_REGION"), "s3",
                                        "use_arn_region", AWSC_SETTING_BOOL,
                                        "true", NULL, 0},
    [AWSC_SETTING_S3_DISABLE_MULTIREGION_ACCESS_POINTS] =
        {"s3.s3_disable_multiregion_access_points",
         ENV1("AWS_S3_DISABLE_MULTIREGION_ACCESS_POINTS"), "s3",
         "s3_disable_multiregion_access_points", AWSC_SETTING_BOOL, "false",
         NULL, 0},
    [AWSC_SETTING_S3_DISABLE_EXPRESS_SESSION_AUTH] =
        {"s3_disable_express_session_auth",
         ENV1("AWS_S3_DISABLE_EXPRESS_SESSION_AUTH"),
         "s3_disable_express_session_auth", NULL, AWSC_SETTING_BOOL, "false",
         NULL, 0},
    [AWSC_SETTING_STS_REGIONAL_ENDPOINTS] = {"sts_regional_endpoints",
                                             ENV1("AWS_STS_REGIONAL_ENDPOINTS"),
                                             "sts_regional_endpoints", NULL,
                                             AWSC_SETTING_ENUM, "regional",
                                             sts_modes, LENIENT},
    [AWSC_SETTING_REQUEST_CHECKSUM_CALCULATION] =
        {"request_checksum_calculation",
         ENV1("AWS_REQUEST_CHECKSUM_CALCULATION"),
         "request_checksum_calculation", NULL, AWSC_SETTING_ENUM,
         "when_supported", checksum_modes, LENIENT},
    [AWSC_SETTING_RESPONSE_CHECKSUM_VALIDATION] =
        {"response_checksum_validation",
         ENV1("AWS_RESPONSE_CHECKSUM_VALIDATION"),
         "response_checksum_validation", NULL, AWSC_SETTING_ENUM,
         "when_supported", checksum_modes, LENIENT},
    /* No default: unset means "the operation decides" (a tri-state). */
    [AWSC_SETTING_S3_PAYLOAD_SIGNING_ENABLED] = {"s3.payload_signing_enabled",
                                                 NOENV, "s3",
                                                 "payload_signing_enabled",
                                                 AWSC_SETTING_BOOL, NULL, NULL,
                                                 0},
    /* awsc's own: a deadline per call covering its retries (the client
     * option total_timeout_ms); botocore has none, so no AWS_ variable
     * and no default (unset = no deadline). */
    [AWSC_SETTING_TOTAL_TIMEOUT_MS] = {"total_timeout_ms",
                                       ENV1("AWSC_TOTAL_TIMEOUT_MS"),
                                       "total_timeout_ms", NULL,
                                       AWSC_SETTING_INT, NULL, NULL, 0},
    /* awsc's own: check a GetObject body against an ETag that is its MD5
     * when no checksum came with it (docs/integrity.md). Off by default as
     * botocore, which has no such check; tests that corrupt bytes on a
     * server without checksums turn it on. */
    [AWSC_SETTING_VERIFY_ETAG_MD5] = {"verify_etag_md5",
                                      ENV1("AWSC_VERIFY_ETAG_MD5"),
                                      "verify_etag_md5", NULL,
                                      AWSC_SETTING_BOOL, "false", NULL, 0},
};

const awsc_setting_def *awsc_setting_def_get(awsc_setting_id id) {
  return (unsigned)id < AWSC_SETTING_COUNT ? &g_settings[id] : NULL;
}

const char *awsc_setting_choice_name(awsc_setting_id id, int choice) {
  const awsc_setting_def *d = awsc_setting_def_get(id);
  if (!d || d->type != AWSC_SETTING_ENUM || choice < 0)
    return NULL;
  for (int i = 0; d->choices[i]; i++)
    if (i == choice)
      return d->choices[i];
  return NULL;
}

static const char *nonempty(const char *s) {
  return (s && *s) ? s : NULL;
}

/* A positive decimal integer, surrounding blanks allowed (Python int()). */
static bool parse_positive(const char *s, int *out) {
  while (*s == ' ' || *s == '\t')
    s++;
  if (*s == '+')
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
  if (*s || v < 1)
    return false;
  *out = (int)v;
  return true;
}

static int find_choice(const awsc_setting_def *d, const char *v) {
  for (int i = 0; d->choices[i]; i++)
    if ((d->flags & AWSC_SETTING_NOCASE) ? strcasecmp(v, d->choices[i]) == 0
                                         : strcmp(v, d->choices[i]) == 0)
      return i;
  return -1;
}

/* Where the text comes from, in precedence order. */
static void lookup(const awsc_config *cfg, const awsc_setting_def *d,
                   const char *explicit_text, awsc_setting_value *out) {
  const char *v;
  if ((v = nonempty(explicit_text))) {
    out->text = v;
    out->source = AWSC_SETTING_FROM_EXPLICIT;
    awsc_strlcpy(out->origin, "the session options", sizeof(out->origin));
    return;
  }
  for (size_t i = 0; i < AWSC_ARRAY_LEN(d->env) && d->env[i]; i++)
    if ((v = awsc_config_getenv(cfg, d->env[i]))) {
      out->text = v;
      out->source = AWSC_SETTING_FROM_ENV;
      awsc_strlcpy(out->origin, d->env[i], sizeof(out->origin));
      return;
    }
  if (d->key) {
    v = nonempty(d->subkey ? awsc_config_get_scoped_sub(cfg, d->key, d->subkey)
                           : awsc_config_get_scoped(cfg, d->key));
    if (v) {
      out->text = v;
      out->source = AWSC_SETTING_FROM_PROFILE;
      snprintf(out->origin, sizeof(out->origin), "%s%s%s of profile %s", d->key,
               d->subkey ? "." : "", d->subkey ? d->subkey : "",
               awsc_config_profile_name(cfg));
      return;
    }
  }
  out->text = d->dflt;
  out->source = AWSC_SETTING_FROM_DEFAULT;
  awsc_strlcpy(out->origin, "the default", sizeof(out->origin));
}

static int bad_value(awsc_error *err, const awsc_setting_def *d,
                     const awsc_setting_value *v) {
  char expected[96] = "expected an integer >= 1";
  if (d->type == AWSC_SETTING_ENUM) {
    /* "expected a, b or c" */
    size_t n = 0;
    while (d->choices[n])
      n++;
    int w = snprintf(expected, sizeof(expected), "expected");
    for (size_t i = 0; i < n && w > 0 && (size_t)w < sizeof(expected); i++)
      w += snprintf(expected + w, sizeof(expected) - (size_t)w, "%s%s",
                    i == 0       ? " "
                    : i + 1 == n ? " or "
                                 : ", ",
                    d->choices[i]);
  }
  bool opt = v->source == AWSC_SETTING_FROM_EXPLICIT;
  return awsc_error_set(err, opt ? AWSC_EINVAL : AWSC_ECONFIG,
                        opt ? AWSC_ERROR_VALIDATION : AWSC_ERROR_CONFIG,
                        "Invalid %s '%.64s' from %s: %s",
                        d->subkey ? d->subkey : d->name, v->text, v->origin,
                        expected);
}

int awsc_setting_resolve(const awsc_config *cfg, awsc_setting_id id,
                         const char *explicit_text, awsc_setting_value *out,
                         awsc_error *err) {
  const awsc_setting_def *d = awsc_setting_def_get(id);
  memset(out, 0, sizeof(*out));
  out->choice = -1;
  if (!d)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_INTERNAL,
                          "unknown setting %d", (int)id);
  lookup(cfg, d, explicit_text, out);
  if (!out->text)
    return 0;
  switch (d->type) {
  case AWSC_SETTING_STRING:
    break;
  case AWSC_SETTING_BOOL:
    out->b = strcasecmp(out->text, "true") == 0;
    break;
  case AWSC_SETTING_INT:
    if (!parse_positive(out->text, &out->i))
      return bad_value(err, d, out);
    break;
  case AWSC_SETTING_ENUM:
    out->choice = find_choice(d, out->text);
    if (out->choice < 0 && (d->flags & AWSC_SETTING_LENIENT) && d->dflt)
      out->choice = find_choice(d, d->dflt);
    if (out->choice < 0)
      return bad_value(err, d, out);
    break;
  }
  return 0;
}

const char *awsc_setting_string(const awsc_config *cfg, awsc_setting_id id) {
  awsc_setting_value v;
  return awsc_setting_resolve(cfg, id, NULL, &v, NULL) == 0 ? v.text : NULL;
}

bool awsc_setting_bool(const awsc_config *cfg, awsc_setting_id id) {
  awsc_setting_value v;
  return awsc_setting_resolve(cfg, id, NULL, &v, NULL) == 0 && v.b;
}

int awsc_setting_choice(const awsc_config *cfg, awsc_setting_id id) {
  awsc_setting_value v;
  return awsc_setting_resolve(cfg, id, NULL, &v, NULL) == 0 ? v.choice : -1;
}
