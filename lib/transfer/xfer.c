/*
 * What every managed transfer shares: argument and ExtraArgs validation,
 * the per-request argument filters, part sizing, progress, digests,
 * results and the abort of a failed multipart upload.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "client/client_internal.h"
#include "client/typed.h"
#include "runtime/jtree.h"
#include "transfer/transfer_internal.h"

/* s3transfer's TransferManager.ALLOWED_*_ARGS, in its order (the order of
 * the names in the rejection message). ALLOWED_COPY_ARGS is
 * ALLOWED_UPLOAD_ARGS followed by the copy-source conditions, keys and
 * directives. */
#define UPLOAD_ARGS                                                            \
  "ACL", "CacheControl", "ChecksumAlgorithm", "ContentDisposition",            \
      "ContentEncoding", "ContentLanguage", "ContentType",                     \
      "ExpectedBucketOwner", "Expires", "GrantFullControl", "GrantRead",       \
      "GrantReadACP", "GrantWriteACP", "Metadata",                             \
      "ObjectLockLegalHoldStatus", "ObjectLockMode",                           \
      "ObjectLockRetainUntilDate", "RequestPayer", "ServerSideEncryption",     \
      "StorageClass", "SSECustomerAlgorithm", "SSECustomerKey",                \
      "SSECustomerKeyMD5", "SSEKMSKeyId", "SSEKMSEncryptionContext",           \
      "Tagging", "WebsiteRedirectLocation"
const char *const xfer_upload_args[] = {UPLOAD_ARGS};
const size_t xfer_upload_args_n = AWSC_ARRAY_LEN(xfer_upload_args);

const char *const xfer_download_args[] = {
    "ChecksumMode",       "VersionId",         "SSECustomerAlgorithm",
    "SSECustomerKey",     "SSECustomerKeyMD5", "RequestPayer",
    "ExpectedBucketOwner"};
const size_t xfer_download_args_n = AWSC_ARRAY_LEN(xfer_download_args);

const char *const xfer_copy_args[] = {UPLOAD_ARGS,
                                      "CopySourceIfMatch",
                                      "CopySourceIfModifiedSince",
                                      "CopySourceIfNoneMatch",
                                      "CopySourceIfUnmodifiedSince",
                                      "CopySourceSSECustomerAlgorithm",
                                      "CopySourceSSECustomerKey",
                                      "CopySourceSSECustomerKeyMD5",
                                      "MetadataDirective",
                                      "TaggingDirective"};
const size_t xfer_copy_args_n = AWSC_ARRAY_LEN(xfer_copy_args);

static int oom(xfer *x) {
  return awsc_error_set(x->err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                        "out of memory");
}

static int apply_config(xfer *x, const awsc_s3_transfer_config *c) {
  x->threshold = 8 * XFER_MIB;
  x->chunksize = 8 * XFER_MIB;
  x->attempts = 5;
  x->md5 = false; /* a CRC32 guards the parts (xfer_upload_checksums) */
  x->concurrency = XFER_DEFAULT_CONCURRENCY;
  x->verify_checksums = true;
  /* the client's verify_etag_md5 (off by default, as botocore): the MD5
   * costs ~1.6 s/GiB */
  x->verify_etag_md5 = x->client->verify_etag_md5;
  if (!c)
    return 0;
  /* a caller built against an older header (smaller version) is fine; a
   * newer one may have set fields this library does not know */
  if (c->version <= 0 || c->version > AWSC_S3_TRANSFER_CONFIG_VERSION)
    return awsc_error_set(x->err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_s3_transfer_config.version is %d, expected "
                          "1..%d (start from AWSC_S3_TRANSFER_CONFIG_INIT)",
                          c->version, AWSC_S3_TRANSFER_CONFIG_VERSION);
  if (c->max_concurrency < 0 || c->num_download_attempts < 0)
    return awsc_error_set(x->err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "max_concurrency and num_download_attempts must "
                          "not be negative");
  if (c->multipart_threshold)
    x->threshold = c->multipart_threshold;
  if (c->multipart_chunksize)
    x->chunksize = c->multipart_chunksize;
  if (c->num_download_attempts)
    x->attempts = c->num_download_attempts;
  x->md5 = c->content_md5 == AWSC_TOGGLE_ON;
  if (c->max_concurrency)
    x->concurrency = c->max_concurrency < XFER_MAX_THREADS ? c->max_concurrency
                                                           : XFER_MAX_THREADS;
  /* boto3's use_threads=False: everything on the calling thread */
  if (c->use_threads == AWSC_TOGGLE_OFF)
    x->concurrency = 1;
  x->progress = c->progress;
  x->progress_ud = c->progress_user_data;
  if (c->version >= 2) {
    x->verify_checksums = c->verify_checksums != AWSC_TOGGLE_OFF;
    if (c->verify_etag_md5 != AWSC_TOGGLE_DEFAULT)
      x->verify_etag_md5 = c->verify_etag_md5 == AWSC_TOGGLE_ON;
  }
  if (c->version >= 3) {
    x->control = c->control;
    x->resumable = c->resumable == AWSC_TOGGLE_ON;
    x->resume_token = c->resume_token;
    if (x->control)
      x->cancel = &x->control->stop;
  }
  return 0;
}

