"""Seed 7: an index page from pd.DataFrame(list_objects(...)['Contents'])."""
import boto3
import pandas as pd
import seedlib as S

S.need_s3()
s3 = boto3.client("s3", endpoint_url=S.S3, **S.creds())
b = S.name("index")
s3.create_bucket(Bucket=b)
for i in range(5):
    s3.put_object(Bucket=b, Key="data/part-%02d.csv" % i, Body="x\n" * (i + 1))
df = pd.DataFrame(s3.list_objects(Bucket=b, Prefix="data/")["Contents"])
S.record("columns", sorted(df.columns))
# the timestamps' zone prints as UTC (awsc: datetime.timezone.utc) or
# tzutc()/tzlocal() (botocore's dateutil zones): compared as offsets
S.record("dtypes", {c: str(t).split(",")[0] for c, t in sorted(df.dtypes.items())})
S.record("sizes", df["Size"].tolist())
S.record("utc offset", str(df["LastModified"].iloc[0].utcoffset()))
page = df[["Key", "Size"]].to_html(index=False)
s3.put_object(Bucket=b, Key="index.html", Body=page, ContentType="text/html")
S.record("index bytes", S.digest(s3.get_object(Bucket=b, Key="index.html")["Body"].read()))
S.empty_bucket(s3, b)
S.done()
