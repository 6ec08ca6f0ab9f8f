/*
 * tests/fuzz/fuzz_arn_url.c - libFuzzer target for the parsers of the
 * endpoint rules' standard library called directly (lib/endpoints/
 * ep_fn.c): parseArn, parseURL, uriEncode, split, substring, the IPv4 /
 * IPv6 and host-label checks. The whole input is the string.
 *
 * Checks what each promises:
 *   - parseArn: the five fields and the resource ids put back together
 *     (with the separators they were split at) give the input again;
 *   - parseURL: scheme "http" or "https", a non-empty authority, a
 *     normalizedPath that starts and ends with '/', isIp a boolean;
 *   - uriEncode: only unreserved bytes and %XX come out, and decoding
 *     gives the input;
 *   - split: the parts joined with the delimiter give the input (limit 0);
 *   - substring: a view inside the input, of the asked length.
 */
#include <stdbool.h>
#include <string.h>

#include "endpoints/ep_internal.h"
#include "fuzz_util.h"

static const awsc_ep_value *member(const awsc_ep_value *o, const char *k) {
  const awsc_ep_value *v = awsc_ep_value_get(o, k);
  FUZZ_CHECK(v != NULL);
  return v;
}

static void check_arn(awsc_arena *a, const char *s, size_t n) {
  awsc_ep_value v;
  FUZZ_CHECK(ep_fn_parse_arn(a, s, n, &v) == 0);
  if (v.type == AWSC_EP_NONE)
    return;
  FUZZ_CHECK(v.type == AWSC_EP_OBJECT);
  static const char *const fields[] = {"partition", "service", "region",
                                       "accountId"};
  size_t at = 4;
  FUZZ_CHECK(n >= 4 && memcmp(s, "arn:", 4) == 0);
  for (int k = 0; k < 4; k++) {
    const awsc_ep_value *f = member(&v, fields[k]);
    FUZZ_CHECK(f->type == AWSC_EP_STRING);
    FUZZ_CHECK(at + f->len < n && memcmp(s + at, f->str, f->len) == 0);
    at += f->len;
    FUZZ_CHECK(s[at] == ':');
    at++;
  }
  const awsc_ep_value *ids = member(&v, "resourceId");
  FUZZ_CHECK(ids->type == AWSC_EP_ARRAY && ids->count >= 1);
  for (size_t i = 0; i < ids->count; i++) {
    const awsc_ep_value *id = &ids->items[i];
    FUZZ_CHECK(id->type == AWSC_EP_STRING);
    FUZZ_CHECK(at + id->len <= n && memcmp(s + at, id->str, id->len) == 0);
    at += id->len;
    if (i + 1 < ids->count) {
      FUZZ_CHECK(at < n && (s[at] == ':' || s[at] == '/'));
      at++;
    }
  }
  FUZZ_CHECK(at == n);
}

static void check_url(awsc_arena *a, const char *s, size_t n) {
  awsc_ep_value v;
  FUZZ_CHECK(ep_fn_parse_url(a, s, n, &v) == 0);
  if (v.type == AWSC_EP_NONE)
    return;
  FUZZ_CHECK(v.type == AWSC_EP_OBJECT);
  const awsc_ep_value *scheme = member(&v, "scheme");
  FUZZ_CHECK(scheme->type == AWSC_EP_STRING);
  FUZZ_CHECK((scheme->len == 4 && memcmp(scheme->str, "http", 4) == 0) ||
             (scheme->len == 5 && memcmp(scheme->str, "https", 5) == 0));
  const awsc_ep_value *auth = member(&v, "authority");
  FUZZ_CHECK(auth->type == AWSC_EP_STRING && auth->len > 0);
  const awsc_ep_value *np = member(&v, "normalizedPath");
  FUZZ_CHECK(np->type == AWSC_EP_STRING && np->len >= 1);
  FUZZ_CHECK(np->str[0] == '/' && np->str[np->len - 1] == '/');
  FUZZ_CHECK(member(&v, "path")->type == AWSC_EP_STRING);
  FUZZ_CHECK(member(&v, "isIp")->type == AWSC_EP_BOOL);
}

