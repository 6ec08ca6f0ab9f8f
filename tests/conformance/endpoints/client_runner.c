/*
 * tests/conformance/endpoints/client_runner.c - the operationInputs of
 * botocore's endpoint-tests-1.json sent through the real client.
 *
 *   endpoints_client [-v] SERVICE TESTS.json SERVICE-2.json
 *
 * runner.c checks every case at rules-engine level; this program checks
 * what the client does with the same cases. For each operationInput a
 * session is made with fake static credentials, an environment hook that
 * sees only the variables set here, an empty (or, for Accelerate, a
 * one-setting) config file in a temporary directory and a recording
 * transport that answers 200 with an empty body. The builtInParams (and
 * clientParams) become the configuration a user would write to get them
 * (region and endpoint_url options, addressing_style, AWS_* variables,
 * the profile's s3 block); a value no configuration can produce is a
 * skip with its reason. Absent builtins mean the rule set's default, as
 * in botocore's own end-to-end test, which clears the builtins and sets
 * only the listed ones.
 *
 * Checks against "expect":
 *   endpoint.url  the first request's URL starts with it, followed by
 *                 '/', '?' or the end (the request adds key and query);
 *                 an operation with a host prefix ("{RequestRoute}.") has
 *                 it in front of the expected host (botocore's test turns
 *                 host prefixes off; awsc has no such option).
 *   authSchemes   the first "sigv4" entry gives signingRegion and
 *                 signingName, which the Authorization header's credential
 *                 scope must carry. When an earlier entry is sigv4a
 *                 (outposts: [sigv4a, sigv4]) the client signs with the
 *                 sigv4 one, as botocore does without CRT; counted apart.
 *                 No sigv4 entry at all (sigv4a MRAP, sigv4-s3express):
 *                 the call must fail with AWSC_EUNSUPPORTED and send
 *                 nothing; counted as passed and also as "unsupported".
 *   error         the call fails, nothing is sent, and the message is
 *                 the rule set's text exactly. An invalid region fails at
 *                 client creation ("Provided region_name ... doesn't match
 *                 a supported format.", as botocore): accepted for error
 *                 cases and counted apart.
 * Prints FAIL lines, a line with the side counters, then "N passed, N
 * failed"; exits 1 on a failure, 77 when nothing could be checked.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "awsc/client.h"
#include "awsc/session.h"
#include "awsc/sys/transport.h"
#include "core/core.h"
#include "runtime/jtree.h"

typedef struct counts {
  int passed, failed, skipped;
  int unsupported;    /* of passed: auth scheme awsc can not sign with */
  int region_error;   /* of passed: error case refused at client creation */
  int sigv4_fallback; /* of passed: sigv4 chosen after an unsupported one */
} counts;

typedef enum outcome {
  PASS,
  FAIL,
  SKIP,
  PASS_UNSUPPORTED,
  PASS_REGION_ERROR,
  PASS_FALLBACK
} outcome;

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = n >= 0 ? malloc((size_t)n + 1) : NULL;
  if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
    free(buf);
    buf = NULL;
  }
  fclose(f);
  if (buf) {
    buf[n] = '\0';
    *len = (size_t)n;
  }
  return buf;
}

static bool write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "wb");
  if (!f)
    return false;
  bool ok = fputs(text, f) >= 0;
  return fclose(f) == 0 && ok;
}

/* ---- the environment the client sees: only what is set here ---- */

typedef struct env_table {
  const char *name[12];
  const char *value[12];
  int n;
} env_table;

static void env_set(env_table *e, const char *name, const char *value) {
  if (e->n < (int)AWSC_ARRAY_LEN(e->name)) {
    e->name[e->n] = name;
    e->value[e->n] = value;
    e->n++;
  }
}

static const char *fake_getenv(const char *name, void *user_data) {
  const env_table *e = user_data;
  for (int i = 0; i < e->n; i++)
    if (strcmp(e->name[i], name) == 0)
      return e->value[i];
  return NULL;
}

/* ---- a transport that records the first request and answers 200 ---- */

