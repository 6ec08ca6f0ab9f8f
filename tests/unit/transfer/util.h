/*
 * What the transfer tests share: an S3 client on the fake S3, a scratch
 * directory, and file helpers.
 */
#ifndef AWSC_TEST_TRANSFER_UTIL_H
#define AWSC_TEST_TRANSFER_UTIL_H

#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "awsc/s3.h"
#include "awsc/transfer.h"
#include "client/client_internal.h"
#include "fake_s3.h"
#include "test.h"

#define MIB ((size_t)1 << 20)

static fake_s3 fs;
static char dir[64];

static inline void no_sleep(long ms) {
  (void)ms;
}

static inline const char *env_none(const char *name, void *ud) {
  (void)name;
  (void)ud;
  return NULL;
}

/* A client on the fake S3: through its transport (url NULL), or over
 * HTTP at url (fake_http.h) on the libcurl transport. */
static inline awsc_client *make_client_url(const char *service,
                                           awsc_session **s, const char *url) {
  awsc_session_options so = AWSC_SESSION_OPTIONS_INIT;
  so.access_key_id = "AKIDEXAMPLE";
  so.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  so.region = "us-east-1";
  if (!url)
    so.transport = &fs.base;
  so.getenv_fn = env_none;
  awsc_error err = AWSC_ERROR_INIT;
  *s = NULL;
  if (awsc_session_new(s, &so, &err) != 0) {
    fprintf(stderr, "session: %s\n", err.message);
    return NULL;
  }
  awsc_client_options co = AWSC_CLIENT_OPTIONS_INIT;
  co.endpoint_url = url ? url : "http://s3.fake";
  co.addressing_style = AWSC_S3_ADDRESSING_PATH;
  awsc_client *c = NULL;
  if (awsc_client_new(&c, *s, service, &co, &err) != 0) {
    fprintf(stderr, "client: %s\n", err.message);
    awsc_session_free(*s);
    return NULL;
  }
  c->sleep_ms = no_sleep;
  return c;
}

static inline awsc_client *make_client(const char *service, awsc_session **s) {
  return make_client_url(service, s, NULL);
}

/* The UploadPart / UploadPartCopy of part number n, wherever threads put
 * it in the log; NULL when none. */
static inline fs3_req *part_req(int n) {
  for (int i = 0; i < fs.n_req; i++)
    if (fs.req[i].part_number == n && strcmp(fs.req[i].method, "PUT") == 0)
      return &fs.req[i];
  return NULL;
}

/* The GET with this Range header; NULL when none. */
static inline fs3_req *range_req(const char *range) {
  for (int i = 0; i < fs.n_req; i++)
    if (strcmp(fs.req[i].method, "GET") == 0 &&
        strcmp(fs.req[i].h_range, range) == 0)
      return &fs.req[i];
  return NULL;
}

/* A progress callback that checks what the header promises: calls one at
 * a time, bytes_done going up, total fixed. Called from the transfer's
 * threads, so it records instead of CHECKing; the test looks after. */
typedef struct prog {
  atomic_int inside;
  int calls;
  bool overlapped, went_down, total_changed;
  uint64_t last, total;
  int cancel_at;          /* return 1 on this call (0: never) */
  pthread_t first_thread; /* of the first call */
  bool off_thread;        /* a later call came on another thread */
} prog;

static inline int prog_fn(uint64_t done, uint64_t total, void *ud) {
  prog *p = ud;
  if (atomic_fetch_add(&p->inside, 1) != 0)
    p->overlapped = true;
  if (!p->calls)
    p->first_thread = pthread_self();
  else if (!pthread_equal(p->first_thread, pthread_self()))
    p->off_thread = true;
  if (done <= p->last)
    p->went_down = true;
  if (p->total && total != p->total)
    p->total_changed = true;
  p->total = total;
  p->last = done;
  /* linger so that a call from another thread would overlap */
  struct timespec ts = {0, 200000};
  nanosleep(&ts, NULL);
  int stop = ++p->calls == p->cancel_at;
  atomic_fetch_sub(&p->inside, 1);
  return stop;
}

static inline void prog_check(const prog *p, uint64_t total) {
  CHECK(!p->overlapped);
  CHECK(!p->off_thread); /* the loop's: the calling thread */
  CHECK(!p->went_down);
  CHECK(!p->total_changed);
  CHECK_INT(p->last, total);
  CHECK_INT(p->total, total);
}

static inline void pattern(uint8_t *p, size_t n, unsigned seed) {
  uint32_t x = seed * 2654435761u + 1;
  for (size_t i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    p[i] = (uint8_t)x;
  }
}

/* dir/name filled with n pattern bytes; returns the path (static ring). */
static inline const char *make_file(const char *name, size_t n, unsigned seed) {
  static char paths[4][160];
  static int next;
  char *path = paths[next++ % 4];
  snprintf(path, sizeof(paths[0]), "%s/%s", dir, name);
  uint8_t *p = malloc(n + 1);
  pattern(p, n, seed);
  FILE *f = fopen(path, "wb");
  if (f) {
    fwrite(p, 1, n, f);
    fclose(f);
  }
  free(p);
  return path;
}

/* Whole file, malloc'd (NULL when absent). */
static inline uint8_t *slurp(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  *n = 0;
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  long len = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *p = malloc((size_t)len + 1);
  *n = fread(p, 1, (size_t)len, f);
  fclose(f);
  return p;
}

/* Entries of the scratch directory whose name contains `part`. */
static inline int dir_count(const char *part) {
  DIR *d = opendir(dir);
  int n = 0;
  struct dirent *e;
  while (d && (e = readdir(d)))
    if (strstr(e->d_name, part))
      n++;
  if (d)
    closedir(d);
  return n;
}

static inline void dir_setup(void) {
  const char *t = getenv("TMPDIR");
  snprintf(dir, sizeof(dir), "%s/awsc-xfer-XXXXXX", t && *t ? t : "/tmp");
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    exit(1);
  }
}

static inline void dir_teardown(void) {
  DIR *d = opendir(dir);
  struct dirent *e;
  char path[512];
  while (d && (e = readdir(d)))
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
      snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
      unlink(path);
    }
  if (d)
    closedir(d);
  rmdir(dir);
}

#endif
