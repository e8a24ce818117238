#!/usr/bin/env bash
# Issue 20's soak: JOBS small jobs (default 100,000) and CRAWLS crawls (default 1,000,000)
# through one crawld, alternating, against nginx on loopback serving postgresql-doc-15's small
# pages; the daemon's open descriptors, RSS and threads at 1, 10, 25, 50, 75 and 100% of the
# work, and a verdict, flat or not, against the 10% mark (soak.py states the tolerances).
#
#   soak.sh                                   the full run (hours on a 2-core machine)
#   JOBS=10000 CRAWLS=100000 soak.sh          a tenth of it
#   JOB_SLOTS=16 JOBS_KEEP=1000 PORT_OFFSET=0 jobs in flight; finished jobs kept (passed only
#                                             when crawld has --jobs-keep); added to every port
set -euo pipefail
cd "$(dirname "$0")/../.."
corpus=/usr/share/doc/postgresql-doc-15/html
offset=${PORT_OFFSET:-0}
nginx_port=$((18290 + offset)) port=$((17275 + offset))
# One release build (the Benchmarks package's) serves crawld and the load generator.
Benchmarks/scripts/build.sh crawld ProtocolBench
crawld=${CRAWLD:-Benchmarks/.build/release/crawld}
work=$(mktemp -d)
pid=
trap 'kill $(cat $work/nginx.pid 2>/dev/null) $pid 2>/dev/null; rm -rf $work' EXIT
cat > $work/nginx.conf <<CONF
worker_processes 1; pid $work/nginx.pid; error_log $work/error.log; daemon on;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000; include /etc/nginx/mime.types;
  server { listen 127.0.0.1:$nginx_port; root $corpus; } }
CONF
nginx -c $work/nginx.conf

keep=()
"$crawld" --help 2>&1 | grep -q -- --jobs-keep && keep=(--jobs-keep "${JOBS_KEEP:-1000}")
"$crawld" --config scripts/ --redis none --listen 127.0.0.1:$port --output-dir $work/output \
  --state-dir $work/state "${keep[@]}" 2>$work/crawld.log &
pid=$!
for _ in $(seq 100); do printf '{"id":0,"op":"ping"}\n' | nc -N 127.0.0.1 $port >/dev/null 2>&1 && break; sleep 0.1; done
echo "crawld pid $pid ${keep[*]}, fd limit $(awk '/Max open files/ {print $4}' /proc/$pid/limits), load: $(cut -d' ' -f1-3 /proc/loadavg)"
status=0
python3 Benchmarks/scripts/soak.py --port $port --pid $pid --corpus $corpus --base http://127.0.0.1:$nginx_port/ \
  --urls $work/urls.txt --jobs "${JOBS:-100000}" --crawls "${CRAWLS:-1000000}" --job-slots "${JOB_SLOTS:-16}" || status=$?
kill -0 $pid 2>/dev/null || { echo "crawld died; its log:"; tail -20 $work/crawld.log; status=1; }
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $status
