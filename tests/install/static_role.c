/*
 * tests/install/static_role.c - a program linked against libawsc.a the
 * plain way (no --whole-archive, no -u), as a user of the static library
 * links it, resolving a role profile. The session must reach the STS
 * providers (lib/sts) through an ordinary reference, not a load-time
 * constructor that a static link drops: with the constructor this fails
 * with "assume-role is not built".
 *
 * Public API only. A canned-reply transport stands in for STS; the
 * environment is sealed (getenv hook) and the files are written to a
 * scratch directory.
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp under -std=c11 */

#include <awsc/awsc.h>
#include <awsc/sys/transport.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int sends;
static char last_body[2048];

static const char reply[] =
    "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
    "<AssumeRoleResult><Credentials>"
    "<AccessKeyId>ASIASTATICROLE</AccessKeyId>"
    "<SecretAccessKey>fake-role-secret</SecretAccessKey>"
    "<SessionToken>fake-role-token</SessionToken>"
    "<Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>"
    "<AssumedRoleUser><AssumedRoleId>AROA:s</AssumedRoleId>"
    "<Arn>arn:aws:sts::123456789012:assumed-role/R/s</Arn></AssumedRoleUser>"
    "</AssumeRoleResult><ResponseMetadata><RequestId>rid</RequestId>"
    "</ResponseMetadata></AssumeRoleResponse>";

static int fake_send(awsc_transport *t, const awsc_http_request *req,
                     awsc_http_response *resp, awsc_error *err) {
  (void)t;
  (void)err;
  sends++;
  size_t n = 0;
  if (req->body.kind == AWSC_BODY_MEMORY && req->body.data) {
    n = req->body.len < sizeof(last_body) - 1 ? req->body.len
                                              : sizeof(last_body) - 1;
    memcpy(last_body, req->body.data, n);
  }
  last_body[n] = '\0';
  resp->status = 200;
  if (awsc_http_response_add_header(resp, "Content-Type", "text/xml") ||
      awsc_http_response_append_body(resp, reply, sizeof(reply) - 1))
    return AWSC_ENOMEM;
  resp->bytes_received = sizeof(reply) - 1;
  return 0;
}

static void fake_destroy(awsc_transport *t) {
  (void)t;
}

static const awsc_transport_vtable fake_vtable = {fake_send, fake_destroy};

static const char *no_env(const char *name, void *user_data) {
  (void)name;
  (void)user_data;
  return NULL;
}

static int write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  if (!f)
    return -1;
  int ok = fputs(text, f) >= 0;
  return fclose(f) == 0 && ok ? 0 : -1;
}

int main(void) {
  char dir[] = "/tmp/awsc-static-role-XXXXXX";
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 1;
  }
  char config[sizeof(dir) + 16], creds[sizeof(dir) + 16];
  snprintf(config, sizeof(config), "%s/config", dir);
  snprintf(creds, sizeof(creds), "%s/credentials", dir);
  if (write_file(config, "[profile r]\n"
                         "role_arn = arn:aws:iam::123456789012:role/R\n"
                         "source_profile = base\n"
                         "region = us-east-1\n") ||
      write_file(creds, "[base]\n"
                        "aws_access_key_id = AKIDSTATICBASE\n"
                        "aws_secret_access_key = fake-base-secret\n")) {
    perror("writing the config files");
    return 1;
  }

  awsc_transport fake = {&fake_vtable, NULL};
  awsc_session_options o = AWSC_SESSION_OPTIONS_INIT;
  o.profile = "r";
  o.config_file = config;
  o.credentials_file = creds;
  o.transport = &fake;
  o.getenv_fn = no_env;

  int status = 1;
  awsc_session *s = NULL;
  awsc_credentials *c = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = awsc_session_new(&s, &o, &err);
  if (rc == 0)
    rc = awsc_session_get_credentials(&c, s, &err);
  if (rc) {
    fprintf(stderr, "static_role: resolving profile r: %d %s\n", rc,
            err.message);
  } else if (strcmp(awsc_credentials_access_key_id(c), "ASIASTATICROLE")) {
    fprintf(stderr, "static_role: got key %s, not the role's\n",
            awsc_credentials_access_key_id(c));
  } else if (sends != 1 || !strstr(last_body, "Action=AssumeRole") ||
             !strstr(last_body, "RoleArn=arn")) {
    fprintf(stderr, "static_role: %d STS calls, last body '%s'\n", sends,
            last_body);
  } else {
    printf("static_role: role credentials from %s via one AssumeRole call\n",
           awsc_credentials_source(c));
    printf("static_role: ok\n");
    status = 0;
  }
  awsc_credentials_free(c);
  awsc_session_free(s);
  unlink(config);
  unlink(creds);
  rmdir(dir);
  return status;
}
