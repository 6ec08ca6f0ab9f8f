/* generate_presigned_url: serialize as for a call, then sign the query. */
#include <string.h>

#include "awsc/presign.h"
#include "client/client_internal.h"
#include "client/presign_internal.h"
#include "runtime/jtree.h"

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
                            expires_in ? expires_in : 3600, err);
  awsc_arena_free(a);
  return rc;
}

/* ------------------------------------------------------------------ */
/* The whole call as JSON: {"ClientMethod", "Params", "ExpiresIn"}. */

/* The last member named `key` (Python's json keeps the last of
 * duplicates), NULL when absent or JSON null (absent, as in the
 * converter). */
static const awsc_jnode *last_member(const awsc_jnode *obj, const char *key) {
  size_t kl = strlen(key);
  const awsc_jnode *found = NULL;
  for (size_t i = 0; i < obj->count; i++) {
    const awsc_jmember *m = &obj->members[i];
    if (m->key_len == kl && memcmp(m->key, key, kl) == 0)
      found = m->value;
  }
  return found && found->type != AWSC_J_NULL ? found : NULL;
}

/* As the converter's messages show a value and name its Python type. */
static const char *shown(const awsc_jnode *n) {
  return n->type == AWSC_J_ARRAY    ? "[...]"
         : n->type == AWSC_J_OBJECT ? "{...}"
         : n->type == AWSC_J_BOOL   ? (n->b ? "True" : "False")
                                    : n->s;
}

static const char *py_type(const awsc_jnode *n) {
  static const char *const names[] = {"NoneType", "bool", "int", "float",
                                      "str",      "list", "dict"};
  return n->type < sizeof(names) / sizeof(names[0]) ? names[n->type] : "?";
}

static int bad_type(awsc_error *err, const char *name, const awsc_jnode *n,
                    const char *valid) {
  return awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                        "Invalid type for parameter %s, value: %.100s, type: "
                        "%s, valid types: %s",
                        name, shown(n), py_type(n), valid);
}

/* ExpiresIn: absent = 3600, else any integer, 0 and negatives too (as
 * botocore signs them; the service refuses the URL). JSON has one number
 * type, so "int" is read from the text: 1.0 and 1e3 are floats to Python
 * too; an integer too large for int64 is a range error. */
static int call_expires(const awsc_jnode *n, int64_t *out, awsc_error *err) {
  *out = 3600;
  if (!n)
    return 0;
  bool integral = n->type == AWSC_J_INT ||
                  (n->type == AWSC_J_DOUBLE && !strpbrk(n->s, ".eE"));
  if (!integral)
    return bad_type(err, "ExpiresIn", n, "int");
  if (n->type != AWSC_J_INT)
    return awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                          "Invalid value for parameter ExpiresIn, value: "
                          "%.40s, valid range: -9223372036854775808 to "
                          "9223372036854775807 seconds",
                          n->s);
  *out = n->i;
  return 0;
}

/* The call's members, checked: ClientMethod a string, Params an object,
 * nothing else. */
static int call_members(const awsc_jnode *root, const char **method,
                        int64_t *expires, awsc_error *err) {
  static const char *const known[] = {"ClientMethod", "Params", "ExpiresIn"};
  if (root->type != AWSC_J_OBJECT)
    return bad_type(err, "generate_presigned_url", root, "dict");
  for (size_t i = 0; i < root->count; i++) {
    const awsc_jmember *m = &root->members[i];
    size_t k = 0;
    while (k < 3 && !(m->key_len == strlen(known[k]) &&
                      memcmp(m->key, known[k], m->key_len) == 0))
      k++;
    if (k == 3)
      return awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                            "Unknown parameter in generate_presigned_url: "
                            "\"%.100s\", must be one of: ClientMethod, "
                            "Params, ExpiresIn",
                            m->key);
  }
  const awsc_jnode *cm = last_member(root, "ClientMethod");
  if (!cm)
    return awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                          "Missing required parameter in "
                          "generate_presigned_url: \"ClientMethod\"");
  if (cm->type != AWSC_J_STRING)
    return bad_type(err, "ClientMethod", cm, "str");
  *method = cm->s;
  const awsc_jnode *p = last_member(root, "Params");
  if (p && p->type != AWSC_J_OBJECT)
    return bad_type(err, "Params", p, "dict");
  return call_expires(last_member(root, "ExpiresIn"), expires, err);
}

/* awsc_value_from_json_fix hook: the operation's input is the call's
 * Params member (absent: no parameters), so that the converter and the
 * validator name parameters as botocore does ("Key", not "Params.Key"). */
