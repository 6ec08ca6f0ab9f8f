/* The generic door: boto3-shaped JSON in, boto3-shaped JSON out. */
#include <stdatomic.h>
#include <string.h>

#include "client/call_body.h"
#include "client/client_internal.h"
#include "client/hooks_internal.h"
#include "runtime/jtree.h"

static int json_str(awsc_buf *b, const char *s) {
  static const char hex[] = "0123456789abcdef";
  int rc = awsc_buf_putc(b, '"');
  for (const unsigned char *p = (const unsigned char *)s; !rc && *p; p++) {
    if (*p == '"' || *p == '\\') {
      rc = awsc_buf_putc(b, '\\');
      if (!rc)
        rc = awsc_buf_putc(b, (char)*p);
    } else if (*p < 0x20) {
      char esc[7] = {'\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15], 0};
      rc = awsc_buf_puts(b, esc);
    } else {
      rc = awsc_buf_putc(b, (char)*p);
    }
  }
  if (!rc)
    rc = awsc_buf_putc(b, '"');
  return rc;
}

/* ,"ResponseMetadata":{...} */
int awsc_response_metadata_json(awsc_buf *b, const awsc_response_metadata *m);
int awsc_response_metadata_json(awsc_buf *b, const awsc_response_metadata *m) {
  int rc = awsc_buf_puts(b, "\"ResponseMetadata\":{\"RequestId\":");
  rc = rc ? rc : json_str(b, m->request_id ? m->request_id : "");
  if (!rc && m->host_id && *m->host_id) {
    rc = awsc_buf_puts(b, ",\"HostId\":");
    rc = rc ? rc : json_str(b, m->host_id);
  }
  rc = rc ? rc
          : awsc_buf_printf(b, ",\"HTTPStatusCode\":%d,\"HTTPHeaders\":{",
                            m->http_status);
  for (size_t i = 0; !rc && i < m->header_count; i++) {
    /* boto3 keeps the last of repeated headers in its dict */
    bool later = false;
    for (size_t j = i + 1; j < m->header_count; j++)
      if (strcmp(m->headers[j].name, m->headers[i].name) == 0)
        later = true;
    if (later)
      continue;
    if (b->len && b->p[b->len - 1] != '{')
      rc = awsc_buf_putc(b, ',');
    rc = rc ? rc : json_str(b, m->headers[i].name);
    rc = rc ? rc : awsc_buf_putc(b, ':');
    rc = rc ? rc : json_str(b, m->headers[i].value);
  }
  rc = rc ? rc
          : awsc_buf_printf(b, "},\"RetryAttempts\":%d}", m->retry_attempts);
  return rc;
}

/* The service's JSON-input hook, and the request payload's place when
 * it comes from a body source (call_body.c), as an awsc_jtree_fix_fn. */
typedef struct json_fix {
  const awsc_operation *op;
  const awsc_service_hooks *hooks;
  const awsc_member *payload; /* NULL: the JSON gives it, if anything */
  bool encoded;
} json_fix;

static int json_input_fix(awsc_jnode *root, awsc_arena *tmp, void *ud,
                          awsc_error *err) {
  json_fix *f = ud;
  int rc =
      f->payload ? awsc_call_body_placeholder(root, tmp, f->payload, err) : 0;
  if (!rc && f->hooks && f->hooks->json_input)
    rc = f->hooks->json_input(f->op, root, tmp, &f->encoded, err);
  return rc;
}

/* "key":value of a map's members, each after a ',', skipping `skip`
 * names (NULL-terminated; NULL: none). Member shapes from `sh` (NULL:
 * none, strings as they are). */
static int members_json(awsc_buf *b, const awsc_value *map,
                        const awsc_shape *sh, const char *const *skip) {
  int rc = 0;
  for (size_t i = 0; !rc && map->type == AWSC_V_MAP && i < map->u.map.n; i++) {
    const awsc_kv *kv = &map->u.map.items[i];
    bool skipped = false;
    for (size_t k = 0; skip && skip[k]; k++)
      if (strlen(skip[k]) == kv->key_len &&
          memcmp(skip[k], kv->key, kv->key_len) == 0)
        skipped = true;
    if (skipped)
      continue;
    const awsc_member *m =
        sh ? awsc_shape_find_member(sh, kv->key, kv->key_len) : NULL;
    rc = awsc_buf_putc(b, ',');
    rc = rc ? rc : awsc_json_put_string(b, kv->key, kv->key_len);
    rc = rc ? rc : awsc_buf_putc(b, ':');
    rc =
        rc ? rc : awsc_value_to_json(b, &kv->value, m ? m->shape : NULL, false);
  }
  return rc;
}

/* boto3's ClientError.response: {"Error": {"Code", "Message", "Type"?,
 * the error document's other elements}, the modeled error's members,
 * "ResponseMetadata"}, as botocore's parsers build it. */
int awsc_call_error_json(awsc_buf *b, const awsc_call *call) {
  static const char *const error_keys[] = {"Code", "Message", "Type", NULL};
  static const char *const top_keys[] = {"Error", "ResponseMetadata", NULL};
  const awsc_service_error *se = &call->service_error;
  awsc_buf_reset(b);
  int rc = awsc_buf_puts(b, "{\"Error\":{\"Code\":");
  rc = rc ? rc : json_str(b, se->code ? se->code : "Unknown");
  rc = rc ? rc : awsc_buf_puts(b, ",\"Message\":");
  rc = rc ? rc : json_str(b, se->message ? se->message : "");
  if (!rc && se->type) {
    rc = awsc_buf_puts(b, ",\"Type\":");
    rc = rc ? rc : json_str(b, se->type);
  }
  rc = rc ? rc : members_json(b, &se->details, NULL, error_keys);
  rc = rc ? rc : awsc_buf_putc(b, '}');
  rc = rc ? rc : members_json(b, &se->fields, se->shape, top_keys);
  rc = rc ? rc : awsc_buf_putc(b, ',');
  rc = rc ? rc : awsc_response_metadata_json(b, &call->meta);
  return rc ? rc : awsc_buf_putc(b, '}');
}

/* The output as boto3 prints it, ResponseMetadata spliced in before the
 * closing brace; *json_out the caller's copy. */
static int output_json(char **json_out, awsc_buf *out, const awsc_call *call,
                       awsc_error *err) {
  awsc_buf_reset(out);
  const awsc_operation *op = call->op;
  int rc = (op->output && call->output.type == AWSC_V_MAP)
               ? awsc_value_to_json(out, &call->output, op->output, false)
               : awsc_buf_puts(out, "{}");
  if (!rc && out->len >= 2 && out->p[out->len - 1] == '}') {
    out->len--;
    out->p[out->len] = '\0';
    if (out->len > 1)
      rc = awsc_buf_putc(out, ',');
    rc = rc ? rc : awsc_response_metadata_json(out, &call->meta);
    rc = rc ? rc : awsc_buf_putc(out, '}');
  }
  char *s = rc ? NULL : awsc_out_strndup(out->p, out->len);
  if (rc || !s)
    return awsc_error_set(err, rc ? rc : AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  *json_out = s;
  return 0;
}

/* The parameters: the caller's JSON (after PROVIDE_CLIENT_PARAMS hooks),
 * validated into `in`, with the request payload from a body source. */
static int input_value(awsc_value *in, awsc_client *c, const awsc_operation *op,
                       const char *json_in, const awsc_call_payload *pl,
                       awsc_arena *arena, awsc_call_ws *ws, bool *encoded,
                       awsc_error *err) {
  int rc = 0;
  json_fix fix = {op, c->svc->hooks, NULL, false};
  const char *text = (json_in && *json_in) ? json_in : "{}";
  if (pl && pl->source && !(fix.payload = awsc_call_blob_payload(op->input)))
    return awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                          "Operation %s has no blob payload to take a "
                          "request body",
                          op->name);
  if (atomic_load(&c->hook_reg))
    rc = awsc_hooks_provide_params(c, op, &text, arena, err);
  if (!rc && op->input) {
    bool hook = (fix.hooks && fix.hooks->json_input) || fix.payload;
    awsc_arena *tmp = awsc_proto_ws_arena(ws->proto);
    rc = tmp ? awsc_value_from_json_tmp(in, arena, tmp, op->input, text,
                                        strlen(text), 0,
                                        hook ? json_input_fix : NULL, &fix, err)
             : awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                              "out of memory");
    if (!rc && fix.payload)
      rc = awsc_call_body_attach(in, arena, fix.payload, pl->source, err);
  } else if (!rc) {
    awsc_sv t = awsc_sv_trim(awsc_sv_from_cstr(text));
    if (!awsc_sv_eq_cstr(t, "{}") && !awsc_sv_eq_cstr(t, "null"))
      rc = awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                          "Operation %s takes no parameters", op->name);
  }
  *encoded = fix.encoded;
  return rc;
}

