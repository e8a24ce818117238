#!/usr/bin/env python3
"""Issue 24's benchmark: a job against Tests/Servers/ratelimited.py (a token
bucket of --rate requests/s, burst 10, 429 with Retry-After: 1 past it; 5 ms
per answer plus 2 ms per other request in flight), with the shipped adaptive
politeness (or with each policies.lua of --policies: controllers compared
under one binary) and with fixed politeness at each --fixed delay (ms,
concurrency 4).
Each round runs every policy once, on a fresh server and daemon, in turn; the
figures are medians over --rounds. pages/s counts the pages crawled over the
time from the server's first to its last request (its own log); refused is
the share of requests answered 429. The best hand-tuned setting is the
fastest fixed delay whose crawls got every page.

With --outage-after N, the server is down (503 and Retry-After: 1 to
everything) for --outage-s seconds from its N-th request, and only the
adaptive policy runs (under each --crawld given, interleaved): requests/s
before the outage, during it, and in the second half of what follows it (as
DaemonAdaptivePolitenessTests measures it), medians over --rounds.
"""
import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))
FIXED = """
function M.politeness(host, stats)
  return { delay_ms = %s, max_concurrency = 4 }
end

function M.retry("""


def request(port, message):
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall((json.dumps(message) + "\n").encode())
        data = b""
        while not data.endswith(b"\n"):
            data += sock.recv(65536)
    return json.loads(data)


def scripts_for(work, delay, policies=None):
    folder = os.path.join(work, "scripts-%s" % (delay or "adaptive"))
    shutil.copytree(os.path.join(ROOT, "scripts"), folder)
    if policies:
        shutil.copy(policies, os.path.join(folder, "policies.lua"))
    if delay:
        path = os.path.join(folder, "policies.lua")
        text = open(path).read()
        start = text.index("function M.politeness(")
        end = text.index("function M.retry(")
        open(path, "w").write(text[:start] + (FIXED % delay).lstrip() + text[end + len("function M.retry("):])
    return folder


