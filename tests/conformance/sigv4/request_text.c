/*
 * tests/conformance/sigv4/request_text.c - see request_text.h.
 */
#include "request_text.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/core.h"

char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  size_t cap = 4096, n = 0;
  char *p = malloc(cap);
  for (;;) {
    if (n + 1024 + 1 > cap) {
      cap *= 2;
      p = realloc(p, cap);
    }
    size_t got = fread(p + n, 1, cap - n - 1, f);
    n += got;
    if (got == 0)
      break;
  }
  fclose(f);
  p[n] = '\0';
  if (len)
    *len = n;
  return p;
}

char *path_join(const char *a, const char *b) {
  size_t n = strlen(a) + strlen(b) + 2;
  char *p = malloc(n);
  snprintf(p, n, "%s/%s", a, b);
  return p;
}

bool is_dir(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

bool exists(const char *p) {
  struct stat st;
  return stat(p, &st) == 0;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of the subdirectories of dir. */
char **list_dirs(const char *dir, size_t *count) {
  DIR *d = opendir(dir);
  char **names = NULL;
  size_t n = 0;
  if (d) {
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
      if (e->d_name[0] == '.')
        continue;
      char *full = path_join(dir, e->d_name);
      if (is_dir(full)) {
        names = realloc(names, (n + 1) * sizeof(*names));
        names[n++] = strdup(e->d_name);
      }
      free(full);
    }
    closedir(d);
  }
  if (n)
    qsort(names, n, sizeof(*names), cmp_str);
  *count = n;
  return names;
}

void free_list(char **l, size_t n) {
  for (size_t i = 0; i < n; i++)
    free(l[i]);
  free(l);
}

/* ---- raw HTTP request files ---- */

char *dupn(const char *s, size_t n) {
  char *p = malloc(n + 1);
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

char *append(char *a, const char *sep, const char *b, size_t bn) {
  size_t an = strlen(a), sn = strlen(sep);
  a = realloc(a, an + sn + bn + 1);
  memcpy(a + an, sep, sn);
  memcpy(a + an + sn, b, bn);
  a[an + sn + bn] = '\0';
  return a;
}

/* Request line "METHOD target VERSION" (the target may contain spaces:
 * get-space), header lines (a line starting with white space continues
 * the previous header), a blank line, the body (the rest, exactly). */
bool parse_request(const char *text, size_t len, http_req *r) {
  memset(r, 0, sizeof(*r));
  const char *end = text + len;
  const char *eol = memchr(text, '\n', len);
  if (!eol)
    eol = end;
  const char *sp1 = memchr(text, ' ', (size_t)(eol - text));
  const char *sp2 = eol;
  while (sp2 > text && sp2[-1] != ' ')
    sp2--;
  if (!sp1 || sp2 <= sp1 + 1)
    return false;
  r->method = dupn(text, (size_t)(sp1 - text));
  r->target = dupn(sp1 + 1, (size_t)(sp2 - 1 - (sp1 + 1)));
  r->version = dupn(sp2, (size_t)(eol - sp2));
  const char *p = eol < end ? eol + 1 : end;
  while (p < end) {
    const char *le = memchr(p, '\n', (size_t)(end - p));
    if (!le)
      le = end;
    size_t ll = (size_t)(le - p);
    if (ll == 0) { /* blank line: the body follows */
      p = le + 1;
      r->body = dupn(p, (size_t)(end - p));
      r->body_len = (size_t)(end - p);
      return true;
    }
    if ((*p == ' ' || *p == '\t') && r->nh > 0) {
      raw_header *last = &r->h[r->nh - 1];
      last->value = append(last->value, "\n", p, ll);
      last->raw = append(last->raw, "\n", p, ll);
    } else {
      const char *colon = memchr(p, ':', ll);
      if (!colon)
        return false;
      r->h = realloc(r->h, (r->nh + 1) * sizeof(*r->h));
      raw_header *nhd = &r->h[r->nh++];
      nhd->name = dupn(p, (size_t)(colon - p));
      nhd->value = dupn(colon + 1, (size_t)(le - colon - 1));
      nhd->raw = dupn(p, ll);
    }
    p = le < end ? le + 1 : end;
  }
  r->body = dupn("", 0);
  return true;
}

void free_request(http_req *r) {
  free(r->method);
  free(r->target);
  free(r->version);
  for (size_t i = 0; i < r->nh; i++) {
    free(r->h[i].name);
    free(r->h[i].value);
    free(r->h[i].raw);
  }
  free(r->h);
  free(r->body);
}

const char *find_header(const http_req *r, const char *name) {
  for (size_t i = 0; i < r->nh; i++)
    if (strcasecmp(r->h[i].name, name) == 0)
      return r->h[i].value;
  return NULL;
}

/* ---- query strings ---- */

char *decode(const char *s, size_t n) {
  awsc_buf b = AWSC_BUF_INIT;
  if (awsc_uri_decode(&b, s, n, false) != 0 || !b.p) {
    awsc_buf_free(&b);
    return dupn(s, n);
  }
  char *out = dupn(b.p, b.len);
  awsc_buf_free(&b);
  return out;
}

/* Split "a=1&b" into decoded pairs (a missing '=' means an empty value). */
kv *parse_query(const char *q, size_t *count) {
  kv *out = NULL;
  size_t n = 0;
  while (q && *q) {
    const char *amp = strchr(q, '&');
    size_t len = amp ? (size_t)(amp - q) : strlen(q);
    if (len) {
      const char *eq = memchr(q, '=', len);
      out = realloc(out, (n + 1) * sizeof(*out));
      if (eq) {
        out[n].k = decode(q, (size_t)(eq - q));
        out[n].v = decode(eq + 1, len - (size_t)(eq - q) - 1);
      } else {
        out[n].k = decode(q, len);
        out[n].v = dupn("", 0);
      }
      n++;
    }
    q = amp ? amp + 1 : NULL;
  }
  *count = n;
  return out;
}

int kv_cmp(const void *a, const void *b) {
  const kv *x = a, *y = b;
  int c = strcmp(x->k, y->k);
  return c ? c : strcmp(x->v, y->v);
}

void free_kv(kv *p, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(p[i].k);
    free(p[i].v);
  }
  free(p);
}

char *trim_dup(const char *s) {
  while (*s == ' ' || *s == '\t' || *s == '\n')
    s++;
  size_t n = strlen(s);
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n'))
    n--;
  return dupn(s, n);
}

/* Read a file that holds one value; trailing white space removed. */
char *read_trimmed(const char *dir, const char *name) {
  char *p = path_join(dir, name);
  char *t = read_file(p, NULL);
  free(p);
  if (!t)
    return NULL;
  char *out = trim_dup(t);
  free(t);
  return out;
}

char *read_in(const char *dir, const char *name) {
  char *p = path_join(dir, name);
  char *t = read_file(p, NULL);
  free(p);
  return t;
}
