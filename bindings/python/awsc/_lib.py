"""The one module that talks to libawsc (ctypes, ABI mode: nothing to compile).

Everything above this module deals in Python objects; everything here deals in
the C API of include/awsc/*.h.  When the C library grows (request hooks,
binary bodies, a pull-style body reader), the new functions are declared here
and the classes above pick them up through the `has_*` feature flags.

The library is found, in this order: $AWSC_LIBRARY (a path to libawsc.so*),
the build tree this package sits in (build/lib/libawsc.so*), pkg-config's
libdir for awsc, then ctypes.util.find_library("awsc") (ldconfig).
"""
import ctypes
import ctypes.util
import base64
import json
import glob
import os
import subprocess

c_char_p = ctypes.c_char_p
c_int = ctypes.c_int
c_long = ctypes.c_long
c_int64 = ctypes.c_int64
c_uint64 = ctypes.c_uint64
c_size_t = ctypes.c_size_t
c_void_p = ctypes.c_void_p
POINTER = ctypes.POINTER

# awsc_status (common.h)
OK = 0
ENOMEM = -1
EINVAL = -2
ENETWORK = -3
ETIMEOUT = -4
ECREDENTIALS = -5
ESERVICE = -6
EVALIDATION = -7
EPARSE = -8
EIO = -9
ENOTFOUND = -10
ECONFIG = -11
EUNSUPPORTED = -12
ETLS = -13
ECANCELLED = -14
EBODY = -15
ECHECKSUM = -16

TOGGLE_DEFAULT, TOGGLE_ON, TOGGLE_OFF = 0, 1, -1
RETRY_MODES = {None: 0, "legacy": 1, "standard": 2, "adaptive": 3}
ADDRESSING = {None: 0, "auto": 1, "path": 2, "virtual": 3}


class Error(ctypes.Structure):
    """awsc_error: caller-owned failure details."""
    _fields_ = [
        ("code", c_int),
        ("kind", c_int),
        ("http_status", c_int),
        ("retry_attempts", c_int),
        ("service_code", ctypes.c_char * 64),
        ("message", ctypes.c_char * 512),
        ("request_id", ctypes.c_char * 128),
        ("host_id", ctypes.c_char * 256),
    ]

    def text(self):
        return self.message.decode("utf-8", "replace")


LOG_FN = ctypes.CFUNCTYPE(None, c_int, c_char_p, c_void_p)
GETENV_FN = ctypes.CFUNCTYPE(c_char_p, c_char_p, c_void_p)
READ_FN = ctypes.CFUNCTYPE(c_int64, c_void_p, c_size_t, c_void_p)
WRITE_FN = ctypes.CFUNCTYPE(c_int, c_void_p, c_size_t, c_void_p)
S3_PROGRESS_FN = ctypes.CFUNCTYPE(c_int, c_uint64, c_uint64, c_void_p)


class SessionOptions(ctypes.Structure):
    """awsc_session_options, version 1 (session.h)."""
    _fields_ = [
        ("version", c_int),
        ("profile", c_char_p),
        ("region", c_char_p),
        ("access_key_id", c_char_p),
        ("secret_access_key", c_char_p),
        ("session_token", c_char_p),
        ("config_file", c_char_p),
        ("credentials_file", c_char_p),
        ("endpoint_url", c_char_p),
        ("ignore_configured_endpoint_urls", c_int),
        ("retry_mode", c_int),
        ("max_attempts", c_int),
        ("connect_timeout_ms", c_long),
        ("read_timeout_ms", c_long),
        ("verify_ssl", c_int),
        ("ca_bundle", c_char_p),
        ("proxy", c_char_p),
        ("no_proxy", c_char_p),
        ("addressing_style", c_int),
        ("log_fn", LOG_FN),
        ("log_user_data", c_void_p),
        ("log_level", c_int),
        ("transport", c_void_p),
        ("getenv_fn", GETENV_FN),
        ("getenv_user_data", c_void_p),
    ]


class ClientOptions(ctypes.Structure):
    """awsc_client_options, version 3 (client.h)."""
    _fields_ = [
        ("version", c_int),
        ("region", c_char_p),
        ("endpoint_url", c_char_p),
        ("retry_mode", c_int),
        ("max_attempts", c_int),
        ("addressing_style", c_int),
        ("checksum_trailers", c_int),
        ("total_timeout_ms", c_long),
        ("sign_requests", c_int),
    ]


