/* lib/runtime/model_load.c - build descriptors at run time from a
 * botocore model (service-2.json, or the split parts the protocol test
 * suites carry). Every awsc_shape record is allocated before any is
 * filled, so references (recursive ones included) resolve by index. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "runtime/descriptor.h"
#include "runtime/jtree.h"

typedef struct loader {
  awsc_arena *arena; /* output: descriptors live here */
  awsc_arena *tmp;   /* parse trees and scratch */
  awsc_error *err;
  const awsc_jnode *shape_defs; /* the "shapes" object */
  awsc_shape *shapes;
  uint32_t shape_count;
  uint32_t *slots; /* open-addressing hash: shape index + 1 */
  uint32_t mask;
} loader;

static int oom(loader *L) {
  return awsc_error_set(L->err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                        "out of memory");
}

static int bad_model(loader *L, const char *what, const char *name) {
  return awsc_error_set(L->err, AWSC_EPARSE, AWSC_ERROR_PARSE,
                        "invalid model: %s%s%s%s", what, name ? " \"" : "",
                        name ? name : "", name ? "\"" : "");
}

/* Copy an optional string out of the parse tree into the output arena.
 * Sets *rc on allocation failure. */
static const char *dup_opt(loader *L, const char *s, int *rc) {
  if (!s)
    return NULL;
  const char *d = awsc_arena_strdup(L->arena, s);
  if (!d)
    *rc = AWSC_ENOMEM;
  return d;
}

static uint32_t hash_name(const char *s) {
  uint32_t h = 2166136261u;
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 16777619u;
  return h;
}

static awsc_shape *find_shape(const loader *L, const char *name) {
  if (!name || !L->slots)
    return NULL;
  uint32_t i = hash_name(name) & L->mask;
  for (;;) {
    uint32_t v = L->slots[i];
    if (!v)
      return NULL;
    if (strcmp(L->shapes[v - 1].name, name) == 0)
      return &L->shapes[v - 1];
    i = (i + 1) & L->mask;
  }
}

static const awsc_jnode *shape_def(const loader *L, const awsc_shape *s) {
  return L->shape_defs->members[s - L->shapes].value;
}

static int64_t num_i64(const awsc_jnode *n) {
  return awsc_jtree_as_i64(n);
}

static bool is_num(const awsc_jnode *n) {
  return n && (n->type == AWSC_J_INT || n->type == AWSC_J_DOUBLE);
}

static uint8_t parse_ts_format(const char *s) {
  if (!s)
    return AWSC_TS_DEFAULT;
  if (strcasecmp(s, "iso8601") == 0)
    return AWSC_TS_ISO8601;
  if (strcasecmp(s, "rfc822") == 0)
    return AWSC_TS_RFC822;
  if (strcasecmp(s, "unixTimestamp") == 0)
    return AWSC_TS_UNIX;
  return AWSC_TS_DEFAULT;
}

/* xmlNamespace is either "uri" or {"uri": .., "prefix": ..}. */
static void parse_ns(loader *L, const awsc_jnode *n, const char **uri,
                     const char **prefix, int *rc) {
  if (!n)
    return;
  if (n->type == AWSC_J_STRING) {
    *uri = dup_opt(L, n->s, rc);
    *prefix = NULL;
  } else if (n->type == AWSC_J_OBJECT) {
    *uri = dup_opt(L, awsc_jtree_get_str(n, "uri"), rc);
    *prefix = dup_opt(L, awsc_jtree_get_str(n, "prefix"), rc);
  }
}

