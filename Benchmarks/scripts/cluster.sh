#!/usr/bin/env bash
# Issue 22's benchmark: one cluster job over 1, 2 and 3 crawld instances
# sharing one redis-server. Politeness-bound: 32 generated sites (60 pages
# each) on 127.0.0.2-33 served by nginx, delay 50 ms, one request in flight
# per host: pages/s and the closest two requests to one host from nginx's
# log. CPU-bound: the postgresql-doc-15 manual, CPU per page with 1 and 2
# instances against a job of one instance. Redis: round trips per page and
# memory per 100,000 seen URLs. CRAWLD=path picks the binary (default: a
# release build of the Benchmarks package).
set -euo pipefail
cd "$(dirname "$0")/../.."
pg_docs=/usr/share/doc/postgresql-doc-15/html
if [ -z "${CRAWLD:-}" ]; then
  (cd Benchmarks && swift build -c release --product crawld >/dev/null)
  CRAWLD=Benchmarks/.build/release/crawld
fi
work=$(mktemp -d)
chmod 755 $work
trap 'kill $(cat $work/nginx.pid 2>/dev/null) 2>/dev/null; rm -rf $work' EXIT
mkdir -p $work/site/p
for i in $(seq 0 59); do
  links=""
  for j in $(( (i * 7 + 1) % 60 )) $(( (i * 3 + 2) % 60 )) $(( i + 1 )); do [ $j -lt 60 ] && links="$links<a href=\"$j.html\">$j</a> "; done
  echo "<html><head><title>Page $i</title></head><body>$links</body></html>" > $work/site/p/$i.html
done
listens=$(for i in $(seq 2 33); do echo -n "listen 127.0.0.$i:18201; "; done)
cat > $work/nginx.conf <<CONF
worker_processes 1; pid $work/nginx.pid; error_log $work/error.log; daemon on;
events { worker_connections 4096; }
http { log_format stamps '\$msec \$server_addr \$uri'; keepalive_requests 1000000; include /etc/nginx/mime.types;
  server { $listens root $work/site; access_log $work/access.log stamps; }
  server { listen 127.0.0.1:18202; root $pg_docs; access_log off; } }
CONF
nginx -c $work/nginx.conf
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
for mode in ${MODES:-politeness cpu redis}; do case $mode in
  politeness) python3 Benchmarks/scripts/cluster_bench.py $CRAWLD $work politeness 18201 ;;
  *) python3 Benchmarks/scripts/cluster_bench.py $CRAWLD $work $mode http://127.0.0.1:18202/index.html ;;
esac; done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
