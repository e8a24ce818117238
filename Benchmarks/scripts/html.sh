#!/usr/bin/env bash
# Issue 4's benchmark over python3.11-doc's HTML (apt: python3.11-doc,
# python3-lxml): (a) bare htmlReadMemory, parse + title + links, (c) parse +
# Markdown, the streaming title + links pass and the byte scanner (PageOutline, each checked against the
# tree on every page), and (d) Python lxml's title + links, in one run; then
# the same over postgresql-doc-15's small pages.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh HTMLBench
.build/release/HTMLBench --rounds 5
.build/release/HTMLBench --rounds 5 /usr/share/doc/postgresql-doc-15/html
