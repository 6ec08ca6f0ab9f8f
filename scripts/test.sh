#!/usr/bin/env bash
# scripts/test.sh - THE test command of awsc. The README and CI (.ci/run) run
# exactly this, from any directory, as root or as a user (deps via sudo).
#
#  1. scripts/deps.sh (fast when everything is installed)
#  2. builds build/ (-Dwerror=true) and build-asan/ (ASan + UBSan)
#  3. starts the local S3 (Ceph RGW) and SNS servers when there are e2e tests,
#     and stops again only what it started itself
#  4. meson test -C build          every suite but install
#  5. meson test -C build-asan     the unit suite under ASan + UBSan
#     meson test -C build-tsan     the suite tsan (threads tests) under TSan;
#                                  only those tests are built there
#     scripts/build.sh release     the profile-guided build-release/
#                                  (built, trained, built again)
#  6. meson test -C build          the install suite (tests/install)
#  7. prints the skipped cases with their reasons, the step timings, and as
#     its very last line "N passed, N failed" (", N skipped" when there are
#     skips), counting meson's test results of 4-6 (a build that fails
#     counts as one failure). Exits non-zero if anything failed.
#
# End-to-end tests read AWSC_E2E_* (exported below only when a server is up)
# and skip, printing why, when they are absent. Already-set
# AWSC_E2E_S3_ENDPOINT / AWSC_E2E_SNS_ENDPOINT (e.g. to test against AWS with
# your own AWSC_E2E_* keys) are used as they are and no server is started.
#
# Env: AWSC_BUILD_DIR, AWSC_ASAN_BUILD_DIR, AWSC_TSAN_BUILD_DIR,
#      AWSC_RELEASE_BUILD_DIR (default build, build-asan, build-tsan,
#      build-release),
#      AWSC_SKIP_DEPS=1 (do not run deps.sh), AWSC_NO_SERVERS=1 (never start
#      servers: the e2e tests skip), AWSC_TEST_ARGS (extra `meson test` args).
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$AWSC_REPO" || exit 1

BUILD=${AWSC_BUILD_DIR:-build}
ASAN=${AWSC_ASAN_BUILD_DIR:-build-asan}
TSAN=${AWSC_TSAN_BUILD_DIR:-build-tsan}
RELEASE=${AWSC_RELEASE_BUILD_DIR:-build-release}
export AWSC_BUILD_DIR=$BUILD AWSC_ASAN_BUILD_DIR=$ASAN AWSC_TSAN_BUILD_DIR=$TSAN \
  AWSC_RELEASE_BUILD_DIR=$RELEASE # for build.sh
read -r -a TEST_ARGS <<<"${AWSC_TEST_ARGS:-}"

say() { echo "test.sh: $*" >&2; }
TIMINGS=()
STEP_T0=$SECONDS
step_done() { # name: record the time since the previous step
  TIMINGS+=("$(printf '%-24s %4d s' "$1" $((SECONDS - STEP_T0)))")
  STEP_T0=$SECONDS
}
T_START=$SECONDS

EXTRA_FAILED=0 # failures outside meson's test logs (builds, missing logs)
EXTRA_NOTES=()
note_failure() {
  EXTRA_FAILED=$((EXTRA_FAILED + 1))
  EXTRA_NOTES+=("$1")
  say "FAILED: $1"
}

# ---- servers (stopped on any exit, but only those this run started) -------------
STOP_RGW=0 STOP_SNS=0
stop_servers() {
  if [ "$STOP_RGW" = 1 ]; then bash scripts/rgw-down.sh || true; STOP_RGW=0; fi
  if [ "$STOP_SNS" = 1 ]; then bash scripts/sns-down.sh || true; STOP_SNS=0; fi
}
trap stop_servers EXIT
trap 'exit 130' INT TERM

# kv KEY < KEY=VALUE lines -> VALUE
kv() { sed -n "s/^$1=//p" | head -n 1; }

