/* lib/runtime/timestamp.c - input timestamp strings as botocore reads
 * them. The strict forms go to lib/core/time.c as they are; a looser form
 * is read into its fields, written out as canonical ISO 8601 and parsed
 * by the strict parser, so that the calendar checks (months, leap days,
 * hours) and the arithmetic live in one place. */
#include "runtime/timestamp.h"

#include <stdbool.h>
#include <stdio.h>

typedef struct cur {
  const char *p, *end;
} cur;

/* The fields of a loose timestamp; zone in minutes east of UTC. */
typedef struct fields {
  int year, month, day, hour, min, sec;
  char frac[4]; /* up to three digits of the fraction, "" when none */
  int zone_min;
} fields;

static bool at_end(const cur *c) {
  return c->p >= c->end;
}

static bool eat(cur *c, char ch) {
  if (at_end(c) || *c->p != ch)
    return false;
  c->p++;
  return true;
}

static char lower(char ch) {
  return ch >= 'A' && ch <= 'Z' ? (char)(ch + 32) : ch;
}

static bool is_digit(char ch) {
  return ch >= '0' && ch <= '9';
}

static bool is_alpha(char ch) {
  return lower(ch) >= 'a' && lower(ch) <= 'z';
}

/* At least one space. */
static bool spaces(cur *c) {
  const char *start = c->p;
  while (!at_end(c) && *c->p == ' ')
    c->p++;
  return c->p > start;
}

/* min..max decimal digits. */
static bool number(cur *c, int min, int max, int *out) {
  int n = 0, v = 0;
  while (n < max && !at_end(c) && is_digit(*c->p)) {
    v = v * 10 + (*c->p++ - '0');
    n++;
  }
  if (n < min || (!at_end(c) && is_digit(*c->p)))
    return false;
  *out = v;
  return true;
}

/* A word of letters, compared without case to `want`. */
static bool word(cur *c, const char *want) {
  const char *p = c->p;
  for (; *want; want++, p++)
    if (p >= c->end || lower(*p) != *want)
      return false;
  if (p < c->end && is_alpha(*p))
    return false;
  c->p = p;
  return true;
}

/* An English month or weekday name, whole or its first three letters:
 * the index in `names`, or -1. */
static int name(cur *c, const char *const *names, int count) {
  for (int i = 0; i < count; i++) {
    char abbr[4] = {names[i][0], names[i][1], names[i][2], '\0'};
    if (word(c, names[i]) || word(c, abbr))
      return i;
  }
  return -1;
}

static const char *const months[12] = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december"};
static const char *const weekdays[7] = {"monday",   "tuesday", "wednesday",
                                        "thursday", "friday",  "saturday",
                                        "sunday"};

/* HH[:MM[:SS[(.|,)fraction]]] */
static bool time_of_day(cur *c, fields *f) {
  if (!number(c, 1, 2, &f->hour))
    return false;
  if (!eat(c, ':'))
    return true;
  if (!number(c, 2, 2, &f->min))
    return false;
  if (!eat(c, ':'))
    return true;
  if (!number(c, 2, 2, &f->sec))
    return false;
  if (!eat(c, '.') && !eat(c, ','))
    return true;
  int n = 0;
  for (; !at_end(c) && is_digit(*c->p); c->p++, n++)
    if (n < 3)
      f->frac[n] = *c->p;
  return n > 0;
}

/* Nothing, or (after optional spaces) Z, UTC, GMT, UT, +HH, +HHMM, +HH:MM
 * or the same with '-'. */
static bool zone(cur *c, fields *f) {
  spaces(c);
  if (at_end(c))
    return true;
  if (eat(c, 'Z') || eat(c, 'z') || word(c, "utc") || word(c, "gmt") ||
      word(c, "ut"))
    return at_end(c);
  int sign = eat(c, '+') ? 1 : eat(c, '-') ? -1 : 0;
  int hh, mm = 0;
  if (!sign || !number(c, 2, 2, &hh))
    return false;
  if (eat(c, ':') ? !number(c, 2, 2, &mm) : !at_end(c) && !number(c, 2, 2, &mm))
    return false;
  if (hh > 23 || mm > 59)
    return false;
  f->zone_min = sign * (hh * 60 + mm);
  return at_end(c);
}

/* YYYY-M-D or YYYY/M/D, then nothing or ('T' | 't' | spaces) time zone. */
static bool numeric_form(cur *c, fields *f) {
  if (!number(c, 4, 4, &f->year))
    return false;
  char sep = at_end(c) ? '\0' : *c->p;
  if ((sep != '-' && sep != '/') || !eat(c, sep) ||
      !number(c, 1, 2, &f->month) || !eat(c, sep) || !number(c, 1, 2, &f->day))
    return false;
  if (at_end(c) || (spaces(c) && at_end(c)))
    return true;
  if (!eat(c, 'T') && !eat(c, 't') && c->p[-1] != ' ')
    return false;
  return time_of_day(c, f) && zone(c, f);
}

/* [weekday[,]] D Mon YYYY or Mon D[,] YYYY, then nothing or spaces time
 * zone. */
static bool named_form(cur *c, fields *f) {
  if (name(c, weekdays, 7) >= 0) {
    eat(c, ',');
    spaces(c);
  }
  int m;
  if ((m = name(c, months, 12)) >= 0) {
    if (!spaces(c) || !number(c, 1, 2, &f->day))
      return false;
    eat(c, ',');
  } else if (!number(c, 1, 2, &f->day) || !spaces(c) ||
             (m = name(c, months, 12)) < 0) {
    return false;
  }
  f->month = m + 1;
  if (!spaces(c) || !number(c, 4, 4, &f->year))
    return false;
  if (at_end(c) || (spaces(c) && at_end(c)))
    return true;
  return c->p[-1] == ' ' && time_of_day(c, f) && zone(c, f);
}

/* The fields as "YYYY-MM-DDTHH:MM:SS[.fff]+HH:MM", strictly parsed. */
static int from_fields(const fields *f, int64_t *out_ms) {
  char text[48];
  int z = f->zone_min < 0 ? -f->zone_min : f->zone_min;
  int n = snprintf(
      text, sizeof(text), "%04d-%02d-%02dT%02d:%02d:%02d%s%s%c%02d:%02d",
      f->year, f->month, f->day, f->hour, f->min, f->sec, f->frac[0] ? "." : "",
      f->frac, f->zone_min < 0 ? '-' : '+', z / 60, z % 60);
  if (n < 0 || (size_t)n >= sizeof(text))
    return AWSC_EPARSE;
  return awsc_time_parse_iso8601((awsc_sv){text, (size_t)n}, out_ms);
}

int awsc_timestamp_parse_input(awsc_sv s, int64_t *out_ms) {
  if (!s.p)
    return AWSC_EPARSE;
  if (awsc_time_parse_any(s, out_ms) == AWSC_OK)
    return AWSC_OK;
  s = awsc_sv_trim(s);
  /* float() takes a '+' sign the epoch parser does not */
  if (s.n > 1 && s.p[0] == '+' && is_digit(s.p[1]))
    return awsc_time_parse_epoch((awsc_sv){s.p + 1, s.n - 1}, out_ms);
  fields f = {0};
  cur c = {s.p, s.p + s.n};
  if (s.n && is_digit(s.p[0]) && numeric_form(&c, &f))
    return from_fields(&f, out_ms);
  fields g = {0};
  cur d = {s.p, s.p + s.n};
  if (named_form(&d, &g))
    return from_fields(&g, out_ms);
  return AWSC_EPARSE;
}
