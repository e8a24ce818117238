#!/usr/bin/env bash
# fixed-politeness.sh DIR: the shipped scripts in DIR with one change, politeness toward every
# host a fixed 16 in flight without delay. Benchmarks that measure the crawler against wget2,
# Scrapy or itself use it: the shipped adaptive policy starts a loopback host at 100 ms between
# requests and 2 in flight and speeds up as the host answers, so it would measure its own ramp.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p "$1"
cp scripts/extract.lua "$1/"
sed 's/^return M$/M.politeness = function() return { delay_ms = 0, max_concurrency = 16 } end\nreturn M/' scripts/policies.lua > "$1/policies.lua"
