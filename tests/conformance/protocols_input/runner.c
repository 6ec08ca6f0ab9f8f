/*
 * tests/conformance/protocols_input/runner.c - botocore's protocol
 * *input* suites (tests/data/protocols/input and legacy/input) run
 * through awsc_service_from_parts + awsc_value_from_json_ex +
 * awsc_protocol_serialize, compared the way botocore's
 * tests/unit/test_protocols.py compares them (see
 * /work/shared/testdata/README.md, "Runner notes").
 *
 * usage: protocols_input <suite.json> <protocol-tests-ignore-list.json>
 */
#include <expat.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yajl/yajl_tree.h>

#include "protocols/protocol.h"
#include "runtime/jtree.h"

static int n_pass, n_fail, n_skip;

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  awsc_buf b = AWSC_BUF_INIT;
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
    if (awsc_buf_append(&b, chunk, n)) {
      fclose(f);
      awsc_buf_free(&b);
      return NULL;
    }
  fclose(f);
  *len = b.len;
  return b.p ? b.p : awsc_strdup("");
}

/* ---------------- JSON tree -> text (feeds the library's parsers) ---- */

static int emit_json(awsc_buf *b, const awsc_jnode *n) {
  switch (n->type) {
  case AWSC_J_NULL:
    return awsc_buf_puts(b, "null");
  case AWSC_J_BOOL:
    return awsc_buf_puts(b, n->b ? "true" : "false");
  case AWSC_J_INT:
  case AWSC_J_DOUBLE:
    return awsc_buf_append(b, n->s, n->n);
  case AWSC_J_STRING:
    return awsc_json_put_string(b, n->s, n->n);
  case AWSC_J_ARRAY:
    if (awsc_buf_putc(b, '['))
      return -1;
    for (size_t i = 0; i < n->count; i++)
      if ((i && awsc_buf_putc(b, ',')) || emit_json(b, n->items[i]))
        return -1;
    return awsc_buf_putc(b, ']');
  default:
    if (awsc_buf_putc(b, '{'))
      return -1;
    for (size_t i = 0; i < n->count; i++)
      if ((i && awsc_buf_putc(b, ',')) ||
          awsc_json_put_string(b, n->members[i].key, n->members[i].key_len) ||
          awsc_buf_putc(b, ':') || emit_json(b, n->members[i].value))
        return -1;
    return awsc_buf_putc(b, '}');
  }
}

/* ---------------- structural JSON comparison ----------------
 * With yajl_tree, independent of the library's own JSON code. */

static bool json_equal(yajl_val a, yajl_val b) {
  if (YAJL_IS_NUMBER(a) && YAJL_IS_NUMBER(b)) {
    if (YAJL_IS_INTEGER(a) && YAJL_IS_INTEGER(b))
      return YAJL_GET_INTEGER(a) == YAJL_GET_INTEGER(b);
    return YAJL_GET_DOUBLE(a) == YAJL_GET_DOUBLE(b);
  }
  if (a->type != b->type)
    return false;
  switch (a->type) {
  case yajl_t_string:
    return strcmp(a->u.string, b->u.string) == 0;
  case yajl_t_array:
    if (a->u.array.len != b->u.array.len)
      return false;
    for (size_t i = 0; i < a->u.array.len; i++)
      if (!json_equal(a->u.array.values[i], b->u.array.values[i]))
        return false;
    return true;
  case yajl_t_object:
    if (a->u.object.len != b->u.object.len)
      return false;
    for (size_t i = 0; i < a->u.object.len; i++) {
      const char *path[] = {a->u.object.keys[i], NULL};
      yajl_val o = yajl_tree_get(b, path, yajl_t_any);
      if (!o || !json_equal(a->u.object.values[i], o))
        return false;
    }
    return true;
  default: /* true, false, null: same type is equal */
    return true;
  }
}

static yajl_val json_parse(const char *s, size_t n) {
  char *z = awsc_strndup(s, n); /* yajl_tree wants NUL-terminated text */
  yajl_val v = z ? yajl_tree_parse(z, NULL, 0) : NULL;
  awsc_free(z);
  return v;
}

