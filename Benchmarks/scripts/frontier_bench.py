"""One job of MAX_PAGES pages over fanout_site.py in a fresh crawld (extract false, 16 in flight,
pinned politeness): pages/s, crawld's CPU a page, and the largest checkpoint file seen while it ran. A job's CPU
a page should not grow with the size of its frontier.

Usage: frontier_bench.py CRAWLD SCRIPTS_DIR SITE_PORT MAX_PAGES [PORT]"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from crawld_bench import Connection, wait_listening

crawld, scripts, site_port, max_pages = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
port = int(sys.argv[5]) if len(sys.argv) > 5 else 20712
work = tempfile.mkdtemp()
state = os.path.join(work, "state")
process = subprocess.Popen(
    [crawld, "--config", scripts, "--redis", "none", "--listen", f"127.0.0.1:{port}",
     "--output-dir", os.path.join(work, "out"), "--state-dir", state], stderr=subprocess.DEVNULL)


def cpu_ticks():
    fields = open(f"/proc/{process.pid}/stat").read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


try:
    wait_listening(port)
    ticks, began = cpu_ticks(), time.monotonic()
    with Connection(port) as connection:
        job = connection.request({"op": "job.submit", "urls": [f"http://127.0.0.1:{site_port}/n/0"], "concurrency": 16,
                                  "extract": False, "max_pages": max_pages, "max_depth": 1000, "output": "frontier"})["job"]
        largest = 0
        while True:
            status = connection.request({"op": "job.status", "job": job})
            checkpoint = os.path.join(state, "jobs", f"{job}.json")
            if os.path.exists(checkpoint):
                largest = max(largest, os.path.getsize(checkpoint))
            if status["state"] in ("completed", "failed", "cancelled"):
                break
            time.sleep(0.1)
    elapsed = time.monotonic() - began
    pages = status["crawled"]
    cpu = (cpu_ticks() - ticks) / os.sysconf("SC_CLK_TCK")
    print(f"{crawld}: max_pages {max_pages}: {pages / elapsed:.0f} pages/s, {1e6 * cpu / pages:.0f} us CPU a page, "
          f"largest checkpoint seen {largest / 1e6:.1f} MB ({pages} pages)", flush=True)
finally:
    process.send_signal(signal.SIGTERM)
    process.wait()
    shutil.rmtree(work, ignore_errors=True)
