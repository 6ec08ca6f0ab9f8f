/*
 * tests/conformance/protocols_output/parse_edge_misc.c - JSON corner
 * cases, errors of every protocol (S3's error inside a 200, request ids,
 * unreadable bodies), damaged event streams, and every allocation
 * failing in turn (no crash, no leak, AWSC_ENOMEM).
 *
 * usage: parse_edge_misc
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "edge_common.h"
#include "protocols/parse_internal.h"
#include "protocols/protocol.h"
#include "test.h"

static void test_json_features(void) {
  model m;
  if (!load_model(&m, "{\"protocol\":\"json\",\"jsonVersion\":\"1.1\"}",
                  "{\"O\":{\"type\":\"structure\",\"members\":{"
                  "\"S\":{\"shape\":\"S\"},\"L\":{\"shape\":\"Long\"},"
                  "\"D\":{\"shape\":\"D\"},\"T\":{\"shape\":\"T\"},"
                  "\"M\":{\"shape\":\"M\"},\"Li\":{\"shape\":\"Li\"},"
                  "\"Doc\":{\"shape\":\"Doc\"},\"N\":{\"shape\":\"O\"}}},"
                  "\"S\":{\"type\":\"string\"},\"Long\":{\"type\":\"long\"},"
                  "\"D\":{\"type\":\"double\"},\"T\":{\"type\":\"timestamp\"},"
                  "\"M\":{\"type\":\"map\",\"key\":{\"shape\":\"S\"},"
                  "\"value\":{\"shape\":\"S\"}},"
                  "\"Li\":{\"type\":\"list\",\"member\":{\"shape\":\"S\"}},"
                  "\"Doc\":{\"type\":\"structure\",\"members\":{},"
                  "\"document\":true}}",
                  "{\"name\":\"Op\",\"http\":{\"method\":\"POST\","
                  "\"requestUri\":\"/\"},\"output\":{\"shape\":\"O\"}}")) {
    CHECK(0);
    return;
  }
  CHECK(
      parse_ok(&m, 200, NULL, 0,
               "{\"__type\":\"x\",\"S\":\"\\u00e9\\n\",\"L\":9007199254740993,"
               "\"D\":1e-3,\"T\":1.5,\"M\":{\"a\":\"1\",\"b\":null},"
               "\"Li\":[\"x\",null],\"Unknown\":{\"deep\":[[{}]]},"
               "\"Doc\":{\"a\":[1,2.5,null,\"s\",{\"b\":false}]},"
               "\"N\":{\"S\":\"inner\",\"N\":null}}",
               "{\"S\":\"\\u00e9\\n\",\"L\":9007199254740993,\"D\":0.001,"
               "\"T\":1.5,\"M\":{\"a\":\"1\"},\"Li\":[\"x\",null],"
               "\"Doc\":{\"a\":[1,2.5,null,\"s\",{\"b\":false}]},"
               "\"N\":{\"S\":\"inner\"}}",
               AWSC_XML_AUTO));
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(parse_rc(&m, "{\"S\":", &err), AWSC_EPARSE);
  CHECK(strstr(err.message, "JSON") != NULL);
  CHECK_INT(parse_rc(&m, "{\"S\":\"\xff\"}", &err), AWSC_EPARSE);
  awsc_arena_free(m.arena);
}

/* ---------------------------------------------------------------- */
/* errors                                                             */

static const char *err_shapes =
    "{\"O\":{\"type\":\"structure\",\"members\":{\"X\":{\"shape\":\"S\"}}},"
    "\"S\":{\"type\":\"string\"},"
    "\"NoSuchKey\":{\"type\":\"structure\",\"exception\":true,\"members\":{"
    "\"Key\":{\"shape\":\"S\"},\"Hdr\":{\"shape\":\"S\",\"location\":"
    "\"header\","
    "\"locationName\":\"x-hdr\"}}},"
    "\"Throttled\":{\"type\":\"structure\",\"exception\":true,"
    "\"error\":{\"code\":\"Throttling\",\"httpStatusCode\":400},"
    "\"members\":{\"message\":{\"shape\":\"S\"}}}}";

