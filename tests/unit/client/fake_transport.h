/* A scripted in-memory transport for pipeline tests: answers each request
 * with the next canned response and records what was sent. */
#ifndef AWSC_FAKE_TRANSPORT_H
#define AWSC_FAKE_TRANSPORT_H

#include "awsc/client.h"
#include "awsc/session.h"
#include "awsc/sys/transport.h"

#define FAKE_MAX 16

typedef struct fake_reply {
  int status;          /* 0 = fail with `error` instead */
  int error;           /* AWSC_E* when status == 0 */
  const char *headers; /* "name: value\n..." */
  const char *body;
} fake_reply;

typedef struct fake_sent {
  char method[16];
  char url[1024];
  char headers[4096];     /* "name: value\n" lines as sent */
  char body[262144];      /* MEMORY bodies, and CALLBACK bodies as read */
  size_t body_len;        /* bytes kept in body */
  uint64_t body_total;    /* bytes the body had (CALLBACK: all read) */
  int64_t content_length; /* CALLBACK: the source's declared length */
} fake_sent;

typedef struct fake_transport {
  awsc_transport base;
  fake_reply replies[FAKE_MAX];
  int n_replies;
  fake_sent sent[FAKE_MAX];
  int n_sent;
} fake_transport;

void fake_init(fake_transport *f);
void fake_reply_add(fake_transport *f, int status, const char *headers,
                    const char *body);
void fake_error_add(fake_transport *f, int error);
/* Header value of request i as sent, or NULL. Static buffer. */
const char *fake_sent_header(fake_transport *f, int i, const char *name);

/* For hermetic sessions and clients: a getenv_fn that finds nothing, and
 * a sleep_ms that does not sleep (retries at once). */
const char *fake_env_none(const char *name, void *ud);
void fake_no_sleep(long ms);

/* A client of `service` on transport t, hermetic: the example keys,
 * us-east-1, no environment, config and credentials files that do not
 * exist, retries without sleeping. *s gets its session (free both);
 * NULL (the reason on stderr, nothing left) when either can not be made. */
awsc_client *fake_client_new(awsc_transport *t, const char *service,
                             awsc_session **s);

#endif
