/*
 * lib/auth/sigv4.c - AWS Signature Version 4: Authorization-header signing
 * and presigning (query signing).
 *
 * Speed comes from doing little: the signing key comes from a cache (see
 * sigv4_key.c) as precomputed HMAC pad states; every string is built in
 * the result's reusable working memory (or on the stack) with one size
 * computation and one reservation instead of many appends, so a reused
 * result signs without touching the allocator; headers and parameters are
 * sorted in small arrays on the stack.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "auth/sigv4_internal.h"

/* Headers / query parameters sorted on the stack up to these counts; more
 * use arrays kept in the result's working memory. */
#define STACK_HEADERS 32
#define STACK_PARAMS 32

/* Upper bound of a string to sign: algorithm line, date line, scope line
 * (regions and services are at most SIGV4_MAX_SCOPE_PART bytes), hash. */
#define STS_MAX                                                                \
  (17 + 17 + 8 + 1 + 2 * SIGV4_MAX_SCOPE_PART + 1 + 13 + 1 + 64 + 1)

typedef struct sigv4_ws {
  awsc_buf creq;    /* canonical request */
  awsc_buf query;   /* canonical query, then the query to send */
  awsc_buf scratch; /* encoded parameter names and values */
  awsc_buf path_a;  /* canonical path work */
  awsc_buf path_b;
  awsc_buf names;       /* lower-cased header names */
  awsc_buf signed_hdrs; /* "host;x-amz-date" */
  awsc_buf auth;        /* Authorization value */
  awsc_buf token;       /* copy of the session token for the output */
  awsc_buf sts;         /* string to sign, AWSC_SIGV4_DEBUG only */
  sigv4_hdr *hdrs;
  size_t hdrs_cap;
  sigv4_qp *qps;
  size_t qps_cap;
  int64_t date_sec; /* the second amz_date holds; INT64_MIN = none */
  char amz_date[17];
  char payload[129];  /* caller's payload hash / hex of the body */
  sigv4_key_slot key; /* last key used through this result */
  /* The inner HMAC state after the key pad and the first 64 bytes of the
   * string to sign ("AWS4-HMAC-SHA256\n<date time>\n<scope...>"), which
   * only change with the second and the scope: signing many requests a
   * second saves one SHA-256 block each. */
  int64_t sts_head_sec; /* date_sec it was made for; INT64_MIN = none */
  awsc_sha256_ctx sts_head_state;
} sigv4_ws;

static const char *const k_empty = "";

static void clear_output(awsc_sigv4_result *out) {
  memset(out->headers, 0, sizeof(out->headers));
  out->header_count = 0;
  out->query = NULL;
  out->signature[0] = '\0';
  out->amz_date[0] = '\0';
  out->canonical_request = NULL;
  out->string_to_sign = NULL;
}

static sigv4_ws *get_ws(awsc_sigv4_result *out) {
  if (!out->internal_) {
    sigv4_ws *ws = awsc_calloc(1, sizeof(*ws));
    if (!ws)
      return NULL;
    ws->date_sec = INT64_MIN;
    ws->sts_head_sec = INT64_MIN;
    out->internal_ = ws;
  }
  return out->internal_;
}

void awsc_sigv4_result_cleanup(awsc_sigv4_result *out) {
  if (!out)
    return;
  sigv4_ws *ws = out->internal_;
  if (ws) {
    awsc_buf *bufs[] = {&ws->creq,   &ws->query, &ws->scratch,     &ws->path_a,
                        &ws->path_b, &ws->names, &ws->signed_hdrs, &ws->auth,
                        &ws->token,  &ws->sts};
    for (size_t i = 0; i < AWSC_ARRAY_LEN(bufs); i++) {
      if (bufs[i]->p)
        awsc_secure_zero(bufs[i]->p, bufs[i]->cap);
      awsc_buf_free(bufs[i]);
    }
    awsc_free(ws->hdrs);
    awsc_free(ws->qps);
    awsc_secure_zero(ws, sizeof(*ws));
    awsc_free(ws);
  }
  awsc_sigv4_result init = AWSC_SIGV4_RESULT_INIT;
  *out = init;
}

