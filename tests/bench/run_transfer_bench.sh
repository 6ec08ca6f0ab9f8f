#!/bin/bash
# Managed transfers against a real S3 server, side by side with curl in the
# same run: `awsc s3 upload_file` / `download_file` (default TransferConfig:
# 8 MiB parts, 10 in flight) against one `curl -T` PUT / one `curl -o` GET
# of the same object (curl's SigV4, UNSIGNED-PAYLOAD, no checksum).
#
#   tests/bench/run_transfer_bench.sh [BUILD_DIR]        (default: build)
#
# Env: AWSC_BENCH_SIZES_MIB  object sizes, MiB            [1024]
#      AWSC_BENCH_RUNS       runs of each, median printed [3]
#      AWSC_BENCH_DIR        where the files go            [$TMPDIR or /tmp]
#      AWSC_BENCH_CONFIG     awsc's "Config" JSON          [{}]
#      AWSC_BENCH_EXTRA      awsc's upload "ExtraArgs"     [{}]
#      AWSC_BENCH_VERBOSE=1  print each run ("uc.1: wall user sys rss":
#                            u/d upload/download, c curl, a awsc; m the
#                            multipart object, 1 the single-part one; ds
#                            awsc's single-part download with the MD5)
#      AWSC_BENCH_AFTER_DELETE  a command run after each object is deleted,
#                            e.g. for the local Ceph RGW, whose in-memory
#                            store keeps deleted data until garbage
#                            collection (2 h by default) and fills up:
#        "CEPH_CONF=.servers/rgw/ceph.conf radosgw-admin gc process --include-all"
#      AWSC_BENCH_SERVER_PROCS  the server's process names, whose CPU
#                            each run adds up (the server shares the
#                            machine's cores with the client)
#                            ["radosgw ceph-osd"; none running: not shown]
#      AWSC_E2E_S3_ENDPOINT, AWSC_E2E_ACCESS_KEY_ID, AWSC_E2E_SECRET_ACCESS_KEY,
#      AWSC_E2E_REGION: the server, as scripts/test.sh sets them from
#      scripts/rgw-up.sh's output (needed; the bucket awsc-bench is made).
# Rows: curl's PUT of one single-part object; awsc's upload_file
# (multipart, a CRC32 per part); curl's GET and awsc's download_file of
# awsc's multipart object and of curl's single-part object (each pair in
# turn, one after the other); and awsc's download_file of the single-part
# object, whose ETag is its MD5,
# with the ETag-MD5 check asked for (AWSC_VERIFY_ETAG_MD5=true: it is off by
# default, as in botocore; docs/integrity.md).
# Per row: wall seconds, MiB/s, client CPU (user + system) seconds per GiB
# and peak RSS (GNU time's %M), each the median of the runs, then the
# server's CPU seconds per GiB (its processes' user + system time over the
# run) and the share of the machine's CPU time left idle; the ratio
# lines compare awsc with curl (throughput: > 1 = awsc faster; CPU: < 1 =
# awsc cheaper), for downloads also as the median of each run's pair (the
# two downloads back to back). The machine is shared: compare ratios, not
# absolutes.
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$repo/build}
awsc=$build/tools/awsc
sizes=${AWSC_BENCH_SIZES_MIB:-1024}
runs=${AWSC_BENCH_RUNS:-3}
work=${AWSC_BENCH_DIR:-${TMPDIR:-/tmp}}/awsc-xfer-bench.$$
config=${AWSC_BENCH_CONFIG:-\{\}}
extra=${AWSC_BENCH_EXTRA:-\{\}}
# shellcheck source=tests/bench/transfer_env.sh
. "$(dirname "${BASH_SOURCE[0]}")/transfer_env.sh"
transfer_env_setup