class PaginatorConfig(ctypes.Structure):
    _fields_ = [
        ("version", c_int),
        ("max_items", c_int64),
        ("page_size", c_int64),
        ("starting_token", c_char_p),
        ("item_expression", c_char_p),
    ]


class WaiterConfig(ctypes.Structure):
    _fields_ = [("version", c_int), ("delay_s", c_int), ("max_attempts", c_int)]


class TransferConfig(ctypes.Structure):
    """awsc_s3_transfer_config, version 2 (transfer.h)."""
    _fields_ = [
        ("version", c_int),
        ("multipart_threshold", c_uint64),
        ("multipart_chunksize", c_uint64),
        ("max_concurrency", c_int),
        ("use_threads", c_int),
        ("num_download_attempts", c_int),
        ("content_md5", c_int),
        ("progress", S3_PROGRESS_FN),
        ("progress_user_data", c_void_p),
        ("verify_checksums", c_int),
        ("verify_etag_md5", c_int),
    ]


class TransferResult(ctypes.Structure):
    _fields_ = [
        ("size", c_uint64),
        ("parts", ctypes.c_uint32),
        ("e_tag_computed", c_int),
        ("e_tag", ctypes.c_char * 128),
        ("version_id", ctypes.c_char * 256),
    ]


class CollectionOptions(ctypes.Structure):
    _fields_ = [("version", c_int), ("limit", c_int64), ("page_size", c_int64)]


_HERE = os.path.dirname(os.path.abspath(__file__))


def _candidates():
    env = os.environ.get("AWSC_LIBRARY")
    if env:
        yield env
        return
    # bindings/python/awsc -> the tree's root, then its build directories
    root = os.path.normpath(os.path.join(_HERE, "..", "..", ".."))
    for build in ("build", "build-asan"):
        for path in sorted(glob.glob(os.path.join(root, build, "lib", "libawsc.so*"))):
            if os.path.isfile(path):
                yield path
    try:
        libdir = subprocess.run(
            ["pkg-config", "--variable=libdir", "awsc"],
            capture_output=True, text=True, timeout=10).stdout.strip()
        if libdir:
            for path in sorted(glob.glob(os.path.join(libdir, "libawsc.so*"))):
                yield path
    except (OSError, subprocess.SubprocessError):
        pass
    name = ctypes.util.find_library("awsc")
    if name:
        yield name


def _load():
    tried = []
    for path in _candidates():
        try:
            return ctypes.CDLL(path), path
        except OSError as e:
            tried.append("%s (%s)" % (path, e))
    raise ImportError(
        "libawsc not found: set AWSC_LIBRARY to the path of libawsc.so, build "
        "the tree (scripts/build.sh), or install it where pkg-config or "
        "ldconfig finds it. Tried: %s" % (", ".join(tried) or "nothing"))


lib, path = _load()

