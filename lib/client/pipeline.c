/*
 * The request pipeline: serialize -> endpoint -> sign -> send -> retry ->
 * parse. One call = one awsc_call; all memory of the call lives in the
 * call's arena, so the pipeline allocates nothing that outlives it. What
 * it reuses from call to call (the SigV4 result, the protocols' buffers
 * and member indexes) is in a workspace it borrows from the client
 * (client.c), so a warm call does not touch the heap itself.
 */
#include <stdio.h>
#include <string.h>

#include "client/aws_chunked.h"
#include "client/client_internal.h"
#include "client/resp_checksum.h"
#include "client/sqs_md5.h"

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

bool awsc_client_is_s3(const awsc_service *svc) {
  return svc->signing_name && strcmp(svc->signing_name, "s3") == 0;
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

static int invoke(awsc_client *c, awsc_call *call, awsc_call_ws *ws,
                  awsc_error *err);

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

static int invoke(awsc_client *c, awsc_call *call, awsc_call_ws *ws,
                  awsc_error *err) {
  const awsc_operation *op = call->op;
  awsc_arena *a = call->arena;
  memset(&call->meta, 0, sizeof(call->meta));
  call->output.type = AWSC_V_NULL;

  /* everything the exit path releases, set up before any goto */
  awsc_credentials *creds = NULL;
  awsc_sigv4_result *sig = &ws->sig; /* reused: its buffers and last key */
  awsc_http_response resp;
  memset(&resp, 0, sizeof(resp));
  awsc_aws_chunked chunked;
  bool chunked_live = false;

  const awsc_value *input = call->input;
  int rc = awsc_s3_prepare_input(c, call, a, &input, err);
  if (rc)
    return rc;
  /* response checksum validation: ChecksumMode=ENABLED unless the caller
   * set the member, or "when_required" and the caller did not */
  bool validate = false;
  if (op->checksum_validation_member && input && input->type == AWSC_V_MAP) {
    const awsc_value *mode = awsc_value_get(input, op->checksum_validation_member);
    if (!mode && c->validate_when_supported) {
      awsc_value en;
      memset(&en, 0, sizeof(en));
      en.type = AWSC_V_STRING;
      en.u.s.p = "ENABLED";
      en.u.s.n = 7;
      if (awsc_value_with_member(a, input, op->checksum_validation_member, &en,
                                 &input))
        return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                              "out of memory");
      validate = true;
    } else {
      validate = mode && mode->type == AWSC_V_STRING &&
                 strcmp(mode->u.s.p, "ENABLED") == 0;
    }
  }
  awsc_resp_checksum rcs;
  awsc_serialized_request sr;
  memset(&sr, 0, sizeof(sr));
  rc = awsc_protocol_serialize_ws(c->svc, op, input, a, ws->proto, &sr, err);
  if (rc)
    return rc;

  awsc_call_target tgt;
  if ((rc = awsc_client_target(c, call, &sr, NULL, -1, &tgt, err)) != 0)
    return rc;

  /* Request body: serialized bytes, or the streaming payload member. */
  awsc_body_source body;
  memset(&body, 0, sizeof(body));
  const void *mem_body = sr.body;
  size_t mem_len = sr.body_len;
  bool streaming_in = false;
  if (sr.payload_stream) {
    const awsc_value *pv = sr.payload_stream;
    if (pv->type == AWSC_V_STREAM && pv->u.stream) {
      body = *(const awsc_body_source *)pv->u.stream;
      streaming_in = body.kind != AWSC_BODY_MEMORY;
      if (body.kind == AWSC_BODY_MEMORY) {
        mem_body = body.data;
        mem_len = body.len;
      }
    } else if (pv->type == AWSC_V_BLOB || pv->type == AWSC_V_STRING) {
      mem_body = pv->u.s.p;
      mem_len = pv->u.s.n;
    }
  }
  if (!streaming_in) {
    memset(&body, 0, sizeof(body));
    if (mem_body && mem_len) {
      body.kind = AWSC_BODY_MEMORY;
      body.data = mem_body;
      body.len = mem_len;
    }
  }

  hdr_list hl = {0};
  for (size_t i = 0; i < sr.header_count; i++)
    if ((rc = hdr_push(a, &hl, sr.headers[i].name, sr.headers[i].value)))
      goto oom;
  for (size_t i = 0; i < tgt.header_count; i++)
    if ((rc = hdr_push(a, &hl, tgt.headers[i].name, tgt.headers[i].value)))
      goto oom;
  if (!hdr_has(&hl, "user-agent") &&
      (rc = hdr_push(a, &hl, "User-Agent", AWSC_USER_AGENT)))
    goto oom;
  if ((op->flags & AWSC_OF_CHECKSUM_REQUIRED) && !streaming_in &&
      !hdr_has(&hl, "content-md5")) {
    uint8_t md5[AWSC_MD5_LEN];
    awsc_md5(mem_body ? mem_body : "", mem_body ? mem_len : 0, md5);
    char *b64 = awsc_arena_alloc(a, AWSC_BASE64_LEN(AWSC_MD5_LEN) + 1);
    if (!b64)
      goto oom;
    awsc_base64_encode(md5, AWSC_MD5_LEN, b64);
    if ((rc = hdr_push(a, &hl, "Content-MD5", b64)))
      goto oom;
  }
  /* Flexible checksums (httpChecksum trait): the algorithm the caller
   * chose, else CRC32 when "when_supported" (botocore's default) or when
   * the operation requires a checksum. A body in memory gets it in a
   * header; a streamed body over TLS in an aws-chunked trailer (unless
   * trailers are switched off: then, as over plain HTTP, it goes
   * unsigned without one). */
  const char *payload_hash = NULL;
  if (op->checksum_algorithm_member) {
    const awsc_value *alg =
        input ? awsc_value_get(input, op->checksum_algorithm_member) : NULL;
    const char *algorithm = (alg && alg->type == AWSC_V_STRING) ? alg->u.s.p
                                                                : NULL;
    bool defaulted = false;
    if (!algorithm && (c->checksum_when_supported ||
                       (op->flags & AWSC_OF_CHECKSUM_REQUIRED))) {
      algorithm = "CRC32";
      defaulted = true;
    }
    bool have = false;
    for (size_t i = 0; i < hl.n; i++)
      if (strncasecmp(hl.items[i].name, "x-amz-checksum-", 15) == 0)
        have = true;
    bool trailer = streaming_in && c->checksum_trailers >= 0 &&
                   (tgt.https || c->checksum_trailers == 2);
    if (algorithm && !have && trailer) {
      awsc_error cerr = AWSC_ERROR_INIT;
      int crc = awsc_aws_chunked_init(&chunked, &body, algorithm, 0, &cerr);
      if (crc == 0 && awsc_aws_chunked_decoded_length(&chunked) < 0) {
        /* S3 needs the length up front */
        awsc_aws_chunked_cleanup(&chunked);
        crc = AWSC_EINVAL;
      }
      if (crc == AWSC_ENOMEM)
        goto oom;
      if (crc == AWSC_EIO) {
        rc = awsc_error_set(err, AWSC_EIO, AWSC_ERROR_IO, "%s", cerr.message);
        goto done;
      }
      if (crc == 0) {
        chunked_live = true;
        char *dl = awsc_arena_alloc(a, 24);
        if (!dl)
          goto oom;
        snprintf(dl, 24, "%lld",
                 (long long)awsc_aws_chunked_decoded_length(&chunked));
        awsc_aws_chunked_source(&chunked, &body);
        payload_hash = STREAMING_TRAILER_HASH;
        const char *enc = "aws-chunked";
        /* Content-Length is the encoded length now (the transport's) */
        size_t kept = 0;
        for (size_t i = 0; i < hl.n; i++)
          if (strcasecmp(hl.items[i].name, "content-length") != 0)
            hl.items[kept++] = hl.items[i];
        hl.n = kept;
        for (size_t i = 0; i < hl.n; i++)
          if (strcasecmp(hl.items[i].name, "content-encoding") == 0) {
            size_t n = strlen(hl.items[i].value) + 13;
            char *v = awsc_arena_alloc(a, n);
            if (!v)
              goto oom;
            snprintf(v, n, "%s,aws-chunked", hl.items[i].value);
            hl.items[i].value = v;
            enc = NULL;
          }
        if ((enc && hdr_push(a, &hl, "Content-Encoding", enc)) ||
            hdr_push(a, &hl, "x-amz-trailer",
                     awsc_aws_chunked_trailer_name(&chunked)) ||
            hdr_push(a, &hl, "x-amz-decoded-content-length", dl))
          goto oom;
      } else {
        awsc_log(c->logger, AWSC_LOG_WARN,
                 "checksum algorithm %s can not go in a trailer here; "
                 "sending none",
                 algorithm);
        algorithm = NULL;
      }
    } else if (algorithm && !have && !streaming_in) {
      const char *hn, *hv;
      int crc = awsc_checksum_header(a, algorithm, mem_body,
                                     mem_body ? mem_len : 0, &hn, &hv);
      if (crc == AWSC_ENOMEM || (crc == 0 && hdr_push(a, &hl, hn, hv)))
        goto oom;
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
        !hdr_has(&hl, am->location_name) &&
        hdr_push(a, &hl, am->location_name, algorithm))
      goto oom;
  }
  /* botocore's S3 payload signing: over TLS, an upload (streaming input
   * member) that carries a checksum header goes UNSIGNED-PAYLOAD (the
   * checksum and TLS protect it; no SHA-256 pass over the body), unless
   * s3.payload_signing_enabled says otherwise */
  bool unsigned_body = streaming_in || (op->flags & AWSC_OF_UNSIGNED_PAYLOAD);
  if (!unsigned_body && !payload_hash && awsc_client_is_s3(c->svc) &&
      tgt.https && (op->flags & AWSC_OF_HAS_STREAMING_INPUT)) {
    if (c->s3_payload_signing == 0) {
      bool has_checksum = hdr_has(&hl, "content-md5");
      for (size_t i = 0; i < hl.n && !has_checksum; i++)
        has_checksum =
            strncasecmp(hl.items[i].name, "x-amz-checksum-", 15) == 0 &&
            strcasecmp(hl.items[i].name, "x-amz-checksum-mode") != 0;
      unsigned_body = has_checksum;
    } else {
      unsigned_body = c->s3_payload_signing < 0;
    }
  }
  size_t base_headers = hl.n;
  /* an S3 redirect may change the region (and the target) once */
  const char *region = c->region;
  bool redirected = false;

  awsc_sigv4_param *qp = NULL;
  if (sr.query_count) {
    qp = awsc_arena_alloc(a, sr.query_count * sizeof(*qp));
    if (!qp)
      goto oom;
    for (size_t i = 0; i < sr.query_count; i++) {
      qp[i].name = sr.query[i].name;
      qp[i].value = sr.query[i].value;
    }
  }

  const awsc_member *stream_out = streaming_output_member(op);
  bool anonymous = (op->flags & AWSC_OF_NO_AUTH) != 0;
  if (!anonymous) {
    rc = awsc_session_get_credentials(&creds, c->session, err);
    if (rc)
      goto done;
  }

  awsc_transport *transport = NULL;
  rc = awsc_session_get_transport(c->session, &transport, err);
  if (rc)
    goto done;

  int attempt = 0;
  for (;;) {
    attempt++;
    hl.n = base_headers;
    const char *query = "";
    if (!anonymous) {
      awsc_sigv4_params sp = AWSC_SIGV4_PARAMS_INIT;
      sp.access_key_id = awsc_credentials_access_key_id(creds);
      sp.secret_access_key = awsc_credentials_secret_access_key(creds);
      sp.session_token = awsc_credentials_session_token(creds);
      sp.region = tgt.signing_region;
      sp.service = tgt.signing_name;
      sp.time_ms = awsc_time_now_ms() + c->clock_offset_ms;
      sp.cache = c->sigv4_cache;
      awsc_sigv4_request sq = AWSC_SIGV4_REQUEST_INIT;
      sq.method = sr.method;
      sq.path = tgt.path;
      sq.query = qp;
      sq.query_count = sr.query_count;
      sq.headers = hl.items;
      sq.header_count = hl.n;
      sq.host = tgt.host;
      if (payload_hash)
        sq.payload_hash = payload_hash;
      else if (unsigned_body)
        sq.flags |= AWSC_SIGV4_UNSIGNED_PAYLOAD;
      else {
        sq.body = mem_body;
        sq.body_len = mem_body ? mem_len : 0;
      }
      if (awsc_client_is_s3(c->svc))
        sq.flags |= AWSC_SIGV4_S3;
      rc = awsc_sigv4_sign_headers(sig, &sp, &sq, err);
      if (rc)
        goto done;
      for (size_t i = 0; i < sig->header_count; i++)
        if ((rc = hdr_push(a, &hl, sig->headers[i].name,
                           sig->headers[i].value)))
          goto oom;
      query = sig->query ? sig->query : "";
    } else if (sr.query_count) {
      awsc_buf qb = AWSC_BUF_INIT;
      for (size_t i = 0; i < sr.query_count; i++) {
        if (i)
          awsc_buf_putc(&qb, '&');
        awsc_uri_encode(&qb, qp[i].name, strlen(qp[i].name), false);
        if (qp[i].value) {
          awsc_buf_putc(&qb, '=');
          awsc_uri_encode(&qb, qp[i].value, strlen(qp[i].value), false);
        }
      }
      query = qb.p ? awsc_arena_strdup(a, qb.p) : "";
      awsc_buf_free(&qb);
      if (!query)
        goto oom;
    }

    const char *url = make_url(a, tgt.https, tgt.host, tgt.path, query);
    if (!url)
      goto oom;

    awsc_http_request hr;
    memset(&hr, 0, sizeof(hr));
    hr.method = sr.method;
    hr.url = url;
    hr.headers = hl.items;
    hr.header_count = hl.n;
    hr.body = body;
    hr.read_timeout_ms = awsc_sqs_read_timeout_ms(c, op, call->input);
    if (stream_out && call->sink.kind != AWSC_SINK_MEMORY)
      hr.sink = call->sink;
    awsc_resp_checksum_init(&rcs, op, &resp);
    if (validate && stream_out && call->sink.kind == AWSC_SINK_CALLBACK)
      awsc_resp_checksum_wrap(&rcs, &call->sink, &hr.sink);
    awsc_http_response_cleanup(&resp);
    awsc_error terr = AWSC_ERROR_INIT;
    int64_t t0 = awsc_time_now_ms();
    int trc = awsc_transport_send(transport, &hr, &resp, &terr);
    awsc_log(c->logger, AWSC_LOG_DEBUG, "%s %s%s -> %d (%lld ms, attempt %d)",
             sr.method, tgt.host, tgt.path, trc ? trc : resp.status,
             (long long)(awsc_time_now_ms() - t0), attempt);

    bool retryable = false;
    bool is_timeout = false;
    awsc_service_error se;
    memset(&se, 0, sizeof(se));
    awsc_raw_response raw = {resp.status, resp.headers, resp.header_count,
                             resp.body, resp.body_len};
    if (trc) {
      retryable = trc == AWSC_ENETWORK || trc == AWSC_ETIMEOUT;
      is_timeout = trc == AWSC_ETIMEOUT;
    } else if (resp.status >= 200 && resp.status < 300 &&
               !awsc_protocol_is_error_in_200(c->svc, op, &raw)) {
      /* success */
      if (stream_out && call->sink.kind != AWSC_SINK_MEMORY) {
        raw.body = NULL;
        raw.body_len = 0;
      }
      awsc_error perr = AWSC_ERROR_INIT;
      rc = awsc_protocol_parse_output_ws(c->svc, op, &raw, a, ws->proto,
                                         &call->output, &perr);
      if (rc == AWSC_EPARSE && awsc_client_is_s3(c->svc) &&
          attempt < c->max_attempts && quota_acquire(c, 5)) {
        /* a 200 cut short (S3 streams long answers): retry as botocore
         * does with a 500 */
        awsc_log(c->logger, AWSC_LOG_INFO,
                 "retrying %s: response could not be parsed (%s)", op->name,
                 perr.message);
        c->sleep_ms(awsc_retry_delay_ms(c->retry_mode, attempt));
        continue;
      }
      if (rc) {
        awsc_error_copy(err, &perr);
        if (err)
          err->http_status = resp.status;
        goto done;
      }
      if (call->encoding_type_auto)
        awsc_s3_decode_listing(call, &call->output);
      if (validate && stream_out &&
          (rc = awsc_resp_checksum_verify(&rcs, &call->sink, resp.body,
                                          resp.body_len, err)) != 0) {
        if (err) {
          err->http_status = resp.status;
          err->retry_attempts = attempt - 1;
        }
        goto done;
      }
      rc = awsc_sqs_check_md5(c, op, call->input, &call->output, err);
      if (rc)
        goto done;
      if (stream_out && call->sink.kind == AWSC_SINK_MEMORY) {
        /* the body becomes the payload member, as a blob */
        awsc_value_builder vbs;
        awsc_vb_init(&vbs, a);
        awsc_value_builder *vb = &vbs;
        awsc_vb_begin_map(vb);
        for (size_t i = 0; call->output.type == AWSC_V_MAP &&
                           i < call->output.u.map.n; i++) {
          const awsc_kv *kv = &call->output.u.map.items[i];
          if (strcmp(kv->key, stream_out->name) == 0)
            continue;
          awsc_vb_key(vb, kv->key, kv->key_len);
          awsc_vb_value(vb, &kv->value);
        }
        awsc_vb_key(vb, stream_out->name, strlen(stream_out->name));
        awsc_vb_blob(vb, resp.body ? resp.body : "", resp.body_len);
        awsc_vb_end(vb);
        rc = awsc_vb_finish(vb, &call->output);
        if (rc)
          goto oom;
      }
      call->meta.http_status = resp.status;
      call->meta.retry_attempts = attempt - 1;
      const char *rid = awsc_protocol_request_id(c->svc, &raw, a);
      call->meta.request_id = rid ? rid : "";
      const char *hid = awsc_http_response_header(&resp, "x-amz-id-2");
      call->meta.host_id = hid ? awsc_arena_strdup(a, hid) : "";
      if (!call->meta.host_id || keep_headers(a, &resp, &call->meta))
        goto oom;
      if (attempt == 1)
        quota_release(c, 1);
      rc = 0;
      goto done;
    } else {
      int prc = awsc_protocol_parse_error(c->svc, op, &raw, a, &se);
      if (prc)
        goto oom;
      awsc_s3_head_error_code(c, op, resp.status, &se);
      if (resp.status >= 200 && resp.status < 300)
        resp.status = 500; /* S3 error document inside a 200 */
      int st = resp.status;
      retryable = st == 500 || st == 502 || st == 503 || st == 504 ||
                  st == 429 || awsc_retry_is_throttle_code(se.code) ||
                  awsc_retry_is_transient_code(se.code);
      /* S3 wrong-region answer: sign again for the bucket's region (and
       * use that region's endpoint unless one is configured), once. */
      if (awsc_client_is_s3(c->svc) && !redirected &&
          (st == 301 || st == 307 ||
           (st == 400 && se.code &&
            strcmp(se.code, "AuthorizationHeaderMalformed") == 0))) {
        const char *nr = awsc_s3_redirect_region(&resp, a);
        awsc_call_target nt;
        awsc_error eerr = AWSC_ERROR_INIT;
        if (nr && strcmp(nr, region) != 0 &&
            awsc_client_target(c, call, &sr, nr, -1, &nt, &eerr) == 0) {
          /* the bucket's region: its endpoint (unless one is configured,
           * then only the signing region moves) */
          redirected = true;
          region = nr;
          tgt = nt;
          awsc_log(c->logger, AWSC_LOG_INFO,
                   "%s: bucket is in %s, retrying there", op->name, nr);
          continue;
        }
      }
      if (awsc_retry_is_clock_skew_code(se.code)) {
        int64_t before = c->clock_offset_ms;
        note_clock_skew(c, &resp);
        /* retry once the offset is known to have changed */
        retryable = retryable || c->clock_offset_ms != before;
      }
    }

    bool can_retry = retryable && attempt < c->max_attempts;
    if (can_retry && streaming_in) {
      can_retry = body.kind == AWSC_BODY_FILE ||
                  (body.kind == AWSC_BODY_CALLBACK && body.rewind &&
                   body.rewind(body.user_data) == 0);
      if (!can_retry && retryable)
        awsc_log(c->logger, AWSC_LOG_WARN,
                 "not retrying %s: the request body can not be replayed",
                 op->name);
    }
    if (can_retry && !quota_acquire(c, is_timeout ? 10 : 5))
      can_retry = false;
    if (!can_retry) {
      if (trc) {
        awsc_error_copy(err, &terr);
        if (err)
          err->retry_attempts = attempt - 1;
        rc = trc;
      } else {
        fill_service_error(err, op, &se, resp.status, attempt - 1);
        rc = AWSC_ESERVICE;
      }
      goto done;
    }
    long delay = awsc_retry_delay_ms(c->retry_mode, attempt);
    awsc_log(c->logger, AWSC_LOG_INFO, "retrying %s in %ld ms (attempt %d)",
             op->name, delay, attempt + 1);
    c->sleep_ms(delay);
  }

oom:
  rc = awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL, "out of memory");
done:
  if (chunked_live)
    awsc_aws_chunked_cleanup(&chunked);
  awsc_http_response_cleanup(&resp);
  awsc_credentials_free(creds);
  return rc;
}
