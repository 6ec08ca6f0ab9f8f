#!/usr/bin/env bash
# SigV4 signing rate of awsc next to botocore's, back to back.
#
#   tests/bench/run_sigv4_bench.sh [build-dir]     (default: build)
#
# First checks that both sign the benchmark requests identically (fixed
# time), then prints signatures per CPU-second of each (best of 5 runs of
# one second) and the ratio. Needs the bench_sigv4 target built
# (ninja -C <build-dir> tests/bench/bench_sigv4) and Debian's
# python3-botocore (/usr/bin/python3).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-build}
case $build in /*) ;; *) build=$root/$build ;; esac
bench=$build/tests/bench/bench_sigv4
py=/usr/bin/python3
botocore=$here/sigv4_botocore.py

if [ ! -x "$bench" ]; then
  echo "no $bench: build it with ninja -C $build tests/bench/bench_sigv4" >&2
  exit 2
fi

echo "== same signatures at a fixed time"
if diff <("$bench" --check) <("$py" "$botocore" --check); then
  echo "awsc and botocore agree (s3-get, sns-post, s3-presign)"
else
  echo "MISMATCH between awsc and botocore signatures" >&2
  exit 1
fi

echo "== awsc (bench_sigv4)"
c_out=$("$bench")
echo "$c_out"
echo "== botocore $("$py" -c 'import botocore; print(botocore.__version__)')"
p_out=$("$py" "$botocore")
echo "$p_out"

echo "== signatures per CPU-second, best of 5 x 1 s"
printf '%-12s %14s %14s %8s\n' request awsc botocore ratio
for name in s3-get sns-post s3-presign; do
  c=$(awk -v n="$name" '$1 == "sigv4" && $2 == n {print $3}' <<<"$c_out")
  p=$(awk -v n="$name" '$1 == "botocore" && $2 == n {print $3}' <<<"$p_out")
  awk -v n="$name" -v c="$c" -v p="$p" \
    'BEGIN { printf "%-12s %14.0f %14.0f %7.1fx\n", n, c, p, c / p }'
done
