/*
 * awsc/common.h - types every part of awsc shares: status codes, the
 * caller-owned error record, the allocator hooks, logging and versions.
 */
#ifndef AWSC_COMMON_H
#define AWSC_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "awsc/version.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define AWSC_API __declspec(dllexport)
#elif defined(__GNUC__)
#define AWSC_API __attribute__((visibility("default")))
#else
#define AWSC_API
#endif

/*
 * Status codes. Every fallible call returns 0 (AWSC_OK) or one of these.
 * Numbers are never reused or renumbered; a retired code becomes
 * AWSC_E..._OBSOLETE.
 */
typedef enum awsc_status {
  AWSC_OK = 0,
  AWSC_ENOMEM = -1,        /* an allocation failed */
  AWSC_EINVAL = -2,        /* bad argument (NULL handle, bad option) */
  AWSC_ENETWORK = -3,      /* could not connect / connection broke */
  AWSC_ETIMEOUT = -4,      /* connect or read timeout */
  AWSC_ECREDENTIALS = -5,  /* no credentials, or a provider failed */
  AWSC_ESERVICE = -6,      /* the service answered with an error */
  AWSC_EVALIDATION = -7,   /* input refused before anything was sent */
  AWSC_EPARSE = -8,        /* a response or file could not be parsed */
  AWSC_EIO = -9,           /* local file read/write failed */
  AWSC_ENOTFOUND = -10,    /* named thing (profile, operation, key) absent */
  AWSC_ECONFIG = -11,      /* configuration file or value is invalid */
  AWSC_EUNSUPPORTED = -12, /* feature not built in or not supported */
  AWSC_ETLS = -13,         /* TLS handshake or certificate failure */
  AWSC_ECANCELLED = -14,   /* a callback asked to stop */
  AWSC_EBODY = -15,        /* request body can not be replayed/read */
  AWSC_ECHECKSUM = -16     /* a response body does not match its checksum */
} awsc_status;

/* Broad class of an error, as in botocore's exception families. */
typedef enum awsc_error_kind {
  AWSC_ERROR_NONE = 0,
  AWSC_ERROR_NETWORK,
  AWSC_ERROR_TIMEOUT,
  AWSC_ERROR_CREDENTIALS,
  AWSC_ERROR_SERVICE,
  AWSC_ERROR_VALIDATION,
  AWSC_ERROR_PARSE,
  AWSC_ERROR_IO,
  AWSC_ERROR_CONFIG,
  AWSC_ERROR_INTERNAL
} awsc_error_kind;

/*
 * Details of a failure. Caller-owned storage (on the stack is fine); pass a
 * pointer to any fallible call, or NULL if the details are not wanted.
 * All strings are NUL-terminated and truncated to fit. Never contains a
 * secret. Zero it (or use AWSC_ERROR_INIT) before the first use; calls
 * overwrite it only when they fail.
 */
typedef struct awsc_error {
  int code; /* awsc_status of the failure */
  awsc_error_kind kind;
  int http_status;       /* 0 if no HTTP response was received */
  int retry_attempts;    /* retries made before giving up */
  char service_code[64]; /* e.g. "NoSuchKey" (service errors only) */
  char message[512];     /* human-readable, one line */
  char request_id[128];  /* x-amz-request-id / RequestId if any */
  char host_id[256];     /* x-amz-id-2 if any */
} awsc_error;

#define AWSC_ERROR_INIT                                                        \
  { 0, AWSC_ERROR_NONE, 0, 0, "", "", "", "" }

/* Static English text for a status code; never NULL. */
AWSC_API const char *awsc_strerror(int status);
/* Name of an error kind ("service", "network", ...); never NULL. */
AWSC_API const char *awsc_error_kind_name(awsc_error_kind kind);
/* Reset *err to AWSC_ERROR_INIT. */
AWSC_API void awsc_error_clear(awsc_error *err);

/* Version of the library at run time, e.g. "0.1.0". */
AWSC_API const char *awsc_version(void);
/* AWSC_VERSION_NUM of the library at run time. */
AWSC_API unsigned awsc_version_num(void);

/*
 * Allocator hooks. Every allocation the library makes goes through these.
 * Set them (if at all) before any other awsc call and before
 * awsc_global_init(); the set is process-wide and is never changed after.
 * realloc_fn(NULL, n) must behave as malloc; free_fn(NULL) must be a no-op.
 */
typedef struct awsc_allocator {
  void *(*malloc_fn)(size_t size, void *user_data);
  void *(*realloc_fn)(void *ptr, size_t size, void *user_data);
  void (*free_fn)(void *ptr, void *user_data);
  void *user_data;
} awsc_allocator;

/* Install allocator hooks (NULL restores malloc/realloc/free).
 * Returns AWSC_EINVAL if a hook is missing. Not thread-safe: call once at
 * start-up. */
AWSC_API int awsc_set_allocator(const awsc_allocator *allocator);

/* Free memory that the library returned to the caller as a plain string or
 * buffer (documented per function). */
AWSC_API void awsc_mem_free(void *ptr);

/*
 * One-time process initialisation (libcurl, OpenSSL). Idempotent and
 * thread-safe; awsc_session_new calls it for you. Returns AWSC_OK or an
 * error code.
 */
AWSC_API int awsc_global_init(void);

/* Log levels, from most to least verbose. */
typedef enum awsc_log_level {
  AWSC_LOG_TRACE = 0,
  AWSC_LOG_DEBUG = 1,
  AWSC_LOG_INFO = 2,
  AWSC_LOG_WARN = 3,
  AWSC_LOG_ERROR = 4,
  AWSC_LOG_OFF = 5
} awsc_log_level;

/* A log sink. `message` is one line without a trailing newline, valid
 * only during the call; secrets are already redacted. May be called from
 * any thread that uses the object it was installed on. */
typedef void (*awsc_log_fn)(awsc_log_level level, const char *message,
                            void *user_data);

/* A setting that is on, off, or left to the default. */
typedef enum awsc_toggle {
  AWSC_TOGGLE_DEFAULT = 0,
  AWSC_TOGGLE_ON = 1,
  AWSC_TOGGLE_OFF = -1
} awsc_toggle;

#ifdef __cplusplus
}
#endif

#endif /* AWSC_COMMON_H */
