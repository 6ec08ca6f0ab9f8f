/*
 * generate_presigned_url with the parameters as a generated request
 * struct: the struct becomes a value through the descriptors (typed.c)
 * and takes the JSON form's path from there (presign.c).
 */
#include "awsc/presign.h"
#include "client/client_internal.h"
#include "client/presign_internal.h"
#include "client/typed.h"

int awsc_generate_presigned_url_typed(char **url_out, awsc_client *c,
                                      const char *operation, const void *input,
                                      const awsc_presign_options *options,
                                      awsc_error *err) {
  if (!url_out || !c || !operation)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_generate_presigned_url_typed: NULL argument");
  *url_out = NULL;
  /* an older header's (smaller) version is fine; a newer one's may carry
   * fields this library does not know */
  if (options && (options->version <= 0 ||
                  options->version > AWSC_PRESIGN_OPTIONS_VERSION))
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_presign_options.version is %d, expected "
                          "1..%d (start from AWSC_PRESIGN_OPTIONS_INIT)",
                          options->version, AWSC_PRESIGN_OPTIONS_VERSION);
  const awsc_operation *op = awsc_service_find_operation(c->svc, operation);
  if (!op)
    return awsc_error_set(err, AWSC_ENOTFOUND, AWSC_ERROR_VALIDATION,
                          "Operation %s not found in service %s", operation,
                          c->svc->service_id ? c->svc->service_id : "?");
  /* the struct layout comes from the generated descriptors; a model read
   * at run time has none, and reading `input` without it would be blind */
  if (op->input && op->input->member_count && !op->input->c_size)
    return awsc_error_set(err, AWSC_EUNSUPPORTED, AWSC_ERROR_VALIDATION,
                          "awsc_generate_presigned_url_typed needs a client "
                          "of a built-in service (this one's model was read "
                          "at run time: use awsc_generate_presigned_url)");
  awsc_arena *a = awsc_arena_new(8192);
  if (!a)
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  awsc_value in = {0};
  int rc = 0;
  if (op->input)
    rc = awsc_typed_to_value(op->input, input, a, &in, err);
  if (!rc)
    rc = awsc_presign_value(
        url_out, c, op, op->input ? &in : NULL, a,
        (options && options->expires_in) ? options->expires_in : 3600, err);
  awsc_arena_free(a);
  return rc;
}
