"""get_object of a large object read with iter_chunks through the Python
binding, against the C library's own throughput on the same object and
server (issue 11 point 4: >= 0.9x, memory flat).

    AWSC_E2E_S3_ENDPOINT=... AWSC_E2E_ACCESS_KEY_ID=... \
    AWSC_E2E_SECRET_ACCESS_KEY=... python3 tests/bench/bench_python_stream.py \
        [--size-mib 1024] [--chunk-kib 1024] [--rounds 3] [--keep] [--fast]
        [--paired]

--fast: against build/tests/bench/fast_s3_server instead (no RGW needed): a
16 MiB object read size/16 MiB times, which shows the client's own cost per
byte where RGW on a shared machine bounds the throughput first.

Cases, each in its own process (its peak RSS is its own), run in turn in
each of --rounds rounds, the order rotated from one round to the next (on
a shared machine the server's speed drifts: no case always runs first or
last); the best and the median of the rounds by wall time are shown, and
each round's python / c-reader ratio (the two ran one after the other):
  c-sink     the C library alone: awsc_call_json_body GetObject with the
             body to a file sink (in /dev/shm, removed after each read): no
             Python in the transfer
  c-reader   the C pull reader in a loop (awsc_body_reader_read into one
             reused buffer of the chunk size), driven through ctypes
  python     s3.get_object(...)['Body'].iter_chunks(chunk) of the binding
             (the body read through the same reader, each chunk a new bytes)
Prints MiB/s, CPU seconds and peak RSS per case, then python / c-sink and
python / c-reader.

--paired: the three cases read the object at the same time, in three
processes started together, in each of --rounds rounds: all see the same
server and machine load at every moment, so the ratios of their
throughputs show what each client adds, where one case after the other mostly shows
how the server's speed drifted between the two runs (+-25 % from one
12-second run to the next on this shared machine). The object is uploaded once (upload_file) and deleted
at the end unless --keep. Exit 77 with the reason when no server is set.
"""
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "bindings", "python"))
PY = os.environ.get("AWSC_PY_REAL_PYTHON", sys.executable)
BUCKET = "awsc-pystream-bench"
KEY = "big.bin"


def client():
    import awsc
    if os.environ.get("AWSC_PYSTREAM_FAST"):
        return awsc.client("s3", endpoint_url=os.environ["AWSC_PYSTREAM_FAST"],
                           region_name="us-east-1", aws_access_key_id="AKIDBENCH",
                           aws_secret_access_key="secret")
    return awsc.client("s3", endpoint_url=os.environ["AWSC_E2E_S3_ENDPOINT"],
                       region_name=os.environ.get("AWSC_E2E_REGION") or "us-east-1",
                       aws_access_key_id=os.environ["AWSC_E2E_ACCESS_KEY_ID"],
                       aws_secret_access_key=os.environ["AWSC_E2E_SECRET_ACCESS_KEY"])


def case(name, chunk, times):
    """One measurement in this process: prints RESULT {...}."""
    s3 = client()
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.time()
    n = 0
    for _ in range(times):
        n += read_once(s3, name, chunk)
    wall = time.time() - t0
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    print("RESULT " + json.dumps({"bytes": n, "wall": wall, "cpu": cpu,
                                  "maxrss_mib": r1.ru_maxrss / 1024.0}), flush=True)


