/*
 * lib/config/ini.c - the INI dialect of the AWS shared config and
 * credentials files, as the AWS CLI / botocore read it.
 *
 * botocore reads these files with Python's configparser.RawConfigParser
 * (default settings) and then splits indented blocks into nested keys
 * (configloader._parse_nested). We follow that parser line for line:
 *
 *  - Lines end at "\n", "\r\n" or "\r" (Python's universal newlines).
 *  - A line whose first non-blank character is '#' or ';' is a comment,
 *    wherever it is (also inside an indented block). There are no inline
 *    comments: inline_comment_prefixes is not set, so in
 *    "region = us-east-1 # x" the value is "us-east-1 # x".
 *  - "[name]" opens a section. Like configparser we take the text up to the
 *    last ']' on the line and ignore what follows it; unlike configparser
 *    we trim whitespace around the name (config.h promises trimmed names)
 *    and reject "[" without "]" and an empty name (configparser would read
 *    "[a=b" as the key "[a").
 *  - "key = value", "key=value" and "key: value": the first '=' or ':'
 *    separates (configparser's delimiters). Key and value are trimmed; the
 *    key is lower-cased, because RawConfigParser.optionxform lower-cases
 *    option names: keys are case-insensitive in botocore, section names
 *    are not.
 *  - A line indented deeper than the line of the current key continues
 *    that key's value (joined with "\n"). Blank lines inside the block are
 *    kept as empty lines, trailing ones dropped. When the key's own value
 *    is empty ("s3 =") the block is a nested section instead: each line is
 *    "subkey = value" split at the first '=' (only '='), subkeys keep
 *    their case (_parse_nested), and a line without '=' is an error.
 *  - Indented lines right after a section header are ordinary keys.
 *  - "[DEFAULT]" is configparser's default section: it is not listed as a
 *    section and its keys show through in every section that lacks them.
 *  - Repeated sections are merged and a repeated key replaces the earlier
 *    one. (Python 3's strict mode rejects repeats inside one file; the
 *    merge is what the AWS CLI v1 on Python 2 did and what other SDKs do.)
 *  - Anything else (text before the first section, a line that is none of
 *    the above) is an error "FILE:LINE: what"; the offending text is never
 *    copied into the message since it may hold a secret.
 *  - Deviations on purpose: a UTF-8 byte order mark at the start is
 *    skipped (Python would fail on it), bytes are not checked to be UTF-8,
 *    and a NUL byte is an error (values are C strings).
 *
 * Everything a parse produces, the awsc_ini itself included, lives in one
 * arena; the scan is a single pass over (ptr, len) without copying lines.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "config/config.h"

typedef struct ini_kv {
  const char *key;
  const char *value;
} ini_kv;

typedef struct ini_entry {
  const char *key;
  const char *value; /* NULL for a nested block */
  ini_kv *subs;
  size_t nsubs, subs_cap;
} ini_entry;

typedef struct ini_section {
  const char *name;
  ini_entry *entries;
  size_t n, cap;
} ini_section;

struct awsc_ini {
  awsc_arena *arena;
  ini_section *sections; /* in order of first appearance */
  size_t nsections, sections_cap;
  ini_section *defaults; /* [DEFAULT], or NULL */
  /* Open-addressing index of sections by name: slot holds index + 1. */
  uint32_t *slots;
  size_t nslots; /* power of two, or 0 */
};

#define NO_SECTION SIZE_MAX
#define DEFAULT_SECTION (SIZE_MAX - 1)

typedef enum opt_mode {
  OPT_NONE = 0,   /* no key open */
  OPT_PLAIN,      /* key with a non-empty value; continuations append */
  OPT_MAYBE_NEST, /* "key =" seen, no content line yet */
  OPT_NESTED      /* "key =" followed by an indented block */
} opt_mode;

