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
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "awsc/types.h"
#include "client/pipeline_internal.h"
#include "http/http_internal.h"

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

/* The request ids and host id among kept headers (names lowercased by the
 * transport's store; compared without case for hand-set ones). */
static void note_ids(awsc_response_metadata *meta, const awsc_http_header *h,
                     size_t n) {
  const char *rid_amzn = NULL, *rid_amz = NULL;
  for (size_t i = 0; i < n; i++) {
    const char *name = h[i].name;
    if ((name[0] | 0x20) != 'x')
      continue;
    if (!rid_amzn && strcasecmp(name, "x-amzn-requestid") == 0)
      rid_amzn = h[i].value;
    else if (!rid_amz && strcasecmp(name, "x-amz-request-id") == 0)
      rid_amz = h[i].value;
    else if (!*meta->host_id && strcasecmp(name, "x-amz-id-2") == 0)
      meta->host_id = h[i].value;
  }
  meta->request_id = rid_amzn ? rid_amzn : rid_amz;
}

/* The headers' text in one block of the store: one copy, the pointers
 * rebased; false (nothing kept) when some header lies outside it. */
static bool keep_header_block(awsc_arena *a, const awsc_http_response *r,
                              awsc_http_header *h, int *rc) {
  const char *base;
  size_t len;
  if (!awsc_http_response_header_text(r, &base, &len))
    return false;
  uintptr_t b = (uintptr_t)base;
  for (size_t i = 0; i < r->header_count; i++)
    if ((uintptr_t)r->headers[i].name - b >= len ||
        (uintptr_t)r->headers[i].value - b >= len)
      return false;
  char *text = awsc_arena_alloc(a, len);
  if (!text) {
    *rc = AWSC_ENOMEM;
    return true;
  }
  memcpy(text, base, len);
  for (size_t i = 0; i < r->header_count; i++) {
    h[i].name = text + ((uintptr_t)r->headers[i].name - b);
    h[i].value = text + ((uintptr_t)r->headers[i].value - b);
  }
  *rc = 0;
  return true;
}

/* The response headers into the output's arena for the metadata, names
 * and values in one block (one allocation, not two per header); request
 * and host id point into the copies ("" when absent; the request id may
 * also come from the body: awsc_protocol_request_id). */
