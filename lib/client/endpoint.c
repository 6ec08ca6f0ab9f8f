/*
 * Where a call goes: the endpoint rules engine (lib/endpoints) with the
 * service's rule set, compiled once per session, fed with botocore's
 * builtins (region, FIPS, dual-stack, SDK::Endpoint, the S3 settings) and
 * the operation's context parameters; the result gives the URL, the
 * signing name and region, and headers. Services without a rule set
 * (models loaded at run time without endpoint-rule-set-1.json) use
 * https://PREFIX.REGION.DNS_SUFFIX or the configured endpoint, with the
 * older S3 addressing logic.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "client/client_internal.h"
#include "config/settings.h"

void awsc_endpoint_cleanup(awsc_endpoint *ep) {
  if (!ep || ep->in_arena) {
    if (ep)
      memset(ep, 0, sizeof(*ep));
    return;
  }
  awsc_free(ep->url);
  awsc_free(ep->host);
  awsc_free(ep->hostname);
  awsc_free(ep->base_path);
  memset(ep, 0, sizeof(*ep));
}

static bool looks_like_ip(const char *h) {
  if (h[0] == '[')
    return true; /* IPv6 literal */
  int dots = 0;
  for (const char *p = h; *p; p++) {
    if (*p == '.')
      dots++;
    else if (!isdigit((unsigned char)*p))
      return false;
  }
  return dots == 3;
}

static char *dup_n(awsc_arena *a, const char *s, size_t n) {
  return a ? awsc_arena_strndup(a, s, n) : awsc_strndup(s, n);
}

int awsc_endpoint_parse(awsc_endpoint *ep, const char *url, bool custom,
                        awsc_arena *a, awsc_error *err) {
  memset(ep, 0, sizeof(*ep));
  ep->in_arena = a != NULL;
  const char *p = url;
  if (strncmp(p, "https://", 8) == 0) {
    ep->https = true;
    p += 8;
  } else if (strncmp(p, "http://", 7) == 0) {
    p += 7;
  } else {
    return awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                          "Invalid endpoint: %s (must start with http:// or "
                          "https://)",
                          url);
  }
  const char *host_end = p + strcspn(p, "/?#");
  if (host_end == p)
    return awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                          "Invalid endpoint: %s (no host)", url);
  ep->host = dup_n(a, p, (size_t)(host_end - p));
  /* hostname: strip ":port" (but not inside an IPv6 literal) */
  const char *colon = NULL;
  if (*p == '[') {
    const char *rb = memchr(p, ']', (size_t)(host_end - p));
    if (rb)
      colon = (rb + 1 < host_end && rb[1] == ':') ? rb + 1 : NULL;
  } else {
    colon = memchr(p, ':', (size_t)(host_end - p));
  }
  ep->hostname = dup_n(a, p, (size_t)((colon ? colon : host_end) - p));
  const char *path = host_end;
  size_t plen = strcspn(path, "?#");
  while (plen > 0 && path[plen - 1] == '/')
    plen--;
  ep->base_path = dup_n(a, path, plen);
  size_t scheme = ep->https ? 8 : 7;
  size_t hl = (size_t)(host_end - p);
  char *u = a ? awsc_arena_alloc(a, scheme + hl + plen + 1)
              : awsc_malloc(scheme + hl + plen + 1);
  if (u) {
    memcpy(u, ep->https ? "https://" : "http://", scheme);
    memcpy(u + scheme, p, hl);
    memcpy(u + scheme + hl, path, plen);
    u[scheme + hl + plen] = '\0';
  }
  ep->url = u;
  if (!ep->host || !ep->hostname || !ep->base_path || !ep->url) {
    awsc_endpoint_cleanup(ep);
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  }
  ep->custom = custom;
  ep->host_is_ip = looks_like_ip(ep->hostname);
  return 0;
}

static const char *dns_suffix(const char *region) {
  if (strncmp(region, "cn-", 3) == 0)
    return "amazonaws.com.cn";
  if (strncmp(region, "us-iso-", 7) == 0)
    return "c2s.ic.gov";
  if (strncmp(region, "us-isob-", 8) == 0)
    return "sc2s.sgov.gov";
  return "amazonaws.com";
}