/* ---------------- canonical XML (like ET.canonicalize(strip_text)) ---- */

typedef struct xcanon {
  awsc_buf out;
  awsc_buf text;
  int error;
} xcanon;

static void flush_text(xcanon *x) {
  awsc_sv t = awsc_sv_trim((awsc_sv){x->text.p ? x->text.p : "", x->text.len});
  if (t.n)
    awsc_buf_append(&x->out, t.p, t.n);
  awsc_buf_reset(&x->text);
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void XMLCALL x_start(void *ud, const XML_Char *name,
                            const XML_Char **atts) {
  xcanon *x = ud;
  flush_text(x);
  awsc_buf_printf(&x->out, "<%s", name);
  size_t n = 0;
  while (atts[2 * n])
    n++;
  char **pairs = calloc(n + 1, sizeof *pairs);
  for (size_t i = 0; i < n; i++) {
    awsc_buf p = AWSC_BUF_INIT;
    awsc_buf_printf(&p, "%s=\"%s\"", atts[2 * i], atts[2 * i + 1]);
    pairs[i] = awsc_buf_detach(&p);
  }
  qsort(pairs, n, sizeof *pairs, cmp_str);
  for (size_t i = 0; i < n; i++) {
    awsc_buf_printf(&x->out, " %s", pairs[i]);
    awsc_free(pairs[i]);
  }
  free(pairs);
  awsc_buf_putc(&x->out, '>');
}

static void XMLCALL x_end(void *ud, const XML_Char *name) {
  xcanon *x = ud;
  flush_text(x);
  awsc_buf_printf(&x->out, "</%s>", name);
}

static void XMLCALL x_chars(void *ud, const XML_Char *s, int len) {
  xcanon *x = ud;
  awsc_buf_append(&x->text, s, (size_t)len);
}

/* Returns a malloc'd canonical string, or NULL when not well-formed. */
static char *xml_canon(const char *s, size_t n) {
  XML_Parser p = XML_ParserCreateNS(NULL, '|');
  XML_SetReturnNSTriplet(p, 1);
  xcanon x = {AWSC_BUF_INIT, AWSC_BUF_INIT, 0};
  XML_SetUserData(p, &x);
  XML_SetElementHandler(p, x_start, x_end);
  XML_SetCharacterDataHandler(p, x_chars);
  int ok = XML_Parse(p, s, (int)n, 1) == XML_STATUS_OK;
  XML_ParserFree(p);
  awsc_buf_free(&x.text);
  if (!ok) {
    awsc_buf_free(&x.out);
    return NULL;
  }
  return x.out.p ? awsc_buf_detach(&x.out) : awsc_strdup("");
}

/* ---------------- query strings ---------------- */

typedef struct qpair {
  char *k;
  char *v; /* NULL: bare key */
} qpair;

static char *decode(const char *s, size_t n) {
  awsc_buf b = AWSC_BUF_INIT;
  if (awsc_uri_decode(&b, s, n, false) || awsc_buf_reserve(&b, 1)) {
    awsc_buf_free(&b);
    return awsc_strndup(s, n);
  }
  return awsc_buf_detach(&b);
}

static size_t parse_query(const char *q, qpair **out) {
  size_t cap = 8, n = 0;
  qpair *v = calloc(cap, sizeof *v);
  const char *p = q;
  while (*p) {
    const char *amp = strchr(p, '&');
    const char *end = amp ? amp : p + strlen(p);
    if (end > p) {
      const char *eq = memchr(p, '=', (size_t)(end - p));
      if (n == cap)
        v = realloc(v, (cap *= 2) * sizeof *v);
      v[n].k = decode(p, (size_t)((eq ? eq : end) - p));
      v[n].v = eq ? decode(eq + 1, (size_t)(end - eq - 1)) : NULL;
      n++;
    }
    p = amp ? amp + 1 : end;
  }
  *out = v;
  return n;
}

static int cmp_qpair(const void *a, const void *b) {
  const qpair *x = a, *y = b;
  int c = strcmp(x->k, y->k);
  if (c)
    return c;
  if (!x->v || !y->v)
    return (x->v != NULL) - (y->v != NULL);
  return strcmp(x->v, y->v);
}

static void free_pairs(qpair *v, size_t n) {
  for (size_t i = 0; i < n; i++) {
    awsc_free(v[i].k);
    awsc_free(v[i].v);
  }
  free(v);
}

/* ---------------- ignore list ---------------- */

typedef struct ignore {
  const awsc_jnode *lists[4]; /* general suites, cases; proto suites, cases */
} ignore;

static bool in_list(const awsc_jnode *arr, const char *s) {
  if (!arr || !s || arr->type != AWSC_J_ARRAY)
    return false;
  for (size_t i = 0; i < arr->count; i++)
    if (arr->items[i]->type == AWSC_J_STRING &&
        strcmp(arr->items[i]->s, s) == 0)
      return true;
  return false;
}

/* botocore's _should_ignore_test for test_type "input". */
static const char *ignored(const ignore *ig, const char *suite,
                           const char *id) {
  if (in_list(ig->lists[0], suite))
    return "ignore list: general input suite";
  if (in_list(ig->lists[1], id))
    return "ignore list: general input case";
  if (in_list(ig->lists[2], suite))
    return "ignore list: protocol input suite";
  if (in_list(ig->lists[3], id))
    return "ignore list: protocol input case";
  return NULL;
}

/* ---------------- one case ---------------- */

typedef struct suite_ctx {
  const char *basename;
  const char *protocol;
  const char *metadata_json;
  size_t metadata_len;
  const char *shapes_json;
  size_t shapes_len;
  const awsc_jnode *suite;
} suite_ctx;

static awsc_buf failmsg;

static void failf(const char *fmt, ...) AWSC_PRINTF(1, 2);
static void failf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  awsc_buf_puts(&failmsg, "    ");
  awsc_buf_vprintf(&failmsg, fmt, ap);
  awsc_buf_putc(&failmsg, '\n');
  va_end(ap);
}

