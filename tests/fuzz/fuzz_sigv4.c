/*
 * tests/fuzz/fuzz_sigv4.c - libFuzzer target for SigV4 canonicalisation
 * (lib/auth/sigv4.c, sigv4_canon.c): the canonical URI path under every
 * path mode, the canonical query string, the canonical headers, for both
 * header signing and presigning.
 *
 * Input layout:
 *   byte 0     flags: bit 0 NO_NORMALIZE_PATH, 1 NO_DOUBLE_ENCODE,
 *              2 PATH_RAW, 3 UNSIGNED_PAYLOAD, 4 presign, 5
 *              SIGN_CONTENT_SHA256, 6 with a session token
 *   the rest   lines ('\n'): the path first, then "?name=value" for a
 *              query parameter and "name:value" for a header
 *
 * Checks on success (the canonical request comes back with
 * AWSC_SIGV4_DEBUG): a 64-digit lower-case hex signature; the canonical
 * path and query hold only unreserved bytes, '/', '=', '&' and upper-case
 * %XX escapes (the path starts with '/' when the given one does or is
 * empty); query pairs are in byte order; header lines are lower-case
 * tokens in order, each name once, with trimmed values, and the signed
 * header list names exactly them; the query string to send holds no raw
 * reserved bytes either. On failure the message is not empty. Never,
 * success or not, does the secret key appear in a message, the canonical
 * request or the string to sign (unless the input put it there).
 */
#include <stdlib.h>
#include <string.h>

#include "auth/sigv4_internal.h"
#include "fuzz_util.h"

#define MAX_ITEMS 64

/* Control bytes in the secret: canonicalisation (dot segments, slash and
 * white-space runs collapsed, escapes) can not assemble it from pieces of
 * the input, so finding it in the output means the signer put it there. */
static const char secret[] = "wJalrXUtnFEMI\x01K7MDENG\x02bPxRfiCYEXAMPLEKEY";

static bool unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
}

static bool upper_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
}

/* Only unreserved bytes, upper-case %XX and the given separators. */
static void check_encoded(const char *p, size_t n, const char *seps) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)p[i];
    if (c == '%') {
      FUZZ_CHECK(i + 2 < n && upper_hex(p[i + 1]) && upper_hex(p[i + 2]));
      i += 2;
    } else {
      FUZZ_CHECK(unreserved(c) || (c && strchr(seps, c)));
    }
  }
}

/* The next line of the canonical request: [*p, eol), *p moves past it. */
static size_t next_line(const char **p, const char *end) {
  const char *s = *p;
  const char *nl = memchr(s, '\n', (size_t)(end - s));
  FUZZ_CHECK(nl != NULL);
  *p = nl + 1;
  return (size_t)(nl - s);
}

static int cmp_bytes(const char *a, size_t an, const char *b, size_t bn) {
  int c = memcmp(a, b, an < bn ? an : bn);
  return c ? c : (an > bn) - (an < bn);
}

static void check_query_order(const char *q, size_t n) {
  const char *prev = NULL;
  size_t prev_n = 0;
  size_t i = 0;
  while (i <= n && n > 0) {
    const char *amp = memchr(q + i, '&', n - i);
    size_t len = amp ? (size_t)(amp - (q + i)) : n - i;
    const char *eq = memchr(q + i, '=', len);
    FUZZ_CHECK(eq != NULL);
    /* pairs sort by encoded name, then encoded value */
    size_t nl = (size_t)(eq - (q + i));
    if (prev) {
      const char *peq = memchr(prev, '=', prev_n);
      size_t pnl = (size_t)(peq - prev);
      int c = cmp_bytes(prev, pnl, q + i, nl);
      FUZZ_CHECK(c < 0 || (c == 0 && cmp_bytes(peq + 1, prev_n - pnl - 1,
                                               eq + 1, len - nl - 1) <= 0));
    }
    prev = q + i;
    prev_n = len;
    i += len + 1;
  }
}