def read_once(s3, name, chunk):
    import ctypes
    from awsc import _lib
    params = json.dumps({"Bucket": BUCKET, "Key": KEY}).encode()
    n = 0
    if name == "c-sink":
        opts = _lib.CallBodyOptions()
        opts.version = 1
        opts.response_sink.kind = _lib.SINK_FILE
        # a file in tmpfs, written as a download to a file is (the ETag-MD5
        # check that would read it back is off by default, as in botocore)
        sink = os.path.join("/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir(),
                            "awsc-pystream-%d" % os.getpid())
        opts.response_sink.path = sink.encode()
        out, body, blen, err = ctypes.c_void_p(), ctypes.c_void_p(), ctypes.c_size_t(), _lib.Error()
        rc = _lib.lib.awsc_call_json_body(ctypes.byref(out), ctypes.byref(body), ctypes.byref(blen),
                                          s3._c, b"GetObject", params, ctypes.byref(opts),
                                          ctypes.byref(err))
        meta = json.loads(_lib.take_bytes(out.value) or b"{}")
        if os.path.exists(sink):
            os.unlink(sink)
        _lib.check(rc, err)
        n = meta.get("ContentLength", 0)
    elif name == "c-reader":
        meta, reader = _lib.open_reader(s3._c, b"GetObject", params, s3._owner.loops, s3)
        buf = ctypes.create_string_buffer(chunk)
        err = _lib.Error()
        rd = _lib.lib.awsc_body_reader_read
        h = reader._r
        while True:
            got = rd(h, buf, chunk, ctypes.byref(err))
            if got < 0:
                raise _lib.CallFailed(int(got), err)
            if got == 0:
                break
            n += got
        reader.close()
    else:
        body = s3.get_object(Bucket=BUCKET, Key=KEY)["Body"]
        for piece in body.iter_chunks(chunk):
            n += len(piece)
    return n


def ensure_object(size):
    s3 = client()
    try:
        s3.create_bucket(Bucket=BUCKET)
    except Exception as e:  # already there
        if "BucketAlreadyOwnedByYou" not in str(e) and "BucketAlreadyExists" not in str(e):
            raise
    try:
        if s3.head_object(Bucket=BUCKET, Key=KEY)["ContentLength"] == size:
            return s3
    except Exception:  # not there yet
        pass
    block = os.urandom(1 << 20)
    with tempfile.NamedTemporaryFile(prefix="awsc-pystream-") as f:
        for _ in range(size >> 20):
            f.write(block)
        f.flush()
        s3.upload_file(f.name, BUCKET, KEY)
    return s3


def fast_server(size):
    exe = os.path.join(os.environ.get("AWSC_BUILD_DIR", os.path.join(ROOT, "build")),
                       "tests", "bench", "fast_s3_server")
    srv = subprocess.Popen([exe, "--size", str(size), "--max-seconds", "1800"],
                           stdout=subprocess.PIPE, text=True)
    port = srv.stdout.readline().split()[1]
    os.environ["AWSC_PYSTREAM_FAST"] = "http://127.0.0.1:%s" % port
    return srv


