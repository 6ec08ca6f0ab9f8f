/* Unit tests: log redaction and filtering, status texts, the error
 * record, versions and one-time init. */
#include <pthread.h>

#include "core/core.h"
#include "test.h"

/* ---- redaction ---- */

static void check_redact(const char *in, const char *want) {
  char buf[1024];
  awsc_strlcpy(buf, in, sizeof(buf));
  awsc_log_redact(buf);
  CHECK_STR(buf, want);
}

static void test_redact_markers(void) {
  check_redact("GET /?X-Amz-Signature=abcdef0123&X-Amz-Date=20150830T123600Z",
               "GET /?X-Amz-Signature=***&X-Amz-Date=20150830T123600Z");
  check_redact(
      "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/"
      "us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, "
      "Signature="
      "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
      "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/"
      "us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, "
      "Signature=***");
  check_redact("signature=deadbeef", "signature=***");
  check_redact("Authorization: Bearer tok.en.value1234\nHost: h",
               "Authorization: ***\nHost: h");
  check_redact("authorization:AWS AKIDEXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=",
               "authorization:***");
  check_redact("x-amz-security-token:FQoGZXIvYXdzEXAMPLE\nhost:example.com",
               "x-amz-security-token:***\nhost:example.com");
  check_redact("X-Amz-Security-Token: FQoGZXIvYXdzEXAMPLE\r\n",
               "X-Amz-Security-Token: ***\r\n");
  check_redact("?X-Amz-Security-Token=FQoGZXIv%2Fabc&X-Amz-Expires=60",
               "?X-Amz-Security-Token=***&X-Amz-Expires=60");
  check_redact(
      "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      "aws_secret_access_key = ***");
  check_redact("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG env",
               "AWS_SECRET_ACCESS_KEY=*** env");
  check_redact("aws_session_token=FQoGZXIvYXdz", "aws_session_token=***");
  check_redact(
      "{\"AccessKeyId\":\"AKIDEXAMPLE\",\"SecretAccessKey\":\"wJalrXUt+/x\","
      "\"SessionToken\" : \"FQoGZXIvYXdz\",\"Token\":\"imdsTOKEN123\"}",
      "{\"AccessKeyId\":\"AKIDEXAMPLE\",\"SecretAccessKey\":\"***\","
      "\"SessionToken\" : \"***\",\"Token\":\"***\"}");
  check_redact("<SecretAccessKey>wJalrXUtnFEMI</SecretAccessKey>"
               "<SessionToken>FQoGZXIvYXdz</SessionToken>",
               "<SecretAccessKey>***</SecretAccessKey>"
               "<SessionToken>***</SessionToken>");
  check_redact("secretaccesskey: abcdef", "secretaccesskey: ***");
  /* Several on one line, each delimiter. */
  check_redact("Signature=aaaa,Signature=bbbb;Signature=cccc Signature=dddd\"x",
               "Signature=***,Signature=***;Signature=*** Signature=***\"x");
  /* Short values are masked without changing length. */
  check_redact("Signature=ab&x", "Signature=**&x");
  check_redact("Signature=&x", "Signature=&x");
  /* Prose naming a key, and non-secret neighbours, are left alone. */
  check_redact("missing SessionToken in response",
               "missing SessionToken in response");
  check_redact("SignedHeaders=host;x-amz-date",
               "SignedHeaders=host;x-amz-date");
  check_redact("aws_access_key_id = AKIDEXAMPLE",
               "aws_access_key_id = AKIDEXAMPLE");
  check_redact("", "");
  check_redact("Signature=", "Signature=");
  awsc_log_redact(NULL);
}

/* ---- logging ---- */

typedef struct capture {
  int calls;
  awsc_log_level last_level;
  char last[8192];
  size_t last_len;
} capture;

static void capture_fn(awsc_log_level level, const char *message, void *ud) {
  capture *c = ud;
  c->calls++;
  c->last_level = level;
  c->last_len = strlen(message);
  awsc_strlcpy(c->last, message, sizeof(c->last));
}

static void test_log_secret_never_reaches_sink(void) {
  /* Built at run time so the literal never appears whole in the binary's
   * format strings. */
  char secret[64];
  snprintf(secret, sizeof(secret), "%s%s", "wJalrXUtnFEMI/K7MDENG",
           "+bPxRfiCYFAKESECRET");
  capture c = {0};
  awsc_logger lg = {capture_fn, &c, AWSC_LOG_TRACE};
  static const char *const forms[] = {
      "Signature=%s",
      "X-Amz-Signature=%s&a=b",
      "x-amz-security-token: %s",
      "X-Amz-Security-Token=%s",
      "aws_secret_access_key=%s",
      "\"SecretAccessKey\": \"%s\"",
      "<SessionToken>%s</SessionToken>",
      "Authorization: Basic %s",
      "aws_session_token = %s\n",
  };
  for (size_t i = 0; i < AWSC_ARRAY_LEN(forms); i++) {
    int before = c.calls;
    awsc_log(&lg, AWSC_LOG_DEBUG, forms[i], secret);
    CHECK_INT(c.calls, before + 1);
    CHECK(strstr(c.last, "FAKESECRET") == NULL);
    CHECK(strstr(c.last, "wJalr") == NULL);
    CHECK(strstr(c.last, "***") != NULL);
  }
}

static void test_log_levels(void) {
  capture c = {0};
  awsc_logger lg = {capture_fn, &c, AWSC_LOG_WARN};
  awsc_log(&lg, AWSC_LOG_TRACE, "t");
  awsc_log(&lg, AWSC_LOG_DEBUG, "d");
  awsc_log(&lg, AWSC_LOG_INFO, "i");
  CHECK_INT(c.calls, 0);
  CHECK(!awsc_log_enabled(&lg, AWSC_LOG_INFO));
  CHECK(awsc_log_enabled(&lg, AWSC_LOG_WARN));
  awsc_log(&lg, AWSC_LOG_WARN, "w %d", 1);
  CHECK_INT(c.calls, 1);
  CHECK_STR(c.last, "w 1");
  CHECK_INT(c.last_level, AWSC_LOG_WARN);
  awsc_log(&lg, AWSC_LOG_ERROR, "e");
  CHECK_INT(c.calls, 2);
  CHECK_INT(c.last_level, AWSC_LOG_ERROR);
  /* OFF is not a level messages are logged at. */
  awsc_log(&lg, AWSC_LOG_OFF, "off");
  CHECK_INT(c.calls, 2);
  lg.level = AWSC_LOG_OFF;
  awsc_log(&lg, AWSC_LOG_ERROR, "e");
  CHECK_INT(c.calls, 2);
  CHECK(!awsc_log_enabled(&lg, AWSC_LOG_ERROR));
  lg.level = AWSC_LOG_TRACE;
  lg.fn = NULL;
  awsc_log(&lg, AWSC_LOG_ERROR, "e");
  CHECK(!awsc_log_enabled(&lg, AWSC_LOG_ERROR));
  awsc_log(NULL, AWSC_LOG_ERROR, "e");
  CHECK(!awsc_log_enabled(NULL, AWSC_LOG_ERROR));
  CHECK_INT(c.calls, 2);
}

static void test_log_one_line_and_long(void) {
  capture c = {0};
  awsc_logger lg = {capture_fn, &c, AWSC_LOG_TRACE};
  awsc_log(&lg, AWSC_LOG_INFO, "line one\nline two\r\n");
  CHECK_STR(c.last, "line one line two");
  /* Longer than the stack buffer: delivered whole, still redacted. */
  char pad[5001];
  memset(pad, 'p', 5000);
  pad[5000] = '\0';
  awsc_log(&lg, AWSC_LOG_INFO, "%s Signature=%s", pad, "0123456789abcdef");
  CHECK_INT(c.last_len, 5000 + strlen(" Signature=***"));
  CHECK(strstr(c.last, "0123456789abcdef") == NULL);
  CHECK(strcmp(c.last + 5000, " Signature=***") == 0);
}

/* ---- errors ---- */

static void test_strerror_all(void) {
  const char *seen[16];
  for (int code = 0; code >= AWSC_EBODY; code--) {
    const char *s = awsc_strerror(code);
    CHECK(s != NULL && s[0] != '\0');
    CHECK(strcmp(s, awsc_strerror(-999)) != 0);
    for (int k = 0; k < -code; k++)
      CHECK(strcmp(s, seen[k]) != 0); /* all distinct */
    seen[-code] = s;
  }
  CHECK(awsc_strerror(-999) != NULL && awsc_strerror(-999)[0]);
  CHECK(awsc_strerror(1) != NULL);
  for (int k = AWSC_ERROR_NONE; k <= AWSC_ERROR_INTERNAL; k++) {
    const char *s = awsc_error_kind_name((awsc_error_kind)k);
    CHECK(s != NULL && s[0] != '\0');
  }
  CHECK_STR(awsc_error_kind_name(AWSC_ERROR_SERVICE), "service");
  CHECK_STR(awsc_error_kind_name(AWSC_ERROR_NETWORK), "network");
  CHECK(awsc_error_kind_name((awsc_error_kind)99) != NULL);
}

static void test_error_set(void) {
  awsc_error err;
  memset(&err, 0x7f, sizeof(err)); /* stale junk in every field */
  int rc = awsc_error_set(&err, AWSC_EPARSE, AWSC_ERROR_PARSE, "bad %s at %d",
                          "token", 12);
  CHECK_INT(rc, AWSC_EPARSE);
  CHECK_INT(err.code, AWSC_EPARSE);
  CHECK_INT(err.kind, AWSC_ERROR_PARSE);
  CHECK_STR(err.message, "bad token at 12");
  CHECK_INT(err.http_status, 0);
  CHECK_INT(err.retry_attempts, 0);
  CHECK_STR(err.service_code, "");
  CHECK_STR(err.request_id, "");
  CHECK_STR(err.host_id, "");
  CHECK_INT(awsc_error_set(NULL, AWSC_EIO, AWSC_ERROR_IO, "x"), AWSC_EIO);
  /* One line, no secrets. */
  awsc_error_set(&err, AWSC_ECREDENTIALS, AWSC_ERROR_CREDENTIALS,
                 "line1\nline2 aws_secret_access_key=%s", "SHHHsecretvalue");
  CHECK(strchr(err.message, '\n') == NULL);
  CHECK(strstr(err.message, "SHHH") == NULL);
}

static void test_error_truncation(void) {
  awsc_error err = AWSC_ERROR_INIT;
  char big[2000];
  memset(big, 'm', sizeof(big) - 1);
  big[sizeof(big) - 1] = '\0';
  awsc_error_set(&err, AWSC_EINVAL, AWSC_ERROR_VALIDATION, "%s", big);
  CHECK_INT(strlen(err.message), sizeof(err.message) - 1);
  CHECK_INT(err.message[sizeof(err.message) - 2], 'm');
  char small[8];
  awsc_strlcpy(small, "0123456789", sizeof(small));
  CHECK_STR(small, "0123456");
  awsc_strlcpy(small, NULL, sizeof(small));
  CHECK_STR(small, "");
  awsc_strlcpy(small, "zz", 0); /* no write at all */
  CHECK_STR(small, "");
}

static void test_error_clear_copy(void) {
  awsc_error a, b;
  awsc_error_set(&a, AWSC_ESERVICE, AWSC_ERROR_SERVICE, "boom");
  a.http_status = 503;
  awsc_strlcpy(a.request_id, "req-1", sizeof(a.request_id));
  awsc_error_copy(&b, &a);
  CHECK_INT(b.code, AWSC_ESERVICE);
  CHECK_INT(b.http_status, 503);
  CHECK_STR(b.request_id, "req-1");
  CHECK_STR(b.message, "boom");
  /* a source only reset (stack left-overs past each string's end): the
   * copy holds its numbers and strings and nothing of the rest */
  awsc_error r;
  memset(&r, 'S', sizeof(r));
  awsc_error_reset(&r);
  r.retry_attempts = 2;
  awsc_strlcpy(r.message, "short", sizeof(r.message));
  memset(&b, 'X', sizeof(b));
  awsc_error_copy(&b, &r);
  CHECK_INT(b.code, 0);
  CHECK_INT(b.retry_attempts, 2);
  CHECK_STR(b.message, "short");
  CHECK_STR(b.service_code, "");
  bool clean = true;
  for (size_t i = strlen(b.message); i < sizeof(b.message); i++)
    clean = clean && b.message[i] == '\0';
  for (size_t i = 0; i < sizeof(b.host_id); i++)
    clean = clean && b.host_id[i] == '\0';
  CHECK(clean);
  awsc_error_copy(&b, NULL);
  CHECK_INT(b.code, 0);
  CHECK_STR(b.message, "");
  awsc_error_copy(NULL, &a);
  awsc_error_clear(&a);
  CHECK_INT(a.code, 0);
  CHECK_INT(a.kind, AWSC_ERROR_NONE);
  CHECK_INT(a.http_status, 0);
  CHECK_STR(a.message, "");
  awsc_error_clear(NULL);
  /* NULL format falls back to the status text. */
  awsc_error_set(&a, AWSC_ETIMEOUT, AWSC_ERROR_TIMEOUT, NULL);
  CHECK_STR(a.message, awsc_strerror(AWSC_ETIMEOUT));
}

static void test_version(void) {
  CHECK_STR(awsc_version(), AWSC_VERSION_STRING);
  CHECK_INT(awsc_version_num(), AWSC_VERSION_NUM);
  char want[32];
  snprintf(want, sizeof(want), "%d.%d.%d", AWSC_VERSION_MAJOR,
           AWSC_VERSION_MINOR, AWSC_VERSION_PATCH);
  CHECK_STR(awsc_version(), want);
}

static void test_set_allocator_validation(void) {
  awsc_allocator incomplete = {NULL, NULL, NULL, NULL};
  CHECK_INT(awsc_set_allocator(&incomplete), AWSC_EINVAL);
  CHECK(!awsc_allocator_is_custom());
  CHECK_INT(awsc_set_allocator(NULL), 0);
  char *s = awsc_strdup("still works");
  CHECK_STR(s, "still works");
  awsc_free(s);
}

/* core's own part of the one-time init (OpenSSL); awsc_global_init,
 * which adds libcurl's, is lib/http's (tests/unit/http/test_http_init.c). */
static void *init_thread(void *arg) {
  *(int *)arg = awsc_core_init();
  return NULL;
}

static void test_core_init(void) {
  pthread_t th[8];
  int rc[8];
  for (int i = 0; i < 8; i++)
    pthread_create(&th[i], NULL, init_thread, &rc[i]);
  for (int i = 0; i < 8; i++) {
    pthread_join(th[i], NULL);
    CHECK_INT(rc[i], 0);
  }
  CHECK_INT(awsc_core_init(), 0);
}

int main(void) {
  RUN(test_redact_markers);
  RUN(test_log_secret_never_reaches_sink);
  RUN(test_log_levels);
  RUN(test_log_one_line_and_long);
  RUN(test_strerror_all);
  RUN(test_error_set);
  RUN(test_error_truncation);
  RUN(test_error_clear_copy);
  RUN(test_version);
  RUN(test_set_allocator_validation);
  RUN(test_core_init);
  return test_summary();
}
