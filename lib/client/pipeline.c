/*
 * The request pipeline, in named steps over one awsc_call_state:
 *   prepare -> serialize -> checksum -> payload hash -> credentials, then
 *   per attempt: sign -> send -> on success | on failure (retry, redirect).
 * One call = one awsc_call; all memory of the call lives in the call's
 * arena, so the pipeline allocates nothing that outlives it. What it
 * reuses from call to call (the SigV4 result, the protocols' buffers and
 * member indexes) is in a workspace it borrows from the client
 * (client.c), so a warm call does not touch the heap itself. The state
 * lives on the caller's stack; each step reads and fills it, which is
 * the shape an asynchronous engine drives as a state machine.
 *
 * Services' customisations come in only through the descriptor's hook
 * table (runtime/descriptor.h, code in lib/custom).
 */
#include <stdio.h>
#include <string.h>

#include "auth/aws_chunked.h"
#include "client/client_internal.h"
#include "client/resp_checksum.h"

#define AWSC_USER_AGENT "awsc/" AWSC_VERSION_STRING
#define STREAMING_TRAILER_HASH "STREAMING-UNSIGNED-PAYLOAD-TRAILER"

typedef struct hdr_list {
  awsc_http_header *items;
  size_t n, cap;
} hdr_list;

static int hdr_push(awsc_arena *a, hdr_list *l, const char *name,
                    const char *value) {
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 16;
    awsc_http_header *n = awsc_arena_alloc(a, cap * sizeof(*n));
    if (!n)
      return AWSC_ENOMEM;
    if (l->n)
      memcpy(n, l->items, l->n * sizeof(*n));
    l->items = n;
    l->cap = cap;
  }
  l->items[l->n].name = name;
  l->items[l->n].value = value;
  l->n++;
  return 0;
}

static bool hdr_has(const hdr_list *l, const char *name) {
  for (size_t i = 0; i < l->n; i++)
    if (strcasecmp(l->items[i].name, name) == 0)
      return true;
  return false;
}

/* The streaming payload member of an output shape, or NULL. */
static const awsc_member *streaming_output_member(const awsc_operation *op) {
  const awsc_shape *o = op->output;
  if (!o || o->payload_index < 0)
    return NULL;
  const awsc_member *m = &o->members[o->payload_index];
  if ((m->flags & AWSC_MF_STREAMING) || (m->shape->flags & AWSC_SF_STREAMING))
    return m;
  return NULL;
}

static void fill_service_error(awsc_error *err, const awsc_operation *op,
                               const awsc_service_error *se, int status,
                               int retries) {
  if (!err)
    return;
  awsc_error_set(err, AWSC_ESERVICE, AWSC_ERROR_SERVICE,
                 "An error occurred (%s) when calling the %s operation%s%s",
                 se->code ? se->code : "Unknown", op->name,
                 (se->message && *se->message) ? ": " : "",
                 (se->message && *se->message) ? se->message : "");
  err->http_status = status;
  err->retry_attempts = retries;
  awsc_strlcpy(err->service_code, se->code ? se->code : "Unknown",
               sizeof(err->service_code));
  if (se->request_id)
    awsc_strlcpy(err->request_id, se->request_id, sizeof(err->request_id));
  if (se->host_id)
    awsc_strlcpy(err->host_id, se->host_id, sizeof(err->host_id));
}

/* Copy response headers into the arena for the metadata. */
static int keep_headers(awsc_arena *a, const awsc_http_response *r,
                        awsc_response_metadata *meta) {
  meta->header_count = 0;
  meta->headers = NULL;
  if (!r->header_count)
    return 0;
  awsc_http_header *h = awsc_arena_alloc(a, r->header_count * sizeof(*h));
  if (!h)
    return AWSC_ENOMEM;
  for (size_t i = 0; i < r->header_count; i++) {
    h[i].name = awsc_arena_strdup(a, r->headers[i].name);
    h[i].value = awsc_arena_strdup(a, r->headers[i].value);
    if (!h[i].name || !h[i].value)
      return AWSC_ENOMEM;
  }
  meta->headers = h;
  meta->header_count = r->header_count;
  return 0;
}

static bool quota_acquire(awsc_client *c, int cost) {
  if (c->retry_mode == AWSC_RETRY_LEGACY)
    return true;
  pthread_mutex_lock(&c->quota_lock);
  bool ok = c->retry_quota >= cost;
  if (ok)
    c->retry_quota -= cost;
  pthread_mutex_unlock(&c->quota_lock);
  return ok;
}