static int take_params(awsc_jnode *root, awsc_arena *tmp, void *unused,
                       awsc_error *err) {
  (void)tmp;
  (void)unused;
  (void)err;
  const awsc_jnode *p = last_member(root, "Params");
  if (p) {
    *root = *p;
  } else {
    root->type = AWSC_J_OBJECT;
    root->count = 0;
  }
  return 0;
}

int awsc_generate_presigned_url_json(char **url_out, awsc_client *c,
                                     const char *call_json, awsc_error *err) {
  if (!url_out || !c || !call_json)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_generate_presigned_url_json: NULL argument");
  *url_out = NULL;
  size_t len = strlen(call_json);
  awsc_arena *a = awsc_arena_new(len < 4096 ? 8192 : len * 2);
  if (!a)
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  /* read twice: the members here, then Params again by the converter,
   * whose shape is only known once ClientMethod is */
  awsc_jnode *root = NULL;
  const char *method = NULL;
  int64_t expires = 0;
  const awsc_operation *op = NULL;
  int rc = awsc_jtree_parse(&root, a, call_json, len,
                            AWSC_JPARSE_KEEP_SURROGATES, err);
  if (!rc)
    rc = call_members(root, &method, &expires, err);
  if (!rc && !(op = awsc_service_find_operation(c->svc, method)))
    rc = awsc_error_set(err, AWSC_ENOTFOUND, AWSC_ERROR_VALIDATION,
                        "Operation %.100s not found in service %s", method,
                        c->svc->service_id ? c->svc->service_id : "?");
  awsc_value in = {0};
  if (!rc && op->input)
    rc = awsc_value_from_json_fix(&in, a, op->input, call_json, len, 0,
                                  take_params, NULL, err);
  if (!rc)
    rc = awsc_presign_value(url_out, c, op, op->input ? &in : NULL, a, expires,
                            err);
  awsc_arena_free(a);
  return rc;
}

/* The query parameters and headers a presigned URL carries, in `a`:
 * query protocol services' form body moved into the query (unless the
 * service keeps its body), and the headers the parameters produced minus
 * the ones a plain HTTP client would not send (Content-Type of a body that
 * moved into the query, X-Amz-Target). 0 or AWSC_ENOMEM. */
static int presign_parts(awsc_client *c, const awsc_serialized_request *sr,
                         awsc_arena *a, awsc_sigv4_param **qp, size_t *qn,
                         awsc_http_header **hs, size_t *hn) {
  const awsc_service_hooks *hk = c->svc->hooks;
  bool keep_body = hk && (hk->flags & AWSC_HOOK_PRESIGN_KEEP_BODY);
  *qp = NULL;
  *qn = sr->query_count;
  *hs = NULL;
  *hn = 0;
  if (!keep_body && sr->body && sr->body_len) {
    int rc = form_to_params(a, sr->body, sr->body_len, qp, qn);
    if (rc)
      return rc;
  } else if (*qn) {
    if (!(*qp = awsc_arena_calloc(a, *qn, sizeof(**qp))))
      return AWSC_ENOMEM;
    for (size_t i = 0; i < *qn; i++) {
      (*qp)[i].name = sr->query[i].name;
      (*qp)[i].value = sr->query[i].value;
    }
  }
  if (!sr->header_count)
    return 0;
  if (!(*hs = awsc_arena_calloc(a, sr->header_count, sizeof(**hs))))
    return AWSC_ENOMEM;
  for (size_t i = 0; i < sr->header_count; i++) {
    if (!keep_body && (strcasecmp(sr->headers[i].name, "content-type") == 0 ||
                       strcasecmp(sr->headers[i].name, "x-amz-target") == 0))
      continue;
    (*hs)[(*hn)++] = sr->headers[i];
  }
  return 0;
}

/* The query of an unsigned URL: botocore's request as prepared, without
 * the signer. So only the parameters the operation puts in the query, as
 * serialized: a query protocol service's form body (which the signer
 * would move into the query) is not in it, as in botocore. */
static int plain_query(awsc_buf *q, const awsc_serialized_request *sr) {
  int rc = 0;
  for (size_t i = 0; !rc && i < sr->query_count; i++) {
    const awsc_http_header *p = &sr->query[i];
    if (i)
      rc = awsc_buf_putc(q, '&');
    if (!rc)
      rc = awsc_uri_encode(q, p->name, strlen(p->name), false);
    if (!rc && p->value) {
      rc = awsc_buf_putc(q, '=');
      if (!rc)
        rc = awsc_uri_encode(q, p->value, strlen(p->value), false);
    }
  }
  return rc;
}

