"""Seed 15: bodies and errors as boto3 code leans on them: a binary Body
round-trips (bytes, file object), StreamingBody's read(n), iter_lines,
iter_chunks, closing early, pandas.read_csv over it; a HEAD 404 has code
'404' and is not client.exceptions.NoSuchKey; a service error carries the
answer's headers; ResponseMetadata as botocore's."""
import io
import os
import boto3
import pandas as pd
from botocore.exceptions import ClientError
import seedlib as S

S.need_s3()
s3 = boto3.client("s3", endpoint_url=S.S3, **S.creds())
b = S.name("bodies")
s3.create_bucket(Bucket=b)
blob = bytes(range(256)) * 64 + b"\x00\xff\x00"
r = s3.put_object(Bucket=b, Key="blob.bin", Body=blob)
S.record_shape("put_object", r)
S.record("bytes back", S.digest(s3.get_object(Bucket=b, Key="blob.bin")["Body"].read()) == S.digest(blob))
s3.put_object(Bucket=b, Key="file.bin", Body=io.BytesIO(blob[::-1]))
S.record("file object back", s3.get_object(Bucket=b, Key="file.bin")["Body"].read() == blob[::-1])
lines = "".join("%d,name %d,%d\n" % (i, i, i * i % 97) for i in range(3000))
s3.put_object(Bucket=b, Key="t.csv", Body=("id,name,v\n" + lines).encode())
g = s3.get_object(Bucket=b, Key="t.csv")
S.record_shape("get_object", {k: v for k, v in g.items() if k != "ResponseMetadata"})
body = g["Body"]
S.record("read(3)", body.read(3).decode())
S.record("read(0)", body.read(0).decode())
S.record("rest", S.digest(body.read()))
S.record("iter_lines", [x.decode() for x in s3.get_object(Bucket=b, Key="t.csv")["Body"].iter_lines()][:3])
S.record("iter_chunks sizes", [len(c) for c in s3.get_object(Bucket=b, Key="t.csv")["Body"].iter_chunks(10000)][:3])
early = s3.get_object(Bucket=b, Key="t.csv")["Body"]
S.record("early", early.read(9).decode())
early.close()
df = pd.read_csv(s3.get_object(Bucket=b, Key="t.csv")["Body"])
S.record("pandas", [list(df.columns), len(df), int(df["v"].sum())])
try:
    s3.head_object(Bucket=b, Key="missing")
    S.record("head missing", "no error")
except s3.exceptions.NoSuchKey as e:
    S.record("head missing", "NoSuchKey caught")
except ClientError as e:
    S.record_error("head missing", e)
    S.record("head missing is NoSuchKey", isinstance(e, s3.exceptions.NoSuchKey))
try:
    s3.get_object(Bucket=b, Key="missing")
except s3.exceptions.NoSuchKey as e:
    S.record_error("get missing", e)
    md = e.response["ResponseMetadata"]
    S.record("error metadata keys", sorted(md))
    S.record("error has headers", ["x-amz-request-id" in md["HTTPHeaders"],
                                   "content-type" in md["HTTPHeaders"]])
    S.record("error key", e.response["Error"].get("Key"))
h = s3.head_object(Bucket=b, Key="blob.bin")
md = h["ResponseMetadata"]
S.record("metadata keys", sorted(md))
S.record("HostId from x-amz-id-2", md["HostId"] == md["HTTPHeaders"].get("x-amz-id-2", ""))
for k in ("blob.bin", "file.bin", "t.csv"):
    s3.delete_object(Bucket=b, Key=k)
s3.delete_bucket(Bucket=b)
S.done()
