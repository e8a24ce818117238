"""Issue 23's benchmark driver: in one crawld, a first crawl of START_URL then
its recrawl (`recrawl_of`), ROUNDS times (each round a fresh daemon): pages/s,
bytes nginx sent (summed from its access log, `$status $bytes_sent $uri`),
crawld's CPU seconds (utime + stime from /proc between the job's submit and its
summary), and the recrawl's share of 304s. Prints each round and the medians.
With several CRAWLD binaries, every round runs each in turn (side by side, the
same machine state), and the medians are per binary.

Both crawls run the shipped extract.lua, as a job does by default; EXTRACT=false in the
environment turns extraction off for both (the figures before 2026-12-05 evening).

Usage: recrawl_bench.py START_URL WORKDIR ROUNDS CRAWLD [CRAWLD...]"""
import json
import os
import signal
import statistics
import subprocess
import sys
import time

from crawld_bench import Connection, wait_listening

start, work, rounds, binaries = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
port = 20701
log = os.path.join(work, "access.log")
ticks = os.sysconf("SC_CLK_TCK")
extract = os.environ.get("EXTRACT", "true") != "false"


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / ticks


def log_lines():
    return open(log).read().splitlines() if os.path.exists(log) else []


def job(connection, pid, parameters):
    before_log = len(log_lines())
    before_cpu = cpu_seconds(pid)
    began = time.monotonic()
    summary = connection.request(dict({"id": 1, "op": "job.submit", "concurrency": 16, "max_pages": 1000000,
                                       "max_depth": 1000, "extract": extract, "watch": True}, **parameters))
    elapsed = time.monotonic() - began
    cpu = cpu_seconds(pid) - before_cpu
    time.sleep(0.2)  # nginx writes its log line after the response
    lines = [line.split(" ", 2) for line in log_lines()[before_log:]]
    assert summary.get("state") == "completed", summary
    pages = summary["crawled"]
    return {"pages": pages, "pages_s": pages / elapsed, "seconds": elapsed, "bytes": sum(int(l[1]) for l in lines),
            "cpu_s": cpu, "not_modified": sum(1 for l in lines if l[0] == "304"), "job": summary["job"]}


def one_round(crawld, n):
    out = os.path.join(work, f"out-{n}")
    process = subprocess.Popen(
        [crawld, "--config", os.path.join(work, "scripts"), "--redis", "none", "--listen", f"127.0.0.1:{port}",
         "--output-dir", out, "--state-dir", os.path.join(work, f"state-{n}")], stderr=subprocess.DEVNULL)
    wait_listening(port)
    with Connection(port) as connection:
        first = job(connection, process.pid, {"urls": [start], "output": "first.jsonl"})
        again = job(connection, process.pid, {"recrawl_of": first["job"], "output": "again.jsonl"})
    process.send_signal(signal.SIGTERM)
    process.wait()
    changes = {}
    for line in open(os.path.join(out, "again.jsonl")):
        change = json.loads(line).get("change")
        changes[change] = changes.get(change, 0) + 1
    print(f"{crawld} round {n}: first {fmt(first)} | recrawl {fmt(again)} changes={changes}", flush=True)
    return first, again


def fmt(r):
    return (f"pages={r['pages']} {r['pages_s']:.0f} pages/s {r['seconds']:.2f}s bytes={r['bytes']} "
            f"cpu={r['cpu_s']:.2f}s 304s={r['not_modified']}")


results = {crawld: [] for crawld in binaries}
for n in range(rounds):
    for i, crawld in enumerate(binaries):
        results[crawld].append(one_round(crawld, n * len(binaries) + i))
for crawld, rows in results.items():
    print(crawld)
    for key in ("pages_s", "seconds", "bytes", "cpu_s"):
        first = statistics.median(r[0][key] for r in rows)
        again = statistics.median(r[1][key] for r in rows)
        print(f"  median {key}: first {first:.2f}, recrawl {again:.2f}, recrawl/first {again / first:.3f}")
