#!/usr/bin/python3
"""generate_presigned_post end to end: an HTML-form-style multipart upload
with curl to the local S3 server (Ceph RGW), then the object read back;
uploads that break a condition of the policy are refused by the server.
Also presigned URLs with lifetimes SigV4 does not allow (0, negative),
signed as botocore signs them and refused by the server.

Usage: s3_presign_post.py BUILD_DIR
Skips (exit 77, reason printed) without AWSC_E2E_S3_ENDPOINT or curl.
Ends with "N passed, N failed".
"""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ENDPOINT = os.environ.get("AWSC_E2E_S3_ENDPOINT")
if not ENDPOINT:
    print("skip: AWSC_E2E_S3_ENDPOINT is not set (the local S3 server was "
          "not started)")
    sys.exit(77)
if not shutil.which("curl"):
    print("skip: curl is not installed")
    sys.exit(77)

AWSC = os.path.join(sys.argv[1], "tools", "awsc")
TMP = tempfile.mkdtemp(prefix="awsc-post-")
ENV = dict(os.environ, HOME=TMP, AWS_CONFIG_FILE=TMP + "/config",
           AWS_SHARED_CREDENTIALS_FILE=TMP + "/credentials",
           AWS_ENDPOINT_URL=ENDPOINT, AWS_REGION="us-east-1",
           AWS_ACCESS_KEY_ID=os.environ.get("AWSC_E2E_ACCESS_KEY_ID",
                                            "AKIDCEPHTEST0000001"),
           AWS_SECRET_ACCESS_KEY=os.environ.get(
               "AWSC_E2E_SECRET_ACCESS_KEY",
               "cephtestsecretkey0000000000000000000001"),
           AWS_EC2_METADATA_DISABLED="true", AWSC_NO_CHECKSUM_TRAILERS="1")
BUCKET = "awsc-post-%d-%d" % (os.getpid(), int(time.time()))
passed = failed = 0


def ok(name):
    global passed
    passed += 1
    print("ok   " + name)


def bad(name, why):
    global failed
    failed += 1
    print("FAIL %s: %s" % (name, why))


def awsc(*args):
    p = subprocess.run([AWSC] + list(args), capture_output=True, text=True,
                       env=ENV)
    if p.returncode != 0:
        raise RuntimeError("awsc %s: %s" % (" ".join(args[:2]),
                                            p.stderr.strip()))
    return json.loads(p.stdout)


def presign(**call):
    return awsc("s3", "generate_presigned_post", json.dumps(call))


def post(form, data, filename="hello.txt", change=None):
    """POST the form (fields in order, the file last) with curl; `change`
    edits the fields first. Returns (HTTP status, body)."""
    fields = dict(form["fields"])
    if change:
        change(fields)
    path = os.path.join(TMP, filename)
    with open(path, "wb") as f:
        f.write(data)
    out = os.path.join(TMP, "answer")
    cmd = ["curl", "-s", "-o", out, "-w", "%{http_code}"]
    for name, value in fields.items():
        cmd += ["--form-string", "%s=%s" % (name, value)]
    cmd += ["-F", "file=@%s;filename=%s" % (path, filename), form["url"]]
    p = subprocess.run(cmd, capture_output=True, text=True)
    with open(out, "rb") as f:
        body = f.read().decode("utf-8", "replace")
    return int(p.stdout or 0), body


def get(key):
    r = awsc("s3", "get_object", json.dumps({"Bucket": BUCKET, "Key": key}))
    return base64.b64decode(r["Body"]), r.get("ContentType")


