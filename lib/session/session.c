/*
 * lib/session/session.c - awsc_session: settings resolved once (option >
 * environment > profile > default), a lazily made transport and
 * credential provider chain, shared by reference count.
 *
 * Immutable after awsc_session_new except the lazily created transport,
 * provider and per-service endpoint URL cache, which one mutex guards.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "config/settings.h"
#include "session/session_internal.h"

typedef struct endpoint_node {
  struct endpoint_node *next;
  char *service; /* normalised, lower case */
  char *url;     /* NULL: none configured */
} endpoint_node;

/* Objects other modules make once per session (compiled endpoint rule
 * sets), under their own lock so that making one may take the main one. */
typedef struct shared_node {
  struct shared_node *next;
  const void *key;
  void *value;
  void (*free_fn)(void *);
} shared_node;

struct awsc_session {
  atomic_long refs;
  awsc_arena *arena; /* resolved strings, written only by awsc_session_new */
  awsc_config *cfg;
  awsc_logger logger;

  const char *region;
  const char *retry_mode;
  const char *addressing_style;
  const char *endpoint_url; /* the option */
  const char *ca_bundle, *proxy, *no_proxy;
  long connect_timeout_ms, read_timeout_ms;
  int max_attempts;
  int verify_ssl;
  bool ignore_endpoints;
  bool profile_in_code;

  /* Made on first use, under the lock. */
  pthread_mutex_t lock;
  awsc_transport *transport;
  awsc_credentials_provider *provider;
  awsc_role_provider_factory role_factory;
  endpoint_node *endpoints;
  pthread_mutex_t shared_lock;
  shared_node *shared;
  bool owns_transport;
  bool provider_built;
};

static int oom(awsc_error *err) {
  return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                        "out of memory creating session");
}

static int bad_option(awsc_error *err, const char *what) {
  return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                        "awsc_session_new: %s", what);
}

static const char *nonempty(const char *s) {
  return (s && *s) ? s : NULL;
}

/* An enum option as the text the resolver checks: NULL when left to the
 * default, a value the resolver refuses when it is out of range. */
static const char *enum_option(int value, const char *name) {
  if (value == 0)
    return NULL;
  return name ? name : "(unknown enum value)";
}
static int copy_setting(awsc_session *s, const char **dst, const char *v,
                        awsc_error *err) {
  *dst = NULL;
  if (!v)
    return 0;
  *dst = awsc_arena_strdup(s->arena, v);
  return *dst ? 0 : oom(err);
}

/* botocore's validate_region_name: it becomes part of host names. */
static bool valid_region(const char *r) {
  size_t n = strlen(r);
  if (n == 0 || n > 63)
    return false;
  for (size_t i = 0; i < n; i++) {
    char c = r[i];
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                 (c >= '0' && c <= '9');
    if (!alnum && (c != '-' || i == 0 || i == n - 1))
      return false;
  }
  return true;
}

static int resolve_region(awsc_session *s, const awsc_session_options *o,
                          awsc_error *err) {
  awsc_setting_value v;
  int rc =
      awsc_setting_resolve(s->cfg, AWSC_SETTING_REGION, o->region, &v, err);
  if (rc)
    return rc;
  bool opt = v.source == AWSC_SETTING_FROM_EXPLICIT;
  if (v.text && !valid_region(v.text))
    return awsc_error_set(
        err, opt ? AWSC_EINVAL : AWSC_ECONFIG,
        opt ? AWSC_ERROR_VALIDATION : AWSC_ERROR_CONFIG,
        "Provided region_name '%.64s' (from %s) doesn't match a supported "
        "format.",
        v.text, v.origin);
  if ((rc = copy_setting(s, &s->region, v.text, err)))
    return rc;
  if (s->region)
    awsc_log(&s->logger, AWSC_LOG_DEBUG, "session: region %s from %s",
             s->region, v.origin);
  return 0;
}

