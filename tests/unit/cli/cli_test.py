#!/usr/bin/env python3
"""The awsc command against a local fake S3 (Python stdlib, 127.0.0.1).

usage: cli_test.py AWSC_CLI

Checks what tools/awsc promises: the exit statuses (0 ok, 1 service
error, 2 invalid user input, 3 anything else) with their one-line
messages; a missing option value named as such; generate_presigned_url's
ExpiresIn read from the parsed JSON (an integer; fractions, 1e3 and
strings refused naming it; 0, negatives and beyond 7 days signed);
SIGTERM and SIGINT during download_file (single GET and ranged parts on
threads, a trickling and a stalled server) end the command by the signal
and leave neither the target nor its FILE.awsctmp.XXXXXXXX behind; the
transfers' progress bar on stderr only when it is a terminal, and
--no-progress. Ends with "N passed, N failed".
"""
import http.server
import os
import re
import shutil
import signal
import socketserver
import subprocess
import sys
import tempfile
import threading
import time

SMALL = b"0123456789abcdef" * 4096  # 64 KiB
BIG = 8 << 20  # served slowly: 8 MiB at 64 KiB per 50 ms would take 6.4 s
CHUNK = 64 << 10
PATTERN = bytes(range(256)) * (CHUNK // 256)
STOP = threading.Event()


class FakeS3(http.server.BaseHTTPRequestHandler):
    """Path-style S3: /bucket/small, /bucket/slow (trickles), /bucket/stall
    (64 KiB then nothing), /bucket/broken (ListObjectsV2 with damaged XML),
    anything else NoSuchKey."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _head(self, status, length, extra=()):
        self.send_response(status)
        self.send_header("Content-Length", str(length))
        # a multipart ETag (not an MD5 of the body, which the download
        # would check over http://: docs/integrity.md)
        self.send_header("ETag", '"0123456789abcdef0123456789abcdef-2"')
        self.send_header("Last-Modified", "Sat, 05 Dec 2026 12:00:00 GMT")
        self.send_header("x-amz-request-id", "req-1")
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()

    def _object(self):
        name = self.path.split("?")[0].rsplit("/", 1)[-1]
        return {"small": len(SMALL), "slow": BIG, "stall": BIG}.get(name), name

    def _not_found(self):
        body = (b'<?xml version="1.0" encoding="UTF-8"?><Error>'
                b"<Code>NoSuchKey</Code><Message>The specified key does not"
                b" exist.</Message><RequestId>req-404</RequestId></Error>")
        self.send_response(404)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-amz-request-id", "req-404")
        self.end_headers()
        self.wfile.write(body)

    def do_HEAD(self):
        size, _ = self._object()
        if size is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self._head(200, size)

    def do_GET(self):
        if "list-type=2" in self.path:
            body = (b'<?xml version="1.0"?><ListBucketResult><Name>b</Name>'
                    b"<MaxKeys>10O0</MaxKeys><IsTruncated>false</IsTruncated>"
                    b"</ListBucketResult>")
            self._head(200, len(body), [("Content-Type", "application/xml")])
            self.wfile.write(body)
            return
        size, name = self._object()
        if size is None:
            self._not_found()
            return
        start, end = 0, size - 1
        m = re.match(r"bytes=(\d+)-(\d+)?", self.headers.get("Range", ""))
        if m:
            start = int(m.group(1))
            end = min(int(m.group(2)), size - 1) if m.group(2) else size - 1
            self._head(206, end - start + 1,
                       [("Content-Range", f"bytes {start}-{end}/{size}")])
        else:
            self._head(200, size)
        if name == "small":
            self.wfile.write(SMALL[start:end + 1])
            return
        pos = start
        try:
            while pos <= end and not STOP.is_set():
                n = min(CHUNK, end + 1 - pos)
                self.wfile.write(PATTERN[:n])
                self.wfile.flush()
                pos += n
                if name == "stall":
                    STOP.wait(120)  # until the test ends
                else:
                    time.sleep(0.05)
        except (BrokenPipeError, ConnectionResetError):
            pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class Runner:
    def __init__(self, cli, port):
        self.cli = cli
        self.endpoint = f"http://127.0.0.1:{port}"
        self.home = tempfile.mkdtemp(prefix="awsc-cli-test-")
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": self.home,
            "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
            "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            "AWS_CONFIG_FILE": os.path.join(self.home, "config"),
            "AWS_SHARED_CREDENTIALS_FILE": os.path.join(self.home, "creds"),
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_MAX_ATTEMPTS": "2",
        }
        for var in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS",
                    "LD_LIBRARY_PATH"):
            if var in os.environ:
                self.env[var] = os.environ[var]
        self.passed = self.failed = 0
        self.dirs = [self.home]

    def tempdir(self, prefix):
        d = tempfile.mkdtemp(prefix=prefix)
        self.dirs.append(d)
        return d

    def run(self, *args, endpoint=True):
        argv = [self.cli]
        if endpoint:
            argv += ["--endpoint-url", self.endpoint, "--region", "us-east-1"]
        p = subprocess.run(argv + list(args), env=self.env,
                           capture_output=True, timeout=60)
        return (p.returncode, p.stdout.decode("utf-8", "replace"),
                p.stderr.decode("utf-8", "replace"))

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAIL {name}: {detail}")

    def expect(self, name, args, status, words=(), stdout_words=(),
               endpoint=True):
        rc, out, err = self.run(*args, endpoint=endpoint)
        ok = rc == status and all(w in err for w in words) and all(
            w in out for w in stdout_words)
        if status != 0:
            ok = ok and err.startswith("error: ") and err.count("\n") == 1
        self.check(name, ok, f"exit {rc} (want {status}), stderr: "
                   f"{err.strip()[:300]!r}, stdout: {out.strip()[:200]!r}")
        return out


def presign(expires):
    return ('{"ClientMethod": "get_object", "Params": {"Bucket": "b", '
            '"Key": "k"}, "ExpiresIn": %s}' % expires)


def test_exit_statuses(r):
    r.expect("ok", ["s3", "get_object", '{"Bucket": "b", "Key": "small"}'],
             0, stdout_words=['"ContentLength"'])
    r.expect("service error", ["s3", "get_object",
                               '{"Bucket": "b", "Key": "nokey"}'], 1,
             ["error: NoSuchKey: ", "HTTP 404", "RequestId: req-404"])
    r.expect("damaged answer", ["s3", "list_objects_v2", '{"Bucket": "b"}'],
             3, ["MaxKeys"])
    rc, _, err = r.run("--endpoint-url", "http://127.0.0.1:9", "--region",
                       "us-east-1", "s3", "list_buckets", endpoint=False)
    r.check("network", rc == 3 and err.startswith("error: network: "),
            f"exit {rc}, {err!r}")
    r.expect("malformed JSON", ["s3", "get_object", '{"Bucket": "b",'], 2,
             ["error: parse: invalid JSON"])
    r.expect("malformed JSON, no input", ["s3", "list_buckets", "[1"], 2)
    r.expect("malformed JSON, transfer", ["s3", "download_file", "{"], 2,
             ["invalid JSON"])
    r.expect("malformed JSON, presign", ["s3", "generate_presigned_url",
                                         "{x"], 2, ["invalid JSON"])
    r.expect("invalid JSON for the operation",
             ["s3", "get_object", '{"Bucket": "b", "Key": ""}'], 2,
             ["error: validation: Invalid length for parameter Key"])
    r.expect("unknown parameter", ["s3", "get_object",
                                   '{"Bucket": "b", "Key": "k", "X": 1}'], 2,
             ["Unknown parameter"])
    r.expect("unknown operation", ["s3", "get_objekt", "{}"], 2,
             ["has no operation get_objekt"])
    r.expect("unknown service", ["s4", "list_buckets"], 2,
             ["Unknown service"])
    r.expect("unknown option", ["--bogus", "s3", "list_buckets"], 2,
             ["error: usage: unknown option --bogus"])
    r.expect("extra argument", ["s3", "list_buckets", "{}", "x"], 2,
             ["unexpected argument"])
    r.expect("no service", ["--debug"], 2, ["missing SERVICE"],
             endpoint=False)
    r.expect("bad endpoint", ["--endpoint-url", "notaurl", "s3",
                              "list_buckets"], 2, ["Invalid endpoint"],
             endpoint=False)
    r.expect("missing profile", ["--profile", "nope", "s3", "list_buckets"],
             3, ["error: config: "])
    r.expect("version", ["--version"], 0, stdout_words=["awsc "],
             endpoint=False)
    r.expect("help", ["--help"], 0, stdout_words=[
        "Exit status", "1 the service", "2 invalid input", "3 anything else"],
        endpoint=False)
    r.expect("service help", ["s3", "--help"], 0,
             stdout_words=["  list_objects_v2\n", "generate_presigned_url"],
             endpoint=False)
    r.expect("presign help", ["s3", "generate_presigned_url", "--help"], 0,
             stdout_words=["ExpiresIn"], endpoint=False)


def test_missing_values(r):
    for opt in ("--endpoint-url", "--region", "--profile"):
        words = [f"error: usage: {opt} needs a value"]
        r.expect(f"{opt} last", ["s3", "list_buckets", opt], 2, words,
                 endpoint=False)
        r.expect(f"{opt} first", [opt], 2, words, endpoint=False)
        r.expect(f"{opt} before option", [opt, "--debug", "s3",
                                          "list_buckets"], 2, words,
                 endpoint=False)
        r.expect(f"{opt}=", [opt + "=", "s3", "list_buckets"], 2, words,
                 endpoint=False)
    rc, _, err = r.run("s3", "list_buckets", "--endpoint-url",
                       endpoint=False)
    r.check("no invalid JSON message", "invalid JSON" not in err, err)


def test_presign(r):
    def url(name, expires, want):
        out = r.expect(name, ["s3", "generate_presigned_url",
                              presign(expires)], 0)
        r.check(name + " X-Amz-Expires", f"X-Amz-Expires={want}&" in out,
                out.strip())

    url("ExpiresIn 600", "600", "600")
    url("ExpiresIn 1", "1", "1")
    url("ExpiresIn 7 days", "604800", "604800")
    url("ExpiresIn beyond 7 days", "604801", "604801")
    url("ExpiresIn a year", "31536000", "31536000")
    out = r.expect("ExpiresIn absent", ["s3", "generate_presigned_url",
                                        '{"ClientMethod": "get_object", '
                                        '"Params": {"Bucket": "b", '
                                        '"Key": "k"}}'], 0)
    r.check("absent = 3600", "X-Amz-Expires=3600&" in out, out)
    # a Key named ExpiresIn or ClientMethod is just a key
    out = r.expect("Key named ExpiresIn", [
        "s3", "generate_presigned_url",
        '{"Params": {"Bucket": "b", "Key": "ExpiresIn"}, "ExpiresIn": 60, '
        '"ClientMethod": "get_object"}'], 0)
    r.check("Key named ExpiresIn: URL", "/b/ExpiresIn?" in out and
            "X-Amz-Expires=60&" in out, out)
    out = r.expect("Key named ClientMethod", [
        "s3", "generate_presigned_url",
        '{"ClientMethod": "head_object", "Params": {"Bucket": "b", '
        '"Key": "ClientMethod"}}'], 0)
    r.check("Key named ClientMethod: URL", "/b/ClientMethod?" in out, out)
    # 0 and negatives are signed, as botocore signs them
    for odd in ("0", "-5"):
        out = r.expect(f"ExpiresIn {odd}", ["s3", "generate_presigned_url",
                                            presign(odd)], 0)
        r.check(f"ExpiresIn {odd}: signed as given",
                f"X-Amz-Expires={odd}&" in out, out)
    for bad, words in (('"abc"', "Invalid type for parameter ExpiresIn"),
                       ('"600"', "Invalid type for parameter ExpiresIn"),
                       ("1.5", "Invalid type for parameter ExpiresIn"),
                       ("1e3", "Invalid type for parameter ExpiresIn"),
                       ("3600.0", "Invalid type for parameter ExpiresIn"),
                       ("true", "Invalid type for parameter ExpiresIn"),
                       ("99999999999999999999",
                        "Invalid value for parameter ExpiresIn")):
        r.expect(f"ExpiresIn {bad}", ["s3", "generate_presigned_url",
                                      presign(bad)], 2,
                 ["error: validation: " + words])
    r.expect("no ClientMethod", ["s3", "generate_presigned_url",
                                 '{"Params": {"Bucket": "b", "Key": "k"}}'],
             2, ['"ClientMethod"'])
    r.expect("no JSON", ["s3", "generate_presigned_url"], 2,
             ['"ClientMethod"'])
    r.expect("bad Params", ["s3", "generate_presigned_url",
                            '{"ClientMethod": "get_object", '
                            '"Params": {"Bucket": "b"}}'], 2,
             ['Missing required parameter in input: "Key"'])


def temp_files(d):
    return [f for f in os.listdir(d) if ".awsctmp." in f]


def interrupted_download(r, name, key, sig, config, max_exit_s):
    d = r.tempdir("awsc-cli-sig-")
    target = os.path.join(d, "out.bin")
    params = ('{"Bucket": "b", "Key": "%s", "Filename": "%s", "Config": %s}'
              % (key, target, config))
    p = subprocess.Popen([r.cli, "--endpoint-url", r.endpoint, "--region",
                          "us-east-1", "s3", "download_file", params],
                         env=r.env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    # mid-download: the temporary file exists (its bytes may still be
    # gathered in memory: the download writes 256 KiB at a time), and the
    # first body bytes have had time to arrive
    deadline = time.monotonic() + 20
    started = False
    while time.monotonic() < deadline and p.poll() is None:
        if temp_files(d):
            started = True
            time.sleep(0.3)
            break
        time.sleep(0.02)
    r.check(name + ": download started", started,
            f"exit {p.poll()}, files {os.listdir(d)}")
    sent = time.monotonic()
    p.send_signal(sig)
    try:
        p.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        r.check(name + ": ended", False, "still running 15 s after the signal")
        return
    took = time.monotonic() - sent
    r.check(name + ": ended by the signal", p.returncode == -sig,
            f"exit status {p.returncode}")
    r.check(name + f": ended within {max_exit_s} s", took < max_exit_s,
            f"{took:.2f} s")
    left = os.listdir(d)
    r.check(name + ": no temporary file, no target", left == [],
            f"left: {left}")


def test_signals(r):
    whole = '{"multipart_threshold": 67108864}'
    ranged = ('{"multipart_threshold": 1048576, "multipart_chunksize": '
              '1048576, "max_concurrency": 4}')
    # a trickling server: the transfer stops at its next chunk of data
    interrupted_download(r, "SIGTERM, single GET", "slow", signal.SIGTERM,
                         whole, 1.5)
    interrupted_download(r, "SIGINT, single GET", "slow", signal.SIGINT,
                         whole, 1.5)
    interrupted_download(r, "SIGTERM, ranged parts on threads", "slow",
                         signal.SIGTERM, ranged, 1.5)
    # a stalled server calls no progress: the watcher removes the file
    # after its grace period (2 s)
    interrupted_download(r, "SIGTERM, stalled server", "stall",
                         signal.SIGTERM, whole, 6)
    interrupted_download(r, "SIGINT, stalled ranged parts", "stall",
                         signal.SIGINT, ranged, 6)
    # and an uninterrupted download still lands
    d = r.tempdir("awsc-cli-ok-")
    target = os.path.join(d, "small.bin")
    r.expect("download_file ok", [
        "s3", "download_file",
        '{"Bucket": "b", "Key": "small", "Filename": "%s"}' % target], 0,
        stdout_words=['"Size":65536'])
    with open(target, "rb") as f:
        r.check("download_file bytes", f.read() == SMALL)
    r.check("download_file no temporary file", temp_files(d) == [],
            os.listdir(d))


def run_tty(r, *args):
    """Run the CLI with stderr on a pseudo-terminal: (status, stderr)."""
    import pty
    master, slave = pty.openpty()
    argv = [r.cli, "--endpoint-url", r.endpoint, "--region", "us-east-1"]
    p = subprocess.Popen(argv + list(args), env=r.env,
                         stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    return p.wait(timeout=60), out.decode("utf-8", "replace")


def test_progress(r):
    d = r.tempdir("awsc-cli-progress-")
    target = os.path.join(d, "small.bin")
    params = '{"Bucket": "b", "Key": "small", "Filename": "%s"}' % target
    # stderr not a terminal: no bar, nothing on stderr
    rc, out, err = r.run("s3", "download_file", params)
    r.check("not a tty: no progress bar", rc == 0 and err == "",
            f"exit {rc}, stderr {err!r}")
    r.expect("--no-progress accepted",
             ["--no-progress", "s3", "download_file", params], 0,
             stdout_words=['"Size":65536'])
    r.check("--no-progress in the usage",
            "--no-progress" in r.run("--help", endpoint=False)[1])
    # a terminal: the bar, ending at 100% and a newline
    rc, err = run_tty(r, "s3", "download_file", params)
    r.check("tty: a progress bar on stderr",
            rc == 0 and "100%" in err and "[####" in err and
            err.endswith("\n"), f"exit {rc}, stderr {err!r}")
    rc, err = run_tty(r, "--no-progress", "s3", "download_file", params)
    r.check("tty with --no-progress: no bar", rc == 0 and err == "",
            f"exit {rc}, stderr {err!r}")


def main():
    cli = sys.argv[1]
    server = Server(("127.0.0.1", 0), FakeS3)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    r = Runner(cli, server.server_address[1])
    try:
        for t in (test_exit_statuses, test_missing_values, test_presign,
                  test_signals, test_progress):
            before = r.failed
            t(r)
            print(("ok   " if r.failed == before else "FAIL ") + t.__name__,
                  flush=True)
    finally:
        STOP.set()
        server.shutdown()
        for d in r.dirs:
            shutil.rmtree(d, ignore_errors=True)
    print(f"{r.passed} passed, {r.failed} failed")
    return 1 if r.failed else 0


if __name__ == "__main__":
    sys.exit(main())