size_t sigv4_result_bytes(const awsc_sigv4_result *out) {
  const sigv4_ws *ws = out ? out->internal_ : NULL;
  if (!ws)
    return 0;
  const awsc_buf *bufs[] = {
      &ws->creq,  &ws->query,       &ws->scratch, &ws->path_a, &ws->path_b,
      &ws->names, &ws->signed_hdrs, &ws->auth,    &ws->token,  &ws->sts};
  size_t n = sizeof(*ws) + ws->hdrs_cap * sizeof(sigv4_hdr) +
             ws->qps_cap * sizeof(sigv4_qp);
  for (size_t i = 0; i < AWSC_ARRAY_LEN(bufs); i++)
    n += bufs[i]->cap;
  return n;
}

/* Make arr (with *cap elements) hold n elements of elem bytes. Returns the
 * array, possibly moved, or NULL (then arr is unchanged). */
static void *grow_array(void *arr, size_t *cap, size_t n, size_t elem) {
  if (*cap >= n)
    return arr;
  if (n > SIZE_MAX / elem)
    return NULL;
  void *p = awsc_realloc(arr, n * elem);
  if (p)
    *cap = n;
  return p;
}

static inline char *put(char *w, const void *s, size_t n) {
  memcpy(w, s, n);
  return w + n;
}

#define PUT_LIT(w, lit) put((w), (lit), sizeof(lit) - 1)

/* Close a buffer written through put(): set its length, NUL-terminate. */
static void buf_close(awsc_buf *b, char *w) {
  b->len = (size_t)(w - b->p);
  *w = '\0';
}

static int oom(awsc_error *err) {
  return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                        "sigv4: out of memory");
}

static bool payload_hash_ok(const char *s, size_t n) {
  if (n == 0 || n > 128)
    return false;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (!awsc_uri_unreserved[c] || c == '.' || c == '~')
      return false;
  }
  return true;
}

static bool method_ok(const char *m) {
  if (!*m)
    return false;
  for (; *m; m++)
    if (!awsc_uri_unreserved[(unsigned char)*m])
      return false;
  return true;
}

/* Parameters the presigner adds itself (compared ignoring case, as the
 * services do). */
static const char *presign_param_conflict(const char *name, bool token) {
  static const char *const names[] = {"X-Amz-Algorithm",     "X-Amz-Credential",
                                      "X-Amz-Date",          "X-Amz-Expires",
                                      "X-Amz-SignedHeaders", "X-Amz-Signature",
                                      "X-Amz-Security-Token"};
  if ((name[0] | 0x20) != 'x')
    return NULL;
  for (size_t i = 0; i < AWSC_ARRAY_LEN(names); i++) {
    if (i == AWSC_ARRAY_LEN(names) - 1 && !token)
      break;
    if (strcasecmp(name, names[i]) == 0)
      return names[i];
  }
  return NULL;
}

/* Percent-encode s onto b. The leading run of unreserved characters (often
 * all of it: "versionId", "max-keys", "1000") is copied as is. */
static int encode_param(awsc_buf *b, const char *s, size_t n) {
  size_t plain = 0;
  while (plain < n && awsc_uri_unreserved[(unsigned char)s[plain]])
    plain++;
  int rc = awsc_buf_append(b, s, plain);
  if (rc == 0 && plain < n)
    rc = awsc_uri_encode(b, s + plain, n - plain, false);
  return rc;
}

/* Encode name and value into ws->scratch and record them in *q. */
static int add_param(sigv4_ws *ws, sigv4_qp *q, const char *name, size_t nl,
                     const char *value, size_t vl) {
  q->name_off = ws->scratch.len;
  int rc = encode_param(&ws->scratch, name, nl);
  if (rc)
    return rc;
  q->name_len = ws->scratch.len - q->name_off;
  q->value_off = ws->scratch.len;
  rc = encode_param(&ws->scratch, value, vl);
  if (rc)
    return rc;
  q->value_len = ws->scratch.len - q->value_off;
  return 0;
}