start_servers() {
  local out log
  log=$(mktemp)
  if [ -n "${AWSC_E2E_S3_ENDPOINT:-}" ]; then
    say "AWSC_E2E_S3_ENDPOINT is set ($AWSC_E2E_S3_ENDPOINT): not starting the local S3 server"
  elif out=$(bash scripts/rgw-up.sh 2>"$log"); then
    [ "$(kv RGW_STARTED <<<"$out")" = yes ] && STOP_RGW=1
    export AWSC_E2E_S3_ENDPOINT AWSC_E2E_STS_ENDPOINT AWSC_E2E_STS_ROLE_ARN
    AWSC_E2E_S3_ENDPOINT=$(kv S3_ENDPOINT <<<"$out")
    AWSC_E2E_STS_ENDPOINT=$(kv STS_ENDPOINT <<<"$out")
    AWSC_E2E_STS_ROLE_ARN=$(kv STS_ROLE_ARN <<<"$out")
    export_keys "$out"
    say "S3 (Ceph RGW) at $AWSC_E2E_S3_ENDPOINT, STS at $AWSC_E2E_STS_ENDPOINT"
  else
    say "the local S3 server could not be started, so the S3/STS e2e tests will skip. rgw-up.sh said:"
    tail -n 5 "$log" >&2
  fi
  if [ -n "${AWSC_E2E_SNS_ENDPOINT:-}" ]; then
    say "AWSC_E2E_SNS_ENDPOINT is set ($AWSC_E2E_SNS_ENDPOINT): not starting the local SNS server"
  elif out=$(bash scripts/sns-up.sh 2>"$log"); then
    [ "$(kv SNS_STARTED <<<"$out")" = yes ] && STOP_SNS=1
    export AWSC_E2E_SNS_ENDPOINT AWSC_E2E_SNS_SMS_URL
    AWSC_E2E_SNS_ENDPOINT=$(kv SNS_ENDPOINT <<<"$out")
    AWSC_E2E_SNS_SMS_URL=$(kv SNS_SMS_LIST <<<"$out")
    export_keys "$out"
    say "SNS (fauxqs + SigV4 front) at $AWSC_E2E_SNS_ENDPOINT"
  else
    say "the local SNS server could not be started, so the SNS e2e tests will skip. sns-up.sh said:"
    tail -n 5 "$log" >&2
  fi
  rm -f "$log"
}
# Both servers accept the same two fake test users.
export_keys() {
  export AWSC_E2E_REGION AWSC_E2E_ACCESS_KEY_ID AWSC_E2E_SECRET_ACCESS_KEY \
    AWSC_E2E_ACCESS_KEY_ID_2 AWSC_E2E_SECRET_ACCESS_KEY_2
  AWSC_E2E_REGION=$(kv AWS_REGION <<<"$1")
  AWSC_E2E_ACCESS_KEY_ID=$(kv AWS_ACCESS_KEY_ID <<<"$1")
  AWSC_E2E_SECRET_ACCESS_KEY=$(kv AWS_SECRET_ACCESS_KEY <<<"$1")
  AWSC_E2E_ACCESS_KEY_ID_2=$(kv AWS_ACCESS_KEY_ID_2 <<<"$1")
  AWSC_E2E_SECRET_ACCESS_KEY_2=$(kv AWS_SECRET_ACCESS_KEY_2 <<<"$1")
}

# run_meson_test DIR LOGBASE ARGS...: meson test with its JSON log at
# DIR/meson-logs/LOGBASE.json (removed first: meson leaves an old log alone
# when no test matches, and a stale log would be counted again).
LOGS=()
run_meson_test() {
  local dir=$1 base=$2
  shift 2
  rm -f "$dir/meson-logs/$base.json"
  meson test -C "$dir" --print-errorlogs --logbase "$base" "${TEST_ARGS[@]}" "$@"
  local rc=$?
  LOGS+=("$dir/meson-logs/$base.json")
  return $rc
}

# ---- 1. dependencies ---------------------------------------------------------------
if [ "${AWSC_SKIP_DEPS:-0}" != 1 ]; then
  bash scripts/deps.sh || say "scripts/deps.sh failed (see above); going on with what is installed"
fi
step_done deps

# ---- 2. builds ---------------------------------------------------------------------
MAIN_OK=1 ASAN_OK=1
bash scripts/build.sh main || { MAIN_OK=0; note_failure "build of $BUILD/"; }
step_done "build $BUILD/"
bash scripts/build.sh asan || { ASAN_OK=0; note_failure "build of $ASAN/ (ASan+UBSan)"; }
step_done "build $ASAN/"

# ---- 3. servers, if there are e2e tests ----------------------------------------------
if [ "$MAIN_OK" = 1 ]; then
  e2e=$(meson test -C "$BUILD" --list --no-rebuild --suite e2e 2>/dev/null | grep -vc '^No suitable tests')
  if [ "$e2e" -eq 0 ]; then
    say "no e2e tests defined: not starting the local servers"
  elif [ "${AWSC_NO_SERVERS:-0}" = 1 ]; then
    say "AWSC_NO_SERVERS=1: not starting the local servers; the e2e tests will skip"
  else
    start_servers
  fi
fi
step_done servers