static const char *find_header(const awsc_serialized_request *r,
                               const char *name) {
  for (size_t i = 0; i < r->header_count; i++)
    if (strcasecmp(r->headers[i].name, name) == 0)
      return r->headers[i].value;
  return NULL;
}

/* Header members of list type (their expected values are normalized). */
static const awsc_member *list_header_member(const awsc_operation *op,
                                             const char *name) {
  const awsc_shape *in = op->input;
  if (!in || in->type != AWSC_SHAPE_STRUCTURE)
    return NULL;
  for (uint32_t i = 0; i < in->member_count; i++) {
    const awsc_member *m = &in->members[i];
    if (m->location == AWSC_LOC_HEADER && m->location_name &&
        m->shape->type == AWSC_SHAPE_LIST &&
        strcasecmp(m->location_name, name) == 0)
      return m;
  }
  return NULL;
}

static char *replace_comma_space(const char *s) {
  awsc_buf b = AWSC_BUF_INIT;
  awsc_buf_reserve(&b, strlen(s) + 1);
  for (const char *p = s; *p; p++) {
    if (p[0] == ',' && p[1] == ' ') {
      awsc_buf_putc(&b, ',');
      p++;
    } else {
      awsc_buf_putc(&b, *p);
    }
  }
  return awsc_buf_detach(&b);
}

