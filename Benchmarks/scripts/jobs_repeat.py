"""Back-to-back jobs in one crawld: pages/s, crawld's CPU a page and its context
switches a page (summed over its threads from /proc), for the per-page cost of
the job path without the daemon's start-up in the figure. One warm-up job, then
JOBS jobs of the whole site, extract false (EXTRACT=true for the shipped
extraction), 16 in flight.

Usage: jobs_repeat.py CRAWLD SCRIPTS_DIR START_URL JOBS [PORT]
(SCRIPTS_DIR: e.g. what fixed-politeness.sh writes; the site is served by the caller.)"""
import os
import signal
import subprocess
import sys
import tempfile
import time

from crawld_bench import Connection, tasks_cpu_and_switches, wait_listening

crawld, scripts, start, jobs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
port = int(sys.argv[5]) if len(sys.argv) > 5 else 20711
extract = os.environ.get("EXTRACT", "false") == "true"
work = tempfile.mkdtemp()
process = subprocess.Popen(
    [crawld, "--config", scripts, "--redis", "none", "--listen", f"127.0.0.1:{port}",
     "--output-dir", os.path.join(work, "out"), "--state-dir", os.path.join(work, "state")], stderr=subprocess.DEVNULL)


try:
    wait_listening(port)
    with Connection(port) as connection:
        job = dict(op="job.submit", concurrency=16, max_pages=1000000, max_depth=1000, watch=True, overwrite=True,
                   extract=extract, urls=[start])
        connection.request(dict(job, id=0, output="warm.jsonl"))
        cpu, switches = tasks_cpu_and_switches(process.pid)
        began = time.monotonic()
        pages = 0
        for n in range(jobs):
            pages += connection.request(dict(job, id=n + 1, output=f"job{n}.jsonl"))["crawled"]
        elapsed = time.monotonic() - began
        cpu_after, switches_after = tasks_cpu_and_switches(process.pid)
    cpu = cpu_after - cpu
    print(f"{crawld}: {pages / elapsed:.0f} pages/s, {cpu / pages * 1e6:.0f} us CPU a page, "
          f"{(switches_after - switches) / pages:.1f} context switches a page ({jobs} jobs, {pages} pages)", flush=True)
finally:
    process.send_signal(signal.SIGTERM)
    process.wait()
    subprocess.run(["rm", "-rf", work])
