"""Seed 14: botocore's event hooks as test suites use them: before-sign adds
If-Match and a raw x-amz-* header (the server acts on them), before-call adds
headers, after-call reads the raw status and body, before-call answers the
call, the bucket-name check unregistered so that the server judges the name."""
import boto3
from botocore.exceptions import ClientError, ParamValidationError
from botocore.handlers import validate_bucket_name
import seedlib as S

S.need_s3()
s3 = boto3.client("s3", endpoint_url=S.S3, **S.creds())
b = S.name("hooks")
s3.create_bucket(Bucket=b)
etag = s3.put_object(Bucket=b, Key="k", Body=b"hooked body")["ETag"]


def if_match(value):
    def handler(request, **kwargs):
        request.headers["If-Match"] = value
    return handler


h = if_match('"0123456789abcdef0123456789abcdef"')
s3.meta.events.register("before-sign.s3.GetObject", h)
try:
    s3.get_object(Bucket=b, Key="k")
    S.record("wrong If-Match", "no error")
except ClientError as e:
    S.record_error("wrong If-Match", e)
s3.meta.events.unregister("before-sign.s3.GetObject", h)
h = if_match(etag)
s3.meta.events.register("before-sign.s3.GetObject", h)
S.record("right If-Match", s3.get_object(Bucket=b, Key="k")["Body"].read().decode())
s3.meta.events.unregister("before-sign.s3.GetObject", h)


def raw_meta(request, **kwargs):
    request.headers["x-amz-meta-hooked"] = "by-before-sign"


def call_headers(params, **kwargs):
    params["headers"]["x-amz-meta-early"] = "by-before-call"


s3.meta.events.register("before-sign.s3.PutObject", raw_meta)
s3.meta.events.register("before-call.s3.PutObject", call_headers)
s3.put_object(Bucket=b, Key="meta", Body=b"m")
s3.meta.events.unregister("before-sign.s3.PutObject", raw_meta)
s3.meta.events.unregister("before-call.s3.PutObject", call_headers)
S.record("metadata from hooks", s3.head_object(Bucket=b, Key="meta")["Metadata"])

seen = []


def after(http_response, parsed, **kwargs):
    seen.append([http_response.status_code, http_response.content[:5].decode(),
                 sorted(k for k in parsed if k != "ResponseMetadata")[:3]])


s3.meta.events.register("after-call.s3.ListObjectsV2", after)
s3.list_objects_v2(Bucket=b)
s3.meta.events.unregister("after-call.s3.ListObjectsV2", after)
S.record("after-call raw", seen)


class Answer(object):
    status_code = 200
    headers = {}
    content = b""


def answer(**kwargs):
    return Answer(), {"ContentType": "text/x-from-before-call", "ContentLength": 7}


s3.meta.events.register("before-call.s3.HeadObject", answer)
r = s3.head_object(Bucket=b, Key="not-there")
S.record("before-call answer", [r["ContentType"], r["ContentLength"]])
s3.meta.events.unregister("before-call.s3.HeadObject", answer)

try:
    s3.get_object(Bucket="bad!name", Key="k")
except ParamValidationError:
    S.record("bad name, check on", "ParamValidationError")
s3.meta.events.unregister("before-parameter-build.s3", validate_bucket_name)
try:
    s3.get_object(Bucket="bad!name", Key="k")
    S.record("bad name, check off", "sent and answered")
except ClientError as e:
    S.record_error("bad name, check off", e)
S.empty_bucket(s3, b)
S.done()