typedef struct sign_ctx {
  const awsc_sigv4_params *p;
  const awsc_sigv4_request *r;
  bool presign;
  sigv4_scope scope;
  const char *token; /* NULL = no session token */
  size_t token_len;
  bool omit_token; /* token given, added after signing */
  bool add_sha;    /* output and sign x-amz-content-sha256 */
  const char *ph;  /* payload hash */
  size_t ph_len;
  char scope_str[8 + 1 + 2 * SIGV4_MAX_SCOPE_PART + 1 + 13];
  size_t scope_len;
} sign_ctx;

static int payload_hash(sign_ctx *c, sigv4_ws *ws, awsc_error *err) {
  const awsc_sigv4_request *r = c->r;
  if (r->flags & AWSC_SIGV4_STREAMING) {
    c->ph = AWSC_SIGV4_STREAMING_PAYLOAD_HASH;
  } else if (r->flags & AWSC_SIGV4_UNSIGNED_PAYLOAD) {
    c->ph = AWSC_SIGV4_UNSIGNED_PAYLOAD_HASH;
  } else if (r->payload_hash) {
    size_t n = strlen(r->payload_hash);
    if (!payload_hash_ok(r->payload_hash, n))
      return awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                            "sigv4: payload_hash must be 1 to 128 letters, "
                            "digits, '-' or '_' (hex SHA-256 or a special "
                            "value)");
    memcpy(ws->payload, r->payload_hash, n + 1);
    c->ph = ws->payload;
  } else if (r->body_len == 0) {
    c->ph = AWSC_SIGV4_EMPTY_PAYLOAD_HASH;
  } else if (!r->body) {
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "sigv4: body is NULL but body_len is not 0");
  } else {
    awsc_sha256_hex(r->body, r->body_len, ws->payload);
    c->ph = ws->payload;
  }
  c->ph_len = strlen(c->ph);
  return 0;
}

static inline sigv4_hdr hdr(const char *name, size_t name_len,
                            const char *value, size_t value_len, size_t order) {
  return (sigv4_hdr){.name = name,
                     .value = value,
                     .name_len = name_len,
                     .value_len = value_len,
                     .order = order};
}

/* Collect, filter and sort the headers to sign; build the signed-headers
 * list. *block_bound gets an upper bound of the canonical header block. */
