"""The profile behind Sources/crawld/symbol-order.txt (symbol-order.sh runs it): CRAWLD, a release
binary with its debug info stripped (valgrind cannot read Swift 6.3's), runs under callgrind
through a start with Redis, pings, a 300-page job with the shipped extract.lua over
postgresql-doc-15, a `crawl`, /metrics, the dashboard and a stop. Every function callgrind saw
run in CRAWLD's own image is written to OUTPUT, one a line, sorted by name. Functions without a
symbol, which callgrind names by address, are left out: nameless-functions.ld places those.

Usage: symbol_order.py CRAWLD OUTPUT   (ports from 17870; PORT_OFFSET is added to each)"""
import os
import re
import signal
import subprocess
import sys
import tempfile
import urllib.request

from crawld_bench import Connection, wait_listening

crawld, output = sys.argv[1], sys.argv[2]
offset = int(os.environ.get("PORT_OFFSET", "0"))
site, redis, listen, http = (17870 + offset + n for n in range(4))
work = tempfile.mkdtemp()
profile = os.path.join(work, "callgrind.out")

servers = [
    subprocess.Popen(["python3", "-m", "http.server", "--bind", "127.0.0.1", "--directory",
                      "/usr/share/doc/postgresql-doc-15/html", str(site)],
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
    subprocess.Popen(["redis-server", "--port", str(redis), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                     stdout=subprocess.DEVNULL),
]
try:
    daemon = subprocess.Popen(
        ["valgrind", "--tool=callgrind", "--demangle=no", "--compress-strings=no", "--compress-pos=no",
         f"--callgrind-out-file={profile}", crawld, "--config", "scripts/", "--listen", f"127.0.0.1:{listen}",
         "--http", f"127.0.0.1:{http}", "--redis", f"redis://127.0.0.1:{redis}",
         "--output-dir", os.path.join(work, "out"), "--state-dir", os.path.join(work, "state")],
        stderr=subprocess.DEVNULL)
    wait_listening(listen, tries=2400)  # a start under valgrind takes seconds
    wait_listening(site)
    with Connection(listen) as connection:
        assert connection.request({"id": 1, "op": "ping"}).get("pong"), "no pong"
        job = connection.request({"id": 2, "op": "job.submit", "urls": [f"http://127.0.0.1:{site}/index.html"],
                                  "concurrency": 16, "max_pages": 300, "extract": True, "watch": True,
                                  "output": "profile.jsonl"})
        assert job.get("state") == "completed", job
        crawl = connection.request({"id": 3, "op": "crawl", "url": f"http://127.0.0.1:{site}/sql.html"})
        assert crawl.get("ok"), crawl
    for path in ("/metrics", "/dashboard"):
        urllib.request.urlopen(f"http://127.0.0.1:{http}{path}", timeout=120).read()
    daemon.send_signal(signal.SIGTERM)
    assert daemon.wait() == 0, "crawld did not stop cleanly"
finally:
    for server in servers:
        server.terminate()

# fn= lines name the functions that ran; ob= lines, the image they are in. A trailing 'N marks
# callgrind's recursion depth.
image, names = "", set()
for line in open(profile):
    if line.startswith("ob="):
        image = line[3:].strip()
    elif line.startswith("fn=") and image == crawld:
        names.add(re.sub(r"'\d+$", "", line[3:].strip()))
names = {name for name in names if name != "(below main)" and not re.fullmatch(r"0x[0-9a-f]+", name)}
with open(output, "w") as listing:
    listing.write("".join(name + "\n" for name in sorted(names)))
print(f"symbol-order: {len(names)} functions")