/* One ExtraArgs name: it must be in `allowed` (the message lists them in
 * s3transfer's words). */
static int check_name(xfer *x, const char *k, const char *const *allowed,
                      size_t n_allowed) {
  for (size_t j = 0; j < n_allowed; j++)
    if (strcmp(k, allowed[j]) == 0)
      return 0;
  awsc_buf b = AWSC_BUF_INIT;
  int rc =
      awsc_buf_printf(&b, "Invalid extra_args key '%s', must be one of: ", k);
  for (size_t j = 0; !rc && j < n_allowed; j++)
    rc = awsc_buf_printf(&b, "%s%s", j ? ", " : "", allowed[j]);
  if (rc) {
    awsc_buf_free(&b);
    return oom(x);
  }
  /* the copy list does not fit the fixed-size message: end it visibly */
  size_t room = sizeof(x->err->message) - 1;
  if (b.len > room) {
    char *cut = b.p + room - 5;
    while (cut > b.p && *cut != ',')
      cut--;
    memcpy(cut, ", ...", 6);
  }
  awsc_error_set(x->err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION, "%s", b.p);
  awsc_buf_free(&b);
  return AWSC_EVALIDATION;
}

static int check_names(xfer *x, const awsc_jnode *extra,
                       const char *const *allowed, size_t n_allowed) {
  int rc = 0;
  for (size_t i = 0; !rc && i < extra->count; i++)
    rc = check_name(x, extra->members[i].key, allowed, n_allowed);
  return rc;
}

static bool is_required(const awsc_shape *in, const char *name) {
  const awsc_member *m = awsc_shape_find_member(in, name, strlen(name));
  return m && (m->flags & AWSC_MF_REQUIRED);
}

/*
 * Typed ExtraArgs: `typed` (a struct of shape `in`, the main operation's
 * input) as a value in *all, each set member checked against `allowed`.
 * The shape's required members (Bucket, Key, CopySource: all strings) are
 * the call's to set, so set ones are refused; the conversion (typed.c)
 * insists on them, so a copy of the struct gets placeholders for them,
 * which the caller leaves out (is_required).
 */
