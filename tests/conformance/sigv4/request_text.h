/*
 * tests/conformance/sigv4/request_text.h - reading the SigV4 suites: files
 * and folders, raw HTTP request text, query strings. Test code: plain
 * malloc, aborts on nothing (a missing file is a NULL the caller reports).
 */
#ifndef SIGV4_REQUEST_TEXT_H
#define SIGV4_REQUEST_TEXT_H

#include <stdbool.h>
#include <stddef.h>

typedef struct raw_header {
  char *name;
  char *value; /* after the first ':', continuation lines joined by '\n' */
  char *raw;   /* the header's lines as written, '\n'-separated */
} raw_header;

typedef struct http_req {
  char *method;
  char *target; /* path?query as written */
  char *version;
  raw_header *h;
  size_t nh;
  char *body;
  size_t body_len;
} http_req;

typedef struct kv {
  char *k;
  char *v;
} kv;

/* Files and folders. read_file NUL-terminates and sets *len (optional). */
char *read_file(const char *path, size_t *len);
char *read_in(const char *dir, const char *name);      /* dir/name */
char *read_trimmed(const char *dir, const char *name); /* white space cut */
char *path_join(const char *a, const char *b);
bool is_dir(const char *p);
bool exists(const char *p);
char **list_dirs(const char *dir, size_t *count); /* sorted subfolders */
void free_list(char **l, size_t n);

/* Strings. */
char *dupn(const char *s, size_t n);
/* a + sep + b[0..bn), reallocating a. */
char *append(char *a, const char *sep, const char *b, size_t bn);
char *trim_dup(const char *s);

/* Request line, header lines (continuations joined), blank line, body. */
bool parse_request(const char *text, size_t len, http_req *r);
void free_request(http_req *r);
/* First header of that name (any case), or NULL. */
const char *find_header(const http_req *r, const char *name);

/* "a=1&b" into percent-decoded pairs ("b" has an empty value). */
kv *parse_query(const char *q, size_t *count);
int kv_cmp(const void *a, const void *b);
void free_kv(kv *p, size_t n);

#endif
