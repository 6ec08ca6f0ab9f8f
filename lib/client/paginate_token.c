/*
 * Pagination tokens as botocore writes and reads them (paginate.py
 * TokenEncoder / TokenDecoder / PageIterator._parse_starting_token).
 *
 * A resume token is base64 of json.dumps({"<input_token>": value, ...,
 * "boto_truncate_amount": n}) with Python's default separators and
 * ensure_ascii, so a token made here resumes a boto3 run and the other way
 * round. Token values are kept as that same JSON text everywhere in the
 * paginator: comparing two tokens (botocore compares the dicts) is then a
 * string comparison.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/paginate_internal.h"

static int put_u16(awsc_buf *b, unsigned cp) {
  return awsc_buf_printf(b, "\\u%04x", cp & 0xFFFFu);
}

/* Length of the UTF-8 sequence at s (1..4) and its code point; 0 when the
 * bytes are not valid UTF-8. */
static size_t utf8_decode(const unsigned char *s, size_t n, unsigned *cp) {
  unsigned c = s[0];
  size_t len;
  unsigned v, min;
  if (c < 0xC2)
    return 0; /* continuation byte or overlong lead */
  if (c < 0xE0) {
    len = 2;
    v = c & 0x1F;
    min = 0x80;
  } else if (c < 0xF0) {
    len = 3;
    v = c & 0x0F;
    min = 0x800;
  } else if (c < 0xF5) {
    len = 4;
    v = c & 0x07;
    min = 0x10000;
  } else {
    return 0;
  }
  if (len > n)
    return 0;
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xC0) != 0x80)
      return 0;
    v = (v << 6) | (s[i] & 0x3F);
  }
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
    return 0;
  *cp = v;
  return len;
}

/* A string as json.dumps(ensure_ascii=True) writes it. */
static int py_string(awsc_buf *b, const char *p, size_t n) {
  const unsigned char *s = (const unsigned char *)p;
  int rc = awsc_buf_putc(b, '"');
  for (size_t i = 0; i < n && !rc;) {
    unsigned c = s[i];
    const char *esc = c == '"'    ? "\\\""
                      : c == '\\' ? "\\\\"
                      : c == '\n' ? "\\n"
                      : c == '\r' ? "\\r"
                      : c == '\t' ? "\\t"
                      : c == '\b' ? "\\b"
                      : c == '\f' ? "\\f"
                                  : NULL;
    if (esc) {
      rc = awsc_buf_puts(b, esc);
      i++;
    } else if (c >= 0x20 && c < 0x7F) {
      rc = awsc_buf_putc(b, (char)c);
      i++;
    } else if (c < 0x80) {
      rc = put_u16(b, c);
      i++;
    } else {
      unsigned cp;
      size_t len = utf8_decode(s + i, n - i, &cp);
      if (!len) { /* not UTF-8: keep the byte as a Latin-1 code point */
        cp = c;
        len = 1;
      }
      if (cp >= 0x10000) {
        cp -= 0x10000;
        rc = put_u16(b, 0xD800 + (cp >> 10));
        rc = rc ? rc : put_u16(b, 0xDC00 + (cp & 0x3FF));
      } else {
        rc = put_u16(b, cp);
      }
      i += len;
    }
  }
  return rc ? rc : awsc_buf_putc(b, '"');
}