static void quota_release(awsc_client *c, int amount) {
  if (c->retry_mode == AWSC_RETRY_LEGACY)
    return;
  pthread_mutex_lock(&c->quota_lock);
  c->retry_quota += amount;
  if (c->retry_quota > 500)
    c->retry_quota = 500;
  pthread_mutex_unlock(&c->quota_lock);
}

/* Learn the clock offset from a response's Date header. */
static void note_clock_skew(awsc_client *c, const awsc_http_response *r) {
  const char *date = awsc_http_response_header(r, "date");
  int64_t server_ms;
  if (date && awsc_time_parse_rfc1123(awsc_sv_from_cstr(date), &server_ms) == 0)
    c->clock_offset_ms = server_ms - awsc_time_now_ms();
}

/* "https://" host path ["?" query] in the arena. */
static const char *make_url(awsc_arena *a, bool https, const char *host,
                            const char *path, const char *query) {
  size_t hl = strlen(host), pl = strlen(path), ql = strlen(query);
  size_t sl = https ? 8 : 7;
  char *url = awsc_arena_alloc(a, sl + hl + pl + 1 + ql + 1);
  if (!url)
    return NULL;
  char *w = url;
  memcpy(w, https ? "https://" : "http://", sl);
  w += sl;
  memcpy(w, host, hl);
  w += hl;
  memcpy(w, path, pl);
  w += pl;
  if (ql) {
    *w++ = '?';
    memcpy(w, query, ql);
    w += ql;
  }
  *w = '\0';
  return url;
}

/* A copy of MAP `in` with member `key` set to the string `value` (added
 * when absent). */
int awsc_value_with_member(awsc_arena *a, const awsc_value *in, const char *key,
                           const awsc_value *value, const awsc_value **out) {
  awsc_value_builder *vb = awsc_vb_new(a);
  if (!vb)
    return AWSC_ENOMEM;
  int rc = awsc_vb_begin_map(vb);
  size_t kl = strlen(key);
  bool replaced = false;
  for (size_t i = 0; !rc && i < in->u.map.n; i++) {
    const awsc_kv *kv = &in->u.map.items[i];
    rc = awsc_vb_key(vb, kv->key, kv->key_len);
    bool same = kv->key_len == kl && memcmp(kv->key, key, kl) == 0;
    if (!rc)
      rc = awsc_vb_value(vb, same ? value : &kv->value);
    replaced = replaced || same;
  }
  if (!rc && !replaced) {
    rc = awsc_vb_key(vb, key, kl);
    if (!rc)
      rc = awsc_vb_value(vb, value);
  }
  if (!rc)
    rc = awsc_vb_end(vb);
  awsc_value *v = awsc_arena_alloc(a, sizeof(*v));
  if (!rc && !v)
    rc = AWSC_ENOMEM;
  if (!rc)
    rc = awsc_vb_finish(vb, v);
  awsc_vb_free(vb);
  if (!rc)
    *out = v;
  return rc;
}

/* What one call carries from step to step (on the stack of invoke). */
typedef struct awsc_call_state {
  awsc_client *c;
  awsc_call *call;
  awsc_call_ws *ws;
  const awsc_operation *op;
  const awsc_service_hooks *hooks; /* NULL: no customisation */
  awsc_arena *a;
  awsc_error *err;
  /* prepare */
  const awsc_value *input; /* after the prepare-input hook */
  bool validate;           /* check the response body's checksum */
  /* serialize */
  awsc_serialized_request sr;
  awsc_call_target tgt;
  awsc_body_source body;
  const void *mem_body;
  size_t mem_len;
  bool streaming_in;
  hdr_list hl;
  size_t base_headers; /* headers before signing (each attempt restarts) */
  /* checksum and payload hash */
  awsc_aws_chunked chunked;
  bool chunked_live;
  const char *payload_hash;
  bool unsigned_body;
  awsc_sigv4_param *qp;
  /* credentials and transport */
  bool anonymous;
  awsc_credentials *creds;
  awsc_transport *transport;
  const awsc_member *stream_out;
  /* attempts */
  const char *region; /* an S3-style redirect may move it once */
  bool redirected;
  int attempt;
  awsc_http_response resp;
  awsc_resp_checksum rcs;
  int trc;         /* the transport's status of this attempt */
  awsc_error terr; /* and its details */
  awsc_service_error se;
} awsc_call_state;

/* What an attempt's outcome asks for next. */
typedef enum next_step {
  NEXT_FINISH = 0, /* the call is over: rc says how */
  NEXT_RETRY,      /* back off, then try again */
  NEXT_RETRY_NOW   /* try again at once (redirect, cut-short answer) */
} next_step;

