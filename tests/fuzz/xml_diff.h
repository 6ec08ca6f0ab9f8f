/*
 * tests/fuzz/xml_diff.h - the differential check of our XML scanner
 * (lib/protocols/parse_xml_scan.c) against expat, shared by the libFuzzer
 * target fuzz_xml_diff.c and the corpus replay run as a meson test.
 */
#ifndef AWSC_TESTS_XML_DIFF_H
#define AWSC_TESTS_XML_DIFF_H

#include <stddef.h>

/* Runs both tokenizers on doc[0..n) and applies the contract parse_xml.c
 * relies on:
 *   - scanner accepts  -> expat accepts with the same events;
 *   - scanner declines -> it emitted no event (expat then runs alone);
 *   - scanner refuses  -> expat refuses too.
 * One deliberate exception is not checked for: the scanner refuses
 * nesting deeper than 65536 elements, which expat accepts; libFuzzer's
 * inputs are far too short to reach it, and parse_xml.c stops at 512.
 * Returns 0 when that holds, 1 on a difference (described in why[],
 * NUL-terminated, cut to why_size), -1 when out of memory. */
int xml_diff_check(const char *doc, size_t n, char *why, size_t why_size);

#endif
