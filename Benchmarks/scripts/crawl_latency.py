#!/usr/bin/python3
"""Issue 5's (c): crawl latency on a cold engine (a config never seen, so the pool creates an
engine for it) against a pool hit (the permanent engine), one crawl at a time over one
connection, alternated so that both see the same machine. Run by crawl.sh, or alone:

    python3 Benchmarks/scripts/crawl_latency.py --port 7070 --url http://127.0.0.1:18090/x.html

Prints the medians and p90s of both, and the answers' own timing_ms.queue (the pool's share).
"""
import argparse
import json
import socket
import statistics
import time


def main():
    arguments = argparse.ArgumentParser()
    arguments.add_argument("--port", type=int, required=True)
    arguments.add_argument("--url", required=True)
    arguments.add_argument("--count", type=int, default=200)
    options = arguments.parse_args()
    connection = socket.create_connection(("127.0.0.1", options.port))
    connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    lines = connection.makefile("rb")
    tag = int(time.time())

    def crawl(number, config):
        request = {"id": number, "op": "crawl", "url": options.url}
        if config:
            request["config"] = config
        start = time.perf_counter()
        connection.sendall(json.dumps(request).encode() + b"\n")
        answer = json.loads(lines.readline())
        elapsed = (time.perf_counter() - start) * 1000
        if not answer.get("ok"):
            raise SystemExit("crawl failed: %s" % answer)
        return elapsed, answer["timing_ms"]["queue"], answer["pool"]["hit"]

    crawl(0, None)
    cold, hit, cold_queue, hit_queue = [], [], [], []
    for number in range(1, options.count + 1):
        elapsed, queue, was_hit = crawl(number, {"user_agent": "crawl-latency-%d-%d" % (tag, number)})
        assert not was_hit, "a new config must create an engine"
        cold.append(elapsed)
        cold_queue.append(queue)
        elapsed, queue, was_hit = crawl(number, None)
        assert was_hit, "the default config must hit the permanent engine"
        hit.append(elapsed)
        hit_queue.append(queue)
    # The cold engines stay in the pool until the janitor's TTL; close them now.
    connection.sendall(b'{"id":"cleanup","op":"pool.cleanup"}\n')
    lines.readline()

    def p90(values):
        return sorted(values)[int(len(values) * 0.9)]

    print("cold engine: p50 %.3f ms, p90 %.3f ms (queue p50 %.3f ms); pool hit: p50 %.3f ms, p90 %.3f ms (queue p50 %.3f ms); %d each"
          % (statistics.median(cold), p90(cold), statistics.median(cold_queue),
             statistics.median(hit), p90(hit), statistics.median(hit_queue), options.count))


if __name__ == "__main__":
    main()