static int typed_extra(xfer *x, const awsc_shape *in, const void *typed,
                       const char *const *allowed, size_t n_allowed,
                       awsc_value *all) {
  char *copy = awsc_arena_alloc(x->arena, in->c_size ? in->c_size : 1);
  if (!copy)
    return oom(x);
  memcpy(copy, typed, in->c_size);
  for (uint32_t i = 0; i < in->member_count; i++) {
    const awsc_member *m = &in->members[i];
    if (!(m->flags & AWSC_MF_REQUIRED))
      continue;
    if (m->shape->type != AWSC_SHAPE_STRING)
      return awsc_error_set(x->err, AWSC_EUNSUPPORTED, AWSC_ERROR_INTERNAL,
                            "%s: required member %s is not a string", x->what,
                            m->name);
    const char **field = (const char **)(void *)(copy + m->offset);
    if (*field)
      return check_name(x, m->name, allowed, n_allowed);
    *field = "-"; /* a placeholder that passes validation */
  }
  int rc = awsc_typed_to_value(in, copy, x->arena, all, x->err);
  for (size_t i = 0; !rc && i < all->u.map.n; i++) {
    const char *k = all->u.map.items[i].key;
    if (!is_required(in, k))
      rc = check_name(x, k, allowed, n_allowed);
  }
  return rc;
}

/* By xfer_alg. */
static const char *const algs[] = {NULL,     "CRC32",     "CRC32C",
                                   "SHA256", "CRC64NVME", "SHA1"};

/*
 * JSON ExtraArgs, validated as the main operation's input: the text
 * becomes {"Bucket":..,"Key":..,["CopySource":..,] <ExtraArgs members>}
 * so that the engine's own checks (types, enums, timestamps) apply with
 * its messages, and the required members are there.
 */
static int json_args(xfer *x, const awsc_operation *op, const char *copy_source,
                     const char *extra_json, const char *const *allowed,
                     size_t n_allowed) {
  awsc_sv inner = {"", 0};
  /* NULL, "" and JSON null all mean "none", as ExtraArgs=None does */
  awsc_sv given = awsc_sv_trim(awsc_sv_from_cstr(extra_json));
  if (given.n && !awsc_sv_eq_cstr(given, "null")) {
    awsc_jnode *root = NULL;
    int rc = awsc_jtree_parse(&root, x->arena, extra_json, strlen(extra_json),
                              0, x->err);
    if (rc == AWSC_EPARSE) {
      char why[sizeof(x->err->message)];
      awsc_strlcpy(why, x->err->message, sizeof(why));
      return awsc_error_set(x->err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                            "extra_args is not valid JSON: %s", why);
    }
    if (rc)
      return rc;
    if (root->type != AWSC_J_OBJECT)
      return awsc_error_set(x->err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                            "extra_args must be a JSON object");
    if ((rc = check_names(x, root, allowed, n_allowed)))
      return rc;
    /* the members' text: between the outer braces */
    inner.p = given.p + 1;
    inner.n = given.n - 2;
    if (!awsc_sv_trim(inner).n)
      inner.n = 0;
  }
  awsc_buf b = AWSC_BUF_INIT;
  int rc = awsc_buf_puts(&b, "{\"Bucket\":");
  rc = rc ? rc : awsc_json_put_string(&b, x->bucket, strlen(x->bucket));
  rc = rc ? rc : awsc_buf_puts(&b, ",\"Key\":");
  rc = rc ? rc : awsc_json_put_string(&b, x->key, strlen(x->key));
  if (!rc && copy_source) {
    rc = awsc_buf_puts(&b, ",\"CopySource\":");
    rc = rc ? rc : awsc_json_put_string(&b, copy_source, strlen(copy_source));
  }
  if (!rc && inner.n) {
    rc = awsc_buf_putc(&b, ',');
    rc = rc ? rc : awsc_buf_append(&b, inner.p, inner.n);
  }
  rc = rc ? rc : awsc_buf_putc(&b, '}');
  if (rc) {
    awsc_buf_free(&b);
    return oom(x);
  }
  rc = awsc_value_from_json(&x->args, x->arena, op->input, b.p, b.len, x->err);
  awsc_buf_free(&b);
  return rc;
}

/* Typed ExtraArgs: the same value as json_args makes, {Bucket, Key,
 * [CopySource,] <the struct's set members>}. */
