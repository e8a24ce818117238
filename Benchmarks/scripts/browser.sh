#!/usr/bin/env bash
# Issue 8's benchmark: pooled vs cold render latency (p50 of 20), pages/s with
# 4 in flight, PSS of an idle browser and after 200 pages.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product BrowserBench >/dev/null
.build/release/BrowserBench
