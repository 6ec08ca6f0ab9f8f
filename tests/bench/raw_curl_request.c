/*
 * tests/bench/raw_curl_request.c - the floor for one small S3 request
 * (issue 12 point 4): a plain libcurl easy handle, kept alive across
 * calls, sending exactly the request awsc sends for S3 HeadObject or
 * GetObject of one object over plain HTTP with path-style addressing
 * (same method, URL, headers and header order, SigV4 computed here with
 * OpenSSL: tests/bench/raw_sigv4.h), reading the body into memory and
 * looking at nothing but the status. tests/bench/bench_small.c makes the
 * same calls through awsc's typed API; tests/bench/run_small_bench.sh runs
 * both side by side.
 *
 * usage: raw_curl_request --endpoint http://127.0.0.1:PORT --bucket B
 *          --key K [--op head|get] [-n N] [--warmup W]
 *          [--access-key ID --secret-key SECRET] [--region R] [--size BYTES]
 *   --size   expected body length for get (default 1024): any other
 *            length or a status other than 200 fails the run
 * The key is used as given in the path: pass keys that need no
 * URI-encoding (letters, digits, '-', '_', '.', '~', '/').
 *
 * Output, one line: "raw <op> <N> requests <user_s> user_s <sys_s> sys_s
 * <us> us/request" - the CPU time (getrusage, user + system) of the N
 * timed requests alone, after W warm-up requests that open the
 * connection. Exit status 0 when all requests answered as expected.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <curl/curl.h>

#include "raw_sigv4.h"

#ifndef RAW_USER_AGENT
#define RAW_USER_AGENT "awsc/0.1.0"
#endif

typedef struct body {
  char *p;
  size_t len, cap;
} body;

static size_t on_body(char *p, size_t size, size_t n, void *ud) {
  body *b = ud;
  size_t len = size * n;
  if (b->len + len > b->cap) {
    size_t cap = b->cap ? 2 * b->cap : 4096;
    while (cap < b->len + len)
      cap *= 2;
    char *q = realloc(b->p, cap);
    if (!q)
      return 0; /* makes curl fail the transfer */
    b->p = q;
    b->cap = cap;
  }
  memcpy(b->p + b->len, p, len);
  b->len += len;
  return len;
}

typedef struct req {
  CURL *easy;
  raw_signer *signer;
  const char *method;
  const char *host; /* "127.0.0.1:PORT", as curl sends it */
  const char *path; /* "/bucket/key" */
  long want_len;    /* -1 = HEAD (no body), else GET's body length */
  body b;
} req;

/* One signed request on the kept-alive handle: 0 when it answered 200
 * with the expected body length. */
/* noinline: callgrind_small.sh collects inside this function only. */
__attribute__((noinline)) static int one_request(req *r) {
  char amz_date[17], auth[512], line[600];
  int get = r->want_len >= 0;
  if (raw_sign(r->signer, r->method, r->host, r->path, get, time(NULL),
               amz_date, auth, sizeof(auth)))
    return -1;
  /* awsc's order: (GET) x-amz-checksum-mode, User-Agent, X-Amz-Date,
   * x-amz-content-sha256, Authorization; then its suppression of curl's
   * Accept and Expect. */
  struct curl_slist *h = NULL, *t;
#define ADD(s)                                                                 \
  do {                                                                         \
    t = curl_slist_append(h, s);                                               \
    if (!t)                                                                    \
      goto oom;                                                                \
    h = t;                                                                     \
  } while (0)
  if (get)
    ADD("x-amz-checksum-mode: ENABLED");
  ADD("User-Agent: " RAW_USER_AGENT);
  snprintf(line, sizeof(line), "X-Amz-Date: %s", amz_date);
  ADD(line);
  ADD("x-amz-content-sha256: " RAW_EMPTY_SHA256);
  snprintf(line, sizeof(line), "Authorization: %s", auth);
  ADD(line);
  ADD("Accept:");
  ADD("Expect:");
#undef ADD
  r->b.len = 0;
  curl_easy_setopt(r->easy, CURLOPT_HTTPHEADER, h);
  CURLcode c = curl_easy_perform(r->easy);
  long status = 0;
  curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_setopt(r->easy, CURLOPT_HTTPHEADER, NULL);
  curl_slist_free_all(h);
  if (c != CURLE_OK) {
    fprintf(stderr, "raw_curl_request: %s\n", curl_easy_strerror(c));
    return -1;
  }
  long got = (long)r->b.len;
  if (status != 200 || (r->want_len >= 0 && got != r->want_len)) {
    fprintf(stderr, "raw_curl_request: %s %s: status %ld, %ld body bytes\n",
            r->method, r->path, status, got);
    return -1;
  }
  return 0;
oom:
  curl_slist_free_all(h);
  return -1;
}

