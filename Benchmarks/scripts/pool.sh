#!/usr/bin/env bash
# Issue 5's pool benchmark: acquire + release on a hot signature, cold creation vs hit.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh PoolBench
.build/release/PoolBench
