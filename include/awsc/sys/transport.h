/*
 * awsc/sys/transport.h - the HTTP transport interface.
 *
 * Extension point (weaker stability promise than the rest of the API, see
 * docs/ABI.md): the request pipeline talks to HTTP only through an
 * awsc_transport, so tests can plug in a fake and embedders their own
 * stack. The default implementation is libcurl (awsc_transport_curl_new).
 */
#ifndef AWSC_SYS_TRANSPORT_H
#define AWSC_SYS_TRANSPORT_H

#include <stdint.h>
#include <stdio.h>

#include "awsc/body.h"
#include "awsc/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct awsc_http_request {
  const char *method;              /* "GET", "PUT", ... */
  const char *url;                 /* absolute, already percent-encoded */
  const awsc_http_header *headers; /* sent as given, in order */
  size_t header_count;
  awsc_body_source body;
  awsc_body_sink sink;
  long connect_timeout_ms;   /* 0 = transport default */
  long read_timeout_ms;      /* 0 = transport default; max silence */
  awsc_progress_fn progress; /* optional */
  void *progress_user_data;
} awsc_http_request;

/*
 * A response. Filled by send(); release with awsc_http_response_cleanup().
 * Header names are lower-cased; values are trimmed. Repeated headers appear
 * once each, in arrival order.
 */
typedef struct awsc_http_response {
  int status;                /* HTTP status, 0 if none arrived */
  awsc_http_header *headers; /* owned by the response */
  size_t header_count;
  char *body; /* MEMORY sink or non-2xx; NUL-terminated */
  size_t body_len;
  uint64_t bytes_received; /* body bytes, whatever the sink */
  void *internal_;         /* storage owned by the transport */
} awsc_http_response;

/* Release everything a response holds and zero it. Safe on a zeroed one. */
AWSC_API void awsc_http_response_cleanup(awsc_http_response *resp);
/* First header with this (case-insensitive) name, or NULL. Borrowed: valid
 * until awsc_http_response_cleanup. */
AWSC_API const char *awsc_http_response_header(const awsc_http_response *resp,
                                               const char *name);

typedef struct awsc_transport awsc_transport;

typedef struct awsc_transport_vtable {
  /* Perform one exchange. On success returns 0 whatever the HTTP status
   * (4xx/5xx are not transport errors). On failure returns a negative
   * awsc_status (AWSC_ENETWORK, AWSC_ETIMEOUT, AWSC_ETLS, AWSC_EIO,
   * AWSC_ECANCELLED, AWSC_EBODY...) and fills err. Whatever the result,
   * a transport may set err->retry_attempts to the number of times it
   * sent the request again on its own (a resend on a new connection after
   * a reused one was found closed); the client logs them. Must be safe to
   * call from several threads at once. */
  int (*send)(awsc_transport *transport, const awsc_http_request *request,
              awsc_http_response *response, awsc_error *err);
  void (*destroy)(awsc_transport *transport);
} awsc_transport_vtable;

/* A transport: the vtable plus the implementation's own state. */
struct awsc_transport {
  const awsc_transport_vtable *vtable;
  void *impl;
};

/* Call transport->vtable->send after checking the arguments (a request
 * that is malformed, e.g. a header value holding a line break, gets
 * AWSC_EINVAL and is not sent). The response is zeroed first; when the
 * send fails it is released and zeroed again, with any HTTP status that
 * had arrived kept in err->http_status, so cleanup is needed only after
 * success (and is always safe). */
AWSC_API int awsc_transport_send(awsc_transport *transport,
                                 const awsc_http_request *request,
                                 awsc_http_response *response, awsc_error *err);
/* Destroy a transport (NULL is a no-op). */
AWSC_API void awsc_transport_free(awsc_transport *transport);

/* Options of the libcurl transport. Zero / NULL means default. */
typedef struct awsc_curl_options {
  int version;             /* AWSC_CURL_OPTIONS_VERSION */
  long connect_timeout_ms; /* default 60000 (botocore) */
  long read_timeout_ms;    /* default 60000 (botocore) */
  awsc_toggle verify_ssl;  /* DEFAULT = verify */
  const char *ca_bundle;   /* PEM file; NULL = system store */
  const char *proxy;       /* e.g. "http://proxy:3128"; NULL = env */
  const char *no_proxy;    /* comma list; NULL = env */
  int max_connections;     /* pool size; default 10 (botocore) */
  /* Bodies of at least this many bytes are sent with
   * "Expect: 100-continue"; default 1 MiB, -1 = never. */
  int64_t expect_continue_threshold;
  /* curl --resolve entries "HOST:PORT:ADDRESS", NULL-terminated list; lets
   * virtual-hosted names such as bucket.localhost reach 127.0.0.1. */
  const char *const *resolve;
} awsc_curl_options;

#define AWSC_CURL_OPTIONS_VERSION 1
#define AWSC_CURL_OPTIONS_INIT                                                 \
  {                                                                            \
    AWSC_CURL_OPTIONS_VERSION, 0, 0, AWSC_TOGGLE_DEFAULT, NULL, NULL, NULL, 0, \
        0, NULL                                                                \
  }

/* Create the libcurl transport. *out is the caller's; free it with
 * awsc_transport_free. Returns 0, AWSC_ENOMEM or AWSC_EINVAL. */
AWSC_API int awsc_transport_curl_new(awsc_transport **out,
                                     const awsc_curl_options *options,
                                     awsc_error *err);

/* Counters of the libcurl transport, for tests and diagnostics. */
typedef struct awsc_transport_stats {
  uint64_t requests;           /* exchanges completed */
  uint64_t connections_opened; /* new TCP connections made */
} awsc_transport_stats;

/* Fill *stats for a transport made by awsc_transport_curl_new; returns
 * AWSC_EINVAL for any other transport. */
AWSC_API int awsc_transport_curl_stats(awsc_transport_stats *stats,
                                       awsc_transport *transport);

/*
 * Building a response, for transports other than the built-in one (fakes
 * in tests, embedders' own stacks): what these add is owned by the response
 * and released by awsc_http_response_cleanup. Start from a zeroed response.
 */
/* Append a header; the name is stored lower-cased and the value trimmed.
 * Returns 0, AWSC_EINVAL (NULL argument) or AWSC_ENOMEM. */
AWSC_API int awsc_http_response_add_header(awsc_http_response *resp,
                                           const char *name, const char *value);
/* Append bytes to resp->body (kept NUL-terminated; body_len grows; NULL
 * data is allowed when len is 0). Does not touch bytes_received.
 * Returns 0, AWSC_EINVAL or AWSC_ENOMEM. */
AWSC_API int awsc_http_response_append_body(awsc_http_response *resp,
                                            const void *data, size_t len);

#ifdef __cplusplus
}
#endif

#endif
