"""Seed 12: paginators (PageSize, MaxItems, StartingToken, build_full_result,
search) and waiters on the client."""
import boto3
from botocore.exceptions import WaiterError
import seedlib as S

S.need_s3()
s3 = boto3.client("s3", endpoint_url=S.S3, **S.creds())
b = S.name("pages")
s3.create_bucket(Bucket=b)
s3.get_waiter("bucket_exists").wait(Bucket=b)
for i in range(11):
    s3.put_object(Bucket=b, Key="k%02d" % i, Body=str(i))
p = s3.get_paginator("list_objects_v2")
S.record("can_paginate", [s3.can_paginate("list_objects_v2"), s3.can_paginate("get_object")])
pages = list(p.paginate(Bucket=b, PaginationConfig={"PageSize": 4}))
S.record("page sizes", [len(x.get("Contents", [])) for x in pages])
S.record_shape("page", {k: v for k, v in pages[0].items() if k not in ("ResponseMetadata",)})
it = p.paginate(Bucket=b, PaginationConfig={"PageSize": 4, "MaxItems": 6})
first = [o["Key"] for pg in it for o in pg.get("Contents", [])]
S.record("max items", first)
tok = it.resume_token
S.record("resume token", tok is not None)
rest = p.paginate(Bucket=b, PaginationConfig={"PageSize": 4, "StartingToken": tok}).build_full_result()
S.record("rest", [o["Key"] for o in rest["Contents"]])
full = p.paginate(Bucket=b, PaginationConfig={"MaxItems": 5}).build_full_result()
# Prefix / RequestCharged: the non-aggregate keys of botocore's
# paginators-1.sdk-extras.json, which the tree has and Debian's botocore
# lacks: compared without them
S.record_shape("full", {k: v for k, v in full.items() if k not in ("Prefix", "RequestCharged")})
S.record("search", list(p.paginate(Bucket=b).search("Contents[?Size > `0`].Key"))[:3])
S.record("search ts", S.shape(list(p.paginate(Bucket=b).search("Contents[].LastModified"))[:1]))
s3.get_waiter("object_exists").wait(Bucket=b, Key="k00")
try:
    s3.get_waiter("object_exists").wait(Bucket=b, Key="nope",
                                        WaiterConfig={"Delay": 1, "MaxAttempts": 2})
except WaiterError as e:
    S.record("waiter error", [type(e).__name__, str(e).split(":")[0]])
for i in range(11):
    s3.delete_object(Bucket=b, Key="k%02d" % i)
s3.get_waiter("object_not_exists").wait(Bucket=b, Key="k00")
s3.delete_bucket(Bucket=b)
s3.get_waiter("bucket_not_exists").wait(Bucket=b)
S.done()
