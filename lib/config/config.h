/*
 * lib/config/config.h - internal: the shared config and credentials files
 * plus the environment, as one read-only view for a chosen profile.
 * Thread-safe once loaded (read-only).
 */
#ifndef AWSC_CONFIG_CONFIG_H
#define AWSC_CONFIG_CONFIG_H

#include <stdbool.h>

#include "core/core.h"

/* ---- INI (ini.c): the AWS CLI dialect ---- */
typedef struct awsc_ini awsc_ini;

/* Parse INI text. `filename` is used in error messages only ("file:line:
 * message"). Returns 0, AWSC_ECONFIG (syntax error, err names file and
 * line), or AWSC_ENOMEM. */
int awsc_ini_parse(awsc_ini **out, const char *data, size_t len,
                   const char *filename, awsc_error *err);
/* Load a file. A missing file gives an empty awsc_ini and returns 0; an
 * unreadable one AWSC_EIO. */
int awsc_ini_load_file(awsc_ini **out, const char *path, awsc_error *err);
void awsc_ini_free(awsc_ini *ini);
/* Section names are the text between the brackets, whitespace-trimmed
 * ("default", "profile dev", "sso-session x", "services s"). */
bool awsc_ini_has_section(const awsc_ini *ini, const char *section);
/* Value of key in section, or NULL. For a key that opens a nested block
 * ("s3 =" followed by indented lines) the value is NULL; read the nested
 * keys with awsc_ini_get_sub. */
const char *awsc_ini_get(const awsc_ini *ini, const char *section,
                         const char *key);
const char *awsc_ini_get_sub(const awsc_ini *ini, const char *section,
                             const char *key, const char *subkey);
/* Iterate section names: index 0..n-1; NULL past the end. */
const char *awsc_ini_section_name(const awsc_ini *ini, size_t index);
/* Number of sections ([DEFAULT] is not counted, as in configparser). */
size_t awsc_ini_section_count(const awsc_ini *ini);
/* Whether the section has the key, plain or nested (tells a nested block
 * from an absent key, which awsc_ini_get both report as NULL). */
bool awsc_ini_has_key(const awsc_ini *ini, const char *section,
                      const char *key);

/* ---- environment and files for one profile (config.c) ---- */
typedef const char *(*awsc_getenv_fn)(const char *name, void *user_data);

typedef struct awsc_config_source {
  awsc_getenv_fn getenv; /* NULL = the process environment */
  void *getenv_user_data;
  const char *profile; /* NULL = AWS_PROFILE, AWS_DEFAULT_PROFILE, "default" */
  const char *config_file;      /* NULL = AWS_CONFIG_FILE or ~/.aws/config */
  const char *credentials_file; /* NULL = AWS_SHARED_CREDENTIALS_FILE or
                                   ~/.aws/credentials */
} awsc_config_source;

typedef struct awsc_config awsc_config;

/* Load both files for the profile. A profile named explicitly (argument or
 * env) that exists in neither file gives AWSC_ENOTFOUND ("The config
 * profile (x) could not be found"); the implicit "default" may be absent. */
int awsc_config_load(awsc_config **out, const awsc_config_source *src,
                     awsc_error *err);
void awsc_config_free(awsc_config *cfg);

/* The environment as seen through the source's getenv; empty values are
 * treated as unset (NULL). */
const char *awsc_config_getenv(const awsc_config *cfg, const char *name);
const char *awsc_config_profile_name(const awsc_config *cfg);
/* Config file, the profile's section ([default] or [profile NAME]). */
const char *awsc_config_get(const awsc_config *cfg, const char *key);
const char *awsc_config_get_sub(const awsc_config *cfg, const char *key,
                                const char *subkey);
/* Credentials file, section [NAME]. */
const char *awsc_config_get_credentials(const awsc_config *cfg,
                                        const char *key);
/* Another profile's config value (for source_profile chains). */
const char *awsc_config_profile_get(const awsc_config *cfg, const char *profile,
                                    const char *key);
const char *awsc_config_profile_get_credentials(const awsc_config *cfg,
                                                const char *profile,
                                                const char *key);
/* Other section kinds: ("sso-session", "x", "sso_region"),
 * ("services", "s", "s3") with awsc_config_section_get_sub for nested. */
const char *awsc_config_section_get(const awsc_config *cfg, const char *kind,
                                    const char *name, const char *key);
const char *awsc_config_section_get_sub(const awsc_config *cfg,
                                        const char *kind, const char *name,
                                        const char *key, const char *subkey);
/* The profile as botocore's scoped config sees it: the credentials
 * file's [NAME] value if it has the key, else the config file's. (botocore
 * merges the credentials file's sections over the config profiles.) */
const char *awsc_config_get_scoped(const awsc_config *cfg, const char *key);
const char *awsc_config_get_scoped_sub(const awsc_config *cfg, const char *key,
                                       const char *subkey);
/* Whether the config file has a section of that kind and name. */
bool awsc_config_section_exists(const awsc_config *cfg, const char *kind,
                                const char *name);
/* Whether the profile exists in either file. */
bool awsc_config_profile_exists(const awsc_config *cfg);
/* Files actually read (for messages). */
const char *awsc_config_config_path(const awsc_config *cfg);
const char *awsc_config_credentials_path(const awsc_config *cfg);

#endif
