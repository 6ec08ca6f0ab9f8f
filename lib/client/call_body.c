/*
 * lib/client/call_body.c - awsc_call_json_body: the JSON door with the
 * payload (the blob payload member, streaming or not) outside the JSON,
 * raw bytes both ways: a request body from memory, a file or a read
 * callback; the response's to memory, a file or a write callback.
 *
 * The request side rides on what the typed door already does: the body
 * source becomes the payload member's STREAM value, which the serializer
 * and the pipeline send as a streamed or in-memory body. The response
 * side uses the pipeline's sink for streaming payloads (so that a large
 * GetObject never sits in memory when it goes to a file or callback) and
 * takes a non-streaming blob out of the parsed output.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "client/call_body.h"

const awsc_member *awsc_call_blob_payload(const awsc_shape *sh) {
  if (!sh || sh->payload_index < 0)
    return NULL;
  const awsc_member *m = &sh->members[sh->payload_index];
  return m->shape->type == AWSC_SHAPE_BLOB ? m : NULL;
}

int awsc_call_body_placeholder(awsc_jnode *root, awsc_arena *tmp,
                               const awsc_member *pm, awsc_error *err) {
  if (!root || root->type != AWSC_J_OBJECT)
    return 0; /* validation says what is wrong */
  for (size_t i = 0; i < root->count; i++)
    if (strcmp(root->members[i].key, pm->name) == 0 &&
        root->members[i].value->type != AWSC_J_NULL)
      return awsc_error_set(err, AWSC_EVALIDATION, AWSC_ERROR_VALIDATION,
                            "Parameter validation failed:\n%s given twice: "
                            "in the parameters and as the request body",
                            pm->name);
  awsc_jmember *ms =
      awsc_arena_alloc(tmp, (root->count + 1) * sizeof(awsc_jmember));
  awsc_jnode *v = awsc_arena_calloc(tmp, 1, sizeof(*v));
  if (!ms || !v)
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  size_t n = 0;
  for (size_t i = 0; i < root->count; i++)
    if (strcmp(root->members[i].key, pm->name) != 0)
      ms[n++] = root->members[i];
  v->type = AWSC_J_STRING;
  v->s = "";
  ms[n].key = pm->name;
  ms[n].key_len = strlen(pm->name);
  ms[n].value = v;
  root->members = ms;
  root->count = n + 1;
  return 0;
}

int awsc_call_body_attach(awsc_value *in, awsc_arena *a, const awsc_member *pm,
                          const awsc_body_source *src, awsc_error *err) {
  awsc_value sv;
  memset(&sv, 0, sizeof(sv));
  sv.type = AWSC_V_STREAM;
  sv.u.stream = (void *)src; /* read only: the pipeline copies it */
  const awsc_value *out = NULL;
  if (awsc_value_with_member(a, in, pm->name, &sv, &out))
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  *in = *out;
  return 0;
}

/* call->output without member `name`. */
static int drop_member(awsc_call *call, const char *name) {
  awsc_value_builder vb;
  awsc_vb_init(&vb, call->arena);
  awsc_vb_begin_map(&vb);
  for (size_t i = 0; i < call->output.u.map.n; i++) {
    const awsc_kv *kv = &call->output.u.map.items[i];
    if (strcmp(kv->key, name) == 0)
      continue;
    awsc_vb_key(&vb, kv->key, kv->key_len);
    awsc_vb_value(&vb, &kv->value);
  }
  awsc_vb_end(&vb);
  return awsc_vb_finish(&vb, &call->output);
}

/* A non-streaming payload in memory to the caller's file. */
static int write_file(const char *path, const void *p, size_t n,
                      awsc_error *err) {
  FILE *f = fopen(path, "wb");
  bool ok = f && (n == 0 || fwrite(p, 1, n, f) == n);
  int e = errno;
  if (f && fclose(f) != 0 && ok) {
    ok = false;
    e = errno;
  }
  if (ok)
    return 0;
  char eb[128];
  return awsc_error_set(err, AWSC_EIO, AWSC_ERROR_IO, "cannot write %s: %s",
                        path, awsc_errno_text(e, eb, sizeof(eb)));
}

