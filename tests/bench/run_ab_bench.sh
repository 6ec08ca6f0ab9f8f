#!/usr/bin/env bash
# Before/after of a library change on issue 12's small-request and
# concurrency benchmarks, against the raw libcurl programs, in one run:
#
#   tests/bench/run_ab_bench.sh BEFORE_LIB_DIR [BUILD_DIR]   (default: build)
#
# BEFORE_LIB_DIR holds an older libawsc.so.0 (e.g. copied from a build of
# main: cp build/lib/libawsc.so.0.1.0 DIR/ && ln -s libawsc.so.0.1.0
# DIR/libawsc.so.0); the same bench binaries run with it through
# LD_LIBRARY_PATH ("before") and with their own ("after"). Each pass runs
# raw, before and after in turn, so all three see the same load on a
# shared machine; the summary gives each side's median CPU µs per request
# and the median of the per-pass ratios to the raw program (and, in
# flight, of the requests/s ratios).
# Env: PASSES (7), N_SMALL (3000 per run, bench_small / raw_curl_request),
# N_MULTI (10000 per run, bench_concurrency_async / raw_curl_multi),
# INFLIGHT ("64 256"), BUSY=1 (the other core kept busy: fast_server.sh's
# start_busy_if_asked).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
before=${1:?usage: run_ab_bench.sh BEFORE_LIB_DIR [BUILD_DIR]}
build=${2:-$repo/build}
bench=$build/tests/bench
PASSES=${PASSES:-7}
N_SMALL=${N_SMALL:-3000}
N_MULTI=${N_MULTI:-10000}
INFLIGHT=${INFLIGHT:-64 256}
[ -e "$before/libawsc.so.0" ] || {
  echo "run_ab_bench: no libawsc.so.0 in $before" >&2
  exit 1
}
for p in fast_s3_server raw_curl_request bench_small raw_curl_multi \
  bench_concurrency_async; do
  [ -x "$bench/$p" ] || {
    echo "run_ab_bench: $bench/$p not built" >&2
    exit 1
  }
done

. "$(dirname "${BASH_SOURCE[0]}")/fast_server.sh"
fast_server_tmp
start_busy_if_asked
start_fast_server "$bench" "$tmp/server" 1800 || exit 1
c=(--endpoint "http://127.0.0.1:$FAST_SERVER_PORT" --bucket bench-bucket
  --key small/object-1k)

# side program args... -> the program's output
side() {
  local who=$1
  shift
  if [ "$who" = before ]; then
    LD_LIBRARY_PATH=$before "$@"
  else
    "$@"
  fi
}
# first line's "N us/request" (raw_curl_request and bench_small alike)
us_small() { head -n 1 | awk '{print $(NF-1)}'; }
# raw_curl_multi / bench_concurrency_async: req_per_s us_cpu maxrss_kb
multi_fields() {
  awk '{for (i = 1; i < NF; i++) {
          if ($i == "req_per_s") r = $(i + 1)
          if ($i == "us_cpu_per_request") u = $(i + 1)
          if ($i == "maxrss_kb") m = $(i + 1) }
        print r, u, m}'
}

for p in $(seq "$PASSES"); do
  for op in head get; do
    echo "small $op raw $("$bench/raw_curl_request" "${c[@]}" --op "$op" \
      -n "$N_SMALL" --warmup 50 | us_small)" >>"$tmp/out"
    for who in before after; do
      echo "small $op $who $(side "$who" "$bench/bench_small" "${c[@]}" \
        --op "$op" -n "$N_SMALL" --warmup 50 | us_small)" >>"$tmp/out"
    done
  done
  for k in $INFLIGHT; do
    echo "multi $k raw $("$bench/raw_curl_multi" "${c[@]}" -n "$N_MULTI" \
      --inflight "$k" | multi_fields)" >>"$tmp/out"
    for who in before after; do
      echo "multi $k $who $(side "$who" "$bench/bench_concurrency_async" \
        "${c[@]}" -n "$N_MULTI" --inflight "$k" | multi_fields)" >>"$tmp/out"
    done
  done
  echo "pass $p done" >&2
done

python3 - "$tmp/out" "$PASSES" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    f = line.split()
    rows.setdefault((f[0], f[1], f[2]), []).append([float(x) for x in f[3:]])
med = statistics.median
for kind, case in sorted({(k[0], k[1]) for k in rows}):
    raw = rows[(kind, case, "raw")]
    col = 0 if kind == "small" else 1  # CPU us per request
    print(f"== {kind} {case} (CPU us/request, median of {len(raw)} passes)")
    print(f"   raw    {med(r[col] for r in raw):8.2f}")
    for who in ("before", "after"):
        v = rows[(kind, case, who)]
        cpu = [a[col] / b[col] for a, b in zip(v, raw)]
        line = (f"   {who:6} {med(a[col] for a in v):8.2f}  awsc/raw "
                f"{med(cpu):.3f} ({min(cpu):.2f}-{max(cpu):.2f})")
        if kind == "multi":
            thr = [a[0] / b[0] for a, b in zip(v, raw)]
            line += (f"  requests/s ratio {med(thr):.3f}  peak RSS "
                     f"{max(a[2] for a in v) / 1024:.1f} MiB "
                     f"(raw {max(b[2] for b in raw) / 1024:.1f})")
        print(line)
PY
