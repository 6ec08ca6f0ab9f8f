#!/usr/bin/python3
"""SigV4 signing rate of botocore's own signers, the reference for
tests/bench/bench_sigv4.c (same requests, same measurement).

    /usr/bin/python3 tests/bench/sigv4_botocore.py          rates
    /usr/bin/python3 tests/bench/sigv4_botocore.py --check  Authorization
                                                            values at a
                                                            fixed time

Requests:
  s3-get      S3SigV4Auth, GET of an object with two query parameters,
              payload signing disabled (UNSIGNED-PAYLOAD, as over HTTPS)
  sns-post    SigV4Auth, SNS Publish with its form body hashed
  s3-presign  S3SigV4QueryAuth, presigned GET (1 hour)

Each rate is the best of 5 runs of one second of this thread's CPU time
(time.thread_time), counting add_auth calls on one prepared request (the
request object is reused: only signing is timed, not building it).
Output lines: "botocore <name> <signatures/s>".
"""
import datetime
import sys
import time
from unittest import mock

from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

AK = "AKIAIOSFODNN7EXAMPLE"
SK = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
FIXED = datetime.datetime(2015, 8, 30, 12, 36, 0)  # as bench_sigv4 --check

S3_URL = ("https://examplebucket.s3.us-east-1.amazonaws.com/photos/2024/"
          "cat.jpg?versionId=3HL4kqtJlcpXroDTDmJ%2BrmSpXd3dIbrHY"
          "&response-content-type=image%2Fjpeg")
SNS_BODY = ("Action=Publish&Version=2010-03-31&TopicArn=arn%3Aaws%3Asns%3A"
            "us-east-1%3A123456789012%3Amy-topic&Message=Hello%20from%20awsc")


def s3_get():
    r = AWSRequest(method="GET", url=S3_URL)
    r.context["client_config"] = Config(s3={"payload_signing_enabled": False})
    return r, S3SigV4Auth(Credentials(AK, SK), "s3", "us-east-1")


def sns_post():
    r = AWSRequest(
        method="POST", url="https://sns.us-east-1.amazonaws.com/",
        data=SNS_BODY,
        headers={"Content-Type":
                 "application/x-www-form-urlencoded; charset=utf-8"})
    return r, SigV4Auth(Credentials(AK, SK), "sns", "us-east-1")


def s3_presign():
    r = AWSRequest(method="GET", url=S3_URL)
    return r, S3SigV4QueryAuth(Credentials(AK, SK), "s3", "us-east-1",
                               expires=3600)


def check():
    with mock.patch("botocore.auth.datetime") as dt:
        dt.datetime.utcnow.return_value = FIXED
        dt.datetime.now.return_value = FIXED
        r, signer = s3_get()
        signer.add_auth(r)
        print("s3-get", r.headers["Authorization"])
        r, signer = sns_post()
        signer.add_auth(r)
        print("sns-post", r.headers["Authorization"])
        r, signer = s3_presign()
        signer.add_auth(r)
        print("s3-presign", r.url[r.url.index("X-Amz-Signature="):])


def bench(make, rounds=5):
    request, signer = make()
    if make is s3_presign:
        url = request.url

        def once():
            request.url = url  # the query signer appends to the URL
            signer.add_auth(request)
    else:
        def once():
            signer.add_auth(request)
    best = 0.0
    for _ in range(rounds):
        n = 0
        t0 = time.thread_time()
        while True:
            for _ in range(64):
                once()
            n += 64
            t = time.thread_time() - t0
            if t >= 1.0:
                break
        best = max(best, n / t)
    return best


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--check":
        check()
        return
    for name, make in (("s3-get", s3_get), ("sns-post", sns_post),
                       ("s3-presign", s3_presign)):
        print("botocore %s %.0f" % (name, bench(make)), flush=True)


if __name__ == "__main__":
    main()
