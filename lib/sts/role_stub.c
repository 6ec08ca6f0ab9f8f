/*
 * lib/sts/role_stub.c - the role factory of a build without the "sts"
 * service (and of unit tests that link the session without lib/sts): none,
 * so the default chain's role slot answers that assume-role is not built.
 */
#include "session/session_internal.h"

awsc_role_provider_factory awsc_role_factory_builtin(void) {
  return NULL;
}
