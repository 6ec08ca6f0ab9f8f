#!/usr/bin/env bash
# scripts/gen-all-models.sh - generate and compile the typed layer of every
# botocore service model (the longer run of docs/conformance.md, "Every
# botocore model").
#
# Usage: scripts/gen-all-models.sh [--gen PATH/TO/gen.py] [--include DIR]...
#          [-j N] [--keep DIR] [--data DIR] [SERVICE...]
#   --gen PATH     the generator to run (default: this tree's codegen/gen.py)
#   --include DIR  an extra -I directory, searched before the defaults
#                  (include/, lib/, and $AWSC_BUILD_DIR/include for version.h)
#   -j N           models checked in parallel (default 1)
#   --keep DIR     keep the generated files and compiler logs under DIR
#                  (default: a temporary directory removed at the end)
#   --data DIR     the botocore data folder (default: Debian's python3-botocore,
#                  /usr/lib/python3/dist-packages/botocore/data)
#   SERVICE...     only these services (default: every folder of --data)
#
# For each service the newest version folder is copied (its .json or
# .json.gz files, decompressed) into a scratch models/ tree the way
# models/ is laid out, and the generator writes awsc/<svc>.h and
# <svc>_service.c from it exactly as lib/services/meson.build and
# include/awsc/meson.build call it. Then:
#   header, C    an otherwise empty .c including only the header:
#                $CC -std=c99 -pedantic -Wall -Wextra -Werror
#   header, C++  the same file: $CXX -std=c++11 -pedantic -Wall -Werror -x c++
#   source       $CC -std=c11 -Wall -Wextra -Werror -c <svc>_service.c
# One line per failing model names the failing step and its first error;
# the last line is "N passed, N failed". Exit 0 only if every model passed.
# Env: CC (default cc), CXX (default g++), AWSC_BUILD_DIR (default build).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

