#!/usr/bin/env bash
# Builds products of the Benchmarks package in release mode, quietly, with the flag `make
# build` gives crawld (a static Swift runtime), so the benchmarks measure the binary users run.
# Every benchmark script builds through this one line: a build folder that sees another flag
# recompiles every module.
#   Benchmarks/scripts/build.sh crawld ProtocolBench
set -euo pipefail
cd "$(dirname "$0")/.."
for product in "$@"; do swift build -c release --static-swift-stdlib --product "$product" >/dev/null; done
