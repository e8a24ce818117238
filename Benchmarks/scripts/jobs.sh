#!/usr/bin/env bash
# Issue 7's frontier figures: seen-set and frontier memory for 1,000,000 URLs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh CrawlBench
.build/release/CrawlBench
