#!/usr/bin/env bash
# A job's cost as its frontier grows: one job of each of SIZES pages (2000 20000 60000) over
# fanout_site.py (every page links to 50 new ones), extract false, 16 in flight, politeness
# pinned (fixed-politeness.sh), ROUNDS (3) rounds: pages/s, crawld's CPU a page, the largest
# checkpoint. The site is a Python server (about 1,500 pages/s here), so read CPU a page, not
# pages/s. CRAWLD="a b" runs builds side by side in each round (default: a release build of the
# Benchmarks package); PORT_OFFSET is added to every port.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -z "${CRAWLD:-}" ]; then
  Benchmarks/scripts/build.sh crawld
  CRAWLD=Benchmarks/.build/release/crawld
fi
offset=${PORT_OFFSET:-0}
site_port=$((17196 + offset)) port=$((17197 + offset))
work=$(mktemp -d)
python3 Benchmarks/scripts/fanout_site.py $site_port &
site=$!
trap 'kill $site; rm -rf $work' EXIT
Benchmarks/scripts/fixed-politeness.sh $work/scripts
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
for run in $(seq ${ROUNDS:-3}); do
  for size in ${SIZES:-2000 20000 60000}; do
    for build in $CRAWLD; do
      python3 Benchmarks/scripts/frontier_bench.py $build $work/scripts $site_port $size $port
    done
  done
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
