/*
 * The fake S3 (fake_s3.h) served over HTTP/1.1 on 127.0.0.1, so that a
 * client on the libcurl transport (the engine's loop) really has several
 * requests in flight: one thread per connection, keep-alive, Content-
 * Length bodies (and Expect: 100-continue). Each request goes to the
 * fake's send with the body in memory and the answer collected in memory.
 * A transport error of the fake (a lost answer) closes the connection.
 */
#ifndef AWSC_TEST_FAKE_HTTP_H
#define AWSC_TEST_FAKE_HTTP_H

#include "fake_s3.h"

typedef struct fs3_http fs3_http;

/* NULL when the socket cannot be made. */
fs3_http *fs3_http_start(fake_s3 *f);
/* "http://127.0.0.1:PORT" */
const char *fs3_http_url(const fs3_http *h);
/* Wait (up to 10 s) until no request has been inside the server for 50
 * ms: a request whose client went away (a cancelled part) may still be
 * answered after the transfer returned, and the fake's state must not be
 * reset under it. */
void fs3_http_idle(fs3_http *h);
/* Stop accepting, close the connections, join the threads. */
void fs3_http_stop(fs3_http *h);

#endif
