#!/usr/bin/env bash
# boto3's resource idioms in awsc's resource layer next to boto3's own, in
# one run: bench_resources (C) and bench_resources_boto3.py iterate
# bucket.objects.all() over 10,000 keys (10 ListObjects pages of 1000) and
# load 1,000 objects' attributes (HeadObject), against the same canned
# bytes from an in-process fake transport (checked: both sides print the
# SHA-256 of what they serve and the run stops if they differ).
#
#   tests/bench/run_resources_bench.sh [build-dir]     (default: build)
#
# Builds nothing: needs the bench_resources target built
# (ninja -C <build-dir> tests/bench/bench_resources; a release build gives
# the figures we quote). Python: Debian's /usr/bin/python3 with its
# python3-boto3; PYTHON=... overrides.
# REPS (default 3): runs of each side, C first, then Python; the table
# gives the median CPU time (getrusage / time.process_time, user + sys)
# per run and per item, and the ratio boto3/awsc (how many times less CPU
# awsc takes). Memory: each side's peak RSS at KEYS (10,000) and at
# KEYS_BIG (100,000) keys, with the growth above the RSS before the
# listing, and for awsc the peak of the library's own heap during the
# listing: memory independent of the number of keys means these two stay
# the same. PY_BIG=0 skips boto3's KEYS_BIG run (some 10 s of CPU).
# Machines here are shared and noisy: compare the ratios, not the
# absolutes.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-build}
case $build in /*) ;; *) build=$root/$build ;; esac
bench=$build/tests/bench/bench_resources
boto=$here/bench_resources_boto3.py
reps=${REPS:-3}
keys=${KEYS:-10000}
loads=${LOADS:-1000}
keys_big=${KEYS_BIG:-100000}
py_big=${PY_BIG:-1}
py=${PYTHON:-/usr/bin/python3}

if [ ! -x "$bench" ]; then
  echo "no $bench: build it with ninja -C $build tests/bench/bench_resources" >&2
  exit 2
fi
if ! "$py" -c 'import boto3' 2>/dev/null; then
  echo "no boto3 for $py (Debian: apt-get install python3-boto3; or set" \
    "PYTHON=...)" >&2
  exit 2
fi

same=
for k in "$keys" "$keys_big"; do
  dc=$("$bench" --keys "$k" --digest)
  same=${same:-${dc#digest }}
  dp=$("$py" "$boto" --keys "$k" --digest)
  if [ "$dc" != "$dp" ]; then
    printf 'canned bytes differ:\n  awsc:  %s\n  boto3: %s\n' "$dc" "$dp" >&2
    exit 1
  fi
done
echo "== boto3 $("$py" -c 'import boto3, botocore; print(boto3.__version__,
  "/ botocore", botocore.__version__)') ($py); $reps run(s) each side," \
  "median; same canned bytes on both sides: $same"

c_out=
for _ in $(seq 1 "$reps"); do
  out=$("$bench" --keys "$keys" --loads "$loads")
  echo "$out"
  c_out+=$out$'\n'
done
p_out=
for _ in $(seq 1 "$reps"); do
  out=$("$py" "$boto" --keys "$keys" --loads "$loads")
  echo "$out"
  p_out+=$out$'\n'
done
big=$("$bench" --keys "$keys_big" --loads 0)
echo "$big"
c_out+=$big$'\n'
if [ "$py_big" != 0 ]; then
  big=$("$py" "$boto" --keys "$keys_big" --loads 0)
  echo "$big"
  p_out+=$big$'\n'
fi

# field <lines> <side> <case> <keys-or-objects> <name>: the values of
# name=... on matching lines, one a line
field() {
  awk -v s="$2" -v c="$3" -v n="$4" -v f="$5" '
    $1 == s && $2 == c {
      ok = 0; v = ""
      for (i = 3; i <= NF; i++) {
        split($i, kv, "=")
        if ((kv[1] == "keys" || kv[1] == "objects") && kv[2] == n) ok = 1
        if (kv[1] == f) v = kv[2]
      }
      if (ok) print v
    }' <<<"$1"
}
median() { sort -g | awk '{v[NR] = $1} END {if (NR) print v[int((NR + 1) / 2)]}'; }

echo
echo "== CPU time, median of $reps; ratio = boto3 CPU / awsc CPU (target >= 50x)"
printf '%-22s %11s %12s %11s %12s %10s\n' case 'awsc s/run' 'awsc us/item' \
  'boto3 s/run' 'boto3 us/it' 'boto3/awsc'
row() { # label case n
  local cs ci ps pi
  cs=$(field "$c_out" awsc "$2" "$3" cpu_s | median)
  ci=$(field "$c_out" awsc "$2" "$3" us_per_item | median)
  ps=$(field "$p_out" boto3 "$2" "$3" cpu_s | median)
  pi=$(field "$p_out" boto3 "$2" "$3" us_per_item | median)
  awk -v l="$1" -v cs="$cs" -v ci="$ci" -v ps="$ps" -v pi="$pi" 'BEGIN {
    r = pi / ci
    verdict = (r >= 50) ? "(target met)" : "(target NOT met)"
    printf "%-22s %11.4f %12.2f %11.4f %12.1f %9.1fx %s\n", l, cs, ci, ps, pi,
      r, verdict }'
}
row "list $keys keys" list "$keys"
[ "$loads" -gt 0 ] && row "load $loads objects" load "$loads"

echo
echo "== memory of the listing: peak RSS (VmHWM), RSS before the listing," \
  "growth, library heap peak (kB)"
printf '%-6s %8s %9s %9s %10s %13s\n' side keys hwm_kb base_kb growth_kb \
  heap_peak_kb
mem() { # side keys lines
  local hwm base growth heap
  hwm=$(field "$3" "$1" mem "$2" hwm_kb | median)
  [ -n "$hwm" ] || return 0
  base=$(field "$3" "$1" mem "$2" base_kb | median)
  growth=$(field "$3" "$1" mem "$2" growth_kb | median)
  heap=$(field "$3" "$1" mem "$2" heap_peak_kb | median)
  printf '%-6s %8s %9s %9s %10s %13s\n' "$1" "$2" "$hwm" "$base" "$growth" \
    "$heap"
}
mem awsc "$keys" "$c_out"
mem awsc "$keys_big" "$c_out"
mem boto3 "$keys" "$p_out"
mem boto3 "$keys_big" "$p_out"
h1=$(field "$c_out" awsc mem "$keys" heap_peak_kb | median)
h2=$(field "$c_out" awsc mem "$keys_big" heap_peak_kb | median)
awk -v a="$h1" -v b="$h2" -v k1="$keys" -v k2="$keys_big" 'BEGIN {
  d = (b > a) ? b - a : a - b
  same = (d <= a * 0.05) ? "independent of the number of keys" : \
    "GROWS with the number of keys"
  printf "awsc library heap peak: %s kB at %s keys, %s kB at %s keys: %s\n",
    a, k1, b, k2, same }'