static int collect_headers(sign_ctx *c, sigv4_ws *ws, sigv4_hdr *stack_h,
                           sigv4_hdr **out_h, size_t *out_n,
                           size_t *block_bound, awsc_error *err) {
  const awsc_sigv4_request *r = c->r;
  size_t cap = r->header_count + 4;
  sigv4_hdr *h = stack_h;
  if (cap > STACK_HEADERS) {
    h = grow_array(ws->hdrs, &ws->hdrs_cap, cap, sizeof(*h));
    if (!h)
      return oom(err);
    ws->hdrs = h;
  }
  /* Pass 1: name lengths, to size the lower-cased name storage once. */
  size_t total = 0;
  for (size_t i = 0; i < r->header_count; i++) {
    const awsc_http_header *in = &r->headers[i];
    if (!in->name || !in->value)
      return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                            "sigv4: header #%zu has a NULL name or value", i);
    h[i].name_len = strlen(in->name);
    total += h[i].name_len;
  }
  awsc_buf_reset(&ws->names);
  if (awsc_buf_reserve(&ws->names, total + 1))
    return oom(err);
  /* Pass 2: lower-case, validate, classify, keep what is signed. */
  char *lw = ws->names.p;
  size_t n = 0;
  bool has_host = false;
  for (size_t i = 0; i < r->header_count; i++) {
    const awsc_http_header *in = &r->headers[i];
    size_t nl = h[i].name_len;
    if (!sigv4_lower_name(lw, in->name, nl))
      return awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                            "sigv4: header #%zu has an empty or invalid name",
                            i);
    switch (sigv4_header_class(lw, nl)) {
    case SIGV4_H_SKIP:
    case SIGV4_H_AUTHORIZATION:
    case SIGV4_H_DATE:
      continue;
    case SIGV4_H_TOKEN:
      if (c->token)
        continue;
      break;
    case SIGV4_H_CONTENT_SHA256:
      if (c->add_sha)
        continue;
      break;
    case SIGV4_H_HOST:
      has_host = true;
      break;
    case SIGV4_H_SIGN:
      break;
    }
    h[n++] = hdr(lw, nl, in->value, strlen(in->value), i);
    lw += nl;
  }
  size_t order = r->header_count;
  if (!has_host) {
    if (!r->host || !*r->host)
      return awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                            "sigv4: the request has no Host header and no "
                            "host");
    h[n++] = hdr("host", 4, r->host, strlen(r->host), order++);
  }
  if (!c->presign) {
    h[n++] = hdr("x-amz-date", 10, ws->amz_date, 16, order++);
    if (c->token && !c->omit_token)
      h[n++] = hdr("x-amz-security-token", 20, c->token, c->token_len, order++);
    if (c->add_sha)
      h[n++] = hdr("x-amz-content-sha256", 20, c->ph, c->ph_len, order++);
  }
  sigv4_sort_headers(h, n);

  size_t names = 0, bound = 0;
  for (size_t i = 0; i < n; i++) {
    names += h[i].name_len + 1;
    bound += h[i].name_len + h[i].value_len + 2;
    h[i].repeated = i > 0 && h[i].name_len == h[i - 1].name_len &&
                    memcmp(h[i].name, h[i - 1].name, h[i].name_len) == 0;
  }
  awsc_buf *sh = &ws->signed_hdrs;
  awsc_buf_reset(sh);
  if (awsc_buf_reserve(sh, names + 1))
    return oom(err);
  char *w = sh->p;
  for (size_t i = 0; i < n; i++) {
    if (h[i].repeated)
      continue;
    if (i > 0)
      *w++ = ';';
    w = put(w, h[i].name, h[i].name_len);
  }
  buf_close(sh, w);
  *out_h = h;
  *out_n = n;
  *block_bound = bound;
  return 0;
}

/* Encode, sort and join the query parameters (plus, when presigning, the
 * X-Amz-* ones) into ws->query. */
static int build_query(sign_ctx *c, sigv4_ws *ws, awsc_error *err) {
  const awsc_sigv4_request *r = c->r;
  sigv4_qp stack_q[STACK_PARAMS];
  size_t cap = r->query_count + 6;
  sigv4_qp *q = stack_q;
  if (cap > STACK_PARAMS) {
    q = grow_array(ws->qps, &ws->qps_cap, cap, sizeof(*q));
    if (!q)
      return oom(err);
    ws->qps = q;
  }
  awsc_buf_reset(&ws->scratch);
  awsc_buf_reset(&ws->query);
  size_t n = 0;
  for (size_t i = 0; i < r->query_count; i++) {
    const awsc_sigv4_param *in = &r->query[i];
    if (!in->name)
      return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                            "sigv4: query parameter #%zu has a NULL name", i);
    if (c->presign) {
      const char *clash = presign_param_conflict(in->name, c->token != NULL);
      if (clash)
        return awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                              "sigv4: query parameter %s is added by the "
                              "presigner and can not be given",
                              clash);
    }
    const char *v = in->value ? in->value : k_empty;
    if (add_param(ws, &q[n++], in->name, strlen(in->name), v, strlen(v)))
      return oom(err);
  }
  if (c->presign) {
    char cred[SIGV4_MAX_SCOPE_PART + 1 + sizeof(c->scope_str)];
    size_t an = c->scope.access_key.n;
    memcpy(cred, c->scope.access_key.p, an);
    cred[an] = '/';
    memcpy(cred + an + 1, c->scope_str, c->scope_len);
    char expires[24];
    int en = snprintf(expires, sizeof(expires), "%" PRId64, c->p->expires_s);
    int rc = 0;
    rc |= add_param(ws, &q[n++], "X-Amz-Algorithm", 15, SIGV4_ALGORITHM, 16);
    rc |= add_param(ws, &q[n++], "X-Amz-Credential", 16, cred,
                    an + 1 + c->scope_len);
    rc |= add_param(ws, &q[n++], "X-Amz-Date", 10, ws->amz_date, 16);
    rc |= add_param(ws, &q[n++], "X-Amz-Expires", 13, expires, (size_t)en);
    if (c->token && !c->omit_token)
      rc |= add_param(ws, &q[n++], "X-Amz-Security-Token", 20, c->token,
                      c->token_len);
    rc |= add_param(ws, &q[n++], "X-Amz-SignedHeaders", 19, ws->signed_hdrs.p,
                    ws->signed_hdrs.len);
    if (rc)
      return oom(err);
  }
  if (n == 0)
    return 0;
  size_t total = 0;
  for (size_t i = 0; i < n; i++) {
    q[i].name = ws->scratch.p + q[i].name_off;
    q[i].value = ws->scratch.p + q[i].value_off;
    total += q[i].name_len + q[i].value_len + 2;
  }
  sigv4_sort_query(q, n);
  if (awsc_buf_reserve(&ws->query, total + 1))
    return oom(err);
  char *w = ws->query.p;
  for (size_t i = 0; i < n; i++) {
    if (i > 0)
      *w++ = '&';
    w = put(w, q[i].name, q[i].name_len);
    *w++ = '=';
    w = put(w, q[i].value, q[i].value_len);
  }
  buf_close(&ws->query, w);
  return 0;
}

