#!/usr/bin/env bash
# Issue 23's benchmark: a first crawl of an unchanged docs site (postgresql-doc-15, about
# 1,170 pages, on nginx) and its recrawl (`recrawl_of`: If-None-Match / If-Modified-Since from
# the first crawl's records) by one release crawld, in the same run, ROUNDS rounds (3): pages/s,
# bytes nginx sent (headers and bodies, from its log), crawld's CPU seconds; medians, then
# recrawl / first crawl. Ports 20700-20702 (PORT_OFFSET 700).
# CRAWLD=path runs that binary instead of building the release one; CRAWLD="a b" runs each
# in turn in every round, so builds compare side by side on the same machine state.
# The shipped scripts run with one change: politeness toward the site is a fixed 16 in flight
# without delay (the adaptive controller paces both crawls alike and would hide what a recrawl
# saves per page). DOCS=folder crawls another site (python3.11-doc's html: large pages).
# Both crawls run the shipped extract.lua, as a job does by default; EXTRACT=false turns
# extraction off in both (what a recrawl then saves is only the transfer and the scan).
#
# LINK="rate 100mbit delay 10ms" serves the site from a network namespace over a veth pair
# instead of loopback: `rate` shapes each direction with tc's tbf, `delay` holds each direction
# that long (a 20 ms round trip) in delay_relay.py inside the namespace, because this kernel has
# no netem qdisc. Needs root; the namespace and the pair go in the exit trap.
set -euo pipefail
cd "$(dirname "$0")/../.."
docs=${DOCS:-/usr/share/doc/postgresql-doc-15/html}
[ -n "${CRAWLD:-}" ] || Benchmarks/scripts/build.sh crawld
read -r -a binaries <<< "${CRAWLD:-Benchmarks/.build/release/crawld}"
work=$(mktemp -d)
ns=crawld-recrawl
cleanup() {
  kill $(cat $work/nginx.pid 2>/dev/null) 2>/dev/null || true
  [ -z "${relay:-}" ] || kill $relay 2>/dev/null || true
  if [ -n "${LINK:-}" ]; then ip link del crr0 2>/dev/null || true; ip netns del $ns 2>/dev/null || true; fi
  rm -rf $work
}
trap cleanup EXIT
listen=127.0.0.1:20700
site=127.0.0.1:20700
if [ -n "${LINK:-}" ]; then
  rate=$(sed -n 's/.*rate \([^ ]*\).*/\1/p' <<< "$LINK")
  delay=$(sed -n 's/.*delay \([0-9.]*\)ms.*/\1/p' <<< "$LINK")
  ip link del crr0 2>/dev/null || true
  ip netns del $ns 2>/dev/null || true
  ip netns add $ns
  ip link add crr0 type veth peer name crr1
  ip link set crr1 netns $ns
  ip addr add 11.250.207.1/30 dev crr0
  ip link set crr0 up
  ip -n $ns addr add 11.250.207.2/30 dev crr1
  ip -n $ns link set crr1 up
  ip -n $ns link set lo up
  if [ -n "$rate" ]; then
    tc qdisc add dev crr0 root tbf rate $rate burst 128kb latency 100ms
    ip netns exec $ns tc qdisc add dev crr1 root tbf rate $rate burst 128kb latency 100ms
  fi
  listen=127.0.0.1:20702
  site=11.250.207.2:20700
  ip netns exec $ns python3 Benchmarks/scripts/delay_relay.py 11.250.207.2 20700 127.0.0.1 20702 "${delay:-0}" &
  relay=$!
  for _ in $(seq 100); do (exec 3<>/dev/tcp/11.250.207.2/20700) 2>/dev/null && break; sleep 0.1; done
fi
cat > $work/nginx.conf <<CONF
worker_processes 1; pid $work/nginx.pid; error_log $work/error.log; daemon on;
events { worker_connections 4096; }
http { log_format sent '\$status \$bytes_sent \$request_uri'; access_log $work/access.log sent;
  keepalive_requests 1000000; include /etc/nginx/mime.types;
  server { listen $listen; root $docs; } }
CONF
if [ -n "${LINK:-}" ]; then ip netns exec $ns nginx -c $work/nginx.conf; else nginx -c $work/nginx.conf; fi
Benchmarks/scripts/fixed-politeness.sh $work/scripts
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)${LINK:+; link: $LINK}"
python3 Benchmarks/scripts/recrawl_bench.py http://$site/index.html $work "${ROUNDS:-3}" "${binaries[@]}"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
