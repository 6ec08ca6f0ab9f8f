/*
 * lib/credentials/credentials.c - the credentials snapshot, the provider
 * wrappers, the static and caching providers, and small helpers the built-in
 * providers share (flat JSON picking, secret-wiping buffers, messages).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/json.h"
#include "credentials/credentials_internal.h"

/* ---- the snapshot ---- */

/* One block: the header followed by the strings, so one wipe covers the
 * secret and the token and one free releases everything. */
struct awsc_credentials {
  atomic_int refs;
  int64_t expiration_ms;
  size_t size; /* bytes of the whole block */
  const char *access_key_id;
  const char *secret_access_key;
  const char *session_token; /* NULL when none */
  const char *source;
  char data[];
};

int awsc_credentials_new(awsc_credentials **out, const char *access_key_id,
                         const char *secret_access_key,
                         const char *session_token, int64_t expiration_ms,
                         const char *source) {
  if (!out)
    return AWSC_EINVAL;
  *out = NULL;
  if (!access_key_id || !*access_key_id || !secret_access_key ||
      !*secret_access_key || expiration_ms < 0)
    return AWSC_EINVAL;
  if (!source)
    source = "explicit";
  size_t lens[4] = {strlen(access_key_id), strlen(secret_access_key),
                    session_token ? strlen(session_token) : 0, strlen(source)};
  size_t size = sizeof(awsc_credentials);
  for (size_t i = 0; i < 4; i++) {
    if (lens[i] > SIZE_MAX / 2 - size)
      return AWSC_ENOMEM;
    size += lens[i] + 1;
  }
  awsc_credentials *c = awsc_malloc(size);
  if (!c)
    return AWSC_ENOMEM;
  atomic_init(&c->refs, 1);
  c->expiration_ms = expiration_ms;
  c->size = size;
  char *p = c->data;
  const char *src[4] = {access_key_id, secret_access_key, session_token,
                        source};
  const char *dst[4] = {NULL, NULL, NULL, NULL};
  for (size_t i = 0; i < 4; i++) {
    if (!src[i])
      continue;
    memcpy(p, src[i], lens[i] + 1);
    dst[i] = p;
    p += lens[i] + 1;
  }
  c->access_key_id = dst[0];
  c->secret_access_key = dst[1];
  c->session_token = dst[2];
  c->source = dst[3];
  *out = c;
  return AWSC_OK;
}

awsc_credentials *awsc_credentials_ref(awsc_credentials *creds) {
  if (creds)
    atomic_fetch_add_explicit(&creds->refs, 1, memory_order_relaxed);
  return creds;
}

void awsc_credentials_free(awsc_credentials *creds) {
  if (!creds)
    return;
  if (atomic_fetch_sub_explicit(&creds->refs, 1, memory_order_acq_rel) != 1)
    return;
  awsc_secure_zero(creds, creds->size);
  awsc_free(creds);
}

const char *awsc_credentials_access_key_id(const awsc_credentials *c) {
  return c ? c->access_key_id : NULL;
}

const char *awsc_credentials_secret_access_key(const awsc_credentials *c) {
  return c ? c->secret_access_key : NULL;
}

const char *awsc_credentials_session_token(const awsc_credentials *c) {
  return c ? c->session_token : NULL;
}

int64_t awsc_credentials_expiration_ms(const awsc_credentials *c) {
  return c ? c->expiration_ms : 0;
}

const char *awsc_credentials_source(const awsc_credentials *c) {
  return c ? c->source : NULL;
}

/* ---- provider wrappers ---- */

int awsc_credentials_provider_get(awsc_credentials **out,
                                  awsc_credentials_provider *provider,
                                  awsc_error *err) {
  if (!out)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "credentials provider: out is NULL");
  *out = NULL;
  if (!provider || !provider->vtable || !provider->vtable->get)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "credentials provider is NULL or has no get()");
  int rc = provider->vtable->get(provider, out, err);
  if (rc == AWSC_OK && !*out)
    return awsc_error_set(err, AWSC_ECREDENTIALS, AWSC_ERROR_CREDENTIALS,
                          "credentials provider %s returned no credentials",
                          provider->vtable->name ? provider->vtable->name
                                                 : "(unnamed)");
  if (rc != AWSC_OK && *out) {
    awsc_credentials_free(*out);
    *out = NULL;
  }
  return rc;
}