int awsc_call_body_deliver(awsc_call *call, const awsc_member *pm,
                           const awsc_call_payload *pl, awsc_error *err) {
  const awsc_value *v = call->output.type == AWSC_V_MAP
                            ? awsc_value_get(&call->output, pm->name)
                            : NULL;
  const char *p = (v && (v->type == AWSC_V_BLOB || v->type == AWSC_V_STRING))
                      ? v->u.s.p
                      : "";
  size_t n = (v && (v->type == AWSC_V_BLOB || v->type == AWSC_V_STRING))
                 ? v->u.s.n
                 : 0;
  /* a streamed payload went to a file or callback sink already and is
   * not in the output; when it is there, the answer never came through
   * the sink (a BEFORE_CALL hook gave it) and is delivered here */
  bool streamed = ((pm->flags & AWSC_MF_STREAMING) ||
                   (pm->shape->flags & AWSC_SF_STREAMING)) &&
                  !v;
  int rc = 0;
  if (pl->sink->kind == AWSC_SINK_MEMORY && pl->body_out) {
    char *copy = awsc_out_strndup(p, n);
    if (!copy)
      return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                            "out of memory");
    *pl->body_out = copy;
    *pl->body_len_out = n;
  } else if (pl->sink->kind == AWSC_SINK_FILE && !streamed) {
    rc = write_file(pl->sink->path, p, n, err);
  } else if (pl->sink->kind == AWSC_SINK_CALLBACK && !streamed && n) {
    int wrc = pl->sink->write(p, n, pl->sink->user_data);
    if (wrc)
      rc = awsc_error_set(err, wrc < 0 ? wrc : AWSC_ECANCELLED, AWSC_ERROR_IO,
                          "%s: the write callback refused the payload (%d)",
                          call->op->name, wrc);
  }
  if (!rc && v && drop_member(call, pm->name)) {
    if (pl->body_out && *pl->body_out) {
      awsc_mem_free(*pl->body_out);
      *pl->body_out = NULL;
      *pl->body_len_out = 0;
    }
    rc = awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL, "out of memory");
  }
  return rc;
}

/* Options as the header says they may be. */
static int check_options(const awsc_call_body_options *o, awsc_error *err) {
  const char *why = NULL;
  if (!AWSC_VERSION_OK(o->version, AWSC_CALL_BODY_OPTIONS_VERSION))
    why = "version";
  else if (o->request_body.kind < AWSC_BODY_NONE ||
           o->request_body.kind > AWSC_BODY_CALLBACK)
    why = "request_body.kind";
  else if (o->request_body.kind == AWSC_BODY_FILE && !o->request_body.path)
    why = "request_body.path";
  else if (o->request_body.kind == AWSC_BODY_CALLBACK && !o->request_body.read)
    why = "request_body.read";
  else if (o->response_sink.kind < AWSC_SINK_MEMORY ||
           o->response_sink.kind > AWSC_SINK_CALLBACK)
    why = "response_sink.kind";
  else if (o->response_sink.kind == AWSC_SINK_FILE && !o->response_sink.path)
    why = "response_sink.path";
  else if (o->response_sink.kind == AWSC_SINK_CALLBACK &&
           !o->response_sink.write)
    why = "response_sink.write";
  else if (o->error_response != AWSC_TOGGLE_DEFAULT &&
           o->error_response != AWSC_TOGGLE_ON &&
           o->error_response != AWSC_TOGGLE_OFF)
    why = "error_response";
  if (!why)
    return 0;
  return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                        "awsc_call_json_body: bad option %s", why);
}

int awsc_call_json_body(char **json_out, void **body_out, size_t *body_len_out,
                        awsc_client *c, const char *opname, const char *json_in,
                        const awsc_call_body_options *options,
                        awsc_error *err) {
  static const awsc_call_body_options defaults = AWSC_CALL_BODY_OPTIONS_INIT;
  const awsc_call_body_options *o = options ? options : &defaults;
  size_t len_sink;
  if (body_out)
    *body_out = NULL;
  if (body_len_out)
    *body_len_out = 0;
  int rc = check_options(o, err);
  if (rc)
    return rc;
  awsc_call_payload pl;
  pl.source = o->request_body.kind != AWSC_BODY_NONE ? &o->request_body : NULL;
  pl.sink = &o->response_sink;
  pl.body_out = body_out;
  pl.body_len_out = body_len_out ? body_len_out : &len_sink;
  return awsc_call_json_run(json_out, c, opname, json_in,
                            o->error_response == AWSC_TOGGLE_ON, &pl, err);
}
