/*
 * lib/credentials/provider_process.c - credential_process (botocore's
 * ProcessProvider): the profile's command line is split as Python's
 * shlex.split does (POSIX shell quoting, no expansions) and run without a
 * shell; its stdout is a JSON document with the credentials.
 *
 * botocore waits for the process forever. We stop it after a generous
 * limit (60 s unless the options say otherwise) so that a hung helper
 * cannot hang every caller of the credentials chain.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "credentials/credentials_internal.h"

extern char **environ;

#define PROCESS_DEFAULT_TIMEOUT_MS 60000L
#define PROCESS_MAX_STDOUT (1024 * 1024)
#define PROCESS_MAX_STDERR 4096

#define PNAME AWSC_PROVIDER_NAME_PROCESS

/* ---- the reply ---- */

enum { F_VERSION, F_AKID, F_SECRET, F_TOKEN, F_EXPIRATION, F_COUNT };

/* Messages quote Version and Expiration as botocore does, but never when
 * the quoted text would carry the secret or the token (a broken helper
 * may put anything anywhere). */
static void redact_shown(char *shown, size_t size, const awsc_json_field *f) {
  static const int secret_fields[] = {F_SECRET, F_TOKEN};
  for (size_t i = 0; i < AWSC_ARRAY_LEN(secret_fields); i++) {
    const awsc_json_field *s = &f[secret_fields[i]];
    if (s->type != AWSC_JSON_STRING || s->len < 4)
      continue;
    char probe[64];
    awsc_creds_first_line(s->value, s->len, probe, sizeof(probe));
    size_t plen = strlen(probe);
    if ((plen >= 4 && strstr(shown, probe)) ||
        (strlen(shown) >= 4 && strstr(s->value, shown)))
      awsc_strlcpy(shown, "<redacted>", size);
  }
}

int awsc_credential_process_parse(const char *json, size_t len,
                                  awsc_credentials **out, awsc_error *err) {
  if (!out)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "credential_process parse: out is NULL");
  *out = NULL;
  awsc_json_field f[F_COUNT] = {
      {"Version", AWSC_JSON_ABSENT, NULL, 0},
      {"AccessKeyId", AWSC_JSON_ABSENT, NULL, 0},
      {"SecretAccessKey", AWSC_JSON_ABSENT, NULL, 0},
      {"SessionToken", AWSC_JSON_ABSENT, NULL, 0},
      {"Expiration", AWSC_JSON_ABSENT, NULL, 0},
  };
  awsc_error jerr = AWSC_ERROR_INIT;
  int rc = awsc_json_pick(json, len, f, F_COUNT, &jerr);
  if (rc == AWSC_ENOMEM) {
    awsc_error_copy(err, &jerr);
    goto done;
  }
  if (rc) {
    rc = awsc_creds_error(err, PNAME,
                          "credential_process output is not a JSON object: %s",
                          jerr.message);
    goto done;
  }
  /* botocore compares with the integer 1: 1 and 1.0 pass, "1" does not. */
  if (f[F_VERSION].type != AWSC_JSON_NUMBER ||
      strtod(f[F_VERSION].value, NULL) != 1.0) {
    char shown[40];
    if (f[F_VERSION].type == AWSC_JSON_ABSENT)
      awsc_strlcpy(shown, "<Version key not provided>", sizeof(shown));
    else if (f[F_VERSION].value)
      awsc_creds_first_line(f[F_VERSION].value, f[F_VERSION].len, shown,
                            sizeof(shown));
    else
      awsc_strlcpy(shown, f[F_VERSION].type == AWSC_JSON_NULL ? "None" : "?",
                   sizeof(shown));
    redact_shown(shown, sizeof(shown), f);
    rc = awsc_creds_error(err, PNAME,
                          "Unsupported version '%s' for credential process "
                          "provider, supported versions: 1",
                          shown);
    goto done;
  }
  static const int required[] = {F_AKID, F_SECRET};
  for (size_t i = 0; i < AWSC_ARRAY_LEN(required); i++) {
    const awsc_json_field *r = &f[required[i]];
    if (r->type == AWSC_JSON_ABSENT) {
      rc = awsc_creds_error(err, PNAME,
                            "Missing required key in response: "
                            "'%s'",
                            r->name);
      goto done;
    }
    if (r->type != AWSC_JSON_STRING || r->len == 0 ||
        strlen(r->value) != r->len) {
      rc = awsc_creds_error(
          err, PNAME, "'%s' in response is not a non-empty string", r->name);
      goto done;
    }
  }
  /* Optional members may be null, as botocore's parsed.get() allows. */
  for (int i = F_TOKEN; i <= F_EXPIRATION; i++) {
    if (f[i].type != AWSC_JSON_ABSENT && f[i].type != AWSC_JSON_NULL &&
        f[i].type != AWSC_JSON_STRING) {
      rc = awsc_creds_error(err, PNAME, "'%s' in response is not a string",
                            f[i].name);
      goto done;
    }
  }
  int64_t expiration = 0;
  if (f[F_EXPIRATION].type == AWSC_JSON_STRING) {
    awsc_sv sv = {f[F_EXPIRATION].value, f[F_EXPIRATION].len};
    if (awsc_time_parse_iso8601(sv, &expiration) || expiration <= 0) {
      char shown[48];
      awsc_creds_first_line(sv.p, sv.n, shown, sizeof(shown));
      redact_shown(shown, sizeof(shown), f);
      rc = awsc_creds_error(err, PNAME,
                            "Expiration '%s' is not an ISO 8601 time", shown);
      goto done;
    }
  }
  const char *token = f[F_TOKEN].type == AWSC_JSON_STRING && f[F_TOKEN].len
                          ? f[F_TOKEN].value
                          : NULL;
  rc = awsc_credentials_new(out, f[F_AKID].value, f[F_SECRET].value, token,
                            expiration, PNAME);
  if (rc)
    awsc_error_set(err, rc, AWSC_ERROR_INTERNAL, "%s", awsc_strerror(rc));
