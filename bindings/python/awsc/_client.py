"""boto3's low-level client: one method per operation, made at run time from
the C library's operation list and the model, each one a call of the generic
JSON face (awsc_call_json_response) with conversions at the edge."""
import base64
import ctypes
import datetime
import json
import re

from . import _errors
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


def dumps(params):
    return json.dumps(params, default=_json_default, separators=(",", ":"),
                      ensure_ascii=False)


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


class HierarchicalEmitter(object):
    """client.meta.events: register / unregister handlers for the events the
    binding can raise without the C hooks: provide-client-params and
    before-parameter-build (the parameters), before-call (the parameters,
    nothing sent yet), after-call (the parsed response), and choose-signer
    with botocore.handlers.disable_signing (the client becomes unsigned).
    before-sign and the raw after-call need the C request/response hooks
    (_lib.has_hooks) and are refused until the library has them."""

    _SUPPORTED = ("provide-client-params", "before-parameter-build",
                  "before-call", "after-call", "choose-signer")

    def __init__(self, client):
        self._client = client
        self._handlers = []  # (event pattern, handler, unique_id)

    def register(self, event_name, handler, unique_id=None,
                 unique_id_uses_count=False):
        base = event_name.split(".")[0]
        if base not in self._SUPPORTED:
            raise exc.UnsupportedFeature(
                feature="event %r" % event_name,
                reason="needs the C request/response hooks (issue 11)")
        if base == "choose-signer" and getattr(handler, "__name__", "") == "disable_signing":
            self._client._set_signing(False)
        self._handlers.append((event_name, handler, unique_id))

    register_first = register
    register_last = register

    def unregister(self, event_name, handler=None, unique_id=None,
                   unique_id_uses_count=False):
        keep = []
        for ev, h, uid in self._handlers:
            if ev == event_name and (h == handler or (unique_id and uid == unique_id)):
                if ev.startswith("choose-signer") and getattr(h, "__name__", "") == "disable_signing":
                    self._client._set_signing(True)
                continue
            keep.append((ev, h, uid))
        self._handlers = keep

    def _matches(self, pattern, event):
        p = pattern.split(".")
        e = event.split(".")
        if len(p) > len(e):
            return False
        return all(a == "*" or a == b for a, b in zip(p, e))

    def emit(self, event_name, **kwargs):
        out = []
        for ev, h, _ in list(self._handlers):
            if self._matches(ev, event_name):
                out.append((h, h(event_name=event_name, **kwargs)))
        return out

    def active(self):
        return bool(self._handlers)


class ClientMeta(object):
    def __init__(self, client, service, model, region_name, endpoint_url, config):
        self.service_model = _ServiceModelView(service, model)
        self.region_name = region_name
        self.endpoint_url = endpoint_url
        self.config = config
        self.partition = "aws"
        self.method_to_api_mapping = {}
        self.events = HierarchicalEmitter(client)


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
        meth.__doc__ = _operation_doc(model, op, desc)
        attrs[py] = meth
        mapping[py] = op
    cls_name = (model.metadata.get("serviceId", service) if model else service).replace(" ", "")
    cls = type(str(cls_name), (BaseClient,), attrs)
    cls._PY_TO_OP = mapping
    _class_cache[key] = cls
    return cls


