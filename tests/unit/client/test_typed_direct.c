/*
 * The typed door's direct way (awsc_parse_http_typed): an output made of
 * HTTP-bound members only is written straight into its C struct. It must
 * give exactly what the value way gives (awsc_protocol_parse_output, then
 * typed.c's fill): for every S3 operation whose output it takes, random
 * answers (valid, blank and malformed values of each type, duplicated
 * and mixed-case header names, header-map entries, with and without the
 * headers kept) are read both ways and the two structs compared field by
 * field, including whether a string references the header text or is a
 * copy. A typed call through the pipeline then checks the payload and
 * the metadata it fills around it.
 */
#include <stdint.h>
#include <string.h>

#include "awsc/s3.h"
#include "awsc/types.h"
#include "client/client_internal.h"
#include "client/typed.h"
#include "fake_transport.h"
#include "protocols/protocol.h"
#include "test.h"

static uint64_t rng = 0x9E3779B97F4A7C15u;
static uint32_t rnd(uint32_t n) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32_t)(rng % n);
}

/* values of every kind a header member may meet */
static const char *const values[] = {
    "",
    "   ",
    "plain",
    " padded text ",
    "0",
    "42",
    "-17",
    "2147483648",
    "9223372036854775807",
    "99999999999999999999",
    "3.25",
    "1e3",
    "nan",
    "true",
    "FALSE",
    "yes",
    "Wed, 21 Oct 2015 07:28:00 GMT",
    "2015-10-21T07:28:00Z",
    "2015-10-21T07:28:00.123Z",
    "1445412480",
    "1445412480.5",
    "not a date",
    "aGVsbG8gd29ybGQ=",
    "!!notbase64!!",
    "\"quoted\"",
    "a,b, c",
    "AES256",
    "STANDARD",
    "bytes 0-9/100",
};
#define N_VALUES (sizeof(values) / sizeof(values[0]))

typedef struct header_text {
  char name[96];
  char value[64];
} header_text;

/* Whether p points into one of the answer's header values. */
static bool in_headers(const void *p, const awsc_http_header *h, size_t n) {
  for (size_t i = 0; p && i < n; i++) {
    const char *v = h[i].value;
    if ((const char *)p >= v && (const char *)p <= v + strlen(v))
      return true;
  }
  return false;
}

typedef struct cmp_ctx {
  const awsc_http_header *h;
  size_t n;
  const char *where;
  int diffs;
} cmp_ctx;

static void diff(cmp_ctx *x, const char *member, const char *what) {
  if (x->diffs++ < 5)
    fprintf(stderr, "  %s: member %s differs (%s)\n", x->where, member, what);
}

/* One field of shape t at a and b (the two structs' copies). */
static void cmp_field(cmp_ctx *x, const char *member, const awsc_shape *t,
                      const char *a, const char *b) {
  switch (t->type) {
  case AWSC_SHAPE_STRING: {
    const char *sa = *(const char *const *)(const void *)a;
    const char *sb = *(const char *const *)(const void *)b;
    if (!sa != !sb || (sa && strcmp(sa, sb) != 0))
      diff(x, member, "string");
    else if (in_headers(sa, x->h, x->n) != in_headers(sb, x->h, x->n))
      diff(x, member, "reference or copy");
    break;
  }
  case AWSC_SHAPE_BLOB: {
    const awsc_blob *ba = (const void *)a, *bb = (const void *)b;
    if (!ba->data != !bb->data || ba->len != bb->len ||
        (ba->len && memcmp(ba->data, bb->data, ba->len) != 0))
      diff(x, member, "blob");
    break;
  }
  case AWSC_SHAPE_INTEGER:
    if (*(const int32_t *)(const void *)a != *(const int32_t *)(const void *)b)
      diff(x, member, "integer");
    break;
  case AWSC_SHAPE_LONG:
  case AWSC_SHAPE_TIMESTAMP:
    if (*(const int64_t *)(const void *)a != *(const int64_t *)(const void *)b)
      diff(x, member, "long");
    break;
  case AWSC_SHAPE_BOOLEAN:
    if (*(const bool *)(const void *)a != *(const bool *)(const void *)b)
      diff(x, member, "boolean");
    break;
  case AWSC_SHAPE_FLOAT:
  case AWSC_SHAPE_DOUBLE: {
    double da = *(const double *)(const void *)a;
    double db = *(const double *)(const void *)b;
    if (memcmp(&da, &db, sizeof(da)) != 0)
      diff(x, member, "double");
    break;
  }
  default:
    diff(x, member, "a kind the direct way does not take");
  }
}

