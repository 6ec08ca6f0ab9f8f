/* lib/core/time.c - wall-clock time and the timestamp formats AWS uses.
 * Civil-date arithmetic is done by hand (no timegm, no locale, no static
 * buffers) so every function here is thread-safe and portable. */
#include <string.h>
#include <time.h>

#include "core/core.h"

#define MS_PER_DAY INT64_C(86400000)
/* Formatting clamps to the years 0000..9999 that four digits can show. */
#define MIN_MS (INT64_C(-62167219200) * 1000)       /* 0000-01-01 */
#define MAX_MS (INT64_C(253402300799) * 1000 + 999) /* 9999-12-31 */

int64_t awsc_time_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

static bool is_leap(int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m) {
  static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

typedef struct civil {
  int64_t year;
  int month, day, hour, min, sec, ms, wday; /* wday 0 = Sunday */
} civil;

static civil to_civil(int64_t ms) {
  if (ms < MIN_MS)
    ms = MIN_MS;
  if (ms > MAX_MS)
    ms = MAX_MS;
  int64_t days = ms / MS_PER_DAY, rem = ms % MS_PER_DAY;
  if (rem < 0) {
    rem += MS_PER_DAY;
    days--;
  }
  civil c;
  civil_from_days(days, &c.year, &c.month, &c.day);
  c.hour = (int)(rem / 3600000);
  c.min = (int)(rem / 60000 % 60);
  c.sec = (int)(rem / 1000 % 60);
  c.ms = (int)(rem % 1000);
  int64_t w = (days + 4) % 7; /* 1970-01-01 was a Thursday */
  c.wday = (int)(w < 0 ? w + 7 : w);
  return c;
}

/* Fixed-width decimal writers: no snprintf, so no locale and no
 * truncation warnings. */
static char *put_n(char *o, int64_t v, int width) {
  for (int i = width - 1; i >= 0; i--) {
    o[i] = (char)('0' + v % 10);
    v /= 10;
  }
  return o + width;
}

void awsc_time_format_amz(int64_t ms, char out[17]) {
  civil c = to_civil(ms);
  char *o = put_n(out, c.year, 4);
  o = put_n(o, c.month, 2);
  o = put_n(o, c.day, 2);
  *o++ = 'T';
  o = put_n(o, c.hour, 2);
  o = put_n(o, c.min, 2);
  o = put_n(o, c.sec, 2);
  *o++ = 'Z';
  *o = '\0';
}

void awsc_time_format_date(int64_t ms, char out[9]) {
  civil c = to_civil(ms);
  char *o = put_n(out, c.year, 4);
  o = put_n(o, c.month, 2);
  o = put_n(o, c.day, 2);
  *o = '\0';
}

void awsc_time_format_iso8601(int64_t ms, bool with_ms, char out[32]) {
  civil c = to_civil(ms);
  char *o = put_n(out, c.year, 4);
  *o++ = '-';
  o = put_n(o, c.month, 2);
  *o++ = '-';
  o = put_n(o, c.day, 2);
  *o++ = 'T';
  o = put_n(o, c.hour, 2);
  *o++ = ':';
  o = put_n(o, c.min, 2);
  *o++ = ':';
  o = put_n(o, c.sec, 2);
  if (with_ms && c.ms) {
    *o++ = '.';
    o = put_n(o, c.ms, 3);
  }
  *o++ = 'Z';
  *o = '\0';
}

static const char wday_names[7][4] = {"Sun", "Mon", "Tue", "Wed",
                                      "Thu", "Fri", "Sat"};
static const char month_names[12][4] = {"Jan", "Feb", "Mar", "Apr",
                                        "May", "Jun", "Jul", "Aug",
                                        "Sep", "Oct", "Nov", "Dec"};

void awsc_time_format_rfc1123(int64_t ms, char out[32]) {
  civil c = to_civil(ms);
  char *o = out;
  memcpy(o, wday_names[c.wday], 3);
  o += 3;
  *o++ = ',';
  *o++ = ' ';
  o = put_n(o, c.day, 2);
  *o++ = ' ';
  memcpy(o, month_names[c.month - 1], 3);
  o += 3;
  *o++ = ' ';
  o = put_n(o, c.year, 4);
  *o++ = ' ';
  o = put_n(o, c.hour, 2);
  *o++ = ':';
  o = put_n(o, c.min, 2);
  *o++ = ':';
  o = put_n(o, c.sec, 2);
  memcpy(o, " GMT", 5);
}

/* ---- parsing: a cursor over the view ---- */

typedef struct cursor {
  const char *p;
  const char *end;
} cursor;

static bool at_end(const cursor *c) {
  return c->p >= c->end;
}

static bool peek_is(const cursor *c, char ch) {
  return c->p < c->end && *c->p == ch;
}

static bool eat(cursor *c, char ch) {
  if (!peek_is(c, ch))
    return false;
  c->p++;
  return true;
}

static bool is_digit(char ch) {
  return ch >= '0' && ch <= '9';
}

/* Exactly `width` digits. */
static bool digits(cursor *c, int width, int *out) {
  if (c->end - c->p < width)
    return false;
  int v = 0;
  for (int i = 0; i < width; i++) {
    if (!is_digit(c->p[i]))
      return false;
    v = v * 10 + (c->p[i] - '0');
  }
  c->p += width;
  *out = v;
  return true;
}

/* One to `max` digits. */
static bool digits_upto(cursor *c, int max, int *out, int *count) {
  int v = 0, n = 0;
  while (n < max && c->p < c->end && is_digit(*c->p)) {
    v = v * 10 + (*c->p - '0');
    c->p++;
    n++;
  }
  if (!n)
    return false;
  *out = v;
  if (count)
    *count = n;
  return true;
}

/* Optional ".fff...": milliseconds from the first three digits; further
 * digits are accepted and truncated. */
static bool fraction_ms(cursor *c, int *ms) {
  *ms = 0;
  if (!eat(c, '.'))
    return true;
  int n = 0;
  while (c->p < c->end && is_digit(*c->p)) {
    if (n < 3)
      *ms = *ms * 10 + (*c->p - '0');
    n++;
    c->p++;
  }
  if (!n)
    return false;
  for (; n < 3; n++)
    *ms *= 10;
  return true;
}

static bool make_ms(int64_t year, int month, int day, int hour, int min,
                    int sec, int ms, int64_t offset_min, int64_t *out) {
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) ||
      hour > 23 || min > 59 || sec > 59)
    return false;
  int64_t days = days_from_civil(year, month, day);
  *out = days * MS_PER_DAY + (int64_t)hour * 3600000 + (int64_t)min * 60000 +
         (int64_t)sec * 1000 + ms - offset_min * 60000;
  return true;
}