static int typed_args(xfer *x, const awsc_operation *op,
                      const char *copy_source, const void *typed,
                      const char *const *allowed, size_t n_allowed) {
  awsc_value all;
  int rc = typed_extra(x, op->input, typed, allowed, n_allowed, &all);
  if (rc)
    return rc;
  awsc_value_builder *vb = awsc_vb_new(x->arena);
  if (!vb)
    return oom(x);
  rc = awsc_vb_begin_map(vb);
  rc = rc ? rc : awsc_vb_key(vb, "Bucket", 6);
  rc = rc ? rc : awsc_vb_string(vb, x->bucket, strlen(x->bucket));
  rc = rc ? rc : awsc_vb_key(vb, "Key", 3);
  rc = rc ? rc : awsc_vb_string(vb, x->key, strlen(x->key));
  if (!rc && copy_source) {
    rc = awsc_vb_key(vb, "CopySource", 10);
    rc = rc ? rc : awsc_vb_string(vb, copy_source, strlen(copy_source));
  }
  for (size_t i = 0; !rc && i < all.u.map.n; i++) {
    const awsc_kv *kv = &all.u.map.items[i];
    if (is_required(op->input, kv->key))
      continue;
    rc = awsc_vb_key(vb, kv->key, kv->key_len);
    rc = rc ? rc : awsc_vb_value(vb, &kv->value);
  }
  rc = rc ? rc : awsc_vb_end(vb);
  rc = rc ? rc : awsc_vb_finish(vb, &x->args);
  awsc_vb_free(vb);
  return rc ? oom(x) : 0;
}

static int parse_args(xfer *x, const char *main_op, const char *copy_source,
                      const xfer_extra *extra, const char *const *allowed,
                      size_t n_allowed) {
  const awsc_service *svc = awsc_builtin_service("s3");
  const awsc_operation *op =
      svc ? awsc_service_find_operation(svc, main_op) : NULL;
  if (!op || !op->input)
    return awsc_error_set(x->err, AWSC_EUNSUPPORTED, AWSC_ERROR_INTERNAL,
                          "%s: the S3 service is not built in", x->what);
  int rc =
      extra && extra->typed
          ? typed_args(x, op, copy_source, extra->typed, allowed, n_allowed)
          : json_args(x, op, copy_source, extra ? extra->json : NULL, allowed,
                      n_allowed);
  if (rc)
    return rc;
  const char *alg = xfer_arg_str(x, "ChecksumAlgorithm");
  if (alg) {
    for (int i = 1; i < (int)AWSC_ARRAY_LEN(algs); i++)
      if (strcasecmp(alg, algs[i]) == 0)
        x->alg = (xfer_alg)i;
    if (x->alg == XFER_ALG_NONE)
      return awsc_error_set(x->err, AWSC_EUNSUPPORTED, AWSC_ERROR_VALIDATION,
                            "ChecksumAlgorithm %s is not supported by "
                            "managed transfers (CRC32, CRC32C, CRC64NVME, "
                            "SHA1, SHA256)",
                            alg);
    x->alg_name = alg;
  }
  return 0;
}

int xfer_begin(xfer *x, awsc_client *client, const char *what,
               const char *main_op, const char *bucket, const char *key,
               const char *copy_source, const xfer_extra *extra,
               const char *const *allowed, size_t n_allowed,
               const awsc_s3_transfer_config *config,
               awsc_s3_transfer_result *result, awsc_error *err) {
  memset(x, 0, sizeof(*x));
  x->err = err ? err : &x->local_err;
  err = x->err;
  x->what = what;
  x->client = client;
  x->start_ms = awsc_time_now_ms();
  x->bucket = bucket;
  x->key = key;
  x->result = result;
  if (result)
    memset(result, 0, sizeof(*result));
  if (!client || !bucket || !key)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "%s: NULL argument", what);
  const char *sid = awsc_client_service_id(client);
  if (!sid || strcmp(sid, "S3") != 0)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "%s needs an S3 client (this one is for %s)", what,
                          sid ? sid : "?");
  int rc = apply_config(x, config);
  if (rc)
    return rc;
  x->lock_ready = pthread_mutex_init(&x->lock, NULL) == 0;
  x->arena = x->lock_ready ? awsc_arena_new(16 * 1024) : NULL;
  if (!x->arena) {
    xfer_end(x);
    return oom(x);
  }
  /* the token may be the control's own, which the reset frees */
  if (x->resume_token &&
      !(x->resume_token = awsc_arena_strdup(x->arena, x->resume_token))) {
    xfer_end(x);
    return oom(x);
  }
  if (x->control)
    xfer_control_reset(x->control);
  rc = parse_args(x, main_op, copy_source, extra, allowed, n_allowed);
  if (rc)
    xfer_end(x);
  return rc;
}

