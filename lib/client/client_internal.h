/*
 * lib/client/client_internal.h - internal: the client object and the
 * request pipeline (serialize, endpoint, sign, send, retry, parse).
 */
#ifndef AWSC_CLIENT_INTERNAL_H
#define AWSC_CLIENT_INTERNAL_H

#include <pthread.h>

#include "awsc/client.h"
#include "awsc/paginator.h"
#include "awsc/sigv4.h"
#include "core/core.h"
#include "endpoints/endpoints.h"
#include "protocols/protocol.h"
#include "runtime/descriptor.h"
#include "runtime/value.h"
#include "session/session_internal.h"

typedef struct awsc_call awsc_call;

/* A parsed endpoint URL: scheme://host[:port][/base/path]. */
typedef struct awsc_endpoint {
  char *url; /* as configured or resolved, no trailing '/' */
  bool https;
  char *host;      /* host[:port] as it goes in the Host header */
  char *hostname;  /* host without port */
  char *base_path; /* "" or "/base" (no trailing '/') */
  bool custom;     /* came from configuration, not the AWS pattern */
  bool host_is_ip;
  bool in_arena; /* strings live in an arena (not freed by cleanup) */
} awsc_endpoint;

/* Endpoint settings of a client (botocore's builtins), resolved once, and
 * the indexes of the rule set's builtin parameters (-1: none). */
typedef struct awsc_client_ep_settings {
  bool fips, dualstack, accelerate, s3_global, arn_region, disable_mrap,
      disable_express, sts_global, force_path;
  int i_region, i_fips, i_dualstack, i_endpoint, i_force_path, i_accelerate,
      i_s3_global, i_arn_region, i_mrap, i_express, i_sts_global;
} awsc_client_ep_settings;

/* A resolved endpoint kept by the client (endpoint.c): key and the
 * strings (url, host, base path, signing name, signing region) in one
 * block `text`, each pointer into it. */
#define AWSC_EP_CACHE_SIZE 8
typedef struct awsc_ep_cache_entry {
  char *key;
  size_t key_len;
  char *text;
  size_t text_len;
  bool https;
  const char *url, *host, *base, *sname, *sregion;
} awsc_ep_cache_entry;
void awsc_ep_cache_entry_clear(awsc_ep_cache_entry *en);

struct awsc_client {
  _Atomic int refs;
  awsc_session *session;
  const awsc_service *svc;
  awsc_arena *model_arena; /* owns svc when loaded at run time */
  char *region;
  awsc_endpoint endpoint;          /* configured, or resolved for the region */
  char *endpoint_given;            /* endpoint_url as configured, or NULL */
  awsc_ep_ruleset *ep_rules;       /* NULL = no rule set (AWS pattern) */
  awsc_ep_ruleset *ep_rules_owned; /* run-time models: compiled per client */
  awsc_client_ep_settings ep;
  pthread_mutex_t ep_cache_lock;
  awsc_ep_cache_entry ep_cache[AWSC_EP_CACHE_SIZE];
  unsigned ep_cache_next;
  awsc_retry_mode retry_mode;
  int max_attempts;
  long total_timeout_ms; /* per call, all attempts; 0 = no deadline */
  /* option sign_requests OFF: no credentials, no signature, presigned URLs
   * plain */
  bool unsigned_requests;
  int addressing; /* 0 auto, 1 path, 2 virtual */
  int checksum_trailers;
  /* flexible checksums: true = "when_supported" (botocore's default since
   * 1.36), false = "when_required" */
  bool checksum_when_supported;
  /* response_checksum_validation: true = "when_supported" (default) */
  bool validate_when_supported;
  /* verify_etag_md5 (option or setting, default off): a GetObject body
   * without a checksum is checked against an ETag that is its MD5 */
  bool verify_etag_md5;
  /* s3.payload_signing_enabled: 1 true, -1 false, 0 not set (botocore:
   * unsigned over TLS when a checksum header is there) */
  int s3_payload_signing;
  awsc_sigv4_cache *sigv4_cache;
  const awsc_logger *logger;
  /* standard-mode retry quota (botocore: 500, cost 5, timeout 10) */
  pthread_mutex_t quota_lock;
  int retry_quota;
  /* clock skew seen from responses' Date, ms to add to local time */
  _Atomic int64_t clock_offset_ms;
  /* test hook: replaces nanosleep for backoff delays */
  void (*sleep_ms)(long ms);
  /* Reused from call to call so that a call through a warm client
   * allocates (almost) nothing: the arenas of outputs (typed.c,
   * call_json.c) and the idle call workspaces (awsc_client_ws_take). */
  awsc_arena_pool *arena_pool;
  pthread_mutex_t ws_lock;
  struct awsc_call_ws *ws_idle;
  unsigned ws_idle_n;
  /* the caller's hooks (hooks.c); NULL until the first is registered */
  struct awsc_hook_reg *_Atomic hook_reg;
  /* awsc_client_set_check(AWSC_CHECK_BUCKET_NAME, AWSC_TOGGLE_OFF) */
  _Atomic bool skip_bucket_check;
};

