/*
 * tests/unit/sts/fake.h - a canned-reply transport for the STS provider,
 * SQS MD5 and SNS error tests, plus a scratch home with config and
 * credentials files read through a getenv hook (nothing of the machine's
 * environment or ~/.aws leaks in).
 */
#ifndef AWSC_TESTS_STS_FAKE_H
#define AWSC_TESTS_STS_FAKE_H

#include "awsc/awsc.h"

#define FAKE_MAX 16

typedef struct fake_reply {
  int status;
  const char *content_type; /* NULL: text/xml */
  const char *body;         /* NULL: empty */
  const char *header_name;  /* one extra header, or NULL */
  const char *header_value;
} fake_reply;

extern awsc_transport fake_transport;

/* Queue replies (copied); requests past the end fail with ENETWORK. */
void fake_reset(const fake_reply *replies, size_t n);
int fake_sends(void);
const char *fake_url(int i);
const char *fake_body(int i);
/* The request's header of that name ("" when absent). */
const char *fake_header(int i, const char *name);
/* Read timeout the request asked for (0 = transport default). */
long fake_read_timeout_ms(int i);
void fake_cleanup(void);

/* ---- environment through the getenv hook ---- */
/* Clear the fake environment, then set AWS_CONFIG_FILE /
 * AWS_SHARED_CREDENTIALS_FILE to files in a scratch directory holding
 * `config` and `credentials` (either may be NULL: no file) and
 * AWS_EC2_METADATA_DISABLED=true. */
void fake_env_files(const char *config, const char *credentials);
/* Set (value NULL: unset) a variable of the fake environment. */
void fake_setenv(const char *name, const char *value);
/* Path of a file in the scratch directory (static buffer). */
const char *fake_path(const char *name);
/* Write a file in the scratch directory; returns its path. */
const char *fake_write(const char *name, const char *text);
const char *fake_getenv(const char *name, void *user_data);
/* Remove the scratch directory. */
void fake_env_cleanup(void);

/* A session on the fake transport and environment (profile NULL: from
 * AWS_PROFILE of the fake environment, else default). NULL + message on
 * failure. */
awsc_session *fake_session(const char *profile);

/* An AssumeRole / AssumeRoleWithWebIdentity reply with these keys,
 * expiring `ttl_s` seconds from now (static buffer per slot 0..3). */
const char *fake_sts_xml(int slot, const char *operation, const char *ak,
                         const char *sk, const char *token, long ttl_s);

#endif
