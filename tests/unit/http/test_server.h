/*
 * tests/unit/http/test_server.h - a small in-process HTTP/1.1 server for
 * the transport tests: binds 127.0.0.1 on a free port, one thread per
 * connection, keep-alive, counts accepted connections, records the last
 * request, and answers every request with the canned response set last.
 */
#ifndef AWSC_TEST_SERVER_H
#define AWSC_TEST_SERVER_H

#include <stddef.h>

typedef struct ts_server ts_server;

typedef struct ts_header {
  char *name;
  char *value;
} ts_header;

/* A recorded request (deep copy, release with ts_request_free). */
typedef struct ts_request {
  char method[32];
  char target[4096];  /* path and query as sent */
  ts_header *headers; /* in arrival order */
  int header_count;
  char *body; /* decoded (chunked bodies are de-chunked) */
  size_t body_len;
  int chunked;    /* the body came with Transfer-Encoding: chunked */
  int expect_100; /* the request carried Expect: 100-continue */
  int sent_100;   /* the server answered 100 Continue */
} ts_request;

/* The canned answer. Strings are copied by ts_set_response. */
typedef struct ts_response {
  int status;          /* 0 = 200 */
  const char *headers; /* extra header lines, each ending in "\r\n" */
  const char *body;    /* NULL = empty */
  size_t body_len;     /* 0 with a body = strlen(body) */
  int delay_ms;        /* wait after reading the request */
  int close;           /* "Connection: close" and close after answering */
  int echo_target;     /* body = the request target */
  int chunked;         /* send the body with chunked encoding */
  /* Answer (then close) as soon as the headers are read, without reading
   * the body and without 100 Continue. */
  int answer_before_body;
  /* Close after answering without saying so (a server dropping an idle
   * keep-alive connection). */
  int close_silently;
  /* On a reused connection (its 2nd request on), read the request and
   * close without answering: a keep-alive race the client must retry. */
  int drop_reused;
  /* On a reused connection, reset it (RST) as soon as the next request
   * line arrives, reading nothing more. */
  int reset_reused;
  /* Extra header lines sent in the 100 Continue interim response. */
  const char *continue_headers;
} ts_response;

ts_server *ts_start(void);
void ts_stop(ts_server *s);
int ts_port(const ts_server *s);
/* "http://127.0.0.1:PORT" + path into buf. */
void ts_url(const ts_server *s, char *buf, size_t n, const char *path);
void ts_set_response(ts_server *s, const ts_response *r);
int ts_accepted(ts_server *s);
/* Abort every open connection (RST), as a server timing out idle
 * keep-alive connections would. */
void ts_reset_connections(ts_server *s);
int ts_requests(ts_server *s);
/* Copy of the last complete request; 0 if there was one, -1 otherwise. */
int ts_last_request(ts_server *s, ts_request *out);
void ts_request_free(ts_request *r);
/* First header with this name (case-insensitive) or NULL; count of them. */
const char *ts_request_header(const ts_request *r, const char *name);
int ts_request_header_count(const ts_request *r, const char *name);

#endif