static void cmp_struct(cmp_ctx *x, const awsc_shape *s, const char *a,
                       const char *b) {
  for (uint32_t i = 0; i < s->member_count; i++) {
    const awsc_member *m = &s->members[i];
    const awsc_shape *t = m->shape;
    if (t->type == AWSC_SHAPE_MAP) {
      const char *ia = *(const char *const *)(const void *)(a + m->offset);
      const char *ib = *(const char *const *)(const void *)(b + m->offset);
      size_t na = *(const size_t *)(const void *)(a + m->has_offset);
      size_t nb = *(const size_t *)(const void *)(b + m->has_offset);
      if (!ia != !ib || na != nb) {
        diff(x, m->name, "map presence or size");
        continue;
      }
      size_t es = t->c_size ? t->c_size : 2 * sizeof(void *);
      for (size_t k = 0; k < na; k++) {
        const char *ea = ia + k * es, *eb = ib + k * es;
        const char *ka =
            *(const char *const *)(const void *)(ea + t->map_key->offset);
        const char *kb =
            *(const char *const *)(const void *)(eb + t->map_key->offset);
        if (strcmp(ka, kb) != 0)
          diff(x, m->name, "map key");
        cmp_field(x, m->name, t->map_value->shape, ea + t->map_value->offset,
                  eb + t->map_value->offset);
      }
      continue;
    }
    cmp_field(x, m->name, t, a + m->offset, b + m->offset);
    if (m->has_offset != UINT32_MAX && t->type != AWSC_SHAPE_STRING &&
        t->type != AWSC_SHAPE_BLOB &&
        *(const bool *)(const void *)(a + m->has_offset) !=
            *(const bool *)(const void *)(b + m->has_offset))
      diff(x, m->name, "has_ flag");
  }
}

/* A random answer for output shape s: some of its header members (some
 * twice, some in upper case), header-map entries, unrelated headers. */
static size_t random_headers(const awsc_shape *s, header_text *ht,
                             awsc_http_header *h, size_t cap) {
  size_t n = 0;
  while (s->member_count && n < cap && rnd(8) != 0) {
    const awsc_member *m = &s->members[rnd(s->member_count)];
    const char *wire = m->location_name ? m->location_name : m->name;
    if (m->location == AWSC_LOC_HEADERS) {
      snprintf(ht[n].name, sizeof(ht[n].name), "%s%s%u", wire,
               rnd(2) ? "key" : "Other-", rnd(4));
    } else if (m->location == AWSC_LOC_HEADER) {
      snprintf(ht[n].name, sizeof(ht[n].name), "%s", wire);
    } else {
      snprintf(ht[n].name, sizeof(ht[n].name), "x-unrelated-%u", rnd(3));
    }
    /* the transport lower-cases names; a mixed-case one now and then */
    if (rnd(6) != 0)
      for (char *p = ht[n].name; *p; p++)
        *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
    snprintf(ht[n].value, sizeof(ht[n].value), "%s", values[rnd(N_VALUES)]);
    h[n].name = ht[n].name;
    h[n].value = ht[n].value;
    n++;
    if (n < cap && rnd(10) == 0) { /* the same name again */
      ht[n] = ht[n - 1];
      snprintf(ht[n].value, sizeof(ht[n].value), "%s", values[rnd(N_VALUES)]);
      h[n].name = ht[n].name;
      h[n].value = ht[n].value;
      n++;
    }
  }
  return n;
}

static void test_direct_matches_value_way(void) {
  const awsc_service *svc = awsc_builtin_service("s3");
  CHECK(svc != NULL);
  if (!svc)
    return;
  int ops = 0, answers = 0;
  static header_text ht[48];
  awsc_http_header h[48];
  for (uint32_t oi = 0; oi < svc->operation_count; oi++) {
    const awsc_operation *op = &svc->operations[oi];
    const awsc_shape *s = op->output;
    if (!s || !s->c_size)
      continue;
    awsc_arena *a = awsc_arena_new(4096);
    char *probe = awsc_arena_calloc(a, 1, s->c_size);
    awsc_raw_response none = {200, NULL, 0, NULL, 0, true};
    int rc = awsc_parse_http_typed(svc, s, &none, a, NULL, probe, NULL);
    awsc_arena_free(a);
    if (rc == 1)
      continue; /* a body or a list: the value way's alone */
    CHECK_INT(rc, 0);
    ops++;
    for (int round = 0; round < 300; round++) {
      size_t n = random_headers(s, ht, h, 48);
      awsc_raw_response r = {rnd(2) ? 200 : 206, h, n, NULL, 0, rnd(4) != 0};
      awsc_arena *arena = awsc_arena_new(4096);
      char *direct = awsc_arena_calloc(arena, 1, s->c_size);
      /* left-overs of an earlier attempt are cleared */
      memset(direct, 0x5a, s->c_size);
      awsc_error e1 = AWSC_ERROR_INIT, e2 = AWSC_ERROR_INIT;
      int rd = awsc_parse_http_typed(svc, s, &r, arena, NULL, direct, &e1);
      awsc_value v;
      void *by_value = NULL;
      int rv = awsc_protocol_parse_output(svc, op, &r, arena, &v, &e2);
      if (!rv)
        rv = awsc_typed_from_value_ref(s, &v, arena, &by_value);
      CHECK_INT(rd, rv);
      if (!rd && !rv) {
        char where[160];
        snprintf(where, sizeof(where), "%s, answer %d", op->name, round);
        cmp_ctx x = {h, n, where, 0};
        cmp_struct(&x, s, direct, by_value);
        CHECK_INT(x.diffs, 0);
      }
      awsc_arena_free(arena);
      answers++;
    }
  }
  printf("  %d S3 outputs taken the direct way, %d answers compared\n", ops,
         answers);
  /* HeadObject, GetObject, PutObject, DeleteObject, CopyObject's
   * siblings...: most of S3's object calls */
  CHECK(ops >= 10);
}