_S3_UPLOAD_ARGS = (
    "ACL", "CacheControl", "ChecksumAlgorithm", "ContentDisposition",
    "ContentEncoding", "ContentLanguage", "ContentType", "ExpectedBucketOwner",
    "Expires", "GrantFullControl", "GrantRead", "GrantReadACP", "GrantWriteACP",
    "Metadata", "ObjectLockLegalHoldStatus", "ObjectLockMode",
    "ObjectLockRetainUntilDate", "RequestPayer", "ServerSideEncryption",
    "StorageClass", "SSECustomerAlgorithm", "SSECustomerKey",
    "SSECustomerKeyMD5", "SSEKMSKeyId", "SSEKMSEncryptionContext", "Tagging",
    "WebsiteRedirectLocation")


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
        old, self._c = self._c, new
        _lib.lib.awsc_client_free(old)
        self._client_kwargs = kw

    # -- calls --------------------------------------------------------------

    def _make_api_call(self, operation_name, api_params):
        events = self.meta.events
        if events.active():
            sid = self.meta.service_model.service_id.replace(" ", "-").lower()
            for _, r in events.emit("provide-client-params.%s.%s" % (sid, operation_name),
                                    params=api_params, model=None, context={}):
                if r is not None:
                    api_params = r
            events.emit("before-parameter-build.%s.%s" % (sid, operation_name),
                        params=api_params, model=None, context={})
            events.emit("before-call.%s.%s" % (sid, operation_name), model=None,
                        params=api_params, request_signer=None, context={})
        try:
            text = dumps(api_params)
        except _Binary as b:
            return self._binary_call(operation_name, api_params, b)
        except TypeError as e:
            raise exc.ParamValidationError(report=str(e))
        resp = self._call_text(operation_name, text)
        if events.active():
            events.emit("after-call.%s.%s" % (self.meta.service_model.service_id.replace(" ", "-").lower(),
                                              operation_name),
                        http_response=None, parsed=resp, model=None, context={})
        return resp

    def _call_text(self, operation_name, text):
        streaming = self._model.output_info(operation_name)[1] if self._model else None
        try:
            raw = _lib.call(self._c, operation_name.encode(), text.encode("utf-8"), streaming)
        except _lib.CallFailed as e:
            raise _errors.translate(e, operation_name, self.meta.endpoint_url, self.exceptions)
        if isinstance(raw, dict):  # a large body, decoded apart by _lib.call
            return self._convert_output(operation_name, raw)
        return self._convert_output(operation_name, json.loads(raw))

    def _convert_output(self, operation_name, resp):
        md = resp.get("ResponseMetadata")
        if md is not None and "HostId" not in md and \
                "x-amz-request-id" in md.get("HTTPHeaders", ()):
            md["HostId"] = ""  # botocore: always there beside x-amz-request-id
        if self._model is None:
            return resp
        conv, streaming = self._model.output_info(operation_name)
        if streaming:
            body = resp.get(streaming)
            if isinstance(body, bytes):  # _lib.call decoded it already
                data = body
            else:
                data = base64.b64decode(body) if body else b""
            resp[streaming] = StreamingBody.from_bytes(data)
        if conv is not None:
            conv(resp)
        return resp

    def _binary_call(self, operation_name, params, b):
        """A blob parameter that is not UTF-8 text. S3 PutObject goes through
        the C transfer API (one PutObject streamed from memory); anything
        else waits for the C binary request bodies."""
        if self._service == "s3" and operation_name == "PutObject":
            body = params.get("Body")
            if hasattr(body, "read"):
                body = b.data
            extra = {}
            for k, v in params.items():
                if k in ("Bucket", "Key", "Body", "ContentLength", "ContentMD5"):
                    continue
                if k not in _S3_UPLOAD_ARGS:
                    raise exc.UnsupportedFeature(
                        feature="put_object with a binary Body and %s" % k,
                        reason="binary request bodies beside JSON parameters are "
                               "not in the C API yet")
                extra[k] = v
            from . import transfer
            r = transfer.upload_bytes(self, bytes(body), params["Bucket"], params["Key"], extra)
            out = {"ResponseMetadata": {"RequestId": "", "HostId": "",
                                        "HTTPStatusCode": 200, "HTTPHeaders": {},
                                        "RetryAttempts": 0},
                   "ETag": r["ETag"]}
            if r.get("VersionId"):
                out["VersionId"] = r["VersionId"]
            return out
        raise exc.UnsupportedFeature(
            feature="%s with a binary (non-UTF-8) blob parameter" % operation_name,
            reason="the C generic call takes blobs as JSON text")

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
        raise exc.UnsupportedFeature(
            feature="generate_presigned_post",
            reason="awsc_generate_presigned_post_json is %s" % (
                "in this libawsc but not bound yet" if _lib.has_presigned_post
                else "not in this libawsc yet"))

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