typedef struct parser {
  awsc_ini *ini;
  const char *filename;
  awsc_error *err;
  size_t lineno;
  size_t section; /* index, NO_SECTION or DEFAULT_SECTION */
  size_t entry;   /* index of the open key in its section */
  opt_mode mode;
  size_t indent_level; /* indent of the last section or key line */
  size_t pending_blank;
  awsc_buf value; /* the open key's value while it has continuations */
  bool value_multi;
} parser;

static bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\v' || c == '\f';
}

static awsc_sv trim(const char *p, size_t n) {
  while (n > 0 && is_blank(*p)) {
    p++;
    n--;
  }
  while (n > 0 && is_blank(p[n - 1]))
    n--;
  return (awsc_sv){p, n};
}

static int fail(parser *ps, const char *what) {
  return awsc_error_set(ps->err, AWSC_ECONFIG, AWSC_ERROR_CONFIG, "%s:%zu: %s",
                        ps->filename, ps->lineno, what);
}

static int oom(awsc_error *err) {
  return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                        "out of memory reading config");
}

static uint32_t hash_name(const char *s, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++) {
    h ^= (unsigned char)s[i];
    h *= 16777619u;
  }
  return h;
}

/* Slot for a name: either the one holding it or the empty one to use. */
static size_t find_slot(const awsc_ini *ini, const char *name, size_t n) {
  size_t mask = ini->nslots - 1;
  size_t i = hash_name(name, n) & mask;
  for (;;) {
    uint32_t v = ini->slots[i];
    if (v == 0)
      return i;
    const char *s = ini->sections[v - 1].name;
    if (strncmp(s, name, n) == 0 && s[n] == '\0')
      return i;
    i = (i + 1) & mask;
  }
}

static ini_section *lookup_section(const awsc_ini *ini, const char *name) {
  if (!ini || !name || ini->nslots == 0)
    return NULL;
  uint32_t v = ini->slots[find_slot(ini, name, strlen(name))];
  return v ? &ini->sections[v - 1] : NULL;
}

/* Arrays live in the arena too: growing one abandons the old copy, which
 * costs at most as much again as the final size. */
static void *grow(awsc_arena *a, void *old, size_t *cap, size_t used,
                  size_t elem) {
  size_t ncap = *cap ? *cap * 2 : 8;
  if (ncap > SIZE_MAX / elem)
    return NULL;
  void *p = awsc_arena_alloc(a, ncap * elem);
  if (!p)
    return NULL;
  if (used)
    memcpy(p, old, used * elem);
  *cap = ncap;
  return p;
}

static int rehash(awsc_ini *ini) {
  size_t nslots = ini->nslots ? ini->nslots * 2 : 16;
  if (nslots > SIZE_MAX / sizeof(uint32_t))
    return AWSC_ENOMEM;
  uint32_t *slots = awsc_arena_calloc(ini->arena, nslots, sizeof(uint32_t));
  if (!slots)
    return AWSC_ENOMEM;
  ini->slots = slots;
  ini->nslots = nslots;
  for (size_t i = 0; i < ini->nsections; i++) {
    const char *name = ini->sections[i].name;
    slots[find_slot(ini, name, strlen(name))] = (uint32_t)(i + 1);
  }
  return 0;
}

/* Index of the section with this name, created if new. */
static int open_section(awsc_ini *ini, awsc_sv name, size_t *out) {
  if (ini->nslots) {
    uint32_t v = ini->slots[find_slot(ini, name.p, name.n)];
    if (v) {
      *out = v - 1;
      return 0;
    }
  }
  if (ini->nsections >= UINT32_MAX - 1)
    return AWSC_ENOMEM;
  if ((ini->nsections + 1) * 2 > ini->nslots && rehash(ini) != 0)
    return AWSC_ENOMEM;
  if (ini->nsections == ini->sections_cap) {
    ini_section *s = grow(ini->arena, ini->sections, &ini->sections_cap,
                          ini->nsections, sizeof(*s));
    if (!s)
      return AWSC_ENOMEM;
    ini->sections = s;
  }
  char *copy = awsc_arena_strndup(ini->arena, name.p, name.n);
  if (!copy)
    return AWSC_ENOMEM;
  ini_section *sec = &ini->sections[ini->nsections];
  memset(sec, 0, sizeof(*sec));
  sec->name = copy;
  ini->slots[find_slot(ini, name.p, name.n)] = (uint32_t)(ini->nsections + 1);
  *out = ini->nsections++;
  return 0;
}

