#!/usr/bin/env python3
"""tests/fault/fault_proxy.py - a loopback HTTP/1.1 proxy that forwards to a
local S3 server (Ceph RGW) and injects faults into a share of the requests.

    fault_proxy.py --upstream http://127.0.0.1:27480 [--port 0] [--rate 0.2]
                   [--seed 1] [--kinds reset_before,...] [--stall-s 25]
                   [--max-seconds 900] [--log FILE] [--port-file FILE]
                   [--script KIND,-,KIND,...]

Binds 127.0.0.1 only. Prints "PORT <n>" on stdout once it listens (and writes
the number to --port-file). Stops by itself after --max-seconds, or as soon
as its parent process exits (it polls the parent), or on SIGTERM/SIGINT.

For every request it draws, from one RNG seeded with --seed, whether to
inject a fault (probability --rate) and which kind (uniform over --kinds):

  reset_before    the request reaches the server, its answer is lost: the
                  client's connection is reset (RST) before any byte of it
  reset_mid       the status line, headers and half the body, then RST
  http500         no forwarding: 500 InternalError (S3 XML error body)
  http503         no forwarding: 503 SlowDown (S3 XML error body)
  stall           the answer is held for --stall-s seconds, then sent (if
                  the client is still there)
  truncate        the headers (Content-Length kept) and fewer bytes of the
                  body, then the connection is closed (FIN)
  flip            one byte of the body is flipped (XOR 0x01); the rest as
                  the server sent it, the connection stays usable
  close_headers   the status line and headers, then the connection closes

--script gives the faults of the first requests in order instead ("-" for
none; no fault after its end): a deterministic scenario for one test.

A body fault (reset_mid, truncate, flip) drawn for an answer without a body
(HEAD, 204, an empty 200) becomes reset_before, and the log says so.

Each injected fault is one line in --log (default stderr):
    FAULT <seq> <kind> <METHOD> <path> [<note>]
(the path without its query string: presigned URLs carry their signature
there). Each request forwarded to the server is one line "REQ <seq>
<METHOD> <path> <status>" (the 500/503 the proxy makes up are FAULT lines
only), so a reader can count requests and faults per window.
Python 3 standard library only.
"""
import argparse
import os
import random
import signal
import socket
import struct
import sys
import threading
import time
import urllib.parse

KINDS = ["reset_before", "reset_mid", "http500", "http503", "stall",
         "truncate", "flip", "close_headers"]
BODY_KINDS = {"reset_mid", "truncate", "flip"}

ERROR_XML = ('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>%s</Code>'
             '<Message>%s</Message><RequestId>fault-proxy</RequestId></Error>')


class Closed(Exception):
    """The peer closed the connection."""


class Reader:
    """Buffered reads of lines and exact byte counts from a socket."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def _fill(self):
        data = self.sock.recv(1 << 20)
        if not data:
            raise Closed()
        self.buf += data

    def line(self):
        while b"\r\n" not in self.buf:
            if len(self.buf) > 1 << 20:
                raise Closed()
            self._fill()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def exact(self, n):
        if len(self.buf) < n:
            # large bodies: collect the pieces, join once (no quadratic copy)
            parts, have = [self.buf], len(self.buf)
            while have < n:
                data = self.sock.recv(min(1 << 20, max(65536, n - have)))
                if not data:
                    raise Closed()
                parts.append(data)
                have += len(data)
            self.buf = b"".join(parts)
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def rest(self):
        """Everything up to the peer's close."""
        try:
            while True:
                self._fill()
        except (Closed, OSError):
            pass
        data, self.buf = self.buf, b""
        return data


def read_head(r):
    """Start line and headers [(name, value)] of one message."""
    start = r.line()
    while start == b"":  # tolerate stray CRLF between messages
        start = r.line()
    headers = []
    while True:
        line = r.line()
        if line == b"":
            return start, headers
        name, _, value = line.partition(b":")
        headers.append((name.strip(), value.strip()))