typedef struct recorder {
  awsc_transport base;
  int sent;
  char url[2048];
  char authorization[1024];
} recorder;

static int rec_send(awsc_transport *t, const awsc_http_request *req,
                    awsc_http_response *resp, awsc_error *err) {
  recorder *r = t->impl;
  (void)err;
  if (r->sent++ == 0) {
    snprintf(r->url, sizeof r->url, "%s", req->url);
    for (size_t i = 0; i < req->header_count; i++)
      if (strcasecmp(req->headers[i].name, "Authorization") == 0)
        snprintf(r->authorization, sizeof r->authorization, "%s",
                 req->headers[i].value);
  }
  resp->status = 200;
  return 0;
}

static void rec_destroy(awsc_transport *t) {
  (void)t;
}

static const awsc_transport_vtable rec_vtable = {rec_send, rec_destroy};

/* ---- operationParams as boto3-shaped JSON (blobs as base64) ---- */

static void json_string(awsc_buf *b, const char *s, size_t n) {
  awsc_buf_putc(b, '"');
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') {
      awsc_buf_putc(b, '\\');
      awsc_buf_putc(b, (char)c);
    } else if (c < 0x20) {
      awsc_buf_printf(b, "\\u%04x", c);
    } else {
      awsc_buf_putc(b, (char)c);
    }
  }
  awsc_buf_putc(b, '"');
}

static const awsc_jnode *shape_of(const awsc_jnode *shapes,
                                  const awsc_jnode *ref) {
  const char *name = awsc_jtree_get_str(ref, "shape");
  return name ? awsc_jtree_get(shapes, name) : NULL;
}

/* Emit v; strings whose model shape is a blob become base64, which is how
 * awsc_call_json takes blobs. shape NULL = not in the model: as given. */
static bool emit_value(awsc_buf *b, const awsc_jnode *v,
                       const awsc_jnode *shapes, const awsc_jnode *shape) {
  const char *type = awsc_jtree_get_str(shape, "type");
  switch (v->type) {
  case AWSC_J_NULL:
    return awsc_buf_puts(b, "null") == 0;
  case AWSC_J_BOOL:
    return awsc_buf_puts(b, v->b ? "true" : "false") == 0;
  case AWSC_J_INT:
  case AWSC_J_DOUBLE:
    return awsc_buf_puts(b, v->s) == 0;
  case AWSC_J_STRING:
    if (type && strcmp(type, "blob") == 0) {
      char *enc = malloc(AWSC_BASE64_LEN(v->n) + 1);
      if (!enc)
        return false;
      size_t n = awsc_base64_encode((const uint8_t *)v->s, v->n, enc);
      json_string(b, enc, n);
      free(enc);
    } else {
      json_string(b, v->s, v->n);
    }
    return true;
  case AWSC_J_ARRAY: {
    const awsc_jnode *item = shape_of(shapes, awsc_jtree_get(shape, "member"));
    awsc_buf_putc(b, '[');
    for (size_t i = 0; i < v->count; i++) {
      if (i)
        awsc_buf_putc(b, ',');
      if (!emit_value(b, v->items[i], shapes, item))
        return false;
    }
    return awsc_buf_putc(b, ']') == 0;
  }
  case AWSC_J_OBJECT: {
    bool is_map = type && strcmp(type, "map") == 0;
    const awsc_jnode *members = awsc_jtree_get(shape, "members");
    awsc_buf_putc(b, '{');
    for (size_t i = 0; i < v->count; i++) {
      const awsc_jmember *m = &v->members[i];
      const awsc_jnode *sub =
          is_map ? shape_of(shapes, awsc_jtree_get(shape, "value"))
                 : shape_of(shapes, awsc_jtree_get(members, m->key));
      if (i)
        awsc_buf_putc(b, ',');
      json_string(b, m->key, m->key_len);
      awsc_buf_putc(b, ':');
      if (!emit_value(b, m->value, shapes, sub))
        return false;
    }
    return awsc_buf_putc(b, '}') == 0;
  }
  }
  return false;
}

/* ---- builtInParams / clientParams -> configuration ---- */

