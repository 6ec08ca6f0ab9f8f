/*
 * tools/awsc_signals.c - see awsc_signals.h.
 *
 * Why a watcher thread rather than a handler: a handler could only
 * unlink a path known in advance, and the temporary file's name is made
 * inside the library (download.c: TARGET.awsctmp.XXXXXXXX, random). The
 * watcher runs in a normal context, so at signal time it can let the
 * library clean up and, failing that, find the files the process holds
 * open in /proc/self/fd.
 */
#include "awsc_signals.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* How long a transfer asked to stop may take before the watcher removes
 * its files itself: a download stops at its next chunk of data and an
 * upload at its next part, unless the connection is stalled. */
#define GRACE_MS 2000

static struct {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  bool active; /* a transfer is running */
  sigset_t set;
  pthread_t thread;
} w = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false, {{0}}, 0};

static atomic_int caught;

/* "NAME.awsctmp." and 8 lower-case hex digits (download.c's temp name). */
static bool is_temp_name(const char *path) {
  const char *tag = strstr(path, ".awsctmp.");
  if (!tag)
    return false;
  const char *hex = tag + sizeof(".awsctmp.") - 1;
  for (int i = 0; i < 8; i++)
    if (!((hex[i] >= '0' && hex[i] <= '9') || (hex[i] >= 'a' && hex[i] <= 'f')))
      return false;
  return hex[8] == '\0' && !strchr(tag + 1, '/');
}

/* Unlink the temporary files among those this process has open: the
 * download's own, whatever their directory. */
static void remove_open_temps(void) {
  DIR *d = opendir("/proc/self/fd");
  if (!d)
    return;
  int dfd = dirfd(d);
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    char path[4096];
    ssize_t n = readlinkat(dfd, e->d_name, path, sizeof(path) - 1);
    if (n <= 0 || path[0] != '/')
      continue;
    path[n] = '\0';
    if (is_temp_name(path))
      unlink(path);
  }
  closedir(d);
}

/* End the process by `sig` as its default action would. */
static void die(int sig) {
  signal(sig, SIG_DFL);
  sigset_t one;
  sigemptyset(&one);
  sigaddset(&one, sig);
  pthread_sigmask(SIG_UNBLOCK, &one, NULL);
  raise(sig);
  _exit(128 + sig); /* a default action that does not end the process */
}

static void *watch(void *unused) {
  (void)unused;
  int sig = 0;
  while (sigwait(&w.set, &sig) != 0)
    ;
  atomic_store(&caught, sig);
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += GRACE_MS / 1000;
  until.tv_nsec += (GRACE_MS % 1000) * 1000000L;
  if (until.tv_nsec >= 1000000000L) {
    until.tv_sec++;
    until.tv_nsec -= 1000000000L;
  }
  pthread_mutex_lock(&w.mu);
  while (w.active && pthread_cond_timedwait(&w.cv, &w.mu, &until) != ETIMEDOUT)
    ;
  pthread_mutex_unlock(&w.mu);
  remove_open_temps();
  die(sig);
  return NULL;
}

int cli_signals_begin(void) {
  sigemptyset(&w.set);
  sigaddset(&w.set, SIGINT);
  sigaddset(&w.set, SIGTERM);
  sigaddset(&w.set, SIGHUP);
  sigset_t old;
  if (pthread_sigmask(SIG_BLOCK, &w.set, &old) != 0)
    return -1;
  w.active = true;
  if (pthread_create(&w.thread, NULL, watch, NULL) != 0) {
    w.active = false;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return -1;
  }
  return 0;
}

int cli_signals_progress(uint64_t bytes_done, uint64_t total, void *unused) {
  (void)bytes_done;
  (void)total;
  (void)unused;
  return atomic_load(&caught) != 0;
}

void cli_signals_end(void) {
  pthread_mutex_lock(&w.mu);
  bool started = w.active;
  w.active = false;
  pthread_cond_broadcast(&w.cv);
  pthread_mutex_unlock(&w.mu);
  int sig = atomic_load(&caught);
  if (started && sig) {
    /* the watcher ends the process; wait for it */
    pthread_join(w.thread, NULL);
    _exit(128 + sig);
  }
}
