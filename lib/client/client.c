/* Client objects: a session bound to one service model. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "auth/sigv4_internal.h"
#include "client/client_internal.h"
#include "client/hooks_internal.h"
#include "config/settings.h"

/* Idle workspaces and arenas a client keeps: about the number of threads
 * that call through it at once. */
#define CLIENT_IDLE_MAX 16
/* Arenas of calls: the first block serves a typical call whole; what a
 * bigger one added is kept up to CALL_ARENA_KEEP for the next. */
#define CALL_ARENA_BLOCK (8 * 1024)
#define CALL_ARENA_KEEP (32 * 1024)
/* A workspace buffer grown past this is not kept. */
#define WS_KEEP_TEXT (32 * 1024)
#define WS_KEEP_SIGV4 (16 * 1024)

/* An awsc_toggle option: AWSC_TOGGLE_OFF (-1), _DEFAULT (0) or _ON (1). */
static int check_toggle(awsc_toggle v, const char *name, awsc_error *err) {
  if (v >= AWSC_TOGGLE_OFF && v <= AWSC_TOGGLE_ON)
    return 0;
  return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                        "%s must be 0, 1 or -1", name);
}

static void default_sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0)
    ;
}

/* The endpoint of the client as a whole (no operation: what
 * awsc_client_endpoint shows); the rules' answer, else the AWS pattern. */
static int resolve_client_endpoint(awsc_client *c, awsc_error *err) {
  if (c->ep_rules) {
    awsc_arena *a = awsc_arena_new(4096);
    if (!a)
      return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                            "out of memory");
    awsc_call call;
    memset(&call, 0, sizeof(call));
    call.arena = a;
    awsc_call_target t;
    awsc_error terr = AWSC_ERROR_INIT;
    int rc = awsc_client_target(c, &call, NULL, NULL, -1, &t, &terr);
    if (rc == 0)
      rc = awsc_endpoint_parse(&c->endpoint, t.url_base, false, NULL, err);
    awsc_arena_free(a);
    if (rc == 0 || rc == AWSC_ENOMEM)
      return rc == 0 ? 0
                     : awsc_error_set(err, rc, AWSC_ERROR_INTERNAL,
                                      "out of memory");
    /* the rules want more than a region (calls will say why): show the
     * usual pattern */
  }
  return awsc_endpoint_default(&c->endpoint, c->svc, c->region, NULL, err);
}

/* The per-call deadline: the option (version 2 on), else the setting
 * total_timeout_ms (lib/config/settings.c), else none. */
static int client_total_timeout(awsc_client *c, awsc_session *session,
                                const awsc_client_options *options,
                                awsc_error *err) {
  long opt = options->version >= 2 ? options->total_timeout_ms : 0;
  if (opt < -1)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "Invalid total_timeout_ms %ld: expected a number of "
                          "milliseconds >= 1, 0 (as configured) or -1 (none)",
                          opt);
  if (opt) {
    c->total_timeout_ms = opt > 0 ? opt : 0;
    return 0;
  }
  awsc_setting_value v;
  int rc = awsc_setting_resolve(awsc_session_config(session),
                                AWSC_SETTING_TOTAL_TIMEOUT_MS, NULL, &v, err);
  if (!rc)
    c->total_timeout_ms = v.text ? v.i : 0;
  return rc;
}

