/*
 * lib/client/typed.h - internal: the typed door into the engine. The
 * generated per-operation functions call awsc_invoke_typed, which turns
 * the caller's C struct into a value (using the descriptors' offsets),
 * runs the pipeline and turns the output value into a C struct living in
 * one arena.
 */
#ifndef AWSC_CLIENT_TYPED_H
#define AWSC_CLIENT_TYPED_H

#include "awsc/client.h"
#include "awsc/types.h"
#include "runtime/descriptor.h"
#include "runtime/value.h"

int awsc_invoke_typed(void **output, awsc_client *client,
                      const awsc_service *svc, const awsc_operation *op,
                      const void *input, const awsc_body_sink *sink,
                      awsc_error *err);

/* awsc_invoke_typed with flags: AWSC_TYPED_COPY_SOURCE_ENCODED = the S3
 * CopySource is already percent-encoded (the transfer layer builds it as
 * botocore does from {Bucket, Key, VersionId}). */
enum { AWSC_TYPED_COPY_SOURCE_ENCODED = 1u << 0 };
int awsc_invoke_typed_ex(void **output, awsc_client *client,
                         const awsc_service *svc, const awsc_operation *op,
                         const void *input, const awsc_body_sink *sink,
                         unsigned flags, awsc_error *err);

/* A typed output in `arena`: the output header (arena, metadata) and the
 * struct of shape `os` (NULL: awsc_empty) filled from `v`, in one block.
 * On success the output owns the arena (awsc_mem_free frees it). `v` must
 * live in that arena (its strings and blobs are referenced, not copied;
 * static text is fine too). */
int awsc_typed_output_make(void **output, const awsc_shape *os,
                           const awsc_value *v,
                           const awsc_response_metadata *meta,
                           awsc_arena *arena);

/* The same in two steps, for a call that may fill the struct itself
 * (awsc_call.typed_out): the zeroed struct of shape `os` (NULL:
 * awsc_empty) behind its output header in `arena`, or NULL (out of
 * memory); then the header completed, and the struct filled from `v`
 * unless v is NULL (filled already). */
void *awsc_typed_output_alloc(const awsc_shape *os, awsc_arena *arena);
int awsc_typed_output_finish(void **output, void *obj, const awsc_shape *os,
                             const awsc_value *v,
                             const awsc_response_metadata *meta,
                             awsc_arena *arena);

/* The typed paginators' runtime (lib/client/paginate.c): `op` is the
 * generated descriptor, whose input and output shapes carry the C
 * layout. */
typedef struct awsc_page_iterator awsc_page_iterator;
typedef struct awsc_paginator_config awsc_paginator_config;
int awsc_paginator_new_typed(awsc_page_iterator **out, awsc_client *client,
                             const awsc_service *svc, const awsc_operation *op,
                             const void *input,
                             const awsc_paginator_config *config,
                             awsc_error *err);
int awsc_paginator_next_page_typed(void **page, awsc_page_iterator *p,
                                   awsc_error *err);

/* The typed waiters' runtime (lib/client/waiter.c): `op` is the generated
 * descriptor of the waiter's operation (its input's C layout). */
typedef struct awsc_waiter_config awsc_waiter_config;
int awsc_client_wait_typed(awsc_client *client, const awsc_service *svc,
                           const char *waiter, const awsc_operation *op,
                           const void *input, const awsc_waiter_config *config,
                           awsc_error *err);

/* Struct -> value (input side). Checks required members recursively
 * (AWSC_EVALIDATION naming the member path). */
int awsc_typed_to_value(const awsc_shape *shape, const void *in,
                        awsc_arena *arena, awsc_value *out, awsc_error *err);
/* Value -> struct of shape->c_size bytes allocated in arena. */
int awsc_typed_from_value(const awsc_shape *shape, const awsc_value *v,
                          awsc_arena *arena, void **out);
/* The same, with the struct's strings pointing into v's (NUL-terminated)
 * strings instead of copies: for a v that lives at least as long as the
 * struct (e.g. in the same arena). */
int awsc_typed_from_value_ref(const awsc_shape *shape, const awsc_value *v,
                              awsc_arena *arena, void **out);

#endif
