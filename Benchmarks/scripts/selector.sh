#!/usr/bin/env bash
# Issue 18's selector benchmark: every kind of selector on 1 MB pages of nested divs, a long
# list and nested sections, and the time a cubic XPath takes to hit the operation limit.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --static-swift-stdlib --product SelectorBench >/dev/null
.build/release/SelectorBench