def main():
    def arg(name, default):
        return int(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default
    size = arg("--size-mib", 1024) << 20
    chunk = arg("--chunk-kib", 1024) << 10
    rounds = arg("--rounds", 3)
    times = 1
    srv = None
    if "--fast" in sys.argv:
        # the loopback server of tests/bench (objects of at most 16 MiB):
        # the object read size/16 MiB times, so that the client's own cost
        # per byte shows (RGW on a shared machine bounds throughput first)
        times = max(size // (16 << 20), 1)
        size = min(size, 16 << 20)
        srv = fast_server(size)
    elif not os.environ.get("AWSC_E2E_S3_ENDPOINT"):
        print("SKIP: AWSC_E2E_S3_ENDPOINT is not set (start the local S3 server: "
              "scripts/rgw-up.sh), and no --fast")
        return 77
    try:
        if "--paired" in sys.argv:
            return measure_paired(size, chunk, rounds, times, srv is None)
        return measure(size, chunk, rounds, times, srv is None)
    finally:
        if srv is not None:
            srv.terminate()
            srv.wait()


def run_case(name, chunk, times):
    return subprocess.Popen([PY, __file__, "--case", name, str(chunk), str(times)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def result_of(name, p, want):
    out, errtext = p.communicate()
    line = [x for x in out.splitlines() if x.startswith("RESULT ")]
    if p.returncode or not line:
        raise RuntimeError("%s failed:\n%s" % (name, out + errtext))
    r = json.loads(line[0][7:])
    if r["bytes"] != want:
        raise RuntimeError("%s read %d bytes of %d" % (name, r["bytes"], want))
    return r


def measure_paired(size, chunk, rounds, times, real):
    s3 = ensure_object(size) if real else None
    mib = size * times / float(1 << 20)
    names = ("c-sink", "c-reader", "python")
    ratios = {"c-sink": [], "c-reader": []}
    print("object %d MiB read %d time(s) (%s), chunk %d KiB, the three cases at the same "
          "time, %d rounds" % (size >> 20, times, "local S3" if real else "fast_s3_server",
                               chunk >> 10, rounds))
    for _ in range(rounds):
        procs = [(n, run_case(n, chunk, times)) for n in names]
        try:
            r = {n: result_of(n, p, size * times) for n, p in procs}
        except RuntimeError as e:
            print(e)
            return 1
        for other in ratios:
            ratios[other].append(r[other]["wall"] / r["python"]["wall"])
        print(" | ".join("%s %4.0f MiB/s cpu %4.2f s RSS %4.1f MiB"
                         % (n, mib / r[n]["wall"], r[n]["cpu"], r[n]["maxrss_mib"])
                         for n in names)
              + " | python / c-sink %.2fx, / c-reader %.2fx"
              % (ratios["c-sink"][-1], ratios["c-reader"][-1]))
    for other, xs in ratios.items():
        print("python / %-8s throughput, read together: %.2fx-%.2fx, median %.2fx"
              % (other, min(xs), max(xs), sorted(xs)[(len(xs) - 1) // 2]))
    if real and "--keep" not in sys.argv:
        s3.delete_object(Bucket=BUCKET, Key=KEY)
        s3.delete_bucket(Bucket=BUCKET)
    return 0


def measure(size, chunk, rounds, times, real):
    s3 = ensure_object(size) if real else None
    names = ("c-sink", "c-reader", "python")
    runs = {n: [] for n in names}
    per_round = []
    for rnd in range(rounds):
        order = names[rnd % 3:] + names[:rnd % 3]
        got = {}
        for name in order:
            p = subprocess.run([PY, __file__, "--case", name, str(chunk), str(times)],
                               capture_output=True, text=True)
            line = [x for x in p.stdout.splitlines() if x.startswith("RESULT ")]
            if p.returncode or not line:
                print("%s failed:\n%s" % (name, p.stdout + p.stderr))
                return 1
            r = json.loads(line[0][7:])
            if r["bytes"] != size * times:
                print("%s read %d bytes of %d" % (name, r["bytes"], size * times))
                return 1
            runs[name].append(r)
            got[name] = r
        per_round.append(got["c-reader"]["wall"] / got["python"]["wall"])
    print("object %d MiB read %d time(s) (%s), chunk %d KiB, %d rounds"
          % (size >> 20, times, "local S3" if real else "fast_s3_server", chunk >> 10, rounds))
    best = {n: min(runs[n], key=lambda r: r["wall"]) for n in names}
    med = {n: sorted(runs[n], key=lambda r: r["wall"])[(rounds - 1) // 2] for n in names}
    mib = size * times / float(1 << 20)
    for name in names:
        b, m = best[name], med[name]
        print("%-9s best %5.0f MiB/s (wall %6.2f s, cpu %5.2f s)  median %5.0f MiB/s  "
              "cpu %5.2f-%5.2f s  peak RSS %5.1f MiB"
              % (name, mib / b["wall"], b["wall"], b["cpu"], mib / m["wall"],
                 min(r["cpu"] for r in runs[name]), max(r["cpu"] for r in runs[name]),
                 max(r["maxrss_mib"] for r in runs[name])))
    for other in ("c-sink", "c-reader"):
        print("python / %-8s throughput %.2fx best, %.2fx median"
              % (other, best[other]["wall"] / best["python"]["wall"],
                 med[other]["wall"] / med["python"]["wall"]))
    print("python / c-reader by round: %s" % " ".join("%.2fx" % x for x in per_round))
    print("python / c-sink   CPU %.2fx (best rounds)" % (best["python"]["cpu"] / best["c-sink"]["cpu"]))
    if real and "--keep" not in sys.argv:
        s3.delete_object(Bucket=BUCKET, Key=KEY)
        s3.delete_bucket(Bucket=BUCKET)
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--case":
        case(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        sys.exit(main())
