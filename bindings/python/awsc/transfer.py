"""boto3's S3 managed transfers (upload_file, download_file, upload_fileobj,
download_fileobj, copy) over the C transfer API (awsc/transfer.h): multipart,
threads, checksums and the progress callback all happen in C."""
import ctypes
import json
import os
import shutil
import tempfile

from . import _errors
from . import _lib
from . import exceptions as exc

KB = 1024
MB = KB * KB


class TransferConfig(object):
    """boto3.s3.transfer.TransferConfig. max_io_queue, io_chunksize,
    preferred_transfer_client and max_bandwidth are accepted and have no
    effect (the C transfer has its own I/O).

    One keyword is awsc's own: verify_etag_md5 (None, True or False) checks
    a download of an object uploaded in one part against its ETag, which
    is then the object's MD5 (awsc_s3_transfer_config.verify_etag_md5).
    None, the default, leaves it to the configuration: the environment
    variable AWSC_VERIFY_ETAG_MD5 or the profile key verify_etag_md5, off
    when neither is set, as botocore has no such check."""

    def __init__(self, multipart_threshold=8 * MB, max_concurrency=10,
                 multipart_chunksize=8 * MB, num_download_attempts=5,
                 max_io_queue=100, io_chunksize=256 * KB, use_threads=True,
                 max_bandwidth=None, preferred_transfer_client="auto",
                 verify_etag_md5=None):
        self.multipart_threshold = multipart_threshold
        self.max_concurrency = max_concurrency
        self.multipart_chunksize = multipart_chunksize
        self.num_download_attempts = num_download_attempts
        self.max_io_queue = max_io_queue
        self.io_chunksize = io_chunksize
        self.use_threads = use_threads
        self.max_bandwidth = max_bandwidth
        self.preferred_transfer_client = preferred_transfer_client
        self.verify_etag_md5 = verify_etag_md5

    def _c_config(self):
        c = _lib.TransferConfig()
        c.version = 2
        c.multipart_threshold = int(self.multipart_threshold)
        c.multipart_chunksize = int(self.multipart_chunksize)
        c.max_concurrency = int(self.max_concurrency) if self.use_threads else 1
        c.use_threads = _lib.TOGGLE_ON if self.use_threads else _lib.TOGGLE_OFF
        c.num_download_attempts = int(self.num_download_attempts)
        v = self.verify_etag_md5
        c.verify_etag_md5 = (_lib.TOGGLE_DEFAULT if v is None else
                             _lib.TOGGLE_ON if v else _lib.TOGGLE_OFF)
        return c


class _Progress(object):
    """Turns the C progress (bytes done so far) into boto3's Callback(bytes
    since the last call).

    Today the C side is the `progress` function of awsc_s3_transfer_config.
    When the C transfer API's own progress callback and cancel land (the
    transfers moving onto the async engine, and their _json forms), this
    class is the one place to bind them: self.fn becomes that callback's
    type, and a nonzero return (an exception in Callback) cancels."""

    def __init__(self, callback):
        self.callback = callback
        self.done = 0
        self.exc = None
        self.fn = _lib.S3_PROGRESS_FN(self._call)

    def _call(self, done, total, ud):
        try:
            delta = done - self.done
            self.done = done
            if delta > 0:
                self.callback(delta)
            return 0
        except BaseException as e:  # can not cross the C frames: kept, re-raised
            self.exc = e
            return 1


def _config(config, callback):
    if config is not None and not isinstance(config, TransferConfig):
        # boto3's own TransferConfig (import awsc as boto3 beside boto3)
        config = TransferConfig(**{k: getattr(config, k) for k in (
            "multipart_threshold", "max_concurrency", "multipart_chunksize",
            "num_download_attempts", "use_threads") if hasattr(config, k)})
    cfg = (config or TransferConfig())._c_config()
    prog = None
    if callback is not None:
        prog = _Progress(callback)
        cfg.progress = prog.fn
    return cfg, prog


def _run(client, operation, params, config, callback):
    from ._client import dumps
    cfg, prog = _config(config, callback)
    out = ctypes.c_void_p()
    err = _lib.Error()
    rc = _lib.lib.awsc_s3_transfer_json(ctypes.byref(out), client._c, operation.encode(),
                                        dumps(params).encode(), ctypes.byref(cfg),
                                        ctypes.byref(err))
    text = _lib.take_string(out.value)
    if prog is not None and prog.exc is not None:
        raise prog.exc
    if rc:
        raise _translate(client, rc, err, operation, params)
    return json.loads(text)


