/*
 * lib/endpoints/ep_fn.c - the rules language's string functions:
 * parseURL, aws.parseArn, substring, uriEncode, isValidHostLabel,
 * aws.isVirtualHostableS3Bucket, split, and the IP address checks.
 *
 * Results are views into the input where possible (no copy); what has
 * to be built goes into the evaluation arena.
 */
#include <string.h>

#include "endpoints/ep_internal.h"

static bool is_alpha(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static bool is_digit(unsigned char c) {
  return c >= '0' && c <= '9';
}
static bool is_alnum(unsigned char c) {
  return is_alpha(c) || is_digit(c);
}
static bool is_hex(unsigned char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
static bool is_unreserved(unsigned char c) {
  return awsc_uri_unreserved[c];
}

/* ---- IP addresses ---- */

bool ep_is_ipv4(const char *s, size_t n) {
  size_t i = 0;
  for (int group = 0; group < 4; group++) {
    size_t d = 0;
    while (i < n && is_digit((unsigned char)s[i]) && d < 4) {
      i++;
      d++;
    }
    if (d == 0 || d > 3)
      return false;
    if (group < 3) {
      if (i >= n || s[i] != '.')
        return false;
      i++;
    }
  }
  return i == n;
}

/* RFC 3986 IPv6address, plus an RFC 6874 zone: "%25" (or, as botocore's
 * pattern also allows, a bare "%") then one or more unreserved or %XX. */
bool ep_is_ipv6(const char *s, size_t n) {
  const char *pct = memchr(s, '%', n);
  size_t addr_len = pct ? (size_t)(pct - s) : n;
  if (pct) {
    size_t z = addr_len + 1;
    if (z >= n)
      return false;
    while (z < n) {
      unsigned char c = (unsigned char)s[z];
      if (c == '%') {
        if (z + 2 >= n || !is_hex((unsigned char)s[z + 1]) ||
            !is_hex((unsigned char)s[z + 2]))
          return false;
        z += 3;
      } else if (is_unreserved(c)) {
        z++;
      } else {
        return false;
      }
    }
  }
  int groups = 0;
  bool compressed = false;
  size_t i = 0;
  if (addr_len >= 2 && s[0] == ':' && s[1] == ':') {
    compressed = true;
    i = 2;
  } else if (addr_len >= 1 && s[0] == ':') {
    return false;
  }
  while (i < addr_len) {
    /* an IPv4 tail takes the place of the last two groups */
    size_t j = i;
    while (j < addr_len && is_hex((unsigned char)s[j]))
      j++;
    if (j < addr_len && s[j] == '.') {
      if (!ep_is_ipv4(s + i, addr_len - i))
        return false;
      groups += 2;
      i = addr_len;
      break;
    }
    if (j == i || j - i > 4)
      return false;
    groups++;
    i = j;
    if (i == addr_len)
      break;
    if (s[i] != ':')
      return false;
    i++;
    if (i < addr_len && s[i] == ':') {
      if (compressed)
        return false;
      compressed = true;
      i++;
    } else if (i == addr_len) {
      return false; /* trailing single ':' */
    }
  }
  return compressed ? groups <= 7 : groups == 8;
}

/* ---- parseURL ----
 * Follows the specification and botocore's urlparse-based version:
 * scheme http or https (any case; reported in lower case), "//" and a
 * non-empty authority, no query (an empty "?" is allowed, as urlparse
 * sees no query), a fragment is ignored, a port must be decimal and at
 * most 65535, brackets must hold a valid IPv6 address. Whitespace and
 * control characters make the URL invalid. normalizedPath is the path
 * with a leading and a trailing '/' (the spec's definition; botocore
 * also removes dot segments and percent-quotes, which the spec does not
 * ask for). isIp: the host is a dotted quad (botocore's IPV4_RE) or a
 * bracketed IPv6 address. */
static awsc_ep_member mk_member(const char *key, awsc_ep_value v) {
  awsc_ep_member m = {key, v};
  return m;
}

int ep_fn_parse_url(awsc_arena *a, const char *s, size_t n,
                    awsc_ep_value *out) {
  *out = awsc_ep_none();
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c <= 0x20 || c == 0x7f)
      return 0;
  }
  size_t i = 0;
  if (n == 0 || !is_alpha((unsigned char)s[0]))
    return 0;
  while (i < n && (is_alnum((unsigned char)s[i]) || s[i] == '+' ||
                   s[i] == '-' || s[i] == '.'))
    i++;
  if (i >= n || s[i] != ':')
    return 0;
  const char *scheme;
  if (i == 4 && strncasecmp(s, "http", 4) == 0)
    scheme = "http";
  else if (i == 5 && strncasecmp(s, "https", 5) == 0)
    scheme = "https";
  else
    return 0;
  i++;
  if (i + 2 > n || s[i] != '/' || s[i + 1] != '/')
    return 0;
  i += 2;
  size_t auth_start = i;
  while (i < n && s[i] != '/' && s[i] != '?' && s[i] != '#')
    i++;
  size_t auth_len = i - auth_start;
  const char *auth = s + auth_start;
  if (auth_len == 0)
    return 0;
  size_t path_start = i;
  while (i < n && s[i] != '?' && s[i] != '#')
    i++;
  size_t path_len = i - path_start;
  if (i < n && s[i] == '?') {
    size_t q = i + 1;
    while (i < n && s[i] != '#')
      i++;
    if (i > q)
      return 0; /* a query is not supported */
  }

  /* host[:port] after any userinfo */
  const char *host = auth;
  size_t host_len = auth_len;
  for (size_t k = auth_len; k-- > 0;)
    if (auth[k] == '@') {
      host = auth + k + 1;
      host_len = auth_len - k - 1;
      break;
    }
  const char *port = NULL;
  size_t port_len = 0;
  bool ipv6 = false;
  if (host_len && host[0] == '[') {
    const char *rb = memchr(host, ']', host_len);
    if (!rb)
      return 0;
    size_t inner = (size_t)(rb - host) - 1;
    if (!ep_is_ipv6(host + 1, inner))
      return 0;
    ipv6 = true;
    size_t after = (size_t)(rb - host) + 1;
    if (after < host_len) {
      if (host[after] != ':')
        return 0;
      port = host + after + 1;
      port_len = host_len - after - 1;
    }
    host_len = after;
  } else {
    if (memchr(host, '[', host_len) || memchr(host, ']', host_len))
      return 0;
    const char *colon = memchr(host, ':', host_len);
    if (colon) {
      port = colon + 1;
      port_len = host_len - (size_t)(colon - host) - 1;
      host_len = (size_t)(colon - host);
    }
  }
  if (port_len) {
    unsigned long v = 0;
    for (size_t k = 0; k < port_len; k++) {
      if (!is_digit((unsigned char)port[k]))
        return 0;
      v = v * 10 + (unsigned long)(port[k] - '0');
      if (v > 65535)
        return 0;
    }
  }
  bool is_ip = ipv6 || ep_is_ipv4(host, host_len);

  const char *path = s + path_start;
  bool lead = path_len == 0 || path[0] != '/';
  bool trail = path_len == 0 || path[path_len - 1] != '/';
  if (path_len == 0)
    trail = false; /* "" -> "/" */
  size_t nlen = path_len + lead + trail;
  char *norm = awsc_arena_alloc(a, nlen + 1);
  awsc_ep_member *m = awsc_arena_alloc(a, 5 * sizeof *m);
  if (!norm || !m)
    return AWSC_ENOMEM;
  size_t w = 0;
  if (lead)
    norm[w++] = '/';
  memcpy(norm + w, path, path_len);
  w += path_len;
  if (trail)
    norm[w++] = '/';
  norm[w] = '\0';
  m[0] = mk_member("scheme", awsc_ep_string(scheme));
  m[1] = mk_member("authority", awsc_ep_string_n(auth, auth_len));
  m[2] = mk_member("path", awsc_ep_string_n(path, path_len));
  m[3] = mk_member("normalizedPath", awsc_ep_string_n(norm, w));
  m[4] = mk_member("isIp", awsc_ep_bool(is_ip));
  out->type = AWSC_EP_OBJECT;
  out->members = m;
  out->nmembers = 5;
  return 0;
}

