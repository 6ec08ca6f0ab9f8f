"""Per-request overhead of a botocore client, the reference for
tests/bench/bench_request.c: the same five calls against the same canned
responses, handed back by a 'before-send' event handler (botocore's own
tests inject responses the same way), so no socket is involved.

    python3 bench_request_botocore.py [--case NAME|1..5] [-n CALLS]
                                      [--runs R] [--show]

Each case: a warm-up, then the best of R runs of N calls in process CPU
time (time.process_time). Lines: "botocore <case> <calls/s> calls/s
<us> us/call n/a allocs/call" (allocations are not counted in Python).
"""
import argparse
import base64
import datetime
import hashlib
import json
import os
import sys
import time

# Nothing from the machine's AWS setup: no ~/.aws, no AWS_* variables.
for _k in list(os.environ):
    if _k.startswith("AWS_"):
        del os.environ[_k]
os.environ["AWS_CONFIG_FILE"] = "/nonexistent/awsc-bench/config"
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/awsc-bench/credentials"

import botocore  # noqa: E402
import botocore.session  # noqa: E402
from botocore.awsrequest import AWSResponse  # noqa: E402

BUCKET = "example-bucket"
OBJECT_KEY = "photos/2024/cat.jpg"
QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/bench-queue"
MESSAGE = "Hello from the awsc request benchmark"

# The same bytes as bench_request.c's setup().
OBJECT_DATA = bytes(ord("a") + i % 26 for i in range(1024))

GET_HEADERS = {
    "x-amz-id-2": "ef8yU9AS1ed4OpIszj7UDNEHGran+Wb7L5p9u3XhC1+MIzNOLDtKFDa"
    "2Z8MhHdvo0Wf5mDZ4BU4=",
    "x-amz-request-id": "318BC8BC148832E5",
    "Date": "Wed, 28 Oct 2009 22:32:00 GMT",
    "Last-Modified": "Wed, 12 Oct 2009 17:50:00 GMT",
    "ETag": '"fba9dede5f27731c9771645a39863328"',
    "Accept-Ranges": "bytes",
    "Content-Type": "image/jpeg",
    "Content-Length": "1024",
    "Server": "AmazonS3",
}
PUT_HEADERS = {
    "x-amz-id-2": "LriYPLdmOdAiIfgSm/F1YsViT1LW94/xUQxMsF7xiEb1a0wiIOIxl+z"
    "bwZ163pt7",
    "x-amz-request-id": "0A49CE4060975EAC",
    "Date": "Wed, 12 Oct 2009 17:50:00 GMT",
    "ETag": '"1b2cf535f27731c974343645a3985328"',
    "x-amz-checksum-crc32": "i9aeUg==",
    "x-amz-server-side-encryption": "AES256",
    "Content-Length": "0",
    "Server": "AmazonS3",
}
LIST_HEADERS = {
    "x-amz-id-2": "gyB+3jRPnrkN98ZajxHXr3u7EFM67bNgSAxexeEHndCX/7GRnfTXxRe"
    "Ntd2Q/nQQe",
    "x-amz-request-id": "3B3C7C725673C630",
    "Date": "Wed, 01 Mar 2024 12:00:00 GMT",
    "x-amz-bucket-region": "us-east-1",
    "Content-Type": "application/xml",
    "Transfer-Encoding": "chunked",
    "Server": "AmazonS3",
}


def list_body():
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
        f"<Name>{BUCKET}</Name><Prefix></Prefix><KeyCount>10</KeyCount>"
        "<MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>"
    ]
    for i in range(10):
        parts.append(
            f"<Contents><Key>photos/2024/{i % 12 + 1:02d}/image-{i:04d}.jpg"
            f"</Key><LastModified>2024-02-{i + 1:02d}T10:20:30.000Z"
            f"</LastModified><ETag>&quot;{0x5EED0000 + i:032x}&quot;</ETag>"
            "<ChecksumAlgorithm>CRC32</ChecksumAlgorithm>"
            f"<Size>{1000 + 37 * i}</Size><StorageClass>STANDARD"
            "</StorageClass></Contents>"
        )
    parts.append("</ListBucketResult>")
    return "".join(parts).encode()


def sqs_reply(protocol):
    md5 = hashlib.md5(MESSAGE.encode()).hexdigest()
    msg_id = "5fea7756-0ea4-451a-a703-a558b933e274"
    rid = "2fbbb1ce-b5a4-5a61-9c2b-38b6c4f8a0c2"
    if protocol == "json":
        body = json.dumps(
            {"MD5OfMessageBody": md5, "MessageId": msg_id},
            separators=(",", ":"),
        ).encode()
        ctype = "application/x-amz-json-1.0"
    else:  # older models: the query protocol
        body = (
            "<SendMessageResponse><SendMessageResult><MD5OfMessageBody>"
            f"{md5}</MD5OfMessageBody><MessageId>{msg_id}</MessageId>"
            "</SendMessageResult><ResponseMetadata><RequestId>"
            f"{rid}</RequestId></ResponseMetadata></SendMessageResponse>"
        ).encode()
        ctype = "text/xml"
    headers = {
        "x-amzn-RequestId": rid,
        "Date": "Wed, 01 Mar 2024 12:00:00 GMT",
        "Content-Type": ctype,
        "Content-Length": str(len(body)),
    }
    return headers, body