static void compare_headers(const suite_ctx *s, const awsc_operation *op,
                            const awsc_serialized_request *r,
                            const awsc_jnode *ser) {
  const awsc_jnode *hdrs = awsc_jtree_get(ser, "headers");
  for (size_t i = 0; hdrs && i < hdrs->count; i++) {
    const char *name = hdrs->members[i].key;
    const awsc_jnode *ev = hdrs->members[i].value;
    if (ev->type != AWSC_J_STRING)
      continue;
    char *expected = awsc_strdup(ev->s);
    bool is_ct = strcasecmp(name, "Content-Type") == 0;
    if (is_ct &&
        (strcmp(s->protocol, "query") == 0 ||
         strcmp(s->protocol, "ec2") == 0) &&
        !strstr(expected, "charset=utf-8")) {
      awsc_buf b = AWSC_BUF_INIT;
      awsc_buf_printf(&b, "%s; charset=utf-8", expected);
      awsc_free(expected);
      expected = awsc_buf_detach(&b);
    }
    if (is_ct && strcmp(s->protocol, "rest-xml") == 0) {
      awsc_free(expected);
      continue;
    }
    if (is_ct && strcmp(s->protocol, "rest-json") == 0 &&
        strcmp(expected, "application/json") != 0) {
      awsc_free(expected);
      continue;
    }
    const char *actual = find_header(r, name);
    char *actual_norm = actual ? awsc_strdup(actual) : NULL;
    const awsc_member *lm = list_header_member(op, name);
    if (lm) {
      char *e2 = replace_comma_space(expected);
      awsc_free(expected);
      expected = e2;
      if (actual_norm &&
          lm->shape->list_member->shape->type == AWSC_SHAPE_TIMESTAMP) {
        char *a2 = replace_comma_space(actual_norm);
        awsc_free(actual_norm);
        actual_norm = a2;
      }
    }
    if (!actual_norm)
      failf("header %s missing (expected \"%s\")", name, expected);
    else if (strcmp(actual_norm, expected) != 0)
      failf("header %s: \"%s\" != expected \"%s\"", name, actual_norm,
            expected);
    awsc_free(expected);
    awsc_free(actual_norm);
  }
  const awsc_jnode *forbid = awsc_jtree_get(ser, "forbidHeaders");
  for (size_t i = 0; forbid && i < forbid->count; i++)
    if (forbid->items[i]->type == AWSC_J_STRING &&
        find_header(r, forbid->items[i]->s))
      failf("forbidden header %s present", forbid->items[i]->s);
  const awsc_jnode *req = awsc_jtree_get(ser, "requireHeaders");
  for (size_t i = 0; req && i < req->count; i++) {
    if (req->items[i]->type != AWSC_J_STRING)
      continue;
    /* Content-Length is the transport's job (it knows the body length);
     * a serialized request "has" it when it has a body. */
    if (strcasecmp(req->items[i]->s, "Content-Length") == 0 &&
        (r->body_len > 0 || r->payload_stream))
      continue;
    if (!find_header(r, req->items[i]->s))
      failf("required header %s absent", req->items[i]->s);
  }
}

static void compare_uri(const awsc_serialized_request *r, const char *uri) {
  const char *q = strchr(uri, '?');
  size_t plen = q ? (size_t)(q - uri) : strlen(uri);
  if (strlen(r->path) != plen || strncmp(r->path, uri, plen) != 0)
    failf("path \"%s\" != expected \"%.*s\"", r->path, (int)plen, uri);
  qpair *exp = NULL;
  size_t ne = parse_query(q ? q + 1 : "", &exp);
  qpair *act = calloc(r->query_count + 1, sizeof *act);
  for (size_t i = 0; i < r->query_count; i++) {
    act[i].k = awsc_strdup(r->query[i].name);
    act[i].v = r->query[i].value ? awsc_strdup(r->query[i].value) : NULL;
  }
  size_t na = r->query_count;
  qsort(exp, ne, sizeof *exp, cmp_qpair);
  qsort(act, na, sizeof *act, cmp_qpair);
  bool same = ne == na;
  for (size_t i = 0; same && i < ne; i++)
    same = cmp_qpair(&exp[i], &act[i]) == 0;
  if (!same) {
    awsc_buf a = AWSC_BUF_INIT;
    for (size_t i = 0; i < na; i++)
      awsc_buf_printf(&a, "%s%s%s%s", i ? "&" : "", act[i].k,
                      act[i].v ? "=" : "", act[i].v ? act[i].v : "");
    failf("query (decoded, sorted) \"%s\" != expected \"%s\"", a.p ? a.p : "",
          q ? q + 1 : "");
    awsc_buf_free(&a);
  }
  free_pairs(exp, ne);
  free_pairs(act, na);
}

