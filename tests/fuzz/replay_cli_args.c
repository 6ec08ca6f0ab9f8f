/*
 * tests/fuzz/replay_cli_args.c - the checks of fuzz_cli_args over a
 * corpus, as an ordinary program (no libFuzzer, any compiler): every file
 * of the given directories (or the given files) goes through the target's
 * LLVMFuzzerTestOneInput, which aborts on a broken promise. Run by meson
 * as the unit test fuzz_cli_args_replay (tests/unit/cli/meson.build) over
 * tests/fuzz/corpus/cli_args. Self-contained on purpose: the generic
 * replay in tests/fuzz/replay may take it over.
 *
 * usage: replay_cli_args DIR|FILE...
 */
#include <dirent.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int n_files, n_bad;
static char current[4096];

/* A broken promise aborts inside the target: name the input first. */
static void on_abort(int sig) {
  (void)sig;
  static const char msg[] = "FAIL (abort) ";
  if (write(2, msg, sizeof(msg) - 1) < 0 ||
      write(2, current, strlen(current)) < 0 || write(2, "\n", 1) < 0)
    _exit(134);
  _exit(134);
}

static void replay_file(const char *path) {
  snprintf(current, sizeof(current), "%s", path);
  n_files++;
  FILE *f = fopen(path, "rb");
  if (!f) {
    printf("FAIL %s: cannot read\n", path);
    n_bad++;
    return;
  }
  size_t cap = 4096, n = 0, got;
  uint8_t *p = malloc(cap);
  while (p && (got = fread(p + n, 1, cap - n, f)) > 0) {
    n += got;
    if (n == cap) {
      uint8_t *q = realloc(p, cap * 2);
      if (!q) {
        free(p);
        p = NULL;
        break;
      }
      p = q;
      cap *= 2;
    }
  }
  fclose(f);
  if (!p) {
    printf("FAIL %s: out of memory\n", path);
    n_bad++;
    return;
  }
  LLVMFuzzerTestOneInput(p, n);
  free(p);
}

static void replay_path(const char *path) {
  struct stat st;
  if (stat(path, &st) != 0) {
    printf("FAIL %s: cannot open\n", path);
    n_bad++;
    return;
  }
  if (!S_ISDIR(st.st_mode)) {
    replay_file(path);
    return;
  }
  DIR *d = opendir(path);
  if (!d) {
    printf("FAIL %s: cannot open\n", path);
    n_bad++;
    return;
  }
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    if (de->d_name[0] == '.')
      continue;
    char full[4096];
    snprintf(full, sizeof(full), "%s/%s", path, de->d_name);
    replay_file(full);
  }
  closedir(d);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s DIR|FILE...\n", argv[0]);
    return 2;
  }
  signal(SIGABRT, on_abort);
  for (int i = 1; i < argc; i++)
    replay_path(argv[i]);
  if (n_files == 0) {
    printf("FAIL: no input files\n");
    n_bad++;
  }
  printf("%d passed, %d failed\n", n_files - n_bad, n_bad);
  return n_bad ? 1 : 0;
}
