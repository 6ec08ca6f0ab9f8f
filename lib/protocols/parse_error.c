/*
 * lib/protocols/parse_error.c - error responses, as botocore reads them.
 *
 * Where the code comes from:
 *   rest-xml   <Error><Code/><Message/><RequestId/><HostId/></Error> (S3)
 *              or <ErrorResponse><Error><Type/><Code/><Message/></Error>
 *              <RequestId/></ErrorResponse>; request id and host id
 *              otherwise from x-amz-request-id / x-amz-id-2
 *   query      <ErrorResponse><Error>...</Error><RequestId/></ErrorResponse>
 *   ec2        <Response><Errors><Error><Code/><Message/></Error></Errors>
 *              <RequestID/></Response>
 *   json       x-amzn-errortype header, else "__type", else "code"/"Code"
 *   rest-json  x-amzn-errortype header, else "code"/"Code", else "__type"
 *              (both: the part after '#' and before ':'); message from
 *              "message" or "Message"; x-amzn-query-error "Code;Type"
 *              overrides the code (awsQueryCompatible services).
 * No usable body (empty, not XML/JSON, or an HTML page on a 5xx): the
 * code is the status number ("404") and, for rest-xml and any 5xx, the
 * message its reason phrase ("Not Found"), which is what botocore gives
 * S3 HEAD requests. (botocore raises a parse error for an unreadable
 * query/ec2 4xx body; we give the status code there too.)
 *
 * A modeled error is the shape among op->errors (then among all the
 * service's operations' errors) whose error code (or name) equals the
 * code; its members are parsed into `fields` (body and, for rest
 * protocols, headers) as botocore's modeled-error parse does.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "protocols/parse_internal.h"

static const char *reason_phrase(int status) {
  switch (status) {
  case 300:
    return "Multiple Choices";
  case 301:
    return "Moved Permanently";
  case 302:
    return "Found";
  case 303:
    return "See Other";
  case 304:
    return "Not Modified";
  case 307:
    return "Temporary Redirect";
  case 308:
    return "Permanent Redirect";
  case 400:
    return "Bad Request";
  case 401:
    return "Unauthorized";
  case 402:
    return "Payment Required";
  case 403:
    return "Forbidden";
  case 404:
    return "Not Found";
  case 405:
    return "Method Not Allowed";
  case 406:
    return "Not Acceptable";
  case 408:
    return "Request Timeout";
  case 409:
    return "Conflict";
  case 410:
    return "Gone";
  case 411:
    return "Length Required";
  case 412:
    return "Precondition Failed";
  case 413:
    return "Request Entity Too Large";
  case 414:
    return "Request-URI Too Long";
  case 415:
    return "Unsupported Media Type";
  case 416:
    return "Requested Range Not Satisfiable";
  case 417:
    return "Expectation Failed";
  case 422:
    return "Unprocessable Entity";
  case 423:
    return "Locked";
  case 428:
    return "Precondition Required";
  case 429:
    return "Too Many Requests";
  case 431:
    return "Request Header Fields Too Large";
  case 500:
    return "Internal Server Error";
  case 501:
    return "Not Implemented";
  case 502:
    return "Bad Gateway";
  case 503:
    return "Service Unavailable";
  case 504:
    return "Gateway Timeout";
  case 505:
    return "HTTP Version Not Supported";
  default:
    return "";
  }
}

static bool blank(const char *p, size_t n) {
  for (size_t i = 0; p && i < n; i++)
    if (!isspace((unsigned char)p[i]))
      return false;
  return true;
}

/* botocore's _is_generic_error_response: a 5xx with no body or an HTML
 * page says nothing protocol-specific. */
static bool generic_5xx(const awsc_raw_response *r) {
  if (r->status < 500)
    return false;
  if (!r->body || blank(r->body, r->body_len))
    return true;
  size_t i = 0;
  while (i < r->body_len && isspace((unsigned char)r->body[i]))
    i++;
  return r->body_len - i >= 6 && memcmp(r->body + i, "<html>", 6) == 0;
}

/* ---- XML error documents ---- */

enum { XE_CODE, XE_MESSAGE, XE_TYPE, XE_REQID, XE_HOSTID, XE_N, XE_DETAIL };

typedef struct xerr {
  awsc_arena *arena;
  awsc_value_builder *db; /* details map */
  int depth;
  uint32_t error_at; /* bit d: element at depth d is <Error> */
  int capture;       /* XE_* being read, or -1 */
  int capture_depth;
  bool nested; /* the captured element has children */
  awsc_buf text;
  awsc_buf dname; /* name of the detail being read */
  const char *v[XE_N];
  bool root_is_error;
} xerr;

