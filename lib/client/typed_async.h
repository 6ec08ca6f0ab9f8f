/*
 * lib/client/typed_async.h - internal: the typed door's asynchronous form,
 * called by the generated awsc_<service>_<operation>_async wrappers
 * (pipeline_async.c).
 */
#ifndef AWSC_CLIENT_TYPED_ASYNC_H
#define AWSC_CLIENT_TYPED_ASYNC_H

#include "awsc/loop.h"
#include "runtime/descriptor.h"

/* awsc_invoke_typed on a loop: `op` is the generated descriptor (its
 * shapes carry the C layout); done gets the output struct. Returns as
 * awsc_call_json_async. */
int awsc_invoke_typed_async(awsc_request **request, awsc_loop *loop,
                            awsc_client *client, const awsc_service *svc,
                            const awsc_operation *op, const void *input,
                            awsc_typed_done_fn done, void *user_data,
                            awsc_error *err);

/* The same with a sink for a streaming output payload (NULL: memory, in
 * the output) and awsc_invoke_typed_ex's flags (client/typed.h), for the
 * managed transfers' parts. */
int awsc_invoke_typed_async_ex(awsc_request **request, awsc_loop *loop,
                               awsc_client *client, const awsc_service *svc,
                               const awsc_operation *op, const void *input,
                               const awsc_body_sink *sink, unsigned flags,
                               awsc_typed_done_fn done, void *user_data,
                               awsc_error *err);

#endif
