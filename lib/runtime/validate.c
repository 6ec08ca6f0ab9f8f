/*
 * lib/runtime/validate.c - the one input validator (validate.h), after
 * botocore/validate.py. It walks the value tree against the shapes, with
 * the parameter's path ("Key", "Delete.Objects[0].Key", "Metadata (key:
 * a:b)") kept in a fixed buffer: validation is on every request and adds
 * no allocation.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "runtime/validate.h"

typedef struct vctx {
  awsc_error *err;
  awsc_param_path path;
} vctx;

static size_t push(vctx *x, const char *s, size_t n) {
  return awsc_param_path_push(&x->path, s, n);
}

static void pop(vctx *x, size_t mark) {
  awsc_param_path_pop(&x->path, mark);
}

static const char *name(const vctx *x) {
  return awsc_param_path_name(&x->path);
}

static int fail(vctx *x, const char *fmt, const char *what) {
  return awsc_error_set(x->err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION, fmt,
                        name(x), what);
}

static int bad_type(vctx *x, const awsc_shape *sh) {
  return fail(x, "Invalid type for parameter %s, valid types: %s",
              awsc_shape_valid_types(sh->type));
}

/* botocore's range_check, and the max it leaves out. */
static int range(vctx *x, const awsc_shape *sh, const awsc_member *m, int64_t v,
                 bool is_length) {
  const char *kind = is_length ? "length" : "value";
  int64_t min = 0;
  bool has_min = true;
  if (sh->flags & AWSC_SF_HAS_MIN)
    min = sh->min;
  else if (m && (m->flags & AWSC_MF_HOST_LABEL))
    min = 1;
  else
    has_min = false;
  if (has_min && v < min)
    return awsc_error_set(x->err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                          "Invalid %s for parameter %s, value: %" PRId64
                          ", valid min %s: %" PRId64,
                          kind, name(x), v, kind, min);
  if ((sh->flags & AWSC_SF_HAS_MAX) && v > sh->max)
    return awsc_error_set(x->err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                          "Invalid %s for parameter %s, value: %" PRId64
                          ", valid max %s: %" PRId64,
                          kind, name(x), v, kind, sh->max);
  return 0;
}

/* Code points of valid UTF-8; SIZE_MAX at the first invalid sequence
 * (overlong, surrogate, beyond U+10FFFF, truncated), whose offset goes
 * to *bad. */
static size_t utf8_count(const unsigned char *s, size_t n, size_t *bad) {
  size_t k = 0;
  for (size_t i = 0; i < n; k++) {
    unsigned char c = s[i];
    size_t len;
    uint32_t cp;
    if (c < 0x80) {
      i++;
      continue;
    }
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      *bad = i;
      return SIZE_MAX;
    }
    if (n - i < len) {
      *bad = i;
      return SIZE_MAX;
    }
    for (size_t j = 1; j < len; j++) {
      if ((s[i + j] & 0xC0) != 0x80) {
        *bad = i;
        return SIZE_MAX;
      }
      cp = (cp << 6) | (s[i + j] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      *bad = i;
      return SIZE_MAX;
    }
    i += len;
  }
  return k;
}

/* Members whose value selects what the library does: an unknown value
 * would be sent while the behaviour it names silently does not happen. */
static bool strict_enum(const awsc_member *m) {
  return m && (strcmp(m->name, "ChecksumAlgorithm") == 0 ||
               strcmp(m->name, "ChecksumMode") == 0);
}

static int check_enum(vctx *x, const awsc_shape *sh, const char *s) {
  for (uint32_t i = 0; i < sh->enum_count; i++)
    if (strcasecmp(sh->enum_values[i], s) == 0)
      return 0;
  char list[200];
  size_t used = 0;
  list[0] = '\0';
  for (uint32_t i = 0; i < sh->enum_count && used < sizeof list; i++) {
    int w = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "",
                     sh->enum_values[i]);
    if (w < 0)
      break;
    used += (size_t)w;
  }
  return awsc_error_set(x->err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                        "Invalid value for parameter %s, value: %.64s, "
                        "valid values: %s",
                        name(x), s, list);
}

