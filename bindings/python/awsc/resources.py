"""boto3.resource(...) over the C resource layer's generic face
(awsc/resource.h). All resource behaviour (identifiers, loads, parameters
filled from identifiers and data, references, collections through the
paginators, batch actions, waiters) is the C runtime's; Python takes the
*names* to expose (boto3's snake_case attributes and actions, CamelCase
sub-resources) from the C description of the resource model
(awsc_resource_describe_json): no resources-1.json is read."""
import ctypes
import json

from . import _errors
from . import _lib
from . import exceptions as exc
from ._client import dumps, xform_name


def _fail(client, rc, err, what=""):
    e = _lib.CallFailed(rc, err)
    if rc == _lib.EUNSUPPORTED:
        return exc.UnsupportedFeature(feature=what or "this call", reason=e.message)
    return _errors.translate(e, what, client.meta.endpoint_url, client.exceptions)


def _json_call(client, fn, *args, what=""):
    out = ctypes.c_void_p()
    err = _lib.Error()
    rc = fn(ctypes.byref(out), *args, ctypes.byref(err))
    text = _lib.take_bytes(out.value)
    if rc:
        raise _fail(client, rc, err, what)
    return json.loads(text) if text is not None else None


class ResourceMeta(object):
    def __init__(self, service_name, resource_model, client, identifiers):
        self.service_name = service_name
        self.resource_model = resource_model
        self.client = client
        self.identifiers = identifiers
        self.data = None


class ServiceResourceBase(object):
    _TYPE = None
    _SERVICE = None
    _IDENT_NAMES = ()

    def __init__(self, client, handle):
        self._client = client
        self._h = handle
        ids = {}
        if self._IDENT_NAMES:
            ids = _json_call(client, _lib.lib.awsc_resource_identifiers_json, handle)
        self._ids = ids
        self._data = None
        self.meta = ResourceMeta(self._SERVICE, self._TYPE, client,
                                 [xform_name(n) for n in self._IDENT_NAMES])

    def __del__(self):
        h = getattr(self, "_h", None)
        if h:
            _lib.lib.awsc_resource_free(h)
            self._h = None

    def __repr__(self):
        ids = ", ".join("%s=%r" % (xform_name(k), self._ids[k]) for k in self._IDENT_NAMES)
        return "%s.%s(%s)" % (self._SERVICE, self._TYPE, ids)

    def __eq__(self, other):
        return type(self) is type(other) and self._ids == other._ids

    def __hash__(self):
        return hash((self._TYPE, tuple(sorted(self._ids.items()))))

    # data attributes: loaded by the C runtime on first use
    def _attributes(self):
        if self._data is None:
            data = _json_call(self._client, _lib.lib.awsc_resource_attributes_json, self._h,
                              what="%s.load" % self._TYPE)
            conv = self._shape_conv()
            if conv is not None and data is not None:
                conv(data)
            self._data = data
            self.meta.data = data
        return self._data

    def _shape_conv(self):
        m = self._client._model
        shape = type(self)._SHAPE
        return m._converter(shape) if (m is not None and shape) else None

    def load(self):
        if not type(self)._HAS_LOAD:
            raise exc.ResourceLoadException("%s has no load method" % self._TYPE)
        err = _lib.Error()
        rc = _lib.lib.awsc_resource_load(self._h, ctypes.byref(err))
        if rc:
            raise _fail(self._client, rc, err, "%s.load" % self._TYPE)
        self._data = None
        self._attributes()

    reload = load

    def _action(self, name, op_name, kwargs, returns_list, returns_resource):
        out = ctypes.c_void_p()
        arr = ctypes.POINTER(ctypes.c_void_p)()
        n = ctypes.c_size_t()
        err = _lib.Error()
        try:
            params = dumps(kwargs)
        except TypeError as e:
            raise exc.ParamValidationError(report=str(e))
        rc = _lib.lib.awsc_resource_action_json(ctypes.byref(out), ctypes.byref(arr), ctypes.byref(n),
                                                self._h, name.encode(), params.encode(),
                                                ctypes.byref(err))
        text = _lib.take_bytes(out.value)
        if rc:
            raise _fail(self._client, rc, err, op_name)
        handles = []
        if arr:
            # take ownership of each handle; free only the array
            handles = [arr[i] for i in range(n.value)]
            for i in range(n.value):
                arr[i] = None
            _lib.lib.awsc_resource_array_free(arr, n.value)
        if returns_resource:
            objs = [wrap(self._client, h) for h in handles]
            if returns_list:
                return objs
            return objs[0] if objs else None
        resp = json.loads(text) if text else {}
        return self._client._convert_output(op_name, resp)

    def _reference(self, name, input_ids):
        out = ctypes.c_void_p()
        err = _lib.Error()
        rc = _lib.lib.awsc_resource_reference(ctypes.byref(out), self._h, name.encode(),
                                              dumps(input_ids).encode() if input_ids else None,
                                              ctypes.byref(err))
        if rc:
            raise _fail(self._client, rc, err, name)
        return wrap(self._client, out.value)

    def _wait(self, name, kwargs):
        from .waiter import raise_waiter_error
        cfg = kwargs.pop("WaiterConfig", None) or {}
        wc = _lib.WaiterConfig()
        wc.version = 1
        wc.delay_s = int(cfg.get("Delay") or 0)
        wc.max_attempts = int(cfg.get("MaxAttempts") or 0)
        err = _lib.Error()
        rc = _lib.lib.awsc_resource_wait(self._h, name.encode(), dumps(kwargs).encode(),
                                         ctypes.byref(wc), ctypes.byref(err))
        raise_waiter_error(rc, err, name, self._client)


