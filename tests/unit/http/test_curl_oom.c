/* Out-of-memory torture of the libcurl transport (SQLite/curl style):
 * fail the 1st, 2nd, ... allocation of "create a transport, send a PUT
 * and a GET, free it" until a run completes, and check each run reports
 * the failure (or completes) and frees everything. libcurl's own
 * allocations go through the same hooks. */
#include "http_test_util.h"
#include "test_server.h"

static ts_server *srv;

static awsc_error err;

static int one_run(int *status_out) {
  awsc_transport *t = NULL;
  awsc_error_clear(&err);
  int rc = awsc_transport_curl_new(&t, NULL, &err);
  if (rc)
    return rc;
  char u[256];
  ts_url(srv, u, sizeof(u), "/oom?x=1");
  awsc_http_header h[] = {{"X-Amz-Date", "20150830T123600Z"},
                          {"Content-Type", "text/plain"}};
  awsc_http_request r = tu_request("PUT", u);
  r.headers = h;
  r.header_count = 2;
  r.body.kind = AWSC_BODY_MEMORY;
  r.body.data = "body bytes";
  r.body.len = 10;
  awsc_http_response resp;
  rc = awsc_transport_send(t, &r, &resp, &err);
  if (!rc) {
    awsc_http_response_cleanup(&resp);
    r = tu_request("GET", u);
    rc = awsc_transport_send(t, &r, &resp, &err);
    if (!rc)
      *status_out = resp.status;
    awsc_http_response_cleanup(&resp);
  }
  awsc_transport_free(t);
  return rc;
}

static void test_every_allocation_fails_once(void) {
  ts_response sr = {.status = 200,
                    .body = "answer body",
                    .headers = "X-Amz-Request-Id: 1\r\nETag: \"e\"\r\n"};
  ts_set_response(srv, &sr);
  int64_t live = test_alloc_live();
  uint64_t n;
  int enomem = 0, other = 0, completed = 0;
  for (n = 1; n < 5000; n++) {
    int status = 0;
    test_alloc_fail_at(n);
    int rc = one_run(&status);
    int fired = test_alloc_failure_fired();
    test_alloc_fail_at(0);
    if (test_alloc_live() != live) {
      printf("  leak after failing allocation %" PRIu64 ": %lld blocks "
             "(rc %d)\n",
             n, (long long)(test_alloc_live() - live), rc);
      CHECK_INT(test_alloc_live(), live);
      live = test_alloc_live();
    }
    if (rc == AWSC_ENOMEM)
      enomem++;
    else if (rc == 0)
      completed++;
    else {
      other++;
      printf("  failing allocation %" PRIu64 ": rc %d (%s)\n", n, rc,
             err.message);
    }
    if (rc == 0)
      CHECK_INT(status, 200);
    if (!fired) {
      CHECK_INT(rc, 0);
      break;
    }
  }
  printf("  %" PRIu64 " runs: %d ENOMEM, %d completed despite the failure, "
         "%d other errors\n",
         n, enomem, completed, other);
  CHECK(n > 20 && n < 5000);
  CHECK(enomem > 0);
}

int main(void) {
  tu_clear_proxy_env();
  test_alloc_install();
  awsc_global_init();
  srv = ts_start();
  if (!srv)
    return 1;
  RUN(test_every_allocation_fails_once);
  ts_stop(srv);
  return test_summary();
}
