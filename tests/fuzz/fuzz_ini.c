/*
 * libFuzzer target: the INI parser of the shared config files. The bytes
 * are handed over as (ptr, len) with no terminator, so ASan catches any
 * read past the end. Besides "no crash, no leak" it checks what the parser
 * promises: every listed section is found again by name, errors say
 * "FILE:LINE: ...".
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  awsc_ini *ini = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = awsc_ini_parse(&ini, (const char *)data, size, "fuzz.ini", &err);
  if (rc != 0) {
    if (ini ||
        (rc == AWSC_ECONFIG && strncmp(err.message, "fuzz.ini:", 9) != 0))
      abort();
    return 0;
  }
  size_t n = awsc_ini_section_count(ini);
  for (size_t i = 0; i < n; i++) {
    const char *name = awsc_ini_section_name(ini, i);
    if (!name || !awsc_ini_has_section(ini, name))
      abort();
    /* Walk the lookups the config view makes. */
    (void)awsc_ini_get(ini, name, "region");
    (void)awsc_ini_get_sub(ini, name, "s3", "addressing_style");
    (void)awsc_ini_has_key(ini, name, "services");
  }
  if (awsc_ini_section_name(ini, n) != NULL)
    abort();
  awsc_ini_free(ini);
  return 0;
}
