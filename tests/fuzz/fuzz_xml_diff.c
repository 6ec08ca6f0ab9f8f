/*
 * libFuzzer target: our XML scanner (lib/protocols/parse_xml_scan.c)
 * against expat, differentially. For any input both must give the same
 * start / text / end events and attributes, or both refuse, or the
 * scanner declines before its first event (then parse_xml.c runs expat
 * alone); see xml_diff.h. A difference prints both event streams and
 * aborts, so libFuzzer keeps the input as a crash file.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "xml_diff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char why[512];
  int rc = xml_diff_check((const char *)data, size, why, sizeof(why));
  if (rc > 0) {
    fprintf(stderr, "scanner/expat difference: %s\n", why);
    abort();
  }
  return 0;
}