static int keep_headers(awsc_arena *a, const awsc_http_response *r,
                        awsc_response_metadata *meta) {
  meta->header_count = 0;
  meta->headers = NULL;
  meta->request_id = NULL;
  meta->host_id = "";
  if (!r->header_count)
    return 0;
  if (awsc_http_response_in_arena(r, a)) {
    /* in the arena already (awsc_http_response_use_arena) */
    note_ids(meta, r->headers, r->header_count);
    meta->headers = r->headers;
    meta->header_count = r->header_count;
    return 0;
  }
  awsc_http_header *h = awsc_arena_alloc(a, r->header_count * sizeof(*h));
  if (!h)
    return AWSC_ENOMEM;
  int rc;
  if (!keep_header_block(a, r, h, &rc)) {
    size_t total = 0;
    for (size_t i = 0; i < r->header_count; i++)
      total += strlen(r->headers[i].name) + strlen(r->headers[i].value) + 2;
    char *text = awsc_arena_alloc(a, total);
    if (!text)
      return AWSC_ENOMEM;
    for (size_t i = 0; i < r->header_count; i++) {
      size_t nl = strlen(r->headers[i].name) + 1;
      size_t vl = strlen(r->headers[i].value) + 1;
      h[i].name = memcpy(text, r->headers[i].name, nl);
      h[i].value = memcpy(text + nl, r->headers[i].value, vl);
      text += nl + vl;
    }
  } else if (rc) {
    return rc;
  }
  note_ids(meta, h, r->header_count);
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

/* ---- the deadline (total_timeout_ms) and the causes of retries ---- */

/* Milliseconds left before the call's deadline; INT64_MAX without one. */
static int64_t time_left_ms(const awsc_call_state *st) {
  return st->deadline_ms ? st->deadline_ms - awsc_http_mono_ms() : INT64_MAX;
}

/* The transport calls this about once a second and on every byte moved:
 * past the deadline it stops the attempt in flight (a stalled answer
 * must not outlive the call). */
static int deadline_progress(uint64_t sent, uint64_t received, void *ud) {
  awsc_call_state *st = ud;
  (void)sent;
  (void)received;
  if (awsc_http_mono_ms() < st->deadline_ms)
    return 0;
  st->deadline_hit = true;
  return 1;
}

/* Why the attempt failed, in st->cause. Only failure paths come here;
 * no secret can be in it: transport messages carry no query string and
 * service messages are the service's own text. */
static void note_cause(awsc_call_state *st, const char *fmt, ...)
    AWSC_PRINTF(2, 3);
static void note_cause(awsc_call_state *st, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(st->cause, sizeof(st->cause), fmt, ap);
  va_end(ap);
}

/* The call ends on its deadline: AWSC_ETIMEOUT naming the deadline, the
 * attempts made and the last cause. `before_backoff`: the back-off before
 * the next attempt would end past the deadline, so the call ends now. */
static int fail_deadline(awsc_call_state *st, bool before_backoff) {
  awsc_error_set(
      st->err, AWSC_ETIMEOUT, AWSC_ERROR_TIMEOUT,
      "%s: deadline of %ld ms (total_timeout_ms) %s after %d attempt%s; "
      "last cause: %s",
      st->op->name, st->c->total_timeout_ms,
      before_backoff ? "would pass during the back-off" : "reached",
      st->attempt, st->attempt == 1 ? "" : "s",
      st->cause[0] ? st->cause : "none recorded");
  if (st->err) {
    st->err->retry_attempts = st->attempt > 0 ? st->attempt - 1 : 0;
    st->err->http_status = st->resp.status;
  }
  return AWSC_ETIMEOUT;
}

/* What an attempt's outcome asks for next. */
typedef enum next_step {
  NEXT_FINISH = 0, /* the call is over: rc says how */
  NEXT_RETRY,      /* back off, then try again */
  NEXT_RETRY_NOW   /* try again at once (redirect, cut-short answer) */
} next_step;

/* Step: credentials (unless the operation is anonymous, or the client
 * signs nothing) and transport. */
static int step_credentials(awsc_call_state *st) {
  st->anonymous =
      (st->op->flags & AWSC_OF_NO_AUTH) != 0 || st->c->unsigned_requests;
  if (!st->anonymous) {
    int rc = awsc_session_get_credentials(&st->creds, st->c->session, st->err);
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
      return awsc_call_oom(st);
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
  /* the values copied into the call's arena, in one block: the
   * signature's buffers are the workspace's, which an asynchronous call
   * gives back while its request is in flight (pipeline_async.c); the
   * names are the signer's string literals */
  size_t len[AWSC_SIGV4_MAX_OUT_HEADERS], total = 0;
  for (size_t i = 0; i < sig->header_count; i++)
    total += len[i] = strlen(sig->headers[i].value) + 1;
  char *p = total ? awsc_arena_alloc(st->a, total) : NULL;
  if (total && !p)
    return awsc_call_oom(st);
  for (size_t i = 0; i < sig->header_count; i++) {
    memcpy(p, sig->headers[i].value, len[i]);
    if (awsc_hdr_push(st->a, &st->hl, sig->headers[i].name, p))
      return awsc_call_oom(st);
    p += len[i];
  }
  *query = sig->query ? sig->query : "";
  return 0;
}

/* Step: the request of one attempt, in *out (its strings in the call's
 * arena, its sink state in st): what the transport sends, now (blocking)
 * or on a loop. */
static int step_request(awsc_call_state *st, const char *query,
                        awsc_http_request *out) {
  awsc_client *c = st->c;
  awsc_call *call = st->call;
  const char *url =
      make_url(st->a, st->tgt.https, st->tgt.host, st->tgt.path, query);
  if (!url)
    return awsc_call_oom(st);
  awsc_http_request hr;
  memset(&hr, 0, sizeof(hr));
  hr.method = st->sr.method;
  hr.url = url;
  hr.headers = st->hl.items;
  hr.header_count = st->hl.n;
  hr.body = st->body;
  if (st->hooks && st->hooks->read_timeout_ms)
    hr.read_timeout_ms = st->hooks->read_timeout_ms(c, st->op, call->input);
  if (st->deadline_ms) {
    int64_t left = time_left_ms(st);
    hr.progress = deadline_progress;
    hr.progress_user_data = st;
    /* the progress check stops the attempt (libcurl calls it at least
     * once a second); a service's own read timeout is cut to what is
     * left (0, the transport's default, is left alone: it may be
     * shorter than the deadline, which must not lengthen it) */
    if (hr.read_timeout_ms > left)
      hr.read_timeout_ms = left > 0 ? (long)left : 1;
  }
  if (st->stream_out && call->sink.kind != AWSC_SINK_MEMORY)
    hr.sink = call->sink;
  awsc_resp_checksum_init(&st->rcs, st->op, &st->resp);
  if (c->verify_etag_md5 && st->hooks &&
      (st->hooks->flags & AWSC_HOOK_ETAG_MD5) &&
      call->sink.kind != AWSC_SINK_CALLBACK)
    awsc_resp_checksum_allow_etag(&st->rcs);
  if (st->stream_out && call->sink.kind == AWSC_SINK_CALLBACK) {
    /* transport -> checksum (the whole attempt) -> once -> caller */
    awsc_body_sink once;
    if (st->attempt == 1)
      awsc_sink_once_init(&st->once, &call->sink);
    awsc_sink_once_attempt(&st->once, &st->resp, &once);
    hr.sink = once;
    if (st->validate)
      awsc_resp_checksum_wrap(&st->rcs, &once, &hr.sink);
  }
  awsc_http_response_cleanup(&st->resp);
  /* the answer's headers and a small body straight into the call's arena,
   * where the output keeps them (keep_headers, take_body); without room
   * there, the response's own allocations */
  (void)awsc_http_response_use_arena(&st->resp, st->a);
  awsc_error_reset(&st->terr);
  /* for the debug log's time of the exchange only (two clock reads a
   * call otherwise) */
  st->sent_ms =
      awsc_log_enabled(c->logger, AWSC_LOG_DEBUG) ? awsc_time_now_ms() : 0;
  st->callback_sink = hr.sink.kind == AWSC_SINK_CALLBACK;
  *out = hr;
  return 0;
}

/* Step: the transport is done with the attempt; its status is in st->trc
 * (its details in st->terr). */
static void step_sent(awsc_call_state *st) {
  awsc_client *c = st->c;
  if (st->trc && st->callback_sink && st->once.changed)
    st->trc = awsc_error_set(&st->terr, AWSC_ECHECKSUM, AWSC_ERROR_NETWORK,
                             "%s: the body broke off and the object changed "
                             "before the retry (another ETag): stopped "
                             "rather than join two objects",
                             st->op->name);
  if (st->sent_ms && awsc_log_enabled(c->logger, AWSC_LOG_DEBUG))
    awsc_log(c->logger, AWSC_LOG_DEBUG, "%s %s%s -> %d (%lld ms, attempt %d)",
             st->sr.method, st->tgt.host, st->tgt.path,
             st->trc ? st->trc : st->resp.status,
             (long long)(awsc_time_now_ms() - st->sent_ms), st->attempt);
  /* The libcurl transport counts in retry_attempts, even on success, the
   * times it sent the request again by itself (curl_transport.c). */
  if (st->terr.retry_attempts > 0)
    awsc_log(c->logger, AWSC_LOG_INFO,
             "%s: quiet resend: attempt %d went out %d more time%s on a "
             "new connection (a reused connection was closed before any "
             "answer arrived)",
             st->op->name, st->attempt, st->terr.retry_attempts,
             st->terr.retry_attempts == 1 ? "" : "s");
}

/* The response's body, now the call arena's (NULL: none), and its length. */
static int take_body(awsc_call_state *st, char **body, size_t *len) {
  /* still seen through st->resp (after-call hooks read it there) */
  *len = st->resp.body_len;
  bool in_arena;
  *body = awsc_http_response_take_body(&st->resp, &in_arena);
  if (*body && !in_arena && awsc_arena_adopt(st->a, *body)) {
    awsc_free(*body);
    st->resp.body = NULL;
    st->resp.body_len = 0;
    return AWSC_ENOMEM;
  }
  return 0;
}

/* A streamed output payload kept in memory becomes the payload member,
 * as a blob: the response's body buffer itself, which the call's arena
 * takes over (no copy: a 1 KiB GET's body was 16 cache lines copied, a
 * large one twice its size at the peak), added to the parsed members in
 * one new array. The keys are the model's names or live in st->a
 * already: referenced, so that the typed output finds its members by
 * address (typed.c). */
static int body_into_output(awsc_call_state *st) {
  awsc_call *call = st->call;
  const awsc_value *o = &call->output;
  size_t n = o->type == AWSC_V_MAP ? o->u.map.n : 0;
  awsc_kv *items = awsc_arena_alloc(st->a, (n + 1) * sizeof(*items));
  char *body;
  size_t len;
  if (!items || take_body(st, &body, &len))
    return AWSC_ENOMEM;
  size_t k = 0;
  const char *name = st->stream_out->name;
  size_t nlen = strlen(name);
  for (size_t i = 0; i < n; i++) {
    const awsc_kv *e = &o->u.map.items[i];
    if (e->key != name && (e->key_len != nlen || memcmp(e->key, name, nlen)))
      items[k++] = *e;
  }
  awsc_kv *kv = &items[k++];
  memset(kv, 0, sizeof(*kv));
  kv->key = name;
  kv->key_len = nlen;
  kv->value.type = AWSC_V_BLOB;
  kv->value.u.s.p = body ? body : "";
  kv->value.u.s.n = body ? len : 0;
  awsc_value_set_map(&call->output, items, k);
  return 0;
}

/* The same for an output the typed door filled directly: the payload
 * member's field, as typed.c would fill it from that blob. */
static int body_into_typed(awsc_call_state *st) {
  const awsc_member *m = st->stream_out;
  char *body;
  size_t len;
  if (take_body(st, &body, &len))
    return AWSC_ENOMEM;
  char *f = (char *)st->call->typed_out + m->offset;
  if (m->shape->type == AWSC_SHAPE_BLOB) {
    awsc_blob *b = (awsc_blob *)(void *)f;
    b->data = body ? body : "";
    b->len = body ? len : 0;
    return 0;
  }
  /* a string payload: a copy that ends at its length */
  char *s = awsc_arena_strndup(st->a, body ? body : "", body ? len : 0);
  if (!s)
    return AWSC_ENOMEM;
  *(const char **)(void *)f = s;
  return 0;
}

/* Whether the typed door's output may be filled without the value tree:
 * a typed call whose service hook (if any) has nothing to do after the
 * parse. */
static bool typed_direct_wanted(const awsc_call_state *st) {
  const awsc_service_hooks *hk = st->hooks;
  return st->call->typed_out &&
         !(hk && hk->after_parse &&
           (!hk->after_parse_wanted || hk->after_parse_wanted(st->call)));
}

/* The response's headers copied into the call's metadata first, and the
 * parse pointed at that copy (raw->headers_kept): the output's header
 * members then reference it instead of copying each value a second
 * time. 0 or AWSC_ENOMEM. */
static int keep_headers_first(awsc_call_state *st, awsc_raw_response *raw) {
  if (keep_headers(st->a, &st->resp, &st->call->meta))
    return AWSC_ENOMEM;
  raw->headers = st->call->meta.headers;
  raw->header_count = st->call->meta.header_count;
  raw->headers_kept = true;
  return 0;
}

/* The response metadata of a successful call (its headers kept already
 * when raw->headers_kept). */
static int fill_metadata(awsc_call_state *st, awsc_raw_response *raw) {
  awsc_call *call = st->call;
  awsc_arena *a = st->a;
  call->meta.http_status = st->resp.status;
  call->meta.retry_attempts = st->attempt - 1;
  if (!raw->headers_kept && keep_headers(a, &st->resp, &call->meta))
    return AWSC_ENOMEM;
  if (!call->meta.request_id) {
    /* not in a header: the body's (query protocols), else "" */
    const char *rid = awsc_protocol_request_id(st->c->svc, raw, a);
    call->meta.request_id = rid ? rid : "";
  }
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
  if (keep_headers_first(st, raw))
    return awsc_call_oom(st);
  /* a streaming blob or string held in memory goes into the output whole
   * (body_into_output, which replaces what the parser would make of it):
   * the parser is not given the body to copy first */
  awsc_raw_response parsed = *raw;
  const awsc_shape *ps = st->stream_out ? st->stream_out->shape : NULL;
  if (ps && call->sink.kind == AWSC_SINK_MEMORY &&
      !(ps->flags & AWSC_SF_EVENTSTREAM) &&
      (ps->type == AWSC_SHAPE_BLOB || ps->type == AWSC_SHAPE_STRING)) {
    parsed.body = NULL;
    parsed.body_len = 0;
  }
  awsc_error perr; /* reset, not zeroed: 976 bytes (awsc_error_copy) */
  awsc_error_reset(&perr);
  int rc = typed_direct_wanted(st)
               ? awsc_parse_http_typed(c->svc, op->output, &parsed, st->a,
                                       st->ws->proto, call->typed_out, &perr)
               : 1;
  call->typed_filled = rc == 0;
  if (rc > 0)
    rc = awsc_protocol_parse_output_ws(c->svc, op, &parsed, st->a,
                                       st->ws->proto, &call->output, &perr);
  if (rc == AWSC_EPARSE && st->hooks &&
      (st->hooks->flags & AWSC_HOOK_RETRY_UNPARSABLE_2XX) &&
      st->attempt < c->max_attempts && quota_acquire(c, 5)) {
    /* a 200 cut short (S3 streams long answers): retry as botocore does
     * with a 500 (invoke backs off and logs the cause) */
    note_cause(st, "damaged answer: HTTP %d: %s", st->resp.status,
               perr.message);
    *next = NEXT_RETRY;
    return 0;
  }
  if (rc) {
    awsc_error_copy(err, &perr);
    if (err)
      err->http_status = st->resp.status;
    return rc;
  }
  if (!call->typed_filled && st->hooks && st->hooks->after_parse &&
      (rc = st->hooks->after_parse(c, call, &call->output, err)) != 0)
    return rc;
  if (st->validate && st->stream_out &&
      (rc = awsc_resp_checksum_verify(&st->rcs, &call->sink, st->resp.body,
                                      st->resp.body_len, &perr)) != 0) {
    /* a body held whole (memory, file) is fetched again, as a damaged
     * answer; a callback's caller has had the bytes already */
    if (rc == AWSC_ECHECKSUM && call->sink.kind != AWSC_SINK_CALLBACK &&
        st->attempt < c->max_attempts && quota_acquire(c, 5)) {
      note_cause(st, "damaged answer: HTTP %d: %s", st->resp.status,
                 perr.message);
      *next = NEXT_RETRY;
      return 0;
    }
    awsc_error_copy(err, &perr);
    if (err) {
      err->http_status = st->resp.status;
      err->retry_attempts = st->attempt - 1;
    }
    return rc;
  }
  if (st->stream_out && call->sink.kind == AWSC_SINK_MEMORY &&
      (call->typed_filled ? body_into_typed(st) : body_into_output(st)))
    return awsc_call_oom(st);
  if (fill_metadata(st, raw))
    return awsc_call_oom(st);
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
    note_cause(st, "%s: %s", awsc_error_kind_name(st->terr.kind),
               st->terr.message);
  } else {
    if (awsc_protocol_parse_error(c->svc, st->op, raw, st->a, &st->se))
      return awsc_call_oom(st);
    if (st->hooks && st->hooks->classify_error)
      st->hooks->classify_error(st->op, st->resp.status, &st->se);
    const char *msg = st->se.message ? st->se.message : "";
    note_cause(st, "HTTP %d%s %s%s%.120s", st->resp.status,
               st->resp.status < 300 ? " with an error document" : "",
               st->se.code ? st->se.code : "(no error code)", *msg ? ": " : "",
               msg);
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

/* After the transport: on success or on failure. */
static int attempt_outcome(awsc_call_state *st, next_step *next) {
  step_sent(st);
  if (st->trc && st->deadline_ms &&
      (st->deadline_hit || time_left_ms(st) <= 0)) {
    char prev[sizeof(st->cause)];
    awsc_strlcpy(prev, st->cause, sizeof(prev));
    if (st->deadline_hit)
      note_cause(st, "attempt %d had no complete answer yet%s%.150s",
                 st->attempt, prev[0] ? "; before it: " : "", prev);
    else
      note_cause(st, "attempt %d: %s: %.120s%s%.60s", st->attempt,
                 awsc_error_kind_name(st->terr.kind), st->terr.message,
                 prev[0] ? "; before it: " : "", prev);
    return fail_deadline(st, false);
  }
  awsc_http_response *r = &st->resp;
  awsc_raw_response raw = {r->status, r->headers,  r->header_count,
                           r->body,   r->body_len, false};
  if (!st->trc && r->status >= 200 && r->status < 300 &&
      !awsc_protocol_is_error_in_200(st->c->svc, st->op, &raw))
    return step_on_success(st, &raw, next);
  return step_on_failure(st, &raw, next);
}

/* A service error kept for the caller who asked (call->keep_service_error):
 * the parsed error and the metadata of the answer that ended the call. */
static int keep_service_error(awsc_call_state *st) {
  awsc_http_response *r = &st->resp;
  awsc_raw_response raw = {r->status, r->headers,  r->header_count,
                           r->body,   r->body_len, false};
  st->call->service_error = st->se;
  return fill_metadata(st, &raw) ? awsc_call_oom(st) : AWSC_ESERVICE;
}

int awsc_pipe_begin(awsc_call_state *st, awsc_client *c, awsc_call *call,
                    awsc_call_ws *ws, awsc_error *err) {
  memset(&call->meta, 0, sizeof(call->meta));
  memset(&call->service_error, 0, sizeof(call->service_error));
  call->output.type = AWSC_V_NULL;
  call->typed_filled = false;
  /* the tail from rcs on is set where it is used (see the struct) */
  memset(st, 0, offsetof(awsc_call_state, rcs));
  awsc_error_reset(&st->terr);
  st->cause[0] = '\0';
  st->c = c;
  st->call = call;
  st->ws = ws;
  st->op = call->op;
  st->hooks = c->svc->hooks;
  st->a = call->arena;
  st->err = err;
  st->region = c->region;
  st->stream_out = streaming_output_member(call->op);
  if (atomic_load(&c->hook_reg)) {
    /* the caller's hooks (hooks.c): the set current now serves the call,
     * released by awsc_pipe_end; a before-call hook may answer it (then
     * st->hook.answered: nothing is sent) */
    st->hook.set = awsc_hooks_acquire(c);
    int hrc = st->hook.set ? awsc_hooks_before_call(st) : 0;
    if (hrc || st->hook.answered)
      return hrc;
  }
  /* the deadline counts from the call's start: credentials included */
  if (c->total_timeout_ms > 0)
    st->deadline_ms = awsc_http_mono_ms() + c->total_timeout_ms;
  int rc = awsc_step_prepare(st);
  if (!rc)
    rc = awsc_step_serialize(st);
  if (rc)
    return rc;
  rc = awsc_step_checksum(st);
  if (!rc)
    rc = awsc_step_payload_hash(st);
  if (!rc)
    rc = step_credentials(st);
  return rc;
}

int awsc_pipe_attempt_request(awsc_call_state *st, awsc_http_request *hr) {
  if (st->attempt > 0 && time_left_ms(st) <= 0)
    return fail_deadline(st, false);
  st->attempt++;
  st->hl.n = st->base_headers;
  const char *query;
  int rc = st->hook.set ? awsc_hooks_before_sign(st) : 0;
  if (!rc)
    rc = step_sign(st, &query);
  return rc ? rc : step_request(st, query, hr);
}

int awsc_pipe_attempt_outcome(awsc_call_state *st, long *delay_ms) {
  next_step next = NEXT_FINISH;
  *delay_ms = -1;
  int rc = attempt_outcome(st, &next);
  if (rc || next == NEXT_FINISH)
    return rc;
  if (next == NEXT_RETRY_NOW) {
    *delay_ms = 0;
    return 0;
  }
  long delay = awsc_retry_delay_ms(st->c->retry_mode, st->attempt);
  if (delay >= time_left_ms(st))
    return fail_deadline(st, true);
  awsc_log(st->c->logger, AWSC_LOG_INFO,
           "retrying %s in %ld ms (attempt %d of %d): %s", st->op->name, delay,
           st->attempt + 1, st->c->max_attempts, st->cause);
  st->backoff = true;
  *delay_ms = delay;
  return 0;
}

int awsc_pipe_headers_output(awsc_call_state *st) {
  awsc_http_response *r = &st->resp;
  awsc_raw_response raw = {r->status, r->headers, r->header_count,
                           NULL,      0,          false};
  if (keep_headers_first(st, &raw))
    return awsc_call_oom(st);
  awsc_error perr; /* reset, not zeroed: 976 bytes (awsc_error_copy) */
  awsc_error_reset(&perr);
  int rc = awsc_protocol_parse_output_ws(
      st->c->svc, st->op, &raw, st->a, st->ws->proto, &st->call->output, &perr);
  if (rc) {
    awsc_error_copy(st->err, &perr);
    return rc;
  }
  return fill_metadata(st, &raw) ? awsc_call_oom(st) : 0;
}

int awsc_pipe_end(awsc_call_state *st, int rc) {
  if (rc == AWSC_ESERVICE && st->call && st->call->keep_service_error)
    rc = keep_service_error(st);
  if (st->hook.set && !st->hook.answered)
    rc = awsc_hooks_after_call(st, rc);
  awsc_hooks_release(st->hook.set);
  st->hook.set = NULL;
  if (st->chunked_live)
    awsc_aws_chunked_cleanup(&st->chunked);
  st->chunked_live = false;
  awsc_http_response_cleanup(&st->resp);
  awsc_credentials_free(st->creds);
  st->creds = NULL;
  return rc;
}

/* The blocking driver: the steps in a loop on the caller's stack, the
 * transport's blocking send, the back-off slept. */
static int invoke(awsc_client *c, awsc_call *call, awsc_call_ws *ws,
                  awsc_error *err) {
  awsc_call_state st;
  int rc = awsc_pipe_begin(&st, c, call, ws, err);
  while (!rc && !st.hook.answered) {
    awsc_http_request hr;
    rc = awsc_pipe_attempt_request(&st, &hr);
    if (rc)
      break;
    /* the response's storage set up in the call's arena is kept */
    st.trc = awsc_transport_send_kept(st.transport, &hr, &st.resp, &st.terr);
    long delay;
    st.backoff = false;
    rc = awsc_pipe_attempt_outcome(&st, &delay);
    if (rc || delay < 0)
      break;
    if (st.backoff)
      c->sleep_ms(delay);
  }
  return awsc_pipe_end(&st, rc);
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
