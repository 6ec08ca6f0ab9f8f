#!/usr/bin/env python3
"""Reference for tests/bench/bench_parse.c: botocore's RestXMLParser on the
same ListObjectsV2 page (written by bench_parse --xml-out) with the same S3
model file, best of N runs, microseconds per parse.

usage: parse_botocore.py <s3 service-2.json> <page.xml> [runs]
"""
import json
import sys
import time

from botocore.model import ServiceModel
from botocore.parsers import RestXMLParser


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    with open(sys.argv[1]) as f:
        model = ServiceModel(json.load(f), service_name='s3')
    with open(sys.argv[2], 'rb') as f:
        body = f.read()
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    shape = model.operation_model('ListObjectsV2').output_shape
    headers = {
        'x-amz-id-2': '4NHDKA2eGQ5fXfXv3Q8wGzUYcP7DVtLvhH2NdC2Uw3o5zH0WxKyb',
        'x-amz-request-id': '4X6V4XZ1Q0R6E9QM',
        'date': 'Tue, 05 Mar 2024 10:20:30 GMT',
        'x-amz-bucket-region': 'us-east-1',
        'content-type': 'application/xml',
        'server': 'AmazonS3',
    }
    parser = RestXMLParser()
    parsed = parser.parse(
        {'status_code': 200, 'headers': headers, 'body': body}, shape)
    assert len(parsed['Contents']) == 1000, 'incomplete parse'
    best = total = 0.0
    for i in range(runs):
        t0 = time.perf_counter()
        parser.parse({'status_code': 200, 'headers': headers, 'body': body},
                     shape)
        dt = time.perf_counter() - t0
        total += dt
        best = dt if i == 0 else min(best, dt)
    print('botocore ListObjectsV2 1000 keys, %d bytes: best %.1f us, '
          'mean %.1f us over %d runs' % (len(body), best * 1e6,
                                          total / runs * 1e6, runs))


if __name__ == '__main__':
    main()
