#!/usr/bin/env bash
# tests/unit/headers/check_headers.sh SRC_INCLUDE BUILD_INCLUDE CC CXX
# Compile every public header (include/awsc/*.h, include/awsc/sys/*.h) and
# every generated service header (BUILD_INCLUDE/awsc/*.h) alone, as its own
# translation unit, as strict C99 and as C++11: a header that needs another
# one included first, uses a C11-only construct, or is not C++-clean fails.
set -u
src=$1 bld=$2 cc=${3:-cc} cxx=${4:-c++}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cflags=(-std=c99 -pedantic -Wall -Wextra -Werror -fsyntax-only)
cxxflags=(-std=c++11 -pedantic -Wall -Wextra -Werror -fsyntax-only)
fail=0 n=0
headers=()
for h in "$src"/awsc/*.h "$src"/awsc/sys/*.h "$bld"/awsc/*.h; do
  [ -f "$h" ] || continue
  case $h in "$src"/awsc/sys/*) rel=awsc/sys/$(basename "$h") ;; *) rel=awsc/$(basename "$h") ;; esac
  headers+=("$rel")
done
for rel in $(printf '%s\n' "${headers[@]}" | sort -u); do
  printf '#include "%s"\n#include "%s"\nint main(void) { return 0; }\n' \
    "$rel" "$rel" >"$tmp/t.c"
  cp "$tmp/t.c" "$tmp/t.cpp"
  n=$((n + 1))
  if ! "$cc" "${cflags[@]}" -I"$bld" -I"$src" "$tmp/t.c" 2>"$tmp/err"; then
    echo "FAIL (C99): $rel"; head -20 "$tmp/err"; fail=$((fail + 1))
  fi
  if ! "$cxx" "${cxxflags[@]}" -I"$bld" -I"$src" "$tmp/t.cpp" 2>"$tmp/err"; then
    echo "FAIL (C++11): $rel"; head -20 "$tmp/err"; fail=$((fail + 1))
  fi
done
# all of them in one translation unit: generated names must not meet the
# hand-written ones (awsc_s3_copy, awsc_s3_object_url, ...)
printf '#include "%s"\n' "${headers[@]}" >"$tmp/all.c"
echo 'int main(void) { return 0; }' >>"$tmp/all.c"
cp "$tmp/all.c" "$tmp/all.cpp"
if ! "$cc" "${cflags[@]}" -I"$bld" -I"$src" "$tmp/all.c" 2>"$tmp/err" ||
  ! "$cxx" "${cxxflags[@]}" -I"$bld" -I"$src" "$tmp/all.cpp" 2>>"$tmp/err"; then
  echo "FAIL: all headers together"; head -20 "$tmp/err"; fail=$((fail + 1))
fi
echo "$n headers, $fail failures"
[ "$n" -gt 0 ] && [ "$fail" -eq 0 ]