_PROTOS = {
    # common.h
    "awsc_strerror": (c_char_p, [c_int]),
    "awsc_version": (c_char_p, []),
    "awsc_mem_free": (None, [c_void_p]),
    "awsc_global_init": (c_int, []),
    # session.h
    "awsc_session_new": (c_int, [POINTER(c_void_p), POINTER(SessionOptions), POINTER(Error)]),
    "awsc_session_free": (None, [c_void_p]),
    "awsc_session_region": (c_char_p, [c_void_p]),
    "awsc_session_profile_name": (c_char_p, [c_void_p]),
    "awsc_session_get_credentials": (c_int, [POINTER(c_void_p), c_void_p, POINTER(Error)]),
    # credentials.h
    "awsc_credentials_free": (None, [c_void_p]),
    "awsc_credentials_access_key_id": (c_char_p, [c_void_p]),
    "awsc_credentials_secret_access_key": (c_char_p, [c_void_p]),
    "awsc_credentials_session_token": (c_char_p, [c_void_p]),
    "awsc_credentials_source": (c_char_p, [c_void_p]),
    # client.h
    "awsc_client_new": (c_int, [POINTER(c_void_p), c_void_p, c_char_p, POINTER(ClientOptions), POINTER(Error)]),
    "awsc_client_new_from_model": (c_int, [POINTER(c_void_p), c_void_p, c_char_p, POINTER(ClientOptions), POINTER(Error)]),
    "awsc_client_free": (None, [c_void_p]),
    "awsc_client_region": (c_char_p, [c_void_p]),
    "awsc_client_endpoint": (c_char_p, [c_void_p]),
    "awsc_client_service_id": (c_char_p, [c_void_p]),
    "awsc_client_list_operations": (c_int, [POINTER(c_void_p), c_void_p, POINTER(Error)]),
    "awsc_client_describe_operation": (c_int, [POINTER(c_void_p), c_void_p, c_char_p, POINTER(Error)]),
    "awsc_client_describe_shapes_json": (c_int, [POINTER(c_void_p), c_void_p, c_char_p, POINTER(Error)]),
    "awsc_service_names_json": (c_int, [POINTER(c_void_p), POINTER(Error)]),
    "awsc_call_json_response": (c_int, [POINTER(c_void_p), c_void_p, c_char_p, c_char_p, POINTER(Error)]),
    "awsc_generate_presigned_url": (c_int, [POINTER(c_void_p), c_void_p, c_char_p, c_char_p, c_int64, POINTER(Error)]),
    # paginator.h
    "awsc_client_can_paginate": (c_int, [c_void_p, c_char_p]),
    "awsc_paginator_new": (c_int, [POINTER(c_void_p), c_void_p, c_char_p, c_char_p, POINTER(PaginatorConfig), POINTER(Error)]),
    "awsc_paginator_next_page_json": (c_int, [POINTER(c_void_p), c_void_p, POINTER(Error)]),
    "awsc_paginator_next_item_json": (c_int, [POINTER(c_void_p), c_void_p, POINTER(Error)]),
    "awsc_paginator_build_full_result_json": (c_int, [POINTER(c_void_p), c_void_p, POINTER(Error)]),
    "awsc_paginator_resume_token": (c_char_p, [c_void_p]),
    "awsc_paginator_free": (None, [c_void_p]),
    # waiter.h
    "awsc_client_has_waiter": (c_int, [c_void_p, c_char_p]),
    "awsc_client_wait": (c_int, [c_void_p, c_char_p, c_char_p, POINTER(WaiterConfig), POINTER(Error)]),
    # transfer.h
    "awsc_s3_transfer_json": (c_int, [POINTER(c_void_p), c_void_p, c_char_p, c_char_p, POINTER(TransferConfig), POINTER(Error)]),
    "awsc_s3_upload_fileobj_json": (c_int, [POINTER(TransferResult), c_void_p, READ_FN, c_void_p, c_uint64, c_char_p, c_char_p, c_char_p, POINTER(TransferConfig), POINTER(Error)]),
    # resource.h
    "awsc_resource_new": (c_int, [POINTER(c_void_p), c_void_p, c_char_p, c_char_p, POINTER(Error)]),
    "awsc_resource_service": (c_int, [POINTER(c_void_p), c_void_p, POINTER(Error)]),
    "awsc_resource_type": (c_char_p, [c_void_p]),
    "awsc_resource_identifiers_json": (c_int, [POINTER(c_void_p), c_void_p, POINTER(Error)]),
    "awsc_resource_load": (c_int, [c_void_p, POINTER(Error)]),
    "awsc_resource_attributes_json": (c_int, [POINTER(c_void_p), c_void_p, POINTER(Error)]),
    "awsc_resource_action_json": (c_int, [POINTER(c_void_p), POINTER(POINTER(c_void_p)), POINTER(c_size_t), c_void_p, c_char_p, c_char_p, POINTER(Error)]),
    "awsc_resource_array_free": (None, [POINTER(c_void_p), c_size_t]),
    "awsc_resource_reference": (c_int, [POINTER(c_void_p), c_void_p, c_char_p, c_char_p, POINTER(Error)]),
    "awsc_resource_collection_new": (c_int, [POINTER(c_void_p), c_void_p, c_char_p, c_char_p, POINTER(CollectionOptions), POINTER(Error)]),
    "awsc_resource_collection_next": (c_int, [POINTER(c_void_p), c_void_p, POINTER(Error)]),
    "awsc_resource_collection_next_page_json": (c_int, [POINTER(c_void_p), c_void_p, POINTER(Error)]),
    "awsc_resource_collection_free": (None, [c_void_p]),
    "awsc_resource_batch_action_json": (c_int, [POINTER(c_void_p), POINTER(c_size_t), c_void_p, c_char_p, c_char_p, POINTER(CollectionOptions), c_char_p, c_char_p, POINTER(Error)]),
    "awsc_resource_wait": (c_int, [c_void_p, c_char_p, c_char_p, POINTER(WaiterConfig), POINTER(Error)]),
    "awsc_resource_free": (None, [c_void_p]),
    "awsc_resource_describe_json": (c_int, [POINTER(c_void_p), c_void_p, c_char_p, POINTER(Error)]),
}

