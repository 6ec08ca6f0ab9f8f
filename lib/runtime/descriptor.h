/*
 * lib/runtime/descriptor.h - shape and operation descriptors: the data
 * that drives every protocol serializer and parser (DESIGN.md section 3).
 *
 * The code generator emits these as static const tables (lib/services/);
 * model_load.c builds the very same structures at run time from a botocore
 * model JSON (the protocol conformance suites carry their own shapes).
 * Descriptors are immutable once built and shared between threads.
 */
#ifndef AWSC_RUNTIME_DESCRIPTOR_H
#define AWSC_RUNTIME_DESCRIPTOR_H

#include <stdbool.h>
#include <stdint.h>

#include "core/core.h"

typedef enum awsc_shape_type {
  AWSC_SHAPE_STRUCTURE = 0,
  AWSC_SHAPE_LIST,
  AWSC_SHAPE_MAP,
  AWSC_SHAPE_STRING,
  AWSC_SHAPE_INTEGER, /* also byte, short */
  AWSC_SHAPE_LONG,
  AWSC_SHAPE_BOOLEAN,
  AWSC_SHAPE_FLOAT,
  AWSC_SHAPE_DOUBLE,
  AWSC_SHAPE_TIMESTAMP,
  AWSC_SHAPE_BLOB,
  AWSC_SHAPE_DOCUMENT /* free-form JSON (document type) */
} awsc_shape_type;

typedef enum awsc_location {
  AWSC_LOC_BODY = 0, /* no "location": body / payload member */
  AWSC_LOC_URI,
  AWSC_LOC_QUERYSTRING,
  AWSC_LOC_HEADER,
  AWSC_LOC_HEADERS, /* prefix map (x-amz-meta-) */
  AWSC_LOC_STATUS_CODE
} awsc_location;

typedef enum awsc_timestamp_format {
  AWSC_TS_DEFAULT = 0, /* protocol default */
  AWSC_TS_ISO8601,
  AWSC_TS_RFC822, /* RFC 1123 HTTP date */
  AWSC_TS_UNIX    /* epoch seconds */
} awsc_timestamp_format;

/* Member flags. */
enum {
  AWSC_MF_REQUIRED = 1u << 0,
  AWSC_MF_XML_ATTRIBUTE = 1u << 1,
  AWSC_MF_FLATTENED = 1u << 2, /* member-level "flattened" */
  AWSC_MF_STREAMING = 1u << 3, /* payload member is a stream */
  AWSC_MF_IDEMPOTENCY_TOKEN = 1u << 4,
  AWSC_MF_HOST_LABEL = 1u << 5,
  AWSC_MF_JSONVALUE = 1u << 6, /* header holds base64 JSON */
  AWSC_MF_EVENT_PAYLOAD = 1u << 7,
  AWSC_MF_DEPRECATED = 1u << 8,
  AWSC_MF_QUERY_NAME = 1u << 9,   /* ec2: queryName given */
  AWSC_MF_EVENT_HEADER = 1u << 10 /* eventheader (event streams) */
};

/* Shape flags. */
enum {
  AWSC_SF_FLATTENED = 1u << 0,
  AWSC_SF_EXCEPTION = 1u << 1,
  AWSC_SF_SENSITIVE = 1u << 2,
  AWSC_SF_UNION = 1u << 3,
  AWSC_SF_EVENTSTREAM = 1u << 4,
  AWSC_SF_STREAMING = 1u << 5, /* blob/string shape marked streaming */
  AWSC_SF_FAULT = 1u << 6,     /* server fault error */
  AWSC_SF_HAS_MIN = 1u << 7,
  AWSC_SF_HAS_MAX = 1u << 8,
  AWSC_SF_EVENT = 1u << 9 /* "event": an event-stream event */
};

struct awsc_shape;

/*
 * A member carries its *effective* traits, as botocore sees them: the
 * member reference's traits laid over the target shape's (botocore merges
 * the two dicts). So location_name is the member's locationName or else
 * the target shape's; xml_ns_* likewise; AWSC_MF_FLATTENED is set when
 * either the reference or the target shape is flattened; the same for
 * AWSC_MF_STREAMING; timestamp_format is the reference's or else the
 * shape's. Consumers look at the member only; shape-level traits matter
 * where there is no member (an operation's input/output root).
 */
