"""What the benchmark drivers share: a daemon's figures read from /proc, one connection speaking
crawld's line protocol, a corpus folder turned into URLs, and ProtocolBench's closed `crawl`
loop run in slices sized to end near a target count.
"""
import json
import os
import re
import socket
import subprocess
import time


def status_field(pid, name):
    """A number from /proc/PID/status (`VmRSS` in kB, `Threads`), 0 when the line is missing."""
    return status_field_of("/proc/%d/status" % pid, name)


def status_field_of(path, name):
    """A number from a status file of /proc (a process's or a thread's), 0 when the line is missing."""
    with open(path) as status:
        for line in status:
            if line.startswith(name + ":"):
                return int(line.split()[1])
    return 0


def resident(pid):
    """The process' resident memory in bytes."""
    return status_field(pid, "VmRSS") * 1024


def threads(pid):
    return status_field(pid, "Threads")


def tasks_cpu_and_switches(pid):
    """Seconds on a CPU so far (schedstat's first field, ns) and context switches, summed over
    the process's threads; a thread that ended between listing and reading is left out."""
    cpu = switches = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            cpu += int(open(f"/proc/{pid}/task/{task}/schedstat").read().split()[0])
            switches += sum(status_field_of(f"/proc/{pid}/task/{task}/status", name)
                            for name in ("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches"))
        except FileNotFoundError:
            continue
    return cpu / 1e9, switches


def open_fds(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def corpus_urls(folder, base, path):
    """Writes the URLs of every .html file under `folder`, as served at `base` (which ends in
    "/"), one a line, to `path`; returns them."""
    urls = sorted(base + os.path.relpath(os.path.join(root, name), folder)
                  for root, _, names in os.walk(folder) for name in names if name.endswith(".html"))
    with open(path, "w") as output:
        output.write("\n".join(urls) + "\n")
    return urls


def wait_listening(port, tries=200):
    """Returns once something accepts connections on 127.0.0.1:`port` (a daemon just started),
    or after `tries` attempts 50 ms apart."""
    for _ in range(tries):
        try:
            socket.create_connection(("127.0.0.1", port)).close()
            return
        except OSError:
            time.sleep(0.05)


class Connection:
    """One connection to crawld. `request` sends a line and returns its answer (the line with
    `ok`), passing over the events a `watch` streams before it."""

    def __init__(self, port):
        self.socket = socket.create_connection(("127.0.0.1", port))
        self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.lines = self.socket.makefile("rb")

    def request(self, line):
        self.socket.sendall(json.dumps(line).encode() + b"\n")
        while True:
            raw = self.lines.readline()
            if not raw:
                raise RuntimeError("crawld closed the connection")
            answer = json.loads(raw)
            if "ok" in answer:
                return answer

    def close(self):
        self.lines.close()
        self.socket.close()

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.close()


class CrawlSlices:
    """ProtocolBench's closed loop of `crawl` requests (64 in flight over 8 connections) run in
    slices of at most 10 seconds, so that a caller can read the daemon between them. Each slice
    is sized by the rate of the one before to end near the caller's target: with fixed
    10-second slices at 4,000 crawls/s a "10,000" reading came after 42,000."""

    def __init__(self, bench, port, urls):
        self.bench, self.port, self.urls = bench, port, urls
        self.done, self.rate = 0, None

    def run(self, target):
        """One slice toward `target` crawls in all; returns ProtocolBench's summary line."""
        # The first slice (1 s) measures the rate; one under half a second would be mostly
        # connection setup.
        seconds = 1.0 if self.rate is None else min(10.0, max(0.5, (target - self.done) / self.rate))
        output = subprocess.run([self.bench, "crawl", str(self.port), "%.2f" % seconds, "8", "8", self.urls],
                                check=True, capture_output=True, text=True).stdout
        count = int(re.search(r"\((\d+) requests\)", output).group(1))
        self.done, self.rate = self.done + count, max(count / seconds, 1.0)
        return output.strip()
