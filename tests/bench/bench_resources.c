/*
 * tests/bench/bench_resources.c - what boto3's resource idioms cost in
 * awsc's resource layer (lib/resources over the client), against an
 * in-process fake transport that serves canned bytes, so no socket is
 * involved. tests/bench/bench_resources_boto3.py does the same with boto3's
 * resources over the same bytes; tests/bench/run_resources_bench.sh runs
 * both and prints the ratios.
 *
 * Cases (public API only: awsc/s3_resources.h, awsc/sys/transport.h):
 *   list  for obj in bucket.objects.all(): obj.key, obj.size
 *         -- awsc_s3_bucket_objects + awsc_resource_collection_next over
 *         --keys keys (pages of 1000 ListObjects keys, built once before
 *         timing; the fake transport picks the page from the request's
 *         marker), reading the key and the size through the typed data
 *         (awsc_s3_object_summary_data), each item freed as it goes.
 *   load  for k in keys: o = s3.Object(bucket, k); o.load();
 *         o.content_length, o.e_tag -- awsc_s3_object_new +
 *         awsc_s3_object_data (HeadObject, canned headers) + free, for
 *         --loads distinct keys.
 *
 * Timing: process CPU time (getrusage user + sys, as Python's
 * time.process_time) of one timed pass after a warm-up pass of one page
 * and 100 loads. Memory: VmHWM of /proc/self/status (peak RSS), the RSS
 * before the listing (pages built, client made) and the growth above it
 * during the listing, the peak being reset first through
 * /proc/self/clear_refs when the kernel allows it; and, exactly, the peak
 * of the library's own live heap during the listing above what it held
 * before (counted through the awsc_set_allocator hooks). The canned pages
 * are the benchmark's, not the library's: they grow with --keys, so the
 * memory that must not grow is the growth and the library's heap.
 *
 * usage: bench_resources [--keys N] [--loads N] [--show] [--digest]
 *   --show    print the first list and load requests, then exit
 *   --digest  print the SHA-256 of the canned pages and the HeadObject
 *             reply, then exit (run_resources_bench.sh checks that both
 *             sides serve the same bytes)
 * Output lines ("awsc <case> key=value ..."):
 *   awsc list keys=N pages=P cpu_s=S us_per_item=U allocs_per_item=A
 *   awsc load objects=N cpu_s=S us_per_item=U allocs_per_item=A
 *   awsc mem keys=N hwm_kb=K base_kb=B growth_kb=G heap_peak_kb=H
 *            hwm_reset=0|1
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <openssl/evp.h>

#include "awsc/client.h"
#include "awsc/s3_resources.h"
#include "awsc/session.h"
#include "awsc/sys/transport.h"

#define BUCKET "example-bucket"
#define PAGE_KEYS 1000
#define WARM_LOADS 100
/* A reply the library accepted but that lacks what the case reads (the
 * library's own errors are negative). */
#define BAD_OUTPUT 1

/* ---- allocation accounting ----------------------------------------------
 * Single-threaded benchmark: plain counters. Live bytes by
 * malloc_usable_size, so that free needs no header of ours. */
static unsigned long long n_alloc;
static size_t live_bytes, peak_bytes;

static void note_alloc(void *p) {
  if (!p)
    return;
  n_alloc++;
  live_bytes += malloc_usable_size(p);
  if (live_bytes > peak_bytes)
    peak_bytes = live_bytes;
}
static void *count_malloc(size_t size, void *ud) {
  (void)ud;
  void *p = malloc(size);
  note_alloc(p);
  return p;
}
static void *count_realloc(void *old, size_t size, void *ud) {
  (void)ud;
  size_t was = old ? malloc_usable_size(old) : 0;
  void *p = realloc(old, size);
  if (p) {
    live_bytes -= was;
    note_alloc(p);
  }
  return p;
}
static void count_free(void *p, void *ud) {
  (void)ud;
  if (p)
    live_bytes -= malloc_usable_size(p);
  free(p);
}

/* ---- the canned bytes (the same as bench_resources_boto3.py's) --------- */

static char *pages_buf;  /* all pages, back to back */
static size_t *page_off; /* page i: pages_buf + page_off[i] */
static size_t *page_len;
static long n_pages;