static void check_canonical(const char *creq, bool rooted) {
  const char *p = creq, *end = creq + strlen(creq);
  next_line(&p, end); /* method */
  const char *path = p;
  size_t path_n = next_line(&p, end);
  FUZZ_CHECK(!rooted || (path_n > 0 && path[0] == '/'));
  check_encoded(path, path_n, "/");
  const char *query = p;
  size_t query_n = next_line(&p, end);
  check_encoded(query, query_n, "=&");
  check_query_order(query, query_n);
  /* header lines up to the blank line */
  const char *names[MAX_ITEMS + 8];
  size_t name_n[MAX_ITEMS + 8], nh = 0;
  for (;;) {
    const char *h = p;
    size_t hn = next_line(&p, end);
    if (hn == 0)
      break;
    const char *colon = memchr(h, ':', hn);
    FUZZ_CHECK(colon != NULL && colon > h);
    size_t nn = (size_t)(colon - h);
    for (size_t k = 0; k < nn; k++) {
      char low;
      FUZZ_CHECK(sigv4_lower_name(&low, h + k, 1) && low == h[k]);
    }
    if (nh)
      FUZZ_CHECK(cmp_bytes(names[nh - 1], name_n[nh - 1], h, nn) < 0);
    size_t vn = hn - nn - 1;
    const char *v = colon + 1;
    FUZZ_CHECK(vn == 0 || (v[0] != ' ' && v[vn - 1] != ' '));
    FUZZ_CHECK(nh < MAX_ITEMS + 8);
    names[nh] = h;
    name_n[nh++] = nn;
  }
  /* the signed header list: the same names, ';'-separated */
  const char *sh = p;
  size_t sh_n = next_line(&p, end), at = 0;
  for (size_t i = 0; i < nh; i++) {
    FUZZ_CHECK(at + name_n[i] <= sh_n &&
               memcmp(sh + at, names[i], name_n[i]) == 0);
    at += name_n[i];
    if (i + 1 < nh) {
      FUZZ_CHECK(at < sh_n && sh[at] == ';');
      at++;
    }
  }
  FUZZ_CHECK(at == sh_n);
  FUZZ_CHECK(p < end && memchr(p, '\n', (size_t)(end - p)) == NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  unsigned f = data[0];
  char *text = malloc(size);
  FUZZ_CHECK(text != NULL);
  memcpy(text, data + 1, size - 1);
  text[size - 1] = '\0';

  awsc_sigv4_param query[MAX_ITEMS];
  awsc_http_header headers[MAX_ITEMS];
  size_t nq = 0, nhd = 0;
  char *path = text;
  char *line = strchr(text, '\n');
  if (line)
    *line++ = '\0';
  while (line) {
    char *next = strchr(line, '\n');
    if (next)
      *next++ = '\0';
    if (line[0] == '?' && nq < MAX_ITEMS) {
      char *eq = strchr(line + 1, '=');
      if (eq)
        *eq++ = '\0';
      query[nq].name = line + 1;
      query[nq++].value = eq;
    } else if (nhd < MAX_ITEMS) {
      char *colon = strchr(line, ':');
      if (colon)
        *colon++ = '\0';
      headers[nhd].name = line;
      headers[nhd++].value = colon ? colon : "";
    }
    line = next;
  }

  awsc_sigv4_params p = AWSC_SIGV4_PARAMS_INIT;
  p.access_key_id = "AKIDEXAMPLE";
  p.secret_access_key = secret;
  p.session_token = (f & 64) ? "session-token" : NULL;
  p.region = "us-east-1";
  p.service = "s3";
  p.time_ms = 1440938160000;
  p.expires_s = 3600;
  awsc_sigv4_request r = AWSC_SIGV4_REQUEST_INIT;
  r.method = "GET";
  r.path = path;
  r.query = query;
  r.query_count = nq;
  r.headers = headers;
  r.header_count = nhd;
  r.host = "examplebucket.s3.amazonaws.com";
  r.flags = AWSC_SIGV4_DEBUG;
  static const unsigned bits[] = {AWSC_SIGV4_NO_NORMALIZE_PATH,
                                  AWSC_SIGV4_NO_DOUBLE_ENCODE,
                                  AWSC_SIGV4_PATH_RAW,
                                  AWSC_SIGV4_UNSIGNED_PAYLOAD,
                                  0,
                                  AWSC_SIGV4_SIGN_CONTENT_SHA256};
  for (int i = 0; i < 6; i++)
    if (f & (1u << i))
      r.flags |= bits[i];
  /* a path given without its leading '/' stays that way */
  bool rooted = path[0] == '/' || path[0] == '\0';
  awsc_sigv4_result out = AWSC_SIGV4_RESULT_INIT;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = (f & 16) ? awsc_sigv4_presign(&out, &p, &r, &err)
                    : awsc_sigv4_sign_headers(&out, &p, &r, &err);
  /* (unless the input itself carries it, in a header or the path) */
  bool leaks_ok = memmem(data, size, secret, sizeof(secret) - 1) != NULL;
  FUZZ_CHECK(leaks_ok || strstr(err.message, secret) == NULL);
  if (rc == 0) {
    FUZZ_CHECK(strlen(out.signature) == 64);
    for (int i = 0; i < 64; i++)
      FUZZ_CHECK((out.signature[i] >= '0' && out.signature[i] <= '9') ||
                 (out.signature[i] >= 'a' && out.signature[i] <= 'f'));
    FUZZ_CHECK(out.canonical_request && out.string_to_sign && out.query);
    FUZZ_CHECK(leaks_ok || strstr(out.canonical_request, secret) == NULL);
    FUZZ_CHECK(leaks_ok || strstr(out.string_to_sign, secret) == NULL);
    check_canonical(out.canonical_request, rooted);
    check_encoded(out.query, strlen(out.query), "=&");
  } else {
    FUZZ_CHECK(rc == AWSC_EVALIDATION || rc == AWSC_EINVAL ||
               rc == AWSC_ENOMEM);
    FUZZ_CHECK(err.code == rc && err.message[0] != '\0');
  }
  awsc_sigv4_result_cleanup(&out);

  /* the path canonicaliser alone, in the mode the flags pick */
  awsc_buf a = {0}, b = {0};
  awsc_sv cp;
  awsc_error perr = AWSC_ERROR_INIT;
  if (sigv4_canonical_path(&a, &b, path, r.flags, &cp, &perr) == 0) {
    FUZZ_CHECK(!rooted || (cp.n > 0 && cp.p[0] == '/'));
    check_encoded(cp.p, cp.n, "/");
  }
  awsc_buf_free(&a);
  awsc_buf_free(&b);
  free(text);
  return 0;
}
