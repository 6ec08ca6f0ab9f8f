#!/usr/bin/env bash
# Issue 12 point 5: N GETs of a 1 KiB object with many requests in flight,
# against tests/bench/fast_s3_server on 127.0.0.1 (started here, stopped on
# exit and by itself after 30 minutes at most):
#
#   tests/bench/run_concurrency_bench.sh [BUILD_DIR]     (default: build)
#
# Rows (each: requests/s, client CPU per request, peak RSS, connections):
#   raw curl multi, 64 and 256 in flight on one thread (raw_curl_multi:
#     the limit, signed like raw_curl_request; its sockets stay in the
#     epoll set between transfers, as awsc's loop keeps them);
#   the same with libcurl's documented epoll pattern (--epoll plain: out
#     at each CURL_POLL_REMOVE, in again at the next transfer), for
#     comparison;
#   awsc async, 64 and 256 in flight: the slot for the asynchronous engine.
#     It runs $BUILD/tests/bench/bench_concurrency_async if that program
#     exists (same options and output fields as raw_curl_multi, first word
#     "awsc-async"); until then the row says "not built";
#   awsc blocking API, 64 and 256 threads sharing one client (bench_small
#     --threads; an extra row, not the issue's target);
#   boto3, a 64-thread pool (bench_concurrency_boto3.py with Debian's
#     /usr/bin/python3 and python3-boto3).
# C rows run PASSES times in turn and report the pass with the median
# requests/s; in each pass raw curl multi and awsc async run back to back
# (raw first in odd passes, awsc first in even ones), and the last lines
# give each pass's awsc/raw ratios and their median. boto3 runs once, with
# BOTO3_N requests.
#
# Connections: "conns" is what the client reports it opened (curl's
#   CURLINFO_NUM_CONNECTS, awsc's transport counter; boto3 reports none),
#   "peak open" and "accepted" are counted by the server over the row
#   (warm-up included), which holds for every client alike.
# CPU: getrusage of the client process over the timed requests, user +
#   system, all its threads; each client warms up first (one request per
#   connection) and times N requests after. The machine has 2 cores, so the
#   server and the client share them: requests/s are a loopback figure,
#   compare them within one run. On a machine shared with other work the
#   scheduler shares CPU per thread, so a one-thread client gets less of it
#   than a 64-thread one and its requests/s says more about that share than
#   about the client; "requests per CPU s" (1 / CPU per request) does not.
# Env: N (10000), BOTO3_N (10000), PASSES (3), SKIP_BOTO3=1.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$repo/build}
bench=$build/tests/bench
N=${N:-10000}
BOTO3_N=${BOTO3_N:-10000}
PASSES=${PASSES:-3}
for p in fast_s3_server raw_curl_multi bench_small; do
  [ -x "$bench/$p" ] || {
    echo "run_concurrency_bench: $bench/$p not built (ninja -C $build tests/bench/$p)" >&2
    exit 1
  }
done

. "$(dirname "${BASH_SOURCE[0]}")/fast_server.sh"
fast_server_tmp
start_fast_server "$bench" "$tmp/server" 1800 || exit 1
ep="http://127.0.0.1:$FAST_SERVER_PORT"
common=(--endpoint "$ep" --bucket bench-bucket --key small/object-1k)

stats() { curl -s --max-time 5 "$ep/__stats"; }
field() { # name line -> the value after "name"
  awk -v k="$1" '{for (i = 1; i < NF; i++) if ($i == k) { print $(i + 1); exit }}' <<<"$2"
}

# One row's run: prints "req_per_s us_cpu maxrss conns peak accepted" or
# "FAILED" (the client's output is kept in $tmp/last.out).
run_one() {
  stats >/dev/null
  if ! "$@" >"$tmp/last.out" 2>&1; then
    echo FAILED
    return
  fi
  local s out
  s=$(stats)
  out=$(grep -E '^(raw-multi|awsc-async|awsc-extra|boto3) ' "$tmp/last.out" | tr '\n' ' ')
  local cpu
  cpu=$(field us_cpu_per_request "$out")
  [ -n "$cpu" ] || cpu=$(sed -n 's/.* \([0-9.]*\) us\/request$/\1/p' "$tmp/last.out")
  local conns
  conns=$(field connections "$out")
  echo "$(field req_per_s "$out") $cpu $(field maxrss_kb "$out") ${conns:--}" \
    "$(field peak "$s") $(($(field accepted "$s") - 1))"
}