static int hexval(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static bool unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
}

static void check_uri_encode(awsc_arena *a, const char *s, size_t n) {
  awsc_ep_value v;
  FUZZ_CHECK(ep_fn_uri_encode(a, s, n, &v) == 0);
  FUZZ_CHECK(v.type == AWSC_EP_STRING);
  size_t j = 0;
  for (size_t i = 0; i < v.len; i++, j++) {
    FUZZ_CHECK(j < n);
    unsigned char c = (unsigned char)v.str[i];
    if (c == '%') {
      FUZZ_CHECK(i + 2 < v.len);
      int hi = hexval(v.str[i + 1]), lo = hexval(v.str[i + 2]);
      FUZZ_CHECK(hi >= 0 && lo >= 0);
      FUZZ_CHECK((unsigned char)s[j] == (unsigned)(hi * 16 + lo));
      FUZZ_CHECK(!unreserved((unsigned char)s[j]));
      i += 2;
    } else {
      FUZZ_CHECK(unreserved(c) && (unsigned char)s[j] == c);
    }
  }
  FUZZ_CHECK(j == n);
}

static void check_split(awsc_arena *a, const char *s, size_t n) {
  /* delimiter: the first byte, split over the rest */
  if (n < 1)
    return;
  awsc_ep_value v;
  FUZZ_CHECK(ep_fn_split(a, s + 1, n - 1, s, 1, 0, &v) == 0);
  FUZZ_CHECK(v.type == AWSC_EP_ARRAY && v.count >= 1);
  size_t at = 1;
  for (size_t i = 0; i < v.count; i++) {
    FUZZ_CHECK(v.items[i].type == AWSC_EP_STRING);
    FUZZ_CHECK(at + v.items[i].len <= n &&
               memcmp(s + at, v.items[i].str, v.items[i].len) == 0);
    at += v.items[i].len;
    if (i + 1 < v.count) {
      FUZZ_CHECK(at < n && s[at] == s[0]);
      at++;
    }
  }
  FUZZ_CHECK(at == n);
  /* a limit of 2: at most two parts */
  FUZZ_CHECK(ep_fn_split(a, s + 1, n - 1, s, 1, 2, &v) == 0);
  FUZZ_CHECK(v.type == AWSC_EP_ARRAY && v.count >= 1 && v.count <= 2);
}

static void check_substring(const char *s, size_t n) {
  int64_t start = n > 0 ? (unsigned char)s[0] % 8 : 0;
  int64_t stop = n > 1 ? (unsigned char)s[1] % 16 : 3;
  for (int rev = 0; rev < 2; rev++) {
    awsc_ep_value v = ep_fn_substring(s, n, start, stop, rev != 0);
    if (v.type == AWSC_EP_NONE)
      continue;
    FUZZ_CHECK(v.type == AWSC_EP_STRING);
    FUZZ_CHECK(v.len == (size_t)(stop - start));
    FUZZ_CHECK(v.str >= s && v.str + v.len <= s + n);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *s = (const char *)data;
  awsc_arena *a = awsc_arena_new(0);
  FUZZ_CHECK(a != NULL);
  check_arn(a, s, size);
  check_url(a, s, size);
  check_uri_encode(a, s, size);
  check_split(a, s, size);
  check_substring(s, size);
  (void)ep_is_ipv4(s, size);
  (void)ep_is_ipv6(s, size);
  for (int sub = 0; sub < 2; sub++) {
    bool vh = ep_fn_is_virtual_hostable_s3_bucket(s, size, sub != 0);
    bool hl = ep_fn_is_valid_host_label(s, size, sub != 0);
    /* a virtual-hostable bucket name is a valid host label */
    FUZZ_CHECK(!vh || hl);
  }
  awsc_arena_free(a);
  return 0;
}