def header(headers, name):
    for n, v in headers:
        if n.lower() == name:
            return v
    return None


def read_chunked(r):
    body = b""
    while True:
        size = int(r.line().split(b";")[0], 16)
        if size == 0:
            while r.line() != b"":
                pass
            return body
        body += r.exact(size)
        r.exact(2)


def read_body(r, headers, no_body):
    if no_body:
        return b""
    te = header(headers, b"transfer-encoding")
    if te and b"chunked" in te.lower():
        return read_chunked(r)
    cl = header(headers, b"content-length")
    if cl is not None:
        return r.exact(int(cl))
    return None  # until close (responses only)


def reset(sock):
    """Close with RST instead of FIN."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                        struct.pack("ii", 1, 0))
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass


class Proxy:
    def __init__(self, args):
        u = urllib.parse.urlsplit(args.upstream)
        self.up_host = u.hostname
        self.up_port = u.port or 80
        self.rate = args.rate
        self.kinds = args.kinds
        self.stall_s = args.stall_s
        self.rng = random.Random(args.seed)
        self.script = args.script
        self.lock = threading.Lock()
        self.seq = 0
        self.log = open(args.log, "a", buffering=1) if args.log else sys.stderr
        self.stop = threading.Event()

    def draw(self):
        with self.lock:
            self.seq += 1
            fault = None
            if self.script is not None:
                if self.seq <= len(self.script) and self.script[self.seq - 1] != "-":
                    fault = self.script[self.seq - 1]
            elif self.rng.random() < self.rate:
                fault = self.rng.choice(self.kinds)
            return self.seq, fault, self.rng.random()

    def note(self, text):
        with self.lock:
            self.log.write(text + "\n")

    def upstream(self):
        s = socket.create_connection((self.up_host, self.up_port), timeout=120)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return s

    def serve(self, client):
        client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        client.settimeout(300)
        r = Reader(client)
        up = None
        up_r = None
        try:
            while not self.stop.is_set():
                try:
                    start, headers = read_head(r)
                except (Closed, OSError):
                    return
                method, target, _ = start.decode("latin-1").split(" ", 2)
                path = target.split("?", 1)[0]
                expect = header(headers, b"expect")
                if expect and expect.lower() == b"100-continue":
                    client.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
                    headers = [h for h in headers if h[0].lower() != b"expect"]
                body = read_body(r, headers, False) or b""
                seq, fault, pos = self.draw()
                if fault in ("http500", "http503"):
                    code, status, msg = (
                        ("InternalError", "500 Internal Server Error",
                         "We encountered an internal error. Please try again.")
                        if fault == "http500" else
                        ("SlowDown", "503 Slow Down",
                         "Please reduce your request rate."))
                    xml = (ERROR_XML % (code, msg)).encode()
                    client.sendall(("HTTP/1.1 %s\r\nContent-Type: application/xml"
                                    "\r\nContent-Length: %d\r\n\r\n"
                                    % (status, len(xml))).encode() + xml)
                    self.note("FAULT %d %s %s %s" % (seq, fault, method, path))
                    continue
                if up is None:
                    up = self.upstream()
                    up_r = Reader(up)
                out = [start]
                for n, v in headers:
                    if n.lower() in (b"content-length", b"transfer-encoding"):
                        continue
                    out.append(n + b": " + v)
                if body or method in ("PUT", "POST", "PATCH"):
                    out.append(b"Content-Length: %d" % len(body))
                up.sendall(b"\r\n".join(out) + b"\r\n\r\n" + body)
                rstart, rheaders = read_head(up_r)
                while rstart.split(b" ")[1:2] == [b"100"]:
                    rstart, rheaders = read_head(up_r)
                status = int(rstart.split(b" ")[1])
                no_body = method == "HEAD" or status in (204, 304)
                rbody = read_body(up_r, rheaders, no_body)
                up_closes = rbody is None or (
                    (header(rheaders, b"connection") or b"").lower() == b"close")
                if rbody is None:
                    rbody = up_r.rest()
                if up_closes:
                    up.close()
                    up = None
                self.note("REQ %d %s %s %d" % (seq, method, path, status))
                if not self.answer(client, seq, fault, pos, method, path,
                                   rstart, rheaders, rbody, no_body):
                    return
        except (Closed, OSError, ValueError, IndexError):
            return
        finally:
            if up is not None:
                up.close()
            try:
                client.close()
            except OSError:
                pass

    def answer(self, client, seq, fault, pos, method, path, rstart, rheaders,
               rbody, no_body):
        """Send the answer with `fault` applied; False: connection is gone."""
        hdrs = [rstart]
        for n, v in rheaders:
            if n.lower() in (b"content-length", b"transfer-encoding",
                             b"connection"):
                continue
            hdrs.append(n + b": " + v)
        if not no_body or header(rheaders, b"content-length") is not None:
            cl = header(rheaders, b"content-length") if no_body else None
            hdrs.append(b"Content-Length: " + (cl or str(len(rbody)).encode()))
        head = b"\r\n".join(hdrs) + b"\r\n\r\n"
        note = ""
        if fault in BODY_KINDS and not rbody:
            note = "(%s: no body)" % fault
            fault = "reset_before"
        if fault:
            self.note(("FAULT %d %s %s %s %s" % (seq, fault, method, path, note)).rstrip())
        if fault == "reset_before":
            reset(client)
            return False
        if fault == "close_headers":
            client.sendall(head)
            client.shutdown(socket.SHUT_RDWR)
            return False
        if fault == "reset_mid":
            client.sendall(head + rbody[:len(rbody) // 2])
            reset(client)
            return False
        if fault == "truncate":
            cut = max(0, min(len(rbody) - 1, int(len(rbody) * pos)))
            client.sendall(head + rbody[:cut])
            client.shutdown(socket.SHUT_RDWR)
            return False
        if fault == "flip":
            i = min(len(rbody) - 1, int(len(rbody) * pos))
            rbody = rbody[:i] + bytes([rbody[i] ^ 0x01]) + rbody[i + 1:]
        if fault == "stall":
            # hold the answer; give up early if the client goes away
            end = time.monotonic() + self.stall_s
            while time.monotonic() < end and not self.stop.is_set():
                client.settimeout(0.2)
                try:
                    if client.recv(1, socket.MSG_PEEK) == b"":
                        return False
                except socket.timeout:
                    pass
                except OSError:
                    return False
            client.settimeout(300)
        client.sendall(head + rbody)
        return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--upstream", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--rate", type=float, default=0.2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--kinds", default=",".join(KINDS))
    ap.add_argument("--stall-s", type=float, default=25.0)
    ap.add_argument("--max-seconds", type=float, default=900.0)
    ap.add_argument("--log")
    ap.add_argument("--port-file")
    ap.add_argument("--script")
    args = ap.parse_args()
    args.kinds = [k for k in args.kinds.split(",") if k]
    if args.script is not None:
        args.script = args.script.split(",")
    bad = [k for k in args.kinds + (args.script or []) if k not in KINDS + ["-"]]
    if bad or not args.kinds:
        ap.error("unknown fault kind(s) %s; known: %s" % (bad, ", ".join(KINDS)))

    proxy = Proxy(args)
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", args.port))
    srv.listen(64)
    srv.settimeout(0.5)
    port = srv.getsockname()[1]
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write("%d\n" % port)
        os.replace(args.port_file + ".tmp", args.port_file)
    print("PORT %d" % port, flush=True)

    parent = os.getppid()
    deadline = time.monotonic() + args.max_seconds
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: proxy.stop.set())
    while not proxy.stop.is_set():
        if time.monotonic() > deadline or os.getppid() != parent:
            break
        try:
            conn, _ = srv.accept()
        except socket.timeout:
            continue
        except OSError:
            break
        threading.Thread(target=proxy.serve, args=(conn,), daemon=True).start()
    proxy.stop.set()
    srv.close()


if __name__ == "__main__":
    main()
