#!/usr/bin/env bash
# Builds products of the Benchmarks package in release mode, quietly, with the flags `make build`
# gives crawld (the Makefile's RELEASE_FLAGS: a static Swift runtime, one section a function), so
# the benchmarks measure the binary users run. Every benchmark script builds through this one
# line: a build folder that sees other flags recompiles every module.
#   Benchmarks/scripts/build.sh crawld ProtocolBench
set -euo pipefail
cd "$(dirname "$0")/.."
read -ra flags <<<"$(make -s -C .. --no-print-directory release-flags)"
for product in "$@"; do swift build -c release "${flags[@]}" --product "$product" >/dev/null; done
