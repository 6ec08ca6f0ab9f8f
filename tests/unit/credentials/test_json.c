/*
 * tests/unit/credentials/test_json.c - the flat JSON picker (the reader fed
 * from a pre-sized pool), the credential_process reply parser, and the small
 * message / buffer helpers; every allocation failed in turn.
 */
#include <stdio.h>
#include <string.h>

#include "creds_test_util.h"

/* ---- JSON picking ---- */

static void test_json_pick(void) {
  awsc_json_field f[4] = {{"A", 0, NULL, 0},
                          {"B", 0, NULL, 0},
                          {"C", 0, NULL, 0},
                          {"D", 0, NULL, 0}};
  const char *doc = "{\"A\": \"x\\\"y\", \"N\": {\"B\": \"inner\"}, "
                    "\"B\": 12.5e1, \"C\": null, \"A2\": [1,{\"A\":3}], "
                    "\"D\": true, \"A\": \"last\"}";
  CHECK_INT(awsc_json_pick(doc, strlen(doc), f, 4, NULL), 0);
  CHECK_INT(f[0].type, AWSC_JSON_STRING);
  CHECK_STR(f[0].value, "last");
  CHECK_INT(f[1].type, AWSC_JSON_NUMBER);
  CHECK_STR(f[1].value, "12.5e1");
  CHECK_INT(f[2].type, AWSC_JSON_NULL);
  CHECK(f[2].value == NULL);
  CHECK_INT(f[3].type, AWSC_JSON_OTHER);
  awsc_json_fields_cleanup(f, 4);

  const char *nested = "{\"A\": {\"x\": 1}}";
  CHECK_INT(awsc_json_pick(nested, strlen(nested), f, 4, NULL), 0);
  CHECK_INT(f[0].type, AWSC_JSON_OTHER);
  CHECK_INT(f[1].type, AWSC_JSON_ABSENT);
  awsc_json_fields_cleanup(f, 4);

  static const char *const bad[] = {"",
                                    "[1,2]",
                                    "\"str\"",
                                    "42",
                                    "{\"A\": 1",
                                    "{\"A\": 1} x",
                                    "{\"A\": 1}{\"B\": 2}",
                                    "{A: 1}",
                                    "{\"SecretAccessKey\": \"" T_SECRET
                                    "\", oops}"};
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    awsc_error err = AWSC_ERROR_INIT;
    int rc = awsc_json_pick(bad[i], strlen(bad[i]), f, 4, &err);
    if (rc != AWSC_EPARSE)
      fprintf(stderr, "json case %zu: rc %d\n", i, rc);
    CHECK_INT(rc, AWSC_EPARSE);
    CHECK(no_secret(err.message));
    CHECK(err.message[0] != '\0');
    awsc_json_fields_cleanup(f, 4);
  }
}

/* ---- credential_process replies ---- */

static void test_process_parse_good(void) {
  char exp[32];
  iso_in(3600 * 1000LL, exp);
  char doc[512];
  snprintf(doc, sizeof(doc),
           "{\"Version\": 1, \"AccessKeyId\": \"" T_AKID "\", "
           "\"SecretAccessKey\": \"" T_SECRET "\", \"SessionToken\": \"" T_TOKEN
           "\", \"Expiration\": \"%s\", \"Extra\": [1, 2]}",
           exp);
  awsc_credentials *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_credential_process_parse(doc, strlen(doc), &c, &err), 0);
  CHECK_STR(awsc_credentials_access_key_id(c), T_AKID);
  CHECK_STR(awsc_credentials_secret_access_key(c), T_SECRET);
  CHECK_STR(awsc_credentials_session_token(c), T_TOKEN);
  CHECK_STR(awsc_credentials_source(c), "custom-process");
  int64_t want = awsc_time_now_ms() + 3600 * 1000LL;
  CHECK(awsc_credentials_expiration_ms(c) > want - 5000 &&
        awsc_credentials_expiration_ms(c) < want + 5000);
  awsc_credentials_free(c);

  const char *min = "{\"Version\": 1.0, \"AccessKeyId\": \"" T_AKID
                    "\", \"SecretAccessKey\": \"" T_SECRET
                    "\", \"SessionToken\": null, \"Expiration\": null}";
  CHECK_INT(awsc_credential_process_parse(min, strlen(min), &c, &err), 0);
  CHECK(awsc_credentials_session_token(c) == NULL);
  CHECK_INT(awsc_credentials_expiration_ms(c), 0);
  awsc_credentials_free(c);
}

