/*
 * lib/resources/resource_internal.h - internal: the resource runtime's
 * handle, the entry points the generated typed wrappers call (by index
 * into the descriptor tables), and the value helpers (rvalue.c).
 */
#ifndef AWSC_RESOURCE_INTERNAL_H
#define AWSC_RESOURCE_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>

#include "awsc/resource.h"
#include "core/core.h"
#include "resources/resources_desc.h"
#include "runtime/value.h"

/* A collection's page (its parsed response in its own arena), shared by
 * the handles made from its items: their identifiers and data point into
 * it instead of being copied. Freed with the last reference. */
typedef struct awsc_rsrc_page {
  _Atomic size_t refs;
  awsc_arena *arena; /* the page itself lives in it */
} awsc_rsrc_page;
/* A page over `arena` (taken: freed with the page; also on failure). */
awsc_rsrc_page *awsc_rsrc_page_new(awsc_arena *arena);
awsc_rsrc_page *awsc_rsrc_page_ref(awsc_rsrc_page *p);
void awsc_rsrc_page_unref(awsc_rsrc_page *p);
/* True when the caller's reference is the only one (no handle holds the
 * page, and none can take one but through the caller). */
bool awsc_rsrc_page_sole(awsc_rsrc_page *p);

/* A handle: {descriptor, client reference, identifiers, data}. What it
 * holds lives in its own arena or in the page it came from (a reference),
 * so it outlives whatever produced it. */
struct awsc_resource {
  const awsc_rsrc_model *model;
  const awsc_rsrc_type *type;
  awsc_client *client; /* a reference */
  awsc_arena *arena;
  awsc_rsrc_page *page; /* a reference, or NULL: where ids/data may point */
  awsc_value *ids;      /* type->n_identifiers values (STRING or INT) */
  const char **id_text; /* the same as text, for the typed getters */
  awsc_value data;      /* MAP once loaded */
  bool loaded;
  bool data_typed; /* data read through the shape (a paginator's page) */
  const awsc_shape *shape; /* the resource's shape, once found */
  const void *typed;       /* data as the shape's generated struct, or NULL */
};

/* Entry points of the generated typed wrappers. */
int awsc_rsrc_new_typed(awsc_resource **out, awsc_client *client,
                        const awsc_rsrc_type *type, const char *const *ids,
                        size_t n_ids, awsc_error *err);
const char *awsc_rsrc_identifier_text(const awsc_resource *r, size_t i);
int awsc_rsrc_action_at(char **json_out, awsc_resource ***resources_out,
                        size_t *n_resources, awsc_resource *r, size_t index,
                        const char *params_json, awsc_error *err);
int awsc_rsrc_reference_at(awsc_resource **out, awsc_resource *r, size_t index,
                           const char *input_json, awsc_error *err);
int awsc_rsrc_collection_at(awsc_resource_collection **out, awsc_resource *r,
                            size_t index, const char *filter_json,
                            const awsc_collection_options *opts,
                            awsc_error *err);
int awsc_rsrc_wait_at(awsc_resource *r, size_t index, const char *params_json,
                      const awsc_waiter_config *config, awsc_error *err);

/* The typed actions (generated): the handle's client (borrowed), the
 * NULL-handle error, and the resources an action returns, built from the
 * typed input and output (the operation's shapes give their layout). */
awsc_client *awsc_rsrc_client(awsc_resource *r);
/* The data as the generated struct of the resource's shape (loaded first
 * when needed), in the handle's arena: valid until the handle is freed. */
const void *awsc_rsrc_typed_data(awsc_resource *r, awsc_error *err);
/* The shape of resource type `type` in `client`'s service (its data's
 * layout), NULL when the model has none. A search over the model: callers
 * that make many handles of one type find it once. */
const awsc_shape *awsc_rsrc_shape(const awsc_client *client,
                                  const awsc_rsrc_type *type);
int awsc_rsrc_null_handle(awsc_error *err);
int awsc_rsrc_typed_resources(awsc_resource ***resources_out,
                              size_t *n_resources, awsc_resource *r,
                              size_t index, const void *input,
                              const void *output, awsc_error *err);

/* ---- shared by resource.c and collection.c ---- */

/* A new handle of `type` with no identifiers set (ids all NULL-typed). */
int awsc_rsrc_alloc(awsc_resource **out, awsc_client *client,
                    const awsc_rsrc_model *model, const awsc_rsrc_type *type);