typedef enum tri { UNSET = -1, NO = 0, YES = 1 } tri;

typedef struct wanted {
  const char *region, *endpoint;
  tri fips, dualstack, force_path, accelerate, s3_global, arn_region,
      disable_mrap, disable_express, sts_global;
} wanted;

typedef struct param_map {
  const char *builtin;     /* name in builtInParams */
  const char *client_name; /* the rule set's parameter name (clientParams) */
  bool is_string;
  size_t off; /* offsetof(wanted, ...) */
} param_map;

#define STR_AT(f) true, offsetof(wanted, f)
#define TRI_AT(f) false, offsetof(wanted, f)
static const param_map params_known[] = {
    {"AWS::Region", "Region", STR_AT(region)},
    {"SDK::Endpoint", "Endpoint", STR_AT(endpoint)},
    {"AWS::UseFIPS", "UseFIPS", TRI_AT(fips)},
    {"AWS::UseDualStack", "UseDualStack", TRI_AT(dualstack)},
    {"AWS::S3::ForcePathStyle", "ForcePathStyle", TRI_AT(force_path)},
    {"AWS::S3::Accelerate", "Accelerate", TRI_AT(accelerate)},
    {"AWS::S3::UseGlobalEndpoint", NULL, TRI_AT(s3_global)},
    {"AWS::S3::UseArnRegion", "UseArnRegion", TRI_AT(arn_region)},
    {"AWS::S3::DisableMultiRegionAccessPoints",
     "DisableMultiRegionAccessPoints", TRI_AT(disable_mrap)},
    {"AWS::S3::DisableS3ExpressSessionAuth", "DisableS3ExpressSessionAuth",
     TRI_AT(disable_express)},
    {"AWS::STS::UseGlobalEndpoint", NULL, TRI_AT(sts_global)},
};

/* Record one parameter; false (reason in why) when it has no place. */
static bool take_param(wanted *w, const char *name, const awsc_jnode *v,
                       bool client_param, awsc_buf *why) {
  for (size_t i = 0; i < AWSC_ARRAY_LEN(params_known); i++) {
    const param_map *p = &params_known[i];
    const char *key = client_param ? p->client_name : p->builtin;
    if (!key || strcmp(key, name) != 0)
      continue;
    if (p->is_string) {
      if (v->type != AWSC_J_STRING)
        break;
      *(const char **)((char *)w + p->off) = v->s;
    } else {
      if (v->type != AWSC_J_BOOL)
        break;
      *(tri *)((char *)w + p->off) = v->b ? YES : NO;
    }
    return true;
  }
  awsc_buf_printf(why, "%s %s has no client configuration here",
                  client_param ? "clientParam" : "builtIn", name);
  return false;
}

typedef struct setup {
  const char *region, *endpoint_url;
  awsc_s3_addressing_style addressing;
  bool accelerate;
  env_table env;
} setup;

/* The configuration that makes the client compute the wanted builtins;
 * false (reason in why) when none does. */