/* The explicit layer of each setting is one step: the option as text
 * (NULL = not given), handed to the resolver. */
static int resolve_settings(awsc_session *s, const awsc_session_options *o,
                            awsc_error *err) {
  const awsc_config *cfg = s->cfg;
  awsc_setting_value v;
  int rc;

  if ((rc = resolve_region(s, o, err)))
    return rc;

  if ((rc = awsc_setting_resolve(
           cfg, AWSC_SETTING_RETRY_MODE,
           enum_option(o->retry_mode, awsc_retry_mode_name(o->retry_mode)), &v,
           err)))
    return rc;
  s->retry_mode = awsc_setting_choice_name(AWSC_SETTING_RETRY_MODE, v.choice);

  /* botocore: legacy mode's default is _retry.json's max_attempts (5),
   * standard and adaptive default to 3; both count the first attempt. */
  if (o->max_attempts < 0)
    return bad_option(err, "max_attempts must be positive");
  if (o->max_attempts > 0) {
    s->max_attempts = o->max_attempts;
  } else {
    if ((rc = awsc_setting_resolve(cfg, AWSC_SETTING_MAX_ATTEMPTS, NULL, &v,
                                   err)))
      return rc;
    s->max_attempts = v.text                                 ? v.i
                      : strcmp(s->retry_mode, "legacy") == 0 ? 5
                                                             : 3;
  }

  if ((rc = awsc_setting_resolve(
           cfg, AWSC_SETTING_ADDRESSING_STYLE,
           enum_option(o->addressing_style,
                       awsc_s3_addressing_style_name(o->addressing_style)),
           &v, err)))
    return rc;
  s->addressing_style =
      awsc_setting_choice_name(AWSC_SETTING_ADDRESSING_STYLE, v.choice);

  if ((rc = awsc_setting_resolve(cfg, AWSC_SETTING_CA_BUNDLE, o->ca_bundle, &v,
                                 err)) ||
      (rc = copy_setting(s, &s->ca_bundle, v.text, err)))
    return rc;

  /* The option wins over everything, the ignore flag included. */
  if ((rc = copy_setting(s, &s->endpoint_url, nonempty(o->endpoint_url), err)))
    return rc;
  const char *ignore = o->ignore_configured_endpoint_urls > 0   ? "true"
                       : o->ignore_configured_endpoint_urls < 0 ? "false"
                                                                : NULL;
  if ((rc = awsc_setting_resolve(
           cfg, AWSC_SETTING_IGNORE_CONFIGURED_ENDPOINT_URLS, ignore, &v, err)))
    return rc;
  s->ignore_endpoints = v.b;

  if (o->connect_timeout_ms < 0 || o->read_timeout_ms < 0)
    return bad_option(err, "timeouts must not be negative");
  s->connect_timeout_ms = o->connect_timeout_ms ? o->connect_timeout_ms : 60000;
  s->read_timeout_ms = o->read_timeout_ms ? o->read_timeout_ms : 60000;
  if (o->verify_ssl < -1 || o->verify_ssl > 1)
    return bad_option(err, "verify_ssl must be 0, 1 or -1");
  s->verify_ssl = o->verify_ssl < 0 ? -1 : 1;
  if ((rc = copy_setting(s, &s->proxy, nonempty(o->proxy), err)) ||
      (rc = copy_setting(s, &s->no_proxy, nonempty(o->no_proxy), err)))
    return rc;
  return 0;
}

static int make_static_provider(awsc_session *s, const awsc_session_options *o,
                                awsc_error *err) {
  awsc_credentials *creds = NULL;
  int rc = awsc_credentials_new(&creds, o->access_key_id, o->secret_access_key,
                                nonempty(o->session_token), 0, "explicit");
  if (rc)
    return rc == AWSC_ENOMEM ? oom(err)
                             : bad_option(err, "invalid explicit credentials");
  rc = awsc_credentials_provider_static_new(&s->provider, creds);
  awsc_credentials_free(creds);
  if (rc)
    return rc == AWSC_ENOMEM ? oom(err)
                             : bad_option(err, "invalid explicit credentials");
  s->provider_built = true;
  return 0;
}

