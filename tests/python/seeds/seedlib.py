"""Shared by the seed workflows: the servers' settings from AWSC_E2E_*, and a
summary of results (keys and types of dicts, exact bytes digests, error
codes) printed as one JSON line, which run_seeds.py compares between real
boto3 and the awsc drop-in. Imports no boto3 itself."""
import datetime
import hashlib
import json
import os
import sys

S3 = os.environ.get("AWSC_E2E_S3_ENDPOINT")
SNS = os.environ.get("AWSC_E2E_SNS_ENDPOINT")
REGION = os.environ.get("AWSC_E2E_REGION") or "us-east-1"
KEY = os.environ.get("AWSC_E2E_ACCESS_KEY_ID")
SECRET = os.environ.get("AWSC_E2E_SECRET_ACCESS_KEY")
PREFIX = os.environ.get("SEED_PREFIX", "pyseed")
_out = []


def creds():
    return dict(region_name=REGION, aws_access_key_id=KEY, aws_secret_access_key=SECRET)


def name(suffix):
    return ("%s-%s" % (PREFIX, suffix)).lower()


def shape(v):
    """Types, with dict keys: what must agree between the two clients."""
    if isinstance(v, dict):
        return {k: ("dict" if k == "HTTPHeaders" else shape(x)) for k, x in sorted(v.items())}
    if isinstance(v, list):
        return [shape(x) for x in v]
    if isinstance(v, datetime.datetime):
        return "datetime+utc" if v.utcoffset() == datetime.timedelta(0) else "datetime"
    if isinstance(v, bytes):
        return "bytes"
    if hasattr(v, "read") and hasattr(v, "iter_chunks"):
        return "StreamingBody"
    return type(v).__name__


def record(label, value):
    _out.append([label, value])


def record_shape(label, value):
    _out.append([label, shape(value)])


def digest(b):
    return hashlib.sha256(b).hexdigest()[:16]


def record_error(label, e):
    r = getattr(e, "response", None) or {}
    # the class: ClientError or a modeled subclass (the tree's models are
    # newer than Debian's botocore and model more errors, e.g. S3's
    # AccessDenied), so only "is a ClientError" is compared
    from botocore.exceptions import ClientError
    _out.append([label, {"client_error": isinstance(e, ClientError),
                         "code": r.get("Error", {}).get("Code"),
                         "status": r.get("ResponseMetadata", {}).get("HTTPStatusCode")}])


def skip(reason):
    print("SKIP: %s" % reason)
    sys.exit(77)


def need_s3():
    if not S3:
        skip("AWSC_E2E_S3_ENDPOINT is not set (no local S3 server)")


def need_sns():
    if not SNS:
        skip("AWSC_E2E_SNS_ENDPOINT is not set (no local SNS server)")


def done():
    print("RESULT " + json.dumps(_out, sort_keys=True))


def empty_bucket(s3, bucket):
    try:
        for o in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
            s3.delete_object(Bucket=bucket, Key=o["Key"])
        s3.delete_bucket(Bucket=bucket)
    except Exception:
        pass
