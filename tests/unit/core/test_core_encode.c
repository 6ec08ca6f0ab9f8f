/* Unit tests: hex, base64 (RFC 4648) and SigV4 percent-encoding. */
#include "core/core.h"
#include "test.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15u;
static uint32_t rnd(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return (uint32_t)(rng_state >> 11);
}

static void test_hex(void) {
  char out[64];
  awsc_hex_encode((const uint8_t *)"\x00\xff\x10\xab", 4, out);
  CHECK_STR(out, "00ff10ab");
  awsc_hex_encode(NULL, 0, out);
  CHECK_STR(out, "");
  uint8_t bin[8];
  CHECK_INT(awsc_hex_decode("00FF10aB", 8, bin), 0);
  CHECK(memcmp(bin, "\x00\xff\x10\xab", 4) == 0);
  CHECK_INT(awsc_hex_decode("", 0, bin), 0);
}

static void test_hex_bad(void) {
  uint8_t bin[8];
  CHECK_INT(awsc_hex_decode("abc", 3, bin), AWSC_EPARSE);
  CHECK_INT(awsc_hex_decode("0g", 2, bin), AWSC_EPARSE);
  CHECK_INT(awsc_hex_decode("g0", 2, bin), AWSC_EPARSE);
  CHECK_INT(awsc_hex_decode(" 0", 2, bin), AWSC_EPARSE);
  CHECK_INT(awsc_hex_decode("0x12", 4, bin), AWSC_EPARSE);
  CHECK_INT(awsc_hex_decode("1\0", 2, bin), AWSC_EPARSE);
}

static void test_hex_roundtrip(void) {
  uint8_t in[64], back[64];
  char hex[129];
  int ok = 1;
  for (size_t n = 0; n <= 64; n++) {
    for (size_t i = 0; i < n; i++)
      in[i] = (uint8_t)rnd();
    awsc_hex_encode(in, n, hex);
    if (strlen(hex) != 2 * n || awsc_hex_decode(hex, 2 * n, back) != 0 ||
        memcmp(in, back, n) != 0)
      ok = 0;
  }
  CHECK(ok);
}

/* Lower-case digits exactly as printf writes them, for every byte value
 * at every position of inputs of 0-80 bytes (whole 16-byte blocks and
 * the tail). */
static void test_hex_exact(void) {
  uint8_t in[80];
  char hex[161], want[161];
  int bad = 0;
  for (int v = 0; v < 256; v++) {
    for (size_t n = 0; n <= sizeof(in); n++) {
      for (size_t i = 0; i < n; i++)
        in[i] = (uint8_t)(i * 37 + (size_t)v * 11);
      if (n)
        in[(size_t)v % n] = (uint8_t)v;
      for (size_t i = 0; i < n; i++)
        snprintf(want + 2 * i, 3, "%02x", in[i]);
      want[2 * n] = '\0';
      awsc_hex_encode(in, n, hex);
      if (strcmp(hex, want) != 0)
        bad++;
    }
  }
  CHECK_INT(bad, 0);
}

static void test_base64_rfc4648(void) {
  static const char *const vec[][2] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (size_t i = 0; i < AWSC_ARRAY_LEN(vec); i++) {
    const char *plain = vec[i][0], *enc = vec[i][1];
    size_t n = strlen(plain);
    char out[32];
    CHECK_INT(awsc_base64_encode((const uint8_t *)plain, n, out), strlen(enc));
    CHECK_INT(AWSC_BASE64_LEN(n), strlen(enc));
    CHECK_STR(out, enc);
    uint8_t dec[32];
    size_t dn = 99;
    CHECK_INT(awsc_base64_decode(enc, strlen(enc), dec, &dn), 0);
    CHECK_INT(dn, n);
    CHECK(memcmp(dec, plain, n) == 0);
    /* Padding is optional on input. */
    size_t unpadded = strlen(enc);
    while (unpadded && enc[unpadded - 1] == '=')
      unpadded--;
    dn = 99;
    CHECK_INT(awsc_base64_decode(enc, unpadded, dec, &dn), 0);
    CHECK_INT(dn, n);
    CHECK(memcmp(dec, plain, n) == 0);
  }
  /* Characters 62 and 63. */
  char out[8];
  awsc_base64_encode((const uint8_t *)"\xfb\xff\xbf", 3, out);
  CHECK_STR(out, "+/+/");
}

static void test_base64_bad(void) {
  static const char *const bad[] = {
      "Z",    "Zg=",  "Zm9v!", "Zm 9v", "=Zm9", "Zg==Zg==", "Zm9v\n",
      "Z===", "Zg=a", "====",  "Zm9vY", "Zm-_", "Zm9\x80",  "Zm=v",
  };
  for (size_t i = 0; i < AWSC_ARRAY_LEN(bad); i++) {
    uint8_t dec[32];
    size_t dn;
    int rc = awsc_base64_decode(bad[i], strlen(bad[i]), dec, &dn);
    if (rc != AWSC_EPARSE)
      fprintf(stderr, "accepted bad base64 #%zu\n", i);
    CHECK_INT(rc, AWSC_EPARSE);
  }
}