int awsc_client_new_for_service(awsc_client **out, awsc_session *session,
                                const awsc_service *svc,
                                awsc_arena *model_arena,
                                const awsc_client_options *options,
                                awsc_error *err) {
  if (!out || !session || !svc)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_client_new: NULL argument");
  *out = NULL;
  if (options &&
      !AWSC_VERSION_OK(options->version, AWSC_CLIENT_OPTIONS_VERSION))
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_client_options.version is %d, expected 1..%d "
                          "(use AWSC_CLIENT_OPTIONS_INIT)",
                          options->version, AWSC_CLIENT_OPTIONS_VERSION);
  awsc_client_options defaults = AWSC_CLIENT_OPTIONS_INIT;
  if (!options)
    options = &defaults;
  awsc_client *c = awsc_calloc(1, sizeof(*c));
  if (!c)
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  c->refs = 1;
  c->svc = svc;
  c->session = awsc_session_ref(session);
  c->model_arena = model_arena;
  c->logger = awsc_session_logger(session);
  c->sleep_ms = default_sleep_ms;
  c->retry_quota = 500;
  pthread_mutex_init(&c->quota_lock, NULL);
  pthread_mutex_init(&c->ep_cache_lock, NULL);
  pthread_mutex_init(&c->ws_lock, NULL);
  int rc;

  c->retry_mode = options->retry_mode != AWSC_RETRY_DEFAULT
                      ? options->retry_mode
                      : awsc_session_retry_mode(session);
  if (!awsc_retry_mode_name(c->retry_mode)) {
    rc = awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                        "Invalid retry mode: %d", (int)c->retry_mode);
    goto fail;
  }
  c->max_attempts = options->max_attempts > 0
                        ? options->max_attempts
                        : awsc_session_max_attempts(session);
  if (c->max_attempts <= 0)
    c->max_attempts = c->retry_mode == AWSC_RETRY_LEGACY ? 5 : 3;
  if ((rc = client_total_timeout(c, session, options, err)))
    goto fail;
  awsc_s3_addressing_style style =
      options->addressing_style != AWSC_S3_ADDRESSING_DEFAULT
          ? options->addressing_style
          : awsc_session_addressing_style(session);
  if (!awsc_s3_addressing_style_name(style)) {
    rc = awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                        "Invalid addressing style: %d", (int)style);
    goto fail;
  }
  c->addressing = style == AWSC_S3_ADDRESSING_PATH      ? 1
                  : style == AWSC_S3_ADDRESSING_VIRTUAL ? 2
                                                        : 0;
  c->checksum_trailers = options->checksum_trailers;
  /* read from version-3 structs only: older ones end before it */
  awsc_toggle sign =
      options->version >= 3 ? options->sign_requests : AWSC_TOGGLE_DEFAULT;
  if ((rc = check_toggle(sign, "sign_requests", err)))
    goto fail;
  c->unsigned_requests = sign == AWSC_TOGGLE_OFF;
  /* request_checksum_calculation / response_checksum_validation (default
   * when_supported) and s3.payload_signing_enabled (unset: the operation
   * decides): lib/config/settings.c */
  const awsc_config *cfg = awsc_session_config(session);
  c->checksum_when_supported =
      awsc_setting_choice(cfg, AWSC_SETTING_REQUEST_CHECKSUM_CALCULATION) !=
      AWSC_SETTING_WHEN_REQUIRED;
  c->validate_when_supported =
      awsc_setting_choice(cfg, AWSC_SETTING_RESPONSE_CHECKSUM_VALIDATION) !=
      AWSC_SETTING_WHEN_REQUIRED;
  awsc_toggle etag =
      options->version >= 4 ? options->verify_etag_md5 : AWSC_TOGGLE_DEFAULT;
  if ((rc = check_toggle(etag, "verify_etag_md5", err)))
    goto fail;
  c->verify_etag_md5 =
      etag == AWSC_TOGGLE_DEFAULT
          ? awsc_setting_bool(cfg, AWSC_SETTING_VERIFY_ETAG_MD5)
          : etag == AWSC_TOGGLE_ON;
  const char *psign =
      awsc_setting_string(cfg, AWSC_SETTING_S3_PAYLOAD_SIGNING_ENABLED);
  c->s3_payload_signing = !psign ? 0 : strcasecmp(psign, "true") == 0 ? 1 : -1;

  const char *region =
      options->region ? options->region : awsc_session_region(session);
  const char *endpoint_url = options->endpoint_url;
  if (!endpoint_url) {
    rc = awsc_session_resolve_endpoint_url(
        session, svc->service_id ? svc->service_id : svc->endpoint_prefix,
        &endpoint_url, err);
    if (rc)
      goto fail;
  }
  if (!region || !*region) {
    /* S3 has a global endpoint and signs for us-east-1 there. */
    if (svc->global_endpoint || (svc->hooks && svc->hooks->default_region))
      region = svc->hooks && svc->hooks->default_region
                   ? svc->hooks->default_region
                   : "us-east-1";
    else {
      rc = awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                          "You must specify a region.");
      goto fail;
    }
  }
  c->region = awsc_strdup(region);
  if (!c->region) {
    rc = awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL, "out of memory");
    goto fail;
  }
  if (endpoint_url &&
      (rc = awsc_endpoint_parse(&c->endpoint, endpoint_url, true, NULL, err)))
    goto fail;
  if (endpoint_url && !(c->endpoint_given = awsc_strdup(endpoint_url))) {
    rc = awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL, "out of memory");
    goto fail;
  }
  if ((rc = awsc_client_endpoints_init(c, endpoint_url, err)))
    goto fail;
  if (!endpoint_url && (rc = resolve_client_endpoint(c, err)))
    goto fail;
  rc = awsc_sigv4_cache_new(&c->sigv4_cache, err);
  if (rc)
    goto fail;
  c->arena_pool =
      awsc_arena_pool_new(CALL_ARENA_BLOCK, CLIENT_IDLE_MAX, CALL_ARENA_KEEP);
  if (!c->arena_pool) {
    rc = awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL, "out of memory");
    goto fail;
  }
  *out = c;
  return 0;
