/*
 * Prints the descriptor counts of one generated resource model (MODEL,
 * set with -D) as JSON, for check_all_models.py to compare with the
 * resources-1.json it came from. Neither the runtime nor the service is
 * linked: the typed wrappers, unused here, are dropped by the link
 * (-ffunction-sections, --gc-sections) with their calls.
 */
#include <stdio.h>

#include "resources/resource_internal.h"

extern const awsc_rsrc_model MODEL;

static unsigned params_of(const awsc_rsrc_action *a, size_t n) {
  unsigned k = 0;
  for (size_t i = 0; i < n; i++)
    k += a[i].request.n_params + a[i].resource.n_identifiers;
  return k;
}

static void type(const awsc_rsrc_type *t, int last) {
  unsigned hm_params = 0;
  for (size_t i = 0; i < t->n_has_many; i++)
    hm_params +=
        t->has_many[i].request.n_params + t->has_many[i].resource.n_identifiers;
  unsigned has_ids = 0;
  for (size_t i = 0; i < t->n_has; i++)
    has_ids += t->has[i].resource.n_identifiers;
  printf("\"%s\":{\"identifiers\":%u,\"load\":%d,\"actions\":%u,"
         "\"batchActions\":%u,\"has\":%u,\"hasMany\":%u,\"waiters\":%u,"
         "\"params\":%u}%s\n",
         t->name, t->n_identifiers, t->load != NULL, t->n_actions,
         t->n_batch_actions, t->n_has, t->n_has_many, t->n_waiters,
         params_of(t->actions, t->n_actions) +
             params_of(t->batch_actions, t->n_batch_actions) + hm_params +
             has_ids + (t->load ? t->load->request.n_params : 0),
         last ? "" : ",");
}

int main(void) {
  printf("{");
  type(MODEL.service_resource, MODEL.n_resources == 0);
  for (size_t i = 0; i < MODEL.n_resources; i++)
    type(&MODEL.resources[i], i + 1 == MODEL.n_resources);
  printf("}\n");
  return 0;
}
