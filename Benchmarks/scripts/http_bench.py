"""Issue 21's benchmark drivers for crawld's --http listener.

  http_bench.py setup PORT URL ENGINES REQUESTS
      crawls URL with ENGINES distinct configs (one pooled engine each), then
      pings until the monitor has REQUESTS completed requests in all.
  http_bench.py scrape HTTP_PORT COUNT
      GET /metrics COUNT times, one after the other on one keep-alive
      connection; prints p50 and p99 in ms and the exposition's size.
  http_bench.py dashboard HTTP_PORT SECONDS
      holds the dashboard's WebSocket open SECONDS with auto-refresh on, as
      the page does, and counts the snapshots pushed.
"""
import base64
import http.client
import json
import os
import socket
import statistics
import struct
import sys
import time

from crawld_bench import Connection


def setup(port, url, engines, requests):
    connection = Connection(port)
    for index in range(engines):
        answer = connection.request({"op": "crawl", "url": url, "extract": False, "config": {"headers": {"x-bench": str(index)}}})
        assert answer["ok"], answer
    while True:
        completed = sum(stats["count"] for stats in connection.request({"op": "monitor.endpoints"})["ops"].values())
        if completed >= requests:
            break
        for _ in range(min(100, requests - completed)):
            connection.request({"op": "ping"})
    engines_now = len(connection.request({"op": "monitor.pool"})["engines"])
    print("setup: %d engines in the pool, %d requests completed" % (engines_now, completed))


def scrape(port, count):
    client = http.client.HTTPConnection("127.0.0.1", port)
    times = []
    size = 0
    for _ in range(count):
        start = time.perf_counter()
        client.request("GET", "/metrics")
        response = client.getresponse()
        body = response.read()
        times.append((time.perf_counter() - start) * 1000)
        assert response.status == 200
        size = len(body)
    times.sort()
    print("/metrics: %d scrapes, p50 %.3f ms, p99 %.3f ms, %d bytes" % (count, statistics.median(times), times[int(len(times) * 0.99) - 1], size))


def frame(text):
    """A masked client text frame (RFC 6455)."""
    payload = text.encode()
    mask = os.urandom(4)
    header = bytes([0x81])
    if len(payload) < 126:
        header += bytes([0x80 | len(payload)])
    else:
        header += bytes([0x80 | 126]) + struct.pack("!H", len(payload))
    return header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def read_exactly(sock, count):
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise RuntimeError("socket closed")
        data += chunk
    return data


def dashboard(port, seconds):
    sock = socket.create_connection(("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(("GET /dashboard/live HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                  "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: %s\r\n\r\n" % (port, key)).encode())
    response = b""
    while b"\r\n\r\n" not in response:
        response += sock.recv(1)
    assert response.startswith(b"HTTP/1.1 101"), response
    sock.sendall(frame(json.dumps({"token": "", "auto": True})))
    deadline = time.monotonic() + seconds
    snapshots = 0
    received = 0
    while time.monotonic() < deadline:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            first, second = read_exactly(sock, 2)
        except (socket.timeout, TimeoutError):
            break
        sock.settimeout(None)
        length = second & 0x7F
        if length == 126:
            length = struct.unpack("!H", read_exactly(sock, 2))[0]
        elif length == 127:
            length = struct.unpack("!Q", read_exactly(sock, 8))[0]
        read_exactly(sock, length)
        # A snapshot over 16 KiB comes as a text frame and continuation frames.
        if first & 0x0F in (0, 1):
            received += length
        if first & 0x0F == 1:
            snapshots += 1
    sock.close()
    print("dashboard: %d snapshots in %d s, %d bytes each on average" % (snapshots, seconds, received // max(1, snapshots)))


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "setup":
        setup(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
    elif mode == "scrape":
        scrape(int(sys.argv[2]), int(sys.argv[3]))
    elif mode == "dashboard":
        dashboard(int(sys.argv[2]), int(sys.argv[3]))
    else:
        sys.exit(__doc__)
