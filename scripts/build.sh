#!/usr/bin/env bash
# scripts/build.sh [main|asan|all] - configure (when needed) and build awsc.
#   main (default)  build/       warnings are errors
#   asan            build-asan/  AddressSanitizer + UndefinedBehaviorSanitizer
#   all             both
# A build dir is set up on first use; when it exists but its options differ
# from the wanted ones (e.g. set up by hand without -Dwerror=true) it is
# reconfigured, so that the build always checks what CI checks.
# Env: AWSC_BUILD_DIR, AWSC_ASAN_BUILD_DIR (other dirs), AWSC_MESON_ARGS
# (extra `meson setup` arguments, e.g. -Dfuzz=true; -Dname=value ones
# are checked like the others).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$AWSC_REPO"

log() { echo "build: $*" >&2; }

# setup_and_build DIR OPTION=VALUE...
setup_and_build() {
  local dir=$1 extra=()
  shift
  read -r -a extra <<<"${AWSC_MESON_ARGS:-}"
  local args=() want=("$@") e
  for o in "$@"; do args+=("-D$o"); done
  # -Dname=value among the extra arguments must hold too
  for e in "${extra[@]}"; do [[ $e != -D*=* ]] || want+=("${e#-D}"); done
  if [ ! -f "$dir/meson-private/coredata.dat" ]; then
    log "meson setup $dir ${args[*]} ${extra[*]}"
    meson setup "$dir" "${args[@]}" "${extra[@]}" >&2
  elif ! options_match "$dir" "${want[@]}"; then
    log "meson setup --reconfigure $dir ${args[*]} ${extra[*]} (options differed)"
    meson setup --reconfigure "$dir" "${args[@]}" "${extra[@]}" >&2
  fi
  log "ninja -C $dir"
  ninja -C "$dir" >&2
}

# options_match DIR OPTION=VALUE...: the configured build has those values
# (as `meson introspect` prints them: booleans true/false, lists joined by ",").
options_match() {
  local dir=$1
  shift
  meson introspect --buildoptions "$dir" 2>/dev/null | python3 -c '
import json, sys
have = {}
for o in json.load(sys.stdin):
    v = o["value"]
    if isinstance(v, bool): v = "true" if v else "false"
    elif isinstance(v, list): v = ",".join(v)
    have[o["name"]] = str(v)
want = dict(a.split("=", 1) for a in sys.argv[1:])
sys.exit(0 if all(have.get(k) == v for k, v in want.items()) else 1)
' "$@"
}

what=${1:-main}
case $what in
  main | asan | all) ;;
  *) echo "usage: scripts/build.sh [main|asan|all]" >&2; exit 2 ;;
esac
if [ "$what" != asan ]; then
  setup_and_build "${AWSC_BUILD_DIR:-build}" werror=true
fi
if [ "$what" != main ]; then
  # b_lundef=false: with the sanitizers, shared objects legitimately leave
  # the sanitizer runtime's symbols undefined (the executable brings them).
  setup_and_build "${AWSC_ASAN_BUILD_DIR:-build-asan}" werror=true b_sanitize=address,undefined b_lundef=false
fi