static bool make_setup(const char *svc, const awsc_jnode *oi, setup *s,
                       awsc_buf *why) {
  wanted w = {NULL,  NULL,  UNSET, UNSET, UNSET, UNSET,
              UNSET, UNSET, UNSET, UNSET, UNSET};
  const awsc_jnode *bi = awsc_jtree_get(oi, "builtInParams");
  const awsc_jnode *cp = awsc_jtree_get(oi, "clientParams");
  for (size_t i = 0; bi && i < bi->count; i++)
    if (!take_param(&w, bi->members[i].key, bi->members[i].value, false, why))
      return false;
  for (size_t i = 0; cp && i < cp->count; i++)
    if (!take_param(&w, cp->members[i].key, cp->members[i].value, true, why))
      return false;
  memset(s, 0, sizeof *s);
  if (!w.region) {
    awsc_buf_puts(why, "no AWS::Region: the client needs a region");
    return false;
  }
  s->region = w.region;
  s->endpoint_url = w.endpoint;
  /* The client (like botocore) turns FIPS and dual-stack off when an
   * endpoint_url is given, so these rule inputs can not be configured. */
  if (w.endpoint && (w.fips == YES || w.dualstack == YES)) {
    awsc_buf_printf(why,
                    "SDK::Endpoint with %s: an endpoint_url turns "
                    "FIPS/dual-stack off in the client (botocore too)",
                    w.fips == YES ? "UseFIPS" : "UseDualStack");
    return false;
  }
  /* use_accelerate_endpoint turns path style off (botocore too) */
  if (w.accelerate == YES && w.force_path == YES) {
    awsc_buf_puts(why, "Accelerate with ForcePathStyle: the accelerate "
                       "setting turns path style off in the client "
                       "(botocore too)");
    return false;
  }
  /* The client adjusts ForcePathStyle per operation as botocore's
   * customize_endpoint_resolver_builtins does (off for an ARN bucket, on
   * for GetBucketLocation); botocore's own test overrides that, no
   * configuration can. */
  const char *op = awsc_jtree_get_str(oi, "operationName");
  const char *bucket =
      awsc_jtree_get_str(awsc_jtree_get(oi, "operationParams"), "Bucket");
  if (strcmp(svc, "s3") == 0 && w.force_path == YES && bucket &&
      strncmp(bucket, "arn:", 4) == 0) {
    awsc_buf_puts(why, "ForcePathStyle with an ARN bucket: the client turns "
                       "path style off for ARN buckets (botocore too)");
    return false;
  }
  if (strcmp(svc, "s3") == 0 && w.force_path != YES && op &&
      strcmp(op, "GetBucketLocation") == 0) {
    awsc_buf_puts(why, "GetBucketLocation without ForcePathStyle: the client "
                       "always uses path style for it (botocore too)");
    return false;
  }
  if (w.fips == YES)
    env_set(&s->env, "AWS_USE_FIPS_ENDPOINT", "true");
  if (w.dualstack == YES)
    env_set(&s->env, "AWS_USE_DUALSTACK_ENDPOINT", "true");
  s->accelerate = w.accelerate == YES;
  /* with an endpoint_url the client goes path-style unless "virtual" */
  if (w.force_path == YES)
    s->addressing = AWSC_S3_ADDRESSING_PATH;
  else
    s->addressing =
        w.endpoint ? AWSC_S3_ADDRESSING_VIRTUAL : AWSC_S3_ADDRESSING_AUTO;
  if (strcmp(svc, "s3") == 0) {
    /* UseGlobalEndpoint is true only for us-east-1 with the legacy
     * setting (the default), so an absent/false one needs "regional".
     * A true one elsewhere comes out false, as in botocore; the rule set
     * ends at the regional endpoint either way. */
    env_set(&s->env, "AWS_S3_US_EAST_1_REGIONAL_ENDPOINT",
            w.s3_global == YES ? "legacy" : "regional");
    /* unset and true lead the rules the same way; the client sends true */
    if (w.arn_region == NO)
      env_set(&s->env, "AWS_S3_USE_ARN_REGION", "false");
    if (w.disable_mrap == YES)
      env_set(&s->env, "AWS_S3_DISABLE_MULTIREGION_ACCESS_POINTS", "true");
    if (w.disable_express == YES)
      env_set(&s->env, "AWS_S3_DISABLE_EXPRESS_SESSION_AUTH", "true");
  }
  if (strcmp(svc, "sts") == 0) {
    /* true only for botocore's legacy regions and no endpoint_url; a
     * true one otherwise comes out false, as in botocore. */
    env_set(&s->env, "AWS_STS_REGIONAL_ENDPOINTS",
            w.sts_global == YES ? "legacy" : "regional");
  }
  return true;
}

/* ---- checks ---- */

typedef struct ctx {
  const char *svc;
  const awsc_jnode *model;
  const char *config_plain, *config_accel, *credentials;
  bool verbose; /* -v: an "ok" line with what was sent for each pass */
} ctx;

/* The expected URL with the operation's host prefix ("{RequestRoute}.")
 * expanded from the parameters and put in front of the host. */