# The server's CPU ticks (user + system of its processes, /proc/PID/stat)
# and the machine's idle ticks (/proc/stat).
server_procs=${AWSC_BENCH_SERVER_PROCS-radosgw ceph-osd}
server_ticks() {
  local n p
  for n in $server_procs; do
    for p in $(pgrep -x "$n"); do
      # fields 14 and 15 (utime, stime): 12 and 13 after the ") " of the name
      awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$p/stat" 2>/dev/null
    done
  done | awk '{t += $1} END {print t + 0}'
}
idle_ticks() { awk '/^cpu /{print $5 + $6; exit}' /proc/stat; }

# measure OUT CMD...: "wall user sys maxrss_kib server_ticks idle_ticks"
# into OUT: the last two are the server's CPU over the run (its processes'
# utime + stime) and the machine's idle time. Every run starts
# with no dirty pages (sync, untimed): on the test VM the kernel writing
# back earlier files (the freshly made source above all) during a timed
# download made its system time swing 0.5-3.8 s/GiB, for curl and awsc
# alike (docs/performance.md, sixth round).
measure() {
  local out=$1
  shift
  sync
  local s0 i0 s1 i1
  s0=$(server_ticks) i0=$(idle_ticks)
  /usr/bin/time -o "$out" -f "%e %U %S %M" "$@" >/dev/null || {
    echo "failed: $*" >&2
    return 1
  }
  s1=$(server_ticks) i1=$(idle_ticks)
  echo "$(cat "$out") $((s1 - s0)) $((i1 - i0))" >"$out"
  [ -z "${AWSC_BENCH_VERBOSE:-}" ] || echo "    $(basename "$out"): $(cat "$out")" >&2
}

# the median of the numbers on stdin, one a line
med() { sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

# median of the runs' field F (1 wall, 2 user+sys, 3 rss KiB, 4 server
# ticks, 5 idle share of the machine's CPU time) of files
ncpu=$(getconf _NPROCESSORS_ONLN)
hz=$(getconf CLK_TCK)
median() {
  local f=$1
  shift
  for m in "$@"; do
    awk -v f="$f" -v n="$ncpu" -v hz="$hz" '{
      if (f == 1) print $1; else if (f == 2) print $2 + $3; else if (f == 3) print $4
      else if (f == 4) print $5; else print $6 / hz / ($1 * n)}' "$m"
  done | med
}

row() { # label size_mib files...
  local label=$1 mib=$2
  shift 2
  local wall cpu rss
  wall=$(median 1 "$@")
  cpu=$(median 2 "$@")
  rss=$(median 3 "$@")
  srv=$(median 4 "$@")
  idle=$(median 5 "$@")
  awk -v l="$label" -v w="$wall" -v c="$cpu" -v r="$rss" -v m="$mib" \
    -v sv="$srv" -v hz="$hz" -v id="$idle" -v show="$server_procs" \
    'BEGIN {printf "  %-22s %7.2f s %8.1f MiB/s %6.2f CPU s/GiB %7.1f MiB peak",
            l, w, m / w, c * 1024 / m, r / 1024
            if (show != "") printf "  server %5.2f CPU s/GiB", sv / hz * 1024 / m
            printf "  idle %3.0f %%\n", id * 100}'
  echo "$wall $cpu $rss" >"$work/row.$label"
}

ratio() { # what a b [awsc-prefix curl-prefix]
  read -r wa ca _ <"$work/row.$2"
  read -r wb cb _ <"$work/row.$3"
  local pairs=""
  if [ $# -ge 5 ]; then # median of the runs' own ratios (curl's wall / awsc's)
    pairs=$(for i in $(seq "$runs"); do
      awk 'NR == FNR {c = $1; next} {print c / $1}' "$work/$5.$i" "$work/$4.$i"
    done | med | awk '{printf "%.3f", $1}')
  fi
  awk -v t="$1" -v wa="$wa" -v wb="$wb" -v ca="$ca" -v cb="$cb" -v p="$pairs" \
    'BEGIN {printf "  %s: throughput %.2fx curl, CPU %.2fx curl", t, wb / wa, ca / cb
            if (p != "") printf " (pairs: throughput %sx, median)", p
            printf "\n"}'
}

