/*
 * lib/http/transport.c - the transport-independent half of the HTTP
 * interface: argument checks in front of every send, and the response
 * storage that every transport fills the same way.
 */
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "http/curl_internal.h"
#include "http/http_internal.h"

/* Capacities of the growable parts of a response, and the storage of its
 * headers. Kept out of the public struct so that the layout can change;
 * created on the first append (one allocation for a small response:
 * header names and values go into `text`, further blocks only when it is
 * full, the header array into `inline_headers` up to its size). */
#define INLINE_TEXT 1536
#define INLINE_HEADERS 24

typedef struct text_block {
  struct text_block *next;
  size_t used, cap;
  char data[];
} text_block;

typedef struct response_store {
  size_t header_cap;
  size_t body_cap;
  size_t text_used;
  bool body_given;  /* body is the taker's (take_body), still seen here */
  size_t length_at; /* 1 + index of the first content-length header; 0 */
  text_block *more; /* newest first */
  /* awsc_http_response_use_arena: the store, the header text, a grown
   * header array (arena_headers) and a presized first body (arena_body)
   * are allocated from arena, and never freed here */
  awsc_arena *arena;
  awsc_http_header *arena_headers;
  char *arena_body;
  awsc_http_header inline_headers[INLINE_HEADERS];
  char text[INLINE_TEXT];
} response_store;

static response_store *store_of(awsc_http_response *resp) {
  if (!resp->internal_) {
    response_store *st = awsc_malloc(sizeof(*st));
    if (!st)
      return NULL;
    st->header_cap = 0;
    st->body_cap = 0;
    st->text_used = 0;
    st->body_given = false;
    st->length_at = 0;
    st->more = NULL;
    st->arena = NULL;
    st->arena_headers = NULL;
    st->arena_body = NULL;
    resp->internal_ = st;
  }
  return resp->internal_;
}

int awsc_http_response_use_arena(awsc_http_response *resp, awsc_arena *a) {
  if (resp->internal_)
    return AWSC_EINVAL;
  response_store *st = awsc_arena_alloc(a, sizeof(*st));
  if (!st)
    return AWSC_ENOMEM;
  /* the fields; the arrays are written before they are read */
  memset(st, 0, offsetof(response_store, inline_headers));
  st->arena = a;
  resp->internal_ = st;
  return AWSC_OK;
}

bool awsc_http_response_in_arena(const awsc_http_response *resp,
                                 const awsc_arena *a) {
  const response_store *st = resp->internal_;
  return st && st->arena == a &&
         (!resp->header_count || resp->headers == st->inline_headers ||
          resp->headers == st->arena_headers);
}

/* n bytes for header text, valid until the headers are cleared (in an
 * arena's store: as long as the arena). */
static char *text_alloc(response_store *st, size_t n) {
  if (n <= INLINE_TEXT - st->text_used) {
    char *p = st->text + st->text_used;
    st->text_used += n;
    return p;
  }
  if (st->arena)
    return awsc_arena_alloc(st->arena, n);
  text_block *b = st->more;
  if (!b || n > b->cap - b->used) {
    size_t cap = n > 4096 ? n : 4096;
    b = awsc_malloc(sizeof(*b) + cap);
    if (!b)
      return NULL;
    b->next = st->more;
    b->used = 0;
    b->cap = cap;
    st->more = b;
  }
  char *p = b->data + b->used;
  b->used += n;
  return p;
}

static void text_reset(response_store *st) {
  while (st->more) {
    text_block *b = st->more;
    st->more = b->next;
    awsc_free(b);
  }
  st->text_used = 0;
}

static char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* Eight bytes of src lowercased (ASCII letters only) into dst: a byte is
 * upper case when its low seven bits reach 'A' but not past 'Z' and its
 * top bit is clear; 0x20 is then or-ed in. */