static void compare_body(const suite_ctx *s, const awsc_serialized_request *r,
                         const awsc_jnode *ebody) {
  const char *actual = r->body ? r->body : "";
  size_t alen = r->body_len;
  const char *expected = ebody->s;
  size_t elen = ebody->n;
  bool is_json =
      strcmp(s->protocol, "json") == 0 || strcmp(s->protocol, "rest-json") == 0;
  if (is_json) {
    yajl_val ja = json_parse(actual, alen);
    yajl_val je = json_parse(expected, elen);
    if (ja && je) {
      if (!json_equal(ja, je))
        failf("JSON body %.*s != expected %.*s", (int)alen, actual, (int)elen,
              expected);
    } else if (strcmp(s->protocol, "json") == 0 && je) {
      failf("body is not JSON: \"%.*s\"", (int)alen, actual);
    } else if (alen != elen || memcmp(actual, expected, alen) != 0) {
      failf("body \"%.*s\" != expected \"%.*s\"", (int)alen, actual, (int)elen,
            expected);
    }
    yajl_tree_free(ja);
    yajl_tree_free(je);
    return;
  }
  if (strcmp(s->protocol, "rest-xml") == 0) {
    char *ca = xml_canon(actual, alen);
    char *ce = xml_canon(expected, elen);
    if (ca && ce) {
      if (strcmp(ca, ce) != 0)
        failf("XML body (canonical) %s != expected %s", ca, ce);
    } else if (alen != elen || memcmp(actual, expected, alen) != 0) {
      failf("body \"%.*s\" != expected \"%.*s\"", (int)alen, actual, (int)elen,
            expected);
    }
    awsc_free(ca);
    awsc_free(ce);
    return;
  }
  if (alen != elen || memcmp(actual, expected, alen) != 0)
    failf("body \"%.*s\" != expected \"%.*s\"", (int)alen, actual, (int)elen,
          expected);
}

static void compare_host(const suite_ctx *s, const awsc_serialized_request *r,
                         const char *host) {
  const char *ep = awsc_jtree_get_str(s->suite, "clientEndpoint");
  if (!ep) {
    failf("expected host %s but the suite has no clientEndpoint", host);
    return;
  }
  const char *netloc = strstr(ep, "://");
  netloc = netloc ? netloc + 3 : ep;
  size_t nl = strcspn(netloc, "/?#");
  awsc_buf b = AWSC_BUF_INIT;
  awsc_buf_printf(&b, "%s%.*s", r->host_prefix ? r->host_prefix : "", (int)nl,
                  netloc);
  if (strcmp(b.p, host) != 0)
    failf("host \"%s\" != expected \"%s\"", b.p, host);
  awsc_buf_free(&b);
}