static const char *err_op(const char *name, const char *method) {
  static char buf[512];
  snprintf(buf, sizeof(buf),
           "{\"name\":\"%s\",\"http\":{\"method\":\"%s\",\"requestUri\":\"/\"},"
           "\"output\":{\"shape\":\"O\"},\"errors\":[{\"shape\":\"NoSuchKey\"},"
           "{\"shape\":\"Throttled\"}]}",
           name, method);
  return buf;
}

static bool get_error(model *m, int status, const awsc_http_header *h,
                      size_t nh, const char *body, awsc_arena *a,
                      awsc_service_error *se) {
  awsc_raw_response r = {status, h, nh, body, body ? strlen(body) : 0, false};
  return awsc_protocol_parse_error(m->svc, &m->svc->operations[0], &r, a, se) ==
         0;
}

static void test_errors_xml(void) {
  model m;
  if (!load_model(&m, "{\"protocol\":\"rest-xml\",\"serviceId\":\"S3\"}",
                  err_shapes, err_op("GetObject", "GET"))) {
    CHECK(0);
    return;
  }
  awsc_arena *a = awsc_arena_new(0);
  awsc_service_error se;
  awsc_http_header h[] = {{"x-amz-request-id", "hdr-rid"},
                          {"x-amz-id-2", "hdr-host"},
                          {"x-hdr", "hv"}};
  /* S3 <Error>: ids from the headers only, details, modeled fields */
  CHECK(get_error(&m, 404, h, 3,
                  "<Error><Code>NoSuchKey</Code><Message>gone</Message>"
                  "<Key>k.txt</Key><RequestId>body-rid</RequestId>"
                  "<HostId>body-host</HostId><Nested><A>1</A></Nested></Error>",
                  a, &se));
  CHECK_STR(se.code, "NoSuchKey");
  CHECK_STR(se.message, "gone");
  CHECK_STR(se.request_id, "hdr-rid");
  CHECK_STR(se.host_id, "hdr-host");
  CHECK(se.shape && strcmp(se.shape->name, "NoSuchKey") == 0);
  CHECK(se.fields.u.map.n == 2);
  const awsc_value *k = awsc_value_get(&se.fields, "Key");
  CHECK(k && k->u.s.n == 5 && memcmp(k->u.s.p, "k.txt", 5) == 0);
  CHECK(awsc_value_get(&se.fields, "Hdr") != NULL);
  CHECK(se.details.type == AWSC_V_MAP && se.details.u.map.n == 1);
  CHECK(awsc_value_get(&se.details, "Key") != NULL);
  /* HEAD 404: no body */
  CHECK(get_error(&m, 404, NULL, 0, "", a, &se));
  CHECK_STR(se.code, "404");
  CHECK_STR(se.message, "Not Found");
  CHECK(se.shape == NULL && se.request_id == NULL);
  /* 503 HTML page */
  CHECK(
      get_error(&m, 503, NULL, 0, "  <html><body>busy</body></html>", a, &se));
  CHECK_STR(se.code, "503");
  CHECK_STR(se.message, "Service Unavailable");
  /* not XML */
  CHECK(get_error(&m, 403, NULL, 0, "Forbidden!", a, &se));
  CHECK_STR(se.code, "403");
  CHECK_STR(se.message, "Forbidden");
  /* rest-xml <ErrorResponse> (CloudFront style): body request id */
  CHECK(get_error(&m, 400, NULL, 0,
                  "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling"
                  "</Code><Message>slow</Message></Error><RequestId>rid"
                  "</RequestId></ErrorResponse>",
                  a, &se));
  CHECK_STR(se.code, "Throttling");
  CHECK_STR(se.type, "Sender");
  CHECK_STR(se.request_id, "rid");
  CHECK(se.shape && strcmp(se.shape->name, "Throttled") == 0);

  /* S3 errors inside a 200 */
  const awsc_operation *op = &m.svc->operations[0];
  awsc_raw_response r200 = {200,
                            NULL,
                            0,
                            "<?xml version=\"1.0\"?>\n<!-- x --><Error><Code>"
                            "InternalError</Code></Error>",
                            0,
                            false};
  r200.body_len = strlen(r200.body);
  CHECK(awsc_protocol_is_error_in_200(m.svc, op, &r200));
  awsc_raw_response ok200 = {200, NULL, 0, "<CompleteMultipartUploadResult/>",
                             32,  false};
  CHECK(!awsc_protocol_is_error_in_200(m.svc, op, &ok200));
  r200.status = 201;
  CHECK(!awsc_protocol_is_error_in_200(m.svc, op, &r200));
  awsc_arena_free(a);
  awsc_arena_free(m.arena);

  /* not S3: never */
  model q;
  if (load_model(&q, "{\"protocol\":\"rest-xml\",\"serviceId\":\"CloudFront\"}",
                 err_shapes, err_op("Op", "GET"))) {
    r200.status = 200;
    CHECK(!awsc_protocol_is_error_in_200(q.svc, &q.svc->operations[0], &r200));
  }
  awsc_arena_free(q.arena);

  /* query and ec2 */
  static const char *const protos[] = {"query", "ec2"};
  for (size_t i = 0; i < 2; i++) {
    char meta[64];
    snprintf(meta, sizeof(meta), "{\"protocol\":\"%s\"}", protos[i]);
    model qm;
    if (!load_model(&qm, meta, err_shapes, err_op("Op", "POST"))) {
      CHECK(0);
      continue;
    }
    a = awsc_arena_new(0);
    const char *body =
        i == 0 ? "<ErrorResponse xmlns=\"x\"><Error><Type>Sender</Type>"
                 "<Code>Throttling</Code><Message>m &amp; m</Message>"
                 "<message>modeled</message></Error><RequestId>q-rid"
                 "</RequestId></ErrorResponse>"
               : "<Response><Errors><Error><Code>Throttling</Code>"
                 "<Message>m &amp; m</Message><message>modeled</message>"
                 "</Error></Errors><RequestID>q-rid</RequestID></Response>";
    CHECK(get_error(&qm, 400, NULL, 0, body, a, &se));
    CHECK_STR(se.code, "Throttling");
    CHECK_STR(se.message, "m & m");
    CHECK_STR(se.request_id, "q-rid");
    CHECK(se.shape != NULL);
    const awsc_value *mv = awsc_value_get(&se.fields, "message");
    CHECK(mv && mv->u.s.n == 7);
    /* unreadable 4xx body: the status */
    CHECK(get_error(&qm, 400, NULL, 0, "<oops", a, &se));
    CHECK_STR(se.code, "400");
    awsc_arena_free(a);
    awsc_arena_free(qm.arena);
  }
}