void xfer_end(xfer *x) {
  awsc_arena_free(x->arena);
  x->arena = NULL;
  if (x->lock_ready)
    pthread_mutex_destroy(&x->lock);
  x->lock_ready = false;
}

const char *xfer_arg_str(const xfer *x, const char *name) {
  const awsc_value *v = awsc_value_get(&x->args, name);
  return v && v->type == AWSC_V_STRING ? v->u.s.p : NULL;
}

int xfer_input(xfer *x, const char *opname, const xfer_arg *sel, size_t n,
               bool exclude, void **out) {
  const awsc_service *svc = awsc_builtin_service("s3");
  const awsc_operation *op = awsc_service_find_operation(svc, opname);
  if (!op || !op->input)
    return awsc_error_set(x->err, AWSC_EUNSUPPORTED, AWSC_ERROR_INTERNAL,
                          "S3 operation %s is not built in", opname);
  awsc_value_builder *vb = awsc_vb_new(x->arena);
  if (!vb)
    return oom(x);
  int rc = awsc_vb_begin_map(vb);
  const awsc_value *a = &x->args;
  for (size_t i = 0; !rc && i < a->u.map.n; i++) {
    const awsc_kv *kv = &a->u.map.items[i];
    const char *to = NULL;
    bool listed = false;
    for (size_t j = 0; j < n && !listed; j++)
      if (strcmp(sel[j].from, kv->key) == 0) {
        listed = true;
        to = sel[j].to ? sel[j].to : kv->key;
      }
    /* the destination's Bucket and Key go to every request */
    bool always = !exclude && (strcmp(kv->key, "Bucket") == 0 ||
                               strcmp(kv->key, "Key") == 0);
    if (exclude ? listed : !listed && !always)
      continue;
    if (!to)
      to = kv->key;
    rc = awsc_vb_key(vb, to, strlen(to));
    rc = rc ? rc : awsc_vb_value(vb, &kv->value);
  }
  rc = rc ? rc : awsc_vb_end(vb);
  awsc_value v;
  rc = rc ? rc : awsc_vb_finish(vb, &v);
  awsc_vb_free(vb);
  rc = rc ? rc : awsc_typed_from_value(op->input, &v, x->arena, out);
  return rc ? oom(x) : 0;
}

uint64_t xfer_part_size(uint64_t chunksize, uint64_t size) {
  uint64_t ps = chunksize;
  while (ps < XFER_MAX_PART && size / ps + (size % ps != 0) > XFER_MAX_PARTS)
    ps *= 2;
  if (ps > XFER_MAX_PART)
    ps = XFER_MAX_PART;
  if (ps < XFER_MIN_PART)
    ps = XFER_MIN_PART;
  return ps;
}

void xfer_upload_checksums(xfer *x) {
  const awsc_client *c = x->client;
  if (x->alg == XFER_ALG_NONE && c->checksum_when_supported) {
    x->alg = XFER_ALG_CRC32;
    x->alg_name = "CRC32";
  }
  x->alg_trailer = x->alg != XFER_ALG_NONE && c->checksum_trailers >= 0 &&
                   (c->endpoint.https ||
                    c->checksum_trailers == AWSC_CHECKSUM_TRAILERS_ALSO_HTTP);
}

void xfer_hasher_init(xfer_hasher *h, bool md5, xfer_alg alg) {
  memset(h, 0, sizeof(*h));
  h->md5_on = md5;
  h->alg = alg;
  if (md5)
    awsc_md5_init(&h->md5);
  if (alg != XFER_ALG_NONE)
    awsc_checksum_init(&h->ck, awsc_checksum_find(algs[alg]));
}

