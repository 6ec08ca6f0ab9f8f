/*
 * The managed transfers through boto3-shaped JSON: what the CLI (and any
 * binding that speaks JSON) calls. Parameters are checked the way
 * awsc_call_json checks an operation's (missing, unknown, mistyped) and
 * the result is one small JSON object.
 */
#include <inttypes.h>
#include <stddef.h>
#include <string.h>

#include "runtime/jtree.h"
#include "transfer/transfer_internal.h"

typedef enum op_kind { OP_UPLOAD, OP_DOWNLOAD, OP_COPY } op_kind;

typedef struct op_spec {
  const char *name;
  op_kind kind;
  const char *const *params; /* allowed, in the order of the message */
  size_t n_params;
  const char *const *required;
  size_t n_required;
} op_spec;

static const char *const up_params[] = {"Filename", "Bucket", "Key",
                                        "ExtraArgs", "Config"};
static const char *const up_required[] = {"Filename", "Bucket", "Key"};
static const char *const down_params[] = {"Bucket", "Key", "Filename",
                                          "ExtraArgs", "Config"};
static const char *const copy_params[] = {"CopySource", "Bucket", "Key",
                                          "ExtraArgs", "Config"};
static const char *const copy_required[] = {"CopySource", "Bucket", "Key"};

static const op_spec ops[] = {
    {"upload_file", OP_UPLOAD, up_params, 5, up_required, 3},
    {"download_file", OP_DOWNLOAD, down_params, 5, up_required, 3},
    {"copy", OP_COPY, copy_params, 5, copy_required, 3},
};

static const char *const config_names[] = {
    "multipart_threshold",   "multipart_chunksize",
    "max_concurrency",       "use_threads",
    "num_download_attempts", "verify_checksums",
    "verify_etag_md5",       "resumable",
    "resume_token"};

static int invalid(awsc_error *err, const char *param, const char *types) {
  return awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                        "Invalid type for parameter %s, valid types: %s", param,
                        types);
}

/* "Unknown parameter in X: \"k\", must be one of: a, b, c" */
static int unknown(awsc_error *err, const char *where, const char *k,
                   const char *const *names, size_t n) {
  char list[300] = "";
  size_t o = 0;
  for (size_t i = 0; i < n && o < sizeof(list); i++)
    o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s", i ? ", " : "",
                          names[i]);
  return awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                        "Unknown parameter in %s: \"%s\", must be one of: %s",
                        where, k, list);
}

/* A JSON tree written back as text (ExtraArgs goes on as JSON). */
static int put_json(awsc_buf *b, const awsc_jnode *n) {
  int rc = 0;
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
    rc = awsc_buf_putc(b, '[');
    for (size_t i = 0; !rc && i < n->count; i++) {
      if (i)
        rc = awsc_buf_putc(b, ',');
      rc = rc ? rc : put_json(b, n->items[i]);
    }
    return rc ? rc : awsc_buf_putc(b, ']');
  case AWSC_J_OBJECT:
    rc = awsc_buf_putc(b, '{');
    for (size_t i = 0; !rc && i < n->count; i++) {
      if (i)
        rc = awsc_buf_putc(b, ',');
      rc = rc ? rc
              : awsc_json_put_string(b, n->members[i].key,
                                     n->members[i].key_len);
      rc = rc ? rc : awsc_buf_putc(b, ':');
      rc = rc ? rc : put_json(b, n->members[i].value);
    }
    return rc ? rc : awsc_buf_putc(b, '}');
  }
  return AWSC_EINVAL;
}

static int str_member(const awsc_jnode *obj, const char *where,
                      const char *name, bool required, const char **out,
                      awsc_error *err) {
  const awsc_jnode *v = awsc_jtree_get(obj, name);
  *out = NULL;
  if (!v || v->type == AWSC_J_NULL) {
    if (required)
      return awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                            "Missing required parameter in %s: \"%s\"", where,
                            name);
    return 0;
  }
  if (v->type != AWSC_J_STRING)
    return invalid(err, name, "str");
  *out = v->s;
  return 0;
}

