/* tests/unit/endpoints/test_endpoints.h - shared by the two test files. */
#ifndef AWSC_TEST_ENDPOINTS_H
#define AWSC_TEST_ENDPOINTS_H

#include <stddef.h>

#include "endpoints/endpoints.h"

#define S3_RULES "s3/2006-03-01/endpoint-rule-set-1.json"

extern const char *g_models_dir; /* the models/ folder (argv[1]) */
/* models/partitions.json, loaded once */
extern awsc_ep_partitions *g_parts;

/* A file under the models folder (malloc'd, NUL-terminated) or NULL. */
char *slurp(const char *rel, size_t *len);
/* A rule set under the models folder compiled with g_parts, or NULL. */
awsc_ep_ruleset *compile_model(const char *rel);

void run_engine_tests(void);
void run_robust_tests(void);

#endif
