#!/usr/bin/env bash
# Issue 22's benchmark: one cluster job over 1, 2 and 3 crawld instances
# sharing one redis-server. Politeness-bound: 128 sites of 20 pages on
# 127.0.0.2-129 (Tests/Servers/jobsite.py, 100 ms a page), delay 50 ms, one
# request in flight per host, 8 workers per instance: pages/s and the closest
# two requests to one host from the server's log. CPU-bound: the
# postgresql-doc-15 manual (nginx), CPU per page with 1 and 2 instances
# against a job of one instance. Redis: round trips per page and memory per
# 100,000 and 1,000,000 seen URLs (REPEAT=n runs each cpu job n times). Links: fanout_site.py's pages of 50 new
# links each, 5,000 pages, cluster vs not: CPU and Redis script time per page. CRAWLD=path picks the binary (default: a release build of
# the Benchmarks package); MODES picks the parts; PORT_OFFSET is added to every port.
set -euo pipefail
cd "$(dirname "$0")/../.."
pg_docs=/usr/share/doc/postgresql-doc-15/html
if [ -z "${CRAWLD:-}" ]; then
  Benchmarks/scripts/build.sh crawld
  CRAWLD=Benchmarks/.build/release/crawld
fi
work=$(mktemp -d)
chmod 755 $work
trap 'kill $(cat $work/nginx.pid 2>/dev/null) 2>/dev/null; rm -rf $work' EXIT
cat > $work/nginx.conf <<CONF
worker_processes 1; pid $work/nginx.pid; error_log $work/error.log; daemon on;
events { worker_connections 4096; }
http { keepalive_requests 1000000; include /etc/nginx/mime.types;
  server { listen 127.0.0.1:$((18202 + ${PORT_OFFSET:-0})); root $pg_docs; access_log off; } }
CONF
nginx -c $work/nginx.conf
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 Benchmarks/scripts/fanout_site.py $((18203 + ${PORT_OFFSET:-0})) &
fanout=$!
trap 'kill $fanout; kill $(cat $work/nginx.pid 2>/dev/null) 2>/dev/null; rm -rf $work' EXIT
for mode in ${MODES:-politeness cpu links redis}; do
  site=http://127.0.0.1:$((18202 + ${PORT_OFFSET:-0}))/index.html
  [ $mode != links ] || site=http://127.0.0.1:$((18203 + ${PORT_OFFSET:-0}))/n/0
  python3 Benchmarks/scripts/cluster_bench.py $CRAWLD $work $mode $site
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
