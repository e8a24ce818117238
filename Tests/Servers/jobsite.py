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
  /robots.txt    "User-agent: *  Disallow: /private/", plus "Crawl-delay: <v>" with
                 --crawl-delay, plus 498 KiB of long wildcard rules with
                 --hostile-robots; or an empty answer with --robots-status
                 when that is not 200; after --robots-latency-ms
  /wide/<i>      a page linking to 10,000 fresh URLs /wide/<i>-<k> (a frontier that
                 grows without bound unless the crawler bounds it)
  /long/<i>      a page linking to 60 URLs of about 4 KB each (/long/<i>-<k>/aaaa...)
  /collide.html  links to /c/<x> and /c/<y>, two paths whose full URLs have the
                 same 64-bit FNV-1a hash on this server (see colliding_paths)
  /c/<any>       a small page
Every page waits --latency-ms before answering, so a test can stop a job mid-way;
with --hold-after K the page requests after the K-th wait until GET /release,
so a job is mid-way for as long as the test needs, however loaded the machine.
With --require-header "Name: value" every path but /robots.txt answers 403 to a
request without that header (a site that needs an identity's credentials).
With --hosts N the same site is served on 127.0.0.2 ... 127.0.0.(N+1), one port
for all; with --log PATH each request appends "<start> <end> <host> <path>"
(seconds since the epoch, when it was read and when its answer was written),
so a test can check politeness from the server's own clock; with --arrivals
PATH each request appends "<path>" the moment it is read, so a test can wait
for a request that is still being answered.
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
HOSTILE_ROBOTS = None
LOCK = threading.Lock()
# With --hold-after K: page requests past the K-th wait until GET /release.
SERVED = [0]
RELEASED = threading.Event()


# A short vector d with sum(d[i] * P**(11 - i)) = 0 mod 2**64 (P the FNV-1a 64
# prime), found once with LLL. Two strings whose per-byte FNV steps differ by d
# collide; colliding_paths picks such bytes for this server's URL prefix.
FNV_PRIME = 0x100000001B3
COLLISION_DELTA = [-1, -8, 2, 4, 10, 6, -14, -2, -18, -13, 15, -17]
PATH_BYTES = b"abcdefghijklmnopqrstuvwxyz0123456789"


def fnv1a64(data, h=0xCBF29CE484222325):
    for b in data:
        h = ((h ^ b) * FNV_PRIME) % (1 << 64)
    return h


def colliding_paths(prefix):
    """Two different suffixes x, y with fnv1a64(prefix + x) == fnv1a64(prefix + y).

    Byte i of FNV-1a adds d = (low ^ c) - low to the state before multiplying
    (low: the state's low byte, whose path depends only on earlier low bytes),
    so the final states differ by sum((d_x - d_y) * P**k): zero when the
    differences follow COLLISION_DELTA. A depth-first search picks bytes.
    """
    start = fnv1a64(prefix) & 0xFF

    def search(i, lx, ly, xs, ys):
        if i == len(COLLISION_DELTA):
            return xs, ys
        for a in PATH_BYTES:
            t = ly + ((lx ^ a) - lx) - COLLISION_DELTA[i]
            if 0 <= t <= 255 and (ly ^ t) in PATH_BYTES:
                b = ly ^ t
                found = search(i + 1, ((lx ^ a) * 0xB3) & 0xFF, ((ly ^ b) * 0xB3) & 0xFF, xs + bytes([a]), ys + bytes([b]))
                if found:
                    return found
        return None

    x, y = search(0, start, start, b"", b"")
    assert fnv1a64(prefix + x) == fnv1a64(prefix + y) and x != y
    return x.decode(), y.decode()


def hostile_robots():
    """About 498 KiB of 1,000-byte wildcard rules: a matcher that backtracks to
    the last `*` compares the 1,000 a's again at every byte of a long path of a's."""
    rule = "Disallow: /*" + "a" * 1000 + "b\n"
    return "".join(rule for _ in range(498 * 1024 // len(rule)))


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
        start = time.time()
        if ARGS.arrivals:
            with LOCK, open(ARGS.arrivals, "a") as arrivals:
                arrivals.write(f"{self.path}\n")
        try:
            self.answer()
        finally:
            if ARGS.log:
                with LOCK, open(ARGS.log, "a") as log:
                    log.write(f"{start:.6f} {time.time():.6f} {self.server.server_address[0]} {self.path}\n")

    def answer(self):
        path = self.path.split("?")[0]
        if path == "/robots.txt":
            time.sleep(ARGS.robots_latency_ms / 1000)
            if ARGS.robots_status != 200:
                return self.send(ARGS.robots_status, "")
            robots = "User-agent: *\nDisallow: /private/\n"
            if ARGS.crawl_delay is not None:
                robots += f"Crawl-delay: {ARGS.crawl_delay}\n"
            if ARGS.hostile_robots:
                robots += HOSTILE_ROBOTS
            return self.send(200, robots, "text/plain")
        if path == "/release":
            RELEASED.set()
            return self.send(200, "released", "text/plain")
        time.sleep(ARGS.latency_ms / 1000)
        if ARGS.require_header:
            name, value = ARGS.require_header.split(":", 1)
            if self.headers.get(name.strip()) != value.strip():
                return self.send(403, "credentials required")
        if path.startswith("/p/") and path.endswith(".html"):
            if ARGS.hold_after is not None:
                with LOCK:
                    SERVED[0] += 1
                    held = SERVED[0] > ARGS.hold_after
                if held:
                    RELEASED.wait()
            try:
                i = int(path[3:-5])
            except ValueError:
                return self.send(404, "not found")
            if 0 <= i < ARGS.pages:
                return self.send(200, page(i, ARGS.pages))
        if path.startswith("/wide/"):
            name = path[len("/wide/"):]
            body = "".join(f'<a href="/wide/{name}-{k}">w</a>\n' for k in range(10_000))
            return self.send(200, f"<html><body>\n{body}</body></html>\n")
        if path.startswith("/long/"):
            name = path[len("/long/"):].split("/")[0]
            body = "".join(f'<a href="/long/{name}-{k}/{"a" * 4000}">l</a>\n' for k in range(60))
            return self.send(200, f"<html><body>\n{body}</body></html>\n")
        if path == "/collide.html":
            base = f"http://127.0.0.1:{self.server.server_address[1]}/c/"
            x, y = colliding_paths(base.encode())
            return self.send(200, f'<html><body><a href="/c/{x}">x</a> <a href="/c/{y}">y</a></body></html>\n')
        if path.startswith("/c/"):
            return self.send(200, "<html><head><title>Collision</title></head></html>")
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
    parser.add_argument("--crawl-delay", default=None)
    parser.add_argument("--hostile-robots", action="store_true")
    parser.add_argument("--robots-latency-ms", type=int, default=0)
    parser.add_argument("--extra-links", type=int, default=0)
    parser.add_argument("--hosts", type=int, default=0)
    parser.add_argument("--log", default=None)
    parser.add_argument("--arrivals", default=None)
    parser.add_argument("--hold-after", type=int, default=None)
    parser.add_argument("--require-header", default=None)
    ARGS = parser.parse_args()
    global HOSTILE_ROBOTS
    HOSTILE_ROBOTS = hostile_robots()
    addresses = [f"127.0.0.{2 + i}" for i in range(ARGS.hosts)] or ["127.0.0.1"]
    servers = [ThreadingHTTPServer((addresses[0], 0), Handler)]
    port = servers[0].server_address[1]
    servers += [ThreadingHTTPServer((address, port), Handler) for address in addresses[1:]]
    for server in servers:
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"PORT {port}", flush=True)
    sys.stdin.read()
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