static int parse_type(const char *t, bool document, uint8_t *out) {
  static const struct {
    const char *name;
    uint8_t type;
  } types[] = {
      {"structure", AWSC_SHAPE_STRUCTURE},
      {"list", AWSC_SHAPE_LIST},
      {"map", AWSC_SHAPE_MAP},
      {"string", AWSC_SHAPE_STRING},
      {"character", AWSC_SHAPE_STRING},
      {"integer", AWSC_SHAPE_INTEGER},
      {"byte", AWSC_SHAPE_INTEGER},
      {"short", AWSC_SHAPE_INTEGER},
      {"long", AWSC_SHAPE_LONG},
      {"bigInteger", AWSC_SHAPE_LONG},
      {"boolean", AWSC_SHAPE_BOOLEAN},
      {"float", AWSC_SHAPE_FLOAT},
      {"double", AWSC_SHAPE_DOUBLE},
      {"bigDecimal", AWSC_SHAPE_DOUBLE},
      {"timestamp", AWSC_SHAPE_TIMESTAMP},
      {"blob", AWSC_SHAPE_BLOB},
      {"document", AWSC_SHAPE_DOCUMENT},
  };
  if (!t)
    return -1;
  for (size_t i = 0; i < AWSC_ARRAY_LEN(types); i++) {
    if (strcmp(t, types[i].name) == 0) {
      *out = types[i].type;
      if (document && *out == AWSC_SHAPE_STRUCTURE)
        *out = AWSC_SHAPE_DOCUMENT;
      return 0;
    }
  }
  return -1;
}

/* A trait as botocore sees it on a member: the reference's own value,
 * else the target shape's. */
static const awsc_jnode *trait(const awsc_jnode *ref, const awsc_jnode *tdef,
                               const char *key) {
  const awsc_jnode *n = awsc_jtree_get(ref, key);
  return n ? n : awsc_jtree_get(tdef, key);
}

static bool trait_true(const awsc_jnode *ref, const awsc_jnode *tdef,
                       const char *key) {
  const awsc_jnode *n = trait(ref, tdef, key);
  return n && n->type == AWSC_J_BOOL && n->b;
}

static uint8_t parse_location(const char *s) {
  if (!s)
    return AWSC_LOC_BODY;
  if (strcmp(s, "uri") == 0)
    return AWSC_LOC_URI;
  if (strcmp(s, "querystring") == 0)
    return AWSC_LOC_QUERYSTRING;
  if (strcmp(s, "header") == 0)
    return AWSC_LOC_HEADER;
  if (strcmp(s, "headers") == 0)
    return AWSC_LOC_HEADERS;
  if (strcmp(s, "statusCode") == 0)
    return AWSC_LOC_STATUS_CODE;
  return AWSC_LOC_BODY;
}

static int fill_member(loader *L, awsc_member *m, const char *name,
                       const awsc_jnode *ref, const char *owner) {
  int rc = 0;
  const char *target = awsc_jtree_get_str(ref, "shape");
  awsc_shape *t = find_shape(L, target);
  if (!t)
    return bad_model(L, "unknown shape referenced from", owner);
  const awsc_jnode *tdef = shape_def(L, t);
  memset(m, 0, sizeof *m);
  m->name = name;
  m->shape = t;
  m->has_offset = UINT32_MAX;
  const awsc_jnode *n = trait(ref, tdef, "locationName");
  if (n && n->type == AWSC_J_STRING)
    m->location_name = dup_opt(L, n->s, &rc);
  n = trait(ref, tdef, "queryName");
  if (n && n->type == AWSC_J_STRING) {
    m->query_name = dup_opt(L, n->s, &rc);
    m->flags |= AWSC_MF_QUERY_NAME;
  }
  parse_ns(L, trait(ref, tdef, "xmlNamespace"), &m->xml_ns_uri,
           &m->xml_ns_prefix, &rc);
  n = trait(ref, tdef, "location");
  m->location = parse_location(n && n->type == AWSC_J_STRING ? n->s : NULL);
  n = trait(ref, tdef, "timestampFormat");
  m->timestamp_format =
      parse_ts_format(n && n->type == AWSC_J_STRING ? n->s : NULL);
  static const struct {
    const char *key;
    uint16_t flag;
  } bools[] = {
      {"xmlAttribute", AWSC_MF_XML_ATTRIBUTE},
      {"flattened", AWSC_MF_FLATTENED},
      {"streaming", AWSC_MF_STREAMING},
      {"idempotencyToken", AWSC_MF_IDEMPOTENCY_TOKEN},
      {"hostLabel", AWSC_MF_HOST_LABEL},
      {"jsonvalue", AWSC_MF_JSONVALUE},
      {"eventpayload", AWSC_MF_EVENT_PAYLOAD},
      {"eventheader", AWSC_MF_EVENT_HEADER},
      {"deprecated", AWSC_MF_DEPRECATED},
  };
  for (size_t i = 0; i < AWSC_ARRAY_LEN(bools); i++)
    if (trait_true(ref, tdef, bools[i].key))
      m->flags |= bools[i].flag;
  return rc ? oom(L) : 0;
}

