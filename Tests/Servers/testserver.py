#!/usr/bin/env python3
"""A small HTTP/1.1 test server for crawld's tests (Python 3 standard library only).

Usage: testserver.py [--root DIR]

It binds 127.0.0.1 on a free port and prints that port alone on the first line
of stdout, so a test can read it back. It exits when its stdin reaches EOF (the
test process closed the pipe or died), or on SIGTERM. Every response carries a
Content-Length unless a route says otherwise, so keep-alive connections work.

Routes (query parameters in brackets; anything else is a static file):
  /status/N                     status N, a small text body ("status N")
  /redirect/N [to=PATH]         302 to /redirect/N-1; /redirect/0 is 200 HTML, or a 302 to `to`
  /redirect-to?url=U [status=S] a redirect (302 by default) to U, which may be absolute
  /redirect-loop                302 to /redirect-loop?again=1, which 302s back: a cycle
  /slow-headers [ms=M]          waits M ms (default 5000) before the status line
  /stall-body [bytes=B ms=M]    promises 2*B bytes, sends B (default 1024), stalls M ms (default 60000)
  /reset-body [bytes=B]         promises 2*B bytes, sends B (default 1024), then resets the connection (RST)
  /gzip                         gzip-encoded HTML (Content-Encoding: gzip, whatever was asked)
  /big [bytes=N chunked=1]      N bytes (default 1048576) of text/plain; chunked=1 omits Content-Length
  /set-cookie?k=v&...           one `Set-Cookie: k=v; Path=/` per parameter
  /set-cookie-raw?h=H [to=PATH] one Set-Cookie header with the raw value H; with `to`, a 302 to PATH
  /echo-cookie                  JSON {"cookie": the Cookie header or ""}
  /headers                      JSON object of the request headers (names lower-cased)
  /json                         application/json {"hello": "world", "n": 1}
  /png                          a 1x1 PNG as image/png
  /png-as-html                  the same PNG bytes labelled text/html
  /flaky?key=K [fail=N status=S] answers S (default 503) N times (default 1) per key K, then 200
  /connections                  JSON {"connections": TCP connections accepted so far, this one included}
  /robots.txt                   the file robots.txt from the root, or 404 when there is none
  /<path>                       a file under --root (index.html for a directory), or 404
"""

import argparse
import gzip
import json
import os
import signal
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit, unquote

PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)

MIME = {
    ".html": "text/html; charset=utf-8", ".htm": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8", ".json": "application/json",
    ".css": "text/css", ".js": "application/javascript", ".png": "image/png",
    ".xml": "application/xml",
}


class State:
    """What the server counts across connections; shared by handler threads."""

    def __init__(self, root):
        self.root = root
        self.lock = threading.Lock()
        self.connections = 0
        self.flaky = {}


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, state):
        self.state = state
        super().__init__(("127.0.0.1", 0), Handler)

    def handle_error(self, request, client_address):
        """Quiet: routes such as /reset-body break their own connection on purpose."""
        if os.environ.get("TESTSERVER_VERBOSE"):
            super().handle_error(request, client_address)

    def process_request(self, request, client_address):
        with self.state.lock:
            self.state.connections += 1
        super().process_request(request, client_address)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "crawld-testserver/1"

    def log_message(self, format, *args):
        if os.environ.get("TESTSERVER_VERBOSE"):
            sys.stderr.write("testserver: " + (format % args) + "\n")

    # MARK: - helpers

    def send(self, status, body=b"", content_type="text/plain; charset=utf-8", headers=()):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_json(self, value, status=200):
        self.send(status, json.dumps(value), "application/json")

    def redirect(self, location, status=302):
        self.send(status, "redirecting to " + location, headers=[("Location", location)])

    def int_param(self, query, name, default):
        try:
            return int(query.get(name, default))
        except ValueError:
            return default

    # MARK: - routing

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        segments = path.strip("/").split("/")
        route = ROUTES.get(segments[0])
        if route is not None:
            route(self, segments[1:], query)
        else:
            self.static(path)

    def static(self, path):
        root = self.server.state.root
        if root is None:
            return self.send(404, "not found")
        full = os.path.realpath(os.path.join(root, path.lstrip("/")))
        if not full.startswith(os.path.realpath(root)):
            return self.send(404, "not found")
        if os.path.isdir(full):
            full = os.path.join(full, "index.html")
        if not os.path.isfile(full):
            return self.send(404, "not found")
        with open(full, "rb") as f:
            body = f.read()
        ext = os.path.splitext(full)[1].lower()
        self.send(200, body, MIME.get(ext, "application/octet-stream"))

    # MARK: - routes

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
        self.redirect(q.get("url", "/"), self.int_param(q, "status", 302))

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
            count = self.server.state.connections
        self.send_json({"connections": count})

    def route_robots(self, rest, q):
        self.static("/robots.txt")


ROUTES = {
    "status": Handler.route_status, "redirect": Handler.route_redirect, "redirect-to": Handler.route_redirect_to,
    "redirect-loop": Handler.route_redirect_loop, "slow-headers": Handler.route_slow_headers,
    "stall-body": Handler.route_stall_body, "reset-body": Handler.route_reset_body, "gzip": Handler.route_gzip,
    "big": Handler.route_big, "set-cookie": Handler.route_set_cookie, "set-cookie-raw": Handler.route_set_cookie_raw,
    "echo-cookie": Handler.route_echo_cookie, "headers": Handler.route_headers, "json": Handler.route_json, "png": Handler.route_png,
    "png-as-html": Handler.route_png_as_html, "flaky": Handler.route_flaky, "connections": Handler.route_connections,
    "robots.txt": Handler.route_robots,
}


def exit_on_stdin_eof():
    """Ends the server when the test process closes our stdin or dies."""
    while sys.stdin.buffer.read(4096):
        pass
    os._exit(0)


def main():
    parser = argparse.ArgumentParser(description="crawld test HTTP server")
    parser.add_argument("--root", help="directory of static files (and robots.txt)")
    args = parser.parse_args()
    server = Server(State(args.root))
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    threading.Thread(target=exit_on_stdin_eof, daemon=True).start()
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
