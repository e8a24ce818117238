#!/usr/bin/env bash
# Issue 18's selector benchmark: every kind of selector on 1 MB pages of nested divs, a long
# list and nested sections, and the time a cubic XPath takes to hit the operation limit.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh SelectorBench
.build/release/SelectorBench
