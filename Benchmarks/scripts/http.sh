#!/usr/bin/env bash
# Issue 21's benchmark, three crawld side by side in one run:
#   A  --redis none, no --http               (the baseline)
#   B  --redis none, --http                   (metrics recorded per request)
#  1. RSS of A and B idle, and of B after 10 s with the dashboard's WebSocket open;
#  2. /metrics scrape p50/p99 (1,000 scrapes) on B after 1,000 completed
#     requests and 50 pooled engines;
#  3. ping throughput (8 connections x 64 pipelined, 5 s) on B with no
#     dashboard and with one dashboard WebSocket open (2 s pushes), in
#     alternating turns (ROUNDS, default 5), and on A for the cost of --http itself.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${ROUNDS:-5}
Benchmarks/scripts/build.sh crawld ProtocolBench
bench=Benchmarks/.build/release/ProtocolBench
crawld=Benchmarks/.build/release/crawld
py="python3 Benchmarks/scripts/http_bench.py"
work=$(mktemp -d)
trap 'kill $apid $bpid $spid 2>/dev/null; rm -rf $work' EXIT
mkdir -p $work/site && echo '<html><title>bench</title><a href="/x">x</a></html>' > $work/site/index.html
(cd $work/site && exec python3 -m http.server 18290 --bind 127.0.0.1 >/dev/null 2>&1) &
spid=$!
$crawld --config scripts/ --redis none --listen 127.0.0.1:18270 --state-dir $work/a --output-dir $work/a 2>/dev/null &
apid=$!
$crawld --config scripts/ --redis none --listen 127.0.0.1:18280 --http 127.0.0.1:18281 --state-dir $work/b --output-dir $work/b 2>/dev/null &
bpid=$!
sleep 2
rss() { awk '/VmRSS/ {printf "%.1f MB", $2/1024}' /proc/$1/status; }
echo "RSS idle: A (no --http) $(rss $apid), B (--http) $(rss $bpid)"
$py dashboard 18281 10
echo "RSS after 10 s of dashboard pushes: A $(rss $apid), B $(rss $bpid)"

$py setup 18280 http://127.0.0.1:18290/index.html 50 1000
$py scrape 18281 1000

for run in $(seq $rounds); do
  echo "-- turn $run"
  printf "B, no dashboard:  "; $bench ping 18280 5 8 64
  $py dashboard 18281 7 > $work/dash.txt &
  dash=$!
  sleep 1
  printf "B, dashboard:     "; $bench ping 18280 5 8 64
  wait $dash
  cat $work/dash.txt
  printf "A, no --http:     "; $bench ping 18270 5 8 64
done
