#!/usr/bin/env python3
"""Compile every public and generated awsc header alone, as C and C++.

usage: check_headers.py --cc CC... --cxx CXX... -I DIR... -- HEADER_DIR_OR_FILE...

Each header gets a translation unit of its own holding only
`#include "awsc/<name>"` and one typedef (so a header that leans on
another one being included first fails), compiled with
  C:   -std=c99   -pedantic -Wall -Wextra -Werror
  C++: -std=c++11 -pedantic -Wall -Wextra -Werror
A directory argument stands for its *.h files; paths under an `awsc`
folder keep their sub-path (awsc/sys/transport.h). Prints one line per
failure with the compiler's first error, then "N headers, N failures".
"""

import argparse
import glob
import os
import subprocess
import sys
import tempfile

C_FLAGS = ["-std=c99", "-pedantic", "-Wall", "-Wextra", "-Werror"]
CXX_FLAGS = ["-std=c++11", "-pedantic", "-Wall", "-Wextra", "-Werror", "-x", "c++"]


def include_name(path):
    """awsc/<sub-path> for a header somewhere under an awsc/ folder."""
    parts = os.path.abspath(path).split(os.sep)
    if "awsc" not in parts:
        raise SystemExit("header not under an awsc/ folder: " + path)
    i = len(parts) - 1 - parts[::-1].index("awsc")
    return "/".join(parts[i:])


def collect(args):
    out = {}
    for a in args:
        if os.path.isdir(a):
            files = sorted(glob.glob(os.path.join(a, "*.h")))
            if not files:
                raise SystemExit("no headers in " + a)
        else:
            files = [a]
        for f in files:
            out.setdefault(include_name(f), f)
    return out


def first_error(text):
    for line in text.splitlines():
        if "error" in line:
            return line.strip()
    lines = text.strip().splitlines()
    return lines[0] if lines else "(no message)"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cc", nargs="+", required=True)
    ap.add_argument("--cxx", nargs="+", required=True)
    ap.add_argument("-I", dest="incs", action="append", default=[])
    ap.add_argument("headers", nargs="+")
    a = ap.parse_args()
    headers = collect(a.headers)
    incs = ["-I" + d for d in a.incs]
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "one.c")
        for name in sorted(headers):
            with open(src, "w") as f:
                # the declaration keeps a macro-only header (version.h)
                # from being an empty translation unit, which -pedantic
                # refuses
                f.write('#include "%s"\ntypedef int awsc_header_test_unit;\n' % name)
            for lang, cmd in (("C99", a.cc + C_FLAGS), ("C++11", a.cxx + CXX_FLAGS)):
                r = subprocess.run(cmd + incs + ["-fsyntax-only", src],
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   text=True)
                if r.returncode != 0:
                    failures += 1
                    print("FAIL %s as %s: %s" % (name, lang, first_error(r.stdout)))
    print("%d headers, %d failures" % (len(headers), failures))
    return 1 if failures or not headers else 0


if __name__ == "__main__":
    sys.exit(main())