static void lower8(char *dst, const char *src) {
  const uint64_t ones7 = 0x7f7f7f7f7f7f7f7full, tops = 0x8080808080808080ull;
  uint64_t x;
  memcpy(&x, src, 8);
  uint64_t low7 = x & ones7;
  uint64_t from_a = low7 + 0x3f3f3f3f3f3f3f3full; /* top bit: >= 'A' */
  uint64_t past_z = low7 + 0x2525252525252525ull; /* top bit: > 'Z' */
  x |= ((from_a & ~past_z & ~x & tops) >> 2);
  memcpy(dst, &x, 8);
}

/* n bytes of src lowercased into dst, eight at a time; a tail of fewer
 * than eight is done as the last eight again (the same bytes come out). */
static void lower_copy(char *dst, const char *src, size_t n) {
  if (n < 8) {
    for (size_t i = 0; i < n; i++)
      dst[i] = ascii_lower(src[i]);
    return;
  }
  size_t i = 0;
  for (; i + 8 <= n; i += 8)
    lower8(dst + i, src + i);
  if (i < n)
    lower8(dst + n - 8, src + n - 8);
}

static bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Header text without the white space around it (mostly none, or one
 * space before a value: looked at before looping). */
static inline void trim(const char **p, size_t *n) {
  if (*n == 0 || (!is_space((*p)[0]) && !is_space((*p)[*n - 1])))
    return;
  while (*n > 0 && is_space(**p)) {
    (*p)++;
    (*n)--;
  }
  while (*n > 0 && is_space((*p)[*n - 1]))
    (*n)--;
}

static bool is_token(const char *s) {
  if (!s)
    return false;
  const unsigned char *p = (const unsigned char *)s;
  while (awsc_token_char[*p]) /* NUL is no token character */
    p++;
  return *p == '\0' && p != (const unsigned char *)s;
}

/* A value may hold anything but line breaks (they would let a caller's
 * data start a header or request of its own). */
static bool is_field_value(const char *s) {
  return s && strpbrk(s, "\r\n") == NULL;
}

int awsc_http_response_add_header_n(awsc_http_response *resp, const char *name,
                                    size_t name_len, const char *value,
                                    size_t value_len) {
  trim(&name, &name_len);
  trim(&value, &value_len);
  response_store *st = store_of(resp);
  if (!st)
    return AWSC_ENOMEM;
  if (!resp->headers) {
    resp->headers = st->inline_headers;
    st->header_cap = INLINE_HEADERS;
  }
  if (resp->header_count == st->header_cap) {
    size_t cap = st->header_cap * 2;
    awsc_http_header *h;
    if (st->arena) {
      /* the old array stays in the arena */
      h = awsc_arena_alloc(st->arena, cap * sizeof(*h));
      if (h)
        memcpy(h, resp->headers, resp->header_count * sizeof(*h));
      st->arena_headers = h;
    } else if (resp->headers == st->inline_headers) {
      h = awsc_malloc(cap * sizeof(*h));
      if (h)
        memcpy(h, st->inline_headers, sizeof(st->inline_headers));
    } else {
      h = awsc_realloc(resp->headers, cap * sizeof(*h));
    }
    if (!h)
      return AWSC_ENOMEM;
    resp->headers = h;
    st->header_cap = cap;
  }
  char *block = text_alloc(st, name_len + value_len + 2);
  if (!block)
    return AWSC_ENOMEM;
  lower_copy(block, name, name_len);
  block[name_len] = '\0';
  if (name_len == 14 && !st->length_at &&
      memcmp(block, "content-length", 14) == 0)
    st->length_at = resp->header_count + 1;
  if (value_len)
    memcpy(block + name_len + 1, value, value_len);
  block[name_len + 1 + value_len] = '\0';
  resp->headers[resp->header_count].name = block;
  resp->headers[resp->header_count].value = block + name_len + 1;
  resp->header_count++;
  return AWSC_OK;
}