static int check_string(vctx *x, const awsc_shape *sh, const awsc_member *m,
                        const awsc_value *v) {
  size_t bad = 0;
  size_t chars = utf8_count((const unsigned char *)v->u.s.p, v->u.s.n, &bad);
  if (chars == SIZE_MAX) {
    char at[32];
    snprintf(at, sizeof at, "%zu", bad);
    return fail(x,
                "Invalid value for parameter %s: not valid UTF-8 (an "
                "unpaired surrogate or a bad byte at offset %s)",
                at);
  }
  int rc = range(x, sh, m, (int64_t)chars, true);
  if (rc)
    return rc;
  if (sh->enum_count && strict_enum(m))
    return check_enum(x, sh, v->u.s.p);
  return 0;
}

static int node(vctx *x, const awsc_shape *sh, const awsc_member *m,
                const awsc_value *v);

/* A value that goes into an HTTP header: CR or LF would end the header
 * (or start another one) on the wire. */
static int header_value(vctx *x, const awsc_value *v) {
  if (v->type != AWSC_V_STRING)
    return 0;
  if (memchr(v->u.s.p, '\r', v->u.s.n) || memchr(v->u.s.p, '\n', v->u.s.n))
    return fail(x, "Invalid value for parameter %s: a header value can %s",
                "not contain CR or LF");
  return 0;
}

/* A prefix-header map (x-amz-meta-*): each key becomes a header name. */
static int header_map(vctx *x, const awsc_value *v) {
  if (v->type != AWSC_V_MAP)
    return 0;
  for (size_t i = 0; i < v->u.map.n; i++) {
    const awsc_kv *kv = &v->u.map.items[i];
    for (size_t k = 0; k <= kv->key_len; k++)
      if (k == kv->key_len ? k == 0
                           : !awsc_token_char[(unsigned char)kv->key[k]]) {
        size_t mark = push(x, " (key: ", 7);
        push(x, kv->key, kv->key_len);
        push(x, ")", 1);
        int rc = fail(x, "Invalid value for parameter %s: a header name %s",
                      "can only hold letters, digits and !#$%&'*+-.^_`|~");
        pop(x, mark);
        return rc;
      }
    size_t mark = push(x, ".", 1);
    push(x, kv->key, kv->key_len);
    int rc = header_value(x, &kv->value);
    pop(x, mark);
    if (rc)
      return rc;
  }
  return 0;
}

static int member(vctx *x, const awsc_member *m, const awsc_value *v) {
  if (v->type == AWSC_V_NULL)
    return 0;
  /* an empty label collapses the path: always refused */
  if ((m->location == AWSC_LOC_URI || (m->flags & AWSC_MF_HOST_LABEL)) &&
      v->type == AWSC_V_STRING && v->u.s.n == 0)
    return awsc_error_set(x->err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                          "Invalid length for parameter %s, value: 0, valid "
                          "min length: 1",
                          name(x));
  int rc = 0;
  if (m->location == AWSC_LOC_HEADER)
    rc = header_value(x, v);
  else if (m->location == AWSC_LOC_HEADERS)
    rc = header_map(x, v);
  if (rc)
    return rc;
  /* a jsonvalue header holds any JSON value */
  if ((m->flags & AWSC_MF_JSONVALUE) && v->type != AWSC_V_STRING)
    return 0;
  return node(x, m->shape, m, v);
}

/* The member a key names. Both doors emit keys in member order (the JSON
 * door: mostly), so the search starts after the last hit and usually
 * ends at once, where a search from the start would cost a string compare
 * for each member before it. */
static const awsc_member *find(const awsc_shape *sh, const awsc_kv *kv,
                               uint32_t *hint) {
  return awsc_shape_find_member_hint(sh, kv->key, kv->key_len, hint);
}

