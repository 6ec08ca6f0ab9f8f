#!/bin/sh
# Response parsing benchmark, awsc against botocore on the same bytes:
# bench_parse generates a 1000-key ListObjectsV2 page, parses it (best of
# N) and writes it out; parse_botocore.py parses that file with botocore's
# RestXMLParser and the same S3 model. Prints both times and the ratio.
#
# usage: tests/bench/run_parse_bench.sh [build-dir] [s3 service-2.json]
# (build with -Dbench=true, the default; a -Dbuildtype=release build
# gives the figures we quote.)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build}
model=${2:-}
if [ -z "$model" ]; then
  for m in "$root/models/s3/2006-03-01/service-2.json" \
           "$root/tests/data/response-parsing/models/s3/2006-03-01/service-2.json"; do
    if [ -f "$m" ]; then model=$m; break; fi
  done
fi
exe=$build/tests/bench/bench_parse
[ -x "$exe" ] || { echo "no $exe: build the bench_parse target first" >&2; exit 2; }
[ -f "$model" ] || { echo "no S3 model found" >&2; exit 2; }
page=$(mktemp "${TMPDIR:-/tmp}/awsc-lov2-XXXXXX.xml")
trap 'rm -f "$page"' EXIT
c_line=$("$exe" "$model" --runs 300 --xml-out "$page")
py_line=$(python3 "$here/parse_botocore.py" "$model" "$page" 30)
echo "$c_line"
echo "$py_line"
c_us=$(echo "$c_line" | sed -n 's/.*best \([0-9.]*\) us.*/\1/p')
py_us=$(echo "$py_line" | sed -n 's/.*best \([0-9.]*\) us.*/\1/p')
awk -v c="$c_us" -v p="$py_us" 'BEGIN {
  printf "ratio: awsc is %.1fx faster than botocore (%.1f us vs %.1f us; target >= 50x and <= 1000 us)\n", p / c, c, p
}'
