/*
 * lib/client/pipeline_reader.c - the pull-style body reader: an
 * asynchronous call whose streamed payload goes, through the pipeline's
 * usual sink chain (checksum, each byte once across retries), into a
 * bounded buffer that awsc_body_reader_read empties in the caller's
 * pieces. When the buffer holds buffer_bytes the transfer is paused
 * (curl_easy_pause), and resumed when a read wants more than is there,
 * so a body of any size costs about buffer_bytes of memory.
 *
 * While a read waits, the bytes arriving go straight into the caller's
 * buffer (one copy from libcurl's, not two); the reader's own buffer
 * holds only what arrives outside a read (with the headers, or past the
 * end of the caller's buffer in one loop step).
 */
#include <string.h>

#include "client/call_body.h"
#include "client/pipeline_async.h"
#include "http/loop_internal.h"

#define DEFAULT_BUFFER_BYTES ((size_t)1 << 20)

struct awsc_body_reader {
  awsc_request *r; /* NULL once the call is over */
  awsc_loop *loop;
  bool own_loop;
  char *buf; /* bytes [start, start + len) wait to be read */
  size_t cap, start, len;
  size_t high; /* pause at this many bytes waiting */
  char *dst;   /* a read waiting: its buffer, filled [0, dst_got) */
  size_t dst_want, dst_got;
  bool paused;
  bool headers_ready; /* the first body byte arrived (metadata known) */
  bool done;          /* the call is over: status says how */
  int status;
  awsc_error err;
  char *meta_json; /* until handed to the caller by open */
  bool error_doc;  /* meta_json is a service error's document */
};

/* Room for n more bytes: the waiting bytes moved to the front, the
 * buffer grown only when they and n do not fit. */
static int reserve(awsc_body_reader *br, size_t n) {
  if (br->start + br->len + n <= br->cap)
    return 0;
  if (br->len && br->start)
    memmove(br->buf, br->buf + br->start, br->len);
  br->start = 0;
  if (br->len + n <= br->cap)
    return 0;
  /* from the first piece's size (a small body is one piece) doubling up
   * to the pause threshold; past it (bytes libcurl had read before the
   * pause took effect: up to a few MiB in one loop step over loopback) by
   * a quarter, so that those bytes cost a few reallocations, not one per
   * piece */
  size_t cap = br->cap ? br->cap : (n + 4095) & ~(size_t)4095;
  while (cap < br->len + n && cap < br->high)
    cap *= 2;
  if (cap < br->len + n) {
    cap += cap / 4;
    if (cap < br->len + n)
      cap = br->len + n;
  }
  char *p = awsc_realloc(br->buf, cap);
  if (!p)
    return AWSC_ENOMEM;
  br->buf = p;
  br->cap = cap;
  return 0;
}

/* The metadata JSON from the answer's headers, at the first body byte. */
static int headers_arrived(awsc_body_reader *br) {
  awsc_request *r = br->r;
  br->headers_ready = true;
  int rc = awsc_request_ws_hold(r);
  if (!rc)
    rc = awsc_pipe_headers_output(&r->st);
  if (!rc &&
      awsc_request_output_json(r, r->st.stream_out->name, &br->meta_json))
    rc = awsc_error_set(&r->err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                        "out of memory");
  return rc;
}

/* The sink at the end of the chain (called from inside libcurl). */
static int reader_write(const void *data, size_t len, void *ud) {
  awsc_body_reader *br = ud;
  if (!br->headers_ready) {
    int rc = headers_arrived(br);
    if (rc)
      return rc;
  }
  if (br->dst && br->dst_got < br->dst_want) {
    size_t room = br->dst_want - br->dst_got;
    size_t k = len < room ? len : room;
    memcpy(br->dst + br->dst_got, data, k);
    br->dst_got += k;
    data = (const char *)data + k;
    len -= k;
    if (!len)
      return 0;
  }
  if (reserve(br, len))
    return AWSC_ENOMEM;
  memcpy(br->buf + br->start + br->len, data, len);
  br->len += len;
  if (br->len >= br->high && !br->paused && br->r) {
    br->paused = true;
    awsc_loop_xfer_pause(&br->r->xfer, true);
  }
  return 0;
}

