#!/usr/bin/env bash
# scripts/fuzz-long.sh [TARGET...] - the long fuzzing run of docs/fuzzing.md.
#
# Builds the libFuzzer targets (clang, -Dfuzz=true, in build-fuzz/ unless
# AWSC_FUZZ_BUILD_DIR says otherwise) and runs each one in turn (default:
# all of them), niced, for FUZZ_RUNS executions (default 10 million),
# starting from its corpus in tests/fuzz/corpus/<target> (read only: new
# inputs go to a scratch directory, see below) with its dictionary when
# there is one. FUZZ_MAX_TIME (seconds, default none) caps a target's run;
# FUZZ_TIMEOUT (seconds, default 10) is libFuzzer's per-input timeout;
# the execution count reached is reported either way.
#
# Prints one line per target, "TARGET runs=N seconds=S exec/s=R
# result=ok|FAIL|interrupted" (interrupted: stopped by a signal, nothing
# found),
# and appends the same lines to $FUZZ_OUT/summary.txt. Logs and whatever a
# target found (new corpus inputs; crash-*, leak-*, timeout-* files) stay
# in $FUZZ_OUT/<target>/ (default: build-fuzz/fuzz-long/). Exit status 1
# when any target crashed, leaked, hit a sanitizer report or a timeout.
#
# To keep what a run found that widens coverage (minimised, see
# docs/fuzzing.md):
#   build-fuzz/tests/fuzz/fuzz_T -set_cover_merge=1 -use_counters=0 \
#       tests/fuzz/corpus/T build-fuzz/fuzz-long/T/new
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

BUILD=${AWSC_FUZZ_BUILD_DIR:-build-fuzz}
RUNS=${FUZZ_RUNS:-10000000}
OUT=${FUZZ_OUT:-$BUILD/fuzz-long}
ALL="json json_input json_output xml_output xml_diff eventstream endpoints
     arn_url jmespath sigv4 pagination_token ini credential_process"
# the CLI's argument handling (tools/awsc_args.c), once its target lands
[ -f tests/fuzz/fuzz_cli_args.c ] && ALL="$ALL cli_args"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || read -r -a targets <<<"$(echo $ALL)"

if [ ! -f "$BUILD/build.ninja" ]; then
  CC=clang meson setup "$BUILD" -Dfuzz=true >&2
fi
exes=()
for t in "${targets[@]}"; do exes+=("$(find "$BUILD" -name "fuzz_$t" -type f \
  -perm -u+x -printf '%P\n' | head -n 1)"); done
for i in "${!targets[@]}"; do
  [ -n "${exes[$i]}" ] || exes[$i]=tests/fuzz/fuzz_${targets[$i]}
done
nice -n 10 ninja -C "$BUILD" "${exes[@]}" >&2

mkdir -p "$OUT"
status=0
for i in "${!targets[@]}"; do
  t=${targets[$i]} exe=$BUILD/${exes[$i]}
  corpus=tests/fuzz/corpus/$t
  [ "$t" = xml_diff ] && corpus=tests/fuzz/corpus/xml
  case $t in
    xml_diff | xml_output) dict=tests/fuzz/xml.dict ;;
    json_*) dict=tests/fuzz/json.dict ;;
    *) dict=tests/fuzz/$t.dict ;;
  esac
  dir=$OUT/$t
  rm -rf "$dir"
  mkdir -p "$dir/new"
  args=(-runs="$RUNS" -print_final_stats=1 -artifact_prefix="$dir/"
        -timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb=2048)
  [ -f "$dict" ] && args+=(-dict="$dict")
  [ -n "${FUZZ_MAX_TIME:-}" ] && args+=(-max_total_time="$FUZZ_MAX_TIME")
  rc=0 start=$SECONDS
  nice -n 10 "$exe" "${args[@]}" "$dir/new" "$corpus" >"$dir/log" 2>&1 ||
    rc=$?
  secs=$((SECONDS - start))
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$dir/log" | tail -n 1)
  result=ok
  if ls "$dir" | grep -qE '^(crash|leak|timeout|oom|slow-unit)-' ||
    grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|check failed' \
      "$dir/log"; then
    result=FAIL status=1
  elif [ $rc -ne 0 ] && grep -q 'run interrupted' "$dir/log"; then
    result=interrupted # stopped by a signal, nothing found
  elif [ $rc -ne 0 ]; then
    result=FAIL status=1
  fi
  line="$t runs=${runs:-?} seconds=$secs exec/s=${rate:-?} result=$result"
  # libFuzzer's timeout is wall-clock time: on a loaded machine a niced
  # run can be starved past it. Each timeout input is run again alone
  # and its CPU time said, so a real hang tells itself from starvation.
  for f in "$dir"/timeout-*; do
    [ -f "$f" ] || continue
    cpu=$( { TIMEFORMAT=%U+%S; time timeout 120 "$exe" "$f" >/dev/null 2>&1; } \
      2>&1 | tail -n 1)
    line="$line; $(basename "$f") replayed alone in ${cpu}s CPU"
  done
  echo "$line"
  echo "$(date -u +%FT%TZ) $line" >>"$OUT/summary.txt"
done
exit $status