after_delete() {
  [ -z "${AWSC_BENCH_AFTER_DELETE:-}" ] || bash -c "$AWSC_BENCH_AFTER_DELETE" >/dev/null 2>&1
}

# get CMD_LABEL FILE_OUT CMD...: measure a download into $work/dl, check it
get() {
  local out=$1
  shift
  rm -f "$work/dl"
  measure "$out" "$@" || return 1
  cmp -s "$src" "$work/dl" || { echo "download differs: $*" >&2; return 1; }
  rm -f "$work/dl"
}

# pair KEY TAG I: curl's GET and awsc's download_file of object KEY, back
# to back, into rows dc$TAG / da$TAG, curl first in odd runs and awsc first
# in even ones: on the test VM what a download costs the kernel depends
# on what the machine did just before (the page cache's pages, the
# server's frees), which this shares out evenly
pair() {
  local key=$1 tag=$2 i=$3 who
  for who in $( ((i % 2)) && echo "curl awsc" || echo "awsc curl"); do
    if [ "$who" = curl ]; then
      get "$work/dc$tag.$i" "${scurl[@]}" -o "$work/dl" "$ep/$bucket/$key" || return 1
    else
      get "$work/da$tag.$i" "$awsc" --endpoint-url "$ep" s3 download_file \
        "{\"Bucket\": \"$bucket\", \"Key\": \"$key\", \"Filename\": \"$work/dl\", \"Config\": $config}" || return 1
    fi
  done
}

runs_of() { # prefix -> the runs' files
  for i in $(seq "$runs"); do echo "$work/$1.$i"; done
}

for mib in $sizes; do
  src=$work/src.$mib
  head -c $((mib << 20)) /dev/urandom >"$src"
  sync "$src"
  echo "== $mib MiB object, $runs runs each, median (awsc Config $config)"
  for i in $(seq "$runs"); do
    # one object at a time on the server (RGW's store is in memory)
    measure "$work/uc.$i" "${scurl[@]}" -T "$src" "$ep/$bucket/one" || exit 1
    pair one 1 "$i" || exit 1
    AWSC_VERIFY_ETAG_MD5=true get "$work/ds.$i" "$awsc" --endpoint-url "$ep" s3 download_file \
      "{\"Bucket\": \"$bucket\", \"Key\": \"one\", \"Filename\": \"$work/dl\", \"Config\": $config}" || exit 1
    "${scurl[@]}" -X DELETE "$ep/$bucket/one" -o /dev/null
    after_delete
    measure "$work/ua.$i" "$awsc" --endpoint-url "$ep" s3 upload_file \
      "{\"Filename\": \"$src\", \"Bucket\": \"$bucket\", \"Key\": \"multi\", \"ExtraArgs\": $extra, \"Config\": $config}" || exit 1
    pair multi m "$i" || exit 1
    "${scurl[@]}" -X DELETE "$ep/$bucket/multi" -o /dev/null
    after_delete
  done
  # shellcheck disable=SC2046 # one file name per word
  {
    row "upload   curl" "$mib" $(runs_of uc)
    row "upload   awsc" "$mib" $(runs_of ua)
    row "download curl multi" "$mib" $(runs_of dcm)
    row "download awsc multi" "$mib" $(runs_of dam)
    row "download curl 1-part" "$mib" $(runs_of dc1)
    row "download awsc 1-part" "$mib" $(runs_of da1)
    row "download awsc 1-p MD5" "$mib" $(runs_of ds)
  }
  ratio upload "upload   awsc" "upload   curl"
  ratio "download, awsc's multipart object" "download awsc multi" "download curl multi" dam dcm
  ratio "download, curl's single-part object" "download awsc 1-part" "download curl 1-part" da1 dc1
  ratio "the same, ETag MD5 checked on request" "download awsc 1-p MD5" "download curl 1-part"
  rm -f "$src"
done