done:
  awsc_json_fields_cleanup(f, F_COUNT);
  return rc;
}

/* ---- command line splitting (shlex.split, POSIX mode) ---- */

static bool is_ws(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * Split into a NULL-terminated argv. Both the vector and the strings live
 * in one block (free with awsc_free). Rules as shlex in POSIX mode with
 * whitespace_split: '...' is literal; inside "..." a backslash escapes only
 * '"' and '\\'; outside quotes it escapes any character; quoted parts glue
 * to their neighbours; "" gives an empty argument.
 */
static int shell_split(const char *s, char ***argv_out, size_t *argc_out,
                       awsc_error *err) {
  size_t len = strlen(s);
  size_t max_args = len / 2 + 2;
  if (len > SIZE_MAX / 4 - 64)
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  size_t vec_bytes = max_args * sizeof(char *);
  char **argv = awsc_malloc(vec_bytes + len + 1);
  if (!argv)
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  char *o = (char *)argv + vec_bytes;
  size_t argc = 0;
  size_t i = 0;
  for (;;) {
    while (i < len && is_ws(s[i]))
      i++;
    if (i >= len)
      break;
    argv[argc++] = o;
    while (i < len && !is_ws(s[i])) {
      char c = s[i++];
      if (c == '\\') {
        if (i >= len)
          goto no_escaped;
        *o++ = s[i++];
      } else if (c == '\'') {
        while (i < len && s[i] != '\'')
          *o++ = s[i++];
        if (i >= len)
          goto no_closing;
        i++;
      } else if (c == '"') {
        while (i < len && s[i] != '"') {
          if (s[i] == '\\' && i + 1 < len &&
              (s[i + 1] == '"' || s[i + 1] == '\\'))
            i++;
          *o++ = s[i++];
        }
        if (i >= len)
          goto no_closing;
        i++;
      } else {
        *o++ = c;
      }
    }
    *o++ = '\0';
  }
  argv[argc] = NULL;
  if (argc == 0) {
    awsc_free(argv);
    return awsc_error_set(err, AWSC_ECONFIG, AWSC_ERROR_CONFIG,
                          "credential_process is empty");
  }
  *argv_out = argv;
  *argc_out = argc;
  return AWSC_OK;
no_closing:
  awsc_free(argv);
  return awsc_error_set(err, AWSC_ECONFIG, AWSC_ERROR_CONFIG,
                        "credential_process: No closing quotation");
no_escaped:
  awsc_free(argv);
  return awsc_error_set(err, AWSC_ECONFIG, AWSC_ERROR_CONFIG,
                        "credential_process: No escaped character");
}

/* ---- running the command ---- */

static int64_t mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void close_fd(int *fd) {
  if (*fd >= 0) {
    close(*fd);
    *fd = -1;
  }
}

static int wait_child(pid_t pid, int *status) {
  for (;;) {
    if (waitpid(pid, status, 0) == pid)
      return 0;
    if (errno != EINTR)
      return -1;
  }
}

/* Reap the child by the deadline; a helper that closed its output but
 * lingers is killed. Returns 0, 1 on timeout (killed and reaped) or -1. */
static int wait_child_until(pid_t pid, int *status, int64_t deadline) {
  for (;;) {
    pid_t r = waitpid(pid, status, WNOHANG);
    if (r == pid)
      return 0;
    if (r < 0 && errno != EINTR)
      return -1;
    if (mono_ms() >= deadline) {
      kill(pid, SIGKILL);
      wait_child(pid, status);
      return 1;
    }
    struct timespec ts = {0, 5 * 1000000L};
    nanosleep(&ts, NULL);
  }
}

typedef struct run_result {
  awsc_buf out; /* stdout: holds secrets */
  char err_text[PROCESS_MAX_STDERR + 1];
  size_t err_len;
  int status;
} run_result;

/* Read both pipes until EOF, a limit or the deadline; reap the child. */
static int collect(pid_t pid, int out_fd, int err_fd, long timeout_ms,
                   const char *prog, run_result *r, awsc_error *err) {
  int64_t deadline = mono_ms() + timeout_ms;
  int fds[2] = {out_fd, err_fd};
  int rc = AWSC_OK;
  char chunk[4096];
  while (fds[0] >= 0 || fds[1] >= 0) {
    int64_t left = deadline - mono_ms();
    if (left <= 0) {
      rc = awsc_creds_error(err, PNAME,
                            "credential_process %s timed out after %ld ms",
                            prog, timeout_ms);
      break;
    }
    struct pollfd pfd[2];
    nfds_t np = 0;
    for (int k = 0; k < 2; k++) {
      if (fds[k] >= 0) {
        pfd[np].fd = fds[k];
        pfd[np].events = POLLIN;
        pfd[np].revents = 0;
        np++;
      }
    }
    int pr = poll(pfd, np, left > 1000 ? 1000 : (int)left);
    if (pr < 0) {
      if (errno == EINTR)
        continue;
      rc = awsc_creds_error(err, PNAME, "poll failed: %s", strerror(errno));
      break;
    }
    for (nfds_t k = 0; k < np && rc == AWSC_OK; k++) {
      if (!pfd[k].revents)
        continue;
      int which = pfd[k].fd == fds[0] ? 0 : 1;
      ssize_t got = read(pfd[k].fd, chunk, sizeof(chunk));
      if (got < 0 && (errno == EINTR || errno == EAGAIN))
        continue;
      if (got <= 0) {
        close_fd(&fds[which]);
        continue;
      }
      if (which == 0) {
        if (r->out.len + (size_t)got > PROCESS_MAX_STDOUT) {
          rc = awsc_creds_error(err, PNAME,
                                "credential_process %s wrote more than %d "
                                "bytes",
                                prog, PROCESS_MAX_STDOUT);
        } else if (awsc_buf_append_secret(&r->out, chunk, (size_t)got)) {
          rc = awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                              "out of memory");
        }
      } else {
        size_t room = PROCESS_MAX_STDERR - r->err_len;
        size_t take = (size_t)got < room ? (size_t)got : room;
        memcpy(r->err_text + r->err_len, chunk, take);
        r->err_len += take;
        r->err_text[r->err_len] = '\0';
      }
    }
    awsc_secure_zero(chunk, sizeof(chunk));
    if (rc != AWSC_OK)
      break;
  }
  close_fd(&fds[0]);
  close_fd(&fds[1]);
  if (rc != AWSC_OK) {
    kill(pid, SIGKILL);
    wait_child(pid, &r->status);
    return rc;
  }
  int w = wait_child_until(pid, &r->status, deadline);
  if (w == 1)
    return awsc_creds_error(err, PNAME,
                            "credential_process %s timed out after %ld ms",
                            prog, timeout_ms);
  if (w != 0)
    return awsc_creds_error(err, PNAME,
                            "could not get the exit status of %s: %s", prog,
                            strerror(errno));
  return AWSC_OK;
}

