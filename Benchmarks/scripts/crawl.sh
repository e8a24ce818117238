#!/usr/bin/env bash
# Issue 5's crawl benchmark: `crawl` throughput and p50/p99 with 64 requests in
# flight over 8 connections, against nginx on loopback serving python3.11-doc
# (large pages) and, in the same run, wrk fetching the same URLs: the
# physical limit. Extraction with the shipped extract.lua is on.
set -euo pipefail
cd "$(dirname "$0")/../.."
docs=/usr/share/doc/python3.11/html
# One release build (the Benchmarks package's) serves crawld and the load generator.
(cd Benchmarks && swift build -c release --product crawld >/dev/null && swift build -c release --product ProtocolBench >/dev/null)
bench=Benchmarks/.build/release/ProtocolBench
crawld=Benchmarks/.build/release/crawld
work=$(mktemp -d)
trap 'kill $(cat $work/nginx.pid 2>/dev/null) $cpid 2>/dev/null; rm -rf $work' EXIT
cat > $work/nginx.conf <<CONF
worker_processes 1; pid $work/nginx.pid; error_log $work/error.log; daemon on;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000;
  server { listen 127.0.0.1:18090; root $docs; } }
CONF
nginx -c $work/nginx.conf
(cd $docs && find . -name '*.html' | sed 's|^\./|http://127.0.0.1:18090/|') > $work/urls.txt
echo "$(wc -l < $work/urls.txt) pages, $(du -sh $docs | cut -f1)"
$crawld --config scripts/ --redis none --listen 127.0.0.1:17075 2>/dev/null &
cpid=$!
sleep 1
cat > $work/wrk.lua <<'LUA'
local urls = {}
for line in io.lines(os.getenv("URLS")) do urls[#urls + 1] = line:gsub("http://127.0.0.1:18090", "") end
local n = 0
request = function() n = n + 1; return wrk.format("GET", urls[(n % #urls) + 1]) end
LUA
for run in 1 2 3; do
  $bench crawl 17075 5 8 8 $work/urls.txt
  URLS=$work/urls.txt wrk -t 2 -c 64 -d 5s -s $work/wrk.lua http://127.0.0.1:18090/ | grep -E "Requests/sec"
done
echo "crawld RSS after the runs: $(awk '/VmRSS/ {printf "%.1f MB", $2/1024}' /proc/$cpid/status)"
