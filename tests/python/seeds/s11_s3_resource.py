"""Seed 11: boto3.resource('s3'): buckets, objects (filter, limit, page
size), Object.get()'s streaming body, attributes loaded on use, upload and
download through the resources, a batch delete, a waiter."""
import io
import os
import tempfile
import boto3
import seedlib as S

S.need_s3()
s3 = boto3.resource("s3", endpoint_url=S.S3, **S.creds())
b = s3.Bucket(S.name("res"))
S.record_shape("create", {k: v for k, v in b.create().items() if k != "ResponseMetadata"})
b.wait_until_exists()
S.record("in buckets.all()", b.name in [x.name for x in s3.buckets.all()])
for i in range(7):
    b.put_object(Key="logs/%d.txt" % i, Body="line %d\n" % i)
o = b.Object("logs/3.txt")
S.record("content_length", o.content_length)
S.record("last_modified type", S.shape(o.last_modified))
S.record("e_tag", o.e_tag == '"%s"' % __import__("hashlib").md5(b"line 3\n").hexdigest())
S.record("get body", o.get()["Body"].read().decode())
keys = [x.key for x in b.objects.filter(Prefix="logs/")]
S.record("filter", keys)
S.record("limit", [x.key for x in b.objects.filter(Prefix="logs/").limit(3)])
S.record("page_size", len(list(b.objects.page_size(2))))
S.record("summary size", [x.size for x in b.objects.limit(2)])
f = os.path.join(tempfile.mkdtemp(), "u.txt")
open(f, "w").write("uploaded through Bucket.upload_file\n")
b.upload_file(f, "up/u.txt")
s3.Object(b.name, "up/u.txt").download_file(f + ".back")
S.record("download", open(f + ".back").read())
buf = io.BytesIO()
b.download_fileobj("up/u.txt", buf)
S.record("download_fileobj", buf.getvalue().decode())
S.record("object bucket", o.Bucket().name == b.name)
deleted = b.objects.filter(Prefix="logs/").delete()
S.record("batch delete", [len(r.get("Deleted", [])) for r in deleted])
S.record("left", [x.key for x in b.objects.all()])
b.objects.all().delete()
b.delete()
b.wait_until_not_exists()
S.record("gone", b.name not in [x.name for x in s3.buckets.all()])
S.done()