for _name, (_res, _args) in _PROTOS.items():
    _f = getattr(lib, _name)
    _f.restype = _res
    _f.argtypes = _args

# Feature flags for the C pieces bindings are waiting for (issue 11 point 1),
# by the names they have on the branches that add them (not on main yet):
# request/response hooks, binary request and unencoded response bodies
# for the generic call, presigned POST, and the pull-style body reader
# (name not known yet).
has_hooks = hasattr(lib, "awsc_client_hook_add")
has_call_body = hasattr(lib, "awsc_call_json_body")
has_presigned_post = hasattr(lib, "awsc_generate_presigned_post_json")
has_body_reader = hasattr(lib, "awsc_call_json_reader")

version = lib.awsc_version().decode()
if lib.awsc_global_init() != 0:
    raise ImportError("awsc_global_init failed")

mem_free = lib.awsc_mem_free


def enc(s):
    """str -> bytes for a const char * argument (None stays NULL)."""
    if s is None:
        return None
    if isinstance(s, bytes):
        return s
    return str(s).encode("utf-8")


def take_string(ptr):
    """Copy a library-owned char * into a Python str and free it."""
    if not ptr:
        return None
    try:
        return ctypes.string_at(ptr).decode("utf-8")
    finally:
        mem_free(ptr)


def take_bytes(ptr):
    """Copy a library-owned char * into bytes and free it."""
    if not ptr:
        return None
    try:
        return ctypes.string_at(ptr)
    finally:
        mem_free(ptr)


class CallFailed(Exception):
    """A C call failed: status and the awsc_error, plus the error answer's
    JSON when the call gives one (awsc_call_json_response). The layer above
    turns it into boto3's exception types."""

    def __init__(self, status, err, body=None):
        Exception.__init__(self, err.text() or lib.awsc_strerror(status).decode())
        self.status = status
        self.kind = err.kind
        self.http_status = err.http_status
        self.service_code = err.service_code.decode("utf-8", "replace")
        self.message = err.text()
        self.request_id = err.request_id.decode("utf-8", "replace")
        self.host_id = err.host_id.decode("utf-8", "replace")
        self.retry_attempts = err.retry_attempts
        self.body = body


def check(rc, err, body=None):
    if rc != 0:
        raise CallFailed(rc, err, body)


def new_session(**kw):
    opts = SessionOptions()
    opts.version = 1
    for k in ("profile", "region", "access_key_id", "secret_access_key",
              "session_token", "config_file", "credentials_file",
              "endpoint_url", "ca_bundle", "proxy", "no_proxy"):
        if kw.get(k) is not None:
            setattr(opts, k, enc(kw[k]))
    opts.retry_mode = RETRY_MODES.get(kw.get("retry_mode"), 0)
    opts.max_attempts = int(kw.get("max_attempts") or 0)
    opts.connect_timeout_ms = int((kw.get("connect_timeout") or 0) * 1000)
    opts.read_timeout_ms = int((kw.get("read_timeout") or 0) * 1000)
    v = kw.get("verify")
    opts.verify_ssl = TOGGLE_DEFAULT if v is None else (TOGGLE_ON if v else TOGGLE_OFF)
    if isinstance(v, str):
        opts.verify_ssl = TOGGLE_ON
        opts.ca_bundle = enc(v)
    opts.addressing_style = ADDRESSING.get(kw.get("addressing_style"), 0)
    opts.log_level = 5  # AWSC_LOG_OFF
    out = c_void_p()
    err = Error()
    check(lib.awsc_session_new(ctypes.byref(out), ctypes.byref(opts), ctypes.byref(err)), err)
    return out