int awsc_endpoint_default(awsc_endpoint *ep, const awsc_service *svc,
                          const char *region, awsc_arena *a, awsc_error *err) {
  const char *prefix =
      svc->endpoint_prefix ? svc->endpoint_prefix : svc->signing_name;
  if (!prefix)
    return awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                          "service model has no endpoint prefix");
  awsc_buf u = AWSC_BUF_INIT;
  int rc = awsc_buf_printf(&u, "https://%s.%s.%s", prefix, region,
                           dns_suffix(region));
  if (rc) {
    awsc_buf_free(&u);
    return awsc_error_set(err, rc, AWSC_ERROR_INTERNAL, "out of memory");
  }
  rc = awsc_endpoint_parse(ep, u.p, false, a, err);
  awsc_buf_free(&u);
  return rc;
}

/* botocore's check_dns_name plus the https rule: dots break the
 * certificate's wildcard, so over TLS such buckets go path-style. */
bool awsc_s3_bucket_is_dns_compatible(const char *b, bool https) {
  size_t n = strlen(b);
  if (n < 3 || n > 63)
    return false;
  if (!islower((unsigned char)b[0]) && !isdigit((unsigned char)b[0]))
    return false;
  if (!islower((unsigned char)b[n - 1]) && !isdigit((unsigned char)b[n - 1]))
    return false;
  for (size_t i = 0; i < n; i++) {
    char c = b[i];
    if (c == '.') {
      if (https)
        return false;
      if (b[i + 1] == '.' || b[i + 1] == '-' || (i > 0 && b[i - 1] == '-'))
        return false;
    } else if (!(islower((unsigned char)c) || isdigit((unsigned char)c) ||
                 c == '-')) {
      return false;
    }
  }
  return !looks_like_ip(b);
}

/* botocore's LEGACY_GLOBAL_STS_REGIONS */
static bool sts_legacy_global_region(const char *r) {
  static const char *const regions[] = {
      "ap-northeast-1", "ap-south-1",   "ap-southeast-1", "ap-southeast-2",
      "aws-global",     "ca-central-1", "eu-central-1",   "eu-north-1",
      "eu-west-1",      "eu-west-2",    "eu-west-3",      "sa-east-1",
      "us-east-1",      "us-east-2",    "us-west-1",      "us-west-2"};
  for (size_t i = 0; i < sizeof(regions) / sizeof(regions[0]); i++)
    if (strcmp(r, regions[i]) == 0)
      return true;
  return false;
}

typedef struct rules_ctx {
  const awsc_service *svc;
  awsc_ep_partitions *parts;
} rules_ctx;

static int make_partitions(void *ctx, void **out, awsc_error *err) {
  (void)ctx;
  size_t len = 0;
  const char *text = awsc_builtin_partitions(&len);
  if (!text)
    return awsc_error_set(err, AWSC_ENOTFOUND, AWSC_ERROR_INTERNAL,
                          "no partitions.json built in");
  awsc_ep_partitions *p = NULL;
  int rc = awsc_ep_partitions_new(&p, text, len, err);
  *out = p;
  return rc;
}

static int make_ruleset(void *ctx, void **out, awsc_error *err) {
  rules_ctx *rc_ = ctx;
  awsc_ep_ruleset *rs = NULL;
  int rc = awsc_ep_ruleset_new(&rs, rc_->svc->endpoint_ruleset,
                               rc_->svc->endpoint_ruleset_len, rc_->parts, err);
  *out = rs;
  return rc;
}

static void free_partitions(void *p) {
  awsc_ep_partitions_free(p);
}
static void free_ruleset(void *p) {
  awsc_ep_ruleset_free(p);
}

/* botocore's validate_region_name */
static bool valid_region_name(const char *r) {
  size_t n = strlen(r);
  if (n == 0 || n > 63)
    return false;
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)r[i];
    if (!isalnum(ch) && !(ch == '-' && i > 0 && i < n - 1))
      return false;
  }
  return true;
}

