#!/usr/bin/env bash
# SigV4 signing rate of awsc next to botocore's, back to back.
#
#   tests/bench/run_sigv4_bench.sh [build-dir]     (default: build)
#
# First checks that both sign the benchmark requests identically (fixed
# time), then runs the two benchmarks back to back, PASSES times in
# alternation (default 3; other work on the machine slows either side
# now and then), and prints for each request the best signatures per
# CPU-second of each side (each run is itself the best of 5 one-second
# runs) and their ratio. Needs the bench_sigv4 target built
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

passes=${PASSES:-3}
c_out=
p_out=
echo "== botocore $("$py" -c 'import botocore; print(botocore.__version__)')," \
  "$passes passes"
for pass in $(seq 1 "$passes"); do
  echo "-- pass $pass: awsc"
  out=$("$bench")
  echo "$out"
  c_out+=$out$'\n'
  echo "-- pass $pass: botocore"
  out=$("$py" "$botocore")
  echo "$out"
  p_out+=$out$'\n'
done

best() { # best <prefix> <name> <lines>
  awk -v p="$1" -v n="$2" '$1 == p && $2 == n && $3 > b {b = $3} END {print b}' \
    <<<"$3"
}

echo "== signatures per CPU-second, best of all passes"
printf '%-12s %14s %14s %8s\n' request awsc botocore ratio
for name in s3-get sns-post s3-presign; do
  c=$(best sigv4 "$name" "$c_out")
  p=$(best botocore "$name" "$p_out")
  awk -v n="$name" -v c="$c" -v p="$p" \
    'BEGIN { printf "%-12s %14.0f %14.0f %7.1fx\n", n, c, p, c / p }'
done
