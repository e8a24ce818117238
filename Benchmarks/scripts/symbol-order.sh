#!/usr/bin/env bash
# Writes Sources/crawld/symbol-order.txt, the functions crawld runs when it works (the workload is
# symbol_order.py's), and relinks the release binary with it. The release link lays these
# functions out together, ahead of the rest (Package.swift), so the pages of code a daemon maps
# are pages it runs (docs/benchmarks.md, "code laid out by use").
#
# A stale list costs memory, never correctness: a function it does not name is laid out where it
# would be without it, and a name it has that no longer exists is ignored. Run it again after a
# change that adds or renames much of what a crawl runs, and commit the list.
#   Benchmarks/scripts/symbol-order.sh     (needs valgrind and postgresql-doc-15: make bench-deps)
set -euo pipefail
cd "$(dirname "$0")/../.."
make build >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp .build/release/crawld "$work/crawld"
strip --strip-debug "$work/crawld"
python3 Benchmarks/scripts/symbol_order.py "$work/crawld" Sources/crawld/symbol-order.txt

# SwiftPM does not know the link reads the list: remove the binary so that it links again.
rm -f .build/release/crawld
make build >/dev/null