static int oom(awsc_call_state *st) {
  return awsc_error_set(st->err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                        "out of memory");
}

/* Step: prepare. The service's prepare-input hook, then response checksum
 * validation: ChecksumMode=ENABLED unless the caller set the member, or
 * "when_required" and the caller did not. */
static int step_prepare(awsc_call_state *st) {
  const awsc_operation *op = st->op;
  st->input = st->call->input;
  if (st->hooks && st->hooks->prepare_input) {
    int rc = st->hooks->prepare_input(st->c, st->call, &st->input, st->err);
    if (rc)
      return rc;
  }
  const awsc_value *input = st->input;
  if (!op->checksum_validation_member || !input || input->type != AWSC_V_MAP)
    return 0;
  const awsc_value *mode =
      awsc_value_get(input, op->checksum_validation_member);
  if (!mode && st->c->validate_when_supported) {
    awsc_value en;
    memset(&en, 0, sizeof(en));
    en.type = AWSC_V_STRING;
    en.u.s.p = "ENABLED";
    en.u.s.n = 7;
    if (awsc_value_with_member(st->a, input, op->checksum_validation_member,
                               &en, &st->input))
      return oom(st);
    st->validate = true;
  } else {
    st->validate = mode && mode->type == AWSC_V_STRING &&
                   strcmp(mode->u.s.p, "ENABLED") == 0;
  }
  return 0;
}

/* The request body: serialized bytes, or the streaming payload member. */
static void choose_body(awsc_call_state *st) {
  const awsc_serialized_request *sr = &st->sr;
  st->mem_body = sr->body;
  st->mem_len = sr->body_len;
  if (sr->payload_stream) {
    const awsc_value *pv = sr->payload_stream;
    if (pv->type == AWSC_V_STREAM && pv->u.stream) {
      st->body = *(const awsc_body_source *)pv->u.stream;
      st->streaming_in = st->body.kind != AWSC_BODY_MEMORY;
      if (st->body.kind == AWSC_BODY_MEMORY) {
        st->mem_body = st->body.data;
        st->mem_len = st->body.len;
      }
    } else if (pv->type == AWSC_V_BLOB || pv->type == AWSC_V_STRING) {
      st->mem_body = pv->u.s.p;
      st->mem_len = pv->u.s.n;
    }
  }
  if (!st->streaming_in) {
    memset(&st->body, 0, sizeof(st->body));
    if (st->mem_body && st->mem_len) {
      st->body.kind = AWSC_BODY_MEMORY;
      st->body.data = st->mem_body;
      st->body.len = st->mem_len;
    }
  }
}

/* Step: build. Serialize the input, resolve the target, choose the body
 * and gather the headers every attempt sends. */
static int step_serialize(awsc_call_state *st) {
  awsc_client *c = st->c;
  int rc = awsc_protocol_serialize_ws(c->svc, st->op, st->input, st->a,
                                      st->ws->proto, &st->sr, st->err);
  if (rc)
    return rc;
  rc = awsc_client_target(c, st->call, &st->sr, NULL, -1, &st->tgt, st->err);
  if (rc)
    return rc;
  choose_body(st);
  awsc_arena *a = st->a;
  hdr_list *hl = &st->hl;
  for (size_t i = 0; i < st->sr.header_count; i++)
    if (hdr_push(a, hl, st->sr.headers[i].name, st->sr.headers[i].value))
      return oom(st);
  for (size_t i = 0; i < st->tgt.header_count; i++)
    if (hdr_push(a, hl, st->tgt.headers[i].name, st->tgt.headers[i].value))
      return oom(st);
  if (!hdr_has(hl, "user-agent") &&
      hdr_push(a, hl, "User-Agent", AWSC_USER_AGENT))
    return oom(st);
  if ((st->op->flags & AWSC_OF_CHECKSUM_REQUIRED) && !st->streaming_in &&
      !hdr_has(hl, "content-md5")) {
    uint8_t md5[AWSC_MD5_LEN];
    awsc_md5(st->mem_body ? st->mem_body : "", st->mem_body ? st->mem_len : 0,
             md5);
    char *b64 = awsc_arena_alloc(a, AWSC_BASE64_LEN(AWSC_MD5_LEN) + 1);
    if (!b64)
      return oom(st);
    awsc_base64_encode(md5, AWSC_MD5_LEN, b64);
    if (hdr_push(a, hl, "Content-MD5", b64))
      return oom(st);
  }
  return 0;
}

