/*
 * lib/client/paginate_internal.h - internal: what paginate.c and waiter.c
 * share with the generic JSON door (call_json.c).
 */
#ifndef AWSC_CLIENT_PAGINATE_INTERNAL_H
#define AWSC_CLIENT_PAGINATE_INTERNAL_H

#include "client/client_internal.h"

/* call_json.c: append "ResponseMetadata":{...} as awsc_call_json does. */
int awsc_response_metadata_json(awsc_buf *b, const awsc_response_metadata *m);

/* Boto3-shaped parameters (NULL or "" = {}) -> the operation's input value
 * in `arena`, validated as awsc_call_json validates them; *out is a MAP
 * (empty for operations without input). 0, AWSC_EVALIDATION, AWSC_ENOMEM. */
int awsc_client_input_from_json(const awsc_operation *op, const char *json,
                                awsc_arena *arena, awsc_value *out,
                                awsc_error *err);

/* ---- edits of parsed values (paginate_values.c); all memory in the
 * arena, the values edited in place are copied, never the originals ---- */
/* Deep copy (strings, lists, maps; a stream becomes null). */
int awsc_value_clone(awsc_arena *a, const awsc_value *v, awsc_value *out);
/* m[key] = v (replaced in place, else appended); a non-map m becomes {}. */
int awsc_value_map_put(awsc_arena *a, awsc_value *m, const char *key,
                       size_t klen, const awsc_value *v);
/* botocore's set_value_from_jmespath: "a.b.c" = v, missing levels made
 * as {}. AWSC_EINVAL for an empty key part, AWSC_ENOMEM. */
int awsc_value_set_path(awsc_arena *a, awsc_value *m, const char *path,
                        const awsc_value *v);
/* botocore's merge_dicts(dst, src): nested maps merged, the rest set. */
int awsc_value_merge(awsc_arena *a, awsc_value *dst, const awsc_value *src);

/* One result key merged across pages as build_full_result does: lists
 * concatenated, numbers added, strings joined (deep copies in `a`). */
typedef struct awsc_value_acc {
  bool set;
  uint32_t order; /* when it was first set: the key order of the result */
  awsc_value v;   /* LIST: items[0..n) of a growing array */
  size_t cap;
} awsc_value_acc;
/* Add a page's value r (null: nothing); *order numbers first sets. */
int awsc_value_accumulate(awsc_arena *a, awsc_value_acc *m, const awsc_value *r,
                          uint32_t *order);

/* ---- tokens (paginate_token.c) ---- */
/* json.dumps(value) as Python writes it (", " and ": " separators,
 * ensure_ascii): the form in which the paginator keeps token values.
 * 0, AWSC_ENOMEM, or AWSC_EUNSUPPORTED for blobs (botocore's
 * boto_encoded_keys). */
int awsc_pyjson_dump(awsc_buf *b, const awsc_value *v);
/* botocore's resume token: base64 of {"name": text-or-null, ...} plus
 * "boto_truncate_amount": truncate when truncate >= 0. *out: awsc_free.
 * texts[i] is JSON text from awsc_pyjson_dump or NULL (None). */
int awsc_resume_token_encode(char **out, const char *const *names,
                             char *const *texts, size_t n, int64_t truncate);
/* A StartingToken back into texts[n] (awsc_malloc'd JSON texts, NULL =
 * None; the caller frees them) and the truncation index (0 if none): the
 * base64 JSON form, else botocore's old "a___b___index" form, else the
 * token itself as the first input token's value. AWSC_EINVAL "Bad
 * starting token: ...", AWSC_EUNSUPPORTED, AWSC_ENOMEM. */
int awsc_starting_token_decode(const char *token, const char *const *names,
                               size_t n, char **texts, int64_t *index,
                               awsc_error *err);

#endif
