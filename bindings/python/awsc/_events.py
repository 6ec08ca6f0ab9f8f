"""client.meta.events over the C request/response hooks (awsc/hooks.h).

botocore's events and where they run here:
  provide-client-params  C AWSC_HOOK_PROVIDE_CLIENT_PARAMS: the handler gets
      the parameters (as JSON gives them back: timestamps ISO 8601 text;
      the payload, S3's Body, is not among them); what it returns, or the
      dict it changed, replaces them.
  before-parameter-build  in Python, before the parameters go to C (the dict
      as the caller gave it). validate_bucket_name there is the C bucket-name
      check: unregistering it turns the check off (awsc_client_set_check).
  before-call  C AWSC_HOOK_BEFORE_CALL: `params` is botocore's request
      dict (headers, url_path, query_string, method, body, url, context);
      headers added to params['headers'] are sent (set at before-sign);
      a handler's answer, (http_response, parsed) or a dict, answers the call
      without sending anything (awsc_hook_set_response_json).
  before-sign  C AWSC_HOOK_BEFORE_SIGN, each attempt: `request` has method,
      url, headers (change, add, delete: the change is signed), context.
  after-call  C AWSC_HOOK_AFTER_CALL records the raw answer (status, headers,
      body); the handlers run when the call returns, with http_response
      (status_code, headers, content, text) and parsed (the dict, or the
      error's response, before the ClientError is raised), as botocore.
  choose-signer  botocore.handlers.disable_signing makes the client unsigned.
A client with no hook registered pays nothing for them (the C library's
one atomic load).
"""
import ctypes
import json
import threading

from . import _lib
from . import exceptions as exc

lib = _lib.lib

_C_EVENTS = {
    "provide-client-params": _lib.HOOK_PROVIDE_CLIENT_PARAMS,
    "before-call": _lib.HOOK_BEFORE_CALL,
    "before-sign": _lib.HOOK_BEFORE_SIGN,
    "after-call": _lib.HOOK_AFTER_CALL,
}
_PY_EVENTS = ("before-parameter-build", "choose-signer")


class HTTPHeaders(dict):
    """A case-insensitive header dict (botocore's HTTPHeaders and
    AWSRequest.headers are both): keys kept as given, looked up by lower
    case."""

    def __init__(self, items=()):
        dict.__init__(self)
        self._lower = {}
        for k, v in items:
            self[k] = v

    def _key(self, k):
        return self._lower.get(k.lower(), k)

    def __setitem__(self, k, v):
        old = self._lower.get(k.lower())
        if old is not None and old != k:
            dict.__delitem__(self, old)
        self._lower[k.lower()] = k
        dict.__setitem__(self, k, v)

    def __getitem__(self, k):
        return dict.__getitem__(self, self._key(k))

    def __delitem__(self, k):
        real = self._key(k)
        dict.__delitem__(self, real)
        del self._lower[real.lower()]

    def __contains__(self, k):
        return isinstance(k, str) and k.lower() in self._lower

    def get(self, k, default=None):
        return dict.get(self, self._key(k), default)

    def pop(self, k, *default):
        if k in self:
            v = self[k]
            del self[k]
            return v
        if default:
            return default[0]
        raise KeyError(k)

    def setdefault(self, k, v=None):
        if k not in self:
            self[k] = v
        return self[k]

    def update(self, other=(), **kw):
        items = other.items() if hasattr(other, "items") else other
        for k, v in list(items) + list(kw.items()):
            self[k] = v

    def add_header(self, k, v):
        self[k] = v

    def replace_header(self, k, v):
        self[k] = v

    def lower_items(self):
        return ((k.lower(), v) for k, v in self.items())


class AWSRequest(object):
    """What a before-sign handler gets as `request`."""

    def __init__(self, method, url, headers, context):
        self.method = method
        self.url = url
        self.headers = headers
        self.body = None
        self.data = None
        self.context = context
        self.stream_output = False


class AWSResponse(object):
    """What an after-call handler gets as `http_response`."""

    def __init__(self, status_code, headers, content):
        self.status_code = status_code
        self.headers = headers
        self.content = content
        self.raw = None
        self.url = None

    @property
    def text(self):
        return self.content.decode("utf-8", "replace")


class OperationModel(object):
    """The `model` handlers get: the operation's name and service."""

    def __init__(self, name, service_model):
        self.name = name
        self.service_model = service_model
        self.metadata = getattr(service_model, "_metadata", {})


def _headers_of(ctx):
    n = lib.awsc_hook_header_count(ctx)
    name = ctypes.c_char_p()
    value = ctypes.c_char_p()
    h = HTTPHeaders()
    for i in range(n):
        if lib.awsc_hook_header(ctypes.byref(name), ctypes.byref(value), ctx, i) == 0:
            h[name.value.decode("latin-1")] = (value.value or b"").decode("latin-1")
    return h


def _matches(pattern, event):
    p = pattern.split(".")
    e = event.split(".")
    if len(p) > len(e):
        return False
    return all(a == "*" or a == b for a, b in zip(p, e))


