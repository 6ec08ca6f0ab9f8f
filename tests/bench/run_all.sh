#!/bin/bash
# All benchmarks, each side by side with its reference in the same run:
#   tests/bench/run_all.sh [BUILD_DIR]     (default: build)
# Machines here are shared and noisy: compare the ratios, not the absolutes.
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$repo/build}
echo "== CRC32 / CRC32C throughput (vs zlib crc32)"
"$build/tests/bench/bench_crc"
echo
echo "== SigV4 header signing rate (vs botocore)"
bash "$repo/tests/bench/run_sigv4_bench.sh" "$build"
echo
echo "== ListObjectsV2 1000-key parse (vs botocore)"
bash "$repo/tests/bench/run_parse_bench.sh" "$build"
echo
echo "== library size and clean build time"
bash "$repo/tests/bench/size_and_build.sh"
echo
echo "== per-request client overhead, canned transport (vs botocore)"
bash "$repo/tests/bench/run_request_bench.sh" "$build"
echo
echo "== resources: bucket.objects.all() over 10,000 keys, Object.load() x1000 (vs boto3)"
bash "$repo/tests/bench/run_resources_bench.sh" "$build"
echo
echo "== upload_file / download_file of 1 GiB vs curl (needs a server: AWSC_E2E_S3_ENDPOINT)"
if [ -n "${AWSC_E2E_S3_ENDPOINT:-}" ]; then
  bash "$repo/tests/bench/run_transfer_bench.sh" "$build"
else
  echo "skipped: AWSC_E2E_S3_ENDPOINT is not set (see docs/performance.md, Transfers)"
fi
