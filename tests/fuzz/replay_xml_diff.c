/*
 * tests/fuzz/replay_xml_diff.c - the check of fuzz_xml_diff over a corpus,
 * as an ordinary program (no libFuzzer, any compiler): every file of the
 * given directories (or the given files) must pass xml_diff_check. Run by
 * meson as the unit test fuzz_xml_diff_replay over tests/fuzz/corpus/xml.
 *
 * usage: replay_xml_diff DIR|FILE...
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "xml_diff.h"

static int n_files, n_bad;

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  size_t cap = 4096, n = 0;
  char *p = malloc(cap);
  size_t got;
  while (p && (got = fread(p + n, 1, cap - n, f)) > 0) {
    n += got;
    if (n == cap) {
      char *q = realloc(p, cap * 2);
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
  *len = n;
  return p;
}

static void check_file(const char *path) {
  size_t n;
  char *doc = slurp(path, &n);
  n_files++;
  if (!doc) {
    printf("FAIL %s: cannot read\n", path);
    n_bad++;
    return;
  }
  char why[512];
  int rc = xml_diff_check(doc, n, why, sizeof(why));
  if (rc != 0) {
    printf("FAIL %s: %s\n", path, why);
    n_bad++;
  }
  free(doc);
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void check_dir(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) {
    printf("FAIL %s: cannot open\n", dir);
    n_bad++;
    return;
  }
  char **names = NULL;
  size_t nn = 0;
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    if (de->d_name[0] == '.' || strcmp(de->d_name, "README") == 0)
      continue;
    char **q = realloc(names, (nn + 1) * sizeof(*q));
    if (!q || !(q[nn] = strdup(de->d_name))) {
      printf("FAIL %s: out of memory\n", dir);
      n_bad++;
      names = q ? q : names;
      break;
    }
    names = q;
    nn++;
  }
  closedir(d);
  qsort(names, nn, sizeof(*names), by_name);
  for (size_t i = 0; i < nn; i++) {
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
    check_file(path);
    free(names[i]);
  }
  free(names);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s DIR|FILE...\n", argv[0]);
    return 2;
  }
  for (int i = 1; i < argc; i++) {
    struct stat st;
    if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
      check_dir(argv[i]);
    else
      check_file(argv[i]);
  }
  printf("%d inputs, %d differences\n", n_files, n_bad);
  /* an empty corpus would pass vacuously */
  return n_bad == 0 && n_files > 0 ? 0 : 1;
}
