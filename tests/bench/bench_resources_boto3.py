"""boto3's resources, the reference for tests/bench/bench_resources.c: the
same two idioms over the same canned bytes, handed back by a 'before-send'
event handler on the resource's client (botocore's own tests inject
responses the same way), so no socket is involved.

    python3 bench_resources_boto3.py [--keys N] [--loads N] [--show]
                                     [--digest]

Cases:
  list  for obj in bucket.objects.all(): obj.key, obj.size  (--keys keys,
        ListObjects pages of 1000 built once before timing; the handler
        picks the page from the request's marker)
  load  o = s3.Object(bucket, key); o.content_length, o.e_tag  (the first
        attribute loads through HeadObject; --loads distinct keys)

Timing: time.process_time (user + sys) of one timed pass after a warm-up
pass of one page and 100 loads. Memory: VmHWM of /proc/self/status, the
RSS before the listing and the growth above it during the listing (the
peak reset first through /proc/self/clear_refs when allowed).
--digest prints the SHA-256 of the canned pages and HeadObject headers
(the same as bench_resources.c --digest prints) and exits.
Lines: "boto3 <case> key=value ...", as bench_resources.c's.
"""
import argparse
import hashlib
import os
import sys
import time

# Nothing from the machine's AWS setup: no ~/.aws, no AWS_* variables.
for _k in list(os.environ):
    if _k.startswith("AWS_"):
        del os.environ[_k]
os.environ["AWS_CONFIG_FILE"] = "/nonexistent/awsc-bench/config"
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/awsc-bench/credentials"

import boto3  # noqa: E402
import boto3.session  # noqa: E402
from botocore.awsrequest import AWSResponse  # noqa: E402

BUCKET = "example-bucket"
PAGE_KEYS = 1000
WARM_LOADS = 100

LIST_HEADERS = [
    ("x-amz-id-2", "gyB+3jRPnrkN98ZajxHXr3u7EFM67bNgSAxexeEHndCX/7GRnfTXxRe"
     "Ntd2Q/nQQe"),
    ("x-amz-request-id", "3B3C7C725673C630"),
    ("Date", "Wed, 01 Mar 2024 12:00:00 GMT"),
    ("x-amz-bucket-region", "us-east-1"),
    ("Content-Type", "application/xml"),
    ("Transfer-Encoding", "chunked"),
    ("Server", "AmazonS3"),
]
HEAD_HEADERS = [
    ("x-amz-id-2", "ef8yU9AS1ed4OpIszj7UDNEHGran+Wb7L5p9u3XhC1+MIzNOLDtKFDa"
     "2Z8MhHdvo0Wf5mDZ4BU4="),
    ("x-amz-request-id", "318BC8BC148832E5"),
    ("Date", "Wed, 28 Oct 2009 22:32:00 GMT"),
    ("Last-Modified", "Wed, 12 Oct 2009 17:50:00 GMT"),
    ("ETag", '"fba9dede5f27731c9771645a39863328"'),
    ("Accept-Ranges", "bytes"),
    ("Content-Type", "text/csv"),
    ("Content-Length", "1024"),
    ("x-amz-server-side-encryption", "AES256"),
    ("Server", "AmazonS3"),
]
OWNER_ID = "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a"


def key_of(i):
    return f"data/2024/part-{i:06d}.csv"


def page_text(page, keys):
    """One ListObjects (V1) page, byte for byte bench_resources.c's."""
    first = page * PAGE_KEYS
    last = min(first + PAGE_KEYS, keys)
    marker = key_of(first - 1) if page > 0 else ""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
        f"<Name>{BUCKET}</Name><Prefix></Prefix><Marker>{marker}</Marker>"
        "<MaxKeys>1000</MaxKeys><EncodingType>url</EncodingType>"
        f"<IsTruncated>{'true' if last < keys else 'false'}</IsTruncated>"
    ]
    for i in range(first, last):
        parts.append(
            f"<Contents><Key>{key_of(i)}</Key>"
            f"<LastModified>2024-02-{i % 28 + 1:02d}T10:20:30.000Z"
            f"</LastModified><ETag>&quot;{0x5EED0000 + i:032x}&quot;</ETag>"
            f"<Size>{1000 + (i * 37) % 100000}</Size>"
            f"<Owner><ID>{OWNER_ID}</ID><DisplayName>bench</DisplayName>"
            "</Owner><StorageClass>STANDARD</StorageClass></Contents>"
        )
    parts.append("</ListBucketResult>")
    return "".join(parts).encode()


