#!/usr/bin/env bash
# Issue 18's liveness figure: `ping` latency on a connection of its own while attacks keep
# every Lua state (one per core) busy, each attack a call only the 2 s deadline ends:
#   /pattern.html   extract.lua runs a backtracking pattern, (.-)x over 150 KB (O(n^2) in C);
#   /xpath.html     extract.lua asks for count(//div//span) on a flat 1 MB page (10 s of
#                   libxml2 node-set merging that its operation limit does not count).
# ProtocolBench keeps 16 attack crawls in flight (4 connections x 4) for the whole run;
# Tests/Servers/pinger.py pings every 20 ms beside them and prints p99 and max.
#
#   containment.sh [pattern|xpath|both]        (default: both, alternating URLs)
#   SECONDS_PER_RUN=20 RUNS=3                  knobs
#   PORT_OFFSET=0                              added to every port, so two runs can share a machine
#   CRAWLD=path                                another build (it must have the same scripts/)
#   BASE=/path/to/other/crawld                 that build attacked too, alternating with this one
set -euo pipefail
cd "$(dirname "$0")/../.."
mode=${1:-both}
runs=${RUNS:-3}
seconds=${SECONDS_PER_RUN:-20}
offset=${PORT_OFFSET:-0}
nginx_port=$((18190 + offset)) port=$((17175 + offset)) base_port=$((17176 + offset))
source Benchmarks/scripts/release-setup.sh

mkdir -p $work/site $work/scripts
cp scripts/*.lua $work/scripts/
python3 -c 'import sys; sys.stdout.write("<div><span>x</span></div>" * 40000)' > $work/site/xpath.html
echo '<p>pattern</p>' > $work/site/pattern.html
cat > $work/scripts/extract.lua <<'LUA'
local subject = "a" .. (" "):rep(150 * 1024) .. "a"
return {
  sites = {},
  default = function(doc, page)
    if page.url:find("pattern.html", 1, true) then return { found = subject:find("(.-)x") } end
    if page.url:find("xpath.html", 1, true) then return { found = doc:xpath("count(//div//span)") } end
    return {}
  end,
}
LUA
cat > $work/nginx.conf <<CONF
worker_processes 1; pid $work/nginx.pid; error_log $work/error.log; daemon on;
events { worker_connections 1024; }
http { access_log off; server { listen 127.0.0.1:$nginx_port; root $work/site; } }
CONF
nginx -c $work/nginx.conf
case $mode in
  pattern) echo "http://127.0.0.1:$nginx_port/pattern.html" > $work/urls.txt ;;
  xpath) echo "http://127.0.0.1:$nginx_port/xpath.html" > $work/urls.txt ;;
  both) printf 'http://127.0.0.1:%s/pattern.html\nhttp://127.0.0.1:%s/xpath.html\n' $nginx_port $nginx_port > $work/urls.txt ;;
  *) echo "usage: containment.sh [pattern|xpath|both]"; exit 2 ;;
esac

# start PORT BINARY: a crawld with the attack scripts on PORT.
start() {
  "$2" --config $work/scripts --redis none --listen 127.0.0.1:$1 2>/dev/null &
  pids+=($!)
  for _ in $(seq 50); do printf '{"id":0,"op":"ping"}\n' | nc -N 127.0.0.1 $1 >/dev/null 2>&1 && return; sleep 0.1; done
  echo "crawld on port $1 did not start"; exit 1
}

# attack NAME PORT: one run of attacks on PORT with the pinger beside them.
attack() {
  $bench crawl $2 $((seconds + 4)) 4 4 $work/urls.txt > $work/attack.txt &
  local pid=$!
  sleep 2
  echo -n "$1 under attack: " && python3 Tests/Servers/pinger.py $2 $seconds || true
  wait $pid
  echo "  attacks: $(cat $work/attack.txt); load: $(cut -d' ' -f1-3 /proc/loadavg)"
}

# errors NAME PORT: how the attack crawls were answered.
errors() {
  printf '{"id":1,"op":"monitor.endpoints"}\n' | nc -N 127.0.0.1 $2 | python3 -c '
import json, sys
crawl = json.loads(sys.stdin.readline()).get("ops", {}).get("crawl", {})
print("'$1' crawl answers: %s, errors (script_timeout expected): %s" % (crawl.get("count", 0), crawl.get("errors", 0)))'
}

start $port "$crawld"
[ -n "${BASE:-}" ] && start $base_port "$BASE"

echo "== ping beside $mode attacks on $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)"
[ -n "${BASE:-}" ] && echo -n "base quiet: " && python3 Tests/Servers/pinger.py $base_port 5
echo -n "crawld quiet: " && python3 Tests/Servers/pinger.py $port 5
for run in $(seq $runs); do
  [ -n "${BASE:-}" ] && attack base $base_port
  attack crawld $port
done
[ -n "${BASE:-}" ] && errors base $base_port
errors crawld $port