int awsc_client_endpoints_init(awsc_client *c, const char *endpoint_url,
                               awsc_error *err) {
  awsc_session *s = c->session;
  if (!endpoint_url && !valid_region_name(c->region))
    return awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                          "Provided region_name '%s' doesn't match a "
                          "supported format.",
                          c->region);
  awsc_client_ep_settings *e = &c->ep;
  bool s3 = c->svc->hooks && (c->svc->hooks->flags & AWSC_HOOK_S3_SETTINGS);
  /* The builtins' settings (lib/config/settings.c). */
  const awsc_config *cfg = awsc_session_config(s);
  e->fips = awsc_setting_bool(cfg, AWSC_SETTING_USE_FIPS_ENDPOINT);
  e->dualstack =
      awsc_setting_bool(cfg, AWSC_SETTING_USE_DUALSTACK_ENDPOINT) ||
      (s3 && awsc_setting_bool(cfg, AWSC_SETTING_S3_USE_DUALSTACK_ENDPOINT));
  e->accelerate =
      s3 && awsc_setting_bool(cfg, AWSC_SETTING_S3_USE_ACCELERATE_ENDPOINT);
  e->s3_global =
      strcmp(c->region, "us-east-1") == 0 &&
      awsc_setting_choice(cfg, AWSC_SETTING_S3_US_EAST_1_REGIONAL_ENDPOINT) !=
          AWSC_SETTING_REGIONAL;
  e->arn_region = awsc_setting_bool(cfg, AWSC_SETTING_S3_USE_ARN_REGION);
  e->disable_mrap =
      awsc_setting_bool(cfg, AWSC_SETTING_S3_DISABLE_MULTIREGION_ACCESS_POINTS);
  e->disable_express =
      awsc_setting_bool(cfg, AWSC_SETTING_S3_DISABLE_EXPRESS_SESSION_AUTH);
  e->sts_global =
      !endpoint_url &&
      awsc_setting_choice(cfg, AWSC_SETTING_STS_REGIONAL_ENDPOINTS) ==
          AWSC_SETTING_LEGACY &&
      sts_legacy_global_region(c->region);
  /* botocore: with an endpoint_url, path-style unless virtual is asked */
  if (e->accelerate)
    e->force_path = false;
  else if (endpoint_url)
    e->force_path = c->addressing != 2;
  else
    e->force_path = c->addressing == 1;
  if (endpoint_url) {
    e->fips = false;
    e->dualstack = false;
  }

  if (!c->svc->endpoint_ruleset)
    return 0;
  void *parts = NULL, *rs = NULL;
  int rc = awsc_session_shared(s, awsc_builtin_partitions, make_partitions,
                               NULL, free_partitions, &parts, err);
  if (rc)
    return rc;
  rules_ctx ctx = {c->svc, parts};
  if (c->model_arena) {
    /* a model loaded at run time: its text dies with the client, so the
     * rule set is the client's own (the session caches by address) */
    rc = make_ruleset(&ctx, &rs, err);
    if (rc)
      return rc;
    c->ep_rules_owned = rs;
  } else {
    rc = awsc_session_shared(s, c->svc->endpoint_ruleset, make_ruleset, &ctx,
                             free_ruleset, &rs, err);
    if (rc)
      return rc;
  }
  c->ep_rules = rs;
  const awsc_ep_ruleset *r = c->ep_rules;
  e->i_region = awsc_ep_ruleset_find_builtin(r, "AWS::Region");
  e->i_fips = awsc_ep_ruleset_find_builtin(r, "AWS::UseFIPS");
  e->i_dualstack = awsc_ep_ruleset_find_builtin(r, "AWS::UseDualStack");
  e->i_endpoint = awsc_ep_ruleset_find_builtin(r, "SDK::Endpoint");
  e->i_force_path = awsc_ep_ruleset_find_builtin(r, "AWS::S3::ForcePathStyle");
  e->i_accelerate = awsc_ep_ruleset_find_builtin(r, "AWS::S3::Accelerate");
  e->i_s3_global =
      awsc_ep_ruleset_find_builtin(r, "AWS::S3::UseGlobalEndpoint");
  e->i_arn_region = awsc_ep_ruleset_find_builtin(r, "AWS::S3::UseArnRegion");
  e->i_mrap = awsc_ep_ruleset_find_builtin(
      r, "AWS::S3::DisableMultiRegionAccessPoints");
  e->i_express =
      awsc_ep_ruleset_find_builtin(r, "AWS::S3::DisableS3ExpressSessionAuth");
  e->i_sts_global =
      awsc_ep_ruleset_find_builtin(r, "AWS::STS::UseGlobalEndpoint");
  return 0;
}

/* ---- per call ---- */

static int set_bool(awsc_ep_params *p, int i, bool v) {
  return i < 0 ? 0 : awsc_ep_params_set(p, i, awsc_ep_bool(v), NULL);
}
static int set_str(awsc_ep_params *p, int i, const char *v) {
  return (i < 0 || !v) ? 0 : awsc_ep_params_set(p, i, awsc_ep_string(v), NULL);
}