fail:
  c->model_arena = NULL; /* the caller still owns it on failure */
  awsc_client_free(c);
  return rc;
}

int awsc_client_new(awsc_client **out, awsc_session *session,
                    const char *service, const awsc_client_options *options,
                    awsc_error *err) {
  if (!out || !session || !service)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_client_new: NULL argument");
  const awsc_service *svc = awsc_builtin_service(service);
  if (!svc)
    return awsc_error_set(err, AWSC_ENOTFOUND, AWSC_ERROR_VALIDATION,
                          "Unknown service: '%s'. Valid service names are: %s",
                          service, awsc_builtin_service_names());
  return awsc_client_new_for_service(out, session, svc, NULL, options, err);
}

static int read_file(const char *path, awsc_buf *b, awsc_error *err) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return awsc_error_set(err, AWSC_EIO, AWSC_ERROR_IO, "cannot open %s", path);
  char chunk[65536];
  size_t n;
  int rc = 0;
  while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
    if ((rc = awsc_buf_append(b, chunk, n)) != 0)
      break;
  if (!rc && ferror(f))
    rc = awsc_error_set(err, AWSC_EIO, AWSC_ERROR_IO, "cannot read %s", path);
  else if (rc)
    awsc_error_set(err, rc, AWSC_ERROR_INTERNAL, "out of memory");
  fclose(f);
  return rc;
}

int awsc_client_new_from_model(awsc_client **out, awsc_session *session,
                               const char *model_path,
                               const awsc_client_options *options,
                               awsc_error *err) {
  if (!out || !session || !model_path)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_client_new_from_model: NULL argument");
  awsc_buf text = AWSC_BUF_INIT;
  int rc = read_file(model_path, &text, err);
  if (rc) {
    awsc_buf_free(&text);
    return rc;
  }
  awsc_arena *arena = awsc_arena_new(64 * 1024);
  if (!arena) {
    awsc_buf_free(&text);
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  }
  awsc_service *svc = NULL;
  rc = awsc_service_from_json(&svc, arena, text.p, text.len, err);
  awsc_buf_free(&text);
  if (!rc) /* the built-in services' customisations, by service id */
    svc->hooks = awsc_builtin_hooks(svc->service_id);
  if (!rc) {
    /* the endpoint rule set beside the model, when there is one */
    const char *slash = strrchr(model_path, '/');
    awsc_buf rp = AWSC_BUF_INIT, rules = AWSC_BUF_INIT;
    rc = awsc_buf_printf(&rp, "%.*s%sendpoint-rule-set-1.json",
                         slash ? (int)(slash - model_path) : 0, model_path,
                         slash ? "/" : "");
    if (!rc && access(rp.p, R_OK) == 0) {
      rc = read_file(rp.p, &rules, err);
      char *copy = rc ? NULL : awsc_arena_strndup(arena, rules.p, rules.len);
      if (!rc && !copy)
        rc = awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                            "out of memory");
      if (!rc) {
        svc->endpoint_ruleset = copy;
        svc->endpoint_ruleset_len = (uint32_t)rules.len;
      }
    } else if (rc) {
      awsc_error_set(err, rc, AWSC_ERROR_INTERNAL, "out of memory");
    }
    awsc_buf_free(&rp);
    awsc_buf_free(&rules);
  }
  if (!rc)
    rc = awsc_client_new_for_service(out, session, svc, arena, options, err);
  if (rc)
    awsc_arena_free(arena);
  return rc;
}