static void test_process_parse_errors(void) {
  static const struct {
    const char *doc;
    const char *want;
  } cases[] = {
      {"{\"Version\": 2, \"AccessKeyId\": \"a\", \"SecretAccessKey\": "
       "\"" T_SECRET "\"}",
       "Unsupported version '2' for credential process provider, supported "
       "versions: 1"},
      {"{\"AccessKeyId\": \"a\", \"SecretAccessKey\": \"" T_SECRET "\"}",
       "Unsupported version '<Version key not provided>'"},
      {"{\"Version\": \"1\", \"AccessKeyId\": \"a\", \"SecretAccessKey\": "
       "\"" T_SECRET "\"}",
       "Unsupported version '1'"},
      {"{\"Version\": 1, \"AccessKeyId\": \"a\"}",
       "Missing required key in response: 'SecretAccessKey'"},
      {"{\"Version\": 1, \"SecretAccessKey\": \"" T_SECRET "\"}",
       "Missing required key in response: 'AccessKeyId'"},
      {"{\"Version\": 1, \"AccessKeyId\": 5, \"SecretAccessKey\": \"" T_SECRET
       "\"}",
       "'AccessKeyId' in response is not a non-empty string"},
      {"{\"Version\": 1, \"AccessKeyId\": \"a\", \"SecretAccessKey\": "
       "\"" T_SECRET "\", \"Expiration\": \"tomorrow\"}",
       "Expiration 'tomorrow' is not an ISO 8601 time"},
      {"{\"Version\": 1, \"AccessKeyId\": \"a\", \"SecretAccessKey\": "
       "\"" T_SECRET "\", \"SessionToken\": 7}",
       "'SessionToken' in response is not a string"},
      {"not json " T_SECRET, "not a JSON object"},
      {"{\"Version\": 1, \"AccessKeyId\": \"a\", \"SecretAccessKey\": "
       "\"" T_SECRET "\"",
       "not a JSON object"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    awsc_credentials *c = (awsc_credentials *)1;
    awsc_error err = AWSC_ERROR_INIT;
    int rc = awsc_credential_process_parse(cases[i].doc, strlen(cases[i].doc),
                                           &c, &err);
    CHECK_INT(rc, AWSC_ECREDENTIALS);
    CHECK(c == NULL);
    const char *want = cases[i].want ? cases[i].want : "";
    if (!strstr(err.message, want))
      fprintf(stderr, "case %zu: message '%s' lacks '%s'\n", i, err.message,
              want);
    CHECK(strstr(err.message, want) != NULL);
    CHECK(strstr(err.message, "Error when retrieving credentials from "
                              "custom-process: ") == err.message);
    CHECK(no_secret(err.message));
    CHECK_INT(err.kind, AWSC_ERROR_CREDENTIALS);
  }
  CHECK_INT(awsc_credential_process_parse("{}", 2, NULL, NULL), AWSC_EINVAL);
}

/* Fail each allocation in turn: never a crash or a leak, and ENOMEM is
 * reported (not a misleading parse error). */
static void test_process_parse_oom(void) {
  const char *doc = "{\"Version\": 1, \"AccessKeyId\": \"" T_AKID
                    "\", \"SecretAccessKey\": \"" T_SECRET
                    "\", \"SessionToken\": \"" T_TOKEN "\"}";
  int64_t live = test_alloc_live();
  int failures_seen = 0;
  for (uint64_t n = 1; n < 200; n++) {
    awsc_credentials *c = NULL;
    test_alloc_fail_at(n);
    int rc = awsc_credential_process_parse(doc, strlen(doc), &c, NULL);
    int fired = test_alloc_failure_fired();
    test_alloc_fail_at(0);
    if (!fired) {
      CHECK_INT(rc, 0);
      awsc_credentials_free(c);
      break;
    }
    failures_seen++;
    CHECK_INT(rc, AWSC_ENOMEM);
    CHECK(c == NULL);
    awsc_credentials_free(c);
  }
  CHECK(failures_seen > 2);
  CHECK_INT(test_alloc_live(), live);
}

/* Documents that make the reader grow its scratch (long escaped strings, a
 * token cut off by the end, deep nesting): every allocation failure is
 * reported as ENOMEM and nothing leaks. */
static void test_json_pick_tricky_oom(void) {
  static char docs[4][70000];
  char *p = docs[0];
  p += sprintf(p, "{\"A\": \"");
  for (int i = 0; i < 6000; i++)
    p += sprintf(p, "\\u00e9\\n");
  sprintf(p, "\", \"B\": 1}");
  p = docs[1];
  p += sprintf(p, "{\"A\": 1");
  memset(p, '7', 60000);
  p[60000] = '\0';
  p = docs[2];
  p += sprintf(p, "{\"A\": \"");
  memset(p, 'x', 60000);
  p[60000] = '\0';
  p = docs[3];
  p += sprintf(p, "{\"A\": ");
  for (int i = 0; i < 62; i++)
    *p++ = '[';
  for (int i = 0; i < 62; i++)
    *p++ = ']';
  sprintf(p, ", \"B\": \"ok\"}");
  static const int want[4] = {0, AWSC_EPARSE, AWSC_EPARSE, 0};
  int64_t live = test_alloc_live();
  for (int d = 0; d < 4; d++) {
    for (uint64_t n = 1; n < 50; n++) {
      awsc_json_field f[2] = {{"A", 0, NULL, 0}, {"B", 0, NULL, 0}};
      test_alloc_fail_at(n);
      int rc = awsc_json_pick(docs[d], strlen(docs[d]), f, 2, NULL);
      int fired = test_alloc_failure_fired();
      test_alloc_fail_at(0);
      awsc_json_fields_cleanup(f, 2);
      if (!fired) {
        CHECK_INT(rc, want[d]);
        break;
      }
      CHECK_INT(rc, AWSC_ENOMEM);
    }
  }
  CHECK_INT(test_alloc_live(), live);
  /* the reader was served from the pool alone: one block for it, one per
   * picked value. */
  for (int d = 0; d < 4; d++) {
    awsc_json_field f[2] = {{"A", 0, NULL, 0}, {"B", 0, NULL, 0}};
    uint64_t before = test_alloc_count();
    awsc_json_pick(docs[d], strlen(docs[d]), f, 2, NULL);
    uint64_t used = test_alloc_count() - before;
    awsc_json_fields_cleanup(f, 2);
    static const uint64_t want_allocs[4] = {3, 2, 1, 2};
    if (used != want_allocs[d])
      fprintf(stderr, "doc %d: %llu allocations\n", d,
              (unsigned long long)used);
    CHECK_INT(used, want_allocs[d]);
  }
  /* Depth 65 is refused before yajl runs. */
  char deep[200] = "{\"A\": ";
  size_t k = strlen(deep);
  for (int i = 0; i < 64; i++)
    deep[k++] = '[';
  deep[k] = '\0';
  awsc_json_field f = {"A", 0, NULL, 0};
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_json_pick(deep, strlen(deep), &f, 1, &err), AWSC_EPARSE);
  CHECK(strstr(err.message, "nested deeper than 64") != NULL);
}