def build_pages(keys):
    return [page_text(p, keys) for p in range(max(1, -(-keys // PAGE_KEYS)))]


def digest(pages):
    h = hashlib.sha256()
    for p in pages:
        h.update(p)
    for name, value in HEAD_HEADERS:
        h.update(f"{name}: {value}\n".encode())
    return h.hexdigest()


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
    """before-send handler: a page by the request's marker, or HeadObject."""

    def __init__(self, pages):
        self.pages = pages
        self.show = False
        self.bad = 0

    def __call__(self, request, **kwargs):
        if self.show:
            self.show = False
            print(f"  {request.method} {request.url}")
        if request.method == "HEAD":
            return AWSResponse(request.url, 200, dict(HEAD_HEADERS),
                               CannedRaw(b""))
        url = request.url
        page = 0
        m = url.find("marker=")
        if m >= 0:
            k = url.find("part-", m)
            page = (int(url[k + 5:k + 11]) + 1) // PAGE_KEYS if k >= 0 else -1
        if request.method != "GET" or not 0 <= page < len(self.pages):
            self.bad += 1
            return AWSResponse(url, 400, {}, CannedRaw(b""))
        return AWSResponse(url, 200, dict(LIST_HEADERS),
                           CannedRaw(self.pages[page]))


def list_objects(bucket, limit=None):
    """for obj in bucket.objects.all(): obj.key, obj.size"""
    coll = bucket.objects.all()
    if limit:
        coll = coll.limit(limit)
    count = check = 0
    for obj in coll:
        check += obj.size + len(obj.key)
        count += 1
    return count, check


def load_objects(s3, first, n):
    """s3.Object(bucket, key): .content_length (loads), .e_tag"""
    check = 0
    for i in range(first, first + n):
        o = s3.Object(BUCKET, key_of(i))
        check += o.content_length + len(o.e_tag)
    return check


def status_kb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return -1


def reset_hwm():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return 1
    except OSError:
        return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--keys", type=int, default=10000)
    ap.add_argument("--loads", type=int, default=1000)
    ap.add_argument("--show", action="store_true")
    ap.add_argument("--digest", action="store_true")
    a = ap.parse_args()
    if a.keys < 1 or not 0 <= a.loads <= a.keys:
        ap.error("need 1 <= keys and 0 <= loads <= keys")

    pages = build_pages(a.keys)
    if a.digest:
        print(f"digest keys={a.keys} pages={len(pages)} sha256={digest(pages)}")
        return 0

    session = boto3.session.Session(
        region_name="us-east-1", aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    s3 = session.resource("s3")
    transport = Transport(pages)
    s3.meta.client.meta.events.register("before-send", transport)
    bucket = s3.Bucket(BUCKET)

    if a.show:
        transport.show = True
        list_objects(bucket, 1)
        transport.show = True
        load_objects(s3, 0, 1)
        return 0

    list_objects(bucket, PAGE_KEYS)
    load_objects(s3, 0, min(a.loads, WARM_LOADS))

    base_kb = status_kb("VmRSS")
    hwm_reset = reset_hwm()
    t0 = time.process_time()
    count, check = list_objects(bucket)
    t_list = time.process_time() - t0
    hwm_kb = status_kb("VmHWM")
    if count != a.keys or transport.bad:
        print(f"listed {count} keys of {a.keys} ({transport.bad} bad "
              "requests)", file=sys.stderr)
        return 1
    print(f"boto3 list keys={count} pages={len(pages)} cpu_s={t_list:.6f} "
          f"us_per_item={t_list * 1e6 / count:.3f} allocs_per_item=n/a "
          f"check={check}", flush=True)
    if a.loads:
        t0 = time.process_time()
        check = load_objects(s3, 0, a.loads)
        t_load = time.process_time() - t0
        print(f"boto3 load objects={a.loads} cpu_s={t_load:.6f} "
              f"us_per_item={t_load * 1e6 / a.loads:.3f} allocs_per_item=n/a "
              f"check={check}", flush=True)
    print(f"boto3 mem keys={a.keys} hwm_kb={hwm_kb} base_kb={base_kb} "
          f"growth_kb={hwm_kb - base_kb} heap_peak_kb=n/a "
          f"hwm_reset={hwm_reset}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
