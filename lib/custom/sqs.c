/*
 * lib/custom/sqs.c - SQS's hook table: the message
 * MD5 checks every AWS SDK makes (Java's MessageMD5ChecksumHandler, Ruby's
 * Md5s plugin, Go's checksums.go), and a read timeout long enough for
 * long polling.
 *
 * The digest of message attributes is specified by SQS ("Calculating the
 * MD5 message digest for message attributes"): attributes sorted by name;
 * for each one, the name, the data type, a transport byte (1 string,
 * 2 binary, 3 string list, 4 binary list) and the value(s), every string
 * and byte sequence preceded by its length as 4 big-endian bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "custom/custom.h"

static bool op_is(const awsc_operation *op, const char *name) {
  return op && op->name && strcmp(op->name, name) == 0;
}

static const char *str_member(const awsc_value *v, const char *key) {
  const awsc_value *m = awsc_value_get(v, key);
  return m && m->type == AWSC_V_STRING ? m->u.s.p : NULL;
}

static void md5_hex(awsc_md5_ctx *ctx, char out[33]) {
  uint8_t d[AWSC_MD5_LEN];
  awsc_md5_final(ctx, d);
  awsc_hex_encode(d, AWSC_MD5_LEN, out);
  out[32] = '\0';
}

static void put_len_bytes(awsc_md5_ctx *ctx, const void *p, size_t n) {
  uint8_t len[4] = {(uint8_t)(n >> 24), (uint8_t)(n >> 16), (uint8_t)(n >> 8),
                    (uint8_t)n};
  awsc_md5_update(ctx, len, 4);
  if (n)
    awsc_md5_update(ctx, p, n);
}

/* Bytes of a STRING or BLOB value (a blob given as JSON text arrives as a
 * STRING of its bytes). */
static bool bytes_of(const awsc_value *v, const char **p, size_t *n) {
  if (!v || (v->type != AWSC_V_STRING && v->type != AWSC_V_BLOB))
    return false;
  *p = v->u.s.p ? v->u.s.p : "";
  *n = v->u.s.n;
  return true;
}

static void put_list(awsc_md5_ctx *ctx, uint8_t transport,
                     const awsc_value *list) {
  awsc_md5_update(ctx, &transport, 1);
  for (size_t i = 0; i < list->u.list.n; i++) {
    const char *p;
    size_t n;
    if (bytes_of(&list->u.list.items[i], &p, &n))
      put_len_bytes(ctx, p, n);
  }
}

static int cmp_kv(const void *a, const void *b) {
  const awsc_kv *x = *(const awsc_kv *const *)a;
  const awsc_kv *y = *(const awsc_kv *const *)b;
  size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
  int c = memcmp(x->key, y->key, n);
  if (c)
    return c;
  return x->key_len < y->key_len ? -1 : x->key_len > y->key_len;
}

/* Digest of a MessageAttributes / MessageSystemAttributes map. Returns
 * false when there is nothing to digest (absent or empty map), or when
 * memory runs out (then no check is made rather than a false alarm). */
static bool attributes_md5(const awsc_value *map, char out[33]) {
  if (!map || map->type != AWSC_V_MAP || map->u.map.n == 0)
    return false;
  size_t n = map->u.map.n;
  const awsc_kv **sorted = awsc_calloc(n, sizeof(*sorted));
  if (!sorted)
    return false;
  for (size_t i = 0; i < n; i++)
    sorted[i] = &map->u.map.items[i];
  qsort(sorted, n, sizeof(*sorted), cmp_kv);
  awsc_md5_ctx ctx;
  awsc_md5_init(&ctx);
  for (size_t i = 0; i < n; i++) {
    const awsc_kv *kv = sorted[i];
    const awsc_value *a = &kv->value;
    put_len_bytes(&ctx, kv->key, kv->key_len);
    const char *dt = str_member(a, "DataType");
    put_len_bytes(&ctx, dt ? dt : "", dt ? strlen(dt) : 0);
    const char *p;
    size_t len;
    const awsc_value *sl = awsc_value_get(a, "StringListValues");
    const awsc_value *bl = awsc_value_get(a, "BinaryListValues");
    if (bytes_of(awsc_value_get(a, "StringValue"), &p, &len)) {
      uint8_t t = 1;
      awsc_md5_update(&ctx, &t, 1);
      put_len_bytes(&ctx, p, len);
    } else if (bytes_of(awsc_value_get(a, "BinaryValue"), &p, &len)) {
      uint8_t t = 2;
      awsc_md5_update(&ctx, &t, 1);
      put_len_bytes(&ctx, p, len);
    } else if (sl && sl->type == AWSC_V_LIST && sl->u.list.n) {
      put_list(&ctx, 3, sl);
    } else if (bl && bl->type == AWSC_V_LIST && bl->u.list.n) {
      put_list(&ctx, 4, bl);
    }
  }
  awsc_free(sorted);
  md5_hex(&ctx, out);
  return true;
}

static int mismatch(awsc_error *err, const char *what, const char *id_kind,
                    const char *id, const char *returned,
                    const char *computed) {
  return awsc_error_set(err, AWSC_EPARSE, AWSC_ERROR_PARSE,
                        "MD5 of %s does not match (%s %.80s: SQS returned "
                        "%.40s, computed %s)",
                        what, id_kind, id ? id : "?", returned, computed);
}

/* Compare a returned digest (if any) with the body's digest. */
static int check_body(const char *body, size_t n, const char *returned,
                      const char *id_kind, const char *id, awsc_error *err) {
  if (!returned || !body)
    return 0;
  awsc_md5_ctx ctx;
  awsc_md5_init(&ctx);
  awsc_md5_update(&ctx, body, n);
  char hex[33];
  md5_hex(&ctx, hex);
  if (strcasecmp(hex, returned) != 0)
    return mismatch(err, "message body", id_kind, id, returned, hex);
  return 0;
}

