"""The one module that talks to libawsc (ctypes, ABI mode: nothing to compile).

Everything above this module deals in Python objects; everything here deals in
the C API of include/awsc/*.h: the generic JSON call and its payload form
(awsc_call_json_body), the pull-style body reader, the request/response
hooks, presigning, paginators, waiters, transfers and resources. Every C
function used is declared in _PROTOS with its argument types.

The library is found, in this order: $AWSC_LIBRARY (a path to libawsc.so*),
the build tree this package sits in (build/lib/libawsc.so*), pkg-config's
libdir for awsc, then ctypes.util.find_library("awsc") (ldconfig).
"""
import ctypes
import ctypes.util
import json
import glob
import os
import subprocess
import sys
import threading

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
REWIND_FN = ctypes.CFUNCTYPE(c_int, c_void_p)
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


def read_into(fileobj, buf, size):
    """A body READ_FN's work: up to size bytes of fileobj (str read as
    UTF-8) copied into the C buffer; how many (0 at the end)."""
    data = fileobj.read(size)
    if isinstance(data, str):
        data = data.encode("utf-8")
    n = len(data)
    if n:
        ctypes.memmove(buf, data, n)
    return n


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


class BodySource(ctypes.Structure):
    """awsc_body_source (body.h)."""
    _fields_ = [
        ("kind", c_int),
        ("data", c_void_p),
        ("len", c_size_t),
        ("path", c_char_p),
        ("offset", c_uint64),
        ("read", READ_FN),
        ("rewind", REWIND_FN),
        ("user_data", c_void_p),
        ("content_length", c_int64),
    ]


class BodySink(ctypes.Structure):
    """awsc_body_sink (body.h)."""
    _fields_ = [
        ("kind", c_int),
        ("path", c_char_p),
        ("write", WRITE_FN),
        ("user_data", c_void_p),
    ]


class CallBodyOptions(ctypes.Structure):
    """awsc_call_body_options, version 1 (client.h)."""
    _fields_ = [
        ("version", c_int),
        ("request_body", BodySource),
        ("response_sink", BodySink),
        ("error_response", c_int),
    ]


class BodyReaderOptions(ctypes.Structure):
    """awsc_body_reader_options, version 1 (loop.h)."""
    _fields_ = [("version", c_int), ("buffer_bytes", c_size_t), ("loop", c_void_p)]


BODY_NONE, BODY_MEMORY, BODY_FILE, BODY_CALLBACK = 0, 1, 2, 3
SINK_MEMORY, SINK_FILE, SINK_CALLBACK = 0, 1, 2

