/*
 * Prints the descriptor counts of one generated resource model (MODEL,
 * set with -D) as JSON, for check_all_models.py to compare with the
 * resources-1.json it came from. The runtime is not linked: the typed
 * wrappers' calls into it are stubs here, never called.
 */
#include <stdio.h>

#include "resources/resource_internal.h"

extern const awsc_rsrc_model MODEL;

#define STUB_ERR return AWSC_EUNSUPPORTED
int awsc_rsrc_new_typed(awsc_resource **out, awsc_client *client,
                        const awsc_rsrc_type *type, const char *const *ids,
                        size_t n_ids, awsc_error *err) {
  (void)out, (void)client, (void)type, (void)ids, (void)n_ids, (void)err;
  STUB_ERR;
}
const char *awsc_rsrc_identifier_text(const awsc_resource *r, size_t i) {
  (void)r, (void)i;
  return NULL;
}
int awsc_rsrc_action_at(char **json_out, awsc_resource ***resources_out,
                        size_t *n_resources, awsc_resource *r, size_t index,
                        const char *params_json, awsc_error *err) {
  (void)json_out, (void)resources_out, (void)n_resources, (void)r;
  (void)index, (void)params_json, (void)err;
  STUB_ERR;
}
int awsc_rsrc_reference_at(awsc_resource **out, awsc_resource *r, size_t index,
                           const char *input_json, awsc_error *err) {
  (void)out, (void)r, (void)index, (void)input_json, (void)err;
  STUB_ERR;
}
int awsc_rsrc_collection_at(awsc_resource_collection **out, awsc_resource *r,
                            size_t index, const char *filter_json,
                            const awsc_collection_options *opts,
                            awsc_error *err) {
  (void)out, (void)r, (void)index, (void)filter_json, (void)opts, (void)err;
  STUB_ERR;
}
int awsc_rsrc_wait_at(awsc_resource *r, size_t index, const char *params_json,
                      const awsc_waiter_config *config, awsc_error *err) {
  (void)r, (void)index, (void)params_json, (void)config, (void)err;
  STUB_ERR;
}
void awsc_resource_free(awsc_resource *r) {
  (void)r;
}
int awsc_resource_load(awsc_resource *r, awsc_error *err) {
  (void)r, (void)err;
  STUB_ERR;
}

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