static int build_creq(sign_ctx *c, sigv4_ws *ws, const sigv4_hdr *h, size_t nh,
                      size_t block_bound, awsc_sv path, awsc_error *err) {
  size_t ml = strlen(c->r->method);
  size_t bound = ml + 1 + path.n + 1 + ws->query.len + 1 + block_bound + 1 +
                 ws->signed_hdrs.len + 1 + c->ph_len + 1;
  awsc_buf *b = &ws->creq;
  awsc_buf_reset(b);
  if (awsc_buf_reserve(b, bound))
    return oom(err);
  char *w = b->p;
  w = put(w, c->r->method, ml);
  *w++ = '\n';
  w = put(w, path.p, path.n);
  *w++ = '\n';
  if (ws->query.len) /* p is NULL until the first query */
    w = put(w, ws->query.p, ws->query.len);
  *w++ = '\n';
  for (size_t i = 0; i < nh; i++) {
    if (h[i].repeated) {
      *w++ = ','; /* repeated header: values joined in input order */
    } else {
      if (i > 0)
        *w++ = '\n';
      w = put(w, h[i].name, h[i].name_len);
      *w++ = ':';
    }
    w += sigv4_write_value(w, h[i].value, h[i].value_len);
  }
  if (nh > 0)
    *w++ = '\n';
  *w++ = '\n';
  w = put(w, ws->signed_hdrs.p, ws->signed_hdrs.len);
  *w++ = '\n';
  w = put(w, c->ph, c->ph_len);
  buf_close(b, w);
  return 0;
}

