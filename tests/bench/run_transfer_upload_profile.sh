#!/bin/bash
# Where an upload's time and CPU go, client and server side by side: each
# variant below uploads the same file, interleaved in every pass, and each
# run records its wall time, the client's CPU (user + system of the whole
# command, GNU time) and the server's CPU (utime + stime from
# /proc/PID/stat of every process whose command line contains
# AWSC_BENCH_SERVER_MATCH, read before and after the run; for the local
# Ceph RGW: radosgw, ceph-osd and ceph-mon, which share the machine's
# cores with the client).
#
#   tests/bench/run_transfer_upload_profile.sh [BUILD_DIR]   (default: build)
#
# Variants (UP_VARIANTS, space-separated, in this order in each pass):
#   curl      curl -T: one PUT, UNSIGNED-PAYLOAD, no checksum
#   curl-mpu  a multipart upload done with curl: CreateMultipartUpload, one
#             curl process sending every part (-Z, UP_CURL_PARALLEL in
#             flight, parts cut from the file beforehand, not timed), then
#             CompleteMultipartUpload; no checksum. The part files are
#             UP_PART_MIB each.
#   single    awsc upload_file with the threshold above the size: one PUT
#             with its CRC32 header (the same body path as a part)
#   mpu       awsc upload_file, multipart (Config AWSC_BENCH_CONFIG)
#   mpu-nock  the same without a checksum
#             (AWS_REQUEST_CHECKSUM_CALCULATION=when_required)
#   mpu:JSON  awsc upload_file with the Config JSON given (e.g.
#             'mpu:{"max_concurrency":4}'); no spaces in JSON
# A variant "NAME@LIBDIR" runs awsc with LD_LIBRARY_PATH=LIBDIR (another
# build of libawsc, as run_transfer_ab.sh takes it).
# Env: UP_COLD (unset; 1: before every run, drop the source file's pages,
#      and only those, from the page cache: `dd iflag=nocache count=0`, so
#      the upload reads from the disk; other files' pages are untouched),
#      UP_SIZE_MIB (1024), UP_PASSES (3), UP_PART_MIB (8),
#      UP_CURL_PARALLEL (10), AWSC_BENCH_SERVER_MATCH (a string in the
#      server processes' command lines, e.g. the path of RGW's ceph.conf;
#      unset: no server CPU), AWSC_BENCH_DIR, AWSC_BENCH_CONFIG,
#      AWSC_BENCH_AFTER_DELETE and the AWSC_E2E_* server variables as
#      run_transfer_bench.sh takes them.
# Prints each run, then per variant the medians: wall, MiB/s, client CPU
# s/GiB, server CPU s/GiB, (client + server) CPU s/GiB, and the
# throughput and client CPU relative to curl's in the same pass.
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$repo/build}
awsc=$build/tools/awsc
mib=${UP_SIZE_MIB:-1024}
passes=${UP_PASSES:-3}
part_mib=${UP_PART_MIB:-8}
parallel=${UP_CURL_PARALLEL:-10}
variants=${UP_VARIANTS:-curl curl-mpu single mpu mpu-nock}
config=${AWSC_BENCH_CONFIG:-\{\}}
match=${AWSC_BENCH_SERVER_MATCH:-}
work=${AWSC_BENCH_DIR:-${TMPDIR:-/tmp}}/awsc-xfer-prof.$$
hz=$(getconf CLK_TCK)
# shellcheck source=tests/bench/transfer_env.sh
. "$(dirname "${BASH_SOURCE[0]}")/transfer_env.sh"
transfer_env_setup
mkdir -p "$work/parts"
src=$work/src
head -c $((mib << 20)) /dev/urandom >"$src"
if [[ " $variants " == *" curl-mpu"* ]]; then
  (cd "$work/parts" && split -b $((part_mib << 20)) -d -a 5 "$src" p.)
fi

# Server CPU so far, in clock ticks: utime + stime of the matching
# processes (fields 14 and 15; the command name in field 2 has no spaces
# for these daemons).
server_ticks() {
  [ -n "$match" ] || { echo 0; return; }
  local t=0 p
  for p in /proc/[0-9]*; do
    grep -qsF -- "$match" "$p/cmdline" 2>/dev/null || continue
    read -r -a f <"$p/stat" 2>/dev/null || continue
    t=$((t + f[13] + f[14]))
  done
  echo "$t"
}

after_delete() {
  [ -z "${AWSC_BENCH_AFTER_DELETE:-}" ] || bash -c "$AWSC_BENCH_AFTER_DELETE" >/dev/null 2>&1
}
del() {
  "${scurl[@]}" -X DELETE "$ep/$bucket/prof" -o /dev/null
  after_delete
}

# A multipart upload with curl: create, every part in one curl -Z, complete.
curl_mpu() {
  local key=$1 id n=0 f args=()
  id=$("${scurl[@]}" -X POST "$ep/$bucket/$key?uploads=" |
    sed -n 's:.*<UploadId>\(.*\)</UploadId>.*:\1:p')
  [ -n "$id" ] || { echo "curl-mpu: no UploadId" >&2; return 1; }
  for f in "$work"/parts/p.*; do
    n=$((n + 1))
    args+=(-T "$f" "$ep/$bucket/$key?partNumber=$n&uploadId=$id")
  done
  "${scurl[@]}" -Z --parallel-max "$parallel" -w '%{url} %header{etag}\n' \
    "${args[@]}" >"$work/etags" 2>"$work/curl-mpu.err" || { cat "$work/curl-mpu.err" >&2; return 1; }
  {
    echo "<CompleteMultipartUpload>"
    sed -n 's:.*partNumber=\([0-9]*\)&.* \(.*\)$:\1 \2:p' "$work/etags" |
      sort -n | awk '{printf "<Part><PartNumber>%s</PartNumber><ETag>%s</ETag></Part>\n", $1, $2}'
    echo "</CompleteMultipartUpload>"
  } >"$work/complete.xml"
  [ "$(grep -c '<Part>' "$work/complete.xml")" = "$n" ] ||
    { echo "curl-mpu: $n parts sent, not all answered" >&2; return 1; }
  "${scurl[@]}" -X POST --data-binary @"$work/complete.xml" \
    "$ep/$bucket/$key?uploadId=$id" -o /dev/null
}
export -f curl_mpu
export work ep bucket parallel

