"""Leak test of the Python binding: 10,000 calls (successes with bodies and
timestamps, service errors, paginators, resource handles, transfers with
callbacks, binary payloads through hooks, bodies closed early or dropped
unread, presigned POSTs) against a canned server; the process's RSS must
stay flat. Ends with "N passed, N failed"."""
import io
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "bindings", "python"))
os.environ.update(AWS_ACCESS_KEY_ID="AKIDTEST", AWS_SECRET_ACCESS_KEY="secret",
                  AWS_DEFAULT_REGION="us-east-1", AWS_CONFIG_FILE="/nonexistent",
                  AWS_SHARED_CREDENTIALS_FILE="/nonexistent", AWS_EC2_METADATA_DISABLED="true")

import awsc  # noqa: E402
from fakeserver import FakeServer  # noqa: E402

CALLS = int(os.environ.get("AWSC_PY_LEAK_CALLS", "10000"))
LIMIT_KB = 3 * 1024


def rss_kb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


srv = FakeServer(record=False)  # a growing request log would read as a leak
LIST = (b'<ListBucketResult><Name>b</Name><IsTruncated>false</IsTruncated><KeyCount>3</KeyCount>'
        + b"".join(b"<Contents><Key>k%d</Key><LastModified>2024-05-01T10:00:00.000Z</LastModified>"
                   b"<Size>%d</Size></Contents>" % (i, i) for i in range(3))
        + b"</ListBucketResult>")
srv.route("GET", lambda p, b: "list-type=2" in p, 200, {"Content-Type": "application/xml"}, LIST)
srv.route("GET", "/b/obj", 200, {"Content-Type": "text/csv",
                                 "Last-Modified": "Wed, 01 May 2024 10:00:00 GMT"}, b"a,b\n" * 256)
srv.route("GET", "/b/missing", 404, {"Content-Type": "application/xml"},
          b"<Error><Code>NoSuchKey</Code><Message>gone</Message></Error>")
srv.route("HEAD", "/b/obj", 200, {"Content-Length": "1024", "ETag": '"e"',
                                  "Last-Modified": "Wed, 01 May 2024 10:00:00 GMT"}, b"")

srv.route("PUT", "/b/up", 200, {"ETag": '"900150983cd24fb0d6963f7d28e17f72"'}, b"")
s3 = awsc.client("s3", endpoint_url=srv.url)
seen = []
res = awsc.resource("s3", endpoint_url=srv.url)
hooked = awsc.client("s3", endpoint_url=srv.url)
hooked.meta.events.register("before-sign.s3.PutObject",
                            lambda request, **kw: request.headers.__setitem__("x-amz-meta-h", "1"))
hooked.meta.events.register("after-call.s3.PutObject",
                            lambda http_response, **kw: http_response.status_code)
blob = bytes(range(256)) * 8


def one(i):
    k = i % 11
    if k == 7:  # a binary payload, through hooks
        hooked.put_object(Bucket="b", Key="up", Body=blob)
        return
    if k == 8:  # a body closed before its end, or dropped unread
        b = s3.get_object(Bucket="b", Key="obj")["Body"]
        if i % 2:
            b.read(10)
            b.close()
        return
    if k == 9:
        s3.generate_presigned_post("b", "k", Conditions=[["content-length-range", 1, 10]])
        return
    if k == 10:
        s3.put_object(Bucket="b", Key="up", Body=io.BytesIO(blob))
        return
    if k == 0:
        s3.get_object(Bucket="b", Key="obj")["Body"].read()
    elif k == 1:
        s3.list_objects_v2(Bucket="b")["Contents"][0]["LastModified"]
    elif k == 2:
        try:
            s3.get_object(Bucket="b", Key="missing")
        except s3.exceptions.NoSuchKey:
            pass
    elif k == 3:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket="b"):
            page["KeyCount"]
    elif k == 4:
        obj = res.Bucket("b").Object("obj")
        obj.content_length
    elif k == 5:  # a transfer with a read callback and a progress callback
        s3.upload_fileobj(io.BytesIO(b"abc"), "b", "up", Callback=seen.append)
        seen.clear()
    else:
        s3.get_paginator("list_objects_v2").paginate(Bucket="b").build_full_result()


for i in range(1000):  # warm-up: caches, pools, connections
    one(i)
before = rss_kb()
t0 = time.time()
mid = None
for i in range(CALLS):
    one(i)
    if i == CALLS // 2:
        mid = rss_kb()
after = rss_kb()
dt = time.time() - t0
srv.close()
print("calls %d in %.1f s; RSS after warm-up %d KiB, half-way %d KiB, end %d KiB (+%d KiB)"
      % (CALLS, dt, before, mid, after, after - before))
ok = after - before <= LIMIT_KB and after - mid <= LIMIT_KB // 2
print("%s rss flat (limit +%d KiB overall, +%d KiB over the second half)"
      % ("ok  " if ok else "FAIL", LIMIT_KB, LIMIT_KB // 2))
print("%d passed, %d failed" % (1 if ok else 0, 0 if ok else 1))
sys.exit(0 if ok else 1)