static int set_outputs(sign_ctx *c, sigv4_ws *ws, awsc_sigv4_result *out,
                       const char sig[65], const char *sts, size_t sts_len,
                       awsc_error *err) {
  const awsc_sigv4_request *r = c->r;
  if (r->flags & AWSC_SIGV4_DEBUG) {
    awsc_buf_reset(&ws->sts);
    if (awsc_buf_append(&ws->sts, sts, sts_len))
      return oom(err);
  }
  if (c->token) {
    awsc_buf_reset(&ws->token);
    if (awsc_buf_append(&ws->token, c->token, c->token_len))
      return oom(err);
  }
  if (c->presign) {
    int rc = 0;
    if (c->omit_token) {
      rc |= awsc_buf_puts(&ws->query, "&X-Amz-Security-Token=");
      rc |= awsc_uri_encode(&ws->query, c->token, c->token_len, false);
    }
    rc |= awsc_buf_puts(&ws->query, "&X-Amz-Signature=");
    rc |= awsc_buf_append(&ws->query, sig, 64);
    if (rc)
      return oom(err);
  } else {
    size_t an = c->scope.access_key.n;
    size_t bound =
        28 + an + 1 + c->scope_len + 16 + ws->signed_hdrs.len + 12 + 64 + 1;
    awsc_buf *a = &ws->auth;
    awsc_buf_reset(a);
    if (awsc_buf_reserve(a, bound))
      return oom(err);
    char *w = a->p;
    w = PUT_LIT(w, SIGV4_ALGORITHM " Credential=");
    w = put(w, c->scope.access_key.p, an);
    *w++ = '/';
    w = put(w, c->scope_str, c->scope_len);
    w = PUT_LIT(w, ", SignedHeaders=");
    w = put(w, ws->signed_hdrs.p, ws->signed_hdrs.len);
    w = PUT_LIT(w, ", Signature=");
    w = put(w, sig, 64);
    buf_close(a, w);

    size_t k = 0;
    if (c->token)
      out->headers[k++] =
          (awsc_http_header){"X-Amz-Security-Token", ws->token.p};
    out->headers[k++] = (awsc_http_header){"X-Amz-Date", ws->amz_date};
    if (c->add_sha)
      out->headers[k++] = (awsc_http_header){"x-amz-content-sha256", c->ph};
    out->headers[k++] = (awsc_http_header){"Authorization", a->p};
    out->header_count = k;
  }
  out->query = ws->query.len ? ws->query.p : k_empty;
  memcpy(out->signature, sig, 65);
  memcpy(out->amz_date, ws->amz_date, 17);
  if (r->flags & AWSC_SIGV4_DEBUG) {
    out->canonical_request = ws->creq.p;
    out->string_to_sign = ws->sts.p;
  }
  return 0;
}

/* HMAC(key, sts), the same as awsc_hmac_sha256_with, resuming from the
 * remembered state when the first 64 bytes are those it was made from:
 * same key (hence same date, region and service) and same second (hence
 * same date line). The string to sign is always longer than 64 bytes
 * (17 + 17 + 25 + 1 + 64). */
static void mac_sts(sigv4_ws *ws, const awsc_hmac_key *key, bool same_key,
                    const char *sts, size_t len, uint8_t out[32]) {
  if (!same_key || ws->sts_head_sec != ws->date_sec) {
    ws->sts_head_state = key->inner;
    awsc_sha256_update(&ws->sts_head_state, sts, 64);
    ws->sts_head_sec = ws->date_sec;
  }
  awsc_sha256_ctx ctx = ws->sts_head_state;
  uint8_t inner[AWSC_SHA256_LEN];
  awsc_sha256_update(&ctx, sts + 64, len - 64);
  awsc_sha256_final(&ctx, inner);
  ctx = key->outer;
  awsc_sha256_update(&ctx, inner, sizeof(inner));
  awsc_sha256_final(&ctx, out);
}

static int check_request(const awsc_sigv4_request *r, awsc_error *err) {
  if (!r)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "sigv4: request is NULL");
  if (!AWSC_VERSION_OK(r->version, AWSC_SIGV4_REQUEST_VERSION))
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "sigv4: request version %d is not %d (start from "
                          "AWSC_SIGV4_REQUEST_INIT)",
                          r->version, AWSC_SIGV4_REQUEST_VERSION);
  if (!r->method)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "sigv4: request method is NULL");
  if (!method_ok(r->method))
    return awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                          "sigv4: request method is empty or not a token");
  if ((r->header_count && !r->headers) || (r->query_count && !r->query))
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "sigv4: header or query array is NULL but its "
                          "count is not 0");
  return 0;
}

