"""Seed 3: upload a CSV, list it (MaxKeys, Prefix), head, download, delete."""
import os
import tempfile
import boto3
from botocore.exceptions import ClientError
import seedlib as S

S.need_s3()
s3 = boto3.client("s3", endpoint_url=S.S3, **S.creds())
b = S.name("csv")
s3.create_bucket(Bucket=b)
d = tempfile.mkdtemp()
src = os.path.join(d, "data.csv")
with open(src, "w") as f:
    f.write("id,name,score\n" + "".join("%d,n%d,%d\n" % (i, i, i * 7 % 100) for i in range(500)))
s3.upload_file(Filename=src, Bucket=b, Key="in/data.csv")
s3.upload_file(src, b, "in/data2.csv", ExtraArgs={"ContentType": "text/csv"})
s3.put_object(Bucket=b, Key="other/x.txt", Body="x")
r = s3.list_objects(Bucket=b, MaxKeys=1, Prefix="in/")
S.record_shape("list_objects MaxKeys=1", r)
S.record("keys", [o["Key"] for o in r["Contents"]])
r = s3.list_objects_v2(Bucket=b, Prefix="in/")
S.record_shape("list_objects_v2", r)
S.record("sizes", [o["Size"] for o in r["Contents"]])
h = s3.head_object(Bucket=b, Key="in/data2.csv")
S.record_shape("head_object", {k: v for k, v in h.items() if k != "ResponseMetadata"})
S.record("content type", h["ContentType"])
dst = os.path.join(d, "back.csv")
s3.download_file(b, "in/data.csv", dst)
S.record("download same bytes", open(dst, "rb").read() == open(src, "rb").read())
g = s3.get_object(Bucket=b, Key="in/data.csv", Range="bytes=0-13")
S.record("range", g["Body"].read().decode())
S.record_shape("get_object range", {k: v for k, v in g.items() if k != "ResponseMetadata"})
for k in ("in/data.csv", "in/data2.csv", "other/x.txt"):
    S.record_shape("delete_object", s3.delete_object(Bucket=b, Key=k))
try:
    s3.head_object(Bucket=b, Key="in/data.csv")
except ClientError as e:
    S.record_error("head after delete", e)
try:
    s3.get_object(Bucket=b, Key="in/data.csv")
except s3.exceptions.NoSuchKey as e:
    S.record_error("get after delete", e)
try:
    s3.download_file(b, "in/data.csv", dst + ".2")
except ClientError as e:
    S.record_error("download missing", e)
S.record("no partial file", not os.path.exists(dst + ".2"))
s3.delete_bucket(Bucket=b)
S.done()
