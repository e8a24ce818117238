#!/usr/bin/env python3
"""A small HTTP/1.1 test server for crawld's tests (Python 3 standard library only).

Usage: testserver.py [--root DIR] [--tls] [--bind ADDRESS]

It binds 127.0.0.1 (or ADDRESS; 0.0.0.0 for every interface) on a free port and prints that port alone on the first line
of stdout, so a test can read it back. It exits when its stdin reaches EOF (the
test process closed the pipe or died), or on SIGTERM. Every response carries a
Content-Length unless a route says otherwise, so keep-alive connections work.
With --tls it speaks https only, with the self-signed selfsigned.pem beside
this script (CN and SAN 127.0.0.1 and localhost, valid until 2126). It is also
an HTTP proxy: a CONNECT request opens a tunnel to the host and port it names.

Routes (query parameters in brackets; anything else is a static file):
  /status/N                     status N, a small text body ("status N")
  /redirect/N [to=PATH]         302 to /redirect/N-1; /redirect/0 is 200 HTML, or a 302 to `to`
  /redirect-to?url=U [status=S bytes=B]
                                a redirect (302 by default) to U, which may be absolute; with B, a body of B bytes
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
  /connections                  JSON {"connections": TCP connections accepted so far, this one
                                included, "tunnels": CONNECT tunnels opened so far}
  /robots.txt                   the file robots.txt from the root, or 404 when there is none
  /<path>                       a file under --root (index.html for a directory), or 404
"""

import argparse
import json
import os
import signal
import socket
import ssl
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit, unquote

from testserver_routes import ROUTES, Routes

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
        self.tunnels = 0
        self.flaky = {}


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, state, tls, bind):
        self.state = state
        super().__init__((bind, 0), Handler)
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(os.path.join(os.path.dirname(os.path.abspath(__file__)), "selfsigned.pem"))
            # The handshake runs on the handler's thread, at its first read, not in accept().
            self.socket = context.wrap_socket(self.socket, server_side=True, do_handshake_on_connect=False)

    def handle_error(self, request, client_address):
        """Quiet: routes such as /reset-body break their own connection on purpose."""
        if os.environ.get("TESTSERVER_VERBOSE"):
            super().handle_error(request, client_address)

    def process_request(self, request, client_address):
        with self.state.lock:
            self.state.connections += 1
        super().process_request(request, client_address)


class Handler(Routes, BaseHTTPRequestHandler):
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

    def do_CONNECT(self):
        """Tunnels to host:port and relays bytes both ways until either side closes."""
        host, _, port = self.path.rpartition(":")
        try:
            upstream = socket.create_connection((host.strip("[]"), int(port)), timeout=10)
        except (OSError, ValueError) as error:
            return self.send(502, "cannot connect: %s" % error)
        with self.server.state.lock:
            self.server.state.tunnels += 1
        self.send_response(200, "Connection Established")
        self.end_headers()
        self.wfile.flush()
        upstream.settimeout(None)

        def relay(source, target):
            try:
                while data := source.recv(65536):
                    target.sendall(data)
            except OSError:
                pass
            for sock in (source, target):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

        threading.Thread(target=relay, args=(upstream, self.connection), daemon=True).start()
        relay(self.connection, upstream)
        upstream.close()
        self.close_connection = True

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


def exit_on_stdin_eof():
    """Ends the server when the test process closes our stdin or dies."""
    while sys.stdin.buffer.read(4096):
        pass
    os._exit(0)


def main():
    parser = argparse.ArgumentParser(description="crawld test HTTP server")
    parser.add_argument("--root", help="directory of static files (and robots.txt)")
    parser.add_argument("--tls", action="store_true", help="serve https with selfsigned.pem")
    parser.add_argument("--bind", default="127.0.0.1", help="the IPv4 address to listen on")
    args = parser.parse_args()
    server = Server(State(args.root), args.tls, args.bind)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    threading.Thread(target=exit_on_stdin_eof, daemon=True).start()
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
