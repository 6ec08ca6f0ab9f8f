/*
 * Endpoint URLs: parsing configured ones and the AWS default pattern.
 * The endpoint rules engine (S3 ARNs, FIPS, dual-stack, partitions) plugs
 * in here later; until then the pattern https://PREFIX.REGION.DNS_SUFFIX
 * covers the standard partitions.
 */
#include <ctype.h>
#include <string.h>

#include "client/client_internal.h"

void awsc_endpoint_cleanup(awsc_endpoint *ep) {
  if (!ep)
    return;
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

int awsc_endpoint_parse(awsc_endpoint *ep, const char *url, bool custom,
                        awsc_error *err) {
  memset(ep, 0, sizeof(*ep));
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
  ep->host = awsc_strndup(p, (size_t)(host_end - p));
  /* hostname: strip ":port" (but not inside an IPv6 literal) */
  const char *colon = NULL;
  if (*p == '[') {
    const char *rb = memchr(p, ']', (size_t)(host_end - p));
    if (rb)
      colon = (rb + 1 < host_end && rb[1] == ':') ? rb + 1 : NULL;
  } else {
    colon = memchr(p, ':', (size_t)(host_end - p));
  }
  ep->hostname = awsc_strndup(p, (size_t)((colon ? colon : host_end) - p));
  const char *path = host_end;
  size_t plen = strcspn(path, "?#");
  while (plen > 0 && path[plen - 1] == '/')
    plen--;
  ep->base_path = awsc_strndup(path, plen);
  awsc_buf u = AWSC_BUF_INIT;
  awsc_buf_printf(&u, "%s://%s%s", ep->https ? "https" : "http",
                  ep->host ? ep->host : "", ep->base_path ? ep->base_path : "");
  ep->url = awsc_buf_detach(&u);
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
                          const char *region, awsc_error *err) {
  const char *prefix = svc->endpoint_prefix ? svc->endpoint_prefix
                                            : svc->signing_name;
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
  rc = awsc_endpoint_parse(ep, u.p, false, err);
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