# awsc_hook_event (hooks.h)
HOOK_PROVIDE_CLIENT_PARAMS, HOOK_BEFORE_CALL, HOOK_BEFORE_SIGN, HOOK_AFTER_CALL = 1, 2, 3, 4
CHECK_BUCKET_NAME = 1
HOOK_FN = ctypes.CFUNCTYPE(c_int, c_void_p, c_void_p)


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
    # client.h: the payload beside the JSON
    "awsc_call_json_body": (c_int, [POINTER(c_void_p), POINTER(c_void_p), POINTER(c_size_t), c_void_p,
                                    c_char_p, c_char_p, POINTER(CallBodyOptions), POINTER(Error)]),
    # presign.h
    "awsc_generate_presigned_post_json": (c_int, [POINTER(c_void_p), c_void_p, c_char_p, POINTER(Error)]),
    # loop.h: the pull-style body reader
    "awsc_loop_new": (c_int, [POINTER(c_void_p), c_void_p, POINTER(Error)]),
    "awsc_loop_free": (None, [c_void_p]),
    "awsc_body_reader_open": (c_int, [POINTER(c_void_p), POINTER(c_void_p), c_void_p, c_char_p, c_char_p,
                                      POINTER(BodyReaderOptions), POINTER(Error)]),
    "awsc_body_reader_read": (c_int64, [c_void_p, c_void_p, c_size_t, POINTER(Error)]),
    "awsc_body_reader_read_some": (c_int64, [c_void_p, c_void_p, c_size_t, c_size_t,
                                             POINTER(Error)]),
    "awsc_body_reader_close": (None, [c_void_p]),
    # hooks.h
    "awsc_client_hook_add": (c_int, [POINTER(c_int), c_void_p, c_int, c_char_p, HOOK_FN, c_void_p,
                                     POINTER(Error)]),
    "awsc_client_hook_remove": (c_int, [c_void_p, c_int, POINTER(Error)]),
    "awsc_client_set_check": (c_int, [c_void_p, c_int, c_int, POINTER(Error)]),
    "awsc_hook_event_type": (c_int, [c_void_p]),
    "awsc_hook_operation": (c_char_p, [c_void_p]),
    "awsc_hook_set_error": (None, [c_void_p, c_char_p]),
    "awsc_hook_params_json": (c_char_p, [c_void_p]),
    "awsc_hook_set_params_json": (c_int, [c_void_p, c_char_p]),
    "awsc_hook_set_response_json": (c_int, [c_void_p, c_char_p]),
    "awsc_hook_request_method": (c_char_p, [c_void_p]),
    "awsc_hook_request_url": (c_char_p, [c_void_p]),
    "awsc_hook_header_count": (c_size_t, [c_void_p]),
    "awsc_hook_header": (c_int, [POINTER(c_char_p), POINTER(c_char_p), c_void_p, c_size_t]),
    "awsc_hook_header_get": (c_char_p, [c_void_p, c_char_p]),
    "awsc_hook_header_set": (c_int, [c_void_p, c_char_p, c_char_p]),
    "awsc_hook_http_status": (c_int, [c_void_p]),
    "awsc_hook_body": (c_int, [POINTER(c_void_p), POINTER(c_size_t), c_void_p]),
}

for _name, (_res, _args) in _PROTOS.items():
    _f = getattr(lib, _name)
    _f.restype = _res
    _f.argtypes = _args

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


def call(client, operation, params_json):
    """awsc_call_json_response: the JSON text of the answer (bytes), or
    CallFailed with the error answer's JSON in .body."""
    out = c_void_p()
    err = Error()
    rc = lib.awsc_call_json_response(ctypes.byref(out), client, operation, params_json,
                                     ctypes.byref(err))
    text = take_bytes(out.value)
    if rc:
        raise CallFailed(rc, err, text)
    return text


# Bytes made empty and filled in place: a body piece is read by the C
# library straight into the bytes object handed to Python (no copy through
# a bytearray or ctypes buffer). CPython's bytes keep their data at a fixed
# offset (sys.getsizeof(b"") - 1); the object is not seen by anyone else
# before it is filled.
_new_bytes = ctypes.pythonapi.PyBytes_FromStringAndSize
_new_bytes.restype = ctypes.py_object
_new_bytes.argtypes = [c_void_p, ctypes.c_ssize_t]
_BYTES_DATA = sys.getsizeof(b"") - 1
_inplace_ok = sys.implementation.name == "cpython"


def _payload_source(opts, body):
    """Fill opts.request_body from a Python payload: bytes-like in memory
    (borrowed for the call), str as UTF-8, a file object through a read
    callback (rewound for a retry when it can seek). Returns what must
    stay alive for the call."""
    src = opts.request_body
    if isinstance(body, str):
        body = body.encode("utf-8")
    if isinstance(body, (bytes, bytearray, memoryview)):
        data = bytes(body) if not isinstance(body, bytes) else body
        src.kind = BODY_MEMORY
        src.data = ctypes.cast(c_char_p(data), c_void_p)
        src.len = len(data)
        return data
    if hasattr(body, "read"):
        start = None
        length = -1
        try:
            if body.seekable():
                start = body.tell()
                body.seek(0, 2)
                length = body.tell() - start
                body.seek(start)
        except (AttributeError, OSError, ValueError):
            start = None
        state = {"exc": None}

        def read(buf, size, ud):
            try:
                return read_into(body, buf, size)
            except Exception as e:  # noqa: BLE001 - raised again after the call
                state["exc"] = e
                return EIO

        def rewind(ud):
            try:
                body.seek(start)
                return 0
            except Exception:  # noqa: BLE001
                return -1
        src.kind = BODY_CALLBACK
        src.read = READ_FN(read)
        if start is not None:
            src.rewind = REWIND_FN(rewind)
        src.content_length = length
        return (src.read, src.rewind, state)
    raise TypeError("Invalid type for parameter Body, value: %r, type: %s, valid types: "
                    "<class 'bytes'>, <class 'bytearray'>, file-like object"
                    % (body, type(body)))


