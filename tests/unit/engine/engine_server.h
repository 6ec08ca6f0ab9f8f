/*
 * tests/unit/engine/engine_server.h - an in-process HTTP/1.1 server on
 * 127.0.0.1 for the engine's tests: one thread per connection,
 * keep-alive, and an answer chosen by the last path segment (an S3 key
 * in path-style addressing, "/bucket/KEY"):
 *   ok-*          200, body "hello" (ETag "v1")
 *   slow-MS-*     200 after MS milliseconds
 *   drop-MS-*     200 at once, then the connection closed MS milliseconds
 *                 later (a server dropping an idle kept-alive connection)
 *   503once-*     503 SlowDown the first time this path is asked, then 200
 *   503always-*   503 SlowDown every time
 *   404-*         404 NoSuchKey
 *   big-N         200, N bytes: byte i is (i % 251)
 *   cut-N         Content-Length N, half of it sent, then the connection
 *                 closed (every time)
 *   cutonce-N     as cut-N the first time, then as big-N
 *   hang-*        no answer until the client goes away
 */
#ifndef AWSC_ENGINE_SERVER_H
#define AWSC_ENGINE_SERVER_H

typedef struct es_server es_server;

es_server *es_start(void);
void es_stop(es_server *s);
/* "http://127.0.0.1:PORT" */
const char *es_url(const es_server *s);
/* Requests answered or begun, connections accepted, the most connections
 * open at once, connections that ended while a body was being sent (the
 * client went away). */
int es_requests(es_server *s);
int es_accepted(es_server *s);
int es_max_open(es_server *s);
int es_broken_sends(es_server *s);
/* Times this exact path was asked. */
int es_path_count(es_server *s, const char *path);

#endif