void awsc_credentials_provider_free(awsc_credentials_provider *provider) {
  if (!provider)
    return;
  if (provider->vtable && provider->vtable->destroy)
    provider->vtable->destroy(provider);
}

/* ---- static provider ---- */

static int static_get(awsc_credentials_provider *p, awsc_credentials **out,
                      awsc_error *err) {
  (void)err;
  *out = awsc_credentials_ref(p->impl);
  return AWSC_OK;
}

void *awsc_provider_alloc(awsc_credentials_provider **out,
                          const awsc_credentials_provider_vtable *vtable,
                          size_t impl_size) {
  awsc_credentials_provider *p = awsc_calloc(1, sizeof(*p));
  void *state = awsc_calloc(1, impl_size);
  if (!p || !state) {
    awsc_free(p);
    awsc_free(state);
    return NULL;
  }
  p->vtable = vtable;
  p->impl = state;
  *out = p;
  return state;
}

void awsc_provider_free_simple(awsc_credentials_provider *p) {
  awsc_free(p->impl);
  awsc_free(p);
}

static void static_destroy(awsc_credentials_provider *p) {
  awsc_credentials_free(p->impl);
  awsc_free(p);
}

static const awsc_credentials_provider_vtable static_vtable = {
    "static", static_get, static_destroy};

int awsc_credentials_provider_static_new(awsc_credentials_provider **out,
                                         awsc_credentials *creds) {
  if (!out)
    return AWSC_EINVAL;
  *out = NULL;
  if (!creds)
    return AWSC_EINVAL;
  awsc_credentials_provider *p = awsc_calloc(1, sizeof(*p));
  if (!p)
    return AWSC_ENOMEM;
  p->vtable = &static_vtable;
  p->impl = awsc_credentials_ref(creds);
  *out = p;
  return AWSC_OK;
}

/* ---- caching provider ---- */

#define DEFAULT_ADVISORY_MS (15 * 60 * 1000)
#define DEFAULT_MANDATORY_MS (10 * 60 * 1000)

typedef struct cached_impl {
  awsc_credentials_provider *inner;
  /* Held by the one thread that refreshes; readers never wait for it
   * unless the snapshot is inside the mandatory window. */
  pthread_mutex_t refresh_lock;
  /* Guards only the `current` pointer swap (a few instructions). */
  pthread_mutex_t snap_lock;
  awsc_credentials *current;
  int64_t advisory_ms;
  int64_t mandatory_ms;
  const awsc_logger *logger;
} cached_impl;

static awsc_credentials *cached_snapshot(cached_impl *c) {
  pthread_mutex_lock(&c->snap_lock);
  awsc_credentials *s = awsc_credentials_ref(c->current);
  pthread_mutex_unlock(&c->snap_lock);
  return s;
}

/* Takes over the caller's reference to creds. */
static void cached_store(cached_impl *c, awsc_credentials *creds) {
  pthread_mutex_lock(&c->snap_lock);
  awsc_credentials *old = c->current;
  c->current = creds;
  pthread_mutex_unlock(&c->snap_lock);
  awsc_credentials_free(old);
}

/* As botocore's refresh_needed: nothing cached needs a load, credentials
 * without expiry never need one, others when fewer than window ms are
 * left. */
static bool refresh_needed(const awsc_credentials *s, int64_t window_ms) {
  if (!s)
    return true;
  if (s->expiration_ms == 0)
    return false;
  return s->expiration_ms - awsc_time_now_ms() < window_ms;
}

/* Caller holds refresh_lock. *snap is the caller's reference to what it
 * saw (may be NULL: first load); on success it is replaced by the fresh
 * snapshot, on an advisory failure it stays. */
