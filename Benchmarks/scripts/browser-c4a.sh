#!/usr/bin/env bash
# Issue 25's browser comparison (browser_c4a.py): crawld before/after the
# crawl options (block, wait_until) and in one browser session, against crawl4ai 0.9.5, on Debian's
# chromium-headless-shell, 200 pages of the Python docs (python3.11-doc) served by Python's http.server,
# 4 in flight, ROUNDS (default 3) rounds in turns (PAGES pages, default 200). crawl4ai goes into
# .venv-c4a at the repository's root. Ports: 20000 + PORT_OFFSET (default 800).
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${ROUNDS:-3}
pages=${PAGES:-200}
base=$((20000 + ${PORT_OFFSET:-800}))
crawld=${CRAWLD:-.build/release/crawld}
[ -x "$crawld" ] || make build >/dev/null
[ -x .venv-c4a/bin/python ] || { python3 -m venv .venv-c4a && .venv-c4a/bin/pip install -q crawl4ai==0.9.5; }
docs=/usr/share/doc/python3.11/html
# Served by its own process, outside every contender's process tree (whose CPU is counted).
python3 -m http.server --bind 127.0.0.1 --directory $docs $base >/dev/null 2>&1 &
server=$!
trap 'kill $server' EXIT
until python3 -c "import socket; socket.create_connection(('127.0.0.1', $base))" 2>/dev/null; do sleep 0.1; done
urls=$(cd $docs && ls library/*.html | sort | head -$pages | sed "s|^|http://127.0.0.1:$base/|")
export CRAWL4AI_NO_CLOUD_NOTICE=1
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); crawld: $crawld"
.venv-c4a/bin/python Benchmarks/scripts/browser_c4a.py "$crawld" scripts $((base + 1)) "$rounds" $urls
