/*
 * lib/endpoints/endpoints.h - the endpoint rules engine (internal API).
 *
 * Evaluates the "endpoint rule sets" of the service models (Smithy rules
 * language 1.0, the endpoint-rule-set-1.json file next to each
 * service-2.json) against parameters, giving an endpoint {url,
 * properties, headers} or an error message, as botocore's
 * EndpointProvider does.
 *
 * Two immutable, thread-safe objects are built once:
 *   - awsc_ep_partitions: models/partitions.json (aws.partition data),
 *     shared by every rule set (reference counted);
 *   - awsc_ep_ruleset: one compiled rule set. The JSON is parsed and
 *     checked once (functions, arity, references in scope, templates,
 *     parameter types); evaluation never parses again and allocates only
 *     in the arena the caller passes.
 *
 * How the client uses it:
 *
 *   once per process or session:
 *     awsc_ep_partitions *parts;
 *     awsc_ep_partitions_new(&parts, partitions_json, len, &err);
 *   once per client, or once per service and shared with
 *   awsc_ep_ruleset_ref (rule set text from models/<svc>/<ver>/; S3's
 *   900 KB compile in a few milliseconds):
 *     awsc_ep_ruleset *rs;
 *     awsc_ep_ruleset_new(&rs, ruleset_json, len, parts, &err);
 *     awsc_ep_partitions_free(parts);   // optional: rs keeps a reference
 *   per request (arena = the request's arena):
 *     awsc_ep_params p;
 *     awsc_ep_params_init(&p, rs, arena);
 *     // (by-name setters hash the name; a client may instead look the
 *     // indexes up once with awsc_ep_ruleset_find_builtin/_param and
 *     // use awsc_ep_params_set)
 *     // builtins from the client configuration; AWSC_ENOTFOUND means
 *     // "this service has no such parameter" and is ignored:
 *     awsc_ep_params_set_builtin_string(&p, "AWS::Region", region, NULL);
 *     awsc_ep_params_set_builtin_bool(&p, "AWS::UseFIPS", fips, NULL);
 *     ... AWS::UseDualStack, SDK::Endpoint, AWS::S3::ForcePathStyle,
 *     AWS::S3::Accelerate, AWS::S3::UseGlobalEndpoint,
 *     AWS::S3::UseArnRegion, AWS::S3::DisableMultiRegionAccessPoints,
 *     AWS::STS::UseGlobalEndpoint
 *     // then the operation's staticContextParams and the contextParams
 *     // taken from the input (they override builtins of the same name):
 *     awsc_ep_params_set_string(&p, "Bucket", bucket, NULL);
 *     awsc_ep_params_set_bool(&p, "UseS3ExpressControlEndpoint", 1, NULL);
 *     awsc_ep_result res;
 *     rc = awsc_ep_resolve(rs, &res, &p, arena, &err);
 *     // rc == 0: res.url, res.properties, res.headers
 *     // rc == AWSC_EVALIDATION: res.error holds the full message
 *     //   (err->message the same, truncated to its 512 bytes)
 *     awsc_ep_auth_scheme as;
 *     if (awsc_ep_auth_scheme_at(&res, &as, 0)) ... as.signing_region ...
 *
 * Lifetimes: parameter strings are borrowed until awsc_ep_resolve
 * returns. Everything in an awsc_ep_result lives in the arena or inside
 * the rule set (constant parts are shared, not copied): use it while both
 * the arena and the rule set are alive. All strings of a result are
 * NUL-terminated.
 *
 * Semantics follow the rules-language specification, and botocore where
 * the specification leaves room (see the notes at each function in
 * ep_fn.c and at the evaluator in ep_eval.c). Differential runs against
 * botocore on random S3/STS/SNS/SQS parameters agree everywhere except
 * where the spec is followed instead:
 *   - a tree rule whose conditions hold is terminal (botocore goes on
 *     with its siblings; seen only with an invalid SDK::Endpoint, where
 *     botocore then reports an unrelated error or ignores the endpoint);
 *   - parseURL's normalizedPath is the path with leading and trailing
 *     '/', not dot-segment-removed and percent-quoted, and a URL with
 *     whitespace or control characters is not a URL.
 * Deprecated parameters are described in awsc_ep_param_info; the engine
 * does not log (botocore logs at info level when one is set).
 */
#ifndef AWSC_ENDPOINTS_ENDPOINTS_H
#define AWSC_ENDPOINTS_ENDPOINTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

/* ---- values: parameters, function results, endpoint properties ---- */

