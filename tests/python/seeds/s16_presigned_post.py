"""Seed 16: generate_presigned_post, used as an HTML form would (a
multipart/form-data POST with urllib, no credentials), and refused by the
server when a condition is broken."""
import urllib.error
import urllib.request
import uuid
import boto3
import seedlib as S

S.need_s3()
s3 = boto3.client("s3", endpoint_url=S.S3, **S.creds())
b = S.name("ppost")
s3.create_bucket(Bucket=b)


def post(url, fields, name, data):
    boundary = uuid.uuid4().hex
    parts = []
    for k, v in fields.items():
        parts.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n"
                      % (boundary, k, v)).encode())
    parts.append(("--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
                  "Content-Type: text/html\r\n\r\n" % (boundary, name)).encode() + data + b"\r\n")
    parts.append(("--%s--\r\n" % boundary).encode())
    req = urllib.request.Request(url, data=b"".join(parts), method="POST", headers={
        "Content-Type": "multipart/form-data; boundary=%s" % boundary})
    try:
        with urllib.request.urlopen(req) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


p = s3.generate_presigned_post(b, "uploads/${filename}",
                               Fields={"Content-Type": "text/html"},
                               Conditions=[{"Content-Type": "text/html"},
                                           ["content-length-range", 1, 1000]],
                               ExpiresIn=600)
# boto3 1.26 signs S3 POST policies with SigV2 in us-east-1 (signature,
# AWSAccessKeyId), awsc with SigV4 (x-amz-signature...): both signed
S.record("fields", [k for k in sorted(p["fields"]) if k in ("Content-Type", "key", "policy")])
S.record("signed", "signature" in p["fields"] or "x-amz-signature" in p["fields"])
S.record("post", post(p["url"], p["fields"], "page.html", b"<p>posted</p>"))
o = s3.get_object(Bucket=b, Key="uploads/page.html")
S.record("posted object", [o["Body"].read().decode(), o["ContentType"]])
S.record("too large", post(p["url"], p["fields"], "big.html", b"x" * 2000))
bad = dict(p["fields"], **{"Content-Type": "text/plain"})
S.record("broken condition", post(p["url"], bad, "other.html", b"<p>no</p>"))
S.record("nothing else landed", sorted(o["Key"] for o in s3.list_objects_v2(Bucket=b)["Contents"]))
S.empty_bucket(s3, b)
S.done()
