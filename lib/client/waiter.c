/*
 * Waiters: botocore's Waiter.wait() (botocore/waiter.py) over the
 * awsc_waiter descriptors generated from waiters-2.json.
 *
 * A service error is not a failure of the wait: botocore catches the
 * ClientError and matches the parsed error response against the
 * acceptors (status, error). Every other failure of the call (network,
 * credentials, validation) ends the wait at once, as the exception would.
 */
#include <stdio.h>
#include <string.h>

#include "awsc/waiter.h"
#include "client/jmespath.h"
#include "client/paginate_internal.h"
#include "client/typed.h"

typedef enum matcher {
  M_STATUS = 0,
  M_ERROR,
  M_PATH,
  M_PATH_ALL,
  M_PATH_ANY
} matcher;

typedef enum state { S_SUCCESS = 0, S_FAILURE, S_RETRY } state;

typedef struct acceptor {
  const awsc_waiter_acceptor *d;
  matcher m;
  state s;
  awsc_jmespath *arg; /* path matchers */
  awsc_value expected;
} acceptor;

/* One attempt's response as botocore's matchers see it. */
typedef struct response {
  const awsc_value *output; /* success: the parsed output */
  int status;               /* ResponseMetadata.HTTPStatusCode */
  bool error;               /* an "Error" with a "Code" */
  const char *code;
  const char *message;
} response;

static const awsc_waiter *find_waiter(const awsc_service *svc, const char *name,
                                      awsc_arena *a) {
  for (uint32_t i = 0; i < svc->waiter_count; i++) {
    const awsc_waiter *w = &svc->waiters[i];
    if (strcmp(w->name, name) == 0)
      return w;
    const char *py = awsc_xform_name(a, w->name);
    if (py && strcmp(py, name) == 0)
      return w;
  }
  return NULL;
}

int awsc_client_has_waiter(const awsc_client *client, const char *waiter) {
  if (!client || !waiter)
    return 0;
  awsc_arena *a = awsc_arena_new(0);
  if (!a)
    return 0;
  int found = find_waiter(client->svc, waiter, a) != NULL;
  awsc_arena_free(a);
  return found;
}

static int setup_acceptor(acceptor *ac, const awsc_waiter *w,
                          const awsc_waiter_acceptor *d, awsc_arena *a,
                          awsc_error *err) {
  static const char *const matchers[] = {"status", "error", "path", "pathAll",
                                         "pathAny"};
  static const char *const states[] = {"success", "failure", "retry"};
  ac->d = d;
  size_t i;
  for (i = 0; i < AWSC_ARRAY_LEN(matchers); i++)
    if (d->matcher && strcmp(d->matcher, matchers[i]) == 0)
      break;
  if (i == AWSC_ARRAY_LEN(matchers))
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "Waiter %s: unknown acceptor type: %s", w->name,
                          d->matcher ? d->matcher : "(none)");
  ac->m = (matcher)i;
  for (i = 0; i < AWSC_ARRAY_LEN(states); i++)
    if (d->state && strcmp(d->state, states[i]) == 0)
      break;
  if (i == AWSC_ARRAY_LEN(states))
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "Waiter %s: unknown acceptor state: %s", w->name,
                          d->state ? d->state : "(none)");
  ac->s = (state)i;
  const char *ex = d->expected ? d->expected : "null";
  int rc =
      awsc_value_from_json_ex(&ac->expected, a, NULL, ex, strlen(ex), 0, err);
  if (rc)
    return rc;
  if (ac->m >= M_PATH) {
    if (!d->argument)
      return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                            "Waiter %s: a %s acceptor needs an argument",
                            w->name, d->matcher);
    return awsc_jmespath_compile(&ac->arg, a, d->argument, err);
  }
  return 0;
}

/* botocore's acceptor matcher functions; 1 = match, 0 = no, < 0 = error
 * (a JMESPath type error, raised by botocore too). */
