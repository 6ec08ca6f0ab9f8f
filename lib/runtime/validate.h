/*
 * lib/runtime/validate.h - the one input validator: every door into the
 * engine (typed structs, the JSON call, presign, transfers, paginators,
 * waiters) checks its input value against the model here before anything
 * is serialized, so that a request the model forbids never leaves.
 */
#ifndef AWSC_RUNTIME_VALIDATE_H
#define AWSC_RUNTIME_VALIDATE_H

#include "runtime/descriptor.h"
#include "runtime/value.h"

/*
 * Check `v` (an input value, MAP for a structure) against `shape` as
 * botocore's ParamValidator does, plus what botocore only finds out later
 * (or never):
 *  - required members present;
 *  - min/max length of strings (in code points) and lists, min/max value
 *    of numbers; members bound to the host have an implicit min of 1;
 *  - value types as the shape says (a value built by hand may be wrong);
 *  - URI labels never empty (an empty Key would turn DELETE /bucket/key
 *    into DELETE /bucket);
 *  - strings are valid UTF-8 with no encoded surrogate;
 *  - header-bound values: no CR or LF in a header value, header names of a
 *    prefix map (S3 Metadata) made of token characters only;
 *  - a Content-Length header member equal to the length of an in-memory
 *    body (the input's payload);
 *  - enums of members that select behaviour (ChecksumAlgorithm,
 *    ChecksumMode: a value we do not know would silently skip the
 *    checksum) against the model's values, case-insensitively; other
 *    enums are not checked, as botocore does not (services add values).
 * Returns 0 or AWSC_EVALIDATION with err->message naming the parameter in
 * botocore's words ("Invalid length for parameter Key, value: 0, valid
 * min length: 1"). No allocation. A NULL shape accepts anything.
 */
int awsc_value_validate(const awsc_value *v, const awsc_shape *shape,
                        awsc_error *err);

#endif
