#!/usr/bin/env bash
# Instructions per call of bench_request's cases, counted by callgrind
# (repeatable on a noisy machine, unlike seconds), for one or two builds:
#
#   tests/bench/callgrind_request.sh BUILD_DIR [OTHER_BUILD_DIR]
#
# Each case runs twice under callgrind, with N1 and N2 calls (default 500
# and 1500); the difference divided by N2-N1 is the cost of one warm call,
# set-up excluded. With two builds the last column is OTHER/BUILD.
set -euo pipefail
n1=${N1:-500}
n2=${N2:-1500}
count() { # bench calls case -> total instructions
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$1" --case "$3" \
    -n "$2" --runs 1 2>&1 >/dev/null | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
per_call() { # build case
  local b=$1/tests/bench/bench_request a c
  a=$(count "$b" "$n1" "$2")
  c=$(count "$b" "$n2" "$2")
  echo $(((c - a) / (n2 - n1)))
}
printf '%-18s %12s' case "$(basename "$1")"
[ $# -gt 1 ] && printf ' %12s %8s' "$(basename "$2")" ratio
echo
for k in get_object put_object list_objects_v2 send_message get_object_json; do
  x=$(per_call "$1" "$k")
  printf '%-18s %12s' "$k" "$x"
  if [ $# -gt 1 ]; then
    y=$(per_call "$2" "$k")
    printf ' %12s %8s' "$y" "$(awk -v a="$x" -v b="$y" 'BEGIN{printf "%.3f", b/a}')"
  fi
  echo
done
