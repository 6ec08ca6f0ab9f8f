/*
 * botocore's configured-endpoint-URL cases (tests/data/config/
 * profile-tests.json): for each case the config file is built from the
 * JSON's profiles and services sections, the environment is set through
 * the getenv hook, the client configuration becomes session options, and
 * awsc_session_endpoint_url(service) must give the expected URL.
 *
 * When nothing is configured (or everything is ignored) the session
 * answers NULL and the client resolves the AWS endpoint with the rules
 * engine, which is not part of the session; there the expected URL must
 * be the plain regional one, https://SERVICE.REGION.amazonaws.com, which
 * this runner spells out as the stand-in for that resolution.
 */
#include <stdarg.h>

#include <yajl/yajl_tree.h>

#include "awsc/session.h"
#include "cfgtest.h"
#include "test.h"

static yajl_val get(yajl_val obj, const char *key) {
  const char *path[] = {key, NULL};
  return yajl_tree_get(obj, path, yajl_t_any);
}

static const char *get_str(yajl_val obj, const char *key) {
  yajl_val v = get(obj, key);
  return YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : NULL;
}

/* Append the strings of a NULL-terminated list to *buf. */
static void append(char **buf, size_t *len, ...) {
  va_list ap;
  va_start(ap, len);
  const char *s;
  while ((s = va_arg(ap, const char *)) != NULL) {
    size_t n = strlen(s);
    *buf = realloc(*buf, *len + n + 1);
    memcpy(*buf + *len, s, n + 1);
    *len += n;
  }
  va_end(ap);
}

/* [default] / [profile NAME] from "profiles", [services NAME] with nested
 * service blocks from "services". Returns 0, or -1 with *why set. */
static int build_config(yajl_val suite, char **out, const char **why) {
  char *buf = calloc(1, 1);
  size_t len = 0;
  yajl_val profiles = get(suite, "profiles");
  if (profiles && !YAJL_IS_OBJECT(profiles)) {
    *why = "profiles is not an object";
    free(buf);
    return -1;
  }
  for (size_t i = 0; profiles && i < profiles->u.object.len; i++) {
    const char *name = profiles->u.object.keys[i];
    yajl_val p = profiles->u.object.values[i];
    if (strcmp(name, "default") == 0)
      append(&buf, &len, "[default]\n", NULL);
    else
      append(&buf, &len, "[profile ", name, "]\n", NULL);
    for (size_t k = 0; YAJL_IS_OBJECT(p) && k < p->u.object.len; k++) {
      yajl_val v = p->u.object.values[k];
      if (!YAJL_IS_STRING(v)) {
        *why = "non-string profile value";
        free(buf);
        return -1;
      }
      append(&buf, &len, p->u.object.keys[k], " = ", YAJL_GET_STRING(v), "\n",
             NULL);
    }
  }
  yajl_val services = get(suite, "services");
  for (size_t i = 0; YAJL_IS_OBJECT(services) && i < services->u.object.len;
       i++) {
    yajl_val sec = services->u.object.values[i];
    append(&buf, &len, "[services ", services->u.object.keys[i], "]\n", NULL);
    for (size_t k = 0; YAJL_IS_OBJECT(sec) && k < sec->u.object.len; k++) {
      yajl_val svc = sec->u.object.values[k];
      append(&buf, &len, sec->u.object.keys[k], " =\n", NULL);
      for (size_t j = 0; YAJL_IS_OBJECT(svc) && j < svc->u.object.len; j++) {
        yajl_val v = svc->u.object.values[j];
        if (!YAJL_IS_STRING(v)) {
          *why = "non-string services value";
          free(buf);
          return -1;
        }
        append(&buf, &len, "  ", svc->u.object.keys[j], " = ",
               YAJL_GET_STRING(v), "\n", NULL);
      }
    }
  }
  *out = buf;
  return 0;
}

static int cases_run, cases_skipped, cases_standin;

