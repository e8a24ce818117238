#!/usr/bin/env python3
"""A generated site for the Jobs tests, served on 127.0.0.1 at a free port.

Prints "PORT <n>" on stdout once listening. Pages:
  /p/<i>.html    page i of --pages, linking to pages (i*7+1)%N, (i*3+2)%N and i+1
                 (when < N), each written in a different but equivalent form
                 (relative, with a fragment, through dot segments), plus an
                 out-of-scope link, one to /private/, and --extra-links more
                 out-of-scope links (to make big page records).
  /private/<i>   disallowed by robots.txt.
  /flaky/<name>  503 with Retry-After: 0 for the first two requests, then 200.
  /robots.txt    "User-agent: *  Disallow: /private/", or an empty answer with
                 --robots-status when that is not 200
Every page waits --latency-ms before answering, so a test can stop a job mid-way.
The server exits when its stdin closes, so it never outlives a killed test run.
"""
import argparse
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARGS = None
FLAKY = {}
LOCK = threading.Lock()


def page(i, n):
    links = []
    for k, j in enumerate(((i * 7 + 1) % n, (i * 3 + 2) % n, i + 1)):
        if j >= n:
            continue
        form = k % 3
        if form == 0:
            links.append(f"/p/{j}.html")
        elif form == 1:
            links.append(f"{j}.html#section")
        else:
            links.append(f"/p/../p/./{j}.html")
    links.append("http://elsewhere.invalid/out.html")
    links.append(f"/private/{i}")
    links.extend(f"http://elsewhere.invalid/{i}/{k}.html" for k in range(ARGS.extra_links))
    body = "".join(f'<a href="{href}">link</a>\n' for href in links)
    return f"<html><head><title>Page {i}</title></head><body>\n{body}</body></html>\n"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body, content_type="text/html", headers=()):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for key, value in headers:
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        path = self.path.split("?")[0]
        if path == "/robots.txt":
            if ARGS.robots_status != 200:
                return self.send(ARGS.robots_status, "")
            return self.send(200, "User-agent: *\nDisallow: /private/\n", "text/plain")
        time.sleep(ARGS.latency_ms / 1000)
        if path.startswith("/p/") and path.endswith(".html"):
            try:
                i = int(path[3:-5])
            except ValueError:
                return self.send(404, "not found")
            if 0 <= i < ARGS.pages:
                return self.send(200, page(i, ARGS.pages))
        if path.startswith("/private/"):
            return self.send(200, "<html><head><title>Private</title></head></html>")
        if path.startswith("/flaky/"):
            with LOCK:
                FLAKY[path] = FLAKY.get(path, 0) + 1
                count = FLAKY[path]
            if count <= 2:
                return self.send(503, "try later", headers=[("Retry-After", "0")])
            return self.send(200, f"<html><head><title>Flaky after {count}</title></head></html>")
        return self.send(404, "not found")


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--latency-ms", type=int, default=0)
    parser.add_argument("--robots-status", type=int, default=200)
    parser.add_argument("--extra-links", type=int, default=0)
    ARGS = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(f"PORT {server.server_address[1]}", flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
