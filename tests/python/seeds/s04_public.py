"""Seed 4: public-read through put_object_acl and through ExtraArgs, fetched
anonymously (urllib and an UNSIGNED client); a private object refused."""
import os
import tempfile
import urllib.error
import urllib.request
import boto3
from botocore import UNSIGNED
from botocore.client import Config
from botocore.exceptions import ClientError
import seedlib as S

S.need_s3()
s3 = boto3.client("s3", endpoint_url=S.S3, **S.creds())
anon = boto3.client("s3", endpoint_url=S.S3, region_name=S.REGION,
                    config=Config(signature_version=UNSIGNED))
b = S.name("public")
s3.create_bucket(Bucket=b)
s3.put_object(Bucket=b, Key="acl.txt", Body=b"made public by put_object_acl\n")
S.record_shape("put_object_acl", s3.put_object_acl(Bucket=b, Key="acl.txt", ACL="public-read"))
f = os.path.join(tempfile.mkdtemp(), "extra.txt")
open(f, "w").write("public through ExtraArgs\n")
s3.upload_file(f, b, "extra.txt", ExtraArgs={"ACL": "public-read", "ContentType": "text/plain"})
s3.put_object(Bucket=b, Key="private.txt", Body=b"secret")
for k in ("acl.txt", "extra.txt"):
    with urllib.request.urlopen("%s/%s/%s" % (S.S3, b, k)) as resp:
        S.record("urllib " + k, [resp.status, S.digest(resp.read())])
    S.record("anon " + k, S.digest(anon.get_object(Bucket=b, Key=k)["Body"].read()))
try:
    urllib.request.urlopen("%s/%s/private.txt" % (S.S3, b))
except urllib.error.HTTPError as e:
    S.record("urllib private", e.code)
try:
    anon.get_object(Bucket=b, Key="private.txt")
except ClientError as e:
    S.record_error("anon private", e)
acl = s3.get_object_acl(Bucket=b, Key="acl.txt")
S.record_shape("get_object_acl", {k: v for k, v in acl.items() if k != "ResponseMetadata"})
S.record("grants", sorted(g["Permission"] for g in acl["Grants"]))
S.empty_bucket(s3, b)
S.done()
