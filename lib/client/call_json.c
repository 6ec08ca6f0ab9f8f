/* The generic door: boto3-shaped JSON in, boto3-shaped JSON out. */
#include <string.h>

#include "client/client_internal.h"
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

/* boto3 takes S3's CopySource as {"Bucket", "Key", "VersionId"} too:
 * make it the string "bucket/key[?versionId=v]" (access point ARNs:
 * "arn/object/key"), percent-encoded. *(bool *)ud is set then. */
static int copy_source_dict(awsc_jnode *root, awsc_arena *tmp, void *ud,
                            awsc_error *err) {
  if (!root || root->type != AWSC_J_OBJECT)
    return 0;
  awsc_jnode *cs = NULL;
  for (size_t i = 0; i < root->count; i++)
    if (strcmp(root->members[i].key, "CopySource") == 0)
      cs = root->members[i].value;
  if (!cs || cs->type != AWSC_J_OBJECT)
    return 0;
  const char *bucket = awsc_jtree_get_str(cs, "Bucket");
  const char *key = awsc_jtree_get_str(cs, "Key");
  const char *vid = awsc_jtree_get_str(cs, "VersionId");
  for (size_t i = 0; i < cs->count; i++) {
    const char *k = cs->members[i].key;
    if (strcmp(k, "Bucket") && strcmp(k, "Key") && strcmp(k, "VersionId"))
      return awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                            "Parameter validation failed:\nUnknown key %s "
                            "in CopySource (Bucket, Key, VersionId)",
                            k);
  }
  if (!bucket || !key)
    return awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                          "Parameter validation failed:\nCopySource needs "
                          "Bucket and Key");
  bool arn = strncmp(bucket, "arn:", 4) == 0 && strstr(bucket, ":accesspoint");
  /* encoded here as botocore's _quote_source_header_from_dict does (the
   * version id as is); the pipeline is told not to encode again */
  awsc_buf raw = AWSC_BUF_INIT, b = AWSC_BUF_INIT;
  int rc = awsc_buf_printf(&raw, "%s/%s%s", bucket, arn ? "object/" : "", key);
  if (!rc)
    rc = awsc_uri_encode(&b, raw.p, raw.len, true);
  awsc_buf_free(&raw);
  if (!rc && vid)
    rc = awsc_buf_printf(&b, "?versionId=%s", vid);
  *(bool *)ud = true;
  char *s = rc ? NULL : awsc_arena_strndup(tmp, b.p, b.len);
  size_t n = b.len;
  awsc_buf_free(&b);
  if (!s)
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  cs->type = AWSC_J_STRING;
  cs->s = s;
  cs->n = n;
  return 0;
}

int awsc_call_json(char **json_out, awsc_client *c, const char *opname,
                   const char *json_in, awsc_error *err) {
  if (!c || !opname || !json_out)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_call_json: NULL argument");
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
  int rc = 0;
  awsc_value in = {0};
  bool copy_source_encoded = false;
  const char *text = (json_in && *json_in) ? json_in : "{}";
  if (op->input) {
    bool copy = awsc_client_is_s3(c->svc) &&
                (strcmp(op->name, "CopyObject") == 0 ||
                 strcmp(op->name, "UploadPartCopy") == 0);
    awsc_arena *tmp = awsc_proto_ws_arena(ws->proto);
    rc = tmp ? awsc_value_from_json_tmp(&in, arena, tmp, op->input, text,
                                        strlen(text), 0,
                                        copy ? copy_source_dict : NULL,
                                        &copy_source_encoded, err)
             : awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                              "out of memory");
  } else {
    awsc_sv t = awsc_sv_trim(awsc_sv_from_cstr(text));
    if (!awsc_sv_eq_cstr(t, "{}") && !awsc_sv_eq_cstr(t, "null"))
      rc = awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                          "Operation %s takes no parameters", op->name);
  }
  awsc_call call;
  memset(&call, 0, sizeof(call));
  call.op = op;
  call.input = op->input ? &in : NULL;
  call.arena = arena;
  call.sink.kind = AWSC_SINK_MEMORY;
  call.copy_source_encoded = copy_source_encoded;
  call.ws = ws;
  if (!rc)
    rc = awsc_client_invoke(c, &call, err);
  if (!rc) {
    awsc_buf *out = &ws->text;
    awsc_buf_reset(out);
    if (op->output && call.output.type == AWSC_V_MAP)
      rc = awsc_value_to_json(out, &call.output, op->output, false);
    else
      rc = awsc_buf_puts(out, "{}");
    /* splice the metadata in before the closing brace */
    if (!rc && out->len >= 2 && out->p[out->len - 1] == '}') {
      out->len--;
      out->p[out->len] = '\0';
      if (out->len > 1)
        rc = awsc_buf_putc(out, ',');
      rc = rc ? rc : awsc_response_metadata_json(out, &call.meta);
      rc = rc ? rc : awsc_buf_putc(out, '}');
    }
    char *s = rc ? NULL : awsc_out_strndup(out->p, out->len);
    if (rc || !s)
      rc = awsc_error_set(err, rc ? rc : AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
    *json_out = s;
  }
  awsc_client_ws_give(c, ws);
  awsc_arena_free(arena);
  return rc;
}