static ini_section *cur_section(parser *ps) {
  if (ps->section == DEFAULT_SECTION)
    return ps->ini->defaults;
  return &ps->ini->sections[ps->section];
}

/* Store the value of the open key and close it. */
static int close_key(parser *ps) {
  if (ps->mode == OPT_NONE)
    return 0;
  ini_entry *e = &cur_section(ps)->entries[ps->entry];
  if (ps->mode == OPT_PLAIN && ps->value_multi) {
    char *v = awsc_arena_strndup(ps->ini->arena, ps->value.p, ps->value.len);
    if (!v)
      return oom(ps->err);
    e->value = v;
  } else if (ps->mode == OPT_MAYBE_NEST) {
    e->value = "";
  }
  ps->mode = OPT_NONE;
  ps->value_multi = false;
  ps->pending_blank = 0;
  return 0;
}

static int handle_section(parser *ps, awsc_sv line) {
  /* configparser's "\[(?P<header>.+)\]": up to the last ']' on the line. */
  size_t close = line.n;
  while (close > 1 && line.p[close - 1] != ']')
    close--;
  if (close <= 1)
    return fail(ps, "unterminated section header (missing ']')");
  awsc_sv name = trim(line.p + 1, close - 2);
  if (name.n == 0)
    return fail(ps, "empty section name");
  int rc = close_key(ps);
  if (rc)
    return rc;
  if (awsc_sv_eq_cstr(name, "DEFAULT")) {
    if (!ps->ini->defaults) {
      ps->ini->defaults =
          awsc_arena_calloc(ps->ini->arena, 1, sizeof(ini_section));
      if (!ps->ini->defaults)
        return oom(ps->err);
      ps->ini->defaults->name = "DEFAULT";
    }
    ps->section = DEFAULT_SECTION;
    return 0;
  }
  if (open_section(ps->ini, name, &ps->section) != 0)
    return oom(ps->err);
  return 0;
}

static int handle_key(parser *ps, awsc_sv line) {
  size_t d = 0;
  while (d < line.n && line.p[d] != '=' && line.p[d] != ':')
    d++;
  if (d == line.n)
    return fail(ps, "expected 'key = value', a [section] header, a comment "
                    "or an indented continuation line");
  awsc_sv key = trim(line.p, d);
  if (key.n == 0)
    return fail(ps, "missing key name before '='");
  awsc_sv val = trim(line.p + d + 1, line.n - d - 1);
  int rc = close_key(ps);
  if (rc)
    return rc;

  ini_section *sec = cur_section(ps);
  if (sec->n == sec->cap) {
    ini_entry *e =
        grow(ps->ini->arena, sec->entries, &sec->cap, sec->n, sizeof(*e));
    if (!e)
      return oom(ps->err);
    sec->entries = e;
  }
  char *k = awsc_arena_strndup(ps->ini->arena, key.p, key.n);
  if (!k)
    return oom(ps->err);
  for (char *c = k; *c; c++)
    if (*c >= 'A' && *c <= 'Z')
      *c = (char)(*c - 'A' + 'a');
  ini_entry *e = &sec->entries[sec->n];
  memset(e, 0, sizeof(*e));
  e->key = k;
  ps->entry = sec->n++;
  if (val.n == 0) {
    ps->mode = OPT_MAYBE_NEST;
    return 0;
  }
  char *v = awsc_arena_strndup(ps->ini->arena, val.p, val.n);
  if (!v)
    return oom(ps->err);
  e->value = v;
  ps->mode = OPT_PLAIN;
  return 0;
}

