/* generate_presigned_url: serialize as for a call, then sign the query. */
#include <string.h>

#include "client/client_internal.h"
#include "client/presign_internal.h"

/* Split an x-www-form-urlencoded body into query parameters (query
 * protocol services carry their parameters in the body; a presigned URL
 * must carry them in the query, as botocore does). */
static int form_to_params(awsc_arena *a, const char *body, size_t len,
                          awsc_sigv4_param **out, size_t *n) {
  size_t cap = 1;
  for (size_t i = 0; i < len; i++)
    cap += body[i] == '&';
  awsc_sigv4_param *p = awsc_arena_calloc(a, cap, sizeof(*p));
  if (!p)
    return AWSC_ENOMEM;
  size_t k = 0, i = 0;
  while (i < len) {
    size_t j = i;
    while (j < len && body[j] != '&')
      j++;
    const char *eq = memchr(body + i, '=', j - i);
    size_t klen = eq ? (size_t)(eq - (body + i)) : j - i;
    awsc_buf name = AWSC_BUF_INIT, value = AWSC_BUF_INIT;
    int rc = awsc_uri_decode(&name, body + i, klen, true);
    if (!rc && eq)
      rc = awsc_uri_decode(&value, eq + 1, (size_t)(body + j - eq - 1), true);
    p[k].name = name.p ? awsc_arena_strdup(a, name.p) : "";
    p[k].value = value.p ? awsc_arena_strdup(a, value.p) : "";
    awsc_buf_free(&name);
    awsc_buf_free(&value);
    if (rc || !p[k].name || !p[k].value)
      return rc ? rc : AWSC_ENOMEM;
    k++;
    i = j + 1;
  }
  *out = p;
  *n = k;
  return 0;
}

int awsc_generate_presigned_url(char **url_out, awsc_client *c,
                                const char *operation, const char *params_json,
                                int64_t expires_in, awsc_error *err) {
  if (!c || !operation || !url_out)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_generate_presigned_url: NULL argument");
  *url_out = NULL;
  const awsc_operation *op = awsc_service_find_operation(c->svc, operation);
  if (!op)
    return awsc_error_set(err, AWSC_ENOTFOUND, AWSC_ERROR_VALIDATION,
                          "Operation %s not found in service %s", operation,
                          c->svc->service_id ? c->svc->service_id : "?");
  awsc_arena *a = awsc_arena_new(8192);
  if (!a)
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  awsc_value in = {0};
  int rc = 0;
  const char *text = (params_json && *params_json) ? params_json : "{}";
  if (op->input)
    rc = awsc_value_from_json(&in, a, op->input, text, strlen(text), err);
  if (!rc)
    rc = awsc_presign_value(url_out, c, op, op->input ? &in : NULL, a,
                            expires_in, err);
  awsc_arena_free(a);
  return rc;
}

int awsc_presign_value(char **url_out, awsc_client *c, const awsc_operation *op,
                       const awsc_value *input, awsc_arena *a,
                       int64_t expires_in, awsc_error *err) {
  *url_out = NULL;
  if (expires_in == 0)
    expires_in = 3600;
  if (expires_in < AWSC_SIGV4_MIN_EXPIRES ||
      expires_in > AWSC_SIGV4_MAX_EXPIRES)
    return awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                          "ExpiresIn must be between %d and %d seconds, got "
                          "%lld",
                          AWSC_SIGV4_MIN_EXPIRES, AWSC_SIGV4_MAX_EXPIRES,
                          (long long)expires_in);
  awsc_credentials *creds = NULL;
  awsc_sigv4_result sig = AWSC_SIGV4_RESULT_INIT;
  int rc = 0;
  awsc_call call;
  memset(&call, 0, sizeof(call));
  call.op = op;
  call.input = input;
  call.arena = a;
  awsc_serialized_request sr;
  memset(&sr, 0, sizeof(sr));
  if (!rc)
    rc = awsc_protocol_serialize(c->svc, op, call.input, a, &sr, err);
  awsc_call_target tgt;
  memset(&tgt, 0, sizeof(tgt));
  if (!rc)
    rc = awsc_client_target(c, &call, &sr, NULL, -1, &tgt, err);
  if (!rc)
    rc = awsc_session_get_credentials(&creds, c->session, err);
  if (!rc) {
    awsc_sigv4_param *qp = NULL;
    size_t qn = sr.query_count;
    const awsc_service_hooks *hk = c->svc->hooks;
    bool keep_body = hk && (hk->flags & AWSC_HOOK_PRESIGN_KEEP_BODY);
    if (!keep_body && sr.body && sr.body_len) {
      rc = form_to_params(a, sr.body, sr.body_len, &qp, &qn);
    } else if (qn) {
      qp = awsc_arena_calloc(a, qn, sizeof(*qp));
      rc = qp ? 0 : AWSC_ENOMEM;
      for (size_t i = 0; !rc && i < qn; i++) {
        qp[i].name = sr.query[i].name;
        qp[i].value = sr.query[i].value;
      }
    }
    /* signed headers: what the parameters produced, minus the ones a
     * plain HTTP client would not send (Content-Type/Length of a body
     * that moved into the query) */
    awsc_http_header *hs = NULL;
    size_t hn = 0;
    if (!rc && sr.header_count) {
      hs = awsc_arena_calloc(a, sr.header_count, sizeof(*hs));
      rc = hs ? 0 : AWSC_ENOMEM;
      for (size_t i = 0; !rc && i < sr.header_count; i++) {
        if (!keep_body &&
            (strcasecmp(sr.headers[i].name, "content-type") == 0 ||
             strcasecmp(sr.headers[i].name, "x-amz-target") == 0))
          continue;
        hs[hn++] = sr.headers[i];
      }
    }
    if (rc) {
      awsc_error_set(err, rc, AWSC_ERROR_INTERNAL, "out of memory");
    } else {
      awsc_sigv4_params sp = AWSC_SIGV4_PARAMS_INIT;
      sp.access_key_id = awsc_credentials_access_key_id(creds);
      sp.secret_access_key = awsc_credentials_secret_access_key(creds);
      sp.session_token = awsc_credentials_session_token(creds);
      sp.region = tgt.signing_region;
      sp.service = tgt.signing_name;
      sp.time_ms = awsc_time_now_ms() + c->clock_offset_ms;
      sp.expires_s = expires_in;
      sp.cache = c->sigv4_cache;
      awsc_sigv4_request sq = AWSC_SIGV4_REQUEST_INIT;
      sq.method = sr.method;
      sq.path = tgt.path;
      sq.query = qp;
      sq.query_count = qn;
      sq.headers = hs;
      sq.header_count = hn;
      sq.host = tgt.host;
      sq.flags = AWSC_SIGV4_UNSIGNED_PAYLOAD;
      if (hk && (hk->flags & AWSC_HOOK_SIGV4_S3))
        sq.flags |= AWSC_SIGV4_S3;
      rc = awsc_sigv4_presign(&sig, &sp, &sq, err);
    }
  }
  if (!rc) {
    awsc_buf url = AWSC_BUF_INIT;
    rc = awsc_buf_printf(&url, "%s://%s%s?%s", tgt.https ? "https" : "http",
                         tgt.host, tgt.path, sig.query ? sig.query : "");
    if (rc) {
      awsc_buf_free(&url);
      awsc_error_set(err, rc, AWSC_ERROR_INTERNAL, "out of memory");
    } else {
      if (!(*url_out = awsc_out_from_buf(&url)))
        rc = awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                            "out of memory");
    }
  }
  awsc_sigv4_result_cleanup(&sig);
  awsc_credentials_free(creds);
  return rc;
}
