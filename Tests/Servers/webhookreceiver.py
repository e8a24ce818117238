#!/usr/bin/env python3
"""A webhook receiver for crawld's tests, on 127.0.0.1 at a free port.

Prints "PORT <n>" on stdout once listening, and exits when its stdin closes.
  POST /hook   answers --fail-status (default 500) to the first --fail requests,
               then 204; with --hang it never answers (the connection stays open).
               Each request is kept: its headers, body and whether its
               X-Crawld-Signature is valid for --secret, checked here with
               Python's own hmac: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">.
Each request appends a line to --log before it is answered:
{"event", "delivery", "signature_valid", "body"}.
"""
import argparse
import hashlib
import hmac
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARGS = None
LOCK = threading.Lock()
LOG = []


def signature_valid(header, body):
    if ARGS.secret is None or not header:
        return False
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    if "t" not in fields or "v1" not in fields:
        return False
    expected = hmac.new(ARGS.secret.encode(), fields["t"].encode() + b"." + body, hashlib.sha256).hexdigest()
    recent = abs(time.time() - int(fields["t"])) < 300
    return recent and hmac.compare_digest(expected, fields["v1"])


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        entry = {
            "event": self.headers.get("X-Crawld-Event"), "delivery": self.headers.get("X-Crawld-Delivery"),
            "signature_valid": signature_valid(self.headers.get("X-Crawld-Signature"), body),
            "body": json.loads(body or b"null"),
        }
        with LOCK:
            LOG.append(entry)
            count = len(LOG)
            with open(ARGS.log, "a") as log:
                log.write(json.dumps(entry) + "\n")
        if ARGS.hang:
            time.sleep(3600)
            return
        status = ARGS.fail_status if count <= ARGS.fail else 204
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--secret")
    parser.add_argument("--fail", type=int, default=0)
    parser.add_argument("--fail-status", type=int, default=500)
    parser.add_argument("--hang", action="store_true")
    parser.add_argument("--log", required=True)
    ARGS = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print("PORT %d" % server.server_address[1], flush=True)
    sys.stdin.read()
    os._exit(0)


if __name__ == "__main__":
    main()
