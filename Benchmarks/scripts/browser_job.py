#!/usr/bin/env python3
"""A browser job: crawld builds side by side rendering the same pages in a job (`engine:
"browser"`, the shipped scripts, 4 in flight, seeds only, extract false), builds alternated,
ROUNDS rounds (3), PAGES pages (200) of python3.11-doc served by Python's http.server.

Per build and round: pages/s (submit to completion), CPU a page of crawld's whole process
tree (Chromium and its renderers included, reaped ones too) and the browser's peak PSS
(`browser_c4a.PeakPSS`); then medians. Since 2026-12-06 a job's browser pages share a
browser session (protocol.md, "Browser sessions"), which this compares with a build from
before.

Usage: browser_job.py CRAWLD [CRAWLD...]   (PORT_OFFSET=850: ports 20850 and 20851)"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

from browser_c4a import PeakPSS, tree_cpu
from crawld_bench import Connection, wait_listening

DOCS = "/usr/share/doc/python3.11/html"

binaries = sys.argv[1:]
rounds = int(os.environ.get("ROUNDS", "3"))
pages = int(os.environ.get("PAGES", "200"))
base = 20000 + int(os.environ.get("PORT_OFFSET", "850"))
scripts = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../scripts")

server = subprocess.Popen(["python3", "-m", "http.server", "--bind", "127.0.0.1", "--directory", DOCS, str(base)],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
wait_listening(base)
names = sorted(name for name in os.listdir(os.path.join(DOCS, "library")) if name.endswith(".html"))
urls = [f"http://127.0.0.1:{base}/library/{name}" for name in names[:pages]]


def job_round(binary):
    work = tempfile.mkdtemp()
    daemon = subprocess.Popen([binary, "--config", scripts, "--redis", "none", "--listen", f"127.0.0.1:{base + 1}",
                               "--output-dir", os.path.join(work, "out"), "--state-dir", os.path.join(work, "state"),
                               "--log-level", "error"])
    try:
        wait_listening(base + 1)
        with Connection(base + 1) as connection:
            spec = dict(op="job.submit", engine="browser", concurrency=4, max_depth=0, extract=False,
                        obey_robots=False, watch=True, overwrite=True)
            warm = connection.request(dict(spec, urls=urls[:1], output="warm.jsonl"))
            assert warm.get("state") == "completed", warm
            cpu, start = tree_cpu(daemon.pid), time.monotonic()
            peak = PeakPSS(daemon.pid)
            peak.start()
            done = connection.request(dict(spec, urls=urls, output="job.jsonl"))
            elapsed, cpu = time.monotonic() - start, tree_cpu(daemon.pid) - cpu
            peak_mb = peak.stop()
        assert done.get("state") == "completed", done
        crawled = done.get("crawled", 0)
        return {"pages_s": crawled / elapsed, "cpu_ms": 1000 * cpu / max(crawled, 1), "peak_mb": peak_mb,
                "failed": done.get("failed", 0)}
    finally:
        daemon.terminate()
        daemon.wait()


try:
    seen = {binary: [] for binary in binaries}
    for round_number in range(1, rounds + 1):
        for binary in binaries:
            figures = job_round(binary)
            seen[binary].append(figures)
            print(f"round {round_number} {binary}: {figures['pages_s']:.2f} pages/s, {figures['cpu_ms']:.1f} ms CPU a page, "
                  f"peak browser PSS {figures['peak_mb']:.1f} MB, failed {figures['failed']}", flush=True)
    print(f"medians over {rounds} rounds, {len(urls)} pages, 4 in flight:")
    for binary, rows in seen.items():
        median = {key: statistics.median(row[key] for row in rows) for key in ("pages_s", "cpu_ms", "peak_mb")}
        print(f"  {binary}: {median['pages_s']:.2f} pages/s, {median['cpu_ms']:.1f} ms CPU a page, "
              f"peak browser PSS {median['peak_mb']:.1f} MB")
finally:
    server.kill()
