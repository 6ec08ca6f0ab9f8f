"""Seed 1: list buckets, with ResponseMetadata."""
import boto3
import seedlib as S

S.need_s3()
s3 = boto3.client("s3", endpoint_url=S.S3, **S.creds())
b = S.name("list")
s3.create_bucket(Bucket=b)
r = s3.list_buckets()
S.record_shape("list_buckets", {k: v for k, v in r.items() if k != "Buckets"})
mine = [x for x in r["Buckets"] if x["Name"] == b]
S.record_shape("bucket entry", mine)
S.record("status", r["ResponseMetadata"]["HTTPStatusCode"])
S.record("has request id", bool(r["ResponseMetadata"]["RequestId"]))
s3.delete_bucket(Bucket=b)
S.done()