int awsc_http_response_fold_header(awsc_http_response *resp, const char *text,
                                   size_t len) {
  trim(&text, &len);
  if (resp->header_count == 0 || len == 0)
    return AWSC_OK;
  response_store *st = store_of(resp);
  if (!st)
    return AWSC_ENOMEM;
  awsc_http_header *h = &resp->headers[resp->header_count - 1];
  size_t name_len = strlen(h->name), value_len = strlen(h->value);
  size_t sep = value_len ? 1 : 0;
  /* a new copy (the old one stays in the store until the headers go) */
  char *block = text_alloc(st, name_len + 1 + value_len + sep + len + 1);
  if (!block)
    return AWSC_ENOMEM;
  memcpy(block, h->name, name_len + 1);
  char *value = block + name_len + 1;
  memcpy(value, h->value, value_len);
  if (sep)
    value[value_len] = ' ';
  memcpy(value + value_len + sep, text, len);
  value[value_len + sep + len] = '\0';
  h->name = block;
  h->value = value;
  return AWSC_OK;
}

void awsc_http_response_clear_headers(awsc_http_response *resp) {
  resp->header_count = 0;
  if (resp->internal_) {
    text_reset(resp->internal_);
    ((response_store *)resp->internal_)->length_at = 0;
  }
}

int awsc_http_response_add_header(awsc_http_response *resp, const char *name,
                                  const char *value) {
  if (!resp || !name || !value)
    return AWSC_EINVAL;
  return awsc_http_response_add_header_n(resp, name, strlen(name), value,
                                         strlen(value));
}

/* The first body buffer: the answer's Content-Length when it is given and
 * at most BODY_PRESIZE_MAX (a small object's body arrives in one buffer
 * instead of growing 256, 512, 1024, 2048 with a copy each time), else 256
 * bytes grown by doubling: a large or untrue length is not taken on
 * trust for one allocation. The headers are all in by the first byte of
 * the body. */
#define BODY_PRESIZE_MAX ((size_t)1 << 24)
/* A presized body up to this size goes into the response's arena, when it
 * has one (awsc_http_response_use_arena): a small object's body costs no
 * allocation of its own. */
#define BODY_ARENA_MAX ((size_t)64 * 1024)
static size_t first_body_cap(const awsc_http_response *resp,
                             const response_store *st, bool *presized) {
  /* noted as the headers came (awsc_http_response_add_header_n) */
  const char *v = st->length_at && st->length_at <= resp->header_count
                      ? resp->headers[st->length_at - 1].value
                      : NULL;
  size_t n = 0;
  for (; v && *v >= '0' && *v <= '9' && n <= BODY_PRESIZE_MAX; v++)
    n = n * 10 + (size_t)(*v - '0');
  *presized = v && *v == '\0' && n > 0 && n < BODY_PRESIZE_MAX;
  return *presized ? n + 1 : 256;
}

bool awsc_http_response_header_text(const awsc_http_response *resp,
                                    const char **text, size_t *len) {
  const response_store *st = resp->internal_;
  if (!st || st->more || st->arena)
    return false;
  *text = st->text;
  *len = st->text_used;
  return true;
}

char *awsc_http_response_take_body(awsc_http_response *resp, bool *in_arena) {
  response_store *st = resp->internal_;
  *in_arena = false;
  if (!resp->body || !st || st->body_given)
    return NULL;
  st->body_given = true;
  st->body_cap = 0;
  *in_arena = resp->body == st->arena_body;
  return resp->body;
}

int awsc_http_response_append_body(awsc_http_response *resp, const void *data,
                                   size_t len) {
  if (!resp || (!data && len))
    return AWSC_EINVAL;
  response_store *st = store_of(resp);
  if (!st)
    return AWSC_ENOMEM;
  if (st->body_given) {
    /* the given body stays its taker's: this one starts afresh */
    st->body_given = false;
    st->arena_body = NULL;
    resp->body = NULL;
    resp->body_len = 0;
  }
  if (len >= SIZE_MAX - resp->body_len)
    return AWSC_ENOMEM;
  size_t need = resp->body_len + len + 1;
  if (!resp->body || need > st->body_cap) {
    bool presized = false;
    size_t cap =
        st->body_cap ? st->body_cap : first_body_cap(resp, st, &presized);
    bool grew = cap < need;
    while (cap < need)
      cap = (cap > SIZE_MAX / 2) ? need : cap * 2;
    char *p;
    if (st->arena && presized && !grew && !resp->body &&
        cap <= BODY_ARENA_MAX) {
      /* the whole announced body in one piece of the arena */
      p = st->arena_body = awsc_arena_alloc(st->arena, cap);
    } else if (resp->body && resp->body == st->arena_body) {
      /* more than announced: on in a buffer of its own */
      p = awsc_malloc(cap);
      if (p) {
        memcpy(p, resp->body, resp->body_len);
        st->arena_body = NULL;
      }
    } else {
      p = awsc_realloc(resp->body, cap);
    }
    if (!p)
      return AWSC_ENOMEM;
    resp->body = p;
    st->body_cap = cap;
  }
  if (len)
    memcpy(resp->body + resp->body_len, data, len);
  resp->body_len += len;
  resp->body[resp->body_len] = '\0';
  return AWSC_OK;
}

