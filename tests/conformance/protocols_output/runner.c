/*
 * tests/conformance/protocols_output/runner.c - botocore's protocol
 * output suites (tests/unit/protocols/{output,legacy/output}/ files, see
 * tests/data/protocols/README) run through awsc_protocol_parse_output
 * and awsc_protocol_parse_error, as botocore's test_output_compliance
 * does:
 *   - service = metadata + shapes + the case's `given` operation
 *     (awsc_service_from_parts);
 *   - skips: the case id or suite description listed under
 *     general.output or protocols.<file basename>.output of the ignore
 *     list (legacy files share their basename's entries);
 *   - quirk: for query non-error cases whose output shape has members,
 *     resultWrapper is forced to "<OperationName>Result";
 *   - a missing response body is "" ("<xml/>" for query); event-stream
 *     bodies are base64 in the suite;
 *   - results compare structurally (compare.h): timestamps are instants,
 *     blobs compare as their bytes, "NaN"/"Infinity" strings match the
 *     special doubles;
 *   - errors: Code and Message, and the modeled error's members when the
 *     code names an error shape. botocore's runner looks the code up in
 *     the whole model (ServiceModel.shape_for_error_code); our parser
 *     looks among the operations' errors, so the runner lists every
 *     exception shape of the suite as an error of the operation.
 *   - headers keep the case the suite gives them (botocore's HeadersDict
 *     is case-insensitive and case-preserving).
 *
 * usage: protocols_output <suite.json> <ignore-list.json> [auto|expat|scan]
 * Prints every FAIL with the case id and what differs, every skip with
 * its reason, then "N passed, N failed, N skipped". Exit status 1 when a
 * case failed or memory leaked.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "protocols/parse_internal.h"
#include "protocols/protocol.h"
#include "test.h"

static int n_pass, n_fail, n_skip;

typedef struct ignore {
  const awsc_jnode *general; /* general.output */
  const awsc_jnode *proto;   /* protocols.<base>.output */
} ignore;

static bool listed(const awsc_jnode *sect, const char *list, const char *s) {
  const awsc_jnode *arr = awsc_jtree_get(sect, list);
  if (!s || !arr || arr->type != AWSC_J_ARRAY)
    return false;
  for (size_t i = 0; i < arr->count; i++)
    if (arr->items[i]->type == AWSC_J_STRING &&
        strcmp(arr->items[i]->s, s) == 0)
      return true;
  return false;
}

/* botocore's _should_ignore_test(protocol, "output", suite, case id) */
static const char *skip_reason(const ignore *ig, const char *suite,
                               const char *id) {
  if (listed(ig->general, "suites", suite))
    return "ignore list: general output suite";
  if (listed(ig->general, "cases", id))
    return "ignore list: general output case";
  if (listed(ig->proto, "suites", suite))
    return "ignore list: protocol output suite";
  if (listed(ig->proto, "cases", id))
    return "ignore list: protocol output case";
  return NULL;
}

static int tokenizer = AWSC_XML_AUTO;

static const char *base64_decode(awsc_arena *a, const char *s, size_t n,
                                 size_t *out_n) {
  uint8_t *o = awsc_arena_alloc(a, n / 4 * 3 + 4);
  if (!o || awsc_base64_decode(s, n, o, out_n) != AWSC_OK)
    return NULL;
  return (const char *)o;
}

static bool has_event_stream(const awsc_shape *s) {
  for (uint32_t i = 0; s && i < s->member_count; i++)
    if (s->members[i].shape &&
        (s->members[i].shape->flags & AWSC_SF_EVENTSTREAM))
      return true;
  return false;
}

typedef struct suite_text {
  const char *description;
  awsc_buf metadata;
  awsc_buf shapes;
  const awsc_jnode *shapes_node;
} suite_text;

/* `given` with "errors" listing every exception shape of the suite. */
static void emit_given(awsc_buf *b, const awsc_jnode *given,
                       const awsc_jnode *shapes) {
  awsc_buf_putc(b, '{');
  bool first = true;
  for (size_t i = 0; i < given->count; i++) {
    if (strcmp(given->members[i].key, "errors") == 0)
      continue;
    if (!first)
      awsc_buf_putc(b, ',');
    first = false;
    awsc_buf_printf(b, "\"%s\":", given->members[i].key);
    cmp_emit_json(b, given->members[i].value);
  }
  if (!first)
    awsc_buf_putc(b, ',');
  awsc_buf_puts(b, "\"errors\":[");
  first = true;
  for (size_t i = 0; shapes && i < shapes->count; i++) {
    if (!awsc_jtree_get_bool(shapes->members[i].value, "exception"))
      continue;
    awsc_buf_printf(b, "%s{\"shape\":\"%s\"}", first ? "" : ",",
                    shapes->members[i].key);
    first = false;
  }
  awsc_buf_puts(b, "]}");
}