/* ---- what calls reuse ---- */

static void ws_destroy(awsc_call_ws *ws) {
  awsc_sigv4_result_cleanup(&ws->sig);
  awsc_proto_ws_free(ws->proto);
  awsc_buf_free(&ws->text);
  awsc_free(ws);
}

awsc_call_ws *awsc_client_ws_take(awsc_client *c) {
  pthread_mutex_lock(&c->ws_lock);
  awsc_call_ws *ws = c->ws_idle;
  if (ws) {
    c->ws_idle = ws->next;
    c->ws_idle_n--;
  }
  pthread_mutex_unlock(&c->ws_lock);
  if (ws) {
    ws->next = NULL;
    return ws;
  }
  ws = awsc_calloc(1, sizeof(*ws));
  if (!ws)
    return NULL;
  awsc_sigv4_result init = AWSC_SIGV4_RESULT_INIT;
  ws->sig = init;
  ws->proto = awsc_proto_ws_new();
  if (!ws->proto) {
    awsc_free(ws);
    return NULL;
  }
  return ws;
}

void awsc_client_ws_give(awsc_client *c, awsc_call_ws *ws) {
  if (!ws)
    return;
  awsc_proto_ws_reset(ws->proto);
  awsc_buf_reset(&ws->text);
  if (ws->text.cap > WS_KEEP_TEXT)
    awsc_buf_free(&ws->text);
  if (sigv4_result_bytes(&ws->sig) > WS_KEEP_SIGV4)
    awsc_sigv4_result_cleanup(&ws->sig);
  bool kept = false;
  pthread_mutex_lock(&c->ws_lock);
  if (c->ws_idle_n < CLIENT_IDLE_MAX) {
    ws->next = c->ws_idle;
    c->ws_idle = ws;
    c->ws_idle_n++;
    kept = true;
  }
  pthread_mutex_unlock(&c->ws_lock);
  if (!kept)
    ws_destroy(ws);
}

awsc_arena *awsc_client_arena(awsc_client *c) {
  return awsc_arena_pool_get(c->arena_pool);
}

void awsc_client_drop_idle(awsc_client *c) {
  if (!c)
    return;
  pthread_mutex_lock(&c->ws_lock);
  awsc_call_ws *ws = c->ws_idle;
  c->ws_idle = NULL;
  c->ws_idle_n = 0;
  pthread_mutex_unlock(&c->ws_lock);
  while (ws) {
    awsc_call_ws *next = ws->next;
    ws_destroy(ws);
    ws = next;
  }
  awsc_arena_pool_trim(c->arena_pool);
}

awsc_client *awsc_client_ref(awsc_client *client) {
  if (client)
    client->refs++;
  return client;
}

void awsc_client_free(awsc_client *c) {
  if (!c || --c->refs > 0)
    return;
  /* idle workspaces first: their parse indexes point into the model */
  awsc_client_drop_idle(c);
  pthread_mutex_destroy(&c->ws_lock);
  awsc_hooks_client_free(c);
  /* outputs still held keep their arenas (and the pool) alive */
  awsc_arena_pool_free(c->arena_pool);
  awsc_sigv4_cache_free(c->sigv4_cache);
  awsc_ep_ruleset_free(c->ep_rules_owned);
  awsc_endpoint_cleanup(&c->endpoint);
  awsc_free(c->endpoint_given);
  awsc_free(c->region);
  if (c->model_arena)
    awsc_arena_free(c->model_arena);
  awsc_session_free(c->session);
  pthread_mutex_destroy(&c->quota_lock);
  for (size_t i = 0; i < AWSC_EP_CACHE_SIZE; i++)
    awsc_ep_cache_entry_clear(&c->ep_cache[i]);
  pthread_mutex_destroy(&c->ep_cache_lock);
  awsc_free(c);
}

const char *awsc_client_region(const awsc_client *c) {
  return c ? c->region : NULL;
}
const char *awsc_client_endpoint(const awsc_client *c) {
  return c ? c->endpoint.url : NULL;
}
const char *awsc_client_service_id(const awsc_client *c) {
  return c ? c->svc->service_id : NULL;
}
int awsc_client_has_operation(const awsc_client *c, const char *op) {
  return c && op && awsc_service_find_operation(c->svc, op) != NULL;
}
