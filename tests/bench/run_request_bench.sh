#!/usr/bin/env bash
# Per-request client overhead of awsc next to botocore's, in one run:
# bench_request (C) and bench_request_botocore.py make the same five calls
# against the same canned responses from an in-process fake transport, and
# the table gives for each case the CPU time per call of each side and the
# ratio awsc/botocore of calls per CPU-second (how many calls awsc makes
# while botocore makes one).
#
#   tests/bench/run_request_bench.sh [build-dir]     (default: build)
#
# Builds nothing: needs the bench_request target built
# (ninja -C <build-dir> tests/bench/bench_request; a release build gives
# the figures we quote). Python: pyenv's 3.11.7 when it has botocore, else
# /usr/bin/python3 (Debian's older botocore); PYTHON=... overrides.
# N_C / N_PY: calls per timed run (default 20000 / 1000); each side takes
# the best of 5 runs. PASSES: how many times to run the pair, alternating
# (default 1); the table keeps the best of all passes. Machines here are
# shared and noisy: compare the ratios, not the absolutes.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-build}
case $build in /*) ;; *) build=$root/$build ;; esac
bench=$build/tests/bench/bench_request
botocore=$here/bench_request_botocore.py
n_c=${N_C:-20000}
n_py=${N_PY:-1000}
passes=${PASSES:-1}

if [ ! -x "$bench" ]; then
  echo "no $bench: build it with ninja -C $build tests/bench/bench_request" >&2
  exit 2
fi
py=${PYTHON:-}
if [ -z "$py" ]; then
  for p in /root/.pyenv/versions/3.11.7/bin/python3 /usr/bin/python3; do
    if [ -x "$p" ] && "$p" -c 'import botocore' 2>/dev/null; then
      py=$p
      break
    fi
  done
fi
if [ -z "$py" ]; then
  echo "no Python with botocore found (set PYTHON=...)" >&2
  exit 2
fi

echo "== botocore $("$py" -c 'import botocore; print(botocore.__version__)')" \
  "($py), $passes pass(es); awsc $n_c calls/run, botocore $n_py, best of 5"
c_out=
p_out=
for pass in $(seq 1 "$passes"); do
  out=$("$bench" -n "$n_c")
  echo "$out"
  c_out+=$out$'\n'
  out=$("$py" "$botocore" -n "$n_py")
  echo "$out"
  p_out+=$out$'\n'
done

# best <side> <case> <lines>: the lowest us/call of all passes
best() {
  awk -v s="$1" -v n="$2" '$1 == s && $2 == n && (b == "" || $5 < b) {b = $5}
    END {print b}' <<<"$3"
}

echo
echo "== CPU time per call (best of all runs); ratio = awsc calls/s over botocore's"
printf '%-16s %12s %14s %12s %14s\n' case 'awsc us' 'botocore us' \
  'awsc/boto' 'awsc allocs'
for name in get_object put_object list_objects_v2 send_message \
  get_object_json; do
  c=$(best awsc "$name" "$c_out")
  p=$(best botocore "$name" "$p_out")
  a=$(awk -v n="$name" '$1 == "awsc" && $2 == n {a = $7} END {print a}' \
    <<<"$c_out")
  awk -v n="$name" -v c="$c" -v p="$p" -v a="$a" 'BEGIN {
    printf "%-16s %12.2f %14.1f %11.0fx %14s\n", n, c, p, p / c, a }'
done