int awsc_call_json_run(char **json_out, awsc_client *c, const char *opname,
                       const char *json_in, bool keep_error,
                       const awsc_call_payload *pl, awsc_error *err) {
  if (!c || !opname || !json_out)
    return awsc_error_set(
        err, AWSC_EINVAL, AWSC_ERROR_VALIDATION, "%s: NULL argument",
        keep_error ? "awsc_call_json_response" : "awsc_call_json");
  *json_out = NULL;
  const awsc_operation *op = awsc_service_find_operation(c->svc, opname);
  if (!op)
    return awsc_error_set(err, AWSC_ENOTFOUND, AWSC_ERROR_VALIDATION,
                          "Operation %s not found in service %s", opname,
                          c->svc->service_id ? c->svc->service_id : "?");
  /* the call's arena and workspace are the client's, reused: the input
   * tree is built in the workspace's scratch arena, the output JSON in
   * its text buffer, and the caller's string is one exact allocation */
  awsc_arena *arena = awsc_client_arena(c);
  awsc_call_ws *ws = arena ? awsc_client_ws_take(c) : NULL;
  if (!ws) {
    awsc_arena_free(arena);
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  }
  awsc_value in = {0};
  bool encoded = false;
  int rc = input_value(&in, c, op, json_in, pl, arena, ws, &encoded, err);
  awsc_call call;
  memset(&call, 0, sizeof(call));
  call.op = op;
  call.input = op->input ? &in : NULL;
  call.arena = arena;
  call.sink.kind = AWSC_SINK_MEMORY;
  const awsc_member *out_pm = pl ? awsc_call_blob_payload(op->output) : NULL;
  if (out_pm)
    call.sink = *pl->sink; /* streaming payloads: the pipeline's sink */
  call.copy_source_encoded = encoded;
  call.ws = ws;
  call.keep_service_error = keep_error;
  if (!rc)
    rc = awsc_client_invoke(c, &call, err);
  if (rc == AWSC_ESERVICE && keep_error) {
    /* the error stays the call's status; the document is extra */
    awsc_buf *out = &ws->text;
    if (awsc_call_error_json(out, &call) ||
        !(*json_out = awsc_out_strndup(out->p, out->len)))
      rc = awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  }
  if (!rc && out_pm)
    rc = awsc_call_body_deliver(&call, out_pm, pl, err);
  if (!rc) {
    rc = output_json(json_out, &ws->text, &call, err);
    if (rc && pl && pl->body_out && *pl->body_out) {
      awsc_mem_free(*pl->body_out);
      *pl->body_out = NULL;
      *pl->body_len_out = 0;
    }
  }
  awsc_client_ws_give(c, ws);
  awsc_arena_free(arena);
  return rc;
}

int awsc_call_json(char **json_out, awsc_client *c, const char *opname,
                   const char *json_in, awsc_error *err) {
  return awsc_call_json_run(json_out, c, opname, json_in, false, NULL, err);
}

int awsc_call_json_response(char **json_out, awsc_client *c, const char *opname,
                            const char *json_in, awsc_error *err) {
  return awsc_call_json_run(json_out, c, opname, json_in, true, NULL, err);
}