class ResourceCollection(object):
    """boto3's ResourceCollection: all / filter / limit / page_size / pages,
    iterated by the C runtime (pages through the client's paginator)."""

    def __init__(self, parent, name, batch_actions, params=None, limit=0, page_size=0):
        self._parent = parent
        self._name = name
        self._batch = batch_actions
        self._params = dict(params or {})
        self._limit = limit
        self._page_size = page_size
        for py, model_name in batch_actions.items():
            setattr(self, py, self._make_batch(model_name))

    def _clone(self, **kw):
        d = dict(params=self._params, limit=self._limit, page_size=self._page_size)
        d.update(kw)
        return ResourceCollection(self._parent, self._name, self._batch, **d)

    def all(self):
        return self._clone()

    def filter(self, **kwargs):
        p = dict(self._params)
        p.update(kwargs)
        return self._clone(params=p)

    def limit(self, count):
        return self._clone(limit=count)

    def page_size(self, count):
        return self._clone(page_size=count)

    def _opts(self):
        o = _lib.CollectionOptions()
        o.version = 1
        o.limit = int(self._limit or 0)
        o.page_size = int(self._page_size or 0)
        return o

    def __iter__(self):
        client = self._parent._client
        col = ctypes.c_void_p()
        err = _lib.Error()
        o = self._opts()
        rc = _lib.lib.awsc_resource_collection_new(ctypes.byref(col), self._parent._h,
                                                   self._name.encode(),
                                                   dumps(self._params).encode() if self._params else None,
                                                   ctypes.byref(o), ctypes.byref(err))
        if rc:
            raise _fail(client, rc, err, self._name)
        try:
            while True:
                item = ctypes.c_void_p()
                rc = _lib.lib.awsc_resource_collection_next(ctypes.byref(item), col, ctypes.byref(err))
                if rc:
                    raise _fail(client, rc, err, self._name)
                if not item.value:
                    break
                yield wrap(client, item.value)
        finally:
            _lib.lib.awsc_resource_collection_free(col)

    def pages(self):
        """Lists of resources. The C face gives items one by one (and whole
        page responses apart), so pages here are runs of page_size items
        (1000 when no page size was given), not the service's own pages."""
        size = self._page_size or 1000
        page = []
        for r in self:
            page.append(r)
            if len(page) == size:
                yield page
                page = []
        if page:
            yield page

    def _make_batch(self, model_name):
        def batch(**kwargs):
            client = self._parent._client
            out = ctypes.c_void_p()
            nreq = ctypes.c_size_t()
            err = _lib.Error()
            o = self._opts()
            rc = _lib.lib.awsc_resource_batch_action_json(
                ctypes.byref(out), ctypes.byref(nreq), self._parent._h, self._name.encode(),
                dumps(self._params).encode() if self._params else None, ctypes.byref(o),
                model_name.encode(), dumps(kwargs).encode() if kwargs else None,
                ctypes.byref(err))
            text = _lib.take_bytes(out.value)
            if rc:
                raise _fail(client, rc, err, model_name)
            return json.loads(text) if text else []
        batch.__name__ = xform_name(model_name)
        return batch

    def __repr__(self):
        return "%s.%sCollection(%r, %s)" % (self._parent._SERVICE, self._name, self._parent,
                                             self._name)


