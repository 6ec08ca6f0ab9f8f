#!/usr/bin/env bash
# The binding installs with pip into a venv from a copy of the tree's
# bindings/python, with Debian's setuptools and wheel (--system-site-packages,
# --no-build-isolation, --no-index: nothing fetched), and the installed
# package works from outside the tree: it finds libawsc through
# AWSC_LIBRARY and the documentation of its operations in the installed
# copy of the service models.
# Usage: test_install.sh SOURCE_ROOT PYTHON. Ends with "N passed, N failed".
set -u
root=$1 py=$2
pass=0 fail=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
if ! "$py" -c 'import venv, setuptools, wheel' 2>/dev/null; then
  echo "SKIP: $py lacks venv, setuptools or wheel (python3-venv, python3-setuptools, python3-wheel)"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$root/bindings/python" "$tmp/src"
rm -rf "$tmp/src/build" "$tmp/src"/*.egg-info
if "$py" -m venv --system-site-packages "$tmp/venv" >"$tmp/log" 2>&1; then ok "venv"; else bad "venv"; cat "$tmp/log"; fi
if (cd "$tmp" && AWSC_MODELS_SRC="$root/models" "$tmp/venv/bin/pip" install -q \
      --no-build-isolation --no-index "$tmp/src") >"$tmp/log" 2>&1; then
  ok "pip install --no-build-isolation --no-index"
else
  bad "pip install"; cat "$tmp/log"
fi
out=$(cd "$tmp" && env -u PYTHONPATH "$tmp/venv/bin/python" - <<'PY' 2>&1
import os, awsc
assert awsc.__file__.startswith(os.environ["VIRTUAL_ENV"] if "VIRTUAL_ENV" in os.environ else "/"), awsc.__file__
c = awsc.client("s3", region_name="us-east-1", aws_access_key_id="A", aws_secret_access_key="B")
m = c._model  # types from the C library, documentation from the installed copy
assert m is not None and m.path and "/site-packages/awsc/models/" in m.path, m and m.path
assert c.get_object.__doc__ and "Retrieves" in c.get_object.__doc__, c.get_object.__doc__[:200]
assert c.can_paginate("list_objects_v2")
assert awsc.Session().get_available_resources() == ["s3", "sns", "sqs"]
print("installed", awsc.__file__, "lib", awsc.libawsc_path)
PY
)
if [ $? -eq 0 ] && grep -q "/site-packages/awsc/" <<<"$out"; then ok "import from the venv: $out"; else bad "import: $out"; fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