static double tv_s(struct timeval tv) {
  return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static void usage(void) {
  fprintf(stderr,
          "usage: raw_curl_request --endpoint http://127.0.0.1:PORT --bucket B "
          "--key K [--op head|get] [-n N] [--warmup W] [--access-key ID "
          "--secret-key SECRET] [--region R] [--size BYTES]\n");
}

int main(int argc, char **argv) {
  const char *endpoint = NULL, *bucket = NULL, *key = NULL, *op = "get";
  raw_signer signer = {.access_key = "AKIAIOSFODNN7EXAMPLE",
                       .secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                       .region = "us-east-1"};
  long n = 2000, warmup = 50, size = 1024;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!v) {
      usage();
      return 2;
    }
    i++;
    if (strcmp(a, "--endpoint") == 0)
      endpoint = v;
    else if (strcmp(a, "--bucket") == 0)
      bucket = v;
    else if (strcmp(a, "--key") == 0)
      key = v;
    else if (strcmp(a, "--op") == 0)
      op = v;
    else if (strcmp(a, "-n") == 0)
      n = atol(v);
    else if (strcmp(a, "--warmup") == 0)
      warmup = atol(v);
    else if (strcmp(a, "--size") == 0)
      size = atol(v);
    else if (strcmp(a, "--access-key") == 0)
      signer.access_key = v;
    else if (strcmp(a, "--secret-key") == 0)
      signer.secret_key = v;
    else if (strcmp(a, "--region") == 0)
      signer.region = v;
    else {
      usage();
      return 2;
    }
  }
  int head = strcmp(op, "head") == 0;
  if (!endpoint || !bucket || !key || n < 1 || warmup < 0 ||
      strncmp(endpoint, "http://", 7) != 0 ||
      (!head && strcmp(op, "get") != 0)) {
    usage();
    return 2;
  }

  char host[256], path[1024], url[1400];
  snprintf(host, sizeof(host), "%s", endpoint + 7);
  size_t hl = strlen(host);
  while (hl > 0 && host[hl - 1] == '/')
    host[--hl] = '\0';
  snprintf(path, sizeof(path), "/%s/%s", bucket, key);
  snprintf(url, sizeof(url), "http://%s%s", host, path);

  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
    return 1;
  req r;
  memset(&r, 0, sizeof(r));
  r.easy = curl_easy_init();
  r.signer = &signer;
  r.method = head ? "HEAD" : "GET";
  r.host = host;
  r.path = path;
  r.want_len = head ? -1 : size;
  if (!r.easy)
    return 1;
  /* The options awsc's transport sets that change what goes on the wire
   * or how the response is handled; set once, the handle is reused. */
  curl_easy_setopt(r.easy, CURLOPT_URL, url);
  curl_easy_setopt(r.easy, CURLOPT_NOSIGNAL, 1L);
  /* no proxy, given once: unset, libcurl reads five proxy variables of
   * the environment for every request; awsc's transport reads them once
   * (none here: 127.0.0.1) and sets the same, so the reference does not
   * pay a cost awsc does not */
  curl_easy_setopt(r.easy, CURLOPT_PROXY, "");
  curl_easy_setopt(r.easy, CURLOPT_NOPROXY, "");
  curl_easy_setopt(r.easy, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
  curl_easy_setopt(r.easy, CURLOPT_PATH_AS_IS, 1L);
  curl_easy_setopt(r.easy, CURLOPT_HTTP_CONTENT_DECODING, 0L);
  curl_easy_setopt(r.easy, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(r.easy, CURLOPT_WRITEDATA, &r.b);
  if (head)
    curl_easy_setopt(r.easy, CURLOPT_NOBODY, 1L);

  int failed = 0;
  for (long i = 0; i < warmup && !failed; i++)
    failed = one_request(&r);
  struct rusage r0, r1;
  getrusage(RUSAGE_SELF, &r0);
  for (long i = 0; i < n && !failed; i++)
    failed = one_request(&r);
  getrusage(RUSAGE_SELF, &r1);
  if (!failed) {
    double user = tv_s(r1.ru_utime) - tv_s(r0.ru_utime);
    double sys = tv_s(r1.ru_stime) - tv_s(r0.ru_stime);
    printf("raw %s %ld requests %.4f user_s %.4f sys_s %.2f us/request\n", op,
           n, user, sys, (user + sys) / (double)n * 1e6);
  }
  curl_easy_cleanup(r.easy);
  free(r.b.p);
  curl_global_cleanup();
  return failed ? 1 : 0;
}
