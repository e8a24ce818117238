"""Issue 7's benchmark driver: one full crawl of a docs site by crawld (a
job, concurrency 16), by wget2 (`-r --max-threads=16 --delete-after`, issue
25's reference) and by Scrapy (CONCURRENT_REQUESTS 16), each in a fresh
process, measured alike: pages/s, CPU seconds and per page, peak RSS (from
wait4's rusage of the process), pages found and pages written more than once.
For crawld it also gives the CPU of the job alone ("job CPU": its threads' run
time from /proc/PID/task/*/schedstat, from the submit to the answer), without
the daemon's start and stop, which a long-running daemon pays once.
WARM=url runs a first job of that URL (another site: nothing of the measured
site is cached) in the same daemon before the measured one, whose pages/s and
job CPU are then those of a daemon already running.

Usage: jobs_crawl.py CRAWLD SCRAPY START_URL WORKDIR LABEL [PORT]
CRAWLERS="crawld wget2 scrapy" picks who runs, in that order; BASE=other/crawld
adds a "base" crawl by another build, on BASE_CONFIG=its/scripts when given (else on crawld's);
CRAWLD_CONFIG=dir runs crawld on other scripts than scripts/. EXTRACT=1 runs the
jobs with extraction on (the shipped extract.lua a page, its data in each record)
instead of extract false (title and links only)."""
import json
import os
import signal
import subprocess
import sys
import time

from crawld_bench import Connection, tasks_cpu_and_switches, wait_listening

crawld, scrapy, start, work, label = sys.argv[1:6]
port = int(sys.argv[6]) if len(sys.argv) > 6 else 17176
extract = os.environ.get("EXTRACT", "") not in ("", "0")


def wait_usage(process):
    _, status, usage = os.wait4(process.pid, 0)
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def unique(path):
    urls = [json.loads(line)["url"] for line in open(path)]
    return len(urls), len(set(urls))


def run_crawld(binary=crawld, config=os.environ.get("CRAWLD_CONFIG", "scripts/")):
    out = os.path.join(work, "crawld-out")
    process = subprocess.Popen(
        [binary, "--config", config, "--redis", "none", "--listen", f"127.0.0.1:{port}",
         "--output-dir", out, "--state-dir", os.path.join(work, "crawld-state")],
        stderr=subprocess.DEVNULL)
    wait_listening(port)
    job = {"op": "job.submit", "concurrency": 16, "max_pages": 1000000, "max_depth": 1000, "extract": extract,
           "overwrite": True, "watch": True}
    with Connection(port) as connection:
        if os.environ.get("WARM"):
            warm = connection.request(dict(job, id=0, urls=[os.environ["WARM"]], output="warm.jsonl"))
            assert warm.get("state") == "completed", warm
        began = time.monotonic()
        before, _ = tasks_cpu_and_switches(process.pid)
        summary = connection.request(dict(job, id=1, urls=[start], output="bench.jsonl"))
    elapsed = time.monotonic() - began
    job_cpu = tasks_cpu_and_switches(process.pid)[0] - before
    process.send_signal(signal.SIGTERM)
    cpu, rss = wait_usage(process)
    lines, pages = unique(os.path.join(out, "bench.jsonl"))
    assert summary.get("state") == "completed", summary
    return pages / elapsed, cpu, rss, pages, lines - pages, job_cpu


def run_scrapy():
    out = os.path.join(work, "scrapy-out.jsonl")
    stats = os.path.join(work, "scrapy-stats.json")
    for path in (out, stats):
        if os.path.exists(path):
            os.remove(path)
    spider = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scrapy_spider.py")
    process = subprocess.Popen(
        [scrapy, "runspider", spider, "-a", f"start={start}", "-a", f"stats={stats}", "-O", out + ":jsonlines",
         "-s", "CONCURRENT_REQUESTS=16", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", "LOG_LEVEL=WARNING",
         "-s", "TELNETCONSOLE_ENABLED=False", "-s", "ROBOTSTXT_OBEY=False"],
        stderr=subprocess.DEVNULL)
    cpu, rss = wait_usage(process)
    lines, pages = unique(out)
    elapsed = json.load(open(stats))["elapsed"]
    return pages / elapsed, cpu, rss, pages, lines - pages, None


def run_wget2():
    """wget2 follows every link of a page (stylesheets, scripts and images too) and fetches
    robots.txt: its pages are every URL it fetched, from its per-site statistics."""
    folder = os.path.join(work, "wget2")
    stats = os.path.join(work, "wget2-site.csv")
    os.makedirs(folder, exist_ok=True)
    began = time.monotonic()
    process = subprocess.Popen(
        ["wget2", "-r", "--max-threads=16", "--delete-after", "-q", "-P", folder, f"--stats-site=csv:{stats}", start],
        stderr=subprocess.DEVNULL)
    cpu, rss = wait_usage(process)
    elapsed = time.monotonic() - began
    urls = [line.split(",")[2] for line in open(stats).read().splitlines()[1:]]
    return len(set(urls)) / elapsed, cpu, rss, len(set(urls)), len(urls) - len(set(urls)), None


runs = {"crawld": run_crawld, "wget2": run_wget2, "scrapy": run_scrapy,
        "base": lambda: run_crawld(os.environ["BASE"], os.environ.get("BASE_CONFIG", os.environ.get("CRAWLD_CONFIG", "scripts/")))}
names = os.environ.get("CRAWLERS", "crawld wget2 scrapy").split() + (["base"] if os.environ.get("BASE") else [])
for name in names:
    rate, cpu, rss, pages, twice, job_cpu = runs[name]()
    job = "" if job_cpu is None else f", job CPU {job_cpu:.2f} s ({job_cpu / pages * 1e6:.0f} us/page)"
    print(f"{label} {name}: {rate:.1f} pages/s, CPU {cpu:.2f} s ({cpu / pages * 1e6:.0f} us/page){job}, peak RSS {rss:.1f} MB, "
          f"{pages} pages, {twice} written twice", flush=True)