void awsc_http_response_cleanup(awsc_http_response *resp) {
  if (!resp)
    return;
  response_store *st = resp->internal_;
  if (st) {
    text_reset(st);
    if (resp->headers != st->inline_headers &&
        (!st->arena || resp->headers != st->arena_headers))
      awsc_free(resp->headers);
  } else {
    awsc_free(resp->headers);
  }
  if (!st || (!st->body_given && (!st->arena || resp->body != st->arena_body)))
    awsc_free(resp->body);
  if (st && !st->arena)
    awsc_free(st);
  memset(resp, 0, sizeof(*resp));
}

const char *awsc_http_response_header(const awsc_http_response *resp,
                                      const char *name) {
  if (!resp || !name)
    return NULL;
  for (size_t i = 0; i < resp->header_count; i++) {
    const char *a = resp->headers[i].name, *b = name;
    while (*a && ascii_lower(*a) == ascii_lower(*b)) {
      a++;
      b++;
    }
    if (*a == '\0' && *b == '\0')
      return resp->headers[i].value;
  }
  return NULL;
}

awsc_error_kind awsc_http_status_kind(int status) {
  switch (status) {
  case AWSC_ENETWORK:
  case AWSC_ETLS:
    return AWSC_ERROR_NETWORK;
  case AWSC_ETIMEOUT:
    return AWSC_ERROR_TIMEOUT;
  case AWSC_EIO:
  case AWSC_EBODY:
    return AWSC_ERROR_IO;
  case AWSC_EINVAL:
  case AWSC_EVALIDATION:
    return AWSC_ERROR_VALIDATION;
  case AWSC_EPARSE:
    return AWSC_ERROR_PARSE;
  case AWSC_ECONFIG:
    return AWSC_ERROR_CONFIG;
  case AWSC_ECREDENTIALS:
    return AWSC_ERROR_CREDENTIALS;
  default:
    return AWSC_ERROR_INTERNAL;
  }
}

void awsc_http_scrub_query(char *dst, size_t dst_size, const char *src) {
  if (!dst_size)
    return;
  size_t o = 0;
  const char *p = src ? src : "";
  while (*p && o + 1 < dst_size) {
    if (*p == '?' && p[1] && !is_space(p[1])) {
      static const char mark[] = "?...";
      for (size_t i = 0; mark[i] && o + 1 < dst_size; i++)
        dst[o++] = mark[i];
      while (*p && !is_space(*p))
        p++;
      continue;
    }
    dst[o++] = *p++;
  }
  dst[o] = '\0';
}

void awsc_http_url_host(char *dst, size_t dst_size, const char *url) {
  if (!dst_size)
    return;
  dst[0] = '\0';
  if (!url)
    return;
  const char *p = strstr(url, "://");
  p = p ? p + 3 : url;
  size_t n = strcspn(p, "/?#");
  /* Userinfo (user:password@) is a secret too. */
  const char *at = memchr(p, '@', n);
  if (at) {
    n -= (size_t)(at + 1 - p);
    p = at + 1;
  }
  if (n >= dst_size)
    n = dst_size - 1;
  memcpy(dst, p, n);
  dst[n] = '\0';
}

int64_t awsc_http_mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t awsc_http_coarse_ms(void) {
#ifdef CLOCK_MONOTONIC_COARSE
  struct timespec ts;
  if (clock_gettime(CLOCK_MONOTONIC_COARSE, &ts) == 0)
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
#endif
  return awsc_http_mono_ms();
}

