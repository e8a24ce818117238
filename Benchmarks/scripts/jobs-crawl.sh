#!/usr/bin/env bash
# Issue 7's benchmark: a full crawl of a real docs site served by nginx on
# loopback, by crawld (job.submit, concurrency 16, extract off: title and
# links), by wget2 (issue 25's reference: `wget2 -r --max-threads=16
# --delete-after`) and by Scrapy (a minimal spider keeping title and links,
# CONCURRENT_REQUESTS 16), in the same run, ROUNDS (3) rounds: pages/s, CPU
# seconds and per page, peak RSS, pages found. Large pages: python3.11-doc;
# small pages: postgresql-doc-15 (about 1,170 pages, median 7 KB).
#   CRAWLERS="crawld wget2 scrapy"   who runs; BASE=other/crawld adds another build (BASE_CONFIG=its scripts)
#   PORT_OFFSET=0                    added to every port, so two runs can share a machine
#   EXTRACT=1                        crawld's jobs (and BASE's) run the shipped extract.lua a page
#                                    (extract true) instead of extract false; Scrapy and wget2 are unchanged
set -euo pipefail
cd "$(dirname "$0")/../.."
python_docs=/usr/share/doc/python3.11/html
pg_docs=/usr/share/doc/postgresql-doc-15/html
Benchmarks/scripts/build.sh crawld
crawld=Benchmarks/.build/release/crawld
venv=Benchmarks/.venv
offset=${PORT_OFFSET:-0}
large_port=$((18191 + offset)) small_port=$((18192 + offset)) port=$((17176 + offset))
[[ " ${CRAWLERS:-scrapy} " != *" scrapy "* ]] || [ -x $venv/bin/scrapy ] || { python3 -m venv $venv && $venv/bin/pip install -q scrapy; }
work=$(mktemp -d)
trap 'kill $(cat $work/nginx.pid 2>/dev/null) 2>/dev/null; rm -rf $work' EXIT
cat > $work/nginx.conf <<CONF
worker_processes 1; pid $work/nginx.pid; error_log $work/error.log; daemon on;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000; include /etc/nginx/mime.types;
  server { listen 127.0.0.1:$large_port; root $python_docs; }
  server { listen 127.0.0.1:$small_port; root $pg_docs; } }
CONF
nginx -c $work/nginx.conf
# Politeness is a fixed 16 in flight without delay (fixed-politeness.sh), as wget2 and Scrapy run
# here; SHIPPED_POLITENESS=1 runs the shipped scripts, adaptive politeness and its ramp included.
if [ -n "${SHIPPED_POLITENESS:-}" ]; then mkdir -p $work/scripts && cp scripts/*.lua $work/scripts/; else
  Benchmarks/scripts/fixed-politeness.sh $work/scripts
fi
export CRAWLD_CONFIG=$work/scripts
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
for run in $(seq ${ROUNDS:-3}); do
  python3 Benchmarks/scripts/jobs_crawl.py $crawld $venv/bin/scrapy http://127.0.0.1:$small_port/index.html $work small $port
  python3 Benchmarks/scripts/jobs_crawl.py $crawld $venv/bin/scrapy http://127.0.0.1:$large_port/index.html $work large $port
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