static size_t lname(const char *name, size_t len, const char **out) {
  const char *colon = memchr(name, ':', len);
  if (colon) {
    len -= (size_t)(colon + 1 - name);
    name = colon + 1;
  }
  *out = name;
  return len;
}

static bool lname_is(const char *name, size_t len, const char *want) {
  const char *l;
  size_t n = lname(name, len, &l);
  return strlen(want) == n && memcmp(l, want, n) == 0;
}

static int xe_start(void *ud, const char *name, size_t len,
                    const awsc_xml_attr *a, size_t na) {
  (void)a;
  (void)na;
  xerr *x = ud;
  x->depth++;
  if (x->capture >= 0) {
    x->nested = true;
    return 0;
  }
  if (x->depth >= 31)
    return 0;
  int d = x->depth;
  bool parent_error = d >= 2 && (x->error_at & (1u << (d - 1)));
  if (lname_is(name, len, "Error")) {
    x->error_at |= 1u << d;
    if (d == 1)
      x->root_is_error = true;
  }
  int want = -1;
  if (parent_error) {
    if (lname_is(name, len, "Code"))
      want = XE_CODE;
    else if (lname_is(name, len, "Message"))
      want = XE_MESSAGE;
    else if (lname_is(name, len, "Type"))
      want = XE_TYPE;
  }
  if (want < 0 && (d == 2 || parent_error)) {
    if (lname_is(name, len, "RequestId") || lname_is(name, len, "RequestID"))
      want = XE_REQID;
    else if (lname_is(name, len, "HostId"))
      want = XE_HOSTID;
  }
  if (want < 0 && parent_error) {
    const char *l;
    size_t n = lname(name, len, &l);
    awsc_buf_reset(&x->dname);
    if (awsc_buf_append(&x->dname, l, n) != AWSC_OK)
      return AWSC_ENOMEM;
    want = XE_DETAIL;
  }
  if (want >= 0 && (want == XE_DETAIL || !x->v[want])) {
    x->capture = want;
    x->capture_depth = d;
    x->nested = false;
    awsc_buf_reset(&x->text);
  }
  return 0;
}

static int xe_text(void *ud, const char *p, size_t n, bool stable) {
  (void)stable;
  xerr *x = ud;
  if (x->capture < 0 || x->depth != x->capture_depth)
    return 0;
  return awsc_buf_append(&x->text, p, n);
}

static int xe_end(void *ud) {
  xerr *x = ud;
  if (x->capture >= 0 && x->depth == x->capture_depth) {
    const char *t = x->text.p ? x->text.p : "";
    if (x->capture == XE_DETAIL) {
      int rc = 0;
      if (!x->nested &&
          (rc = awsc_vb_key(x->db, x->dname.p, x->dname.len)) == 0)
        rc = awsc_vb_string(x->db, t, x->text.len);
      if (rc)
        return rc;
    } else {
      x->v[x->capture] = awsc_arena_strndup(x->arena, t, x->text.len);
      if (!x->v[x->capture])
        return AWSC_ENOMEM;
    }
    x->capture = -1;
  }
  if (x->depth < 32)
    x->error_at &= ~(1u << x->depth);
  x->depth--;
  return 0;
}

static void xerr_reset(xerr *x, awsc_arena *arena) {
  awsc_buf_free(&x->text);
  awsc_buf_free(&x->dname);
  awsc_vb_free(x->db);
  memset(x, 0, sizeof(*x));
  x->arena = arena;
  x->capture = -1;
  x->db = awsc_vb_new(arena);
}

/* 0 when the body is XML (fields and details filled), else nonzero. */
static int xml_error_fields(awsc_arena *arena, const awsc_raw_response *r,
                            xerr *x, awsc_value *details) {
  static const awsc_xml_handler h = {xe_start, xe_text, xe_end, NULL};
  memset(x, 0, sizeof(*x));
  xerr_reset(x, arena);
  int rc = !x->db ? AWSC_ENOMEM : awsc_vb_begin_map(x->db);
  if (rc == 0)
    rc = awsc_xml_scan(r->body, r->body_len, &h, x);
  if (rc == AWSC_XML_DECLINED) {
    xerr_reset(x, arena);
    rc = !x->db ? AWSC_ENOMEM : awsc_vb_begin_map(x->db);
    if (rc == 0)
      rc = awsc_xml_expat(r->body, r->body_len, &h, x, NULL);
  }
  if (rc == 0 && (rc = awsc_vb_end(x->db)) == 0)
    rc = awsc_vb_finish(x->db, details);
  awsc_buf_free(&x->text);
  awsc_buf_free(&x->dname);
  awsc_vb_free(x->db);
  x->db = NULL;
  return rc;
}