int awsc_session_new(awsc_session **out, const awsc_session_options *options,
                     awsc_error *err) {
  if (!out)
    return bad_option(err, "out is NULL");
  *out = NULL;
  awsc_session_options defaults = AWSC_SESSION_OPTIONS_INIT;
  const awsc_session_options *o = options ? options : &defaults;
  if (!AWSC_VERSION_OK(o->version, AWSC_SESSION_OPTIONS_VERSION))
    return bad_option(err, "unsupported options version (use "
                           "AWSC_SESSION_OPTIONS_INIT)");
  bool have_ak = nonempty(o->access_key_id) != NULL;
  bool have_sk = nonempty(o->secret_access_key) != NULL;
  if (have_ak != have_sk)
    return bad_option(err, "partial credentials: access_key_id and "
                           "secret_access_key must be given together");
  if (!have_ak && nonempty(o->session_token))
    return bad_option(err, "session_token given without access_key_id and "
                           "secret_access_key");
  if (o->log_level < AWSC_LOG_TRACE || o->log_level > AWSC_LOG_OFF)
    return bad_option(err, "invalid log_level");

  int rc = awsc_global_init();
  if (rc)
    return awsc_error_set(err, rc, AWSC_ERROR_INTERNAL,
                          "library initialisation failed");

  awsc_session *s = awsc_calloc(1, sizeof(*s));
  if (!s)
    return oom(err);
  if (pthread_mutex_init(&s->lock, NULL) != 0) {
    awsc_free(s);
    return oom(err);
  }
  if (pthread_mutex_init(&s->shared_lock, NULL) != 0) {
    pthread_mutex_destroy(&s->lock);
    awsc_free(s);
    return oom(err);
  }
  atomic_init(&s->refs, 1);
  s->logger.fn = o->log_fn;
  s->logger.user_data = o->log_user_data;
  s->logger.level = o->log_level;
  s->transport = o->transport;
  s->profile_in_code = nonempty(o->profile) != NULL;
  s->arena = awsc_arena_new(0);
  if (!s->arena) {
    rc = oom(err);
    goto fail;
  }

  awsc_config_source src = {0};
  src.getenv = o->getenv_fn;
  src.getenv_user_data = o->getenv_user_data;
  src.profile = nonempty(o->profile);
  src.config_file = nonempty(o->config_file);
  src.credentials_file = nonempty(o->credentials_file);
  rc = awsc_config_load(&s->cfg, &src, err);
  if (rc)
    goto fail;
  awsc_log(&s->logger, AWSC_LOG_DEBUG,
           "session: profile %s, config file %s, credentials file %s",
           awsc_config_profile_name(s->cfg),
           awsc_config_config_path(s->cfg) ? awsc_config_config_path(s->cfg)
                                           : "(none)",
           awsc_config_credentials_path(s->cfg)
               ? awsc_config_credentials_path(s->cfg)
               : "(none)");

  if ((rc = resolve_settings(s, o, err)))
    goto fail;
  if (have_ak && (rc = make_static_provider(s, o, err)))
    goto fail;
  *out = s;
  return 0;

fail:
  awsc_session_free(s);
  return rc;
}

awsc_session *awsc_session_ref(awsc_session *session) {
  if (session)
    atomic_fetch_add_explicit(&session->refs, 1, memory_order_relaxed);
  return session;
}