static int run_command(char **argv, long timeout_ms, run_result *r,
                       awsc_error *err) {
  int out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1};
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) {
    int e = errno;
    close_fd(&out_pipe[0]);
    close_fd(&out_pipe[1]);
    return awsc_creds_error(err, PNAME, "pipe failed: %s", strerror(e));
  }
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  bool fa_ok = false, attr_ok = false;
  int rc = AWSC_OK;
  int src = posix_spawn_file_actions_init(&fa);
  if (src == 0) {
    fa_ok = true;
    src = posix_spawn_file_actions_adddup2(&fa, out_pipe[1], STDOUT_FILENO);
  }
  if (src == 0)
    src = posix_spawn_file_actions_adddup2(&fa, err_pipe[1], STDERR_FILENO);
#if defined(__GLIBC__) && defined(__GLIBC_PREREQ)
#if __GLIBC_PREREQ(2, 34)
  /* As Python's subprocess (close_fds=True): the helper gets stdin,
   * stdout and stderr only, not the embedder's sockets and files. */
  if (src == 0)
    src = posix_spawn_file_actions_addclosefrom_np(&fa, 3);
#endif
#endif
  if (src == 0) {
    src = posix_spawnattr_init(&attr);
    attr_ok = src == 0;
  }
  /* Like Python's subprocess (restore_signals): the helper starts with
   * default SIGPIPE and nothing blocked, whatever the embedder set. */
  sigset_t none, def;
  sigemptyset(&none);
  sigemptyset(&def);
  sigaddset(&def, SIGPIPE);
  if (src == 0)
    src = posix_spawnattr_setsigmask(&attr, &none);
  if (src == 0)
    src = posix_spawnattr_setsigdefault(&attr, &def);
  if (src == 0)
    src = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK |
                                              POSIX_SPAWN_SETSIGDEF);
  pid_t pid = -1;
  if (src == 0)
    src = posix_spawnp(&pid, argv[0], &fa, &attr, argv, environ);
  if (fa_ok)
    posix_spawn_file_actions_destroy(&fa);
  if (attr_ok)
    posix_spawnattr_destroy(&attr);
  close_fd(&out_pipe[1]);
  close_fd(&err_pipe[1]);
  if (src != 0) {
    close_fd(&out_pipe[0]);
    close_fd(&err_pipe[0]);
    if (src == ENOENT)
      return awsc_creds_error(
          err, PNAME, "credential_process command not found: %.200s", argv[0]);
    return awsc_creds_error(err, PNAME,
                            "could not start credential_process %.200s: %s",
                            argv[0], strerror(src));
  }
  rc = collect(pid, out_pipe[0], err_pipe[0], timeout_ms, argv[0], r, err);
  return rc;
}