/* "Z", "+hh:mm", "+hhmm", "+hh" (or '-'), in minutes east of UTC. */
static bool zone_offset(cursor *c, int64_t *offset_min) {
  *offset_min = 0;
  if (eat(c, 'Z') || eat(c, 'z'))
    return true;
  int sign;
  if (eat(c, '+'))
    sign = 1;
  else if (eat(c, '-'))
    sign = -1;
  else
    return false;
  int hh, mm = 0;
  if (!digits(c, 2, &hh))
    return false;
  if (eat(c, ':')) {
    if (!digits(c, 2, &mm))
      return false;
  } else if (!at_end(c) && !digits(c, 2, &mm)) {
    return false;
  }
  if (hh > 23 || mm > 59)
    return false;
  *offset_min = sign * (hh * 60 + mm);
  return true;
}

int awsc_time_parse_iso8601(awsc_sv s, int64_t *out_ms) {
  s = awsc_sv_trim(s);
  cursor c = {s.p, s.p + s.n};
  int y, mo, d, h, mi, se, ms = 0;
  int64_t off = 0;
  if (!s.p || !digits(&c, 4, &y))
    return AWSC_EPARSE;
  /* Extended "2015-08-30T12:36:00Z" or basic "20150830T123600Z"
   * (X-Amz-Date) form. */
  bool ext = eat(&c, '-');
  if (!digits(&c, 2, &mo) || (ext && !eat(&c, '-')) || !digits(&c, 2, &d))
    return AWSC_EPARSE;
  if (!(eat(&c, 'T') || eat(&c, 't') || (ext && eat(&c, ' '))))
    return AWSC_EPARSE;
  if (!digits(&c, 2, &h) || (ext && !eat(&c, ':')) || !digits(&c, 2, &mi) ||
      (ext && !eat(&c, ':')) || !digits(&c, 2, &se) || !fraction_ms(&c, &ms))
    return AWSC_EPARSE;
  /* No zone designator: AWS means UTC. */
  if (!at_end(&c) && !zone_offset(&c, &off))
    return AWSC_EPARSE;
  if (!at_end(&c))
    return AWSC_EPARSE;
  int64_t v;
  if (!make_ms(y, mo, d, h, mi, se, ms, off, &v))
    return AWSC_EPARSE;
  *out_ms = v;
  return AWSC_OK;
}

