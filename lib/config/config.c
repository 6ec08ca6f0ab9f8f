/*
 * lib/config/config.c - the shared config and credentials files plus the
 * environment, seen for one profile (botocore's session.full_config /
 * get_scoped_config).
 *
 * Section names in the config file are read as botocore's
 * configloader.build_profile_map reads them: "[default]" is the profile
 * "default"; "[profile NAME]", "[sso-session NAME]" and "[services NAME]"
 * are split like shlex.split, so "[profile  dev]" and "[profile "dev"]"
 * both name "dev" and a name may be quoted to hold spaces; a header that
 * does not split into exactly two words is not a profile. When two
 * sections name the same profile ("[default]" and "[profile default]"),
 * the later one in the file wins, whole, as in botocore's dict. The
 * credentials file uses the bare name, "[NAME]".
 *
 * Paths: "~" and "~/..." expand from HOME (read through the getenv hook;
 * with the process environment and no HOME, from the password database).
 * Unlike botocore we do not expand "$VAR" inside the path. When no home
 * directory is known the default files are simply absent.
 */
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"

typedef struct sec_info {
  const char *section; /* the section's name in the config file */
  const char *kind;    /* "profile", "sso-session", "services", ... */
  const char *name;
} sec_info;

struct awsc_config {
  awsc_arena *arena;
  awsc_ini *config_ini;
  awsc_ini *cred_ini;
  const char *profile;
  const char *config_path; /* NULL when no home directory is known */
  const char *credentials_path;
  awsc_getenv_fn getenv;
  void *getenv_user_data;
  sec_info *secs;
  size_t nsecs;
  const char *profile_section; /* in config_ini, NULL if absent */
};

static const char *env_lookup(awsc_getenv_fn fn, void *ud, const char *name) {
  const char *v = fn ? fn(name, ud) : getenv(name);
  return (v && *v) ? v : NULL;
}

static int oom(awsc_error *err) {
  return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                        "out of memory loading config");
}

static bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
         c == '\f';
}

/*
 * Split like Python's shlex.split (POSIX mode, no comments) into buf,
 * which must hold strlen(s) + 1 bytes. Stores up to `max` word pointers;
 * returns the number of words, or -1 for an unbalanced quote or a trailing
 * backslash (shlex raises ValueError; botocore then ignores the section).
 */
static int split_words(const char *s, char *buf, const char **words, int max) {
  int n = 0;
  char *o = buf;
  for (;;) {
    while (*s && is_space(*s))
      s++;
    if (!*s)
      break;
    char *start = o;
    while (*s && !is_space(*s)) {
      if (*s == '\\') {
        if (!s[1])
          return -1;
        *o++ = s[1];
        s += 2;
      } else if (*s == '\'') {
        s++;
        while (*s && *s != '\'')
          *o++ = *s++;
        if (!*s)
          return -1;
        s++;
      } else if (*s == '"') {
        s++;
        while (*s && *s != '"') {
          if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
            s++;
          *o++ = *s++;
        }
        if (!*s)
          return -1;
        s++;
      } else {
        *o++ = *s++;
      }
    }
    *o++ = '\0';
    if (n < max)
      words[n] = start;
    n++;
  }
  return n;
}

static int index_sections(awsc_config *cfg) {
  size_t n = awsc_ini_section_count(cfg->config_ini);
  if (n == 0)
    return 0;
  cfg->secs = awsc_arena_calloc(cfg->arena, n, sizeof(sec_info));
  if (!cfg->secs)
    return AWSC_ENOMEM;
  for (size_t i = 0; i < n; i++) {
    const char *name = awsc_ini_section_name(cfg->config_ini, i);
    sec_info *si = &cfg->secs[cfg->nsecs++];
    si->section = name;
    if (strcmp(name, "default") == 0) {
      si->kind = "profile";
      si->name = "default";
      continue;
    }
    char *buf = awsc_arena_alloc(cfg->arena, strlen(name) + 1);
    if (!buf)
      return AWSC_ENOMEM;
    const char *words[2];
    if (split_words(name, buf, words, 2) == 2) {
      si->kind = words[0];
      si->name = words[1];
    }
  }
  return 0;
}