static int handle_continuation(parser *ps, awsc_sv text) {
  ini_entry *e = &cur_section(ps)->entries[ps->entry];
  if (ps->mode == OPT_PLAIN) {
    if (!ps->value_multi) {
      awsc_buf_reset(&ps->value);
      if (awsc_buf_puts(&ps->value, e->value) != 0)
        return oom(ps->err);
      ps->value_multi = true;
    }
    for (size_t i = 0; i <= ps->pending_blank; i++)
      if (awsc_buf_putc(&ps->value, '\n') != 0)
        return oom(ps->err);
    ps->pending_blank = 0;
    if (awsc_buf_append(&ps->value, text.p, text.n) != 0)
      return oom(ps->err);
    return 0;
  }
  /* Nested block (_parse_nested): "subkey = value", split at '='. */
  ps->mode = OPT_NESTED;
  ps->pending_blank = 0;
  const char *eq = memchr(text.p, '=', text.n);
  if (!eq)
    return fail(ps, "expected 'name = value' in the nested block");
  awsc_sv sk = trim(text.p, (size_t)(eq - text.p));
  awsc_sv sv = trim(eq + 1, text.n - (size_t)(eq - text.p) - 1);
  if (e->nsubs == e->subs_cap) {
    ini_kv *s =
        grow(ps->ini->arena, e->subs, &e->subs_cap, e->nsubs, sizeof(*s));
    if (!s)
      return oom(ps->err);
    e->subs = s;
  }
  char *k = awsc_arena_strndup(ps->ini->arena, sk.p, sk.n);
  char *v = k ? awsc_arena_strndup(ps->ini->arena, sv.p, sv.n) : NULL;
  if (!v)
    return oom(ps->err);
  e->subs[e->nsubs].key = k;
  e->subs[e->nsubs].value = v;
  e->nsubs++;
  return 0;
}

static int handle_line(parser *ps, const char *p, size_t n) {
  awsc_sv text = trim(p, n);
  if (text.n == 0) {
    /* configparser keeps blank lines inside a value (dropped if trailing). */
    if (ps->mode != OPT_NONE)
      ps->pending_blank++;
    return 0;
  }
  if (text.p[0] == '#' || text.p[0] == ';')
    return 0;
  size_t indent = (size_t)(text.p - p);
  if (ps->mode != OPT_NONE && indent > ps->indent_level)
    return handle_continuation(ps, text);
  ps->indent_level = indent;
  if (text.p[0] == '[')
    return handle_section(ps, text);
  if (ps->section == NO_SECTION)
    return fail(ps, "expected a [section] header before the first key");
  return handle_key(ps, text);
}

int awsc_ini_parse(awsc_ini **out, const char *data, size_t len,
                   const char *filename, awsc_error *err) {
  if (!out || (!data && len))
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_ini_parse: invalid argument");
  *out = NULL;
  awsc_arena *arena = awsc_arena_new(0);
  if (!arena)
    return oom(err);
  awsc_ini *ini = awsc_arena_calloc(arena, 1, sizeof(*ini));
  if (!ini) {
    awsc_arena_free(arena);
    return oom(err);
  }
  ini->arena = arena;

  parser ps = {0};
  ps.ini = ini;
  ps.filename = filename ? filename : "<config>";
  ps.err = err;
  ps.section = NO_SECTION;
  ps.value = (awsc_buf)AWSC_BUF_INIT;

  size_t i = 0;
  if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
    i = 3;
  int rc = 0;
  while (i < len && rc == 0) {
    ps.lineno++;
    size_t start = i;
    while (i < len && data[i] != '\n' && data[i] != '\r' && data[i] != '\0')
      i++;
    if (i < len && data[i] == '\0') {
      rc = fail(&ps, "NUL byte in file");
      break;
    }
    rc = handle_line(&ps, data + start, i - start);
    if (i < len) {
      if (data[i] == '\r' && i + 1 < len && data[i + 1] == '\n')
        i++;
      i++;
    }
  }
  if (rc == 0)
    rc = close_key(&ps);
  awsc_buf_free(&ps.value);
  if (rc != 0) {
    awsc_arena_free(arena);
    return rc;
  }
  *out = ini;
  return 0;
}