typedef enum awsc_ep_type {
  AWSC_EP_NONE = 0, /* not set (a parameter without value, or JSON null) */
  AWSC_EP_BOOL,
  AWSC_EP_STRING,
  AWSC_EP_INT,
  AWSC_EP_DOUBLE,
  AWSC_EP_ARRAY,
  AWSC_EP_OBJECT
} awsc_ep_type;

typedef struct awsc_ep_value awsc_ep_value;
typedef struct awsc_ep_member awsc_ep_member;

struct awsc_ep_value {
  awsc_ep_type type;
  union {
    bool b;    /* BOOL */
    int64_t i; /* INT */
    double d;  /* DOUBLE */
    struct {   /* STRING: len bytes (NUL-terminated in results) */
      const char *str;
      size_t len;
    };
    struct { /* ARRAY */
      const awsc_ep_value *items;
      size_t count;
    };
    struct { /* OBJECT: members in document order */
      const awsc_ep_member *members;
      size_t nmembers;
    };
  };
};

struct awsc_ep_member {
  const char *key; /* NUL-terminated */
  awsc_ep_value value;
};

static inline awsc_ep_value awsc_ep_none(void) {
  awsc_ep_value v = {.type = AWSC_EP_NONE};
  return v;
}
static inline awsc_ep_value awsc_ep_bool(bool b) {
  awsc_ep_value v = {.type = AWSC_EP_BOOL, .b = b};
  return v;
}
/* s may be NULL (gives NONE). */
awsc_ep_value awsc_ep_string(const char *s);
awsc_ep_value awsc_ep_string_n(const char *s, size_t len);

/* Member `key` of an OBJECT; NULL when absent or obj is not an object. */
const awsc_ep_value *awsc_ep_value_get(const awsc_ep_value *obj,
                                       const char *key);
/* The string of member `key`, NULL when absent or not a string. */
const char *awsc_ep_value_get_str(const awsc_ep_value *obj, const char *key);
/* Append v as compact JSON (object members in order) to out. */
int awsc_ep_value_to_json(const awsc_ep_value *v, awsc_buf *out);

/* ---- partitions (models/partitions.json) ---- */

typedef struct awsc_ep_partitions awsc_ep_partitions;

/* Parse and compile partitions.json (regionRegex compiled once).
 * Returns 0, AWSC_EPARSE (bad JSON or schema), AWSC_ENOMEM. */
int awsc_ep_partitions_new(awsc_ep_partitions **out, const char *json,
                           size_t len, awsc_error *err);
/* Drop the caller's reference (rule sets hold their own). NULL is ok. */
void awsc_ep_partitions_free(awsc_ep_partitions *parts);
/* aws.partition(region) as the rule language sees it: an OBJECT with the
 * partition's outputs (name, dnsSuffix, dualStackDnsSuffix,
 * supportsFIPS, supportsDualStack, implicitGlobalRegion...). Matching:
 * the explicit region lists of all partitions first, then each
 * partition's regionRegex in file order, else the "aws" partition.
 * Never NULL; owned by parts. */
const awsc_ep_value *awsc_ep_partition_of(const awsc_ep_partitions *parts,
                                          const char *region, size_t len);

/* ---- compiled rule sets ---- */

typedef struct awsc_ep_ruleset awsc_ep_ruleset;

typedef enum awsc_ep_param_type {
  AWSC_EP_PARAM_STRING = 0,
  AWSC_EP_PARAM_BOOLEAN,
  AWSC_EP_PARAM_STRING_ARRAY
} awsc_ep_param_type;

typedef struct awsc_ep_param_info {
  const char *name;
  awsc_ep_param_type type;
  const char *builtin; /* e.g. "AWS::Region", NULL if none */
  bool required;
  awsc_ep_value default_value; /* NONE when there is no default */
  bool deprecated;
  const char *deprecated_message; /* NULL if none */
  const char *deprecated_since;   /* NULL if none */
} awsc_ep_param_info;

/* Compile a rule set (endpoint-rule-set-1.json text). Takes a reference
 * on `parts` (needed by aws.partition). Every function, argument count,
 * reference, assignment (no shadowing) and template is checked here;
 * err->message says where ("rules[3].rules[0].conditions[1]: ...").
 * Returns 0, AWSC_EPARSE (bad JSON or invalid rule set), AWSC_ENOMEM,
 * AWSC_EINVAL (NULL argument). */
int awsc_ep_ruleset_new(awsc_ep_ruleset **out, const char *json, size_t len,
                        awsc_ep_partitions *parts, awsc_error *err);
/* Take another reference (e.g. clients of one service sharing a rule set
 * compiled once per session); returns rs. */