static int name_index(cursor *c, const char (*names)[4], int count) {
  if (c->end - c->p < 3)
    return -1;
  for (int i = 0; i < count; i++) {
    bool match = true;
    for (int k = 0; k < 3; k++) {
      char ch = c->p[k];
      if (ch >= 'A' && ch <= 'Z')
        ch = (char)(ch + 32);
      char want = names[i][k];
      if (want >= 'A' && want <= 'Z')
        want = (char)(want + 32);
      if (ch != want)
        match = false;
    }
    if (match) {
      c->p += 3;
      return i;
    }
  }
  return -1;
}

static void skip_spaces(cursor *c) {
  while (c->p < c->end && *c->p == ' ')
    c->p++;
}

static bool hms(cursor *c, int *h, int *mi, int *se) {
  return digits(c, 2, h) && eat(c, ':') && digits(c, 2, mi) && eat(c, ':') &&
         digits(c, 2, se);
}

/* "GMT", "UTC", "UT", "Z" or a numeric "+hhmm" offset. */
static bool http_zone(cursor *c, int64_t *off) {
  *off = 0;
  size_t n = (size_t)(c->end - c->p);
  awsc_sv rest = {c->p, n};
  if (awsc_sv_ieq_cstr(rest, "GMT") || awsc_sv_ieq_cstr(rest, "UTC") ||
      awsc_sv_ieq_cstr(rest, "UT") || awsc_sv_ieq_cstr(rest, "Z")) {
    c->p = c->end;
    return true;
  }
  return zone_offset(c, off);
}

/* The form servers send (RFC 9110's IMF-fixdate, "Sun, 06 Nov 1994
 * 08:49:37 GMT", names in their usual case), read by position: every
 * Last-Modified of every S3 answer comes here, and the general parser's
 * case-blind name searches cost it about 900 instructions. false: not
 * this exact form (the general parser decides). */
static bool imf_fixdate(const char *p, size_t n, int64_t *out_ms) {
  if (n != 29 || memcmp(p + 25, " GMT", 4) != 0)
    return false;
  int wd = 0, mo = 0, d, y, h, mi, se;
  while (wd < 7 && memcmp(p, wday_names[wd], 3) != 0)
    wd++;
  while (mo < 12 && memcmp(p + 8, month_names[mo], 3) != 0)
    mo++;
  cursor c = {p + 3, p + 25};
  if (wd == 7 || mo == 12 || !eat(&c, ',') || !eat(&c, ' ') ||
      !digits(&c, 2, &d) || !eat(&c, ' '))
    return false;
  c.p += 3; /* the month, matched above */
  return eat(&c, ' ') && digits(&c, 4, &y) && eat(&c, ' ') &&
         hms(&c, &h, &mi, &se) &&
         make_ms(y, mo + 1, d, h, mi, se, 0, 0, out_ms);
}

