/*
 * tests/fuzz/fuzz_endpoints.c - libFuzzer target for the endpoint rules
 * engine (lib/endpoints: evaluation, parseURL, parseArn, substring,
 * uriEncode, host-label and virtual-host checks, aws.partition) with the
 * rule sets of S3 (the largest: ARNs, access points, Outposts, Express,
 * Object Lambda, path style...) and STS, compiled once.
 *
 * Input layout:
 *   byte 0      rule set (even: S3, odd: STS)
 *   bytes 1-3   which parameters are set (bit i: parameter i of the rule
 *               set, in document order)
 *   bytes 4-6   the values of the boolean ones (same bits)
 *   the rest    the string parameters that are set, in order, separated
 *               by '\n' (S3: Bucket, Region, Endpoint, Key, Prefix,
 *               CopySource; STS: Region, Endpoint); a missing line leaves
 *               the parameter unset
 * Each string is handed over NUL-terminated in a block of its own size,
 * as the client does. Checks: a resolution gives either a URL (and no
 * error) or an error message (and no URL), every auth scheme reads back,
 * the properties print as JSON; nothing else comes back.
 */
#include <stdlib.h>
#include <string.h>

#include "endpoints/endpoints.h"
#include "fuzz_util.h"

static awsc_ep_ruleset *load(awsc_ep_partitions *parts, const char *rel) {
  size_t n;
  char *text = fuzz_model_text(rel, &n);
  awsc_ep_ruleset *rs = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  FUZZ_CHECK(awsc_ep_ruleset_new(&rs, text, n, parts, &err) == 0);
  free(text);
  return rs;
}

static void check_result(int rc, const awsc_ep_result *res) {
  if (rc == AWSC_EVALIDATION) {
    FUZZ_CHECK(res->error != NULL && res->url == NULL);
    return;
  }
  FUZZ_CHECK(rc == 0);
  FUZZ_CHECK(res->url != NULL && res->error == NULL);
  FUZZ_CHECK(res->properties && res->properties->type == AWSC_EP_OBJECT);
  awsc_buf b = {0};
  FUZZ_CHECK(awsc_ep_value_to_json(res->properties, &b) == 0);
  awsc_buf_free(&b);
  size_t n = awsc_ep_auth_scheme_count(res);
  for (size_t i = 0; i < n; i++) {
    awsc_ep_auth_scheme as;
    if (awsc_ep_auth_scheme_at(res, &as, i))
      FUZZ_CHECK(as.name != NULL);
  }
  for (size_t i = 0; i < res->header_count; i++)
    FUZZ_CHECK(res->headers[i].name != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static awsc_ep_ruleset *rulesets[2];
  if (!rulesets[0]) {
    size_t n;
    char *text = fuzz_model_text("partitions.json", &n);
    awsc_ep_partitions *parts = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    FUZZ_CHECK(awsc_ep_partitions_new(&parts, text, n, &err) == 0);
    free(text);
    rulesets[0] = load(parts, "s3/2006-03-01/endpoint-rule-set-1.json");
    rulesets[1] = load(parts, "sts/2011-06-15/endpoint-rule-set-1.json");
    awsc_ep_partitions_free(parts);
  }
  if (size < 7)
    return 0;
  const awsc_ep_ruleset *rs = rulesets[data[0] & 1];
  uint32_t set =
      (uint32_t)data[1] | (uint32_t)data[2] << 8 | (uint32_t)data[3] << 16;
  uint32_t val =
      (uint32_t)data[4] | (uint32_t)data[5] << 8 | (uint32_t)data[6] << 16;
  const char *s = (const char *)data + 7, *end = (const char *)data + size;

  awsc_arena *arena = awsc_arena_new(0);
  FUZZ_CHECK(arena != NULL);
  awsc_ep_params p;
  FUZZ_CHECK(awsc_ep_params_init(&p, rs, arena) == 0);
  char *strs[24];
  size_t nstrs = 0;
  size_t np = awsc_ep_ruleset_param_count(rs);
  for (size_t i = 0; i < np && i < 24; i++) {
    if (!(set & (1u << i)))
      continue;
    const awsc_ep_param_info *info = awsc_ep_ruleset_param(rs, i);
    FUZZ_CHECK(info != NULL);
    awsc_ep_value v = awsc_ep_none();
    if (info->type == AWSC_EP_PARAM_BOOLEAN) {
      v = awsc_ep_bool((val >> i) & 1);
    } else if (info->type == AWSC_EP_PARAM_STRING && s < end) {
      const char *nl = memchr(s, '\n', (size_t)(end - s));
      size_t len = nl ? (size_t)(nl - s) : (size_t)(end - s);
      char *c = malloc(len + 1);
      FUZZ_CHECK(c != NULL);
      memcpy(c, s, len);
      c[len] = '\0';
      strs[nstrs++] = c;
      v = awsc_ep_string(c);
      s = nl ? nl + 1 : end;
    }
    if (v.type != AWSC_EP_NONE)
      FUZZ_CHECK(awsc_ep_params_set(&p, (int)i, v, NULL) == 0);
  }
  awsc_ep_result res;
  memset(&res, 0, sizeof(res));
  awsc_error err = AWSC_ERROR_INIT;
  int rc = awsc_ep_resolve(rs, &res, &p, arena, &err);
  check_result(rc, &res);
  for (size_t i = 0; i < nstrs; i++)
    free(strs[i]);
  awsc_arena_free(arena);
  return 0;
}
