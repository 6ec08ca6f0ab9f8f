#!/usr/bin/env bash
# The training run of the profile-guided build (scripts/build.sh release):
# a mix of what a client does most, run by the instrumented programs of
# BUILD_DIR so that libawsc's profile (.gcda files beside its objects)
# records where its time goes:
#
#   tests/bench/pgo_train.sh BUILD_DIR
#
# - bench_request's cases (S3 GetObject, PutObject with its checksum,
#   ListObjectsV2, SQS SendMessage, the JSON door) on an in-process
#   transport: validation, serializers, endpoint rules, signing, parsers;
# - blocking HeadObject and GetObject through libcurl, and GetObject with
#   64 and 256 in flight on one loop, against tests/bench/fast_s3_server on
#   127.0.0.1 (started here, stopped on exit).
# About ten seconds. Env: N (requests per socket case, 4000).
set -euo pipefail
build=${1:?usage: pgo_train.sh BUILD_DIR}
bench=$build/tests/bench
N=${N:-4000}
. "$(dirname "${BASH_SOURCE[0]}")/fast_server.sh"
fast_server_tmp
start_fast_server "$bench" "$tmp/server" 300 || exit 1
c=(--endpoint "http://127.0.0.1:$FAST_SERVER_PORT" --bucket bench-bucket
  --key small/object-1k)
"$bench/bench_request" -n 2000 --runs 1 >/dev/null
for op in head get; do
  "$bench/bench_small" "${c[@]}" --op "$op" -n "$N" --warmup 10 >/dev/null
done
for k in 64 256; do
  "$bench/bench_concurrency_async" "${c[@]}" -n "$N" --inflight "$k" \
    >/dev/null
done
echo "pgo_train: done ($build)" >&2