static int cached_refresh(cached_impl *c, bool mandatory,
                          awsc_credentials **snap, awsc_error *err) {
  awsc_credentials *fresh = NULL;
  awsc_error inner_err = AWSC_ERROR_INIT;
  int rc = awsc_credentials_provider_get(&fresh, c->inner, &inner_err);
  if (rc != AWSC_OK) {
    if (*snap) {
      awsc_log(c->logger, AWSC_LOG_WARN,
               "Refreshing temporary credentials failed during %s refresh "
               "period: %s",
               mandatory ? "mandatory" : "advisory", inner_err.message);
      if (!mandatory)
        return AWSC_OK;
    }
    awsc_error_copy(err, &inner_err);
    return rc;
  }
  if (fresh->expiration_ms != 0 && fresh->expiration_ms <= awsc_time_now_ms()) {
    awsc_credentials_free(fresh);
    awsc_log(c->logger, AWSC_LOG_WARN,
             "Credentials were refreshed, but the refreshed credentials are "
             "still expired.");
    return awsc_error_set(err, AWSC_ECREDENTIALS, AWSC_ERROR_CREDENTIALS,
                          "Credentials were refreshed, but the refreshed "
                          "credentials are still expired.");
  }
  cached_store(c, awsc_credentials_ref(fresh));
  awsc_credentials_free(*snap);
  *snap = fresh;
  return AWSC_OK;
}

static int cached_get(awsc_credentials_provider *p, awsc_credentials **out,
                      awsc_error *err) {
  cached_impl *c = p->impl;
  awsc_credentials *snap = cached_snapshot(c);
  if (!refresh_needed(snap, c->advisory_ms)) {
    *out = snap;
    return AWSC_OK;
  }
  int rc = AWSC_OK;
  if (pthread_mutex_trylock(&c->refresh_lock) == 0) {
    /* Someone may have refreshed between our look and the lock. */
    awsc_credentials_free(snap);
    snap = cached_snapshot(c);
    if (refresh_needed(snap, c->advisory_ms))
      rc = cached_refresh(c, refresh_needed(snap, c->mandatory_ms), &snap, err);
    pthread_mutex_unlock(&c->refresh_lock);
  } else if (refresh_needed(snap, c->mandatory_ms)) {
    /* Inside the mandatory window (or nothing loaded yet): wait for the
     * refresher, then refresh ourselves only if it did not succeed. */
    pthread_mutex_lock(&c->refresh_lock);
    awsc_credentials_free(snap);
    snap = cached_snapshot(c);
    if (refresh_needed(snap, c->mandatory_ms))
      rc = cached_refresh(c, true, &snap, err);
    pthread_mutex_unlock(&c->refresh_lock);
  }
  /* else: advisory window while another thread refreshes - the current
   * snapshot is still good for a while. */
  if (rc != AWSC_OK) {
    awsc_credentials_free(snap);
    return rc;
  }
  *out = snap;
  return AWSC_OK;
}

static void cached_destroy(awsc_credentials_provider *p) {
  cached_impl *c = p->impl;
  awsc_credentials_provider_free(c->inner);
  awsc_credentials_free(c->current);
  pthread_mutex_destroy(&c->refresh_lock);
  pthread_mutex_destroy(&c->snap_lock);
  awsc_free(c);
  awsc_free(p);
}

static const awsc_credentials_provider_vtable cached_vtable = {
    "cached", cached_get, cached_destroy};

int awsc_provider_cached_new_ex(awsc_credentials_provider **out,
                                awsc_credentials_provider *inner,
                                const awsc_cache_options *opts) {
  if (!out) {
    awsc_credentials_provider_free(inner);
    return AWSC_EINVAL;
  }
  *out = NULL;
  if (!inner)
    return AWSC_EINVAL;
  awsc_cache_options o = AWSC_CACHE_OPTIONS_INIT;
  if (opts)
    o = *opts;
  if (o.advisory_refresh_ms == 0)
    o.advisory_refresh_ms = DEFAULT_ADVISORY_MS;
  if (o.mandatory_refresh_ms == 0)
    o.mandatory_refresh_ms = DEFAULT_MANDATORY_MS;
  if (o.advisory_refresh_ms < 0 || o.mandatory_refresh_ms < 0 ||
      o.mandatory_refresh_ms > o.advisory_refresh_ms) {
    awsc_credentials_provider_free(inner);
    return AWSC_EINVAL;
  }
  awsc_credentials_provider *p = awsc_calloc(1, sizeof(*p));
  cached_impl *c = awsc_calloc(1, sizeof(*c));
  if (!p || !c) {
    awsc_free(p);
    awsc_free(c);
    awsc_credentials_provider_free(inner);
    return AWSC_ENOMEM;
  }
  if (pthread_mutex_init(&c->refresh_lock, NULL) != 0) {
    awsc_free(p);
    awsc_free(c);
    awsc_credentials_provider_free(inner);
    return AWSC_ENOMEM;
  }
  if (pthread_mutex_init(&c->snap_lock, NULL) != 0) {
    pthread_mutex_destroy(&c->refresh_lock);
    awsc_free(p);
    awsc_free(c);
    awsc_credentials_provider_free(inner);
    return AWSC_ENOMEM;
  }
  c->inner = inner;
  c->advisory_ms = o.advisory_refresh_ms;
  c->mandatory_ms = o.mandatory_refresh_ms;
  c->logger = o.logger;
  p->vtable = &cached_vtable;
  p->impl = c;
  *out = p;
  return AWSC_OK;
}

