/*
 * tests/fuzz/replay.c - a libFuzzer target's check replayed over its
 * corpus as an ordinary program (no libFuzzer, any compiler), so that
 * every build runs what the fuzzers found. Linked with one target's
 * LLVMFuzzerTestOneInput; meson runs it as the test fuzz_<target>_replay
 * (suites unit and fuzz) over tests/fuzz/corpus/<target>.
 *
 * Each input runs in a child process, so one crash, abort or sanitizer
 * report fails that input (named) and the others still run; an input
 * that takes longer than REPLAY_TIMEOUT_S counts as failed too (a parser
 * must be linear in its input). Before the first fork the target runs
 * once on the empty input, so what it loads once (a model, a rule set)
 * is loaded in the parent and shared.
 *
 * usage: replay_<target> DIR|FILE...
 */
#include <dirent.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define REPLAY_TIMEOUT_S 30

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int n_pass, n_fail;

/* The whole file in a block of exactly its size, as libFuzzer hands it
 * over: a read past the end is caught by ASan builds. */
static uint8_t *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  uint8_t *p = NULL;
  size_t n = 0;
  if (fseek(f, 0, SEEK_END) == 0) {
    long end = ftell(f);
    if (end >= 0 && fseek(f, 0, SEEK_SET) == 0) {
      n = (size_t)end;
      p = malloc(n ? n : 1);
      if (p && fread(p, 1, n, f) != n) {
        free(p);
        p = NULL;
      }
    }
  }
  fclose(f);
  *len = n;
  return p;
}

static void run_file(const char *path) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) {
    printf("FAIL %s: fork failed\n", path);
    n_fail++;
    return;
  }
  if (pid == 0) {
    alarm(REPLAY_TIMEOUT_S);
    size_t n;
    uint8_t *data = slurp(path, &n);
    if (!data) {
      printf("FAIL %s: cannot read\n", path);
      exit(3);
    }
    LLVMFuzzerTestOneInput(data, n);
    free(data);
    exit(0); /* not _exit: LeakSanitizer checks at exit */
  }
  int st = 0;
  if (waitpid(pid, &st, 0) != pid) {
    printf("FAIL %s: lost the child\n", path);
    n_fail++;
  } else if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
    n_pass++;
  } else {
    if (WIFSIGNALED(st))
      printf("FAIL %s: signal %d%s\n", path, WTERMSIG(st),
             WTERMSIG(st) == SIGALRM ? " (timeout)" : "");
    else
      printf("FAIL %s: exit status %d\n", path, WEXITSTATUS(st));
    n_fail++;
  }
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_dir(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) {
    printf("FAIL %s: cannot open\n", dir);
    n_fail++;
    return;
  }
  char **names = NULL;
  size_t nn = 0;
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    if (de->d_name[0] == '.' || strcmp(de->d_name, "README") == 0)
      continue;
    char **q = realloc(names, (nn + 1) * sizeof(*q));
    if (!q) {
      n_fail++;
      break;
    }
    names = q;
    if (!(names[nn] = strdup(de->d_name))) {
      n_fail++;
      break;
    }
    nn++;
  }
  closedir(d);
  if (nn)
    qsort(names, nn, sizeof(*names), by_name);
  for (size_t i = 0; i < nn; i++) {
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
    run_file(path);
    free(names[i]);
  }
  free(names);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s DIR|FILE...\n", argv[0]);
    return 2;
  }
  static const uint8_t empty[1];
  LLVMFuzzerTestOneInput(empty, 0);
  for (int i = 1; i < argc; i++) {
    struct stat st;
    if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
      run_dir(argv[i]);
    else
      run_file(argv[i]);
  }
  printf("%d passed, %d failed\n", n_pass, n_fail);
  /* an empty corpus would pass vacuously */
  return n_fail == 0 && n_pass > 0 ? 0 : 1;
}