/* Outputs with a body or a list of header items stay the value way's. */
static void test_direct_declines(void) {
  const awsc_service *svc = awsc_builtin_service("s3");
  const char *names[] = {"ListObjectsV2", "GetBucketAcl",
                         "CompleteMultipartUpload"};
  for (size_t i = 0; svc && i < sizeof(names) / sizeof(names[0]); i++) {
    const awsc_operation *op = awsc_service_find_operation(svc, names[i]);
    CHECK(op != NULL);
    if (!op)
      continue;
    awsc_arena *a = awsc_arena_new(4096);
    char *obj = awsc_arena_calloc(a, 1, op->output->c_size);
    memset(obj, 0x5a, op->output->c_size);
    awsc_raw_response r = {200, NULL, 0, "<x/>", 4, true};
    CHECK_INT(awsc_parse_http_typed(svc, op->output, &r, a, NULL, obj, NULL),
              1);
    /* nothing written */
    CHECK((unsigned char)obj[0] == 0x5a);
    awsc_arena_free(a);
  }
}

/* Through a client: the payload, the metadata and the header members of
 * a typed GetObject filled the direct way. */
static fake_transport ft;

static void test_typed_call(void) {
  fake_init(&ft);
  awsc_session *s = NULL;
  awsc_client *c = fake_client_new(&ft.base, "s3", &s);
  CHECK(c != NULL);
  if (!c)
    return;
  awsc_error err = AWSC_ERROR_INIT;
  fake_reply_add(&ft, 200,
                 "x-amz-request-id: REQ1\ncontent-length: 11\n"
                 "content-type: text/plain\n"
                 "last-modified: Wed, 21 Oct 2015 07:28:00 GMT\n"
                 "x-amz-meta-color: blue\nx-amz-meta-size: big\n"
                 "etag: \"abc\"\n",
                 "hello world");
  awsc_s3_GetObjectRequest in;
  memset(&in, 0, sizeof(in));
  in.bucket = "bucket";
  in.key = "key";
  awsc_s3_GetObjectOutput *out = NULL;
  CHECK_INT(awsc_s3_get_object(&out, c, &in, &err), 0);
  if (out) {
    CHECK_INT(out->body.len, 11);
    CHECK(out->body.data && memcmp(out->body.data, "hello world", 11) == 0);
    CHECK_STR(out->content_type, "text/plain");
    CHECK_STR(out->e_tag, "\"abc\"");
    CHECK(out->has_content_length && out->content_length == 11);
    CHECK(out->has_last_modified && out->last_modified == 1445412480000LL);
    CHECK_INT(out->metadata_count, 2);
    if (out->metadata_count == 2) {
      CHECK_STR(out->metadata[0].key, "color");
      CHECK_STR(out->metadata[0].value, "blue");
      CHECK_STR(out->metadata[1].key, "size");
      CHECK_STR(out->metadata[1].value, "big");
    }
    const awsc_response_metadata *md = awsc_output_metadata(out);
    CHECK(md && md->http_status == 200);
    CHECK(md && md->request_id && strcmp(md->request_id, "REQ1") == 0);
    awsc_mem_free(out);
  }
  /* the same answer again: nothing of the first call's is left over */
  fake_reply_add(&ft, 200, "x-amz-request-id: REQ2\n", "");
  CHECK_INT(awsc_s3_get_object(&out, c, &in, &err), 0);
  if (out) {
    CHECK_INT(out->body.len, 0);
    CHECK(out->content_type == NULL && !out->has_content_length);
    CHECK_INT(out->metadata_count, 0);
    awsc_mem_free(out);
  }
  awsc_client_free(c);
  awsc_session_free(s);
}

int main(void) {
  RUN(test_direct_matches_value_way);
  RUN(test_direct_declines);
  RUN(test_typed_call);
  return test_summary();
}
