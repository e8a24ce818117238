#!/usr/bin/env bash
# Issue 25's floor under the `crawl` op's instructions: libxml2's parse and free of each page
# alone (libxml2_cost.c), counted by callgrind over the pages a CrawlPathBench run counts, so the
# figure stands beside its instructions a crawl (docs/benchmarks.md, "Counting instructions").
#
#     Benchmarks/scripts/libxml2-cost.sh [CORPUS] [FIRST] [COUNT]
#
# CORPUS defaults to postgresql-doc-15's pages (the small pages), taken in `find` order as
# crawl.sh lists them; FIRST (301) and COUNT (300) pick the crawls that `CrawlPathBench small.txt
# 300|600` differ by (both runs crawl the list from its start after the same warm-up, so the
# longer run's pages 301-600 are its difference). It prints the
# instructions a page under jemalloc (the daemon's allocator) and under glibc's malloc (the
# bench's): one run over the pages minus one run over the first page alone, over COUNT - 1.
set -euo pipefail
corpus=${1:-/usr/share/doc/postgresql-doc-15/html}
first=${2:-301}
count=${3:-300}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$(dirname "$0")"
mapfile -t pages < <(cd "$corpus" && find . -name '*.html' | sed -n "$first,$((first + count - 1))p" | sed "s|^\./|$corpus/|")
[ ${#pages[@]} -eq "$count" ] || { echo "the corpus has fewer than $((first + count - 1)) pages" >&2; exit 1; }
gcc -O2 -o "$work/glibc" libxml2_cost.c $(pkg-config --cflags --libs libxml-2.0)
gcc -O2 -o "$work/jemalloc" libxml2_cost.c $(pkg-config --cflags --libs libxml-2.0) -ljemalloc

instructions() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 | awk '/refs:/ {gsub(",", "", $4); print $4}'
}
for allocator in jemalloc glibc; do
    all=$(instructions "$work/$allocator" "${pages[@]}")
    one=$(instructions "$work/$allocator" "${pages[0]}")
    echo "$allocator: $(((all - one) / (count - 1))) instructions a page (pages $first-$((first + count - 1)) of $corpus, $(cat "${pages[@]:1}" | wc -c) bytes)"
done