class CollectionManager(ResourceCollection):
    pass


def _make_action(name, op_name, adef):
    returns_resource = "Resource" in adef
    returns_list = bool(adef.get("Plural"))

    def action(self, *args, **kwargs):
        if args:
            raise TypeError("%s() only accepts keyword arguments." % xform_name(name))
        return self._action(name, op_name, kwargs, returns_list, returns_resource)
    action.__name__ = xform_name(name)
    return action


def _make_subresource(name, hdef):
    inputs = list(hdef.get("Inputs", ()))

    def sub(self, *args, **kwargs):
        if len(args) != len(inputs):
            raise ValueError("Required parameter %s not set" % ", ".join(
                xform_name(n) for n in inputs[len(args):]) if len(args) < len(inputs)
                else "Too many arguments")
        return self._reference(name, dict(zip(inputs, args)))
    sub.__name__ = name
    return sub


def _make_constructor(rname, ident_names):
    def ctor(self, *args, **kwargs):
        ids = dict(zip(ident_names, args))
        for k, v in kwargs.items():
            ids[k[0].upper() + k[1:] if k not in ident_names else k] = v
        missing = [n for n in ident_names if n not in ids]
        if missing:
            raise ValueError("Required parameter %s not set" % xform_name(missing[0]))
        out = ctypes.c_void_p()
        err = _lib.Error()
        rc = _lib.lib.awsc_resource_new(ctypes.byref(out), self._client._c, rname.encode(),
                                        dumps(ids).encode(), ctypes.byref(err))
        if rc:
            raise _fail(self._client, rc, err, rname)
        return wrap(self._client, out.value)
    ctor.__name__ = rname
    return ctor


def _make_reference(name):
    return property(lambda self: self._reference(name, None))


def _make_collection(name, batch):
    return property(lambda self: CollectionManager(self, name, batch))


def _make_waiter(name):
    def wait(self, **kwargs):
        return self._wait(name, kwargs)
    wait.__name__ = "wait_until_" + xform_name(name)
    return wait


def _make_identifier(name):
    return property(lambda self: self._ids.get(name))


def _make_attribute(member):
    return property(lambda self: (self._attributes() or {}).get(member))


_classes = {}
_S3_INJECT = {}


def _resource_class(client, service, rmodel, type_name):
    key = (service, type_name)
    if key in _classes:
        return _classes[key]
    resources = rmodel["Resources"]
    d = resources[type_name]
    attrs = {"_TYPE": type_name, "_SERVICE": service,
             "_IDENT_NAMES": tuple(i["Name"] for i in d.get("Identifiers", [])),
             "_SHAPE": d.get("Shape"), "_HAS_LOAD": "Load" in d}
    ident_py = set()
    for i in d.get("Identifiers", []):
        py = xform_name(i["Name"])
        attrs[py] = _make_identifier(i["Name"])
        ident_py.add(py)
    for member in d.get("Attributes", {}):
        py = xform_name(member)
        if py not in ident_py:
            attrs[py] = _make_attribute(member)
    for name, adef in d.get("Actions", {}).items():
        attrs[xform_name(name)] = _make_action(name, adef["Operation"], adef)
    for name, hdef in d.get("Has", {}).items():
        if hdef.get("NeedsData"):
            attrs[xform_name(name)] = _make_reference(name)
        else:
            attrs[name] = _make_subresource(name, hdef)
    if type_name == "ServiceResource":
        # boto3 gives the service resource a constructor for every
        # resource type it does not name in `has`, all identifiers as
        # arguments (s3.Object(bucket, key)): awsc_resource_new
        named = {h.get("Resource") for h in d.get("Has", {}).values()}
        for rname, rdef in resources.items():
            if rname != "ServiceResource" and rname not in named and rname not in attrs:
                attrs[rname] = _make_constructor(rname, [i["Name"] for i in
                                                         rdef.get("Identifiers", [])])
    for name, cdef in d.get("HasMany", {}).items():
        batch = {xform_name(b): b for b in cdef.get("BatchActions", ())}
        attrs[xform_name(name)] = _make_collection(name, batch)
    for name in d.get("Waiters", {}):
        attrs["wait_until_" + xform_name(name)] = _make_waiter(name)
    for name, fn in _S3_INJECT.get((service, type_name), {}).items():
        attrs[name] = fn
    cls = type(str("%s.%s" % (service, type_name)), (ServiceResourceBase,), attrs)
    _classes[key] = cls
    return cls