int awsc_credentials_provider_cached_new(awsc_credentials_provider **out,
                                         awsc_credentials_provider *inner) {
  return awsc_provider_cached_new_ex(out, inner, NULL);
}

/* ---- secret-safe memory ---- */

void awsc_free_secret(char *s) {
  if (!s)
    return;
  awsc_secure_zero(s, strlen(s));
  awsc_free(s);
}

void awsc_buf_free_secret(awsc_buf *b) {
  if (b->p)
    awsc_secure_zero(b->p, b->cap);
  awsc_buf_free(b);
}

int awsc_buf_append_secret(awsc_buf *b, const void *data, size_t n) {
  if (n > SIZE_MAX / 2 - b->len - 1)
    return AWSC_ENOMEM;
  size_t need = b->len + n + 1;
  if (need > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
      cap *= 2;
    char *p = awsc_malloc(cap);
    if (!p)
      return AWSC_ENOMEM;
    if (b->p) {
      memcpy(p, b->p, b->len);
      awsc_secure_zero(b->p, b->cap);
      awsc_free(b->p);
    }
    b->p = p;
    b->cap = cap;
  }
  if (n)
    memcpy(b->p + b->len, data, n);
  b->len += n;
  b->p[b->len] = '\0';
  return AWSC_OK;
}

/* ---- flat JSON object picking ----
 * On the library's JSON reader (lib/core/json.h). The text holds
 * secrets, so the reader's scratch block (decoded strings) is sized once
 * up front and wiped when freed, and no message ever quotes the text. */
#define JSON_MAX_DEPTH 64
#define NOT_AN_OBJECT 1 /* internal: the root is not an object */

static int pick_value(awsc_json_field *f, awsc_json_type type,
                      const awsc_jtok *t) {
  awsc_free_secret(f->value);
  f->value = NULL;
  f->len = 0;
  f->type = type;
  if (t) {
    /* All t->n bytes, embedded NULs ("\u0000") included: len must
     * describe the block (strndup would stop at the first NUL and leave
     * len past the end of the copy). */
    char *v = t->n < SIZE_MAX ? awsc_malloc(t->n + 1) : NULL;
    if (!v) {
      f->type = AWSC_JSON_ABSENT;
      return AWSC_ENOMEM;
    }
    if (t->n)
      memcpy(v, t->p, t->n);
    v[t->n] = '\0';
    f->value = v;
    f->len = t->n;
  }
  return AWSC_OK;
}

static awsc_json_field *find_field(awsc_json_field *fields, size_t n,
                                   const awsc_jtok *key) {
  for (size_t i = 0; i < n; i++)
    if (strlen(fields[i].name) == key->n &&
        memcmp(fields[i].name, key->p, key->n) == 0)
      return &fields[i];
  return NULL;
}

/* The members of the root object (its '{' already read). Nested values
 * are skipped by the reader, so every key seen is a top-level one. */
static int pick_members(awsc_json_reader *r, awsc_json_field *fields,
                        size_t n) {
  awsc_json_field *f = NULL;
  awsc_jtok t;
  int rc;
  while ((rc = awsc_json_read(r, &t)) == 0 && t.type != AWSC_JTOK_END) {
    if (t.type == AWSC_JTOK_KEY) {
      f = find_field(fields, n, &t);
      continue;
    }
    switch (t.type) {
    case AWSC_JTOK_STRING:
      rc = f ? pick_value(f, AWSC_JSON_STRING, &t) : 0;
      break;
    case AWSC_JTOK_NUMBER:
      rc = f ? pick_value(f, AWSC_JSON_NUMBER, &t) : 0;
      break;
    case AWSC_JTOK_NULL:
      rc = f ? pick_value(f, AWSC_JSON_NULL, NULL) : 0;
      break;
    case AWSC_JTOK_BEGIN_OBJECT:
    case AWSC_JTOK_BEGIN_ARRAY:
      rc = f ? pick_value(f, AWSC_JSON_OTHER, NULL) : 0;
      if (rc == 0)
        rc = awsc_json_skip(r, &t);
      break;
    case AWSC_JTOK_END_OBJECT: /* the root's */
      break;
    default: /* true, false */
      rc = f ? pick_value(f, AWSC_JSON_OTHER, NULL) : 0;
    }
    f = NULL;
    if (rc)
      return rc;
  }
  return rc;
}

