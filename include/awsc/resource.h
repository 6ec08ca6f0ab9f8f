/*
 * awsc/resource.h - boto3's resource API (bucket, object, topic, queue
 * handles), generic face with JSON in and out.
 *
 * One runtime interprets boto3's resource models (resources-1.json,
 * compiled into descriptor tables by codegen/gen_resources.py) over the
 * client's generic calls. The typed handles of the generated headers
 * (awsc/s3_resources.h: awsc_s3_bucket, awsc_s3_object, ...) are thin
 * wrappers over these functions: a typed handle is an awsc_resource.
 *
 * Names are the model's: resources ("Bucket", "ServiceResource"),
 * identifiers ("BucketName"), actions ("Delete"), references ("Acl"),
 * collections ("Objects") and waiters ("Exists").
 *
 * Lifetimes: every awsc_resource and awsc_resource_collection returned
 * through an out-parameter is the caller's and is released with its
 * _free (awsc_resource_free, awsc_resource_collection_free); handles are
 * independent of the handle or collection that produced them (each holds
 * its identifiers and data and a reference to the client). A handle from
 * a collection shares its page's parsed response with the page's other
 * handles instead of copying its part: a page stays in memory while a
 * handle made from it lives (keep only what you need from a long
 * listing, or free the handles as you go).
 * Strings returned through char ** are freed with awsc_mem_free. Arrays of
 * handles (awsc_resource **) are freed with awsc_resource_array_free,
 * which frees the handles too. A handle is not thread-safe (its data is
 * loaded lazily); distinct handles may be used from distinct threads.
 */
#ifndef AWSC_RESOURCE_H
#define AWSC_RESOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "awsc/client.h"
#include "awsc/common.h"
#include "awsc/waiter.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct awsc_resource awsc_resource;
typedef struct awsc_resource_collection awsc_resource_collection;

/*
 * A handle on resource `resource_name` of the client's service, from its
 * identifiers as a JSON object keyed by identifier name
 * ({"BucketName": "b", "Key": "k"}); every identifier is required.
 * Nothing is sent. Errors: AWSC_ENOTFOUND (the service has no resource
 * model or no such resource), AWSC_EVALIDATION (an identifier missing or
 * not a string/number, bad JSON), AWSC_ENOMEM.
 */
AWSC_API int awsc_resource_new(awsc_resource **out, awsc_client *client,
                               const char *resource_name,
                               const char *identifiers_json, awsc_error *err);

/* boto3's ServiceResource (session.resource("s3")) of the client's
 * service. Errors as awsc_resource_new. */
AWSC_API int awsc_resource_service(awsc_resource **out, awsc_client *client,
                                   awsc_error *err);

/* The resource's type name ("Bucket"); borrowed, static. */
AWSC_API const char *awsc_resource_type(const awsc_resource *r);

/* The identifiers as a JSON object. *json_out: free with awsc_mem_free. */
AWSC_API int awsc_resource_identifiers_json(char **json_out,
                                            const awsc_resource *r,
                                            awsc_error *err);

/*
 * (Re)load the data attributes with the resource's load operation
 * (bucket.load(), object.reload()). Errors: AWSC_EUNSUPPORTED when the
 * resource has no load operation ("ObjectSummary has no load method", as
 * boto3), whatever the call returns.
 */
AWSC_API int awsc_resource_load(awsc_resource *r, awsc_error *err);

/*
 * The data attributes as a JSON object (the load operation's output, or
 * the item of the collection / the response that produced the handle).
 * Loads on first use. *json_out: free with awsc_mem_free. Errors as
 * awsc_resource_load.
 */
AWSC_API int awsc_resource_attributes_json(char **json_out, awsc_resource *r,
                                           awsc_error *err);

/*
 * Call action `action` ("Delete", "create_topic" also accepted in boto3's
 * snake case) with `params_json` (boto3-shaped parameters besides those
 * the model fills from the identifiers and data; NULL = {}).
 * Results (each out-parameter may be NULL):
 *   *json_out       the response as awsc_call_json returns it;
 *   *resources_out  the resources the action returns (topic for
 *                   CreateTopic, messages for ReceiveMessage), an array of
 *                   *n_resources handles freed with
 *                   awsc_resource_array_free; NULL and 0 when it returns
 *                   none.
 * Errors: AWSC_ENOTFOUND (no such action), whatever the call returns.
 */
AWSC_API int awsc_resource_action_json(char **json_out,
                                       awsc_resource ***resources_out,
                                       size_t *n_resources, awsc_resource *r,
                                       const char *action,
                                       const char *params_json,
                                       awsc_error *err);

/* Free an array of handles and the handles in it (NULL is a no-op). */
AWSC_API void awsc_resource_array_free(awsc_resource **arr, size_t n);

/*
 * Follow reference `name` (boto3's has: object.Bucket(), object.Acl(),
 * bucket.Object("key")): identifiers come from this resource's
 * identifiers and data; those boto3 takes as arguments come from
 * `input_json`, a JSON object keyed by identifier name ({"Key": "k"}).
 * Data the reference needs are loaded first. Nothing else is sent.
 * Errors: AWSC_ENOTFOUND, AWSC_EVALIDATION (an input identifier missing),
 * errors of the load.
 */
AWSC_API int awsc_resource_reference(awsc_resource **out, awsc_resource *r,
                                     const char *name, const char *input_json,
                                     awsc_error *err);

