#!/usr/bin/env bash
# The release binary as `make run` builds it, which the test suite (a debug build) does not
# run: a static Swift runtime, lld, packed relocations and no exported symbols but jemalloc's
# options (Package.swift, the Makefile). Checks that it links, that the machine has every
# library it loads, that jemalloc still finds crawld's built-in options, and that it serves:
# a ping, an HTTP crawl with the shipped extract.lua, a browser render, /metrics (read with
# python3: a bare machine has no curl), and a clean exit on SIGTERM. Everything on loopback,
# bounded by timeouts.
set -euo pipefail
cd "$(dirname "$0")/.."
make build
binary=.build/release/crawld
if ldd $binary | grep "not found"; then echo "release binary: a library is missing" >&2; exit 1; fi

work=$(mktemp -d)
site_port=17961 listen=127.0.0.1:17962 http=127.0.0.1:17963
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf $work' EXIT
mkdir $work/site
printf '<html><head><title>smoke page</title></head><body><h1>Hi</h1><a href="/next.html">next</a></body></html>' \
  > $work/site/index.html
python3 -m http.server --bind 127.0.0.1 --directory $work/site $site_port >/dev/null 2>&1 &

# stats_print makes jemalloc print its options at exit; crawld's own (narenas:1) must be among them.
MALLOC_CONF=stats_print:true $binary --config scripts/ --listen $listen --http $http --redis none \
  2> $work/stderr &
daemon=$!

ask() { printf '%s\n' "$1" | timeout 120 nc -N ${listen%:*} ${listen#*:}; }
expect() { # expect NAME JSON-LINE PYTHON-CONDITION-ON-a
  python3 -c "import json,sys; a=json.loads(sys.argv[2]); assert $3, (sys.argv[1], a)" "$1" "$2"
  echo "release smoke: $1 ok"
}
for _ in $(seq 120); do ask '{"op":"ping"}' 2>/dev/null | grep -q pong && break; sleep 1; done

expect ping "$(ask '{"id":1,"op":"ping"}')" 'a["ok"] and a["pong"]'
expect "http crawl" "$(ask "{\"id\":2,\"op\":\"crawl\",\"url\":\"http://127.0.0.1:$site_port/\",\"engine\":\"http\"}")" \
  'a["ok"] and a["title"] == "smoke page" and a["links"] == ["http://127.0.0.1:'$site_port'/next.html"] and a["data"]["title"] == "smoke page"'
expect "browser render" "$(ask "{\"id\":3,\"op\":\"crawl\",\"url\":\"http://127.0.0.1:$site_port/\",\"engine\":\"browser\"}")" \
  'a["ok"] and a["title"] == "smoke page" and a["engine"] == "browser"'
metrics=$(python3 -c "import urllib.request,sys; print(urllib.request.urlopen(sys.argv[1], timeout=60).read().decode())" \
  "http://$http/metrics")
grep -q '^crawld_' <<< "$metrics" || { echo "release binary: /metrics has no crawld_ series" >&2; exit 1; }
echo "release smoke: metrics ok"

kill -TERM $daemon
status=0; wait $daemon || status=$?
[ $status = 0 ] || { echo "release binary exited $status on SIGTERM" >&2; tail -20 $work/stderr >&2; exit 1; }
grep -q "opt.narenas: 1$" $work/stderr || { echo "jemalloc did not take crawld's malloc_conf" >&2; exit 1; }
echo "release smoke: SIGTERM exit 0, jemalloc options ok"