int awsc_pyjson_dump(awsc_buf *b, const awsc_value *v) {
  char num[48];
  int rc;
  switch (v->type) {
  case AWSC_V_NULL:
    return awsc_buf_puts(b, "null");
  case AWSC_V_BOOL:
    return awsc_buf_puts(b, v->u.b ? "true" : "false");
  case AWSC_V_INT:
    return awsc_buf_printf(b, "%lld", (long long)v->u.i);
  case AWSC_V_DOUBLE:
    /* Python's float repr; json.dumps writes NaN / Infinity bare too */
    awsc_double_format(v->u.d, num);
    return awsc_buf_puts(b, num);
  case AWSC_V_STRING:
    return py_string(b, v->u.s.p, v->u.s.n);
  case AWSC_V_TIMESTAMP:
    awsc_time_format_iso8601(v->u.i, true, num);
    return py_string(b, num, strlen(num));
  case AWSC_V_LIST:
    rc = awsc_buf_putc(b, '[');
    for (size_t i = 0; !rc && i < v->u.list.n; i++) {
      if (i)
        rc = awsc_buf_puts(b, ", ");
      rc = rc ? rc : awsc_pyjson_dump(b, &v->u.list.items[i]);
    }
    return rc ? rc : awsc_buf_putc(b, ']');
  case AWSC_V_MAP:
    rc = awsc_buf_putc(b, '{');
    for (size_t i = 0; !rc && i < v->u.map.n; i++) {
      const awsc_kv *kv = &v->u.map.items[i];
      if (i)
        rc = awsc_buf_puts(b, ", ");
      rc = rc ? rc : py_string(b, kv->key, kv->key_len);
      rc = rc ? rc : awsc_buf_puts(b, ": ");
      rc = rc ? rc : awsc_pyjson_dump(b, &kv->value);
    }
    return rc ? rc : awsc_buf_putc(b, '}');
  default:
    /* bytes: botocore's boto_encoded_keys, not implemented */
    return AWSC_EUNSUPPORTED;
  }
}

int awsc_resume_token_encode(char **out, const char *const *names,
                             char *const *texts, size_t n, int64_t truncate) {
  *out = NULL;
  awsc_buf j = AWSC_BUF_INIT;
  int rc = awsc_buf_putc(&j, '{');
  for (size_t i = 0; !rc && i < n; i++) {
    if (i)
      rc = awsc_buf_puts(&j, ", ");
    rc = rc ? rc : py_string(&j, names[i], strlen(names[i]));
    rc = rc ? rc : awsc_buf_puts(&j, ": ");
    rc = rc ? rc : awsc_buf_puts(&j, texts[i] ? texts[i] : "null");
  }
  if (!rc && truncate >= 0)
    rc = awsc_buf_printf(&j, "%s\"boto_truncate_amount\": %lld", n ? ", " : "",
                         (long long)truncate);
  rc = rc ? rc : awsc_buf_putc(&j, '}');
  char *b64 = rc ? NULL : awsc_malloc(AWSC_BASE64_LEN(j.len) + 1);
  if (b64)
    awsc_base64_encode((const uint8_t *)j.p, j.len, b64);
  awsc_buf_free(&j);
  if (!b64)
    return AWSC_ENOMEM;
  *out = b64;
  return 0;
}

static int bad_token(const char *token, awsc_error *err) {
  return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                        "Bad starting token: %s", token);
}

static void free_texts(char **texts, size_t n) {
  for (size_t i = 0; i < n; i++) {
    awsc_free(texts[i]);
    texts[i] = NULL;
  }
}

/* The new form: base64 of a JSON object. 1 = not that form (the caller
 * falls back to the old one, as botocore does on ValueError). */