static int fill_structure(loader *L, awsc_shape *s, const awsc_jnode *def) {
  const awsc_jnode *members = awsc_jtree_get(def, "members");
  s->payload_index = -1;
  if (members && members->type == AWSC_J_OBJECT && members->count) {
    awsc_member *arr = awsc_arena_calloc(L->arena, members->count, sizeof *arr);
    if (!arr)
      return oom(L);
    for (size_t i = 0; i < members->count; i++) {
      const char *mname = awsc_arena_strndup(L->arena, members->members[i].key,
                                             members->members[i].key_len);
      if (!mname)
        return oom(L);
      int rc =
          fill_member(L, &arr[i], mname, members->members[i].value, s->name);
      if (rc)
        return rc;
    }
    s->members = arr;
    s->member_count = (uint32_t)members->count;
  }
  const awsc_jnode *req = awsc_jtree_get(def, "required");
  if (req && req->type == AWSC_J_ARRAY) {
    for (size_t i = 0; i < req->count; i++) {
      const awsc_jnode *r = req->items[i];
      if (r->type != AWSC_J_STRING)
        continue;
      awsc_member *m = (awsc_member *)awsc_shape_find_member(s, r->s, r->n);
      if (m)
        m->flags |= AWSC_MF_REQUIRED;
    }
  }
  const char *payload = awsc_jtree_get_str(def, "payload");
  if (payload) {
    const awsc_member *m = awsc_shape_find_member(s, payload, strlen(payload));
    if (!m)
      return bad_model(L, "payload names no member in", s->name);
    s->payload_index = (int32_t)(m - s->members);
  }
  return 0;
}

static int fill_shape(loader *L, awsc_shape *s, const awsc_jnode *def) {
  int rc = 0;
  if (!def || def->type != AWSC_J_OBJECT)
    return bad_model(L, "shape is not an object:", s->name);
  if (parse_type(awsc_jtree_get_str(def, "type"),
                 awsc_jtree_get_bool(def, "document"), &s->type))
    return bad_model(L, "unknown type of shape", s->name);
  s->timestamp_format =
      parse_ts_format(awsc_jtree_get_str(def, "timestampFormat"));
  s->location_name = dup_opt(L, awsc_jtree_get_str(def, "locationName"), &rc);
  parse_ns(L, awsc_jtree_get(def, "xmlNamespace"), &s->xml_ns_uri,
           &s->xml_ns_prefix, &rc);
  static const struct {
    const char *key;
    uint16_t flag;
  } bools[] = {
      {"flattened", AWSC_SF_FLATTENED},
      {"exception", AWSC_SF_EXCEPTION},
      {"sensitive", AWSC_SF_SENSITIVE},
      {"union", AWSC_SF_UNION},
      {"eventstream", AWSC_SF_EVENTSTREAM},
      {"streaming", AWSC_SF_STREAMING},
      {"fault", AWSC_SF_FAULT},
      {"event", AWSC_SF_EVENT},
  };
  for (size_t i = 0; i < AWSC_ARRAY_LEN(bools); i++)
    if (awsc_jtree_get_bool(def, bools[i].key))
      s->flags |= bools[i].flag;
  const awsc_jnode *n = awsc_jtree_get(def, "min");
  if (is_num(n)) {
    s->flags |= AWSC_SF_HAS_MIN;
    s->min = num_i64(n);
  }
  n = awsc_jtree_get(def, "max");
  if (is_num(n)) {
    s->flags |= AWSC_SF_HAS_MAX;
    s->max = num_i64(n);
  }
  n = awsc_jtree_get(def, "enum");
  if (n && n->type == AWSC_J_ARRAY && n->count) {
    const char **vals = awsc_arena_calloc(L->arena, n->count, sizeof *vals);
    if (!vals)
      return oom(L);
    uint32_t k = 0;
    for (size_t i = 0; i < n->count; i++)
      if (n->items[i]->type == AWSC_J_STRING)
        vals[k++] = dup_opt(L, n->items[i]->s, &rc);
    s->enum_values = vals;
    s->enum_count = k;
  }
  n = awsc_jtree_get(def, "error");
  if (n && n->type == AWSC_J_OBJECT) {
    s->error_code = dup_opt(L, awsc_jtree_get_str(n, "code"), &rc);
    const awsc_jnode *st = awsc_jtree_get(n, "httpStatusCode");
    if (is_num(st))
      s->error_status = (int32_t)num_i64(st);
  }
  if (rc)
    return oom(L);
  s->payload_index = -1;
  switch (s->type) {
  case AWSC_SHAPE_STRUCTURE:
    return fill_structure(L, s, def);
  case AWSC_SHAPE_LIST: {
    const awsc_jnode *ref = awsc_jtree_get(def, "member");
    if (!ref)
      return bad_model(L, "list without member:", s->name);
    awsc_member *m = awsc_arena_alloc(L->arena, sizeof *m);
    if (!m)
      return oom(L);
    s->list_member = m;
    return fill_member(L, m, "member", ref, s->name);
  }
  case AWSC_SHAPE_MAP: {
    const awsc_jnode *kref = awsc_jtree_get(def, "key");
    const awsc_jnode *vref = awsc_jtree_get(def, "value");
    if (!kref || !vref)
      return bad_model(L, "map without key or value:", s->name);
    awsc_member *m = awsc_arena_alloc(L->arena, 2 * sizeof *m);
    if (!m)
      return oom(L);
    s->map_key = &m[0];
    s->map_value = &m[1];
    int rc2 = fill_member(L, &m[0], "key", kref, s->name);
    return rc2 ? rc2 : fill_member(L, &m[1], "value", vref, s->name);
  }
  default:
    return 0;
  }
}