int awsc_ini_load_file(awsc_ini **out, const char *path, awsc_error *err) {
  if (!out || !path)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_ini_load_file: invalid argument");
  *out = NULL;
  /* botocore skips a path that is not a regular file (os.path.isfile). */
  struct stat st;
  if (stat(path, &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR)
      return awsc_ini_parse(out, "", 0, path, err);
    return awsc_error_set(err, AWSC_EIO, AWSC_ERROR_IO, "%s: %s", path,
                          strerror(errno));
  }
  if (!S_ISREG(st.st_mode))
    return awsc_ini_parse(out, "", 0, path, err);

  FILE *f = fopen(path, "rb");
  if (!f)
    return awsc_error_set(err, AWSC_EIO, AWSC_ERROR_IO, "%s: %s", path,
                          strerror(errno));
  awsc_buf b = AWSC_BUF_INIT;
  int rc = 0;
  for (;;) {
    if (awsc_buf_reserve(&b, 8192) != 0) {
      rc = oom(err);
      break;
    }
    size_t got = fread(b.p + b.len, 1, b.cap - b.len - 1, f);
    b.len += got;
    b.p[b.len] = '\0';
    if (got == 0) {
      if (ferror(f))
        rc = awsc_error_set(err, AWSC_EIO, AWSC_ERROR_IO, "%s: read error",
                            path);
      break;
    }
  }
  fclose(f);
  if (rc == 0)
    rc = awsc_ini_parse(out, b.p, b.len, path, err);
  awsc_buf_free(&b);
  return rc;
}

void awsc_ini_free(awsc_ini *ini) {
  if (ini)
    awsc_arena_free(ini->arena);
}

bool awsc_ini_has_section(const awsc_ini *ini, const char *section) {
  return lookup_section(ini, section) != NULL;
}

static const ini_entry *find_entry(const ini_section *sec, const char *key) {
  if (!sec)
    return NULL;
  /* A repeated key replaces the earlier one: the last one wins. */
  for (size_t i = sec->n; i > 0; i--)
    if (strcmp(sec->entries[i - 1].key, key) == 0)
      return &sec->entries[i - 1];
  return NULL;
}

/* The section's own entry, else the one from [DEFAULT] (configparser). */
static const ini_entry *lookup_entry(const awsc_ini *ini, const char *section,
                                     const char *key) {
  if (!key)
    return NULL;
  const ini_section *sec = lookup_section(ini, section);
  if (!sec)
    return NULL;
  const ini_entry *e = find_entry(sec, key);
  return e ? e : find_entry(ini->defaults, key);
}

bool awsc_ini_has_key(const awsc_ini *ini, const char *section,
                      const char *key) {
  return lookup_entry(ini, section, key) != NULL;
}

const char *awsc_ini_get(const awsc_ini *ini, const char *section,
                         const char *key) {
  const ini_entry *e = lookup_entry(ini, section, key);
  return e ? e->value : NULL;
}

const char *awsc_ini_get_sub(const awsc_ini *ini, const char *section,
                             const char *key, const char *subkey) {
  const ini_entry *e = lookup_entry(ini, section, key);
  if (!e || e->value || !subkey)
    return NULL;
  for (size_t i = e->nsubs; i > 0; i--)
    if (strcmp(e->subs[i - 1].key, subkey) == 0)
      return e->subs[i - 1].value;
  return NULL;
}

const char *awsc_ini_section_name(const awsc_ini *ini, size_t index) {
  if (!ini || index >= ini->nsections)
    return NULL;
  return ini->sections[index].name;
}

size_t awsc_ini_section_count(const awsc_ini *ini) {
  return ini ? ini->nsections : 0;
}