static bool is_arn(const char *s) {
  return strncmp(s, "arn:", 4) == 0;
}

/* Append `rest` (the serialized path, bucket removed) to the endpoint's
 * path as botocore's _urljoin does. */
static const char *url_join(awsc_arena *a, const char *base, const char *rest) {
  if (!*rest || strcmp(rest, "/") == 0)
    return *base ? base : "/";
  size_t bl = strlen(base);
  if (bl && base[bl - 1] == '/' && rest[0] == '/')
    bl--;
  size_t rl = strlen(rest);
  char *out = awsc_arena_alloc(a, bl + rl + 1);
  if (!out)
    return NULL;
  memcpy(out, base, bl);
  memcpy(out + bl, rest, rl + 1);
  return out;
}

/* The serialized path without its leading "/{Bucket}" (S3 operations whose
 * URI starts with it: the rules put the bucket in the host or path). The
 * path holds the bucket percent-encoded as awsc_uri_encode writes it
 * (unreserved kept, the rest %XX upper-case): compared in place. */
static int strip_bucket(awsc_arena *a, const awsc_operation *op,
                        const char *bucket, const char *path,
                        const char **out) {
  static const char hex[] = "0123456789ABCDEF";
  (void)a;
  *out = path;
  if (!bucket || strncmp(op->request_uri, "/{Bucket}", 9) != 0 ||
      path[0] != '/')
    return 0;
  const char *p = path + 1;
  for (const unsigned char *b = (const unsigned char *)bucket; *b; b++) {
    if (awsc_uri_unreserved[*b]) {
      if (*p++ != (char)*b)
        return 0;
    } else {
      if (p[0] != '%' || p[1] != hex[*b >> 4] || p[2] != hex[*b & 15])
        return 0;
      p += 3;
    }
  }
  if (*p == '/' || *p == '\0')
    *out = p;
  return 0;
}

static int legacy_target(awsc_client *c, const awsc_call *call,
                         const awsc_serialized_request *sr, const char *region,
                         int path_style, awsc_call_target *t, awsc_error *err);

/* ---- resolved endpoints, cached per client ----
 * The rules' answer depends only on the region, the path-style choice,
 * the operation's static context parameters and the context parameter
 * values of the input (the other builtins are fixed per client): that is
 * the key. A hit copies the answer into the call's arena (another thread
 * may evict the entry meanwhile). Allocation happens on a miss only. */

static bool key_put(char *k, size_t *n, size_t cap, const void *p, size_t len) {
  if (*n + len + 1 > cap)
    return false;
  memcpy(k + *n, p, len);
  *n += len;
  k[(*n)++] = '\0';
  return true;
}

/* The cache key of a call in k[0..*n); false when it does not fit (the
 * call is then resolved without the cache). */
static bool cache_key(const awsc_call *call, const char *region,
                      bool force_path, char *k, size_t cap, size_t *n) {
  const awsc_operation *op = call->op;
  const void *scp = op ? (const void *)op->static_context_params : NULL;
  char fp = force_path ? '1' : '0';
  *n = 0;
  if (!key_put(k, n, cap, &scp, sizeof(scp)) || !key_put(k, n, cap, &fp, 1) ||
      !key_put(k, n, cap, region, strlen(region)))
    return false;
  for (uint32_t i = 0; op && call->input && i < op->context_param_count; i++) {
    const awsc_value *v =
        awsc_value_get(call->input, op->context_params[i].member);
    if (!v)
      continue;
    char tag = (char)('A' + i % 26);
    if (!key_put(k, n, cap, &tag, 1))
      return false;
    if (v->type == AWSC_V_STRING) {
      if (!key_put(k, n, cap, v->u.s.p, v->u.s.n))
        return false;
    } else if (v->type == AWSC_V_BOOL) {
      if (!key_put(k, n, cap, v->u.b ? "t" : "f", 1))
        return false;
    }
  }
  return true;
}

