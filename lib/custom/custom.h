/*
 * lib/custom/custom.h - internal: the service customisations (hook tables,
 * runtime/descriptor.h awsc_service_hooks) of the services that need more
 * than their model. This module sits above lib/client, lib/protocols and
 * lib/endpoints and may call them; they reach it only through the hook
 * table of a service descriptor.
 *
 * Which descriptor gets which table: codegen/gen.py SERVICE_HOOKS (keyed
 * by service id) for the built-in services, and the registry's
 * awsc_builtin_hooks (generated from the same map) for models loaded at
 * run time.
 */
#ifndef AWSC_CUSTOM_H
#define AWSC_CUSTOM_H

#include "client/client_internal.h"
#include "runtime/jtree.h"

/* S3 (s3.c, s3_input.c): botocore's S3 handlers. */
extern const awsc_service_hooks awsc_s3_hooks;
/* S3 Control (s3.c): S3's signing rules only. */
extern const awsc_service_hooks awsc_s3control_hooks;
/* SQS (sqs.c): the message MD5 checks and the long-poll read timeout. */
extern const awsc_service_hooks awsc_sqs_hooks;

/* s3_input.c: the input as botocore's S3 handlers leave it (prepare
 * input hook): the bucket name checked (AWSC_EVALIDATION),
 * LocationConstraint of CreateBucket outside us-east-1, CopySource
 * percent-encoded, EncodingType=url on listings, SSE-C keys encoded. */
int awsc_custom_s3_prepare_input(awsc_client *c, awsc_call *call,
                                 const awsc_value **in, awsc_error *err);
/* The JSON door's CopySource given as {"Bucket", "Key", "VersionId"}
 * (json_input hook). */
int awsc_custom_s3_json_input(const awsc_operation *op, awsc_jnode *root,
                              awsc_arena *tmp, bool *encoded, awsc_error *err);
/* After parsing a listing asked with EncodingType=url by the client
 * itself: URL-decode the keys, prefixes and markers in place. */
void awsc_custom_s3_decode_listing(const awsc_call *call, awsc_value *out);

#endif