static void test_errors_json(void) {
  static const char *const protos[] = {"json", "rest-json"};
  for (size_t i = 0; i < 2; i++) {
    char meta[128];
    snprintf(meta, sizeof(meta),
             "{\"protocol\":\"%s\",\"jsonVersion\":\"1.0\","
             "\"awsQueryCompatible\":{}}",
             protos[i]);
    model m;
    if (!load_model(&m, meta, err_shapes, err_op("Op", "POST"))) {
      CHECK(0);
      continue;
    }
    awsc_arena *a = awsc_arena_new(0);
    awsc_service_error se;
    awsc_http_header h[] = {{"x-amzn-RequestId", "j-rid"}};
    CHECK(get_error(&m, 400, h, 1,
                    "{\"__type\":\"com.amazon#NoSuchKey:http://x\","
                    "\"message\":\"m1\",\"Key\":\"kk\"}",
                    a, &se));
    CHECK_STR(se.code, "NoSuchKey");
    CHECK_STR(se.message, "m1");
    CHECK_STR(se.request_id, "j-rid");
    CHECK(se.shape != NULL && awsc_value_get(&se.fields, "Key") != NULL);
    /* header wins */
    awsc_http_header h2[] = {{"x-amzn-errortype", "ns#Throttling:uri"}};
    CHECK(get_error(&m, 400, h2, 1, "{\"__type\":\"Other\",\"Message\":\"m2\"}",
                    a, &se));
    CHECK_STR(se.code, "Throttling");
    CHECK_STR(se.message, "m2");
    /* query-compatible code */
    awsc_http_header h3[] = {{"x-amzn-query-error", "AWS.SimpleQueueService."
                                                    "NonExistentQueue;Sender"}};
    CHECK(get_error(&m, 400, h3, 1, "{\"__type\":\"QueueDoesNotExist\"}", a,
                    &se));
    CHECK_STR(se.code, "AWS.SimpleQueueService.NonExistentQueue");
    CHECK_STR(se.type, "Sender");
    /* not JSON: the body is the message */
    CHECK(get_error(&m, 400, NULL, 0, "Bad things", a, &se));
    CHECK_STR(se.code, "400");
    CHECK_STR(se.message, "Bad things");
    CHECK(get_error(&m, 500, NULL, 0, "", a, &se));
    CHECK_STR(se.code, "500");
    CHECK_STR(se.message, "Internal Server Error");
    awsc_arena_free(a);
    awsc_arena_free(m.arena);
  }
}

