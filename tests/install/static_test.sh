#!/usr/bin/env bash
# tests/install/static_test.sh BUILD_ROOT SOURCE_ROOT PROGRAM_C CC...
#
# Links PROGRAM_C (static_role.c) against BUILD_ROOT/lib/libawsc.a the way
# a user of the static library does: the archive named plainly, no
# --whole-archive and no -u, then its system dependencies from pkg-config.
# The program resolves a role profile, which needs lib/sts: this passes
# only when the session references the STS providers itself (see
# docs/design.md, "Role credentials"). Exit status 0 = pass.
set -uo pipefail

if [ $# -lt 4 ]; then
  echo "usage: static_test.sh BUILD_ROOT SOURCE_ROOT PROGRAM_C CC..." >&2
  exit 2
fi
BUILD_ROOT=$1 SOURCE_ROOT=$2 PROGRAM_C=$3
shift 3
CC=("$@")
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
ARCHIVE=$BUILD_ROOT/lib/libawsc.a
[ -f "$ARCHIVE" ] || fail "$ARCHIVE not built"
WORK=$BUILD_ROOT/static-test
rm -rf "$WORK"
mkdir -p "$WORK" || fail "cannot create $WORK"

deps=$(pkg-config --libs libcurl libcrypto yajl expat) || fail "pkg-config of the dependencies failed"
cmd=("${CC[@]}" -std=c11 -Wall -Wextra -Werror
  -I"$SOURCE_ROOT/include" -I"$BUILD_ROOT/include"
  "$PROGRAM_C" -o "$WORK/static_role" "$ARCHIVE")
# shellcheck disable=SC2206 # pkg-config output is meant to be word-split
cmd+=($deps -lpthread -lm)
echo "== ${cmd[*]}"
case " ${cmd[*]} " in *whole-archive*) fail "the link must not use --whole-archive" ;; esac
"${cmd[@]}" || fail "static_role.c does not link against $ARCHIVE"

echo "== run"
"$WORK/static_role" || fail "static_role could not resolve the role profile"
echo "static link test passed"