static void run_case(const suite_ctx *s, const ignore *ig, const awsc_jnode *c,
                     size_t suite_no, size_t case_no) {
  const char *suite_desc = awsc_jtree_get_str(s->suite, "description");
  const char *id = awsc_jtree_get_str(c, "id");
  char label[512];
  snprintf(label, sizeof label, "%s (%zu:%zu) %s", id ? id : "-", suite_no,
           case_no, suite_desc ? suite_desc : "");
  const awsc_jnode *params = awsc_jtree_get(c, "params");
  if (!params) {
    /* botocore's runner only yields input cases that have params */
    n_skip++;
    printf("skip %s: no params (botocore does not run it)\n", label);
    return;
  }
  const char *why = ignored(ig, suite_desc, id);
  if (why && !getenv("AWSC_RUN_IGNORED")) {
    n_skip++;
    printf("skip %s: %s\n", label, why);
    return;
  }
  awsc_buf_reset(&failmsg);
  awsc_buf given = AWSC_BUF_INIT, pjson = AWSC_BUF_INIT;
  const awsc_jnode *g = awsc_jtree_get(c, "given");
  emit_json(&given, g);
  emit_json(&pjson, params);
  const char *gp = given.p;
  size_t gl = given.len;
  awsc_arena *arena = awsc_arena_new(0);
  awsc_service *svc = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  int rc =
      awsc_service_from_parts(&svc, arena, s->metadata_json, s->metadata_len,
                              s->shapes_json, s->shapes_len, &gp, &gl, 1, &err);
  const awsc_operation *op = NULL;
  awsc_value input = {0};
  awsc_serialized_request req;
  if (rc) {
    failf("model: %s", err.message);
    goto done;
  }
  op = awsc_service_find_operation(svc, awsc_jtree_get_str(g, "name"));
  if (!op) {
    failf("operation %s not found", awsc_jtree_get_str(g, "name"));
    goto done;
  }
  /* botocore's runner calls the serializer without its validator; we
   * validate (every suite value passes) unless AWSC_NO_VALIDATE is set. */
  rc = awsc_value_from_json_ex(
      &input, arena, op->input, pjson.p, pjson.len,
      getenv("AWSC_NO_VALIDATE") ? AWSC_VJ_NO_VALIDATE : 0, &err);
  if (rc) {
    failf("params: %s", err.message);
    goto done;
  }
  rc = awsc_protocol_serialize(svc, op, &input, arena, &req, &err);
  if (rc) {
    failf("serialize: %s", err.message);
    goto done;
  }
  if (getenv("AWSC_DUMP")) {
    printf("---- %s\n%s %s", label, req.method, req.path);
    for (size_t i = 0; i < req.query_count; i++)
      printf("%s%s%s%s", i ? "&" : "?", req.query[i].name,
             req.query[i].value ? "=" : "",
             req.query[i].value ? req.query[i].value : "");
    printf("\n");
    for (size_t i = 0; i < req.header_count; i++)
      printf("%s: %s\n", req.headers[i].name, req.headers[i].value);
    printf("host_prefix: %s\n%.*s\n", req.host_prefix ? req.host_prefix : "",
           (int)req.body_len, req.body ? req.body : "");
  }
  if (getenv("AWSC_DUMP_JSON")) {
    /* one JSON line per case, for differential checks against botocore */
    awsc_buf d = AWSC_BUF_INIT;
    awsc_buf_printf(&d, "{\"suite\":%zu,\"case\":%zu,\"method\":", suite_no,
                    case_no);
    awsc_json_put_string(&d, req.method, strlen(req.method));
    awsc_buf_puts(&d, ",\"path\":");
    awsc_json_put_string(&d, req.path, strlen(req.path));
    awsc_buf_puts(&d, ",\"query\":[");
    for (size_t i = 0; i < req.query_count; i++) {
      awsc_buf_puts(&d, i ? ",[" : "[");
      awsc_json_put_string(&d, req.query[i].name, strlen(req.query[i].name));
      awsc_buf_putc(&d, ',');
      if (req.query[i].value)
        awsc_json_put_string(&d, req.query[i].value,
                             strlen(req.query[i].value));
      else
        awsc_buf_puts(&d, "null");
      awsc_buf_putc(&d, ']');
    }
    awsc_buf_puts(&d, "],\"headers\":[");
    for (size_t i = 0; i < req.header_count; i++) {
      awsc_buf_puts(&d, i ? ",[" : "[");
      awsc_json_put_string(&d, req.headers[i].name,
                           strlen(req.headers[i].name));
      awsc_buf_putc(&d, ',');
      awsc_json_put_string(&d, req.headers[i].value,
                           strlen(req.headers[i].value));
      awsc_buf_putc(&d, ']');
    }
    awsc_buf_puts(&d, "],\"host_prefix\":");
    if (req.host_prefix)
      awsc_json_put_string(&d, req.host_prefix, strlen(req.host_prefix));
    else
      awsc_buf_puts(&d, "null");
    awsc_buf_puts(&d, ",\"body\":");
    awsc_json_put_string(&d, req.body ? req.body : "", req.body_len);
    awsc_buf_puts(&d, "}");
    printf("DUMP %s\n", d.p);
    awsc_buf_free(&d);
  }
  const awsc_jnode *ser = awsc_jtree_get(c, "serialized");
  const char *method = awsc_jtree_get_str(ser, "method");
  if (method && strcmp(method, req.method) != 0)
    failf("method %s != expected %s", req.method, method);
  const char *uri = awsc_jtree_get_str(ser, "uri");
  compare_uri(&req, uri ? uri : "");
  compare_headers(s, op, &req, ser);
  const awsc_jnode *body = awsc_jtree_get(ser, "body");
  if (body && body->type == AWSC_J_STRING)
    compare_body(s, &req, body);
  const char *host = awsc_jtree_get_str(ser, "host");
  if (host)
    compare_host(s, &req, host);
done:
  if (failmsg.len) {
    n_fail++;
    printf("FAIL %s\n%s", label, failmsg.p);
  } else {
    n_pass++;
    if (getenv("AWSC_VERBOSE"))
      printf("ok   %s\n", label);
  }
  awsc_arena_free(arena);
  awsc_buf_free(&given);
  awsc_buf_free(&pjson);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s <suite.json> <ignore-list.json>\n", argv[0]);
    return 2;
  }
  size_t len, ilen;
  char *text = slurp(argv[1], &len);
  char *itext = slurp(argv[2], &ilen);
  if (!text || !itext) {
    fprintf(stderr, "cannot read %s or %s\n", argv[1], argv[2]);
    return 2;
  }
  awsc_arena *arena = awsc_arena_new(1 << 20);
  awsc_jnode *root = NULL, *iroot = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  if (awsc_jtree_parse(&root, arena, text, len, 0, &err) ||
      awsc_jtree_parse(&iroot, arena, itext, ilen, 0, &err) ||
      root->type != AWSC_J_ARRAY) {
    fprintf(stderr, "bad test file: %s\n", err.message);
    return 2;
  }
  /* ignore-list key: the file's basename without ".json" */
  const char *base = strrchr(argv[1], '/');
  base = base ? base + 1 : argv[1];
  char key[128];
  snprintf(key, sizeof key, "%.*s", (int)(strcspn(base, ".")), base);
  const awsc_jnode *gen =
      awsc_jtree_get(awsc_jtree_get(iroot, "general"), "input");
  const awsc_jnode *pro = awsc_jtree_get(
      awsc_jtree_get(awsc_jtree_get(iroot, "protocols"), key), "input");
  ignore ig = {{awsc_jtree_get(gen, "suites"), awsc_jtree_get(gen, "cases"),
                awsc_jtree_get(pro, "suites"), awsc_jtree_get(pro, "cases")}};

  for (size_t i = 0; i < root->count; i++) {
    const awsc_jnode *suite = root->items[i];
    awsc_buf meta = AWSC_BUF_INIT, shapes = AWSC_BUF_INIT;
    const awsc_jnode *m = awsc_jtree_get(suite, "metadata");
    emit_json(&meta, m);
    emit_json(&shapes, awsc_jtree_get(suite, "shapes"));
    suite_ctx s = {base,     awsc_jtree_get_str(m, "protocol"),
                   meta.p,   meta.len,
                   shapes.p, shapes.len,
                   suite};
    if (!s.protocol)
      s.protocol = "?";
    const awsc_jnode *cases = awsc_jtree_get(suite, "cases");
    for (size_t k = 0; cases && k < cases->count; k++)
      run_case(&s, &ig, cases->items[k], i, k);
    awsc_buf_free(&meta);
    awsc_buf_free(&shapes);
  }
  printf("%s: %d passed, %d failed, %d skipped\n", argv[1], n_pass, n_fail,
         n_skip);
  awsc_buf_free(&failmsg);
  awsc_arena_free(arena);
  awsc_free(text);
  awsc_free(itext);
  return n_fail ? 1 : 0;
}