/* ---- aws.parseArn ----
 * "arn:partition:service:region:account:resource": six ':'-separated
 * fields (the resource keeps any further ':'); partition, service and
 * resource must be non-empty, region and account may be empty.
 * resourceId is the resource split on ':' and '/'. */
int ep_fn_parse_arn(awsc_arena *a, const char *s, size_t n,
                    awsc_ep_value *out) {
  *out = awsc_ep_none();
  if (n < 4 || memcmp(s, "arn:", 4) != 0)
    return 0;
  const char *f[5];
  size_t fl[5];
  size_t i = 4;
  for (int k = 0; k < 4; k++) {
    const char *c = memchr(s + i, ':', n - i);
    if (!c)
      return 0;
    f[k] = s + i;
    fl[k] = (size_t)(c - (s + i));
    i = (size_t)(c - s) + 1;
  }
  f[4] = s + i;
  fl[4] = n - i;
  if (fl[0] == 0 || fl[1] == 0 || fl[4] == 0)
    return 0;
  size_t nids = 1;
  for (size_t k = 0; k < fl[4]; k++)
    if (f[4][k] == ':' || f[4][k] == '/')
      nids++;
  awsc_ep_value *ids = awsc_arena_alloc(a, nids * sizeof *ids);
  awsc_ep_member *m = awsc_arena_alloc(a, 5 * sizeof *m);
  if (!ids || !m)
    return AWSC_ENOMEM;
  size_t start = 0, w = 0;
  for (size_t k = 0; k <= fl[4]; k++) {
    if (k == fl[4] || f[4][k] == ':' || f[4][k] == '/') {
      ids[w++] = awsc_ep_string_n(f[4] + start, k - start);
      start = k + 1;
    }
  }
  m[0] = mk_member("partition", awsc_ep_string_n(f[0], fl[0]));
  m[1] = mk_member("service", awsc_ep_string_n(f[1], fl[1]));
  m[2] = mk_member("region", awsc_ep_string_n(f[2], fl[2]));
  m[3] = mk_member("accountId", awsc_ep_string_n(f[3], fl[3]));
  awsc_ep_value arr = {.type = AWSC_EP_ARRAY};
  arr.items = ids;
  arr.count = w;
  m[4] = mk_member("resourceId", arr);
  out->type = AWSC_EP_OBJECT;
  out->members = m;
  out->nmembers = 5;
  return 0;
}

