#!/usr/bin/env bash
# Issue 23's benchmark: a first crawl of an unchanged docs site (postgresql-doc-15, about
# 1,170 pages, on nginx on loopback) and its recrawl (`recrawl_of`: If-None-Match /
# If-Modified-Since from the first crawl's records) by one release crawld, in the same run,
# ROUNDS rounds (3): pages/s, bytes nginx sent (headers and bodies, from its log), crawld's CPU
# seconds; medians, then recrawl / first crawl. Ports 20700-20701 (PORT_OFFSET 700).
set -euo pipefail
cd "$(dirname "$0")/../.."
docs=${DOCS:-/usr/share/doc/postgresql-doc-15/html}
(cd Benchmarks && swift build -c release --product crawld >/dev/null)
crawld=Benchmarks/.build/release/crawld
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
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 Benchmarks/scripts/recrawl_bench.py $crawld http://127.0.0.1:20700/index.html $work "${ROUNDS:-3}"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