static void key_of(char *out, size_t cap, long i) {
  snprintf(out, cap, "data/2024/part-%06ld.csv", i);
}

/* One ListObjects (V1) page as S3 sends it for encoding-type=url: no
 * NextMarker without a delimiter, so the next marker is the last key. */
static int page_text(char *out, size_t cap, long page, long keys) {
  long first = page * PAGE_KEYS;
  long last = first + PAGE_KEYS < keys ? first + PAGE_KEYS : keys;
  char marker[64] = "";
  if (page > 0)
    key_of(marker, sizeof marker, first - 1);
  size_t n = (size_t)snprintf(
      out, cap,
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      "<Name>" BUCKET "</Name><Prefix></Prefix><Marker>%s</Marker>"
      "<MaxKeys>1000</MaxKeys><EncodingType>url</EncodingType>"
      "<IsTruncated>%s</IsTruncated>",
      marker, last < keys ? "true" : "false");
  for (long i = first; i < last && n < cap; i++) {
    char key[64];
    key_of(key, sizeof key, i);
    n += (size_t)snprintf(
        out + n, cap - n,
        "<Contents><Key>%s</Key>"
        "<LastModified>2024-02-%02ldT10:20:30.000Z</LastModified>"
        "<ETag>&quot;%032lx&quot;</ETag><Size>%ld</Size>"
        "<Owner><ID>75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea5"
        "4ba06a</ID><DisplayName>bench</DisplayName></Owner>"
        "<StorageClass>STANDARD</StorageClass></Contents>",
        key, i % 28 + 1, 0x5eed0000L + i, 1000 + (i * 37) % 100000);
  }
  if (n < cap)
    n += (size_t)snprintf(out + n, cap - n, "</ListBucketResult>");
  return n < cap ? (int)n : -1;
}

static int build_pages(long keys) {
  n_pages = (keys + PAGE_KEYS - 1) / PAGE_KEYS;
  if (n_pages < 1)
    n_pages = 1;
  const size_t page_cap = 512 + (size_t)PAGE_KEYS * 400;
  pages_buf = malloc((size_t)n_pages * page_cap);
  page_off = calloc((size_t)n_pages, sizeof *page_off);
  page_len = calloc((size_t)n_pages, sizeof *page_len);
  if (!pages_buf || !page_off || !page_len)
    return -1;
  size_t at = 0;
  for (long p = 0; p < n_pages; p++) {
    int n = page_text(pages_buf + at, page_cap, p, keys);
    if (n < 0)
      return -1;
    page_off[p] = at;
    page_len[p] = (size_t)n;
    at += (size_t)n;
  }
  return 0;
}

static const awsc_http_header list_headers[] = {
    {"x-amz-id-2", "gyB+3jRPnrkN98ZajxHXr3u7EFM67bNgSAxexeEHndCX/7GRnfTXxRe"
                   "Ntd2Q/nQQe"},
    {"x-amz-request-id", "3B3C7C725673C630"},
    {"Date", "Wed, 01 Mar 2024 12:00:00 GMT"},
    {"x-amz-bucket-region", "us-east-1"},
    {"Content-Type", "application/xml"},
    {"Transfer-Encoding", "chunked"},
    {"Server", "AmazonS3"}};

static const awsc_http_header head_headers[] = {
    {"x-amz-id-2", "ef8yU9AS1ed4OpIszj7UDNEHGran+Wb7L5p9u3XhC1+MIzNOLDtKFDa"
                   "2Z8MhHdvo0Wf5mDZ4BU4="},
    {"x-amz-request-id", "318BC8BC148832E5"},
    {"Date", "Wed, 28 Oct 2009 22:32:00 GMT"},
    {"Last-Modified", "Wed, 12 Oct 2009 17:50:00 GMT"},
    {"ETag", "\"fba9dede5f27731c9771645a39863328\""},
    {"Accept-Ranges", "bytes"},
    {"Content-Type", "text/csv"},
    {"Content-Length", "1024"},
    {"x-amz-server-side-encryption", "AES256"},
    {"Server", "AmazonS3"}};
#define N_HEADERS(h) (sizeof(h) / sizeof(h[0]))

