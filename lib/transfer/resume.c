/*
 * Pause and resume of a multipart upload_file (awsc/transfer.h): the
 * resume token a paused (or, resumable, failed) upload leaves in its
 * control, and the plan of a resumed upload from such a token.
 *
 * The token is JSON text the caller stores as it is:
 *   {"awsc_resume":1,"bucket":..,"key":..,"upload_id":..,
 *    "part_size":N,"size":N,"mtime_ns":N,"checksum_algorithm":"CRC32",
 *    "parts":[[n,"etag","checksum"],..]}
 * A resume checks it against the call (bucket, key) and the file (size
 * and modification time: a changed file would make a different object),
 * then asks the server which parts it has (ListParts, every page): a part
 * of the token counts as done only when the server lists it with the
 * same ETag and the size the plan gives it. Everything else is sent.
 */
#include <inttypes.h>
#include <string.h>

#include "client/client_internal.h"
#include "runtime/jtree.h"
#include "transfer/transfer_internal.h"

#define TOKEN_VERSION 1

/* s as a JSON string. */
static int put_str(awsc_buf *b, const char *s) {
  int rc = awsc_buf_putc(b, '"');
  for (const unsigned char *p = (const unsigned char *)(s ? s : ""); !rc && *p;
       p++) {
    if (*p == '"' || *p == '\\')
      rc = awsc_buf_putc(b, '\\') || awsc_buf_putc(b, (char)*p);
    else if (*p < 0x20)
      rc = awsc_buf_printf(b, "\\u%04x", *p) < 0;
    else
      rc = awsc_buf_putc(b, (char)*p);
  }
  return rc ? AWSC_ENOMEM : awsc_buf_putc(b, '"');
}

int xfer_resume_token_make(xfer *x, const xfer_upload_plan *p) {
  if (!x->control)
    return 0;
  awsc_buf b = AWSC_BUF_INIT;
  int rc =
      awsc_buf_printf(&b, "{\"awsc_resume\":%d,\"bucket\":", TOKEN_VERSION);
  rc = rc < 0 ? rc : put_str(&b, x->bucket);
  rc = rc < 0 ? rc : awsc_buf_puts(&b, ",\"key\":");
  rc = rc < 0 ? rc : put_str(&b, x->key);
  rc = rc < 0 ? rc : awsc_buf_puts(&b, ",\"upload_id\":");
  rc = rc < 0 ? rc : put_str(&b, p->upload_id);
  if (rc >= 0)
    rc = awsc_buf_printf(&b,
                         ",\"part_size\":%" PRIu64 ",\"size\":%" PRIu64
                         ",\"mtime_ns\":%" PRId64 ",\"checksum_algorithm\":",
                         p->part_size, x->total, p->mtime_ns);
  rc = rc < 0 ? rc : put_str(&b, x->alg_name ? x->alg_name : "");
  rc = rc < 0 ? rc : awsc_buf_puts(&b, ",\"parts\":[");
  bool first = true;
  for (uint32_t i = 0; rc >= 0 && i < p->n; i++) {
    if (!p->etags[i])
      continue;
    const char *ck = GET_CHECKSUM(&p->parts[i], x->alg);
    rc = awsc_buf_printf(&b, "%s[%u,", first ? "" : ",", i + 1);
    rc = rc < 0 ? rc : put_str(&b, p->etags[i]);
    rc = rc < 0 ? rc : awsc_buf_putc(&b, ',');
    rc = rc < 0 ? rc : put_str(&b, ck);
    rc = rc < 0 ? rc : awsc_buf_putc(&b, ']');
    first = false;
  }
  rc = rc < 0 ? rc : awsc_buf_puts(&b, "]}");
  if (rc >= 0)
    rc = xfer_control_set_token(x->control, b.p, b.len);
  awsc_buf_free(&b);
  if (rc < 0)
    awsc_log(x->client->logger, AWSC_LOG_WARN,
             "%s: no resume token for upload %s of %s (out of memory)", x->what,
             p->upload_id, x->key);
  return rc < 0 ? AWSC_ENOMEM : 0;
}

static int bad_token(xfer *x, const char *why) {
  return awsc_error_set(x->err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                        "%s: resume token: %s", x->what, why);
}

/* The token's parts into p (their slots in the plan), unchecked yet. */
static int token_parts(xfer *x, const awsc_jnode *parts, xfer_upload_plan *p) {
  for (size_t j = 0; parts && j < parts->count; j++) {
    const awsc_jnode *e = parts->items[j];
    if (e->type != AWSC_J_ARRAY || e->count != 3 ||
        e->items[0]->type != AWSC_J_INT || e->items[1]->type != AWSC_J_STRING ||
        e->items[2]->type != AWSC_J_STRING)
      return bad_token(x, "a part is not [number, etag, checksum]");
    int64_t pn = e->items[0]->i;
    if (pn < 1 || pn > (int64_t)p->n)
      return bad_token(x, "a part number is out of the plan");
    awsc_s3_CompletedPart *cp = &p->parts[pn - 1];
    cp->part_number = (int32_t)pn;
    cp->has_part_number = true;
    cp->e_tag = e->items[1]->s;
    const char *ck = *e->items[2]->s ? e->items[2]->s : NULL;
    SET_CHECKSUM(cp, x->alg, ck);
  }
  return 0;
}