static void test_helpers(void) {
  char out[16];
  awsc_creds_first_line("  hello\tworld\nsecond", 20, out, sizeof(out));
  CHECK_STR(out, "hello?world");
  awsc_creds_first_line("abcdefghijklmnopqrstuvwxyz", 26, out, sizeof(out));
  CHECK_STR(out, "abcdefghijklmno");
  awsc_creds_first_line("", 0, out, sizeof(out));
  CHECK_STR(out, "");
  CHECK(awsc_creds_is_true("TRUE"));
  CHECK(awsc_creds_is_true("true"));
  CHECK(!awsc_creds_is_true("1"));
  CHECK(!awsc_creds_is_true(NULL));
  awsc_buf b = AWSC_BUF_INIT;
  for (int i = 0; i < 100; i++)
    CHECK_INT(awsc_buf_append_secret(&b, "0123456789", 10), 0);
  CHECK_INT(b.len, 1000);
  CHECK(b.p[1000] == '\0');
  CHECK(memcmp(b.p + 990, "0123456789", 10) == 0);
  awsc_buf_free_secret(&b);
  CHECK(b.p == NULL);
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_creds_error(&err, "x", "n=%d", 3), AWSC_ECREDENTIALS);
  CHECK_STR(err.message, "Error when retrieving credentials from x: n=3");
}

static void test_no_leaks(void) {
  CHECK_INT(test_alloc_live(), 0);
}

int main(void) {
  test_alloc_install();
  RUN(test_json_pick);
  RUN(test_json_pick_tricky_oom);
  RUN(test_process_parse_good);
  RUN(test_process_parse_errors);
  RUN(test_process_parse_oom);
  RUN(test_helpers);
  RUN(test_no_leaks);
  return test_summary();
}
