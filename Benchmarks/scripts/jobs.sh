#!/usr/bin/env bash
# Issue 7's frontier figures: seen-set and frontier memory for 1,000,000 URLs.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --static-swift-stdlib --product CrawlBench >/dev/null
.build/release/CrawlBench
