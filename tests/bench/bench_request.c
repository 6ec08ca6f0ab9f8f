/*
 * tests/bench/bench_request.c - what one API call costs in the client
 * itself: validation and serialization, endpoint resolution (rules
 * engine), SigV4 signing, building the HTTP request, parsing the response
 * into the output and ResponseMetadata. The transport is an in-process
 * fake that hands back a canned response, so no socket is involved; its
 * own cost (copying the canned headers and body into the response) is
 * part of each figure, as botocore's before-send hook is on the other
 * side (tests/bench/bench_request_botocore.py makes the same calls;
 * tests/bench/run_request_bench.sh runs both and prints the ratios).
 *
 * Public API only (awsc/s3.h, awsc/sqs.h, awsc/sys/transport.h): static
 * credentials, us-east-1, an environment hook that finds nothing and
 * config/credentials paths that do not exist, so ~/.aws is never read.
 *
 * Cases:
 *   get_object       S3 GetObject, typed; virtual-hosted AWS endpoint,
 *                    200 with a 1 KiB body and the usual headers
 *   put_object       S3 PutObject, typed, 1 KiB body in memory (the client
 *                    computes the CRC32 checksum header by default)
 *   list_objects_v2  S3 ListObjectsV2, typed, a 10-key page
 *   send_message     SQS SendMessage, typed (JSON protocol); the canned
 *                    MD5OfMessageBody matches, as the client checks it
 *   get_object_json  get_object through awsc_call_json (JSON in and out)
 *
 * Each case: a warm-up, then the best of --runs runs of -n calls, timed in
 * process CPU time. Allocations per call are counted through the
 * awsc_set_allocator hooks (the library's own allocations, which include
 * yajl's and expat's; not libcurl's or OpenSSL's, which the fake transport
 * does not use anyway).
 *
 * usage: bench_request [--case NAME|1..5] [-n CALLS] [--runs R] [--show]
 *   --show  print the request each case sends (method, URL, headers) and
 *           the first bytes of the output, then exit
 * Output lines: "awsc <case> <calls/s> calls/s <us> us/call
 *                <allocs> allocs/call".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "awsc/client.h"
#include "awsc/s3.h"
#include "awsc/session.h"
#include "awsc/sqs.h"
#include "awsc/sys/transport.h"

#define BUCKET "example-bucket"
#define OBJECT_KEY "photos/2024/cat.jpg"
#define QUEUE_URL "https://sqs.us-east-1.amazonaws.com/123456789012/bench-queue"
#define MESSAGE "Hello from the awsc request benchmark"

/* ---- allocation counting ------------------------------------------------ */

/* Single-threaded benchmark: plain counters are enough. */
static unsigned long long n_malloc, n_realloc;

static void *count_malloc(size_t size, void *ud) {
  (void)ud;
  n_malloc++;
  return malloc(size);
}
static void *count_realloc(void *p, size_t size, void *ud) {
  (void)ud;
  n_realloc++;
  return realloc(p, size);
}
static void count_free(void *p, void *ud) {
  (void)ud;
  free(p);
}

/* ---- the fake transport -------------------------------------------------- */

typedef struct canned {
  int status;
  const awsc_http_header *headers;
  size_t header_count;
  const char *body;
  size_t body_len;
} canned;

typedef struct fake {
  awsc_transport base;
  const canned *reply;
  int show; /* print the next request */
} fake;

static void show_request(const awsc_http_request *req) {
  printf("  %s %s\n", req->method, req->url);
  for (size_t i = 0; i < req->header_count; i++)
    printf("  %s: %s\n", req->headers[i].name,
           strcmp(req->headers[i].name, "Authorization") == 0
               ? "(signature not shown)"
               : req->headers[i].value);
  if (req->body.kind == AWSC_BODY_MEMORY)
    printf("  (body in memory, %zu bytes)\n", req->body.len);
  else if (req->body.kind != AWSC_BODY_NONE)
    printf("  (body kind %d)\n", (int)req->body.kind);
}

/* What a real transport does with the canned bytes: headers into the
 * response, the body into the sink (memory unless the caller gave one). */
static int fake_send(awsc_transport *t, const awsc_http_request *req,
                     awsc_http_response *resp, awsc_error *err) {
  (void)err;
  fake *f = (fake *)t->impl;
  const canned *c = f->reply;
  if (f->show) {
    show_request(req);
    f->show = 0;
  }
  resp->status = c->status;
  for (size_t i = 0; i < c->header_count; i++) {
    int rc = awsc_http_response_add_header(resp, c->headers[i].name,
                                           c->headers[i].value);
    if (rc)
      return rc;
  }
  int ok = c->status >= 200 && c->status < 300;
  if (ok && req->sink.kind == AWSC_SINK_CALLBACK) {
    int rc = req->sink.write(c->body, c->body_len, req->sink.user_data);
    if (rc)
      return rc;
  } else if (ok && req->sink.kind == AWSC_SINK_FILE) {
    return AWSC_EUNSUPPORTED;
  } else {
    int rc = awsc_http_response_append_body(resp, c->body, c->body_len);
    if (rc)
      return rc;
  }
  resp->bytes_received = c->body_len;
  return 0;
}

