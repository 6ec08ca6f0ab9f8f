/* lib/core/log.c - leveled logging through a caller-supplied sink, with
 * secrets redacted before any text leaves the library. */
#include <stdio.h>
#include <string.h>

#include "core/core.h"

/* Lines up to this size are formatted on the stack; longer ones go to the
 * heap up to LOG_MAX_LINE and are truncated beyond it. */
#define LOG_STACK_LINE 2048
#define LOG_MAX_LINE (64 * 1024)

bool awsc_log_enabled(const awsc_logger *logger, awsc_log_level level) {
  return logger && logger->fn && level < AWSC_LOG_OFF && level >= logger->level;
}

typedef enum marker_kind {
  /* "Name=value": the value starts right after the marker. */
  MARK_VALUE,
  /* A key in INI, env, JSON or XML ("key = v", "KEY=v", "\"Key\": \"v\"",
   * "<Key>v"): only redacted when an '=', ':' or '>' follows, so prose that
   * merely names the key ("missing SessionToken") is left alone. */
  MARK_KEY,
  /* Authorization header: SigV4 values keep their non-secret parts (the
   * Signature= marker takes the secret); any other scheme (SigV2, Bearer,
   * Basic) is redacted to the end of the line. */
  MARK_AUTH
} marker_kind;

typedef struct marker {
  const char *text;
  size_t len;
  marker_kind kind;
} marker;

#define M(s, k)                                                                \
  { s, sizeof(s) - 1, k }
/* Longer markers first where one contains another, so X-Amz-Signature=
 * wins over Signature= at the same position. */
static const marker markers[] = {
    M("x-amz-signature=", MARK_VALUE),
    M("signature=", MARK_VALUE),
    M("x-amz-security-token", MARK_KEY),
    M("authorization:", MARK_AUTH),
    M("aws_secret_access_key", MARK_KEY),
    M("aws_session_token", MARK_KEY),
    M("secretaccesskey", MARK_KEY),
    M("sessiontoken", MARK_KEY),
    /* IMDS / container credential JSON names the session token "Token". */
    M("\"token\"", MARK_KEY),
};
#undef M

static char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? (char)(c + ('a' - 'A')) : c;
}

static bool is_value_end(char c) {
  switch (c) {
  case '\0':
  case ' ':
  case ',':
  case '&':
  case ';':
  case '"':
  case '\n':
  case '\r':
  case '\t':
  case '\'':
  case '<':
    return true;
  default:
    return false;
  }
}

static const marker *marker_at(const char *s, size_t avail) {
  char c0 = lower(s[0]);
  if (c0 != 'x' && c0 != 's' && c0 != 'a' && c0 != '"')
    return NULL;
  for (size_t m = 0; m < AWSC_ARRAY_LEN(markers); m++) {
    const marker *mk = &markers[m];
    if (mk->len > avail || mk->text[0] != c0)
      continue;
    size_t k = 1;
    while (k < mk->len && lower(s[k]) == mk->text[k])
      k++;
    if (k == mk->len)
      return mk;
  }
  return NULL;
}

/* Where the secret value after marker mk (ending at `pos`) starts, or
 * SIZE_MAX when there is nothing to redact. *to_eol asks for redaction to
 * the end of the line. */
static size_t value_start(const char *text, size_t len, size_t pos,
                          const marker *mk, bool *to_eol) {
  *to_eol = false;
  switch (mk->kind) {
  case MARK_VALUE:
    return pos;
  case MARK_AUTH:
    while (pos < len && (text[pos] == ' ' || text[pos] == '\t'))
      pos++;
    if (mk->kind == MARK_AUTH) {
      static const char sigv4[] = "aws4-";
      size_t k = 0;
      while (k < sizeof(sigv4) - 1 && pos + k < len &&
             lower(text[pos + k]) == sigv4[k])
        k++;
      if (k == sizeof(sigv4) - 1)
        return SIZE_MAX;
      *to_eol = true;
    }
    return pos;
  case MARK_KEY: {
    bool assigned = false;
    while (pos < len) {
      char c = text[pos];
      if (c == '=' || c == ':' || c == '>')
        assigned = true;
      else if (c != ' ' && c != '\t' && c != '"' && c != '\'' && c != '\\')
        break;
      pos++;
    }
    return assigned ? pos : SIZE_MAX;
  }
  }
  return SIZE_MAX;
}

void awsc_log_redact(char *text) {
  if (!text)
    return;
  size_t len = strlen(text);
  size_t i = 0;
  while (i < len) {
    const marker *mk = marker_at(text + i, len - i);
    if (!mk) {
      i++;
      continue;
    }
    bool to_eol;
    size_t vs = value_start(text, len, i + mk->len, mk, &to_eol);
    if (vs == SIZE_MAX) {
      i += mk->len;
      continue;
    }
    size_t ve = vs;
    if (to_eol)
      while (ve < len && text[ve] != '\n' && text[ve] != '\r')
        ve++;
    else
      while (ve < len && !is_value_end(text[ve]))
        ve++;
    size_t vlen = ve - vs;
    if (vlen >= 3) {
      memcpy(text + vs, "***", 3);
      memmove(text + vs + 3, text + ve, len - ve + 1);
      len -= vlen - 3;
      i = vs + 3;
    } else {
      /* Too short to shrink in place; masking keeps the length, which for
       * one or two characters reveals nothing useful. */
      memset(text + vs, '*', vlen);
      i = ve > i + mk->len ? ve : i + mk->len;
    }
  }
}

/* The sink receives one line: inner line breaks become spaces, trailing
 * ones are dropped. Runs after redaction, which uses them as delimiters. */
static void one_line(char *s) {
  size_t n = strlen(s);
  while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
    s[--n] = '\0';
  for (size_t i = 0; i < n; i++)
    if (s[i] == '\n' || s[i] == '\r')
      s[i] = ' ';
}

void awsc_log(const awsc_logger *logger, awsc_log_level level, const char *fmt,
              ...) {
  if (!awsc_log_enabled(logger, level))
    return;
  char stack[LOG_STACK_LINE];
  char *msg = stack;
  char *heap = NULL;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(stack, sizeof(stack), fmt, ap);
  va_end(ap);
  if (n < 0)
    return;
  if ((size_t)n >= sizeof(stack)) {
    size_t size = (size_t)n < LOG_MAX_LINE ? (size_t)n + 1 : LOG_MAX_LINE;
    heap = awsc_malloc(size);
    if (heap) {
      va_start(ap, fmt);
      vsnprintf(heap, size, fmt, ap);
      va_end(ap);
      msg = heap;
    }
  }
  awsc_log_redact(msg);
  one_line(msg);
  logger->fn(level, msg, logger->user_data);
  /* The unredacted text was formatted here; do not leave it behind. */
  awsc_secure_zero(stack, sizeof(stack));
  if (heap) {
    awsc_secure_zero(heap, strlen(heap));
    awsc_free(heap);
  }
}