/* ---------------------------------------------------------------- */
/* event streams                                                      */

static void test_event_stream_damage(void) {
  model m;
  if (!load_model(
          &m, "{\"protocol\":\"rest-xml\"}",
          "{\"O\":{\"type\":\"structure\",\"payload\":\"P\",\"members\":"
          "{\"P\":{\"shape\":\"ES\"}}},\"ES\":{\"type\":\"structure\","
          "\"eventstream\":true,\"members\":{\"A\":{\"shape\":\"E\"}}},"
          "\"E\":{\"type\":\"structure\",\"event\":true,\"members\":{"
          "\"P\":{\"shape\":\"B\",\"eventpayload\":true}}},"
          "\"B\":{\"type\":\"blob\"}}",
          "{\"name\":\"Op\",\"http\":{\"method\":\"GET\",\"requestUri\":"
          "\"/\"},\"output\":{\"shape\":\"O\"}}")) {
    CHECK(0);
    return;
  }
  /* one message: headers :event-type=A, :message-type=event, payload "hi" */
  uint8_t msg[128];
  size_t hl = 0;
  uint8_t hdr[64];
  const char *names[] = {":event-type", ":message-type"};
  const char *vals[] = {"A", "event"};
  for (int i = 0; i < 2; i++) {
    hdr[hl++] = (uint8_t)strlen(names[i]);
    memcpy(hdr + hl, names[i], strlen(names[i]));
    hl += strlen(names[i]);
    hdr[hl++] = 7;
    hdr[hl++] = 0;
    hdr[hl++] = (uint8_t)strlen(vals[i]);
    memcpy(hdr + hl, vals[i], strlen(vals[i]));
    hl += strlen(vals[i]);
  }
  size_t total = 12 + hl + 2 + 4;
  uint8_t *p = msg;
  uint32_t v[2] = {(uint32_t)total, (uint32_t)hl};
  for (int i = 0; i < 2; i++) {
    p[4 * i] = (uint8_t)(v[i] >> 24);
    p[4 * i + 1] = (uint8_t)(v[i] >> 16);
    p[4 * i + 2] = (uint8_t)(v[i] >> 8);
    p[4 * i + 3] = (uint8_t)v[i];
  }
  uint32_t crc = awsc_crc32(0, p, 8);
  p[8] = (uint8_t)(crc >> 24), p[9] = (uint8_t)(crc >> 16);
  p[10] = (uint8_t)(crc >> 8), p[11] = (uint8_t)crc;
  memcpy(p + 12, hdr, hl);
  memcpy(p + 12 + hl, "hi", 2);
  crc = awsc_crc32(0, p, total - 4);
  p[total - 4] = (uint8_t)(crc >> 24), p[total - 3] = (uint8_t)(crc >> 16);
  p[total - 2] = (uint8_t)(crc >> 8), p[total - 1] = (uint8_t)crc;

  awsc_arena *a = awsc_arena_new(0);
  awsc_value out;
  awsc_error err = AWSC_ERROR_INIT;
  awsc_raw_response r = {200, NULL, 0, (const char *)msg, total, false};
  CHECK(awsc_protocol_parse_output(m.svc, &m.svc->operations[0], &r, a, &out,
                                   &err) == 0);
  const awsc_value *list = awsc_value_get(&out, "P");
  CHECK(list && list->type == AWSC_V_LIST && list->u.list.n == 1);
  msg[total - 5] ^= 1; /* payload byte: message CRC fails */
  CHECK_INT(awsc_protocol_parse_output(m.svc, &m.svc->operations[0], &r, a,
                                       &out, &err),
            AWSC_EPARSE);
  msg[total - 5] ^= 1;
  r.body_len = total - 1; /* truncated */
  CHECK_INT(awsc_protocol_parse_output(m.svc, &m.svc->operations[0], &r, a,
                                       &out, &err),
            AWSC_EPARSE);
  r.body = NULL; /* streamed by the pipeline: member left to it */
  r.body_len = 0;
  CHECK(awsc_protocol_parse_output(m.svc, &m.svc->operations[0], &r, a, &out,
                                   &err) == 0 &&
        out.u.map.n == 0);
  awsc_arena_free(a);
  awsc_arena_free(m.arena);
}

