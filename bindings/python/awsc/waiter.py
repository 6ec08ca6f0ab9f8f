"""botocore's Waiter over awsc_client_wait."""
import ctypes

from . import _lib
from . import exceptions as exc


class Waiter(object):
    def __init__(self, client, name):
        self._client = client
        self.name = name

    def wait(self, **kwargs):
        from ._client import dumps
        cfg = kwargs.pop("WaiterConfig", None) or {}
        wc = _lib.WaiterConfig()
        wc.version = 1
        wc.delay_s = int(cfg.get("Delay") or 0)
        wc.max_attempts = int(cfg.get("MaxAttempts") or 0)
        err = _lib.Error()
        rc = _lib.lib.awsc_client_wait(self._client._c, self.name.encode(),
                                       dumps(kwargs).encode(), ctypes.byref(wc),
                                       ctypes.byref(err))
        raise_waiter_error(rc, err, self.name, self._client)


def raise_waiter_error(rc, err, name, client):
    if rc == 0:
        return
    e = _lib.CallFailed(rc, err)
    if rc in (_lib.ETIMEOUT, _lib.ESERVICE) and e.message.startswith("Waiter "):
        # "Waiter NAME failed: REASON"
        head, _, reason = e.message.partition(" failed: ")
        last = None
        if e.service_code:
            last = {"Error": {"Code": e.service_code, "Message": ""},
                    "ResponseMetadata": {"HTTPStatusCode": e.http_status,
                                         "RequestId": e.request_id}}
        raise exc.WaiterError(name=head[len("Waiter "):], reason=reason, last_response=last)
    if rc == _lib.EVALIDATION:
        raise exc.ParamValidationError(report=e.message)
    from . import _errors
    raise _errors.translate(e, name, client.meta.endpoint_url, client.exceptions)
