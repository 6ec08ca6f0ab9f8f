"""A canned-response HTTP server for the binding's unit tests: answers by
(method, path prefix) with fixed status, headers and body, and records the
requests it got."""
import http.server
import threading


class FakeServer(object):
    def __init__(self, record=True):
        self.record = record
        self.routes = []  # (method, path predicate, status, headers, body)
        self.requests = []
        srv = self

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # headers and body go out in two writes: without this, Nagle
            # and the client's delayed ACK cost 40 ms per request
            disable_nagle_algorithm = True

            def log_message(self, *a):
                pass

            def _do(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                if srv.record:
                    srv.requests.append((self.command, self.path, dict(self.headers), body))
                for method, pred, status, headers, rbody in reversed(srv.routes):
                    if method == self.command and pred(self.path, body):
                        break
                else:
                    status, headers, rbody = 500, {}, b"no route"
                if callable(rbody):
                    rbody = rbody(self.path, body)
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                if "Content-Length" not in headers:
                    self.send_header("Content-Length", str(len(rbody)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(rbody)

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _do

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.httpd.daemon_threads = True
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def route(self, method, pred, status=200, headers=None, body=b""):
        if isinstance(pred, str):
            prefix = pred
            pred = lambda p, b: p.startswith(prefix)
        self.routes.append((method, pred, status, headers or {}, body))

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