static int apply_config_json(const awsc_jnode *c, awsc_s3_transfer_config *cfg,
                             awsc_error *err) {
  if (c->type != AWSC_J_OBJECT)
    return invalid(err, "Config", "dict");
  for (size_t i = 0; i < c->count; i++) {
    const char *k = c->members[i].key;
    const awsc_jnode *v = c->members[i].value;
    size_t which = AWSC_ARRAY_LEN(config_names);
    for (size_t j = 0; j < AWSC_ARRAY_LEN(config_names); j++)
      if (strcmp(k, config_names[j]) == 0)
        which = j;
    if (which == AWSC_ARRAY_LEN(config_names))
      return unknown(err, "Config", k, config_names,
                     AWSC_ARRAY_LEN(config_names));
    if (which == 8) { /* resume_token: a string (lives in the tree) */
      if (v->type != AWSC_J_STRING)
        return invalid(err, "Config.resume_token", "str");
      cfg->resume_token = v->s;
      continue;
    }
    if (which == 3 || which >= 5) { /* the switches */
      if (v->type != AWSC_J_BOOL) {
        char name[48];
        snprintf(name, sizeof(name), "Config.%s", k);
        return invalid(err, name, "bool");
      }
      awsc_toggle t = v->b ? AWSC_TOGGLE_ON : AWSC_TOGGLE_OFF;
      if (which == 3) /* use_threads: false = one part at a time */
        cfg->use_threads = t;
      else if (which == 5)
        cfg->verify_checksums = t;
      else if (which == 6)
        cfg->verify_etag_md5 = t;
      else
        cfg->resumable = t;
      continue;
    }
    if (v->type != AWSC_J_INT || v->i <= 0 || (which >= 2 && v->i > INT32_MAX))
      return awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                            "Invalid value for parameter Config.%s: a "
                            "positive integer is needed",
                            k);
    if (which == 0)
      cfg->multipart_threshold = (uint64_t)v->i;
    else if (which == 1)
      cfg->multipart_chunksize = (uint64_t)v->i;
    else if (which == 2)
      cfg->max_concurrency = (int)v->i;
    else
      cfg->num_download_attempts = (int)v->i;
  }
  return 0;
}

static int result_json(awsc_buf *b, const op_spec *op, const char *bucket,
                       const char *key, const char *filename,
                       const awsc_s3_transfer_result *r) {
  int rc = awsc_buf_puts(b, "{\"Bucket\":");
  rc = rc ? rc : awsc_json_put_string(b, bucket, strlen(bucket));
  rc = rc ? rc : awsc_buf_puts(b, ",\"Key\":");
  rc = rc ? rc : awsc_json_put_string(b, key, strlen(key));
  if (!rc && op->kind != OP_COPY) {
    rc = awsc_buf_puts(b, ",\"Filename\":");
    rc = rc ? rc : awsc_json_put_string(b, filename, strlen(filename));
  }
  rc = rc ? rc
          : awsc_buf_printf(
                b, ",\"Size\":%" PRIu64 ",\"Parts\":%" PRIu32 ",\"ETag\":",
                r->size, r->parts);
  rc = rc ? rc : awsc_json_put_string(b, r->e_tag, strlen(r->e_tag));
  if (!rc && r->version_id[0]) {
    rc = awsc_buf_puts(b, ",\"VersionId\":");
    rc =
        rc ? rc : awsc_json_put_string(b, r->version_id, strlen(r->version_id));
  }
  return rc ? rc : awsc_buf_putc(b, '}');
}