/* The headers of an aws-chunked body with a trailer: Content-Length is
 * the encoded length now (the transport's), Content-Encoding gains
 * aws-chunked, and the trailer and decoded length are announced. */
static int chunked_headers(awsc_call_state *st) {
  awsc_arena *a = st->a;
  hdr_list *hl = &st->hl;
  char *dl = awsc_arena_alloc(a, 24);
  if (!dl)
    return AWSC_ENOMEM;
  snprintf(dl, 24, "%lld",
           (long long)awsc_aws_chunked_decoded_length(&st->chunked));
  const char *enc = "aws-chunked";
  size_t kept = 0;
  for (size_t i = 0; i < hl->n; i++)
    if (strcasecmp(hl->items[i].name, "content-length") != 0)
      hl->items[kept++] = hl->items[i];
  hl->n = kept;
  for (size_t i = 0; i < hl->n; i++)
    if (strcasecmp(hl->items[i].name, "content-encoding") == 0) {
      size_t n = strlen(hl->items[i].value) + 13;
      char *v = awsc_arena_alloc(a, n);
      if (!v)
        return AWSC_ENOMEM;
      snprintf(v, n, "%s,aws-chunked", hl->items[i].value);
      hl->items[i].value = v;
      enc = NULL;
    }
  if ((enc && hdr_push(a, hl, "Content-Encoding", enc)) ||
      hdr_push(a, hl, "x-amz-trailer",
               awsc_aws_chunked_trailer_name(&st->chunked)) ||
      hdr_push(a, hl, "x-amz-decoded-content-length", dl))
    return AWSC_ENOMEM;
  return 0;
}

/* A streamed body over TLS: the checksum goes in an aws-chunked trailer.
 * Returns 0 (*sent false when it can not: then none is sent), or an
 * error already in st->err. */
static int checksum_trailer(awsc_call_state *st, const char *algorithm,
                            bool *sent) {
  awsc_error cerr = AWSC_ERROR_INIT;
  *sent = false;
  int crc = awsc_aws_chunked_init(&st->chunked, &st->body, algorithm, 0, &cerr);
  if (crc == 0 && awsc_aws_chunked_decoded_length(&st->chunked) < 0) {
    /* S3 needs the length up front */
    awsc_aws_chunked_cleanup(&st->chunked);
    crc = AWSC_EINVAL;
  }
  if (crc == AWSC_ENOMEM)
    return oom(st);
  if (crc == AWSC_EIO)
    return awsc_error_set(st->err, AWSC_EIO, AWSC_ERROR_IO, "%s", cerr.message);
  if (crc != 0) {
    awsc_log(st->c->logger, AWSC_LOG_WARN,
             "checksum algorithm %s can not go in a trailer here; "
             "sending none",
             algorithm);
    return 0;
  }
  st->chunked_live = true;
  awsc_aws_chunked_source(&st->chunked, &st->body);
  st->payload_hash = STREAMING_TRAILER_HASH;
  if (chunked_headers(st))
    return oom(st);
  *sent = true;
  return 0;
}

/* Step: checksum. Content-MD5 is in the base headers already; this is
 * flexible checksums (httpChecksum trait): the algorithm the caller
 * chose, else CRC32 when "when_supported" (botocore's default) or when
 * the operation requires a checksum. A body in memory gets it in a
 * header; a streamed body over TLS in an aws-chunked trailer (unless
 * trailers are switched off: then, as over plain HTTP, it goes unsigned
 * without one). */