static void fill_from_entry(awsc_arena *a, const awsc_ep_cache_entry *en,
                            awsc_call_target *t, const char **base) {
  /* one arena block: the strings back to back as in the entry */
  char *blk = awsc_arena_alloc(a, en->text_len);
  if (!blk) {
    t->host = NULL;
    return;
  }
  memcpy(blk, en->text, en->text_len);
  t->https = en->https;
  t->url_base = blk + (en->url - en->text);
  t->host = blk + (en->host - en->text);
  *base = blk + (en->base - en->text);
  t->signing_name = blk + (en->sname - en->text);
  t->signing_region = blk + (en->sregion - en->text);
}

static bool cache_lookup(awsc_client *c, const char *k, size_t n, awsc_arena *a,
                         awsc_call_target *t, const char **base) {
  bool hit = false;
  pthread_mutex_lock(&c->ep_cache_lock);
  for (size_t i = 0; i < AWSC_EP_CACHE_SIZE; i++) {
    awsc_ep_cache_entry *en = &c->ep_cache[i];
    if (en->key && en->key_len == n && memcmp(en->key, k, n) == 0) {
      fill_from_entry(a, en, t, base);
      hit = t->host != NULL;
      break;
    }
  }
  pthread_mutex_unlock(&c->ep_cache_lock);
  return hit;
}

void awsc_ep_cache_entry_clear(awsc_ep_cache_entry *en) {
  awsc_free(en->key);
  awsc_free(en->text);
  memset(en, 0, sizeof(*en));
}

static void cache_insert(awsc_client *c, const char *k, size_t n,
                         const awsc_call_target *t, const char *base) {
  const char *parts[5] = {t->url_base, t->host, base, t->signing_name,
                          t->signing_region};
  size_t lens[5], total = 0;
  for (size_t i = 0; i < 5; i++)
    total += (lens[i] = strlen(parts[i])) + 1;
  char *key = awsc_malloc(n);
  char *text = awsc_malloc(total);
  if (!key || !text) {
    awsc_free(key);
    awsc_free(text);
    return; /* no cache then */
  }
  memcpy(key, k, n);
  char *ptr[5];
  size_t o = 0;
  for (size_t i = 0; i < 5; i++) {
    ptr[i] = text + o;
    memcpy(ptr[i], parts[i], lens[i] + 1);
    o += lens[i] + 1;
  }
  pthread_mutex_lock(&c->ep_cache_lock);
  awsc_ep_cache_entry *en = &c->ep_cache[c->ep_cache_next];
  c->ep_cache_next = (c->ep_cache_next + 1) % AWSC_EP_CACHE_SIZE;
  awsc_ep_cache_entry_clear(en);
  en->key = key;
  en->key_len = n;
  en->text = text;
  en->text_len = total;
  en->https = t->https;
  en->url = ptr[0];
  en->host = ptr[1];
  en->base = ptr[2];
  en->sname = ptr[3];
  en->sregion = ptr[4];
  pthread_mutex_unlock(&c->ep_cache_lock);
}

/* Resolve with the rules engine: t's URL, host, signing name/region and
 * headers, *base the endpoint's path. */