static int load_shapes(loader *L, const awsc_jnode *shapes) {
  if (!shapes || shapes->type != AWSC_J_OBJECT)
    return bad_model(L, "no \"shapes\" object", NULL);
  L->shape_defs = shapes;
  L->shape_count = (uint32_t)shapes->count;
  if (!L->shape_count)
    return 0;
  L->shapes = awsc_arena_calloc(L->arena, L->shape_count, sizeof *L->shapes);
  uint32_t size = 16;
  while (size < 2 * L->shape_count)
    size *= 2;
  L->mask = size - 1;
  L->slots = awsc_arena_calloc(L->tmp, size, sizeof *L->slots);
  if (!L->shapes || !L->slots)
    return oom(L);
  for (uint32_t i = 0; i < L->shape_count; i++) {
    const awsc_jmember *jm = &shapes->members[i];
    const char *name = awsc_arena_strndup(L->arena, jm->key, jm->key_len);
    if (!name)
      return oom(L);
    L->shapes[i].name = name;
    L->shapes[i].payload_index = -1;
    uint32_t h = hash_name(name) & L->mask;
    while (L->slots[h]) {
      if (strcmp(L->shapes[L->slots[h] - 1].name, name) == 0)
        return bad_model(L, "duplicate shape", name);
      h = (h + 1) & L->mask;
    }
    L->slots[h] = i + 1;
  }
  for (uint32_t i = 0; i < L->shape_count; i++) {
    int rc = fill_shape(L, &L->shapes[i], shapes->members[i].value);
    if (rc)
      return rc;
  }
  return 0;
}

/* An operation's input/output reference: the shape itself, or a copy of
 * it when the reference carries serialization traits of its own. */
static int resolve_io_ref(loader *L, const awsc_jnode *ref, const char *op,
                          const awsc_shape **out) {
  *out = NULL;
  if (!ref)
    return 0;
  awsc_shape *t = find_shape(L, awsc_jtree_get_str(ref, "shape"));
  if (!t)
    return bad_model(L, "unknown input/output shape of operation", op);
  const char *ln = awsc_jtree_get_str(ref, "locationName");
  const awsc_jnode *ns = awsc_jtree_get(ref, "xmlNamespace");
  const char *payload = awsc_jtree_get_str(ref, "payload");
  if (!ln && !ns && !payload) {
    *out = t;
    return 0;
  }
  awsc_shape *c = awsc_arena_alloc(L->arena, sizeof *c);
  if (!c)
    return oom(L);
  *c = *t;
  int rc = 0;
  if (ln)
    c->location_name = dup_opt(L, ln, &rc);
  if (ns)
    parse_ns(L, ns, &c->xml_ns_uri, &c->xml_ns_prefix, &rc);
  if (rc)
    return oom(L);
  if (payload) {
    const awsc_member *m = awsc_shape_find_member(c, payload, strlen(payload));
    if (!m)
      return bad_model(L, "payload names no member in input of", op);
    c->payload_index = (int32_t)(m - c->members);
  }
  *out = c;
  return 0;
}

