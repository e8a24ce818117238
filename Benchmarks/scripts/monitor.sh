#!/usr/bin/env bash
# Issue 6's benchmark:
#  1. monitor recording with Redis persistence on vs off, and Redis round
#     trips per 1,000 requests at several request rates (MonitorBench);
#  2. the daemon's `ping` and `crawl` throughput with Redis persistence on vs
#     `--redis none`, the two daemons running side by side and measured in
#     turns (8 connections x 64 pipelined pings; 8 x 8 crawls against nginx
#     serving python3.11-doc, extraction on);
#  3. `crawl` p50/p99 of the Redis daemon while redis-server runs vs while it
#     is stopped, in turns.
set -euo pipefail
cd "$(dirname "$0")/../.."
docs=/usr/share/doc/python3.11/html
rounds=${ROUNDS:-3}   # turns of each comparison; the medians are what to quote
Benchmarks/scripts/build.sh MonitorBench crawld ProtocolBench
bench=Benchmarks/.build/release/ProtocolBench
crawld=Benchmarks/.build/release/crawld

echo "== recording (MonitorBench)"
Benchmarks/.build/release/MonitorBench 100000 5

work=$(mktemp -d)
rport=17179
trap 'kill $(cat $work/nginx.pid 2>/dev/null) $npid $rpid $rdpid 2>/dev/null; rm -rf $work' EXIT
start_redis() {
  redis-server --port $rport --bind 127.0.0.1 --save '' --appendonly no --dir $work >/dev/null &
  rpid=$!
  until redis-cli -p $rport ping >/dev/null 2>&1; do sleep 0.05; done
}
start_redis
cat > $work/nginx.conf <<CONF
worker_processes 1; pid $work/nginx.pid; error_log $work/error.log; daemon on;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000;
  server { listen 127.0.0.1:18091; root $docs; } }
CONF
nginx -c $work/nginx.conf
(cd $docs && find . -name '*.html' | sed 's|^\./|http://127.0.0.1:18091/|') > $work/urls.txt
$crawld --config scripts/ --redis none --listen 127.0.0.1:17176 --state-dir $work/s1 --output-dir $work/o1 2>/dev/null &
npid=$!
$crawld --config scripts/ --redis redis://127.0.0.1:$rport --listen 127.0.0.1:17177 --state-dir $work/s2 --output-dir $work/o2 2>/dev/null &
rdpid=$!
sleep 1

echo "== daemon ping, --redis none vs redis (in turns)"
for run in $(seq $rounds); do
  echo "none : $($bench ping 17176 4 8 64)"
  echo "redis: $($bench ping 17177 4 8 64)"
done
echo "== daemon crawl, --redis none vs redis (in turns; $(wc -l < $work/urls.txt) pages)"
for run in $(seq $rounds); do
  echo "none : $($bench crawl 17176 5 8 8 $work/urls.txt)"
  echo "redis: $($bench crawl 17177 5 8 8 $work/urls.txt)"
done
echo "== crawl on the redis daemon, redis-server running vs stopped (in turns)"
for run in $(seq $rounds); do
  echo "running: $($bench crawl 17177 5 8 8 $work/urls.txt)"
  kill $rpid
  wait $rpid 2>/dev/null || true
  sleep 1
  echo "stopped: $($bench crawl 17177 5 8 8 $work/urls.txt)"
  start_redis
  sleep 2
done
