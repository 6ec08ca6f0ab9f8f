/* lib/core/encode.c - hex, base64 and the percent-encoding SigV4 needs. */
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "core/core.h"

static const char hex_upper[] = "0123456789ABCDEF";

int awsc_hex_value(unsigned char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Two hex digits per byte, looked up at once: signing hex-encodes 3-4
 * digests per request and this is measurably on its profile. */
static const char hex_pairs[513] =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
    "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
    "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
    "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
    "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
    "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
    "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
    "e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";

void awsc_hex_encode(const uint8_t *in, size_t n, char *out) {
  size_t i = 0;
#ifdef __SSE2__
  /* sixteen bytes at a time: nibbles split, interleaved high-low, and
   * each made a digit ('0' + n, plus 39 more past 9: 'a' + n - 10) */
  const __m128i low4 = _mm_set1_epi8(0x0f), nine = _mm_set1_epi8(9);
  const __m128i zero = _mm_set1_epi8('0'),
                past9 = _mm_set1_epi8('a' - '0' - 10);
  for (; i + 16 <= n; i += 16) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(in + i));
    __m128i hi = _mm_and_si128(_mm_srli_epi16(v, 4), low4);
    __m128i lo = _mm_and_si128(v, low4);
    __m128i a = _mm_unpacklo_epi8(hi, lo), b = _mm_unpackhi_epi8(hi, lo);
    a = _mm_add_epi8(
        a, _mm_add_epi8(zero, _mm_and_si128(_mm_cmpgt_epi8(a, nine), past9)));
    b = _mm_add_epi8(
        b, _mm_add_epi8(zero, _mm_and_si128(_mm_cmpgt_epi8(b, nine), past9)));
    _mm_storeu_si128((__m128i *)(void *)(out + 2 * i), a);
    _mm_storeu_si128((__m128i *)(void *)(out + 2 * i + 16), b);
  }
#endif
  for (; i < n; i++)
    memcpy(out + 2 * i, hex_pairs + 2 * in[i], 2);
  out[2 * n] = '\0';
}

int awsc_hex_decode(const char *in, size_t n, uint8_t *out) {
  if (n % 2)
    return AWSC_EPARSE;
  for (size_t i = 0; i < n; i += 2) {
    int hi = awsc_hex_value((unsigned char)in[i]);
    int lo = awsc_hex_value((unsigned char)in[i + 1]);
    if (hi < 0 || lo < 0)
      return AWSC_EPARSE;
    out[i / 2] = (uint8_t)(hi << 4 | lo);
  }
  return AWSC_OK;
}

static const char b64_chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t awsc_base64_encode(const uint8_t *in, size_t n, char *out) {
  size_t o = 0, i = 0;
  for (; i + 3 <= n; i += 3) {
    uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
    out[o++] = b64_chars[v >> 18];
    out[o++] = b64_chars[(v >> 12) & 63];
    out[o++] = b64_chars[(v >> 6) & 63];
    out[o++] = b64_chars[v & 63];
  }
  if (n - i == 1) {
    uint32_t v = (uint32_t)in[i] << 16;
    out[o++] = b64_chars[v >> 18];
    out[o++] = b64_chars[(v >> 12) & 63];
    out[o++] = '=';
    out[o++] = '=';
  } else if (n - i == 2) {
    uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
    out[o++] = b64_chars[v >> 18];
    out[o++] = b64_chars[(v >> 12) & 63];
    out[o++] = b64_chars[(v >> 6) & 63];
    out[o++] = '=';
  }
  out[o] = '\0';
  return o;
}

static int b64_val(unsigned char c) {
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '+')
    return 62;
  if (c == '/')
    return 63;
  return -1;
}