def _translate(client, rc, err, operation, params):
    e = _lib.CallFailed(rc, err)
    if rc == _lib.EVALIDATION:
        return ValueError(e.message) if "extra_args" in e.message else \
            exc.ParamValidationError(report=e.message)
    op = {"upload_file": "PutObject", "upload_fileobj": "PutObject",
          "download_file": "HeadObject", "copy": "CopyObject"}.get(operation, operation)
    if rc == _lib.ESERVICE and not e.body and operation.startswith("download") \
            and e.http_status in (403, 404):
        # s3transfer's HeadObject error: the status as the code
        e.body = json.dumps({"Error": {"Code": str(e.http_status),
                                       "Message": {404: "Not Found", 403: "Forbidden"}[e.http_status]},
                             "ResponseMetadata": {"RequestId": e.request_id, "HostId": e.host_id,
                                                  "HTTPStatusCode": e.http_status,
                                                  "HTTPHeaders": {},
                                                  "RetryAttempts": e.retry_attempts}})
    pyerr = _errors.translate(e, op, client.meta.endpoint_url, client.exceptions)
    if operation.startswith("upload") and isinstance(pyerr, exc.ClientError):
        return exc.S3UploadFailedError("Failed to upload %s to %s/%s: %s" % (
            params.get("Filename", "fileobj"), params.get("Bucket"), params.get("Key"), pyerr))
    return pyerr


def upload_file(client, Filename, Bucket, Key, ExtraArgs=None, Callback=None, Config=None):
    params = {"Filename": os.fspath(Filename), "Bucket": Bucket, "Key": Key}
    if ExtraArgs:
        params["ExtraArgs"] = ExtraArgs
    _run(client, "upload_file", params, Config, Callback)


def download_file(client, Bucket, Key, Filename, ExtraArgs=None, Callback=None, Config=None):
    params = {"Bucket": Bucket, "Key": Key, "Filename": os.fspath(Filename)}
    if ExtraArgs:
        params["ExtraArgs"] = ExtraArgs
    _run(client, "download_file", params, Config, Callback)


def copy(client, CopySource, Bucket, Key, ExtraArgs=None, Callback=None, Config=None):
    if isinstance(CopySource, str):
        b, _, k = CopySource.lstrip("/").partition("/")
        CopySource = {"Bucket": b, "Key": k}
    params = {"CopySource": CopySource, "Bucket": Bucket, "Key": Key}
    if ExtraArgs:
        params["ExtraArgs"] = ExtraArgs
    _run(client, "copy", params, Config, Callback)


class _Reader(object):
    def __init__(self, fileobj):
        self.f = fileobj
        self.exc = None
        self.fn = _lib.READ_FN(self._read)

    def _read(self, buf, size, ud):
        try:
            return _lib.read_into(self.f, buf, size)
        except BaseException as e:
            self.exc = e
            return _lib.ECANCELLED


def _remaining_size(f):
    try:
        if f.seekable():
            pos = f.tell()
            end = f.seek(0, os.SEEK_END)
            f.seek(pos)
            return f, end - pos
    except (AttributeError, OSError, ValueError):
        pass
    import io
    data = f.read()
    if isinstance(data, str):
        data = data.encode("utf-8")
    return io.BytesIO(data), len(data)


def upload_fileobj(client, Fileobj, Bucket, Key, ExtraArgs=None, Callback=None, Config=None):
    from ._client import dumps
    f, size = _remaining_size(Fileobj)
    cfg, prog = _config(Config, Callback)
    reader = _Reader(f)
    res = _lib.TransferResult()
    err = _lib.Error()
    rc = _lib.lib.awsc_s3_upload_fileobj_json(ctypes.byref(res), client._c, reader.fn, None,
                                              size, Bucket.encode(), Key.encode(),
                                              dumps(ExtraArgs).encode() if ExtraArgs else None,
                                              ctypes.byref(cfg), ctypes.byref(err))
    if reader.exc is not None:
        raise reader.exc
    if prog is not None and prog.exc is not None:
        raise prog.exc
    if rc:
        raise _translate(client, rc, err, "upload_fileobj", {"Bucket": Bucket, "Key": Key})
    out = {"ETag": res.e_tag.decode(), "Size": res.size}
    if res.version_id:
        out["VersionId"] = res.version_id.decode()
    return out


def download_fileobj(client, Bucket, Key, Fileobj, ExtraArgs=None, Callback=None, Config=None):
    """Through a temporary file (the C download writes files; flat memory):
    the object lands there whole and checked, then is copied into Fileobj."""
    d = tempfile.mkdtemp(prefix="awsc-dl-")
    try:
        path = os.path.join(d, "body")
        download_file(client, Bucket, Key, path, ExtraArgs, Callback, Config)
        with open(path, "rb") as f:
            shutil.copyfileobj(f, Fileobj, 1024 * 1024)
    finally:
        shutil.rmtree(d, ignore_errors=True)