/* Sign the URL's query with the client's credentials (fetched here). */
static int presign_sign(awsc_sigv4_result *sig, awsc_client *c,
                        const awsc_serialized_request *sr,
                        const awsc_call_target *tgt, awsc_sigv4_param *qp,
                        size_t qn, awsc_http_header *hs, size_t hn,
                        int64_t expires_in, awsc_error *err) {
  awsc_credentials *creds = NULL;
  int rc = awsc_session_get_credentials(&creds, c->session, err);
  if (rc)
    return rc;
  awsc_sigv4_params sp = AWSC_SIGV4_PARAMS_INIT;
  sp.access_key_id = awsc_credentials_access_key_id(creds);
  sp.secret_access_key = awsc_credentials_secret_access_key(creds);
  sp.session_token = awsc_credentials_session_token(creds);
  sp.region = tgt->signing_region;
  sp.service = tgt->signing_name;
  sp.time_ms = awsc_time_now_ms() + c->clock_offset_ms;
  sp.expires_s = expires_in;
  sp.cache = c->sigv4_cache;
  awsc_sigv4_request sq = AWSC_SIGV4_REQUEST_INIT;
  sq.method = sr->method;
  sq.path = tgt->path;
  sq.query = qp;
  sq.query_count = qn;
  sq.headers = hs;
  sq.header_count = hn;
  sq.host = tgt->host;
  sq.flags = AWSC_SIGV4_UNSIGNED_PAYLOAD | AWSC_SIGV4_ANY_EXPIRES;
  const awsc_service_hooks *hk = c->svc->hooks;
  if (hk && (hk->flags & AWSC_HOOK_SIGV4_S3))
    sq.flags |= AWSC_SIGV4_S3;
  rc = awsc_sigv4_presign(sig, &sp, &sq, err);
  awsc_credentials_free(creds);
  return rc;
}

int awsc_presign_value(char **url_out, awsc_client *c, const awsc_operation *op,
                       const awsc_value *input, awsc_arena *a,
                       int64_t expires_in, awsc_error *err) {
  *url_out = NULL;
  /* no bound: botocore signs any lifetime, 0 and negatives included, and
   * leaves it to the service, which refuses the URL when it is used */
  awsc_call call;
  memset(&call, 0, sizeof(call));
  call.op = op;
  call.input = input;
  call.arena = a;
  awsc_serialized_request sr;
  memset(&sr, 0, sizeof(sr));
  int rc = awsc_protocol_serialize(c->svc, op, call.input, a, &sr, err);
  awsc_call_target tgt;
  memset(&tgt, 0, sizeof(tgt));
  if (!rc)
    rc = awsc_client_target(c, &call, &sr, NULL, -1, &tgt, err);
  awsc_sigv4_param *qp = NULL;
  awsc_http_header *hs = NULL;
  size_t qn = 0, hn = 0;
  if (!rc && (rc = presign_parts(c, &sr, a, &qp, &qn, &hs, &hn)))
    return awsc_error_set(err, rc, AWSC_ERROR_INTERNAL, "out of memory");
  awsc_sigv4_result sig = AWSC_SIGV4_RESULT_INIT;
  awsc_buf plain = AWSC_BUF_INIT;
  const char *query = NULL;
  if (!rc && c->unsigned_requests) {
    /* botocore's UNSIGNED: the request as prepared, no credentials */
    if ((rc = plain_query(&plain, &sr)))
      awsc_error_set(err, rc, AWSC_ERROR_INTERNAL, "out of memory");
    query = plain.p;
  } else if (!rc) {
    rc = presign_sign(&sig, c, &sr, &tgt, qp, qn, hs, hn, expires_in, err);
    query = sig.query;
  }
  if (!rc) {
    awsc_buf url = AWSC_BUF_INIT;
    rc = awsc_buf_printf(&url, "%s://%s%s%s%s", tgt.https ? "https" : "http",
                         tgt.host, tgt.path, query && *query ? "?" : "",
                         query ? query : "");
    if (rc) {
      awsc_buf_free(&url);
      awsc_error_set(err, rc, AWSC_ERROR_INTERNAL, "out of memory");
    } else {
      if (!(*url_out = awsc_out_from_buf(&url)))
        rc = awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                            "out of memory");
    }
  }
  awsc_buf_free(&plain);
  awsc_sigv4_result_cleanup(&sig);
  return rc;
}
