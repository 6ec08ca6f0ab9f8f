/*
 * lib/resources/typed_data.c - a handle's data as the generated struct of
 * its shape (`const awsc_s3_HeadObjectOutput *` for an Object): the data
 * value is converted once, through the shape's descriptors (the layout
 * the generated header declares), into the handle's arena.
 */
#include <string.h>

#include "client/client_internal.h"
#include "client/typed.h"
#include "resources/resource_internal.h"

/* Depth-first search for shape `name` below `s`; `seen` bounds the walk
 * on recursive shapes (a few levels suffice for resource shapes). */
static const awsc_shape *find_below(const awsc_shape *s, const char *name,
                                    int depth) {
  if (!s || depth > 6)
    return NULL;
  if (s->name && strcmp(s->name, name) == 0)
    return s;
  const awsc_shape *f = NULL;
  if (s->type == AWSC_SHAPE_STRUCTURE)
    for (uint32_t i = 0; !f && i < s->member_count; i++)
      f = find_below(s->members[i].shape, name, depth + 1);
  else if (s->type == AWSC_SHAPE_LIST && s->list_member)
    f = find_below(s->list_member->shape, name, depth + 1);
  else if (s->type == AWSC_SHAPE_MAP && s->map_value)
    f = find_below(s->map_value->shape, name, depth + 1);
  return f;
}

/* The shape of a resource: the output of its load operation, else found
 * among the outputs of the service's operations (Bucket: ListBuckets). */
const awsc_shape *awsc_rsrc_shape(const awsc_client *client,
                                  const awsc_rsrc_type *type) {
  const awsc_service *svc = client->svc;
  const char *name = type->shape;
  if (!name)
    return NULL;
  if (type->load) {
    const awsc_operation *op =
        awsc_service_find_operation(svc, type->load->request.operation);
    if (op && op->output && op->output->name &&
        strcmp(op->output->name, name) == 0)
      return op->output;
  }
  for (uint32_t i = 0; i < svc->operation_count; i++) {
    const awsc_shape *s = find_below(svc->operations[i].output, name, 0);
    if (s)
      return s;
  }
  return NULL;
}

const void *awsc_rsrc_typed_data(awsc_resource *r, awsc_error *err) {
  if (!r) {
    awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                   "resource data: NULL handle");
    return NULL;
  }
  if (!r->loaded && awsc_resource_load(r, err))
    return NULL;
  if (r->typed)
    return r->typed;
  if (!r->shape)
    r->shape = awsc_rsrc_shape(r->client, r->type);
  const awsc_shape *shape = r->shape;
  if (!shape || !shape->c_size) {
    awsc_error_set(err, AWSC_EUNSUPPORTED, AWSC_ERROR_VALIDATION,
                   "%s: no generated struct for shape %s (a client of a "
                   "model loaded at run time?)",
                   r->type->name, r->type->shape ? r->type->shape : "-");
    return NULL;
  }
  void *out = NULL;
  int rc;
  if (r->data_typed) { /* a page's item: each member has its type already */
    rc = awsc_typed_from_value(shape, &r->data, r->arena, &out);
  } else {
    /* The data were read shapeless (timestamps as ISO 8601 text): read
     * them again through the shape so that each member has its type. */
    awsc_buf b = AWSC_BUF_INIT;
    awsc_value v;
    rc = awsc_rv_to_json(&b, &r->data);
    if (!rc)
      rc = awsc_value_from_json_ex(&v, r->arena, shape, b.p, b.len,
                                   AWSC_VJ_NO_VALIDATE, err);
    awsc_buf_free(&b);
    if (!rc)
      rc = awsc_typed_from_value(shape, &v, r->arena, &out);
  }
  if (rc) {
    if (rc == AWSC_ENOMEM)
      awsc_error_set(err, rc, AWSC_ERROR_INTERNAL, "out of memory");
    return NULL;
  }
  r->typed = out;
  return out;
}
