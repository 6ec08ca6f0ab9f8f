#!/usr/bin/env bash
# scripts/check-format.sh - every tracked C source and header (*.c, *.h;
# not templates such as version.h.in, whose meson @VARS@ clang-format would
# split) is formatted
# with the project's .clang-format. Run by `meson test` (suite `format`).
#
#   scripts/check-format.sh          check; lists the files that differ
#   scripts/check-format.sh --fix    reformat them in place
#
# Formatting differs between clang-format releases, so the check uses the
# release Debian 12 ships (14, installed by scripts/deps.sh); with any other
# release it says so and does not judge (exit 77, meson's "skipped").
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
cf=""
for c in clang-format-14 clang-format; do
  if command -v "$c" >/dev/null 2>&1; then cf=$c; break; fi
done
if [ -z "$cf" ]; then
  echo "check-format: SKIP: clang-format is not installed (scripts/deps.sh installs it)"
  exit 77
fi
major=$("$cf" --version | sed -n 's/.*version \([0-9]*\).*/\1/p')
if [ "$major" != 14 ]; then
  echo "check-format: SKIP: $cf is release $major; the tree is formatted with release 14"
  exit 77
fi
mapfile -t files < <(git ls-files '*.c' '*.h' 2>/dev/null)
if [ ${#files[@]} -eq 0 ]; then
  echo "check-format: SKIP: not a git checkout, no file list"
  exit 77
fi
if [ "${1:-}" = --fix ]; then
  "$cf" -i "${files[@]}"
  exit 0
fi
bad=0
for f in "${files[@]}"; do
  if ! "$cf" --dry-run -Werror "$f" >/dev/null 2>&1; then
    echo "not formatted: $f (scripts/check-format.sh --fix)"
    bad=$((bad + 1))
  fi
done
echo "check-format: $((${#files[@]} - bad)) of ${#files[@]} files formatted"
[ "$bad" -eq 0 ]