def call_body(client, operation, params_json, payload=None, has_payload=True):
    """awsc_call_json_body: (the JSON text of the answer without its
    payload member, the payload's bytes or None). `payload` is the
    request's payload (bytes, str, file object) or None. A service error
    raises CallFailed with the error answer's JSON."""
    opts = CallBodyOptions()
    opts.version = 1
    opts.error_response = TOGGLE_ON
    keep = _payload_source(opts, payload) if payload is not None else None
    out = c_void_p()
    body = c_void_p()
    blen = c_size_t()
    err = Error()
    rc = lib.awsc_call_json_body(ctypes.byref(out), ctypes.byref(body) if has_payload else None,
                                 ctypes.byref(blen), client, operation, params_json,
                                 ctypes.byref(opts), ctypes.byref(err))
    text = take_bytes(out.value)
    data = None
    if body.value:
        try:
            data = ctypes.string_at(body.value, blen.value)
        finally:
            mem_free(body.value)
    if isinstance(keep, tuple) and keep[2]["exc"] is not None:
        raise keep[2]["exc"]
    check(rc, err, text)
    return text, data


class _Loop(object):
    """An awsc_loop for the body readers one thread opens on one C session:
    a private loop per reader would be a new curl multi handle, and a new
    connection, per call. Its lock serialises the loop's use when a body is
    read on another thread than the one that opened it (loop.h: "or under
    the application's own lock")."""

    __slots__ = ("handle", "lock", "err", "err_ref", "open_args")

    def __init__(self):
        h = c_void_p()
        err = Error()
        check(lib.awsc_loop_new(ctypes.byref(h), None, ctypes.byref(err)), err)
        self.handle = h.value
        self.lock = threading.Lock()
        # what every open and read on this loop passes, made once: they
        # run under the lock, and a failure's details are copied out
        # (CallFailed) before the lock is let go
        self.err = err
        self.err_ref = ctypes.byref(err)
        self.open_args = _open_args(h.value)

    def free(self):
        with self.lock:
            h, self.handle = self.handle, None
            if h:
                lib.awsc_loop_free(h)

    def __del__(self):
        self.free()


class _OwnLoop(object):
    """No shared loop: the reader makes and frees its own (a reader opened
    from inside a hook, which runs inside the thread's loop)."""

    __slots__ = ("handle", "lock", "err", "err_ref", "open_args")

    def __init__(self):
        self.handle = None
        self.lock = threading.Lock()
        self.err = Error()
        self.err_ref = ctypes.byref(self.err)
        self.open_args = _open_args(None)


def _open_args(loop_handle):
    """awsc_body_reader_open's out-parameters and options for a loop."""
    opts = BodyReaderOptions()
    opts.version = 1
    opts.loop = loop_handle
    r, meta = c_void_p(), c_void_p()
    return r, meta, ctypes.byref(r), ctypes.byref(meta), ctypes.byref(opts), opts


_tls = threading.local()  # in_hook: this thread is inside a hook