static void test_base64_roundtrip(void) {
  uint8_t in[300], back[300 + 3];
  char enc[AWSC_BASE64_LEN(300) + 1];
  int ok = 1;
  for (size_t n = 0; n < 300; n++) {
    for (size_t i = 0; i < n; i++)
      in[i] = (uint8_t)rnd();
    size_t en = awsc_base64_encode(in, n, enc);
    size_t dn = 0;
    if (en != AWSC_BASE64_LEN(n) || strlen(enc) != en ||
        awsc_base64_decode(enc, en, back, &dn) != 0 || dn != n ||
        memcmp(in, back, n) != 0)
      ok = 0;
  }
  CHECK(ok);
}

static void check_enc(const char *in, size_t n, bool keep_slash,
                      const char *want) {
  awsc_buf b = AWSC_BUF_INIT;
  CHECK_INT(awsc_uri_encode(&b, in, n, keep_slash), 0);
  CHECK_STR(b.p, want);
  CHECK_INT(b.len, strlen(want));
  awsc_buf_free(&b);
}

static void test_uri_encode(void) {
  check_enc("a b", 3, false, "a%20b");
  check_enc("a+b", 3, false, "a%2Bb");
  check_enc("~-_.", 4, false, "~-_.");
  check_enc("AZaz09", 6, false, "AZaz09");
  check_enc("a/b/c", 5, true, "a/b/c");
  check_enc("a/b/c", 5, false, "a%2Fb%2Fc");
  check_enc("\xc3\xa9", 2, false, "%C3%A9");       /* é in UTF-8 */
  check_enc("\xe2\x82\xac", 3, true, "%E2%82%AC"); /* € */
  check_enc("*=&?%:@!'()", 11, false, "%2A%3D%26%3F%25%3A%40%21%27%28%29");
  check_enc("\0\x7f\xff", 3, false, "%00%7F%FF");
  check_enc("", 0, false, "");
  /* Appends to what is there. */
  awsc_buf b = AWSC_BUF_INIT;
  awsc_buf_puts(&b, "k=");
  CHECK_INT(awsc_uri_encode(&b, "v w", 3, false), 0);
  CHECK_STR(b.p, "k=v%20w");
  awsc_buf_free(&b);
}

static void check_dec(const char *in, bool plus, const char *want) {
  awsc_buf b = AWSC_BUF_INIT;
  CHECK_INT(awsc_uri_decode(&b, in, strlen(in), plus), 0);
  CHECK_STR(b.p, want);
  awsc_buf_free(&b);
}

static void test_uri_decode(void) {
  check_dec("a%20b", false, "a b");
  check_dec("%2b%2B", false, "++");
  check_dec("a+b", true, "a b");
  check_dec("a+b", false, "a+b");
  check_dec("%C3%a9", false, "\xc3\xa9");
  check_dec("plain", false, "plain");
  check_dec("", false, "");
  /* Every byte survives encode -> decode. */
  char all[256];
  for (int i = 0; i < 256; i++)
    all[i] = (char)i;
  awsc_buf e = AWSC_BUF_INIT, d = AWSC_BUF_INIT;
  CHECK_INT(awsc_uri_encode(&e, all, 256, false), 0);
  CHECK_INT(awsc_uri_decode(&d, e.p, e.len, false), 0);
  CHECK_INT(d.len, 256);
  CHECK(memcmp(d.p, all, 256) == 0);
  awsc_buf_free(&e);
  awsc_buf_free(&d);
}

static void test_uri_decode_bad(void) {
  static const char *const bad[] = {"%",    "%2",   "%zz",  "%G1",
                                    "abc%", "ab%2", "%%20", "%1g"};
  for (size_t i = 0; i < AWSC_ARRAY_LEN(bad); i++) {
    awsc_buf b = AWSC_BUF_INIT;
    awsc_buf_puts(&b, "keep");
    CHECK_INT(awsc_uri_decode(&b, bad[i], strlen(bad[i]), false), AWSC_EPARSE);
    /* The buffer is left as it was. */
    CHECK_INT(b.len, 4);
    CHECK_STR(b.p, "keep");
    awsc_buf_free(&b);
  }
}

int main(void) {
  RUN(test_hex);
  RUN(test_hex_bad);
  RUN(test_hex_roundtrip);
  RUN(test_hex_exact);
  RUN(test_base64_rfc4648);
  RUN(test_base64_bad);
  RUN(test_base64_roundtrip);
  RUN(test_uri_encode);
  RUN(test_uri_decode);
  RUN(test_uri_decode_bad);
  return test_summary();
}