static void fail(const char *id, const char *fmt, ...) AWSC_PRINTF(2, 3);
static void fail(const char *id, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  printf("FAIL %s: ", id);
  vprintf(fmt, ap);
  printf("\n");
  va_end(ap);
  n_fail++;
}

static void run_case(const suite_text *st, const ignore *ig,
                     const awsc_jnode *c, size_t index) {
  char idbuf[300];
  const char *id = awsc_jtree_get_str(c, "id");
  if (!id) {
    snprintf(idbuf, sizeof(idbuf), "%s #%zu", st->description, index);
    id = idbuf;
  }
  const char *why =
      skip_reason(ig, st->description, awsc_jtree_get_str(c, "id"));
  if (why) {
    printf("skip %s: %s\n", id, why);
    n_skip++;
    return;
  }
  const awsc_jnode *given = awsc_jtree_get(c, "given");
  const awsc_jnode *response = awsc_jtree_get(c, "response");
  if (!given || !response) {
    fail(id, "case has no given/response");
    return;
  }
  awsc_arena *arena = awsc_arena_new(0);
  awsc_buf gtext = AWSC_BUF_INIT;
  awsc_buf whybuf = AWSC_BUF_INIT;
  emit_given(&gtext, given, st->shapes_node);
  const char *ops[1] = {gtext.p};
  size_t lens[1] = {gtext.len};
  awsc_service *svc = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  int rc =
      awsc_service_from_parts(&svc, arena, st->metadata.p, st->metadata.len,
                              st->shapes.p, st->shapes.len, ops, lens, 1, &err);
  if (rc != 0 || !svc || svc->operation_count != 1) {
    fail(id, "model did not load: %s", err.message);
    goto done;
  }
  awsc_operation op = svc->operations[0];
  const awsc_jnode *error = awsc_jtree_get(c, "error");
  if (!error && svc->protocol == AWSC_PROTO_QUERY && op.output &&
      op.output->member_count > 0) {
    char *w = awsc_arena_alloc(arena, strlen(op.name) + 7);
    sprintf(w, "%sResult", op.name);
    op.result_wrapper = w;
  }

  /* the HTTP response */
  awsc_raw_response resp;
  memset(&resp, 0, sizeof(resp));
  const awsc_jnode *sc = awsc_jtree_get(response, "status_code");
  resp.status = sc && sc->type == AWSC_J_INT ? (int)sc->i : 200;
  const awsc_jnode *hs = awsc_jtree_get(response, "headers");
  size_t nh = hs && hs->type == AWSC_J_OBJECT ? hs->count : 0;
  awsc_http_header *h = awsc_arena_calloc(arena, nh + 1, sizeof(*h));
  for (size_t i = 0; i < nh; i++) {
    h[i].name = hs->members[i].key;
    h[i].value = hs->members[i].value->type == AWSC_J_STRING
                     ? hs->members[i].value->s
                     : "";
  }
  resp.headers = h;
  resp.header_count = nh;
  const awsc_jnode *body = awsc_jtree_get(response, "body");
  if (body && body->type == AWSC_J_STRING) {
    resp.body = body->s;
    resp.body_len = body->n;
  } else {
    resp.body = svc->protocol == AWSC_PROTO_QUERY ? "<xml/>" : "";
    resp.body_len = strlen(resp.body);
  }
  if (has_event_stream(op.output) && resp.body_len) {
    resp.body = base64_decode(arena, resp.body, resp.body_len, &resp.body_len);
    if (!resp.body) {
      fail(id, "event stream body is not base64");
      goto done;
    }
  }

  if (error) {
    awsc_service_error se;
    rc = awsc_protocol_parse_error(svc, &op, &resp, arena, &se);
    const char *want_code = awsc_jtree_get_str(c, "errorCode");
    const char *want_msg = awsc_jtree_get_str(c, "errorMessage");
    if (!want_code)
      want_code = "";
    if (!want_msg)
      want_msg = "";
    bool ok = rc == 0;
    if (!ok)
      awsc_buf_printf(&whybuf, "parse_error returned %d; ", rc);
    if (ok && strcmp(se.code, want_code) != 0) {
      awsc_buf_printf(&whybuf, "Error.Code: expected \"%s\", got \"%s\"; ",
                      want_code, se.code);
      ok = false;
    }
    if (ok && strcmp(se.message, want_msg) != 0) {
      awsc_buf_printf(&whybuf, "Error.Message: expected \"%s\", got \"%s\"; ",
                      want_msg, se.message);
      ok = false;
    }
    if (ok && se.shape) {
      ok = cmp_value(&se.fields, error, false, &whybuf);
    } else if (ok && error->count) {
      awsc_buf_printf(&whybuf, "no modeled error shape for code \"%s\"; ",
                      se.code);
      ok = false;
    }
    if (ok)
      n_pass++;
    else
      fail(id, "%s", whybuf.p);
  } else {
    const awsc_jnode *result = awsc_jtree_get(c, "result");
    awsc_value out;
    rc = awsc_parse_output_with(svc, &op, &resp, arena, &out, &err, tokenizer);
    if (rc != 0) {
      fail(id, "parse_output returned %d: %s", rc, err.message);
    } else if (!result) {
      fail(id, "case has no result");
    } else if (!cmp_value(&out, result, false, &whybuf)) {
      fail(id, "%s", whybuf.p);
    } else {
      n_pass++;
    }
  }
done:
  awsc_buf_free(&gtext);
  awsc_buf_free(&whybuf);
  awsc_arena_free(arena);
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr,
            "usage: %s <suite.json> <ignore-list.json> [auto|expat|scan]\n",
            argv[0]);
    return 2;
  }
  if (argc > 3)
    tokenizer = strcmp(argv[3], "expat") == 0  ? AWSC_XML_EXPAT
                : strcmp(argv[3], "scan") == 0 ? AWSC_XML_SCAN
                                               : AWSC_XML_AUTO;
  test_alloc_install();
  size_t len, ilen;
  char *text = cmp_slurp(argv[1], &len);
  char *itext = cmp_slurp(argv[2], &ilen);
  if (!text || !itext) {
    fprintf(stderr, "cannot read %s or %s\n", argv[1], argv[2]);
    return 2;
  }
  awsc_arena *arena = awsc_arena_new(1 << 16);
  awsc_jnode *root = NULL, *iroot = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  if (awsc_jtree_parse(&root, arena, text, len, 0, &err) != 0 ||
      awsc_jtree_parse(&iroot, arena, itext, ilen, 0, &err) != 0 ||
      root->type != AWSC_J_ARRAY) {
    fprintf(stderr, "bad test file: %s\n", err.message);
    return 2;
  }
  /* the ignore list is keyed by the file's basename */
  const char *base = strrchr(argv[1], '/');
  base = base ? base + 1 : argv[1];
  char proto[128];
  snprintf(proto, sizeof(proto), "%s", base);
  char *dot = strstr(proto, ".json");
  if (dot)
    *dot = '\0';
  ignore ig;
  ig.general = awsc_jtree_get(awsc_jtree_get(iroot, "general"), "output");
  ig.proto = awsc_jtree_get(
      awsc_jtree_get(awsc_jtree_get(iroot, "protocols"), proto), "output");

  for (size_t s = 0; s < root->count; s++) {
    const awsc_jnode *suite = root->items[s];
    suite_text st;
    memset(&st, 0, sizeof(st));
    st.description = awsc_jtree_get_str(suite, "description");
    if (!st.description)
      st.description = "";
    cmp_emit_json(&st.metadata, awsc_jtree_get(suite, "metadata"));
    st.shapes_node = awsc_jtree_get(suite, "shapes");
    cmp_emit_json(&st.shapes, st.shapes_node);
    const awsc_jnode *cases = awsc_jtree_get(suite, "cases");
    for (size_t i = 0; cases && i < cases->count; i++)
      run_case(&st, &ig, cases->items[i], i);
    awsc_buf_free(&st.metadata);
    awsc_buf_free(&st.shapes);
  }
  awsc_arena_free(arena);
  free(text);
  free(itext);
  int64_t live = test_alloc_live();
  printf("%s: %d passed, %d failed, %d skipped\n", argv[1], n_pass, n_fail,
         n_skip);
  if (live != 0) {
    printf("FAIL leak: %lld blocks still allocated\n", (long long)live);
    return 1;
  }
  return n_fail ? 1 : 0;
}