class LoopSet(object):
    """The loops of one C session, one per thread, owned by the Python
    object that owns the session and freed before it: a loop keeps easy
    handles that point at the session's transport (its curl share), so a
    loop must not outlive the session it served."""

    def __init__(self):
        self._loops = {}  # thread ident -> _Loop
        self._lock = threading.Lock()

    def get(self):
        if _tls.__dict__.get("in_hook"):
            return _OwnLoop()
        me = threading.get_ident()
        lp = self._loops.get(me)
        if lp is None:
            with self._lock:
                lp = self._loops.get(me)
                if lp is None:
                    lp = self._loops[me] = _Loop()
        return lp

    def free_all(self):
        with self._lock:
            loops, self._loops = list(self._loops.values()), {}
        for lp in loops:
            lp.free()


class BodyReader(object):
    """An awsc_body_reader: the body of a streaming answer, read in pieces
    of the caller's size (raw stream of StreamingBody)."""

    __slots__ = ("_r", "_err", "_err_ref", "_loop", "_keep", "closed", "__weakref__")

    def __init__(self, handle, loop, keep):
        self._r = handle
        self._loop = loop
        self._keep = keep  # the Python client: its C client and session outlive the call
        self._err = loop.err  # the loop's: reads run under its lock
        self._err_ref = loop.err_ref
        self.closed = False

    def read(self, n):
        """Up to n bytes (fewer only at the end), b"" at the end."""
        if self._r is None:
            raise ValueError("I/O operation on closed file.")
        if n <= 0:
            return b""
        with self._loop.lock:
            if _inplace_ok:
                buf = _new_bytes(None, n)
                got = lib.awsc_body_reader_read(self._r, id(buf) + _BYTES_DATA, n, self._err_ref)
            else:
                cbuf = ctypes.create_string_buffer(n)
                got = lib.awsc_body_reader_read(self._r, cbuf, n, self._err_ref)
                buf = cbuf.raw
            if got < 0:
                raise CallFailed(int(got), self._err)
        if got < n:
            return buf[:got]
        return buf

    def read_some(self, least, n):
        """At least `least` bytes (fewer only at the end) and up to n, what
        has arrived beyond `least` without waiting for more: (a bytes
        object of n bytes, how many of them were read)."""
        if self._r is None:
            raise ValueError("I/O operation on closed file.")
        with self._loop.lock:
            if _inplace_ok:
                buf = _new_bytes(None, n)
                got = lib.awsc_body_reader_read_some(self._r, id(buf) + _BYTES_DATA, least, n,
                                                     self._err_ref)
            else:
                cbuf = ctypes.create_string_buffer(n)
                got = lib.awsc_body_reader_read_some(self._r, cbuf, least, n, self._err_ref)
                buf = cbuf.raw
            if got < 0:
                raise CallFailed(int(got), self._err)
        return buf, got

    def readinto(self, b):
        if self._r is None:
            raise ValueError("I/O operation on closed file.")
        m = memoryview(b).cast("B")
        n = len(m)
        if n == 0:
            return 0
        cbuf = (ctypes.c_char * n).from_buffer(m)
        with self._loop.lock:
            got = lib.awsc_body_reader_read(self._r, cbuf, n, self._err_ref)
            if got < 0:
                raise CallFailed(int(got), self._err)
        return got

    def close(self):
        r, self._r = self._r, None
        self.closed = True
        if r:
            with self._loop.lock:
                lib.awsc_body_reader_close(r)

    def __del__(self):
        self.close()


def open_reader(client, operation, params_json, loops, keep, buffer_bytes=0):
    """awsc_body_reader_open on the calling thread's loop of `loops` (the
    LoopSet of the client's session): (the answer's JSON without its
    payload, a BodyReader that keeps `keep` alive). Failures before the body
    raise CallFailed, a service error with its error document in .body."""
    loop = loops.get()
    r, meta, r_ref, meta_ref, opts_ref, opts = loop.open_args
    with loop.lock:
        opts.buffer_bytes = buffer_bytes
        rc = lib.awsc_body_reader_open(r_ref, meta_ref, client, operation, params_json,
                                       opts_ref, loop.err_ref)
        text = take_bytes(meta.value)
        check(rc, loop.err, text)
        return text, BodyReader(r.value, loop, keep)


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
