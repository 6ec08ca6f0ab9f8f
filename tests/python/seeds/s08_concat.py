"""Seed 8: several CSVs read with pd.read_csv(obj['Body']) and concatenated."""
import boto3
import pandas as pd
import seedlib as S

S.need_s3()
s3 = boto3.client("s3", endpoint_url=S.S3, **S.creds())
b = S.name("concat")
s3.create_bucket(Bucket=b)
for i in range(3):
    s3.put_object(Bucket=b, Key="csv/%d.csv" % i,
                  Body="day,sales\n" + "".join("%d,%d\n" % (d, d * (i + 1)) for d in range(10)))
frames = []
for o in s3.list_objects_v2(Bucket=b, Prefix="csv/")["Contents"]:
    obj = s3.get_object(Bucket=b, Key=o["Key"])
    frames.append(pd.read_csv(obj["Body"]))
all_df = pd.concat(frames, ignore_index=True)
S.record("shape", list(all_df.shape))
S.record("sum", int(all_df["sales"].sum()))
S.record("dtypes", {c: str(t) for c, t in all_df.dtypes.items()})
lines = list(s3.get_object(Bucket=b, Key="csv/0.csv")["Body"].iter_lines())
S.record("iter_lines", [len(lines), lines[0].decode()])
S.empty_bucket(s3, b)
S.done()
