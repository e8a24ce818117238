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
#   CRAWLD=path                                another build (it must have the same scripts/)
set -euo pipefail
cd "$(dirname "$0")/../.."
mode=${1:-both}
runs=${RUNS:-3}
seconds=${SECONDS_PER_RUN:-20}
nginx_port=18190 port=17175
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

"$crawld" --config $work/scripts --redis none --listen 127.0.0.1:$port 2>/dev/null &
pids+=($!)
for _ in $(seq 50); do printf '{"id":0,"op":"ping"}\n' | nc -N 127.0.0.1 $port >/dev/null 2>&1 && break; sleep 0.1; done

echo "== ping beside $mode attacks on $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo -n "quiet: " && python3 Tests/Servers/pinger.py $port 5
for run in $(seq $runs); do
  $bench crawl $port $((seconds + 4)) 4 4 $work/urls.txt > $work/attack.txt &
  attack=$!
  sleep 2
  echo -n "under attack: " && python3 Tests/Servers/pinger.py $port $seconds || true
  wait $attack
  echo "  attacks: $(cat $work/attack.txt); load: $(cut -d' ' -f1-3 /proc/loadavg)"
done
printf '{"id":1,"op":"monitor.endpoints"}\n' | nc -N 127.0.0.1 $port | python3 -c '
import json, sys
crawl = json.loads(sys.stdin.readline()).get("ops", {}).get("crawl", {})
print("crawl answers: %s, errors (script_timeout expected): %s" % (crawl.get("count", 0), crawl.get("errors", 0)))'
