/*
 * awsc/paginator.h - paginators: botocore's Paginator / PageIterator.
 *
 * A paginator calls a list operation again and again, feeding each page's
 * output tokens into the next request (NextContinuationToken ->
 * ContinuationToken, NextMarker || Contents[-1].Key -> Marker, ...), as
 * the model's paginators-1.json says. Pages come back as the same
 * boto3-shaped JSON as awsc_call_json returns (ResponseMetadata included);
 * items can be walked across pages one by one; MaxItems, PageSize and
 * StartingToken behave as in boto3, including the resume token
 * ("NextToken" of build_full_result) that a later paginator takes as its
 * StartingToken.
 *
 *   awsc_page_iterator *p;
 *   awsc_paginator_config cfg = AWSC_PAGINATOR_CONFIG_INIT;
 *   cfg.page_size = 100;
 *   if (awsc_paginator_new(&p, s3, "list_objects_v2",
 *                          "{\"Bucket\":\"my-bucket\"}", &cfg, &err) == 0) {
 *     char *item;
 *     while ((rc = awsc_paginator_next_item_json(&item, p, &err)) == 0 &&
 *            item) {
 *       puts(item);              // {"Key":"a.txt","Size":3,...}
 *       awsc_mem_free(item);
 *     }
 *     awsc_paginator_free(p);
 *   }
 *
 * A page iterator is used by one thread at a time (the client under it may
 * be shared). It holds a reference on its client.
 */
#ifndef AWSC_PAGINATOR_H
#define AWSC_PAGINATOR_H

#include "awsc/client.h"
#include "awsc/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* boto3's PageIterator: one pagination run over one operation. */
typedef struct awsc_page_iterator awsc_page_iterator;

/* boto3's PaginationConfig. Zero / NULL fields mean "not given". */
typedef struct awsc_paginator_config {
  int version; /* AWSC_PAGINATOR_CONFIG_VERSION, else AWSC_EINVAL */
  /* MaxItems: stop after this many items of the primary result key (the
   * first result_key), truncating the last page; awsc_paginator_resume_token
   * then tells where to go on. 0 = no limit; negative is AWSC_EINVAL. */
  int64_t max_items;
  /* PageSize: sent as the operation's limit key (MaxKeys, MaxResults...).
   * 0 = the service's default. AWSC_EINVAL if the operation has no limit
   * key. */
  int64_t page_size;
  /* StartingToken: a resume token from an earlier run, or a raw service
   * token (botocore's old "a___b___n" form is accepted too). NULL = the
   * start (or whatever token the input JSON itself carries). */
  const char *starting_token;
  /* What awsc_paginator_next_item_json walks: a JMESPath expression
   * evaluated on each page, as boto3's PageIterator.search(). NULL = the
   * primary result key (e.g. "Contents" for ListObjectsV2). */
  const char *item_expression;
} awsc_paginator_config;

#define AWSC_PAGINATOR_CONFIG_VERSION 1
#define AWSC_PAGINATOR_CONFIG_INIT                                             \
  { AWSC_PAGINATOR_CONFIG_VERSION, 0, 0, NULL, NULL }

/* Whether the client's model has a paginator for this operation
 * ("list_objects_v2" or "ListObjectsV2"): 1 or 0. */
AWSC_API int awsc_client_can_paginate(const awsc_client *client,
                                      const char *operation);

/*
 * Start a pagination run. `input_json` is the operation's boto3-shaped
 * parameters (NULL or "" = {}), validated now as awsc_call_json would;
 * `config` may be NULL (all defaults). Nothing is sent until the first
 * next_* call. *out is the caller's: release it with awsc_paginator_free.
 * Errors: AWSC_ENOTFOUND (no such operation, or it does not paginate),
 * AWSC_EVALIDATION (bad parameters), AWSC_EINVAL (bad config: negative
 * numbers, PageSize without a limit key, "Bad starting token: ...", an
 * item_expression that does not compile), AWSC_EUNSUPPORTED (a starting
 * token holding binary values), AWSC_ENOMEM.
 */
AWSC_API int awsc_paginator_new(awsc_page_iterator **out, awsc_client *client,
                                const char *operation, const char *input_json,
                                const awsc_paginator_config *config,
                                awsc_error *err);

/*
 * The next page: *page_json is the response as awsc_call_json returns it
 * (with ResponseMetadata), after MaxItems / StartingToken truncation;
 * free it with awsc_mem_free. At the end returns 0 with *page_json NULL
 * (and keeps doing so).
 * Errors: whatever the call returns (AWSC_ESERVICE, AWSC_ENETWORK, ...),
 * and AWSC_EPARSE ("The same next token was received twice: ...") when
 * the service repeats a token, as botocore's PaginationError; the error
 * comes on the call after the page that carried the repeated token. After
 * an error every further call returns the same error.
 */
AWSC_API int awsc_paginator_next_page_json(char **page_json,
                                           awsc_page_iterator *p,
                                           awsc_error *err);

/*
 * The next item across pages (of the primary result key, or of
 * item_expression: a list result gives its items one by one, anything
 * else, null included, is one item as boto3's search() yields it). Pages
 * are fetched as needed. *item_json: free with awsc_mem_free; NULL (and 0
 * returned) at the end. Errors as awsc_paginator_next_page_json. Mixing
 * the two calls is allowed: next_page_json skips the items of the current
 * page not walked yet.
 */
AWSC_API int awsc_paginator_next_item_json(char **item_json,
                                           awsc_page_iterator *p,
                                           awsc_error *err);

/*
 * boto3's build_full_result(): runs the remaining pages (call it on a new
 * iterator for the whole result) and merges them: each result key's lists
 * concatenated (numbers added, strings joined), the non-aggregate keys of
 * the first page (e.g. Prefix, RequestCharged; null when the page did not
 * carry them, as boto3's None), and "NextToken" (the resume token) when
 * MaxItems cut the run short. No ResponseMetadata. *json: free with
 * awsc_mem_free. Errors as awsc_paginator_next_page_json.
 */
AWSC_API int awsc_paginator_build_full_result_json(char **json,
                                                   awsc_page_iterator *p,
                                                   awsc_error *err);

/*
 * boto3's PageIterator.resume_token: set once MaxItems stopped the run
 * before the service's last page (base64 of JSON such as
 * {"ContinuationToken": "...", "boto_truncate_amount": 2}); pass it as
 * the starting_token of a new run to get exactly the remaining items.
 * NULL when there is none. Borrowed: valid until the iterator is freed.
 */
AWSC_API const char *awsc_paginator_resume_token(const awsc_page_iterator *p);

/* Release an iterator (and its client reference); NULL is a no-op. */
AWSC_API void awsc_paginator_free(awsc_page_iterator *p);

#ifdef __cplusplus
}
#endif

#endif
