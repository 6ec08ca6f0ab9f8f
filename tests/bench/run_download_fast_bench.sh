#!/usr/bin/env bash
# Issue 12 point 3's download with a server that costs next to nothing:
# tests/bench/fast_s3_server --file serves one file with sendfile (Range
# answered, 127.0.0.1 only), so what is measured is the client. Against
# Ceph RGW (run_transfer_bench.sh) the server shares the machine's cores
# with the client and pays for every ranged GET (docs/performance.md,
# eighth round); here it does not.
#
#   tests/bench/run_download_fast_bench.sh [BUILD_DIR]     (default: build)
#
# Each run has curl's one GET (`curl -o`) and awsc's download_file
# (default TransferConfig: 8 MiB ranges, 10 in flight) of the same object
# back to back, curl first in odd runs, each after a `sync`; the downloaded
# file is compared with the source every time.
# Env: AWSC_BENCH_MIB   object size in MiB        [1024]
#      AWSC_BENCH_RUNS  runs                      [9]
#      AWSC_BENCH_DIR   where the files go        [$TMPDIR or /tmp]
#      AWSC_BENCH_VERBOSE=1 prints every run
# Prints per client the medians of wall seconds, MiB/s, client CPU s/GiB,
# the server's CPU s/GiB and peak RSS, then awsc's throughput against
# curl's: the ratio of the medians and the median of the runs' pairs.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$repo/build}
bench=$build/tests/bench
awsc=$build/tools/awsc
mib=${AWSC_BENCH_MIB:-1024}
runs=${AWSC_BENCH_RUNS:-9}
for x in "$awsc" "$bench/fast_s3_server"; do
  [ -x "$x" ] || {
    echo "no $x: build first" >&2
    exit 1
  }
done
# shellcheck source=tests/bench/fast_server.sh
. "$(dirname "${BASH_SOURCE[0]}")/fast_server.sh"
tmp=$(mktemp -d "${AWSC_BENCH_DIR:-${TMPDIR:-/tmp}}/awsc-dl-fast.XXXXXX")
trap 'stop_fast_servers; rm -rf "$tmp"' EXIT
src=$tmp/src
head -c $((mib << 20)) /dev/urandom >"$src"
sync "$src"
start_fast_server "$bench" "$tmp/server" 3600 --file "$src" || exit 1
srv_pid=${FAST_SERVER_PIDS[0]}
ep="http://127.0.0.1:$FAST_SERVER_PORT"
export AWS_ACCESS_KEY_ID=AKIDFASTSERVER AWS_SECRET_ACCESS_KEY=fast-server-does-not-check
export AWS_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
hz=$(getconf CLK_TCK)

srv_ticks() { # utime + stime of the server, fields 14 and 15
  awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$srv_pid/stat"
}

# measure OUT CMD...: "wall user sys maxrss_kib server_ticks" into OUT
measure() {
  local out=$1 s0 s1
  shift
  rm -f "$tmp/dl"
  sync
  s0=$(srv_ticks)
  /usr/bin/time -o "$out" -f "%e %U %S %M" "$@" >/dev/null
  s1=$(srv_ticks)
  echo "$(cat "$out") $((s1 - s0))" >"$out"
  cmp -s "$src" "$tmp/dl" || {
    echo "download differs: $*" >&2
    exit 1
  }
  [ -z "${AWSC_BENCH_VERBOSE:-}" ] || echo "    $(basename "$out"): $(cat "$out")"
}

for i in $(seq "$runs"); do
  for who in $( ((i % 2)) && echo "curl awsc" || echo "awsc curl"); do
    if [ "$who" = curl ]; then
      measure "$tmp/curl.$i" curl -sS --fail -o "$tmp/dl" "$ep/bench-bucket/big"
    else
      measure "$tmp/awsc.$i" "$awsc" --endpoint-url "$ep" s3 download_file \
        "{\"Bucket\": \"bench-bucket\", \"Key\": \"big\", \"Filename\": \"$tmp/dl\"}"
    fi
  done
done

med() { sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
field() { # who awk-expression (awk's fields: single quotes at the callers)
  for i in $(seq "$runs"); do awk "{print $2}" "$tmp/$1.$i"; done | med
}
echo "== download of a $mib MiB object from fast_s3_server --file, $runs runs, medians"
# shellcheck disable=SC2016 # awk's $N
for who in curl awsc; do
  w=$(field "$who" '$1')
  c=$(field "$who" '$2 + $3')
  r=$(field "$who" '$4')
  s=$(field "$who" '$5')
  awk -v l="$who" -v w="$w" -v c="$c" -v r="$r" -v s="$s" -v m="$mib" -v hz="$hz" \
    'BEGIN {printf "  %-5s %6.2f s %8.1f MiB/s  client %5.2f CPU s/GiB  server %5.2f CPU s/GiB %6.1f MiB peak\n",
            l, w, m / w, c * 1024 / m, s / hz * 1024 / m, r / 1024}'
done
pairs=$(for i in $(seq "$runs"); do
  awk 'NR == FNR {c = $1; next} {print c / $1}' "$tmp/curl.$i" "$tmp/awsc.$i"
done | med)
# shellcheck disable=SC2016 # awk's $1
awk -v a="$(field awsc '$1')" -v c="$(field curl '$1')" -v p="$pairs" \
  'BEGIN {printf "  awsc throughput %.2fx curl (median of the pairs %.3fx)\n", c / a, p}'