static void fake_destroy(awsc_transport *t) {
  (void)t;
}

static const awsc_transport_vtable fake_vtable = {fake_send, fake_destroy};

/* ---- canned responses ---------------------------------------------------- */

static char object_data[1024];
static char content_length_1k[] = "1024";

static const awsc_http_header get_headers[] = {
    {"x-amz-id-2", "ef8yU9AS1ed4OpIszj7UDNEHGran+Wb7L5p9u3XhC1+MIzNOLDtKFDa"
                   "2Z8MhHdvo0Wf5mDZ4BU4="},
    {"x-amz-request-id", "318BC8BC148832E5"},
    {"Date", "Wed, 28 Oct 2009 22:32:00 GMT"},
    {"Last-Modified", "Wed, 12 Oct 2009 17:50:00 GMT"},
    {"ETag", "\"fba9dede5f27731c9771645a39863328\""},
    {"Accept-Ranges", "bytes"},
    {"Content-Type", "image/jpeg"},
    {"Content-Length", content_length_1k},
    {"Server", "AmazonS3"}};

static const awsc_http_header put_headers[] = {
    {"x-amz-id-2", "LriYPLdmOdAiIfgSm/F1YsViT1LW94/xUQxMsF7xiEb1a0wiIOIxl+z"
                   "bwZ163pt7"},
    {"x-amz-request-id", "0A49CE4060975EAC"},
    {"Date", "Wed, 12 Oct 2009 17:50:00 GMT"},
    {"ETag", "\"1b2cf535f27731c974343645a3985328\""},
    {"x-amz-checksum-crc32", "i9aeUg=="},
    {"x-amz-server-side-encryption", "AES256"},
    {"Content-Length", "0"},
    {"Server", "AmazonS3"}};

static const awsc_http_header list_headers[] = {
    {"x-amz-id-2", "gyB+3jRPnrkN98ZajxHXr3u7EFM67bNgSAxexeEHndCX/7GRnfTXxRe"
                   "Ntd2Q/nQQe"},
    {"x-amz-request-id", "3B3C7C725673C630"},
    {"Date", "Wed, 01 Mar 2024 12:00:00 GMT"},
    {"x-amz-bucket-region", "us-east-1"},
    {"Content-Type", "application/xml"},
    {"Transfer-Encoding", "chunked"},
    {"Server", "AmazonS3"}};

static char list_body[8192];
static size_t list_body_len;

static char sqs_body[256];
static size_t sqs_body_len;
static char sqs_content_length[16];
static awsc_http_header sqs_headers[] = {
    {"x-amzn-RequestId", "2fbbb1ce-b5a4-5a61-9c2b-38b6c4f8a0c2"},
    {"Date", "Wed, 01 Mar 2024 12:00:00 GMT"},
    {"Content-Type", "application/x-amz-json-1.0"},
    {"Content-Length", sqs_content_length}};

/* The same bytes as bench_request_botocore.py builds: a 1 KiB object of
 * a repeating alphabet, a 10-key page, the message's MD5. */
static int setup(void) {
  for (size_t i = 0; i < sizeof(object_data); i++)
    object_data[i] = (char)('a' + i % 26);

  int n = snprintf(list_body, sizeof(list_body),
                   "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                   "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/"
                   "2006-03-01/\"><Name>" BUCKET "</Name><Prefix></Prefix>"
                   "<KeyCount>10</KeyCount><MaxKeys>1000</MaxKeys>"
                   "<IsTruncated>false</IsTruncated>");
  for (int i = 0; i < 10; i++)
    n += snprintf(list_body + n, sizeof(list_body) - (size_t)n,
                  "<Contents><Key>photos/2024/%02d/image-%04d.jpg</Key>"
                  "<LastModified>2024-02-%02dT10:20:30.000Z</LastModified>"
                  "<ETag>&quot;%032x&quot;</ETag>"
                  "<ChecksumAlgorithm>CRC32</ChecksumAlgorithm>"
                  "<Size>%d</Size><StorageClass>STANDARD</StorageClass>"
                  "</Contents>",
                  i % 12 + 1, i, i + 1, 0x5eed0000u + (unsigned)i,
                  1000 + 37 * i);
  n += snprintf(list_body + n, sizeof(list_body) - (size_t)n,
                "</ListBucketResult>");
  if (n <= 0 || (size_t)n >= sizeof(list_body))
    return -1;
  list_body_len = (size_t)n;

  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned md_len = 0;
  if (!EVP_Digest(MESSAGE, strlen(MESSAGE), md, &md_len, EVP_md5(), NULL))
    return -1;
  char hex[2 * EVP_MAX_MD_SIZE + 1];
  for (unsigned i = 0; i < md_len; i++)
    snprintf(hex + 2 * i, 3, "%02x", md[i]);
  n = snprintf(sqs_body, sizeof(sqs_body),
               "{\"MD5OfMessageBody\":\"%s\",\"MessageId\":"
               "\"5fea7756-0ea4-451a-a703-a558b933e274\"}",
               hex);
  if (n <= 0 || (size_t)n >= sizeof(sqs_body))
    return -1;
  sqs_body_len = (size_t)n;
  snprintf(sqs_content_length, sizeof(sqs_content_length), "%zu", sqs_body_len);
  return 0;
}

