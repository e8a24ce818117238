#!/usr/bin/python3
"""Issue 5's (d): crawld's resident memory after 10,000 crawls and after --crawls crawls (the
target compares 1,000,000 against 10,000), with marks between, and at the first and last
mark also --rest seconds after the load paused. Drives ProtocolBench's closed loop (64 in
flight over 8 connections) in slices of at most 10 seconds and reads /proc/PID/status between
them, so the counts are the first slice ends at or past each mark. Each slice is sized by the
rate of the one before to end near the next mark: with fixed 10-second slices at 4,000
crawls/s the "10,000" reading came after 42,000. Run by `crawl.sh rss`.
"""
import argparse
import time

from crawld_bench import CrawlSlices, resident


def main():
    arguments = argparse.ArgumentParser()
    arguments.add_argument("--port", type=int, required=True)
    arguments.add_argument("--pid", type=int, required=True)
    arguments.add_argument("--urls", required=True)
    arguments.add_argument("--crawls", type=int, default=1_000_000)
    arguments.add_argument("--rest", type=int, default=20)
    arguments.add_argument("--bench", default="Benchmarks/.build/release/ProtocolBench")
    options = arguments.parse_args()
    # The marks between 10,000 and the last show the curve: a plateau (allocator caches filling)
    # or a line (a leak).
    steps = [10_000, 50_000, 100_000, 200_000, 400_000, 600_000, 800_000]
    marks = [mark for mark in steps if mark < options.crawls] + [options.crawls]
    crawls = CrawlSlices(options.bench, options.port, options.urls)
    while marks:
        output = crawls.run(marks[0])
        while marks and crawls.done >= marks[0]:
            mark = marks.pop(0)
            print("after %d crawls (mark %d): RSS %.1f MB; last slice: %s"
                  % (crawls.done, mark, resident(options.pid) / 1048576, output), flush=True)
            if mark in (steps[0], options.crawls):
                # At rest too: what the process keeps once the pages in flight are gone and
                # the allocator has had its decay time to return freed pages.
                time.sleep(options.rest)
                print("  at rest %d s later: RSS %.1f MB" % (options.rest, resident(options.pid) / 1048576), flush=True)


if __name__ == "__main__":
    main()