class CallState(threading.local):
    """Per thread: what one call's hooks share (botocore's context dict,
    before-call's headers for before-sign, the raw answer for after-call,
    an exception a handler raised)."""

    def __init__(self):
        self.context = None
        self.headers = None
        self.http = None
        self.exc = None
        self.answer = None     # what a before-call handler answered
        self.answer_http = None  # and its http_response


class HierarchicalEmitter(object):
    """client.meta.events."""

    def __init__(self, client):
        self._client = client
        self._handlers = []  # (event pattern, handler, unique_id)
        self._c_hooks = {}   # C event -> (hook id, the ctypes callback)
        self._state = CallState()
        self.py_active = False     # before-parameter-build handlers
        self.after_call = False    # after-call handlers (run in Python)
        self.any_c = False         # a C hook is registered
        self.provide_params = False  # provide-client-params handlers

    # -- registration -------------------------------------------------------

    def _sid(self):
        return self._client.meta.service_model.service_id.replace(" ", "-").lower()

    def register(self, event_name, handler, unique_id=None,
                 unique_id_uses_count=False):
        base = event_name.split(".")[0]
        if base not in _C_EVENTS and base not in _PY_EVENTS:
            raise exc.UnsupportedFeature(
                feature="event %r" % event_name,
                reason="the binding raises provide-client-params, before-parameter-build, "
                       "before-call, before-sign, after-call and choose-signer")
        if unique_id is not None and any(u == unique_id for _, _, u in self._handlers):
            return  # botocore: a second registration of an id is ignored
        name = getattr(handler, "__name__", "")
        if base == "choose-signer" and name == "disable_signing":
            self._client._set_signing(False)
        if base == "before-parameter-build" and name == "validate_bucket_name":
            self._client._set_bucket_check(True)
            return
        self._handlers.append((event_name, handler, unique_id))
        self._sync()

    register_first = register
    register_last = register

    def unregister(self, event_name, handler=None, unique_id=None,
                   unique_id_uses_count=False):
        name = getattr(handler, "__name__", "")
        if event_name.startswith("before-parameter-build") and name == "validate_bucket_name":
            self._client._set_bucket_check(False)
            return
        keep = []
        for ev, h, uid in self._handlers:
            if ev == event_name and (h == handler or (unique_id and uid == unique_id)):
                if ev.startswith("choose-signer") and getattr(h, "__name__", "") == "disable_signing":
                    self._client._set_signing(True)
                continue
            keep.append((ev, h, uid))
        self._handlers = keep
        self._sync()

    def _wanted_c_events(self):
        sid = self._sid()
        want = set()
        for ev, _, _ in self._handlers:
            parts = ev.split(".")
            if parts[0] in _C_EVENTS and (len(parts) < 2 or parts[1] in (sid, "*")):
                want.add(_C_EVENTS[parts[0]])
        if _lib.HOOK_BEFORE_CALL in want:
            want.add(_lib.HOOK_BEFORE_SIGN)  # carries before-call's headers
        return want

    def _sync(self):
        """The C hooks the handlers need, on the client's C handle."""
        want = self._wanted_c_events()
        c = self._client._c
        for ev in list(self._c_hooks):
            if ev not in want:
                hid, _ = self._c_hooks.pop(ev)
                err = _lib.Error()
                lib.awsc_client_hook_remove(c, hid, ctypes.byref(err))
        for ev in want:
            if ev not in self._c_hooks:
                self._c_hooks[ev] = self._add_c_hook(c, ev)
        self.any_c = bool(self._c_hooks)
        self.py_active = any(ev.startswith("before-parameter-build") for ev, _, _ in self._handlers)
        self.after_call = _lib.HOOK_AFTER_CALL in want
        self.provide_params = _lib.HOOK_PROVIDE_CLIENT_PARAMS in want

    def _add_c_hook(self, c, ev):
        fn = _lib.HOOK_FN(lambda ctx, ud, ev=ev: self._c_hook(ev, ctx))
        hid = ctypes.c_int()
        err = _lib.Error()
        _lib.check(lib.awsc_client_hook_add(ctypes.byref(hid), c, ev, None, fn, None,
                                            ctypes.byref(err)), err)
        return hid.value, fn

    def reinstall(self, c):
        """The client got a new C handle (_set_signing): the same hooks on it."""
        old = self._c_hooks
        self._c_hooks = {}
        for ev in old:
            self._c_hooks[ev] = self._add_c_hook(c, ev)

    # -- emitting -----------------------------------------------------------

    def emit(self, event_name, **kwargs):
        out = []
        for ev, h, _ in list(self._handlers):
            if _matches(ev, event_name):
                out.append((h, h(event_name=event_name, **kwargs)))
        return out

    def emit_until_response(self, event_name, **kwargs):
        for ev, h, _ in list(self._handlers):
            if _matches(ev, event_name):
                r = h(event_name=event_name, **kwargs)
                if r is not None:
                    return h, r
        return None, None

    def active(self):
        return bool(self._handlers)

    def begin_call(self):
        st = self._state
        st.context = {}
        st.headers = None
        st.http = None
        st.exc = None
        st.answer = None
        st.answer_http = None
        return st

    def _model(self, op):
        return OperationModel(op, self._client.meta.service_model)

    def _c_hook(self, ev, ctx):
        """The C hook of every event: runs the matching handlers; an
        exception they raise stops the call and is raised by it."""
        st = self._state
        _lib._tls.in_hook = getattr(_lib._tls, "in_hook", 0) + 1
        try:
            if st.context is None:
                st.context = {}
            op = lib.awsc_hook_operation(ctx).decode()
            if ev == _lib.HOOK_PROVIDE_CLIENT_PARAMS:
                return self._provide_params(ctx, op, st)
            if ev == _lib.HOOK_BEFORE_CALL:
                return self._before_call(ctx, op, st)
            if ev == _lib.HOOK_BEFORE_SIGN:
                return self._before_sign(ctx, op, st)
            status = lib.awsc_hook_http_status(ctx)
            data = ctypes.c_void_p()
            n = ctypes.c_size_t()
            lib.awsc_hook_body(ctypes.byref(data), ctypes.byref(n), ctx)
            body = ctypes.string_at(data.value, n.value) if data.value else b""
            st.http = AWSResponse(status, _headers_of(ctx), body)
            return 0
        except BaseException as e:  # noqa: BLE001 - raised by the call
            st.exc = e
            lib.awsc_hook_set_error(ctx, ("a handler raised %s" % type(e).__name__).encode())
            return 1
        finally:
            _lib._tls.in_hook -= 1

    def _event(self, base, op):
        return "%s.%s.%s" % (base, self._sid(), op)

    def _provide_params(self, ctx, op, st):
        event = self._event("provide-client-params", op)
        if not any(_matches(ev, event) for ev, _, _ in self._handlers):
            return 0
        text = lib.awsc_hook_params_json(ctx)
        params = json.loads(text) if text else {}
        for _, r in self.emit(event, params=params, model=self._model(op), context=st.context):
            if r is not None:
                params = r
                break
        from ._client import dumps
        # a refused replacement fails the call by itself (its validation
        # error), whatever the hook returns
        lib.awsc_hook_set_params_json(ctx, dumps(params).encode("utf-8"))
        return 0

    def _before_call(self, ctx, op, st):
        event = self._event("before-call", op)
        if not any(_matches(ev, event) for ev, _, _ in self._handlers):
            return 0
        st.headers = HTTPHeaders()
        request_dict = {"url_path": "", "query_string": {}, "method": "",
                        "headers": st.headers, "body": b"", "url": "",
                        "context": st.context}
        _, r = self.emit_until_response(event, model=self._model(op), params=request_dict,
                                        request_signer=None, context=st.context)
        if isinstance(request_dict.get("headers"), dict) and request_dict["headers"] is not st.headers:
            st.headers = HTTPHeaders(request_dict["headers"].items())
        if r is None:
            return 0
        parsed = r[1] if isinstance(r, tuple) and len(r) == 2 else r
        # the C call is answered (nothing sent) with what JSON can carry;
        # the call then returns the handler's own object, as botocore does
        # (a Body the handler gave stays what it is)
        st.answer = parsed
        st.answer_http = r[0] if isinstance(r, tuple) and len(r) == 2 else None
        from ._client import dumps
        try:
            text = dumps({k: v for k, v in (parsed or {}).items()
                          if not hasattr(v, "read")})
        except (TypeError, ValueError):
            text = "{}"
        if lib.awsc_hook_set_response_json(ctx, text.encode("utf-8")):
            raise exc.ParamValidationError(report="before-call answer is not JSON")
        return 0

    def _before_sign(self, ctx, op, st):
        if st.headers:
            for k, v in st.headers.items():
                if lib.awsc_hook_header_set(ctx, k.encode("latin-1"),
                                            None if v is None else str(v).encode("latin-1")):
                    raise ValueError("invalid header %r" % k)
        event = self._event("before-sign", op)
        if not any(_matches(ev, event) for ev, _, _ in self._handlers):
            return 0
        old = _headers_of(ctx)
        headers = HTTPHeaders(old.items())
        req = AWSRequest(lib.awsc_hook_request_method(ctx).decode(),
                         lib.awsc_hook_request_url(ctx).decode(), headers, st.context)
        self.emit(event, request=req, signing_name=self._client.meta.service_model.signing_name,
                  region_name=self._client.meta.region_name, signature_version="v4",
                  request_signer=None, operation_name=op)
        new = req.headers if isinstance(req.headers, HTTPHeaders) else HTTPHeaders(req.headers.items())
        for k, v in new.items():
            if old.get(k) != v:
                if lib.awsc_hook_header_set(ctx, k.encode("latin-1"), str(v).encode("latin-1")):
                    raise ValueError("invalid header %r" % k)
        for k in old:
            if k not in new:
                lib.awsc_hook_header_set(ctx, k.encode("latin-1"), None)
        return 0