static int sign(awsc_sigv4_result *out, const awsc_sigv4_params *p,
                const awsc_sigv4_request *r, bool presign, awsc_error *err) {
  if (!out)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "sigv4: result is NULL");
  clear_output(out);
  int rc = check_request(r, err);
  if (rc)
    return rc;
  if (!p)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "sigv4: signing params are NULL");
  if (presign && !(r->flags & AWSC_SIGV4_ANY_EXPIRES) &&
      (p->expires_s < AWSC_SIGV4_MIN_EXPIRES ||
       p->expires_s > AWSC_SIGV4_MAX_EXPIRES))
    return awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                          "sigv4: presigned URL expiry must be between %d "
                          "and %d seconds (7 days), got %" PRId64,
                          AWSC_SIGV4_MIN_EXPIRES, AWSC_SIGV4_MAX_EXPIRES,
                          p->expires_s);
  int64_t ms = p->time_ms ? p->time_ms : awsc_time_now_ms();
  if (ms < 0)
    return awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                          "sigv4: signing time is before 1970");
  sigv4_ws *ws = get_ws(out);
  if (!ws)
    return oom(err);
  int64_t sec = ms / 1000;
  if (sec != ws->date_sec) {
    awsc_time_format_amz(ms, ws->amz_date);
    ws->date_sec = sec;
  }

  sign_ctx c;
  c.p = p;
  c.r = r;
  c.presign = presign;
  if ((rc = sigv4_scope_from_params(&c.scope, p, ws->amz_date, err)) != 0)
    return rc;
  c.scope_len = sigv4_write_scope(c.scope_str, &c.scope);
  c.token = (p->session_token && *p->session_token) ? p->session_token : NULL;
  c.token_len = c.token ? strlen(c.token) : 0;
  c.omit_token = c.token && (r->flags & AWSC_SIGV4_OMIT_SESSION_TOKEN);
  c.add_sha =
      !presign &&
      (r->flags & (AWSC_SIGV4_SIGN_CONTENT_SHA256 | AWSC_SIGV4_STREAMING));
  if ((rc = payload_hash(&c, ws, err)) != 0)
    return rc;

  sigv4_hdr stack_h[STACK_HEADERS];
  sigv4_hdr *h = NULL;
  size_t nh = 0, block_bound = 0;
  if ((rc = collect_headers(&c, ws, stack_h, &h, &nh, &block_bound, err)))
    return rc;
  if ((rc = build_query(&c, ws, err)) != 0)
    return rc;
  awsc_sv path;
  if ((rc = sigv4_canonical_path(&ws->path_a, &ws->path_b, r->path, r->flags,
                                 &path, err)) != 0)
    return rc;
  if ((rc = build_creq(&c, ws, h, nh, block_bound, path, err)) != 0)
    return rc;

  /* String to sign. */
  char sts[STS_MAX];
  char *w = sts;
  w = PUT_LIT(w, SIGV4_ALGORITHM "\n");
  w = put(w, ws->amz_date, 16);
  *w++ = '\n';
  w = put(w, c.scope_str, c.scope_len);
  *w++ = '\n';
  uint8_t digest[AWSC_SHA256_LEN];
  awsc_sha256(ws->creq.p, ws->creq.len, digest);
  awsc_hex_encode(digest, sizeof(digest), w);
  w += 64;
  size_t sts_len = (size_t)(w - sts);

  const awsc_hmac_key *key;
  rc = sigv4_signing_key(p->cache, &ws->key, &c.scope, &key, err);
  if (rc < 0)
    return rc;
  mac_sts(ws, key, rc == 1, sts, sts_len, digest);
  char sig[65];
  awsc_hex_encode(digest, sizeof(digest), sig);

  rc = set_outputs(&c, ws, out, sig, sts, sts_len, err);
  if (rc)
    clear_output(out);
  return rc;
}

int awsc_sigv4_sign_headers(awsc_sigv4_result *out,
                            const awsc_sigv4_params *params,
                            const awsc_sigv4_request *request,
                            awsc_error *err) {
  return sign(out, params, request, false, err);
}

int awsc_sigv4_presign(awsc_sigv4_result *out, const awsc_sigv4_params *params,
                       const awsc_sigv4_request *request, awsc_error *err) {
  return sign(out, params, request, true, err);
}
