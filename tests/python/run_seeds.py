"""Runs every seed workflow (tests/python/seeds/s*.py, boto3 idioms) three
times with Debian's /usr/bin/python3: with the real boto3, with the awsc
drop-in (bindings/python/dropin first on the path, the program unchanged),
and with only its import changed (`import awsc as boto3`, the real botocore
beside it), against the local servers (AWSC_E2E_*), and compares what they
record: keys and types of the responses, bytes, error codes. Exit 77 with the reason when no server is
set. Ends with "N passed, N failed"."""
import json
import re
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
SEEDS = os.path.join(HERE, "seeds")
PY = os.environ.get("AWSC_PY_REAL_PYTHON", "/usr/bin/python3")

if not os.environ.get("AWSC_E2E_S3_ENDPOINT") and not os.environ.get("AWSC_E2E_SNS_ENDPOINT"):
    print("SKIP: neither AWSC_E2E_S3_ENDPOINT nor AWSC_E2E_SNS_ENDPOINT is set "
          "(scripts/test.sh starts the local servers)")
    sys.exit(77)


TMP = tempfile.mkdtemp(prefix="awsc-seeds-")


def run(seed, mode, tag):
    """mode "boto3": Debian's boto3; "dropin": the drop-in packages first
    on the path, the seed unchanged; "import": the seed with its one line
    `import boto3` changed to `import awsc as boto3`, the real botocore
    still importable (its exceptions, Config and UNSIGNED are used)."""
    env = dict(os.environ)
    env["SEED_PREFIX"] = "py%s%d" % (tag, os.getpid() % 100000)
    base = [SEEDS]
    script = os.path.join(SEEDS, seed)
    if mode == "dropin":
        base = [os.path.join(ROOT, "bindings", "python", "dropin"),
                os.path.join(ROOT, "bindings", "python")] + base
    elif mode == "import":
        base = [os.path.join(ROOT, "bindings", "python")] + base
        src = open(script).read()
        changed = re.sub(r"^import boto3$", "import awsc as boto3", src, count=1, flags=re.M)
        assert changed != src, "%s has no 'import boto3' line" % seed
        script = os.path.join(TMP, seed)
        with open(script, "w") as f:
            f.write(changed)
    env["PYTHONPATH"] = os.pathsep.join(base)
    p = subprocess.run([PY, script], env=env, capture_output=True,
                       text=True, timeout=600)
    result = None
    for line in p.stdout.splitlines():
        if line.startswith("RESULT "):
            result = json.loads(line[7:])
    skip = next((l for l in p.stdout.splitlines() if l.startswith("SKIP: ")), None)
    return p.returncode, result, skip, p.stdout + p.stderr


passed = failed = skipped = 0
only = sys.argv[1:]


def compare(seed, label, res_a, res_b):
    if res_a == res_b:
        return True
    print("FAIL %s (%s): results differ from boto3's" % (seed, label))
    da = dict((k, json.dumps(v)) for k, v in res_a)
    db = dict((k, json.dumps(v)) for k, v in res_b)
    for k in sorted(set(da) | set(db)):
        if da.get(k) != db.get(k):
            print("  %s:\n    awsc:  %s\n    boto3: %s" % (k, da.get(k), db.get(k)))
    return False


for seed in sorted(f for f in os.listdir(SEEDS) if re.match(r"s\d\d_.*\.py$", f)):
    if only and not any(o in seed for o in only):
        continue
    runs = {m: run(seed, m, m[0]) for m in ("dropin", "import", "boto3")}
    rc_a, res_a, skip_a, log_a = runs["dropin"]
    if skip_a and rc_a == 77:
        print("skip %s: %s" % (seed, skip_a[6:]))
        skipped += 1
        continue
    bad = [m for m in ("dropin", "import") if runs[m][0] != 0 or runs[m][1] is None]
    if bad:
        failed += 1
        for m in bad:
            print("FAIL %s: the awsc run (%s) failed (exit %d)\n%s"
                  % (seed, m, runs[m][0], runs[m][3][-3000:]))
        continue
    if runs["dropin"][1] != runs["import"][1]:
        failed += 1
        compare(seed, "drop-in vs import awsc as boto3", runs["dropin"][1], runs["import"][1])
        continue
    rc_b, res_b, skip_b, log_b = runs["boto3"]
    if skip_b and rc_b == 77:
        passed += 1
        print("ok   %s (awsc runs only, drop-in and import alike; real boto3 skipped: %s)"
              % (seed, skip_b[6:]))
        continue
    if rc_b != 0 or res_b is None:
        failed += 1
        print("FAIL %s: the real boto3 run failed (exit %d)\n%s" % (seed, rc_b, log_b[-3000:]))
        continue
    if not compare(seed, "drop-in", res_a, res_b):
        failed += 1
        continue
    passed += 1
    print("ok   %s (%d results equal: boto3, the drop-in, import awsc as boto3)"
          % (seed, len(res_a)))
print("%d passed, %d failed (%d skipped)" % (passed, failed, skipped))
sys.exit(1 if failed else 0)