static int step_checksum(awsc_call_state *st) {
  const awsc_operation *op = st->op;
  awsc_client *c = st->c;
  hdr_list *hl = &st->hl;
  if (!op->checksum_algorithm_member)
    return 0;
  const awsc_value *alg =
      st->input ? awsc_value_get(st->input, op->checksum_algorithm_member)
                : NULL;
  const char *algorithm =
      (alg && alg->type == AWSC_V_STRING) ? alg->u.s.p : NULL;
  bool defaulted = false;
  if (!algorithm &&
      (c->checksum_when_supported || (op->flags & AWSC_OF_CHECKSUM_REQUIRED))) {
    algorithm = "CRC32";
    defaulted = true;
  }
  bool have = false;
  for (size_t i = 0; i < hl->n; i++)
    if (strncasecmp(hl->items[i].name, "x-amz-checksum-", 15) == 0)
      have = true;
  bool trailer = st->streaming_in && c->checksum_trailers >= 0 &&
                 (st->tgt.https || c->checksum_trailers == 2);
  if (algorithm && !have && trailer) {
    bool sent;
    int rc = checksum_trailer(st, algorithm, &sent);
    if (rc)
      return rc;
    if (!sent)
      algorithm = NULL;
  } else if (algorithm && !have && !st->streaming_in) {
    const char *hn, *hv;
    int crc = awsc_checksum_header(st->a, algorithm, st->mem_body,
                                   st->mem_body ? st->mem_len : 0, &hn, &hv);
    if (crc == AWSC_ENOMEM || (crc == 0 && hdr_push(st->a, hl, hn, hv)))
      return oom(st);
    if (crc == AWSC_EUNSUPPORTED) {
      awsc_log(c->logger, AWSC_LOG_WARN,
               "checksum algorithm %s is not supported; sending none",
               algorithm);
      algorithm = NULL;
    }
  } else {
    algorithm = NULL;
  }
  /* botocore names the default algorithm in the member's header */
  const awsc_member *am =
      (algorithm && defaulted && op->input)
          ? awsc_shape_find_member(op->input, op->checksum_algorithm_member,
                                   strlen(op->checksum_algorithm_member))
          : NULL;
  if (am && am->location == AWSC_LOC_HEADER && am->location_name &&
      !hdr_has(hl, am->location_name) &&
      hdr_push(st->a, hl, am->location_name, algorithm))
    return oom(st);
  return 0;
}

/* Step: payload hash. A streamed body is never hashed; the service's
 * payload policy may leave other bodies unsigned too. Then the query
 * parameters as SigV4 takes them. */
static int step_payload_hash(awsc_call_state *st) {
  const awsc_operation *op = st->op;
  st->unsigned_body =
      st->streaming_in || (op->flags & AWSC_OF_UNSIGNED_PAYLOAD);
  if (!st->unsigned_body && !st->payload_hash && st->hooks &&
      st->hooks->unsigned_payload)
    st->unsigned_body = st->hooks->unsigned_payload(st->c, op, st->tgt.https,
                                                    st->hl.items, st->hl.n);
  st->base_headers = st->hl.n;
  size_t qn = st->sr.query_count;
  if (!qn)
    return 0;
  st->qp = awsc_arena_alloc(st->a, qn * sizeof(*st->qp));
  if (!st->qp)
    return oom(st);
  for (size_t i = 0; i < qn; i++) {
    st->qp[i].name = st->sr.query[i].name;
    st->qp[i].value = st->sr.query[i].value;
  }
  return 0;
}

/* Step: credentials (unless the operation is anonymous) and transport. */
static int step_credentials(awsc_call_state *st) {
  st->anonymous = (st->op->flags & AWSC_OF_NO_AUTH) != 0;
  if (!st->anonymous) {
    int rc = awsc_session_get_credentials(st->c->session, &st->creds, st->err);
    if (rc)
      return rc;
  }
  return awsc_session_get_transport(st->c->session, &st->transport, st->err);
}

/* The query string of an anonymous request, in the arena. */
static const char *plain_query(awsc_call_state *st) {
  awsc_buf qb = AWSC_BUF_INIT;
  for (size_t i = 0; i < st->sr.query_count; i++) {
    const awsc_sigv4_param *q = &st->qp[i];
    if (i)
      awsc_buf_putc(&qb, '&');
    awsc_uri_encode(&qb, q->name, strlen(q->name), false);
    if (q->value) {
      awsc_buf_putc(&qb, '=');
      awsc_uri_encode(&qb, q->value, strlen(q->value), false);
    }
  }
  const char *query = qb.p ? awsc_arena_strdup(st->a, qb.p) : "";
  awsc_buf_free(&qb);
  return query;
}

/* Step: sign (per attempt: the clock and the target may have moved).
 * *query is the query string of the URL. */
