#!/usr/bin/env bash
# Writes Sources/crawld/symbol-order.txt, the functions crawld runs when it works: a start with
# Redis, pings, a crawl job of 300 pages with the shipped extract.lua, a crawl, /metrics, the
# dashboard and a stop, as callgrind names them. The release link lays these functions out
# together, ahead of the rest (Package.swift), so the pages of code a daemon maps are pages it
# runs (docs/benchmarks.md, "code laid out by use").
#
# A stale list costs memory, never correctness: a function it does not name is laid out where it
# would be without it, and a name it has that no longer exists is ignored. Run it again after a
# change that adds or renames much of what a crawl runs, and commit the list.
#   Benchmarks/scripts/symbol-order.sh          (needs valgrind and postgresql-doc-15: make bench-deps)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
make build >/dev/null
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

# valgrind cannot read Swift 6.3's debug info; the symbols it needs stay.
cp .build/release/crawld "$work/crawld"
strip --strip-debug "$work/crawld"

port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
site=$(port) redis=$(port) listen=$(port) http=$(port)
python3 -m http.server --bind 127.0.0.1 --directory /usr/share/doc/postgresql-doc-15/html "$site" >/dev/null 2>&1 &
redis-server --port "$redis" --bind 127.0.0.1 --save '' --appendonly no >/dev/null &

valgrind --tool=callgrind --demangle=no --compress-strings=no --compress-pos=no \
  --callgrind-out-file="$work/callgrind.out" \
  "$work/crawld" --config scripts/ --listen "127.0.0.1:$listen" --http "127.0.0.1:$http" \
  --redis "redis://127.0.0.1:$redis" --output-dir "$work/out" --state-dir "$work/state" 2>"$work/valgrind.log" &
daemon=$!

request() { printf '%s\n' "$1" | nc -N 127.0.0.1 "$listen"; }
for _ in $(seq 120); do request '{"op":"ping"}' 2>/dev/null | grep -q pong && break; sleep 1; done
request '{"op":"job.submit","urls":["http://127.0.0.1:'"$site"'/index.html"],"concurrency":16,"max_pages":300,"extract":true,"watch":true,"output":"profile.jsonl"}' \
  | tail -1 | grep -q '"state":"completed"' || { echo "symbol-order: the profile's job did not complete" >&2; exit 1; }
request '{"op":"crawl","url":"http://127.0.0.1:'"$site"'/sql.html"}' | grep -q '"ok":true'
python3 -c "import urllib.request as u; [u.urlopen('http://127.0.0.1:$http' + p).read() for p in ('/metrics', '/dashboard')]"
kill -TERM $daemon
wait $daemon

# Every function callgrind saw run in crawld's own image; a trailing 'N marks recursion depth.
python3 - "$work/callgrind.out" "$root/Sources/crawld/symbol-order.txt" <<'EOF'
import re, sys
image, names = None, set()
for line in open(sys.argv[1]):
    if line.startswith("ob="):
        image = line[3:].strip()
    elif line.startswith("fn=") and image.endswith("/crawld"):
        names.add(re.sub(r"'\d+$", "", line[3:].strip()))
names = {name for name in names if name != "(below main)" and not re.fullmatch(r"0x[0-9a-f]+", name)}
open(sys.argv[2], "w").write("".join(name + "\n" for name in sorted(names)))
print(f"symbol-order: {len(names)} functions")
EOF

# SwiftPM does not know the link reads the list: remove the binary so that it links again.
rm -f .build/release/crawld
make build >/dev/null
