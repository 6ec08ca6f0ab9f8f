#!/usr/bin/env python3
"""Every boto3 resource model generates, compiles and matches its JSON.

For each of boto3's ten resource models (cloudformation, cloudwatch,
dynamodb, ec2, glacier, iam, opsworks, s3, sns, sqs), copied into the tree
from Debian's python3-boto3 as models/<svc>/<version>/resources-1.json beside
the service model of the same version from python3-botocore (see
models/RESOURCES-NOTICE; when python3-boto3 is installed, each tree copy is
also checked to be the file it ships):
codegen/gen_resources.py writes the typed header and the descriptor source
(gen.py the service header its typed actions use); the header is compiled
alone as C99 -pedantic and as C++11 (-Werror), the source with -Werror, linked with count_model.c, and the descriptor counts it
prints (resources; per resource identifiers, load, actions, batch actions,
has, hasMany, waiters, and request/identifier parameters) are compared with
the JSON.

usage: check_all_models.py SRC_ROOT BUILD_ROOT CC CXX
"""
import json
import os
import subprocess
import sys
import tempfile

BOTO3 = "/usr/lib/python3/dist-packages/boto3/data"


def nparams(r):
    """Request parameters and returned-resource identifiers of a resource."""
    n = 0
    for k in ("actions", "batchActions"):
        for a in r.get(k, {}).values():
            n += len(a["request"].get("params", []))
            n += len(a.get("resource", {}).get("identifiers", []))
    for c in r.get("hasMany", {}).values():
        n += len(c["request"].get("params", []))
        n += len(c["resource"].get("identifiers", []))
    for h in r.get("has", {}).values():
        n += len(h["resource"].get("identifiers", []))
    if "load" in r:
        n += len(r["load"]["request"].get("params", []))
    return n


def counts(r):
    return {"identifiers": len(r.get("identifiers", [])),
            "load": int("load" in r),
            "actions": len(r.get("actions", {})),
            "batchActions": len(r.get("batchActions", {})),
            "has": len(r.get("has", {})),
            "hasMany": len(r.get("hasMany", {})),
            "waiters": len(r.get("waiters", {})), "params": nparams(r)}


def expected(res):
    out = {"ServiceResource": counts(res.get("service", {}))}
    for name, r in res.get("resources", {}).items():
        out[name] = counts(r)
    return out


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    return p.returncode, p.stdout


def main():
    src, bld, cc, cxx = sys.argv[1:5]
    gen = os.path.join(src, "codegen", "gen_resources.py")
    gen_py = os.path.join(src, "codegen", "gen.py")
    here = os.path.dirname(os.path.abspath(__file__))
    models = os.path.join(src, "models")
    svcs = sorted(s for s in os.listdir(models)
                  if os.path.isdir(os.path.join(models, s)) and any(
                      os.path.exists(os.path.join(models, s, v,
                                                  "resources-1.json"))
                      for v in os.listdir(os.path.join(models, s))))
    if len(svcs) != 10:
        print("FAIL expected boto3's ten resource models in models/, found "
              "%d: %s" % (len(svcs), ", ".join(svcs)))
        return 1
    if not os.path.isdir(BOTO3):
        print("note: python3-boto3 not installed: the tree's resource models "
              "are not compared with the files it ships")
    ok = 0
    with tempfile.TemporaryDirectory() as tmp:
        os.makedirs(os.path.join(tmp, "awsc"))
        for s in svcs:
            ver = sorted(v for v in os.listdir(os.path.join(models, s))
                         if os.path.exists(os.path.join(
                             models, s, v, "resources-1.json")))[-1]
            rpath = os.path.join(models, s, ver, "resources-1.json")
            errs = []
            deb = os.path.join(BOTO3, s, ver, "resources-1.json")
            if os.path.isdir(BOTO3) and (
                    not os.path.exists(deb) or
                    json.load(open(deb)) != json.load(open(rpath))):
                errs.append("models/%s/%s/resources-1.json is not the file "
                            "python3-boto3 ships" % (s, ver))
            hdr = os.path.join(tmp, "awsc", s + "_resources.h")
            c = os.path.join(tmp, s + ".c")
            rc, out = run([sys.executable, gen, "--models", models,
                           "--service", s, "--resource-model", rpath,
                           "--header", hdr, "--source", c])
            if rc:
                errs.append("generate: " + out)
            if not errs:  # the typed actions use the service's own header
                rc, out = run([sys.executable, gen_py, "--models", models,
                               "--service", s, "--header",
                               os.path.join(tmp, "awsc", s + ".h")])
                if rc:
                    errs.append("service header: " + out)
            inc = ["-I" + tmp, "-I" + os.path.join(src, "include"),
                   "-I" + os.path.join(bld, "include"),
                   "-I" + os.path.join(src, "lib")]
            if not errs:
                t = os.path.join(tmp, "h.c")
                with open(t, "w") as f:
                    f.write('#include "awsc/%s_resources.h"\n#include '
                            '"awsc/%s_resources.h"\nint main(void) { return 0; }\n'
                            % (s, s))
                for comp, std, lang in ((cc, "-std=c99", "c"),
                                        (cxx, "-std=c++11", "c++")):
                    rc, out = run([comp, "-x", lang, std, "-pedantic", "-Wall",
                                   "-Wextra", "-Werror", "-fsyntax-only"] +
                                  inc + [t])
                    if rc:
                        errs.append("header (%s): %s" % (lang, out[:2000]))
            exe = os.path.join(tmp, s + ".bin")
            if not errs:
                rc, out = run([cc, "-std=c11", "-Wall", "-Wextra", "-Werror",
                               "-DMODEL=awsc_rsrc_model_" + s] + inc +
                              [c, os.path.join(here, "count_model.c"),
                               # the typed wrappers (and their calls
                               # into the runtime and the service) are
                               # unused: dropped by the link
                               "-ffunction-sections", "-Wl,--gc-sections",
                               "-o", exe])
                if rc:
                    errs.append("source: " + out[:2000])
            if not errs:
                rc, out = run([exe])
                got = json.loads(out)
                want = expected(json.load(open(rpath)))
                if got != want:
                    for k in sorted(set(got) | set(want)):
                        if got.get(k) != want.get(k):
                            errs.append("%s: descriptors %s, JSON %s" %
                                        (k, got.get(k), want.get(k)))
            if errs:
                print("FAIL %s %s\n  %s" % (s, ver, "\n  ".join(errs)))
            else:
                ok += 1
                print("ok   %s %s (%d resources)" % (
                    s, ver, len(json.load(open(rpath)).get("resources", {}))))
    print("%d of %d boto3 resource models generate, compile and match" %
          (ok, len(svcs)))
    return 0 if ok == len(svcs) else 1


if __name__ == "__main__":
    sys.exit(main())
