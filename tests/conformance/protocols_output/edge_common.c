/* tests/conformance/protocols_output/edge_common.c - see edge_common.h */
#include "edge_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "custom/custom.h"
#include "protocols/parse_internal.h"
#include "test.h"

/* ---------------------------------------------------------------- */
/* model helpers                                                      */

bool load_model(model *m, const char *meta, const char *shapes,
                const char *op) {
  m->arena = awsc_arena_new(0);
  awsc_error err = AWSC_ERROR_INIT;
  size_t ol = strlen(op);
  int rc = awsc_service_from_parts(&m->svc, m->arena, meta, strlen(meta),
                                   shapes, strlen(shapes), &op, &ol, 1, &err);
  if (rc)
    printf("model: %s\n", err.message);
  else if (m->svc->service_id && strcmp(m->svc->service_id, "S3") == 0)
    m->svc->hooks = &awsc_s3_hooks; /* S3's parse quirks are its hooks */
  return rc == 0;
}

bool parse_ok(model *m, int status, const awsc_http_header *h, size_t nh,
              const char *body, const char *want_json, int tokenizer) {
  awsc_raw_response r = {status, h, nh, body, body ? strlen(body) : 0, false};
  awsc_arena *a = awsc_arena_new(0);
  awsc_value out;
  awsc_error err = AWSC_ERROR_INIT;
  bool ok = awsc_parse_output_with(m->svc, &m->svc->operations[0], &r, a, &out,
                                   &err, tokenizer) == 0;
  if (!ok)
    printf("parse failed: %s\n", err.message);
  awsc_jnode *want = NULL;
  if (ok && awsc_jtree_parse(&want, a, want_json, strlen(want_json), 0, NULL))
    ok = false;
  awsc_buf why = AWSC_BUF_INIT;
  if (ok && !cmp_value(&out, want, false, &why)) {
    printf("mismatch: %s\n", why.p);
    ok = false;
  }
  awsc_buf_free(&why);
  awsc_arena_free(a);
  return ok;
}

int parse_rc(model *m, const char *body, awsc_error *err) {
  awsc_raw_response r = {200, NULL, 0, body, strlen(body), false};
  awsc_arena *a = awsc_arena_new(0);
  awsc_value out;
  int rc = awsc_protocol_parse_output(m->svc, &m->svc->operations[0], &r, a,
                                      &out, err);
  awsc_arena_free(a);
  return rc;
}

const char *const xml_shapes =
    "{\"Out\":{\"type\":\"structure\",\"members\":{"
    "\"Name\":{\"shape\":\"S\"},"
    "\"Count\":{\"shape\":\"I\"},"
    "\"When\":{\"shape\":\"T\"},"
    "\"Data\":{\"shape\":\"B\"},"
    "\"Ratio\":{\"shape\":\"D\"},"
    "\"Flag\":{\"shape\":\"Bool\"},"
    "\"Items\":{\"shape\":\"FlatList\",\"flattened\":true,\"locationName\":"
    "\"Item\"},"
    "\"Wrapped\":{\"shape\":\"List\"},"
    "\"Tags\":{\"shape\":\"Map\"},"
    "\"Choice\":{\"shape\":\"U\"},"
    "\"Grantee\":{\"shape\":\"G\"},"
    "\"ReqId\":{\"shape\":\"S\",\"location\":\"header\",\"locationName\":\"x-"
    "amz-request-id\"},"
    "\"Meta\":{\"shape\":\"SMap\",\"location\":\"headers\",\"locationName\":"
    "\"x-amz-meta-\"},"
    "\"Status\":{\"shape\":\"I\",\"location\":\"statusCode\"},"
    "\"HList\":{\"shape\":\"List\",\"location\":\"header\",\"locationName\":"
    "\"x-list\"},"
    "\"TList\":{\"shape\":\"TsList\",\"location\":\"header\",\"locationName\":"
    "\"x-dates\"},"
    "\"Json\":{\"shape\":\"S\",\"jsonvalue\":true,\"location\":\"header\","
    "\"locationName\":\"x-json\"},"
    "\"HBool\":{\"shape\":\"Bool\",\"location\":\"header\",\"locationName\":"
    "\"x-bool\"}"
    "}},"
    "\"S\":{\"type\":\"string\"},\"I\":{\"type\":\"integer\"},"
    "\"T\":{\"type\":\"timestamp\"},\"B\":{\"type\":\"blob\"},"
    "\"D\":{\"type\":\"double\"},\"Bool\":{\"type\":\"boolean\"},"
    "\"FlatList\":{\"type\":\"list\",\"member\":{\"shape\":\"S\"}},"
    "\"List\":{\"type\":\"list\",\"member\":{\"shape\":\"S\"}},"
    "\"TsList\":{\"type\":\"list\",\"member\":{\"shape\":\"T\"}},"
    "\"Map\":{\"type\":\"map\",\"key\":{\"shape\":\"S\"},\"value\":{\"shape\":"
    "\"G\"}},"
    "\"SMap\":{\"type\":\"map\",\"key\":{\"shape\":\"S\"},\"value\":{\"shape\":"
    "\"S\"}},"
    "\"U\":{\"type\":\"structure\",\"union\":true,\"members\":{"
    "\"A\":{\"shape\":\"S\"},\"B\":{\"shape\":\"I\"}}},"
    "\"G\":{\"type\":\"structure\",\"members\":{"
    "\"Type\":{\"shape\":\"S\",\"xmlAttribute\":true,\"locationName\":\"xsi:"
    "type\"},"
    "\"ID\":{\"shape\":\"S\"}}}}";

const char *const xml_op =
    "{\"name\":\"Op\",\"http\":{\"method\":\"GET\",\"requestUri\":\"/\"},"
    "\"output\":{\"shape\":\"Out\"}}";