static bool expected_url(const awsc_jnode *op, const awsc_jnode *params,
                         const char *url, awsc_buf *out) {
  const char *prefix =
      awsc_jtree_get_str(awsc_jtree_get(op, "endpoint"), "hostPrefix");
  const char *host = strstr(url, "://");
  if (!prefix || !host)
    return awsc_buf_puts(out, url) == 0;
  host += 3;
  awsc_buf_append(out, url, (size_t)(host - url));
  for (const char *p = prefix; *p;) {
    if (*p == '{') {
      const char *end = strchr(p, '}');
      if (!end)
        return false;
      char name[128];
      snprintf(name, sizeof name, "%.*s", (int)(end - p - 1), p + 1);
      const char *v = awsc_jtree_get_str(params, name);
      if (!v)
        return false;
      awsc_buf_puts(out, v);
      p = end + 1;
    } else {
      awsc_buf_putc(out, *p++);
    }
  }
  return awsc_buf_puts(out, host) == 0;
}

static bool url_matches(const char *sent, const char *want) {
  size_t n = strlen(want);
  if (strncmp(sent, want, n) != 0)
    return false;
  if (n && want[n - 1] == '/')
    return true;
  return sent[n] == '\0' || sent[n] == '/' || sent[n] == '?';
}

/* "AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request, ..."
 * -> region and service (only the scope is read; nothing secret). */
static bool credential_scope(const char *auth, char *region, size_t rn,
                             char *service, size_t sn) {
  const char *c = strstr(auth, "Credential=");
  if (!c)
    return false;
  c += 11;
  const char *end = c + strcspn(c, ", ");
  const char *parts[5];
  int k = 0;
  parts[k++] = c;
  for (const char *p = c; p < end && k < 5; p++)
    if (*p == '/')
      parts[k++] = p + 1;
  if (k != 5)
    return false;
  snprintf(region, rn, "%.*s", (int)(parts[3] - parts[2] - 1), parts[2]);
  snprintf(service, sn, "%.*s", (int)(parts[4] - parts[3] - 1), parts[3]);
  return true;
}

static bool is_region_format_error(const char *msg) {
  return strstr(msg, "Provided region_name '") &&
         strstr(msg, "' doesn't match a supported format.");
}

static outcome check_error(const char *want, int rc, const recorder *rec,
                           const awsc_error *err, awsc_buf *why) {
  if (rec->sent) {
    awsc_buf_printf(why, "expected error \"%s\", but a request was sent to %s",
                    want, rec->url);
    return FAIL;
  }
  if (rc == 0) {
    awsc_buf_printf(why, "expected error \"%s\", the call succeeded", want);
    return FAIL;
  }
  if (strcmp(err->message, want) != 0) {
    awsc_buf_printf(why,
                    "error message\n    got:      \"%s\" (%s)\n"
                    "    expected: \"%s\"",
                    err->message, awsc_strerror(rc), want);
    return FAIL;
  }
  return PASS;
}