static int check_attrs(const awsc_value *map, const char *returned,
                       const char *what, const char *id_kind, const char *id,
                       awsc_error *err) {
  char hex[33];
  if (!returned || !attributes_md5(map, hex))
    return 0;
  if (strcasecmp(hex, returned) != 0)
    return mismatch(err, what, id_kind, id, returned, hex);
  return 0;
}

/* One sent message (SendMessage input or a batch entry) against its
 * result. */
static int check_sent(const awsc_value *sent, const awsc_value *result,
                      const char *id_kind, const char *id, awsc_error *err) {
  const awsc_value *body = awsc_value_get(sent, "MessageBody");
  int rc = 0;
  if (body && body->type == AWSC_V_STRING)
    rc = check_body(body->u.s.p, body->u.s.n,
                    str_member(result, "MD5OfMessageBody"), id_kind, id, err);
  if (!rc)
    rc = check_attrs(awsc_value_get(sent, "MessageAttributes"),
                     str_member(result, "MD5OfMessageAttributes"),
                     "message attributes", id_kind, id, err);
  if (!rc)
    rc = check_attrs(awsc_value_get(sent, "MessageSystemAttributes"),
                     str_member(result, "MD5OfMessageSystemAttributes"),
                     "message system attributes", id_kind, id, err);
  return rc;
}

static const awsc_value *list_member(const awsc_value *v, const char *key) {
  const awsc_value *l = awsc_value_get(v, key);
  return l && l->type == AWSC_V_LIST ? l : NULL;
}

/* After parse: check the MD5 digests SQS returns against the ones
 * computed here (SendMessage: MD5OfMessageBody, MD5OfMessageAttributes,
 * MD5OfMessageSystemAttributes against the request; SendMessageBatch: the
 * same per successful entry, matched by Id; ReceiveMessage: MD5OfBody and
 * MD5OfMessageAttributes against each message). Only digests the service
 * returned are checked; a mismatch is AWSC_EPARSE "MD5 of message body
 * does not match (...)". The input is the caller's, as given. */
static int sqs_check_md5(awsc_client *c, awsc_call *call, awsc_value *output,
                         awsc_error *err) {
  (void)c;
  const awsc_operation *op = call->op;
  const awsc_value *input = call->input;
  if (!output)
    return 0;
  if (op_is(op, "SendMessage") && input)
    return check_sent(input, output, "MessageId",
                      str_member(output, "MessageId"), err);
  if (op_is(op, "SendMessageBatch") && input) {
    const awsc_value *entries = list_member(input, "Entries");
    const awsc_value *ok = list_member(output, "Successful");
    for (size_t i = 0; entries && ok && i < ok->u.list.n; i++) {
      const awsc_value *r = &ok->u.list.items[i];
      const char *id = str_member(r, "Id");
      for (size_t j = 0; id && j < entries->u.list.n; j++) {
        const awsc_value *e = &entries->u.list.items[j];
        const char *eid = str_member(e, "Id");
        if (eid && strcmp(eid, id) == 0) {
          int rc = check_sent(e, r, "batch entry", id, err);
          if (rc)
            return rc;
          break;
        }
      }
    }
    return 0;
  }
  if (op_is(op, "ReceiveMessage")) {
    const awsc_value *msgs = list_member(output, "Messages");
    for (size_t i = 0; msgs && i < msgs->u.list.n; i++) {
      const awsc_value *m = &msgs->u.list.items[i];
      const char *id = str_member(m, "MessageId");
      const awsc_value *body = awsc_value_get(m, "Body");
      int rc = 0;
      if (body && body->type == AWSC_V_STRING)
        rc = check_body(body->u.s.p, body->u.s.n, str_member(m, "MD5OfBody"),
                        "MessageId", id, err);
      if (!rc)
        rc = check_attrs(awsc_value_get(m, "MessageAttributes"),
                         str_member(m, "MD5OfMessageAttributes"),
                         "message attributes", "MessageId", id, err);
      if (rc)
        return rc;
    }
  }
  return 0;
}

/* SQS's maximum WaitTimeSeconds (and ReceiveMessageWaitTimeSeconds). */
#define SQS_MAX_WAIT_S 20
#define WAIT_SLACK_S 10

/* ReceiveMessage long polls: the server stays silent for up to
 * WaitTimeSeconds (or the queue's ReceiveMessageWaitTimeSeconds, at most
 * 20 s, when the request names none), so the call gets that plus 10 s of
 * slack when the session's read timeout is shorter. */
static long sqs_read_timeout_ms(const awsc_client *c, const awsc_operation *op,
                                const awsc_value *input) {
  if (!c || !op_is(op, "ReceiveMessage"))
    return 0;
  const awsc_value *w = input ? awsc_value_get(input, "WaitTimeSeconds") : NULL;
  int64_t wait = SQS_MAX_WAIT_S;
  if (w && w->type == AWSC_V_INT && w->u.i >= 0 && w->u.i <= 3600)
    wait = w->u.i;
  if (wait == 0)
    return 0; /* answered at once */
  long need = (long)(wait + WAIT_SLACK_S) * 1000L;
  return need > awsc_session_read_timeout_ms(c->session) ? need : 0;
}

const awsc_service_hooks awsc_sqs_hooks = {
    .name = "sqs",
    .after_parse = sqs_check_md5,
    .read_timeout_ms = sqs_read_timeout_ms,
};