/* ---- the cases ----------------------------------------------------------- */

typedef struct ctx {
  awsc_client *s3;
  awsc_client *sqs;
  int show; /* print an excerpt of the first output */
} ctx;

static void fail(const char *what, int rc, const awsc_error *err) {
  fprintf(stderr, "%s failed: %s (%d): %s\n", what, awsc_strerror(rc), rc,
          err->message);
}

static int do_get_object(ctx *x) {
  awsc_s3_GetObjectRequest in;
  memset(&in, 0, sizeof(in));
  in.bucket = BUCKET;
  in.key = OBJECT_KEY;
  awsc_s3_GetObjectOutput *out = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = awsc_s3_get_object(&out, x->s3, &in, &err);
  if (rc) {
    fail("GetObject", rc, &err);
    return rc;
  }
  if (out->body.len != sizeof(object_data)) {
    fprintf(stderr, "GetObject: body of %zu bytes\n", out->body.len);
    rc = -1;
  }
  if (x->show)
    printf("  -> %zu bytes, ETag %s, request id %s\n", out->body.len,
           out->e_tag, awsc_output_metadata(out)->request_id);
  awsc_mem_free(out);
  return rc;
}

static int do_put_object(ctx *x) {
  awsc_s3_PutObjectRequest in;
  memset(&in, 0, sizeof(in));
  in.bucket = BUCKET;
  in.key = OBJECT_KEY;
  in.body.data = object_data;
  in.body.len = sizeof(object_data);
  awsc_s3_PutObjectOutput *out = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = awsc_s3_put_object(&out, x->s3, &in, &err);
  if (rc) {
    fail("PutObject", rc, &err);
    return rc;
  }
  if (x->show)
    printf("  -> ETag %s, request id %s\n", out->e_tag,
           awsc_output_metadata(out)->request_id);
  awsc_mem_free(out);
  return 0;
}

static int do_list_objects_v2(ctx *x) {
  awsc_s3_ListObjectsV2Request in;
  memset(&in, 0, sizeof(in));
  in.bucket = BUCKET;
  awsc_s3_ListObjectsV2Output *out = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = awsc_s3_list_objects_v2(&out, x->s3, &in, &err);
  if (rc) {
    fail("ListObjectsV2", rc, &err);
    return rc;
  }
  if (out->contents_count != 10) {
    fprintf(stderr, "ListObjectsV2: %zu keys\n", out->contents_count);
    rc = -1;
  }
  if (x->show && out->contents_count)
    printf("  -> %zu keys, first %s\n", out->contents_count,
           out->contents[0].key);
  awsc_mem_free(out);
  return rc;
}

static int do_send_message(ctx *x) {
  awsc_sqs_SendMessageRequest in;
  memset(&in, 0, sizeof(in));
  in.queue_url = QUEUE_URL;
  in.message_body = MESSAGE;
  awsc_sqs_SendMessageResult *out = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = awsc_sqs_send_message(&out, x->sqs, &in, &err);
  if (rc) {
    fail("SendMessage", rc, &err);
    return rc;
  }
  if (x->show)
    printf("  -> MessageId %s, MD5 %s\n", out->message_id,
           out->md5_of_message_body);
  awsc_mem_free(out);
  return 0;
}

static int do_get_object_json(ctx *x) {
  char *json = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = awsc_call_json(
      &json, x->s3, "get_object",
      "{\"Bucket\":\"" BUCKET "\",\"Key\":\"" OBJECT_KEY "\"}", &err);
  if (rc) {
    fail("get_object (JSON)", rc, &err);
    return rc;
  }
  if (x->show)
    printf("  -> %zu bytes of JSON: %.160s...\n", strlen(json), json);
  awsc_mem_free(json);
  return 0;
}

typedef struct bench_case {
  const char *name;
  int (*call)(ctx *x);
  canned reply;
} bench_case;

