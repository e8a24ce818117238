#!/usr/bin/env bash
# Issue 24: pages/s and 429s of the shipped adaptive politeness against the
# best hand-tuned fixed delay, on a local server limited to RATE requests/s.
#   adaptive.sh                      3 rounds of 1,000 pages at 50 req/s
#   ROUNDS=5 PAGES=2000 adaptive.sh
#   OUTAGE_AFTER=150 PAGES=400 RATE=40 adaptive.sh   pace before / during / after a 3 s outage
#   POLICIES=/tmp/main.lua,scripts/policies.lua adaptive.sh   two controllers, one binary, interleaved
set -euo pipefail
cd "$(dirname "$0")/../.."
Benchmarks/scripts/build.sh crawld
python3 Benchmarks/scripts/adaptive_bench.py --crawld "${CRAWLD:-Benchmarks/.build/release/crawld}" \
  --rounds "${ROUNDS:-3}" --pages "${PAGES:-1000}" --rate "${RATE:-50}" --fixed "${FIXED:-20,21,23,25}" \
  ${OUTAGE_AFTER:+--outage-after "$OUTAGE_AFTER" --outage-s "${OUTAGE_S:-3}"} ${POLICIES:+--policies "$POLICIES"}