static int decode_json_token(const char *token, const char *const *names,
                             size_t n, char **texts, int64_t *index,
                             awsc_error *err) {
  size_t tl = strlen(token);
  /* b64decode rejects bad padding (binascii.Error, a ValueError) */
  if (tl == 0 || tl % 4 != 0)
    return 1;
  uint8_t *raw = awsc_malloc(tl / 4 * 3 + 3);
  if (!raw)
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  size_t rl = 0;
  int rc = 1;
  awsc_arena *a = NULL;
  awsc_value v;
  if (awsc_base64_decode(token, tl, raw, &rl) != 0 || rl == 0 || raw[0] != '{')
    goto done;
  a = awsc_arena_new(0);
  if (!a) {
    rc = awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL, "out of memory");
    goto done;
  }
  awsc_error perr = AWSC_ERROR_INIT;
  int prc =
      awsc_value_from_json_ex(&v, a, NULL, (const char *)raw, rl, 0, &perr);
  if (prc == AWSC_ENOMEM) {
    rc = awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL, "out of memory");
    goto done;
  }
  if (prc || v.type != AWSC_V_MAP)
    goto done;
  for (size_t i = 0; i < v.u.map.n; i++) {
    const awsc_kv *kv = &v.u.map.items[i];
    if (strcmp(kv->key, "boto_truncate_amount") == 0) {
      if (kv->value.type != AWSC_V_INT) {
        rc = bad_token(token, err);
        goto done;
      }
      *index = kv->value.u.i;
      continue;
    }
    if (strcmp(kv->key, "boto_encoded_keys") == 0) {
      rc = awsc_error_set(err, AWSC_EUNSUPPORTED, AWSC_ERROR_VALIDATION,
                          "Starting tokens with binary values "
                          "(boto_encoded_keys) are not supported");
      goto done;
    }
    size_t k = 0;
    while (k < n && strcmp(names[k], kv->key) != 0)
      k++;
    if (k == n) { /* a key the paginator does not take */
      rc = bad_token(token, err);
      goto done;
    }
    if (kv->value.type == AWSC_V_NULL)
      continue;
    awsc_buf t = AWSC_BUF_INIT;
    int drc = awsc_pyjson_dump(&t, &kv->value);
    if (drc || !t.p) {
      awsc_buf_free(&t);
      rc = awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
      goto done;
    }
    awsc_free(texts[k]);
    texts[k] = awsc_buf_detach(&t);
  }
  rc = 0;
done:
  if (rc)
    free_texts(texts, n);
  awsc_arena_free(a);
  awsc_free(raw);
  return rc;
}

/* botocore's _parse_starting_token_deprecated: "tok1___tok2___index", or
 * an opaque service token as it is (what users pass most often: the
 * NextContinuationToken of an earlier response). */
static int decode_old_token(const char *token, const char *const *names,
                            size_t n, char **texts, int64_t *index,
                            awsc_error *err) {
  (void)names;
  size_t parts = 1;
  const char *last = token;
  for (const char *s = strstr(token, "___"); s; s = strstr(s + 3, "___")) {
    parts++;
    last = s + 3;
  }
  const char *end = token + strlen(token);
  bool whole = false; /* the token is one opaque part */
  if (parts == n + 1) {
    char *stop = NULL;
    long long idx = *last ? strtoll(last, &stop, 10) : 0;
    if (*last && stop && *stop == '\0') {
      *index = idx;
      end = last - 3;
      parts = n;
    } else {
      whole = true; /* int() failed: "parts = [self._starting_token]" */
      parts = 1;
    }
  }
  if (parts > n)
    return bad_token(token, err);
  const char *s = token;
  for (size_t k = 0; k < parts; k++) {
    const char *e = whole ? end : strstr(s, "___");
    if (!e || e > end)
      e = end;
    size_t len = (size_t)(e - s);
    if (!(len == 4 && memcmp(s, "None", 4) == 0)) {
      awsc_buf t = AWSC_BUF_INIT;
      if (py_string(&t, s, len) || !t.p) {
        awsc_buf_free(&t);
        free_texts(texts, n);
        return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                              "out of memory");
      }
      texts[k] = awsc_buf_detach(&t);
    }
    if (e < end)
      s = e + 3;
  }
  return 0;
}

int awsc_starting_token_decode(const char *token, const char *const *names,
                               size_t n, char **texts, int64_t *index,
                               awsc_error *err) {
  for (size_t i = 0; i < n; i++)
    texts[i] = NULL;
  *index = 0;
  int rc = decode_json_token(token, names, n, texts, index, err);
  if (rc != 1)
    return rc;
  *index = 0;
  return decode_old_token(token, names, n, texts, index, err);
}