/* The payload member of an output that did not come through the sink (a
 * BEFORE_CALL hook's answer: awsc_hook_set_response_json) into the buffer.
 * A streamed answer never has it: the parser leaves it to the sink. */
static int answer_body(awsc_body_reader *br, awsc_request *r) {
  const awsc_value *v =
      r->call.output.type == AWSC_V_MAP
          ? awsc_value_get(&r->call.output, r->st.stream_out->name)
          : NULL;
  if (!v || (v->type != AWSC_V_BLOB && v->type != AWSC_V_STRING) || !v->u.s.n)
    return 0;
  if (reserve(br, v->u.s.n))
    return AWSC_ENOMEM;
  memcpy(br->buf + br->start + br->len, v->u.s.p, v->u.s.n);
  br->len += v->u.s.n;
  return 0;
}

static void reader_complete(awsc_request *r, int rc) {
  awsc_body_reader *br = r->user_data;
  br->done = true;
  br->status = rc;
  br->paused = false;
  if (rc == AWSC_ESERVICE && !br->headers_ready) {
    /* the error document for open's caller, as awsc_call_json_response */
    br->err = r->err;
    br->error_doc = true;
    if (awsc_call_error_json(&r->ws->text, &r->call) ||
        !(br->meta_json = awsc_out_strndup(r->ws->text.p, r->ws->text.len)))
      br->status = awsc_error_set(&br->err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                                  "out of memory");
  } else if (rc)
    br->err = r->err;
  else if (!br->headers_ready) {
    /* an empty body, or an answer a BEFORE_CALL hook gave (nothing was
     * sent): the metadata from the finished call, and the answer's
     * payload, if it has one, becomes the body to read */
    br->headers_ready = true;
    if (awsc_request_output_json(r, r->st.stream_out->name, &br->meta_json) ||
        answer_body(br, r))
      br->status = awsc_error_set(&br->err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                                  "out of memory");
  }
  br->r = NULL;
  awsc_request_release(r);
}

static bool has_streaming_output(const awsc_operation *op) {
  const awsc_shape *o = op ? op->output : NULL;
  if (!o || o->payload_index < 0)
    return false;
  const awsc_member *m = &o->members[o->payload_index];
  return (m->flags & AWSC_MF_STREAMING) ||
         (m->shape->flags & AWSC_SF_STREAMING);
}

void awsc_body_reader_close(awsc_body_reader *br) {
  if (!br)
    return;
  if (br->r)
    awsc_request_abort_now(br->r);
  if (br->own_loop)
    awsc_loop_free(br->loop);
  awsc_mem_free(br->meta_json);
  awsc_free(br->buf);
  awsc_free(br);
}

static int check_open(awsc_body_reader **reader_out, char **meta_json_out,
                      awsc_client *c, const char *opname,
                      const awsc_body_reader_options *o, awsc_error *err) {
  if (!reader_out || !meta_json_out || !c || !opname)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_body_reader_open: NULL argument");
  if (o && !AWSC_VERSION_OK(o->version, AWSC_BODY_READER_OPTIONS_VERSION))
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_body_reader_options.version is %d, expected "
                          "%d (use AWSC_BODY_READER_OPTIONS_INIT)",
                          o->version, AWSC_BODY_READER_OPTIONS_VERSION);
  if (o && awsc_loop_is_hooked(o->loop))
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_body_reader_open: the reader runs its loop "
                          "while it waits; a loop driven through hooks can "
                          "not be");
  const awsc_operation *op = awsc_service_find_operation(c->svc, opname);
  if (op && !has_streaming_output(op))
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "%s has no streaming output payload: use "
                          "awsc_call_json",
                          op->name);
  return 0;
}