/* Keep of the token's parts those the server lists with the same ETag
 * and the planned size (p->etags[i] set for them). */
static int check_listed(xfer *x, xfer_upload_plan *p) {
  awsc_s3_ListPartsRequest in;
  memset(&in, 0, sizeof(in));
  in.bucket = x->bucket;
  in.key = x->key;
  in.upload_id = p->upload_id;
  in.sse_customer_algorithm = xfer_arg_str(x, "SSECustomerAlgorithm");
  in.sse_customer_key = xfer_arg_str(x, "SSECustomerKey");
  in.sse_customer_key_md5 = xfer_arg_str(x, "SSECustomerKeyMD5");
  in.request_payer = xfer_arg_str(x, "RequestPayer");
  in.expected_bucket_owner = xfer_arg_str(x, "ExpectedBucketOwner");
  for (int page = 0; page < XFER_MAX_PARTS; page++) {
    awsc_s3_ListPartsOutput *out = NULL;
    int rc = awsc_s3_list_parts(&out, x->client, &in, x->err);
    if (rc)
      return rc;
    for (size_t j = 0; j < out->parts_count; j++) {
      const awsc_s3_Part *lp = &out->parts[j];
      int32_t pn = lp->part_number;
      if (!lp->has_part_number || pn < 1 || (uint32_t)pn > p->n)
        continue;
      awsc_s3_CompletedPart *cp = &p->parts[pn - 1];
      uint64_t off = (uint64_t)(pn - 1) * p->part_size;
      uint64_t len =
          x->total - off < p->part_size ? x->total - off : p->part_size;
      if (cp->e_tag && lp->e_tag && strcmp(cp->e_tag, lp->e_tag) == 0 &&
          (!lp->has_size || (uint64_t)lp->size == len))
        p->etags[pn - 1] = cp->e_tag;
    }
    bool more = out->has_is_truncated && out->is_truncated &&
                out->has_next_part_number_marker &&
                out->next_part_number_marker > in.part_number_marker;
    if (more) {
      in.part_number_marker = out->next_part_number_marker;
      in.has_part_number_marker = true;
    }
    awsc_mem_free(out);
    if (!more)
      break;
  }
  /* a part the server does not vouch for is sent again */
  for (uint32_t i = 0; i < p->n; i++)
    if (!p->etags[i])
      memset(&p->parts[i], 0, sizeof(p->parts[i]));
  return 0;
}

int xfer_resume_load(xfer *x, xfer_upload_plan *p) {
  awsc_jnode *t = NULL;
  awsc_error perr = AWSC_ERROR_INIT;
  const char *tok = x->resume_token;
  if (awsc_jtree_parse(&t, x->arena, tok, strlen(tok), 0, &perr) != 0 ||
      t->type != AWSC_J_OBJECT)
    return bad_token(x, "not a JSON object");
  const awsc_jnode *v = awsc_jtree_get(t, "awsc_resume");
  const awsc_jnode *ps = awsc_jtree_get(t, "part_size");
  const awsc_jnode *sz = awsc_jtree_get(t, "size");
  const awsc_jnode *mt = awsc_jtree_get(t, "mtime_ns");
  const awsc_jnode *parts = awsc_jtree_get(t, "parts");
  const char *bucket = awsc_jtree_get_str(t, "bucket");
  const char *key = awsc_jtree_get_str(t, "key");
  const char *id = awsc_jtree_get_str(t, "upload_id");
  if (!v || v->type != AWSC_J_INT || v->i != TOKEN_VERSION)
    return bad_token(x, "not a token of this version");
  if (!ps || ps->type != AWSC_J_INT || !sz || sz->type != AWSC_J_INT || !mt ||
      mt->type != AWSC_J_INT || !bucket || !key || !id || !*id ||
      (parts && parts->type != AWSC_J_ARRAY))
    return bad_token(x, "a member is missing or mistyped");
  if (strcmp(bucket, x->bucket) != 0 || strcmp(key, x->key) != 0)
    return bad_token(x, "it is for another bucket or key");
  if ((uint64_t)sz->i != x->total || mt->i != p->mtime_ns)
    return bad_token(x, "the file changed since the upload was paused");
  const char *alg = awsc_jtree_get_str(t, "checksum_algorithm");
  if (!alg || strcmp(alg, x->alg_name ? x->alg_name : "") != 0)
    return bad_token(x, "it was made with another ChecksumAlgorithm");
  if (ps->i < (int64_t)XFER_MIN_PART || ps->i > (int64_t)XFER_MAX_PART ||
      x->total / (uint64_t)ps->i >= XFER_MAX_PARTS + 1)
    return bad_token(x, "its part size does not fit the file");
  p->upload_id = id;
  p->part_size = (uint64_t)ps->i;
  p->n = (uint32_t)(x->total / p->part_size + (x->total % p->part_size != 0));
  if (p->n == 0)
    p->n = 1;
  p->parts = awsc_arena_calloc(x->arena, p->n, sizeof(*p->parts));
  p->etags = awsc_arena_calloc(x->arena, p->n, sizeof(*p->etags));
  if (!p->parts || !p->etags)
    return awsc_error_set(x->err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  int rc = token_parts(x, parts, p);
  return rc ? rc : check_listed(x, p);
}
