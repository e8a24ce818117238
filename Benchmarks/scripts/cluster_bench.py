"""Issue 22's benchmark driver: one cluster job (job.submit {cluster: true})
over 1, 2 and 3 crawld instances sharing one redis-server, measured alike.

  politeness  128 sites of 20 pages on 127.0.0.2-129 (Tests/Servers/jobsite.py,
              one port), each page answering after 100 ms, delay 50 ms and one
              request in flight per host (policies.lua), 8 workers per
              instance: pages/s, and the closest two requests to one host from
              the server's own log. The politeness ceiling is 128 hosts / 0.15 s,
              about 850 pages/s, far above what one instance's 8 workers reach
              (8 / 0.1 s = 80 pages/s): one instance is bound by its own
              concurrency, as one is by its descriptors, memory or CPU on a
              real crawl, which is what more instances add to. (32 hosts at
              20 requests/s each, the first setup, capped every count at 640.)
  cpu         the postgresql-doc-15 manual on 127.0.0.1, no delay: CPU seconds
              per page of all crawld processes, 1 and 2 instances vs a job of
              one instance (cluster: false) in the same run.
  links       fanout_site.py (every page links to 50 new ones), 5,000 pages, no
              delay: pages/s, crawld's CPU and Redis's script time (INFO
              commandstats) per page, one instance, cluster vs not: the cost of
              admitting many new links a page.
  redis       Redis round trips per page (commands from clients, read from
              MONITOR, which tells them from a script's own calls), and
              used_memory for 100,000 and 1,000,000 seen URLs (32-hex members, 256 shards).

PORT_OFFSET (environment) is added to every port, so two runs can share a machine. REPEAT (environment,
default 1) runs each cpu job that many times on fresh instances and sums them: one job takes under a second,
which the machine's noise swamps.

Usage: cluster_bench.py CRAWLD WORKDIR {politeness|cpu|links|redis} BASE_URL (cpu, links, redis)"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

from crawld_bench import Connection

crawld, work, mode, site = sys.argv[1:5]
offset = int(os.environ.get("PORT_OFFSET", "0"))
redis_port = 17290 + offset
first_port = 17280 + offset


def start_redis():
    directory = os.path.join(work, "redis")
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(directory)
    process = subprocess.Popen(["redis-server", "--port", str(redis_port), "--save", "", "--appendonly", "no", "--dir", directory],
                               stdout=subprocess.DEVNULL)
    wait_port(redis_port)
    return process


def wait_port(port):
    for _ in range(400):
        try:
            socket.create_connection(("127.0.0.1", port)).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


def redis_cli(*arguments):
    return subprocess.run(["redis-cli", "-p", str(redis_port), *arguments], capture_output=True, text=True).stdout.strip()


def start_instances(count, scripts):
    processes = []
    for index in range(count):
        port = first_port + index
        processes.append(subprocess.Popen(
            [crawld, "--config", scripts, "--redis", f"redis://127.0.0.1:{redis_port}/0", "--listen", f"127.0.0.1:{port}",
             "--instance-id", f"i{index}", "--heartbeat-interval", "1", "--output-dir", os.path.join(work, "out"),
             "--state-dir", os.path.join(work, f"state{index}")],
            stderr=subprocess.DEVNULL))
        wait_port(port)
    return processes


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_job(count, scripts, seeds, cluster=True, concurrency=32, max_pages=1000000):
    """Runs one job to its end on `count` fresh instances; returns (pages, seconds, crawld CPU seconds,
    pages by instance, redis-server CPU seconds)."""
    shutil.rmtree(os.path.join(work, "out"), ignore_errors=True)
    redis_cli("FLUSHALL")
    processes = start_instances(count, scripts)
    cpu_before = sum(cpu_seconds(p.pid) for p in processes)
    redis_before = cpu_seconds(redis.pid)
    began = time.monotonic()
    with Connection(first_port) as connection:
        job = connection.request({"op": "job.submit", "urls": seeds, "cluster": cluster, "concurrency": concurrency, "extract": False,
                                  "max_pages": max_pages, "max_depth": 1000, "output": "bench"})["job"]
        while True:
            status = connection.request({"op": "job.status", "job": job})
            if status["state"] in ("completed", "failed", "cancelled"):
                break
            time.sleep(0.05)
    elapsed = time.monotonic() - began
    cpu = sum(cpu_seconds(p.pid) for p in processes) - cpu_before
    redis_cpu = cpu_seconds(redis.pid) - redis_before
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        process.wait()
    assert status["state"] == "completed", status
    return status["crawled"], elapsed, cpu, status.get("instances", {}), redis_cpu


def policies(delay_ms, concurrency):
    """The shipped scripts with a fixed politeness(host) for every host, in place of the adaptive one."""
    scripts = os.path.join(work, "scripts")
    shutil.rmtree(scripts, ignore_errors=True)
    shutil.copytree("scripts", scripts)
    path = os.path.join(scripts, "policies.lua")
    fixed = f"function M.politeness(host, stats) return {{ delay_ms = {delay_ms}, max_concurrency = {concurrency} }} end"
    text = open(path).read()
    assert text.endswith("\nreturn M\n")
    open(path, "w").write(text[: -len("return M\n")] + fixed + "\n\nreturn M\n")
    return scripts


def closest_gap_ms(log, skip):
    """The closest two page requests to one host in the site's log (`start end host path`) past its
    first `skip` lines, robots.txt aside."""
    starts = {}
    for line in open(log).readlines()[skip:]:
        fields = line.split()
        if fields[-1] != "/robots.txt":
            starts.setdefault(fields[-2], []).append(float(fields[0]))
    gaps = [b - a for times in starts.values() for a, b in zip(sorted(times), sorted(times)[1:])]
    return min(gaps, default=float("nan")) * 1000, len(starts)


redis = start_redis()
try:
    if mode == "politeness":
        scripts = policies(50, 1)
        hosts, pages = 128, 20
        log = os.path.join(work, "requests.log")
        server = subprocess.Popen([sys.executable, "Tests/Servers/jobsite.py", "--pages", str(pages), "--latency-ms", "100",
                                   "--hosts", str(hosts), "--log", log], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        port = int(server.stdout.readline().split()[1])
        seeds = [f"http://127.0.0.{2 + i}:{port}/p/0.html" for i in range(hosts)]
        for count in (1, 2, 3):
            skip = len(open(log).readlines()) if os.path.exists(log) else 0
            done, elapsed, cpu, by, _ = run_job(count, scripts, seeds, concurrency=8)
            time.sleep(0.2)
            gap, seen = closest_gap_ms(log, skip)
            print(f"politeness {count} instance(s): {done / elapsed:.1f} pages/s, {done} pages, "
                  f"closest two requests to one host {gap:.1f} ms ({seen} hosts), by instance {by}", flush=True)
        server.stdin.close()
        server.wait()
    elif mode == "cpu":
        scripts = policies(0, 16)
        repeat = int(os.environ.get("REPEAT", "1"))
        for label, count, cluster in (("one-instance job", 1, False), ("cluster, 1 instance", 1, True), ("cluster, 2 instances", 2, True)):
            runs = [run_job(count, scripts, [site], cluster=cluster) for _ in range(repeat)]
            pages, elapsed, cpu, redis_cpu = (sum(run[i] for run in runs) for i in (0, 1, 2, 4))
            print(f"cpu {label}: {pages / elapsed:.1f} pages/s, {1000 * cpu / pages:.2f} ms crawld CPU per page "
                  f"+ {1000 * redis_cpu / pages:.2f} ms redis-server, {pages} pages", flush=True)
    elif mode == "links":
        scripts = policies(0, 16)
        for label, cluster in (("one-instance job", False), ("cluster, 1 instance", True)):
            redis_cli("CONFIG", "RESETSTAT")
            pages, elapsed, cpu, _, redis_cpu = run_job(1, scripts, [site], cluster=cluster, max_pages=5000)
            stats = redis_cli("INFO", "commandstats")
            script_us = sum(int(line.split("usec=")[1].split(",")[0]) for line in stats.splitlines() if line.startswith("cmdstat_eval"))
            print(f"links {label}: {pages / elapsed:.1f} pages/s, {1000 * cpu / pages:.2f} ms crawld CPU per page, "
                  f"{script_us / pages:.0f} us of Redis scripts per page, {pages} pages", flush=True)
    elif mode == "redis":
        scripts = policies(0, 16)
        lines = []
        monitor = socket.create_connection(("127.0.0.1", redis_port))
        monitor.sendall(b"MONITOR\r\n")
        reader = monitor.makefile("rb")
        threading.Thread(target=lambda: [lines.append(raw.decode(errors="replace")) for raw in reader], daemon=True).start()
        time.sleep(0.3)
        pages, _, _, _, _ = run_job(1, scripts, [site])
        time.sleep(0.5)
        lines = list(lines)
        client = [line for line in lines if "[0 lua]" not in line and line.startswith("+") and '"' in line]
        page_path = [line for line in client if any(f'"{c}"' in line.lower() for c in ("evalsha", "eval", "script"))]
        print(f"redis round trips: {len(client) / pages:.2f} per page in all ({len(page_path) / pages:.2f} scripts), {pages} pages, 1 instance", flush=True)
        # Which commands, and for scripts which one (the first key's suffix is the job's, so the SHA1 names it).
        names = {}
        for line in client:
            words = line.split('"')[1::2]
            name = words[0].lower() + (" " + words[1][:8] if words[0].lower() == "evalsha" else "")
            names[name] = names.get(name, 0) + 1
        top = sorted(names.items(), key=lambda item: -item[1])[:8]
        print("  by command per page: " + ", ".join(f"{name} {count / pages:.2f}" for name, count in top), flush=True)
        for count in (100000, 1000000):
            redis_cli("FLUSHALL")
            before = int(redis_cli("INFO", "memory").split("used_memory:")[1].split()[0])
            redis_cli("EVAL", f"""
                for i = 1, {count} do
                  local h = redis.sha1hex(tostring(i)):sub(1, 32)
                  redis.call('SADD', 'seen:' .. h:sub(1, 2), h)
                end
                return 1""", "0")
            after = int(redis_cli("INFO", "memory").split("used_memory:")[1].split()[0])
            print(f"redis memory: {(after - before) / 1e6:.2f} MB for {count:,} seen URLs ({(after - before) / count:.0f} bytes each)", flush=True)
finally:
    redis.terminate()
    redis.wait()