awsc_ep_ruleset *awsc_ep_ruleset_ref(awsc_ep_ruleset *rs);
/* Drop a reference; the last one frees. NULL is ok. */
void awsc_ep_ruleset_free(awsc_ep_ruleset *rs);

size_t awsc_ep_ruleset_param_count(const awsc_ep_ruleset *rs);
/* Parameter i in document order; NULL when out of range. */
const awsc_ep_param_info *awsc_ep_ruleset_param(const awsc_ep_ruleset *rs,
                                                size_t i);
/* Index of the parameter with this name / builtIn, or -1. */
int awsc_ep_ruleset_find_param(const awsc_ep_ruleset *rs, const char *name);
int awsc_ep_ruleset_find_builtin(const awsc_ep_ruleset *rs,
                                 const char *builtin);

/* ---- parameters of one resolution ---- */

typedef struct awsc_ep_params {
  const awsc_ep_ruleset *rs;
  awsc_arena *arena;
  awsc_ep_value *values; /* one per parameter; NONE = not given */
} awsc_ep_params;

/* Prepare an empty parameter set for rs in arena. 0 or AWSC_ENOMEM. */
int awsc_ep_params_init(awsc_ep_params *p, const awsc_ep_ruleset *rs,
                        awsc_arena *arena);
/* Set parameter `index` (awsc_ep_ruleset_find_*). The value must match
 * the parameter's type (STRING, BOOL, ARRAY of STRING) or be NONE
 * (clears it): AWSC_EVALIDATION otherwise; AWSC_EINVAL for a bad index.
 * Strings are borrowed. */
int awsc_ep_params_set(awsc_ep_params *p, int index, awsc_ep_value v,
                       awsc_error *err);
/* By parameter name. AWSC_ENOTFOUND when the rule set has no such
 * parameter (nothing set; callers passing optional inputs ignore it). */
int awsc_ep_params_set_string(awsc_ep_params *p, const char *name,
                              const char *value, awsc_error *err);
int awsc_ep_params_set_bool(awsc_ep_params *p, const char *name, bool value,
                            awsc_error *err);
/* The item pointers are copied into the params' arena; strings borrowed. */
int awsc_ep_params_set_string_array(awsc_ep_params *p, const char *name,
                                    const char *const *items, size_t n,
                                    awsc_error *err);
/* By builtIn name ("AWS::Region"...). AWSC_ENOTFOUND when no parameter
 * of the rule set is bound to that builtIn. */
int awsc_ep_params_set_builtin_string(awsc_ep_params *p, const char *builtin,
                                      const char *value, awsc_error *err);
int awsc_ep_params_set_builtin_bool(awsc_ep_params *p, const char *builtin,
                                    bool value, awsc_error *err);

/* ---- resolution ---- */

typedef struct awsc_ep_header {
  const char *name;
  const char *const *values;
  size_t count;
} awsc_ep_header;

typedef struct awsc_ep_result {
  const char *url;                 /* NULL when error is set */
  const awsc_ep_value *properties; /* OBJECT; empty when none */
  const awsc_ep_header *headers;   /* header_count entries */
  size_t header_count;
  const char *error; /* the rule set's error message */
} awsc_ep_result;

/* Evaluate rs with params (NULL = no parameters): apply defaults, check
 * required parameters, run the rules. Thread-safe (rs is read-only);
 * allocates only in arena.
 * Returns 0 with an endpoint; AWSC_EVALIDATION when resolution ends in an
 * error (an error rule, a missing required parameter, no rule matched)
 * with out->error set; AWSC_ENOMEM; AWSC_EINVAL (NULL arguments, params
 * of another rule set). */
int awsc_ep_resolve(const awsc_ep_ruleset *rs, awsc_ep_result *out,
                    const awsc_ep_params *params, awsc_arena *arena,
                    awsc_error *err);

/* ---- auth schemes of a resolved endpoint (properties.authSchemes) ---- */

typedef struct awsc_ep_auth_scheme {
  const char *name;           /* "sigv4", "sigv4a", "sigv4-s3express"... */
  const char *signing_name;   /* NULL when absent */
  const char *signing_region; /* NULL when absent (sigv4a: region set) */
  const awsc_ep_value *signing_region_set; /* ARRAY of STRING or NULL */
  bool disable_double_encoding;            /* false when absent */
} awsc_ep_auth_scheme;

size_t awsc_ep_auth_scheme_count(const awsc_ep_result *res);
/* Fill *out with scheme i (in preference order); false when i is out of
 * range or the entry has no string "name". */
bool awsc_ep_auth_scheme_at(const awsc_ep_result *res, awsc_ep_auth_scheme *out,
                            size_t i);

#endif /* AWSC_ENDPOINTS_ENDPOINTS_H */