def main():
    awsc("s3", "create_bucket", json.dumps({"Bucket": BUCKET}))
    conditions = [["starts-with", "$Content-Type", "text/"],
                  ["content-length-range", 1, 1000]]
    form = presign(Bucket=BUCKET, Key="up/${filename}",
                   Fields={"Content-Type": "text/plain"},
                   Conditions=conditions, ExpiresIn=600)
    data = b"hello from an HTML form\n\x00\x01\xff"
    status, body = post(form, data)
    if status == 204:
        ok("upload within the policy answered 204")
    else:
        bad("upload within the policy", "HTTP %d %s" % (status, body[:300]))
    try:
        got, ctype = get("up/hello.txt")
        if got == data and ctype == "text/plain":
            ok("object read back: same bytes, key from ${filename}, "
               "Content-Type from the form")
        else:
            bad("object read back", "%r %r" % (got[:60], ctype))
    except RuntimeError as e:
        bad("object read back", str(e))

    def refused(name, status, body, code=None):
        if status in (400, 403) and (code is None or code in body):
            ok("%s refused (HTTP %d%s)" % (name, status,
                                           ", " + code if code else ""))
        else:
            bad(name + " refused", "HTTP %d %s" % (status, body[:300]))

    status, body = post(form, b"x" * 2000, filename="big.txt")
    refused("content-length-range broken", status, body, "EntityTooLarge")

    def other_prefix(fields):
        fields["key"] = "elsewhere/hello.txt"
    status, body = post(form, data, change=other_prefix)
    refused("key outside the starts-with prefix", status, body)

    def wrong_type(fields):
        fields["Content-Type"] = "image/png"
    status, body = post(form, data, change=wrong_type)
    refused("Content-Type outside the policy", status, body)

    def tampered(fields):
        policy = json.loads(base64.b64decode(fields["policy"]))
        policy["conditions"][1] = ["content-length-range", 1, 10 ** 9]
        fields["policy"] = base64.b64encode(
            json.dumps(policy).encode()).decode()
    status, body = post(form, data, change=tampered)
    refused("policy changed after signing", status, body)

    expired = presign(Bucket=BUCKET, Key="late.txt", ExpiresIn=-10)
    status, body = post(expired, data)
    refused("expired policy", status, body)

    exact = presign(Bucket=BUCKET, Key="exact.txt")
    status, body = post(exact, b"exact key")
    if status == 204 and get("exact.txt")[0] == b"exact key":
        ok("plain key, no conditions: uploaded and read back")
    else:
        bad("plain key upload", "HTTP %d %s" % (status, body[:300]))

    # presigned URLs with a lifetime SigV4 does not allow are signed as
    # botocore signs them; the server judges them
    for expires, want in ((600, 200), (-1, 403), (0, 403)):
        p = subprocess.run(
            [AWSC, "s3", "generate_presigned_url", json.dumps(
                {"ClientMethod": "get_object", "ExpiresIn": expires,
                 "Params": {"Bucket": BUCKET, "Key": "exact.txt"}})],
            capture_output=True, text=True, env=ENV)
        url = p.stdout.strip()
        if expires == 0:
            time.sleep(1.1)  # X-Amz-Expires=0: over once a second passed
        code = subprocess.run(["curl", "-s", "-o", os.devnull, "-w",
                               "%{http_code}", url],
                              capture_output=True, text=True).stdout
        if p.returncode == 0 and ("X-Amz-Expires=%d&" % expires) in url \
                and code == str(want):
            ok("presigned GET with ExpiresIn %d: signed, server says %s"
               % (expires, code))
        else:
            bad("presigned GET with ExpiresIn %d" % expires,
                "exit %d, HTTP %s, %s" % (p.returncode, code,
                                          (p.stderr or url)[:200]))

    for key in ("up/hello.txt", "exact.txt"):
        try:
            awsc("s3", "delete_object",
                 json.dumps({"Bucket": BUCKET, "Key": key}))
        except RuntimeError:
            pass
    try:
        awsc("s3", "delete_bucket", json.dumps({"Bucket": BUCKET}))
    except RuntimeError as e:
        bad("clean up", str(e))
    shutil.rmtree(TMP, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except RuntimeError as e:
        print("FAIL %s" % e)
        print("%d passed, %d failed" % (passed, failed + 1))
        sys.exit(1)