/* What one call needs besides its arena and keeps for the next one: a
 * SigV4 result (its buffers and last signing key), the protocols'
 * workspace and a buffer for the JSON door's output. A thread holds a
 * workspace for the length of a call; the client keeps a few idle ones
 * (client.c) and frees them with itself. */
typedef struct awsc_call_ws {
  struct awsc_call_ws *next;
  awsc_sigv4_result sig;
  awsc_proto_ws *proto;
  awsc_buf text;
} awsc_call_ws;

/* An idle workspace of the client, or a new one; NULL: out of memory. */
awsc_call_ws *awsc_client_ws_take(awsc_client *c);
/* Hand a workspace back (trimmed; freed when the client has enough). */
void awsc_client_ws_give(awsc_client *c, awsc_call_ws *ws);
/* The arena of one call: from the client's pool (awsc_arena_free gives
 * it back). NULL: out of memory. */
awsc_arena *awsc_client_arena(awsc_client *c);
/* Free what the client keeps for reuse (idle workspaces and arenas)
 * now: memory back to the allocator, and tests that count live blocks
 * around calls made on several threads get a count that does not
 * depend on how many ran at once. */
void awsc_client_drop_idle(awsc_client *c);

/* A copy of MAP `in` with member `key` set to *value (added when
 * absent), in the arena (pipeline_build.c). Shallow: the copy shares
 * in's keys and values, and `key` itself (a model name or a literal), so
 * both must outlive it. */
int awsc_value_with_member(awsc_arena *a, const awsc_value *in, const char *key,
                           const awsc_value *value, const awsc_value **out);

/* One call through the pipeline. Fill the inputs, then awsc_client_invoke. */
struct awsc_call {
  /* inputs */
  const awsc_operation *op;
  const awsc_value *input; /* MAP or NULL */
  awsc_arena *arena;       /* output and scratch memory */
  /* where a streaming output payload goes (2xx only); MEMORY = into the
   * output value as a BLOB */
  awsc_body_sink sink;
  /* S3 CopySource is already percent-encoded (given as a dict) */
  bool copy_source_encoded;
  /* set by the S3 prepare-input hook: EncodingType=url was added */
  bool encoding_type_auto;
  /* on AWSC_ESERVICE, fill service_error and meta (status, ids, the
   * error answer's headers) too, in the arena: the error as boto3's
   * ClientError.response gives it (awsc_call_json_response) */
  bool keep_service_error;
  /* the typed door's output struct (op->output->c_size bytes in the
   * arena), or NULL: when the answer allows, the pipeline writes it
   * directly (awsc_parse_http_typed) and sets typed_filled; output is
   * then left empty */
  void *typed_out;
  /* outputs */
  bool typed_filled;
  awsc_value output; /* MAP */
  awsc_response_metadata meta;
  awsc_service_error service_error; /* see keep_service_error */
  /* the caller's workspace, or NULL: awsc_client_invoke takes one */
  awsc_call_ws *ws;
};

int awsc_client_invoke(awsc_client *client, awsc_call *call, awsc_error *err);

/* The next page of a paginator as the parsed value (typed by the
 * operation's output shape: what the resource collections read, without
 * JSON text in between). *page is borrowed, valid until the next call or
 * awsc_paginator_free; NULL at the end. 0 or an error status. */
int awsc_paginator_next_page_value(const awsc_value **page,
                                   awsc_page_iterator *p, awsc_error *err);
