"""Seed 2: create and delete buckets in a loop."""
import boto3
from botocore.exceptions import ClientError
import seedlib as S

S.need_s3()
s3 = boto3.client("s3", endpoint_url=S.S3, **S.creds())
names = [S.name("loop%d" % i) for i in range(4)]
for n in names:
    S.record_shape("create " + n[-5:], s3.create_bucket(Bucket=n))
listed = sorted(x["Name"] for x in s3.list_buckets()["Buckets"] if x["Name"] in names)
S.record("listed", [n[-5:] for n in listed])
for n in names:
    S.record_shape("delete", s3.delete_bucket(Bucket=n))
try:
    s3.head_bucket(Bucket=names[0])
except ClientError as e:
    S.record_error("head deleted", e)
try:
    s3.delete_bucket(Bucket=names[0])
except ClientError as e:
    S.record_error("delete deleted", e)
try:
    s3.create_bucket(Bucket="Bad_Name!")
except Exception:
    S.record("bad name refused", True)
S.done()
