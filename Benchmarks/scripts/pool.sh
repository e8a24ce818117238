#!/usr/bin/env bash
# Issue 5's pool benchmark: acquire + release on a hot signature, cold creation vs hit.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --static-swift-stdlib --product PoolBench >/dev/null
.build/release/PoolBench
