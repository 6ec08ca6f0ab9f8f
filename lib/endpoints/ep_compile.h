/*
 * lib/endpoints/ep_compile.h - the compiler's shared state, between
 * ep_compile.c (expressions, templates, rules) and ep_ruleset.c
 * (parameters, the rule set object).
 */
#ifndef AWSC_ENDPOINTS_EP_COMPILE_H
#define AWSC_ENDPOINTS_EP_COMPILE_H

#include "endpoints/ep_internal.h"

typedef struct ep_cc {
  awsc_arena *a;
  awsc_error *err;
  const char **names; /* slot names (scratch) */
  bool *visible;      /* in scope at this point of the walk */
  size_t nnames, cap;
  char where[256]; /* JSON path of the node being compiled */
  size_t wlen;
} ep_cc;

/* An AWSC_EPARSE error prefixed with the current JSON location. */
int ep_cc_fail(ep_cc *c, const char *fmt, ...) AWSC_PRINTF(2, 3);
int ep_cc_nomem(ep_cc *c);
/* Append to / restore the location ("rules[3].conditions[1]"). */
size_t ep_cc_loc_push(ep_cc *c, const char *fmt, ...) AWSC_PRINTF(2, 3);
void ep_cc_loc_pop(ep_cc *c, size_t old);
/* Slot of a name (-1), or a new slot for it (not yet in scope). */
int ep_cc_find_slot(const ep_cc *c, const char *name, size_t n);
int ep_cc_add_slot(ep_cc *c, const char *name, size_t n, int *slot);
/* A "rules" array, with the parameters already in scope. */
int ep_cc_compile_rules(ep_cc *c, const awsc_jnode *arr, const ep_rule **out,
                        size_t *count);

#endif /* AWSC_ENDPOINTS_EP_COMPILE_H */
