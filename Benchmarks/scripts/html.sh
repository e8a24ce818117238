#!/usr/bin/env bash
# Issue 4's benchmark over python3.11-doc's HTML (apt: python3.11-doc,
# python3-lxml): (a) bare htmlReadMemory, parse + title + links, (c) parse +
# Markdown, and (d) Python lxml's title + links, in one run.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product HTMLBench >/dev/null
.build/release/HTMLBench --rounds 5