static void run_case(yajl_val suite, yajl_val tc, const char *config_path,
                     const char *creds_path, size_t index) {
  char label[64];
  snprintf(label, sizeof(label), "case %zu", index + 1);
  const char *name = get_str(tc, "name");
  const char *profile = get_str(tc, "profile");
  const char *client = get_str(tc, "client_config");
  const char *envname = get_str(tc, "environment");
  const char *service = get_str(tc, "service");
  const char *expected = get_str(get(tc, "output"), "endpointUrl");
  if (!name || !profile || !client || !envname || !service || !expected) {
    SKIP(label, "case lacks name/profile/client_config/environment/service/"
                "output.endpointUrl");
    cases_skipped++;
    return;
  }
  yajl_val cc = get(get(suite, "client_configs"), client);
  yajl_val ev = get(get(suite, "environments"), envname);
  if (!YAJL_IS_OBJECT(cc) || !YAJL_IS_OBJECT(ev)) {
    SKIP(label, "client_config or environment not defined in the suite");
    cases_skipped++;
    return;
  }

  test_current_failed = 0;
  cases_run++;
  test_env env = {0};
  test_env_set(&env, "AWS_CONFIG_FILE", config_path);
  test_env_set(&env, "AWS_SHARED_CREDENTIALS_FILE", creds_path);
  for (size_t i = 0; i < ev->u.object.len; i++) {
    yajl_val v = ev->u.object.values[i];
    if (YAJL_IS_STRING(v))
      test_env_set(&env, ev->u.object.keys[i], YAJL_GET_STRING(v));
  }
  awsc_session_options o = AWSC_SESSION_OPTIONS_INIT;
  o.getenv_fn = test_env_get;
  o.getenv_user_data = &env;
  o.profile = profile;
  o.endpoint_url = get_str(cc, "endpoint_url");
  yajl_val ign = get(cc, "ignore_configured_endpoint_urls");
  if (ign)
    o.ignore_configured_endpoint_urls = YAJL_IS_TRUE(ign) ? 1 : -1;

  awsc_session *s = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = awsc_session_new(&s, &o, &err);
  char got[600] = "";
  if (rc != 0) {
    snprintf(got, sizeof(got), "session error %d: %.500s", rc, err.message);
  } else {
    const char *url = awsc_session_endpoint_url(s, service);
    if (url) {
      snprintf(got, sizeof(got), "%s", url);
    } else {
      /* Stand-in for the endpoint rules (see the top of the file). */
      const char *region = awsc_session_region(s);
      snprintf(got, sizeof(got), "https://%s.%s.amazonaws.com", service,
               region ? region : "(no region)");
      cases_standin++;
    }
    awsc_session_free(s);
  }
  if (strcmp(got, expected) != 0) {
    fprintf(stderr, "  %s \"%s\": expected %s, got %s\n", label, name, expected,
            got);
    test_current_failed = 1;
  }
  test_env_clear(&env);
  if (test_current_failed) {
    test_failed++;
    printf("FAIL %s: %s\n", label, name);
  } else {
    test_passed++;
    printf("ok   %s: %s\n", label, name);
  }
}

int main(int argc, char **argv) {
  const char *path =
      argc > 1 ? argv[1] : "tests/data/config/profile-tests.json";
  char *text = test_read_file(path, NULL);
  if (!text) {
    fprintf(stderr, "can not read %s\n", path);
    return 1;
  }
  char errbuf[256];
  yajl_val root = yajl_tree_parse(text, errbuf, sizeof(errbuf));
  free(text);
  if (!root) {
    fprintf(stderr, "%s: %s\n", path, errbuf);
    return 1;
  }
  yajl_val suites = get(root, "testSuites");
  size_t total = 0;
  for (size_t si = 0; YAJL_IS_ARRAY(suites) && si < suites->u.array.len; si++) {
    yajl_val suite = suites->u.array.values[si];
    yajl_val cases = get(suite, "endpointUrlTests");
    size_t ncases = YAJL_IS_ARRAY(cases) ? cases->u.array.len : 0;
    char *config = NULL;
    const char *why = NULL;
    if (build_config(suite, &config, &why) != 0) {
      for (size_t i = 0; i < ncases; i++) {
        char label[64];
        snprintf(label, sizeof(label), "case %zu", total + i + 1);
        SKIP(label, why);
        cases_skipped++;
      }
      total += ncases;
      continue;
    }
    char cp[1024], kp[1024];
    snprintf(cp, sizeof(cp), "%s", test_write_file("ep/config", config));
    snprintf(kp, sizeof(kp), "%s", test_write_file("ep/credentials", ""));
    free(config);
    for (size_t i = 0; i < ncases; i++)
      run_case(suite, cases->u.array.values[i], cp, kp, total + i);
    total += ncases;
  }
  yajl_tree_free(root);
  test_tmp_cleanup();
  printf("endpoint URL cases: %zu in file, %d run, %d skipped, %d resolved "
         "by the regional stand-in\n",
         total, cases_run, cases_skipped, cases_standin);
  if (total == 0) {
    fprintf(stderr, "no cases found in %s\n", path);
    return 1;
  }
  return test_summary();
}
