#!/usr/bin/python3
"""Issue 20's soak: --jobs small jobs and --crawls crawls through one daemon, with its open
descriptors, resident memory and threads read at marks (1%, 10%, 25%, 50%, 75%, 100% of the
work) and compared with the 10% mark. Run by `soak.sh`, which starts nginx and the daemon.

The work runs in 100 rounds; each round waits for its share of jobs (each a `job.submit` of
1 to 3 seed URLs, max_pages 3, extract false, watched to its end, --job-slots of them in flight
on a connection each), then runs its share of crawls (ProtocolBench's closed loop, 64 in flight
over 8 connections). The daemon is read --settle seconds after a round ends, so that what is
counted is what it keeps, not what the last requests had in flight.

Flat means every reading from the 10% mark to the end lies within the tolerances of the 10%
reading: ±16 descriptors, ±4 threads, ±10 MB resident (the defaults). The first 10% is the
warm-up (pools, the allocator's caches, the robots cache filling) and is shown, not judged.
The exit status is 1 when a figure is not flat or a job or crawl failed.
"""
import argparse
import queue
import random
import sys
import threading
import time

from crawld_bench import Connection, CrawlSlices, corpus_urls, open_fds, resident, threads

MARKS = (1, 10, 25, 50, 75, 100)


class JobSlots:
    """--job-slots threads, each with its own connection, submitting one job at a time with
    `watch` and waiting for its summary. A job refused as `busy` (a ceiling on running jobs)
    is submitted again after a pause: the soak measures leaks, not admission. Each job writes
    its own output (`<job id>.jsonl`, a few KB): a finished job's output name cannot be taken
    again while the daemon runs, since it still holds the job (issue 20's second defect)."""

    def __init__(self, port, seeds, slots):
        self.seeds, self.work, self.failed = seeds, queue.Queue(), []
        self.done = self.busy = 0
        self.lock = threading.Lock()
        for slot in range(slots):
            threading.Thread(target=self.serve, args=(port, slot), daemon=True).start()

    def serve(self, port, slot):
        generator, connection = random.Random(slot), None
        while True:
            number = self.work.get()
            request = {"id": number, "op": "job.submit", "max_pages": 3, "extract": False, "watch": True,
                       "urls": generator.sample(self.seeds, generator.randint(1, 3))}
            try:
                connection = connection or Connection(port)
                answer = self.submit(connection, request)
            except (OSError, RuntimeError, ValueError) as error:
                # A lost connection is a failed job, and the next job gets a new connection.
                answer, connection = {"ok": False, "error": str(error)}, None
            with self.lock:
                self.done += 1
                if answer.get("state") != "completed":
                    self.failed.append(answer)
            self.work.task_done()

    def submit(self, connection, request):
        answer = connection.request(request)
        while not answer["ok"] and answer.get("error", {}).get("code") == "busy":
            with self.lock:
                self.busy += 1
            time.sleep(0.05)
            answer = connection.request(request)
        return answer

    def run(self, count):
        for _ in range(count):
            self.work.put(self.done)
        self.work.join()


def reading(pid):
    return {"fds": open_fds(pid), "rss": resident(pid) / 1048576, "threads": threads(pid)}


def crawl_errors(port):
    with Connection(port) as connection:
        crawl = connection.request({"id": 0, "op": "monitor.endpoints"}).get("ops", {}).get("crawl", {})
    return crawl.get("count", 0), crawl.get("errors", 0)


def verdict(readings, tolerances):
    """The figures that left the 10% reading's tolerance, as text; empty when all are flat."""
    base = readings[10]
    return [("%s %+.1f MB at %d%%" if name == "rss" else "%s %+d at %d%%") % (name, row[name] - base[name], mark)
            for mark, row in readings.items() if mark > 10
            for name, tolerance in tolerances.items() if abs(row[name] - base[name]) > tolerance]


def main():
    arguments = argparse.ArgumentParser()
    arguments.add_argument("--port", type=int, required=True)
    arguments.add_argument("--pid", type=int, required=True)
    arguments.add_argument("--corpus", required=True, help="a folder of .html pages nginx serves at --base")
    arguments.add_argument("--base", required=True, help="the URL of --corpus, ending in /")
    arguments.add_argument("--urls", required=True, help="where to write the URL list")
    arguments.add_argument("--jobs", type=int, default=100_000)
    arguments.add_argument("--crawls", type=int, default=1_000_000)
    arguments.add_argument("--job-slots", type=int, default=16)
    arguments.add_argument("--settle", type=float, default=2.0)
    arguments.add_argument("--fd-tolerance", type=int, default=16)
    arguments.add_argument("--thread-tolerance", type=int, default=4)
    arguments.add_argument("--rss-tolerance-mb", type=float, default=10.0)
    arguments.add_argument("--bench", default="Benchmarks/.build/release/ProtocolBench")
    options = arguments.parse_args()
    seeds = corpus_urls(options.corpus, options.base, options.urls)
    jobs = JobSlots(options.port, seeds, options.job_slots)
    crawls = CrawlSlices(options.bench, options.port, options.urls)
    readings, began = {}, time.monotonic()
    print("%4s %9s %10s %5s %9s %8s %7s" % ("mark", "jobs", "crawls", "fds", "RSS MB", "threads", "min"), flush=True)
    for percent in range(1, 101):
        jobs.run(options.jobs * percent // 100 - jobs.done)
        while crawls.done < options.crawls * percent // 100:
            crawls.run(options.crawls * percent // 100)
        if percent in MARKS:
            time.sleep(options.settle)
            readings[percent] = reading(options.pid)
            print("%3d%% %9d %10d %5d %9.1f %8d %7.1f" % (percent, jobs.done, crawls.done, readings[percent]["fds"],
                  readings[percent]["rss"], readings[percent]["threads"], (time.monotonic() - began) / 60), flush=True)
    answered, errors = crawl_errors(options.port)
    print("jobs: %d done, %d not completed, %d busy answers retried; crawls: %d answered, %d errors (monitor.endpoints)"
          % (jobs.done, len(jobs.failed), jobs.busy, answered, errors))
    for answer in jobs.failed[:3]:
        print("  not completed: %s" % answer)
    drift = verdict(readings, {"fds": options.fd_tolerance, "threads": options.thread_tolerance,
                               "rss": options.rss_tolerance_mb})
    tolerance = "fds ±%d, threads ±%d, RSS ±%.0f MB of the 10%% mark" % (
        options.fd_tolerance, options.thread_tolerance, options.rss_tolerance_mb)
    print("verdict: %s (%s)" % ("NOT flat: " + ", ".join(drift) if drift else "flat", tolerance))
    sys.exit(1 if drift or jobs.failed or errors else 0)


if __name__ == "__main__":
    main()
