#!/usr/bin/env python3
"""A site that refuses to be crawled too fast, on 127.0.0.1 at a free port.

Prints "PORT <n>" on stdout once listening. Pages /p/<i>.html for i < --pages,
each linking to /p/<2i+1>.html and /p/<2i+2>.html (a binary tree, so a crawl
has many pages to fetch at once from the start).

Politeness it demands:
  * a token bucket of --rate requests per second and --burst tokens; a request
    finding it empty gets 429 with "Retry-After: <--retry-after>";
  * it slows down under load: each answer waits --latency-ms plus
    --load-ms for every other request in flight;
  * with --outage-after n, the n-th page request starts an outage of
    --outage-s seconds in which every page answers 503 with "Retry-After: 1"
    at once (a server that is down behind its load balancer, then recovers;
    the pages asked before it still take their time).
Identities: a request whose User-Agent equals --block gets 403 with a body
saying "blocked".

Every page request is logged to --log as "<unix time> <status> <user agent>"
(spaces in the user agent written as "_").
The server exits when its stdin closes, so it never outlives a killed test run.
"""
import argparse
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARGS = None
LOCK = threading.Lock()
STATE = {"tokens": 0.0, "refilled": 0.0, "in_flight": 0, "requests": 0, "outage_until": 0.0}
LOG = None


def take_token(now):
    """One token from the bucket, or False when it is empty."""
    tokens = min(ARGS.burst, STATE["tokens"] + (now - STATE["refilled"]) * ARGS.rate)
    STATE["refilled"] = now
    if tokens < 1:
        STATE["tokens"] = tokens
        return False
    STATE["tokens"] = tokens - 1
    return True


def page(i):
    links = "".join(f'<a href="/p/{k}.html">p{k}</a>' for k in (2 * i + 1, 2 * i + 2) if k < ARGS.pages)
    return f"<html><head><title>p{i}</title></head><body>{links}</body></html>"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body, headers=()):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/robots.txt":
            return self.answer(404, "")
        agent = (self.headers.get("User-Agent") or "-").replace(" ", "_")
        with LOCK:
            now = time.time()
            STATE["in_flight"] += 1
            STATE["requests"] += 1
            if STATE["requests"] == ARGS.outage_after:
                STATE["outage_until"] = now + ARGS.outage_s
            others = STATE["in_flight"] - 1
            if ARGS.block and ARGS.block == self.headers.get("User-Agent"):
                status = 403
            elif now < STATE["outage_until"]:
                status = 503
            else:
                status = 200 if take_token(now) else 429
            LOG.write(f"{now:.6f} {status} {agent}\n")
            LOG.flush()
        try:
            if status != 503:
                time.sleep((ARGS.latency_ms + ARGS.load_ms * others) / 1000)
            if status == 403:
                return self.answer(403, "<html><body>blocked</body></html>")
            if status in (429, 503):
                retry = ARGS.retry_after if status == 429 else "1"
                return self.answer(status, "slow down", [("Retry-After", retry)])
            name = url.path[len("/p/"):-len(".html")] if url.path.startswith("/p/") and url.path.endswith(".html") else ""
            if not name.isdigit() or int(name) >= ARGS.pages:
                return self.answer(404, "not found")
            self.answer(200, page(int(name)))
        finally:
            with LOCK:
                STATE["in_flight"] -= 1


def main():
    global ARGS, LOG
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--rate", type=float, default=50)
    parser.add_argument("--burst", type=float, default=10)
    parser.add_argument("--retry-after", default="1")
    parser.add_argument("--latency-ms", type=float, default=5)
    parser.add_argument("--load-ms", type=float, default=2)
    parser.add_argument("--block", default="")
    parser.add_argument("--outage-after", type=int, default=0)
    parser.add_argument("--outage-s", type=float, default=0)
    parser.add_argument("--log", required=True)
    ARGS = parser.parse_args()
    LOG = open(ARGS.log, "a")
    STATE["tokens"] = ARGS.burst
    STATE["refilled"] = time.time()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(f"PORT {server.server_address[1]}", flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()


if __name__ == "__main__":
    main()