/* ---- codes ---- */

/* "ns#Name:uri" -> "Name" */
static const char *sanitize_code(awsc_arena *arena, const char *code) {
  if (!code)
    return NULL;
  const char *colon = strchr(code, ':');
  size_t n = colon ? (size_t)(colon - code) : strlen(code);
  const char *hash = NULL;
  for (size_t i = 0; i < n; i++)
    if (code[i] == '#')
      hash = code + i;
  if (hash) {
    n -= (size_t)(hash + 1 - code);
    code = hash + 1;
  }
  return awsc_arena_strndup(arena, code, n);
}

static const awsc_shape *match_error(const awsc_shape *const *errs, uint32_t n,
                                     const char *code, bool by_name) {
  for (uint32_t i = 0; i < n; i++) {
    const awsc_shape *s = errs[i];
    if (!s)
      continue;
    const char *c =
        by_name ? s->name : (s->error_code ? s->error_code : s->name);
    if (c && strcmp(c, code) == 0)
      return s;
  }
  return NULL;
}

/* The operation's errors first; then those of every operation of the
 * service, since botocore looks the code up service-wide
 * (ServiceModel.shape_for_error_code). By error code (error.code, else
 * the shape name), then by shape name: an awsQueryCompatible code may
 * be either. */
static const awsc_shape *find_error_shape(const awsc_service *svc,
                                          const awsc_operation *op,
                                          const char *code) {
  if (!code)
    return NULL;
  for (int by_name = 0; by_name < 2; by_name++) {
    const awsc_shape *s =
        op ? match_error(op->errors, op->error_count, code, by_name) : NULL;
    for (uint32_t i = 0; !s && i < svc->operation_count; i++)
      s = match_error(svc->operations[i].errors, svc->operations[i].error_count,
                      code, by_name);
    if (s)
      return s;
  }
  return NULL;
}

static char *status_text(awsc_arena *arena, int status) {
  char num[16];
  snprintf(num, sizeof(num), "%d", status);
  return awsc_arena_strdup(arena, num);
}

static int fields_of(const awsc_service *svc, const awsc_shape *es,
                     const awsc_raw_response *r, awsc_arena *arena,
                     awsc_value *out) {
  awsc_value_builder *b = awsc_vb_new(arena);
  if (!b)
    return AWSC_ENOMEM;
  bool json =
      svc->protocol == AWSC_PROTO_JSON || svc->protocol == AWSC_PROTO_REST_JSON;
  awsc_pctx c;
  awsc_pctx_init(&c, svc, arena, b, NULL, !json);
  int rc = awsc_vb_begin_map(b);
  if (rc == 0 && es && es->type == AWSC_SHAPE_STRUCTURE) {
    if (svc->protocol == AWSC_PROTO_REST_XML ||
        svc->protocol == AWSC_PROTO_REST_JSON)
      rc = awsc_parse_http_members(&c, es, r);
    if (rc == 0 && r->body && !blank(r->body, r->body_len)) {
      if (json) {
        rc = awsc_parse_json_struct(&c, es, r->body, r->body_len);
      } else {
        awsc_xml_target t = {"ErrorResponse", {"Error", NULL}, 1, false};
        if (svc->protocol == AWSC_PROTO_EC2) {
          t.root_name = NULL;
          t.descend[0] = "Errors";
          t.descend[1] = "Error";
          t.n_descend = 2;
        }
        rc = awsc_parse_xml_struct(&c, es, r->body, r->body_len, &t);
      }
      /* a body that does not parse leaves the fields it gave */
      if (rc == AWSC_EPARSE)
        rc = 0;
    }
  }
  if (rc == 0)
    rc = awsc_vb_end(b);
  if (rc == 0)
    rc = awsc_vb_finish(b, out);
  if (rc == 0 && c.needs_merge)
    rc = awsc_pvalue_merge_lists(arena, out);
  awsc_pctx_cleanup(&c);
  awsc_vb_free(b);
  return rc;
}

static int parse_xml_error(const awsc_service *svc, const awsc_raw_response *r,
                           awsc_arena *arena, awsc_service_error *out) {
  xerr x;
  int rc = 1;
  if (r->body && !blank(r->body, r->body_len))
    rc = xml_error_fields(arena, r, &x, &out->details);
  if (rc == AWSC_ENOMEM)
    return rc;
  if (rc != 0) {
    out->details.type = AWSC_V_MAP;
    out->details.u.map.n = 0;
    if (svc->protocol == AWSC_PROTO_REST_XML || r->status >= 500)
      out->message = reason_phrase(r->status);
    return 0;
  }
  out->code = x.v[XE_CODE];
  out->message = x.v[XE_MESSAGE];
  out->type = x.v[XE_TYPE];
  /* S3's <Error> repeats the ids of the headers; botocore reads only
   * the headers there, and the body for <ErrorResponse>. */
  if (!x.root_is_error) {
    if (!out->request_id)
      out->request_id = x.v[XE_REQID];
    if (!out->host_id)
      out->host_id = x.v[XE_HOSTID];
  }
  return 0;
}