static int step_sign(awsc_call_state *st, const char **query) {
  awsc_client *c = st->c;
  *query = "";
  if (st->anonymous) {
    if (st->sr.query_count && !(*query = plain_query(st)))
      return oom(st);
    return 0;
  }
  awsc_sigv4_params sp = AWSC_SIGV4_PARAMS_INIT;
  sp.access_key_id = awsc_credentials_access_key_id(st->creds);
  sp.secret_access_key = awsc_credentials_secret_access_key(st->creds);
  sp.session_token = awsc_credentials_session_token(st->creds);
  sp.region = st->tgt.signing_region;
  sp.service = st->tgt.signing_name;
  sp.time_ms = awsc_time_now_ms() + c->clock_offset_ms;
  sp.cache = c->sigv4_cache;
  awsc_sigv4_request sq = AWSC_SIGV4_REQUEST_INIT;
  sq.method = st->sr.method;
  sq.path = st->tgt.path;
  sq.query = st->qp;
  sq.query_count = st->sr.query_count;
  sq.headers = st->hl.items;
  sq.header_count = st->hl.n;
  sq.host = st->tgt.host;
  if (st->payload_hash)
    sq.payload_hash = st->payload_hash;
  else if (st->unsigned_body)
    sq.flags |= AWSC_SIGV4_UNSIGNED_PAYLOAD;
  else {
    sq.body = st->mem_body;
    sq.body_len = st->mem_body ? st->mem_len : 0;
  }
  if (st->hooks && (st->hooks->flags & AWSC_HOOK_SIGV4_S3))
    sq.flags |= AWSC_SIGV4_S3;
  awsc_sigv4_result *sig = &st->ws->sig; /* reused: buffers, last key */
  int rc = awsc_sigv4_sign_headers(sig, &sp, &sq, st->err);
  if (rc)
    return rc;
  for (size_t i = 0; i < sig->header_count; i++)
    if (hdr_push(st->a, &st->hl, sig->headers[i].name, sig->headers[i].value))
      return oom(st);
  *query = sig->query ? sig->query : "";
  return 0;
}

/* Step: send one attempt. The transport's status lands in st->trc (its
 * details in st->terr); the return value is for failures before that. */
static int step_send(awsc_call_state *st, const char *query) {
  awsc_client *c = st->c;
  awsc_call *call = st->call;
  const char *url =
      make_url(st->a, st->tgt.https, st->tgt.host, st->tgt.path, query);
  if (!url)
    return oom(st);
  awsc_http_request hr;
  memset(&hr, 0, sizeof(hr));
  hr.method = st->sr.method;
  hr.url = url;
  hr.headers = st->hl.items;
  hr.header_count = st->hl.n;
  hr.body = st->body;
  if (st->hooks && st->hooks->read_timeout_ms)
    hr.read_timeout_ms = st->hooks->read_timeout_ms(c, st->op, call->input);
  if (st->stream_out && call->sink.kind != AWSC_SINK_MEMORY)
    hr.sink = call->sink;
  awsc_resp_checksum_init(&st->rcs, st->op, &st->resp);
  if (st->validate && st->stream_out && call->sink.kind == AWSC_SINK_CALLBACK)
    awsc_resp_checksum_wrap(&st->rcs, &call->sink, &hr.sink);
  awsc_http_response_cleanup(&st->resp);
  awsc_error terr = AWSC_ERROR_INIT;
  st->terr = terr;
  int64_t t0 = awsc_time_now_ms();
  st->trc = awsc_transport_send(st->transport, &hr, &st->resp, &st->terr);
  awsc_log(c->logger, AWSC_LOG_DEBUG, "%s %s%s -> %d (%lld ms, attempt %d)",
           st->sr.method, st->tgt.host, st->tgt.path,
           st->trc ? st->trc : st->resp.status,
           (long long)(awsc_time_now_ms() - t0), st->attempt);
  return 0;
}

/* A streamed output payload kept in memory becomes the payload member,
 * as a blob. */
static int body_into_output(awsc_call_state *st) {
  awsc_call *call = st->call;
  awsc_value_builder vbs;
  awsc_vb_init(&vbs, st->a);
  awsc_value_builder *vb = &vbs;
  awsc_vb_begin_map(vb);
  for (size_t i = 0;
       call->output.type == AWSC_V_MAP && i < call->output.u.map.n; i++) {
    const awsc_kv *kv = &call->output.u.map.items[i];
    if (strcmp(kv->key, st->stream_out->name) == 0)
      continue;
    awsc_vb_key(vb, kv->key, kv->key_len);
    awsc_vb_value(vb, &kv->value);
  }
  awsc_vb_key(vb, st->stream_out->name, strlen(st->stream_out->name));
  awsc_vb_blob(vb, st->resp.body ? st->resp.body : "", st->resp.body_len);
  awsc_vb_end(vb);
  return awsc_vb_finish(vb, &call->output);
}

/* The response metadata of a successful call. */
static int fill_metadata(awsc_call_state *st, awsc_raw_response *raw) {
  awsc_call *call = st->call;
  awsc_arena *a = st->a;
  call->meta.http_status = st->resp.status;
  call->meta.retry_attempts = st->attempt - 1;
  const char *rid = awsc_protocol_request_id(st->c->svc, raw, a);
  call->meta.request_id = rid ? rid : "";
  const char *hid = awsc_http_response_header(&st->resp, "x-amz-id-2");
  call->meta.host_id = hid ? awsc_arena_strdup(a, hid) : "";
  if (!call->meta.host_id || keep_headers(a, &st->resp, &call->meta))
    return AWSC_ENOMEM;
  return 0;
}

