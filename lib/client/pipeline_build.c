/*
 * lib/client/pipeline_build.c - the steps of a call before its first
 * attempt: prepare the input, serialize it and gather the headers, add
 * checksums (header or aws-chunked trailer), choose how the payload is
 * hashed. The attempts are pipeline.c's.
 */
#include <stdio.h>
#include <string.h>

#include "client/pipeline_internal.h"

int awsc_hdr_push(awsc_arena *a, awsc_hdr_list *l, const char *name,
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

bool awsc_hdr_has(const awsc_hdr_list *l, const char *name) {
  for (size_t i = 0; i < l->n; i++)
    if (strcasecmp(l->items[i].name, name) == 0)
      return true;
  return false;
}

int awsc_call_oom(awsc_call_state *st) {
  return awsc_error_set(st->err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                        "out of memory");
}

/* A copy of MAP `in` with member `key` set to `value` (added when
 * absent): one array in the arena, the members' keys and values shared
 * with `in` (which every caller keeps for the call) rather than copied:
 * a GET adds ChecksumMode this way on every call. */
int awsc_value_with_member(awsc_arena *a, const awsc_value *in, const char *key,
                           const awsc_value *value, const awsc_value **out) {
  size_t n = in->type == AWSC_V_MAP ? in->u.map.n : 0;
  awsc_value *v = awsc_arena_alloc(a, sizeof(*v) + (n + 1) * sizeof(awsc_kv));
  if (!v)
    return AWSC_ENOMEM;
  awsc_kv *items = (awsc_kv *)(void *)(v + 1);
  size_t kl = strlen(key), k = 0;
  bool replaced = false;
  for (size_t i = 0; i < n; i++) {
    items[k] = in->u.map.items[i];
    if (items[k].key_len == kl && memcmp(items[k].key, key, kl) == 0) {
      items[k].value = *value;
      replaced = true;
    }
    k++;
  }
  if (!replaced) {
    items[k].key = key;
    items[k].key_len = kl;
    items[k].value = *value;
    k++;
  }
  awsc_value_set_map(v, items, k);
  *out = v;
  return 0;
}

/* Step: prepare. The service's prepare-input hook, then response checksum
 * validation: ChecksumMode=ENABLED unless the caller set the member, or
 * "when_required" and the caller did not. */
int awsc_step_prepare(awsc_call_state *st) {
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
      return awsc_call_oom(st);
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
int awsc_step_serialize(awsc_call_state *st) {
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
  awsc_hdr_list *hl = &st->hl;
  for (size_t i = 0; i < st->sr.header_count; i++)
    if (awsc_hdr_push(a, hl, st->sr.headers[i].name, st->sr.headers[i].value))
      return awsc_call_oom(st);
  for (size_t i = 0; i < st->tgt.header_count; i++)
    if (awsc_hdr_push(a, hl, st->tgt.headers[i].name, st->tgt.headers[i].value))
      return awsc_call_oom(st);
  if (!awsc_hdr_has(hl, "user-agent") &&
      awsc_hdr_push(a, hl, "User-Agent", AWSC_USER_AGENT))
    return awsc_call_oom(st);
  if ((st->op->flags & AWSC_OF_CHECKSUM_REQUIRED) && !st->streaming_in &&
      !awsc_hdr_has(hl, "content-md5")) {
    uint8_t md5[AWSC_MD5_LEN];
    awsc_md5(st->mem_body ? st->mem_body : "", st->mem_body ? st->mem_len : 0,
             md5);
    char *b64 = awsc_arena_alloc(a, AWSC_BASE64_LEN(AWSC_MD5_LEN) + 1);
    if (!b64)
      return awsc_call_oom(st);
    awsc_base64_encode(md5, AWSC_MD5_LEN, b64);
    if (awsc_hdr_push(a, hl, "Content-MD5", b64))
      return awsc_call_oom(st);
  }
  return 0;
}

/* The headers of an aws-chunked body with a trailer: Content-Length is
 * the encoded length now (the transport's), Content-Encoding gains
 * aws-chunked, and the trailer and decoded length are announced. */
static int chunked_headers(awsc_call_state *st) {
  awsc_arena *a = st->a;
  awsc_hdr_list *hl = &st->hl;
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
  if ((enc && awsc_hdr_push(a, hl, "Content-Encoding", enc)) ||
      awsc_hdr_push(a, hl, "x-amz-trailer",
                    awsc_aws_chunked_trailer_name(&st->chunked)) ||
      awsc_hdr_push(a, hl, "x-amz-decoded-content-length", dl))
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
    return awsc_call_oom(st);
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
    return awsc_call_oom(st);
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
int awsc_step_checksum(awsc_call_state *st) {
  const awsc_operation *op = st->op;
  awsc_client *c = st->c;
  awsc_hdr_list *hl = &st->hl;
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
    if (crc == AWSC_ENOMEM || (crc == 0 && awsc_hdr_push(st->a, hl, hn, hv)))
      return awsc_call_oom(st);
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
      !awsc_hdr_has(hl, am->location_name) &&
      awsc_hdr_push(st->a, hl, am->location_name, algorithm))
    return awsc_call_oom(st);
  return 0;
}

/* Step: payload hash. A streamed body is never hashed; the service's
 * payload policy may leave other bodies unsigned too. Then the query
 * parameters as SigV4 takes them. */
int awsc_step_payload_hash(awsc_call_state *st) {
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
    return awsc_call_oom(st);
  for (size_t i = 0; i < qn; i++) {
    st->qp[i].name = st->sr.query[i].name;
    st->qp[i].value = st->sr.query[i].value;
  }
  return 0;
}