class CannedRaw:
    """The raw body a urllib3 response would be: stream() and read()."""

    def __init__(self, data):
        self._data = data

    def stream(self, *args, **kwargs):
        data, self._data = self._data, b""
        if data:
            yield data

    def read(self, amt=None):
        if amt is None:
            data, self._data = self._data, b""
        else:
            data, self._data = self._data[:amt], self._data[amt:]
        return data

    def close(self):
        pass


class Transport:
    """before-send handler: every request gets the current canned reply."""

    def __init__(self):
        self.reply = (200, {}, b"")
        self.show = False

    def __call__(self, request, **kwargs):
        # Read a streamed body as urllib3 would send it: botocore computes
        # PutObject's CRC32 (an aws-chunked trailer) only as it is read.
        body = request.body
        sent = len(body) if isinstance(body, (bytes, bytearray)) else 0
        if hasattr(body, "read"):
            while True:
                chunk = body.read(65536)
                if not chunk:
                    break
                sent += len(chunk)
        if self.show:
            self.show = False
            print(f"  {request.method} {request.url}")
            for name, value in request.headers.items():
                if isinstance(value, bytes):
                    value = value.decode()
                if name == "Authorization":
                    value = "(signature not shown)"
                print(f"  {name}: {value}")
            if sent:
                print(f"  (body, {sent} bytes sent)")
        status, headers, body = self.reply
        return AWSResponse(request.url, status, headers, CannedRaw(body))


def json_default(v):
    if isinstance(v, datetime.datetime):
        return v.isoformat()
    raise TypeError(type(v).__name__)


def make_cases(s3, sqs, show):
    def get_object():
        r = s3.get_object(Bucket=BUCKET, Key=OBJECT_KEY)
        body = r["Body"].read()
        if len(body) != 1024:
            raise RuntimeError(f"GetObject: body of {len(body)} bytes")
        if show[0]:
            print(f"  -> {len(body)} bytes, ETag {r['ETag']}, request id "
                  f"{r['ResponseMetadata']['RequestId']}")

    def put_object():
        r = s3.put_object(Bucket=BUCKET, Key=OBJECT_KEY, Body=OBJECT_DATA)
        if show[0]:
            print(f"  -> ETag {r['ETag']}, request id "
                  f"{r['ResponseMetadata']['RequestId']}")

    def list_objects_v2():
        r = s3.list_objects_v2(Bucket=BUCKET)
        if len(r["Contents"]) != 10:
            raise RuntimeError(f"ListObjectsV2: {len(r['Contents'])} keys")
        if show[0]:
            print(f"  -> {len(r['Contents'])} keys, first "
                  f"{r['Contents'][0]['Key']}")

    def send_message():
        r = sqs.send_message(QueueUrl=QUEUE_URL, MessageBody=MESSAGE)
        if show[0]:
            print(f"  -> MessageId {r['MessageId']}, MD5 "
                  f"{r['MD5OfMessageBody']}")

    # awsc_call_json's counterpart: parameters parsed from JSON, the
    # response (Body read whole, as base64) written back as JSON.
    params_json = json.dumps({"Bucket": BUCKET, "Key": OBJECT_KEY})

    def get_object_json():
        r = s3.get_object(**json.loads(params_json))
        r["Body"] = base64.b64encode(r["Body"].read()).decode()
        out = json.dumps(r, default=json_default)
        if show[0]:
            print(f"  -> {len(out)} bytes of JSON: {out[:160]}...")

    return [
        ("get_object", get_object, (200, GET_HEADERS, OBJECT_DATA)),
        ("put_object", put_object, (200, PUT_HEADERS, b"")),
        ("list_objects_v2", list_objects_v2, (200, LIST_HEADERS, list_body())),
        ("send_message", send_message,
         (200,) + sqs_reply(sqs.meta.service_model.protocol)),
        ("get_object_json", get_object_json, (200, GET_HEADERS, OBJECT_DATA)),
    ]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--case")
    ap.add_argument("-n", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--show", action="store_true")
    a = ap.parse_args()

    session = botocore.session.get_session()
    kw = dict(region_name="us-east-1", aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
              aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    s3 = session.create_client("s3", **kw)
    sqs = session.create_client("sqs", **kw)
    transport = Transport()
    s3.meta.events.register("before-send", transport)
    sqs.meta.events.register("before-send", transport)
    show = [False]
    cases = make_cases(s3, sqs, show)

    ran = 0
    for i, (name, call, reply) in enumerate(cases, 1):
        if a.case and a.case not in (name, str(i)):
            continue
        ran += 1
        transport.reply = reply
        if a.show:
            print(f"{name}:")
            transport.show = show[0] = True
            call()
            show[0] = False
            continue
        for _ in range(max(a.n // 10, 20)):
            call()
        best = None
        for _ in range(a.runs):
            t0 = time.process_time()
            for _ in range(a.n):
                call()
            t = time.process_time() - t0
            best = t if best is None or t < best else best
        per = best / a.n
        print(f"botocore {name:<16} {1 / per:10.0f} calls/s {per * 1e6:8.2f} "
              "us/call     n/a allocs/call", flush=True)
    if not ran:
        ap.error("no such case: " + a.case)
    return 0


if __name__ == "__main__":
    sys.exit(main())