static outcome check_endpoint(const awsc_jnode *op, const awsc_jnode *params,
                              const awsc_jnode *exp_ep, int rc,
                              const recorder *rec, const awsc_error *err,
                              awsc_buf *why) {
  const char *url = awsc_jtree_get_str(exp_ep, "url");
  const awsc_jnode *schemes =
      awsc_jtree_get(awsc_jtree_get(exp_ep, "properties"), "authSchemes");
  const awsc_jnode *sigv4 = NULL;
  size_t sigv4_at = 0;
  for (size_t i = 0; schemes && i < schemes->count && !sigv4; i++) {
    const char *name = awsc_jtree_get_str(schemes->items[i], "name");
    if (name && strcmp(name, "sigv4") == 0) {
      sigv4 = schemes->items[i];
      sigv4_at = i;
    }
  }
  if (schemes && schemes->count && !sigv4) {
    const char *first = awsc_jtree_get_str(schemes->items[0], "name");
    if (rc == AWSC_EUNSUPPORTED && !rec->sent)
      return PASS_UNSUPPORTED;
    awsc_buf_printf(why,
                    "auth scheme %s: expected AWSC_EUNSUPPORTED and nothing "
                    "sent, got %s%s%s%s",
                    first ? first : "?", rc ? awsc_strerror(rc) : "success",
                    rc ? " \"" : "", rc ? err->message : "", rc ? "\"" : "");
    if (rec->sent)
      awsc_buf_printf(why, ", sent to %s", rec->url);
    return FAIL;
  }
  if (!rec->sent) {
    awsc_buf_printf(why, "expected a request to %s, nothing sent: %s (%s)",
                    url ? url : "?", err->message, awsc_strerror(rc));
    return FAIL;
  }
  awsc_buf want = AWSC_BUF_INIT;
  bool ok = url && expected_url(op, params, url, &want);
  if (!ok || !url_matches(rec->url, want.p)) {
    awsc_buf_printf(why, "url\n    sent:     %s\n    expected: %s%s\n",
                    rec->url, want.p ? want.p : (url ? url : "(none)"),
                    want.p && url && strcmp(want.p, url) != 0
                        ? " (host prefix added)"
                        : "");
    ok = false;
  }
  awsc_buf_free(&want);
  if (sigv4) {
    const char *w_region = awsc_jtree_get_str(sigv4, "signingRegion");
    const char *w_name = awsc_jtree_get_str(sigv4, "signingName");
    char region[128] = "", service[128] = "";
    if (!credential_scope(rec->authorization, region, sizeof region, service,
                          sizeof service)) {
      awsc_buf_puts(why, "no SigV4 Authorization credential scope sent\n");
      ok = false;
    } else if ((w_region && strcmp(region, w_region) != 0) ||
               (w_name && strcmp(service, w_name) != 0)) {
      awsc_buf_printf(why,
                      "signing scope\n    sent:     %s/%s\n"
                      "    expected: %s/%s\n",
                      region, service, w_region ? w_region : "*",
                      w_name ? w_name : "*");
      ok = false;
    }
  }
  if (!ok)
    return FAIL;
  return sigv4 && sigv4_at > 0 ? PASS_FALLBACK : PASS;
}

/* what the client did, for -v (the scope only: nothing secret) */
static void describe(int rc, const recorder *rec, const awsc_error *err,
                     awsc_buf *info) {
  char region[128] = "", service[128] = "";
  if (rec->sent)
    credential_scope(rec->authorization, region, sizeof region, service,
                     sizeof service);
  if (rec->sent)
    awsc_buf_printf(info, "sent %s scope %s/%s", rec->url, region, service);
  else
    awsc_buf_printf(info, "not sent: %s (%s)", err->message, awsc_strerror(rc));
}

