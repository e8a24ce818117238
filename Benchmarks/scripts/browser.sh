#!/usr/bin/env bash
# Issue 8's benchmark, 3 runs: pooled vs cold latency (p50 of 20) of the
# browser engine alone and of crawld's `crawl` op, pages/s with 4 in flight,
# PSS of an idle browser and after 200 pages; and in the same run the bare
# browser driven over the pipe (cdp_reference.py), with each DevTools round
# trip's p50, so crawld and the bare browser read side by side.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh BrowserBench crawld
work=$(mktemp -d)
mkfifo $work/stdin
python3 -u ../Tests/Servers/browserpages.py < $work/stdin > $work/server.out &
server=$!
exec 3>$work/stdin
trap 'exec 3>&-; kill $server 2>/dev/null; rm -rf $work' EXIT
until grep -q PORT $work/server.out; do sleep 0.1; done
page="http://127.0.0.1:$(head -1 $work/server.out | cut -d' ' -f2)/small"
for run in 1 2 3; do
  echo "run $run, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  .build/release/BrowserBench .build/release/crawld
  python3 scripts/cdp_reference.py "$page" 20
done
