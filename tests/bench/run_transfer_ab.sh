#!/bin/bash
# Before/after of a library change on the managed transfers, interleaved
# with curl on the same object in every pass (the machine is shared and
# noisy: compare within a pass):
#
#   tests/bench/run_transfer_ab.sh BEFORE_LIB_DIR [BUILD_DIR]   (default: build)
#
# BEFORE_LIB_DIR holds an older libawsc.so.0 (cp build/lib/libawsc.so.0.1.0
# DIR/ && ln -s libawsc.so.0.1.0 DIR/libawsc.so.0); BUILD_DIR's awsc tool
# runs with it through LD_LIBRARY_PATH ("before") and with its own
# ("after"). Each pass: curl -T, awsc upload before, after (the order of
# the two awsc runs alternates from pass to pass), then the downloads of
# the multipart object the same way and curl's GET of it. One object on
# the server at a time.
# Env: AB_SIZE_MIB (1024), AB_PASSES (3), AB_WHAT ("upload download"),
#      AWSC_BENCH_DIR, AWSC_BENCH_CONFIG, AWSC_BENCH_AFTER_DELETE and the
#      AWSC_E2E_* server variables as run_transfer_bench.sh takes them.
# Per run: user, sys, user + sys (s) and peak RSS (MiB); then the medians
# and each side's median ratio to curl's CPU in the same pass.
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd)
before=${1:?usage: run_transfer_ab.sh BEFORE_LIB_DIR [BUILD_DIR]}
build=${2:-$repo/build}
awsc=$build/tools/awsc
mib=${AB_SIZE_MIB:-1024}
passes=${AB_PASSES:-3}
what=${AB_WHAT:-upload download}
config=${AWSC_BENCH_CONFIG:-\{\}}
work=${AWSC_BENCH_DIR:-${TMPDIR:-/tmp}}/awsc-xfer-ab.$$
[ -e "$before/libawsc.so.0" ] || {
  echo "run_transfer_ab: no libawsc.so.0 in $before" >&2
  exit 1
}
# shellcheck source=tests/bench/transfer_env.sh
. "$(dirname "${BASH_SOURCE[0]}")/transfer_env.sh"
transfer_env_setup
src=$work/src
head -c $((mib << 20)) /dev/urandom >"$src"

# run LABEL LIBDIR CMD...: one measured run, appended to $work/LABEL
run() {
  local label=$1 lib=$2
  shift 2
  if [ -n "$lib" ]; then
    LD_LIBRARY_PATH=$lib /usr/bin/time -o "$work/t" -f "%U %S %M" "$@" >/dev/null
  else
    /usr/bin/time -o "$work/t" -f "%U %S %M" "$@" >/dev/null
  fi || { echo "failed: $label" >&2; exit 1; }
  awk -v l="$label" '{printf "  %-16s user %5.2f sys %5.2f cpu %5.2f rss %6.1f MiB\n",
    l, $1, $2, $1 + $2, $3 / 1024}' "$work/t"
  awk '{print $1 + $2, $3}' "$work/t" >>"$work/$label"
  tail -n 1 "$work/$label" >"$work/last.$label"
}

after_delete() {
  [ -z "${AWSC_BENCH_AFTER_DELETE:-}" ] || bash -c "$AWSC_BENCH_AFTER_DELETE" >/dev/null 2>&1
}

up() { # label libdir
  run "$1" "$2" "$awsc" --endpoint-url "$ep" s3 upload_file \
    "{\"Filename\": \"$src\", \"Bucket\": \"$bucket\", \"Key\": \"ab\", \"Config\": $config}"
}
down() { # label libdir
  rm -f "$work/dl"
  run "$1" "$2" "$awsc" --endpoint-url "$ep" s3 download_file \
    "{\"Bucket\": \"$bucket\", \"Key\": \"ab\", \"Filename\": \"$work/dl\", \"Config\": $config}"
  cmp -s "$src" "$work/dl" || { echo "download differs: $1" >&2; exit 1; }
  rm -f "$work/dl"
}
ratio_line() { # label: this pass's CPU / curl's
  read -r c _ <"$work/last.$1"
  read -r k _ <"$work/last.$2"
  awk -v c="$c" -v k="$k" 'BEGIN {print c / k}' >>"$work/ratio.$1"
}
del() {
  "${scurl[@]}" -X DELETE "$ep/$bucket/ab" -o /dev/null
  after_delete
}

echo "== $mib MiB, $passes passes; before: $before; after: $build"
for p in $(seq "$passes"); do
  echo "pass $p"
  if [[ " $what " == *" upload "* ]]; then
    run "up-curl" "" "${scurl[@]}" -T "$src" "$ep/$bucket/ab"
    del
    if [ $((p % 2)) = 1 ]; then
      up up-before "$before"; del; up up-after ""
    else
      up up-after ""; del; up up-before "$before"
    fi
    ratio_line up-before up-curl
    ratio_line up-after up-curl
  else
    "$awsc" --endpoint-url "$ep" s3 upload_file \
      "{\"Filename\": \"$src\", \"Bucket\": \"$bucket\", \"Key\": \"ab\"}" >/dev/null
  fi
  if [[ " $what " == *" download "* ]]; then
    rm -f "$work/dl"
    run "down-curl" "" "${scurl[@]}" -o "$work/dl" "$ep/$bucket/ab"
    rm -f "$work/dl"
    if [ $((p % 2)) = 1 ]; then
      down down-before "$before"; down down-after ""
    else
      down down-after ""; down down-before "$before"
    fi
    ratio_line down-before down-curl
    ratio_line down-after down-curl
  fi
  del
done

med() { sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
echo "== medians (CPU s, CPU s/GiB, peak RSS MiB, CPU / curl's in the same pass)"
for l in up-curl up-before up-after down-curl down-before down-after; do
  [ -e "$work/$l" ] || continue
  c=$(awk '{print $1}' "$work/$l" | med)
  r=$(awk '{print $2}' "$work/$l" | med)
  q=-
  [ -e "$work/ratio.$l" ] && q=$(med <"$work/ratio.$l")
  awk -v l="$l" -v c="$c" -v r="$r" -v q="$q" -v m="$mib" \
    'BEGIN {printf "  %-12s %5.2f s %5.2f s/GiB %6.1f MiB  %s\n", l, c, c * 1024 / m, r / 1024, q == "-" ? "" : sprintf("%.2fx curl", q)}'
done