/* ---- the provider ---- */

typedef struct process_impl {
  const awsc_config *cfg;
  const awsc_logger *logger;
  long timeout_ms;
} process_impl;

static int process_get(awsc_credentials_provider *p, awsc_credentials **out,
                       awsc_error *err) {
  process_impl *pi = p->impl;
  /* botocore reads the merged profile: the credentials file's section
   * overrides the config file's. */
  const char *cmd = awsc_config_get_scoped(pi->cfg, "credential_process");
  if (!cmd || !*cmd)
    return awsc_error_set(err, AWSC_ENOTFOUND, AWSC_ERROR_CREDENTIALS,
                          "No credential_process in the profile");
  char **argv = NULL;
  size_t argc = 0;
  int rc = shell_split(cmd, &argv, &argc, err);
  if (rc)
    return rc;
  run_result *r = awsc_calloc(1, sizeof(*r));
  if (!r) {
    awsc_free(argv);
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  }
  /* The command line is not logged: it may carry a secret argument. */
  awsc_log(pi->logger, AWSC_LOG_DEBUG,
           "Running credential_process %s (%zu arguments)", argv[0], argc - 1);
  rc = run_command(argv, pi->timeout_ms, r, err);
  if (rc == AWSC_OK) {
    if (WIFSIGNALED(r->status)) {
      rc = awsc_creds_error(err, PNAME,
                            "credential_process %s killed by "
                            "signal %d",
                            argv[0], WTERMSIG(r->status));
    } else if (!WIFEXITED(r->status) || WEXITSTATUS(r->status) != 0) {
      char line[256];
      awsc_creds_first_line(r->err_text, r->err_len, line, sizeof(line));
      rc = awsc_creds_error(err, PNAME,
                            "credential_process exited with "
                            "status %d: %s",
                            WIFEXITED(r->status) ? WEXITSTATUS(r->status) : -1,
                            line[0] ? line : "(no error output)");
    } else {
      rc = awsc_credential_process_parse(r->out.p ? r->out.p : "", r->out.len,
                                         out, err);
    }
  }
  if (rc == AWSC_OK)
    awsc_log(pi->logger, AWSC_LOG_DEBUG,
             "Found credentials from credential_process %s", argv[0]);
  awsc_buf_free_secret(&r->out);
  awsc_secure_zero(r, sizeof(*r));
  awsc_free(r);
  awsc_free(argv);
  return rc;
}

static const awsc_credentials_provider_vtable process_vtable = {
    PNAME, process_get, awsc_provider_free_simple};

int awsc_provider_process_new_ex(awsc_credentials_provider **out,
                                 const awsc_config *cfg,
                                 const awsc_provider_options *opts) {
  if (!out)
    return AWSC_EINVAL;
  *out = NULL;
  if (!cfg)
    return AWSC_EINVAL;
  awsc_credentials_provider *p = NULL;
  process_impl *pi = awsc_provider_alloc(&p, &process_vtable, sizeof(*pi));
  if (!pi)
    return AWSC_ENOMEM;
  pi->cfg = cfg;
  pi->logger = opts ? opts->logger : NULL;
  pi->timeout_ms = opts && opts->timeout_ms > 0 ? opts->timeout_ms
                                                : PROCESS_DEFAULT_TIMEOUT_MS;
  *out = p;
  return AWSC_OK;
}

int awsc_provider_process_new(awsc_credentials_provider **out,
                              const awsc_config *cfg) {
  return awsc_provider_process_new_ex(out, cfg, NULL);
}