#define HEADERS(h) h, sizeof(h) / sizeof(h[0])
static bench_case cases[] = {
    {"get_object",
     do_get_object,
     {200, HEADERS(get_headers), object_data, sizeof(object_data)}},
    {"put_object", do_put_object, {200, HEADERS(put_headers), "", 0}},
    {"list_objects_v2",
     do_list_objects_v2,
     {200, HEADERS(list_headers), list_body, 0}},
    {"send_message", do_send_message, {200, HEADERS(sqs_headers), sqs_body, 0}},
    {"get_object_json",
     do_get_object_json,
     {200, HEADERS(get_headers), object_data, sizeof(object_data)}},
};
#define N_CASES (sizeof(cases) / sizeof(cases[0]))

/* ---- timing -------------------------------------------------------------- */

/* Process CPU time, as bench_request_botocore.py's time.process_time. */
static double cpu_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int run_case(ctx *x, fake *f, bench_case *bc, long calls, int runs) {
  f->reply = &bc->reply;
  long warm = calls / 10 > 100 ? calls / 10 : 100;
  for (long i = 0; i < warm; i++)
    if (bc->call(x))
      return 1;
  double best = 0;
  unsigned long long allocs = 0, reallocs = 0;
  for (int r = 0; r < runs; r++) {
    unsigned long long m0 = n_malloc, r0 = n_realloc;
    double t0 = cpu_s();
    for (long i = 0; i < calls; i++)
      if (bc->call(x))
        return 1;
    double t = cpu_s() - t0;
    if (r == 0 || t < best)
      best = t;
    allocs = n_malloc - m0;
    reallocs = n_realloc - r0;
  }
  double per = best / (double)calls;
  printf("awsc %-16s %10.0f calls/s %8.2f us/call %7.1f allocs/call"
         " (%.1f of them realloc)\n",
         bc->name, 1.0 / per, per * 1e6,
         (double)(allocs + reallocs) / (double)calls,
         (double)reallocs / (double)calls);
  fflush(stdout);
  return 0;
}

static const char *env_none(const char *name, void *ud) {
  (void)name;
  (void)ud;
  return NULL;
}

static void usage(void) {
  fprintf(stderr,
          "usage: bench_request [--case NAME|1..%zu] [-n CALLS] "
          "[--runs R] [--show]\ncases:",
          N_CASES);
  for (size_t i = 0; i < N_CASES; i++)
    fprintf(stderr, " %s", cases[i].name);
  fprintf(stderr, "\n");
}

int main(int argc, char **argv) {
  const char *only = NULL;
  long calls = 20000;
  int runs = 5, show = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--case") == 0 && i + 1 < argc) {
      only = argv[++i];
    } else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
      calls = atol(argv[++i]);
    } else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
      runs = atoi(argv[++i]);
    } else if (strcmp(argv[i], "--show") == 0) {
      show = 1;
    } else {
      usage();
      return 2;
    }
  }
  if (calls < 1 || runs < 1) {
    usage();
    return 2;
  }
  if (setup() != 0) {
    fprintf(stderr, "could not build the canned responses\n");
    return 1;
  }
  cases[2].reply.body_len = list_body_len;
  cases[3].reply.body_len = sqs_body_len;

  /* before anything else in the library, as awsc_set_allocator asks */
  awsc_allocator al = {count_malloc, count_realloc, count_free, NULL};
  if (awsc_set_allocator(&al) != 0) {
    fprintf(stderr, "awsc_set_allocator failed\n");
    return 1;
  }

  fake f;
  memset(&f, 0, sizeof(f));
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
  awsc_error err = AWSC_ERROR_INIT;
  ctx x = {NULL, NULL, 0};
  int rc = awsc_session_new(&session, &so, &err);
  if (rc == 0)
    rc = awsc_client_new(&x.s3, session, "s3", NULL, &err);
  if (rc == 0)
    rc = awsc_client_new(&x.sqs, session, "sqs", NULL, &err);
  if (rc) {
    fail("client setup", rc, &err);
    return 1;
  }

  int status = 0, ran = 0;
  for (size_t i = 0; i < N_CASES && status == 0; i++) {
    char num[8];
    snprintf(num, sizeof(num), "%zu", i + 1);
    if (only && strcmp(only, cases[i].name) != 0 && strcmp(only, num) != 0)
      continue;
    ran++;
    if (show) {
      printf("%s:\n", cases[i].name);
      f.reply = &cases[i].reply;
      f.show = 1;
      x.show = 1;
      status = cases[i].call(&x);
      x.show = 0;
    } else {
      status = run_case(&x, &f, &cases[i], calls, runs);
    }
  }
  awsc_client_free(x.sqs);
  awsc_client_free(x.s3);
  awsc_session_free(session);
  if (!ran) {
    usage();
    return 2;
  }
  return status ? 1 : 0;
}