/* botocore's has_streaming_input/output: the payload member is a blob. */
static bool has_blob_payload(const awsc_shape *s) {
  return s && s->payload_index >= 0 &&
         s->members[s->payload_index].shape->type == AWSC_SHAPE_BLOB;
}

static bool has_eventstream_payload(const awsc_shape *s) {
  return s && s->payload_index >= 0 &&
         (s->members[s->payload_index].shape->flags & AWSC_SF_EVENTSTREAM);
}

static int str_list(loader *L, const awsc_jnode *arr, const char *const **out,
                    uint32_t *count) {
  *out = NULL;
  *count = 0;
  if (!arr || arr->type != AWSC_J_ARRAY || !arr->count)
    return 0;
  const char **v = awsc_arena_calloc(L->arena, arr->count, sizeof *v);
  if (!v)
    return oom(L);
  int rc = 0;
  uint32_t k = 0;
  for (size_t i = 0; i < arr->count; i++)
    if (arr->items[i]->type == AWSC_J_STRING)
      v[k++] = dup_opt(L, arr->items[i]->s, &rc);
  if (rc)
    return oom(L);
  *out = v;
  *count = k;
  return 0;
}

static int load_operation(loader *L, awsc_operation *op, const char *key,
                          const awsc_jnode *def) {
  int rc = 0;
  if (!def || def->type != AWSC_J_OBJECT)
    return bad_model(L, "operation is not an object:", key);
  const char *name = awsc_jtree_get_str(def, "name");
  if (!name)
    name = key;
  if (!name)
    return bad_model(L, "operation without a name", NULL);
  memset(op, 0, sizeof *op);
  op->name = dup_opt(L, name, &rc);
  op->py_name = op->name ? awsc_xform_name(L->arena, op->name) : NULL;
  if (!op->name || !op->py_name)
    return oom(L);
  const awsc_jnode *http = awsc_jtree_get(def, "http");
  const char *method = awsc_jtree_get_str(http, "method");
  const char *uri = awsc_jtree_get_str(http, "requestUri");
  op->http_method = dup_opt(L, method ? method : "POST", &rc);
  op->request_uri = dup_opt(L, uri ? uri : "/", &rc);
  const awsc_jnode *code = awsc_jtree_get(http, "responseCode");
  if (is_num(code))
    op->response_code = (int32_t)num_i64(code);
  if ((rc = resolve_io_ref(L, awsc_jtree_get(def, "input"), name, &op->input)))
    return rc;
  const awsc_jnode *oref = awsc_jtree_get(def, "output");
  if ((rc = resolve_io_ref(L, oref, name, &op->output)))
    return rc;
  op->result_wrapper =
      dup_opt(L, awsc_jtree_get_str(oref, "resultWrapper"), &rc);
  const awsc_jnode *errs = awsc_jtree_get(def, "errors");
  if (errs && errs->type == AWSC_J_ARRAY && errs->count) {
    const awsc_shape **e = awsc_arena_calloc(L->arena, errs->count, sizeof *e);
    if (!e)
      return oom(L);
    for (size_t i = 0; i < errs->count; i++) {
      e[i] = find_shape(L, awsc_jtree_get_str(errs->items[i], "shape"));
      if (!e[i])
        return bad_model(L, "unknown error shape of operation", name);
    }
    op->errors = e;
    op->error_count = (uint32_t)errs->count;
  }
  op->host_prefix = dup_opt(
      L, awsc_jtree_get_str(awsc_jtree_get(def, "endpoint"), "hostPrefix"),
      &rc);
  if (awsc_jtree_get_bool(def, "httpChecksumRequired"))
    op->flags |= AWSC_OF_CHECKSUM_REQUIRED;
  const awsc_jnode *hc = awsc_jtree_get(def, "httpChecksum");
  if (hc) {
    if (awsc_jtree_get_bool(hc, "requestChecksumRequired"))
      op->flags |= AWSC_OF_CHECKSUM_REQUIRED;
    op->checksum_algorithm_member =
        dup_opt(L, awsc_jtree_get_str(hc, "requestAlgorithmMember"), &rc);
    op->checksum_validation_member =
        dup_opt(L, awsc_jtree_get_str(hc, "requestValidationModeMember"), &rc);
    int r2 = str_list(L, awsc_jtree_get(hc, "responseAlgorithms"),
                      &op->response_checksum_algorithms,
                      &op->response_checksum_algorithm_count);
    if (r2)
      return r2;
  }
  const char *authtype = awsc_jtree_get_str(def, "authtype");
  if (authtype && strcmp(authtype, "v4-unsigned-body") == 0)
    op->flags |= AWSC_OF_UNSIGNED_PAYLOAD;
  if (authtype && strcmp(authtype, "none") == 0)
    op->flags |= AWSC_OF_NO_AUTH;
  const awsc_jnode *auth = awsc_jtree_get(def, "auth");
  if (auth && auth->type == AWSC_J_ARRAY && auth->count == 1 &&
      auth->items[0]->type == AWSC_J_STRING &&
      strcmp(auth->items[0]->s, "smithy.api#noAuth") == 0)
    op->flags |= AWSC_OF_NO_AUTH;
  if (awsc_jtree_get_bool(def, "unsignedPayload"))
    op->flags |= AWSC_OF_UNSIGNED_PAYLOAD;
  if (awsc_jtree_get_bool(def, "deprecated"))
    op->flags |= AWSC_OF_DEPRECATED;
  if (has_blob_payload(op->input) || has_eventstream_payload(op->input))
    op->flags |= AWSC_OF_HAS_STREAMING_INPUT;
  if (has_blob_payload(op->output) || has_eventstream_payload(op->output))
    op->flags |= AWSC_OF_HAS_STREAMING_OUTPUT;

  const awsc_jnode *scp = awsc_jtree_get(def, "staticContextParams");
  if (scp && scp->type == AWSC_J_OBJECT && scp->count) {
    awsc_static_context_param *p =
        awsc_arena_calloc(L->arena, scp->count, sizeof *p);
    if (!p)
      return oom(L);
    for (size_t i = 0; i < scp->count; i++) {
      p[i].name = dup_opt(L, scp->members[i].key, &rc);
      p[i].bool_value = -1;
      const awsc_jnode *v = awsc_jtree_get(scp->members[i].value, "value");
      if (v && v->type == AWSC_J_BOOL)
        p[i].bool_value = v->b ? 1 : 0;
      else if (v && v->type == AWSC_J_STRING)
        p[i].string_value = dup_opt(L, v->s, &rc);
    }
    op->static_context_params = p;
    op->static_context_param_count = (uint32_t)scp->count;
  }

  /* contextParam lives on the input shape's member references. */
  if (op->input && op->input->type == AWSC_SHAPE_STRUCTURE) {
    const awsc_jnode *idef = shape_def(L, find_shape(L, op->input->name));
    const awsc_jnode *members = awsc_jtree_get(idef, "members");
    uint32_t k = 0;
    for (size_t i = 0; members && i < members->count; i++)
      if (awsc_jtree_get(members->members[i].value, "contextParam"))
        k++;
    if (k) {
      awsc_context_param *p = awsc_arena_calloc(L->arena, k, sizeof *p);
      if (!p)
        return oom(L);
      k = 0;
      for (size_t i = 0; i < members->count; i++) {
        const awsc_jnode *cp =
            awsc_jtree_get(members->members[i].value, "contextParam");
        if (!cp)
          continue;
        p[k].name = dup_opt(L, awsc_jtree_get_str(cp, "name"), &rc);
        p[k].member = op->input->members[i].name;
        k++;
      }
      op->context_params = p;
      op->context_param_count = k;
    }
  }
  return rc ? oom(L) : 0;
}