void awsc_session_free(awsc_session *s) {
  if (!s || atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) != 1)
    return;
  /* The provider borrows the transport and the config: it goes first. */
  awsc_credentials_provider_free(s->provider);
  if (s->owns_transport)
    awsc_transport_free(s->transport);
  for (endpoint_node *n = s->endpoints, *next; n; n = next) {
    next = n->next;
    awsc_free(n);
  }
  for (shared_node *n = s->shared, *next; n; n = next) {
    next = n->next;
    n->free_fn(n->value);
    awsc_free(n);
  }
  awsc_config_free(s->cfg);
  awsc_arena_free(s->arena);
  pthread_mutex_destroy(&s->shared_lock);
  pthread_mutex_destroy(&s->lock);
  awsc_free(s);
}

int awsc_session_shared(awsc_session *s, const void *key,
                        awsc_session_make_fn make, void *ctx,
                        void (*free_fn)(void *), void **out, awsc_error *err) {
  if (!s || !key || !make || !free_fn || !out)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_session_shared: NULL argument");
  pthread_mutex_lock(&s->shared_lock);
  shared_node *n = s->shared;
  while (n && n->key != key)
    n = n->next;
  int rc = 0;
  if (!n) {
    n = awsc_calloc(1, sizeof(*n));
    if (!n) {
      rc = oom(err);
    } else if ((rc = make(ctx, &n->value, err)) != 0) {
      awsc_free(n);
      n = NULL;
    } else {
      n->key = key;
      n->free_fn = free_fn;
      n->next = s->shared;
      s->shared = n;
    }
  }
  *out = n ? n->value : NULL;
  pthread_mutex_unlock(&s->shared_lock);
  return rc;
}

const char *awsc_session_region(const awsc_session *s) {
  return s ? s->region : NULL;
}

const char *awsc_session_profile_name(const awsc_session *s) {
  return s ? awsc_config_profile_name(s->cfg) : NULL;
}

/* The enums of session.h and their config-file spellings. */
static const char *const retry_modes[] = {NULL, "legacy", "standard",
                                          "adaptive"};
static const char *const addressing_styles[] = {NULL, "auto", "path",
                                                "virtual"};

const char *awsc_retry_mode_name(awsc_retry_mode mode) {
  return (int)mode > 0 && (int)mode < (int)AWSC_ARRAY_LEN(retry_modes)
             ? retry_modes[mode]
             : NULL;
}

const char *awsc_s3_addressing_style_name(awsc_s3_addressing_style style) {
  return (int)style > 0 && (int)style < (int)AWSC_ARRAY_LEN(addressing_styles)
             ? addressing_styles[style]
             : NULL;
}

static int enum_index(const char *const *names, size_t n, const char *v) {
  for (size_t i = 1; v && i < n; i++)
    if (strcmp(names[i], v) == 0)
      return (int)i;
  return 1;
}

awsc_retry_mode awsc_session_retry_mode(const awsc_session *s) {
  return (awsc_retry_mode)enum_index(retry_modes, AWSC_ARRAY_LEN(retry_modes),
                                     s ? s->retry_mode : NULL);
}

int awsc_session_max_attempts(const awsc_session *s) {
  return s ? s->max_attempts : 0;
}

awsc_s3_addressing_style awsc_session_addressing_style(const awsc_session *s) {
  return (awsc_s3_addressing_style)enum_index(addressing_styles,
                                              AWSC_ARRAY_LEN(addressing_styles),
                                              s ? s->addressing_style : NULL);
}

const char *awsc_session_get_config(const awsc_session *s, const char *key,
                                    const char *subkey) {
  if (!s || !key)
    return NULL;
  return subkey ? awsc_config_get_scoped_sub(s->cfg, key, subkey)
                : awsc_config_get_scoped(s->cfg, key);
}

const awsc_logger *awsc_session_logger(const awsc_session *s) {
  return s ? &s->logger : NULL;
}

const awsc_config *awsc_session_config(const awsc_session *s) {
  return s ? s->cfg : NULL;
}

long awsc_session_connect_timeout_ms(const awsc_session *s) {
  return s ? s->connect_timeout_ms : 0;
}

long awsc_session_read_timeout_ms(const awsc_session *s) {
  return s ? s->read_timeout_ms : 0;
}

