/*
 * awsc/types.h - value types shared by the generated service headers.
 */
#ifndef AWSC_TYPES_H
#define AWSC_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "awsc/body.h"
#include "awsc/client.h"
#include "awsc/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bytes: a blob member. Present when data is non-NULL. */
typedef struct awsc_blob {
  const void *data;
  size_t len;
} awsc_blob;

/* A list whose elements are themselves lists or maps (rare in models):
 * items points to `count` elements of the inner element type. */
typedef struct awsc_list {
  const void *items;
  size_t count;
} awsc_list;

/* Input or output of an operation that has none. */
typedef struct awsc_empty {
  char reserved_;
} awsc_empty;

/* The ResponseMetadata of an output (RequestId, HostId, HTTPStatusCode,
 * HTTPHeaders, RetryAttempts). Borrowed: lives as long as the output. */
AWSC_API const awsc_response_metadata *awsc_output_metadata(const void *output);

#ifdef __cplusplus
}
#endif

#endif