/* ---- the fake transport -------------------------------------------------- */

typedef struct fake {
  awsc_transport base;
  int show;          /* print the next request */
  unsigned long bad; /* requests it could not answer */
} fake;

/* The page a ListObjects request asks for: 0 without a marker, else the
 * one after the page whose last key the marker names. */
static long page_for(const char *url) {
  const char *m = strstr(url, "marker=");
  if (!m)
    return 0;
  const char *k = strstr(m, "part-");
  if (!k)
    return -1;
  long last = strtol(k + 5, NULL, 10);
  return (last + 1) / PAGE_KEYS;
}

static int add_headers(awsc_http_response *resp, const awsc_http_header *h,
                       size_t n) {
  for (size_t i = 0; i < n; i++) {
    int rc = awsc_http_response_add_header(resp, h[i].name, h[i].value);
    if (rc)
      return rc;
  }
  return 0;
}

static int fake_send(awsc_transport *t, const awsc_http_request *req,
                     awsc_http_response *resp, awsc_error *err) {
  (void)err;
  fake *f = (fake *)t->impl;
  if (f->show) {
    printf("  %s %s\n", req->method, req->url);
    f->show = 0;
  }
  if (strcmp(req->method, "HEAD") == 0) {
    resp->status = 200;
    return add_headers(resp, head_headers, N_HEADERS(head_headers));
  }
  long p = page_for(req->url);
  if (strcmp(req->method, "GET") != 0 || p < 0 || p >= n_pages) {
    f->bad++;
    resp->status = 400;
    return 0;
  }
  resp->status = 200;
  int rc = add_headers(resp, list_headers, N_HEADERS(list_headers));
  if (!rc)
    rc = awsc_http_response_append_body(resp, pages_buf + page_off[p],
                                        page_len[p]);
  resp->bytes_received = page_len[p];
  return rc;
}

static void fake_destroy(awsc_transport *t) {
  (void)t;
}

static const awsc_transport_vtable fake_vtable = {fake_send, fake_destroy};

/* ---- measuring ----------------------------------------------------------- */

