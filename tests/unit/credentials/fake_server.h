/*
 * tests/unit/credentials/fake_server.h - a minimal HTTP/1.1 responder on
 * 127.0.0.1 (an ephemeral port) for the container and IMDS providers:
 * canned replies per method and path, and a record of what arrived.
 */
#ifndef AWSC_TEST_FAKE_SERVER_H
#define AWSC_TEST_FAKE_SERVER_H

#include <stddef.h>

typedef struct fake_server fake_server;

#define FAKE_MAX_HEADERS 32

typedef struct fake_request {
  char method[16];
  char path[512];
  size_t header_count;
  char header_names[FAKE_MAX_HEADERS][64]; /* lower-cased */
  char header_values[FAKE_MAX_HEADERS][512];
  char body[512];
} fake_request;

/* Start listening; returns NULL on failure. */
fake_server *fake_server_start(void);
/* Stop the thread, close the socket, free everything. */
void fake_server_stop(fake_server *s);
int fake_server_port(const fake_server *s);
/* "http://127.0.0.1:PORT" (no trailing slash), valid until stop. */
const char *fake_server_url(const fake_server *s);

/*
 * Queue a reply for METHOD PATH (path includes the query, if any). Replies
 * for the same route are served in order; the last one repeats. delay_ms
 * makes the server wait before answering (for timeouts). Unknown routes
 * get 404.
 */
void fake_server_add(fake_server *s, const char *method, const char *path,
                     int status, const char *body, int delay_ms);
/* Forget the routes and the recorded requests. */
void fake_server_reset(fake_server *s);

/* Requests received so far (copies). */
size_t fake_server_request_count(fake_server *s);
/* Copy request i into *out; 0 or -1 if there is no such request. */
int fake_server_request(fake_server *s, size_t i, fake_request *out);
/* Value of a header of a recorded request (case-insensitive), or NULL. */
const char *fake_request_header(const fake_request *r, const char *name);

#endif
