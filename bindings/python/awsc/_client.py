"""boto3's low-level client: one method per operation, made at run time from
the C library's operation list and the model, each one a call of the generic
JSON face (awsc_call_json_response) with conversions at the edge."""
import base64
import ctypes
import datetime
import json
import re

from . import _errors
from . import _events
from . import _lib
from . import _model
from . import exceptions as exc
from .response import StreamingBody

_first_cap_regex = re.compile(r"(.)([A-Z][a-z]+)")
_end_cap_regex = re.compile(r"([a-z0-9])([A-Z])")
_special_case_transform = re.compile(r"[A-Z]{2,}s$")


def xform_name(name, sep="_"):
    """botocore.xform_name: "ListObjectsV2" -> "list_objects_v2"."""
    if sep in name:
        return name
    special = _special_case_transform.search(name)
    if special:
        matched = special.group()
        name = name[:-len(matched)] + sep + matched.lower()
    s1 = _first_cap_regex.sub(r"\1" + sep + r"\2", name)
    return _end_cap_regex.sub(r"\1" + sep + r"\2", s1).lower()


class _Binary(Exception):
    """A blob parameter that is not UTF-8 text: the JSON face can not carry
    it (issue 11 point 1, binary request bodies)."""

    def __init__(self, data):
        Exception.__init__(self, "binary body")
        self.data = data


def _json_default(o):
    if isinstance(o, datetime.datetime) or isinstance(o, datetime.date):
        return _model.format_timestamp(o)
    if isinstance(o, (bytes, bytearray, memoryview)):
        try:
            return bytes(o).decode("utf-8")
        except UnicodeDecodeError:
            raise _Binary(bytes(o))
    if hasattr(o, "read"):
        data = o.read()
        if isinstance(data, str):
            return data
        return _json_default(data)
    if hasattr(o, "__float__") and type(o).__name__ == "Decimal":
        return float(o)
    raise TypeError("Invalid type for parameter: %r (%s)" % (o, type(o).__name__))


try:
    # json's C encoder made once (json.dumps makes one per call: a few
    # microseconds of a call's ~15 in Python); no circular-reference check
    # (a cycle ends in RecursionError instead of ValueError)
    _c_encode = json.encoder.c_make_encoder(
        None, _json_default, json.encoder.encode_basestring, None, ":", ",",
        False, False, True)
except (AttributeError, TypeError):
    _c_encode = None


def dumps(params):
    if _c_encode is not None and type(params) is dict:
        return "".join(_c_encode(params, 0))
    return json.dumps(params, default=_json_default, separators=(",", ":"),
                      ensure_ascii=False)


_scan = json.decoder.JSONDecoder().scan_once


def loads(text):
    """The C library's JSON text (bytes, UTF-8, no surrounding white space)
    -> Python objects, with json's C scanner alone (json.loads adds an
    encoding guess and two white-space matches)."""
    s = text.decode("utf-8")
    try:
        obj, end = _scan(s, 0)
    except StopIteration:
        return json.loads(s)
    if end != len(s):
        return json.loads(s)  # trailing text: json's own error or answer
    return obj


class ClientExceptions(object):
    """client.exceptions: ClientError and one subclass per modeled error."""

    def __init__(self, code_to_exception):
        self._code_to_exception = code_to_exception
        self.ClientError = exc.ClientError

    def from_code(self, error_code):
        return self._code_to_exception.get(error_code, exc.ClientError)

    def __getattr__(self, name):
        raise AttributeError(
            "%r object has no attribute %r. Valid exceptions are: %s" % (
                type(self).__name__, name,
                ", ".join(sorted(c.__name__ for c in self._code_to_exception.values()))))


_exceptions_cache = {}


def exceptions_for(service, model):
    if service in _exceptions_cache:
        return _exceptions_cache[service]
    code_map = {}
    attrs = {}
    if model is not None:
        for name, code in model.error_codes().items():
            cls = type(str(name), (exc.ClientError,), {})
            code_map[code] = cls
            attrs[name] = cls
    ce = ClientExceptions(code_map)
    for name, cls in attrs.items():
        setattr(ce, name, cls)
    _exceptions_cache[service] = ce
    return ce