void xfer_hasher_update(xfer_hasher *h, const void *p, size_t n) {
  if (h->md5_on)
    awsc_md5_update(&h->md5, p, n);
  if (h->alg != XFER_ALG_NONE)
    awsc_checksum_update(&h->ck, p, n);
}

void xfer_hasher_final(xfer_hasher *h, xfer_digest *d) {
  memset(d, 0, sizeof(*d));
  if (h->md5_on) {
    uint8_t m[AWSC_MD5_LEN];
    awsc_md5_final(&h->md5, m);
    awsc_base64_encode(m, sizeof(m), d->md5);
  }
  if (h->alg != XFER_ALG_NONE)
    awsc_checksum_final_b64(&h->ck, d->checksum);
}

int xfer_digest_fd(xfer *x, int fd, const char *path, uint64_t offset,
                   uint64_t len, uint8_t **buf, xfer_digest *d,
                   awsc_error *err) {
  if (!*buf && !(*buf = awsc_malloc(XFER_IO_SIZE)))
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  xfer_hasher h;
  xfer_hasher_init(&h, x->md5, x->alg_trailer ? XFER_ALG_NONE : x->alg);
  uint64_t done = 0;
  int rc = 0;
  while (!rc && done < len) {
    size_t want =
        len - done < XFER_IO_SIZE ? (size_t)(len - done) : XFER_IO_SIZE;
    ssize_t got = pread(fd, *buf, want, (off_t)(offset + done));
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0) {
      rc = awsc_error_set(
          err, AWSC_EIO, AWSC_ERROR_IO, "cannot read %s at offset %llu: %s",
          path, (unsigned long long)(offset + done),
          got < 0 ? strerror(errno) : "the file is shorter than it was");
      break;
    }
    xfer_hasher_update(&h, *buf, (size_t)got);
    done += (uint64_t)got;
  }
  if (!rc)
    xfer_hasher_final(&h, d);
  return rc;
}

void xfer_result(xfer *x, uint64_t size, uint32_t parts, const char *e_tag,
                 const char *version_id, bool computed) {
  awsc_s3_transfer_result *r = x->result;
  if (!r)
    return;
  r->size = size;
  r->parts = parts;
  r->e_tag_computed = computed;
  /* quoted as S3 sends ETags; Ceph RGW's CopyObjectResult has them bare */
  if (e_tag && *e_tag && *e_tag != '"')
    snprintf(r->e_tag, sizeof(r->e_tag), "\"%s\"", e_tag);
  else
    awsc_strlcpy(r->e_tag, e_tag ? e_tag : "", sizeof(r->e_tag));
  awsc_strlcpy(r->version_id, version_id ? version_id : "",
               sizeof(r->version_id));
}

bool xfer_multipart_etag(const char *const *part_etags, size_t n, char *out,
                         size_t out_size) {
  out[0] = '\0';
  awsc_md5_ctx ctx;
  awsc_md5_init(&ctx);
  for (size_t i = 0; i < n; i++) {
    const char *e = part_etags[i];
    if (!e)
      return false;
    size_t len = strlen(e);
    if (len == 34 && e[0] == '"' && e[33] == '"') {
      e++;
      len = 32;
    }
    uint8_t raw[AWSC_MD5_LEN];
    if (len != 32 || awsc_hex_decode(e, 32, raw) != 0)
      return false;
    awsc_md5_update(&ctx, raw, sizeof(raw));
  }
  uint8_t m[AWSC_MD5_LEN];
  char hex[2 * AWSC_MD5_LEN + 1];
  awsc_md5_final(&ctx, m);
  awsc_hex_encode(m, sizeof(m), hex);
  snprintf(out, out_size, "\"%s-%zu\"", hex, n);
  return true;
}

bool xfer_transient(int rc, const awsc_error *err) {
  return rc == AWSC_ENETWORK || rc == AWSC_ETIMEOUT || rc == AWSC_EPARSE ||
         (rc == AWSC_ESERVICE &&
          (err->http_status >= 500 || err->http_status == 429));
}