int awsc_time_parse_rfc1123(awsc_sv s, int64_t *out_ms) {
  s = awsc_sv_trim(s);
  if (!s.p)
    return AWSC_EPARSE;
  if (imf_fixdate(s.p, s.n, out_ms))
    return AWSC_OK;
  cursor c = {s.p, s.p + s.n};
  int64_t off = 0;
  int y, mo, d, h, mi, se;
  if (name_index(&c, wday_names, 7) < 0)
    return AWSC_EPARSE;
  if (eat(&c, ',')) {
    /* RFC 1123 "Sun, 30 Aug 2015 12:36:00 GMT". */
    skip_spaces(&c);
    if (!digits_upto(&c, 2, &d, NULL) || !eat(&c, ' '))
      return AWSC_EPARSE;
    if ((mo = name_index(&c, month_names, 12)) < 0 || !eat(&c, ' ') ||
        !digits(&c, 4, &y) || !eat(&c, ' ') || !hms(&c, &h, &mi, &se))
      return AWSC_EPARSE;
    skip_spaces(&c);
    if (!at_end(&c) && !http_zone(&c, &off))
      return AWSC_EPARSE;
  } else if (eat(&c, ' ')) {
    /* asctime "Sun Aug 30 12:36:00 2015" (day may be space-padded). */
    if ((mo = name_index(&c, month_names, 12)) < 0)
      return AWSC_EPARSE;
    skip_spaces(&c);
    if (!digits_upto(&c, 2, &d, NULL) || !eat(&c, ' ') ||
        !hms(&c, &h, &mi, &se) || !eat(&c, ' ') || !digits(&c, 4, &y))
      return AWSC_EPARSE;
  } else {
    /* RFC 850 "Sunday, 30-Aug-15 12:36:00 GMT": skip the rest of the
     * weekday name. */
    while (c.p < c.end &&
           ((*c.p >= 'a' && *c.p <= 'z') || (*c.p >= 'A' && *c.p <= 'Z')))
      c.p++;
    int yy;
    if (!eat(&c, ',') || !eat(&c, ' ') || !digits(&c, 2, &d) || !eat(&c, '-') ||
        (mo = name_index(&c, month_names, 12)) < 0 || !eat(&c, '-') ||
        !digits(&c, 2, &yy) || !eat(&c, ' ') || !hms(&c, &h, &mi, &se))
      return AWSC_EPARSE;
    /* Two-digit years: RFC 7231 says interpret 50+ years ahead as past. */
    y = yy < 70 ? 2000 + yy : 1900 + yy;
    skip_spaces(&c);
    if (!at_end(&c) && !http_zone(&c, &off))
      return AWSC_EPARSE;
  }
  if (!at_end(&c))
    return AWSC_EPARSE;
  int64_t v;
  if (!make_ms(y, mo + 1, d, h, mi, se, 0, off, &v))
    return AWSC_EPARSE;
  *out_ms = v;
  return AWSC_OK;
}

int awsc_time_parse_epoch(awsc_sv s, int64_t *out_ms) {
  s = awsc_sv_trim(s);
  if (!s.p)
    return AWSC_EPARSE;
  cursor c = {s.p, s.p + s.n};
  bool neg = eat(&c, '-');
  int64_t secs = 0;
  int n = 0;
  while (c.p < c.end && is_digit(*c.p)) {
    if (secs > (INT64_MAX / 1000 - 999 - 9) / 10)
      return AWSC_EPARSE;
    secs = secs * 10 + (*c.p - '0');
    c.p++;
    n++;
  }
  int ms = 0;
  if (!n || !fraction_ms(&c, &ms) || !at_end(&c))
    return AWSC_EPARSE;
  int64_t v = secs * 1000 + ms;
  *out_ms = neg ? -v : v;
  return AWSC_OK;
}

int awsc_time_parse_any(awsc_sv s, int64_t *out_ms) {
  if (awsc_time_parse_iso8601(s, out_ms) == AWSC_OK ||
      awsc_time_parse_rfc1123(s, out_ms) == AWSC_OK ||
      awsc_time_parse_epoch(s, out_ms) == AWSC_OK)
    return AWSC_OK;
  return AWSC_EPARSE;
}