static double cpu_s(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
         (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* A field of /proc/self/status in kB (-1 when absent). */
static long status_kb(const char *field) {
  FILE *fp = fopen("/proc/self/status", "r");
  if (!fp)
    return -1;
  char line[256];
  long v = -1;
  size_t n = strlen(field);
  while (fgets(line, sizeof line, fp))
    if (strncmp(line, field, n) == 0 && line[n] == ':') {
      v = strtol(line + n + 1, NULL, 10);
      break;
    }
  fclose(fp);
  return v;
}

/* Reset VmHWM to the current RSS (Linux >= 4.0); 0 when it worked. */
static int reset_hwm(void) {
  FILE *fp = fopen("/proc/self/clear_refs", "w");
  if (!fp)
    return -1;
  int ok = fputs("5", fp) >= 0;
  return fclose(fp) == 0 && ok ? 0 : -1;
}

/* ---- the cases ----------------------------------------------------------- */

static void fail(const char *what, int rc, const awsc_error *err) {
  fprintf(stderr, "%s failed: %s (%d): %s\n", what, awsc_strerror(rc), rc,
          err->message);
}

/* for obj in bucket.objects.all() (.limit(limit) when limit > 0):
 * obj.key, obj.size. *count: items seen; *checksum: sum of the sizes. */
static int list_objects(awsc_s3_bucket *b, int64_t limit, long *count,
                        long long *checksum) {
  awsc_collection_options opts = AWSC_COLLECTION_OPTIONS_INIT;
  opts.limit = limit;
  awsc_resource_collection *col = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = awsc_s3_bucket_objects(&col, b, NULL, &opts, &err);
  *count = 0;
  *checksum = 0;
  while (!rc) {
    awsc_resource *it = NULL;
    rc = awsc_resource_collection_next(&it, col, &err);
    if (rc || !it)
      break;
    awsc_s3_object_summary *s = (awsc_s3_object_summary *)it;
    const awsc_s3_Object *d = awsc_s3_object_summary_data(s, &err);
    const char *key = awsc_s3_object_summary_key(s);
    if (!d) {
      rc = err.code ? err.code : AWSC_EINVAL;
    } else if (!key || !d->has_size) {
      fprintf(stderr, "item %ld: no key or size\n", *count);
      rc = BAD_OUTPUT;
    } else {
      *checksum += d->size + (long long)strlen(key);
      (*count)++;
    }
    awsc_resource_free(it);
  }
  if (rc < 0)
    fail("bucket.objects.all()", rc, &err);
  awsc_resource_collection_free(col);
  return rc;
}

/* s3.Object(bucket, key).load(); .content_length, .e_tag for keys
 * [first, first + n). */
static int load_objects(awsc_client *client, long first, long n,
                        long long *checksum) {
  *checksum = 0;
  for (long i = first; i < first + n; i++) {
    char key[64];
    key_of(key, sizeof key, i);
    awsc_s3_object *o = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    int rc = awsc_s3_object_new(&o, client, BUCKET, key, &err);
    const awsc_s3_HeadObjectOutput *d = NULL;
    if (!rc) {
      d = awsc_s3_object_data(o, &err);
      rc = d ? 0 : err.code ? err.code : AWSC_EINVAL;
    }
    if (!rc && (!d->has_content_length || !d->e_tag)) {
      fprintf(stderr, "object %s: no content_length or e_tag\n", key);
      rc = BAD_OUTPUT;
    }
    if (!rc)
      *checksum += d->content_length + (long long)strlen(d->e_tag);
    else if (rc < 0)
      fail("Object.load()", rc, &err);
    awsc_s3_object_free(o);
    if (rc)
      return rc;
  }
  return 0;
}

/* SHA-256 of every canned page and of the HeadObject reply's headers, in
 * the order bench_resources_boto3.py hashes them. */
static int print_digest(long keys) {
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  if (!md || !EVP_DigestInit_ex(md, EVP_sha256(), NULL))
    return -1;
  int ok = 1;
  for (long p = 0; p < n_pages; p++)
    ok &= EVP_DigestUpdate(md, pages_buf + page_off[p], page_len[p]);
  for (size_t i = 0; i < N_HEADERS(head_headers); i++) {
    ok &= EVP_DigestUpdate(md, head_headers[i].name,
                           strlen(head_headers[i].name));
    ok &= EVP_DigestUpdate(md, ": ", 2);
    ok &= EVP_DigestUpdate(md, head_headers[i].value,
                           strlen(head_headers[i].value));
    ok &= EVP_DigestUpdate(md, "\n", 1);
  }
  unsigned char d[EVP_MAX_MD_SIZE];
  unsigned dn = 0;
  ok &= EVP_DigestFinal_ex(md, d, &dn);
  EVP_MD_CTX_free(md);
  if (!ok)
    return -1;
  printf("digest keys=%ld pages=%ld sha256=", keys, n_pages);
  for (unsigned i = 0; i < dn; i++)
    printf("%02x", d[i]);
  printf("\n");
  return 0;
}

static const char *env_none(const char *name, void *ud) {
  (void)name;
  (void)ud;
  return NULL;
}

static int usage(void) {
  fprintf(stderr, "usage: bench_resources [--keys N] [--loads N] [--show] "
                  "[--digest]\n");
  return 2;
}

typedef struct args {
  long keys, loads;
  int show, digest;
} args;

static int parse_args(args *a, int argc, char **argv) {
  a->keys = 10000;
  a->loads = 1000;
  a->show = a->digest = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--keys") == 0 && i + 1 < argc)
      a->keys = atol(argv[++i]);
    else if (strcmp(argv[i], "--loads") == 0 && i + 1 < argc)
      a->loads = atol(argv[++i]);
    else if (strcmp(argv[i], "--show") == 0)
      a->show = 1;
    else if (strcmp(argv[i], "--digest") == 0)
      a->digest = 1;
    else
      return -1;
  }
  return a->keys < 1 || a->loads < 0 || a->loads > a->keys ? -1 : 0;
}

/* The timed passes; 0 or 1. */
static int run(awsc_client *client, awsc_s3_bucket *b, fake *f, const args *a) {
  long count = 0;
  long long sum = 0, lsum = 0;
  /* warm-up: one page, a few loads */
  if (list_objects(b, PAGE_KEYS, &count, &sum) ||
      load_objects(client, 0, a->loads < WARM_LOADS ? a->loads : WARM_LOADS,
                   &lsum))
    return 1;

  long base_kb = status_kb("VmRSS");
  int hwm_reset = reset_hwm() == 0;
  size_t heap_before = live_bytes;
  peak_bytes = live_bytes;
  unsigned long long a0 = n_alloc;
  double t0 = cpu_s();
  int rc = list_objects(b, 0, &count, &sum);
  double t_list = cpu_s() - t0;
  unsigned long long allocs_list = n_alloc - a0;
  size_t heap_peak = peak_bytes - heap_before;
  long hwm_kb = status_kb("VmHWM");
  if (rc)
    return 1;
  if (count != a->keys || f->bad) {
    fprintf(stderr, "listed %ld keys of %ld (%lu bad requests)\n", count,
            a->keys, f->bad);
    return 1;
  }
  printf("awsc list keys=%ld pages=%ld cpu_s=%.6f us_per_item=%.3f "
         "allocs_per_item=%.1f check=%lld\n",
         count, n_pages, t_list, t_list * 1e6 / (double)count,
         (double)allocs_list / (double)count, sum);

  if (a->loads > 0) {
    a0 = n_alloc;
    t0 = cpu_s();
    if (load_objects(client, 0, a->loads, &lsum))
      return 1;
    double t_load = cpu_s() - t0;
    printf("awsc load objects=%ld cpu_s=%.6f us_per_item=%.3f "
           "allocs_per_item=%.1f check=%lld\n",
           a->loads, t_load, t_load * 1e6 / (double)a->loads,
           (double)(n_alloc - a0) / (double)a->loads, lsum);
  }
  printf("awsc mem keys=%ld hwm_kb=%ld base_kb=%ld growth_kb=%ld "
         "heap_peak_kb=%.1f hwm_reset=%d\n",
         a->keys, hwm_kb, base_kb, hwm_kb - base_kb, (double)heap_peak / 1024.0,
         hwm_reset);
  return 0;
}

int main(int argc, char **argv) {
  args a;
  if (parse_args(&a, argc, argv))
    return usage();
  if (build_pages(a.keys)) {
    fprintf(stderr, "could not build the canned pages\n");
    return 1;
  }
  if (a.digest)
    return print_digest(a.keys) ? 1 : 0;

  /* before anything else in the library, as awsc_set_allocator asks */
  awsc_allocator al = {count_malloc, count_realloc, count_free, NULL};
  if (awsc_set_allocator(&al) != 0) {
    fprintf(stderr, "awsc_set_allocator failed\n");
    return 1;
  }
  fake f;
  memset(&f, 0, sizeof f);
  f.base.vtable = &fake_vtable;
  f.base.impl = &f;

  awsc_session_options so = AWSC_SESSION_OPTIONS_INIT;
  so.access_key_id = "AKIAIOSFODNN7EXAMPLE";
  so.secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  so.region = "us-east-1";
  so.config_file = "/nonexistent/awsc-bench/config";
  so.credentials_file = "/nonexistent/awsc-bench/credentials";
  so.transport = &f.base;
  so.getenv_fn = env_none;
  awsc_session *session = NULL;
  awsc_client *client = NULL;
  awsc_s3_bucket *b = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = awsc_session_new(&session, &so, &err);
  if (!rc)
    rc = awsc_client_new(&client, session, "s3", NULL, &err);
  if (!rc)
    rc = awsc_s3_bucket_new(&b, client, BUCKET, &err);
  int status = 0;
  if (rc) {
    fail("setup", rc, &err);
    status = 1;
  } else if (a.show) {
    long count = 0;
    long long sum = 0;
    f.show = 1;
    status = list_objects(b, 1, &count, &sum) != 0;
    f.show = 1;
    status |= load_objects(client, 0, 1, &sum) != 0;
  } else {
    status = run(client, b, &f, &a);
  }
  awsc_s3_bucket_free(b);
  awsc_client_free(client);
  awsc_session_free(session);
  free(pages_buf);
  free(page_off);
  free(page_len);
  return status;
}
