#!/usr/bin/env python3
"""Issue 25's browser comparison: crawld's browser engine against crawl4ai on the same
Chromium (Debian's chromium-headless-shell), the same pages, 4 in flight, in one run.

Four contenders, in turns, `rounds` times each:
  crawld-before  every resource fetched (`config.block: []`), wait for `load`;
  crawld-after   the shipped policies.lua's `block` (image, font, media), wait for `domcontentloaded`;
  crawld-session as crawld-after, every page in one browser session (`session`): its pages'
                 renderers are kept warm and share a context, as crawl4ai's pages share one;
  crawl4ai       crawl4ai's AsyncWebCrawler, Playwright launched on Debian's Chromium.
Each gets a fresh browser, one warm-up page, then the pages. Reported per round: pages/s,
CPU per page (user + system of the contender's whole process tree, reaped children
included: crawld or this Python, the driver, Chromium and its renderers), the PSS of the
browser's process tree right after the last page, and its peak PSS (sampled twice a second
by a thread of this script, whose CPU, a millisecond or two a sample, lands in crawl4ai's
figure); then medians per contender.

    browser_c4a.py CRAWLD_BINARY SCRIPTS_DIR CRAWLD_PORT ROUNDS URL...
(run with the Python of a venv that has crawl4ai)
"""
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time

CHROMIUM = "/usr/lib/chromium/chromium-headless-shell"
IN_FLIGHT = 4
TICK = os.sysconf("SC_CLK_TCK")


def children(pid):
    """Every descendant of `pid` (from /proc's children lists)."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as listing:
                    kids = [int(k) for k in listing.read().split()]
                found += kids
                queue += kids
        except OSError:
            continue
    return found


def tree_cpu(pid):
    """Seconds of CPU of `pid` and its live descendants, with the children each has reaped."""
    total = 0
    for member in [pid] + children(pid):
        try:
            with open(f"/proc/{member}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += sum(int(f) for f in fields[11:15])
        except OSError:
            continue
    return total / TICK


def browser_pss(pid):
    """PSS in MB of the Chromium processes under `pid`."""
    total = 0
    for member in children(pid):
        try:
            with open(f"/proc/{member}/comm") as comm:
                if "chrom" not in comm.read():
                    continue
            with open(f"/proc/{member}/smaps_rollup") as rollup:
                for line in rollup:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


class PeakPSS(threading.Thread):
    """The largest `browser_pss(pid)` seen while it runs, sampled every half second."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0.0, True

    def run(self):
        while self.running:
            self.peak = max(self.peak, browser_pss(self.pid))
            time.sleep(0.5)

    def stop(self):
        self.running = False
        self.join()
        return max(self.peak, browser_pss(self.pid))


def crawld_round(binary, scripts, port, urls, extra):
    daemon = subprocess.Popen([binary, "--config", scripts, "--redis", "none", "--listen", f"127.0.0.1:{port}", "--log-level", "error"])
    try:
        for _ in range(300):
            try:
                connection = socket.create_connection(("127.0.0.1", port))
                break
            except OSError:
                time.sleep(0.1)
        reader = connection.makefile("rb")

        def send(index, url):
            request = {"id": index, "op": "crawl", "url": url, "engine": "browser", "extract": False, "formats": ["html"]}
            request.update(extra)
            connection.sendall((json.dumps(request) + "\n").encode())

        send(0, urls[0])
        assert json.loads(reader.readline())["ok"], "warm-up failed"
        cpu, start = tree_cpu(daemon.pid), time.monotonic()
        peak = PeakPSS(daemon.pid)
        peak.start()
        sent, done, failed = 0, 0, 0
        while sent < min(IN_FLIGHT, len(urls)):
            send(sent + 1, urls[sent])
            sent += 1
        while done < len(urls):
            answer = json.loads(reader.readline())
            done += 1
            failed += 0 if answer.get("ok") else 1
            if sent < len(urls):
                send(sent + 1, urls[sent])
                sent += 1
        elapsed, cpu = time.monotonic() - start, tree_cpu(daemon.pid) - cpu
        pss, peak_pss = browser_pss(daemon.pid), peak.stop()
        connection.close()
        return {"pages_s": len(urls) / elapsed, "cpu_ms": 1000 * cpu / len(urls), "pss_mb": pss, "peak_mb": peak_pss, "failed": failed}
    finally:
        daemon.terminate()
        daemon.wait()


async def crawl4ai_round(urls):
    from crawl4ai import AsyncWebCrawler, BrowserConfig, CacheMode, CrawlerRunConfig
    from crawl4ai import browser_manager

    # Playwright's own browser download is not reachable here: launch Debian's.
    build = browser_manager.BrowserManager._build_browser_args
    if not getattr(build, "patched", False):
        def with_executable(self):
            args = build(self)
            args["executable_path"] = CHROMIUM
            return args
        with_executable.patched = True
        browser_manager.BrowserManager._build_browser_args = with_executable

    run = CrawlerRunConfig(cache_mode=CacheMode.BYPASS, verbose=False)
    async with AsyncWebCrawler(config=BrowserConfig(headless=True, verbose=False)) as crawler:
        assert (await crawler.arun(urls[0], config=run)).success, "warm-up failed"
        me = os.getpid()
        cpu, start = tree_cpu(me), time.monotonic()
        peak = PeakPSS(me)
        peak.start()
        gate = asyncio.Semaphore(IN_FLIGHT)

        async def one(url):
            async with gate:
                return await crawler.arun(url, config=run)

        results = await asyncio.gather(*(one(url) for url in urls))
        elapsed, cpu = time.monotonic() - start, tree_cpu(me) - cpu
        pss, peak_pss = browser_pss(me), peak.stop()
    failed = sum(0 if result.success else 1 for result in results)
    return {"pages_s": len(urls) / elapsed, "cpu_ms": 1000 * cpu / len(urls), "pss_mb": pss, "peak_mb": peak_pss, "failed": failed}


def main():
    binary, scripts, port, rounds, urls = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5:]
    contenders = {
        "crawld-before": lambda: crawld_round(binary, scripts, port, urls, {"config": {"block": []}, "wait_until": "load"}),
        "crawld-after": lambda: crawld_round(binary, scripts, port, urls, {"wait_until": "domcontentloaded"}),
        "crawld-session": lambda: crawld_round(binary, scripts, port, urls, {"wait_until": "domcontentloaded", "session": "bench"}),
        "crawl4ai": lambda: asyncio.run(crawl4ai_round(urls)),
    }
    seen = {name: [] for name in contenders}
    for round_number in range(1, rounds + 1):
        for name, run in contenders.items():
            figures = run()
            seen[name].append(figures)
            print(f"round {round_number} {name:14} {figures['pages_s']:6.2f} pages/s  {figures['cpu_ms']:6.1f} ms CPU/page  "
                  f"browser PSS {figures['pss_mb']:6.1f} MB, peak {figures['peak_mb']:6.1f} MB  failed {figures['failed']}", flush=True)
    print(f"medians over {rounds} rounds, {len(urls)} pages, {IN_FLIGHT} in flight:")
    for name, rows in seen.items():
        median = {key: statistics.median(row[key] for row in rows) for key in ("pages_s", "cpu_ms", "pss_mb", "peak_mb")}
        print(f"  {name:14} {median['pages_s']:6.2f} pages/s  {median['cpu_ms']:6.1f} ms CPU/page  "
              f"browser PSS {median['pss_mb']:6.1f} MB, peak {median['peak_mb']:6.1f} MB")


if __name__ == "__main__":
    main()