static int missing(vctx *x, const awsc_shape *sh, const awsc_value *v,
                   uint64_t seen) {
  for (uint32_t i = 0; i < sh->member_count; i++) {
    const awsc_member *m = &sh->members[i];
    if (!(m->flags & AWSC_MF_REQUIRED) || (i < 64 && (seen >> i & 1)))
      continue;
    const awsc_value *mv = i < 64 ? NULL : awsc_value_get(v, m->name);
    if (!mv || mv->type == AWSC_V_NULL)
      return awsc_error_set(x->err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                            "Missing required parameter in %s: \"%s\"", name(x),
                            m->name);
  }
  return 0;
}

/* A Content-Length header member that disagrees with an in-memory body:
 * the server would answer a misleading SignatureDoesNotMatch (or read a
 * cut body). Streamed bodies declare their own length to the pipeline. */
static bool is_content_length(const awsc_member *m) {
  return m->location == AWSC_LOC_HEADER && m->location_name &&
         (m->location_name[0] == 'C' || m->location_name[0] == 'c') &&
         strcasecmp(m->location_name, "Content-Length") == 0;
}

static int content_length(vctx *x, const awsc_member *clm, const awsc_value *cl,
                          const awsc_member *bm, const awsc_value *body) {
  if (cl->type != AWSC_V_INT ||
      (body->type != AWSC_V_BLOB && body->type != AWSC_V_STRING) ||
      (cl->u.i >= 0 && (uint64_t)cl->u.i == (uint64_t)body->u.s.n))
    return 0;
  return awsc_error_set(x->err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                        "Invalid value for parameter %s, value: %" PRId64
                        ", the %s has %zu bytes",
                        clm->name, cl->u.i, bm->name, body->u.s.n);
}

static int structure(vctx *x, const awsc_shape *sh, const awsc_value *v) {
  if (v->type != AWSC_V_MAP)
    return bad_type(x, sh);
  uint64_t seen = 0; /* members (by index) with a value */
  const awsc_kv *body = NULL, *cl = NULL;
  uint32_t hint = 0;
  const awsc_member *ms[64];
  size_t n = v->u.map.n;
  /* required members first, as botocore reports them */
  for (size_t i = 0; i < n; i++) {
    const awsc_kv *kv = &v->u.map.items[i];
    const awsc_member *m = find(sh, kv, &hint);
    if (i < 64)
      ms[i] = m;
    size_t idx = m ? (size_t)(m - sh->members) : 64;
    if (idx < 64 && kv->value.type != AWSC_V_NULL)
      seen |= (uint64_t)1 << idx;
    if (m && (int32_t)(m - sh->members) == sh->payload_index)
      body = kv;
    else if (m && is_content_length(m))
      cl = kv;
  }
  int rc = missing(x, sh, v, seen);
  if (!rc && body && cl)
    rc = content_length(x, find(sh, cl, &hint), &cl->value,
                        &sh->members[sh->payload_index], &body->value);
  for (size_t i = 0; !rc && i < n; i++) {
    const awsc_kv *kv = &v->u.map.items[i];
    const awsc_member *m = i < 64 ? ms[i] : find(sh, kv, &hint);
    if (!m)
      continue; /* the JSON door reports unknown names; typed has none */
    size_t mark = x->path.len ? push(x, ".", 1) : x->path.len;
    push(x, kv->key, kv->key_len);
    rc = member(x, m, &kv->value);
    pop(x, mark);
  }
  return rc;
}

static int list(vctx *x, const awsc_shape *sh, const awsc_member *m,
                const awsc_value *v) {
  if (v->type != AWSC_V_LIST)
    return bad_type(x, sh);
  int rc = range(x, sh, m, (int64_t)v->u.list.n, true);
  for (size_t i = 0; !rc && i < v->u.list.n; i++) {
    if (v->u.list.items[i].type == AWSC_V_NULL)
      continue;
    char idx[32];
    int n = snprintf(idx, sizeof idx, "[%zu]", i);
    size_t mark = push(x, idx, (size_t)n);
    rc = node(x, sh->list_member->shape, sh->list_member, &v->u.list.items[i]);
    pop(x, mark);
  }
  return rc;
}