/* ---- substring ----
 * Indices count characters; any non-ASCII byte gives "no value" (so the
 * byte count is the character count), as does start >= stop or a string
 * shorter than stop. reverse counts from the end. */
awsc_ep_value ep_fn_substring(const char *s, size_t n, int64_t start,
                              int64_t stop, bool reverse) {
  if (start < 0 || start >= stop || (uint64_t)stop > n)
    return awsc_ep_none();
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)s[i] >= 0x80)
      return awsc_ep_none();
  size_t b = (size_t)start, e = (size_t)stop;
  if (reverse) {
    b = n - (size_t)stop;
    e = n - (size_t)start;
  }
  return awsc_ep_string_n(s + b, e - b);
}

/* ---- uriEncode: RFC 3986, only A-Z a-z 0-9 - . _ ~ kept (UTF-8 bytes
 * encoded one by one, upper-case hex). Returns the input itself when
 * nothing needs encoding. ---- */
int ep_fn_uri_encode(awsc_arena *a, const char *s, size_t n,
                     awsc_ep_value *out) {
  size_t extra = 0;
  for (size_t i = 0; i < n; i++)
    if (!is_unreserved((unsigned char)s[i]))
      extra += 2;
  if (extra == 0) {
    *out = awsc_ep_string_n(s, n);
    return 0;
  }
  char *d = awsc_arena_alloc(a, n + extra + 1);
  if (!d)
    return AWSC_ENOMEM;
  static const char hex[] = "0123456789ABCDEF";
  size_t w = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (is_unreserved(c)) {
      d[w++] = (char)c;
    } else {
      d[w++] = '%';
      d[w++] = hex[c >> 4];
      d[w++] = hex[c & 15];
    }
  }
  d[w] = '\0';
  *out = awsc_ep_string_n(d, w);
  return 0;
}