int awsc_http_check_request(const awsc_http_request *r, awsc_error *err) {
  if (!is_token(r->method))
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "HTTP method missing or not a token");
  if (!r->url || !*r->url || strpbrk(r->url, "\r\n \t"))
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "HTTP request URL missing or malformed");
  if (r->header_count && !r->headers)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "header_count is %zu but headers is NULL",
                          r->header_count);
  for (size_t i = 0; i < r->header_count; i++) {
    if (!is_token(r->headers[i].name))
      return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                            "HTTP header %zu: name missing or invalid", i);
    if (!is_field_value(r->headers[i].value))
      return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                            "HTTP header %s: value missing or holds a line "
                            "break",
                            r->headers[i].name);
  }
  const awsc_body_source *b = &r->body;
  switch (b->kind) {
  case AWSC_BODY_NONE:
    break;
  case AWSC_BODY_MEMORY:
    if (!b->data && b->len)
      return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                            "memory body: data is NULL, len %zu", b->len);
    break;
  case AWSC_BODY_FILE:
    if (!b->path || !*b->path || b->content_length < -1)
      return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                            "file body: path or content_length invalid");
    break;
  case AWSC_BODY_CALLBACK:
    if (!b->read || b->content_length < -1)
      return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                            "callback body: read or content_length invalid");
    break;
  default:
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "unknown body kind %d", (int)b->kind);
  }
  const awsc_body_sink *s = &r->sink;
  switch (s->kind) {
  case AWSC_SINK_MEMORY:
    break;
  case AWSC_SINK_FILE:
    if (!s->path || !*s->path)
      return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                            "file sink without a path");
    break;
  case AWSC_SINK_CALLBACK:
    if (!s->write)
      return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                            "callback sink without a write function");
    break;
  default:
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "unknown sink kind %d", (int)s->kind);
  }
  if (r->connect_timeout_ms < 0 || r->read_timeout_ms < 0)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "negative timeout");
  return AWSC_OK;
}

/* The public fields of a response zeroed; its storage kept (NULL, or
 * what awsc_http_response_use_arena set up). */
void awsc_http_response_reset_kept(awsc_http_response *resp) {
  void *keep = resp->internal_;
  memset(resp, 0, sizeof(*resp));
  resp->internal_ = keep;
}

/* The send of both doors, the response's public fields zeroed already. */
static int send_zeroed(awsc_transport *transport,
                       const awsc_http_request *request,
                       awsc_http_response *response, awsc_error *err) {
  if (!transport || !transport->vtable || !transport->vtable->send ||
      !request || !response)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_transport_send: NULL argument");
  /* libcurl's transport makes these checks where it starts every
   * transfer (the loop's, for its direct callers too): not twice */
  int rc = awsc_transport_is_curl(transport)
               ? 0
               : awsc_http_check_request(request, err);
  if (rc)
    return rc;
  rc = transport->vtable->send(transport, request, response, err);
  if (rc) {
    /* A failed exchange hands back nothing: callers need not remember to
     * clean up after an error (doing so is still safe). */
    int status = response->status;
    awsc_http_response_cleanup(response);
    if (err && status && !err->http_status)
      err->http_status = status;
    if (rc > 0)
      rc = awsc_error_set(err, AWSC_ENETWORK, AWSC_ERROR_NETWORK,
                          "transport returned a positive status %d", rc);
  }
  return rc;
}

int awsc_transport_send(awsc_transport *transport,
                        const awsc_http_request *request,
                        awsc_http_response *response, awsc_error *err) {
  if (response)
    memset(response, 0, sizeof(*response));
  return send_zeroed(transport, request, response, err);
}

int awsc_transport_send_kept(awsc_transport *transport,
                             const awsc_http_request *request,
                             awsc_http_response *response, awsc_error *err) {
  if (response)
    awsc_http_response_reset_kept(response);
  return send_zeroed(transport, request, response, err);
}

void awsc_transport_free(awsc_transport *transport) {
  if (transport && transport->vtable && transport->vtable->destroy)
    transport->vtable->destroy(transport);
}
