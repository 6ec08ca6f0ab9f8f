/*
 * lib/session/session_internal.h - internal: what clients and the request
 * pipeline need from a session beyond the public accessors.
 */
#ifndef AWSC_SESSION_SESSION_INTERNAL_H
#define AWSC_SESSION_SESSION_INTERNAL_H

#include "awsc/session.h"
#include "config/config.h"
#include "core/core.h"
#include "credentials/credentials_internal.h"

/* The session's logger (never NULL; logging off when no callback). */
const awsc_logger *awsc_session_logger(const awsc_session *session);
/* The loaded files and environment (borrowed, lives with the session). */
const awsc_config *awsc_session_config(const awsc_session *session);

/* Transport settings as resolved (timeouts in ms, verify_ssl 1 or -1,
 * ca_bundle / proxy NULL when not set). A client's own request timeouts
 * use these. */
long awsc_session_connect_timeout_ms(const awsc_session *session);
long awsc_session_read_timeout_ms(const awsc_session *session);
int awsc_session_verify_ssl(const awsc_session *session);
const char *awsc_session_ca_bundle(const awsc_session *session);

/* awsc_session_endpoint_url with an error: AWSC_EINVAL for an empty
 * service id, AWSC_ECONFIG when the profile names a services section that
 * does not exist (botocore's InvalidConfigError), AWSC_ENOMEM. *out is
 * NULL when no endpoint URL is configured. */
int awsc_session_resolve_endpoint_url(awsc_session *session,
                                      const char *service_id, const char **out,
                                      awsc_error *err);

/* awsc_session_transport with an error (creation may fail). Borrowed. */
int awsc_session_get_transport(awsc_session *session, awsc_transport **out,
                               awsc_error *err);

/* Install the assume-role / web-identity provider factory of the STS
 * module. Only before the first awsc_session_get_credentials (AWSC_EINVAL
 * afterwards), since the chain is built then. */
int awsc_session_set_role_factory(awsc_session *session,
                                  awsc_role_provider_factory factory);

/* The factory sessions use when awsc_session_set_role_factory gave them
 * none (NULL: the chain's "not built" stub). Defined by lib/sts, chosen at
 * build time: the STS providers' factory when the "sts" service is built
 * in, else lib/sts/role_stub.c's NULL. A reference from this module to a
 * higher one, resolved at link time only (docs/design.md, "Role
 * credentials"); unit tests linking the session without lib/sts link
 * awsc_role_stub_dep. */
awsc_role_provider_factory awsc_role_factory_builtin(void);

/* An object made once per session and shared by its clients (compiled
 * endpoint rule sets): the one kept under `key` (compared as a pointer),
 * else what make(ctx, &value, err) gives, then kept until the session is
 * freed (free_fn). make runs under the session's shared-object lock and
 * must not call this function. *out is borrowed from the session. */
typedef int (*awsc_session_make_fn)(void *ctx, void **out, awsc_error *err);
int awsc_session_shared(awsc_session *session, const void *key,
                        awsc_session_make_fn make, void *ctx,
                        void (*free_fn)(void *), void **out, awsc_error *err);

#endif
