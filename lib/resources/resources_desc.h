/*
 * lib/resources/resources_desc.h - internal: the descriptor tables that
 * codegen/gen_resources.py generates from a boto3 resources-1.json, read
 * by the one resource runtime (resource.c, collection.c). Data only: every
 * resource, action, reference, collection and waiter of a model is a row
 * here, never a function of its own.
 */
#ifndef AWSC_RESOURCES_DESC_H
#define AWSC_RESOURCES_DESC_H

#include <stddef.h>
#include <stdint.h>

#include "awsc/resource.h"

/* Where a request parameter or a resource identifier comes from (boto3's
 * "source"). */
typedef enum awsc_rsrc_source {
  AWSC_RS_IDENTIFIER = 1, /* the parent's identifier `name` */
  AWSC_RS_DATA,           /* JMESPath `path` over the parent's data */
  AWSC_RS_REQUEST_PARAM,  /* JMESPath `path` over the request sent */
  AWSC_RS_RESPONSE,       /* JMESPath `path` over the response */
  AWSC_RS_STRING,         /* the literal `value` */
  AWSC_RS_INTEGER,        /* `value`, a decimal integer */
  AWSC_RS_BOOLEAN,        /* `value`, "true" / "false" */
  AWSC_RS_INPUT           /* given by the caller (has: bucket.Object(key)) */
} awsc_rsrc_source;

/* A request parameter ({target, source, name|path|value}) or an identifier
 * of a resource a response or reference yields ({target = identifier
 * name, source, name|path|value}). */
typedef struct awsc_rsrc_param {
  const char *target;
  uint8_t source; /* awsc_rsrc_source */
  const char *name;
  const char *path;
  const char *value;
} awsc_rsrc_param;

typedef struct awsc_rsrc_request {
  const char *operation; /* the model's name: "CreateTopic" */
  const awsc_rsrc_param *params;
  uint16_t n_params;
} awsc_rsrc_request;

/* The resource(s) an action, reference or collection yields. */
typedef struct awsc_rsrc_ref {
  const char *type; /* resource name ("Topic"); NULL = none */
  const awsc_rsrc_param *identifiers;
  uint16_t n_identifiers;
  const char *path; /* JMESPath to the resource's data, or NULL */
} awsc_rsrc_ref;

/* load, actions, batchActions: a request, and optionally the resource it
 * returns (`resource.type` NULL otherwise) and the data path (load). */
typedef struct awsc_rsrc_action {
  const char *name;
  awsc_rsrc_request request;
  awsc_rsrc_ref resource;
  const char *path;
} awsc_rsrc_action;

/* has: a reference without a request. */
typedef struct awsc_rsrc_has {
  const char *name;
  awsc_rsrc_ref resource;
} awsc_rsrc_has;

/* hasMany: a collection (paginated through the client's paginator when
 * the operation has one). */
typedef struct awsc_rsrc_collection {
  const char *name;
  awsc_rsrc_request request;
  awsc_rsrc_ref resource;
} awsc_rsrc_collection;

typedef struct awsc_rsrc_waiter {
  const char *name;        /* resource waiter ("Exists") */
  const char *waiter_name; /* client waiter ("BucketExists") */
  const awsc_rsrc_param *params;
  uint16_t n_params;
  const char *path;
} awsc_rsrc_waiter;

typedef struct awsc_rsrc_identifier {
  const char *name;        /* "BucketName" */
  const char *member_name; /* data member that carries it, or NULL */
} awsc_rsrc_identifier;

typedef struct awsc_rsrc_type {
  const char *name; /* "Bucket"; "ServiceResource" for the service */
  const awsc_rsrc_identifier *identifiers;
  uint16_t n_identifiers;
  const char *shape;            /* output shape of its data, or NULL */
  const awsc_rsrc_action *load; /* NULL: data only from a response */
  const awsc_rsrc_action *actions;
  uint16_t n_actions;
  const awsc_rsrc_action *batch_actions;
  uint16_t n_batch_actions;
  const awsc_rsrc_has *has;
  uint16_t n_has;
  const awsc_rsrc_collection *has_many;
  uint16_t n_has_many;
  const awsc_rsrc_waiter *waiters;
  uint16_t n_waiters;
} awsc_rsrc_type;

typedef struct awsc_rsrc_model {
  const char *service;    /* folder name: "s3" */
  const char *service_id; /* metadata.serviceId: "S3" */
  const awsc_rsrc_type *service_resource;
  const awsc_rsrc_type *resources; /* sorted by name */
  uint16_t n_resources;
} awsc_rsrc_model;

/* The models built in (generated registry, resources_registry.c): the one
 * whose service id is `service_id`, or NULL. */
const awsc_rsrc_model *awsc_rsrc_model_for(const char *service_id);
/* The load boto3 injects for type t of model m (S3's Bucket and
 * ObjectSummary), NULL when none (generated registry). */
typedef int (*awsc_rsrc_load_fn)(awsc_resource *r, awsc_error *err);
awsc_rsrc_load_fn awsc_rsrc_custom_load(const awsc_rsrc_model *m,
                                        const awsc_rsrc_type *t);

/* A resource type of a model by name ("ServiceResource" included). */
const awsc_rsrc_type *awsc_rsrc_type_find(const awsc_rsrc_model *m,
                                          const char *name);

#endif