static int cmp_op_name(const void *a, const void *b) {
  return strcmp(((const awsc_operation *)a)->name,
                ((const awsc_operation *)b)->name);
}

static int cmp_op_py(const void *a, const void *b) {
  return strcmp((*(const awsc_operation *const *)a)->py_name,
                (*(const awsc_operation *const *)b)->py_name);
}

static const char *const protocol_names[] = {
    [AWSC_PROTO_QUERY] = "query",         [AWSC_PROTO_EC2] = "ec2",
    [AWSC_PROTO_REST_XML] = "rest-xml",   [AWSC_PROTO_JSON] = "json",
    [AWSC_PROTO_REST_JSON] = "rest-json",
};

static int protocol_from_name(const char *s) {
  for (size_t i = 0; s && i < AWSC_ARRAY_LEN(protocol_names); i++)
    if (strcmp(s, protocol_names[i]) == 0)
      return (int)i;
  return -1;
}

static int load_metadata(loader *L, awsc_service *svc, const awsc_jnode *meta) {
  int rc = 0;
  if (!meta || meta->type != AWSC_J_OBJECT)
    return bad_model(L, "no \"metadata\" object", NULL);
  /* botocore picks from "protocols" in its priority order and falls back
   * to the legacy "protocol". */
  static const uint8_t priority[] = {AWSC_PROTO_JSON, AWSC_PROTO_REST_JSON,
                                     AWSC_PROTO_REST_XML, AWSC_PROTO_QUERY,
                                     AWSC_PROTO_EC2};
  int proto = -1;
  const awsc_jnode *protos = awsc_jtree_get(meta, "protocols");
  if (protos && protos->type == AWSC_J_ARRAY) {
    for (size_t p = 0; p < AWSC_ARRAY_LEN(priority) && proto < 0; p++)
      for (size_t i = 0; i < protos->count; i++)
        if (protos->items[i]->type == AWSC_J_STRING &&
            protocol_from_name(protos->items[i]->s) == priority[p]) {
          proto = priority[p];
          break;
        }
  }
  if (proto < 0)
    proto = protocol_from_name(awsc_jtree_get_str(meta, "protocol"));
  if (proto < 0)
    return bad_model(L, "unsupported or missing protocol", NULL);
  svc->protocol = (uint8_t)proto;
  svc->service_id = dup_opt(L, awsc_jtree_get_str(meta, "serviceId"), &rc);
  svc->api_version = dup_opt(L, awsc_jtree_get_str(meta, "apiVersion"), &rc);
  svc->json_version = dup_opt(L, awsc_jtree_get_str(meta, "jsonVersion"), &rc);
  svc->target_prefix =
      dup_opt(L, awsc_jtree_get_str(meta, "targetPrefix"), &rc);
  svc->xml_namespace =
      dup_opt(L, awsc_jtree_get_str(meta, "xmlNamespace"), &rc);
  svc->endpoint_prefix =
      dup_opt(L, awsc_jtree_get_str(meta, "endpointPrefix"), &rc);
  const char *sn = awsc_jtree_get_str(meta, "signingName");
  svc->signing_name = sn ? dup_opt(L, sn, &rc) : svc->endpoint_prefix;
  svc->global_endpoint =
      dup_opt(L, awsc_jtree_get_str(meta, "globalEndpoint"), &rc);
  svc->aws_query_compatible =
      awsc_jtree_get(meta, "awsQueryCompatible") != NULL;
  return rc ? oom(L) : 0;
}

