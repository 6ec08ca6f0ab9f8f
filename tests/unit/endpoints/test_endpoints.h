/* tests/unit/endpoints/test_endpoints.h - shared by the two test files. */
#ifndef AWSC_TEST_ENDPOINTS_H
#define AWSC_TEST_ENDPOINTS_H

extern const char *g_models_dir; /* the models/ folder (argv[1]) */
void run_engine_tests(void);

#endif
