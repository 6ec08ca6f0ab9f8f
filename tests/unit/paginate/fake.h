/*
 * tests/unit/paginate/fake.h - a canned-reply transport and a client on it
 * for the paginator and waiter tests. Requests are recorded (method, URL,
 * body) so a test can check what the paginator sent; sleeps of the
 * client's backoff / waiter delay are recorded instead of slept.
 */
#ifndef AWSC_TESTS_PAGINATE_FAKE_H
#define AWSC_TESTS_PAGINATE_FAKE_H

#include "awsc/awsc.h"
#include "client/client_internal.h"

#define FAKE_MAX 32

typedef struct fake_reply {
  int status;
  const char *body; /* NULL = empty */
} fake_reply;

/* Queue the replies the next requests get, in order (copied by pointer:
 * keep them alive). A request past the end fails with AWSC_ENETWORK. */
void fake_reset(const fake_reply *replies, size_t n);
/* Optional, after fake_reset: for reply i, an ETag header and, when
 * cut > 0, a body that breaks off after `cut` bytes (the send then fails
 * with AWSC_ENETWORK). A callback sink of the request gets a 2xx body as
 * it would from the wire. */
typedef struct fake_stream {
  const char *etag;
  size_t cut;
} fake_stream;
void fake_streams(const fake_stream *streams, size_t n);
int fake_sends(void);
const char *fake_method(int i);
const char *fake_url(int i);
const char *fake_body(int i);
/* Sleeps the client asked for since fake_reset, and their sum in ms. */
int fake_sleeps(void);
long fake_slept_ms(void);

/* A client of a built-in service ("s3", "sns") on the fake transport with
 * fixed credentials and region, endpoint http://SERVICE.test. Free with
 * awsc_client_free. NULL (and a message) on failure. */
awsc_client *fake_client(const char *service);
/* The same over a service descriptor of the test's own. */
awsc_client *fake_client_for(const awsc_service *svc);

/* Free the global state (recorded requests). */
void fake_cleanup(void);

#endif
