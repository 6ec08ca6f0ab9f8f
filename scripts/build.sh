#!/usr/bin/env bash
# scripts/build.sh [main|asan|tsan|all] - configure (when needed) and build awsc.
#   main (default)  build/       warnings are errors
#   asan            build-asan/  AddressSanitizer + UndefinedBehaviorSanitizer
#   release         build-release/  profile-guided (trained by
#                                tests/bench/pgo_train.sh) and link-time
#                                optimised: the build to ship and measure
#   tsan            build-tsan/  ThreadSanitizer; only the library and the
#                                tests of the meson suite `tsan` (the
#                                threads tests) are built
#   all             main and asan
# A build dir is set up on first use; when it exists but its options differ
# from the wanted ones (e.g. set up by hand without -Dwerror=true) it is
# reconfigured, so that the build always checks what CI checks.
# Env: AWSC_BUILD_DIR, AWSC_ASAN_BUILD_DIR, AWSC_TSAN_BUILD_DIR,
# AWSC_RELEASE_BUILD_DIR (other dirs), AWSC_MESON_ARGS
# (extra `meson setup` arguments, e.g. -Dfuzz=true; -Dname=value ones
# are checked like the others).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$AWSC_REPO"

log() { echo "build: $*" >&2; }

# setup_dir DIR OPTION=VALUE...: meson setup, or meson configure when the
# options differ
setup_dir() {
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
    # `meson configure`, not `meson setup --reconfigure`: with this meson
    # (1.0.1) the latter leaves base options (b_sanitize, b_lto, ...) as
    # they were; a directory still off after it is set up again from
    # scratch
    log "meson configure $dir ${args[*]} ${extra[*]} (options differed)"
    meson configure "$dir" "${args[@]}" "${extra[@]}" >&2
    if ! options_match "$dir" "${want[@]}"; then
      log "meson setup --wipe $dir ${args[*]} ${extra[*]} (options still differed)"
      meson setup --wipe "$dir" "${args[@]}" "${extra[@]}" >&2
    fi
  fi
}

# setup_and_build DIR OPTION=VALUE...
setup_and_build() {
  setup_dir "$@"
  log "ninja -C $1"
  ninja -C "$1" >&2
}

# suite_targets DIR SUITE: the executables of a meson test suite, as ninja
# targets (paths relative to DIR)
suite_targets() {
  meson introspect --tests "$1" | python3 -c '
import json, os, sys
d = os.path.realpath(sys.argv[1])
paths = {os.path.relpath(t["cmd"][0], d) for t in json.load(sys.stdin)
         if sys.argv[2] in t["suite"] or any(s.endswith(":" + sys.argv[2]) for s in t["suite"])}
print(" ".join(sorted(paths)))
' "$1" "$2"
}

# release_targets DIR: the library, the CLI and the benchmark programs, as
# ninja targets (the release build is for measuring and shipping; its test
# programs are not trained and not built)
release_targets() {
  meson introspect --targets "$1" | python3 -c '
import json, os, sys
d = os.path.realpath(sys.argv[1])
for t in json.load(sys.stdin):
    where = os.path.dirname(t["defined_in"])
    if t["type"] in ("executable", "shared library") and (
            where.endswith(("/lib", "/tools", "/tests/bench"))):
        for f in t["filename"]:
            print(os.path.relpath(f, d))
' "$1"
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
    elif isinstance(v, list): v = " ".join(v)
    have[o["name"]] = str(v)
# a list option (c_args) is given as its words with spaces or commas
want = {k: " ".join(v.replace(",", " ").split()) if k.endswith("_args") else v
        for k, v in (a.split("=", 1) for a in sys.argv[1:])}
sys.exit(0 if all(have.get(k) == v for k, v in want.items()) else 1)
' "$@"
}

what=${1:-main}
case $what in
  main | asan | tsan | all | release) ;;
  *) echo "usage: scripts/build.sh [main|asan|tsan|all|release]" >&2; exit 2 ;;
esac
if [ "$what" = release ]; then
  # Profile-guided and link-time optimised (b_lto): built instrumented,
  # trained on a mix of calls (tests/bench/pgo_train.sh), built again with
  # the profile: the library, the CLI and the benchmark programs
  # (release_targets). Objects the training never ran have no profile,
  # which is expected: -Wno-missing-profile. -fprofile-partial-training:
  # without it GCC put blocks the training ran tens of thousands of times
  # (the typed output's header parse, part of signing) in .text.unlikely;
  # with it the 64-in-flight bench spent 1.2-2.8 % less CPU a request in
  # three A/B runs (docs/performance.md, seventh round).
  # (the b_ options are set with `meson configure`: `meson setup
  # --reconfigure -Db_...` leaves them as they were with this meson)
  dir=${AWSC_RELEASE_BUILD_DIR:-build-release}
  setup_dir "$dir" werror=true \
    "c_args=-Wno-missing-profile -fprofile-partial-training"
  meson configure "$dir" -Db_lto=true -Db_pgo=generate >&2
  ninja -C "$dir" build.ninja >&2
  read -r -a targets <<<"$(release_targets "$dir" | tr '\n' ' ')"
  find "$dir" -name '*.gcda' -delete
  log "ninja -C $dir (instrumented) ${targets[*]}"
  ninja -C "$dir" "${targets[@]}" >&2
  tests/bench/pgo_train.sh "$dir"
  meson configure "$dir" -Db_pgo=use >&2
  log "ninja -C $dir (with the profile)"
  ninja -C "$dir" "${targets[@]}" >&2
  exit 0
fi
if [ "$what" = tsan ]; then
  # The threads tests under ThreadSanitizer: the rest of the tree is not
  # built, which keeps this step to the library and a few test programs.
  dir=${AWSC_TSAN_BUILD_DIR:-build-tsan}
  setup_dir "$dir" werror=true b_sanitize=thread b_lundef=false
  # regenerate first when a meson.build changed, so that the introspected
  # test list is the current one
  ninja -C "$dir" build.ninja >&2
  read -r -a targets <<<"$(suite_targets "$dir" tsan)"
  [ "${#targets[@]}" -gt 0 ] || { log "no tests in the meson suite tsan"; exit 1; }
  log "ninja -C $dir ${targets[*]}"
  ninja -C "$dir" "${targets[@]}" >&2
  exit 0
fi
if [ "$what" != asan ]; then
  setup_and_build "${AWSC_BUILD_DIR:-build}" werror=true
fi
if [ "$what" != main ]; then
  # b_lundef=false: with the sanitizers, shared objects legitimately leave
  # the sanitizer runtime's symbols undefined (the executable brings them).
  setup_and_build "${AWSC_ASAN_BUILD_DIR:-build-asan}" werror=true b_sanitize=address,undefined b_lundef=false
fi