/* The section for (kind, name); the last one wins. */
static const char *find_section(const awsc_config *cfg, const char *kind,
                                const char *name) {
  if (!cfg || !kind || !name)
    return NULL;
  for (size_t i = cfg->nsecs; i > 0; i--) {
    const sec_info *si = &cfg->secs[i - 1];
    if (si->kind && strcmp(si->kind, kind) == 0 && strcmp(si->name, name) == 0)
      return si->section;
  }
  return NULL;
}

static const char *home_dir(const awsc_config_source *src, awsc_arena *a) {
  const char *home = env_lookup(src->getenv, src->getenv_user_data, "HOME");
  if (home || src->getenv)
    return home;
  struct passwd pw, *res = NULL;
  char buf[4096];
  if (getpwuid_r(getuid(), &pw, buf, sizeof(buf), &res) != 0 || !res ||
      !res->pw_dir || !*res->pw_dir)
    return NULL;
  return awsc_arena_strdup(a, res->pw_dir);
}

/* explicit > environment variable > default, with "~" expanded. *out is
 * NULL when the path needs a home directory that is unknown. */
static int resolve_path(awsc_config *cfg, const awsc_config_source *src,
                        const char *explicit_path, const char *env_name,
                        const char *default_path, const char **out) {
  const char *p =
      (explicit_path && *explicit_path)
          ? explicit_path
          : env_lookup(src->getenv, src->getenv_user_data, env_name);
  if (!p)
    p = default_path;
  *out = NULL;
  if (p[0] == '~' && (p[1] == '/' || p[1] == '\0')) {
    const char *home = home_dir(src, cfg->arena);
    if (!home)
      return 0;
    size_t hn = strlen(home), rn = strlen(p + 1);
    while (hn > 1 && home[hn - 1] == '/')
      hn--;
    char *full = awsc_arena_alloc(cfg->arena, hn + rn + 1);
    if (!full)
      return AWSC_ENOMEM;
    memcpy(full, home, hn);
    memcpy(full + hn, p + 1, rn + 1);
    *out = full;
    return 0;
  }
  *out = awsc_arena_strdup(cfg->arena, p);
  return *out ? 0 : AWSC_ENOMEM;
}

static int load_ini(awsc_ini **out, const char *path, awsc_error *err) {
  if (!path)
    return awsc_ini_parse(out, "", 0, "<none>", err);
  return awsc_ini_load_file(out, path, err);
}

int awsc_config_load(awsc_config **out, const awsc_config_source *src,
                     awsc_error *err) {
  if (!out)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_config_load: out is NULL");
  *out = NULL;
  awsc_config_source none = {0};
  if (!src)
    src = &none;

  awsc_arena *arena = awsc_arena_new(0);
  if (!arena)
    return oom(err);
  awsc_config *cfg = awsc_arena_calloc(arena, 1, sizeof(*cfg));
  if (!cfg) {
    awsc_arena_free(arena);
    return oom(err);
  }
  cfg->arena = arena;
  cfg->getenv = src->getenv;
  cfg->getenv_user_data = src->getenv_user_data;

  int rc = 0;
  bool named = true;
  const char *profile = (src->profile && *src->profile) ? src->profile : NULL;
  if (!profile)
    profile = env_lookup(src->getenv, src->getenv_user_data, "AWS_PROFILE");
  if (!profile)
    profile =
        env_lookup(src->getenv, src->getenv_user_data, "AWS_DEFAULT_PROFILE");
  if (!profile) {
    profile = "default";
    named = false;
  }
  cfg->profile = awsc_arena_strdup(arena, profile);
  if (!cfg->profile) {
    rc = oom(err);
    goto fail;
  }

  rc = resolve_path(cfg, src, src->config_file, "AWS_CONFIG_FILE",
                    "~/.aws/config", &cfg->config_path);
  if (rc == 0)
    rc = resolve_path(cfg, src, src->credentials_file,
                      "AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials",
                      &cfg->credentials_path);
  if (rc != 0) {
    rc = oom(err);
    goto fail;
  }
  rc = load_ini(&cfg->config_ini, cfg->config_path, err);
  if (rc == 0)
    rc = load_ini(&cfg->cred_ini, cfg->credentials_path, err);
  if (rc != 0)
    goto fail;
  if (index_sections(cfg) != 0) {
    rc = oom(err);
    goto fail;
  }
  cfg->profile_section = find_section(cfg, "profile", cfg->profile);
  if (named && !awsc_config_profile_exists(cfg)) {
    rc = awsc_error_set(err, AWSC_ENOTFOUND, AWSC_ERROR_CONFIG,
                        "The config profile (%s) could not be found",
                        cfg->profile);
    goto fail;
  }
  *out = cfg;
  return 0;

fail:
  awsc_config_free(cfg);
  return rc;
}

