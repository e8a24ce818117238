"""The routes of testserver.py, one method each (see the list at the top of testserver.py).

A mixin for its request handler: `self` is a BaseHTTPRequestHandler with the
helpers send, send_json, redirect, int_param and static, and `self.server.state`
holds the counters shared across connections.
"""

import gzip
import os
import socket
import struct
import time

PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


class Routes:
    def route_status(self, rest, q):
        code = int(rest[0]) if rest and rest[0].isdigit() else 400
        self.send(code, "status %d" % code)

    def route_redirect(self, rest, q):
        n = int(rest[0]) if rest and rest[0].isdigit() else 0
        if n > 0:
            suffix = ("?to=" + q["to"]) if "to" in q else ""
            return self.redirect("/redirect/%d%s" % (n - 1, suffix))
        if "to" in q:
            return self.redirect(q["to"])
        self.send(200, "<html><head><title>end of redirects</title></head><body>done</body></html>",
               "text/html; charset=utf-8")

    def route_redirect_to(self, rest, q):
        status = self.int_param(q, "status", 302)
        if "bytes" in q:
            body = "x" * self.int_param(q, "bytes", 0)
            return self.send(status, body, headers=[("Location", q.get("url", "/"))])
        self.redirect(q.get("url", "/"), status)

    def route_redirect_loop(self, rest, q):
        self.redirect("/redirect-loop" if "again" in q else "/redirect-loop?again=1")

    def route_slow_headers(self, rest, q):
        time.sleep(self.int_param(q, "ms", 5000) / 1000.0)
        self.send(200, "<html><head><title>slow</title></head><body>slow</body></html>", "text/html")

    def partial_body(self, q):
        n = self.int_param(q, "bytes", 1024)
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(2 * n))
        self.end_headers()
        self.wfile.write(b"x" * n)
        self.wfile.flush()

    def route_stall_body(self, rest, q):
        self.partial_body(q)
        time.sleep(self.int_param(q, "ms", 60000) / 1000.0)
        self.close_connection = True

    def route_reset_body(self, rest, q):
        self.partial_body(q)
        self.close_connection = True
        # SO_LINGER 0 turns the close into a TCP RST; detach() closes past the rfile/wfile references.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        os.close(self.connection.detach())

    def route_gzip(self, rest, q):
        html = "<html><head><title>gzipped</title></head><body>" + "compressible " * 200 + "</body></html>"
        self.send(200, gzip.compress(html.encode()), "text/html; charset=utf-8",
               headers=[("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding")])

    def route_big(self, rest, q):
        n = self.int_param(q, "bytes", 1048576)
        if q.get("chunked") != "1":
            return self.send(200, b"x" * n, "text/plain")
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        sent = 0
        while sent < n:
            size = min(65536, n - sent)
            self.wfile.write(b"%x\r\n" % size + b"x" * size + b"\r\n")
            sent += size
        self.wfile.write(b"0\r\n\r\n")

    def route_set_cookie(self, rest, q):
        cookies = [("Set-Cookie", "%s=%s; Path=/" % (k, v)) for k, v in q.items()]
        self.send(200, "cookies set", headers=cookies)

    def route_set_cookie_raw(self, rest, q):
        cookie = ("Set-Cookie", q.get("h", ""))
        if "to" in q:
            return self.send(302, "cookie set", headers=[cookie, ("Location", q["to"])])
        self.send(200, "cookie set", headers=[cookie])

    def route_echo_cookie(self, rest, q):
        self.send_json({"cookie": self.headers.get("Cookie", "")})

    def route_headers(self, rest, q):
        self.send_json({k.lower(): v for k, v in self.headers.items()})

    def route_json(self, rest, q):
        self.send_json({"hello": "world", "n": 1})

    def route_png(self, rest, q):
        self.send(200, PNG_1X1, "image/png")

    def route_png_as_html(self, rest, q):
        self.send(200, PNG_1X1, "text/html")

    def route_flaky(self, rest, q):
        key = q.get("key", "")
        state = self.server.state
        with state.lock:
            seen = state.flaky.get(key, 0)
            state.flaky[key] = seen + 1
        if seen < self.int_param(q, "fail", 1):
            return self.send(self.int_param(q, "status", 503), "try again (%d)" % (seen + 1))
        self.send(200, "<html><head><title>flaky ok</title></head><body>ok after %d</body></html>" % seen, "text/html")

    def route_connections(self, rest, q):
        with self.server.state.lock:
            counts = {"connections": self.server.state.connections, "tunnels": self.server.state.tunnels}
        self.send_json(counts)

    def route_close(self, rest, q):
        self.close_connection = True
        self.send(200, "closing", headers=[("Connection", "close")])

    def route_until_close(self, rest, q):
        """A body without Content-Length or chunks: it ends when the connection closes (HTTP/1.0 style)."""
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(b"y" * self.int_param(q, "bytes", 100000))

    def route_huge_header(self, rest, q):
        self.send(200, "after a huge header", headers=[("X-Huge", "h" * self.int_param(q, "bytes", 1000000))])

    def route_robots(self, rest, q):
        self.static("/robots.txt")


ROUTES = {
    "status": Routes.route_status, "redirect": Routes.route_redirect, "redirect-to": Routes.route_redirect_to,
    "redirect-loop": Routes.route_redirect_loop, "slow-headers": Routes.route_slow_headers,
    "stall-body": Routes.route_stall_body, "reset-body": Routes.route_reset_body, "gzip": Routes.route_gzip,
    "big": Routes.route_big, "set-cookie": Routes.route_set_cookie, "set-cookie-raw": Routes.route_set_cookie_raw,
    "echo-cookie": Routes.route_echo_cookie, "headers": Routes.route_headers, "json": Routes.route_json, "png": Routes.route_png,
    "png-as-html": Routes.route_png_as_html, "flaky": Routes.route_flaky, "connections": Routes.route_connections,
    "robots.txt": Routes.route_robots, "close": Routes.route_close, "until-close": Routes.route_until_close,
    "huge-header": Routes.route_huge_header,
}