/* Shared tail: operations from (key, def) pairs. */
static int finish_service(loader *L, awsc_service *svc, const awsc_jmember *ops,
                          size_t n_ops) {
  if (n_ops) {
    awsc_operation *arr = awsc_arena_calloc(L->arena, n_ops, sizeof *arr);
    const awsc_operation **by_py =
        awsc_arena_calloc(L->arena, n_ops, sizeof *by_py);
    if (!arr || !by_py)
      return oom(L);
    for (size_t i = 0; i < n_ops; i++) {
      int rc = load_operation(L, &arr[i], ops[i].key, ops[i].value);
      if (rc)
        return rc;
    }
    qsort(arr, n_ops, sizeof *arr, cmp_op_name);
    for (size_t i = 0; i < n_ops; i++)
      by_py[i] = &arr[i];
    qsort(by_py, n_ops, sizeof *by_py, cmp_op_py);
    svc->operations = arr;
    svc->operations_by_py_name = by_py;
    svc->operation_count = (uint32_t)n_ops;
  }
  return 0;
}

static int begin(loader *L, awsc_service **out, awsc_arena *arena,
                 awsc_error *err) {
  memset(L, 0, sizeof *L);
  L->arena = arena;
  L->err = err;
  *out = NULL;
  if (!arena)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_INTERNAL,
                          "no arena given");
  /* The parse tree is scratch: big blocks, freed at the end. */
  L->tmp = awsc_arena_new(256 * 1024);
  if (!L->tmp)
    return oom(L);
  return 0;
}