def run(args, work, delay, index, crawld=None, policies=None):
    log = os.path.join(work, "hits-%d.log" % index)
    outage = ["--outage-after", str(args.outage_after), "--outage-s", str(args.outage_s)] if args.outage_after else []
    outage += ["--latency-ms", str(args.latency_ms)] if args.latency_ms is not None else []
    server = subprocess.Popen(
        ["python3", os.path.join(ROOT, "Tests/Servers/ratelimited.py"), "--pages", str(args.pages), "--rate", str(args.rate), "--log", log]
        + outage, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    site = int(server.stdout.readline().split()[1])
    folder = os.path.join(work, "d%d" % index)
    config = scripts_for(folder, delay, policies)
    daemon_log = open(os.path.join(folder, "crawld.log"), "w+")
    daemon = subprocess.Popen(
        [crawld or args.crawld, "--config", config, "--redis", "none", "--listen", "127.0.0.1:0",
         "--output-dir", folder + "/output", "--state-dir", folder + "/state"],
        stderr=daemon_log)
    port = None
    while port is None:
        time.sleep(0.05)
        daemon_log.seek(0)
        for line in daemon_log:
            if "listening on" in line:
                port = int(line.rstrip().rsplit(":", 1)[1])
    try:
        job = request(port, {"id": 1, "op": "job.submit", "urls": ["http://127.0.0.1:%d/p/0.html" % site],
                             "concurrency": 16, "max_pages": args.pages, "obey_robots": False})["job"]
        while True:
            status = request(port, {"id": 2, "op": "job.status", "job": job})
            if status["state"] not in ("queued", "running"):
                break
            time.sleep(0.2)
    finally:
        daemon.kill()
        server.stdin.close()
        server.wait()
    if args.keep:
        shutil.copy(log, args.keep)
        shutil.copy(daemon_log.name, os.path.join(args.keep, "crawld-%d.log" % index))
    hits = [line.split() for line in open(log)]
    span = float(hits[-1][0]) - float(hits[0][0])
    refused = sum(1 for hit in hits if hit[1] == "429")
    result = {"pages_s": status["succeeded"] / span, "succeeded": status["succeeded"], "requests": len(hits), "refused": refused}
    if args.outage_after:
        result.update(outage_rates([(float(hit[0]), hit[1]) for hit in hits]))
    return result


def pace(hits):
    """Requests per second from the first of hits to the last."""
    if len(hits) < 2 or hits[-1][0] <= hits[0][0]:
        return 0.0
    return (len(hits) - 1) / (hits[-1][0] - hits[0][0])


def outage_rates(hits):
    """Requests/s before the first 503, from it to the last, and in the second half of what follows."""
    down = [i for i, hit in enumerate(hits) if hit[1] == "503"]
    if not down:
        return {"before": pace(hits), "during": 0.0, "after": 0.0}
    after = hits[down[-1] + 1:]
    return {"before": round(pace(hits[:down[0]]), 1), "during": round(pace(hits[down[0]:down[-1] + 1]), 1),
            "after": round(pace(after[len(after) - len(after) // 2:]), 1)}


def interleave(args, variants, label, run_variant):
    """Runs every variant once a round, in turn, for --rounds rounds: the results by variant."""
    results = {variant: [] for variant in variants}
    work = tempfile.mkdtemp()
    try:
        index = 0
        for round_ in range(args.rounds):
            for variant in variants:
                index += 1
                result = run_variant(work, variant, index)
                results[variant].append(result)
                print("round %d %s %s" % (round_ + 1, label(variant), result), flush=True)
    finally:
        shutil.rmtree(work)
    return results


def outage_main(args):
    binaries = args.crawld.split(",")
    results = interleave(args, binaries, str, lambda work, crawld, index: run(args, work, None, index, crawld))
    print("\ncrawld  requests/s before / during / second half after the outage (medians)  every page")
    for crawld in binaries:
        rows = results[crawld]
        figures = [statistics.median(r[key] for r in rows) for key in ("before", "during", "after")]
        complete = all(r["succeeded"] == args.pages for r in rows)
        print("%s  %.1f / %.1f / %.1f  %s" % (crawld, *figures, complete))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--crawld", default=os.path.join(ROOT, ".build/release/crawld"),
                        help="the crawld binary; with --outage-after, a comma-separated list to compare")
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--fixed", default="20,21,23,25")
    parser.add_argument("--outage-after", type=int, default=0)
    parser.add_argument("--outage-s", type=float, default=3)
    parser.add_argument("--latency-ms", type=float, help="the server's time per answer (its default: 5)")
    parser.add_argument("--policies", default="",
                        help="comma-separated policies.lua files to run as adaptive policies, in turn (default: the shipped one)")
    parser.add_argument("--keep", help="a folder to copy each run's server log (hits-<run>.log: time, status, user agent) and crawld's (crawld-<run>.log) to")
    args = parser.parse_args()
    if args.outage_after:
        return outage_main(args)
    adaptive = [("adaptive", path) for path in args.policies.split(",") if path] or [("adaptive", None)]
    policies = adaptive + [("fixed", delay) for delay in args.fixed.split(",") if delay]

    def label(policy):
        kind, value = policy
        if kind == "fixed":
            return "fixed %s ms" % value
        return "adaptive" + (" " + os.path.basename(value) if value and len(adaptive) > 1 else "")

    def run_policy(work, policy, index):
        kind, value = policy
        return run(args, work, value, index) if kind == "fixed" else run(args, work, None, index, policies=value)

    results = interleave(args, policies, lambda policy: "%-16s" % label(policy), run_policy)
    print("\npolicy           pages/s (median)  refused % (median)  every page")
    summary = {}
    for policy in policies:
        rows = results[policy]
        pages_s = statistics.median(r["pages_s"] for r in rows)
        refused = statistics.median(100 * r["refused"] / r["requests"] for r in rows)
        complete = all(r["succeeded"] == args.pages for r in rows)
        summary[policy] = (pages_s, refused, complete)
        print("%-16s %16.1f %19.2f  %s" % (label(policy), pages_s, refused, complete))
    fixed = [policy for policy in policies if policy[0] == "fixed" and summary[policy][2]]
    if fixed:
        best = max(fixed, key=lambda policy: summary[policy][0])
        for policy in adaptive:
            print("%s / best hand-tuned (%s): %.1f%%" % (label(policy), label(best), 100 * summary[policy][0] / summary[best][0]))


if __name__ == "__main__":
    sys.exit(main())
