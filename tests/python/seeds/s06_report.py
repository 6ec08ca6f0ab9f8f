"""Seed 6: an HTML report made with pandas.DataFrame.to_html and a PNG,
uploaded with ContentType and public-read, fetched anonymously."""
import io
import struct
import urllib.request
import zlib
import boto3
import pandas as pd
import seedlib as S


def png(w, h):
    raw = b"".join(b"\x00" + bytes((x * 255 // w, y * 255 // h, 128) * 1)[:3] * 1
                   for y in range(h) for x in range(1)) * 0
    rows = b"".join(b"\x00" + b"".join(bytes((x * 9 % 256, y * 7 % 256, (x ^ y) % 256))
                                       for x in range(w)) for y in range(h))

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw + rows)) + chunk(b"IEND", b""))


S.need_s3()
s3 = boto3.client("s3", endpoint_url=S.S3, **S.creds())
b = S.name("report")
s3.create_bucket(Bucket=b)
df = pd.DataFrame({"city": ["Oslo", "Lima", "Pune"], "temp": [3.5, 19.0, 27.25]})
html = df.to_html(index=False)
r = s3.put_object(Bucket=b, Key="report.html", Body=html, ContentType="text/html",
                  ACL="public-read")
S.record("put html keys", sorted(k for k in r if k != "ResponseMetadata"))
img = png(40, 30)
r = s3.put_object(Bucket=b, Key="chart.png", Body=img, ContentType="image/png", ACL="public-read")
S.record("put png etag", r["ETag"])
f = io.BytesIO(img)
s3.upload_fileobj(f, b, "chart2.png", ExtraArgs={"ContentType": "image/png", "ACL": "public-read"})
for k, want in (("report.html", html.encode()), ("chart.png", img), ("chart2.png", img)):
    with urllib.request.urlopen("%s/%s/%s" % (S.S3, b, k)) as resp:
        body = resp.read()
        S.record("anon " + k, [resp.headers["Content-Type"], body == want, S.digest(body)])
got = s3.get_object(Bucket=b, Key="chart.png")["Body"].read()
S.record("png bytes back", got == img)
S.empty_bucket(s3, b)
S.done()