/* How a collection iterates: boto3's limit(n) and page_size(n). */
typedef struct awsc_collection_options {
  int version;       /* AWSC_COLLECTION_OPTIONS_VERSION */
  int64_t limit;     /* at most this many items; 0 = all */
  int64_t page_size; /* items asked per request; 0 = the service's */
} awsc_collection_options;

#define AWSC_COLLECTION_OPTIONS_VERSION 1
#define AWSC_COLLECTION_OPTIONS_INIT                                           \
  { AWSC_COLLECTION_OPTIONS_VERSION, 0, 0 }

/*
 * Iterate collection `name` of `parent` (boto3's hasMany: buckets.all(),
 * bucket.objects.filter(Prefix=...), topic.subscriptions). `filter_json`
 * adds request parameters (NULL = all). Nothing is sent until the first
 * _next call; pages are fetched as needed through the client's paginator
 * when the operation has one, and only the current page is kept (and the
 * pages of handles still alive: see Lifetimes above).
 * `opts` may be NULL. *out is the caller's: awsc_resource_collection_free.
 * Errors: AWSC_ENOTFOUND, AWSC_EINVAL (bad options), AWSC_EVALIDATION.
 */
AWSC_API int awsc_resource_collection_new(awsc_resource_collection **out,
                                          awsc_resource *parent,
                                          const char *name,
                                          const char *filter_json,
                                          const awsc_collection_options *opts,
                                          awsc_error *err);

/* The next item as a new handle (the caller's: awsc_resource_free), with
 * its data from the listing; *item NULL (and 0 returned) at the end. */
AWSC_API int awsc_resource_collection_next(awsc_resource **item,
                                           awsc_resource_collection *c,
                                           awsc_error *err);

/* boto3's pages(): the next page's response JSON (free with
 * awsc_mem_free); NULL at the end. Items of the current page not yet
 * walked by _next are skipped. The limit counts here too: a page is cut
 * short at the limit. */
AWSC_API int awsc_resource_collection_next_page_json(
    char **page_json, awsc_resource_collection *c, awsc_error *err);

/* Release a collection (NULL is a no-op); handles it yielded stay valid. */
AWSC_API void awsc_resource_collection_free(awsc_resource_collection *c);

/*
 * Batch action `action` over the items of collection `name` of `parent`
 * (bucket.objects.filter(Prefix=...).delete()): one request per page of
 * the collection, parameters filled from each item (S3 DeleteObjects
 * with up to 1000 keys per page). `filter_json` and `opts` as for
 * awsc_resource_collection_new; `params_json` adds parameters to every
 * request. *json_out (may be NULL): a JSON array of the responses.
 * *requests_out (may be NULL): how many requests were sent.
 */
AWSC_API int awsc_resource_batch_action_json(
    char **json_out, size_t *requests_out, awsc_resource *parent,
    const char *name, const char *filter_json,
    const awsc_collection_options *opts, const char *action,
    const char *params_json, awsc_error *err);

/*
 * Resource waiter `name` ("Exists" for bucket.wait_until_exists()), with
 * the identifiers filled in; `params_json` adds parameters (NULL = {}),
 * `config` may be NULL. Returns and errors as awsc_client_wait.
 */
AWSC_API int awsc_resource_wait(awsc_resource *r, const char *name,
                                const char *params_json,
                                const awsc_waiter_config *config,
                                awsc_error *err);

/*
 * The resource model of the client's service, for bindings that build
 * their resource classes from it (no resources-1.json read): resource
 * `resource_name` ("Bucket", "ServiceResource"), or every resource when
 * NULL (the service resource first). One JSON object:
 *   {"Service": "s3", "Resources": {"Bucket": {
 *     "Identifiers": [{"Name": "Name", "MemberName"?: "Name"}],
 *     "Shape"?: "Bucket", "Load"?: "HeadBucket" (its load operation),
 *     "Attributes": {"Name": "string", "CreationDate": "timestamp"},
 *     "Actions": {"Create": {"Operation": "CreateBucket",
 *                            "Resource"?: "Bucket", "Plural"?: false}},
 *     "BatchActions": {"Delete": {"Operation": "DeleteObjects"}},
 *     "Has": {"Object": {"Inputs": ["Key"], "NeedsData": false,
 *                        "Resource": "Object", "Plural": false}},
 *     "HasMany": {"Objects": {"Operation": "ListObjects",
 *                             "Resource": "ObjectSummary",
 *                             "Paginated": true,
 *                             "BatchActions": ["Delete"]}},
 *     "Waiters": {"Exists": {"Waiter": "BucketExists"}}}}}
 * Names are the model's, in its order. "Attributes" are the members of
 * the resource's shape with their types (those of
 * awsc_client_describe_shapes_json), {} when it has no shape.
 * "Resource" / "Plural" say what an action or reference returns ("Plural":
 * a list of them); absent when it returns none. "Inputs": the identifiers
 * the caller gives (bucket.Object(key)); "NeedsData": the reference reads
 * the parent's data (a property in boto3). "HasMany"'s "BatchActions" are
 * those of the items' type.
 * *json_out: free with awsc_mem_free. Errors: AWSC_EINVAL, AWSC_ENOTFOUND
 * (no resource model for the service, or no such resource), AWSC_ENOMEM.
 */
AWSC_API int awsc_resource_describe_json(char **json_out, awsc_client *client,
                                         const char *resource_name,
                                         awsc_error *err);

/* Release a handle (and its client reference); NULL is a no-op. */
AWSC_API void awsc_resource_free(awsc_resource *r);

#ifdef __cplusplus
}
#endif

#endif
