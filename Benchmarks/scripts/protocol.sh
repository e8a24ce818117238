#!/usr/bin/env bash
# Issue 2's benchmark: ping throughput and latency (8 connections x 64
# pipelined), RSS idle and with 10,000 idle connections, and in the same run
# redis-benchmark's PING_INLINE with the same connections and pipelining,
# alternated with crawld's runs (RUNS=5 pairs by default).
set -euo pipefail
cd "$(dirname "$0")/../.."
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
[ "$(ulimit -n)" -ge 10100 ] || echo "note: open-file limit $(ulimit -n) is below the 10,000 connections the idle test opens"
# One release build (the Benchmarks package's) serves crawld and the load generator.
Benchmarks/scripts/build.sh crawld ProtocolBench
bench=Benchmarks/.build/release/ProtocolBench
crawld=Benchmarks/.build/release/crawld
# PORT_OFFSET is added to both ports, so two runs can share a machine.
port=$((17070 + ${PORT_OFFSET:-0})) rport=$((17079 + ${PORT_OFFSET:-0}))
$crawld --config scripts/ --redis none --listen 127.0.0.1:$port --max-connections 20000 2>/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null; kill $rpid 2>/dev/null; true' EXIT
sleep 1
rss() { awk '/VmRSS/ {printf "%.1f MB", $2/1024}' /proc/$pid/status; }
echo "crawld RSS idle: $(rss)"
redis-server --port $rport --save '' --appendonly no >/dev/null &
rpid=$!
sleep 0.5
# The two alternate, so each pair of lines ran under the same machine state:
# on a shared 2-core machine the tail moves from one minute to the next.
for run in $(seq ${RUNS:-5}); do
  $bench ping $port 5 8 64
  # CSV columns: test, rps, avg, min, p50, p95, p99, max (ms).
  redis-benchmark -p $rport -t ping_inline -c 8 -P 64 -n 3000000 --csv | tail -1 | tr -d '"' \
    | awk -F, '{printf "redis-benchmark PING_INLINE: 8 connections x 64 pipelined: %.0f requests/s, p50 %s ms, p99 %s ms\n", $2, $5, $7}'
done
$bench idle $port 10000 4 >/dev/null &
sleep 3
echo "crawld RSS with 10,000 idle connections: $(rss)"
wait $!