class ClientMeta(object):
    def __init__(self, client, service, model, region_name, endpoint_url, config):
        self.service_model = _ServiceModelView(service, model)
        self.region_name = region_name
        self.endpoint_url = endpoint_url
        self.config = config
        self.partition = "aws"
        self.method_to_api_mapping = {}
        self.events = _events.HierarchicalEmitter(client)


class _ServiceModelView(object):
    def __init__(self, service, model):
        self.service_name = service
        self._model = model
        md = model.metadata if model else {}
        self.service_id = md.get("serviceId", service)
        self.signing_name = md.get("signingName", md.get("endpointPrefix", service))
        self.api_version = md.get("apiVersion")
        self.protocol = md.get("protocol")
        self.operation_names = sorted(model.operations) if model else []


def _operation_doc(model, op_name, desc):
    lines = [model.documentation(op_name) if model else ""]
    lines.append("")
    lines.append("Request syntax: client.%s(**kwargs)" % desc["PythonName"])
    for name, m in desc.get("Input", {}).items():
        req = " [REQUIRED]" if m.get("Required") else ""
        enum = (" (one of: %s)" % ", ".join(m["Enum"])) if m.get("Enum") else ""
        lines.append("  :param %s: (%s)%s%s" % (name, m.get("Type"), req, enum))
    if desc.get("Output"):
        lines.append(":rtype: dict with %s" % ", ".join(desc["Output"]))
    return "\n".join(lines).strip()


class _LazyDoc(str):
    """A docstring made when first read (botocore's LazyLoadedDocstring):
    the documentation is in the model file, read only then, not at client
    creation. An empty str to anything that does not ask for its text."""

    def __new__(cls, make):
        self = str.__new__(cls)
        self._make = make
        self._text = None
        return self

    def _get(self):
        if self._text is None:
            self._text = self._make()
        return self._text

    def __str__(self):
        return self._get()

    __repr__ = __str__

    def expandtabs(self, tabsize=8):
        return self._get().expandtabs(tabsize)

    def __len__(self):
        return len(self._get())

    def __bool__(self):
        return True

    def __contains__(self, x):
        return x in self._get()

    def __iter__(self):
        return iter(self._get())

    def __getitem__(self, i):
        return self._get()[i]

    def __add__(self, other):
        return self._get() + other

    def __radd__(self, other):
        return other + self._get()

    def __eq__(self, other):
        return self._get() == other

    def __ne__(self, other):
        return self._get() != other

    def __hash__(self):
        return hash(self._get())

    def __format__(self, spec):
        return format(self._get(), spec)

    def __getattribute__(self, name):
        # str's methods (split, strip, splitlines...) on the text, not on
        # the empty str this is
        if name in ("_make", "_text", "_get", "expandtabs", "__class__") or \
                not hasattr(str, name) or name.startswith("__"):
            return object.__getattribute__(self, name)
        return getattr(self._get(), name)


def _make_method(py_name, op_name):
    def _api_call(self, *args, **kwargs):
        if args:
            raise TypeError("%s() only accepts keyword arguments." % py_name)
        return self._make_api_call(op_name, kwargs)
    _api_call.__name__ = str(py_name)
    return _api_call


_class_cache = {}


def client_class(service, c_client, model):
    """The client class of a service: built once, with a method per
    operation named as boto3 names it."""
    key = (service, model.path if model else None)
    if key in _class_cache:
        return _class_cache[key]
    py_names = json.loads(_lib.json_out_call(_lib.lib.awsc_client_list_operations, c_client))
    attrs = {}
    mapping = {}
    for py in py_names:
        # the C description names the model's operation and its parameters
        desc = json.loads(_lib.json_out_call(_lib.lib.awsc_client_describe_operation,
                                             c_client, py.encode()))
        op = desc["Name"]
        meth = _make_method(py, op)
        meth.__doc__ = _LazyDoc(lambda op=op, desc=desc: _operation_doc(model, op, desc))
        attrs[py] = meth
        mapping[py] = op
    cls_name = (model.metadata.get("serviceId", service) if model else service).replace(" ", "")
    cls = type(str(cls_name), (BaseClient,), attrs)
    cls._PY_TO_OP = mapping
    _class_cache[key] = cls
    return cls