int awsc_body_reader_open(awsc_body_reader **reader_out, char **meta_json_out,
                          awsc_client *c, const char *opname,
                          const char *json_in,
                          const awsc_body_reader_options *o, awsc_error *err) {
  int rc = check_open(reader_out, meta_json_out, c, opname, o, err);
  if (rc)
    return rc;
  *reader_out = NULL;
  *meta_json_out = NULL;
  awsc_body_reader *br = awsc_calloc(1, sizeof(*br));
  if (!br)
    return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL,
                          "out of memory");
  br->high = (o && o->buffer_bytes) ? o->buffer_bytes : DEFAULT_BUFFER_BYTES;
  br->loop = o ? o->loop : NULL;
  if (!br->loop) {
    br->own_loop = true;
    rc = awsc_loop_new_single(&br->loop, NULL, err);
  }
  awsc_body_sink sink;
  memset(&sink, 0, sizeof(sink));
  sink.kind = AWSC_SINK_CALLBACK;
  sink.write = reader_write;
  sink.user_data = br;
  if (!rc)
    rc = awsc_request_start(&br->r, br->loop, c, opname, json_in, &sink, true,
                            reader_complete, br, err);
  /* its answer is parsed in the loop, after this: an error's document is
   * kept for the caller */
  if (!rc)
    br->r->call.keep_service_error = true;
  while (!rc && !br->headers_ready && !br->done) {
    int n = awsc_loop_run_once(br->loop, -1, err);
    rc = n < 0 ? n : 0;
  }
  /* a failure before the body (a body cut short after its first bytes is
   * the reads' to report) */
  if (!rc && br->done && br->status && (!br->meta_json || br->error_doc)) {
    rc = br->status;
    awsc_error_copy(err, &br->err);
    if (rc == AWSC_ESERVICE) { /* the error document, if made */
      *meta_json_out = br->meta_json;
      br->meta_json = NULL;
    }
  }
  if (!rc && !br->meta_json)
    rc = awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL, "out of memory");
  if (rc) {
    awsc_body_reader_close(br);
    return rc;
  }
  *meta_json_out = br->meta_json;
  br->meta_json = NULL;
  *reader_out = br;
  return 0;
}

/* At least `least` bytes (fewer only at the end), up to n: what waits
 * first, then the rest straight from libcurl until `least` is there. */
static int64_t read_span(awsc_body_reader *br, char *buf, size_t least,
                         size_t n, awsc_error *err) {
  size_t take = br->len < n ? br->len : n;
  if (take) {
    memcpy(buf, br->buf + br->start, take);
    br->start += take;
    br->len -= take;
    if (!br->len)
      br->start = 0;
  }
  int rc = 0;
  if (take < least && !br->done) {
    br->dst = buf + take;
    br->dst_want = n - take;
    br->dst_got = 0;
    while (take + br->dst_got < least && !br->done) {
      if (br->paused && br->r) {
        br->paused = false;
        awsc_loop_xfer_pause(&br->r->xfer, false);
        continue; /* resuming may have delivered bytes already */
      }
      int st = awsc_loop_run_once(br->loop, -1, err);
      if (st < 0) {
        rc = st;
        break;
      }
    }
    take += br->dst_got;
    br->dst = NULL;
  }
  if (take) /* a loop failure is reported by the next read */
    return (int64_t)take;
  if (rc)
    return rc;
  if (br->status) {
    awsc_error_copy(err, &br->err);
    return br->status;
  }
  return 0;
}

int64_t awsc_body_reader_read(awsc_body_reader *br, void *buf, size_t n,
                              awsc_error *err) {
  if (!br || (!buf && n))
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_body_reader_read: NULL argument");
  return read_span(br, buf, n, n, err);
}

int64_t awsc_body_reader_read_some(awsc_body_reader *br, void *buf,
                                   size_t least, size_t n, awsc_error *err) {
  if (!br || (!buf && n))
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_body_reader_read_some: NULL argument");
  if (least > n)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "awsc_body_reader_read_some: least %zu > n %zu",
                          least, n);
  return read_span(br, buf, least || !n ? least : 1, n, err);
}
