/*
 * lib/sts/sts_client.c - what the STS providers share: an STS client made
 * with the settings of the session being resolved, credentials out of an
 * STS response, and the session's role factory.
 */
#include <stdio.h>
#include <string.h>

#include "session/session_internal.h"
#include "sts/sts_internal.h"

/* The inner session reads the environment through the outer one's hook,
 * so a session with its own getenv hook (tests, embedders) stays sealed. */
static const char *cfg_getenv(const char *name, void *user_data) {
  return awsc_config_getenv((const awsc_config *)user_data, name);
}

/* The inner session must never build a credential chain of its own (that
 * chain would hold a role slot, and resolving it would call STS again):
 * signed calls get explicit keys, and the unsigned web-identity call asks
 * for none. This factory makes sure of it regardless. */
static int no_role_factory(awsc_credentials_provider **out,
                           const awsc_config *cfg, awsc_transport *transport,
                           awsc_error *err) {
  (void)cfg;
  (void)transport;
  (void)err;
  *out = NULL;
  return AWSC_ENOTFOUND;
}

int awsc_sts_client_new(awsc_client **out, const awsc_config *cfg,
                        awsc_transport *transport, awsc_credentials *creds,
                        awsc_error *err) {
  *out = NULL;
  awsc_session_options o = AWSC_SESSION_OPTIONS_INIT;
  /* Same profile as the outer session: its region, endpoint_url and
   * [services] section decide where STS is. An implicit "default" that
   * does not exist must stay implicit (naming it would be an error). */
  if (awsc_config_profile_exists(cfg))
    o.profile = awsc_config_profile_name(cfg);
  o.config_file = awsc_config_config_path(cfg);
  o.credentials_file = awsc_config_credentials_path(cfg);
  o.getenv_fn = cfg_getenv;
  o.getenv_user_data = (void *)cfg;
  o.transport = transport;
  if (creds) {
    o.access_key_id = awsc_credentials_access_key_id(creds);
    o.secret_access_key = awsc_credentials_secret_access_key(creds);
    o.session_token = awsc_credentials_session_token(creds);
  }
  awsc_session *s = NULL;
  int rc = awsc_session_new(&s, &o, err);
  if (rc)
    return rc;
  if (!creds)
    awsc_session_set_role_factory(s, no_role_factory);
  rc = awsc_client_new(out, s, "sts", NULL, err);
  awsc_session_free(s); /* the client holds its own reference */
  return rc;
}

int awsc_sts_credentials_from(awsc_credentials **out,
                              const awsc_sts_Credentials *c, const char *source,
                              const char *operation, awsc_error *err) {
  *out = NULL;
  const char *missing = !c                      ? "Credentials"
                        : !c->access_key_id     ? "AccessKeyId"
                        : !c->secret_access_key ? "SecretAccessKey"
                        : !c->session_token     ? "SessionToken"
                                                : NULL;
  if (missing)
    return awsc_creds_error(err, source, "the %s response has no %s", operation,
                            missing);
  int64_t expiration =
      c->has_expiration && c->expiration > 0 ? c->expiration : 0;
  int rc = awsc_credentials_new(out, c->access_key_id, c->secret_access_key,
                                c->session_token, expiration, source);
  if (rc)
    return awsc_error_set(err, rc, AWSC_ERROR_INTERNAL, "%s credentials: %s",
                          source, awsc_strerror(rc));
  return 0;
}

void awsc_sts_output_wipe(const awsc_sts_Credentials *c) {
  if (!c)
    return;
  /* The strings live in the output's own (non-const) block. */
  if (c->secret_access_key)
    awsc_secure_zero((char *)c->secret_access_key,
                     strlen(c->secret_access_key));
  if (c->session_token)
    awsc_secure_zero((char *)c->session_token, strlen(c->session_token));
}

void awsc_sts_default_session_name(char *buf, size_t size) {
  /* botocore: 'botocore-session-%s' % int(time.time()) */
  snprintf(buf, size, "awsc-session-%lld",
           (long long)(awsc_time_now_ms() / 1000));
}

/* The session module's role factory in a build with STS (the stub is
 * role_stub.c). An ordinary function the session calls, so a static link
 * pulls this module in with the session: no constructor, no registry. */
awsc_role_provider_factory awsc_role_factory_builtin(void) {
  return awsc_sts_role_factory;
}