void awsc_config_free(awsc_config *cfg) {
  if (!cfg)
    return;
  awsc_ini_free(cfg->config_ini);
  awsc_ini_free(cfg->cred_ini);
  awsc_arena_free(cfg->arena);
}

const char *awsc_config_getenv(const awsc_config *cfg, const char *name) {
  if (!name)
    return NULL;
  return cfg ? env_lookup(cfg->getenv, cfg->getenv_user_data, name)
             : env_lookup(NULL, NULL, name);
}

const char *awsc_config_profile_name(const awsc_config *cfg) {
  return cfg ? cfg->profile : NULL;
}

bool awsc_config_profile_exists(const awsc_config *cfg) {
  return cfg && (cfg->profile_section ||
                 awsc_ini_has_section(cfg->cred_ini, cfg->profile));
}

const char *awsc_config_get(const awsc_config *cfg, const char *key) {
  if (!cfg || !cfg->profile_section)
    return NULL;
  return awsc_ini_get(cfg->config_ini, cfg->profile_section, key);
}

const char *awsc_config_get_sub(const awsc_config *cfg, const char *key,
                                const char *subkey) {
  if (!cfg || !cfg->profile_section)
    return NULL;
  return awsc_ini_get_sub(cfg->config_ini, cfg->profile_section, key, subkey);
}

const char *awsc_config_get_credentials(const awsc_config *cfg,
                                        const char *key) {
  return cfg ? awsc_ini_get(cfg->cred_ini, cfg->profile, key) : NULL;
}

const char *awsc_config_get_scoped(const awsc_config *cfg, const char *key) {
  if (!cfg)
    return NULL;
  if (awsc_ini_has_key(cfg->cred_ini, cfg->profile, key))
    return awsc_ini_get(cfg->cred_ini, cfg->profile, key);
  return awsc_config_get(cfg, key);
}

const char *awsc_config_get_scoped_sub(const awsc_config *cfg, const char *key,
                                       const char *subkey) {
  if (!cfg)
    return NULL;
  if (awsc_ini_has_key(cfg->cred_ini, cfg->profile, key))
    return awsc_ini_get_sub(cfg->cred_ini, cfg->profile, key, subkey);
  return awsc_config_get_sub(cfg, key, subkey);
}

const char *awsc_config_profile_get(const awsc_config *cfg, const char *profile,
                                    const char *key) {
  const char *section = find_section(cfg, "profile", profile);
  return section ? awsc_ini_get(cfg->config_ini, section, key) : NULL;
}

const char *awsc_config_profile_get_credentials(const awsc_config *cfg,
                                                const char *profile,
                                                const char *key) {
  return (cfg && profile) ? awsc_ini_get(cfg->cred_ini, profile, key) : NULL;
}

const char *awsc_config_section_get(const awsc_config *cfg, const char *kind,
                                    const char *name, const char *key) {
  const char *section = find_section(cfg, kind, name);
  return section ? awsc_ini_get(cfg->config_ini, section, key) : NULL;
}

const char *awsc_config_section_get_sub(const awsc_config *cfg,
                                        const char *kind, const char *name,
                                        const char *key, const char *subkey) {
  const char *section = find_section(cfg, kind, name);
  return section ? awsc_ini_get_sub(cfg->config_ini, section, key, subkey)
                 : NULL;
}

bool awsc_config_section_exists(const awsc_config *cfg, const char *kind,
                                const char *name) {
  return find_section(cfg, kind, name) != NULL;
}

const char *awsc_config_config_path(const awsc_config *cfg) {
  return cfg ? cfg->config_path : NULL;
}

const char *awsc_config_credentials_path(const awsc_config *cfg) {
  return cfg ? cfg->credentials_path : NULL;
}