/* Step: on success (a 2xx that is no error document): parse, check,
 * hand over. *next is NEXT_RETRY_NOW (after its own back-off) when the
 * service retries answers cut short. */
static int step_on_success(awsc_call_state *st, awsc_raw_response *raw,
                           next_step *next) {
  awsc_client *c = st->c;
  awsc_call *call = st->call;
  const awsc_operation *op = st->op;
  awsc_error *err = st->err;
  *next = NEXT_FINISH;
  if (st->stream_out && call->sink.kind != AWSC_SINK_MEMORY) {
    raw->body = NULL;
    raw->body_len = 0;
  }
  awsc_error perr = AWSC_ERROR_INIT;
  int rc = awsc_protocol_parse_output_ws(c->svc, op, raw, st->a, st->ws->proto,
                                         &call->output, &perr);
  if (rc == AWSC_EPARSE && st->hooks &&
      (st->hooks->flags & AWSC_HOOK_RETRY_UNPARSABLE_2XX) &&
      st->attempt < c->max_attempts && quota_acquire(c, 5)) {
    /* a 200 cut short (S3 streams long answers): retry as botocore does
     * with a 500 */
    awsc_log(c->logger, AWSC_LOG_INFO,
             "retrying %s: response could not be parsed (%s)", op->name,
             perr.message);
    c->sleep_ms(awsc_retry_delay_ms(c->retry_mode, st->attempt));
    *next = NEXT_RETRY_NOW;
    return 0;
  }
  if (rc) {
    awsc_error_copy(err, &perr);
    if (err)
      err->http_status = st->resp.status;
    return rc;
  }
  if (st->hooks && st->hooks->after_parse &&
      (rc = st->hooks->after_parse(c, call, &call->output, err)) != 0)
    return rc;
  if (st->validate && st->stream_out &&
      (rc = awsc_resp_checksum_verify(&st->rcs, &call->sink, st->resp.body,
                                      st->resp.body_len, err)) != 0) {
    if (err) {
      err->http_status = st->resp.status;
      err->retry_attempts = st->attempt - 1;
    }
    return rc;
  }
  if (st->stream_out && call->sink.kind == AWSC_SINK_MEMORY &&
      body_into_output(st))
    return oom(st);
  if (fill_metadata(st, raw))
    return oom(st);
  if (st->attempt == 1)
    quota_release(c, 1);
  return 0;
}

/* The service's redirect hook: the bucket's region, its endpoint (unless
 * one is configured, then only the signing region moves), once. True
 * when the call goes there now. */
static bool follow_redirect(awsc_call_state *st) {
  const awsc_service_hooks *hk = st->hooks;
  if (!hk || !hk->redirect_region || st->redirected)
    return false;
  const char *nr =
      hk->redirect_region(st->op, st->resp.status, &st->se, &st->resp, st->a);
  awsc_call_target nt;
  awsc_error eerr = AWSC_ERROR_INIT;
  if (!nr || strcmp(nr, st->region) == 0 ||
      awsc_client_target(st->c, st->call, &st->sr, nr, -1, &nt, &eerr) != 0)
    return false;
  st->redirected = true;
  st->region = nr;
  st->tgt = nt;
  awsc_log(st->c->logger, AWSC_LOG_INFO, "%s: bucket is in %s, retrying there",
           st->op->name, nr);
  return true;
}

/* Whether the failed attempt may be made again: attempts and quota
 * left, and a body that can be replayed. */
static bool can_retry(awsc_call_state *st, bool retryable, bool is_timeout) {
  awsc_client *c = st->c;
  bool ok = retryable && st->attempt < c->max_attempts;
  if (ok && st->streaming_in) {
    awsc_body_source *b = &st->body;
    ok = b->kind == AWSC_BODY_FILE ||
         (b->kind == AWSC_BODY_CALLBACK && b->rewind &&
          b->rewind(b->user_data) == 0);
    if (!ok)
      awsc_log(c->logger, AWSC_LOG_WARN,
               "not retrying %s: the request body can not be replayed",
               st->op->name);
  }
  return ok && quota_acquire(c, is_timeout ? 10 : 5);
}

/* Step: on failure (transport error, error status, error document in a
 * 2xx): classify, follow a redirect, learn the clock skew, and decide
 * between retrying and failing the call. */