/* Set identifier i (a deep copy into the handle's arena). */
int awsc_rsrc_set_id(awsc_resource *r, size_t i, const awsc_value *v);
/* Build a request's parameters: `params_json` (NULL = {}) with the
 * descriptor's params filled from `r` (item `index` of a batch for the
 * [*] targets). *out is a MAP in `arena`. */
int awsc_rsrc_request_params(awsc_value *out, awsc_arena *arena,
                             const awsc_rsrc_request *req, awsc_resource *r,
                             size_t index, const char *params_json,
                             awsc_error *err);
/* Add the descriptor's params filled from `r` to the MAP *params. */
int awsc_rsrc_fill_params(awsc_value *params, awsc_arena *arena,
                          const awsc_rsrc_param *p, size_t n, awsc_resource *r,
                          size_t index, awsc_error *err);
/* Call `operation` with `params`; *resp is the response (MAP in arena),
 * *json_out (may be NULL) the response text for the caller. */
int awsc_rsrc_call(awsc_value *resp, char **json_out, awsc_arena *arena,
                   awsc_client *client, const char *operation,
                   const awsc_value *params, awsc_error *err);
/* The handles a response yields for `ref` (boto3's ResourceHandler). */
int awsc_rsrc_build(awsc_resource ***out, size_t *n_out, awsc_resource *parent,
                    const awsc_rsrc_ref *ref, const awsc_value *params,
                    const awsc_value *resp, awsc_arena *tmp, awsc_error *err);

/* A reference evaluated over one response (or page): each identifier's
 * value (a list when plural) and the data. */
typedef struct awsc_rsrc_refvals {
  const awsc_rsrc_ref *ref;
  const awsc_rsrc_type *type; /* NULL: the reference yields nothing */
  awsc_value *vals;
  awsc_value data;
  bool plural;
  size_t n;                /* how many resources */
  bool typed;              /* values read through the response's shape */
  const awsc_shape *shape; /* the items' resource shape, NULL: unknown */
  awsc_rsrc_page *page;    /* where the values live when the handles may
                              share it (a collection's page), else NULL */
} awsc_rsrc_refvals;
int awsc_rsrc_ref_eval(awsc_rsrc_refvals *rv, awsc_arena *tmp,
                       awsc_resource *parent, const awsc_rsrc_ref *ref,
                       const awsc_value *params, const awsc_value *resp,
                       awsc_error *err);
/* A load's result as r's data (a copy; read shapeless from JSON text):
 * what awsc_resource_load and the injected S3 loads end with. */
int awsc_rsrc_set_data(awsc_resource *r, const awsc_value *data,
                       awsc_error *err);
/* Resource i of an evaluated reference, a new handle with its own copy of
 * its identifiers and data. */
int awsc_rsrc_ref_item(awsc_resource **out, const awsc_rsrc_refvals *rv,
                       awsc_resource *parent, size_t i, awsc_error *err);

/* ---- values (rvalue.c) ---- */
/* JSON text -> value with no shape (objects MAP, integers INT). */
int awsc_rv_parse(awsc_value *out, awsc_arena *arena, const char *json,
                  size_t len, awsc_error *err);
/* value -> JSON text appended to b. */
int awsc_rv_to_json(awsc_buf *b, const awsc_value *v);
/* Deep copy into arena. */
int awsc_rv_copy(awsc_value *out, awsc_arena *arena, const awsc_value *v);
/* Set `target` (a.b, a[].b appends, a[*].b item `index`, a[0]) in the MAP
 * *root to v (borrowed: must live in or outlive arena). */
int awsc_rv_set(awsc_value *root, awsc_arena *arena, const char *target,
                const awsc_value *v, size_t index);
/* Set member `key` of the MAP *map to v (replaced in place when present,
 * as Python's dict.update). */
int awsc_rv_map_put(awsc_value *map, awsc_arena *arena, const char *key,
                    size_t klen, const awsc_value *v);
/* Evaluate a JMESPath expression ("@" and NULL give v itself). */
int awsc_rv_search(awsc_value *out, awsc_arena *arena, const char *path,
                   const awsc_value *v, awsc_error *err);
/* Case-insensitive match of a model name with a caller's name, also in
 * boto3's snake case ("CreateTopic" ~ "create_topic"). */
bool awsc_rsrc_name_eq(const char *model_name, const char *given);

#endif
