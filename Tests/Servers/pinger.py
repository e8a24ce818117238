"""Sends `ping` to crawld on one connection every 20 ms for a while and prints
how long the answers took: `pings N p50_ms W p99_ms X max_ms Y`, or `unanswered N` (exit 1)
when an answer takes more than a second.

A process of its own so that the measure does not depend on the test process's
threads, which other tests may keep busy.

Usage: pinger.py PORT SECONDS
"""
import json
import socket
import sys
import time

port, seconds = int(sys.argv[1]), float(sys.argv[2])
connection = socket.create_connection(("127.0.0.1", port))
connection.settimeout(1.0)
lines = connection.makefile("rb")
took = []
end = time.monotonic() + seconds
while time.monotonic() < end:
    start = time.monotonic()
    connection.sendall(b'{"id":%d,"op":"ping"}\n' % len(took))
    try:
        answer = json.loads(lines.readline())
    except (socket.timeout, ValueError):
        print("unanswered %d" % len(took))
        sys.exit(1)
    if answer.get("ok") is not True:
        print("unanswered %d" % len(took))
        sys.exit(1)
    took.append(time.monotonic() - start)
    time.sleep(0.02)
took.sort()
print("pings %d p50_ms %.1f p99_ms %.1f max_ms %.1f" % (
    len(took), took[len(took) // 2] * 1000, took[int(len(took) * 0.99)] * 1000, took[-1] * 1000))
