"""C failures (_lib.CallFailed) -> boto3's exception types."""
import json
import re

from . import _lib
from . import exceptions as exc


def _metadata(e):
    return {"RequestId": e.request_id, "HostId": e.host_id,
            "HTTPStatusCode": e.http_status, "HTTPHeaders": {},
            "RetryAttempts": e.retry_attempts}


def service_error_response(e):
    """The ClientError.response dict of a service error."""
    if e.body:
        try:
            resp = json.loads(e.body)
            md = resp.get("ResponseMetadata")
            if md is not None and "HostId" not in md and \
                    "x-amz-request-id" in md.get("HTTPHeaders", ()):
                md["HostId"] = ""  # botocore: always there beside x-amz-request-id
            return resp
        except ValueError:
            pass
    m = _C_MESSAGE.match(e.message)
    return {"Error": {"Code": e.service_code, "Message": m.group(3) if m else e.message},
            "ResponseMetadata": _metadata(e)}


# awsc_error.message of a service error: botocore's text around the
# service's own message (calls without the JSON error answer: paginators,
# waiters, transfers, resources)
_C_MESSAGE = re.compile(r"^An error occurred \((.*?)\) when calling the (\w+) operation"
                        r"(?: \(reached max retries: \d+\))?: (.*)$", re.S)


_S3_HEAD_ERRORS = {"HeadObject": "NoSuchKey", "HeadBucket": "NoSuchBucket"}


def translate(e, operation_name="", endpoint_url="", exceptions=None):
    """Return the Python exception for a CallFailed."""
    st = e.status
    if st == _lib.ESERVICE:
        resp = service_error_response(e)
        m = None if e.body else _C_MESSAGE.match(e.message)
        if m:
            operation_name = m.group(2)  # the request that failed, by its model name
        if operation_name in _S3_HEAD_ERRORS and e.http_status in (301, 400, 403, 404):
            # A HEAD answer has no body: botocore's code is the status
            # ("404"), and `e.response['Error']['Code'] == '404'` is the
            # idiom; the C library names the operation's one modeled error
            # (NoSuchKey) instead (lib/custom/s3.c).
            err_d = resp.setdefault("Error", {})
            if err_d.get("Code") == _S3_HEAD_ERRORS[operation_name] or not err_d.get("Code"):
                err_d["Code"] = str(e.http_status)
        code = resp.get("Error", {}).get("Code", "")
        cls = exceptions.from_code(code) if exceptions is not None else exc.ClientError
        err = cls(resp, operation_name)
    elif st == _lib.EVALIDATION:
        if e.message.startswith("You must specify a region"):
            err = exc.NoRegionError()
        else:
            err = exc.ParamValidationError(report=e.message)
    elif st == _lib.ECREDENTIALS:
        if "Unable to locate credentials" in e.message or not e.message:
            err = exc.NoCredentialsError()
        else:
            err = CredentialRetrievalError(provider="awsc", error_msg=e.message)
    elif st == _lib.ENETWORK:
        err = exc.EndpointConnectionError(endpoint_url=endpoint_url, error=e.message)
    elif st == _lib.ETIMEOUT:
        err = exc.ReadTimeoutError(endpoint_url=endpoint_url, error=e.message)
    elif st == _lib.ETLS:
        err = exc.SSLError(endpoint_url=endpoint_url, error=e.message)
    elif st == _lib.ECHECKSUM:
        err = exc.FlexibleChecksumError(error_msg=e.message)
    else:
        err = exc.AwscError(message=e.message or _lib.lib.awsc_strerror(st).decode())
    err.awsc_status = st
    return err


class CredentialRetrievalError(exc.BotoCoreError):
    fmt = "Error when retrieving credentials from {provider}: {error_msg}"


exc.CredentialRetrievalError = CredentialRetrievalError