static int pick_error(const awsc_json_reader *r, int rc, awsc_error *err) {
  if (rc == AWSC_ENOMEM)
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  if (rc == NOT_AN_OBJECT)
    return awsc_error_set(err, AWSC_EPARSE, AWSC_ERROR_PARSE,
                          "JSON document is not an object");
  if (awsc_json_too_deep(r))
    return awsc_error_set(err, AWSC_EPARSE, AWSC_ERROR_PARSE,
                          "JSON document nested deeper than %d levels",
                          JSON_MAX_DEPTH);
  /* The reader's text names the problem, never the input. */
  return awsc_error_set(err, AWSC_EPARSE, AWSC_ERROR_PARSE,
                        "invalid JSON (%s near byte %zu)", r->what,
                        r->error_at);
}

int awsc_json_pick(const char *json, size_t len, awsc_json_field *fields,
                   size_t n, awsc_error *err) {
  for (size_t i = 0; i < n; i++) {
    fields[i].type = AWSC_JSON_ABSENT;
    fields[i].value = NULL;
    fields[i].len = 0;
  }
  if (!json && len)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "JSON text is NULL");
  if (len == SIZE_MAX)
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  awsc_json_reader r;
  awsc_json_reader_init(&r, json, len, AWSC_JREAD_SECRET, JSON_MAX_DEPTH, NULL);
  /* Decoded text never outgrows its source: one block serves all. */
  int rc = awsc_json_reader_reserve(&r, len + 1);
  awsc_jtok t;
  if (rc == 0 && (rc = awsc_json_read(&r, &t)) == 0)
    rc = t.type == AWSC_JTOK_BEGIN_OBJECT ? pick_members(&r, fields, n)
                                          : NOT_AN_OBJECT;
  if (rc)
    rc = pick_error(&r, rc, err);
  awsc_json_reader_cleanup(&r);
  return rc;
}

void awsc_json_fields_cleanup(awsc_json_field *fields, size_t n) {
  for (size_t i = 0; i < n; i++) {
    awsc_free_secret(fields[i].value);
    fields[i].value = NULL;
    fields[i].len = 0;
    fields[i].type = AWSC_JSON_ABSENT;
  }
}

/* ---- messages ---- */

int awsc_creds_error(awsc_error *err, const char *provider, const char *fmt,
                     ...) {
  char msg[448];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  return awsc_error_set(err, AWSC_ECREDENTIALS, AWSC_ERROR_CREDENTIALS,
                        "Error when retrieving credentials from %s: %s",
                        provider, msg);
}

bool awsc_creds_is_true(const char *value) {
  return value && strcasecmp(value, "true") == 0;
}

void awsc_creds_first_line(const char *text, size_t len, char *out,
                           size_t out_size) {
  if (!out_size)
    return;
  size_t i = 0;
  while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' ||
                     text[i] == '\n'))
    i++;
  size_t end = i;
  while (end < len && text[end] != '\n' && text[end] != '\r' && text[end])
    end++;
  while (end > i && (text[end - 1] == ' ' || text[end - 1] == '\t'))
    end--;
  size_t o = 0;
  for (; i < end && o + 1 < out_size; i++) {
    unsigned char ch = (unsigned char)text[i];
    out[o++] = (ch < 0x20 || ch == 0x7f) ? '?' : (char)ch;
  }
  out[o] = '\0';
}

int awsc_creds_parse_expiration(const char *text, size_t len,
                                const char *provider, int64_t *out,
                                awsc_error *err) {
  if (!awsc_time_parse_iso8601((awsc_sv){text, len}, out) && *out > 0)
    return 0;
  char shown[48];
  awsc_creds_first_line(text, len, shown, sizeof(shown));
  return awsc_creds_error(err, provider,
                          "Expiration '%s' is not an ISO 8601 time", shown);
}
