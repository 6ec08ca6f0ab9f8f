#!/bin/bash
# Generate every model under models/ and compile the outputs with strict
# warnings: the header alone (C11, -pedantic, and as C++), then the
# descriptor source. Usage: compile_models.sh GEN_PY MODELS SRC_ROOT BUILD_ROOT
set -u
gen=$1 models=$2 src=$3 build=$4
cc=${CC:-cc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
for dir in "$models"/*/; do
  svc=$(basename "$dir")
  mkdir -p "$tmp/inc/awsc"
  if ! python3 "$gen" --models "$models" --service "$svc" \
       --header "$tmp/inc/awsc/$svc.h" --source "$tmp/$svc.c" 2>"$tmp/err"; then
    echo "FAIL $svc: generator: $(head -3 "$tmp/err")"; fail=$((fail+1)); continue
  fi
  inc="-I$tmp/inc -I$src/include -I$build/include -I$src/lib"
  printf '#include <awsc/%s.h>\n' "$svc" > "$tmp/alone_$svc.c"
  ok=1
  $cc -std=c11 -Wall -Wextra -Werror -pedantic $inc -c "$tmp/alone_$svc.c" \
      -o "$tmp/a.o" 2>"$tmp/err" || { ok=0; echo "FAIL $svc: header: $(head -5 "$tmp/err")"; }
  if command -v c++ >/dev/null; then
    cp "$tmp/alone_$svc.c" "$tmp/alone_$svc.cc"
    c++ -std=c++11 -Wall -Wextra -Werror $inc -c "$tmp/alone_$svc.cc" \
        -o "$tmp/b.o" 2>"$tmp/err" || { ok=0; echo "FAIL $svc: header as C++: $(head -5 "$tmp/err")"; }
  fi
  $cc -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE $inc -c "$tmp/$svc.c" \
      -o "$tmp/c.o" 2>"$tmp/err" || { ok=0; echo "FAIL $svc: source: $(head -5 "$tmp/err")"; }
  if [ $ok = 1 ]; then
    ops=$(grep -c '^AWSC_API int' "$tmp/inc/awsc/$svc.h")
    echo "ok   $svc ($ops functions)"; pass=$((pass+1))
  else
    fail=$((fail+1))
  fi
done
echo "$pass passed, $fail failed"
[ $fail = 0 ]