int awsc_base64_decode(const char *in, size_t n, uint8_t *out,
                       size_t *out_len) {
  /* Padding, when present, must complete the last quantum exactly. */
  size_t data = n;
  if (n % 4 == 0 && n >= 4) {
    if (in[n - 1] == '=')
      data--;
    if (in[n - 2] == '=') {
      if (data != n - 1)
        return AWSC_EPARSE;
      data--;
    }
  }
  if (data % 4 == 1)
    return AWSC_EPARSE;
  size_t o = 0;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < data; i++) {
    int v = b64_val((unsigned char)in[i]);
    if (v < 0)
      return AWSC_EPARSE;
    acc = acc << 6 | (uint32_t)v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (uint8_t)(acc >> bits);
      acc &= (1u << bits) - 1;
    }
  }
  if (out_len)
    *out_len = o;
  return AWSC_OK;
}

const uint8_t awsc_uri_unreserved[256] = {
    ['-'] = 1, ['.'] = 1, ['_'] = 1, ['~'] = 1, ['0'] = 1, ['1'] = 1, ['2'] = 1,
    ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1,
    ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1,
    ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1,
    ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1, ['a'] = 1, ['b'] = 1,
    ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1,
    ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1,
    ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1,
    ['x'] = 1, ['y'] = 1, ['z'] = 1,
};

/* RFC 9110 token characters, a byte per byte value made from a bit per
 * byte value (every header name of every request is checked with it). */
#define TCHAR(c)                                                               \
  ((c) < 64    ? (0x3ff6cfa00000000ull >> (c)) & 1                             \
   : (c) < 128 ? (0x57ffffffc7fffffeull >> ((c)-64)) & 1                       \
               : 0)
#define TCHAR4(c) TCHAR(c), TCHAR(c + 1), TCHAR(c + 2), TCHAR(c + 3)
#define TCHAR16(c) TCHAR4(c), TCHAR4(c + 4), TCHAR4(c + 8), TCHAR4(c + 12)
#define TCHAR64(c) TCHAR16(c), TCHAR16(c + 16), TCHAR16(c + 32), TCHAR16(c + 48)
const uint8_t awsc_token_char[256] = {TCHAR64(0), TCHAR64(64), TCHAR64(128),
                                      TCHAR64(192)};
#undef TCHAR64
#undef TCHAR16
#undef TCHAR4
#undef TCHAR

char *awsc_uri_encode_to(char *w, const char *s, size_t n, bool keep_slash) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (awsc_uri_unreserved[c] || (c == '/' && keep_slash)) {
      *w++ = (char)c;
    } else {
      *w++ = '%';
      *w++ = hex_upper[c >> 4];
      *w++ = hex_upper[c & 15];
    }
  }
  return w;
}

int awsc_uri_encode(awsc_buf *b, const char *s, size_t n, bool keep_slash) {
  /* Reserve the worst case once so the loop cannot fail half way. */
  if (n > SIZE_MAX / 3)
    return AWSC_ENOMEM;
  int rc = awsc_buf_reserve(b, 3 * n);
  if (rc)
    return rc;
  char *o = awsc_uri_encode_to(b->p + b->len, s, n, keep_slash);
  *o = '\0';
  b->len = (size_t)(o - b->p);
  return AWSC_OK;
}

int awsc_uri_decode(awsc_buf *b, const char *s, size_t n, bool plus_is_space) {
  int rc = awsc_buf_reserve(b, n);
  if (rc)
    return rc;
  char *o = b->p + b->len;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (c == '%') {
      if (n - i < 3) {
        b->p[b->len] = '\0';
        return AWSC_EPARSE;
      }
      int hi = awsc_hex_value((unsigned char)s[i + 1]);
      int lo = awsc_hex_value((unsigned char)s[i + 2]);
      if (hi < 0 || lo < 0) {
        /* Leave the buffer as it was before the call. */
        b->p[b->len] = '\0';
        return AWSC_EPARSE;
      }
      *o++ = (char)(hi << 4 | lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      *o++ = ' ';
    } else {
      *o++ = c;
    }
  }
  *o = '\0';
  b->len = (size_t)(o - b->p);
  return AWSC_OK;
}