declare -A results=()
rows=()
declare -A labels=()
declare -A cmds=()
add_c_row() { # key label command...
  local key=$1 label=$2
  shift 2
  rows+=("$key")
  labels[$key]=$label
  cmds[$key]=$(printf '%q ' "$@")
}
for k in 64 256; do
  add_c_row "raw$k" "raw curl multi, $k in flight, 1 thread" \
    "$bench/raw_curl_multi" "${common[@]}" -n "$N" --inflight "$k"
  add_c_row "rawplain$k" "raw curl multi, plain epoll, $k in flight" \
    "$bench/raw_curl_multi" "${common[@]}" -n "$N" --inflight "$k" \
    --epoll plain
  if [ -x "$bench/bench_concurrency_async" ]; then
    add_c_row "async$k" "awsc async, $k in flight, 1 thread" \
      "$bench/bench_concurrency_async" "${common[@]}" -n "$N" --inflight "$k"
  else
    rows+=("async$k")
    labels[async$k]="awsc async, $k in flight, 1 thread"
  fi
  add_c_row "thr$k" "awsc blocking API, $k threads" \
    "$bench/bench_small" "${common[@]}" --op get -n "$N" --threads "$k" --warmup 1
done

echo "== $N GETs of 1 KiB from fast_s3_server, $PASSES passes of the C rows"
for pass in $(seq "$PASSES"); do
  # raw and awsc async back to back, raw first in odd passes and awsc
  # first in even ones (what a row costs depends on what ran just
  # before it on this machine), then the other rows
  order=()
  for k in 64 256; do
    if ((pass % 2)); then order+=("raw$k" "async$k"); else order+=("async$k" "raw$k"); fi
    order+=("rawplain$k" "thr$k")
  done
  for key in "${order[@]}"; do
    [ -n "${cmds[$key]:-}" ] || continue
    r=$(eval "run_one ${cmds[$key]}")
    if [ "$r" = FAILED ]; then
      echo "   pass $pass ${labels[$key]}: FAILED" >&2
      cat "$tmp/last.out" >&2
      exit 1
    fi
    echo "   pass $pass ${labels[$key]}: $r"
    results[$key]+="$r"$'\n'
  done
done

if [ "${SKIP_BOTO3:-0}" != 1 ]; then
  rows+=(boto3)
  labels[boto3]="boto3, 64-thread pool"
  echo "   boto3 ($BOTO3_N requests)..."
  r=$(run_one /usr/bin/python3 "$repo/tests/bench/bench_concurrency_boto3.py" \
    "${common[@]}" -n "$BOTO3_N" --threads 64)
  if [ "$r" = FAILED ]; then
    echo "   boto3: FAILED" >&2
    cat "$tmp/last.out" >&2
    exit 1
  fi
  results[boto3]="$r"$'\n'
fi

echo
echo "| client | requests/s | CPU µs/request | requests per CPU s | peak RSS MiB | conns (client) | peak open | accepted |"
echo "|---|---|---|---|---|---|---|---|"
for key in "${rows[@]}"; do
  if [ -z "${results[$key]:-}" ]; then
    echo "| ${labels[$key]} | not built (include/awsc/loop.h not on this branch) | | | | | | |"
    continue
  fi
  # the pass with the median requests/s
  line=$(sort -g <<<"${results[$key]%$'\n'}" | awk '{a[NR]=$0} END{print a[int((NR+1)/2)]}')
  read -r rps cpu rss conns peak acc <<<"$line"
  printf '| %s | %s | %s | %.0f | %.1f | %s | %s | %s |\n' "${labels[$key]}" "$rps" \
    "$cpu" "$(awk -v c="$cpu" 'BEGIN{print 1e6/c}')" \
    "$(awk -v k="$rss" 'BEGIN{print k/1024}')" "$conns" "$peak" "$acc"
done

# The pairs' own ratios: awsc async against raw in each pass (run back to
# back), and their median.
echo
for k in 64 256; do
  [ -n "${results[async$k]:-}" ] && [ -n "${results[raw$k]:-}" ] || continue
  paste <(printf '%s' "${results[raw$k]}") <(printf '%s' "${results[async$k]}") |
    awk -v k="$k" 'NF >= 8 {r[++n] = $7 / $1; c[n] = $8 / $2}
      function med(a, n,   i, j, t) {
        for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
          if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
        return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
      }
      END {
        if (!n) exit
        printf "awsc async vs raw, %s in flight, per pass: requests/s", k
        for (i = 1; i <= n; i++) printf " %.3f", r[i]
        printf "; CPU"
        for (i = 1; i <= n; i++) printf " %.3f", c[i]
        printf "\n  median of the passes: requests/s %.3f (target >= 0.9), CPU %.3f (target <= 1.15)\n", med(r, n), med(c, n)
      }'
done
