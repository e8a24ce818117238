#!/usr/bin/env bash
# Issue 7's benchmark: a full crawl of a real docs site served by nginx on
# loopback, by crawld (job.submit, concurrency 16, extract off: title and
# links) and by Scrapy (a minimal spider keeping title and links,
# CONCURRENT_REQUESTS 16), in the same run, 3 rounds: pages/s, CPU seconds,
# peak RSS, pages found. Large pages: python3.11-doc; small pages:
# postgresql-doc-15 (about 1,170 pages, median 7 KB).
set -euo pipefail
cd "$(dirname "$0")/../.."
python_docs=/usr/share/doc/python3.11/html
pg_docs=/usr/share/doc/postgresql-doc-15/html
(cd Benchmarks && swift build -c release --product crawld >/dev/null)
crawld=Benchmarks/.build/release/crawld
venv=Benchmarks/.venv
[ -x $venv/bin/scrapy ] || { python3 -m venv $venv && $venv/bin/pip install -q scrapy; }
work=$(mktemp -d)
trap 'kill $(cat $work/nginx.pid 2>/dev/null) 2>/dev/null; rm -rf $work' EXIT
cat > $work/nginx.conf <<CONF
worker_processes 1; pid $work/nginx.pid; error_log $work/error.log; daemon on;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000; include /etc/nginx/mime.types;
  server { listen 127.0.0.1:18191; root $python_docs; }
  server { listen 127.0.0.1:18192; root $pg_docs; } }
CONF
nginx -c $work/nginx.conf
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
for run in 1 2 3; do
  python3 Benchmarks/scripts/jobs_crawl.py $crawld $venv/bin/scrapy http://127.0.0.1:18192/index.html $work small
  python3 Benchmarks/scripts/jobs_crawl.py $crawld $venv/bin/scrapy http://127.0.0.1:18191/index.html $work large
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
