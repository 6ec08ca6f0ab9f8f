#!/usr/bin/env bash
# tests/install/install_test.sh BUILD_ROOT HELLO_C VERSION MESON CC...
#
# Checks an installed awsc the way its users meet it:
#  1. `meson install --destdir` stages the build into BUILD_ROOT/install-test/dest
#     (nothing outside the build dir is touched; --no-rebuild: meson test
#     has just built everything);
#  2. pkg-config finds the staged awsc.pc (PKG_CONFIG_PATH); its version is
#     VERSION, its libdir is where the library was installed, and with its
#     prefix/libdir/includedir moved under the DESTDIR (--define-variable,
#     the staged copy's only difference from a real install) its -I/-L point
#     into the staged tree. (PKG_CONFIG_SYSROOT_DIR would also prefix the
#     system dependencies' paths, e.g. -I$DEST/usr/include/yajl.)
#  3. hello.c compiles and links with only `pkg-config --cflags --libs awsc`
#     (warnings are errors), runs against the staged libawsc.so (checked with
#     the dynamic loader's trace, not assumed) and prints what it should;
#  4. libawsc.so exports only awsc_* symbols and its soname is libawsc.so.0.
# Exit status 0 = pass; every failure says what failed.
set -uo pipefail

if [ $# -lt 5 ]; then
  echo "usage: install_test.sh BUILD_ROOT HELLO_C VERSION MESON CC..." >&2
  exit 2
fi
BUILD_ROOT=$1 HELLO_C=$2 VERSION=$3 MESON=$4
shift 4
CC=("$@")

WORK=$BUILD_ROOT/install-test
DEST=$WORK/dest
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
rm -rf "$WORK"
mkdir -p "$WORK" || fail "cannot create $WORK"

echo "== meson install --destdir $DEST"
"$MESON" install -C "$BUILD_ROOT" --destdir "$DEST" --no-rebuild >"$WORK/install.log" 2>&1 ||
  { cat "$WORK/install.log" >&2; fail "meson install failed"; }

pcs=$(find "$DEST" -path '*/pkgconfig/awsc.pc')
[ "$(printf '%s\n' "$pcs" | grep -c .)" = 1 ] || fail "expected exactly one installed awsc.pc, found: ${pcs:-none}"
PCDIR=$(dirname "$pcs")
LIBDIR=$(dirname "$PCDIR") # meson installs the .pc file into LIBDIR/pkgconfig
echo "staged libdir: $LIBDIR"

echo "== pkg-config"
export PKG_CONFIG_PATH=$PCDIR
modversion=$(pkg-config --modversion awsc) || fail "pkg-config does not find the staged awsc.pc"
[ "$modversion" = "$VERSION" ] || fail "pkg-config --modversion awsc is '$modversion', expected '$VERSION'"
PC=(pkg-config)
for v in prefix libdir includedir; do
  val=$(pkg-config --variable="$v" awsc)
  [ -n "$val" ] || fail "awsc.pc has no $v"
  PC+=("--define-variable=$v=$DEST$val")
done
[ "$DEST$(pkg-config --variable=libdir awsc)" = "$LIBDIR" ] ||
  fail "awsc.pc says libdir=$(pkg-config --variable=libdir awsc), but it was installed in ${LIBDIR#"$DEST"}"
cflags=$("${PC[@]}" --cflags awsc) || fail "pkg-config --cflags awsc failed"
libs=$("${PC[@]}" --libs awsc) || fail "pkg-config --libs awsc failed"
echo "cflags: $cflags"
echo "libs:   $libs"
# Both must point into the staged tree, or hello could pick up another copy.
case " $cflags " in *" -I$DEST/"*) ;; *) fail "cflags do not point into $DEST" ;; esac
case " $libs " in *" -L$DEST/"*) ;; *) fail "libs do not point into $DEST" ;; esac

echo "== build hello.c with ${CC[*]}"
# shellcheck disable=SC2086 # pkg-config output is meant to be word-split
"${CC[@]}" -std=c11 -Wall -Wextra -Werror $cflags "$HELLO_C" -o "$WORK/hello" $libs ||
  fail "hello.c does not compile/link with only pkg-config's flags"

echo "== run hello"
export LD_LIBRARY_PATH=$LIBDIR
loaded=$(LD_TRACE_LOADED_OBJECTS=1 "$WORK/hello" | grep 'libawsc\.so')
case $loaded in *"$LIBDIR/libawsc.so.0"*) ;; *) fail "hello does not load the staged library: $loaded" ;; esac
out=$("$WORK/hello")
rc=$?
[ "$rc" = 0 ] || { printf '%s\n' "$out"; fail "hello exited with status $rc"; }
printf '%s\n' "$out"
printf '%s\n' "$out" | grep -qx "awsc $VERSION" || fail "hello did not print 'awsc $VERSION'"
printf '%s\n' "$out" | grep -qx "awsc_global_init: 0 (.*)" || fail "awsc_global_init did not return 0"
printf '%s\n' "$out" | grep -qx "hello: ok" || fail "hello did not finish"

echo "== exported symbols and soname"
SO=$LIBDIR/libawsc.so.0
[ -e "$SO" ] || fail "$SO is not installed"
[ -e "$LIBDIR/libawsc.so" ] || fail "the development link libawsc.so is not installed"
[ -e "$LIBDIR/libawsc.a" ] || fail "the static library libawsc.a is not installed"
# Names as "awsc_version@@AWSC_0" (symbol@@version node of lib/awsc.map).
# The version node itself shows up as an absolute symbol (A AWSC_0);
# everything else defined must be awsc_*.
syms=$(nm -D --defined-only "$SO" | awk 'NF >= 3 { sub(/@.*/, "", $3); print $2, $3 }') ||
  fail "nm -D failed on $SO"
stray=$(printf '%s\n' "$syms" | awk '!($1 == "A" && $2 ~ /^AWSC_[0-9_]+$/) && $2 !~ /^awsc_/ {print $2}')
[ -z "$stray" ] || fail "libawsc exports symbols outside awsc_*: $(echo $stray)"
printf '%s\n' "$syms" | awk '{print $2}' | grep -qx awsc_version || fail "awsc_version is not exported"
echo "exported: $(printf '%s\n' "$syms" | grep -c ' awsc_') awsc_* symbols, nothing else"
soname=$(readelf -d "$SO" | sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p')
[ "$soname" = libawsc.so.0 ] || fail "soname is '$soname', expected libawsc.so.0"
echo "soname: $soname"

echo "install test passed"