/* ---------------------------------------------------------------- */
/* allocation failures                                                */

static void test_allocation_failures(void) {
  model m;
  if (!load_model(&m, "{\"protocol\":\"rest-xml\",\"serviceId\":\"S3\"}",
                  xml_shapes, xml_op)) {
    CHECK(0);
    return;
  }
  const char *doc =
      "<Out><Name>a&amp;b</Name><Item>1</Item><Count>2</Count><Item>3</Item>"
      "<Tags><entry><value><ID>v</ID></value><key>k</key></entry></Tags>"
      "<Data>aGk=</Data><Grantee xmlns:xsi=\"u\" xsi:type=\"T\"><ID>i</ID>"
      "</Grantee></Out>";
  awsc_http_header h[] = {{"x-amz-meta-a", "b"},
                          {"x-list", "a, \"b\""},
                          {"x-json", "eyJrIjpbMSx0cnVlXX0="}};
  awsc_raw_response r = {200, h, 3, doc, strlen(doc), false};
  const char *edoc = "<Error><Code>NoSuchKey</Code><Message>m</Message>"
                     "<Key>k</Key></Error>";
  awsc_raw_response er = {404, h, 3, edoc, strlen(edoc), false};
  static const int toks[] = {AWSC_XML_AUTO, AWSC_XML_EXPAT};
  for (size_t t = 0; t < 2; t++) {
    int completed = 0;
    for (uint64_t n = 1; n < 5000 && !completed; n++) {
      int64_t live = test_alloc_live();
      awsc_arena *a = awsc_arena_new(256);
      if (!a)
        continue;
      test_alloc_fail_at(n);
      awsc_value out;
      awsc_error err = AWSC_ERROR_INIT;
      int rc = awsc_parse_output_with(m.svc, &m.svc->operations[0], &r, a, &out,
                                      &err, toks[t]);
      bool fired = test_alloc_failure_fired();
      test_alloc_fail_at(0);
      if (fired && rc != AWSC_ENOMEM) {
        printf("allocation %llu failed but rc=%d\n", (unsigned long long)n, rc);
        CHECK(0);
        break;
      }
      if (!fired) {
        CHECK_INT(rc, 0);
        completed = 1;
      }
      awsc_arena_free(a);
      if (test_alloc_live() != live) {
        printf("leak after failing allocation %llu\n", (unsigned long long)n);
        CHECK(0);
        break;
      }
    }
    CHECK(completed);
  }
  int completed = 0;
  for (uint64_t n = 1; n < 5000 && !completed; n++) {
    int64_t live = test_alloc_live();
    awsc_arena *a = awsc_arena_new(256);
    if (!a)
      continue;
    test_alloc_fail_at(n);
    awsc_service_error se;
    int rc =
        awsc_protocol_parse_error(m.svc, &m.svc->operations[0], &er, a, &se);
    bool fired = test_alloc_failure_fired();
    test_alloc_fail_at(0);
    if (!fired) {
      CHECK_INT(rc, 0);
      completed = 1;
    } else if (rc == 0) {
      /* a failure inside an optional part (modeled fields) is tolerated
       * only if what came back is still consistent */
      CHECK(se.code != NULL && se.message != NULL);
    }
    awsc_arena_free(a);
    if (test_alloc_live() != live) {
      printf("leak after failing allocation %llu (error)\n",
             (unsigned long long)n);
      CHECK(0);
      break;
    }
  }
  CHECK(completed);
  awsc_arena_free(m.arena);
}

int main(void) {
  test_alloc_install();
  RUN(test_json_features);
  RUN(test_errors_xml);
  RUN(test_errors_json);
  RUN(test_event_stream_damage);
  RUN(test_allocation_failures);
  if (test_alloc_live() != 0) {
    printf("FAIL leak: %lld blocks\n", (long long)test_alloc_live());
    return 1;
  }
  return test_summary();
}
