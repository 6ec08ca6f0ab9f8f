"""Seed 5: presigned links (GET and PUT) used with urllib."""
import urllib.error
import urllib.request
import boto3
import seedlib as S

S.need_s3()
s3 = boto3.client("s3", endpoint_url=S.S3, **S.creds())
b = S.name("presign")
s3.create_bucket(Bucket=b)
s3.put_object(Bucket=b, Key="report.csv", Body="a,b\n1,2\n")
url = s3.generate_presigned_url(ClientMethod="get_object", ExpiresIn=3600,
                                Params={"Bucket": b, "Key": "report.csv"})
# boto3 1.26 presigns S3 with SigV2 in us-east-1 (Signature=), awsc with
# SigV4 (X-Amz-Signature=): both are signed links
S.record("url is signed", "Signature=" in url)
with urllib.request.urlopen(url) as r:
    S.record("get via url", [r.status, r.read().decode()])
put = s3.generate_presigned_url("put_object", Params={"Bucket": b, "Key": "up.txt"}, ExpiresIn=600)
# no Content-Type (urllib would add a form type that was not signed)
req = urllib.request.Request(put, data=b"uploaded through a presigned PUT", method="PUT",
                             headers={"Content-Type": ""})
with urllib.request.urlopen(req) as r:
    S.record("put via url", r.status)
S.record("put landed", s3.get_object(Bucket=b, Key="up.txt")["Body"].read().decode())
try:
    urllib.request.urlopen(url.replace("Signature=", "Signature=00"))
except urllib.error.HTTPError as e:
    S.record("tampered", e.code)
S.empty_bucket(s3, b)
S.done()