typedef struct awsc_member {
  const char *name; /* model member name ("Bucket");
                       "member" / "key" / "value" for
                       list and map elements */
  const struct awsc_shape *shape;
  const char *location_name; /* wire name; NULL = name */
  const char *query_name;    /* ec2 queryName; NULL if none */
  const char *xml_ns_uri;    /* member xmlNamespace, or NULL */
  const char *xml_ns_prefix;
  uint16_t flags;           /* AWSC_MF_* */
  uint8_t location;         /* awsc_location */
  uint8_t timestamp_format; /* member override, or DEFAULT */
  /* Typed C layout (generated tables only; 0 in runtime-built ones):
   * byte offset of the field in the owning struct, and of its has_ flag
   * (UINT32_MAX when the member has no has_ flag). */
  uint32_t offset;
  uint32_t has_offset;
} awsc_member;

typedef struct awsc_shape {
  const char *name;          /* model shape name */
  uint8_t type;              /* awsc_shape_type */
  uint8_t timestamp_format;  /* shape-level timestampFormat */
  uint16_t flags;            /* AWSC_SF_* */
  const char *location_name; /* shape-level locationName (xml) */
  const char *xml_ns_uri;    /* shape xmlNamespace */
  const char *xml_ns_prefix;
  /* structure */
  const awsc_member *members;
  uint32_t member_count;
  int32_t payload_index; /* "payload" member, -1 if none */
  /* list: the element; map: key and value (location_name = wire name) */
  const awsc_member *list_member;
  const awsc_member *map_key;
  const awsc_member *map_value;
  /* string enum values (validation), integer ranges */
  const char *const *enum_values;
  uint32_t enum_count;
  int64_t min; /* when AWSC_SF_HAS_MIN */
  int64_t max; /* when AWSC_SF_HAS_MAX */
  /* error shapes: "error": {code, httpStatusCode, senderFault} */
  const char *error_code; /* NULL = shape name */
  int32_t error_status;
  /* typed C layout (generated only): sizeof the struct, 0 otherwise */
  uint32_t c_size;
} awsc_shape;

/* Operation flags. */
enum {
  AWSC_OF_CHECKSUM_REQUIRED = 1u
                              << 0,   /* httpChecksumRequired or
                                          httpChecksum.requestChecksumRequired */
  AWSC_OF_UNSIGNED_PAYLOAD = 1u << 1, /* authtype v4-unsigned-body */
  AWSC_OF_NO_AUTH = 1u << 2,          /* authtype none */
  AWSC_OF_DEPRECATED = 1u << 3,
  AWSC_OF_HAS_STREAMING_INPUT = 1u << 4,
  AWSC_OF_HAS_STREAMING_OUTPUT = 1u << 5
};

typedef struct awsc_static_context_param {
  const char *name;         /* e.g. "UseS3ExpressControlEndpoint" */
  const char *string_value; /* one of these two */
  int bool_value;           /* -1 when string_value is used */
} awsc_static_context_param;

typedef struct awsc_context_param {
  const char *name;   /* endpoint rule parameter ("Bucket") */
  const char *member; /* input member it comes from */
} awsc_context_param;

typedef struct awsc_operation {
  const char *name;        /* "ListObjectsV2" */
  const char *py_name;     /* "list_objects_v2" */
  const char *http_method; /* "GET" */
  const char *request_uri; /* "/{Bucket}?list-type=2" */
  int32_t response_code;   /* http.responseCode, 0 = 200 */
  /* input/output: when the operation's reference carries traits of its
   * own (locationName, xmlNamespace, payload), this is a copy of the
   * shape with those traits applied. */
  const awsc_shape *input;    /* NULL when none */
  const awsc_shape *output;   /* NULL when none */
  const char *result_wrapper; /* query/ec2 output resultWrapper */
  const awsc_shape *const *errors;
  uint32_t error_count;
  const char *host_prefix; /* endpoint.hostPrefix, or NULL */
  uint32_t flags;          /* AWSC_OF_* */
  /* httpChecksum trait */
  const char *checksum_algorithm_member;  /* requestAlgorithmMember */
  const char *checksum_validation_member; /* requestValidationModeMember */
  const char *const *response_checksum_algorithms;
  uint32_t response_checksum_algorithm_count;
  const awsc_static_context_param *static_context_params;
  uint32_t static_context_param_count;
  const awsc_context_param *context_params; /* from member contextParam */
  uint32_t context_param_count;
} awsc_operation;

typedef enum awsc_protocol {
  AWSC_PROTO_QUERY = 0,
  AWSC_PROTO_EC2,
  AWSC_PROTO_REST_XML,
  AWSC_PROTO_JSON,
  AWSC_PROTO_REST_JSON
} awsc_protocol;

/* Paginator ("input_token", "output_token", "limit_key", "result_key"
 * may name several comma-free JMESPath-ish expressions). */