/* ---- host labels ----
 * RFC 1123 label: 1-63 of [A-Za-z0-9-], neither starting nor ending with
 * '-'. With allow_subdomains, every '.'-separated label must be one (so
 * no empty label, no leading or trailing dot). */
static bool host_label(const char *s, size_t n) {
  if (n < 1 || n > 63 || s[0] == '-' || s[n - 1] == '-')
    return false;
  for (size_t i = 0; i < n; i++)
    if (!is_alnum((unsigned char)s[i]) && s[i] != '-')
      return false;
  return true;
}

bool ep_fn_is_valid_host_label(const char *s, size_t n, bool allow_subdomains) {
  if (!allow_subdomains)
    return host_label(s, n);
  size_t start = 0;
  for (size_t i = 0; i <= n; i++) {
    if (i == n || s[i] == '.') {
      if (!host_label(s + start, i - start))
        return false;
      start = i + 1;
    }
  }
  return true;
}

/* ---- aws.isVirtualHostableS3Bucket ----
 * 3 to 63 characters, no upper case, not formatted as an IPv4 address,
 * and a valid host label (each label when allow_subdomains). */
bool ep_fn_is_virtual_hostable_s3_bucket(const char *s, size_t n,
                                         bool allow_subdomains) {
  if (n < 3 || n > 63)
    return false;
  for (size_t i = 0; i < n; i++)
    if (s[i] >= 'A' && s[i] <= 'Z')
      return false;
  if (ep_is_ipv4(s, n))
    return false;
  return ep_fn_is_valid_host_label(s, n, allow_subdomains);
}

/* ---- split (rules language 1.1) ----
 * limit 0: every part; 1: the whole string; n > 1: at most n parts, the
 * last holding the rest. An empty delimiter or negative limit gives no
 * value. */
int ep_fn_split(awsc_arena *a, const char *s, size_t n, const char *delim,
                size_t dlen, int64_t limit, awsc_ep_value *out) {
  *out = awsc_ep_none();
  if (dlen == 0 || limit < 0)
    return 0;
  size_t parts = 1;
  for (size_t i = 0; i + dlen <= n;) {
    if (limit > 0 && parts >= (uint64_t)limit)
      break;
    if (memcmp(s + i, delim, dlen) == 0) {
      parts++;
      i += dlen;
    } else {
      i++;
    }
  }
  awsc_ep_value *items = awsc_arena_alloc(a, parts * sizeof *items);
  if (!items)
    return AWSC_ENOMEM;
  size_t w = 0, start = 0;
  for (size_t i = 0; i + dlen <= n && w + 1 < parts;) {
    if (memcmp(s + i, delim, dlen) == 0) {
      items[w++] = awsc_ep_string_n(s + start, i - start);
      i += dlen;
      start = i;
    } else {
      i++;
    }
  }
  items[w++] = awsc_ep_string_n(s + start, n - start);
  out->type = AWSC_EP_ARRAY;
  out->items = items;
  out->count = w;
  return 0;
}