static int map(vctx *x, const awsc_shape *sh, const awsc_value *v) {
  if (v->type != AWSC_V_MAP)
    return bad_type(x, sh);
  for (size_t i = 0; i < v->u.map.n; i++) {
    const awsc_kv *kv = &v->u.map.items[i];
    awsc_value key = {.type = AWSC_V_STRING};
    key.u.s.p = kv->key;
    key.u.s.n = kv->key_len;
    size_t mark = push(x, " (key: ", 7);
    push(x, kv->key, kv->key_len);
    push(x, ")", 1);
    int rc = node(x, sh->map_key->shape, sh->map_key, &key);
    pop(x, mark);
    if (rc)
      return rc;
    if (kv->value.type == AWSC_V_NULL)
      continue;
    mark = push(x, ".", 1);
    push(x, kv->key, kv->key_len);
    rc = node(x, sh->map_value->shape, sh->map_value, &kv->value);
    pop(x, mark);
    if (rc)
      return rc;
  }
  return 0;
}

static int node(vctx *x, const awsc_shape *sh, const awsc_member *m,
                const awsc_value *v) {
  if (!sh)
    return 0;
  switch (sh->type) {
  case AWSC_SHAPE_STRUCTURE:
    return structure(x, sh, v);
  case AWSC_SHAPE_LIST:
    return list(x, sh, m, v);
  case AWSC_SHAPE_MAP:
    return map(x, sh, v);
  case AWSC_SHAPE_STRING:
    return v->type == AWSC_V_STRING ? check_string(x, sh, m, v)
                                    : bad_type(x, sh);
  case AWSC_SHAPE_INTEGER:
  case AWSC_SHAPE_LONG:
    return v->type == AWSC_V_INT ? range(x, sh, m, v->u.i, false)
                                 : bad_type(x, sh);
  case AWSC_SHAPE_FLOAT:
  case AWSC_SHAPE_DOUBLE:
    if (v->type == AWSC_V_INT)
      return range(x, sh, m, v->u.i, false);
    if (v->type != AWSC_V_DOUBLE)
      return bad_type(x, sh);
    /* NaN and the infinities compare false: left to the service */
    if (((sh->flags & AWSC_SF_HAS_MIN) && v->u.d < (double)sh->min) ||
        ((sh->flags & AWSC_SF_HAS_MAX) && v->u.d > (double)sh->max))
      return awsc_error_set(
          x->err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
          "Invalid value for parameter %s, value: %g, "
          "valid range: %" PRId64 " to %" PRId64,
          name(x), v->u.d, (sh->flags & AWSC_SF_HAS_MIN) ? sh->min : INT64_MIN,
          (sh->flags & AWSC_SF_HAS_MAX) ? sh->max : INT64_MAX);
    return 0;
  case AWSC_SHAPE_BOOLEAN:
    return v->type == AWSC_V_BOOL ? 0 : bad_type(x, sh);
  case AWSC_SHAPE_TIMESTAMP:
    return v->type == AWSC_V_TIMESTAMP ? 0 : bad_type(x, sh);
  case AWSC_SHAPE_BLOB:
    /* botocore checks no length of blobs */
    return v->type == AWSC_V_BLOB || v->type == AWSC_V_STRING ||
                   v->type == AWSC_V_STREAM
               ? 0
               : bad_type(x, sh);
  default:
    return 0; /* document: any value */
  }
}

int awsc_value_validate(const awsc_value *v, const awsc_shape *shape,
                        awsc_error *err) {
  if (!shape || !v)
    return 0;
  vctx x;
  x.err = err;
  awsc_param_path_reset(&x.path);
  /* no input at all is an empty structure */
  if (shape->type == AWSC_SHAPE_STRUCTURE && v->type == AWSC_V_NULL) {
    awsc_value empty = {.type = AWSC_V_MAP};
    return structure(&x, shape, &empty);
  }
  return node(&x, shape, NULL, v);
}