static outcome run_input(const ctx *x, const awsc_jnode *tc,
                         const awsc_jnode *oi, awsc_buf *why, awsc_buf *info) {
  const awsc_jnode *expect = awsc_jtree_get(tc, "expect");
  const char *exp_err = awsc_jtree_get_str(expect, "error");
  const awsc_jnode *exp_ep = awsc_jtree_get(expect, "endpoint");
  const char *op_name = awsc_jtree_get_str(oi, "operationName");
  const awsc_jnode *op = awsc_jtree_get(awsc_jtree_get(x->model, "operations"),
                                        op_name ? op_name : "");
  const awsc_jnode *shapes = awsc_jtree_get(x->model, "shapes");
  const awsc_jnode *params = awsc_jtree_get(oi, "operationParams");
  if (!op) {
    awsc_buf_printf(why, "operation %s not in the model",
                    op_name ? op_name : "?");
    return FAIL;
  }
  if (!exp_err && !exp_ep) {
    awsc_buf_puts(why, "\"expect\" has neither endpoint nor error");
    return FAIL;
  }
  setup s;
  if (!make_setup(x->svc, oi, &s, why))
    return SKIP;
  awsc_buf json = AWSC_BUF_INIT;
  const awsc_jnode *input = shape_of(shapes, awsc_jtree_get(op, "input"));
  if (params ? !emit_value(&json, params, shapes, input)
             : awsc_buf_puts(&json, "{}") != 0) {
    awsc_buf_free(&json);
    awsc_buf_puts(why, "out of memory");
    return FAIL;
  }

  recorder rec;
  memset(&rec, 0, sizeof rec);
  rec.base.vtable = &rec_vtable;
  rec.base.impl = &rec;
  awsc_session_options so = AWSC_SESSION_OPTIONS_INIT;
  so.access_key_id = "AKIDEXAMPLE";
  so.secret_access_key = "endpoint-conformance-not-a-secret";
  so.config_file = s.accelerate ? x->config_accel : x->config_plain;
  so.credentials_file = x->credentials;
  so.transport = &rec.base;
  so.getenv_fn = fake_getenv;
  so.getenv_user_data = &s.env;
  awsc_client_options co = AWSC_CLIENT_OPTIONS_INIT;
  co.region = s.region;
  co.endpoint_url = s.endpoint_url;
  co.addressing_style = s.addressing;
  co.max_attempts = 1;

  awsc_session *session = NULL;
  awsc_client *client = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  outcome result = FAIL;
  int rc = awsc_session_new(&session, &so, &err);
  if (rc) {
    awsc_buf_printf(why, "session: %s", err.message);
    goto done;
  }
  rc = awsc_client_new(&client, session, x->svc, &co, &err);
  if (rc) {
    /* botocore refuses such a region when the client is made, too */
    describe(rc, &rec, &err, info);
    if (exp_err && is_region_format_error(err.message)) {
      result = PASS_REGION_ERROR;
    } else {
      awsc_buf_printf(why, "client creation failed: %s (%s); expected %s%s",
                      err.message, awsc_strerror(rc),
                      exp_err ? "error " : "endpoint ",
                      exp_err ? exp_err
                      : awsc_jtree_get_str(exp_ep, "url")
                          ? awsc_jtree_get_str(exp_ep, "url")
                          : "?");
    }
    goto done;
  }
  char *out = NULL;
  rc = awsc_call_json(&out, client, op_name, json.p, &err);
  awsc_mem_free(out);
  describe(rc, &rec, &err, info);
  if (rc == AWSC_EVALIDATION && rec.sent == 0 &&
      strstr(err.message, "Invalid bucket name \"")) {
    /* botocore's validate_bucket_name refuses the name before endpoint
     * resolution, as awsc does; botocore's own runner skips these */
    awsc_buf_printf(why,
                    "bucket name refused before endpoint resolution "
                    "(botocore too): %s",
                    err.message);
    result = SKIP;
    goto done;
  }
  result = exp_err ? check_error(exp_err, rc, &rec, &err, why)
                   : check_endpoint(op, params, exp_ep, rc, &rec, &err, why);
done:
  awsc_client_free(client);
  awsc_session_free(session);
  awsc_buf_free(&json);
  return result;
}

/* ---- driver ---- */

static const char *doc_of(const awsc_jnode *tc) {
  const char *d = awsc_jtree_get_str(tc, "documentation");
  return d ? d : "(no documentation)";
}

static void run_file(const ctx *x, const awsc_jnode *tests, counts *c) {
  const awsc_jnode *cases = awsc_jtree_get(tests, "testCases");
  if (!cases || cases->type != AWSC_J_ARRAY) {
    printf("FAIL %s: no testCases array\n", x->svc);
    c->failed++;
    return;
  }
  for (size_t i = 0; i < cases->count; i++) {
    const awsc_jnode *tc = cases->items[i];
    const awsc_jnode *oil = awsc_jtree_get(tc, "operationInputs");
    for (size_t k = 0; oil && oil->type == AWSC_J_ARRAY && k < oil->count;
         k++) {
      const awsc_jnode *oi = oil->items[k];
      const char *op = awsc_jtree_get_str(oi, "operationName");
      awsc_buf why = AWSC_BUF_INIT, info = AWSC_BUF_INIT;
      outcome o = run_input(x, tc, oi, &why, &info);
      while (why.len && why.p[why.len - 1] == '\n')
        why.p[--why.len] = '\0';
      if (o == FAIL || o == SKIP)
        printf("%s %s #%zu \"%s\" operationInputs[%zu] (%s): %s\n",
               o == FAIL ? "FAIL" : "skip", x->svc, i, doc_of(tc), k,
               op ? op : "?", why.p ? why.p : "");
      else if (x->verbose)
        printf("ok   %s #%zu operationInputs[%zu] (%s): %s\n", x->svc, i, k,
               op ? op : "?", info.p ? info.p : "");
      awsc_buf_free(&why);
      awsc_buf_free(&info);
      switch (o) {
      case FAIL:
        c->failed++;
        break;
      case SKIP:
        c->skipped++;
        break;
      case PASS_UNSUPPORTED:
        c->unsupported++;
        c->passed++;
        break;
      case PASS_REGION_ERROR:
        c->region_error++;
        c->passed++;
        break;
      case PASS_FALLBACK:
        c->sigv4_fallback++;
        c->passed++;
        break;
      case PASS:
        c->passed++;
        break;
      }
    }
  }
}