typedef struct awsc_paginator {
  const char *operation; /* "ListObjectsV2" */
  const char *const *input_tokens;
  uint32_t input_token_count;
  const char *const
      *output_tokens; /* expressions, e.g. "NextMarker || Contents[-1].Key" */
  uint32_t output_token_count;
  const char *limit_key;    /* or NULL */
  const char *more_results; /* or NULL */
  const char *const *result_keys;
  uint32_t result_key_count;
  const char *const *non_aggregate_keys;
  uint32_t non_aggregate_key_count;
} awsc_paginator;

typedef struct awsc_waiter_acceptor {
  const char *state;    /* success | failure | retry */
  const char *matcher;  /* status | error | path | pathAll | pathAny */
  const char *argument; /* path expression or NULL */
  const char *expected; /* JSON text of the expected value */
} awsc_waiter_acceptor;

typedef struct awsc_waiter {
  const char *name; /* "BucketExists" */
  const char *operation;
  int32_t delay_s;
  int32_t max_attempts;
  const awsc_waiter_acceptor *acceptors;
  uint32_t acceptor_count;
} awsc_waiter;

/*
 * Service customisations (hooks): what a service needs beyond its model
 * (botocore's handlers), kept out of the generic request path. The
 * generator attaches a table to the descriptors of the services that
 * have one (codegen/gen.py SERVICE_HOOKS); models loaded at run time get
 * the same table by service id (awsc_builtin_hooks). The code lives in
 * lib/custom. Every member may be NULL / 0: the generic behaviour then
 * applies. The types in the signatures belong to higher modules (client,
 * protocols) and are only named here.
 */
struct awsc_client;
struct awsc_call;
struct awsc_value;
struct awsc_raw_response;
struct awsc_service_error;
struct awsc_http_response;
struct awsc_http_header;
struct awsc_jnode;

/* Policy bits of a hook table. */
enum {
  /* SigV4 the S3 way (AWSC_SIGV4_S3): no double-encoded path, no path
   * normalisation, x-amz-content-sha256 always sent */
  AWSC_HOOK_SIGV4_S3 = 1u << 0,
  /* a 2xx answer that can not be parsed was cut short: retry it as a 500 */
  AWSC_HOOK_RETRY_UNPARSABLE_2XX = 1u << 1,
  /* the [s3] section of the profile (dual-stack, accelerate) applies */
  AWSC_HOOK_S3_SETTINGS = 1u << 2,
  /* presigned URLs keep a request body out of the query string */
  AWSC_HOOK_PRESIGN_KEEP_BODY = 1u << 3,
  /* over plain HTTP, a whole body the client holds (memory or file) with
   * no checksum to check is checked against an ETag that is its MD5
   * (S3: single-part, not SSE-KMS / SSE-C; docs/integrity.md) */
  AWSC_HOOK_ETAG_MD5 = 1u << 4
};

typedef struct awsc_service_hooks {
  const char *name; /* "s3": logs and tests */
  uint32_t flags;   /* AWSC_HOOK_* */
  /* Region used when none is configured (S3: us-east-1, where its global
   * endpoint signs); NULL: a region is required. */
  const char *default_region;
  /* Prepare input: validate and complete the input before it is
   * serialized. *in is the input (MAP or NULL); set it to a copy in the
   * call's arena to change it. */
  int (*prepare_input)(struct awsc_client *c, struct awsc_call *call,
                       const struct awsc_value **in, awsc_error *err);
  /* JSON input (the JSON door, awsc_call_json): rewrite the JSON tree of
   * the input before it becomes a value (temporaries in tmp); set
   * *encoded when a member was encoded here already (S3's CopySource
   * given as a dict). */
  int (*json_input)(const struct awsc_operation *op, struct awsc_jnode *root,
                    awsc_arena *tmp, bool *encoded, awsc_error *err);
  /* Payload policy: whether a body that would be hashed goes
   * UNSIGNED-PAYLOAD instead (headers: the request's so far). */
  bool (*unsigned_payload)(const struct awsc_client *c,
                           const struct awsc_operation *op, bool https,
                           const struct awsc_http_header *headers,
                           size_t header_count);
  /* After parse: check or rewrite a successful call's output (in the
   * call's arena). Nonzero fails the call with err set. */
  int (*after_parse)(struct awsc_client *c, struct awsc_call *call,
                     struct awsc_value *output, awsc_error *err);
  /* Whether after_parse has anything to do for this call (NULL: always).
   * A call it has nothing for may skip the output value altogether (the
   * typed door's direct way, awsc_parse_http_typed). */
  bool (*after_parse_wanted)(const struct awsc_call *call);
  /* Error in 200: whether a 2xx answer is in fact an error document. */
  bool (*error_in_200)(const struct awsc_operation *op,
                       const struct awsc_raw_response *resp);
  /* Classify error: adjust the parsed error (code, shape) of an answer. */
  void (*classify_error)(const struct awsc_operation *op, int status,
                         struct awsc_service_error *se);
  /* Redirect: the region a failed answer says to go to, in the arena, or
   * NULL (the call fails or retries as usual). */
  const char *(*redirect_region)(const struct awsc_operation *op, int status,
                                 const struct awsc_service_error *se,
                                 const struct awsc_http_response *resp,
                                 awsc_arena *a);
  /* Parse quirk: the XML root element of the output is its one member
   * (not the output shape), as GetBucketLocation answers. */
  bool (*xml_root_is_member)(const struct awsc_operation *op);
  /* Per-call read timeout in ms, 0 = the transport's. */
  long (*read_timeout_ms)(const struct awsc_client *c,
                          const struct awsc_operation *op,
                          const struct awsc_value *input);
  /* Endpoint tweaks: the input member that names a host label (S3's
   * bucket: stripped from the path, virtual-hosted style), or NULL. */
  const char *(*endpoint_host_label)(const struct awsc_operation *op,
                                     const struct awsc_value *input);
  /* Endpoint tweaks: operations that always go path-style. */
  bool (*force_path_style)(const struct awsc_operation *op);
} awsc_service_hooks;