static int matches(const acceptor *ac, const response *r, awsc_arena *a,
                   awsc_error *err) {
  const awsc_value *ex = &ac->expected;
  if (ac->m == M_STATUS) {
    awsc_value st;
    memset(&st, 0, sizeof(st));
    st.type = AWSC_V_INT;
    st.u.i = r->status;
    return awsc_jmespath_equal(&st, ex);
  }
  if (ac->m == M_ERROR) {
    if (ex->type == AWSC_V_BOOL) /* true: any error, false: none */
      return ex->u.b ? r->error : !r->error;
    if (!r->error || ex->type != AWSC_V_STRING)
      return 0;
    return strlen(r->code) == ex->u.s.n &&
           memcmp(r->code, ex->u.s.p, ex->u.s.n) == 0;
  }
  if (r->error) /* path matchers never match an error response */
    return 0;
  awsc_value res;
  int rc = awsc_jmespath_search(ac->arg, r->output, a, &res, err);
  if (rc)
    return rc;
  if (ac->m == M_PATH)
    return awsc_jmespath_equal(&res, ex);
  if (res.type != AWSC_V_LIST || res.u.list.n == 0)
    return 0; /* pathAll / pathAny need a non-empty list */
  for (size_t i = 0; i < res.u.list.n; i++) {
    bool eq = awsc_jmespath_equal(&res.u.list.items[i], ex);
    if (ac->m == M_PATH_ANY && eq)
      return 1;
    if (ac->m == M_PATH_ALL && !eq)
      return 0;
  }
  return ac->m == M_PATH_ALL;
}

/* The expected value as Python's str() prints it in explanations. */
static void expected_text(const acceptor *ac, char *out, size_t size) {
  const awsc_value *v = &ac->expected;
  if (v->type == AWSC_V_STRING)
    snprintf(out, size, "%.*s", (int)v->u.s.n, v->u.s.p);
  else if (v->type == AWSC_V_BOOL)
    snprintf(out, size, "%s", v->u.b ? "True" : "False");
  else if (v->type == AWSC_V_NULL)
    snprintf(out, size, "None");
  else
    snprintf(out, size, "%s", ac->d->expected ? ac->d->expected : "");
}

/* botocore's AcceptorConfig.explanation */
static void explanation(const acceptor *ac, char *out, size_t size) {
  char ex[160];
  expected_text(ac, ex, sizeof ex);
  const char *arg = ac->d->argument ? ac->d->argument : "";
  switch (ac->m) {
  case M_PATH:
    snprintf(out, size,
             "For expression \"%s\" we matched expected path: \"%s\"", arg, ex);
    break;
  case M_PATH_ALL: /* sic: botocore's wording */
    snprintf(out, size,
             "For expression \"%s\" all members matched excepted path: \"%s\"",
             arg, ex);
    break;
  case M_PATH_ANY:
    snprintf(out, size,
             "For expression \"%s\" we matched expected path: \"%s\" at least "
             "once",
             arg, ex);
    break;
  case M_STATUS:
    snprintf(out, size, "Matched expected HTTP status code: %s", ex);
    break;
  case M_ERROR:
    snprintf(out, size, "Matched expected service error code: %s", ex);
    break;
  }
}

/* The service's own message out of the pipeline's "An error occurred
 * (CODE) when calling the OP operation: MESSAGE" ("Unknown" without). */
static const char *service_message(const awsc_error *e, const char *op) {
  char prefix[256];
  snprintf(prefix, sizeof prefix,
           "An error occurred (%s) when calling the %s operation: ",
           e->service_code, op);
  size_t n = strlen(prefix);
  return strncmp(e->message, prefix, n) == 0 ? e->message + n : "Unknown";
}

/* Fill err for a failed wait, keeping the last response's status and
 * error code. */
