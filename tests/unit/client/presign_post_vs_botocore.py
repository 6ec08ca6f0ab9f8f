#!/usr/bin/python3
"""generate_presigned_post: awsc against botocore for fixed times and
credentials.

Usage: presign_post_vs_botocore.py PRESIGN_POST_TOOL

Each case is computed by botocore (Debian's python3-botocore, its clock
frozen) and by the tool (awsc_generate_presigned_post_json at the same
time); the URL, every field in order, the decoded policy and the
signature must be equal. Cases botocore refuses must be refused by awsc.
Skips (exit 77) when botocore is not importable. Ends with
"N passed, N failed".
"""
import base64
import copy
import datetime as real_datetime
import json
import re
import subprocess
import sys
import types

try:
    import botocore.auth
    import botocore.session
    import botocore.signers
    from botocore import UNSIGNED
    from botocore.config import Config
except ImportError as e:
    print("SKIP: botocore not importable (%s)" % e)
    sys.exit(77)

NOW = real_datetime.datetime(2026, 12, 5, 16, 30, 15)
NOW_MS = int((NOW - real_datetime.datetime(1970, 1, 1)).total_seconds()) * 1000


class FrozenDateTime(real_datetime.datetime):
    @classmethod
    def utcnow(cls):
        return NOW


_shim = types.SimpleNamespace(datetime=FrozenDateTime,
                              timedelta=real_datetime.timedelta)
botocore.signers.datetime = _shim
botocore.auth.datetime = _shim

AK, SK = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

CASES = [
    dict(name="plain", region="us-east-1",
         call={"Bucket": "mybucket", "Key": "mykey"}),
    dict(name="filename, fields and conditions", region="us-east-1",
         call={"Bucket": "mybucket", "Key": "uploads/${filename}",
               "Fields": {"acl": "public-read",
                          "Content-Type": "text/plain"},
               "Conditions": [{"acl": "public-read"},
                              ["starts-with", "$Content-Type", "text/"],
                              ["content-length-range", 1, 1048576]],
               "ExpiresIn": 600}),
    dict(name="other region, session token, key in Fields", region="eu-west-1",
         token="FwoGZXIvYXdzEXAMPLETOKEN/+=",
         call={"Bucket": "bucket.with.dots", "Key": "a/b c+d",
               "Fields": {"key": "ignored", "success_action_status": "201"},
               "Conditions": [{"success_action_status": "201"},
                              ["eq", "$x-amz-meta-t", "\u00e9\u20ac\U0001F600"],
                              ["eq", "$x-amz-meta-q", "q\"b\\s\n\t\u0001"],
                              ["content-length-range", 0, 12345678901234567890],
                              {"n": 1.5, "m": None, "t": True}],
               "ExpiresIn": 7 * 86400 + 1}),
    dict(name="custom endpoint, already expired", region="us-west-2",
         endpoint="http://localhost:9000",
         call={"Bucket": "mybucket", "Key": "k", "ExpiresIn": -10}),
    dict(name="another region (regional host)", region="ap-south-1",
         call={"Bucket": "my-bucket-2", "Key": "k"}),
    dict(name="unsigned client", region="us-west-2", sign=False,
         call={"Bucket": "mybucket", "Key": "k",
               "Fields": {"acl": "public-read"}}),
]


def botocore_post(case):
    s = botocore.session.get_session()
    cfg = Config(signature_version=UNSIGNED if case.get("sign") is False
                 else "s3v4")
    c = s.create_client("s3", region_name=case["region"],
                        aws_access_key_id=AK, aws_secret_access_key=SK,
                        aws_session_token=case.get("token"),
                        endpoint_url=case.get("endpoint"), config=cfg)
    # botocore appends to the caller's Conditions list: give it a copy
    return c.generate_presigned_post(**copy.deepcopy(case["call"]))


def awsc_post(tool, case):
    p = subprocess.run(
        [tool, str(NOW_MS), case["region"], case.get("endpoint", "-"), AK, SK,
         case.get("token", "-"), "0" if case.get("sign") is False else "1",
         json.dumps(case["call"])],
        capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(p.stdout.strip() + p.stderr.strip())
    return json.loads(p.stdout)


def policy_of(fields):
    if "policy" not in fields:
        return None
    return base64.b64decode(fields["policy"]).decode("utf-8")


def expected_url(case, url):
    """botocore presigns a virtual-hosted bucket on the global
    s3.amazonaws.com in every aws region; awsc's presigned URLs and posts
    use the region's host (docs/guide.md, S3 specifics)."""
    m = re.match(r"^https://([^/]+)\.s3\.amazonaws\.com/$", url)
    if m and case["region"] != "us-east-1" and not case.get("endpoint"):
        return "https://%s.s3.%s.amazonaws.com/" % (m.group(1), case["region"])
    return url


def main():
    tool = sys.argv[1]
    passed = failed = 0
    for case in CASES:
        want = botocore_post(case)
        try:
            got = awsc_post(tool, case)
        except RuntimeError as e:
            print("FAIL %s: awsc refused: %s" % (case["name"], e))
            failed += 1
            continue
        problems = []
        if got["url"] != expected_url(case, want["url"]):
            problems.append("url %r != botocore %r" % (got["url"], want["url"]))
        if list(got["fields"].items()) != list(want["fields"].items()):
            problems.append("fields %r\n  != botocore %r" %
                            (list(got["fields"].items()),
                             list(want["fields"].items())))
        if policy_of(got["fields"]) != policy_of(want["fields"]):
            problems.append("policy %s\n  != botocore %s" %
                            (policy_of(got["fields"]),
                             policy_of(want["fields"])))
        if problems:
            print("FAIL %s:\n  %s" % (case["name"], "\n  ".join(problems)))
            failed += 1
        else:
            print("ok   %s (signature %s)" %
                  (case["name"], want["fields"].get("x-amz-signature", "-")))
            passed += 1
    # refusals: awsc names the problem; nothing is signed
    refusals = [
        ({"Key": "k"}, "Bucket"),
        ({"Bucket": "b", "Key": "k", "Extra": 1}, "Extra"),
        ({"Bucket": "b", "Key": "k", "Fields": {"acl": 1}}, "Fields.acl"),
        ({"Bucket": "b", "Key": "k", "Conditions": {"acl": "x"}},
         "Conditions"),
        ({"Bucket": "b", "Key": "k", "ExpiresIn": 1.5}, "ExpiresIn"),
        ({"Bucket": "b", "Key": "k", "ExpiresIn": 10 ** 12}, "ExpiresIn"),
    ]
    for call, word in refusals:
        try:
            awsc_post(tool, {"region": "us-east-1", "call": call})
            print("FAIL refusal of %s: accepted" % json.dumps(call))
            failed += 1
        except RuntimeError as e:
            if word in str(e) and str(e).startswith("ERROR -7 "):
                print("ok   refused %s: %s" % (json.dumps(call), e))
                passed += 1
            else:
                print("FAIL refusal of %s: %s" % (json.dumps(call), e))
                failed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
