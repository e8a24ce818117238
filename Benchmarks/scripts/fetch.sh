#!/usr/bin/env bash
# Issue 25: one page's HTTP alone. FetchBench fetches postgresql-doc-15's pages (small, 13 KB
# mean) from nginx on loopback, 16 in flight on kept-alive connections, two ways in turns:
# `engine` (crawld's HTTPEngine.fetch, the shipped HTTP config) and `nio` (NIO's HTTP/1.1 client
# handlers with nothing around them: the floor for an HTTP client on NIO). Prints each run and
# the medians of fetches/s and CPU a fetch (the whole process).
#   ROUNDS=5 FETCHES=20000 PORT_OFFSET=0        knobs
#   FETCHBENCH=/path/to/other/FetchBench         another build's bench (e.g. built at an older commit)
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${ROUNDS:-5} fetches=${FETCHES:-20000}
port=$((18096 + ${PORT_OFFSET:-0}))
Benchmarks/scripts/build.sh FetchBench
bench=${FETCHBENCH:-Benchmarks/.build/release/FetchBench}
work=$(mktemp -d)
trap 'kill $(cat $work/nginx.pid 2>/dev/null) 2>/dev/null; rm -rf $work' EXIT
cat > $work/nginx.conf <<CONF
worker_processes 1; pid $work/nginx.pid; error_log $work/error.log; daemon on;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000;
  server { listen 127.0.0.1:$port; root /usr/share/doc/postgresql-doc-15/html; } }
CONF
nginx -c $work/nginx.conf
(cd /usr/share/doc/postgresql-doc-15/html && find . -name '*.html' | sed "s|^\./|http://127.0.0.1:$port/|") > $work/urls.txt
for _ in $(seq "$rounds"); do
  for mode in engine nio; do "$bench" $mode $work/urls.txt "$fetches" | tee -a $work/runs.txt; done
done
python3 - $work/runs.txt <<'PY'
import re, statistics, sys
runs = {}
for line in open(sys.argv[1]):
    m = re.match(r"(\w+): .*?: (\d+) fetches/s, ([\d.]+) us CPU", line)
    if m:
        runs.setdefault(m[1], []).append((float(m[2]), float(m[3])))
for mode, values in runs.items():
    print("%s: median %.0f fetches/s, %.1f us CPU a fetch (%d runs)" % (
        mode, statistics.median(v[0] for v in values), statistics.median(v[1] for v in values), len(values)))
PY