static int run(char **json_out, awsc_client *client, const op_spec *op,
               const awsc_jnode *p, awsc_s3_transfer_config *cfg,
               awsc_buf *extra, awsc_error *err) {
  for (size_t i = 0; i < p->count; i++) {
    bool ok = false;
    for (size_t j = 0; j < op->n_params && !ok; j++)
      ok = strcmp(p->members[i].key, op->params[j]) == 0;
    if (!ok)
      return unknown(err, "input", p->members[i].key, op->params, op->n_params);
  }
  for (size_t j = 0; j < op->n_required; j++)
    if (!awsc_jtree_get(p, op->required[j]))
      return awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                            "Missing required parameter in input: \"%s\"",
                            op->required[j]);
  const char *bucket = NULL, *key = NULL, *filename = NULL;
  int rc = str_member(p, "input", "Bucket", true, &bucket, err);
  rc = rc ? rc : str_member(p, "input", "Key", true, &key, err);
  if (!rc && op->kind != OP_COPY)
    rc = str_member(p, "input", "Filename", true, &filename, err);
  awsc_s3_copy_source src = {NULL, NULL, NULL};
  if (!rc && op->kind == OP_COPY) {
    const awsc_jnode *cs = awsc_jtree_get(p, "CopySource");
    if (cs->type != AWSC_J_OBJECT)
      return invalid(err, "CopySource", "dict");
    static const char *const cs_names[] = {"Bucket", "Key", "VersionId"};
    for (size_t i = 0; i < cs->count; i++)
      if (strcmp(cs->members[i].key, "Bucket") &&
          strcmp(cs->members[i].key, "Key") &&
          strcmp(cs->members[i].key, "VersionId"))
        return unknown(err, "CopySource", cs->members[i].key, cs_names, 3);
    rc = str_member(cs, "CopySource", "Bucket", true, &src.bucket, err);
    rc = rc ? rc : str_member(cs, "CopySource", "Key", true, &src.key, err);
    rc = rc ? rc
            : str_member(cs, "CopySource", "VersionId", false, &src.version_id,
                         err);
  }
  const awsc_jnode *ea = awsc_jtree_get(p, "ExtraArgs");
  if (!rc && ea && ea->type != AWSC_J_NULL) {
    if (ea->type != AWSC_J_OBJECT)
      return invalid(err, "ExtraArgs", "dict");
    if (put_json(extra, ea))
      return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                            "out of memory");
  }
  const awsc_jnode *c = awsc_jtree_get(p, "Config");
  if (!rc && c && c->type != AWSC_J_NULL)
    rc = apply_config_json(c, cfg, err);
  if (rc)
    return rc;

  awsc_s3_transfer_result r;
  if (op->kind == OP_UPLOAD)
    rc = awsc_s3_upload_file_json(&r, client, filename, bucket, key, extra->p,
                                  cfg, err);
  else if (op->kind == OP_DOWNLOAD)
    rc = awsc_s3_download_file_json(&r, client, bucket, key, filename, extra->p,
                                    cfg, err);
  else
    rc = awsc_s3_copy_json(&r, client, &src, bucket, key, extra->p, cfg, err);
  if (rc)
    return rc;
  awsc_buf out = AWSC_BUF_INIT;
  if (result_json(&out, op, bucket, key, filename, &r)) {
    awsc_buf_free(&out);
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  }
  if (!(*json_out = awsc_out_from_buf(&out)))
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  return 0;
}

int awsc_s3_transfer_json(char **json_out, awsc_client *client,
                          const char *operation, const char *params_json,
                          const awsc_s3_transfer_config *config,
                          awsc_error *err) {
  if (!client || !operation || !json_out)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_s3_transfer_json: NULL argument");
  *json_out = NULL;
  const op_spec *op = NULL;
  for (size_t i = 0; i < AWSC_ARRAY_LEN(ops); i++)
    if (strcmp(operation, ops[i].name) == 0)
      op = &ops[i];
  if (!op)
    return awsc_error_set(err, AWSC_ENOTFOUND, AWSC_ERROR_VALIDATION,
                          "%s is not a managed transfer (upload_file, "
                          "download_file, copy)",
                          operation);
  awsc_s3_transfer_config cfg = AWSC_S3_TRANSFER_CONFIG_INIT;
  /* a caller's older struct ends before the later versions' fields */
  if (config && config->version == 1) {
    memcpy(&cfg, config, offsetof(awsc_s3_transfer_config, verify_checksums));
    cfg.version = AWSC_S3_TRANSFER_CONFIG_VERSION;
  } else if (config && config->version == 2) {
    memcpy(&cfg, config, offsetof(awsc_s3_transfer_config, control));
    cfg.version = AWSC_S3_TRANSFER_CONFIG_VERSION;
  } else if (config)
    cfg = *config;
  awsc_arena *a = awsc_arena_new(0);
  if (!a)
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  const char *text = params_json && *params_json ? params_json : "{}";
  awsc_jnode *p = NULL;
  awsc_buf extra = AWSC_BUF_INIT;
  int rc = awsc_jtree_parse(&p, a, text, strlen(text), 0, err);
  if (rc == AWSC_EPARSE && err) {
    char why[sizeof(err->message)];
    awsc_strlcpy(why, err->message, sizeof(why));
    rc = awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                        "%s parameters are not valid JSON: %s", operation, why);
  } else if (rc == AWSC_EPARSE) {
    rc = AWSC_EVALIDATION;
  }
  if (!rc && p->type != AWSC_J_OBJECT)
    rc = awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                        "%s parameters must be a JSON object", operation);
  if (!rc)
    rc = run(json_out, client, op, p, &cfg, &extra, err);
  awsc_buf_free(&extra);
  awsc_arena_free(a);
  return rc;
}