int xfer_abort(xfer *x, const char *bucket, const char *key,
               const char *upload_id) {
  static const xfer_arg abort_args[] = {{"RequestPayer", NULL},
                                        {"ExpectedBucketOwner", NULL}};
  awsc_error aerr = AWSC_ERROR_INIT;
  awsc_error *keep = x->err;
  awsc_s3_AbortMultipartUploadRequest *in = NULL;
  x->err = &aerr;
  int in_rc = xfer_input(x, "AbortMultipartUpload", abort_args,
                         AWSC_ARRAY_LEN(abort_args), false, (void **)&in);
  x->err = keep;
  int rc = in_rc;
  if (!in_rc) {
    in->bucket = bucket;
    in->key = key;
    in->upload_id = upload_id;
  }
  /* an upload left behind is billed until someone notices: the abort gets
   * a few rounds of the client's retries, not one */
  for (int round = 0; !in_rc && round < XFER_ABORT_ROUNDS; round++) {
    rc = awsc_s3_abort_multipart_upload(NULL, x->client, in, &aerr);
    /* an abort whose answer was lost and was sent again finds it gone */
    if (rc == AWSC_ESERVICE && strcmp(aerr.service_code, "NoSuchUpload") == 0 &&
        (aerr.retry_attempts > 0 || round > 0))
      rc = 0;
    if (!rc || !xfer_transient(rc, &aerr))
      break;
  }
  if (rc)
    awsc_log(x->client->logger, AWSC_LOG_WARN,
             "%s: AbortMultipartUpload of %s failed (%s); the parts stay "
             "until a lifecycle rule or a later abort removes them",
             x->what, upload_id, aerr.message);
  return rc;
}

const char *xfer_copy_source_header(awsc_arena *a, const char *bucket,
                                    const char *key, const char *version_id) {
  awsc_buf b = AWSC_BUF_INIT;
  int rc = awsc_buf_puts(&b, bucket);
  rc = rc ? rc : awsc_buf_putc(&b, '/');
  rc = rc ? rc : awsc_uri_encode(&b, key, strlen(key), true);
  if (!rc && version_id && *version_id)
    rc = awsc_buf_printf(&b, "?versionId=%s", version_id);
  const char *s = rc ? NULL : awsc_arena_strdup(a, b.p);
  awsc_buf_free(&b);
  return s;
}

int xfer_complete(xfer *x, const char *upload_id,
                  const awsc_s3_CompletedPart *parts, const char **etags,
                  uint32_t n) {
  static const xfer_arg complete_args[] = {{"SSECustomerKey", NULL},
                                           {"SSECustomerAlgorithm", NULL},
                                           {"SSECustomerKeyMD5", NULL},
                                           {"RequestPayer", NULL},
                                           {"ExpectedBucketOwner", NULL}};
  awsc_s3_CompleteMultipartUploadRequest *in = NULL;
  int rc = xfer_input(x, "CompleteMultipartUpload", complete_args,
                      AWSC_ARRAY_LEN(complete_args), false, (void **)&in);
  if (rc)
    return rc;
  awsc_s3_CompletedMultipartUpload cm = {parts, n};
  in->upload_id = upload_id;
  in->multipart_upload = &cm;
  awsc_s3_CompleteMultipartUploadOutput *out = NULL;
  rc = awsc_s3_complete_multipart_upload(&out, x->client, in, x->err);
  if (rc)
    return rc;
  /* Ceph RGW answers with an empty ETag: derive S3's multipart ETag */
  const char *e = out->e_tag;
  char computed[64];
  bool derived = false;
  if (!e || !*e || strcmp(e, "\"\"") == 0) {
    derived = xfer_multipart_etag(etags, n, computed, sizeof(computed));
    e = computed;
  }
  xfer_result(x, x->total, n, e, out->version_id, derived);
  awsc_mem_free(out);
  return 0;
}