usage() {
  sed -n '5,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# check_one SERVICE: run by the parallel workers (see the end of the file).
# Writes $work/results/SERVICE as "ok" or "FAIL step: first error".
check_one() {
  local svc=$1 src ver f d out log res first step
  src=$data/$svc
  ver=$(find "$src" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | LC_ALL=C sort | tail -n 1)
  res=$work/results/$svc
  d=$work/$svc
  out=$d/out
  log=$d/log
  mkdir -p "$d/models/$svc/$ver" "$out/awsc"
  : >"$log"
  if [ -z "$ver" ]; then
    echo "FAIL model: no version folder under $src" >"$res"
    return 0
  fi
  for f in "$src/$ver"/*.json "$src/$ver"/*.json.gz; do
    [ -e "$f" ] || continue
    case $f in
      *.gz) gzip -dc "$f" >"$d/models/$svc/$ver/$(basename "${f%.gz}")" ;;
      *) cp "$f" "$d/models/$svc/$ver/" ;;
    esac
  done
  fail() {
    first=$(grep -m1 -E 'error|Error|Traceback' "$log" || head -n 1 "$log")
    [ -n "$first" ] || first="(no message)"
    echo "FAIL $step: ${first#"$d"/}" >"$res"
  }
  step=gen
  if ! python3 "$gen" --models "$d/models" --service "$svc" \
    --header "$out/awsc/$svc.h" --source "$out/${svc}_service.c" >"$log" 2>&1; then
    # a traceback's last line says what went wrong
    first=$(grep -v '^ ' "$log" | tail -n 1)
    echo "FAIL gen: ${first:-(no message)}" >"$res"
    return 0
  fi
  printf '#include "awsc/%s.h"\n' "$svc" >"$out/header_only.c"
  step="header C99"
  if ! "$cc" -std=c99 -pedantic -Wall -Wextra -Werror -I"$out" "${incs[@]}" \
    -fsyntax-only "$out/header_only.c" >"$log" 2>&1; then
    fail
    return 0
  fi
  step="header C++11"
  if ! "$cxx" -std=c++11 -pedantic -Wall -Werror -x c++ -I"$out" "${incs[@]}" \
    -fsyntax-only "$out/header_only.c" >"$log" 2>&1; then
    fail
    return 0
  fi
  step=source
  if ! "$cc" -std=c11 -Wall -Wextra -Werror -I"$out" "${incs[@]}" \
    -c "$out/${svc}_service.c" -o "$out/${svc}_service.o" >"$log" 2>&1; then
    fail
    return 0
  fi
  rm -f "$out/${svc}_service.o"
  echo ok >"$res"
}

gen=$repo/codegen/gen.py
data=/usr/lib/python3/dist-packages/botocore/data
jobs=1
keep=
extra_incs=()
services=()
while [ $# -gt 0 ]; do
  case $1 in
    --gen) gen=$2; shift 2 ;;
    --include) extra_incs+=("$2"); shift 2 ;;
    -j) jobs=$2; shift 2 ;;
    -j*) jobs=${1#-j}; shift ;;
    --keep) keep=$2; shift 2 ;;
    --data) data=$2; shift 2 ;;
    --one) one=$2; shift 2 ;; # internal: a worker, see below
    -h | --help) usage ;;
    -*) echo "gen-all-models: unknown option $1" >&2; usage ;;
    *) services+=("$1"); shift ;;
  esac
done
[[ $jobs =~ ^[1-9][0-9]*$ ]] || { echo "gen-all-models: -j wants a number" >&2; exit 2; }

# A worker gets its whole context from the environment set below.
if [ -n "${one:-}" ]; then
  read -r -a incs <<<"$GAM_INCS"
  gen=$GAM_GEN data=$GAM_DATA work=$GAM_WORK cc=$GAM_CC cxx=$GAM_CXX
  check_one "$one"
  exit 0
fi

gen=$(realpath "$gen")
[ -f "$gen" ] || { echo "gen-all-models: no generator at $gen" >&2; exit 2; }
[ -d "$data" ] || { echo "gen-all-models: no botocore data at $data" >&2; exit 2; }
build=${AWSC_BUILD_DIR:-$repo/build}
case $build in /*) ;; *) build=$repo/$build ;; esac
if [ ! -f "$build/include/awsc/version.h" ]; then
  echo "gen-all-models: $build/include/awsc/version.h missing: run scripts/build.sh first" >&2
  exit 2
fi
incs=()
for i in "${extra_incs[@]}"; do incs+=("-I$(realpath "$i")"); done
incs+=("-I$repo/include" "-I$repo/lib" "-I$build/include")
for i in "${incs[@]}"; do
  [[ $i != *' '* ]] || { echo "gen-all-models: include paths must not hold spaces: $i" >&2; exit 2; }
done

if [ ${#services[@]} -eq 0 ]; then
  while IFS= read -r s; do services+=("$s"); done < <(
    find "$data" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | LC_ALL=C sort)
fi
for s in "${services[@]}"; do
  [ -d "$data/$s" ] || { echo "gen-all-models: no model folder $data/$s" >&2; exit 2; }
done

if [ -n "$keep" ]; then
  mkdir -p "$keep"
  work=$(realpath "$keep")
  rm -rf "$work/results"
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/awsc-gen-all.XXXXXX")
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work/results"

export GAM_INCS="${incs[*]}" GAM_GEN=$gen GAM_DATA=$data GAM_WORK=$work
export GAM_CC=${CC:-cc} GAM_CXX=${CXX:-g++}
start=$SECONDS
printf '%s\n' "${services[@]}" |
  xargs -P "$jobs" -I{} bash "${BASH_SOURCE[0]}" --one {}

pass=0 failed=0
for s in "${services[@]}"; do
  r=$(cat "$work/results/$s" 2>/dev/null || echo "FAIL worker: no result")
  if [ "$r" = ok ]; then
    pass=$((pass + 1))
  else
    failed=$((failed + 1))
    echo "$s: ${r#FAIL }"
  fi
  if [ -z "$keep" ]; then rm -rf "${work:?}/$s"; fi
done
echo "$pass passed, $failed failed ($((SECONDS - start)) s, gen $gen)"
[ "$failed" -eq 0 ]
