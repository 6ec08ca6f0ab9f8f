/*
 * lib/http/http_internal.h - pieces shared by the files of the http module.
 * Not part of any public interface.
 */
#ifndef AWSC_HTTP_INTERNAL_H
#define AWSC_HTTP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "awsc/sys/transport.h"
#include "core/core.h"

/* ---- response building (transport.c) ----
 * A response owns: the headers array (awsc_realloc), one block per header
 * holding "name\0value\0" (name points at its start), the body (awsc_realloc,
 * always NUL-terminated) and a small store in internal_ with the capacities.
 * awsc_http_response_cleanup frees exactly these. */

/* Append one header: the name is lower-cased, the value trimmed. */
int awsc_http_response_add_header_n(awsc_http_response *resp, const char *name,
                                    size_t name_len, const char *value,
                                    size_t value_len);
/* Append text to the value of the last header (obsolete line folding):
 * the value becomes "old value" + " " + trimmed text. */
int awsc_http_response_fold_header(awsc_http_response *resp, const char *text,
                                   size_t len);
/* Drop every header (a new status line arrived). */
void awsc_http_response_clear_headers(awsc_http_response *resp);

/* Map a status code to the error kind callers expect for it. */
awsc_error_kind awsc_http_status_kind(int status);

/* Copy src (a URL or free text) into dst with every query string removed:
 * from each '?' up to the next whitespace or end, the text becomes "?...".
 * Presigned URLs carry their signature in the query. */
void awsc_http_scrub_query(char *dst, size_t dst_size, const char *src);
/* "host[:port]" of an absolute URL (no userinfo, path or query). */
void awsc_http_url_host(char *dst, size_t dst_size, const char *url);

/* The request checks of awsc_transport_send (the loop makes them too). */
int awsc_http_check_request(const awsc_http_request *r, awsc_error *err);

/* The response's body buffer (NUL-terminated, from awsc_malloc; NULL when
 * none or already taken), now the caller's to free (unless *in_arena:
 * then it is the response's arena's, see awsc_http_response_use_arena);
 * the response still shows it (resp->body, body_len) while the caller
 * keeps it, and no longer frees it. */
char *awsc_http_response_take_body(awsc_http_response *resp, bool *in_arena);

/* Allocate the response's storage from arena a (a zeroed response,
 * nothing added yet): the store itself, the header names and values, a
 * grown header array, and a body whose Content-Length was given, up to 64
 * KiB. They then live as long as a does and are not freed by
 * awsc_http_response_cleanup (a body that outgrows its announced length
 * moves to a buffer of its own, freed as usual), and the headers need no
 * copy to outlive the response (awsc_http_response_in_arena). A taken
 * body in the arena is reported by take_body's *in_arena: not the
 * taker's to free. 0, AWSC_ENOMEM, or AWSC_EINVAL when the response has
 * storage already. */
int awsc_http_response_use_arena(awsc_http_response *resp, awsc_arena *a);
/* awsc_transport_send for a response whose storage is set up already
 * (zeroed, or prepared by awsc_http_response_use_arena): its public fields
 * are zeroed, its storage kept. */
int awsc_transport_send_kept(awsc_transport *transport,
                             const awsc_http_request *request,
                             awsc_http_response *response, awsc_error *err);
/* The public fields of a response zeroed, its storage (NULL, or what
 * awsc_http_response_use_arena set up) kept. */
void awsc_http_response_reset_kept(awsc_http_response *resp);
/* Whether the response's headers (array, names, values) live in arena a. */
bool awsc_http_response_in_arena(const awsc_http_response *resp,
                                 const awsc_arena *a);

/* The text all of the response's header names and values lie in, when
 * it is one block (the store's first: up to 1.5 KB of headers, the usual
 * case), so that a caller can keep them with one copy and rebase the
 * pointers; false when there is no such block (headers spread over more,
 * or set by hand). Each header's name and value still need checking to
 * lie in it (awsc_http_response_add_header_n always puts them there). */
bool awsc_http_response_header_text(const awsc_http_response *resp,
                                    const char **text, size_t *len);

/* Monotonic clock in milliseconds, for timeouts. */
int64_t awsc_http_mono_ms(void);
/* The same clock as of the kernel's last tick (CLOCK_MONOTONIC_COARSE:
 * up to a tick, 1-10 ms, behind; a quarter of the cost), for the read
 * timeout's activity stamps, taken for every header line and body piece
 * and compared only with each other. */
int64_t awsc_http_coarse_ms(void);

#endif /* AWSC_HTTP_INTERNAL_H */