_rmodels = {}


def _rmodel(client):
    """The C description of the client's resource model (one per service:
    the built-in descriptors are static)."""
    service = client._service
    if service not in _rmodels:
        _rmodels[service] = json.loads(_lib.json_out_call(
            _lib.lib.awsc_resource_describe_json, client._c, None))
    return _rmodels[service]


def wrap(client, handle):
    """A Python resource over a C handle (the object owns it)."""
    service = client._service
    type_name = _lib.lib.awsc_resource_type(handle).decode()
    cls = _resource_class(client, service, _rmodel(client), type_name)
    return cls(client, handle)


def service_resource(client):
    out = ctypes.c_void_p()
    err = _lib.Error()
    rc = _lib.lib.awsc_resource_service(ctypes.byref(out), client._c, ctypes.byref(err))
    if rc:
        raise _fail(client, rc, err, "resource")
    return wrap(client, out.value)


# boto3's S3 injections: the transfers on Bucket, Object and ObjectSummary.
def _b_upload_file(self, Filename, Key, ExtraArgs=None, Callback=None, Config=None):
    return self._client.upload_file(Filename, self._ids["Name"], Key, ExtraArgs, Callback, Config)


def _b_download_file(self, Key, Filename, ExtraArgs=None, Callback=None, Config=None):
    return self._client.download_file(self._ids["Name"], Key, Filename, ExtraArgs, Callback, Config)


def _b_upload_fileobj(self, Fileobj, Key, ExtraArgs=None, Callback=None, Config=None):
    return self._client.upload_fileobj(Fileobj, self._ids["Name"], Key, ExtraArgs, Callback, Config)


def _b_download_fileobj(self, Key, Fileobj, ExtraArgs=None, Callback=None, Config=None):
    return self._client.download_fileobj(self._ids["Name"], Key, Fileobj, ExtraArgs, Callback,
                                         Config)


def _b_copy(self, CopySource, Key, ExtraArgs=None, Callback=None, SourceClient=None, Config=None):
    return self._client.copy(CopySource, self._ids["Name"], Key, ExtraArgs, Callback, None, Config)


def _o_upload_file(self, Filename, ExtraArgs=None, Callback=None, Config=None):
    return self._client.upload_file(Filename, self._ids["BucketName"], self._ids["Key"], ExtraArgs,
                                    Callback, Config)


def _o_download_file(self, Filename, ExtraArgs=None, Callback=None, Config=None):
    return self._client.download_file(self._ids["BucketName"], self._ids["Key"], Filename,
                                      ExtraArgs, Callback, Config)


def _o_upload_fileobj(self, Fileobj, ExtraArgs=None, Callback=None, Config=None):
    return self._client.upload_fileobj(Fileobj, self._ids["BucketName"], self._ids["Key"],
                                       ExtraArgs, Callback, Config)


def _o_download_fileobj(self, Fileobj, ExtraArgs=None, Callback=None, Config=None):
    return self._client.download_fileobj(self._ids["BucketName"], self._ids["Key"], Fileobj,
                                         ExtraArgs, Callback, Config)


def _o_copy(self, CopySource, ExtraArgs=None, Callback=None, SourceClient=None, Config=None):
    return self._client.copy(CopySource, self._ids["BucketName"], self._ids["Key"], ExtraArgs,
                             Callback, None, Config)


_S3_INJECT[("s3", "Bucket")] = {
    "upload_file": _b_upload_file, "download_file": _b_download_file,
    "upload_fileobj": _b_upload_fileobj, "download_fileobj": _b_download_fileobj,
    "copy": _b_copy}
_S3_INJECT[("s3", "Object")] = {
    "upload_file": _o_upload_file, "download_file": _o_download_file,
    "upload_fileobj": _o_upload_fileobj, "download_fileobj": _o_download_fileobj,
    "copy": _o_copy}
_S3_INJECT[("s3", "ObjectSummary")] = dict(_S3_INJECT[("s3", "Object")])


class ResourceLoadException(Exception):
    pass


exc.ResourceLoadException = ResourceLoadException