/* The same, the page's arena handed over: *arena (NULL at the end) holds
 * *page and is the caller's to free (awsc_arena_free); the paginator keeps
 * nothing of it but the pointer awsc_paginator_page_json reads, so that
 * call is valid while the arena lives. */
int awsc_paginator_take_page(awsc_value *page, awsc_arena **arena,
                             awsc_page_iterator *p, awsc_error *err);
/* Give back a page arena taken with awsc_paginator_take_page once the
 * caller is done with it (the paginator empties it and reuses it for a
 * later page; p may be NULL: the arena is freed). */
void awsc_paginator_recycle_arena(awsc_page_iterator *p, awsc_arena *a);
/* The page the last awsc_paginator_next_page_value gave, as
 * awsc_paginator_next_page_json writes it. */
int awsc_paginator_page_json(char **page_json, awsc_page_iterator *p,
                             awsc_error *err);

/* Where one call goes (endpoint.c); strings in the call's arena. */
typedef struct awsc_call_target {
  bool https;
  const char *host;           /* Host header: bucket, host prefix applied */
  const char *path;           /* full request path */
  const char *url_base;       /* the resolved endpoint URL */
  const char *signing_region; /* from the endpoint's auth scheme */
  const char *signing_name;
  const awsc_http_header *headers; /* the endpoint's headers */
  size_t header_count;
} awsc_call_target;

/* Resolve the target of call->op with call->input (both may be NULL: the
 * client's endpoint) and the serialized request sr (may be NULL), for
 * `region` (NULL = the client's; a redirect passes the bucket's).
 * path_style: -1 as configured, 1 force path-style, 0 virtual-hosted when
 * possible. AWSC_EVALIDATION with the rule set's message when the rules
 * end in an error; AWSC_EUNSUPPORTED for auth schemes awsc lacks. */
int awsc_client_target(awsc_client *client, const awsc_call *call,
                       const awsc_serialized_request *sr, const char *region,
                       int path_style, awsc_call_target *out, awsc_error *err);
/* Settings and the session's compiled rule set, at client creation. */
int awsc_client_endpoints_init(awsc_client *client, const char *endpoint_url,
                               awsc_error *err);

/* Create a client around a service descriptor (borrowed unless
 * model_arena is given, which the client then owns). */
int awsc_client_new_for_service(awsc_client **out, awsc_session *session,
                                const awsc_service *svc,
                                awsc_arena *model_arena,
                                const awsc_client_options *options,
                                awsc_error *err);

/* Endpoint helpers (endpoint.c). */
/* arena NULL: strings on the heap (awsc_endpoint_cleanup frees them). */
int awsc_endpoint_parse(awsc_endpoint *ep, const char *url, bool custom,
                        awsc_arena *arena, awsc_error *err);
void awsc_endpoint_cleanup(awsc_endpoint *ep);
int awsc_endpoint_default(awsc_endpoint *ep, const awsc_service *svc,
                          const char *region, awsc_arena *arena,
                          awsc_error *err);
/* Whether an S3 bucket name can be a DNS label (virtual-hosted style). */
bool awsc_s3_bucket_is_dns_compatible(const char *bucket, bool https);

/* Retry helpers (retry.c). */
bool awsc_retry_is_throttle_code(const char *code);
bool awsc_retry_is_transient_code(const char *code);
bool awsc_retry_is_clock_skew_code(const char *code);
/* Backoff before retry number `attempt` (1 = first retry), ms. */
long awsc_retry_delay_ms(awsc_retry_mode mode, int attempt);

/* Built-in services (lib/services, generated). NULL when not built in. */
const awsc_service *awsc_builtin_service(const char *name);
/* Service customisations for a service id ("S3"), for models loaded at
 * run time (lib/services, generated from the map that attaches them to
 * the built-in descriptors). NULL when the service has none. */
const awsc_service_hooks *awsc_builtin_hooks(const char *service_id);
/* Comma-separated names of the built-in services (static string). */
const char *awsc_builtin_service_names(void);
/* models/partitions.json as built in (minified; NULL when absent). */
const char *awsc_builtin_partitions(size_t *len);

/* The introspection documents (describe.c, resources/describe.c): hand
 * the finished buffer to the caller (*json_out), or, when rc says the
 * writing failed or the copy can not be made, free it and report it. */
int awsc_describe_finish(char **json_out, awsc_buf *b, int rc, awsc_error *err);

#endif