int awsc_session_verify_ssl(const awsc_session *s) {
  return s ? s->verify_ssl : 1;
}

const char *awsc_session_ca_bundle(const awsc_session *s) {
  return s ? s->ca_bundle : NULL;
}

/* ---- endpoint URLs ---- */

/* "Elastic Beanstalk" / "elastic-beanstalk" -> "elastic_beanstalk" (lower)
 * or "ELASTIC_BEANSTALK" (upper), as botocore's service id transforms. */
static void normalise_service(const char *id, char *out, bool upper) {
  for (; *id; id++) {
    char c = *id;
    if (c == ' ' || c == '-')
      c = '_';
    else if (upper && c >= 'a' && c <= 'z')
      c = (char)(c - 'a' + 'A');
    else if (!upper && c >= 'A' && c <= 'Z')
      c = (char)(c - 'A' + 'a');
    *out++ = c;
  }
  *out = '\0';
}

static int lookup_configured(awsc_session *s, const char *id_lower,
                             const char *env_name, const char **out,
                             awsc_error *err) {
  const awsc_config *cfg = s->cfg;
  const char *v = awsc_config_getenv(cfg, env_name);
  if (!v)
    v = awsc_config_getenv(cfg, "AWS_ENDPOINT_URL");
  if (!v) {
    const char *services = nonempty(awsc_config_get_scoped(cfg, "services"));
    if (services) {
      if (!awsc_config_section_exists(cfg, "services", services)) {
        awsc_error_set(
            err, AWSC_ECONFIG, AWSC_ERROR_CONFIG,
            "The profile is configured to use the services section but the "
            "\"%.128s\" services configuration does not exist.",
            services);
        return AWSC_ECONFIG;
      }
      v = nonempty(awsc_config_section_get_sub(cfg, "services", services,
                                               id_lower, "endpoint_url"));
    }
  }
  if (!v)
    v = nonempty(awsc_config_get_scoped(cfg, "endpoint_url"));
  *out = v;
  return 0;
}

int awsc_session_resolve_endpoint_url(awsc_session *s, const char *service_id,
                                      const char **out, awsc_error *err) {
  if (out)
    *out = NULL;
  if (!s || !out || !service_id || !*service_id)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_session_endpoint_url: invalid argument");
  if (s->endpoint_url) {
    *out = s->endpoint_url;
    return 0;
  }
  if (s->ignore_endpoints)
    return 0;

  size_t n = strlen(service_id);
  const char prefix[] = "AWS_ENDPOINT_URL_";
  char *scratch = awsc_malloc(n + 1 + sizeof(prefix) + n);
  if (!scratch)
    return oom(err);
  char *id_lower = scratch;
  char *env_name = scratch + n + 1;
  normalise_service(service_id, id_lower, false);
  memcpy(env_name, prefix, sizeof(prefix) - 1);
  normalise_service(service_id, env_name + sizeof(prefix) - 1, true);

  int rc = 0;
  pthread_mutex_lock(&s->lock);
  endpoint_node *node = s->endpoints;
  while (node && strcmp(node->service, id_lower) != 0)
    node = node->next;
  if (!node) {
    /* Environment and files are read once per service, then cached, so
     * the answer is stable and the pointer lives with the session. */
    const char *v = NULL;
    rc = lookup_configured(s, id_lower, env_name, &v, err);
    size_t vn = v ? strlen(v) + 1 : 0;
    if (rc == 0) {
      node = awsc_malloc(sizeof(*node) + n + 1 + vn);
      if (!node) {
        oom(err);
        rc = AWSC_ENOMEM;
      } else {
        node->service = (char *)(node + 1);
        memcpy(node->service, id_lower, n + 1);
        node->url = v ? node->service + n + 1 : NULL;
        if (v)
          memcpy(node->url, v, vn);
        node->next = s->endpoints;
        s->endpoints = node;
      }
    }
  }
  if (rc == 0 && node)
    *out = node->url;
  pthread_mutex_unlock(&s->lock);
  awsc_free(scratch);
  return rc;
}