static int step_on_failure(awsc_call_state *st, awsc_raw_response *raw,
                           next_step *next) {
  awsc_client *c = st->c;
  bool retryable, is_timeout = false;
  *next = NEXT_FINISH;
  memset(&st->se, 0, sizeof(st->se));
  if (st->trc) {
    retryable = st->trc == AWSC_ENETWORK || st->trc == AWSC_ETIMEOUT;
    is_timeout = st->trc == AWSC_ETIMEOUT;
  } else {
    if (awsc_protocol_parse_error(c->svc, st->op, raw, st->a, &st->se))
      return oom(st);
    if (st->hooks && st->hooks->classify_error)
      st->hooks->classify_error(st->op, st->resp.status, &st->se);
    if (st->resp.status >= 200 && st->resp.status < 300)
      st->resp.status = 500; /* an error document inside a 2xx */
    int s = st->resp.status;
    const char *code = st->se.code;
    retryable = s == 500 || s == 502 || s == 503 || s == 504 || s == 429 ||
                awsc_retry_is_throttle_code(code) ||
                awsc_retry_is_transient_code(code);
    if (follow_redirect(st)) {
      *next = NEXT_RETRY_NOW;
      return 0;
    }
    if (awsc_retry_is_clock_skew_code(code)) {
      int64_t before = c->clock_offset_ms;
      note_clock_skew(c, &st->resp);
      /* retry once the offset is known to have changed */
      retryable = retryable || c->clock_offset_ms != before;
    }
  }
  if (can_retry(st, retryable, is_timeout)) {
    *next = NEXT_RETRY;
    return 0;
  }
  if (st->trc) {
    awsc_error_copy(st->err, &st->terr);
    if (st->err)
      st->err->retry_attempts = st->attempt - 1;
    return st->trc;
  }
  fill_service_error(st->err, st->op, &st->se, st->resp.status,
                     st->attempt - 1);
  return AWSC_ESERVICE;
}

/* One attempt: sign, send, then on success or on failure. */
static int attempt_once(awsc_call_state *st, next_step *next) {
  const char *query;
  int rc = step_sign(st, &query);
  if (!rc)
    rc = step_send(st, query);
  if (rc)
    return rc;
  awsc_http_response *r = &st->resp;
  awsc_raw_response raw = {r->status, r->headers, r->header_count, r->body,
                           r->body_len};
  if (!st->trc && r->status >= 200 && r->status < 300 &&
      !awsc_protocol_is_error_in_200(st->c->svc, st->op, &raw))
    return step_on_success(st, &raw, next);
  return step_on_failure(st, &raw, next);
}

static int invoke(awsc_client *c, awsc_call *call, awsc_call_ws *ws,
                  awsc_error *err) {
  memset(&call->meta, 0, sizeof(call->meta));
  call->output.type = AWSC_V_NULL;
  awsc_call_state st;
  memset(&st, 0, sizeof(st));
  st.c = c;
  st.call = call;
  st.ws = ws;
  st.op = call->op;
  st.hooks = c->svc->hooks;
  st.a = call->arena;
  st.err = err;
  st.region = c->region;
  st.stream_out = streaming_output_member(call->op);

  int rc = step_prepare(&st);
  if (!rc)
    rc = step_serialize(&st);
  if (rc)
    return rc;
  rc = step_checksum(&st);
  if (!rc)
    rc = step_payload_hash(&st);
  if (!rc)
    rc = step_credentials(&st);
  while (!rc) {
    st.attempt++;
    st.hl.n = st.base_headers;
    next_step next = NEXT_FINISH;
    rc = attempt_once(&st, &next);
    if (rc || next == NEXT_FINISH)
      break;
    if (next == NEXT_RETRY) {
      long delay = awsc_retry_delay_ms(c->retry_mode, st.attempt);
      awsc_log(c->logger, AWSC_LOG_INFO, "retrying %s in %ld ms (attempt %d)",
               st.op->name, delay, st.attempt + 1);
      c->sleep_ms(delay);
    }
  }
  if (st.chunked_live)
    awsc_aws_chunked_cleanup(&st.chunked);
  awsc_http_response_cleanup(&st.resp);
  awsc_credentials_release(st.creds);
  return rc;
}

int awsc_client_invoke(awsc_client *c, awsc_call *call, awsc_error *err) {
  if (!c || !call || !call->op || !call->arena)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_client_invoke: NULL argument");
  if (call->ws)
    return invoke(c, call, call->ws, err);
  awsc_call_ws *ws = awsc_client_ws_take(c);
  if (!ws)
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  int rc = invoke(c, call, ws, err);
  awsc_client_ws_give(c, ws);
  return rc;
}
