"""A daemon's start and stop, alone: CPU (user + system, from wait4's rusage) and
peak RSS of a crawld started on SCRIPTS_DIR with --redis none, answering one
ping, then sent SIGTERM. Several builds alternate, ROUNDS rounds (12), medians.
A job in a daemon started for it pays this once (jobs_crawl.py's "CPU" holds
it, its "job CPU" does not).

Usage: startup.py SCRIPTS_DIR CRAWLD [CRAWLD...]   (PORT=17990)"""
import os
import signal
import statistics
import subprocess
import sys
import tempfile

from crawld_bench import Connection, wait_listening

scripts, binaries = sys.argv[1], sys.argv[2:]
port = int(os.environ.get("PORT", "17990"))
rounds = int(os.environ.get("ROUNDS", "12"))
work = tempfile.mkdtemp()
cpu = {binary: [] for binary in binaries}
rss = {binary: [] for binary in binaries}
try:
    for _ in range(rounds):
        for binary in binaries:
            process = subprocess.Popen(
                [binary, "--config", scripts, "--redis", "none", "--listen", f"127.0.0.1:{port}",
                 "--output-dir", os.path.join(work, "out"), "--state-dir", os.path.join(work, "state")],
                stderr=subprocess.DEVNULL)
            wait_listening(port)
            with Connection(port) as connection:
                assert connection.request({"id": 1, "op": "ping"}).get("ok"), "no pong"
            process.send_signal(signal.SIGTERM)
            _, _, usage = os.wait4(process.pid, 0)
            cpu[binary].append((usage.ru_utime + usage.ru_stime) * 1000)
            rss[binary].append(usage.ru_maxrss / 1024)
    for binary in binaries:
        print(f"{binary}: start + ping + stop, CPU median {statistics.median(cpu[binary]):.1f} ms "
              f"(min {min(cpu[binary]):.1f}, max {max(cpu[binary]):.1f}), peak RSS median {statistics.median(rss[binary]):.1f} MB, "
              f"{rounds} rounds", flush=True)
finally:
    subprocess.run(["rm", "-rf", work])