static int rules_resolve(awsc_client *c, const awsc_call *call,
                         const char *region, bool force_path,
                         awsc_call_target *t, const char **base,
                         awsc_error *err) {
  awsc_arena *a = call->arena;
  const awsc_operation *op = call->op;
  const awsc_client_ep_settings *e = &c->ep;
  awsc_ep_params p;
  if (awsc_ep_params_init(&p, c->ep_rules, a))
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  int rc = 0;
  rc |= set_str(&p, e->i_region, region);
  rc |= set_bool(&p, e->i_fips, e->fips);
  rc |= set_bool(&p, e->i_dualstack, e->dualstack);
  if (c->endpoint.custom)
    rc |= set_str(&p, e->i_endpoint, c->endpoint_given);
  rc |= set_bool(&p, e->i_force_path, force_path);
  rc |= set_bool(&p, e->i_accelerate, e->accelerate);
  rc |= set_bool(&p, e->i_s3_global,
                 e->s3_global && strcmp(region, c->region) == 0);
  rc |= set_bool(&p, e->i_arn_region, e->arn_region);
  rc |= set_bool(&p, e->i_mrap, e->disable_mrap);
  rc |= set_bool(&p, e->i_express, e->disable_express);
  rc |= set_bool(&p, e->i_sts_global, e->sts_global);
  for (uint32_t i = 0; op && i < op->static_context_param_count; i++) {
    const awsc_static_context_param *sp = &op->static_context_params[i];
    int idx = awsc_ep_ruleset_find_param(c->ep_rules, sp->name);
    if (idx < 0)
      continue;
    rc |= sp->string_value
              ? awsc_ep_params_set(&p, idx, awsc_ep_string(sp->string_value),
                                   NULL)
              : awsc_ep_params_set(&p, idx, awsc_ep_bool(sp->bool_value != 0),
                                   NULL);
  }
  for (uint32_t i = 0; op && call->input && i < op->context_param_count; i++) {
    const awsc_context_param *cp = &op->context_params[i];
    const awsc_value *v = awsc_value_get(call->input, cp->member);
    if (!v)
      continue;
    int idx = awsc_ep_ruleset_find_param(c->ep_rules, cp->name);
    if (idx < 0)
      continue;
    if (v->type == AWSC_V_STRING)
      rc |= awsc_ep_params_set(&p, idx, awsc_ep_string_n(v->u.s.p, v->u.s.n),
                               NULL);
    else if (v->type == AWSC_V_BOOL)
      rc |= awsc_ep_params_set(&p, idx, awsc_ep_bool(v->u.b), NULL);
  }
  if (rc)
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  awsc_ep_result res;
  rc = awsc_ep_resolve(c->ep_rules, &res, &p, a, err);
  if (rc)
    return rc; /* AWSC_EVALIDATION with the rule set's message */

  awsc_endpoint ep;
  if ((rc = awsc_endpoint_parse(&ep, res.url, c->endpoint.custom, a, err)))
    return rc;
  t->https = ep.https;
  t->host = ep.host;
  t->url_base = ep.url;
  /* the endpoint's path as the rules wrote it (a trailing '/' kept, as
   * botocore joins it) */
  const char *auth = strstr(res.url, "://");
  const char *bp = auth ? auth + 3 + strcspn(auth + 3, "/?#") : "";
  *base = awsc_arena_strndup(a, bp, strcspn(bp, "?#"));
  if (!*base)
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");

  /* auth scheme: the first one awsc can sign with */
  size_t n = awsc_ep_auth_scheme_count(&res);
  bool chosen = n == 0;
  const char *unsupported = NULL;
  for (size_t i = 0; i < n && !chosen; i++) {
    awsc_ep_auth_scheme as;
    if (!awsc_ep_auth_scheme_at(&res, &as, i))
      continue;
    if (strcmp(as.name, "sigv4") == 0) {
      if (as.signing_name)
        t->signing_name = as.signing_name;
      if (as.signing_region)
        t->signing_region = as.signing_region;
      chosen = true;
    } else if (!unsupported) {
      unsupported = as.name;
    }
  }
  if (!chosen)
    return awsc_error_set(
        err, AWSC_EUNSUPPORTED, AWSC_ERROR_VALIDATION,
        "The endpoint %s needs the authentication scheme %s, which awsc does "
        "not support (sigv4a: multi-region access points; sigv4-s3express: "
        "S3 Express One Zone)",
        res.url, unsupported ? unsupported : "?");

  /* headers the endpoint asks for */
  size_t hn = 0;
  for (size_t i = 0; i < res.header_count; i++)
    hn += res.headers[i].count;
  if (hn) {
    awsc_http_header *hs = awsc_arena_calloc(a, hn, sizeof(*hs));
    if (!hs)
      return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                            "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < res.header_count; i++)
      for (size_t j = 0; j < res.headers[i].count; j++) {
        hs[k].name = res.headers[i].name;
        hs[k].value = res.headers[i].values[j];
        k++;
      }
    t->headers = hs;
    t->header_count = hn;
  }
  return 0;
}

/* The input member the service moves into the host name (S3's bucket),
 * or NULL: the service's endpoint hook says. */
static const char *host_label(const awsc_client *c, const awsc_call *call) {
  const awsc_service_hooks *hk = c->svc->hooks;
  if (!hk || !hk->endpoint_host_label || !call->input)
    return NULL;
  return hk->endpoint_host_label(call->op, call->input);
}

