/*
 * tests/fuzz/fuzz_credential_process.c - libFuzzer target for the
 * credential_process reply parser (awsc_credential_process_parse, built on
 * the yajl-backed flat JSON picker of lib/credentials/credentials.c).
 *
 * Beyond "no crash, no leak, no sanitizer report" it checks two
 * invariants: a success yields a complete snapshot, and a failure's
 * message never quotes the SecretAccessKey found in the input.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "credentials/credentials_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *text = (const char *)data;
  awsc_credentials *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = awsc_credential_process_parse(text, size, &c, &err);
  if (rc == AWSC_OK) {
    const char *ak = awsc_credentials_access_key_id(c);
    const char *sk = awsc_credentials_secret_access_key(c);
    if (!c || !ak || !*ak || !sk || !*sk ||
        strcmp(awsc_credentials_source(c), "custom-process") != 0 ||
        awsc_credentials_expiration_ms(c) < 0)
      __builtin_trap();
    awsc_credentials_free(c);
    return 0;
  }
  if (c || err.code != rc || !err.message[0])
    __builtin_trap();
  /* Look up the secret the input carried, if any, and make sure the error
   * text does not repeat it. Only secrets shaped like real ones count (12+
   * bytes with a '/'): the fixed wording of the messages has no '/', so a
   * short or plain-word "secret" could match it by chance. */
  awsc_json_field f = {"SecretAccessKey", AWSC_JSON_ABSENT, NULL, 0};
  if (awsc_json_pick(text, size, &f, 1, NULL) == AWSC_OK &&
      f.type == AWSC_JSON_STRING && f.len >= 12 && strlen(f.value) == f.len &&
      strchr(f.value, '/') && strstr(err.message, f.value))
    __builtin_trap();
  awsc_json_fields_cleanup(&f, 1);
  return 0;
}