# run VARIANT KEY: one measured upload of $src to the object "prof", then
# its deletion; the figures go to files named after KEY
run() {
  local v=$1 key=$2 name=${1%%@*} lib="" s0 s1 cmd cfg=$config
  [[ "$v" == *@* ]] && lib=${v#*@}
  case $name in
  curl) cmd=("${scurl[@]}" -T "$src" "$ep/$bucket/prof") ;;
  curl-mpu) cmd=(bash -c "$(declare -p scurl); curl_mpu prof") ;;
  single) cfg='{"multipart_threshold": '$(((mib + 1) << 20))'}' ;;
  mpu | mpu-nock) ;;
  mpu:*) cfg=${name#mpu:} ;;
  *) echo "unknown variant $v" >&2; exit 1 ;;
  esac
  if [ -z "${cmd+x}" ]; then
    cmd=("$awsc" --endpoint-url "$ep" s3 upload_file
      "{\"Filename\": \"$src\", \"Bucket\": \"$bucket\", \"Key\": \"prof\", \"Config\": $cfg}")
  fi
  local envs=()
  [ -n "$lib" ] && envs+=("LD_LIBRARY_PATH=$lib")
  [ "$name" = mpu-nock ] && envs+=("AWS_REQUEST_CHECKSUM_CALCULATION=when_required")
  if [ -n "${UP_COLD:-}" ]; then
    local f
    for f in "$src" "$work"/parts/p.*; do
      [ -e "$f" ] || continue
      sync "$f"
      dd if="$f" iflag=nocache count=0 status=none
    done
  fi
  s0=$(server_ticks)
  env "${envs[@]}" /usr/bin/time -o "$work/t" -f "%e %U %S %M" "${cmd[@]}" >/dev/null ||
    { echo "failed: $v" >&2; exit 1; }
  s1=$(server_ticks)
  read -r wall u s rss <"$work/t"
  local srv
  srv=$(awk -v a="$s0" -v b="$s1" -v hz="$hz" 'BEGIN {printf "%.2f", (b - a) / hz}')
  awk -v l="$v" -v w="$wall" -v c="$(awk -v u="$u" -v s="$s" 'BEGIN {print u + s}')" \
    -v srv="$srv" -v r="$rss" -v m="$mib" 'BEGIN {
      printf "  %-28s %6.2f s %7.1f MiB/s client %5.2f s server %5.2f s rss %5.1f MiB\n",
        l, w, m / w, c, srv, r / 1024}'
  echo "$wall $u $s $srv" >>"$work/r.$key"
  echo "$wall $u $s $srv" >"$work/last.$key"
  del
}

echo "== $mib MiB${UP_COLD:+, source not in the page cache}, $passes passes, parts $part_mib MiB for curl-mpu ($parallel in flight); load $(cut -d' ' -f1-3 /proc/loadavg)"
for p in $(seq "$passes"); do
  echo "pass $p (load $(cut -d' ' -f1-3 /proc/loadavg))"
  k=0
  for v in $variants; do
    k=$((k + 1))
    run "$v" "v$k"
    [ "$v" = curl ] && cp "$work/last.v$k" "$work/last.curl"
    if [ "$v" != curl ] && [ -e "$work/last.curl" ]; then
      read -r cw cu cs _ <"$work/last.curl"
      read -r w u s _ <"$work/last.v$k"
      awk -v cw="$cw" -v cc="$(awk -v a="$cu" -v b="$cs" 'BEGIN {print a + b}')" \
        -v w="$w" -v c="$(awk -v a="$u" -v b="$s" 'BEGIN {print a + b}')" \
        'BEGIN {print cw / w, c / cc}' >>"$work/q.v$k"
    fi
  done
done

med() { sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
echo "== medians over $passes passes, $mib MiB (load now $(cut -d' ' -f1-3 /proc/loadavg))"
printf "  %-28s %8s %8s %12s %12s %12s  %s\n" variant wall MiB/s "client s/GiB" \
  "server s/GiB" "total s/GiB" "vs curl in the same pass: throughput, client CPU"
k=0
for v in $variants; do
  k=$((k + 1))
  f=$work/r.v$k
  w=$(awk '{print $1}' "$f" | med)
  c=$(awk '{print $2 + $3}' "$f" | med)
  s=$(awk '{print $4}' "$f" | med)
  t=$(awk '{print $2 + $3 + $4}' "$f" | med)
  q=""
  if [ -e "$work/q.v$k" ]; then
    q=$(printf "%.2fx, %.2fx" "$(awk '{print $1}' "$work/q.v$k" | med)" \
      "$(awk '{print $2}' "$work/q.v$k" | med)")
  fi
  awk -v l="$v" -v w="$w" -v c="$c" -v s="$s" -v t="$t" -v m="$mib" -v q="$q" 'BEGIN {
    g = 1024 / m
    printf "  %-28s %7.2fs %8.1f %12.2f %12.2f %12.2f  %s\n", l, w, m / w, c * g, s * g, t * g, q}'
done