def new_client(session, service, region=None, endpoint_url=None,
               retry_mode=None, max_attempts=0, addressing_style=None,
               sign=True, model_path=None):
    opts = ClientOptions()
    opts.version = 3
    opts.region = enc(region)
    opts.endpoint_url = enc(endpoint_url)
    opts.retry_mode = RETRY_MODES.get(retry_mode, 0)
    opts.max_attempts = int(max_attempts or 0)
    opts.addressing_style = ADDRESSING.get(addressing_style, 0)
    opts.sign_requests = TOGGLE_DEFAULT if sign else TOGGLE_OFF
    out = c_void_p()
    err = Error()
    if model_path:
        rc = lib.awsc_client_new_from_model(ctypes.byref(out), session, enc(model_path),
                                            ctypes.byref(opts), ctypes.byref(err))
    else:
        rc = lib.awsc_client_new(ctypes.byref(out), session, enc(service),
                                 ctypes.byref(opts), ctypes.byref(err))
    check(rc, err)
    return out


def json_out_call(fn, *args):
    """Call fn(char **out, *args, awsc_error *err); return the JSON text."""
    out = c_void_p()
    err = Error()
    rc = fn(ctypes.byref(out), *args, ctypes.byref(err))
    text = take_string(out.value)
    check(rc, err)
    return text


_libc = ctypes.CDLL(None)
_libc.strstr.restype = c_void_p
_libc.strstr.argtypes = [c_void_p, c_char_p]
_libc.strchr.restype = c_void_p
_libc.strchr.argtypes = [c_void_p, c_int]
_libc.strlen.restype = c_size_t
_libc.strlen.argtypes = [c_void_p]


def call(client, operation, params_json, body_member=None, big=256 * 1024):
    """awsc_call_json_response: the JSON text of the answer (bytes), or
    CallFailed with the error answer's JSON in .body.

    With body_member (an output's streaming member) and an answer of more
    than `big` bytes: the answer parsed as a dict whose body member is
    already bytes, decoded straight from the library's buffer (no copy of
    the whole answer, no str of its base64). Goes away with the C binary
    response bodies."""
    out = c_void_p()
    err = Error()
    rc = lib.awsc_call_json_response(ctypes.byref(out), client, operation, params_json,
                                     ctypes.byref(err))
    if rc or not body_member or not out.value:
        text = take_bytes(out.value)
        check(rc, err, text)
        return text
    try:
        p = out.value
        n = _libc.strlen(p)
        if n <= big:
            return ctypes.string_at(p, n)
        key = b'"' + body_member.encode() + b'":"'
        at = _libc.strstr(p, key)
        end = _libc.strchr(at + len(key), ord('"')) if at else None  # base64 has no quote
        if not at or not end:
            return ctypes.string_at(p, n)
        start = at + len(key)
        rest = ctypes.string_at(p, at - p) + key[:-1] + b"null" + ctypes.string_at(end + 1)
        try:
            resp = json.loads(rest)
        except ValueError:
            resp = None
        if not isinstance(resp, dict) or resp.get(body_member, 0) is not None:
            return ctypes.string_at(p, n)  # a nested key of that name: parse it all
        resp[body_member] = base64.b64decode(
            memoryview((ctypes.c_char * (end - start)).from_address(start)))
        return resp
    finally:
        mem_free(out.value)


_builtin = None


def builtin_services():
    """The services built into this libawsc (-Dservices=...)."""
    global _builtin
    if _builtin is None:
        _builtin = json.loads(json_out_call(lib.awsc_service_names_json))
    return _builtin


_with_resources = None


def resource_services():
    """The built-in services that have a resource model: those whose
    client describes a ServiceResource (a client of each, made once
    with a throwaway session; nothing is sent)."""
    global _with_resources
    if _with_resources is None:
        names = []
        sess = new_session(access_key_id="x", secret_access_key="x", region="us-east-1")
        try:
            for s in builtin_services():
                try:
                    c = new_client(sess, s)
                except CallFailed:
                    continue
                try:
                    json_out_call(lib.awsc_resource_describe_json, c, b"ServiceResource")
                    names.append(s)
                except CallFailed:
                    pass
                finally:
                    lib.awsc_client_free(c)
        finally:
            lib.awsc_session_free(sess)
        _with_resources = names
    return _with_resources