static int parse_json_error(const awsc_service *svc, const awsc_raw_response *r,
                            awsc_arena *arena, awsc_service_error *out) {
  enum { K_TYPE, K_code, K_Code, K_message, K_Message, K_N };
  static const char *const keys[K_N] = {"__type", "code", "Code", "message",
                                        "Message"};
  const char *v[K_N] = {NULL, NULL, NULL, NULL, NULL};
  if (r->body && r->body_len) {
    int rc = awsc_json_top_strings(arena, r->body, r->body_len, keys, v, K_N);
    if (rc == AWSC_ENOMEM)
      return rc;
    if (rc != 0) {
      /* botocore: a body that is not JSON becomes the message */
      for (size_t i = 0; i < K_N; i++)
        v[i] = NULL;
      v[K_message] = awsc_arena_strndup(arena, r->body, r->body_len);
      if (!v[K_message])
        return AWSC_ENOMEM;
    }
  }
  const char *code = awsc_presp_header(r, "x-amzn-errortype");
  if (!code || !*code) {
    const char *cc = v[K_code] ? v[K_code] : v[K_Code];
    code = svc->protocol == AWSC_PROTO_REST_JSON ? (cc ? cc : v[K_TYPE])
                                                 : (v[K_TYPE] ? v[K_TYPE] : cc);
  }
  out->code = sanitize_code(arena, code);
  out->message = v[K_message] ? v[K_message] : v[K_Message];
  const char *qe = awsc_presp_header(r, "x-amzn-query-error");
  if (qe) {
    const char *semi = strchr(qe, ';');
    if (semi && semi != qe && !strchr(semi + 1, ';')) {
      out->code = awsc_arena_strndup(arena, qe, (size_t)(semi - qe));
      out->type = awsc_arena_strdup(arena, semi + 1);
    }
  }
  return 0;
}

int awsc_protocol_parse_error(const awsc_service *svc, const awsc_operation *op,
                              const awsc_raw_response *resp, awsc_arena *arena,
                              awsc_service_error *out) {
  if (!out)
    return AWSC_EINVAL;
  memset(out, 0, sizeof(*out));
  out->fields.type = AWSC_V_MAP;
  out->details.type = AWSC_V_MAP;
  if (!svc || !resp || !arena)
    return AWSC_EINVAL;
  int rc = 0;
  const char *rid = awsc_presp_header(resp, "x-amzn-requestid");
  if (!rid)
    rid = awsc_presp_header(resp, "x-amz-request-id");
  out->request_id = rid;
  out->host_id = awsc_protocol_host_id(resp);
  bool json =
      svc->protocol == AWSC_PROTO_JSON || svc->protocol == AWSC_PROTO_REST_JSON;
  /* A 5xx without a body still names its error in x-amzn-errortype
   * (JSON protocols): that beats the generic status code. */
  if (generic_5xx(resp) &&
      !(json && awsc_presp_header(resp, "x-amzn-errortype"))) {
    out->message = reason_phrase(resp->status);
  } else if (json) {
    rc = parse_json_error(svc, resp, arena, out);
  } else {
    rc = parse_xml_error(svc, resp, arena, out);
  }
  if (rc)
    return rc;
  if (!out->code || !*out->code)
    out->code = status_text(arena, resp->status);
  if (!out->message)
    out->message = "";
  if (!out->code)
    return AWSC_ENOMEM;
  if (out->request_id && out->request_id == rid &&
      !(out->request_id = awsc_arena_strdup(arena, rid)))
    return AWSC_ENOMEM;
  if (out->host_id && !(out->host_id = awsc_arena_strdup(arena, out->host_id)))
    return AWSC_ENOMEM;
  out->shape = find_error_shape(svc, op, out->code);
  if (out->shape)
    rc = fields_of(svc, out->shape, resp, arena, &out->fields);
  return rc == AWSC_ENOMEM ? rc : 0;
}

/* An error document inside a 2xx answer is a quirk of some services
 * (S3): their hook says. */
bool awsc_protocol_is_error_in_200(const awsc_service *svc,
                                   const awsc_operation *op,
                                   const awsc_raw_response *resp) {
  return svc && svc->hooks && svc->hooks->error_in_200 &&
         svc->hooks->error_in_200(op, resp);
}
