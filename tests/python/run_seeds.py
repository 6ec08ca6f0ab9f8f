"""Runs every seed workflow (tests/python/seeds/s*.py, boto3 idioms) twice
with Debian's /usr/bin/python3: once with the real boto3, once with the awsc
drop-in (bindings/python/dropin first on the path), against the local
servers (AWSC_E2E_*), and compares what they record: keys and types of the
responses, bytes, error codes. Exit 77 with the reason when no server is
set. Ends with "N passed, N failed"."""
import json
import re
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
SEEDS = os.path.join(HERE, "seeds")
PY = os.environ.get("AWSC_PY_REAL_PYTHON", "/usr/bin/python3")

if not os.environ.get("AWSC_E2E_S3_ENDPOINT") and not os.environ.get("AWSC_E2E_SNS_ENDPOINT"):
    print("SKIP: neither AWSC_E2E_S3_ENDPOINT nor AWSC_E2E_SNS_ENDPOINT is set "
          "(scripts/test.sh starts the local servers)")
    sys.exit(77)


def run(seed, mode, tag):
    env = dict(os.environ)
    env["SEED_PREFIX"] = "py%s%d" % (tag, os.getpid() % 100000)
    base = [SEEDS]
    if mode == "awsc":
        base = [os.path.join(ROOT, "bindings", "python", "dropin"),
                os.path.join(ROOT, "bindings", "python")] + base
    env["PYTHONPATH"] = os.pathsep.join(base)
    p = subprocess.run([PY, os.path.join(SEEDS, seed)], env=env, capture_output=True,
                       text=True, timeout=600)
    result = None
    for line in p.stdout.splitlines():
        if line.startswith("RESULT "):
            result = json.loads(line[7:])
    skip = next((l for l in p.stdout.splitlines() if l.startswith("SKIP: ")), None)
    return p.returncode, result, skip, p.stdout + p.stderr


passed = failed = skipped = 0
only = sys.argv[1:]
for seed in sorted(f for f in os.listdir(SEEDS) if re.match(r"s\d\d_.*\.py$", f)):
    if only and not any(o in seed for o in only):
        continue
    rc_a, res_a, skip_a, log_a = run(seed, "awsc", "a")
    rc_b, res_b, skip_b, log_b = run(seed, "boto3", "b")
    if skip_a and rc_a == 77:
        print("skip %s: %s" % (seed, skip_a[6:]))
        skipped += 1
        continue
    if rc_a != 0 or res_a is None:
        failed += 1
        print("FAIL %s: the awsc run failed (exit %d)\n%s" % (seed, rc_a, log_a[-3000:]))
        continue
    if skip_b and rc_b == 77:
        passed += 1
        print("ok   %s (awsc run only; real boto3 skipped: %s)" % (seed, skip_b[6:]))
        continue
    if rc_b != 0 or res_b is None:
        failed += 1
        print("FAIL %s: the real boto3 run failed (exit %d)\n%s" % (seed, rc_b, log_b[-3000:]))
        continue
    if res_a != res_b:
        failed += 1
        print("FAIL %s: results differ" % seed)
        da, db = dict((k, json.dumps(v)) for k, v in res_a), dict((k, json.dumps(v)) for k, v in res_b)
        for k in sorted(set(da) | set(db)):
            if da.get(k) != db.get(k):
                print("  %s:\n    awsc:  %s\n    boto3: %s" % (k, da.get(k), db.get(k)))
        continue
    passed += 1
    print("ok   %s (%d results equal)" % (seed, len(res_a)))
print("%d passed, %d failed (%d skipped)" % (passed, failed, skipped))
sys.exit(1 if failed else 0)
