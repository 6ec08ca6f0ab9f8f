#!/usr/bin/python3
"""tests/bench/bench_concurrency_boto3.py - boto3's row of issue 12 point 5.

N GetObject calls of one small object (reading the body) from a pool of T
threads sharing one client (boto3 clients are thread-safe), with
max_pool_connections=T so every thread keeps its connection, against a local
endpoint with path-style addressing. Run with Debian's /usr/bin/python3 and
python3-boto3; tests/bench/run_concurrency_bench.sh runs it next to
raw_curl_multi and awsc.

usage: bench_concurrency_boto3.py --endpoint URL --bucket B --key K
         [-n N] [--threads T] [--size BYTES]
         [--access-key ID --secret-key SECRET] [--region R]

Before timing, each thread makes one call (opens its connection and loads
the client's lazy parts). Output, one line, the fields raw_curl_multi
prints: "boto3 threads T requests N wall_s S req_per_s R user_s U sys_s Y
us_cpu_per_request C maxrss_kb M" (CPU: getrusage of the process, all
threads; maxrss: the whole run).
"""
import argparse
import concurrent.futures
import resource
import threading
import time

import boto3
import botocore.config


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--endpoint", required=True)
    ap.add_argument("--bucket", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("-n", type=int, default=10000)
    ap.add_argument("--threads", type=int, default=64)
    ap.add_argument("--size", type=int, default=1024)
    ap.add_argument("--access-key", default="AKIAIOSFODNN7EXAMPLE")
    ap.add_argument("--secret-key", default="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    ap.add_argument("--region", default="us-east-1")
    a = ap.parse_args()

    s3 = boto3.session.Session(
        aws_access_key_id=a.access_key,
        aws_secret_access_key=a.secret_key,
        region_name=a.region,
    ).client(
        "s3",
        endpoint_url=a.endpoint,
        config=botocore.config.Config(
            s3={"addressing_style": "path"},
            max_pool_connections=a.threads,
            retries={"max_attempts": 1, "mode": "standard"},
        ),
    )

    def get(_):
        body = s3.get_object(Bucket=a.bucket, Key=a.key)["Body"].read()
        if len(body) != a.size:
            raise RuntimeError("GetObject: %d bytes" % len(body))

    # One warm-up call per thread, all at once, so each opens a connection.
    barrier = threading.Barrier(a.threads)

    def warm(i):
        barrier.wait()
        get(i)

    with concurrent.futures.ThreadPoolExecutor(max_workers=a.threads) as pool:
        list(pool.map(warm, range(a.threads)))
        r0 = resource.getrusage(resource.RUSAGE_SELF)
        t0 = time.monotonic()
        list(pool.map(get, range(a.n)))
        wall = time.monotonic() - t0
        r1 = resource.getrusage(resource.RUSAGE_SELF)
    user = r1.ru_utime - r0.ru_utime
    sys_ = r1.ru_stime - r0.ru_stime
    print(
        "boto3 threads %d requests %d wall_s %.4f req_per_s %.0f user_s %.4f "
        "sys_s %.4f us_cpu_per_request %.2f maxrss_kb %d"
        % (a.threads, a.n, wall, a.n / wall, user, sys_,
           (user + sys_) / a.n * 1e6, r1.ru_maxrss)
    )


if __name__ == "__main__":
    main()
