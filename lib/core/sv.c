/* lib/core/sv.c - length-delimited byte views, for parsing without copies. */
#include <string.h>

#include "core/core.h"

awsc_sv awsc_sv_from_cstr(const char *s) {
  return s ? (awsc_sv){s, strlen(s)} : (awsc_sv){NULL, 0};
}

bool awsc_sv_eq(awsc_sv a, awsc_sv b) {
  return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

bool awsc_sv_eq_cstr(awsc_sv a, const char *b) {
  return awsc_sv_eq(a, awsc_sv_from_cstr(b));
}

static unsigned char ascii_lower(unsigned char c) {
  return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + ('a' - 'A')) : c;
}

bool awsc_sv_ieq_cstr(awsc_sv a, const char *b) {
  awsc_sv bv = awsc_sv_from_cstr(b);
  if (a.n != bv.n)
    return false;
  for (size_t i = 0; i < a.n; i++)
    if (ascii_lower((unsigned char)a.p[i]) !=
        ascii_lower((unsigned char)bv.p[i]))
      return false;
  return true;
}

static bool is_trim_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

awsc_sv awsc_sv_trim(awsc_sv s) {
  while (s.n && is_trim_space(s.p[0])) {
    s.p++;
    s.n--;
  }
  while (s.n && is_trim_space(s.p[s.n - 1]))
    s.n--;
  return s;
}
