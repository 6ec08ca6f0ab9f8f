/*
 * tests/unit/engine/engine_test.h - what the engine's test programs share:
 * a session and an S3 client on engine_server.c (path-style, test keys).
 */
#ifndef AWSC_ENGINE_TEST_H
#define AWSC_ENGINE_TEST_H

#include "awsc/awsc.h"
#include "engine_server.h"

extern es_server *srv;

/* A session on srv; max_attempts 0 = the default. NULL on failure. */
awsc_session *et_session(int max_attempts);
/* An S3 client on it. */
awsc_client *et_client(awsc_session *s);
/* Monotonic seconds. */
double et_now(void);

#endif
