/*
 * lib/auth/sigv4_key.c - SigV4 signing-key derivation and the key cache.
 *
 * kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service),
 * "aws4_request") costs four HMACs (about 16 SHA-256 blocks), more than
 * signing a typical request with it. The key only changes with the
 * credentials, the day, the region and the service, so it is remembered at
 * two levels: a one-entry slot owned by the caller's result (no lock) and
 * the shared awsc_sigv4_cache (a small table under a mutex).
 */
#include <pthread.h>
#include <string.h>

#include "auth/sigv4_internal.h"

#define CACHE_SLOTS 16

struct awsc_sigv4_cache {
  pthread_mutex_t mu;
  uint64_t tick; /* LRU clock */
  uint64_t hits;
  uint64_t misses;
  uint64_t last_used[CACHE_SLOTS];
  sigv4_key_slot slots[CACHE_SLOTS];
};

/* ---- parameters ---- */

/* A credential-scope part (and the access key id, which precedes the scope
 * in "Credential=AKID/date/region/service/aws4_request") must not contain
 * '/', ',', white space or control characters, or the server would split
 * the scope differently than it was signed. */
static bool scope_part_ok(awsc_sv s) {
  for (size_t i = 0; i < s.n; i++) {
    unsigned char c = (unsigned char)s.p[i];
    if (c <= 0x20 || c == 0x7f || c == '/' || c == ',')
      return false;
  }
  return true;
}

static int check_scope(const sigv4_scope *s, awsc_error *err) {
  if (!scope_part_ok(s->access_key))
    return awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_CREDENTIALS,
                          "sigv4: the access key id contains '/', ',', white "
                          "space or a control character");
  if (!scope_part_ok(s->region))
    return awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                          "sigv4: the region contains '/', ',', white space "
                          "or a control character");
  if (!scope_part_ok(s->service))
    return awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                          "sigv4: the service name contains '/', ',', white "
                          "space or a control character");
  return 0;
}

int sigv4_scope_from_params(sigv4_scope *scope, const awsc_sigv4_params *p,
                            const char *amz_date, awsc_error *err) {
  if (!p)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "sigv4: signing params are NULL");
  if (!AWSC_VERSION_OK(p->version, AWSC_SIGV4_PARAMS_VERSION))
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "sigv4: params version %d is not %d (start from "
                          "AWSC_SIGV4_PARAMS_INIT)",
                          p->version, AWSC_SIGV4_PARAMS_VERSION);
  if (!p->access_key_id || !*p->access_key_id || !p->secret_access_key ||
      !*p->secret_access_key)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_CREDENTIALS,
                          "sigv4: access key id and secret access key are "
                          "required");
  if (!p->region || !*p->region || !p->service || !*p->service)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "sigv4: region and service are required");
  scope->access_key = (awsc_sv){p->access_key_id, strlen(p->access_key_id)};
  scope->secret = (awsc_sv){p->secret_access_key, strlen(p->secret_access_key)};
  scope->region = (awsc_sv){p->region, strlen(p->region)};
  scope->service = (awsc_sv){p->service, strlen(p->service)};
  if (scope->access_key.n > SIGV4_MAX_SCOPE_PART ||
      scope->region.n > SIGV4_MAX_SCOPE_PART ||
      scope->service.n > SIGV4_MAX_SCOPE_PART)
    return awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                          "sigv4: access key id, region and service must be "
                          "at most %d bytes",
                          SIGV4_MAX_SCOPE_PART);
  memcpy(scope->date, amz_date, 8);
  return 0;
}

size_t sigv4_write_scope(char *dst, const sigv4_scope *s) {
  char *w = dst;
  memcpy(w, s->date, 8);
  w += 8;
  *w++ = '/';
  memcpy(w, s->region.p, s->region.n);
  w += s->region.n;
  *w++ = '/';
  memcpy(w, s->service.p, s->service.n);
  w += s->service.n;
  memcpy(w, "/" SIGV4_TERMINATOR, 13);
  w += 13;
  return (size_t)(w - dst);
}

/* ---- derivation ---- */

static void derive(const sigv4_scope *s, awsc_hmac_key *out) {
  uint8_t k1[AWSC_SHA256_LEN], k2[AWSC_SHA256_LEN];
  uint8_t kbuf[64];
  size_t klen = 4 + s->secret.n;
  if (klen <= sizeof(kbuf)) {
    memcpy(kbuf, "AWS4", 4);
    memcpy(kbuf + 4, s->secret.p, s->secret.n);
  } else {
    /* HMAC hashes keys longer than its block: do that here so the
     * "AWS4" + secret concatenation never needs the heap. */
    awsc_sha256_ctx c;
    awsc_sha256_init(&c);
    awsc_sha256_update(&c, "AWS4", 4);
    awsc_sha256_update(&c, s->secret.p, s->secret.n);
    awsc_sha256_final(&c, kbuf);
    awsc_secure_zero(&c, sizeof(c));
    klen = AWSC_SHA256_LEN;
  }
  awsc_hmac_sha256(kbuf, klen, s->date, 8, k1);
  awsc_hmac_sha256(k1, sizeof(k1), s->region.p, s->region.n, k2);
  awsc_hmac_sha256(k2, sizeof(k2), s->service.p, s->service.n, k1);
  awsc_hmac_sha256(k1, sizeof(k1), SIGV4_TERMINATOR,
                   sizeof(SIGV4_TERMINATOR) - 1, k2);
  awsc_hmac_key_init(out, k2, sizeof(k2));
  awsc_secure_zero(kbuf, sizeof(kbuf));
  awsc_secure_zero(k1, sizeof(k1));
  awsc_secure_zero(k2, sizeof(k2));
}

