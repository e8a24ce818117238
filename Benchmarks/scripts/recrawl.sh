#!/usr/bin/env bash
# Issue 23's benchmark: a first crawl of an unchanged docs site (postgresql-doc-15, about
# 1,170 pages, on nginx on loopback) and its recrawl (`recrawl_of`: If-None-Match /
# If-Modified-Since from the first crawl's records) by one release crawld, in the same run,
# ROUNDS rounds (3): pages/s, bytes nginx sent (headers and bodies, from its log), crawld's CPU
# seconds; medians, then recrawl / first crawl. Ports 20700-20701 (PORT_OFFSET 700).
# CRAWLD=path runs that binary instead of building the release one. The shipped scripts run
# with one change: politeness toward 127.0.0.1 is a fixed 16 in flight without delay (the
# adaptive controller paces both crawls alike and would hide what a recrawl saves per page).
# DOCS=folder crawls another site (python3.11-doc's html: large pages).
set -euo pipefail
cd "$(dirname "$0")/../.."
docs=${DOCS:-/usr/share/doc/postgresql-doc-15/html}
crawld=${CRAWLD:-Benchmarks/.build/release/crawld}
[ -n "${CRAWLD:-}" ] || (cd Benchmarks && swift build -c release --product crawld >/dev/null)
work=$(mktemp -d)
trap 'kill $(cat $work/nginx.pid 2>/dev/null) 2>/dev/null; rm -rf $work' EXIT
cat > $work/nginx.conf <<CONF
worker_processes 1; pid $work/nginx.pid; error_log $work/error.log; daemon on;
events { worker_connections 4096; }
http { log_format sent '\$status \$bytes_sent \$request_uri'; access_log $work/access.log sent;
  keepalive_requests 1000000; include /etc/nginx/mime.types;
  server { listen 127.0.0.1:20700; root $docs; } }
CONF
nginx -c $work/nginx.conf
mkdir -p $work/scripts
cp scripts/extract.lua $work/scripts/
sed 's/^return M$/M.politeness = function() return { delay_ms = 0, max_concurrency = 16 } end\nreturn M/' scripts/policies.lua > $work/scripts/policies.lua
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 Benchmarks/scripts/recrawl_bench.py $crawld http://127.0.0.1:20700/index.html $work "${ROUNDS:-3}"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
