/*
 * lib/client/hooks_internal.h - internal: the hooks a caller registered
 * on a client (awsc/hooks.h) and the call points the pipeline and the
 * JSON door use. Each call point is guarded by the caller with a check of
 * client->hook_reg or call_state->hook.set, so a client without hooks
 * pays one atomic load per call and nothing else.
 */
#ifndef AWSC_CLIENT_HOOKS_INTERNAL_H
#define AWSC_CLIENT_HOOKS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "awsc/body.h"
#include "awsc/hooks.h"
#include "core/core.h"
#include "runtime/descriptor.h"

struct awsc_call_state;
struct awsc_hook_set;

/* The hooks of one call: the set it took a reference on when it started
 * (NULL: none registered) and what BEFORE_SIGN needs to start each
 * attempt from the same headers. Lives in the call's state. */
typedef struct awsc_hook_call {
  struct awsc_hook_set *set;
  bool answered; /* a BEFORE_CALL hook answered: nothing is sent */
  bool have_base;
  awsc_http_header *base_items;
  size_t base_n, base_cap;
} awsc_hook_call;

/* Take a reference on the client's current hook set (NULL when it has
 * none). Release it with awsc_hooks_release. */
struct awsc_hook_set *awsc_hooks_acquire(awsc_client *c);
void awsc_hooks_release(struct awsc_hook_set *set);
/* Whether the set has a hook for `event` (on any operation). */
bool awsc_hooks_has(const struct awsc_hook_set *set, awsc_hook_event event);
/* Free the client's registry (awsc_client_free). */
void awsc_hooks_client_free(awsc_client *c);

/* JSON door: PROVIDE_CLIENT_PARAMS over the caller's JSON text. *json
 * may be replaced by a string in `arena`. */
int awsc_hooks_provide_params(awsc_client *c, const awsc_operation *op,
                              const char **json, awsc_arena *arena,
                              awsc_error *err);

/* Pipeline call points (st->hook.set is not NULL). BEFORE_CALL may
 * replace st->call->input or answer (st->hook.answered, st->call->output
 * filled); BEFORE_SIGN works on st->hl before each signature; AFTER_CALL
 * sees st->resp and gives the call's status (rc, or AWSC_ECANCELLED). */
int awsc_hooks_before_call(struct awsc_call_state *st);
int awsc_hooks_before_sign(struct awsc_call_state *st);
int awsc_hooks_after_call(struct awsc_call_state *st, int rc);

#endif