/* 64-bit fingerprint of the secret (murmur-style mixing, 8 bytes a step).
 * It tells two secrets behind the same access key id apart (key rotation,
 * test servers that reuse ids); it does not need to resist an attacker,
 * who would have to know the victim's secret to choose a collision. */
static uint64_t fingerprint(awsc_sv s) {
  const uint64_t m = 0xc6a4a7935bd1e995ull;
  uint64_t h = 0x9e3779b97f4a7c15ull ^ (s.n * m);
  const char *p = s.p;
  size_t n = s.n;
  while (n >= 8) {
    uint64_t w;
    memcpy(&w, p, 8);
    w *= m;
    w ^= w >> 47;
    w *= m;
    h ^= w;
    h *= m;
    p += 8;
    n -= 8;
  }
  if (n) {
    uint64_t w = 0;
    memcpy(&w, p, n);
    h ^= w;
    h *= m;
  }
  h ^= h >> 47;
  h *= m;
  h ^= h >> 47;
  return h;
}

static bool cacheable(const sigv4_scope *s) {
  return s->access_key.n <= SIGV4_SLOT_MAX_AK &&
         s->region.n <= SIGV4_SLOT_MAX_REGION &&
         s->service.n <= SIGV4_SLOT_MAX_SERVICE;
}

static bool slot_matches(const sigv4_key_slot *k, const sigv4_scope *s,
                         uint64_t fp) {
  return k->valid && k->secret_fp == fp && memcmp(k->date, s->date, 8) == 0 &&
         k->ak_len == s->access_key.n && k->region_len == s->region.n &&
         k->service_len == s->service.n &&
         memcmp(k->ak, s->access_key.p, s->access_key.n) == 0 &&
         memcmp(k->region, s->region.p, s->region.n) == 0 &&
         memcmp(k->service, s->service.p, s->service.n) == 0;
}

static void slot_set_identity(sigv4_key_slot *k, const sigv4_scope *s,
                              uint64_t fp) {
  k->secret_fp = fp;
  memcpy(k->date, s->date, 8);
  k->ak_len = (uint8_t)s->access_key.n;
  k->region_len = (uint8_t)s->region.n;
  k->service_len = (uint8_t)s->service.n;
  memcpy(k->ak, s->access_key.p, s->access_key.n);
  memcpy(k->region, s->region.p, s->region.n);
  memcpy(k->service, s->service.p, s->service.n);
}

int sigv4_signing_key(awsc_sigv4_cache *cache, sigv4_key_slot *l1,
                      const sigv4_scope *s, const awsc_hmac_key **out,
                      awsc_error *err) {
  *out = &l1->key;
  uint64_t fp = fingerprint(s->secret);
  /* A remembered identity was checked when it was remembered. */
  if (slot_matches(l1, s, fp))
    return 1;
  int rc = check_scope(s, err);
  if (rc)
    return rc;
  if (!cacheable(s)) {
    l1->valid = false;
    derive(s, &l1->key);
    return 0;
  }

  if (cache) {
    pthread_mutex_lock(&cache->mu);
    for (size_t i = 0; i < CACHE_SLOTS; i++) {
      if (slot_matches(&cache->slots[i], s, fp)) {
        *l1 = cache->slots[i];
        cache->last_used[i] = ++cache->tick;
        cache->hits++;
        pthread_mutex_unlock(&cache->mu);
        return 0;
      }
    }
    cache->misses++;
    pthread_mutex_unlock(&cache->mu);
  }

  /* Derive outside the lock: other threads keep signing meanwhile. */
  l1->valid = false;
  derive(s, &l1->key);
  slot_set_identity(l1, s, fp);
  l1->valid = true;

  if (cache) {
    pthread_mutex_lock(&cache->mu);
    size_t slot = CACHE_SLOTS;
    for (size_t i = 0; i < CACHE_SLOTS && slot == CACHE_SLOTS; i++)
      if (slot_matches(&cache->slots[i], s, fp))
        slot = i; /* another thread derived it meanwhile */
    if (slot == CACHE_SLOTS) {
      /* A free slot, else the least recently used one. */
      slot = 0;
      for (size_t i = 0; i < CACHE_SLOTS; i++) {
        if (!cache->slots[i].valid) {
          slot = i;
          break;
        }
        if (cache->last_used[i] < cache->last_used[slot])
          slot = i;
      }
      awsc_secure_zero(&cache->slots[slot], sizeof(cache->slots[slot]));
      cache->slots[slot] = *l1;
    }
    cache->last_used[slot] = ++cache->tick;
    pthread_mutex_unlock(&cache->mu);
  }
  return 0;
}

/* ---- public cache API ---- */

int awsc_sigv4_cache_new(awsc_sigv4_cache **out, awsc_error *err) {
  if (!out)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "sigv4: cache output pointer is NULL");
  *out = NULL;
  awsc_sigv4_cache *c = awsc_calloc(1, sizeof(*c));
  if (!c)
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "sigv4: out of memory creating the key cache");
  if (pthread_mutex_init(&c->mu, NULL) != 0) {
    awsc_free(c);
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "sigv4: could not create the key cache mutex");
  }
  *out = c;
  return 0;
}

void awsc_sigv4_cache_free(awsc_sigv4_cache *cache) {
  if (!cache)
    return;
  pthread_mutex_destroy(&cache->mu);
  awsc_secure_zero(cache, sizeof(*cache));
  awsc_free(cache);
}

void awsc_sigv4_cache_stats(uint64_t *hits, uint64_t *misses,
                            awsc_sigv4_cache *cache) {
  uint64_t h = 0, m = 0;
  if (cache) {
    pthread_mutex_lock(&cache->mu);
    h = cache->hits;
    m = cache->misses;
    pthread_mutex_unlock(&cache->mu);
  }
  if (hits)
    *hits = h;
  if (misses)
    *misses = m;
}
