#!/usr/bin/env bash
# Issue 12 point 4's profile: instructions per kept-alive S3 HeadObject /
# GetObject of 1 KiB, awsc (bench_small) against the raw libcurl + SigV4
# reference (raw_curl_request), counted by callgrind (repeatable on a noisy
# machine, unlike seconds), against tests/bench/fast_s3_server:
#
#   tests/bench/callgrind_small.sh [BUILD_DIR]         (default: build)
#
# Each program runs twice per operation under callgrind, with N1 and N2
# timed requests (default 200 and 700, after 20 warm-up requests), and
# collects only inside its per-request function (--toggle-collect:
# bench_small's do_head/do_get, raw_curl_request's one_request); the
# difference divided by N2-N1 is one warm request (callgrind_diff.py).
# Prints both programs' totals and the ratio, then each one's breakdown
# (self cost per shared object, top functions by self and inclusive
# cost). Instructions in user space only: the kernel's share (system CPU
# time) is not in these counts. Env: N1, N2, OPS ("head get"), TOP (25),
# KEEP=DIR to keep the callgrind files there (callgrind_annotate them).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$repo/build}
bench=$build/tests/bench
n1=${N1:-200}
n2=${N2:-700}
OPS=${OPS:-head get}
TOP=${TOP:-25}
command -v valgrind >/dev/null || {
  echo "callgrind_small: valgrind not installed (scripts/deps.sh)" >&2
  exit 1
}

. "$(dirname "${BASH_SOURCE[0]}")/fast_server.sh"
fast_server_tmp
start_fast_server "$bench" "$tmp/server" 1800 || exit 1
ep="http://127.0.0.1:$FAST_SERVER_PORT"

profile() { # program function op n -> callgrind file
  local out=$tmp/$1.$3.$4
  valgrind --tool=callgrind --collect-atstart=no --toggle-collect="$2" \
    --callgrind-out-file="$out" "$bench/$1" --endpoint "$ep" \
    --bucket bench-bucket --key small/object-1k --op "$3" -n "$4" \
    --warmup 20 >"$tmp/log" 2>&1 || {
    cat "$tmp/log" >&2
    exit 1
  }
  echo "$out"
}
total() { sed -n 's/^instructions per request: //p' "$1"; }

for op in $OPS; do
  fn=do_$op
  for side in raw awsc; do
    prog=raw_curl_request f=one_request
    [ "$side" = awsc ] && prog=bench_small f=$fn
    a=$(profile "$prog" "$f" "$op" "$n1")
    b=$(profile "$prog" "$f" "$op" "$n2")
    python3 "$repo/tests/bench/callgrind_diff.py" "$a" "$b" $((n2 - n1)) \
      --top "$TOP" >"$tmp/$side.$op.txt"
    [ -z "${KEEP:-}" ] || { mkdir -p "$KEEP" && cp "$a" "$b" "$KEEP/"; }
  done
  r=$(total "$tmp/raw.$op.txt")
  a=$(total "$tmp/awsc.$op.txt")
  echo "== $op: instructions per request: raw $r, awsc $a, awsc/raw" \
    "$(awk -v a="$a" -v r="$r" 'BEGIN{printf "%.3f", a/r}')"
  for side in raw awsc; do
    echo "-- $side ($op)"
    sed 's/^/   /' "$tmp/$side.$op.txt"
  done
done