class BaseClient(object):
    _PY_TO_OP = {}

    def __init__(self, owner, c_session, service, c_client, model, config,
                 region_name, endpoint_url, client_kwargs):
        self._owner = owner  # the Session: keeps the C session alive
        self._c_session = c_session
        self._c = c_client
        self._service = service
        self._model = model
        self._client_kwargs = client_kwargs
        self.meta = ClientMeta(self, service, model,
                               _lib.lib.awsc_client_region(c_client).decode(),
                               _lib.lib.awsc_client_endpoint(c_client).decode(),
                               config)
        self.meta.method_to_api_mapping = dict(self._PY_TO_OP)
        self.exceptions = exceptions_for(service, model)
        self._paginator_model = None
        self._waiter_model = None
        self._payload_cache = {}
        self._bucket_check = True

    def __del__(self):
        c = getattr(self, "_c", None)
        if c:
            _lib.lib.awsc_client_free(c)
            self._c = None

    def close(self):
        """Nothing to close: connections belong to the C session."""

    def __repr__(self):
        return "<botocore.client.%s object at 0x%x>" % (type(self).__name__, id(self))

    def _set_signing(self, signed):
        kw = dict(self._client_kwargs)
        kw["sign"] = signed
        new = _lib.new_client(self._c_session, self._service, **kw)
        if not self._bucket_check:
            self._c_set_bucket_check(new, False)
        self.meta.events.reinstall(new)
        old, self._c = self._c, new
        _lib.lib.awsc_client_free(old)
        self._client_kwargs = kw

    def _c_set_bucket_check(self, c, on):
        err = _lib.Error()
        _lib.check(_lib.lib.awsc_client_set_check(
            c, _lib.CHECK_BUCKET_NAME, _lib.TOGGLE_DEFAULT if on else _lib.TOGGLE_OFF,
            ctypes.byref(err)), err)

    def _set_bucket_check(self, on):
        """botocore.handlers.validate_bucket_name registered (on) or
        unregistered (off): the C library's own bucket-name check."""
        if self._service != "s3":
            return
        self._c_set_bucket_check(self._c, on)
        self._bucket_check = on

    # -- calls --------------------------------------------------------------

    def _make_api_call(self, operation_name, api_params):
        events = self.meta.events
        st = None
        if events.any_c or events.py_active or events.provide_params:
            st = events.begin_call()
            if events.py_active:
                sid = self.meta.service_model.service_id.replace(" ", "-").lower()
                events.emit("before-parameter-build.%s.%s" % (sid, operation_name),
                            params=api_params, model=events._model(operation_name),
                            context=st.context)
        # timestamp text (a date alone, RFC 822...) is read by the C
        # library as botocore reads it (lib/runtime/timestamp.c)
        in_payload, out_payload, streaming = self._payload_info(operation_name)
        payload = None
        if in_payload is not None and api_params.get(in_payload) is not None:
            api_params = dict(api_params)
            payload = api_params.pop(in_payload)
        try:
            text = dumps(api_params).encode("utf-8")
        except _Binary:
            raise exc.UnsupportedFeature(
                feature="%s with a binary (non-UTF-8) blob parameter outside the payload"
                % operation_name,
                reason="the C generic call takes non-payload blobs as JSON text")
        except TypeError as e:
            raise exc.ParamValidationError(report=str(e))
        op = operation_name.encode()
        try:
            if streaming is not None and payload is None:
                resp = self._reader_call(op, text, streaming)
            elif in_payload is not None or out_payload is not None:
                raw, data = _lib.call_body(self._c, op, text, payload, out_payload is not None)
                resp = loads(raw)
                if out_payload is not None:
                    resp[out_payload] = StreamingBody.from_bytes(data or b"") \
                        if streaming else (data or b"")
                resp = self._convert_output(operation_name, resp)
            else:
                resp = self._convert_output(operation_name,
                                            loads(_lib.call(self._c, op, text)))
        except _lib.CallFailed as e:
            if st is not None and st.exc is not None:
                raise st.exc
            err = _errors.translate(e, operation_name, self.meta.endpoint_url, self.exceptions)
            if st is not None and events.after_call and isinstance(err, exc.ClientError):
                self._after_call(operation_name, st, err.response)
            raise err
        except TypeError as e:  # a payload of a type the C body can not take
            raise exc.ParamValidationError(report=str(e))
        if st is not None and st.answer is not None:
            body = resp.get(streaming) if streaming is not None else None
            if hasattr(body, "close"):
                body.close()
            if events.after_call:
                st.http = st.answer_http
                self._after_call(operation_name, st, st.answer)
            return st.answer  # a before-call handler's answer, as botocore returns it
        if st is not None and events.after_call:
            self._after_call(operation_name, st, resp)
        return resp

    def _after_call(self, operation_name, st, parsed):
        events = self.meta.events
        http = st.http or _events.AWSResponse(
            parsed.get("ResponseMetadata", {}).get("HTTPStatusCode", 200),
            _events.HTTPHeaders(parsed.get("ResponseMetadata", {}).get("HTTPHeaders", {}).items()),
            b"")
        sid = self.meta.service_model.service_id.replace(" ", "-").lower()
        events.emit("after-call.%s.%s" % (sid, operation_name), http_response=http,
                    parsed=parsed, model=events._model(operation_name), context=st.context)

    def _reader_call(self, op, text, streaming):
        """A streaming answer (get_object): its metadata now, the body through
        the C pull-style reader as the caller reads it."""
        try:
            meta, reader = _lib.open_reader(self._c, op, text, self._owner.loops, self)
        except _lib.CallFailed as e:
            if e.status != _lib.ESERVICE or e.body:
                raise  # a service error carries its document (e.body)
            # no document (out of memory making it): the call once more
            # for the answer's headers and elements (the read-only
            # operation; an answer this time is returned as it is)
            raw, data = _lib.call_body(self._c, op, text, None, True)
            resp = loads(raw)
            resp[streaming] = StreamingBody.from_bytes(data or b"")
            return self._convert_output(op.decode(), resp)
        resp = loads(meta)
        resp[streaming] = StreamingBody.from_reader(reader, resp.get("ContentLength"))
        return self._convert_output(op.decode(), resp)

    def _payload_info(self, operation_name):
        info = self._payload_cache.get(operation_name)
        if info is None:
            info = self._model.payload_info(operation_name) \
                if self._model else (None, None, None)
            self._payload_cache[operation_name] = info
        return info

    def _convert_output(self, operation_name, resp):
        md = resp.get("ResponseMetadata")
        if md is not None and "HostId" not in md and \
                "x-amz-request-id" in md.get("HTTPHeaders", ()):
            md["HostId"] = md["HTTPHeaders"].get("x-amz-id-2", "")
        if self._model is None:
            return resp
        conv, streaming = self._model.output_info(operation_name)
        if streaming is not None:
            body = resp.get(streaming)
            if isinstance(body, str):  # a JSON answer's body (resources): base64
                resp[streaming] = StreamingBody.from_bytes(base64.b64decode(body))
            elif body is None and streaming in resp:
                resp[streaming] = StreamingBody.from_bytes(b"")
        if conv is not None:
            conv(resp)
        return resp

    # -- paginators, waiters, presigning ---------------------------------

    def can_paginate(self, operation_name):
        return bool(_lib.lib.awsc_client_can_paginate(self._c, operation_name.encode()))

    def get_paginator(self, operation_name):
        from .paginate import Paginator
        if not self.can_paginate(operation_name):
            raise exc.OperationNotPageableError(operation_name=operation_name)
        return Paginator(self, operation_name, self._PY_TO_OP.get(operation_name, operation_name))

    @property
    def waiter_names(self):
        return sorted(xform_name(n) for n in (self._model.waiters if self._model else ()))

    def get_waiter(self, waiter_name):
        from .waiter import Waiter
        if not _lib.lib.awsc_client_has_waiter(self._c, waiter_name.encode()):
            raise ValueError("Waiter does not exist: %s" % waiter_name)
        return Waiter(self, waiter_name)

    def generate_presigned_url(self, ClientMethod, Params=None, ExpiresIn=3600,
                               HttpMethod=None):
        out = ctypes.c_void_p()
        err = _lib.Error()
        op = self._PY_TO_OP.get(ClientMethod)
        if op is None:
            raise exc.UnknownClientMethodError(method_name=ClientMethod)
        try:
            text = dumps(Params or {})
        except (TypeError, _Binary) as e:
            raise exc.ParamValidationError(report=str(e))
        rc = _lib.lib.awsc_generate_presigned_url(ctypes.byref(out), self._c, ClientMethod.encode(),
                                                  text.encode(), int(ExpiresIn), ctypes.byref(err))
        url = _lib.take_string(out.value)
        if rc:
            raise _errors.translate(_lib.CallFailed(rc, err), op, self.meta.endpoint_url,
                                    self.exceptions)
        return url

    def generate_presigned_post(self, Bucket, Key, Fields=None, Conditions=None,
                                ExpiresIn=3600):
        self._s3_only("generate_presigned_post")
        call = {"Bucket": Bucket, "Key": Key, "Fields": Fields,
                "Conditions": Conditions, "ExpiresIn": ExpiresIn}
        try:
            text = dumps(call)
        except (TypeError, _Binary) as e:
            raise exc.ParamValidationError(report=str(e))
        try:
            return json.loads(_lib.json_out_call(_lib.lib.awsc_generate_presigned_post_json,
                                                 self._c, text.encode("utf-8")))
        except _lib.CallFailed as e:
            raise _errors.translate(e, "PutObject", self.meta.endpoint_url, self.exceptions)

    # -- S3 managed transfers (boto3's injected methods) ----------------------

    def _s3_only(self, name):
        if self._service != "s3":
            raise AttributeError("'%s' object has no attribute '%s'" % (type(self).__name__, name))

    def upload_file(self, Filename, Bucket, Key, ExtraArgs=None, Callback=None, Config=None):
        self._s3_only("upload_file")
        from . import transfer
        return transfer.upload_file(self, Filename, Bucket, Key, ExtraArgs, Callback, Config)

    def download_file(self, Bucket, Key, Filename, ExtraArgs=None, Callback=None, Config=None):
        self._s3_only("download_file")
        from . import transfer
        return transfer.download_file(self, Bucket, Key, Filename, ExtraArgs, Callback, Config)

    def upload_fileobj(self, Fileobj, Bucket, Key, ExtraArgs=None, Callback=None, Config=None):
        self._s3_only("upload_fileobj")
        from . import transfer
        return transfer.upload_fileobj(self, Fileobj, Bucket, Key, ExtraArgs, Callback, Config)

    def download_fileobj(self, Bucket, Key, Fileobj, ExtraArgs=None, Callback=None, Config=None):
        self._s3_only("download_fileobj")
        from . import transfer
        return transfer.download_fileobj(self, Bucket, Key, Fileobj, ExtraArgs, Callback, Config)

    def copy(self, CopySource, Bucket, Key, ExtraArgs=None, Callback=None, SourceClient=None,
             Config=None):
        self._s3_only("copy")
        from . import transfer
        return transfer.copy(self, CopySource, Bucket, Key, ExtraArgs, Callback, Config)