static int wait_failed(awsc_error *err, int code, const awsc_waiter *w,
                       const response *r, const awsc_error *last,
                       const char *reason) {
  awsc_error_set(err, code,
                 code == AWSC_ETIMEOUT ? AWSC_ERROR_TIMEOUT
                                       : AWSC_ERROR_SERVICE,
                 "Waiter %s failed: %s", w->name, reason);
  if (err) {
    err->http_status = r->status;
    err->retry_attempts = last->retry_attempts;
    if (r->error) {
      awsc_strlcpy(err->service_code, last->service_code,
                   sizeof(err->service_code));
      awsc_strlcpy(err->request_id, last->request_id, sizeof(err->request_id));
      awsc_strlcpy(err->host_id, last->host_id, sizeof(err->host_id));
    }
  }
  return code;
}

/* One call of the operation; 0 with *r filled (a service error is a
 * response too), or the call's failure. */
static int attempt(awsc_client *c, const awsc_operation *op,
                   const awsc_value *in, awsc_arena *a, response *r,
                   awsc_error *e) {
  awsc_call call;
  memset(&call, 0, sizeof(call));
  call.op = op;
  call.input = op->input ? in : NULL;
  call.arena = a;
  call.sink.kind = AWSC_SINK_MEMORY;
  memset(r, 0, sizeof(*r));
  int rc = awsc_client_invoke(c, &call, e);
  if (rc == AWSC_ESERVICE) {
    r->error = true;
    r->status = e->http_status;
    r->code = e->service_code;
    r->message = service_message(e, op->name);
    static const awsc_value null_value = {0};
    r->output = &null_value;
    return 0;
  }
  if (rc)
    return rc;
  r->status = call.meta.http_status;
  r->output = awsc_arena_alloc(a, sizeof(awsc_value));
  if (!r->output)
    return awsc_error_set(e, AWSC_ENOMEM, AWSC_ERROR_INTERNAL, "out of memory");
  *(awsc_value *)r->output = call.output;
  return 0;
}

static int run(awsc_client *c, const awsc_waiter *w, const awsc_operation *op,
               const awsc_value *in, const acceptor *acs, uint32_t nacs,
               int delay_s, int max_attempts, awsc_error *err) {
  const acceptor *last_matched = NULL;
  state current = S_RETRY; /* botocore's 'waiting' acts as retry */
  char reason[400], expl[300];
  for (int n = 1;; n++) {
    awsc_error e = AWSC_ERROR_INIT;
    awsc_arena *a = awsc_arena_new(16 * 1024);
    if (!a)
      return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                            "out of memory");
    response r;
    int rc = attempt(c, op, in, a, &r, &e);
    if (rc) {
      awsc_error_copy(err, &e);
      awsc_arena_free(a);
      return rc;
    }
    const acceptor *hit = NULL;
    for (uint32_t i = 0; !hit && i < nacs; i++) {
      awsc_error me = AWSC_ERROR_INIT;
      int m = matches(&acs[i], &r, a, &me);
      if (m < 0) {
        awsc_error_copy(err, &me);
        awsc_arena_free(a);
        return m;
      }
      if (m)
        hit = &acs[i];
    }
    if (hit) {
      last_matched = hit;
      current = hit->s;
    }
    rc = 1; /* go on */
    if (!hit && r.error) {
      snprintf(reason, sizeof reason, "An error occurred (%s): %s", r.code,
               r.message);
      rc = wait_failed(err, AWSC_ESERVICE, w, &r, &e, reason);
    } else if (current == S_SUCCESS) {
      rc = 0;
    } else if (current == S_FAILURE) {
      explanation(hit ? hit : last_matched, expl, sizeof expl);
      snprintf(reason, sizeof reason,
               "Waiter encountered a terminal failure state: %s", expl);
      rc = wait_failed(err, AWSC_ESERVICE, w, &r, &e, reason);
    } else if (n >= max_attempts) {
      if (!last_matched) {
        snprintf(reason, sizeof reason, "Max attempts exceeded");
      } else {
        /* botocore names the acceptor its loop variable was left at: this
         * attempt's match, else the last acceptor of the list */
        explanation(hit ? hit : &acs[nacs - 1], expl, sizeof expl);
        snprintf(reason, sizeof reason,
                 "Max attempts exceeded. Previously accepted state: %s", expl);
      }
      rc = wait_failed(err, AWSC_ETIMEOUT, w, &r, &e, reason);
    }
    awsc_arena_free(a);
    if (rc <= 0)
      return rc;
    awsc_log(c->logger, AWSC_LOG_DEBUG, "waiter %s: attempt %d, next in %d s",
             w->name, n, delay_s);
    c->sleep_ms((long)delay_s * 1000L);
  }
}

