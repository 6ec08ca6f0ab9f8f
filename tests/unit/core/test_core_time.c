/* Unit tests: timestamp formatting and parsing (ISO 8601, RFC 1123 and
 * friends, epoch seconds), checked against known dates and libc. */
#include <time.h>

#include "core/core.h"
#include "test.h"

#define T_2015 INT64_C(1440938160000) /* 2015-08-30T12:36:00Z, a Sunday */

static uint64_t rng_state = 0x2545F4914F6CDD1Du;
static uint64_t rnd64(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

static int64_t parse_iso(const char *s) {
  int64_t v = INT64_MIN;
  if (awsc_time_parse_iso8601(awsc_sv_from_cstr(s), &v) != 0)
    return INT64_MIN;
  return v;
}
static int64_t parse_http(const char *s) {
  int64_t v = INT64_MIN;
  if (awsc_time_parse_rfc1123(awsc_sv_from_cstr(s), &v) != 0)
    return INT64_MIN;
  return v;
}
static int64_t parse_epoch(const char *s) {
  int64_t v = INT64_MIN;
  if (awsc_time_parse_epoch(awsc_sv_from_cstr(s), &v) != 0)
    return INT64_MIN;
  return v;
}

static void test_format_known(void) {
  char amz[17], date[9], iso[32], http[32];
  awsc_time_format_amz(T_2015, amz);
  CHECK_STR(amz, "20150830T123600Z");
  awsc_time_format_date(T_2015, date);
  CHECK_STR(date, "20150830");
  awsc_time_format_iso8601(T_2015, true, iso);
  CHECK_STR(iso, "2015-08-30T12:36:00Z");
  awsc_time_format_iso8601(T_2015 + 123, true, iso);
  CHECK_STR(iso, "2015-08-30T12:36:00.123Z");
  awsc_time_format_iso8601(T_2015 + 7, true, iso);
  CHECK_STR(iso, "2015-08-30T12:36:00.007Z");
  awsc_time_format_iso8601(T_2015 + 123, false, iso);
  CHECK_STR(iso, "2015-08-30T12:36:00Z");
  awsc_time_format_rfc1123(T_2015, http);
  CHECK_STR(http, "Sun, 30 Aug 2015 12:36:00 GMT");
  awsc_time_format_rfc1123(INT64_C(1441584000000), http);
  CHECK_STR(http, "Mon, 07 Sep 2015 00:00:00 GMT");
}

static void test_format_edges(void) {
  char iso[32], http[32], amz[17];
  awsc_time_format_iso8601(0, true, iso);
  CHECK_STR(iso, "1970-01-01T00:00:00Z");
  awsc_time_format_rfc1123(0, http);
  CHECK_STR(http, "Thu, 01 Jan 1970 00:00:00 GMT");
  awsc_time_format_iso8601(-1, true, iso);
  CHECK_STR(iso, "1969-12-31T23:59:59.999Z");
  /* Past the 32-bit time_t limit. */
  awsc_time_format_iso8601(INT64_C(2147483648000), false, iso);
  CHECK_STR(iso, "2038-01-19T03:14:08Z");
  awsc_time_format_rfc1123(INT64_C(4102444800000), http);
  CHECK_STR(http, "Fri, 01 Jan 2100 00:00:00 GMT");
  /* Leap days. */
  awsc_time_format_iso8601(INT64_C(951782400000), false, iso);
  CHECK_STR(iso, "2000-02-29T00:00:00Z");
  awsc_time_format_amz(INT64_C(1709164800000), amz);
  CHECK_STR(amz, "20240229T000000Z");
  awsc_time_format_iso8601(INT64_C(4107542400000), false, iso);
  CHECK_STR(iso, "2100-03-01T00:00:00Z"); /* 2100 is not a leap year */
  /* Out-of-range values clamp to four-digit years. */
  awsc_time_format_iso8601(INT64_MAX, true, iso);
  CHECK_STR(iso, "9999-12-31T23:59:59.999Z");
  awsc_time_format_iso8601(INT64_MIN, true, iso);
  CHECK_STR(iso, "0000-01-01T00:00:00Z");
}

/* Cross-check the hand-written calendar against libc over 1900..2200. */
static void test_format_vs_libc(void) {
  int ok = 1;
  for (int i = 0; i < 20000; i++) {
    int64_t secs = (int64_t)(rnd64() % UINT64_C(9467280000)) -
                   INT64_C(2208988800); /* 1900-01-01 .. 2200 */
    time_t t = (time_t)secs;
    struct tm tm;
    gmtime_r(&t, &tm);
    char want[64], got[32], want_http[64], got_http[32];
    strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%SZ", &tm);
    static const char *const wd[] = {"Sun", "Mon", "Tue", "Wed",
                                     "Thu", "Fri", "Sat"};
    static const char *const mo[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    snprintf(want_http, sizeof(want_http),
             "%s, %02d %s %04d %02d:%02d:%02d GMT", wd[tm.tm_wday], tm.tm_mday,
             mo[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
             tm.tm_sec);
    awsc_time_format_iso8601(secs * 1000, true, got);
    awsc_time_format_rfc1123(secs * 1000, got_http);
    if (strcmp(want, got) || strcmp(want_http, got_http)) {
      if (ok)
        fprintf(stderr, "mismatch at %lld: %s vs %s / %s vs %s\n",
                (long long)secs, want, got, want_http, got_http);
      ok = 0;
    }
    if (parse_iso(want) != secs * 1000 || parse_http(want_http) != secs * 1000)
      ok = 0;
  }
  CHECK(ok);
}

static void test_parse_iso8601(void) {
  CHECK_INT(parse_iso("2015-08-30T12:36:00Z"), T_2015);
  CHECK_INT(parse_iso("2015-08-30T12:36:00.123Z"), T_2015 + 123);
  CHECK_INT(parse_iso("2015-08-30t12:36:00.5z"), T_2015 + 500);
  CHECK_INT(parse_iso("2015-08-30T12:36:00.123456789Z"), T_2015 + 123);
  CHECK_INT(parse_iso("2015-08-30T14:36:00+02:00"), T_2015);
  CHECK_INT(parse_iso("2015-08-30T07:06:00-05:30"), T_2015);
  CHECK_INT(parse_iso("2015-08-30T14:36:00+0200"), T_2015);
  CHECK_INT(parse_iso("2015-08-30T12:36:00+00:00"), T_2015);
  CHECK_INT(parse_iso("2015-08-30T12:36:00"), T_2015); /* no zone: UTC */
  CHECK_INT(parse_iso("2015-08-30 12:36:00Z"), T_2015);
  CHECK_INT(parse_iso("20150830T123600Z"), T_2015); /* X-Amz-Date form */
  CHECK_INT(parse_iso("  2015-08-30T12:36:00Z \r\n"), T_2015);
  CHECK_INT(parse_iso("1970-01-01T00:00:00Z"), 0);
  CHECK_INT(parse_iso("1969-12-31T23:59:59.999Z"), -1);
  CHECK_INT(parse_iso("2038-01-19T03:14:08Z"), INT64_C(2147483648000));
  CHECK_INT(parse_iso("2000-02-29T00:00:00Z"), INT64_C(951782400000));
  CHECK_INT(parse_iso("2024-02-29T00:00:00Z"), INT64_C(1709164800000));
  CHECK_INT(parse_iso("9999-12-31T23:59:59.999Z"), INT64_C(253402300799999));
}

static void test_parse_iso8601_bad(void) {
  static const char *const bad[] = {
      "",
      "2015",
      "2015-08-30",
      "2015-08-30T",
      "2015-13-01T00:00:00Z",
      "2015-00-01T00:00:00Z",
      "2015-08-32T00:00:00Z",
      "2015-08-00T00:00:00Z",
      "2015-02-29T00:00:00Z", /* not a leap year */
      "2100-02-29T00:00:00Z", /* century, not a leap year */
      "2015-08-30T24:00:00Z",
      "2015-08-30T12:60:00Z",
      "2015-08-30T12:36:60Z",
      "2015-08-30T12:36:00ZZ",
      "2015-08-30T12:36:00.Z",
      "2015-08-30T12:36:00 Z",
      "2015-8-30T12:36:00Z",
      "2015-08-30T12:36Z",
      "2015-08-30T12:36:00+25:00",
      "2015-08-30T12:36:00+02:",
      "2015-08-30T12:36:00+2",
      "2015-08-30X12:36:00Z",
      "2015/08/30T12:36:00Z",
      "-015-08-30T12:36:00Z",
      "abcd-ef-ghTij:kl:mnZ",
      "20150830 123600Z",
  };
  for (size_t i = 0; i < AWSC_ARRAY_LEN(bad); i++) {
    if (parse_iso(bad[i]) != INT64_MIN)
      fprintf(stderr, "accepted bad ISO 8601 \"%s\"\n", bad[i]);
    CHECK(parse_iso(bad[i]) == INT64_MIN);
  }
  int64_t v = 42;
  CHECK_INT(awsc_time_parse_iso8601((awsc_sv){NULL, 0}, &v), AWSC_EPARSE);
  CHECK_INT(v, 42); /* untouched on failure */
}

static void test_parse_rfc1123(void) {
  CHECK_INT(parse_http("Sun, 30 Aug 2015 12:36:00 GMT"), T_2015);
  CHECK_INT(parse_http("sun, 30 aug 2015 12:36:00 gmt"), T_2015);
  CHECK_INT(parse_http("Sun, 30 Aug 2015 12:36:00 UTC"), T_2015);
  CHECK_INT(parse_http("Sun, 30 Aug 2015 14:36:00 +0200"), T_2015);
  CHECK_INT(parse_http("Mon, 7 Sep 2015 00:00:00 GMT"), INT64_C(1441584000000));
  CHECK_INT(parse_http("Sunday, 30-Aug-15 12:36:00 GMT"), T_2015); /* RFC 850 */
  CHECK_INT(parse_http("Sun Aug 30 12:36:00 2015"), T_2015);       /* asctime */
  CHECK_INT(parse_http("Mon Sep  7 00:00:00 2015"), INT64_C(1441584000000));
  CHECK_INT(parse_http("Thu, 01 Jan 1970 00:00:00 GMT"), 0);
  CHECK_INT(parse_http("Thu, 29 Feb 2024 00:00:00 GMT"),
            INT64_C(1709164800000));
  CHECK_INT(parse_http("Tue, 19 Jan 2038 03:14:08 GMT"),
            INT64_C(2147483648000));
}

static void test_parse_rfc1123_bad(void) {
  static const char *const bad[] = {
      "",
      "Sun, 30 Aug 2015",
      "Xyz, 30 Aug 2015 12:36:00 GMT",
      "Sun, 30 Foo 2015 12:36:00 GMT",
      "Sun, 31 Sep 2015 12:36:00 GMT",
      "Sun, 29 Feb 2015 12:36:00 GMT",
      "Sun, 30 Aug 2015 12:36 GMT",
      "Sun, 30 Aug 2015 25:36:00 GMT",
      "Sun, 3a Aug 2015 12:36:00 GMT", /* the fixed-position form's */
      "Sun, 30 Aug 2015 12:36:0x GMT", /* length, each field bad */
      "Sun, 30 Aug 2015 12:60:00 GMT",
      "Sun; 30 Aug 2015 12:36:00 GMT",
      "Sun, 30 Aug 2015 12:36:00 GMS",
      "Sun, 30 Aug 2015 12:36:00 GMTx",
      "Sun, 30 Aug 2015 12:36:00 PST",
      "Sun, 30 Aug 15 12:36:00 GMT",
      "Sun, 300 Aug 2015 12:36:00 GMT",
      "Sun Aug 30 12:36:00",
      "Sunday, 30-Aug-2015 12:36:00 GMT",
      "2015-08-30T12:36:00Z",
  };
  for (size_t i = 0; i < AWSC_ARRAY_LEN(bad); i++) {
    if (parse_http(bad[i]) != INT64_MIN)
      fprintf(stderr, "accepted bad HTTP date \"%s\"\n", bad[i]);
    CHECK(parse_http(bad[i]) == INT64_MIN);
  }
}

/* The fixed-position path (names in their usual case) and the general
 * one (any case, padding) agree over many instants. */
static void test_parse_rfc1123_paths_agree(void) {
  for (int i = 0; i < 2000; i++) {
    int64_t t = (int64_t)(rnd64() % UINT64_C(253402300799)) * 1000;
    char http[40], lower[40], padded[48];
    awsc_time_format_rfc1123(t, http);
    for (size_t k = 0; k < sizeof(lower); k++)
      lower[k] =
          (char)((http[k] >= 'A' && http[k] <= 'Z') ? http[k] + 32 : http[k]);
    snprintf(padded, sizeof(padded), "  %s ", http);
    CHECK(parse_http(http) == t);
    CHECK(parse_http(lower) == t);
    CHECK(parse_http(padded) == t);
  }
}

static void test_parse_epoch(void) {
  CHECK_INT(parse_epoch("1440938160"), T_2015);
  CHECK_INT(parse_epoch("1440938160.123"), T_2015 + 123);
  CHECK_INT(parse_epoch("1440938160.5"), T_2015 + 500);
  CHECK_INT(parse_epoch("1440938160.1239"), T_2015 + 123);
  CHECK_INT(parse_epoch("0"), 0);
  CHECK_INT(parse_epoch(" 2147483648 "), INT64_C(2147483648000));
  CHECK_INT(parse_epoch("-1.5"), -1500);
  static const char *const bad[] = {
      "",    "abc", "1.", ".5",  "1e9",
      "12a", "1 2", "+1", "--1", "99999999999999999999"};
  for (size_t i = 0; i < AWSC_ARRAY_LEN(bad); i++) {
    if (parse_epoch(bad[i]) != INT64_MIN)
      fprintf(stderr, "accepted bad epoch \"%s\"\n", bad[i]);
    CHECK(parse_epoch(bad[i]) == INT64_MIN);
  }
}

static void test_parse_any(void) {
  int64_t v = 0;
  CHECK_INT(awsc_time_parse_any(AWSC_SV_LIT("2015-08-30T12:36:00Z"), &v), 0);
  CHECK_INT(v, T_2015);
  v = 0;
  CHECK_INT(
      awsc_time_parse_any(AWSC_SV_LIT("Sun, 30 Aug 2015 12:36:00 GMT"), &v), 0);
  CHECK_INT(v, T_2015);
  v = 0;
  CHECK_INT(awsc_time_parse_any(AWSC_SV_LIT("1440938160.25"), &v), 0);
  CHECK_INT(v, T_2015 + 250);
  v = 0;
  CHECK_INT(awsc_time_parse_any(AWSC_SV_LIT("20150830T123600Z"), &v), 0);
  CHECK_INT(v, T_2015);
  CHECK_INT(awsc_time_parse_any(AWSC_SV_LIT("yesterday"), &v), AWSC_EPARSE);
  CHECK_INT(awsc_time_parse_any(AWSC_SV_LIT(""), &v), AWSC_EPARSE);
}

static void test_roundtrip(void) {
  int ok = 1;
  for (int i = 0; i < 20000; i++) {
    int64_t ms = (int64_t)(rnd64() % UINT64_C(253402300800000));
    char iso[32], http[32], amz[17];
    awsc_time_format_iso8601(ms, true, iso);
    awsc_time_format_rfc1123(ms, http);
    awsc_time_format_amz(ms, amz);
    if (parse_iso(iso) != ms || parse_http(http) != ms - ms % 1000 ||
        parse_iso(amz) != ms - ms % 1000)
      ok = 0;
  }
  CHECK(ok);
}

static void test_now(void) {
  int64_t a = awsc_time_now_ms();
  CHECK(a > INT64_C(1600000000000)); /* after 2020 */
  int64_t libc_ms = (int64_t)time(NULL) * 1000;
  CHECK(a - libc_ms < 2000 && libc_ms - a < 2000);
  CHECK(awsc_time_now_ms() >= a);
}

int main(void) {
  RUN(test_format_known);
  RUN(test_format_edges);
  RUN(test_format_vs_libc);
  RUN(test_parse_iso8601);
  RUN(test_parse_iso8601_bad);
  RUN(test_parse_rfc1123);
  RUN(test_parse_rfc1123_bad);
  RUN(test_parse_rfc1123_paths_agree);
  RUN(test_parse_epoch);
  RUN(test_parse_any);
  RUN(test_roundtrip);
  RUN(test_now);
  return test_summary();
}
