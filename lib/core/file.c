/* lib/core/file.c - opening a stretch of a file to read, for request
 * bodies (the libcurl transport and the aws-chunked encoder). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "core/core.h"

const char *awsc_errno_text(int e, char *buf, size_t n) {
#if defined(__GLIBC__) && defined(_GNU_SOURCE)
  return strerror_r(e, buf, n);
#else
  if (strerror_r(e, buf, n) != 0)
    snprintf(buf, n, "errno %d", e);
  return buf;
#endif
}

int awsc_file_open_range(const char *path, uint64_t offset, int64_t want,
                         FILE **out, int64_t *len, awsc_error *err) {
  char eb[128];
  *out = NULL;
  *len = want < 0 ? -1 : want;
  FILE *f = fopen(path, "rb");
  if (!f)
    return awsc_error_set(err, AWSC_EIO, AWSC_ERROR_IO,
                          "cannot open request body file %s: %s", path,
                          awsc_errno_text(errno, eb, sizeof(eb)));
  int rc = 0;
  struct stat st;
  if (fstat(fileno(f), &st) != 0) {
    rc = awsc_error_set(err, AWSC_EIO, AWSC_ERROR_IO, "cannot stat %s: %s",
                        path, awsc_errno_text(errno, eb, sizeof(eb)));
  } else if (S_ISREG(st.st_mode)) {
    uint64_t size = (uint64_t)st.st_size;
    if (offset > size)
      rc = awsc_error_set(err, AWSC_EIO, AWSC_ERROR_IO,
                          "offset %" PRIu64 " is past the end of %s (%" PRIu64
                          " bytes)",
                          offset, path, size);
    /* A regular file knows its length: S3 refuses chunked transfer
     * encoding, so the length is what goes out. */
    else if (*len < 0)
      *len = (int64_t)(size - offset);
    else if ((uint64_t)*len > size - offset)
      rc = awsc_error_set(err, AWSC_EIO, AWSC_ERROR_IO,
                          "%s holds %" PRIu64 " bytes after offset %" PRIu64
                          ", fewer than the %" PRId64 " to send",
                          path, size - offset, offset, *len);
  }
  if (!rc && (offset > (uint64_t)INT64_MAX ||
              (offset && fseeko(f, (off_t)offset, SEEK_SET) != 0)))
    rc = awsc_error_set(err, AWSC_EIO, AWSC_ERROR_IO,
                        "cannot seek %s to offset %" PRIu64, path, offset);
  if (rc) {
    fclose(f);
    return rc;
  }
  *out = f;
  return 0;
}