typedef struct loaded {
  char *text;
  awsc_arena *arena;
  awsc_jnode *root;
} loaded;

static bool load_json(const char *path, unsigned flags, loaded *l) {
  size_t len = 0;
  memset(l, 0, sizeof *l);
  l->text = read_file(path, &len);
  l->arena = awsc_arena_new(65536);
  awsc_error err = AWSC_ERROR_INIT;
  if (!l->text || !l->arena ||
      awsc_jtree_parse(&l->root, l->arena, l->text, len, flags, &err) != 0) {
    printf("FAIL cannot read %s: %s\n", path, err.message);
    return false;
  }
  return true;
}

static void unload(loaded *l) {
  free(l->text);
  awsc_arena_free(l->arena);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  bool verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
  if (verbose) {
    argv++;
    argc--;
  }
  if (argc != 4) {
    fprintf(stderr, "usage: %s [-v] SERVICE TESTS.json SERVICE-2.json\n",
            argv[0]);
    return 2;
  }
  char dir[] = "/tmp/awsc-epclient-XXXXXX";
  if (!mkdtemp(dir)) {
    printf("FAIL cannot make a temporary directory\n");
    return 1;
  }
  char plain[sizeof dir + 16], accel[sizeof dir + 16], creds[sizeof dir + 16];
  snprintf(plain, sizeof plain, "%s/config", dir);
  snprintf(accel, sizeof accel, "%s/config-accel", dir);
  snprintf(creds, sizeof creds, "%s/credentials", dir); /* never written */
  ctx x = {argv[1], NULL, plain, accel, creds, verbose};
  counts c = {0, 0, 0, 0, 0, 0};
  loaded tests, model;
  bool ok = write_file(plain, "[default]\n") &&
            write_file(accel, "[default]\ns3 =\n"
                              "  use_accelerate_endpoint = true\n");
  if (!ok)
    printf("FAIL cannot write the config files in %s\n", dir);
  bool have_tests = load_json(argv[2], 0, &tests);
  bool have_model = load_json(
      argv[3], AWSC_JPARSE_SKIP_DOCS | AWSC_JPARSE_NO_UTF8_CHECK, &model);
  if (ok && have_tests && have_model) {
    x.model = model.root;
    run_file(&x, tests.root, &c);
  } else {
    c.failed++;
  }
  unload(&tests);
  unload(&model);
  unlink(plain);
  unlink(accel);
  rmdir(dir);
  if (c.passed + c.failed + c.skipped == 0)
    printf("%s: no operationInputs in %s\n", x.svc, argv[2]);
  printf("%d skipped; of the passed: %d unsupported auth scheme (clear "
         "AWSC_EUNSUPPORTED, nothing sent), %d refused region at client "
         "creation, %d signed with the sigv4 fallback scheme\n",
         c.skipped, c.unsupported, c.region_error, c.sigv4_fallback);
  printf("%d passed, %d failed\n", c.passed, c.failed);
  if (c.failed)
    return 1;
  return c.passed == 0 ? 77 : 0;
}