typedef struct awsc_service {
  const char *service_id; /* metadata.serviceId ("S3") */
  const char *api_version;
  uint8_t protocol;          /* awsc_protocol */
  const char *json_version;  /* "1.0" / "1.1" or NULL */
  const char *target_prefix; /* json: X-Amz-Target prefix */
  const char *xml_namespace; /* query/rest-xml namespace uri */
  const char *signing_name;  /* signingName or endpointPrefix */
  const char *endpoint_prefix;
  const char *global_endpoint;
  bool aws_query_compatible;
  /* operations sorted by name (strcmp), and the same pointers sorted by
   * py_name, for binary search */
  const awsc_operation *operations;
  uint32_t operation_count;
  const awsc_operation *const *operations_by_py_name;
  const awsc_paginator *paginators;
  uint32_t paginator_count;
  const awsc_waiter *waiters;
  uint32_t waiter_count;
  /* endpoint-rule-set-1.json text (minified), or NULL: the client then
   * uses https://PREFIX.REGION.DNS_SUFFIX */
  const char *endpoint_ruleset;
  uint32_t endpoint_ruleset_len;
  /* service customisations, or NULL (see awsc_service_hooks) */
  const awsc_service_hooks *hooks;
} awsc_service;

/* Find an operation by "ListObjectsV2" or "list_objects_v2"; NULL if none. */
const awsc_operation *awsc_service_find_operation(const awsc_service *svc,
                                                  const char *name);
/* Member of a structure by model name / by wire name; NULL if none. */
const awsc_member *awsc_shape_find_member(const awsc_shape *shape,
                                          const char *name, size_t len);
/* The same, looked for from member *hint on (then from the start), and
 * *hint set past the one found: a value's keys come mostly in model
 * order. A key that is a member's own name pointer (the typed door's
 * keys, a parsed answer's) is found by address, one compare a member. */
const awsc_member *awsc_shape_find_member_hint(const awsc_shape *shape,
                                               const char *name, size_t len,
                                               uint32_t *hint);
/* Member by wire name (awsc_member_wire_name); NULL if none. */
const awsc_member *awsc_shape_find_member_by_wire_name(const awsc_shape *shape,
                                                       const char *name,
                                                       size_t len);
/* Wire name: location_name if set else name. */
static inline const char *awsc_member_wire_name(const awsc_member *m) {
  return m->location_name ? m->location_name : m->name;
}
/* "ListObjectsV2" -> "list_objects_v2" as botocore's xform_name; out is
 * arena-allocated. */
char *awsc_xform_name(awsc_arena *arena, const char *name);

/* ---- runtime construction from a model JSON (model_load.c) ---- */
/* Build a service (all its shapes and operations) from botocore
 * service-2.json text; everything lives in `arena` (caller frees the arena).
 * Returns 0, AWSC_EPARSE (err says where) or AWSC_ENOMEM. */
int awsc_service_from_json(awsc_service **out, awsc_arena *arena,
                           const char *json, size_t len, awsc_error *err);
/* Build from already-split parts, as the protocol test suites carry them:
 * `metadata` object JSON, `shapes` object JSON, and one or more operation
 * objects (each {"name":..,"http":..,"input":..,"output":..}). */
int awsc_service_from_parts(awsc_service **out, awsc_arena *arena,
                            const char *metadata_json, size_t metadata_len,
                            const char *shapes_json, size_t shapes_len,
                            const char *const *operation_jsons,
                            const size_t *operation_lens, size_t n_operations,
                            awsc_error *err);

#endif