int awsc_service_from_json(awsc_service **out, awsc_arena *arena,
                           const char *json, size_t len, awsc_error *err) {
  loader L;
  int rc = begin(&L, out, arena, err);
  if (rc)
    return rc;
  awsc_jnode *root = NULL;
  awsc_service *svc = NULL;
  rc = awsc_jtree_parse(&root, L.tmp, json, len,
                        AWSC_JPARSE_SKIP_DOCS | AWSC_JPARSE_NO_UTF8_CHECK, err);
  if (rc)
    goto done;
  if (root->type != AWSC_J_OBJECT) {
    rc = bad_model(&L, "top level is not an object", NULL);
    goto done;
  }
  svc = awsc_arena_calloc(arena, 1, sizeof *svc);
  if (!svc) {
    rc = oom(&L);
    goto done;
  }
  if ((rc = load_metadata(&L, svc, awsc_jtree_get(root, "metadata"))))
    goto done;
  if ((rc = load_shapes(&L, awsc_jtree_get(root, "shapes"))))
    goto done;
  const awsc_jnode *ops = awsc_jtree_get(root, "operations");
  if (ops && ops->type != AWSC_J_OBJECT) {
    rc = bad_model(&L, "\"operations\" is not an object", NULL);
    goto done;
  }
  rc = finish_service(&L, svc, ops ? ops->members : NULL, ops ? ops->count : 0);
done:
  awsc_arena_free(L.tmp);
  if (rc == 0)
    *out = svc;
  return rc;
}

int awsc_service_from_parts(awsc_service **out, awsc_arena *arena,
                            const char *metadata_json, size_t metadata_len,
                            const char *shapes_json, size_t shapes_len,
                            const char *const *operation_jsons,
                            const size_t *operation_lens, size_t n_operations,
                            awsc_error *err) {
  loader L;
  int rc = begin(&L, out, arena, err);
  if (rc)
    return rc;
  awsc_jnode *meta = NULL, *shapes = NULL;
  awsc_service *svc = NULL;
  awsc_jmember *ops = NULL;
  if ((rc = awsc_jtree_parse(&meta, L.tmp, metadata_json, metadata_len,
                             AWSC_JPARSE_SKIP_DOCS, err)))
    goto done;
  if ((rc = awsc_jtree_parse(&shapes, L.tmp, shapes_json, shapes_len,
                             AWSC_JPARSE_SKIP_DOCS, err)))
    goto done;
  if (n_operations) {
    ops = awsc_arena_calloc(L.tmp, n_operations, sizeof *ops);
    if (!ops) {
      rc = oom(&L);
      goto done;
    }
    for (size_t i = 0; i < n_operations; i++) {
      if ((rc =
               awsc_jtree_parse(&ops[i].value, L.tmp, operation_jsons[i],
                                operation_lens[i], AWSC_JPARSE_SKIP_DOCS, err)))
        goto done;
    }
  }
  svc = awsc_arena_calloc(arena, 1, sizeof *svc);
  if (!svc) {
    rc = oom(&L);
    goto done;
  }
  if ((rc = load_metadata(&L, svc, meta)))
    goto done;
  if ((rc = load_shapes(&L, shapes)))
    goto done;
  rc = finish_service(&L, svc, ops, n_operations);
done:
  awsc_arena_free(L.tmp);
  if (rc == 0)
    *out = svc;
  return rc;
}
