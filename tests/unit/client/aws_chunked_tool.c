/*
 * aws_chunked_tool ALGORITHM CHUNK_SIZE < in > out: write the aws-chunked
 * encoding of stdin (lib/auth/aws_chunked.c) to stdout, for comparing
 * against botocore's AwsChunkedWrapper (aws_chunked_vs_botocore.py). The
 * body is read into memory, then encoded in odd-sized reads so that the
 * output position tracking is exercised too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/aws_chunked.h"

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s ALGORITHM CHUNK_SIZE < in > out\n", argv[0]);
    return 2;
  }
  char *end;
  unsigned long long chunk = strtoull(argv[2], &end, 10);
  if (*end || end == argv[2]) {
    fprintf(stderr, "bad chunk size %s\n", argv[2]);
    return 2;
  }
  size_t cap = 1 << 16, len = 0, got;
  char *data = malloc(cap);
  while (data && (got = fread(data + len, 1, cap - len, stdin)) > 0) {
    len += got;
    if (len == cap)
      data = realloc(data, cap *= 2);
  }
  if (!data || ferror(stdin)) {
    fprintf(stderr, "cannot read stdin\n");
    return 1;
  }
  awsc_body_source inner = {.kind = AWSC_BODY_MEMORY, .data = data, .len = len};
  awsc_aws_chunked ac;
  awsc_error err = AWSC_ERROR_INIT;
  if (awsc_aws_chunked_init(&ac, &inner, argv[1], (size_t)chunk, &err) != 0) {
    fprintf(stderr, "%s\n", err.message);
    free(data);
    return 1;
  }
  awsc_body_source src;
  awsc_aws_chunked_source(&ac, &src);
  static char buf[12345];
  int64_t r, total = 0;
  while ((r = src.read(buf, sizeof(buf), src.user_data)) > 0) {
    fwrite(buf, 1, (size_t)r, stdout);
    total += r;
  }
  int rc = 0;
  if (r < 0 || total != src.content_length) {
    fprintf(stderr, "read status %lld, %lld bytes of %lld\n", (long long)r,
            (long long)total, (long long)src.content_length);
    rc = 1;
  }
  awsc_aws_chunked_cleanup(&ac);
  free(data);
  if (fflush(stdout) != 0)
    rc = 1;
  return rc;
}