const char *awsc_session_endpoint_url(awsc_session *s, const char *service_id) {
  const char *url = NULL;
  awsc_error e = AWSC_ERROR_INIT;
  if (awsc_session_resolve_endpoint_url(s, service_id, &url, &e) != 0) {
    if (s)
      awsc_log(&s->logger, AWSC_LOG_ERROR, "%s", e.message);
    return NULL;
  }
  return url;
}

/* ---- transport and credentials ---- */

static int transport_locked(awsc_session *s, awsc_transport **out,
                            awsc_error *err) {
  if (!s->transport) {
    awsc_curl_options co = AWSC_CURL_OPTIONS_INIT;
    co.connect_timeout_ms = s->connect_timeout_ms;
    co.read_timeout_ms = s->read_timeout_ms;
    co.verify_ssl = s->verify_ssl;
    co.ca_bundle = s->ca_bundle;
    co.proxy = s->proxy;
    co.no_proxy = s->no_proxy;
    int rc = awsc_transport_curl_new(&s->transport, &co, err);
    if (rc)
      return rc;
    s->owns_transport = true;
  }
  *out = s->transport;
  return 0;
}

int awsc_session_get_transport(awsc_session *s, awsc_transport **out,
                               awsc_error *err) {
  if (out)
    *out = NULL;
  if (!s || !out)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_session_transport: invalid argument");
  pthread_mutex_lock(&s->lock);
  int rc = transport_locked(s, out, err);
  pthread_mutex_unlock(&s->lock);
  return rc;
}

awsc_transport *awsc_session_transport(awsc_session *s) {
  awsc_transport *t = NULL;
  awsc_error e = AWSC_ERROR_INIT;
  if (awsc_session_get_transport(s, &t, &e) != 0 && s)
    awsc_log(&s->logger, AWSC_LOG_ERROR, "%s", e.message);
  return t;
}

int awsc_session_set_role_factory(awsc_session *s,
                                  awsc_role_provider_factory factory) {
  if (!s)
    return AWSC_EINVAL;
  pthread_mutex_lock(&s->lock);
  int rc = s->provider_built ? AWSC_EINVAL : 0;
  if (rc == 0)
    s->role_factory = factory;
  pthread_mutex_unlock(&s->lock);
  return rc;
}

static int provider_locked(awsc_session *s, awsc_error *err) {
  if (s->provider_built)
    return 0;
  awsc_transport *t = NULL;
  int rc = transport_locked(s, &t, err);
  if (rc)
    return rc;
  awsc_default_chain_options co = {0};
  co.role_factory =
      s->role_factory ? s->role_factory : awsc_role_factory_builtin();
  co.logger = &s->logger;
  /* boto3.Session(profile_name=...) leaves the environment keys out. */
  co.skip_env = s->profile_in_code;
  rc = awsc_credentials_default_chain_new_ex(&s->provider, s->cfg, t, &co, err);
  if (rc)
    return rc;
  s->provider_built = true;
  return 0;
}

int awsc_session_get_credentials(awsc_credentials **out, awsc_session *s,
                                 awsc_error *err) {
  if (out)
    *out = NULL;
  if (!s || !out)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_session_get_credentials: invalid argument");
  pthread_mutex_lock(&s->lock);
  int rc = provider_locked(s, err);
  pthread_mutex_unlock(&s->lock);
  if (rc)
    return rc;
  /* The provider is immutable once built and thread-safe itself. */
  rc = awsc_credentials_provider_get(out, s->provider, err);
  if (rc == AWSC_ENOTFOUND)
    return awsc_error_set(err, AWSC_ECREDENTIALS, AWSC_ERROR_CREDENTIALS,
                          "Unable to locate credentials");
  return rc;
}
