#!/usr/bin/env python3
"""Compare awsc's aws-chunked encoder with botocore's, byte for byte.

Usage: aws_chunked_vs_botocore.py PATH/TO/aws_chunked_tool

For random bodies of several sizes, chunk sizes and checksum algorithms,
the tool's output (lib/auth/aws_chunked.c over the body in memory) must
equal botocore.httpchecksum.AwsChunkedWrapper(io.BytesIO(body),
checksum_cls, checksum_name, chunk_size).read().

Exit status: 0 all equal, 1 any difference, 77 (meson's "skipped") when no
botocore can be imported. An algorithm whose botocore checksum class is
unavailable (CRC32C needs awscrt) is reported and checked with a
reference CRC32C written here instead, still through botocore's wrapper.
"""
import io
import os
import random
import subprocess
import sys

SIZES = [0, 1, 8191, 65536, 65537, 300000]
CHUNK_SIZES = [65536, 1048576, 8192]
ALGORITHMS = ["CRC32", "CRC32C", "SHA256", "SHA1"]


def _reexec_with_botocore():
    """Run this script again under another python3 that has botocore
    (AWSC_BOTOCORE_PYTHON, or Debian's), once."""
    if os.environ.get("AWSC_CHUNKED_REEXEC"):
        return
    candidates = [os.environ.get("AWSC_BOTOCORE_PYTHON"), "/usr/bin/python3"]
    for py in candidates:
        if not py or not os.path.exists(py):
            continue
        if os.path.realpath(py) == os.path.realpath(sys.executable):
            continue
        probe = subprocess.run([py, "-c", "import botocore.httpchecksum"],
                               capture_output=True)
        if probe.returncode == 0:
            env = dict(os.environ, AWSC_CHUNKED_REEXEC="1")
            sys.stdout.flush()
            os.execve(py, [py] + sys.argv, env)


try:
    import botocore
    from botocore import httpchecksum
except ImportError as e:
    _reexec_with_botocore()
    print("skip: botocore can not be imported by %s (%s)" %
          (sys.executable, e))
    sys.exit(77)


def _crc32c_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ (0x82F63B78 if c & 1 else 0)
        table.append(c)
    return table


class ReferenceCrc32cChecksum(httpchecksum.BaseChecksum):
    """CRC32C in plain Python, for when botocore's (awscrt) is missing."""
    _TABLE = _crc32c_table()

    def __init__(self):
        self._crc = 0xFFFFFFFF

    def update(self, chunk):
        c, t = self._crc, self._TABLE
        for b in chunk:
            c = (c >> 8) ^ t[(c ^ b) & 0xFF]
        self._crc = c

    def digest(self):
        return (self._crc ^ 0xFFFFFFFF).to_bytes(4, byteorder="big")


def checksum_class(alg):
    """botocore's class for alg, or (None, reason)."""
    names = {
        "CRC32": ["CrtCrc32Checksum", "Crc32Checksum"],
        "CRC32C": ["CrtCrc32cChecksum"],
        "SHA256": ["Sha256Checksum"],
        "SHA1": ["Sha1Checksum"],
    }[alg]
    reasons = []
    for name in names:
        cls = getattr(httpchecksum, name, None)
        if cls is None:
            reasons.append("%s missing" % name)
            continue
        try:
            c = cls()
            c.update(b"probe")
            c.b64digest()
            return cls, None
        except Exception as e:  # e.g. NameError: crt_checksums (no awscrt)
            reasons.append("%s unusable: %s: %s" % (name, type(e).__name__, e))
    return None, "; ".join(reasons)


def main():
    if len(sys.argv) != 2:
        print("usage: %s AWS_CHUNKED_TOOL" % sys.argv[0])
        return 2
    tool = sys.argv[1]
    print("botocore %s from %s (python %s)" %
          (botocore.__version__, os.path.dirname(botocore.__file__),
           sys.version.split()[0]))
    rng = random.Random(20240601)
    bodies = {n: bytes(rng.getrandbits(8) for _ in range(n)) for n in SIZES}
    passed = failed = 0
    for alg in ALGORITHMS:
        cls, reason = checksum_class(alg)
        label = alg
        if cls is None:
            if alg != "CRC32C":
                print("skip %s: %s" % (alg, reason))
                continue
            print("note %s: botocore's class is not available (%s); using a "
                  "reference CRC32C in Python with botocore's wrapper" %
                  (alg, reason))
            cls, label = ReferenceCrc32cChecksum, alg + "(reference crc)"
        name = "x-amz-checksum-%s" % alg.lower()
        for chunk in CHUNK_SIZES:
            for n in SIZES:
                body = bodies[n]
                want = httpchecksum.AwsChunkedWrapper(
                    io.BytesIO(body), checksum_cls=cls, checksum_name=name,
                    chunk_size=chunk).read()
                run = subprocess.run([tool, alg, str(chunk)], input=body,
                                     capture_output=True)
                case = "%s chunk=%d size=%d" % (label, chunk, n)
                if run.returncode != 0:
                    failed += 1
                    print("FAIL %s: tool exited %d: %s" %
                          (case, run.returncode,
                           run.stderr.decode(errors="replace").strip()))
                elif run.stdout != want:
                    failed += 1
                    at = next((i for i, (a, b) in
                               enumerate(zip(run.stdout, want)) if a != b),
                              min(len(run.stdout), len(want)))
                    print("FAIL %s: %d bytes vs botocore's %d, first "
                          "difference at %d: %r vs %r" %
                          (case, len(run.stdout), len(want), at,
                           run.stdout[at:at + 40], want[at:at + 40]))
                else:
                    passed += 1
                    print("ok   %s" % case)
    print("%d passed, %d failed" % (passed, failed))
    if failed:
        return 1
    return 0 if passed else 77


if __name__ == "__main__":
    sys.exit(main())
