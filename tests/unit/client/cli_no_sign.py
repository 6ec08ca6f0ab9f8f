#!/usr/bin/env python3
"""`awsc --no-sign-request` (the AWS CLI's flag) against a local S3 that
records what it is sent.

usage: cli_no_sign.py AWSC_CLI

With no credentials anywhere (empty environment, no files, IMDS off):
without the flag the command fails on credentials (exit 3) and sends
nothing; with it, get_object succeeds, the request carries no
Authorization / X-Amz-Date / X-Amz-Content-SHA256 / X-Amz-Security-Token
header and no X-Amz-* query parameter, and generate_presigned_url prints
the plain URL botocore gives with signature_version=UNSIGNED.
Ends with "N passed, N failed".
"""
import atexit
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading

SIGNING = ("authorization", "x-amz-date", "x-amz-content-sha256",
           "x-amz-security-token")
SEEN = []


class FakeS3(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        SEEN.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
        body = b"public bytes"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Type", "text/plain")
        self.send_header("x-amz-request-id", "req-anon")
        self.end_headers()
        self.wfile.write(body)


def main():
    cli = sys.argv[1]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeS3)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    endpoint = f"http://127.0.0.1:{server.server_address[1]}"
    home = tempfile.mkdtemp(prefix="awsc-cli-no-sign-")
    atexit.register(shutil.rmtree, home, True)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": home,
        "AWS_CONFIG_FILE": os.path.join(home, "config"),
        "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    base = [cli, "--endpoint-url", endpoint, "--region", "us-east-1"]
    get = ["s3", "get_object", '{"Bucket": "pub", "Key": "a b.txt"}']
    passed = failed = 0

    def check(name, ok, detail=""):
        nonlocal passed, failed
        if ok:
            passed += 1
            print(f"ok   {name}")
        else:
            failed += 1
            print(f"FAIL {name} {detail}")

    p = subprocess.run(base + get, env=env, capture_output=True, timeout=60)
    check("signed without credentials fails, nothing sent",
          p.returncode == 3 and not SEEN
          and b"credentials" in p.stderr.lower(),
          f"exit {p.returncode} {p.stderr!r} sent {len(SEEN)}")

    p = subprocess.run(base + ["--no-sign-request"] + get, env=env,
                       capture_output=True, timeout=60)
    check("--no-sign-request get_object succeeds",
          p.returncode == 0 and b'"RequestId":"req-anon"' in p.stdout,
          f"exit {p.returncode} {p.stderr!r}")
    path, headers = SEEN[-1] if SEEN else ("", {})
    check("request to the object", path == "/pub/a%20b.txt", path)
    present = [h for h in SIGNING if h in headers]
    check("no signing header", SEEN and not present, str(present))
    check("no signing query parameter", "x-amz-" not in path.lower(), path)

    p = subprocess.run(
        base + ["s3", "generate_presigned_url", "--no-sign-request",
                '{"ClientMethod": "get_object", "Params": {"Bucket": "pub",'
                ' "Key": "k", "VersionId": "v 1"}}'],
        env=env, capture_output=True, timeout=60)
    url = p.stdout.decode().strip()
    check("unsigned presigned URL is the plain one",
          p.returncode == 0 and url == endpoint + "/pub/k?versionId=v%201",
          f"exit {p.returncode} {url!r} {p.stderr!r}")
    server.shutdown()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