/* awsc_client_wait with the parameters as JSON, or as a struct of the
 * generated layout `typed` (then `input` points to it). */
static int wait_for(awsc_client *client, const char *waiter,
                    const char *input_json, const awsc_shape *typed,
                    const void *input, const awsc_waiter_config *config,
                    awsc_error *err) {
  if (!client || !waiter)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_client_wait: NULL argument");
  if (config && !AWSC_VERSION_OK(config->version, AWSC_WAITER_CONFIG_VERSION))
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_waiter_config.version is %d, expected %d "
                          "(use AWSC_WAITER_CONFIG_INIT)",
                          config->version, AWSC_WAITER_CONFIG_VERSION);
  if (config && (config->delay_s < 0 || config->max_attempts < 0))
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "Waiter Delay and MaxAttempts must not be negative");
  awsc_arena *a = awsc_arena_new(0);
  if (!a)
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  int rc = 0;
  acceptor *acs = NULL;
  const awsc_waiter *w = find_waiter(client->svc, waiter, a);
  const awsc_operation *op =
      w ? awsc_service_find_operation(client->svc, w->operation) : NULL;
  if (!w) {
    rc = awsc_error_set(err, AWSC_ENOTFOUND, AWSC_ERROR_VALIDATION,
                        "Waiter does not exist: %s", waiter);
  } else if (!op || !w->acceptor_count) {
    rc = awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_INTERNAL,
                        "Waiter %s: operation %s or acceptors missing", w->name,
                        w->operation ? w->operation : "(none)");
  } else if (!(acs =
                   awsc_arena_calloc(a, w->acceptor_count, sizeof(acceptor)))) {
    rc = awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL, "out of memory");
  }
  for (uint32_t i = 0; !rc && i < w->acceptor_count; i++)
    rc = setup_acceptor(&acs[i], w, &w->acceptors[i], a, err);
  awsc_value in;
  if (!rc && typed)
    rc = awsc_typed_to_value(typed, input, a, &in, err);
  else if (!rc)
    rc = awsc_client_input_from_json(op, input_json, a, &in, err);
  if (!rc) {
    int delay = config && config->delay_s ? config->delay_s : w->delay_s;
    int max =
        config && config->max_attempts ? config->max_attempts : w->max_attempts;
    rc = run(client, w, op, &in, acs, w->acceptor_count, delay,
             max > 0 ? max : 1, err);
  }
  awsc_arena_free(a);
  return rc;
}

int awsc_client_wait(awsc_client *client, const char *waiter,
                     const char *input_json, const awsc_waiter_config *config,
                     awsc_error *err) {
  return wait_for(client, waiter, input_json, NULL, NULL, config, err);
}

int awsc_client_wait_typed(awsc_client *client, const awsc_service *svc,
                           const char *waiter, const awsc_operation *op,
                           const void *input, const awsc_waiter_config *config,
                           awsc_error *err) {
  if (client && client->svc != svc &&
      (!client->svc->service_id || !svc->service_id ||
       strcmp(client->svc->service_id, svc->service_id) != 0))
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "Waiter %s is one of %s, called with a %s client",
                          waiter, svc->service_id ? svc->service_id : "?",
                          client->svc->service_id ? client->svc->service_id
                                                  : "?");
  awsc_empty none = {0};
  return wait_for(client, waiter, NULL, op->input,
                  input ? input : (const void *)&none, config, err);
}