# ---- 4.-6. tests -----------------------------------------------------------------
if [ "$MAIN_OK" = 1 ]; then
  say "meson test -C $BUILD (all suites but install)"
  run_meson_test "$BUILD" testlog --no-suite install
fi
step_done "tests $BUILD/"
stop_servers

if [ "$ASAN_OK" = 1 ]; then
  say "meson test -C $ASAN --suite unit (ASan + UBSan)"
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    run_meson_test "$ASAN" testlog --suite unit --timeout-multiplier 3
fi
step_done "unit tests $ASAN/"

# ThreadSanitizer: a race report makes the test fail (exit code 66)
if bash scripts/build.sh tsan; then
  step_done "build $TSAN/"
  say "meson test -C $TSAN --suite tsan (ThreadSanitizer)"
  TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
    run_meson_test "$TSAN" testlog --no-rebuild --suite tsan --timeout-multiplier 3
else
  note_failure "build of $TSAN/ (TSan)"
fi
step_done "tsan tests $TSAN/"

# The profile-guided release build (the benchmarks' build): that it builds
# with warnings as errors and that its training run works
if bash scripts/build.sh release; then
  say "release build ($RELEASE/, profile-guided) done"
else
  note_failure "release build of $RELEASE/ (profile-guided)"
fi
step_done "build $RELEASE/"

if [ "$MAIN_OK" = 1 ]; then
  say "meson test -C $BUILD --suite install"
  run_meson_test "$BUILD" installlog --suite install
  [ -s "$BUILD/meson-logs/installlog.json" ] || note_failure "the install test did not run (no install suite?)"
else
  note_failure "the install test could not run (no build)"
fi
step_done "install test"

# ---- 7. summary ------------------------------------------------------------------------
# Each line of a meson JSON log is one test. OK and EXPECTEDFAIL pass; SKIP
# is skipped; anything else (FAIL, TIMEOUT, ERROR, UNEXPECTEDPASS, ...) fails.
# The lines "skip NAME: REASON" that tests print (tests/common/test.h) are
# listed, so that every skip is seen with its reason.
counts=$(python3 - "$EXTRA_FAILED" "${LOGS[@]}" <<'EOF'
import json, os, sys

extra_failed = int(sys.argv[1])
passed = failed = skipped = 0
failures, skips = [], []
for path in sys.argv[2:]:
    if not os.path.exists(path):
        continue
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            t = json.loads(line)
            name = "%s: %s" % (os.path.dirname(os.path.dirname(path)), t.get("name", "?"))
            result = t.get("result", "?")
            out = t.get("stdout") or ""
            if result in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif result == "SKIP":
                skipped += 1
            else:
                failed += 1
                failures.append("%s: %s" % (name, result))
            # the "skip CASE: REASON" lines the test printed (CASE and REASON
            # may both hold ": ", so they are shown as printed); a long list
            # is cut here, the test's output in the meson log has them all
            lines = [l[5:] for l in out.splitlines() if l.startswith("skip ")]
            if result == "SKIP":
                last = [l for l in out.splitlines() if l.strip()]
                skips.append("%s (whole test): %s" % (name, lines[0] if lines else last[-1] if last else "(no reason printed)"))
                lines = lines[1:]
            if lines:
                skips.append("%s: %d skipped case%s" % (name, len(lines), "" if len(lines) == 1 else "s"))
                skips += ["    " + l for l in lines[:5]]
                if len(lines) > 5:
                    skips.append("    ... %d more in %s.txt" % (len(lines) - 5, path[:-5]))
if skips:
    print("skipped (with the reasons printed by the tests):", file=sys.stderr)
    for s in skips:
        print("  " + s, file=sys.stderr)
if failures:
    print("failed tests:", file=sys.stderr)
    for s in failures:
        print("  " + s, file=sys.stderr)
print(passed, failed + extra_failed, skipped)
EOF
)
if ! read -r PASSED FAILED SKIPPED <<<"$counts" || [ -z "$SKIPPED" ]; then
  note_failure "reading the meson test logs (${LOGS[*]})"
  PASSED=0 FAILED=$EXTRA_FAILED SKIPPED=0
fi

for n in "${EXTRA_NOTES[@]}"; do say "failed: $n"; done
TIMINGS+=("$(printf '%-24s %4d s' total $((SECONDS - T_START)))")
printf '  %s\n' "${TIMINGS[@]}" >&2
line="$PASSED passed, $FAILED failed"
[ "$SKIPPED" -gt 0 ] && line+=", $SKIPPED skipped"
echo "$line"
[ "$FAILED" -eq 0 ]
