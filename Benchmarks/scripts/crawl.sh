#!/usr/bin/env bash
# Issue 5's crawl benchmark against nginx on loopback, extraction with the shipped
# extract.lua on:
#   (b) `crawl` throughput and p50/p99, 64 requests in flight over 8 connections, over two
#       Debian docs corpora: python3.11-doc (large pages, ~126 KB) and postgresql-doc-15
#       (small pages, ~14 KB mean), with wrk fetching the same URLs in the same run (the
#       physical limit);
#   (c) cold engine creation vs pool hit, at the crawl level (crawl_latency.py);
#   (d) with `rss`: crawld's RSS after 10,000 crawls and after 1,000,000 (a long run: about
#       10 minutes at 2,000 crawls/s; put it in the background).
#
#   crawl.sh [all|large|small|latency|rss]        (default: all = large, small, latency)
#   RUNS=3 SECONDS_PER_RUN=5 CRAWLS=1000000       knobs
#   PORT_OFFSET=0                                 added to every port, so two runs can share a machine
#   BASE=/path/to/other/crawld [BASE_CONFIG=dir] crawl.sh small
#                                                 the same runs with another build alternated in
set -euo pipefail
cd "$(dirname "$0")/../.."
mode=${1:-all}
runs=${RUNS:-3}
seconds=${SECONDS_PER_RUN:-5}
large=/usr/share/doc/python3.11/html
small=/usr/share/doc/postgresql-doc-15/html
offset=${PORT_OFFSET:-0}
nginx_port=$((18090 + offset)) port=$((17075 + offset)) base_port=$((17076 + offset))
source Benchmarks/scripts/release-setup.sh
cat > $work/nginx.conf <<CONF
worker_processes 1; pid $work/nginx.pid; error_log $work/error.log; daemon on;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000;
  server { listen 127.0.0.1:$nginx_port; root /usr/share/doc; } }
CONF
nginx -c $work/nginx.conf

# urls NAME FOLDER: the corpus' pages as URLs, one a line, in $work/NAME.txt.
urls() {
  (cd "$2" && find . -name '*.html' | sed "s|^\./|http://127.0.0.1:$nginx_port/${2#/usr/share/doc/}/|") > $work/$1.txt
  local count bytes
  count=$(wc -l < $work/$1.txt)
  bytes=$(find "$2" -name '*.html' -printf '%s\n' | awk '{s += $1} END {print s}')
  echo "$1 corpus: $count pages in $2, $((bytes / 1024 / 1024)) MB, mean $((bytes / count / 1024)) KB"
}

# start PORT BINARY CONFIG: a crawld on PORT, without Redis.
start() {
  "$2" --config "$3" --redis none --listen 127.0.0.1:$1 2>/dev/null &
  pids+=($!)
  for _ in $(seq 50); do printf '{"id":0,"op":"ping"}\n' | nc -N 127.0.0.1 $1 >/dev/null 2>&1 && return; sleep 0.1; done
  echo "crawld on port $1 did not start"; exit 1
}

# errors PORT: crawl requests that did not answer ok, from monitor.endpoints.
errors() {
  printf '{"id":1,"op":"monitor.endpoints"}\n' | nc -N 127.0.0.1 $1 | python3 -c '
import json, sys
answer = json.loads(sys.stdin.readline())
crawl = answer.get("ops", {}).get("crawl", {})
print("crawl answers: %s, errors: %s" % (crawl.get("count", 0), crawl.get("errors", 0)))'
}

cat > $work/wrk.lua <<'LUA'
local urls = {}
for line in io.lines(os.getenv("URLS")) do urls[#urls + 1] = line:gsub("http://127.0.0.1:%d+", "") end
local n = 0
request = function() n = n + 1; return wrk.format("GET", urls[(n % #urls) + 1]) end
LUA

# measure PORT PID URLFILE: one closed-loop run, with the CPU time the crawld took per crawl
# (user + system, from /proc): on a shared machine crawls/s depends on what else runs, CPU
# per crawl much less, and 2 cores / (CPU per crawl) is what this build could do alone.
measure() {
  local before after output count
  before=$(awk '{print $14 + $15}' /proc/$2/stat)
  output=$($bench crawl $1 $seconds 8 8 $3)
  after=$(awk '{print $14 + $15}' /proc/$2/stat)
  count=$(echo "$output" | sed -E 's/.*\(([0-9]+) requests\).*/\1/')
  echo "$output; crawld CPU $(( (after - before) * 1000000 / $(getconf CLK_TCK) / count )) us/crawl"
}

# throughput NAME: RUNS rounds of crawld (and BASE, when set) then wrk, same URLs.
throughput() {
  echo "== (b) $1 pages, load: $(cut -d' ' -f1-3 /proc/loadavg)"
  for run in $(seq $runs); do
    [ -n "${BASE:-}" ] && echo -n "base: " && measure $base_port ${pids[1]} $work/$1.txt
    echo -n "crawld: " && measure $port ${pids[0]} $work/$1.txt
    echo -n "wrk: " && URLS=$work/$1.txt wrk -t 2 -c 64 -d ${seconds}s -s $work/wrk.lua http://127.0.0.1:$nginx_port/ | grep -E "Requests/sec"
  done
  errors $port
  [ -n "${BASE:-}" ] && echo -n "base " && errors $base_port
  echo "crawld RSS after the runs: $(awk '/VmRSS/ {printf "%.1f MB", $2/1024}' /proc/${pids[0]}/status)"
}

start $port $crawld scripts/
[ -n "${BASE:-}" ] && start $base_port "$BASE" "${BASE_CONFIG:-scripts/}"
case $mode in
  all|large|small|latency) ;;
  rss)
    urls small $small
    echo "== (d) RSS growth, small pages, load: $(cut -d' ' -f1-3 /proc/loadavg)"
    python3 Benchmarks/scripts/crawl_rss.py --port $port --pid ${pids[0]} --urls $work/small.txt --crawls ${CRAWLS:-1000000}
    exit 0 ;;
  *) echo "usage: crawl.sh [all|large|small|latency|rss]"; exit 2 ;;
esac
if [ $mode = all ] || [ $mode = large ]; then urls large $large; throughput large; fi
if [ $mode = all ] || [ $mode = small ]; then urls small $small; throughput small; fi
if [ $mode = all ] || [ $mode = latency ]; then
  echo "== (c) cold engine vs pool hit, one crawl at a time, load: $(cut -d' ' -f1-3 /proc/loadavg)"
  python3 Benchmarks/scripts/crawl_latency.py --port $port --url http://127.0.0.1:$nginx_port/postgresql-doc-15/html/index.html
fi
