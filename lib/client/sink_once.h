/*
 * lib/client/sink_once.h - every byte of a streamed body once, in order,
 * to a callback sink, across the attempts of one call.
 *
 * A call that streams its output to a write callback and loses the body
 * half-way is retried from the first byte (the request is sent again).
 * A callback cannot take back what it was given, so this layer sits
 * between the transport and the caller's callback: it counts the bytes
 * delivered over the whole call and, in a later attempt, skips that many
 * before passing on the rest. The answer of a later attempt must describe
 * the same object (the same ETag, when the first had one); otherwise the
 * attempt is stopped and the call fails rather than splice two objects.
 */
#ifndef AWSC_CLIENT_SINK_ONCE_H
#define AWSC_CLIENT_SINK_ONCE_H

#include <stdbool.h>
#include <stdint.h>

#include "awsc/body.h"
#include "http/http_internal.h"

typedef struct awsc_sink_once {
  awsc_body_sink user;            /* the caller's callback sink */
  const awsc_http_response *resp; /* this attempt's answer (headers) */
  uint64_t delivered;             /* bytes given to the caller, all attempts */
  uint64_t pos;                   /* bytes seen in this attempt */
  bool attempt_checked;           /* this attempt's ETag compared */
  bool have_etag;                 /* etag holds the first answer's ETag */
  bool changed;                   /* a later answer was another object */
  char etag[160];
} awsc_sink_once;

/* Start a call: `user` is the caller's sink (AWSC_SINK_CALLBACK). */
void awsc_sink_once_init(awsc_sink_once *so, const awsc_body_sink *user);

/* Start an attempt whose answer lands in `resp`; *out becomes the sink to
 * give the transport (or the next wrapper). */
void awsc_sink_once_attempt(awsc_sink_once *so, const awsc_http_response *resp,
                            awsc_body_sink *out);

#endif