int awsc_client_target(awsc_client *c, const awsc_call *call,
                       const awsc_serialized_request *sr, const char *region,
                       int path_style, awsc_call_target *t, awsc_error *err) {
  memset(t, 0, sizeof(*t));
  if (!region)
    region = c->region;
  t->signing_region = region;
  t->signing_name =
      c->svc->signing_name ? c->svc->signing_name : c->svc->endpoint_prefix;
  if (!c->ep_rules)
    return legacy_target(c, call, sr, region, path_style, t, err);

  awsc_arena *a = call->arena;
  const awsc_operation *op = call->op;
  const awsc_service_hooks *hk = c->svc->hooks;
  const char *bucket = host_label(c, call);
  bool force_path = c->ep.force_path;
  if (path_style >= 0)
    force_path = path_style == 1;
  else if (op && hk && hk->force_path_style && hk->force_path_style(op))
    force_path = true;
  else if (bucket && is_arn(bucket))
    force_path = false;

  char key[512];
  size_t kn = 0;
  bool cacheable = cache_key(call, region, force_path, key, sizeof(key), &kn);
  const char *base = NULL;
  if (!cacheable || !cache_lookup(c, key, kn, a, t, &base)) {
    int rc = rules_resolve(c, call, region, force_path, t, &base, err);
    if (rc)
      return rc;
    if (cacheable && !t->header_count)
      cache_insert(c, key, kn, t, base);
  }

  const char *rest = sr ? (sr->path ? sr->path : "/") : "/";
  int rc;
  if (op && bucket && (rc = strip_bucket(a, op, bucket, rest, &rest)))
    return awsc_error_set(err, rc, AWSC_ERROR_INTERNAL, "out of memory");
  t->path = url_join(a, base, rest);
  const char *h = t->host;
  if (sr && sr->host_prefix && *sr->host_prefix) {
    size_t len = strlen(sr->host_prefix) + strlen(h) + 1;
    char *hs = awsc_arena_alloc(a, len);
    if (hs)
      snprintf(hs, len, "%s%s", sr->host_prefix, h);
    h = hs;
  }
  t->host = h;
  if (!t->path || !t->host)
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  return 0;
}

/* Without a rule set: the configured endpoint or the AWS pattern for the
 * region, S3 virtual-hosted style when it applies. */
static int legacy_target(awsc_client *c, const awsc_call *call,
                         const awsc_serialized_request *sr, const char *region,
                         int path_style, awsc_call_target *t, awsc_error *err) {
  awsc_arena *a = call->arena;
  awsc_endpoint ep_local;
  const awsc_endpoint *ep = &c->endpoint;
  if (!c->endpoint.custom && strcmp(region, c->region) != 0) {
    int rc = awsc_endpoint_default(&ep_local, c->svc, region, a, err);
    if (rc)
      return rc;
    ep = &ep_local;
  }
  t->https = ep->https;
  t->url_base = ep->url;
  const char *h = ep->host;
  const char *p = (sr && sr->path) ? sr->path : "/";
  int addressing = path_style < 0 ? c->addressing : path_style == 1 ? 1 : 2;
  const char *label = host_label(c, call);
  if (label) {
    bool virt = false;
    if (addressing != 1) {
      bool ok = awsc_s3_bucket_is_dns_compatible(label, ep->https);
      if (addressing == 2)
        virt = ok;
      else /* auto: virtual for AWS endpoints, path for custom ones */
        virt = ok && !ep->custom && !ep->host_is_ip;
    }
    if (virt) {
      size_t bl = strlen(label);
      if (p[0] == '/' && strncmp(p + 1, label, bl) == 0 &&
          (p[1 + bl] == '/' || p[1 + bl] == '\0')) {
        p = p[1 + bl] ? p + 1 + bl : "/";
        size_t n = bl + 1 + strlen(h) + 1;
        char *hs = awsc_arena_alloc(a, n);
        if (!hs)
          goto oom;
        snprintf(hs, n, "%s.%s", label, h);
        h = hs;
      }
    }
  }
  if (sr && sr->host_prefix && *sr->host_prefix) {
    size_t n = strlen(sr->host_prefix) + strlen(h) + 1;
    char *hs = awsc_arena_alloc(a, n);
    if (!hs)
      goto oom;
    snprintf(hs, n, "%s%s", sr->host_prefix, h);
    h = hs;
  }
  if (ep->base_path && *ep->base_path) {
    size_t n = strlen(ep->base_path) + strlen(p) + 1;
    char *ps = awsc_arena_alloc(a, n);
    if (!ps)
      goto oom;
    snprintf(ps, n, "%s%s", ep->base_path, p);
    p = ps;
  }
  t->host = h;
  t->path = p;
  return 0;
oom:
  return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL, "out of memory");
}
