/*
 * tests/fuzz/fuzz_eventstream.c - libFuzzer target for the event-stream
 * decoder (lib/protocols/parse_eventstream.c) through S3's
 * SelectObjectContent response (rest-xml, eventstream payload: Records,
 * Stats, Progress, Cont and End events).
 *
 * Input: byte 0 is a mode, the rest the body. With bit 0 set the CRCs of
 * the messages (prelude and message) are recomputed first, so that the
 * fuzzer reaches headers and payloads instead of stopping at the CRC
 * check; with bit 0 clear the body goes in as it is (the CRC checks
 * themselves). Checks: a success is a MAP whose Payload is a LIST of
 * one-key MAPs; a failure names its reason.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "protocols/protocol.h"
#include "runtime/value.h"

static uint32_t get32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
         (uint32_t)p[3];
}

static void put32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}

/* Recompute the CRCs of each message whose length fits. */
static void fix_crcs(uint8_t *p, size_t n) {
  size_t i = 0;
  while (n - i >= 16) {
    uint32_t total = get32(p + i);
    if (total < 16 || total > n - i)
      return;
    put32(p + i + 8, awsc_crc32(0, p + i, 8));
    put32(p + i + total - 4, awsc_crc32(0, p + i, total - 4));
    i += total;
  }
}

static void check_events(const awsc_value *out) {
  FUZZ_CHECK(out->type == AWSC_V_MAP);
  const awsc_value *events = awsc_value_get(out, "Payload");
  if (!events)
    return;
  FUZZ_CHECK(events->type == AWSC_V_LIST);
  for (size_t i = 0; i < events->u.list.n; i++) {
    const awsc_value *ev = &events->u.list.items[i];
    FUZZ_CHECK(ev->type == AWSC_V_MAP && ev->u.map.n == 1);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const awsc_service *svc;
  static const awsc_operation *op;
  if (!svc) {
    svc = fuzz_service("s3/2006-03-01/service-2.json");
    op = fuzz_operation(svc, "SelectObjectContent");
  }
  if (size < 1)
    return 0;
  size_t n = size - 1;
  uint8_t *body = malloc(n ? n : 1);
  FUZZ_CHECK(body != NULL);
  memcpy(body, data + 1, n);
  if (data[0] & 1)
    fix_crcs(body, n);
  static const awsc_http_header hdr[] = {
      {"Content-Type", "application/vnd.amazon.eventstream"}};
  awsc_raw_response resp = {200, hdr, 1, (const char *)body, n, false};
  awsc_arena *arena = awsc_arena_new(0);
  FUZZ_CHECK(arena != NULL);
  awsc_value out;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = awsc_protocol_parse_output(svc, op, &resp, arena, &out, &err);
  if (rc == 0)
    check_events(&out);
  else
    FUZZ_CHECK(err.code == rc && err.message[0] != '\0');
  awsc_arena_free(arena);
  free(body);
  return 0;
}
